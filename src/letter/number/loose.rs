//! The 发文字号 read leniently (`Loose`), and the small readers of digits
//! and marks that the 令号 and 期号 share.

use std::ops::Range;

use super::{found, Found, Problem};

/// Brackets an author may have used for the year, and their closing partners.
pub(super) const BRACKETS: &[(char, char)] = &[
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

/// A 发文字号 read leniently, so the fix can be spelt out. Offsets are
/// bytes from the start of the bracket of the year.
pub(super) struct Loose<'a> {
    pub(super) prefix: &'a str,
    /// Where the bracket of the year stands in the text read.
    at: usize,
    open: char,
    close: char,
    pub(super) year: String,
    /// Just past the closing bracket.
    year_end: usize,
    di: Option<Range<usize>>,
    pub(super) serial: String,
    serial_at: Range<usize>,
    pub(super) hao: bool,
    wide_digits: bool,
}

impl<'a> Loose<'a> {
    pub(super) fn parse(number: &'a str) -> Option<Loose<'a>> {
        let number = number.trim();
        let (at, _) = number
            .char_indices()
            .find(|(_, c)| BRACKETS.iter().any(|(o, _)| o == c))?;
        let prefix = number[..at].trim();
        if prefix.is_empty() {
            return None;
        }
        let (mut loose, used) = Loose::tail(prefix, &number[at..])?;
        loose.at = at;
        // Nothing may follow the 号.
        (at + used == number.len()).then_some(loose)
    }

    /// The 发文字号 whose year's bracket starts `s`, and how many bytes of `s` it takes.
    pub(super) fn tail(prefix: &'a str, s: &str) -> Option<(Loose<'a>, usize)> {
        let mut rest = s;
        let mut wide_digits = false;
        let used = |rest: &str| s.len() - rest.len();
        let open = take_char(&mut rest)?;
        let year = digits(&mut rest, &mut wide_digits);
        let close = take_char(&mut rest)?;
        if !(2..=4).contains(&year.len()) || !BRACKETS.iter().any(|(_, c)| *c == close) {
            return None;
        }
        let year_end = used(rest);
        let di = take_if(&mut rest, '第').then(|| year_end..used(rest));
        let serial_start = used(rest);
        let serial = digits(&mut rest, &mut wide_digits);
        let serial_at = serial_start..used(rest);
        let hao = take_if(&mut rest, '号');
        if serial.is_empty() || serial.bytes().all(|b| b == b'0') {
            return None;
        }
        let loose = Loose {
            prefix,
            at: 0,
            open,
            close,
            year,
            year_end,
            di,
            serial,
            serial_at,
            hao,
            wide_digits,
        };
        Some((loose, used(rest)))
    }

    /// What differs from the standard form, each as a fix in words.
    pub(super) fn problems(&self) -> Vec<String> {
        self.found().iter().map(|f| f.kind.fix()).collect()
    }

    /// What differs from the standard form, each with where it stands in the text read.
    pub(super) fn found(&self) -> Vec<Found> {
        let at = |r: Range<usize>| self.at + r.start..self.at + r.end;
        let mut out = Vec::new();
        if (self.open, self.close) != ('〔', '〕') {
            let kind = Problem::Brackets {
                open: self.open,
                close: self.close,
                year: self.year.clone(),
            };
            let year = format!("〔{}〕", self.year);
            out.push(found(kind, at(0..self.year_end), Some(year)));
        }
        if self.year.len() != 4 {
            out.push(found(Problem::ShortYear, at(0..self.year_end), None));
        }
        if let Some(di) = &self.di {
            out.push(found(Problem::Di, at(di.clone()), Some(String::new())));
        }
        let digits = self.serial.trim_start_matches('0').to_string();
        if digits.len() < self.serial.len() {
            let kind = Problem::LeadingZero {
                digits: digits.clone(),
            };
            let fix = (!self.wide_digits).then(|| digits.clone());
            out.push(found(kind, at(self.serial_at.clone()), fix));
        }
        if self.wide_digits {
            out.push(found(Problem::WideDigits, at(0..self.serial_at.end), None));
        }
        if !self.hao {
            let end = at(self.serial_at.end..self.serial_at.end);
            let kind = Problem::NoEnd { end: '号', digits };
            out.push(found(kind, end, Some("号".into())));
        }
        out
    }

    pub(super) fn fixed(&self) -> String {
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

pub(super) fn take_if(s: &mut &str, c: char) -> bool {
    match s.strip_prefix(c) {
        Some(rest) => {
            *s = rest;
            true
        }
        None => false,
    }
}

/// Takes half- or full-width digits, as half-width.
pub(super) fn digits(s: &mut &str, wide: &mut bool) -> String {
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
