//! Which day the site states its rules for: the `as_at` date.
//!
//! A rule in `rules.yaml` may change on a date (see `docs/rules.md`). Pages,
//! the timescales table and the calculators' "current rule" state the rules
//! in force on one day. `waymark build --as-at DATE` (or `as_at` in
//! site.toml) names it; otherwise it is [`default_as_at`], which depends
//! only on what is in the repository, never on the clock, so the same
//! commit always builds the same site.

use time::Date;

use crate::history::History;
use crate::site::Pages;

/// The content's date: the newest of the git history's last commit over the
/// content folder (when there is history, see [`History`]) and every page's
/// `changes:` and `last_reviewed` dates. `None` when there are none.
pub fn content_date(pages: &Pages, history: &History) -> Option<Date> {
    let pages = pages
        .pages()
        .flat_map(|p| p.front.changes.iter().map(|c| c.date).chain(p.front.last_reviewed.as_ref().map(|d| d.0)));
    pages.chain(history.newest()).max()
}

/// The default `as_at` day: the newest date on which a rule changes that is
/// not after the content's date ([`content_date`]); the content's date when
/// no change is that old; the newest change when the content has no date.
/// `None` when nothing in the rules is dated.
pub fn default_as_at(rules: &timescales::Rules, pages: &Pages, history: &History) -> Option<Date> {
    let changes = rules.change_dates();
    let newest = *changes.last()?;
    Some(match content_date(pages, history) {
        Some(day) => changes.iter().rev().find(|c| **c <= day).copied().unwrap_or(day),
        None => newest,
    })
}

/// The banner on every page of a site that shows the rules of another day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Banner {
    /// "This shows the timescales in force on 1 March 2023. It is not the current version."
    pub text: String,
    /// For a past edition: the edition's base path and the current site's,
    /// so a page's address gives the address of today's version of it.
    pub edition_path: Option<String>,
    /// The current site's base path.
    pub current_path: Option<String>,
}

impl Banner {
    /// The banner for the rules in force on `day`.
    pub fn for_day(day: Date) -> Banner {
        Banner {
            text: format!(
                "This shows the timescales in force on {}. It is not the current version.",
                timescales::date::day_month_year(day)
            ),
            edition_path: None,
            current_path: None,
        }
    }
}

/// A rule that changed on a date: an entry for /updates/ and the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    /// The day it took effect.
    pub date: Date,
    /// The timescale id (the entry's stable id is made from it and the date).
    pub id: String,
    /// The rule's name, capitalised for a heading.
    pub title: String,
    /// What changed, in a sentence.
    pub note: String,
}

/// Every change to a rule that has taken effect by `as_at` (every change
/// when `None`), newest first: each version after a rule's first, a rule that
/// begins on its `from` day, and one that ends on its `until` day.
pub fn rule_changes(rules: &timescales::Rules, as_at: Option<Date>) -> Vec<RuleChange> {
    use timescales::date::day_month_year;
    let mut out = Vec::new();
    for t in rules.timescales() {
        let title = sentence_case(&t.label);
        let words = |day: Date| rules.at(day).describe(&t.id, false).unwrap_or_default();
        for (i, v) in t.versions.iter().enumerate() {
            let Some(from) = v.from else { continue };
            if as_at.is_some_and(|d| from > d) {
                continue;
            }
            let source = v.sources.join("; ");
            let note = if i == 0 {
                // The first version is a change only when the rule itself
                // begins then (`from`); otherwise it starts the history.
                if t.from != Some(from) {
                    continue;
                }
                format!("New timescale from {}: {}. Source: {source}.", day_month_year(from), words(from))
            } else {
                let before = t.versions[i - 1].from.map_or(Date::MIN, |d| d);
                let (now, was) = (words(from), words(before));
                if now == was {
                    format!("From {}: still {now}; the source is now {source}.", day_month_year(from))
                } else {
                    format!("From {}: {now} (before: {was}). Source: {source}.", day_month_year(from))
                }
            };
            out.push(RuleChange { date: from, id: t.id.clone(), title: title.clone(), note });
        }
        if let Some(until) = t.until
            && as_at.is_none_or(|d| until <= d)
        {
            out.push(RuleChange {
                date: until,
                id: t.id.clone(),
                title: title.clone(),
                note: format!("This timescale no longer applies from {}.", day_month_year(until)),
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    out
}

/// "The first core group meeting" → "First core group meeting".
pub fn sentence_case(label: &str) -> String {
    let s = label.strip_prefix("the ").or_else(|| label.strip_prefix("a ")).unwrap_or(label);
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl Banner {
    /// The banner's markup for the page at `rel` (its address after the
    /// edition's base path), for pages whose template has no banner of its
    /// own (an edition built with the theme files of its revision).
    pub fn html(&self, rel: &str) -> String {
        let mut out = String::from("<div class=\"wm-as-at-banner\" role=\"note\" aria-label=\"Past version\">\n<div class=\"wm-width-container\">\n<p>");
        pulldown_cmark_escape::escape_html(&mut out, &self.text).expect("string");
        if let Some(current) = &self.current_path {
            out.push_str(" <a href=\"");
            pulldown_cmark_escape::escape_href(&mut out, &format!("{current}{rel}")).expect("string");
            out.push_str("\">See this page as it is today</a>.");
        }
        out.push_str("</p>\n</div>\n</div>\n");
        out
    }

    /// `html` with the banner put in after the skip link (or at the start of
    /// the body), unless the page has one already.
    pub fn insert(&self, html: &str, rel: &str) -> Option<String> {
        if html.contains("class=\"wm-as-at-banner\"") {
            return None;
        }
        let body = html.find("<body")?;
        let open = body + html[body..].find('>')? + 1;
        let at = match html[open..].find("wm-skip-link") {
            Some(i) if i < 200 => open + i + html[open + i..].find("</a>")? + "</a>".len(),
            _ => open,
        };
        Some(format!("{}\n{}{}", &html[..at], self.html(rel), &html[at..]))
    }
}
