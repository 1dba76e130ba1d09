//! The glossary: terms kept in `content/glossary.yaml`, shown on the
//! glossary page by the `glossary()` page function.

use serde::Deserialize;

use crate::diag::{Diagnostic, SourceMap};

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
            .map_err(|e| vec![e.into_diagnostic("glossary", &src, 0)])?;
        let index = crate::yaml::KeyIndex::new(src.text());
        let mut diags = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let key = e.term.to_lowercase();
            if let Some(first) = seen.insert(key, i) {
                let at = index.best(&[crate::yaml::Seg::Index(i)]).unwrap_or(0);
                diags.push(
                    Diagnostic::error("glossary", format!("`{}` is defined twice (first as entry {})", e.term, first + 1))
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

    /// The glossary as a description list, with an A–Z jump list.
    pub fn to_html(&self) -> String {
        use pulldown_cmark_escape::escape_html;
        let mut out = String::from("<dl class=\"wm-glossary\">\n");
        for e in &self.entries {
            out.push_str("<dt id=\"");
            escape_html(&mut out, &Self::anchor(&e.term)).expect("string");
            out.push_str("\">");
            escape_html(&mut out, &e.term).expect("string");
            if let Some(a) = &e.abbr {
                out.push_str(" (<abbr>");
                escape_html(&mut out, a).expect("string");
                out.push_str("</abbr>)");
            }
            out.push_str("</dt>\n<dd>");
            escape_html(&mut out, &e.definition).expect("string");
            if !e.also_called.is_empty() {
                out.push_str(" <span class=\"wm-glossary__also\">Also called: ");
                escape_html(&mut out, &e.also_called.join(", ")).expect("string");
                out.push_str(".</span>");
            }
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n");
        out
    }
}
