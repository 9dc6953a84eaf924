//! Letters to PDFs with the typst CLI. Letters go to typst in chunks, one
//! process laying out a whole chunk (bundle export), because starting typst
//! and loading the CJK fonts costs more than laying out a letter. A chunk
//! that fails is retried letter by letter, so one bad letter is reported
//! alone and the others in its chunk still come out.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Serialize;

use crate::output;
use crate::project;
use crate::typst_cli::{CompileJob, Failure, Kind, Started, Typst, TIMEOUT_ENV};

/// The generated main files, next to the layout in the work folder.
const BUNDLE_MAIN: &str = "bundle.typ";
const SINGLE_MAIN: &str = "main.typ";

/// Most letters one typst process lays out at once. A run lays out once
/// what its letters share and starts only once, so larger runs lay out an
/// archive faster: 1,000 letters took 9.4 s in ten runs of 100, 9.3 s in
/// eight of 125, 9.8–10.0 s in sixteen of 64 (two at a time, 2 cores).
/// (Typst 0.15's bundle export overflows its stack somewhere past 200
/// documents.) Memory bounds them further: see [`chunk_size`].
pub const MAX_CHUNK: usize = 128;

/// Memory, in MiB, that a typst run may take together with its share of
/// gongwen's own: two runs on 2 cores keep a build within 600 MiB. (Two
/// runs of 80 beside gongwen's 200 MiB at 10,000 letters took 565–590 MiB.)
const RUN_BUDGET: f64 = 275.0;
/// A typst run holds about 57 MiB, and 1.57 MiB a letter of the sample's
/// length until it writes its PDFs (155 MiB at 64 letters, 255 at 128, 361
/// at 200; 1.66 a letter before gongwen broke the paragraphs into lines).
const RUN_BASE: f64 = 57.0;
const RUN_PER_LETTER: f64 = 1.57;
/// gongwen itself, while typst runs, holds about 20 MiB and 18 KiB a
/// letter being built (their file bytes, then their index entries):
/// 39 MiB for 1,000 letters, 200 for 10,000.
const OWN_BASE: f64 = 20.0;
const OWN_PER_LETTER: f64 = 0.018;

pub struct Compiler<'a> {
    pub typst: &'a Typst,
    pub root: &'a Path,
    pub font_dirs: &'a [PathBuf],
    /// `--input fonts=…`: the families present, so the layout skips absent official faces quietly.
    pub families: String,
    /// `.gongwen-work-…` at the project root, inside the project so Typst
    /// (held to `--root`) can read it, outside `output/` (it holds held-back PDFs).
    pub work: &'a Path,
    /// Whether this typst has bundle export; without it, one process per letter.
    pub bundle: bool,
    /// How long typst may take over one letter before it is stopped.
    pub letter_budget: Duration,
    /// Opened when the first typst has started.
    pub started: &'a Started,
    /// The threads each typst run may use ([`typst_threads`]).
    pub threads: Option<usize>,
}

/// A real letter takes typst well under a second; a minute is room enough
/// for a long table on a busy machine, and a bound on a letter that would
/// never finish.
const DEFAULT_LETTER_BUDGET: Duration = Duration::from_secs(60);

/// What a letter in a shared run may add to its budget: several times what
/// a letter takes. A chunk past its budget is run again letter by letter,
/// each with the whole budget of one letter, so the one at fault is found
/// and none is stopped only for sharing a run with it.
const SHARE_OF_A_CHUNK: Duration = Duration::from_secs(2);

/// The time budget of one letter: [`TIMEOUT_ENV`], else a minute.
pub fn letter_budget() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && s.is_finite())
        .map_or(DEFAULT_LETTER_BUDGET, Duration::from_secs_f64)
}

/// One letter to lay out.
pub struct Job {
    /// The letter data the layout reads (`render/typst_data.rs`), as JSON.
    pub data: Vec<u8>,
    /// 成文日期: the PDF's creation date, so the same letter gives the same bytes.
    pub date: NaiveDate,
}

#[derive(Serialize)]
struct ManifestEntry {
    out: String,
    data: String,
    year: i32,
    month: u32,
    day: u32,
}

impl Compiler<'_> {
    /// Writes the layout and the main files into the work folder.
    pub fn prepare(&self, layout: &[u8]) -> anyhow::Result<()> {
        output::write_atomic(&self.work.join(crate::templates::LAYOUT), layout)?;
        output::write_atomic(
            &self.work.join(SINGLE_MAIN),
            b"#import \"gongwen.typ\": render\n#render(json(sys.inputs.data))\n",
        )?;
        output::write_atomic(
            &self.work.join(BUNDLE_MAIN),
            b"#import \"gongwen.typ\": render\n\
              #for d in json(sys.inputs.chunk) {\n  \
                document(d.out, date: datetime(year: d.year, month: d.month, day: d.day), render(json(d.data)))\n\
              }\n",
        )
    }

    /// Lays out `jobs` in the folder `dir` (inside the work folder): the PDF
    /// of each, or typst's message for it.
    pub fn compile(&self, dir: &Path, jobs: &[Job]) -> Vec<Result<PathBuf, Failure>> {
        let data: Vec<Result<PathBuf, Failure>> = jobs
            .iter()
            .enumerate()
            .map(|(i, job)| {
                let file = dir.join(format!("{i}.json"));
                output::write_atomic(&file, &job.data)
                    .map(|()| file)
                    .map_err(|e| Failure::NotRun(format!("{e:#}")))
            })
            .collect();
        if !self.bundle {
            return jobs
                .iter()
                .zip(&data)
                .enumerate()
                .map(|(i, (job, data))| {
                    self.single(dir, i, job, data.as_ref().map_err(Clone::clone)?)
                })
                .collect();
        }
        let all: Vec<usize> = (0..jobs.len()).collect();
        if data.iter().all(Result::is_ok) {
            match self.chunk(dir, "all", jobs, &data, &all) {
                Ok(()) => return all.iter().map(|&i| Ok(pdf_in(dir, i))).collect(),
                Err(message) if jobs.len() == 1 => return vec![Err(message)],
                Err(_) => {}
            }
        }
        // Letter by letter, so a failure is pinned to its letter.
        (0..jobs.len())
            .map(|i| {
                data[i].clone()?;
                self.chunk(dir, &i.to_string(), jobs, &data, &[i])
                    .map(|()| pdf_in(dir, i))
            })
            .collect()
    }

    /// One typst process laying out the letters `which` into `dir/<i>.pdf`.
    fn chunk(
        &self,
        dir: &Path,
        name: &str,
        jobs: &[Job],
        data: &[Result<PathBuf, Failure>],
        which: &[usize],
    ) -> Result<(), Failure> {
        let manifest: Vec<ManifestEntry> = which
            .iter()
            .map(|&i| ManifestEntry {
                out: format!("{i}.pdf"),
                data: self.typst_path(data[i].as_ref().expect("data written")),
                year: jobs[i].date.year(),
                month: jobs[i].date.month(),
                day: jobs[i].date.day(),
            })
            .collect();
        let file = dir.join(format!("chunk-{name}.json"));
        output::write_atomic(&file, &serde_json::to_vec(&manifest).expect("serialises"))
            .map_err(|e| Failure::NotRun(format!("{e:#}")))?;
        let out = dir.join("out");
        self.typst.compile(&CompileJob {
            root: self.root,
            font_dirs: self.font_dirs,
            main: &self.work.join(BUNDLE_MAIN),
            output: &out,
            kind: Kind::Bundle,
            inputs: vec![
                ("chunk", self.typst_path(&file).into()),
                ("fonts", OsString::from(&self.families)),
            ],
            budget: self.budget(which.len()),
            started: Some(self.started),
            threads: self.threads,
        })?;
        // A bundle writes its files into `out`; each goes beside its data.
        for &i in which {
            let from = out.join(format!("{i}.pdf"));
            std::fs::rename(&from, pdf_in(dir, i)).map_err(|e| {
                Failure::NoOutput(format!("typst wrote no {}: {e}", from.display()))
            })?;
        }
        Ok(())
    }

    /// A typst without bundle export: one process for one letter.
    fn single(&self, dir: &Path, i: usize, job: &Job, data: &Path) -> Result<PathBuf, Failure> {
        let pdf = pdf_in(dir, i);
        self.typst.compile(&CompileJob {
            root: self.root,
            font_dirs: self.font_dirs,
            main: &self.work.join(SINGLE_MAIN),
            output: &pdf,
            kind: Kind::Pdf {
                timestamp: job.date.and_time(NaiveTime::MIN).and_utc().timestamp(),
            },
            inputs: vec![
                ("data", self.typst_path(data).into()),
                ("fonts", OsString::from(&self.families)),
            ],
            budget: self.letter_budget,
            started: Some(self.started),
            threads: self.threads,
        })?;
        Ok(pdf)
    }

    /// The budget of a run of `letters` letters: one letter's alone, or
    /// one letter's and a share for each in a chunk.
    fn budget(&self, letters: usize) -> Duration {
        match letters {
            0 | 1 => self.letter_budget,
            n => self.letter_budget + SHARE_OF_A_CHUNK * n as u32,
        }
    }

    /// A file of the project as Typst names it: absolute from `--root`.
    fn typst_path(&self, file: &Path) -> String {
        project::typst_path(self.root, file).expect("work is in root")
    }
}

fn pdf_in(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("{i}.pdf"))
}

/// How many letters go to one typst process when `letters` are built,
/// `jobs` runs at a time: chunks of one size, a multiple of `jobs` in
/// number so that every job is busy to the end (1,000 letters in nine runs
/// of 112 took a tenth longer than in ten of 100: the last ran alone), each
/// no larger than [`MAX_CHUNK`] and than what keeps the build within its
/// memory (`RUN_BUDGET` a run, with its share of gongwen's own memory,
/// which grows with the letters built).
pub fn chunk_size(letters: usize, jobs: usize) -> usize {
    let jobs = jobs.max(1);
    let own_share = (OWN_BASE + OWN_PER_LETTER * letters as f64) / jobs as f64;
    let fits = ((RUN_BUDGET - RUN_BASE - own_share) / RUN_PER_LETTER).max(1.0) as usize;
    let largest = fits.min(MAX_CHUNK);
    let chunks = letters.div_ceil(largest).next_multiple_of(jobs).max(1);
    letters.div_ceil(chunks).max(1)
}

/// The threads each typst run may lay out on when `chunks` go through
/// `jobs` runs at a time on `cores`: a share of the cores when runs go side
/// by side, else typst's default, every core. (Each run spreads over every
/// core by default, and runs side by side then fight for them: with a
/// core each, two runs of 50 letters took a tenth less on 2 cores.)
pub fn typst_threads(chunks: usize, jobs: usize, cores: usize) -> Option<usize> {
    (chunks > 1 && jobs > 1).then(|| (cores / jobs).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_every_job_busy_and_stay_small() {
        assert_eq!(chunk_size(1, 2), 1);
        assert_eq!(chunk_size(3, 2), 2);
        assert_eq!(chunk_size(60, 2), 30);
        assert_eq!(chunk_size(0, 2), 1);
        // Eight runs of 125, four on each job.
        assert_eq!(chunk_size(1000, 2), 125);
        assert_eq!(chunk_size(1000, 1), 112);
        assert_eq!(chunk_size(100, 1), 100);
    }

    #[test]
    fn chunks_shrink_as_the_build_grows_to_stay_within_its_memory() {
        let peak = |letters: usize, jobs: usize| {
            let runs = jobs as f64 * (RUN_BASE + RUN_PER_LETTER * chunk_size(letters, jobs) as f64);
            runs + OWN_BASE + OWN_PER_LETTER * letters as f64
        };
        assert_eq!(chunk_size(10_000, 2), 75);
        for letters in [100, 1_000, 5_000, 10_000, 20_000] {
            assert!(
                peak(letters, 2) <= 2.0 * RUN_BUDGET,
                "{letters}: {}",
                peak(letters, 2)
            );
        }
        // Never fewer than one letter a run, however many letters.
        assert_eq!(chunk_size(1_000_000, 2), 1);
    }

    #[test]
    fn runs_side_by_side_share_the_cores_and_a_run_alone_takes_them_all() {
        assert_eq!(typst_threads(20, 2, 2), Some(1));
        assert_eq!(typst_threads(20, 2, 8), Some(4));
        assert_eq!(typst_threads(20, 16, 8), Some(1));
        assert_eq!(typst_threads(1, 2, 2), None);
        assert_eq!(typst_threads(20, 1, 2), None);
    }
}
