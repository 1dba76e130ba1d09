//! The theme: minijinja templates and static files.
//!
//! The default theme is embedded in the binary (see `build.rs`). A site may
//! override any of its files, one by one, by putting a file with the same path
//! under `themes/<theme>/` in the site root; a theme other than `default` may
//! also add files. Static files are published under `static/` with a content
//! hash in their names, so they can be cached for ever.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// One file of the theme.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// How to name the file in messages (`themes/default/templates/page.html`).
    pub shown: PathBuf,
}

/// The theme's files by path inside the theme (`templates/page.html`, `static/css/site.css`).
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Files by path inside the theme.
    pub files: BTreeMap<String, ThemeFile>,
}

/// A published static file.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path in the output folder (`static/css/site.1a2b3c4d5e.css`).
    pub out: String,
    /// Path in the theme (`static/css/site.css`).
    pub theme_path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl Theme {
    /// The embedded default theme as it is, without a site's overrides.
    pub fn builtin() -> Theme {
        let mut files = BTreeMap::new();
        for (rel, bytes) in embedded::DEFAULT_THEME {
            files.insert(
                (*rel).to_owned(),
                ThemeFile { bytes: bytes.to_vec(), shown: Path::new("themes/default").join(rel) },
            );
        }
        Theme { files }
    }

    /// The embedded default theme with the site's overrides applied.
    pub fn load(config: &SiteConfig) -> Result<Theme, crate::Error> {
        let mut files = Theme::builtin().files;
        let dir = config.root.join("themes").join(&config.theme);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| crate::Error::Io {
                    path: dir.clone(),
                    source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let rel_s = rel.to_string_lossy().replace('\\', "/");
                if rel_s.split('/').any(|s| s.starts_with('.')) {
                    continue;
                }
                let bytes = std::fs::read(entry.path())
                    .map_err(|source| crate::Error::Io { path: entry.path().to_path_buf(), source })?;
                let shown = Path::new("themes").join(&config.theme).join(rel);
                files.insert(rel_s, ThemeFile { bytes, shown });
            }
        } else if config.theme != "default" {
            return Err(crate::Error::Usage(format!(
                "site.toml names the theme `{}`, but there is no folder themes/{}/",
                config.theme, config.theme
            )));
        }
        Ok(Theme { files })
    }

    /// Templates: (name without `templates/`, source, shown path).
    pub fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(k, v)| k.strip_prefix("templates/").map(|n| (n, v)))
    }

    /// Static files with hashed output names, and the map from the name a
    /// template asks for (`css/site.css`) to the output path.
    ///
    /// Stylesheets are hashed last: their relative `url(...)` references are
    /// first rewritten to the hashed names of the files they point at, so a
    /// change to an image also changes the stylesheet's name.
    pub fn static_files(&self) -> (Vec<StaticFile>, BTreeMap<String, String>) {
        let mut out = Vec::new();
        let mut map = BTreeMap::new();
        let statics: Vec<(&str, &ThemeFile)> =
            self.files.iter().filter_map(|(k, v)| k.strip_prefix("static/").map(|n| (n, v))).collect();
        for (name, v) in statics.iter().filter(|(n, _)| !n.ends_with(".css")) {
            let path = format!("static/{}", hashed_name(name, &v.bytes));
            map.insert((*name).to_owned(), path.clone());
            out.push(StaticFile { out: path, theme_path: format!("static/{name}"), bytes: v.bytes.clone() });
        }
        for (name, v) in statics.iter().filter(|(n, _)| n.ends_with(".css")) {
            let css = rewrite_css_urls(name, &String::from_utf8_lossy(&v.bytes), &map);
            let path = format!("static/{}", hashed_name(name, css.as_bytes()));
            map.insert((*name).to_owned(), path.clone());
            out.push(StaticFile { out: path, theme_path: format!("static/{name}"), bytes: css.into_bytes() });
        }
        out.sort_by(|a, b| a.out.cmp(&b.out));
        (out, map)
    }
}

/// Rewrites `url("../images/x.svg")` in the stylesheet `css_name` to the
/// hashed name of the file it refers to; other URLs are left alone.
fn rewrite_css_urls(css_name: &str, css: &str, map: &BTreeMap<String, String>) -> String {
    let dir: Vec<&str> = css_name.split('/').collect::<Vec<_>>()[..css_name.matches('/').count()].to_vec();
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let Some(end) = rest.find(')') else { break };
        let raw = rest[..end].trim();
        let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'');
        let target = raw.trim_matches(['"', '\'']);
        let resolved = (!target.contains(':') && !target.starts_with('/') && !target.starts_with('#'))
            .then(|| {
                let mut parts = dir.clone();
                for seg in target.split('/') {
                    match seg {
                        "." | "" => {}
                        ".." => {
                            parts.pop()?;
                        }
                        s => parts.push(s),
                    }
                }
                map.get(&parts.join("/"))
            })
            .flatten();
        match resolved {
            Some(hashed) => {
                // Both live under static/: make the path relative to the stylesheet.
                let hashed = hashed.strip_prefix("static/").unwrap_or(hashed);
                let up = "../".repeat(dir.len());
                let q = quote.map(String::from).unwrap_or_default();
                out.push_str(&format!("{q}{up}{hashed}{q}"));
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `css/site.css` → `css/site.0123456789.css` (ten hex digits of xxh3).
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(bytes);
    let hex = format!("{h:016x}");
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    match file.find('.') {
        Some(i) => format!("{dir}{}.{}{}", &file[..i], &hex[..10], &file[i..]),
        None => format!("{dir}{file}.{}", &hex[..10]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension() {
        let n = hashed_name("css/site.css", b"body{}");
        assert!(n.starts_with("css/site.") && n.ends_with(".css") && n.len() == "css/site..css".len() + 10, "{n}");
        assert_eq!(n, hashed_name("css/site.css", b"body{}"));
        assert_ne!(n, hashed_name("css/site.css", b"body{ }"));
        assert!(hashed_name("calc_bg.wasm", b"x").starts_with("calc_bg."));
    }

    #[test]
    fn stylesheets_point_at_hashed_images() {
        let mut map = BTreeMap::new();
        map.insert("images/tick.svg".to_owned(), "static/images/tick.abc.svg".to_owned());
        let css = "a{background:url(\"../images/tick.svg\")} b{background:url(https://x/y.png)} c{background:url(../images/none.svg)}";
        assert_eq!(
            rewrite_css_urls("css/site.css", css, &map),
            "a{background:url(\"../images/tick.abc.svg\")} b{background:url(https://x/y.png)} c{background:url(../images/none.svg)}"
        );
    }
}
