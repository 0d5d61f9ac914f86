//! The shape of the loss: Hessian, eigenvalues, condition number, and what they predict
//! for gradient descent (chapters 4–6).
//!
//! L is quadratic in θ = (w, b), so its Hessian is the same everywhere:
//!   H = (2/n) [[Σxᵢ², Σxᵢ], [Σxᵢ, n]].

/// A symmetric 2×2 matrix [[a, b], [b, c]].
pub type Sym2 = [[f64; 2]; 2];

// ANCHOR: hessian
/// Hessian of the MSE with respect to (w, b). It depends on the xᵢ only, not on y.
pub fn hessian(x: &[f64]) -> Sym2 {
    let n = x.len() as f64;
    let sx: f64 = x.iter().sum();
    let sxx: f64 = x.iter().map(|v| v * v).sum();
    [[2.0 * sxx / n, 2.0 * sx / n], [2.0 * sx / n, 2.0]]
}
// ANCHOR_END: hessian

/// Eigen-decomposition of a symmetric 2×2 matrix in closed form:
/// λ = m ± √(d² + b²) with m = (a + c)/2, d = (a − c)/2. Returns (λmin, vmin), (λmax, vmax)
/// with unit eigenvectors. The smaller root is computed as det/λmax, which keeps its
/// digits when λmin ≪ λmax (the subtraction m − √… would cancel them).
pub fn eigen(h: Sym2) -> ((f64, [f64; 2]), (f64, [f64; 2])) {
    let [[a, b], [_, c]] = h;
    let (m, d) = ((a + c) / 2.0, (a - c) / 2.0);
    let r = d.hypot(b);
    let lmax = m + r;
    let lmin = (a * c - b * b) / lmax;
    let vmax = unit(if b != 0.0 { [lmax - c, b] } else if a >= c { [1.0, 0.0] } else { [0.0, 1.0] });
    let vmin = [-vmax[1], vmax[0]];
    ((lmin, vmin), (lmax, vmax))
}

fn unit(v: [f64; 2]) -> [f64; 2] {
    let norm = v[0].hypot(v[1]);
    [v[0] / norm, v[1] / norm]
}

/// Everything chapter 4 says about the loss's shape, for one data set.
#[derive(Debug, Clone, Copy)]
pub struct Curvature {
    pub hessian: Sym2,
    pub lambda_min: f64,
    pub lambda_max: f64,
    /// Unit eigenvectors (w-component, b-component): the flat and the steep directions.
    pub v_min: [f64; 2],
    pub v_max: [f64; 2],
}

/// The eigen-decomposition as the widgets read it:
/// `{"lambda": [λmin, λmax], "v": [v_min, v_max]}` ([`Curvature::eigen_json`]).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct EigenJson {
    pub lambda: [f64; 2],
    pub v: [[f64; 2]; 2],
}

impl Curvature {
    pub fn of(x: &[f64]) -> Curvature {
        let hessian = hessian(x);
        let ((lambda_min, v_min), (lambda_max, v_max)) = eigen(hessian);
        Curvature { hessian, lambda_min, lambda_max, v_min, v_max }
    }

    /// κ = λmax / λmin.
    pub fn eigen_json(&self) -> EigenJson {
        EigenJson { lambda: [self.lambda_min, self.lambda_max], v: [self.v_min, self.v_max] }
    }

    pub fn condition_number(&self) -> f64 {
        self.lambda_max / self.lambda_min
    }

    /// Gradient descent with a fixed step η converges iff η < 2/λmax.
    pub fn max_stable_lr(&self) -> f64 {
        2.0 / self.lambda_max
    }

    /// The fixed step that minimises the worst contraction factor: η = 2/(λmin + λmax).
    pub fn best_fixed_lr(&self) -> f64 {
        2.0 / (self.lambda_min + self.lambda_max)
    }

    /// Per-step contraction of the error along the slowest eigen-direction for step η:
    /// max(|1 − ηλmin|, |1 − ηλmax|). Below 1 means convergence.
    pub fn contraction(&self, lr: f64) -> f64 {
        (1.0 - lr * self.lambda_min).abs().max((1.0 - lr * self.lambda_max).abs())
    }
}

// ANCHOR: predicted_iterations
impl Curvature {
    /// Iterations for gradient descent with step η to shrink the parameter error by a
    /// factor ε: ⌈ln ε / ln ρ(η)⌉ (worst case over starting points). With η = 1/λmax this
    /// is ≈ κ·ln(1/ε); with the best fixed step, ≈ (κ/2)·ln(1/ε). `None` if η diverges.
    /// ρ = 0 (H = 2I and η = 1/2, chapter 5) lands on the optimum in one step.
    pub fn predicted_iterations(&self, lr: f64, eps: f64) -> Option<f64> {
        let rho = self.contraction(lr);
        (rho < 1.0).then(|| if rho == 0.0 { 1.0 } else { (eps.ln() / rho.ln()).ceil() })
    }
}
// ANCHOR_END: predicted_iterations

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_matches_characteristic_polynomial() {
        for h in [[[4.0, 1.0], [1.0, 3.0]], [[2.0, 0.0], [0.0, 5.0]], [[8268.0, 125.0], [125.0, 2.0]]] {
            let ((l1, v1), (l2, v2)) = eigen(h);
            let [[a, b], [_, c]] = h;
            // Both roots of λ² − (a + c)λ + (ac − b²).
            for l in [l1, l2] {
                assert!((l * l - (a + c) * l + (a * c - b * b)).abs() < 1e-9 * (a + c).powi(2));
            }
            // H v = λ v, and the vectors are orthonormal.
            for (l, v) in [(l1, v1), (l2, v2)] {
                let hv = [a * v[0] + b * v[1], b * v[0] + c * v[1]];
                assert!((hv[0] - l * v[0]).abs() < 1e-9 * l2 && (hv[1] - l * v[1]).abs() < 1e-9 * l2);
            }
            assert!((v1[0] * v2[0] + v1[1] * v2[1]).abs() < 1e-12);
            assert!(l1 <= l2);
        }
        // [[4, 1], [1, 3]]: λ = (7 ± √5)/2 by hand.
        let ((l1, _), (l2, _)) = eigen([[4.0, 1.0], [1.0, 3.0]]);
        assert!((l1 - (7.0 - 5f64.sqrt()) / 2.0).abs() < 1e-14 && (l2 - (7.0 + 5f64.sqrt()) / 2.0).abs() < 1e-14);
    }

    #[test]
    fn hessian_matches_second_differences_of_the_loss() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let h = hessian(&d.x);
        let f = |w: f64, b: f64| crate::loss::mse(&d.x, &d.y, w, b);
        let (w, b, s) = (30.0, 150.0, 1e-2);
        // L is exactly quadratic, so second differences are exact up to rounding.
        let hww = (f(w + s, b) - 2.0 * f(w, b) + f(w - s, b)) / (s * s);
        let hbb = (f(w, b + s) - 2.0 * f(w, b) + f(w, b - s)) / (s * s);
        let hwb = (f(w + s, b + s) - f(w + s, b - s) - f(w - s, b + s) + f(w - s, b - s)) / (4.0 * s * s);
        assert!((hww / h[0][0] - 1.0).abs() < 1e-4, "{hww} vs {}", h[0][0]);
        assert!((hbb / h[1][1] - 1.0).abs() < 1e-3, "{hbb} vs {}", h[1][1]);
        assert!((hwb / h[0][1] - 1.0).abs() < 1e-4, "{hwb} vs {}", h[0][1]);
    }

    #[test]
    fn the_flat_direction_is_almost_pure_b_on_raw_data() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        assert!(c.v_min[1].abs() > 0.99, "{:?}", c.v_min);
        assert!(c.condition_number() > 1e3);
        assert!(c.predicted_iterations(1.01 * c.max_stable_lr(), 1e-6).is_none());
    }

    #[test]
    fn a_round_bowl_takes_one_step() {
        // x = ±1: Σx = 0, Σx² = n, so H = 2I, and η = 1/2 is a contraction by exactly 0.
        let c = Curvature::of(&[-1.0, 1.0, -1.0, 1.0]);
        assert_eq!(c.hessian, [[2.0, 0.0], [0.0, 2.0]]);
        assert_eq!(c.condition_number(), 1.0);
        assert_eq!(c.best_fixed_lr(), 0.5);
        assert_eq!(c.predicted_iterations(0.5, 1e-6), Some(1.0));
        assert_eq!(c.predicted_iterations(0.25, 1e-6), Some(20.0)); // ρ = 1/2, 2⁻²⁰ < 1e-6
    }
}
