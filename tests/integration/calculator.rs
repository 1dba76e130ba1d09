//! `{{ calculator("id") }}` in the shipped site: the server-rendered form
//! (GOV.UK date input), the results region present from page load, the
//! worked example without JavaScript, the script only where it is needed, and
//! the engine files it names.

use std::path::Path;

fn built() -> tempfile::TempDir {
    crate::shipped::build_shipped()
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("site").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("<section class=\"wm-calculator\" aria-labelledby=\"wm-calc-{id}-title\"")).unwrap_or_else(|| panic!("no calculator {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

fn attr<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name}")) + name.len() + 2;
    &html[at..at + html[at..].find('"').unwrap()]
}

#[test]
fn the_calculator_renders_the_govuk_date_input_and_a_worked_example() {
    let out = built();
    let html = read(out.path(), "procedures/core-groups/index.html");
    let s = section(&html, "after-registration");

    // The script, as a module, only on pages with a calculator.
    assert!(html.contains("<script type=\"module\" src=\"/static/js/calculator."), "no calculator script");
    assert!(!read(out.path(), "procedures/index.html").contains("js/calculator."), "calculator script on a page without one");

    // Engine files with hashed names that exist in the output.
    for a in ["data-wm-glue", "data-wm-wasm", "data-wm-rules"] {
        let url = attr(s, a);
        assert!(url.starts_with("/static/"), "{a}={url}");
        let file = out.path().join("site").join(url.trim_start_matches('/'));
        assert!(file.is_file(), "{a}: {url} is not in the output");
        assert!(url.split('/').next_back().unwrap().split('.').nth(1).is_some_and(|h| h.len() == 10), "{a}: {url} has no hash");
    }
    assert_eq!(attr(s, "data-wm-series"), "3");

    // Without JavaScript: each rule in words, its source and a worked example.
    assert!(s.contains("<h3 class=\"wm-calculator__title\" id=\"wm-calc-after-registration-title\">Dates after registration</h3>"));
    assert!(s.contains("<p>For example, if the child\u{2019}s name being added to the child protection register was on Wednesday 23 December 2026:</p>"), "{s}");
    assert!(s.contains("<dt class=\"wm-summary-list__key\">First core group meeting</dt>"));
    assert!(s.contains("<p class=\"wm-calculator__date\">By Thursday 7 January 2027</p>"), "worked example date");
    assert!(s.contains("Within 15 calendar days of the child\u{2019}s name being added to the child protection register."));
    assert!(s.contains("<li>By Thursday 4 February 2027</li><li>By Thursday 4 March 2027</li><li>By Thursday 1 April 2027</li>"), "core group series");
    assert!(s.contains("Source: Argyll and Bute CPC practice note"));
    // The rule's note, for practitioners, under its source (the script copies it under each result).
    assert!(s.contains("<p class=\"wm-calculator__note\">Note: The practice note says \u{201c}15 days\u{201d} without saying what kind"), "{s}");
    assert!(s.contains("<noscript>"));

    // The form: hidden until the script has the engine; no HTML5 validation.
    assert!(s.contains("<form class=\"wm-calculator__form\" id=\"wm-calc-after-registration-form\" novalidate autocomplete=\"off\" hidden>"));
    assert!(!s.contains("action="), "the form must not submit anywhere");
    assert!(s.contains("<fieldset class=\"wm-fieldset\" role=\"group\" data-wm-event=\"registration\""));
    assert!(s.contains("<legend class=\"wm-fieldset__legend\">Date of the child\u{2019}s name being added to the child protection register</legend>"));
    assert!(s.contains(">For example, 23 12 2026</div>"));
    for (part, label) in [("day", "Day"), ("month", "Month"), ("year", "Year")] {
        assert!(s.contains(&format!("<label class=\"wm-label\" for=\"wm-calc-after-registration-registration-{part}\">{label}</label>")), "{part}");
        assert!(s.contains(&format!("id=\"wm-calc-after-registration-registration-{part}\" name=\"registration-{part}\" type=\"text\" inputmode=\"numeric\" spellcheck=\"false\" aria-describedby=\"wm-calc-after-registration-registration-hint\"")), "{part}");
    }
    // The error summary (filled by the script) comes before the calculator's heading.
    assert!(s.contains("tabindex=\"-1\" hidden>\n<div role=\"alert\">\n<h3 class=\"wm-error-summary__title\">There is a problem</h3>"));
    assert!(s.find("class=\"wm-error-summary\"").unwrap() < s.find("class=\"wm-calculator__title\"").unwrap());
    // Results: a status region present (and empty) from page load.
    assert!(s.contains("<div class=\"wm-calculator__results\" id=\"wm-calc-after-registration-results\" role=\"status\"></div>"));
    assert!(s.contains(">Add these dates to your calendar</button>"));
}

#[test]
fn pre_birth_asks_two_dates_and_says_which_rule_set_the_deadline() {
    let out = built();
    let html = read(out.path(), "procedures/pre-birth/index.html");
    let s = section(&html, "pre-birth");
    assert_eq!(s.matches("<fieldset").count(), 2);
    assert!(s.contains("<legend class=\"wm-fieldset__legend\">Date of the pre-birth concern being raised</legend>"));
    assert!(s.contains("<legend class=\"wm-fieldset__legend\">Expected date of delivery</legend>"));
    assert!(s.contains("data-wm-name=\"the expected date of delivery\""));
    assert!(s.contains("and the expected date of delivery was on Wednesday 31 March 2027:"));
    assert!(s.contains("By Wednesday 6 January 2027"), "{s}");
    assert!(s.contains("The earlier date is set by the pre-birth meeting, counted from the due date."));
}

#[test]
fn the_family_calculator_uses_family_words() {
    let out = built();
    let html = read(out.path(), "parents/plan-and-core-group/index.html");
    let s = section(&html, "next-meeting");
    assert!(s.contains(">When will the next meeting be?</h3>"));
    assert!(s.contains("data-wm-plain=\"true\""));
    assert!(s.contains("<legend class=\"wm-fieldset__legend\">Date of the meeting</legend>"));
    assert!(s.contains("<p>For example, if the meeting was on Wednesday 23 December 2026:</p>"));
    assert!(s.contains("Within 15 days of the name going on the child protection register."), "{s}");
    assert!(s.contains(">Work out the dates</button>"));
    // Notes are written for practitioners: the family calculator has none.
    assert!(!s.contains("wm-calculator__note"), "{s}");
}

#[test]
fn the_published_rules_json_keeps_the_file_order() {
    let out = built();
    let html = read(out.path(), "procedures/transfer/index.html");
    let url = attr(section(&html, "transfer-in"), "data-wm-rules").to_owned();
    let json = read(out.path(), url.trim_start_matches('/'));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Pre-resolved for the browser: indexes into the file-ordered timescales,
    // the words rendered from the rules file, calendars as explicit days.
    let shown = v["calculators"]["transfer-in"]["shows"][0].as_u64().unwrap() as usize;
    assert_eq!(v["timescales"][shown]["id"], "transfer_cppm");
    assert!(json.find("\"cppm_notice\"").unwrap() < json.find("\"reports_shared\"").unwrap());
    assert!(v["calendars"][0]["holidays"].as_array().unwrap().len() > 500);
    assert!(!v["timescales"][shown]["words"].as_str().unwrap().is_empty());
}

#[test]
fn an_unknown_calculator_is_an_error_naming_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("content").as_path(), &dir.path().join("content"));
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("site.toml"), dir.path().join("site.toml")).unwrap();
    let page = dir.path().join("content/procedures/transfer.md");
    let text = std::fs::read_to_string(&page).unwrap().replace("{{ calculator(\"transfer-in\") }}", "{{ calculator(\"transfer-inn\") }}");
    std::fs::write(&page, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark")).arg("--root").arg(dir.path()).arg("check").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("unknown calculator `transfer-inn`; did you mean `transfer-in`?"), "{err}");
}
