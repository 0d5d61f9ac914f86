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
