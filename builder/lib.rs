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

/// Answers every request of `server` with the file it names under `dir` (the built
/// book), until the server is dropped. Shared by `book --serve` and the browser test.
pub fn serve_files(server: &tiny_http::Server, dir: &Path) {
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
