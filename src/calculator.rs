//! `{{ calculator("after-registration") }}`: a timescale calculator in a page.
//!
//! The server renders everything a reader needs without JavaScript: the
//! calculator's heading, each rule in words with its source, and a worked
//! example counted at build time by the same engine the browser runs. It also
//! renders the form (GOV.UK date-input pattern: fieldset and legend, Day,
//! Month and Year inputs, a hint, an error summary, inline errors) with the
//! `hidden` attribute, and an empty `role="status"` region for the results.
//! `static/js/calculator.js` unhides the form once the WebAssembly engine has
//! loaded, validates on submit, and fills the region; nothing is sent
//! anywhere or stored. The URLs of the engine (content-hashed names) are in
//! `data-` attributes on the calculator's `<section>`.

use timescales::EventDates;

use crate::render::smart_quotes;
use crate::rules::SiteRules;

/// How many dates of a repeating timescale a calculator shows. The browser
/// gets it from `data-wm-series`.
pub const SERIES: u32 = 3;

/// The worked example's date for the first event asked (the example:
/// a Wednesday just before Christmas, so holidays show in the counting).
pub const EXAMPLE_DATE: &str = "2026-12-23";

/// Days after [`EXAMPLE_DATE`] for each further event asked (the pre-birth
/// calculator's expected date of delivery): 14 weeks, so the example shows the
/// due-date rule setting the deadline.
pub const EXAMPLE_STEP_DAYS: i64 = 98;


/// Where the browser finds the engine: URLs with the site's base path.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// The wasm-bindgen glue (an ES module).
    pub glue: String,
    /// The WebAssembly module.
    pub wasm: String,
    /// The rules JSON ([`SiteRules::browser_json`]).
    pub rules: String,
}

/// "the first core group meeting" → "First core group meeting";
/// "a copy of the plan" → "Copy of the plan". Used for row headings.
pub fn heading(label: &str) -> String {
    let rest = label.strip_prefix("the ").or_else(|| label.strip_prefix("a ")).unwrap_or(label);
    capitalise(rest)
}

/// First letter in capitals.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The noun phrase for an event's date, used in the legend and the error
/// messages: "the date of the child protection planning meeting", or the
/// event's own words when they already say "date" ("the expected date of
/// delivery").
pub fn date_phrase(event_words: &str) -> String {
    if event_words.split_whitespace().any(|w| w == "date") { event_words.to_owned() } else { format!("the date of {event_words}") }
}

/// The legend: [`date_phrase`] without "the", capitalised.
pub fn legend(event_words: &str) -> String {
    heading(&date_phrase(event_words))
}

/// What `partials/calculator.html` gets. Text is ready to show (typographic
/// quotes, capitals); the template escapes it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalculatorContext {
    /// The calculator's id in the rules file (`data-wm-calculator`).
    pub id: String,
    /// The prefix of every id the calculator's markup defines (`wm-calc-<id>`).
    pub prefix: String,
    /// Family words rather than practitioners' (`plain=true`).
    pub plain: bool,
    /// How many dates of a repeating timescale to show ([`SERIES`]).
    pub series: u32,
    /// The engine's URLs, for the script.
    pub glue: String,
    /// The WebAssembly module's URL.
    pub wasm: String,
    /// The rules JSON's URL.
    pub rules: String,
    /// The calculator's title.
    pub title: String,
    /// The worked example's events and dates, as a clause: "the strategy
    /// meeting was on Wednesday 23 December 2026".
    pub example: String,
    /// One row per timescale the calculator shows, worked out for the example.
    pub rows: Vec<CalculatorRow>,
    /// One date to ask for per event.
    pub events: Vec<CalculatorEvent>,
    /// The submit button's words.
    pub button: &'static str,
}

/// One timescale of a calculator, for the worked example.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalculatorRow {
    /// The timescale's id (`data-wm-timescale`).
    pub timescale: String,
    /// Its name as a row heading.
    pub label: String,
    /// The example's due dates, in words (more than one for a repeating timescale).
    pub dates: Vec<String>,
    /// The rule in words, as a sentence.
    pub rule: String,
    /// For an `earliest_of` timescale: which rule set the date, as a sentence.
    pub set_by: Option<String>,
    /// Where the rule comes from.
    pub source: String,
    /// The rule's note, for practitioners' calculators (`None` in family
    /// words: notes are written for practitioners).
    pub note: Option<String>,
}

/// One event whose date the calculator asks for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalculatorEvent {
    /// The event's id (`data-wm-event`, and part of the fields' ids and names).
    pub id: String,
    /// The date's noun phrase, for error messages (`data-wm-name`).
    pub name: String,
    /// The event's own words (`data-wm-words`).
    pub words: String,
    /// The fieldset's legend.
    pub legend: String,
}

/// The context of calculator `id` (family words if `plain`). Err is a message for the author.
pub fn context(site: &SiteRules, assets: &Assets, id: &str, plain: bool) -> Result<CalculatorContext, String> {
    let rules = site.engine();
    let Some(calc) = rules.calculator(id) else {
        let known: Vec<&str> = rules.calculators().iter().map(|c| c.id.as_str()).collect();
        return Err(if known.is_empty() {
            format!("unknown calculator `{id}`: the rules file has no `calculators`")
        } else {
            format!("unknown calculator `{id}`; {}", crate::diag::suggest_help(id, known.iter().copied(), "the rules file has"))
        });
    };
    let event_words = |e: &str| rules.event(e).map(|e| if plain { e.plain.clone() } else { e.label.clone() }).unwrap_or_else(|| e.to_owned());

    // Without JavaScript: the rules in words and a worked example.
    let (example, events) = example_events(&calc.asks, &calc.same_day);
    let when: Vec<String> = calc
        .asks
        .iter()
        .zip(&example)
        .map(|(e, d)| format!("{} was on {}", event_words(e), timescales::date::long(*d)))
        .collect();
    let mut rows = Vec::with_capacity(calc.shows.len());
    for tid in &calc.shows {
        let t = rules.timescale(tid).ok_or_else(|| format!("calculator `{id}` shows unknown timescale `{tid}`"))?;
        let label = if plain { &t.plain } else { &t.label };
        let cal = calc.calendar.as_deref();
        let dates = if t.repeats() {
            rules.series(tid, &events, cal, SERIES).map_err(|e| e.to_string())?
        } else {
            vec![rules.due(tid, &events, cal).map_err(|e| e.to_string())?]
        };
        let set_by = match rules.explain(tid, &events, cal) {
            Ok(o) if !t.repeats() => o.set_by.and_then(|s| rules.timescale(&s).map(|t| if plain { t.plain.clone() } else { t.label.clone() })),
            _ => None,
        };
        let words = site.describe(tid, plain)?;
        rows.push(CalculatorRow {
            timescale: tid.clone(),
            label: smart_quotes(&heading(label)),
            dates: dates.iter().map(|d| timescales::date::long(*d)).collect(),
            rule: smart_quotes(&format!("{}.", capitalise(&words))),
            set_by: set_by.map(|s| smart_quotes(&set_by_sentence(&s, plain))),
            source: smart_quotes(&site.source(tid)?),
            note: if plain { None } else { site.note(tid).map(|n| smart_quotes(&n)) },
        });
    }
    let events = calc
        .asks
        .iter()
        .map(|event| {
            let words = event_words(event);
            CalculatorEvent { id: event.clone(), name: smart_quotes(&date_phrase(&words)), legend: smart_quotes(&legend(&words)), words }
        })
        .collect();
    Ok(CalculatorContext {
        id: id.to_owned(),
        prefix: format!("wm-calc-{id}"),
        plain,
        series: SERIES,
        glue: assets.glue.clone(),
        wasm: assets.wasm.clone(),
        rules: assets.rules.clone(),
        title: smart_quotes(&calc.title),
        example: smart_quotes(&when.join(" and ")),
        rows,
        events,
        button: if plain { "Work out the dates" } else { "Calculate dates" },
    })
}

/// The sentence under an `earliest_of` date saying which rule set it.
pub fn set_by_sentence(rule: &str, plain: bool) -> String {
    if plain { format!("This date comes from {rule}.") } else { format!("The earlier date is set by {rule}.") }
}

/// The worked example's dates: [`EXAMPLE_DATE`] for the first event asked,
/// then [`EXAMPLE_STEP_DAYS`] later for each next one; `same_day` events get
/// the first date.
fn example_events(asks: &[String], same_day: &[String]) -> (Vec<timescales::Date>, EventDates) {
    let first = timescales::date::parse_iso(EXAMPLE_DATE).expect("EXAMPLE_DATE is a date");
    let mut dates = Vec::new();
    let mut events = EventDates::new();
    for (i, e) in asks.iter().enumerate() {
        let d = timescales::date::add_days(first, EXAMPLE_STEP_DAYS * i as i64).unwrap_or(first);
        dates.push(d);
        events.set(e, d);
    }
    for e in same_day {
        events.set(e, first);
    }
    (dates, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_phrases() {
        assert_eq!(heading("the first core group meeting"), "First core group meeting");
        assert_eq!(heading("a copy of the child protection plan"), "Copy of the child protection plan");
        assert_eq!(date_phrase("the child protection planning meeting"), "the date of the child protection planning meeting");
        assert_eq!(date_phrase("the expected date of delivery"), "the expected date of delivery");
        assert_eq!(legend("the expected date of delivery"), "Expected date of delivery");
        assert_eq!(legend("the meeting"), "Date of the meeting");
    }
}
