//! Chapter 7 — momentum, Nesterov, AdaGrad, RMSprop, Adam and Newton side by side, on raw
//! and standardized data; the learning-rate sweep; mini-batches; the playground's data.

use plotters::prelude::*;
use rand::{RngExt, SeedableRng};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

pub const ABOUT: &str =
    "Chapter 7: momentum, Nesterov, AdaGrad, RMSprop, Adam and Newton on raw and standardized data, a learning-rate sweep, mini-batches.";

use crate::contour::{self, Grid};
use crate::curvature::Curvature;
use crate::data::{self, Dataset};
use crate::error::{Error, Result};
use crate::gd::{self, Reach, Trace};
use crate::grad;
use crate::optimizers::{
    AdaGrad, Adam, Gd, Momentum, Nesterov, Newton, Optimizer, RmsProp, reach_by, run, run_quadratic,
};
use crate::quadratic::Quadratic;
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_count, fmt_sci, fmt_sig};
use crate::standardize::Scaling;
use crate::stats;

use super::ch6::Curve;
pub use super::ch6::{EPS, START};
/// Step budget of the optimizer table.
pub const BUDGET: usize = 100_000;
/// Steps of each run of the learning-rate sweep, and its grid: 10^(k/4).
pub const SWEEP_STEPS: usize = 1000;
const SWEEP_K: std::ops::RangeInclusive<i32> = -28..=12;
/// Relative excess losses below this (exact zeros included) are shown at it.
const SWEEP_FLOOR: f64 = 1e-32;
/// A relative excess loss below this is at rounding level: the parameters agree with θ* to
/// about 10 digits, so what is left of the loss is set by their last bits.
const ROUNDING_LEVEL: f64 = 1e-20;
/// Mini-batch experiment: epochs from θ*, batch sizes, step sizes (raw, standardized).
pub const EPOCHS: usize = 1000;
pub const BATCHES: [usize; 3] = [1, 10, 50];
pub const SGD_LR_RAW: f64 = 1e-5;
pub const SGD_LR_STD: f64 = 0.05;
/// β of heavy ball and Nesterov in the sweep (and the playground).
pub const SWEEP_BETA: f64 = 0.9;
/// Mini-batches drawn with replacement: steps recorded after a burn-in of `REPLACEMENT_BURN_IN`.
pub const REPLACEMENT_STEPS: usize = 100_000;
const REPLACEMENT_BURN_IN: usize = 1000;
/// The with-replacement table's smaller step: η divided by this.
const REPL_ETA_DIVISOR: f64 = 4.0;
/// Full-batch "spreads" below this are rounding (θ* is a fixed point).
const FULL_BATCH_BOUND: f64 = 1e-14;
/// Seeds over which the reshuffled batch-size ratio is quoted (median and range).
pub const RATIO_SEEDS: u64 = 9;
/// Steps shown in the trajectory and loss figures (raw, standardized).
const SHOWN_RAW: usize = 3000;
const SHOWN_STD: usize = 40;

/// One colour per optimizer, the same in every figure of the chapter.
const COLOURS: [(&str, RGBColor); 8] = [
    ("gd", palette::ORANGE),
    ("diagonal", palette::YELLOW),
    ("momentum", palette::SKY),
    ("nesterov", palette::DATA),
    ("adagrad", palette::PURPLE),
    ("rmsprop", palette::TRUE),
    // Not vermillion: that is the optimum's colour in every figure (notation page).
    ("adam", palette::GREY),
    ("newton", palette::INK),
];

fn colour(key: &str) -> RGBColor {
    COLOURS.iter().find(|(k, _)| key.starts_with(k)).map_or(palette::INK, |(_, c)| *c)
}


/// One setting of the experiments: raw or standardized.
struct Setting {
    key: &'static str,
    q: Quadratic,
    c: Curvature,
    start: [f64; 2],
    /// Back to (w, b) in €/m² and €.
    to_raw: Box<dyn Fn([f64; 2]) -> [f64; 2]>,
    /// The data in this setting's units, for the gradient summed point by point (the second
    /// arithmetic; `q` sums them once, into H and c).
    data: [Vec<f64>; 2],
}

/// The optimizers of the sweep, at step size `lr` (momentum and Nesterov with β = 0.9).
const SWEPT: [&str; 6] = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

fn swept(key: &str, lr: f64) -> Box<dyn Optimizer> {
    match key {
        "gd" => Box::new(Gd::new(lr)),
        "momentum" => Box::new(Momentum::new(lr, SWEEP_BETA)),
        "nesterov" => Box::new(Nesterov::new(lr, SWEEP_BETA)),
        "adagrad" => Box::new(AdaGrad::new(lr)),
        "rmsprop" => Box::new(RmsProp::new(lr)),
        _ => Box::new(Adam::new(lr)),
    }
}

fn sweep_label(key: &str) -> &'static str {
    match key {
        "gd" => "gradient descent",
        "momentum" => "heavy ball, β = 0.9",
        "nesterov" => "Nesterov, β = 0.9",
        other => label(other),
    }
}

fn label(key: &str) -> &'static str {
    match key {
        "gd" | "gd_inv" => "gradient descent, η = 1/λmax",
        "gd_best" => "gradient descent, η = 2/(λmin + λmax)",
        "diagonal" => "per-parameter (diagonal) steps",
        "momentum" => "heavy ball (momentum)",
        "nesterov" => "Nesterov",
        "adagrad" => "AdaGrad",
        "rmsprop" => "RMSprop",
        "adam" => "Adam",
        _ => "Newton",
    }
}

/// A tuned optimizer of the table, and its predicted contraction per step (if theory gives
/// one), as a formula and a value.
struct Entry {
    key: &'static str,
    params: String,
    opt: Box<dyn Optimizer>,
    formula: &'static str,
    rho: Option<f64>,
    /// Heavy ball and Nesterov: (η, β, is Nesterov), for [`transient_prediction`].
    double_root: Option<(f64, f64, bool)>,
}

/// The optimizers of the table with the parameters theory picks for this curvature
/// (adaptive ones: the best step of the sweep).
fn entries(s: &Setting, best: &dyn Fn(&str) -> f64) -> Vec<Entry> {
    let c = &s.c;
    let h = s.q.h;
    let rk = c.condition_number().sqrt();
    let r = h[0][1].abs() / (h[0][0] * h[1][1]).sqrt();
    let momentum = Momentum::optimal(c.lambda_min, c.lambda_max);
    let nesterov = Nesterov::standard(c.lambda_min, c.lambda_max);
    let mut v = vec![
        Entry {
            key: "gd_inv",
            params: format!("η = {}", fmt_sci(1.0 / c.lambda_max, 3)),
            opt: Box::new(Gd::new(1.0 / c.lambda_max)),
            formula: "1 − 1/κ",
            rho: Some(c.contraction(1.0 / c.lambda_max)),
            double_root: None,
        },
        Entry {
            key: "gd_best",
            params: format!("η = {}", fmt_sci(c.best_fixed_lr(), 3)),
            opt: Box::new(Gd::new(c.best_fixed_lr())),
            formula: "(κ − 1)/(κ + 1)",
            rho: Some(c.contraction(c.best_fixed_lr())),
            double_root: None,
        },
        Entry {
            key: "diagonal",
            params: format!("η_w = {}, η_b = {}", fmt_sci(1.0 / h[0][0], 3), fmt_sci(1.0 / h[1][1], 3)),
            opt: Box::new(Gd::per_parameter([1.0 / h[0][0], 1.0 / h[1][1]])),
            formula: "r = x̄/√(mean of x²), on average (chapter 6)",
            rho: Some(r),
            double_root: None,
        },
        Entry {
            key: "momentum",
            params: format!("η = {}, β = {}", fmt_sci(momentum.lr, 3), fmt_sig(momentum.beta, 4)),
            opt: Box::new(momentum),
            formula: "(√κ − 1)/(√κ + 1)",
            rho: Some((rk - 1.0) / (rk + 1.0)),
            double_root: Some((momentum.lr, momentum.beta, false)),
        },
        Entry {
            key: "nesterov",
            params: format!("η = {}, β = {}", fmt_sci(nesterov.lr, 3), fmt_sig(nesterov.beta, 4)),
            opt: Box::new(nesterov),
            formula: "1 − 1/√κ",
            rho: Some(1.0 - 1.0 / rk),
            double_root: Some((nesterov.lr, nesterov.beta, true)),
        },
    ];
    for key in ["adagrad", "rmsprop", "adam"] {
        v.push(Entry { key, params: format!("η = {}", fmt_sci(best(key), 2)), opt: swept(key, best(key)), formula: "none (adapts to the gradients)", rho: None, double_root: None });
    }
    let newton = Newton::new(h).expect("x is not constant, so H is invertible");
    v.push(Entry { key: "newton", params: "H⁻¹ (exact)".into(), opt: Box::new(newton), formula: "0 (exact model)", rho: Some(0.0), double_root: None });
    v
}

// ANCHOR: adam_bound
/// The largest step Adam (torch's bias correction, ε = 0) can take, in units of η, over all
/// gradient sequences and steps. At step t, with weights β₁ᵏ on the gradient k steps back,
///   |m̂|/√v̂ = (1−β₁)/(1−β₁ᵗ) · |Σ β₁ᵏ g| / √((1−β₂)/(1−β₂ᵗ) · Σ β₂ᵏ g²),
/// and Cauchy–Schwarz (β₁ᵏ g = (β₁/√β₂)ᵏ · √β₂ᵏ g) bounds it by
///   (1−β₁)/(1−β₁ᵗ) · √((1−β₂ᵗ)/(1−β₂)) · √(Σₖ₌₀ᵗ⁻¹ (β₁²/β₂)ᵏ),
/// reached by gradients that grow by β₂/β₁ per step. The bound rises with t towards
/// (1−β₁)/√((1−β₂)(1 − β₁²/β₂)); this returns its largest value over t.
pub fn adam_step_bound(beta1: f64, beta2: f64) -> f64 {
    let q = beta1 * beta1 / beta2;
    (1..=100_000)
        .map(|t| {
            let t = t as f64;
            let geometric = (1.0 - q.powf(t)) / (1.0 - q);
            (1.0 - beta1) / (1.0 - beta1.powf(t)) * ((1.0 - beta2.powf(t)) / (1.0 - beta2)).sqrt() * geometric.sqrt()
        })
        .fold(0.0, f64::max)
}
// ANCHOR_END: adam_bound

/// Iterations predicted from a contraction factor ρ to shrink the error by `shrink`.
fn predicted(rho: f64, shrink: f64) -> f64 {
    if rho <= 0.0 { 1.0 } else { (shrink.ln() / rho.ln()).ceil().max(1.0) }
}

/// Where a run ends when its steps are computed in another order.
struct AltEnd {
    error: f64,
    end: [f64; 2],
}

/// The run of optimizer `key` in setting `s` again, with the gradient summed over the data
/// point by point, as PyTorch's autograd does, instead of from H·θ − c, and from a start a
/// few rounding units away (as another order of standardizing would put it). A method's
/// result survives both; a cycle whose size rounding decides does not.
fn second_arithmetic(s: &Setting, best: &dyn Fn(&str) -> f64, key: &str, raw_error: &dyn Fn([f64; 2]) -> f64) -> AltEnd {
    let mut opt = entries(s, best).into_iter().find(|f| f.key == key).expect("the same list").opt;
    let [x, y] = &s.data;
    // The start a few units in the last place away: where standardizing rounded differently.
    let start = s.start.map(|v| f64::from_bits(v.to_bits() + 4));
    let trace = run(opt.as_mut(), start, BUDGET, |t, _| grad::gradients(x, y, t[0], t[1]).into(), |t| s.q.loss(t));
    let last = [trace.w.last().copied().unwrap_or(f64::NAN), trace.b.last().copied().unwrap_or(f64::NAN)];
    let end = (s.to_raw)(last);
    AltEnd { error: raw_error(end), end }
}

// ANCHOR: transient
/// With the parameters of the table, heavy ball and Nesterov have a *double* root z of
/// their characteristic polynomial along each eigen-direction (λ):
///   heavy ball  z² − (1 + β − ηλ)·z + β = 0,            z = (1 + β − ηλ)/2,
///   Nesterov    z² − (1 + β)(1 − ηλ)·z + β(1 − ηλ) = 0,  z = (1 + β)(1 − ηλ)/2,
/// so the error along that direction is c·(1 + γ·t)·zᵗ, not c·zᵗ. From v = 0 the first
/// step multiplies it by f = 1 − ηλ (heavy ball) or 1 − (1 + β)ηλ (Nesterov), which fixes
/// γ = f/z − 1. Returns the first t at which the error rebuilt from both directions is
/// below `eps` (a root z = 0 leaves nothing after two steps).
fn transient_prediction(s: &Setting, (eta, beta, nesterov): (f64, f64, bool), eps: f64, error: &dyn Fn([f64; 2]) -> f64) -> Option<usize> {
    let (q, c) = (&s.q, &s.c);
    let e0 = [s.start[0] - q.star[0], s.start[1] - q.star[1]];
    let parts: Vec<(f64, f64, f64, [f64; 2])> = [(c.lambda_min, c.v_min), (c.lambda_max, c.v_max)]
        .into_iter()
        .map(|(lambda, v)| {
            let (z, f) = if nesterov {
                ((1.0 + beta) * (1.0 - eta * lambda) / 2.0, 1.0 - (1.0 + beta) * eta * lambda)
            } else {
                ((1.0 + beta - eta * lambda) / 2.0, 1.0 - eta * lambda)
            };
            (e0[0] * v[0] + e0[1] * v[1], z, f, v)
        })
        .collect();
    (0..=BUDGET).find(|&t| {
        let mut theta = q.star;
        for &(coef, z, f, v) in &parts {
            let along = if z.abs() < 1e-12 {
                [coef, coef * f, 0.0][t.min(2)]
            } else {
                coef * (1.0 + (f / z - 1.0) * t as f64) * z.powi(t as i32)
            };
            theta = [theta[0] + along * v[0], theta[1] + along * v[1]];
        }
        error(theta) < eps
    })
}
// ANCHOR_END: transient

/// Most rows the mini-batch experiment replays: EPOCHS epochs of batch size 1 take
/// EPOCHS·n steps (2·10⁷ at this size, about a second); larger data sets replay a seeded
/// random sample of this many rows, and the report says so (`minibatch_rows`).
pub const MAX_ROWS: usize = 20_000;

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    if stats::variance(&d.x) == 0.0 {
        return Err(Error::Data("every x is the same, so the slope is undetermined (the Hessian is singular)".into()));
    }
    let mut r = Report::new();
    let st = Scaling::of(&d.x, &d.y)?;
    let (xs, ys) = st.apply(&d.x, &d.y);
    let q_raw = Quadratic::of(&d.x, &d.y);
    let q_std = Quadratic::of(&xs, &ys);
    let star = q_raw.star;
    if star[0] == 0.0 || star[1] == 0.0 {
        return Err(Error::Data(
            "the least-squares slope or intercept is exactly 0, so the mini-batch spreads relative to |w*| and |b*| are undefined".into(),
        ));
    }
    let raw_error = move |t: [f64; 2]| (t[0] - star[0]).hypot(t[1] - star[1]) / star[0].hypot(star[1]).max(f64::MIN_POSITIVE);
    let settings = [
        Setting {
            key: "raw",
            q: q_raw,
            c: Curvature::of(&d.x),
            start: [START.0, START.1],
            to_raw: Box::new(|t| t),
            data: [d.x.clone(), d.y.clone()],
        },
        Setting {
            key: "std",
            q: q_std,
            c: Curvature::of(&xs),
            start: <[f64; 2]>::from(st.to_standardized(START)),
            to_raw: Box::new(move |t| st.to_original((t[0], t[1])).into()),
            data: [xs.clone(), ys.clone()],
        },
    ];
    let c = settings[0].c;
    r.number("w_star", star[0], 4).number("b_star", star[1], 4);
    r.number("kappa", c.condition_number(), 4).number("sqrt_kappa", c.condition_number().sqrt(), 4);
    r.number("kappa_std", settings[1].c.condition_number(), 6);
    r.number("lambda_min", c.lambda_min, 4).number("lambda_max", c.lambda_max, 4);
    r.number_sci("max_stable_lr", c.max_stable_lr(), 3).number_sci("inv_lambda_max", 1.0 / c.lambda_max, 3);

    r.integer("sweep_steps", SWEEP_STEPS as i64);
    // The sweep: final relative excess loss after SWEEP_STEPS, for each step size.
    let lrs: Vec<f64> = SWEEP_K.map(|k| 10f64.powf(k as f64 / 4.0)).collect();
    let mut sweeps = Vec::new();
    for s in &settings {
        let mut curves = Vec::new();
        for key in SWEPT {
            let excess0 = s.q.excess(s.start);
            let pts: Vec<(f64, Option<f64>)> = lrs
                .iter()
                .map(|&lr| {
                    let mut opt = swept(key, lr);
                    let (end, theta) = reach_by(opt.as_mut(), &s.q, s.start, 0.0, SWEEP_STEPS, |_| 1.0);
                    let v = match end {
                        Reach::Diverged(_) => None,
                        _ => Some((s.q.excess(theta) / excess0).max(SWEEP_FLOOR)),
                    };
                    (lr, v)
                })
                .collect();
            let largest_stable = pts.iter().take_while(|(_, v)| v.is_some()).last().map_or(0.0, |p| p.0);
            // PyTorch's default rate for Adam, 1e-3 (on the grid: k = −12).
            if key == "adam"
                && let Some((_, Some(v))) = pts.iter().find(|(lr, _)| (lr / 1e-3 - 1.0).abs() < 1e-9)
            {
                r.number_sci(&format!("sweep_{}_adam_default_excess", s.key), *v, 2);
            }
            r.number_sci(&format!("sweep_{}_{key}_largest_stable", s.key), largest_stable, 2);
            // The final loss cannot rank rates that all end at rounding level (Adam on raw
            // data from η ≈ 10 to 1000): the rate the table uses is the one that reaches the
            // table's ε in the fewest steps (ties: the smaller rate), a count rounding
            // cannot decide.
            let mut fastest = (lrs[0], usize::MAX);
            // Rates whose run touched ε sooner but left it again within the sweep.
            let mut passed_through = 0;
            for &lr in lrs.iter().filter(|_| matches!(key, "adagrad" | "rmsprop" | "adam")) {
                let budget = BUDGET.min(fastest.1.saturating_sub(1));
                let to_raw = &s.to_raw;
                if let (Reach::Reached(k), _) = reach_by(swept(key, lr).as_mut(), &s.q, s.start, EPS, budget, |t| raw_error(to_raw(t))) {
                    // Only a run that stays below ε for the rest of the sweep's steps counts: a
                    // path that passes through ε on its way elsewhere has not arrived.
                    let mut opt = swept(key, lr);
                    let t = run_quadratic(opt.as_mut(), &s.q, s.start, SWEEP_STEPS.max(k));
                    let stays = t.diverged_at.is_none() && (k..t.w.len()).all(|i| raw_error(to_raw([t.w[i], t.b[i]])) < EPS);
                    if stays {
                        fastest = (lr, k);
                    } else {
                        passed_through += 1;
                    }
                }
            }
            if fastest.1 != usize::MAX {
                r.number_sci(&format!("sweep_{}_{key}_fastest_lr", s.key), fastest.0, 2);
                r.integer(&format!("sweep_{}_{key}_fastest_steps", s.key), fastest.1 as i64);
                r.integer(&format!("sweep_{}_{key}_passed_through", s.key), passed_through);
                // Staying to the sweep's end is not staying for ever: the first step, within
                // Figure 7.2's window, at which the error is back above ε (-1: none).
                let t = run_quadratic(swept(key, fastest.0).as_mut(), &s.q, s.start, SHOWN_RAW.max(fastest.1));
                let relapse = (fastest.1..t.w.len()).find(|&i| raw_error((s.to_raw)([t.w[i], t.b[i]])) >= EPS);
                r.integer(&format!("sweep_{}_{key}_first_relapse", s.key), relapse.map_or(-1, |i| i as i64));
            }
            // The band of rates whose 1000-step loss is at rounding level (below 10⁻²⁰).
            let floor: Vec<f64> = pts.iter().filter(|p| p.1.is_some_and(|v| v < ROUNDING_LEVEL)).map(|p| p.0).collect();
            r.integer(&format!("sweep_{}_{key}_at_rounding", s.key), floor.len() as i64);
            if let (Some(a), Some(b)) = (floor.first(), floor.last()) {
                r.number_sci(&format!("sweep_{}_{key}_rounding_from", s.key), *a, 2).number_sci(&format!("sweep_{}_{key}_rounding_to", s.key), *b, 2);
            }
            // A method that never reaches ε (RMSprop on raw data hovers): its lowest final
            // loss, which is then far above rounding level.
            let chosen = if fastest.1 == usize::MAX {
                pts.iter().filter_map(|(lr, v)| v.map(|v| (*lr, v))).min_by(|a, b| a.1.total_cmp(&b.1)).map_or(lrs[0], |p| p.0)
            } else {
                fastest.0
            };
            if fastest.1 == usize::MAX && matches!(key, "adagrad" | "rmsprop" | "adam") {
                r.number_sci(&format!("sweep_{}_{key}_lowest_lr", s.key), chosen, 2);
            }
            curves.push((key, pts, chosen));
        }
        sweeps.push(curves);
    }

    // Largest stable steps of the sweep's fixed-step methods, β = SWEEP_BETA: where the
    // characteristic polynomial of the stiffest direction gets the root −1.
    let mut limits_table = String::from(
        "| data | method | stability limit | last stable rate of the grid | first diverged |\n|---|---|---:|---:|---:|\n",
    );
    for (i, s) in settings.iter().enumerate() {
        let (lmax, beta) = (s.c.lambda_max, SWEEP_BETA);
        let limits = [
            ("gd", 2.0 / lmax),
            ("momentum", 2.0 * (1.0 + beta) / lmax),
            ("nesterov", 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lmax)),
        ];
        for (key, limit) in limits {
            r.number_sci(&format!("{}_{key}_stable_limit", s.key), limit, 3);
            let pts = &sweeps[i].iter().find(|c| c.0 == key).expect("swept").1;
            let first_diverged = pts.iter().find(|p| p.1.is_none()).map_or(f64::INFINITY, |p| p.0);
            r.number_sci(&format!("sweep_{}_{key}_first_diverged", s.key), first_diverged, 2);
            let last = pts.iter().take_while(|p| p.1.is_some()).last().map_or(0.0, |p| p.0);
            limits_table += &format!(
                "| {} | {} | {} | {} | {} |\n",
                if s.key == "raw" { "raw" } else { "standardized" },
                sweep_label(key),
                fmt_sci(limit, 3),
                fmt_sci(last, 2),
                if first_diverged.is_finite() { fmt_sci(first_diverged, 2) } else { "none".into() }
            );
        }
    }
    r.file("limits.md", limits_table);

    // The tables: every optimizer in both settings; and on raw data each method's rate per
    // step beside the count it predicts.
    let mut table = String::from(
        "| optimizer | data | parameters | iterations to 10⁻⁶ | final w (€/m²) | final b (€) |\n\
         |---|---|---|---:|---:|---:|\n",
    );
    let mut rates = String::from(
        "| method | rate per step ρ | ρ | predicted, ⌈ln(ε/δ₀)/ln ρ⌉ | rebuilt: transient, even steps | measured |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    let mut shown = Vec::new();
    let mut cycles = false;
    for (i, s) in settings.iter().enumerate() {
        let best = |key: &str| sweeps[i].iter().find(|(k, _, _)| *k == key).map_or(1e-3, |c| c.2);
        let e0 = s.q.relative_error(s.start);
        let shrink = EPS / e0;
        let mut traces = Vec::new();
        for mut e in entries(s, &best) {
            let to_raw = &s.to_raw;
            let (end, theta) = reach_by(e.opt.as_mut(), &s.q, s.start, EPS, BUDGET, |t| raw_error(to_raw(t)));
            let [w, b] = to_raw(theta);
            let key = format!("{}_{}", e.key, s.key);
            let (mut shown_w, mut shown_b) = (fmt_sig(w, 7), fmt_sig(b, 7));
            let (measured, status, count) = match end {
                Reach::Reached(k) => (fmt_count(k as f64), "reached", k as i64),
                Reach::NotReached { error, .. } => {
                    // The second arithmetic: the same run on the error θ − θ* with the gradient
                    // H·(θ − θ*), the same steps in exact arithmetic. A run that ends in a cycle
                    // (RMSprop) ends where rounding puts it: what moves is not quoted.
                    let alt = second_arithmetic(s, &best, e.key, &raw_error);
                    r.number_sci(&format!("{key}_error"), error, 2).number_sci(&format!("{key}_error_alt"), alt.error, 2);
                    let [w2, b2] = alt.end;
                    if fmt_sig(w2, 7) != shown_w || fmt_sig(b2, 7) != shown_b {
                        (shown_w, shown_b) = ("a cycle".into(), "a cycle".into());
                        cycles = true;
                    }
                    let within = format!("not within {}", fmt_count(BUDGET as f64));
                    if fmt_sci(error, 1) == fmt_sci(alt.error, 1) {
                        (format!("{within} (error {})", fmt_sci(error, 1)), "not within budget", -1)
                    } else {
                        let (lo, hi) = (error.min(alt.error), error.max(alt.error));
                        (format!("{within} (error {} to {}: rounding decides)", fmt_sci(lo, 1), fmt_sci(hi, 1)), "not within budget", -1)
                    }
                }
                Reach::Diverged(k) => (format!("diverged at {k}"), "diverged", -1),
            };
            let p = e.rho.map(|rho| predicted(rho, shrink));
            if let (Some(rho), Reach::NotReached { .. }) = (e.rho, end) {
                // Where theory says the budget leaves the error: δ₀·ρ^budget.
                r.number_sci(&format!("{key}_error_predicted"), e0 * rho.powf(BUDGET as f64), 2);
            }
            r.text(&format!("{key}_status"), status).integer(&format!("{key}_iterations"), count);
            r.number(&format!("{key}_predicted"), p.unwrap_or(-1.0), 6);
            r.number(&format!("{key}_w"), w, 6).number(&format!("{key}_b"), b, 6);
            let transient = e.double_root.and_then(|dr| transient_prediction(s, dr, EPS, &|t| raw_error(to_raw(t))));
            // Diagonal steps: the distance shrinks by ρ² = r² every second step and jumps up
            // in between (chapter 6), so the first even step past ln(ε/δ₀)/ln ρ.
            let transient = match (e.key, e.rho) {
                ("diagonal", Some(rho)) if s.key == "raw" && rho > 0.0 && rho < 1.0 => Some(2 * ((shrink.ln() / rho.ln()) / 2.0).ceil() as usize),
                _ => transient,
            };
            if let Some(k) = transient {
                r.integer(&format!("{key}_transient"), k as i64);
            }
            if let Some(rho) = e.rho {
                r.number(&format!("{key}_rho"), rho, 6);
            }
            table += &format!(
                "| {} | {} | {} | {measured} | {} | {} |\n",
                label(e.key),
                if s.key == "raw" { "raw" } else { "standardized" },
                e.params,
                shown_w,
                shown_b
            );
            if s.key == "raw" {
                rates += &format!(
                    "| {} | {} | {} | {} | {} | {measured} |\n",
                    label(e.key),
                    e.formula,
                    e.rho.map_or("—".into(), |rho| fmt_sig(rho, 6)),
                    p.map_or("—".into(), fmt_count),
                    transient.map_or("—".into(), |k| fmt_count(k as f64)),
                );
            }
            if e.key != "gd_best" {
                // A fresh copy for the figures: `reach_by` changed the optimizer's state.
                let mut fresh = entries(s, &best).into_iter().find(|f| f.key == e.key).expect("same list").opt;
                let steps = if s.key == "raw" { SHOWN_RAW } else { SHOWN_STD };
                traces.push((e.key, run_quadratic(fresh.as_mut(), &s.q, s.start, steps)));
            }
        }
        shown.push(traces);
    }
    if cycles {
        table += "\n*A cycle*: the run ends going round the optimum, and its last point moves when the same \
                  steps are computed another way (the gradient summed point by point, from a start a few \
                  rounding units away), so no final value is shown.\n";
    }
    r.file("optimizers.md", table);
    r.file("rates.md", rates);

    // How large the adaptive methods' steps get, in units of η (the larger coordinate).
    for (i, s) in settings.iter().enumerate() {
        for (key, t) in shown[i].iter().filter(|(k, _)| matches!(*k, "adagrad" | "rmsprop" | "adam")) {
            let steps: Vec<f64> =
                (1..t.w.len()).map(|k| (t.w[k] - t.w[k - 1]).abs().max((t.b[k] - t.b[k - 1]).abs()) / t.lr).collect();
            r.number(&format!("{key}_{}_first_step", s.key), steps[0], 6);
            r.number(&format!("{key}_{}_max_step", s.key), steps.iter().copied().fold(0.0, f64::max), 4);
        }
    }
    let (rms, adam) = (RmsProp::new(1.0), Adam::new(1.0));
    r.number("rmsprop_step_bound", 1.0 / (1.0 - rms.alpha).sqrt(), 4);
    r.number("adam_sparse_step", (1.0 - adam.beta1) / (1.0 - adam.beta2).sqrt(), 4);
    r.number("adam_step_bound", adam_step_bound(adam.beta1, adam.beta2), 4);
    r.number("adam_worst_growth", adam.beta2 / adam.beta1, 3);
    r.number("start_rel_error", settings[0].q.relative_error(settings[0].start), 3);
    // Heavy ball's transient coefficient γ = f/z − 1 along the steep direction (see `transient`).
    let hb = Momentum::optimal(c.lambda_min, c.lambda_max);
    let (f, root) = (1.0 - hb.lr * c.lambda_max, (1.0 + hb.beta - hb.lr * c.lambda_max) / 2.0);
    r.number("momentum_raw_b_steep", f / root - 1.0, 2);
    // What the transient costs: the rebuilt (= measured) count beyond the rate's prediction.
    for key in ["momentum_raw", "nesterov_raw"] {
        let j = r.json();
        let (t, p) = (j[format!("{key}_transient")].as_i64(), j[format!("{key}_predicted")].as_f64());
        if let (Some(t), Some(p)) = (t, p) {
            r.integer(&format!("{key}_transient_extra"), t - p as i64);
        }
    }
    // Figure 7.2's alt text: where heavy ball's curve is at the end of the figure.
    if let Some((_, t)) = shown[0].iter().find(|(k, _)| *k == "momentum") {
        let q = &settings[0].q;
        let end = [t.w[t.w.len() - 1], t.b[t.b.len() - 1]];
        r.number_sci("momentum_raw_shown_end_excess", q.excess(end) / q.excess(settings[0].start), 1);
        r.integer("shown_raw_steps", (t.w.len() - 1) as i64);
    }

    // Mini-batches: the spread around θ* at the end of each epoch.
    // The rows the mini-batch experiment replays: all, or above MAX_ROWS a seeded sample.
    let sample = data::seeded_sample(d, MAX_ROWS)?;
    r.integer("minibatch_rows", sample.len() as i64);
    let clouds = minibatch_epochs(&mut r, &sample, d.len())?;
    // Batch size 1 → 10, reshuffled epochs, standardized data: b's spread ratio depends on the
    // seed, so it is quoted as the median and range over RATIO_SEEDS seeds (the book's first).
    {
        let st_s = Scaling::of(&sample.x, &sample.y)?;
        let (xs_s, ys_s) = st_s.apply(&sample.x, &sample.y);
        let q = Quadratic::of(&xs_s, &ys_s);
        let star_b = Quadratic::of(&sample.x, &sample.y).star[1].abs();
        let spread_b = |m: usize, seed: u64| {
            let ends = sgd_epochs(&xs_s, &ys_s, &q, m, SGD_LR_STD, EPOCHS, seed);
            let bs: Vec<f64> = ends[ends.len() / 2..].iter().map(|t| st_s.to_original((t[0], t[1])).1).collect();
            stats::std_dev(&bs) / star_b
        };
        let mut ratios: Vec<f64> =
            (0..RATIO_SEEDS).map(|k| ratio_or_zero(spread_b(1, data::BOOK_SEED + k), spread_b(10, data::BOOK_SEED + k))).collect();
        ratios.sort_by(f64::total_cmp);
        r.integer("sgd_reshuffled_seeds", RATIO_SEEDS as i64);
        r.number("sgd_reshuffled_batch_ratio", ratios[ratios.len() / 2], 3);
        r.number("sgd_reshuffled_batch_ratio_min", ratios[0], 3).number("sgd_reshuffled_batch_ratio_max", ratios[ratios.len() - 1], 3);
    }

    // With replacement, every step, standardized data: the setting of the √η and 1/√B laws.
    // There H = λI (λ = 2), so e ← (1 − ηλ)e − η·ξ with Cov ξ = Σ₁/B gives the stationary
    // covariance C = η·Σ₁/(B·λ(2 − ηλ)); mapped to (w, b) by the Jacobian of `to_original`.
    let q_std = &settings[1].q;
    let lam = settings[1].c.lambda_max;
    let sigma1 = gradient_covariance(&xs, &ys, q_std.star);
    let jac = [[st.y_sd / st.x_sd, 0.0], [-st.x_mean * st.y_sd / st.x_sd, st.y_sd]];
    let mut repl_table = String::from(
        "| batch size | η | spread of b / \\|b*\\|, measured | the law √(η·Σ₁/(B·λ(2 − ηλ))) | with each sample's curvature |\n|---:|---:|---:|---:|---:|\n",
    );
    r.integer("sgd_repl_eta_divisor", REPL_ETA_DIVISOR as i64);
    let mut max_se: f64 = 0.0;
    for (tag, m, lr) in [("1", 1, SGD_LR_STD), ("10", 10, SGD_LR_STD), ("1_quarter", 1, SGD_LR_STD / REPL_ETA_DIVISOR)] {
        let pts = sgd_with_replacement(&xs, &ys, q_std, m, lr, REPLACEMENT_STEPS);
        let bs: Vec<f64> = pts.iter().map(|t| st.to_original((t[0], t[1])).1).collect();
        let measured = stats::std_dev(&bs) / star[1].abs();
        let k = lr / (m as f64 * lam * (2.0 - lr * lam));
        // (J·C·Jᵀ)_bb with C = k·Σ₁.
        let jb = jac[1];
        let cbb = k * (jb[0] * (sigma1[0][0] * jb[0] + sigma1[0][1] * jb[1]) + jb[1] * (sigma1[1][0] * jb[0] + sigma1[1][1] * jb[1]));
        let predicted = cbb.max(0.0).sqrt() / star[1].abs(); // C is positive semi-definite: a negative value is rounding
        let cc = replacement_covariance(&xs, q_std.h, sigma1, lr, m);
        let full = (jb[0] * (cc[0][0] * jb[0] + cc[0][1] * jb[1]) + jb[1] * (cc[1][0] * jb[0] + cc[1][1] * jb[1])).max(0.0).sqrt() / star[1].abs();
        r.number(&format!("sgd_repl_{tag}_spread_b"), measured, 3).number(&format!("sgd_repl_{tag}_predicted_b"), predicted, 3);
        r.number(&format!("sgd_repl_{tag}_curvature_b"), full, 3);
        // The measurement's own uncertainty: the recorded steps are correlated, each error
        // decaying by a = 1 − ηλ per step (H = λI), so N of them estimate a variance with
        // relative variance (2/N)·(1 + a²)/(1 − a²), and the spread (its root) half of that
        // relative error.
        let a = 1.0 - lr * lam;
        let se = 0.5 * (2.0 / pts.len() as f64 * (1.0 + a * a) / (1.0 - a * a)).sqrt();
        r.number(&format!("sgd_repl_{tag}_rel_se"), se, 2);
        max_se = max_se.max(se);
        repl_table += &format!("| {m} | {} | {} | {} | {} |\n", fmt_sig(lr, 3), fmt_sci(measured, 3), fmt_sci(predicted, 3), fmt_sci(full, 3));
    }
    r.file("minibatch-replacement.md", repl_table);
    r.number("sgd_repl_rel_se_max_pct", 100.0 * max_se, 2);
    let j = r.json();
    let v = |k: &str| j[k].as_f64().unwrap_or(0.0);
    r.number("sgd_repl_batch_ratio", ratio_or_zero(v("sgd_repl_1_spread_b"), v("sgd_repl_10_spread_b")), 3);
    r.number("sgd_repl_eta_ratio", ratio_or_zero(v("sgd_repl_1_spread_b"), v("sgd_repl_1_quarter_spread_b")), 3);
    r.number("sgd_repl_eta_ratio_predicted", ratio_or_zero(v("sgd_repl_1_predicted_b"), v("sgd_repl_1_quarter_predicted_b")), 3);
    r.number("sqrt_ten", 10f64.sqrt(), 3);
    r.number("sgd_relax_steps", 1.0 / (SGD_LR_RAW * c.lambda_min), 3);
    r.integer("sgd_raw_1_steps", (EPOCHS * sample.len()) as i64);
    r.number("x_mean", st.x_mean, 4);

    plot::figure(&mut r, "ch7-trajectories-raw", |frame| trajectory_panels(&settings[0], &shown[0], frame))?;
    plot::figure(&mut r, "ch7-trajectories-std", |frame| trajectory_figure(&settings[1], &shown[1], true, frame))?;
    // The raw loss figure keeps the three curves the text needs.
    let three: Vec<(&str, Trace)> =
        shown[0].iter().filter(|(k, _)| matches!(*k, "gd_inv" | "momentum" | "adam")).map(|(k, t)| (*k, t.clone())).collect();
    plot::figure(&mut r, "ch7-loss-raw", |frame| loss_figure(&settings[0], &three, "Raw data: gradient descent stalls; momentum and Adam get there", frame))?;
    plot::figure(&mut r, "ch7-loss-std", |frame| loss_figure(&settings[1], &shown[1], "Standardized: κ = 1, and the plain methods finish at once", frame))?;
    plot::figure(&mut r, "ch7-sweep-raw", |frame| sweep_figure(&sweeps[0], "Raw data: the fixed-step methods blow up above their stability limits", frame))?;
    plot::figure(&mut r, "ch7-sweep-std", |frame| sweep_figure(&sweeps[1], "Standardized data: wide, forgiving ranges", frame))?;
    plot::figure(&mut r, "ch7-minibatch", |frame| minibatch_figure(&clouds, frame))?;
    r.file("widget.json", playground_json(d)?);

    let summary = format!(
        "κ = {} raw, {} standardized\n\
         raw, iterations to 1e-6: heavy ball {} (asymptotic rate predicts {}, with the transient {}); Adam {}; Newton 1\n",
        fmt_sig(c.condition_number(), 4),
        fmt_sig(settings[1].c.condition_number(), 4),
        r.json()["momentum_raw_iterations"],
        r.json()["momentum_raw_predicted"],
        r.json()["momentum_raw_transient"],
        r.json()["adam_raw_iterations"],
    );
    Ok((r, summary))
}

/// The playground's three ways to present the data: (key, label, scaling). Raw and
/// centered are written as [`Scaling`]s too (means 0 or x̄, spreads 1), so one pair of
/// maps, `apply` and `to_original`, serves all three.
pub fn playground_settings(d: &Dataset) -> Result<[(&'static str, &'static str, Scaling); 3]> {
    let st = Scaling::of(&d.x, &d.y)?;
    let raw = Scaling { x_mean: 0.0, x_sd: 1.0, y_mean: 0.0, y_sd: 1.0 };
    Ok([
        ("raw", "raw", raw),
        ("centered", "centred x", Scaling { x_mean: st.x_mean, ..raw }),
        ("std", "standardized", st),
    ])
}

/// Momentum's β in the playground (as in the sweep).
pub const PLAYGROUND_BETA: f64 = SWEEP_BETA;

/// What the gradient-descent playground needs: per setting the transformed data (the
/// optimizer runs on exactly these numbers), the start ([`START`] in that setting's
/// coordinates), the quadratic's optimum, floor, Hessian and eigen-decomposition (for
/// the contour ellipses and the excess loss), a window and contour levels; plus the
/// divergence rule of [`gd::has_diverged`] and the optimizers' constants.
fn playground_json(d: &Dataset) -> Result<String> {
    // Structs rather than `json!`: the same text, without a `Value` per data point.
    #[derive(serde::Serialize)]
    struct Setting {
        key: &'static str,
        label: &'static str,
        x: Vec<f64>,
        y: Vec<f64>,
        scaling: [f64; 4],
        start: [f64; 2],
        star: [f64; 2],
        floor: f64,
        hessian: crate::curvature::Sym2,
        eigen: crate::curvature::EigenJson,
        max_stable_lr: f64,
        window: super::ch2::Window,
        levels: Vec<f64>,
    }
    #[derive(serde::Serialize)]
    struct AdamSettings {
        beta1: f64,
        beta2: f64,
        eps: f64,
    }
    #[derive(serde::Serialize)]
    struct Playground {
        divergence_factor: f64,
        momentum_beta: f64,
        adam: AdamSettings,
        settings: Vec<Setting>,
    }
    let mut settings = Vec::new();
    for (key, label, sc) in playground_settings(d)? {
        let (x, y) = sc.apply(&d.x, &d.y);
        let q = Quadratic::of(&x, &y);
        let c = Curvature::of(&x);
        let start = <[f64; 2]>::from(sc.to_standardized(START));
        let pad = |a: f64, b: f64| {
            let (lo, hi) = (a.min(b), a.max(b));
            let m = 0.25 * (hi - lo);
            (lo - m, hi + m)
        };
        let (mut wlo, mut whi) = pad(start[0], q.star[0]);
        let (mut blo, mut bhi) = pad(start[1], q.star[1]);
        if key == "std" {
            // Both axes in standard units: one scale, so the round contours look round
            // (and wider, as Adam's first steps overshoot).
            let half = 0.8 * (whi - wlo).max(bhi - blo);
            let (wm, bm) = ((wlo + whi) / 2.0, (blo + bhi) / 2.0);
            (wlo, whi, blo, bhi) = (wm - half, wm + half, bm - half, bm + half);
        }
        let top = [(wlo, blo), (wlo, bhi), (whi, blo), (whi, bhi)]
            .iter()
            .map(|&(w, b)| q.excess([w, b]))
            .fold(0.0, f64::max);
        settings.push(Setting {
            key,
            label,
            x,
            y,
            scaling: [sc.x_mean, sc.x_sd, sc.y_mean, sc.y_sd],
            start,
            star: q.star,
            floor: q.floor,
            hessian: q.h,
            eigen: c.eigen_json(),
            max_stable_lr: c.max_stable_lr(),
            window: super::ch2::Window { w: (wlo, whi), b: (blo, bhi) },
            levels: contour::excess_levels(q.floor, top, 9),
        });
    }
    let adam = Adam::new(1.0);
    Ok(crate::report::json_line(&Playground {
        divergence_factor: gd::DIVERGENCE_FACTOR,
        momentum_beta: PLAYGROUND_BETA,
        adam: AdamSettings { beta1: adam.beta1, beta2: adam.beta2, eps: adam.eps },
        settings,
    }))
}

/// The end-of-epoch spreads around θ* for every batch size, on raw and standardized data
/// (values and `minibatch.md`) on `d`, a sample of `of_rows` rows; returns the standardized
/// clouds for the figure.
fn minibatch_epochs(r: &mut Report, d: &Dataset, of_rows: usize) -> Result<Vec<(usize, Vec<[f64; 2]>)>> {
    let st = Scaling::of(&d.x, &d.y)?;
    let (xs, ys) = st.apply(&d.x, &d.y);
    let star = Quadratic::of(&d.x, &d.y).star;
    if star[0] == 0.0 || star[1] == 0.0 {
        return Err(Error::Data(
            "the least-squares slope or intercept of the mini-batch sample is exactly 0, so its spreads relative to |w*| and |b*| are undefined".into(),
        ));
    }
    let c = Curvature::of(&d.x);
    let mut mb_table = String::from(
        "| data | batch size | steps per epoch | spread of w / \\|w*\\| | spread of b / \\|b*\\| | ratio b / w |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut clouds = Vec::new();
    for (sk, xs_, ys_, lr, to_raw) in [
        ("raw", &d.x, &d.y, SGD_LR_RAW, Box::new(|t: [f64; 2]| t) as Box<dyn Fn([f64; 2]) -> [f64; 2]>),
        ("std", &xs, &ys, SGD_LR_STD, Box::new(move |t| st.to_original((t[0], t[1])).into())),
    ] {
        let q = Quadratic::of(xs_, ys_);
        for m in BATCHES {
            let ends = sgd_epochs(xs_, ys_, &q, m, lr, EPOCHS, data::BOOK_SEED);
            if ends.len() < EPOCHS {
                // The run stopped early: η is beyond the stable limit on these data.
                return Err(Error::Diverged {
                    iteration: ends.len() * d.len().div_ceil(m.min(d.len())),
                    lr,
                    what: format!(
                        "chapter 7's mini-batch runs (batch size {m}, {sk} data) need η below 2/λmax = {:.3e} \
                         on these data; the step size is the book's, so the chapter stops here",
                        Curvature::of(xs_).max_stable_lr()
                    ),
                });
            }
            let pts: Vec<[f64; 2]> = ends[EPOCHS / 2..].iter().map(|t| to_raw(*t)).collect();
            let sd = |i: usize| stats::std_dev(&pts.iter().map(|p| p[i]).collect::<Vec<_>>());
            let (rw, rb) = (sd(0) / star[0].abs(), sd(1) / star[1].abs());
            let label = if sk == "raw" {
                // No-break spaces: "η = 0.05" stays on one line in a narrow column.
                format!("raw, η\u{a0}=\u{a0}{}", fmt_sci(lr, 1))
            } else {
                format!("standardized, η\u{a0}=\u{a0}{lr}")
            };
            let steps = d.len().div_ceil(m.min(d.len()));
            if m >= d.len() && rw < FULL_BATCH_BOUND && rb < FULL_BATCH_BOUND {
                // The full batch: θ* is a fixed point, and what moves is rounding. Its spreads
                // are not locked as numbers, and their ratio (noise over noise) is not shown.
                // With fewer rows than the largest batches (a reader's small CSV), several batch
                // sizes are the full batch: the bound is one value.
                let key = format!("sgd_{sk}_full_batch_spread_below");
                if r.json().get(&key).is_none() {
                    r.number_sci(&key, FULL_BATCH_BOUND, 1);
                }
                let bound = format!("< {}", fmt_sci(FULL_BATCH_BOUND, 1));
                mb_table += &format!("| {label} | {m} | {steps} | {bound} | {bound} | —¹ |\n");
            } else {
                r.number(&format!("sgd_{sk}_{m}_spread_w"), rw, 3).number(&format!("sgd_{sk}_{m}_spread_b"), rb, 3);
                let ratio = if rw > 0.0 { rb / rw } else { 0.0 };
                r.number(&format!("sgd_{sk}_{m}_ratio"), ratio, 3);
                let shown = if rw > 0.0 { fmt_sig(ratio, 3) } else { "—".into() };
                mb_table += &format!("| {label} | {m} | {steps} | {} | {} | {shown} |\n", fmt_sci(rw, 2), fmt_sci(rb, 2));
            }
            if sk == "raw" {
                // In the eigenbasis: the spread along the flat and the steep direction.
                let along = |v: [f64; 2]| {
                    stats::std_dev(&pts.iter().map(|p| (p[0] - star[0]) * v[0] + (p[1] - star[1]) * v[1]).collect::<Vec<_>>())
                };
                r.number(&format!("sgd_raw_{m}_spread_flat"), along(c.v_min), 3);
                r.number(&format!("sgd_raw_{m}_spread_steep"), along(c.v_max), 3);
                // The with-replacement law along an eigen-direction v (every step recorded):
                // Var = η·vᵀΣₘv/(λ(2 − ηλ)), Σₘ the covariance of a batch gradient at θ*. It
                // does not describe the ends of reshuffled epochs: it is quoted as a contrast.
                let sigma = batch_gradient_covariance(d, star, m);
                let quad = |v: [f64; 2]| v[0] * (sigma[0][0] * v[0] + sigma[0][1] * v[1]) + v[1] * (sigma[1][0] * v[0] + sigma[1][1] * v[1]);
                let law = |v: [f64; 2], l: f64| (lr * quad(v) / (l * (2.0 - lr * l))).sqrt();
                r.number(&format!("sgd_raw_{m}_law_flat"), law(c.v_min, c.lambda_min), 3);
                r.number(&format!("sgd_raw_{m}_law_steep"), law(c.v_max, c.lambda_max), 3);
                if m == 1 {
                    arrival(r, &d.x, &d.y, lr, &c, [law(c.v_min, c.lambda_min), law(c.v_max, c.lambda_max)])?;
                }
            } else if m < d.len() {
                clouds.push((m, pts));
            }
        }
    }
    if mb_table.contains("—¹") {
        mb_table += &format!(
            "\n¹ The batch is the whole data set: θ* is a fixed point, and the spreads, below {}, are \
             rounding; their ratio would be rounding over rounding.\n",
            fmt_sci(FULL_BATCH_BOUND, 1)
        );
    }
    mb_table += &data::sample_note(d.len(), of_rows);
    r.file("minibatch.md", mb_table);
    Ok(clouds)
}

/// Independent runs of the arrival experiment, and the most steps one of them may take.
pub const ARRIVAL_RUNS: usize = 16;
const ARRIVAL_MAX_STEPS: usize = 2_500_000;
/// How many relaxation times 1/(ηλmin) of the flat direction the arrival runs last.
pub const ARRIVAL_RELAXATIONS: f64 = 5.0;

/// Does the noise reach the flat direction? Reshuffled batch-size-1 SGD from θ* on raw data,
/// ARRIVAL_RUNS runs with their own seeds; the spread *across runs* (not over a window of one
/// run, whose epochs are correlated over a relaxation time) of the error along v_min and
/// v_max at the end of epoch EPOCHS and after ARRIVAL_RELAXATIONS relaxation times.
fn arrival(r: &mut Report, x: &[f64], y: &[f64], lr: f64, c: &Curvature, law: [f64; 2]) -> Result<()> {
    let n = x.len();
    let star = Quadratic::of(x, y).star;
    let relax_epochs = (ARRIVAL_RELAXATIONS / (lr * c.lambda_min) / n as f64).ceil();
    let late = (relax_epochs.min((ARRIVAL_MAX_STEPS / n) as f64) as usize).max(EPOCHS + 1);
    let at = [EPOCHS, late];
    if ARRIVAL_RUNS * late * n > ARRIVAL_RUNS * ARRIVAL_MAX_STEPS {
        // Many rows: the runs would take too long; the chapter's other tables stand.
        r.file("arrival.md", format!("The arrival runs were skipped: {} rows need {} steps per run.\n", n, fmt_count((late * n) as f64)));
        return Ok(());
    }
    let mut ends = vec![Vec::with_capacity(ARRIVAL_RUNS); at.len()];
    // The steep direction settles within ~1/(ηλmax) steps, so every epoch end is a fresh draw
    // of its spread: pooling the last EPOCHS/2 epoch ends before each time (all runs) measures
    // it to about 1 %, where 16 runs alone leave about ±18 %.
    let mut steep_pool = vec![Vec::new(); at.len()];
    for run in 0..ARRIVAL_RUNS {
        let mut rng = ChaCha8Rng::seed_from_u64(data::BOOK_SEED + 1 + run as u64);
        let mut order: Vec<usize> = (0..n).collect();
        let mut theta = star;
        for epoch in 1..=late {
            order.shuffle(&mut rng);
            for i in 0..n {
                let g = crate::grad::batch_gradient_sum(x, y, theta, &order[i..=i]);
                theta = [theta[0] - lr * g[0], theta[1] - lr * g[1]];
            }
            if !(theta[0].is_finite() && theta[1].is_finite()) {
                return Err(Error::Diverged { iteration: epoch * n, lr, what: "chapter 7's arrival runs (batch size 1, raw data)".into() });
            }
            if let Some(j) = at.iter().position(|&e| e == epoch) {
                ends[j].push([theta[0] - star[0], theta[1] - star[1]]);
            }
            for (j, &e) in at.iter().enumerate() {
                if epoch + EPOCHS / 2 > e && epoch <= e {
                    steep_pool[j].push((theta[0] - star[0]) * c.v_max[0] + (theta[1] - star[1]) * c.v_max[1]);
                }
            }
        }
    }
    r.integer("arrival_runs", ARRIVAL_RUNS as i64).integer("arrival_late_epoch", late as i64).number("arrival_late_relaxations", (late * n) as f64 * lr * c.lambda_min, 2);
    // A spread from N independent runs has a relative standard error of about 1/√(2(N − 1)).
    r.number("arrival_rel_se_pct", 100.0 / (2.0 * (ARRIVAL_RUNS as f64 - 1.0)).sqrt(), 2);
    let mut table = format!(
        "| {} runs, batch size 1, raw data | steps per run | flat direction: the runs' mean, from θ* | flat: spread across runs, about their mean | flat: root-mean-square from θ* | steep: spread, last {} epoch ends of every run |\n|---|---:|---:|---:|---:|---:|\n",
        ARRIVAL_RUNS,
        EPOCHS / 2
    );
    for (j, tag) in ["end", "late"].iter().enumerate() {
        let flat_ends: Vec<f64> = ends[j].iter().map(|e| e[0] * c.v_min[0] + e[1] * c.v_min[1]).collect();
        let (flat, steep) = (stats::std_dev(&flat_ends), stats::std_dev(&steep_pool[j]));
        // Reshuffled epochs are not independent draws: their ends need not be centred on θ*.
        let offset = stats::mean(&flat_ends);
        let rms = (flat_ends.iter().map(|v| v * v).sum::<f64>() / flat_ends.len() as f64).sqrt();
        r.number(&format!("arrival_{tag}_flat"), flat, 3).number(&format!("arrival_{tag}_steep"), steep, 3);
        r.number(&format!("arrival_{tag}_flat_offset"), offset.abs(), 3).number(&format!("arrival_{tag}_flat_rms"), rms, 3);
        let when = if j == 0 { format!("end of epoch {} (the runs above)", fmt_count(at[0] as f64)) } else { format!("end of epoch {}", fmt_count(at[1] as f64)) };
        table += &format!(
            "| {when} | {} | {} | {} | {} | {} |\n",
            fmt_count((at[j] * n) as f64),
            fmt_sci(offset, 2),
            fmt_sci(flat, 3),
            fmt_sci(rms, 3),
            fmt_sci(steep, 3)
        );
    }
    table += &format!("| with replacement, every step: the law | — | 0 | {} | {} | {} |\n", fmt_sci(law[0], 3), fmt_sci(law[0], 3), fmt_sci(law[1], 3));
    r.file("arrival.md", table);
    Ok(())
}

// ANCHOR: sgd
/// Mini-batch SGD from θ*: each epoch shuffles the samples (ChaCha8 from `seed`) and takes
/// one step per batch of `batch_size`. Returns θ at the end of every epoch.
fn sgd_epochs(x: &[f64], y: &[f64], q: &Quadratic, batch_size: usize, lr: f64, epochs: usize, seed: u64) -> Vec<[f64; 2]> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..x.len()).collect();
    let mut opt = Gd::new(lr);
    let (mut theta, start_loss) = (q.star, q.loss(q.star));
    let (mut ends, mut t) = (Vec::with_capacity(epochs), 0);
    for _ in 0..epochs {
        order.shuffle(&mut rng);
        for batch in order.chunks(batch_size.max(1)) {
            let [gw, gb] = crate::grad::batch_gradient_sum(x, y, theta, batch);
            theta = opt.step(theta, [gw / batch.len() as f64, gb / batch.len() as f64], t);
            t += 1;
            if gd::has_diverged(q.loss(theta), start_loss) {
                return ends; // fewer than `epochs` ends: the caller reports the divergence
            }
        }
        ends.push(theta);
    }
    ends
}
// ANCHOR_END: sgd

/// a/b, or 0 when b is 0 (data a line fits exactly: no noise, so nothing to compare).
fn ratio_or_zero(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Mini-batch SGD from θ* drawing each batch's `m` samples independently, with replacement
/// (seeded ChaCha8): the sampling that the √η and 1/√B laws describe. Returns θ after each
/// of `steps` steps that follow a burn-in.
fn sgd_with_replacement(x: &[f64], y: &[f64], q: &Quadratic, m: usize, lr: f64, steps: usize) -> Vec<[f64; 2]> {
    let n = x.len();
    let mut rng = ChaCha8Rng::seed_from_u64(data::BOOK_SEED);
    let grad = |theta: [f64; 2], _t: usize| {
        let (mut gw, mut gb) = (0.0, 0.0);
        for _ in 0..m {
            let i = rng.random_range(0..n);
            let residual = theta[0] * x[i] + theta[1] - y[i];
            gw += 2.0 * residual * x[i];
            gb += 2.0 * residual;
        }
        [gw / m as f64, gb / m as f64]
    };
    let trace = run(&mut Gd::new(lr), q.star, REPLACEMENT_BURN_IN + steps, grad, |t| q.loss(t));
    (REPLACEMENT_BURN_IN + 1..trace.w.len()).map(|k| [trace.w[k], trace.b[k]]).collect()
}

// ANCHOR: replacement_covariance
/// The stationary covariance C of e = θ − θ* for mini-batch SGD with replacement, without
/// the textbook law's shortcut. A batch of B samples has gradient Ĥ·e + ξ, with Ĥ the mean
/// of the samples' own Hessians Hᵢ = 2·[[xᵢ², xᵢ], [xᵢ, 1]] and ξ their gradients at θ*
/// (mean 0, covariance Σ₁/B). e is independent of the batch and has mean 0, so
/// C = E[(I − ηĤ)·C·(I − ηĤ)ᵀ] + η²Σ₁/B, and E[ĤCĤ] = HCH + K(C)/B with
/// K(C) = mean(Hᵢ·C·Hᵢ) − HCH. Divided by η:
///   H·C + C·H − η·HCH − (η/B)·K(C) = (η/B)·Σ₁.
/// The law ηΣ₁/(Bλ(2 − ηλ)) is this with K dropped (the noise taken as independent of e) and
/// H = λI. The three unknowns of the symmetric C come from Cramer's rule.
fn replacement_covariance(x: &[f64], h: [[f64; 2]; 2], sigma1: [[f64; 2]; 2], lr: f64, batch_size: usize) -> [[f64; 2]; 2] {
    let m = batch_size as f64;
    type M = [[f64; 2]; 2];
    let mul = |a: M, b: M| -> M { std::array::from_fn(|i| std::array::from_fn(|j| a[i][0] * b[0][j] + a[i][1] * b[1][j])) };
    let n = x.len() as f64;
    let k_of = |c: M| -> M {
        let mut s = [[0.0; 2]; 2];
        for &xi in x {
            let hi = [[2.0 * xi * xi, 2.0 * xi], [2.0 * xi, 2.0]];
            let t = mul(mul(hi, c), hi);
            for i in 0..2 {
                for j in 0..2 {
                    s[i][j] += t[i][j] / n;
                }
            }
        }
        let hch = mul(mul(h, c), h);
        std::array::from_fn(|i| std::array::from_fn(|j| s[i][j] - hch[i][j]))
    };
    let op = |c: M| -> [f64; 3] {
        let (hc, ch, hch, k) = (mul(h, c), mul(c, h), mul(mul(h, c), h), k_of(c));
        let a: M = std::array::from_fn(|i| std::array::from_fn(|j| hc[i][j] + ch[i][j] - lr * hch[i][j] - lr / m * k[i][j]));
        [a[0][0], a[0][1], a[1][1]]
    };
    let cols = [op([[1.0, 0.0], [0.0, 0.0]]), op([[0.0, 1.0], [1.0, 0.0]]), op([[0.0, 0.0], [0.0, 1.0]])];
    let rhs = [lr / m * sigma1[0][0], lr / m * sigma1[0][1], lr / m * sigma1[1][1]];
    let det3 = |c: [[f64; 3]; 3]| {
        c[0][0] * (c[1][1] * c[2][2] - c[2][1] * c[1][2]) - c[1][0] * (c[0][1] * c[2][2] - c[2][1] * c[0][2])
            + c[2][0] * (c[0][1] * c[1][2] - c[1][1] * c[0][2])
    };
    let d = det3(cols);
    let solve = |k: usize| {
        let mut c = cols;
        c[k] = rhs;
        det3(c) / d
    };
    let (c00, c01, c11) = (solve(0), solve(1), solve(2));
    [[c00, c01], [c01, c11]]
}
// ANCHOR_END: replacement_covariance

/// Covariance of one sample's gradient at θ over the data set (population, divided by n).
fn gradient_covariance(x: &[f64], y: &[f64], theta: [f64; 2]) -> [[f64; 2]; 2] {
    let n = x.len() as f64;
    let g: Vec<[f64; 2]> = x.iter().zip(y).map(|(&x, &y)| {
        let r = 2.0 * (theta[0] * x + theta[1] - y);
        [r * x, r]
    }).collect();
    let mean = [g.iter().map(|v| v[0]).sum::<f64>() / n, g.iter().map(|v| v[1]).sum::<f64>() / n];
    std::array::from_fn(|i| std::array::from_fn(|j| g.iter().map(|v| (v[i] - mean[i]) * (v[j] - mean[j])).sum::<f64>() / n))
}

/// Covariance of the gradient of a batch of `m` samples drawn without replacement, at θ
/// (at θ* the mean per-sample gradient is zero): Σ/m·(n − m)/(n − 1).
fn batch_gradient_covariance(d: &Dataset, theta: [f64; 2], m: usize) -> [[f64; 2]; 2] {
    let n = d.len() as f64;
    let m = (m as f64).min(n);
    let g: Vec<[f64; 2]> = d.x.iter().zip(&d.y).map(|(&x, &y)| {
        let r = 2.0 * (theta[0] * x + theta[1] - y);
        [r * x, r]
    }).collect();
    let mean = [g.iter().map(|v| v[0]).sum::<f64>() / n, g.iter().map(|v| v[1]).sum::<f64>() / n];
    let factor = if n > 1.0 { (n - m) / (n - 1.0) / m } else { 0.0 };
    std::array::from_fn(|i| std::array::from_fn(|j| {
        factor * g.iter().map(|v| (v[i] - mean[i]) * (v[j] - mean[j])).sum::<f64>() / n
    }))
}

/// An optimizer's sweep: (η, final relative excess loss or `None` if diverged), and its best η.
type SweepCurve<'a> = (&'a str, Vec<(f64, Option<f64>)>, f64);

/// Every `k`-th point, and always the last, so long paths stay light.
fn thin(n: usize, max: usize) -> impl Iterator<Item = usize> {
    let k = n.div_ceil(max).max(1);
    (0..n).filter(move |i| i % k == 0 || *i + 1 == n)
}

fn trajectory_figure(s: &Setting, traces: &[(&str, Trace)], standardized: bool, frame: Frame) -> Result<String> {
    let star = s.q.star;
    let pad = |lo: f64, hi: f64| {
        let m = 0.15 * (hi - lo);
        (lo - m, hi + m)
    };
    let (wlo, whi) = pad(s.start[0].min(star[0]), s.start[0].max(star[0]));
    let (blo, bhi) = pad(s.start[1].min(star[1]), s.start[1].max(star[1]));
    let (wlo, whi) = if standardized { (wlo.min(-0.2), whi.max(1.2)) } else { (wlo - 3.0, whi + 3.0) };
    // Raw: room above the paths for the legend, so that it covers no step.
    // Standardized: the minimum (b̃* = 0) inside the frame, not on its top edge.
    let bhi = if standardized { bhi + 0.25 * (bhi - blo) } else { bhi + 0.6 * (bhi - blo) };
    let grid = Grid::sample(plot::linspace(wlo, whi, 121), plot::linspace(blo, bhi, 121), |w, b| s.q.loss([w, b]));
    let top = grid.max() - s.q.floor;
    let levels = contour::excess_levels(s.q.floor, top, 9);
    let (title, xd, yd) = if standardized {
        ("Standardized: one straight step, or a detour along the diagonal", "w̃ (standardized slope)", "b̃ (standardized intercept)")
    } else {
        ("Raw data: the valley floor is where the methods differ", "slope w (€/m²)", "intercept b (€)")
    };
    let labels: Vec<&str> = traces.iter().map(|(key, _)| label(key)).collect();
    // The contours fill the plot: the legend goes beside it (below it on a phone).
    plot::render(frame.size((800, 560), 440 + plot::legend_room(frame, labels.len())), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_right(15 + plot::legend_room_right(frame, &labels))
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 65))
            .build_cartesian_2d(wlo..whi, blo..bhi)?;
        plot::style_mesh(&mut chart, xd, yd)?;
        // Thin, but opaque: a contour stands 3:1 against the tile like every mark.
        for (k, &level) in levels.iter().enumerate() {
            let col = plot::viridis(k as f64 / (levels.len() - 1) as f64 * 0.9);
            chart.draw_series(contour::contour(&grid, level).into_iter().map(|seg| PathElement::new(seg.to_vec(), col.stroke_width(1))))?;
        }
        let inside = |w: f64, b: f64| (wlo..=whi).contains(&w) && (blo..=bhi).contains(&b);
        // Newton first and widest, so that the one-step methods drawn over it stay visible.
        let mut order: Vec<&(&str, Trace)> = traces.iter().collect();
        order.sort_by_key(|(k, _)| ["newton", "gd_inv", "diagonal", "momentum"].iter().position(|n| n == k).unwrap_or(4));
        for (key, t) in order {
            let col = colour(key);
            // Newton widest, under the others; Adam's large steps thin, so that the paths it
            // crosses stay visible.
            // Standardized, the one-step methods share one straight line: nested widths
            // (Newton widest, then GD, diagonal, heavy ball, Nesterov) keep each visible.
            let width = match (*key, standardized) {
                ("newton", true) => 13,
                ("gd" | "gd_inv", true) => 10,
                ("diagonal", true) => 7,
                ("momentum", true) => 4,
                ("newton", false) => 7,
                ("adam", _) => 1,
                _ => 2,
            };
            // Opaque (grey at 70 % is 2.6:1 on white, under the 3:1 every mark keeps).
            let col_line = col.mix(1.0);
            // Only the parts of the path inside the window (large Adam steps leave it).
            // Every step: thinning would hide the alternating steps of a zig-zag.
            for seg in segments_inside(t, inside) {
                chart.draw_series(LineSeries::new(seg, col_line.stroke_width(width)))?;
            }
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(label(key))
                .legend(plot::line_glyph(col, 3));
        }
        chart.draw_series([Circle::new((s.start[0], s.start[1]), 6, palette::INK.filled())])?;
        chart.draw_series([Cross::new((star[0], star[1]), 9, palette::FIT.stroke_width(3))])?;
        plot::legend(&mut chart, &area, frame, &[], &labels)?;
        Ok(())
    })
}

/// Raw data, one optimizer per panel (two columns), every panel on the same window and the
/// same contours: small multiples instead of eight paths on one plot.
/// On a phone the panels stack in one column.
fn trajectory_panels(s: &Setting, traces: &[(&str, Trace)], frame: Frame) -> Result<String> {
    let star = s.q.star;
    let (wlo, whi) = (s.start[0].min(star[0]) - 4.0, s.start[0].max(star[0]) + 4.0);
    let pad = 0.15 * (s.start[1] - star[1]).abs();
    let (blo, bhi) = (s.start[1].min(star[1]) - pad, s.start[1].max(star[1]) + pad);
    let grid = Grid::sample(plot::linspace(wlo, whi, 81), plot::linspace(blo, bhi, 81), |w, b| s.q.loss([w, b]));
    let levels = contour::excess_levels(s.q.floor, grid.max() - s.q.floor, 7);
    let columns = frame.px(2, 1) as usize;
    let rows = traces.len().div_ceil(columns);
    let size = frame.size((plot::SIZE.0, 40 + 230 * rows as u32), 64 + 200 * rows as u32);
    plot::render(size, |root| -> DrawResult {
        let area = plot::title(root, "Raw data, one optimizer per panel, same window")?;
        for (k, (panel, (key, t))) in area.split_evenly((rows, columns)).iter().zip(traces).enumerate() {
            // Axis descriptions on the bottom row and left column only; a phone's one
            // column keeps each panel's x ticks.
            let (bottom, left) = (k / columns + 1 == rows, k % columns == 0);
            let mut chart = ChartBuilder::on(panel)
                .caption(label(key), plot::label_style())
                .margin(8)
                .x_label_area_size(if bottom { 42 } else if frame.is_narrow() { 24 } else { 22 })
                .y_label_area_size(if left { 62 } else { 40 })
                .build_cartesian_2d(wlo..whi, blo..bhi)?;
            plot::style_mesh(&mut chart, if bottom { "slope w (€/m²)" } else { "" }, if left { "intercept b (€)" } else { "" })?;
            for (j, &level) in levels.iter().enumerate() {
                let col = plot::viridis(j as f64 / (levels.len() - 1) as f64 * 0.9);
                // Thin, but opaque: 3:1 against the tile like every mark.
                chart.draw_series(contour::contour(&grid, level).into_iter().map(|seg| PathElement::new(seg.to_vec(), col.stroke_width(1))))?;
            }
            let inside = |w: f64, b: f64| (wlo..=whi).contains(&w) && (blo..=bhi).contains(&b);
            let col = panel_colour(key);
            for seg in segments_inside(t, inside) {
                chart.draw_series(LineSeries::new(seg, col.stroke_width(2)))?;
            }
            chart.draw_series([Circle::new((s.start[0], s.start[1]), 4, palette::INK.filled())])?;
            chart.draw_series([Cross::new((star[0], star[1]), 7, palette::FIT.stroke_width(3))])?;
        }
        Ok(())
    })
}

/// A path colour dark enough to read on white in a panel of its own (yellow is 1.3:1).
fn panel_colour(key: &str) -> RGBColor {
    match colour(key) {
        c if c == palette::YELLOW || c == palette::ORANGE || c == palette::SKY => RGBColor(c.0 / 2 + 20, c.1 / 2 + 10, c.2 / 2),
        c => c,
    }
}

fn loss_figure(s: &Setting, traces: &[(&str, Trace)], title: &str, frame: Frame) -> Result<String> {
    const FLOOR: f64 = 1e-24;
    let excess0 = s.q.excess(s.start);
    let curves: Vec<Curve<'_>> = traces
        .iter()
        .map(|(key, t)| {
            let pts = thin(t.loss.len(), 600).map(|k| (k as f64, (s.q.excess([t.w[k], t.b[k]]) / excess0).max(FLOOR))).collect();
            (label(key), colour(key), pts)
        })
        .collect();
    let xmax = traces.iter().map(|t| t.1.loss.len() - 1).max().unwrap_or(1);
    super::ch6::log_y_figure(title, "iteration t", "(L − L*) / (L₀ − L*) (log scale, floor 10⁻²⁴)", &curves, xmax, frame)
}

fn sweep_figure(curves: &[SweepCurve<'_>], title: &str, frame: Frame) -> Result<String> {
    let (lo, hi) = (curves[0].1[0].0, curves[0].1.last().expect("a grid").0);
    let ymin = curves.iter().flat_map(|c| c.1.iter().filter_map(|p| p.1)).fold(1.0f64, f64::min).max(SWEEP_FLOOR);
    let ymax = curves.iter().flat_map(|c| c.1.iter().filter_map(|p| p.1)).fold(1.0f64, f64::max);
    let labels: Vec<&str> = curves.iter().map(|c| sweep_label(c.0)).collect();
    // On a phone the plot stays tall enough for its long y label, the legend below it.
    plot::render(frame.size(plot::SIZE, 620 + plot::legend_room(frame, labels.len())), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_right(frame.px(15, 24))
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(85)
            // The floor one decade above the axis, on a labelled tick.
            .build_cartesian_2d(
                (lo / 1.3..hi * 1.3).log_scale(),
                (ymin / 10.0..ymax * 10.0).log_scale().with_key_points(plot::log_ticks(ymin, ymax * 10.0)),
            )?;
        plot::style_mesh_scaled(&mut chart, "learning rate η (log scale)", "(L − L*)/(L₀ − L*) after 1000 steps (floor 10⁻³²)", (true, true))?;
        for (key, pts, _) in curves {
            let col = colour(key);
            // Consecutive stable points as one line; a diverged run breaks it.
            let mut segment: Vec<(f64, f64)> = Vec::new();
            let mut segments = Vec::new();
            for (lr, v) in pts {
                match v {
                    Some(v) => segment.push((*lr, *v)),
                    None => segments.push(std::mem::take(&mut segment)),
                }
            }
            segments.push(segment);
            for seg in segments.into_iter().filter(|s| !s.is_empty()) {
                chart.draw_series(seg.iter().map(|p| Circle::new(*p, 3, col.filled())))?;
                chart.draw_series(LineSeries::new(seg, col.stroke_width(2)))?;
            }
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(sweep_label(key))
                .legend(plot::line_glyph(col, 3));
        }
        let drawn: Vec<Vec<(f64, f64)>> = curves.iter().map(|(_, pts, _)| pts.iter().filter_map(|(lr, v)| v.map(|v| (*lr, v))).collect()).collect();
        let series: Vec<&[(f64, f64)]> = drawn.iter().map(|v| v.as_slice()).collect();
        plot::legend(&mut chart, &area, frame, &series, &labels)?;
        Ok(())
    })
}

fn minibatch_figure(clouds: &[(usize, Vec<[f64; 2]>)], frame: plot::Frame) -> Result<String> {
    let star_pts: Vec<Vec<(f64, f64)>> = clouds.iter().map(|(_, p)| p.iter().map(|q| (q[0], q[1])).collect()).collect();
    let all = star_pts.iter().flatten();
    let (wlo, whi, blo, bhi) = all.fold((f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY), |a, p| {
        (a.0.min(p.0), a.1.max(p.0), a.2.min(p.1), a.3.max(p.1))
    });
    let (mw, mb) = (0.1 * (whi - wlo).max(1e-9), 0.1 * (bhi - blo).max(1e-9));
    let labels: Vec<String> = clouds.iter().map(|(m, _)| format!("batch size {m}, end of each epoch")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    plot::render(frame.size(plot::SIZE, 460), |root| -> DrawResult {
        let area = plot::title(root, "SGD from θ* (standardized, η = 0.05): lines pivot around (x̄, ȳ)")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 65))
            .build_cartesian_2d(wlo - mw..whi + mw, blo - mb..bhi + mb)?;
        plot::style_mesh(&mut chart, "slope w (€/m²)", "intercept b (€)")?;
        for ((m, _), pts) in clouds.iter().zip(&star_pts) {
            let col = if *m == 1 { palette::PURPLE } else { palette::SKY };
            chart
                .draw_series(pts.iter().map(|p| Circle::new(*p, 2, col.filled())))?
                .label(format!("batch size {m}, end of each epoch"))
                .legend(move |(x, y)| Circle::new((x + 11, y), 4, col.filled()));
        }
        let each: Vec<&[(f64, f64)]> = star_pts.iter().flat_map(|p| p.chunks(1)).collect();
        plot::legend(&mut chart, &area, frame, &each, &labels)?;
        Ok(())
    })
}


/// The runs of a path's points that lie inside the window, each as one polyline of at
/// least two points: a step that leaves the window breaks the line instead of drawing a
/// segment across the plot.
fn segments_inside(t: &Trace, inside: impl Fn(f64, f64) -> bool) -> Vec<Vec<(f64, f64)>> {
    let mut segments = vec![Vec::new()];
    for (&w, &b) in t.w.iter().zip(&t.b) {
        if inside(w, b) {
            segments.last_mut().expect("never empty").push((w, b));
        } else if !segments.last().expect("never empty").is_empty() {
            segments.push(Vec::new());
        }
    }
    segments.into_iter().filter(|s| s.len() > 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The chapter's claims are tested in `code/tests/claims_ch07.rs`.

    #[test]
    fn constant_x_is_a_clean_error() {
        let e = build(&Dataset::new(vec![3.0; 4], vec![1.0, 2.0, 3.0, 4.0]).unwrap()).unwrap_err();
        assert!(e.to_string().contains("every x is the same"));
    }
}
