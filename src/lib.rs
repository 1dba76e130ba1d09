//! waymark: a static-site generator for child protection procedures and the
//! plain-language guides that go with them.
//!
//! The pipeline (see `DESIGN.md`): load → parse → render → check → write.
//! Only loading and writing touch the disk.

pub mod diag;
pub mod yaml;

/// An I/O or usage failure (exit status 2). Problems in the author's content
/// are [`diag::Diagnostic`]s instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

pub mod rules;

/// Why a command did not succeed: content problems (exit 1) or an
/// I/O / usage failure (exit 2).
#[derive(Debug)]
pub enum Failure {
    /// Problems in what the author wrote; all of them, sorted.
    Content(Vec<diag::Diagnostic>),
    /// I/O or usage.
    Error(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

pub mod asat;
pub mod calculator;
pub mod check;
pub mod config;
pub mod content;
pub mod editions;
pub mod glossary;
pub mod history;
pub mod html;
pub mod markdown;
pub mod render;
pub mod resources;
#[cfg(feature = "search")]
pub mod search;
pub mod site;
pub mod theme;
pub mod timescale_table;
pub mod write;
pub mod cli;
pub mod new;
pub mod serve;

/// The rules file for `dates` and `holidays`: `--rules`, else site.toml's.
pub fn rules_path(root: &std::path::Path, given: Option<std::path::PathBuf>) -> Result<std::path::PathBuf, Failure> {
    if let Some(p) = given {
        return Ok(p);
    }
    let config = config::SiteConfig::load(root)?;
    match config.rules {
        Some(r) => Ok(config.root.join(r)),
        None => Err(Error::Usage("site.toml names no rules file; pass --rules FILE".into()).into()),
    }
}
