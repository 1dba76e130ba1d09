//! Which day the site states its rules for: the `as_at` date.
//!
//! A rule in `rules.yaml` may change on a date (see `docs/rules.md`). Pages,
//! the timescales table and the calculators' "current rule" state the rules
//! in force on one day. `waymark build --as-at DATE` (or `as_at` in
//! site.toml) names it; otherwise it is [`default_as_at`], which depends
//! only on what is in the repository, never on the clock, so the same
//! commit always builds the same site.

use time::Date;

use crate::content::Content;
use crate::history::History;

/// The content's date: the newest of the git history's last commit over the
/// content folder (when there is history, see [`History`]) and every page's
/// `changes:` and `last_reviewed` dates. `None` when there are none.
pub fn content_date(content: &Content, history: &History) -> Option<Date> {
    let pages = content
        .pages
        .iter()
        .flat_map(|p| p.front.changes.iter().map(|c| c.date).chain(p.front.last_reviewed.as_ref().map(|d| d.0)));
    pages.chain(history.newest()).max()
}

/// The default `as_at` day: the newest date on which a rule changes that is
/// not after the content's date ([`content_date`]); the content's date when
/// no change is that old; the newest change when the content has no date.
/// `None` when nothing in the rules is dated.
pub fn default_as_at(rules: &timescales::Rules, content: &Content, history: &History) -> Option<Date> {
    let changes = rules.change_dates();
    let newest = *changes.last()?;
    Some(match content_date(content, history) {
        Some(day) => changes.iter().rev().find(|c| **c <= day).copied().unwrap_or(day),
        None => newest,
    })
}
