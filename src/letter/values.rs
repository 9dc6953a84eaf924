//! The typed values of a letter's fields: the choices (format, 公开属性,
//! 紧急程度) and the attachments, each read from what an author may write.

use serde::{Deserialize, Serialize};

/// A field whose value is one of a few names; `parse` accepts every
/// spelling an author may use, `HELP` lists them for a message.
pub trait Choice: Sized + Copy {
    const HELP: &'static str;
    fn parse(s: &str) -> Option<Self>;
    fn unknown(s: &str) -> String {
        format!("unknown value `{s}`")
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 信函格式
    Letter,
    /// 文件格式
    Document,
    /// 命令格式 (GB/T 9704-2012 10.2), the format of a 令.
    Order,
    /// 纪要格式 (GB/T 9704-2012 10.3).
    Minutes,
    /// No 版头 (无版头); a letter that names no format has this one.
    #[default]
    Plain,
}

impl Format {
    /// The format a `format` value names, if gongwen has it.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim() {
            "letter" | "信函" | "信函格式" => Some(Format::Letter),
            "document" | "文件" | "文件格式" => Some(Format::Document),
            "order" | "命令格式" | "命令" | "令" => Some(Format::Order),
            "minutes" | "纪要格式" | "纪要" => Some(Format::Minutes),
            "plain" | "无版头" => Some(Format::Plain),
            _ => None,
        }
    }

    /// The value of `format:` that names it, as `new` writes it.
    pub fn key(self) -> &'static str {
        match self {
            Format::Letter => "letter",
            Format::Document => "document",
            Format::Order => "order",
            Format::Minutes => "minutes",
            Format::Plain => "plain",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Format::Letter => "信函格式",
            Format::Document => "文件格式",
            Format::Order => "命令格式",
            Format::Minutes => "纪要格式",
            Format::Plain => "无版头",
        }
    }
}

impl Choice for Format {
    const HELP: &'static str = "use `letter` (信函格式), `document` (文件格式), `order` (命令格式), `minutes` (纪要格式) or `plain` (无版头)";
    fn parse(s: &str) -> Option<Self> {
        Format::parse(s)
    }
    fn unknown(s: &str) -> String {
        format!("unknown format `{s}`")
    }
}

/// A file `build` makes of a letter (`outputs:`, in `gongwen.yaml` or a
/// letter's frontmatter). The PDF and the page are always made; `docx` adds
/// the Word file beside the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    Pdf,
    Html,
    Docx,
}

impl Output {
    /// What a letter gets when no `outputs:` names any.
    pub const DEFAULT: &'static [Output] = &[Output::Pdf, Output::Html];
}

impl Choice for Output {
    const HELP: &'static str =
        "list `pdf`, `html` and, for a Word file, `docx`: `outputs: [pdf, html, docx]`";
    fn parse(s: &str) -> Option<Output> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(Output::Pdf),
            "html" => Some(Output::Html),
            "docx" | "word" => Some(Output::Docx),
            _ => None,
        }
    }
    fn unknown(s: &str) -> String {
        format!("unknown output `{s}`")
    }
}

/// 公开属性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Publish {
    主动公开,
    依申请公开,
    不予公开,
}

impl Choice for Publish {
    const HELP: &'static str = "use 主动公开, 依申请公开 or 不予公开";
    fn parse(s: &str) -> Option<Publish> {
        match s.trim() {
            "主动公开" => Some(Publish::主动公开),
            "依申请公开" => Some(Publish::依申请公开),
            "不予公开" => Some(Publish::不予公开),
            _ => None,
        }
    }
}

/// 紧急程度 (GB/T 9704-2012 7.2.3): 特急 and 加急 for 公文; 特提 and 平急
/// are the further marks of 电报.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Urgency {
    特提,
    特急,
    加急,
    平急,
}

impl Choice for Urgency {
    const HELP: &'static str = "use 特急 or 加急 (电报 also 特提 or 平急)";
    fn parse(s: &str) -> Option<Urgency> {
        match s.trim() {
            "特提" => Some(Urgency::特提),
            "特急" => Some(Urgency::特急),
            "加急" => Some(Urgency::加急),
            "平急" => Some(Urgency::平急),
            _ => None,
        }
    }
}

/// An entry of `attachments`: a name, or a name with a Markdown file for its pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Attachment {
    Named(String),
    WithFile { name: String, file: String },
}

impl Attachment {
    pub fn name(&self) -> &str {
        match self {
            Attachment::Named(n) | Attachment::WithFile { name: n, .. } => n,
        }
    }

    pub fn file(&self) -> Option<&str> {
        match self {
            Attachment::Named(_) => None,
            Attachment::WithFile { file, .. } => Some(file),
        }
    }
}

/// A title, as the lines the author broke it into (one when unbroken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub lines: Vec<String>,
}

impl Title {
    /// The title on one line.
    pub fn text(&self) -> String {
        self.lines.concat()
    }
}
