//! `waymark check`: one fixture per check under `tests/fixtures/checks/<case>/`,
//! laid over the basic site; each must give exactly the snapshotted findings
//! (run with `--strict`, so warnings fail too) and exit 1. The basic site
//! itself passes `check --strict` with nothing to report.

use crate::{SiteTest, fixtures, stderr};

const TODAY: &str = "2026-11-23";

fn run_case(case: &str) -> String {
    let t = SiteTest::from_fixture("basic");
    crate::copy_dir(&fixtures().join("checks").join(case), t.root());
    let out = t.run(&["check", "--strict", "--today", TODAY]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{case}: expected exit 1\n{err}");
    err
}

macro_rules! check_case {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), run_case(stringify!($name)));
        }
    };
}

check_case!(a11y_image_alt);
check_case!(a11y_link_text);
check_case!(a11y_heading_skip);
check_case!(a11y_template);
check_case!(plain_readability);
check_case!(plain_long_sentence);
check_case!(plain_word);
check_case!(plain_term);
check_case!(review_due);
check_case!(missing_sources);
check_case!(rules_hygiene);
check_case!(easy_read_picture);
check_case!(easy_read_sentence);
check_case!(easy_read_abbreviation);
check_case!(easy_read_word);
check_case!(easy_read_grade);
check_case!(easy_read_bad_input);

#[test]
fn the_basic_site_passes_strict_checks() {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["check", "--strict", "--today", TODAY]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
}

#[test]
fn the_shipped_site_passes_strict_checks() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--strict", "--today", TODAY])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn warnings_alone_pass_without_strict() {
    let t = SiteTest::from_fixture("basic");
    crate::copy_dir(&fixtures().join("checks/review_due"), t.root());
    let out = t.run(&["check", "--today", TODAY]);
    assert!(out.status.success());
    assert!(stderr(&t, &out).contains("warning[review-due]: this page was due for review on 2025-01-10"));
}

#[test]
fn glossary_terms_link_to_their_entries_once() {
    let t = SiteTest::from_fixture("basic");
    t.write("content/parents/terms.md", "---\ntitle: Terms\naudience: [parents-and-carers]\nsources: [x]\n---\n## The core group\n\nThe core group meets. The core group again. The CPPM decides.\n\n`core group` in code.\n");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
    let html = t.read_out("parents/terms/index.html");
    assert_eq!(html.matches("class=\"wm-term\"").count(), 2, "{}", crate::main_element(&html));
    assert!(html.contains("<a class=\"wm-term\" href=\"/glossary/#core-group\">core group</a> meets"));
    assert!(html.contains("<a class=\"wm-term\" href=\"/glossary/#child-protection-planning-meeting\"><abbr title=\"Child protection planning meeting\">CPPM</abbr></a>"));
    assert!(html.contains("<code>core group</code>"));
}
