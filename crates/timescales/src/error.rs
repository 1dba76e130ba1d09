//! Errors: [`RuleError`] for a problem in the rules document (the host turns
//! it into `rules.yaml:line:col` from [`RuleError::path`]), [`EvalError`] for
//! a question the rules cannot answer (an unknown id, a missing date).

use std::fmt;

/// One step of a path into the rules document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathPart {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

impl From<&str> for PathPart {
    fn from(k: &str) -> Self {
        PathPart::Key(k.to_owned())
    }
}

impl From<usize> for PathPart {
    fn from(i: usize) -> Self {
        PathPart::Index(i)
    }
}

/// The top-level part of the document a rule sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Top-level keys (`calendar`).
    Document,
    /// `calendars`.
    Calendars,
    /// `events`.
    Events,
    /// `timescales`.
    Timescales,
    /// `calculators`.
    Calculators,
}

impl Section {
    /// The document key, `None` for [`Section::Document`].
    pub fn key(self) -> Option<&'static str> {
        match self {
            Section::Document => None,
            Section::Calendars => Some("calendars"),
            Section::Events => Some("events"),
            Section::Timescales => Some("timescales"),
            Section::Calculators => Some("calculators"),
        }
    }
}

/// What kind of thing a reference should name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// An event id.
    Event,
    /// A timescale id.
    Timescale,
    /// An event or timescale id.
    EventOrTimescale,
    /// A calendar name.
    Calendar,
    /// A built-in holiday rule set.
    HolidayRules,
    /// A division of an imported feed.
    Division,
}

impl fmt::Display for RefKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefKind::Event => "event",
            RefKind::Timescale => "timescale",
            RefKind::EventOrTimescale => "event or timescale",
            RefKind::Calendar => "calendar",
            RefKind::HolidayRules => "built-in holiday rule set",
            RefKind::Division => "division",
        })
    }
}

/// A problem in the rules document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct RuleError {
    /// The section the rule is in.
    pub section: Section,
    /// The rule's id (calendar name, timescale id, …); for
    /// [`Section::Document`], the top-level key.
    pub rule_id: String,
    /// The field within the rule (empty: the rule as a whole).
    pub field: Vec<PathPart>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl RuleError {
    pub(crate) fn new(section: Section, rule_id: &str, field: &[PathPart], kind: ErrorKind) -> Self {
        RuleError { section, rule_id: rule_id.to_owned(), field: field.to_vec(), kind }
    }

    /// The full path from the document root (`timescales`, `first_core_group`, `within`).
    pub fn path(&self) -> Vec<PathPart> {
        let mut p: Vec<PathPart> = self.section.key().map(PathPart::from).into_iter().collect();
        p.push(PathPart::Key(self.rule_id.clone()));
        p.extend(self.field.iter().cloned());
        p
    }

    /// How to fix it, when there is something useful to say.
    pub fn help(&self) -> Option<String> {
        self.kind.help()
    }
}

/// What is wrong in a [`RuleError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A `within`/`every` value that is not `N unit`.
    BadLength {
        /// As written.
        text: String,
        /// Likely meanings.
        suggestions: Vec<String>,
    },
    /// `every: 0 weeks`.
    ZeroEvery,
    /// A name that is not defined.
    Unknown {
        /// What it should have named.
        what: RefKind,
        /// As written.
        name: String,
        /// The nearest defined name.
        suggestion: Option<String>,
        /// What is defined (for help when nothing is near).
        known: Vec<String>,
    },
    /// An id used both as an event and as a timescale.
    AmbiguousId,
    /// A chain of references that comes back to where it started.
    Cycle {
        /// The ids, first repeated at the end.
        chain: Vec<String>,
    },
    /// A timescale with no calendar of its own and no default.
    NoCalendar,
    /// Not a `YYYY-MM-DD` date.
    BadDate {
        /// As written.
        text: String,
    },
    /// Not a day of the week.
    BadWeekday {
        /// As written.
        text: String,
        /// Nearest day name.
        suggestion: Option<String>,
    },
    /// Every day of the week is a weekend day.
    AllWeekend,
    /// Both `after` and `before`.
    AfterAndBefore,
    /// Neither `after` nor `before` (nor `earliest_of`).
    NoAnchor,
    /// Both `within` and `every`.
    WithinAndEvery,
    /// Neither `within` nor `every`.
    NoLength,
    /// `earliest_of` with a key it cannot be combined with.
    EarliestOfWith {
        /// The other key.
        key: &'static str,
    },
    /// `earliest_of` naming fewer than two timescales.
    EarliestOfTooFew,
    /// `every` with `before`.
    EveryBefore,
    /// An `import` value that is not `FILE#division`.
    BadImport {
        /// As written.
        text: String,
    },
    /// A bad date inside an imported feed.
    BadImportDate {
        /// The file.
        file: String,
        /// The date as written there.
        text: String,
    },
    /// A `not_holidays` date that the rules do not make a holiday.
    NotAHoliday {
        /// The date.
        date: String,
    },
    /// A calculator shows a timescale needing a date it does not ask for.
    CalculatorMissingEvent {
        /// The timescale.
        timescale: String,
        /// The event it needs.
        event: String,
    },
    /// An `other_sources` entry with neither or both of `within` and `every`.
    OtherSourceLength,
    /// A key of a dated value that is not a `YYYY-MM-DD` date.
    BadChangeDate {
        /// As written.
        text: String,
    },
    /// A dated value given as an empty mapping.
    NoChanges,
    /// The same date twice in one dated value.
    DuplicateDate {
        /// The date.
        date: String,
    },
    /// A date earlier than the one before it.
    DateOutOfOrder {
        /// The date.
        date: String,
        /// The date written before it.
        previous: String,
    },
    /// A dated figure without a source dated the same day.
    UndatedSource {
        /// The figure's date.
        date: String,
        /// True when `source` is dated but lacks this date; false when it is one plain value.
        source_dated: bool,
    },
    /// `until` on or before `from`.
    UntilNotAfterFrom {
        /// `from`.
        from: String,
        /// `until`.
        until: String,
    },
    /// A change dated on or after `until`, so never in force.
    ChangeAfterUntil {
        /// The change's date.
        date: String,
        /// `until`.
        until: String,
    },
    /// `from` earlier than the first dated figure, so the rule would have no figure at first.
    FromBeforeFirstFigure {
        /// `from`.
        from: String,
        /// The first figure's date.
        first: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            BadLength { text, .. } => write!(f, "`{text}` is not a length of time waymark can count"),
            ZeroEvery => f.write_str("a repeating timescale needs a length above zero"),
            Unknown { what, name, .. } => write!(f, "unknown {what} `{name}`"),
            AmbiguousId => f.write_str("this id is both an event and a timescale"),
            Cycle { chain } => write!(f, "`{}` depends on itself: {}", chain[0], chain.join(" → ")),
            NoCalendar => f.write_str("no calendar to count in"),
            BadDate { text } => write!(f, "`{text}` is not a date"),
            BadWeekday { text, .. } => write!(f, "`{text}` is not a day of the week"),
            AllWeekend => f.write_str("every day of the week is a weekend day, so there would be no working days"),
            AfterAndBefore => f.write_str("a timescale counts `after` or `before` something, not both"),
            NoAnchor => f.write_str("this timescale does not say what it counts from"),
            WithinAndEvery => f.write_str("`within` and `every` cannot both be given"),
            NoLength => f.write_str("this timescale does not say how long it is"),
            EarliestOfWith { key } => write!(f, "`earliest_of` cannot be combined with `{key}`"),
            EarliestOfTooFew => f.write_str("`earliest_of` needs at least two timescales"),
            EveryBefore => f.write_str("a repeating timescale (`every`) counts forward only"),
            BadImport { text } => write!(f, "`{text}` is not an import"),
            BadImportDate { file, text } => write!(f, "`{file}` has a date that is not a date: `{text}`"),
            NotAHoliday { date } => write!(f, "{date} is not a holiday of this calendar, so there is nothing to remove"),
            CalculatorMissingEvent { timescale, event } => {
                write!(f, "this calculator shows `{timescale}`, which needs the date of `{event}`, but does not ask for it")
            }
            OtherSourceLength => f.write_str("another source's figure needs exactly one of `within` or `every`"),
            BadChangeDate { text } => write!(f, "`{text}` is not a date, so it cannot say when this value takes effect"),
            NoChanges => f.write_str("no dated values are given"),
            DuplicateDate { date } => write!(f, "{date} is given twice"),
            DateOutOfOrder { date, previous } => write!(f, "{date} comes after {previous}, which is later: dates must be in order"),
            UndatedSource { date, source_dated: true } => write!(f, "the figure changes on {date}, but `source` has no entry for {date}"),
            UndatedSource { date, source_dated: false } => write!(f, "the figure changes on {date}, but `source` is not dated"),
            UntilNotAfterFrom { from, until } => write!(f, "`until` ({until}) is not after `from` ({from})"),
            ChangeAfterUntil { date, until } => write!(f, "this value takes effect on {date}, when the timescale has ended (`until: {until}`)"),
            FromBeforeFirstFigure { from, first } => {
                write!(f, "the timescale begins on {from} (`from`), but its first figure takes effect on {first}")
            }
        }
    }
}

impl ErrorKind {
    /// True when the problem is best shown at the key (a date that is the key
    /// of a dated value) rather than at the value.
    pub fn at_key(&self) -> bool {
        use ErrorKind::*;
        matches!(self, BadChangeDate { .. } | DuplicateDate { .. } | DateOutOfOrder { .. } | UndatedSource { .. } | ChangeAfterUntil { .. })
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        use ErrorKind::*;
        const UNITS: &str = "write N calendar days, N working days, N weeks or N months, with N in figures";
        Some(match self {
            BadLength { suggestions, .. } => match suggestions.as_slice() {
                [] => UNITS.to_owned(),
                [one] => format!("did you mean `{one}`?"),
                many => format!(
                    "did you mean {}? ({UNITS})",
                    many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
                ),
            },
            ZeroEvery => "write how often it repeats, e.g. `every: 4 weeks`".to_owned(),
            Unknown { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            Unknown { known, what, .. } if known.is_empty() => format!("no {what} is defined yet"),
            Unknown { known, what, .. } => format!("known {what} names: {}", known.join(", ")),
            AmbiguousId => "rename the event or the timescale so each id names one thing".to_owned(),
            Cycle { .. } => "a rule cannot depend on itself, directly or through others".to_owned(),
            NoCalendar => "add `calendar: NAME` to this rule, or a default `calendar: NAME` at the top of the file".to_owned(),
            BadDate { .. } | BadImportDate { .. } => "write dates as YYYY-MM-DD, e.g. 2027-09-27".to_owned(),
            BadWeekday { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            BadWeekday { .. } => "write a day name in English, e.g. saturday".to_owned(),
            AllWeekend => "list only the days that are not working days, e.g. [saturday, sunday]".to_owned(),
            AfterAndBefore => "keep one of `after:` and `before:`".to_owned(),
            NoAnchor => "add `after: EVENT` or `before: EVENT`".to_owned(),
            WithinAndEvery => "use `within` for one deadline and `every` for a repeating one".to_owned(),
            NoLength => "add `within: N calendar days` (or working days, weeks, months), or `every:` for a repeating one".to_owned(),
            EarliestOfWith { .. } => "an `earliest_of` timescale takes its dates from the timescales it lists; remove the other key".to_owned(),
            EarliestOfTooFew => "list two or more timescale ids, e.g. `earliest_of: [a, b]`".to_owned(),
            EveryBefore => "use `after:` with `every`".to_owned(),
            BadImport { .. } => "write FILE#division, e.g. `bank-holidays.json#scotland`".to_owned(),
            NotAHoliday { .. } => "`not_holidays` removes a day that the built-in rules or an extended calendar make a holiday; check the date".to_owned(),
            CalculatorMissingEvent { event, .. } => format!("add `{event}` to `asks` (or to `same_day` if it happens on the day of the asked event)"),
            OtherSourceLength => "e.g. `{ source: National guidance, within: 15 working days }`".to_owned(),
            BadChangeDate { .. } => "write each date as YYYY-MM-DD, e.g. `2021-09-02: 28 calendar days`".to_owned(),
            NoChanges => "give one value, or one or more `YYYY-MM-DD: value` lines".to_owned(),
            DuplicateDate { .. } => "keep one value for each date".to_owned(),
            DateOutOfOrder { .. } => "list the dates from the oldest to the newest".to_owned(),
            UndatedSource { date, .. } => format!("date `source` the same way, with an entry `{date}: …` naming where this figure comes from"),
            UntilNotAfterFrom { .. } => "`until` is the first day the timescale no longer applies, so it comes after `from`".to_owned(),
            ChangeAfterUntil { .. } => "remove the value, or move `until` later".to_owned(),
            FromBeforeFirstFigure { first, .. } => format!("make `from` {first} or later, or add a figure dated on or before `from`"),
        })
    }
}

/// A question the rules cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// No timescale has this id.
    #[error("unknown timescale `{id}`{}", hint(.suggestion))]
    UnknownTimescale {
        /// As given.
        id: String,
        /// The nearest id.
        suggestion: Option<String>,
    },
    /// No calendar has this name.
    #[error("unknown calendar `{name}`{}", hint(.suggestion))]
    UnknownCalendar {
        /// As given.
        name: String,
        /// The nearest name.
        suggestion: Option<String>,
    },
    /// The timescale needs the date of an event that was not given.
    #[error("`{timescale}` needs the date of `{event}`")]
    MissingEvent {
        /// The timescale asked about.
        timescale: String,
        /// The event whose date is missing.
        event: String,
    },
    /// No calendar for the timescale (the rules file names no default).
    #[error("`{0}` has no calendar to count in")]
    NoCalendar(String),
    /// The count ran past the dates the engine can represent.
    #[error("the date is out of range (due dates must fall in the years 1 to 9999)")]
    OutOfRange,
    /// The timescale did not exist on the date its count starts from (or
    /// the `as_at` date): before its first figure or `from`, or from `until` on.
    #[error("`{timescale}` was not in force on {}{}", crate::date::day_month_year(*.on), in_force_words(*.from, *.until))]
    NotInForce {
        /// The timescale.
        timescale: String,
        /// The date asked about.
        on: time::Date,
        /// The first day it exists, if it has one.
        from: Option<time::Date>,
        /// The first day it no longer exists, if any.
        until: Option<time::Date>,
    },
}

fn in_force_words(from: Option<time::Date>, until: Option<time::Date>) -> String {
    use crate::date::day_month_year as d;
    match (from, until) {
        (Some(f), Some(u)) => format!(": it applies from {} until {}", d(f), d(u)),
        (Some(f), None) => format!(": it applies from {}", d(f)),
        (None, Some(u)) => format!(": it applied until {}", d(u)),
        (None, None) => String::new(),
    }
}

fn hint(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

/// The nearest of `valid` to `wrong`, if any is close enough.
pub(crate) fn nearest<'a>(wrong: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<String> {
    valid
        .into_iter()
        .map(|v| (strsim::jaro_winkler(wrong, v), v))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v.to_owned())
}
