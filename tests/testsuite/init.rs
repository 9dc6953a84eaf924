//! `gongwen init` and the defaults the binary carries: an installed gongwen,
//! far from its source tree, makes a project in an empty folder and builds it
//! with its own templates and fonts; `--eject` writes them into the project,
//! and the project's files replace gongwen's one by one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::*;

/// A gongwen "installed" in a folder of its own, away from the source tree,
/// with a cache folder of its own (so its fonts are unpacked afresh) and the
/// tests' typst given through a spy that logs its command lines.
struct Installed {
    dir: tempfile::TempDir,
    binary: PathBuf,
    typst: TypstSpy,
}

impl Installed {
    fn new() -> Installed {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("bin").join("gongwen");
        std::fs::create_dir_all(binary.parent().unwrap()).unwrap();
        // A hard link where it can be: a copy is open for writing while
        // another test thread forks, and a child holding it makes running
        // the copy fail with "Text file busy".
        if std::fs::hard_link(env!("CARGO_BIN_EXE_gongwen"), &binary).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_gongwen"), &binary).unwrap();
            // Across file systems: a copy it is, runnable once the children
            // forked meanwhile have dropped it (they do at their exec).
            for _ in 0..100 {
                match Command::new(&binary).arg("--version").output() {
                    Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    _ => break,
                }
            }
        }
        Installed {
            dir,
            binary,
            typst: TypstSpy::new(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// `gongwen <args>` in `cwd`, with no terminal and a cache of its own.
    fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(&self.binary)
            .args(args)
            .current_dir(cwd)
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("GONGWEN_TYPST", &self.typst.program)
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .output()
            .expect("the installed gongwen runs")
    }

    /// An empty folder `office` beside the binary.
    fn office(&self) -> PathBuf {
        let office = self.path("office");
        std::fs::create_dir(&office).unwrap();
        office
    }

    /// The folders typst was given fonts from, in order, the same in every compile run.
    fn font_paths(&self) -> Vec<String> {
        let calls = self.typst.take_calls();
        let mut each: Vec<Vec<String>> = compiles(&calls)
            .iter()
            .map(|call| {
                let words: Vec<&str> = call.split(' ').collect();
                words
                    .windows(2)
                    .filter(|w| w[0] == "--font-path")
                    .map(|w| w[1].to_string())
                    .collect()
            })
            .collect();
        each.dedup();
        assert_eq!(each.len(), 1, "one set of font folders: {calls:?}");
        each.remove(0)
    }
}

fn succeeded(out: &Output) -> String {
    let err = stderr(out);
    assert!(out.status.success(), "{err}");
    err
}

/// The font names pdffonts lists, without their subset prefix.
fn pdf_font_names(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.rsplit('+').next().unwrap().to_string())
        .collect()
}

const INIT_FLAGS: &[&str] = &[
    "init",
    "--issuer",
    "宁夏回族自治区自然资源厅",
    "--series",
    "宁自然资函",
    "--date",
    "2024-05-20",
];

#[test]
fn an_installed_gongwen_makes_a_project_in_an_empty_folder_and_builds_it() {
    let gongwen = Installed::new();
    let office = gongwen.office();
    let err = succeeded(&gongwen.run(&office, INIT_FLAGS));
    assert!(!err.contains("warning"), "{err}");
    let mut made: Vec<String> = walk_files(&office);
    made.sort();
    assert_eq!(
        made,
        [
            ".gitignore",
            "README.md",
            "gongwen.yaml",
            "letters/2024/2024-05-20-1.md"
        ]
    );
    let gitignore = std::fs::read_to_string(office.join(".gitignore")).unwrap();
    for ignored in [
        "/output/",
        "/restricted/",
        "/.gongwen-work-*/",
        "/.gongwen.state",
    ] {
        assert!(
            gitignore.lines().any(|l| l == ignored),
            "{ignored} in {gitignore}"
        );
    }
    let config = std::fs::read_to_string(office.join("gongwen.yaml")).unwrap();
    assert!(
        config.contains(
            "site_title: 宁夏回族自治区自然资源厅 公文\nissuer: 宁夏回族自治区自然资源厅\nprinter: 宁夏回族自治区自然资源厅办公室\n"
        ),
        "{config}"
    );

    succeeded(&gongwen.run(&office, &["build"]));
    assert!(!office.join("fonts").exists() && !office.join("templates").exists());
    let pdf = office.join("output/2024/2024-05-20-1.pdf");
    let text = pdf_text(&pdf);
    for printed in [
        "宁夏回族自治区自然资源厅",
        "宁自然资函〔2024〕1号",
        "关于试用公文排版工具的函",
        "一、试用范围",
        "2024年5月20日",
    ] {
        assert!(text.contains(printed), "{printed} not in the PDF:\n{text}");
    }
    let fonts = pdf_font_names(&pdf);
    for face in [
        "FandolSong-Bold",
        "FandolFang-Regular",
        "FandolHei-Regular",
        "FandolKai-Regular",
    ] {
        assert!(
            fonts.iter().any(|f| f.starts_with(face)),
            "{face} not embedded: {fonts:?}"
        );
    }
    let page = std::fs::read_to_string(office.join("output/2024/2024-05-20-1.html")).unwrap();
    assert!(page.contains("关于试用公文排版工具的函"), "{page}");
    let index = std::fs::read_to_string(office.join("output/index.html")).unwrap();
    assert!(index.contains("2024/2024-05-20-1.html"), "{index}");
    assert!(index.contains("宁夏回族自治区自然资源厅 公文"), "{index}");

    // The fonts came from the binary, unpacked into its cache, and nowhere else.
    let font_paths = gongwen.font_paths();
    assert_eq!(font_paths.len(), 1, "{font_paths:?}");
    let unpacked = PathBuf::from(&font_paths[0]);
    assert!(
        unpacked.starts_with(gongwen.path("cache/gongwen/fonts")),
        "{font_paths:?}"
    );
    for file in [
        "FandolFang-Regular.otf",
        "fallback/NotoSerifCJKsc-Regular-fallback.otf",
    ] {
        assert_eq!(
            std::fs::read(unpacked.join(file)).unwrap(),
            std::fs::read(manifest().join("fonts").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn without_a_cache_folder_the_fonts_are_unpacked_in_the_temporary_folder() {
    let gongwen = Installed::new();
    let office = gongwen.office();
    succeeded(&gongwen.run(&office, INIT_FLAGS));
    // A file where the cache folder should be: nothing can be written under it.
    std::fs::write(gongwen.path("cache"), "").unwrap();
    std::fs::create_dir(gongwen.path("tmp")).unwrap();
    let out = Command::new(&gongwen.binary)
        .arg("build")
        .current_dir(&office)
        .env("XDG_CACHE_HOME", gongwen.path("cache"))
        .env("TMPDIR", gongwen.path("tmp"))
        .env("GONGWEN_TYPST", &gongwen.typst.program)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(office.join("output/2024/2024-05-20-1.pdf").is_file());
    let font_paths = gongwen.font_paths();
    assert_eq!(font_paths.len(), 1, "{font_paths:?}");
    assert!(
        Path::new(&font_paths[0]).starts_with(gongwen.path("tmp/gongwen/fonts")),
        "{font_paths:?}"
    );
}

#[test]
fn without_a_terminal_or_flags_init_writes_placeholders_and_says_so() {
    let gongwen = Installed::new();
    let office = gongwen.office();
    let out = gongwen.run(&office, &["init", "--date", "2024-05-20"]);
    assert_eq!(
        succeeded(&out),
        "warning: no terminal to ask the office's names on, and none given: placeholders written for \
         发文机关署名 (--issuer), 印发机关 (--printer), 网站标题 (--site-title), 发文字号的机关代字 (--series)\n  \
         help: put the office's names in gongwen.yaml and its 机关代字 in the example letter's `number` \
         (it reads 某局函 until then), or make the project again with these flags\n\
         wrote 4 files in .; next: `gongwen build`\n"
    );
    let config = std::fs::read_to_string(office.join("gongwen.yaml")).unwrap();
    assert!(config.contains("issuer: 某市某局\n"), "{config}");
    let letter = std::fs::read_to_string(office.join("letters/2024/2024-05-20-1.md")).unwrap();
    assert!(letter.contains("number: 某局函〔2024〕1号\n"), "{letter}");

    // Again: every file is there, none is written over, and no placeholder is written.
    std::fs::write(office.join("README.md"), "ours").unwrap();
    let again = succeeded(&gongwen.run(&office, &["init", "--date", "2024-05-20"]));
    assert_eq!(
        again,
        "gongwen.yaml is there already: kept as it is\n\
         .gitignore is there already: kept as it is\n\
         README.md is there already: kept as it is\n\
         wrote 0 files in .; next: `gongwen build`\n"
    );
    assert_eq!(
        std::fs::read_to_string(office.join("README.md")).unwrap(),
        "ours"
    );
}

#[test]
fn on_a_terminal_init_asks_the_names_not_given() {
    let gongwen = Installed::new();
    let office = gongwen.path("office");
    // `script` gives the command a terminal of its own; the answers are typed into it.
    let mut script = Command::new("script")
        .arg("-qec")
        .arg(format!(
            "{} init --site-title 银川市自然资源局公文 --date 2024-05-20 {}",
            gongwen.binary.display(),
            office.display()
        ))
        .arg("/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    std::io::Write::write_all(
        script.stdin.as_mut().unwrap(),
        "银川市自然资源局\n\n银自然资函\n".as_bytes(),
    )
    .unwrap();
    let out = script.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(
            "发文机关署名 (issuer), e.g. 宁夏回族自治区自然资源厅: \
             印发机关 (printer) [银川市自然资源局办公室]: \
             发文字号的机关代字 (series), e.g. 宁自然资函: "
        ),
        "{shown}"
    );
    assert!(!shown.contains("placeholder"), "{shown}");
    let config = std::fs::read_to_string(office.join("gongwen.yaml")).unwrap();
    assert!(
        config.ends_with(
            "site_title: 银川市自然资源局公文\nissuer: 银川市自然资源局\nprinter: 银川市自然资源局办公室\n"
        ),
        "{config}"
    );
    let letter = std::fs::read_to_string(office.join("letters/2024/2024-05-20-1.md")).unwrap();
    assert!(
        letter.contains("number: 银自然资函〔2024〕1号\n"),
        "{letter}"
    );
}

#[test]
fn eject_writes_the_templates_and_fonts_and_the_projects_files_replace_gongwens() {
    let gongwen = Installed::new();
    let office = gongwen.office();
    succeeded(&gongwen.run(&office, INIT_FLAGS));

    // First one file of the project's own: it replaces gongwen's, the rest
    // stay built in. A font of its own comes before gongwen's.
    std::fs::create_dir(office.join("fonts")).unwrap();
    std::fs::copy(
        manifest().join("tests/fixtures/licensed-fonts/fonts/SimHei-test.otf"),
        office.join("fonts/SimHei-test.otf"),
    )
    .unwrap();
    std::fs::create_dir(office.join("templates")).unwrap();
    std::fs::write(
        office.join("templates/style.css"),
        "body { color: #123456 }\n",
    )
    .unwrap();
    succeeded(&gongwen.run(&office, &["build"]));
    let font_paths = gongwen.font_paths();
    assert_eq!(font_paths.len(), 2, "{font_paths:?}");
    assert_eq!(
        Path::new(&font_paths[0]),
        office.canonicalize().unwrap().join("fonts")
    );
    assert!(
        Path::new(&font_paths[1]).starts_with(gongwen.path("cache/gongwen/fonts")),
        "{font_paths:?}"
    );
    let css = std::fs::read_to_string(office.join("output/assets/style.css")).unwrap();
    assert_eq!(css, "body { color: #123456 }\n");
    let page = std::fs::read_to_string(office.join("output/2024/2024-05-20-1.html")).unwrap();
    // The built-in letter page, with its facts list, linking the office's stylesheet.
    assert!(
        page.contains("<dl class=\"facts\"><dt>发文字号</dt>"),
        "{page}"
    );
    assert!(page.contains("href=\"../assets/style.css\""), "{page}");

    let out = gongwen.run(&office, &["init", "--eject"]);
    let err = succeeded(&out);
    assert!(
        err.contains("templates/style.css is there already: kept as it is\n"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(office.join("templates/style.css")).unwrap(),
        "body { color: #123456 }\n"
    );
    for file in [
        "templates/gongwen.typ",
        "templates/letter.html",
        "templates/index.html",
        "templates/search.js",
    ] {
        assert_eq!(
            std::fs::read(office.join(file)).unwrap(),
            std::fs::read(manifest().join(file)).unwrap(),
            "{file}"
        );
    }
    for file in [
        "fonts/FandolSong-Bold.otf",
        "fonts/README.md",
        "fonts/fallback/HanaMinB-fallback.ttf",
        "fonts/fallback/LICENSE-Hanazono.txt",
    ] {
        assert_eq!(
            std::fs::read(office.join(file)).unwrap(),
            std::fs::read(manifest().join(file)).unwrap(),
            "{file}"
        );
    }

    // The office's edited layout is the one the PDF is laid out with; with
    // every font in the project's fonts/, gongwen's own are not given as well.
    let layout = office.join("templates/gongwen.typ");
    let red = r##"#let RED = rgb("#e60012")"##;
    let text = std::fs::read_to_string(&layout).unwrap();
    assert!(text.contains(red), "the red of the layout");
    std::fs::write(&layout, text.replace(red, r##"#let RED = rgb("#0000ff")"##)).unwrap();
    let pdf = office.join("output/2024/2024-05-20-1.pdf");
    let colours = |pdf: &Path| {
        let out = Command::new("pdftohtml")
            .args(["-xml", "-stdout", "-i"])
            .arg(pdf)
            .output()
            .expect("pdftohtml runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(colours(&pdf).contains(r##"color="#e60012""##));
    gongwen.typst.take_calls();
    succeeded(&gongwen.run(&office, &["build"]));
    let after = colours(&pdf);
    assert!(
        after.contains(r##"color="#0000ff""##) && !after.contains("#e60012"),
        "the 发文机关标志 in the office's colour: {after}"
    );
    let office = office.canonicalize().unwrap();
    assert_eq!(
        gongwen.font_paths(),
        vec![office.join("fonts").to_string_lossy().into_owned()]
    );
}

/// Every file under `dir`, relative to it, with `/` between folders.
fn walk_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out
}
