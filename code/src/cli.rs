//! What every chapter binary shares: its common flags, where it writes, how it fails.
//!
//! Conventions (see CONTRIBUTING.md): `--help`, `--json`, `--out DIR`, `--seed N`,
//! `--data PATH.csv`; errors are one line on stderr starting with `error:`, exit code 2,
//! and nothing half-written.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::data::{self, BOOK_SEED, Dataset};
use crate::error::Result;
use crate::report::Report;

#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Folder for the figures and generated values. Default: the book's
    /// src/generated/chN when reproducing the book (book seed, no --data),
    /// ./linreg-out/chN otherwise, so experiments never overwrite the book.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed of the data generator.
    #[arg(long, value_name = "N", default_value_t = BOOK_SEED)]
    pub seed: u64,
    /// Print the numbers the chapter quotes as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Run the chapter on your own data: a CSV file with the header `x,y`.
    #[arg(long, value_name = "PATH.csv")]
    pub data: Option<PathBuf>,
}

impl Common {
    /// The data set the chapter runs on: the reader's CSV, or the generated Paris rents.
    pub fn dataset(&self) -> Result<Dataset> {
        match &self.data {
            Some(path) => data::read_csv(path),
            None => Ok(data::paris_rents(self.seed)),
        }
    }

    pub fn reproduces_book(&self) -> bool {
        self.data.is_none() && self.seed == BOOK_SEED
    }

    /// Where the chapter's files go (see `--out`).
    pub fn out_dir(&self, chapter_dir: &str) -> PathBuf {
        match &self.out {
            Some(dir) => dir.clone(),
            None if self.reproduces_book() => book_generated_dir().join(chapter_dir),
            None => PathBuf::from("linreg-out").join(chapter_dir),
        }
    }
}

/// `src/generated` of the book this crate belongs to.
pub fn book_generated_dir() -> PathBuf {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir).join("src/generated")
}

/// The whole `main` of a chapter binary that has only the common flags:
/// `fn main() -> ExitCode { linreg::cli::chapter_main("chapter2") }`.
pub fn chapter_main(name: &str) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches, Parser};

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        common: Common,
    }

    let chapter = crate::chapters::by_name(name).expect("every chapter binary is listed in chapters::ALL");
    let matches = Args::command().name(chapter.name).bin_name(chapter.name).about(chapter.about).get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    run(&args.common, chapter.dir, chapter.build)
}

/// Runs a chapter: builds its report from the data, writes its files, prints its
/// numbers (JSON with `--json`, a readable summary otherwise). Any error is one line
/// on stderr and exit code 2.
pub fn run(
    common: &Common,
    chapter_dir: &str,
    build: impl FnOnce(&Dataset) -> Result<(Report, String)>,
) -> ExitCode {
    match try_run(common, chapter_dir, build) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn try_run(
    common: &Common,
    chapter_dir: &str,
    build: impl FnOnce(&Dataset) -> Result<(Report, String)>,
) -> Result<()> {
    let data = common.dataset()?;
    let (report, summary) = build(&data)?;
    let dir = common.out_dir(chapter_dir);
    report.write_to(&dir)?;
    if common.json {
        println!("{}", serde_json::to_string_pretty(&report.json()).expect("JSON map serialises"));
    } else {
        print!("{summary}");
    }
    eprintln!("wrote {} files to {}", report.all_files().len(), dir.display());
    Ok(())
}
