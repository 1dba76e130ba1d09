//! Evaluating timescales: due dates, repeating series, explanations in words
//! and the rule itself in words.
//!
//! Counting follows docs/rules.md, "Counting conventions": the event is day 0;
//! N working days is the Nth working day after (or before); weeks are 7·N
//! days; months keep the day of the month, clamped to the month's end; a
//! calendar-day, week or month deadline on a non-working day moves to the
//! previous working day in both directions. A series (`every`) counts each
//! date from the previous *computed* date, so a meeting pulled earlier by a
//! holiday pulls the next one with it: never later than the rule allows.

use std::fmt;

use time::Date;

use crate::calendar::{Calendar, NonWorking};
use crate::date::{add_days, add_months, day_month_year, iso, long};
use crate::error::EvalError;
use crate::length::{Length, Unit};
use crate::rules::{Anchor, Direction, Rules, Shape, Timescale};

/// The dates of events, as given by whoever asks (a CLI, a form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDates(Vec<(String, Date)>);

impl EventDates {
    /// No dates yet.
    pub fn new() -> Self {
        EventDates(Vec::new())
    }

    /// Sets `id`'s date (replacing any earlier one).
    pub fn set(&mut self, id: &str, date: Date) -> &mut Self {
        match self.0.iter_mut().find(|(k, _)| k == id) {
            Some(slot) => slot.1 = date,
            None => self.0.push((id.to_owned(), date)),
        }
        self
    }

    /// Builder form of [`EventDates::set`].
    pub fn with(mut self, id: &str, date: Date) -> Self {
        self.set(id, date);
        self
    }

    /// `id`'s date.
    pub fn get(&self, id: &str) -> Option<Date> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, d)| *d)
    }
}

/// One step of an explanation. `Display` gives it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// The explanation of another timescale follows (an anchor or a part of `earliest_of`).
    Rule {
        /// Its id.
        id: String,
        /// Its label.
        label: String,
    },
    /// Day 0.
    Start {
        /// The date.
        date: Date,
        /// What happened (event label, or the timescale it counts from).
        what: String,
    },
    /// Calendar days, weeks or months counted.
    Counted {
        /// How far.
        length: Length,
        /// Which way.
        direction: Direction,
        /// Where the count landed.
        date: Date,
        /// For months: the day of the month that does not exist in the target month.
        clamped_from: Option<u8>,
    },
    /// A day that did not count or could not be the deadline.
    Skipped {
        /// The day.
        date: Date,
        /// Why.
        reason: NonWorking,
    },
    /// The Nth working day reached.
    WorkingDay {
        /// N.
        n: u32,
        /// Which way.
        direction: Direction,
        /// The day.
        date: Date,
    },
    /// The landing day is a working day, so it stands.
    Stands {
        /// The day.
        date: Date,
    },
    /// Moved to the previous working day.
    MovedBack {
        /// Where the count landed.
        from: Date,
        /// The deadline.
        to: Date,
    },
    /// `earliest_of` picked the earliest.
    Chose {
        /// The timescale that sets the date.
        id: String,
        /// Its date.
        date: Date,
        /// The others and their dates.
        others: Vec<(String, Date)>,
    },
    /// The version of a dated timescale that the count uses.
    InForce {
        /// The timescale.
        id: String,
        /// The day that chose the version (the count's day 0, or the `as_at` date).
        on: Date,
        /// The first day of that version (`None`: since always).
        from: Option<Date>,
        /// Its figure.
        length: Length,
    },
    /// A date of a series.
    Occurrence {
        /// 1-based.
        n: u32,
        /// The date.
        date: Date,
    },
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn way(d: Direction) -> &'static str {
    match d {
        Direction::After => "after",
        Direction::Before => "before",
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Rule { id, label } => write!(f, "{id} ({label}):"),
            Step::Start { date, what } => write!(f, "Day 0 is {}: {what}.", long(*date)),
            Step::Counted { length, direction, date, clamped_from } => {
                write!(f, "{length} {} that is {}", way(*direction), long(*date))?;
                match clamped_from {
                    Some(day) => write!(f, " (that month has no day {day}, so its last day)."),
                    None => f.write_str("."),
                }
            }
            Step::Skipped { date, reason } => write!(f, "{} skipped: {reason}.", long(*date)),
            Step::WorkingDay { n, direction, date } => {
                write!(f, "The {} working day {} is {}.", ordinal(*n), way(*direction), long(*date))
            }
            Step::Stands { date } => write!(f, "{} is a working day, so the date stands.", long(*date)),
            Step::MovedBack { from, to } => write!(
                f,
                "{} is not a working day, so the date moves back to the working day before it, {}.",
                long(*from),
                long(*to)
            ),
            Step::Chose { id, date, others } => {
                let others: Vec<String> = others.iter().map(|(o, d)| format!("{o} ({})", iso(*d))).collect();
                write!(f, "The earliest is {id}, {}, which is earlier than {}, so {id} sets the date.", long(*date), others.join(" and "))
            }
            Step::Occurrence { n, date } => write!(f, "Date {n} of the series is {}.", long(*date)),
            Step::InForce { id, on, from: Some(from), length } => {
                write!(f, "On {} the rule for {id} in force was the one from {}: {length}.", day_month_year(*on), day_month_year(*from))
            }
            Step::InForce { id, on, from: None, length } => write!(f, "On {} the rule for {id} in force was {length}.", day_month_year(*on)),
        }
    }
}

/// A due date and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The due date (for a series, the last one asked for).
    pub date: Date,
    /// For `earliest_of`: the timescale that set the date.
    pub set_by: Option<String>,
    /// How, in steps.
    pub steps: Vec<Step>,
}

struct Ctx<'a> {
    rules: &'a Rules,
    events: &'a EventDates,
    calendar: Option<&'a Calendar>,
    top: &'a str,
    /// Evaluate every count by the rules in force on this day, not on its day 0.
    as_at: Option<Date>,
}

/// Where explanation steps go, when anyone wants them.
type Trace<'t> = Option<&'t mut Vec<Step>>;

fn note(trace: &mut Trace<'_>, step: impl FnOnce() -> Step) {
    if let Some(t) = trace.as_deref_mut() {
        t.push(step());
    }
}

impl Rules {
    fn ctx<'a>(&'a self, id: &'a str, events: &'a EventDates, calendar: Option<&str>, as_at: Option<Date>) -> Result<(Ctx<'a>, usize), EvalError> {
        let &idx = self
            .timescale_index
            .get(id)
            .ok_or_else(|| EvalError::UnknownTimescale { id: id.to_owned(), suggestion: self.suggest_timescale(id) })?;
        let calendar = match calendar {
            Some(name) => Some(self.calendar(name).ok_or_else(|| EvalError::UnknownCalendar {
                name: name.to_owned(),
                suggestion: self.suggest_calendar(name),
            })?),
            None => None,
        };
        Ok((Ctx { rules: self, events, calendar, top: id, as_at }, idx))
    }

    /// The due date of timescale `id` (the first date of a repeating one),
    /// counting in `calendar` if given, else the rule's or the file's, by
    /// the rules in force on each count's day 0.
    pub fn due(&self, id: &str, events: &EventDates, calendar: Option<&str>) -> Result<Date, EvalError> {
        self.due_at(id, events, calendar, None)
    }

    /// [`Rules::due`], by the rules in force on `as_at` when given.
    pub fn due_at(&self, id: &str, events: &EventDates, calendar: Option<&str>, as_at: Option<Date>) -> Result<Date, EvalError> {
        let (ctx, idx) = self.ctx(id, events, calendar, as_at)?;
        ctx.eval(idx, &mut None, 1, 0).map(|(d, _)| d)
    }

    /// The due date with the steps that reached it.
    pub fn explain(&self, id: &str, events: &EventDates, calendar: Option<&str>) -> Result<Outcome, EvalError> {
        self.explain_at(id, events, calendar, None)
    }

    /// [`Rules::explain`], by the rules in force on `as_at` when given.
    pub fn explain_at(&self, id: &str, events: &EventDates, calendar: Option<&str>, as_at: Option<Date>) -> Result<Outcome, EvalError> {
        let (ctx, idx) = self.ctx(id, events, calendar, as_at)?;
        let mut steps = Vec::new();
        let (date, set_by) = ctx.eval(idx, &mut Some(&mut steps), 1, 0)?;
        Ok(Outcome { date, set_by, steps })
    }

    /// The first `count` dates of `id`. A timescale that does not repeat has one date.
    pub fn series(&self, id: &str, events: &EventDates, calendar: Option<&str>, count: u32) -> Result<Vec<Date>, EvalError> {
        Ok(self.series_explained(id, events, calendar, count, false)?.0)
    }

    /// [`Rules::series`] with the steps.
    pub fn series_explained(
        &self,
        id: &str,
        events: &EventDates,
        calendar: Option<&str>,
        count: u32,
        explain: bool,
    ) -> Result<(Vec<Date>, Vec<Step>), EvalError> {
        self.series_explained_at(id, events, calendar, count, explain, None)
    }

    /// [`Rules::series_explained`], by the rules in force on `as_at` when given.
    pub fn series_explained_at(
        &self,
        id: &str,
        events: &EventDates,
        calendar: Option<&str>,
        count: u32,
        explain: bool,
        as_at: Option<Date>,
    ) -> Result<(Vec<Date>, Vec<Step>), EvalError> {
        let (ctx, idx) = self.ctx(id, events, calendar, as_at)?;
        let mut steps = Vec::new();
        let mut trace: Trace<'_> = if explain { Some(&mut steps) } else { None };
        let t = &self.timescales[idx];
        let dates = match &t.shape {
            Shape::Every { anchor, .. } => {
                let cal = ctx.calendar_of(t)?;
                let start = ctx.anchor_date(anchor, &mut trace, 0)?;
                let mut out = Vec::with_capacity(count as usize);
                let mut at = start;
                for n in 1..=count {
                    let length = ctx.length_of(t, at, &mut trace)?;
                    at = count_from(cal, at, length, Direction::After, &mut trace)?;
                    note(&mut trace, || Step::Occurrence { n, date: at });
                    out.push(at);
                }
                out
            }
            _ => vec![ctx.eval(idx, &mut trace, 1, 0)?.0],
        };
        Ok((dates, steps))
    }

    /// The rule in words, for use mid-sentence: "within 15 calendar days of
    /// the child's name being added to the child protection register".
    /// `plain` gives the family wording. No capital, no full stop.
    pub fn describe(&self, id: &str, plain: bool) -> Option<String> {
        self.describe_depth(id, plain, 0)
    }

    fn describe_depth(&self, id: &str, plain: bool, depth: usize) -> Option<String> {
        let t = self.timescale(id)?;
        if depth > self.timescales.len() {
            return None;
        }
        let over = if plain { &t.plain_wording } else { &t.wording };
        if let Some(w) = over {
            return Some(w.clone());
        }
        let len = |l: &Length| if plain { l.plain() } else { l.to_string() };
        Some(match &t.shape {
            Shape::Within { anchor, direction: Direction::After, length } => {
                format!("within {} of {}", len(length), self.anchor_words(anchor, plain)?)
            }
            Shape::Within { anchor, direction: Direction::Before, length } => {
                format!("at least {} before {}", len(length), self.anchor_words(anchor, plain)?)
            }
            Shape::Every { anchor, length } => format!("every {} after {}", len(length), self.anchor_words(anchor, plain)?),
            Shape::EarliestOf(ids) => {
                let parts: Vec<String> = ids.iter().map(|i| self.describe_depth(i, plain, depth + 1)).collect::<Option<_>>()?;
                match parts.as_slice() {
                    [a, b] => format!("{a}, or {b} if that is earlier"),
                    [rest @ .., last] => format!("{} or {last}, whichever is earliest", rest.join(", ")),
                    [] => String::new(),
                }
            }
        })
    }

    /// Words for a length with its unit, as the family or a practitioner reads it.
    pub fn length_words(length: &Length, plain: bool) -> String {
        if plain { length.plain() } else { length.to_string() }
    }

    fn anchor_words(&self, anchor: &Anchor, plain: bool) -> Option<String> {
        Some(match anchor {
            Anchor::Event(e) => {
                let e = self.event(e)?;
                if plain { e.plain.clone() } else { e.label.clone() }
            }
            Anchor::Timescale(t) => {
                let t = self.timescale(t)?;
                if plain { t.plain.clone() } else { t.label.clone() }
            }
        })
    }

    /// The date another source's figure would give, counted like the rule in
    /// force (same anchor, direction and calendar), for comparison.
    pub fn due_by_other_source(&self, id: &str, which: usize, events: &EventDates, calendar: Option<&str>) -> Result<Option<Date>, EvalError> {
        let (ctx, idx) = self.ctx(id, events, calendar, None)?;
        let t = &self.timescales[idx];
        let Some(other) = t.other_sources.get(which) else { return Ok(None) };
        let (anchor, direction) = match &t.shape {
            Shape::Within { anchor, direction, .. } => (anchor, *direction),
            Shape::Every { anchor, .. } => (anchor, Direction::After),
            Shape::EarliestOf(_) => return Ok(None),
        };
        let cal = ctx.calendar_of(t)?;
        let start = ctx.anchor_date(anchor, &mut None, 0)?;
        count_from(cal, start, other.length, direction, &mut None).map(Some)
    }
}

impl Ctx<'_> {
    /// The figure of `t` for a count starting on `start`: the version in
    /// force then (or on the `as_at` day).
    fn length_of(&self, t: &Timescale, start: Date, trace: &mut Trace<'_>) -> Result<Length, EvalError> {
        let fixed = match &t.shape {
            Shape::Within { length, .. } | Shape::Every { length, .. } => *length,
            Shape::EarliestOf(_) => return Err(EvalError::OutOfRange),
        };
        if !t.is_dated() {
            return Ok(fixed);
        }
        let on = self.as_at.unwrap_or(start);
        let (_, v) = t
            .version_at(on)
            .ok_or_else(|| EvalError::NotInForce { timescale: t.id.clone(), on, from: t.start(), until: t.until })?;
        let length = v.length.unwrap_or(fixed);
        note(trace, || Step::InForce { id: t.id.clone(), on, from: v.from, length });
        Ok(length)
    }

    fn calendar_of(&self, t: &Timescale) -> Result<&Calendar, EvalError> {
        if let Some(c) = self.calendar {
            return Ok(c);
        }
        t.calendar
            .as_deref()
            .or(self.rules.default_calendar.as_deref())
            .and_then(|n| self.rules.calendar(n))
            .ok_or_else(|| EvalError::NoCalendar(t.id.clone()))
    }

    fn anchor_date(&self, anchor: &Anchor, trace: &mut Trace<'_>, depth: usize) -> Result<Date, EvalError> {
        match anchor {
            Anchor::Event(e) => {
                let date = self
                    .events
                    .get(e)
                    .ok_or_else(|| EvalError::MissingEvent { timescale: self.top.to_owned(), event: e.clone() })?;
                note(trace, || Step::Start { date, what: self.rules.event(e).map_or_else(|| e.clone(), |ev| ev.label.clone()) });
                Ok(date)
            }
            Anchor::Timescale(t) => {
                let &idx = self.rules.timescale_index.get(t).ok_or(EvalError::OutOfRange)?;
                let ts = &self.rules.timescales[idx];
                note(trace, || Step::Rule { id: ts.id.clone(), label: ts.label.clone() });
                let (date, _) = self.eval(idx, trace, 1, depth + 1)?;
                note(trace, || Step::Start { date, what: ts.label.clone() });
                Ok(date)
            }
        }
    }

    /// The date of timescale `idx`; for a series, its `nth` date.
    fn eval(&self, idx: usize, trace: &mut Trace<'_>, nth: u32, depth: usize) -> Result<(Date, Option<String>), EvalError> {
        if depth > self.rules.timescales.len() {
            return Err(EvalError::OutOfRange);
        }
        let t = &self.rules.timescales[idx];
        match &t.shape {
            Shape::Within { anchor, direction, .. } => {
                let cal = self.calendar_of(t)?;
                let start = self.anchor_date(anchor, trace, depth)?;
                let length = self.length_of(t, start, trace)?;
                Ok((count_from(cal, start, length, *direction, trace)?, None))
            }
            Shape::Every { anchor, .. } => {
                let cal = self.calendar_of(t)?;
                let mut at = self.anchor_date(anchor, trace, depth)?;
                for _ in 0..nth {
                    let length = self.length_of(t, at, trace)?;
                    at = count_from(cal, at, length, Direction::After, trace)?;
                }
                Ok((at, None))
            }
            Shape::EarliestOf(ids) => {
                let mut best: Option<(Date, &str)> = None;
                let mut all = Vec::with_capacity(ids.len());
                for id in ids {
                    let &i = self.rules.timescale_index.get(id).ok_or(EvalError::OutOfRange)?;
                    note(trace, || Step::Rule { id: id.clone(), label: self.rules.timescales[i].label.clone() });
                    let (d, _) = self.eval(i, trace, 1, depth + 1)?;
                    all.push((id.as_str(), d));
                    if best.is_none_or(|(b, _)| d < b) {
                        best = Some((d, id));
                    }
                }
                let (date, id) = best.ok_or(EvalError::OutOfRange)?;
                note(trace, || Step::Chose {
                    id: id.to_owned(),
                    date,
                    others: all.iter().filter(|(o, _)| *o != id).map(|(o, d)| ((*o).to_owned(), *d)).collect(),
                });
                Ok((date, Some(id.to_owned())))
            }
        }
    }
}

/// Which days count, for [`count`]: a resolved [`Calendar`], or the
/// pre-computed day table the browser gets ([`crate::plan::DayTable`]).
pub trait WorkingDays {
    /// Is the day with this Julian day number a working day? An error for a
    /// day the calendar cannot answer for.
    fn working(&self, jd: i32) -> Result<bool, EvalError>;
    /// Why `date` is not a working day (for explanations only).
    fn reason(&self, _date: Date) -> Option<NonWorking> {
        None
    }
}

impl WorkingDays for Calendar {
    #[inline]
    fn working(&self, jd: i32) -> Result<bool, EvalError> {
        Ok(self.is_working_jd(jd))
    }
    fn reason(&self, date: Date) -> Option<NonWorking> {
        self.non_working(date)
    }
}

/// Where [`count`] reports its steps. With [`Silent`] every step, and the
/// code that words it, compiles away (the browser module has none of it).
pub trait Tracer {
    /// Does anyone want the steps?
    fn on(&self) -> bool;
    /// Records a step.
    fn push(&mut self, step: impl FnOnce() -> Step);
}

impl Tracer for Trace<'_> {
    fn on(&self) -> bool {
        self.is_some()
    }
    fn push(&mut self, step: impl FnOnce() -> Step) {
        note(self, step);
    }
}

/// No steps wanted.
pub struct Silent;

impl Tracer for Silent {
    #[inline(always)]
    fn on(&self) -> bool {
        false
    }
    #[inline(always)]
    fn push(&mut self, _step: impl FnOnce() -> Step) {}
}

/// The years a due date may fall in, as everywhere else (dates are written
/// `YYYY-MM-DD`); the date library itself goes further, to year −9999.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn in_range(date: Date) -> Result<Date, EvalError> {
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(EvalError::OutOfRange) }
}

/// Counts `length` from `start` in `cal` by the counting conventions.
pub fn count_from(cal: &Calendar, start: Date, length: Length, direction: Direction, trace: &mut Trace<'_>) -> Result<Date, EvalError> {
    count(cal, start, length, direction, trace)
}

/// [`count_from`] for any [`WorkingDays`] and [`Tracer`]: the one counting
/// code that `waymark dates`, the pages and the browser all run.
pub fn count<C: WorkingDays + ?Sized, T: Tracer>(cal: &C, start: Date, length: Length, direction: Direction, trace: &mut T) -> Result<Date, EvalError> {
    let sign: i64 = match direction {
        Direction::After => 1,
        Direction::Before => -1,
    };
    let landed = match length.unit {
        // 0 working days: the day itself, moved back like a calendar deadline.
        Unit::WorkingDays if length.n > 0 => {
            let step = sign as i32;
            let mut jd = start.to_julian_day();
            let mut left = length.n;
            while left > 0 {
                jd = jd.checked_add(step).ok_or(EvalError::OutOfRange)?;
                if cal.working(jd)? {
                    left -= 1;
                } else if trace.on() {
                    let date = Date::from_julian_day(jd).map_err(|_| EvalError::OutOfRange)?;
                    if let Some(reason) = cal.reason(date) {
                        trace.push(|| Step::Skipped { date, reason });
                    }
                }
            }
            let date = in_range(Date::from_julian_day(jd).map_err(|_| EvalError::OutOfRange)?)?;
            trace.push(|| Step::WorkingDay { n: length.n, direction, date });
            return Ok(date);
        }
        Unit::CalendarDays | Unit::Weeks | Unit::WorkingDays => {
            let days = i64::from(length.n) * if length.unit == Unit::Weeks { 7 } else { 1 };
            let date = add_days(start, sign * days).ok_or(EvalError::OutOfRange)?;
            trace.push(|| Step::Counted { length, direction, date, clamped_from: None });
            date
        }
        Unit::Months => {
            let (date, clamped) = add_months(start, sign * i64::from(length.n)).ok_or(EvalError::OutOfRange)?;
            trace.push(|| Step::Counted { length, direction, date, clamped_from: clamped.then_some(start.day()) });
            date
        }
    };
    // Never later than the rule allows: a non-working landing day moves back.
    let mut jd = landed.to_julian_day();
    while !cal.working(jd)? {
        if trace.on() {
            let date = Date::from_julian_day(jd).map_err(|_| EvalError::OutOfRange)?;
            if let Some(reason) = cal.reason(date) {
                trace.push(|| Step::Skipped { date, reason });
            }
        }
        jd = jd.checked_sub(1).ok_or(EvalError::OutOfRange)?;
    }
    let date = in_range(Date::from_julian_day(jd).map_err(|_| EvalError::OutOfRange)?)?;
    if date == landed {
        trace.push(|| Step::Stands { date });
    } else {
        trace.push(|| Step::MovedBack { from: landed, to: date });
    }
    Ok(date)
}
