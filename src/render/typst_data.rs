//! The JSON the Typst layout (`templates/gongwen.typ`) reads through
//! `sys.inputs.data`: the print form of the model, the body as blocks and
//! the attachments' pages.

use serde::Serialize;

use super::blocks::{blocks, Block};
use super::title_lines::title_lines;
use super::{Renderer, Rendering};
use crate::diagnostic::Diagnostics;
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
pub struct TypstData;

impl Renderer for TypstData {
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
        let mut data = serde_json::to_value(&data).expect("letter data serialises");
        cut_runs(&mut data["body"]);
        for attachment in data["attachments"].as_array_mut().into_iter().flatten() {
            cut_runs(&mut attachment["body"]);
        }
        Ok(serde_json::to_vec(&data).expect("letter data serialises"))
    }
}

pub use marks::cut_runs;

/// The body's text runs cut into the pieces the layout sets one by one
/// (its `cj`): runs of text and single marks, each with its kind. Cut here
/// once, not by a regex in Typst script at every layout of every run.
mod marks {
    use serde_json::{json, Value};

    /// Closing marks: a line may not start with one (as the layout's `CLOSE`).
    const CLOSE: &str = "，。、；：？！）》」』】〕〉］｝”’";
    /// Opening marks: a line may not end with one (`OPEN`).
    const OPEN: &str = "（《「『【〔〈［｛“‘";
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

    /// `[kind, text]` pairs: `r` a run of text, `c` a closing mark, `n` one
    /// of [`BREAKS_AFTER_SPACE`], `f` a closing mark before an accent (never
    /// compressed), `o` an opening mark, `d` the 间隔号 `·`.
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
            if run < at {
                cut.push(("r", &text[run..at]));
            }
            let end = at + c.len_utf8();
            let kind = match kind {
                "c" if text[end..].starts_with(|n| ACCENTS.contains(n)) => "f",
                "c" if BREAKS_AFTER_SPACE.contains(c) => "n",
                other => other,
            };
            cut.push((kind, &text[at..end]));
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
                pieces("现就（一）阿卜杜·热合曼，。`a：b；：`"),
                json!([
                    ["r", "现就"],
                    ["o", "（"],
                    ["r", "一"],
                    ["c", "）"],
                    ["r", "阿卜杜"],
                    ["d", "·"],
                    ["r", "热合曼"],
                    ["c", "，"],
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
