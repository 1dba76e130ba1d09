//! Raw HTML in content, judged by the raw-HTML policy
//! ([`crate::html_policy`]: an allow-list of tags and attributes, values
//! decoded as a browser does, addresses checked against a scheme
//! allow-list): HTML with problems is reported and shown as text.

use pulldown_cmark::CowStr;
use pulldown_cmark_escape::escape_html;

use super::Rendered;
use crate::diag::{Code, Diagnostic};
use crate::load::Page;

/// Checks raw HTML against the policy. `pieces` are the fragment's parts with
/// their offsets in the source file: an HTML block comes from the parser line
/// by line, and a tag split over lines is still one tag, so a block is judged
/// whole.
pub(super) fn check_html<'a>(pieces: Vec<(CowStr<'a>, usize)>, page: &Page, r: &mut Rendered) -> CowStr<'a> {
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
        r.diags.push(Diagnostic::error(Code::UnsafeHtml, p.message).at(&page.src, at).with_help(p.help));
    }
    let mut escaped = String::new();
    escape_html(&mut escaped, &html).expect("string");
    escaped.into()
}
