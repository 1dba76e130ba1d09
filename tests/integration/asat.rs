//! Rules as they stood on a date, on the pages: the as-at day, a change
//! scheduled after it, the timescales table's timeline, rule changes on
//! /updates/ and in the feed, and `build --as-at` with its banner.

use crate::{SiteTest, stderr};

const RULES: &str = "calendar: s
calendars:
  s:
    holidays: scotland
events:
  concern:
    label: the concern being raised
    plain: the worry being reported
timescales:
  initial_cppm:
    label: the initial meeting
    plain: the first meeting
    after: concern
    within:
      2014-05-01: 21 calendar days
      2021-09-02: 28 calendar days
      2027-04-01: 21 calendar days
    source:
      2014-05-01: National guidance 2014, Appendix C
      2021-09-02: National guidance 2021, Appendix D
      2027-04-01: Local procedures 2027
";

/// The basic site with a dated rule (a change on 2 September 2021 and one
/// scheduled for 1 April 2027), a page stating it and a timescales table.
/// The content's date is 20 November 2026 (its newest change note; a
/// temporary folder has no git history).
fn site(extra_config: &str) -> SiteTest {
    let t = SiteTest::from_fixture("basic");
    let config = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("rules = \"content/rules.yaml\"\n{extra_config}{config}"));
    t.write("content/rules.yaml", RULES);
    t.write(
        "content/procedures/initial.md",
        "---\ntitle: Initial meetings\naudience: [practitioners]\nstage: planning-meeting\nsources:\n  - Fixture guidance\n---\nThe initial meeting is held {{ timescale(\"initial_cppm\") }}.\n\nFor families: {{ timescale(\"initial_cppm\", plain=true) }}.\n\n{{ timescales_table() }}\n",
    );
    t
}

fn build(t: &SiteTest, args: &[&str]) {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    assert!(out.status.success(), "{}", stderr(t, &out));
}

#[test]
fn pages_state_the_rule_of_the_as_at_day_and_the_change_to_come() {
    let t = site("");
    build(&t, &[]);
    let page = t.read_out("procedures/initial/index.html");
    assert!(
        page.contains("The initial meeting is held within 28 calendar days of the concern being raised (from 1 April 2027 this will be within 21 calendar days of the concern being raised)."),
        "{page}"
    );
    // Family words name only the new figure, so sentences stay short.
    assert!(page.contains("For families: within 28 days of the worry being reported (from 1 April 2027: 21 days)."), "{page}");
    // The table: the timeline, the version in force marked, the change coming.
    assert!(page.contains("Change coming 1 April 2027</strong>"), "{page}");
    assert!(page.contains("<li class=\"wm-timeline__item\">From <time datetime=\"2014-05-01\">1 May 2014</time>: within 21 calendar days of the concern being raised <span class=\"wm-timeline__source\">(National guidance 2014, Appendix C)</span></li>"), "{page}");
    assert!(page.contains("<li class=\"wm-timeline__item wm-timeline__item--current\">From <time datetime=\"2021-09-02\">2 September 2021</time>"), "{page}");
    assert!(page.contains("(Local procedures 2027)</span> <strong class=\"wm-tag wm-tag--coming\">coming</strong>"), "{page}");
    assert!(!page.contains("wm-as-at-banner"), "no banner on the current site");

    // The change of 2 September 2021 is an update; the one to come is not yet.
    let updates = t.read_out("updates/index.html");
    assert!(updates.contains("<a href=\"/procedures/initial/#timescale-initial-cppm\">Timescale: Initial meeting</a>"), "{updates}");
    assert!(updates.contains("From 2 September 2021: within 28 calendar days of the concern being raised (before: within 21 calendar days of the concern being raised). Source: National guidance 2021, Appendix D."), "{updates}");
    assert!(!updates.contains("1 April 2027"), "{updates}");
    let feed = t.read_out("updates.xml");
    assert!(feed.contains("<id>tag:example.org,2021-09-02:/rules/initial_cppm</id>"), "{feed}");
    // The page notes keep their ids.
    assert!(feed.contains("<id>tag:example.org,2026-11-20:/procedures/core-groups/1</id>"), "{feed}");

    // The calculators' "current" version is the one of the as-at day.
    let json_name = std::fs::read_dir(t.root().join("public/static")).unwrap().filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).find(|n| n.starts_with("rules."));
    assert!(json_name.is_none(), "no calculator, so no rules JSON");
}

#[test]
fn build_as_at_shows_the_rules_of_that_day_with_a_banner_on_every_page() {
    let t = site("");
    build(&t, &["--as-at", "2020-03-01"]);
    let page = t.read_out("procedures/initial/index.html");
    assert!(page.contains("The initial meeting is held within 21 calendar days of the concern being raised (from 2 September 2021 this will be within 28 calendar days of the concern being raised)."), "{page}");
    let banner = "<p>This shows the timescales in force on 1 March 2020. It is not the current version.</p>";
    for rel in ["index.html", "procedures/index.html", "procedures/cppm/index.html", "updates/index.html", "search/index.html", "404.html"] {
        assert!(t.read_out(rel).contains(banner), "{rel}");
    }
    // Only changes in force by then are updates.
    let updates = t.read_out("updates/index.html");
    assert!(!updates.contains("Timescale: Initial meeting"), "{updates}");
}

#[test]
fn as_at_in_site_toml_sets_the_day_without_a_banner() {
    let t = site("as_at = \"2027-04-01\"\n");
    build(&t, &[]);
    let page = t.read_out("procedures/initial/index.html");
    assert!(page.contains("The initial meeting is held within 21 calendar days of the concern being raised."), "{page}");
    assert!(!page.contains("wm-as-at-banner"));
    assert!(!page.contains("Change coming"));
    // A rule that does not exist yet on the as-at day says when it begins.
    let t = site("as_at = \"2010-01-01\"\n");
    build(&t, &[]);
    let page = t.read_out("procedures/initial/index.html");
    assert!(page.contains("The initial meeting is held within 21 calendar days of the concern being raised (this rule applies from 1 May 2014)."), "{page}");
    let t = site("as_at = \"1 April 2027\"\n");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&t, &out).contains("site.toml:2:10: error[config]: `as_at` must be a date written YYYY-MM-DD, not `1 April 2027`"), "{}", stderr(&t, &out));
}

fn git(t: &SiteTest, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(t.root())
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn past_editions_are_built_from_the_git_history() {
    let t = site("");
    // The first edition: the initial meeting within 21 days, and nothing dated.
    t.write("content/rules.yaml", &RULES.replace("      2021-09-02: 28 calendar days\n      2027-04-01: 21 calendar days\n", "").replace("      2021-09-02: National guidance 2021, Appendix D\n      2027-04-01: Local procedures 2027\n", ""));
    // A theme override of then, which today's theme replaces in the edition.
    let footer = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/partials/footer.html")).unwrap();
    t.write("themes/default/templates/partials/footer.html", &format!("<!-- footer of then -->\n{footer}"));
    git(&t, &["init", "-q"]);
    git(&t, &["add", "-A"]);
    git(&t, &["commit", "-q", "-m", "first"]);
    git(&t, &["tag", "v1"]);
    t.write("content/rules.yaml", RULES);
    t.write("themes/default/templates/partials/footer.html", &format!("<!-- footer of today -->\n{footer}"));
    let config = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("{config}\n[[editions]]\ndate = \"2020-03-01\"\nrevision = \"v1\"\n"));
    git(&t, &["add", "-A"]);
    git(&t, &["commit", "-q", "-m", "second"]);
    build(&t, &[]);

    let old = t.read_out("editions/2020-03-01/procedures/initial/index.html");
    assert!(old.contains("The initial meeting is held within 21 calendar days of the concern being raised."), "{old}");
    assert!(old.contains("<p>This shows the timescales in force on 1 March 2020. It is not the current version. <a href=\"/procedures/initial/\">See this page as it is today</a>.</p>"), "{old}");
    assert!(old.contains("href=\"/editions/2020-03-01/procedures/\""), "its links stay in the edition");
    for rel in ["editions/2020-03-01/index.html", "editions/2020-03-01/procedures/cppm/index.html", "editions/2020-03-01/404.html"] {
        assert!(t.read_out(rel).contains("It is not the current version."), "{rel}");
    }
    // The content and rules are the revision's; the theme is today's.
    assert!(old.contains("<!-- footer of today -->") && !old.contains("footer of then"), "{old}");
    // Today's page is the current rule, without the banner.
    let now = t.read_out("procedures/initial/index.html");
    assert!(now.contains("within 28 calendar days") && !now.contains("wm-as-at-banner"));
    // Listed on /editions/, left out of the sitemap and the search index.
    assert!(now.contains("<a class=\"wm-footer__link\" href=\"/editions/\">Past editions of this site</a>"), "the footer links to the list");
    let list = t.read_out("editions/index.html");
    assert!(list.contains("<a href=\"/editions/2020-03-01/\">The site as at 1 March 2020</a>"), "{list}");
    assert!(!t.read_out("sitemap.xml").contains("editions"));
    assert!(!t.root().join("public/editions/2020-03-01/pagefind").exists());
    assert!(!t.root().join("public/editions/2020-03-01/sitemap.xml").exists());
    if t.root().join("public/pagefind").exists() {
        let index: Vec<String> = crate::tree(&t.root().join("public/pagefind")).into_iter().map(|(p, _)| p).collect();
        assert!(!index.is_empty());
    }
    // check builds them too, links included.
    let out = t.run(&["check", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&t, &out));
}

#[test]
fn an_edition_whose_revision_is_not_in_the_history_is_an_error() {
    let t = site("");
    git(&t, &["init", "-q"]);
    git(&t, &["add", "-A"]);
    git(&t, &["commit", "-q", "-m", "first"]);
    let config = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("{config}\n[[editions]]\ndate = \"2020-03-01\"\nrevision = \"v9\"\n"));
    for cmd in ["build", "check"] {
        let out = t.run(&[cmd]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = stderr(&t, &out);
        assert!(err.contains("error[config]: the edition of 2020-03-01 names revision `v9`, which is not in the site's git history"), "{err}");
        assert!(err.contains("revision = \"v9\""), "the line is shown: {err}");
    }
    assert!(!t.root().join("public").exists(), "nothing was written");
}
