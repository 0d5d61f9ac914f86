//! Chapter 3: `cargo run --bin chapter3 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch3, cli};

#[derive(Parser)]
#[command(name = "chapter3", about = ch3::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch3", ch3::build)
}
