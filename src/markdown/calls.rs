//! Function calls in Markdown (`{{ timescale("first_core_group") }}`).
//!
//! Before the page is parsed, each call is replaced by a short placeholder
//! (a private-use character pair around its number), so the Markdown parser
//! never sees the call's own punctuation. After the parse, placeholders that
//! landed in code are put back as written (`{{` is literal there), and every
//! other call is evaluated. [`OffsetMap`] maps offsets in the replaced text
//! back to the file, and [`Sites::splice`] puts each call's HTML in place of
//! its placeholder after rendering.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{CallError, Calls, Fragment};
use crate::load::Page;
use crate::diag::{Code, Diagnostic};

const PH_OPEN: char = '\u{E000}';
const PH_CLOSE: char = '\u{E001}';

/// Maps offsets in the processed text back to the original file.
#[derive(Debug, Clone)]
pub(super) struct OffsetMap {
    /// (start in processed text, start in original file), sorted.
    segments: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The file offset of `processed`, an offset in the processed text.
    pub(super) fn original(&self, processed: usize) -> usize {
        let i = self.segments.partition_point(|&(p, _)| p <= processed) - 1;
        let (p, o) = self.segments[i];
        o + (processed - p)
    }
}

/// One call found in the page.
#[derive(Debug)]
struct Site {
    /// What it produced; None when it failed (and was reported).
    fragment: Option<Fragment>,
}

/// The page's calls, in order.
#[derive(Debug, Default)]
pub(super) struct Sites {
    sites: Vec<Site>,
}

/// The page text ready to parse, with its calls not yet evaluated.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The body with each call replaced by its placeholder.
    pub text: String,
    /// Offsets in `text` back to the file.
    pub map: OffsetMap,
    /// Each call: offset of `{{` in the file, the expression, the call as written.
    found: Vec<(usize, String, String)>,
    /// Calls inside code were replaced too (see [`prepare`]): put them back
    /// as they were written when they turn up in code.
    restore_in_code: bool,
}

/// What the calls produced, and which ones were evaluated.
#[derive(Debug)]
pub(super) struct Evaluated {
    pub sites: Sites,
    /// Every call evaluated, as written between `{{` and `}}`.
    pub exprs: Vec<String>,
}

/// Characters that, inside `{{ … }}`, could change where the Markdown parser
/// sees code (a backtick or line break) or a table cell, an HTML tag or a
/// fence: with none of them a call is replaced before the one parse even
/// where it turns out to be code, and put back there afterwards.
const STRUCTURAL: &[char] = &['`', '\n', '\r', '|', '<', '>', '~'];

/// Byte ranges of code spans and code blocks (where `{{` is literal).
fn code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (ev, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
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

/// Replaces each `{{ … }}` with a placeholder, leaving those that start in
/// `code` as they are. None when `code` is not given and a call is one the
/// parser could read differently (unclosed, or with [`STRUCTURAL`] characters).
fn replace_calls(page: &Page, code: Option<&[std::ops::Range<usize>]>, diags: &mut Vec<Diagnostic>) -> Option<Prepared> {
    let body = page.body();
    let base = page.body_start;
    let in_code = |i: usize| code.is_some_and(|c| c.iter().any(|r| r.contains(&i)));
    let mut out = String::with_capacity(body.len());
    let mut segments = vec![(0, base)];
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(at) = body[pos..].find("{{") {
        let start = pos + at;
        if in_code(start) {
            out.push_str(&body[pos..start + 2]);
            pos = start + 2;
            continue;
        }
        let Some(len) = body[start..].find("}}") else {
            code?;
            diags.push(
                Diagnostic::error(Code::Function, "`{{` is never closed with `}}`")
                    .at(&page.src, base + start)
                    .with_help("write a function call as {{ timescale(\"id\") }}, or put literal braces in `code`"),
            );
            break;
        };
        let end = start + len + 2;
        let raw = &body[start..end];
        if code.is_none() && raw.contains(STRUCTURAL) {
            return None;
        }
        out.push_str(&body[pos..start]);
        write!(out, "{PH_OPEN}{}{PH_CLOSE}", found.len()).expect("writing to a String");
        segments.push((out.len(), base + end));
        found.push((base + start, raw[2..raw.len() - 2].trim().to_owned(), raw.to_owned()));
        pos = end;
    }
    out.push_str(&body[pos..]);
    Some(Prepared { text: out, map: OffsetMap { segments }, found, restore_in_code: code.is_none() })
}

/// Finds the page's `{{ … }}` calls and replaces each with a placeholder,
/// ready for the one parse. Usually every call is replaced, and
/// [`Prepared::evaluate`] puts back the ones the parse finds in code; a page
/// whose calls hold characters that could move code boundaries gets a first
/// pass that finds its code (the only second parse left).
pub(super) fn prepare(page: &Page, diags: &mut Vec<Diagnostic>) -> Prepared {
    let body = page.body();
    if !body.contains("{{") {
        return Prepared { text: body.to_owned(), map: OffsetMap { segments: vec![(0, page.body_start)] }, found: Vec::new(), restore_in_code: false };
    }
    if let Some(p) = replace_calls(page, None, diags) {
        return p;
    }
    let code = code_ranges(body);
    replace_calls(page, Some(&code), diags).expect("with code ranges every call is replaced")
}

impl Prepared {
    /// Puts calls found in code back as written (in `events`, the parse of
    /// [`Prepared::text`]), then evaluates every other call; failures are
    /// reported in `diags`.
    pub(super) fn evaluate(&self, events: &mut [(Event<'_>, std::ops::Range<usize>)], page: &Page, calls: &dyn Calls, diags: &mut Vec<Diagnostic>) -> Evaluated {
        let mut literal = vec![false; self.found.len()];
        if self.restore_in_code && !self.found.is_empty() {
            let mut in_block = false;
            for (ev, _) in events.iter_mut() {
                let text = match ev {
                    Event::Start(Tag::CodeBlock(kind)) => {
                        in_block = true;
                        match kind {
                            pulldown_cmark::CodeBlockKind::Fenced(info) => Some(info),
                            pulldown_cmark::CodeBlockKind::Indented => None,
                        }
                    }
                    Event::End(TagEnd::CodeBlock) => {
                        in_block = false;
                        None
                    }
                    Event::Code(t) => Some(t),
                    Event::Text(t) if in_block => Some(t),
                    _ => None,
                };
                if let Some(t) = text
                    && t.contains(PH_OPEN)
                {
                    *t = self.restore(t, &mut literal).into();
                }
            }
        }
        let mut sites = Vec::with_capacity(self.found.len());
        let mut exprs = Vec::with_capacity(self.found.len());
        for ((offset, expr, _), literal) in self.found.iter().zip(literal) {
            if literal {
                sites.push(Site { fragment: None });
                continue;
            }
            let fragment = match calls.call(page, expr) {
                Ok(f) => Some(f),
                Err(CallError::Author(msg)) => {
                    diags.push(Diagnostic::error(Code::Function, msg).at(&page.src, *offset));
                    None
                }
                Err(CallError::Template(d)) => {
                    diags.push(d);
                    None
                }
            };
            sites.push(Site { fragment });
            exprs.push(expr.clone());
        }
        Evaluated { sites: Sites { sites }, exprs }
    }

    /// Text in code with each placeholder back as the call was written.
    fn restore(&self, s: &str, literal: &mut [bool]) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(PH_OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + PH_OPEN.len_utf8()..];
            let j = after.find(PH_CLOSE).unwrap_or(after.len());
            match after[..j].parse::<usize>().ok().filter(|&n| n < self.found.len()) {
                Some(n) => {
                    literal[n] = true;
                    out.push_str(&self.found[n].2);
                }
                None => out.push_str(&rest[i..i + PH_OPEN.len_utf8() + j]),
            }
            rest = &after[(j + PH_CLOSE.len_utf8()).min(after.len())..];
        }
        out.push_str(rest);
        out
    }
}

impl Sites {
    /// Whether the page has no calls.
    pub(super) fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// The HTML every call produced.
    pub(super) fn fragments(&self) -> impl Iterator<Item = &Fragment> {
        self.sites.iter().filter_map(|s| s.fragment.as_ref())
    }

    /// Text as the reader gets it: each inline call's placeholder replaced
    /// by its text (block calls and failed ones left out).
    pub(super) fn text_of(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(PH_OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + PH_OPEN.len_utf8()..];
            let j = after.find(PH_CLOSE).unwrap_or(after.len());
            if let Some(f) = after[..j].parse::<usize>().ok().and_then(|n| self.sites.get(n)).and_then(|s| s.fragment.as_ref())
                && !f.block
            {
                out.push_str(&strip_tags(&f.html));
            }
            rest = &after[(j + PH_CLOSE.len_utf8()).min(after.len())..];
        }
        out.push_str(rest);
        out
    }

    /// Replaces placeholders in the rendered HTML with the calls' HTML; a
    /// block call alone in its paragraph replaces the paragraph.
    pub(super) fn splice(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(PH_OPEN) {
            let after = &rest[i + PH_OPEN.len_utf8()..];
            let Some(j) = after.find(PH_CLOSE) else { break };
            let n: usize = after[..j].parse().unwrap_or(usize::MAX);
            let frag = self.sites.get(n).and_then(|s| s.fragment.as_ref());
            let tail = &after[j + PH_CLOSE.len_utf8()..];
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
}

/// Text with every call placeholder removed (what the author typed).
pub(super) fn strip_placeholders(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Words;
    impl Calls for Words {
        fn call(&self, _page: &Page, expr: &str) -> Result<Fragment, CallError> {
            match expr {
                "block()" => Ok(Fragment { html: "<div>b</div>".into(), block: true }),
                "bad()" => Err("no such thing".into()),
                _ => Ok(Fragment { html: "<em>15 &amp; 5</em>".into(), block: false }),
            }
        }
    }

    fn run(body: &str) -> (Prepared, Evaluated, Vec<Diagnostic>) {
        let page = super::super::tests::page(body);
        let mut diags = Vec::new();
        let p = prepare(&page, &mut diags);
        let mut events: Vec<_> = Parser::new_ext(&p.text, super::super::options()).into_offset_iter().collect();
        let e = p.evaluate(&mut events, &page, &Words, &mut diags);
        (p, e, diags)
    }

    #[test]
    fn calls_outside_code_are_evaluated_and_map_back() {
        let (p, e, diags) = run("a {{ x() }} `{{ y }}` {{ bad() }}\n\n{{ block() }}\n\n    {{ z }}\n");
        assert!(p.restore_in_code, "one parse: calls in code are put back afterwards");
        assert_eq!(e.exprs, ["x()", "bad()", "block()"]);
        assert_eq!(e.sites.text_of(p.text.lines().next().unwrap()), "a 15 & 5 `` ");
        let page = super::super::tests::page("");
        let after_x = p.text.find(" `").unwrap();
        assert_eq!(p.map.original(after_x), page.body_start + "a {{ x() }}".len());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location().unwrap(), "content/a/b.md:4:23");
    }

    #[test]
    fn calls_that_could_move_code_get_a_pass_that_finds_the_code_first() {
        // `{{` in code with its `}}` outside: replacing it first would join the two code spans.
        let (p, e, diags) = run("`{{` and `}}` then {{ x() }}\n");
        assert!(!p.restore_in_code);
        assert_eq!(e.exprs, ["x()"]);
        assert!(p.text.starts_with("`{{` and `}}` then \u{E000}0\u{E001}"), "{}", p.text);
        assert!(diags.is_empty());
        let (_, e, diags) = run("`{{` fine, {{ never closed\n");
        assert!(e.exprs.is_empty());
        assert_eq!(diags.iter().map(|d| d.location().unwrap()).collect::<Vec<_>>(), ["content/a/b.md:4:12"]);
    }
}
