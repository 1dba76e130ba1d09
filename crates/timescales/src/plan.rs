//! The rules pre-resolved for the browser calculators.
//!
//! The host validates the rules file ([`crate::Rules::from_doc`]) and writes
//! [`browser_json`]: every calendar as its weekend and an explicit list of
//! non-working dates for a bounded range of years, every timescale with its
//! references resolved to indexes and its words already rendered from the
//! rules file. The browser module reads that into a [`Plan`] and counts with
//! the same [`count`] as `waymark dates`, so it carries no validation, no
//! error wording, no holiday rules and no text formatting.

use std::ops::RangeInclusive;

use time::{Date, Month};

use crate::calendar::weekday_index;
use crate::error::EvalError;
use crate::eval::{count, Silent, WorkingDays};
use crate::length::{Length, Unit};
use crate::rules::{Anchor, Direction, Rules, Shape};

/// The years the browser can count in: dates outside them are an error there.
pub const BROWSER_YEARS: RangeInclusive<i32> = 2000..=2060;

/// A calendar as the browser gets it: a weekend and the holidays of a
/// bounded range of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTable {
    /// First day covered (Julian day number).
    pub first: i32,
    /// Last day covered.
    pub last: i32,
    /// Weekend days, Monday = 0.
    pub weekend: [bool; 7],
    /// Holidays in the range, as Julian day numbers, sorted.
    pub holidays: Vec<i32>,
}

impl WorkingDays for DayTable {
    fn working(&self, jd: i32) -> Result<bool, EvalError> {
        if jd < self.first || jd > self.last {
            return Err(EvalError::OutOfRange);
        }
        Ok(!self.weekend[weekday_index(jd)] && self.holidays.binary_search(&jd).is_err())
    }
}

/// What a planned timescale counts from: an event or a timescale, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAnchor {
    /// Index into the events.
    Event(usize),
    /// Index into [`Plan::timescales`].
    Timescale(usize),
}

/// A planned timescale's shape ([`Shape`] with indexes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanShape {
    /// One deadline.
    Within {
        /// Counted from.
        anchor: PlanAnchor,
        /// Forward or back.
        direction: Direction,
        /// How far.
        length: Length,
    },
    /// A series.
    Every {
        /// The first date is `length` after this.
        anchor: PlanAnchor,
        /// How often.
        length: Length,
    },
    /// Whichever falls first (indexes into [`Plan::timescales`]).
    EarliestOf(Vec<usize>),
}

/// A timescale, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTimescale {
    /// What it computes (for a dated timescale, the figure comes from [`PlanTimescale::versions`]).
    pub shape: PlanShape,
    /// Its calendar (its own, else the file's default), index into [`Plan::calendars`].
    pub calendar: Option<usize>,
    /// For a dated timescale, its versions, oldest first; empty when nothing is dated.
    pub versions: Vec<PlanVersion>,
    /// The first day it no longer exists (Julian day), if any.
    pub until: Option<i32>,
}

/// One version of a dated timescale ([`crate::Version`] without the words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanVersion {
    /// First day in force (Julian day); `None`: since always.
    pub from: Option<i32>,
    /// Its figure (`None` for `earliest_of`).
    pub length: Option<Length>,
}

impl PlanTimescale {
    /// The index of the version in force on `day`, `None` when it did not exist
    /// (always `Some(0)` for a timescale with nothing dated).
    pub fn version_at(&self, day: Date) -> Option<usize> {
        if self.versions.is_empty() {
            return Some(0);
        }
        let jd = day.to_julian_day();
        if self.until.is_some_and(|u| jd >= u) {
            return None;
        }
        self.versions.iter().rposition(|v| v.from.is_none_or(|f| f <= jd))
    }
}

/// The counting part of the rules, resolved to indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Calendars.
    pub calendars: Vec<DayTable>,
    /// Timescales, in the rules file's order.
    pub timescales: Vec<PlanTimescale>,
}

impl Plan {
    fn calendar_of(&self, ts: usize, calendar: Option<usize>) -> Result<&DayTable, EvalError> {
        calendar.or(self.timescales[ts].calendar).and_then(|c| self.calendars.get(c)).ok_or(EvalError::OutOfRange)
    }

    /// The figure of `ts` for a count starting on `start` (or by the rules of `as_at`).
    fn length_of(&self, ts: usize, fixed: Length, start: Date, as_at: Option<Date>) -> Result<Length, EvalError> {
        let t = &self.timescales[ts];
        if t.versions.is_empty() {
            return Ok(fixed);
        }
        let i = t.version_at(as_at.unwrap_or(start)).ok_or(EvalError::OutOfRange)?;
        Ok(t.versions[i].length.unwrap_or(fixed))
    }

    fn anchor_date(&self, anchor: PlanAnchor, events: &[Option<Date>], calendar: Option<usize>, as_at: Option<Date>, depth: usize) -> Result<Date, EvalError> {
        match anchor {
            PlanAnchor::Event(e) => events.get(e).copied().flatten().ok_or(EvalError::OutOfRange),
            PlanAnchor::Timescale(t) => Ok(self.eval(t, events, calendar, as_at, depth + 1)?.0),
        }
    }

    /// The due date of timescale `ts` (the first date of a repeating one),
    /// counting in `calendar` if given, else the timescale's own; with the
    /// `earliest_of` part that set it. Like [`Rules::due`].
    pub fn due(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>) -> Result<(Date, Option<usize>), EvalError> {
        self.due_at(ts, events, calendar, None)
    }

    /// [`Plan::due`] by the rules in force on `as_at` when given. Like [`Rules::due_at`].
    pub fn due_at(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, as_at: Option<Date>) -> Result<(Date, Option<usize>), EvalError> {
        self.eval(ts, events, calendar, as_at, 0)
    }

    fn eval(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, as_at: Option<Date>, depth: usize) -> Result<(Date, Option<usize>), EvalError> {
        if depth > self.timescales.len() || ts >= self.timescales.len() {
            return Err(EvalError::OutOfRange);
        }
        match &self.timescales[ts].shape {
            PlanShape::Within { anchor, direction, length } => {
                let cal = self.calendar_of(ts, calendar)?;
                let start = self.anchor_date(*anchor, events, calendar, as_at, depth)?;
                let length = self.length_of(ts, *length, start, as_at)?;
                Ok((count(cal, start, length, *direction, &mut Silent)?, None))
            }
            PlanShape::Every { anchor, length } => {
                let cal = self.calendar_of(ts, calendar)?;
                let start = self.anchor_date(*anchor, events, calendar, as_at, depth)?;
                let length = self.length_of(ts, *length, start, as_at)?;
                Ok((count(cal, start, length, Direction::After, &mut Silent)?, None))
            }
            PlanShape::EarliestOf(ids) => {
                let mut best: Option<(Date, usize)> = None;
                for &i in ids {
                    let (d, _) = self.eval(i, events, calendar, as_at, depth + 1)?;
                    if best.is_none_or(|(b, _)| d < b) {
                        best = Some((d, i));
                    }
                }
                let (date, i) = best.ok_or(EvalError::OutOfRange)?;
                Ok((date, Some(i)))
            }
        }
    }

    /// The first `n` dates of `ts`; one date for a timescale that does not
    /// repeat. Like [`Rules::series`].
    pub fn series(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, n: u32) -> Result<Vec<Date>, EvalError> {
        self.series_at(ts, events, calendar, n, None)
    }

    /// [`Plan::series`] by the rules in force on `as_at` when given.
    pub fn series_at(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, n: u32, as_at: Option<Date>) -> Result<Vec<Date>, EvalError> {
        match self.timescales.get(ts).map(|t| &t.shape) {
            Some(PlanShape::Every { anchor, length }) => {
                let cal = self.calendar_of(ts, calendar)?;
                let mut at = self.anchor_date(*anchor, events, calendar, as_at, 0)?;
                let mut out = Vec::new();
                for _ in 0..n {
                    let length = self.length_of(ts, *length, at, as_at)?;
                    at = count(cal, at, length, Direction::After, &mut Silent)?;
                    out.push(at);
                }
                Ok(out)
            }
            _ => Ok(vec![self.due_at(ts, events, calendar, as_at)?.0]),
        }
    }

    /// Which version of `ts` a count uses and the day that chose it: its
    /// count's day 0 (for `earliest_of`, that of the part that set the date),
    /// or `as_at`. `None` for a timescale with nothing dated.
    pub fn version_used(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, as_at: Option<Date>) -> Result<Option<(usize, Date)>, EvalError> {
        let t = self.timescales.get(ts).ok_or(EvalError::OutOfRange)?;
        if t.versions.is_empty() {
            return Ok(None);
        }
        let on = match as_at {
            Some(d) => d,
            None => self.start_of(ts, events, calendar, 0)?,
        };
        Ok(t.version_at(on).map(|i| (i, on)))
    }

    /// Day 0 of `ts`'s count (for `earliest_of`, of the part that set the date).
    fn start_of(&self, ts: usize, events: &[Option<Date>], calendar: Option<usize>, depth: usize) -> Result<Date, EvalError> {
        if depth > self.timescales.len() {
            return Err(EvalError::OutOfRange);
        }
        match &self.timescales.get(ts).ok_or(EvalError::OutOfRange)?.shape {
            PlanShape::Within { anchor, .. } | PlanShape::Every { anchor, .. } => self.anchor_date(*anchor, events, calendar, None, depth),
            PlanShape::EarliestOf(_) => match self.eval(ts, events, calendar, None, depth)?.1 {
                Some(part) => self.start_of(part, events, calendar, depth + 1),
                None => Err(EvalError::OutOfRange),
            },
        }
    }
}

/// The index of each unit in [`browser_json`] (`Unit::ALL` order).
pub fn unit_code(unit: Unit) -> u32 {
    match unit {
        Unit::CalendarDays => 0,
        Unit::WorkingDays => 1,
        Unit::Weeks => 2,
        Unit::Months => 3,
    }
}

fn jd(year: i32, month: Month, day: u8) -> i32 {
    Date::from_calendar_date(year, month, day).expect("a real date").to_julian_day()
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_list(out: &mut String, items: impl IntoIterator<Item = String>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&s);
    }
    out.push(']');
}

/// The rules for the browser calculators, counting in `years`:
///
/// ```text
/// {"events": [ID],
///  "calendars": [{"first": JD, "last": JD, "weekend": [0-6], "holidays": [DAY]}],
///  "timescales": [{"id", "label", "plain", "words", "plain_words", "source",
///                  "calendar": I|null, "kind": K, "anchor": A, "n": N, "unit": U, "of": [I]}],
///  "calculators": {ID: {"asks": [E], "same_day": [E], "shows": [I], "calendar": I|null}}}
/// ```
///
/// JD is a Julian day number; DAY a holiday's day count from `first`. K is
/// 0 within … after, 1 within … before, 2 every, 3 earliest_of (with `of`).
/// A is an event index, or the number of events plus a timescale index. U is
/// 0 calendar days, 1 working days, 2 weeks, 3 months. The words are the rule
/// file's, rendered here ([`Rules::describe`]), so the page and the browser
/// say the same.
pub fn browser_json(rules: &Rules, years: RangeInclusive<i32>, current: Option<Date>) -> String {
    let cal_index = |name: &str| rules.calendars().iter().position(|c| c.name() == name);
    let opt = |i: Option<usize>| i.map_or_else(|| "null".to_owned(), |i| i.to_string());
    let n_events = rules.events().len();
    let event_index = |id: &str| rules.events().iter().position(|e| e.id == id).expect("validated");
    let ts_index = |id: &str| rules.timescales().iter().position(|t| t.id == id).expect("validated");
    let anchor = |a: &Anchor| match a {
        Anchor::Event(e) => event_index(e),
        Anchor::Timescale(t) => n_events + ts_index(t),
    };

    let mut out = String::from("{\"events\":");
    json_list(
        &mut out,
        rules.events().iter().map(|e| {
            let mut s = String::new();
            json_str(&mut s, &e.id);
            s
        }),
    );
    out.push_str(",\"calendars\":");
    let (first, last) = (jd(*years.start(), Month::January, 1), jd(*years.end(), Month::December, 31));
    json_list(
        &mut out,
        rules.calendars().iter().map(|c| {
            let weekend: Vec<String> = (0..7).filter(|&i| c.weekend()[i]).map(|i| i.to_string()).collect();
            let days: Vec<String> =
                years.clone().flat_map(|y| c.holidays(y)).map(|h| (h.date.to_julian_day() - first).to_string()).collect();
            format!("{{\"first\":{first},\"last\":{last},\"weekend\":[{}],\"holidays\":[{}]}}", weekend.join(","), days.join(","))
        }),
    );
    out.push_str(",\"timescales\":");
    let now = current.map(|d| rules.at(d));
    let shown = now.as_ref().unwrap_or(rules);
    json_list(
        &mut out,
        shown.timescales().iter().map(|t| {
            let mut s = String::from("{");
            let source = t.sources.join("; ");
            let words = shown.describe(&t.id, false).unwrap_or_default();
            let plain_words = shown.describe(&t.id, true).unwrap_or_default();
            for (k, v) in [("id", &t.id), ("label", &t.label), ("plain", &t.plain), ("words", &words), ("plain_words", &plain_words), ("source", &source)] {
                json_str(&mut s, k);
                s.push(':');
                json_str(&mut s, v);
                s.push(',');
            }
            let calendar = t.calendar.as_deref().or(rules.default_calendar()).and_then(cal_index);
            s.push_str(&format!("\"calendar\":{}", opt(calendar)));
            match &t.shape {
                Shape::Within { anchor: a, direction, length } => {
                    let kind = if *direction == Direction::After { 0 } else { 1 };
                    s.push_str(&format!(",\"kind\":{kind},\"anchor\":{},\"n\":{},\"unit\":{}", anchor(a), length.n, unit_code(length.unit)));
                }
                Shape::Every { anchor: a, length } => {
                    s.push_str(&format!(",\"kind\":2,\"anchor\":{},\"n\":{},\"unit\":{}", anchor(a), length.n, unit_code(length.unit)));
                }
                Shape::EarliestOf(ids) => {
                    let of: Vec<String> = ids.iter().map(|i| ts_index(i).to_string()).collect();
                    s.push_str(&format!(",\"kind\":3,\"of\":[{}]", of.join(",")));
                }
            }
            if t.is_dated() {
                s.push_str(&versions_json(rules, t, current));
            }
            s.push('}');
            s
        }),
    );
    out.push_str(",\"calculators\":{");
    for (i, c) in rules.calculators().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(&mut out, &c.id);
        let events = |ids: &[String]| ids.iter().map(|e| event_index(e).to_string()).collect::<Vec<_>>().join(",");
        let shows = c.shows.iter().map(|t| ts_index(t).to_string()).collect::<Vec<_>>().join(",");
        out.push_str(&format!(
            ":{{\"asks\":[{}],\"same_day\":[{}],\"shows\":[{shows}],\"calendar\":{}}}",
            events(&c.asks),
            events(&c.same_day),
            opt(c.calendar.as_deref().and_then(cal_index))
        ));
    }
    out.push_str("}}");
    out
}

/// The `versions`, `until` and `current` of a dated timescale (see [`browser_json`]).
fn versions_json(rules: &Rules, t: &crate::Timescale, current: Option<Date>) -> String {
    let jd_or_null = |d: Option<Date>| d.map_or_else(|| "null".to_owned(), |d| d.to_julian_day().to_string());
    let mut s = String::from(",\"versions\":");
    json_list(
        &mut s,
        t.versions.iter().map(|v| {
            let then = rules.at(v.from.unwrap_or(Date::MIN));
            let mut o = format!("{{\"from\":{}", jd_or_null(v.from));
            if let Some(l) = v.length {
                o.push_str(&format!(",\"n\":{},\"unit\":{}", l.n, unit_code(l.unit)));
            }
            let words = then.describe(&t.id, false).unwrap_or_default();
            let plain_words = then.describe(&t.id, true).unwrap_or_default();
            let source = v.sources.join("; ");
            for (k, val) in [("label", &v.label), ("plain", &v.plain), ("words", &words), ("plain_words", &plain_words), ("source", &source)] {
                o.push(',');
                json_str(&mut o, k);
                o.push(':');
                json_str(&mut o, val);
            }
            o.push('}');
            o
        }),
    );
    let now = current.and_then(|d| t.version_at(d)).map(|(i, _)| i);
    s.push_str(&format!(",\"until\":{},\"current\":{}", jd_or_null(t.until), now.map_or_else(|| "null".to_owned(), |i| i.to_string())));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EventDates;
    use crate::{Imports, RulesDoc};

    /// A plan built by hand from `rules`, as the browser module reads it.
    fn plan(rules: &Rules) -> Plan {
        let (first, last) = (jd(2000, Month::January, 1), jd(2060, Month::December, 31));
        let n_events = rules.events().len();
        let ts = |id: &str| rules.timescales().iter().position(|t| t.id == id).unwrap();
        let anchor = |a: &Anchor| match a {
            Anchor::Event(e) => PlanAnchor::Event(rules.events().iter().position(|x| x.id == *e).unwrap()),
            Anchor::Timescale(t) => PlanAnchor::Timescale(ts(t)),
        };
        let _ = n_events;
        Plan {
            calendars: rules
                .calendars()
                .iter()
                .map(|c| DayTable {
                    first,
                    last,
                    weekend: c.weekend(),
                    holidays: (2000..=2060).flat_map(|y| c.holidays(y)).map(|h| h.date.to_julian_day()).collect(),
                })
                .collect(),
            timescales: rules
                .timescales()
                .iter()
                .map(|t| PlanTimescale {
                    shape: match &t.shape {
                        Shape::Within { anchor: a, direction, length } => PlanShape::Within { anchor: anchor(a), direction: *direction, length: *length },
                        Shape::Every { anchor: a, length } => PlanShape::Every { anchor: anchor(a), length: *length },
                        Shape::EarliestOf(ids) => PlanShape::EarliestOf(ids.iter().map(|i| ts(i)).collect()),
                    },
                    calendar: t
                        .calendar
                        .as_deref()
                        .or(rules.default_calendar())
                        .and_then(|n| rules.calendars().iter().position(|c| c.name() == n)),
                    versions: Vec::new(),
                    until: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_plan_counts_like_the_rules() {
        let doc: RulesDoc = serde_json::from_str(
            r#"{"calendar":"s","calendars":{"s":{"holidays":"scotland"},"e":{"holidays":"england-and-wales"}},
            "events":{"m":{"label":"the meeting","plain":"the meeting"}},
            "timescales":{
              "a":{"label":"a","plain":"a","after":"m","within":"15 calendar days","source":"X"},
              "w":{"label":"w","plain":"w","after":"m","within":"10 working days","source":"X","calendar":"e"},
              "b":{"label":"b","plain":"b","before":"m","within":"5 working days","source":"X"},
              "z":{"label":"z","plain":"z","before":"m","within":"0 working days","source":"X"},
              "mo":{"label":"mo","plain":"mo","after":"a","within":"6 months","source":"X"},
              "wk":{"label":"wk","plain":"wk","before":"m","within":"2 weeks","source":"X"},
              "e":{"label":"e","plain":"e","earliest_of":["w","mo"],"source":"X"},
              "r":{"label":"r","plain":"r","after":"a","every":"3 months","source":"X"}}}"#,
        )
        .unwrap();
        let rules = Rules::from_doc(&doc, &Imports::default()).unwrap();
        let plan = plan(&rules);
        let mut day = Date::from_calendar_date(2025, Month::January, 1).unwrap();
        while day.year() < 2031 {
            let events = EventDates::new().with("m", day);
            for (i, t) in rules.timescales().iter().enumerate() {
                for cal in [None, Some(1)] {
                    let name = cal.map(|c: usize| rules.calendars()[c].name());
                    let want = rules.series(&t.id, &events, name, 4).unwrap();
                    assert_eq!(plan.series(i, &[Some(day)], cal, 4).unwrap(), want, "{} from {day}", t.id);
                    let out = rules.explain(&t.id, &events, name).unwrap();
                    let got = plan.due(i, &[Some(day)], cal).unwrap();
                    assert_eq!(got.0, out.date);
                    assert_eq!(got.1.map(|j| rules.timescales()[j].id.clone()), out.set_by);
                }
            }
            day = day.next_day().unwrap();
        }
        assert_eq!(plan.due(0, &[Some(Date::from_calendar_date(2060, Month::December, 30).unwrap())], None), Err(EvalError::OutOfRange));
        let json = browser_json(&rules, 2000..=2060, None);
        assert!(json.starts_with(r#"{"events":["m"],"calendars":[{"first":2451545,"last":2473825,"weekend":[5,6],"holidays":[2,3,111,"#), "{json}");
        assert!(json.contains(r#""words":"within 15 calendar days of the meeting","plain_words":"within 15 days of the meeting","source":"X","calendar":0,"kind":0,"anchor":0,"n":15,"unit":0}"#), "{json}");
        assert!(json.contains(r#""kind":3,"of":[1,4]}"#), "{json}");
    }
}
