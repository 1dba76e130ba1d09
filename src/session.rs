//! The incremental decisions: which stages to run again for which pages, so
//! that `waymark serve` redoes only what an edit changes.
//!
//! [`Session::load`] runs every stage once (load → parse → render → check),
//! as `build` and `check` do (through [`crate::site::render_site`]), and
//! keeps the [`Site`] they made. [`Session::update`] is given the paths that
//! changed and decides what to redo; the stages do the work. The tracking is deliberately coarse; whenever it is unsure, it loads
//! everything again (a full rebuild is slow, a wrong page is worse):
//!
//! | what changed | what is redone |
//! | --- | --- |
//! | a page's text (the same page, still published) | its Markdown and HTML; its section's listing when its title, summary, audience, stage or order changed, and the other pages of its section when its title, stage or order changed (their section navigation and previous/next show it); every page when a section's or the home page's title changed (breadcrumbs); fragment checks and page checks |
//! | a template of the site's theme | every page's HTML from the kept bodies; page checks |
//! | a file copied as it is (an image, a PDF) | that file |
//! | anything else: a page added, removed or renamed, a draft published or hidden, a page starting or ceasing to show the glossary, site.toml, the rules file, the glossary, the words-to-avoid list, the theme's static files, a folder, a link, lost events | everything ([`Session::load`]) |
//!
//! Problems do not end a session: it keeps the state of the sources as they
//! are now, and [`Session::update`] returns them as a [`Failure`]. The output
//! paths that changed while the site was broken are remembered and returned
//! by the first update that succeeds again.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use crate::diag::{Diagnostic, Severity};
use crate::load::{ContentFile, PageKind};
use crate::site::{BuildOptions, Built, FileSum, OutFile, PageId, Report, Site, dedup_sort, shows_glossary};
use crate::theme::Theme;
use crate::{Failure, check, load, parse, render};

/// Pages rendered, checked, indexed and written at a time by [`Session::build`]:
/// enough for the stages' threads to share, few enough that their HTML is a
/// small part of the build's memory.
const CHUNK: usize = 256;

#[cfg(feature = "search")]
fn usage(e: String) -> Failure {
    Failure::Error(crate::Error::Usage(e))
}

/// A site loaded and rendered, kept for incremental rebuilds: the site
/// itself, and what the next successful update must publish.
pub struct Session {
    site: Site,
    /// Output paths changed since the last successful [`Session::update`].
    dirty: BTreeSet<String>,
    /// A full load failed, or reading a file did: the state may be behind
    /// the sources, so the next update loads everything.
    stale: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("root", &self.site.config().root).field("pages", &self.site.pages().len()).finish_non_exhaustive()
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
    Page(PageId),
    /// A template of the theme.
    Template,
    /// A content file copied as it is (its index in the assets).
    Asset(usize),
    /// Anything else.
    Full,
}

impl Session {
    /// Loads, renders and checks the whole site: every stage once. Problems in
    /// the pages, rules or templates are kept in the session (see
    /// [`Session::result`]); only a site.toml with problems, or an I/O or
    /// usage failure, is an Err.
    pub fn load(opts: &BuildOptions) -> Result<Session, Failure> {
        use crate::timing::stage;
        let sources = stage("load", || load::load(opts))?;
        let mut site = stage("parse", || parse::parse(sources));
        site.fragments = check::fragments(site.pages(), site.pages().ids());
        stage("render", || render::render(&mut site));
        site.checks = stage("check", || check::run(&site, None));
        Ok(Session { site, dirty: BTreeSet::new(), stale: false })
    }

    /// `build` in one pass that never holds the whole site's HTML: the pages
    /// are rendered, checked, handed to the search index and written a chunk
    /// at a time (into a fresh folder beside the output, see
    /// [`crate::write::Staging`]), and each page's HTML is dropped once it is
    /// written. The output is the same, byte for byte, as the files of
    /// [`Session::result`] (an integration test compares them). Every page is
    /// rendered and checked even after an error, so that all the problems are
    /// reported; then nothing is swapped in and the previous output stays.
    pub(crate) fn build(opts: &BuildOptions) -> Result<Report, Failure> {
        use crate::timing::{report, stage};
        use std::time::{Duration, Instant};
        let sources = stage("load", || load::load(opts))?;
        let mut site = stage("parse", || parse::parse(sources));
        site.fragments = check::fragments(site.pages(), site.pages().ids());
        let out_dir = crate::site::out_dir(site.config(), opts);
        let mut staging = crate::write::Staging::new(&out_dir)?;
        #[cfg(feature = "search")]
        let mut indexer = match site.src.opts.current_site {
            None => {
                let languages: Vec<&str> = site.src.config.languages.iter().map(|l| l.code.as_str()).collect();
                Some(crate::search::Indexer::new(&languages).map_err(usage)?)
            }
            Some(_) => None,
        };
        let ids: Vec<PageId> = site.pages().ids().collect();
        let (mut checks, mut sums) = (Vec::new(), Vec::with_capacity(ids.len() + 256));
        // The pages made from other pages' bodies (print pages, lists, the
        // feed), the 404 page and the files copied as they are, first: written
        // and their bytes dropped before the search index grows. The paths
        // stay, for the check that no two files share one, and so do errors.
        stage("render other pages", || {
            render::render_not_found(&mut site);
            render::refresh_generated(&mut site, None);
        });
        // A problem in the pages (two files for one path, say) can make
        // writing fail; it is reported as that problem, so a failed write
        // waits until the problems are known.
        let mut write_failed = None;
        let other = render::other_files(&site);
        sums.extend(other.iter().map(FileSum::of));
        if let Err(e) = staging.write(&other) {
            write_failed = Some(e);
        }
        drop(other);
        for bytes in site.out.generated.values_mut().flatten() {
            *bytes = Vec::new();
        }
        let mut took = [Duration::ZERO; 3];
        for chunk in ids.chunks(CHUNK) {
            let start = Instant::now();
            render::render_pages(&mut site, chunk);
            let rendered = Instant::now();
            checks.extend(check::run(&site, Some(&chunk.iter().copied().collect())));
            let checked = Instant::now();
            #[cfg(feature = "search")]
            if let Some(indexer) = &mut indexer {
                let base = &site.src.config.base_path;
                let pages = chunk
                    .iter()
                    .filter_map(|&id| {
                        let s = site.pages().get(id);
                        Some(crate::search::Page { url: format!("{base}{}", s.page.url), html: s.output()? })
                    })
                    .collect();
                indexer.add(pages).map_err(usage)?;
            }
            let indexed = Instant::now();
            let files: Vec<OutFile> = chunk
                .iter()
                .filter_map(|&id| {
                    let s = site.src.pages.get_mut(id);
                    let html = s.html.take_if(|h| h.is_ok())?.ok()?;
                    Some(OutFile { path: format!("{}index.html", s.page.url), bytes: html.into_bytes() })
                })
                .collect();
            sums.extend(files.iter().map(FileSum::of));
            if write_failed.is_none()
                && let Err(e) = staging.write(&files)
            {
                write_failed = Some(e);
            }
            took[0] += rendered - start;
            took[1] += checked - rendered;
            took[2] += indexed.elapsed();
        }
        report("render", took[0]);
        report("check", took[1]);
        report("write pages", took[2]);
        checks.extend(check::site_wide(&site));
        site.checks = checks;
        let mut session = Session { site, dirty: BTreeSet::new(), stale: false };
        let warnings = session.problems()?;
        if let Some(e) = write_failed {
            return Err(e.into());
        }
        // What is left to make needs only the pages' front matter: free their
        // bodies before the search index is built, the build's peak of memory.
        let site = &mut session.site;
        for id in ids {
            site.src.pages.get_mut(id).body = crate::markdown::Rendered::default();
        }
        #[cfg(feature = "search")]
        if let Some(indexer) = indexer {
            let index = indexer.finish().map_err(usage)?;
            sums.extend(index.iter().map(FileSum::of));
            staging.write(&index)?;
        }
        let site = &session.site;
        let last = render::last_files(site, &sums);
        let editions = stage("editions", || crate::editions::build_all(site.config(), opts))?;
        stage("write", || {
            staging.write(&last)?;
            staging.write(&editions)?;
            staging.commit()
        })?;
        let pages = site.pages();
        let readability = pages.states().iter().filter_map(|s| Some((s.page.src.path().to_path_buf(), s.readability?))).collect();
        Ok(Report { pages: pages.len(), files: sums.len() + last.len() + editions.len(), warnings, out_dir, readability })
    }

    /// The configuration (with the base URL given in the options).
    pub fn config(&self) -> &crate::config::SiteConfig {
        self.site.config()
    }

    /// The site as the stages left it.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// The site as `build` would write it, or every problem in it.
    pub fn result(&self) -> Result<Built, Failure> {
        let warnings = self.problems()?;
        let mut files = crate::timing::stage("output files (with search)", || render::files(&self.site))?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let pages = self.site.pages();
        let readability = pages.states().iter().filter_map(|s| Some((s.page.src.path().to_path_buf(), s.readability?))).collect();
        Ok(Built { pages: pages.len(), config: self.site.config().clone(), files, warnings, readability })
    }

    /// Brings the session up to date after `changed` (absolute paths, which
    /// may no longer exist) and returns what changed in the output since the
    /// last success, or every problem the site has now.
    pub fn update(&mut self, changed: &[std::path::PathBuf]) -> Result<Update, Failure> {
        let result = self.try_update(changed);
        if matches!(result, Err(Failure::Error(_))) {
            self.stale = true;
        }
        result
    }

    fn try_update(&mut self, changed: &[std::path::PathBuf]) -> Result<Update, Failure> {
        let mut pages = BTreeSet::new();
        let mut templates = false;
        let mut full = self.stale;
        for path in changed {
            match self.classify(path) {
                Change::None => {}
                Change::Page(id) => {
                    pages.insert(id);
                }
                Change::Template => templates = true,
                Change::Asset(i) => {
                    let asset = &mut self.site.src.assets[i];
                    asset.bytes = load::read_asset(asset)?;
                    self.dirty.insert(asset.rel.clone());
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
            *self = Session::load(&self.site.src.opts)?;
            let warnings = self.problems()?;
            return Ok(Update { files: render::files(&self.site)?, removed: Vec::new(), full: true, pages: self.site.pages().len(), warnings });
        }
        let warnings = self.problems()?;
        let dirty = std::mem::take(&mut self.dirty);
        let files = render::files_at(&self.site, &dirty);
        Ok(Update { files, removed: Vec::new(), full: false, pages: self.site.pages().len(), warnings })
    }

    fn classify(&self, path: &Path) -> Change {
        let config = self.site.config();
        let root = &config.root;
        let content_dir = root.join(&config.content);
        let (pages, assets) = (self.site.pages(), &self.site.src.assets);
        let meta = std::fs::symlink_metadata(path);
        let exists = meta.is_ok();
        if meta.as_ref().is_ok_and(|m| !m.is_file()) {
            // A folder, or a link (which the build never follows).
            let known_dir = path.strip_prefix(&content_dir).ok().map(|r| format!("{}/", r.to_string_lossy().replace('\\', "/")));
            let known = known_dir.is_some_and(|d| pages.rels().any(|r| r.starts_with(&d)) || assets.iter().any(|a| a.rel.starts_with(&d)));
            return if meta.is_ok_and(|m| m.is_dir()) && known { Change::None } else { Change::Full };
        }
        if let Ok(rel) = path.strip_prefix(&content_dir) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            return match load::content_file(config, &rel) {
                ContentFile::Data => Change::Full,
                // A hidden page is reported (a skipped file) by a full load.
                ContentFile::Ignored if rel.to_ascii_lowercase().ends_with(".md") => Change::Full,
                ContentFile::Ignored => Change::None,
                ContentFile::Page => {
                    let draft = pages.drafts.contains(&rel);
                    match (exists, pages.id(&rel)) {
                        (true, Some(id)) => Change::Page(id),
                        (true, None) if draft && self.still_a_draft(&rel) => Change::None,
                        (false, None) if !draft => Change::None,
                        _ => Change::Full,
                    }
                }
                ContentFile::Asset => match (exists, assets.iter().position(|a| a.rel == rel)) {
                    // A picture or data file is read for script again by a full load.
                    (true, Some(i)) if !crate::file_policy::is_sniffed(&rel) => Change::Asset(i),
                    (false, None) => Change::None,
                    _ => Change::Full,
                },
            };
        }
        if config.rules.as_ref().is_some_and(|r| root.join(r) == path) {
            return Change::Full;
        }
        let templates_dir = root.join("themes").join(&config.theme).join("templates");
        if path.starts_with(&templates_dir) && path.extension().is_some_and(|e| e == "html") && exists {
            return Change::Template;
        }
        Change::Full
    }

    /// A page left out as a draft that is still one (editing it changes no output).
    fn still_a_draft(&self, rel: &str) -> bool {
        let config = self.site.config();
        let Ok(Some(text)) = load::read_page(config, rel) else { return false };
        let shown = config.content.join(rel);
        // Its problems, old or new, are reported even though it is left out.
        let had_problems = self.site.src.diags.iter().any(|d| d.file.as_deref() == Some(shown.as_path()));
        !had_problems && matches!(load::parse_page(config, shown.clone(), rel.to_owned(), text), Ok((p, d)) if p.front.draft && d.is_empty())
    }

    /// Reads, parses and renders edited pages again. Ok(false): they need a full load.
    fn edit_pages(&mut self, edited: &BTreeSet<PageId>) -> Result<bool, Failure> {
        let mut reparse = Vec::new();
        let mut rerender: BTreeSet<PageId> = BTreeSet::new();
        // Sections whose pages' navigation shows an edited title or order.
        let mut reordered: BTreeSet<PageId> = BTreeSet::new();
        let mut all_html = false;
        // With offline use on, every page states the content's date.
        let offline = crate::offline::enabled(&self.site.src.config, &self.site.src.opts);
        let dated = |site: &crate::site::Site| crate::asat::content_date(&site.src.pages, &site.src.history);
        let old_date = dated(&self.site);
        for &id in edited {
            let config = &self.site.src.config;
            let old = self.site.src.pages.get(id);
            let Some(text) = load::read_page(config, &old.page.rel)? else { return Ok(false) };
            // Over the size limit: a full load reports it (and reads nothing of it).
            if text.len() as u64 > crate::file_policy::MAX_PAGE_BYTES {
                return Ok(false);
            }
            if text == old.page.src.text() && old.load_error.is_none() {
                continue;
            }
            let shown = config.content.join(&old.page.rel);
            match load::parse_page(config, shown, old.page.rel.clone(), text) {
                Err(d) => {
                    // Keep the last load; the error stands until the text loads again.
                    self.site.src.pages.get_mut(id).load_error = Some(d);
                }
                Ok((mut page, front_diags)) => {
                    let old = &old.page;
                    if page.front.draft && !self.site.src.opts.drafts || shows_glossary(&page) != shows_glossary(old) {
                        return Ok(false);
                    }
                    page.parent = old.parent.clone();
                    // A translation and its page show each other (titles,
                    // heading ids, the language switcher): load everything.
                    if page.source.is_some() || self.site.pages().pages().any(|q| q.source.as_deref() == Some(old.rel.as_str())) {
                        return Ok(false);
                    }
                    let f = (&old.front, &page.front);
                    if f.0.title != f.1.title && self.site.src.resources.get().is_some_and(|r| r.linked.contains(&old.rel)) {
                        return Ok(false); // the resources list shows its title
                    }
                    // A page and its Easy Read version link to each other by title.
                    let paired = |rel: &str| self.site.pages().pages().any(|q| crate::load::easy_read_target(q).as_deref() == Some(rel));
                    if f.0.easy_read_of != f.1.easy_read_of || f.0.format != f.1.format || (f.0.title != f.1.title && (f.1.easy_read_of.is_some() || paired(&old.rel))) {
                        return Ok(false);
                    }
                    if f.0.title != f.1.title && page.kind != PageKind::Page {
                        all_html = true; // breadcrumbs below it
                    }
                    let listed = f.0.title != f.1.title || f.0.summary != f.1.summary || f.0.audience != f.1.audience || f.0.stage != f.1.stage || f.0.order != f.1.order;
                    if listed && let Some(parent) = page.parent.as_deref().and_then(|p| self.site.pages().id(p)) {
                        rerender.insert(parent);
                        if f.0.title != f.1.title || f.0.stage != f.1.stage || f.0.order != f.1.order {
                            reordered.insert(parent);
                        }
                    }
                    let s = self.site.src.pages.get_mut(id);
                    s.load_error = None;
                    s.front_diags = front_diags;
                    s.page = page;
                    reparse.push(id);
                    rerender.insert(id);
                }
            }
        }
        if offline && dated(&self.site) != old_date {
            return Ok(false); // a new date on every page: load everything
        }
        // Which rules pages use, and which page shows the glossary, decide
        // site-wide checks: when a page's calls change, all checks run again.
        let mut calls_changed = false;
        let mut ids_changed = false;
        let bodies = parse::bodies(&self.site.src, &self.site.tools, &reparse);
        for (&id, (body, readability)) in reparse.iter().zip(bodies) {
            let s = self.site.src.pages.get_mut(id);
            calls_changed |= s.body.calls != body.calls;
            ids_changed |= s.body.ids != body.ids;
            s.body = body;
            s.readability = readability;
        }
        self.recheck_fragments(&reparse, ids_changed);
        if !reordered.is_empty() {
            // The same pages as before (drafts and new pages load everything), perhaps in another order.
            self.site.tools.sequences = crate::site::Sequences::new(&self.site.src.config, &self.site.src.pages);
            for section in reordered {
                rerender.extend(self.site.tools.sequences.pages_of(section).iter().copied());
            }
        }
        let redo: Vec<PageId> = if all_html { self.site.pages().ids().collect() } else { rerender.into_iter().collect() };
        if redo.is_empty() {
            return Ok(true);
        }
        self.dirty.extend(render::render_pages(&mut self.site, &redo));
        // Print pages show their section's pages: redo those of the sections edited or holding an edit.
        let pages = self.site.pages();
        let sections: BTreeSet<PageId> = reparse
            .iter()
            .flat_map(|&id| {
                let p = &pages.get(id).page;
                [Some(id), p.parent.as_deref().and_then(|r| pages.id(r))]
            })
            .flatten()
            .collect();
        self.dirty.extend(render::refresh_generated(&mut self.site, if all_html { None } else { Some(&sections) }));
        if calls_changed || all_html {
            self.site.checks = check::run(&self.site, None);
        } else {
            self.run_page_checks(&redo);
        }
        Ok(true)
    }

    /// Checks the `#fragment` links again: those on the edited pages, and,
    /// when the edited pages' ids changed, those pointing at them.
    fn recheck_fragments(&mut self, edited: &[PageId], ids_changed: bool) {
        if edited.is_empty() {
            return;
        }
        let pages = self.site.pages();
        let rels: HashSet<&str> = edited.iter().map(|&id| pages.get(id).page.rel.as_str()).collect();
        let mut from: BTreeSet<PageId> = edited.iter().copied().collect();
        if ids_changed {
            for (id, s) in pages.iter() {
                if s.body.links.iter().any(|l| l.fragment.is_some() && rels.contains(l.target.as_str())) {
                    from.insert(id);
                }
            }
        }
        let files: HashSet<&Path> = from.iter().map(|&id| pages.get(id).page.src.path()).collect();
        let found = check::fragments(pages, from.iter().copied());
        let mut kept: Vec<Diagnostic> = self.site.fragments.iter().filter(|d| !d.file.as_deref().is_some_and(|f| files.contains(f))).cloned().collect();
        kept.extend(found);
        self.site.fragments = kept;
    }

    /// Parses the templates again and re-renders every page from its kept
    /// body. Ok(false): the theme's static files changed too (their hashed
    /// names are in pages and calculators), or a partial that page bodies
    /// are made with, so everything must be loaded.
    fn reload_templates(&mut self) -> Result<bool, Failure> {
        let theme = Theme::load(self.site.config())?;
        let statics = |t: &Theme| t.files.iter().filter(|(k, _)| !k.starts_with("templates/")).map(|(k, v)| (k.clone(), v.bytes.clone())).collect::<Vec<_>>();
        // The partials Markdown and page functions render are in every page body.
        let partials = |t: &Theme| crate::render::BODY_PARTIALS.iter().map(|n| t.files.get(&format!("templates/partials/{n}")).map(|f| f.bytes.clone())).collect::<Vec<_>>();
        if statics(&theme) != statics(&self.site.src.theme) || partials(&theme) != partials(&self.site.src.theme) {
            return Ok(false);
        }
        let (templates, diags) = parse::templates(&theme, &self.site.tools.asset_map, &self.site.config().base_path, &self.site.src.strings);
        self.site.tools.templates = templates;
        self.site.tools.template_diags = diags;
        self.site.src.theme = theme;
        let all: Vec<PageId> = self.site.pages().ids().collect();
        self.dirty.extend(render::render_pages(&mut self.site, &all));
        render::render_not_found(&mut self.site);
        self.dirty.insert("404.html".into());
        self.dirty.extend(render::refresh_generated(&mut self.site, None));
        self.site.checks = check::run(&self.site, None);
        Ok(true)
    }

    /// The checks again for some pages only: their findings (all at the
    /// page's own file) replace the old ones. Site-wide findings (rules no
    /// page uses) depend only on which functions pages call, which the
    /// caller has seen did not change.
    fn run_page_checks(&mut self, ids: &[PageId]) {
        let only: BTreeSet<PageId> = ids.iter().copied().collect();
        let found = check::run(&self.site, Some(&only));
        let pages = self.site.pages();
        let files: HashSet<&Path> = ids.iter().map(|&id| pages.get(id).page.src.path()).collect();
        let mine = |d: &Diagnostic| d.file.as_deref().is_some_and(|f| files.contains(f));
        let mut kept: Vec<Diagnostic> = self.site.checks.iter().filter(|d| !mine(d)).cloned().collect();
        kept.extend(found.into_iter().filter(|d| mine(d)));
        self.site.checks = kept;
    }

    /// The warnings, or every problem when there is an error.
    fn problems(&self) -> Result<Vec<Diagnostic>, Failure> {
        let site = &self.site;
        let mut diags: Vec<Diagnostic> = site.src.diags.clone();
        diags.extend(site.tools.template_diags.iter().cloned());
        for s in site.pages().states() {
            diags.extend(s.front_diags.iter().cloned());
            diags.extend(s.load_error.iter().cloned());
            diags.extend(s.body.diags.iter().cloned());
        }
        diags.extend(site.fragments.iter().cloned());
        diags.extend(site.checks.iter().cloned());
        diags.extend(render::problems(site).cloned());
        diags.extend(check::output_paths(site));
        let (errors, mut warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            let mut all: Vec<Diagnostic> = errors.into_iter().chain(warnings).collect();
            dedup_sort(&mut all);
            return Err(Failure::Content(all));
        }
        dedup_sort(&mut warnings);
        Ok(warnings)
    }

    /// The search index of the pages as they are now (see [`crate::search`]).
    #[cfg(feature = "search")]
    pub fn search_files(&self) -> Result<&[OutFile], Failure> {
        render::search_files(&self.site)
    }

    /// Whether the search index is out of date (a page changed since it was
    /// last made), so [`Session::search_files`] will make it again.
    #[cfg(feature = "search")]
    pub fn search_stale(&self) -> bool {
        self.site.out.search.get().is_none()
    }
}

#[cfg(test)]
mod tests {
    //! Every update must leave the session exactly where a fresh load of the
    //! same sources would be: same files, same problems.

    use super::*;
    use crate::diag::Code;
    use std::path::PathBuf;

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
            // As `waymark serve` loads it (no offline worker).
            let opts = BuildOptions { root: dir.path().to_path_buf(), preview: true, ..BuildOptions::default() };
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
            (Err(Failure::Content(a)), Err(Failure::Content(b))) if s.site.pages().states().iter().any(|p| p.load_error.is_some()) => {
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
        assert!(u.warnings.iter().any(|d| d.code == Code::A11yLinkText), "{:?}", u.warnings);
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
        // It is also in its audience's list, the section navigation and
        // previous/next of the other pages in its section, its section's
        // print page, the search page's list and (it has change notes) the
        // updates.
        assert_eq!(
            paths(&u),
            [
                "audiences/practitioners/index.html",
                "procedures/core-groups/index.html",
                "procedures/cppm/index.html",
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
    fn an_order_edit_rerenders_the_section_navigation_of_its_pages() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        // Planning meetings come before core groups; move them after (the
        // update checks the pages against a fresh build, so their
        // previous/next must follow).
        site.edit("content/procedures/cppm.md", "stage: planning-meeting", "stage: core-group");
        let p = site.edit("content/procedures/cppm.md", "order: 1", "order: 3");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(!u.full);
        let core = u.files.iter().find(|f| f.path == "procedures/core-groups/index.html").expect("the other page of the section");
        let core = String::from_utf8_lossy(&core.bytes);
        assert!(core.contains("rel=\"next\"") && !core.contains("rel=\"prev\""), "core groups now come first");
    }

    #[test]
    fn with_offline_use_a_new_content_date_renders_every_page() {
        let mut site = Site::new();
        site.opts.preview = false;
        let mut s = Session::load(&site.opts).unwrap();
        let p = site.edit("content/procedures/cppm.md", "---\n## Purpose", "changes:\n  - { date: 2030-01-02, note: Purpose rewritten }\n---\n## Purpose");
        let u = update(&mut s, &site, &[p]).unwrap();
        assert!(u.full, "every page says the version's date");
        let page = u.files.iter().find(|f| f.path == "parents/meeting/index.html").unwrap();
        assert!(String::from_utf8_lossy(&page.bytes).contains("<time datetime=\"2030-01-02\">2 January 2030</time>"));
        // An edit that leaves the date alone stays small.
        let p = site.edit("content/procedures/core-groups.md", "meets soon after", "meets quickly after");
        assert!(!update(&mut s, &site, &[p]).unwrap().full);
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
            Err(Failure::Content(d)) => assert!(d.iter().any(|d| d.code == Code::BrokenFragment), "{d:?}"),
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
    fn a_partial_that_makes_page_bodies_renders_the_markdown_again() {
        let site = Site::new();
        let mut s = Session::load(&site.opts).unwrap();
        let t = site.write("themes/default/templates/partials/table.html", "<div class=\"local-table\">\n{{ content }}</div>\n");
        let u = update(&mut s, &site, &[t]).unwrap();
        assert!(u.full, "page bodies are made with it");
        let cppm = u.files.iter().find(|f| f.path == "procedures/cppm/index.html").expect("the page with a table");
        assert!(String::from_utf8_lossy(&cppm.bytes).contains("<div class=\"local-table\">\n<table>"));
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
