use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gongwen::build::{Options, Shard};
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
    ///
    /// Only letters that changed since the last build are built again: a letter is rebuilt when
    /// its text, an image or attachment it uses, the templates, the fonts, gongwen.yaml or the
    /// typst version changed.
    #[command(
        after_help = "Examples:\n  gongwen build\n  gongwen build --force --jobs 1\n  gongwen build --shard 2/4   (the second quarter of the letters, for a CI matrix)"
    )]
    Build(BuildArgs),
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
    /// Keep the generated Typst sources in output/ (until the next build), to inspect a layout.
    #[arg(long, hide = true)]
    keep_work: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(
            &args.project.root,
            Options {
                force: args.force,
                jobs: args.jobs,
                shard: args.shard,
                progress: false,
                keep_work: args.keep_work,
            },
        ),
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
