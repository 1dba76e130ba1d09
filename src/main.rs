//! The `waymark` command: parse arguments, call the library, print
//! diagnostics, exit 0 (success), 1 (problems in the content) or 2 (usage or I/O).

use std::process::ExitCode;

use clap::Parser as _;
use waymark::cli::{Cli, Command, Format, NewCommand};
use waymark::Failure;
use waymark::diag::{Diagnostic, Severity};

/// mimalloc instead of the system allocator: the build makes and drops many
/// small strings on several threads, where glibc's allocator spent about a
/// fifth of the build's time (README, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = waymark::root_or_cwd(cli.root.as_deref());
    let (result, format, strict) = match cli.command {
        Command::Build(a) => {
            let today = a.site.today.or_else(today);
            let opts = waymark::BuildOptions { root, out: a.out, base_url: a.site.base_url, drafts: a.site.drafts, today, as_at: a.site.as_at, current_site: None, preview: false };
            (waymark::build(&opts).map(|r| summary("built", &r)), a.site.format, false)
        }
        Command::Check(a) => {
            let today = a.site.today.or_else(today);
            let opts = waymark::BuildOptions { root, out: None, base_url: a.site.base_url.clone(), drafts: a.site.drafts, today, as_at: a.site.as_at, current_site: None, preview: false };
            let report = check(&opts, &a).map(|r| {
                if a.readability {
                    print_readability(&r);
                }
                summary("checked", &r)
            });
            (report, a.site.format, a.strict)
        }
        Command::New(NewCommand::Page(a)) => {
            let opts = waymark::new::NewPage { root, path: a.path, title: a.title, audience: a.audience, stage: a.stage };
            (waymark::new::page(&opts).map(|p| (format!("created {}", p.display()), Vec::new())), Format::Human, false)
        }
        Command::Dates(a) => {
            let run = || -> Result<(String, Vec<Diagnostic>), Failure> {
                let rules = waymark::rules_path(&root, a.rules)?;
                let opts = waymark::rules::DatesOptions {
                    rules,
                    calendar: a.calendar,
                    timescale: a.timescale,
                    date: a.date,
                    count: a.count,
                    explain: a.explain,
                    as_at: a.as_at,
                };
                Ok((waymark::rules::dates_command_with_events(&opts, &a.event)?, Vec::new()))
            };
            (run(), Format::Human, false)
        }
        Command::Serve(a) => {
            let opts = waymark::serve::ServeOptions { root, drafts: a.drafts, interface: a.interface, port: a.port, open: a.open };
            (waymark::serve::serve(&opts).map(|()| (String::new(), Vec::new())), Format::Human, false)
        }
        Command::Holidays(a) => {
            let run = || -> Result<(String, Vec<Diagnostic>), Failure> {
                let rules = waymark::rules_path(&root, a.rules)?;
                let opts = waymark::rules::HolidaysOptions { rules, calendar: a.calendar, year: a.year };
                Ok((waymark::rules::holidays_command(&opts)?, Vec::new()))
            };
            (run(), Format::Human, false)
        }
    };
    match result {
        Ok((out, warnings)) => {
            print_diags(&warnings, format);
            if strict && !warnings.is_empty() {
                eprintln!("error: {} warning(s), and --strict treats warnings as errors", warnings.len());
                return ExitCode::from(1);
            }
            if !out.is_empty() {
                println!("{}", out.trim_end_matches('\n'));
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Content(diags)) => {
            print_diags(&diags, format);
            let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = diags.len() - errors;
            if format == Format::Human {
                eprintln!(
                    "error: {errors} error{} and {warnings} warning{} found; nothing was written",
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                );
            }
            ExitCode::from(1)
        }
        Err(Failure::Error(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `check`, with the link checker when waymark is built with it.
#[cfg(feature = "links")]
fn check(opts: &waymark::BuildOptions, a: &waymark::cli::CheckArgs) -> Result<waymark::Report, Failure> {
    let links = waymark::LinkOptions { external: a.external, timeout: std::time::Duration::from_secs(a.timeout), cache_age: a.cache_age };
    waymark::check_with_links(opts, &links)
}

/// `check` without the link checker (built with `--no-default-features`).
#[cfg(not(feature = "links"))]
fn check(opts: &waymark::BuildOptions, a: &waymark::cli::CheckArgs) -> Result<waymark::Report, Failure> {
    if a.external {
        return Err(Failure::Error(waymark::Error::Usage("--external needs waymark built with the `links` feature (cargo build --features links)".into())));
    }
    waymark::check(opts)
}

/// Today's date from the system clock (UTC), for review-date checks.
fn today() -> Option<time::Date> {
    Some(time::OffsetDateTime::now_utc().date())
}

fn print_readability(r: &waymark::Report) {
    println!("{:<52} {:>6} {:>6} {:>6} {:>5} {:>5}", "page (families and young people)", "words", "sent.", "ease", "grade", "age");
    for (path, m) in &r.readability {
        println!(
            "{:<52} {:>6} {:>6} {:>6.1} {:>5.1} {:>5.1}",
            waymark::diag::display_path(path),
            m.words,
            m.sentences,
            m.reading_ease,
            m.grade,
            m.reading_age
        );
    }
}

fn summary(verb: &str, r: &waymark::Report) -> (String, Vec<Diagnostic>) {
    let what = if verb == "built" {
        format!("built {} pages ({} files) into {}", r.pages, r.files, r.out_dir.display())
    } else {
        format!("checked {} pages: no errors", r.pages)
    };
    let w = if r.warnings.is_empty() { String::new() } else { format!(", {} warning(s)", r.warnings.len()) };
    (format!("{what}{w}"), r.warnings.clone())
}

fn print_diags(diags: &[Diagnostic], format: Format) {
    for d in diags {
        match format {
            Format::Human => eprintln!("{}\n", d.render_human()),
            Format::Json => println!("{}", serde_json::to_string(d).unwrap_or_default()),
            Format::Github => println!("{}", waymark::diag::github_annotation(d)),
        }
    }
}
