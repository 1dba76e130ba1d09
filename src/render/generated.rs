//! Pages made from other pages rather than from a Markdown file:
//!
//! - `audiences/<id>/` for each audience in site.toml: every page for that
//!   audience, grouped by stage (template `audience.html`);
//! - `search/`: the search page, and every page by audience for readers
//!   without JavaScript (`search.html`);
//! - `updates/`: every `changes:` note of every page, newest first
//!   (`updates.html`), and `updates.xml`, the same as an Atom feed;
//! - `<section>/print/` for each section with pages: the section's pages one
//!   after another, for printing whole (`print.html`).
//!
//! They are small to make, and are all made again after every change (print
//! pages only for the sections the change touched), so an incremental
//! rebuild gives exactly what a full one does.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::Value;
use serde::Serialize;

use super::context::{self, ContextKind, PageContextRoot, SiteContext, audience_ref, blank_context, group_by_stage, page_context};
use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::history::History;
use crate::load::{ChangeNote, Page, PageKind};
use crate::markdown::Rendered;
use crate::render::Templates;
use crate::site::{PageId, Pages};

/// The updates page.
pub(crate) const UPDATES_URL: &str = "updates/";
/// The search page.
pub(crate) const SEARCH_URL: &str = "search/";
/// The Atom feed of the updates.
pub(crate) const FEED_PATH: &str = "updates.xml";

/// An audience's list of pages.
pub(crate) fn audience_url(id: &str) -> String {
    format!("audiences/{id}/")
}

/// A section's print page (`section_url` ends with `/`).
pub(crate) fn print_url(section_url: &str) -> String {
    format!("{section_url}print/")
}

/// Generated pages that belong in the sitemap (print pages repeat other pages).
pub(crate) fn listed_urls(config: &SiteConfig) -> Vec<String> {
    config.audiences.iter().map(|a| audience_url(&a.id)).chain([UPDATES_URL.to_owned(), SEARCH_URL.to_owned()]).collect()
}

/// One change note on the updates page.
#[derive(Serialize, Clone)]
pub(crate) struct Entry {
    date: String,
    date_iso: String,
    title: String,
    url: String,
    note: String,
}

/// One entry of /updates/ and the feed: a page's change note or a rule change.
struct FeedItem {
    date: time::Date,
    title: String,
    /// The address on the updates page (with the base path).
    url: String,
    /// The address after the base URL, for the feed's link.
    link: String,
    /// The part of the tag URI after the date: stable from build to build.
    id: String,
    note: String,
}

/// The pages' change notes (sorted, newest first) and the rule changes,
/// merged newest first. A note's id is its page's path and its number that
/// day (`/procedures/cppm/1`); a rule change's is `/rules/<timescale id>`,
/// so both stay the same while notes and versions are only added.
fn feed_items(config: &SiteConfig, pages: &Pages, entries: &[(&Page, &ChangeNote)], rules: &[crate::asat::RuleChange]) -> Vec<FeedItem> {
    let base = &config.base_path;
    // The n-th note of a page on a day: stable while notes are only added.
    let mut seen: BTreeMap<(&str, time::Date), usize> = BTreeMap::new();
    let mut out: Vec<FeedItem> = entries
        .iter()
        .map(|(p, c)| {
            let n = seen.entry((p.rel.as_str(), c.date)).or_insert(0);
            *n += 1;
            FeedItem { date: c.date, title: p.front.title.clone(), url: format!("{base}{}", p.url), link: p.url.clone(), id: format!("{base}{}{n}", p.url), note: c.note.clone() }
        })
        .collect();
    // Rule changes link to their row of the timescales table, where one page shows it.
    let table = pages.states().iter().find(|s| context::calls(&s.body, crate::parse::call::Function::TimescalesTable)).map(|s| &s.page);
    for r in rules {
        let link = match table {
            Some(p) => format!("{}#timescale-{}", p.url, r.id.replace('_', "-")),
            None => UPDATES_URL.to_owned(),
        };
        out.push(FeedItem { date: r.date, title: format!("Timescale: {}", r.title), url: format!("{base}{link}"), link, id: format!("{base}rules/{}", r.id), note: r.note.clone() });
    }
    out.sort_by_key(|i| std::cmp::Reverse(i.date));
    out
}

/// One page of a section's print page.
#[derive(Serialize, Clone)]
pub(crate) struct Chapter {
    title: String,
    id: String,
    url: String,
    content: String,
}

/// What the generated pages are made from.
pub(crate) struct Input<'a> {
    pub config: &'a SiteConfig,
    pub pages: &'a Pages,
    pub strings: &'a crate::i18n::Strings,
    pub history: &'a History,
    pub templates: &'a Templates,
    /// `site` in each language.
    pub sites: &'a [SiteContext],
    pub resources: Option<&'a crate::resources::Resources>,
    /// Page `i`'s body as one audience's view shows it.
    pub view_body: &'a (dyn Fn(PageId, &crate::resources::View) -> Rendered + Sync),
    /// Rule changes, newest first, listed with the pages' change notes.
    pub rule_changes: &'a [crate::asat::RuleChange],
}

/// Output path → contents (or the template's error).
pub(crate) type Files = BTreeMap<String, Result<Vec<u8>, Diagnostic>>;

/// Every generated file; print pages only for `sections` when given.
pub(crate) fn render(input: &Input, sections: Option<&BTreeSet<PageId>>) -> Files {
    let mut out = Files::new();
    let Input { config, pages, strings, .. } = *input;
    let base = &config.base_path;
    let listed = |p: &&Page| p.kind != PageKind::Home && p.lang == 0;
    for a in &config.audiences {
        let url = audience_url(&a.id);
        let mut page = blank_context(config, 0, ContextKind::Audience, a.label.clone(), format!("{base}{url}"));
        page.summary = Some(format!("Every page on this site for {}, by stage.", a.label.to_lowercase()));
        page.groups = group_by_stage(config, pages, strings, 0, pages.pages().filter(listed).filter(|p| p.front.audience.contains(&a.id)));
        page.for_audience = Some(audience_ref(config, pages, strings, 0, &a.id));
        page.exit = a.exit;
        out.insert(format!("{url}index.html"), render_page(input, "audience.html", page));
    }

    // The search page of each language with pages of its own: with
    // JavaScript it searches that language's pages (see crate::search);
    // the list of every page under the search box is what it offers without.
    for lang in 0..config.languages.len() {
        let prefix = context::search_prefix(config, pages, lang);
        if lang != 0 && prefix.is_empty() {
            continue;
        }
        let title = strings.get(lang, "search.title").unwrap_or("Search").to_owned();
        let mut page = blank_context(config, lang, ContextKind::Search, title, format!("{base}{prefix}{SEARCH_URL}"));
        page.summary = strings.get(lang, "search.summary").map(str::to_owned);
        page.exit = config.audiences.iter().any(|a| a.exit);
        let in_lang = |p: &&Page| p.kind != PageKind::Home && p.lang == lang;
        page.by_audience = config
            .audiences
            .iter()
            .map(|a| context::AudienceGroups {
                audience: audience_ref(config, pages, strings, lang, &a.id),
                groups: group_by_stage(config, pages, strings, lang, pages.pages().filter(in_lang).filter(|p| p.front.audience.contains(&a.id))),
            })
            .filter(|g| !g.groups.is_empty())
            .collect();
        page.stages = config
            .stages
            .iter()
            .filter(|s| pages.pages().filter(in_lang).any(|p| p.front.stage.as_deref() == Some(s.id.as_str())))
            .filter_map(|s| context::stage_ref(config, strings, lang, &s.id))
            .collect();
        page.versions = search_versions(config, pages, lang);
        out.insert(format!("{prefix}{SEARCH_URL}index.html"), render_in(input, lang, "search.html", page, None));
    }

    // Each page with no translation in a language gets, at the address its
    // translation would have, a page in that language that says so and
    // links to it in the default language (so the language switcher never
    // leads to a missing page).
    for (lang, l) in config.languages.iter().enumerate().skip(1) {
        for p in pages.in_default() {
            if pages.version(config, &p.rel, lang).is_some() {
                continue;
            }
            let mut page = blank_context(config, lang, ContextKind::Fallback, p.front.title.clone(), format!("{base}{}{}", l.prefix, p.url));
            page.fallback = Some(context::PageLink { title: p.front.title.clone(), url: format!("{base}{}", p.url) });
            page.versions = context::versions_of(config, pages, &p.rel, lang);
            page.exit = p.front.audience.iter().any(|a| config.audience(a).is_some_and(|a| a.exit));
            out.insert(format!("{}{}index.html", l.prefix, p.url), render_in(input, lang, "fallback.html", page, None));
        }
    }

    let mut entries: Vec<(&Page, &ChangeNote)> = pages.in_default().flat_map(|p| p.front.changes.iter().map(move |c| (p, c))).collect();
    // Newest first; the same day by page title, then as written.
    entries.sort_by(|a, b| b.1.date.cmp(&a.1.date).then_with(|| a.0.front.title.cmp(&b.0.front.title)).then_with(|| a.0.rel.cmp(&b.0.rel)));
    let items = feed_items(config, pages, &entries, input.rule_changes);
    let mut page = blank_context(config, 0, ContextKind::Updates, "Updates".into(), format!("{base}{UPDATES_URL}"));
    page.summary = Some("What has changed on this site, newest first.".into());
    page.feed_url = Some(format!("{base}{FEED_PATH}"));
    page.entries = items
        .iter()
        .map(|i| Entry { date: timescales::date::day_month_year(i.date), date_iso: i.date.to_string(), title: i.title.clone(), url: i.url.clone(), note: i.note.clone() })
        .collect();
    out.insert(format!("{UPDATES_URL}index.html"), render_page(input, "updates.html", page));
    out.insert(FEED_PATH.into(), Ok(feed(config, input.history, &items).into_bytes()));

    // What the offline worker shows for a page that is not saved (see crate::offline).
    if input.sites[0].offline.is_some() {
        let url = crate::offline::OFFLINE_URL;
        let mut page = blank_context(config, 0, ContextKind::Offline, "Saved pages".into(), format!("{base}{url}"));
        page.summary = Some("The pages of this site saved on this device, which open without signal.".into());
        page.exit = config.audiences.iter().any(|a| a.exit);
        out.insert(format!("{url}index.html"), render_page(input, "offline.html", page));
    }

    // The past editions (see crate::editions), newest first.
    if !config.editions.is_empty() {
        let url = crate::editions::EDITIONS_URL;
        let mut page = blank_context(config, 0, ContextKind::Editions, "Past editions".into(), format!("{base}{url}"));
        page.summary = Some("This site as it was on earlier dates, with the timescales then in force.".into());
        let mut editions: Vec<&crate::config::Edition> = config.editions.iter().collect();
        editions.sort_by_key(|e| std::cmp::Reverse(e.date));
        page.entries = editions
            .iter()
            .map(|e| Entry {
                date: timescales::date::day_month_year(e.date),
                date_iso: e.date.to_string(),
                title: format!("The site as at {}", timescales::date::day_month_year(e.date)),
                url: format!("{base}{}", crate::editions::edition_url(e.date)),
                note: format!("The pages of revision {} with the timescales in force on {}.", e.revision, timescales::date::day_month_year(e.date)),
            })
            .collect();
        out.insert(format!("{url}index.html"), render_page(input, "editions.html", page));
    }

    // Each audience's view of a page with the resources filter, for readers
    // without JavaScript: the same page with only that audience's rows.
    if let Some(res) = input.resources {
        for (page_id, s) in pages.iter() {
            let (p, r) = (&s.page, &s.body);
            if !context::calls(r, crate::parse::call::Function::ResourcesFilter) {
                continue;
            }
            for (id, label) in res.audiences() {
                let view = crate::resources::View { audience: id.to_owned(), label: label.to_owned() };
                let r = (input.view_body)(page_id, &view);
                let mut page = page_context(config, pages, strings, input.history, p, &r);
                if let Some(last) = page.breadcrumbs.last_mut() {
                    last.url = Some(page.url.clone());
                }
                page.breadcrumbs.push(context::Crumb { title: format!("For {}", label.to_lowercase()), url: None });
                page.url = format!("{}{id}/", page.url);
                page.title = format!("{}: for {}", page.title, label.to_lowercase());
                page.print_url = None;
                let nav = page.nav.clone();
                let html = render_in(input, p.lang, context::page_template(p.kind), page, Some(nav));
                out.insert(format!("{}{id}/index.html", p.url), html);
            }
        }
    }

    for (id, st) in pages.iter().filter(|(_, s)| s.page.kind == PageKind::Section) {
        if sections.is_some_and(|set| !set.contains(&id)) {
            continue;
        }
        let s = &st.page;
        if let Some(html) = print_page(input, s, &st.body) {
            out.insert(format!("{}index.html", print_url(&s.url)), html);
        }
    }
    out
}

/// The search page in every language that has one, for the switcher.
fn search_versions(config: &SiteConfig, pages: &Pages, lang: usize) -> Vec<context::VersionLink> {
    if config.languages.len() < 2 {
        return Vec::new();
    }
    config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| context::VersionLink {
            code: l.code.clone(),
            name: l.name.clone(),
            dir: l.dir,
            url: format!("{}{}{SEARCH_URL}", config.base_path, context::search_prefix(config, pages, i)),
            current: i == lang,
            translated: i == 0 || !context::search_prefix(config, pages, i).is_empty(),
        })
        .collect()
}

/// Renders a made page of the default language whose menu marks no entry as current.
fn render_page(input: &Input, template: &str, page: context::PageContext) -> Result<Vec<u8>, Diagnostic> {
    render_in(input, 0, template, page, None)
}

/// Renders a made page in language `lang`, with the menu `nav` (None: the
/// language's menu with no entry marked).
fn render_in(input: &Input, lang: usize, template: &str, page: context::PageContext, nav: Option<Vec<context::NavContext>>) -> Result<Vec<u8>, Diagnostic> {
    let nav = nav.unwrap_or_else(|| {
        let home = input.pages.version(input.config, "_index.md", lang).filter(|_| lang != 0);
        // The language's menu: made for its home page, with nothing marked.
        let mut nav = context::nav_for(input.config, input.pages, input.strings, home);
        nav.iter_mut().for_each(|n| n.current = false);
        nav
    });
    let site = SiteContext { nav, ..input.sites[lang].clone() };
    let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page }));
    input.templates.render(template, &ctx).map(String::into_bytes)
}

/// A section's pages, in the order its listing shows them, each under its
/// title as a level-2 heading with its own headings one level lower and its
/// ids prefixed, so the page has one outline and no id twice.
fn print_page(input: &Input, section: &Page, r: &Rendered) -> Option<Result<Vec<u8>, Diagnostic>> {
    let Input { config, pages, strings, .. } = *input;
    let groups = context::child_groups(config, pages, strings, section);
    if groups.is_empty() {
        return None;
    }
    let mut page = page_context(config, pages, strings, input.history, section, r);
    let url = format!("{}{}", config.base_path, print_url(&section.url));
    if let Some(last) = page.breadcrumbs.last_mut() {
        last.url = Some(page.url.clone());
    }
    page.breadcrumbs.push(context::Crumb { title: "Print this section".into(), url: None });
    // A page for paper: nothing to read aloud.
    page.listen = false;
    page.content = super::print::rewrite(&r.html, "intro-", false);
    page.kind = ContextKind::Print;
    page.url = url;
    page.toc = Vec::new();
    page.print_url = None;
    page.changes = Vec::new();
    page.last_updated = None;
    page.last_updated_iso = None;
    page.last_updated_source = None;
    let by_url: BTreeMap<String, PageId> = pages.iter().map(|(id, s)| (format!("{}{}", config.base_path, s.page.url), id)).collect();
    for (n, child) in groups.iter().flat_map(|g| &g.pages).enumerate() {
        let Some(&ci) = by_url.get(&child.url) else { continue };
        let id = format!("page-{}", n + 1);
        let html = super::print::rewrite(&pages.get(ci).body.html, &format!("{id}-"), true);
        page.chapters.push(Chapter { title: child.title.clone(), id, url: child.url.clone(), content: html });
    }
    page.groups = groups;
    Some(render_in(input, section.lang, "print.html", page, None))
}

/// The Atom 1.0 feed of the change notes (newest first). Its `updated` is
/// the newest note's date, not the time of the build, so output stays
/// byte-identical for the same input.
fn feed(config: &SiteConfig, history: &History, entries: &[FeedItem]) -> String {
    let esc = |s: &str| {
        let mut o = String::new();
        pulldown_cmark_escape::escape_html(&mut o, s).expect("string");
        o
    };
    let base = &config.base_url;
    let host = base.split_once("://").map_or("", |(_, r)| r).split(['/', ':', '@']).next().unwrap_or("");
    let host = if host.is_empty() { "example.invalid" } else { host };
    let newest = entries.first().map(|e| e.date).or_else(|| history.newest()).map_or_else(|| "1970-01-01".to_owned(), |d| d.to_string());
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    o.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", esc(&config.language)));
    o.push_str(&format!("  <id>tag:{host},2000:{}{FEED_PATH}</id>\n", esc(&config.base_path)));
    o.push_str(&format!("  <title>{}: updates</title>\n", esc(&config.title)));
    o.push_str(&format!("  <updated>{newest}T00:00:00Z</updated>\n"));
    o.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}{FEED_PATH}\"/>\n", esc(base)));
    o.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}{UPDATES_URL}\"/>\n", esc(base)));
    o.push_str(&format!("  <author><name>{}</name></author>\n", esc(&config.title)));
    for i in entries {
        o.push_str("  <entry>\n");
        o.push_str(&format!("    <id>tag:{host},{}:{}</id>\n", i.date, esc(&i.id)));
        o.push_str(&format!("    <title>{}</title>\n", esc(&i.title)));
        o.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", i.date));
        o.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}{}\"/>\n", esc(base), esc(&i.link)));
        o.push_str(&format!("    <summary>{}</summary>\n", esc(&i.note)));
        o.push_str("  </entry>\n");
    }
    o.push_str("</feed>\n");
    o
}
