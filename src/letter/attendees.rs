//! 出席、请假、列席 of a 纪要 (GB/T 9704-2012 10.3): who attended, who sent
//! apologies, who sat in. Written as `attendees:` with `present`, `absent`
//! and `observers` (or 出席, 请假, 列席, also 出席人员…), each a name or a
//! list; a bare list is taken as the 出席 list.

use serde::Serialize;
use serde_yaml::Value;

use super::fields::Field;
use super::frontmatter::{Reader, TextList};
use super::resolve::Kind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attendees {
    /// 出席
    pub present: Vec<String>,
    /// 请假
    pub absent: Vec<String>,
    /// 列席
    pub observers: Vec<String>,
}

/// Each list: its key, its printed label and the spellings an author may use.
const LISTS: [(&str, &str, &[&str]); 3] = [
    ("present", "出席", &["present", "出席", "出席人员"]),
    ("absent", "请假", &["absent", "请假", "请假人员"]),
    ("observers", "列席", &["observers", "列席", "列席人员"]),
];

impl Attendees {
    /// The lists as a letter's `attendees` gives them, or why they do not read.
    pub fn read(value: Value) -> Result<Attendees, String> {
        from_value(value)
    }

    pub fn is_empty(&self) -> bool {
        self.present.is_empty() && self.absent.is_empty() && self.observers.is_empty()
    }

    /// The lists given, in the order the 纪要 prints them: (label, names).
    pub fn lists(&self) -> Vec<(&'static str, &[String])> {
        [&self.present, &self.absent, &self.observers]
            .into_iter()
            .zip(LISTS)
            .filter(|(names, _)| !names.is_empty())
            .map(|(names, (_, label, _))| (label, names.as_slice()))
            .collect()
    }

    fn list_mut(&mut self, key: &str) -> &mut Vec<String> {
        match key {
            "present" => &mut self.present,
            "absent" => &mut self.absent,
            _ => &mut self.observers,
        }
    }
}

/// How `attendees` is written: the lists by name, or one list (出席).
pub struct AttendeeLists;

impl Kind for AttendeeLists {
    type Value = Attendees;
    fn read(r: &mut Reader, field: &'static Field) -> Option<Attendees> {
        let value = r.take::<Value>(field, "`present`, `absent` and `observers` lists")?;
        match from_value(value) {
            Ok(a) => Some(a),
            Err(message) => {
                let help = format!(
                    "write `{}:` with `present` (出席), `absent` (请假) and `observers` (列席) under it, each a name or a list, e.g. `present: [张三, 李四]`",
                    field.key
                );
                r.error(field, message, Some(help));
                None
            }
        }
    }
}

fn from_value(value: Value) -> Result<Attendees, String> {
    let mut out = Attendees::default();
    let map = match value {
        Value::Mapping(m) => m,
        other => {
            out.present = names(other, "出席")?;
            return Ok(out);
        }
    };
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default().trim().to_string();
        let Some((name, label, _)) = LISTS
            .iter()
            .find(|(_, _, keys)| keys.contains(&key.as_str()))
        else {
            return Err(format!("unknown list `{key}`"));
        };
        let list = out.list_mut(name);
        if !list.is_empty() {
            return Err(format!("the {label} list is given twice"));
        }
        *list = names(v, label)?;
    }
    Ok(out)
}

fn names(value: Value, label: &str) -> Result<Vec<String>, String> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let list: TextList = serde_yaml::from_value(value)
        .map_err(|_| format!("the {label} list is neither a name nor a list of names"))?;
    Ok(list
        .0
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<Attendees, String> {
        from_value(serde_yaml::from_str(yaml).unwrap())
    }

    #[test]
    fn english_and_chinese_keys_and_a_bare_list() {
        let a = read("出席: [张三, 李四]\n请假人员: 王五\nobservers: [赵六]\n").unwrap();
        assert_eq!(a.present, ["张三", "李四"]);
        assert_eq!(a.absent, ["王五"]);
        assert_eq!(a.observers, ["赵六"]);
        let labels: Vec<_> = a.lists().into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["出席", "请假", "列席"]);
        assert_eq!(read("[甲, 乙]").unwrap().present, ["甲", "乙"]);
        assert_eq!(read("present: [甲]").unwrap().lists().len(), 1);
    }

    #[test]
    fn unknown_and_doubled_lists_are_named() {
        assert_eq!(read("缺席: [甲]").unwrap_err(), "unknown list `缺席`");
        assert_eq!(
            read("出席: [甲]\npresent: [乙]").unwrap_err(),
            "the 出席 list is given twice"
        );
        assert_eq!(
            read("出席: {a: b}").unwrap_err(),
            "the 出席 list is neither a name nor a list of names"
        );
    }
}
