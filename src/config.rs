//! `site.toml`: the site's configuration, read strictly.
//!
//! The file is deserialised into [`RawConfig`] (`deny_unknown_fields`, so a
//! misspelt key is an error naming the key and the nearest valid one), then
//! checked and turned into [`SiteConfig`], whose values are known to be usable.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{self, Code, Diagnostic, SourceMap};

/// The file name looked for at the site root.
pub const FILE_NAME: &str = "site.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    languages: Vec<RawLanguage>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_content")]
    content: PathBuf,
    #[serde(default = "default_output")]
    output: PathBuf,
    #[serde(default)]
    rules: Option<PathBuf>,
    exit_url: String,
    #[serde(default)]
    safety_page: Option<String>,
    #[serde(default)]
    nav: Vec<RawNav>,
    #[serde(default)]
    audiences: Vec<RawAudience>,
    #[serde(default)]
    stages: Vec<RawStage>,
    #[serde(default)]
    check: CheckConfig,
    #[serde(default)]
    offline: OfflineConfig,
    #[serde(default)]
    allow_active_files: Vec<String>,
    /// The day the pages state the rules for (`"YYYY-MM-DD"`).
    #[serde(default)]
    as_at: Option<String>,
    #[serde(default)]
    editions: Vec<RawEdition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    code: String,
    name: String,
    #[serde(default)]
    dir: Option<String>,
}

/// One of the site's languages (`[[languages]]`; without any, the one
/// language `language` names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// BCP 47 tag (`en-GB`, `pl`, `ar`), as in file names and `<html lang>`.
    pub code: String,
    /// The language's name in itself (`Polski`, `العربية`), for the switcher.
    pub name: String,
    /// Which way it is written (from the code unless `dir` is given).
    pub dir: crate::lang::Dir,
    /// Where its pages are published: `` for the default, `pl/` for the others.
    pub prefix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    date: String,
    revision: String,
}

/// `[[editions]]`: a past edition, built from the git history (see [`crate::editions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// The day whose rules it shows; it is published under `/editions/<date>/`.
    pub date: time::Date,
    /// The git revision (commit or tag) holding its content and rules.
    pub revision: String,
    /// Where the revision is written in site.toml, for diagnostics.
    pub at: crate::diag::LineCol,
}

/// `[check]`: thresholds for `waymark check`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Audiences whose pages get the plain-language checks.
    pub plain_audiences: Vec<String>,
    /// Highest Flesch–Kincaid grade allowed on those pages.
    pub max_grade: f64,
    /// Lowest Flesch reading ease allowed on those pages.
    pub min_reading_ease: f64,
    /// Longest sentence, in words, before a warning.
    pub max_sentence_words: usize,
    /// The "words to avoid" list (path under the content folder).
    pub words_to_avoid: String,
    /// Highest Flesch–Kincaid grade on Easy Read pages.
    pub easy_read_max_grade: f64,
    /// Longest sentence on Easy Read pages, in words.
    pub easy_read_sentence_words: usize,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            plain_audiences: vec!["parents-and-carers".into(), "young-people".into(), "children".into()],
            max_grade: 6.0,
            min_reading_ease: 70.0,
            max_sentence_words: 25,
            words_to_avoid: "words-to-avoid.yaml".into(),
            easy_read_max_grade: 3.0,
            easy_read_sentence_words: 15,
        }
    }
}

/// `[offline]`: the site keeps working without signal (a web app manifest
/// and a service worker; see `crate::offline`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfflineConfig {
    /// Write the manifest, the service worker and the offline page, and
    /// offer to save pages. `false` leaves all of it out.
    pub enabled: bool,
    /// The name under an icon on a phone's home screen (the manifest's
    /// `short_name`); the site's title when not given.
    pub short_name: Option<String>,
    /// The colour of the browser's bar and of the installed app's title
    /// bar, `#rrggbb`.
    pub theme_color: String,
}

impl Default for OfflineConfig {
    fn default() -> Self {
        OfflineConfig { enabled: true, short_name: None, theme_color: "#0e3b43".into() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNav {
    title: String,
    page: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    id: String,
    label: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    entry: Option<String>,
    #[serde(default)]
    entry_text: Option<String>,
    #[serde(default)]
    exit: bool,
    #[serde(default)]
    listen: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    id: String,
    label: String,
}

const DEFAULT_LANGUAGE: &str = "en-GB";
fn default_theme() -> String {
    "default".into()
}
fn default_content() -> PathBuf {
    "content".into()
}
fn default_output() -> PathBuf {
    "public".into()
}

/// A top navigation entry: a content page (path relative to the content folder).
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link text.
    pub title: String,
    /// The page, as a path under the content folder (`procedures/_index.md`).
    pub page: String,
}

/// One kind of reader the site writes for.
#[derive(Debug, Clone)]
pub struct Audience {
    /// Used in front matter (`audience: [parents-and-carers]`).
    pub id: String,
    /// Shown to readers ("Parents and carers").
    pub label: String,
    /// The audience's landing page (content path), if any.
    pub page: Option<String>,
    /// The home-page entry point text ("I am a parent or carer").
    pub entry: Option<String>,
    /// A line under the entry point.
    pub entry_text: Option<String>,
    /// Pages for this audience carry the "Exit this page" control.
    pub exit: bool,
    /// Pages for this audience offer "Listen to this page" (default: the
    /// same as `exit`, so family pages have it).
    pub listen: bool,
}

/// A stage of the child protection process, used to group pages.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Used in front matter (`stage: core-group`).
    pub id: String,
    /// Shown to readers.
    pub label: String,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site root (the folder holding site.toml).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Absolute base URL, always ending in `/` (`https://example.org/cp/`).
    pub base_url: String,
    /// The path part of the base URL, always starting and ending in `/` (`/cp/`).
    pub base_path: String,
    /// The default language's BCP 47 tag (the first of `languages`).
    pub language: String,
    /// Every language, the default first. Pages are referred to by their
    /// language's place in this list.
    pub languages: Vec<Language>,
    /// Theme name (folder under `themes/`; `default` is built in).
    pub theme: String,
    /// Content folder, relative to the root.
    pub content: PathBuf,
    /// Output folder, relative to the root (or absolute).
    pub output: PathBuf,
    /// Rules file, relative to the root, if the site has one.
    pub rules: Option<PathBuf>,
    /// Where "Exit this page" goes.
    pub exit_url: String,
    /// The safety advice page (content path).
    pub safety_page: Option<String>,
    /// Top navigation.
    pub nav: Vec<NavItem>,
    /// Audiences, in display order.
    pub audiences: Vec<Audience>,
    /// Stages, in process order.
    pub stages: Vec<Stage>,
    /// Thresholds for `waymark check`.
    pub check: CheckConfig,
    /// `[offline]`: the manifest, service worker and saving for offline use.
    pub offline: OfflineConfig,
    /// site.toml's text, for placing later findings (a page it names that does not exist).
    pub source: SourceMap,
    /// Content paths published as they are although a browser would run
    /// them (see `crate::file_policy`); a risk the site takes knowingly.
    pub allow_active_files: Vec<String>,
    /// `as_at`: the day the pages state the rules for, instead of the
    /// default (see [`crate::asat::default_as_at`]).
    pub as_at: Option<time::Date>,
    /// `[[editions]]`, in the order written.
    pub editions: Vec<Edition>,
}

impl SiteConfig {
    /// Reads `root/site.toml`. I/O failures are errors; everything wrong
    /// inside the file is a diagnostic.
    pub fn load(root: &Path) -> Result<SiteConfig, crate::Failure> {
        let path = root.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .map_err(|source| crate::Error::Io { path: path.clone(), source })?;
        SiteConfig::parse(root, &text).map_err(crate::Failure::Content)
    }

    /// Parses the text of site.toml (exposed for tests).
    pub fn parse(root: &Path, text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let src = SourceMap::new(FILE_NAME, text);
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => return Err(vec![toml_diagnostic(&src, &e)]),
        };
        let mut diags = Vec::new();
        let at_key = |key: &str| find_key(text, key).unwrap_or(0);

        let base_url = if raw.base_url.ends_with('/') { raw.base_url } else { raw.base_url + "/" };
        let base_path = match base_path(&base_url) {
            Some(p) => p,
            None => {
                diags.push(
                    Diagnostic::error(Code::Config, format!("`base_url` must be an absolute http(s) URL or a path starting with `/`, not `{base_url}`"))
                        .at(&src, at_key("base_url"))
                        .with_help("for example base_url = \"https://procedures.example.org/\""),
                );
                "/".into()
            }
        };
        if !raw.exit_url.starts_with("https://") && !raw.exit_url.starts_with("http://") {
            diags.push(
                Diagnostic::error(Code::Config, "`exit_url` must be the full address of another website")
                    .at(&src, at_key("exit_url"))
                    .with_help("GOV.UK uses a neutral page such as https://www.bbc.co.uk/weather"),
            );
        }
        // Ids are used in addresses and front matter: each once, in a plain form.
        let ids = [("audience", raw.audiences.iter().map(|a| a.id.as_str()).collect::<Vec<_>>()), ("stage", raw.stages.iter().map(|s| s.id.as_str()).collect())];
        for (what, list) in ids {
            let mut seen = std::collections::HashSet::new();
            for id in list {
                let at = find_value(text, id).unwrap_or(0);
                if !is_id(id) {
                    diags.push(Diagnostic::error(Code::Config, format!("{what} id `{id}` must be lower-case letters, digits and hyphens")).at(&src, at));
                }
                if !seen.insert(id) {
                    diags.push(Diagnostic::error(Code::Config, format!("{what} `{id}` is listed twice")).at(&src, at));
                }
            }
        }
        if let Err((pattern, why)) = crate::file_policy::Allowed::new(&raw.allow_active_files) {
            diags.push(
                Diagnostic::error(Code::Config, format!("`allow_active_files`: `{pattern}` is not a valid pattern ({why})"))
                    .at(&src, find_value(text, &pattern).unwrap_or_else(|| at_key("allow_active_files"))),
            );
        }
        let languages = languages(&raw.languages, raw.language.as_deref(), text, &src, &mut diags);
        let as_at = raw.as_at.as_deref().and_then(|d| {
            let day = timescales::date::parse_iso(d.trim());
            if day.is_none() {
                diags.push(
                    Diagnostic::error(Code::Config, format!("`as_at` must be a date written YYYY-MM-DD, not `{d}`"))
                        .at(&src, find_value(text, d).unwrap_or_else(|| at_key("as_at")))
                        .with_help("for example as_at = \"2027-04-01\""),
                );
            }
            day
        });
        let mut editions: Vec<Edition> = Vec::new();
        for e in &raw.editions {
            let at = find_value(text, &e.date).unwrap_or_else(|| at_key("editions"));
            match timescales::date::parse_iso(e.date.trim()) {
                Some(date) if editions.iter().any(|x| x.date == date) => {
                    diags.push(Diagnostic::error(Code::Config, format!("two editions have the date {}", e.date)).at(&src, at).with_help("give each edition its own date"));
                }
                Some(date) => {
                    let rev_at = find_value(text, &e.revision).unwrap_or(at);
                    editions.push(Edition { date, revision: e.revision.clone(), at: src.line_col(rev_at) });
                }
                None => diags.push(
                    Diagnostic::error(Code::Config, format!("an edition's `date` must be written YYYY-MM-DD, not `{}`", e.date))
                        .at(&src, at)
                        .with_help("for example date = \"2023-03-01\""),
                ),
            }
        }
        let color = &raw.offline.theme_color;
        if !(color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())) {
            diags.push(
                Diagnostic::error(Code::Config, format!("`theme_color` must be a colour written #rrggbb, not `{color}`"))
                    .at(&src, find_value(text, color).unwrap_or_else(|| at_key("theme_color")))
                    .with_help("for example theme_color = \"#0e3b43\""),
            );
        }
        if raw.offline.short_name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            diags.push(Diagnostic::error(Code::Config, "`short_name` must not be empty").at(&src, at_key("short_name")).with_help("leave it out to use the site's title"));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(SiteConfig {
            editions,
            as_at,
            root: root.to_path_buf(),
            title: raw.title,
            base_url,
            base_path,
            language: languages[0].code.clone(),
            languages,
            theme: raw.theme,
            content: raw.content,
            output: raw.output,
            rules: raw.rules,
            exit_url: raw.exit_url,
            safety_page: raw.safety_page,
            nav: raw.nav.into_iter().map(|n| NavItem { title: n.title, page: n.page }).collect(),
            audiences: raw
                .audiences
                .into_iter()
                .map(|a| Audience {
                    id: a.id,
                    label: a.label,
                    page: a.page,
                    entry: a.entry,
                    entry_text: a.entry_text,
                    exit: a.exit,
                    listen: a.listen.unwrap_or(a.exit),
                })
                .collect(),
            stages: raw.stages.into_iter().map(|s| Stage { id: s.id, label: s.label }).collect(),
            check: raw.check,
            offline: raw.offline,
            source: src,
            allow_active_files: raw.allow_active_files,
        })
    }

    /// Replaces the base URL (the `--base-url` option).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), crate::Error> {
        let url = if url.ends_with('/') { url.to_owned() } else { format!("{url}/") };
        self.base_path = base_path(&url).ok_or_else(|| {
            crate::Error::Usage(format!(
                "--base-url must be an absolute http(s) URL or a path starting with `/`, not `{url}`"
            ))
        })?;
        self.base_url = url;
        Ok(())
    }

    /// The audience with this id.
    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// The stage with this id.
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// `[[languages]]` checked (or the one `language`): known codes, each once,
/// a name, a direction; the default first.
fn languages(raw: &[RawLanguage], language: Option<&str>, text: &str, src: &SourceMap, diags: &mut Vec<Diagnostic>) -> Vec<Language> {
    use crate::lang::{self, Dir};
    let at_value = |v: &str, or: usize| find_value(text, v).unwrap_or(or);
    if raw.is_empty() {
        let code = language.unwrap_or(DEFAULT_LANGUAGE).to_owned();
        if let Err(why) = lang::check_code(&code) {
            diags.push(Diagnostic::error(Code::Config, format!("`language`: {why}")).at(src, at_value(&code, 0)).with_help("for example language = \"en-GB\""));
        }
        let dir = lang::direction(&code);
        return vec![Language { name: String::new(), dir, prefix: String::new(), code }];
    }
    let table = text.find("[[languages]]").unwrap_or(0);
    if let Some(l) = language
        && !raw[0].code.eq_ignore_ascii_case(l)
    {
        diags.push(
            Diagnostic::error(Code::Config, format!("`language` is `{l}`, but the first of `[[languages]]` (the default) is `{}`", raw[0].code))
                .at(src, at_value(l, 0))
                .with_help("remove `language`: with `[[languages]]`, the first one is the site's language"),
        );
    }
    let mut out: Vec<Language> = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let at = at_value(&l.code, table);
        if let Err(why) = lang::check_code(&l.code) {
            diags.push(Diagnostic::error(Code::Config, format!("`[[languages]]`: {why}")).at(src, at).with_help("use a BCP 47 code, for example `pl` (Polish), `ar` (Arabic), `ur` (Urdu), `gd` (Scottish Gaelic)"));
        }
        if out.iter().any(|o| o.code.eq_ignore_ascii_case(&l.code)) {
            diags.push(Diagnostic::error(Code::Config, format!("the language `{}` is listed twice", l.code)).at(src, at));
        }
        if l.name.trim().is_empty() {
            diags.push(Diagnostic::error(Code::Config, format!("the language `{}` has an empty `name`", l.code)).at(src, at).with_help("write the language's name in the language itself, for example `Polski`"));
        }
        let dir = match l.dir.as_deref() {
            None => lang::direction(&l.code),
            Some("ltr") => Dir::Ltr,
            Some("rtl") => Dir::Rtl,
            Some(other) => {
                diags.push(Diagnostic::error(Code::Config, format!("the language `{}` has `dir = \"{other}\"`", l.code)).at(src, at_value(other, at)).with_help("`dir` is `ltr` or `rtl` (or leave it out: it follows from the code)"));
                lang::direction(&l.code)
            }
        };
        let prefix = if i == 0 { String::new() } else { format!("{}/", lang::url_prefix(&l.code)) };
        out.push(Language { code: l.code.clone(), name: l.name.trim().to_owned(), dir, prefix });
    }
    out
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The path of a base URL: `https://x.org/cp/` → `/cp/`, `/cp/` → `/cp/`.
fn base_path(url: &str) -> Option<String> {
    if url.starts_with('/') {
        return Some(url.to_owned());
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let slash = rest.find('/')?;
    if slash == 0 {
        return None;
    }
    Some(rest[slash..].to_owned())
}

/// Byte offset of a top-level-looking `key =` in TOML text (for positions
/// of checks that happen after deserialising).
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(off + (line.len() - t.len()));
        }
        off += line.len();
    }
    None
}

/// Byte offset of a quoted value in TOML text.
fn find_value(text: &str, value: &str) -> Option<usize> {
    text.find(&format!("\"{value}\"")).map(|i| i + 1)
}

fn toml_diagnostic(src: &SourceMap, e: &toml::de::Error) -> Diagnostic {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().to_owned();
    match crate::yaml::parse_unknown_field(&message) {
        Some((key, allowed)) => {
            let help = diag::suggest_help(&key, allowed.iter().map(String::as_str), "allowed keys here");
            Diagnostic::error(Code::Config, format!("unknown key `{key}` in site.toml"))
                .at(src, offset)
                .with_help(help)
        }
        None => Diagnostic::error(Code::Config, message).at(src, offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://example.org/cp\"\nexit_url = \"https://www.bbc.co.uk/weather\"\n";

    #[test]
    fn base_url_gets_a_trailing_slash_and_a_path() {
        let c = SiteConfig::parse(Path::new("."), MINIMAL).unwrap();
        assert_eq!(c.base_url, "https://example.org/cp/");
        assert_eq!(c.base_path, "/cp/");
        assert_eq!(c.language, "en-GB");
        assert_eq!(c.output, PathBuf::from("public"));
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let text = format!("{MINIMAL}langauge = \"en\"\n");
        let d = SiteConfig::parse(Path::new("."), &text).unwrap_err();
        assert_eq!(d[0].render_human().lines().next().unwrap(), "site.toml:4:1: error[config]: unknown key `langauge` in site.toml");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn offline_is_on_unless_turned_off() {
        let c = SiteConfig::parse(Path::new("."), MINIMAL).unwrap();
        assert!(c.offline.enabled);
        assert_eq!(c.offline.theme_color, "#0e3b43");
        let text = format!("{MINIMAL}[offline]\nenabled = false\n");
        assert!(!SiteConfig::parse(Path::new("."), &text).unwrap().offline.enabled);
        let text = format!("{MINIMAL}[offline]\ntheme_color = \"teal\"\n");
        let d = SiteConfig::parse(Path::new("."), &text).unwrap_err();
        assert_eq!(d[0].location().unwrap(), "site.toml:5:16");
        let text = format!("{MINIMAL}[offline]\nenable = false\n");
        let d = SiteConfig::parse(Path::new("."), &text).unwrap_err();
        assert_eq!(d[0].help.as_deref(), Some("did you mean `enabled`?"));
    }

    #[test]
    fn a_bad_base_url_is_positioned() {
        let text = MINIMAL.replace("https://example.org/cp", "example.org");
        let d = SiteConfig::parse(Path::new("."), &text).unwrap_err();
        assert_eq!(d[0].location().unwrap(), "site.toml:2:1");
    }
}
