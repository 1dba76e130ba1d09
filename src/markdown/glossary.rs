//! Glossary linking: the first use of each glossary term on a page links to
//! its entry, outside links and code and between `<!-- glossary: off -->`
//! and `<!-- glossary: on -->`.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

use super::{LinkRef, Rendered};
use crate::glossary::Linker;

/// The glossary adapter.
#[derive(Debug)]
pub(super) struct GlossaryLinks<'l> {
    linker: Option<&'l Linker>,
    off: bool,
    in_code_block: bool,
    in_anchor: usize,
    /// Entries already linked on this page.
    linked: HashSet<usize>,
}

impl<'l> GlossaryLinks<'l> {
    /// `linker` is None when the page does not link terms.
    pub(super) fn new(linker: Option<&'l Linker>) -> Self {
        GlossaryLinks { linker, off: false, in_code_block: false, in_anchor: 0, linked: HashSet::new() }
    }

    /// Reads one event: where linking is on.
    pub(super) fn observe(&mut self, ev: &Event<'_>) {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.in_anchor += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.in_anchor = self.in_anchor.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) if h.contains("<!-- glossary:") => {
                if h.contains("<!-- glossary: off -->") {
                    self.off = true;
                }
                if h.contains("<!-- glossary: on -->") {
                    self.off = false;
                }
            }
            _ => {}
        }
    }

    /// Text with its first uses of terms linked, or None where this text is
    /// not linked (the caller keeps it as it is).
    pub(super) fn link<'a>(&mut self, text: &CowStr<'a>, offset: usize, r: &mut Rendered) -> Option<Vec<Event<'a>>> {
        let l = self.linker.filter(|_| !self.off && !self.in_code_block && self.in_anchor == 0)?;
        let found = l.find(text, &mut self.linked);
        if found.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(found.len() * 2 + 1);
        let mut pos = 0;
        for (start, end, entry, abbr) in found {
            if start > pos {
                out.push(Event::Text(text[pos..start].to_owned().into()));
            }
            let mut shown = String::new();
            escape_html(&mut shown, &text[start..end]).expect("string");
            out.push(Event::InlineHtml(l.link_html(entry, abbr, &shown).into()));
            r.links.push(LinkRef { target: l.page_rel.clone(), fragment: Some(l.anchor(entry).to_owned()), offset, glossary: true });
            pos = end;
        }
        if pos < text.len() {
            out.push(Event::Text(text[pos..].to_owned().into()));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::Glossary;

    #[test]
    fn first_uses_link_outside_code_links_and_switched_off_parts() {
        let g = Glossary::parse("g.yaml".into(), "- term: Core group\n  definition: People.\n- term: Reporter\n  definition: A person.\n".into()).unwrap();
        let l = Linker::new(&g, "glossary.md".into(), "/glossary/".into()).unwrap();
        let mut links = GlossaryLinks::new(Some(&l));
        let mut r = Rendered::default();
        links.observe(&Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented)));
        assert!(links.link(&"core group".into(), 0, &mut r).is_none());
        links.observe(&Event::End(TagEnd::CodeBlock));
        let ev = links.link(&"The core group meets.".into(), 7, &mut r).unwrap();
        assert_eq!(ev.len(), 3);
        assert!(matches!(&ev[1], Event::InlineHtml(h) if h.starts_with("<a class=\"wm-term\" href=\"/glossary/#core-group\">core group</a>")));
        assert!(links.link(&"core group again".into(), 9, &mut r).is_none(), "only the first use");
        links.observe(&Event::Html("<!-- glossary: off -->".into()));
        assert!(links.link(&"Reporter".into(), 0, &mut r).is_none());
        links.observe(&Event::InlineHtml("<!-- glossary: on -->".into()));
        assert!(links.link(&"Reporter".into(), 11, &mut r).is_some());
        assert_eq!(r.links.iter().map(|l| (l.offset, l.fragment.as_deref())).collect::<Vec<_>>(), [(7, Some("core-group")), (11, Some("reporter"))]);
        assert!(GlossaryLinks::new(None).link(&"core group".into(), 0, &mut r).is_none());
    }
}
