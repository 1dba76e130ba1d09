//! Every kind of bad rules document, with the path and message it reports.
//! (Line and column are added by the host; see tests/rules.rs at the root.)

mod common;
use common::*;
use serde_json::json;

fn with_timescale(t: serde_json::Value) -> serde_json::Value {
    let mut doc = shipped();
    doc["timescales"]["bad"] = t;
    doc
}

#[test]
fn a_misspelt_unit_suggests_both_kinds_of_day() {
    let errs = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "cppm", "within": "15 dayz", "source": "s" })));
    assert_eq!(errs, ["timescales.bad.within: `15 dayz` is not a length of time waymark can count (help: did you mean `15 calendar days` or `15 working days`? (write N calendar days, N working days, N weeks or N months, with N in figures))"]);
    let errs = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "cppm", "within": "10 workng days", "source": "s" })));
    assert_eq!(errs, ["timescales.bad.within: `10 workng days` is not a length of time waymark can count (help: did you mean `10 working days`?)"]);
}

#[test]
fn unknown_references_suggest_the_nearest_id() {
    let errs = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "registraton", "within": "1 week", "source": "s", "calendar": "argyle" })));
    assert_eq!(
        errs,
        [
            "timescales.bad.after: unknown event or timescale `registraton` (help: did you mean `registration`?)",
            "timescales.bad.calendar: unknown calendar `argyle` (help: did you mean `argyll-and-bute`?)",
        ]
    );
}

#[test]
fn cycles_are_reported_once() {
    let mut doc = shipped();
    doc["timescales"]["a"] = json!({ "label": "x", "plain": "x", "after": "b", "within": "1 week", "source": "s" });
    doc["timescales"]["b"] = json!({ "label": "x", "plain": "x", "after": "a", "within": "1 week", "source": "s" });
    assert_eq!(errors(doc), ["timescales.a.after: `a` depends on itself: a → b → a (help: a rule cannot depend on itself, directly or through others)"]);
    let mut doc = shipped();
    doc["calendars"]["scotland"]["extends"] = json!("argyll-and-bute");
    // (serde_json sorts keys, so argyll-and-bute comes first here.)
    assert_eq!(errors(doc), [
        "calendars.argyll-and-bute.extends: `argyll-and-bute` depends on itself: argyll-and-bute → scotland → argyll-and-bute (help: a rule cannot depend on itself, directly or through others)",
    ]);
}

#[test]
fn missing_calendar() {
    let mut doc = shipped();
    doc.as_object_mut().unwrap().remove("calendar");
    let errs = errors(doc);
    assert!(errs.iter().all(|e| e.contains(": no calendar to count in (help: add `calendar: NAME` to this rule")), "{errs:?}");
    assert_eq!(errs.len(), 10, "every timescale but earliest_of needs a calendar");
    let mut doc = shipped();
    doc["calendar"] = json!("scotand");
    assert_eq!(errors(doc), ["calendar: unknown calendar `scotand` (help: did you mean `scotland`?)"]);
}

#[test]
fn bad_dates_weekdays_and_holiday_sets() {
    let mut doc = shipped();
    doc["calendars"]["argyll-and-bute"] = json!({
        "extends": "scotland",
        "weekend": ["saturdy", "sunday"],
        "holidays": "scotand",
        "dates": [ { "date": "2027-02-30", "name": "x" }, { "date": "27/09/2027", "name": "y" } ],
        "not_holidays": ["2027-05-04"],
        "import": "bank-holidays.json"
    });
    assert_eq!(
        errors(doc),
        [
            "calendars.argyll-and-bute.weekend.0: `saturdy` is not a day of the week (help: did you mean `saturday`?)",
            "calendars.argyll-and-bute.holidays: unknown built-in holiday rule set `scotand` (help: did you mean `scotland`?)",
            "calendars.argyll-and-bute.dates.0.date: `2027-02-30` is not a date (help: write dates as YYYY-MM-DD, e.g. 2027-09-27)",
            "calendars.argyll-and-bute.dates.1.date: `27/09/2027` is not a date (help: write dates as YYYY-MM-DD, e.g. 2027-09-27)",
            "calendars.argyll-and-bute.import: `bank-holidays.json` is not an import (help: write FILE#division, e.g. `bank-holidays.json#scotland`)",
            "calendars.argyll-and-bute.not_holidays.0: 2027-05-04 is not a holiday of this calendar, so there is nothing to remove (help: `not_holidays` removes a day that the built-in rules or an extended calendar make a holiday; check the date)",
        ]
    );
}

#[test]
fn after_and_before_both_or_neither() {
    let both = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "cppm", "before": "cppm", "within": "1 week", "source": "s" })));
    assert_eq!(both, ["timescales.bad.before: a timescale counts `after` or `before` something, not both (help: keep one of `after:` and `before:`)"]);
    let neither = errors(with_timescale(json!({ "label": "x", "plain": "x", "within": "1 week", "source": "s" })));
    assert_eq!(neither, ["timescales.bad: this timescale does not say what it counts from (help: add `after: EVENT` or `before: EVENT`)"]);
}

#[test]
fn within_and_every_both_or_neither_and_shapes() {
    let both = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "cppm", "within": "1 week", "every": "1 week", "source": "s" })));
    assert_eq!(both, ["timescales.bad.every: `within` and `every` cannot both be given (help: use `within` for one deadline and `every` for a repeating one)"]);
    let neither = errors(with_timescale(json!({ "label": "x", "plain": "x", "after": "cppm", "source": "s" })));
    assert_eq!(neither[0].split(" (help").next(), Some("timescales.bad: this timescale does not say how long it is"));
    let every_back = errors(with_timescale(json!({ "label": "x", "plain": "x", "before": "cppm", "every": "0 weeks", "source": "s" })));
    assert_eq!(every_back.len(), 2);
    assert!(every_back[0].starts_with("timescales.bad.before: a repeating timescale (`every`) counts forward only"));
    assert!(every_back[1].starts_with("timescales.bad.every: a repeating timescale needs a length above zero"));
    let earliest = errors(with_timescale(json!({ "label": "x", "plain": "x", "earliest_of": ["initial_cppm"], "within": "1 week", "source": "s" })));
    assert_eq!(earliest.len(), 2);
    assert!(earliest[0].starts_with("timescales.bad.within: `earliest_of` cannot be combined with `within`"));
    assert!(earliest[1].starts_with("timescales.bad.earliest_of: `earliest_of` needs at least two timescales"));
}

#[test]
fn calculators_must_ask_for_what_they_show() {
    let mut doc = shipped();
    doc["calculators"]["pre-birth"]["asks"] = json!("prebirth_concern");
    doc["calculators"]["pre-birth"]["shows"] = json!(["prebirth_cppm", "first_core_grup"]);
    assert_eq!(
        errors(doc),
        [
            "calculators.pre-birth.shows.0: this calculator shows `prebirth_cppm`, which needs the date of `expected_delivery`, but does not ask for it (help: add `expected_delivery` to `asks` (or to `same_day` if it happens on the day of the asked event))",
            "calculators.pre-birth.shows.1: unknown timescale `first_core_grup` (help: did you mean `first_core_group`?)",
        ]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut doc = shipped();
    doc["timescales"]["a"] = json!({ "label": "x", "plain": "x", "after": "cpm", "within": "3 dayz", "source": "s" });
    doc["timescales"]["b"] = json!({ "label": "x", "plain": "x", "before": "cppm", "within": "2 fortnights", "source": "s", "other_sources": [ { "source": "t", "within": "3 weks" } ] });
    doc["events"]["initial_cppm"] = json!({ "label": "x", "plain": "x" });
    let errs = errors(doc);
    let mut paths: Vec<&str> = errs.iter().map(|e| e.split(':').next().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["timescales.a.after", "timescales.a.within", "timescales.b.other_sources.0.within", "timescales.b.within", "timescales.initial_cppm"]);
}
