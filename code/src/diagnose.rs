//! `diagnose`: the book's answer applied to the reader's own data and training settings.
//!
//! From the data and the loss it builds the Hessian and its eigen-directions; from the
//! reader's step size and number of steps it predicts, and measures by running, how far
//! each eigen-component of the error shrinks; then it says in plain words what to change.
//! [`analyse`] is a pure function of the data and the settings; the binary only parses
//! flags, prints and writes.

use plotters::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::contour::{self, Grid};
use crate::curvature::Curvature;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::modes::{self, Modes, Reduction};
use crate::gd::{self, Reach};
use crate::optimizers::{Gd, Optimizer, reach, reach_by};
use crate::quadratic::Quadratic;
use crate::plot::{self, DrawResult, palette};
use crate::report::{fmt_count, fmt_sig};
use crate::stats;
use crate::standardize::Scaling;

/// The longest run `diagnose` measures to count steps to ε; beyond it only the prediction
/// is given (it is exact for full-batch gradient descent: see [`modes::steps_to_reach`]).
pub const BUDGET: usize = 10_000_000;
/// The most steps the reader's own run may take (epochs × batches per epoch): a few
/// seconds at O(1) per step.
pub const MAX_STEPS: usize = 200_000_000;
/// Points kept for the figures.
pub const MAX_POINTS: usize = 1000;
/// Full-batch runs of the mean loss this small (n × steps) use chapter 4's runner over the
/// data, so that the numbers are bit for bit chapter 4's; larger ones (and the sum loss) use
/// the sums gathered once, O(1) per step (they agree to ~1e-11: see `modes`' tests).
const SMALL_RUN: usize = 10_000_000;

/// The reader's training setup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Learning rate η.
    pub lr: f64,
    /// Passes over the data; each is one step in full batch, ⌈n/batch⌉ steps with mini-batches.
    pub epochs: usize,
    pub loss: Reduction,
    /// Mini-batch size (`None`, or ≥ n: full batch).
    pub batch: Option<usize>,
    /// Starting (w, b).
    pub init: [f64; 2],
    /// Target relative error ‖θ − θ*‖/‖θ*‖ of the step counts.
    pub eps: f64,
    /// Seed of the mini-batch shuffles.
    pub seed: u64,
}

impl Settings {
    /// η and epochs with the defaults: mean loss, full batch, from (0, 0), ε = 1e-6.
    pub fn new(lr: f64, epochs: usize) -> Settings {
        Settings { lr, epochs, loss: Reduction::Mean, batch: None, init: [0.0, 0.0], eps: 1e-6, seed: crate::data::BOOK_SEED }
    }
}

/// A unit eigenvector: how much of it is w and how much is b.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Direction {
    pub w: f64,
    pub b: f64,
}

/// One value per eigen-direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerDirection<T> {
    pub v_min: T,
    pub v_max: T,
}

/// Steps to reach the relative error ε in one setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// The fixed step used.
    pub lr: f64,
    /// Predicted from the eigen-components ([`modes::steps_to_reach`]); `None` if it diverges.
    pub predicted: Option<u64>,
    /// Counted by running plain gradient descent (O(1) per step), up to [`BUDGET`] steps.
    pub measured: Option<u64>,
    /// "reached", "diverges (stopped at step k)", "not run: …".
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepsToEps {
    pub this_lr: Count,
    pub best_lr: Count,
    pub centered: Count,
    pub standardized: Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub w: f64,
    pub b: f64,
}

/// Everything `diagnose` reports. The first keys are the ones the book documents;
/// `modes` and `path` feed the figures and are not serialized.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub n: usize,
    pub loss: Reduction,
    pub lambda_min: f64,
    pub lambda_max: f64,
    pub kappa: f64,
    pub v_min: Direction,
    pub v_max: Direction,
    pub max_stable_lr: f64,
    pub best_lr: f64,
    pub kappa_centered: f64,
    pub kappa_standardized: f64,
    pub lr: f64,
    pub steps: usize,
    pub diverged: bool,
    pub diverged_at: Option<usize>,
    pub shrink_predicted: PerDirection<f64>,
    pub shrink_measured: PerDirection<Option<f64>>,
    pub steps_to_eps: StepsToEps,
    pub epochs: usize,
    pub batch: Option<usize>,
    pub eps: f64,
    pub init: Point,
    pub optimum: Point,
    /// Where the reader's run ended (where it was stopped, if it diverged).
    pub end: Point,
    pub verdict: Vec<String>,
    /// The recommended fix as PyTorch lines to paste ([`pytorch_fix`]).
    pub pytorch: Vec<String>,
    #[serde(skip)]
    pub modes: Modes,
    /// The curvature and quadratic of the loss the steps see.
    #[serde(skip)]
    pub curvature: Curvature,
    #[serde(skip)]
    pub quadratic: Quadratic,
}

/// The whole analysis. Errors (one line each) for settings that make no sense and for
/// data whose curvature cannot be computed (constant x); divergence is a finding.
pub fn analyse(d: &Dataset, s: &Settings) -> Result<Diagnosis> {
    let n = d.len();
    check_settings(s)?;
    let batch = s.batch.filter(|&m| m < n);
    let per_epoch = batch.map_or(1, |m| n.div_ceil(m));
    let steps = s
        .epochs
        .checked_mul(per_epoch)
        .filter(|&k| k <= MAX_STEPS)
        .ok_or_else(|| Error::Data(format!("{} epochs of {per_epoch} steps is more than {MAX_STEPS} steps; lower --epochs", s.epochs)))?;
    if d.x.iter().all(|&v| v == d.x[0]) {
        return Err(Error::Data(format!(
            "every x equals {}: the slope and the intercept cannot be told apart (the Hessian is singular, λmin = 0)",
            d.x[0]
        )));
    }
    // The same limits as every chapter binary: magnitudes f64 can square and sum, x not
    // offset so far from 0 that the raw sums lose its spread, y not constant.
    crate::data::check_usable(d)?;

    // The loss each step descends: the mean over the batch, or the sum over it (n for full batch).
    let k = match s.loss {
        Reduction::Mean => 1.0,
        Reduction::Sum => batch.unwrap_or(n) as f64,
    };
    let c = modes::scaled_curvature(&d.x, k);
    if !(c.lambda_min > 0.0 && c.lambda_max.is_finite()) {
        return Err(Error::Data(format!(
            "x varies too little for its size to compute the curvature in f64 (λmin = {:e}, λmax = {:e}); centre x first",
            c.lambda_min, c.lambda_max
        )));
    }
    let q = modes::scaled_quadratic(Quadratic::of(&d.x, &d.y), k);
    let star = q.star;

    // The reader's run.
    let (modes, end) = match batch {
        None if k == 1.0 && n.saturating_mul(steps) <= SMALL_RUN => {
            let trace = gd::gradient_descent(&d.x, &d.y, (s.init[0], s.init[1]), s.lr, steps);
            (Modes::from_trace(&c, star, &trace), trace.last().into())
        }
        None => {
            let (m, end) = Modes::gradient_descent(&q, &c, s.init, s.lr, steps, MAX_POINTS);
            (m, end.into())
        }
        Some(m) => sgd(d, &q, &c, s, m, steps),
    };
    let modes = thin(modes, MAX_POINTS);
    let [p_min, p_max] = modes.shrink_predicted();
    let [m_min, m_max] = modes.shrink_measured();

    // Centred and standardized presentations of the same data.
    let x_mean = stats::mean(&d.x);
    let xc: Vec<f64> = d.x.iter().map(|v| v - x_mean).collect();
    let cc = modes::scaled_curvature(&xc, k);
    let x_sd = stats::std_dev(&d.x);
    let xs: Vec<f64> = xc.iter().map(|v| v / x_sd).collect();
    let cs = modes::scaled_curvature(&xs, k);

    let target = |star: [f64; 2]| s.eps * star[0].hypot(star[1]).max(f64::MIN_POSITIVE);
    let this_lr = count(&c, &q, s.init, s.lr, s.eps, target(star));
    let best_lr = count(&c, &q, s.init, c.best_fixed_lr(), s.eps, target(star));
    let qc = modes::scaled_quadratic(Quadratic::of(&xc, &d.y), k);
    let centered = count(&cc, &qc, [s.init[0], s.init[1] + s.init[0] * x_mean], cc.best_fixed_lr(), s.eps, target(qc.star));
    let scaling = crate::standardize::Scaling::of(&d.x, &d.y)?;
    let (xt, yt) = scaling.apply(&d.x, &d.y);
    let qs = modes::scaled_quadratic(Quadratic::of(&xt, &yt), k);
    let (w0, b0) = scaling.to_standardized((s.init[0], s.init[1]));
    let standardized = count(&cs, &qs, [w0, b0], cs.best_fixed_lr(), s.eps, target(qs.star));

    let mut diagnosis = Diagnosis {
        n,
        loss: s.loss,
        lambda_min: c.lambda_min,
        lambda_max: c.lambda_max,
        kappa: c.condition_number(),
        v_min: Direction { w: c.v_min[0], b: c.v_min[1] },
        v_max: Direction { w: c.v_max[0], b: c.v_max[1] },
        max_stable_lr: c.max_stable_lr(),
        best_lr: c.best_fixed_lr(),
        kappa_centered: cc.condition_number(),
        kappa_standardized: cs.condition_number(),
        lr: s.lr,
        steps,
        diverged: modes.diverged_at.is_some(),
        diverged_at: modes.diverged_at,
        shrink_predicted: PerDirection { v_min: p_min, v_max: p_max },
        shrink_measured: PerDirection { v_min: m_min, v_max: m_max },
        steps_to_eps: StepsToEps { this_lr, best_lr, centered, standardized },
        epochs: s.epochs,
        batch,
        eps: s.eps,
        init: Point { w: s.init[0], b: s.init[1] },
        optimum: Point { w: star[0], b: star[1] },
        end,
        verdict: Vec::new(),
        pytorch: Vec::new(),
        modes,
        curvature: c,
        quadratic: q,
    };
    diagnosis.verdict = verdict(&diagnosis, k);
    diagnosis.pytorch = pytorch_fix(&diagnosis, d, k)?;
    check_finite(&diagnosis)?;
    Ok(diagnosis)
}

impl From<(f64, f64)> for Point {
    fn from((w, b): (f64, f64)) -> Point {
        Point { w, b }
    }
}

impl From<[f64; 2]> for Point {
    fn from([w, b]: [f64; 2]) -> Point {
        Point { w, b }
    }
}

pub(crate) fn check_settings(s: &Settings) -> Result<()> {
    let bad = |m: String| Err(Error::Data(m));
    if !(s.lr.is_finite() && s.lr > 0.0) {
        return bad(format!("the learning rate must be a positive number, got {}", s.lr));
    }
    if s.epochs == 0 {
        return bad("--epochs must be at least 1".into());
    }
    if s.batch == Some(0) {
        return bad("--batch must be at least 1".into());
    }
    if !(s.eps > 0.0 && s.eps < 1.0) {
        return bad(format!("--eps must be between 0 and 1, got {}", s.eps));
    }
    if !s.init.iter().all(|v| v.is_finite()) {
        return bad(format!("--init must be two finite numbers, got {:?}", s.init));
    }
    Ok(())
}

/// Predicted and measured steps to ε for plain gradient descent with step `lr` on `q`.
fn count(c: &Curvature, q: &Quadratic, start: [f64; 2], lr: f64, eps: f64, target: f64) -> Count {
    let predicted = modes::steps_to_reach(c, lr, modes::components(c, q.star, start), target);
    if predicted.is_some_and(|p| p > BUDGET as u64) {
        let status = format!("not run: predicted above the budget of {} steps", fmt_count(BUDGET as f64));
        return Count { lr, predicted, measured: None, status };
    }
    let (measured, status) = match reach(&mut Gd::new(lr), q, start, eps, BUDGET).0 {
        Reach::Reached(k) => (Some(k as u64), "reached".to_string()),
        Reach::Diverged(k) => (None, format!("diverges (stopped at step {k})")),
        Reach::NotReached { error, .. } => {
            (None, format!("not reached within {} steps (relative error {error:.1e})", fmt_count(BUDGET as f64)))
        }
    };
    Count { lr, predicted, measured, status }
}

/// Mini-batch SGD as the reader runs it: each epoch shuffles the samples (seeded ChaCha8)
/// and takes one step per batch of `m`; the batch loss is the mean (or the sum) over the
/// batch. O(m) per step, O(1) for the divergence test (on the full-batch loss, from the
/// sums), and only the thinned steps are kept.
fn sgd(d: &Dataset, q: &Quadratic, c: &Curvature, s: &Settings, m: usize, steps: usize) -> (Modes, Point) {
    let n = d.len();
    let per_epoch = n.div_ceil(m);
    let stride = steps.div_ceil(MAX_POINTS).max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut order: Vec<usize> = (0..n).collect();
    let mut gd = Gd::new(s.lr);
    let loss0 = q.loss(s.init);
    let mut theta = s.init;
    let mut modes = Modes {
        lr: s.lr,
        lambda: [c.lambda_min, c.lambda_max],
        steps: Vec::new(),
        measured: Vec::new(),
        diverged_at: None,
        floor: modes::rounding_floor(q.star),
    };
    for t in 0..=steps {
        let diverged = gd::has_diverged(q.loss(theta), loss0);
        if t % stride == 0 || t == steps || diverged {
            modes.steps.push(t);
            modes.measured.push(modes::components(c, q.star, theta));
        }
        if diverged {
            modes.diverged_at = Some(t);
            break;
        }
        if t == steps {
            break;
        }
        let k = t % per_epoch;
        if k == 0 {
            order.shuffle(&mut rng);
        }
        let batch = &order[k * m..((k + 1) * m).min(n)];
        let [gw, gb] = crate::grad::batch_gradient_sum(&d.x, &d.y, theta, batch);
        let scale = match s.loss {
            Reduction::Mean => 1.0 / batch.len() as f64,
            Reduction::Sum => 1.0,
        };
        theta = gd.step(theta, [scale * gw, scale * gb], t);
    }
    (modes, theta.into())
}

/// Keeps at most about `max` recorded steps (the first and the last always).
fn thin(mut m: Modes, max: usize) -> Modes {
    let len = m.steps.len();
    if len <= max + 1 {
        return m;
    }
    let stride = (len - 1).div_ceil(max);
    let keep: Vec<usize> = (0..len).filter(|i| i % stride == 0 || *i == len - 1).collect();
    m.steps = keep.iter().map(|&i| m.steps[i]).collect();
    m.measured = keep.iter().map(|&i| m.measured[i]).collect();
    m
}

/// Columns of the text report's verdict: it reads in a terminal and in the book at phone width.
pub(crate) const WIDTH: usize = 88;

/// `text` wrapped at spaces to `width` columns, the first line indented by `first`, the
/// others by `rest`. The narrow no-break spaces inside numbers never break.
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out += &format!("{line}\n");
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line += word;
        empty = false;
    }
    out + &line + "\n"
}

/// The command the book shows at the end of chapter 4 and in "How to run the code": the
/// reader's question (100 points, η = 1e-5, 100 full-batch epochs from (0, 0), mean loss).
pub const READER_COMMAND: &str = "cargo run --release --bin diagnose -- --example reader --lr 1e-5 --epochs 100";

/// That command and its output, as the book includes it (generated with chapter 4's files).
pub fn reader_example() -> Result<String> {
    let d = crate::data::reader_question(crate::data::BOOK_SEED);
    Ok(format!("$ {READER_COMMAND}\n{}", analyse(&d, &Settings::new(1e-5, 100))?.text()))
}

/// A learning rate or a small factor for a terminal: 3 significant digits without trailing
/// zeros, "2.25e-4", "1e-5", "0.0018".
pub(crate) fn sci(v: f64) -> String {
    if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e5) {
        let text = format!("{v:.2e}");
        let (mantissa, exponent) = text.split_once('e').expect("{:e} has an exponent");
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else {
        fmt_sig(v, 2)
    }
}

/// A value for the text report: `sig` significant digits, in scientific notation when
/// plain digits would be too many ("4.0 × 10⁻¹⁶", not "0.0000000000000004").
pub(crate) fn num(v: f64, sig: usize) -> String {
    if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e7) { crate::report::fmt_sci(v, sig) } else { fmt_sig(v, sig) }
}

/// A shrink factor: 4 significant digits, which tell 0.9995 from 1.
pub(crate) fn shrink_text(v: f64) -> String {
    if (1e-3..1e5).contains(&v) { fmt_sig(v, 4) } else { sci(v) }
}

fn steps_text(c: &Count) -> String {
    match (c.measured, c.predicted) {
        (Some(k), _) => format!("{} step{}", fmt_count(k as f64), if k == 1 { "" } else { "s" }),
        (None, Some(p)) => format!("{} steps (predicted)", fmt_count(p as f64)),
        (None, None) => c.status.clone(),
    }
}

// ANCHOR: verdict
/// Three or four lines in plain words, every number from the analysis.
fn verdict(d: &Diagnosis, k: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let sum_note = if d.loss == Reduction::Sum && k > 1.0 {
        format!(" The sum loss multiplies every curvature by {} (the batch size): use the mean loss, or divide η by {}.", fmt_count(k), fmt_count(k))
    } else {
        String::new()
    };
    if let Some(at) = d.diverged_at {
        lines.push(format!(
            "At η = {} the run diverges: stopped at step {at}, its loss above 10⁶ × its start. The largest stable η for this loss is 2/λmax = {}, so yours is {}× too large.{sum_note}",
            sci(d.lr),
            sci(d.max_stable_lr),
            num(d.lr / d.max_stable_lr, 3)
        ));
    } else if d.kappa < 10.0 {
        lines.push(format!(
            "κ = {}: this problem is well conditioned, both directions of the error shrink at similar rates; after your {} steps they are at {} and {} of their start.",
            num(d.kappa, 3),
            fmt_count(d.steps as f64),
            sci(d.shrink_predicted.v_min),
            sci(d.shrink_predicted.v_max)
        ));
    } else {
        let b_share = d.v_min.b * d.v_min.b;
        let who = if b_share > 0.5 { "intercept" } else { "slope" };
        let share = if b_share > 0.5 { b_share } else { 1.0 - b_share };
        lines.push(format!(
            "At η = {} your {who}'s error shrinks by a factor e only every 1/(ηλmin) ≈ {} steps: the slow direction is {} % {who} (λmin = {}, κ = {}). After your {} steps it is still {} of its start (predicted {}); the fast direction is at {}.{sum_note}",
            sci(d.lr),
            num(1.0 / (d.lr * d.lambda_min), 3),
            num(100.0 * share, 4),
            num(d.lambda_min, 4),
            num(d.kappa, 4),
            fmt_count(d.steps as f64),
            d.shrink_measured.v_min.map_or("—".into(), shrink_text),
            shrink_text(d.shrink_predicted.v_min),
            d.shrink_measured.v_max.map_or("—".into(), shrink_text),
        ));
    }
    lines.push(format!(
        "To a relative error of {}: {} at this η; the largest η you can use on raw data is {} and the best fixed η, {}, needs {}.",
        sci(d.eps),
        steps_text(&d.steps_to_eps.this_lr),
        sci(d.max_stable_lr),
        sci(d.best_lr),
        steps_text(&d.steps_to_eps.best_lr)
    ));
    lines.push(format!(
        "Fix: centre x (κ {} → {}; {} at its best η, {}) or standardize it (κ = {}; {} at η = {}), or solve in closed form (`fit`).",
        num(d.kappa, 4),
        num(d.kappa_centered, 4),
        steps_text(&d.steps_to_eps.centered),
        sci(d.steps_to_eps.centered.lr),
        num(d.kappa_standardized, 3),
        steps_text(&d.steps_to_eps.standardized),
        sci(d.steps_to_eps.standardized.lr)
    ));
    if let Some(m) = d.batch {
        let last = *d.modes.measured.last().expect("a run has a start");
        let predicted = d.modes.predicted(*d.modes.steps.last().expect("a run has a start"));
        lines.push(format!(
            "Mini-batches of {m}: the numbers above are for the full-batch curvature. Your SGD run ended at w = {}, b = {}; its error along (v_min, v_max) is ({}, {}), where full-batch descent predicts ({}, {}).",
            num(d.end.w, 5),
            num(d.end.b, 5),
            sci(last[0]),
            sci(last[1]),
            sci(predicted[0]),
            sci(predicted[1])
        ));
    }
    lines
}
// ANCHOR_END: verdict

/// The line before the PyTorch lines in the text report.
pub const PYTORCH_HEADER: &str = "in PyTorch (paste after loading your two columns as 1-D float64 tensors x and y):";

// ANCHOR: pytorch_fix
/// The verdict's fix as PyTorch lines a reader pastes after loading their columns as 1-D
/// float64 tensors `x` and `y`: full batch, the reader's loss reduction, and a step count
/// measured (and predicted) here for exactly those lines. An ill-conditioned problem
/// (κ ≥ 10) gets standardization with this data's constants (chapter 5; population sd,
/// torch.std's `correction=0`) from w̃ = b̃ = 0; a well-conditioned one keeps the raw data
/// and the reader's start, with the best fixed η (chapter 4). The step count is the first
/// at which the relative error of (w, b), in the reader's units, is below ε. The step size
/// is the best fixed η, 2/(λmin + λmax) = 2/λmax · κ/(κ + 1), rounded to 3 significant
/// digits for the reader: at most 0.5 % up, and it sits at least 9 % below the stable
/// limit 2/λmax when κ < 10 (half of it on standardized data). Constants keep every digit
/// (`{:?}` prints the shortest text that reads back as the same f64).
pub fn pytorch_fix(d: &Diagnosis, data: &Dataset, k: f64) -> Result<Vec<String>> {
    let standardize = d.kappa >= 10.0;
    let scaling = Scaling::of(&data.x, &data.y)?;
    let (x, y) = if standardize { scaling.apply(&data.x, &data.y) } else { (data.x.clone(), data.y.clone()) };
    let c = modes::scaled_curvature(&x, k);
    let q = modes::scaled_quadratic(Quadratic::of(&x, &y), k);
    let start = if standardize { [0.0, 0.0] } else { [d.init.w, d.init.b] };
    let lr: f64 = format!("{:.2e}", c.best_fixed_lr()).parse().expect("a formatted f64 parses");
    // Counted in the reader's units: the relative error of (w, b) once mapped back.
    let star = [d.optimum.w, d.optimum.b];
    let error = |t: [f64; 2]| {
        let (w, b) = if standardize { scaling.to_original((t[0], t[1])) } else { (t[0], t[1]) };
        (w - star[0]).hypot(b - star[1]) / star[0].hypot(star[1]).max(f64::MIN_POSITIVE)
    };
    let steps = match reach_by(&mut Gd::new(lr), &q, start, d.eps, BUDGET, error).0 {
        Reach::Reached(k) => k,
        other => {
            return Err(Error::Data(format!("the recommended step {lr:e} does not reach {:e} on these data: {other:?}", d.eps)));
        }
    };
    let reduction = match d.loss {
        Reduction::Mean => "",
        Reduction::Sum => "reduction=\"sum\"",
    };
    let (plural, verb) = if steps == 1 { ("", "reaches") } else { ("s", "reach") };
    let mut lines = Vec::new();
    if standardize {
        let Scaling { x_mean, x_sd, y_mean, y_sd } = scaling;
        lines.push("# diagnose's fix: standardize x and y (chapter 5), train, map the line back;".into());
        lines.push(format!("# {steps} full-batch step{plural} of lr = {lr:?} {verb} a relative error of {}", sci(d.eps)));
        lines.push("# population sd (divide by n): x.std(correction=0); torch's default divides by n - 1".into());
        lines.push(format!("x_mean, x_sd = {x_mean:?}, {x_sd:?}"));
        lines.push(format!("y_mean, y_sd = {y_mean:?}, {y_sd:?}"));
        lines.push("inputs = ((x - x_mean) / x_sd).unsqueeze(1)".into());
        lines.push("targets = ((y - y_mean) / y_sd).unsqueeze(1)".into());
    } else {
        lines.push(format!("# diagnose's fix: kappa = {} is small, keep x and y; the best fixed lr", num(d.kappa, 3)));
        lines.push(format!(
            "# (the largest stable is {}): {steps} full-batch step{plural} {verb} a relative error of {}",
            sci(c.max_stable_lr()),
            sci(d.eps)
        ));
        lines.push("inputs, targets = x.unsqueeze(1), y.unsqueeze(1)".into());
    }
    lines.push("model = torch.nn.Linear(1, 1, dtype=torch.float64)".into());
    lines.push("with torch.no_grad():".into());
    lines.push(format!("    model.weight.fill_({:?})", start[0]));
    lines.push(format!("    model.bias.fill_({:?})", start[1]));
    lines.push(format!("optimizer = torch.optim.SGD(model.parameters(), lr={lr:?})"));
    lines.push(format!("loss_fn = torch.nn.MSELoss({reduction})"));
    lines.push(format!("for epoch in range({steps}):"));
    lines.push("    optimizer.zero_grad()".into());
    lines.push("    loss_fn(model(inputs), targets).backward()".into());
    lines.push("    optimizer.step()".into());
    if standardize {
        lines.push("w = model.weight.item() * y_sd / x_sd".into());
        lines.push("b = y_mean + y_sd * model.bias.item() - w * x_mean".into());
    } else {
        lines.push("w, b = model.weight.item(), model.bias.item()".into());
    }
    lines.push(format!("print(w, b)  # least squares: {:?} {:?}", d.optimum.w, d.optimum.b));
    Ok(lines)
}
// ANCHOR_END: pytorch_fix

/// No NaN or infinity reaches the output: JSON would turn them into `null` silently.
fn check_finite(d: &Diagnosis) -> Result<()> {
    let counts = [&d.steps_to_eps.this_lr, &d.steps_to_eps.best_lr, &d.steps_to_eps.centered, &d.steps_to_eps.standardized];
    let mut values = vec![
        ("lambda_min", d.lambda_min),
        ("lambda_max", d.lambda_max),
        ("kappa", d.kappa),
        ("v_min", d.v_min.w + d.v_min.b),
        ("v_max", d.v_max.w + d.v_max.b),
        ("max_stable_lr", d.max_stable_lr),
        ("best_lr", d.best_lr),
        ("kappa_centered", d.kappa_centered),
        ("kappa_standardized", d.kappa_standardized),
        ("shrink_predicted", d.shrink_predicted.v_min + d.shrink_predicted.v_max),
        ("optimum", d.optimum.w + d.optimum.b),
        ("end", d.end.w + d.end.b),
    ];
    values.extend(d.shrink_measured.v_min.map(|v| ("shrink_measured", v)));
    values.extend(d.shrink_measured.v_max.map(|v| ("shrink_measured", v)));
    values.extend(counts.iter().map(|c| ("steps_to_eps", c.lr)));
    all_finite(&values, "rescale x and y")
}

/// The first of `values` that is NaN or infinite, as the one-line error both diagnoses give,
/// with `advice` on what to rescale.
pub(crate) fn all_finite(values: &[(&str, f64)], advice: &str) -> Result<()> {
    match values.iter().find(|(_, v)| !v.is_finite()) {
        Some((key, v)) => Err(Error::Data(format!(
            "{key} came out as {v}: the data are too large or too ill-conditioned for f64; {advice}"
        ))),
        None => Ok(()),
    }
}

impl Diagnosis {
    /// The readable report `diagnose` prints: the analysis, then the verdict.
    pub fn text(&self) -> String {
        let dir = |v: &Direction| format!("(w {}, b {})", num(v.w, 4), num(v.b, 4));
        let loss = match self.loss {
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
        };
        let mut out = format!(
            "data       {} points, {loss} squared error; optimum θ* = (w {}, b {})\n\
             flat       λmin = {} along v_min = {}\n\
             steep      λmax = {} along v_max = {}; κ = λmax/λmin = {}\n\
             step sizes largest stable 2/λmax = {}, best fixed 2/(λmin + λmax) = {}\n\
             κ after    centring x: {}, standardizing: {}\n",
            self.n,
            num(self.optimum.w, 6),
            num(self.optimum.b, 6),
            num(self.lambda_min, 4),
            dir(&self.v_min),
            num(self.lambda_max, 4),
            dir(&self.v_max),
            num(self.kappa, 4),
            sci(self.max_stable_lr),
            sci(self.best_lr),
            num(self.kappa_centered, 4),
            num(self.kappa_standardized, 3),
        );
        let run = match self.batch {
            None => format!("{} full-batch steps", fmt_count(self.steps as f64)),
            Some(m) => format!("{} mini-batch steps of {m}", fmt_count(self.steps as f64)),
        };
        out += &format!("your run   η = {}, {run} from (w {}, b {})\n", sci(self.lr), num(self.init.w, 4), num(self.init.b, 4));
        out += &match self.diverged_at {
            Some(k) => format!("           diverged: stopped at step {k}\n"),
            None => format!("           ended at (w {}, b {})\n", num(self.end.w, 6), num(self.end.b, 6)),
        };
        let measured = |v: Option<f64>| v.map_or("—".into(), shrink_text);
        out += &format!(
            "shrink     along v_min: predicted {}, measured {}\n           along v_max: predicted {}, measured {}\n",
            shrink_text(self.shrink_predicted.v_min),
            measured(self.shrink_measured.v_min),
            shrink_text(self.shrink_predicted.v_max),
            measured(self.shrink_measured.v_max),
        );
        out += &format!("steps to a relative error of {}:\n", sci(self.eps));
        let s = &self.steps_to_eps;
        for (label, c) in [("this η", &s.this_lr), ("best η", &s.best_lr), ("centred", &s.centered), ("standardized", &s.standardized)] {
            let predicted = c.predicted.map_or("never (diverges)".into(), |p| fmt_count(p as f64));
            let measured = c.measured.map_or(c.status.clone(), |k| fmt_count(k as f64));
            out += &format!("  {label:<13} η = {:<8} predicted {predicted}, measured {measured}\n", sci(c.lr));
        }
        out += "verdict:\n";
        for line in &self.verdict {
            out += &wrap(line, WIDTH, "  ", "    ");
        }
        // At column 0, unwrapped: Python reads indentation.
        out += &format!("{PYTORCH_HEADER}\n");
        for line in &self.pytorch {
            out += &format!("{line}\n");
        }
        out
    }

    /// The error along the eigen-directions for the reader's run (the book's figure).
    pub fn modes_figure(&self) -> Result<String> {
        let title = match (self.diverged_at, self.batch) {
            (Some(_), _) => "Your run diverges: the steep component grows".to_string(),
            (None, Some(m)) => format!("Your mini-batch run (batch {m}) against full-batch theory"),
            (None, None) => format!("Your run, η = {}: error along each eigen-direction", sci(self.lr)),
        };
        let x_desc = match self.batch {
            None => "step t (one per epoch)".to_string(),
            Some(_) => "step t (one per mini-batch)".to_string(),
        };
        modes::modes_figure(
            &self.modes,
            modes::Labels { title: &title, x_desc: &x_desc, y_desc: "|(θₜ − θ*)·v| (parameter units, log scale)" },
        )
    }

    /// The loss's contour lines with the reader's path (from the recorded steps).
    pub fn path_figure(&self) -> Result<String> {
        let c = &self.curvature;
        let star = [self.optimum.w, self.optimum.b];
        let path: Vec<(f64, f64)> = self
            .modes
            .measured
            .iter()
            .map(|e| (star[0] + e[0] * c.v_min[0] + e[1] * c.v_max[0], star[1] + e[0] * c.v_min[1] + e[1] * c.v_max[1]))
            .collect();
        let range = |v: &mut dyn Iterator<Item = f64>| {
            let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            let m = (0.12 * (hi - lo)).max(1e-6 * hi.abs().max(lo.abs()).max(1.0));
            (lo - m, hi + m)
        };
        let (wlo, whi) = range(&mut path.iter().map(|p| p.0).chain([star[0]]));
        let (blo, bhi) = range(&mut path.iter().map(|p| p.1).chain([star[1]]));
        // Headroom above the path for the legend.
        let bhi = bhi + 0.45 * (bhi - blo);
        let q = &self.quadratic;
        let grid = Grid::sample(plot::linspace(wlo, whi, 121), plot::linspace(blo, bhi, 121), |w, b| q.excess([w, b]));
        let levels = contour::excess_levels(0.0, grid.max(), 9);
        plot::render(plot::SIZE, |area| -> DrawResult {
            let mut chart = ChartBuilder::on(area)
                .caption("Your path over the loss's contour lines", plot::caption_style())
                .margin(15)
                .margin_right(30)
                .x_label_area_size(50)
                .y_label_area_size(85)
                .build_cartesian_2d(wlo..whi, blo..bhi)?;
            plot::style_mesh(&mut chart, "slope w (units of y per unit of x)", "intercept b (units of y)")?;
            for (i, &level) in levels.iter().enumerate() {
                let colour = plot::viridis(i as f64 / (levels.len() - 1).max(1) as f64 * 0.9);
                chart.draw_series(
                    contour::contour(&grid, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.mix(0.7))),
                )?;
            }
            chart
                .draw_series(LineSeries::new(path.iter().copied(), palette::ORANGE.stroke_width(2)))?
                .label(format!("your run, {} steps of η = {}", fmt_count(self.modes.steps.last().copied().unwrap_or(0) as f64), sci(self.lr)))
                .legend(plot::line_glyph(palette::ORANGE, 2));
            chart
                .draw_series([Circle::new(path[0], 6, palette::INK.filled())])?
                .label("start")
                .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.filled()));
            plot::mark_optimum(&mut chart, (star[0], star[1]), "minimum θ*")?;
            plot::draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
            Ok(())
        })
    }
}
