//! Headings: a stable unique id for each (explicit `{#id}`s reserved
//! first), a visible anchor link, and the page's outline.

use std::collections::HashSet;
use std::fmt::Write as _;

use pulldown_cmark::{Event, HeadingLevel, Tag};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::Heading;
use super::calls::Sites;
use crate::load::Page;
use crate::diag::{Code, Diagnostic};

/// A heading being read: level, explicit id, offset, its inline events.
#[derive(Debug)]
struct Open<'a> {
    level: HeadingLevel,
    explicit: Option<String>,
    offset: usize,
    events: Vec<Event<'a>>,
}

/// The headings adapter.
#[derive(Debug)]
pub(super) struct Headings<'a> {
    used: HashSet<String>,
    open: Option<Open<'a>>,
    /// A translation: its source page's headings (level, id), in order.
    inherit: Vec<(u8, String)>,
    /// How many headings have ended.
    count: usize,
    /// The anchor link's label, `{title}` standing for the heading's text.
    anchor_label: &'a str,
}

/// A finished heading: its events for the page, and what the page records.
#[derive(Debug)]
pub(super) struct Done<'a> {
    pub events: Vec<Event<'a>>,
    pub heading: Heading,
}

impl<'a> Headings<'a> {
    /// Reserves the ids the page sets itself, so generated ones never take them.
    pub(super) fn new<'e>(events: impl IntoIterator<Item = &'e Event<'e>>, inherit: Vec<(u8, String)>, anchor_label: &'a str) -> Self {
        let used = events
            .into_iter()
            .filter_map(|ev| match ev {
                Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                _ => None,
            })
            .collect();
        Headings { used, open: None, inherit, count: 0, anchor_label }
    }

    /// Whether a heading is being read (its events go to [`Headings::push`]).
    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// A heading starts; a level-1 heading in the body is reported.
    pub(super) fn start(&mut self, level: HeadingLevel, id: Option<&str>, page: &Page, offset: usize, diags: &mut Vec<Diagnostic>) {
        if level == HeadingLevel::H1 {
            diags.push(
                Diagnostic::error(Code::Heading, "a page body must not have a level-1 heading: the title is the page's only `#` heading")
                    .at(&page.src, offset)
                    .with_help("start the body's headings at `##`"),
            );
        }
        self.open = Some(Open { level, explicit: id.map(str::to_owned), offset, events: Vec::new() });
    }

    /// An event inside the heading.
    pub(super) fn push(&mut self, ev: Event<'a>) {
        if let Some(open) = &mut self.open {
            open.events.push(ev);
        }
    }

    /// The heading ends: its id (an explicit one used twice is reported) and
    /// its HTML. `ids` are the ids the page has defined so far.
    pub(super) fn end(&mut self, sites: &Sites, ids: &mut HashSet<String>, page: &Page, diags: &mut Vec<Diagnostic>) -> Option<Done<'a>> {
        let Open { level, explicit, offset, events } = self.open.take()?;
        let mut title = String::new();
        for e in &events {
            if let Event::Text(t) | Event::Code(t) = e {
                title.push_str(t);
            }
        }
        // A heading with a call in it takes the call's text for its slug.
        let title = sites.text_of(&title).trim().to_owned();
        let id = match explicit {
            Some(id) => {
                if id.starts_with(crate::html_policy::RESERVED_ID_PREFIX) {
                    diags.push(
                        Diagnostic::error(Code::UnsafeHtml, format!("the heading id `{id}` is reserved for the theme: ids starting with `{}` are the theme's own", crate::html_policy::RESERVED_ID_PREFIX))
                            .at(&page.src, offset)
                            .with_help("choose an id that does not start with `wm-`"),
                    );
                }
                if ids.contains(&id) {
                    diags.push(Diagnostic::error(Code::DuplicateId, format!("the heading id `{id}` is used twice on this page")).at(&page.src, offset));
                }
                id
            }
            None => match self.inherit.get(self.count) {
                // The source's heading at the same place and level lends its id.
                Some((l, id)) if *l == level as u8 && self.used.insert(id.clone()) => id.clone(),
                _ => unique_id(&slugify(&title), &mut self.used),
            },
        };
        self.count += 1;
        ids.insert(id.clone());
        let lvl = level as u8;
        let mut open = String::new();
        write!(open, "<h{lvl} id=\"").expect("string");
        escape_html(&mut open, &id).expect("string");
        open.push_str("\">");
        let mut close = String::from(" <a class=\"wm-anchor\" href=\"#");
        escape_href(&mut close, &id).expect("string");
        close.push_str("\" aria-label=\"");
        escape_html(&mut close, &self.anchor_label.replace("{title}", &title)).expect("string");
        writeln!(close, "\">#</a></h{lvl}>").expect("string");
        let mut out = Vec::with_capacity(events.len() + 2);
        out.push(Event::Html(open.into()));
        out.extend(events);
        out.push(Event::Html(close.into()));
        Some(Done { events: out, heading: Heading { offset, level: lvl, id, title } })
    }
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
    fn generated_ids_avoid_explicit_ones_and_repeats_are_reported() {
        let page = super::super::tests::page("");
        let explicit = [Event::Start(Tag::Heading { level: HeadingLevel::H2, id: Some("plan".into()), classes: vec![], attrs: vec![] })];
        let mut h = Headings::new(&explicit, Vec::new(), "Link to this section: {title}");
        let (mut ids, mut diags) = (HashSet::new(), Vec::new());
        fn heading<'a>(h: &mut Headings<'a>, page: &Page, text: &'a str, id: Option<&str>, ids: &mut HashSet<String>, diags: &mut Vec<Diagnostic>) -> Done<'a> {
            h.start(HeadingLevel::H2, id, page, page.body_start, diags);
            h.push(Event::Text(text.into()));
            h.end(&Sites::default(), ids, page, diags).unwrap()
        }
        let first = heading(&mut h, &page, "Plan", None, &mut ids, &mut diags);
        assert_eq!(first.heading.id, "plan-2");
        let html: Vec<String> = first.events.iter().map(|e| if let Event::Html(s) = e { s.to_string() } else { String::new() }).collect();
        assert_eq!(html, ["<h2 id=\"plan-2\">", "", " <a class=\"wm-anchor\" href=\"#plan-2\" aria-label=\"Link to this section: Plan\">#</a></h2>\n"]);
        assert_eq!(heading(&mut h, &page, "The plan", Some("plan"), &mut ids, &mut diags).heading.id, "plan");
        assert!(diags.is_empty());
        heading(&mut h, &page, "Again", Some("plan"), &mut ids, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::DuplicateId);
        h.start(HeadingLevel::H1, None, &page, page.body_start, &mut diags);
        assert_eq!(diags[1].code, Code::Heading);
    }
}
