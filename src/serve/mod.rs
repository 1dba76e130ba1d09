//! `waymark serve`: a live preview for authors.
//!
//! The site is built in memory (never into `public/`) and served from there
//! on 127.0.0.1 by a small std-only HTTP server ([`http`]), one thread per
//! connection. The sources are watched ([`watch`]); after a change the site is
//! brought up to date by a [`Session`], which re-renders only what the change
//! affects (or everything, when unsure), and every open page is told over
//! Server-Sent Events, through a script that only the preview server adds to
//! pages ([`http::inject_reload`]).
//!
//! A change that breaks the site prints its diagnostics exactly as `build`
//! does and shows them over the page in the browser, while the last good
//! version stays served. Fixing it clears the overlay.

pub mod http;
pub mod state;
pub mod watch;

use std::io::Write as _;
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, mpsc::Sender};
use std::time::Instant;

use crate::diag::{Code, Diagnostic, Severity};
use crate::session::{Session, Update};
use crate::site::{BuildOptions, OutFile};
use crate::{Error, Failure};
use state::{Files, Shared};
use watch::{Msg, Targets, Watch};

/// What `waymark serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holding site.toml).
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// The address to listen on (127.0.0.1 unless the author asks).
    pub interface: IpAddr,
    /// The port; 0 picks a free one (printed).
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
}

/// Builds, serves and watches until Ctrl-C. Problems in the content never end
/// it (they are shown); only I/O and usage failures do.
pub fn serve(opts: &ServeOptions) -> Result<(), Failure> {
    let root = std::fs::canonicalize(&opts.root).map_err(|source| Error::Io { path: opts.root.clone(), source })?;
    let listener = TcpListener::bind((opts.interface, opts.port)).map_err(|e| {
        Error::Usage(format!("cannot listen on {}:{}: {e} (another program may be using the port; try --port)", opts.interface, opts.port))
    })?;
    let port = listener.local_addr().map_err(|e| Error::Usage(format!("cannot listen: {e}")))?.port();
    let host = match opts.interface {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{port}/");
    if !opts.interface.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this computer on port {port} can see the preview, drafts included",
            opts.interface
        );
    }

    // Review dates are checked against today, as `build` does.
    let today = Some(time::OffsetDateTime::now_utc().date());
    let build_opts = BuildOptions { root: root.clone(), out: None, base_url: Some(url.clone()), drafts: opts.drafts, today, as_at: None, current_site: None, preview: true };
    let shared = Arc::new(Shared::new());
    let mut preview = Preview::new(build_opts, Arc::clone(&shared));
    preview.rebuild(&[]);

    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::start(&preview.targets, tx.clone())?;
    stop_on_ctrl_c(tx)?;
    let server = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("waymark-http".into())
        .spawn(move || accept(&listener, &server))
        .map_err(|e| Error::Usage(format!("cannot start the server thread: {e}")))?;

    println!("serving {} at {url} (Ctrl-C to stop)", display_root(&opts.root));
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }
    run(&rx, &mut preview, &mut watch);
    println!("stopped");
    Ok(())
}

/// The rebuild loop: one rebuild per batch of changes, until Ctrl-C.
fn run(rx: &Receiver<Msg>, preview: &mut Preview, watch: &mut Watch) {
    while let Ok(msg) = rx.recv() {
        let mut paths = Vec::new();
        let mut stop = false;
        // Take everything already waiting: one rebuild for all of it.
        for m in std::iter::once(msg).chain(rx.try_iter()) {
            match m {
                Msg::Changed(p) => paths.extend(p),
                Msg::Error(e) => {
                    eprintln!("warning: watching for changes: {e}; rebuilding everything");
                    paths.push(preview.targets.root.clone()); // the root: everything
                }
                Msg::Stop => stop = true,
            }
        }
        if stop {
            return;
        }
        paths.retain(|p| preview.targets.relevant(p));
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        preview.rebuild(&paths);
        if let Err(e) = watch.update(&preview.targets) {
            eprintln!("warning: {e}");
        }
    }
}

/// The site being previewed: how to rebuild it, and where it is published.
struct Preview {
    opts: BuildOptions,
    shared: Arc<Shared>,
    targets: Targets,
    /// The pipeline's state, for incremental rebuilds (None until a load works).
    session: Option<Session>,
    /// The warnings last printed, so an unchanged set is not printed again.
    warnings: Vec<Diagnostic>,
}

impl Preview {
    fn new(opts: BuildOptions, shared: Arc<Shared>) -> Preview {
        let config = crate::config::SiteConfig::load(&opts.root).ok();
        let targets = Targets::new(&opts.root, config.as_ref());
        Preview { opts, shared, targets, session: None, warnings: Vec::new() }
    }

    /// Rebuilds after `changed` (empty: the first build), publishes a good
    /// result and reports a bad one.
    fn rebuild(&mut self, changed: &[PathBuf]) {
        let start = Instant::now();
        let result = match self.session.as_mut() {
            Some(session) if !changed.is_empty() => session.update(changed),
            _ => Session::load(&self.opts).and_then(|s| {
                let r = s.result();
                self.session = Some(s);
                r.map(|b| Update { files: b.files, removed: Vec::new(), full: true, pages: b.pages, warnings: b.warnings })
            }),
        };
        if let Some(s) = &self.session {
            self.targets = Targets::new(&self.opts.root, Some(s.config()));
        }
        match result {
            Ok(update) => {
                let (full, pages) = (update.full, update.pages);
                let warnings = update.warnings.clone();
                let (files, changed_out) = apply(&self.shared.site().files, update);
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                self.shared.publish(files, &changed_out);
                if warnings != self.warnings {
                    print_diags(&warnings);
                    self.warnings = warnings;
                }
                let n = changed_out.len();
                // The search index follows the pages, once they are served.
                #[cfg(feature = "search")]
                if !full {
                    self.refresh_search();
                }
                if changed.is_empty() {
                    println!("built {pages} pages in {ms:.0} ms");
                } else {
                    let how = if full { "everything" } else { "incremental" };
                    println!("rebuilt in {ms:.0} ms ({how}): {n} file{} changed", plural(n));
                }
            }
            Err(Failure::Content(diags)) => {
                print_diags(&diags);
                let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
                eprintln!("error: {errors} error{} found; {}", plural(errors), self.still_serving());
                self.warnings.clear();
                self.shared.fail(&diags);
            }
            Err(Failure::Error(e)) => {
                eprintln!("error: {e}; {}", self.still_serving());
                let d = Diagnostic::error(Code::Io, e.to_string());
                self.shared.fail(std::slice::from_ref(&d));
            }
        }
        let _ = std::io::stdout().flush();
    }

    /// Makes the search index again after an incremental rebuild that
    /// changed a page, and serves it in place of the old one.
    #[cfg(feature = "search")]
    fn refresh_search(&mut self) {
        let Some(session) = self.session.as_ref().filter(|s| s.search_stale()) else { return };
        match session.search_files() {
            Ok(files) => {
                let site = self.shared.site();
                let new: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
                let removed = site
                    .files
                    .as_ref()
                    .map(|f| f.keys().filter(|k| k.starts_with(crate::search::DIR) && !new.contains(k.as_str())).cloned().collect())
                    .unwrap_or_default();
                let files = files.iter().map(|f| OutFile { path: f.path.clone(), bytes: f.bytes.clone() }).collect();
                let update = Update { files, removed, full: false, pages: 0, warnings: Vec::new() };
                let (files, changed) = apply(&site.files, update);
                self.shared.publish(files, &changed);
            }
            Err(Failure::Error(e)) => eprintln!("warning: {e}; search shows the pages as they were"),
            Err(Failure::Content(_)) => {}
        }
    }

    fn still_serving(&self) -> &'static str {
        if self.shared.site().files.is_some() {
            "still serving the last good version"
        } else {
            "the preview shows the errors until they are fixed"
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Applies an update to the published files: the new set and the output
/// paths that really changed, sorted.
fn apply(old: &Option<Files>, update: Update) -> (Files, Vec<String>) {
    let Some(old) = old.as_ref().filter(|_| !update.full) else {
        return merge(old, update.files);
    };
    let mut new = old.clone();
    let mut changed = Vec::new();
    for f in update.files {
        let bytes = served(f.path.as_str(), f.bytes);
        if new.get(&f.path).is_none_or(|b| **b != *bytes) {
            changed.push(f.path.clone());
        }
        new.insert(f.path, bytes);
    }
    for path in update.removed {
        if new.remove(&path).is_some() {
            changed.push(path);
        }
    }
    changed.sort();
    (new, changed)
}

/// A file as the preview serves it: HTML pages carry the reload script.
fn served(path: &str, bytes: Vec<u8>) -> Arc<[u8]> {
    if path.ends_with(".html") { Arc::from(http::inject_reload(&bytes)) } else { Arc::from(bytes) }
}

/// The new file set (HTML with the reload script) and the output paths that
/// differ from `old` (changed, added or removed), sorted.
fn merge(old: &Option<Files>, files: Vec<OutFile>) -> (Files, Vec<String>) {
    let mut new = Files::with_capacity(files.len());
    let mut changed = Vec::new();
    for f in files {
        let bytes = served(&f.path, f.bytes);
        let same = old.as_ref().and_then(|o| o.get(&f.path)).is_some_and(|b| **b == *bytes);
        if !same {
            changed.push(f.path.clone());
        }
        new.insert(f.path, bytes);
    }
    if let Some(old) = old {
        changed.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    }
    changed.sort();
    (new, changed)
}

/// Diagnostics exactly as `build` prints them (human format, on stderr).
fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}\n", d.render_human());
    }
}

fn display_root(root: &Path) -> String {
    if root == Path::new(".") { "the site in this folder".to_owned() } else { root.display().to_string() }
}

/// Accepts connections for ever, a thread each, within [`http::Limits`]:
/// page requests and live-reload streams are counted apart, so open tabs
/// can never stop pages being served.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let limits = Arc::new(http::Limits::default());
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let Some(slot) = limits.request() else {
            busy(stream);
            continue;
        };
        let shared = Arc::clone(shared);
        // If the thread cannot start, the closure (and the slot) is dropped.
        let _ = std::thread::Builder::new().name("waymark-conn".into()).spawn(move || http::handle(stream, &shared, slot));
    }
}

pub(crate) fn busy(mut stream: TcpStream) {
    let _ = stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n");
}

/// Ctrl-C asks the loop to stop (it finishes the rebuild under way); a
/// second Ctrl-C exits at once.
fn stop_on_ctrl_c(tx: Sender<Msg>) -> Result<(), Error> {
    let presses = AtomicUsize::new(0);
    ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        let _ = tx.send(Msg::Stop);
    })
    .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))
}

/// Best effort: the preview still works when no browser can be started.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    if let Err(e) = cmd.spawn() {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: &str, text: &str) -> OutFile {
        OutFile { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn merging_finds_what_changed_and_injects_the_script() {
        let (first, changed) = merge(&None, vec![out("index.html", "<head></head>"), out("a.css", "x")]);
        assert_eq!(changed, ["a.css", "index.html"]);
        assert!(String::from_utf8_lossy(&first["index.html"]).contains("/__waymark/reload.js"));
        let (_, changed) = merge(&Some(first), vec![out("index.html", "<head></head>"), out("b.css", "y")]);
        assert_eq!(changed, ["a.css", "b.css"], "removed and added; the same page is not a change");
    }
}
