//! `cargo bench --bench archive`: gongwen on a generated archive, every row beside
//! its floor with the ratio, under a header naming the machine and the date (issue #18).
//!
//! The floor is the minimal layout (`benches/minimal-layout.typ`): typst alone setting
//! each letter's text on the bare GB/T 9704 grid, compiled from the same generated
//! letters in bundles of 200, two typst processes at a time. The full build, gongwen's
//! own layout (typst on the sources gongwen generated) and the one-letter rebuild are
//! each measured against it; the other rows against fixed limits.
//!
//! `-- --quick` skips the 10,000-letter rows; `-- --letters N` sets the archive's size
//! (1,000 by default), so `cargo bench --bench archive -- --quick --letters 40` runs
//! every other row end to end on a small archive.
//! Figures are wall-clock times on this machine; run it on an idle machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use pulldown_cmark::{Event, Tag, TagEnd};

const SAMPLE: &str = include_str!("../letters/2022/ningxia-70-proposal.md");
const GONGWEN: &str = env!("CARGO_BIN_EXE_gongwen");
const MINIMAL_LAYOUT: &str = include_str!("minimal-layout.typ");
const LETTERS_PER_BUNDLE: usize = 200;
const MINIMAL_PROCESSES: usize = 2;
/// The letter whose one-typst compile is the one-letter floor: the first that
/// [`Archive::edit_one_letter`] edits.
const FIRST_EDITED: usize = 1;

/// The benchmark's arguments, after `cargo bench --bench archive --`.
#[derive(clap::Parser)]
struct Options {
    /// Skip the 10,000-letter rows.
    #[arg(long)]
    quick: bool,
    /// Letters in the archive of every other row.
    #[arg(long, default_value_t = 1000)]
    letters: usize,
    /// Added by `cargo bench` itself.
    #[arg(long, hide = true)]
    bench: bool,
    /// A filter `cargo bench` passes on; this benchmark has no parts to pick.
    #[arg(hide = true)]
    filter: Vec<String>,
}

fn main() {
    let options = <Options as clap::Parser>::parse();
    let typst = gongwen::typst_cli::Typst::find_or_install()
        .expect("typst is needed: run `cargo run -- doctor`")
        .program;
    print_machine(&typst);
    let mut archive = Archive::generate(options.letters, &typst);
    let minimal = Minimal::write(archive.root(), options.letters, &typst);

    let full = FullBuild::measure(&archive, &typst, &minimal);
    full.print();
    let mut rows = full.rows(&archive.count());
    rows.push(unchanged_row(&archive));
    let single = median(5, || minimal.single());
    rows.push(one_letter_row(&mut archive, single));
    rows.push(html_row(&archive));
    print_without_pictures(&mut archive, &full, single);
    if !options.quick {
        rows.extend(ten_thousand_rows(&typst));
    }
    print_table(&rows);
}

// ---------------------------------------------------------------------------
// The machine and the date, so that figures can be compared across runs.

fn print_machine(typst: &Path) {
    let memory = proc_field("/proc/meminfo", "MemTotal")
        .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or("? GiB".into(), |kb| {
            format!("{:.1} GiB", kb as f64 / (1 << 20) as f64)
        });
    let cpu = proc_field("/proc/cpuinfo", "model name").unwrap_or_else(|| "CPU unknown".into());
    println!(
        "gongwen archive benchmark, {} (UTC)",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    println!("  machine: {} cores, {memory}, {cpu}", cores());
    println!("  {} at {}", typst_version(typst), typst.display());
}

/// The value of the first `key: value` line of a /proc file.
fn proc_field(file: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        Some(value.trim().to_string())
    })
}

fn typst_version(typst: &Path) -> String {
    let out = Command::new(typst).arg("--version").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

// ---------------------------------------------------------------------------
// The rows.

/// A full build from an empty output/, and typst alone on the same letters.
struct FullBuild {
    gongwen: Duration,
    /// gongwen's layout: its chunks, each one typst bundle run, as many at once as cores.
    own_bundles: Duration,
    /// gongwen's layout: one typst per letter, as many at once as cores.
    own_pool: Duration,
    /// gongwen's layout: one letter, one typst.
    own_single: Duration,
    /// gongwen's layout regrouped into the floor's bundles.
    own_as_floor: Duration,
    minimal: Duration,
    /// The minimal layout with a core to each of its runs, as gongwen runs
    /// its chunks side by side (`--jobs`).
    minimal_shared: Duration,
    /// The index's first-page pictures drawn from the PDFs, alone on every core.
    thumbnails: Duration,
}

impl FullBuild {
    fn measure(archive: &Archive, typst: &Path, minimal: &Minimal) -> FullBuild {
        // The first build keeps its Typst sources for gongwen's own-layout floor.
        let (first, err) = timed(|| archive.build(&["--keep-work"]));
        let work = kept_work(&err, archive.root());
        let own = Floor::new(archive.root(), typst, &work);
        // Three rounds, each of the three in turn, and the middle of each: this
        // machine's speed drifts by a tenth or more from minute to minute.
        let regrouped = own.regrouped();
        let mut gongwen = vec![first];
        let mut own_bundles = vec![own.bundles()];
        let mut own_as_floor = vec![own.as_floor(&regrouped)];
        let mut minimals = vec![minimal.bundles()];
        for _ in 0..2 {
            gongwen.push(archive.clean_build());
            own_bundles.push(own.bundles());
            own_as_floor.push(own.as_floor(&regrouped));
            minimals.push(minimal.bundles());
        }
        FullBuild {
            gongwen: middle(gongwen),
            own_bundles: middle(own_bundles),
            own_pool: own.pool(),
            own_single: median(5, || own.single()),
            own_as_floor: middle(own_as_floor),
            minimal: middle(minimals),
            minimal_shared: minimal.bundles_with_threads(Some(cores() / MINIMAL_PROCESSES)),
            thumbnails: own.thumbnails(),
        }
    }

    /// gongwen's layout alone, the faster of its two ways to run typst.
    fn own_layout(&self) -> Duration {
        self.own_bundles.min(self.own_pool)
    }

    fn print(&self) {
        println!(
            "  full build, typst alone: the minimal layout {:.2?} (bundles of {LETTERS_PER_BUNDLE}, \
             {MINIMAL_PROCESSES} at a time); gongwen's layout as its bundle chunks {:.2?}, \
             one typst per letter {:.2?}; one letter in gongwen's layout {:.2?}",
            self.minimal, self.own_bundles, self.own_pool, self.own_single
        );
        println!(
            "  the minimal layout with the cores shared among its runs (`--jobs {}`, as gongwen \
             runs its chunks): {:.2?}; gongwen's full build is {:.2}× that",
            (cores() / MINIMAL_PROCESSES).max(1),
            self.minimal_shared,
            ratio(self.gongwen, self.minimal_shared)
        );
        println!(
            "  gongwen's layout in the floor's bundles ({LETTERS_PER_BUNDLE} letters to a typst run, \
             {MINIMAL_PROCESSES} at a time): {:.2?}, {:.2}× the minimal layout (a run reuses the \
             layout of what its letters share; gongwen's own chunks are smaller, to bound memory)",
            self.own_as_floor,
            ratio(self.own_as_floor, self.minimal),
        );
        println!(
            "  drawing the index's first-page pictures from the PDFs, alone on every core: {:.2?}; \
             gongwen's full build is {:.2}× its layout + pictures",
            self.thumbnails,
            ratio(self.gongwen, self.own_layout() + self.thumbnails)
        );
    }

    fn rows(&self, count: &str) -> Vec<Row> {
        vec![
            Row::ratio(
                &format!(
                    "full build, {count} letters, PDF + HTML + index + pictures, empty output/"
                ),
                self.gongwen,
                self.minimal,
                1.25,
            ),
            Row::ratio(
                &format!(
                    "gongwen's layout alone, {count} letters (typst on gongwen's generated sources, \
                     the faster of its chunks as bundles and one typst per letter)"
                ),
                self.own_layout(),
                self.minimal,
                1.1,
            ),
        ]
    }
}

fn unchanged_row(archive: &Archive) -> Row {
    archive.spy.reset();
    let unchanged = median(5, || archive.timed_build());
    let started = archive.spy.calls();
    Row::absolute(
        &format!(
            "no letter changed, {} letters ({started} typst processes started)",
            archive.count()
        ),
        unchanged,
        Duration::from_millis(30),
    )
}

/// The floor is one typst compile of the first letter edited, in the minimal layout.
fn one_letter_row(archive: &mut Archive, single: Duration) -> Row {
    let one = archive.one_letter_edits();
    Row::ratio(
        &format!("one letter changed among {}, pictures on", archive.count()),
        one,
        single,
        1.5,
    )
}

/// Pages and index only: the page template changed.
fn html_row(archive: &Archive) -> Row {
    let page = std::fs::read_to_string(repo().join("templates/letter.html")).unwrap();
    let mut m = 0;
    let html = median(3, || {
        m += 1;
        write(
            &archive.root().join("templates/letter.html"),
            &format!("{page}<!-- {m} -->\n"),
        );
        archive.timed_build()
    });
    Row::absolute(
        &format!("HTML and index only, {} letters", archive.count()),
        html,
        Duration::from_secs(1),
    )
}

/// The same full build and one-letter rebuild without the index's first-page pictures.
fn print_without_pictures(archive: &mut Archive, full: &FullBuild, single: Duration) {
    let config = archive.root().join("gongwen.yaml");
    let with_pictures = std::fs::read_to_string(&config).unwrap();
    write(&config, &format!("{with_pictures}thumbnails: false\n"));
    let bare = middle((0..3).map(|_| archive.clean_build()).collect());
    let bare_one = archive.one_letter_edits();
    println!(
        "  with `thumbnails: false`: full build {bare:.2?}, {:.2}× the minimal floor \
         ({:.2}× gongwen's layout); one letter changed {bare_one:.2?}, {:.2}× its minimal floor",
        ratio(bare, full.minimal),
        ratio(bare, full.own_layout()),
        ratio(bare_one, single)
    );
}

fn ten_thousand_rows(typst: &Path) -> Vec<Row> {
    let big = Archive::generate(10_000, typst);
    let (peak, time) = peak_memory(big.root(), &big.spy);
    println!(
        "  10,000 letters: full build in {time:.1?} ({:.1?} a letter)",
        time / 10_000
    );
    vec![
        Row::memory(
            "peak memory, 10,000 letters (gongwen and its typst processes)",
            peak,
            600 << 20,
        ),
        site_row(&big),
    ]
}

/// The site alone: a changed index template remakes every listing page, a
/// missing search manifest the whole search index; no letter is laid out or
/// drawn again.
fn site_row(big: &Archive) -> Row {
    let template = std::fs::read_to_string(repo().join("templates/index.html")).unwrap();
    let mut k = 0;
    let site = median(3, || {
        k += 1;
        write(
            &big.root().join("templates/index.html"),
            &format!("{template}{{# {k} #}}\n"),
        );
        std::fs::remove_file(big.root().join("output/assets/search/index.json")).unwrap();
        big.timed_build()
    });
    Row::absolute(
        &format!(
            "search index and listing pages, {} letters (no letter rebuilt)",
            big.count()
        ),
        site,
        Duration::from_secs(5),
    )
}

fn print_table(rows: &[Row]) {
    println!();
    println!("| case | gongwen | floor | ratio | target | |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}

// ---------------------------------------------------------------------------
// The corpus: letters of the sample's shape, with varied text, and gongwen on it.

/// A generated project, built by gongwen through a typst that counts its runs.
struct Archive {
    dir: tempfile::TempDir,
    letters: usize,
    /// The typst the one-letter edits run, as the floor does.
    typst: PathBuf,
    /// The same typst behind a shell script that counts its runs, which
    /// every other build runs (the script costs each run a shell's start,
    /// which the one-letter floor does not pay).
    spy: Spy,
    /// Letters edited so far by [`Archive::edit_one_letter`].
    edits: usize,
}

impl Archive {
    fn generate(letters: usize, typst: &Path) -> Archive {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), letters);
        let spy = Spy::new(dir.path(), typst);
        Archive {
            dir,
            letters,
            typst: typst.to_path_buf(),
            spy,
            edits: 0,
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The number of letters as the rows print it: 1,000.
    fn count(&self) -> String {
        let digits = self.letters.to_string();
        let mut out = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(digit);
        }
        out
    }

    /// `gongwen build` with `args`, running the counting typst; its stderr.
    fn build(&self, args: &[&str]) -> String {
        self.build_with(args, &self.spy.program)
    }

    /// [`Self::build`] with `typst` as the typst gongwen runs.
    fn build_with(&self, args: &[&str], typst: &Path) -> String {
        let out = Command::new(GONGWEN)
            .args(["build", "--root"])
            .arg(self.root())
            .args(args)
            .env("GONGWEN_TYPST", typst)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "gongwen build failed:\n{err}");
        err
    }

    fn timed_build(&self) -> Duration {
        timed(|| self.build(&[])).0
    }

    /// A full build from an empty output/.
    fn clean_build(&self) -> Duration {
        std::fs::remove_dir_all(self.root().join("output")).unwrap();
        self.timed_build()
    }

    /// The middle time of five one-letter edits. They run typst itself, as
    /// the floor does; a first build with it records it (a typst new to the
    /// state is asked its version once).
    fn one_letter_edits(&mut self) -> Duration {
        self.build_with(&[], &self.typst);
        median(5, || self.edit_one_letter())
    }

    /// Adds a sentence to the next letter (the first is [`FIRST_EDITED`]) and times the rebuild.
    fn edit_one_letter(&mut self) -> Duration {
        self.edits += 1;
        let n = FIRST_EDITED + self.edits - 1;
        let file = self.root().join(format!("letters/{}", letter_path(n)));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text + &format!("\n第{n}次修改补充的一句话。\n")).unwrap();
        timed(|| self.build_with(&[], &self.typst)).0
    }
}

fn generate(root: &Path, letters: usize) {
    write(
        &root.join("gongwen.yaml"),
        "issuer: 宁夏回族自治区自然资源厅\nsite_title: 公文\n",
    );
    let (front, body) = SAMPLE
        .strip_prefix("---\n")
        .and_then(|s| s.split_once("\n---\n"))
        .expect("the sample has frontmatter");
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..letters {
        let year = 2015 + i % 10;
        let date = format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
        let front = front
            .replace("2022-06-13", &date)
            .replace("第70号", &format!("第{}号", i + 1));
        // The opening paragraph, then a varying selection of the others.
        let mut body = vec![paragraphs[0].to_string()];
        for p in &paragraphs[1..] {
            if next() % 4 != 0 {
                body.push(p.replace("2020年", &format!("{}年", 2010 + next() % 12)));
            }
        }
        write(
            &root.join(format!("letters/{}", letter_path(i))),
            &format!("---\n{front}\n---\n\n{}\n", body.join("\n\n")),
        );
    }
}

fn letter_path(i: usize) -> String {
    format!("{}/l{i:05}.md", 2015 + i % 10)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------
// The minimal-layout floor: the same letters' text, set by typst alone.

/// The minimal floor's sources, written in `minimal/` of the project: the layout,
/// one bundle source per 200 letters, and `single.typ`, the first letter edited.
struct Minimal {
    dir: PathBuf,
    typst: PathBuf,
    bundles: Vec<PathBuf>,
    single: PathBuf,
}

impl Minimal {
    fn write(root: &Path, letters: usize, typst: &Path) -> Minimal {
        let dir = root.join("minimal");
        write(&dir.join("minimal-layout.typ"), MINIMAL_LAYOUT);
        let issuer = project_issuer(root);
        let letter = |i| MinimalLetter::read(root, i, &issuer);
        let bundles = (0..letters)
            .step_by(LETTERS_PER_BUNDLE)
            .map(|start| {
                let end = (start + LETTERS_PER_BUNDLE).min(letters);
                let documents: String = (start..end).map(|i| letter(i).document()).collect();
                let path = dir.join(format!("bundle-{}.typ", start / LETTERS_PER_BUNDLE));
                write(&path, &format!("{MINIMAL_IMPORT}{documents}"));
                path
            })
            .collect();
        let single = dir.join("single.typ");
        write(&single, &letter(FIRST_EDITED).plain());
        Minimal {
            dir,
            typst: typst.to_path_buf(),
            bundles,
            single,
        }
    }

    fn typst(&self) -> Command {
        let mut cmd = Command::new(&self.typst);
        cmd.arg("compile")
            .arg("--font-path")
            .arg(repo().join("fonts"))
            .arg("--ignore-system-fonts");
        cmd
    }

    /// Every bundle, two typst processes at a time.
    fn bundles(&self) -> Duration {
        self.bundles_with_threads(None)
    }

    /// [`Self::bundles`], each typst laying out on `threads` (`--jobs`; every core for none).
    fn bundles_with_threads(&self, threads: Option<usize>) -> Duration {
        timed(|| {
            parallel(MINIMAL_PROCESSES, self.bundles.len(), |i| {
                let mut typst = self.typst();
                if let Some(n) = threads {
                    typst.arg("--jobs").arg(n.max(1).to_string());
                }
                run(typst
                    .args(["--features", "bundle", "--format", "bundle"])
                    .arg(&self.bundles[i])
                    .arg(self.dir.join(format!("out-{i}"))));
            })
        })
        .0
    }

    /// One letter as a plain PDF, one typst process.
    fn single(&self) -> Duration {
        timed(|| {
            run(self
                .typst()
                .arg(&self.single)
                .arg(self.dir.join("single.pdf")))
        })
        .0
    }
}

const MINIMAL_IMPORT: &str = "#import \"minimal-layout.typ\": letter\n";

/// The fields of a generated letter the minimal layout prints.
#[derive(serde::Deserialize)]
struct Frontmatter {
    title: String,
    to: String,
    date: NaiveDate,
    issuer: Option<String>,
}

/// The project's `issuer:`, for letters that name none.
fn project_issuer(root: &Path) -> String {
    #[derive(serde::Deserialize)]
    struct Config {
        issuer: String,
    }
    let yaml = std::fs::read_to_string(root.join("gongwen.yaml")).unwrap();
    serde_yaml::from_str::<Config>(&yaml).unwrap().issuer
}

/// One generated letter in Typst: its name, title, `letter.with(…)` and body markup.
struct MinimalLetter {
    pdf: String,
    title: String,
    layout: String,
    body: String,
}

impl MinimalLetter {
    fn read(root: &Path, i: usize, project_issuer: &str) -> MinimalLetter {
        let file = PathBuf::from("letters").join(letter_path(i));
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        let split = gongwen::letter::frontmatter::split(&file, &text).unwrap();
        let front: Frontmatter = serde_yaml::from_str(split.yaml).unwrap();
        let issuer = front.issuer.as_deref().unwrap_or(project_issuer);
        let date = gongwen::letter::print::chinese_date(front.date);
        let source = gongwen::markdown::Source {
            root,
            file: &file,
            first_line: split.body_line,
        };
        MinimalLetter {
            pdf: typst_string(&format!("l{i:05}.pdf")),
            title: typst_string(&front.title),
            layout: format!(
                "letter.with(title: {}, to: {}, issuer: {}, date: {})",
                typst_string(&front.title),
                typst_string(&front.to),
                typst_string(issuer),
                typst_string(&date)
            ),
            body: typst_markup(&gongwen::markdown::Body::parse(&source, split.body).unwrap()),
        }
    }

    /// The letter as one document of a bundle.
    fn document(&self) -> String {
        format!(
            "#document({}, title: {})[\n#show: {}\n\n{}]\n",
            self.pdf, self.title, self.layout, self.body
        )
    }

    /// The letter as a file of its own, compiled to a plain PDF.
    fn plain(&self) -> String {
        format!(
            "{MINIMAL_IMPORT}#set document(title: {})\n#show: {}\n\n{}",
            self.title, self.layout, self.body
        )
    }
}

fn typst_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The body as Typst markup: paragraphs apart by blank lines, bold as `*…*`,
/// headings (with the numbers gongwen gives them) and list items as plain
/// paragraphs, and every ASCII punctuation mark escaped, so that no letter's
/// text is read as Typst syntax.
fn typst_markup(body: &gongwen::markdown::Body) -> String {
    let mut numbers = body.heading_numbers.iter();
    let mut out = String::new();
    for event in &body.events {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&escaped(text)),
            Event::Start(Tag::Heading { .. }) => {
                out.push_str(&escaped(numbers.next().map_or("", String::as_str)))
            }
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push('*'),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                out.push_str("\n\n")
            }
            _ => {}
        }
    }
    out
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// typst alone on gongwen's own layout.

/// A typst that counts its runs, given to gongwen as GONGWEN_TYPST.
struct Spy {
    program: PathBuf,
    log: PathBuf,
}

impl Spy {
    fn new(root: &Path, typst: &Path) -> Spy {
        let program = root.join("typst-spy.sh");
        let log = root.join("typst-calls.log");
        write(
            &program,
            &format!(
                "#!/bin/sh\necho x >> '{}'\nexec '{}' \"$@\"\n",
                log.display(),
                typst.display()
            ),
        );
        std::fs::set_permissions(
            &program,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        Spy { program, log }
    }

    fn reset(&self) {
        let _ = std::fs::remove_file(&self.log);
    }

    fn calls(&self) -> usize {
        std::fs::read_to_string(&self.log).map_or(0, |l| l.lines().count())
    }
}

/// The Typst sources gongwen kept, moved from `.gongwen-work-…` (where the
/// next build would sweep them away as a dead build's scratch) to `floor-work/`,
/// with the chunks' paths to their letters' data changed to match.
fn kept_work(stderr: &str, root: &Path) -> PathBuf {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("kept the Typst sources in "))
        .expect("gongwen kept its work folder");
    let kept = PathBuf::from(line.trim());
    let name = kept.file_name().unwrap().to_string_lossy().into_owned();
    let moved = root.join("floor-work");
    std::fs::rename(&kept, &moved).unwrap();
    for manifest in files(&moved, "chunk-all.json") {
        let text = std::fs::read_to_string(&manifest).unwrap();
        let text = text.replace(&format!("/{name}/"), "/floor-work/");
        std::fs::write(&manifest, text).unwrap();
    }
    moved
}

/// typst alone, on the sources gongwen generated.
struct Floor<'a> {
    root: &'a Path,
    typst: &'a Path,
    work: &'a Path,
    families: String,
}

impl<'a> Floor<'a> {
    fn new(root: &'a Path, typst: &'a Path, work: &'a Path) -> Floor<'a> {
        // The `--input fonts=…` gongwen gives typst.
        let families = gongwen::typst_cli::Typst {
            program: typst.to_path_buf(),
        }
        .families(&[repo().join("fonts")])
        .unwrap()
        .join(",");
        Floor {
            root,
            typst,
            work,
            families,
        }
    }

    fn typst(&self) -> Command {
        let mut cmd = Command::new(self.typst);
        cmd.arg("compile")
            .arg("--root")
            .arg(self.root)
            .arg("--font-path")
            .arg(repo().join("fonts"))
            .arg("--ignore-system-fonts")
            .arg("--input")
            .arg(format!("fonts={}", self.families));
        cmd
    }

    fn in_root(&self, path: &Path) -> String {
        format!("/{}", path.strip_prefix(self.root).unwrap().display())
    }

    /// The chunks gongwen made, each one typst bundle run, as many at once as cores.
    fn bundles(&self) -> Duration {
        let chunks: Vec<PathBuf> = files(self.work, "chunk-all.json");
        let out = self.work.join("floor-out");
        timed(|| {
            parallel(cores(), chunks.len(), |i| {
                run(self
                    .typst()
                    .args(["--features", "bundle", "--format", "bundle", "--input"])
                    .arg(format!("chunk={}", self.in_root(&chunks[i])))
                    .arg(self.work.join("bundle.typ"))
                    .arg(out.join(i.to_string())));
            })
        })
        .0
    }

    /// gongwen's letters regrouped as the floor's are: manifests of
    /// [`LETTERS_PER_BUNDLE`] letters each, beside the work folder's chunks.
    fn regrouped(&self) -> Vec<PathBuf> {
        let mut entries: Vec<serde_json::Value> = files(self.work, "chunk-all.json")
            .iter()
            .flat_map(|m| {
                serde_json::from_slice::<Vec<serde_json::Value>>(&std::fs::read(m).unwrap())
                    .unwrap()
            })
            .collect();
        for (i, e) in entries.iter_mut().enumerate() {
            e["out"] = format!("{i}.pdf").into();
        }
        (entries.chunks(LETTERS_PER_BUNDLE).enumerate())
            .map(|(k, group)| {
                let path = self.work.join(format!("floor-bundle-{k}.json"));
                std::fs::write(&path, serde_json::to_vec(group).unwrap()).unwrap();
                path
            })
            .collect()
    }

    /// The [`Self::regrouped`] manifests, each one typst bundle run, as
    /// many at once as the floor runs.
    fn as_floor(&self, manifests: &[PathBuf]) -> Duration {
        let out = self.work.join("floor-bundle-out");
        timed(|| {
            parallel(MINIMAL_PROCESSES, manifests.len(), |i| {
                run(self
                    .typst()
                    .args(["--features", "bundle", "--format", "bundle", "--input"])
                    .arg(format!("chunk={}", self.in_root(&manifests[i])))
                    .arg(self.work.join("bundle.typ"))
                    .arg(out.join(i.to_string())));
            })
        })
        .0
    }

    /// The first-page pictures gongwen draws from the finished PDFs, alone:
    /// the same in-process drawing, on every core.
    fn thumbnails(&self) -> Duration {
        use rayon::prelude::*;
        let mut pdfs: Vec<PathBuf> = Vec::new();
        for entry in walkdir::WalkDir::new(self.root.join("output")) {
            let entry = entry.unwrap();
            let p = entry.path();
            // The letters' PDFs: not this floor's own scratch.
            let skipped = p.components().any(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .starts_with(".gongwen-work-")
            });
            if p.extension().is_some_and(|e| e == "pdf") && !skipped {
                pdfs.push(p.to_path_buf());
            }
        }
        timed(|| {
            // (Read as the build reads them, from the user's cache of the fonts' maps.)
            let dirs = gongwen::project::font_dirs(self.root).unwrap();
            let faces = gongwen::glyphs::FontBook::load(&dirs).picture_faces();
            pdfs.par_iter().for_each(|pdf| {
                let pdf = std::fs::read(pdf).unwrap();
                let png = gongwen::thumbnail::first_page(pdf, &faces).unwrap();
                std::hint::black_box(png);
            })
        })
        .0
    }

    /// One typst process per letter, as many at once as cores.
    fn pool(&self) -> Duration {
        let data: Vec<PathBuf> = letter_data(self.work);
        timed(|| {
            parallel(cores(), data.len(), |i| {
                run(self
                    .typst()
                    .arg("--input")
                    .arg(format!("data={}", self.in_root(&data[i])))
                    .arg(self.work.join("main.typ"))
                    .arg(self.work.join(format!("floor-{i}.pdf"))));
            })
        })
        .0
    }

    /// One letter, one typst process.
    fn single(&self) -> Duration {
        let data = &letter_data(self.work)[0];
        timed(|| {
            run(self
                .typst()
                .arg("--input")
                .arg(format!("data={}", self.in_root(data)))
                .arg(self.work.join("main.typ"))
                .arg(self.work.join("single.pdf")));
        })
        .0
    }
}

/// Runs a typst compile; its diagnostics only if it fails.
fn run(cmd: &mut Command) {
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn files(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

/// The per-letter data files (`chunk-N/<i>.json`).
fn letter_data(work: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for chunk in std::fs::read_dir(work).unwrap().flatten() {
        for f in std::fs::read_dir(chunk.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.starts_with("chunk-") {
                found.push(f.path());
            }
        }
    }
    found.sort();
    found
}

/// Runs `task(0..n)`, `threads` at a time.
fn parallel(threads: usize, n: usize, task: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                task(i);
            });
        }
    });
}

// ---------------------------------------------------------------------------
// Measuring.

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed(), value)
}

fn ratio(value: Duration, floor: Duration) -> f64 {
    value.as_secs_f64() / floor.as_secs_f64()
}

fn middle(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn median(runs: usize, f: impl FnMut() -> Duration) -> Duration {
    middle(std::iter::repeat_with(f).take(runs).collect())
}

/// A full build of the project at `root`, with the most memory gongwen and
/// its typst processes held at once (sampled every 10 ms from /proc).
fn peak_memory(root: &Path, spy: &Spy) -> (u64, Duration) {
    let start = Instant::now();
    let mut child = Command::new(GONGWEN)
        .args(["build", "--root"])
        .arg(root)
        .env("GONGWEN_TYPST", &spy.program)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let pid = child.id();
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(tree_rss(pid));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let status = child.wait().unwrap();
    let time = start.elapsed();
    done.store(true, Ordering::Relaxed);
    assert!(status.success());
    (sampler.join().unwrap(), time)
}

/// Resident memory of `pid` and all its descendants, in bytes.
fn tree_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let own = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        * 1024;
    let children: u64 = std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| {
            c.split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok())
                .collect::<Vec<_>>()
        })
        .map(tree_rss)
        .sum();
    own + children
}

enum Target {
    Ratio(Duration, f64),
    Absolute(Duration),
    Memory(u64),
}

struct Row {
    case: String,
    value: Duration,
    bytes: u64,
    target: Target,
}

impl Row {
    fn ratio(case: &str, value: Duration, floor: Duration, limit: f64) -> Row {
        Row {
            case: case.into(),
            value,
            bytes: 0,
            target: Target::Ratio(floor, limit),
        }
    }
    fn absolute(case: &str, value: Duration, limit: Duration) -> Row {
        Row {
            case: case.into(),
            value,
            bytes: 0,
            target: Target::Absolute(limit),
        }
    }
    fn memory(case: &str, bytes: u64, limit: u64) -> Row {
        Row {
            case: case.into(),
            value: Duration::ZERO,
            bytes,
            target: Target::Memory(limit),
        }
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ok = |b: bool| if b { "met" } else { "MISSED" };
        match self.target {
            Target::Ratio(floor, limit) => {
                let ratio = ratio(self.value, floor);
                write!(
                    f,
                    "| {} | {:.3?} | {:.3?} | {ratio:.2}× | ≤ {limit}× | {} |",
                    self.case,
                    self.value,
                    floor,
                    ok(ratio <= limit)
                )
            }
            Target::Absolute(limit) => write!(
                f,
                "| {} | {:.3?} | | | ≤ {limit:?} | {} |",
                self.case,
                self.value,
                ok(self.value <= limit)
            ),
            Target::Memory(limit) => write!(
                f,
                "| {} | {:.0} MiB | | | ≤ {} MiB | {} |",
                self.case,
                self.bytes as f64 / (1 << 20) as f64,
                limit >> 20,
                ok(self.bytes <= limit)
            ),
        }
    }
}
