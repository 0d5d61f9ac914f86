//! Optimizers behind one trait (chapters 6 and 7): gradient descent with per-parameter step
//! sizes and schedules, heavy-ball momentum, Nesterov, AdaGrad, RMSprop, Adam, Newton.
//!
//! Each optimizer only sees the current parameters θ = (w, b) and a gradient; one shared
//! runner ([`run`]) records the history in a [`gd::Trace`] and stops a run with the same
//! divergence test as chapter 4's [`gd::gradient_descent`] ([`gd::has_diverged`]).
//! Plain gradient descent lives in [`crate::gd`], which does not depend on this module.

use crate::curvature::Sym2;
use crate::gd::{self, Reach, Trace};
use crate::quadratic::Quadratic;

// ANCHOR: trait
/// One update rule. `t` counts the steps already taken (0 on the first step); the
/// optimizer keeps whatever state it needs (velocity, running averages) between calls.
pub trait Optimizer {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], t: usize) -> [f64; 2];
    /// The base learning rate, for reports and error messages.
    fn lr(&self) -> f64;
}
// ANCHOR_END: trait

// ANCHOR: schedule
/// A learning-rate schedule: the factor applied to the base step at step t. Every one
/// of them is fixed in advance: none looks at the gradients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    Constant,
    /// η·factorᵗ (factor > 1: the "increase b_lr by 3 % per step" idea).
    Exponential { factor: f64 },
    /// η/(1 + decay·t).
    InverseTime { decay: f64 },
    /// η·factor^⌊t/every⌋.
    Step { every: usize, factor: f64 },
    /// η·(floor + (1 − floor)·(1 + cos(π·t/period))/2), then η·floor after `period` steps.
    Cosine { period: usize, floor: f64 },
}

impl Schedule {
    pub fn factor(&self, t: usize) -> f64 {
        match *self {
            Schedule::Constant => 1.0,
            Schedule::Exponential { factor } => factor.powf(t as f64),
            Schedule::InverseTime { decay } => 1.0 / (1.0 + decay * t as f64),
            Schedule::Step { every, factor } => factor.powf((t / every.max(1)) as f64),
            Schedule::Cosine { period, floor } => {
                let s = (t.min(period) as f64) / period.max(1) as f64;
                floor + (1.0 - floor) * 0.5 * (1.0 + (std::f64::consts::PI * s).cos())
            }
        }
    }
}
// ANCHOR_END: schedule

// ANCHOR: gd
/// Gradient descent with one step size (and one schedule) per parameter:
///   θᵢ ← θᵢ − ηᵢ·sᵢ(t)·∂L/∂θᵢ.
/// Equal steps and constant schedules give plain gradient descent.
#[derive(Debug, Clone, Copy)]
pub struct Gd {
    pub lr: [f64; 2],
    pub schedule: [Schedule; 2],
}

impl Gd {
    pub fn new(lr: f64) -> Gd {
        Gd::per_parameter([lr, lr])
    }
    pub fn per_parameter(lr: [f64; 2]) -> Gd {
        Gd { lr, schedule: [Schedule::Constant; 2] }
    }
    pub fn with_schedule(self, schedule: Schedule) -> Gd {
        Gd { schedule: [schedule; 2], ..self }
    }
}

impl Optimizer for Gd {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], t: usize) -> [f64; 2] {
        std::array::from_fn(|i| theta[i] - self.lr[i] * self.schedule[i].factor(t) * grad[i])
    }
    fn lr(&self) -> f64 {
        self.lr[0]
    }
}
// ANCHOR_END: gd

// ANCHOR: momentum
/// Heavy ball (Polyak): v ← β·v − η·∇L(θ), θ ← θ + v.
#[derive(Debug, Clone, Copy)]
pub struct Momentum {
    pub lr: f64,
    pub beta: f64,
    v: [f64; 2],
}

impl Momentum {
    pub fn new(lr: f64, beta: f64) -> Momentum {
        Momentum { lr, beta, v: [0.0; 2] }
    }
    /// The parameters that minimise the worst contraction on a quadratic with
    /// eigenvalues in [λmin, λmax]: η = 4/(√λmax + √λmin)², β = ((√κ − 1)/(√κ + 1))².
    /// The error then shrinks by (√κ − 1)/(√κ + 1) per step.
    pub fn optimal(lambda_min: f64, lambda_max: f64) -> Momentum {
        let (a, b) = (lambda_max.sqrt(), lambda_min.sqrt());
        Momentum::new(4.0 / (a + b).powi(2), ((a - b) / (a + b)).powi(2))
    }
}

impl Optimizer for Momentum {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], _t: usize) -> [f64; 2] {
        std::array::from_fn(|i| {
            self.v[i] = self.beta * self.v[i] - self.lr * grad[i];
            theta[i] + self.v[i]
        })
    }
    fn lr(&self) -> f64 {
        self.lr
    }
}
// ANCHOR_END: momentum

// ANCHOR: nesterov
/// Nesterov's accelerated gradient, v ← β·v − η·∇L(θ + β·v), θ ← θ + v, written for the
/// look-ahead point φ = θ + β·v so that the gradient is taken where the optimizer stands:
///   φ ← φ + β²·v − (1 + β)·η·∇L(φ),   v ← β·v − η·∇L(φ).
#[derive(Debug, Clone, Copy)]
pub struct Nesterov {
    pub lr: f64,
    pub beta: f64,
    v: [f64; 2],
}

impl Nesterov {
    pub fn new(lr: f64, beta: f64) -> Nesterov {
        Nesterov { lr, beta, v: [0.0; 2] }
    }
    /// The textbook choice for a strongly convex quadratic: η = 1/λmax,
    /// β = (√κ − 1)/(√κ + 1); the error shrinks by about 1 − 1/√κ per step.
    pub fn standard(lambda_min: f64, lambda_max: f64) -> Nesterov {
        let rk = (lambda_max / lambda_min).sqrt();
        Nesterov::new(1.0 / lambda_max, (rk - 1.0) / (rk + 1.0))
    }
}

impl Optimizer for Nesterov {
    fn step(&mut self, phi: [f64; 2], grad: [f64; 2], _t: usize) -> [f64; 2] {
        std::array::from_fn(|i| {
            let next = phi[i] + self.beta * self.beta * self.v[i] - (1.0 + self.beta) * self.lr * grad[i];
            self.v[i] = self.beta * self.v[i] - self.lr * grad[i];
            next
        })
    }
    fn lr(&self) -> f64 {
        self.lr
    }
}
// ANCHOR_END: nesterov

// ANCHOR: adagrad
/// AdaGrad: each parameter's step is divided by the root of its summed squared gradients,
///   Gᵢ ← Gᵢ + gᵢ²,   θᵢ ← θᵢ − η·gᵢ/(√Gᵢ + ε).
#[derive(Debug, Clone, Copy)]
pub struct AdaGrad {
    pub lr: f64,
    pub eps: f64,
    g2: [f64; 2],
}

impl AdaGrad {
    pub fn new(lr: f64) -> AdaGrad {
        AdaGrad { lr, eps: 1e-8, g2: [0.0; 2] }
    }
}

impl Optimizer for AdaGrad {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], _t: usize) -> [f64; 2] {
        std::array::from_fn(|i| {
            self.g2[i] += grad[i] * grad[i];
            theta[i] - self.lr * grad[i] / (self.g2[i].sqrt() + self.eps)
        })
    }
    fn lr(&self) -> f64 {
        self.lr
    }
}
// ANCHOR_END: adagrad

// ANCHOR: rmsprop
/// RMSprop: like AdaGrad with a forgetting average instead of a sum,
///   sᵢ ← α·sᵢ + (1 − α)·gᵢ²,   θᵢ ← θᵢ − η·gᵢ/(√sᵢ + ε)
/// (α is torch's `alpha`; ρ is the book's rate per step).
#[derive(Debug, Clone, Copy)]
pub struct RmsProp {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    s: [f64; 2],
}

impl RmsProp {
    pub fn new(lr: f64) -> RmsProp {
        RmsProp { lr, alpha: 0.9, eps: 1e-8, s: [0.0; 2] }
    }
}

impl Optimizer for RmsProp {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], _t: usize) -> [f64; 2] {
        std::array::from_fn(|i| {
            self.s[i] = self.alpha * self.s[i] + (1.0 - self.alpha) * grad[i] * grad[i];
            theta[i] - self.lr * grad[i] / (self.s[i].sqrt() + self.eps)
        })
    }
    fn lr(&self) -> f64 {
        self.lr
    }
}
// ANCHOR_END: rmsprop

// ANCHOR: adam
/// Adam: running averages of the gradient (m) and of its square (v), corrected for
/// their start at zero, then a per-parameter step:
///   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
///   m̂ = m/(1 − β₁ᵗ⁺¹),  v̂ = v/(1 − β₂ᵗ⁺¹),  θ ← θ − η·m̂/(√v̂ + ε).
#[derive(Debug, Clone, Copy)]
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    m: [f64; 2],
    v: [f64; 2],
}

impl Adam {
    pub fn new(lr: f64) -> Adam {
        Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, m: [0.0; 2], v: [0.0; 2] }
    }
}

impl Optimizer for Adam {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], t: usize) -> [f64; 2] {
        let k = (t + 1) as f64;
        let (c1, c2) = (1.0 - self.beta1.powf(k), 1.0 - self.beta2.powf(k));
        std::array::from_fn(|i| {
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * grad[i];
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * grad[i] * grad[i];
            theta[i] - self.lr * (self.m[i] / c1) / ((self.v[i] / c2).sqrt() + self.eps)
        })
    }
    fn lr(&self) -> f64 {
        self.lr
    }
}
// ANCHOR_END: adam

// ANCHOR: newton
/// Newton's method: θ ← θ − H⁻¹·∇L(θ). On a quadratic the model is exact, so one step
/// lands on the minimum from anywhere.
#[derive(Debug, Clone, Copy)]
pub struct Newton {
    h_inv: Sym2,
}

impl Newton {
    /// `None` if H is singular (constant x).
    pub fn new(h: Sym2) -> Option<Newton> {
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        (det != 0.0 && det.is_finite())
            .then(|| Newton { h_inv: [[h[1][1] / det, -h[0][1] / det], [-h[1][0] / det, h[0][0] / det]] })
    }
}

impl Optimizer for Newton {
    fn step(&mut self, theta: [f64; 2], grad: [f64; 2], _t: usize) -> [f64; 2] {
        let h = self.h_inv;
        [theta[0] - (h[0][0] * grad[0] + h[0][1] * grad[1]), theta[1] - (h[1][0] * grad[0] + h[1][1] * grad[1])]
    }
    fn lr(&self) -> f64 {
        1.0
    }
}
// ANCHOR_END: newton


// ANCHOR: run
/// The shared runner: `iterations` steps of `opt` from `start`, with the gradient and
/// the loss supplied by the caller (full batch, mini-batch, …). Records every iterate
/// and stops, marking `diverged_at`, when [`gd::has_diverged`] says so.
pub fn run(
    opt: &mut dyn Optimizer,
    start: [f64; 2],
    iterations: usize,
    mut grad: impl FnMut([f64; 2], usize) -> [f64; 2],
    loss: impl Fn([f64; 2]) -> f64,
) -> Trace {
    let mut trace = Trace { lr: opt.lr(), ..Trace::default() };
    let mut theta = start;
    for t in 0..=iterations {
        let l = loss(theta);
        let g = grad(theta, t);
        trace.w.push(theta[0]);
        trace.b.push(theta[1]);
        trace.loss.push(l);
        trace.grad.push((g[0], g[1]));
        if gd::has_diverged(l, trace.loss[0]) {
            trace.diverged_at = Some(t);
            break;
        }
        if t < iterations {
            theta = opt.step(theta, g, t);
        }
    }
    trace
}
// ANCHOR_END: run

/// Full-batch run on a quadratic (see [`run`]).
pub fn run_quadratic(opt: &mut dyn Optimizer, q: &Quadratic, start: [f64; 2], iterations: usize) -> Trace {
    run(opt, start, iterations, |t, _| q.grad(t), |t| q.loss(t))
}

/// Fits a line with `opt` the way `fit --method adam` does: on standardized data (so
/// that one step size suits both parameters), from (0, 0), until the gradient norm falls
/// below `tol`, then mapped back to the original units. Returns (w, b, iterations), or a
/// one-line error if the run diverges or `budget` steps are not enough — never a
/// half-converged answer presented as a fit.
pub fn fit_standardized(
    opt: &mut dyn Optimizer,
    x: &[f64],
    y: &[f64],
    tol: f64,
    budget: usize,
) -> crate::Result<(f64, f64, usize)> {
    if y.iter().all(|&v| v == y[0]) {
        return Ok((0.0, y[0], 0)); // a constant y is fitted exactly by the flat line
    }
    let scaling = crate::standardize::Scaling::of(x, y)?;
    let (xs, ys) = scaling.apply(x, y);
    let q = Quadratic::of(&xs, &ys);
    let mut theta = [0.0, 0.0];
    let loss0 = q.loss(theta);
    for t in 0..=budget {
        let g = q.grad(theta);
        if g[0].hypot(g[1]) < tol {
            let (w, b) = scaling.to_original((theta[0], theta[1]));
            return Ok((w, b, t));
        }
        let loss = q.loss(theta);
        if gd::has_diverged(loss, loss0) {
            return Err(crate::Error::Diverged { iteration: t, lr: opt.lr(), what: "on standardized data".into() });
        }
        if t < budget {
            theta = opt.step(theta, g, t);
        }
    }
    let g = q.grad(theta);
    Err(crate::Error::Data(format!(
        "{budget} steps did not bring the gradient norm below {tol:e} (it is {:.1e})",
        g[0].hypot(g[1])
    )))
}

/// Steps of `opt` until ‖θ − θ*‖/‖θ*‖ < `eps`, at most `budget`, without recording the
/// history (the same test and the same stop as [`gd::iterations_to_reach`]). Returns
/// how the run ended and where it stopped.
pub fn reach(opt: &mut dyn Optimizer, q: &Quadratic, start: [f64; 2], eps: f64, budget: usize) -> (Reach, [f64; 2]) {
    reach_by(opt, q, start, eps, budget, |t| q.relative_error(t))
}

/// [`reach`] with the error measured by `error` (e.g. in the original units when the
/// optimizer runs on standardized data).
pub fn reach_by(
    opt: &mut dyn Optimizer,
    q: &Quadratic,
    start: [f64; 2],
    eps: f64,
    budget: usize,
    error: impl Fn([f64; 2]) -> f64,
) -> (Reach, [f64; 2]) {
    let loss0 = q.loss(start);
    let mut theta = start;
    for t in 0..=budget {
        let e = error(theta);
        if e < eps {
            return (Reach::Reached(t), theta);
        }
        if gd::has_diverged(q.loss(theta), loss0) {
            return (Reach::Diverged(t), theta);
        }
        if t == budget {
            return (Reach::NotReached { budget, error: e }, theta);
        }
        theta = opt.step(theta, q.grad(theta), t);
    }
    unreachable!("the loop returns at t == budget")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curvature::Curvature;

    /// L = ½·(4(w − 1)² + (b + 2)²)·2/2 in the form the runner uses: H = diag(4, 1),
    /// minimum (1, −2).
    fn bowl() -> Quadratic {
        let h = [[4.0, 0.0], [0.0, 1.0]];
        let star = [1.0, -2.0];
        Quadratic { h, c: [4.0 * star[0], star[1]], star, floor: 0.5 }
    }

    fn all(q: &Quadratic) -> Vec<(&'static str, Box<dyn Optimizer>)> {
        let c = Curvature { hessian: q.h, lambda_min: 1.0, lambda_max: 4.0, v_min: [0.0, 1.0], v_max: [1.0, 0.0] };
        vec![
            ("gd", Box::new(Gd::new(c.best_fixed_lr()))),
            ("per-parameter", Box::new(Gd::per_parameter([0.25, 1.0]))),
            ("momentum", Box::new(Momentum::optimal(c.lambda_min, c.lambda_max))),
            ("nesterov", Box::new(Nesterov::standard(c.lambda_min, c.lambda_max))),
            ("adagrad", Box::new(AdaGrad::new(0.5))),
            ("rmsprop", Box::new(RmsProp::new(0.01))),
            ("adam", Box::new(Adam::new(0.01))),
            ("newton", Box::new(Newton::new(q.h).unwrap())),
        ]
    }

    #[test]
    fn every_optimizer_finds_the_minimum_of_a_known_bowl() {
        let q = bowl();
        for (name, mut opt) in all(&q) {
            let t = run_quadratic(opt.as_mut(), &q, [5.0, 3.0], 5000);
            assert!(t.diverged_at.is_none(), "{name}");
            let (w, b) = t.last();
            // RMSprop and Adam with a constant η keep hovering within ~η of the minimum.
            let tol = if matches!(name, "rmsprop" | "adam") { 0.05 } else { 1e-9 };
            assert!((w - 1.0).abs() < tol && (b + 2.0).abs() < tol, "{name}: ({w}, {b})");
            assert!((t.loss.last().unwrap() - q.floor) < tol, "{name}");
        }
    }

    #[test]
    fn plain_gd_is_chapter_4s_gradient_descent() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let q = Quadratic::of(&d.x, &d.y);
        let a = run_quadratic(&mut Gd::new(1e-5), &q, [25.0, 100.0], 200);
        let b = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), 1e-5, 200);
        for k in [1, 10, 200] {
            assert!((a.w[k] - b.w[k]).abs() < 1e-9 && (a.b[k] - b.b[k]).abs() < 1e-9, "{k}");
        }
    }

    #[test]
    fn adam_first_steps_by_hand() {
        // One parameter pair with constant gradient g = (2, −0.5), η = 0.1, β₁ = 0.9,
        // β₂ = 0.999, ε = 1e-8, from θ = (0, 0).
        // Step 1 (t = 0): m = 0.1·g = (0.2, −0.05); v = 0.001·g² = (0.004, 0.00025);
        //   m̂ = m/0.1 = g; v̂ = v/0.001 = g²; m̂/√v̂ = g/|g| = (1, −1),
        //   so θ = (0, 0) − 0.1·(1, −1)·(1 − ~5e-9) ≈ (−0.1, 0.1): the first step has
        //   size η whatever the scale of g (the point of dividing by √v̂).
        // Step 2 (t = 1): m = 0.9·0.2 + 0.1·2 = 0.38; m̂ = 0.38/0.19 = 2;
        //   v = 0.999·0.004 + 0.001·4 = 0.007996; v̂ = 0.007996/0.001999 = 4; again ±η.
        let mut adam = Adam::new(0.1);
        let g = [2.0, -0.5];
        let t1 = adam.step([0.0, 0.0], g, 0);
        assert!((t1[0] + 0.1).abs() < 1e-8 && (t1[1] - 0.1).abs() < 1e-8, "{t1:?}");
        assert!((adam.m[0] - 0.2).abs() < 1e-15 && (adam.v[1] - 0.00025).abs() < 1e-15);
        let t2 = adam.step(t1, g, 1);
        assert!((adam.m[0] - 0.38).abs() < 1e-15 && (adam.v[0] - 0.007996).abs() < 1e-15);
        assert!((t2[0] + 0.2).abs() < 1e-8 && (t2[1] - 0.2).abs() < 1e-8, "{t2:?}");
        // A gradient whose sign flips: m̂ shrinks. Step 3 with g = (−2, 0.5):
        // m = 0.9·0.38 − 0.2 = 0.142, m̂ = 0.142/0.271 = 0.523985…;
        // v = 0.999·0.007996 + 0.004 = 0.011988004, v̂ = 0.011988004/0.002997001 = 4.0000…
        let t3 = adam.step(t2, [-2.0, 0.5], 2);
        let expected = t2[0] - 0.1 * (0.142 / 0.271) / ((0.011988004f64 / 0.002997001).sqrt() + 1e-8);
        assert!((t3[0] - expected).abs() < 1e-12, "{} vs {expected}", t3[0]);
    }

    #[test]
    fn newton_needs_one_step_and_momentum_beats_gd() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let q = Quadratic::of(&d.x, &d.y);
        let c = Curvature::of(&d.x);
        let mut newton = Newton::new(q.h).unwrap();
        assert_eq!(reach(&mut newton, &q, [25.0, 100.0], 1e-9, 10).0, Reach::Reached(1));
        assert!(Newton::new([[1.0, 1.0], [1.0, 1.0]]).is_none());
        // Heavy ball with the optimal parameters: ≈ √κ·ln(1/ε) instead of κ·ln(1/ε).
        let (Reach::Reached(hb), _) = reach(&mut Momentum::optimal(c.lambda_min, c.lambda_max), &q, [25.0, 100.0], 1e-6, 100_000) else {
            panic!()
        };
        let (Reach::Reached(gd), _) = reach(&mut Gd::new(c.best_fixed_lr()), &q, [25.0, 100.0], 1e-6, 10_000_000) else {
            panic!()
        };
        let rk = c.condition_number().sqrt();
        assert!((hb as f64) < 2.0 * rk * 1e6f64.ln() + 100.0 && 20 * hb < gd, "{hb} vs {gd}");
        // The same runner as chapter 4: same divergence iteration above 2/λmax.
        let lr = 1.05 * c.max_stable_lr();
        let t = run_quadratic(&mut Gd::new(lr), &q, [25.0, 100.0], 2000);
        let slow = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), lr, 2000);
        assert_eq!(t.diverged_at, slow.diverged_at);
        assert!(t.diverged_at.is_some());
        assert_eq!(reach(&mut Gd::new(lr), &q, [25.0, 100.0], 1e-6, 2000).0, Reach::Diverged(t.diverged_at.unwrap()));
    }

    #[test]
    fn schedules() {
        assert_eq!(Schedule::Constant.factor(7), 1.0);
        assert!((Schedule::Exponential { factor: 1.03 }.factor(2) - 1.0609).abs() < 1e-15);
        assert_eq!(Schedule::InverseTime { decay: 0.01 }.factor(100), 0.5);
        assert_eq!(Schedule::Step { every: 10, factor: 0.5 }.factor(25), 0.25);
        let cos = Schedule::Cosine { period: 100, floor: 0.1 };
        assert!((cos.factor(0) - 1.0).abs() < 1e-15 && (cos.factor(50) - 0.55).abs() < 1e-15);
        assert!((cos.factor(100) - 0.1).abs() < 1e-15 && (cos.factor(500) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn adam_fits_the_paris_line_on_standardized_data() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let (w, b, steps) = fit_standardized(&mut Adam::new(0.01), &d.x, &d.y, 1e-10, 100_000).unwrap();
        let (ws, bs) = crate::stats::least_squares(&d.x, &d.y);
        eprintln!("adam: {steps} steps, w {w} vs {ws}, b {b} vs {bs}");
        // ‖∇L̃‖ < 1e-10 in standard units leaves a relative error of the same order.
        assert!(((w - ws) / ws).abs() < 1e-8 && ((b - bs) / bs).abs() < 1e-8);
        let too_few = fit_standardized(&mut Adam::new(0.01), &d.x, &d.y, 1e-10, 10).unwrap_err();
        assert!(too_few.to_string().contains("10 steps did not bring"), "{too_few}");
    }

}
