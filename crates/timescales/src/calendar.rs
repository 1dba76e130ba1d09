//! Calendars: which days are working days.
//!
//! A [`Calendar`] is a weekend, any number of built-in holiday rule sets
//! ([`BuiltIn`]), explicit dates (local or one-off holidays, imported feeds)
//! and rule-generated days to remove (a holiday moved by proclamation).
//! Whether a day is a working day is answered from a bitset built once for
//! the years [`FAST_YEARS`]; other years are computed on demand.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use time::{Date, Month, Weekday};

use crate::date::{add_days, easter_sunday, first_weekday, last_weekday};

/// Years whose non-working days are precomputed into a bitset.
pub const FAST_YEARS: RangeInclusive<i32> = 1950..=2150;

/// One holiday on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its name; a substitute day ends in ` (substitute day)`.
    pub name: String,
    /// True for a day that replaces a holiday falling on a weekend.
    pub substitute: bool,
}

/// A built-in set of holiday rules (the law as it stands; one-off changes
/// such as jubilees come from explicit dates or an imported feed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltIn {
    /// Scottish bank holidays.
    Scotland,
    /// Bank holidays in England and Wales.
    EnglandAndWales,
    /// Bank holidays in Northern Ireland.
    NorthernIreland,
}

impl BuiltIn {
    /// Every built-in set.
    pub const ALL: [BuiltIn; 3] = [BuiltIn::Scotland, BuiltIn::EnglandAndWales, BuiltIn::NorthernIreland];

    /// The name used in rules files.
    pub fn name(self) -> &'static str {
        match self {
            BuiltIn::Scotland => "scotland",
            BuiltIn::EnglandAndWales => "england-and-wales",
            BuiltIn::NorthernIreland => "northern-ireland",
        }
    }

    /// Looks a set up by its rules-file name.
    pub fn from_name(name: &str) -> Option<BuiltIn> {
        BuiltIn::ALL.into_iter().find(|b| b.name() == name)
    }

    fn rules(self) -> &'static [Rule] {
        use Rule::*;
        const NEW_YEAR: Rule = Fixed(Month::January, 1, "New Year's Day", i32::MIN);
        const GOOD_FRIDAY: Rule = Easter(-2, "Good Friday");
        const EASTER_MONDAY: Rule = Easter(1, "Easter Monday");
        const EARLY_MAY: Rule = FirstMonday(Month::May, "Early May bank holiday");
        const SPRING: Rule = LastMonday(Month::May, "Spring bank holiday");
        const CHRISTMAS: Rule = Fixed(Month::December, 25, "Christmas Day", i32::MIN);
        const BOXING: Rule = Fixed(Month::December, 26, "Boxing Day", i32::MIN);
        match self {
            BuiltIn::Scotland => &[
                NEW_YEAR,
                Fixed(Month::January, 2, "2nd January", i32::MIN),
                GOOD_FRIDAY,
                EARLY_MAY,
                SPRING,
                FirstMonday(Month::August, "Summer bank holiday"),
                // St Andrew's Day Bank Holiday (Scotland) Act 2007.
                Fixed(Month::November, 30, "St Andrew's Day", 2007),
                CHRISTMAS,
                BOXING,
            ],
            BuiltIn::EnglandAndWales => &[
                NEW_YEAR,
                GOOD_FRIDAY,
                EASTER_MONDAY,
                EARLY_MAY,
                SPRING,
                LastMonday(Month::August, "Summer bank holiday"),
                CHRISTMAS,
                BOXING,
            ],
            BuiltIn::NorthernIreland => &[
                NEW_YEAR,
                Fixed(Month::March, 17, "St Patrick's Day", i32::MIN),
                GOOD_FRIDAY,
                EASTER_MONDAY,
                EARLY_MAY,
                SPRING,
                Fixed(Month::July, 12, "Battle of the Boyne (Orangemen's Day)", i32::MIN),
                LastMonday(Month::August, "Summer bank holiday"),
                CHRISTMAS,
                BOXING,
            ],
        }
    }

    /// This set's holidays in `year`, in date order.
    ///
    /// A fixed-date holiday that falls on a Saturday or Sunday is replaced by
    /// the next weekday that is not already a holiday of the set, taking the
    /// weekend holidays in date order. This one rule gives the same days as
    /// GOV.UK's generator (2 January, St Andrew's Day and Boxing Day to the
    /// next Monday; 1 January and Christmas Day to the Tuesday when the next
    /// day is a holiday too).
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let is_weekend = |d: Date| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        let mut days: Vec<Holiday> = Vec::with_capacity(12);
        let mut on_weekend: Vec<(Date, &'static str)> = Vec::new();
        for rule in self.rules() {
            let (date, name) = match *rule {
                Rule::Fixed(month, day, name, from) => {
                    if year < from {
                        continue;
                    }
                    match Date::from_calendar_date(year, month, day) {
                        Ok(d) => (d, name),
                        Err(_) => continue,
                    }
                }
                Rule::Easter(offset, name) => match add_days(easter_sunday(year), offset) {
                    Some(d) => (d, name),
                    None => continue,
                },
                Rule::FirstMonday(month, name) => match first_weekday(year, month, Weekday::Monday) {
                    Some(d) => (d, name),
                    None => continue,
                },
                Rule::LastMonday(month, name) => match last_weekday(year, month, Weekday::Monday) {
                    Some(d) => (d, name),
                    None => continue,
                },
            };
            // The weekend day itself is replaced, not kept (as GOV.UK lists them).
            if matches!(rule, Rule::Fixed(..)) && is_weekend(date) {
                on_weekend.push((date, name));
                continue;
            }
            days.push(Holiday { date, name: name.to_owned(), substitute: false });
        }
        on_weekend.sort();
        for (date, name) in on_weekend {
            let mut sub = date;
            loop {
                sub = match add_days(sub, 1) {
                    Some(d) => d,
                    None => break,
                };
                if !is_weekend(sub) && !days.iter().any(|h| h.date == sub) {
                    days.push(Holiday { date: sub, name: format!("{name} (substitute day)"), substitute: true });
                    break;
                }
            }
        }
        days.sort_by_key(|h| h.date);
        days
    }
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Month, day, name, first year it applies.
    Fixed(Month, u8, &'static str, i32),
    /// Days from Easter Sunday.
    Easter(i64, &'static str),
    FirstMonday(Month, &'static str),
    LastMonday(Month, &'static str),
}

/// Why a day is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonWorking {
    /// A weekend day of the calendar.
    Weekend,
    /// A holiday, by name.
    Holiday(String),
}

impl std::fmt::Display for NonWorking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NonWorking::Weekend => f.write_str("weekend"),
            NonWorking::Holiday(name) => f.write_str(name),
        }
    }
}

/// A resolved calendar (any `extends` already merged in).
#[derive(Debug, Clone)]
pub struct Calendar {
    name: String,
    /// Indexed by `Weekday::number_days_from_monday`.
    weekend: [bool; 7],
    builtins: Vec<BuiltIn>,
    /// Rule-generated days that are not holidays after all.
    removed: BTreeSet<Date>,
    /// Explicit and imported holidays.
    extra: BTreeMap<Date, Holiday>,
    /// Non-working days of [`FAST_YEARS`], one bit per day from `fast_start`.
    fast: Vec<u64>,
    fast_start: i32,
}

impl Calendar {
    /// A calendar with the given weekend (Monday = index 0), rule sets,
    /// removed days and extra holidays.
    pub fn new(
        name: impl Into<String>,
        weekend: [bool; 7],
        builtins: Vec<BuiltIn>,
        removed: BTreeSet<Date>,
        extra: BTreeMap<Date, Holiday>,
    ) -> Calendar {
        let mut cal = Calendar { name: name.into(), weekend, builtins, removed, extra, fast: Vec::new(), fast_start: 0 };
        let start = Date::from_calendar_date(*FAST_YEARS.start(), Month::January, 1).expect("valid");
        let end = Date::from_calendar_date(*FAST_YEARS.end(), Month::December, 31).expect("valid");
        cal.fast_start = start.to_julian_day();
        let days = (end.to_julian_day() - cal.fast_start + 1) as usize;
        let mut bits = vec![0u64; days.div_ceil(64)];
        for i in 0..days {
            if cal.weekend[weekday_index(cal.fast_start + i as i32)] {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        for year in FAST_YEARS {
            for h in cal.compute_holidays(year) {
                let i = (h.date.to_julian_day() - cal.fast_start) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        cal.fast = bits;
        cal
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its weekend days, Monday = index 0.
    pub fn weekend(&self) -> [bool; 7] {
        self.weekend
    }

    /// The built-in rule sets it uses.
    pub fn builtins(&self) -> &[BuiltIn] {
        &self.builtins
    }

    /// Is `weekday` a weekend day here?
    pub fn is_weekend(&self, weekday: Weekday) -> bool {
        self.weekend[usize::from(weekday.number_days_from_monday())]
    }

    /// Every holiday in `year`, in date order, one per date.
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        self.compute_holidays(year)
    }

    fn compute_holidays(&self, year: i32) -> Vec<Holiday> {
        let mut by_date: BTreeMap<Date, Holiday> = BTreeMap::new();
        for set in &self.builtins {
            for h in set.holidays(year) {
                if !self.removed.contains(&h.date) {
                    by_date.entry(h.date).or_insert(h);
                }
            }
        }
        let first = Date::from_calendar_date(year, Month::January, 1);
        let last = Date::from_calendar_date(year, Month::December, 31);
        if let (Ok(first), Ok(last)) = (first, last) {
            for (d, h) in self.extra.range(first..=last) {
                by_date.entry(*d).or_insert_with(|| h.clone());
            }
        }
        by_date.into_values().collect()
    }

    /// Days the built-in rules alone would give in `year` (before removals).
    pub fn rule_holidays(&self, year: i32) -> Vec<Holiday> {
        let mut all: Vec<Holiday> = self.builtins.iter().flat_map(|b| b.holidays(year)).collect();
        all.sort_by_key(|h| h.date);
        all
    }

    /// Is `date` a working day (not a weekend day, not a holiday)?
    pub fn is_working_day(&self, date: Date) -> bool {
        self.is_working_jd(date.to_julian_day())
    }

    /// The same, by Julian day number (the counting loops work in these).
    #[inline]
    pub(crate) fn is_working_jd(&self, jd: i32) -> bool {
        let i = jd.wrapping_sub(self.fast_start);
        if i >= 0 && (i as usize) < self.fast.len() * 64 {
            let i = i as usize;
            return self.fast[i / 64] & (1 << (i % 64)) == 0;
        }
        if self.weekend[weekday_index(jd)] {
            return false;
        }
        match Date::from_julian_day(jd) {
            Ok(d) => !self.compute_holidays(d.year()).iter().any(|h| h.date == d),
            Err(_) => false,
        }
    }

    /// Why `date` is not a working day, or `None` if it is one.
    pub fn non_working(&self, date: Date) -> Option<NonWorking> {
        if let Some(h) = self.compute_holidays(date.year()).into_iter().find(|h| h.date == date) {
            return Some(NonWorking::Holiday(h.name));
        }
        self.is_weekend(date.weekday()).then_some(NonWorking::Weekend)
    }
}

/// Monday = 0 … Sunday = 6, from a Julian day number (JD 0 was a Monday).
#[inline]
pub(crate) fn weekday_index(jd: i32) -> usize {
    jd.rem_euclid(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::{iso, parse_iso};

    #[test]
    fn julian_weekday_index_agrees_with_time() {
        for s in ["2000-01-01", "2026-12-26", "1950-01-01", "2150-12-31", "2027-05-03"] {
            let d = parse_iso(s).unwrap();
            assert_eq!(weekday_index(d.to_julian_day()), usize::from(d.weekday().number_days_from_monday()), "{s}");
        }
    }

    fn list(set: BuiltIn, year: i32) -> Vec<String> {
        set.holidays(year).into_iter().map(|h| format!("{} {}", iso(h.date), h.name)).collect()
    }

    #[test]
    fn scotland_2022_new_year_and_christmas_both_on_weekends() {
        let l = list(BuiltIn::Scotland, 2022);
        assert_eq!(l[0], "2022-01-03 New Year's Day (substitute day)");
        assert_eq!(l[1], "2022-01-04 2nd January (substitute day)");
        assert_eq!(l[l.len() - 2], "2022-12-26 Boxing Day");
        assert_eq!(l[l.len() - 1], "2022-12-27 Christmas Day (substitute day)");
    }

    #[test]
    fn england_has_easter_monday_and_late_august() {
        let l = list(BuiltIn::EnglandAndWales, 2027);
        assert!(l.contains(&"2027-03-29 Easter Monday".to_owned()));
        assert!(l.contains(&"2027-08-30 Summer bank holiday".to_owned()));
        assert!(!l.iter().any(|h| h.contains("2nd January")));
    }
}
