//! Gradient descent, with its history recorded and divergence detected.

use crate::error::{Error, Result};
use crate::grad::gradients;
use crate::loss::mse;

/// One run: parameters, loss and gradient at every iteration (index 0 is the start).
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub w: Vec<f64>,
    pub b: Vec<f64>,
    pub loss: Vec<f64>,
    pub grad: Vec<(f64, f64)>,
    /// The step size used.
    pub lr: f64,
    /// Set when the run was stopped because it blew up: the iteration it stopped at.
    pub diverged_at: Option<usize>,
}

impl Trace {
    pub fn last(&self) -> (f64, f64) {
        (*self.w.last().expect("a trace has a start"), *self.b.last().expect("a trace has a start"))
    }

    /// The trace, or a one-line error saying where and why the run was stopped.
    pub fn converged(self) -> Result<Trace> {
        match self.diverged_at {
            None => Ok(self),
            Some(iteration) => Err(Error::Diverged {
                iteration,
                lr: self.lr,
                what: format!("the loss grew from {:.4e} to {:.4e}", self.loss[0], self.loss[iteration]),
            }),
        }
    }
}

/// A run is declared diverged when its loss is no longer finite or has grown a
/// million-fold above its starting value: a convergent run never increases the loss
/// on a quadratic with η < 2/λmax, so such growth can only mean η is too large.
pub const DIVERGENCE_FACTOR: f64 = 1e6;

// ANCHOR: gradient_descent
/// Full-batch gradient descent on the MSE from `start`, `iterations` steps of size `lr`:
///   w ← w − η·∂L/∂w,   b ← b − η·∂L/∂b.
pub fn gradient_descent(x: &[f64], y: &[f64], start: (f64, f64), lr: f64, iterations: usize) -> Trace {
    let (mut w, mut b) = start;
    let mut trace = Trace { lr, ..Trace::default() };
    for t in 0..=iterations {
        let loss = mse(x, y, w, b);
        let (gw, gb) = gradients(x, y, w, b);
        trace.w.push(w);
        trace.b.push(b);
        trace.loss.push(loss);
        trace.grad.push((gw, gb));
        if !loss.is_finite() || loss > DIVERGENCE_FACTOR * trace.loss[0] {
            trace.diverged_at = Some(t);
            break;
        }
        if t < iterations {
            w -= lr * gw;
            b -= lr * gb;
        }
    }
    trace
}
// ANCHOR_END: gradient_descent

// ANCHOR: iterations_to_tolerance
/// How many steps of gradient descent (step `lr`, from `start`) until the parameters are
/// within relative distance `eps` of `target`: ‖θₜ − θ*‖ ≤ eps·‖θ*‖. The same updates as
/// [`gradient_descent`], without storing the history, so that runs of 10⁵–10⁶ steps stay
/// cheap. `None` if `budget` steps are not enough or the run blows up.
pub fn iterations_to_tolerance(
    x: &[f64],
    y: &[f64],
    start: (f64, f64),
    lr: f64,
    target: (f64, f64),
    eps: f64,
    budget: usize,
) -> Option<usize> {
    let (mut w, mut b) = start;
    let goal = eps * target.0.hypot(target.1);
    for t in 0..=budget {
        let distance = (w - target.0).hypot(b - target.1);
        if distance <= goal {
            return Some(t);
        }
        if !distance.is_finite() || t == budget {
            return None;
        }
        let (gw, gb) = gradients(x, y, w, b);
        w -= lr * gw;
        b -= lr * gb;
    }
    None
}
// ANCHOR_END: iterations_to_tolerance

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curvature::Curvature;
    use crate::data;

    #[test]
    fn converges_below_and_diverges_above_the_stable_limit() {
        let d = data::paris_rents(data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        let below = gradient_descent(&d.x, &d.y, (25.0, 100.0), 0.99 * c.max_stable_lr(), 2000);
        assert!(below.diverged_at.is_none());
        assert!(below.loss.last().unwrap() < &below.loss[0]);
        let above = gradient_descent(&d.x, &d.y, (25.0, 100.0), 1.05 * c.max_stable_lr(), 2000);
        let at = above.diverged_at.expect("η > 2/λmax must diverge");
        assert!(at < 2000);
        let msg = above.converged().unwrap_err().to_string();
        assert!(msg.starts_with(&format!("gradient descent diverged at iteration {at}")), "{msg}");
    }

    #[test]
    fn iterations_to_tolerance_agrees_with_the_recorded_trace() {
        let d = data::paris_rents(data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        let target = crate::stats::least_squares(&d.x, &d.y);
        let lr = c.best_fixed_lr();
        let start = (25.0, 100.0);
        let n = iterations_to_tolerance(&d.x, &d.y, start, lr, target, 1e-2, 1_000_000).unwrap();
        // The first index of the full trace that is within 1 % must be the same step.
        let trace = gradient_descent(&d.x, &d.y, start, lr, n);
        let rel = |t: usize| (trace.w[t] - target.0).hypot(trace.b[t] - target.1) / target.0.hypot(target.1);
        assert!(rel(n) <= 1e-2 && rel(n - 1) > 1e-2, "{} {}", rel(n), rel(n - 1));
        // Already there: 0 steps. Too small a budget, or a step beyond 2/λmax: None.
        assert_eq!(iterations_to_tolerance(&d.x, &d.y, target, lr, target, 1e-6, 10), Some(0));
        assert_eq!(iterations_to_tolerance(&d.x, &d.y, start, lr, target, 1e-2, n - 1), None);
        let fast = 1.05 * c.max_stable_lr();
        assert_eq!(iterations_to_tolerance(&d.x, &d.y, start, fast, target, 1e-2, 100_000), None);
    }

    #[test]
    fn one_step_by_hand() {
        // x = (0, 1), y = (1, 3), from (0, 0): ∇L = (−3, −4), so one step of 0.1 gives (0.3, 0.4).
        let t = gradient_descent(&[0.0, 1.0], &[1.0, 3.0], (0.0, 0.0), 0.1, 1);
        assert_eq!(t.w.len(), 2);
        assert!((t.w[1] - 0.3).abs() < 1e-15 && (t.b[1] - 0.4).abs() < 1e-15);
    }
}
