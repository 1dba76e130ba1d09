//! The pipeline's state kept between builds, so that `waymark serve` can
//! redo only what an edit changes.
//!
//! [`Session::load`] runs the whole pipeline, as `build` and `check` do
//! (through [`super::render_site`]), and keeps every stage's result: the
//! parsed pages, their rendered bodies, the templates and each page's HTML.
//! [`Session::update`] is given the paths that changed and decides what to
//! redo. The tracking is deliberately coarse; whenever it is unsure, it loads
//! everything again (a full rebuild is slow, a wrong page is worse):
//!
//! | what changed | what is redone |
//! | --- | --- |
//! | a page's text (the same page, still published) | its Markdown and HTML; its section's listing when its title, summary, audience, stage or order changed; every page when a section's or the home page's title changed (breadcrumbs); fragment checks and page checks |
//! | a template of the site's theme | every page's HTML from the kept bodies; page checks |
//! | a file copied as it is (an image, a PDF) | that file |
//! | anything else: a page added, removed or renamed, a draft published or hidden, a page starting or ceasing to show the glossary, site.toml, the rules file, the glossary, the words-to-avoid list, the theme's static files, a folder, a link, lost events | everything ([`Session::load`]) |
//!
//! Problems do not end a session: it keeps the state of the sources as they
//! are now, and [`Session::update`] returns them as a [`Failure`]. The output
//! paths that changed while the site was broken are remembered and returned
//! by the first update that succeeds again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::Value;
use rayon::prelude::*;

use super::{
    BuildOptions, Built, OutFile, PageContextRoot, SiteContext, asset_url, check_config_pages, check_fragments, check_fragments_from, dedup_sort, headers,
    nav_for, not_found_context, page_context, site_context, sitemap,
};
use crate::check::plain::WordsToAvoid;
use crate::config::SiteConfig;
use crate::content::{Content, Kind, Page};
use crate::diag::{Diagnostic, Severity};
use crate::glossary::{Glossary, Linker};
use crate::markdown::{self, Rendered, Resolver};
use crate::render::{PageFunctions, Templates};
use crate::resources::Resources;
use crate::rules::SiteRules;
use crate::theme::{StaticFile, Theme};
use crate::{Error, Failure};

/// A site loaded and rendered, kept for incremental rebuilds.
pub struct Session {
    opts: BuildOptions,
    config: SiteConfig,
    content: Content,
    rules: Option<Arc<SiteRules>>,
    /// The rules failed to load: their problems are reported, not every call's.
    rules_failed: bool,
    rules_json: Option<(String, Vec<u8>)>,
    glossary: Arc<Glossary>,
    /// The resources list (`resources.yaml`), when the site has one.
    resources: Option<Arc<Resources>>,
    /// It failed to load: its problems are reported, not every call's.
    resources_failed: bool,
    words: WordsToAvoid,
    theme: Theme,
    static_files: Vec<StaticFile>,
    asset_map: BTreeMap<String, String>,
    templates: Option<Templates>,
    functions: PageFunctions,
    linker: Option<Linker>,
    urls: HashMap<String, String>,
    /// Problems found while loading that belong to no single page's text
    /// (site.toml, rules, glossary, templates, pages that failed to parse,
    /// duplicate output paths, pages named in site.toml).
    load_diags: Vec<Diagnostic>,
    /// Each page's front-matter problems (same order as `content.pages`).
    front_diags: Vec<Vec<Diagnostic>>,
    /// Pages whose current text no longer parses: the last parse is kept,
    /// and this error reported, until it parses again.
    parse_errors: BTreeMap<usize, Diagnostic>,
    rendered: Vec<Rendered>,
    /// Each page's HTML (None when the templates did not load).
    html: Vec<Option<Result<String, Diagnostic>>>,
    not_found: Option<Result<String, Diagnostic>>,
    fragments: Vec<Diagnostic>,
    checks: Vec<Diagnostic>,
    /// Each page's last commit date, read once per load.
    history: crate::history::History,
    /// The banner every page carries when the site shows another day's rules.
    banner: Option<crate::asat::Banner>,
    /// Rule changes in force by the as-at day, for /updates/ and the feed.
    rule_changes: Vec<crate::asat::RuleChange>,
    /// The pages made from other pages (see `generated.rs`), by output path.
    generated: super::generated::Files,
    /// The search index of the pages as they are now: made when first asked
    /// for, and forgotten whenever a page's HTML changes.
    #[cfg(feature = "search")]
    search: std::sync::OnceLock<Result<Vec<OutFile>, String>>,
    /// Output paths changed since the last successful [`Session::update`].
    dirty: BTreeSet<String>,
    /// A full load failed, or reading a file did: the state may be behind
    /// the sources, so the next update loads everything.
    stale: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("root", &self.config.root).field("pages", &self.content.pages.len()).finish_non_exhaustive()
    }
}

/// What a successful [`Session::update`] changed in the output.
#[derive(Debug)]
pub struct Update {
    /// Files written or rewritten, with their new contents.
    pub files: Vec<OutFile>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Everything was loaded again; `files` is the whole site.
    pub full: bool,
    /// Pages in the site.
    pub pages: usize,
    /// The site's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// What one changed path asks for.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// Nothing the build reads.
    None,
    /// An existing page's text.
    Page(usize),
    /// A template of the theme.
    Template,
    /// A content file copied as it is.
    Asset(String),
    /// Anything else.
    Full,
}

impl Session {
    /// Loads, renders and checks the whole site. Problems in the pages,
    /// rules or templates are kept in the session (see [`Session::result`]);
    /// only a site.toml with problems, or an I/O or usage failure, is an Err.
    pub fn load(opts: &BuildOptions) -> Result<Session, Failure> {
        let mut config = SiteConfig::load(&opts.root)?;
        if let Some(url) = &opts.base_url {
            config.set_base_url(url)?;
        }
        let mut diags = Vec::new();
        let (content, d) = crate::content::load(&config, opts.drafts)?;
        // Front-matter problems go with their page, so an edit can replace them.
        let by_file: HashMap<&Path, usize> = content.pages.iter().enumerate().map(|(i, p)| (p.src.path(), i)).collect();
        let mut front_diags = vec![Vec::new(); content.pages.len()];
        for d in d {
            match d.file.as_deref().and_then(|f| by_file.get(f)) {
                Some(&i) if d.code == "front-matter" => front_diags[i].push(d),
                _ => diags.push(d),
            }
        }

        let history = crate::history::History::load(&config.root, &config.content);
        let rules = match &config.rules {
            Some(rel) => match SiteRules::load(&config.root, rel) {
                Ok(mut r) => {
                    let day = opts.as_at.or(config.as_at).or_else(|| crate::asat::default_as_at(r.engine(), &content, &history));
                    r.set_as_at(day);
                    Some(Arc::new(r))
                }
                Err(Failure::Content(mut d)) => {
                    diags.append(&mut d);
                    None
                }
                Err(Failure::Error(e)) => return Err(e.into()),
            },
            None => None,
        };

        let glossary = read_data_file(&config, crate::glossary::FILE)?.map(|(shown, text)| Glossary::parse(shown, text));
        let glossary = keep_data(glossary, &mut diags).unwrap_or_default();
        let words = read_data_file(&config, &config.check.words_to_avoid)?.map(|(shown, text)| WordsToAvoid::parse(shown, text));
        let words = keep_data(words, &mut diags).unwrap_or_default();

        let theme = Theme::load(&config)?;
        let (static_files, asset_map) = theme.static_files();
        let templates = match Templates::new(&theme, asset_map.clone(), &config.base_path) {
            Ok(t) => Some(t),
            Err(mut d) => {
                diags.append(&mut d);
                None
            }
        };

        // Rules that failed to load would make every timescale call an error too:
        // report the rules problems alone in that case.
        let rules_failed = config.rules.is_some() && rules.is_none();
        // The browser calculators read the rules as JSON, published under a
        // content-hashed name like the theme's static files.
        let rules_json = rules.as_deref().filter(|r| !r.engine().calculators().is_empty()).map(|r| {
            let bytes = r.browser_json().into_bytes();
            (format!("static/{}", crate::theme::hashed_name("rules.json", &bytes)), bytes)
        });
        let calculator_assets = crate::calculator::Assets {
            glue: asset_url(&config, &asset_map, "calculator/waymark_calculator.js"),
            wasm: asset_url(&config, &asset_map, "calculator/waymark_calculator_bg.wasm"),
            rules: rules_json.as_ref().map(|(p, _)| format!("{}{p}", config.base_path)).unwrap_or_default(),
        };
        let glossary = Arc::new(glossary);
        let resources = read_data_file(&config, crate::resources::FILE)?.map(|(shown, text)| Resources::load(shown, text, &config, &content).map(Arc::new));
        let resources_failed = matches!(resources, Some(Err(_)));
        let resources = keep_data(resources, &mut diags);
        let functions = PageFunctions::new(rules.clone(), glossary.clone(), calculator_assets, resources.clone()).with_base_path(&config.base_path);
        let mut urls: HashMap<String, String> = content.pages.iter().map(|p| (p.rel.clone(), p.url.clone())).collect();
        for a in &content.assets {
            urls.insert(a.rel.clone(), a.rel.clone());
        }
        // The page that shows the glossary (it calls `glossary()`) is where terms link to.
        let linker = content
            .pages
            .iter()
            .find(|p| shows_glossary(p))
            .and_then(|p| Linker::new(&glossary, p.rel.clone(), format!("{}{}", config.base_path, p.url)));
        diags.extend(check_config_pages(&config, &content));

        let config_base = config.base_path.clone();
        let rule_changes = rules.as_deref().map(|r| crate::asat::rule_changes(r.engine(), r.as_at())).unwrap_or_default();
        let mut s = Session {
            opts: opts.clone(),
            config,
            content,
            rules,
            rules_failed,
            rules_json,
            glossary,
            resources,
            resources_failed,
            words,
            theme,
            static_files,
            asset_map,
            templates,
            functions,
            linker,
            urls,
            load_diags: diags,
            front_diags,
            parse_errors: BTreeMap::new(),
            rendered: Vec::new(),
            html: Vec::new(),
            not_found: None,
            fragments: Vec::new(),
            checks: Vec::new(),
            history,
            banner: opts.as_at.map(|d| crate::asat::Banner { current_path: opts.current_site.clone(), edition_path: opts.current_site.as_ref().map(|_| config_base.clone()), ..crate::asat::Banner::for_day(d) }),
            rule_changes,
            generated: BTreeMap::new(),
            #[cfg(feature = "search")]
            search: std::sync::OnceLock::new(),
            dirty: BTreeSet::new(),
            stale: false,
        };
        let all: Vec<usize> = (0..s.content.pages.len()).collect();
        s.rendered = s.render_markdown(&all);
        s.fragments = check_fragments(&s.content, &s.rendered);
        s.html = vec![None; s.content.pages.len()];
        s.render_html(&all);
        s.not_found = s.render_not_found();
        s.refresh_generated(None);
        s.run_checks();
        s.dirty.clear();
        Ok(s)
    }

    /// The configuration (with the base URL given in the options).
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    /// The pages and their rendered bodies, for the link checker's mapping
    /// of output links back to the Markdown.
    #[cfg(feature = "links")]
    pub(crate) fn pages(&self) -> (&Content, &[Rendered]) {
        (&self.content, &self.rendered)
    }

    /// The site as `build` would write it, or every problem in it.
    pub fn result(&self) -> Result<Built, Failure> {
        let warnings = self.problems()?;
        let mut files = self.files()?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let readability = self
            .content
            .pages
            .iter()
            .zip(&self.rendered)
            .filter(|(p, _)| p.front.audience.iter().any(|a| self.config.check.plain_audiences.contains(a)))
            .filter_map(|(p, r)| Some((p.src.path().to_path_buf(), crate::check::plain::readability(r)?)))
            .collect();
        Ok(Built { pages: self.content.pages.len(), config: self.config.clone(), files, warnings, readability })
    }

    /// Brings the session up to date after `changed` (absolute paths, which
    /// may no longer exist) and returns what changed in the output since the
    /// last success, or every problem the site has now.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Failure> {
        let result = self.try_update(changed);
        if matches!(result, Err(Failure::Error(_))) {
            self.stale = true;
        }
        result
    }

    fn try_update(&mut self, changed: &[PathBuf]) -> Result<Update, Failure> {
        let mut pages = BTreeSet::new();
        let mut templates = false;
        let mut full = self.stale;
        for path in changed {
            match self.classify(path) {
                Change::None => {}
                Change::Page(i) => {
                    pages.insert(i);
                }
                Change::Template => templates = true,
                Change::Asset(rel) => {
                    self.dirty.insert(rel);
                }
                Change::Full => full = true,
            }
        }
        if !full && !pages.is_empty() {
            full = !self.edit_pages(&pages)?;
        }
        if !full && templates {
            full = !self.reload_templates()?;
        }
        if full {
            self.stale = true;
            *self = Session::load(&self.opts)?;
            let warnings = self.problems()?;
            return Ok(Update { files: self.files()?, removed: Vec::new(), full: true, pages: self.content.pages.len(), warnings });
        }
        let warnings = self.problems()?;
        let dirty = std::mem::take(&mut self.dirty);
        let files = match self.files_at(&dirty) {
            Ok(f) => f,
            Err(e) => {
                self.dirty = dirty;
                return Err(e);
            }
        };
        Ok(Update { files, removed: Vec::new(), full: false, pages: self.content.pages.len(), warnings })
    }

    fn classify(&self, path: &Path) -> Change {
        let root = &self.config.root;
        let content_dir = root.join(&self.config.content);
        let meta = std::fs::symlink_metadata(path);
        let exists = meta.is_ok();
        if meta.as_ref().is_ok_and(|m| !m.is_file()) {
            // A folder, or a link (which the build never follows).
            let known_dir = path.strip_prefix(&content_dir).ok().map(|r| format!("{}/", r.to_string_lossy().replace('\\', "/")));
            let known = known_dir.is_some_and(|d| {
                self.content.pages.iter().any(|p| p.rel.starts_with(&d)) || self.content.assets.iter().any(|a| a.rel.starts_with(&d))
            });
            return if meta.is_ok_and(|m| m.is_dir()) && known { Change::None } else { Change::Full };
        }
        if let Ok(rel) = path.strip_prefix(&content_dir) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let data = crate::content::DATA_FILES.contains(&rel.as_str()) || rel == self.config.check.words_to_avoid;
            let rules = self.config.rules.as_ref().is_some_and(|r| root.join(r) == path);
            if data || rules {
                return Change::Full;
            }
            if name.starts_with('.') {
                return Change::None;
            }
            if rel.ends_with(".md") {
                let draft = self.content.drafts.contains(&rel);
                return match (exists, self.content.by_rel.get(&rel)) {
                    (true, Some(&i)) => Change::Page(i),
                    (true, None) if draft && self.still_a_draft(path, &rel) => Change::None,
                    (false, None) if !draft => Change::None,
                    _ => Change::Full,
                };
            }
            return match (exists, self.content.assets.iter().any(|a| a.rel == rel)) {
                (true, true) => Change::Asset(rel),
                (false, false) => Change::None,
                _ => Change::Full,
            };
        }
        let templates_dir = root.join("themes").join(&self.config.theme).join("templates");
        if path.starts_with(&templates_dir) && path.extension().is_some_and(|e| e == "html") && exists {
            return Change::Template;
        }
        Change::Full
    }

    /// A page left out as a draft that is still one (editing it changes no output).
    fn still_a_draft(&self, path: &Path, rel: &str) -> bool {
        let Ok(text) = std::fs::read_to_string(path) else { return false };
        let shown = self.config.content.join(rel);
        // Its problems, old or new, are reported even though it is left out.
        let had_problems = self.load_diags.iter().any(|d| d.file.as_deref() == Some(shown.as_path()));
        !had_problems && matches!(crate::content::parse_page(&self.config, shown.clone(), rel.to_owned(), text), Ok((p, d)) if p.front.draft && d.is_empty())
    }

    /// Re-reads and re-renders edited pages. Ok(false): they need a full load.
    fn edit_pages(&mut self, edited: &BTreeSet<usize>) -> Result<bool, Failure> {
        let mut redo_md = Vec::new();
        let mut redo_html: BTreeSet<usize> = BTreeSet::new();
        let mut all_html = false;
        // Which rules pages use, and which page shows the glossary, decide
        // site-wide checks: when a page's calls change, all checks run again.
        let mut calls_changed = false;
        for &i in edited {
            let old = &self.content.pages[i];
            let path = self.config.root.join(&self.config.content).join(&old.rel);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
                Err(source) => return Err(Error::Io { path, source }.into()),
            };
            if text == old.src.text() && !self.parse_errors.contains_key(&i) {
                continue;
            }
            let shown = self.config.content.join(&old.rel);
            match crate::content::parse_page(&self.config, shown, old.rel.clone(), text) {
                Err(d) => {
                    // Keep the last parse; the error stands until the text parses again.
                    self.parse_errors.insert(i, d);
                }
                Ok((mut page, d)) => {
                    self.parse_errors.remove(&i);
                    if page.front.draft && !self.opts.drafts || shows_glossary(&page) != shows_glossary(old) {
                        return Ok(false);
                    }
                    page.parent = old.parent.clone();
                    let f = (&old.front, &page.front);
                    if f.0.title != f.1.title && self.resources.as_ref().is_some_and(|r| r.linked.contains(&old.rel)) {
                        return Ok(false); // the resources list shows its title
                    }
                    if f.0.title != f.1.title && page.kind != Kind::Page {
                        all_html = true; // breadcrumbs below it
                    }
                    let listed = f.0.title != f.1.title
                        || f.0.summary != f.1.summary
                        || f.0.audience != f.1.audience
                        || f.0.stage != f.1.stage
                        || f.0.order != f.1.order;
                    if listed && let Some(&parent) = page.parent.as_ref().and_then(|p| self.content.by_rel.get(p)) {
                        redo_html.insert(parent);
                    }
                    self.front_diags[i] = d;
                    self.content.pages[i] = page;
                    redo_md.push(i);
                    redo_html.insert(i);
                }
            }
        }
        let rendered = self.render_markdown(&redo_md);
        let mut ids_changed = false;
        for (i, r) in redo_md.iter().zip(rendered) {
            calls_changed |= self.rendered[*i].calls != r.calls;
            ids_changed |= self.rendered[*i].ids != r.ids;
            self.rendered[*i] = r;
        }
        self.recheck_fragments(&redo_md, ids_changed);
        let redo: Vec<usize> = if all_html { (0..self.content.pages.len()).collect() } else { redo_html.into_iter().collect() };
        if redo.is_empty() {
            return Ok(true);
        }
        self.render_html(&redo);
        // Print pages show their section's pages: redo those of the sections edited or holding an edit.
        let sections: BTreeSet<usize> = redo_md
            .iter()
            .flat_map(|&i| {
                let p = &self.content.pages[i];
                [Some(i), p.parent.as_ref().and_then(|r| self.content.by_rel.get(r).copied())]
            })
            .flatten()
            .collect();
        self.refresh_generated(if all_html { None } else { Some(&sections) });
        if calls_changed || all_html {
            self.run_checks();
        } else {
            self.run_page_checks(&redo);
        }
        Ok(true)
    }

    /// Checks the `#fragment` links again: those on the edited pages, and,
    /// when the edited pages' ids changed, those pointing at them.
    fn recheck_fragments(&mut self, edited: &[usize], ids_changed: bool) {
        if edited.is_empty() {
            return;
        }
        let rels: std::collections::HashSet<&str> = edited.iter().map(|&i| self.content.pages[i].rel.as_str()).collect();
        let mut from: BTreeSet<usize> = edited.iter().copied().collect();
        if ids_changed {
            for (i, r) in self.rendered.iter().enumerate() {
                if r.links.iter().any(|l| l.fragment.is_some() && rels.contains(l.target.as_str())) {
                    from.insert(i);
                }
            }
        }
        let files: std::collections::HashSet<&Path> = from.iter().map(|&i| self.content.pages[i].src.path()).collect();
        self.fragments.retain(|d| !d.file.as_deref().is_some_and(|f| files.contains(f)));
        let found = check_fragments_from(&self.content, &self.rendered, from.iter().copied());
        self.fragments.extend(found);
    }

    /// Parses the templates again and re-renders every page from its kept
    /// body. Ok(false): the theme's static files changed too (their hashed
    /// names are in pages and calculators), so everything must be loaded.
    fn reload_templates(&mut self) -> Result<bool, Failure> {
        let theme = Theme::load(&self.config)?;
        let statics = |t: &Theme| t.files.iter().filter(|(k, _)| !k.starts_with("templates/")).map(|(k, v)| (k.clone(), v.bytes.clone())).collect::<Vec<_>>();
        if statics(&theme) != statics(&self.theme) {
            return Ok(false);
        }
        self.load_diags.retain(|d| d.code != "template");
        self.templates = match Templates::new(&theme, self.asset_map.clone(), &self.config.base_path) {
            Ok(t) => Some(t),
            Err(d) => {
                self.load_diags.extend(d);
                None
            }
        };
        self.theme = theme;
        let all: Vec<usize> = (0..self.content.pages.len()).collect();
        self.render_html(&all);
        self.not_found = self.render_not_found();
        self.dirty.insert("404.html".into());
        self.refresh_generated(None);
        self.run_checks();
        Ok(true)
    }

    fn render_markdown(&self, pages: &[usize]) -> Vec<Rendered> {
        let resolver = Resolver { urls: &self.urls, drafts: &self.content.drafts, base_path: &self.config.base_path, glossary: self.linker.as_ref() };
        pages.par_iter().map(|&i| markdown::render(&self.content.pages[i], &resolver, &self.functions)).collect()
    }

    /// What every page's template gets as `site`.
    fn site_context(&self) -> SiteContext {
        SiteContext { as_at_banner: self.banner.clone(), ..site_context(&self.config, &self.content) }
    }

    /// Renders the HTML of `pages` and marks their outputs dirty.
    fn render_html(&mut self, pages: &[usize]) {
        let Some(templates) = &self.templates else {
            self.html = vec![None; self.content.pages.len()];
            return;
        };
        let site = self.site_context();
        let (config, content, rendered, history) = (&self.config, &self.content, &self.rendered, &self.history);
        let out: Vec<Result<String, Diagnostic>> = pages
            .par_iter()
            .map(|&i| {
                let (p, r) = (&content.pages[i], &rendered[i]);
                let page = page_context(config, content, history, p, r);
                let site = SiteContext { nav: page.nav.clone(), ..site.clone() };
                let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page }));
                templates.render(super::page_template(p.kind), &ctx)
            })
            .collect();
        #[cfg(feature = "search")]
        {
            self.search = std::sync::OnceLock::new();
        }
        for (&i, h) in pages.iter().zip(out) {
            self.html[i] = Some(h);
            self.dirty.insert(format!("{}index.html", self.content.pages[i].url));
        }
    }

    /// Makes the generated pages again (print pages only for `sections`
    /// when given) and marks those that changed dirty.
    fn refresh_generated(&mut self, sections: Option<&BTreeSet<usize>>) {
        let Some(templates) = &self.templates else {
            self.generated.clear();
            return;
        };
        let site = self.site_context();
        let input = super::generated::Input {
            config: &self.config,
            content: &self.content,
            rendered: &self.rendered,
            history: &self.history,
            templates,
            site: &site,
            resources: self.resources.as_deref(),
            rule_changes: &self.rule_changes,
        };
        let new = super::generated::render(&input, sections);
        if sections.is_none() {
            self.generated.retain(|k, _| new.contains_key(k));
        }
        for (path, file) in new {
            if self.generated.get(&path) != Some(&file) {
                self.dirty.insert(path.clone());
                self.generated.insert(path, file);
            }
        }
    }

    fn render_not_found(&self) -> Option<Result<String, Diagnostic>> {
        let templates = self.templates.as_ref()?;
        let site = SiteContext { nav: nav_for(&self.config, &self.content, None), ..self.site_context() };
        let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page: not_found_context(&self.config) }));
        Some(templates.render("404.html", &ctx))
    }

    /// The checks of [`crate::check`], over pages whose HTML rendered.
    fn run_checks(&mut self) {
        if self.templates.is_none() {
            self.checks.clear();
            return;
        }
        let outputs: Vec<Option<&str>> = self.html.iter().map(|h| h.as_ref().and_then(|h| h.as_deref().ok())).collect();
        self.checks = crate::check::run(&crate::check::Input {
            config: &self.config,
            content: &self.content,
            rendered: &self.rendered,
            outputs: &outputs,
            rules: self.rules.as_deref(),
            glossary: &self.glossary,
            words: &self.words,
            today: self.opts.today,
        });
    }

    /// The checks again for some pages only: their findings (all at the
    /// page's own file) replace the old ones. Site-wide findings (rules no
    /// page uses) depend only on which functions pages call, which the
    /// caller has seen did not change. The page showing the glossary goes
    /// along, since the glossary checks look for it.
    fn run_page_checks(&mut self, pages: &[usize]) {
        if self.templates.is_none() {
            self.checks.clear();
            return;
        }
        let files: std::collections::HashSet<&Path> = pages.iter().map(|&i| self.content.pages[i].src.path()).collect();
        let glossary_page = self.rendered.iter().position(|r| r.calls.iter().any(|c| c.trim_start().starts_with("glossary(")));
        let subset: Vec<usize> = pages.iter().copied().chain(glossary_page.filter(|g| !pages.contains(g))).collect();
        let content = Content {
            pages: subset.iter().map(|&i| self.content.pages[i].clone()).collect(),
            assets: Vec::new(),
            by_rel: subset.iter().enumerate().map(|(k, &i)| (self.content.pages[i].rel.clone(), k)).collect(),
            drafts: self.content.drafts.clone(),
        };
        let rendered: Vec<Rendered> = subset.iter().map(|&i| self.rendered[i].clone()).collect();
        let outputs: Vec<Option<&str>> = subset.iter().map(|&i| self.html[i].as_ref().and_then(|h| h.as_deref().ok())).collect();
        let found = crate::check::run(&crate::check::Input {
            config: &self.config,
            content: &content,
            rendered: &rendered,
            outputs: &outputs,
            rules: self.rules.as_deref(),
            glossary: &self.glossary,
            words: &self.words,
            today: self.opts.today,
        });
        let mine = |d: &Diagnostic| d.file.as_deref().is_some_and(|f| files.contains(f));
        self.checks.retain(|d| !mine(d));
        self.checks.extend(found.into_iter().filter(|d| mine(d)));
    }

    /// The warnings, or every problem when there is an error.
    fn problems(&self) -> Result<Vec<Diagnostic>, Failure> {
        let mut diags: Vec<Diagnostic> = self.load_diags.clone();
        diags.extend(self.front_diags.iter().flatten().cloned());
        diags.extend(self.parse_errors.values().cloned());
        for r in &self.rendered {
            let quiet = |d: &Diagnostic| {
                d.code == "function"
                    && (self.rules_failed && !d.message.starts_with("`resources")
                        || self.resources_failed && (d.message.starts_with("`resources(") || d.message.starts_with("`resources_filter(")))
            };
            diags.extend(r.diags.iter().filter(|d| !quiet(d)).cloned());
        }
        diags.extend(self.fragments.iter().cloned());
        diags.extend(self.checks.iter().cloned());
        for h in self.html.iter().flatten().chain(&self.not_found) {
            if let Err(d) = h {
                diags.push(d.clone());
            }
        }
        diags.extend(self.generated.values().filter_map(|g| g.as_ref().err()).cloned());
        let (errors, mut warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            let mut all: Vec<Diagnostic> = errors.into_iter().chain(warnings).collect();
            dedup_sort(&mut all);
            return Err(Failure::Content(all));
        }
        dedup_sort(&mut warnings);
        Ok(warnings)
    }

    /// Every output file (unsorted). Call only when [`Session::problems`] is Ok.
    fn files(&self) -> Result<Vec<OutFile>, Failure> {
        let mut files = Vec::with_capacity(self.content.pages.len() + self.static_files.len() + self.content.assets.len() + 4);
        for (p, h) in self.content.pages.iter().zip(&self.html) {
            if let Some(Ok(html)) = h {
                files.push(OutFile { path: format!("{}index.html", p.url), bytes: html.clone().into_bytes() });
            }
        }
        if let Some(Ok(html)) = &self.not_found {
            files.push(OutFile { path: "404.html".into(), bytes: html.clone().into_bytes() });
        }
        for s in &self.static_files {
            files.push(OutFile { path: s.out.clone(), bytes: s.bytes.clone() });
        }
        for a in &self.content.assets {
            let bytes = std::fs::read(&a.path).map_err(|source| Error::Io { path: a.path.clone(), source })?;
            files.push(OutFile { path: a.rel.clone(), bytes });
        }
        if let Some((path, bytes)) = &self.rules_json {
            files.push(OutFile { path: path.clone(), bytes: bytes.clone() });
        }
        for (path, g) in &self.generated {
            if let Ok(bytes) = g {
                files.push(OutFile { path: path.clone(), bytes: bytes.clone() });
            }
        }
        files.push(OutFile { path: "sitemap.xml".into(), bytes: sitemap(&self.config, &self.content).into_bytes() });
        files.push(OutFile { path: "_headers".into(), bytes: headers().into_bytes() });
        #[cfg(feature = "search")]
        if self.opts.current_site.is_none() {
            files.extend(self.search_files()?.iter().map(|f| OutFile { path: f.path.clone(), bytes: f.bytes.clone() }));
        }
        Ok(files)
    }

    /// The search index of the pages as they are now (see [`crate::search`]).
    #[cfg(feature = "search")]
    pub fn search_files(&self) -> Result<&[OutFile], Failure> {
        let made = self.search.get_or_init(|| {
            let base = &self.config.base_path;
            let pages = self
                .content
                .pages
                .iter()
                .zip(&self.html)
                .filter_map(|(p, h)| Some(crate::search::Page { url: format!("{base}{}", p.url), html: h.as_ref()?.as_deref().ok()? }))
                .collect();
            crate::search::index(pages, &self.config.language)
        });
        made.as_deref().map_err(|e| Failure::Error(Error::Usage(e.clone())))
    }

    /// Whether the search index is out of date (a page changed since it was
    /// last made), so [`Session::search_files`] will make it again.
    #[cfg(feature = "search")]
    pub fn search_stale(&self) -> bool {
        self.search.get().is_none()
    }

    /// The current contents of some output paths (pages, the 404 page, assets).
    fn files_at(&self, paths: &BTreeSet<String>) -> Result<Vec<OutFile>, Failure> {
        let pages: HashMap<String, usize> =
            if paths.len() > 64 { self.content.pages.iter().enumerate().map(|(i, p)| (format!("{}index.html", p.url), i)).collect() } else { HashMap::new() };
        let mut out = Vec::new();
        for path in paths {
            let page = pages.get(path).copied().or_else(|| {
                let url = path.strip_suffix("index.html")?;
                self.content.pages.iter().position(|p| p.url == url)
            });
            let bytes = if let Some(g) = self.generated.get(path) {
                g.as_ref().ok().cloned()
            } else if path == "404.html" {
                self.not_found.as_ref().and_then(|h| h.as_ref().ok()).map(|h| h.clone().into_bytes())
            } else if let Some(i) = page {
                self.html[i].as_ref().and_then(|h| h.as_ref().ok()).map(|h| h.clone().into_bytes())
            } else if let Some(a) = self.content.assets.iter().find(|a| &a.rel == path) {
                Some(std::fs::read(&a.path).map_err(|source| Error::Io { path: a.path.clone(), source })?)
            } else {
                None
            };
            if let Some(bytes) = bytes {
                out.push(OutFile { path: path.clone(), bytes });
            }
        }
        Ok(out)
    }
}

/// A data file under the content folder (`rel`), if it exists: the path
/// diagnostics show and its text.
fn read_data_file(config: &SiteConfig, rel: &str) -> Result<Option<(PathBuf, String)>, Failure> {
    let path = config.root.join(&config.content).join(rel);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
    Ok(Some((config.content.join(rel), text)))
}

/// A data file as parsed, if it exists and parsed; its problems go to
/// `diags` (the site is then built without it).
fn keep_data<T>(parsed: Option<Result<T, Vec<Diagnostic>>>, diags: &mut Vec<Diagnostic>) -> Option<T> {
    match parsed? {
        Ok(v) => Some(v),
        Err(mut d) => {
            diags.append(&mut d);
            None
        }
    }
}

/// The page that calls `glossary()` is where glossary terms link to.
fn shows_glossary(p: &Page) -> bool {
    p.body().contains("glossary()")
}

#[cfg(test)]
mod tests {
    //! Every update must leave the session exactly where a fresh load of the
    //! same sources would be: same files, same problems.

    use super::*;

    struct Site {
        dir: tempfile::TempDir,
        opts: BuildOptions,
    }

    impl Site {
        fn new() -> Site {
            let dir = tempfile::tempdir().unwrap();
            let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
            for e in walkdir::WalkDir::new(&from) {
                let e = e.unwrap();
                let to = dir.path().join(e.path().strip_prefix(&from).unwrap());
                if e.file_type().is_dir() {
                    std::fs::create_dir_all(&to).unwrap();
                } else {
                    std::fs::copy(e.path(), &to).unwrap();
                }
            }
            let opts = BuildOptions { root: dir.path().to_path_buf(), ..BuildOptions::default() };
            Site { dir, opts }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        fn edit(&self, rel: &str, from: &str, to: &str) -> PathBuf {
            let p = self.path(rel);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from), "{rel} has no `{from}`");
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
            p
        }

        fn write(&self, rel: &str, text: &str) -> PathBuf {
            let p = self.path(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            p
        }
    }

    fn paths(u: &Update) -> Vec<&str> {
        let mut p: Vec<&str> = u.files.iter().map(|f| f.path.as_str()).collect();
        p.sort_unstable();
        p
    }

    /// The session agrees with a fresh load; returns the update's result.
    fn update(s: &mut Session, site: &Site, changed: &[PathBuf]) -> Result<Update, Failure> {
        let u = s.update(changed);
        let fresh = Session::load(&site.opts).unwrap().result();
        match (s.result(), fresh) {
            (Ok(a), Ok(b)) => {
                let files = |b: &Built| b.files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect::<Vec<_>>();
                assert!(files(&a) == files(&b), "the incremental output differs from a fresh build");
                assert_eq!(a.warnings, b.warnings);
            }
            // A page whose front matter stopped parsing is kept in its last
            // good form, so links to it are not reported as broken as well
            // (a fresh build, which drops the page, reports them too).
            (Err(Failure::Content(a)), Err(Failure::Content(b))) if !s.parse_errors.is_empty() => {
                assert!(a.iter().all(|d| b.contains(d)), "{a:?}\n{b:?}");
            }
            (Err(Failure::Content(a)), Err(Failure::Content(b))) => assert_eq!(a, b),
            (a, b) => panic!("incremental {:?} but fresh {:?}", a.map(|b| b.pages), b.map(|b| b.pages)),
        }
        u
    }

    #[test]
    fn a_body_edit_rerenders_that_page_only() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let p = site.edit("content/procedures/core-groups.md", "meets soon after", "meets quickly after");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(!u.full);
        // ...and the section's print page, which shows it too.
        assert_eq!(paths(&u), ["procedures/core-groups/index.html", "procedures/print/index.html"]);
        // Page checks follow the edit (and agree with a fresh build: see `update`).
        let p = site.edit("content/procedures/core-groups.md", "meets quickly after", "meets quickly ([here](cppm.md)) after");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(u.warnings.iter().any(|d| d.code == "a11y-link-text"), "{:?}", u.warnings);
        // The same text again: nothing to do.
        let p = site.path("content/procedures/core-groups.md");
        assert!(update(&mut s, &site, &[p]).unwrap().files.is_empty());
    }

    #[test]
    fn a_title_edit_rerenders_the_section_listing() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let p = site.edit("content/procedures/core-groups.md", "title: Core groups", "title: Core group meetings");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(!u.full);
        // It is also in its audience's list, its section's print page, the
        // search page's list and (it has change notes) the updates.
        assert_eq!(
            paths(&u),
            [
                "audiences/practitioners/index.html",
                "procedures/core-groups/index.html",
                "procedures/index.html",
                "procedures/print/index.html",
                "search/index.html",
                "updates.xml",
                "updates/index.html"
            ]
        );
        // A section's title is in the breadcrumbs of the pages below it.
        let p = site.edit("content/procedures/_index.md", "title: Procedures", "title: Our procedures");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(!u.full && u.files.len() > 2, "{:?}", paths(&u));
    }

    #[test]
    fn a_change_note_updates_the_page_the_updates_and_the_feed() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let p = site.edit("content/procedures/cppm.md", "---\n## Purpose", "changes:\n  - { date: 2026-12-01, note: Purpose rewritten }\n---\n## Purpose");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(!u.full);
        assert_eq!(paths(&u), ["procedures/cppm/index.html", "updates.xml", "updates/index.html"], "print pages leave change notes out");
        let feed = u.files.iter().find(|f| f.path == "updates.xml").unwrap();
        assert!(String::from_utf8_lossy(&feed.bytes).contains("<updated>2026-12-01T00:00:00Z</updated>"));
    }

    #[test]
    fn a_bad_edit_is_reported_and_its_fix_publishes_everything_since() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let cppm = site.edit("content/procedures/cppm.md", "Reports are shared before", "Reports go out before");
        let bad = site.edit("content/procedures/core-groups.md", "summary:", "sumary:");
        match update(&mut s, &site, &[cppm, bad.clone()]) {
            Err(Failure::Content(d)) => assert!(d.iter().any(|d| d.message == "unknown key `sumary`")),
            other => panic!("{:?}", other.map(|u| u.files.len())),
        }
        site.edit("content/procedures/core-groups.md", "sumary:", "summary:");
        let u = update(&mut s, &site, &[bad]).unwrap();
        assert!(!u.full);
        assert!(paths(&u).contains(&"procedures/cppm/index.html"), "the page edited while the site was broken");
    }

    #[test]
    fn fragments_are_checked_again_on_other_pages() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        // cppm.md links to core-groups.md#the-first-meeting.
        let p = site.edit("content/procedures/core-groups.md", "## The first meeting", "## The opening meeting");
        match update(&mut s, &site, std::slice::from_ref(&p)) {
            Err(Failure::Content(d)) => assert!(d.iter().any(|d| d.code == "broken-fragment"), "{d:?}"),
            other => panic!("{:?}", other.map(|u| u.files.len())),
        }
        site.edit("content/procedures/core-groups.md", "## The opening meeting", "## The first meeting");
        update(&mut s, &site, &[p]).unwrap();
    }

    #[test]
    fn templates_and_assets() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html")).unwrap();
        let t = site.write("themes/default/templates/page.html", &page.replacen("</main>", "<!-- local --></main>", 1));
        let u = update(&mut s, &site, &[t]).unwrap();
        assert!(!u.full);
        assert!(u.files.iter().any(|f| f.path == "procedures/cppm/index.html"));
        let broken = site.write("themes/default/templates/page.html", "{% if %}");
        assert!(matches!(update(&mut s, &site, std::slice::from_ref(&broken)), Err(Failure::Content(_))));
        std::fs::remove_file(&broken).unwrap();
        assert!(update(&mut s, &site, &[broken]).unwrap().full, "a template removed: load everything");

        let png = site.path("content/procedures/diagram.png");
        let mut bytes = std::fs::read(&png).unwrap();
        bytes.extend_from_slice(b"\0");
        std::fs::write(&png, bytes).unwrap();
        let u = update(&mut s, &site, &[png]).unwrap();
        assert_eq!(paths(&u), ["procedures/diagram.png"]);
    }

    #[test]
    fn pages_coming_and_going_load_everything() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let gone = site.path("content/procedures/.core-groups.md.swp");
        assert!(update(&mut s, &site, &[gone]).unwrap().files.is_empty(), "hidden files are not read");
        let tmp = site.path("content/procedures/core-groups.md.tmp~");
        assert!(update(&mut s, &site, &[tmp]).unwrap().files.is_empty(), "a temporary file that came and went");
        let new = site.write("content/procedures/new.md", "---\ntitle: New\naudience: [practitioners]\nsources: [x]\n---\nText.\n");
        assert!(update(&mut s, &site, std::slice::from_ref(&new)).unwrap().full);
        site.edit("content/procedures/new.md", "sources: [x]", "sources: [x]\ndraft: true");
        assert!(update(&mut s, &site, std::slice::from_ref(&new)).unwrap().full, "a page hidden as a draft");
        std::fs::remove_file(&new).unwrap();
        assert!(update(&mut s, &site, &[new]).unwrap().full);
        let d = site.edit("content/procedures/draft.md", "---\n", "---\nsummary: Still a draft.\n");
        assert!(!update(&mut s, &site, &[d]).unwrap().full, "editing a draft changes nothing published");
        let toml = site.edit("site.toml", "Fixture Procedures", "Fixture procedures");
        assert!(update(&mut s, &site, &[toml]).unwrap().full);
    }
}
