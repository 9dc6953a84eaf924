//! The Typst CLI, run as a child process. Found as `GONGWEN_TYPST`, then on
//! `PATH`, then in gongwen's tools folder in the user's cache; when none is
//! there, the pinned version is installed into that folder with cargo, once
//! per machine rather than once per clone.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

pub const VERSION: &str = "0.15.1";
pub const ENV: &str = "GONGWEN_TYPST";

#[derive(Debug, Clone)]
pub struct Typst {
    pub program: PathBuf,
}

/// Where gongwen keeps its own copy: `~/.cache/gongwen/tools/typst-<version>`.
pub fn tools_dir() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("gongwen")
        .join("tools")
        .join(format!("typst-{VERSION}"))
}

fn tools_binary() -> PathBuf {
    tools_dir()
        .join("bin")
        .join(format!("typst{}", std::env::consts::EXE_SUFFIX))
}

impl Typst {
    /// Finds typst, or installs the pinned version when there is none.
    pub fn find_or_install() -> Result<Typst> {
        if let Some(program) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
            let program = PathBuf::from(program);
            let typst = Typst {
                program: program.clone(),
            };
            typst
                .version()
                .with_context(|| format!("{ENV}={} does not run", program.display()))?;
            return Ok(typst);
        }
        if let Ok(program) = which::which("typst") {
            let typst = Typst { program };
            if let Ok(version) = typst.version() {
                if !version.contains(VERSION) {
                    eprintln!(
                        "warning: {} is {version}; gongwen's layout is tested with typst {VERSION}",
                        typst.program.display()
                    );
                }
                return Ok(typst);
            }
        }
        let own = tools_binary();
        if own.is_file() {
            return Ok(Typst { program: own });
        }
        install()?;
        Ok(Typst { program: own })
    }

    pub fn version(&self) -> Result<String> {
        let out = Command::new(&self.program).arg("--version").output()?;
        if !out.status.success() {
            bail!("`{} --version` failed", self.program.display());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// The font families Typst sees in `font_dirs` (and nowhere else).
    pub fn families(&self, font_dirs: &[PathBuf]) -> Result<Vec<String>> {
        let mut cmd = Command::new(&self.program);
        cmd.arg("fonts").args(font_args(font_dirs));
        let out = cmd
            .output()
            .with_context(|| format!("cannot run {}", self.program.display()))?;
        if !out.status.success() {
            bail!(
                "`typst fonts` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect())
    }

    /// Compiles `main` (inside `root`) to `pdf`; on failure, Typst's own message.
    pub fn compile(&self, job: &CompileJob) -> Result<(), String> {
        let mut cmd = Command::new(&self.program);
        cmd.arg("compile")
            .arg("--format")
            .arg("pdf")
            .arg("--root")
            .arg(job.root)
            .args(font_args(job.font_dirs))
            .arg("--diagnostic-format")
            .arg("short")
            .arg("--creation-timestamp")
            .arg(job.timestamp.to_string());
        for (key, value) in &job.inputs {
            let mut arg = OsString::from(format!("{key}="));
            arg.push(value);
            cmd.arg("--input").arg(arg);
        }
        cmd.arg(job.main).arg(job.pdf).stdin(Stdio::null());
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
    /// The first page of `pdf` as a small PNG (about 230 × 330 pixels), for
    /// the index. Typst reads the finished PDF as an image, so this needs no
    /// fonts and no layout, and costs a few hundredths of a second; `pdf` and
    /// `png` must be inside `root`, which is all Typst may read.
    pub fn thumbnail(&self, root: &Path, pdf: &Path, png: &Path) -> Result<(), String> {
        let inside = |p: &Path| {
            p.strip_prefix(root)
                .map(|p| format!("/{}", crate::project::url(p)))
                .map_err(|_| format!("{} is outside {}", p.display(), root.display()))
        };
        let mut child = Command::new(&self.program)
            .arg("compile")
            .arg("--root")
            .arg(root)
            .arg("--ignore-system-fonts")
            .args(["--format", "png", "--pages", "1", "--ppi"])
            .arg(THUMBNAIL_PPI.to_string())
            .arg("--input")
            .arg(format!("pdf={}", inside(pdf)?))
            .arg("-")
            .arg(png)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        // The PDF path is passed as data, and its name may end in `.tmp`, hence `format`.
        let source = concat!(
            "#set page(width: auto, height: auto, margin: 0pt, fill: white)\n",
            "#image(sys.inputs.pdf, format: \"pdf\", page: 1, width: 210mm)\n",
        );
        std::io::Write::write_all(&mut child.stdin.take().expect("piped"), source.as_bytes())
            .map_err(|e| format!("cannot talk to typst: {e}"))?;
        let out = child
            .wait_with_output()
            .map_err(|e| format!("typst did not finish: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

/// Pixels per inch of the index thumbnails: an A4 page is then 231 pixels
/// wide, sharp at 116 CSS pixels on a double-density screen.
pub const THUMBNAIL_PPI: u32 = 28;

pub struct CompileJob<'a> {
    pub root: &'a Path,
    pub font_dirs: &'a [PathBuf],
    pub main: &'a Path,
    pub pdf: &'a Path,
    /// Seconds since 1970, written into the PDF instead of "now", so the same
    /// letter always gives the same bytes.
    pub timestamp: i64,
    pub inputs: Vec<(&'static str, OsString)>,
}

fn font_args(font_dirs: &[PathBuf]) -> Vec<OsString> {
    let mut args = Vec::new();
    for dir in font_dirs {
        args.push("--font-path".into());
        args.push(dir.clone().into_os_string());
    }
    args.push("--ignore-system-fonts".into());
    args
}

fn install() -> Result<()> {
    let root = tools_dir();
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .or_else(|| which::which("cargo").ok());
    let Some(cargo) = cargo else {
        bail!(
            "typst {VERSION} is needed and was not found.\n  \
             help: install Rust (https://rustup.rs), then run `cargo install typst-cli --version {VERSION} --locked`,\n  \
             or put a typst binary on PATH, or point {ENV} at one"
        );
    };
    eprintln!(
        "typst {VERSION} not found: installing it into {} with `cargo install typst-cli --locked`.\n\
         This happens once per machine and takes several minutes.",
        root.display()
    );
    let status = Command::new(cargo)
        .args([
            "install",
            "typst-cli",
            "--locked",
            "--version",
            VERSION,
            "--root",
        ])
        .arg(&root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() || !tools_binary().is_file() {
        bail!(
            "installing typst {VERSION} failed (see cargo's messages above)\n  \
             help: run `cargo install typst-cli --version {VERSION} --locked --root {}` by hand, or set {ENV}",
            root.display()
        );
    }
    Ok(())
}
