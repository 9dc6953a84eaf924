//! Letters that must not be published (a 密级, or 公开属性 不予公开 / 依申请公开)
//! get their PDF, outside `output/`, and never reach the HTML site: `output/`
//! can be copied to a web server whole, at any time.

use crate::common::{pdf_text, Project};

const PUBLIC: &str = "关于公开事项的函";
const HELD: [(&str, &str, &str); 3] = [
    ("secret.md", "关于机密事项的函", "secrecy: 秘密★1年"),
    ("closed.md", "关于内部事项的函", "publish: 不予公开"),
    (
        "on-request.md",
        "关于依申请事项的函",
        "公开属性: 依申请公开",
    ),
];

fn project() -> Project {
    let project = Project::with_letters(&[(
        "2024/public.md",
        &format!("---\ntitle: {PUBLIC}\nto: 某局\ndate: 2024-05-01\npublish: 主动公开\n---\n\n公开正文。\n"),
    )]);
    for (file, title, line) in HELD {
        project.write(
            &format!("letters/2024/{file}"),
            format!(
                "---\ntitle: {title}\nto: 某局\ndate: 2024-05-02\n{line}\n---\n\n不公开正文。\n"
            ),
        );
    }
    project
}

/// Every file under output/ (the site and the build's own bookkeeping)
/// that mentions `text`, in its bytes or in a PDF's text. The build's state,
/// which names every letter, is beside output/.
fn published_files_mentioning(project: &Project, text: &str) -> Vec<String> {
    let entries = std::fs::read_dir(project.output(".gongwen.entries")).unwrap();
    let entries: Vec<String> = entries
        .map(|e| {
            format!(
                ".gongwen.entries/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    assert!(!entries.is_empty());
    project
        .files()
        .into_iter()
        .chain(entries)
        .filter(|f| {
            let bytes = std::fs::read(project.output(f)).unwrap();
            String::from_utf8_lossy(&bytes).contains(text)
                || (f.ends_with(".pdf") && pdf_text(&project.output(f)).contains(text))
        })
        .collect()
}

#[test]
fn held_back_letters_get_a_pdf_and_nothing_on_the_site() {
    let project = project();
    let out = project.build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "; 3 letters held back from the HTML site (不予公开 1, 依申请公开 1, 密级 1), PDF only, in restricted/ (outside output/)"
        ),
        "{stderr}"
    );
    for (file, title, _) in HELD {
        let stem = file.trim_end_matches(".md");
        assert!(
            pdf_text(&project.root().join(format!("restricted/2024/{stem}.pdf")))
                .contains("不公开正文"),
            "{file}"
        );
        assert!(
            !project.output(&format!("2024/{stem}.html")).exists(),
            "{file}"
        );
        assert!(
            !project.output(&format!("2024/{stem}.pdf")).exists(),
            "{file}"
        );
        for mention in [title, stem] {
            assert_eq!(
                published_files_mentioning(&project, mention),
                Vec::<String>::new(),
                "{mention}"
            );
        }
    }
    assert!(!project.output(".gongwen.state").exists());
    assert!(project.read("index.html").contains(PUBLIC));
    assert!(project.read("2024/public.html").contains("公开正文"));
    assert!(
        !project.output("restricted").exists(),
        "{:?}",
        project.files()
    );
    let pdfs: Vec<String> = project
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".pdf"))
        .collect();
    assert_eq!(pdfs, ["2024/public.pdf"]);

    // The search index counts the one public letter, and no shard holds a
    // pair of characters only the held-back letters have.
    let manifest: serde_json::Value =
        serde_json::from_str(&project.read("assets/search/index.json")).unwrap();
    assert_eq!(manifest["letters"], 1);
    let search: Vec<String> = project
        .files()
        .into_iter()
        .filter(|f| f.starts_with("assets/search/"))
        .collect();
    assert!(search
        .iter()
        .any(|f| f.starts_with("assets/search/bigrams/")));
    for word in ["机密", "内部", "依申", "不公"] {
        let holding: Vec<&String> = search
            .iter()
            .filter(|f| project.read(f).contains(word))
            .collect();
        assert_eq!(holding, Vec::<&String>::new(), "{word}");
    }
    assert!(search.iter().any(|f| project.read(f).contains("公开")));
}

#[test]
fn a_letter_withdrawn_from_the_site_leaves_it() {
    let project = project();
    assert!(project.build().status.success());
    assert!(project.output("2024/public.html").exists());

    let text = std::fs::read_to_string(project.root().join("letters/2024/public.md")).unwrap();
    project.write(
        "letters/2024/public.md",
        text.replace("主动公开", "不予公开"),
    );
    let out = project.build();
    assert!(out.status.success());
    assert!(!project.output("2024/public.html").exists());
    assert!(!project.output("2024/public.pdf").exists());
    assert!(project.root().join("restricted/2024/public.pdf").exists());
    assert_eq!(
        published_files_mentioning(&project, PUBLIC),
        Vec::<String>::new()
    );
}

/// A typst that lists what `output/` holds, and which files there name a
/// held-back letter, each time it has laid out a chunk: what a `cp -r output`
/// during the build would publish.
fn watching_typst(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let real = gongwen::typst_cli::Typst::find_or_install()
        .expect("the tests need typst: run `cargo run -- doctor`")
        .program;
    let program = dir.join("typst");
    let log = dir.join("seen.log");
    let titles: Vec<String> = HELD.iter().map(|(_, t, _)| format!("-e '{t}'")).collect();
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nroot=; prev=\nfor a in \"$@\"; do [ \"$prev\" = --root ] && root=\"$a\"; prev=\"$a\"; done\n\
             '{real}' \"$@\"; status=$?\n\
             if [ -n \"$root\" ]; then\n  \
               find \"$root/output\" -type f | sed 's/^/file /' >> '{log}'\n  \
               grep -rl {titles} \"$root/output\" | sed 's/^/names /' >> '{log}'\n\
             fi\nexit $status\n",
            real = real.display(),
            log = log.display(),
            titles = titles.join(" ")
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &program,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    (program, log)
}

#[test]
fn nothing_of_a_held_back_letter_is_in_output_while_the_build_runs() {
    let project = project();
    let dir = tempfile::tempdir().unwrap();
    let (typst, log) = watching_typst(dir.path());
    assert!(project.build().status.success());
    // Every letter again, while the last build's outputs are in place.
    for (file, _, _) in HELD.iter().chain([&("public.md", "", "")]) {
        let path = project.root().join("letters/2024").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("正文。", "正文，改过。")).unwrap();
    }
    let out = project.build_with(&["--jobs", "1"], &[("GONGWEN_TYPST", &typst)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = std::fs::read_to_string(&log).unwrap();
    assert!(seen.lines().any(|l| l.starts_with("file ")), "{seen}");
    let leaks: Vec<&str> = seen
        .lines()
        .filter(|l| {
            l.starts_with("names ")
                || l.contains(".gongwen-work-")
                || l.contains("restricted")
                || HELD
                    .iter()
                    .any(|(f, _, _)| l.contains(f.trim_end_matches(".md")))
        })
        .collect();
    assert_eq!(leaks, Vec::<&str>::new(), "{seen}");
}

#[test]
fn held_back_pdfs_of_an_earlier_version_leave_output() {
    let project = project();
    // Where an earlier gongwen put them.
    project.write("output/restricted/2024/secret.pdf", "old secret PDF");
    project.write(
        "output/restricted/2023/gone.pdf",
        "old PDF of a letter since deleted",
    );
    project.write(
        "output/.gongwen.state",
        "a state that named letters/2024/secret.md",
    );
    let out = project.build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "moved output/restricted/ (PDFs of held-back letters, from an earlier gongwen) to restricted/: \
             output/ now holds only what may be published"
        ),
        "{stderr}"
    );
    assert!(!project.output("restricted").exists());
    assert!(!project.output(".gongwen.state").exists());
    assert_eq!(
        std::fs::read_to_string(project.root().join("restricted/2023/gone.pdf")).unwrap(),
        "old PDF of a letter since deleted"
    );
    assert!(pdf_text(&project.root().join("restricted/2024/secret.pdf")).contains("不公开正文"));
    // Said once: the next build has nothing to move.
    let again = project.build();
    assert!(!String::from_utf8_lossy(&again.stderr).contains("moved output/restricted/"));
}

#[test]
fn the_restricted_folder_is_set_in_gongwen_yaml() {
    let project = project();
    project.write(
        "gongwen.yaml",
        "issuer: 某市自然资源局\nrestricted: 密件/PDF\n",
    );
    let out = project.build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("PDF only, in 密件/PDF/ (outside output/)"),
        "{stderr}"
    );
    assert!(pdf_text(&project.root().join("密件/PDF/2024/closed.pdf")).contains("不公开正文"));
    assert!(!project.root().join("restricted").exists());

    // Published now: its held-back PDF goes, and it is on the site.
    let text = std::fs::read_to_string(project.root().join("letters/2024/closed.md")).unwrap();
    project.write(
        "letters/2024/closed.md",
        text.replace("publish: 不予公开", "publish: 主动公开"),
    );
    assert!(project.build().status.success());
    assert!(!project.root().join("密件/PDF/2024/closed.pdf").exists());
    assert!(project.output("2024/closed.pdf").is_file());
}
