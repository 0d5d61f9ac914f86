//! A one-neuron framework on top of [`autodiff`](crate::autodiff) (chapter 9): a `Linear`
//! layer, an `MSELoss`, an `SGD` optimizer — the three pieces of PyTorch's training loop.

use crate::autodiff::{Reduction, Tape, Var};

// ANCHOR: linear
/// ŷ = w·x + b with one input and one output. The weight and the bias are plain
/// scalars of type f64: no integer parameters, and no (1, 1)-shaped bias.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    pub weight: Var,
    pub bias: Var,
}

impl Linear {
    pub fn new(tape: &mut Tape, weight: f64, bias: f64) -> Linear {
        Linear { weight: tape.param(weight), bias: tape.param(bias) }
    }

    /// The predictions for a whole column of inputs, as one node of the tape.
    pub fn forward(&self, tape: &mut Tape, x: Var) -> Var {
        tape.affine(self.weight, self.bias, x)
    }

    pub fn parameters(&self) -> Vec<Var> {
        vec![self.weight, self.bias]
    }
}
// ANCHOR_END: linear

// ANCHOR: loss
/// The squared error between predictions and targets, averaged (PyTorch's default,
/// `reduction='mean'`) or summed (`reduction='sum'`).
#[derive(Debug, Clone, Copy)]
pub struct MSELoss {
    pub reduction: Reduction,
}

impl MSELoss {
    pub fn forward(&self, tape: &mut Tape, pred: Var, target: Var) -> Var {
        tape.squared_error(pred, target, self.reduction)
    }
}
// ANCHOR_END: loss

// ANCHOR: sgd
/// Plain stochastic gradient descent over a list of parameters: θ ← θ − η·∇θ.
#[derive(Debug, Clone)]
pub struct SGD {
    pub params: Vec<Var>,
    pub lr: f64,
}

impl SGD {
    pub fn new(params: Vec<Var>, lr: f64) -> SGD {
        SGD { params, lr }
    }

    /// Forgets the gradients of the previous iteration (they would add up otherwise).
    pub fn zero_grad(&self, tape: &mut Tape) {
        tape.zero_grad();
    }

    /// One update with the gradients accumulated since the last `zero_grad`.
    pub fn step(&self, tape: &mut Tape) {
        for &p in &self.params {
            let updated = tape.value(p) - self.lr * tape.grad(p);
            tape.set_value(p, updated);
        }
    }
}
// ANCHOR_END: sgd

// ANCHOR: optimizer
/// What the training loop needs from an optimizer.
pub trait Optimizer {
    /// Forgets the gradients of the previous iteration (they would add up otherwise).
    fn zero_grad(&mut self, tape: &mut Tape) {
        tape.zero_grad();
    }
    /// One update with the gradients accumulated since the last `zero_grad`.
    fn step(&mut self, tape: &mut Tape);
}

impl Optimizer for SGD {
    fn step(&mut self, tape: &mut Tape) {
        SGD::step(self, tape);
    }
}

/// Adam for a `Linear(1, 1)` layer: chapter 7's [`optimizers::Adam`](crate::optimizers::Adam)
/// (per-parameter steps from running gradient statistics, with bias correction) applied
/// to the layer's (weight, bias) on the tape.
#[derive(Debug, Clone)]
pub struct Adam {
    params: [Var; 2],
    inner: crate::optimizers::Adam,
    t: usize,
}

impl Adam {
    pub fn new(params: Vec<Var>, lr: f64) -> Adam {
        let params: [Var; 2] = params.try_into().expect("this Adam drives a Linear(1, 1): weight and bias");
        Adam { params, inner: crate::optimizers::Adam::new(lr), t: 0 }
    }
}

impl Optimizer for Adam {
    fn step(&mut self, tape: &mut Tape) {
        use crate::optimizers::Optimizer as _;
        let [w, b] = self.params;
        let theta = [tape.value(w), tape.value(b)];
        let grad = [tape.grad(w), tape.grad(b)];
        let [nw, nb] = self.inner.step(theta, grad, self.t);
        tape.set_value(w, nw);
        tape.set_value(b, nb);
        self.t += 1;
    }
}
// ANCHOR_END: optimizer

/// Weight, bias and loss after every iteration of a [`fit`] (index 0 is the start,
/// with the loss at the start).
#[derive(Debug, Clone, Default)]
pub struct History {
    pub weight: Vec<f64>,
    pub bias: Vec<f64>,
    pub loss: Vec<f64>,
}

// ANCHOR: fit
/// The framework training loop: forward, loss, zero_grad, backward, step. Full batch:
/// every iteration sees all of (x, y), so an iteration is also an epoch. `optimizer`
/// builds the optimizer from the model's parameters, as `SGD(model.parameters(), lr)`.
pub fn train<O: Optimizer>(
    x: &[f64],
    y: &[f64],
    start: (f64, f64),
    loss_fn: MSELoss,
    optimizer: impl FnOnce(Vec<Var>) -> O,
    iterations: usize,
) -> History {
    let mut tape = Tape::new();
    let model = Linear::new(&mut tape, start.0, start.1);
    let mut optimizer = optimizer(model.parameters());
    let (inputs, targets) = (tape.constant(x), tape.constant(y));
    let mark = tape.len(); // parameters and data stay; each iteration's graph goes
    let mut h = History::default();
    for t in 0..=iterations {
        let pred = model.forward(&mut tape, inputs);
        let loss = loss_fn.forward(&mut tape, pred, targets);
        h.weight.push(tape.value(model.weight));
        h.bias.push(tape.value(model.bias));
        h.loss.push(tape.value(loss));
        if t < iterations {
            optimizer.zero_grad(&mut tape);
            tape.backward(loss);
            optimizer.step(&mut tape);
        }
        tape.rewind(mark);
    }
    h
}
// ANCHOR_END: fit

/// [`train`] with plain SGD at rate `lr`.
pub fn fit(x: &[f64], y: &[f64], start: (f64, f64), loss_fn: MSELoss, lr: f64, iterations: usize) -> History {
    train(x, y, start, loss_fn, |params| SGD::new(params, lr), iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_matches_hand_written_gradient_descent() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let h = fit(&d.x, &d.y, (25.0, 100.0), MSELoss { reduction: Reduction::Mean }, 1e-5, 50);
        let t = crate::gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), 1e-5, 50);
        for k in 0..=50 {
            // Same maths, summed in a different order: agreement to rounding.
            assert!((h.weight[k] - t.w[k]).abs() < 1e-12 * t.w[k].abs(), "{k}");
            assert!((h.bias[k] - t.b[k]).abs() < 1e-12 * t.b[k].abs(), "{k}");
            assert!((h.loss[k] - t.loss[k]).abs() < 1e-12 * t.loss[k], "{k}");
        }
    }

    #[test]
    fn adam_on_the_tape_matches_chapter_6s_adam() {
        let d = crate::data::paris_rents(crate::data::BOOK_SEED);
        let h = train(&d.x, &d.y, (25.0, 100.0), MSELoss { reduction: Reduction::Mean }, |p| Adam::new(p, 0.5), 30);
        let mut opt = crate::optimizers::Adam::new(0.5);
        let mut theta = [25.0, 100.0];
        for k in 0..30 {
            use crate::optimizers::Optimizer as _;
            let (gw, gb) = crate::grad::gradients(&d.x, &d.y, theta[0], theta[1]);
            theta = opt.step(theta, [gw, gb], k);
            // Gradients agree to rounding; Adam divides by √v, which keeps the agreement.
            assert!((h.weight[k + 1] - theta[0]).abs() < 1e-9 * theta[0].abs(), "{k}");
            assert!((h.bias[k + 1] - theta[1]).abs() < 1e-9 * theta[1].abs(), "{k}");
        }
    }

    #[test]
    fn sum_reduction_is_mean_reduction_with_n_times_the_rate() {
        let (x, y) = ([1.0, 2.0, 3.0, 4.0], [2.0, 3.5, 6.5, 8.0]);
        let a = fit(&x, &y, (0.0, 0.0), MSELoss { reduction: Reduction::Sum }, 0.01, 20);
        let b = fit(&x, &y, (0.0, 0.0), MSELoss { reduction: Reduction::Mean }, 0.04, 20);
        assert!((a.weight[20] - b.weight[20]).abs() < 1e-12 && (a.bias[20] - b.bias[20]).abs() < 1e-12);
    }
}
