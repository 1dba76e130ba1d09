//! The whole pipeline for `build` and `check`: load → parse and render →
//! check links → write. Each stage collects every problem it finds; the
//! output folder is replaced only when no stage found an error.
//!
//! The stages run in [`Session`] (`site/session.rs`), which `serve` keeps
//! between rebuilds; `build` and `check` load one and take its result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Failure;
use crate::config::SiteConfig;
use crate::content::{Content, Kind, Page};
use crate::diag::{self, Diagnostic};
use crate::markdown::{self, Rendered};

// The pipeline itself, kept in memory so that `serve` can redo only what an
// edit changes; `render_site` is one full load of it.
mod session;
pub use session::{Session, Update};
// Pages made from other pages: audience lists, updates and feed, section print pages.
mod generated;

/// The Content-Security-Policy every page is served with.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The same policy for a `<meta>` tag, which ignores `frame-ancestors`.
pub fn meta_csp() -> &'static str {
    CSP.strip_suffix("; frame-ancestors 'none'").unwrap_or(CSP)
}

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holding site.toml).
    pub root: PathBuf,
    /// Output folder, overriding site.toml's.
    pub out: Option<PathBuf>,
    /// Base URL, overriding site.toml's.
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Today's date, for review-date checks (None: not checked).
    pub today: Option<time::Date>,
    /// `--as-at`: state the rules in force on this day, with a banner on
    /// every page (see [`crate::asat`]).
    pub as_at: Option<time::Date>,
    /// When building a past edition (see [`crate::editions`]): the current
    /// site's base path, which the banner links to. Editions have no search
    /// index and no sitemap of their own.
    pub current_site: Option<String>,
}

/// What a successful build or check did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Pages rendered.
    pub pages: usize,
    /// Files written (0 for check).
    pub files: usize,
    /// Warnings found (errors make it a [`Failure`]).
    pub warnings: Vec<Diagnostic>,
    /// The output folder.
    pub out_dir: PathBuf,
    /// Readability of each page written for families and young people.
    pub readability: Vec<(PathBuf, crate::check::plain::Readability)>,
}

/// One output file.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A site rendered in memory.
#[derive(Debug)]
pub struct Built {
    /// The configuration used.
    pub config: SiteConfig,
    /// Every output file, sorted by path.
    pub files: Vec<OutFile>,
    /// Number of pages.
    pub pages: usize,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Readability of each page written for families and young people.
    pub readability: Vec<(PathBuf, crate::check::plain::Readability)>,
}

/// Loads, renders and checks the site without writing anything.
pub fn render_site(opts: &BuildOptions) -> Result<Built, Failure> {
    Session::load(opts)?.result()
}

/// The published URL of a theme static file, or empty if the theme lacks it.
fn asset_url(config: &SiteConfig, assets: &BTreeMap<String, String>, name: &str) -> String {
    assets.get(name).map(|p| format!("{}{p}", config.base_path)).unwrap_or_default()
}

fn dedup_sort(d: &mut Vec<Diagnostic>) {
    diag::sort(d);
    d.dedup();
}

/// `check`: everything `build` does except writing.
pub fn check(opts: &BuildOptions) -> Result<Report, Failure> {
    let built = render_site(opts)?;
    crate::editions::check_revisions(&built.config)?;
    let out_dir = out_dir(&built.config, opts);
    Ok(Report { pages: built.pages, files: 0, warnings: built.warnings, out_dir, readability: built.readability })
}

/// `check` with the link checker (feature `links`): the output is written to
/// a temporary folder and every link in it checked with lychee-lib; see
/// [`crate::check::links`].
#[cfg(feature = "links")]
pub fn check_with_links(opts: &BuildOptions, links: &crate::check::links::Options) -> Result<Report, Failure> {
    let session = Session::load(opts)?;
    let mut built = session.result()?;
    // Past editions are checked with the site (their links and the /editions/ list's).
    built.files.extend(crate::editions::build_all(&built.config, opts)?);
    let out_dir = out_dir(&built.config, opts);
    let (content, rendered) = session.pages();
    let site = crate::check::links::Site { config: &built.config, content, rendered, files: &built.files };
    let found = crate::check::links::check(&site, links)?;
    let (errors, warnings): (Vec<_>, Vec<_>) = found.into_iter().partition(|d| d.severity == diag::Severity::Error);
    let mut warnings = [built.warnings, warnings].concat();
    if !errors.is_empty() {
        let mut all = [errors, warnings].concat();
        dedup_sort(&mut all);
        return Err(Failure::Content(all));
    }
    dedup_sort(&mut warnings);
    Ok(Report { pages: built.pages, files: 0, warnings, out_dir, readability: built.readability })
}

/// `build`: renders the site and swaps it into the output folder atomically.
pub fn build(opts: &BuildOptions) -> Result<Report, Failure> {
    let mut built = render_site(opts)?;
    let out_dir = out_dir(&built.config, opts);
    built.files.extend(crate::editions::build_all(&built.config, opts)?);
    crate::write::write_atomically(&out_dir, &built.files)?;
    Ok(Report { pages: built.pages, files: built.files.len(), warnings: built.warnings, out_dir, readability: built.readability })
}

fn out_dir(config: &SiteConfig, opts: &BuildOptions) -> PathBuf {
    let out = opts.out.clone().unwrap_or_else(|| config.output.clone());
    if out.is_absolute() { out } else { config.root.join(out) }
}

/// Every `#fragment` of an internal link must exist on the target page.
fn check_fragments(content: &Content, rendered: &[Rendered]) -> Vec<Diagnostic> {
    check_fragments_from(content, rendered, 0..content.pages.len())
}

/// [`check_fragments`] for the links on some pages only.
fn check_fragments_from(content: &Content, rendered: &[Rendered], pages: impl Iterator<Item = usize>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (page, r) in pages.map(|i| (&content.pages[i], &rendered[i])) {
        for link in &r.links {
            let Some(frag) = &link.fragment else { continue };
            if frag.is_empty() {
                continue;
            }
            let Some(&ti) = content.by_rel.get(&link.target) else { continue };
            let ids = &rendered[ti].ids;
            if ids.contains(frag) {
                continue;
            }
            let target = &content.pages[ti];
            let where_ = if ti == content.by_rel[&page.rel] { "this page".to_owned() } else { format!("`{}`", diag::display_path(target.src.path())) };
            let mut d = Diagnostic::error("broken-fragment", format!("{where_} has no heading or anchor `#{frag}`")).at(&page.src, link.offset);
            if let Some(s) = diag::suggest(frag, ids.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `#{s}`?"));
            } else if !rendered[ti].headings.is_empty() {
                let list: Vec<_> = rendered[ti].headings.iter().take(8).map(|h| format!("#{}", h.id)).collect();
                d = d.with_help(format!("its headings are {}", list.join(", ")));
            }
            diags.push(d);
        }
    }
    diags
}

/// Pages named in site.toml (navigation, audience pages, safety page) must exist.
fn check_config_pages(config: &SiteConfig, content: &Content) -> Vec<Diagnostic> {
    let src = match std::fs::read_to_string(config.root.join(crate::config::FILE_NAME)) {
        Ok(t) => diag::SourceMap::new(crate::config::FILE_NAME, t),
        Err(_) => return Vec::new(),
    };
    let named = config
        .nav
        .iter()
        .map(|n| n.page.as_str())
        .chain(config.audiences.iter().filter_map(|a| a.page.as_deref()))
        .chain(config.safety_page.as_deref());
    let mut diags = Vec::new();
    for page in named {
        if !content.by_rel.contains_key(page) {
            let at = src.text().find(&format!("\"{page}\"")).map_or(0, |i| i + 1);
            let mut d = Diagnostic::error("config", format!("site.toml names the page `{page}`, which does not exist in the content folder")).at(&src, at);
            if let Some(s) = diag::suggest(page, content.by_rel.keys().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
        }
    }
    diags
}

#[derive(Serialize)]
struct PageContextRoot {
    site: SiteContext,
    page: PageContext,
}

#[derive(Serialize, Clone)]
struct SiteContext {
    title: String,
    lang: String,
    home_url: String,
    base_url: String,
    /// The scheme and host of `base_url` (`https://example.org`), to which
    /// site paths (which start with the base path) are added.
    origin: String,
    csp: &'static str,
    exit_url: String,
    safety_url: Option<String>,
    nav: Vec<NavContext>,
    entry_points: Vec<EntryPoint>,
    audiences: Vec<AudienceRef>,
    /// The "Updates" page and its Atom feed.
    updates_url: String,
    feed_url: String,
    /// The search page, and where the search index is (None when waymark
    /// was built without search: the page then lists every page only).
    search_url: String,
    search_index_url: Option<String>,
    /// On every page when the site shows the rules of another day (`--as-at`, a past edition).
    as_at_banner: Option<crate::asat::Banner>,
    /// The list of past editions, when site.toml has any.
    editions_url: Option<String>,
}

#[derive(Serialize, Clone)]
struct NavContext {
    title: String,
    url: String,
    current: bool,
}

#[derive(Serialize, Clone)]
struct EntryPoint {
    title: String,
    text: Option<String>,
    url: Option<String>,
}

#[derive(Serialize, Clone)]
struct AudienceRef {
    id: String,
    label: String,
    url: Option<String>,
    /// The generated list of every page for this audience (`/audiences/<id>/`).
    list_url: String,
}

#[derive(Serialize, Clone)]
struct StageRef {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct Crumb {
    title: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct ChildRef {
    title: String,
    url: String,
    summary: Option<String>,
    audience: Vec<AudienceRef>,
}

#[derive(Serialize)]
struct Group {
    stage: Option<StageRef>,
    pages: Vec<ChildRef>,
}

#[derive(Serialize)]
struct PageContext {
    kind: &'static str,
    title: String,
    summary: Option<String>,
    url: String,
    audience: Vec<AudienceRef>,
    stage: Option<StageRef>,
    last_reviewed: Option<String>,
    review_due: Option<String>,
    last_reviewed_iso: Option<String>,
    review_due_iso: Option<String>,
    sources: Vec<String>,
    content: String,
    toc: Vec<markdown::Heading>,
    breadcrumbs: Vec<Crumb>,
    exit: bool,
    /// The page has a calculator, so it loads `js/calculator.js`.
    calculator: bool,
    /// The page shows the resources filter, so it loads `js/resources.js`.
    resources_filter: bool,
    groups: Vec<Group>,
    nav: Vec<NavContext>,
    /// When the page last changed, in words, and where that date came from
    /// (`notes`: its `changes:`; `history`: the site's git history).
    last_updated: Option<String>,
    last_updated_iso: Option<String>,
    last_updated_source: Option<&'static str>,
    /// The page's change notes, newest first.
    changes: Vec<ChangeContext>,
    /// A section's "Print this section" page.
    print_url: Option<String>,
    /// Generated pages: the updates list, or a section's pages for printing.
    entries: Vec<generated::Entry>,
    chapters: Vec<generated::Chapter>,
    /// An audience list page: the audience it lists.
    for_audience: Option<AudienceRef>,
    feed_url: Option<String>,
    /// The search page: every page, by audience and then by stage.
    by_audience: Vec<AudienceGroups>,
    /// The search page: the stages some page is at, in site.toml's order.
    stages: Vec<StageRef>,
}

#[derive(Serialize)]
struct AudienceGroups {
    audience: AudienceRef,
    groups: Vec<Group>,
}

#[derive(Serialize, Clone)]
struct ChangeContext {
    date: String,
    date_iso: String,
    note: String,
}

fn page_url(config: &SiteConfig, content: &Content, rel: &str) -> Option<String> {
    content.by_rel.get(rel).map(|&i| format!("{}{}", config.base_path, content.pages[i].url))
}

fn site_context(config: &SiteConfig, content: &Content) -> SiteContext {
    SiteContext {
        title: config.title.clone(),
        lang: config.language.clone(),
        home_url: config.base_path.clone(),
        base_url: config.base_url.clone(),
        origin: config.base_url.strip_suffix(config.base_path.as_str()).unwrap_or(&config.base_url).to_owned(),
        csp: meta_csp(),
        exit_url: config.exit_url.clone(),
        safety_url: config.safety_page.as_deref().and_then(|p| page_url(config, content, p)),
        nav: Vec::new(),
        entry_points: config
            .audiences
            .iter()
            .filter_map(|a| {
                Some(EntryPoint {
                    title: a.entry.clone()?,
                    text: a.entry_text.clone(),
                    url: a.page.as_deref().and_then(|p| page_url(config, content, p)),
                })
            })
            .collect(),
        audiences: config.audiences.iter().map(|a| audience_ref(config, content, &a.id)).collect(),
        updates_url: format!("{}{}", config.base_path, generated::UPDATES_URL),
        feed_url: format!("{}{}", config.base_path, generated::FEED_PATH),
        search_url: format!("{}{}", config.base_path, generated::SEARCH_URL),
        search_index_url: cfg!(feature = "search").then(|| format!("{}pagefind/", config.base_path)),
        as_at_banner: None,
        editions_url: (!config.editions.is_empty()).then(|| format!("{}{}", config.base_path, crate::editions::EDITIONS_URL)),
    }
}

fn audience_ref(config: &SiteConfig, content: &Content, id: &str) -> AudienceRef {
    let a = config.audience(id);
    AudienceRef {
        id: id.to_owned(),
        label: a.map_or_else(|| id.to_owned(), |a| a.label.clone()),
        url: a.and_then(|a| a.page.as_deref()).and_then(|p| page_url(config, content, p)),
        list_url: format!("{}{}", config.base_path, generated::audience_url(id)),
    }
}

fn human_date(d: time::Date) -> String {
    let fmt = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    d.format(&fmt).unwrap_or_else(|_| d.to_string())
}

fn page_context(config: &SiteConfig, content: &Content, history: &crate::history::History, p: &Page, r: &Rendered) -> PageContext {
    let f = &p.front;
    let url = format!("{}{}", config.base_path, p.url);
    let mut breadcrumbs = Vec::new();
    let mut cur = p.parent.clone();
    while let Some(rel) = cur {
        let Some(&i) = content.by_rel.get(&rel) else { break };
        let parent = &content.pages[i];
        breadcrumbs.push(Crumb { title: parent.front.title.clone(), url: Some(format!("{}{}", config.base_path, parent.url)) });
        cur = parent.parent.clone();
    }
    breadcrumbs.reverse();
    if p.kind != Kind::Home {
        breadcrumbs.push(Crumb { title: f.title.clone(), url: None });
    }
    let exit = f.audience.iter().any(|a| config.audience(a).is_some_and(|a| a.exit));
    let groups = if p.kind == Kind::Page { Vec::new() } else { child_groups(config, content, p) };
    let nav = nav_for(config, content, Some(p));
    let noted = f.changes.first().map(|c| c.date);
    let updated = match (noted, history.date(&p.rel)) {
        (Some(n), Some(h)) if n >= h => Some((n, "notes")),
        (_, Some(h)) => Some((h, "history")),
        (Some(n), None) => Some((n, "notes")),
        (None, None) => None,
    };
    let print_url = (p.kind == Kind::Section && content.pages.iter().any(|c| c.parent.as_deref() == Some(p.rel.as_str())))
        .then(|| format!("{}{}", config.base_path, generated::print_url(&p.url)));
    PageContext {
        kind: match p.kind {
            Kind::Home => "home",
            Kind::Section => "section",
            Kind::Page => "page",
        },
        title: f.title.clone(),
        summary: f.summary.clone(),
        url,
        audience: f.audience.iter().map(|a| audience_ref(config, content, a)).collect(),
        stage: f.stage.as_deref().and_then(|s| config.stage(s)).map(|s| StageRef { id: s.id.clone(), label: s.label.clone() }),
        last_reviewed: f.last_reviewed.map(|d| human_date(d.0)),
        review_due: f.review_due.map(|d| human_date(d.0)),
        last_reviewed_iso: f.last_reviewed.map(|d| d.0.to_string()),
        review_due_iso: f.review_due.map(|d| d.0.to_string()),
        sources: f.sources.clone(),
        content: r.html.clone(),
        toc: r.headings.iter().filter(|h| h.level <= 3).cloned().collect(),
        breadcrumbs,
        exit,
        calculator: r.html.contains(crate::calculator::MARKER),
        resources_filter: r.html.contains(crate::resources::FILTER_MARKER),
        groups,
        nav,
        last_updated: updated.map(|(d, _)| human_date(d)),
        last_updated_iso: updated.map(|(d, _)| d.to_string()),
        last_updated_source: updated.map(|(_, s)| s),
        changes: f.changes.iter().map(|c| ChangeContext { date: human_date(c.date), date_iso: c.date.to_string(), note: c.note.clone() }).collect(),
        print_url,
        // The fields only made pages fill in.
        ..blank_context("page", String::new(), String::new())
    }
}

/// The top navigation, marking the entry the page is in.
fn nav_for(config: &SiteConfig, content: &Content, p: Option<&Page>) -> Vec<NavContext> {
    config
        .nav
        .iter()
        .filter_map(|n| {
            let &i = content.by_rel.get(&n.page)?;
            let target = &content.pages[i];
            let current = p.is_some_and(|p| if target.kind == Kind::Home { p.kind == Kind::Home } else { p.url.starts_with(&target.url) });
            Some(NavContext { title: n.title.clone(), url: format!("{}{}", config.base_path, target.url), current })
        })
        .collect()
}

/// A section's children grouped by stage (in site.toml's order; no stage last),
/// each group ordered by `order`, then title.
fn child_groups(config: &SiteConfig, content: &Content, section: &Page) -> Vec<Group> {
    group_by_stage(config, content, content.pages.iter().filter(|c| c.parent.as_deref() == Some(section.rel.as_str())))
}

/// Pages grouped by stage (in site.toml's order; no stage last), each group
/// ordered by `order`, then title.
fn group_by_stage<'a>(config: &SiteConfig, content: &Content, pages: impl Iterator<Item = &'a Page>) -> Vec<Group> {
    let mut by_stage: BTreeMap<usize, Vec<&Page>> = BTreeMap::new();
    for c in pages {
        let idx = c.front.stage.as_deref().and_then(|s| config.stages.iter().position(|x| x.id == s)).unwrap_or(usize::MAX);
        by_stage.entry(idx).or_default().push(c);
    }
    by_stage
        .into_iter()
        .map(|(idx, mut pages)| {
            pages.sort_by(|a, b| (a.front.order.unwrap_or(i64::MAX), &a.front.title).cmp(&(b.front.order.unwrap_or(i64::MAX), &b.front.title)));
            Group {
                stage: config.stages.get(idx).map(|s| StageRef { id: s.id.clone(), label: s.label.clone() }),
                pages: pages
                    .into_iter()
                    .map(|c| ChildRef {
                        title: c.front.title.clone(),
                        url: format!("{}{}", config.base_path, c.url),
                        summary: c.front.summary.clone(),
                        audience: c.front.audience.iter().map(|a| audience_ref(config, content, a)).collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn not_found_context(config: &SiteConfig) -> PageContext {
    blank_context("404", "Page not found".into(), format!("{}404.html", config.base_path))
}

/// A page context with nothing but its kind, title and URL.
fn blank_context(kind: &'static str, title: String, url: String) -> PageContext {
    PageContext {
        kind,
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
    }
}

/// The theme template a Markdown page is rendered with.
fn page_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Home => "home.html",
        Kind::Section => "section.html",
        Kind::Page => "page.html",
    }
}

fn sitemap(config: &SiteConfig, content: &Content) -> String {
    let extra = generated::listed_urls(config);
    let mut urls: Vec<&str> = content.pages.iter().map(|p| p.url.as_str()).chain(extra.iter().map(String::as_str)).collect();
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

fn headers() -> String {
    format!("/*\n  Content-Security-Policy: {CSP}\n  Referrer-Policy: no-referrer\n  X-Content-Type-Options: nosniff\n  Permissions-Policy: camera=(), microphone=(), geolocation=()\n")
}

/// The root of a site: `--root`, else the current folder.
pub fn root_or_cwd(root: Option<&Path>) -> PathBuf {
    root.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
