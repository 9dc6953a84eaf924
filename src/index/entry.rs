//! A letter as the index sees it: what the build keeps of it between
//! builds ([`Entry`]), and the typed fields the listing pages read back
//! ([`Listed`]).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::build::fingerprint::{Hash, Hasher};
use crate::markdown::Body;
use crate::render::html::LetterContext;
use crate::render::text::plain_text;

/// A letter as the index sees it, as JSON text: the build keeps it so (in
/// `output/.gongwen.entries/`), the listing pages parse it only when one of
/// them must be made again, and the search index is the letters' documents
/// put one after another. Bytes, not strings, so that reading the entries
/// back does not check every letter's text for UTF-8 again (about a third
/// of the time reading them took).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The listing pages' fields ([`Listed`]).
    #[serde(with = "serde_bytes")]
    pub listing: Vec<u8>,
    /// The letter's document in the search index (see `crate::search`).
    #[serde(with = "serde_bytes")]
    pub search: Vec<u8>,
}

impl Entry {
    /// What the index's inputs hash: a letter whose hash is unchanged changes no listing page.
    pub fn hash(&self) -> Hash {
        let mut h = Hasher::new("entry");
        h.part(&self.listing).part(&self.search);
        h.finish()
    }

    /// The listing pages' fields, read back.
    pub fn listed(&self) -> serde_json::Result<Listed> {
        serde_json::from_slice(&self.listing)
    }
}

/// A letter on the listing pages: the fields the filters sort it by, typed,
/// and the rest of its page's fields, which go to the index template as
/// they are (a user's template may print any of them).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Listed {
    /// The letter's page, relative to `output/` (percent-encoded).
    #[serde(default)]
    pub html: String,
    /// 成文日期, `2022-06-13`.
    #[serde(default)]
    pub date_iso: String,
    /// 主送机关.
    #[serde(default)]
    pub to: Vec<String>,
    /// The format's key (`letter`) and its Chinese name (`信函格式`).
    #[serde(default)]
    pub format_key: String,
    #[serde(default)]
    pub format: String,
    /// The first page's picture, relative to `output/`; none when pictures are off.
    #[serde(default)]
    pub thumb: Option<String>,
    /// Every other field of the letter's page.
    #[serde(flatten)]
    pub page: Map<String, Value>,
}

impl Listed {
    /// The year of 成文日期, `2022`.
    pub fn year(&self) -> &str {
        self.date_iso.get(..4).unwrap_or("")
    }
}

/// What [`entry`] writes as [`Listed`]: the letter page's fields and its picture.
#[derive(Serialize)]
struct ListedFields<'a> {
    #[serde(flatten)]
    page: &'a LetterContext<'a>,
    thumb: Option<String>,
}

/// One letter's document in the search index.
#[derive(Serialize)]
struct Doc<'a> {
    /// The page, relative to `output/`.
    u: &'a str,
    t: &'a str,
    n: &'a str,
    d: &'a str,
    o: &'a str,
    /// The plain text of the body and the attachments.
    x: &'a str,
}

/// The index's entry of a letter: its page's `context`, the picture of its
/// first page (`thumb`, unless pictures are off) and the text of its body
/// and attachments.
pub fn entry<'b>(
    context: &LetterContext,
    thumb: Option<&Path>,
    bodies: impl IntoIterator<Item = &'b Body>,
) -> Entry {
    let listed = ListedFields {
        page: context,
        thumb: thumb.map(|t| crate::project::href(&crate::project::url(t))),
    };
    // Through a `Value`, whose keys are sorted, so that the bytes (and the
    // entry's hash) do not depend on the order the fields are declared in.
    let listing = serde_json::to_value(&listed).expect("context serialises");
    let text = bodies
        .into_iter()
        .map(plain_text)
        .collect::<Vec<_>>()
        .join("\n");
    let meta = context.fields;
    let to = crate::letter::print::names_text(&meta.to);
    let doc = Doc {
        u: &context.html,
        t: &meta.title(),
        n: meta.number.as_deref().unwrap_or(""),
        d: &meta.date_text(),
        o: &to,
        x: &text,
    };
    Entry {
        search: serde_json::to_vec(&doc).expect("strings serialise"),
        listing: listing.to_string().into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn listed_fields_are_typed_and_the_rest_passes_through() {
        let text = json!({"html": "a.html", "date_iso": "2022-06-13", "to": ["财政厅"],
                          "format_key": "letter", "format": "信函格式", "thumb": null,
                          "title": "标题"})
        .to_string();
        let entry = Entry {
            listing: text.into_bytes(),
            search: Vec::new(),
        };
        let listed = entry.listed().unwrap();
        assert_eq!(listed.year(), "2022");
        assert_eq!(listed.to, ["财政厅"]);
        assert_eq!(listed.page["title"], "标题");
        let again = serde_json::to_value(&listed).unwrap();
        assert_eq!(again["html"], "a.html");
        assert_eq!(again["title"], "标题");
    }
}
