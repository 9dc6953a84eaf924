//! The frontmatter keys a letter may use, each with its element name from GB/T 9704.

#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    /// The element name of the standard; also accepted as a key.
    pub chinese: &'static str,
    /// A value as an author would write it, for the help line of a message.
    pub example: &'static str,
    /// Further Chinese spellings accepted as keys.
    pub aliases: &'static [&'static str],
}

macro_rules! fields {
    ($($ident:ident = $key:literal, $zh:literal, $example:literal $(, [$($alias:literal),*])?;)*) => {
        $(pub static $ident: Field = Field {
            key: $key,
            chinese: $zh,
            example: $example,
            aliases: &[$($($alias),*)?],
        };)*
        pub static ALL: &[&Field] = &[$(&$ident),*];
    };
}

fields! {
    TITLE = "title", "标题", "关于……的函";
    TO = "to", "主送机关", "[自治区财政厅, 自治区发展改革委]", ["主送"];
    ISSUER = "issuer", "发文机关署名", "宁夏回族自治区自然资源厅", ["署名"];
    DATE = "date", "成文日期", "2022-06-13";
    NUMBER = "number", "发文字号", "宁自然资函〔2022〕70号";
    FORMAT = "format", "格式", "letter";
    HEADER = "header", "发文机关标志", "[宁夏回族自治区自然资源厅, 宁夏回族自治区财政厅]";
    COPY_NO = "copy_no", "份号", "1";
    SECRECY = "secrecy", "密级和保密期限", "秘密★1年", ["密级"];
    URGENCY = "urgency", "紧急程度", "加急";
    SIGNERS = "signers", "签发人", "[张三, 李四]";
    ATTACHMENTS = "attachments", "附件", "[{name: 储备项目表, file: _attachments/table.md}]";
    NOTE = "note", "附注", "联系人：张三 0951-1234567";
    CC = "cc", "抄送机关", "[自治区政协提案委员会]", ["抄送"];
    PRINTER = "printer", "印发机关", "宁夏回族自治区自然资源厅办公室";
    PRINT_DATE = "print_date", "印发日期", "2022-06-13";
    PUBLISH = "publish", "公开属性", "主动公开";
    SEAL = "seal", "印章", "/images/seal.png";
}

/// Keys that only make sense office-wide, in `gongwen.yaml`.
pub static SITE_TITLE: Field = Field {
    key: "site_title",
    chinese: "网站标题",
    example: "宁夏回族自治区自然资源厅 公文",
    aliases: &[],
};

/// Whether the index shows a picture of each letter's first page (`true`
/// when absent). Drawing them takes about a quarter of a full build.
pub static THUMBNAILS: Field = Field {
    key: "thumbnails",
    chinese: "首页缩略图",
    example: "false",
    aliases: &[],
};

/// Where the PDFs of letters held back from the site go: a folder of the
/// project outside `output/`, so that `output/` can be published whole.
pub static RESTRICTED: Field = Field {
    key: "restricted",
    chinese: "不公开文件夹",
    example: "restricted",
    aliases: &[],
};

/// How many letters a listing page of the site shows (50 when absent).
pub static PAGE_SIZE: Field = Field {
    key: "page_size",
    chinese: "每页条数",
    example: "50",
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
