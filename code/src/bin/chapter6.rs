//! Chapter 6: `cargo run --bin chapter6 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch6, cli};

#[derive(Parser)]
#[command(name = "chapter6", about = ch6::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch6", ch6::build)
}
