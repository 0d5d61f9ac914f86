//! Standardization (chapter 5): x̃ = (x − x̄)/sₓ, ỹ = (y − ȳ)/s_y, and the way back to
//! €/m² and €.
//!
//! The standard deviations are population ones (divide by n), as [`stats::std_dev`]:
//! then the standardized x̃ has mean 0 and mean square exactly 1, so the Hessian of the
//! standardized loss is 2·I. Dividing by n − 1 instead (as PyTorch's `std()` does) gives
//! the same fitted line once mapped back: see [`Scaling::with_divisor`].

use crate::error::{Error, Result};
use crate::stats;

/// Which denominator the variance uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divisor {
    /// Population variance, divide by n (the book's choice).
    N,
    /// Sample variance, divide by n − 1 (PyTorch's and pandas' default).
    NMinusOne,
}

/// Means and spreads of x and y: everything needed to go to standardized units and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    pub x_mean: f64,
    pub x_sd: f64,
    pub y_mean: f64,
    pub y_sd: f64,
}

impl Scaling {
    /// Population means and standard deviations of the data.
    pub fn of(x: &[f64], y: &[f64]) -> Result<Scaling> {
        Scaling::with_divisor(x, y, Divisor::N)
    }

    /// Means and standard deviations with the chosen divisor. Fails if x or y is
    /// constant: standardizing divides by its standard deviation, which is then 0.
    pub fn with_divisor(x: &[f64], y: &[f64], divisor: Divisor) -> Result<Scaling> {
        for (name, v) in [("x", x), ("y", y)] {
            // Exact comparison: the sd of a constant column computed in floating point
            // can come out as a tiny non-zero number instead of 0.
            if v.iter().all(|&a| a == v[0]) {
                return Err(Error::Data(format!(
                    "every {name} equals {}: standardization divides by the standard deviation of {name}, which is 0",
                    v[0]
                )));
            }
        }
        let n = x.len() as f64;
        let factor = match divisor {
            Divisor::N => 1.0,
            Divisor::NMinusOne => (n / (n - 1.0)).sqrt(),
        };
        Ok(Scaling {
            x_mean: stats::mean(x),
            x_sd: stats::std_dev(x) * factor,
            y_mean: stats::mean(y),
            y_sd: stats::std_dev(y) * factor,
        })
    }

    /// (x̃, ỹ): the data in standardized units.
    pub fn apply(&self, x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
        (
            x.iter().map(|v| (v - self.x_mean) / self.x_sd).collect(),
            y.iter().map(|v| (v - self.y_mean) / self.y_sd).collect(),
        )
    }

    /// The inverse map: a line y = w·x + b in standardized units,
    ///   w̃ = w·sₓ/s_y,   b̃ = (w·x̄ + b − ȳ)/s_y.
    pub fn to_standardized(&self, (w, b): (f64, f64)) -> (f64, f64) {
        (w * self.x_sd / self.y_sd, (w * self.x_mean + b - self.y_mean) / self.y_sd)
    }
}

// ANCHOR: to_original
impl Scaling {
    /// A line fitted on standardized data, ỹ = w̃·x̃ + b̃, in original units:
    ///   w = w̃·s_y/sₓ,   b = ȳ + s_y·b̃ − w·x̄.
    pub fn to_original(&self, (w_tilde, b_tilde): (f64, f64)) -> (f64, f64) {
        let w = w_tilde * self.y_sd / self.x_sd;
        let b = self.y_mean + self.y_sd * b_tilde - w * self.x_mean;
        (w, b)
    }
}
// ANCHOR_END: to_original

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    fn relative(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn standardized_data_have_mean_0_and_sd_1() {
        let d = data::paris_rents(data::BOOK_SEED);
        let s = Scaling::of(&d.x, &d.y).unwrap();
        let (xt, yt) = s.apply(&d.x, &d.y);
        for v in [&xt, &yt] {
            assert!(stats::mean(v).abs() < 1e-14, "{}", stats::mean(v));
            assert!((stats::std_dev(v) - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn round_trip_matches_least_squares_on_raw_data() {
        let d = data::paris_rents(data::BOOK_SEED);
        let s = Scaling::of(&d.x, &d.y).unwrap();
        let (xt, yt) = s.apply(&d.x, &d.y);
        let fit_tilde = stats::least_squares(&xt, &yt);
        let (w, b) = s.to_original(fit_tilde);
        let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
        assert!(relative(w, w_star) < 1e-10 && relative(b, b_star) < 1e-10, "{w} {b} vs {w_star} {b_star}");
        // to_standardized undoes to_original, for any line.
        for line in [(25.0, 100.0), (w_star, b_star), (-3.0, 7.5)] {
            let (w2, b2) = s.to_original(s.to_standardized(line));
            assert!(relative(w2, line.0) < 1e-12 && relative(b2, line.1) < 1e-12, "{line:?}");
        }
    }

    #[test]
    fn n_or_n_minus_1_gives_the_same_line() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
        let mut slopes = Vec::new();
        for divisor in [Divisor::N, Divisor::NMinusOne] {
            let s = Scaling::with_divisor(&d.x, &d.y, divisor).unwrap();
            let (xt, yt) = s.apply(&d.x, &d.y);
            let fit_tilde = stats::least_squares(&xt, &yt);
            slopes.push(fit_tilde.0);
            let (w, b) = s.to_original(fit_tilde);
            assert!(relative(w, w_star) < 1e-10 && relative(b, b_star) < 1e-10, "{divisor:?}");
        }
        // Both columns are divided by the same extra factor √(n/(n−1)), so even w̃ (the
        // correlation) is unchanged.
        assert!(relative(slopes[0], slopes[1]) < 1e-12);
        // Any other pair of scales (unequal divisors, or arbitrary numbers as here)
        // changes w̃, and the back-transform cancels the change.
        let s = Scaling { x_sd: 1e-4, y_sd: 1e3, ..Scaling::of(&d.x, &d.y).unwrap() };
        let (xt, yt) = s.apply(&d.x, &d.y);
        let fit_tilde = stats::least_squares(&xt, &yt);
        assert!(relative(fit_tilde.0, slopes[0]) > 0.5);
        let (w, b) = s.to_original(fit_tilde);
        assert!(relative(w, w_star) < 1e-10 && relative(b, b_star) < 1e-10);
    }

    #[test]
    fn constant_columns_are_a_one_line_error() {
        let e = Scaling::of(&[3.0, 3.0, 3.0], &[1.0, 2.0, 4.0]).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid data: every x equals 3: standardization divides by the standard deviation of x, which is 0"
        );
        assert!(!e.contains('\n'));
        let e = Scaling::of(&[1.0, 2.0], &[5.0, 5.0]).unwrap_err().to_string();
        assert!(e.contains("every y equals 5"), "{e}");
        // Near-constant is not constant: defined, if badly conditioned.
        assert!(Scaling::of(&[1.0, 1.0 + 1e-9], &[0.0, 1.0]).is_ok());
    }
}
