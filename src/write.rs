//! Writing the output folder atomically.
//!
//! Everything is written to a fresh sibling folder first; only when every
//! file is written is the old folder moved aside and the new one renamed into
//! its place. A build that fails, or is interrupted while writing, leaves the
//! previous output exactly as it was.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::site::OutFile;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.waymark-{tag}-{}", std::process::id()))
}

/// An output folder being written: files go into a fresh sibling folder as
/// they are ready (`build` writes pages as they are rendered, so it never
/// holds the whole site); [`Staging::commit`] swaps it into place. Dropped
/// without a commit (a later page failed, or writing did), the sibling is
/// removed and the previous output is as it was.
#[derive(Debug)]
pub(crate) struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    folders: std::collections::HashSet<PathBuf>,
    committed: bool,
}

impl Staging {
    /// Starts an empty sibling folder of `out`.
    pub(crate) fn new(out: &Path) -> Result<Staging, Error> {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let tmp = sibling(out, "new");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        Ok(Staging { out: out.to_path_buf(), tmp, folders: std::collections::HashSet::new(), committed: false })
    }

    /// Writes `files` into the sibling folder.
    pub(crate) fn write(&mut self, files: &[OutFile]) -> Result<(), Error> {
        use rayon::prelude::*;
        // Folders first (each once), then the files in parallel: creating
        // thousands of files is kernel time that a single thread would serialise.
        let mut new: Vec<PathBuf> = files.iter().filter_map(|f| self.tmp.join(&f.path).parent().map(Path::to_path_buf)).filter(|d| !self.folders.contains(d)).collect();
        new.sort();
        new.dedup();
        for folder in new {
            std::fs::create_dir_all(&folder).map_err(io(&folder))?;
            self.folders.insert(folder);
        }
        let tmp = &self.tmp;
        files.par_iter().try_for_each(|f| {
            let path = tmp.join(&f.path);
            let mut file = std::fs::File::create(&path).map_err(io(&path))?;
            file.write_all(&f.bytes).map_err(io(&path))
        })
    }

    /// Moves the previous output aside, renames the sibling into its place
    /// and removes the previous output.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        self.committed = true;
        let (out, tmp) = (&self.out, &self.tmp);
        let old = sibling(out, "old");
        let had_old = out.exists();
        if had_old {
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(io(&old))?;
            }
            std::fs::rename(out, &old).map_err(io(out))?;
        }
        if let Err(e) = std::fs::rename(tmp, out) {
            // Put the previous output back before reporting.
            if had_old {
                let _ = std::fs::rename(&old, out);
            }
            let _ = std::fs::remove_dir_all(tmp);
            return Err(io(out)(e));
        }
        if had_old {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes `files` into `dir` as they are (the link checker's temporary copy).
#[cfg(feature = "links")]
pub(crate) fn write_tree(dir: &Path, files: &[OutFile]) -> Result<(), Error> {
    write_all(dir, files)
}

#[cfg(feature = "links")]
fn write_all(dir: &Path, files: &[OutFile]) -> Result<(), Error> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let folders: std::collections::BTreeSet<PathBuf> = files.iter().filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf)).collect();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        let mut file = std::fs::File::create(&path).map_err(io(&path))?;
        file.write_all(&f.bytes).map_err(io(&path))
    })
}
