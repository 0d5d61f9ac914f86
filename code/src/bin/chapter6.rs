//! Chapter 6: `cargo run --bin chapter6 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter6")
}
