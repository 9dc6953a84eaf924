//! Half-width `,` `;` `:` `(` `)` `?` `!` in Chinese text, where 公文 uses the
//! full-width ，；：（）？！. A mark counts as in Chinese text when a Chinese
//! character stands next to it (brackets: next to either bracket of the
//! pair, or inside it), so `10:30`, `http://` and English phrases stay.

use std::ops::Range;

use super::document::{is_chinese, Document};
use super::Finding;

const RULE: &str = "half-width-punctuation";

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '(' => '（',
        ')' => '）',
        '?' => '？',
        '!' => '！',
        _ => return None,
    })
}

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    for range in &doc.prose {
        found.extend(check_range(doc, range.clone()));
    }
    found
}

fn check_range(doc: &Document, range: Range<usize>) -> Vec<Finding> {
    let text = &doc.text[range.clone()];
    (flagged_marks(text).into_iter())
        .map(|(at, c)| {
            let wide = full_width(c).expect("only marks are flagged");
            // A full-width mark carries its own spacing: spaces typed beside it go.
            let (mut start, mut end) = (range.start + at, range.start + at + 1);
            if c == '(' {
                start -= text[..at].len() - text[..at].trim_end_matches(' ').len();
            } else {
                end += text[at + 1..].len() - text[at + 1..].trim_start_matches(' ').len();
            }
            Finding::warning(
                RULE,
                doc.line_of(range.start + at),
                format!("half-width `{c}` in Chinese text"),
                format!("write `{wide}`"),
            )
            .fix(start..end, wide.to_string())
        })
        .collect()
}

/// The half-width marks of `text` that stand in Chinese text, with their
/// byte offsets.
fn flagged_marks(text: &str) -> Vec<(usize, char)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Brackets go by pairs, so a fix never leaves （…) behind.
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    for (i, &(_, c)) in chars.iter().enumerate() {
        match c {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
    }
    let chinese_at = |i: Option<usize>| i.is_some_and(|i| is_chinese(chars[i].1));
    let neighbour = |i: usize, forward: bool| -> Option<usize> {
        let mut j = i;
        loop {
            j = if forward { j + 1 } else { j.checked_sub(1)? };
            let &(_, c) = chars.get(j)?;
            if !matches!(c, ' ' | '*' | '_' | '~') {
                return Some(j);
            }
        }
    };
    let mut flagged = vec![false; chars.len()];
    for &(o, c) in &pairs {
        let inside = chars[o + 1..c].iter().any(|&(_, ch)| is_chinese(ch));
        if inside || chinese_at(neighbour(o, false)) || chinese_at(neighbour(c, true)) {
            flagged[o] = true;
            flagged[c] = true;
        }
    }
    let paired: Vec<usize> = pairs.iter().flat_map(|&(o, c)| [o, c]).collect();
    for (i, &(_, c)) in chars.iter().enumerate() {
        if full_width(c).is_some()
            && !paired.contains(&i)
            && (chinese_at(neighbour(i, false)) || chinese_at(neighbour(i, true)))
        {
            flagged[i] = true;
        }
    }
    (chars.into_iter().zip(flagged))
        .filter_map(|(at_c, flagged)| flagged.then_some(at_c))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings, findings_of, fixed};

    const TITLE: &str = "title: 关于某事的函\n";

    fn marks(body: &str) -> Vec<String> {
        findings_of("half-width-punctuation", TITLE, body)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    #[test]
    fn flags_each_half_width_mark_next_to_chinese() {
        assert_eq!(
            marks("经研究,同意;请于10:30前报送:材料(一式两份)?是!\n"),
            vec![
                "half-width `,` in Chinese text",
                "half-width `;` in Chinese text",
                "half-width `:` in Chinese text",
                "half-width `(` in Chinese text",
                "half-width `)` in Chinese text",
                "half-width `?` in Chinese text",
                "half-width `!` in Chinese text",
            ]
        );
    }

    #[test]
    fn leaves_english_times_links_and_code_alone() {
        assert!(marks("见 [网站](https://a.cn/x?a=1) 与 `a, b` 。\n\n10:30, GDP (2024) was up.\n\n```\n甲,乙\n```\n").is_empty());
    }

    #[test]
    fn a_pair_is_fixed_whole() {
        assert_eq!(
            fixed("---\ntitle: 关于某事的函\n---\n报送材料(PDF), 电话: 0951\n"),
            "---\ntitle: 关于某事的函\n---\n报送材料（PDF），电话：0951\n"
        );
    }

    #[test]
    fn the_title_and_note_are_text_too_but_yaml_lists_are_not() {
        let found = findings(
            "title: 关于某事(草案)的函\ncc: [甲厅, 乙厅]\nnote: 联系人:张三\n",
            "",
        );
        let lines: Vec<_> = found.iter().map(|(l, r, _)| (*l, *r)).collect();
        assert_eq!(
            lines,
            vec![
                (2, "half-width-punctuation"),
                (2, "half-width-punctuation"),
                (4, "half-width-punctuation"),
            ]
        );
    }
}
