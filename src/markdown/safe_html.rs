//! Raw HTML in content, limited to a safe set of tags and attributes:
//! anything else is reported and shown as text.

use pulldown_cmark::CowStr;
use pulldown_cmark_escape::escape_html;

use super::Rendered;
use crate::load::Page;
use crate::diag::{Code, Diagnostic};

/// Tags content may use in raw HTML.
const ALLOWED_TAGS: &[&str] = &[
    "a", "abbr", "b", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var",
];

/// Checks raw HTML against the safe set; unsafe HTML is reported and shown as text.
pub(super) fn check_html<'a>(html: CowStr<'a>, page: &Page, offset: usize, r: &mut Rendered) -> CowStr<'a> {
    let problems = html_problems(&html);
    if problems.is_empty() {
        for id in crate::html::ids(&html) {
            r.ids.insert(id);
        }
        return html;
    }
    for (at, msg) in problems {
        r.diags.push(
            Diagnostic::error(Code::UnsafeHtml, msg)
                .at(&page.src, offset + at)
                .with_help("use Markdown instead; raw HTML is limited to simple formatting tags without scripts, styles or event handlers"),
        );
    }
    let mut escaped = String::new();
    escape_html(&mut escaped, &html).expect("string");
    escaped.into()
}

/// Each problem as (byte offset in `html`, message).
fn html_problems(html: &str) -> Vec<(usize, String)> {
    use crate::html::Token;
    let mut out = Vec::new();
    for token in crate::html::tokenize(html) {
        let tag = match token {
            Token::Start(tag) => tag,
            Token::End(offset, name) => {
                if !ALLOWED_TAGS.contains(&name.as_str()) {
                    out.push((offset, format!("the HTML tag `<{name}>` is not allowed in content")));
                }
                continue;
            }
            Token::Text(_) => continue,
        };
        if !ALLOWED_TAGS.contains(&tag.name.as_str()) {
            out.push((tag.offset, format!("the HTML tag `<{}>` is not allowed in content", tag.name)));
            continue;
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                out.push((tag.offset, format!("the event handler attribute `{name}` is not allowed in content")));
            } else if name == "style" {
                out.push((tag.offset, "inline `style` attributes are not allowed (the site's security policy blocks them)".to_owned()));
            } else if matches!(name.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href") {
                let v: String = value.to_ascii_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
                if v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:") {
                    out.push((tag.offset, format!("`{name}` may not use a `{}` address", &v[..v.find(':').unwrap_or(0) + 1])));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_html_is_found() {
        assert!(html_problems("<abbr title=\"x\">x</abbr> <!-- <script> -->").is_empty());
        let p = html_problems("<p onclick=\"x()\">a</p><script>alert(1)</script><a href=\" JavaScript:x\">y</a><span style=\"color:red\">");
        let msgs: Vec<_> = p.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(msgs, [
            "the event handler attribute `onclick` is not allowed in content",
            "the HTML tag `<script>` is not allowed in content",
            "the HTML tag `<script>` is not allowed in content",
            "`href` may not use a `javascript:` address",
            "inline `style` attributes are not allowed (the site's security policy blocks them)",
        ]);
    }

    #[test]
    fn safe_html_keeps_its_ids_and_unsafe_html_becomes_text() {
        let page = super::super::tests::page("");
        let mut r = Rendered::default();
        assert_eq!(&*check_html("<span id=\"x\">a</span>".into(), &page, page.body_start, &mut r), "<span id=\"x\">a</span>");
        assert!(r.ids.contains("x"));
        assert_eq!(&*check_html("<script>".into(), &page, page.body_start, &mut r), "&lt;script&gt;");
        assert_eq!(r.diags[0].location().unwrap(), "content/a/b.md:4:1");
    }
}
