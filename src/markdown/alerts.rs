//! GitHub-style alerts (`> [!WARNING]`), rendered by the theme's
//! `partials/alert.html`; a plain block quote stays a `<blockquote>`.

use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};
use serde::Serialize;

use super::writer::{Out, content};
use crate::diag::Diagnostic;
use crate::render::Templates;

/// What `partials/alert.html` gets.
#[derive(Debug, Serialize)]
pub struct AlertContext {
    /// The alert as written, in lower case: `note`, `tip`, `important`,
    /// `warning` or `caution`.
    pub kind: &'static str,
    /// The words a screen reader hears first: `Note`, `Tip`, `Important`,
    /// or `Warning` (for warnings and cautions).
    pub label: &'static str,
    /// The alert's content as HTML.
    pub content: minijinja::Value,
}

impl AlertContext {
    fn names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
        match kind {
            BlockQuoteKind::Note => ("note", "Note"),
            BlockQuoteKind::Tip => ("tip", "Tip"),
            BlockQuoteKind::Important => ("important", "Important"),
            BlockQuoteKind::Warning => ("warning", "Warning"),
            BlockQuoteKind::Caution => ("caution", "Warning"),
        }
    }
}

/// The alerts adapter: block quotes open, innermost last.
#[derive(Debug, Default)]
pub(super) struct Alerts {
    open: Vec<Option<BlockQuoteKind>>,
}

impl Alerts {
    /// A block quote starts.
    pub(super) fn start(&mut self, kind: Option<BlockQuoteKind>, out: &mut Out<'_>) {
        self.open.push(kind);
        match kind {
            Some(_) => out.open(),
            None => out.push(Event::Start(Tag::BlockQuote(None))),
        }
    }

    /// A block quote ends: an alert becomes its partial.
    pub(super) fn end(&mut self, out: &mut Out<'_>, templates: Option<&Templates>, diags: &mut Vec<Diagnostic>) {
        match self.open.pop().flatten() {
            Some(kind) => {
                let html = out.close();
                let (kind, label) = AlertContext::names(kind);
                let ctx = AlertContext { kind, label, content: content(html.clone()) };
                out.wrap(templates, "alert.html", &ctx, html, diags);
            }
            None => out.push(Event::End(TagEnd::BlockQuote(None))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_wrap_their_content_and_quotes_stay_quotes() {
        let mut out = Out::new(0);
        let mut alerts = Alerts::default();
        let mut diags = Vec::new();
        alerts.start(None, &mut out);
        alerts.start(Some(BlockQuoteKind::Caution), &mut out);
        out.push(Event::Text("x".into()));
        // Without templates the content stands alone.
        alerts.end(&mut out, None, &mut diags);
        alerts.end(&mut out, None, &mut diags);
        assert_eq!(out.finish(), "<blockquote>\nx\n</blockquote>\n");
        assert_eq!(AlertContext::names(BlockQuoteKind::Caution), ("caution", "Warning"));
    }
}
