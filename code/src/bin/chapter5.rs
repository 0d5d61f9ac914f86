//! Chapter 5: `cargo run --bin chapter5 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch5, cli};

#[derive(Parser)]
#[command(name = "chapter5", about = ch5::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch5", ch5::build)
}
