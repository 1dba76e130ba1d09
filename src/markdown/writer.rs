//! Where the adapters put the page's events. A wrapper made by a theme
//! partial (an alert, a table, a footnote) opens a frame; when it closes,
//! the frame's events are rendered to HTML and become the partial's
//! `content`.

use pulldown_cmark::Event;

use crate::diag::Diagnostic;
use crate::render::Templates;

/// The output: the page's events, with one frame per open wrapper.
#[derive(Debug)]
pub(super) struct Out<'a> {
    frames: Vec<Vec<Event<'a>>>,
    /// The page's language, for the partials' strings.
    lang: usize,
}

impl<'a> Out<'a> {
    pub(super) fn new(lang: usize) -> Self {
        Out { frames: vec![Vec::new()], lang }
    }

    /// Adds an event to the innermost frame.
    pub(super) fn push(&mut self, ev: Event<'a>) {
        self.frames.last_mut().expect("the page's own frame is never closed").push(ev);
    }

    /// Starts collecting a wrapper's content.
    pub(super) fn open(&mut self) {
        self.frames.push(Vec::new());
    }

    /// The innermost wrapper's content as HTML (the page's own frame stays).
    pub(super) fn close(&mut self) -> String {
        let events = if self.frames.len() > 1 { self.frames.pop().unwrap_or_default() } else { Vec::new() };
        to_html(events)
    }

    /// Puts a wrapper's HTML in place: partial `name` rendered with `ctx`,
    /// ending a line. Without templates (they failed to load, and that is
    /// reported) the content stands alone; a partial's own failure is
    /// reported in `diags`.
    pub(super) fn wrap<S: serde::Serialize>(&mut self, templates: Option<&Templates>, name: &str, ctx: &S, content: String, diags: &mut Vec<Diagnostic>) {
        let mut html = match templates.map(|t| t.partial(name, ctx, self.lang)) {
            Some(Ok(html)) => html,
            Some(Err(d)) => {
                diags.push(d);
                content
            }
            None => content,
        };
        if !html.ends_with('\n') {
            html.push('\n');
        }
        self.push(Event::Html(html.into()));
    }

    /// An inline partial (a footnote reference).
    pub(super) fn inline<S: serde::Serialize>(&mut self, templates: Option<&Templates>, name: &str, ctx: &S, diags: &mut Vec<Diagnostic>) {
        match templates.map(|t| t.partial(name, ctx, self.lang)) {
            Some(Ok(html)) => self.push(Event::InlineHtml(html.into())),
            Some(Err(d)) => diags.push(d),
            None => {}
        }
    }

    /// Every event, with any wrapper left open (the parser always closes
    /// them) flattened into the page.
    pub(super) fn finish(mut self) -> String {
        while self.frames.len() > 1 {
            let inner = self.frames.pop().unwrap_or_default();
            self.frames.last_mut().expect("the page's frame").extend(inner);
        }
        to_html(self.frames.pop().unwrap_or_default())
    }
}

fn to_html(events: Vec<Event<'_>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// A wrapper's content: HTML already made, not to be escaped again.
pub(super) fn content(html: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Tag, TagEnd};

    #[test]
    fn a_frame_becomes_the_html_of_its_content() {
        let mut out = Out::new(0);
        out.push(Event::Start(Tag::Paragraph));
        out.push(Event::Text("a".into()));
        out.push(Event::End(TagEnd::Paragraph));
        out.open();
        out.push(Event::Start(Tag::Paragraph));
        out.push(Event::Text("b & c".into()));
        out.push(Event::End(TagEnd::Paragraph));
        let inner = out.close();
        assert_eq!(inner, "<p>b &amp; c</p>\n");
        let mut diags = Vec::new();
        out.wrap(None, "alert.html", &(), inner, &mut diags);
        assert_eq!(out.finish(), "<p>a</p>\n<p>b &amp; c</p>\n");
        assert!(diags.is_empty());
    }
}
