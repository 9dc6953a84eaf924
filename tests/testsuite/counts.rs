//! The lines gongwen counts from a letter's characters, so that the layout need
//! not lay a text out only to measure it (`src/render/typst_data.rs`: the body's
//! last paragraph, each title line's fit, the lines of the signature, of the 附注
//! and of the 版记), held against the layout itself: the fixtures' Typst sources,
//! compiled as gongwen made them and again with every count taken out (so that
//! typst measures), print every word at the same place; and each 附注 takes in
//! the PDF the lines it was counted to take. The lines gongwen breaks the body's
//! paragraphs into are the ones typst's own line breaking makes of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// The counts in a letter's data (a paragraph's `lines` is the body's last block's).
const COUNTS: [&str; 4] = ["title_fit", "signature_lines", "note_lines", "banji_lines"];

/// 附注 whose lines only the fonts' advances tell (their digits take half a
/// cell each): the first fits its line with 0.35 of a cell to spare, the
/// second's telephone number cannot be broken and goes to a second line.
const NOTES: [(&str, &str); 2] = [
    (
        "u-note-one.md",
        "联系单位及电话：国土空间修复处 单悦 0951-5044257",
    ),
    (
        "v-note-two.md",
        "联系单位及电话：国土空间生态修复处规划科 单悦 13895000000、0951-5044257",
    ),
];

#[test]
fn the_counts_from_the_characters_lay_out_as_measuring_does() {
    let project = Project::fixture("layout");
    for (name, note) in NOTES {
        project.write(
            &format!("letters/{name}"),
            format!(
                "---\ntitle: 关于协办意见的函\nto: 自治区财政厅\ndate: 2022-06-13\nnote: {note}\n---\n\n\
                 现就王波提案者提出的关于以生态补偿助推我区高质量发展的提案，提出如下协办意见。\n"
            ),
        );
    }
    let out = project.build_with(&["--keep-work"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let work = kept_work(&stderr(&out));

    let data = letter_data(&work);
    let note_lines = |note: &str| {
        let (_, d) = data.iter().find(|(_, d)| d["note"] == note).unwrap();
        d["note_lines"].clone()
    };
    assert_eq!(note_lines(NOTES[0].1), 1, "counted from the advances");
    assert_eq!(note_lines(NOTES[1].1), 2, "counted from the advances");

    let counted = compile_chunks(project.root(), &work, "counted");
    for (path, mut d) in data.clone() {
        strip_counts(&mut d);
        std::fs::write(&path, serde_json::to_vec(&d).unwrap()).unwrap();
    }
    let measured = compile_chunks(project.root(), &work, "measured");

    assert_eq!(counted.len(), 21);
    for (a, b) in counted.iter().zip(&measured) {
        let words = |pdf: &Path| {
            let (_, words) = pdf_words(pdf);
            (words.iter())
                .map(|w| format!("{} {:.2} {:.2} {}", w.page, w.x0, w.y0, w.text))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            words(a),
            words(b),
            "{} against {}",
            a.display(),
            b.display()
        );
    }

    // Each 附注 counted takes the lines it was counted to take.
    let mut checked = 0;
    for (path, d) in &data {
        let Some(lines) = d["note_lines"].as_u64().filter(|n| *n > 0) else {
            continue;
        };
        let pdf = pdf_of(&work, path, "counted");
        let (_, words) = pdf_words(&pdf);
        let start: String = "（"
            .chars()
            .chain(d["note"].as_str().unwrap().chars().take(3))
            .collect();
        let first = (words.iter().position(|w| w.text.starts_with(&start)))
            .unwrap_or_else(|| panic!("{}: no `{start}`", pdf.display()));
        let note: Vec<&Word> = (words[first..].iter())
            .take_while(|w| w.page == words[first].page)
            .collect();
        let last = note.iter().position(|w| w.text.ends_with('）')).unwrap();
        let mut rows: Vec<i64> = note[..=last].iter().map(|w| w.y0.round() as i64).collect();
        rows.dedup();
        assert_eq!(
            rows.len() as u64,
            lines,
            "{}: the 附注 {}",
            pdf.display(),
            d["note"]
        );
        checked += 1;
    }
    assert_eq!(
        checked, 5,
        "the 附注 of a-document, d-seal, k-sample and the two above"
    );
}

/// gongwen breaks the body's paragraphs into lines itself, weighing the breaks
/// as typst does (`src/render/typeset/lines.rs`), and typst sets the lines it
/// is given: the fixtures and the repo's letters, compiled as gongwen made
/// them and again with each paragraph's text given back to typst to break,
/// hold the same text on every line.
#[test]
fn gongwen_breaks_a_paragraph_where_typst_breaks_it() {
    let mut compared = 0;
    for project in [Project::fixture("layout"), Project::repo_letters()] {
        let out = project.build_with(&["--keep-work"], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let work = kept_work(&stderr(&out));
        let data = letter_data(&work);
        let broken = compile_chunks(project.root(), &work, "broken");
        let mut paragraphs = 0;
        for (path, mut d) in data {
            paragraphs += give_lines_back(&mut d);
            std::fs::write(&path, serde_json::to_vec(&d).unwrap()).unwrap();
        }
        let by_typst = compile_chunks(project.root(), &work, "by-typst");
        assert!(
            paragraphs >= 20,
            "{paragraphs} paragraphs broken by gongwen"
        );
        for (a, b) in broken.iter().zip(&by_typst) {
            let (lines, typst_lines) = (body_lines(a), body_lines(b));
            assert_eq!(
                lines,
                typst_lines,
                "{} against {}",
                a.display(),
                b.display()
            );
            compared += lines.len();
        }
    }
    assert!(compared >= 500, "{compared} lines compared");
}

/// The text of each line of the body's size (3号), by page.
fn body_lines(pdf: &Path) -> Vec<(usize, String)> {
    let (_, words) = pdf_words(pdf);
    let mut lines: Vec<(usize, f64, String)> = Vec::new();
    for w in words.iter().filter(|w| (w.height() - 16.0).abs() < 0.1) {
        match lines.last_mut() {
            Some((page, y, text)) if *page == w.page && (*y - w.y0).abs() < 1.0 => {
                text.push_str(&w.text)
            }
            _ => lines.push((w.page, w.y0, w.text.clone())),
        }
    }
    lines
        .into_iter()
        .map(|(page, _, text)| (page, text))
        .collect()
}

/// Gives each paragraph gongwen broke into lines back its text, as the
/// layout's inlines (runs cut into marks, tokens kept whole), for typst to
/// break; returns how many.
fn give_lines_back(data: &mut Value) -> usize {
    let mut given = given_back(&mut data["body"]);
    for attachment in data["attachments"].as_array_mut().into_iter().flatten() {
        given += given_back(&mut attachment["body"]);
    }
    given
}

fn given_back(body: &mut Value) -> usize {
    use gongwen::render::blocks::{Block, Inline};
    let mut given = 0;
    for block in body.as_array_mut().into_iter().flatten() {
        let map = block.as_object_mut().unwrap();
        let Some(runs) = map.remove("text_runs") else {
            continue;
        };
        map.remove("first_face");
        map.remove("lines");
        // Each run with its style (1 strong, 2 emphasis, 4 struck through);
        // a plain run is a string; breaks and stops are not text.
        let mut inlines = Vec::new();
        for run in runs.as_array().unwrap() {
            let (style, text) = match run {
                Value::String(text) => (0, text.as_str()),
                Value::Array(run) => (run[0].as_u64().unwrap(), run[1].as_str().unwrap()),
                _ => continue,
            };
            let mut inline = Inline::Text {
                text: text.replace('\u{2028}', ""),
            };
            for (bit, wrap) in [
                (
                    1,
                    (|c| Inline::Strong { children: c }) as fn(Vec<Inline>) -> Inline,
                ),
                (2, |c| Inline::Emph { children: c }),
                (4, |c| Inline::Strike { children: c }),
            ] {
                if style & bit != 0 {
                    inline = wrap(vec![inline]);
                }
            }
            inlines.push(inline);
        }
        let mut blocks = [Block::Paragraph { inlines }];
        gongwen::render::typeset::keep_tokens_whole(&mut blocks);
        let mut paragraph = serde_json::to_value(&blocks[0]).unwrap();
        gongwen::render::typst_data::cut_runs(&mut paragraph);
        block["inlines"] = paragraph["inlines"].take();
        given += 1;
    }
    given
}

/// Takes out every count: the layout then measures what each told.
fn strip_counts(data: &mut Value) {
    if let Some(map) = data.as_object_mut() {
        for key in COUNTS {
            map.remove(key);
        }
    }
    if let Some(last) = data["body"].as_array_mut().and_then(|b| b.last_mut()) {
        last.as_object_mut().unwrap().remove("lines");
    }
    for attachment in data["attachments"].as_array_mut().into_iter().flatten() {
        attachment.as_object_mut().unwrap().remove("title_fit");
    }
}

/// The folder gongwen kept its Typst sources in (`--keep-work`).
fn kept_work(stderr: &str) -> PathBuf {
    let line = (stderr.lines())
        .find_map(|l| l.strip_prefix("kept the Typst sources in "))
        .unwrap_or_else(|| panic!("no work folder kept:\n{stderr}"));
    PathBuf::from(line.trim())
}

/// Each letter's data file (`chunk-N/<i>.json`), read.
fn letter_data(work: &Path) -> Vec<(PathBuf, Value)> {
    let mut found = Vec::new();
    for chunk in chunks(work) {
        for entry in std::fs::read_dir(&chunk).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.starts_with("chunk-") {
                let data = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
                found.push((entry.path(), data));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn chunks(work: &Path) -> Vec<PathBuf> {
    let mut chunks: Vec<PathBuf> = (std::fs::read_dir(work).unwrap().flatten())
        .map(|e| e.path())
        .filter(|p| p.join("chunk-all.json").is_file())
        .collect();
    chunks.sort();
    chunks
}

/// The PDF typst made into `out` of the letter whose data is `data`.
fn pdf_of(work: &Path, data: &Path, out: &str) -> PathBuf {
    let chunk = data.parent().unwrap();
    let name = chunk.file_name().unwrap();
    let i = data.file_stem().unwrap().to_string_lossy();
    work.join(out).join(name).join(format!("{i}.pdf"))
}

/// Every chunk compiled by typst as gongwen compiles it (`--input fonts=…`,
/// the families present, tells the layout which face of each list comes
/// first), into `work/<out>/chunk-N/`; the PDFs, in the order of [`letter_data`].
fn compile_chunks(root: &Path, work: &Path, out: &str) -> Vec<PathBuf> {
    let typst = gongwen::typst_cli::Typst::find_or_install()
        .expect("the tests need typst: run `cargo run -- doctor`");
    let families = typst
        .families(&[manifest().join("fonts")])
        .unwrap()
        .join(",");
    for chunk in chunks(work) {
        let chunk_manifest = chunk.join("chunk-all.json");
        let dir = work.join(out).join(chunk.file_name().unwrap());
        std::fs::create_dir_all(&dir).unwrap();
        let result = Command::new(&typst.program)
            .arg("compile")
            .arg("--root")
            .arg(root)
            .arg("--font-path")
            .arg(manifest().join("fonts"))
            .arg("--ignore-system-fonts")
            .arg("--input")
            .arg(format!("fonts={families}"))
            .args(["--features", "bundle", "--format", "bundle", "--input"])
            .arg(format!(
                "chunk=/{}",
                chunk_manifest.strip_prefix(root).unwrap().display()
            ))
            .arg(work.join("bundle.typ"))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    (letter_data(work).iter())
        .map(|(data, _)| pdf_of(work, data, out))
        .collect()
}
