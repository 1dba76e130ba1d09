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
pub(crate) mod hygiene;
#[cfg(feature = "links")]
pub mod links;
pub(crate) mod plain;

use std::collections::{BTreeSet, HashMap};

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
    };
    let mut out = a11y::check(&input);
    out.extend(plain::check(&input));
    out.extend(hygiene::check(&input));
    out
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
                d = d.with_help(format!("did you mean `#{s}`?"));
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
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
        }
    }
    diags
}

/// What writes a file of the output.
#[derive(Debug, Clone, Copy)]
enum Owner<'a> {
    /// A page (its HTML).
    Page(&'a crate::load::Page),
    /// A file of the content folder, copied as it is (its path there).
    Asset(&'a crate::load::Asset),
    /// A static file of the theme (its path in the theme).
    Theme(&'a str),
    /// A file waymark makes (the 404 page, sitemap, feed, made pages, search index…).
    Made,
}

/// Output folders waymark fills itself (the search index).
const MADE_FOLDERS: &[&str] = &["pagefind/"];

/// Every output path must have one owner: a page, a content file, a theme
/// file or a file waymark makes. Two of them would overwrite each other, so
/// a content file could replace a script of the theme or a page another page.
pub(crate) fn output_paths(site: &Site) -> Vec<Diagnostic> {
    let mut owners: HashMap<&str, Owner> = HashMap::new();
    let made = ["404.html", "sitemap.xml", "_headers"].into_iter().chain(site.tools.rules_json.iter().map(|(p, _)| p.as_str())).chain(site.out.generated.keys().map(String::as_str));
    for path in made {
        owners.insert(path, Owner::Made);
    }
    for f in &site.tools.static_files {
        owners.insert(&f.out, Owner::Theme(&f.theme_path));
    }
    let page_paths: Vec<String> = site.pages().pages().map(|p| format!("{}index.html", p.url)).collect();
    let claims = site.pages().pages().zip(&page_paths).map(|(p, path)| (path.as_str(), Owner::Page(p))).chain(site.src.assets.iter().map(|a| (a.rel.as_str(), Owner::Asset(a))));
    let shown = |o: Owner| match o {
        Owner::Page(p) => format!("`{}`", diag::display_path(p.src.path())),
        Owner::Asset(a) => format!("`{}`", diag::display_path(&a.shown)),
        Owner::Theme(t) => format!("the theme's `{t}`"),
        Owner::Made => "a file waymark makes".to_owned(),
    };
    let mut diags = Vec::new();
    for (path, owner) in claims {
        let first = if MADE_FOLDERS.iter().any(|f| path.starts_with(f)) { Some(Owner::Made) } else { owners.get(path).copied() };
        let Some(first) = first else {
            owners.insert(path, owner);
            continue;
        };
        diags.push(match (owner, first) {
            (Owner::Page(p), Owner::Made) => Diagnostic::error(Code::DuplicatePath, format!("this page would be written to `/{}`, where waymark puts a page it makes", p.url)).at(&p.src, 0).with_help("rename the file"),
            (Owner::Page(p), other) => Diagnostic::error(Code::DuplicatePath, format!("this page and {} would both be written to `/{}`", shown(other), p.url)).at(&p.src, 0).with_help("rename one of the files"),
            (Owner::Asset(a), Owner::Made) => Diagnostic::error(Code::DuplicatePath, format!("this file would be written to `/{path}`, where waymark puts a file it makes")).in_file(&a.shown).with_help("rename the file or move it to another folder"),
            (Owner::Asset(a), other) => Diagnostic::error(Code::DuplicatePath, format!("this file and {} would both be written to `/{path}`", shown(other)))
                .in_file(&a.shown)
                .with_help("rename the file or move it to another folder (a site changes a theme file by putting its own copy under themes/, not in the content folder)"),
            _ => continue,
        });
    }
    diags
}
