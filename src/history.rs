//! Each page's last-changed date from the site's git history.
//!
//! One `git log --name-only` over the content folder gives every file's
//! newest commit date (a `git log -1` per file is far too slow for 10,000
//! pages). git runs as a subprocess. There are no dates when the site root is
//! not the top of a git work tree, when git is missing or fails, or when the
//! clone is shallow (its oldest commit would look like the last change of
//! every file): pages then fall back to their `changes:` notes.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// The newest commit date of each file, by path relative to the content folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    dates: HashMap<String, time::Date>,
    /// The dates of commits that translations name (`translated_from:`).
    commits: HashMap<String, time::Date>,
}

impl History {
    /// Reads the history of `content` (relative to `root`). Never fails:
    /// without usable history it is empty.
    pub fn load(root: &Path, content: &Path) -> History {
        Self::try_load(root, content).unwrap_or_default()
    }

    fn try_load(root: &Path, content: &Path) -> Option<History> {
        let top = git(root, &["rev-parse", "--show-toplevel"])?;
        let (top, root_abs) = (std::fs::canonicalize(top.trim()).ok()?, std::fs::canonicalize(root).ok()?);
        if top != root_abs || git(root, &["rev-parse", "--is-shallow-repository"])?.trim() != "false" {
            return None;
        }
        let content = content.to_string_lossy().replace('\\', "/");
        let prefix = format!("{}/", content.trim_end_matches('/'));
        let log = git(root, &["-c", "core.quotepath=off", "log", "--no-renames", "--name-only", "--format=\u{1}%cs", "--", &content])?;
        let mut dates = HashMap::new();
        let mut current = None;
        for line in log.lines() {
            if let Some(d) = line.strip_prefix('\u{1}') {
                current = timescales::date::parse_iso(d);
            } else if let (Some(d), Some(rel)) = (current, line.strip_prefix(&prefix)) {
                // Commits come newest first, but clocks and merges disagree: keep the latest.
                dates.entry(rel.to_owned()).and_modify(|x: &mut time::Date| *x = (*x).max(d)).or_insert(d);
            }
        }
        Some(History { dates, commits: HashMap::new() })
    }

    /// Looks up the commit date of each of `commits` (abbreviated or full
    /// hashes); one that git does not know is left out.
    pub fn resolve_commits<'a>(&mut self, root: &Path, commits: impl Iterator<Item = &'a str>) {
        for c in commits {
            if self.commits.contains_key(c) {
                continue;
            }
            let found = git(root, &["show", "-s", "--format=%cs", &format!("{c}^{{commit}}")]).and_then(|d| timescales::date::parse_iso(d.trim()));
            if let Some(d) = found {
                self.commits.insert(c.to_owned(), d);
            }
        }
    }

    /// The date of a commit [`History::resolve_commits`] found.
    pub fn commit_date(&self, commit: &str) -> Option<time::Date> {
        self.commits.get(commit).copied()
    }

    /// The newest date of any file.
    pub fn newest(&self) -> Option<time::Date> {
        self.dates.values().max().copied()
    }

    /// The date of the last commit that changed `rel` (relative to the content folder).
    pub fn date(&self, rel: &str) -> Option<time::Date> {
        self.dates.get(rel).copied()
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").current_dir(dir).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str], date: &str) {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn d(s: &str) -> Option<time::Date> {
        timescales::date::parse_iso(s)
    }

    #[test]
    fn dates_come_from_one_log_and_shallow_or_missing_history_gives_none() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        // Not a repository.
        write(&root, "content/a.md", "a");
        assert_eq!(History::load(&root, Path::new("content")), History::default());

        run(&root, &["init", "-q", "-b", "main"], "2026-01-01T10:00:00Z");
        write(&root, "content/b/c.md", "c");
        write(&root, "other.md", "x");
        run(&root, &["add", "."], "2026-01-01T10:00:00Z");
        run(&root, &["commit", "-q", "-m", "one"], "2026-01-01T10:00:00Z");
        write(&root, "content/a.md", "a2");
        write(&root, "other.md", "x2");
        run(&root, &["commit", "-q", "-am", "two"], "2026-11-20T12:00:00Z");
        let h = History::load(&root, Path::new("content"));
        assert_eq!(h.date("a.md"), d("2026-11-20"));
        assert_eq!(h.date("b/c.md"), d("2026-01-01"));
        assert_eq!(h.date("other.md"), None, "only the content folder");

        // A site in a sub-folder of a repository does not use the repository's history.
        assert_eq!(History::load(&root.join("content"), Path::new("b")), History::default());

        // A shallow clone: no dates.
        let clone = tmp.path().join("clone");
        let url = format!("file://{}", root.display());
        run(tmp.path(), &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()], "2026-11-21T00:00:00Z");
        assert_eq!(History::load(&clone, Path::new("content")), History::default());
    }
}
