//! Links and images: relative `.md` links rewritten to output URLs, every
//! internal link recorded with its source position (for the fragment
//! check), broken ones reported; task-list markers; and raw inline HTML
//! passed to the safe-HTML check.

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::{LinkRef, Rendered, Resolver};
use crate::load::Page;
use crate::diag::{Code, Diagnostic};

/// Links, images, inline HTML and task markers (also inside headings).
pub(super) fn rewrite_inline<'a>(ev: Event<'a>, page: &Page, resolver: &Resolver<'_>, offset: usize, r: &mut Rendered) -> Event<'a> {
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
                    r.diags.push(Diagnostic::error(Code::UnsafeHtml, problem).at(&page.src, offset).with_help(
                        "save the file into the content folder and use its path (e.g. `images/photo.png`), so readers' browsers never contact another site",
                    ));
                    CowStr::from("#")
                }
                None => resolve_link(&dest_url, page, resolver, offset, r).map_or(dest_url, CowStr::from),
            };
            Event::Start(Tag::Image { link_type, dest_url: dest, title, id })
        }
        Event::InlineHtml(html) => Event::InlineHtml(super::safe_html::check_html(vec![(html, offset)], page, r)),
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
        r.diags.push(Diagnostic::error(Code::UnsafeHtml, problem).at(&page.src, offset));
        return Some("#".into());
    }
    if let Some(frag) = dest.strip_prefix('#') {
        r.links.push(LinkRef { target: page.rel.clone(), fragment: Some(frag.to_owned()), offset, glossary: false });
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
        r.diags.push(Diagnostic::error(Code::BrokenLink, format!("the link `{dest}` goes above the content folder")).at(&page.src, offset));
        return None;
    };
    // In a translation, a link to a page goes to that page's version in the
    // same language where it has one.
    let target = match resolver.languages.get(page.lang).filter(|_| page.lang != 0 && target.ends_with(".md")) {
        Some(code) => {
            let translated = crate::lang::translated_rel(&target, code);
            if resolver.urls.contains_key(&translated) { translated } else { target }
        }
        None => target,
    };
    match resolver.urls.get(&target) {
        Some(url) => {
            if target.ends_with(".md") {
                r.links.push(LinkRef { target: target.clone(), fragment: frag.clone(), offset, glossary: false });
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
                Diagnostic::error(Code::BrokenLink, format!("the link `{dest}` goes to a draft page, which is not published"))
                    .with_help("publish the page (remove `draft: true`) or remove the link")
            } else {
                let mut d = Diagnostic::error(Code::BrokenLink, format!("the link `{dest}` goes to `{target}`, which does not exist"));
                if let Some(s) = crate::diag::suggest(&target, resolver.urls.keys().map(String::as_str)) {
                    let rel = relative(&page.rel, s);
                    d = d.with_help(crate::diag::did_you_mean(&rel));
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
/// `%20` and friends in hand-written links are decoded.
pub fn normalise(from: &str, link: &str) -> Option<String> {
    let link = percent_encoding::percent_decode_str(link).decode_utf8().unwrap_or_else(|_| link.into());
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

/// The path of `to` relative to the folder of `from` (both content `rel`s).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_against_the_page_folder() {
        assert_eq!(normalise("procedures/cppm.md", "core-groups.md").as_deref(), Some("procedures/core-groups.md"));
        assert_eq!(normalise("procedures/cppm.md", "../parents/_index.md").as_deref(), Some("parents/_index.md"));
        assert_eq!(normalise("a.md", "../x.md"), None);
        assert_eq!(normalise("a/b.md", "./c%20d.md").as_deref(), Some("a/c d.md"));
        assert_eq!(normalise("a/b.md", "100%.md").as_deref(), Some("a/100%.md"));
        assert_eq!(normalise("a/b.md", "%FF.md").as_deref(), Some("a/%FF.md"), "not UTF-8: kept as written");
        assert_eq!(relative("procedures/cppm.md", "parents/_index.md"), "../parents/_index.md");
        assert_eq!(relative("procedures/cppm.md", "procedures/x.md"), "x.md");
    }
}
