//! The command line: clap derive types only. Each subcommand becomes one
//! options struct handed to one library function (see `main.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// waymark builds a child protection procedures website from Markdown pages
/// and one rules file of timescales.
///
/// Write pages in content/ (Markdown with a short YAML header), keep every
/// timescale in content/rules.yaml, and run `waymark build`. Every mistake is
/// reported as file:line:column before anything is published.
#[derive(Debug, Parser)]
#[command(name = "waymark", version, about, long_about, propagate_version = true)]
#[command(after_help = "Examples:\n  waymark build                      build the site in this folder into public/\n  waymark check                      find every problem without writing anything\n  waymark serve --open               preview the site, reloading as you edit\n  waymark new page parents/help.md --title \"Getting help\"\n  waymark dates first_core_group 2026-12-23 --explain\n  waymark dates prebirth_cppm 2027-01-10 --event expected_delivery=2027-04-01\n  waymark holidays --year 2027")]
pub struct Cli {
    /// The site folder (the one holding site.toml). Default: the current folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ unless site.toml says otherwise).
    ///
    /// The new site is written beside the old one and swapped in only when
    /// the whole build succeeded: a failed build never changes what was there.
    Build(BuildArgs),
    /// Check the site: everything `build` does, without writing any file,
    /// then every link of the output (offline; http(s) links with --external).
    Check(CheckArgs),
    /// Create a new file from a template.
    #[command(subcommand)]
    New(NewCommand),
    /// Work out a due date from the rules file.
    ///
    /// Prints the date as YYYY-MM-DD on its own line, so scripts can use it.
    Dates(DatesArgs),
    /// List the holidays of a calendar in the rules file, one per line.
    Holidays(HolidaysArgs),
    /// Preview the site: build it in memory, serve it, and rebuild and reload
    /// open pages whenever a page, template, site.toml or the rules change.
    ///
    /// Nothing is written to public/. A change with problems prints them as
    /// `build` does and shows them over the page, which stays at its last good
    /// version until they are fixed.
    Serve(ServeArgs),
}

/// Options shared by build and check.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Use this base URL instead of site.toml's (e.g. https://example.org/procedures/).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check review dates as if today were DATE (YYYY-MM-DD), for reproducible runs.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<time::Date>,
    /// State the rules in force on DATE (YYYY-MM-DD), with a banner on every
    /// page saying that this is not the current version.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_at: Option<time::Date>,
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    timescales::date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date: write it as YYYY-MM-DD"))
}

/// `waymark build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the site here instead of site.toml's output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Options shared with `check`.
    #[command(flatten)]
    pub site: SiteArgs,
}

/// `waymark check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Options shared with `build`.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Also print the reading-age figures of every page for families and young people.
    #[arg(long)]
    pub readability: bool,
    /// Also check http(s) links (each URL once). Failures are warnings
    /// (errors with --strict). Results are kept in .waymark-link-cache in the
    /// site folder and reused for --cache-age.
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link (with --external).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
    /// How long a cached external result is reused, e.g. 1d, 12h, 30m, 0 (with --external).
    #[arg(long, value_name = "AGE", default_value = "1d", value_parser = parse_age)]
    pub cache_age: std::time::Duration,
}

fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not an age: write e.g. 1d, 12h, 30m or 0"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(format!("`{s}` is not an age: write e.g. 1d, 12h, 30m or 0")),
    };
    Ok(std::time::Duration::from_secs(n.saturating_mul(secs)))
}

/// `waymark serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but 127.0.0.1 (or ::1) lets other
    /// computers on the network see the preview, drafts included.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Open the preview in the default web browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// file:line:col: error[code]: message, with the source line (like rustc).
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message).
    Github,
}

/// `waymark new`.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a page with front matter ready to fill in.
    Page(NewPageArgs),
}

/// `waymark new page`.
#[derive(Debug, Args)]
pub struct NewPageArgs {
    /// Where, inside the content folder (e.g. parents/getting-help.md).
    pub path: PathBuf,
    /// The page title.
    #[arg(long)]
    pub title: String,
    /// Who the page is for (audience ids from site.toml, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub audience: Vec<String>,
    /// The stage of the process (a stage id from site.toml).
    #[arg(long)]
    pub stage: Option<String>,
}

/// `waymark dates`.
#[derive(Debug, Args)]
pub struct DatesArgs {
    /// The rules file (default: the one named in site.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Count in this calendar instead of the rule's.
    #[arg(long, value_name = "NAME")]
    pub calendar: Option<String>,
    /// For a repeating timescale: print the next N dates, one per line.
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// Explain in words how the date was reached.
    #[arg(long)]
    pub explain: bool,
    /// Count by the rules in force on this day (YYYY-MM-DD) instead of those
    /// in force on the day each count starts.
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
    /// The date of another event the timescale needs, as ID=YYYY-MM-DD
    /// (e.g. --event expected_delivery=2027-04-01 for prebirth_cppm). Repeatable.
    #[arg(long, value_name = "ID=DATE")]
    pub event: Vec<String>,
    /// The timescale's id in the rules file (e.g. first_core_group).
    pub timescale: String,
    /// The date of the event the timescale counts from, as YYYY-MM-DD.
    pub date: String,
}

/// `waymark holidays`.
#[derive(Debug, Args)]
pub struct HolidaysArgs {
    /// The rules file (default: the one named in site.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The calendar (default: the rules file's default calendar).
    #[arg(long, value_name = "NAME")]
    pub calendar: Option<String>,
    /// The year.
    #[arg(long)]
    pub year: i32,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }

    #[test]
    fn cache_ages_take_a_unit() {
        use std::time::Duration;
        assert_eq!(super::parse_age("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(super::parse_age("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(super::parse_age("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(super::parse_age("0"), Ok(Duration::ZERO));
        assert!(super::parse_age("1w").is_err());
        assert!(super::parse_age("d").is_err());
    }
}
