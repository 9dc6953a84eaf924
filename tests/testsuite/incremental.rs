//! Rebuilds: only what changed is built again, decided by content, and
//! `output/` keeps to what the letters make.

use crate::common;

use crate::common::{compiles, letter, pdf_text, Project, TypstSpy};

fn three_letters() -> Project {
    let project = Project::with_letters(&[
        (
            "2024/a.md",
            &letter("关于甲事的函", "2024-03-01", "甲事正文。\n\n![图](map.png)"),
        ),
        (
            "2024/b.md",
            &letter("关于乙事的函", "2024-03-02", "乙事正文。"),
        ),
        (
            "2024/c.md",
            &letter("关于丙事的函", "2024-03-03", "丙事正文。"),
        ),
    ]);
    project.write(
        "letters/2024/map.png",
        std::fs::read(common::manifest().join("tests/fixtures/features/letters/map.png")).unwrap(),
    );
    project
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn built_ok(project: &Project, spy: &TypstSpy, args: &[&str]) -> String {
    let out = project.build_with(args, &spy.env());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    err
}

#[test]
fn an_unchanged_rebuild_starts_no_typst() {
    let project = three_letters();
    let spy = TypstSpy::new();
    let first = built_ok(&project, &spy, &[]);
    assert!(first.starts_with("built 3 letters into output/"), "{first}");
    let calls = spy.take_calls();
    assert!(!compiles(&calls).is_empty(), "{calls:?}");

    let second = built_ok(&project, &spy, &[]);
    assert!(
        second.starts_with("nothing to build: 3 letters up to date"),
        "{second}"
    );
    assert_eq!(
        spy.take_calls(),
        Vec::<String>::new(),
        "no typst process at all"
    );

    // The same bytes written again (a checkout, an editor's save) are no change.
    let a = project.root().join("letters/2024/a.md");
    std::fs::write(&a, std::fs::read(&a).unwrap()).unwrap();
    built_ok(&project, &spy, &[]);
    assert_eq!(spy.take_calls(), Vec::<String>::new());

    let forced = built_ok(&project, &spy, &["--force"]);
    assert!(forced.starts_with("built 3 letters"), "{forced}");
}

#[test]
fn an_edited_letter_is_the_only_one_rebuilt() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    spy.take_calls();
    let untouched = std::fs::read(project.output("2024/c.pdf")).unwrap();

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的函", "2024-03-02", "乙事正文，改过了。"),
    );
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 1 letter into output/"), "{err}");
    assert!(err.contains("(2 up to date)"), "{err}");
    assert_eq!(compiles(&spy.take_calls()).len(), 1);
    assert!(pdf_text(&project.output("2024/b.pdf")).contains("改过了"));
    assert!(project.read("2024/b.html").contains("改过了"));
    assert_eq!(
        std::fs::read(project.output("2024/c.pdf")).unwrap(),
        untouched
    );
}

/// A letter is not read again while its size, times and inode are those
/// it had when hashed. An edit that puts the size and the mtime back (an
/// editor or a copy that keeps the time) still moves the ctime: it is built.
#[test]
fn an_edit_that_keeps_the_size_and_the_mtime_is_still_built() {
    let project = three_letters();
    let spy = TypstSpy::new();
    // A file written in the last seconds is read at every build (another
    // write within the clock's tick would keep its stamp): wait until the
    // letters are older than that, so the build records their stamps.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    built_ok(&project, &spy, &[]);
    let again = built_ok(&project, &spy, &[]);
    assert!(
        again.starts_with("nothing to build: 3 letters up to date"),
        "{again}"
    );
    spy.take_calls();

    let path = project.root().join("letters/2024/b.md");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("乙事正文。", "丁事正文。");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, edited).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(mtime).unwrap();
    drop(file);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);

    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 1 letter into output/"), "{err}");
    assert_eq!(compiles(&spy.take_calls()).len(), 1);
    assert!(pdf_text(&project.output("2024/b.pdf")).contains("丁事正文"));
}

#[test]
fn touching_an_image_rebuilds_only_the_letters_that_use_it() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    spy.take_calls();
    let site = (site_files(&project), project.read("index.html"));

    let mut png = std::fs::read(project.root().join("letters/2024/map.png")).unwrap();
    png.extend_from_slice(b"trailing bytes a PNG reader ignores");
    project.write("letters/2024/map.png", &png);
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 1 letter into output/"), "{err}");
    // The letter is listed as it was: the index, the search index and the
    // web fonts stay as they were.
    assert!(
        (site_files(&project), project.read("index.html")) == site,
        "the site changed"
    );
    let calls = spy.take_calls();
    assert_eq!(compiles(&calls).len(), 1, "{calls:?}");
    assert_eq!(
        std::fs::read(project.output("media/letters/2024/map.png")).unwrap(),
        png,
        "the page shows the new image"
    );
}

#[test]
fn touching_a_template_rebuilds_every_letter() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    spy.take_calls();

    // The page template: every page again, and no PDF.
    let page = std::fs::read_to_string(common::manifest().join("templates/letter.html")).unwrap();
    project.write(
        "templates/letter.html",
        page.replace("</body>", "<p>本站测试</p></body>"),
    );
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 3 letters"), "{err}");
    assert!(
        compiles(&spy.take_calls()).is_empty(),
        "pages only, no typst"
    );
    assert!(project.read("2024/c.html").contains("本站测试"));

    // The Typst layout: every PDF again.
    let layout = std::fs::read_to_string(common::manifest().join("templates/gongwen.typ")).unwrap();
    project.write("templates/gongwen.typ", layout + "\n// 本单位修改\n");
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 3 letters"), "{err}");
    let calls = spy.take_calls();
    assert!(!compiles(&calls).is_empty(), "{calls:?}");

    // The office config: everything again.
    project.write("gongwen.yaml", "issuer: 某市自然资源局办公室\n");
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 3 letters"), "{err}");
    assert!(pdf_text(&project.output("2024/b.pdf")).contains("某市自然资源局办公室"));
}

#[test]
fn a_deleted_letter_takes_its_outputs_with_it() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    assert!(project.output("media/letters/2024/map.png").exists());
    project.write("keep-me.txt", "not the build's");

    std::fs::remove_file(project.root().join("letters/2024/a.md")).unwrap();
    let err = built_ok(&project, &spy, &[]);
    assert!(
        err.contains("removed 4 output files no letter makes any more"),
        "{err}"
    );
    let files = project.files();
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("2024/a.") || f.starts_with("media/")),
        "{files:?}"
    );
    assert!(!project.read("index.html").contains("关于甲事的函"));
    assert!(project.root().join("keep-me.txt").exists());
    assert!(project.root().join("letters/2024/map.png").exists());
}

#[test]
fn a_failed_letter_is_stale_until_it_builds_again() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    let good = std::fs::read(project.output("2024/b.pdf")).unwrap();

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的函", "2024-02-30", "乙事正文。"),
    );
    let out = project.build_with(&[], &spy.env());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "1 failed (see above), 1 of them still has the last good PDF and page, now stale"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read(project.output("2024/b.pdf")).unwrap(), good);
    assert!(
        project.read("index.html").contains("关于乙事的函"),
        "still listed"
    );

    // Still failing: reported again, not taken for up to date.
    let again = project.build_with(&[], &spy.env());
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("2024-02-30 is not a date"));

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的函", "2024-02-28", "乙事正文。"),
    );
    let err = built_ok(&project, &spy, &[]);
    assert!(err.starts_with("built 1 letter"), "{err}");
}

#[test]
fn an_older_typst_without_bundles_builds_letter_by_letter() {
    let project = three_letters();
    let spy = TypstSpy::with_version(Some("typst 0.14.2 (fake)"));
    let err = built_ok(&project, &spy, &[]);
    assert!(
        err.contains("gongwen's layout is tested with typst 0.15.1"),
        "{err}"
    );
    let calls = spy.take_calls();
    let compiles = compiles(&calls);
    assert_eq!(compiles.len(), 3, "{calls:?}");
    assert!(compiles.iter().all(|c| !c.contains("bundle")), "{calls:?}");
    for name in ["a", "b", "c"] {
        assert!(pdf_text(&project.output(&format!("2024/{name}.pdf"))).contains("正文"));
    }
}

#[test]
fn a_chunk_with_a_bad_letter_still_gives_the_others() {
    let project = three_letters();
    project.write("letters/2024/broken.png", "not a png at all");
    project.write(
        "letters/2024/d.md",
        letter("关于坏图的函", "2024-03-04", "![坏图](broken.png)"),
    );
    let spy = TypstSpy::new();
    // One job: all four letters in one chunk, which fails and is retried letter by letter.
    let out = project.build_with(&["--jobs", "1"], &spy.env());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: letters/2024/d.md: typst could not lay out the letter:\n"),
        "{err}"
    );
    assert!(err.contains("built 3 letters into output/"), "{err}");
    let calls = spy.take_calls();
    assert_eq!(
        compiles(&calls).len(),
        1 + 4,
        "one chunk, then each letter: {calls:?}"
    );
    assert!(!project.output("2024/d.pdf").exists());
    project.assert_no_scratch();
}

#[test]
fn shards_split_the_letters_and_share_one_index() {
    let letters: Vec<(String, String)> = (1..=8)
        .map(|i| {
            (
                format!("2024/l{i}.md"),
                letter(
                    &format!("关于第{i}件事的函"),
                    &format!("2024-04-{i:02}"),
                    "正文。",
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = letters
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let one = Project::with_letters(&refs);
    let two = Project::with_letters(&refs);
    let spy = TypstSpy::new();
    built_ok(&one, &spy, &["--shard", "1/2"]);
    built_ok(&two, &spy, &["--shard", "2/2"]);
    let pdfs = |p: &Project| -> Vec<String> {
        p.files()
            .into_iter()
            .filter(|f| f.ends_with(".pdf"))
            .collect()
    };
    let (a, b) = (pdfs(&one), pdfs(&two));
    assert!(!a.is_empty() && !b.is_empty(), "{a:?} {b:?}");
    assert!(
        a.iter().all(|f| !b.contains(f)),
        "no letter in both: {a:?} {b:?}"
    );
    assert_eq!(a.len() + b.len(), 8);
    let index = one.read("index.html");
    assert_eq!(
        index,
        two.read("index.html"),
        "the same index from both shards"
    );
    for i in 1..=8 {
        assert!(index.contains(&format!("关于第{i}件事的函")), "{index}");
    }

    let bad = one.build_with(&["--shard", "3/2"], &spy.env());
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("write K/N with 1 ≤ K ≤ N"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn letters_laid_out_together_come_out_as_they_do_alone() {
    // The repo's letters use every part of the layout: 版头, attachments, 版记, page numbers.
    let together = Project::repo_letters();
    let alone = Project::repo_letters();
    let spy = TypstSpy::new();
    built_ok(&together, &spy, &["--jobs", "1"]);
    let calls = spy.take_calls();
    assert_eq!(
        compiles(&calls).len(),
        1,
        "one typst run for the chunk, no retry: {calls:?}"
    );
    built_ok(&alone, &spy, &["--jobs", "3"]);
    assert_eq!(compiles(&spy.take_calls()).len(), 3);
    for pdf in together.files().iter().filter(|f| f.ends_with(".pdf")) {
        assert!(
            std::fs::read(together.output(pdf)).unwrap()
                == std::fs::read(alone.output(pdf)).unwrap(),
            "{pdf} differs when laid out with other letters"
        );
    }
}

/// The listing pages depend on the letters' fields, the search on their
/// text: a new sentence changes the search index and no listing page, a new
/// title changes both.
#[test]
fn a_body_edit_changes_the_search_index_and_no_listing_page() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    let listings = ["index.html", "_by/year/2024.html", "_by/to/某局.html"];
    let before: Vec<String> = listings.iter().map(|p| project.read(p)).collect();
    let modified = |p: &str| {
        std::fs::metadata(project.output(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let times: Vec<_> = listings.iter().map(|p| modified(p)).collect();

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的函", "2024-03-02", "乙事正文。新加的一句话。"),
    );
    built_ok(&project, &spy, &[]);
    assert!(search_text(&project).contains("新加的一句话"));
    for (i, page) in listings.iter().enumerate() {
        assert_eq!(project.read(page), before[i], "{page}");
        assert_eq!(modified(page), times[i], "{page} was written again");
    }

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的复函", "2024-03-02", "乙事正文。新加的一句话。"),
    );
    built_ok(&project, &spy, &[]);
    for page in listings {
        assert!(project.read(page).contains("关于乙事的复函"), "{page}");
    }
    assert!(search_text(&project).contains("关于乙事的复函"));
}

/// Every file of the search index, one after another.
fn search_text(project: &Project) -> String {
    project
        .files()
        .into_iter()
        .filter(|f| f.starts_with("assets/search/"))
        .map(|f| project.read(&f))
        .collect()
}

/// With a page a letter, a new title rewrites the pages that show that
/// letter, and leaves the pages of the others as they were.
#[test]
fn a_title_edit_rewrites_only_the_pages_that_show_the_letter() {
    let project = three_letters();
    project.write("gongwen.yaml", "issuer: 某市自然资源局\npage_size: 1\n");
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    // Newest first: c, b, a.
    let pages = ["index.html", "_by/page/2.html", "_by/page/3.html"];
    assert!(project.read(pages[1]).contains("关于乙事的函"));
    let modified = |p: &str| {
        std::fs::metadata(project.output(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let times: Vec<_> = pages.iter().map(|p| modified(p)).collect();

    project.write(
        "letters/2024/b.md",
        letter("关于乙事的复函", "2024-03-02", "乙事正文。"),
    );
    built_ok(&project, &spy, &[]);
    assert!(project.read(pages[1]).contains("关于乙事的复函"));
    assert_ne!(modified(pages[1]), times[1]);
    for i in [0, 2] {
        assert_eq!(
            modified(pages[i]),
            times[i],
            "{} was written again",
            pages[i]
        );
    }
    assert!(project
        .read("_by/year/2024/2.html")
        .contains("关于乙事的复函"));
}

/// The index entries of the letters not rebuilt come from the build's own
/// files; when those are lost, the letters are read again, not dropped.
#[test]
fn lost_index_entries_are_read_again_from_the_letters() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    spy.take_calls();
    std::fs::remove_dir_all(project.output(".gongwen.entries")).unwrap();
    project.write(
        "letters/2024/c.md",
        letter("关于丙事的函", "2024-03-03", "丙事正文，改过。"),
    );
    built_ok(&project, &spy, &[]);
    assert_eq!(compiles(&spy.take_calls()).len(), 1, "only c is laid out");
    let index = project.read("index.html");
    for title in ["关于甲事的函", "关于乙事的函", "关于丙事的函"] {
        assert!(index.contains(title), "{title} is listed");
    }
    let search = search_text(&project);
    assert!(search.contains("甲事正文") && search.contains("丙事正文，改过"));
    assert!(project.output(".gongwen.entries").is_dir());
}

/// The files of the site an edit can change beside the letter's own: the
/// search index and the web fonts (their names, and fonts.css).
fn site_files(project: &Project) -> Vec<(String, String)> {
    (project.files().into_iter())
        .filter(|f| f.starts_with("assets/search/") || f.starts_with("assets/fonts"))
        .map(|f| {
            let text = match f.ends_with(".woff2") {
                true => String::new(),
                false => project.read(&f),
            };
            (f, text)
        })
        .collect()
}

/// An edit is written into the search index in place and the site's
/// characters are counted again only for the edited letter: the site is
/// still the one a build from nothing makes.
#[test]
fn an_edited_archive_has_the_site_a_build_from_nothing_makes() {
    let letters: Vec<(String, String)> = (0..40)
        .map(|i| {
            let title = format!("关于第{i}件事的函");
            let date = format!("2024-03-{:02}", 1 + i % 28);
            let body = format!("第{i}件事的正文，保护耕地。");
            (format!("2024/l{i:02}.md"), letter(&title, &date, &body))
        })
        .collect();
    let letters: Vec<(&str, &str)> = letters.iter().map(|(p, t)| (&**p, &**t)).collect();
    let project = Project::with_letters(&letters);
    project.write(
        "gongwen.yaml",
        "issuer: 某市自然资源局\nthumbnails: false\n",
    );
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    project.write(
        "letters/2024/l07.md",
        letter("关于第7件事的函", "2024-03-08", "请宁吉喆同志生态补偿。"),
    );
    built_ok(&project, &spy, &[]);
    let edited = site_files(&project);
    let search: String = edited.iter().map(|(_, text)| &**text).collect();
    assert!(search.contains("宁吉喆同志") && !search.contains("第7件事的正文"));
    assert!(
        edited.iter().any(|(f, _)| f.contains("Noto")),
        "喆 has its slice"
    );

    std::fs::remove_dir_all(project.root().join("output")).unwrap();
    std::fs::remove_file(project.root().join(".gongwen.state")).unwrap();
    built_ok(&project, &spy, &[]);
    let fresh = site_files(&project);
    assert_eq!(edited.len(), fresh.len());
    for (a, b) in edited.iter().zip(&fresh) {
        assert!(a == b, "{} differs from a build from nothing's", a.0);
    }
}

#[test]
fn an_edit_past_the_first_page_keeps_its_picture_and_one_on_it_draws_it_again() {
    let body = |extra: &str| {
        let paragraphs =
            vec!["生态保护修复资金投入持续加大，治理成效明显提升。"; 30].join("\n\n");
        format!("{paragraphs}\n\n{extra}")
    };
    let project = Project::with_letters(&[(
        "2024/long.md",
        &letter("关于长函的函", "2024-03-01", &body("末段。")),
    )]);
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    let png = project.output("2024/long.png");
    let inode =
        |p: &std::path::Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let first = (inode(&png), std::fs::read(&png).unwrap());

    // New characters on page 2 change the PDF, not the picture of page 1.
    project.write(
        "letters/2024/long.md",
        letter("关于长函的函", "2024-03-01", &body("末段补充的一句新话。")),
    );
    built_ok(&project, &spy, &[]);
    let pdf = std::fs::read(project.output("2024/long.pdf")).unwrap();
    assert!(pdf_text(&project.output("2024/long.pdf")).contains("补充的一句新话"));
    assert_eq!(inode(&png), first.0, "the picture was drawn again");
    let faces = project.picture_faces();
    assert_eq!(
        gongwen::thumbnail::first_page(pdf, &faces).unwrap(),
        first.1,
        "the kept picture is not what the new PDF's first page looks like"
    );

    // A new character in the title, in the place of one: page 1's glyph
    // numbers stay as they were (the subset numbers them in the order of
    // use), what they stand for does not. The picture is drawn again.
    project.write(
        "letters/2024/long.md",
        letter("关于短函的函", "2024-03-01", &body("末段补充的一句新话。")),
    );
    built_ok(&project, &spy, &[]);
    let pdf = std::fs::read(project.output("2024/long.pdf")).unwrap();
    assert_ne!(inode(&png), first.0, "the picture was kept");
    assert_eq!(
        std::fs::read(&png).unwrap(),
        gongwen::thumbnail::first_page(pdf, &faces).unwrap(),
        "the picture is not of the new first page"
    );
    assert_ne!(std::fs::read(&png).unwrap(), first.1);

    // `--force` draws every picture again.
    let drawn = inode(&png);
    built_ok(&project, &spy, &["--force"]);
    assert_ne!(inode(&png), drawn, "--force kept the picture");

    // A new PDF's picture that could not be written (a folder in its
    // place) is drawn by the next build from the PDF in place, and what it
    // shows is read with it: the edit past page 1 after that keeps it.
    std::fs::remove_file(&png).unwrap();
    std::fs::create_dir(&png).unwrap();
    project.write(
        "letters/2024/long.md",
        letter("关于短函的函", "2024-03-01", &body("末段补充的又一句话。")),
    );
    let out = project.build_with(&[], &spy.env());
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("long.png"),
        "the picture's failure is not told: {}",
        stderr(&out)
    );
    std::fs::remove_dir(&png).unwrap();
    built_ok(&project, &spy, &[]);
    let redrawn = inode(&png);
    project.write(
        "letters/2024/long.md",
        letter("关于短函的函", "2024-03-01", &body("末段补充的再一句话。")),
    );
    built_ok(&project, &spy, &[]);
    assert!(pdf_text(&project.output("2024/long.pdf")).contains("再一句话"));
    assert_eq!(inode(&png), redrawn, "the picture was drawn again");
}

/// An edit's index is made while typst lays the letter out, on the guess
/// that it builds. When it does not, nothing of the guess is written: the
/// index lists the letter as its last good build, and neither the search
/// index nor the web fonts take a word of the failed edit.
#[test]
fn an_index_made_while_a_letter_built_is_not_written_when_the_letter_fails() {
    let project = three_letters();
    let spy = TypstSpy::new();
    built_ok(&project, &spy, &[]);
    let timed = |project: &Project| {
        let mut env = spy.env().to_vec();
        env.push(("GONGWEN_TIMINGS", std::path::Path::new("1")));
        project.build_with(&[], &env)
    };

    project.write(
        "letters/2024/b.md",
        letter("关于乙事改名的函", "2024-03-02", "乙事正文，宁吉喆同志。"),
    );
    let out = timed(&project);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("timing: index (made while the letters built)"),
        "{}",
        stderr(&out)
    );
    assert!(project.read("index.html").contains("关于乙事改名的函"));
    let good = site_files(&project);
    assert!(good.iter().any(|(_, text)| text.contains("宁吉喆")));

    project.write("letters/2024/broken.png", "not a png at all");
    project.write(
        "letters/2024/b.md",
        letter(
            "关于乙事再改的函",
            "2024-03-02",
            "乙事正文，张雨浦同志。\n\n![坏图](broken.png)",
        ),
    );
    let out = timed(&project);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("timing: index (guessed wrong)"),
        "{}",
        stderr(&out)
    );
    let index = project.read("index.html");
    assert!(
        index.contains("关于乙事改名的函") && !index.contains("再改"),
        "{index}"
    );
    assert!(
        site_files(&project) == good,
        "the search index or the web fonts took the failed edit"
    );
}
