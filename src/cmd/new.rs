use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use super::ui::Ui;
use crate::config::Config;
use crate::letter::Format;
use crate::new_letter::{self, Draft};

/// Writes a new letter and prints its path.
pub fn run(
    root: &Path,
    title: &str,
    format: Option<Format>,
    series: Option<&str>,
    today: NaiveDate,
    ui: &Ui,
) -> Result<bool> {
    let config = Config::load(root)?;
    let issued = new_letter::issued(root)?;
    let format_used = format
        .or(config.defaults.format.as_deref().and_then(Format::parse))
        .unwrap_or(Format::Plain);
    let series = series.map(str::to_string).or_else(|| {
        new_letter::likely_series(&issued, format_used, config.defaults.number.as_deref())
    });
    let year = chrono::Datelike::year(&today);
    // A 令 and a 纪要 count their 令号 and 期号; the other formats their series' 发文字号.
    let number = match format_used {
        Format::Order | Format::Minutes => new_letter::next_serial(&issued, format_used, year),
        _ => series.map(|s| new_letter::next_number(&issued, &s, year).to_string()),
    };
    let draft = Draft {
        title,
        date: today,
        format,
        number,
        office_defaults: new_letter::office_defaults(&new_letter::config_text(root)),
    };
    let path = new_letter::write(root, &draft)?;
    match (&draft.number, format_used) {
        (Some(n), Format::Order) => ui.detail(format!("令号 {n}: one past the highest 令号")),
        (Some(n), Format::Minutes) => ui.detail(format!("期号 {n}: one past the highest 期号 this year")),
        (Some(n), _) => ui.detail(format!("发文字号 {n}: one past the highest of its series this year")),
        (None, Format::Order | Format::Minutes) => ui.status("no 令号 or 期号 yet: no letter of this format has one to count on from (fill in `number:`)"),
        (None, _) => ui.status("no 发文字号 yet: no letter has one to count on from (give --series, or fill in `number:`)"),
    }
    let shown = if root == Path::new(".") {
        path
    } else {
        root.join(path)
    };
    println!("{}", shown.display());
    Ok(true)
}
