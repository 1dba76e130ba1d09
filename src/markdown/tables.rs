//! Tables: each in a scrollable region named after the heading above it
//! (`partials/table.html`), and column alignment as classes
//! (`wm-align-left`, `-center`, `-right`), since the site's security policy
//! blocks the inline styles pulldown-cmark would write.

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};
use serde::Serialize;

use super::writer::{Out, content};
use crate::diag::Diagnostic;
use crate::render::Templates;

/// What `partials/table.html` gets.
#[derive(Debug, Serialize)]
pub struct TableContext {
    /// The region's name: "Table: <heading above>", with " (2)" and so on
    /// for a second table under the same heading; "Table" before any heading.
    pub label: String,
    /// The `<table>` as HTML.
    pub content: minijinja::Value,
}

/// The tables adapter.
#[derive(Debug, Default)]
pub(super) struct Tables {
    last_heading: Option<String>,
    under_heading: usize,
    /// The open table's column alignments, and the next cell's column.
    alignments: Vec<Alignment>,
    column: usize,
    /// In the header row (cells are `<th>`).
    head: bool,
}

impl Tables {
    /// A heading ended: tables after it are named after it.
    pub(super) fn heading(&mut self, title: &str) {
        self.last_heading = Some(title.to_owned());
        self.under_heading = 0;
    }

    /// A table starts.
    pub(super) fn start(&mut self, alignments: Vec<Alignment>, out: &mut Out<'_>) {
        self.under_heading += 1;
        self.alignments = alignments;
        out.open();
        // The alignments stay here, so the HTML writer makes no style attributes.
        out.push(Event::Start(Tag::Table(Vec::new())));
    }

    /// Table structure: rows restart the column count; aligned cells get a class.
    pub(super) fn event<'a>(&mut self, ev: Event<'a>) -> Event<'a> {
        match ev {
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                self.head = matches!(ev, Event::Start(Tag::TableHead));
                self.column = 0;
                ev
            }
            Event::End(TagEnd::TableHead) => {
                self.head = false;
                ev
            }
            Event::Start(Tag::TableCell) => {
                let class = match self.alignments.get(self.column) {
                    Some(Alignment::Left) => "left",
                    Some(Alignment::Center) => "center",
                    Some(Alignment::Right) => "right",
                    _ => "",
                };
                self.column += 1;
                if class.is_empty() {
                    return ev;
                }
                let cell = if self.head { "th" } else { "td" };
                Event::Html(format!("<{cell} class=\"wm-align-{class}\">").into())
            }
            other => other,
        }
    }

    /// A table ends: its region.
    pub(super) fn end(&mut self, out: &mut Out<'_>, templates: Option<&Templates>, diags: &mut Vec<Diagnostic>) {
        out.push(Event::End(TagEnd::Table));
        let html = out.close();
        let mut label = match &self.last_heading {
            Some(h) => format!("Table: {h}"),
            None => "Table".to_owned(),
        };
        if self.under_heading > 1 {
            label.push_str(&format!(" ({})", self.under_heading));
        }
        self.alignments.clear();
        let ctx = TableContext { label, content: content(html.clone()) };
        out.wrap(templates, "table.html", &ctx, html, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_cells_get_classes_and_regions_count_tables_per_heading() {
        let mut t = Tables::default();
        let mut out = Out::new(0);
        t.start(vec![Alignment::None, Alignment::Right], &mut out);
        assert!(matches!(t.event(Event::Start(Tag::TableHead)), Event::Start(Tag::TableHead)));
        assert!(matches!(t.event(Event::Start(Tag::TableCell)), Event::Start(Tag::TableCell)));
        match t.event(Event::Start(Tag::TableCell)) {
            Event::Html(h) => assert_eq!(&*h, "<th class=\"wm-align-right\">"),
            other => panic!("{other:?}"),
        }
        t.event(Event::Start(Tag::TableRow));
        t.event(Event::Start(Tag::TableCell));
        match t.event(Event::Start(Tag::TableCell)) {
            Event::Html(h) => assert_eq!(&*h, "<td class=\"wm-align-right\">"),
            other => panic!("{other:?}"),
        }
        let mut diags = Vec::new();
        t.end(&mut out, None, &mut diags);
        assert_eq!(out.finish(), "<table></tbody></table>\n");
        t.heading("Who");
        t.start(Vec::new(), &mut Out::new(0));
        t.start(Vec::new(), &mut Out::new(0));
        assert_eq!((t.last_heading.as_deref(), t.under_heading), (Some("Who"), 2));
    }
}
