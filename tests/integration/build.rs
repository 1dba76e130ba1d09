//! Building valid sites: the pages that come out.

use crate::{SiteTest, main_element, tree};

#[test]
fn the_basic_site_builds_every_page() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    for page in [
        "index.html",
        "procedures/index.html",
        "procedures/cppm/index.html",
        "procedures/core-groups/index.html",
        "parents/index.html",
        "parents/meeting/index.html",
        "safety/index.html",
        "glossary/index.html",
        "404.html",
        "sitemap.xml",
        "_headers",
        "procedures/diagram.png",
    ] {
        assert!(t.root().join("public").join(page).is_file(), "missing public/{page}");
    }
    // Drafts are left out unless asked for.
    assert!(!t.root().join("public/procedures/draft").exists());
}

#[test]
fn a_procedure_page_renders_as_authors_expect() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let html = t.read_out("procedures/cppm/index.html");
    insta::assert_snapshot!("cppm_main", main_element(&html));
}

#[test]
fn family_pages_have_the_exit_control_and_practitioner_pages_do_not() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let family = t.read_out("parents/meeting/index.html");
    assert!(family.contains("Exit this page"), "family page lacks the exit control");
    assert!(family.contains("https://www.bbc.co.uk/weather"));
    let procedure = t.read_out("procedures/cppm/index.html");
    assert!(!procedure.contains("Exit this page"));
}

#[test]
fn every_page_has_the_security_policy_and_no_other_host() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let headers = t.read_out("_headers");
    assert!(headers.contains("Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'"));
    assert!(headers.contains("Referrer-Policy: no-referrer"));
    for (path, bytes) in tree(&t.root().join("public")) {
        if !path.ends_with(".html") && !path.ends_with(".css") && !path.ends_with(".js") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        if path.ends_with(".html") {
            assert!(text.contains("http-equiv=\"Content-Security-Policy\""), "{path} lacks the CSP meta tag");
            assert!(!text.contains("<script>"), "{path} has an inline script");
            assert!(!text.contains(" style=\""), "{path} has an inline style");
        }
        // The only other host a page may name is the exit link's target
        // (a link the reader chooses to follow, never a request the page makes).
        let mut rest = text.as_str();
        while let Some(i) = rest.find("://") {
            let before = &rest[..i];
            let scheme_start = before.rfind(|c: char| !c.is_ascii_alphanumeric()).map_or(0, |j| j + 1);
            let after = &rest[i + 3..];
            let host: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
            let scheme = &before[scheme_start..];
            assert!(
                host == "www.bbc.co.uk"
                    || host == "example.org"
                    || host == "www.w3.org"
                    || scheme.is_empty()
                    // Pagefind's scripts parse result paths against a dummy
                    // base (`new URL("https://example.com" + path)`); nothing
                    // is fetched from it (tests/browser/search.mjs watches
                    // every request).
                    || (path.starts_with("pagefind/") && host == "example.com"),
                "{path} refers to another host: {scheme}://{host}"
            );
            rest = after;
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build", "--out", "one"]).status.success());
    assert!(t.run(&["build", "--out", "two"]).status.success());
    let one = tree(&t.root().join("one"));
    let two = tree(&t.root().join("two"));
    assert!(one.len() > 10);
    assert_eq!(one, two);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let before = tree(&t.root().join("public"));
    t.write("content/procedures/cppm.md", "---\ntitle: [broken\n---\n");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(tree(&t.root().join("public")), before);
    // No temporary folders are left beside it either.
    let leftovers: Vec<_> = std::fs::read_dir(t.root())
        .expect("root")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("waymark-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_sub_path_base_url_prefixes_every_internal_link() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build", "--base-url", "https://example.org/cp/procedures"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let html = t.read_out("procedures/cppm/index.html");
    assert!(html.contains("href=\"/cp/procedures/procedures/core-groups/#the-first-meeting\""), "{}", main_element(&html));
    assert!(html.contains("/cp/procedures/static/css/site."), "stylesheet not under the sub-path");
    assert!(!html.contains("href=\"/procedures/"), "a link escaped the sub-path");
    let sitemap = t.read_out("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/cp/procedures/procedures/cppm/</loc>"));
}

#[test]
fn the_glossary_page_lists_terms_alphabetically() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let html = t.read_out("glossary/index.html");
    let cppm = html.find("id=\"child-protection-planning-meeting\"").expect("CPPM entry");
    let core = html.find("id=\"core-group\"").expect("core group entry");
    assert!(cppm < core);
    assert!(html.contains("(<abbr>CPPM</abbr>)"));
    assert!(html.contains("Also called: case conference."));
}

#[test]
fn sections_list_their_pages_by_stage() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let html = t.read_out("procedures/index.html");
    let main = main_element(&html);
    let planning = main.find("Planning meetings").expect("stage heading");
    let core = main.find("Core groups").expect("stage heading");
    assert!(planning < core, "stages out of order");
    assert!(main.contains("What a CPPM is for and who attends."), "child summary missing");
}

#[test]
fn drafts_are_built_when_asked() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build", "--drafts"]).status.success());
    assert!(t.root().join("public/procedures/draft/index.html").is_file());
}

/// The `_headers` file as (path pattern, header lines) blocks.
fn header_rules(text: &str) -> Vec<(String, Vec<String>)> {
    let mut rules: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("  ") {
            rules.last_mut().expect("a header before any path").1.push(h.to_owned());
        } else if !line.is_empty() {
            rules.push((line.to_owned(), Vec::new()));
        }
    }
    rules
}

#[test]
fn hashed_files_are_cached_for_a_year_and_pages_revalidate() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let rules = header_rules(&t.read_out("_headers"));
    let cache_rules: Vec<(&str, &str)> = rules
        .iter()
        .filter_map(|(p, hs)| hs.iter().find_map(|h| h.strip_prefix("Cache-Control: ")).map(|v| (p.as_str(), v)))
        .collect();
    let matching = |url: &str| -> Vec<&str> {
        cache_rules
            .iter()
            .filter(|(p, _)| p.strip_suffix('*').map_or(url == *p, |prefix| url.starts_with(prefix)))
            .map(|(_, v)| *v)
            .collect()
    };
    let year = "public, max-age=31536000, immutable";
    let short = "public, max-age=0, must-revalidate";
    // Every file of the output gets exactly one caching rule (the hosts join
    // the values of overlapping rules), and the long one only when its name
    // carries a hash.
    let hashed_name = |path: &str| {
        let name = path.rsplit('/').next().unwrap();
        name.split('.').any(|part| part.len() >= 7 && part.trim_start_matches("en_").chars().all(|c| c.is_ascii_hexdigit()))
    };
    let mut seen_static = 0;
    for (path, _) in tree(&t.root().join("public")) {
        if path == "_headers" {
            continue;
        }
        let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(&path));
        let found = matching(&url);
        assert_eq!(found.len(), 1, "{url} has {} caching rules: {found:?}", found.len());
        if found[0] == year {
            assert!(hashed_name(&path), "{url} is cached for a year but its name has no hash");
        } else {
            assert_eq!(found[0], short, "{url}");
        }
        if path.starts_with("static/") {
            seen_static += 1;
            assert_eq!(found[0], year, "{url}");
        }
    }
    assert!(seen_static >= 5, "only {seen_static} static files");
    for page in ["/", "/procedures/cppm/", "/parents/meeting/", "/404.html", "/sitemap.xml", "/procedures/diagram.png"] {
        assert_eq!(matching(page), [short], "{page}");
    }
    // The security headers still cover every path.
    assert_eq!(rules[0].0, "/*");
    assert!(rules[0].1.iter().any(|h| h.starts_with("Content-Security-Policy: default-src 'none'")));
}

/// The shipped site in a temporary folder (no git history, so its dates come
/// from the change notes, and no past editions, which are built from it).
fn shipped_copy() -> tempfile::TempDir {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(&here.join("content"), &dir.path().join("content"));
    crate::copy_dir(&here.join("i18n"), &dir.path().join("i18n"));
    let toml = std::fs::read_to_string(here.join("site.toml")).unwrap();
    let start = toml.find("[[editions]]").expect("the shipped site has past editions");
    let end = start + toml[start..].find("\n\n").unwrap();
    std::fs::write(dir.path().join("site.toml"), format!("{}{}", &toml[..start], &toml[end..])).unwrap();
    dir
}

#[test]
fn the_written_output_is_the_site_rendered_in_memory_byte_for_byte() {
    // `build` writes pages as they are rendered; `check` and `serve` hold the
    // whole site. Both must make the same files.
    let dir = shipped_copy();
    let opts = waymark::BuildOptions {
        root: dir.path().to_path_buf(),
        out: Some(dir.path().join("out")),
        base_url: None,
        drafts: false,
        today: None,
        as_at: None,
        current_site: None,
        preview: false,
    };
    let built = waymark::render_site(&opts).expect("renders");
    let report = waymark::build(&opts).expect("builds");
    let written = tree(&dir.path().join("out"));
    let in_memory: Vec<(String, Vec<u8>)> = built.files.into_iter().map(|f| (f.path, f.bytes)).collect();
    assert_eq!(report.files, written.len());
    assert_eq!(written.iter().map(|(p, _)| p).collect::<Vec<_>>(), in_memory.iter().map(|(p, _)| p).collect::<Vec<_>>());
    for ((path, a), (_, b)) in written.iter().zip(&in_memory) {
        assert!(a == b, "{path} differs");
    }
}

#[test]
fn an_error_on_a_late_page_of_a_large_site_replaces_nothing() {
    // More pages than `build` renders and writes at a time, so the broken
    // page comes after pages already written to the new folder.
    let t = SiteTest::from_fixture("basic");
    for i in 0..300 {
        t.write(&format!("content/procedures/many-{i:03}.md"), &format!("---\ntitle: Page {i}\naudience: [practitioners]\n---\n\nText of page {i}.\n"));
    }
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let before = tree(&t.root().join("public"));
    assert!(before.len() > 300);
    // The last page in path order renders with a broken link.
    t.write("content/procedures/many-299.md", "---\ntitle: Page 299\naudience: [practitioners]\n---\n\nSee [the missing page](nowhere.md).\n");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", crate::stderr(&t, &out));
    assert!(crate::stderr(&t, &out).contains("many-299.md:6:5: error[broken-link]"), "{}", crate::stderr(&t, &out));
    assert_eq!(tree(&t.root().join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(t.root()).unwrap().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().contains("waymark-")).collect();
    assert!(leftovers.is_empty());
}
