//! The HTML rewrite a section's print page needs (`site/generated.rs`):
//! each page's body gets its ids, and every in-page reference to one,
//! prefixed, and its headings one level lower, so the print page has one
//! outline and no id twice. It runs on HTML already rendered, with
//! lol_html's streaming rewriter: only the start tags it changes are
//! written again, everything else is copied byte for byte.

use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

/// Attributes holding one id, or a space-separated list of them.
const ID_ATTRS: &[&str] = &["id", "for", "aria-labelledby", "aria-describedby", "aria-controls"];

/// `html` with every id prefixed with `prefix` (and `href="#id"` links
/// with it), and, if `shift`, `<h2>`…`<h5>` made `<h3>`…`<h6>` (an `<h6>` stays).
pub fn rewrite(html: &str, prefix: &str, shift: bool) -> String {
    let mut settings = RewriteStrSettings::new().append_element_content_handler(element!("[id], [for], [aria-labelledby], [aria-describedby], [aria-controls], [href^='#']", |el| {
        prefix_ids(el, prefix);
        Ok(())
    }));
    if shift {
        settings = settings.append_element_content_handler(element!("h2, h3, h4, h5", |el| {
            let level = el.tag_name().strip_prefix('h').and_then(|n| n.parse::<u8>().ok()).unwrap_or(6);
            el.set_tag_name(&format!("h{}", level + 1))?;
            Ok(())
        }));
    }
    // The input is HTML waymark made; the rewriter only fails on limits it
    // cannot reach here (memory for a buffered tag), so keep the page as it is then.
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_owned())
}

fn prefix_ids(el: &mut Element<'_, '_>, prefix: &str) {
    for &attr in ID_ATTRS {
        if let Some(v) = el.get_attribute(attr) {
            let joined = v.split(' ').map(|id| if id.is_empty() { String::new() } else { format!("{prefix}{id}") }).collect::<Vec<_>>().join(" ");
            // Cannot fail: the name is valid.
            let _ = el.set_attribute(attr, &joined);
        }
    }
    if let Some(v) = el.get_attribute("href")
        && let Some(id) = v.strip_prefix('#')
    {
        let _ = el.set_attribute("href", &format!("#{prefix}{id}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_headings_shift() {
        let html = "<h2 id=\"a\">A <a class=\"wm-anchor\" href=\"#a\">#</a></h2>\n<h6 id=\"b\">B</h6><label for=\"d\">D</label><input hidden><p aria-describedby=\"x y\">&amp; <a href=\"/x/#a\">x</a></p>";
        assert_eq!(
            rewrite(html, "page-1-", true),
            "<h3 id=\"page-1-a\">A <a class=\"wm-anchor\" href=\"#page-1-a\">#</a></h3>\n<h6 id=\"page-1-b\">B</h6><label for=\"page-1-d\">D</label><input hidden><p aria-describedby=\"page-1-x page-1-y\">&amp; <a href=\"/x/#a\">x</a></p>"
        );
        assert_eq!(rewrite("<h2 id=\"i\">I</h2>", "intro-", false), "<h2 id=\"intro-i\">I</h2>");
    }
}
