//! What the HTTP threads share with the rebuild loop: the last good site (in
//! memory), the current errors, and the open event streams.
//!
//! The site is an `Arc` swapped under a short lock, so a request always sees
//! one whole build and a rebuild never waits for a slow client. Errors and
//! subscribers sit under one lock, so a page that connects while the site is
//! broken is told about the errors exactly once, never missing a change.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};

/// Output files by path (`procedures/a/index.html`), HTML already carrying the reload script.
pub type Files = HashMap<String, Arc<[u8]>>;

/// One published version of the site.
#[derive(Debug, Default)]
pub struct Site {
    /// `None` until a build has succeeded.
    pub files: Option<Files>,
    /// Counts successful rebuilds that changed something.
    pub generation: u64,
}

#[derive(Default)]
struct Status {
    /// The errors of the last build, as JSON; `None` when it succeeded.
    errors: Option<String>,
    /// The same, as the terminal shows them, for the error page.
    errors_text: Vec<String>,
    subscribers: Vec<SyncSender<Arc<str>>>,
}

/// State shared by the server threads and the rebuild loop.
pub struct Shared {
    site: RwLock<Arc<Site>>,
    status: Mutex<Status>,
    /// Changes when the server restarts, so pages reconnecting to a new
    /// server reload (they may have missed a rebuild).
    build_id: String,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("build_id", &self.build_id).finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    location: Option<String>,
    severity: String,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    /// The diagnostic exactly as the terminal prints it.
    text: String,
}

#[derive(Serialize)]
struct ErrorsJson<'a> {
    errors: Vec<ErrorJson<'a>>,
}

/// One SSE message: `event: NAME` and a JSON `data:` line.
fn sse(event: &str, data: &str) -> Arc<str> {
    // JSON from serde_json has no raw newlines, so one data line is enough.
    Arc::from(format!("event: {event}\ndata: {data}\n\n"))
}

impl Shared {
    /// Nothing built yet.
    pub fn new() -> Shared {
        let id = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Shared { site: RwLock::new(Arc::new(Site::default())), status: Mutex::new(Status::default()), build_id: format!("{id:x}") }
    }

    /// The site as last published.
    pub fn site(&self) -> Arc<Site> {
        Arc::clone(&self.site.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Publishes a good build: swaps the files in, clears the errors and tells
    /// the pages which URLs changed (`changed` holds output paths).
    pub fn publish(&self, files: Files, changed: &[String]) {
        let generation = {
            let mut site = self.site.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            let generation = site.generation + u64::from(!changed.is_empty());
            *site = Arc::new(Site { files: Some(files), generation });
            generation
        };
        let mut st = self.status();
        let had_errors = st.errors.take().is_some();
        st.errors_text.clear();
        if had_errors {
            broadcast(&mut st.subscribers, &sse("ok", "{}"));
        }
        if !changed.is_empty() {
            let urls: Vec<String> = changed.iter().map(|p| url_of(p)).collect();
            let data = serde_json::json!({ "generation": generation, "changed": urls });
            broadcast(&mut st.subscribers, &sse("reload", &data.to_string()));
        }
    }

    /// Records a failed build: the site stays as it was, and every open page
    /// shows the errors.
    /// The overlay lists the errors only; warnings are in the terminal.
    pub fn fail(&self, diags: &[Diagnostic]) {
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
        let diags = if errors.is_empty() { diags } else { &errors };
        let json = errors_json(diags);
        let mut st = self.status();
        st.errors_text = diags.iter().map(Diagnostic::render_human).collect();
        broadcast(&mut st.subscribers, &sse("errors", &json));
        st.errors = Some(json);
    }

    /// A new event stream: greeted with the server's id and, if the site is
    /// broken, its errors.
    pub fn subscribe(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = std::sync::mpsc::sync_channel(64);
        let generation = self.site().generation;
        let mut st = self.status();
        let hello = serde_json::json!({ "server": self.build_id, "generation": generation });
        // `retry` makes a page reconnect quickly after the server restarts.
        let _ = tx.try_send(Arc::from(format!("retry: 500\nevent: hello\ndata: {hello}\n\n")));
        if let Some(e) = &st.errors {
            let _ = tx.try_send(sse("errors", e));
        }
        st.subscribers.push(tx);
        rx
    }

    /// `/__waymark/status`: the generation and the current errors.
    pub fn status_json(&self) -> String {
        let generation = self.site().generation;
        let st = self.status();
        let errors: serde_json::Value = st.errors.as_deref().and_then(|e| serde_json::from_str(e).ok()).unwrap_or(serde_json::json!({"errors": []}));
        serde_json::json!({ "server": self.build_id, "generation": generation, "errors": errors["errors"] }).to_string()
    }

    /// The page served while no build has succeeded yet.
    pub fn error_page(&self) -> String {
        let st = self.status();
        let mut list = String::new();
        for t in &st.errors_text {
            list.push_str("<pre>");
            let _ = pulldown_cmark_escape::escape_html(&mut list, t);
            list.push_str("</pre>\n");
        }
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>waymark: the site has errors</title>\n<script src=\"/__waymark/reload.js\" defer></script>\n</head>\n<body>\n<h1>The site has errors</h1>\n<p>Fix them and this page reloads by itself.</p>\n{list}</body>\n</html>\n"
        )
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

/// Sends to every stream; drops the ones that are gone or not reading.
fn broadcast(subs: &mut Vec<SyncSender<Arc<str>>>, msg: &Arc<str>) {
    subs.retain(|tx| match tx.try_send(Arc::clone(msg)) {
        Ok(()) => true,
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
    });
}

/// The URL path a browser uses for an output path (`a/index.html` → `/a/`).
pub fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{path}"),
    }
}

/// Diagnostics as the JSON the overlay reads.
pub fn errors_json(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .map(|d| ErrorJson {
            location: d.location(),
            severity: d.severity.to_string(),
            code: d.code.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
            text: d.render_human(),
        })
        .collect();
    serde_json::to_string(&ErrorsJson { errors }).unwrap_or_else(|_| "{\"errors\":[]}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_become_urls() {
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("a/b/index.html"), "/a/b/");
        assert_eq!(url_of("404.html"), "/404.html");
        assert_eq!(url_of("static/css/site.1.css"), "/static/css/site.1.css");
        assert_eq!(url_of("xindex.html"), "/xindex.html");
    }

    #[test]
    fn a_stream_hears_errors_then_the_fix() {
        let shared = Shared::new();
        let rx = shared.subscribe();
        assert!(rx.try_recv().unwrap().contains("event: hello"));
        shared.fail(&[Diagnostic::error(crate::diag::Code::FrontMatter, "bad <b>"), Diagnostic::warning(crate::diag::Code::MissingSources, "no sources")]);
        let m = rx.try_recv().unwrap();
        assert!(m.starts_with("event: errors\ndata: {"), "{m}");
        assert!(m.contains("bad <b>"), "JSON carries the text; the script escapes it");
        assert!(!m.contains("no sources"), "warnings stay in the terminal");
        let late = shared.subscribe();
        assert!(late.try_recv().unwrap().contains("hello"));
        assert!(late.try_recv().unwrap().contains("event: errors"), "a page opened while broken sees the errors");
        shared.publish(Files::new(), &["a/index.html".into()]);
        assert!(rx.try_recv().unwrap().starts_with("event: ok"));
        let m = rx.try_recv().unwrap();
        assert!(m.starts_with("event: reload") && m.contains("\"/a/\""), "{m}");
        assert!(shared.error_page().contains("<h1>"));
    }
}
