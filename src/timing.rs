//! Where a build's time goes: with `WAYMARK_TIMINGS=1` in the environment,
//! each stage prints its wall time to standard error, and on Linux the
//! process's resident memory after it (`timing: render 84 ms, 120 MB`).
//! `bench/` uses it for the profile in the README; it costs nothing otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WAYMARK_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"))
}

/// Runs `f`, and prints how long it took when timings are on.
pub(crate) fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !on() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!("timing: {name} {:.0} ms{}", start.elapsed().as_secs_f64() * 1000.0, rss());
    out
}

/// `, N MB`: the resident memory now (Linux only; empty elsewhere).
fn rss() -> String {
    let pages = std::fs::read_to_string("/proc/self/statm").ok().and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok());
    pages.map_or_else(String::new, |p| format!(", {} MB", p * 4096 / 1_000_000))
}

/// Prints the time since `start` under `name`, when timings are on (for
/// stages inside async code, which [`stage`] cannot wrap).
pub(crate) fn since(name: &str, start: Instant) {
    if on() {
        eprintln!("timing: {name} {:.0} ms{}", start.elapsed().as_secs_f64() * 1000.0, rss());
    }
}

/// Prints `took` under `name`, when timings are on (for a stage done in
/// several pieces).
pub(crate) fn report(name: &str, took: std::time::Duration) {
    if on() {
        eprintln!("timing: {name} {:.0} ms{}", took.as_secs_f64() * 1000.0, rss());
    }
}
