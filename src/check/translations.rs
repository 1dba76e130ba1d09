//! Translations against their source pages (warnings; `check --strict`
//! fails on them):
//!
//! - **stale**: the source page changed after the translation's
//!   `translated_from` (a date, or a commit's date): its last commit in the
//!   site's git history, or its newest `changes:` note, is later. Dates are
//!   compared by day, so a change on the same day is not seen.
//! - **structure**: the translation's headings (their levels, in order) or
//!   its links (the pages and `#fragments` they go to) are not the source's,
//!   so a section or a link was lost, added or moved in translation.

use crate::diag::{Code, Diagnostic};
use crate::load::{Page, TranslatedFrom};
use crate::site::PageState;

use super::Input;

/// The translation checks of the pages to check.
pub(crate) fn check(input: &Input<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in input.each() {
        let Some(source) = s.page.source.as_deref().and_then(|rel| input.pages.id(rel)).map(|id| input.pages.get(id)) else { continue };
        out.extend(stale(input, &s.page, &source.page));
        out.extend(structure(s, source));
    }
    out
}

fn stale(input: &Input<'_>, page: &Page, source: &Page) -> Option<Diagnostic> {
    let from = match page.front.translated_from.as_ref()? {
        TranslatedFrom::Date(d) => *d,
        TranslatedFrom::Commit(c) => match input.history.commit_date(c) {
            Some(d) => d,
            None => {
                return Some(
                    Diagnostic::warning(Code::TranslationStale, format!("`translated_from` names the commit {c}, which this repository's history does not have"))
                        .at(&page.src, yaml_key(page, "translated_from"))
                        .with_help("write the date of the source text you translated (YYYY-MM-DD) instead"),
                );
            }
        },
    };
    let committed = input.history.date(&source.rel);
    let noted = source.front.changes.first().map(|c| c.date);
    let changed = committed.max(noted)?;
    (changed > from).then(|| {
        Diagnostic::warning(
            Code::TranslationStale,
            format!("this translation follows {} of {from}, which changed on {changed}", source.src.path().display()),
        )
        .at(&page.src, yaml_key(page, "translated_from"))
        .with_help(format!("bring {} up to date with {}, then set `translated_from: {changed}`", page.src.path().display(), source.src.path().display()))
    })
}

fn structure(t: &PageState, source: &PageState) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let page = &t.page;
    let levels = |s: &PageState| s.body.headings.iter().map(|h| h.level).collect::<Vec<_>>();
    let (ours, theirs) = (levels(t), levels(source));
    if ours != theirs {
        // The first heading that differs, or where one list ends.
        let i = ours.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
        let at = t.body.headings.get(i).map_or(page.body_start, |h| h.offset);
        let what = match (t.body.headings.get(i), source.body.headings.get(i)) {
            (Some(h), Some(s)) => format!("its heading {} is a level-{} heading (\u{201c}{}\u{201d}); in the source it is level {} (\u{201c}{}\u{201d})", i + 1, h.level, h.title, s.level, s.title),
            (None, Some(s)) => format!("it has {} headings, the source {}; the first missing is \u{201c}{}\u{201d}", ours.len(), theirs.len(), s.title),
            (Some(h), None) => format!("it has {} headings, the source {}; \u{201c}{}\u{201d} is not in the source", ours.len(), theirs.len(), h.title),
            (None, None) => String::new(),
        };
        out.push(
            Diagnostic::warning(Code::TranslationStructure, format!("this translation's headings do not match {}: {what}", source.page.src.path().display()))
                .at(&page.src, at)
                .with_help("give the translation the same headings, at the same levels, in the same order as its source"),
        );
    }
    // Links as the source's pages: `a.pl.md` counts as `a.md`.
    let targets = |s: &PageState| {
        let mut v: Vec<(String, Option<String>)> = s
            .body
            .links
            .iter()
            .filter(|l| l.target != s.page.rel && !l.glossary)
            .map(|l| (crate::lang::split_file_name(&l.target).map_or_else(|| l.target.clone(), |(src, _)| src), l.fragment.clone()))
            .collect();
        v.sort();
        v
    };
    let (ours, theirs) = (targets(t), targets(source));
    if ours != theirs {
        let missing: Vec<String> = theirs.iter().filter(|l| !ours.contains(l)).map(show).collect();
        let extra: Vec<String> = ours.iter().filter(|l| !theirs.contains(l)).map(show).collect();
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("the source links to {} and the translation does not", missing.join(", ")));
        }
        if !extra.is_empty() {
            parts.push(format!("the translation links to {}, which the source does not", extra.join(", ")));
        }
        if parts.is_empty() {
            parts.push("the same pages are linked a different number of times".into());
        }
        out.push(
            Diagnostic::warning(Code::TranslationStructure, format!("this translation's links do not match {}: {}", source.page.src.path().display(), parts.join("; ")))
                .at(&page.src, page.body_start)
                .with_help("link to the same pages (and #fragments) as the source; write links as in the source (`what-is-a-cppm.md`): they go to this language's version"),
        );
    }
    out
}

fn show(l: &(String, Option<String>)) -> String {
    match &l.1 {
        Some(f) => format!("`{}#{f}`", l.0),
        None => format!("`{}`", l.0),
    }
}

/// Where a front-matter key is, for placing a finding.
fn yaml_key(page: &Page, key: &str) -> usize {
    let yaml = &page.src.text()[page.yaml_start..page.body_start];
    page.yaml_start + crate::yaml::KeyIndex::new(yaml).best(&crate::yaml::keys(&[key])).unwrap_or(0)
}
