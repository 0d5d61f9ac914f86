//! Chapter 1: `cargo run --bin chapter1 -- --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch1, cli, data, report};

#[derive(Parser)]
#[command(name = "chapter1", about = ch1::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
    /// Also write the data set as CSV (header `x,y`) to this file.
    #[arg(long, value_name = "PATH")]
    csv: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch1", |d| {
        let built = ch1::build(d)?;
        if let Some(path) = &args.csv {
            report::write_atomic(path, data::to_csv(d).as_bytes())?;
        }
        Ok(built)
    })
}
