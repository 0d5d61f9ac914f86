//! What every chapter binary shares: its common flags, where it writes, how it fails.
//!
//! Conventions (see CONTRIBUTING.md): `--help`, `--json`, `--out DIR`, `--seed N`,
//! `--data PATH.csv`; errors are one line on stderr starting with `error:`, exit code 2,
//! and nothing half-written.

use std::io::Write;
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
    /// Run the chapter on your own data: a CSV file with a header row. Columns `x` and
    /// `y` are used if present, else the first two numeric columns (see --x, --y).
    #[arg(long, value_name = "PATH.csv")]
    pub data: Option<PathBuf>,
    /// With --data: the column to use as x (its header name).
    #[arg(long, value_name = "COL", requires = "data")]
    pub x: Option<String>,
    /// With --data: the column to use as y (its header name).
    #[arg(long, value_name = "COL", requires = "data")]
    pub y: Option<String>,
    /// With --data: the field delimiter, one character, or `tab` (default: detect , ; or tab).
    #[arg(long, value_name = "C", requires = "data", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

/// `--delimiter`: one ASCII character, or the words `tab` / `\t`.
pub fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" && text != "\n" => Ok(text.as_bytes()[0]),
        _ => Err(format!("expected one ASCII character or `tab`, got `{text}`")),
    }
}

impl Common {
    /// The data set the chapter runs on: the reader's CSV, or the generated Paris rents.
    /// With a CSV whose columns were chosen by default, a note on stderr says which.
    pub fn dataset(&self) -> Result<Dataset> {
        match &self.data {
            Some(path) => {
                let opts = data::CsvOptions { delimiter: self.delimiter };
                let (d, note) = data::read_xy(path, self.x.as_deref(), self.y.as_deref(), &opts)?;
                if let Some(note) = note {
                    let _ = writeln!(std::io::stderr(), "{note}");
                }
                Ok(d)
            }
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
    run(&args.common, chapter.dir, |d| chapter.run(d))
}

/// Runs a chapter: builds its report from the data, writes its files, prints its
/// numbers (JSON with `--json`, a readable summary otherwise). Any error is one line
/// on stderr and exit code 2.
pub fn run(
    common: &Common,
    chapter_dir: &str,
    build: impl FnOnce(&Dataset) -> Result<(Report, String)>,
) -> ExitCode {
    exit_code(try_run(common, chapter_dir, build))
}

/// Exit 0 on success; on failure one line `error: …` on stderr and exit 2.
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints to stdout. A reader that stops early (`--json | head -1`) closes the pipe;
/// that is not an error of ours, so a broken pipe ends the output quietly, where
/// `print!` would panic.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(crate::Error::Write { path: PathBuf::from("standard output"), source: e })
        }
        _ => Ok(()),
    }
}

fn try_run(
    common: &Common,
    chapter_dir: &str,
    build: impl FnOnce(&Dataset) -> Result<(Report, String)>,
) -> Result<()> {
    let data = common.dataset()?;
    data::check_usable(&data)?;
    let (report, summary) = build(&data)?;
    let dir = common.out_dir(chapter_dir);
    report.write_to(&dir)?;
    let _ = writeln!(std::io::stderr(), "wrote {} files to {}", report.file_count(), dir.display());
    if !report.undefined().is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "note: undefined on these data, written as null (JSON) and — (values.md): {} (a ratio to b* = 0 or to a perfect fit's zero error)",
            report.undefined().join(", ")
        );
    }
    if common.json {
        print_stdout(&format!("{}\n", serde_json::to_string_pretty(&report.json()).expect("JSON map serialises")))
    } else {
        print_stdout(&summary)
    }
}
