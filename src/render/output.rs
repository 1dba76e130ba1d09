//! Stage 3, **render**: each page's HTML from its template, the pages made
//! from other pages ([`super::generated`]), the 404 page, `sitemap.xml`,
//! `_headers`, and the search index; then the list of every output file.
//! Nothing here reads the disk: assets and static files were read by `load`.

use std::collections::{BTreeSet, HashMap};

use minijinja::Value;
use rayon::prelude::*;

use super::context::{self, PageContextRoot, SiteContext};
use super::generated;
use crate::diag::Diagnostic;
use crate::site::{FileSum, OutFile, PageId, Site};
use crate::Failure;

/// What render makes besides each page's own HTML.
#[derive(Debug, Default)]
pub(crate) struct Outputs {
    /// `404.html` (None when the templates did not load).
    pub not_found: Option<Result<String, Diagnostic>>,
    /// The pages made from other pages, by output path.
    pub generated: generated::Files,
    /// The search index of the pages as they are now: made when first asked
    /// for, and forgotten whenever a page's HTML changes.
    #[cfg(feature = "search")]
    pub search: std::sync::OnceLock<Result<Vec<OutFile>, String>>,
}

/// What every page's template gets as `site`, one for each language.
fn site_contexts(site: &Site) -> Vec<SiteContext> {
    let src = &site.src;
    let offline = crate::offline::enabled(&src.config, &src.opts).then(|| crate::offline::site_context(&src.config, &src.pages, &src.history));
    (0..src.config.languages.len())
        .map(|lang| SiteContext { as_at_banner: site.tools.banner.clone(), offline: offline.clone(), ..context::site_context(&src.config, &src.pages, &src.strings, lang) })
        .collect()
}

/// Renders everything: every page, the 404 page and the generated pages.
pub(crate) fn render(site: &mut Site) {
    let all: Vec<PageId> = site.pages().ids().collect();
    render_pages(site, &all);
    render_not_found(site);
    refresh_generated(site, None);
}

/// Renders the HTML of `ids`; returns their output paths.
pub(crate) fn render_pages(site: &mut Site, ids: &[PageId]) -> Vec<String> {
    let html: Vec<Option<Result<String, Diagnostic>>> = match &site.tools.templates {
        None => ids.iter().map(|_| None).collect(),
        Some(templates) => {
            let (config, pages, history, order, strings) = (&site.src.config, &site.src.pages, &site.src.history, &site.tools.sequences, &*site.src.strings);
            let site_ctxs = site_contexts(site);
            let easy = context::easy_read_versions(pages);
            ids.par_iter()
                .map(|&id| {
                    let s = pages.get(id);
                    let site_ctx = &site_ctxs[s.page.lang];
                    let mut page = context::page_context(config, pages, strings, history, &s.page, &s.body);
                    (page.section_nav, page.prev, page.next) = context::section_nav(config, pages, strings, order, id);
                    (page.easy_read, page.full_version) = context::versions(config, pages, &easy, &s.page);
                    if site_ctx.offline.is_some() {
                        page.offline_save = crate::offline::offer(config, &s.page);
                    }
                    let site = SiteContext { nav: page.nav.clone(), ..site_ctx.clone() };
                    let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page }));
                    Some(templates.render(context::page_template(s.page.kind), &ctx))
                })
                .collect()
        }
    };
    #[cfg(feature = "search")]
    {
        site.out.search = std::sync::OnceLock::new();
    }
    let mut paths = Vec::with_capacity(ids.len());
    for (&id, h) in ids.iter().zip(html) {
        let s = site.src.pages.get_mut(id);
        s.html = h;
        paths.push(format!("{}index.html", s.page.url));
    }
    paths
}

/// Renders `404.html` again.
pub(crate) fn render_not_found(site: &mut Site) {
    site.out.not_found = site.tools.templates.as_ref().map(|templates| {
        let (config, pages, strings) = (&site.src.config, &site.src.pages, &*site.src.strings);
        let site = SiteContext { nav: context::nav_for(config, pages, strings, None), ..site_contexts(site).swap_remove(0) };
        let ctx = Value::from(minijinja::value::Serde(PageContextRoot { site, page: context::not_found_context(config, strings) }));
        templates.render("404.html", &ctx)
    });
}

/// Makes the generated pages again (print pages only for `sections` when
/// given) and returns the output paths whose contents changed.
pub(crate) fn refresh_generated(site: &mut Site, sections: Option<&BTreeSet<PageId>>) -> Vec<String> {
    let Some(templates) = &site.tools.templates else {
        site.out.generated.clear();
        return Vec::new();
    };
    let site_ctxs = site_contexts(site);
    let input = generated::Input {
        config: &site.src.config,
        pages: &site.src.pages,
        strings: &site.src.strings,
        history: &site.src.history,
        templates,
        sites: &site_ctxs,
        resources: site.src.resources.get().map(|r| &**r),
        view_body: &|id, view| crate::parse::view_body(&site.src, &site.tools, id, view),
        rule_changes: &site.tools.rule_changes,
    };
    let new = generated::render(&input, sections);
    let old = &mut site.out.generated;
    if sections.is_none() {
        old.retain(|k, _| new.contains_key(k));
    }
    let mut changed = Vec::new();
    for (path, file) in new {
        if old.get(&path) != Some(&file) {
            changed.push(path.clone());
            old.insert(path, file);
        }
    }
    changed
}

/// Every output file (unsorted). Call only when the site has no errors.
pub(crate) fn files(site: &Site) -> Result<Vec<OutFile>, Failure> {
    let mut files: Vec<OutFile> = site.pages().states().iter().filter_map(|s| Some(OutFile { path: format!("{}index.html", s.page.url), bytes: s.output()?.as_bytes().to_vec() })).collect();
    files.extend(other_files(site));
    // A past edition (see crate::editions) has no search index of its own.
    #[cfg(feature = "search")]
    if site.src.opts.current_site.is_none() {
        files.extend(search_files(site)?.iter().cloned());
    }
    let sums: Vec<FileSum> = files.iter().map(FileSum::of).collect();
    files.extend(last_files(site, &sums));
    Ok(files)
}

/// Every output file but the pages' own HTML, the search index and
/// [`last_files`]: the 404 page, the theme's static files, content files
/// copied as they are, the calculators' rules, the generated pages and the
/// sitemap.
pub(crate) fn other_files(site: &Site) -> Vec<OutFile> {
    let (src, tools) = (&site.src, &site.tools);
    let mut files = Vec::with_capacity(tools.static_files.len() + src.assets.len() + site.out.generated.len() + 4);
    if let Some(Ok(html)) = &site.out.not_found {
        files.push(OutFile { path: "404.html".into(), bytes: html.clone().into_bytes() });
    }
    for s in &tools.static_files {
        files.push(OutFile { path: s.out.clone(), bytes: s.bytes.clone() });
    }
    for a in &src.assets {
        files.push(OutFile { path: a.rel.clone(), bytes: a.bytes.clone() });
    }
    if let Some((path, bytes)) = &tools.rules_json {
        files.push(OutFile { path: path.clone(), bytes: bytes.clone() });
    }
    for (path, g) in &site.out.generated {
        if let Ok(bytes) = g {
            files.push(OutFile { path: path.clone(), bytes: bytes.clone() });
        }
    }
    files.push(OutFile { path: "sitemap.xml".into(), bytes: context::sitemap(&src.config, &src.pages).into_bytes() });
    files
}

/// The files made from the list of every other file (`sums`): the offline
/// manifest and worker, whose table lists every file with a hash of its
/// bytes, then `_headers`, whose caching rules name the folders of them all.
pub(crate) fn last_files(site: &Site, sums: &[FileSum]) -> Vec<OutFile> {
    let (src, tools) = (&site.src, &site.tools);
    let mut files = Vec::new();
    if crate::offline::enabled(&src.config, &src.opts) {
        let worker = src.theme.files.get(crate::offline::WORKER_SOURCE).map_or(&[][..], |f| &f.bytes[..]);
        let input = crate::offline::Input {
            config: &src.config,
            pages: &src.pages,
            out: sums,
            statics: &tools.static_files,
            assets: &tools.asset_map,
            rules_json: tools.rules_json.as_ref().map(|(p, _)| p.as_str()),
            worker,
        };
        files.extend(crate::offline::files(&input));
    } else if crate::offline::removing(&src.config, &src.opts) {
        files.push(OutFile { path: crate::offline::WORKER_PATH.into(), bytes: crate::offline::REMOVER.as_bytes().to_vec() });
    }
    let headers = context::headers(&src.config.base_path, sums.iter().map(|f| f.path.as_str()).chain(files.iter().map(|f| f.path.as_str())));
    files.push(OutFile { path: "_headers".into(), bytes: headers.into_bytes() });
    files
}

/// The current contents of some output paths (pages, the 404 page, generated pages, assets).
pub(crate) fn files_at(site: &Site, paths: &BTreeSet<String>) -> Vec<OutFile> {
    let pages = &site.src.pages;
    let by_out: HashMap<String, PageId> =
        if paths.len() > 64 { pages.iter().map(|(id, s)| (format!("{}index.html", s.page.url), id)).collect() } else { HashMap::new() };
    let mut out = Vec::new();
    for path in paths {
        let page = by_out.get(path).copied().or_else(|| {
            let url = path.strip_suffix("index.html")?;
            pages.iter().find(|(_, s)| s.page.url == url).map(|(id, _)| id)
        });
        let bytes = if let Some(g) = site.out.generated.get(path) {
            g.as_ref().ok().cloned()
        } else if path == "404.html" {
            site.out.not_found.as_ref().and_then(|h| h.as_ref().ok()).map(|h| h.clone().into_bytes())
        } else if let Some(id) = page {
            pages.get(id).output().map(|h| h.as_bytes().to_vec())
        } else {
            site.src.assets.iter().find(|a| &a.rel == path).map(|a| a.bytes.clone())
        };
        if let Some(bytes) = bytes {
            out.push(OutFile { path: path.clone(), bytes });
        }
    }
    out
}

/// The problems rendering found: templates that failed on a page.
pub(crate) fn problems(site: &Site) -> impl Iterator<Item = &Diagnostic> {
    let pages = site.pages().states().iter().filter_map(|s| s.html.as_ref()?.as_ref().err());
    let not_found = site.out.not_found.iter().filter_map(|h| h.as_ref().err());
    pages.chain(not_found).chain(site.out.generated.values().filter_map(|g| g.as_ref().err()))
}

/// The search index of the pages as they are now (see [`crate::search`]).
#[cfg(feature = "search")]
pub(crate) fn search_files(site: &Site) -> Result<&[OutFile], Failure> {
    let made = site.out.search.get_or_init(|| {
        let base = &site.src.config.base_path;
        let pages = site
            .pages()
            .states()
            .iter()
            .filter_map(|s| Some(crate::search::Page { url: format!("{base}{}", s.page.url), html: s.output()? }))
            .collect();
        let languages: Vec<&str> = site.src.config.languages.iter().map(|l| l.code.as_str()).collect();
        crate::search::index(pages, &languages)
    });
    made.as_deref().map_err(|e| Failure::Error(crate::Error::Usage(e.clone())))
}
