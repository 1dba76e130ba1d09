//! The site in memory, as the stages pass it on, and the commands that run
//! the whole pipeline: [`build`], [`check`], [`check_with_links`].
//!
//! ```text
//! load ──▶ parse ──▶ render ──▶ check ──▶ write
//! disk     Markdown   templates  links,     the output
//! read     bodies     pages      a11y,      folder,
//! once                           language   atomically
//! ```
//!
//! Every page has one [`PageState`], found by its [`PageId`], which each
//! stage fills in: `load` the front matter, `parse` the body, `render` the
//! HTML. [`Site`] holds the pages and what the stages made for the whole
//! site. The stages run in a [`Session`](crate::session::Session), which
//! `serve` keeps between rebuilds; `build` and `check` load one and take its
//! result. The output folder is replaced only when no stage found an error.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::Failure;
use crate::check::plain::Readability;
use crate::config::SiteConfig;
use crate::diag::{self, Diagnostic};
use crate::load::{Page, PageKind, Sources};
use crate::markdown::Rendered;
use crate::session::Session;

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
    /// `waymark serve`'s preview: no service worker, manifest or offer to
    /// save pages (a worker would keep serving old previews).
    pub preview: bool,
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
    pub readability: Vec<(PathBuf, Readability)>,
}

/// One output file.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// What the worker's table and `_headers` need of an output file once it is
/// written: its path, a hash of its bytes and its size.
#[derive(Debug, Clone)]
pub(crate) struct FileSum {
    /// Path under the output folder.
    pub path: String,
    /// xxh3 of the bytes.
    pub hash: u64,
    /// Size in bytes.
    pub len: u64,
}

impl FileSum {
    pub(crate) fn of(f: &OutFile) -> FileSum {
        FileSum { path: f.path.clone(), hash: xxhash_rust::xxh3::xxh3_64(&f.bytes), len: f.bytes.len() as u64 }
    }
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
    pub readability: Vec<(PathBuf, Readability)>,
}

/// A page's place in [`Pages`]: stable for the life of one load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PageId(usize);

/// Everything known about one page, stage by stage.
#[derive(Debug, Clone)]
pub(crate) struct PageState {
    /// load: the file and its front matter.
    pub page: Page,
    /// load: problems in the front matter (replaced when the page is read again).
    pub front_diags: Vec<Diagnostic>,
    /// load (serve): the page's current text does not load; the last good
    /// load is kept, and this reported, until it does again.
    pub load_error: Option<Diagnostic>,
    /// parse: the body as HTML, with its headings, links, calls and text.
    pub body: Rendered,
    /// parse: how hard the body is to read (pages for families only).
    pub readability: Option<Readability>,
    /// render: the page's HTML (None until rendered, or when the templates did not load).
    pub html: Option<Result<String, Diagnostic>>,
}

impl PageState {
    /// A page as loaded, not yet parsed.
    pub fn new(page: Page, front_diags: Vec<Diagnostic>) -> PageState {
        PageState { page, front_diags, load_error: None, body: Rendered::default(), readability: None, html: None }
    }

    /// The page's HTML, when it rendered.
    pub fn output(&self) -> Option<&str> {
        self.html.as_ref()?.as_deref().ok()
    }
}

/// Every published page, in a stable order (by path), found by id or path.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pages {
    states: Vec<PageState>,
    by_rel: HashMap<String, PageId>,
    /// Draft pages left out of this build (for clearer link messages).
    pub drafts: HashSet<String>,
}

impl Pages {
    /// The pages, sorted by path.
    pub fn new(states: Vec<PageState>, drafts: HashSet<String>) -> Pages {
        let by_rel = states.iter().enumerate().map(|(i, s)| (s.page.rel.clone(), PageId(i))).collect();
        Pages { states, by_rel, drafts }
    }

    /// How many pages there are.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Every page id, in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = PageId> + use<> {
        (0..self.states.len()).map(PageId)
    }

    /// One page's state.
    pub fn get(&self, id: PageId) -> &PageState {
        &self.states[id.0]
    }

    /// One page's state, to change it.
    pub fn get_mut(&mut self, id: PageId) -> &mut PageState {
        &mut self.states[id.0]
    }

    /// The page at `rel` (its path in the content folder).
    pub fn id(&self, rel: &str) -> Option<PageId> {
        self.by_rel.get(rel).copied()
    }

    /// The page at `rel`, if it is published.
    pub fn page(&self, rel: &str) -> Option<&Page> {
        self.id(rel).map(|id| &self.get(id).page)
    }

    /// Every page's state, in order.
    pub fn iter(&self) -> impl Iterator<Item = (PageId, &PageState)> {
        self.states.iter().enumerate().map(|(i, s)| (PageId(i), s))
    }

    /// Every page's state, in order.
    pub fn states(&self) -> &[PageState] {
        &self.states
    }

    /// Every page, in order.
    pub fn pages(&self) -> impl Iterator<Item = &Page> {
        self.states.iter().map(|s| &s.page)
    }

    /// The paths of every page.
    pub fn rels(&self) -> impl Iterator<Item = &str> + Clone {
        self.states.iter().map(|s| s.page.rel.as_str())
    }

    /// The pages whose section is `section` (its `rel`).
    pub fn children<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Page> {
        let lang = self.page(section).map_or(0, |s| s.lang);
        self.pages().filter(move |c| c.parent.as_deref() == Some(section) && c.lang == lang)
    }

    /// The pages of the site's default language (the ones listings, the
    /// feed and the updates list show).
    pub fn in_default(&self) -> impl Iterator<Item = &Page> {
        self.pages().filter(|p| p.lang == 0)
    }

    /// The page a default-language page (`source`, its `rel`) has in language
    /// `lang`: itself for the default, its translation (if any) otherwise.
    pub fn version<'a>(&'a self, config: &SiteConfig, source: &str, lang: usize) -> Option<&'a Page> {
        if lang == 0 {
            return self.page(source);
        }
        self.page(&crate::lang::translated_rel(source, &config.languages.get(lang)?.code))
    }

    /// The page that shows the glossary (calls `glossary()`): where glossary terms link to.
    pub fn glossary_page(&self) -> Option<PageId> {
        self.iter().find(|(_, s)| shows_glossary(&s.page)).map(|(id, _)| id)
    }
}

/// Where a page comes in its section's listing: its stage's place in
/// site.toml (pages without a stage last), then its `order` (pages without
/// one last), then its title. Section pages, the section navigation and
/// previous/next all sort by this, so they agree.
pub(crate) fn listing_key<'a>(config: &SiteConfig, p: &'a Page) -> (usize, i64, &'a str) {
    let stage = p.front.stage.as_deref().and_then(|s| config.stages.iter().position(|x| x.id == s)).unwrap_or(usize::MAX);
    (stage, p.front.order.unwrap_or(i64::MAX), p.front.title.as_str())
}

/// The order a reader moves through each section in: for every section
/// (a folder's `_index.md`, not the home page), its published pages in the
/// order its listing shows them (see [`listing_key`]). Drafts built with
/// `--drafts` are left out, so the other pages' navigation is the same as
/// it will be when published. Made once by parse, and again by `serve`
/// when a page's title, stage or order changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sequences {
    /// Section → its pages, in order.
    by_section: HashMap<PageId, Vec<PageId>>,
    /// Page → its section and its place in the section's pages.
    place: HashMap<PageId, (PageId, usize)>,
}

impl Sequences {
    /// Every section's pages, in listing order.
    pub fn new(config: &SiteConfig, pages: &Pages) -> Sequences {
        let mut by_section: HashMap<PageId, Vec<PageId>> = HashMap::new();
        for (id, s) in pages.iter() {
            let p = &s.page;
            if p.front.draft {
                continue;
            }
            let Some(section) = p.parent.as_deref().and_then(|r| pages.id(r)) else { continue };
            let sp = &pages.get(section).page;
            if sp.kind != PageKind::Section || sp.lang != p.lang {
                continue;
            }
            by_section.entry(section).or_default().push(id);
        }
        let mut place = HashMap::new();
        for (&section, ids) in &mut by_section {
            // A stable sort: pages with the same key stay in path order, as in the listing.
            ids.sort_by(|&a, &b| listing_key(config, &pages.get(a).page).cmp(&listing_key(config, &pages.get(b).page)));
            for (i, &id) in ids.iter().enumerate() {
                place.insert(id, (section, i));
            }
        }
        Sequences { by_section, place }
    }

    /// A page's section, its section's pages in order and its place among
    /// them; None for a page that is in no section (or a draft).
    pub fn of(&self, id: PageId) -> Option<(PageId, &[PageId], usize)> {
        let &(section, i) = self.place.get(&id)?;
        Some((section, self.by_section.get(&section)?.as_slice(), i))
    }

    /// The pages of `section`, in order (empty when it has none).
    pub fn pages_of(&self, section: PageId) -> &[PageId] {
        self.by_section.get(&section).map_or(&[], Vec::as_slice)
    }
}

/// Whether a page shows the glossary (calls `glossary()`). Decided from the
/// text, before the body is parsed, since parsing links terms to that page.
pub(crate) fn shows_glossary(p: &Page) -> bool {
    p.body().contains("glossary()")
}

/// The site as the stages leave it: the sources, and what parse, render and
/// check made of them.
#[derive(Debug)]
pub(crate) struct Site {
    /// What load read (the pages' states are filled in by the later stages).
    pub src: Sources,
    /// What parse prepared for rendering: templates, page functions, links.
    pub tools: crate::parse::Tools,
    /// What render made besides the pages' own HTML.
    pub out: crate::render::Outputs,
    /// What check found: broken `#fragment`s, and the other checks.
    pub fragments: Vec<Diagnostic>,
    /// The accessibility, plain-language and hygiene findings.
    pub checks: Vec<Diagnostic>,
}

impl Site {
    /// The pages.
    pub fn pages(&self) -> &Pages {
        &self.src.pages
    }

    /// The configuration.
    pub fn config(&self) -> &SiteConfig {
        &self.src.config
    }
}

/// Loads, renders and checks the site without writing anything.
pub fn render_site(opts: &BuildOptions) -> Result<Built, Failure> {
    Session::load(opts)?.result()
}

pub(crate) fn dedup_sort(d: &mut Vec<Diagnostic>) {
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
    let site = crate::check::links::Site { config: &built.config, pages: session.site().pages(), files: &built.files };
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
/// The pages are written as they are rendered (see `Session::build`), so the
/// whole site's HTML is never in memory at once.
pub fn build(opts: &BuildOptions) -> Result<Report, Failure> {
    Session::build(opts)
}

pub(crate) fn out_dir(config: &SiteConfig, opts: &BuildOptions) -> PathBuf {
    let out = opts.out.clone().unwrap_or_else(|| config.output.clone());
    if out.is_absolute() { out } else { config.root.join(out) }
}

/// The root of a site: `--root`, else the current folder.
pub fn root_or_cwd(root: Option<&Path>) -> PathBuf {
    root.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
