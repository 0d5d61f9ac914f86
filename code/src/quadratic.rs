//! The mean squared error of a data set written as the quadratic it is, so that a step of
//! any optimizer costs O(1) instead of O(n) (chapter 4's iteration counter, chapters 6–7).

use crate::curvature::{self, Sym2};

// ANCHOR: quadratic
/// The MSE of a data set as the quadratic it is: L(θ) = L* + ½(θ − θ*)ᵀH(θ − θ*),
/// ∇L(θ) = H·θ − c, from sums gathered once, so a step costs O(1) instead of O(n).
#[derive(Debug, Clone, Copy)]
pub struct Quadratic {
    pub h: Sym2,
    pub c: [f64; 2],
    pub star: [f64; 2],
    pub floor: f64,
}

impl Quadratic {
    pub fn of(x: &[f64], y: &[f64]) -> Quadratic {
        let n = x.len() as f64;
        let c = [
            2.0 / n * x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>(),
            2.0 / n * y.iter().sum::<f64>(),
        ];
        let (ws, bs) = crate::stats::least_squares(x, y);
        Quadratic { h: curvature::hessian(x), c, star: [ws, bs], floor: crate::loss::mse(x, y, ws, bs) }
    }
    pub fn grad(&self, t: [f64; 2]) -> [f64; 2] {
        let h = self.h;
        [h[0][0] * t[0] + h[0][1] * t[1] - self.c[0], h[1][0] * t[0] + h[1][1] * t[1] - self.c[1]]
    }
    pub fn loss(&self, t: [f64; 2]) -> f64 {
        self.floor + self.excess(t)
    }
    /// L(θ) − L* = ½(θ − θ*)ᵀH(θ − θ*), without the cancellation of subtracting L*.
    pub fn excess(&self, t: [f64; 2]) -> f64 {
        let e = [t[0] - self.star[0], t[1] - self.star[1]];
        let h = self.h;
        0.5 * (h[0][0] * e[0] * e[0] + 2.0 * h[0][1] * e[0] * e[1] + h[1][1] * e[1] * e[1])
    }
    /// ‖θ − θ*‖ / ‖θ*‖.
    pub fn relative_error(&self, t: [f64; 2]) -> f64 {
        (t[0] - self.star[0]).hypot(t[1] - self.star[1]) / self.star[0].hypot(self.star[1]).max(f64::MIN_POSITIVE)
    }
}
// ANCHOR_END: quadratic

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_matches_the_data_loss_and_gradient() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let q = Quadratic::of(&d.x, &d.y);
        for (w, b) in [(25.0, 100.0), (0.0, 0.0), (40.0, -300.0)] {
            let (gw, gb) = crate::grad::gradients(&d.x, &d.y, w, b);
            let g = q.grad([w, b]);
            assert!((g[0] - gw).abs() < 1e-9 * gw.abs().max(1.0) && (g[1] - gb).abs() < 1e-9 * gb.abs().max(1.0));
            let l = crate::loss::mse(&d.x, &d.y, w, b);
            assert!((q.loss([w, b]) / l - 1.0).abs() < 1e-9);
        }
    }
}
