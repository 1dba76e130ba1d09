//! Evaluates one million timescales of mixed units (calendar days, working
//! days, weeks, months, forward and back, one chained) for event dates spread
//! over 2020–2040, and prints the total time. `cargo bench -p timescales`.

use std::hint::black_box;
use std::time::Instant;

use timescales::{Date, EventDates, Imports, Rules, RulesDoc};

fn main() {
    let doc: RulesDoc = serde_json::from_value(serde_json::json!({
        "calendar": "argyll-and-bute",
        "calendars": { "scotland": { "holidays": "scotland" }, "argyll-and-bute": { "extends": "scotland" } },
        "events": { "e": { "label": "the event", "plain": "the event" } },
        "timescales": {
            "cal": { "label": "a", "plain": "a", "after": "e", "within": "28 calendar days", "source": "s" },
            "work": { "label": "b", "plain": "b", "after": "e", "within": "21 working days", "source": "s" },
            "weeks": { "label": "c", "plain": "c", "after": "e", "within": "4 weeks", "source": "s" },
            "months": { "label": "d", "plain": "d", "after": "e", "within": "6 months", "source": "s" },
            "back": { "label": "f", "plain": "f", "before": "e", "within": "5 working days", "source": "s" },
            "chain": { "label": "g", "plain": "g", "after": "cal", "within": "10 working days", "source": "s" }
        }
    }))
    .expect("bench rules");
    let t0 = Instant::now();
    let rules = Rules::from_doc(&doc, &Imports::default()).expect("valid");
    let build = t0.elapsed();

    let ids = ["cal", "work", "weeks", "months", "back", "chain"];
    let start = Date::from_calendar_date(2020, time::Month::January, 1).unwrap().to_julian_day();
    let span = Date::from_calendar_date(2040, time::Month::December, 31).unwrap().to_julian_day() - start;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    const N: usize = 1_000_000;
    let mut events = EventDates::new();
    let t = Instant::now();
    let mut check = 0i64;
    for i in 0..N {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let day = start + ((seed >> 33) % span as u64) as i32;
        events.set("e", Date::from_julian_day(day).unwrap());
        let due = rules.due(black_box(ids[i % ids.len()]), &events, None).expect("evaluates");
        check += i64::from(due.to_julian_day());
    }
    let total = t.elapsed();
    println!("rules built (2 calendars, bitsets for 1950–2150) in {build:?}");
    println!(
        "{N} timescales evaluated in {:.3} s ({:.0} ns each; checksum {check})",
        total.as_secs_f64(),
        total.as_nanos() as f64 / N as f64
    );
}
