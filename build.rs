//! Embeds the default theme (templates and static files) in the binary, so a
//! site needs no theme folder of its own and `cargo install` gives a working tool.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(_) => return,
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let theme = manifest.join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk(&theme, &mut files);
    let mut code = String::from("/// The default theme's files: (path inside the theme, bytes).\npub static DEFAULT_THEME: &[(&str, &[u8])] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&theme).expect("under the theme").to_string_lossy().replace('\\', "/");
        if rel.split('/').any(|s| s.starts_with('.')) {
            continue;
        }
        writeln!(code, "    ({rel:?}, include_bytes!({:?})),", f.display().to_string()).expect("string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("theme.rs");
    std::fs::write(out, code).expect("write theme.rs");
}
