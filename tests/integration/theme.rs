//! A site's own theme files: the partials that make a page body's markup
//! (here the calculator and the alerts) are overridden like any other theme
//! file, and a fault in an override is reported at its file, line and column.

use crate::SiteTest;

/// The basic site with the shipped rules file and a page that has a
/// calculator and an alert.
fn site() -> SiteTest {
    let t = SiteTest::from_fixture("basic");
    let rules = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/rules.yaml")).unwrap();
    t.write("rules.yaml", &rules);
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("rules = \"rules.yaml\"\n{toml}"));
    t.write(
        "content/procedures/dates.md",
        "---\ntitle: Dates\nsummary: Work out the dates.\naudience: [practitioners]\nsources:\n  - Fixture guidance\n---\n\
         ## After registration\n\n> [!WARNING]\n> If a child is in danger now, call 999.\n\n> [!TIP]\n> Keep a note.\n\n{{ calculator(\"after-registration\") }}\n",
    );
    t
}

#[test]
fn a_site_that_overrides_the_calculator_and_alert_partials_gets_its_own_markup() {
    let t = site();
    // Built-in partials first: the default markup.
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let html = t.read_out("procedures/dates/index.html");
    assert!(html.contains("<div class=\"wm-warning\"><span class=\"wm-warning__icon\" aria-hidden=\"true\">!</span>"), "{html}");
    assert!(html.contains("<section class=\"wm-calculator\" aria-labelledby=\"wm-calc-after-registration-title\""));

    t.write(
        "themes/default/templates/partials/alert.html",
        "<aside class=\"council-alert council-alert--{{ kind }}\"><h3 class=\"council-alert__label\">{{ label }}</h3>\n{{ content }}</aside>\n",
    );
    t.write(
        "themes/default/templates/partials/calculator.html",
        "<div class=\"council-calculator\" id=\"{{ prefix }}\">\n<h3>{{ title }}</h3>\n<ol>\n{% for row in rows %}\n<li data-timescale=\"{{ row.timescale }}\">{{ row.label }}: {{ row.dates | join(\" then \") }}</li>\n{% endfor %}\n</ol>\n</div>\n",
    );
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let html = t.read_out("procedures/dates/index.html");
    let main = crate::main_element(&html);
    assert!(
        main.contains("<aside class=\"council-alert council-alert--warning\"><h3 class=\"council-alert__label\">Warning</h3>\n<p>If a child is in danger now, call 999.</p>\n</aside>\n"),
        "{main}"
    );
    assert!(main.contains("<aside class=\"council-alert council-alert--tip\"><h3 class=\"council-alert__label\">Tip</h3>\n<p>Keep a note.</p>\n</aside>"), "{main}");
    assert!(!main.contains("wm-warning") && !main.contains("wm-inset"), "{main}");
    assert!(main.contains("<div class=\"council-calculator\" id=\"wm-calc-after-registration\">\n<h3>Dates after registration</h3>\n<ol>\n"), "{main}");
    assert!(main.contains("<li data-timescale=\"first_core_group\">First core group meeting: Thursday 7 January 2027</li>"), "{main}");
    assert!(main.contains("<li data-timescale=\"core_group_cycle\">Core group meetings: Thursday 4 February 2027 then Thursday 4 March 2027 then Thursday 1 April 2027</li>"), "{main}");
    assert!(!main.contains("wm-calculator"), "{main}");
}

#[test]
fn a_fault_in_an_overridden_partial_is_reported_at_its_line_and_column() {
    let t = site();
    t.write("themes/default/templates/partials/alert.html", "<aside>\n{{ content }}\n{{ label.nope.deeper }}</aside>\n");
    std::fs::create_dir_all(t.root().join("public")).unwrap();
    t.write("public/keep.txt", "the last good build");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = crate::stderr(&t, &out);
    assert!(err.contains("themes/default/templates/partials/alert.html:3:9: error[template]: undefined value: `label.nope` is undefined"), "{err}");
    assert_eq!(std::fs::read_to_string(t.root().join("public/keep.txt")).unwrap(), "the last good build", "a failed build leaves the output alone");
}
