//! Running the gongwen binary on fixture projects and reading its output back.

pub mod measure;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const MM: f64 = 72.0 / 25.4;

/// Debian's Chromium, for the browser tests.
pub const CHROMIUM: &str = "chromium";

/// Headless, and nothing the browser would fetch for itself.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A throwaway copy of a project: a fixture under `tests/fixtures/`, or the repo's own letters.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn fixture(name: &str) -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(
            &manifest().join("tests/fixtures").join(name),
            project.root(),
        );
        project
    }

    /// The repo's letters, built once per test binary and shared by its tests.
    pub fn repo_letters_built() -> &'static Project {
        static PROJECT: std::sync::OnceLock<Project> = std::sync::OnceLock::new();
        PROJECT.get_or_init(|| {
            let project = Project::repo_letters();
            let out = project.build();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            project
        })
    }

    /// The repo's own `letters/` and `gongwen.yaml`, as a new user has them.
    pub fn repo_letters() -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(&manifest().join("letters"), &project.root().join("letters"));
        std::fs::copy(
            manifest().join("gongwen.yaml"),
            project.root().join("gongwen.yaml"),
        )
        .unwrap();
        project
    }

    /// A project of the given letters (name under `letters/` → text), with an office config.
    pub fn with_letters(letters: &[(&str, &str)]) -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        project.write("gongwen.yaml", "issuer: 某市自然资源局\n");
        for (name, text) in letters {
            project.write(&format!("letters/{name}"), text);
        }
        project
    }

    /// Writes a file of the project (not of output/).
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// `gongwen build --root <project> <args>`, with `env` set.
    pub fn build_with(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongwen"));
        cmd.arg("build").arg("--root").arg(self.root()).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("the gongwen binary runs")
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn build(&self) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gongwen"))
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("the gongwen binary runs")
    }

    pub fn output(&self, path: &str) -> PathBuf {
        self.root().join("output").join(path)
    }

    /// The faces the build's pictures know glyphs of by their characters.
    pub fn picture_faces(&self) -> gongwen::thumbnail::Faces {
        let dirs = gongwen::project::font_dirs(self.root()).unwrap();
        gongwen::glyphs::FontBook::load(&dirs).picture_faces()
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.output(path)).unwrap_or_else(|e| panic!("output/{path}: {e}"))
    }

    /// Every file under output/, relative to it, but the build's own
    /// bookkeeping (its state, its index entries and its lock).
    pub fn files(&self) -> Vec<String> {
        let out = self.root().join("output");
        let mut files: Vec<String> = walk(&out)
            .into_iter()
            .map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
            .filter(|f| {
                ![".gongwen.state", ".gongwen.lock"].contains(&f.as_str())
                    && !f.starts_with(".gongwen.entries/")
            })
            .collect();
        files.sort();
        files
    }

    /// Fails if a temporary or work file of a build is left in output/, or
    /// a work folder beside it.
    pub fn assert_no_scratch(&self) {
        let files = self.files();
        assert!(
            !files.iter().any(|f| f.contains(".gongwen-")),
            "scratch files left: {files:?}"
        );
        let work: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".gongwen-work-"))
            .collect();
        assert_eq!(work, Vec::<String>::new(), "work folders left");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn poppler(program: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); install poppler-utils"));
    assert!(
        out.status.success(),
        "{program} {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An RGB PNG's width, height and pixels.
pub fn decode_png_rgb(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

/// The PDF's text, as pdftotext reads it.
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[], pdf)
}

/// `pdfinfo` as key → value.
pub fn pdf_info(pdf: &Path) -> Vec<(String, String)> {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs; install poppler-utils");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// One word of `pdftotext -bbox`, in points from the page's top left.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    pub fn centre_x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

pub struct Page {
    pub width: f64,
    pub height: f64,
}

/// The words of every page, and the pages' sizes.
pub fn pdf_words(pdf: &Path) -> (Vec<Page>, Vec<Word>) {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    let doc = xml(&html);
    let mut pages = Vec::new();
    let mut words = Vec::new();
    for page in doc.descendants().filter(|n| n.has_tag_name("page")) {
        let num = |node: roxmltree::Node, name| attr(node, name).parse::<f64>().unwrap();
        pages.push(Page {
            width: num(page, "width"),
            height: num(page, "height"),
        });
        for word in page.descendants().filter(|n| n.has_tag_name("word")) {
            words.push(Word {
                page: pages.len(),
                x0: num(word, "xMin"),
                y0: num(word, "yMin"),
                x1: num(word, "xMax"),
                y1: num(word, "yMax"),
                text: text_of(word),
            });
        }
    }
    (pages, words)
}

/// Poppler's XML (`pdftohtml -xml`, `pdftotext -bbox`), parsed.
pub fn xml(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("poppler's XML does not parse: {e}"))
}

/// An attribute poppler always writes.
pub fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    (node.attribute(name)).unwrap_or_else(|| panic!("no {name} in {node:?}"))
}

/// The text of an element and of the elements in it (`<b>`, `<i>`, `<a>`).
pub fn text_of(node: roxmltree::Node) -> String {
    (node.descendants().filter(|n| n.is_text()))
        .filter_map(|n| n.text())
        .collect()
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of an HTML page without its tags, entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// Fails unless `needle`'s characters (whitespace aside) appear in `haystack` in order.
pub fn assert_in_order(haystack: &str, needle: &str, what: &str) {
    let hay: Vec<char> = haystack.chars().filter(|c| !c.is_whitespace()).collect();
    let mut at = 0;
    for (i, c) in needle.chars().filter(|c| !c.is_whitespace()).enumerate() {
        match hay[at..].iter().position(|h| *h == c) {
            Some(p) => at += p + 1,
            None => {
                let context: String = needle
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .skip(i.saturating_sub(10))
                    .take(20)
                    .collect();
                panic!("{what}: character {i} `{c}` (in …{context}…) is missing or out of order");
            }
        }
    }
}

/// The body's text as an author means it: Markdown markers taken out.
pub fn body_text(markdown: &str) -> String {
    let body = markdown.splitn(3, "---\n").nth(2).expect("frontmatter");
    body.lines()
        .map(|l| {
            strip_list_marker(
                l.trim_start_matches(['#', '>', ' '])
                    .trim_start_matches("- "),
            )
            .replace("**", "")
        })
        .filter(|l| !l.chars().all(|c| "|-: ".contains(c)))
        .map(|l| l.replace('|', ""))
        .collect()
}

/// `1. 甲` → `甲`: the page shows list numbers as markup, not text.
fn strip_list_marker(line: &str) -> &str {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    match line[digits..].strip_prefix(". ") {
        Some(rest) if digits > 0 => rest,
        _ => line,
    }
}

/// Runs `gongwen <args> --root <root>`.
pub fn gongwen(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the gongwen binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A letter with the given title, date and body.
pub fn letter(title: &str, date: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nto: 某局\ndate: {date}\n---\n\n{body}\n")
}

/// A typst that writes each of its command lines to a log, then runs the
/// real one; given to gongwen as `GONGWEN_TYPST`.
pub struct TypstSpy {
    _dir: tempfile::TempDir,
    pub program: PathBuf,
    log: PathBuf,
}

impl TypstSpy {
    pub fn new() -> TypstSpy {
        TypstSpy::with_version(None)
    }

    /// A spy that answers `--version` with `version`, as an older typst would.
    pub fn with_version(version: Option<&str>) -> TypstSpy {
        let real = gongwen::typst_cli::Typst::find_or_install()
            .expect("the tests need typst: run `cargo run -- doctor`")
            .program;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("typst");
        let log = dir.path().join("calls.log");
        let fake = version.map_or(String::new(), |v| {
            format!("if [ \"$1\" = --version ]; then echo '{v}'; exit 0; fi\n")
        });
        write_script(
            &program,
            &format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\n{fake}exec '{}' \"$@\"\n",
                log.display(),
                real.display()
            ),
        );
        TypstSpy {
            _dir: dir,
            program,
            log,
        }
    }

    /// Every command line typst was run with so far; the log is emptied.
    pub fn take_calls(&self) -> Vec<String> {
        let calls = std::fs::read_to_string(&self.log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.log);
        calls.lines().map(String::from).collect()
    }

    pub fn env(&self) -> [(&'static str, &Path); 1] {
        [("GONGWEN_TYPST", self.program.as_path())]
    }
}

/// The `compile` runs among typst's calls.
pub fn compiles(calls: &[String]) -> Vec<&String> {
    calls.iter().filter(|c| c.starts_with("compile")).collect()
}

/// A typst that never finishes a run holding a letter whose data contains
/// `marker`, and runs the real one otherwise; given as `GONGWEN_TYPST`.
pub struct TypstStall {
    _dir: tempfile::TempDir,
    pub program: PathBuf,
    /// The `sleep` it waits in, to be found among the processes.
    pub sleep: String,
}

impl TypstStall {
    /// It waits in a `sleep` child of its own: stopping it alone leaves the
    /// child behind.
    pub fn new(marker: &str) -> TypstStall {
        TypstStall::make(marker, "")
    }

    /// It becomes `sleep` (exec): one process that never writes to stderr,
    /// so nothing but its parent's care ends it.
    pub fn exec(marker: &str) -> TypstStall {
        TypstStall::make(marker, "exec ")
    }

    fn make(marker: &str, exec: &str) -> TypstStall {
        let real = gongwen::typst_cli::Typst::find_or_install()
            .expect("the tests need typst: run `cargo run -- doctor`")
            .program;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("typst");
        // Seconds no test waits for: the process is found by this command
        // line, so each stand-in has its own (tests run side by side in one
        // process, and one test's stalled sleep once looked like another's
        // leaked typst). All are seven digits, so none is a prefix of another.
        static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 1000;
        let sleep = format!("sleep {}{n:03}", 3000 + std::process::id() % 1000);
        write_script(
            &program,
            &format!(
                "#!/bin/sh\n\
                 root=; prev=; files=\n\
                 for a in \"$@\"; do\n  \
                   [ \"$prev\" = --root ] && root=\"$a\"\n  \
                   case \"$a\" in chunk=*) chunk=\"${{a#chunk=}}\";; data=*) files=\"${{a#data=}}\";; esac\n  \
                   prev=\"$a\"\n\
                 done\n\
                 [ -n \"$chunk\" ] && files=$(grep -o '\"data\":\"[^\"]*\"' \"$root$chunk\" | cut -d'\"' -f4)\n\
                 for f in $files; do grep -q '{marker}' \"$root$f\" && {exec}{sleep}; done\n\
                 exec '{}' \"$@\"\n",
                real.display()
            ),
        );
        TypstStall {
            _dir: dir,
            program,
            sleep,
        }
    }
}

/// The processes whose command line contains `text`, by id (Linux: /proc).
pub fn processes_with(text: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(text) && pid != std::process::id() {
            found.push(pid);
        }
    }
    found
}

/// What `/proc/<pid>/status` says of a process: whether it is on its way out.
#[derive(Debug)]
pub struct ProcessState {
    pid: u32,
    state: String,
    pending: u64,
    flags: u64,
}

impl ProcessState {
    /// A zombie, a process exiting, or one with SIGKILL pending for it or its
    /// thread group: it runs none of its own code again.
    pub fn killed(&self) -> bool {
        const SIGKILL_BIT: u64 = 1 << (libc::SIGKILL - 1);
        // PF_EXITING of the kernel's task flags (include/linux/sched.h).
        const PF_EXITING: u64 = 0x4;
        self.state.starts_with('Z')
            || self.state.starts_with('X')
            || self.pending & SIGKILL_BIT != 0
            || self.flags & PF_EXITING != 0
    }
}

impl std::fmt::Display for ProcessState {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "pid {} state {} pending {:#x} flags {:#x}",
            self.pid, self.state, self.pending, self.flags
        )
    }
}

/// The state of process `pid`, or None when it has gone.
pub fn process_state(pid: u32) -> Option<ProcessState> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mask = |name: &str| u64::from_str_radix(&field(name), 16).unwrap_or(0);
    // /proc/<pid>/stat: after the command in parentheses, the ninth field is the flags.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_command = &stat[stat.rfind(')')? + 1..];
    let flags = after_command.split_whitespace().nth(6)?.parse().ok()?;
    Some(ProcessState {
        pid,
        state: field("State:"),
        pending: mask("SigPnd:") | mask("ShdPnd:"),
        flags,
    })
}

/// Writes an executable shell script: the stand-ins for typst.
fn write_script(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}
