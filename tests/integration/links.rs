//! `waymark check`'s link checker (feature `links`): the output's links,
//! template-made ones included, checked with lychee-lib. Offline cases are
//! fixtures under `tests/fixtures/links/<case>/` laid over the basic site;
//! `--external` is checked against a server on 127.0.0.1 started here (the
//! tests never reach another host).
#![cfg(feature = "links")]

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{SiteTest, fixtures, stderr};

const TODAY: &str = "2026-11-23";

fn run_case(case: &str) -> String {
    let t = SiteTest::from_fixture("basic");
    crate::copy_dir(&fixtures().join("links").join(case), t.root());
    let out = t.run(&["check", "--strict", "--today", TODAY]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{case}: expected exit 1\n{err}");
    output_positions_redacted(&err)
}

/// `index.html:21:13)` → `index.html:[POS])`: where a template link lands in
/// the output moves whenever the theme's base template changes.
fn output_positions_redacted(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(".html:") {
        let (head, tail) = rest.split_at(i + ".html:".len());
        out.push_str(head);
        let digits = tail.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(tail.len());
        out.push_str(if digits > 0 { "[POS]" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

macro_rules! link_case {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(concat!("links_", stringify!($name)), run_case(stringify!($name)));
        }
    };
}

link_case!(template_link);
link_case!(asset_missing);

/// A tiny HTTP server: 404 for paths containing `retired`, 200 otherwise;
/// counts the requests it answers.
struct Server {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let line = String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_owned();
                let (status, body) = if line.contains("retired") { ("404 Not Found", "gone") } else { ("200 OK", "here") };
                let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            }
        });
        Server { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

#[test]
fn external_links_are_warnings_at_the_markdown_position_and_cached() {
    let server = Server::start();
    let t = SiteTest::from_fixture("basic");
    // The exit button's link (a template link) goes to the local server too.
    let toml = std::fs::read_to_string(t.root().join("site.toml")).expect("site.toml");
    t.write("site.toml", &toml.replace("https://www.bbc.co.uk/weather", &format!("{}/weather", server.url)));
    t.write(
        "content/procedures/external.md",
        &format!(
            "---\ntitle: External guidance\naudience: [practitioners]\nsources:\n  - Fixture guidance\nreview_due: 2027-01-01\n---\nRead [the national guidance]({u}/guidance) first.\n\nThe [old guidance]({u}/retired-guidance) is no longer used.\n",
            u = server.url
        ),
    );

    // Offline (the default), nothing is fetched.
    let out = t.run(&["check", "--strict", "--today", TODAY]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    assert_eq!(server.hits(), 0);

    let out = t.run(&["check", "--external", "--today", TODAY]);
    let err = stderr(&t, &out).replace(&server.url, "[SERVER]");
    assert!(out.status.success(), "external failures are warnings\n{err}");
    insta::assert_snapshot!("links_external", err);
    // guidance, retired-guidance and weather: each URL once.
    let first = server.hits();
    assert_eq!(first, 3, "{err}");
    assert!(t.root().join(".waymark-link-cache").is_file());

    // Again, with --strict: the same warning, now failing, from the cache.
    let out = t.run(&["check", "--external", "--strict", "--today", TODAY]);
    let err2 = stderr(&t, &out).replace(&server.url, "[SERVER]");
    assert_eq!(out.status.code(), Some(1), "{err2}");
    assert!(err2.contains("warning[external-link]"), "{err2}");
    assert_eq!(server.hits(), first, "the second run must reuse the cache");

    // A cache older than --cache-age is not used.
    let out = t.run(&["check", "--external", "--cache-age", "0", "--today", TODAY]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    assert_eq!(server.hits(), first + 3);
}
