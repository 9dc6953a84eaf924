//! 发文字号: 机关代字, the year in 六角括号 〔〕, the serial number and 号
//! (GB/T 9704-2012 7.2.4), e.g. 宁自然资函〔2022〕70号. Numbers pasted from
//! Word or web pages often carry [] or （） brackets, a 第, or a leading zero;
//! those are reported with the number written the right way.

use std::ops::Range;

mod loose;
#[cfg(test)]
mod tests;

use loose::{digits, take_if, Loose, BRACKETS};

use super::values::Format;

/// Why a 发文字号 is wrong, with how to write it.
#[derive(Debug, PartialEq, Eq)]
pub struct BadNumber {
    pub message: String,
    pub help: String,
}

/// Which number a format carries: the 发文字号 of most formats, the 令号 of
/// 命令格式 (第128号), the 期号 of 纪要格式 (第15期).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Document,
    Order,
    Issue,
}

impl Shape {
    pub fn of(format: Format) -> Shape {
        match format {
            Format::Order => Shape::Order,
            Format::Minutes => Shape::Issue,
            _ => Shape::Document,
        }
    }

    /// The form, as a message names it.
    pub fn form(self) -> &'static str {
        match self {
            Shape::Document => "机关代字〔年份〕序号号",
            Shape::Order => "第序号号 (令号)",
            Shape::Issue => "第序号期 (期号)",
        }
    }

    fn how(self) -> &'static str {
        match self {
            Shape::Document => {
                "write it as 机关代字〔年份〕序号号, e.g. `宁自然资函〔2022〕70号`: the year in \
                 六角括号 〔〕, then the number, then 号"
            }
            Shape::Order => "write the 令号 as 第序号号, e.g. `第128号`",
            Shape::Issue => "write the 期号 as 第序号期, e.g. `第15期`",
        }
    }
}

/// `Ok` for a well-formed 发文字号; otherwise what is wrong and the fix.
pub fn check(number: &str) -> Result<(), BadNumber> {
    check_for(number, Format::Document)
}

/// `Ok` for a well-formed number of a letter in `format`; otherwise what is wrong and the fix.
pub fn check_for(number: &str, format: Format) -> Result<(), BadNumber> {
    let shape = Shape::of(format);
    let message = format!("`{number}` is not of the form {}", shape.form());
    let read =
        read(number, shape).filter(|r| !r.problems.iter().any(|p| p.kind == Problem::ShortYear));
    let Some(read) = read else {
        return Err(BadNumber {
            message,
            help: shape.how().into(),
        });
    };
    if read.problems.is_empty() {
        return Ok(());
    }
    let fixes: Vec<String> = read.problems.iter().map(|p| p.kind.fix()).collect();
    Err(BadNumber {
        message,
        help: format!("write `{}`: {}", read.fixed, fixes.join("; ")),
    })
}

/// A number read by the one grammar: what is wrong with it, and it written right.
#[derive(Debug, PartialEq, Eq)]
pub struct Reading {
    pub problems: Vec<Found>,
    pub fixed: String,
}

/// One thing wrong, where it stands in the number (a byte range) and, when
/// it can be mended there alone, what goes in its place.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: Problem,
    pub range: Range<usize>,
    pub replacement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The year in other brackets than 〔〕.
    Brackets {
        open: char,
        close: char,
        year: String,
    },
    /// A year of two or three digits.
    ShortYear,
    /// 第 before the serial number of a 发文字号.
    Di,
    /// No 第 before the serial number of a 令号 or 期号.
    NoDi,
    /// The serial number with leading zeros; `digits` without them.
    LeadingZero {
        digits: String,
    },
    WideDigits,
    /// No 号 (or 期) after the number; `digits` is the number.
    NoEnd {
        end: char,
        digits: String,
    },
}

impl Problem {
    /// The fix in words, as the reader's message lists it.
    pub fn fix(&self) -> String {
        match self {
            Problem::Brackets { open, close, .. } => {
                format!("the year goes in 六角括号 〔〕, not `{open}{close}`")
            }
            Problem::ShortYear => "the year in full, with four digits".into(),
            Problem::Di => "no 第 before the number".into(),
            Problem::NoDi => "第 before the number".into(),
            Problem::LeadingZero { .. } => "no leading zero in the number".into(),
            Problem::WideDigits => "digits are half-width (0-9)".into(),
            Problem::NoEnd { end, .. } => format!("the number ends with {end}"),
        }
    }
}

/// The number read as a number of `shape`, or `None` when it is not one at all.
pub fn read(number: &str, shape: Shape) -> Option<Reading> {
    match shape {
        Shape::Document => {
            let loose = Loose::parse(number)?;
            Some(Reading {
                problems: loose.found(),
                fixed: loose.fixed(),
            })
        }
        Shape::Order => serial(number, '号'),
        Shape::Issue => serial(number, '期'),
    }
}

/// The serial number of a 令号 or 期号 (128 of 第128号), read as leniently as
/// `check` reads it, so that a badly written one still counts as used.
pub fn serial_of(number: &str, shape: Shape) -> Option<u32> {
    if shape == Shape::Document {
        return None;
    }
    read(number, shape)?;
    let digits: String = (number.chars())
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect();
    digits.parse().ok()
}

/// 第128号 or 第15期, read leniently: without 第, with zeros, wide digits or no end.
fn serial(number: &str, end: char) -> Option<Reading> {
    let number = number.trim();
    let mut rest = number;
    let mut wide = false;
    let di = take_if(&mut rest, '第');
    let after_di = number.len() - rest.len();
    let written = digits(&mut rest, &mut wide);
    let after_digits = number.len() - rest.len();
    let ended = take_if(&mut rest, end);
    if !rest.is_empty() || written.is_empty() || written.bytes().all(|b| b == b'0') {
        return None;
    }
    let trimmed = written.trim_start_matches('0').to_string();
    let mut problems = Vec::new();
    if !di {
        problems.push(found(Problem::NoDi, 0..0, Some("第".into())));
    }
    if trimmed.len() < written.len() && !wide {
        let kind = Problem::LeadingZero {
            digits: trimmed.clone(),
        };
        problems.push(found(kind, after_di..after_digits, Some(trimmed.clone())));
    }
    if wide {
        problems.push(found(
            Problem::WideDigits,
            after_di..after_digits,
            Some(trimmed.clone()),
        ));
    }
    if !ended {
        let kind = Problem::NoEnd {
            end,
            digits: trimmed.clone(),
        };
        problems.push(found(
            kind,
            after_digits..after_digits,
            Some(end.to_string()),
        ));
    }
    Some(Reading {
        problems,
        fixed: format!("第{trimmed}{end}"),
    })
}

pub(super) fn found(kind: Problem, range: Range<usize>, replacement: Option<String>) -> Found {
    Found {
        kind,
        range,
        replacement,
    }
}

/// A 发文字号 taken apart: 宁自然资函〔2024〕33号 → (宁自然资函, 2024, 33).
/// Read by the same lenient grammar as [`check`], so that a number written
/// with [ ] or 第 still counts as used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub series: String,
    pub year: i32,
    pub n: u32,
}

impl Number {
    pub fn parse(text: &str) -> Option<Number> {
        let loose = Loose::parse(text)?;
        if loose.year.len() != 4 {
            return None;
        }
        Some(Number {
            series: loose.prefix.to_string(),
            year: loose.year.parse().ok()?,
            n: loose.serial.parse().ok()?,
        })
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}〔{}〕{}号", self.series, self.year, self.n)
    }
}

/// A 发文字号 cited in running text: 宁政发〔2023〕5号.
#[derive(Debug, PartialEq, Eq)]
pub struct Cited {
    /// The 机关代字 (as far as Chinese characters run before the year) to 号.
    pub range: Range<usize>,
    /// From the year's opening bracket to 号, the part a fix rewrites.
    pub tail: Range<usize>,
    /// The tail written the right way: 〔2023〕5号.
    pub tail_written_right: String,
    /// What is wrong with it, if anything.
    pub problems: Vec<String>,
}

/// Every 发文字号 in a text: a year of four digits in brackets, right after
/// the 机关代字's Chinese characters, then the number (with 号, unless the
/// brackets are 〔〕 already, so that （2023）5 stays a year and a figure).
pub fn in_text(text: &str) -> Vec<Cited> {
    let mut found = Vec::new();
    let mut from = 0;
    for (at, c) in text.char_indices() {
        if at < from || c == '《' || !BRACKETS.iter().any(|(o, _)| *o == c) {
            continue;
        }
        let Some(start) = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_han(*c))
            .last()
            .map(|(i, _)| i)
        else {
            continue;
        };
        let Some((loose, used)) = Loose::tail(&text[start..at], &text[at..]) else {
            continue;
        };
        if (!loose.hao && c != '〔') || loose.year.len() != 4 {
            continue;
        }
        found.push(Cited {
            range: start..at + used,
            tail: at..at + used,
            tail_written_right: loose.fixed()[loose.prefix.len()..].to_string(),
            problems: loose.problems(),
        });
        from = at + used;
    }
    found
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}
