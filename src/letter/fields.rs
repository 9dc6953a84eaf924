//! A frontmatter key with its element name from GB/T 9704, found by any of
//! its spellings.

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

// The keys of a letter are declared with the rest of each field, in `model.rs`.
pub use super::model::keys::*;

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
