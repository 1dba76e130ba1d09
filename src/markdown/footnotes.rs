//! Footnotes, numbered in the order they are first referred to (as on
//! GitHub; definitions nobody refers to come after, in order), with ids
//! prefixed `fn-` and `fnref-` so they never clash with heading ids. The
//! theme renders them: `partials/footnote-ref.html` for each reference,
//! `partials/footnote.html` for each definition.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Tag};
use serde::Serialize;

use super::headings::slugify;
use super::writer::{Out, content};
use crate::diag::Diagnostic;
use crate::render::Templates;

/// What `partials/footnote-ref.html` gets.
#[derive(Debug, Serialize)]
pub struct FootnoteRefContext {
    /// This reference's id (`fnref-<label>`, then `fnref-<label>-2`… for
    /// later references to the same note).
    pub id: String,
    /// The note's id (`fn-<label>`).
    pub note: String,
    /// The note's number.
    pub number: usize,
}

/// What `partials/footnote.html` gets.
#[derive(Debug, Serialize)]
pub struct FootnoteContext {
    /// The note's id (`fn-<label>`).
    pub id: String,
    /// Its number.
    pub number: usize,
    /// The id of the first reference to it (`fnref-<label>`), for the link
    /// back; none when the text never refers to it.
    pub back: Option<String>,
    /// The note's content as HTML.
    pub content: minijinja::Value,
}

/// The footnotes adapter.
#[derive(Debug, Default)]
pub(super) struct Footnotes {
    numbers: HashMap<String, usize>,
    referenced: HashSet<String>,
    /// References so far, by label.
    seen: HashMap<String, usize>,
    /// Definitions open, innermost last.
    open: Vec<String>,
}

impl Footnotes {
    /// Numbers every note of the page from its events.
    pub(super) fn new<'e>(events: impl IntoIterator<Item = &'e Event<'e>>) -> Self {
        let mut numbers = HashMap::new();
        let mut referenced = HashSet::new();
        let mut defined = Vec::new();
        for ev in events {
            match ev {
                Event::FootnoteReference(l) => {
                    referenced.insert(l.to_string());
                    let n = numbers.len() + 1;
                    numbers.entry(l.to_string()).or_insert(n);
                }
                Event::Start(Tag::FootnoteDefinition(l)) => defined.push(l.to_string()),
                _ => {}
            }
        }
        for l in defined {
            let n = numbers.len() + 1;
            numbers.entry(l).or_insert(n);
        }
        Footnotes { numbers, referenced, ..Default::default() }
    }

    fn number(&self, label: &str) -> usize {
        self.numbers.get(label).copied().unwrap_or(0)
    }

    /// A reference in the text; its id is added to `ids`.
    pub(super) fn reference(&mut self, label: &str, out: &mut Out<'_>, templates: Option<&Templates>, ids: &mut HashSet<String>, diags: &mut Vec<Diagnostic>) {
        let slug = slugify(label);
        let seen = self.seen.entry(label.to_owned()).or_insert(0);
        *seen += 1;
        let id = if *seen == 1 { format!("fnref-{slug}") } else { format!("fnref-{slug}-{seen}") };
        ids.insert(id.clone());
        let ctx = FootnoteRefContext { id, note: format!("fn-{slug}"), number: self.number(label) };
        out.inline(templates, "footnote-ref.html", &ctx, diags);
    }

    /// A definition starts; its id is added to `ids`.
    pub(super) fn start(&mut self, label: &str, out: &mut Out<'_>, ids: &mut HashSet<String>) {
        ids.insert(format!("fn-{}", slugify(label)));
        self.open.push(label.to_owned());
        out.open();
    }

    /// A definition ends.
    pub(super) fn end(&mut self, out: &mut Out<'_>, templates: Option<&Templates>, diags: &mut Vec<Diagnostic>) {
        let label = self.open.pop().unwrap_or_default();
        let slug = slugify(&label);
        let html = out.close();
        let back = self.referenced.contains(&label).then(|| format!("fnref-{slug}"));
        let ctx = FootnoteContext { id: format!("fn-{slug}"), number: self.number(&label), back, content: content(html.clone()) };
        out.wrap(templates, "footnote.html", &ctx, html, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_numbered_by_first_reference_then_by_definition() {
        let def = |l: &'static str| Event::Start(Tag::FootnoteDefinition(l.into()));
        let r = |l: &'static str| Event::FootnoteReference(l.into());
        let events = [def("a"), def("Lonely Note"), r("b"), r("a"), r("b"), def("b")];
        let mut notes = Footnotes::new(&events);
        assert_eq!([notes.number("b"), notes.number("a"), notes.number("Lonely Note")], [1, 2, 3]);
        let (mut out, mut ids, mut diags) = (Out::new(0), HashSet::new(), Vec::new());
        notes.reference("b", &mut out, None, &mut ids, &mut diags);
        notes.reference("b", &mut out, None, &mut ids, &mut diags);
        notes.start("Lonely Note", &mut out, &mut ids);
        notes.end(&mut out, None, &mut diags);
        let mut ids: Vec<_> = ids.into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["fn-lonely-note", "fnref-b", "fnref-b-2"]);
        assert!(!notes.referenced.contains("Lonely Note"));
    }
}
