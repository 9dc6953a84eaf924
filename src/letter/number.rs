//! 发文字号: 机关代字, the year in 六角括号 〔〕, the serial number and 号
//! (GB/T 9704-2012 7.2.4), e.g. 宁自然资函〔2022〕70号. Numbers pasted from
//! Word or web pages often carry [] or （） brackets, a 第, or a leading zero;
//! those are reported with the number written the right way.

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
    let mut fixes = Vec::new();
    if (loose.open, loose.close) != ('〔', '〕') {
        fixes.push(format!(
            "the year goes in 六角括号 〔〕, not `{}{}`",
            loose.open, loose.close
        ));
    }
    if loose.di {
        fixes.push("no 第 before the number".to_string());
    }
    if loose.serial.len() > 1 && loose.serial.starts_with('0') {
        fixes.push("no leading zero in the number".to_string());
    }
    if loose.wide_digits {
        fixes.push("digits are half-width (0-9)".to_string());
    }
    if !loose.hao {
        fixes.push("the number ends with 号".to_string());
    }
    if fixes.is_empty() {
        return Ok(());
    }
    Err(BadNumber {
        message,
        help: format!("write `{}`: {}", loose.fixed(), fixes.join("; ")),
    })
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
        let (at, open) = number
            .char_indices()
            .find(|(_, c)| BRACKETS.iter().any(|(o, _)| o == c))?;
        let prefix = number[..at].trim();
        if prefix.is_empty() {
            return None;
        }
        let mut wide_digits = false;
        let mut rest = number[at + open.len_utf8()..].chars().peekable();
        let year = digits(&mut rest, &mut wide_digits);
        let close = rest.next()?;
        if year.len() != 4 || !BRACKETS.iter().any(|(_, c)| *c == close) {
            return None;
        }
        let di = rest.next_if_eq(&'第').is_some();
        let serial = digits(&mut rest, &mut wide_digits);
        let hao = rest.next_if_eq(&'号').is_some();
        if serial.is_empty() || serial.bytes().all(|b| b == b'0') || rest.next().is_some() {
            return None;
        }
        Some(Loose {
            prefix,
            open,
            close,
            year,
            di,
            serial,
            hao,
            wide_digits,
        })
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

/// Takes half- or full-width digits, as half-width.
fn digits(chars: &mut std::iter::Peekable<std::str::Chars>, wide: &mut bool) -> String {
    let mut out = String::new();
    while let Some(&c) = chars.peek() {
        let d = match c {
            '0'..='9' => c,
            '０'..='９' => {
                *wide = true;
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            }
            _ => break,
        };
        out.push(d);
        chars.next();
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
}
