//! Chapter 7: `cargo run --bin chapter7 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch7, cli};

#[derive(Parser)]
#[command(name = "chapter7", about = ch7::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch7", ch7::build)
}
