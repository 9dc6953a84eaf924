use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use super::ui::Ui;
use crate::config;
use crate::embedded::Written;
use crate::init::{
    self, Name, Office, ISSUER, PLACEHOLDER_ISSUER, PLACEHOLDER_SERIES, PRINTER, SERIES, SITE_TITLE,
};

/// The names given as flags; the missing ones are asked on a terminal.
#[derive(Debug, Default)]
pub struct Given {
    pub issuer: Option<String>,
    pub printer: Option<String>,
    pub site_title: Option<String>,
    pub series: Option<String>,
}

/// Makes the project in `dir` (and with `eject`, writes gongwen's templates and fonts into it).
pub fn run(dir: &Path, given: Given, eject: bool, today: NaiveDate, ui: &Ui) -> Result<bool> {
    let new_config = !dir.join(config::FILE_NAME).exists();
    let terminal = std::io::stdin().is_terminal();
    let (office, placeholders) = if new_config && terminal {
        let stdin = std::io::stdin();
        office(given, &mut Asker::new(stdin.lock(), std::io::stderr()))?
    } else {
        office(given, &mut NoOne)?
    };
    let mut done = init::create(dir, &office, today)?;
    if eject {
        done.extend(init::eject(dir)?);
    }
    for written in &done {
        match written {
            Written::New(path) => ui.detail(format!("wrote {}", path.display())),
            Written::Kept(path) => ui.status(format!(
                "{} is there already: kept as it is",
                path.display()
            )),
        }
    }
    if new_config && !placeholders.is_empty() {
        ui.warning(placeholder_warning(&placeholders, terminal));
    }
    let written = done.iter().filter(|w| matches!(w, Written::New(_))).count();
    ui.status(format!(
        "wrote {written} files in {}; next: `gongwen build{}`",
        dir.display(),
        if dir == Path::new(".") {
            String::new()
        } else {
            format!(" --root {}", dir.display())
        }
    ));
    Ok(true)
}

/// Names what was written as a placeholder, why, and how to put it right.
fn placeholder_warning(names: &[Name], terminal: bool) -> String {
    let listed: Vec<String> = names
        .iter()
        .map(|n| format!("{} (--{})", n.chinese, n.flag))
        .collect();
    let why = if terminal {
        "left empty when asked"
    } else {
        "no terminal to ask the office's names on, and none given"
    };
    format!(
        "warning: {why}: placeholders written for {}\n  \
         help: put the office's names in {} and its 机关代字 in the example letter's `number` \
         (it reads {PLACEHOLDER_SERIES} until then), or make the project again with these flags",
        listed.join(", "),
        config::FILE_NAME,
    )
}

/// Where the names not given come from.
trait Ask {
    /// The answer, or None for none (or no one to ask).
    fn ask(&mut self, name: Name, default: Option<&str>) -> Result<Option<String>>;
}

/// No terminal: nothing is asked.
struct NoOne;

impl Ask for NoOne {
    fn ask(&mut self, _: Name, _: Option<&str>) -> Result<Option<String>> {
        Ok(None)
    }
}

/// A question on `output`, its answer a line of `input`.
struct Asker<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> Asker<R, W> {
    fn new(input: R, output: W) -> Self {
        Asker { input, output }
    }
}

impl<R: BufRead, W: Write> Ask for Asker<R, W> {
    fn ask(
        &mut self,
        Name {
            flag,
            chinese,
            example,
        }: Name,
        default: Option<&str>,
    ) -> Result<Option<String>> {
        match default {
            Some(d) => write!(self.output, "{chinese} ({flag}) [{d}]: ")?,
            None => write!(self.output, "{chinese} ({flag}), e.g. {example}: ")?,
        }
        self.output.flush()?;
        let mut line = String::new();
        self.input.read_line(&mut line)?;
        let answer = line.trim();
        Ok(match answer {
            "" => default.map(str::to_string),
            _ => Some(answer.to_string()),
        })
    }
}

/// The office's names: given, else asked, else derived from the issuer,
/// else placeholders (returned too, to be named in a warning).
fn office(given: Given, ask: &mut dyn Ask) -> Result<(Office, Vec<Name>)> {
    let mut placeholders = Vec::new();
    let issuer = match given.issuer {
        Some(i) => Some(i),
        None => ask.ask(ISSUER, None)?,
    };
    let derived = issuer.is_some();
    let issuer = issuer.unwrap_or_else(|| {
        placeholders.push(ISSUER);
        PLACEHOLDER_ISSUER.to_string()
    });
    let mut name = |value: Option<String>, what, default: String| -> Result<String> {
        let value = match value {
            Some(v) => v,
            None => ask.ask(what, Some(&default))?.unwrap_or(default),
        };
        if !derived && value.contains(PLACEHOLDER_ISSUER) {
            placeholders.push(what);
        }
        Ok(value)
    };
    let printer = name(given.printer, PRINTER, Office::default_printer(&issuer))?;
    let site_title = name(
        given.site_title,
        SITE_TITLE,
        Office::default_site_title(&issuer),
    )?;
    let series = match given.series {
        Some(s) => s,
        None => ask.ask(SERIES, None)?.unwrap_or_else(|| {
            placeholders.push(SERIES);
            PLACEHOLDER_SERIES.to_string()
        }),
    };
    Ok((
        Office {
            issuer,
            printer,
            site_title,
            series,
        },
        placeholders,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(answers: &str, given: Given) -> (Office, Vec<&'static str>, String) {
        let mut shown = Vec::new();
        let (office, placeholders) =
            office(given, &mut Asker::new(answers.as_bytes(), &mut shown)).unwrap();
        let keys = placeholders.iter().map(|p| p.flag).collect();
        (office, keys, String::from_utf8(shown).unwrap())
    }

    #[test]
    fn the_names_are_asked_with_the_issuers_offices_as_defaults() {
        let (office, placeholders, shown) = asked(
            "银川市自然资源局\n\n银川市自然资源局公文\n银自然资函\n",
            Given::default(),
        );
        assert_eq!(
            office,
            Office {
                issuer: "银川市自然资源局".into(),
                printer: "银川市自然资源局办公室".into(),
                site_title: "银川市自然资源局公文".into(),
                series: "银自然资函".into(),
            }
        );
        assert!(placeholders.is_empty());
        assert_eq!(
            shown,
            "发文机关署名 (issuer), e.g. 宁夏回族自治区自然资源厅: \
             印发机关 (printer) [银川市自然资源局办公室]: \
             网站标题 (site-title) [银川市自然资源局 公文]: \
             发文字号的机关代字 (series), e.g. 宁自然资函: "
        );
    }

    #[test]
    fn a_given_name_is_not_asked_and_an_empty_answer_is_a_placeholder() {
        let given = Given {
            printer: Some("办公室".into()),
            ..Given::default()
        };
        let (office, placeholders, shown) = asked("\n\n\n", given);
        assert_eq!(office.issuer, PLACEHOLDER_ISSUER);
        assert_eq!(office.printer, "办公室");
        assert_eq!(office.site_title, "某市某局 公文");
        assert_eq!(placeholders, vec!["issuer", "site-title", "series"]);
        assert!(!shown.contains("printer"), "{shown}");
    }
}
