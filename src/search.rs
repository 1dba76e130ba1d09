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

/// The gzip level of the index files. Pagefind's own is 9 (the smallest);
/// the default level, 6, compresses the shipped site's index about 3 times
/// faster for 0.4% more bytes (measured in bench/README.md).
pub const GZIP_LEVEL: u32 = 6;

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
        let files: Vec<_> = pages.into_iter().map(|p| (None, Some(p.url), p.html.to_owned())).collect();
        index.add_html_files(files).await.map_err(|e| format!("search index: {e}"))?;
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
