//! Stage 4, **check**: what `waymark check` (and `build`) look for in a
//! parsed and rendered site, beyond what the earlier stages find while they
//! work (bad front matter, broken links, unsafe HTML, template faults):
//!
//! - [`fragments`]: every `#fragment` of a link between pages names a
//!   heading or anchor of its target;
//! - [`config_pages`]: the pages site.toml names exist;
//! - [`output_paths`]: no two files (pages, content files, the theme's
//!   static files, the pages waymark makes) are written to the same path;
//! - [`a11y`]: accessibility lint of the Markdown and the generated HTML
//!   (no browser; the browser gate in `tests/browser` goes further);
//! - [`plain`]: plain-language lint of pages for families and young people;
//! - [`easy_read`]: the stricter checks of Easy Read pages, line by line;
//! - [`translations`]: translations older than their source, or whose
//!   headings or links differ from it;
//! - [`hygiene`]: review dates, missing audience or sources, timescales typed
//!   by hand, rules no page uses;
//! - `links` (feature `links`): every link of the output checked with
//!   lychee-lib, offline (and http(s) links with `--external`); `check` only.
//!
//! Every finding is a [`Diagnostic`] at the Markdown source's position where
//! one exists. To add a check: write a function over [`Input`] (its pages,
//! each with its front matter, parsed body and HTML) in a module here, call
//! it from [`run`], give its findings a [`Code`](crate::diag::Code), and add
//! a fixture under `tests/fixtures/`.

pub(crate) mod a11y;
pub(crate) mod easy_read;
pub(crate) mod hygiene;
#[cfg(feature = "links")]
pub mod links;
pub(crate) mod plain;
pub(crate) mod translations;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::SiteConfig;
use crate::diag::{self, Code, Diagnostic};
use crate::glossary::Glossary;
use crate::rules::SiteRules;
use crate::site::{PageId, PageState, Pages, Site};

/// Everything the checks look at.
#[derive(Debug)]
pub(crate) struct Input<'a> {
    /// The configuration (thresholds in `[check]`).
    pub config: &'a SiteConfig,
    /// Every page, parsed and rendered.
    pub pages: &'a Pages,
    /// Check only these pages (site-wide checks are then skipped).
    pub only: Option<&'a BTreeSet<PageId>>,
    /// The rules, when they loaded.
    pub rules: Option<&'a SiteRules>,
    /// The glossary.
    pub glossary: &'a Glossary,
    /// The words-to-avoid list.
    pub words: &'a plain::WordsToAvoid,
    /// Today, for review dates (None: not checked).
    pub today: Option<time::Date>,
    /// Each content file's last commit date (and the commits translations name).
    pub history: &'a crate::history::History,
}

impl Input<'_> {
    /// The pages to check.
    pub fn each(&self) -> impl Iterator<Item = &PageState> {
        self.pages.iter().filter(|(id, _)| self.only.is_none_or(|o| o.contains(id))).map(|(_, s)| s)
    }
}

/// The accessibility, plain-language and hygiene checks, over every page
/// (`only`: over some pages, without the site-wide checks).
pub(crate) fn run(site: &Site, only: Option<&BTreeSet<PageId>>) -> Vec<Diagnostic> {
    if site.tools.templates.is_none() {
        return Vec::new();
    }
    with_input(site, only, |input| {
        let mut out = a11y::check(input);
        out.extend(plain::check(input));
        out.extend(easy_read::check(input));
        out.extend(hygiene::check(input));
        out.extend(translations::check(input));
        out
    })
}

/// The checks of the whole site rather than of its pages (what [`run`] with
/// `only` leaves out): for a build that checks its pages a few at a time.
pub(crate) fn site_wide(site: &Site) -> Vec<Diagnostic> {
    if site.tools.templates.is_none() {
        return Vec::new();
    }
    with_input(site, None, hygiene::site_wide)
}

fn with_input(site: &Site, only: Option<&BTreeSet<PageId>>, f: impl FnOnce(&Input<'_>) -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    let words = site.src.words.get().map(|w| &**w);
    let default_words = plain::WordsToAvoid::default();
    let default_glossary = Glossary::default();
    let input = Input {
        config: site.config(),
        pages: site.pages(),
        only,
        rules: site.src.rules.get().map(|r| &**r),
        glossary: site.src.glossary.get().map_or(&default_glossary, |g| &**g),
        words: words.unwrap_or(&default_words),
        today: site.src.opts.today,
        history: &site.src.history,
    };
    f(&input)
}

/// Every `#fragment` of a link on the pages `from` must exist on its target page.
pub(crate) fn fragments(pages: &Pages, from: impl Iterator<Item = PageId>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for id in from {
        let s = pages.get(id);
        for link in &s.body.links {
            let Some(frag) = &link.fragment else { continue };
            if frag.is_empty() {
                continue;
            }
            let Some(ti) = pages.id(&link.target) else { continue };
            let target = pages.get(ti);
            let ids = &target.body.ids;
            if ids.contains(frag) {
                continue;
            }
            let where_ = if ti == id { "this page".to_owned() } else { format!("`{}`", diag::display_path(target.page.src.path())) };
            let mut d = Diagnostic::error(Code::BrokenFragment, format!("{where_} has no heading or anchor `#{frag}`")).at(&s.page.src, link.offset);
            if let Some(s) = diag::suggest(frag, ids.iter().map(String::as_str)) {
                d = d.with_help(diag::did_you_mean(&format!("#{s}")));
            } else if !target.body.headings.is_empty() {
                let list: Vec<_> = target.body.headings.iter().take(8).map(|h| format!("#{}", h.id)).collect();
                d = d.with_help(format!("its headings are {}", list.join(", ")));
            }
            diags.push(d);
        }
    }
    diags
}

/// Pages named in site.toml (navigation, audience pages, safety page) must exist.
pub(crate) fn config_pages(config: &SiteConfig, pages: &Pages) -> Vec<Diagnostic> {
    let src = &config.source;
    let named = config
        .nav
        .iter()
        .map(|n| n.page.as_str())
        .chain(config.audiences.iter().filter_map(|a| a.page.as_deref()))
        .chain(config.safety_page.as_deref());
    let mut diags = Vec::new();
    for page in named {
        if pages.id(page).is_none() {
            let at = src.text().find(&format!("\"{page}\"")).map_or(0, |i| i + 1);
            let mut d = Diagnostic::error(Code::Config, format!("site.toml names the page `{page}`, which does not exist in the content folder")).at(src, at);
            if let Some(s) = diag::suggest(page, pages.rels()) {
                d = d.with_help(diag::did_you_mean(s));
            }
            diags.push(d);
        }
    }
    diags
}

/// Every output path must have one owner: a page, a content file, a theme
/// file or a file waymark makes. Two of them would overwrite each other, so
/// a content file could replace a script of the theme or a page another page.
/// Content files the file policy refused are looked at too (their author may
/// allow them later).
pub(crate) fn output_paths(site: &Site) -> Vec<Diagnostic> {
    // What waymark writes itself, by output path.
    let mut own: BTreeMap<String, String> = BTreeMap::new();
    for path in ["404.html", "sitemap.xml", "_headers"] {
        own.insert(path.to_owned(), format!("waymark's `{path}`"));
    }
    if crate::offline::enabled(site.config(), &site.src.opts) {
        own.insert(crate::offline::MANIFEST_PATH.to_owned(), format!("waymark's `{}` (offline use)", crate::offline::MANIFEST_PATH));
    }
    if crate::offline::enabled(site.config(), &site.src.opts) || crate::offline::removing(site.config(), &site.src.opts) {
        own.insert(crate::offline::WORKER_PATH.to_owned(), format!("waymark's `{}` (offline use)", crate::offline::WORKER_PATH));
    }
    for path in site.out.generated.keys() {
        own.insert(path.clone(), if path.ends_with(".html") { "a page waymark makes" } else { "a file waymark makes" }.to_owned());
    }
    if let Some((path, _)) = &site.tools.rules_json {
        own.insert(path.clone(), "the rules for the calculators".to_owned());
    }
    for f in &site.tools.static_files {
        own.insert(f.out.clone(), format!("the theme's `{}`", f.theme_path));
    }
    let mut diags = Vec::new();
    // Pages: two at one address, or one where waymark puts a page it makes.
    let mut pages_at: HashMap<String, &crate::load::Page> = HashMap::new();
    for p in site.pages().pages() {
        let path = format!("{}index.html", p.url);
        if own.contains_key(&path) {
            diags.push(Diagnostic::error(Code::DuplicatePath, format!("this page would be written to `/{}`, where waymark puts a page it makes", p.url)).at(&p.src, 0).with_help("rename the file"));
        } else if let Some(first) = pages_at.get(&path) {
            diags.push(
                Diagnostic::error(Code::DuplicatePath, format!("this page and `{}` would both be written to `/{}`", diag::display_path(first.src.path()), p.url))
                    .at(&p.src, 0)
                    .with_help("rename one of the files"),
            );
        } else {
            pages_at.insert(path, p);
        }
    }
    for (path, p) in pages_at {
        own.insert(path, format!("the page `{}`", diag::display_path(p.src.path())));
    }
    // Content files: on a path waymark writes, under a folder it fills, or
    // where it needs a folder.
    for a in site.src.assets.iter().chain(&site.src.refused) {
        let rel = a.rel.as_str();
        let dir = format!("{rel}/");
        let message = if let Some(what) = own.get(rel).cloned().or_else(|| crate::file_policy::RESERVED_PREFIXES.iter().find(|p| rel.starts_with(**p)).map(|p| format!("the files under `/{p}`"))) {
            format!("this file and {what} would both be written to `/{rel}`")
        } else if let Some((_, what)) = own.range(dir.clone()..).next().filter(|(k, _)| k.starts_with(&dir)) {
            format!("this file would be written to `/{rel}`, the folder where waymark writes {what}")
        } else {
            continue;
        };
        diags.push(Diagnostic::error(Code::DuplicatePath, message).in_file(&a.shown).with_help("rename or move the file; that path belongs to waymark"));
    }
    diags
}
