//! Rules as they stood on a date.
//!
//! A timescale's figure (`within`/`every`), `source`, `label`, `plain`,
//! `note`, `wording` and `plain_wording` may each be a mapping from the date
//! a value takes effect to the value ([`crate::doc::Dated`]), and a timescale
//! may exist only from `from` and until `until`. Validation turns that into
//! [`Version`]s: one for each date on which anything changes, each holding
//! every field as it stood from that date, so a question about a day needs
//! one lookup ([`Timescale::version_at`]).
//!
//! Which version a count uses: the one in force on the day the count starts
//! (its day 0: the event's date, or the date of the timescale it counts
//! from), unless the caller gives an `as_at` date, which then decides for
//! every count. A day before the first figure or `from`, or from `until` on,
//! has no version: [`crate::EvalError::NotInForce`].
//!
//! A dated figure needs a source dated the same day, so every figure the
//! site states says where it comes from. A text field's first value also
//! covers any earlier day the timescale exists.

use time::Date;

use crate::date::parse_iso;
use crate::doc::Dated;
use crate::error::{ErrorKind, PathPart, RuleError, Section};
use crate::length::Length;
use crate::rules::{Rules, Shape, Timescale};

/// A timescale as it stood from one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The first day this version is in force; `None`: since always.
    pub from: Option<Date>,
    /// The figure (`None` for `earliest_of`).
    pub length: Option<Length>,
    /// Practitioner name.
    pub label: String,
    /// Family name.
    pub plain: String,
    /// Sources of the figure.
    pub sources: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// Wording override (practitioner).
    pub wording: Option<String>,
    /// Wording override (family).
    pub plain_wording: Option<String>,
}

/// A dated value with its dates checked.
#[derive(Debug, Clone)]
pub(crate) enum Checked<T> {
    Always(T),
    Changes(Vec<(Date, T)>),
}

impl<T: Clone> Checked<T> {
    /// The value on `day`: the latest change on or before it, else the first
    /// (callers make sure the first is not needed where it would be wrong).
    fn on(&self, day: Option<Date>) -> T {
        match self {
            Checked::Always(v) => v.clone(),
            Checked::Changes(c) => {
                let latest = day.and_then(|d| c.iter().rev().find(|(from, _)| *from <= d));
                latest.unwrap_or(&c[0]).1.clone()
            }
        }
    }

    fn dates(&self) -> Vec<Date> {
        match self {
            Checked::Always(_) => Vec::new(),
            Checked::Changes(c) => c.iter().map(|(d, _)| *d).collect(),
        }
    }

    pub(crate) fn map<U>(self, mut f: impl FnMut(&str, T) -> Option<U>) -> Option<Checked<U>> {
        Some(match self {
            Checked::Always(v) => Checked::Always(f("", v)?),
            Checked::Changes(c) => {
                let mut out = Vec::with_capacity(c.len());
                let mut ok = true;
                for (d, v) in c {
                    match f(&crate::date::iso(d), v) {
                        Some(u) => out.push((d, u)),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Checked::Changes(out)
            }
        })
    }
}

/// Checks the dates of one dated field: each a date, in order, none twice.
/// Errors go to `errors` at `key` (and the date, for a dated value).
pub(crate) fn check<T: Clone>(id: &str, key: &'static str, value: &Dated<T>, errors: &mut Vec<RuleError>) -> Option<Checked<T>> {
    let changes = match value {
        Dated::Always(v) => return Some(Checked::Always(v.clone())),
        Dated::Changes(c) => c,
    };
    let at = |date: &str| vec![PathPart::from(key), PathPart::Key(date.to_owned())];
    if changes.is_empty() {
        errors.push(RuleError::new(Section::Timescales, id, &[key.into()], ErrorKind::NoChanges));
        return None;
    }
    let before = errors.len();
    let mut out: Vec<(Date, T)> = Vec::with_capacity(changes.len());
    for (text, v) in changes {
        let Some(date) = parse_iso(text.trim()) else {
            errors.push(RuleError::new(Section::Timescales, id, &at(text), ErrorKind::BadChangeDate { text: text.clone() }));
            continue;
        };
        if let Some(&(previous, _)) = out.last() {
            let kind = if date == previous {
                ErrorKind::DuplicateDate { date: text.trim().to_owned() }
            } else if date < previous {
                ErrorKind::DateOutOfOrder { date: text.trim().to_owned(), previous: crate::date::iso(previous) }
            } else {
                out.push((date, v.clone()));
                continue;
            };
            errors.push(RuleError::new(Section::Timescales, id, &at(text), kind));
            continue;
        }
        out.push((date, v.clone()));
    }
    (errors.len() == before).then_some(Checked::Changes(out))
}

/// The fields of a timescale that may be dated, checked.
pub(crate) struct Fields {
    pub length: Option<(&'static str, Checked<Length>)>,
    pub label: Checked<String>,
    pub plain: Checked<String>,
    pub sources: Checked<Vec<String>>,
    pub note: Option<Checked<String>>,
    pub wording: Option<Checked<String>>,
    pub plain_wording: Option<Checked<String>>,
}

/// Builds the versions of timescale `id` and its `until`, reporting what is
/// wrong with `from`, `until` and the dates of sources.
pub(crate) fn build(
    id: &str,
    fields: &Fields,
    from: Option<&str>,
    until: Option<&str>,
    errors: &mut Vec<RuleError>,
) -> Option<(Vec<Version>, Option<Date>)> {
    let before = errors.len();
    let push = |errors: &mut Vec<RuleError>, field: Vec<PathPart>, kind: ErrorKind| errors.push(RuleError::new(Section::Timescales, id, &field, kind));
    let bound = |key: &'static str, text: Option<&str>, errors: &mut Vec<RuleError>| -> Option<Date> {
        let text = text?;
        let d = parse_iso(text.trim());
        if d.is_none() {
            push(errors, vec![key.into()], ErrorKind::BadDate { text: text.to_owned() });
        }
        d
    };
    let from_date = bound("from", from, errors);
    let until_date = bound("until", until, errors);
    if let (Some(f), Some(u)) = (from_date, until_date)
        && u <= f
    {
        push(errors, vec!["until".into()], ErrorKind::UntilNotAfterFrom { from: crate::date::iso(f), until: crate::date::iso(u) });
    }

    // A dated figure needs a source of the same day.
    if let Some((key, Checked::Changes(lengths))) = &fields.length {
        let source_dates = fields.sources.dates();
        for (d, _) in lengths {
            if !source_dates.contains(d) {
                push(
                    errors,
                    vec![(*key).into(), PathPart::Key(crate::date::iso(*d))],
                    ErrorKind::UndatedSource { date: crate::date::iso(*d), source_dated: matches!(fields.sources, Checked::Changes(_)) },
                );
            }
        }
        if let (Some(f), Some((first, _))) = (from_date, lengths.first())
            && f < *first
        {
            push(errors, vec!["from".into()], ErrorKind::FromBeforeFirstFigure { from: crate::date::iso(f), first: crate::date::iso(*first) });
        }
    }

    // Every date on which something changes.
    let keyed: [(&'static str, Vec<Date>); 7] = [
        (fields.length.as_ref().map_or("within", |(k, _)| *k), fields.length.as_ref().map(|(_, l)| l.dates()).unwrap_or_default()),
        ("source", fields.sources.dates()),
        ("label", fields.label.dates()),
        ("plain", fields.plain.dates()),
        ("note", fields.note.as_ref().map(Checked::dates).unwrap_or_default()),
        ("wording", fields.wording.as_ref().map(Checked::dates).unwrap_or_default()),
        ("plain_wording", fields.plain_wording.as_ref().map(Checked::dates).unwrap_or_default()),
    ];
    if let Some(u) = until_date {
        for (key, dates) in &keyed {
            for d in dates.iter().filter(|d| **d >= u) {
                push(
                    errors,
                    vec![(*key).into(), PathPart::Key(crate::date::iso(*d))],
                    ErrorKind::ChangeAfterUntil { date: crate::date::iso(*d), until: crate::date::iso(u) },
                );
            }
        }
    }
    if errors.len() > before {
        return None;
    }

    // The first day: `from`, else the first dated figure, else always.
    let first_figure = fields.length.as_ref().and_then(|(_, l)| l.dates().first().copied());
    let start = from_date.or(first_figure);
    let mut days: Vec<Date> = keyed.iter().flat_map(|(_, d)| d.iter().copied()).filter(|d| start.is_none_or(|s| *d > s)).collect();
    days.sort();
    days.dedup();
    let version = |day: Option<Date>| Version {
        from: day,
        length: fields.length.as_ref().map(|(_, l)| l.on(day)),
        label: fields.label.on(day),
        plain: fields.plain.on(day),
        sources: fields.sources.on(day),
        note: fields.note.as_ref().map(|n| n.on(day)),
        wording: fields.wording.as_ref().map(|n| n.on(day)),
        plain_wording: fields.plain_wording.as_ref().map(|n| n.on(day)),
    };
    let mut versions = vec![version(start)];
    versions.extend(days.into_iter().map(|d| version(Some(d))));
    Some((versions, until_date))
}

impl Timescale {
    /// True when anything about the timescale depends on the date.
    pub fn is_dated(&self) -> bool {
        self.versions.len() > 1 || self.versions.first().is_some_and(|v| v.from.is_some()) || self.until.is_some()
    }

    /// The first day the timescale exists, if it has one.
    pub fn start(&self) -> Option<Date> {
        self.versions.first().and_then(|v| v.from)
    }

    /// The version in force on `day`, with its index in [`Timescale::versions`];
    /// `None` when the timescale did not exist then.
    pub fn version_at(&self, day: Date) -> Option<(usize, &Version)> {
        if self.until.is_some_and(|u| day >= u) {
            return None;
        }
        self.versions.iter().enumerate().rev().find(|(_, v)| v.from.is_none_or(|f| f <= day))
    }

    /// The version in force on `day`, or the nearest one when the timescale
    /// did not exist then (the first before it began, the last after it ended).
    pub fn version_near(&self, day: Date) -> &Version {
        match self.version_at(day) {
            Some((_, v)) => v,
            None if self.start().is_some_and(|s| day < s) => &self.versions[0],
            None => self.versions.last().expect("a timescale has a version"),
        }
    }

    /// A copy with `v`'s values in the fields that describe the rule.
    pub fn with_version(&self, v: &Version) -> Timescale {
        let mut t = self.clone();
        t.label = v.label.clone();
        t.plain = v.plain.clone();
        t.sources = v.sources.clone();
        t.note = v.note.clone();
        t.wording = v.wording.clone();
        t.plain_wording = v.plain_wording.clone();
        if let (Some(l), Shape::Within { length, .. } | Shape::Every { length, .. }) = (v.length, &mut t.shape) {
            *length = l;
        }
        t
    }
}

impl Rules {
    /// The rules as they stood on `day`: every timescale's fields
    /// ([`Timescale::label`], the figure in its shape, sources, …) set to
    /// the version in force then ([`Timescale::version_near`] for one that
    /// did not exist), so the words, tables and figures describe that day.
    /// The versions themselves are kept.
    pub fn at(&self, day: Date) -> Rules {
        let mut out = self.clone();
        for t in &mut out.timescales {
            *t = t.with_version(t.version_near(day));
        }
        out
    }

    /// Every date on which some timescale changes (a version begins, or
    /// one ends with `until`), sorted, each once.
    pub fn change_dates(&self) -> Vec<Date> {
        let mut out: Vec<Date> =
            self.timescales.iter().flat_map(|t| t.versions.iter().filter_map(|v| v.from).chain(t.until)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// True when timescale `id` exists on `day`.
    pub fn in_force(&self, id: &str, day: Date) -> bool {
        self.timescale(id).is_some_and(|t| t.version_at(day).is_some())
    }
}
