//! The content file policy: which files of the content folder are published
//! as they are, which are refused, and which are skipped (and said so).
//!
//! - Files a browser would run, or render as a document that can run script,
//!   are refused: `.html`, `.htm`, `.xhtml`, `.js`, `.mjs`, `.css`, `.wasm`
//!   and the like always ([`ACTIVE_EXTENSIONS`]); `.svg` and `.xml` when they
//!   hold script, event handlers, a stylesheet instruction, entity
//!   declarations or addresses outside the site ([`markup_problem`]). A page
//!   belongs in Markdown and a script or style in the theme. A site may let
//!   chosen paths through with `allow_active_files` in site.toml, at its own
//!   risk.
//! - A content file whose output path is also a file waymark writes (a theme
//!   file, the search index, the feed…) is a `duplicate-path` error (the
//!   output-path check, `check::output_paths`), so content can never replace
//!   the theme's script.
//! - Symbolic links are never followed, and hidden `.md` files are not
//!   pages; each is a warning ([`skipped`]), an error under `check --strict`.

use std::path::Path;

use crate::diag::{Code, Diagnostic, SourceMap};

/// Extensions (lower case) of files a browser runs or renders as a document.
pub const ACTIVE_EXTENSIONS: &[&str] =
    &["html", "htm", "xhtml", "xht", "shtml", "mhtml", "mht", "js", "mjs", "cjs", "css", "wasm", "svgz", "xsl", "xslt", "swf", "htc"];

/// Extensions sniffed for script before they are published.
pub const SNIFFED_EXTENSIONS: &[&str] = &["svg", "xml"];

/// Whether a content file is read for script before it is published.
pub fn is_sniffed(rel: &str) -> bool {
    Path::new(rel).extension().is_some_and(|e| SNIFFED_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str()))
}

/// Output paths the preview server or the search index own, as prefixes.
pub const RESERVED_PREFIXES: &[&str] = &["pagefind/", "__waymark/"];

/// The site's exceptions: content paths published as they are although
/// they are active (site.toml `allow_active_files`).
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    patterns: Vec<String>,
    set: globset::GlobSet,
}

impl Allowed {
    /// Compiles the patterns; Err names the first pattern that is not a glob.
    pub fn new(patterns: &[String]) -> Result<Allowed, (String, String)> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            let g = globset::GlobBuilder::new(p).literal_separator(true).build().map_err(|e| (p.clone(), e.kind().to_string()))?;
            b.add(g);
        }
        let set = b.build().map_err(|e| (String::new(), e.to_string()))?;
        Ok(Allowed { patterns: patterns.to_vec(), set })
    }

    /// Whether `rel` (a path under the content folder, `/`-separated) is allowed.
    pub fn allows(&self, rel: &str) -> bool {
        !self.patterns.is_empty() && self.set.is_match(rel)
    }
}

/// Why a content file (`rel` under the content folder, `shown` as the author
/// sees it, `bytes` its contents) may not be published, or None.
pub fn refuse(allowed: &Allowed, rel: &str, shown: &Path, bytes: &[u8]) -> Option<Diagnostic> {
    if allowed.allows(rel) {
        return None;
    }
    let ext = Path::new(rel).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if ACTIVE_EXTENSIONS.contains(&ext.as_str()) {
        let help = match ext.as_str() {
            "html" | "htm" | "xhtml" | "xht" | "shtml" | "mhtml" | "mht" => "write the page in Markdown (`.md`) instead; waymark makes the HTML",
            "css" => "styles belong in the theme (`themes/<name>/static/css/`), where the site's security policy covers them",
            _ => "scripts belong in the theme (`themes/<name>/static/js/`), where they are reviewed with the templates",
        };
        return Some(
            Diagnostic::error(Code::ActiveFile, format!("`.{ext}` files in the content folder are not published: a browser would run them (or open them as a page that can run script) as part of this site"))
                .in_file(shown)
                .with_help(format!("{help}; to publish it as it is, at your own risk, add its path to `allow_active_files` in site.toml")),
        );
    }
    if SNIFFED_EXTENSIONS.contains(&ext.as_str()) {
        let text = String::from_utf8_lossy(bytes);
        if let Some((offset, why)) = markup_problem(&text) {
            let src = SourceMap::new(shown, text.into_owned());
            return Some(
                Diagnostic::error(Code::ActiveFile, format!("this `.{ext}` file is not published: {why}"))
                    .at(&src, offset)
                    .with_help(if ext == "svg" {
                        "save the picture without scripts, event handlers or outside addresses (e.g. as \"plain SVG\", or as PNG); to publish it as it is, at your own risk, add its path to `allow_active_files` in site.toml"
                    } else {
                        "publish the data without stylesheet instructions, scripts, entities or outside addresses; to publish it as it is, at your own risk, add its path to `allow_active_files` in site.toml"
                    }),
            );
        }
    }
    None
}

/// The first thing in an SVG or XML document that could run script, style
/// the document from elsewhere or fetch from another host, with its offset.
/// The markup is read with the HTML tokenizer, which decodes at least every
/// reference XML does; names are judged without their namespace prefix.
pub fn markup_problem(text: &str) -> Option<(usize, String)> {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let lower = text.to_ascii_lowercase();
    if let Some(i) = lower.find("<?xml-stylesheet") {
        return Some((i, "it names a stylesheet (`<?xml-stylesheet`), which can run script when the file is opened".into()));
    }
    if let Some(i) = lower.find("<!entity") {
        return Some((i, "it declares entities (`<!ENTITY`), which can hide markup".into()));
    }
    if let Some(i) = lower.find("@import") {
        return Some((i, "its styles import another file (`@import`)".into()));
    }
    let mut rest = 0;
    while let Some(j) = lower[rest..].find("url(") {
        let at = rest + j;
        let inner = lower[at + 4..].trim_start_matches([' ', '"', '\'']);
        if !inner.starts_with('#') {
            return Some((at, "its styles refer to a file by `url(…)`; only references inside the picture (`url(#id)`) are allowed".into()));
        }
        rest = at + 4;
    }
    for token in Tokenizer::new_with_emitter(text, DefaultEmitter::<usize>::new_with_span()).flatten() {
        let Token::StartTag(tag) = token else { continue };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let local = name.rsplit(':').next().unwrap_or(&name).to_owned();
        if matches!(local.as_str(), "script" | "foreignobject" | "iframe" | "embed" | "object" | "handler" | "listener" | "html" | "body" | "base") {
            return Some((tag.span.start, format!("it contains a `<{name}>` element")));
        }
        for (attr, value) in &tag.attributes {
            let attr = String::from_utf8_lossy(attr).to_ascii_lowercase();
            let value = String::from_utf8_lossy(value);
            let local_attr = attr.rsplit(':').next().unwrap_or(&attr);
            if local_attr.starts_with("on") {
                return Some((tag.span.start, format!("it has an event handler (`{attr}`)")));
            }
            if attr == "xmlns" || attr.starts_with("xmlns:") {
                continue;
            }
            // Animation can set an address at run time.
            if local_attr == "attributename" && value.to_ascii_lowercase().ends_with("href") {
                return Some((tag.span.start, "it animates an address (`attributeName=\"href\"`)".into()));
            }
            let url = crate::html_policy::clean_url(&value);
            let scheme = crate::html_policy::scheme(&url);
            let fetched = matches!(local_attr, "href" | "src");
            let safe_data = scheme.as_deref() == Some("data") && ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"].iter().any(|p| url.to_ascii_lowercase().starts_with(p));
            match scheme.as_deref() {
                Some("javascript" | "vbscript") => return Some((tag.span.start, format!("`{attr}` holds a script address"))),
                Some("data") if !safe_data => return Some((tag.span.start, format!("`{attr}` holds a `data:` document"))),
                Some(s) if fetched && s != "data" => return Some((tag.span.start, format!("`{attr}` refers to another site (`{s}:`)"))),
                None if fetched && (url.starts_with("//") || url.starts_with("\\\\") || url.starts_with("/\\")) => {
                    return Some((tag.span.start, format!("`{attr}` refers to another site")));
                }
                _ => {}
            }
        }
    }
    None
}

/// The largest Markdown page waymark reads, in bytes (512 KiB, a hundred
/// times the longest shipped page). Rendering and checking a page takes
/// memory and time in proportion to its size, many times over; the limit
/// keeps one file from starving a build or the preview.
pub const MAX_PAGE_BYTES: u64 = 512 * 1024;

/// The error for a page over [`MAX_PAGE_BYTES`].
pub fn too_large(shown: &Path, len: u64) -> Diagnostic {
    Diagnostic::error(Code::PageTooLarge, format!("this page is {} KiB; pages may be at most {} KiB", len.div_ceil(1024), MAX_PAGE_BYTES / 1024))
        .in_file(shown)
        .with_help("split it into several pages (a section with a page for each part)")
}

/// A warning for a content entry that is not published.
pub fn skipped(shown: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(Code::SkippedFile, format!("this is not published: {why}")).in_file(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_with_script_is_found() {
        let plain = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/><use xlink:href="#g"/><image href="data:image/png;base64,AAAA"/></svg>"##;
        assert_eq!(markup_problem(plain), None);
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><s:script xmlns:s=\"http://www.w3.org/2000/svg\">x</s:script></svg>",
            "<svg onload=\"alert(1)\"/>",
            "<svg><a href=\"&#106;avascript:alert(1)\"><text>x</text></a></svg>",
            "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
            "<svg><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "<svg><image href=\"https://tracker.example/x.png\"/></svg>",
            "<svg><style>@import 'https://t.example/a.css';</style></svg>",
            "<svg><rect fill=\"url(https://t.example/x)\"/></svg>",
            "<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><doc/>",
            "<!DOCTYPE x [<!ENTITY e \"&#60;script&#62;\">]><x>&e;</x>",
            "<doc><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script></doc>",
            "<svg><use href=\"data:image/svg+xml;base64,AAAA\"/></svg>",
        ] {
            assert!(markup_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn patterns_allow_only_what_they_name() {
        let a = Allowed::new(&["embeds/*.html".to_owned()]).unwrap();
        assert!(a.allows("embeds/map.html"));
        assert!(!a.allows("embeds/deeper/map.html"));
        assert!(!a.allows("help.html"));
        assert!(!Allowed::default().allows("x.html"));
        assert!(Allowed::new(&["a/[".to_owned()]).is_err());
    }
}
