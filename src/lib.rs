//! gongwen builds Chinese official letters (公文) from Markdown.
//!
//! The pipeline, one module per stage: [`project`] finds the letters →
//! [`letter`] parses the frontmatter → [`markdown`] parses the body →
//! [`render`] makes the HTML page and the Typst data → [`typst_cli`]
//! compiles the PDF → [`output`] writes files whole → [`index`] makes the
//! site's index, filter pages and search index. [`build`] runs it.

pub mod build;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod embedded;
pub mod glyphs;
pub mod index;
pub mod init;
pub mod letter;
pub mod lint;
pub mod markdown;
pub mod new_letter;
pub mod output;
pub mod project;
pub mod regular;
pub mod render;
pub mod search;
pub mod serve;
pub mod templates;
pub mod thumbnail;
pub mod typst_cli;
pub mod typst_diagnostics;
pub mod watch;
pub mod webfonts;
