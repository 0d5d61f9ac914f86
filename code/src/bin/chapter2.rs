//! Chapter 2: `cargo run --bin chapter2 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter2")
}
