//! Easy Read pages: picture-and-statement blocks, the links between a page
//! and its Easy Read version, the section list's mark, a site's own picture,
//! and a bad `easy_read_of` or picture name stopping the build with nothing
//! replaced.

use crate::SiteTest;

const EASY: &str = "---\ntitle: \"Easy Read: the meeting\"\naudience: [parents-and-carers]\nformat: easy-read\neasy_read_of: meeting.md\nsources:\n  - Fixture guidance\n---\n\
## The meeting\n\n![](picture:meeting)\nThere is a meeting.\nIt is about your child.\n\n![You, at home](picture:house)\nYou can come from home.\n";

#[test]
fn an_easy_read_page_shows_pictures_beside_its_lines_and_links_to_its_full_version() {
    let t = SiteTest::from_fixture("basic");
    t.write("content/parents/meeting-easy-read.md", EASY);
    let out = t.run(&["check", "--strict"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));

    let html = t.read_out("parents/meeting-easy-read/index.html");
    let main = crate::main_element(&html);
    let block = |alt: &str| {
        let at = main.find(&format!("alt=\"{alt}\"")).unwrap_or_else(|| panic!("a picture with alt {alt:?}: {main}"));
        let start = main[..at].rfind("<div class=\"wm-er-block\">").expect("inside a block");
        &main[start..start + main[start..].find("</div>\n</div>").expect("block ends")]
    };
    // The default alt text from the theme's pictures.yaml, and the author's own.
    let meeting = block("People at a meeting");
    assert!(meeting.contains("<p>There is a meeting.</p><p>It is about your child.</p>"), "{meeting}");
    let src = meeting.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a src");
    assert!(src.starts_with("/static/pictures/meeting.") && src.ends_with(".svg"), "{src}");
    let svg = std::fs::read_to_string(t.root().join("public").join(&src[1..])).expect("the picture is published");
    assert!(svg.contains("<svg") && !svg.contains("<script"), "{svg}");
    assert!(block("You, at home").contains("<p>You can come from home.</p>"));
    assert!(main.contains("This is the Easy Read version. <a href=\"/parents/meeting/\">Read the full version"), "{main}");

    // The ordinary page links to it; the section marks it.
    let full = t.read_out("parents/meeting/index.html");
    assert!(crate::main_element(&full).contains("<a href=\"/parents/meeting-easy-read/\">Easy Read version"), "{full}");
    let section = t.read_out("parents/index.html");
    let item = section.split("<li class=\"wm-page-list__item\">").find(|li| li.contains("/parents/meeting-easy-read/")).expect("listed");
    assert!(item.contains("<span class=\"wm-tag\">Easy Read</span>"), "{item}");
}

#[test]
fn a_site_adds_its_own_picture_with_its_alt_text() {
    let t = SiteTest::from_fixture("basic");
    t.write("themes/default/static/pictures/ferry.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 96\"><path d=\"M8 60h80l-10 16H18z\" fill=\"#0e3b43\"/></svg>\n");
    t.write("themes/default/pictures.yaml", "ferry: A ferry on the sea\nmeeting: People at a meeting\n");
    t.write("content/parents/meeting-easy-read.md", &EASY.replace("picture:house", "picture:ferry"));
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let html = t.read_out("parents/meeting-easy-read/index.html");
    assert!(html.contains("alt=\"You, at home\""), "the author's alt text wins");
    assert!(html.contains("src=\"/static/pictures/ferry."), "{html}");

    // An alt text for a picture the theme lacks is an error at its line.
    t.write("themes/default/pictures.yaml", "ferry: A ferry on the sea\nboat: A boat\n");
    let out = t.run(&["check"]);
    let err = crate::stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("themes/default/pictures.yaml:2:1: error[picture]: `boat` has an alt text but the theme has no picture static/pictures/boat.svg"), "{err}");
}

#[test]
fn a_wrong_picture_or_version_stops_the_build_and_keeps_the_last_output() {
    let t = SiteTest::from_fixture("basic");
    t.write("content/parents/meeting-easy-read.md", EASY);
    assert!(t.run(&["build"]).status.success());
    let before = crate::tree(&t.root().join("public"));

    t.write("content/parents/meeting-easy-read.md", &EASY.replace("picture:meeting", "picture:meetin").replace("easy_read_of: meeting.md", "easy_read_of: meting.md"));
    let out = t.run(&["build"]);
    let err = crate::stderr(&t, &out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/parents/meeting-easy-read.md:5:15: error[front-matter]: `easy_read_of` names `meting.md`, which is not a published page"), "{err}");
    assert!(err.contains("did you mean `parents/meeting.md`?"), "{err}");
    assert!(err.contains("content/parents/meeting-easy-read.md:11:1: error[picture]: there is no picture `meetin` in the theme's picture library"), "{err}");
    assert!(err.contains("did you mean `meeting`?"), "{err}");
    assert_eq!(crate::tree(&t.root().join("public")), before, "nothing replaced");
}
