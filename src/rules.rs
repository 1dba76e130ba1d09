//! The site's rules file (`rules.yaml`) as the generator sees it: loading it
//! through [`crate::yaml`], mapping engine errors to `rules.yaml:line:col`,
//! and the `dates` and `holidays` commands.
//!
//! The counting itself is the `timescales` crate's (pure, shared with the
//! browser calculators). This module does what the engine cannot: read files
//! (the rules file and any GOV.UK `bank-holidays.json` it imports), find
//! positions in the YAML text, and turn command-line input into engine calls.
//!
//! Wording convention: [`SiteRules::describe`] returns a phrase that fits
//! mid-sentence ("within 15 calendar days of the child's name being added to
//! the child protection register"): no capital letter, no full stop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use timescales::doc::{CalculatorDoc, CalendarDoc, EventDoc, TimescaleDoc};
use timescales::{Date, EventDates, Imports, PathPart, Rules, RulesDoc};

use crate::diag::{self, Code, Diagnostic, SourceMap};
use crate::yaml::{self, KeyIndex, Seg};
use crate::{Error, Failure};

/// The diagnostic code for every problem in the rules file.
const CODE: Code = Code::Rules;

/// A loaded, validated rules file.
#[derive(Debug)]
pub struct SiteRules {
    /// Every version of every rule.
    rules: Rules,
    /// The rules as they stood on `as_at` ([`Rules::at`]); `rules` while no day is set.
    now: Rules,
    /// The day the pages state the rules for (see [`crate::asat`]).
    as_at: Option<Date>,
    path: PathBuf,
    /// The file's text, for placing later findings (a rule no page uses).
    src: SourceMap,
}

/// One row of a timescales table: a rule with its words and sources.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimescaleRow {
    /// The id pages use.
    pub id: String,
    /// Practitioner name (a noun phrase; capitalise it for a heading).
    pub label: String,
    /// The rule in practitioner words (mid-sentence form).
    pub words: String,
    /// The rule in family words (mid-sentence form).
    pub plain: String,
    /// The sources of the figure in force, joined with "; ".
    pub source: String,
    /// The rule's note, if any.
    pub note: Option<String>,
    /// Other sources that give a different figure.
    pub other_sources: Vec<OtherSourceRow>,
}

/// One version of a rule, for its timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// Its first day (`2 September 2021`); `None`: since always.
    pub from: Option<String>,
    /// The same, `YYYY-MM-DD`.
    pub from_iso: Option<String>,
    /// The rule in words then.
    pub words: String,
    /// Its sources.
    pub source: String,
    /// In force on the as-at day.
    pub current: bool,
    /// Takes effect after the as-at day.
    pub coming: bool,
}

/// Another source's figure, in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OtherSourceRow {
    /// The source.
    pub source: String,
    /// Its figure (`15 working days`).
    pub figure: String,
    /// Its note.
    pub note: Option<String>,
}

impl SiteRules {
    /// Reads and validates the rules file at `root.join(rel)`; diagnostics name `rel`.
    pub fn load(root: &Path, rel: &Path) -> Result<SiteRules, Failure> {
        let full = root.join(rel);
        let text = std::fs::read_to_string(&full).map_err(|source| Error::Io { path: full.clone(), source })?;
        let base = full.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_text(rel, &text, &base)
    }

    /// Validates rules text. `shown` names the file in diagnostics; imports
    /// are read relative to `base`.
    pub fn from_text(shown: &Path, text: &str, base: &Path) -> Result<SiteRules, Failure> {
        let src = SourceMap::new(shown, text);
        let index = KeyIndex::new(text);
        let doc: RulesDoc = match yaml::from_str(text) {
            Ok(doc) => doc,
            Err(first) => {
                let first = first.into_diagnostic(CODE, &src, 0);
                let mut diags = shape_errors(text, &src, &index);
                if !diags.iter().any(|d| d.pos == first.pos && d.message == first.message) {
                    diags.push(first);
                }
                diag::sort(&mut diags);
                diags.dedup_by(|a, b| a.pos == b.pos && a.message == b.message);
                return Err(Failure::Content(diags));
            }
        };

        let mut diags = Vec::new();
        let imports = read_imports(&doc, base, &src, &index, &mut diags);
        match Rules::from_doc(&doc, &imports) {
            Ok(rules) if diags.is_empty() => Ok(SiteRules { now: rules.clone(), rules, as_at: None, path: shown.to_path_buf(), src }),
            Ok(_) => Err(Failure::Content(diags)),
            Err(errors) => {
                diags.extend(errors.iter().map(|e| {
                    let path = to_segs(&e.path());
                    let at = if e.field.is_empty() || e.kind.at_key() {
                        index.key(&path).or_else(|| index.best(&path))
                    } else {
                        index.value(&path).or_else(|| index.best(&path))
                    };
                    let mut d = Diagnostic::error(CODE, e.to_string()).at(&src, at.unwrap_or(0));
                    if let Some(h) = e.help() {
                        d = d.with_help(h);
                    }
                    d
                }));
                diag::sort(&mut diags);
                Err(Failure::Content(diags))
            }
        }
    }

    /// The engine's view of the rules as they stood on the `as_at` day (for
    /// calculators and anything else); every version of each rule is in
    /// [`timescales::Timescale::versions`].
    pub fn engine(&self) -> &Rules {
        &self.now
    }

    /// States the rules as they stood on `day` from now on (`None`: the newest).
    pub fn set_as_at(&mut self, day: Option<Date>) {
        self.now = match day {
            Some(d) => self.rules.at(d),
            None => self.rules.clone(),
        };
        self.as_at = day;
    }

    /// The day the rules are stated for, if one is set.
    pub fn as_at(&self) -> Option<Date> {
        self.as_at
    }

    /// The file's text, named as diagnostics name it.
    pub fn text(&self) -> &SourceMap {
        &self.src
    }

    /// The file as diagnostics name it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every timescale id, in file order.
    pub fn timescale_ids(&self) -> impl Iterator<Item = &str> {
        self.now.timescales().iter().map(|t| t.id.as_str())
    }

    /// The rule in words (`plain` = the family wording) as it stands on the
    /// as-at day, with the next scheduled change to its words in brackets:
    /// "within 28 calendar days of … (from 1 April 2027 this will be within
    /// 21 calendar days of …)". The family wording names only the new figure
    /// ("(from 1 April 2027: 21 days)"), so its sentences stay short. Err is
    /// a message for the author.
    pub fn describe(&self, id: &str, plain: bool) -> Result<String, String> {
        let words = self.now.describe(id, plain).ok_or_else(|| self.unknown(id))?;
        let when = |d: Date| timescales::date::day_month_year(d);
        // A rule that does not exist on the as-at day says when it does.
        if let (Some(day), Some(t)) = (self.as_at, self.rules.timescale(id))
            && t.version_at(day).is_none()
        {
            return Ok(match (t.start(), t.until) {
                (Some(s), _) if day < s => format!("{words} (this rule applies from {})", when(s)),
                (_, Some(u)) => format!("{words} (this rule ended on {})", when(u)),
                _ => words,
            });
        }
        Ok(match self.next_change(id, plain) {
            Some((day, None)) => format!("{words} (this rule ends on {})", when(day)),
            Some((day, Some(_))) if plain => match self.rules.at(day).timescale(id).and_then(|t| t.length()) {
                Some(l) => format!("{words} (from {}: {})", when(day), l.plain()),
                None => format!("{words} (this changes on {})", when(day)),
            },
            Some((day, Some(next))) => format!("{words} (from {} this will be {next})", when(day)),
            None => words,
        })
    }

    /// Rule `id` in the family words of another language (`wording`, from
    /// its `rules.<code>.yaml`), with the figure in force on the as-at day and
    /// a scheduled change in brackets, in that language: `date` writes a
    /// date and `text` gives the theme's strings (`timescale.from`…).
    pub(crate) fn describe_in(&self, id: &str, wording: &crate::wording::Wording, date: &dyn Fn(Date) -> String, text: &dyn Fn(&str) -> String) -> Result<String, String> {
        let now = self.now.timescale(id).ok_or_else(|| self.unknown(id))?;
        let words = wording.describe(id, now.length().as_ref())?;
        let fill = |key: &str, day: Date, length: Option<String>| {
            let t = text(key).replace("{date}", &date(day));
            format!("{words} {}", length.map_or(t.clone(), |l| t.replace("{length}", &l)))
        };
        if let (Some(day), Some(t)) = (self.as_at, self.rules.timescale(id))
            && t.version_at(day).is_none()
        {
            return Ok(match (t.start(), t.until) {
                (Some(s), _) if day < s => fill("timescale.applies_from", s, None),
                (_, Some(u)) => fill("timescale.ended", u, None),
                _ => words,
            });
        }
        Ok(match self.next_change(id, true) {
            Some((day, None)) => fill("timescale.ends", day, None),
            Some((day, Some(_))) => match self.rules.at(day).timescale(id).and_then(|t| t.length()).and_then(|l| wording.length(&l)) {
                Some(l) => fill("timescale.from", day, Some(l)),
                None => fill("timescale.changes", day, None),
            },
            None => words,
        })
    }

    /// Every timescale id with its figure on the as-at day (for the
    /// wording files of other languages).
    pub(crate) fn lengths(&self) -> Vec<(String, Option<timescales::Length>)> {
        self.now.timescales().iter().map(|t| (t.id.clone(), t.length())).collect()
    }

    /// The first change to the words of rule `id` after the as-at day: its
    /// date and the rule in words from then (`None`: the rule ends then).
    /// A version that changes only the source is not a change of the words.
    fn next_change(&self, id: &str, plain: bool) -> Option<(Date, Option<String>)> {
        let day = self.as_at?;
        let t = self.rules.timescale(id)?;
        let now = self.now.describe(id, plain);
        let next = t.versions.iter().filter_map(|v| v.from).filter(|f| *f > day).map(|f| (f, self.rules.at(f).describe(id, plain))).find(|(_, w)| *w != now);
        match (next, t.until.filter(|u| *u > day)) {
            (Some((n, words)), until) if until.is_none_or(|u| n < u) => Some((n, words)),
            (_, Some(u)) => Some((u, None)),
            _ => None,
        }
    }

    /// Each version of rule `id` for a timeline: its first day, the rule in
    /// words, its sources, and whether it is the one in force on the as-at
    /// day or still to come. Empty for a rule with nothing dated.
    pub fn history(&self, id: &str) -> Vec<HistoryRow> {
        let Some(t) = self.rules.timescale(id).filter(|t| t.is_dated()) else { return Vec::new() };
        let current = self.as_at.and_then(|d| t.version_at(d)).map(|(i, _)| i);
        t.versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let then = self.rules.at(v.from.unwrap_or(Date::MIN));
                HistoryRow {
                    from: v.from.map(timescales::date::day_month_year),
                    from_iso: v.from.map(timescales::date::iso),
                    words: then.describe(id, false).unwrap_or_default(),
                    source: v.sources.join("; "),
                    current: current == Some(i),
                    coming: self.as_at.is_some_and(|d| v.from.is_some_and(|f| f > d)),
                }
            })
            .collect()
    }

    /// The date of the next scheduled change to rule `id`, if there is one.
    pub fn change_coming(&self, id: &str) -> Option<String> {
        self.next_change(id, false).map(|(d, _)| timescales::date::day_month_year(d))
    }

    /// The rule's source(s) in words.
    pub fn source(&self, id: &str) -> Result<String, String> {
        let t = self.now.timescale(id).ok_or_else(|| self.unknown(id))?;
        Ok(t.sources.join("; "))
    }

    /// The note of the version in force, if it has one.
    pub fn note(&self, id: &str) -> Option<String> {
        self.now.timescale(id).and_then(|t| t.note.clone())
    }

    /// The figure in force (`15 calendar days`; `plain`: `15 days`), for a
    /// `within` or `every` timescale.
    pub fn figure(&self, id: &str, plain: bool) -> Result<String, String> {
        let t = self.now.timescale(id).ok_or_else(|| self.unknown(id))?;
        t.length().map(|l| Rules::length_words(&l, plain)).ok_or_else(|| format!("`{id}` combines other timescales, so it has no single figure"))
    }

    /// Sources whose figure differs from the one in force, so a page can say
    /// "the national guidance says 15 working days; this area applies 15 calendar days".
    pub fn other_sources(&self, id: &str) -> Result<Vec<OtherSourceRow>, String> {
        let t = self.now.timescale(id).ok_or_else(|| self.unknown(id))?;
        Ok(t.other_sources
            .iter()
            .map(|o| OtherSourceRow { source: o.source.clone(), figure: o.length.to_string(), note: o.note.clone() })
            .collect())
    }

    /// Every timescale with its words and sources, in file order.
    pub fn rows(&self) -> Vec<TimescaleRow> {
        self.now
            .timescales()
            .iter()
            .map(|t| TimescaleRow {
                id: t.id.clone(),
                label: t.label.clone(),
                words: self.now.describe(&t.id, false).unwrap_or_default(),
                plain: self.now.describe(&t.id, true).unwrap_or_default(),
                source: t.sources.join("; "),
                note: t.note.clone(),
                other_sources: self.other_sources(&t.id).unwrap_or_default(),
            })
            .collect()
    }

    /// A worked example in words for a page without JavaScript: the due date
    /// of `id` when each event it needs happened on `example` (`YYYY-MM-DD`).
    /// "If the child's name being added to the child protection register was
    /// on Wednesday 23 December 2026, the date is Thursday 7 January 2027."
    pub fn worked_example(&self, id: &str, example: &str) -> Result<String, String> {
        let date = timescales::date::parse_iso(example).ok_or_else(|| format!("`{example}` is not a date: write YYYY-MM-DD"))?;
        let needed = self.now.required_events(id).ok_or_else(|| self.unknown(id))?;
        let mut events = EventDates::new();
        for e in &needed {
            events.set(e, date);
        }
        let due = self.rules.due_at(id, &events, None, self.as_at).map_err(|e| e.to_string())?;
        let what: Vec<String> = needed.iter().filter_map(|e| self.now.event(e)).map(|e| e.label.clone()).collect();
        Ok(format!(
            "If {} was on {}, the date is {}.",
            what.join(" and "),
            timescales::date::long(date),
            timescales::date::long(due)
        ))
    }

    /// The rules for the browser calculators, pre-resolved by
    /// [`timescales::plan::browser_json`]: calendars as explicit non-working
    /// days for [`timescales::plan::BROWSER_YEARS`], references as indexes,
    /// each rule's words rendered from the rules file here, so the browser
    /// module needs no validation and no wording code.
    /// `waymark_calculator::load` reads it. Deterministic: the file's order
    /// is kept.
    pub fn browser_json(&self) -> String {
        timescales::plan::browser_json(&self.rules, timescales::plan::BROWSER_YEARS, self.as_at)
    }

    fn unknown(&self, id: &str) -> String {
        match self.now.suggest_timescale(id) {
            Some(s) => format!("unknown timescale `{id}` ({})", diag::did_you_mean(&s)),
            None => format!("unknown timescale `{id}`"),
        }
    }
}

fn to_segs(path: &[PathPart]) -> Vec<Seg> {
    path.iter()
        .map(|p| match p {
            PathPart::Key(k) => Seg::Key(k.clone()),
            PathPart::Index(i) => Seg::Index(*i),
        })
        .collect()
}

/// After the whole-document parse failed: check each rule on its own, so an
/// unknown key in one rule does not hide one in the next. Gives nothing for a
/// YAML syntax error (the whole-document error covers it).
fn shape_errors(text: &str, src: &SourceMap, index: &KeyIndex) -> Vec<Diagnostic> {
    let Ok(serde_json::Value::Object(top)) = yaml::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (section, value) in &top {
        let serde_json::Value::Object(rules) = value else { continue };
        for (id, rule) in rules {
            let message = match section.as_str() {
                "calendars" => check_shape::<CalendarDoc>(rule),
                "events" => check_shape::<EventDoc>(rule),
                "timescales" => check_shape::<TimescaleDoc>(rule),
                "calculators" => check_shape::<CalculatorDoc>(rule),
                _ => None,
            };
            let Some(message) = message else { continue };
            let rule_path = yaml::keys(&[section, id]);
            let (message, at, help) = match yaml::parse_unknown_field(&message) {
                Some((key, allowed)) => {
                    let mut p = rule_path.clone();
                    p.push(Seg::Key(key.clone()));
                    let help = diag::suggest_help(&key, allowed.iter().map(String::as_str), "allowed keys here");
                    (format!("unknown key `{key}`"), index.key(&p), Some(help))
                }
                None => (format!("{message} in `{id}`"), index.key(&rule_path), None),
            };
            let mut d = Diagnostic::error(CODE, message).at(src, at.or_else(|| index.best(&rule_path)).unwrap_or(0));
            if let Some(h) = help {
                d = d.with_help(h);
            }
            out.push(d);
        }
    }
    out
}

fn check_shape<T: DeserializeOwned>(v: &serde_json::Value) -> Option<String> {
    serde_json::from_value::<T>(v.clone()).err().map(|e| e.to_string())
}

/// Reads each GOV.UK feed named by an `import`, once per file.
fn read_imports(doc: &RulesDoc, base: &Path, src: &SourceMap, index: &KeyIndex, diags: &mut Vec<Diagnostic>) -> Imports {
    let mut files: BTreeMap<String, timescales::GovUkFeed> = BTreeMap::new();
    let mut failed: Vec<String> = Vec::new();
    for (name, cal) in &doc.calendars.0 {
        for (i, spec) in cal.import.0.iter().enumerate() {
            let Some((file, _)) = timescales::rules::split_import(spec) else { continue };
            if files.contains_key(file) || failed.iter().any(|f| f == file) {
                continue;
            }
            let mut path = yaml::keys(&["calendars", name, "import"]);
            if cal.import.0.len() > 1 {
                path.push(Seg::Index(i));
            }
            let at = index.value(&path).or_else(|| index.best(&path)).unwrap_or(0);
            let full = base.join(file);
            let result = std::fs::read_to_string(&full)
                .map_err(|e| format!("cannot read `{file}`: {e}"))
                .and_then(|t| serde_json::from_str::<timescales::GovUkFeed>(&t).map_err(|e| format!("`{file}` is not a GOV.UK bank-holidays.json file: {e}")));
            match result {
                Ok(feed) => {
                    files.insert(file.to_owned(), feed);
                }
                Err(message) => {
                    failed.push(file.to_owned());
                    diags.push(
                        Diagnostic::error(CODE, message)
                            .at(src, at)
                            .with_help("the path is relative to the rules file's folder; the file is in the format of https://www.gov.uk/bank-holidays.json"),
                    );
                }
            }
        }
    }
    Imports { files }
}

/// `waymark dates`.
#[derive(Debug, Clone)]
pub struct DatesOptions {
    /// The rules file (already resolved against site.toml).
    pub rules: PathBuf,
    /// Calendar to count in; the rule's or the file's default when absent.
    pub calendar: Option<String>,
    /// Timescale id.
    pub timescale: String,
    /// The event date as typed (ISO `YYYY-MM-DD`; anything else is a usage error).
    pub date: String,
    /// For an `every` timescale: how many dates to print.
    pub count: Option<u32>,
    /// Explain in words how the date was reached.
    pub explain: bool,
    /// Count by the rules in force on this day (`YYYY-MM-DD` as typed)
    /// instead of those in force on each count's day 0.
    pub as_at: Option<String>,
}

/// `waymark holidays`.
#[derive(Debug, Clone)]
pub struct HolidaysOptions {
    /// The rules file.
    pub rules: PathBuf,
    /// Calendar; the file's default when absent.
    pub calendar: Option<String>,
    /// The year.
    pub year: i32,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Error(Error::Usage(message.into()))
}

fn parse_cli_date(text: &str, what: &str) -> Result<Date, Failure> {
    timescales::date::parse_iso(text.trim())
        .ok_or_else(|| usage(format!("{what} `{text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-12-23")))
}

fn load_for_command(path: &Path) -> Result<SiteRules, Failure> {
    SiteRules::load(Path::new(""), path)
}

fn check_calendar(rules: &SiteRules, calendar: Option<&str>) -> Result<(), Failure> {
    if let Some(name) = calendar
        && rules.rules.calendar(name).is_none()
    {
        let known: Vec<&str> = rules.rules.calendars().iter().map(|c| c.name()).collect();
        return Err(usage(match rules.rules.suggest_calendar(name) {
            Some(s) => format!("unknown calendar `{name}`: {}", diag::did_you_mean(&s)),
            None => format!("unknown calendar `{name}`: the rules file has {}", known.join(", ")),
        }));
    }
    Ok(())
}

/// Runs `waymark dates`, returning what goes to stdout.
pub fn dates_command(opts: &DatesOptions) -> Result<String, Failure> {
    dates_command_with_events(opts, &[])
}

/// `waymark dates` with more event dates, each `EVENT=YYYY-MM-DD` (the
/// `--event` option), for a timescale that needs more than one date (the
/// pre-birth CPPM needs the concern and the expected date of delivery).
/// The positional DATE is the first event the timescale needs; `--event`
/// gives the others (or overrides any, including the first).
pub fn dates_command_with_events(opts: &DatesOptions, extra: &[String]) -> Result<String, Failure> {
    let site = load_for_command(&opts.rules)?;
    let rules = &site.rules;
    let Some(ts) = rules.timescale(&opts.timescale) else {
        let known: Vec<&str> = site.timescale_ids().collect();
        return Err(usage(match rules.suggest_timescale(&opts.timescale) {
            Some(s) => format!("unknown timescale `{}`: {}", opts.timescale, diag::did_you_mean(&s)),
            None => format!("unknown timescale `{}`: the rules file has {}", opts.timescale, known.join(", ")),
        }));
    };
    check_calendar(&site, opts.calendar.as_deref())?;
    let date = parse_cli_date(&opts.date, "DATE")?;
    let needed = rules.required_events(&ts.id).unwrap_or_default();
    let mut events = EventDates::new();
    if let Some(first) = needed.first() {
        events.set(first, date);
    }
    for e in extra {
        let Some((id, d)) = e.split_once('=') else {
            return Err(usage(format!("--event `{e}`: write EVENT=YYYY-MM-DD, e.g. expected_delivery=2027-05-01")));
        };
        let id = id.trim();
        if rules.event(id).is_none() {
            let hint = diag::suggest(id, rules.events().iter().map(|e| e.id.as_str())).map(|s| format!(": {}", diag::did_you_mean(s))).unwrap_or_default();
            return Err(usage(format!("--event: unknown event `{id}`{hint}")));
        }
        events.set(id, parse_cli_date(d, &format!("--event {id}="))?);
    }
    if let Some(missing) = needed.iter().find(|e| events.get(e).is_none()) {
        return Err(usage(format!(
            "`{}` also needs the date of `{missing}`: add --event {missing}=YYYY-MM-DD",
            ts.id
        )));
    }
    let count = opts.count.unwrap_or(1);
    if count == 0 {
        return Err(usage("--count must be 1 or more"));
    }
    if count > 1 && !ts.repeats() {
        return Err(usage(format!("`{}` does not repeat, so it has one date; --count is for timescales with `every`", ts.id)));
    }
    let cal = opts.calendar.as_deref();
    let as_at = opts.as_at.as_deref().map(|d| parse_cli_date(d, "--as-at")).transpose()?;
    let engine_err = |e: timescales::EvalError| usage(e.to_string());
    let (dates, steps) = if ts.repeats() {
        rules.series_explained_at(&ts.id, &events, cal, count, opts.explain, as_at).map_err(engine_err)?
    } else {
        let out = rules.explain_at(&ts.id, &events, cal, as_at).map_err(engine_err)?;
        (vec![out.date], out.steps)
    };
    let mut out: String = dates.iter().map(|d| timescales::date::iso(*d) + "\n").collect();
    if opts.explain {
        out.push_str(&explain_text(rules, ts, &steps, &events, cal, as_at));
    }
    Ok(out)
}

/// The `--explain` text after the dates: the rule (the version the count
/// used, for a dated one), the steps, its source, note and other sources.
fn explain_text(rules: &Rules, ts: &timescales::Timescale, steps: &[timescales::Step], events: &EventDates, cal: Option<&str>, as_at: Option<Date>) -> String {
    use timescales::date::day_month_year;
    // The version of this rule that the (first) count used.
    let used = steps.iter().find_map(|s| match s {
        timescales::Step::InForce { id, on, from, .. } if *id == ts.id => Some((*on, *from)),
        _ => None,
    });
    let then = used.map(|(on, _)| rules.at(on));
    let view = then.as_ref().unwrap_or(rules);
    let t = view.timescale(&ts.id).unwrap_or(ts);
    let mut out = String::new();
    let cal_name = view.calendar_for(&t.id, cal).map(|c| c.name().to_owned()).unwrap_or_default();
    let words = view.describe(&t.id, false).unwrap_or_default();
    out.push_str(&format!("\n{} ({}): {words}, counted in the {cal_name} calendar.\n", t.id, t.label));
    if let Some((on, from)) = used {
        let why = if as_at.is_some() { "the --as-at date" } else { "the day the count starts" };
        match from {
            Some(from) => out.push_str(&format!("This is the rule in force from {}, as it stood on {} ({why}).\n", day_month_year(from), day_month_year(on))),
            None => out.push_str(&format!("This is the rule as it stood on {} ({why}).\n", day_month_year(on))),
        }
        for v in ts.versions.iter().filter(|v| v.from.is_some_and(|f| f > on)) {
            let later = rules.at(v.from.expect("filtered"));
            out.push_str(&format!(
                "From {} the rule is {}.\n",
                day_month_year(v.from.expect("filtered")),
                later.describe(&t.id, false).unwrap_or_default()
            ));
        }
        if let Some(until) = ts.until {
            out.push_str(&format!("The rule ends on {}.\n", day_month_year(until)));
        }
    }
    for step in steps {
        out.push_str(&format!("  {step}\n"));
    }
    out.push_str(&format!("Source: {}.\n", t.sources.join("; ")));
    if let Some(note) = &t.note {
        out.push_str(&format!("Note: {note}\n"));
    }
    for (i, o) in t.other_sources.iter().enumerate() {
        let would = match rules.due_by_other_source(&t.id, i, events, cal) {
            Ok(Some(d)) if !o.every => format!(", which would give {}", timescales::date::long(d)),
            _ => String::new(),
        };
        out.push_str(&format!("Other source: {} says {}{would}.\n", o.source, o.length));
    }
    out
}

/// Runs `waymark holidays`, returning what goes to stdout.
pub fn holidays_command(opts: &HolidaysOptions) -> Result<String, Failure> {
    let site = load_for_command(&opts.rules)?;
    check_calendar(&site, opts.calendar.as_deref())?;
    let name = opts
        .calendar
        .as_deref()
        .or(site.rules.default_calendar())
        .ok_or_else(|| usage("the rules file names no default calendar: pass --calendar NAME"))?;
    if !(1..=9999).contains(&opts.year) {
        return Err(usage(format!("--year {}: give a year from 1 to 9999", opts.year)));
    }
    let cal = site.rules.calendar(name).ok_or_else(|| usage(format!("unknown calendar `{name}`")))?;
    Ok(cal.holidays(opts.year).iter().map(|h| format!("{}\t{}\n", timescales::date::iso(h.date), h.name)).collect())
}
