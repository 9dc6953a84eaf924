//! The Typst CLI, run as a child process. Found as `GONGWEN_TYPST`, then on
//! `PATH`, then in gongwen's tools folder in the user's cache; when none is
//! there, the pinned version is installed into that folder with cargo, once
//! per machine rather than once per clone.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use wait_timeout::ChildExt;

pub const VERSION: &str = "0.15.1";
pub const ENV: &str = "GONGWEN_TYPST";
/// Seconds typst may spend on one letter (see `build/compile.rs`).
pub const TIMEOUT_ENV: &str = "GONGWEN_LETTER_TIMEOUT";

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
    /// Finds typst, or installs the pinned version when there is none. Runs
    /// nothing when it is found: [`Typst::identity`] lets callers keep what
    /// `--version` said from one build to the next.
    pub fn find_or_install() -> Result<Typst> {
        if let Some(program) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
            let program = PathBuf::from(program);
            if let Err(e) = std::fs::metadata(&program) {
                bail!("{ENV}={} does not run: {e}", program.display());
            }
            return Ok(Typst { program });
        }
        if let Ok(program) = which::which("typst") {
            return Ok(Typst { program });
        }
        let own = tools_binary();
        if own.is_file() {
            return Ok(Typst { program: own });
        }
        install()?;
        Ok(Typst { program: own })
    }

    /// The binary's path, size and modification time: when they are the same,
    /// it is the same typst, and its version need not be asked again.
    pub fn identity(&self) -> String {
        let meta = std::fs::metadata(&self.program).ok();
        format!(
            "{}|{:?}|{:?}",
            self.program.display(),
            meta.as_ref().map(|m| m.len()),
            meta.and_then(|m| m.modified().ok())
        )
    }

    /// `typst --version`, e.g. `typst 0.15.1 (…)`; warns when it is not the pinned version.
    pub fn version(&self) -> Result<String> {
        let ran = |e: String| {
            if std::env::var_os(ENV).is_some_and(|p| Path::new(&p) == self.program) {
                anyhow::anyhow!("{ENV}={} does not run: {e}", self.program.display())
            } else {
                anyhow::anyhow!("`{} --version` failed: {e}", self.program.display())
            }
        };
        let out = tied_to_us(Command::new(&self.program).arg("--version"))
            .output()
            .map_err(|e| ran(e.to_string()))?;
        if !out.status.success() {
            return Err(ran(String::from_utf8_lossy(&out.stderr).trim().to_string()));
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !version.contains(VERSION) {
            eprintln!(
                "warning: {} is {version}; gongwen's layout is tested with typst {VERSION}",
                self.program.display()
            );
        }
        Ok(version)
    }

    /// The font families Typst sees in `font_dirs` (and nowhere else).
    pub fn families(&self, font_dirs: &[PathBuf]) -> Result<Vec<String>> {
        let mut cmd = Command::new(&self.program);
        cmd.arg("fonts").args(font_args(font_dirs));
        let out = tied_to_us(&mut cmd)
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

    /// Compiles `main` (inside `root`) to `output`, within `job.budget`;
    /// on failure, how it failed, with typst's own message.
    pub fn compile(&self, job: &CompileJob) -> Result<(), Failure> {
        let mut cmd = self.compile_command(job);
        let mut child = tied_to_us(&mut cmd)
            .spawn()
            .map_err(|e| Failure::NotRun(format!("cannot run {}: {e}", self.program.display())))?;
        // Read while typst runs, so that a full pipe never stops it.
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let reading = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = std::io::Read::read_to_end(&mut stderr, &mut bytes);
            bytes
        });
        // (Once the reader is started too: the work waiting for typst grows the memory map.)
        if let Some(started) = job.started {
            started.open();
        }
        let status = self.wait(&mut child, job.budget);
        let message = String::from_utf8_lossy(&reading.join().unwrap_or_default())
            .trim()
            .to_string();
        let status = status?;
        if status.success() {
            return Ok(());
        }
        match status.code() {
            Some(_) => Err(Failure::Reported(message)),
            None => Err(Failure::Crashed {
                how: describe_status(&status),
                message,
            }),
        }
    }

    /// `typst compile` with the job's arguments; its messages piped, in the short form.
    fn compile_command(&self, job: &CompileJob) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.arg("compile");
        match job.kind {
            Kind::Pdf { timestamp } => cmd
                .args(["--format", "pdf", "--creation-timestamp"])
                .arg(timestamp.to_string()),
            Kind::Bundle => cmd.args(["--features", "bundle", "--format", "bundle"]),
        };
        cmd.arg("--root")
            .arg(job.root)
            .args(font_args(job.font_dirs))
            .args(["--diagnostic-format", "short"]);
        if let Some(threads) = job.threads {
            cmd.arg("--jobs").arg(threads.to_string());
        }
        for (key, value) in &job.inputs {
            let mut arg = OsString::from(format!("{key}="));
            arg.push(value);
            cmd.arg("--input").arg(arg);
        }
        cmd.arg(job.main)
            .arg(job.output)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }

    /// Waits for `child` within `budget`; past it, or when waiting fails, stops it.
    fn wait(&self, child: &mut Child, budget: Duration) -> Result<ExitStatus, Failure> {
        match child.wait_timeout(budget) {
            Ok(Some(status)) => Ok(status),
            Ok(None) => {
                stop_group(child);
                Err(Failure::TimedOut(budget))
            }
            Err(e) => {
                stop_group(child);
                Err(Failure::NotRun(format!(
                    "cannot wait for {}: {e}",
                    self.program.display()
                )))
            }
        }
    }
}

/// How a typst run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Typst ran and reported errors: its messages (`--diagnostic-format short`).
    Reported(String),
    /// It ran past its time budget and was stopped.
    TimedOut(Duration),
    /// It died from a signal (a stack overflow, out of memory, killed).
    Crashed { how: String, message: String },
    /// It could not be started, or its files not written: why.
    NotRun(String),
    /// It ended well but left out a file it was to write: which.
    NoOutput(String),
}

/// Ties a child to this process: in a process group of its own, so that
/// it and anything it starts can be stopped together, and (on Linux) killed
/// by the kernel when gongwen dies, even by kill -9, so no typst goes on
/// writing into a folder the next build sweeps.
pub fn tied_to_us(cmd: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: prctl, getppid and _exit are async-signal-safe, and the
        // closure touches no memory the parent's other threads may hold.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent died before the line above: nobody is left to signal us.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    cmd
}

/// Kills a child started by [`tied_to_us`] and everything in its process
/// group, and reaps it.
fn stop_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    // SAFETY: kill(2) with the group of a child we started and have not reaped.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn describe_status(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal {
                libc::SIGKILL => {
                    "was killed (SIGKILL: out of memory, or stopped from outside)".into()
                }
                libc::SIGSEGV => "crashed (SIGSEGV: usually its stack overflowed)".into(),
                libc::SIGABRT => "aborted (SIGABRT: usually its stack overflowed)".into(),
                other => format!("died from signal {other}"),
            };
        }
    }
    format!("ended with {status}")
}

/// Whether `typst --version` names a typst with bundle export (0.15 and later).
pub fn has_bundle(version: &str) -> bool {
    let number = version.split_whitespace().nth(1).unwrap_or("");
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (0, 15)
}

pub struct CompileJob<'a> {
    pub root: &'a Path,
    pub font_dirs: &'a [PathBuf],
    pub main: &'a Path,
    /// The PDF file, or the folder a bundle's files go into.
    pub output: &'a Path,
    pub kind: Kind,
    pub inputs: Vec<(&'static str, OsString)>,
    /// How long the run may take before it is stopped.
    pub budget: Duration,
    /// Opened once typst has started.
    pub started: Option<&'a Started>,
    /// The threads typst may lay out on (`--jobs`); `None` for every core.
    pub threads: Option<usize>,
}

/// Opened when a typst run has started, for work that waits until then:
/// starting a process copies gongwen's memory map, which takes milliseconds
/// longer while other threads are growing it.
#[derive(Default)]
pub struct Started {
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

impl Started {
    pub fn open(&self) {
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.opened.notify_all();
    }

    pub fn wait(&self) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let _open =
            (self.opened.wait_while(open, |open| !*open)).unwrap_or_else(|e| e.into_inner());
    }

    /// Opens it when dropped, so that nothing waits for a typst that will never start.
    pub fn open_when_dropped(&self) -> impl Drop + '_ {
        struct OpenOnDrop<'a>(&'a Started);
        impl Drop for OpenOnDrop<'_> {
            fn drop(&mut self) {
                self.0.open();
            }
        }
        OpenOnDrop(self)
    }
}

pub enum Kind {
    /// One PDF. `timestamp` (seconds since 1970) is written into it instead
    /// of "now", so the same letter always gives the same bytes.
    Pdf { timestamp: i64 },
    /// Several files from one run (typst's experimental bundle export): one
    /// process lays out many letters, sharing its start-up and font loading.
    Bundle,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_waits_for_typst_goes_on_when_it_starts_or_never_will() {
        let started = Started::default();
        std::thread::scope(|s| {
            let waiting = s.spawn(|| started.wait());
            started.open();
            waiting.join().unwrap();
        });
        let never = Started::default();
        std::thread::scope(|s| {
            let waiting = s.spawn(|| never.wait());
            drop(never.open_when_dropped());
            waiting.join().unwrap();
        });
    }
}
