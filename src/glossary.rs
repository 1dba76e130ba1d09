//! The glossary: terms kept in `content/glossary.yaml`, shown on the
//! glossary page by the `glossary()` page function.

use serde::Deserialize;

use crate::diag::{Code, Diagnostic, SourceMap};

/// One entry, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The term ("Child protection planning meeting").
    pub term: String,
    /// Its abbreviation ("CPPM").
    #[serde(default)]
    pub abbr: Option<String>,
    /// Other names for the same thing.
    #[serde(default)]
    pub also_called: Vec<String>,
    /// What it means, in plain words.
    pub definition: String,
}

/// All entries, sorted by term.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Entries in alphabetical order.
    pub entries: Vec<Entry>,
}

/// Where the glossary lives, relative to the content folder.
pub const FILE: &str = "glossary.yaml";

impl Glossary {
    /// Parses the glossary file's text (`shown` names it in messages).
    pub fn parse(shown: std::path::PathBuf, text: String) -> Result<Glossary, Vec<Diagnostic>> {
        let src = SourceMap::new(shown, text);
        let mut entries: Vec<Entry> = crate::yaml::from_str(src.text())
            .map_err(|e| vec![e.into_diagnostic(Code::Glossary, &src, 0)])?;
        let index = crate::yaml::KeyIndex::new(src.text());
        let mut diags = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let key = e.term.to_lowercase();
            if let Some(first) = seen.insert(key, i) {
                let at = index.best(&[crate::yaml::Seg::Index(i)]).unwrap_or(0);
                diags.push(
                    Diagnostic::error(Code::Glossary, format!("`{}` is defined twice (first as entry {})", e.term, first + 1))
                        .at(&src, at),
                );
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        entries.sort_by_key(|e| e.term.to_lowercase());
        Ok(Glossary { entries })
    }

    /// The id of a term's entry on the glossary page.
    pub fn anchor(term: &str) -> String {
        crate::markdown::slugify(term)
    }

    /// What `partials/glossary.html` gets: the entries, in order.
    pub fn context(&self) -> GlossaryContext {
        let entries = self
            .entries
            .iter()
            .map(|e| GlossaryEntry { id: Self::anchor(&e.term), term: e.term.clone(), abbr: e.abbr.clone(), definition: e.definition.clone(), also_called: e.also_called.clone() })
            .collect();
        GlossaryContext { entries }
    }
}

/// What `partials/glossary.html` gets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GlossaryContext {
    /// Every entry, in alphabetical order.
    pub entries: Vec<GlossaryEntry>,
}

/// One entry of [`GlossaryContext`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct GlossaryEntry {
    /// The entry's id, where terms on other pages link to.
    pub id: String,
    /// The term.
    pub term: String,
    /// Its abbreviation.
    pub abbr: Option<String>,
    /// What it means.
    pub definition: String,
    /// Other names for it.
    pub also_called: Vec<String>,
}

/// What the Markdown stage needs to link the first use of each glossary term
/// on a page to its entry.
#[derive(Debug)]
pub struct Linker {
    finder: aho_corasick::AhoCorasick,
    /// For each pattern: the entry it belongs to, and whether it is an
    /// abbreviation (matched case-sensitively and shown in `<abbr>`).
    patterns: Vec<(usize, bool)>,
    /// Entries: (anchor, term).
    entries: Vec<(String, String)>,
    /// The glossary page's `rel` and URL (with the base path).
    pub page_rel: String,
    /// The glossary page's URL (with the base path).
    pub page_url: String,
}

/// Curly apostrophes (from smart punctuation) compare equal to straight ones.
pub fn fold_apostrophes(s: &str) -> String {
    s.replace('\u{2019}', "'")
}

impl Linker {
    /// Builds the linker; None when the glossary is empty.
    pub fn new(glossary: &Glossary, page_rel: String, page_url: String) -> Option<Linker> {
        let mut needles = Vec::new();
        let mut patterns = Vec::new();
        let mut entries = Vec::new();
        for (i, e) in glossary.entries.iter().enumerate() {
            entries.push((Glossary::anchor(&e.term), e.term.clone()));
            for name in std::iter::once(&e.term).chain(&e.also_called) {
                // Smart punctuation turns "child's" into "child’s": match both.
                let straight = fold_apostrophes(name);
                let curly = straight.replace('\'', "\u{2019}");
                if curly != straight {
                    needles.push(curly);
                    patterns.push((i, false));
                }
                needles.push(straight);
                patterns.push((i, false));
            }
            if let Some(a) = &e.abbr {
                needles.push(a.clone());
                patterns.push((i, true));
            }
        }
        if needles.is_empty() {
            return None;
        }
        let finder = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&needles)
            .ok()?;
        Some(Linker { finder, patterns, entries, page_rel, page_url })
    }

    /// Finds the terms in `text` whose entries are not yet in `seen`, as
    /// (start, end, entry, is abbreviation), and marks them seen.
    pub fn find(&self, text: &str, seen: &mut std::collections::HashSet<usize>) -> Vec<(usize, usize, usize, bool)> {
        let mut out = Vec::new();
        for m in self.finder.find_iter(text) {
            let (entry, abbr) = self.patterns[m.pattern().as_usize()];
            if seen.contains(&entry) {
                continue;
            }
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if word(text[..m.start()].chars().next_back()) || word(text[m.end()..].chars().next()) {
                continue;
            }
            // Abbreviations only in capitals ("IRD", not "ird").
            if abbr && text[m.start()..m.end()].chars().any(char::is_lowercase) {
                continue;
            }
            seen.insert(entry);
            out.push((m.start(), m.end(), entry, abbr));
        }
        out
    }

    /// The link for a found term, wrapping `shown` (already escaped).
    pub fn link_html(&self, entry: usize, abbr: bool, shown: &str) -> String {
        let (anchor, term) = &self.entries[entry];
        let mut out = format!("<a class=\"wm-term\" href=\"{}#{anchor}\">", self.page_url);
        if abbr {
            out.push_str("<abbr title=\"");
            pulldown_cmark_escape::escape_html(&mut out, term).expect("string");
            out.push_str("\">");
            out.push_str(shown);
            out.push_str("</abbr>");
        } else {
            out.push_str(shown);
        }
        out.push_str("</a>");
        out
    }

    /// The anchor of an entry.
    pub fn anchor(&self, entry: usize) -> &str {
        &self.entries[entry].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        Glossary::parse(
            "g.yaml".into(),
            "- term: Child protection planning meeting\n  abbr: CPPM\n  definition: A meeting.\n- term: Children's Reporter\n  also_called: [the Reporter]\n  definition: A person.\n- term: Core group\n  definition: People.\n".into(),
        )
        .unwrap()
    }

    #[test]
    fn first_uses_are_found_once_each_whole_words_only() {
        let g = glossary();
        let l = Linker::new(&g, "glossary.md".into(), "/glossary/".into()).unwrap();
        let mut seen = Default::default();
        let text = "The core group and the CPPM. Another core group; the Children\u{2019}s Reporter. cppm, coregroups.";
        let found: Vec<_> = l.find(text, &mut seen).into_iter().map(|(s, e, _, a)| (&text[s..e], a)).collect();
        assert_eq!(found, [("core group", false), ("CPPM", true), ("Children\u{2019}s Reporter", false)]);
        assert!(l.find("the Reporter", &mut seen).is_empty(), "also-called names share their entry");
    }
}
