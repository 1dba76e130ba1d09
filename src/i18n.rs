//! The words of the theme and of site.toml in each of the site's languages.
//!
//! Every text a theme shows (the skip link, "Exit this page", the search
//! box, the calculator's labels, dates…) is a **string** with a key
//! (`exit.button`), looked up in one file per language: the theme's
//! `i18n/<code>.yaml` (for `en-GB` the built-in theme ships `en-GB.yaml`;
//! a code with a region falls back to the file of its language, `pt-BR` →
//! `pt.yaml`). A site changes or adds strings key by key in its own
//! `i18n/<code>.yaml` beside site.toml, which is also where the texts of
//! site.toml (the title, menu entries, audiences, stages) get their
//! translations, under `site:` keyed by the English text:
//!
//! ```yaml
//! site:
//!   "Parents and carers": "Rodzice i opiekunowie"
//! ```
//!
//! Templates ask for a string with `t("key")` (placeholders written
//! `{name}` are filled from keyword arguments: `t("fallback.notice",
//! language="Polski")`). The default language's strings are the reference:
//! a key any other language lacks is a `strings` error naming the key and
//! the file, and so is a site.toml text with no translation in a language
//! that has pages.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::theme::Theme;

/// A value of a strings file: text, a list of texts (month names), or more keys.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Tree {
    Text(String),
    List(Vec<String>),
    Map(BTreeMap<String, Tree>),
}

/// One language's strings, merged from the theme's file and the site's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// The language's code.
    pub code: String,
    /// Flattened keys (`exit.button`) → text.
    pub strings: HashMap<String, String>,
    /// Lists (`date.months`).
    pub lists: HashMap<String, Vec<String>>,
    /// site.toml's texts: English → this language.
    pub site: HashMap<String, String>,
    /// The files it came from, as shown in messages (the site's last).
    pub files: Vec<PathBuf>,
    /// The last of them, for positions.
    last: Option<SourceMap>,
}

/// Every language's strings, in site.toml's order of languages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strings {
    pub tables: Vec<Table>,
}

/// The language whose strings file every theme must have: the one used
/// for a default language the theme has no file for.
const DEFAULT_CODE: &str = "en-GB";

/// The keys every strings file must have lists of this length.
const LISTS: [(&str, usize); 2] = [("date.months", 12), ("date.weekdays", 7)];

impl Strings {
    /// Reads the strings of every language: the theme's file, then the
    /// site's. Problems are diagnostics; the tables are still made.
    pub(crate) fn load(config: &SiteConfig, theme: &Theme) -> (Strings, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut tables = Vec::new();
        for l in &config.languages {
            let mut t = Table { code: l.code.clone(), ..Table::default() };
            let primary = l.code.split('-').next().unwrap_or(&l.code);
            let mut names = vec![format!("i18n/{}.yaml", l.code), format!("i18n/{primary}.yaml")];
            if tables.is_empty() {
                // A default language the theme has no words for shows the theme's English.
                names.push(format!("i18n/{DEFAULT_CODE}.yaml"));
            }
            let theme_file = names.into_iter().find_map(|k| theme.files.get(&k));
            if let Some(f) = theme_file {
                let src = SourceMap::new(f.shown.clone(), String::from_utf8_lossy(&f.bytes).into_owned());
                read_into(&mut t, &src, &mut diags);
                t.files.push(f.shown.clone());
                t.last = Some(src);
            }
            let site_rel = Path::new("i18n").join(format!("{}.yaml", l.code));
            let site_path = config.root.join(&site_rel);
            if let Ok(text) = std::fs::read_to_string(&site_path) {
                let src = SourceMap::new(site_rel.clone(), text);
                read_into(&mut t, &src, &mut diags);
                t.files.push(site_rel);
                t.last = Some(src);
            }
            tables.push(t);
        }
        let strings = Strings { tables };
        diags.extend(strings.missing(config));
        (strings, diags)
    }

    /// The built-in theme's strings of the default language only (for the
    /// built-in templates used when a site's own fail to load).
    pub(crate) fn builtin(theme: &Theme) -> Strings {
        let mut t = Table { code: DEFAULT_CODE.to_owned(), ..Table::default() };
        if let Some(f) = theme.files.get(&format!("i18n/{DEFAULT_CODE}.yaml")) {
            let src = SourceMap::new(f.shown.clone(), String::from_utf8_lossy(&f.bytes).into_owned());
            read_into(&mut t, &src, &mut Vec::new());
        }
        Strings { tables: vec![t] }
    }

    /// One language's table.
    pub(crate) fn table(&self, lang: usize) -> Option<&Table> {
        self.tables.get(lang)
    }

    /// A string in language `lang`, falling back to the default language
    /// (a missing string is reported once, at load).
    pub(crate) fn get(&self, lang: usize, key: &str) -> Option<&str> {
        self.tables.get(lang).and_then(|t| t.strings.get(key)).or_else(|| self.tables.first()?.strings.get(key)).map(String::as_str)
    }

    /// A list in language `lang` (the default's when it lacks one).
    pub(crate) fn list(&self, lang: usize, key: &str) -> Option<&[String]> {
        self.tables.get(lang).and_then(|t| t.lists.get(key)).or_else(|| self.tables.first()?.lists.get(key)).map(Vec::as_slice)
    }

    /// A text of site.toml in language `lang` (as written for the default
    /// language, and where a translation is missing, which is reported).
    pub(crate) fn site_text(&self, lang: usize, text: &str) -> String {
        if lang == 0 {
            return text.to_owned();
        }
        self.tables.get(lang).and_then(|t| t.site.get(text)).cloned().unwrap_or_else(|| text.to_owned())
    }

    /// A date in words in language `lang` (`2 grudnia 2026`), from its
    /// `date.months` and `date.format`.
    pub(crate) fn date(&self, lang: usize, d: time::Date) -> String {
        let month = self.list(lang, "date.months").and_then(|m| m.get(usize::from(u8::from(d.month())) - 1));
        let format = self.get(lang, "date.format");
        match (month, format) {
            (Some(m), Some(f)) => f.replace("{day}", &d.day().to_string()).replace("{month}", m).replace("{year}", &d.year().to_string()),
            _ => timescales::date::day_month_year(d),
        }
    }

    /// A string with its `{name}` placeholders filled.
    pub(crate) fn fill(text: &str, args: &[(&str, &str)]) -> String {
        let mut out = text.to_owned();
        for (k, v) in args {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }

    /// Keys the default language has and another lacks; lists of the wrong
    /// length; site.toml texts without a translation.
    fn missing(&self, config: &SiteConfig) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let Some(reference) = self.tables.first() else { return out };
        let place = |d: Diagnostic, t: &Table, key: &str| match &t.last {
            Some(src) => {
                let last = key.rsplit('.').next().unwrap_or(key);
                let at = src.text().find(&format!("{last}:")).filter(|_| t.lists.contains_key(key) || t.strings.contains_key(key)).unwrap_or(0);
                d.at(src, at)
            }
            None => d.in_file(format!("i18n/{}.yaml", t.code)),
        };
        for (key, len) in LISTS {
            for t in &self.tables {
                if let Some(l) = t.lists.get(key)
                    && l.len() != len
                {
                    out.push(place(Diagnostic::error(Code::Strings, format!("`{key}` has {} entries, not {len}", l.len())), t, key));
                }
            }
        }
        for t in self.tables.iter().skip(1) {
            if t.files.is_empty() {
                out.push(
                    Diagnostic::error(Code::Strings, format!("there are no theme strings for `{}`", t.code))
                        .in_file(format!("i18n/{}.yaml", t.code))
                        .with_help(format!("write i18n/{}.yaml beside site.toml: a translation of every key of the theme's i18n/{}.yaml", t.code, reference.code)),
                );
                continue;
            }
            let mut keys: Vec<&String> = reference.strings.keys().filter(|k| !t.strings.contains_key(*k)).collect();
            keys.extend(reference.lists.keys().filter(|k| !t.lists.contains_key(*k)));
            keys.sort();
            for k in keys {
                let english = reference.strings.get(k).map(|e| format!("; in {} it is \u{201c}{e}\u{201d}", reference.code)).unwrap_or_default();
                let files = t.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" and ");
                out.push(place(
                    Diagnostic::error(Code::Strings, format!("the string `{k}` is missing from {files}")).with_help(format!("add `{k}` in {}{english}", t.code)),
                    t,
                    k,
                ));
            }
        }
        // site.toml's texts a translated page shows.
        let texts = site_texts(config);
        for (i, t) in self.tables.iter().enumerate().skip(1) {
            for text in &texts {
                if !t.site.contains_key(*text) {
                    let at = config.source.text().find(&format!("\"{text}\"")).map_or(0, |o| o + 1);
                    out.push(
                        Diagnostic::error(Code::Strings, format!("site.toml's text \u{201c}{text}\u{201d} has no translation in `{}`", config.languages[i].code))
                            .at(&config.source, at)
                            .with_help(format!("add it under `site:` in i18n/{}.yaml beside site.toml: `\"{text}\": \"…\"`", t.code)),
                    );
                }
            }
        }
        out
    }
}

/// The texts of site.toml that pages in another language show.
pub(crate) fn site_texts(config: &SiteConfig) -> Vec<&str> {
    let mut out = vec![config.title.as_str()];
    out.extend(config.nav.iter().map(|n| n.title.as_str()));
    for a in &config.audiences {
        out.push(&a.label);
        out.extend(a.entry.as_deref());
        out.extend(a.entry_text.as_deref());
    }
    out.extend(config.stages.iter().map(|s| s.label.as_str()));
    out
}

/// Reads one strings file into a table (later files override earlier keys).
fn read_into(t: &mut Table, src: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let tree: BTreeMap<String, Tree> = match crate::yaml::from_str(src.text()) {
        Ok(v) => v,
        Err(e) => {
            diags.push(e.into_diagnostic(Code::Strings, src, 0));
            return;
        }
    };
    for (k, v) in tree {
        if k == "site" {
            match v {
                Tree::Map(m) => {
                    for (english, v) in m {
                        match v {
                            Tree::Text(s) => {
                                t.site.insert(english, s);
                            }
                            _ => diags.push(Diagnostic::error(Code::Strings, format!("`site: \"{english}\"` must be a text")).at(src, src.text().find(&english).unwrap_or(0))),
                        }
                    }
                }
                _ => diags.push(Diagnostic::error(Code::Strings, "`site:` must map site.toml's texts to their translations").at(src, src.text().find("site:").unwrap_or(0))),
            }
            continue;
        }
        flatten(t, &k, v);
    }
}

fn flatten(t: &mut Table, key: &str, v: Tree) {
    match v {
        Tree::Text(s) => {
            t.strings.insert(key.to_owned(), s);
        }
        Tree::List(l) => {
            t.lists.insert(key.to_owned(), l);
        }
        Tree::Map(m) => {
            for (k, v) in m {
                flatten(t, &format!("{key}.{k}"), v);
            }
        }
    }
}
