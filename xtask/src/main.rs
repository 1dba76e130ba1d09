//! Developer tasks. `cargo xtask calculator` rebuilds the browser calculator
//! (crates/calculator compiled to WebAssembly, with its JavaScript glue) into
//! `themes/default/static/calculator/`, where build.rs embeds it in the
//! `waymark` binary like every theme file. Users never need the wasm target.
//!
//! `cargo xtask calculator --check` rebuilds into a temporary folder and fails
//! if the committed files differ (CI runs it from `scripts/test`).
//!
//! The build is reproducible: a fixed toolchain ([`TOOLCHAIN`]), its own
//! profile (`[profile.wasm-release]` in the root Cargo.toml: `opt-level = "z"`,
//! LTO, one codegen unit, `panic = "abort"`), no debug info, and the cargo home
//! and the repository remapped out of every path in the module.
//! wasm-bindgen runs as a library (`wasm-bindgen-cli-support`, pinned to the
//! `wasm-bindgen` crate's exact version), so no CLI needs installing.
//! `wasm-opt` is not used: measured with npm's binaryen 132 (`-Oz`), it made
//! the module 10% smaller but its gzipped size 5% larger, and leaving it out
//! keeps the check reproducible on machines without it (Debian's binaryen must
//! never be used: version 108 breaks modules).
//!
//! The size is printed, raw and gzipped, against the 40 KB budget (issue 4);
//! going over it fails the task, `--check` included, after the files are
//! written or compared.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// The Rust toolchain the committed module is built with. Changing it
/// changes the bytes: rebuild with `cargo xtask calculator` and commit.
pub const TOOLCHAIN: &str = "1.95.0";

/// Where the committed module and glue live, under the repository root.
const OUT: &str = "themes/default/static/calculator";

/// The crate compiled to WebAssembly, and its library file name.
const CRATE: &str = "waymark-calculator";
const LIB: &str = "waymark_calculator";

/// Budget for the module + glue, gzipped (issue 4).
const BUDGET_GZIP: usize = 40 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["calculator"] => calculator(false),
        ["calculator", "--check"] => calculator(true),
        _ => {
            eprintln!("usage: cargo xtask calculator [--check]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the repository").to_path_buf()
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent-cargo-home"))
}

fn calculator(check: bool) -> Result<()> {
    let root = repo_root();
    let wasm = build_wasm(&root)?;
    let tmp = tempfile::tempdir().context("temporary folder")?;
    let generated = tmp.path().join("calculator");
    std::fs::create_dir_all(&generated)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(LIB)
        .web(true)?
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&generated)
        .context("wasm-bindgen")?;
    let files = read_tree(&generated)?;
    let over_budget = report_size(&files)?;

    let out = root.join(OUT);
    if check {
        let committed = if out.is_dir() { read_tree(&out)? } else { BTreeMap::new() };
        let mut stale = Vec::new();
        for (name, bytes) in &files {
            match committed.get(name) {
                Some(c) if c == bytes => {}
                Some(_) => stale.push(format!("{OUT}/{name} differs")),
                None => stale.push(format!("{OUT}/{name} is missing")),
            }
        }
        stale.extend(committed.keys().filter(|n| !files.contains_key(*n)).map(|n| format!("{OUT}/{n} is not built any more")));
        if !stale.is_empty() {
            bail!(
                "the committed calculator is stale:\n  {}\nrun `cargo xtask calculator` (toolchain {TOOLCHAIN}) and commit {OUT}/",
                stale.join("\n  ")
            );
        }
        println!("calculator: {OUT}/ is up to date");
    } else {
        if out.is_dir() {
            std::fs::remove_dir_all(&out).with_context(|| format!("remove {}", out.display()))?;
        }
        for (name, bytes) in &files {
            let path = out.join(name);
            std::fs::create_dir_all(path.parent().expect("under OUT"))?;
            std::fs::write(&path, bytes).with_context(|| format!("write {}", path.display()))?;
        }
        println!("calculator: wrote {} files to {OUT}/", files.len());
    }
    if let Some(message) = over_budget {
        bail!("{message}");
    }
    Ok(())
}

/// `cargo +TOOLCHAIN build` of the calculator for wasm32, in its own target
/// folder (other RUSTFLAGS would otherwise rebuild the workspace each time).
fn build_wasm(root: &Path) -> Result<PathBuf> {
    let target_dir = root.join("target/xtask-wasm");
    let flags = [
        format!("--remap-path-prefix={}=/cargo", cargo_home().display()),
        format!("--remap-path-prefix={}=/waymark", root.display()),
        "-Cdebuginfo=0".to_owned(),
    ];
    let mut cmd = Command::new("cargo");
    // The default toolchain will do when it is the pinned version (a fresh
    // machine may not be able to fetch another); otherwise ask rustup for it.
    if default_rustc_is_pinned() {
    } else if which_rustup() {
        cmd.arg(format!("+{TOOLCHAIN}"));
    } else {
        eprintln!("xtask: rustup not found; building with the default toolchain, which must be {TOOLCHAIN} for --check to match");
    }
    cmd.current_dir(root)
        .args(["build", "--locked", "--lib", "-p", CRATE, "--target", "wasm32-unknown-unknown", "--profile", "wasm-release", "--target-dir"])
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\u{1f}"))
        .env("SOURCE_DATE_EPOCH", "0");
    let status = cmd.status().context("run cargo")?;
    if !status.success() {
        bail!(
            "building {CRATE} for wasm32 failed; it needs `rustup toolchain install {TOOLCHAIN} --profile minimal --target wasm32-unknown-unknown`"
        );
    }
    Ok(target_dir.join("wasm32-unknown-unknown/wasm-release").join(format!("{LIB}.wasm")))
}

/// `rustc --version` of the default toolchain starts with `rustc TOOLCHAIN `.
fn default_rustc_is_pinned() -> bool {
    Command::new("rustc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with(&format!("rustc {TOOLCHAIN} ")))
}

fn which_rustup() -> bool {
    Command::new("rustup").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Every file under `dir`, by `/`-separated relative path.
fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path)?);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

/// Prints the module + glue size, raw and gzipped; says if it is over the
/// budget (an error for the caller).
fn report_size(files: &BTreeMap<String, Vec<u8>>) -> Result<Option<String>> {
    let mut raw = 0;
    let mut gz = 0;
    for (name, bytes) in files {
        let g = gzip_len(bytes)?;
        println!("calculator: {name}: {} bytes, {} bytes gzipped", bytes.len(), g);
        raw += bytes.len();
        gz += g;
    }
    let kb = |n: usize| n as f64 / 1024.0;
    println!(
        "calculator: module + glue {:.1} KB, {:.1} KB gzipped (budget {:.0} KB gzipped)",
        kb(raw),
        kb(gz),
        kb(BUDGET_GZIP)
    );
    Ok((gz > BUDGET_GZIP).then(|| format!("the calculator is {:.1} KB gzipped, over the {:.0} KB budget", kb(gz), kb(BUDGET_GZIP))))
}
