//! The site's rules file (`rules.yaml`) as the generator sees it: loading it
//! through [`crate::yaml`], mapping engine errors to `rules.yaml:line:col`,
//! and the `dates` and `holidays` commands.
//!
//! PLACEHOLDER SIGNATURES: the rule-engine work replaces the bodies.

use std::path::{Path, PathBuf};

use crate::Failure;

/// A loaded, validated rules file.
#[derive(Debug)]
pub struct SiteRules {}

impl SiteRules {
    /// Reads and validates the rules file at `root.join(rel)`; diagnostics name `rel`.
    pub fn load(root: &Path, rel: &Path) -> Result<SiteRules, Failure> {
        let _ = (root, rel);
        Err(Failure::Error(crate::Error::Usage("rules are not implemented yet".into())))
    }

    /// The rule in words (`plain` = the family wording). Err is a message for the author.
    pub fn describe(&self, id: &str, plain: bool) -> Result<String, String> {
        let _ = (id, plain);
        Err("rules are not implemented yet".into())
    }

    /// The rule's source(s) in words.
    pub fn source(&self, id: &str) -> Result<String, String> {
        let _ = id;
        Err("rules are not implemented yet".into())
    }
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

/// Runs `waymark dates`, returning what goes to stdout.
pub fn dates_command(opts: &DatesOptions) -> Result<String, Failure> {
    let _ = opts;
    Err(Failure::Error(crate::Error::Usage("not implemented yet".into())))
}

/// Runs `waymark holidays`, returning what goes to stdout.
pub fn holidays_command(opts: &HolidaysOptions) -> Result<String, Failure> {
    let _ = opts;
    Err(Failure::Error(crate::Error::Usage("not implemented yet".into())))
}
