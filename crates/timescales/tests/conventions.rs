//! Each counting convention of docs/rules.md ("Counting conventions") as a named case, with dates worked
//! out by hand (weekdays and holidays as in tests/holidays.rs).

mod common;
use common::*;
use timescales::{EventDates, Step};

fn due(id: &str, events: &EventDates) -> String {
    iso(rules(shipped()).due(id, events, None).unwrap())
}

#[test]
fn done_when_first_core_group_after_23_december_2026() {
    // Wed 23 Dec 2026 + 15 calendar days = Thu 7 Jan 2027, a working day.
    assert_eq!(due("first_core_group", &on("registration", "2026-12-23")), "2027-01-07");
}

#[test]
fn working_days_across_christmas_and_new_year() {
    // National guidance's 15 working days from Wed 23 Dec 2026: Thu 24 (1);
    // 25 Christmas, 26–27 weekend, Mon 28 Boxing Day substitute; 29, 30, 31 (2–4);
    // 1 Jan, 2–3 weekend, Mon 4 Jan (2nd January substitute); 5–8 (5–8);
    // 11–15 (9–13); 18, 19 (14, 15).
    let r = rules(shipped());
    assert_eq!(iso(r.due_by_other_source("first_core_group", 0, &on("registration", "2026-12-23"), None).unwrap().unwrap()), "2027-01-19");
    // 1 working day after an out-of-hours IRD on Christmas Eve 2027 (Friday):
    // 25–26 weekend, 27 and 28 substitutes, so Wednesday 29.
    assert_eq!(due("ird_after_ooh", &on("ooh_ird", "2027-12-24")), "2027-12-29");
    // ...and on Friday 31 December 2027: 1–2 Jan weekend, 3 and 4 substitutes.
    assert_eq!(due("ird_after_ooh", &on("ooh_ird", "2027-12-31")), "2028-01-05");
}

#[test]
fn st_andrews_day_substitute() {
    // 30 Nov 2025 is a Sunday, so Monday 1 December is the holiday.
    assert_eq!(due("ird_after_ooh", &on("ooh_ird", "2025-11-28")), "2025-12-02");
    // In 2026 it falls on Monday 30 November itself.
    assert_eq!(due("ird_after_ooh", &on("ooh_ird", "2026-11-27")), "2026-12-01");
}

#[test]
fn thirty_first_august_plus_six_months() {
    // 31 Aug 2027 + 6 months = 29 Feb 2028 (leap year, a Tuesday).
    assert_eq!(due("review_cppm", &on("registration", "2027-08-31")), "2028-02-29");
    // 31 Aug 2026 + 6 months = 28 Feb 2027, a Sunday, so Friday 26 February.
    assert_eq!(due("review_cppm", &on("registration", "2026-08-31")), "2027-02-26");
}

#[test]
fn before_the_meeting_counts_back() {
    // 5 calendar days before Wed 13 Jan 2027 = Fri 8 Jan.
    assert_eq!(due("cppm_notice", &on("cppm", "2027-01-13")), "2027-01-08");
    // 5 calendar days before Thu 14 Jan 2027 = Sat 9 Jan, so back to Fri 8 Jan.
    assert_eq!(due("cppm_notice", &on("cppm", "2027-01-14")), "2027-01-08");
    // 5 working days before Tue 5 Jan 2027: Mon 4 (substitute), 2–3 weekend, Fri 1 Jan,
    // Thu 31 (1), 30 (2), 29 (3), Mon 28 (substitute), 26–27, 25, Thu 24 (4), Wed 23 (5).
    assert_eq!(due("reports_shared", &on("cppm", "2027-01-05")), "2026-12-23");
}

#[test]
fn calendar_day_deadline_on_a_holiday_moves_to_the_previous_working_day() {
    // 29 Nov 2027 + 28 days = Mon 27 Dec (Christmas substitute); 25–26 weekend; Fri 24.
    assert_eq!(due("initial_cppm", &on("concern", "2027-11-29")), "2027-12-24");
    // The event day is day 0: 28 days after Mon 4 Jan 2027 is Mon 1 Feb.
    assert_eq!(due("initial_cppm", &on("concern", "2027-01-04")), "2027-02-01");
}

#[test]
fn a_series_counts_from_each_computed_date() {
    // Registration Thu 14 Jan 2027 → first core group Fri 29 Jan (15 days).
    // Every 4 weeks: Fri 26 Feb; Fri 26 Mar is Good Friday so Thu 25 Mar;
    // the next counts from Thu 25 Mar: Thu 22 Apr (not Fri 23 Apr).
    let r = rules(shipped());
    let got: Vec<String> = r.series("core_group_cycle", &on("registration", "2027-01-14"), None, 3).unwrap().into_iter().map(iso).collect();
    assert_eq!(got, ["2027-02-26", "2027-03-25", "2027-04-22"]);
    // `due` gives the first date of a series.
    assert_eq!(due("core_group_cycle", &on("registration", "2027-01-14")), "2027-02-26");
    // A timescale that does not repeat has one date, whatever the count.
    assert_eq!(r.series("review_cppm", &on("registration", "2027-01-14"), None, 3).unwrap().len(), 1);
}

#[test]
fn six_monthly_reviews_keep_the_clamped_day() {
    // Registration 31 Aug 2027 → review Tue 29 Feb 2028 → 29 Aug 2028 (Tue) → 28 Feb 2029 (Wed, clamped).
    let r = rules(shipped());
    let got: Vec<String> = r.series("review_cycle", &on("registration", "2027-08-31"), None, 2).unwrap().into_iter().map(iso).collect();
    assert_eq!(got, ["2028-08-29", "2029-02-28"]);
}

#[test]
fn earliest_of_says_which_rule_set_the_date() {
    let r = rules(shipped());
    // Concern Sun 10 Jan 2027 + 28 = Sun 7 Feb → Fri 5 Feb; due date 1 Apr 2027 − 12 weeks = Thu 7 Jan.
    let events = on("prebirth_concern", "2027-01-10").with("expected_delivery", d("2027-04-01"));
    let out = r.explain("prebirth_cppm", &events, None).unwrap();
    assert_eq!(iso(out.date), "2027-01-07");
    assert_eq!(out.set_by.as_deref(), Some("prebirth_cppm_gestation"));
    // A later due date: the concern rule sets it.
    let events = on("prebirth_concern", "2027-01-10").with("expected_delivery", d("2027-09-01"));
    let out = r.explain("prebirth_cppm", &events, None).unwrap();
    assert_eq!((iso(out.date), out.set_by.as_deref()), ("2027-02-05".to_owned(), Some("prebirth_cppm_concern")));
    assert_eq!(r.required_events("prebirth_cppm").unwrap(), ["prebirth_concern", "expected_delivery"]);
    // Missing the second date is a clear error.
    let err = r.due("prebirth_cppm", &on("prebirth_concern", "2027-01-10"), None).unwrap_err();
    assert_eq!(err.to_string(), "`prebirth_cppm` needs the date of `expected_delivery`");
}

#[test]
fn explanation_names_each_skipped_day() {
    let r = rules(shipped());
    let out = r.explain("reports_shared", &on("cppm", "2027-01-05"), None).unwrap();
    let words: Vec<String> = out.steps.iter().map(Step::to_string).collect();
    assert_eq!(
        words,
        [
            "Day 0 is Tuesday 5 January 2027: the child protection planning meeting.",
            "Monday 4 January 2027 skipped: 2nd January (substitute day).",
            "Sunday 3 January 2027 skipped: weekend.",
            "Saturday 2 January 2027 skipped: weekend.",
            "Friday 1 January 2027 skipped: New Year's Day.",
            "Monday 28 December 2026 skipped: Boxing Day (substitute day).",
            "Sunday 27 December 2026 skipped: weekend.",
            "Saturday 26 December 2026 skipped: weekend.",
            "Friday 25 December 2026 skipped: Christmas Day.",
            "The 5th working day before is Wednesday 23 December 2026.",
        ]
    );
    let out = r.explain("cppm_notice", &on("cppm", "2027-01-14"), None).unwrap();
    let words: Vec<String> = out.steps.iter().map(Step::to_string).collect();
    assert_eq!(
        words,
        [
            "Day 0 is Thursday 14 January 2027: the child protection planning meeting.",
            "5 calendar days before that is Saturday 9 January 2027.",
            "Saturday 9 January 2027 skipped: weekend.",
            "Saturday 9 January 2027 is not a working day, so the date moves back to the working day before it, Friday 8 January 2027.",
        ]
    );
}

#[test]
fn rules_in_words() {
    let r = rules(shipped());
    assert_eq!(r.describe("first_core_group", false).unwrap(), "within 15 calendar days of the child's name being added to the child protection register");
    assert_eq!(r.describe("first_core_group", true).unwrap(), "within 15 days of your child's name being added to the register");
    assert_eq!(r.describe("reports_shared", false).unwrap(), "at least 5 working days before the child protection planning meeting");
    assert_eq!(r.describe("core_group_cycle", false).unwrap(), "every 4 weeks after the first core group meeting");
    assert_eq!(r.describe("ird_after_ooh", false).unwrap(), "within 1 working day of the out-of-hours IRD");
    assert_eq!(r.describe("prebirth_cppm", false).unwrap(), "within 28 calendar days of the pre-birth concern, or at least 12 weeks before the expected date of delivery if that is earlier");
    assert_eq!(r.describe("nope", false), None);
}

#[test]
fn calendar_override_and_unknown_names() {
    let r = rules(shipped());
    assert_eq!(iso(r.due("initial_cppm", &on("concern", "2027-11-29"), Some("scotland")).unwrap()), "2027-12-24");
    let err = r.due("initial_cppm", &on("concern", "2027-11-29"), Some("scotlnd")).unwrap_err();
    assert_eq!(err.to_string(), "unknown calendar `scotlnd` (did you mean `scotland`?)");
    let err = r.due("first_core_grop", &on("registration", "2027-11-29"), None).unwrap_err();
    assert_eq!(err.to_string(), "unknown timescale `first_core_grop` (did you mean `first_core_group`?)");
}

#[test]
fn a_due_date_outside_years_1_to_9999_is_an_error() {
    let mut v = shipped();
    v["timescales"]["far_back"] = serde_json::json!({ "label": "x", "plain": "x", "before": "cppm", "within": "99999 working days", "source": "x" });
    v["timescales"]["far_on"] = serde_json::json!({ "label": "x", "plain": "x", "after": "cppm", "within": "120 months", "source": "x" });
    let r = rules(v);
    // 99,999 working days back from 1 February 0001 would be about 383 BC.
    assert_eq!(r.due("far_back", &on("cppm", "0001-02-01"), None), Err(timescales::EvalError::OutOfRange));
    assert_eq!(r.due("cppm_notice", &on("cppm", "0001-01-03"), None), Err(timescales::EvalError::OutOfRange));
    assert_eq!(r.due("far_on", &on("cppm", "9990-02-01"), None), Err(timescales::EvalError::OutOfRange));
    // The last dates that fit still count.
    assert_eq!(iso(r.due("far_on", &on("cppm", "9989-12-29"), None).unwrap()), "9999-12-29");
    assert_eq!(iso(r.due("cppm_notice", &on("cppm", "0001-01-08"), None).unwrap()), "0001-01-03");
}
