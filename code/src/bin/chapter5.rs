//! Chapter 5: `cargo run --bin chapter5 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter5")
}
