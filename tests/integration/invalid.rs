//! Invalid sites: each fixture under `tests/fixtures/invalid/<case>/` is laid
//! over the basic site and must fail with exactly the diagnostics snapshotted,
//! leave any previous output untouched, and exit 1.

use crate::{SiteTest, stderr, tree};

fn check_case(case: &str) -> String {
    let t = SiteTest::invalid(case);
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{case}: expected exit 1\n{err}");
    // build must fail the same way and write nothing.
    let build = t.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!t.root().join("public").exists(), "{case}: a failed build wrote output");
    err
}

macro_rules! invalid_case {
    ($name:ident) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), check_case(stringify!($name)));
        }
    };
}

invalid_case!(broken_yaml);
invalid_case!(unknown_key);
invalid_case!(missing_page);
invalid_case!(missing_fragment);
invalid_case!(unsafe_html);
invalid_case!(unknown_function);
invalid_case!(config_key);
invalid_case!(h1_in_body);
invalid_case!(duplicate_path);
invalid_case!(template_error);
invalid_case!(bad_changes);
invalid_case!(bad_resources);
invalid_case!(unknown_resource_group);
invalid_case!(unsafe_url_references);
invalid_case!(tracking_html);
invalid_case!(active_files);
invalid_case!(output_collision);

#[test]
fn an_invalid_edit_after_a_good_build_keeps_the_old_site() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let before = tree(&t.root().join("public"));
    t.write("content/procedures/core-groups.md", "---\ntitle: Core groups\naudience: [practitioners]\nsources: [x]\n---\nSee [x](nowhere.md).\n");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&t, &out).contains("content/procedures/core-groups.md:6:5: error[broken-link]"));
    assert_eq!(tree(&t.root().join("public")), before);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let t = SiteTest::from_fixture("basic");
    t.write("content/a.md", "---\ntitle: A\naudiense: [x]\n---\n");
    t.write("content/b.md", "---\ntitle: B\naudience: [practitioners]\nsources: [x]\n---\n[x](missing.md) and [y](#nope)\n");
    let out = t.run(&["check"]);
    let err = stderr(&t, &out);
    assert!(err.contains("content/a.md:3:1: error[front-matter]: unknown key `audiense`"), "{err}");
    assert!(err.contains("content/b.md:6:1: error[broken-link]"), "{err}");
    assert!(err.contains("content/b.md:6:21: error[broken-fragment]: this page has no heading or anchor `#nope`"), "{err}");
    assert!(err.contains("error: 3 errors and 0 warnings found"), "{err}");
}

/// Issue 14, defect 1: a file in content/ at the hashed path of a theme
/// script would have replaced "Exit this page" on every page.
#[test]
fn r14_a_content_file_cannot_replace_a_theme_file_or_a_made_one() {
    let t = SiteTest::from_fixture("basic");
    assert!(t.run(&["build"]).status.success());
    let js = t.root().join("public/static/js");
    let exit = std::fs::read_dir(&js).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).find(|n| n.starts_with("exit.")).unwrap();
    let before = tree(&t.root().join("public"));
    t.write(&format!("content/static/js/{exit}"), "alert(\"pwned\")\n");
    t.write("content/sitemap.xml", "<urlset/>\n");
    t.write("content/pagefind/pagefind.js", "alert(1)\n");
    let out = t.run(&["build"]);
    let err = stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("content/static/js/{exit}: error[duplicate-path]: this file and the theme's `static/js/exit.js` would both be written to `/static/js/{exit}`")), "{err}");
    assert!(err.contains("content/sitemap.xml: error[duplicate-path]: this file and waymark's `sitemap.xml` would both be written to `/sitemap.xml`"), "{err}");
    assert!(err.contains("content/pagefind/pagefind.js: error[duplicate-path]"), "{err}");
    assert_eq!(tree(&t.root().join("public")), before);
}
