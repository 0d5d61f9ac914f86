//! Reverse-mode automatic differentiation on a tape (chapter 8), small enough to read in
//! one sitting.
//!
//! Every operation appends a node to an arena (`Vec<Node>`) and returns its index, a
//! [`Var`]. Because a node can only refer to nodes created before it, the tape is already
//! in topological order: `backward` walks it once, from the end to the start, applying
//! the chain rule. No `Rc<RefCell<…>>`, no graph search.
//!
//! A node's value is a `Vec<f64>`: a scalar has length 1, a data column has length n.
//! Binary operations broadcast a length-1 operand over a length-n one, like PyTorch does.
//! Two fused nodes, [`Tape::affine`] (w·x + b over a column) and [`Tape::squared_error`]
//! (the MSE), do in one pass what four elementwise nodes would do in four: they are what
//! keeps the tape within a small factor of the hand-written gradient (chapter 8, "cost").
//!
//! Storage outlives the graph. [`Tape::rewind`] drops an iteration's nodes but keeps their
//! vectors, values and adjoints alike, and the node built at the same place in the next
//! iteration fills them again: a training loop allocates nothing after its first
//! iteration (`tests/alloc.rs` counts), and the operating system never has to hand out
//! fresh pages for a column again (chapter 8, "Where the time went").
//!
//! Gradients accumulate like PyTorch's `.grad`: each `backward` *adds* into the gradient
//! of every parameter until [`Tape::zero_grad`] resets it.

/// A handle to a node of a [`Tape`]: an index, cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Var(usize);

/// How [`Tape::squared_error`] combines the squared residuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// (1/n) Σ rᵢ², the MSE of the book.
    Mean,
    /// Σ rᵢ²: n times larger, and so is its gradient (chapter 9).
    Sum,
}

// ANCHOR: op
/// How a node was computed from earlier nodes: all `backward` needs to know.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// A parameter or a constant: nothing to propagate further.
    Leaf,
    Add(Var, Var),
    Sub(Var, Var),
    Mul(Var, Var),
    /// a / b: the solution of chapter 8's first exercise.
    Div(Var, Var),
    Neg(Var),
    Powi(Var, i32),
    Sum(Var),
    Mean(Var),
    /// w·xₖ + b for every k, with w and b scalars: the Linear layer's forward pass.
    Affine { w: Var, b: Var, x: Var },
    /// c·Σ (predₖ − targetₖ)², with c = 1/n (mean) or 1 (sum).
    SquaredError { pred: Var, target: Var, reduction: Reduction },
}
// ANCHOR_END: op

#[derive(Debug, Clone)]
struct Node {
    op: Op,
    value: Vec<f64>,
    /// True for parameters and for anything computed from one: constants (the data)
    /// receive no gradient, which saves a buffer of n numbers per data column.
    requires_grad: bool,
    /// The accumulated gradient of a parameter (empty for every other node).
    grad: Vec<f64>,
}

/// The tape: every value computed so far, in the order it was computed.
#[derive(Debug, Clone, Default)]
pub struct Tape {
    nodes: Vec<Node>,
    /// `adjoints[i]` is node i's adjoint from the last `backward`, empty where none
    /// flowed. Emptied, never freed: slot i serves node i of every iteration.
    adjoints: Vec<Vec<f64>>,
    /// `spare[i]` is the value vector of the node i that `rewind` dropped, kept for the
    /// next node i.
    spare: Vec<Vec<f64>>,
}

impl Tape {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, op: Op, value: Vec<f64>, requires_grad: bool) -> Var {
        self.nodes.push(Node { op, value, requires_grad, grad: Vec::new() });
        Var(self.nodes.len() - 1)
    }

    fn scalar(&mut self, value: f64) -> Vec<f64> {
        let mut b = self.buffer();
        b.push(value);
        b
    }

    /// A scalar parameter: a leaf whose gradient is accumulated by `backward`.
    pub fn param(&mut self, value: f64) -> Var {
        let value = self.scalar(value);
        let v = self.push(Op::Leaf, value, true);
        self.nodes[v.0].grad = vec![0.0];
        v
    }

    /// A constant (a scalar, or a data column): no gradient flows into it.
    pub fn constant(&mut self, values: &[f64]) -> Var {
        let mut value = self.buffer();
        value.extend_from_slice(values);
        self.push(Op::Leaf, value, false)
    }

    pub fn values(&self, v: Var) -> &[f64] {
        &self.nodes[v.0].value
    }

    /// The value of a scalar node.
    pub fn value(&self, v: Var) -> f64 {
        let value = &self.nodes[v.0].value;
        assert_eq!(value.len(), 1, "value() is for scalars; use values()");
        value[0]
    }

    /// The accumulated ∂(root)/∂v of a scalar parameter, summed over every `backward`
    /// since the last `zero_grad`.
    pub fn grad(&self, v: Var) -> f64 {
        let grad = &self.nodes[v.0].grad;
        assert_eq!(grad.len(), 1, "grad() is for scalar parameters");
        grad[0]
    }

    /// Overwrites a parameter's value (the optimizer's update, outside the graph).
    pub fn set_value(&mut self, v: Var, value: f64) {
        let node = &mut self.nodes[v.0];
        assert!(matches!(node.op, Op::Leaf), "only leaves can be set");
        node.value.clear();
        node.value.push(value);
    }

    /// Resets the accumulated gradient of every parameter to zero.
    pub fn zero_grad(&mut self) {
        for node in &mut self.nodes {
            node.grad.iter_mut().for_each(|g| *g = 0.0);
        }
    }

    /// Number of nodes; pass it to [`Tape::rewind`] to drop what is built afterwards.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }


    /// The adjoint ∂root/∂v left by the last `backward`, if any flowed into v. A column
    /// whose elements all have the same adjoint (the input of a sum or a mean) holds it
    /// once; the prediction of a Linear layer fused with its loss has none (`backward`).
    pub fn adjoint(&self, v: Var) -> Option<&[f64]> {
        self.adjoints.get(v.0).filter(|a| !a.is_empty()).map(|a| a.as_slice())
    }

    fn needs(&self, a: Var, b: Var) -> bool {
        self.nodes[a.0].requires_grad || self.nodes[b.0].requires_grad
    }

    /// Elementwise `f`, broadcasting a length-1 operand.
    fn zip(&mut self, a: Var, b: Var, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        let mut out = self.buffer();
        let (va, vb) = (&self.nodes[a.0].value, &self.nodes[b.0].value);
        match (va.len(), vb.len()) {
            (m, n) if m == n => out.extend(va.iter().zip(vb).map(|(&p, &q)| f(p, q))),
            (1, _) => out.extend(vb.iter().map(|&q| f(va[0], q))),
            (_, 1) => out.extend(va.iter().map(|&p| f(p, vb[0]))),
            (m, n) => panic!("shapes {m} and {n} do not broadcast"),
        }
        out
    }

    /// `f` applied to every element of a.
    fn map(&mut self, a: Var, f: impl Fn(f64) -> f64) -> Vec<f64> {
        let mut out = self.buffer();
        out.extend(self.nodes[a.0].value.iter().map(|&p| f(p)));
        out
    }


    /// w·xₖ + b for every element of the column x (w and b scalars): one node, one pass.
    pub fn affine(&mut self, w: Var, b: Var, x: Var) -> Var {
        let (wv, bv) = (self.value(w), self.value(b));
        let value = self.map(x, |xk| wv * xk + bv);
        let needs = self.needs(w, b) || self.nodes[x.0].requires_grad;
        self.push(Op::Affine { w, b, x }, value, needs)
    }

    /// The squared error between two columns of equal length, reduced to a scalar.
    pub fn squared_error(&mut self, pred: Var, target: Var, reduction: Reduction) -> Var {
        let (p, t) = (&self.nodes[pred.0].value, &self.nodes[target.0].value);
        assert_eq!(p.len(), t.len(), "prediction and target lengths differ");
        let sum = sum_by(p.len(), |k| (p[k] - t[k]) * (p[k] - t[k]));
        let value = match reduction {
            Reduction::Mean => sum / p.len() as f64,
            Reduction::Sum => sum,
        };
        let value = self.scalar(value);
        self.push(Op::SquaredError { pred, target, reduction }, value, self.needs(pred, target))
    }
}

// ANCHOR: reuse
impl Tape {
    /// Drops every node after the first `mark`: the graph of one iteration goes, the
    /// parameters and data created before it stay (with their gradients). The dropped
    /// nodes' vectors stay too, for the nodes the next iteration builds in their place.
    pub fn rewind(&mut self, mark: usize) {
        while self.nodes.len() > mark {
            let node = self.nodes.pop().expect("more nodes than the mark");
            let i = self.nodes.len();
            if self.spare.len() <= i {
                self.spare.resize_with(i + 1, Vec::new);
            }
            self.spare[i] = node.value;
        }
        // The adjoints described the dropped graph: emptied, their vectors stay.
        self.adjoints.iter_mut().for_each(Vec::clear);
    }

    /// An empty vector for the next node's value: the one the node at this place left
    /// when it was rewound, if any, with its capacity (and its memory pages) intact.
    fn buffer(&mut self) -> Vec<f64> {
        let mut b = self.spare.get_mut(self.nodes.len()).map(std::mem::take).unwrap_or_default();
        b.clear();
        b
    }
}
// ANCHOR_END: reuse

// ANCHOR: ops
impl Tape {
    pub fn add(&mut self, a: Var, b: Var) -> Var {
        let value = self.zip(a, b, |p, q| p + q);
        self.push(Op::Add(a, b), value, self.needs(a, b))
    }

    pub fn sub(&mut self, a: Var, b: Var) -> Var {
        let value = self.zip(a, b, |p, q| p - q);
        self.push(Op::Sub(a, b), value, self.needs(a, b))
    }

    pub fn mul(&mut self, a: Var, b: Var) -> Var {
        let value = self.zip(a, b, |p, q| p * q);
        self.push(Op::Mul(a, b), value, self.needs(a, b))
    }


    pub fn neg(&mut self, a: Var) -> Var {
        let value = self.map(a, |p| -p);
        self.push(Op::Neg(a), value, self.nodes[a.0].requires_grad)
    }

    pub fn powi(&mut self, a: Var, k: i32) -> Var {
        let value = self.map(a, |p| pow(p, k));
        self.push(Op::Powi(a, k), value, self.nodes[a.0].requires_grad)
    }

    pub fn square(&mut self, a: Var) -> Var {
        self.powi(a, 2)
    }

    pub fn sum(&mut self, a: Var) -> Var {
        let v = &self.nodes[a.0].value;
        let value = sum_by(v.len(), |k| v[k]);
        let value = self.scalar(value);
        self.push(Op::Sum(a), value, self.nodes[a.0].requires_grad)
    }

    pub fn mean(&mut self, a: Var) -> Var {
        let v = &self.nodes[a.0].value;
        let value = sum_by(v.len(), |k| v[k]) / v.len() as f64;
        let value = self.scalar(value);
        self.push(Op::Mean(a), value, self.nodes[a.0].requires_grad)
    }
}
// ANCHOR_END: ops

// ANCHOR: div
impl Tape {
    /// a / b, elementwise (the exercise of chapter 8).
    pub fn div(&mut self, a: Var, b: Var) -> Var {
        let value = self.zip(a, b, |p, q| p / q);
        self.push(Op::Div(a, b), value, self.needs(a, b))
    }
}
// ANCHOR_END: div

// ANCHOR: backward
impl Tape {
    /// Reverse sweep from the scalar `root`: the adjoint ∂root/∂v of every node v, each
    /// node handing its adjoint to its inputs by the chain rule. Parameters *add* their
    /// adjoint to their accumulated gradient. Every node's adjoint is kept, readable
    /// with [`Tape::adjoint`]; PyTorch keeps only the parameters' ones.
    pub fn backward(&mut self, root: Var) {
        assert_eq!(self.nodes[root.0].value.len(), 1, "backward starts from a scalar");
        let mut adj = std::mem::take(&mut self.adjoints);
        adj.iter_mut().for_each(Vec::clear);
        if adj.len() <= root.0 {
            adj.resize_with(root.0 + 1, Vec::new);
        }
        adj[root.0].push(1.0);
        for i in (0..=root.0).rev() {
            if adj[i].is_empty() || !self.nodes[i].requires_grad {
                continue;
            }
            let mut g = std::mem::take(&mut adj[i]);
            let value = |v: Var| &self.nodes[v.0].value;
            let n = self.nodes[i].value.len();
            if g.len() < n && !matches!(self.nodes[i].op, Op::Powi(..)) {
                // One number standing for a column (see `send`): written out, except for
                // a power (the squares of a mean squared error), which reads it as it is.
                let s = g[0];
                g.resize(n, s);
            }
            match self.nodes[i].op {
                Op::Leaf => {}
                Op::Add(a, b) => {
                    self.send(&mut adj, a, n, |k| g[k]);
                    self.send(&mut adj, b, n, |k| g[k]);
                }
                Op::Sub(a, b) => {
                    self.send(&mut adj, a, n, |k| g[k]);
                    self.send(&mut adj, b, n, |k| -g[k]);
                }
                Op::Mul(a, b) => {
                    let (va, vb) = (value(a), value(b));
                    self.send(&mut adj, a, n, |k| g[k] * at(vb, k));
                    self.send(&mut adj, b, n, |k| g[k] * at(va, k));
                }
                Op::Div(a, b) => self.div_backward(&mut adj, (a, b), n, &g),
                Op::Neg(a) => self.send(&mut adj, a, n, |k| -g[k]),
                Op::Powi(a, p) => {
                    let va = value(a);
                    self.send(&mut adj, a, n, |k| at(&g, k) * p as f64 * pow(va[k], p - 1));
                }
                // Every element gets the same adjoint: send it once, not n times.
                Op::Sum(a) => self.send(&mut adj, a, 1, |_| g[0]),
                Op::Mean(a) => {
                    let m = value(a).len();
                    self.send(&mut adj, a, 1, |_| g[0] / m as f64);
                }
                Op::Affine { w, b, x } => {
                    let (wv, xv) = (value(w)[0], value(x));
                    // ∂/∂w = Σ gₖ·xₖ and ∂/∂b = Σ gₖ, in one pass over the column.
                    let (gw, gb) = sum2_by(n, |k| (g[k] * xv[k], g[k]));
                    self.send(&mut adj, w, 1, |_| gw);
                    self.send(&mut adj, b, 1, |_| gb);
                    self.send(&mut adj, x, n, |k| g[k] * wv);
                }
                Op::SquaredError { pred, target, reduction } => {
                    let (p, t) = (value(pred), value(target));
                    let m = p.len();
                    let c = match reduction {
                        Reduction::Mean => 2.0 / m as f64,
                        Reduction::Sum => 2.0,
                    } * g[0];
                    match self.nodes[pred.0].op {
                        // A Linear layer's output read by nothing but this loss (it was
                        // built just before it, and the loss is the root): no adjoint
                        // column for the prediction, one pass straight to w and b.
                        Op::Affine { w, b, x } if pred.0 + 1 == i && i == root.0 && !self.nodes[x.0].requires_grad => {
                            let xv = value(x);
                            let (gw, gb) = sum2_by(m, |k| (c * (p[k] - t[k]) * xv[k], c * (p[k] - t[k])));
                            self.send(&mut adj, w, 1, |_| gw);
                            self.send(&mut adj, b, 1, |_| gb);
                        }
                        _ => self.send(&mut adj, pred, m, |k| c * (p[k] - t[k])),
                    }
                    self.send(&mut adj, target, m, |k| -c * (p[k] - t[k]));
                }
            }
            adj[i] = g;
        }
        for (node, a) in self.nodes.iter_mut().zip(&adj) {
            if !node.grad.is_empty() && !a.is_empty() {
                node.grad.iter_mut().zip(a).for_each(|(g, a)| *g += a);
            }
        }
        self.adjoints = adj;
    }

    /// Adds `part(k)`, k < n, to the adjoint of `v`, in place. A scalar that was broadcast
    /// over n elements receives their sum; with n = 1, a column receives the same adjoint
    /// for every element, held as one number (a sum's or a mean's input: a column of n
    /// equal numbers would cost a pass over memory to write and one more to read).
    fn send(&self, adj: &mut [Vec<f64>], v: Var, n: usize, part: impl Fn(usize) -> f64) {
        let node = &self.nodes[v.0];
        if !node.requires_grad {
            return;
        }
        let (len, slot) = (node.value.len(), &mut adj[v.0]);
        if n == len || n == 1 {
            match (slot.len(), n) {
                (0, _) => slot.extend((0..n).map(part)),
                (_, 1) => slot.iter_mut().for_each(|s| *s += part(0)),
                (1, _) => {
                    // One number standing for a column meets a column: write it out.
                    let s = slot[0];
                    slot.resize(len, s);
                    slot.iter_mut().enumerate().for_each(|(k, s)| *s += part(k));
                }
                _ => slot.iter_mut().enumerate().for_each(|(k, s)| *s += part(k)),
            }
        } else {
            let total = sum_by(n, part);
            match slot.first_mut() {
                Some(s) => *s += total,
                None => slot.push(total),
            }
        }
    }
}
// ANCHOR_END: backward

// ANCHOR: div_backward
impl Tape {
    /// The adjoints a / b sends back, with the same broadcasting as `Mul`:
    /// ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b².
    fn div_backward(&self, adj: &mut [Vec<f64>], (a, b): (Var, Var), n: usize, g: &[f64]) {
        let (va, vb) = (&self.nodes[a.0].value, &self.nodes[b.0].value);
        self.send(adj, a, n, |k| g[k] / at(vb, k));
        self.send(adj, b, n, |k| -g[k] * at(va, k) / (at(vb, k) * at(vb, k)));
    }
}
// ANCHOR_END: div_backward

/// Element k of a column, or the value of a scalar broadcast over the column.
fn at(v: &[f64], k: usize) -> f64 {
    if v.len() == 1 { v[0] } else { v[k] }
}

/// xᵏ. `powi` with an exponent known only at run time is a library call per element;
/// k = 2 (every squared residual) is one multiplication, with the same bits.
fn pow(x: f64, k: i32) -> f64 {
    match k {
        1 => x,
        2 => x * x,
        _ => x.powi(k),
    }
}

/// Σ f(k) for k < n, in four interleaved partial sums: one running sum waits for the
/// previous addition at every element; four let the processor overlap them.
fn sum_by(n: usize, f: impl Fn(usize) -> f64) -> f64 {
    sum2_by(n, |k| (f(k), 0.0)).0
}

/// Two such sums in one pass.
fn sum2_by(n: usize, f: impl Fn(usize) -> (f64, f64)) -> (f64, f64) {
    let (mut a, mut b) = ([0.0; 4], [0.0; 4]);
    let whole = n / 4 * 4;
    for k in (0..whole).step_by(4) {
        for lane in 0..4 {
            let (p, q) = f(k + lane);
            a[lane] += p;
            b[lane] += q;
        }
    }
    let (mut sa, mut sb) = ((a[0] + a[1]) + (a[2] + a[3]), (b[0] + b[1]) + (b[2] + b[3]));
    for k in whole..n {
        let (p, q) = f(k);
        sa += p;
        sb += q;
    }
    (sa, sb)
}

#[cfg(test)]
mod tests {
    use crate::grad::{finite_differences, relative_difference};

    // Chapter 8, exercise 1: the Div node against central differences, with a column
    // divided by a column and a scalar broadcast into both.
    #[test]
    fn div_matches_finite_differences() {
        let xs = [0.5, 1.0, 2.0, 3.0];
        let f = |a: f64, b: f64| xs.iter().map(|x| (a * x) / (b + x)).sum::<f64>() / xs.len() as f64;
        let mut tape = Tape::new();
        let (a, b) = (tape.param(1.3), tape.param(0.7));
        let x = tape.constant(&xs);
        let num = tape.mul(a, x);
        let den = tape.add(b, x);
        let q = tape.div(num, den);
        let loss = tape.mean(q);
        assert!((tape.value(loss) - f(1.3, 0.7)).abs() < 1e-15);
        tape.backward(loss);
        let (da, db) = finite_differences(f, 1.3, 0.7);
        // Central differences with h = 1e-6 are good to about 1e-9 relative here.
        assert!(relative_difference(tape.grad(a), da) < 1e-8, "{} vs {da}", tape.grad(a));
        assert!(relative_difference(tape.grad(b), db) < 1e-8, "{} vs {db}", tape.grad(b));
    }
    use super::*;
    use rand::{Rng, RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn one_sample_by_hand() {
        // ℓ = (y − (w·x + b))² with w = 2, b = 1, x = 3, y = 10: r = 3, ℓ = 9,
        // ∂ℓ/∂w = −2·r·x = −18, ∂ℓ/∂b = −2·r = −6.
        let mut t = Tape::new();
        let (w, b) = (t.param(2.0), t.param(1.0));
        let (x, y) = (t.constant(&[3.0]), t.constant(&[10.0]));
        let wx = t.mul(w, x);
        let pred = t.add(wx, b);
        let r = t.sub(y, pred);
        let loss = t.square(r);
        t.backward(loss);
        assert_eq!((t.value(loss), t.grad(w), t.grad(b)), (9.0, -18.0, -6.0));
    }

    #[test]
    fn gradients_accumulate_until_zero_grad() {
        let mut t = Tape::new();
        let w = t.param(3.0);
        let loss = t.square(w); // ∂/∂w = 2w = 6
        t.backward(loss);
        assert_eq!(t.grad(w), 6.0);
        t.backward(loss);
        assert_eq!(t.grad(w), 12.0, "a second backward adds, it does not replace");
        t.zero_grad();
        assert_eq!(t.grad(w), 0.0);
        t.backward(loss);
        assert_eq!(t.grad(w), 6.0);
    }

    #[test]
    fn fused_nodes_match_elementwise_nodes() {
        let x = [1.0, 2.0, 4.0, -3.0];
        let y = [0.5, 1.0, 9.0, 2.0];
        for reduction in [Reduction::Mean, Reduction::Sum] {
            let mut t = Tape::new();
            let (w, b) = (t.param(0.7), t.param(-0.2));
            let (xc, yc) = (t.constant(&x), t.constant(&y));
            let fused_pred = t.affine(w, b, xc);
            let fused = t.squared_error(fused_pred, yc, reduction);
            t.backward(fused);
            let (fw, fb) = (t.grad(w), t.grad(b));
            t.zero_grad();
            let wx = t.mul(w, xc);
            let pred = t.add(wx, b);
            let r = t.sub(pred, yc);
            let sq = t.square(r);
            let loss = if reduction == Reduction::Mean { t.mean(sq) } else { t.sum(sq) };
            t.backward(loss);
            assert!((t.value(loss) - t.value(fused)).abs() < 1e-14);
            assert!((t.grad(w) - fw).abs() < 1e-13 && (t.grad(b) - fb).abs() < 1e-13);
        }
    }

    /// A random expression over `LEAVES` scalar inputs, as a recipe that can be replayed
    /// on a fresh tape at any input values (to take finite differences).
    #[derive(Debug, Clone, Copy)]
    enum Step {
        Add(usize, usize),
        Sub(usize, usize),
        Mul(usize, usize),
        Neg(usize),
        Powi(usize, i32),
        /// A column made of two earlier scalars, multiplied by a constant column, then
        /// summed or averaged: exercises broadcasting and reductions.
        Reduce(usize, usize, bool),
    }

    const LEAVES: usize = 3;

    fn random_recipe(rng: &mut impl Rng, len: usize) -> Vec<Step> {
        (0..len)
            .map(|i| {
                let avail = LEAVES + i;
                let (a, b) = (rng.random_range(0..avail), rng.random_range(0..avail));
                match rng.random_range(0..6) {
                    0 => Step::Add(a, b),
                    1 => Step::Sub(a, b),
                    2 => Step::Mul(a, b),
                    3 => Step::Neg(a),
                    4 => Step::Powi(a, rng.random_range(2..4)),
                    _ => Step::Reduce(a, b, rng.random_range(0..2) == 0),
                }
            })
            .collect()
    }

    /// Builds the recipe; returns the tape, the leaves and the root (the last node).
    fn build(recipe: &[Step], inputs: &[f64]) -> (Tape, Vec<Var>, Var) {
        let mut t = Tape::new();
        let leaves: Vec<Var> = inputs.iter().map(|&v| t.param(v)).collect();
        let mut vars = leaves.clone();
        let col = t.constant(&[0.5, -1.0, 2.0]);
        for step in recipe {
            let v = match *step {
                Step::Add(a, b) => t.add(vars[a], vars[b]),
                Step::Sub(a, b) => t.sub(vars[a], vars[b]),
                Step::Mul(a, b) => t.mul(vars[a], vars[b]),
                Step::Neg(a) => t.neg(vars[a]),
                Step::Powi(a, k) => t.powi(vars[a], k),
                Step::Reduce(a, b, mean) => {
                    let m = t.mul(vars[a], col);
                    let s = t.add(m, vars[b]);
                    if mean { t.mean(s) } else { t.sum(s) }
                }
            };
            vars.push(v);
        }
        let root = *vars.last().unwrap();
        (t, leaves, root)
    }

    #[test]
    fn random_expressions_match_finite_differences() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut checked = 0;
        for _ in 0..300 {
            let len = rng.random_range(1..12);
            let recipe = random_recipe(&mut rng, len);
            let inputs: Vec<f64> = (0..LEAVES).map(|_| rng.random_range(-1.5..1.5)).collect();
            let (mut t, leaves, root) = build(&recipe, &inputs);
            t.backward(root);
            let f = |p: &[f64]| {
                let (t, _, root) = build(&recipe, p);
                t.value(root)
            };
            if !f(&inputs).is_finite() || f(&inputs).abs() > 1e8 {
                continue; // powers of powers can overflow; nothing to compare
            }
            for (j, &leaf) in leaves.iter().enumerate() {
                let h = 1e-5;
                let (mut up, mut down) = (inputs.clone(), inputs.clone());
                up[j] += h;
                down[j] -= h;
                let numeric = (f(&up) - f(&down)) / (2.0 * h);
                let exact = t.grad(leaf);
                // Central differences err by O(h²·f''') ≈ 1e-10 relative on these
                // polynomials, plus rounding ε·|f|/h; 1e-6 leaves room for both.
                let scale = exact.abs().max(numeric.abs()).max(1.0);
                assert!((exact - numeric).abs() < 1e-6 * scale, "{recipe:?} at {inputs:?}: leaf {j}: {exact} vs {numeric}");
            }
            checked += 1;
        }
        assert!(checked > 250, "too few finite expressions checked: {checked}");
    }

    #[test]
    fn constants_get_no_gradient_buffers() {
        let mut t = Tape::new();
        let w = t.param(1.0);
        let x = t.constant(&[1.0, 2.0]);
        let p = t.mul(w, x);
        let s = t.sum(p);
        t.backward(s);
        assert!(t.adjoint(x).is_none());
        assert_eq!(t.grad(w), 3.0);
    }

    #[test]
    fn a_mean_hands_its_input_one_number() {
        let mut t = Tape::new();
        let w = t.param(2.0);
        let x = t.constant(&[1.0, 2.0, 3.0, 4.0]);
        let wx = t.mul(w, x);
        let sq = t.square(wx);
        let loss = t.mean(sq);
        t.backward(loss);
        // ∂mean/∂sqₖ = 1/4 for every k, held once; ∂/∂w = mean(2·w·xₖ²) = 4·30/4 = 30.
        assert_eq!(t.adjoint(sq), Some(&[0.25][..]));
        assert_eq!(t.adjoint(wx), Some(&[1.0, 2.0, 3.0, 4.0][..]));
        assert_eq!(t.grad(w), 30.0);
    }

    #[test]
    fn a_linear_layer_fused_with_its_loss_stores_no_prediction_adjoint() {
        let mut t = Tape::new();
        let (w, b) = (t.param(0.5), t.param(1.0));
        let (x, y) = (t.constant(&[1.0, 2.0]), t.constant(&[2.0, 2.0]));
        let pred = t.affine(w, b, x);
        let loss = t.squared_error(pred, y, Reduction::Mean);
        t.backward(loss);
        // Residuals pₖ − yₖ = (−0.5, 0): ∂L/∂w = (2/2)·(−0.5·1) = −0.5, ∂L/∂b = −0.5.
        assert_eq!((t.grad(w), t.grad(b)), (-0.5, -0.5));
        assert!(t.adjoint(pred).is_none());
        // Not the root: the general path, which keeps the prediction's adjoint.
        t.zero_grad();
        let twice = t.add(loss, loss);
        t.backward(twice);
        assert_eq!((t.grad(w), t.grad(b)), (-1.0, -1.0));
        assert_eq!(t.adjoint(pred), Some(&[-1.0, 0.0][..]));
    }
}
