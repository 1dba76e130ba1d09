//! The checks `waymark check` (and `build`) run over a rendered site, beyond
//! what rendering itself finds (broken links, bad front matter, …):
//!
//! - [`a11y`]: accessibility lint of the Markdown and the generated HTML
//!   (no browser; the browser gate in `tests/browser` goes further);
//! - [`plain`]: plain-language lint of pages for families and young people;
//! - [`hygiene`]: review dates, missing audience or sources, timescales typed
//!   by hand, rules no page uses;
//! - `links` (feature `links`): every link of the output checked with
//!   lychee-lib, offline (and http(s) links with `--external`); `check` only.
//!
//! Every finding is a [`Diagnostic`] at the Markdown source's position where
//! one exists.

pub mod a11y;
pub mod hygiene;
#[cfg(feature = "links")]
pub mod links;
pub mod plain;

use crate::config::SiteConfig;
use crate::content::Content;
use crate::diag::Diagnostic;
use crate::glossary::Glossary;
use crate::markdown::Rendered;
use crate::rules::SiteRules;

/// Everything the checks look at.
#[derive(Debug)]
pub struct Input<'a> {
    /// The configuration (thresholds in `[check]`).
    pub config: &'a SiteConfig,
    /// The pages.
    pub content: &'a Content,
    /// Each page's rendered body (same order as `content.pages`).
    pub rendered: &'a [Rendered],
    /// Each page's final HTML, when its template rendered.
    pub outputs: &'a [Option<&'a str>],
    /// The rules, when they loaded.
    pub rules: Option<&'a SiteRules>,
    /// The glossary.
    pub glossary: &'a Glossary,
    /// The words-to-avoid list.
    pub words: &'a plain::WordsToAvoid,
    /// Today, for review dates (None: not checked).
    pub today: Option<time::Date>,
}

/// Runs every check.
pub fn run(input: &Input<'_>) -> Vec<Diagnostic> {
    let mut out = a11y::check(input);
    out.extend(plain::check(input));
    out.extend(hygiene::check(input));
    out
}
