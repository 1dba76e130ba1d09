//! What templates are given: the `site` and `page` contexts every page is
//! rendered with (documented for theme authors in themes/default/README.md).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::generated;
use crate::config::SiteConfig;
use crate::i18n::Strings;
use crate::load::{Page, PageKind};
use crate::markdown::{self, Rendered};
use crate::parse::call::{Call, Function};
use crate::site::{PageId, Pages, Sequences, listing_key};

/// The Content-Security-Policy every page is served with.
/// Workers (the offline worker, search's) and the manifest may come from
/// the site itself only.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The same policy for a `<meta>` tag, which ignores `frame-ancestors`.
pub fn meta_csp() -> &'static str {
    CSP.strip_suffix("; frame-ancestors 'none'").unwrap_or(CSP)
}

/// `page.kind`: what a page is, so templates can tell (`"page"`, `"404"`…).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ContextKind {
    /// A Markdown page.
    Page,
    /// A section's `_index.md`.
    Section,
    /// The home page.
    Home,
    /// `404.html`.
    #[serde(rename = "404")]
    NotFound,
    /// `/audiences/<id>/`.
    Audience,
    /// `/updates/`.
    Updates,
    /// A section's print page.
    Print,
    /// `/search/`.
    Search,
    /// `/editions/`: the past editions.
    Editions,
    /// `/offline/`: what the worker shows for a page that is not saved.
    Offline,
    /// `/<code>/…` for a page with no translation in that language: says
    /// so, in the language, and links to the page in the default language.
    Fallback,
}

/// `page.last_updated_source`: where the "last updated" date came from.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DateSource {
    /// The page's own `changes:` notes.
    Notes,
    /// The site's git history.
    History,
}

#[derive(Serialize)]
pub(crate) struct PageContextRoot {
    pub site: SiteContext,
    pub page: PageContext,
}

#[derive(Serialize, Clone)]
pub(crate) struct SiteContext {
    pub title: String,
    pub lang: String,
    /// The language's place in site.toml's `[[languages]]` (0: the default),
    /// which `t()` reads the strings of.
    pub lang_index: usize,
    /// `ltr` or `rtl`.
    pub dir: crate::lang::Dir,
    /// Every language of the site, the default first (one entry for a site
    /// in one language).
    pub languages: Vec<LanguageRef>,
    pub home_url: String,
    pub base_url: String,
    /// The scheme and host of `base_url` (`https://example.org`), to which
    /// site paths (which start with the base path) are added.
    pub origin: String,
    pub csp: &'static str,
    pub exit_url: String,
    pub safety_url: Option<String>,
    pub nav: Vec<NavContext>,
    pub entry_points: Vec<EntryPoint>,
    pub audiences: Vec<AudienceRef>,
    /// The "Updates" page and its Atom feed.
    pub updates_url: String,
    pub feed_url: String,
    /// The search page, and where the search index is (None when waymark
    /// was built without search: the page then lists every page only).
    pub search_url: String,
    pub search_index_url: Option<String>,
    /// On every page when the site shows the rules of another day (`--as-at`, a past edition).
    pub as_at_banner: Option<crate::asat::Banner>,
    /// The list of past editions, when site.toml has any.
    pub editions_url: Option<String>,
    /// The colour of the browser's bar (`[offline] theme_color`).
    pub theme_color: String,
    /// Offline use: the worker, the manifest, the offline page and the
    /// site's date (None when it is off, in `waymark serve` and in past editions).
    pub offline: Option<crate::offline::SiteOffline>,
}

/// `site.languages[]`.
#[derive(Serialize, Clone)]
pub(crate) struct LanguageRef {
    pub code: String,
    pub name: String,
    pub dir: crate::lang::Dir,
    /// The language's home page (the default's when it has none of its own).
    pub home_url: String,
}

/// `page.versions[]`: the page in one of the site's languages, for the
/// language switcher. `translated` is false where the language has no
/// translation of the page: `url` is then the notice that says so.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct VersionLink {
    pub code: String,
    pub name: String,
    pub dir: crate::lang::Dir,
    pub url: String,
    pub current: bool,
    pub translated: bool,
}

/// `page.translation`: a translated page's status and its source.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct TranslationInfo {
    /// `reviewed` or `unreviewed`.
    pub status: crate::load::TranslationStatus,
    /// The page in the default language.
    pub source_url: String,
    pub source_title: String,
    /// The default language's code and name.
    pub source_lang: String,
    pub source_lang_name: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct NavContext {
    pub title: String,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize, Clone)]
pub(crate) struct EntryPoint {
    pub title: String,
    pub text: Option<String>,
    pub url: Option<String>,
}

#[derive(Serialize, Clone)]
pub(crate) struct AudienceRef {
    pub id: String,
    pub label: String,
    pub url: Option<String>,
    /// The generated list of every page for this audience (`/audiences/<id>/`).
    pub list_url: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct StageRef {
    pub id: String,
    pub label: String,
}

#[derive(Serialize)]
pub(crate) struct Crumb {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ChildRef {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub audience: Vec<AudienceRef>,
    /// An Easy Read page (`format: easy-read`).
    pub easy_read: bool,
}

#[derive(Serialize)]
pub(crate) struct Group {
    pub stage: Option<StageRef>,
    pub pages: Vec<ChildRef>,
}

#[derive(Serialize)]
pub(crate) struct PageContext {
    pub kind: ContextKind,
    /// The page's language (its code) and direction.
    pub lang: String,
    pub dir: crate::lang::Dir,
    /// The page in every language of the site, for the switcher (empty on
    /// a site with one language, and on made pages).
    pub versions: Vec<VersionLink>,
    /// A translation: its status and source page.
    pub translation: Option<TranslationInfo>,
    /// A fallback page: the page in the default language it stands for.
    pub fallback: Option<PageLink>,
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    pub audience: Vec<AudienceRef>,
    pub stage: Option<StageRef>,
    pub last_reviewed: Option<String>,
    pub review_due: Option<String>,
    pub last_reviewed_iso: Option<String>,
    pub review_due_iso: Option<String>,
    pub sources: Vec<String>,
    pub content: String,
    pub toc: Vec<markdown::Heading>,
    pub breadcrumbs: Vec<Crumb>,
    pub exit: bool,
    /// The page has a calculator, so it loads `js/calculator.js`.
    pub calculator: bool,
    /// The page shows the resources filter, so it loads `js/resources.js`.
    pub resources_filter: bool,
    pub groups: Vec<Group>,
    pub nav: Vec<NavContext>,
    /// When the page last changed, in words, and where that date came from
    /// (`notes`: its `changes:`; `history`: the site's git history).
    pub last_updated: Option<String>,
    pub last_updated_iso: Option<String>,
    pub last_updated_source: Option<DateSource>,
    /// The page's change notes, newest first.
    pub changes: Vec<ChangeContext>,
    /// A section's "Print this section" page.
    pub print_url: Option<String>,
    /// Generated pages: the updates list, or a section's pages for printing.
    pub entries: Vec<generated::Entry>,
    pub chapters: Vec<generated::Chapter>,
    /// An audience list page: the audience it lists.
    pub for_audience: Option<AudienceRef>,
    pub feed_url: Option<String>,
    /// The search page: every page, by audience and then by stage.
    pub by_audience: Vec<AudienceGroups>,
    /// The search page: the stages some page is at, in site.toml's order.
    pub stages: Vec<StageRef>,
    /// A page in a section of two or more pages: the section's pages in
    /// order, the current one marked (None on every other page).
    pub section_nav: Option<SectionNav>,
    /// The pages before and after this one in its section's order (None at
    /// either end, and wherever `section_nav` is None).
    pub prev: Option<SectionLink>,
    pub next: Option<SectionLink>,
    /// `standard` or `easy-read` (the page's `format:`).
    pub format: crate::load::Format,
    /// The page shows "Listen to this page" (its front matter's `listen:`,
    /// else whether one of its audiences has `listen` in site.toml).
    pub listen: bool,
    /// An ordinary page with an Easy Read version: that version.
    pub easy_read: Option<PageLink>,
    /// An Easy Read page: the ordinary page it is the Easy Read version of.
    pub full_version: Option<PageLink>,
    /// The offer to save this page's audience's pages on the phone (None
    /// on pages that make none, and when offline use is off).
    pub offline_save: Option<crate::offline::Offer>,
}

/// A link to another page: its title and address.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageLink {
    pub title: String,
    pub url: String,
}

/// `page.section_nav`: the section a page is in and the section's pages, in
/// the order its own page lists them, grouped by stage as it groups them.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct SectionNav {
    /// The section's title and page.
    pub title: String,
    pub url: String,
    /// The page is for families (one of its audiences is in site.toml's
    /// `[check] plain_audiences`): the default theme then shows the short
    /// form, previous and next only.
    pub family: bool,
    /// This page's place (from 1) and how many pages the section has.
    pub position: usize,
    pub count: usize,
    /// The pages by stage, in site.toml's order of stages.
    pub groups: Vec<SectionNavGroup>,
}

/// One stage of `page.section_nav`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct SectionNavGroup {
    /// None for pages without a stage (listed last).
    pub stage: Option<StageRef>,
    /// The current page is in this group.
    pub current: bool,
    pub pages: Vec<SectionLink>,
}

/// A link to a page of a section: `page.section_nav.groups[].pages[]`,
/// `page.prev`, `page.next`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct SectionLink {
    pub title: String,
    pub url: String,
    /// The page being shown (false for `prev` and `next`).
    pub current: bool,
    /// The page's stage, if it has one.
    pub stage: Option<StageRef>,
}

#[derive(Serialize)]
pub(crate) struct AudienceGroups {
    pub audience: AudienceRef,
    pub groups: Vec<Group>,
}

#[derive(Serialize, Clone)]
pub(crate) struct ChangeContext {
    pub date: String,
    pub date_iso: String,
    pub note: String,
}

pub(crate) fn site_context(config: &SiteConfig, pages: &Pages, strings: &Strings, lang: usize) -> SiteContext {
    let l = &config.languages[lang];
    let page_in = |rel: &str| pages.version(config, rel, lang).or_else(|| pages.page(rel)).map(|p| format!("{}{}", config.base_path, p.url));
    let text = |t: &str| strings.site_text(lang, t);
    SiteContext {
        title: text(&config.title),
        lang: l.code.clone(),
        lang_index: lang,
        dir: l.dir,
        languages: config
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| LanguageRef {
                code: l.code.clone(),
                name: l.name.clone(),
                dir: l.dir,
                home_url: pages.version(config, "_index.md", i).map_or_else(|| config.base_path.clone(), |p| format!("{}{}", config.base_path, p.url)),
            })
            .collect(),
        home_url: page_in("_index.md").unwrap_or_else(|| config.base_path.clone()),
        base_url: config.base_url.clone(),
        origin: config.base_url.strip_suffix(config.base_path.as_str()).unwrap_or(&config.base_url).to_owned(),
        csp: meta_csp(),
        exit_url: config.exit_url.clone(),
        safety_url: config.safety_page.as_deref().and_then(page_in),
        nav: Vec::new(),
        entry_points: config
            .audiences
            .iter()
            .filter_map(|a| {
                Some(EntryPoint {
                    title: text(a.entry.as_deref()?),
                    text: a.entry_text.as_deref().map(text),
                    url: a.page.as_deref().and_then(page_in),
                })
            })
            .collect(),
        audiences: config.audiences.iter().map(|a| audience_ref(config, pages, strings, lang, &a.id)).collect(),
        updates_url: format!("{}{}", config.base_path, generated::UPDATES_URL),
        feed_url: format!("{}{}", config.base_path, generated::FEED_PATH),
        search_url: format!("{}{}{}", config.base_path, search_prefix(config, pages, lang), generated::SEARCH_URL),
        search_index_url: cfg!(feature = "search").then(|| format!("{}pagefind/", config.base_path)),
        as_at_banner: None,
        editions_url: (!config.editions.is_empty()).then(|| format!("{}{}", config.base_path, crate::editions::EDITIONS_URL)),
        theme_color: config.offline.theme_color.clone(),
        offline: None,
    }
}

/// Where a language's search page is: under its own folder when it has
/// pages of its own, else the default language's.
pub(crate) fn search_prefix<'a>(config: &'a SiteConfig, pages: &Pages, lang: usize) -> &'a str {
    if lang != 0 && pages.pages().any(|p| p.lang == lang) { &config.languages[lang].prefix } else { "" }
}

pub(crate) fn audience_ref(config: &SiteConfig, pages: &Pages, strings: &Strings, lang: usize, id: &str) -> AudienceRef {
    let a = config.audience(id);
    AudienceRef {
        id: id.to_owned(),
        label: a.map_or_else(|| id.to_owned(), |a| strings.site_text(lang, &a.label)),
        url: a.and_then(|a| a.page.as_deref()).and_then(|p| pages.version(config, p, lang).or_else(|| pages.page(p))).map(|p| format!("{}{}", config.base_path, p.url)),
        list_url: format!("{}{}", config.base_path, generated::audience_url(id)),
    }
}

/// A stage as templates get it, its label in language `lang`.
pub(crate) fn stage_ref(config: &SiteConfig, strings: &Strings, lang: usize, id: &str) -> Option<StageRef> {
    config.stage(id).map(|s| StageRef { id: s.id.clone(), label: strings.site_text(lang, &s.label) })
}

/// `page.versions`: the page (by its default-language `rel`) in every
/// language, the one shown (`lang`) marked. Empty on a one-language site.
pub(crate) fn versions_of(config: &SiteConfig, pages: &Pages, source: &str, lang: usize) -> Vec<VersionLink> {
    if config.languages.len() < 2 {
        return Vec::new();
    }
    let Some(original) = pages.page(source) else { return Vec::new() };
    config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let own = pages.version(config, source, i);
            let url = match own {
                Some(p) => format!("{}{}", config.base_path, p.url),
                None => format!("{}{}{}", config.base_path, l.prefix, original.url),
            };
            VersionLink { code: l.code.clone(), name: l.name.clone(), dir: l.dir, url, current: i == lang, translated: own.is_some() }
        })
        .collect()
}

pub(crate) fn page_context(config: &SiteConfig, pages: &Pages, strings: &Strings, history: &crate::history::History, p: &Page, r: &Rendered) -> PageContext {
    let f = &p.front;
    let lang = p.lang;
    let date = |d: time::Date| strings.date(lang, d);
    let url = format!("{}{}", config.base_path, p.url);
    let mut breadcrumbs = Vec::new();
    let mut cur = p.parent.clone();
    while let Some(rel) = cur {
        let Some(parent) = pages.page(&rel) else { break };
        breadcrumbs.push(Crumb { title: parent.front.title.clone(), url: Some(format!("{}{}", config.base_path, parent.url)) });
        cur = parent.parent.clone();
    }
    breadcrumbs.reverse();
    if p.kind != PageKind::Home {
        breadcrumbs.push(Crumb { title: f.title.clone(), url: None });
    }
    let exit = f.audience.iter().any(|a| config.audience(a).is_some_and(|a| a.exit));
    // The home page is a way in for everyone, not a family page.
    let listen = f.listen.unwrap_or_else(|| p.kind != PageKind::Home && f.audience.iter().any(|a| config.audience(a).is_some_and(|a| a.listen)));
    let groups = if p.kind == PageKind::Page { Vec::new() } else { child_groups(config, pages, strings, p) };
    let nav = nav_for(config, pages, strings, Some(p));
    let noted = f.changes.first().map(|c| c.date);
    // A translation changes when its own file does; the source page's
    // changes are the source's.
    let updated = match (noted, history.date(&p.rel)) {
        (Some(n), Some(h)) if n >= h => Some((n, DateSource::Notes)),
        (_, Some(h)) => Some((h, DateSource::History)),
        (Some(n), None) => Some((n, DateSource::Notes)),
        (None, None) => None,
    };
    let print_url = (p.kind == PageKind::Section && pages.children(&p.rel).next().is_some())
        .then(|| format!("{}{}", config.base_path, generated::print_url(&p.url)));
    let source = p.source.as_deref().unwrap_or(&p.rel);
    let translation = p.source.as_deref().and_then(|s| pages.page(s)).map(|s| TranslationInfo {
        status: f.translation.unwrap_or(crate::load::TranslationStatus::Unreviewed),
        source_url: format!("{}{}", config.base_path, s.url),
        source_title: s.front.title.clone(),
        source_lang: config.languages[0].code.clone(),
        source_lang_name: config.languages[0].name.clone(),
    });
    PageContext {
        kind: match p.kind {
            PageKind::Home => ContextKind::Home,
            PageKind::Section => ContextKind::Section,
            PageKind::Page => ContextKind::Page,
        },
        lang: config.languages[lang].code.clone(),
        dir: config.languages[lang].dir,
        versions: versions_of(config, pages, source, lang),
        translation,
        fallback: None,
        title: f.title.clone(),
        summary: f.summary.clone(),
        url,
        audience: f.audience.iter().map(|a| audience_ref(config, pages, strings, lang, a)).collect(),
        stage: f.stage.as_deref().and_then(|s| stage_ref(config, strings, lang, s)),
        last_reviewed: f.last_reviewed.map(|d| date(d.0)),
        review_due: f.review_due.map(|d| date(d.0)),
        last_reviewed_iso: f.last_reviewed.map(|d| d.0.to_string()),
        review_due_iso: f.review_due.map(|d| d.0.to_string()),
        sources: f.sources.clone(),
        content: r.html.clone(),
        toc: r.headings.iter().filter(|h| h.level <= 3).cloned().collect(),
        breadcrumbs,
        exit,
        calculator: calls(r, Function::Calculator),
        resources_filter: calls(r, Function::ResourcesFilter),
        groups,
        nav,
        last_updated: updated.map(|(d, _)| date(d)),
        last_updated_iso: updated.map(|(d, _)| d.to_string()),
        last_updated_source: updated.map(|(_, s)| s),
        changes: f.changes.iter().map(|c| ChangeContext { date: date(c.date), date_iso: c.date.to_string(), note: c.note.clone() }).collect(),
        print_url,
        format: f.format,
        listen,
        // The fields only made pages fill in.
        ..blank_context(config, lang, ContextKind::Page, String::new(), String::new())
    }
}

/// Which page is the Easy Read version of which: ordinary page's `rel` →
/// its Easy Read page's `rel` (made once per rendering, from front matter).
pub(crate) fn easy_read_versions(pages: &Pages) -> HashMap<String, String> {
    pages.pages().filter_map(|q| Some((crate::load::easy_read_target(q)?, q.rel.clone()))).collect()
}

/// `page.easy_read` and `page.full_version`: the page's other version, if it has one.
pub(crate) fn versions(config: &SiteConfig, pages: &Pages, easy: &HashMap<String, String>, p: &Page) -> (Option<PageLink>, Option<PageLink>) {
    let link = |q: &Page| PageLink { title: q.front.title.clone(), url: format!("{}{}", config.base_path, q.url) };
    let easy_read = easy.get(&p.rel).and_then(|rel| pages.page(rel)).map(link);
    let full_version = crate::load::easy_read_target(p).and_then(|rel| pages.page(&rel)).map(link);
    (easy_read, full_version)
}

/// A page's place in its section: `page.section_nav`, `page.prev` and
/// `page.next`. Only a published page (not a draft) in a section of two or
/// more pages gets them; the home page, sections themselves, the pages
/// directly under the home page and the made pages get none.
pub(crate) fn section_nav(config: &SiteConfig, pages: &Pages, strings: &Strings, order: &Sequences, id: PageId) -> (Option<SectionNav>, Option<SectionLink>, Option<SectionLink>) {
    let p = &pages.get(id).page;
    if p.kind != PageKind::Page || p.front.draft {
        return (None, None, None);
    }
    let Some((section, ids, at)) = order.of(id) else { return (None, None, None) };
    if ids.len() < 2 {
        return (None, None, None);
    }
    let stage_of = |c: &Page| c.front.stage.as_deref().and_then(|s| stage_ref(config, strings, p.lang, s));
    let link = |i: usize| {
        let c = &pages.get(ids[i]).page;
        SectionLink { title: c.front.title.clone(), url: format!("{}{}", config.base_path, c.url), current: i == at, stage: stage_of(c) }
    };
    let mut groups: Vec<SectionNavGroup> = Vec::new();
    for i in 0..ids.len() {
        let l = link(i);
        match groups.last_mut() {
            Some(g) if g.stage == l.stage => {
                g.current |= l.current;
                g.pages.push(l);
            }
            _ => groups.push(SectionNavGroup { stage: l.stage.clone(), current: l.current, pages: vec![l] }),
        }
    }
    let s = &pages.get(section).page;
    let plain = &config.check.plain_audiences;
    let nav = SectionNav {
        title: s.front.title.clone(),
        url: format!("{}{}", config.base_path, s.url),
        family: p.front.audience.iter().any(|a| plain.contains(a)),
        position: at + 1,
        count: ids.len(),
        groups,
    };
    let prev = at.checked_sub(1).map(link);
    let next = (at + 1 < ids.len()).then(|| link(at + 1));
    (Some(nav), prev, next)
}

/// Whether a page's body calls `function`.
pub(crate) fn calls(r: &Rendered, function: Function) -> bool {
    r.calls.iter().any(|c| Call::parse(c).function == Some(function))
}

/// The top navigation in the page's language (each entry's page in that
/// language where it has one), marking the entry the page is in.
pub(crate) fn nav_for(config: &SiteConfig, pages: &Pages, strings: &Strings, p: Option<&Page>) -> Vec<NavContext> {
    let lang = p.map_or(0, |p| p.lang);
    config
        .nav
        .iter()
        .filter_map(|n| {
            let target = pages.version(config, &n.page, lang).or_else(|| pages.page(&n.page))?;
            let current = p.is_some_and(|p| if target.kind == PageKind::Home { p.kind == PageKind::Home && p.lang == target.lang } else { p.url.starts_with(&target.url) });
            Some(NavContext { title: strings.site_text(lang, &n.title), url: format!("{}{}", config.base_path, target.url), current })
        })
        .collect()
}

/// A section's children grouped by stage (in site.toml's order; no stage last),
/// each group ordered by `order`, then title.
pub(crate) fn child_groups(config: &SiteConfig, pages: &Pages, strings: &Strings, section: &Page) -> Vec<Group> {
    group_by_stage(config, pages, strings, section.lang, pages.children(&section.rel))
}

/// Pages grouped by stage (in site.toml's order; no stage last), each group
/// ordered by `order`, then title.
pub(crate) fn group_by_stage<'a>(config: &SiteConfig, all: &Pages, strings: &Strings, lang: usize, pages: impl Iterator<Item = &'a Page>) -> Vec<Group> {
    let mut by_stage: BTreeMap<usize, Vec<&Page>> = BTreeMap::new();
    for c in pages {
        let idx = c.front.stage.as_deref().and_then(|s| config.stages.iter().position(|x| x.id == s)).unwrap_or(usize::MAX);
        by_stage.entry(idx).or_default().push(c);
    }
    by_stage
        .into_iter()
        .map(|(idx, mut pages)| {
            pages.sort_by(|a, b| listing_key(config, a).cmp(&listing_key(config, b)));
            Group {
                stage: config.stages.get(idx).map(|s| StageRef { id: s.id.clone(), label: strings.site_text(lang, &s.label) }),
                pages: pages
                    .into_iter()
                    .map(|c| ChildRef {
                        title: c.front.title.clone(),
                        url: format!("{}{}", config.base_path, c.url),
                        summary: c.front.summary.clone(),
                        audience: c.front.audience.iter().map(|a| audience_ref(config, all, strings, lang, a)).collect(),
                        easy_read: c.front.format == crate::load::Format::EasyRead,
                    })
                    .collect(),
            }
        })
        .collect()
}

pub(crate) fn not_found_context(config: &SiteConfig, strings: &Strings) -> PageContext {
    blank_context(config, 0, ContextKind::NotFound, strings.get(0, "not_found.title").unwrap_or("Page not found").to_owned(), format!("{}404.html", config.base_path))
}

/// A page context in language `lang` with nothing but its kind, title and URL.
pub(crate) fn blank_context(config: &SiteConfig, lang: usize, kind: ContextKind, title: String, url: String) -> PageContext {
    PageContext {
        kind,
        lang: config.languages[lang].code.clone(),
        dir: config.languages[lang].dir,
        versions: Vec::new(),
        translation: None,
        fallback: None,
        title,
        summary: None,
        url,
        audience: Vec::new(),
        stage: None,
        last_reviewed: None,
        review_due: None,
        last_reviewed_iso: None,
        review_due_iso: None,
        sources: Vec::new(),
        content: String::new(),
        toc: Vec::new(),
        breadcrumbs: Vec::new(),
        exit: false,
        format: crate::load::Format::Standard,
        listen: false,
        easy_read: None,
        full_version: None,
        calculator: false,
        resources_filter: false,
        groups: Vec::new(),
        nav: Vec::new(),
        last_updated: None,
        last_updated_iso: None,
        last_updated_source: None,
        changes: Vec::new(),
        print_url: None,
        entries: Vec::new(),
        chapters: Vec::new(),
        for_audience: None,
        feed_url: None,
        by_audience: Vec::new(),
        stages: Vec::new(),
        section_nav: None,
        prev: None,
        next: None,
        offline_save: None,
    }
}

/// The theme template a Markdown page is rendered with.
pub(crate) fn page_template(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home => "home.html",
        PageKind::Section => "section.html",
        PageKind::Page => "page.html",
    }
}

pub(crate) fn sitemap(config: &SiteConfig, pages: &Pages) -> String {
    let extra = generated::listed_urls(config);
    let mut urls: Vec<&str> = pages.pages().map(|p| p.url.as_str()).chain(extra.iter().map(String::as_str)).collect();
    urls.sort_unstable();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        out.push_str("  <url><loc>");
        pulldown_cmark_escape::escape_html(&mut out, &format!("{}{}", config.base_url, u)).expect("string");
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Cache rule for files whose name carries a hash of their bytes: a new
/// version always has a new name, so a browser may keep one for a year.
pub(crate) const CACHE_HASHED: &str = "public, max-age=31536000, immutable";
/// Cache rule for everything else (pages, feeds, the sitemap, content files):
/// the browser may keep a copy but asks the server whether it changed first.
pub(crate) const CACHE_PAGES: &str = "public, max-age=0, must-revalidate";

/// The folders whose files are all named by a hash of their bytes.
const HASHED_DIRS: [&str; 4] = ["static/", "pagefind/fragment/", "pagefind/index/", "pagefind/filter/"];

/// Whether an output file is named by a hash of its bytes, so a copy of it
/// never goes stale (the long cache rule; the offline worker uses a cached
/// copy without asking).
pub(crate) fn hashed_path(path: &str) -> bool {
    HASHED_DIRS.iter().any(|d| path.starts_with(d)) || path.starts_with("pagefind/pagefind.") && path.ends_with(".pf_meta")
}

/// The `_headers` file (read by Netlify and Cloudflare Pages): the security
/// headers for every path, and a `Cache-Control` rule for each group of files.
///
/// Those hosts join the values of a header when several rules match one path,
/// so the caching rules never overlap: hashed files are `static/` (the
/// theme's files and the rules JSON, all named by hash) and Pagefind's
/// `fragment/`, `index/` and `filter/` chunks and its `.pf_meta` file; every other top-level file or
/// folder of the output gets the short rule by its own name, and Pagefind's
/// unhashed files one by one.
pub(crate) fn headers<'a>(base_path: &str, paths: impl Iterator<Item = &'a str>) -> String {
    use std::collections::BTreeSet;
    let base = if base_path.ends_with('/') { base_path.to_owned() } else { format!("{base_path}/") };
    let mut out = format!(
        "{base}*\n  Content-Security-Policy: {CSP}\n  Referrer-Policy: no-referrer\n  X-Content-Type-Options: nosniff\n  Permissions-Policy: camera=(), microphone=(), geolocation=()\n"
    );
    let mut hashed = BTreeSet::new();
    let mut short = BTreeSet::new();
    for path in paths {
        if let Some(dir) = HASHED_DIRS.iter().find(|d| path.starts_with(*d)) {
            hashed.insert(format!("{base}{dir}*"));
        } else if hashed_path(path) {
            // Pagefind names its metadata file by a hash of the index.
            hashed.insert(format!("{base}{path}"));
        } else if path.starts_with("pagefind/") {
            short.insert(format!("{base}{path}"));
        } else if path == "index.html" {
            short.insert(base.clone());
        } else if let Some((dir, _)) = path.split_once('/') {
            short.insert(format!("{base}{dir}/*"));
        } else {
            short.insert(format!("{base}{path}"));
        }
    }
    for (paths, rule) in [(hashed, CACHE_HASHED), (short, CACHE_PAGES)] {
        for path in paths {
            out.push_str(&format!("{path}\n  Cache-Control: {rule}\n"));
        }
    }
    out
}
