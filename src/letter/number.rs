//! 发文字号: 机关代字, the year in 六角括号 〔〕, the serial number and 号
//! (GB/T 9704-2012 7.2.4), e.g. 宁自然资函〔2022〕70号. Numbers pasted from
//! Word or web pages often carry [] or （） brackets, a 第, or a leading zero;
//! those are reported with the number written the right way.

use std::ops::Range;

/// Brackets an author may have used for the year, and their closing partners.
const BRACKETS: &[(char, char)] = &[
    ('〔', '〕'),
    ('[', ']'),
    ('［', '］'),
    ('(', ')'),
    ('（', '）'),
    ('【', '】'),
    ('〖', '〗'),
    ('{', '}'),
    ('｛', '｝'),
    ('<', '>'),
    ('〈', '〉'),
    ('《', '》'),
];

/// Why a 发文字号 is wrong, with how to write it.
#[derive(Debug, PartialEq, Eq)]
pub struct BadNumber {
    pub message: String,
    pub help: String,
}

/// `Ok` for a well-formed 发文字号; otherwise what is wrong and the fix.
pub fn check(number: &str) -> Result<(), BadNumber> {
    let message = format!("`{number}` is not of the form 机关代字〔年份〕序号号");
    let Some(loose) = Loose::parse(number) else {
        return Err(BadNumber {
            message,
            help: "write it as 机关代字〔年份〕序号号, e.g. `宁自然资函〔2022〕70号`: the year in \
                   六角括号 〔〕, then the number, then 号"
                .into(),
        });
    };
    let fixes = loose.problems();
    if fixes.is_empty() {
        return Ok(());
    }
    Err(BadNumber {
        message,
        help: format!("write `{}`: {}", loose.fixed(), fixes.join("; ")),
    })
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
        if !loose.hao && c != '〔' {
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

/// A 发文字号 read leniently, so the fix can be spelt out.
struct Loose<'a> {
    prefix: &'a str,
    open: char,
    close: char,
    year: String,
    di: bool,
    serial: String,
    hao: bool,
    wide_digits: bool,
}

impl<'a> Loose<'a> {
    fn parse(number: &'a str) -> Option<Loose<'a>> {
        let number = number.trim();
        let (at, _) = number
            .char_indices()
            .find(|(_, c)| BRACKETS.iter().any(|(o, _)| o == c))?;
        let prefix = number[..at].trim();
        if prefix.is_empty() {
            return None;
        }
        let (loose, used) = Loose::tail(prefix, &number[at..])?;
        // Nothing may follow the 号.
        (at + used == number.len()).then_some(loose)
    }

    /// The 发文字号 whose year's bracket starts `s`, and how many bytes of `s` it takes.
    fn tail(prefix: &'a str, s: &str) -> Option<(Loose<'a>, usize)> {
        let mut rest = s;
        let mut wide_digits = false;
        let open = take_char(&mut rest)?;
        let year = digits(&mut rest, &mut wide_digits);
        let close = take_char(&mut rest)?;
        if year.len() != 4 || !BRACKETS.iter().any(|(_, c)| *c == close) {
            return None;
        }
        let di = take_if(&mut rest, '第');
        let serial = digits(&mut rest, &mut wide_digits);
        let hao = take_if(&mut rest, '号');
        if serial.is_empty() || serial.bytes().all(|b| b == b'0') {
            return None;
        }
        let loose = Loose {
            prefix,
            open,
            close,
            year,
            di,
            serial,
            hao,
            wide_digits,
        };
        Some((loose, s.len() - rest.len()))
    }

    /// What differs from the standard form, each as a fix.
    fn problems(&self) -> Vec<String> {
        let mut fixes = Vec::new();
        if (self.open, self.close) != ('〔', '〕') {
            fixes.push(format!(
                "the year goes in 六角括号 〔〕, not `{}{}`",
                self.open, self.close
            ));
        }
        if self.di {
            fixes.push("no 第 before the number".to_string());
        }
        if self.serial.len() > 1 && self.serial.starts_with('0') {
            fixes.push("no leading zero in the number".to_string());
        }
        if self.wide_digits {
            fixes.push("digits are half-width (0-9)".to_string());
        }
        if !self.hao {
            fixes.push("the number ends with 号".to_string());
        }
        fixes
    }

    fn fixed(&self) -> String {
        format!(
            "{}〔{}〕{}号",
            self.prefix,
            self.year,
            self.serial.trim_start_matches('0')
        )
    }
}

fn take_char(s: &mut &str) -> Option<char> {
    let c = s.chars().next()?;
    *s = &s[c.len_utf8()..];
    Some(c)
}

fn take_if(s: &mut &str, c: char) -> bool {
    match s.strip_prefix(c) {
        Some(rest) => {
            *s = rest;
            true
        }
        None => false,
    }
}

/// Takes half- or full-width digits, as half-width.
fn digits(s: &mut &str, wide: &mut bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c,
            '０'..='９' => {
                *wide = true;
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            }
            _ => break,
        };
        out.push(d);
        *s = &s[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(number: &str) -> String {
        check(number).unwrap_err().help
    }

    #[test]
    fn accepts_the_standard_form() {
        assert_eq!(check("宁自然资函〔2022〕70号"), Ok(()));
        assert_eq!(check("国办发〔2024〕1号"), Ok(()));
    }

    #[test]
    fn spells_out_the_fix_for_pasted_numbers() {
        assert_eq!(
            help("宁自然资函[2022]70号"),
            "write `宁自然资函〔2022〕70号`: the year goes in 六角括号 〔〕, not `[]`"
        );
        assert_eq!(
            help("宁自然资函（2022）第070号"),
            "write `宁自然资函〔2022〕70号`: the year goes in 六角括号 〔〕, not `（）`; \
             no 第 before the number; no leading zero in the number"
        );
        assert_eq!(
            help("宁自然资函〔２０２２〕7"),
            "write `宁自然资函〔2022〕7号`: digits are half-width (0-9); the number ends with 号"
        );
        assert_eq!(
            check("宁自然资函〔2022〕70号").map_err(|e| e.message),
            Ok(())
        );
    }

    #[test]
    fn numbers_beyond_repair_get_the_pattern() {
        for bad in [
            "70号",
            "〔2022〕70号",
            "宁自然资函2022年70号",
            "函〔22〕7号",
            "函〔2022〕0号",
            "函〔2022〕7号附",
        ] {
            let e = check(bad).unwrap_err();
            assert_eq!(
                e.message,
                format!("`{bad}` is not of the form 机关代字〔年份〕序号号")
            );
            assert!(
                e.help.starts_with("write it as 机关代字〔年份〕序号号"),
                "{bad}: {}",
                e.help
            );
        }
    }

    #[test]
    fn finds_numbers_in_running_text() {
        let text = "根据宁政发〔2023〕5号文件和宁政办发[2023]第07号，以及本办法（2023）5条。";
        let found = in_text(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].range.clone()], "根据宁政发〔2023〕5号");
        assert!(found[0].problems.is_empty());
        assert_eq!(&text[found[1].tail.clone()], "[2023]第07号");
        assert_eq!(found[1].tail_written_right, "〔2023〕7号");
        assert_eq!(
            found[1].problems,
            vec![
                "the year goes in 六角括号 〔〕, not `[]`",
                "no 第 before the number",
                "no leading zero in the number"
            ]
        );
    }
}
