//! Each field in print form, as every renderer receives it: the model
//! (`model.rs`) names one of these per field, and [`super::Meta`]
//! serialises through them. Some fields print under two keys (a date as
//! `date`, 2022年6月13日, and `date_iso`, 2022-06-13).

use chrono::{Datelike, NaiveDate};
use serde::ser::SerializeMap;
use serde::Serialize;

use super::attendees::Attendees;
use super::values::{Attachment, Format, Title};

type Printed<M> = Result<(), <M as SerializeMap>::Error>;

/// The value as it is.
pub fn value<M: SerializeMap, T: Serialize>(v: &T, key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, v)
}

/// `title` on one line, and `title_lines` broken between words as the PDF breaks it.
pub fn title<M: SerializeMap>(t: &Title, key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, &t.text())?;
    map.serialize_entry(
        "title_lines",
        &crate::render::title_lines::title_lines(&t.lines),
    )
}

/// The list, and `<key>_text` on one line (主送机关 without the closing colon).
pub fn names_and_text<M: SerializeMap>(v: &[String], key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, v)?;
    let text = (!v.is_empty()).then(|| names_text(v));
    map.serialize_entry(&format!("{key}_text"), &text)
}

/// 发文机关标志 as one name (`header`) and as its lines (`header_lines`).
pub fn header<M: SerializeMap>(v: &[String], key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, &v.concat())?;
    map.serialize_entry("header_lines", v)
}

/// As the standard prints it (2022年6月13日), and `<key>_iso` (2022-06-13).
pub fn date<M: SerializeMap>(d: &NaiveDate, key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, &chinese_date(*d))?;
    map.serialize_entry(&format!("{key}_iso"), &d.format("%Y-%m-%d").to_string())
}

/// Its Chinese name, and `format_key` (`letter`, `document`, `order`, `minutes`, `plain`).
pub fn format<M: SerializeMap>(f: &Format, key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, f.chinese())?;
    map.serialize_entry("format_key", f.key())
}

/// The names, and `signer_titles`: each split into 职务 and 姓名 at its last
/// space (`自治区主席 张雨浦`), as 命令格式 prints them; a name alone has no 职务.
pub fn signers<M: SerializeMap>(v: &[String], key: &'static str, map: &mut M) -> Printed<M> {
    #[derive(Serialize)]
    struct Signer<'a> {
        title: &'a str,
        name: &'a str,
    }
    map.serialize_entry(key, v)?;
    let split: Vec<Signer> = v
        .iter()
        .map(|s| {
            let (title, name) = title_and_name(s);
            Signer { title, name }
        })
        .collect();
    map.serialize_entry("signer_titles", &split)
}

/// A 签发人 as 职务 and 姓名, split at the last space (`自治区主席 张雨浦`);
/// a name alone has no 职务.
pub fn title_and_name(signer: &str) -> (&str, &str) {
    match signer.trim().rsplit_once([' ', '\u{3000}']) {
        Some((title, name)) => (title.trim(), name.trim()),
        None => ("", signer.trim()),
    }
}

/// The three lists, and `attendee_lists`: those given, in print order, each
/// with its label (出席, 请假, 列席) and its names.
pub fn attendees<M: SerializeMap>(a: &Attendees, key: &'static str, map: &mut M) -> Printed<M> {
    #[derive(Serialize)]
    struct List<'a> {
        label: &'a str,
        names: &'a [String],
        text: String,
    }
    map.serialize_entry(key, a)?;
    let lists: Vec<List> = (a.lists().into_iter())
        .map(|(label, names)| List {
            label,
            names,
            text: names.join("、"),
        })
        .collect();
    map.serialize_entry("attendee_lists", &lists)
}

/// A project path as the renderers resolve it: from the project root.
pub fn rooted<M: SerializeMap>(p: &Option<String>, key: &'static str, map: &mut M) -> Printed<M> {
    map.serialize_entry(key, &p.as_ref().map(|p| format!("/{p}")))
}

/// Each renderer shows the attachments its own way.
pub fn skip<M: SerializeMap>(_: &[Attachment], _: &'static str, _: &mut M) -> Printed<M> {
    Ok(())
}

/// Names on one line, as 主送机关 prints them.
pub fn names_text(names: &[String]) -> String {
    names.join("、")
}

/// 成文日期 as the standard prints it: 2022年6月13日, no leading zeros.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_without_leading_zeros() {
        assert_eq!(
            chinese_date(NaiveDate::from_ymd_opt(2022, 6, 3).unwrap()),
            "2022年6月3日"
        );
    }
}
