//! Civil dates: ISO parsing, words, Easter, "nth weekday of a month" and the
//! month-end clamp. Calendar arithmetic itself is the `time` crate's; the only
//! sum done here is the Easter computus.

use time::{Date, Month, Weekday};

/// Parses a strict ISO 8601 calendar date, `YYYY-MM-DD` (four-digit year,
/// two-digit month and day). Anything else, or a date that does not exist
/// (`2027-02-30`), is `None`.
pub fn parse_iso(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let year = digits(0..4)? as i32;
    let month = Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// `Saturday 26 December 2026`, the form used in explanations.
pub fn long(date: Date) -> String {
    format!("{} {} {} {}", date.weekday(), date.day(), date.month(), date.year())
}

/// `26 December 2026`: a date without its weekday, the form pages use (last
/// reviewed, change notes, when a rule took effect).
pub fn day_month_year(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// Easter Sunday (Gregorian), by the anonymous Gregorian computus
/// (Meeus/Jones/Butcher). Valid for every year `time` can represent.
pub fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    let month = if month == 3 { Month::March } else { Month::April };
    Date::from_calendar_date(year, month, day as u8).expect("computus gives a real date")
}

/// `date` moved by `days` (negative: back). `None` past the range `time` supports.
pub fn add_days(date: Date, days: i64) -> Option<Date> {
    let jd = i64::from(date.to_julian_day()).checked_add(days)?;
    Date::from_julian_day(i32::try_from(jd).ok()?).ok()
}

/// The first `weekday` of a month.
pub fn first_weekday(year: i32, month: Month, weekday: Weekday) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let ahead = (7 + weekday.number_days_from_monday() - first.weekday().number_days_from_monday()) % 7;
    add_days(first, i64::from(ahead))
}

/// The last `weekday` of a month.
pub fn last_weekday(year: i32, month: Month, weekday: Weekday) -> Option<Date> {
    let last = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    let back = (7 + last.weekday().number_days_from_monday() - weekday.number_days_from_monday()) % 7;
    add_days(last, -i64::from(back))
}

/// `date` moved by `months` whole months (negative: back), landing on the same
/// day of the month or, where that month is shorter, on its last day
/// (31 August + 6 months = 28 or 29 February). Returns the date and whether it
/// was clamped.
pub fn add_months(date: Date, months: i64) -> Option<(Date, bool)> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let last = month.length(year);
    let day = date.day().min(last);
    Some((Date::from_calendar_date(year, month, day).ok()?, day != date.day()))
}

/// Parses a weekday name (`saturday`, `Sunday`).
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| n.eq_ignore_ascii_case(text.trim())).map(|&(_, w)| w)
}

/// Weekday names as written in rules files.
pub const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_iso(s).unwrap()
    }

    #[test]
    fn iso_parsing_is_strict() {
        assert_eq!(iso(d("2027-01-04")), "2027-01-04");
        for bad in ["2027-1-04", "27-01-04", "2027-02-30", "2027/01/04", "2027-01-04 ", "", "２０２７-01-04", "2027-13-01", "2027-00-10"] {
            assert_eq!(parse_iso(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn easter_matches_known_years() {
        // Good Friday is two days before: 2024-03-29, 2025-04-18, 2027-03-26, 2038-04-23.
        for (y, e) in [(2024, "2024-03-31"), (2025, "2025-04-20"), (2027, "2027-03-28"), (2038, "2038-04-25"), (2019, "2019-04-21"), (2000, "2000-04-23"), (2285, "2285-03-22")] {
            assert_eq!(iso(easter_sunday(y)), e);
        }
    }

    #[test]
    fn nth_weekdays() {
        assert_eq!(first_weekday(2027, Month::May, Weekday::Monday), Some(d("2027-05-03")));
        assert_eq!(last_weekday(2027, Month::May, Weekday::Monday), Some(d("2027-05-31")));
        assert_eq!(first_weekday(2027, Month::August, Weekday::Monday), Some(d("2027-08-02")));
        assert_eq!(first_weekday(2026, Month::June, Weekday::Monday), Some(d("2026-06-01")));
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(add_months(d("2026-08-31"), 6), Some((d("2027-02-28"), true)));
        assert_eq!(add_months(d("2027-08-31"), 6), Some((d("2028-02-29"), true)));
        assert_eq!(add_months(d("2027-01-15"), 6), Some((d("2027-07-15"), false)));
        assert_eq!(add_months(d("2027-03-31"), -1), Some((d("2027-02-28"), true)));
        assert_eq!(add_months(d("2027-11-30"), 3), Some((d("2028-02-29"), true)));
    }

    #[test]
    fn words() {
        assert_eq!(long(d("2026-12-26")), "Saturday 26 December 2026");
    }
}
