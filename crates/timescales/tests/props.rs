//! Property tests over the shipped calendar shape.

mod common;
use common::*;
use proptest::prelude::*;
use timescales::{Date, Direction, Length, Unit};

fn any_date(from: i32, to: i32) -> impl Strategy<Value = Date> {
    let a = Date::from_calendar_date(from, time::Month::January, 1).unwrap().to_julian_day();
    let b = Date::from_calendar_date(to, time::Month::December, 31).unwrap().to_julian_day();
    (a..=b).prop_map(|jd| Date::from_julian_day(jd).unwrap())
}

/// Built once: building a calendar precomputes 200 years of holidays.
fn shared() -> &'static timescales::Rules {
    static RULES: std::sync::OnceLock<timescales::Rules> = std::sync::OnceLock::new();
    RULES.get_or_init(|| rules(shipped()))
}

fn count(start: Date, n: u32, unit: Unit, dir: Direction) -> Date {
    let cal = shared().calendar("argyll-and-bute").unwrap();
    timescales::eval::count_from(cal, start, Length { n, unit }, dir, &mut None).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn n_working_days_lands_on_a_working_day(start in any_date(2000, 2100), n in 0u32..60, back in any::<bool>()) {
        let dir = if back { Direction::Before } else { Direction::After };
        let cal = shared().calendar("argyll-and-bute").unwrap();
        let end = timescales::eval::count_from(cal, start, Length { n, unit: Unit::WorkingDays }, dir, &mut None).unwrap();
        prop_assert!(cal.is_working_day(end));
    }

    #[test]
    fn n_working_days_after_then_before_is_never_later(start in any_date(2000, 2100), n in 0u32..60) {
        let there = count(start, n, Unit::WorkingDays, Direction::After);
        let back = count(there, n, Unit::WorkingDays, Direction::Before);
        prop_assert!(back <= start, "{start} → {there} → {back}");
    }

    #[test]
    fn every_deadline_is_a_working_day_no_later_than_the_plain_count(start in any_date(2000, 2100), n in 0u32..40, unit in 0usize..4, back in any::<bool>()) {
        let unit = Unit::ALL[unit];
        let dir = if back { Direction::Before } else { Direction::After };
        let cal = shared().calendar("argyll-and-bute").unwrap();
        let end = timescales::eval::count_from(cal, start, Length { n, unit }, dir, &mut None).unwrap();
        prop_assert!(cal.is_working_day(end));
        if unit != Unit::WorkingDays {
            let plain = match unit {
                Unit::Months => timescales::date::add_months(start, if back { -i64::from(n) } else { i64::from(n) }).unwrap().0,
                _ => timescales::date::add_days(start, (if back { -1 } else { 1 }) * i64::from(n) * if unit == Unit::Weeks { 7 } else { 1 }).unwrap(),
            };
            prop_assert!(end <= plain);
            // ...and only holidays or weekend days lie between.
            let mut day = end.next_day().unwrap();
            while day <= plain {
                prop_assert!(!cal.is_working_day(day));
                day = day.next_day().unwrap();
            }
        }
    }

    #[test]
    fn month_addition_never_panics(start in any_date(2000, 2100), months in -1200i64..1200) {
        let (date, clamped) = timescales::date::add_months(start, months).unwrap();
        prop_assert!(date.day() <= start.day());
        prop_assert_eq!(clamped, date.day() != start.day());
    }
}
