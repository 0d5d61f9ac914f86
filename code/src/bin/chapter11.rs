//! Chapter 11: `cargo run --bin chapter11 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter11")
}
