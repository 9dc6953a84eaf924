//! Heading numbers of 公文: 一、 （一） 1. （1）, counted per level, unless the
//! author typed the number already.

/// The number to print before a heading of `level` (1–4), given what the author typed.
#[derive(Debug, Default)]
pub struct Numbering {
    counters: [usize; 4],
}

impl Numbering {
    /// Returns the number to print ("" when the text already starts with one).
    pub fn next(&mut self, level: usize, text: &str) -> String {
        let i = level.clamp(1, 4) - 1;
        let typed = typed_number(i, text);
        self.counters[i] = typed.unwrap_or(self.counters[i] + 1);
        for deeper in &mut self.counters[i + 1..] {
            *deeper = 0;
        }
        if typed.is_some() {
            return String::new();
        }
        let n = self.counters[i];
        match i {
            0 => format!("{}、", chinese_numeral(n)),
            1 => format!("（{}）", chinese_numeral(n)),
            2 => format!("{n}."),
            _ => format!("（{n}）"),
        }
    }
}

/// The value of the number an author typed at the start of a heading of level `i + 1`.
pub fn typed_number(i: usize, text: &str) -> Option<usize> {
    let text = text.trim_start();
    match i {
        0 => {
            let (n, rest) = text.split_once('、')?;
            parse_chinese_numeral(n).filter(|_| !rest.is_empty() || text.ends_with('、'))
        }
        1 => parse_chinese_numeral(bracketed(text)?),
        2 => {
            let end = text.find(|c: char| !c.is_ascii_digit())?;
            let after = text[end..].chars().next()?;
            if end > 0 && matches!(after, '.' | '．' | '、') {
                text[..end].parse().ok()
            } else {
                None
            }
        }
        _ => bracketed(text)?.parse().ok(),
    }
}

fn bracketed(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(['（', '('])?;
    let end = rest.find(['）', ')'])?;
    Some(&rest[..end])
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

pub fn chinese_numeral(n: usize) -> String {
    match n {
        0..=9 => DIGITS[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

pub fn parse_chinese_numeral(s: &str) -> Option<usize> {
    (1..100).find(|&n| chinese_numeral(n) == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_each_level_and_resets_deeper_ones() {
        let mut n = Numbering::default();
        assert_eq!(n.next(1, "总体情况"), "一、");
        assert_eq!(n.next(2, "资金"), "（一）");
        assert_eq!(n.next(3, "纵向"), "1.");
        assert_eq!(n.next(4, "中央"), "（1）");
        assert_eq!(n.next(4, "地方"), "（2）");
        assert_eq!(n.next(2, "项目"), "（二）");
        assert_eq!(n.next(3, "审批"), "1.");
        assert_eq!(n.next(1, "下一步"), "二、");
        assert_eq!(n.next(2, "政策"), "（一）");
    }

    #[test]
    fn keeps_numbers_the_author_typed_and_counts_on_from_them() {
        let mut n = Numbering::default();
        assert_eq!(n.next(1, "三、工作安排"), "");
        assert_eq!(n.next(1, "落实"), "四、");
        assert_eq!(n.next(2, "（二）要求"), "");
        assert_eq!(n.next(2, "保障"), "（三）");
        assert_eq!(n.next(3, "12. 条目"), "");
        assert_eq!(n.next(4, "(3)细目"), "");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_numeral(11), "十一");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(chinese_numeral(47), "四十七");
        assert_eq!(parse_chinese_numeral("十二"), Some(12));
    }
}
