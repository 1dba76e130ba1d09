//! Offline use: the manifest, the worker's table of files and its save
//! lists, the offers on pages, the switch in site.toml, a base path, and the
//! preview server's worker. The browser side is tests/browser/offline.mjs.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{SiteTest, tree};

/// The table the build gives the worker (`self.WAYMARK = {…};` in sw.js).
fn table(sw: &str) -> Value {
    let line = sw.lines().find_map(|l| l.strip_prefix("self.WAYMARK = ")).expect("sw.js sets self.WAYMARK");
    serde_json::from_str(line.strip_suffix(';').expect("ends with ;")).expect("the table is JSON")
}

/// The output path of an address in the table.
fn path_of(base: &str, url: &str) -> String {
    let rel = url.strip_prefix(base).unwrap_or_else(|| panic!("{url} is under {base}"));
    if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_owned() }
}

fn built(t: &SiteTest, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = t.run(&[&["build"], args].concat());
    assert!(out.status.success(), "{}", crate::stderr(t, &out));
    tree(&t.root().join("public")).into_iter().collect()
}

#[test]
fn the_worker_lists_every_file_written_with_its_hash_and_size() {
    let t = SiteTest::from_fixture("basic");
    let files = built(&t, &[]);
    let w = table(std::str::from_utf8(&files["sw.js"]).expect("utf-8"));
    let base = w["base"].as_str().unwrap();
    assert_eq!(base, "/");
    let mut listed = Vec::new();
    for e in w["files"].as_array().unwrap() {
        let (url, hash, size, hashed) = (e[0].as_str().unwrap(), e[1].as_str().unwrap(), e[2].as_u64().unwrap(), e[3].as_u64().unwrap());
        let path = path_of(base, url);
        let bytes = files.get(&path).unwrap_or_else(|| panic!("the table lists {url}, which was not written"));
        assert_eq!(size, bytes.len() as u64, "{url}: size");
        assert_eq!(hash, format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes)), "{url}: hash");
        assert_eq!(hashed == 1, path.starts_with("static/") || path.starts_with("pagefind/fragment/") || path.starts_with("pagefind/index/") || path.starts_with("pagefind/filter/") || path.ends_with(".pf_meta"), "{url}: hashed");
        listed.push(path);
    }
    let mut written: Vec<String> = files.keys().filter(|p| *p != "sw.js" && *p != "_headers").cloned().collect();
    written.sort();
    listed.sort();
    assert_eq!(listed, written, "the table lists exactly the files written (but sw.js and _headers)");
    // What is kept without asking: the shell.
    let shell: Vec<String> = w["shell"].as_array().unwrap().iter().map(|i| path_of(base, w["files"][i.as_u64().unwrap() as usize][0].as_str().unwrap())).collect();
    assert!(shell.contains(&"offline/index.html".to_owned()) && shell.contains(&"manifest.webmanifest".to_owned()), "{shell:?}");
    assert!(shell.iter().any(|p| p.starts_with("static/css/site.")) && shell.iter().any(|p| p.starts_with("static/js/offline.")) && shell.iter().any(|p| p.starts_with("static/images/icon-192.")), "{shell:?}");
    assert!(shell.iter().all(|p| !p.ends_with("index.html") || p == "offline/index.html"), "no page but the offline page is kept unasked: {shell:?}");
}

#[test]
fn each_save_list_states_the_exact_bytes_of_its_files() {
    let t = SiteTest::from_fixture("basic");
    let files = built(&t, &[]);
    let w = table(std::str::from_utf8(&files["sw.js"]).expect("utf-8"));
    let lists = w["lists"].as_object().unwrap();
    assert_eq!(lists.keys().cloned().collect::<Vec<_>>(), ["parents-and-carers", "practitioners"]);
    for (id, l) in lists {
        let paths: Vec<String> = l["files"].as_array().unwrap().iter().map(|i| path_of("/", w["files"][i.as_u64().unwrap() as usize][0].as_str().unwrap())).collect();
        let on_disk: u64 = paths.iter().map(|p| files[p].len() as u64).sum();
        assert_eq!(l["bytes"].as_u64().unwrap(), on_disk, "{id}: the stated bytes are the bytes of its files");
        let kb = on_disk.div_ceil(1000);
        assert_eq!(l["size"].as_str().unwrap(), format!("about {kb} KB"), "{id}");
        // The search index and runtime, the shell and the audience's own pages.
        assert!(paths.iter().any(|p| p == "pagefind/pagefind.js") && paths.iter().filter(|p| p.starts_with("pagefind/")).count() == files.keys().filter(|p| p.starts_with("pagefind/")).count(), "{id}: all of search");
        assert!(paths.contains(&"search/index.html".to_owned()) && paths.contains(&"offline/index.html".to_owned()) && paths.contains(&"index.html".to_owned()), "{id}");
        assert!(paths.contains(&format!("audiences/{id}/index.html")), "{id}");
        let pages = paths.iter().filter(|p| p.ends_with("index.html")).count() as u64;
        assert_eq!(l["pages"].as_u64().unwrap(), pages, "{id}");
    }
    let family: Vec<&str> = lists["parents-and-carers"]["files"].as_array().unwrap().iter().map(|i| w["files"][i.as_u64().unwrap() as usize][0].as_str().unwrap()).collect();
    assert!(family.contains(&"/parents/meeting/") && family.contains(&"/safety/") && !family.contains(&"/procedures/cppm/"), "{family:?}");
    let work: Vec<&str> = lists["practitioners"]["files"].as_array().unwrap().iter().map(|i| w["files"][i.as_u64().unwrap() as usize][0].as_str().unwrap()).collect();
    assert!(work.contains(&"/procedures/cppm/") && !work.contains(&"/parents/meeting/"), "{work:?}");
}

#[test]
fn pages_offer_to_save_their_audience_and_the_safety_page_can_remove() {
    let t = SiteTest::from_fixture("basic");
    let files = built(&t, &[]);
    let page = |p: &str| String::from_utf8(files[p].clone()).expect("utf-8");
    let family = page("parents/meeting/index.html");
    assert!(family.contains("data-wm-offline-save=\"parents-and-carers\""));
    assert!(family.contains("Save this guide on this phone") && family.contains("Saved pages leave a trace on this phone."));
    assert!(family.contains("href=\"/safety/#saved-pages\""), "the offer links to the safety page's section");
    assert!(family.contains("data-pagefind-ignore hidden>"), "search does not index the offer, and it waits for the script");
    let work = page("procedures/cppm/index.html");
    assert!(work.contains("data-wm-offline-save=\"practitioners\"") && work.contains("Save the procedures for offline use"));
    assert!(!page("index.html").contains("data-wm-offline-save"), "the home page is for everyone: no offer");
    let safety = page("safety/index.html");
    assert!(!safety.contains("data-wm-offline-save"));
    assert!(safety.contains("<h2 id=\"saved-pages\">Pages saved on this phone</h2>"));
    assert_eq!(safety.matches("Remove saved pages from this phone").count(), 3, "the safety page's button, its text and the footer's");
    for p in ["index.html", "procedures/cppm/index.html", "404.html", "offline/index.html"] {
        let html = page(p);
        assert!(html.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"), "{p}");
        assert!(html.contains("data-wm-worker=\"/sw.js\" data-wm-scope=\"/\""), "{p}");
        assert!(html.contains("data-wm-offline-remove hidden"), "{p}: the footer's remove button");
        assert!(html.contains("You are offline. This is the version saved on "), "{p}");
        assert!(html.contains("A newer version is available: <button"), "{p}");
        assert!(html.contains("worker-src &#39;self&#39;; manifest-src &#39;self&#39;"), "{p}: the policy");
    }
    let headers = page("_headers");
    assert!(headers.contains("worker-src 'self'; manifest-src 'self'"));
    assert!(headers.contains("/sw.js\n  Cache-Control: public, max-age=0, must-revalidate"), "{headers}");
    let m: Value = serde_json::from_slice(&files["manifest.webmanifest"]).expect("the manifest is JSON");
    assert_eq!((m["name"].as_str(), m["short_name"].as_str(), m["start_url"].as_str(), m["scope"].as_str()), (Some("Fixture Procedures"), Some("Fixture Procedures"), Some("/"), Some("/")));
    let sizes: Vec<&str> = m["icons"].as_array().unwrap().iter().map(|i| i["sizes"].as_str().unwrap()).collect();
    assert!(sizes.contains(&"192x192") && sizes.contains(&"512x512"), "{sizes:?}");
    for icon in m["icons"].as_array().unwrap() {
        assert!(files.contains_key(icon["src"].as_str().unwrap().trim_start_matches('/')), "{icon}");
    }
}

#[test]
fn the_saved_on_date_comes_from_the_content_not_the_clock() {
    let t = SiteTest::from_fixture("basic");
    let files = built(&t, &[]);
    let html = String::from_utf8(files["parents/meeting/index.html"].clone()).unwrap();
    let notice = html.split("You are offline. This is the version saved on ").nth(1).expect("the notice").split('.').next().unwrap().to_owned();
    // The newest `last_reviewed` or `changes:` date of the fixture's pages (it has no git history).
    let mut newest = String::new();
    for (p, bytes) in tree(&t.root().join("content")) {
        if p.ends_with(".md") {
            for line in String::from_utf8(bytes).unwrap().lines() {
                for key in ["last_reviewed: ", "date: "] {
                    if let Some(i) = line.find(key) {
                        let d: String = line[i + key.len()..].chars().take(10).collect();
                        if d.len() == 10 && d > newest {
                            newest = d;
                        }
                    }
                }
            }
        }
    }
    assert!(!newest.is_empty());
    assert!(notice.contains(&format!("datetime=\"{newest}\"")), "{notice} vs {newest}");
}

#[test]
fn the_same_input_gives_the_same_worker_and_manifest() {
    let a = SiteTest::from_fixture("basic");
    let b = SiteTest::from_fixture("basic");
    let (fa, fb) = (built(&a, &[]), built(&b, &[]));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (p, bytes) in &fa {
        assert!(bytes == &fb[p], "{p} differs between two builds of the same input");
    }
    // A changed page gives a new version (a new cache) and a new hash for that page only.
    b.write("content/parents/meeting.md", &format!("{}\nOne more sentence.\n", std::fs::read_to_string(b.root().join("content/parents/meeting.md")).unwrap()));
    let fc = built(&b, &[]);
    let (ta, tc) = (table(std::str::from_utf8(&fa["sw.js"]).unwrap()), table(std::str::from_utf8(&fc["sw.js"]).unwrap()));
    assert_ne!(ta["version"], tc["version"]);
    let hash = |t: &Value, url: &str| t["files"].as_array().unwrap().iter().find(|e| e[0] == url).map(|e| e[1].clone());
    assert_ne!(hash(&ta, "/parents/meeting/"), hash(&tc, "/parents/meeting/"));
    assert_eq!(hash(&ta, "/procedures/cppm/"), hash(&tc, "/procedures/cppm/"));
}

#[test]
fn a_base_path_is_the_scope_of_everything() {
    let t = SiteTest::from_fixture("basic");
    let files = built(&t, &["--base-url", "https://example.org/cp/"]);
    let m: Value = serde_json::from_slice(&files["manifest.webmanifest"]).unwrap();
    assert_eq!((m["id"].as_str(), m["start_url"].as_str(), m["scope"].as_str()), (Some("/cp/"), Some("/cp/"), Some("/cp/")));
    assert!(m["icons"].as_array().unwrap().iter().all(|i| i["src"].as_str().unwrap().starts_with("/cp/static/images/icon")));
    let w = table(std::str::from_utf8(&files["sw.js"]).unwrap());
    assert_eq!((w["base"].as_str(), w["offline"].as_str(), w["cache_prefix"].as_str()), (Some("/cp/"), Some("/cp/offline/"), Some("waymark:/cp/:")));
    assert!(w["files"].as_array().unwrap().iter().all(|e| e[0].as_str().unwrap().starts_with("/cp/")));
    let html = String::from_utf8(files["parents/meeting/index.html"].clone()).unwrap();
    assert!(html.contains("<link rel=\"manifest\" href=\"/cp/manifest.webmanifest\">"));
    assert!(html.contains("data-wm-worker=\"/cp/sw.js\" data-wm-scope=\"/cp/\" data-wm-cache-prefix=\"waymark:/cp/:\" data-wm-offline-page=\"/cp/offline/\""));
    assert!(html.contains("href=\"/cp/safety/#saved-pages\""));
}

#[test]
fn offline_use_turned_off_leaves_a_worker_that_removes_itself() {
    let t = SiteTest::from_fixture("basic");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &format!("{toml}\n[offline]\nenabled = false\n"));
    let files = built(&t, &[]);
    assert!(!files.contains_key("manifest.webmanifest") && !files.contains_key("offline/index.html"));
    let sw = String::from_utf8(files["sw.js"].clone()).unwrap();
    assert!(sw.contains("self.registration.unregister()") && sw.contains("caches.delete") && !sw.contains("WAYMARK"), "{sw}");
    for (p, bytes) in &files {
        if p.ends_with(".html") {
            let html = String::from_utf8(bytes.clone()).unwrap();
            for gone in ["rel=\"manifest\"", "data-wm-worker", "data-wm-offline-save", "data-wm-offline-remove", "You are offline", "saved-pages"] {
                assert!(!html.contains(gone), "{p} has `{gone}` with offline use off");
            }
        }
    }
}

#[test]
fn a_bad_theme_color_is_an_error_at_its_place() {
    let t = SiteTest::from_fixture("basic");
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    let line = toml.lines().count() + 3;
    t.write("site.toml", &format!("{toml}\n[offline]\ntheme_color = \"dark teal\"\n"));
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = crate::stderr(&t, &out);
    assert!(err.contains(&format!("site.toml:{line}:16: error[config]: `theme_color` must be a colour written #rrggbb, not `dark teal`")), "{err}");
}
