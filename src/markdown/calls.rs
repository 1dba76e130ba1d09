//! Function calls in Markdown (`{{ timescale("first_core_group") }}`).
//!
//! Before the page is parsed, each call outside code is evaluated and
//! replaced by a short placeholder (a private-use character pair around its
//! number), so the Markdown parser never sees the call's own punctuation.
//! [`OffsetMap`] maps offsets in that text back to the file, and
//! [`Sites::splice`] puts each call's HTML in place of its placeholder after
//! rendering.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{CallError, Calls, Fragment};
use crate::content::Page;
use crate::diag::Diagnostic;

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

/// The page text ready to parse.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The body with each call replaced by its placeholder.
    pub text: String,
    /// Offsets in `text` back to the file.
    pub map: OffsetMap,
    /// What the calls produced.
    pub sites: Sites,
    /// Every call as written between `{{` and `}}`.
    pub exprs: Vec<String>,
}

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

/// Finds `{{ … }}` outside code, evaluates each, and returns the text with
/// placeholders. Calls that fail are reported in `diags`.
pub(super) fn prepare(page: &Page, calls: &dyn Calls, diags: &mut Vec<Diagnostic>) -> Prepared {
    let body = page.body();
    let base = page.body_start;
    if !body.contains("{{") {
        // No calls: no need to know where the code is.
        return Prepared { text: body.to_owned(), map: OffsetMap { segments: vec![(0, base)] }, sites: Sites::default(), exprs: Vec::new() };
    }
    let code = code_ranges(body);
    let in_code = |i: usize| code.iter().any(|r| r.contains(&i));
    let mut out = String::with_capacity(body.len());
    let mut segments = vec![(0, base)];
    let mut found_calls = Vec::new();
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
        let result = calls.call(page, expr);
        let n = found_calls.len();
        write!(out, "{PH_OPEN}{n}{PH_CLOSE}").expect("writing to a String");
        segments.push((out.len(), base + end));
        found_calls.push((base + start, result, expr.to_owned()));
        pos = end;
    }
    out.push_str(&body[pos..]);
    let mut sites = Vec::with_capacity(found_calls.len());
    let mut exprs = Vec::with_capacity(found_calls.len());
    for (offset, result, expr) in found_calls {
        let fragment = match result {
            Ok(f) => Some(f),
            Err(CallError::Author(msg)) => {
                diags.push(Diagnostic::error("function", msg).at(&page.src, offset));
                None
            }
            Err(CallError::Template(d)) => {
                diags.push(d);
                None
            }
        };
        sites.push(Site { fragment });
        exprs.push(expr);
    }
    Prepared { text: out, map: OffsetMap { segments }, sites: Sites { sites }, exprs }
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

    #[test]
    fn calls_outside_code_become_placeholders_and_map_back() {
        let page = super::super::tests::page("a {{ x() }} `{{ y }}` {{ bad() }}\n\n{{ block() }}\n");
        let mut diags = Vec::new();
        let p = prepare(&page, &Words, &mut diags);
        assert_eq!(p.exprs, ["x()", "bad()", "block()"]);
        assert_eq!(strip_placeholders(&p.text), "a   `{{ y }}`  \n\n \n");
        assert_eq!(p.sites.text_of(&p.text), "a 15 & 5 `{{ y }}` \n\n\n");
        // The `b` of `bad()`'s placeholder maps to the file offset after `{{ x() }}`.
        let after_x = p.text.find(" `").unwrap();
        assert_eq!(p.map.original(after_x), page.body_start + "a {{ x() }}".len());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location().unwrap(), "content/a/b.md:4:23");
        let spliced = p.sites.splice(&format!("<p>{}</p>\n", p.text.trim_end().replace("\n\n", "</p>\n<p>")));
        assert_eq!(spliced, "<p>a <em>15 &amp; 5</em> `{{ y }}` </p>\n<div>b</div>\n");
    }
}
