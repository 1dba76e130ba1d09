//! The `timescales_table()` page function: every rule with its source.
//!
//! Written against the rules module's public API once it is complete.

use crate::rules::SiteRules;

/// The table's HTML.
pub fn html(rules: &SiteRules) -> String {
    let _ = rules;
    String::from("<p>The timescales table is not available yet.</p>")
}
