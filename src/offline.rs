//! Offline use: the web app manifest, the service worker and its lists of
//! files, the offer to save an audience's pages, and the offline page.
//!
//! The worker (`sw.js`, at the site's base path so that its scope is the
//! whole site) is the theme's `worker/sw.js` with one line put in front of
//! it: `self.WAYMARK = {…}`, the build's table of files. Every output file
//! but `sw.js` and `_headers` is in the table with a hash of its bytes and
//! its size, so the worker knows which cached copies are still this
//! build's, and the same input still gives the same bytes. The table also
//! holds:
//!
//! - `shell`: what the worker keeps as soon as it is installed, without
//!   asking: the theme's styles, scripts and pictures, the manifest and the
//!   offline page;
//! - `lists`: for each audience, what "Save … on this phone" downloads: the
//!   shell, every page for that audience and its list page, the home and
//!   search pages, the calculators (engine, glue, rules) and the whole
//!   search index. Each list states its size, the sum of the exact bytes of
//!   its files, and that figure rounded in words ("about 1.2 MB"), which
//!   the page shows before saving starts.
//!
//! The size is not written into the pages themselves (a page's bytes would
//! then depend on a total that includes them): the page asks the worker.
//!
//! Nothing here is made for `waymark serve` (a worker would keep serving old
//! previews; the preview server answers `sw.js` with one that removes
//! itself) nor for past editions, which live inside the current site's scope.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::load::{Page, PageKind};
use crate::site::{BuildOptions, FileSum, OutFile, Pages};
use crate::theme::StaticFile;

/// The worker, at the top of the site.
pub(crate) const WORKER_PATH: &str = "sw.js";
/// The web app manifest.
pub(crate) const MANIFEST_PATH: &str = "manifest.webmanifest";
/// The page the worker answers with for a page that is not saved.
pub(crate) const OFFLINE_URL: &str = "offline/";
/// The worker's code in the theme.
pub(crate) const WORKER_SOURCE: &str = "worker/sw.js";

/// The worker written when offline use is off (and answered by `waymark
/// serve`): it deletes the caches, unregisters itself and reloads the tabs
/// it had, so a phone that kept pages of an earlier build stops using them.
pub(crate) const REMOVER: &str = "// No offline worker here: this one removes the saved pages and itself.\nself.addEventListener('install', function () { self.skipWaiting(); });\nself.addEventListener('activate', function (event) {\n  event.waitUntil(caches.keys().then(function (names) { return Promise.all(names.map(function (n) { return caches.delete(n); })); })\n    .then(function () { return self.registration.unregister(); })\n    .then(function () { return self.clients.matchAll({ type: 'window' }); })\n    .then(function (tabs) { tabs.forEach(function (t) { t.navigate(t.url); }); }));\n});\n";

/// Whether this build writes [`REMOVER`] as its worker: offline use is off
/// in site.toml (not in the preview, nor in a past edition).
pub(crate) fn removing(config: &SiteConfig, opts: &BuildOptions) -> bool {
    !config.offline.enabled && !opts.preview && opts.current_site.is_none()
}

/// Whether this build makes the worker, the manifest and the offers.
pub(crate) fn enabled(config: &SiteConfig, opts: &BuildOptions) -> bool {
    config.offline.enabled && !opts.preview && opts.current_site.is_none()
}

/// `site.offline`: what every page needs to register the worker and show
/// the notices (None when offline use is off).
#[derive(Serialize, Clone, Debug)]
pub(crate) struct SiteOffline {
    pub worker_url: String,
    /// The worker's scope: the site's base path.
    pub scope: String,
    pub manifest_url: String,
    pub offline_url: String,
    /// The names of this site's caches start with this (the remove button
    /// deletes them).
    pub cache_prefix: String,
    /// The day this version of the site is of (the content's date: the
    /// newest change note, review or commit; never the clock), in words and
    /// as `YYYY-MM-DD`; None when the content has no dates.
    pub saved_on: Option<String>,
    pub saved_on_iso: Option<String>,
}

/// The names of a site's caches start with this.
pub(crate) fn cache_prefix(base_path: &str) -> String {
    format!("waymark:{base_path}:")
}

pub(crate) fn site_context(config: &SiteConfig, pages: &Pages, history: &crate::history::History) -> SiteOffline {
    let base = &config.base_path;
    let day = crate::asat::content_date(pages, history);
    SiteOffline {
        worker_url: format!("{base}{WORKER_PATH}"),
        scope: base.clone(),
        manifest_url: format!("{base}{MANIFEST_PATH}"),
        offline_url: format!("{base}{OFFLINE_URL}"),
        cache_prefix: cache_prefix(base),
        saved_on: day.map(timescales::date::day_month_year),
        saved_on_iso: day.map(|d| d.to_string()),
    }
}

/// `page.offline_save`: the offer on a page to save its audience's pages.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Offer {
    /// The list to save: an audience id.
    pub list: String,
    /// The audience's label ("Parents and carers").
    pub label: String,
    /// A family audience (site.toml `[check] plain_audiences`): the offer
    /// speaks to a parent or young person and says what the saved pages
    /// mean for their safety.
    pub family: bool,
}

/// The offer a page makes, if any: pages (and sections) whose audiences
/// are all families or all not, saving the first audience's list. The home
/// page, pages for both (the glossary, "about") and the safety page, where
/// saved pages are removed, make none.
pub(crate) fn offer(config: &SiteConfig, p: &Page) -> Option<Offer> {
    if p.kind == PageKind::Home || config.safety_page.as_deref() == Some(p.rel.as_str()) {
        return None;
    }
    let plain = &config.check.plain_audiences;
    let known: Vec<&crate::config::Audience> = p.front.audience.iter().filter_map(|a| config.audience(a)).collect();
    let first = known.first()?;
    let family = plain.contains(&first.id);
    if known.iter().any(|a| plain.contains(&a.id) != family) {
        return None;
    }
    Some(Offer { list: first.id.clone(), label: first.label.clone(), family })
}

/// One file in the worker's table: its address, the first 16 hex digits of
/// the xxh3 hash of its bytes, its size, and 1 when its name carries a hash
/// (it never changes, so a cached copy is used without asking).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry(pub String, pub String, pub u64, pub u8);

/// An audience's save list.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct List {
    pub label: String,
    pub family: bool,
    /// Indexes into `files`, in order.
    pub files: Vec<usize>,
    /// How many of them are pages.
    pub pages: usize,
    /// The sum of their sizes, and the same in words ("about 1.2 MB").
    pub bytes: u64,
    pub size: String,
}

/// What the worker is told: `self.WAYMARK`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    /// A hash of everything below and of the worker's code: names this
    /// build's cache.
    pub version: String,
    pub base: String,
    pub cache_prefix: String,
    pub offline: String,
    pub files: Vec<Entry>,
    pub shell: Vec<usize>,
    pub lists: BTreeMap<String, List>,
}

/// A size in words, as the offer states it: "about 1.2 MB", "about 340 KB"
/// (decimal units, as phones count data).
pub(crate) fn size_words(bytes: u64) -> String {
    if bytes >= 999_500 {
        let tenths = (bytes + 50_000) / 100_000;
        format!("about {}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("about {} KB", bytes.div_ceil(1000).max(1))
    }
}

/// The address of an output file: `a/index.html` → `/base/a/`.
fn url_of(base: &str, path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{base}{dir}"),
        _ => format!("{base}{path}"),
    }
}

/// What a file is for, in the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Shell,
    /// The calculators' engine, glue and rules.
    Calculator,
    /// The search index and the search page.
    Search,
    /// A page for some audiences.
    Page,
    /// Anything else (other pages, feeds, content files): cached when opened.
    Other,
}

/// What [`files`] is made from.
pub(crate) struct Input<'a> {
    pub config: &'a SiteConfig,
    pub pages: &'a Pages,
    /// Every output file so far (all but the worker and `_headers`).
    pub out: &'a [FileSum],
    pub statics: &'a [StaticFile],
    /// The theme's file name → its hashed output path.
    pub assets: &'a BTreeMap<String, String>,
    pub rules_json: Option<&'a str>,
    pub worker: &'a [u8],
}

/// The manifest and the worker: the files to add to the output.
pub(crate) fn files(input: &Input) -> Vec<OutFile> {
    let manifest = OutFile { path: MANIFEST_PATH.into(), bytes: manifest(input.config, input.assets).into_bytes() };
    let manifest_sum = FileSum::of(&manifest);
    let mut all: Vec<&FileSum> = input.out.iter().chain(std::iter::once(&manifest_sum)).collect();
    all.sort_by(|a, b| a.path.cmp(&b.path));
    let table = table(input, &all);
    let json = serde_json::to_string(&table).expect("the table serialises");
    let mut sw = String::from(
        "// Made by waymark at build time: this build's files, each with a hash of its bytes and its size,\n// and what each audience's \"Save\" keeps. The worker's code follows (themes/default/worker/sw.js).\n",
    );
    sw.push_str("self.WAYMARK = ");
    sw.push_str(&json);
    sw.push_str(";\n\n");
    let mut bytes = sw.into_bytes();
    bytes.extend_from_slice(input.worker);
    vec![manifest, OutFile { path: WORKER_PATH.into(), bytes }]
}

fn table(input: &Input, all: &[&FileSum]) -> Table {
    let config = input.config;
    let base = &config.base_path;
    let calculator_files: Vec<&str> =
        input.statics.iter().filter(|s| s.theme_path.starts_with("static/calculator/")).map(|s| s.out.as_str()).chain(input.rules_json).collect();
    let page_audiences: BTreeMap<String, &Vec<String>> = input.pages.pages().map(|p| (format!("{}index.html", p.url), &p.front.audience)).collect();
    let offline_page = format!("{OFFLINE_URL}index.html");
    let search_page = format!("{}index.html", crate::render::SEARCH_URL);
    let role = |path: &str| -> Role {
        if calculator_files.contains(&path) {
            Role::Calculator
        } else if path.starts_with("static/") || path == MANIFEST_PATH || path == offline_page {
            Role::Shell
        } else if path.starts_with("pagefind/") || path == search_page {
            Role::Search
        } else if page_audiences.contains_key(path) {
            Role::Page
        } else {
            Role::Other
        }
    };
    let mut files = Vec::with_capacity(all.len());
    let mut roles = Vec::with_capacity(all.len());
    for f in all {
        let hash = format!("{:016x}", f.hash);
        files.push(Entry(url_of(base, &f.path), hash, f.len, u8::from(crate::render::hashed_path(&f.path))));
        roles.push(role(&f.path));
    }
    let shell: Vec<usize> = (0..all.len()).filter(|&i| roles[i] == Role::Shell).collect();
    let mut lists = BTreeMap::new();
    let plain = &config.check.plain_audiences;
    for a in &config.audiences {
        let own_list = format!("{}index.html", crate::render::audience_url(&a.id));
        let home = "index.html";
        let mut idx = Vec::new();
        let mut pages = 0;
        for (i, f) in all.iter().enumerate() {
            let for_a = roles[i] == Role::Page && page_audiences.get(&f.path).is_some_and(|aud| aud.contains(&a.id));
            let page = for_a || f.path == own_list || f.path == home || f.path == search_page || f.path == offline_page;
            if page || matches!(roles[i], Role::Shell | Role::Calculator | Role::Search) {
                idx.push(i);
                pages += usize::from(page);
            }
        }
        if !all.iter().zip(&roles).any(|(f, r)| *r == Role::Page && page_audiences.get(&f.path).is_some_and(|aud| aud.contains(&a.id))) {
            continue;
        }
        let bytes = idx.iter().map(|&i| files[i].2).sum();
        lists.insert(a.id.clone(), List { label: a.label.clone(), family: plain.contains(&a.id), files: idx, pages, bytes, size: size_words(bytes) });
    }
    let mut table = Table {
        version: String::new(),
        base: base.clone(),
        cache_prefix: cache_prefix(base),
        offline: format!("{base}{OFFLINE_URL}"),
        files,
        shell,
        lists,
    };
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(serde_json::to_string(&table).expect("the table serialises").as_bytes());
    h.update(input.worker);
    table.version = format!("{:016x}", h.digest());
    table
}

/// The web app manifest: the name, the colours, the icons the theme has
/// (`images/icon-192.png`, `images/icon-512.png`, `images/icon.svg`), and
/// the start address and scope at the site's base path.
fn manifest(config: &SiteConfig, assets: &BTreeMap<String, String>) -> String {
    let base = &config.base_path;
    let mut icons = Vec::new();
    for (name, sizes, kind, purpose) in [
        ("images/icon-192.png", "192x192", "image/png", "any"),
        ("images/icon-512.png", "512x512", "image/png", "any"),
        ("images/icon-512.png", "512x512", "image/png", "maskable"),
        ("images/icon.svg", "any", "image/svg+xml", "any"),
    ] {
        if let Some(p) = assets.get(name) {
            icons.push(serde_json::json!({ "src": format!("{base}{p}"), "sizes": sizes, "type": kind, "purpose": purpose }));
        }
    }
    let m = serde_json::json!({
        "id": base,
        "name": config.title,
        "short_name": config.offline.short_name.as_deref().unwrap_or(&config.title),
        "lang": config.language,
        "start_url": base,
        "scope": base,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": config.offline.theme_color,
        "icons": icons,
    });
    let mut s = serde_json::to_string_pretty(&m).expect("the manifest serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_rounded_in_words() {
        assert_eq!(size_words(1_849_999), "about 1.8 MB");
        assert_eq!(size_words(1_850_000), "about 1.9 MB");
        assert_eq!(size_words(999_400), "about 1000 KB");
        assert_eq!(size_words(999_500), "about 1.0 MB");
        assert_eq!(size_words(341_200), "about 342 KB");
        assert_eq!(size_words(10), "about 1 KB");
    }

    #[test]
    fn pages_are_addressed_by_their_folder() {
        assert_eq!(url_of("/cp/", "index.html"), "/cp/");
        assert_eq!(url_of("/cp/", "parents/x/index.html"), "/cp/parents/x/");
        assert_eq!(url_of("/", "404.html"), "/404.html");
        assert_eq!(url_of("/", "static/css/site.0123456789.css"), "/static/css/site.0123456789.css");
    }
}
