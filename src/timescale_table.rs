//! The `timescales_table()` page function: every rule in the rules file, in
//! words, with its source, and where other sources give a different figure.

use pulldown_cmark_escape::escape_html;

use crate::rules::SiteRules;

fn esc(out: &mut String, s: &str) {
    escape_html(out, &crate::render::smart_quotes(s)).expect("writing to a String");
}

/// Capitalises the first letter (labels are written mid-sentence style).
fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The table's HTML: one row per timescale, in the order of the rules file.
pub fn html(rules: &SiteRules) -> String {
    let mut out = String::from(
        "<div class=\"wm-table-wrap\" role=\"region\" aria-label=\"Timescales\" tabindex=\"0\">\n<table class=\"wm-timescales\">\n<caption>Every timescale this site uses, from the rules file</caption>\n<thead><tr><th scope=\"col\">What</th><th scope=\"col\">When</th><th scope=\"col\">Source</th></tr></thead>\n<tbody>\n",
    );
    for row in rules.rows() {
        out.push_str("<tr><th scope=\"row\" id=\"timescale-");
        esc(&mut out, &row.id.replace('_', "-"));
        out.push_str("\">");
        esc(&mut out, &sentence_case(&row.label));
        if let Some(day) = rules.change_coming(&row.id) {
            out.push_str(" <strong class=\"wm-tag wm-tag--coming\">Change coming ");
            esc(&mut out, &day);
            out.push_str("</strong>");
        }
        out.push_str("</th><td>");
        esc(&mut out, &sentence_case(&row.words));
        if let Some(note) = &row.note {
            out.push_str("<br><span class=\"wm-timescales__note\">");
            esc(&mut out, note);
            out.push_str("</span>");
        }
        crate::asat::timeline_html(&mut out, &rules.history(&row.id));
        out.push_str("</td><td>");
        esc(&mut out, &row.source);
        if !row.other_sources.is_empty() {
            out.push_str("<ul class=\"wm-timescales__others\">");
            for o in &row.other_sources {
                out.push_str("<li>");
                esc(&mut out, &o.source);
                out.push_str(" gives ");
                esc(&mut out, &o.figure);
                if let Some(n) = &o.note {
                    out.push_str(" (");
                    esc(&mut out, n);
                    out.push(')');
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}
