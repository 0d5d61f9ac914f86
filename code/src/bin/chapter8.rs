//! Chapter 8: `cargo run --bin chapter8 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter8")
}
