//! Building the book: regenerate every chapter's files, then run mdBook as a library.
//!
//! Shared by the `book` binary and the book-level tests, so both build the book the
//! same way.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use linreg::chapters;
use linreg::data::{BOOK_SEED, paris_rents};
use mdbook_driver::MDBook;

mod keep_together;
mod tex_text;
pub use keep_together::keep_together;
pub use tex_text::tex_to_text;
pub mod figures;

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
/// A preprocessor not named in `book.toml` runs after those that are: [`keep_together`]
/// sees KaTeX's output.
pub fn load(root: &Path) -> Result<MDBook> {
    let mut book = MDBook::load(root)?;
    book.with_preprocessor(mdbook_katex::preprocess::KatexProcessor);
    book.with_preprocessor(keep_together::KeepTogether);
    // After every preprocessor book.toml names: figure blocks become <picture>s (phone twins).
    book.with_preprocessor(figures::FigurePictures);
    Ok(book)
}

/// Builds the HTML book into `dir` (not the configured `book/`) as the `book` binary
/// does, search excerpts included; returns the HTML output folder. For tests.
pub fn build_into(root: &Path, dir: &Path) -> Result<PathBuf> {
    let mut book = load(root)?;
    book.config.build.build_dir = dir.to_path_buf();
    book.build().context("mdBook build failed")?;
    let out = book.build_dir_for("html");
    readable_search_excerpts(&out).context("rewriting the search excerpts")?;
    Ok(out)
}

/// Search excerpts show maths as the page shows it. mdBook indexes the text of every
/// element, so a KaTeX formula reaches the index as its glyphs one by one ("λ m i n ​").
/// With `include-src` each formula sits in `<data class="katex-src" value="TeX">`; this
/// recomputes the text mdBook indexed for each formula of each built page (a space per
/// opening tag, the text nodes, whitespace runs collapsed, as mdbook-html's `search.rs`)
/// and replaces it in the stored excerpts by the formula's plain-text reading
/// ([`tex_to_text`]: "λmax", "Σxᵢ²", "(x − x̄)/sₓ"). Only the excerpts change; the
/// words searched stay mdBook's. The plain `mdbook build` keeps mdBook's excerpts.
pub fn readable_search_excerpts(out: &Path) -> Result<()> {
    let formula = regex::Regex::new(r#"<data class="katex-src" value="((?:[^"\\]|\\.)*)">(.*?)</data>"#)?;
    let tag = regex::Regex::new(r"<(/?)[^>]*>")?;
    let ws = regex::Regex::new(r"\s\s+")?;
    // Per page, its formulas in reading order: (the text mdBook indexed, the TeX).
    let mut pages: std::collections::HashMap<String, Vec<(String, String)>> = Default::default();
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&path)?;
        let mut list = Vec::new();
        for cap in formula.captures_iter(&html) {
            let tex = unescape(&cap[1].replace("\\\"", "\""));
            let mut text = String::new();
            let mut last = 0;
            for t in tag.captures_iter(&cap[2]) {
                let m = t.get(0).expect("a match");
                text.push_str(&unescape(&cap[2][last..m.start()]));
                if t[1].is_empty() {
                    text.push(' ');
                }
                last = m.end();
            }
            text.push_str(&unescape(&cap[2][last..]));
            list.push((ws.replace_all(&text, " ").trim().to_string(), tex_to_text(&tex)));
        }
        pages.insert(path.file_name().expect("a file").to_string_lossy().to_string(), list);
    }
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if !(name.starts_with("searchindex") && name.ends_with(".js")) {
            continue;
        }
        let js = std::fs::read_to_string(&path)?;
        let (head, rest) = js.split_once("JSON.parse('").context("searchindex.js has JSON.parse('")?;
        let (body, tail) = rest.rsplit_once("')").context("searchindex.js ends with ')")?;
        let json = body.replace("\\'", "'").replace("\\\\", "\\");
        let mut index: serde_json::Value = serde_json::from_str(&json)?;
        let urls: Vec<String> = index["doc_urls"].as_array().context("doc_urls")?.iter().map(|u| u.as_str().unwrap_or("").to_string()).collect();
        // Per page, one pattern of all its formulas' glyph texts, longest first (a formula's
        // glyphs can contain a shorter one's). One glyph ($w$) reads the same either way.
        let mut patterns: std::collections::HashMap<&str, (regex::Regex, std::collections::HashMap<&str, &str>)> = Default::default();
        for (page, list) in &pages {
            let mut readable: std::collections::HashMap<&str, &str> = Default::default();
            for (glyphs, text) in list.iter().filter(|(g, _)| g.contains(' ')) {
                readable.entry(glyphs.as_str()).or_insert(text.as_str());
            }
            if readable.is_empty() {
                continue;
            }
            let mut keys: Vec<&str> = readable.keys().copied().collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
            let alternation = keys.iter().map(|k| regex::escape(k)).collect::<Vec<_>>().join("|");
            patterns.insert(page.as_str(), (regex::Regex::new(&alternation)?, readable));
        }
        if let Some(docs) = index.pointer_mut("/index/documentStore/docs").and_then(|d| d.as_object_mut()) {
            for (key, doc) in docs.iter_mut() {
                let Some(page) = key.parse::<usize>().ok().and_then(|n| urls.get(n)).map(|u| u.split('#').next().unwrap_or("")) else {
                    continue;
                };
                let Some((pattern, readable)) = patterns.get(page) else { continue };
                let Some(serde_json::Value::String(text)) = doc.get_mut("body") else { continue };
                let mut out = String::new();
                let mut pos = 0;
                let mut from = 0;
                while let Some(m) = pattern.find_at(text, from) {
                    // Whole formulas only: not the tail of a word, not a word's head. A
                    // miss looks again one character on ("fractio[n η λ m i n]" is not
                    // a formula, "η λ m i n" after it is).
                    let before_ok = text[..m.start()].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                    let after_ok = text[m.end()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                    if !(before_ok && after_ok) {
                        from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                        continue;
                    }
                    from = m.end();
                    out.push_str(&text[pos..m.start()]);
                    out.push_str(readable[m.as_str()]);
                    pos = m.end();
                }
                out.push_str(&text[pos..]);
                *text = out;
            }
        }
        let json = serde_json::to_string(&index)?.replace('\\', "\\\\").replace('\'', "\\'");
        std::fs::write(&path, format!("{head}JSON.parse('{json}'){tail}"))?;
    }
    Ok(())
}

fn unescape(text: &str) -> String {
    let numeric = regex::Regex::new(r"&#(x?)([0-9a-fA-F]+);").expect("a fixed pattern");
    let text = numeric.replace_all(text, |c: &regex::Captures| {
        let code = u32::from_str_radix(&c[2], if c[1].is_empty() { 10 } else { 16 }).ok();
        code.and_then(char::from_u32).map_or(String::new(), String::from)
    });
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
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
