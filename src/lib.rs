//! waymark: a static-site generator for child protection procedures and the
//! plain-language guides that go with them.
//!
//! A build runs five stages, each a module with one entry, passing the site
//! forward and never back (docs/architecture.md walks one page through them):
//!
//! 1. `load` reads everything from the disk (site.toml, pages and their
//!    front matter, assets, the rules and data files, the theme, the git
//!    history); nothing after it touches the disk;
//! 2. `parse` turns each page's Markdown into its body, with headings,
//!    links, function calls and text recorded;
//! 3. `render` puts bodies into the theme's templates and makes the pages
//!    made from pages, the sitemap and the search index;
//! 4. [`check`] looks at the result (fragments, output paths,
//!    accessibility, plain language, hygiene, links);
//! 5. `write` swaps the output folder into place.
//!
//! `session` runs them, and decides what to redo after an edit for
//! `waymark serve`. The library's public surface is what the command line
//! and the tests use: [`build`], [`check()`] and [`check_with_links`] with
//! their [`BuildOptions`] and [`Report`], [`Session`], [`rules`]
//! (`waymark dates`, `waymark holidays`), [`serve`], [`new`], [`cli`] and
//! [`diag`]. Everything else is private to the crate.

pub mod diag;

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

// The stages, in order.
pub(crate) mod load;
pub(crate) mod parse;
pub(crate) mod render;
pub(crate) mod check;
pub(crate) mod write;

// What the stages share and how they are run.
pub(crate) mod session;
pub(crate) mod site;

pub use session::{Session, Update};
#[cfg(feature = "links")]
pub use check::links::Options as LinkOptions;
#[cfg(feature = "links")]
pub use site::check_with_links;
pub use site::{BuildOptions, Built, OutFile, Report, build, check, render_site, root_or_cwd};

// Parts the stages use.
pub(crate) mod asat;
pub(crate) mod calculator;
pub(crate) mod config;
pub(crate) mod editions;
pub(crate) mod glossary;
pub(crate) mod history;
pub(crate) mod file_policy;
pub(crate) mod html;
pub(crate) mod html_policy;
pub(crate) mod i18n;
pub(crate) mod lang;
pub(crate) mod markdown;
pub(crate) mod offline;
pub(crate) mod pictures;
pub(crate) mod resources;
pub mod rules;
#[cfg(feature = "search")]
pub(crate) mod search;
pub(crate) mod theme;
pub(crate) mod timing;
pub(crate) mod timescale_table;
pub(crate) mod wording;
pub(crate) mod yaml;

// The commands beyond build and check.
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
