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

use super::{PageContextRoot, SiteContext, audience_ref, blank_context, group_by_stage, human_date, page_context};
use crate::config::SiteConfig;
use crate::content::{Content, Kind, Page};
use crate::diag::Diagnostic;
use crate::history::History;
use crate::markdown::Rendered;
use crate::render::Templates;

/// The updates page.
pub const UPDATES_URL: &str = "updates/";
/// The search page.
pub const SEARCH_URL: &str = "search/";
/// The Atom feed of the updates.
pub const FEED_PATH: &str = "updates.xml";

/// An audience's list of pages.
pub fn audience_url(id: &str) -> String {
    format!("audiences/{id}/")
}

/// A section's print page (`section_url` ends with `/`).
pub fn print_url(section_url: &str) -> String {
    format!("{section_url}print/")
}

/// Generated pages that belong in the sitemap (print pages repeat other pages).
pub fn listed_urls(config: &SiteConfig) -> Vec<String> {
    config.audiences.iter().map(|a| audience_url(&a.id)).chain([UPDATES_URL.to_owned(), SEARCH_URL.to_owned()]).collect()
}

/// One change note on the updates page.
#[derive(Serialize, Clone)]
pub struct Entry {
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
fn feed_items(config: &SiteConfig, content: &Content, entries: &[(&Page, &crate::content::ChangeNote)], rules: &[crate::asat::RuleChange]) -> Vec<FeedItem> {
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
    let table = content.pages.iter().find(|p| p.body().contains("timescales_table()"));
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
pub struct Chapter {
    title: String,
    id: String,
    url: String,
    content: String,
}

/// What the generated pages are made from.
pub struct Input<'a> {
    pub config: &'a SiteConfig,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    pub history: &'a History,
    pub templates: &'a Templates,
    pub site: &'a SiteContext,
    pub resources: Option<&'a crate::resources::Resources>,
    /// Rule changes, newest first, listed with the pages' change notes.
    pub rule_changes: &'a [crate::asat::RuleChange],
}

/// Output path → contents (or the template's error).
pub type Files = BTreeMap<String, Result<Vec<u8>, Diagnostic>>;

/// Every generated file; print pages only for `sections` (by page index) when given.
pub fn render(input: &Input, sections: Option<&BTreeSet<usize>>) -> Files {
    let mut out = Files::new();
    let Input { config, content, .. } = *input;
    let base = &config.base_path;
    for a in &config.audiences {
        let url = audience_url(&a.id);
        let mut page = blank_context("audience", a.label.clone(), format!("{base}{url}"));
        page.summary = Some(format!("Every page on this site for {}, by stage.", a.label.to_lowercase()));
        page.groups = group_by_stage(config, content, content.pages.iter().filter(|p| p.kind != Kind::Home && p.front.audience.contains(&a.id)));
        page.for_audience = Some(audience_ref(config, content, &a.id));
        page.exit = a.exit;
        out.insert(format!("{url}index.html"), render_page(input, "audience.html", page));
    }

    // The search page: with JavaScript it searches (see crate::search); the
    // list of every page under the search box is what it offers without.
    let mut page = blank_context("search", "Search".into(), format!("{base}{SEARCH_URL}"));
    page.summary = Some("Find a page on this site.".into());
    page.exit = config.audiences.iter().any(|a| a.exit);
    page.by_audience = config
        .audiences
        .iter()
        .map(|a| super::AudienceGroups {
            audience: audience_ref(config, content, &a.id),
            groups: group_by_stage(config, content, content.pages.iter().filter(|p| p.kind != Kind::Home && p.front.audience.contains(&a.id))),
        })
        .filter(|g| !g.groups.is_empty())
        .collect();
    page.stages = config
        .stages
        .iter()
        .filter(|s| content.pages.iter().any(|p| p.front.stage.as_deref() == Some(s.id.as_str())))
        .map(|s| super::StageRef { id: s.id.clone(), label: s.label.clone() })
        .collect();
    out.insert(format!("{SEARCH_URL}index.html"), render_page(input, "search.html", page));

    let mut entries: Vec<(&Page, &crate::content::ChangeNote)> = content.pages.iter().flat_map(|p| p.front.changes.iter().map(move |c| (p, c))).collect();
    // Newest first; the same day by page title, then as written.
    entries.sort_by(|a, b| b.1.date.cmp(&a.1.date).then_with(|| a.0.front.title.cmp(&b.0.front.title)).then_with(|| a.0.rel.cmp(&b.0.rel)));
    let items = feed_items(config, content, &entries, input.rule_changes);
    let mut page = blank_context("updates", "Updates".into(), format!("{base}{UPDATES_URL}"));
    page.summary = Some("What has changed on this site, newest first.".into());
    page.feed_url = Some(format!("{base}{FEED_PATH}"));
    page.entries = items
        .iter()
        .map(|i| Entry { date: human_date(i.date), date_iso: i.date.to_string(), title: i.title.clone(), url: i.url.clone(), note: i.note.clone() })
        .collect();
    out.insert(format!("{UPDATES_URL}index.html"), render_page(input, "updates.html", page));
    out.insert(FEED_PATH.into(), Ok(feed(config, input.history, &items).into_bytes()));

    // The past editions (see crate::editions), newest first.
    if !config.editions.is_empty() {
        let url = crate::editions::EDITIONS_URL;
        let mut page = blank_context("editions", "Past editions".into(), format!("{base}{url}"));
        page.summary = Some("This site as it was on earlier dates, with the timescales then in force.".into());
        let mut editions: Vec<&crate::config::Edition> = config.editions.iter().collect();
        editions.sort_by_key(|e| std::cmp::Reverse(e.date));
        page.entries = editions
            .iter()
            .map(|e| Entry {
                date: human_date(e.date),
                date_iso: e.date.to_string(),
                title: format!("The site as at {}", human_date(e.date)),
                url: format!("{base}{}", crate::editions::edition_url(e.date)),
                note: format!("The pages of revision {} with the timescales in force on {}.", e.revision, human_date(e.date)),
            })
            .collect();
        out.insert(format!("{url}index.html"), render_page(input, "editions.html", page));
    }

    // Each audience's view of a page with the resources filter, for readers
    // without JavaScript: the same page with only that audience's rows.
    if let Some(res) = input.resources {
        for (i, p) in content.pages.iter().enumerate() {
            let r = &input.rendered[i];
            if !r.html.contains(crate::resources::FILTER_MARKER) {
                continue;
            }
            for (id, label) in res.audiences() {
                let mut page = page_context(config, content, input.history, p, r);
                if let Some(last) = page.breadcrumbs.last_mut() {
                    last.url = Some(page.url.clone());
                }
                page.breadcrumbs.push(super::Crumb { title: format!("For {}", label.to_lowercase()), url: None });
                page.url = format!("{}{id}/", page.url);
                page.title = format!("{}: for {}", page.title, label.to_lowercase());
                page.print_url = None;
                let nav = page.nav.clone();
                let html = render_with_nav(input, super::page_template(p.kind), page, nav).map(|h| crate::resources::view(&String::from_utf8_lossy(&h), id, label).into_bytes());
                out.insert(format!("{}{id}/index.html", p.url), html);
            }
        }
    }

    for (i, s) in content.pages.iter().enumerate().filter(|(_, p)| p.kind == Kind::Section) {
        if sections.is_some_and(|set| !set.contains(&i)) {
            continue;
        }
        if let Some(html) = print_page(input, s, &input.rendered[i]) {
            out.insert(format!("{}index.html", print_url(&s.url)), html);
        }
    }
    for (path, file) in &mut out {
        let url = path.strip_suffix("index.html").unwrap_or(path);
        if let Some(i) = content.pages.iter().position(|p| p.url == url) {
            *file = Err(Diagnostic::error("duplicate-path", format!("this page would be written to `/{url}`, where waymark puts a page it makes")).at(&content.pages[i].src, 0).with_help("rename the file"));
        }
    }
    out
}

/// Renders a made page whose menu marks no entry as current.
fn render_page(input: &Input, template: &str, page: super::PageContext) -> Result<Vec<u8>, Diagnostic> {
    render_with_nav(input, template, page, super::nav_for(input.config, input.content, None))
}

fn render_with_nav(input: &Input, template: &str, page: super::PageContext, nav: Vec<super::NavContext>) -> Result<Vec<u8>, Diagnostic> {
    let site = SiteContext { nav, ..input.site.clone() };
    let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page }));
    input.templates.render(template, &ctx).map(String::into_bytes)
}

/// A section's pages, in the order its listing shows them, each under its
/// title as a level-2 heading with its own headings one level lower and its
/// ids prefixed, so the page has one outline and no id twice.
fn print_page(input: &Input, section: &Page, r: &Rendered) -> Option<Result<Vec<u8>, Diagnostic>> {
    let Input { config, content, .. } = *input;
    let groups = super::child_groups(config, content, section);
    if groups.is_empty() {
        return None;
    }
    let mut page = page_context(config, content, input.history, section, r);
    let url = format!("{}{}", config.base_path, print_url(&section.url));
    if let Some(last) = page.breadcrumbs.last_mut() {
        last.url = Some(page.url.clone());
    }
    page.breadcrumbs.push(super::Crumb { title: "Print this section".into(), url: None });
    page.content = prefix_ids(&r.html, "intro-");
    page.kind = "print";
    page.url = url;
    page.toc = Vec::new();
    page.print_url = None;
    page.changes = Vec::new();
    page.last_updated = None;
    page.last_updated_iso = None;
    page.last_updated_source = None;
    let by_url: BTreeMap<String, usize> = content.pages.iter().enumerate().map(|(i, p)| (format!("{}{}", config.base_path, p.url), i)).collect();
    for (n, child) in groups.iter().flat_map(|g| &g.pages).enumerate() {
        let Some(&ci) = by_url.get(&child.url) else { continue };
        let id = format!("page-{}", n + 1);
        let html = shift_headings(&prefix_ids(&input.rendered[ci].html, &format!("{id}-")));
        page.chapters.push(Chapter { title: child.title.clone(), id, url: child.url.clone(), content: html });
    }
    page.groups = groups;
    Some(render_page(input, "print.html", page))
}

/// Prefixes every id, and every in-page reference to one.
fn prefix_ids(html: &str, prefix: &str) -> String {
    let mut out = html.to_owned();
    for attr in [" id=\"", " href=\"#", " for=\"", " aria-labelledby=\"", " aria-describedby=\"", " aria-controls=\""] {
        out = out.replace(attr, &format!("{attr}{prefix}"));
    }
    out
}

/// `<h2>` → `<h3>` … `<h5>` → `<h6>` (an `<h6>` stays).
fn shift_headings(html: &str) -> String {
    let mut out = html.to_owned();
    for n in (2..=5).rev() {
        out = out.replace(&format!("<h{n}"), &format!("<h{}", n + 1)).replace(&format!("</h{n}>"), &format!("</h{}>", n + 1));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_headings_shift_and_ids_are_prefixed() {
        let html = "<h2 id=\"a\">A <a class=\"wm-anchor\" href=\"#a\">#</a></h2><h6 id=\"b\">B</h6><label for=\"d\">D</label>";
        assert_eq!(
            shift_headings(&prefix_ids(html, "page-1-")),
            "<h3 id=\"page-1-a\">A <a class=\"wm-anchor\" href=\"#page-1-a\">#</a></h3><h6 id=\"page-1-b\">B</h6><label for=\"page-1-d\">D</label>"
        );
    }
}
