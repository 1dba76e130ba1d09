//! The shipped site (`content/` at the repository root): what a CPC judges
//! waymark by must itself meet the bar.

use std::path::Path;

use crate::tree;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the shipped site (the repository's own `content/`) into `<tempdir>/site`.
pub fn build_shipped() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("--root")
        .arg(repo())
        .args(["build", "--out"])
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    out
}

#[test]
fn every_page_states_audience_sources_and_review_dates() {
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("content")).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let front = text.split("\n---").next().unwrap_or("");
        for key in ["\naudience:", "\nsources:", "\nlast_reviewed:", "\nreview_due:"] {
            if !front.contains(key) {
                missing.push(format!("{} lacks {}", path.strip_prefix(repo()).unwrap().display(), key.trim()));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn nothing_in_the_output_loads_from_another_host() {
    let out = build_shipped();
    let site = out.path().join("site");
    let mut bad = Vec::new();
    for (path, bytes) in tree(&site) {
        let Ok(text) = String::from_utf8(bytes) else { continue };
        // Feeds and the sitemap name the site's own absolute addresses for
        // readers and crawlers; nothing in them is loaded by a page.
        if path.ends_with(".xml") {
            continue;
        }
        // Resources a page would fetch: src=, <link href=, CSS url() and @import.
        let mut needles: Vec<(usize, &str)> = Vec::new();
        for pat in ["src=\"", "<link ", "url(", "@import"] {
            needles.extend(text.match_indices(pat));
        }
        for (i, pat) in needles {
            let window: String = text[i..].chars().take(160).collect();
            // A page's other languages are named by their absolute address
            // (hreflang needs it); the browser loads none of them.
            if pat == "<link " && window.starts_with("<link rel=\"alternate\" hreflang=") {
                continue;
            }
            let target = match pat {
                "<link " => window.split("href=\"").nth(1).map(|s| s.split('"').next().unwrap_or("").to_owned()),
                _ => Some(window[pat.len()..].trim_start_matches(['"', '\'', ' ']).chars().take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ')).collect()),
            };
            if let Some(t) = target
                && (t.starts_with("http:") || t.starts_with("https:") || t.starts_with("//"))
            {
                bad.push(format!("{path}: {t}"));
            }
        }
    }
    assert!(bad.is_empty(), "resources from other hosts:\n{}", bad.join("\n"));
    assert!(site.join("index.html").is_file());
}

#[test]
fn family_pages_carry_the_exit_control() {
    let out = build_shipped();
    let site = out.path().join("site");
    for page in ["parents/what-is-a-cppm/index.html", "young-people/index.html", "children/index.html", "safety/index.html"] {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        assert!(html.contains("Exit this page"), "{page} lacks Exit this page");
    }
    let html = std::fs::read_to_string(site.join("procedures/core-groups/index.html")).unwrap();
    assert!(!html.contains("Exit this page"));
}
