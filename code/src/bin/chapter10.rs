//! Chapter 10: `cargo run --bin chapter10 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter10")
}
