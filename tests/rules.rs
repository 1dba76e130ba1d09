//! The rules file as the generator and the `dates`/`holidays` commands see it:
//! every kind of bad rules file gives `rules.yaml:line:col` diagnostics
//! (snapshots), and the shipped rules give the dates a practitioner checks.

use std::path::Path;
use std::process::Command;

use waymark::rules::{self, DatesOptions, HolidaysOptions, SiteRules};
use waymark::Failure;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> SiteRules {
    match SiteRules::load(root(), Path::new("content/rules.yaml")) {
        Ok(r) => r,
        Err(Failure::Content(d)) => panic!("shipped rules have problems:\n{}", d.iter().map(|d| d.render_human()).collect::<Vec<_>>().join("\n")),
        Err(Failure::Error(e)) => panic!("{e}"),
    }
}

#[test]
fn bad_rules_files_are_reported_at_line_and_column() {
    insta::glob!("rules/bad/*.yaml", |path| {
        let rel = path.strip_prefix(root()).unwrap();
        let shown = match SiteRules::load(root(), rel) {
            Ok(_) => panic!("{} should not load", rel.display()),
            Err(Failure::Content(diags)) => {
                assert!(!diags.is_empty());
                diags.iter().map(|d| d.render_human()).collect::<Vec<_>>().join("\n\n")
            }
            Err(Failure::Error(e)) => panic!("{e}"),
        };
        insta::assert_snapshot!(shown);
    });
}

#[test]
fn shipped_rules_load_and_read_well() {
    let r = shipped();
    assert_eq!(r.describe("first_core_group", false).unwrap(), "within 15 calendar days of the child's name being added to the child protection register");
    assert_eq!(r.describe("first_core_group", true).unwrap(), "within 15 days of the name going on the child protection register");
    assert_eq!(r.describe("cppm_notice", false).unwrap(), "at least 5 calendar days before the child protection planning meeting");
    assert_eq!(r.describe("first_core_grop", false).unwrap_err(), "unknown timescale `first_core_grop` (did you mean `first_core_group`?)");
    assert!(r.source("cppm_notice").unwrap().contains("Appendix D"));
    assert_eq!(r.figure("first_core_group", false).unwrap(), "15 calendar days");
    let others = r.other_sources("first_core_group").unwrap();
    assert_eq!((others[0].source.as_str(), others[0].figure.as_str()), ("National guidance 2021 (updated 2023), Appendix D", "15 working days"));
    assert_eq!(
        r.worked_example("first_core_group", "2026-12-23").unwrap(),
        "If the child's name being added to the child protection register was on Wednesday 23 December 2026, the date is Thursday 7 January 2027."
    );
    // Every id the content uses exists, and every rule has words and a source.
    let ids: Vec<&str> = r.timescale_ids().collect();
    for id in [
        "cppm_notice", "reports_shared", "initial_cppm", "prebirth_cppm", "prebirth_cppm_concern", "prebirth_cppm_gestation",
        "prebirth_review", "review_cppm", "review_cycle", "inquorate_reconvene", "cppm_record", "decision_summary",
        "cp_plan_copy", "first_core_group", "core_group_cycle", "core_group_to_chair", "transfer_cppm", "ird_after_ooh",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    for row in r.rows() {
        assert!(!row.words.is_empty() && !row.plain.is_empty() && !row.source.is_empty(), "{}", row.id);
        assert!(row.words.chars().next().unwrap().is_lowercase(), "{}: mid-sentence wording starts small", row.id);
        assert!(!row.words.ends_with('.'), "{}", row.id);
    }
}

fn dates(timescale: &str, date: &str) -> DatesOptions {
    DatesOptions { rules: root().join("content/rules.yaml"), calendar: None, timescale: timescale.into(), date: date.into(), count: None, explain: false, as_at: None }
}

#[test]
fn done_when_first_core_group_and_holidays_2027() {
    assert_eq!(rules::dates_command(&dates("first_core_group", "2026-12-23")).unwrap(), "2027-01-07\n");
    let out = rules::holidays_command(&HolidaysOptions { rules: root().join("content/rules.yaml"), calendar: None, year: 2027 }).unwrap();
    assert_eq!(
        out,
        "2027-01-01\tNew Year's Day\n2027-01-04\t2nd January (substitute day)\n2027-03-26\tGood Friday\n2027-05-03\tEarly May bank holiday\n\
         2027-05-31\tSpring bank holiday\n2027-08-02\tSummer bank holiday\n2027-11-30\tSt Andrew's Day\n\
         2027-12-27\tChristmas Day (substitute day)\n2027-12-28\tBoxing Day (substitute day)\n"
    );
}

#[test]
fn explain_says_why() {
    let out = rules::dates_command(&DatesOptions { explain: true, ..dates("reports_shared", "2027-01-05") }).unwrap();
    assert!(out.starts_with("2026-12-23\n\n"), "{out}");
    assert!(out.contains("  Monday 28 December 2026 skipped: Boxing Day (substitute day).\n"), "{out}");
    assert!(out.contains("  Saturday 26 December 2026 skipped: weekend.\n"), "{out}");
    let out = rules::dates_command(&DatesOptions { explain: true, ..dates("first_core_group", "2026-12-23") }).unwrap();
    assert!(out.contains("Other source: National guidance 2021 (updated 2023), Appendix D says 15 working days, which would give Tuesday 19 January 2027.\n"), "{out}");
}

#[test]
fn repeating_timescales_and_two_event_timescales() {
    let out = rules::dates_command(&DatesOptions { count: Some(3), ..dates("core_group_cycle", "2027-01-14") }).unwrap();
    assert_eq!(out, "2027-02-26\n2027-03-25\n2027-04-22\n");
    let opts = dates("prebirth_cppm", "2027-01-10");
    let out = rules::dates_command_with_events(&opts, &["expected_delivery=2027-04-01".into()]).unwrap();
    assert_eq!(out, "2027-01-07\n");
}

fn usage_message(r: Result<String, Failure>) -> String {
    match r {
        Err(Failure::Error(e)) => e.to_string(),
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn bad_command_line_input_is_a_usage_error() {
    assert_eq!(usage_message(rules::dates_command(&dates("first_core_group", "23/12/2026"))), "DATE `23/12/2026` is not a date: write it as YYYY-MM-DD, e.g. 2026-12-23");
    assert_eq!(usage_message(rules::dates_command(&dates("first_core_group", "2026-02-30"))), "DATE `2026-02-30` is not a date: write it as YYYY-MM-DD, e.g. 2026-12-23");
    assert_eq!(usage_message(rules::dates_command(&dates("first_core_grop", "2026-12-23"))), "unknown timescale `first_core_grop`: did you mean `first_core_group`?");
    assert_eq!(
        usage_message(rules::dates_command(&DatesOptions { calendar: Some("scotlnd".into()), ..dates("first_core_group", "2026-12-23") })),
        "unknown calendar `scotlnd`: did you mean `scotland`?"
    );
    assert_eq!(
        usage_message(rules::dates_command(&dates("prebirth_cppm", "2027-01-10"))),
        "`prebirth_cppm` also needs the date of `expected_delivery`: add --event expected_delivery=YYYY-MM-DD"
    );
    assert_eq!(
        usage_message(rules::dates_command_with_events(&dates("prebirth_cppm", "2027-01-10"), &["expected_delivry=2027-05-01".into()])),
        "--event: unknown event `expected_delivry`: did you mean `expected_delivery`?"
    );
    assert_eq!(
        usage_message(rules::dates_command(&DatesOptions { count: Some(2), ..dates("first_core_group", "2026-12-23") })),
        "`first_core_group` does not repeat, so it has one date; --count is for timescales with `every`"
    );
}

#[test]
fn bad_rules_file_is_a_content_failure() {
    let opts = DatesOptions { rules: root().join("tests/rules/bad/bad_unit.yaml"), ..dates("cppm_record", "2027-01-05") };
    match rules::dates_command(&opts) {
        Err(Failure::Content(d)) => assert_eq!(d.len(), 2),
        other => panic!("{other:?}"),
    }
}

/// The real binary, once `dates` and `holidays` are wired to these functions.
#[test]
fn binary_dates_and_holidays() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_waymark")).current_dir(root()).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, out, err) = run(&["dates", "first_core_group", "2026-12-23"]);
    assert_eq!((code, out.as_str()), (Some(0), "2027-01-07\n"), "{err}");
    let (code, out, _) = run(&["holidays", "--year", "2027"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().nth(1), Some("2027-01-04\t2nd January (substitute day)"));
    let (code, _, err) = run(&["dates", "first_core_group", "23/12/2026"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(&["dates", "--rules", "tests/rules/bad/bad_unit.yaml", "cppm_record", "2027-01-05"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("tests/rules/bad/bad_unit.yaml:11:13: error[rules]: `10 dayz` is not a length of time waymark can count"), "{err}");
}

/// The shipped history: the initial CPPM was 21 days until 2 September 2021, 28 from then.
#[test]
fn shipped_rules_as_they_stood_on_a_date() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_waymark")).current_dir(root()).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, out, err) = run(&["dates", "initial_cppm", "2020-03-03"]);
    assert_eq!((code, out.as_str()), (Some(0), "2020-03-24\n"), "{err}");
    let (code, out, err) = run(&["dates", "initial_cppm", "2022-03-03"]);
    assert_eq!((code, out.as_str()), (Some(0), "2022-03-31\n"), "{err}");
    let (_, out, _) = run(&["dates", "initial_cppm", "2020-03-03", "--explain"]);
    assert!(out.contains("within 21 calendar days of the child protection concern being raised"), "{out}");
    assert!(out.contains("This is the rule in force from 1 May 2014, as it stood on 3 March 2020 (the day the count starts)."), "{out}");
    assert!(out.contains("From 2 September 2021 the rule is within 28 calendar days of the child protection concern being raised."), "{out}");
    assert!(out.contains("Source: National guidance 2014, Appendix C."), "{out}");
    let (_, out, _) = run(&["dates", "initial_cppm", "2022-03-03", "--explain"]);
    assert!(out.contains("This is the rule in force from 2 September 2021, as it stood on 3 March 2022 (the day the count starts)."), "{out}");
    // --as-at counts by the rules of another day.
    let (code, out, _) = run(&["dates", "initial_cppm", "2022-03-03", "--as-at", "2020-01-01"]);
    assert_eq!((code, out.as_str()), (Some(0), "2022-03-24\n"));
    let (_, out, _) = run(&["dates", "review_cppm", "2020-03-03", "--as-at", "2021-09-02", "--explain"]);
    assert!(out.starts_with("2020-09-03\n"), "{out}");
    assert!(out.contains("This is the rule in force from 2 September 2021, as it stood on 2 September 2021 (the --as-at date)."), "{out}");
    let (code, _, err) = run(&["dates", "initial_cppm", "2010-01-01"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("`initial_cppm` was not in force on 1 January 2010: it applies from 1 May 2014"), "{err}");
    let (code, _, err) = run(&["dates", "initial_cppm", "2022-03-03", "--as-at", "2022/01/01"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--as-at `2022/01/01` is not a date"), "{err}");
}
