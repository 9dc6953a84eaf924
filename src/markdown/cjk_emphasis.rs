//! CommonMark's flanking rules miss `**一是加强保护。**具体措施`: a closing
//! `**` after a full stop and before a Chinese character is not
//! "right-flanking", so the bold lead-ins every 公文 uses stay literal.
//! pulldown-cmark 0.13 has no CJK-friendly option yet (its upstream PR #1059
//! is unreleased), so the source is mended before the real parse: where a
//! `*` run was left as text and its pairing needs it, a space character
//! (U+205F) is put beside it, which makes it flank; the renderers then drop
//! that character again ([`SENTINEL`]).

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A Unicode space (Zs) that no letter contains; removed from the parsed text.
pub const SENTINEL: char = '\u{205F}';

/// The source with sentinels inserted where unmatched `*` runs need them.
pub fn mend(text: &str, options: pulldown_cmark::Options) -> std::borrow::Cow<'_, str> {
    // Most bodies have no `*` at all; they need no first parse.
    if !text.contains('*') {
        return text.into();
    }
    let runs = star_runs(literal_stars(text, options));
    let inserts = sentinel_places(text, runs);
    if inserts.is_empty() {
        return text.into();
    }
    with_sentinels(text, &inserts).into()
}

/// Literal `*` left by the parser, as (block number, byte offset); one
/// run of stars comes as several text events.
fn literal_stars(text: &str, options: pulldown_cmark::Options) -> Vec<(usize, usize)> {
    let mut stars = Vec::new();
    let mut block = 0;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => block += 1,
            Event::Text(_) => {
                for (i, _) in text[range.clone()].match_indices('*') {
                    let at = range.start + i;
                    if !text[..at].ends_with('\\') {
                        stars.push((block, at));
                    }
                }
            }
            _ => {}
        }
    }
    stars
}

/// The literal stars joined into runs (`**` is one run), each with its block.
fn star_runs(stars: Vec<(usize, usize)>) -> Vec<(usize, Range<usize>)> {
    let mut runs: Vec<(usize, Range<usize>)> = Vec::new();
    for (block, at) in stars {
        match runs.last_mut() {
            Some((b, run)) if *b == block && run.end == at => run.end += 1,
            _ => runs.push((block, at..at + 1)),
        }
    }
    runs
}

/// Byte offsets where a sentinel goes: before an opening run that follows a
/// word and precedes punctuation, after a closing run that follows
/// punctuation and precedes a word. Runs pair up by block and length.
fn sentinel_places(text: &str, runs: Vec<(usize, Range<usize>)>) -> Vec<usize> {
    let mut inserts = Vec::new();
    // Per block and run length: is an opener waiting for its closer?
    let mut waiting: Vec<(usize, usize)> = Vec::new();
    for (block, run) in runs {
        let key = (block, run.len());
        let opening = match waiting.iter().position(|k| *k == key) {
            Some(i) => {
                waiting.remove(i);
                false
            }
            None => {
                waiting.push(key);
                true
            }
        };
        let before = text[..run.start].chars().next_back();
        let after = text[run.end..].chars().next();
        if opening && before.is_some_and(is_word) && after.is_some_and(is_punctuation) {
            inserts.push(run.start);
        } else if !opening && before.is_some_and(is_punctuation) && after.is_some_and(is_word) {
            inserts.push(run.end);
        }
    }
    inserts
}

/// `text` with a [`SENTINEL`] at each of `inserts` (ascending byte offsets).
fn with_sentinels(text: &str, inserts: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + inserts.len() * 3);
    let mut last = 0;
    for &at in inserts {
        out.push_str(&text[last..at]);
        out.push(SENTINEL);
        last = at;
    }
    out.push_str(&text[last..]);
    out
}

fn is_word(c: char) -> bool {
    !c.is_whitespace() && !is_punctuation(c)
}

/// Punctuation as CommonMark counts it, for the characters letters use.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F
            | 0xFE10..=0xFE19 | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Options;

    fn html(text: &str) -> String {
        let mended = mend(text, Options::empty());
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new(&mended));
        out.replace(SENTINEL, "")
    }

    #[test]
    fn bold_lead_ins_close_before_chinese() {
        assert_eq!(
            html("**一是加强保护。**具体措施。"),
            "<p><strong>一是加强保护。</strong>具体措施。</p>\n"
        );
        assert_eq!(
            html("前文。**二是加强。**后文，**三是“落实”**其他"),
            "<p>前文。<strong>二是加强。</strong>后文，<strong>三是“落实”</strong>其他</p>\n"
        );
    }

    #[test]
    fn opening_before_punctuation_after_a_character() {
        assert_eq!(
            html("印发**《办法》**的通知"),
            "<p>印发<strong>《办法》</strong>的通知</p>\n"
        );
    }

    #[test]
    fn leaves_code_escapes_and_plain_text_alone() {
        assert_eq!(
            html("`a。**b` 和 \\*\\*x。\\*\\*y"),
            "<p><code>a。**b</code> 和 **x。**y</p>\n"
        );
        assert!(matches!(
            mend("普通**粗**文字", Options::empty()),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
