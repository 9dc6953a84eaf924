//! `cargo bench --bench archive`: gongwen on a generated archive, each figure
//! beside its floor (what the typst CLI alone costs for the same work).
//!
//! `cargo bench --bench archive -- --quick` skips the 10,000-letter row.
//! Figures are wall-clock times on this machine; run it on an idle machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SAMPLE: &str = include_str!("../letters/2022/ningxia-70-proposal.md");
const GONGWEN: &str = env!("CARGO_BIN_EXE_gongwen");

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let typst = gongwen::typst_cli::Typst::find_or_install()
        .expect("typst is needed: run `cargo run -- doctor`")
        .program;
    println!(
        "gongwen archive benchmark: {} cores, typst at {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        typst.display()
    );
    let mut rows = Vec::new();

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generate(root, 1000);
    let spy = Spy::new(root, &typst);

    // Full build from an empty output/, keeping the Typst sources for the
    // floor. Three rounds, gongwen then the floor, and the middle of each:
    // this machine's speed drifts by a tenth or more from minute to minute.
    let (first, err) = timed(|| gongwen(root, &["--keep-work"], &spy));
    let work = kept_work(&err, root);
    let floor = Floor::new(root, &typst, &work);
    let (mut fulls, mut bundles) = (vec![first], vec![floor.bundles()]);
    for _ in 0..2 {
        std::fs::remove_dir_all(root.join("output")).unwrap();
        fulls.push(timed(|| gongwen(root, &[], &spy)).0);
        bundles.push(floor.bundles());
    }
    let (full, bundle) = (middle(fulls), middle(bundles));
    let pool = floor.pool();
    let single = median(5, || floor.single());
    let thumbs = floor.thumbnails();
    println!(
        "  floor, full build: typst bundle chunks {bundle:.2?}, one typst per letter {pool:.2?}"
    );
    println!(
        "  drawing the index's first-page pictures from the PDFs, alone on every core: {thumbs:.2?}; \
         gongwen's full build is {:.2}× layout + pictures",
        full.as_secs_f64() / (bundle.min(pool) + thumbs).as_secs_f64()
    );
    rows.push(Row::ratio(
        "full build, 1,000 letters, empty output/",
        full,
        bundle.min(pool),
        1.25,
    ));

    // Nothing changed.
    spy.reset();
    let unchanged = median(5, || timed(|| gongwen(root, &[], &spy)).0);
    let started = spy.calls();
    rows.push(Row::absolute(
        &format!("no letter changed, 1,000 letters ({started} typst processes started)"),
        unchanged,
        Duration::from_millis(100),
    ));

    // One letter changed: the floor is one typst compile of that letter.
    let mut n = 0;
    let one = median(5, || {
        n += 1;
        one_letter_changed(root, n, &spy)
    });
    rows.push(Row::ratio(
        "one letter changed among 1,000",
        one,
        single,
        1.5,
    ));

    // Pages and index only: the page template changed.
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/letter.html"),
    )
    .unwrap();
    let mut m = 0;
    let html = median(3, || {
        m += 1;
        write(
            &root.join("templates/letter.html"),
            &format!("{page}<!-- {m} -->\n"),
        );
        timed(|| gongwen(root, &[], &spy)).0
    });
    rows.push(Row::absolute(
        "HTML and index only, 1,000 letters",
        html,
        Duration::from_secs(1),
    ));

    // The same full build and one-letter rebuild without the index's first-page pictures.
    let config = root.join("gongwen.yaml");
    let with_pictures = std::fs::read_to_string(&config).unwrap();
    write(&config, &format!("{with_pictures}thumbnails: false\n"));
    let bare = middle(
        (0..3)
            .map(|_| {
                std::fs::remove_dir_all(root.join("output")).unwrap();
                timed(|| gongwen(root, &[], &spy)).0
            })
            .collect(),
    );
    let bare_one = median(5, || {
        n += 1;
        one_letter_changed(root, n, &spy)
    });
    println!(
        "  with `thumbnails: false`: full build {bare:.2?}, {:.2}× the floor; one letter changed {bare_one:.2?}, {:.2}× its floor",
        bare.as_secs_f64() / bundle.min(pool).as_secs_f64(),
        bare_one.as_secs_f64() / single.as_secs_f64()
    );

    if !quick {
        let big = tempfile::tempdir().unwrap();
        generate(big.path(), 10_000);
        let spy = Spy::new(big.path(), &typst);
        let (peak, time) = peak_memory(big.path(), &spy);
        println!(
            "  10,000 letters: full build in {time:.1?} ({:.1?} a letter)",
            time / 10_000
        );
        rows.push(Row::memory(
            "peak memory, 10,000 letters (gongwen and its typst processes)",
            peak,
            1 << 30,
        ));

        // The site alone: a changed index template remakes every listing
        // page, a missing search manifest the whole search index; no letter
        // is laid out or drawn again.
        let template = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/index.html"),
        )
        .unwrap();
        let mut k = 0;
        let site = median(3, || {
            k += 1;
            write(
                &big.path().join("templates/index.html"),
                &format!("{template}{{# {k} #}}\n"),
            );
            std::fs::remove_file(big.path().join("output/assets/search/index.json")).unwrap();
            timed(|| gongwen(big.path(), &[], &spy)).0
        });
        rows.push(Row::absolute(
            "search index and listing pages, 10,000 letters (no letter rebuilt)",
            site,
            Duration::from_secs(5),
        ));
    }

    println!();
    println!("| case | gongwen | floor | ratio | target | |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}

// ---------------------------------------------------------------------------
// The corpus: letters of the sample's shape, with varied text.

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

// ---------------------------------------------------------------------------
// Running gongwen, and typst alone.

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

fn gongwen(root: &Path, args: &[&str], spy: &Spy) -> String {
    let out = Command::new(GONGWEN)
        .args(["build", "--root"])
        .arg(root)
        .args(args)
        .env("GONGWEN_TYPST", &spy.program)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "gongwen build failed:\n{err}");
    err
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
    fonts: PathBuf,
}

impl<'a> Floor<'a> {
    fn new(root: &'a Path, typst: &'a Path, work: &'a Path) -> Floor<'a> {
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        // The `--input fonts=…` gongwen gives typst.
        let families = gongwen::typst_cli::Typst {
            program: typst.to_path_buf(),
        }
        .families(std::slice::from_ref(&fonts))
        .unwrap()
        .join(",");
        Floor {
            root,
            typst,
            work,
            families,
            fonts,
        }
    }

    fn typst(&self) -> Command {
        let mut cmd = Command::new(self.typst);
        cmd.arg("compile")
            .arg("--root")
            .arg(self.root)
            .arg("--font-path")
            .arg(&self.fonts)
            .arg("--ignore-system-fonts")
            .arg("--input")
            .arg(format!("fonts={}", self.families))
            .stderr(Stdio::null());
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
            parallel(chunks.len(), |i| {
                let status = self
                    .typst()
                    .args(["--features", "bundle", "--format", "bundle", "--input"])
                    .arg(format!("chunk={}", self.in_root(&chunks[i])))
                    .arg(self.work.join("bundle.typ"))
                    .arg(out.join(i.to_string()))
                    .status()
                    .unwrap();
                assert!(status.success());
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
            pdfs.par_iter().for_each(|pdf| {
                let png = gongwen::thumbnail::first_page(std::fs::read(pdf).unwrap()).unwrap();
                std::hint::black_box(png);
            })
        })
        .0
    }

    /// One typst process per letter, as many at once as cores.
    fn pool(&self) -> Duration {
        let data: Vec<PathBuf> = letter_data(self.work);
        timed(|| {
            parallel(data.len(), |i| {
                let status = self
                    .typst()
                    .arg("--input")
                    .arg(format!("data={}", self.in_root(&data[i])))
                    .arg(self.work.join("main.typ"))
                    .arg(self.work.join(format!("floor-{i}.pdf")))
                    .status()
                    .unwrap();
                assert!(status.success());
            })
        })
        .0
    }

    /// One letter, one typst process.
    fn single(&self) -> Duration {
        let data = &letter_data(self.work)[0];
        timed(|| {
            let status = self
                .typst()
                .arg("--input")
                .arg(format!("data={}", self.in_root(data)))
                .arg(self.work.join("main.typ"))
                .arg(self.work.join("single.pdf"))
                .status()
                .unwrap();
            assert!(status.success());
        })
        .0
    }
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

/// Runs `task(0..n)` on as many threads as cores.
fn parallel(n: usize, task: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |c| c.get());
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

/// Adds a sentence to the `n`th letter and times the rebuild.
fn one_letter_changed(root: &Path, n: usize, spy: &Spy) -> Duration {
    let file = root.join(format!("letters/{}", letter_path(n)));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text + &format!("\n第{n}次修改补充的一句话。\n")).unwrap();
    timed(|| gongwen(root, &[], spy)).0
}

fn middle(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn median(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[runs / 2]
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
                let ratio = self.value.as_secs_f64() / floor.as_secs_f64();
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
