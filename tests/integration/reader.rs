//! Reader features made from the pages: audience lists, what has changed
//! (change notes, git dates, the updates page and its Atom feed), and
//! section print pages.

use std::path::Path;
use std::process::Command;

use quick_xml::events::Event;

use crate::SiteTest;

fn built() -> SiteTest {
    let t = SiteTest::from_fixture("basic");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    t
}

/// (element path, text) of every text node, and every element's attributes.
fn xml_events(xml: &str) -> Vec<(String, String)> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    // Text after an entity reference continues the text before it.
    let mut join = false;
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                path.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
                for a in e.attributes() {
                    let a = a.unwrap();
                    out.push((format!("{}@{}", path.join("/"), String::from_utf8_lossy(a.key.as_ref())), a.unescape_value().unwrap().into_owned()));
                }
            }
            Event::Empty(e) => {
                let name = format!("{}/{}", path.join("/"), String::from_utf8_lossy(e.name().as_ref()));
                for a in e.attributes() {
                    let a = a.unwrap();
                    out.push((format!("{name}@{}", String::from_utf8_lossy(a.key.as_ref())), a.unescape_value().unwrap().into_owned()));
                }
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.xml_content().unwrap().into_owned();
                match out.last_mut().filter(|l| join && l.0 == path.join("/")) {
                    Some(last) => last.1.push_str(&text),
                    None if !text.trim().is_empty() => out.push((path.join("/"), text)),
                    None => {}
                }
                join = false;
            }
            Event::GeneralRef(e) => {
                // `&amp;` and friends arrive apart from the text around them.
                let c = match &*e {
                    b"amp" => "&",
                    b"lt" => "<",
                    b"gt" => ">",
                    b"quot" => "\"",
                    _ => "'",
                };
                if let Some(last) = out.last_mut().filter(|l| l.0 == path.join("/")) {
                    last.1.push_str(c);
                } else {
                    out.push((path.join("/"), c.to_owned()));
                }
                join = true;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn values<'a>(ev: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    ev.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn the_atom_feed_lists_every_change_newest_first() {
    let t = built();
    let xml = t.read_out("updates.xml");
    let ev = xml_events(&xml);
    assert_eq!(values(&ev, "feed@xmlns"), ["http://www.w3.org/2005/Atom"]);
    assert_eq!(values(&ev, "feed/title"), ["Fixture Procedures: updates"]);
    assert_eq!(values(&ev, "feed/updated"), ["2026-11-20T00:00:00Z"], "the newest change, not the build time");
    assert_eq!(values(&ev, "feed/id").len(), 1);
    assert_eq!(values(&ev, "feed/link@href"), ["https://example.org/updates.xml", "https://example.org/updates/"]);
    assert_eq!(values(&ev, "feed/author/name"), ["Fixture Procedures"]);
    assert_eq!(values(&ev, "feed/entry/title"), ["Core groups", "What is a child protection meeting?", "Core groups"]);
    assert_eq!(values(&ev, "feed/entry/updated"), ["2026-11-20T00:00:00Z", "2026-11-20T00:00:00Z", "2026-10-01T00:00:00Z"]);
    assert_eq!(
        values(&ev, "feed/entry/link@href"),
        ["https://example.org/procedures/core-groups/", "https://example.org/parents/meeting/", "https://example.org/procedures/core-groups/"]
    );
    assert_eq!(values(&ev, "feed/entry/summary"), ["The first meeting: new timescale & who chairs", "First published", "First published"]);
    let ids = values(&ev, "feed/entry/id");
    assert_eq!(ids, ["tag:example.org,2026-11-20:/procedures/core-groups/1", "tag:example.org,2026-11-20:/parents/meeting/1", "tag:example.org,2026-10-01:/procedures/core-groups/1"]);
    // Every page points feed readers at it.
    assert!(t.read_out("procedures/cppm/index.html").contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    // The updates page shows the same, newest first.
    let updates = t.read_out("updates/index.html");
    let main = crate::main_element(&updates);
    let first = main.find("new timescale &amp; who chairs").expect("the newest change");
    let last = main.rfind("First published").expect("the oldest");
    assert!(first < last);
    assert!(main.contains("href=\"/updates.xml\""));
}

#[test]
fn pages_show_their_changes_and_last_updated_from_the_notes_without_git() {
    let t = built();
    let html = t.read_out("procedures/core-groups/index.html");
    assert!(html.contains("<time datetime=\"2026-11-20\">20 November 2026</time> (from the page's change notes)"), "{html}");
    assert!(html.contains("<li><time datetime=\"2026-10-01\">1 October 2026</time>: First published</li>"));
    // A page without notes or history says nothing.
    assert!(!t.read_out("procedures/cppm/index.html").contains("Last updated"));
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.invalid")
        .env("GIT_COMMITTER_NAME", "Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.invalid")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn last_updated_comes_from_git_history_unless_the_clone_is_shallow() {
    let t = SiteTest::from_fixture("basic");
    let root = t.root();
    git(root, &["init", "-q", "-b", "main"], "2026-01-05T09:00:00Z");
    git(root, &["add", "."], "2026-01-05T09:00:00Z");
    git(root, &["commit", "-q", "-m", "First"], "2026-01-05T09:00:00Z");
    t.write("content/procedures/cppm.md", &std::fs::read_to_string(root.join("content/procedures/cppm.md")).unwrap().replace("## Purpose", "## Purpose\n\nEdited."));
    t.write("content/procedures/core-groups.md", &std::fs::read_to_string(root.join("content/procedures/core-groups.md")).unwrap().replace("soon after", "quickly after"));
    git(root, &["commit", "-q", "-am", "Second"], "2026-12-02T09:00:00Z");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let cppm = t.read_out("procedures/cppm/index.html");
    assert!(cppm.contains("<time datetime=\"2026-12-02\">2 December 2026</time> (from the site's history)"), "{cppm}");
    // History newer than the notes wins; history older than the notes does not.
    assert!(t.read_out("procedures/core-groups/index.html").contains("2 December 2026</time> (from the site's history)"));
    assert!(t.read_out("parents/meeting/index.html").contains("20 November 2026</time> (from the page's change notes)"));
    assert!(t.read_out("procedures/index.html").contains("5 January 2026</time> (from the site's history)"));

    // A shallow clone's history would date every page to its one commit: not used.
    let tmp = tempfile::tempdir().unwrap();
    let clone = tmp.path().join("clone");
    git(tmp.path(), &["clone", "-q", "--depth", "1", &format!("file://{}", root.display()), clone.to_str().unwrap()], "2026-12-03T09:00:00Z");
    let out = Command::new(env!("CARGO_BIN_EXE_waymark")).arg("--root").arg(&clone).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cppm = std::fs::read_to_string(clone.join("public/procedures/cppm/index.html")).unwrap();
    assert!(!cppm.contains("Last updated"), "no notes and no usable history");
    let cg = std::fs::read_to_string(clone.join("public/procedures/core-groups/index.html")).unwrap();
    assert!(cg.contains("(from the page's change notes)"));
}

#[test]
fn each_audience_has_a_list_of_its_pages_by_stage() {
    let t = built();
    let html = t.read_out("audiences/practitioners/index.html");
    let main = crate::main_element(&html);
    let planning = main.find(">Planning meetings</h2>").expect("the planning-meeting stage");
    let core = main.find(">Core groups</h2>").expect("the core-group stage");
    assert!(planning < core, "stages in site.toml's order");
    let cppm = main.find("href=\"/procedures/cppm/\"").expect("cppm listed");
    let cg = main.find("href=\"/procedures/core-groups/\"").expect("core groups listed");
    assert!(planning < cppm && cppm < core && core < cg);
    assert!(!main.contains("/parents/meeting/"), "only this audience's pages");
    assert!(main.contains("Start here"), "links to the audience's own landing page");
    // A page's "Who this is for" links to the list.
    assert!(t.read_out("procedures/cppm/index.html").contains("<a href=\"/audiences/practitioners/\" data-pagefind-filter=\"audience\">Practitioners</a>"));
    let parents = t.read_out("audiences/parents-and-carers/index.html");
    assert!(crate::main_element(&parents).contains("href=\"/parents/meeting/\""));
    assert!(parents.contains("wm-has-exit"), "family audiences keep the exit button");
    let sitemap = t.read_out("sitemap.xml");
    assert!(sitemap.contains("https://example.org/audiences/practitioners/") && sitemap.contains("https://example.org/updates/"));
    assert!(!sitemap.contains("/print/"), "print pages repeat other pages");
}

#[test]
fn a_section_prints_whole_with_one_outline_and_unique_ids() {
    let t = built();
    let section = t.read_out("procedures/index.html");
    assert!(section.contains("<a href=\"/procedures/print/\">Print this section</a>"));
    let html = t.read_out("procedures/print/index.html");
    assert_eq!(html.matches("<h1").count(), 1);
    // Every id once.
    let mut ids: Vec<&str> = html.split(" id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
    // The pages in the section's order (cppm: order 1, planning meeting; core groups: order 2).
    let cppm = html.find("<h2 class=\"wm-heading-l\" id=\"page-1\">Child protection planning meetings</h2>").expect("cppm as h2");
    let cg = html.find("<h2 class=\"wm-heading-l\" id=\"page-2\">Core groups</h2>").expect("core groups as h2");
    assert!(cppm < cg);
    // Their headings one level down, their ids and in-page links prefixed.
    assert!(html.contains("<h3 id=\"page-2-the-first-meeting\">"), "{html}");
    assert!(!html.contains("href=\"#the-first-meeting\""));
    // No heading level skipped.
    let levels: Vec<u8> = html.match_indices("<h").filter_map(|(i, _)| html.as_bytes().get(i + 2).copied()).filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    assert!(levels.windows(2).all(|w| w[1] <= w[0] + 1), "{levels:?}");
}

#[test]
fn search_indexes_every_page_and_the_search_page_lists_them() {
    let t = built();
    let entry: serde_json::Value = serde_json::from_str(&t.read_out("pagefind/pagefind-entry.json")).unwrap();
    let lang = &entry["languages"]["en"];
    // Every Markdown page (home, sections and pages; drafts left out), and no made page.
    let pages = t.read_out("sitemap.xml").matches("<loc>").count() - t.read_out("sitemap.xml").matches("/audiences/").count() - 2;
    assert_eq!(lang["page_count"].as_u64().unwrap() as usize, pages, "{entry}");
    for f in ["pagefind/pagefind.js", "pagefind/pagefind-worker.js", &format!("pagefind/wasm.{}.pagefind", lang["wasm"].as_str().unwrap())] {
        assert!(t.root().join("public").join(f).is_file(), "{f} missing");
    }
    assert!(!t.root().join("public/pagefind/pagefind-ui.js").exists(), "Pagefind's own UI is not shipped");
    // The body is indexed with its audience and stage as filters.
    let cppm = t.read_out("procedures/cppm/index.html");
    assert!(cppm.contains("<div class=\"wm-page\" data-pagefind-body>"));
    assert!(cppm.contains("<span data-pagefind-filter=\"stage\">Planning meetings</span>"));
    // Every page has the header box, whose input has no name (nothing in the address).
    assert!(cppm.contains("<form class=\"wm-header-search\" role=\"search\" action=\"/search/\" method=\"get\" data-wm-search-box>"));
    assert!(cppm.contains("<input class=\"wm-header-search__input\" id=\"wm-header-search\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\">"));
    // The search page: its form is for JavaScript, and every page is listed by audience.
    let search = t.read_out("search/index.html");
    let main = crate::main_element(&search);
    assert!(main.contains("data-wm-search=\"/pagefind/\" hidden\n"));
    // The words search.js says, in the page's language.
    assert!(main.contains("data-wm-text-searching=\"Searching…\""));
    assert!(main.contains("data-wm-text-no-match=\"No pages{where} match “{query}”. Check the spelling, or try fewer or different words.\""));
    assert!(main.contains("<option value=\"Parents and carers\">Parents and carers</option>"));
    assert!(main.contains("<option value=\"Planning meetings\">Planning meetings</option>"));
    for url in ["/procedures/cppm/", "/procedures/core-groups/", "/parents/meeting/"] {
        assert!(main.contains(&format!("<li><a href=\"{url}\">")), "{url} not listed");
    }
    assert!(!main.contains("/procedures/draft/"), "drafts are not listed");
    assert!(!search.contains("data-pagefind-body"), "the search page is not itself indexed");
}

#[test]
fn resources_can_be_shown_for_one_audience_without_javascript() {
    let t = SiteTest::from_fixture("basic");
    t.write(
        "content/resources.yaml",
        "- group: tools\n  title: Toolkit\n  summary: For practitioners.\n  see: [procedures/core-groups.md]\n  who: Social workers\n  audience: [practitioners]\n\
         - group: tools\n  title: Leaflet\n  link: parents/meeting.md\n  summary: For families.\n  who: Parents\n  audience: [parents-and-carers, practitioners]\n\
         - group: more\n  title: Handbook\n  link: https://example.org/handbook\n  summary: Long.\n  who: Chairs\n  audience: [practitioners]\n",
    );
    t.write("content/procedures/resources.md", "---\ntitle: Resources\naudience: [practitioners]\nsources: [x]\n---\n{{ resources_filter() }}\n\n## Tools\n\n{{ resources(\"tools\") }}\n\n## More\n\n{{ resources(\"more\") }}\n");
    let out = t.run(&["build"]);
    assert!(out.status.success(), "{}", crate::stderr(&t, &out));
    let all = t.read_out("procedures/resources/index.html");
    assert_eq!(all.matches("<tr class=\"wm-resources__row\"").count(), 3);
    assert!(all.contains("<a href=\"/procedures/core-groups/\">Core groups</a>"), "`see` links show the page's title");
    assert!(all.contains("<a href=\"/parents/meeting/\">Leaflet</a>"));
    assert!(all.contains("<a href=\"https://example.org/handbook\">Handbook</a>"));
    assert!(all.contains("<a class=\"wm-resources-filter__link\" href=\"/procedures/resources/parents-and-carers/\" data-wm-audience=\"parents-and-carers\">Parents and carers</a>"));
    assert!(all.contains("js/resources."), "the page loads the filter script");
    let parents = t.read_out("procedures/resources/parents-and-carers/index.html");
    let main = crate::main_element(&parents);
    assert_eq!(main.matches("<tr class=\"wm-resources__row\"").count(), 1);
    assert!(main.contains(">Leaflet</a>") && !main.contains(">Toolkit<") && !main.contains(">Handbook</a>"));
    assert!(main.contains("<p class=\"wm-resources__none\">Nothing in this list is for parents and carers.</p>"), "the empty table says so");
    assert!(main.contains("data-wm-audience=\"parents-and-carers\" aria-current=\"page\">"));
    assert!(parents.contains("<title>Resources: for parents and carers – "));
    let pros = t.read_out("procedures/resources/practitioners/index.html");
    assert_eq!(crate::main_element(&pros).matches("<tr class=\"wm-resources__row\"").count(), 3);
}
