use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gongwen::build::{Options, Shard};
use gongwen::cmd;
use gongwen::cmd::ui::{Ui, Verbosity};

/// Build Chinese official letters (公文) from Markdown into GB/T 9704-2012 PDFs and intranet HTML.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Examples:
  Make a project for an office, then build its example letter:
    gongwen init office && cd office && gongwen build
  Start a new letter (the file's path is printed):
    gongwen new \"关于做好2024年度耕地保护工作的通知\"
  Look for mistakes in every letter, then correct the safe ones:
    gongwen check
    gongwen check --fix
  Preview in the browser while you write (http://127.0.0.1:8000/):
    gongwen serve
  Make output/ for the intranet:
    gongwen build

`gongwen help <command>` tells more about each command."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every step.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Make a new office project: gongwen.yaml, letters/ with an example letter, .gitignore and a README.
    #[command(
        long_about = "Make a new office project in DIR (default: the current folder; made if missing): gongwen.yaml with the office's names, letters/ with one example letter, a .gitignore that keeps output/, restricted/ and gongwen's scratch files out of git, and a README for the office. A file that is there already is never written over.

The office's names come from the flags; those not given are asked on a terminal. Without a terminal (a script, CI) the names not given are written as placeholders (某市某局, 某局函), and a warning says so.

gongwen carries its templates and fonts inside it, so the project needs neither. With --eject, they are written into templates/ and fonts/ (about 80 MB of fonts) for an office that wants to edit them; each file the project has replaces gongwen's own.",
        after_help = "Examples:
  gongwen init office                      make the folder office, asking the names on the terminal
  gongwen init --issuer 宁夏回族自治区自然资源厅 --series 宁自然资函 office
  gongwen init --eject                     write the templates and fonts into this project, to edit them"
    )]
    Init(InitArgs),
    /// Build every letter in letters/ into output/ (a PDF and an HTML page each, and an index).
    ///
    /// Only letters that changed since the last build are built again: a letter is rebuilt when
    /// its text, an image or attachment it uses, the templates, the fonts, gongwen.yaml or the
    /// typst version changed.
    #[command(
        after_help = "Examples:\n  gongwen build\n  gongwen build --force --jobs 1\n  gongwen build --shard 2/4   (the second quarter of the letters, for a CI matrix)"
    )]
    Build(BuildArgs),
    /// Check every letter for mistakes without building: missing or wrong fields, and the
    /// writing rules of 公文 (发文字号, dates, punctuation, heading numbers, …).
    #[command(
        long_about = gongwen::lint::rules::check_help(),
        after_help = "Examples:
  gongwen check                      check every letter under letters/
  gongwen check --fix                correct what is safe to correct (marks, number forms, 号→日, 发文字号 brackets) in place
  gongwen check -q                   show errors only
  gongwen check --explain date-hao   what a rule looks for, its source and its fix"
    )]
    Check(CheckArgs),
    /// Start a new letter: a file under letters/<year>/ with today's date and the next 发文字号.
    #[command(
        long_about = "Start a new letter.

Writes a file under letters/<year>/, named after today's date (2024-06-03-1.md; never over an existing file), and prints its path. The file has the title, today's date and the next 发文字号 of its series: one past the highest number used in that series this year. The series is the one of the latest letter of the same format (or give --series). A 令 (--format order) gets the next 令号 (第129号) and the keys of 命令格式 (header, signers, signature); a 纪要 (--format minutes) the next 期号 of the year (第16期) and its attendees (出席, 请假, 列席). The office defaults of gongwen.yaml are listed in it for reference.",
        after_help = "Examples:
  gongwen new \"关于银川市申请调整耕地保护目标的复函\"
  gongwen new --format document \"关于做好2024年度生态保护修复项目储备工作的通知\"
  gongwen new --series 宁自然资办函 \"关于召开工作会议的函\""
    )]
    New(NewArgs),
    /// Build, then build again every time a letter, gongwen.yaml, a template or a font is saved.
    #[command(
        after_help = "Example:\n  gongwen watch      leave it running while you write; stop it with Ctrl-C"
    )]
    Watch(ProjectArgs),
    /// Like watch, and show output/ in the browser: open pages reload by themselves after each build.
    #[command(
        long_about = "Build, then build again on every save, like `watch`, and serve output/ at http://127.0.0.1:8000/ (this computer only). A page open in the browser reloads by itself when a build has finished. The pages that were built before are served at once, while the first build runs.",
        after_help = "Examples:
  gongwen serve                 then open http://127.0.0.1:8000/ in the browser
  gongwen serve --port 8080     another port (0: any free one)"
    )]
    Serve(ServeArgs),
    /// Remove output/, everything gongwen built; the letters and the rest of the project stay.
    #[command(
        after_help = "Example:\n  gongwen clean && gongwen build     build everything afresh"
    )]
    Clean(ProjectArgs),
    /// Find the typst CLI (installing the pinned version if missing) and report it.
    Doctor,
}

/// Arguments shared by the commands that work on a project.
#[derive(Args)]
struct ProjectArgs {
    /// The project folder: the one holding letters/, templates/, fonts/ and gongwen.yaml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Build every letter, changed or not.
    #[arg(long)]
    force: bool,
    /// How many letters to lay out at once (default: one per core).
    #[arg(
        long,
        short,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    jobs: usize,
    /// Build only the K-th of N stable shares of the letters (the index still lists them all).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Keep the generated Typst sources in .gongwen-work-… beside output/ (until the next build), to inspect a layout.
    #[arg(long, hide = true)]
    keep_work: bool,
}

#[derive(Args)]
struct InitArgs {
    /// The folder of the new project.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 发文机关署名, e.g. 宁夏回族自治区自然资源厅.
    #[arg(long)]
    issuer: Option<String>,
    /// 印发机关 (default: the issuer's 办公室).
    #[arg(long)]
    printer: Option<String>,
    /// The intranet site's title (default: the issuer, then 公文).
    #[arg(long)]
    site_title: Option<String>,
    /// The 机关代字 of the office's 发文字号, e.g. 宁自然资函.
    #[arg(long)]
    series: Option<String>,
    /// Also write gongwen's templates and fonts into templates/ and fonts/, to edit them.
    #[arg(long)]
    eject: bool,
    /// The date to use instead of today (YYYY-MM-DD); for tests.
    #[arg(long, hide = true)]
    date: Option<chrono::NaiveDate>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Correct the safe findings in the letters' files (each written whole, in place).
    #[arg(long, conflicts_with = "explain")]
    fix: bool,
    /// Explain a rule (what it looks for, its source, what --fix mends) instead of checking.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
}

#[derive(Args)]
struct NewArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The title (标题), e.g. "关于……的函".
    title: String,
    /// The format of the letter; default: as in gongwen.yaml.
    #[arg(long, value_enum)]
    format: Option<gongwen::letter::Format>,
    /// The series of the 发文字号 (机关代字), e.g. 宁自然资函; default: that of the latest letter of the same format.
    #[arg(long)]
    series: Option<String>,
    /// The date to use instead of today (YYYY-MM-DD); for tests.
    #[arg(long, hide = true)]
    date: Option<chrono::NaiveDate>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The port on 127.0.0.1 to serve on; 0 for any free one.
    #[arg(long, default_value_t = 8000)]
    port: u16,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        verbosity: match (cli.quiet, cli.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        },
    };
    match run(cli.command, &ui) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            ui.failure(&e);
            ExitCode::FAILURE
        }
    }
}

/// Runs `command`: whether it succeeded, or why it could not run.
fn run(command: Command, ui: &Ui) -> anyhow::Result<bool> {
    let today = || chrono::Local::now().date_naive();
    match command {
        Command::Build(args) => cmd::build::run(
            &args.project.root,
            Options {
                force: args.force,
                jobs: args.jobs,
                shard: args.shard,
                progress: false,
                keep_work: args.keep_work,
            },
            ui,
        ),
        Command::Init(args) => cmd::init::run(
            &args.dir,
            cmd::init::Given {
                issuer: args.issuer,
                printer: args.printer,
                site_title: args.site_title,
                series: args.series,
            },
            args.eject,
            args.date.unwrap_or_else(today),
            ui,
        ),
        Command::Check(args) => match &args.explain {
            Some(rule) => cmd::check::explain(rule, ui),
            None => cmd::check::run(&args.project.root, args.fix, ui),
        },
        Command::New(args) => cmd::new::run(
            &args.project.root,
            &args.title,
            args.format,
            args.series.as_deref(),
            args.date.unwrap_or_else(today),
            ui,
        ),
        Command::Watch(args) => cmd::watch::run(&args.root, ui),
        Command::Serve(args) => cmd::serve::run(&args.project.root, args.port, ui),
        Command::Clean(args) => cmd::clean::run(&args.root, ui),
        Command::Doctor => cmd::doctor::run(),
    }
}
