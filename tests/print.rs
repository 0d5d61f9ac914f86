//! The book on paper and in its search box.
//!
//! - Paper: `print.html` printed to PDF by headless Chromium (`--print-to-pdf`), read back
//!   with poppler (`pdftotext`, `pdftoppm`): every chapter's solutions are printed, and no
//!   page in the middle of a chapter is more than a third blank. Without Chromium or
//!   poppler the test is skipped with a notice, except under CI (env `CI` set), where it
//!   fails. The PDF is kept in `target/print-artifacts/` for a human to look at.
//! - Search: the excerpts in the built search index show maths as the page does (λmax,
//!   Σxᵢ²), not TeX source and not KaTeX's glyphs one by one.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn find_in_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
}

fn build() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = gd_book::build_into(&gd_book::root(), dir.path()).expect("the book builds");
    (dir, out)
}

/// The book's pages in reading order, from SUMMARY.md: (file name, its `# title`).
fn pages() -> Vec<(String, String)> {
    let src = gd_book::root().join("src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|l| l.split_once("](").map(|(_, rest)| rest.split(')').next().unwrap().to_string()))
        .map(|file| {
            let md = std::fs::read_to_string(src.join(&file)).unwrap();
            let title = md.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or("").trim().to_string();
            (file, title)
        })
        .collect()
}

/// Whitespace runs as one space, so text matches across the PDF's line breaks (KaTeX's
/// zero-width spaces count as spaces).
fn squash(text: &str) -> String {
    text.replace('\u{200b}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Phrases of plain prose (five words or more, no maths, code, links or numbers) from
/// each chapter's solutions (`<details>…</details>`): (page, phrases).
fn solution_phrases() -> Vec<(String, Vec<String>)> {
    let src = gd_book::root().join("src");
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || ",.;:'’—-".contains(c));
    let mut out = Vec::new();
    for (file, _) in pages() {
        let md = std::fs::read_to_string(src.join(&file)).unwrap();
        let Some((_, rest)) = md.split_once("<summary>Solutions</summary>") else { continue };
        let body = rest.split("</details>").next().unwrap();
        let mut phrases = Vec::new();
        for line in body.lines().filter(|l| !l.trim_start().starts_with(['<', '`', '|', '#', '!', '{'])) {
            let mut run: Vec<&str> = Vec::new();
            let words = line.split_whitespace().map(|w| w.trim_matches('*'));
            for w in words.chain([""]) {
                if plain(w) && !w.contains("--") {
                    run.push(w);
                    continue;
                }
                if run.len() >= 5 {
                    phrases.push(run[..6.min(run.len())].join(" "));
                }
                run.clear();
            }
        }
        assert!(!phrases.is_empty(), "{file}: no plain phrase found in its solutions");
        out.push((file, phrases));
    }
    out
}

/// A page of the PDF as grey pixels (poppler's PGM: `P5 w h max`, one byte a pixel).
struct Gray {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn read_pgm(path: &Path) -> Gray {
    let bytes = std::fs::read(path).unwrap();
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).to_string());
    }
    assert_eq!(fields[0], "P5", "{}: not a binary PGM", path.display());
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Gray { width, height, pixels: bytes[at + 1..].to_vec() }
}

impl Gray {
    /// Rows with ink (any pixel darker than near-white): first and last, if any.
    fn ink_rows(&self) -> Option<(usize, usize)> {
        let inked = |r: usize| self.pixels[r * self.width..(r + 1) * self.width].iter().any(|&p| p < 235);
        let first = (0..self.height).find(|&r| inked(r))?;
        let last = (0..self.height).rev().find(|&r| inked(r))?;
        Some((first, last))
    }
}

#[test]
fn search_excerpts_show_maths_as_the_page_does() {
    let (_dir, out) = build();
    let js = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("searchindex") && p.extension().is_some_and(|e| e == "js"))
        .expect("a searchindex*.js");
    let js = std::fs::read_to_string(js).unwrap();
    let body = js.split_once("JSON.parse('").unwrap().1.rsplit_once("')").unwrap().0;
    let index: Value = serde_json::from_str(&body.replace("\\'", "'").replace("\\\\", "\\")).unwrap();
    let docs = index.pointer("/index/documentStore/docs").and_then(Value::as_object).expect("the stored documents");
    let bodies: Vec<&str> = docs.values().filter_map(|d| d["body"].as_str()).collect();
    assert!(bodies.len() > 50, "{} documents", bodies.len());
    // TeX a reader never sees: commands of the book's maths, and braced scripts.
    let tex = regex::Regex::new(r"\\(frac|tfrac|lambda|eta|kappa|sum|begin|end|partial|bar|widetilde|hat|theta|nabla|operatorname|text|sqrt|cdot|approx|max|min)\b|[_^]\{").unwrap();
    // KaTeX's glyphs one by one ("λ m a x"), what mdBook alone would store.
    let glyphs = regex::Regex::new(r"λ m (a x|i n)").unwrap();
    let mut bad = Vec::new();
    for b in &bodies {
        // One excerpt a document is enough to show where.
        if let Some(m) = tex.find_iter(b).chain(glyphs.find_iter(b)).next() {
            let from = b[..m.start()].char_indices().rev().nth(30).map_or(0, |(i, _)| i);
            let to = b[m.end()..].char_indices().nth(30).map_or(b.len(), |(i, _)| m.end() + i);
            bad.push(format!("«{}»", &b[from..to]));
        }
    }
    assert!(bad.is_empty(), "{} excerpts show TeX or spaced glyphs:\n{}", bad.len(), bad.join("\n"));
    // And the maths is there, as the page writes it.
    let all = bodies.join(" ");
    for shown in ["λmax", "λmin", "Σxᵢ²", "κ = λmax/λmin", "∂L/∂b", "η"] {
        assert!(all.contains(shown), "no excerpt shows «{shown}»");
    }
}

#[test]
fn printed_book_has_every_solution_and_no_half_empty_page() {
    let tools = (
        find_in_path(&["chromium", "chromium-browser", "google-chrome"]),
        find_in_path(&["pdftotext"]),
        find_in_path(&["pdftoppm"]),
    );
    let (Some(chromium), Some(pdftotext), Some(pdftoppm)) = tools else {
        let message = "chromium and poppler-utils (pdftotext, pdftoppm) are needed for the print test \
                       (Debian: apt-get install chromium poppler-utils)";
        assert!(std::env::var_os("CI").is_none(), "{message}; CI must not skip it");
        eprintln!("SKIPPED printed_book_has_every_solution_and_no_half_empty_page: {message}");
        return;
    };
    let (_dir, out) = build();
    let artifacts = gd_book::root().join("target/print-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let pdf = artifacts.join("book.pdf");
    let _ = std::fs::remove_file(&pdf);
    // Chromium's default paper and margins, no header/footer. It prints once the page has
    // loaded (KaTeX's fonts, the widgets' scripts). No --virtual-time-budget: with it, the
    // print page's own window.print() left no PDF.
    // Under load Chromium now and then exits without writing the PDF: up to three tries.
    let mut log = String::new();
    for _ in 0..3 {
        let profile = tempfile::tempdir().unwrap();
        let run = Command::new(&chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", out.join("print.html").display()))
            .output()
            .expect("chromium runs");
        if pdf.is_file() {
            break;
        }
        log = String::from_utf8_lossy(&run.stderr).lines().filter(|l| !l.contains("dbus")).collect::<Vec<_>>().join("\n");
    }
    assert!(pdf.is_file(), "no PDF from chromium: {log}");

    // The text, page by page (pdftotext ends each page with a form feed).
    let text = Command::new(&pdftotext).arg(&pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let pages_text: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    let book = squash(&text);
    let mut missing = Vec::new();
    for (file, phrases) in solution_phrases() {
        for p in &phrases {
            if !book.contains(p.as_str()) {
                missing.push(format!("{file}: «{p}»"));
            }
        }
    }

    // Each page as pixels: where its ink ends.
    let png = tempfile::tempdir().unwrap();
    let ran = Command::new(&pdftoppm).args(["-r", "24", "-gray"]).arg(&pdf).arg(png.path().join("p")).status().unwrap();
    assert!(ran.success(), "pdftoppm failed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(png.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let grays: Vec<Gray> = files.iter().map(|f| read_pgm(f)).collect();
    assert_eq!(grays.len(), pages_text.len(), "pages as text and as pixels");
    let inks: Vec<Option<(usize, usize)>> = grays.iter().map(Gray::ink_rows).collect();
    // The text area, as the fullest pages fill it.
    let top = inks.iter().flatten().map(|r| r.0).min().unwrap();
    let bottom = inks.iter().flatten().map(|r| r.1).max().unwrap();
    // A page that starts a chapter (SUMMARY.md's pages each start on a new page): the
    // one before it ends a chapter and may be as empty as it likes.
    // Compared on letters and digits only: pdftotext joins "mini-⏎batch" as "minibatch".
    let key = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let titles: Vec<String> = pages().into_iter().map(|(_, t)| key(&t)).filter(|t| !t.is_empty()).collect();
    let starts_chapter = |p: &str| {
        let first = key(p.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or(""));
        // A long title may wrap: its first line is then a prefix of it.
        !first.is_empty() && titles.iter().any(|t| first.starts_with(t.as_str()) || (first.len() >= 8 && t.starts_with(first.as_str())))
    };
    let mut blank = Vec::new();
    for (k, ink) in inks.iter().enumerate() {
        let chapter_end = k + 1 == inks.len() || starts_chapter(pages_text[k + 1]);
        if chapter_end {
            continue;
        }
        let last = ink.map_or(top, |r| r.1);
        let empty = (bottom - last) as f64 / (bottom - top) as f64;
        if empty > 1.0 / 3.0 {
            let first = pages_text[k].lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            blank.push(format!("page {}: {:.0} % blank at the bottom (it starts «{}»)", k + 1, 100.0 * empty, first));
        }
    }
    eprintln!("print: {} pages, {} chapter starts", inks.len(), pages_text.iter().filter(|p| starts_chapter(p)).count());
    assert!(
        missing.is_empty() && blank.is_empty(),
        "{} solution phrases are not on paper:\n{}\n{} mid-chapter pages are more than a third blank:\n{}",
        missing.len(),
        missing.join("\n"),
        blank.len(),
        blank.join("\n")
    );
}
