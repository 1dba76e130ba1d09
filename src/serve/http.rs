//! Just enough HTTP/1.1 for a preview server: `GET` and `HEAD` from a
//! browser, one request per connection (`Connection: close`), and one
//! long-lived Server-Sent Events stream per open page.
//!
//! Nothing here touches the disk: every answer comes from the in-memory site
//! in [`super::state::Shared`], so no request path can reach a file outside
//! the site. [`resolve`] still refuses anything that *looks* like an escape
//! (`..`, encoded slashes, NUL, drive letters) with 400, so a mistake in the
//! lookup later could not turn into one.

use std::io::{Read as _, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::state::Shared;

/// Where the reload script, its stylesheet, the event stream and the status live.
pub const PREFIX: &str = "/__waymark/";

/// The script injected into every HTML page in serve mode (never in `build`).
pub const RELOAD_JS: &str = include_str!("reload.js");

/// The error overlay's stylesheet (a file, because the site's CSP forbids inline styles).
pub const OVERLAY_CSS: &str = include_str!("overlay.css");

/// The longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// How often an idle event stream sends a comment, so a closed tab is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// A request path turned into a key of the in-memory site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Output path, `/`-separated, no leading slash (`procedures/a/index.html`).
    pub key: String,
    /// The request named a folder (`/a/`), so `key` is its `index.html`.
    pub dir: bool,
    /// The query string, with its `?`, for redirects.
    pub query: String,
}

/// Turns a request target into an output path, or refuses it (400).
///
/// Percent-escapes are decoded once. Refused: anything not starting with `/`
/// (absolute-form URLs, `*`), `..` segments (plain or encoded), encoded `/`,
/// `\` or NUL, backslashes, `:` in a segment (drive letters), and bad escapes
/// or UTF-8. Empty and `.` segments are dropped.
pub fn resolve(target: &str) -> Result<Lookup, &'static str> {
    let (path, query) = match target.find(['?', '#']) {
        Some(i) if target.as_bytes()[i] == b'?' => {
            let q = &target[i..];
            (&target[..i], q.split('#').next().unwrap_or("").to_owned())
        }
        Some(i) => (&target[..i], String::new()),
        None => (target, String::new()),
    };
    if !path.starts_with('/') {
        return Err("the request path must start with /");
    }
    // Every `%` must start an escape (the decoder would pass a stray one on).
    let bytes = path.as_bytes();
    if bytes.iter().enumerate().any(|(i, &b)| b == b'%' && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))) {
        return Err("bad percent-escape");
    }
    // Decoded one segment at a time, so an encoded `/` cannot make a new one.
    let mut decoded = String::with_capacity(path.len());
    for (k, seg) in path.split('/').enumerate() {
        let seg = percent_encoding::percent_decode_str(seg).decode_utf8().map_err(|_| "the path is not UTF-8")?;
        if seg.contains(['/', '\\', '\0']) {
            return Err("encoded /, \\ or NUL");
        }
        if k > 0 {
            decoded.push('/');
        }
        decoded.push_str(&seg);
    }
    if decoded.contains(['\\', '\0']) {
        return Err("backslash or NUL in the path");
    }
    let mut segs = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err("`..` in the path"),
            s if s.contains(':') => return Err("`:` in the path"),
            s => segs.push(s),
        }
    }
    let dir = decoded.ends_with('/') || segs.is_empty();
    let mut key = segs.join("/");
    if dir {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(Lookup { key, dir, query })
}

/// The `Content-Type` for an output path.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ if name == "_headers" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// One parsed request line.
struct Request {
    head_only: bool,
    target: String,
}

/// Reads the request head; Err is (status, reason) to answer with.
fn read_request(stream: &mut TcpStream) -> Result<Request, (u16, &'static str)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            break;
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "Request Header Fields Too Large"));
        }
        match stream.read(&mut chunk) {
            Ok(0) => {
                if buf.is_empty() {
                    return Err((0, "closed"));
                }
                break;
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => return Err((0, "read failed")),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err((400, "Bad Request"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err((505, "HTTP Version Not Supported"));
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err((405, "Method Not Allowed")),
    };
    Ok(Request { head_only, target: target.to_owned() })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// A complete response, written with `Connection: close`.
struct Response<'a> {
    status: u16,
    content_type: &'static str,
    body: &'a [u8],
    location: Option<String>,
}

fn write_response(stream: &mut TcpStream, r: &Response<'_>, head_only: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if r.content_type.starts_with("text/html") {
        head.push_str(&format!("Content-Security-Policy: {}\r\n", crate::render::CSP));
    }
    if r.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if let Some(loc) = &r.location {
        head.push_str(&format!("Location: {loc}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(r.body)?;
    }
    stream.flush()
}

fn plain(status: u16, text: &'static str) -> Response<'static> {
    Response { status, content_type: "text/plain; charset=utf-8", body: text.as_bytes(), location: None }
}

/// At most this many connections are being answered at once (requests for
/// pages and files); more get 503 until one is answered.
pub const MAX_REQUESTS: usize = 256;
/// At most this many live-reload streams are open at once (each open tab
/// holds one); the next gets 503. Streams are counted apart from requests,
/// so any number of open tabs never stops pages being served.
pub const MAX_STREAMS: usize = 64;

/// The connections being answered and the streams open.
#[derive(Debug, Default)]
pub struct Limits {
    requests: AtomicUsize,
    streams: AtomicUsize,
}

/// A place taken in [`Limits`], given back when dropped.
#[derive(Debug)]
pub struct Slot {
    limits: Arc<Limits>,
    stream: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let counter = if self.stream { &self.limits.streams } else { &self.limits.requests };
        counter.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Limits {
    fn take(self: &Arc<Self>, stream: bool) -> Option<Slot> {
        let (counter, max) = if stream { (&self.streams, MAX_STREAMS) } else { (&self.requests, MAX_REQUESTS) };
        if counter.fetch_add(1, Ordering::SeqCst) >= max {
            counter.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot { limits: Arc::clone(self), stream })
    }

    /// A place for one more request, if there is one.
    pub fn request(self: &Arc<Self>) -> Option<Slot> {
        self.take(false)
    }

    /// A place for one more live-reload stream, if there is one.
    pub fn stream(self: &Arc<Self>) -> Option<Slot> {
        self.take(true)
    }
}

/// Answers one connection, holding `slot` (a request's place) until it
/// knows whether the connection is a page request or a live-reload stream.
/// Errors writing to a closed socket are ignored: the browser went away,
/// and there is nobody to tell.
pub fn handle(mut stream: TcpStream, shared: &Arc<Shared>, slot: Slot) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    let req = match read_request(&mut stream) {
        Ok(r) => r,
        Err((0, _)) => return,
        Err((status, why)) => {
            let _ = write_response(&mut stream, &plain(status, why), false);
            return;
        }
    };
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    if let Some(name) = path.strip_prefix(PREFIX) {
        let status = shared.status_json();
        let r = match name {
            "events" => {
                // A stream gives its request's place back and takes a stream's.
                let limits = Arc::clone(&slot.limits);
                drop(slot);
                if !req.head_only {
                    match limits.stream() {
                        Some(_stream_slot) => event_stream(stream, shared),
                        None => super::busy(stream),
                    }
                }
                return;
            }
            "reload.js" => Response { status: 200, content_type: "text/javascript; charset=utf-8", body: RELOAD_JS.as_bytes(), location: None },
            "overlay.css" => Response { status: 200, content_type: "text/css; charset=utf-8", body: OVERLAY_CSS.as_bytes(), location: None },
            "status" => Response { status: 200, content_type: "application/json", body: status.as_bytes(), location: None },
            _ => plain(404, "not found"),
        };
        let _ = write_response(&mut stream, &r, req.head_only);
        return;
    }
    let lookup = match resolve(&req.target) {
        Ok(l) => l,
        Err(why) => {
            let _ = write_response(&mut stream, &plain(400, why), req.head_only);
            return;
        }
    };
    let site = shared.site();
    let Some(files) = site.files.as_ref() else {
        // No build has succeeded yet: a page listing the errors, which reloads when fixed.
        let page = shared.error_page();
        let r = Response { status: 500, content_type: "text/html; charset=utf-8", body: page.as_bytes(), location: None };
        let _ = write_response(&mut stream, &r, req.head_only);
        return;
    };
    let r = if let Some(body) = files.get(&lookup.key) {
        Response { status: 200, content_type: content_type(&lookup.key), body, location: None }
    } else if !lookup.dir && files.contains_key(&format!("{}/index.html", lookup.key)) {
        // `/a` for a page at `/a/`: send the browser to the folder, so relative links work.
        let location = format!("/{}/{}", lookup.key, lookup.query);
        Response { status: 301, content_type: "text/plain; charset=utf-8", body: b"moved", location: Some(location) }
    } else if lookup.key == crate::offline::WORKER_PATH {
        // The preview registers no worker; a browser that has one here from
        // a built site gets this one, which removes itself and its caches.
        Response { status: 200, content_type: "text/javascript; charset=utf-8", body: crate::offline::REMOVER.as_bytes(), location: None }
    } else if let Some(body) = files.get("404.html") {
        Response { status: 404, content_type: "text/html; charset=utf-8", body, location: None }
    } else {
        plain(404, "not found")
    };
    let _ = write_response(&mut stream, &r, req.head_only);
}

/// Holds the connection open and writes every event broadcast to it.
fn event_stream(mut stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).and_then(|()| stream.flush()).is_err() {
        return;
    }
    let rx = shared.subscribe();
    loop {
        let msg = match rx.recv_timeout(KEEPALIVE) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Arc::from(": keep-alive\n\n"),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(msg.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}

/// Puts the reload script into an HTML page, just before `</head>`
/// (or at the end when there is no head).
pub fn inject_reload(html: &[u8]) -> Vec<u8> {
    const TAG: &[u8] = b"<script src=\"/__waymark/reload.js\" defer></script>\n";
    let at = find_ci(html, b"</head>").or_else(|| find_ci(html, b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(TAG);
    out.extend_from_slice(&html[at..]);
    out
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> Result<String, &'static str> {
        resolve(t).map(|l| l.key)
    }

    #[test]
    fn paths_map_to_output_files() {
        assert_eq!(key("/").unwrap(), "index.html");
        assert_eq!(key("/procedures/core-groups/").unwrap(), "procedures/core-groups/index.html");
        assert_eq!(key("/static/css/site.1.css?v=2#x").unwrap(), "static/css/site.1.css");
        assert_eq!(key("/a%20b/").unwrap(), "a b/index.html");
        assert_eq!(key("//etc/passwd").unwrap(), "etc/passwd", "an absolute path is just a name in the site");
        let l = resolve("/procedures?x=1").unwrap();
        assert!(!l.dir);
        assert_eq!(l.query, "?x=1");
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/a/%2e%2e%2fetc",
            "/..%2fetc/passwd",
            "/..%5cetc",
            "/a\\..\\b",
            "/%00",
            "/C:/Windows/win.ini",
            "/%",
            "/%zz",
            "/%ff",
            "http://example.org/",
            "*",
            "etc/passwd",
        ] {
            assert!(resolve(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn content_types_cover_the_site() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/calculator/x_bg.1234.wasm"), "application/wasm");
        assert_eq!(content_type("static/css/site.abc.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("static/images/tick.abc.svg"), "image/svg+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("static/js/exit.abc.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("_headers"), "text/plain; charset=utf-8");
        assert_eq!(content_type("procedures/diagram.PNG"), "image/png");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_end_of_head() {
        let out = String::from_utf8(inject_reload(b"<html><head><title>x</title></HEAD><body></body></html>")).unwrap();
        assert_eq!(out, "<html><head><title>x</title><script src=\"/__waymark/reload.js\" defer></script>\n</HEAD><body></body></html>");
        let out = String::from_utf8(inject_reload(b"<p>bare")).unwrap();
        assert!(out.ends_with("<script src=\"/__waymark/reload.js\" defer></script>\n"));
    }
}
