//! Chapter 4: `cargo run --bin chapter4 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter4")
}
