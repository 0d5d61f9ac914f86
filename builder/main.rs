//! `cargo run --release --bin book`: renders every figure and builds the HTML book.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;

#[derive(Parser)]
#[command(name = "book", about = "Render every figure, then build the HTML book into book/")]
struct Args {
    /// After building, serve the book on http://127.0.0.1:PORT (Ctrl-C to stop).
    #[arg(long)]
    serve: bool,
    /// Port for --serve.
    #[arg(long, default_value_t = 3000)]
    port: u16,
}

fn main() -> ExitCode {
    let args = Args::parse();
    gd_book::init_logging();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let root = gd_book::root();
    let start = Instant::now();
    gd_book::render_figures(&root)?;
    eprintln!("rendered the figures in {:.2} s", start.elapsed().as_secs_f64());
    let book = gd_book::load(&root)?;
    book.build().context("mdBook build failed")?;
    let out = book.build_dir_for("html");
    gd_book::readable_search_excerpts(&out).context("rewriting the search excerpts")?;
    println!("the book is in {}", out.join("index.html").display());
    if args.serve {
        serve(&out, args.port)?;
    }
    Ok(())
}

/// Serves the built book on the loopback interface only.
fn serve(dir: &Path, port: u16) -> Result<()> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    gd_book::serve_files(&listener, dir);
    Ok(())
}
