//! Stage 2, **parse**: every page's Markdown body becomes HTML, with its
//! headings, ids, links, function calls and prose recorded for the checks.
//!
//! [`parse`] takes the loaded [`Sources`], prepares what bodies need (the
//! theme's templates and hashed static file names, the page functions
//! `{{ timescale(…) }}`, `{{ calculator(…) }}`…, the link targets, the
//! glossary linker, each section's reading order) as [`Tools`], and parses every page body with
//! [`crate::markdown`]. Nothing here reads the disk.

pub(crate) mod call;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::plain::Readability;
use crate::diag::Diagnostic;
use crate::glossary::{Glossary, Linker};
use crate::load::Sources;
use crate::markdown::{self, Rendered, Resolver};
use crate::render::{PageFunctions, Templates};
use crate::site::{PageId, Sequences, Site};
use crate::theme::{StaticFile, Theme};

/// What bodies and pages are made with.
#[derive(Debug)]
pub(crate) struct Tools {
    /// The theme's static files with their hashed output names.
    pub static_files: Vec<StaticFile>,
    /// Static file path in the theme → its hashed output path.
    pub asset_map: BTreeMap<String, String>,
    /// The theme's templates (None when they have problems: see `template_diags`),
    /// shared with the page functions and the Markdown renderer, which render partials.
    pub templates: Option<Arc<Templates>>,
    /// The templates' problems.
    pub template_diags: Vec<Diagnostic>,
    /// The rules as the browser calculators read them (output path, JSON), when
    /// the site has calculators.
    pub rules_json: Option<(String, Vec<u8>)>,
    /// The functions a page may call.
    pub functions: PageFunctions,
    /// Links glossary terms to the page that shows the glossary.
    pub linker: Option<Linker>,
    /// Content path → site address, for the links between files.
    pub urls: HashMap<String, String>,
    /// The banner every page carries when the site shows another day's rules.
    pub banner: Option<crate::asat::Banner>,
    /// Rule changes in force by the as-at day, for /updates/ and the feed.
    pub rule_changes: Vec<crate::asat::RuleChange>,
    /// Each section's pages in reading order, for the section navigation
    /// and previous/next (made again by `serve` when the order may change).
    pub sequences: Sequences,
    /// The theme's picture library, for `picture:` images.
    pub pictures: crate::pictures::Pictures,
    /// The site's language codes, default first.
    pub language_codes: Vec<String>,
}

/// Compiles the theme's templates; their problems, if any, instead.
pub(crate) fn templates(theme: &Theme, asset_map: &BTreeMap<String, String>, base_path: &str, strings: &Arc<crate::i18n::Strings>) -> (Option<Arc<Templates>>, Vec<Diagnostic>) {
    match Templates::new(theme, asset_map.clone(), base_path, strings.clone()) {
        Ok(t) => (Some(Arc::new(t)), Vec::new()),
        Err(d) => (None, d),
    }
}

/// The published URL of a theme static file, or empty if the theme lacks it.
fn asset_url(base_path: &str, assets: &BTreeMap<String, String>, name: &str) -> String {
    assets.get(name).map(|p| format!("{base_path}{p}")).unwrap_or_default()
}

/// Parses every page's body: the site, ready to render.
pub(crate) fn parse(mut src: Sources) -> Site {
    let config = &src.config;
    let (static_files, asset_map) = src.theme.static_files();
    let (templates, template_diags) = templates(&src.theme, &asset_map, &config.base_path, &src.strings);
    // The browser calculators read the rules as JSON, published under a
    // content-hashed name like the theme's static files.
    let rules = src.rules.get().cloned();
    let rules_json = rules.as_deref().filter(|r| !r.engine().calculators().is_empty()).map(|r| {
        let bytes = r.browser_json().into_bytes();
        (format!("static/{}", crate::theme::hashed_name("rules.json", &bytes)), bytes)
    });
    let calculator_assets = crate::calculator::Assets {
        glue: asset_url(&config.base_path, &asset_map, "calculator/waymark_calculator.js"),
        wasm: asset_url(&config.base_path, &asset_map, "calculator/waymark_calculator_bg.wasm"),
        rules: rules_json.as_ref().map(|(p, _)| format!("{}{p}", config.base_path)).unwrap_or_default(),
    };
    let glossary: Arc<Glossary> = src.glossary.get().cloned().unwrap_or_default();
    let languages = crate::render::Languages { wordings: src.wordings.clone(), strings: src.strings.clone(), codes: config.languages.iter().map(|l| l.code.clone()).collect() };
    let functions = PageFunctions::new(rules, glossary.clone(), calculator_assets, src.resources.get().cloned(), templates.clone(), languages).with_base_path(&config.base_path).with_failed_data(src.rules.failed(), src.resources.failed());
    let urls = crate::load::link_targets(&src.pages, &src.assets);
    let linker = src.pages.glossary_page().and_then(|id| {
        let p = &src.pages.get(id).page;
        Linker::new(&glossary, p.rel.clone(), format!("{}{}", config.base_path, p.url))
    });
    let opts = &src.opts;
    let banner = opts.as_at.map(|d| crate::asat::Banner { current_path: opts.current_site.clone(), edition_path: opts.current_site.as_ref().map(|_| config.base_path.clone()), ..crate::asat::Banner::for_day(d) });
    let rule_changes = src.rules.get().map(|r| crate::asat::rule_changes(r.engine(), r.as_at())).unwrap_or_default();
    let sequences = Sequences::new(config, &src.pages);
    let pictures = crate::pictures::Pictures::new(&asset_map, &config.base_path, &src.picture_alts);
    let language_codes = config.languages.iter().map(|l| l.code.clone()).collect();
    let tools = Tools { static_files, asset_map, templates, template_diags, rules_json, functions, linker, urls, banner, rule_changes, sequences, pictures, language_codes };
    let all: Vec<PageId> = src.pages.ids().collect();
    for (id, (body, readability)) in all.iter().zip(bodies(&src, &tools, &all)) {
        let s = src.pages.get_mut(*id);
        s.body = body;
        s.readability = readability;
    }
    Site { src, tools, out: Default::default(), fragments: Vec::new(), checks: Vec::new() }
}

fn resolver<'a>(src: &'a Sources, tools: &'a Tools, source_headings: Option<&'a HashMap<String, Vec<(u8, String)>>>) -> Resolver<'a> {
    Resolver {
        urls: &tools.urls,
        drafts: &src.pages.drafts,
        base_path: &src.config.base_path,
        glossary: tools.linker.as_ref(),
        templates: tools.templates.as_deref(),
        pictures: Some(&tools.pictures),
        languages: &tools.language_codes,
        source_headings,
        strings: Some(&src.strings),
    }
}

/// The heading ids (level, id) of every page that has a translation, from
/// its body as parsed (`fresh` first, then the site's).
fn source_headings(src: &Sources, fresh: &HashMap<PageId, &Rendered>) -> HashMap<String, Vec<(u8, String)>> {
    src.pages
        .pages()
        .filter_map(|p| p.source.as_deref())
        .filter_map(|s| {
            let id = src.pages.id(s)?;
            let body = fresh.get(&id).copied().unwrap_or(&src.pages.get(id).body);
            Some((s.to_owned(), body.headings.iter().map(|h| (h.level, h.id.clone())).collect()))
        })
        .collect()
}

/// A page's body as one audience's view of it shows it (the resources list
/// with that audience's rows only), for the per-audience pages.
pub(crate) fn view_body(src: &Sources, tools: &Tools, id: PageId, view: &crate::resources::View) -> Rendered {
    let page = &src.pages.get(id).page;
    // Only a translation takes its source's heading ids.
    let headings = if page.source.is_some() { source_headings(src, &HashMap::new()) } else { HashMap::new() };
    markdown::render(page, &resolver(src, tools, Some(&headings)), &tools.functions.in_view(view))
}

/// The bodies of some pages, parsed again (for `waymark serve`), with their
/// readability where the plain-language checks apply.
pub(crate) fn bodies(src: &Sources, tools: &Tools, ids: &[PageId]) -> Vec<(Rendered, Option<Readability>)> {
    let plain = &src.config.check.plain_audiences;
    let one = |resolver: &Resolver, id: PageId| {
        let page = &src.pages.get(id).page;
        let body = markdown::render(page, resolver, &tools.functions);
        // The reading-age formulas are made for English.
        let readability = if page.lang != 0 {
            None
        } else if page.front.format == crate::load::Format::EasyRead {
            crate::check::easy_read::readability(&body)
        } else {
            page.front.audience.iter().any(|a| plain.contains(a)).then(|| crate::check::plain::readability(&body)).flatten()
        };
        (body, readability)
    };
    // The default language's pages first: translations take their heading ids.
    type Places = Vec<(usize, PageId)>;
    let (first, later): (Places, Places) = ids.iter().copied().enumerate().partition(|(_, id)| src.pages.get(*id).page.source.is_none());
    let resolver = resolver(src, tools, None);
    let mut out: Vec<Option<(Rendered, Option<Readability>)>> = (0..ids.len()).map(|_| None).collect();
    let made: Vec<_> = first.par_iter().map(|&(_, id)| one(&resolver, id)).collect();
    if !later.is_empty() {
        let fresh: HashMap<PageId, &Rendered> = first.iter().zip(&made).map(|((_, id), (b, _))| (*id, b)).collect();
        let headings = source_headings(src, &fresh);
        let resolver = self::resolver(src, tools, Some(&headings));
        let translated: Vec<_> = later.par_iter().map(|&(_, id)| one(&resolver, id)).collect();
        for ((i, _), r) in later.iter().zip(translated) {
            out[*i] = Some(r);
        }
    }
    for ((i, _), r) in first.iter().zip(made) {
        out[*i] = Some(r);
    }
    out.into_iter().map(|r| r.expect("every page is parsed")).collect()
}
