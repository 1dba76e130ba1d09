//! Diagnostics: problems in the author's content, reported like a compiler.
//!
//! Two channels exist in waymark: a [`Diagnostic`] is a problem
//! in what the author wrote (front matter, Markdown, templates, rules, links);
//! all of them are collected and the build exits 1. An [`crate::Error`] is an
//! I/O or usage failure and exits 2.
//!
//! Positions are kept as byte offsets while parsing and turned into 1-based
//! line and column (counting characters, not bytes) by one tested function,
//! [`SourceMap::line_col`].

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported; fails only under `--strict`.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct LineCol {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub col: u32,
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// What kind of problem a [`Diagnostic`] is. Each has a stable
        /// kebab-case name, printed in brackets (`error[broken-link]`), in
        /// `--format json` and as the title of GitHub annotations; the list is
        /// in docs/diagnostics.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order docs/diagnostics.md lists them.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable name (`broken-link`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What the code means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }
        }
    };
}

codes! {
    /// The front matter of a page: missing, unclosed, bad YAML, an unknown key or value.
    FrontMatter = "front-matter",
    /// A file name whose language code is not one of site.toml's `[[languages]]` (or names the default language).
    Language = "language",
    /// A translation's front matter (`translation:` missing or not `reviewed`/`unreviewed`, `translated_from:` missing or bad), or a translation without the page it translates.
    Translation = "translation",
    /// site.toml: bad TOML, an unknown key, a bad value, a page it names that does not exist.
    Config = "config",
    /// The rules file: bad YAML, an unknown field, a rule or calendar that does not hold together.
    Rules = "rules",
    /// `content/glossary.yaml`.
    Glossary = "glossary",
    /// The words-to-avoid list.
    WordsToAvoid = "words-to-avoid",
    /// `content/resources.yaml`, or a `resources(…)` call naming a group it lacks.
    Resources = "resources",
    /// A theme template that does not parse or fails while rendering.
    Template = "template",
    /// A theme string missing from a language's strings file (`i18n/<code>.yaml`), a strings file that does not parse, or a text of site.toml with no translation.
    Strings = "strings",
    /// A page-function call (`{{ … }}`) that is unknown, malformed or fails.
    Function = "function",
    /// A link to a page or file that does not exist (or is a draft).
    BrokenLink = "broken-link",
    /// A link's `#fragment` that names no heading or anchor of its target.
    BrokenFragment = "broken-fragment",
    /// An http(s) link that did not answer (`check --external`; a warning).
    ExternalLink = "external-link",
    /// Two files that would be written to the same address.
    DuplicatePath = "duplicate-path",
    /// An id given twice on one page.
    DuplicateId = "duplicate-id",
    /// A `#` heading in a page body (the title is the page's only level-1 heading).
    Heading = "heading",
    /// Raw HTML or an address that is not allowed: a tag or attribute outside the allow-list, an address with another scheme, a picture from another host, a reserved `wm-` id.
    UnsafeHtml = "unsafe-html",
    /// A content file a browser would run or open as a document (`.html`, `.js`, `.css`, an `.svg` with script…), which is not published.
    ActiveFile = "active-file",
    /// A file of the content folder that is not published: a symbolic link, a hidden `.md` file (a warning).
    SkippedFile = "skipped-file",
    /// A page over the size limit (512 KiB).
    PageTooLarge = "page-too-large",
    /// A file that could not be read while checking.
    Io = "io",
    /// An image without alt text.
    A11yImageAlt = "a11y-image-alt",
    /// A link or button without text.
    A11yEmptyLink = "a11y-empty-link",
    /// Link text that says nothing on its own ("click here").
    A11yLinkText = "a11y-link-text",
    /// A heading that skips a level.
    A11yHeadingSkip = "a11y-heading-skip",
    /// A page with no `h1` or more than one.
    A11yH1 = "a11y-h1",
    /// An id used twice in a page's final HTML.
    A11yDuplicateId = "a11y-duplicate-id",
    /// A table without header cells.
    A11yTableHeaders = "a11y-table-headers",
    /// A form field without a label.
    A11yFormLabel = "a11y-form-label",
    /// A page without a `lang`.
    A11yLang = "a11y-lang",
    /// A family page above the site's reading grade or below its reading ease.
    PlainReadability = "plain-readability",
    /// A sentence longer than the site's limit on a family page.
    PlainLongSentence = "plain-long-sentence",
    /// A word from the words-to-avoid list on a family page.
    PlainWord = "plain-word",
    /// A glossary term used on a family page without being explained or linked.
    PlainTerm = "plain-term",
    /// An abbreviation used on a family page without being explained.
    PlainAbbreviation = "plain-abbreviation",
    /// A `picture:` image naming no picture of the theme's library, or `pictures.yaml` naming a picture the theme lacks.
    Picture = "picture",
    /// An Easy Read statement without a picture.
    EasyReadPicture = "easy-read-picture",
    /// An Easy Read sentence longer than the limit (15 words unless site.toml says otherwise).
    EasyReadSentence = "easy-read-sentence",
    /// An abbreviation on an Easy Read page (Easy Read spells everything out).
    EasyReadAbbreviation = "easy-read-abbreviation",
    /// An Easy Read page above its reading grade (3 unless site.toml says otherwise).
    EasyReadGrade = "easy-read-grade",
    /// A page past its `review_due` date.
    ReviewDue = "review-due",
    /// A page that does not say who it is for.
    MissingAudience = "missing-audience",
    /// A page that names no sources.
    MissingSources = "missing-sources",
    /// A timescale typed into the text where the rules file has it.
    TypedTimescale = "typed-timescale",
    /// A rule of the rules file that no page uses.
    UnusedRule = "unused-rule",
    /// A rule's `source` that carries a doubt ("not confirmed", "about para"): the doubt belongs in its `note`.
    SourceDoubt = "source-doubt",
    /// A translation older than its source: the source page changed after the translation's `translated_from` (a warning).
    TranslationStale = "translation-stale",
    /// A translation whose headings or links do not match its source page's (a warning).
    TranslationStructure = "translation-structure",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found in the author's input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem it is (`broken-link`).
    pub code: Code,
    /// What is wrong, in words.
    pub message: String,
    /// The file as the author knows it (relative to the site root).
    pub file: Option<PathBuf>,
    /// Where in the file, when known.
    pub pos: Option<LineCol>,
    /// The source line at `pos`, for the excerpt.
    pub excerpt: Option<String>,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with no position yet.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            pos: None,
            excerpt: None,
            help: None,
        }
    }

    /// A warning with no position yet.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Names the file, with no position in it.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the diagnostic at a byte offset of a source file.
    pub fn at(mut self, src: &SourceMap, offset: usize) -> Self {
        let pos = src.line_col(offset);
        self.excerpt = src.line_text(pos.line).map(str::to_owned);
        self.pos = Some(pos);
        self.file = Some(src.path().to_path_buf());
        self
    }

    /// Places the diagnostic at a known line and column of a source file.
    pub fn at_line_col(mut self, src: &SourceMap, pos: LineCol) -> Self {
        self.excerpt = src.line_text(pos.line).map(str::to_owned);
        self.pos = Some(pos);
        self.file = Some(src.path().to_path_buf());
        self
    }

    /// Adds advice on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let file = display_path(file);
        Some(match self.pos {
            Some(p) => format!("{file}:{}:{}", p.line, p.col),
            None => file,
        })
    }

    /// The rustc-like human rendering: a headline, then the source line with a caret.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        match self.location() {
            Some(loc) => {
                let _ = write!(out, "{loc}: {}[{}]: {}", self.severity, self.code, self.message);
            }
            None => {
                let _ = write!(out, "{}[{}]: {}", self.severity, self.code, self.message);
            }
        }
        if let (Some(pos), Some(line)) = (self.pos, &self.excerpt) {
            let num = pos.line.to_string();
            let pad = " ".repeat(num.len());
            // Tabs would shift the caret; show them as single spaces.
            let shown: String = line.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
            let caret_pad = " ".repeat(pos.col.saturating_sub(1) as usize);
            let _ = write!(out, "\n{pad} |\n{num} | {shown}\n{pad} | {caret_pad}^");
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  = help: {help}");
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_human())
    }
}

/// Paths are shown with forward slashes on every platform, so messages and
/// snapshots read the same everywhere.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Sorts diagnostics into a stable order: by file, then position, then code.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.pos, a.code.as_str(), &a.message).cmp(&(&b.file, b.pos, b.code.as_str(), &b.message))
    });
}

/// A source file's text with the means to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct SourceMap {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// Wraps a file's text; `path` is how the author names the file.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap { path: path.into(), text, line_starts }
    }

    /// The path as shown in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset. Offsets past
    /// the end clamp to the end; offsets inside a character count as that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_idx = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line_idx];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        LineCol { line: line_idx as u32 + 1, col: col as u32 }
    }

    /// Byte offset of a 1-based line and column, if it exists.
    pub fn offset(&self, pos: LineCol) -> Option<usize> {
        let start = *self.line_starts.get(pos.line.checked_sub(1)? as usize)?;
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let skip = pos.col.checked_sub(1)? as usize;
        match line.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if line.chars().count() == skip => Some(start + line.len()),
            None => None,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let idx = line.checked_sub(1)? as usize;
        let start = *self.line_starts.get(idx)?;
        let end = self.line_starts.get(idx + 1).map_or(self.text.len(), |&e| e);
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }
}

/// Help for a name that is not one of `valid`: the nearest valid name if one
/// is close enough, otherwise the whole list after `listed` ("allowed keys
/// here", "stages in site.toml").
pub fn suggest_help<'a>(wrong: &str, valid: impl IntoIterator<Item = &'a str> + Clone, listed: &str) -> String {
    match suggest(wrong, valid.clone()) {
        Some(s) => did_you_mean(s),
        None => format!("{listed}: {}", valid.into_iter().collect::<Vec<_>>().join(", ")),
    }
}

/// The one way waymark offers a name: "did you mean `core-groups.md`?".
pub fn did_you_mean(name: &str) -> String {
    format!("did you mean `{name}`?")
}

/// Suggests the closest valid name for a misspelt one, if any is close enough.
pub fn suggest<'a>(wrong: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .map(|v| (strsim::jaro_winkler(wrong, v), v))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}

/// A GitHub Actions workflow command, so the problem shows on the changed
/// line of a pull request.
pub fn github_annotation(d: &Diagnostic) -> String {
    // Workflow-command values escape %, CR and LF (and , : in properties).
    fn data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn prop(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(f) = &d.file {
        props.push(format!("file={}", prop(&display_path(f))));
    }
    if let Some(p) = d.pos {
        props.push(format!("line={}", p.line));
        props.push(format!("col={}", p.col));
    }
    props.push(format!("title={}", prop(d.code.as_str())));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str(&format!(" (help: {h})"));
    }
    format!("::{level} {}::{}", props.join(","), data(&msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_counts_characters() {
        let src = SourceMap::new("a.md", "ab\nçé x\n\nlast");
        assert_eq!(src.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(src.line_col(1), LineCol { line: 1, col: 2 });
        assert_eq!(src.line_col(2), LineCol { line: 1, col: 3 }); // the newline itself
        assert_eq!(src.line_col(3), LineCol { line: 2, col: 1 });
        // "ç" and "é" are two bytes each: "x" is the 4th character.
        assert_eq!(src.line_col(3 + 5), LineCol { line: 2, col: 4 });
        assert_eq!(src.line_col(3 + 7), LineCol { line: 3, col: 1 });
        assert_eq!(src.line_col(999), LineCol { line: 4, col: 5 });
        assert_eq!(src.line_text(2), Some("çé x"));
        assert_eq!(src.line_text(5), None);
    }

    #[test]
    fn offset_inverts_line_col() {
        let src = SourceMap::new("a.md", "ab\nçé x\n\nlast");
        for off in [0, 1, 3, 5, 7, 8, 10, 11, 14] {
            if src.text().is_char_boundary(off) {
                assert_eq!(src.offset(src.line_col(off)), Some(off), "offset {off}");
            }
        }
    }

    #[test]
    fn human_rendering_points_at_the_column() {
        let src = SourceMap::new("content/a.md", "---\ntitle: x\ntitel: y\n---\n");
        let d = Diagnostic::error(Code::FrontMatter, "unknown key `titel`")
            .at(&src, 13)
            .with_help("did you mean `title`?");
        assert_eq!(
            d.render_human(),
            "content/a.md:3:1: error[front-matter]: unknown key `titel`\n  |\n3 | titel: y\n  | ^\n  = help: did you mean `title`?"
        );
    }

    #[test]
    fn help_names_the_nearest_or_lists_them_all() {
        assert_eq!(suggest_help("titel", ["title", "summary"], "allowed keys here"), "did you mean `title`?");
        assert_eq!(suggest_help("zzz", ["title", "summary"], "allowed keys here"), "allowed keys here: title, summary");
    }

    #[test]
    fn docs_list_every_code_with_its_meaning() {
        let docs = include_str!("../docs/diagnostics.md");
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.meaning());
            assert!(docs.contains(&row), "docs/diagnostics.md has no row {row}");
        }
        let names: std::collections::HashSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len(), "two codes share a name");
    }

    #[test]
    fn suggestions_pick_the_nearest_name() {
        assert_eq!(suggest("titel", ["title", "summary", "stage"]), Some("title"));
        assert_eq!(suggest("zzz", ["title", "summary"]), None);
    }
}
