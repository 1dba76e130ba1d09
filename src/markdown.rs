//! Markdown to HTML, with pulldown-cmark, plus what waymark adds:
//!
//! - function calls such as `{{ timescale("first_core_group") }}` (found in a
//!   pre-pass that skips code spans and code blocks, evaluated by the caller's
//!   [`Calls`], and spliced back in after rendering);
//! - headings with stable unique ids and a visible anchor link;
//! - GitHub-style alerts as GOV.UK-style warning text and inset text;
//! - relative `.md` links rewritten to output URLs (and every internal link
//!   recorded, with its source position, for the fragment check);
//! - raw HTML limited to a safe set, anything else a diagnostic.
//!
//! Positions: the pre-pass replaces each call with a shorter placeholder, so
//! offsets in the processed text are mapped back through [`OffsetMap`].

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::content::Page;
use crate::diag::Diagnostic;

/// What a function call in a page produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// HTML to insert (already escaped).
    pub html: String,
    /// Block-level HTML replaces its whole paragraph when it stands alone.
    pub block: bool,
}

/// Evaluates the function calls found in Markdown.
pub trait Calls: Sync {
    /// Evaluates one call (the text between `{{` and `}}`); Err is a message for the author.
    fn call(&self, page: &Page, expr: &str) -> Result<Fragment, String>;
}

/// A heading in a rendered page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// Byte offset in the source file.
    #[serde(skip)]
    pub offset: usize,
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// An internal link, kept for the fragment check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The target page's `rel` (`a/b.md`); the page itself for `#x` links.
    pub target: String,
    /// The `#fragment`, without `#`.
    pub fragment: Option<String>,
    /// Byte offset of the link in the source file.
    pub offset: usize,
}

/// A rendered page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Every `id` the body defines (headings, footnotes, raw HTML ids).
    pub ids: HashSet<String>,
    /// Internal links with fragments (and links to pages, for later checks).
    pub links: Vec<LinkRef>,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
    /// Every function call as written between `{{` and `}}` (for "rules
    /// never referenced" checks).
    pub calls: Vec<String>,
    /// Prose blocks (paragraphs, list items, table cells) with their text,
    /// for the plain-language and hygiene checks.
    pub blocks: Vec<TextBlock>,
    /// Links and images with the text a reader (or screen reader) gets.
    pub anchors: Vec<AnchorText>,
    /// Text the author put in **bold** (where a term is explained).
    pub strong: Vec<String>,
}

/// A block of prose as the reader sees it (function calls already replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    /// Byte offset of the block in the source file.
    pub offset: usize,
    /// The text, with inline markup removed.
    pub text: String,
    /// The text the author typed: function calls left out.
    pub authored: String,
}

/// The text of a link or the alt text of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorText {
    /// Byte offset in the source file.
    pub offset: usize,
    /// Link text or alt text.
    pub text: String,
    /// An image rather than a link.
    pub image: bool,
}

/// How links find their targets.
#[derive(Debug)]
pub struct Resolver<'a> {
    /// Every page and asset by `rel`, with its site-relative URL.
    pub urls: &'a HashMap<String, String>,
    /// Pages that exist only as drafts (for a better message).
    pub drafts: &'a HashSet<String>,
    /// The base path (`/` or `/sub/`).
    pub base_path: &'a str,
    /// Links the first use of each glossary term to its entry.
    pub glossary: Option<&'a crate::glossary::Linker>,
}

const PH_OPEN: char = '\u{E000}';
const PH_CLOSE: char = '\u{E001}';

/// Maps offsets in the processed text back to the original file.
#[derive(Debug, Clone)]
struct OffsetMap {
    /// (start in processed text, start in original file), sorted.
    segments: Vec<(usize, usize)>,
}

impl OffsetMap {
    fn original(&self, processed: usize) -> usize {
        let i = self.segments.partition_point(|&(p, _)| p <= processed) - 1;
        let (p, o) = self.segments[i];
        o + (processed - p)
    }
}

/// Byte ranges of code spans and code blocks (where `{{` is literal).
fn code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (ev, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match ev {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block_start.take() {
                    ranges.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

struct CallSite {
    /// Offset of `{{` in the file.
    offset: usize,
    fragment: Result<Fragment, String>,
    expr: String,
}

/// Finds `{{ … }}` outside code, evaluates each, and returns the text with
/// placeholders, the offset map and the results.
fn preprocess(page: &Page, calls: &dyn Calls, diags: &mut Vec<Diagnostic>) -> (String, OffsetMap, Vec<CallSite>) {
    let body = page.body();
    let base = page.body_start;
    if !body.contains("{{") {
        // No calls: skip the extra parse that finds code spans.
        return (body.to_owned(), OffsetMap { segments: vec![(0, base)] }, Vec::new());
    }
    let code = code_ranges(body);
    let in_code = |i: usize| code.iter().any(|r| r.contains(&i));
    let mut out = String::with_capacity(body.len());
    let mut segments = vec![(0, base)];
    let mut sites = Vec::new();
    let mut pos = 0;
    while let Some(found) = body[pos..].find("{{") {
        let start = pos + found;
        if in_code(start) {
            out.push_str(&body[pos..start + 2]);
            pos = start + 2;
            continue;
        }
        let Some(len) = body[start..].find("}}") else {
            diags.push(
                Diagnostic::error("function", "`{{` is never closed with `}}`")
                    .at(&page.src, base + start)
                    .with_help("write a function call as {{ timescale(\"id\") }}, or put literal braces in `code`"),
            );
            break;
        };
        let end = start + len + 2;
        let expr = body[start + 2..end - 2].trim();
        out.push_str(&body[pos..start]);
        let fragment = calls.call(page, expr);
        let n = sites.len();
        write!(out, "{PH_OPEN}{n}{PH_CLOSE}").expect("writing to a String");
        segments.push((out.len(), base + end));
        sites.push(CallSite { offset: base + start, fragment, expr: expr.to_owned() });
        pos = end;
    }
    out.push_str(&body[pos..]);
    for site in &sites {
        if let Err(msg) = &site.fragment {
            diags.push(Diagnostic::error("function", msg.clone()).at(&page.src, site.offset));
        }
    }
    (out, OffsetMap { segments }, sites)
}

/// Renders one page's body.
pub fn render(page: &Page, resolver: &Resolver<'_>, calls: &dyn Calls) -> Rendered {
    let mut r = Rendered::default();
    let (text, map, sites) = preprocess(page, calls, &mut r.diags);
    r.calls = sites.iter().map(|s| s.expr.clone()).collect();
    let placeholder_text = |s: &str| -> String {
        // Heading text that contains a call: use the call's text for the slug.
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(PH_OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + PH_OPEN.len_utf8()..];
            let j = after.find(PH_CLOSE).unwrap_or(after.len());
            if let Some(Ok(f)) = after[..j].parse::<usize>().ok().and_then(|n| sites.get(n)).map(|s| &s.fragment)
                && !f.block
            {
                out.push_str(&strip_tags(&f.html));
            }
            rest = &after[(j + PH_CLOSE.len_utf8()).min(after.len())..];
        }
        out.push_str(rest);
        out
    };

    let mut events: Vec<Event<'_>> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    // Footnotes are numbered in the order they are first referred to (as on
    // GitHub); ids are prefixed so they never clash with heading ids.
    let notes = footnote_numbers(&text);
    let mut note_refs: HashMap<String, usize> = HashMap::new();
    let mut open_note: Vec<String> = Vec::new();
    // Each scrollable table region is named after the heading above it.
    let mut last_heading: Option<String> = None;
    let mut tables_under_heading = 0usize;
    let mut quote_stack: Vec<Option<BlockQuoteKind>> = Vec::new();
    let mut heading: Option<(HeadingLevel, Option<String>, usize, Vec<Event<'_>>)> = None;

    // Ids defined explicitly (`{#id}`) are reserved first, so generated ids
    // never take them.
    if text.contains("{#") {
        for (ev, _) in Parser::new_ext(&text, options()).into_offset_iter() {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = ev {
                used_ids.insert(id.to_string());
            }
        }
    }

    // Open prose blocks and link texts, innermost last: (offset, text).
    let mut open_blocks: Vec<(usize, String)> = Vec::new();
    let mut open_anchors: Vec<(usize, String, bool)> = Vec::new();
    let mut open_strong: Vec<String> = Vec::new();
    let mut in_code_block = false;
    // The lines of the HTML block being read, with their offsets.
    let mut html_block: Option<Vec<(CowStr<'_>, usize)>> = None;
    // Glossary linking: on unless the page opts out, never on the glossary itself.
    let linker = resolver.glossary.filter(|l| page.front.glossary && l.page_rel != page.rel);
    let mut glossary_off = false;
    let mut linked: HashSet<usize> = HashSet::new();
    // Smart punctuation splits text at quotes; merged, a term such as
    // “children’s hearing” is one piece of text again.
    for (ev, range) in pulldown_cmark::TextMergeWithOffset::new(Parser::new_ext(&text, options()).into_offset_iter()) {
        let offset = map.original(range.start);
        match &ev {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell) => open_blocks.push((offset, String::new())),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                if let Some((off, raw)) = open_blocks.pop() {
                    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                    let text = squash(&placeholder_text(&raw));
                    if !text.is_empty() {
                        let authored = squash(&strip_placeholders(&raw));
                        r.blocks.push(TextBlock { offset: off, text, authored });
                    }
                }
            }
            Event::Start(Tag::Link { .. }) => open_anchors.push((offset, String::new(), false)),
            Event::Start(Tag::Image { .. }) => open_anchors.push((offset, String::new(), true)),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((off, t, image)) = open_anchors.pop() {
                    r.anchors.push(AnchorText { offset: off, text: placeholder_text(&t).trim().to_owned(), image });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Html(h) | Event::InlineHtml(h) if h.contains("<!-- glossary:") => {
                if h.contains("<!-- glossary: off -->") {
                    glossary_off = true;
                }
                if h.contains("<!-- glossary: on -->") {
                    glossary_off = false;
                }
            }
            Event::Start(Tag::Strong) => open_strong.push(String::new()),
            Event::End(TagEnd::Strong) => {
                if let Some(t) = open_strong.pop() {
                    r.strong.push(placeholder_text(&t).trim().to_owned());
                }
            }
            Event::Text(t) => {
                if let Some((_, b)) = open_blocks.last_mut() {
                    b.push_str(t);
                }
                for st in &mut open_strong {
                    st.push_str(t);
                }
                for (_, a, _) in &mut open_anchors {
                    a.push_str(t);
                }
            }
            Event::Code(t) => {
                for (_, a, _) in &mut open_anchors {
                    a.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, b)) = open_blocks.last_mut() {
                    b.push(' ');
                }
            }
            _ => {}
        }
        if let Some((_, _, _, buf)) = heading.as_mut() {
            match ev {
                Event::End(TagEnd::Heading(_)) => {
                    let (level, explicit, h_off, buf) = heading.take().expect("inside a heading");
                    let mut title = String::new();
                    for e in &buf {
                        if let Event::Text(t) | Event::Code(t) = e {
                            title.push_str(t);
                        }
                    }
                    let title = placeholder_text(&title).trim().to_owned();
                    let id = match explicit {
                        Some(id) => {
                            if id.starts_with(crate::html_policy::RESERVED_ID_PREFIX) {
                                r.diags.push(
                                    Diagnostic::error("unsafe-html", format!("the heading id `{id}` is reserved for the theme: ids starting with `{}` are the theme's own", crate::html_policy::RESERVED_ID_PREFIX))
                                        .at(&page.src, h_off)
                                        .with_help("choose an id that does not start with `wm-`"),
                                );
                            }
                            if r.ids.contains(&id) {
                                r.diags.push(Diagnostic::error("duplicate-id", format!("the heading id `{id}` is used twice on this page")).at(&page.src, h_off));
                            }
                            id
                        }
                        None => unique_id(&slugify(&title), &mut used_ids),
                    };
                    r.ids.insert(id.clone());
                    let lvl = level as u8;
                    let mut open = String::new();
                    write!(open, "<h{lvl} id=\"").expect("string");
                    escape_html(&mut open, &id).expect("string");
                    open.push_str("\">");
                    events.push(Event::Html(open.into()));
                    events.extend(buf);
                    let mut close = String::from(" <a class=\"wm-anchor\" href=\"#");
                    escape_href(&mut close, &id).expect("string");
                    close.push_str("\" aria-label=\"Link to this section: ");
                    escape_html(&mut close, &title).expect("string");
                    writeln!(close, "\">#</a></h{lvl}>").expect("string");
                    events.push(Event::Html(close.into()));
                    last_heading = Some(title.clone());
                    tables_under_heading = 0;
                    r.headings.push(Heading { offset: h_off, level: lvl, id, title });
                }
                other => buf.push(rewrite_inline(other, page, resolver, offset, &mut r)),
            }
            continue;
        }
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                if level == HeadingLevel::H1 {
                    r.diags.push(
                        Diagnostic::error("heading", "a page body must not have a level-1 heading: the title is the page's only `#` heading")
                            .at(&page.src, offset)
                            .with_help("start the body's headings at `##`"),
                    );
                }
                heading = Some((level, id.map(|s| s.to_string()), offset, Vec::new()));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                quote_stack.push(kind);
                events.push(match kind {
                    Some(BlockQuoteKind::Warning | BlockQuoteKind::Caution) => Event::Html(
                        "<div class=\"wm-warning\"><span class=\"wm-warning__icon\" aria-hidden=\"true\">!</span><div class=\"wm-warning__text\"><span class=\"wm-visually-hidden\">Warning: </span>\n".into(),
                    ),
                    Some(k) => Event::Html(
                        format!(
                            "<div class=\"wm-inset\"><span class=\"wm-visually-hidden\">{}: </span>\n",
                            match k {
                                BlockQuoteKind::Tip => "Tip",
                                BlockQuoteKind::Important => "Important",
                                _ => "Note",
                            }
                        )
                        .into(),
                    ),
                    None => Event::Start(Tag::BlockQuote(None)),
                });
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                events.push(match quote_stack.pop().flatten() {
                    Some(BlockQuoteKind::Warning | BlockQuoteKind::Caution) => Event::Html("</div></div>\n".into()),
                    Some(_) => Event::Html("</div>\n".into()),
                    None => Event::End(TagEnd::BlockQuote(None)),
                });
            }
            Event::Start(Tag::Table(al)) => {
                tables_under_heading += 1;
                let mut name = match &last_heading {
                    Some(h) => format!("Table: {h}"),
                    None => "Table".to_owned(),
                };
                if tables_under_heading > 1 {
                    name.push_str(&format!(" ({tables_under_heading})"));
                }
                let mut open = String::from("<div class=\"wm-table-wrap\" role=\"region\" aria-label=\"");
                escape_html(&mut open, &name).expect("string");
                open.push_str("\" tabindex=\"0\">\n");
                events.push(Event::Html(open.into()));
                events.push(Event::Start(Tag::Table(al)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (slug, n) = note_id(&notes, &label);
                r.ids.insert(format!("fn-{slug}"));
                events.push(Event::Html(
                    format!("<div class=\"footnote-definition\" id=\"fn-{slug}\"><sup class=\"footnote-definition-label\">{n}</sup>\n").into(),
                ));
                open_note.push(label.to_string());
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let label = open_note.pop().unwrap_or_default();
                let (slug, n) = note_id(&notes, &label);
                let back = if note_refs.contains_key(&label) || notes.referenced.contains(&label) {
                    format!("<a class=\"wm-footnote-back\" href=\"#fnref-{slug}\">Back to text<span class=\"wm-visually-hidden\"> (footnote {n})</span></a>\n")
                } else {
                    String::new()
                };
                events.push(Event::Html(format!("{back}</div>\n").into()));
            }
            Event::FootnoteReference(label) => {
                let (slug, n) = note_id(&notes, &label);
                let seen = note_refs.entry(label.to_string()).or_insert(0);
                *seen += 1;
                let id = if *seen == 1 { format!("fnref-{slug}") } else { format!("fnref-{slug}-{seen}") };
                r.ids.insert(id.clone());
                events.push(Event::InlineHtml(
                    format!("<sup class=\"footnote-reference\" id=\"{id}\"><a href=\"#fn-{slug}\"><span class=\"wm-visually-hidden\">Footnote </span>{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some(Vec::new()),
            Event::Html(html) if html_block.is_some() => html_block.as_mut().expect("checked").push((html, offset)),
            Event::End(TagEnd::HtmlBlock) => {
                let pieces = html_block.take().unwrap_or_default();
                events.push(Event::Start(Tag::HtmlBlock));
                events.push(Event::Html(check_html(pieces, page, &mut r)));
                events.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(html) => {
                events.push(Event::Html(check_html(vec![(html, offset)], page, &mut r)));
            }
            Event::Text(t) if linker.is_some() && !glossary_off && !in_code_block && open_anchors.is_empty() => {
                let l = linker.expect("checked");
                let found = l.find(&t, &mut linked);
                if found.is_empty() {
                    events.push(Event::Text(t));
                    continue;
                }
                let mut pos = 0;
                for (start, end, entry, abbr) in found {
                    if start > pos {
                        events.push(Event::Text(t[pos..start].to_owned().into()));
                    }
                    let mut shown = String::new();
                    escape_html(&mut shown, &t[start..end]).expect("string");
                    events.push(Event::InlineHtml(l.link_html(entry, abbr, &shown).into()));
                    r.links.push(LinkRef { target: l.page_rel.clone(), fragment: Some(l.anchor(entry).to_owned()), offset });
                    pos = end;
                }
                if pos < t.len() {
                    events.push(Event::Text(t[pos..].to_owned().into()));
                }
            }
            other => events.push(rewrite_inline(other, page, resolver, offset, &mut r)),
        }
    }

    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Column alignment arrives as inline styles, which the site's CSP blocks:
    // use classes instead.
    let html = if html.contains(" style=\"text-align: ") {
        html.replace(" style=\"text-align: left\"", " class=\"wm-align-left\"")
            .replace(" style=\"text-align: center\"", " class=\"wm-align-center\"")
            .replace(" style=\"text-align: right\"", " class=\"wm-align-right\"")
    } else {
        html
    };
    r.html = if sites.is_empty() { html } else { splice(&html, &sites) };
    // Ids inside what functions produced (glossary entries, table rows) are
    // link targets too.
    for site in &sites {
        if let Ok(f) = &site.fragment {
            r.ids.extend(crate::html::ids(&f.html));
        }
    }
    r
}

/// Footnote numbers by label, in order of first reference (unreferenced
/// definitions after, in order of definition).
struct FootnoteNumbers {
    numbers: HashMap<String, usize>,
    referenced: HashSet<String>,
}

fn footnote_numbers(text: &str) -> FootnoteNumbers {
    let mut numbers = HashMap::new();
    let mut referenced = HashSet::new();
    if !text.contains("[^") {
        return FootnoteNumbers { numbers, referenced };
    }
    let mut defined = Vec::new();
    for ev in Parser::new_ext(text, options()) {
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
    FootnoteNumbers { numbers, referenced }
}

fn note_id(notes: &FootnoteNumbers, label: &str) -> (String, usize) {
    (slugify(label), notes.numbers.get(label).copied().unwrap_or(0))
}

/// Links, images, inline HTML and task markers (also inside headings).
fn rewrite_inline<'a>(ev: Event<'a>, page: &Page, resolver: &Resolver<'_>, offset: usize, r: &mut Rendered) -> Event<'a> {
    match ev {
        // `<someone@example.org>`: the HTML writer adds `mailto:` itself.
        link @ Event::Start(Tag::Link { link_type: LinkType::Email, .. }) => link,
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest = resolve_link(&dest_url, page, resolver, offset, r).map_or(dest_url, CowStr::from);
            Event::Start(Tag::Link { link_type, dest_url: dest, title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest = match crate::html_policy::url_problem(&dest_url, crate::html_policy::UrlUse::Resource) {
                Some(problem) => {
                    r.diags.push(Diagnostic::error("unsafe-html", problem).at(&page.src, offset).with_help(
                        "save the file into the content folder and use its path (e.g. `images/photo.png`), so readers' browsers never contact another site",
                    ));
                    CowStr::from("#")
                }
                None => resolve_link(&dest_url, page, resolver, offset, r).map_or(dest_url, CowStr::from),
            };
            Event::Start(Tag::Image { link_type, dest_url: dest, title, id })
        }
        Event::InlineHtml(html) => Event::InlineHtml(check_html(vec![(html, offset)], page, r)),
        Event::TaskListMarker(done) => Event::InlineHtml(
            if done {
                "<span class=\"wm-task wm-task--done\" aria-hidden=\"true\">☑</span><span class=\"wm-visually-hidden\">Done: </span>"
            } else {
                "<span class=\"wm-task\" aria-hidden=\"true\">☐</span><span class=\"wm-visually-hidden\">To do: </span>"
            }
            .into(),
        ),
        other => other,
    }
}

/// Rewrites a link destination; records internal links; reports broken ones.
/// Returns None to keep the destination as written.
fn resolve_link(dest: &str, page: &Page, resolver: &Resolver<'_>, offset: usize, r: &mut Rendered) -> Option<String> {
    let lower = dest.trim_start().to_ascii_lowercase();
    if let Some(problem) = crate::html_policy::url_problem(dest, crate::html_policy::UrlUse::Link) {
        r.diags.push(Diagnostic::error("unsafe-html", problem).at(&page.src, offset));
        return Some("#".into());
    }
    if let Some(frag) = dest.strip_prefix('#') {
        r.links.push(LinkRef { target: page.rel.clone(), fragment: Some(frag.to_owned()), offset });
        return None;
    }
    if dest.contains("://") || lower.starts_with("mailto:") || lower.starts_with("tel:") || dest.starts_with('/') || dest.is_empty() {
        return None;
    }
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let Some(target) = normalise(&page.rel, path) else {
        r.diags.push(Diagnostic::error("broken-link", format!("the link `{dest}` goes above the content folder")).at(&page.src, offset));
        return None;
    };
    match resolver.urls.get(&target) {
        Some(url) => {
            if target.ends_with(".md") {
                r.links.push(LinkRef { target: target.clone(), fragment: frag.clone(), offset });
            }
            let mut out = format!("{}{}", resolver.base_path, url);
            if let Some(f) = frag {
                out.push('#');
                out.push_str(&f);
            }
            Some(out)
        }
        None => {
            let mut d = if resolver.drafts.contains(&target) {
                Diagnostic::error("broken-link", format!("the link `{dest}` goes to a draft page, which is not published"))
                    .with_help("publish the page (remove `draft: true`) or remove the link")
            } else {
                let mut d = Diagnostic::error("broken-link", format!("the link `{dest}` goes to `{target}`, which does not exist"));
                if let Some(s) = crate::diag::suggest(&target, resolver.urls.keys().map(String::as_str)) {
                    let rel = relative(&page.rel, s);
                    d = d.with_help(format!("did you mean `{rel}`?"));
                } else if !path.ends_with(".md") && !path.contains('.') {
                    d = d.with_help("link to the Markdown file, e.g. `core-groups.md`");
                }
                d
            };
            d = d.at(&page.src, offset);
            r.diags.push(d);
            None
        }
    }
}

/// Resolves `../x/y.md` against the folder of `from` (`a/b.md`); None above the root.
pub fn normalise(from: &str, link: &str) -> Option<String> {
    let link = percent_decode(link);
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `%20` and friends in hand-written links.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// The path of `to` relative to the folder of `from` (both content `rel`s).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// A heading's id: lower case, letters and digits, words joined by hyphens.
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' {
            dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

fn unique_id(slug: &str, used: &mut HashSet<String>) -> String {
    if used.insert(slug.to_owned()) {
        return slug.to_owned();
    }
    (2..).map(|n| format!("{slug}-{n}")).find(|c| used.insert(c.clone())).expect("some suffix is free")
}

/// Replaces placeholders with the calls' HTML.
fn splice(html: &str, sites: &[CallSite]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(PH_OPEN) {
        let after = &rest[i + PH_OPEN.len_utf8()..];
        let Some(j) = after.find(PH_CLOSE) else { break };
        let n: usize = after[..j].parse().unwrap_or(usize::MAX);
        let frag = sites.get(n).and_then(|s| s.fragment.as_ref().ok());
        let tail = &after[j + PH_CLOSE.len_utf8()..];
        // A block fragment alone in its paragraph replaces the paragraph.
        match frag {
            Some(f) if f.block && rest[..i].ends_with("<p>") && tail.starts_with("</p>") => {
                out.push_str(&rest[..i - 3]);
                out.push_str(&f.html);
                rest = &tail[4..];
            }
            Some(f) => {
                out.push_str(&rest[..i]);
                out.push_str(&f.html);
                rest = tail;
            }
            None => {
                out.push_str(&rest[..i]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text with every call placeholder removed.
fn strip_placeholders(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            PH_OPEN => inside = true,
            PH_CLOSE => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Checks raw HTML against the policy (`crate::html_policy`); HTML with
/// problems is reported and shown as text. `pieces` are the fragment's parts
/// with their offsets in the source file (an HTML block comes line by line).
fn check_html<'a>(pieces: Vec<(CowStr<'a>, usize)>, page: &Page, r: &mut Rendered) -> CowStr<'a> {
    let html: CowStr<'a> = if pieces.len() == 1 { pieces[0].0.clone() } else { pieces.iter().map(|(p, _)| &**p).collect::<String>().into() };
    let verdict = crate::html_policy::check(&html);
    if verdict.problems.is_empty() {
        r.ids.extend(verdict.ids);
        return html;
    }
    for p in verdict.problems {
        // The piece holding the problem, and the offset within it.
        let mut start = 0;
        let mut at = pieces.first().map_or(0, |(_, o)| *o) + p.offset;
        for (piece, offset) in &pieces {
            if p.offset < start + piece.len() {
                at = offset + (p.offset - start);
                break;
            }
            start += piece.len();
        }
        r.diags.push(Diagnostic::error("unsafe-html", p.message).at(&page.src, at).with_help(p.help));
    }
    let mut escaped = String::new();
    escape_html(&mut escaped, &html).expect("string");
    escaped.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_stable_and_readable() {
        assert_eq!(slugify("Who attends, and who chairs?"), "who-attends-and-who-chairs");
        assert_eq!(slugify("The child's plan — what it contains"), "the-childs-plan-what-it-contains");
        assert_eq!(slugify("  "), "section");
        let mut used = HashSet::new();
        assert_eq!(unique_id("a", &mut used), "a");
        assert_eq!(unique_id("a", &mut used), "a-2");
        assert_eq!(unique_id("a-2", &mut used), "a-2-2");
        assert_eq!(unique_id("a", &mut used), "a-3");
    }

    #[test]
    fn relative_links_resolve_against_the_page_folder() {
        assert_eq!(normalise("procedures/cppm.md", "core-groups.md").as_deref(), Some("procedures/core-groups.md"));
        assert_eq!(normalise("procedures/cppm.md", "../parents/_index.md").as_deref(), Some("parents/_index.md"));
        assert_eq!(normalise("a.md", "../x.md"), None);
        assert_eq!(normalise("a/b.md", "./c%20d.md").as_deref(), Some("a/c d.md"));
        assert_eq!(relative("procedures/cppm.md", "parents/_index.md"), "../parents/_index.md");
        assert_eq!(relative("procedures/cppm.md", "procedures/x.md"), "x.md");
    }

    #[test]
    fn raw_html_is_judged_a_whole_block_at_a_time() {
        // An HTML block comes from the parser line by line; a tag split over
        // lines is still one tag.
        let r = render_body("<div\nonclick=\"x()\">a</div>\n\nText <span id=\"&#119;m-exit\">j</span>.\n\n![x](https://t.example/p.png) [y](&#106;avascript:x)\n\n## Exit {#wm-exit}\n");
        let got: Vec<_> = r.diags.iter().map(|d| (d.location().unwrap(), d.message.as_str())).collect();
        assert_eq!(got, [
            ("content/a/b.md:4:1".to_owned(), "the event handler attribute `onclick` is not allowed in content"),
            ("content/a/b.md:7:6".to_owned(), "the id `wm-exit` is reserved for the theme: ids starting with `wm-` are the theme's own"),
            ("content/a/b.md:9:1".to_owned(), "images and media must come from this site, not another host (`https://t.example/p.png`)"),
            ("content/a/b.md:9:31".to_owned(), "links may not use `javascript:` addresses (allowed: `http:`, `https:`, `mailto:`, `tel:`, or a relative address)"),
            ("content/a/b.md:11:1".to_owned(), "the heading id `wm-exit` is reserved for the theme: ids starting with `wm-` are the theme's own"),
        ]);
        assert!(!r.html.contains("<div"), "{}", r.html);
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(!r.html.contains("t.example"), "{}", r.html);
    }

    struct Echo;
    impl Calls for Echo {
        fn call(&self, _page: &Page, expr: &str) -> Result<Fragment, String> {
            if expr.starts_with("block") {
                Ok(Fragment { html: "<table></table>".into(), block: true })
            } else if expr.starts_with("bad") {
                Err("bad call".into())
            } else {
                Ok(Fragment { html: "words".into(), block: false })
            }
        }
    }

    fn page(body: &str) -> Page {
        let text = format!("---\ntitle: T\n---\n{body}");
        let src = crate::diag::SourceMap::new("content/a/b.md", text);
        Page {
            src,
            rel: "a/b.md".into(),
            front: Default::default(),
            body_start: "---\ntitle: T\n---\n".len(),
            yaml_start: 4,
            url: "a/b/".into(),
            kind: crate::content::Kind::Page,
            parent: None,
        }
    }

    fn render_body(body: &str) -> Rendered {
        let mut urls = HashMap::new();
        urls.insert("a/b.md".to_owned(), "a/b/".to_owned());
        urls.insert("a/c.md".to_owned(), "a/c/".to_owned());
        let drafts = HashSet::new();
        let resolver = Resolver { urls: &urls, drafts: &drafts, base_path: "/x/", glossary: None };
        render(&page(body), &resolver, &Echo)
    }

    #[test]
    fn calls_are_spliced_inline_and_as_blocks() {
        let r = render_body("Due {{ t(\"a\") }} after.\n\n{{ block() }}\n\n`{{ code }}`\n");
        assert_eq!(r.html, "<p>Due words after.</p>\n<table></table>\n<p><code>{{ code }}</code></p>\n");
        assert!(r.diags.is_empty());
    }

    #[test]
    fn positions_after_a_call_map_back_to_the_file() {
        // The broken link sits after a call that is longer than its placeholder.
        let r = render_body("{{ a_long_function_call(\"with an argument\") }} [x](nope.md) {{ bad() }}\n");
        let mut locs: Vec<_> = r.diags.iter().map(|d| (d.location().unwrap(), d.code)).collect();
        locs.sort();
        assert_eq!(locs, [("content/a/b.md:4:48".to_owned(), "broken-link"), ("content/a/b.md:4:61".to_owned(), "function")]);
    }

    #[test]
    fn links_are_rewritten_with_the_base_path() {
        let r = render_body("[c](c.md#part) [self](#top) [web](https://example.org/)\n");
        assert!(r.html.contains("href=\"/x/a/c/#part\""), "{}", r.html);
        assert!(r.html.contains("href=\"#top\""));
        assert!(r.html.contains("href=\"https://example.org/\""));
        assert_eq!(r.links.len(), 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        #[test]
        fn no_markdown_makes_rendering_panic(body in "([a-z ]|\\{\\{|\\}\\}|\\[|\\]\\(|\\)|#|<|>|/|\\n|`|-|\\*|>|!|\\||é|\\.md|block\\(\\)|bad)*") {
            let r = render_body(&body);
            for d in &r.diags {
                let _ = d.render_human();
            }
        }
    }
}
