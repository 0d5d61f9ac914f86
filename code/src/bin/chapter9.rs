//! Chapter 9: `cargo run --bin chapter9 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter9")
}
