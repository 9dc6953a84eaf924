//! `gongwen clean` removes output/ and nothing outside it.

use crate::common::*;

#[test]
fn clean_removes_output_only_and_follows_no_link() {
    let project = Project::fixture("check");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), "keep").unwrap();
    let out = project.root().join("output");
    std::fs::create_dir_all(out.join("2024")).unwrap();
    std::fs::write(out.join("2024/a.pdf"), "pdf").unwrap();
    std::os::unix::fs::symlink(outside.path(), out.join("link")).unwrap();
    let letters_before = walk_names(&project.root().join("letters"));

    let run = gongwen(project.root(), &["clean"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stderr(&run), "removed output/\n");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_to_string(outside.path().join("keep.txt")).unwrap(),
        "keep"
    );
    assert_eq!(walk_names(&project.root().join("letters")), letters_before);
    assert!(project.root().join("gongwen.yaml").is_file());

    let again = gongwen(project.root(), &["clean", "-q"]);
    assert!(again.status.success());
    assert_eq!(stderr(&again), "");
    let told = gongwen(project.root(), &["clean"]);
    assert_eq!(stderr(&told), "nothing to clean: there is no output/\n");
}

#[test]
fn an_output_link_is_removed_not_its_target() {
    let project = Project::fixture("check");
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("index.html"), "x").unwrap();
    std::os::unix::fs::symlink(target.path(), project.root().join("output")).unwrap();
    let run = gongwen(project.root(), &["clean"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!project.root().join("output").exists());
    assert!(target.path().join("index.html").is_file());
}

fn walk_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    names.sort();
    names
}
