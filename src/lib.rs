//! gongwen builds Chinese official letters (公文) from Markdown.
//!
//! The pipeline, one module per stage: [`project`] finds letters →
//! [`letter`] parses frontmatter → [`markdown`] parses the body →
//! [`render`] makes the HTML page and the Typst data → [`typst_cli`]
//! compiles the PDF → [`output`] writes files atomically. [`build`] runs it.

pub mod config;
pub mod diagnostic;
pub mod letter;
pub mod markdown;
pub mod render;
