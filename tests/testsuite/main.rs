//! The integration tests, one binary (as mdBook's `tests/testsuite`): one
//! module per feature, sharing `common`. Each runs the gongwen binary on a
//! fixture project and reads what it made back: the PDF with poppler or
//! PyMuPDF, the pages as HTML or in Chromium, the messages as printed.

mod common;

mod browser;
mod check;
mod clean;
mod counts;
mod docx;
mod fonts;
mod glyphs;
mod held_back;
mod help;
mod hostile;
mod incremental;
mod init;
mod interrupted;
mod layout;
mod markdown_props;
mod mistakes;
mod new;
mod sample;
mod scale;
mod serve;
mod site;
mod webfonts;
