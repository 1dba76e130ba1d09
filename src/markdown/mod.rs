//! Markdown to HTML, with pulldown-cmark, plus what waymark adds. The page
//! is parsed once; [`render`] passes each event through small adapters,
//! one per concern, each in its own file:
//!
//! - [`calls`]: function calls such as `{{ timescale("first_core_group") }}`,
//!   each a placeholder in the text parsed, evaluated by the caller's
//!   [`Calls`] unless the parse puts it in code, and spliced back in after
//!   rendering;
//! - [`headings`]: stable unique ids and a visible anchor link;
//! - [`alerts`]: GitHub-style alerts, through the theme's `partials/alert.html`;
//! - [`tables`]: a scrollable region per table (`partials/table.html`) and
//!   alignment as classes;
//! - [`footnotes`]: numbered by first reference (`partials/footnote.html`,
//!   `partials/footnote-ref.html`);
//! - [`glossary`]: the first use of each glossary term linked to its entry;
//! - [`links`]: relative `.md` links rewritten to output URLs (every internal
//!   link recorded, with its source position, for the fragment check);
//! - [`safe_html`]: raw HTML limited to a safe set, anything else a diagnostic;
//! - [`text`]: the prose as a reader gets it, for the checks.
//!
//! [`writer`] collects the events; a wrapper made by a partial renders its
//! content there first.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::load::Page;
use crate::diag::Diagnostic;

mod alerts;
mod calls;
mod easy_read;
mod footnotes;
mod glossary;
mod headings;
mod links;
mod safe_html;
mod tables;
mod text;
mod writer;

pub use easy_read::EasyReadBlock;
pub use headings::slugify;
pub(crate) use links::normalise;

/// What a function call in a page produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// HTML to insert (already escaped).
    pub html: String,
    /// Block-level HTML replaces its whole paragraph when it stands alone.
    pub block: bool,
}

/// Why a function call produced nothing.
#[derive(Debug, Clone)]
pub enum CallError {
    /// A message for the author, reported at the call.
    Author(String),
    /// The theme's partial failed: the diagnostic names the template.
    Template(Diagnostic),
}

impl From<String> for CallError {
    fn from(msg: String) -> Self {
        CallError::Author(msg)
    }
}

impl From<&str> for CallError {
    fn from(msg: &str) -> Self {
        CallError::Author(msg.to_owned())
    }
}

/// Evaluates the function calls found in Markdown.
pub trait Calls: Sync {
    /// Evaluates one call (the text between `{{` and `}}`).
    fn call(&self, page: &Page, expr: &str) -> Result<Fragment, CallError>;
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
    /// Made by glossary linking rather than written by the author.
    pub glossary: bool,
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
    /// An Easy Read page's blocks, for its checks (empty on other pages).
    pub easy_read: Vec<EasyReadBlock>,
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
    /// The theme's partials for alerts, tables and footnotes (None when the
    /// site's templates failed to load, which is reported: the built-in
    /// theme's partials are used meanwhile).
    pub templates: Option<&'a crate::render::Templates>,
    /// The theme's picture library (`picture:` images); None: none known.
    pub pictures: Option<&'a crate::pictures::Pictures>,
    /// The site's language codes, default first: a link in a translation
    /// goes to the same language's version of its target where there is one.
    pub languages: &'a [String],
    /// The heading ids of pages that have translations (by `rel`), in order:
    /// a translation's headings take its source's ids, so `#fragments` work
    /// in every language and the switcher's pages line up.
    pub source_headings: Option<&'a HashMap<String, Vec<(u8, String)>>>,
    /// The words of the theme (the heading anchors' label); None: English.
    pub strings: Option<&'a crate::i18n::Strings>,
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

/// Renders one page's body.
pub fn render(page: &Page, resolver: &Resolver<'_>, calls: &dyn Calls) -> Rendered {
    let mut r = Rendered::default();
    let prepared = calls::prepare(page, &mut r.diags);
    let map = &prepared.map;
    // The one parse. Smart punctuation splits text at quotes; merged, a term
    // such as “children’s hearing” is one piece of text again.
    let mut events: Vec<_> = pulldown_cmark::TextMergeWithOffset::new(Parser::new_ext(&prepared.text, options()).into_offset_iter()).collect();
    let calls::Evaluated { sites, exprs } = prepared.evaluate(&mut events, page, calls, &mut r.diags);
    let sites = &sites;
    r.calls = exprs;
    easy_read::resolve_pictures(&mut events, |o| map.original(o), page, resolver, &mut r.diags);
    let templates = Some(resolver.templates.unwrap_or_else(|| crate::render::Templates::builtin()));
    let inherit = page.source.as_deref().and_then(|s| resolver.source_headings?.get(s)).cloned().unwrap_or_default();
    let anchor_label = resolver.strings.and_then(|s| s.get(page.lang, "heading.anchor")).unwrap_or("Link to this section: {title}");
    let mut headings = headings::Headings::new(events.iter().map(|(e, _)| e), inherit, anchor_label);
    let mut notes = footnotes::Footnotes::new(events.iter().map(|(e, _)| e));
    let mut alerts = alerts::Alerts::default();
    let mut tables = tables::Tables::default();
    let mut prose = text::TextCollector::default();
    // Glossary linking: on unless the page opts out, never on the glossary
    // itself, and not in translations (the glossary is in the default language).
    let mut glossary = glossary::GlossaryLinks::new(resolver.glossary.filter(|l| page.front.glossary && page.lang == 0 && l.page_rel != page.rel));
    let mut easy = easy_read::EasyRead::new(page.front.format == crate::load::Format::EasyRead);
    let mut out = writer::Out::new(page.lang);
    // The lines of the HTML block being read, with their offsets.
    let mut html_block: Option<Vec<(CowStr<'_>, usize)>> = None;

    for (ev, range) in events {
        let offset = map.original(range.start);
        prose.observe(&ev, offset, sites, &mut r);
        glossary.observe(&ev);
        if headings.is_open() {
            if let Event::End(TagEnd::Heading(_)) = ev {
                if let Some(done) = headings.end(sites, &mut r.ids, page, &mut r.diags) {
                    tables.heading(&done.heading.title);
                    r.headings.push(done.heading);
                    for e in done.events {
                        out.push(e);
                    }
                }
            } else {
                headings.push(links::rewrite_inline(ev, page, resolver, offset, &mut r));
            }
            continue;
        }
        let ev = match easy.step(ev, offset, page, resolver, templates, sites, &mut out, &mut r) {
            easy_read::Step::Taken => continue,
            easy_read::Step::Pass(ev) => ev,
        };
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => headings.start(level, id.as_deref(), page, offset, &mut r.diags),
            Event::Start(Tag::BlockQuote(kind)) => alerts.start(kind, &mut out),
            Event::End(TagEnd::BlockQuote(_)) => alerts.end(&mut out, templates, &mut r.diags),
            Event::Start(Tag::Table(alignments)) => tables.start(alignments, &mut out),
            Event::End(TagEnd::Table) => tables.end(&mut out, templates, &mut r.diags),
            ev @ (Event::Start(Tag::TableHead | Tag::TableRow | Tag::TableCell) | Event::End(TagEnd::TableHead)) => out.push(tables.event(ev)),
            Event::Start(Tag::FootnoteDefinition(label)) => notes.start(&label, &mut out, &mut r.ids),
            Event::End(TagEnd::FootnoteDefinition) => notes.end(&mut out, templates, &mut r.diags),
            Event::FootnoteReference(label) => notes.reference(&label, &mut out, templates, &mut r.ids, &mut r.diags),
            Event::Start(Tag::HtmlBlock) => html_block = Some(Vec::new()),
            Event::Html(html) if html_block.is_some() => html_block.as_mut().expect("checked").push((html, offset)),
            Event::End(TagEnd::HtmlBlock) => {
                let pieces = html_block.take().unwrap_or_default();
                out.push(Event::Start(Tag::HtmlBlock));
                out.push(Event::Html(safe_html::check_html(pieces, page, &mut r)));
                out.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(html) => out.push(Event::Html(safe_html::check_html(vec![(html, offset)], page, &mut r))),
            Event::Text(t) => match glossary.link(&t, offset, &mut r) {
                Some(linked) => linked.into_iter().for_each(|e| out.push(e)),
                None => out.push(Event::Text(t)),
            },
            other => out.push(links::rewrite_inline(other, page, resolver, offset, &mut r)),
        }
    }

    let html = out.finish();
    r.html = if sites.is_empty() { html } else { sites.splice(&html) };
    // Ids inside what functions produced (glossary entries, table rows) are
    // link targets too.
    for f in sites.fragments() {
        r.ids.extend(crate::html::ids(&f.html));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    struct Echo;
    impl Calls for Echo {
        fn call(&self, _page: &Page, expr: &str) -> Result<Fragment, CallError> {
            if expr.starts_with("block") {
                Ok(Fragment { html: "<table></table>".into(), block: true })
            } else if expr.starts_with("bad") {
                Err("bad call".into())
            } else {
                Ok(Fragment { html: "words".into(), block: false })
            }
        }
    }

    pub(super) fn page(body: &str) -> Page {
        let text = format!("---\ntitle: T\n---\n{body}");
        let src = crate::diag::SourceMap::new("content/a/b.md", text);
        Page {
            src,
            rel: "a/b.md".into(),
            front: Default::default(),
            body_start: "---\ntitle: T\n---\n".len(),
            yaml_start: 4,
            url: "a/b/".into(),
            kind: crate::load::PageKind::Page,
            parent: None,
            lang: 0,
            source: None,
        }
    }

    fn render_body(body: &str) -> Rendered {
        let mut urls = HashMap::new();
        urls.insert("a/b.md".to_owned(), "a/b/".to_owned());
        urls.insert("a/c.md".to_owned(), "a/c/".to_owned());
        let drafts = HashSet::new();
        let resolver = Resolver { urls: &urls, drafts: &drafts, base_path: "/x/", glossary: None, templates: None, pictures: None, languages: &[], source_headings: None, strings: None };
        render(&page(body), &resolver, &Echo)
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

    #[test]
    fn alerts_tables_and_footnotes_come_from_the_partials_in_one_pass() {
        let r = render_body("## Who\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n> [!WARNING]\n> Careful[^n].\n\n> [!TIP]\n> `{{ literal }}`\n\n[^n]: A note.\n");
        assert_eq!(
            r.html,
            "<h2 id=\"who\">Who <a class=\"wm-anchor\" href=\"#who\" aria-label=\"Link to this section: Who\">#</a></h2>\n\
             <div class=\"wm-table-wrap\" role=\"region\" aria-label=\"Table: Who\" tabindex=\"0\">\n\
             <table><thead><tr><th class=\"wm-align-left\">a</th><th class=\"wm-align-right\">b</th></tr></thead><tbody>\n\
             <tr><td class=\"wm-align-left\">1</td><td class=\"wm-align-right\">2</td></tr>\n</tbody></table>\n</div>\n\
             <div class=\"wm-warning\"><span class=\"wm-warning__icon\" aria-hidden=\"true\">!</span><div class=\"wm-warning__text\"><span class=\"wm-visually-hidden\">Warning: </span>\n\
             <p>Careful<sup class=\"footnote-reference\" id=\"fnref-n\"><a href=\"#fn-n\"><span class=\"wm-visually-hidden\">Footnote </span>1</a></sup>.</p>\n</div></div>\n\
             <div class=\"wm-inset\"><span class=\"wm-visually-hidden\">Tip: </span>\n<p><code>{{ literal }}</code></p>\n</div>\n\
             <div class=\"footnote-definition\" id=\"fn-n\"><sup class=\"footnote-definition-label\">1</sup>\n<p>A note.</p>\n\
             <a class=\"wm-footnote-back\" href=\"#fnref-n\">Back to text<span class=\"wm-visually-hidden\"> (footnote 1)</span></a>\n</div>\n"
        );
        assert!(r.calls.is_empty(), "a call in code is not one");
        let mut ids: Vec<_> = r.ids.iter().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["fn-n", "fnref-n", "who"]);
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
        assert_eq!(locs, [("content/a/b.md:4:48".to_owned(), Code::BrokenLink), ("content/a/b.md:4:61".to_owned(), Code::Function)]);
    }

    #[test]
    fn links_are_rewritten_with_the_base_path() {
        let r = render_body("[c](c.md#part) [self](#top) [web](https://example.org/)\n");
        assert!(r.html.contains("href=\"/x/a/c/#part\""), "{}", r.html);
        assert!(r.html.contains("href=\"#top\""));
        assert!(r.html.contains("href=\"https://example.org/\""));
        assert_eq!(r.links.len(), 2);
    }

    #[test]
    fn easy_read_paragraphs_become_picture_blocks_with_their_lines() {
        let mut urls = HashMap::new();
        urls.insert("a/b.md".to_owned(), "a/b/".to_owned());
        let drafts = HashSet::new();
        let mut map = std::collections::BTreeMap::new();
        map.insert("pictures/meeting.svg".to_owned(), "static/pictures/meeting.1.svg".to_owned());
        let alts = crate::pictures::AltTexts { by_name: [("meeting".to_owned(), "People at a meeting".to_owned())].into() };
        let pictures = crate::pictures::Pictures::new(&map, "/x/", &alts);
        let resolver = Resolver { urls: &urls, drafts: &drafts, base_path: "/x/", glossary: None, templates: None, pictures: Some(&pictures), languages: &[], source_headings: None, strings: None };
        let mut p = page("![](picture:meeting)\nA meeting is people *talking*.\nIt is {{ t() }}.\n\nNo picture here.\n\n- a list item\n\n![x](picture:meetng)\n");
        p.front.format = crate::load::Format::EasyRead;
        let r = render(&p, &resolver, &Echo);
        assert_eq!(
            r.html,
            "<div class=\"wm-er-block\"><img class=\"wm-er-block__picture\" src=\"/x/static/pictures/meeting.1.svg\" alt=\"People at a meeting\" width=\"96\" height=\"96\">\
             <div class=\"wm-er-block__text\"><p>A meeting is people <em>talking</em>.</p><p>It is words.</p></div>\n</div>\n\
             <div class=\"wm-er-block\"><div class=\"wm-er-block__text\"><p>No picture here.</p></div>\n</div>\n\
             <ul>\n<li>a list item</li>\n</ul>\n\
             <div class=\"wm-er-block\"><img class=\"wm-er-block__picture\" src=\"#\" alt=\"x\" width=\"96\" height=\"96\"><div class=\"wm-er-block__text\"></div>\n</div>\n"
        );
        let blocks: Vec<_> = r.easy_read.iter().map(|b| (b.picture.as_deref(), b.lines.iter().map(|l| { let lc = p.src.line_col(l.offset); (format!("{}:{}", lc.line, lc.col), l.text.as_str()) }).collect::<Vec<_>>())).collect();
        assert_eq!(blocks, [
            (Some("People at a meeting"), vec![("5:1".to_owned(), "A meeting is people talking."), ("6:1".to_owned(), "It is words.")]),
            (None, vec![("8:1".to_owned(), "No picture here.")]),
            (Some("x"), vec![]),
        ]);
        let d: Vec<_> = r.diags.iter().map(|d| (d.location().unwrap(), d.message.as_str(), d.help.as_deref())).collect();
        assert_eq!(d, [("content/a/b.md:12:1".to_owned(), "there is no picture `meetng` in the theme's picture library", Some("did you mean `meeting`?"))]);
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
