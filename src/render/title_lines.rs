//! Where a long title breaks. GB/T 9704 §7.3.1: the 标题 keeps words whole and
//! its lines take the shape of a trapezoid or a diamond, never a rectangle or
//! an hourglass. Words come from the jieba segmenter; the shapes are scored here
//! so that Typst only prints the lines it is given.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use jieba_rs::Jieba;

/// How many 2号 (22 pt) characters fit on a line of the 版心: 156 mm = 442 pt.
pub const LINE_EMS: f64 = 20.0;

/// The title's lines: the author's breaks when given, else breaks between words.
pub fn title_lines(author_lines: &[String]) -> Vec<String> {
    if author_lines.len() != 1 || ems(&author_lines[0]) <= LINE_EMS {
        return author_lines.to_vec();
    }
    let title = &author_lines[0];
    let key = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(title.as_bytes()));
    if let Some(ends) = known().lock().expect("not poisoned").get(&key) {
        if let Some(lines) = split_at(title, ends) {
            return lines;
        }
    }
    let lines = break_words(&words(title));
    let ends = lines.iter().map(|l| l.chars().count()).collect();
    known().lock().expect("not poisoned").insert(key, ends);
    lines
}

/// Breaks found before, as the title's hash → the length of each line in
/// characters. Loading jieba's dictionary costs more than laying out a
/// letter, so a build keeps these from one run to the next (hashes and
/// numbers only: no title is written down).
pub type Breaks = BTreeMap<String, Vec<usize>>;

fn known() -> &'static Mutex<Breaks> {
    static KNOWN: OnceLock<Mutex<Breaks>> = OnceLock::new();
    KNOWN.get_or_init(Default::default)
}

/// Adds breaks remembered from an earlier run.
pub fn remember(breaks: Breaks) {
    known().lock().expect("not poisoned").extend(breaks);
}

/// Every break known now, to keep for the next run.
pub fn remembered() -> Breaks {
    known().lock().expect("not poisoned").clone()
}

fn split_at(title: &str, lengths: &[usize]) -> Option<Vec<String>> {
    let chars: Vec<char> = title.chars().collect();
    if lengths.iter().sum::<usize>() != chars.len() {
        return None;
    }
    let mut at = 0;
    Some(
        lengths
            .iter()
            .map(|n| {
                let line: String = chars[at..at + n].iter().collect();
                at += n;
                line
            })
            .collect(),
    )
}

/// The width of `s` in ems of the title face: Latin letters, digits and their
/// punctuation are half-width, everything else full-width.
pub fn ems(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

const CLOSING: &str = "，。、；：？！）》」』】〕〉］｝”’";
const OPENING: &str = "（《「『【〔〈［｛“‘";

/// The title cut into the units a line may break between: words, with a closing
/// mark kept on the word before it and an opening mark on the word after it.
fn words(title: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut glue_next = false;
    for token in jieba().cut(title, true) {
        let w = token.word;
        let closing = w.chars().all(|c| CLOSING.contains(c));
        match units.last_mut() {
            Some(last) if glue_next || closing => last.push_str(w),
            _ => units.push(w.to_string()),
        }
        glue_next = w.chars().all(|c| OPENING.contains(c));
    }
    units
}

/// How many partial breakings the search may try before it settles for
/// [`fill_lines`]: the search is exhaustive, and its cost grows with the
/// number of words to the power of the number of lines.
const SEARCH_BUDGET: usize = 200_000;

/// The best breaking of `units` into the fewest lines that fit.
fn break_words(units: &[String]) -> Vec<String> {
    let widths: Vec<f64> = units.iter().map(|u| ems(u)).collect();
    let total: f64 = widths.iter().sum();
    let fewest = (total / LINE_EMS).ceil().max(1.0) as usize;
    let mut budget = SEARCH_BUDGET;
    for n in fewest..=units.len() {
        let mut best: Option<(f64, Vec<usize>)> = None;
        let search = Search {
            widths: &widths,
            lines: n,
        };
        let finished = search.each(&mut Vec::new(), &mut budget, &mut |cuts| {
            let cost = shape_cost(&line_widths(&widths, cuts));
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, cuts.to_vec()));
            }
        });
        if !finished {
            return lines(units, &fill_lines(&widths));
        }
        if let Some((_, cuts)) = best {
            return lines(units, &cuts);
        }
    }
    // A single word longer than a line: nothing to choose, Typst wraps it.
    vec![units.concat()]
}

/// The breakings of units of the given widths into `lines` lines that each fit.
struct Search<'a> {
    widths: &'a [f64],
    lines: usize,
}

impl Search<'_> {
    /// Calls `f` with every choice of `lines - 1` ascending cut points in
    /// `1..len` whose lines fit; a line that is already too wide is not
    /// extended. False when the budget ran out first.
    fn each(
        &self,
        cuts: &mut Vec<usize>,
        budget: &mut usize,
        f: &mut impl FnMut(&[usize]),
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let from = cuts.last().copied().unwrap_or(0);
        if cuts.len() + 1 == self.lines {
            if self.widths[from..].iter().sum::<f64>() <= LINE_EMS {
                f(cuts);
            }
            return true;
        }
        let mut width = 0.0;
        for c in from + 1..self.widths.len() {
            width += self.widths[c - 1];
            if width > LINE_EMS {
                break;
            }
            cuts.push(c);
            let finished = self.each(cuts, budget, f);
            cuts.pop();
            if !finished {
                return false;
            }
        }
        true
    }
}

/// Cuts that fill each line as far as it goes: linear, for titles too long
/// for the search (the longest titles are refused when a letter is read).
fn fill_lines(widths: &[f64]) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut width = 0.0;
    for (i, w) in widths.iter().enumerate() {
        if i > 0 && width + w > LINE_EMS {
            cuts.push(i);
            width = 0.0;
        }
        width += w;
    }
    cuts
}

fn lines(units: &[String], cuts: &[usize]) -> Vec<String> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(units.len());
    bounds
        .windows(2)
        .map(|b| units[b[0]..b[1]].concat())
        .collect()
}

fn line_widths(widths: &[f64], cuts: &[usize]) -> Vec<f64> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(widths.len());
    bounds
        .windows(2)
        .map(|b| widths[b[0]..b[1]].iter().sum())
        .collect()
}

/// Lower is better. Neighbouring lines should differ by about two characters:
/// a visible slope, without a stub of a last line. Longer upper lines (an
/// inverted trapezoid, the common form) or a diamond are preferred; equal lines
/// (a rectangle) and a short middle line (an hourglass) are avoided.
fn shape_cost(widths: &[f64]) -> f64 {
    const STEP: f64 = 2.0;
    let diffs: Vec<f64> = widths.windows(2).map(|w| w[0] - w[1]).collect();
    let slope: f64 = diffs.iter().map(|d| (d.abs() - STEP).abs()).sum();
    let flat = diffs.iter().filter(|d| d.abs() < 0.75).count() as f64;
    let longest = widths
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    let shortest = widths
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    let last = widths.len() - 1;
    let shape = if diffs.iter().all(|d| *d > 0.0) {
        0.0 // wide at the top
    } else if widths.len() > 2 && longest != 0 && longest != last && shortest != longest {
        0.5 // diamond: widest inside
    } else if diffs.iter().all(|d| *d < 0.0) {
        1.5 // wide at the bottom
    } else {
        20.0 // hourglass or other
    };
    slope + 10.0 * flat + shape
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(title: &str) -> Vec<String> {
        title_lines(&[title.to_string()])
    }

    #[test]
    fn breaks_between_words_never_inside() {
        let lines = broken("关于自治区政协十一届五次会议第70号提案协办意见的函");
        assert_eq!(
            lines.concat(),
            "关于自治区政协十一届五次会议第70号提案协办意见的函"
        );
        assert_eq!(lines.len(), 2, "{lines:?}");
        for word in ["提案", "协办", "会议", "自治区", "政协", "意见"] {
            assert!(
                lines.iter().any(|l| l.contains(word)),
                "`{word}` broken: {lines:?}"
            );
        }
        assert!(ems(&lines[0]) > ems(&lines[1]), "wider on top: {lines:?}");
    }

    #[test]
    fn a_title_that_fits_stays_on_one_line() {
        assert_eq!(
            broken("关于银川市申请调整耕地保护目标的复函"),
            vec!["关于银川市申请调整耕地保护目标的复函"]
        );
    }

    #[test]
    fn the_authors_breaks_win() {
        let given = vec![
            "关于自治区政协十一届五次会议第70号".to_string(),
            "提案协办意见的函".to_string(),
        ];
        assert_eq!(title_lines(&given), given);
    }

    #[test]
    fn lines_are_shaped_and_fit() {
        for title in [
            "关于做好2023年度生态保护修复项目储备工作的通知",
            "宁夏回族自治区自然资源厅关于进一步加强和规范全区历史遗留废弃矿山生态修复项目管理工作的通知",
            "关于印发《宁夏回族自治区国土空间生态保护修复专项规划（2021—2035年）》的通知",
        ] {
            let lines = broken(title);
            assert_eq!(lines.concat(), title);
            assert!(lines.len() >= 2, "{lines:?}");
            let w: Vec<f64> = lines.iter().map(|l| ems(l)).collect();
            assert!(w.iter().all(|w| *w <= LINE_EMS), "{lines:?}");
            assert!(
                w.windows(2).all(|p| (p[0] - p[1]).abs() >= 0.75),
                "no two lines alike: {lines:?}"
            );
            for l in &lines {
                assert!(!l.starts_with(|c| CLOSING.contains(c)), "{lines:?}");
                assert!(!l.ends_with(|c| OPENING.contains(c)), "{lines:?}");
            }
        }
    }
}

#[cfg(test)]
mod long_titles {
    use super::*;

    #[test]
    fn a_pasted_page_of_a_title_is_broken_at_once_into_lines_that_fit() {
        let title = "关于进一步加强和规范全区历史遗留废弃矿山生态修复项目管理工作的通知".repeat(40);
        // The unbounded search never came back from this one.
        let lines = title_lines(std::slice::from_ref(&title));
        assert_eq!(lines.concat(), title);
        assert!(lines.iter().all(|l| ems(l) <= LINE_EMS), "{lines:?}");
    }
}

#[cfg(test)]
mod remembered_breaks {
    use super::*;

    #[test]
    fn a_remembered_break_is_used_and_a_stale_one_ignored() {
        let title = "关于自治区政协十一届五次会议第70号提案协办意见的函（测试记忆）".to_string();
        let key = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(title.as_bytes()));
        let count = title.chars().count();
        remember(Breaks::from([(key.clone(), vec![3, count - 3])]));
        let lines = title_lines(std::slice::from_ref(&title));
        assert_eq!(
            lines.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            vec![3, count - 3]
        );
        // Lengths that do not add up (a hash collision, a damaged state): worked out again.
        remember(Breaks::from([(key.clone(), vec![1, 1])]));
        let lines = title_lines(std::slice::from_ref(&title));
        assert_eq!(lines.concat(), title);
        assert_ne!(remembered()[&key], vec![1, 1]);
    }
}
