//! The validated rules: [`Rules::from_doc`] checks a [`RulesDoc`] and reports
//! every problem it finds, not just the first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::Date;

use crate::calendar::{BuiltIn, Calendar, Holiday};
use crate::date::{self, parse_iso, WEEKDAYS};
use crate::doc::{CalendarDoc, GovUkFeed, RulesDoc, TimescaleDoc};
use crate::error::{nearest, ErrorKind, PathPart, RefKind, RuleError, Section};
use crate::length::{self, Length};
use crate::versions::{self, Checked, Version};

/// Something a timescale counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// An event's date.
    Event(String),
    /// Another timescale's due date (the first date of a repeating one).
    Timescale(String),
}

impl Anchor {
    /// The id named.
    pub fn id(&self) -> &str {
        match self {
            Anchor::Event(id) | Anchor::Timescale(id) => id,
        }
    }
}

/// Which way a timescale counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Forward from the anchor: "no later than".
    After,
    /// Back from the anchor: "at least N before".
    Before,
}

/// What a timescale computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One deadline.
    Within {
        /// Counted from.
        anchor: Anchor,
        /// Forward or back.
        direction: Direction,
        /// How far.
        length: Length,
    },
    /// A series: each date `length` after the previous computed one.
    Every {
        /// The first date is `length` after this.
        anchor: Anchor,
        /// How often.
        length: Length,
    },
    /// Whichever of these timescales falls first.
    EarliestOf(Vec<String>),
}

/// An event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Id.
    pub id: String,
    /// Practitioner words (noun phrase).
    pub label: String,
    /// Family words (noun phrase).
    pub plain: String,
    /// Note.
    pub note: Option<String>,
}

/// Another source's figure for a timescale.
#[derive(Debug, Clone)]
pub struct OtherSource {
    /// The source in words.
    pub source: String,
    /// Its figure.
    pub length: Length,
    /// True if it is a repeating figure (`every`).
    pub every: bool,
    /// Note.
    pub note: Option<String>,
}

/// A validated timescale.
#[derive(Debug, Clone)]
pub struct Timescale {
    /// Id.
    pub id: String,
    /// Practitioner name (noun phrase).
    pub label: String,
    /// Family name (noun phrase).
    pub plain: String,
    /// What it computes.
    pub shape: Shape,
    /// Its own calendar, if it names one.
    pub calendar: Option<String>,
    /// Sources of the figure in force.
    pub sources: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// Wording override (practitioner).
    pub wording: Option<String>,
    /// Wording override (family).
    pub plain_wording: Option<String>,
    /// Other sources' figures.
    pub other_sources: Vec<OtherSource>,
    /// How it stood over time, oldest first: one version for a timescale
    /// with nothing dated. The fields above hold the newest one's values
    /// ([`Rules::at`] gives them for a day). See [`crate::versions`].
    pub versions: Vec<Version>,
    /// The first day it no longer exists (`until`), if any.
    pub until: Option<Date>,
    /// Its `from` day, if it has one (a rule that begins then, rather than
    /// one whose history starts with its first dated figure).
    pub from: Option<Date>,
}

impl Timescale {
    /// True for an `every` timescale.
    pub fn repeats(&self) -> bool {
        matches!(self.shape, Shape::Every { .. })
    }

    /// The figure in force (`15 calendar days`), for `within`/`every` timescales.
    pub fn length(&self) -> Option<Length> {
        match &self.shape {
            Shape::Within { length, .. } | Shape::Every { length, .. } => Some(*length),
            Shape::EarliestOf(_) => None,
        }
    }
}

/// A validated calculator.
#[derive(Debug, Clone)]
pub struct Calculator {
    /// Id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Event ids it asks for.
    pub asks: Vec<String>,
    /// Timescale ids it shows.
    pub shows: Vec<String>,
    /// Events dated the same day as the first asked event.
    pub same_day: Vec<String>,
    /// Calendar name (resolved to the file's default when it names none).
    pub calendar: Option<String>,
}

impl Calculator {
    /// Gives each `same_day` event the first asked event's date, if known.
    pub fn fill(&self, events: &mut crate::EventDates) {
        if let Some(date) = self.asks.first().and_then(|a| events.get(a)) {
            for e in &self.same_day {
                events.set(e, date);
            }
        }
    }
}

/// Imported GOV.UK feeds, by the file name as the rules file writes it
/// (the part of `import` before `#`). The host reads and parses the files.
#[derive(Debug, Clone, Default)]
pub struct Imports {
    /// Feeds by file name.
    pub files: BTreeMap<String, GovUkFeed>,
}

/// Splits `FILE#division`.
pub fn split_import(spec: &str) -> Option<(&str, &str)> {
    let (file, division) = spec.rsplit_once('#')?;
    (!file.trim().is_empty() && !division.trim().is_empty()).then(|| (file.trim(), division.trim()))
}

/// A validated rules document, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(crate) default_calendar: Option<String>,
    pub(crate) calendars: Vec<Calendar>,
    pub(crate) events: Vec<Event>,
    pub(crate) timescales: Vec<Timescale>,
    pub(crate) calculators: Vec<Calculator>,
    pub(crate) calendar_index: HashMap<String, usize>,
    pub(crate) event_index: HashMap<String, usize>,
    pub(crate) timescale_index: HashMap<String, usize>,
}

struct Check {
    errors: Vec<RuleError>,
}

impl Check {
    fn push(&mut self, section: Section, id: &str, field: &[PathPart], kind: ErrorKind) {
        self.errors.push(RuleError::new(section, id, field, kind));
    }
}

fn unknown<'a>(what: RefKind, name: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> ErrorKind {
    ErrorKind::Unknown {
        what,
        name: name.to_owned(),
        suggestion: nearest(name, known.clone()),
        known: known.into_iter().map(str::to_owned).collect(),
    }
}

impl Rules {
    /// Validates `doc` (with any imported feeds) into rules, or every problem found.
    pub fn from_doc(doc: &RulesDoc, imports: &Imports) -> Result<Rules, Vec<RuleError>> {
        let mut ck = Check { errors: Vec::new() };
        let cal_names: Vec<&str> = doc.calendars.0.iter().map(|(k, _)| k.as_str()).collect();

        if let Some(name) = &doc.calendar
            && !cal_names.contains(&name.as_str())
        {
            ck.push(Section::Document, "calendar", &[], unknown(RefKind::Calendar, name, cal_names.iter().copied()));
        }

        let calendars = build_calendars(doc, imports, &mut ck);

        let events: Vec<Event> = doc
            .events
            .0
            .iter()
            .map(|(id, e)| Event { id: id.clone(), label: e.label.clone(), plain: e.plain.clone(), note: e.note.clone() })
            .collect();
        let event_ids: Vec<&str> = doc.events.0.iter().map(|(k, _)| k.as_str()).collect();
        let ts_ids: Vec<&str> = doc.timescales.0.iter().map(|(k, _)| k.as_str()).collect();
        let both: Vec<&str> = event_ids.iter().chain(ts_ids.iter()).copied().collect();

        let mut timescales = Vec::new();
        for (id, t) in &doc.timescales.0 {
            if event_ids.contains(&id.as_str()) {
                ck.push(Section::Timescales, id, &[], ErrorKind::AmbiguousId);
            }
            if let Some(ts) = build_timescale(id, t, doc, &event_ids, &ts_ids, &both, &cal_names, &mut ck) {
                timescales.push(ts);
            }
        }

        // Cycles, reported once each, at the first member in file order.
        let by_id: HashMap<&str, &Timescale> = timescales.iter().map(|t| (t.id.as_str(), t)).collect();
        let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for t in &timescales {
            if let Some(chain) = find_cycle(&t.id, &by_id) {
                let members: BTreeSet<String> = chain.iter().cloned().collect();
                if chain[0] == t.id && reported.insert(members) {
                    let field = match &t.shape {
                        Shape::EarliestOf(_) => vec![PathPart::from("earliest_of")],
                        Shape::Within { direction: Direction::Before, .. } => vec![PathPart::from("before")],
                        _ => vec![PathPart::from("after")],
                    };
                    ck.push(Section::Timescales, &t.id, &field, ErrorKind::Cycle { chain });
                }
            }
        }

        let mut rules = Rules {
            default_calendar: doc.calendar.clone(),
            calendar_index: calendars.iter().enumerate().map(|(i, c)| (c.name().to_owned(), i)).collect(),
            calendars,
            event_index: events.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect(),
            events,
            timescale_index: timescales.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect(),
            timescales,
            calculators: Vec::new(),
        };

        for (id, c) in &doc.calculators.0 {
            let mut asks = Vec::new();
            for (i, e) in c.asks.0.iter().enumerate() {
                if rules.event_index.contains_key(e) {
                    asks.push(e.clone());
                } else {
                    ck.push(Section::Calculators, id, &["asks".into(), i.into()], unknown(RefKind::Event, e, event_ids.iter().copied()));
                }
            }
            let mut same_day = Vec::new();
            for (i, e) in c.same_day.iter().enumerate() {
                if rules.event_index.contains_key(e) {
                    same_day.push(e.clone());
                } else {
                    ck.push(Section::Calculators, id, &["same_day".into(), i.into()], unknown(RefKind::Event, e, event_ids.iter().copied()));
                }
            }
            let mut shows = Vec::new();
            for (i, s) in c.shows.iter().enumerate() {
                if !ts_ids.contains(&s.as_str()) {
                    ck.push(Section::Calculators, id, &["shows".into(), i.into()], unknown(RefKind::Timescale, s, ts_ids.iter().copied()));
                    continue;
                }
                // A timescale with problems of its own was reported already.
                if rules.timescale_index.contains_key(s) && ck.errors.iter().all(|e| !matches!(e.kind, ErrorKind::Cycle { .. })) {
                    for needed in rules.required_events(s).unwrap_or_default() {
                        if !c.asks.0.iter().chain(c.same_day.iter()).any(|a| *a == needed) {
                            ck.push(
                                Section::Calculators,
                                id,
                                &["shows".into(), i.into()],
                                ErrorKind::CalculatorMissingEvent { timescale: s.clone(), event: needed },
                            );
                        }
                    }
                }
                shows.push(s.clone());
            }
            if let Some(cal) = &c.calendar
                && !cal_names.contains(&cal.as_str())
            {
                ck.push(Section::Calculators, id, &["calendar".into()], unknown(RefKind::Calendar, cal, cal_names.iter().copied()));
            }
            rules.calculators.push(Calculator {
                id: id.clone(),
                title: c.title.clone(),
                asks,
                shows,
                same_day,
                calendar: c.calendar.clone().or_else(|| doc.calendar.clone()),
            });
        }

        if ck.errors.is_empty() { Ok(rules) } else { Err(ck.errors) }
    }

    /// The file's default calendar.
    pub fn default_calendar(&self) -> Option<&str> {
        self.default_calendar.as_deref()
    }

    /// A calendar by name.
    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendar_index.get(name).map(|&i| &self.calendars[i])
    }

    /// Every calendar, in file order.
    pub fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    /// An event by id.
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.event_index.get(id).map(|&i| &self.events[i])
    }

    /// Every event, in file order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// A timescale by id.
    pub fn timescale(&self, id: &str) -> Option<&Timescale> {
        self.timescale_index.get(id).map(|&i| &self.timescales[i])
    }

    /// Every timescale, in file order.
    pub fn timescales(&self) -> &[Timescale] {
        &self.timescales
    }

    /// Every calculator, in file order.
    pub fn calculators(&self) -> &[Calculator] {
        &self.calculators
    }

    /// A calculator by id.
    pub fn calculator(&self, id: &str) -> Option<&Calculator> {
        self.calculators.iter().find(|c| c.id == id)
    }

    /// The events whose dates `id` needs, in the order first met.
    pub fn required_events(&self, id: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        self.collect_events(id, &mut out, 0)?;
        Some(out)
    }

    fn collect_events(&self, id: &str, out: &mut Vec<String>, depth: usize) -> Option<()> {
        if depth > self.timescales.len() {
            return None;
        }
        let t = self.timescale(id)?;
        let anchor = |a: &Anchor, out: &mut Vec<String>| match a {
            Anchor::Event(e) => {
                if !out.contains(e) {
                    out.push(e.clone());
                }
                Some(())
            }
            Anchor::Timescale(t) => self.collect_events(t, out, depth + 1),
        };
        match &t.shape {
            Shape::Within { anchor: a, .. } | Shape::Every { anchor: a, .. } => anchor(a, out),
            Shape::EarliestOf(ids) => ids.iter().try_for_each(|i| self.collect_events(i, out, depth + 1)),
        }
    }

    /// The calendar `id` counts in: `override_name`, else its own, else the default.
    pub fn calendar_for(&self, id: &str, override_name: Option<&str>) -> Option<&Calendar> {
        let t = self.timescale(id)?;
        let name = override_name.or(t.calendar.as_deref()).or(self.default_calendar.as_deref())?;
        self.calendar(name)
    }

    /// Nearest timescale id to a misspelt one.
    pub fn suggest_timescale(&self, wrong: &str) -> Option<String> {
        nearest(wrong, self.timescales.iter().map(|t| t.id.as_str()))
    }

    /// Nearest calendar name to a misspelt one.
    pub fn suggest_calendar(&self, wrong: &str) -> Option<String> {
        nearest(wrong, self.calendars.iter().map(|c| c.name()))
    }
}

fn find_cycle(start: &str, by_id: &HashMap<&str, &Timescale>) -> Option<Vec<String>> {
    fn deps(t: &Timescale) -> Vec<&str> {
        match &t.shape {
            Shape::Within { anchor: Anchor::Timescale(a), .. } | Shape::Every { anchor: Anchor::Timescale(a), .. } => vec![a],
            Shape::EarliestOf(ids) => ids.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
    fn walk(at: &str, start: &str, by_id: &HashMap<&str, &Timescale>, path: &mut Vec<String>, seen: &mut BTreeSet<String>) -> bool {
        let Some(t) = by_id.get(at) else { return false };
        for d in deps(t) {
            if d == start {
                path.push(d.to_owned());
                return true;
            }
            if seen.insert(d.to_owned()) {
                path.push(d.to_owned());
                if walk(d, start, by_id, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    let mut seen = BTreeSet::new();
    walk(start, start, by_id, &mut path, &mut seen).then_some(path)
}

#[allow(clippy::too_many_arguments)]
fn build_timescale(
    id: &str,
    t: &TimescaleDoc,
    doc: &RulesDoc,
    event_ids: &[&str],
    ts_ids: &[&str],
    both: &[&str],
    cal_names: &[&str],
    ck: &mut Check,
) -> Option<Timescale> {
    let sec = Section::Timescales;
    let before_errors = ck.errors.len();
    let anchor = |name: &str| -> Option<Anchor> {
        if ts_ids.contains(&name) {
            Some(Anchor::Timescale(name.to_owned()))
        } else if event_ids.contains(&name) {
            Some(Anchor::Event(name.to_owned()))
        } else {
            None
        }
    };
    // A figure, plain or dated: each value checked, errors at `key` (and its date).
    let parse_length = |key: &'static str, value: &crate::doc::Dated<String>, ck: &mut Check| -> Option<Checked<Length>> {
        let checked = versions::check(id, key, value, &mut ck.errors)?;
        checked.map(|date, text| match length::parse(&text) {
            Ok(l) => Some(l),
            Err(e) => {
                let field: Vec<PathPart> = if date.is_empty() { vec![key.into()] } else { vec![key.into(), PathPart::Key(date.to_owned())] };
                ck.push(sec, id, &field, ErrorKind::BadLength { text, suggestions: e.suggestions });
                None
            }
        })
    };
    let newest = |c: &Checked<Length>| match c {
        Checked::Always(l) => *l,
        Checked::Changes(v) => v.last().expect("checked changes are not empty").1,
    };
    let mut figure: Option<(&'static str, Checked<Length>)> = None;

    let shape = if let Some(list) = &t.earliest_of {
        for (key, present) in [("after", t.after.is_some()), ("before", t.before.is_some()), ("within", t.within.is_some()), ("every", t.every.is_some())] {
            if present {
                ck.push(sec, id, &[key.into()], ErrorKind::EarliestOfWith { key });
            }
        }
        if list.len() < 2 {
            ck.push(sec, id, &["earliest_of".into()], ErrorKind::EarliestOfTooFew);
        }
        for (i, other) in list.iter().enumerate() {
            if !ts_ids.contains(&other.as_str()) {
                ck.push(sec, id, &["earliest_of".into(), i.into()], unknown(RefKind::Timescale, other, ts_ids.iter().copied()));
            }
        }
        Some(Shape::EarliestOf(list.clone()))
    } else {
        let (anchor_key, anchor_name, direction) = match (&t.after, &t.before) {
            (Some(_), Some(_)) => {
                ck.push(sec, id, &["before".into()], ErrorKind::AfterAndBefore);
                (None, None, Direction::After)
            }
            (None, None) => {
                ck.push(sec, id, &[], ErrorKind::NoAnchor);
                (None, None, Direction::After)
            }
            (Some(a), None) => (Some("after"), Some(a.as_str()), Direction::After),
            (None, Some(b)) => (Some("before"), Some(b.as_str()), Direction::Before),
        };
        let anchor = match (anchor_key, anchor_name) {
            (Some(key), Some(name)) => {
                let a = anchor(name);
                if a.is_none() {
                    ck.push(sec, id, &[key.into()], unknown(RefKind::EventOrTimescale, name, both.iter().copied()));
                }
                a
            }
            _ => None,
        };
        let shape_len = match (&t.within, &t.every) {
            (Some(_), Some(_)) => {
                ck.push(sec, id, &["every".into()], ErrorKind::WithinAndEvery);
                None
            }
            (None, None) => {
                ck.push(sec, id, &[], ErrorKind::NoLength);
                None
            }
            (Some(w), None) => parse_length("within", w, ck).map(|l| {
                let n = newest(&l);
                figure = Some(("within", l));
                (false, n)
            }),
            (None, Some(e)) => {
                let l = parse_length("every", e, ck);
                if direction == Direction::Before && anchor_key.is_some() {
                    ck.push(sec, id, &["before".into()], ErrorKind::EveryBefore);
                }
                let zero = match &l {
                    Some(Checked::Always(l)) => l.n == 0,
                    Some(Checked::Changes(c)) => c.iter().any(|(_, l)| l.n == 0),
                    None => false,
                };
                if zero {
                    ck.push(sec, id, &["every".into()], ErrorKind::ZeroEvery);
                }
                l.map(|l| {
                    let n = newest(&l);
                    figure = Some(("every", l));
                    (true, n)
                })
            }
        };
        match (anchor, shape_len) {
            (Some(anchor), Some((false, length))) => Some(Shape::Within { anchor, direction, length }),
            (Some(anchor), Some((true, length))) => Some(Shape::Every { anchor, length }),
            _ => None,
        }
    };

    match &t.calendar {
        Some(cal) if !cal_names.contains(&cal.as_str()) => {
            ck.push(sec, id, &["calendar".into()], unknown(RefKind::Calendar, cal, cal_names.iter().copied()));
        }
        None if doc.calendar.is_none() && t.earliest_of.is_none() => ck.push(sec, id, &[], ErrorKind::NoCalendar),
        _ => {}
    }

    let mut other_sources = Vec::new();
    for (i, o) in t.other_sources.iter().enumerate() {
        let field = |k: &'static str| vec![PathPart::from("other_sources"), PathPart::from(i), PathPart::from(k)];
        let (key, text, every) = match (&o.within, &o.every) {
            (Some(w), None) => ("within", w, false),
            (None, Some(e)) => ("every", e, true),
            _ => {
                ck.push(sec, id, &["other_sources".into(), i.into()], ErrorKind::OtherSourceLength);
                continue;
            }
        };
        match length::parse(text) {
            Ok(length) => other_sources.push(OtherSource { source: o.source.clone(), length, every, note: o.note.clone() }),
            Err(e) => ck.push(sec, id, &field(key), ErrorKind::BadLength { text: text.clone(), suggestions: e.suggestions }),
        }
    }

    let text = |key: &'static str, v: &Option<crate::doc::Dated<String>>, ck: &mut Check| -> Option<Option<Checked<String>>> {
        match v {
            None => Some(None),
            Some(v) => versions::check(id, key, v, &mut ck.errors).map(Some),
        }
    };
    let label = versions::check(id, "label", &t.label, &mut ck.errors);
    let plain = versions::check(id, "plain", &t.plain, &mut ck.errors);
    let sources = versions::check(id, "source", &t.source, &mut ck.errors).and_then(|c| c.map(|_, s| Some(s.0)));
    let note = text("note", &t.note, ck);
    let wording = text("wording", &t.wording, ck);
    let plain_wording = text("plain_wording", &t.plain_wording, ck);
    let (Some(label), Some(plain), Some(sources), Some(note), Some(wording), Some(plain_wording)) = (label, plain, sources, note, wording, plain_wording) else {
        return None;
    };
    let fields = versions::Fields { length: figure, label, plain, sources, note, wording, plain_wording };
    let dated = versions::build(id, &fields, t.from.as_deref(), t.until.as_deref(), &mut ck.errors);

    if ck.errors.len() > before_errors {
        return None;
    }
    let (versions, until) = dated?;
    let newest = versions.last().expect("at least one version").clone();
    Some(Timescale {
        id: id.to_owned(),
        label: newest.label,
        plain: newest.plain,
        shape: shape?,
        calendar: t.calendar.clone(),
        sources: newest.sources,
        note: newest.note,
        wording: newest.wording,
        plain_wording: newest.plain_wording,
        other_sources,
        from: t.from.as_deref().and_then(|d| crate::date::parse_iso(d.trim())),
        versions,
        until,
    })
}

/// A calendar's own settings, checked but not yet merged with what it extends.
struct OwnCalendar {
    weekend: Option<[bool; 7]>,
    builtins: Vec<BuiltIn>,
    removed: Vec<(usize, Date)>,
    extra: Vec<Holiday>,
}

fn check_calendar(name: &str, c: &CalendarDoc, imports: &Imports, ck: &mut Check) -> OwnCalendar {
    let sec = Section::Calendars;
    let weekend = c.weekend.as_ref().map(|days| {
        let mut w = [false; 7];
        for (i, d) in days.iter().enumerate() {
            match date::parse_weekday(d) {
                Some(day) => w[usize::from(day.number_days_from_monday())] = true,
                None => ck.push(
                    sec,
                    name,
                    &["weekend".into(), i.into()],
                    ErrorKind::BadWeekday { text: d.clone(), suggestion: nearest(&d.to_lowercase(), WEEKDAYS.iter().map(|(n, _)| *n)) },
                ),
            }
        }
        if w.iter().all(|&b| b) {
            ck.push(sec, name, &["weekend".into()], ErrorKind::AllWeekend);
        }
        w
    });
    let one_field = |key: &str, many: bool, i: usize| -> Vec<PathPart> { if many { vec![key.into(), i.into()] } else { vec![key.into()] } };
    let mut builtins = Vec::new();
    for (i, h) in c.holidays.0.iter().enumerate() {
        match BuiltIn::from_name(h) {
            Some(b) => builtins.push(b),
            None => ck.push(
                sec,
                name,
                &one_field("holidays", c.holidays.0.len() > 1, i),
                unknown(RefKind::HolidayRules, h, BuiltIn::ALL.iter().map(|b| b.name())),
            ),
        }
    }
    let mut extra = Vec::new();
    for (i, d) in c.dates.iter().enumerate() {
        match parse_iso(d.date.trim()) {
            Some(date) => extra.push(Holiday { date, name: d.name.clone(), substitute: false }),
            None => ck.push(sec, name, &["dates".into(), i.into(), "date".into()], ErrorKind::BadDate { text: d.date.clone() }),
        }
    }
    let mut removed = Vec::new();
    for (i, d) in c.not_holidays.iter().enumerate() {
        match parse_iso(d.trim()) {
            Some(date) => removed.push((i, date)),
            None => ck.push(sec, name, &["not_holidays".into(), i.into()], ErrorKind::BadDate { text: d.clone() }),
        }
    }
    for (i, spec) in c.import.0.iter().enumerate() {
        let field = one_field("import", c.import.0.len() > 1, i);
        let Some((file, division)) = split_import(spec) else {
            ck.push(sec, name, &field, ErrorKind::BadImport { text: spec.clone() });
            continue;
        };
        // A file the host could not read has already been reported by the host.
        let Some(feed) = imports.files.get(file) else { continue };
        let Some(div) = feed.get(division) else {
            ck.push(sec, name, &field, unknown(RefKind::Division, division, feed.keys().map(String::as_str)));
            continue;
        };
        for ev in &div.events {
            match parse_iso(ev.date.trim()) {
                Some(date) => {
                    let substitute = ev.notes.eq_ignore_ascii_case("substitute day");
                    let title = ev.title.replace('\u{2019}', "'");
                    let name = if substitute { format!("{title} (substitute day)") } else { title };
                    extra.push(Holiday { date, name, substitute });
                }
                None => {
                    ck.push(sec, name, &field, ErrorKind::BadImportDate { file: file.to_owned(), text: ev.date.clone() });
                    break;
                }
            }
        }
    }
    OwnCalendar { weekend, builtins, removed, extra }
}

fn build_calendars(doc: &RulesDoc, imports: &Imports, ck: &mut Check) -> Vec<Calendar> {
    let own: Vec<(&str, Option<&str>, OwnCalendar)> = doc
        .calendars
        .0
        .iter()
        .map(|(name, c)| (name.as_str(), c.extends.as_deref(), check_calendar(name, c, imports, ck)))
        .collect();
    let index: HashMap<&str, usize> = own.iter().enumerate().map(|(i, (n, ..))| (*n, i)).collect();

    let mut out = Vec::new();
    for (i, (name, extends, _)) in own.iter().enumerate() {
        // The chain from this calendar to its root ancestor.
        let mut chain = vec![i];
        let mut at = *extends;
        let mut ok = true;
        while let Some(parent) = at {
            match index.get(parent) {
                Some(&p) if chain.contains(&p) => {
                    // Report a loop once, at its first calendar in file order.
                    if p == i && chain.iter().all(|&c| c >= i) {
                        let mut names: Vec<String> = chain.iter().map(|&c| own[c].0.to_owned()).collect();
                        names.push((*name).to_owned());
                        ck.push(Section::Calendars, name, &["extends".into()], ErrorKind::Cycle { chain: names });
                    }
                    ok = false;
                    break;
                }
                Some(&p) => {
                    chain.push(p);
                    at = own[p].1;
                }
                None => {
                    if chain.len() == 1 {
                        ck.push(
                            Section::Calendars,
                            name,
                            &["extends".into()],
                            unknown(RefKind::Calendar, parent, own.iter().map(|(n, ..)| *n).filter(|n| n != name)),
                        );
                    }
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        // Merge from the root down: the nearest weekend wins; rule sets and
        // dates add up; each calendar's `not_holidays` removes rule days and
        // dates it inherited, then its own dates are added.
        let mut weekend = None;
        let mut builtins: Vec<BuiltIn> = Vec::new();
        let mut removed = BTreeSet::new();
        let mut extra: BTreeMap<Date, Holiday> = BTreeMap::new();
        for &c in chain.iter().rev() {
            let oc = &own[c].2;
            if oc.weekend.is_some() {
                weekend = oc.weekend;
            }
            for b in &oc.builtins {
                if !builtins.contains(b) {
                    builtins.push(*b);
                }
            }
            for &(j, d) in &oc.removed {
                let from_rules = builtins.iter().any(|b| b.holidays(d.year()).iter().any(|h| h.date == d));
                let inherited = extra.remove(&d).is_some();
                // `not_holidays` must name a day that would be a holiday, or it is a typo.
                if c == i && !from_rules && !inherited {
                    ck.push(Section::Calendars, name, &["not_holidays".into(), j.into()], ErrorKind::NotAHoliday { date: date::iso(d) });
                }
                removed.insert(d);
            }
            for h in &oc.extra {
                extra.insert(h.date, h.clone());
            }
        }
        let weekend = weekend.unwrap_or([false, false, false, false, false, true, true]);
        out.push(Calendar::new(*name, weekend, builtins, removed, extra));
    }
    out
}
