//! Building the book: regenerate every chapter's files, then run mdBook as a library.
//!
//! Shared by the `book` binary and the book-level tests, so both build the book the
//! same way.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use linreg::chapters;
use linreg::data::{BOOK_SEED, paris_rents};
use mdbook_driver::MDBook;

/// The repository root (where `book.toml` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes every chapter's figures and generated values into `src/generated/chN`.
pub fn render_figures(root: &Path) -> Result<()> {
    let data = paris_rents(BOOK_SEED);
    for chapter in chapters::ALL {
        let (report, _) = (chapter.build)(&data).with_context(|| chapter.name)?;
        report.write_to(&root.join("src/generated").join(chapter.dir))?;
    }
    Ok(())
}

/// Loads the book with KaTeX registered in-process: `book.toml` names the `katex`
/// preprocessor (so the `mdbook` CLI runs the `mdbook-katex` binary), and registering
/// the library under the same name replaces that command, so nothing needs installing.
pub fn load(root: &Path) -> Result<MDBook> {
    let mut book = MDBook::load(root)?;
    book.with_preprocessor(mdbook_katex::preprocess::KatexProcessor);
    Ok(book)
}

/// Shows mdBook's warnings (a missing include, a broken link) on stderr.
pub fn init_logging() {
    mdbook_katex::init_tracing();
}

/// Answers every GET on `listener` with the file it names under `dir` (the built book),
/// forever. Shared by `book --serve` and the browser test.
///
/// Deliberately minimal: one request per connection (`Connection: close`), one thread per
/// connection, loopback only, files only. It replaced tiny_http 0.12, with which
/// Chromium's first page load from a fresh server never finished in 2–3 of every 8–12
/// tries on this machine (Python's http.server: 0 of 8), which made the browser test flaky.
pub fn serve_files(listener: &std::net::TcpListener, dir: &Path) {
    for stream in listener.incoming().flatten() {
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let _ = answer(stream, &dir); // a client that went away is not our error
        });
    }
}

fn answer(mut stream: std::net::TcpStream, dir: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read (and ignore) the headers, up to the blank line.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, url) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let file = (method == "GET" || method == "HEAD").then(|| resolve(dir, url)).flatten();
    let (status, kind, body) = match file.as_ref().and_then(|p| std::fs::read(p).ok()) {
        Some(bytes) => ("200 OK", content_type(file.as_ref().expect("just read")), bytes),
        None => ("404 Not Found", "text/plain; charset=utf-8", b"not found".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
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
