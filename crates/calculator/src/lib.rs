//! The waymark rule engine in the browser.
//!
//! A thin [`wasm_bindgen`] wrapper over `timescales` (which stays free of
//! wasm-bindgen). The rules arrive as data: the JSON that `waymark build`
//! writes from the site's `rules.yaml` (see [`load`]), so one compiled module
//! serves every site. `cargo xtask calculator` builds the module and its
//! JavaScript glue into `themes/default/static/calculator/`.
//!
//! Everything the page shows comes from here, counted by the same code as
//! `waymark dates`: the due dates (ISO and in words, with the weekday), the
//! rule in words and its source.

use timescales::doc::{CalculatorDoc, CalendarDoc, DateDoc, EventDoc, GovUkDivision, GovUkEvent, OneOrMany, OrderedMap, OtherSourceDoc, TimescaleDoc};
use timescales::{EventDates, GovUkFeed, Imports, Rules, RulesDoc};
use wasm_bindgen::prelude::*;

pub mod json;

use json::Value;

/// One shown timescale with its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Timescale id.
    pub id: String,
    /// Its name (practitioner or family words), mid-sentence form.
    pub label: String,
    /// The rule in words, mid-sentence form.
    pub words: String,
    /// Sources of the figure in force, joined with "; ".
    pub source: String,
    /// Due dates: one, or the first `series` of a repeating timescale.
    pub dates: Vec<Due>,
    /// For `earliest_of`: the name of the rule that set the date.
    pub set_by: Option<String>,
}

/// One due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// `Monday 4 January 2027`.
    pub long: String,
}

/// Validates the JSON that `waymark build` publishes into rules: an object
/// `{"rules": RULES, "imports": {FILE: FEED}}`, where RULES has the shape of
/// rules.yaml ([`RulesDoc`] as serde writes it) and each FEED is a GOV.UK
/// `bank-holidays.json` cut down to the divisions the rules import.
pub fn load(json_text: &str) -> Result<Rules, String> {
    let (doc, imports) = read_published(&json::parse(json_text)?)?;
    Rules::from_doc(&doc, &imports).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("rules: {}", list.join("; "))
    })
}

type Res<T> = Result<T, String>;

fn obj<'a>(v: &'a Value, what: &str) -> Res<&'a [(String, Value)]> {
    match v {
        Value::Object(o) => Ok(o),
        _ => Err(format!("{what}: expected an object")),
    }
}

fn text(v: &Value, what: &str) -> Res<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(format!("{what}: expected a string")),
    }
}

fn opt_text(v: &Value, what: &str) -> Res<Option<String>> {
    match v {
        Value::Null => Ok(None),
        v => text(v, what).map(Some),
    }
}

fn texts(v: &Value, what: &str) -> Res<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(|x| text(x, what)).collect(),
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!("{what}: expected a list of strings")),
    }
}

fn list<T>(v: &Value, what: &str, f: impl Fn(&Value) -> Res<T>) -> Res<Vec<T>> {
    match v {
        Value::Array(a) => a.iter().map(f).collect(),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!("{what}: expected a list")),
    }
}

fn map<T>(v: &Value, what: &str, f: impl Fn(&str, &Value) -> Res<T>) -> Res<OrderedMap<T>> {
    Ok(OrderedMap(obj(v, what)?.iter().map(|(k, x)| f(k, x).map(|t| (k.clone(), t))).collect::<Res<_>>()?))
}

fn unknown(what: &str, key: &str) -> String {
    format!("{what}: unknown key `{key}`")
}

fn read_published(v: &Value) -> Res<(RulesDoc, Imports)> {
    let mut doc = RulesDoc::default();
    let mut imports = Imports::default();
    for (k, x) in obj(v, "published rules")? {
        match k.as_str() {
            "rules" => doc = read_doc(x)?,
            "imports" => {
                for (file, feed) in obj(x, "imports")? {
                    imports.files.insert(file.clone(), read_feed(feed)?);
                }
            }
            _ => return Err(unknown("published rules", k)),
        }
    }
    Ok((doc, imports))
}

fn read_doc(v: &Value) -> Res<RulesDoc> {
    let mut doc = RulesDoc::default();
    for (k, x) in obj(v, "rules")? {
        match k.as_str() {
            "calendar" => doc.calendar = opt_text(x, k)?,
            "calendars" => doc.calendars = map(x, k, read_calendar)?,
            "events" => doc.events = map(x, k, read_event)?,
            "timescales" => doc.timescales = map(x, k, read_timescale)?,
            "calculators" => doc.calculators = map(x, k, read_calculator)?,
            _ => return Err(unknown("rules", k)),
        }
    }
    Ok(doc)
}

fn read_calendar(id: &str, v: &Value) -> Res<CalendarDoc> {
    let mut c = CalendarDoc::default();
    for (k, x) in obj(v, id)? {
        match k.as_str() {
            "extends" => c.extends = opt_text(x, k)?,
            "weekend" => c.weekend = if *x == Value::Null { None } else { Some(texts(x, k)?) },
            "holidays" => c.holidays = OneOrMany(texts(x, k)?),
            "dates" => {
                c.dates = list(x, k, |d| {
                    let mut date = String::new();
                    let mut name = String::new();
                    for (dk, dx) in obj(d, "dates")? {
                        match dk.as_str() {
                            "date" => date = text(dx, dk)?,
                            "name" => name = text(dx, dk)?,
                            _ => return Err(unknown("dates", dk)),
                        }
                    }
                    Ok(DateDoc { date, name })
                })?
            }
            "not_holidays" => c.not_holidays = texts(x, k)?,
            "import" => c.import = OneOrMany(texts(x, k)?),
            _ => return Err(unknown(id, k)),
        }
    }
    Ok(c)
}

fn read_event(id: &str, v: &Value) -> Res<EventDoc> {
    let mut e = EventDoc { label: String::new(), plain: String::new(), note: None };
    for (k, x) in obj(v, id)? {
        match k.as_str() {
            "label" => e.label = text(x, k)?,
            "plain" => e.plain = text(x, k)?,
            "note" => e.note = opt_text(x, k)?,
            _ => return Err(unknown(id, k)),
        }
    }
    Ok(e)
}

fn read_timescale(id: &str, v: &Value) -> Res<TimescaleDoc> {
    let mut t = TimescaleDoc::default();
    for (k, x) in obj(v, id)? {
        match k.as_str() {
            "label" => t.label = text(x, k)?,
            "plain" => t.plain = text(x, k)?,
            "after" => t.after = opt_text(x, k)?,
            "before" => t.before = opt_text(x, k)?,
            "within" => t.within = opt_text(x, k)?,
            "every" => t.every = opt_text(x, k)?,
            "earliest_of" => t.earliest_of = if *x == Value::Null { None } else { Some(texts(x, k)?) },
            "calendar" => t.calendar = opt_text(x, k)?,
            "source" => t.source = OneOrMany(texts(x, k)?),
            "note" => t.note = opt_text(x, k)?,
            "wording" => t.wording = opt_text(x, k)?,
            "plain_wording" => t.plain_wording = opt_text(x, k)?,
            "other_sources" => {
                t.other_sources = list(x, k, |o| {
                    let mut out = OtherSourceDoc { source: String::new(), within: None, every: None, note: None };
                    for (ok, ox) in obj(o, "other_sources")? {
                        match ok.as_str() {
                            "source" => out.source = text(ox, ok)?,
                            "within" => out.within = opt_text(ox, ok)?,
                            "every" => out.every = opt_text(ox, ok)?,
                            "note" => out.note = opt_text(ox, ok)?,
                            _ => return Err(unknown("other_sources", ok)),
                        }
                    }
                    Ok(out)
                })?
            }
            _ => return Err(unknown(id, k)),
        }
    }
    Ok(t)
}

fn read_calculator(id: &str, v: &Value) -> Res<CalculatorDoc> {
    let mut c = CalculatorDoc { title: String::new(), asks: OneOrMany::default(), shows: Vec::new(), same_day: Vec::new(), calendar: None };
    for (k, x) in obj(v, id)? {
        match k.as_str() {
            "title" => c.title = text(x, k)?,
            "asks" => c.asks = OneOrMany(texts(x, k)?),
            "shows" => c.shows = texts(x, k)?,
            "same_day" => c.same_day = texts(x, k)?,
            "calendar" => c.calendar = opt_text(x, k)?,
            _ => return Err(unknown(id, k)),
        }
    }
    Ok(c)
}

fn read_feed(v: &Value) -> Res<GovUkFeed> {
    let mut feed = GovUkFeed::new();
    for (name, d) in obj(v, "feed")? {
        let mut div = GovUkDivision { division: name.clone(), events: Vec::new() };
        for (k, x) in obj(d, name)? {
            match k.as_str() {
                "division" => div.division = text(x, k)?,
                "events" => {
                    div.events = list(x, k, |e| {
                        let mut ev = GovUkEvent { title: String::new(), date: String::new(), notes: String::new(), bunting: false };
                        for (ek, ex) in obj(e, "events")? {
                            match ek.as_str() {
                                "title" => ev.title = text(ex, ek)?,
                                "date" => ev.date = text(ex, ek)?,
                                "notes" => ev.notes = text(ex, ek)?,
                                "bunting" => ev.bunting = *ex == Value::Bool(true),
                                _ => {}
                            }
                        }
                        Ok(ev)
                    })?
                }
                _ => {}
            }
        }
        feed.insert(name.clone(), div);
    }
    Ok(feed)
}

/// The rows as JSON: `[{"id", "label", "words", "source", "dates": [{"iso", "long"}], "set_by"}]`.
pub fn rows_json(rows: &[Row]) -> String {
    let mut out = String::from("[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, (k, v)) in [("id", &r.id), ("label", &r.label), ("words", &r.words), ("source", &r.source)].into_iter().enumerate() {
            out.push(if j == 0 { '{' } else { ',' });
            json::write_str(&mut out, k);
            out.push(':');
            json::write_str(&mut out, v);
        }
        out.push_str(",\"dates\":[");
        for (j, d) in r.dates.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str("{\"iso\":");
            json::write_str(&mut out, &d.iso);
            out.push_str(",\"long\":");
            json::write_str(&mut out, &d.long);
            out.push('}');
        }
        out.push_str("],\"set_by\":");
        match &r.set_by {
            Some(s) => json::write_str(&mut out, s),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// The dates of calculator `id` for the asked events (`event=YYYY-MM-DD`
/// pairs), `series` dates of each repeating timescale, in family words if
/// `plain`.
pub fn compute(rules: &Rules, id: &str, asked: &[(String, String)], plain: bool, series: u32) -> Result<Vec<Row>, String> {
    let calc = rules.calculator(id).ok_or_else(|| format!("no calculator `{id}`"))?;
    let mut events = EventDates::new();
    for (event, text) in asked {
        let date = timescales::date::parse_iso(text).ok_or_else(|| format!("`{text}` is not YYYY-MM-DD"))?;
        events.set(event, date);
    }
    calc.fill(&mut events);
    let cal = calc.calendar.as_deref();
    let name = |tid: &str| rules.timescale(tid).map(|t| if plain { t.plain.clone() } else { t.label.clone() }).unwrap_or_default();
    calc.shows
        .iter()
        .map(|tid| {
            let t = rules.timescale(tid).ok_or_else(|| format!("no timescale `{tid}`"))?;
            let (dates, set_by) = if t.repeats() {
                (rules.series(tid, &events, cal, series.max(1)).map_err(|e| e.to_string())?, None)
            } else {
                let out = rules.explain(tid, &events, cal).map_err(|e| e.to_string())?;
                (vec![out.date], out.set_by.map(|s| name(&s)))
            };
            Ok(Row {
                id: t.id.clone(),
                label: name(tid),
                words: rules.describe(tid, plain).unwrap_or_default(),
                source: t.sources.join("; "),
                dates: dates.into_iter().map(|d| Due { iso: timescales::date::iso(d), long: timescales::date::long(d) }).collect(),
                set_by,
            })
        })
        .collect()
}

/// The rules, loaded once per page.
#[wasm_bindgen]
pub struct Engine {
    rules: Rules,
}

#[wasm_bindgen]
impl Engine {
    /// Loads the rules JSON that `waymark build` published.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<Engine, JsError> {
        load(json).map(|rules| Engine { rules }).map_err(|e| JsError::new(&e))
    }

    /// The calculator's rows as JSON (an array of [`Row`]). `asked` is
    /// `event=YYYY-MM-DD` pairs separated by `&`.
    pub fn compute(&self, id: &str, asked: &str, plain: bool, series: u32) -> Result<String, JsError> {
        let pairs: Vec<(String, String)> =
            asked.split('&').filter(|p| !p.is_empty()).filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        let rows = compute(&self.rules, id, &pairs, plain, series).map_err(|e| JsError::new(&e))?;
        Ok(rows_json(&rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"{"rules":{"calendar":"s","calendars":{"s":{"holidays":"scotland"}},
        "events":{"m":{"label":"the meeting","plain":"the meeting"}},
        "timescales":{"a":{"label":"the first","plain":"the first one","after":"m","within":"15 calendar days","source":"X"},
                      "b":{"label":"later ones","plain":"later ones","after":"a","every":"4 weeks","source":["Y","Z"]}},
        "calculators":{"c":{"title":"T","asks":"m","shows":["a","b"]}}}}"#;

    #[test]
    fn computes_dates_words_and_sources() {
        let rules = load(RULES).unwrap();
        let rows = compute(&rules, "c", &[("m".into(), "2026-12-23".into())], false, 3).unwrap();
        assert_eq!(rows[0].dates, vec![Due { iso: "2027-01-07".into(), long: "Thursday 7 January 2027".into() }]);
        assert_eq!(rows[0].words, "within 15 calendar days of the meeting");
        assert_eq!(rows[1].dates.len(), 3);
        assert_eq!(rows[1].source, "Y; Z");
        let plain = compute(&rules, "c", &[("m".into(), "2026-12-23".into())], true, 1).unwrap();
        assert_eq!(plain[0].label, "the first one");
        assert!(compute(&rules, "c", &[("m".into(), "2026-13-23".into())], false, 1).is_err());
        assert!(load("{\"rules\":{\"x\":1}}").unwrap_err().contains("unknown key `x`"));
        let json = rows_json(&rows);
        assert!(json.starts_with(r#"[{"id":"a","label":"the first","words":"within 15 calendar days of the meeting","source":"X","dates":[{"iso":"2027-01-07","long":"Thursday 7 January 2027"}],"set_by":null}"#), "{json}");
        assert!(matches!(json::parse(&json), Ok(Value::Array(a)) if a.len() == 2));
    }
}
