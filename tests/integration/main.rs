//! Integration tests: fixture sites built with the real `waymark` binary.
//!
//! See `tests/README.md` for how to add a case.

mod asat;
mod build;
mod calculator;
mod easy_read;
mod checks;
mod cli;
mod hardening;
mod invalid;
mod languages;
mod links;
mod nav;
mod offline;
mod reader;
mod serve;
mod shipped;
mod theme;

use std::path::{Path, PathBuf};
use std::process::Output;

/// A fixture site copied to a temporary folder, so tests never write into the repo.
pub struct SiteTest {
    dir: tempfile::TempDir,
}

/// Copies a folder tree (fixtures into temporary sites).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture readable");
        let rel = entry.path().strip_prefix(from).expect("under the fixture");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// The repository's `tests/fixtures` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

impl SiteTest {
    /// Copies `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixtures().join(name), dir.path());
        SiteTest { dir }
    }

    /// The basic site with an invalid case's files laid over it.
    pub fn invalid(case: &str) -> Self {
        let t = SiteTest::from_fixture("basic");
        copy_dir(&fixtures().join("invalid").join(case), t.root());
        t
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `waymark --root <root> ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("waymark runs")
    }

    /// Writes a file under the root.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// Reads an output file.
    pub fn read_out(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join("public").join(rel)).unwrap_or_else(|e| panic!("public/{rel}: {e}"))
    }
}

/// stderr as text, with the temporary root replaced by `[ROOT]`.
pub fn stderr(t: &SiteTest, out: &Output) -> String {
    let s = String::from_utf8_lossy(&out.stderr).into_owned();
    s.replace(&t.root().display().to_string(), "[ROOT]")
}

/// The `<main>` element of a page (what authors control).
pub fn main_element(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

/// Every file under a folder with its bytes, for comparing outputs.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}
