//! The frontmatter keys a letter may use, each with its element name from GB/T 9704.

#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    /// The element name of the standard; also accepted as a key.
    pub chinese: &'static str,
    /// Further Chinese spellings accepted as keys.
    pub aliases: &'static [&'static str],
}

macro_rules! fields {
    ($($ident:ident = $key:literal, $zh:literal $(, [$($alias:literal),*])?;)*) => {
        $(pub static $ident: Field = Field { key: $key, chinese: $zh, aliases: &[$($($alias),*)?] };)*
        pub static ALL: &[&Field] = &[$(&$ident),*];
    };
}

fields! {
    TITLE = "title", "标题";
    TO = "to", "主送机关", ["主送"];
    ISSUER = "issuer", "发文机关署名", ["署名"];
    DATE = "date", "成文日期";
    NUMBER = "number", "发文字号";
    FORMAT = "format", "格式";
    HEADER = "header", "发文机关标志";
    COPY_NO = "copy_no", "份号";
    SECRECY = "secrecy", "密级和保密期限", ["密级"];
    URGENCY = "urgency", "紧急程度";
    SIGNERS = "signers", "签发人";
    ATTACHMENTS = "attachments", "附件";
    NOTE = "note", "附注";
    CC = "cc", "抄送机关", ["抄送"];
    PRINTER = "printer", "印发机关";
    PRINT_DATE = "print_date", "印发日期";
    PUBLISH = "publish", "公开属性";
    SEAL = "seal", "印章";
}

/// Keys that only make sense office-wide, in `gongwen.yaml`.
pub static SITE_TITLE: Field = Field {
    key: "site_title",
    chinese: "网站标题",
    aliases: &[],
};

/// The field a key names, in English or Chinese.
pub fn lookup<'a>(fields: &[&'a Field], key: &str) -> Option<&'a Field> {
    fields
        .iter()
        .copied()
        .find(|f| f.key == key || f.chinese == key || f.aliases.contains(&key))
}

/// The closest known key to a misspelt one, if any is close enough to be a likely typo.
pub fn suggest(fields: &[&Field], key: &str) -> Option<&'static str> {
    let mut best: Option<(f64, &'static str)> = None;
    for field in fields {
        for candidate in std::iter::once(&field.key)
            .chain(std::iter::once(&field.chinese))
            .chain(field.aliases.iter())
        {
            let score = strsim::jaro_winkler(&key.to_lowercase(), candidate);
            if score > 0.75 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, candidate));
            }
        }
    }
    best.map(|(_, k)| k)
}

/// How a key reads in a message: `to` (主送机关).
pub fn describe(field: &Field) -> String {
    format!("`{}` ({})", field.key, field.chinese)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(suggest(ALL, "titel"), Some("title"));
        assert_eq!(suggest(ALL, "Date"), Some("date"));
        assert_eq!(suggest(ALL, "抄送机构"), Some("抄送机关"));
        assert_eq!(suggest(ALL, "zzzzzz"), None);
    }

    #[test]
    fn looks_up_chinese_names() {
        assert_eq!(lookup(ALL, "主送机关").unwrap().key, "to");
        assert_eq!(lookup(ALL, "抄送").unwrap().key, "cc");
        assert!(lookup(ALL, "收件人").is_none());
    }
}
