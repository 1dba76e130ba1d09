//! The waymark rule engine in the browser.
//!
//! A thin [`wasm_bindgen`] wrapper over `timescales` (which stays free of
//! wasm-bindgen). The rules arrive as data: the JSON that `waymark build`
//! writes from the validated rules file ([`timescales::plan::browser_json`]:
//! calendars as explicit non-working days, references resolved to indexes,
//! the rule in words already rendered from the rules file), so one compiled
//! module serves every site. `cargo xtask calculator` builds the module and
//! its JavaScript glue into `themes/default/static/calculator/`.
//!
//! The dates are counted by the same code as `waymark dates`
//! ([`timescales::eval::count`]). To keep the module small it links no
//! validation, no error wording and no `format!`: the host has done the
//! first two, and the dates are written out by hand here.

use time::Date;
use timescales::length::{Length, Unit};
use timescales::plan::{DayTable, Plan, PlanAnchor, PlanShape, PlanTimescale, PlanVersion};
use timescales::Direction;
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
    /// When the count used a version of the rule other than the current one.
    pub then: Option<Then>,
}

/// The version of a rule a count used, when it is not the one in force now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Then {
    /// The day that chose it (`YYYY-MM-DD`): the count's day 0.
    pub on: String,
    /// The first day of that version (`YYYY-MM-DD`), if it has one.
    pub from: Option<String>,
}

/// One due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// `Monday 4 January 2027`.
    pub long: String,
}

/// A timescale's words, as the host rendered them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// Id.
    pub id: String,
    /// Practitioner name.
    pub label: String,
    /// Family name.
    pub plain: String,
    /// The rule in practitioner words.
    pub words: String,
    /// The rule in family words.
    pub plain_words: String,
    /// Sources, joined with "; ".
    pub source: String,
    /// For a dated timescale: the words of each version (the same fields), oldest first.
    pub versions: Vec<Words>,
    /// The first day of each version (`YYYY-MM-DD`), if it has one.
    pub version_from: Vec<Option<String>>,
    /// The version in force now, if any.
    pub current: Option<usize>,
}

/// A calculator: indexes into the events and timescales.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calc {
    /// Id.
    pub id: String,
    /// Events asked for.
    pub asks: Vec<usize>,
    /// Events dated the same day as the first asked one.
    pub same_day: Vec<usize>,
    /// Timescales shown.
    pub shows: Vec<usize>,
    /// Calendar to count in.
    pub calendar: Option<usize>,
}

/// The published rules, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    /// Event ids, by index.
    pub events: Vec<String>,
    /// What counts.
    pub plan: Plan,
    /// Words, by timescale index.
    pub words: Vec<Words>,
    /// Calculators.
    pub calculators: Vec<Calc>,
}

type Res<T> = Result<T, String>;

fn bad(what: &str) -> String {
    let mut s = String::from("rules: bad ");
    s.push_str(what);
    s
}

fn obj<'a>(v: &'a Value, what: &str) -> Res<&'a [(String, Value)]> {
    match v {
        Value::Object(o) => Ok(o),
        _ => Err(bad(what)),
    }
}

fn text(v: &Value, what: &str) -> Res<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(bad(what)),
    }
}

fn int(v: &Value, what: &str) -> Res<i64> {
    match v {
        Value::Number(n) => n.parse().map_err(|_| bad(what)),
        _ => Err(bad(what)),
    }
}

fn index(v: &Value, what: &str, len: usize) -> Res<usize> {
    usize::try_from(int(v, what)?).ok().filter(|&i| i < len).ok_or_else(|| bad(what))
}

fn opt_index(v: &Value, what: &str, len: usize) -> Res<Option<usize>> {
    match v {
        Value::Null => Ok(None),
        v => index(v, what, len).map(Some),
    }
}

fn list<T>(v: &Value, what: &str, f: impl Fn(&Value) -> Res<T>) -> Res<Vec<T>> {
    match v {
        Value::Array(a) => a.iter().map(f).collect(),
        _ => Err(bad(what)),
    }
}

fn field<'a>(o: &'a [(String, Value)], key: &str) -> &'a Value {
    o.iter().find(|(k, _)| k == key).map_or(&Value::Null, |(_, v)| v)
}

/// A figure: `"n"` and `"unit"` of an object.
fn length_in(o: &[(String, Value)]) -> Res<Length> {
    let n = u32::try_from(int(field(o, "n"), "n")?).map_err(|_| bad("n"))?;
    let unit = *Unit::ALL.get(index(field(o, "unit"), "unit", 4)?).ok_or_else(|| bad("unit"))?;
    Ok(Length { n, unit })
}

/// Reads the JSON that `waymark build` publishes
/// ([`timescales::plan::browser_json`]).
pub fn load(json_text: &str) -> Res<Published> {
    let top = json::parse(json_text)?;
    let top = obj(&top, "document")?;
    let events = list(field(top, "events"), "events", |v| text(v, "event"))?;
    let calendars = list(field(top, "calendars"), "calendars", |c| {
        let c = obj(c, "calendar")?;
        let first = i32::try_from(int(field(c, "first"), "first")?).map_err(|_| bad("first"))?;
        let last = i32::try_from(int(field(c, "last"), "last")?).map_err(|_| bad("last"))?;
        let mut weekend = [false; 7];
        for d in list(field(c, "weekend"), "weekend", |d| index(d, "weekend", 7))? {
            weekend[d] = true;
        }
        let holidays = list(field(c, "holidays"), "holidays", |d| {
            i32::try_from(int(d, "holidays")?).ok().and_then(|d| first.checked_add(d)).ok_or_else(|| bad("holidays"))
        })?;
        Ok(DayTable { first, last, weekend, holidays })
    })?;
    let ts_values = match field(top, "timescales") {
        Value::Array(a) => a.as_slice(),
        _ => return Err(bad("timescales")),
    };
    let n_ts = ts_values.len();
    let n_ev = events.len();
    let mut timescales = Vec::new();
    let mut words = Vec::new();
    for t in ts_values {
        let t = obj(t, "timescale")?;
        let s = |k: &str| text(field(t, k), k);
        let read_words = |o: &[(String, Value)]| -> Res<Words> {
            let s = |k: &str| text(field(o, k), k);
            Ok(Words { label: s("label")?, plain: s("plain")?, words: s("words")?, plain_words: s("plain_words")?, source: s("source")?, ..Words::default() })
        };
        let mut w = Words { id: s("id")?, ..read_words(t)? };
        let mut versions = Vec::new();
        if let Value::Array(vs) = field(t, "versions") {
            for v in vs {
                let v = obj(v, "version")?;
                let from = match field(v, "from") {
                    Value::Null => None,
                    d => Some(i32::try_from(int(d, "from")?).map_err(|_| bad("from"))?),
                };
                let length = match field(v, "n") {
                    Value::Null => None,
                    _ => Some(length_in(v)?),
                };
                versions.push(PlanVersion { from, length });
                w.version_from.push(from.and_then(|d| Date::from_julian_day(d).ok()).map(iso));
                w.versions.push(Words { id: w.id.clone(), ..read_words(v)? });
            }
            w.current = opt_index(field(t, "current"), "current", versions.len())?;
        }
        let until = match field(t, "until") {
            Value::Null => None,
            d => Some(i32::try_from(int(d, "until")?).map_err(|_| bad("until"))?),
        };
        words.push(w);
        let anchor = || -> Res<PlanAnchor> {
            let a = index(field(t, "anchor"), "anchor", n_ev + n_ts)?;
            Ok(if a < n_ev { PlanAnchor::Event(a) } else { PlanAnchor::Timescale(a - n_ev) })
        };
        let length = || length_in(t);
        let shape = match int(field(t, "kind"), "kind")? {
            0 => PlanShape::Within { anchor: anchor()?, direction: Direction::After, length: length()? },
            1 => PlanShape::Within { anchor: anchor()?, direction: Direction::Before, length: length()? },
            2 => PlanShape::Every { anchor: anchor()?, length: length()? },
            3 => PlanShape::EarliestOf(list(field(t, "of"), "of", |i| index(i, "of", n_ts))?),
            _ => return Err(bad("kind")),
        };
        timescales.push(PlanTimescale { shape, calendar: opt_index(field(t, "calendar"), "calendar", calendars.len())?, versions, until });
    }
    let mut calculators = Vec::new();
    for (id, c) in obj(field(top, "calculators"), "calculators")? {
        let c = obj(c, "calculator")?;
        let events_of = |k: &str| list(field(c, k), k, |e| index(e, k, n_ev));
        calculators.push(Calc {
            id: id.clone(),
            asks: events_of("asks")?,
            same_day: events_of("same_day")?,
            shows: list(field(c, "shows"), "shows", |i| index(i, "shows", n_ts))?,
            calendar: opt_index(field(c, "calendar"), "calendar", calendars.len())?,
        });
    }
    Ok(Published { events, plan: Plan { calendars, timescales }, words, calculators })
}

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// `YYYY-MM-DD` (as `timescales::date::iso`, without `format!`).
pub fn iso(date: Date) -> String {
    let mut s = String::with_capacity(10);
    json::push_uint(&mut s, date.year().unsigned_abs().into(), 4);
    s.push('-');
    json::push_uint(&mut s, u8::from(date.month()).into(), 2);
    s.push('-');
    json::push_uint(&mut s, date.day().into(), 2);
    s
}

/// `Monday 4 January 2027` (as `timescales::date::long`, without `format!`).
pub fn long(date: Date) -> String {
    let mut s = String::from(WEEKDAYS[usize::from(date.weekday().number_days_from_monday())]);
    s.push(' ');
    json::push_uint(&mut s, date.day().into(), 1);
    s.push(' ');
    s.push_str(MONTHS[usize::from(u8::from(date.month())) - 1]);
    s.push(' ');
    json::push_uint(&mut s, date.year().unsigned_abs().into(), 1);
    s
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
        out.push_str(",\"then\":");
        match &r.then {
            Some(t) => {
                out.push_str("{\"on\":");
                json::write_str(&mut out, &t.on);
                out.push_str(",\"from\":");
                match &t.from {
                    Some(f) => json::write_str(&mut out, f),
                    None => out.push_str("null"),
                }
                out.push('}');
            }
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
pub fn compute(rules: &Published, id: &str, asked: &[(String, String)], plain: bool, series: u32) -> Result<Vec<Row>, String> {
    let calc = rules.calculators.iter().find(|c| c.id == id).ok_or("no such calculator")?;
    let mut events: Vec<Option<Date>> = vec![None; rules.events.len()];
    for (event, text) in asked {
        let date = timescales::date::parse_iso(text).ok_or("a date is not YYYY-MM-DD")?;
        if let Some(i) = rules.events.iter().position(|e| e == event) {
            events[i] = Some(date);
        }
    }
    if let Some(date) = calc.asks.first().and_then(|&a| events[a]) {
        for &e in &calc.same_day {
            events[e] = Some(date);
        }
    }
    let name = |w: &Words| if plain { w.plain.clone() } else { w.label.clone() };
    let out_of_range = |_| String::from("these dates cannot be counted");
    calc.shows
        .iter()
        .map(|&t| {
            let all = &rules.words[t];
            let used = rules.plan.version_used(t, &events, calc.calendar, None).map_err(out_of_range)?;
            let (w, then) = match used {
                Some((i, on)) => {
                    let then = (Some(i) != all.current).then(|| Then { on: iso(on), from: all.version_from[i].clone() });
                    (&all.versions[i], then)
                }
                None => (all, None),
            };
            let (dates, set_by) = if matches!(rules.plan.timescales[t].shape, PlanShape::Every { .. }) {
                (rules.plan.series(t, &events, calc.calendar, series.max(1)).map_err(out_of_range)?, None)
            } else {
                let (date, set_by) = rules.plan.due(t, &events, calc.calendar).map_err(out_of_range)?;
                (vec![date], set_by.map(|s| name(&rules.words[s])))
            };
            Ok(Row {
                id: all.id.clone(),
                label: name(w),
                words: if plain { w.plain_words.clone() } else { w.words.clone() },
                source: w.source.clone(),
                dates: dates.into_iter().map(|d| Due { iso: iso(d), long: long(d) }).collect(),
                set_by,
                then,
            })
        })
        .collect()
}

/// The rules, loaded once per page.
#[wasm_bindgen]
pub struct Engine {
    rules: Published,
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
    use timescales::{EventDates, Imports, Rules, RulesDoc};

    /// The browser's date words are a copy of the engine's (without `format!`,
    /// which would add to the module's size): the same for every day of
    /// several years, leap days and single-digit days included.
    #[test]
    fn date_words_match_the_engines() {
        let mut d = Date::from_calendar_date(2023, time::Month::January, 1).unwrap();
        let end = Date::from_calendar_date(2031, time::Month::January, 1).unwrap();
        while d < end {
            assert_eq!(iso(d), timescales::date::iso(d));
            assert_eq!(long(d), timescales::date::long(d));
            d = d.next_day().unwrap();
        }
    }

    const RULES: &str = r#"{"calendar":"s","calendars":{"s":{"holidays":"scotland"}},
        "events":{"m":{"label":"the meeting","plain":"the meeting"},"r":{"label":"registration","plain":"registration"}},
        "timescales":{"a":{"label":"the first","plain":"the first one","after":"r","within":"15 calendar days","source":"X"},
                      "b":{"label":"later ones","plain":"later ones","after":"a","every":"4 weeks","source":["Y","Z"]},
                      "w":{"label":"w","plain":"w","after":"m","within":"10 working days","source":"X"},
                      "e":{"label":"either","plain":"either","earliest_of":["a","w"],"source":"X"}},
        "calculators":{"c":{"title":"T","asks":"m","same_day":["r"],"shows":["a","b","e"]}}}"#;

    fn rules() -> (Rules, Published) {
        let doc: RulesDoc = serde_json::from_str(RULES).unwrap();
        let rules = Rules::from_doc(&doc, &Imports::default()).unwrap();
        let published = load(&timescales::plan::browser_json(&rules, timescales::plan::BROWSER_YEARS, None)).unwrap();
        (rules, published)
    }

    #[test]
    fn computes_dates_words_and_sources() {
        let (_, rules) = rules();
        let rows = compute(&rules, "c", &[("m".into(), "2026-12-23".into())], false, 3).unwrap();
        assert_eq!(rows[0].dates, vec![Due { iso: "2027-01-07".into(), long: "Thursday 7 January 2027".into() }]);
        assert_eq!(rows[0].words, "within 15 calendar days of registration");
        assert_eq!(rows[1].dates.len(), 3);
        assert_eq!(rows[1].source, "Y; Z");
        assert_eq!(rows[2].set_by.as_deref(), Some("the first"));
        let plain = compute(&rules, "c", &[("m".into(), "2026-12-23".into())], true, 1).unwrap();
        assert_eq!(plain[0].label, "the first one");
        assert!(compute(&rules, "c", &[("m".into(), "2026-13-23".into())], false, 1).is_err());
        assert!(compute(&rules, "c", &[("m".into(), "2070-01-05".into())], false, 1).is_err());
        assert!(load("{\"events\":1}").is_err());
        let json = rows_json(&rows);
        assert!(json.starts_with(r#"[{"id":"a","label":"the first","words":"within 15 calendar days of registration","source":"X","dates":[{"iso":"2027-01-07","long":"Thursday 7 January 2027"}],"set_by":null,"then":null}"#), "{json}");
        assert!(matches!(json::parse(&json), Ok(Value::Array(a)) if a.len() == 3));
    }

    #[test]
    fn agrees_with_the_rules_and_the_host_words() {
        let (host, rules) = rules();
        let mut day = Date::from_calendar_date(2025, time::Month::January, 1).unwrap();
        while day.year() < 2031 {
            let rows = compute(&rules, "c", &[("m".into(), iso(day))], false, 3).unwrap();
            let events = EventDates::new().with("m", day).with("r", day);
            for row in &rows {
                let want = host.series(&row.id, &events, Some("s"), 3).unwrap();
                let want: Vec<Due> = want.into_iter().map(|d| Due { iso: timescales::date::iso(d), long: timescales::date::long(d) }).collect();
                assert_eq!(row.dates, want, "{} from {day}", row.id);
                assert_eq!(row.words, host.describe(&row.id, false).unwrap());
            }
            day = day.next_day().unwrap();
        }
    }

    #[test]
    fn counts_by_the_version_of_the_date_entered_and_says_so() {
        let doc: RulesDoc = serde_json::from_str(
            r#"{"calendar":"s","calendars":{"s":{"holidays":"scotland"}},
            "events":{"c":{"label":"the concern","plain":"the worry"}},
            "timescales":{"i":{"label":"the meeting","plain":"the meeting","after":"c",
                "within":{"2014-05-01":"21 calendar days","2021-09-02":"28 calendar days"},
                "source":{"2014-05-01":"Old","2021-09-02":"New"}},
              "r":{"label":"later","plain":"later","after":"i","every":{"2014-05-01":"4 weeks","2021-09-02":"2 weeks"},
                "source":{"2014-05-01":"Old","2021-09-02":"New"}}},
            "calculators":{"k":{"title":"T","asks":"c","shows":["i","r"]}}}"#,
        )
        .unwrap();
        let host = Rules::from_doc(&doc, &Imports::default()).unwrap();
        let today = timescales::date::parse_iso("2026-01-01");
        let rules = load(&timescales::plan::browser_json(&host, timescales::plan::BROWSER_YEARS, today)).unwrap();
        let rows = compute(&rules, "k", &[("c".into(), "2020-03-03".into())], false, 3).unwrap();
        assert_eq!(rows[0].dates[0].iso, "2020-03-24");
        assert_eq!(rows[0].words, "within 21 calendar days of the concern");
        assert_eq!(rows[0].source, "Old");
        assert_eq!(rows[0].then, Some(Then { on: "2020-03-03".into(), from: Some("2014-05-01".into()) }));
        assert!(rows_json(&rows).contains(r#""then":{"on":"2020-03-03","from":"2014-05-01"}"#));
        let rows = compute(&rules, "k", &[("c".into(), "2022-03-03".into())], false, 3).unwrap();
        assert_eq!((rows[0].dates[0].iso.as_str(), rows[0].then.as_ref()), ("2022-03-31", None));
        // Every day around the change, the browser counts as the host does.
        let mut day = timescales::date::parse_iso("2021-06-01").unwrap();
        while day < timescales::date::parse_iso("2022-01-01").unwrap() {
            let rows = compute(&rules, "k", &[("c".into(), iso(day))], false, 3).unwrap();
            let events = EventDates::new().with("c", day);
            for row in &rows {
                let want: Vec<String> = host.series(&row.id, &events, None, 3).unwrap().into_iter().map(timescales::date::iso).collect();
                assert_eq!(row.dates.iter().map(|d| d.iso.clone()).collect::<Vec<_>>(), want, "{} from {day}", row.id);
            }
            day = day.next_day().unwrap();
        }
        // Before the first figure the rule was not in force: no dates.
        assert!(compute(&rules, "k", &[("c".into(), "2014-04-30".into())], false, 1).is_err());
    }
}
