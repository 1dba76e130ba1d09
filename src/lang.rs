//! Languages: the site's `[[languages]]`, what a file name says about its
//! language, and the direction a language is written in.
//!
//! The first language of site.toml is the site's default: its pages keep
//! the addresses they have always had. Every other language's pages are
//! translations, one file beside its source page, named with the language's
//! code before `.md` (`what-is-a-cppm.pl.md`, `_index.pl.md`), and published
//! under `/<code>/` with the source page's address after it
//! (`/pl/parents/what-is-a-cppm/`). docs/languages.md explains it for authors.
//!
//! Codes are BCP 47 tags, checked against the IANA registry (the
//! `language-tags` crate carries it), so `po` for Polish is caught.

use serde::Serialize;

/// Which way a language is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Left to right.
    Ltr,
    /// Right to left (Arabic, Urdu, Persian, Hebrew…).
    Rtl,
}

impl Dir {
    /// `ltr` or `rtl`, as `<html dir>` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

/// The primary language subtags of languages written right to left (in
/// their usual script; a tag with a script subtag says it instead).
const RTL: &[&str] = &["ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi"];

/// Scripts written right to left (ISO 15924), for tags that name one.
const RTL_SCRIPTS: &[&str] = &["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"];

/// The direction a tag's language is written in: from its script subtag if it
/// has one (`pa-Arab`), else from its language.
pub fn direction(code: &str) -> Dir {
    let lower = code.to_ascii_lowercase();
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or("");
    let script = parts.find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rtl = match script {
        Some(s) => RTL_SCRIPTS.contains(&s),
        None => RTL.contains(&primary),
    };
    if rtl { Dir::Rtl } else { Dir::Ltr }
}

/// Why a code is not a language code the registry knows.
pub fn check_code(code: &str) -> Result<(), String> {
    let tag = language_tags::LanguageTag::parse(code).map_err(|e| format!("`{code}` is not a language tag ({e})"))?;
    tag.validate().map_err(|e| format!("`{code}` is not a language code the IANA registry knows ({e})"))
}

/// The folder a language's pages are published under (`pl`, `pt-br`).
pub fn url_prefix(code: &str) -> String {
    code.to_ascii_lowercase()
}

/// A language-like part of a file name: `what-is-a-cppm.pl.md` → `("what-is-a-cppm.md", "pl")`.
///
/// Anything of the shape of a language tag counts (two or three letters,
/// then `-` subtags), whether or not the site has that language, so that a
/// misspelt or missing language is reported instead of becoming a page with
/// a dot in its address.
pub fn split_file_name(rel: &str) -> Option<(String, &str)> {
    let stem = rel.strip_suffix(".md")?;
    let (dir, name) = match stem.rsplit_once('/') {
        Some((d, n)) => (Some(d), n),
        None => (None, stem),
    };
    let (base, code) = name.rsplit_once('.')?;
    if base.is_empty() || !looks_like_tag(code) {
        return None;
    }
    let source = match dir {
        Some(d) => format!("{d}/{base}.md"),
        None => format!("{base}.md"),
    };
    Some((source, &rel[rel.len() - 3 - code.len()..rel.len() - 3]))
}

fn looks_like_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The file name of a page's translation: `parents/a.md` + `pl` → `parents/a.pl.md`.
pub fn translated_rel(source: &str, code: &str) -> String {
    let stem = source.strip_suffix(".md").unwrap_or(source);
    format!("{stem}.{code}.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_their_language() {
        assert_eq!(split_file_name("parents/what-is-a-cppm.pl.md"), Some(("parents/what-is-a-cppm.md".into(), "pl")));
        assert_eq!(split_file_name("_index.ar.md"), Some(("_index.md".into(), "ar")));
        assert_eq!(split_file_name("a/_index.pt-BR.md"), Some(("a/_index.md".into(), "pt-BR")));
        assert_eq!(split_file_name("a/what-is-a-cppm.md"), None);
        assert_eq!(split_file_name("a/v1.2.md"), None, "digits are not a language");
        assert_eq!(split_file_name("a/.pl.md"), None);
        assert_eq!(translated_rel("parents/a.md", "pl"), "parents/a.pl.md");
    }

    #[test]
    fn codes_are_checked_against_the_registry() {
        assert!(check_code("pl").is_ok());
        assert!(check_code("en-GB").is_ok());
        assert!(check_code("gd").is_ok());
        assert!(check_code("xx").is_err());
        assert!(check_code("english").is_err());
    }

    #[test]
    fn arabic_and_urdu_are_right_to_left() {
        assert_eq!(direction("ar"), Dir::Rtl);
        assert_eq!(direction("ur"), Dir::Rtl);
        assert_eq!(direction("pa-Arab"), Dir::Rtl);
        assert_eq!(direction("pl"), Dir::Ltr);
        assert_eq!(direction("gd"), Dir::Ltr);
        assert_eq!(direction("en-GB"), Dir::Ltr);
    }
}
