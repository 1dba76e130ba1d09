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

/// Writes `files` into `out`, replacing what was there only on success.
pub fn write_atomically(out: &Path, files: &[OutFile]) -> Result<(), Error> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let tmp = sibling(out, "new");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    let result = write_all(&tmp, files);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = sibling(out, "old");
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, &old).map_err(io(out))?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        // Put the previous output back before reporting.
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        return Err(io(out)(e));
    }
    if had_old {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Writes `files` into `dir` as they are (the link checker's temporary copy).
#[cfg(feature = "links")]
pub(crate) fn write_tree(dir: &Path, files: &[OutFile]) -> Result<(), Error> {
    write_all(dir, files)
}

fn write_all(dir: &Path, files: &[OutFile]) -> Result<(), Error> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // Folders first (each once), then the files in parallel: creating
    // thousands of files is kernel time that a single thread would serialise.
    let folders: std::collections::BTreeSet<PathBuf> =
        files.iter().filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf)).collect();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        let mut file = std::fs::File::create(&path).map_err(io(&path))?;
        file.write_all(&f.bytes).map_err(io(&path))
    })
}
