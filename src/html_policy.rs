//! The raw-HTML policy: what an author may write as HTML inside Markdown, and
//! which addresses links and images may use.
//!
//! Raw HTML is an allow-list. Every tag must be one of [`TAGS`], and every
//! attribute one allowed on that tag or on every tag ([`GLOBAL_ATTRS`],
//! `aria-*`); anything else is a problem, so a new browser feature is refused
//! until someone decides it is safe. Fragments are read with html5gum, a
//! tokenizer that follows the HTML standard, so attribute values are decoded
//! exactly as a browser decodes them (every named and numeric character
//! reference, the legacy references without `;`, NUL and C1 replacements)
//! before they are judged; a value written as `&#106;avascript:` is judged as
//! `javascript:`.
//!
//! Addresses ([`url_problem`]) are trimmed and cleaned as the URL parser does
//! (leading and trailing C0 controls and spaces, tabs and newlines anywhere),
//! then their scheme is checked against an allow-list: `http`, `https`,
//! `mailto`, `tel` or none (relative). Images must come from the site itself:
//! a relative address only, so a page never makes a request to another host,
//! even where a host ignores the Content-Security-Policy.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Ids (and fragment names) beginning with this are the theme's own.
pub const RESERVED_ID_PREFIX: &str = "wm-";

/// Tags content may use, each with the attributes it may carry besides the
/// global ones.
pub const TAGS: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang", "rel"]),
    ("abbr", &[]),
    ("b", &[]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"]),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("q", &["cite"]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
];

/// Attributes allowed on every allowed tag (and every `aria-*` attribute).
pub const GLOBAL_ATTRS: &[&str] = &["class", "id", "title", "lang", "dir", "translate", "role"];

/// The schemes a link may use; an address without a scheme is relative.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// One problem in a fragment of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the fragment (the `<` of the tag concerned).
    pub offset: usize,
    /// What is wrong, for the author.
    pub message: String,
    /// What to do instead.
    pub help: String,
}

/// What the policy found in a fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Every problem, in order.
    pub problems: Vec<Problem>,
    /// The decoded `id` values of the fragment's tags (link targets).
    pub ids: Vec<String>,
}

/// How an address is used: followed by the reader, or fetched by the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// A link (`href`, `cite`): any allowed scheme, any host.
    Link,
    /// Something the browser fetches by itself (`src`, `srcset`): this site only.
    Resource,
}

const HELP_HTML: &str = "use Markdown instead; raw HTML is limited to the simple formatting tags and attributes listed in the README";
const HELP_IMAGE: &str = "save the file into the content folder and use its path (e.g. `images/photo.png`), so readers' browsers never contact another site";

/// Appended to a fragment to learn whether the fragment leaves the
/// tokenizer in its normal state: if it does, this is read as a tag that
/// starts exactly at the end of the fragment.
const SENTINEL: &str = "<wm-end-of-fragment>";

/// Checks one fragment of raw HTML (a whole HTML block or one inline tag).
pub fn check(html: &str) -> Verdict {
    let mut v = Verdict::default();
    let input = format!("{html}{SENTINEL}");
    let mut refused_tags: Vec<String> = Vec::new();
    let mut ended_cleanly = false;
    let mut last_start = 0;
    let tokenizer = Tokenizer::new_with_emitter(input.as_str(), DefaultEmitter::<usize>::new_with_span());
    for token in tokenizer {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let offset = tag.span.start;
                last_start = offset.min(html.len());
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                if offset == html.len() && name == SENTINEL[1..SENTINEL.len() - 1] {
                    ended_cleanly = true;
                    continue;
                }
                let Some((_, own)) = TAGS.iter().find(|(t, _)| *t == name) else {
                    v.problems.push(Problem { offset, message: format!("the HTML tag `<{name}>` is not allowed in content"), help: HELP_HTML.into() });
                    refused_tags.push(name);
                    continue;
                };
                for (attr, value) in &tag.attributes {
                    let attr = String::from_utf8_lossy(attr);
                    let value = String::from_utf8_lossy(value);
                    if let Some(message) = attribute_problem(&name, own, &attr, &value) {
                        let help = if message.contains("images") {
                            HELP_IMAGE
                        } else if attr == "id" {
                            "choose an id that does not start with `wm-`"
                        } else {
                            HELP_HTML
                        };
                        v.problems.push(Problem { offset, message, help: help.into() });
                    } else if attr == "id" {
                        v.ids.push(value.into_owned());
                    }
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                last_start = tag.span.start.min(html.len());
                // A refused start tag was reported already; its end tag adds nothing.
                if !TAGS.iter().any(|(t, _)| *t == name) && !refused_tags.contains(&name) {
                    v.problems.push(Problem { offset: tag.span.start, message: format!("the HTML tag `</{name}>` is not allowed in content"), help: HELP_HTML.into() });
                }
            }
            Token::Doctype(d) => {
                last_start = d.span.start.min(html.len());
                v.problems.push(Problem { offset: d.span.start, message: "a `<!DOCTYPE>` is not allowed in content".into(), help: HELP_HTML.into() });
            }
            Token::Comment(c) => last_start = c.span.start.min(html.len()),
            Token::String(_) | Token::Error(_) => {}
        }
    }
    if !ended_cleanly {
        v.problems.push(Problem {
            offset: last_start,
            message: "this HTML is not finished: a tag, a quoted attribute value or a comment is left open, so the browser would read what follows as part of it".into(),
            help: "close the tag (`>`), the quotes or the comment (`-->`)".into(),
        });
    }
    v
}

/// The problem with one attribute of an allowed tag, if any.
fn attribute_problem(tag: &str, own: &[&str], attr: &str, value: &str) -> Option<String> {
    if attr.starts_with("on") {
        return Some(format!("the event handler attribute `{attr}` is not allowed in content"));
    }
    if attr == "style" {
        return Some("inline `style` attributes are not allowed (the site's security policy blocks them)".to_owned());
    }
    let allowed = GLOBAL_ATTRS.contains(&attr) || own.contains(&attr) || (attr.starts_with("aria-") && attr.len() > 5);
    if !allowed {
        let mut ok: Vec<&str> = own.to_vec();
        ok.extend_from_slice(GLOBAL_ATTRS);
        ok.push("aria-*");
        return Some(format!("the attribute `{attr}` is not allowed on `<{tag}>` in content (allowed: {})", ok.join(", ")));
    }
    if attr == "id" && value.starts_with(RESERVED_ID_PREFIX) {
        return Some(format!("the id `{value}` is reserved for the theme: ids starting with `{RESERVED_ID_PREFIX}` are the theme's own"));
    }
    match attr {
        "href" | "cite" => url_problem(value, UrlUse::Link).map(|m| format!("`{attr}`: {m}")),
        "src" => url_problem(value, UrlUse::Resource).map(|m| format!("`{attr}`: {m}")),
        "srcset" => srcset_urls(value).find_map(|u| url_problem(u, UrlUse::Resource)).map(|m| format!("`{attr}`: {m}")),
        _ => None,
    }
}

/// The addresses in a `srcset`, generously: every piece between spaces and
/// commas that is not a width or density descriptor. A real address that
/// contains a comma is split, and each piece checked, which can only refuse
/// more, never less: an absolute address always starts with its scheme.
fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value.split(|c: char| c == ',' || c.is_ascii_whitespace()).filter(|p| !p.is_empty() && !is_descriptor(p))
}

fn is_descriptor(p: &str) -> bool {
    let Some(num) = p.strip_suffix(['w', 'x', 'h']) else { return false };
    !num.is_empty() && num.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// An address as the URL parser reads it: leading and trailing C0 controls
/// and spaces removed, tabs and newlines removed everywhere.
pub fn clean_url(value: &str) -> String {
    value.trim_matches(|c: char| c <= '\u{20}').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect()
}

/// The scheme of a cleaned address, lower case, or None for a relative one.
pub fn scheme(url: &str) -> Option<String> {
    let end = url.find(':')?;
    let s = &url[..end];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then(|| s.to_ascii_lowercase())
}

/// Why an address may not be used this way, or None if it may.
pub fn url_problem(value: &str, usage: UrlUse) -> Option<String> {
    let url = clean_url(value);
    let scheme = scheme(&url);
    match usage {
        UrlUse::Link => match scheme {
            Some(s) if !LINK_SCHEMES.contains(&s.as_str()) => {
                Some(format!("links may not use `{s}:` addresses (allowed: {}, or a relative address)", LINK_SCHEMES.iter().map(|s| format!("`{s}:`")).collect::<Vec<_>>().join(", ")))
            }
            _ => None,
        },
        UrlUse::Resource => {
            let other_host = url.starts_with("//") || url.starts_with("\\\\") || url.starts_with("/\\") || url.starts_with("\\/");
            match scheme {
                Some(s) if s == "http" || s == "https" => Some(format!("images and media must come from this site, not another host (`{}`)", shorten(&url))),
                Some(s) => Some(format!("images and media may not use `{s}:` addresses; they must be files of this site")),
                None if other_host => Some(format!("images and media must come from this site, not another host (`{}`)", shorten(&url))),
                None => None,
            }
        }
    }
}

fn shorten(url: &str) -> String {
    if url.chars().count() <= 60 { url.to_owned() } else { format!("{}…", url.chars().take(60).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(html: &str) -> Vec<String> {
        check(html).problems.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn character_references_are_decoded_as_a_browser_does() {
        for href in [
            "&#106;avascript:alert(1)",
            "&#x6A;avascript&colon;alert(1)",
            "javascript&colon;alert(1)",
            "jav&#x09;ascript:alert(1)",
            "java&NewLine;script:alert(1)",
            "&#0000106avascript:alert(1)",
            "&#1;javascript:alert(1)",
            " \u{1}JaVaScRiPt:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let m = messages(&format!("<a href=\"{href}\">x</a>"));
            assert_eq!(m.len(), 1, "{href}: {m:?}");
            assert!(m[0].starts_with("`href`: links may not use `"), "{href}: {m:?}");
        }
        // The same in single quotes and unquoted.
        assert_eq!(messages("<a href='&#106;avascript:x'>x</a>").len(), 1);
        assert_eq!(messages("<a href=&#106;avascript:x>x</a>").len(), 1);
        // Legitimate addresses pass.
        for href in ["https://example.org/a?b=1&amp;c=2", "mailto:a@example.org", "tel:+441234", "../x/", "#top", "page/", "a/b:c"] {
            let m = messages(&format!("<a href=\"{href}\">x</a>"));
            assert!(m.is_empty(), "{href}: {m:?}");
        }
    }

    #[test]
    fn attributes_are_an_allow_list() {
        assert_eq!(messages("<a ping=\"https://t.example/p\" href=\"/\">x</a>").len(), 1);
        assert_eq!(messages("<p contenteditable>x</p>").len(), 1);
        assert_eq!(messages("<p autofocus tabindex=1>x</p>").len(), 2);
        assert_eq!(messages("<span ONCLICK=x>y</span>"), ["the event handler attribute `onclick` is not allowed in content"]);
        assert_eq!(messages("<p id=\"wm-exit\">x</p>"), ["the id `wm-exit` is reserved for the theme: ids starting with `wm-` are the theme's own"]);
        assert_eq!(messages("<p id=\"&#119;m-exit\">x</p>").len(), 1);
        assert!(messages("<abbr title=\"x\" class=\"y\" aria-label=\"z\">x</abbr> <!-- <script> -->").is_empty());
        assert_eq!(check("<dt id=\"a&amp;b\"></dt>").ids, ["a&b"]);
    }

    #[test]
    fn images_come_from_the_site() {
        assert!(messages("<img src=\"images/a.png\" alt=\"a\">").is_empty());
        assert!(messages("<img src=\"/images/a.png\" srcset=\"a.png 1x, b.png 2x\" alt=\"a\">").is_empty());
        for bad in [
            "<img src=\"https://t.example/x.png\" alt=\"\">",
            "<img src=\"//t.example/x.png\" alt=\"\">",
            "<img src=\"/\\t.example/x.png\" alt=\"\">",
            "<img src=\"data:image/png;base64,AAAA\" alt=\"\">",
            "<img srcset=\"https://t.example/x.png 1x\" alt=\"\">",
            "<img srcset=\"a.png 1x,https://t.example/x.png 2x\" alt=\"\">",
            "<img src=a.png srcset=\"a.png 100w,//t.example/x.png 200w\" alt=\"\">",
        ] {
            assert_eq!(messages(bad).len(), 1, "{bad}");
        }
    }

    #[test]
    fn tags_are_an_allow_list_and_fragments_must_be_finished() {
        assert_eq!(messages("<script>alert(1)</script>"), ["the HTML tag `<script>` is not allowed in content"]);
        assert_eq!(messages("<SCRIPT>alert(1)</SCRIPT>").len(), 1);
        assert_eq!(messages("<iframe src=x></iframe><svg onload=x><form><base href=x><meta http-equiv=refresh>").len(), 5);
        assert_eq!(messages("</script>").len(), 1);
        for open in ["<div title=\"x", "<?x", "<!-- x", "<div", "</p", "<!DOCTYPE"] {
            assert!(messages(open).iter().any(|m| m.starts_with("this HTML is not finished")), "{open}");
        }
        assert!(messages("a < b and <").is_empty());
    }

    #[test]
    fn offsets_point_at_the_tag() {
        let v = check("<p>ok</p>\n<span onclick=x>y</span>");
        assert_eq!(v.problems[0].offset, 10);
    }
}
