//! A build that dies halfway, and two builds at once: the outputs stay whole
//! and the next build finishes the job.

use crate::common;

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{letter, pdf_info, pdf_text, Project};

/// More letters than one typst run takes: two chunks with one job.
const LETTERS: usize = gongwen::build::MAX_CHUNK + 10;

fn many_letters(body: &str) -> Vec<(String, String)> {
    (0..LETTERS)
        .map(|i| {
            (
                format!("2024/l{i:02}.md"),
                letter(&format!("关于第{i}件事的函"), "2024-06-01", body),
            )
        })
        .collect()
}

fn write_all(project: &Project, letters: &[(String, String)]) {
    for (name, text) in letters {
        project.write(&format!("letters/{name}"), text);
    }
}

fn gongwen(project: &Project, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    cmd.arg("build")
        .arg("--root")
        .arg(project.root())
        .args(args);
    cmd
}

#[test]
fn a_build_killed_halfway_leaves_whole_files_and_the_next_one_finishes() {
    let project = Project::with_letters(&[]);
    write_all(&project, &many_letters("旧的正文。"));
    assert!(project.build().status.success());
    let first = project.output("2024/l00.pdf");
    let old_time = std::fs::metadata(&first).unwrap().modified().unwrap();

    write_all(&project, &many_letters("新的正文。"));
    // One job: two chunks, one after the other.
    let mut child = gongwen(&project, &["--jobs", "1"])
        .process_group(0)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Kill the build and its typst as soon as the first chunk has landed.
    while std::fs::metadata(&first).unwrap().modified().unwrap() == old_time {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the first chunk never landed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let group = format!("-{}", child.id());
    eprintln!("killing group {group}");
    let killed = Command::new("kill")
        .args(["-KILL", "--", &group])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap();

    let mut new = 0;
    for i in 0..LETTERS {
        let pdf = project.output(&format!("2024/l{i:02}.pdf"));
        assert!(
            pdf_info(&pdf).iter().any(|(k, _)| k == "Pages"),
            "{} is whole",
            pdf.display()
        );
        let text = pdf_text(&pdf);
        assert!(
            text.contains("旧的正文") || text.contains("新的正文"),
            "{text}"
        );
        new += usize::from(text.contains("新的正文"));
        let page = project.read(&format!("2024/l{i:02}.html"));
        assert!(page.trim_end().ends_with("</html>"), "page {i} is whole");
    }
    assert!(new < LETTERS, "killed before the end ({new} new)");

    let out = project.build();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    project.assert_no_scratch();
    for i in 0..LETTERS {
        let pdf = project.output(&format!("2024/l{i:02}.pdf"));
        assert!(pdf_text(&pdf).contains("新的正文"), "letter {i}");
    }
}

/// The typst processes laying out `project`'s letters: they name its folder as `--root`.
fn typst_of(project: &Project) -> Vec<u32> {
    let root = project.root().canonicalize().unwrap();
    common::processes_with(&format!("--root {}", root.display()))
        .into_iter()
        .filter(|&pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).starts_with(&typst_program()))
        })
        .collect()
}

fn typst_program() -> String {
    gongwen::typst_cli::Typst::find_or_install()
        .unwrap()
        .program
        .display()
        .to_string()
}

#[test]
fn typst_dies_with_a_build_killed_by_kill_9_and_the_next_build_leaves_no_scratch() {
    let project = Project::with_letters(&[(
        "2024/stuck.md",
        &letter("关于卡住的函", "2024-06-02", "卡住标记。"),
    )]);
    write_all(&project, &many_letters("正文。"));
    // A typst that would run for ever on one chunk, writing nothing: only
    // gongwen's care can end it (a real typst often dies of a closed pipe,
    // but not always).
    let stall = common::TypstStall::exec("卡住标记");
    // Only gongwen is killed, not its process group: typst must go by itself.
    let mut child = gongwen(&project, &["--jobs", "2"])
        .env("GONGWEN_TYPST", &stall.program)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while common::processes_with(&stall.sleep).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "typst never started"
        );
        assert!(child.try_wait().unwrap().is_none(), "the build ended first");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed = Instant::now();
    let left = || {
        let mut left = common::processes_with(&stall.sleep);
        left.extend(typst_of(&project));
        left
    };
    // Within a second of the build's death every typst of it is gone or
    // killed: a SIGKILL it has been sent means it runs none of its own code
    // again, though a loaded machine may take longer to tear it down.
    while !left().is_empty() && killed.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let alive: Vec<String> = left()
        .into_iter()
        .filter_map(|pid| common::process_state(pid).filter(|s| !s.killed()))
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        alive,
        Vec::<String>::new(),
        "typst outlived the build killed by kill -9 by a second"
    );
    // And the killed ones do go.
    while !left().is_empty() && killed.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(left(), Vec::<u32>::new(), "a killed typst never went");

    let out = project.build();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    project.assert_no_scratch();
    for i in 0..LETTERS {
        assert!(
            project.output(&format!("2024/l{i:02}.pdf")).is_file(),
            "letter {i}"
        );
    }
    assert!(pdf_text(&project.output("2024/stuck.pdf")).contains("卡住标记"));
}

#[test]
fn two_builds_at_once_take_turns() {
    let project = Project::with_letters(&[
        ("a.md", &letter("关于甲事的函", "2024-03-01", "甲事正文。")),
        ("b.md", &letter("关于乙事的函", "2024-03-02", "乙事正文。")),
    ]);
    let spawn = || {
        gongwen(&project, &[])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (one, two) = (spawn(), spawn());
    let outs = [
        one.wait_with_output().unwrap(),
        two.wait_with_output().unwrap(),
    ];
    let errs: Vec<String> = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    assert!(outs.iter().all(|o| o.status.success()), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.starts_with("built 2 letters")),
        "one builds: {errs:?}"
    );
    assert!(
        errs.iter().any(
            |e| e.contains("waiting for another build of this project to finish")
                && e.contains("nothing to build: 2 letters up to date")
        ),
        "the other waits, then finds nothing left to do: {errs:?}"
    );
    project.assert_no_scratch();
    assert!(pdf_text(&project.output("a.pdf")).contains("甲事正文"));
}
