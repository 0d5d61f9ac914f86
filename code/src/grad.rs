//! The gradient of the MSE, by hand (chapter 3) and by finite differences (to check it).

// ANCHOR: gradients
/// ∇L(w, b) for L = (1/n) Σ (yᵢ − (w·xᵢ + b))²:
///   ∂L/∂w = −(2/n) Σ (yᵢ − ŷᵢ)·xᵢ
///   ∂L/∂b = −(2/n) Σ (yᵢ − ŷᵢ)
/// The only difference is the factor xᵢ: remember it (chapter 4).
pub fn gradients(x: &[f64], y: &[f64], w: f64, b: f64) -> (f64, f64) {
    let n = x.len() as f64;
    let (mut gw, mut gb) = (0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        let residual = yi - (w * xi + b);
        gw += residual * xi;
        gb += residual;
    }
    (-2.0 / n * gw, -2.0 / n * gb)
}
// ANCHOR_END: gradients

/// L(w, b) and ∇L(w, b) in one pass: [`crate::loss::mse`] and [`gradients`], each sum
/// accumulated in the same order with the same operations, so the same bits. Gradient
/// descent needs both at every step; on 10⁶ rows the three running sums of one loop wait
/// for their additions side by side, where two loops wait in turn.
pub fn loss_and_gradients(x: &[f64], y: &[f64], w: f64, b: f64) -> (f64, (f64, f64)) {
    let n = x.len() as f64;
    let (mut sq, mut gw, mut gb) = (0.0, 0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        let residual = yi - crate::loss::predict(xi, w, b);
        sq += residual * residual;
        gw += residual * xi;
        gb += residual;
    }
    (sq / n, (-2.0 / n * gw, -2.0 / n * gb))
}

// ANCHOR: batch_gradient_sum
/// The summed squared-error gradient over the rows `batch` (a mini-batch):
/// (Σ 2(w·xᵢ + b − yᵢ)·xᵢ, Σ 2(w·xᵢ + b − yᵢ)). The caller divides by the batch size
/// (mean loss) or not (summed loss), so chapter 7's SGD and `diagnose` share one loop.
pub fn batch_gradient_sum(x: &[f64], y: &[f64], theta: [f64; 2], batch: &[usize]) -> [f64; 2] {
    let (mut gw, mut gb) = (0.0, 0.0);
    for &i in batch {
        let residual = theta[0] * x[i] + theta[1] - y[i];
        gw += 2.0 * residual * x[i];
        gb += 2.0 * residual;
    }
    [gw, gb]
}
// ANCHOR_END: batch_gradient_sum

// ANCHOR: finite_differences
/// Central finite differences: ∂f/∂w ≈ (f(w + h) − f(w − h)) / 2h, and the same in b.
/// The error is O(h²) from truncation plus O(ε·|f|/h) from rounding; a step relative to
/// the size of each parameter, h = 1e-6·max(1, |p|), balances the two for f64.
pub fn finite_differences(f: impl Fn(f64, f64) -> f64, w: f64, b: f64) -> (f64, f64) {
    let hw = 1e-6 * w.abs().max(1.0);
    let hb = 1e-6 * b.abs().max(1.0);
    let dw = (f(w + hw, b) - f(w - hw, b)) / (2.0 * hw);
    let db = (f(w, b + hb) - f(w, b - hb)) / (2.0 * hb);
    (dw, db)
}
// ANCHOR_END: finite_differences

/// Relative difference |a − b| / max(|a|, |b|, tiny), the measure used to compare gradients.
pub fn relative_difference(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{data, loss::mse};

    #[test]
    fn one_pass_gives_the_bits_of_mse_and_gradients() {
        let d = data::paris_rents(data::BOOK_SEED);
        let x3: Vec<f64> = d.x.iter().map(|v| v * 1e3 + 0.1).collect();
        for (x, y) in [(&d.x, &d.y), (&x3, &d.y)] {
            for (w, b) in [(0.0, 0.0), (25.0, 100.0), (32.1, -7.3), (1e-3, 1e5)] {
                let (loss, g) = loss_and_gradients(x, y, w, b);
                assert_eq!(loss.to_bits(), mse(x, y, w, b).to_bits());
                let h = gradients(x, y, w, b);
                assert_eq!((g.0.to_bits(), g.1.to_bits()), (h.0.to_bits(), h.1.to_bits()));
            }
        }
    }

    #[test]
    fn gradient_by_hand_on_two_points() {
        // x = (0, 1), y = (1, 3), at w = b = 0: residuals 1 and 3.
        // ∂L/∂w = −(2/2)(1·0 + 3·1) = −3, ∂L/∂b = −(2/2)(1 + 3) = −4.
        assert_eq!(gradients(&[0.0, 1.0], &[1.0, 3.0], 0.0, 0.0), (-3.0, -4.0));
    }

    #[test]
    fn gradient_matches_finite_differences_on_the_book_data() {
        let d = data::paris_rents(data::BOOK_SEED);
        for (w, b) in [(25.0, 100.0), (32.0, 200.0), (0.0, 0.0), (40.0, -300.0)] {
            let (gw, gb) = gradients(&d.x, &d.y, w, b);
            let (nw, nb) = finite_differences(|w, b| mse(&d.x, &d.y, w, b), w, b);
            assert!(relative_difference(gw, nw) < 1e-6, "w at ({w}, {b}): {gw} vs {nw}");
            assert!(relative_difference(gb, nb) < 1e-6, "b at ({w}, {b}): {gb} vs {nb}");
        }
    }

    /// Property: on random data sets (sizes, scales and offsets varying over orders of
    /// magnitude) and at random points, the hand gradient agrees with central finite
    /// differences. L is quadratic, so the central difference has no truncation error;
    /// what is left is rounding, about ε·L/h, which is the absolute slack allowed.
    #[test]
    fn gradient_matches_finite_differences_on_random_data() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2024);
        for case in 0..500 {
            let n = rng.random_range(2..=80usize);
            let scale = 10f64.powf(rng.random_range(-2.0..3.0));
            let offset = scale * rng.random_range(-5.0..5.0);
            let x: Vec<f64> = (0..n).map(|_| offset + scale * rng.random_range(-1.0..1.0)).collect();
            let (a, c) = (rng.random_range(-50.0..50.0), rng.random_range(-500.0..500.0));
            let y: Vec<f64> = x.iter().map(|&v| a * v + c + rng.random_range(-100.0..100.0)).collect();
            let (w, b) = (rng.random_range(-100.0..100.0), rng.random_range(-1000.0..1000.0));
            let (gw, gb) = gradients(&x, &y, w, b);
            let (nw, nb) = finite_differences(|w, b| mse(&x, &y, w, b), w, b);
            let l = mse(&x, &y, w, b);
            let slack_w = 1e-8 * l / w.abs().max(1.0);
            let slack_b = 1e-8 * l / b.abs().max(1.0);
            assert!((gw - nw).abs() <= 1e-6 * gw.abs() + slack_w, "case {case}: ∂w {gw} vs {nw}");
            assert!((gb - nb).abs() <= 1e-6 * gb.abs() + slack_b, "case {case}: ∂b {gb} vs {nb}");
        }
    }

    #[test]
    fn gradient_vanishes_at_the_least_squares_optimum() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (w, b) = crate::stats::least_squares(&d.x, &d.y);
        let (gw, gb) = gradients(&d.x, &d.y, w, b);
        // Relative to the gradient's scale at a point 1 % away, ~1e-16·κ is all rounding.
        let (sw, sb) = gradients(&d.x, &d.y, 1.01 * w, b);
        assert!(gw.abs() < 1e-9 * sw.abs() && gb.abs() < 1e-9 * sb.abs().max(1.0), "{gw} {gb}");
    }
}
