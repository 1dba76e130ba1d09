//! Past editions: `[[editions]]` in site.toml, each a `date` and a git
//! `revision`, built from the site's git history under `/editions/<date>/`.
//!
//! An edition is the site as it was at the revision (its content, rules and
//! site.toml, taken with `git archive`, so the work tree and index are never
//! touched), dressed in today's theme (the work tree's `themes/` folder
//! replaces the revision's: templates and scripts must match the waymark that
//! builds them, and an old revision's overrides mixed with newer built-in
//! files can break a page; it also gives the banner its style), built by this waymark with the rules as they
//! stood on `date` ([`crate::asat`]), its base path moved under
//! `/editions/<date>/`. Every page carries the banner ("This shows the
//! timescales in force on …") and a link to the same page today. Editions
//! have no search index and no sitemap, so the current site's search and
//! `sitemap.xml` list only current pages. The list of editions is the
//! `/editions/` page (see `generated.rs`).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::config::{Edition, SiteConfig};
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::site::{BuildOptions, OutFile};
use crate::{Error, Failure};

/// Where the editions and their list are published.
pub const EDITIONS_URL: &str = "editions/";

/// The address (after the base path) of the edition of `date`.
pub fn edition_url(date: time::Date) -> String {
    format!("{EDITIONS_URL}{date}/")
}

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git").arg("-C").arg(root).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then_some(out.stdout)
}

/// The commit `revision` names, if the site's history has it.
fn resolve(root: &Path, revision: &str) -> Option<String> {
    if revision.starts_with('-') {
        return None;
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
    Some(String::from_utf8_lossy(&out).trim().to_owned())
}

/// An error at an edition's `revision` in site.toml.
fn at_revision(config: &SiteConfig, e: &Edition, message: String, help: &str) -> Diagnostic {
    let text = std::fs::read_to_string(config.root.join(crate::config::FILE_NAME)).unwrap_or_default();
    let src = SourceMap::new(crate::config::FILE_NAME, text);
    Diagnostic::error(Code::Config, message).at_line_col(&src, e.at).with_help(help)
}

/// Every edition's revision must be in the site's git history.
pub fn check_revisions(config: &SiteConfig) -> Result<(), Failure> {
    let diags: Vec<Diagnostic> = config
        .editions
        .iter()
        .filter(|e| resolve(&config.root, &e.revision).is_none())
        .map(|e| {
            at_revision(
                config,
                e,
                format!("the edition of {} names revision `{}`, which is not in the site's git history", e.date, e.revision),
                "give a commit or tag of this repository (`git log --oneline`, `git tag`); a shallow clone lacks older commits: fetch the full history",
            )
        })
        .collect();
    if diags.is_empty() { Ok(()) } else { Err(Failure::Content(diags)) }
}

/// Builds every edition of `config` (none while building an edition), its
/// files under `editions/<date>/`.
pub fn build_all(config: &SiteConfig, opts: &BuildOptions) -> Result<Vec<OutFile>, Failure> {
    if opts.current_site.is_some() || config.editions.is_empty() {
        return Ok(Vec::new());
    }
    check_revisions(config)?;
    let mut out = Vec::new();
    for e in &config.editions {
        out.extend(build_one(config, e)?);
    }
    Ok(out)
}

/// Replaces the `themes/` folder of the unpacked revision in `into` with the
/// work tree's (`root`), so the edition is built with today's theme.
fn current_theme(root: &Path, into: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let old = into.join("themes");
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    let themes = root.join("themes");
    if !themes.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(&themes).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Io { path: themes.clone(), source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")) })?;
        // Symbolic links are not followed (the theme loader reads files only).
        let Ok(rel) = entry.path().strip_prefix(root) else { continue };
        let to = into.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).map_err(io(&to))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &to).map_err(io(&to))?;
        }
    }
    Ok(())
}

fn build_one(config: &SiteConfig, e: &Edition) -> Result<Vec<OutFile>, Failure> {
    let commit = resolve(&config.root, &e.revision).ok_or_else(|| Failure::Error(Error::Usage(format!("revision `{}` vanished", e.revision))))?;
    // The site root may be a folder inside the repository.
    let prefix = git(&config.root, &["rev-parse", "--show-prefix"]).map(|p| String::from_utf8_lossy(&p).trim().to_owned()).unwrap_or_default();
    let tree = if prefix.is_empty() { commit.clone() } else { format!("{commit}:{prefix}") };
    let dir = tempfile::tempdir().map_err(|source| Error::Io { path: std::env::temp_dir(), source })?;
    let archive = git(&config.root, &["archive", "--format=tar", &tree]).ok_or_else(|| {
        Failure::Content(vec![at_revision(config, e, format!("cannot read revision `{}` from the git history", e.revision), "check that git works in this folder")])
    })?;
    tar::Archive::new(archive.as_slice()).unpack(dir.path()).map_err(|source| Error::Io { path: dir.path().to_path_buf(), source })?;
    current_theme(&config.root, dir.path())?;

    let base = format!("{}{}", config.base_url, edition_url(e.date));
    let opts = BuildOptions {
        root: dir.path().to_path_buf(),
        out: None,
        base_url: Some(base),
        drafts: false,
        today: None,
        as_at: Some(e.date),
        current_site: Some(config.base_path.clone()),
        preview: false,
    };
    let built = crate::site::render_site(&opts).map_err(|f| match f {
        Failure::Content(mut diags) => {
            let mut head = at_revision(
                config,
                e,
                format!("the edition of {} (revision `{}`) does not build; its problems follow", e.date, e.revision),
                "fix them at that revision, or choose another",
            );
            head.help = Some("the paths below are as they are in that revision".into());
            diags.insert(0, head);
            Failure::Content(diags)
        }
        other => other,
    })?;
    let at = edition_url(e.date);
    // Every page carries the banner, whatever the revision's templates say.
    let banner = crate::asat::Banner {
        current_path: Some(config.base_path.clone()),
        edition_path: Some(format!("{}{at}", config.base_path)),
        ..crate::asat::Banner::for_day(e.date)
    };
    Ok(built
        .files
        .into_iter()
        .filter(|f| f.path != "_headers" && f.path != "sitemap.xml")
        .map(|f| {
            let bytes = match f.path.strip_suffix(".html").and(std::str::from_utf8(&f.bytes).ok()) {
                Some(text) => {
                    let rel = f.path.strip_suffix("index.html").unwrap_or("");
                    banner.insert(text, rel).map_or(f.bytes.clone(), String::into_bytes)
                }
                None => f.bytes,
            };
            OutFile { path: format!("{at}{}", f.path), bytes }
        })
        .collect())
}
