//! Letters that must not be published (a 密级, or 公开属性 不予公开 / 依申请公开)
//! get their PDF, but never reach the HTML site.

mod common;

use common::{pdf_text, Project};

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

/// Every file of the published site (output/ but restricted/) and of the
/// build's own bookkeeping that mentions `text`.
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
        .chain([".gongwen.state".to_string()])
        .chain(entries)
        .filter(|f| !f.starts_with("restricted/"))
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
            "; 3 letters held back from the HTML site (不予公开 1, 依申请公开 1, 密级 1), PDF only, in output/restricted/"
        ),
        "{stderr}"
    );
    for (file, title, _) in HELD {
        let stem = file.trim_end_matches(".md");
        assert!(
            pdf_text(&project.output(&format!("restricted/2024/{stem}.pdf")))
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
        assert_eq!(
            published_files_mentioning(&project, title),
            Vec::<String>::new(),
            "{title}"
        );
    }
    assert!(project.read("index.html").contains(PUBLIC));
    assert!(project.read("2024/public.html").contains("公开正文"));

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
    assert!(project.output("restricted/2024/public.pdf").exists());
    assert_eq!(
        published_files_mentioning(&project, PUBLIC),
        Vec::<String>::new()
    );
}
