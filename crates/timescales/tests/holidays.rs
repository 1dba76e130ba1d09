//! Scottish bank holidays 2024–2035 against a table written by hand from the
//! rules (docs/rules.md, `holidays: scotland` and "Substitute days"), not from the engine. Weekdays were checked
//! with a desk calendar; Easter dates are the published ones.

mod common;
use common::*;
use timescales::{BuiltIn, Calendar};

/// year → the nine holiday dates, in date order.
const SCOTLAND: &[(i32, [&str; 9])] = &[
    (2024, ["01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"]),
    (2025, ["01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"]),
    (2026, ["01-01", "01-02", "04-03", "05-04", "05-25", "08-03", "11-30", "12-25", "12-28"]),
    (2027, ["01-01", "01-04", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"]),
    (2028, ["01-03", "01-04", "04-14", "05-01", "05-29", "08-07", "11-30", "12-25", "12-26"]),
    (2029, ["01-01", "01-02", "03-30", "05-07", "05-28", "08-06", "11-30", "12-25", "12-26"]),
    (2030, ["01-01", "01-02", "04-19", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"]),
    (2031, ["01-01", "01-02", "04-11", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"]),
    (2032, ["01-01", "01-02", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"]),
    (2033, ["01-03", "01-04", "04-15", "05-02", "05-30", "08-01", "11-30", "12-26", "12-27"]),
    (2034, ["01-02", "01-03", "04-07", "05-01", "05-29", "08-07", "11-30", "12-25", "12-26"]),
    (2035, ["01-01", "01-02", "03-23", "05-07", "05-28", "08-06", "11-30", "12-25", "12-26"]),
];

fn dates(year: i32) -> Vec<String> {
    BuiltIn::Scotland.holidays(year).iter().map(|h| iso(h.date)).collect()
}

#[test]
fn scottish_holidays_2024_to_2035_match_the_hand_table() {
    for (year, want) in SCOTLAND {
        let want: Vec<String> = want.iter().map(|md| format!("{year}-{md}")).collect();
        assert_eq!(dates(*year), want, "{year}");
    }
}

#[test]
fn scotland_2027_names_and_substitutes() {
    let got: Vec<String> = BuiltIn::Scotland.holidays(2027).iter().map(|h| format!("{}\t{}", iso(h.date), h.name)).collect();
    assert_eq!(
        got,
        [
            "2027-01-01\tNew Year's Day",
            "2027-01-04\t2nd January (substitute day)",
            "2027-03-26\tGood Friday",
            "2027-05-03\tEarly May bank holiday",
            "2027-05-31\tSpring bank holiday",
            "2027-08-02\tSummer bank holiday",
            "2027-11-30\tSt Andrew's Day",
            "2027-12-27\tChristmas Day (substitute day)",
            "2027-12-28\tBoxing Day (substitute day)",
        ]
    );
}

/// Days GOV.UK's published data gives (facts.md §3).
#[test]
fn known_govuk_substitutes() {
    // 2012: 1 January a Sunday, 2 January a Monday, so 1 January's substitute is Tuesday 3rd.
    assert_eq!(&dates(2012)[..3], ["2012-01-02", "2012-01-03", "2012-04-06"]);
    assert!(BuiltIn::Scotland.holidays(2012).iter().any(|h| iso(h.date) == "2012-01-03" && h.name == "New Year's Day (substitute day)"));
    // 2013: St Andrew's Day (Saturday) moved to Monday 2 December.
    assert!(dates(2013).contains(&"2013-12-02".to_owned()));
    // 2021: Christmas Saturday, Boxing Day Sunday: Monday 27th and Tuesday 28th.
    assert_eq!(&dates(2021)[7..], ["2021-12-27", "2021-12-28"]);
    // 2022: 1 and 2 January at the weekend: 3rd and 4th; Christmas Sunday: Tuesday 27th.
    assert_eq!(&dates(2022)[..2], ["2022-01-03", "2022-01-04"]);
    assert_eq!(&dates(2022)[7..], ["2022-12-26", "2022-12-27"]);
    // St Andrew's Day is a bank holiday only from 2007.
    assert!(!dates(2006).iter().any(|d| d.starts_with("2006-11") || d == "2006-12-01"));
}

#[test]
fn calendar_extends_adds_local_days_and_removes_moved_ones() {
    let r = rules(serde_json::json!({
        "calendar": "local",
        "calendars": {
            "scotland": { "holidays": "scotland", "not_holidays": ["2020-05-04"], "dates": [ { "date": "2020-05-08", "name": "Early May bank holiday (VE Day)" } ] },
            "local": { "extends": "scotland", "dates": [ { "date": "2027-09-27", "name": "Autumn holiday" } ], "not_holidays": ["2020-05-08"] }
        }
    }));
    let local: &Calendar = r.calendar("local").unwrap();
    let national = r.calendar("scotland").unwrap();
    let y2020: Vec<String> = national.holidays(2020).iter().map(|h| iso(h.date)).collect();
    assert!(y2020.contains(&"2020-05-08".to_owned()) && !y2020.contains(&"2020-05-04".to_owned()));
    // The local calendar can treat an inherited day as a working day.
    assert!(local.is_working_day(d("2020-05-08")) && !national.is_working_day(d("2020-05-08")));
    assert!(local.holidays(2027).iter().any(|h| iso(h.date) == "2027-09-27" && h.name == "Autumn holiday"));
    assert!(!local.is_working_day(d("2027-09-27")));
    assert!(r.calendar("scotland").unwrap().is_working_day(d("2027-09-27")));
    assert!(local.is_working_day(d("2020-05-04")));
}

#[test]
fn imported_feed_gives_explicit_days() {
    let feed: timescales::GovUkFeed = serde_json::from_value(serde_json::json!({
        "scotland": { "division": "scotland", "events": [
            { "title": "St Andrew\u{2019}s Day", "date": "2013-12-02", "notes": "Substitute day", "bunting": true },
            { "title": "Coronation of King Charles III", "date": "2023-05-08", "notes": "Extra bank holiday", "bunting": true }
        ] }
    }))
    .unwrap();
    let mut imports = timescales::Imports::default();
    imports.files.insert("bank-holidays.json".into(), feed);
    let r = timescales::Rules::from_doc(
        &doc(serde_json::json!({ "calendars": { "feed": { "import": "bank-holidays.json#scotland" } } })),
        &imports,
    )
    .unwrap();
    let cal = r.calendar("feed").unwrap();
    let got: Vec<String> = cal.holidays(2013).iter().chain(cal.holidays(2023).iter()).map(|h| format!("{} {}", iso(h.date), h.name)).collect();
    assert_eq!(got, ["2013-12-02 St Andrew's Day (substitute day)", "2023-05-08 Coronation of King Charles III"]);

    let errs = timescales::Rules::from_doc(
        &doc(serde_json::json!({ "calendars": { "feed": { "import": "bank-holidays.json#scotlnd" } } })),
        &imports,
    )
    .unwrap_err();
    assert_eq!(errs[0].to_string(), "unknown division `scotlnd`");
    assert_eq!(errs[0].help().as_deref(), Some("did you mean `scotland`?"));
}
