//! Plain gradient descent (chapter 4): one step size for both parameters, the history of a
//! run, the divergence rule every runner shares, and the iteration counter of the long runs.
//! The optimizer family of chapters 6–7 ([`crate::optimizers`]) builds on this module;
//! this module depends on none of it.

use crate::error::{Error, Result};
use crate::grad::loss_and_gradients;
use crate::loss::mse;
use crate::quadratic::Quadratic;

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

/// The divergence test every runner shares (this module's and [`crate::optimizers`]'s):
/// the loss is no longer finite, or exceeds [`DIVERGENCE_FACTOR`] times the starting loss.
pub fn has_diverged(loss: f64, start_loss: f64) -> bool {
    !loss.is_finite() || loss > DIVERGENCE_FACTOR * start_loss
}

// ANCHOR: gradient_descent
/// Full-batch gradient descent on the MSE from `start`, `iterations` steps of size `lr`:
///   w ← w − η·∂L/∂w,   b ← b − η·∂L/∂b.
pub fn gradient_descent(x: &[f64], y: &[f64], start: (f64, f64), lr: f64, iterations: usize) -> Trace {
    let (mut w, mut b) = start;
    let mut trace = Trace { lr, ..Trace::default() };
    for t in 0..=iterations {
        // L = mse(x, y, w, b) and ∇L = gradients(x, y, w, b), in one pass over the data.
        let (loss, (gw, gb)) = loss_and_gradients(x, y, w, b);
        trace.w.push(w);
        trace.b.push(b);
        trace.loss.push(loss);
        trace.grad.push((gw, gb));
        if has_diverged(loss, trace.loss[0]) {
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

/// How a long run ended (see [`iterations_to_reach`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// The relative parameter error fell below the tolerance at this iteration.
    Reached(usize),
    /// The budget ran out; the relative error it had reached.
    NotReached { budget: usize, error: f64 },
    /// The run blew up (see [`DIVERGENCE_FACTOR`]) at this iteration.
    Diverged(usize),
}

// ANCHOR: iterations_to_reach
/// Runs gradient descent from `start` with step `lr` until the relative parameter error
/// ‖θ − θ*‖ / ‖θ*‖ drops below `eps`, for at most `budget` iterations.
///
/// These runs take up to millions of steps, so the gradient comes from the loss written
/// as the quadratic it is ([`Quadratic`]: sums gathered once, O(1) per step). It is the
/// same step as [`gradient_descent`] (a test checks that the two trajectories agree), and
/// the same stop on divergence.
pub fn iterations_to_reach(x: &[f64], y: &[f64], start: (f64, f64), lr: f64, eps: f64, budget: usize) -> Reach {
    let q = Quadratic::of(x, y);
    let loss0 = q.loss([start.0, start.1]);
    let mut theta = [start.0, start.1];
    for t in 0..=budget {
        let error = q.relative_error(theta);
        if error < eps {
            return Reach::Reached(t);
        }
        if has_diverged(q.loss(theta), loss0) {
            return Reach::Diverged(t);
        }
        if t == budget {
            return Reach::NotReached { budget, error };
        }
        let g = q.grad(theta);
        theta = [theta[0] - lr * g[0], theta[1] - lr * g[1]];
    }
    unreachable!("the loop returns at t == budget")
}
// ANCHOR_END: iterations_to_reach

/// Gradient descent on standardized data, mapped back to the original units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandardizedFit {
    pub w: f64,
    pub b: f64,
    /// Steps taken until the standardized gradient fell below the tolerance.
    pub iterations: usize,
}

// ANCHOR: gd_standardized
/// Runs gradient descent from (0, 0) on x̃ = (x − x̄)/sₓ, ỹ = (y − ȳ)/s_y, stops when
/// ‖∇L̃‖ < `tol`, and maps the result back: w = w̃·s_y/sₓ, b = ȳ + s_y·b̃ − w·x̄.
/// On standardized data the Hessian is 2·I, so any fixed η < 1 converges.
pub fn gradient_descent_standardized(
    x: &[f64],
    y: &[f64],
    lr: f64,
    max_iterations: usize,
    tol: f64,
) -> Result<StandardizedFit> {
    if x.iter().all(|&v| v == x[0]) {
        return Err(Error::RankDeficient("x is constant, so it duplicates the intercept".into()));
    }
    if y.iter().all(|&v| v == y[0]) {
        // A constant y is fitted exactly by the flat line.
        return Ok(StandardizedFit { w: 0.0, b: y[0], iterations: 0 });
    }
    let scaling = crate::standardize::Scaling::of(x, y)?;
    let (xs, ys) = scaling.apply(x, y);
    // The steps of `gradient_descent`, stopped as soon as the gradient is small: each step
    // costs O(n), so on 10⁶ rows neither a full-length trace nor a rerun is affordable.
    let (mut w, mut b) = (0.0, 0.0);
    let start_loss = mse(&xs, &ys, w, b);
    for t in 0..=max_iterations {
        let (loss, (gw, gb)) = loss_and_gradients(&xs, &ys, w, b);
        if has_diverged(loss, start_loss) {
            let what = format!("the loss grew from {start_loss:.4e} to {loss:.4e}");
            return Err(Error::Diverged { iteration: t, lr, what });
        }
        if gw.hypot(gb) < tol {
            let (w, b) = scaling.to_original((w, b));
            return Ok(StandardizedFit { w, b, iterations: t });
        }
        if t == max_iterations {
            return Err(Error::Data(format!(
                "gradient descent did not converge in {max_iterations} iterations (gradient norm {:.1e})",
                gw.hypot(gb)
            )));
        }
        w -= lr * gw;
        b -= lr * gb;
    }
    unreachable!("the loop returns at t == max_iterations")
}
// ANCHOR_END: gd_standardized

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
    fn one_step_by_hand() {
        // x = (0, 1), y = (1, 3), from (0, 0): ∇L = (−3, −4), so one step of 0.1 gives (0.3, 0.4).
        let t = gradient_descent(&[0.0, 1.0], &[1.0, 3.0], (0.0, 0.0), 0.1, 1);
        assert_eq!(t.w.len(), 2);
        assert!((t.w[1] - 0.3).abs() < 1e-15 && (t.b[1] - 0.4).abs() < 1e-15);
    }

    #[test]
    fn fast_runs_follow_the_same_trajectory_as_gradient_descent() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (ws, bs) = crate::stats::least_squares(&d.x, &d.y);
        let lr = 1e-4;
        for steps in [1usize, 10, 1000, 20_000] {
            let t = gradient_descent(&d.x, &d.y, (25.0, 100.0), lr, steps);
            let (w, b) = t.last();
            let error = (w - ws).hypot(b - bs) / ws.hypot(bs);
            // The fast run must reach this error at exactly `steps` iterations (or, if the
            // sums round differently, within one step).
            match iterations_to_reach(&d.x, &d.y, (25.0, 100.0), lr, error * (1.0 + 1e-9), 10 * steps) {
                Reach::Reached(k) => assert!(k.abs_diff(steps) <= 1, "{steps} vs {k}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn iteration_counts_budget_and_divergence() {
        let d = data::paris_rents(data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        let start = (25.0, 100.0);
        assert_eq!(iterations_to_reach(&d.x, &d.y, start, 1e-5, 10.0, 5), Reach::Reached(0));
        match iterations_to_reach(&d.x, &d.y, start, 1e-5, 1e-6, 1000) {
            Reach::NotReached { budget: 1000, error } => assert!(error > 0.1, "{error}"),
            other => panic!("{other:?}"),
        }
        match iterations_to_reach(&d.x, &d.y, start, 1.05 * c.max_stable_lr(), 1e-6, 100_000) {
            // The same test as `gradient_descent`, so it stops at the same iteration.
            Reach::Diverged(k) => {
                let slow = gradient_descent(&d.x, &d.y, start, 1.05 * c.max_stable_lr(), 100_000);
                assert_eq!(Some(k), slow.diverged_at);
            }
            other => panic!("{other:?}"),
        }
        // With the best fixed step the count is within 10 % of the worst-case prediction
        // for the same shrink factor: the start's error lies almost along the flat direction.
        let (ws, bs) = crate::stats::least_squares(&d.x, &d.y);
        let shrink = 1e-6 * ws.hypot(bs) / (start.0 - ws).hypot(start.1 - bs);
        let predicted = c.predicted_iterations(c.best_fixed_lr(), shrink).unwrap();
        match iterations_to_reach(&d.x, &d.y, start, c.best_fixed_lr(), 1e-6, 10_000_000) {
            Reach::Reached(k) => assert!((k as f64 / predicted - 1.0).abs() < 0.1, "{k} vs {predicted}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn standardized_descent_matches_the_closed_form() {
        let d = data::paris_rents(data::BOOK_SEED);
        let g = gradient_descent_standardized(&d.x, &d.y, 0.1, 10_000, 1e-13).unwrap();
        let (w, b) = crate::stats::least_squares(&d.x, &d.y);
        // Stopping at ‖∇‖ < 1e-13 in standardized units leaves ~1e-13 relative error.
        assert!(((g.w - w) / w).abs() < 1e-11 && ((g.b - b) / b).abs() < 1e-11, "{g:?} vs {w} {b}");
        // The error contracts by |1 − 2η| = 0.8 per step: ln(1e-13)/ln(0.8) ≈ 134 steps.
        assert!((100..200).contains(&g.iterations), "{}", g.iterations);
        let flat = gradient_descent_standardized(&[1.0, 1.0], &[1.0, 2.0], 0.1, 100, 1e-12).unwrap_err();
        assert!(flat.to_string().contains("x is constant"), "{flat}");
        let slow = gradient_descent_standardized(&d.x, &d.y, 1e-4, 10, 1e-12).unwrap_err();
        assert!(slow.to_string().contains("did not converge in 10 iterations"), "{slow}");
    }
}
