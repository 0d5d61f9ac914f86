//! Chapter 9: `cargo run --bin chapter9 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch9, cli};

#[derive(Parser)]
#[command(name = "chapter9", about = ch9::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch9", ch9::build)
}
