//! The command line itself: help, exit codes, `new page`, output formats.

use crate::{SiteTest, stderr};

#[test]
fn help_explains_the_tool_to_a_newcomer() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in ["child protection procedures", "build", "check", "new", "dates", "holidays", "Examples:"] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn a_missing_site_toml_is_an_io_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark")).arg("--root").arg(dir.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("site.toml"));
}

#[test]
fn unknown_arguments_are_usage_errors() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build", "--outt", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"), "clap should suggest --out");
}

#[test]
fn new_page_creates_a_page_that_builds() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["new", "page", "procedures/reviews", "--title", "Review meetings", "--audience", "practitioners", "--stage", "core-group"]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    let text = std::fs::read_to_string(t.root().join("content/procedures/reviews.md")).unwrap();
    assert!(text.starts_with("---\ntitle: \"Review meetings\"\n"));
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    assert!(t.read_out("procedures/reviews/index.html").contains("Review meetings"));
    // Never overwrites.
    let again = t.run(&["new", "page", "procedures/reviews.md", "--title", "X"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&t, &again).contains("already exists"));
}

#[test]
fn new_page_rejects_unknown_audiences() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["new", "page", "x.md", "--title", "X", "--audience", "parents"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&t, &out).contains("unknown audience `parents`"));
}

#[test]
fn json_and_github_formats_carry_the_position() {
    let t = SiteTest::invalid("missing_page");
    let out = t.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let line = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_owned();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["code"], "broken-link");
    assert_eq!(v["file"], "content/procedures/bad.md");
    assert_eq!(v["pos"]["line"], 8);
    let out = t.run(&["check", "--format", "github"]);
    let gh = String::from_utf8_lossy(&out.stdout);
    assert!(gh.lines().next().unwrap().starts_with("::error file=content/procedures/bad.md,line=8,col=5,title=broken-link::"), "{gh}");
}
