use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gongwen::cmd;
use gongwen::diagnostic::Diagnostics;

/// Build Chinese official letters (公文) from Markdown into GB/T 9704-2012 PDFs and intranet HTML.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every letter in letters/ into output/ (a PDF and an HTML page each, and an index).
    Build(ProjectArgs),
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(&args.root),
        Command::Doctor => cmd::doctor::run(),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            // Diagnostics (of the office config) carry their own `error:`.
            match e.downcast_ref::<Diagnostics>() {
                Some(problems) => eprintln!("{problems}"),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
