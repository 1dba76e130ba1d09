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

use std::fmt::Write as _;

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

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("string");
    out
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

/// Renders calculator `id` (family words if `plain`). Err is a message for the author.
pub fn render(site: &SiteRules, assets: &Assets, id: &str, plain: bool) -> Result<String, String> {
    let rules = site.engine();
    let Some(calc) = rules.calculator(id) else {
        let known: Vec<&str> = rules.calculators().iter().map(|c| c.id.as_str()).collect();
        return Err(match crate::diag::suggest(id, known.iter().copied()) {
            Some(s) => format!("unknown calculator `{id}`; did you mean `{s}`?"),
            None if known.is_empty() => format!("unknown calculator `{id}`: the rules file has no `calculators`"),
            None => format!("unknown calculator `{id}`; the rules file has {}", known.join(", ")),
        });
    };
    let event_words = |e: &str| rules.event(e).map(|e| if plain { e.plain.clone() } else { e.label.clone() }).unwrap_or_else(|| e.to_owned());
    let q = |s: &str| esc(&smart_quotes(s));
    let base = format!("wm-calc-{id}");
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<section class=\"wm-calculator\" aria-labelledby=\"{base}-title\" data-wm-calculator=\"{id}\" data-wm-plain=\"{plain}\" data-wm-series=\"{SERIES}\" data-wm-glue=\"{}\" data-wm-wasm=\"{}\" data-wm-rules=\"{}\">",
        esc(&assets.glue),
        esc(&assets.wasm),
        esc(&assets.rules)
    );
    let _ = writeln!(h, "<h3 class=\"wm-calculator__title\" id=\"{base}-title\">{}</h3>", q(&calc.title));

    // Without JavaScript: the rules in words and a worked example.
    let (example, events) = example_events(&calc.asks, &calc.same_day);
    let when: Vec<String> = calc
        .asks
        .iter()
        .zip(&example)
        .map(|(e, d)| format!("{} was on {}", event_words(e), timescales::date::long(*d)))
        .collect();
    h.push_str("<div class=\"wm-calculator__fallback\">\n");
    let _ = writeln!(h, "<p>For example, if {}:</p>", q(&when.join(" and ")));
    h.push_str("<dl class=\"wm-summary-list\">\n");
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
        let _ = writeln!(h, "<div class=\"wm-summary-list__row\" data-wm-timescale=\"{tid}\">");
        let _ = writeln!(h, "<dt class=\"wm-summary-list__key\">{}</dt>", q(&heading(label)));
        h.push_str("<dd class=\"wm-summary-list__value\">\n");
        h.push_str(&dates_html(&dates.iter().map(|d| timescales::date::long(*d)).collect::<Vec<_>>()));
        let _ = writeln!(h, "<p class=\"wm-calculator__rule\">{}.</p>", q(&capitalise(&words)));
        if let Some(s) = set_by {
            let _ = writeln!(h, "<p class=\"wm-calculator__rule\">{}</p>", q(&set_by_sentence(&s, plain)));
        }
        let _ = writeln!(h, "<p class=\"wm-calculator__source\">Source: {}</p>", q(&site.source(tid)?));
        h.push_str("</dd>\n</div>\n");
    }
    h.push_str("</dl>\n");
    h.push_str("<noscript><p class=\"wm-calculator__noscript\">To work out the dates for your own date, turn on JavaScript. The rules above say how each date is counted.</p></noscript>\n");
    h.push_str("</div>\n");

    // The form, shown by calculator.js once the engine has loaded.
    let _ = writeln!(h, "<form class=\"wm-calculator__form\" id=\"{base}-form\" novalidate autocomplete=\"off\" hidden>");
    let _ = writeln!(
        h,
        "<div class=\"wm-error-summary\" id=\"{base}-errors\" tabindex=\"-1\" hidden>\n<div role=\"alert\">\n<h4 class=\"wm-error-summary__title\">There is a problem</h4>\n<ul class=\"wm-error-summary__list\"></ul>\n</div>\n</div>"
    );
    for event in &calc.asks {
        let f = format!("{base}-{event}");
        let name = date_phrase(&event_words(event));
        let _ = writeln!(h, "<div class=\"wm-form-group\" id=\"{f}-group\">");
        let _ = writeln!(
            h,
            "<fieldset class=\"wm-fieldset\" role=\"group\" aria-describedby=\"{f}-hint\" data-wm-event=\"{event}\" data-wm-name=\"{}\" data-wm-words=\"{}\">",
            esc(&smart_quotes(&name)),
            esc(&event_words(event))
        );
        let _ = writeln!(h, "<legend class=\"wm-fieldset__legend\">{}</legend>", q(&legend(&event_words(event))));
        let _ = writeln!(h, "<div class=\"wm-hint\" id=\"{f}-hint\">For example, 23 12 2026</div>");
        let _ = writeln!(h, "<p class=\"wm-error-message\" id=\"{f}-error\" hidden></p>");
        h.push_str("<div class=\"wm-date-input\">\n");
        for (part, label, width) in [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)] {
            let _ = writeln!(
                h,
                "<div class=\"wm-date-input__item\"><label class=\"wm-label\" for=\"{f}-{part}\">{label}</label><input class=\"wm-input wm-input--width-{width}\" id=\"{f}-{part}\" name=\"{event}-{part}\" type=\"text\" inputmode=\"numeric\" spellcheck=\"false\" data-wm-part=\"{part}\"></div>"
            );
        }
        h.push_str("</div>\n</fieldset>\n</div>\n");
    }
    let button = if plain { "Work out the dates" } else { "Calculate dates" };
    let _ = writeln!(h, "<button type=\"submit\" class=\"wm-button\">{button}</button>");
    h.push_str("</form>\n");
    let _ = writeln!(h, "<div class=\"wm-calculator__results\" id=\"{base}-results\" role=\"status\"></div>");
    let _ = writeln!(h, "<button type=\"button\" class=\"wm-button wm-button--secondary wm-calculator__ics\" id=\"{base}-ics\" hidden>Add these dates to your calendar</button>");
    h.push_str("</section>");
    Ok(h)
}

/// The sentence under an `earliest_of` date saying which rule set it.
pub fn set_by_sentence(rule: &str, plain: bool) -> String {
    if plain { format!("This date comes from {rule}.") } else { format!("The earlier date is set by {rule}.") }
}

fn dates_html(dates: &[String]) -> String {
    match dates {
        [one] => format!("<p class=\"wm-calculator__date\">By {}</p>\n", esc(one)),
        many => {
            let items: String = many.iter().map(|d| format!("<li>By {}</li>", esc(d))).collect();
            format!("<ul class=\"wm-calculator__dates\">{items}</ul>\n")
        }
    }
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
