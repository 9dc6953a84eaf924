//! Rendering a parsed letter: the HTML page and the data for the Typst layout.

pub mod blocks;
pub mod html;
pub mod sanitize;
pub mod text;
pub mod title_lines;
pub mod typeset;
pub mod typst_data;
