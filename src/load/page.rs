//! One page as loaded: its front matter split from the body and checked.
//!
//! Every value is checked after deserialising, so that a bad date or an
//! unknown audience is reported at its own line and column.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::yaml;

/// A calendar date written in front matter as `YYYY-MM-DD`.
///
/// Read as text and checked after deserialising, so that a bad date is
/// reported at its own position (serde cannot say where a value was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate(pub time::Date);

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
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    easy_read_of: Option<String>,
    #[serde(default)]
    listen: Option<bool>,
    #[serde(default)]
    translation: Option<String>,
    #[serde(default)]
    translated_from: Option<String>,
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
    /// How the body is laid out: ordinary prose, or Easy Read blocks.
    pub format: Format,
    /// An Easy Read page: the page it is the Easy Read version of, as the
    /// author wrote it (a path relative to this page, like a link).
    pub easy_read_of: Option<String>,
    /// Show the "Listen to this page" control (`None`: as site.toml says).
    pub listen: Option<bool>,
    /// A translation: whether a qualified translator has checked it.
    pub translation: Option<TranslationStatus>,
    /// A translation: the version of its source page it follows.
    pub translated_from: Option<TranslatedFrom>,
}

/// `translation:` in a translation's front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TranslationStatus {
    /// Checked by a qualified translator.
    Reviewed,
    /// Not checked: the page says so at the top, in both languages.
    Unreviewed,
}

impl TranslationStatus {
    /// The values `translation:` takes.
    pub const NAMES: [&'static str; 2] = ["reviewed", "unreviewed"];
}

/// `translated_from:`: the source page's version a translation follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslatedFrom {
    /// The day of the source text it was translated from.
    Date(time::Date),
    /// The git commit holding that text (7 to 40 hexadecimal digits).
    Commit(String),
}

/// `format:` in front matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Ordinary prose.
    #[default]
    Standard,
    /// Easy Read: each paragraph a picture and one short statement per line,
    /// for readers with a learning disability (see docs/easy-read.md).
    EasyRead,
}

impl Format {
    /// The values `format:` takes, as written.
    pub const NAMES: [&'static str; 2] = ["standard", "easy-read"];

    fn parse(s: &str) -> Option<Format> {
        match s {
            "standard" => Some(Format::Standard),
            "easy-read" => Some(Format::EasyRead),
            _ => None,
        }
    }
}

/// What a page is in the site's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
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
    pub kind: PageKind,
    /// The `rel` of the section this page belongs to (its folder's `_index.md`,
    /// or the nearest ancestor's), if any.
    pub parent: Option<String>,
    /// Its language: a place in `SiteConfig::languages` (0, the default, for
    /// every page that is not a translation).
    pub lang: usize,
    /// A translation: the `rel` of the page it translates (`a/b.md` for `a/b.pl.md`).
    pub source: Option<String>,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.src.text()[self.body_start..]
    }
}

/// A page and its warnings, or the one error that stopped it being read.
pub(crate) type ParsedPage = Result<(Page, Vec<Diagnostic>), Diagnostic>;

/// Splits front matter from body and parses it.
pub fn parse_page(
    config: &SiteConfig,
    shown: PathBuf,
    rel: String,
    text: String,
) -> Result<(Page, Vec<Diagnostic>), Diagnostic> {
    let src = SourceMap::new(shown, text);
    let (lang, source) = match language_of(config, &rel) {
        Ok(l) => l,
        Err((msg, help)) => return Err(Diagnostic::error(Code::Language, msg).at(&src, 0).with_help(help)),
    };
    let text = src.text();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[bom..].find('\n').map_or(text.len(), |i| bom + i + 1);
    if text[bom..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::error(Code::FrontMatter, "the page has no front matter")
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
        return Err(Diagnostic::error(Code::FrontMatter, "the front matter is never closed")
            .at(&src, bom)
            .with_help("add a line with `---` after the last front-matter key"));
    };
    let yaml_text = &text[yaml_start..yaml_end];
    let raw: RawFront = match yaml::from_str(yaml_text) {
        Ok(f) => f,
        Err(e) => return Err(e.into_diagnostic(Code::FrontMatter, &src, yaml_start)),
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
        format: Format::Standard,
        easy_read_of: raw.easy_read_of,
        listen: raw.listen,
        translation: None,
        translated_from: None,
    };
    if let Some(f) = raw.format {
        match Format::parse(f.trim()) {
            Some(f) => front.format = f,
            None => diags.push(
                Diagnostic::error(Code::FrontMatter, format!("unknown `format` `{f}`"))
                    .at(&src, at(yaml::keys(&["format"])))
                    .with_help(crate::diag::suggest_help(f.trim(), Format::NAMES, "formats")),
            ),
        }
    }
    if front.easy_read_of.is_some() && front.format != Format::EasyRead {
        diags.push(
            Diagnostic::error(Code::FrontMatter, "`easy_read_of` is for Easy Read pages")
                .at(&src, at(yaml::keys(&["easy_read_of"])))
                .with_help("add `format: easy-read`, or remove `easy_read_of`"),
        );
    }
    let mut date = |key: &str, value: Option<String>| -> Option<IsoDate> {
        let v = value?;
        match timescales::date::parse_iso(v.trim()) {
            Some(d) => Some(IsoDate(d)),
            None => {
                diags.push(
                    Diagnostic::error(Code::FrontMatter, format!("`{key}` is not a date: `{v}`"))
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
            diags.push(Diagnostic::error(Code::FrontMatter, "this change has an empty `note`").at(&src, at(path("note"))).with_help("say in one line what changed"));
        } else if note.contains('\n') {
            diags.push(Diagnostic::error(Code::FrontMatter, "a change `note` must be one line").at(&src, at(path("note"))));
        }
        match timescales::date::parse_iso(c.date.trim()) {
            Some(d) => front.changes.push(ChangeNote { date: d, note: note.to_owned() }),
            None => diags.push(
                Diagnostic::error(Code::FrontMatter, format!("the change's `date` is not a date: `{}`", c.date))
                    .at(&src, at(path("date")))
                    .with_help("write dates as YYYY-MM-DD, for example 2026-11-20"),
            ),
        }
    }
    // Newest first; entries on the same day keep the order they are written in.
    front.changes.sort_by_key(|c| std::cmp::Reverse(c.date));
    if front.title.trim().is_empty() {
        diags.push(Diagnostic::error(Code::FrontMatter, "`title` is empty").at(&src, at(yaml::keys(&["title"]))));
    }
    for (i, a) in front.audience.iter().enumerate() {
        if config.audience(a).is_none() {
            let mut path = yaml::keys(&["audience"]);
            path.push(yaml::Seg::Index(i));
            let ids = config.audiences.iter().map(|a| a.id.as_str());
            diags.push(
                Diagnostic::error(Code::FrontMatter, format!("unknown audience `{a}`"))
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
            Diagnostic::error(Code::FrontMatter, format!("unknown stage `{stage}`"))
                .at(&src, at(yaml::keys(&["stage"])))
                .with_help(crate::diag::suggest_help(stage, ids, "stages in site.toml")),
        );
    }
    if let (Some(r), Some(d)) = (front.last_reviewed, front.review_due)
        && d < r
    {
        diags.push(
            Diagnostic::error(Code::FrontMatter, "`review_due` is before `last_reviewed`")
                .at(&src, at(yaml::keys(&["review_due"]))),
        );
    }

    match (&source, raw.translation) {
        (Some(_), None) => diags.push(
            Diagnostic::error(Code::Translation, "a translation must say whether it has been checked: `translation:` is missing")
                .at(&src, yaml_start)
                .with_help("add `translation: unreviewed` (or `reviewed`, once a qualified translator has checked it)"),
        ),
        (Some(_), Some(t)) => match t.trim() {
            "reviewed" => front.translation = Some(TranslationStatus::Reviewed),
            "unreviewed" => front.translation = Some(TranslationStatus::Unreviewed),
            other => diags.push(
                Diagnostic::error(Code::Translation, format!("unknown `translation` `{other}`"))
                    .at(&src, at(yaml::keys(&["translation"])))
                    .with_help(crate::diag::suggest_help(other, TranslationStatus::NAMES, "values (`reviewed` or `unreviewed`)")),
            ),
        },
        (None, Some(_)) => diags.push(
            Diagnostic::error(Code::Translation, "only a translation has `translation:`")
                .at(&src, at(yaml::keys(&["translation"])))
                .with_help("a translation is named after its page with the language's code: `what-is-a-cppm.pl.md`"),
        ),
        (None, None) => {}
    }
    match (&source, raw.translated_from) {
        (Some(_), None) => diags.push(
            Diagnostic::error(Code::Translation, "a translation must say which version of its page it follows: `translated_from:` is missing")
                .at(&src, yaml_start)
                .with_help("add `translated_from:` with the date of the text you translated (YYYY-MM-DD) or its git commit"),
        ),
        (Some(_), Some(v)) => {
            let v = v.trim();
            if let Some(d) = timescales::date::parse_iso(v) {
                front.translated_from = Some(TranslatedFrom::Date(d));
            } else if (7..=40).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
                front.translated_from = Some(TranslatedFrom::Commit(v.to_ascii_lowercase()));
            } else {
                diags.push(
                    Diagnostic::error(Code::Translation, format!("`translated_from` is neither a date nor a commit: `{v}`"))
                        .at(&src, at(yaml::keys(&["translated_from"])))
                        .with_help("write the date of the source text as YYYY-MM-DD, for example 2026-12-02, or a git commit"),
                );
            }
        }
        (None, Some(_)) => diags.push(
            Diagnostic::error(Code::Translation, "only a translation has `translated_from:`")
                .at(&src, at(yaml::keys(&["translated_from"]))),
        ),
        (None, None) => {}
    }

    let (kind, url) = match &source {
        Some(s) => {
            let (kind, url) = page_url(s);
            (kind, format!("{}{url}", config.languages[lang].prefix))
        }
        None => page_url(&rel),
    };
    Ok((Page { src, rel, front, body_start, yaml_start, url, kind, parent: None, lang, source }, diags))
}

/// A page's language from its file name: (its place in site.toml's
/// languages, and for a translation the page it translates), or what is
/// wrong with the name.
fn language_of(config: &SiteConfig, rel: &str) -> Result<(usize, Option<String>), (String, String)> {
    let Some((source, code)) = crate::lang::split_file_name(rel) else { return Ok((0, None)) };
    let codes = || config.languages.iter().map(|l| format!("`{}`", l.code)).collect::<Vec<_>>().join(", ");
    match config.languages.iter().position(|l| l.code == code) {
        Some(0) => Err((
            format!("`.{code}` names the site's default language: its pages have no code in their name"),
            format!("rename the file `{source}`"),
        )),
        Some(i) => Ok((i, Some(source))),
        None => {
            let what = match crate::lang::check_code(code) {
                Ok(()) => format!("the file name says the page is in `{code}`, which is not one of site.toml's languages"),
                Err(_) => format!("the file name says the page is in `{code}`, which is not a language code"),
            };
            Err((what, format!("site.toml's languages are {}; to add one, add a `[[languages]]` entry; if this is not a translation, use a hyphen instead of the dot (`{}`)", codes(), rel.replacen(&format!(".{code}.md"), &format!("-{code}.md"), 1))))
        }
    }
}

/// `_index.md` → home or section URL; `a/b.md` → `a/b/`.
fn page_url(rel: &str) -> (PageKind, String) {
    if rel == "_index.md" {
        return (PageKind::Home, String::new());
    }
    if let Some(dir) = rel.strip_suffix("/_index.md") {
        return (PageKind::Section, format!("{}/", slug_path(dir)));
    }
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    (PageKind::Page, format!("{}/", slug_path(stem)))
}

/// URL paths are lower case; spaces become hyphens.
fn slug_path(p: &str) -> String {
    p.split('/').map(|seg| seg.trim().to_lowercase().replace(' ', "-")).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
        assert_eq!(page_url("_index.md"), (PageKind::Home, "".into()));
        assert_eq!(page_url("procedures/_index.md"), (PageKind::Section, "procedures/".into()));
        assert_eq!(page_url("procedures/Core Groups.md"), (PageKind::Page, "procedures/core-groups/".into()));
    }
}
