//! 命令格式 (§10.2) and 纪要格式 (§10.3), measured on their fixtures:
//! `m-order` (with a 签名章), `n-order-name` (the name in its place) and
//! `o-minutes` (出席, 请假 and 列席, the 出席 list long enough to wrap).

use super::*;

/// The red 标志: its ink box, after checking it is red 小标宋, centred, its
/// top edge `top` mm below the 版心's top.
fn red_mark(r: &mut Rules, d: &Doc, ras: &Raster, mark: &str, top: f64, rule: &str) -> InkBox {
    let run = d.run(1, mark, rule);
    r.face(1, &format!("{rule} in red 小标宋"), run, XBS, run.size, RED);
    r.that(
        1,
        &format!("{rule} of a balanced size (22–55 pt)"),
        (22.0..=55.0).contains(&run.size),
        format!("{} pt", run.size),
    );
    let word = d.word(1, mark, rule);
    r.near(
        1,
        &format!("{rule} centred"),
        mm(word.centre_x()),
        (LEFT + RIGHT) / 2.0,
        MM1,
    );
    let ink = ras
        .ink_box(
            red,
            InkBox {
                y1: mm(word.y1) + 2.0,
                ..ras.all()
            },
        )
        .expect("the 标志 prints red ink");
    r.near(
        1,
        &format!("{rule}: top edge {top} mm below the 版心's top"),
        ink.y0,
        TOP + top,
        MM1,
    );
    ink
}

/// The first word on `page` that holds `text`.
fn holding<'a>(d: &'a Doc, page: usize, text: &str) -> &'a Word {
    d.words_on(page)
        .find(|w| w.text.contains(text))
        .unwrap_or_else(|| panic!("{}.pdf page {page}: no word holds `{text}`", d.name))
}

/// The top of the grid cell a 3号 word is centred in.
fn cell_top(w: &Word) -> f64 {
    mm((w.y0 + w.y1) / 2.0) - LINE / 2.0
}

/// The 发令机关标志 and the 令号 (§10.2); the first line of the text.
fn order_head(r: &mut Rules, d: &Doc, number: &str) -> f64 {
    let ras = d.raster(1);
    let mark = "宁夏回族自治区人民政府令";
    let ink = red_mark(r, d, &ras, mark, 20.0, "§10.2 发令机关标志");
    let ling = d.word(1, number, "§10.2 令号");
    r.near(
        1,
        "§10.2 令号 centred",
        mm(ling.centre_x()),
        (LEFT + RIGHT) / 2.0,
        HALF,
    );
    r.near(
        1,
        "§10.2 令号 two lines below the 发令机关标志",
        cell_top(ling) - ink.y1,
        2.0 * LINE,
        MM1,
    );
    r.face(
        1,
        "§10.2 令号 in 3号仿宋",
        d.run(1, number, "令号"),
        FANG,
        16.0,
        "#000000",
    );
    let first = d.word(1, "《宁夏回族自治区", "§10.2 正文");
    r.that(
        1,
        "§10.2 正文 on the grid",
        grid_line(first).is_some(),
        format!("{:.2} mm", mm(first.y0)),
    );
    let gap = cell_top(first) - (cell_top(ling) + LINE);
    r.that(
        1,
        "§10.2 正文 two lines below the 令号 (on the next line of the grid)",
        (2.0 * LINE - MM1..3.0 * LINE).contains(&gap),
        format!("{gap:.2} mm"),
    );
    r.that(
        1,
        "§10.2 a 令 prints no 标题 (the 标志 names it)",
        d.words_on(1).filter(|w| w.text.contains(mark)).count() == 1,
        "the 标志's words printed twice",
    );
    mm(ling.y1) + 1.0
}

/// The 成文日期: four characters from the right, on the grid, one blank line below `above` (a grid line).
fn order_date(r: &mut Rules, d: &Doc, date: &str, above: usize) {
    let date = d.word(1, date, "§7.3.5.4 成文日期");
    r.near(
        1,
        "§7.3.5.4 成文日期 four characters from the right",
        mm(date.x1),
        RIGHT - 4.0 * CHAR,
        HALF,
    );
    r.that(
        1,
        "§7.3.5.4 成文日期 one blank line below the 签名章",
        grid_line(date) == Some(above + 2),
        format!(
            "on line {:?}, the 签名章 ends on line {above}",
            grid_line(date)
        ),
    );
}

#[test]
fn order_format_with_a_signature_stamp() {
    let mut d = doc("m-order");
    let mut r = Rules::new(&d);
    let first_grid_y = order_head(&mut r, &d, "第128号");
    let ras = d.raster(1);

    // 签名章: two lines below the text, four characters from the right (§7.3.5.4).
    let last_body = holding(&d, 1, "起施行。");
    let body_bottom = cell_top(last_body) + LINE;
    let stamp = ras.ink_box(
        red,
        InkBox {
            y0: body_bottom,
            ..ras.all()
        },
    );
    let Some(stamp) = stamp else {
        r.that(
            1,
            "§7.3.5.4 a red 签名章",
            false,
            "no red ink below the text",
        );
        return r.finish();
    };
    r.near(
        1,
        "§7.3.5.4 签名章 four characters from the right",
        stamp.x1,
        RIGHT - 4.0 * CHAR,
        MM1,
    );
    // It fills the two lines after the two blank ones, centred on them.
    r.near(
        1,
        "§7.3.5.4 签名章 two lines below the 正文 (centred on the two lines after them)",
        (stamp.y0 + stamp.y1) / 2.0,
        body_bottom + 3.0 * LINE,
        MM1,
    );
    let title = d.word(1, "自治区主席", "§7.3.5.4 签发人职务");
    r.near(
        1,
        "§7.3.5.4 签发人职务 two characters left of the 签名章",
        stamp.x0 - mm(title.x1),
        2.0 * CHAR,
        MM1,
    );
    r.near(
        1,
        "§7.3.5.4 签发人职务 centred on the 签名章 vertically",
        mm((title.y0 + title.y1) / 2.0),
        (stamp.y0 + stamp.y1) / 2.0,
        HALF,
    );
    r.face(
        1,
        "§7.3.5.4 签发人职务 in 3号仿宋",
        d.run(1, "自治区主席", "职务"),
        FANG,
        16.0,
        "#000000",
    );
    let stamp_last_line = ((stamp.y1 - 0.5 - TOP) / LINE).floor() as usize + 1;
    order_date(&mut r, &d, "2024年3月20日", stamp_last_line);
    // The 职务, centred on a 签名章 two lines high, sits between two lines of
    // the grid, as §7.3.5.4 puts it; every other line keeps to the grid.
    d.words.retain(|w| w.text != "自治区主席");
    page_rules(&mut r, &d, first_grid_y);
    page_number_rules(&mut r, &d, 1, 1);
    r.finish();
}

#[test]
fn order_format_with_the_name_in_place_of_the_stamp() {
    let d = doc("n-order-name");
    let mut r = Rules::new(&d);
    let first_grid_y = order_head(&mut r, &d, "第129号");
    let last_body = holding(&d, 1, "起施行。");
    let name = d.word(1, "张雨浦", "§7.3.5.4 签发人 name");
    let title = d.word(1, "自治区主席", "§7.3.5.4 签发人职务");
    r.near(
        1,
        "§7.3.5.4 the name four characters from the right",
        mm(name.x1),
        RIGHT - 4.0 * CHAR,
        HALF,
    );
    r.near(
        1,
        "§7.3.5.4 签发人职务 two characters left of the name",
        mm(name.x0 - title.x1),
        2.0 * CHAR,
        HALF,
    );
    r.near(
        1,
        "§7.3.5.4 签发人职务 on the name's line",
        mm(title.y0),
        mm(name.y0),
        0.1,
    );
    let (body, signer) = (grid_line(last_body), grid_line(name));
    r.that(
        1,
        "§7.3.5.4 the name two lines below the 正文",
        body.zip(signer).is_some_and(|(b, s)| s == b + 3),
        format!("正文 on line {body:?}, the name on line {signer:?}"),
    );
    order_date(&mut r, &d, "2024年4月8日", signer.unwrap_or(0));
    page_rules(&mut r, &d, first_grid_y);
    r.finish();
}

#[test]
fn minutes_format_head_and_attendance() {
    let d = doc("o-minutes");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);
    let ink = red_mark(
        &mut r,
        &d,
        &ras,
        "宁夏回族自治区自然资源厅厅务会议纪要",
        35.0,
        "§10.3 纪要标志",
    );
    // 期号 centred one blank line under the 标志; office and date on the next line.
    let issue = d.word(1, "第15期", "§10.3 期号");
    r.near(
        1,
        "§10.3 期号 centred",
        mm(issue.centre_x()),
        (LEFT + RIGHT) / 2.0,
        HALF,
    );
    r.near(
        1,
        "§10.3 期号 one line below the 纪要标志",
        cell_top(issue) - ink.y1,
        LINE,
        MM1,
    );
    let office = d.word(1, "宁夏回族自治区自然资源厅办公室", "§10.3 印发机关");
    let date = d.word(1, "2024年3月15日", "§10.3 日期");
    r.near(
        1,
        "§10.3 the office one character in from the left",
        mm(office.x0),
        LEFT + CHAR,
        HALF,
    );
    r.near(
        1,
        "§10.3 the date one character in from the right",
        mm(date.x1),
        RIGHT - CHAR,
        HALF,
    );
    r.near(
        1,
        "§10.3 office and date on one line",
        mm(date.y0),
        mm(office.y0),
        0.1,
    );
    r.near(
        1,
        "§10.3 office and date on the line after the 期号",
        mm(office.y0 - issue.y0),
        LINE,
        HALF,
    );
    let reds = red_rules(&ras);
    r.that(1, "§10.3 one red rule", reds.len() == 1, reds.len());
    if let Some(rule) = reds.first() {
        r.near(
            1,
            "§10.3 red rule from the 版心's left",
            rule.x0,
            LEFT,
            HALF,
        );
        r.near(
            1,
            "§10.3 red rule to the 版心's right",
            rule.x1,
            RIGHT,
            HALF,
        );
        r.near(
            1,
            "§10.3 red rule 4 mm below the office and date",
            rule.centre - mm(office.y1),
            4.0,
            MM1,
        );
        let first = d.word(1, "2024年3月15日，厅长王建军", "§10.3 正文");
        let gap = cell_top(first) - rule.centre;
        r.that(
            1,
            "§10.3 正文 two lines below the red rule (on the next line of the grid)",
            (2.0 * LINE - MM1..3.0 * LINE).contains(&gap),
            format!("{gap:.2} mm"),
        );
    }
    attendance(&mut r, &d);
    page_rules(&mut r, &d, mm(office.y1) + 1.0);
    r.finish();
}

/// 出席, 请假, 列席: after one blank line, two characters in, the label in
/// 3号黑体 with its colon, the names in 3号仿宋 aligned after it (§10.3).
fn attendance(r: &mut Rules, d: &Doc) {
    let present = (d.words.iter())
        .find(|w| w.text.starts_with("出席：王建军（厅长）"))
        .expect("§10.3 出席");
    let page = present.page;
    let last_body = d
        .lines(page)
        .into_iter()
        .take_while(|w| w.y0 < present.y0)
        .last()
        .expect("正文 above the 出席 list");
    r.that(
        page,
        "§10.3 出席 after one blank line below the 正文",
        grid_line(present)
            .zip(grid_line(last_body))
            .is_some_and(|(p, b)| p == b + 2),
        format!("{:?} after {:?}", grid_line(present), grid_line(last_body)),
    );
    let wrapped = d
        .words_on(page)
        .find(|w| grid_line(w).is_some() && grid_line(w) == grid_line(present).map(|l| l + 1))
        .expect("§10.3 the 出席 list wraps onto a second line");
    let absent = d.word(page, "请假：陈玉明", "§10.3 请假");
    let observers = d.word(page, "列席：国土空间规划处马晓燕", "§10.3 列席");
    for w in [present, absent, observers] {
        r.near(
            page,
            "§10.3 出席、请假、列席 two characters in",
            mm(w.x0),
            LEFT + 2.0 * CHAR,
            HALF,
        );
        let label: String = w.text.chars().take(3).collect();
        let run = d.run(page, &label, "§10.3 label");
        r.face(
            page,
            &format!("§10.3 `{label}` in 3号黑体"),
            run,
            HEI,
            16.0,
            "#000000",
        );
    }
    let names = d.run(page, "王建军（厅长）", "§10.3 出席 names");
    r.face(page, "§10.3 names in 3号仿宋", names, FANG, 16.0, "#000000");
    r.near(
        page,
        "§10.3 names start after the colon",
        mm(names.left),
        LEFT + 5.0 * CHAR,
        HALF,
    );
    r.near(
        page,
        "§10.3 a wrapped line aligned after the colon",
        mm(wrapped.x0),
        LEFT + 5.0 * CHAR,
        HALF,
    );
    let lines = [present, wrapped, absent, observers].map(grid_line);
    r.that(
        page,
        "§10.3 出席 (two lines), 请假 and 列席 each on the next line",
        lines.iter().all(Option::is_some)
            && lines.windows(2).all(|p| p[1].unwrap() == p[0].unwrap() + 1),
        format!("{lines:?}"),
    );
}

/// The element of `html` with class `class`, as text (its first one).
fn by_class(html: &str, class: &str) -> String {
    let at = html
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no element of class {class}"));
    let start = html[..at].rfind('<').unwrap();
    let tag: String = html[start + 1..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let end = html[at..].find(&format!("</{tag}>")).unwrap() + at;
    html_text(&html[start..end])
}

#[test]
fn the_pages_show_the_mark_number_and_attendance_and_the_index_filters_each_format() {
    let p = built();
    let order = p.read("m-order.html");
    assert!(order.contains("class=\"gongwen format-order\""), "{order}");
    assert_eq!(
        by_class(&order, "issuer-mark").trim(),
        "宁夏回族自治区人民政府令"
    );
    assert_eq!(by_class(&order, "number"), "第128号");
    assert_eq!(by_class(&order, "signer"), "自治区主席张雨浦");
    assert!(order.contains("<dt>令号</dt><dd>第128号</dd>"), "{order}");

    let minutes = p.read("o-minutes.html");
    assert!(minutes.contains("class=\"gongwen format-minutes\""));
    assert_eq!(
        by_class(&minutes, "issuer-mark").trim(),
        "宁夏回族自治区自然资源厅厅务会议纪要"
    );
    assert_eq!(by_class(&minutes, "number"), "第15期");
    assert_eq!(
        by_class(&minutes, "minutes-line"),
        "宁夏回族自治区自然资源厅办公室2024年3月15日"
    );
    assert_eq!(
        by_class(&minutes, "present"),
        "出席：王建军（厅长）、李文华（副厅长）、张志强（副厅长）、赵丽萍（总工程师）、刘国栋（总规划师）"
    );
    assert_eq!(
        by_class(&minutes, "absent"),
        "请假：陈玉明（副厅长，在京参加自然资源部会议）"
    );
    assert!(by_class(&minutes, "observers").starts_with("列席：国土空间规划处马晓燕、"));
    // The 标志 is red on the page too.
    let css = p.read("assets/style.css");
    assert!(css.contains(".issuer-mark { color: var(--red);"), "{css}");

    // The index has a filter for each format, listing its letters.
    let index = p.read("index.html");
    for (page, label, letter) in [
        ("order", "命令格式", "m-order.html"),
        ("minutes", "纪要格式", "o-minutes.html"),
    ] {
        assert!(
            index.contains(&format!("_by/format/{page}.html")),
            "{index}"
        );
        assert!(html_text(&index).contains(label));
        let filter = p.read(&format!("_by/format/{page}.html"));
        assert!(filter.contains(letter), "{filter}");
        assert!(!filter.contains("c-letter.html"), "{filter}");
    }
}
