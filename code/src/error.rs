//! One error type for everything a reader's input or the file system can get wrong.
//!
//! Every message is a single line, so the binaries can print `error: {e}` and exit with code 2.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("invalid data: {0}")]
    Data(String),
    #[error("rank-deficient design matrix: {0}; the coefficients are not unique")]
    RankDeficient(String),
    #[error("cannot draw a figure: {0}")]
    Plot(String),
    #[error("gradient descent diverged at iteration {iteration} (learning rate {lr}): {what}")]
    Diverged { iteration: usize, lr: f64, what: String },
}

pub type Result<T> = std::result::Result<T, Error>;
