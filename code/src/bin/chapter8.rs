//! Chapter 8: `cargo run --bin chapter8 -- --help`.

use std::process::ExitCode;

use clap::Parser;
use linreg::{chapters::ch8, cli};

#[derive(Parser)]
#[command(name = "chapter8", about = ch8::ABOUT)]
struct Args {
    #[command(flatten)]
    common: cli::Common,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run(&args.common, "ch8", ch8::build)
}
