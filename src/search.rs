//! Site search: a static index made by Pagefind's library API from the
//! rendered pages, in memory, and written under `pagefind/` with the rest of
//! the output.
//!
//! What is indexed is decided in the templates, with Pagefind's attributes:
//! pages whose HTML has `data-pagefind-body` are indexed (made pages such as
//! the print, audience and updates pages leave it out, since they repeat other
//! pages), `data-pagefind-filter="audience"` / `"stage"` give the filters, and
//! [`EXCLUDE`] drops the parts of a page that are not its text.
//!
//! Only the browser files the theme's search script uses are kept: the search
//! runtime, its worker and wasm, the entry file and the index chunks (not
//! Pagefind's own UI bundles, which the theme does not load).

use crate::site::OutFile;

/// Where the index is written, under the output folder.
pub const DIR: &str = "pagefind/";

/// Parts of an indexed page that are not its own text: heading anchors, the
/// contents list, calculators (a form and a worked example), sources and
/// review dates, lists of other pages, and the who-for line (whose filters
/// are still read).
pub const EXCLUDE: &[&str] = &[".wm-anchor", ".wm-toc", ".wm-calculator", ".wm-page-meta", ".wm-page-about", ".wm-print-link", ".wm-groups", ".wm-cards"];

/// The gzip level of the index files. Pagefind's own is 9 (the smallest and
/// slowest); at 6 the shipped site's index is 280 bytes bigger (of 269 KB)
/// and the 1,000-page corpus's 11.8 KB (of 2.86 MB): README, "Performance".
pub const GZIP_LEVEL: u32 = 6;

/// Pages handed to Pagefind at a time (parsed in parallel within a batch).
const BATCH: usize = 256;

/// One page to index.
pub struct Page<'a> {
    /// Its URL as a reader's browser asks for it (with the site's base path).
    pub url: String,
    /// Its HTML as written.
    pub html: &'a str,
}

/// Builds the index of `pages` and returns its files (paths under the output
/// folder). `language` is the site's language tag (`en-GB`): its primary
/// subtag picks the stemmer.
pub fn index(pages: Vec<Page<'_>>, language: &str) -> Result<Vec<OutFile>, String> {
    index_parts(pages, language, indexed_part)
}

fn index_parts(pages: Vec<Page<'_>>, language: &str, part: fn(&str) -> String) -> Result<Vec<OutFile>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let lang = language.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
    let options = PagefindServiceConfig::builder()
        .force_language(lang)
        .exclude_selectors(EXCLUDE.iter().map(|s| (*s).to_owned()).collect())
        .build();
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async move {
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
        index.set_gzip_level(GZIP_LEVEL).await;
        let start = std::time::Instant::now();
        // In batches, so that the text handed to Pagefind is never more than
        // a batch's worth at once (each page is parsed and then dropped).
        let mut pages = pages.into_iter().peekable();
        while pages.peek().is_some() {
            let batch: Vec<_> = pages.by_ref().take(BATCH).map(|p| (None, Some(p.url), part(p.html))).collect();
            index.add_html_files(batch).await.map_err(|e| format!("search index: {e}"))?;
        }
        crate::timing::since("search: pages read", start);
        let start = std::time::Instant::now();
        let files = index.get_files().await.map_err(|e| format!("search index: {e}"))?;
        crate::timing::since("search: index built and compressed", start);
        // The wasm modules the entry file names (one per language indexed).
        let entry = files.iter().find(|f| f.filename.as_os_str() == "pagefind-entry.json").ok_or("search index: Pagefind wrote no entry file")?;
        let entry: serde_json::Value = serde_json::from_slice(&entry.contents).map_err(|e| format!("search index: Pagefind's entry file: {e}"))?;
        let wasm: Vec<String> = entry["languages"]
            .as_object()
            .map(|l| l.values().filter_map(|v| v["wasm"].as_str()).map(|w| format!("wasm.{w}.pagefind")).collect())
            .unwrap_or_default();
        let mut out: Vec<OutFile> = files
            .into_iter()
            .filter_map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                (wanted(&name) || wasm.contains(&name)).then(|| OutFile { path: format!("{DIR}{name}"), bytes: f.contents })
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    })
}

/// The part of a page Pagefind needs: its `<html>` start tag (the language),
/// `<title>`, and the `<main>` element, which holds the `data-pagefind-body`
/// element. Pagefind reads nothing outside that element (the title only when
/// the page has no `h1`), so the index is the same as from the whole page
/// (a test checks it byte for byte), for a tenth less to parse. A page
/// without one `<main>` is given whole.
fn indexed_part(html: &str) -> String {
    let part = || {
        let html_tag = &html[html.find("<html")?..];
        let html_tag = &html_tag[..=html_tag.find('>')?];
        let title = html.find("<title>").and_then(|a| Some(&html[a..a + html[a..].find("</title>")? + "</title>".len()])).unwrap_or("");
        let main = html.find("<main")?;
        let end = html.rfind("</main>")? + "</main>".len();
        (html[main + 1..].find("<main").is_none_or(|n| main + 1 + n >= end)).then(|| format!("{html_tag}<head>{title}</head><body>{}</body></html>", &html[main..end]))
    };
    part().unwrap_or_else(|| html.to_owned())
}

/// The files of Pagefind's bundle that the theme's search script loads
/// (besides the wasm modules named in the entry file).
fn wanted(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json")
        || (name.starts_with("pagefind.") && name.ends_with(".pf_meta"))
        || ["index/", "fragment/", "filter/"].iter().any(|d| name.starts_with(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, body: &str, audience: &str) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body><nav>Menu words</nav><main data-pagefind-body><h1>{title}</h1>\
             <p class=\"wm-page-about\"><a data-pagefind-filter=\"audience\" href=\"/\">{audience}</a></p><p>{body}</p></main></body></html>"
        )
    }

    #[test]
    fn indexes_pages_and_keeps_only_the_files_the_theme_loads() {
        let a = page("Core groups", "The first core group meets within fifteen days.", "Practitioners");
        let b = page("Your plan", "The plan says who will help your family.", "Parents and carers");
        let files = index(vec![Page { url: "/core-groups/".into(), html: &a }, Page { url: "/plan/".into(), html: &b }], "en-GB").unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for want in ["pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/pagefind-entry.json", "pagefind/wasm.en.pagefind"] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        assert!(names.iter().any(|n| n.starts_with("pagefind/index/")));
        assert!(names.iter().any(|n| n.starts_with("pagefind/fragment/")));
        assert!(names.iter().any(|n| n.starts_with("pagefind/filter/")));
        assert!(!names.iter().any(|n| n.contains("-ui") || n.contains("highlight") || n.contains("playground") || n.contains("unknown")), "{names:?}");
        let entry = files.iter().find(|f| f.path == "pagefind/pagefind-entry.json").unwrap();
        let entry: serde_json::Value = serde_json::from_slice(&entry.bytes).unwrap();
        assert_eq!(entry["languages"]["en"]["page_count"], 2);
    }

    #[test]
    fn the_main_element_alone_gives_the_index_of_the_whole_page() {
        let whole = |title: &str, body: &str| {
            format!(
                "<!doctype html><html lang=\"en-GB\" class=\"x\"><head><meta charset=\"utf-8\"><title>{title} – Site</title><link rel=\"stylesheet\" href=\"/s.css\"></head>\
                 <body><a href=\"#main\">Skip</a><header><nav><a href=\"/\">Home</a> <a href=\"/p/\">Procedures</a></nav><form><input name=\"q\"></form></header>\
                 <main id=\"main\"><div data-pagefind-body><h1>{title}</h1><p class=\"wm-page-about\"><a data-pagefind-filter=\"audience\" href=\"/a/\">Parents</a></p>\
                 <h2 id=\"when\">When</h2><p>{body}</p><img src=\"/i.png\" alt=\"A plan\"></div><nav class=\"wm-pagination\"><a href=\"/n/\">Next page</a></nav></main>\
                 <footer><p>Footer words about cookies</p></footer><script src=\"/j.js\"></script></body></html>"
            )
        };
        let a = whole("Core groups", "The first core group meets within fifteen days.");
        let b = whole("Your plan", "The plan says who will help your family.");
        let pages = || vec![Page { url: "/a/".into(), html: &a }, Page { url: "/b/".into(), html: &b }];
        let trimmed = index_parts(pages(), "en", indexed_part).unwrap();
        let full = index_parts(pages(), "en", str::to_owned).unwrap();
        assert!(indexed_part(&a).len() < a.len() && indexed_part(&a).starts_with("<html lang=\"en-GB\" class=\"x\"><head><title>Core groups – Site</title></head><body><main"));
        assert_eq!(trimmed.len(), full.len());
        for (t, f) in trimmed.iter().zip(&full) {
            assert_eq!(t.path, f.path);
            assert!(t.bytes == f.bytes, "{} differs", t.path);
        }
        // No <main>, or two: the whole page.
        assert_eq!(indexed_part("<html><body><p>x</p></body></html>"), "<html><body><p>x</p></body></html>");
    }

    #[test]
    fn the_same_pages_give_the_same_files() {
        let a = page("Core groups", "The first core group meets within fifteen days.", "Practitioners");
        let run = || index(vec![Page { url: "/a/".into(), html: &a }], "en").unwrap();
        let (x, y) = (run(), run());
        assert_eq!(x.len(), y.len());
        for (x, y) in x.iter().zip(&y) {
            assert_eq!(x.path, y.path);
            assert!(x.bytes == y.bytes, "{} differs between two runs", x.path);
        }
    }
}
