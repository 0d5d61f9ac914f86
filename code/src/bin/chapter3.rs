//! Chapter 3: `cargo run --bin chapter3 -- --help`.

fn main() -> std::process::ExitCode {
    linreg::cli::chapter_main("chapter3")
}
