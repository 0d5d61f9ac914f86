//! Chapter 7: `cargo run --bin chapter7 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter7")
}
