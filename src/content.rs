//! Loading `content/`: every `.md` file is a page, a folder with `_index.md`
//! is a section, every other file is copied to the output as it is.
//!
//! This stage reads the disk and parses front matter; it renders nothing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, SourceMap};
use crate::yaml;

/// A calendar date written in front matter as `YYYY-MM-DD`.
///
/// Read as text and checked after deserialising, so that a bad date is
/// reported at its own position (serde cannot say where a value was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate(pub time::Date);

/// Parses `YYYY-MM-DD` (and nothing else).
pub fn parse_iso_date(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if s.len() != 10 {
        return None;
    }
    time::Date::parse(s, &fmt).ok()
}

/// Front matter as written: dates as text, checked afterwards.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFront {
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    audience: Vec<String>,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    order: Option<i64>,
    #[serde(default)]
    last_reviewed: Option<String>,
    #[serde(default)]
    review_due: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    glossary: Option<bool>,
    #[serde(default)]
    changes: Vec<RawChange>,
}

/// One `changes:` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    date: String,
    note: String,
}

/// One entry of a page's `changes:` list: what changed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeNote {
    /// When the change was made.
    pub date: time::Date,
    /// One line saying what changed.
    pub note: String,
}

/// A page's front matter, checked.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// The page title (its `<h1>`).
    pub title: String,
    /// One or two sentences shown under the title and in listings.
    pub summary: Option<String>,
    /// Audience ids from site.toml.
    pub audience: Vec<String>,
    /// Stage id from site.toml.
    pub stage: Option<String>,
    /// Ordering inside a section (lower first; then title).
    pub order: Option<i64>,
    /// When the page was last reviewed.
    pub last_reviewed: Option<IsoDate>,
    /// When the page is next due for review.
    pub review_due: Option<IsoDate>,
    /// Citations shown on the page.
    pub sources: Vec<String>,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Link the first use of each glossary term to the glossary (`glossary: false` turns it off).
    pub glossary: bool,
    /// The page's change notes, newest first.
    pub changes: Vec<ChangeNote>,
}

/// What a page is in the site's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `content/_index.md`.
    Home,
    /// A folder's `_index.md`.
    Section,
    /// Any other `.md` file.
    Page,
}

/// One Markdown page, loaded and with its front matter parsed.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file's text, named as the author knows it (`content/a/b.md`).
    pub src: SourceMap,
    /// Path relative to the content folder, with `/` separators (`a/b.md`).
    pub rel: String,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    /// Byte offset where the front matter's YAML starts.
    pub yaml_start: usize,
    /// Site-relative URL path without the base (`a/b/`; `` for home).
    pub url: String,
    /// Home, section or page.
    pub kind: Kind,
    /// The `rel` of the section this page belongs to (its folder's `_index.md`,
    /// or the nearest ancestor's), if any.
    pub parent: Option<String>,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.src.text()[self.body_start..]
    }
}

/// A file that is not Markdown, copied to the output.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to the content folder, with `/` separators.
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Everything in `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Pages in a stable order (by `rel`).
    pub pages: Vec<Page>,
    /// Other files.
    pub assets: Vec<Asset>,
    /// Index into `pages` by `rel`.
    pub by_rel: HashMap<String, usize>,
    /// Draft pages left out of this build (for clearer link messages).
    pub drafts: std::collections::HashSet<String>,
    /// Files refused by the file policy (`crate::file_policy`): never
    /// published, kept for the check that content never takes a path of
    /// waymark's own.
    pub refused: Vec<Asset>,
}

/// Files in `content/` that are data for functions, not pages or assets.
pub const DATA_FILES: &[&str] = &["glossary.yaml", "resources.yaml"];

/// Walks the content folder. I/O failures are errors; problems in files are
/// diagnostics (all of them). Drafts are dropped unless `drafts`.
pub fn load(config: &SiteConfig, drafts: bool) -> Result<(Content, Vec<Diagnostic>), crate::Error> {
    let dir = config.root.join(&config.content);
    let mut diags = Vec::new();
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let mut refused = Vec::new();
    let mut left_out = std::collections::HashSet::new();
    let mut markdown_files = Vec::new();
    let rules_abs = config.rules.as_ref().map(|r| config.root.join(r));

    let allowed = crate::file_policy::Allowed::new(&config.allow_active_files).unwrap_or_default();
    let walker = walkdir::WalkDir::new(&dir).sort_by_file_name().follow_links(false);
    for entry in walker {
        let entry = entry.map_err(|e| crate::Error::Io {
            path: e.path().map_or_else(|| dir.clone(), Path::to_path_buf),
            source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        let path = entry.path();
        let rel_path = path.strip_prefix(&dir).unwrap_or(path);
        if !entry.file_type().is_file() {
            // Links are never followed (they could reach outside the site);
            // say so rather than drop them without a word.
            if entry.file_type().is_symlink() {
                diags.push(crate::file_policy::skipped(&config.content.join(rel_path), "it is a symbolic link, and links are not followed (copy the file or folder into the content folder instead)"));
            } else if !entry.file_type().is_dir() {
                diags.push(crate::file_policy::skipped(&config.content.join(rel_path), "it is not a regular file"));
            }
            continue;
        }
        let rel = rel_path.to_string_lossy().replace('\\', "/");
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || rules_abs.as_deref() == Some(path) || DATA_FILES.contains(&rel.as_str()) || rel == config.check.words_to_avoid {
            if name.starts_with('.') && name.to_ascii_lowercase().ends_with(".md") {
                diags.push(
                    crate::file_policy::skipped(&config.content.join(rel_path), "its name starts with `.`, so it is a hidden file, not a page")
                        .with_help("give the page a name that starts with a letter or digit"),
                );
            }
            continue;
        }
        if path.extension().is_some_and(|e| e == "md") {
            if let Ok(m) = entry.metadata()
                && m.len() > crate::file_policy::MAX_PAGE_BYTES
            {
                diags.push(crate::file_policy::too_large(&config.content.join(rel_path), m.len()));
                continue;
            }
            markdown_files.push((path.to_path_buf(), config.content.join(rel_path), rel));
        } else if let Some(d) = crate::file_policy::refuse(&allowed, &rel, &config.content.join(rel_path), path)? {
            diags.push(d);
            refused.push(Asset { rel, path: path.to_path_buf() });
        } else {
            assets.push(Asset { rel, path: path.to_path_buf() });
        }
    }

    // Reading and parsing pages is independent per file: do it in parallel,
    // keeping the walk's (sorted) order.
    use rayon::prelude::*;
    let parsed: Vec<Result<ParsedPage, crate::Error>> = markdown_files
        .into_par_iter()
        .map(|(path, shown, rel)| {
            let text = std::fs::read_to_string(&path).map_err(|source| crate::Error::Io { path, source })?;
            Ok(parse_page(config, shown, rel, text))
        })
        .collect();
    for p in parsed {
        match p? {
            Ok((page, mut d)) => {
                diags.append(&mut d);
                if drafts || !page.front.draft {
                    pages.push(page);
                } else {
                    left_out.insert(page.rel);
                }
            }
            Err(d) => diags.push(d),
        }
    }

    link_sections(&mut pages);
    let by_rel = pages.iter().enumerate().map(|(i, p)| (p.rel.clone(), i)).collect();
    let content = Content { pages, assets, by_rel, drafts: left_out, refused };
    diags.extend(check_output_paths(&content));
    Ok((content, diags))
}

/// A page and its warnings, or the one error that stopped it being read.
type ParsedPage = Result<(Page, Vec<Diagnostic>), Diagnostic>;

/// Splits front matter from body and parses it.
pub fn parse_page(
    config: &SiteConfig,
    shown: PathBuf,
    rel: String,
    text: String,
) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    let src = SourceMap::new(shown, text);
    let text = src.text();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[bom..].find('\n').map_or(text.len(), |i| bom + i + 1);
    if text[bom..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::error("front-matter", "the page has no front matter")
            .at(&src, bom)
            .with_help("start the file with a `---` line, then `title: ...`, then another `---` line"));
    }
    let yaml_start = first_line_end;
    let mut off = yaml_start;
    let mut close = None;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            close = Some((off, off + line.len()));
            break;
        }
        off += line.len();
    }
    let Some((yaml_end, body_start)) = close else {
        return Err(Diagnostic::error("front-matter", "the front matter is never closed")
            .at(&src, bom)
            .with_help("add a line with `---` after the last front-matter key"));
    };
    let yaml_text = &text[yaml_start..yaml_end];
    let raw: RawFront = match yaml::from_str(yaml_text) {
        Ok(f) => f,
        Err(e) => return Err(e.into_diagnostic("front-matter", &src, yaml_start)),
    };

    let mut diags = Vec::new();
    // Positions of keys are needed only to report a problem: index lazily.
    let index = std::cell::OnceCell::new();
    let at = |path: Vec<yaml::Seg>| yaml_start + index.get_or_init(|| yaml::KeyIndex::new(yaml_text)).best(&path).unwrap_or(0);
    let mut front = FrontMatter {
        title: raw.title,
        summary: raw.summary,
        audience: raw.audience,
        stage: raw.stage,
        order: raw.order,
        last_reviewed: None,
        review_due: None,
        sources: raw.sources,
        draft: raw.draft,
        glossary: raw.glossary.unwrap_or(true),
        changes: Vec::new(),
    };
    let mut date = |key: &str, value: Option<String>| -> Option<IsoDate> {
        let v = value?;
        match parse_iso_date(v.trim()) {
            Some(d) => Some(IsoDate(d)),
            None => {
                diags.push(
                    Diagnostic::error("front-matter", format!("`{key}` is not a date: `{v}`"))
                        .at(&src, at(yaml::keys(&[key])))
                        .with_help("write dates as YYYY-MM-DD, for example 2027-03-31"),
                );
                None
            }
        }
    };
    front.last_reviewed = date("last_reviewed", raw.last_reviewed);
    front.review_due = date("review_due", raw.review_due);
    for (i, c) in raw.changes.into_iter().enumerate() {
        let path = |key: &str| vec![yaml::Seg::Key("changes".into()), yaml::Seg::Index(i), yaml::Seg::Key(key.into())];
        let note = c.note.trim();
        if note.is_empty() {
            diags.push(Diagnostic::error("front-matter", "this change has an empty `note`").at(&src, at(path("note"))).with_help("say in one line what changed"));
        } else if note.contains('\n') {
            diags.push(Diagnostic::error("front-matter", "a change `note` must be one line").at(&src, at(path("note"))));
        }
        match parse_iso_date(c.date.trim()) {
            Some(d) => front.changes.push(ChangeNote { date: d, note: note.to_owned() }),
            None => diags.push(
                Diagnostic::error("front-matter", format!("the change's `date` is not a date: `{}`", c.date))
                    .at(&src, at(path("date")))
                    .with_help("write dates as YYYY-MM-DD, for example 2026-11-20"),
            ),
        }
    }
    // Newest first; entries on the same day keep the order they are written in.
    front.changes.sort_by_key(|c| std::cmp::Reverse(c.date));
    if front.title.trim().is_empty() {
        diags.push(Diagnostic::error("front-matter", "`title` is empty").at(&src, at(yaml::keys(&["title"]))));
    }
    for (i, a) in front.audience.iter().enumerate() {
        if config.audience(a).is_none() {
            let mut path = yaml::keys(&["audience"]);
            path.push(yaml::Seg::Index(i));
            let ids = config.audiences.iter().map(|a| a.id.as_str());
            diags.push(
                Diagnostic::error("front-matter", format!("unknown audience `{a}`"))
                    .at(&src, at(path))
                    .with_help(crate::diag::suggest_help(a, ids, "audiences in site.toml")),
            );
        }
    }
    if let Some(stage) = &front.stage
        && config.stage(stage).is_none()
    {
        let ids = config.stages.iter().map(|s| s.id.as_str());
        diags.push(
            Diagnostic::error("front-matter", format!("unknown stage `{stage}`"))
                .at(&src, at(yaml::keys(&["stage"])))
                .with_help(crate::diag::suggest_help(stage, ids, "stages in site.toml")),
        );
    }
    if let (Some(r), Some(d)) = (front.last_reviewed, front.review_due)
        && d < r
    {
        diags.push(
            Diagnostic::error("front-matter", "`review_due` is before `last_reviewed`")
                .at(&src, at(yaml::keys(&["review_due"]))),
        );
    }

    let (kind, url) = page_url(&rel);
    Ok((Page { src, rel, front, body_start, yaml_start, url, kind, parent: None }, diags))
}

/// `_index.md` → home or section URL; `a/b.md` → `a/b/`.
fn page_url(rel: &str) -> (Kind, String) {
    if rel == "_index.md" {
        return (Kind::Home, String::new());
    }
    if let Some(dir) = rel.strip_suffix("/_index.md") {
        return (Kind::Section, format!("{}/", slug_path(dir)));
    }
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    (Kind::Page, format!("{}/", slug_path(stem)))
}

/// URL paths are lower case; spaces become hyphens.
fn slug_path(p: &str) -> String {
    p.split('/').map(|seg| seg.trim().to_lowercase().replace(' ', "-")).collect::<Vec<_>>().join("/")
}

/// Gives each page its section: the nearest folder upwards with `_index.md`.
fn link_sections(pages: &mut [Page]) {
    let sections: std::collections::HashSet<String> =
        pages.iter().filter(|p| p.kind != Kind::Page).map(|p| p.rel.clone()).collect();
    for p in pages.iter_mut() {
        if p.kind == Kind::Home {
            continue;
        }
        let mut dir = Path::new(&p.rel).parent();
        if p.kind == Kind::Section {
            dir = dir.and_then(Path::parent);
        }
        while let Some(d) = dir {
            let cand = if d.as_os_str().is_empty() {
                "_index.md".to_owned()
            } else {
                format!("{}/_index.md", d.to_string_lossy().replace('\\', "/"))
            };
            if sections.contains(&cand) {
                p.parent = Some(cand);
                break;
            }
            dir = d.parent();
        }
    }
}

fn check_output_paths(content: &Content) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    let mut diags = Vec::new();
    for p in &content.pages {
        if let Some(first) = seen.insert(&p.url, p) {
            diags.push(
                Diagnostic::error(
                    "duplicate-path",
                    format!(
                        "this page and `{}` would both be written to `/{}`",
                        crate::diag::display_path(first.src.path()),
                        p.url
                    ),
                )
                .at(&p.src, 0)
                .with_help("rename one of the files"),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse(
            Path::new("."),
            "title = \"T\"\nbase_url = \"/\"\nexit_url = \"https://www.bbc.co.uk/weather\"\n[[audiences]]\nid = \"practitioners\"\nlabel = \"P\"\n[[stages]]\nid = \"core-group\"\nlabel = \"Core groups\"\n",
        )
        .unwrap()
    }

    fn parse(text: &str) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
        parse_page(&config(), "content/a.md".into(), "a.md".into(), text.into())
    }

    #[test]
    fn front_matter_and_body_are_split() {
        let (p, d) = parse("---\ntitle: Core groups\naudience: [practitioners]\nstage: core-group\nlast_reviewed: 2026-01-05\n---\n## Body\n").unwrap();
        assert!(d.is_empty());
        assert_eq!(p.front.title, "Core groups");
        assert_eq!(p.body(), "## Body\n");
        assert_eq!(p.url, "a/");
        assert_eq!(p.front.last_reviewed.unwrap().0.to_string(), "2026-01-05");
    }

    #[test]
    fn yaml_errors_count_lines_from_the_top_of_the_file() {
        let e = parse("---\ntitle: x\nsumary: y\n---\n").unwrap_err();
        assert_eq!(e.location().unwrap(), "content/a.md:3:1");
        assert_eq!(e.message, "unknown key `sumary`");
        assert_eq!(e.help.as_deref(), Some("did you mean `summary`?"));
    }

    #[test]
    fn bad_dates_and_unknown_values_are_positioned() {
        let (_, d) = parse("---\ntitle: x\nreview_due: 31/03/2027\n---\n").unwrap();
        assert_eq!(d[0].location().unwrap(), "content/a.md:3:13");
        assert_eq!(d[0].message, "`review_due` is not a date: `31/03/2027`");
        let (_, d) = parse("---\ntitle: x\naudience: [practitioners, parnets]\nstage: core-groups\n---\n").unwrap();
        assert_eq!(d[0].location().unwrap(), "content/a.md:3:27");
        assert_eq!(d[1].location().unwrap(), "content/a.md:4:8");
        assert_eq!(d[1].help.as_deref(), Some("did you mean `core-group`?"));
    }

    #[test]
    fn changes_are_parsed_newest_first_and_their_errors_positioned() {
        let (p, d) = parse("---\ntitle: x\nchanges:\n  - { date: 2026-11-20, note: First published }\n  - { date: 2026-12-01, note: \"Core group timescale\" }\n---\n").unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.front.changes.iter().map(|c| c.date.to_string()).collect::<Vec<_>>(), ["2026-12-01", "2026-11-20"]);
        let (_, d) = parse("---\ntitle: x\nchanges:\n  - { date: 2026-11-20, note: ok }\n  - date: 20/11/2026\n    note: \"\"\n---\n").unwrap();
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].message, "this change has an empty `note`");
        assert_eq!(d[0].location().unwrap(), "content/a.md:6:11");
        assert_eq!(d[1].message, "the change's `date` is not a date: `20/11/2026`");
        assert_eq!(d[1].location().unwrap(), "content/a.md:5:11");
        let e = parse("---\ntitle: x\nchanges:\n  - { date: 2026-11-20, text: x }\n---\n").unwrap_err();
        assert!(e.message.contains("unknown key `text`"), "{}", e.message);
        assert_eq!(e.location().unwrap(), "content/a.md:4:25");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(parse("# Hi\n").unwrap_err().message, "the page has no front matter");
        assert_eq!(parse("---\ntitle: x\n").unwrap_err().message, "the front matter is never closed");
        let e = parse("---\nsummary: x\n---\n").unwrap_err();
        assert!(e.message.contains("missing field `title`"), "{}", e.message);
    }

    #[test]
    fn urls_are_pretty() {
        assert_eq!(page_url("_index.md"), (Kind::Home, "".into()));
        assert_eq!(page_url("procedures/_index.md"), (Kind::Section, "procedures/".into()));
        assert_eq!(page_url("procedures/Core Groups.md"), (Kind::Page, "procedures/core-groups/".into()));
    }
}
