//! Chapter 1: `cargo run --bin chapter1 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch1, cli};

#[derive(Parser)]
#[command(name = "chapter1", about = ch1::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch1", ch1::build)
}
