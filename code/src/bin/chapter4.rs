//! Chapter 4: `cargo run --bin chapter4 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch4, cli};

#[derive(Parser)]
#[command(name = "chapter4", about = ch4::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch4", ch4::build)
}
