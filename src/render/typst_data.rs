//! The JSON the Typst layout (`templates/gongwen.typ`) reads through
//! `sys.inputs.data`: the print form of the model, the body as blocks and
//! the attachments' pages.

use serde::Serialize;

use super::blocks::{blocks, Block};
use super::title_lines::title_lines;
use super::typeset::lines::set_paragraph;
use super::{Renderer, Rendering};
use crate::diagnostic::Diagnostics;
use crate::glyphs::FontBook;
use crate::letter::Meta;

#[derive(Debug, Serialize)]
pub struct LetterData<'a> {
    /// Unique among the letters typst lays out together (a chunk shares one
    /// set of labels), so the layout's markers of one letter never meet another's.
    pub id: String,
    #[serde(flatten)]
    pub fields: &'a Meta,
    pub body: Vec<Block>,
    pub attachments: Vec<AttachmentData<'a>>,
}

#[derive(Debug, Serialize)]
pub struct AttachmentData<'a> {
    pub name: &'a str,
    /// The name as the attachment page's title lines.
    pub title_lines: Vec<String>,
    pub body: Option<Vec<Block>>,
}

/// Typst resolves a path starting with `/` against `--root`, the project.
const IMAGE_PREFIX: &str = "/";

/// The layout's data of a letter, as JSON bytes for `sys.inputs`.
pub struct TypstData<'a> {
    /// The fonts typst sets the letter in: their advances tell how wide its
    /// digits and Latin letters are, in the counts of lines below.
    pub fonts: &'a FontBook,
}

impl Renderer for TypstData<'_> {
    type Output = Vec<u8>;

    fn render(&self, r: &Rendering<'_>) -> Result<Vec<u8>, Diagnostics> {
        let m = &r.letter.meta;
        let data = LetterData {
            id: crate::project::url(&r.letter.source),
            fields: m,
            body: blocks(r.body, IMAGE_PREFIX),
            attachments: (m.attachments.iter())
                .zip(r.attachments)
                .map(|(a, b)| AttachmentData {
                    name: a.name(),
                    title_lines: title_lines(&[a.name().to_string()]),
                    body: b.as_ref().map(|b| blocks(b, IMAGE_PREFIX)),
                })
                .collect(),
        };
        let mut value = serde_json::to_value(&data).expect("letter data serialises");
        self.set_body(&mut value["body"], &data.body);
        lines::hint_last_paragraph(&mut value["body"], self.fonts);
        lines::hint_title(&mut value);
        lines::hint_closing(&mut value, self.fonts);
        let attachments = value["attachments"].as_array_mut().into_iter().flatten();
        for (json, attachment) in attachments.zip(&data.attachments) {
            if let Some(body) = &attachment.body {
                self.set_body(&mut json["body"], body);
            }
            lines::hint_title(json);
        }
        Ok(serde_json::to_vec(&value).expect("letter data serialises"))
    }
}

impl TypstData<'_> {
    /// The body's blocks as the layout sets them: each paragraph that gongwen
    /// can break into lines as its `text_runs`, `first_face` and `lines` (in
    /// place of its inlines), the other text runs cut into marks and runs.
    fn set_body(&self, json: &mut serde_json::Value, blocks: &[Block]) {
        for (json, block) in json.as_array_mut().into_iter().flatten().zip(blocks) {
            let Block::Paragraph { inlines } = block else {
                continue;
            };
            let Some(paragraph) = set_paragraph(inlines, self.fonts) else {
                continue;
            };
            let serde_json::Value::Object(set) =
                serde_json::to_value(&paragraph).expect("a paragraph serialises")
            else {
                unreachable!("a paragraph is an object")
            };
            if let Some(map) = json.as_object_mut() {
                map.remove("inlines");
                map.extend(set);
            }
        }
        cut_runs(json);
    }
}

pub use marks::cut_runs;

/// How many lines a text takes, where its characters alone tell, so that
/// the layout need not lay it out once more only to know: the body's last
/// paragraph (a paragraph of two lines is kept whole before the signature,
/// see `closing-after-paragraph`), each line of a title (one too long for
/// its line is wrapped into balanced lines, see `title-block`), and the
/// signature and the 版记, whose heights decide where they go.
mod lines {
    use serde_json::Value;

    use crate::glyphs::{narrow, Face, FontBook};
    use crate::render::typeset::lines::{ideograph, mark};

    /// Cells of the first line (28, less the indent of two).
    const FIRST_LINE: f32 = 26.0;
    /// Cells of two lines. (A cell of margin either way: the tracking given
    /// back after each run and the justification's hair are far below one.)
    const TWO_LINES: f32 = 54.0;
    /// The margin of a count from the fonts' own advances, where nothing
    /// is left to guess but the hair a line's last glyph gives back (0.01
    /// of a cell) and the rounding.
    const EXACT_MARGIN: f32 = 0.25;
    /// The body's size and its character pitch, in pt (the layout's `FS` and `P`).
    const FS: f32 = crate::render::typeset::lines::FS as f32;
    const PITCH: f32 = crate::render::typeset::lines::PITCH as f32;

    /// Cells of a title's line (the 版心 holds 20.1 characters of 2号).
    const TITLE_LINE: f32 = 20.0;

    /// Sets `"title_fit"` beside `"title_lines"` of `value`: for each line,
    /// whether it surely fits the 版心's width.
    pub fn hint_title(value: &mut Value) {
        let Some(lines) = value["title_lines"].as_array() else {
            return;
        };
        let fit: Vec<bool> = (lines.iter())
            .map(|line| {
                line.as_str()
                    .and_then(|l| lines_of(l, TITLE_LINE))
                    .is_some()
            })
            .collect();
        value["title_fit"] = fit.into();
    }

    /// Cells of the 署名's line: the 版心 less the two on its right, where
    /// it wraps (see `signature`; with a seal it is centred over the date).
    const SIGNATURE_LINE: f32 = 26.0;
    /// Cells of the date's line: two less again, on its left.
    const DATE_LINE: f32 = 24.0;
    /// Cells of 4号 in a line of the 版记's 抄送, its label included: the
    /// 版心 less the indent of a character either side (28.6).
    const COPIED_LINE: f32 = 28.0;
    /// Cells of 4号 in the 印发 line: the 版心 less the indents (28.6).
    const PRINTED_LINE: f32 = 28.0;

    /// Sets `"signature_lines"` (the 署名 and the date), `"note_lines"`
    /// (the 附注 under them) and `"banji_lines"` (the 版记 of a format that
    /// places it at the foot of an even page) on `data` when each of their
    /// lines surely holds its text: their heights, in grid lines, decide
    /// where they go. The fields are read as the layout reads them
    /// (`signature`, `note-par`, `banji`).
    pub fn hint_closing(data: &mut Value, fonts: &FontBook) {
        let format = data["format_key"].as_str().unwrap_or("plain");
        let plain_signature = format != "order" && format != "minutes";
        let banji = (format != "letter").then(|| banji_lines(data));
        let hints = [
            (
                "signature_lines",
                plain_signature.then(|| signature_lines(data)),
            ),
            (
                "note_lines",
                plain_signature.then(|| note_lines(data, fonts)),
            ),
            ("banji_lines", banji.map(|n| n.filter(|n| *n > 0))),
        ];
        for (key, lines) in hints {
            if let Some(Some(n)) = lines {
                data[key] = n.into();
            }
        }
    }

    fn signature_lines(data: &Value) -> Option<u32> {
        let issuer = lines_of(field(data, "issuer")?, SIGNATURE_LINE)?;
        Some(issuer + lines_of(field(data, "date")?, DATE_LINE)?)
    }

    /// The 附注 is not justified (`note-par`): its marks keep their cells,
    /// and its lines break where they must, so that its width, from the
    /// fonts' advances, tells one line or two.
    fn note_lines(data: &Value, fonts: &FontBook) -> Option<u32> {
        let note = field(data, "note")?;
        if note.trim().is_empty() {
            return Some(0);
        }
        let note = format!("（{note}）");
        let mut count = Cells::ragged(fonts);
        count.add_text(&note)?;
        if count.most <= FIRST_LINE - EXACT_MARGIN {
            return Some(1);
        }
        // The first line ends at its last break that fits: it leaves at
        // most the widest piece that cannot be broken to the second.
        let surely_two = count.least >= FIRST_LINE + EXACT_MARGIN
            && count.most + widest_unbroken(&note, fonts)? <= TWO_LINES - EXACT_MARGIN;
        surely_two.then_some(2)
    }

    /// A bound on the widest piece of a ragged text that no line break cuts:
    /// each run of characters other than Chinese ones and spaces (a number,
    /// a word, marks in a row), with the Chinese character either side that
    /// a mark may keep with it.
    fn widest_unbroken(text: &str, fonts: &FontBook) -> Option<f32> {
        let count = Cells::ragged(fonts);
        let (mut widest, mut run): (f32, f32) = (1.0, 0.0);
        for c in text.chars().chain([' ']) {
            if c == ' ' || ideograph(c) {
                widest = widest.max(run + 2.0);
                run = 0.0;
            } else {
                run += count.cells(c)?.1;
            }
        }
        Some(widest)
    }

    fn banji_lines(data: &Value) -> Option<u32> {
        let copied: Vec<&str> = match &data["cc"] {
            Value::Null => Vec::new(),
            Value::Array(cc) => (cc.iter())
                .map(|c| c.as_str().unwrap_or(""))
                .filter(|c| !c.trim().is_empty())
                .collect(),
            _ => return None,
        };
        // (Each line of the list in the column beside 抄送：, three cells.)
        let copied = if copied.is_empty() {
            0
        } else {
            lines_of(&format!("抄送：{}。", copied.join("，")), COPIED_LINE)?
        };
        let printer = field(data, "printer")?;
        let printed = if printer.trim().is_empty() {
            0
        } else {
            let date = field(data, "print_date")?;
            let date = if date.trim().is_empty() {
                String::new()
            } else {
                format!("{date}印发")
            };
            lines_of(&format!("{printer}{date}"), PRINTED_LINE)?
        };
        Some(copied + printed)
    }

    /// A text field as the layout reads it (`tostr`): none is "", a value
    /// of another kind is left to the layout.
    fn field<'v>(data: &'v Value, key: &str) -> Option<&'v str> {
        match &data[key] {
            Value::Null => Some(""),
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// 0 for a text that prints nothing, 1 for one that surely fits a line
    /// of `cells` (with a cell of margin), `None` when it may not.
    fn lines_of(text: &str, cells: f32) -> Option<u32> {
        if text.trim().is_empty() {
            return Some(0);
        }
        let mut count = Cells::default();
        count.add_text(text)?;
        (count.most <= cells - 1.0).then_some(1)
    }

    /// Sets `"lines": "one"` on the last block of `body` when it is a
    /// paragraph that surely fits its first line, `"many"` when it surely
    /// takes three lines or more. (A paragraph gongwen broke into its lines
    /// has its count already, "two" among them.)
    pub fn hint_last_paragraph(body: &mut Value, fonts: &FontBook) {
        let Some(last) = body.as_array_mut().and_then(|b| b.last_mut()) else {
            return;
        };
        if last["kind"] != "paragraph" {
            return;
        }
        if last.get("text_runs").is_some() {
            // Broken into lines by gongwen, and counted there.
            return;
        }
        let mut cells = Cells::justified(fonts);
        if cells.add_inlines(&last["inlines"]).is_none() {
            return;
        }
        let hint = if cells.most <= FIRST_LINE - 1.0 {
            "one"
        } else if cells.least >= TWO_LINES + 1.0 {
            "many"
        } else {
            return;
        };
        last["lines"] = hint.into();
    }

    /// The least and the most cells a paragraph's text can take.
    #[derive(Default)]
    struct Cells<'f> {
        least: f32,
        most: f32,
        /// The fonts, for the widths of the body face's narrow characters
        /// (without them, a narrow character takes from nothing to a cell).
        fonts: Option<&'f FontBook>,
        /// Whether the text is justified: then its marks may give up half
        /// their cells, and its spaces shrink.
        justified: bool,
    }

    impl<'f> Cells<'f> {
        fn justified(fonts: &'f FontBook) -> Cells<'f> {
            Cells {
                fonts: Some(fonts),
                justified: true,
                ..Cells::default()
            }
        }

        fn ragged(fonts: &'f FontBook) -> Cells<'f> {
            Cells {
                fonts: Some(fonts),
                ..Cells::default()
            }
        }

        /// `None` for what the count cannot tell (an image, a line break,
        /// a character of unknown width).
        fn add_inlines(&mut self, inlines: &Value) -> Option<()> {
            for x in inlines.as_array()? {
                match x["kind"].as_str()? {
                    "text" => {
                        for piece in x["pieces"].as_array()? {
                            self.add_text(piece.get(1)?.as_str()?)?;
                        }
                    }
                    "whole" | "code" => self.add_text(x["text"].as_str()?)?,
                    "strong" | "emph" | "strike" | "link" => self.add_inlines(&x["children"])?,
                    _ => return None,
                }
            }
            Some(())
        }

        fn add_text(&mut self, text: &str) -> Option<()> {
            for c in text.chars() {
                let (least, most) = self.cells(c)?;
                self.least += least;
                self.most += most;
            }
            Some(())
        }

        /// The cells a character takes: a Chinese character one; a mark
        /// one, or half when compressed; Latin text, digits and general
        /// punctuation (the quotation marks among them) what their advance
        /// and the tracking give (each character is set one pitch less the
        /// size apart), or at most one.
        fn cells(&self, c: char) -> Option<(f32, f32)> {
            let mark = mark(c);
            match c {
                c if ideograph(c) => return Some((1.0, 1.0)),
                // A line or paragraph separator breaks the line.
                '\u{2028}' | '\u{2029}' => return None,
                // Typst sets no glyph for these.
                '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' => {
                    return Some((0.0, 0.0))
                }
                _ => {}
            }
            let em = if narrow(c) {
                self.fonts.and_then(|f| f.advance(Face::Body, c))
            } else if mark {
                // (A full-width mark is one em in every face.)
                Some(1.0)
            } else {
                return None;
            };
            let Some(cells) = em.map(|em| 1.0 - (1.0 - em) * FS / PITCH) else {
                return Some((0.0, 1.0));
            };
            Some(match (self.justified, mark) {
                (false, _) => (cells, cells),
                // Justified, a mark may give up half its width, a space
                // shrink and a glyph give up a hair.
                (true, true) => (cells / 2.0, cells),
                (true, false) => (0.0, cells),
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use serde_json::json;

        use super::*;
        use crate::render::typst_data::cut_runs;

        use crate::glyphs::repo_fonts as fonts;

        fn hint(inlines: Value) -> Value {
            let mut body = json!([{"kind": "paragraph", "inlines": inlines}]);
            cut_runs(&mut body);
            hint_last_paragraph(&mut body, fonts());
            body[0]["lines"].clone()
        }

        fn text(t: &str) -> Value {
            json!({"kind": "text", "text": t})
        }

        #[test]
        fn a_short_or_long_last_paragraph_is_told_and_one_near_two_lines_is_not() {
            assert_eq!(hint(json!([text("特此函复。")])), "one");
            // The first line holds 26 cells; a cell of margin.
            assert_eq!(hint(json!([text(&"国".repeat(26))])), Value::Null);
            assert_eq!(hint(json!([text(&"国".repeat(25))])), "one");
            // 55 characters, marks compressed: more than two lines hold.
            assert_eq!(hint(json!([text(&"国".repeat(55))])), "many");
            assert_eq!(hint(json!([text(&"国，".repeat(37))])), "many");
            assert_eq!(hint(json!([text(&"国，".repeat(36))])), Value::Null);
            // Latin text may be narrow: it counts for nothing towards "many".
            assert_eq!(hint(json!([text(&"a".repeat(200))])), Value::Null);
            let strong = json!({"kind": "strong", "children": [text(&"国".repeat(30))]});
            assert_eq!(
                hint(json!([strong, {"kind": "whole", "text": &"国".repeat(30)}])),
                "many"
            );
        }

        #[test]
        fn a_title_line_of_nineteen_characters_surely_fits_and_one_of_twenty_may_not() {
            let mut data =
                json!({"title_lines": ["国".repeat(19), "国".repeat(20), "关于（2022）", "🙂"]});
            hint_title(&mut data);
            assert_eq!(data["title_fit"], json!([true, false, true, false]));
        }

        #[test]
        fn the_signature_and_the_banji_are_counted_as_the_layout_sets_them() {
            let hints = |d: &Value| {
                ["signature_lines", "note_lines", "banji_lines"].map(|k| d.get(k).cloned())
            };
            let mut data = json!({
                "format_key": "document", "issuer": "宁夏回族自治区自然资源厅", "date": "2022年6月13日",
                "note": "联系人：单悦，电话：0951-5044257", "cc": ["自治区政协提案委员会", "", null],
                "printer": "宁夏回族自治区自然资源厅办公室", "print_date": "2022年6月13日",
            });
            hint_closing(&mut data, fonts());
            assert_eq!(
                hints(&data),
                [Some(json!(2)), Some(json!(1)), Some(json!(2))]
            );

            // No 附注, no 版记 (a letter's 版记 is a float, never measured).
            let mut data =
                json!({"format_key": "letter", "issuer": "某厅", "date": "", "cc": ["某局"]});
            hint_closing(&mut data, fonts());
            assert_eq!(hints(&data), [Some(json!(1)), Some(json!(0)), None]);

            // A 抄送 list past a line, a 附注 past the first line: measured.
            let cc = vec!["自治区人民政府办公厅"; 3];
            let mut data = json!({"format_key": "plain", "issuer": "某厅", "date": "2022年6月13日",
                "note": "国".repeat(24), "cc": cc, "printer": ""});
            hint_closing(&mut data, fonts());
            assert_eq!(hints(&data), [Some(json!(2)), None, None]);

            // A 署名 that may wrap (at two characters from the right), or a
            // date that may (two more in): measured.
            for (issuer, date) in [
                ("国".repeat(26), "2022年6月13日"),
                ("某厅".into(), &"日".repeat(24)),
            ] {
                let mut data = json!({"format_key": "plain", "issuer": issuer, "date": date});
                hint_closing(&mut data, fonts());
                assert_eq!(data.get("signature_lines"), None, "{issuer} {date}");
            }

            // An order's signature is not the plain one.
            let mut data = json!({"format_key": "order", "issuer": "某厅", "cc": ["某局"]});
            hint_closing(&mut data, fonts());
            assert_eq!(hints(&data), [None, None, Some(json!(1))]);
        }

        #[test]
        fn a_note_is_counted_from_the_fonts_advances() {
            let lines = |note: &str, fonts: &FontBook| {
                let mut data =
                    json!({"format_key": "plain", "issuer": "某厅", "date": "", "note": note});
                hint_closing(&mut data, fonts);
                data.get("note_lines").cloned()
            };
            let (one, two) = (
                "联系单位及电话：国土空间修复处 单悦 0951-5044257",
                "联系单位及电话：国土空间生态修复处 单悦 0951-5044257",
            );
            // 25.4 cells of the first line's 26: a digit takes half a cell.
            assert_eq!(lines(one, fonts()), Some(json!(1)));
            // 27.4 cells, and the number (6.2 cells) is never broken: two lines.
            assert_eq!(lines(two, fonts()), Some(json!(2)));
            // Without the fonts' advances a digit may take a cell: neither is told.
            let unknown = FontBook::default();
            assert_eq!((lines(one, &unknown), lines(two, &unknown)), (None, None));
            // A word that may leave most of the first line empty: not told.
            assert_eq!(lines(&("国".repeat(20) + &"a".repeat(60)), fonts()), None);
            assert_eq!(lines(&"国".repeat(60), fonts()), None);
        }

        #[test]
        fn what_the_count_cannot_tell_is_left_to_the_layout() {
            assert_eq!(
                hint(json!([text("特此"), {"kind": "break"}, text("函复")])),
                Value::Null
            );
            assert_eq!(hint(json!([text("特此函复🙂")])), Value::Null);
            let mut body =
                json!([{"kind": "paragraph", "inlines": [text("特此函复。")]}, {"kind": "table"}]);
            hint_last_paragraph(&mut body, fonts());
            assert_eq!(body[0].get("lines"), None);
        }
    }
}

/// The body's text runs cut into the pieces the layout sets one by one
/// (its `cj`): runs of text and marks, each with its kind. Cut here once,
/// not by a regex in Typst script at every layout of every run.
mod marks {
    use serde_json::{json, Value};

    use crate::render::typeset::lines::{CLOSE, OPEN};
    /// The closing marks a line may start with after a space
    /// (`BREAKS-AFTER-SPACE`): the layout puts a word joiner before them.
    const BREAKS_AFTER_SPACE: &str = "；：’";
    /// Spacing accents (`ACCENT`): one drawn over a mark's blank half reads
    /// back as a combining accent, so a mark before one is never compressed.
    const ACCENTS: &str = "`^´¨~˜¯˘˙˚˝¸˛";

    /// Replaces the `text` of every `{"kind": "text"}` inline under `value`
    /// by its `pieces`.
    pub fn cut_runs(value: &mut Value) {
        match value {
            Value::Array(items) => items.iter_mut().for_each(cut_runs),
            Value::Object(map) => {
                if map.get("kind").and_then(Value::as_str) == Some("text") {
                    if let Some(Value::String(text)) = map.remove("text") {
                        map.insert("pieces".into(), pieces(&text));
                    }
                } else {
                    map.values_mut().for_each(cut_runs);
                }
            }
            _ => {}
        }
    }

    /// `[kind, text]` pairs: `r` a run of text, `c` a closing mark with the
    /// run before it (a piece of its own only after another mark: two marks
    /// in one run would always be compressed together), `n` one of
    /// [`BREAKS_AFTER_SPACE`], `f` a closing mark before an accent (never
    /// compressed), `o` an opening mark, `d` the 间隔号 `·`.
    ///
    /// (An opening mark keeps a run of its own: at a run's start it would
    /// carry tracking, and Typst takes a quotation mark for a CJK one only
    /// at its full width.)
    pub fn pieces(text: &str) -> Value {
        let mut cut: Vec<(&str, &str)> = Vec::new();
        let mut run = 0;
        for (at, c) in text.char_indices() {
            let kind = match c {
                '·' => "d",
                c if CLOSE.contains(c) => "c",
                c if OPEN.contains(c) => "o",
                _ => continue,
            };
            let end = at + c.len_utf8();
            let kind = match kind {
                "c" if text[end..].starts_with(|n| ACCENTS.contains(n)) => "f",
                "c" if BREAKS_AFTER_SPACE.contains(c) => "n",
                other => other,
            };
            if kind == "c" && run < at {
                cut.push(("c", &text[run..end]));
            } else {
                if run < at {
                    cut.push(("r", &text[run..at]));
                }
                cut.push((kind, &text[at..end]));
            }
            run = end;
        }
        if run < text.len() {
            cut.push(("r", &text[run..]));
        }
        Value::Array(cut.into_iter().map(|(k, t)| json!([k, t])).collect())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn runs_and_marks_come_apart_as_the_layout_sets_them() {
            assert_eq!(
                pieces("现就（一）阿卜杜·热合曼，。”。`a：b；：`"),
                json!([
                    ["r", "现就"],
                    ["o", "（"],
                    ["c", "一）"],
                    ["r", "阿卜杜"],
                    ["d", "·"],
                    ["c", "热合曼，"],
                    ["c", "。"],
                    ["c", "”"],
                    ["f", "。"],
                    ["r", "`a"],
                    ["n", "："],
                    ["r", "b"],
                    ["n", "；"],
                    ["f", "："],
                    ["r", "`"]
                ])
            );
            assert_eq!(pieces(""), json!([]));
        }
    }
}
