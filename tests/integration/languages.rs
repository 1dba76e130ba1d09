//! Languages: a translation published under its language's folder with
//! `lang`, `dir`, the alternates, the switcher and the unreviewed notice;
//! the notice page for a page with no translation; and every bad input (an
//! unknown code in a file name or in site.toml, a translation without its
//! page, a bad `translation:`, a missing theme string) an error at its
//! file, line and column that replaces nothing.

use crate::SiteTest;

const LANGUAGES: &str = "[[languages]]\ncode = \"en-GB\"\nname = \"English\"\n\n[[languages]]\ncode = \"pl\"\nname = \"Polski\"\n\n[[languages]]\ncode = \"ar\"\nname = \"العربية\"\n\n";

/// The site's texts in Polish and Arabic (i18n/<code>.yaml beside site.toml).
fn site_texts(lang: &str) -> String {
    let texts = ["Fixture Procedures", "Home", "Procedures", "Practitioners", "I work with children and families", "Parents and carers", "I am a parent or carer", "Planning meetings", "Core groups"];
    let mut out = String::from("site:\n");
    for t in texts {
        out.push_str(&format!("  \"{t}\": \"[{lang}] {t}\"\n"));
    }
    out
}

const MEETING_PL: &str = "---\ntitle: Czym jest spotkanie w sprawie ochrony dziecka?\nsummary: Krótki przewodnik dla rodziców.\naudience: [parents-and-carers]\nsources:\n  - Fixture guidance, section 1\ntranslation: unreviewed\ntranslated_from: 2026-11-20\n---\n## Co się dzieje\n\nLudzie spotykają się, aby porozmawiać o bezpieczeństwie dziecka. Możesz przyjść z kimś.\n\n[Bezpieczeństwo w internecie](../safety.md)\n";

/// The basic site in three languages, with a Polish translation of the parents' meeting page.
fn site() -> SiteTest {
    let t = SiteTest::from_fixture("basic");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &toml.replacen("[[nav]]", &format!("{LANGUAGES}[[nav]]"), 1));
    t.write("i18n/pl.yaml", &site_texts("pl"));
    t.write("i18n/ar.yaml", &site_texts("ar"));
    let source = std::fs::read_to_string(t.root().join("content/parents/meeting.md")).unwrap();
    // The source links to the safety page, as the translation does.
    t.write("content/parents/meeting.md", &format!("{source}\n[Staying safe online](../safety.md)\n"));
    t.write("content/parents/meeting.pl.md", MEETING_PL);
    t
}

#[test]
fn a_translation_has_its_language_its_versions_and_its_notice() {
    let t = site();
    let out = t.run(&["check", "--strict"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));

    let pl = t.read_out("pl/parents/meeting/index.html");
    assert!(pl.contains("<html lang=\"pl\" dir=\"ltr\""), "{pl}");
    // The alternates: every real version and x-default (Arabic has none).
    assert!(pl.contains("<link rel=\"alternate\" hreflang=\"en-GB\" href=\"https://example.org/parents/meeting/\">"), "{pl}");
    assert!(pl.contains("<link rel=\"alternate\" hreflang=\"pl\" href=\"https://example.org/pl/parents/meeting/\">"), "{pl}");
    assert!(pl.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/parents/meeting/\">"), "{pl}");
    assert!(!pl.contains("hreflang=\"ar\" href=\"https://example.org/ar/"), "no alternate for a missing translation");
    // The switcher keeps the page, each language named in itself.
    assert!(pl.contains("<a class=\"wm-languages__link\" href=\"/parents/meeting/\" lang=\"en-GB\" hreflang=\"en-GB\" dir=\"ltr\">English</a>"), "{pl}");
    assert!(pl.contains("href=\"/pl/parents/meeting/\" lang=\"pl\" hreflang=\"pl\" dir=\"ltr\" aria-current=\"page\">Polski</a>"), "{pl}");
    assert!(pl.contains("href=\"/ar/parents/meeting/\" lang=\"ar\" hreflang=\"ar\" dir=\"rtl\">العربية</a>"), "{pl}");
    // Unreviewed: said in the page's language and in English.
    let main = crate::main_element(&pl);
    assert!(main.contains("wm-translation-notice--unreviewed"), "{main}");
    assert!(main.contains("<p class=\"wm-translation-notice__text\" lang=\"en-GB\" dir=\"ltr\">This translation has not yet been checked by a qualified translator.</p>"), "{main}");
    assert!(main.contains("href=\"/parents/meeting/\" hreflang=\"en-GB\""), "the notice links to the source: {main}");
    // Its heading takes the source's id; its link goes to the English safety page (no Polish one).
    assert!(main.contains("<h2 id=\"what-happens\">Co się dzieje"), "{main}");
    assert!(main.contains("<a href=\"/safety/\">Bezpieczeństwo w internecie</a>"), "{main}");
    // The site's texts in Polish, the menu going to Polish pages where there are some.
    assert!(pl.contains(">[pl] Fixture Procedures</a>"), "{pl}");

    // The English page links to its translation; Arabic goes to the notice.
    let en = t.read_out("parents/meeting/index.html");
    assert!(en.contains("<html lang=\"en-GB\" dir=\"ltr\""), "{en}");
    assert!(en.contains("href=\"/pl/parents/meeting/\" lang=\"pl\" hreflang=\"pl\" dir=\"ltr\">Polski</a>"), "{en}");
    let ar = t.read_out("ar/parents/meeting/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\""), "{ar}");
    assert!(ar.contains("<meta name=\"robots\" content=\"noindex\">"), "{ar}");
    let main = crate::main_element(&ar);
    assert!(main.contains("<a href=\"/parents/meeting/\" hreflang=\"en-GB\">"), "the notice links to the English page: {main}");
    assert!(main.contains("<span lang=\"en-GB\" dir=\"ltr\">What is a child protection meeting?</span>"), "{main}");
    // Every English page has one in each other language.
    for lang in ["pl", "ar"] {
        for page in ["index.html", "procedures/index.html", "safety/index.html"] {
            assert!(t.root().join("public").join(lang).join(page).is_file(), "{lang}/{page}");
        }
    }
}

#[test]
fn bad_language_input_is_an_error_at_its_place_and_replaces_nothing() {
    let t = site();
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let before = crate::tree(&t.root().join("public"));
    let fails = |expect: &[&str]| {
        let out = t.run(&["build"]);
        let err = crate::stderr(&t, &out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        for e in expect {
            assert!(err.contains(e), "expected {e:?} in:\n{err}");
        }
        assert_eq!(crate::tree(&t.root().join("public")), before, "nothing replaced");
    };

    // A language site.toml does not have, in a file name.
    t.write("content/parents/meeting.fr.md", MEETING_PL);
    fails(&["content/parents/meeting.fr.md:1:1: error[language]: the file name says the page is in `fr`, which is not one of site.toml's languages", "site.toml's languages are `en-GB`, `pl`, `ar`"]);
    std::fs::remove_file(t.root().join("content/parents/meeting.fr.md")).unwrap();

    // A translation of a page that does not exist.
    t.write("content/parents/meetin.pl.md", MEETING_PL);
    fails(&["content/parents/meetin.pl.md:1:1: error[translation]: this is a translation of `parents/meetin.md`, which does not exist", "did you mean `parents/meeting.md`?"]);
    std::fs::remove_file(t.root().join("content/parents/meetin.pl.md")).unwrap();

    // A bad `translation:` value, at its line and column.
    t.write("content/parents/meeting.pl.md", &MEETING_PL.replace("translation: unreviewed", "translation: unreveiwed"));
    fails(&["content/parents/meeting.pl.md:7:14: error[translation]: unknown `translation` `unreveiwed`", "did you mean `unreviewed`?"]);
    // And none at all.
    t.write("content/parents/meeting.pl.md", &MEETING_PL.replace("translation: unreviewed\n", ""));
    fails(&["content/parents/meeting.pl.md:2:1: error[translation]: a translation must say whether it has been checked: `translation:` is missing"]);
    t.write("content/parents/meeting.pl.md", MEETING_PL);

    // An unknown language code in site.toml.
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &toml.replace("code = \"ar\"", "code = \"xx\""));
    fails(&["site.toml:15:9: error[config]: `[[languages]]`: `xx` is not a language code the IANA registry knows"]);
    t.write("site.toml", &toml);

    // A theme string missing from the site's own Polish strings file.
    let builtin = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/pl.yaml")).unwrap();
    let without: String = builtin.lines().filter(|l| !l.trim_start().starts_with("unreviewed:")).map(|l| format!("{l}\n")).collect();
    assert_ne!(without, builtin, "the Polish strings have `translation.unreviewed`");
    t.write("themes/default/i18n/pl.yaml", &without);
    fails(&["i18n/pl.yaml:1:1: error[strings]: the string `translation.unreviewed` is missing from themes/default/i18n/pl.yaml and i18n/pl.yaml"]);
    std::fs::remove_file(t.root().join("themes/default/i18n/pl.yaml")).unwrap();

    // A text of site.toml with no translation.
    t.write("i18n/pl.yaml", &site_texts("pl").replace("  \"Core groups\": \"[pl] Core groups\"\n", ""));
    fails(&["error[strings]: site.toml's text \u{201c}Core groups\u{201d} has no translation in `pl`"]);
    t.write("i18n/pl.yaml", &site_texts("pl"));
    assert!(t.run(&["build"]).status.success());
}

#[test]
fn a_translation_older_than_its_source_or_with_other_links_is_a_warning_that_strict_fails() {
    let t = site();
    // The source's newest change note is after the translation's date.
    let source = std::fs::read_to_string(t.root().join("content/parents/meeting.md")).unwrap();
    t.write("content/parents/meeting.md", &source.replace("changes:\n", "changes:\n  - { date: 2026-11-25, note: Who can come with you }\n"));
    // And the translation has lost its link.
    t.write("content/parents/meeting.pl.md", &MEETING_PL.replace("\n[Bezpieczeństwo w internecie](../safety.md)\n", "\n"));
    let out = t.run(&["check"]);
    let err = crate::stderr(&t, &out);
    assert!(out.status.success(), "warnings only: {err}");
    assert!(err.contains("content/parents/meeting.pl.md:8:18: warning[translation-stale]: this translation follows content/parents/meeting.md of 2026-11-20, which changed on 2026-11-25"), "{err}");
    assert!(err.contains("warning[translation-structure]: this translation's links do not match content/parents/meeting.md: the source links to `safety.md` and the translation does not"), "{err}");
    let out = t.run(&["check", "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", crate::stderr(&t, &out));
}

#[test]
fn the_shipped_translations_state_timescales_in_their_language_with_the_figures_of_the_rules() {
    let out = crate::shipped::build_shipped();
    let site = out.path().join("site");
    let text = |rel: &str| {
        let html = std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        crate::main_element(&html).to_owned()
    };
    // The figures are the rules file's: 15 calendar days, every 4 weeks, 6 months.
    let pl = text("pl/parents/plan-and-core-group/index.html");
    assert!(pl.contains("najpóźniej 15 dni po wpisaniu"), "{pl}");
    assert!(pl.contains("co 4 tygodnie od pierwszego spotkania grupy podstawowej"), "{pl}");
    let ar = text("ar/parents/what-the-meeting-can-decide/index.html");
    assert!(ar.contains("خلال يوم واحد بعد الاجتماع"), "one day, said in words: {ar}");
    assert!(ar.contains("خلال 5 أيام عمل بعد الاجتماع"), "{ar}");
    let gd = text("gd/parents/the-register/index.html");
    assert!(gd.contains("taobh a-staigh 6 mìosan"), "{gd}");
    // The pages of each language list and link to that language's pages.
    let section = text("ur/parents/index.html");
    assert!(section.contains("href=\"/ur/parents/what-is-a-cppm/\""), "{section}");
    assert!(!section.contains("href=\"/parents/what-is-a-cppm/\""), "{section}");
    // Search has an index per language.
    let entry = std::fs::read_to_string(site.join("pagefind/pagefind-entry.json")).unwrap();
    for lang in ["\"en-gb\"", "\"pl\"", "\"ar\"", "\"ur\"", "\"gd\""] {
        assert!(entry.contains(lang), "{lang} in {entry}");
    }
}
