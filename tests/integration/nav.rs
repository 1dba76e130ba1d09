//! The section navigation and previous/next on the pages of a section
//! (fixture `nav`: a site under `/guide/`, a practitioners' section whose
//! files are named out of reading order, a family section, a one-page
//! section, a page under the home page and a draft).

use crate::SiteTest;

/// The `<nav>` with `class` on a page, if there is one.
fn nav<'a>(html: &'a str, class: &str) -> Option<&'a str> {
    let start = html.find(&format!("<nav class=\"{class}\""))?;
    let end = start + html[start..].find("</nav>")? + "</nav>".len();
    Some(&html[start..end])
}

/// Every link in some HTML: (href, text without tags, aria-current="page").
fn links(html: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a ") {
        let tag_end = i + rest[i..].find('>').expect("a closed tag");
        let tag = &rest[i..tag_end];
        let href = tag.split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap_or_default().to_owned();
        let close = tag_end + rest[tag_end..].find("</a>").expect("a closed link");
        let mut text = String::new();
        let mut in_tag = false;
        for c in rest[tag_end + 1..close].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push((href, text.split_whitespace().collect::<Vec<_>>().join(" "), tag.contains("aria-current=\"page\"")));
        rest = &rest[close..];
    }
    out
}

fn built(args: &[&str]) -> SiteTest {
    let t = SiteTest::from_fixture("nav");
    let out = t.run(&[&["build"], args].concat());
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    t
}

/// The reading order of the procedures: stages in site.toml's order, then
/// `order`, then title; the page without a stage last; not the draft.
const PROCEDURES: [(&str, &str); 5] = [
    ("/guide/procedures/d-first-concern/", "The first concern"),
    ("/guide/procedures/c-meetings/", "Planning meetings"),
    ("/guide/procedures/b-reports/", "Reports for the meeting"),
    ("/guide/procedures/a-core-groups/", "Core groups"),
    ("/guide/procedures/e-forms/", "Forms"),
];

#[test]
fn a_practitioner_page_lists_its_section_in_order_with_itself_marked() {
    let t = built(&[]);
    for (n, (url, _)) in PROCEDURES.iter().enumerate() {
        let html = t.read_out(&format!("{}index.html", url.trim_start_matches("/guide/")));
        let nav = nav(&html, "wm-section-nav").unwrap_or_else(|| panic!("{url} has no section navigation"));
        assert!(nav.contains("aria-label=\"Pages in this section\""), "{nav}");
        let found = links(nav);
        // The section's own page first ("Part of"), then its pages in order.
        assert_eq!(found[0], ("/guide/procedures/".to_owned(), "Procedures".to_owned(), false));
        let pages: Vec<(&str, &str)> = found[1..].iter().map(|(h, t, _)| (h.as_str(), t.as_str())).collect();
        assert_eq!(pages, PROCEDURES, "on {url}");
        let current: Vec<usize> = found[1..].iter().enumerate().filter(|(_, l)| l.2).map(|(i, _)| i).collect();
        assert_eq!(current, [n], "on {url}, only the page itself is marked current");
        // Stages as the section page groups them, in site.toml's order.
        let stages: Vec<usize> = ["When there is a concern", "Planning meetings</p>", "Core groups</p>", "Other pages"].iter().map(|s| nav.find(s).unwrap_or_else(|| panic!("no stage {s} in {nav}"))).collect();
        assert!(stages.is_sorted(), "{nav}");
        // The navigation follows the page's text in the HTML (the CSS puts it beside the text on wide screens).
        assert!(html.find("class=\"wm-prose\"").unwrap() < html.find("class=\"wm-section-nav\"").unwrap());
        assert!(html.find("class=\"wm-section-nav\"").unwrap() < html.find("</main>").unwrap());
    }
    // The section page lists them in the same order.
    let section = t.read_out("procedures/index.html");
    let listed: Vec<String> = links(crate::main_element(&section)).into_iter().map(|l| l.0).filter(|h| h.starts_with("/guide/procedures/") && h.len() > "/guide/procedures/".len() && !h.ends_with("/print/")).collect();
    assert_eq!(listed, PROCEDURES.map(|p| p.0.to_owned()));
}

#[test]
fn previous_and_next_follow_the_section_order() {
    let t = built(&[]);
    for (n, (url, _)) in PROCEDURES.iter().enumerate() {
        let html = t.read_out(&format!("{}index.html", url.trim_start_matches("/guide/")));
        let pagination = nav(&html, "wm-pagination").unwrap_or_else(|| panic!("{url} has no previous/next"));
        let found = links(pagination);
        let mut expected = Vec::new();
        if n > 0 {
            let (h, title) = PROCEDURES[n - 1];
            expected.push((h.to_owned(), format!("Previous page: {title}"), false));
        }
        if let Some((h, title)) = PROCEDURES.get(n + 1) {
            expected.push(((*h).to_owned(), format!("Next page: {title}"), false));
        }
        assert_eq!(found, expected, "on {url}");
        assert_eq!(pagination.contains("rel=\"prev\""), n > 0);
        assert_eq!(pagination.contains("rel=\"next\""), n + 1 < PROCEDURES.len());
        assert!(html.find("class=\"wm-page\"").unwrap() < html.find("class=\"wm-pagination\"").unwrap());
    }
}

#[test]
fn a_family_page_gets_previous_and_next_only() {
    let t = built(&[]);
    let html = t.read_out("parents/who-comes/index.html");
    assert!(nav(&html, "wm-section-nav").is_none(), "family pages have no list of the section's pages");
    assert!(!html.contains("wm-page-layout"), "nor the two-column layout");
    let pagination = nav(&html, "wm-pagination").expect("previous/next");
    assert_eq!(
        links(pagination),
        [
            ("/guide/parents/the-meeting/".to_owned(), "Previous page: The meeting".to_owned(), false),
            ("/guide/parents/the-plan/".to_owned(), "Next page: The plan".to_owned(), false),
            ("/guide/parents/".to_owned(), "All pages in this guide".to_owned(), false),
        ]
    );
    assert!(pagination.contains("Page 2 of 3."), "{pagination}");
    // The first page has no previous, the last no next.
    let first = t.read_out("parents/the-meeting/index.html");
    let first = links(nav(&first, "wm-pagination").expect("previous/next"));
    assert_eq!(first[0], ("/guide/parents/who-comes/".to_owned(), "Next page: Who comes to the meeting".to_owned(), false));
    assert!(!first.iter().any(|l| l.1.starts_with("Previous")));
    let last = t.read_out("parents/the-plan/index.html");
    let last = links(nav(&last, "wm-pagination").expect("previous/next"));
    assert!(last[0].1 == "Previous page: Who comes to the meeting" && !last.iter().any(|l| l.1.starts_with("Next")), "{last:?}");
}

#[test]
fn pages_outside_a_section_of_two_or_more_get_none() {
    let t = built(&[]);
    for page in [
        "young-people/your-say/index.html", // the only page of its section
        "about/index.html",                 // under the home page
        "index.html",
        "procedures/index.html",
        "parents/index.html",
        "404.html",
        "search/index.html",
        "procedures/print/index.html",
        "audiences/practitioners/index.html",
        "updates/index.html",
    ] {
        let html = t.read_out(page);
        for class in ["wm-section-nav", "wm-pagination", "wm-page-layout"] {
            assert!(!html.contains(class), "{page} has {class}");
        }
    }
}

#[test]
fn drafts_built_with_drafts_get_none_and_are_not_in_the_others() {
    let t = built(&["--drafts"]);
    let draft = t.read_out("procedures/f-draft/index.html");
    assert!(nav(&draft, "wm-section-nav").is_none() && nav(&draft, "wm-pagination").is_none());
    let first = t.read_out("procedures/d-first-concern/index.html");
    assert!(!first.contains("f-draft"), "the draft is not in the others' navigation");
    let pages: Vec<String> = links(nav(&first, "wm-section-nav").unwrap()).into_iter().skip(1).map(|l| l.0).collect();
    assert_eq!(pages, PROCEDURES.map(|p| p.0.to_owned()));
}
