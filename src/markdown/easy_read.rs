//! Pictures and Easy Read.
//!
//! [`resolve_pictures`] runs before the other adapters: each image written
//! as `picture:NAME` gets the published address of the theme's picture, and
//! its default alt text when the author wrote none, so every later adapter
//! and check sees an ordinary image.
//!
//! On an Easy Read page (`format: easy-read`) [`EasyRead`] turns each
//! paragraph that is not inside a list, quote or table into a block: the
//! picture it starts with, beside its lines, each line one statement.
//! Blocks are rendered by the theme's `partials/easy-read.html`, and kept in
//! [`Rendered::easy_read`] (with the position of every line) for the checks.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use super::calls::{Sites, strip_placeholders};
use super::writer::{Out, content};
use super::{Rendered, Resolver};
use crate::diag::{Code, Diagnostic};
use crate::load::Page;
use crate::pictures::SCHEME;
use crate::render::Templates;

/// One Easy Read block as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EasyReadBlock {
    /// Byte offset of the paragraph in the source file.
    pub offset: usize,
    /// The picture's alt text; None when the block has no picture.
    pub picture: Option<String>,
    /// The block's lines, in order.
    pub lines: Vec<EasyReadLine>,
}

/// One line (one statement) of an Easy Read block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EasyReadLine {
    /// Byte offset of the line's first character in the source file.
    pub offset: usize,
    /// The text as the reader gets it (function calls replaced).
    pub text: String,
    /// The text the author typed (function calls left out).
    pub authored: String,
}

/// Gives every `picture:NAME` image its address and, when its alt text is
/// empty, the library's default one. An unknown name is reported at the image.
pub(super) fn resolve_pictures(events: &mut Vec<(Event<'_>, Range<usize>)>, original: impl Fn(usize) -> usize, page: &Page, resolver: &Resolver<'_>, diags: &mut Vec<Diagnostic>) {
    let mut i = 0;
    while i < events.len() {
        let (Event::Start(Tag::Image { dest_url, .. }), range) = &events[i] else {
            i += 1;
            continue;
        };
        let Some(name) = dest_url.strip_prefix(SCHEME).map(str::trim) else {
            i += 1;
            continue;
        };
        let range = range.clone();
        let picture = resolver.pictures.and_then(|p| p.get(name));
        let (url, alt) = match picture {
            Some(p) => (p.url.clone(), p.alt.clone()),
            None => {
                let names = resolver.pictures.map(|p| p.names().collect::<Vec<_>>()).unwrap_or_default();
                diags.push(
                    Diagnostic::error(Code::Picture, format!("there is no picture `{name}` in the theme's picture library"))
                        .at(&page.src, original(range.start))
                        .with_help(crate::diag::suggest_help(name, names.iter().copied(), "pictures")),
                );
                // The build stops at the error above; the name stands in for
                // the alt text meanwhile, so the image is not reported twice.
                ("#".to_owned(), Some(name.to_owned()))
            }
        };
        if let Event::Start(Tag::Image { dest_url, .. }) = &mut events[i].0 {
            *dest_url = CowStr::from(url);
        }
        // No text before the image ends: the author left the alt text empty.
        if matches!(events.get(i + 1), Some((Event::End(TagEnd::Image), _)))
            && let Some(alt) = alt
        {
            events.insert(i + 1, (Event::Text(CowStr::from(alt)), range));
        }
        i += 1;
    }
}

/// What `partials/easy-read.html` gets.
#[derive(Debug, Serialize)]
pub struct EasyReadContext {
    /// The block's picture, if it has one.
    pub picture: Option<PictureContext>,
    /// Each line's HTML (inline markup only), in order.
    pub lines: Vec<minijinja::Value>,
}

/// The picture of an Easy Read block.
#[derive(Debug, Serialize)]
pub struct PictureContext {
    /// Its address.
    pub src: String,
    /// Its alt text.
    pub alt: String,
}

/// A block being read.
#[derive(Debug)]
struct Block {
    offset: usize,
    picture: Option<PictureContext>,
    /// The picture's alt text, while its events are being read.
    reading_alt: Option<(String, String)>,
    lines: Vec<minijinja::Value>,
    checked: Vec<EasyReadLine>,
    /// The line being read: its offset and raw text.
    line: Option<(usize, String)>,
}

/// The Easy Read adapter: off on ordinary pages.
#[derive(Debug, Default)]
pub(super) struct EasyRead {
    on: bool,
    /// Lists, quotes, tables and footnotes open: their paragraphs are not blocks.
    depth: usize,
    block: Option<Block>,
}

/// Whether the adapter kept an event, or passes it on to the others.
pub(super) enum Step<'a> {
    Taken,
    Pass(Event<'a>),
}

impl EasyRead {
    pub(super) fn new(on: bool) -> Self {
        EasyRead { on, ..Default::default() }
    }

    /// Reads one event; a block's own structure (its paragraph, picture and
    /// line breaks) is taken, its inline content passed on into the line.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn step<'a>(&mut self, ev: Event<'a>, offset: usize, page: &Page, resolver: &Resolver<'_>, templates: Option<&Templates>, sites: &Sites, out: &mut Out<'a>, r: &mut Rendered) -> Step<'a> {
        if !self.on {
            return Step::Pass(ev);
        }
        let container = |t: &Tag<'_>| matches!(t, Tag::Item | Tag::BlockQuote(_) | Tag::Table(_) | Tag::FootnoteDefinition(_));
        let container_end = |t: &TagEnd| matches!(t, TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::Table | TagEnd::FootnoteDefinition);
        let Some(block) = self.block.as_mut() else {
            match &ev {
                Event::Start(Tag::Paragraph) if self.depth == 0 => {
                    out.open();
                    self.block = Some(Block { offset, picture: None, reading_alt: None, lines: Vec::new(), checked: Vec::new(), line: None });
                    return Step::Taken;
                }
                Event::Start(t) if container(t) => self.depth += 1,
                Event::End(t) if container_end(t) => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            return Step::Pass(ev);
        };
        if let Some((_, alt)) = block.reading_alt.as_mut() {
            match ev {
                Event::End(TagEnd::Image) => {
                    let (src, alt) = block.reading_alt.take().expect("checked");
                    let alt = sites.text_of(&alt).split_whitespace().collect::<Vec<_>>().join(" ");
                    block.picture = Some(PictureContext { src, alt });
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
            return Step::Taken;
        }
        match ev {
            Event::Start(Tag::Image { .. }) if block.picture.is_none() && block.line.is_none() && block.lines.is_empty() => {
                if let Event::Start(Tag::Image { dest_url, .. }) = super::links::rewrite_inline(ev, page, resolver, offset, r) {
                    block.reading_alt = Some((dest_url.into_string(), String::new()));
                }
                Step::Taken
            }
            Event::SoftBreak | Event::HardBreak => {
                block.end_line(out, sites);
                out.open();
                Step::Taken
            }
            Event::End(TagEnd::Paragraph) => {
                let mut block = self.block.take().expect("open");
                block.end_line(out, sites);
                // Without the theme's partial (its failure is reported), each line a paragraph.
                let fallback: String = block.lines.iter().map(|l| format!("<p>{l}</p>\n")).collect();
                let ctx = EasyReadContext { picture: block.picture, lines: block.lines };
                out.wrap(templates, "easy-read.html", &ctx, fallback, &mut r.diags);
                r.easy_read.push(EasyReadBlock { offset: block.offset, picture: ctx.picture.map(|p| p.alt), lines: block.checked });
                Step::Taken
            }
            ev => {
                let line = block.line.get_or_insert_with(|| (offset, String::new()));
                if let Event::Text(t) | Event::Code(t) = &ev {
                    line.1.push_str(t);
                }
                Step::Pass(ev)
            }
        }
    }
}

impl Block {
    /// Ends the line being read (its frame in `out`), keeping it if it says anything.
    fn end_line(&mut self, out: &mut Out<'_>, sites: &Sites) {
        let html = out.close();
        let Some((offset, raw)) = self.line.take() else { return };
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = squash(&sites.text_of(&raw));
        if html.trim().is_empty() {
            return;
        }
        // Function calls are still placeholders here: the page's HTML is
        // spliced as a whole at the end.
        self.lines.push(content(html.trim().to_owned()));
        self.checked.push(EasyReadLine { offset, authored: squash(&strip_placeholders(&raw)), text });
    }
}
