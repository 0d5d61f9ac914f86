//! The data set every chapter uses: monthly rents of Paris apartments against their floor area.
//!
//! The data are synthetic on purpose: we know the true line, so we can tell how close
//! each method gets to it, and anyone can regenerate the exact same 50 apartments.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use crate::error::{Error, Result};
use crate::report::fmt_count;
pub use crate::table::{CsvOptions, Table, read_table, read_xy};

/// The seed used for every figure and number in the book.
pub const BOOK_SEED: u64 = 42;

// ANCHOR: truth
/// The line hidden in the data: rent = TRUE_W · area + TRUE_B (+ noise).
pub const TRUE_W: f64 = 32.0; // €/m²
pub const TRUE_B: f64 = 200.0; // €
pub const NOISE_SD: f64 = 100.0; // €, standard deviation of the noise
pub const N_APARTMENTS: usize = 50;
pub const AREA_RANGE: (f64, f64) = (20.0, 100.0); // m² of floor area
// ANCHOR_END: truth

/// Paired observations (xᵢ, yᵢ). Invariants, checked by [`Dataset::new`]: same length,
/// at least two points, every value finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// The parameters (w, b) that generated the data, when we know them (synthetic data).
    pub truth: Option<(f64, f64)>,
}

impl Dataset {
    pub fn new(x: Vec<f64>, y: Vec<f64>) -> Result<Self> {
        if x.len() != y.len() {
            return Err(Error::Data(format!(
                "x has {} values but y has {}",
                x.len(),
                y.len()
            )));
        }
        if x.len() < 2 {
            return Err(Error::Data(format!(
                "need at least 2 points to fit a line, got {}",
                x.len()
            )));
        }
        if let Some(i) = x.iter().chain(&y).position(|v| !v.is_finite()) {
            let row = i % x.len() + 1;
            return Err(Error::Data(format!("row {row} holds a value that is not finite")));
        }
        Ok(Dataset { x, y, truth: None })
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// The largest magnitude the chapters accept: they square values and sum n of the
/// squares (losses, Hessians, loss surfaces over a range of w), and 1e100² · 10⁶ rows is
/// still far inside f64, while 1e160² is not.
pub const MAX_MAGNITUDE: f64 = 1e100;
/// The smallest range (max − min) accepted, for the same reason at the other end (squares underflow).
pub const MIN_SPREAD: f64 = 1e-100;
/// Largest |mean|/spread of x: beyond it the raw-data sums lose every digit of the spread
/// (x̄²/sₓ² > 1/ε), so the raw-data Hessian is singular in floating point.
pub const MAX_OFFSET_RATIO: f64 = 1e6;

/// Whether the chapters can run on `d`, decided once for every chapter binary: the error
/// says what is wrong with the data and what to do. Classes refused here (constant x or y,
/// magnitudes near the limits of f64, x offset far from 0) would otherwise make the
/// chapters divide by zero, overflow or lose every digit.
pub fn check_usable(d: &Dataset) -> Result<()> {
    for (name, v) in [("x", &d.x), ("y", &d.y)] {
        check_scale(name, v)?;
        let (lo, hi) = (crate::stats::min(v), crate::stats::max(v));
        if lo == hi {
            let what = if name == "x" {
                "a line through points with a single x has no slope"
            } else {
                "the best line is flat and there is nothing to learn (the chapters standardize y, \
                 which divides by its spread, 0)"
            };
            return Err(Error::Data(format!("every {name} equals {lo}: {what}")));
        }
    }
    let (mean, spread) = (crate::stats::mean(&d.x), crate::stats::std_dev(&d.x));
    if mean.abs() > MAX_OFFSET_RATIO * spread {
        return Err(Error::Data(format!(
            "x is offset far from 0 relative to its spread (mean {mean:.6e}, standard deviation {spread:.1e}): \
             the raw-data chapters would lose every digit of the spread; subtract a round number near \
             the mean from x first"
        )));
    }
    Ok(())
}

/// Refuses a column whose squares leave f64: values beyond [`MAX_MAGNITUDE`] overflow when
/// squared and summed, a range below [`MIN_SPREAD`] underflows. One message for every
/// binary (the chapters through [`check_usable`], `fit` for each chosen column), so `fit`
/// does not mistake such a column for a rank-deficient one. A constant column passes:
/// each caller says what that means for it.
pub fn check_scale(name: &str, v: &[f64]) -> Result<()> {
    let largest = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if largest > MAX_MAGNITUDE {
        return Err(Error::Data(format!(
            "{name} has values as large as {largest:.1e}; squaring and summing them overflows f64 beyond \
             about {MAX_MAGNITUDE:.0e}: divide the column by a power of ten first"
        )));
    }
    let (lo, hi) = (crate::stats::min(v), crate::stats::max(v));
    // The range, not the standard deviation: the latter squares and would underflow.
    if lo != hi && hi - lo < MIN_SPREAD {
        return Err(Error::Data(format!(
            "{name} spans only {:.1e} (from {lo:e} to {hi:e}), below {MIN_SPREAD:.0e}: squares of such \
             differences underflow f64; multiply the column by a power of ten first",
            hi - lo
        )));
    }
    Ok(())
}

/// At most `max_rows` rows of `d`: all of them, or a seeded (ChaCha8, [`BOOK_SEED`]) random
/// sample of that many, in their original order. For the experiments whose cost grows
/// with n times a large factor (chapter 7's mini-batch replay, chapter 10's shifts).
pub fn seeded_sample(d: &Dataset, max_rows: usize) -> Result<Dataset> {
    if d.len() <= max_rows {
        return Ok(d.clone());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(BOOK_SEED);
    let mut rows = rand::seq::index::sample(&mut rng, d.len(), max_rows).into_vec();
    rows.sort_unstable();
    Dataset::new(rows.iter().map(|&i| d.x[i]).collect(), rows.iter().map(|&i| d.y[i]).collect())
}

/// The line a table computed on a [`seeded_sample`] of `sample` of `of` rows ends with;
/// empty when it used every row.
pub fn sample_note(sample: usize, of: usize) -> String {
    if sample < of {
        format!("\nOn a seeded random sample of {} of the {} rows.\n", fmt_count(sample as f64), fmt_count(of as f64))
    } else {
        String::new()
    }
}

// ANCHOR: generate
/// The book's data set: 50 apartments, floor area uniform in [20, 100) m²,
/// rent = 32 €/m² · area + 200 € + Gaussian noise with σ = 100 €.
///
/// ChaCha8 is a portable generator: the same seed gives the same numbers on
/// every platform (unlike `rand`'s `StdRng`, whose algorithm may change).
pub fn paris_rents(seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (lo, hi) = AREA_RANGE;
    let area: Vec<f64> = (0..N_APARTMENTS).map(|_| rng.random_range(lo..hi)).collect();
    let noise = Normal::new(0.0, NOISE_SD).expect("σ is positive and finite");
    let rent: Vec<f64> = area
        .iter()
        .map(|&s| TRUE_W * s + TRUE_B + noise.sample(&mut rng))
        .collect();
    Dataset { x: area, y: rent, truth: Some((TRUE_W, TRUE_B)) }
}
// ANCHOR_END: generate

// ANCHOR: reader_question
/// The setting of the reader's question, as their script builds it:
/// x = linspace(0, 100, 100) (100 evenly spaced points, spacing 100/99), a slope `a` and an
/// intercept `b` drawn uniformly in [0, 1), then y = a·x + b + Gaussian noise with σ = 1.
/// The script draws `a`, `b`, then the noise from NumPy's global generator; here the same
/// three draws, in the same order, come from ChaCha8 seeded with `seed`.
pub const READER_N: usize = 100;
pub const READER_X_MAX: f64 = 100.0;

pub fn reader_question(seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let a: f64 = rng.random_range(0.0..1.0);
    let b: f64 = rng.random_range(0.0..1.0);
    // linspace's own formula, start + i·step with step = (stop − start)/(num − 1), so the
    // last point is exactly 100.
    let step = READER_X_MAX / (READER_N - 1) as f64;
    let x: Vec<f64> = (0..READER_N).map(|i| i as f64 * step).collect();
    let noise = Normal::new(0.0, 1.0).expect("σ is positive and finite");
    let y = x.iter().map(|&v| a * v + b + noise.sample(&mut rng)).collect();
    Dataset { x, y, truth: Some((a, b)) }
}
// ANCHOR_END: reader_question

/// Reads x and y from a CSV file with the defaults of [`read_xy`]: the columns named `x`
/// and `y`, else the first two numeric columns (the note saying so is dropped here; the
/// binaries print it).
pub fn read_csv(path: &Path) -> Result<Dataset> {
    read_xy(path, None, None, &CsvOptions::default()).map(|(data, _)| data)
}

/// The data set as CSV text with the header `x,y`. Values are written with Rust's
/// shortest round-trip formatting, so reading the file back gives the same bits.
pub fn to_csv(data: &Dataset) -> String {
    let mut out = String::from("x,y\n");
    for (x, y) in data.x.iter().zip(&data.y) {
        out.push_str(&format!("{x},{y}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_is_deterministic_and_in_range() {
        let a = paris_rents(BOOK_SEED);
        let b = paris_rents(BOOK_SEED);
        assert_eq!(a, b);
        assert_eq!(a.len(), 50);
        assert!(a.x.iter().all(|&s| (20.0..100.0).contains(&s)));
        assert_ne!(a, paris_rents(BOOK_SEED + 1));
    }

    #[test]
    fn noise_has_the_stated_spread() {
        // With 50 draws the sample σ of N(0, 100²) is within ±30 % of 100 with
        // overwhelming probability; this catches a wrong σ (10 or 1000), not luck.
        let d = paris_rents(BOOK_SEED);
        let r: Vec<f64> = d.x.iter().zip(&d.y).map(|(x, y)| y - (TRUE_W * x + TRUE_B)).collect();
        let sd = crate::stats::std_dev(&r);
        assert!((70.0..130.0).contains(&sd), "noise σ = {sd}");
    }

    #[test]
    fn reader_question_data_is_evenly_spaced_and_seeded() {
        let d = reader_question(BOOK_SEED);
        assert_eq!(d, reader_question(BOOK_SEED));
        assert_ne!(d.y, reader_question(BOOK_SEED + 1).y);
        assert_eq!(d.len(), 100);
        // linspace(0, 100, 100): spacing 100/99, first and last points exact.
        assert_eq!((d.x[0], d.x[99]), (0.0, 100.0));
        assert!(d.x.windows(2).all(|p| (p[1] - p[0] - 100.0 / 99.0).abs() < 1e-12));
        let (a, b) = d.truth.unwrap();
        assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b), "{a}, {b}");
        assert_ne!(d.truth, reader_question(BOOK_SEED + 1).truth);
        // Noise N(0, 1), 100 draws: the residual spread is within ±30 % of 1 (about
        // 4 standard errors of a sample σ), and the least-squares slope within 0.02 of a
        // (its standard error is σ/(sₓ√n) ≈ 0.0035).
        let r: Vec<f64> = d.x.iter().zip(&d.y).map(|(x, y)| y - (a * x + b)).collect();
        assert!((0.7..1.3).contains(&crate::stats::std_dev(&r)));
        let (w, _) = crate::stats::least_squares(&d.x, &d.y);
        assert!((w - a).abs() < 0.02, "{w} vs {a}");
    }

    #[test]
    fn unusable_data_is_refused_with_a_reason() {
        let ok = |x: Vec<f64>, y: Vec<f64>| check_usable(&Dataset::new(x, y).unwrap());
        assert!(check_usable(&paris_rents(BOOK_SEED)).is_ok());
        assert!(ok(vec![-1.0, 0.0, 2.0], vec![0.0, 0.0, 1.0]).is_ok());
        for (x, y, expected) in [
            (vec![5.0, 5.0, 5.0], vec![1.0, 2.0, 3.0], "every x equals 5: a line through points with a single x"),
            (vec![1.0, 2.0, 3.0], vec![7.0, 7.0, 7.0], "every y equals 7: the best line is flat"),
            (vec![1.0, 2.0, 1e308], vec![1.0, 2.0, 3.0], "x has values as large as 1.0e308"),
            (vec![1.0, 2.0, 3.0], vec![1.0, -2e101, 3.0], "y has values as large as 2.0e101"),
            (vec![1e-300, 2e-300, 3e-300], vec![1.0, 2.0, 3.0], "x spans only 2.0e-300 (from 1e-300 to 3e-300), below 1e-100"),
            (vec![1.0, 2.0, 3.0], vec![0.0, 1e-310, 0.0], "y spans only 1.0e-310"),
            (vec![1e9, 1e9 + 0.01, 1e9 + 0.02], vec![1.0, 2.0, 3.0], "x is offset far from 0"),
        ] {
            let e = ok(x, y).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}");
        }
    }

    #[test]
    fn csv_round_trip_is_exact() {
        let d = paris_rents(7);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, to_csv(&d)).unwrap();
        let back = read_csv(&path).unwrap();
        assert_eq!(back.x, d.x);
        assert_eq!(back.y, d.y);
    }

    fn csv_error(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, text).unwrap();
        read_csv(&path).unwrap_err().to_string()
    }

    #[test]
    fn bad_csv_gives_one_line_errors() {
        for (text, expected) in [
            ("a\n1\n3\n", "need two numeric columns"),
            ("x,y\n1,2\n3,oops\n", "line 3: column `y` = `oops` is not a number"),
            ("x,y\n1,2\nNaN,4\n", "line 3: column `x` = `NaN` is not a finite number"),
            ("x,y\n1,2\n3,inf\n", "not a finite number"),
            ("x,y\n1,2\n", "need at least 2 points"),
            ("x,y\n", "need at least 2 points"),
            ("", "the file is empty"),
            ("x,y\n1,2\n3\n", "line 3"),
        ] {
            let msg = csv_error(text);
            assert!(msg.contains(expected), "{text:?}: {msg}");
            assert!(!msg.contains('\n'), "multi-line error: {msg}");
        }
        let missing = read_csv(Path::new("/nonexistent/d.csv")).unwrap_err().to_string();
        assert!(missing.starts_with("cannot read /nonexistent/d.csv"), "{missing}");
    }
}
