//! Shared test helpers: a small rules document in the shipped file's shape.
#![allow(dead_code)]

use timescales::{Date, EventDates, Imports, Rules, RulesDoc};

pub fn d(s: &str) -> Date {
    timescales::date::parse_iso(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

pub fn iso(d: Date) -> String {
    timescales::date::iso(d)
}

pub fn doc(v: serde_json::Value) -> RulesDoc {
    serde_json::from_value(v).expect("test document has the right shape")
}

pub fn rules(v: serde_json::Value) -> Rules {
    Rules::from_doc(&doc(v), &Imports::default()).unwrap_or_else(|e| panic!("{e:?}"))
}

pub fn errors(v: serde_json::Value) -> Vec<String> {
    match Rules::from_doc(&doc(v), &Imports::default()) {
        Ok(_) => panic!("expected errors"),
        Err(errs) => errs
            .iter()
            .map(|e| {
                let path: Vec<String> = e
                    .path()
                    .iter()
                    .map(|p| match p {
                        timescales::PathPart::Key(k) => k.clone(),
                        timescales::PathPart::Index(i) => i.to_string(),
                    })
                    .collect();
                match e.help() {
                    Some(h) => format!("{}: {e} (help: {h})", path.join(".")),
                    None => format!("{}: {e}", path.join(".")),
                }
            })
            .collect(),
    }
}

/// The shipped rules' shape, cut down to what the tests use.
pub fn shipped() -> serde_json::Value {
    serde_json::json!({
        "calendar": "argyll-and-bute",
        "calendars": {
            "scotland": { "holidays": "scotland" },
            "argyll-and-bute": { "extends": "scotland" }
        },
        "events": {
            "concern": { "label": "the concern being raised", "plain": "someone telling us they are worried" },
            "registration": { "label": "the child's name being added to the child protection register", "plain": "your child's name being added to the register" },
            "cppm": { "label": "the child protection planning meeting", "plain": "the meeting" },
            "ooh_ird": { "label": "the out-of-hours IRD", "plain": "the first talk" },
            "prebirth_concern": { "label": "the pre-birth concern", "plain": "the worry" },
            "expected_delivery": { "label": "the expected date of delivery", "plain": "your due date" }
        },
        "timescales": {
            "cppm_notice": { "label": "notice of the meeting", "plain": "notice", "before": "cppm", "within": "5 calendar days", "source": "AppD" },
            "reports_shared": { "label": "reports shared", "plain": "reports", "before": "cppm", "within": "5 working days", "source": "Moray" },
            "initial_cppm": { "label": "the initial CPPM", "plain": "the first meeting", "after": "concern", "within": "28 calendar days", "source": "AppD" },
            "review_cppm": { "label": "the review CPPM", "plain": "the review meeting", "after": "registration", "within": "6 months", "source": "HL" },
            "review_cycle": { "label": "later reviews", "plain": "later reviews", "after": "review_cppm", "every": "6 months", "source": "HL" },
            "first_core_group": {
                "label": "the first core group meeting", "plain": "the first core group meeting",
                "after": "registration", "within": "15 calendar days", "source": "A&B practice note",
                "other_sources": [ { "source": "National guidance 2023, Appendix D", "within": "15 working days" } ]
            },
            "core_group_cycle": { "label": "core group meetings", "plain": "core group meetings", "after": "first_core_group", "every": "4 weeks", "source": "A&B" },
            "ird_after_ooh": { "label": "the full IRD", "plain": "the full talk", "after": "ooh_ird", "within": "1 working day", "source": "AppD" },
            "prebirth_cppm_concern": { "label": "28 days after the concern", "plain": "x", "after": "prebirth_concern", "within": "28 calendar days", "source": "AppD" },
            "prebirth_cppm_gestation": { "label": "28 weeks of pregnancy", "plain": "x", "before": "expected_delivery", "within": "12 weeks", "source": "AppD" },
            "prebirth_cppm": { "label": "the pre-birth CPPM", "plain": "the meeting", "earliest_of": ["prebirth_cppm_concern", "prebirth_cppm_gestation"], "source": "AppD" }
        },
        "calculators": {
            "pre-birth": { "title": "Pre-birth", "asks": ["prebirth_concern", "expected_delivery"], "shows": ["prebirth_cppm"] }
        }
    })
}

pub fn on(event: &str, date: &str) -> EventDates {
    EventDates::new().with(event, d(date))
}
