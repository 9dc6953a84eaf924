//! Letters that hold code, markup or paths meant to escape: every character
//! an author typed prints as written, raw HTML is sanitised, and no path
//! leads out of the project.

use crate::common::*;

/// White space aside, and the zero-width spaces the layout puts between the
/// characters of a code block so that a long line wraps instead of running off the page.
fn flat(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect()
}

/// Fails unless `text` holds `literal`, white space aside.
fn assert_printed(text: &str, literal: &str, what: &str) {
    assert!(
        flat(text).contains(&flat(literal)),
        "{what}: `{literal}` is not printed as written:\n{text}"
    );
}

fn built(project: &Project) {
    let out = project.build();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What `typst.md` holds in its frontmatter, as each field prints.
const FRONTMATTER: &[&str] = &[
    "关于#read(\"/etc/passwd\")与#import \"x.typ\": *的函",
    "甲局 $x^2$ *粗* _斜_ `码`、乙局 <b>@ref</b> = \\ // /* [ ]]) {：",
    "某单位 #set page(fill: red) #let x = 1",
    "签发人：张三 #panic(\"x\")",
    "（联系人 #(1+1) $ 未闭公式 \\u{41}）",
    "丙局 /* 未闭注释，丁局 // 行注释 [[[",
    "印发 #\"str\" <label> @cite = x",
    "附件 #emph[斜] *x* _y_ `z`",
];

/// What its body holds, as the Markdown means it (backslash escapes taken).
const BODY: &[&str] = &[
    "正文有 #read(\"/etc/passwd\") 与 #import \"x.typ\": * 与 $a^2$ 与 @label 与 1 < 2 > 0 \
     与 a = b 与 \\ 与 // 行注释 与 /* 块注释 与 [ 与 ] 与 ]]) 与 {{ 与 #set text(red)。",
    "星号 * 与下划线 _ 与反引号 ` 与标签 <label> 与 # 号。",
    "= 等号开头的行 #let y = [未闭",
    "行内代码 #read(\"/etc/passwd\") $x$ *y* _z_ \\ // /* [ ] 结束。",
    "#import \"@preview/x:0.1.0\": *\n#read(\"/etc/passwd\")\n/* 未闭注释",
];

#[test]
fn typst_code_in_a_letter_prints_as_written_in_the_pdf_and_the_page() {
    let project = Project::fixture("hostile");
    built(&project);

    let pdf = pdf_text(&project.output("typst.pdf"));
    for literal in FRONTMATTER.iter().chain(BODY) {
        assert_printed(&pdf, literal, "PDF");
    }
    // Nothing ran: no page turned red or was read from the disk, no panic stopped it.
    assert!(!pdf.contains("root:"), "{pdf}");

    let html = project.read("typst.html");
    let text = html_text(&html);
    for literal in FRONTMATTER.iter().chain(BODY) {
        assert_printed(&text, literal, "page");
    }
    for escaped in [
        "乙局 &lt;b&gt;@ref&lt;/b&gt;",
        "1 &lt; 2 &gt; 0",
        "标签 &lt;label&gt;",
        "#&quot;str&quot; &lt;label&gt; @cite",
    ] {
        assert!(html.contains(escaped), "`{escaped}` not escaped:\n{html}");
    }
}

#[test]
fn raw_html_is_sanitised_on_the_page_and_its_text_printed_in_the_pdf() {
    let project = Project::fixture("hostile");
    built(&project);
    let html = project.read("html.html");
    let body = &html[html.find("<div class=\"body\">").unwrap()..];
    let body = &body[..body.find("<div class=\"signature\">").unwrap()];
    assert_eq!(
        body,
        "<div class=\"body\">\n\
         <p>水的化学式是 H<sub>2</sub>O，面积单位 m<sup>2</sup>。<br>换行之后。</p>\n\n\
         <p>段落中的脚本。</p>\n\
         <p>&lt;img src=x onerror=alert(\"img\")&gt;</p>\n\
         <p><img>图后</p>\n\n\
         <p>点我 与 <a rel=\"noopener noreferrer\">原始链接</a> 与 \
         <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">网站</a>。</p>\n\
         <div>区块<b>粗体</b>文字</div>\n\
         <p>结尾段落。</p>\n\n\
         </div>\n"
    );
    for gone in [
        "<script",
        "alert",
        "onerror=",
        "<iframe",
        "javascript:",
        "onclick",
        "onmouseover",
    ] {
        assert!(
            !html
                .replace("onerror=alert(\"img\")&gt;", "")
                .contains(gone),
            "`{gone}` reached the page:\n{html}"
        );
    }

    // The PDF prints the text the page shows, without the tags.
    let pdf = pdf_text(&project.output("html.pdf"));
    assert_in_order(
        &pdf,
        "水的化学式是 H2O，面积单位 m2。换行之后。段落中的脚本。\
         <img src=x onerror=alert(\"img\")> 图后 点我 与 原始链接 与 网站。区块粗体文字 结尾段落。",
        "html.pdf",
    );
    for gone in [
        "script",
        "alert(\"inline\")",
        "iframe",
        "<sub>",
        "<br>",
        "<div",
    ] {
        assert!(!pdf.contains(gone), "`{gone}` printed in the PDF:\n{pdf}");
    }
    // <br> is a line break in the PDF too.
    let lines: Vec<&str> = pdf.lines().collect();
    assert!(lines.iter().any(|l| l.trim() == "换行之后。"), "{pdf}");
}

#[test]
fn every_page_forbids_scripts_and_outside_origins() {
    let project = Project::fixture("hostile");
    built(&project);
    for page in ["index.html", "typst.html", "html.html"] {
        let html = project.read(page);
        let at = html
            .find("<meta http-equiv=\"Content-Security-Policy\" content=\"")
            .unwrap_or_else(|| panic!("{page} sends no Content-Security-Policy"));
        let head_end = html.find("</head>").expect("a head");
        assert!(at < head_end, "{page}: the policy must be in the head");
        let policy = &html[at..];
        let policy = &policy[policy.find("content=\"").unwrap() + 9..];
        let policy = &policy[..policy.find('"').unwrap()];
        let directives: Vec<(&str, Vec<&str>)> = policy
            .split(';')
            .map(|d| {
                let mut words = d.split_whitespace();
                (words.next().unwrap(), words.collect())
            })
            .collect();
        assert_eq!(
            directives[0],
            ("default-src", vec!["'none'"]),
            "{page}: {policy}"
        );
        for (name, sources) in &directives {
            // Only the index runs a script (search), and only from output/ itself:
            // no inline script, no other origin. A letter page runs none.
            assert!(
                !name.starts_with("script") || (page == "index.html" && sources == &vec!["'self'"]),
                "{page}: scripts must be 'self' on the index and absent elsewhere: {policy}"
            );
            for source in sources {
                let allowed = matches!(*source, "'self'" | "'none'")
                    || (*name == "style-src-attr" && *source == "'unsafe-inline'");
                assert!(
                    allowed,
                    "{page}: `{name} {source}` opens the page: {policy}"
                );
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn paths_that_leave_the_project_are_errors_and_the_other_letters_build() {
    use std::os::unix::fs::symlink;

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "机密附件内容\n").unwrap();
    std::fs::copy(
        manifest().join("tests/fixtures/features/letters/map.png"),
        outside.path().join("secret.png"),
    )
    .unwrap();

    let project = Project::fixture("mistakes");
    let letters = project.root().join("letters");
    for f in [
        "b-typo.md",
        "c-bad-date.md",
        "d-yaml.md",
        "e-image.md",
        "f-no-frontmatter.md",
        "g-wrong-type.md",
        "h-unclosed.md",
        "i-number.md",
        "j-empty.md",
    ] {
        std::fs::remove_file(letters.join(f)).unwrap();
    }
    symlink(outside.path().join("secret.png"), letters.join("map.png")).unwrap();
    symlink(outside.path(), letters.join("_shared")).unwrap();
    let head = "---\ntitle: 关于路径的函\ndate: 2024-03-01\n";
    let write = |name: &str, frontmatter: &str, body: &str| {
        std::fs::write(
            letters.join(name),
            format!("{head}{frontmatter}---\n\n{body}\n"),
        )
        .unwrap()
    };
    write("p-image-link.md", "", "正文。\n\n![图](map.png)");
    write("q-image-up.md", "", "![图](../../etc/x.png)");
    write(
        "r-attachments.md",
        "attachments:\n  - {name: 链出, file: _shared/secret.md}\n  - {name: 上溯, file: ../../secret.md}\n  - {name: 绝对, file: /etc/passwd}\n",
        "正文。",
    );
    // A folder that links back to letters/ would be walked forever if followed.
    symlink(".", letters.join("loop")).unwrap();

    let out = project.build();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = [
        "error: letters/loop: symlink loop: this link leads back to letters, which holds it; it is not followed\n  \
         help: remove the link, or make it point at a folder that does not contain it",
        "error: letters/p-image-link.md:8: image `map.png` is outside the project\n  \
         help: give a path relative to the letter (`seal.png`), or to the project root (`/images/seal.png`)",
        "error: letters/q-image-up.md:6: image `../../etc/x.png` is outside the project",
        "error: letters/r-attachments.md:4: `attachments` (附件): file `_shared/secret.md` is outside the project",
        "error: letters/r-attachments.md:4: `attachments` (附件): file `../../secret.md` is outside the project",
        "error: letters/r-attachments.md:4: `attachments` (附件): file `/etc/passwd` not found (looked for etc/passwd)",
    ];
    for message in expected {
        assert!(
            stderr.contains(message),
            "missing `{message}` in:\n{stderr}"
        );
    }
    assert!(
        stderr.trim_end().ends_with("4 failed (see above)") && stderr.contains("built 1 letter"),
        "{stderr}"
    );
    let files: Vec<String> = project
        .files()
        .into_iter()
        .filter(|f| !f.starts_with("assets/"))
        .collect();
    assert_eq!(
        files,
        vec![
            "_by/format/plain.html",
            "_by/to/某局.html",
            "_by/year/2024.html",
            "a-good.html",
            "a-good.pdf",
            "a-good.png",
            "index.html"
        ]
    );
    project.assert_no_scratch();
}

/// `gongwen build` on `project`: its status code and its messages.
fn build_messages(project: &Project) -> (Option<i32>, String) {
    let out = project.build();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_pasted_page_for_a_title_is_named_and_the_other_letters_build() {
    let title: String = "关于进一步加强和规范全区历史遗留废弃矿山生态修复项目管理工作的通知"
        .repeat(40)
        .chars()
        .take(1200)
        .collect();
    let project = Project::with_letters(&[
        ("long.md", &letter(&title, "2024-03-01", "正文。")),
        ("good.md", &letter("关于好事的函", "2024-03-02", "正文。")),
    ]);
    let (code, stderr) = build_messages(&project);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: letters/long.md:2: `title` (标题): 1200 characters long; at most 200\n  \
             help: a title is one line of what the letter is about: was more text pasted into it?"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("built 1 letter"), "{stderr}");
    assert!(project.output("good.pdf").is_file());
}

#[test]
fn deep_nesting_is_named_with_its_line_and_never_blamed_on_the_layout() {
    let lists: String = (0..300)
        .map(|i| format!("{}- 第{i}层\n", "  ".repeat(i)))
        .collect();
    let quotes = format!("{} 引文\n", ">".repeat(5000));
    // As deep as allowed: lists in quotes, 10 levels.
    let deepest = format!("{}最深一层\n", "> - ".repeat(5));
    let project = Project::with_letters(&[
        (
            "deepest.md",
            &letter("关于深层的函", "2024-03-01", &deepest),
        ),
        (
            "lists.md",
            &letter("关于列表的函", "2024-03-01", &format!("开头。\n\n{lists}")),
        ),
        (
            "quotes.md",
            &letter("关于引文的函", "2024-03-01", &format!("开头。\n\n{quotes}")),
        ),
        ("good.md", &letter("关于好事的函", "2024-03-02", "正文。")),
    ]);
    let (code, stderr) = build_messages(&project);
    assert_eq!(code, Some(1), "{stderr}");
    for expected in [
        "error: letters/lists.md:9: lists nested 300 deep; at most 10\n  \
         help: a letter needs three or four levels: indent less, or start lines with fewer `>`",
        "error: letters/quotes.md:9: quotes (`>`) nested 5000 deep; at most 10\n",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    for wrong in ["layout", "typst", "JSON", "deepest"] {
        assert!(!stderr.contains(wrong), "`{wrong}` in:\n{stderr}");
    }
    assert!(project.output("good.pdf").is_file());
    assert!(pdf_text(&project.output("deepest.pdf")).contains("最深一层"));
}

/// Makes a named pipe at `path` (in the project).
#[cfg(unix)]
fn mkfifo(project: &Project, path: &str) {
    let path = project.root().join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_among_the_letters_is_named_and_never_read() {
    let project =
        Project::with_letters(&[("good.md", &letter("关于好事的函", "2024-03-02", "正文。"))]);
    mkfifo(&project, "letters/2024/pipe.md");
    // Nobody writes to the pipe: reading it would wait for ever.
    let (code, stderr) = build_messages(&project);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: letters/2024/pipe.md: a named pipe (FIFO), not a file: skipped, never read"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("built 1 letter"), "{stderr}");
    assert!(project.output("good.pdf").is_file());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_for_the_config_a_template_or_a_font_is_named_and_never_read() {
    let good = letter("关于好事的函", "2024-03-02", "正文。");
    let cases = [
        ("gongwen.yaml", "gongwen.yaml: cannot read: it is a named pipe (FIFO), not a regular file"),
        (
            "templates/letter.html",
            "cannot read templates/letter.html: it is a named pipe (FIFO), not a regular file",
        ),
        (
            "fonts/Pipe-Regular.otf",
            "fonts/Pipe-Regular.otf: a named pipe (FIFO) among the fonts; no PDF can be built while it is there",
        ),
    ];
    for (pipe, expected) in cases {
        let project = Project::with_letters(&[("good.md", &good)]);
        if pipe == "gongwen.yaml" {
            std::fs::remove_file(project.root().join(pipe)).unwrap();
        }
        mkfifo(&project, pipe);
        let (code, stderr) = build_messages(&project);
        assert_ne!(code, Some(0), "{pipe}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{pipe}: missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn a_letter_typst_cannot_finish_is_stopped_and_the_rest_of_its_chunk_built() {
    let project = Project::with_letters(&[
        ("a.md", &letter("关于甲事的函", "2024-03-01", "甲事正文。")),
        ("b.md", &letter("关于乙事的函", "2024-03-02", "乙事正文。")),
        (
            "slow.md",
            &letter("关于慢事的函", "2024-03-03", "卡住标记。"),
        ),
        ("c.md", &letter("关于丙事的函", "2024-03-04", "丙事正文。")),
    ]);
    let stall = TypstStall::new("卡住标记");
    // One job: the four letters share one typst run, which never ends. The
    // budget leaves a busy machine time for the others, run one by one after.
    let out = project.build_with(
        &["--jobs", "1"],
        &[
            ("GONGWEN_TYPST", &stall.program),
            ("GONGWEN_LETTER_TIMEOUT", std::path::Path::new("15")),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: letters/slow.md: typst took longer than 15 s over this letter and was stopped\n  \
             help: a very long table or a very large image is the usual cause"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("bug in the layout"), "{stderr}");
    assert!(stderr.contains("built 3 letters"), "{stderr}");
    for name in ["a", "b", "c"] {
        assert!(
            pdf_text(&project.output(&format!("{name}.pdf"))).contains("事正文"),
            "{name}"
        );
    }
    assert!(!project.output("slow.pdf").exists());
    // Stopped with everything it started.
    assert_eq!(processes_with(&stall.sleep), Vec::<u32>::new());
    project.assert_no_scratch();
}
