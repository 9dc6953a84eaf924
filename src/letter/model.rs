//! The fields of a letter, declared once. From this one list come the
//! frontmatter keys with their Chinese names ([`keys`]), the fields as
//! written ([`RawMeta`], also the office defaults of `gongwen.yaml`),
//! their reading and merging, the checked [`Meta`] and its print form,
//! which every renderer receives (`Serialize`).
//!
//! A new field is one line here (its kind, type, resolver and print form)
//! plus the templates that print it.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::attendees::{AttendeeLists, Attendees};
use super::fields::Field;
use super::frontmatter::Reader;
use super::print;
use super::resolve::{self, Attachments, Kind, Names, OneText, ProjectImage};
use super::values::{Attachment, Format, Output, Publish, Title, Urgency};
use chrono::NaiveDate;

/// Declares the fields; see the module's documentation.
macro_rules! letter_model {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: $kind:ty => $typed:ty, $resolve:expr, $print:path;
            $CONST:ident = $key:literal, $zh:literal, $example:literal $(, [$($alias:literal),*])?;
    )*) => {
        /// The frontmatter keys, each with its element name from GB/T 9704.
        pub mod keys {
            use super::Field;
            $(pub static $CONST: Field = Field {
                key: $key,
                chinese: $zh,
                example: $example,
                aliases: &[$($($alias),*)?],
            };)*
            pub static ALL: &[&Field] = &[$(&$CONST),*];
        }

        /// Fields as written, before defaults and checks.
        #[derive(Debug, Clone, Default)]
        pub struct RawMeta {
            $(pub $name: Option<<$kind as Kind>::Value>,)*
        }

        impl RawMeta {
            pub fn read(r: &mut Reader) -> RawMeta {
                RawMeta { $($name: <$kind>::read(r, &keys::$CONST),)* }
            }

            /// These fields, with the gaps filled from `defaults`.
            pub fn or(self, defaults: &RawMeta) -> RawMeta {
                RawMeta { $($name: self.$name.or_else(|| defaults.$name.clone()),)* }
            }

            /// A text field as written, if it is one and is given.
            pub fn text(&self, field: &Field) -> Option<String> {
                $(if field.key == $key {
                    return self.$name.as_ref().and_then(<$kind>::as_text);
                })*
                None
            }

            /// A list field's names as written, if it is one and is given.
            pub fn names(&self, field: &Field) -> Option<Vec<String>> {
                $(if field.key == $key {
                    return self.$name.as_ref().and_then(<$kind>::as_names);
                })*
                None
            }
        }

        /// A letter's fields, checked and with defaults applied.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Meta {
            $($(#[doc = $doc])* pub $name: $typed,)*
        }

        impl Meta {
            /// Checks the merged fields; problems go to `r`, and then `None` comes back.
            pub fn resolve(raw: RawMeta, r: &mut Reader) -> Option<Meta> {
                let first = r.diagnostics.0.len();
                $(let $name: Option<$typed> = $resolve(raw.$name.clone(), &keys::$CONST, &raw, r);)*
                // Problems read top to bottom, as the file does; a missing field has no line and comes first.
                r.diagnostics.0[first..].sort_by_key(|d| d.line);
                Some(Meta { $($name: $name?,)* })
            }
        }

        /// The print form every renderer receives.
        impl Serialize for Meta {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(None)?;
                $($print(&self.$name, $key, &mut map)?;)*
                map.end()
            }
        }
    };
}

letter_model! {
    /// 标题, as the lines the author broke it into.
    title: OneText => Title, resolve::title, print::title;
        TITLE = "title", "标题", "关于……的函";
    to: Names => Vec<String>, resolve::names, print::names_and_text;
        TO = "to", "主送机关", "[自治区财政厅, 自治区发展改革委]", ["主送"];
    issuer: OneText => String, resolve::required_text, print::value;
        ISSUER = "issuer", "发文机关署名", "宁夏回族自治区自然资源厅", ["署名"];
    date: OneText => NaiveDate, resolve::required_date, print::date;
        DATE = "date", "成文日期", "2022-06-13";
    /// 发文字号; in 命令格式 the 令号 (第128号), in 纪要格式 the 期号 (第15期).
    number: OneText => Option<String>, resolve::number, print::value;
        NUMBER = "number", "发文字号", "宁自然资函〔2022〕70号", ["令号", "期号"];
    format: OneText => Format, resolve::choice_or_default, print::format;
        FORMAT = "format", "格式", "letter";
    /// 发文机关标志: one name, or several for a joint issue.
    header: Names => Vec<String>, resolve::header, print::header;
        HEADER = "header", "发文机关标志", "[宁夏回族自治区自然资源厅, 宁夏回族自治区财政厅]";
    copy_no: OneText => Option<String>, resolve::six_digits, print::value;
        COPY_NO = "copy_no", "份号", "1";
    secrecy: OneText => Option<String>, resolve::as_written, print::value;
        SECRECY = "secrecy", "密级和保密期限", "秘密★1年", ["密级"];
    urgency: OneText => Option<Urgency>, resolve::choice, print::value;
        URGENCY = "urgency", "紧急程度", "加急";
    /// 签发人; in 命令格式 each as `职务 姓名`.
    signers: Names => Vec<String>, resolve::names, print::signers;
        SIGNERS = "signers", "签发人", "[张三, 李四]";
    attachments: Attachments => Vec<Attachment>, resolve::list, print::skip;
        ATTACHMENTS = "attachments", "附件", "[{name: 储备项目表, file: _attachments/table.md}]";
    note: OneText => Option<String>, resolve::note, print::value;
        NOTE = "note", "附注", "联系人：张三 0951-1234567";
    cc: Names => Vec<String>, resolve::names, print::value;
        CC = "cc", "抄送机关", "[自治区政协提案委员会]", ["抄送"];
    printer: OneText => Option<String>, resolve::as_written, print::value;
        PRINTER = "printer", "印发机关", "宁夏回族自治区自然资源厅办公室";
    print_date: OneText => NaiveDate, resolve::or_date_of_issue, print::date;
        PRINT_DATE = "print_date", "印发日期", "2022-06-13";
    publish: OneText => Option<Publish>, resolve::choice, print::value;
        PUBLISH = "publish", "公开属性", "主动公开";
    /// 印章: an image, relative to the project root.
    seal: ProjectImage => Option<String>, resolve::as_written, print::rooted;
        SEAL = "seal", "印章", "/images/seal.png";
    /// 签名章 of the 签发人 of a 令: an image, relative to the project root.
    signature: ProjectImage => Option<String>, resolve::as_written, print::rooted;
        SIGNATURE = "signature", "签名章", "/images/signature.png";
    /// 出席、请假、列席 of a 纪要.
    attendees: AttendeeLists => Attendees, resolve::or_default, print::attendees;
        ATTENDEES = "attendees", "出席人员", "{present: [张三, 李四], absent: [王五], observers: [赵六]}", ["参会人员"];
    /// The files `build` makes: the PDF and the page, and the DOCX when listed.
    outputs: Names => Vec<Output>, resolve::outputs, print::value;
        OUTPUTS = "outputs", "输出文件", "[pdf, html, docx]", ["输出"];
}

impl Meta {
    pub fn title(&self) -> String {
        self.title.text()
    }

    /// Whether the letter asks for a Word file too.
    pub fn wants_docx(&self) -> bool {
        self.outputs.contains(&Output::Docx)
    }

    /// 成文日期 as the standard prints it: 2022年6月13日, no leading zeros.
    pub fn date_text(&self) -> String {
        print::chinese_date(self.date)
    }
}
