//! Means, spreads, and the least-squares line in its textbook form.

pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Population variance (divides by n). Chapter 5 explains why n or n − 1 does not
/// change the fitted line.
pub fn variance(v: &[f64]) -> f64 {
    let m = mean(v);
    v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / v.len() as f64
}

pub fn std_dev(v: &[f64]) -> f64 {
    variance(v).sqrt()
}

/// Population covariance (divides by n).
pub fn covariance(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / x.len() as f64
}

pub fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

// ANCHOR: least_squares
/// The line that minimises the MSE: w* = cov(x, y) / var(x), b* = ȳ − w*·x̄.
/// Centring before multiplying keeps the digits that Σxy − n·x̄·ȳ would cancel.
pub fn least_squares(x: &[f64], y: &[f64]) -> (f64, f64) {
    let w = covariance(x, y) / variance(x);
    (w, mean(y) - w * mean(x))
}
// ANCHOR_END: least_squares

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cases_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(mean(&x), 2.5);
        assert_eq!(variance(&x), 1.25);
        assert_eq!(min(&x), 1.0);
        assert_eq!(max(&x), 4.0);
        // y = 3x − 1 exactly: the fit must return it to the last bit or nearly.
        let y: Vec<f64> = x.iter().map(|v| 3.0 * v - 1.0).collect();
        let (w, b) = least_squares(&x, &y);
        assert!((w - 3.0).abs() < 1e-14 && (b + 1.0).abs() < 1e-14, "{w} {b}");
    }
}
