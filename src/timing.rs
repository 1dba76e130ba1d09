//! Where a build's time goes: with `WAYMARK_TIMINGS=1` in the environment,
//! each stage prints its wall time to standard error (`timing: render 84 ms`).
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
    eprintln!("timing: {name} {:.0} ms", start.elapsed().as_secs_f64() * 1000.0);
    out
}

/// Prints the time since `start` under `name`, when timings are on (for
/// stages inside async code, which [`stage`] cannot wrap).
pub(crate) fn since(name: &str, start: Instant) {
    if on() {
        eprintln!("timing: {name} {:.0} ms", start.elapsed().as_secs_f64() * 1000.0);
    }
}
