//! Content hygiene: what keeps a procedures site trustworthy over time.
//!
//! - pages past their `review_due` date;
//! - pages without an audience or sources;
//! - timescales typed into prose where the rules file has the rule (the page
//!   should call `timescale(...)`, so text and calculators never disagree);
//! - rules that no page refers to.

use std::collections::HashSet;

use super::Input;
use crate::parse::call::Call;
use crate::diag::{Code, Diagnostic};

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8),
    ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("fourteen", 14), ("fifteen", 15),
    ("twenty", 20), ("twenty-one", 21), ("twenty-eight", 28), ("thirty", 30),
];

/// The unit of a figure typed in prose. Days are one unit: a page that says
/// "15 days" states a rule of 15 calendar or 15 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Period {
    /// Days of either kind.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
}

impl Period {
    /// The period a rule's unit is counted in.
    pub fn of(unit: timescales::Unit) -> Period {
        match unit {
            timescales::Unit::CalendarDays | timescales::Unit::WorkingDays => Period::Day,
            timescales::Unit::Weeks => Period::Week,
            timescales::Unit::Months => Period::Month,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Period::Day => "days",
            Period::Week => "weeks",
            Period::Month => "months",
        }
    }
}

/// (offset, number, period) of figures such as "15 days" found in `text`.
pub(crate) fn figures(text: &str) -> Vec<(usize, u32, Period)> {
    let lower = text.to_lowercase();
    let words: Vec<(usize, &str)> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '.' | ':' | '“' | '”' | '"'))
        .scan(0usize, |pos, w| {
            let start = lower[*pos..].find(w).map_or(*pos, |i| *pos + i);
            *pos = start + w.len();
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, (at, w)) in words.iter().enumerate() {
        let n = w.parse::<u32>().ok().or_else(|| NUMBER_WORDS.iter().find(|(nw, _)| nw == w).map(|(_, n)| *n));
        let Some(n) = n else { continue };
        let mut j = i + 1;
        if words.get(j).is_some_and(|(_, w)| matches!(*w, "calendar" | "working" | "clear" | "full")) {
            j += 1;
        }
        let unit = match words.get(j).map(|(_, w)| w.trim_end_matches('\u{2019}').trim_end_matches('\'')) {
            Some("day" | "days") => Period::Day,
            Some("week" | "weeks" | "weekly") => Period::Week,
            Some("month" | "months" | "monthly") => Period::Month,
            _ => continue,
        };
        out.push((*at, n, unit));
    }
    out
}


/// Runs the hygiene checks.
pub fn check(input: &Input<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Each rule's figure as (number, unit), worked out once for all pages.
    let known: Vec<((u32, Period), &str)> = input
        .rules
        .map(|rules| rules.engine().timescales().iter().filter_map(|t| t.length().map(|l| ((l.n, Period::of(l.unit)), t.id.as_str()))).collect())
        .unwrap_or_default();
    for s in input.each() {
        let (page, r) = (&s.page, &s.body);
        let f = &page.front;
        let at_key = |key: &str| {
            let idx = crate::yaml::KeyIndex::new(&page.src.text()[page.yaml_start..page.body_start]);
            page.yaml_start + idx.key(&crate::yaml::keys(&[key])).unwrap_or(0)
        };
        if let (Some(today), Some(due)) = (input.today, f.review_due)
            && due.0 < today
        {
            out.push(
                Diagnostic::warning(Code::ReviewDue, format!("this page was due for review on {}", due.0))
                    .at(&page.src, at_key("review_due"))
                    .with_help("review the page, then update `last_reviewed` and `review_due`"),
            );
        }
        if f.audience.is_empty() {
            out.push(Diagnostic::warning(Code::MissingAudience, "this page does not say who it is for").at(&page.src, page.yaml_start).with_help("add `audience: [practitioners]` (ids from site.toml)"));
        }
        if f.sources.is_empty() {
            out.push(Diagnostic::warning(Code::MissingSources, "this page names no sources").at(&page.src, page.yaml_start).with_help("add `sources:` with the guidance or procedure the page is based on"));
        }
        if input.rules.is_some() {
            for b in &r.blocks {
                for (_, n, unit) in figures(&b.authored) {
                    if let Some((_, id)) = known.iter().find(|((kn, ku), _)| *kn == n && *ku == unit) {
                        out.push(
                            Diagnostic::warning(Code::TypedTimescale, format!("a timescale ({n} {}) is typed into the text; the rules file has it", unit.plural()))
                                .at(&page.src, b.offset)
                                .with_help(format!("write {{{{ timescale(\"{id}\") }}}} (or the rule that applies) so the page, the calculators and `waymark dates` always agree")),
                        );
                    }
                }
            }
        }
    }
    // Which rules no page uses is a question about the whole site.
    if input.only.is_none() {
        out.extend(site_wide(input));
    }
    out
}

/// The checks of the whole site rather than of pages: rules no page uses, and
/// doubts in the rules' sources.
pub fn site_wide(input: &Input<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(rules) = input.rules {
        let used: HashSet<String> = input.pages.states().iter().flat_map(|s| s.body.calls.iter().filter_map(|c| Call::parse(c).timescale_id().map(str::to_owned))).collect();
        let src = rules.text();
        let index = crate::yaml::KeyIndex::new(src.text());
        for id in rules.timescale_ids() {
            if used.contains(id) {
                continue;
            }
            out.push(
                Diagnostic::warning(Code::UnusedRule, format!("no page uses the timescale `{id}`"))
                    .with_help("refer to it from a page with {{ timescale(\"…\") }}, or remove it from the rules file")
                    .at(src, index.key(&crate::yaml::keys(&["timescales", id])).unwrap_or(0)),
            );
        }
        out.extend(source_doubts(rules, &index));
    }
    out
}

/// Words that say the author is unsure. A source is shown to readers as a
/// citation (beside every calculator result and in the timescales table), so
/// it must say only what the source supports; a doubt goes in the `note`.
const DOUBT_PHRASES: &[&str] = &["not confirmed", "to be confirmed", "not sure", "not checked", "about para", "about page", "about section"];
/// Single words of doubt, matched as whole words.
const DOUBT_WORDS: &[&str] = &["unconfirmed", "unverified", "uncertain", "unclear", "probably", "possibly", "perhaps", "maybe", "approximately", "approx", "circa", "tbc", "todo", "fixme"];

/// The first doubt in `text`, as written: its byte range.
fn doubt_in(text: &str) -> Option<std::ops::Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut found: Option<std::ops::Range<usize>> = None;
    let mut keep = |r: std::ops::Range<usize>| {
        if found.as_ref().is_none_or(|f| r.start < f.start) {
            found = Some(r);
        }
    };
    for p in DOUBT_PHRASES {
        if let Some(i) = lower.find(p) {
            keep(i..i + p.len());
        }
    }
    let mut start = None;
    for (i, c) in lower.char_indices().chain(std::iter::once((lower.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if DOUBT_WORDS.contains(&&lower[s..i]) {
                    keep(s..i);
                }
                start = None;
            }
            _ => {}
        }
        if c == '?' {
            keep(i..i + 1);
        }
    }
    found
}

/// A `source-doubt` warning for every source of every rule (each dated
/// version and each of `other_sources`) that carries a doubt, placed at the
/// doubt in the rules file (`index`: its keys, already read for the unused-rule check).
fn source_doubts(rules: &crate::rules::SiteRules, index: &crate::yaml::KeyIndex) -> Vec<Diagnostic> {
    let src = rules.text();
    let text = src.text();
    let mut out = Vec::new();
    for t in rules.engine().timescales() {
        let versions = t.versions.iter().flat_map(|v| v.sources.iter().map(|s| (s, "source")));
        let others = t.other_sources.iter().map(|o| (&o.source, "other_sources"));
        for (source, key) in versions.chain(others) {
            let Some(doubt) = doubt_in(source) else { continue };
            let words = &source[doubt.clone()];
            // The doubt's place in the file: the first time its words appear
            // after the rule's key (a source is a plain YAML string, so the
            // text is there as written, perhaps folded onto two lines).
            let from = index.key(&crate::yaml::keys(&["timescales", &t.id, key])).or_else(|| index.key(&crate::yaml::keys(&["timescales", &t.id]))).unwrap_or(0);
            let at = text[from..].to_ascii_lowercase().find(&words.to_ascii_lowercase()).map_or(from, |i| from + i);
            out.push(
                Diagnostic::warning(Code::SourceDoubt, format!("a source of `{}` carries a doubt (\"{words}\"); readers see a source as a citation", t.id))
                    .with_help("cite only what the source says, and put the doubt in the rule's `note` (shown to practitioners beside the rule)")
                    .at(src, at),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubts_in_sources_are_found_as_words() {
        let d = |s: &str| doubt_in(s).map(|r| s[r].to_owned());
        assert_eq!(d("National guidance 2021, about paras 3.140 to 3.141; number not confirmed").as_deref(), Some("about para"));
        assert_eq!(d("Highland procedures (TBC)").as_deref(), Some("TBC"));
        assert_eq!(d("Para 3.168?").as_deref(), Some("?"));
        assert_eq!(d("Probably Appendix D").as_deref(), Some("Probably"));
        // Whole words only, and a title may say "about".
        assert_eq!(d("Information about the Child Protection Planning Meeting"), None);
        assert_eq!(d("National guidance 2021 (updated 2023), Appendix D"), None);
        assert_eq!(d("Moray CPC Workforce Brief No. 5, Child Protection Planning Meetings"), None);
    }

    #[test]
    fn typed_figures_are_found() {
        let f: Vec<_> = figures("Meet within 15 working days, or two weeks; review in six months. Page 3 of 4.").into_iter().map(|(_, n, u)| (n, u)).collect();
        assert_eq!(f, [(15, Period::Day), (2, Period::Week), (6, Period::Month)]);
        assert_eq!(Period::of(timescales::Unit::WorkingDays), Period::Day);
    }
}
