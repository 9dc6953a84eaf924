use super::*;

/// The repository's fonts, as the build finds them.
fn repo_fonts() -> Vec<Source> {
    let dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")];
    sources(&dirs, |i, file| {
        crate::build::fingerprint::file(&dirs[i].join(file))
    })
}

fn pages(texts: &[&str]) -> Characters {
    characters(
        texts.iter().map(|t| vec![t.as_bytes()]),
        &[b"<p>\xe9\xa6\x96\xe9\xa1\xb5</p>"],
    )
}

#[test]
fn characters_are_counted_by_page_and_shared_ones_as_on_every_page() {
    let chars = pages(&["公文公文", "公函", "函\n"]);
    assert_eq!(chars[&'公'], 2);
    assert_eq!(chars[&'文'], 1);
    assert_eq!(chars[&'函'], 2);
    assert_eq!(chars[&'首'], 3, "the template's 首页");
    assert_eq!(chars[&'7'], 3);
    assert!(!chars.contains_key(&'\n'));
}

#[test]
fn the_most_used_characters_come_first_and_rare_ones_go_to_the_fallback_family() {
    let mut chars = Characters::new();
    chars.insert('公', 100);
    chars.insert('文', 60);
    chars.insert('喆', 1);
    chars.insert('𠮷', 1);
    // Every Fandol face has 公 and 文; only Noto has 喆, only HanaMinB 𠮷.
    let has = |file: &str, c: char| match c {
        '喆' => file.contains("Noto"),
        '𠮷' => file.contains("HanaMin"),
        _ => file.starts_with("Fandol"),
    };
    let slices = plan(&chars, has);
    let fang: Vec<_> = slices.iter().filter(|s| s.family == "GW Fang").collect();
    assert_eq!(fang.len(), 1, "公 and 文 are of the same band: {fang:?}");
    assert_eq!(fang[0].chars, ['公', '文']);
    let rare: Vec<_> = slices.iter().filter(|s| s.family == RARE).collect();
    assert_eq!(rare.len(), 2);
    assert_eq!(
        (rare[0].file, &rare[0].chars[..]),
        (RARE_FILES[0], &['喆'][..])
    );
    assert_eq!(
        (rare[1].file, &rare[1].chars[..]),
        (RARE_FILES[2], &['𠮷'][..])
    );
    // 公 (100 pages) and a character of one page are in different slices.
    chars.insert('函', 1);
    let slices = plan(&chars, |f: &str, c| {
        c != '𠮷' && c != '喆' && f.starts_with("Fandol")
    });
    let fang: Vec<_> = slices.iter().filter(|s| s.family == "GW Fang").collect();
    assert_eq!(fang.len(), 2, "{fang:?}");
    assert_eq!(fang[1].chars, ['函']);
}

#[test]
fn a_slice_is_declared_with_the_readers_own_faces_first_and_its_range() {
    let slice = Slice {
        family: "GW Hei",
        file: "FandolHei-Regular.otf",
        chars: vec!['A', 'B', 'C', '公', '𠮷'],
    };
    let css = css(&[(slice, "h.woff2".into())]);
    let rule = css.lines().find(|l| l.starts_with("@font-face")).unwrap();
    assert_eq!(
        rule,
        "@font-face { font-family: \"GW Hei\"; src: local(\"SimHei\"), local(\"黑体\"), \
         local(\"STHeiti\"), url(\"fonts/h.woff2\") format(\"woff2\"); font-display: swap; \
         unicode-range: U+41-43,U+516C,U+20BB7; }"
    );
}

#[test]
fn slices_are_made_once_and_stale_ones_removed() {
    let out = tempfile::tempdir().unwrap();
    let fonts = repo_fonts();
    let known = &mut Coverage::default();
    let first = write(out.path(), &fonts, &pages(&["宁吉喆", "王堃"]), known).unwrap();
    let rare: Vec<_> = first.iter().filter(|f| f.contains("Noto")).collect();
    assert_eq!(rare.len(), 1, "喆 and 堃 from Noto Serif: {first:?}");
    let css = std::fs::read_to_string(out.path().join(CSS)).unwrap();
    for file in &first {
        assert!(
            css.contains(&format!("url(\"{file}\")")),
            "{file} not in {css}"
        );
    }
    let files = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(DIR))
            .unwrap()
            .map(|e| format!("{DIR}/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        names.sort();
        names
    };
    assert_eq!(files(out.path()), first);
    // A slice left in place is not made again.
    let kept = out.path().join(&first[0]);
    std::fs::write(&kept, b"mark").unwrap();
    assert_eq!(
        write(out.path(), &fonts, &pages(&["宁吉喆", "王堃"]), known).unwrap(),
        first
    );
    assert_eq!(std::fs::read(&kept).unwrap(), b"mark");
    let old = out.path().join(DIR).join("FandolFang-Regular.otf");
    std::fs::write(&old, b"whole font").unwrap();
    let second = write(out.path(), &fonts, &pages(&["宁吉"]), known).unwrap();
    assert_eq!(
        files(out.path()),
        second,
        "stale slices and old fonts removed"
    );
    assert!(second.iter().all(|f| !f.contains("Noto")), "{second:?}");
    assert!(!old.exists());
    // The same characters make the same bytes.
    let other = tempfile::tempdir().unwrap();
    assert_eq!(
        write(
            other.path(),
            &fonts,
            &pages(&["宁吉"]),
            &mut Coverage::default()
        )
        .unwrap(),
        second
    );
    for file in second.iter().filter(|f| out.path().join(f) != kept) {
        let a = std::fs::read(out.path().join(file)).unwrap();
        assert_eq!(a, std::fs::read(other.path().join(file)).unwrap(), "{file}");
    }
}

#[test]
fn no_font_is_read_again_unless_a_character_is_new_or_a_slice_missing() {
    let out = tempfile::tempdir().unwrap();
    let known = &mut Coverage::default();
    let made = write(out.path(), &repo_fonts(), &pages(&["宁吉喆"]), known).unwrap();
    // The same fonts (same hashes) at paths that cannot be read.
    let gone: Vec<Source> = (repo_fonts().into_iter())
        .map(|s| Source {
            path: out.path().join("gone").join(s.file),
            ..s
        })
        .collect();
    let again = write(out.path(), &gone, &pages(&["宁吉喆"]), known).unwrap();
    assert_eq!(
        again, made,
        "the same characters: nothing read, nothing made"
    );
    // (The faces are read side by side: which unreadable one is told first varies.)
    let new = format!(
        "{:#}",
        write(out.path(), &gone, &pages(&["宁吉喆王"]), known).unwrap_err()
    );
    let gone_face = gone
        .iter()
        .any(|s| new.contains(&*s.path.to_string_lossy()));
    assert!(
        new.starts_with("cannot read ") && gone_face,
        "王 is new to the site: {new}"
    );
}

#[test]
fn counts_kept_and_changed_page_by_page_are_those_counted_afresh() {
    let page = |t: &'static str| vec![t.as_bytes()];
    let mut kept = PageCounts::of(["宁吉喆公文", "公函\n函", "王堃"].map(page));
    kept.remove(&page("公函\n函"));
    kept.add(&page("公告，公告"));
    let fresh = PageCounts::of(["宁吉喆公文", "王堃", "公告，公告"].map(page));
    assert_eq!(kept, fresh);
    assert_eq!(kept.characters(&[])[&'公'], 2);
    assert!(
        !kept.characters(&[]).contains_key(&'函'),
        "gone with its page"
    );
}
