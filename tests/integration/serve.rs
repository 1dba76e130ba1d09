//! `waymark serve`: the real binary on a free loopback port, driven by a tiny
//! std-only HTTP client. Every wait is bounded, and the server is killed when
//! a test ends (or panics), so a broken server fails a test instead of hanging it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::SiteTest;

/// How long anything may take before the test fails (a debug build on a busy 2-core machine).
const WAIT: Duration = Duration::from_secs(30);

/// A running `waymark serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(r: impl std::io::Read + Send + 'static, into: Arc<Mutex<String>>, lines: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { return };
            into.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(tx) = &lines {
                let _ = tx.send(line);
            }
        }
    });
}

impl Server {
    fn start(t: &SiteTest) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("--root")
            .arg(t.root())
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("waymark serve starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        drain(child.stdout.take().expect("piped"), Arc::clone(&stdout), Some(tx));
        drain(child.stderr.take().expect("piped"), Arc::clone(&stderr), None);
        let mut server = Server { child, port: 0, stdout, stderr };
        let deadline = Instant::now() + WAIT;
        while server.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                        server.port = rest.split('/').next().and_then(|p| p.parse().ok()).expect("a port in the address");
                    }
                }
                Err(_) => panic!("no `serving ... at http://127.0.0.1:PORT/` line; stderr:\n{}", server.stderr()),
            }
        }
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// The server's output once it holds `needle` (a thread copies it from
    /// the pipe, so a line may arrive a moment after what it reports).
    fn stdout_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let out = self.stdout();
            if out.contains(needle) || Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the preview");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        s.set_write_timeout(Some(WAIT)).expect("timeout");
        s
    }

    /// Sends `target` as it is (no normalisation) and returns (status, headers, body).
    fn get(&self, target: &str) -> Response {
        let mut s = self.connect();
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").expect("send");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("the server answers and closes");
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
        Response { status, head, body: String::from_utf8_lossy(&raw[split + 4..]).into_owned() }
    }

    /// Opens the event stream and waits for its greeting.
    fn events(&self) -> Events {
        let mut s = self.connect();
        write!(s, "GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(s).lines() {
                let Ok(line) = line else { return };
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_owned();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((std::mem::take(&mut event), data.to_owned())).is_err()
                {
                    return;
                }
            }
        });
        let events = Events { rx };
        events.wait_for("hello", |_| true);
        events
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Server-Sent Events as (event, data) pairs.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    /// Waits for an event named `name` whose data passes `check`; other events are skipped.
    fn wait_for(&self, name: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((e, data)) if e == name && check(&data) => return data,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event within {WAIT:?}"),
            }
        }
    }
}

const PAGE: &str = "content/procedures/core-groups.md";

fn edited_page(t: &SiteTest, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(t.root().join(PAGE)).expect("the fixture page");
    assert!(text.contains(from), "the fixture page says `{from}`");
    text.replace(from, to)
}

#[test]
fn an_edit_is_served_and_open_pages_are_told_to_reload() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let page = server.get("/procedures/core-groups/");
    assert_eq!(page.status, 200, "{}", server.stderr());
    assert!(page.body.contains("meets soon after registration"));
    assert!(page.body.contains("<script src=\"/__waymark/reload.js\" defer></script>\n</head>"), "the preview adds the reload script");
    let script = server.get("/__waymark/reload.js");
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(script.body.contains("new EventSource(\"/__waymark/events\")"));

    let events = server.events();
    t.write(PAGE, &edited_page(&t, "meets soon after registration", "now meets quickly after registration"));
    events.wait_for("reload", |d| d.contains("\"/procedures/core-groups/\""));
    let page = server.get("/procedures/core-groups/");
    assert!(page.body.contains("now meets quickly after registration"), "{}", page.body);

    // An editor that saves by writing a temporary file and renaming it over the page.
    let tmp = t.root().join("content/procedures/.core-groups.md.tmp");
    std::fs::write(&tmp, edited_page(&t, "now meets quickly", "meets by rename")).expect("write");
    std::fs::rename(&tmp, t.root().join(PAGE)).expect("rename");
    events.wait_for("reload", |d| d.contains("\"/procedures/core-groups/\""));
    assert!(server.get("/procedures/core-groups/").body.contains("meets by rename"));
    assert!(!t.root().join("public").exists(), "serve never writes the output folder");
    let out = server.stdout_with("rebuilt in");
    assert!(out.contains("rebuilt in"), "{out}");
}

#[test]
fn a_bad_edit_keeps_the_last_good_page_and_reports_the_error() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let good = server.get("/procedures/core-groups/");
    assert_eq!(good.status, 200, "{}", server.stderr());
    let events = server.events();

    t.write(PAGE, &edited_page(&t, "summary:", "sumary:"));
    let errors = events.wait_for("errors", |_| true);
    assert!(errors.contains("unknown key `sumary`"), "{errors}");
    assert!(errors.contains("content/procedures/core-groups.md:3:1"), "{errors}");

    let page = server.get("/procedures/core-groups/");
    assert_eq!(page.status, 200);
    assert_eq!(page.body, good.body, "the last good version stays served");
    let status = server.get("/__waymark/status");
    assert_eq!(status.header("content-type"), Some("application/json"));
    assert!(status.body.contains("unknown key `sumary`"), "{}", status.body);
    // The terminal shows the same report as `build`.
    let deadline = Instant::now() + WAIT;
    while !server.stderr().contains("content/procedures/core-groups.md:3:1: error[front-matter]: unknown key `sumary`\n  |\n3 | sumary:") {
        assert!(Instant::now() < deadline, "no diagnostic on stderr:\n{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }

    // A page opened while the site is broken hears about the errors at once.
    let late = server.events();
    late.wait_for("errors", |d| d.contains("sumary"));

    // Fixing it clears the overlay.
    t.write(PAGE, &edited_page(&t, "sumary:", "summary:"));
    events.wait_for("ok", |_| true);
    let deadline = Instant::now() + WAIT;
    while !server.get("/__waymark/status").body.contains("\"errors\":[]") {
        assert!(Instant::now() < deadline, "the errors were not cleared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn no_path_outside_the_site_can_be_read() {
    let t = SiteTest::from_fixture("basic");
    let secret_dir = tempfile::tempdir().expect("temp dir");
    let secret = secret_dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, t.root().join("content/leak.txt")).expect("symlink");
    #[cfg(unix)]
    std::os::unix::fs::symlink(secret_dir.path(), t.root().join("content/leakdir")).expect("symlink");
    // A `.wasm` in content is refused unless the site allows its path.
    t.write("content/procedures/module.wasm", "\0asm");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).expect("site.toml");
    t.write("site.toml", &format!("allow_active_files = [\"procedures/module.wasm\"]\n{toml}"));
    let server = Server::start(&t);

    for target in [
        "/../site.toml",
        "/procedures/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsite.toml",
        "/procedures%2f..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "/%00",
        "/C:/Windows/win.ini",
        "http://127.0.0.1/../site.toml",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 400, "{target}: {}", r.body);
        assert!(!r.body.contains("exit_url"), "{target} leaked site.toml");
    }
    for target in [
        "//etc/passwd",
        "/etc/passwd",
        &format!("/{}", secret.display()),
        "/site.toml",
        "/content/procedures/core-groups.md",
        "/procedures/core-groups.md",
        "/leak.txt",
        "/leakdir/secret.txt",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.body.contains("TOP-SECRET") && !r.body.contains("root:"), "{target} leaked a file");
        assert!(r.body.contains("Page not found"), "{target}: the site's 404 page");
    }

    let types = [
        ("/", "text/html; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
        ("/procedures/diagram.png", "image/png"),
        ("/procedures/module.wasm", "application/wasm"),
    ];
    for (target, ty) in types {
        let r = server.get(target);
        assert_eq!((r.status, r.header("content-type")), (200, Some(ty)), "{target}");
    }
    let home = server.get("/");
    let css = home.body.split("href=\"").filter_map(|s| s.split('"').next()).find(|h| h.ends_with(".css")).expect("a stylesheet");
    assert_eq!(server.get(css).header("content-type"), Some("text/css; charset=utf-8"));
    let svg = home.body.split("href=\"").filter_map(|s| s.split('"').next()).find(|h| h.ends_with(".svg")).expect("an icon");
    assert_eq!(server.get(svg).header("content-type"), Some("image/svg+xml"));
    assert!(home.header("content-security-policy").is_some_and(|c| c.contains("script-src 'self'")));
    let moved = server.get("/procedures?x=1");
    assert_eq!((moved.status, moved.header("location")), (301, Some("/procedures/?x=1")));
}

#[test]
fn build_output_never_has_the_reload_script() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let files = crate::tree(&t.root().join("public"));
    assert!(files.iter().any(|(p, _)| p.ends_with(".html")));
    for (path, bytes) in files {
        assert!(!String::from_utf8_lossy(&bytes).contains("__waymark"), "{path} has the preview's reload script");
    }
}

#[test]
fn the_preview_registers_no_offline_worker_and_removes_an_old_one() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let page = server.get("/parents/meeting/");
    assert_eq!(page.status, 200, "{}", server.stderr());
    for gone in ["data-wm-worker", "rel=\"manifest\"", "data-wm-offline-save"] {
        assert!(!page.body.contains(gone), "the preview has `{gone}`");
    }
    // A browser that has a worker from a built site on this address asks for
    // /sw.js again: it gets one that deletes its caches and unregisters.
    let sw = server.get("/sw.js");
    assert_eq!(sw.status, 200);
    assert_eq!(sw.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(sw.body.contains("self.registration.unregister()") && !sw.body.contains("WAYMARK"), "{}", sw.body);
    assert_eq!(server.get("/manifest.webmanifest").status, 404);
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let t = SiteTest::from_fixture("basic");
    let mut server = Server::start(&t);
    // SIGINT, as a terminal sends for Ctrl-C (no signal API in std: use kill(1)).
    let sent = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status();
    if !sent.is_ok_and(|s| s.success()) {
        return; // no kill(1) here: nothing to test with
    }
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status:?}");
    let deadline = Instant::now() + WAIT;
    while !server.stdout().contains("stopped") {
        assert!(Instant::now() < deadline, "no `stopped` line: {}", server.stdout());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_search_index_follows_an_edit() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let entry = |s: &Server| {
        let r = s.get("/pagefind/pagefind-entry.json?ts=1");
        assert_eq!(r.status, 200, "{}", s.stderr());
        let v: serde_json::Value = serde_json::from_str(&r.body).expect("the entry file is JSON");
        v["languages"]["en"]["hash"].as_str().expect("an index hash").to_owned()
    };
    let before = entry(&server);
    let events = server.events();
    t.write(PAGE, &edited_page(&t, "meets soon after registration", "meets after the zanzibar registration"));
    events.wait_for("reload", |d| d.contains("\"/procedures/core-groups/\""));
    // The index is made again just after the page is served.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while entry(&server) == before {
        assert!(std::time::Instant::now() < deadline, "the search index did not change after the edit");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The old index's chunk is gone; the new one is served.
    let hash = entry(&server);
    assert_eq!(server.get(&format!("/pagefind/pagefind.{hash}.pf_meta")).status, 200);
    assert_eq!(server.get(&format!("/pagefind/pagefind.{before}.pf_meta")).status, 404);
}

/// Opens a live-reload stream and returns it with the first line of its answer
/// (after the greeting, when it is accepted).
fn open_stream(server: &Server) -> (TcpStream, String) {
    let mut s = server.connect();
    write!(s, "GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    let mut reader = BufReader::new(s.try_clone().expect("clone"));
    let mut status = String::new();
    reader.read_line(&mut status).expect("a status line");
    if status.contains(" 200 ") {
        let mut line = String::new();
        while !line.starts_with("event: hello") {
            line.clear();
            assert!(reader.read_line(&mut line).expect("the greeting") > 0, "the stream closed before its greeting");
        }
    }
    (s, status.trim().to_owned())
}

#[test]
fn open_live_reload_streams_never_stop_pages_being_served() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    // As many tabs as the preview keeps streams for (64), and then some.
    let mut streams: Vec<TcpStream> = Vec::new();
    for n in 0..64 {
        let (s, status) = open_stream(&server);
        assert_eq!(status, "HTTP/1.1 200 OK", "stream {n}");
        streams.push(s);
    }
    let (_extra, status) = open_stream(&server);
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable", "the 65th stream is refused");
    for _ in 0..20 {
        assert_eq!(server.get("/").status, 200, "pages are served while 64 streams are open");
        assert_eq!(server.get("/procedures/core-groups/").status, 200);
    }
    // A closed tab's place goes to the next.
    drop(streams.pop());
    let deadline = Instant::now() + WAIT;
    loop {
        let (s, status) = open_stream(&server);
        if status == "HTTP/1.1 200 OK" {
            streams.push(s);
            break;
        }
        assert!(Instant::now() < deadline, "the closed stream's place was not given back");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edit_that_puts_script_into_a_picture_is_refused() {
    let t = SiteTest::from_fixture("basic");
    let clean = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>\n";
    t.write("content/procedures/chart.svg", clean);
    let server = Server::start(&t);
    assert_eq!(server.get("/procedures/chart.svg").body, clean);
    let events = server.events();
    t.write("content/procedures/chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>\n");
    events.wait_for("errors", |d| d.contains("active-file") && d.contains("onload"));
    // The last good picture is still the one served.
    assert_eq!(server.get("/procedures/chart.svg").body, clean);
}
