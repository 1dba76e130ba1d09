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

/// Classes of elements in `<main>` outside the `data-pagefind-body` element,
/// which Pagefind reads nothing of: the section's page list and the previous
/// and next links. Cut before the page is handed over, like [`EXCLUDE`]'s.
const OUTSIDE_BODY: &[&str] = &["wm-section-nav", "wm-pagination"];

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
/// folder). `languages` are the site's language tags (`en-GB`, `pl`…): with
/// one, its primary subtag picks the stemmer for every page; with more,
/// each page is indexed in the language of its `<html lang>`, each language
/// an index of its own (a search on a Polish page finds Polish pages only).
pub fn index(pages: Vec<Page<'_>>, languages: &[&str]) -> Result<Vec<OutFile>, String> {
    index_parts(pages, languages, indexed_part)
}

fn index_parts(pages: Vec<Page<'_>>, languages: &[&str], part: fn(&str) -> String) -> Result<Vec<OutFile>, String> {
    let mut indexer = Indexer::with_part(languages, part)?;
    indexer.add(pages)?;
    indexer.finish()
}

/// An index being built a few pages at a time, so that `build` can hand
/// each page over as it is rendered and then drop its HTML. The files are
/// the same as [`index`] of all the pages in the same order.
pub struct Indexer {
    runtime: tokio::runtime::Runtime,
    index: pagefind::api::PagefindIndex,
    part: fn(&str) -> String,
    reading: std::time::Duration,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

impl Indexer {
    /// An empty index for pages in `languages` (see [`index`]).
    pub fn new(languages: &[&str]) -> Result<Indexer, String> {
        Indexer::with_part(languages, indexed_part)
    }

    fn with_part(languages: &[&str], part: fn(&str) -> String) -> Result<Indexer, String> {
        use pagefind::api::PagefindIndex;
        use pagefind::options::PagefindServiceConfig;
        let exclude: Vec<String> = EXCLUDE.iter().map(|s| (*s).to_owned()).collect();
        let options = match languages {
            [language] => {
                let lang = language.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
                PagefindServiceConfig::builder().force_language(lang).exclude_selectors(exclude).build()
            }
            _ => PagefindServiceConfig::builder().exclude_selectors(exclude).build(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| format!("cannot start the search indexer: {e}"))?;
        let index = runtime.block_on(async {
            let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("search index: {e}"))?;
            index.set_gzip_level(GZIP_LEVEL).await;
            Ok::<_, String>(index)
        })?;
        Ok(Indexer { runtime, index, part, reading: std::time::Duration::ZERO })
    }

    /// Reads `pages` into the index (in parallel, a batch at a time, so the
    /// text handed to Pagefind is never more than a batch's worth at once).
    pub fn add(&mut self, pages: Vec<Page<'_>>) -> Result<(), String> {
        let start = std::time::Instant::now();
        let (index, part) = (&mut self.index, self.part);
        self.runtime.block_on(async {
            let mut pages = pages.into_iter().peekable();
            while pages.peek().is_some() {
                let batch: Vec<_> = pages.by_ref().take(BATCH).map(|p| (None, Some(p.url), part(p.html))).collect();
                index.add_html_files(batch).await.map_err(|e| format!("search index: {e}"))?;
            }
            Ok::<_, String>(())
        })?;
        self.reading += start.elapsed();
        Ok(())
    }

    /// Builds the index and returns its files.
    pub fn finish(mut self) -> Result<Vec<OutFile>, String> {
        crate::timing::report("search: pages read", self.reading);
        let index = &mut self.index;
        self.runtime.block_on(async move {
            let start = std::time::Instant::now();
            let files = index.take_files().await.map_err(|e| format!("search index: {e}"))?;
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
}

/// The part of a page Pagefind needs: its `<html>` start tag (the language),
/// `<title>`, and the `<main>` element, which holds the `data-pagefind-body`
/// element, less the elements [`EXCLUDE`] and [`OUTSIDE_BODY`] name that
/// hold no Pagefind attribute (the section's page list and the contents list
/// are most of a page's HTML). Pagefind reads nothing outside that element (the title only
/// when the page has no `h1`) and nothing of an excluded element but its
/// attributes, so the index is the same as from the whole page (a test
/// checks it byte for byte on the shipped site), for a quarter of the HTML
/// to parse. A page without one `<main>` is given whole.
fn indexed_part(html: &str) -> String {
    let part = || {
        let html_tag = &html[html.find("<html")?..];
        let html_tag = &html_tag[..=html_tag.find('>')?];
        let title = html.find("<title>").and_then(|a| Some(&html[a..a + html[a..].find("</title>")? + "</title>".len()])).unwrap_or("");
        let main = html.find("<main")?;
        let end = html.rfind("</main>")? + "</main>".len();
        (html[main + 1..].find("<main").is_none_or(|n| main + 1 + n >= end)).then(|| {
            let mut out = String::with_capacity(end - main);
            out.push_str(html_tag);
            out.push_str("<head>");
            out.push_str(title);
            out.push_str("</head><body>");
            without_excluded(&html[main..end], &mut out);
            out.push_str("</body></html>");
            out
        })
    };
    part().unwrap_or_else(|| html.to_owned())
}

/// Copies `html` into `out` less each element whose class is one of
/// [`EXCLUDE`]'s or [`OUTSIDE_BODY`]'s and whose HTML holds no
/// `data-pagefind-` attribute. The
/// HTML is waymark's own (the theme's, and Markdown waymark rendered), so
/// tags are well formed; an element whose end cannot be found is kept.
fn without_excluded(html: &str, out: &mut String) {
    let classes: Vec<&str> = EXCLUDE.iter().filter_map(|s| s.strip_prefix('.')).chain(OUTSIDE_BODY.iter().copied()).collect();
    let mut copied = 0;
    let mut at = 0;
    while let Some(i) = html[at..].find('<').map(|i| at + i) {
        at = i + 1;
        let Some(tag) = start_tag(&html[i..]) else { continue };
        let excluded = tag.class.is_some_and(|c| c.split_ascii_whitespace().any(|c| classes.contains(&c)));
        if !excluded {
            continue;
        }
        let Some(len) = element_len(&html[i..], tag.name, tag.len) else { continue };
        if html[i..i + len].contains("data-pagefind-") {
            continue;
        }
        out.push_str(&html[copied..i]);
        copied = i + len;
        at = copied;
    }
    out.push_str(&html[copied..]);
}

struct StartTag<'a> {
    name: &'a str,
    class: Option<&'a str>,
    /// Bytes up to and with its `>`.
    len: usize,
}

/// The start tag at the start of `html`, if it is one.
fn start_tag(html: &str) -> Option<StartTag<'_>> {
    let b = html.as_bytes();
    let name_len = b[1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
    if name_len == 0 {
        return None;
    }
    let name = &html[1..1 + name_len];
    let (mut i, mut class) = (1 + name_len, None);
    let mut quote = None;
    let mut attr_start = i;
    while i < b.len() {
        match (quote, b[i]) {
            (Some(q), c) if c == q => {
                let value = &html[attr_start..i];
                let before = html[..attr_start - 1].trim_end_matches(['=', ' ']);
                if before.ends_with(" class") {
                    class = Some(value);
                }
                quote = None;
            }
            (Some(_), _) => {}
            (None, b'"' | b'\'') => {
                quote = Some(b[i]);
                attr_start = i + 1;
            }
            (None, b'>') => return Some(StartTag { name, class, len: i + 1 }),
            (None, _) => {}
        }
        i += 1;
    }
    None
}

/// The length of the element starting at `html` (named `name`, its start
/// tag `tag_len` bytes), through its end tag, counting nested elements of
/// the same name.
fn element_len(html: &str, name: &str, tag_len: usize) -> Option<usize> {
    if html.as_bytes()[tag_len - 2] == b'/' || matches!(name, "img" | "br" | "hr" | "input" | "meta" | "link" | "source" | "wbr" | "col" | "area" | "embed" | "track") {
        return Some(tag_len);
    }
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 1;
    let mut at = tag_len;
    loop {
        let next_close = html[at..].find(&close)? + at;
        // Nested elements of the same name opened before this end tag.
        let mut from = at;
        while let Some(o) = html[from..next_close].find(&open) {
            let after = html.as_bytes().get(from + o + open.len()).copied();
            if matches!(after, Some(b' ' | b'>' | b'\n' | b'\t' | b'/')) {
                depth += 1;
            }
            from += o + open.len();
        }
        depth -= 1;
        at = next_close + close.len();
        if depth == 0 {
            return Some(at);
        }
    }
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
        let files = index(vec![Page { url: "/core-groups/".into(), html: &a }, Page { url: "/plan/".into(), html: &b }], &["en-GB"]).unwrap();
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
        let trimmed = index_parts(pages(), &["en"], indexed_part).unwrap();
        let full = index_parts(pages(), &["en"], str::to_owned).unwrap();
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
    fn the_parts_handed_over_give_the_index_of_the_whole_shipped_site() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let opts = crate::BuildOptions { root, out: None, base_url: None, drafts: false, today: None, as_at: None, current_site: None, preview: false };
        let built = crate::site::render_site(&opts).expect("the shipped site builds");
        let pages: Vec<(String, String)> = built
            .files
            .iter()
            .filter(|f| f.path.ends_with("index.html") && !f.path.starts_with("editions/"))
            .map(|f| (format!("/{}", f.path.trim_end_matches("index.html")), String::from_utf8(f.bytes.clone()).unwrap()))
            .collect();
        assert!(pages.len() > 50, "{} pages", pages.len());
        fn some(pages: &[(String, String)]) -> Vec<Page<'_>> {
            pages.iter().map(|(u, h)| Page { url: u.clone(), html: h }).collect()
        }
        // What is left out is most of the page, and only what Pagefind skips.
        let page = &pages.iter().find(|(u, _)| u == "/procedures/core-groups/").unwrap().1;
        let part = indexed_part(page);
        assert!(part.len() * 2 < page.len(), "{} of {}", part.len(), page.len());
        assert!(!part.contains("wm-section-nav") && !part.contains("wm-toc") && part.contains("data-pagefind-filter"), "{part}");
        let trimmed = index_parts(some(&pages), &["en-GB"], indexed_part).unwrap();
        let full = index_parts(some(&pages), &["en-GB"], str::to_owned).unwrap();
        assert_eq!(trimmed.iter().map(|f| &f.path).collect::<Vec<_>>(), full.iter().map(|f| &f.path).collect::<Vec<_>>());
        for (t, f) in trimmed.iter().zip(&full) {
            assert!(t.bytes == f.bytes, "{} differs", t.path);
        }
    }

    #[test]
    fn excluded_elements_are_cut_whole_and_filters_kept() {
        let mut out = String::new();
        without_excluded(
            "<main><nav class=\"wm-toc\" aria-label=\"x\"><nav class=\"inner\">a</nav>b</nav><p>keep</p><h2 id=\"h\">Head<a class=\"wm-anchor\" href=\"#h\">#</a></h2>\
             <p class=\"wm-page-about\"><a data-pagefind-filter=\"audience\">P</a></p><div class=\"wm-cards x\">c</div><img class=\"wm-print-link\" alt=\"\"></main>",
            &mut out,
        );
        assert_eq!(out, "<main><p>keep</p><h2 id=\"h\">Head</h2><p class=\"wm-page-about\"><a data-pagefind-filter=\"audience\">P</a></p></main>");
        // No end tag: kept.
        let mut out = String::new();
        without_excluded("<div class=\"wm-toc\">open", &mut out);
        assert_eq!(out, "<div class=\"wm-toc\">open");
    }

    #[test]
    fn the_same_pages_give_the_same_files() {
        let a = page("Core groups", "The first core group meets within fifteen days.", "Practitioners");
        let run = || index(vec![Page { url: "/a/".into(), html: &a }], &["en"]).unwrap();
        let (x, y) = (run(), run());
        assert_eq!(x.len(), y.len());
        for (x, y) in x.iter().zip(&y) {
            assert_eq!(x.path, y.path);
            assert!(x.bytes == y.bytes, "{} differs between two runs", x.path);
        }
    }
}
