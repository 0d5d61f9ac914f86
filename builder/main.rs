//! `cargo run --release --bin book`: renders every figure and builds the HTML book.

use std::path::{Path, PathBuf};
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
    println!("the book is in {}", out.join("index.html").display());
    if args.serve {
        serve(&out, args.port)?;
    }
    Ok(())
}

/// A static file server for the built book, on the loopback interface only.
fn serve(dir: &Path, port: u16) -> Result<()> {
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    for request in server.incoming_requests() {
        let response = match resolve(dir, request.url()).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
            Some((path, bytes)) => {
                let header = tiny_http::Header::from_bytes("Content-Type", content_type(&path))
                    .expect("static header is valid");
                tiny_http::Response::from_data(bytes).with_header(header).boxed()
            }
            None => tiny_http::Response::from_string("not found").with_status_code(404).boxed(),
        };
        let _ = request.respond(response); // a client that went away is not our error
    }
    Ok(())
}

/// Maps a URL path to a file under `dir`, refusing anything that climbs out of it.
fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut file = dir.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part.contains('\\') {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}
