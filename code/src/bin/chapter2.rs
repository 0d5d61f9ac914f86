//! Chapter 2: `cargo run --bin chapter2 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch2, cli};

#[derive(Parser)]
#[command(name = "chapter2", about = ch2::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch2", ch2::build)
}
