//! Link checking of the output with lychee-lib (feature `links`), for
//! `waymark check`.
//!
//! The rendered site is written to a temporary folder; lychee's collector
//! reads every HTML file of it, so links made by the templates (navigation,
//! breadcrumbs, assets, footer) are checked as well as those in the pages.
//! `file://` targets must exist (a folder needs its `index.html`) and every
//! `#fragment` must be an id of its target. With `--external`, http(s) links
//! are checked too, each URL once, with a timeout and a cache file
//! ([`CACHE_FILE`]); their failures are warnings.
//!
//! Each failure is mapped back to the Markdown source when the link is one of
//! the page's own links (the [`LinkRef`](crate::markdown::LinkRef)s recorded
//! while parsing, or for external links the URL's text in the page); otherwise
//! it is reported against the page file with a note that a template made it.
//! The renderer already rejects broken links written in the Markdown, so in a
//! site that renders this pass finds template and asset links, and is an
//! independent second check of the rest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt as _;
use lychee_lib::{BaseInfo, ClientBuilder, Collector, FileType, FragmentCheckerOptions, Input, InputSource, Request, ResolvedInputSource, Status};

use crate::Error;
use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, display_path};
use crate::site::{OutFile, PageId, Pages};

/// The cache of external link results, in the site root.
pub const CACHE_FILE: &str = ".waymark-link-cache";

/// How to check links.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also check http(s) links.
    pub external: bool,
    /// Time allowed for one external request.
    pub timeout: Duration,
    /// How long a cached external result is reused.
    pub cache_age: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { external: false, timeout: Duration::from_secs(10), cache_age: Duration::from_secs(24 * 60 * 60) }
    }
}

/// What the link checker needs from a rendered site.
#[derive(Debug)]
pub struct Site<'a> {
    /// The configuration (root, base URL and path).
    pub config: &'a SiteConfig,
    /// The pages, with their parsed bodies and links.
    pub(crate) pages: &'a Pages,
    /// Every output file.
    pub files: &'a [OutFile],
}

/// Removes the temporary output when dropped.
struct TempOut(PathBuf);

impl Drop for TempOut {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// Checks every link of the output; returns the problems found (errors for
/// the site's own links, warnings for external ones).
pub fn check(site: &Site<'_>, opts: &Options) -> Result<Vec<Diagnostic>, Error> {
    let tmp = TempOut(std::env::temp_dir().join(format!("waymark-links-{}-{}", std::process::id(), unique())));
    // Root-relative links carry the base path: the site goes under it, so
    // that `/procedures/x/` resolves from the temporary root.
    let site_dir = tmp.0.join(site.config.base_path.trim_matches('/'));
    crate::write::write_tree(&site_dir, site.files)?;
    let html: Vec<PathBuf> = site.files.iter().filter(|f| f.path.ends_with(".html")).map(|f| site_dir.join(&f.path)).collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(io(&tmp.0))?;
    let requests = rt.block_on(collect(&tmp.0, html)).map_err(|e| lychee_error(&tmp.0, &e))?;
    let map = Mapper::new(site, &site_dir);
    let mut diags = Vec::new();

    // The site's own files: every distinct target checked once.
    let client = ClientBuilder::builder()
        .index_files(Some(vec!["index.html".to_owned()]))
        .fragment_checker_options(FragmentCheckerOptions { check_anchor_fragments: true, check_text_fragments: false })
        .include_mail(false)
        .build()
        .client()
        .map_err(|e| lychee_error(&tmp.0, &e))?;
    let mut local: BTreeMap<String, Vec<&Request>> = BTreeMap::new();
    let mut external: BTreeMap<String, Vec<&Request>> = BTreeMap::new();
    for r in &requests {
        match r.uri.scheme() {
            "file" => local.entry(r.uri.as_str().to_owned()).or_default().push(r),
            "http" | "https" if opts.external && !r.uri.as_str().starts_with(&site.config.base_url) => {
                external.entry(r.uri.as_str().to_owned()).or_default().push(r);
            }
            _ => {}
        }
    }
    for reqs in local.into_values() {
        let status = rt.block_on(client.check_file(&reqs[0].uri));
        if status.is_success() || status.is_excluded() {
            continue;
        }
        for r in reqs {
            diags.push(map.local(r));
        }
    }

    if !external.is_empty() {
        let cache_path = site.config.root.join(CACHE_FILE);
        let mut cache = Cache::load(&cache_path);
        let now = now();
        let client = ClientBuilder::builder()
            .timeout(Some(opts.timeout))
            .max_retries(1u64)
            .retry_wait_time(Duration::from_millis(200))
            .build()
            .client()
            .map_err(|e| lychee_error(&tmp.0, &e))?;
        for (url, reqs) in external {
            let entry = match cache.fresh(&url, now, opts.cache_age) {
                Some(e) => e.clone(),
                None => {
                    let response = rt.block_on(client.check(reqs[0].clone())).map_err(|e| lychee_error(&tmp.0, &e))?;
                    let status = response.status();
                    let e = Entry {
                        ok: status.is_success() || status.is_excluded() || status.is_unsupported(),
                        status: status.code().map(|c| c.as_u16()),
                        message: status_text(status),
                        checked: now,
                    };
                    cache.entries.insert(url.clone(), e.clone());
                    e
                }
            };
            if !entry.ok {
                for r in reqs {
                    diags.push(map.external(r, &url, &entry.message));
                }
            }
        }
        cache.save(&cache_path)?;
    }
    Ok(diags)
}

fn status_text(s: &Status) -> String {
    match s {
        Status::Ok(code) | Status::UnknownStatusCode(code) => match code.canonical_reason() {
            Some(r) => format!("{} {r}", code.as_u16()),
            None => code.as_u16().to_string(),
        },
        Status::Timeout(_) => "no answer before the timeout".to_owned(),
        Status::Error(e) => match s.code() {
            Some(code) => format!("{} {}", code.as_u16(), code.canonical_reason().unwrap_or_default()).trim_end().to_owned(),
            None => e.to_string(),
        },
        other => other.to_string(),
    }
}

/// A number unique within this process, for the temporary folder's name.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn lychee_error(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Io { path: path.to_path_buf(), source: std::io::Error::other(format!("link checker: {e}")) }
}

/// Every link of every HTML file under `root`.
async fn collect(root: &Path, html: Vec<PathBuf>) -> Result<Vec<Request>, lychee_lib::ErrorKind> {
    let inputs: HashSet<Input> = html.into_iter().map(|p| Input { source: InputSource::FsPath(p), file_type_hint: Some(FileType::Html) }).collect();
    let collector = Collector::new(Some(root.to_path_buf()), BaseInfo::none())?.skip_hidden(false).skip_ignored(false);
    let mut stream = std::pin::pin!(collector.collect_links(inputs));
    let mut out = Vec::new();
    while let Some(r) = stream.next().await {
        // A link lychee cannot even parse is left to the renderer's checks.
        if let Ok(r) = r {
            out.push(r);
        }
    }
    out.sort_by(|a, b| (source_path(a), a.span.map(|s| (s.line, s.column))).cmp(&(source_path(b), b.span.map(|s| (s.line, s.column)))));
    Ok(out)
}

/// The request's URL (lychee keeps its own private).
fn parse(r: &Request) -> url::Url {
    url::Url::parse(r.uri.as_str()).unwrap_or_else(|_| url::Url::parse("about:blank").expect("a valid URL"))
}

fn source_path(r: &Request) -> Option<&Path> {
    match &r.source {
        ResolvedInputSource::FsPath(p) => Some(p),
        _ => None,
    }
}

/// Maps output files and links back to the pages and their sources.
struct Mapper<'a> {
    site: &'a Site<'a>,
    site_dir: &'a Path,
    by_out: HashMap<String, PageId>,
}

impl<'a> Mapper<'a> {
    fn new(site: &'a Site<'a>, site_dir: &'a Path) -> Self {
        let by_out = site.pages.iter().map(|(id, s)| (format!("{}index.html", s.page.url), id)).collect();
        Mapper { site, site_dir, by_out }
    }

    /// The output path (`a/b/index.html`) of a file under the site folder.
    fn out_path(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(self.site_dir).ok()?;
        Some(display_path(rel))
    }

    /// The page a link was found in, and its output path.
    fn source(&self, r: &Request) -> (Option<PageId>, String) {
        let out = source_path(r).and_then(|p| self.out_path(p)).unwrap_or_default();
        (self.by_out.get(&out).copied(), out)
    }

    /// Where the link was in the output, for the note.
    fn output_pos(r: &Request, out: &str) -> String {
        match r.span {
            Some(s) => match s.column {
                Some(c) => format!("{out}:{}:{c}", s.line),
                None => format!("{out}:{}", s.line),
            },
            None => out.to_owned(),
        }
    }

    /// The link as written in the output (read back at its position), or
    /// its URL made relative to the site.
    fn shown(&self, r: &Request) -> String {
        if let (Some(path), Some(span)) = (source_path(r), r.span)
            && let Some(col) = span.column
            && let Ok(text) = std::fs::read_to_string(path)
            && let Some(line) = text.lines().nth(span.line.get() - 1)
        {
            let written: String = line.chars().skip(col.get() - 1).take_while(|c| !matches!(c, '"' | '\'' | '>' | '<') && !c.is_whitespace()).collect();
            if !written.is_empty() {
                return written;
            }
        }
        let url = parse(r);
        if let Ok(p) = url.to_file_path()
            && let Some(rel) = self.out_path(&p)
        {
            let mut s = format!("{}{rel}", self.site.config.base_path);
            if url.path().ends_with('/') && !s.ends_with('/') {
                s.push('/');
            }
            if let Some(f) = url.fragment() {
                s.push('#');
                s.push_str(f);
            }
            return s;
        }
        r.uri.as_str().to_owned()
    }

    /// A broken link to the site's own files.
    fn local(&self, r: &Request) -> Diagnostic {
        let (page, out) = self.source(r);
        let shown = self.shown(r);
        let url = parse(r);
        let frag = url.fragment().filter(|f| !f.is_empty());
        let mut target_url = url.clone();
        target_url.set_fragment(None);
        let target_path = target_url.to_file_path().ok();
        let target_out = target_path.as_deref().and_then(|p| {
            let rel = self.out_path(p)?;
            Some(if rel.is_empty() || p.is_dir() || url.path().ends_with('/') {
                format!("{}{}index.html", rel, if rel.is_empty() || rel.ends_with('/') { "" } else { "/" })
            } else {
                rel
            })
        });
        let target_exists = target_out.as_ref().is_some_and(|t| self.site.files.iter().any(|f| &f.path == t));
        let (code, message) = match frag {
            Some(f) if target_exists => (Code::BrokenFragment, format!("the link `{shown}` goes to a page with no heading or anchor `#{f}`")),
            _ => (Code::BrokenLink, format!("the link `{shown}` goes to nothing in the built site")),
        };
        // One of the page's own Markdown links?
        let target_page = target_out.as_ref().and_then(|t| self.by_out.get(t)).copied();
        if let (Some(pi), Some(tp)) = (page, target_page) {
            let pages = self.site.pages;
            let found = pages.get(pi).body.links.iter().find(|l| pages.id(&l.target) == Some(tp) && l.fragment.as_deref().filter(|f| !f.is_empty()) == frag);
            if let Some(l) = found {
                return Diagnostic::error(code, message).at(&pages.get(pi).page.src, l.offset);
            }
        }
        self.place(Diagnostic::error(code, message), r, page, &out, &shown)
    }

    /// A failed external link.
    fn external(&self, r: &Request, url: &str, why: &str) -> Diagnostic {
        let (page, out) = self.source(r);
        let shown = self.shown(r);
        let d = Diagnostic::warning(Code::ExternalLink, format!("the external link `{shown}` did not work: {why}"))
            .with_help(format!("check the address in a browser; if it has moved, link to its new address (results are kept in {CACHE_FILE})"));
        let written = if url.starts_with(&shown) { shown.clone() } else { url.to_owned() };
        self.place(d, r, page, &out, &written)
    }

    /// Puts a diagnostic at the Markdown that wrote the link (`written`, as
    /// it appears in the output) when a page's text has it: the page the link
    /// was found on, or for pages that are not a page's own output (the
    /// print version, 404.html) any page. Otherwise it belongs to a template:
    /// the page's file, or the output file, with a note saying so.
    fn place(&self, d: Diagnostic, r: &Request, page: Option<PageId>, out: &str, written: &str) -> Diagnostic {
        let pages = self.site.pages;
        let in_body = |pi: PageId| {
            let p = &pages.get(pi).page;
            let text = p.src.text();
            let start = p.body_start.min(text.len());
            let plain = written.replace("&amp;", "&");
            [written, plain.as_str()].into_iter().filter(|w| !w.is_empty()).find_map(|w| text[start..].find(w)).map(|o| o + start)
        };
        let found = match page {
            Some(pi) => in_body(pi).map(|o| (pi, o)),
            None => pages.ids().find_map(|pi| in_body(pi).map(|o| (pi, o))),
        };
        if let Some((pi, offset)) = found {
            return d.at(&pages.get(pi).page.src, offset);
        }
        let note = format!("the link is not in a page's Markdown: a template of the theme made it (in {})", Self::output_pos(r, out));
        match page {
            Some(pi) => d.in_file(pages.get(pi).page.src.path().to_path_buf()).with_help(note),
            None => d.in_file(out.to_owned()).with_help(note),
        }
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// One cached external result.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    ok: bool,
    status: Option<u16>,
    message: String,
    /// Seconds since 1970 (UTC) when it was checked.
    checked: u64,
}

/// The cache file: URL → last result, as JSON.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Cache {
    entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// The cache, or an empty one when the file is missing or unreadable.
    fn load(path: &Path) -> Cache {
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    fn fresh(&self, url: &str, now: u64, age: Duration) -> Option<&Entry> {
        self.entries.get(url).filter(|e| now.saturating_sub(e.checked) < age.as_secs())
    }

    fn save(&self, path: &Path) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(io(path))
    }
}
