//! What a hostile author or a malicious pull request could try (issue 14),
//! where a fixture cannot hold the case: names that depend on the theme's
//! files, symbolic links, the preview server's streams, date limits.

use crate::{SiteTest, stderr};

/// The theme's hashed "Exit this page" script, as the basic site publishes it.
fn exit_script(t: &SiteTest) -> String {
    assert!(t.run(&["build"]).status.success());
    let js = t.root().join("public/static/js");
    let name = std::fs::read_dir(&js)
        .expect("static/js")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("exit.") && n.ends_with(".js"))
        .expect("exit script");
    std::fs::remove_dir_all(t.root().join("public")).expect("clean");
    format!("static/js/{name}")
}

#[test]
fn a_content_file_cannot_replace_the_theme_script_whatever_the_site_allows() {
    let t = SiteTest::from_fixture("basic");
    let exit = exit_script(&t);
    t.write(&format!("content/{exit}"), "alert(\"pwned\")\n");
    // Even with the path allowed as an active file, it is not the theme's to take.
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("allow_active_files = [\"static/**\"]\n{toml}"));
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("content/{exit}: error[duplicate-path]: this file and the theme's `static/js/exit.js` would both be written to `/{exit}`")),
        "{err}"
    );
    assert_eq!(t.run(&["build"]).status.code(), Some(1));
    assert!(!t.root().join("public").exists());
}

#[test]
fn an_allowed_active_file_is_published_as_it_is() {
    let t = SiteTest::from_fixture("basic");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("allow_active_files = [\"embeds/*.html\"]\n{toml}"));
    t.write("content/embeds/map.html", "<!doctype html><title>Map</title><p>A map</p>\n");
    t.write("content/embeds/deeper/other.html", "<p>not allowed</p>\n");
    let out = t.run(&["build"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/embeds/deeper/other.html: error[active-file]"), "{err}");
    std::fs::remove_file(t.root().join("content/embeds/deeper/other.html")).unwrap();
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    assert_eq!(t.read_out("embeds/map.html"), "<!doctype html><title>Map</title><p>A map</p>\n");
}

#[test]
fn a_bad_allow_pattern_is_located() {
    let t = SiteTest::from_fixture("basic");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("allow_active_files = [\"embeds/[x\"]\n{toml}"));
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("site.toml:1:24: error[config]: `allow_active_files`: `embeds/[x` is not a valid pattern"), "{err}");
}

#[cfg(unix)]
#[test]
fn skipped_files_are_named_with_the_reason_and_fail_strict() {
    let t = SiteTest::from_fixture("basic");
    let content = t.root().join("content");
    std::os::unix::fs::symlink("/etc/passwd", content.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink("/tmp", content.join("outside")).unwrap();
    std::os::unix::fs::symlink("loop", content.join("loop")).unwrap();
    t.write("content/..md", "---\ntitle: Dots\n---\n");
    t.write("content/...md", "---\ntitle: More dots\n---\n");
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let link = "warning[skipped-file]: this is not published: it is a symbolic link, and links are not followed (copy the file or folder into the content folder instead)";
    let dots = "warning[skipped-file]: this is not published: its name starts with `.`, so it is a hidden file, not a page";
    for line in [
        format!("content/passwd.txt: {link}"),
        format!("content/outside: {link}"),
        format!("content/loop: {link}"),
        format!("content/..md: {dots}"),
        format!("content/...md: {dots}"),
    ] {
        assert!(err.contains(&line), "missing {line}\n{err}");
    }
    let strict = t.run(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&t, &strict));
    // Nothing behind the links is published.
    assert!(t.run(&["build"]).status.success());
    assert!(!t.root().join("public/passwd.txt").exists());
    assert!(!t.root().join("public/outside").exists());
}

#[test]
fn dates_outside_years_1_to_9999_are_an_error() {
    let t = SiteTest::from_fixture("basic");
    t.write(
        "far.yaml",
        "calendar: plain\ncalendars:\n  plain:\n    weekend: [saturday, sunday]\nevents:\n  cppm: { label: the meeting, plain: the meeting }\ntimescales:\n  far:\n    label: far before\n    plain: far before\n    before: cppm\n    within: 99999 working days\n    source: [x]\n",
    );
    let rules = t.root().join("far.yaml");
    let out = t.run(&["dates", "--rules", rules.to_str().unwrap(), "far", "0001-02-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr(&t, &out), "error: the date is out of range (due dates must fall in the years 1 to 9999)\n");
}

#[test]
fn a_page_over_the_size_limit_is_refused_without_being_read() {
    let t = SiteTest::from_fixture("basic");
    let para = "The core group meets to review the plan, and [the register](../procedures/cppm.md) records it.\n\n";
    let mut page = String::from("---\ntitle: Huge\naudience: [practitioners]\nsources: [x]\n---\n");
    while page.len() <= 512 * 1024 {
        page.push_str(para);
    }
    t.write("content/procedures/huge.md", &page);
    let started = std::time::Instant::now();
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("content/procedures/huge.md: error[page-too-large]: this page is 513 KiB; pages may be at most 512 KiB\n  = help: split it into several pages"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "refusing it took {:?}", started.elapsed());
    // Just under the limit is built.
    page.truncate(512 * 1024 - 200);
    t.write("content/procedures/huge.md", &page);
    let out = t.run(&["check"]);
    assert!(!stderr(&t, &out).contains("page-too-large"), "{}", stderr(&t, &out));
}
