//! The `timescales_table()` page function: every rule in the rules file, in
//! words, with its source, and where other sources give a different figure.

use crate::render::smart_quotes;
use crate::rules::SiteRules;

/// What `partials/timescales-table.html` gets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimescalesContext {
    /// One row per timescale, in the order of the rules file.
    pub rows: Vec<TableRow>,
}

/// One rule of [`TimescalesContext`]. Text has typographic quotes; the
/// template escapes it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableRow {
    /// The row's id (`timescale-<id with hyphens>`), for links to one rule.
    pub id: String,
    /// What is due, capitalised.
    pub label: String,
    /// When, in words, capitalised.
    pub when: String,
    /// A note on the rule.
    pub note: Option<String>,
    /// Where the rule comes from.
    pub source: String,
    /// Other sources that give a different figure.
    pub others: Vec<OtherSource>,
    /// The day a scheduled change takes effect (`1 April 2027`), if one is.
    pub coming: Option<String>,
    /// The rule's versions, oldest first, when it has more than one.
    pub timeline: Vec<crate::rules::HistoryRow>,
}

/// Another source's figure for a rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OtherSource {
    /// The source.
    pub source: String,
    /// The figure it gives.
    pub figure: String,
    /// A note on it.
    pub note: Option<String>,
}

/// The table's context: one row per timescale, in the order of the rules file.
pub fn context(rules: &SiteRules) -> TimescalesContext {
    let q = |s: &str| smart_quotes(s);
    let rows = rules
        .rows()
        .into_iter()
        .map(|row| TableRow {
            id: q(&format!("timescale-{}", row.id.replace('_', "-"))),
            label: q(&crate::calculator::capitalise(&row.label)),
            when: q(&crate::calculator::capitalise(&row.words)),
            note: row.note.as_deref().map(q),
            source: q(&row.source),
            others: row.other_sources.iter().map(|o| OtherSource { source: q(&o.source), figure: q(&o.figure), note: o.note.as_deref().map(q) }).collect(),
            coming: rules.change_coming(&row.id),
            timeline: {
                let history = rules.history(&row.id);
                let versions = if history.len() < 2 { Vec::new() } else { history };
                versions.into_iter().map(|v| crate::rules::HistoryRow { words: q(&v.words), source: q(&v.source), ..v }).collect()
            },
        })
        .collect();
    TimescalesContext { rows }
}
