//! Book-level checks: the book builds, every link, image and include resolves, the
//! maths renders, and the book's Rust code blocks compile and run (what `mdbook test`
//! checks), all from `cargo test`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use regex::Regex;

/// Builds the book once per test run into a temporary folder; returns that folder.
fn built_book() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let mut book = gd_book::load(&gd_book::root()).expect("book.toml and SUMMARY.md load");
        book.config.build.build_dir = out.path().to_path_buf();
        book.build().expect("the book builds");
        out
    })
    .path()
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn every_local_link_and_image_resolves() {
    let out = built_book();
    let attr = Regex::new(r#"(?:href|src|srcset)="([^"]*)""#).unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    // 404.html uses a site-root <base href="/"> by design; every other page is relative.
    for page in html_files(out).into_iter().filter(|p| !p.ends_with("404.html")) {
        let html = std::fs::read_to_string(&page).unwrap();
        for cap in attr.captures_iter(&html) {
            let link = &cap[1];
            if link.is_empty()
                || link.starts_with('#')
                || ["http:", "https:", "mailto:", "data:", "javascript:"].iter().any(|p| link.starts_with(p))
            {
                continue;
            }
            let (file, fragment) = link.split_once('#').map_or((link, None), |(f, a)| (f, Some(a)));
            let file = file.split('?').next().unwrap();
            let target = page.parent().unwrap().join(file);
            checked += 1;
            if !target.is_file() {
                broken.push(format!("{}: {link}", page.strip_prefix(out).unwrap().display()));
            } else if let Some(id) = fragment.filter(|_| file.ends_with(".html")) {
                let body = std::fs::read_to_string(&target).unwrap();
                if !body.contains(&format!("id=\"{id}\"")) {
                    broken.push(format!("{}: {link} (no such anchor)", page.strip_prefix(out).unwrap().display()));
                }
            }
        }
    }
    assert!(checked > 50, "suspiciously few links checked: {checked}");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

#[test]
fn includes_resolve_and_maths_renders() {
    let out = built_book();
    for page in html_files(out) {
        let html = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(out).unwrap().display().to_string();
        assert!(!html.contains("{{#"), "{name}: an {{{{#include}}}} did not resolve");
        assert!(!html.contains("ANCHOR"), "{name}: a whole values file was included");
        assert!(!html.contains("katex-error"), "{name}: KaTeX could not parse some maths");
        assert!(!html.contains("$$"), "{name}: display maths left unrendered");
    }
    let ch2 = std::fs::read_to_string(out.join("ch02-mse.html")).unwrap();
    assert!(ch2.contains("class=\"katex\""), "chapter 2's formulas are rendered by KaTeX");
    assert!(out.join("katex/katex.min.css").is_file() && out.join("katex/fonts").is_dir());
}

#[test]
fn every_generated_figure_is_used_by_a_chapter() {
    let root = gd_book::root();
    let mut text = String::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            text += &std::fs::read_to_string(path).unwrap();
        }
    }
    let mut unused = BTreeSet::new();
    for chapter in linreg::chapters::ALL {
        for (name, _) in (chapter.build)(&linreg::data::paris_rents(linreg::data::BOOK_SEED)).unwrap().0.all_files() {
            // A phone twin (`x-narrow.svg`) is shown wherever its desktop figure is
            // (builder/figures.rs serves it through a <picture>).
            let shown = name.replace("-narrow.svg", ".svg");
            if name.ends_with(".svg") && !text.contains(&format!("generated/{}/{shown}", chapter.dir)) {
                unused.insert(name);
            }
        }
    }
    assert!(unused.is_empty(), "figures no chapter shows: {unused:?}");
}

/// `mdbook test`, in-process: every ```rust block of the book compiled and run by
/// rustdoc against the companion crate. The crate is built into its own target folder
/// so that rustdoc's `-L` sees exactly one `liblinreg` (several give error E0464).
#[test]
fn book_code_blocks_compile_and_run() {
    let root = gd_book::root();
    let target = root.join("target/mdbook-test");
    let deps = target.join("debug/deps");
    if let Ok(entries) = std::fs::read_dir(&deps) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("liblinreg-") {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--quiet", "-p", "linreg", "--lib", "--target-dir"])
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success(), "building linreg for the book's code blocks failed");
    let mut book = gd_book::load(&root).unwrap();
    book.test(vec![deps.to_str().unwrap()]).expect("the book's code blocks pass rustdoc");
}

#[test]
fn book_has_runnable_code_blocks_not_only_ignored_ones() {
    let root = gd_book::root();
    let runnable = Regex::new(r"(?m)^```rust\s*$").unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            count += runnable.find_iter(&std::fs::read_to_string(path).unwrap()).count();
        }
    }
    assert!(count >= 2, "only {count} runnable code blocks in the book");
}

/// mdBook silently includes nothing for an anchor that does not exist: check every
/// `{{#include file:anchor}}` in the sources names a real file and a real anchor.
#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let src = gd_book::root().join("src");
    let include = Regex::new(r"\{\{#(?:rustdoc_)?include\s+([^}:\s]+)(?::([A-Za-z_][\w-]*))?\s*\}\}").unwrap();
    let mut problems = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let page = entry.unwrap().path();
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&page).unwrap();
        for cap in include.captures_iter(&text) {
            count += 1;
            let target = src.join(&cap[1]);
            let Ok(body) = std::fs::read_to_string(&target) else {
                problems.push(format!("{}: no file {}", page.display(), &cap[1]));
                continue;
            };
            if let Some(anchor) = cap.get(2) {
                let start = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(anchor.as_str()))).unwrap();
                if !start.is_match(&body) {
                    problems.push(format!("{}: no anchor {} in {}", page.display(), anchor.as_str(), &cap[1]));
                }
            }
        }
    }
    assert!(count > 20, "suspiciously few includes: {count}");
    assert!(problems.is_empty(), "{problems:#?}");
}

/// mdBook 0.5.4 keeps an anchored snippet's indentation (`take_anchored_lines` copies the
/// lines as they are), so a method anchored inside an `impl` block would be shown shifted
/// right. Anchors go around whole items (a method gets its own `impl` block), and this
/// checks that every anchored Rust snippet starts at column 0.
#[test]
fn anchored_rust_snippets_are_not_indented() {
    let src = gd_book::root().join("src");
    let include = Regex::new(r"\{\{#(?:rustdoc_)?include\s+([^}:\s]+\.rs):([A-Za-z_][\w-]*)\s*\}\}").unwrap();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let page = entry.unwrap().path();
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&page).unwrap();
        for cap in include.captures_iter(&text) {
            let Ok(body) = std::fs::read_to_string(src.join(&cap[1])) else { continue };
            let start = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(&cap[2]))).unwrap();
            let end = Regex::new(&format!(r"ANCHOR_END:\s*{}\b", regex::escape(&cap[2]))).unwrap();
            let lines: Vec<&str> = body
                .lines()
                .skip_while(|l| !start.is_match(l))
                .skip(1)
                .take_while(|l| !end.is_match(l))
                .filter(|l| !l.contains("ANCHOR") && !l.trim().is_empty())
                .collect();
            let indent = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
            if indent > 0 {
                problems.push(format!("{}: {}:{} is indented by {indent}", page.display(), &cap[1], &cap[2]));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The pages that frame the book, outside the numbered chapters and the appendices.
const FRAME: &[&str] = &["introduction.md", "closing.md"];

/// Every figure of a chapter is a numbered `<figure>` with alt text and a caption
/// ("**Figure 4.2** — …"), numbered 1, 2, 3… in order, and the prose cites each number;
/// every "Figure N.k" the prose cites exists.
#[test]
fn every_figure_is_numbered_captioned_and_cited() {
    let figure = Regex::new(
        r#"<figure id="fig-(\d+|[a-z])-(\d+)">\n\n\[!\[([^\]]+)\]\(([^)]+\.svg)\)\]\(([^)]+)\)\n\n<figcaption>\n\n\*\*Figure (\d+|[A-Z])\.(\d+)\*\* — ([^\n]+)\n\n</figcaption>\n</figure>"#,
    )
    .unwrap();
    let image = Regex::new(r"!\[[^\]]*\]\([^)]+\.svg\)").unwrap();
    let cite = Regex::new(r"Figures? (\d+|[A-Z])\.(\d+)(?:–(?:\d+|[A-Z])\.(\d+))?").unwrap();
    // Chapters are numbered by their file's `chNN` prefix; appendices get letters in the
    // order SUMMARY.md lists them, and their titles say which ("# Appendix B: …"). The
    // introduction and the closing page frame the book: their figures are 0.1, 0.2, … counted
    // across both, so a chapter added before the closing page renumbers nothing.
    let src = gd_book::root().join("src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let link = Regex::new(r"\]\(([^)]+\.md)\)").unwrap();
    let mut pages: Vec<(String, String)> = Vec::new();
    let mut letter = b'A';
    for line in summary.lines() {
        let Some(file) = link.captures(line).map(|c| c[1].to_string()) else { continue };
        if file.starts_with("ch") {
            pages.push((file.clone(), file[2..4].parse::<u32>().unwrap().to_string()));
        } else if line.starts_with("[Appendix ") {
            pages.push((file, (letter as char).to_string()));
            letter += 1;
        } else if FRAME.contains(&file.as_str()) {
            pages.push((file, "0".to_string()));
        }
    }
    let mut problems = Vec::new();
    let texts: Vec<(String, String, String)> =
        pages.iter().map(|(f, l)| (f.clone(), l.clone(), std::fs::read_to_string(src.join(f)).unwrap())).collect();
    // Every figure of the book, to check citations across pages; a page's first number is
    // one more than the figures of earlier pages with the same label (only the frame has two).
    let mut all = std::collections::BTreeSet::new();
    let mut offsets = Vec::new();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (_, label, text) in &texts {
        let before = seen.entry(label.clone()).or_default();
        offsets.push(*before);
        for k in 1..=figure.captures_iter(text).count() {
            all.insert(format!("{label}.{}", *before + k));
        }
        *before += figure.captures_iter(text).count();
    }
    let mut total = 0;
    for ((name, label, text), offset) in texts.iter().zip(offsets) {
        if label.parse::<u32>().is_err() && !text.starts_with(&format!("# Appendix {label}: ")) {
            problems.push(format!("{name}: is appendix {label} in SUMMARY.md but its title does not say so"));
        }
        let figures: Vec<_> = figure.captures_iter(text).collect();
        if figures.len() != image.find_iter(text).count() {
            problems.push(format!("{name}: {} images, {} numbered figures", image.find_iter(text).count(), figures.len()));
        }
        for (k, f) in figures.iter().enumerate() {
            let expected = format!("{label}.{}", offset + k + 1);
            let (id, caption) = (format!("{}.{}", f[1].to_uppercase(), &f[2]), format!("{}.{}", &f[6], &f[7]));
            if id != expected || caption != expected {
                problems.push(format!("{name}: figure {} is numbered {caption} (id fig-{}-{}), expected {expected}", k + 1, &f[1], &f[2]));
            }
            if f[4] != f[5] {
                problems.push(format!("{name}: figure {} links {} but shows {}", k + 1, &f[5], &f[4]));
            }
            if f[3].trim().len() < 20 || f[8].trim().len() < 20 {
                problems.push(format!("{name}: figure {} needs real alt text and a caption", k + 1));
            }
        }
        // Citations, outside the captions themselves: each names a figure that exists, and
        // every figure of the page is cited on it.
        let prose = figure.replace_all(text, "");
        let mut cited = std::collections::BTreeSet::new();
        for c in cite.captures_iter(&prose) {
            let b: u32 = c[2].parse().unwrap();
            let last: u32 = c.get(3).map_or(b, |m| m.as_str().parse().unwrap());
            for k in b..=last {
                let key = format!("{}.{k}", &c[1]);
                if !all.contains(&key) {
                    problems.push(format!("{name}: cites Figure {key}, which does not exist"));
                }
                cited.insert(key);
            }
        }
        for k in offset + 1..=offset + figures.len() {
            if !cited.contains(&format!("{label}.{k}")) {
                problems.push(format!("{name}: the prose never cites Figure {label}.{k}"));
            }
        }
        total += figures.len();
    }
    assert!(pages.iter().filter(|p| p.1.parse::<u32>().is_err()).count() >= 6, "appendices found: {pages:?}");
    assert!(pages.iter().filter(|p| p.1 == "0").count() == FRAME.len(), "frame pages found: {pages:?}");
    assert!(total >= 20, "figures found: {total}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A chapter a reader can finish: at most 250 lines of markdown (issue 11). Optional
/// material goes to an appendix (CONTRIBUTING.md, "Chapter length").
#[test]
fn every_chapter_is_at_most_250_lines() {
    let mut long = Vec::new();
    let mut chapters = 0;
    for entry in std::fs::read_dir(gd_book::root().join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("ch") && name.ends_with(".md") {
            chapters += 1;
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            if lines > 250 {
                long.push(format!("{name}: {lines} lines"));
            }
        }
    }
    assert_eq!(chapters, 11);
    assert!(long.is_empty(), "move optional material to an appendix: {}", long.join(", "));
}

/// No control character in a page: a backslash lost to a string escape ("\beta" written from a
/// script as a backspace and "eta") leaves maths KaTeX never typesets, and no other test sees it.
#[test]
fn no_page_holds_a_control_character() {
    let mut bad = Vec::new();
    let mut dirs = vec![gd_book::root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (k, line) in text.lines().enumerate() {
                    if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
                        bad.push(format!("{}:{}: U+{:04X}", path.display(), k + 1, c as u32));
                    } else if line.contains('\t') && line.contains('$') {
                        bad.push(format!("{}:{}: a tab inside maths (a lost \\t?)", path.display(), k + 1));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
