//! The text of the page as a reader gets it, for the plain-language,
//! accessibility and hygiene checks: prose blocks (paragraphs, list items,
//! table cells), link and image texts, and the words in bold.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::calls::{Sites, strip_placeholders};
use super::{AnchorText, Rendered, TextBlock};

/// The text adapter: what is open, innermost last.
#[derive(Debug, Default)]
pub(super) struct TextCollector {
    /// Prose blocks: (offset, raw text).
    blocks: Vec<(usize, String)>,
    /// Links and images: (offset, text, is an image).
    anchors: Vec<(usize, String, bool)>,
    strong: Vec<String>,
}

impl TextCollector {
    /// Reads one event (it still goes on to the other adapters).
    pub(super) fn observe(&mut self, ev: &Event<'_>, offset: usize, sites: &Sites, r: &mut Rendered) {
        match ev {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell) => self.blocks.push((offset, String::new())),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                if let Some((off, raw)) = self.blocks.pop() {
                    let text = squash(&sites.text_of(&raw));
                    if !text.is_empty() {
                        let authored = squash(&strip_placeholders(&raw));
                        r.blocks.push(TextBlock { offset: off, text, authored });
                    }
                }
            }
            Event::Start(Tag::Link { .. }) => self.anchors.push((offset, String::new(), false)),
            Event::Start(Tag::Image { .. }) => self.anchors.push((offset, String::new(), true)),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((off, t, image)) = self.anchors.pop() {
                    r.anchors.push(AnchorText { offset: off, text: sites.text_of(&t).trim().to_owned(), image });
                }
            }
            Event::Start(Tag::Strong) => self.strong.push(String::new()),
            Event::End(TagEnd::Strong) => {
                if let Some(t) = self.strong.pop() {
                    r.strong.push(sites.text_of(&t).trim().to_owned());
                }
            }
            Event::Text(t) => {
                if let Some((_, b)) = self.blocks.last_mut() {
                    b.push_str(t);
                }
                for st in &mut self.strong {
                    st.push_str(t);
                }
                for (_, a, _) in &mut self.anchors {
                    a.push_str(t);
                }
            }
            Event::Code(t) => {
                for (_, a, _) in &mut self.anchors {
                    a.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, b)) = self.blocks.last_mut() {
                    b.push(' ');
                }
            }
            _ => {}
        }
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    #[test]
    fn blocks_links_and_bold_text_are_collected() {
        let md = "A **core  group**\nmeets [every *week*](x.md).\n\n- item `code`\n";
        let mut t = TextCollector::default();
        let mut r = Rendered::default();
        for (ev, range) in Parser::new(md).into_offset_iter() {
            t.observe(&ev, range.start, &Sites::default(), &mut r);
        }
        let blocks: Vec<_> = r.blocks.iter().map(|b| (b.offset, b.text.as_str())).collect();
        assert_eq!(blocks, [(0, "A core group meets every week."), (47, "item")]);
        assert_eq!(r.strong, ["core  group"]);
        assert_eq!(r.anchors, [AnchorText { offset: 24, text: "every week".into(), image: false }]);
    }
}
