//! Companion code of *Why gradient descent struggles with linear regression*.
//!
//! Small modules named for what they hold; every chapter binary in `src/bin` is a thin
//! wrapper around [`chapters`]. All arithmetic is in `f64`.

pub mod autodiff;
pub mod chapters;
pub mod cli;
pub mod contour;
pub mod curvature;
pub mod data;
pub mod ddouble;
pub mod diagnose;
pub mod diagnose_features;
pub mod error;
pub mod features;
pub mod gd;
pub mod grad;
pub mod linalg;
pub mod loss;
pub mod modes;
pub mod nist;
pub mod nn;
pub mod optimizers;
pub mod plot;
pub mod quadratic;
pub mod refine;
pub mod regression;
pub mod report;
pub mod standardize;
pub mod stats;
pub mod table;

pub use error::{Error, Result};
/// Re-exported so that examples and readers use the same version as the library.
pub use nalgebra;
