//! Rules as they stood on a date: which version a count uses, `as_at`,
//! `from`/`until`, and every fault in the dates (path and message; the host
//! adds line and column, see tests/rules.rs at the root).

mod common;
use common::*;
use proptest::prelude::*;
use serde_json::json;
use timescales::{Date, EvalError, EventDates, Imports, Rules, RulesDoc};

/// The shipped shape with a dated initial CPPM (21 days, then 28 from 2 September 2021).
fn dated() -> serde_json::Value {
    let mut doc = shipped();
    doc["timescales"]["initial_cppm"] = json!({
        "label": "the initial CPPM", "plain": "the first meeting", "after": "concern",
        "within": { "2014-05-01": "21 calendar days", "2021-09-02": "28 calendar days" },
        "source": { "2014-05-01": "NG 2014", "2021-09-02": "NG 2021" }
    });
    doc
}

fn concern(day: &str) -> EventDates {
    EventDates::new().with("concern", d(day))
}

/// A document from JSON text, keeping the order of keys as written.
fn from_text(timescale: &str) -> Result<Rules, Vec<String>> {
    let text = format!(
        r#"{{"calendar":"s","calendars":{{"s":{{"holidays":"scotland"}}}},
        "events":{{"concern":{{"label":"the concern","plain":"the worry"}}}},
        "timescales":{{"t":{timescale}}}}}"#
    );
    let doc: RulesDoc = serde_json::from_str(&text).expect("valid JSON");
    Rules::from_doc(&doc, &Imports::default()).map_err(|errs| {
        errs.iter()
            .map(|e| {
                let path: Vec<String> = e
                    .path()
                    .iter()
                    .map(|p| match p {
                        timescales::PathPart::Key(k) => k.clone(),
                        timescales::PathPart::Index(i) => i.to_string(),
                    })
                    .collect();
                format!("{}: {e}", path.join("."))
            })
            .collect()
    })
}

#[test]
fn the_day_before_a_change_uses_the_old_figure_and_the_day_of_it_the_new() {
    let r = rules(dated());
    assert_eq!(iso(r.due("initial_cppm", &concern("2021-09-01"), None).unwrap()), "2021-09-22");
    assert_eq!(iso(r.due("initial_cppm", &concern("2021-09-02"), None).unwrap()), "2021-09-30");
    assert_eq!(iso(r.due("initial_cppm", &concern("2020-03-03"), None).unwrap()), "2020-03-24");
    assert_eq!(iso(r.due("initial_cppm", &concern("2022-03-03"), None).unwrap()), "2022-03-31");
}

#[test]
fn as_at_decides_for_every_count() {
    let r = rules(dated());
    let old = r.due_at("initial_cppm", &concern("2022-03-03"), None, Some(d("2020-01-01"))).unwrap();
    assert_eq!(iso(old), "2022-03-24");
    let new = r.due_at("initial_cppm", &concern("2020-03-03"), None, Some(d("2021-09-02"))).unwrap();
    assert_eq!(iso(new), "2020-03-31");
}

#[test]
fn explain_names_the_version() {
    let r = rules(dated());
    let out = r.explain("initial_cppm", &concern("2020-03-03"), None).unwrap();
    let words: Vec<String> = out.steps.iter().map(ToString::to_string).collect();
    assert!(words.contains(&"On 3 March 2020 the rule for initial_cppm in force was the one from 1 May 2014: 21 calendar days.".to_owned()), "{words:?}");
}

#[test]
fn before_the_first_figure_the_rule_is_not_in_force() {
    let r = rules(dated());
    assert_eq!(
        r.due("initial_cppm", &concern("2014-04-30"), None),
        Err(EvalError::NotInForce { timescale: "initial_cppm".into(), on: d("2014-04-30"), from: Some(d("2014-05-01")), until: None })
    );
    assert_eq!(
        r.due("initial_cppm", &concern("2014-04-30"), None).unwrap_err().to_string(),
        "`initial_cppm` was not in force on 30 April 2014: it applies from 1 May 2014"
    );
}

#[test]
fn from_and_until_bound_the_rule() {
    let mut doc = shipped();
    doc["timescales"]["pilot"] = json!({
        "label": "the pilot meeting", "plain": "the pilot meeting", "after": "concern", "within": "10 calendar days",
        "source": "A pilot", "from": "2024-01-01", "until": "2025-01-01"
    });
    let r = rules(doc);
    assert!(r.due("pilot", &concern("2023-12-31"), None).is_err());
    assert_eq!(iso(r.due("pilot", &concern("2024-01-01"), None).unwrap()), "2024-01-11");
    assert_eq!(iso(r.due("pilot", &concern("2024-12-31"), None).unwrap()), "2025-01-10");
    assert_eq!(
        r.due("pilot", &concern("2025-01-01"), None).unwrap_err().to_string(),
        "`pilot` was not in force on 1 January 2025: it applies from 1 January 2024 until 1 January 2025"
    );
    assert!(r.in_force("pilot", d("2024-06-01")) && !r.in_force("pilot", d("2025-06-01")));
    assert_eq!(r.change_dates(), vec![d("2024-01-01"), d("2025-01-01")]);
}

#[test]
fn a_series_counts_each_date_by_the_rule_of_its_own_start() {
    let mut doc = shipped();
    doc["timescales"]["visits"] = json!({
        "label": "visits", "plain": "visits", "after": "concern",
        "every": { "2020-01-01": "4 weeks", "2020-03-01": "2 weeks" },
        "source": { "2020-01-01": "Old", "2020-03-01": "New" }
    });
    let r = rules(doc);
    let dates = r.series("visits", &concern("2020-01-06"), None, 4).unwrap();
    // 4 weeks to 3 February and to 2 March; 2 March is after the change, so 2 weeks from then.
    assert_eq!(dates.iter().map(|d| iso(*d)).collect::<Vec<_>>(), ["2020-02-03", "2020-03-02", "2020-03-16", "2020-03-30"]);
}

#[test]
fn a_count_from_another_rule_uses_the_version_of_its_own_day_zero() {
    let mut doc = dated();
    doc["timescales"]["after_initial"] = json!({
        "label": "x", "plain": "x", "after": "initial_cppm",
        "within": { "2014-05-01": "1 calendar day", "2020-03-20": "2 calendar days" },
        "source": { "2014-05-01": "A", "2020-03-20": "B" }
    });
    let r = rules(doc);
    // The concern on 3 March 2020 gives the CPPM on 24 March: after the change on 20 March.
    assert_eq!(iso(r.due("after_initial", &concern("2020-03-03"), None).unwrap()), "2020-03-26");
}

#[test]
fn texts_change_with_the_figure_and_the_rules_at_a_day_describe_it() {
    let mut doc = dated();
    doc["timescales"]["initial_cppm"]["label"] = json!({ "2014-05-01": "the initial case conference", "2021-09-02": "the initial CPPM" });
    let r = rules(doc);
    assert_eq!(r.at(d("2020-01-01")).describe("initial_cppm", false).unwrap(), "within 21 calendar days of the concern being raised");
    assert_eq!(r.at(d("2020-01-01")).timescale("initial_cppm").unwrap().label, "the initial case conference");
    assert_eq!(r.at(d("2021-09-02")).describe("initial_cppm", false).unwrap(), "within 28 calendar days of the concern being raised");
    assert_eq!(r.at(d("2021-09-02")).timescale("initial_cppm").unwrap().sources, ["NG 2021"]);
    // The newest version is what the plain view shows.
    assert_eq!(r.timescale("initial_cppm").unwrap().label, "the initial CPPM");
    let t = r.timescale("initial_cppm").unwrap();
    assert_eq!(t.versions.len(), 2);
    assert_eq!(t.version_at(d("2021-09-01")).unwrap().0, 0);
    assert_eq!(t.version_at(d("2021-09-02")).unwrap().0, 1);
}

#[test]
fn a_plain_value_means_always() {
    let r = rules(shipped());
    let t = r.timescale("first_core_group").unwrap();
    assert!(!t.is_dated());
    assert!(t.version_at(d("1900-01-01")).is_some());
    assert!(r.change_dates().is_empty());
}

// ------------------------------------------------------------------ faults

#[test]
fn dates_out_of_order() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2021-09-02":"28 calendar days","2014-05-01":"21 calendar days"},"source":{"2014-05-01":"A","2021-09-02":"B"}}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.within.2014-05-01: 2014-05-01 comes after 2021-09-02, which is later: dates must be in order"]);
}

#[test]
fn a_date_twice() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2021-09-02":"28 calendar days","2021-09-02":"21 calendar days"},"source":{"2021-09-02":"B"}}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.within.2021-09-02: 2021-09-02 is given twice"]);
}

#[test]
fn a_key_that_is_not_a_date() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2021-9-2":"28 calendar days"},"source":"B"}"#).unwrap_err();
    assert_eq!(errs[0], "timescales.t.within.2021-9-2: `2021-9-2` is not a date, so it cannot say when this value takes effect");
}

#[test]
fn a_dated_figure_needs_a_source_of_that_date() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2014-05-01":"21 calendar days","2021-09-02":"28 calendar days"},"source":"B"}"#).unwrap_err();
    assert_eq!(
        errs,
        [
            "timescales.t.within.2014-05-01: the figure changes on 2014-05-01, but `source` is not dated",
            "timescales.t.within.2021-09-02: the figure changes on 2021-09-02, but `source` is not dated"
        ]
    );
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2014-05-01":"21 calendar days","2021-09-02":"28 calendar days"},"source":{"2014-05-01":"A"}}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.within.2021-09-02: the figure changes on 2021-09-02, but `source` has no entry for 2021-09-02"]);
}

#[test]
fn a_bad_figure_among_dated_ones() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2014-05-01":"21 dayz"},"source":{"2014-05-01":"A"}}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.within.2014-05-01: `21 dayz` is not a length of time waymark can count"]);
}

#[test]
fn an_empty_mapping() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{},"source":"A"}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.within: no dated values are given"]);
}

#[test]
fn from_until_faults() {
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":"1 calendar day","source":"A","from":"2025-01-01","until":"2024-01-01"}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.until: `until` (2024-01-01) is not after `from` (2025-01-01)"]);
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":"1 calendar day","source":"A","from":"1 May"}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.from: `1 May` is not a date"]);
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2020-01-01":"1 calendar day","2025-01-01":"2 calendar days"},"source":{"2020-01-01":"A","2025-01-01":"B"},"until":"2024-01-01"}"#).unwrap_err();
    assert_eq!(errs, [
        "timescales.t.within.2025-01-01: this value takes effect on 2025-01-01, when the timescale has ended (`until: 2024-01-01`)",
        "timescales.t.source.2025-01-01: this value takes effect on 2025-01-01, when the timescale has ended (`until: 2024-01-01`)",
    ]);
    let errs = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2020-01-01":"1 calendar day"},"source":{"2020-01-01":"A"},"from":"2019-01-01"}"#).unwrap_err();
    assert_eq!(errs, ["timescales.t.from: the timescale begins on 2019-01-01 (`from`), but its first figure takes effect on 2020-01-01"]);
}

#[test]
fn a_future_change_is_allowed() {
    let r = from_text(r#"{"label":"x","plain":"x","after":"concern","within":{"2020-01-01":"1 calendar day","2099-04-01":"2 calendar days"},"source":{"2020-01-01":"A","2099-04-01":"B"}}"#).unwrap();
    assert_eq!(r.change_dates(), vec![d("2020-01-01"), d("2099-04-01")]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Around any change date, a count starting the day before uses the old
    /// figure and one starting that day the new one; `as_at` overrides both.
    #[test]
    fn the_change_day_splits_old_and_new(change in 0i32..20000, old in 1u32..60, new in 1u32..60, before in 1i64..400) {
        let change = Date::from_julian_day(Date::from_calendar_date(2000, time::Month::January, 1).unwrap().to_julian_day() + change).unwrap();
        let first = change - time::Duration::days(before);
        let mut doc = shipped();
        doc["timescales"]["t"] = json!({
            "label": "x", "plain": "x", "after": "concern",
            "within": { iso(first): format!("{old} calendar days"), iso(change): format!("{new} calendar days") },
            "source": { iso(first): "A", iso(change): "B" }
        });
        let r = rules(doc);
        let day_before = change.previous_day().unwrap();
        let plain = |n: u32| {
            let mut doc = shipped();
            doc["timescales"]["t"] = json!({ "label": "x", "plain": "x", "after": "concern", "within": format!("{n} calendar days"), "source": "A" });
            rules(doc)
        };
        let (old_rules, new_rules) = (plain(old), plain(new));
        let ev = |day: Date| EventDates::new().with("concern", day);
        prop_assert_eq!(r.due("t", &ev(day_before), None).unwrap(), old_rules.due("t", &ev(day_before), None).unwrap());
        prop_assert_eq!(r.due("t", &ev(change), None).unwrap(), new_rules.due("t", &ev(change), None).unwrap());
        prop_assert_eq!(r.due_at("t", &ev(day_before), None, Some(change)).unwrap(), new_rules.due("t", &ev(day_before), None).unwrap());
        prop_assert_eq!(r.due_at("t", &ev(change), None, Some(day_before)).unwrap(), old_rules.due("t", &ev(change), None).unwrap());
        prop_assert!(r.due("t", &ev(first.previous_day().unwrap()), None).is_err());
    }

    /// Any order of distinct dates other than ascending is reported, once per misplaced date.
    #[test]
    fn unordered_dates_are_reported(mut days in proptest::collection::btree_set(0i32..5000, 2..6)) {
        let mut days: Vec<i32> = std::mem::take(&mut days).into_iter().collect();
        days.reverse();
        let base = Date::from_calendar_date(2000, time::Month::January, 1).unwrap().to_julian_day();
        let text = |jd: i32| iso(Date::from_julian_day(base + jd).unwrap());
        let within: Vec<String> = days.iter().map(|d| format!("\"{}\":\"1 calendar day\"", text(*d))).collect();
        let source: Vec<String> = days.iter().map(|d| format!("\"{}\":\"A\"", text(*d))).collect();
        let errs = from_text(&format!(r#"{{"label":"x","plain":"x","after":"concern","within":{{{}}},"source":{{{}}}}}"#, within.join(","), source.join(","))).unwrap_err();
        // Each date after the first is earlier than the first: one error each, for within and source.
        prop_assert_eq!(errs.len(), 2 * (days.len() - 1));
        prop_assert!(errs.iter().all(|e| e.contains("dates must be in order")));
    }
}
