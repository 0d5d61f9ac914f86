//! Every committed figure (src/generated/*/*.svg, which code/tests/generated.rs keeps
//! equal to what the code draws) is legible: no floating-point noise in its text, real
//! subscripts, and text of at least 11 px where the book shows it.

use std::path::{Path, PathBuf};

fn figures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/generated");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 20, "figures found: {}", out.len());
    out
}

/// (attributes, text) of every `<text>` element, tspans flattened.
fn texts(svg: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in svg.split("<text").skip(1) {
        let (attrs, rest) = part.split_once('>').expect("a <text> tag closes");
        let body = rest.split("</text>").next().unwrap();
        let mut plain = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        out.push((attrs.to_string(), plain.trim().to_string()));
    }
    out
}

fn attr(attrs: &str, name: &str) -> Option<f64> {
    let start = attrs.find(&format!("{name}=\""))? + name.len() + 2;
    attrs[start..].split('"').next()?.parse().ok()
}

#[test]
fn no_text_shows_floating_point_noise() {
    // "-1.1e-16", "1e-5": Rust's exponent format; the book writes 10⁻⁵ (report::fmt_sci).
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        for (_, text) in texts(&svg) {
            let b = text.as_bytes();
            if (1..b.len().saturating_sub(1)).any(|i| b[i] == b'e' && b[i - 1].is_ascii_digit() && (b[i + 1] == b'-' || b[i + 1].is_ascii_digit())) {
                bad.push(format!("{}: {text}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(bad.is_empty(), "exponent notation in figures:\n{}", bad.join("\n"));
}

#[test]
fn subscripts_are_subscripts() {
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        for (_, text) in texts(&svg) {
            let chars: Vec<char> = text.chars().collect();
            for i in 1..chars.len() {
                let greek = ('\u{370}'..='\u{3ff}').contains(&chars[i - 1]);
                if chars[i] == '_' && greek {
                    bad.push(format!("{}: {text}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "plain-text subscripts in figures:\n{}", bad.join("\n"));
}

#[test]
fn text_is_at_least_11_px_in_the_750_px_column() {
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        let width = attr(&svg[..svg.find('>').unwrap()], "width").expect("the <svg> has a width");
        // Shown at most 750 px wide (mdBook's column); never enlarged.
        let scale = (750.0 / width).min(1.0);
        for (attrs, text) in texts(&svg) {
            let size = attr(&attrs, "font-size").unwrap_or(16.0) * scale;
            if size < 11.0 - 1e-9 && !text.is_empty() {
                bad.push(format!("{}: {size:.1} px «{text}»", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(bad.is_empty(), "text under 11 px at 750 px:\n{}", bad.join("\n"));
}
