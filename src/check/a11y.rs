//! Accessibility lint, fast and without a browser.
//!
//! Links, images and headings written in Markdown are checked with their
//! source positions. The final HTML of each page (templates included) is then
//! scanned for what only the whole page shows: the `lang` attribute, one `h1`,
//! duplicate ids, tables without header cells, form fields without labels,
//! and empty links or buttons the templates produced.

use std::collections::{HashMap, HashSet};

use super::Input;
use crate::site::PageState;
use crate::html::{Token, tokenize};
use crate::diag::{Code, Diagnostic};

/// Link texts that say nothing out of context (WCAG 2.4.4).
const VAGUE: &[&str] = &["click here", "here", "read more", "more", "this page", "this link", "link", "find out more", "learn more", "click"];

/// Runs the source-level and output-level checks (pages in parallel).
pub fn check(input: &Input<'_>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let pages: Vec<&PageState> = input.each().collect();
    pages.into_par_iter().flat_map_iter(check_page).collect()
}

fn check_page(s: &PageState) -> Vec<Diagnostic> {
    let (page, r) = (&s.page, &s.body);
    let mut out = Vec::new();
    let before = out.len();
    for a in &r.anchors {
        let text = a.text.trim();
        if a.image {
            if text.is_empty() {
                out.push(
                    Diagnostic::error(Code::A11yImageAlt, "this image has no alt text")
                        .at(&page.src, a.offset)
                        .with_help("describe what the image shows: ![A diagram of the core group](core-group.png); a purely decorative image does not belong in content"),
                );
            }
        } else if text.is_empty() {
            out.push(
                Diagnostic::error(Code::A11yEmptyLink, "this link has no text, so screen readers announce only its address")
                    .at(&page.src, a.offset)
                    .with_help("write the link as [what it leads to](page.md)"),
            );
        } else if VAGUE.contains(&text.to_lowercase().trim_end_matches(['.', '!']).trim()) {
            out.push(
                Diagnostic::warning(Code::A11yLinkText, format!("the link text \u{201c}{text}\u{201d} does not say where the link goes"))
                    .at(&page.src, a.offset)
                    .with_help("use words that make sense on their own, e.g. [how core groups work](core-groups.md)"),
            );
        }
    }
    // Body headings start at h2 (the title is the h1) and never skip a level.
    let mut prev = 1u8;
    for h in &r.headings {
        if h.level > prev + 1 {
            out.push(
                Diagnostic::error(Code::A11yHeadingSkip, format!("this heading jumps from level {prev} to level {}", h.level))
                    .at(&page.src, h.offset)
                    .with_help(format!("use {} here; screen-reader users move through a page by its headings", "#".repeat(prev as usize + 1))),
            );
        }
        prev = h.level;
    }
    let mut source_found: HashSet<Code> = out[before..].iter().map(|d| d.code).collect();
    // A `#` heading in the body is already an error at its line.
    if r.diags.iter().any(|d| d.code == Code::Heading) {
        source_found.insert(Code::A11yH1);
    }
    if let Some(html) = s.output() {
        for (code, msg) in html_findings(html) {
            if source_found.contains(&code) {
                continue;
            }
            out.push(Diagnostic::error(code, msg).in_file(page.src.path()).with_help("the page's template or raw HTML produced this; fix the theme template or the HTML in the page"));
        }
    }
    out
}

/// Findings in a whole page of HTML: (code, message).
pub(crate) fn html_findings(html: &str) -> Vec<(Code, String)> {
    let mut out = Vec::new();
    let tokens = tokenize(html);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut h1 = 0;
    let mut labelled_for: HashSet<String> = HashSet::new();
    let mut fields: Vec<(String, bool)> = Vec::new(); // (id or name, has its own label)
    let mut label_depth = 0usize;
    // Open <a>/<button>: (tag, text so far, has a name from attributes or an image alt).
    let mut open: Vec<(String, String, bool)> = Vec::new();
    let mut table_stack: Vec<bool> = Vec::new(); // has a <th>
    let mut html_lang = None;
    for t in &tokens {
        match t {
            Token::Start(el) => {
                if let Some(id) = el.attr("id") {
                    *ids.entry(id.to_owned()).or_insert(0) += 1;
                }
                match el.name.as_str() {
                    "html" => html_lang = Some(el.attr("lang").unwrap_or("").trim().to_owned()),
                    "h1" => h1 += 1,
                    "label" => {
                        label_depth += 1;
                        if let Some(f) = el.attr("for") {
                            labelled_for.insert(f.to_owned());
                        }
                    }
                    "input" | "select" | "textarea" => {
                        let kind = el.attr("type").unwrap_or("text");
                        if !matches!(kind, "hidden" | "submit" | "button" | "reset" | "image") {
                            let named = label_depth > 0 || el.attr("aria-label").is_some_and(|v| !v.trim().is_empty()) || el.attr("aria-labelledby").is_some() || el.attr("title").is_some();
                            fields.push((el.attr("id").unwrap_or("").to_owned(), named));
                        }
                    }
                    "a" if el.attr("href").is_some() => open.push(("a".into(), String::new(), el.attr("aria-label").is_some_and(|v| !v.trim().is_empty()) || el.attr("aria-labelledby").is_some())),
                    "button" => open.push(("button".into(), String::new(), el.attr("aria-label").is_some_and(|v| !v.trim().is_empty()) || el.attr("aria-labelledby").is_some())),
                    "img" => {
                        if el.attr("alt").is_none() {
                            out.push((Code::A11yImageAlt, format!("an image ({}) has no alt attribute", el.attr("src").unwrap_or("?"))));
                        } else if let Some(last) = open.last_mut()
                            && el.attr("alt").is_some_and(|a| !a.trim().is_empty())
                        {
                            last.2 = true;
                        }
                    }
                    "table" => table_stack.push(false),
                    "th" => {
                        if let Some(t) = table_stack.last_mut() {
                            *t = true;
                        }
                    }
                    _ => {}
                }
            }
            Token::End(_, name) => match name.as_str() {
                "label" => label_depth = label_depth.saturating_sub(1),
                "a" | "button" => {
                    if let Some(pos) = open.iter().rposition(|(n, _, _)| n == name) {
                        let (tag, text, named) = open.remove(pos);
                        if !named && text.trim().is_empty() {
                            out.push((Code::A11yEmptyLink, format!("a `<{tag}>` has no text or accessible name")));
                        }
                    }
                }
                "table" => {
                    let had_header = table_stack.pop();
                    if had_header == Some(false) {
                        out.push((Code::A11yTableHeaders, "a table has no header cells (`<th>`)".to_owned()));
                    }
                }
                _ => {}
            },
            Token::Text(s) => {
                for (_, text, _) in &mut open {
                    text.push_str(s);
                }
            }
        }
    }
    match html_lang.as_deref() {
        None | Some("") => out.push((Code::A11yLang, "the page's `<html>` element has no `lang` attribute".to_owned())),
        _ => {}
    }
    if h1 != 1 {
        out.push((Code::A11yH1, format!("the page has {h1} level-1 headings; it should have exactly one (the title)")));
    }
    let mut dups: Vec<_> = ids.into_iter().filter(|(_, n)| *n > 1).map(|(id, _)| id).collect();
    dups.sort();
    for id in dups {
        out.push((Code::A11yDuplicateId, format!("the id `{id}` is used more than once on the page")));
    }
    for (id, named) in fields {
        if !named && (id.is_empty() || !labelled_for.contains(&id)) {
            out.push((Code::A11yFormLabel, format!("a form field{} has no label", if id.is_empty() { String::new() } else { format!(" (`#{id}`)") })));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_findings;
    use crate::diag::Code;

    fn codes(html: &str) -> Vec<Code> {
        html_findings(html).into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn a_clean_page_has_no_findings() {
        let html = r#"<!doctype html><html lang="en-GB"><body><a href="/x/">Core groups</a><a href="/" aria-label="Home"><img src="l.svg" alt=""></a><h1>T</h1><label for="d">Day</label><input id="d" type="text"><table><tr><th>A</th></tr></table><button>Go</button><script>if (a<b) {}</script></body></html>"#;
        assert_eq!(codes(html), Vec::<Code>::new());
    }

    #[test]
    fn each_problem_is_found() {
        let html = r#"<html><body><h1>A</h1><h1>B</h1><a href="/x/"></a><img src="x.png"><p id="d"></p><p id="d"></p><input id="q" type="text"><table><tr><td>1</td></tr></table><button></button></body></html>"#;
        assert_eq!(
            codes(html),
            [Code::A11yEmptyLink, Code::A11yImageAlt, Code::A11yTableHeaders, Code::A11yEmptyLink, Code::A11yLang, Code::A11yH1, Code::A11yDuplicateId, Code::A11yFormLabel]
        );
    }
}
