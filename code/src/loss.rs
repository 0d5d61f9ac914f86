//! How wrong a line is: the mean squared error.

// ANCHOR: predict
/// The model: ŷ = w·x + b.
pub fn predict(x: f64, w: f64, b: f64) -> f64 {
    w * x + b
}
// ANCHOR_END: predict

// ANCHOR: mse
/// Mean squared error L(w, b) = (1/n) Σ (yᵢ − (w·xᵢ + b))², in €² on the Paris data.
pub fn mse(x: &[f64], y: &[f64], w: f64, b: f64) -> f64 {
    let sum: f64 = x
        .iter()
        .zip(y)
        .map(|(&xi, &yi)| {
            let residual = yi - predict(xi, w, b);
            residual * residual
        })
        .sum();
    sum / x.len() as f64
}
// ANCHOR_END: mse

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mse_by_hand() {
        // Residuals 1, −2, 0 → (1 + 4 + 0) / 3.
        let x = [0.0, 1.0, 2.0];
        let y = [1.0, 0.0, 4.0];
        assert_eq!(mse(&x, &y, 2.0, 0.0), 5.0 / 3.0);
    }

    #[test]
    fn least_squares_line_minimises_mse() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let (w, b) = crate::stats::least_squares(&d.x, &d.y);
        let best = mse(&d.x, &d.y, w, b);
        for (dw, db) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 0.1), (0.0, -0.1), (1e-3, -0.06)] {
            assert!(mse(&d.x, &d.y, w + dw, b + db) > best);
        }
    }
}
