//! The book's generated files: deterministic, up to date, and their numbers locked.
//!
//! Figures and values are committed under `src/generated/chN` (so the book builds
//! with the plain `mdbook` CLI and reviews show their diffs). These tests regenerate
//! every chapter in memory and compare bytes; to accept a change, run
//! `cargo run --release --bin book` (or the chapter's binary) and commit the result.

use linreg::chapters::ALL;
use linreg::cli::book_generated_dir;
use linreg::data::{BOOK_SEED, paris_rents};
use serde_json::Value;

#[test]
fn generation_is_deterministic() {
    let data = paris_rents(BOOK_SEED);
    for chapter in ALL {
        let (a, _) = (chapter.build)(&data).unwrap();
        let (b, _) = (chapter.build)(&paris_rents(BOOK_SEED)).unwrap();
        assert!(a.all_files() == b.all_files(), "{} is not deterministic", chapter.name);
    }
}

#[test]
fn committed_files_are_up_to_date() {
    let data = paris_rents(BOOK_SEED);
    let mut stale = Vec::new();
    for chapter in ALL {
        let (report, _) = (chapter.build)(&data).unwrap();
        let dir = book_generated_dir().join(chapter.dir);
        for (name, bytes) in report.all_files() {
            if std::fs::read(dir.join(&name)).ok().as_deref() != Some(bytes.as_slice()) {
                stale.push(format!("src/generated/{}/{name}", chapter.dir));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from what the code produces: {stale:?}\n\
         regenerate with `cargo run --release --bin book` and commit them"
    );
}

/// Rounds every number to 6 significant digits, so that snapshots lock what the book
/// quotes without depending on the last bits of floating-point arithmetic.
fn rounded(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let text = format!("{x:.5e}");
            Value::from(text.parse::<f64>().unwrap())
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), rounded(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(rounded).collect()),
        other => other.clone(),
    }
}

#[test]
fn quoted_numbers_match_snapshots() {
    let data = paris_rents(BOOK_SEED);
    for chapter in ALL {
        let (report, _) = (chapter.build)(&data).unwrap();
        insta::assert_json_snapshot!(chapter.name, rounded(&report.json()));
    }
}
