//! Chapter 6 — step sizes: one learning rate per parameter, and schedules (the seed
//! answer's ×1.03 growth, 1/(1 + 0.01t), step decay, cosine), on the raw Paris data.

use plotters::prelude::*;

pub const ABOUT: &str = "Chapter 6: per-parameter learning rates (the Hessian's diagonal) and learning-rate schedules (growing, 1/(1+0.01t), step, cosine).";

use crate::curvature::{self, Curvature, Sym2};
use crate::data::{self, Dataset};
use crate::ddouble::{self, Dd};
use crate::error::{Error, Result};
use crate::gd::{self, Reach, Trace};
use crate::optimizers::{Gd, Schedule, reach, run_quadratic};
use crate::plot::{self, DrawResult, Frame, palette};
use crate::quadratic::Quadratic;
use crate::report::{Report, fmt_sci, fmt_sig};
use crate::standardize::Scaling;
use crate::stats;

pub mod wide;

/// The notebook's start, and the target of the long runs (as in chapter 4).
pub const START: (f64, f64) = (25.0, 100.0);
pub const EPS: f64 = 1e-6;
/// Length of the schedule experiments, and the seed's schedule constants.
pub const SCHEDULE_STEPS: usize = 1000;
pub const GROWTH: f64 = 1.03;
pub const DECAY: f64 = 0.01;
/// The step-decay schedule: halve every this many steps; the cosine's final fraction.
pub const STEP_EVERY: usize = 200;
pub const COSINE_FLOOR: f64 = 0.01;
/// The seed's per-parameter learning rates (k_lr, b_lr).
pub const SEED_LRS: [f64; 2] = [0.01, 0.1];
/// Step budget of the diagonal-step run (it needs a few hundred).
const DIAG_BUDGET: usize = 100_000;

/// Spectral radius of the iteration matrix I − D·H of gradient descent with per-parameter
/// steps D = diag(a, b): above 1, the run diverges.
pub fn spectral_radius(h: Sym2, a: f64, b: f64) -> f64 {
    let m = [[1.0 - a * h[0][0], -a * h[0][1]], [-b * h[1][0], 1.0 - b * h[1][1]]];
    let (tr, det) = (m[0][0] + m[1][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]);
    let disc = tr * tr / 4.0 - det;
    if disc >= 0.0 { (tr / 2.0).abs() + disc.sqrt() } else { det.sqrt() }
}

// ANCHOR: eta_b_limit
/// The largest stable η_b for a fixed η_w = a. D·H is similar to the symmetric positive
/// definite D^½·H·D^½, so I − D·H has real eigenvalues 1 − μ; the run becomes unstable
/// when the largest μ reaches 2, that is when det(2I − D·H) = 0:
///   (2 − a·H_ww)(2 − b·H_bb) − a·b·H_wb² = 0  ⇔  b = 2(2 − a·H_ww) / ((2 − a·H_ww)·H_bb + a·H_wb²).
pub fn eta_b_limit(h: Sym2, a: f64) -> f64 {
    let u = 2.0 - a * h[0][0];
    2.0 * u / (u * h[1][1] + a * h[0][1] * h[1][0])
}
// ANCHOR_END: eta_b_limit

/// How a run of the ×1.03 schedule ended: the step the divergence test stopped it (None: it
/// ran to the end), and its best |b − b*| with the step it was reached at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrowRun {
    pub diverged_at: Option<usize>,
    pub best_at: usize,
    pub best_b_error: f64,
}

/// The arithmetic a replay of the ×1.03 run uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arithmetic {
    /// f64, gradient H·(θ − θ*) instead of the chapter's H·θ − c: the same numbers in exact
    /// arithmetic, other roundings in f64.
    F64Centred,
    /// Double-double (`ddouble`, ≈ 32 digits): H, c, θ* and every update.
    DoubleDouble,
}

/// The ×1.03 schedule of the chapter (η_w = η₀ = 1/λmax, η_b = η₀·1.03ᵗ, the same divergence
/// test: loss not finite or above 10⁶ times its start) replayed in another arithmetic. A count that moves between arithmetics is set by rounding, not by
/// the schedule: the second-arithmetic check of CONTRIBUTING.
pub fn grow_run_replay(x: &[f64], y: &[f64], start: [f64; 2], eta0: f64, steps: usize, arithmetic: Arithmetic) -> GrowRun {
    let n = x.len() as f64;
    let two_over_n = Dd::new(2.0) / Dd::new(n);
    let (sxx, sx) = (ddouble::dot(x.iter().copied(), x.iter().copied()), ddouble::sum(x.iter().copied()));
    let (sxy, sy) = (ddouble::dot(x.iter().copied(), y.iter().copied()), ddouble::sum(y.iter().copied()));
    let (hww, hwb, hbb) = (two_over_n * sxx, two_over_n * sx, Dd::new(2.0));
    let (cw, cb) = (two_over_n * sxy, two_over_n * sy);
    let det = hww * hbb - hwb * hwb;
    let star = [(cw * hbb - hwb * cb) / det, (hww * cb - hwb * cw) / det];
    let floor = Dd::new(crate::loss::mse(x, y, star[0].to_f64(), star[1].to_f64()));
    let excess = |e: [Dd; 2]| (hww * e[0] * e[0] + hwb * e[0] * e[1] * 2.0 + hbb * e[1] * e[1]) * 0.5;
    let lr = |i: usize, t: usize| if i == 0 { eta0 } else { eta0 * Schedule::Exponential { factor: GROWTH }.factor(t) };
    let mut run = GrowRun { diverged_at: None, best_at: 0, best_b_error: f64::INFINITY };
    let record = |t: usize, b_error: f64, loss: f64, loss0: f64, run: &mut GrowRun| {
        if b_error < run.best_b_error {
            (run.best_at, run.best_b_error) = (t, b_error);
        }
        let stop = gd::has_diverged(loss, loss0);
        if stop {
            run.diverged_at = Some(t);
        }
        stop
    };
    match arithmetic {
        Arithmetic::DoubleDouble => {
            // The step sizes too: η₀ = 1/λmax and the factor 1.03 to ≈ 32 digits. Rounded to
            // f64 they would perturb every step by 10⁻¹⁶, as f64 arithmetic does.
            let (tr, dt) = (hww + hbb, det);
            let lambda_max = (tr + (tr * tr - dt * 4.0).sqrt()) * 0.5;
            let eta_w = Dd::new(1.0) / lambda_max;
            let growth = ddouble::parse_decimal(&GROWTH.to_string()).unwrap_or(Dd::new(GROWTH));
            let mut eta_b = eta_w;
            let mut th = [Dd::new(start[0]), Dd::new(start[1])];
            let e0 = [th[0] - star[0], th[1] - star[1]];
            let loss0 = (floor + excess(e0)).to_f64();
            for t in 0..=steps {
                let e = [th[0] - star[0], th[1] - star[1]];
                if record(t, e[1].to_f64().abs(), (floor + excess(e)).to_f64(), loss0, &mut run) || t == steps {
                    break;
                }
                let g = [hww * e[0] + hwb * e[1], hwb * e[0] + hbb * e[1]];
                th = [th[0] - g[0] * eta_w, th[1] - g[1] * eta_b];
                eta_b = eta_b * growth;
            }
        }
        Arithmetic::F64Centred => {
            let (h, st) = ([[hww.to_f64(), hwb.to_f64()], [hwb.to_f64(), hbb.to_f64()]], [star[0].to_f64(), star[1].to_f64()]);
            let q = Quadratic { h, c: [0.0; 2], star: st, floor: floor.to_f64() };
            let mut th = start;
            let loss0 = q.loss(th);
            for t in 0..=steps {
                let e = [th[0] - st[0], th[1] - st[1]];
                if record(t, e[1].abs(), q.loss(th), loss0, &mut run) || t == steps {
                    break;
                }
                let g = [h[0][0] * e[0] + h[0][1] * e[1], h[1][0] * e[0] + h[1][1] * e[1]];
                th = [th[0] - lr(0, t) * g[0], th[1] - lr(1, t) * g[1]];
            }
        }
    }
    run
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    if stats::variance(&d.x) == 0.0 {
        return Err(Error::Data("every x is the same, so the slope is undetermined (the Hessian is singular)".into()));
    }
    let mut r = Report::new();
    let q = Quadratic::of(&d.x, &d.y);
    let c = Curvature::of(&d.x);
    let h = c.hessian;
    let star = q.star;
    let s0 = [START.0, START.1];
    let st = Scaling::of(&d.x, &d.y)?;
    let (xs, _) = st.apply(&d.x, &d.y);
    r.number("w_star", star[0], 4).number("b_star", star[1], 4);
    r.number("kappa", c.condition_number(), 4);
    r.number("kappa_std", Curvature::of(&xs).condition_number(), 6);
    r.number("lambda_min", c.lambda_min, 4).number("lambda_max", c.lambda_max, 4);
    r.number_sci("max_stable_lr", c.max_stable_lr(), 3).number_sci("inv_lambda_max", 1.0 / c.lambda_max, 3);

    // Per-parameter steps: the seed's, and the diagonal of H.
    let seed_run = run_quadratic(&mut Gd::per_parameter(SEED_LRS), &q, s0, 1000);
    r.integer("seed_lrs_diverged_at", seed_run.diverged_at.map_or(-1, |k| k as i64));
    // The settings the prose quotes (the seed answer's and this chapter's), so they are written once.
    r.number("seed_lr_w", SEED_LRS[0], 1).number("seed_lr_b", SEED_LRS[1], 1).number("seed_lr_ratio", SEED_LRS[1] / SEED_LRS[0], 2);
    r.number("growth", GROWTH, 3).number("decay", DECAY, 1).integer("schedule_steps", SCHEDULE_STEPS as i64);
    r.number("seed_lr_w_over_max", SEED_LRS[0] / c.max_stable_lr(), 3);
    let ratio = h[0][0] / h[1][1];
    let rr = h[0][1].abs() / (h[0][0] * h[1][1]).sqrt();
    r.number("h_ww", h[0][0], 5).number("h_bb", h[1][1], 3).number("h_wb", h[0][1], 5);
    r.number("diag_ratio", ratio, 4).number("mean_x2", stats::mean(&d.x.iter().map(|v| v * v).collect::<Vec<_>>()), 4);
    r.number_sci("diag_lr_w", 1.0 / h[0][0], 3).number("diag_lr_b", 1.0 / h[1][1], 3);
    r.number("diag_r", rr, 4).number("kappa_diag", (1.0 + rr) / (1.0 - rr), 4);
    r.number("two_over_h_bb", 2.0 / h[1][1], 3);
    // Diagonal steps on the raw data: the iteration matrix I − diag(H)⁻¹·H is
    // [[0, −H_wb/H_ww], [−H_wb/H_bb, 0]], whose square is r²·I.
    let e0 = q.relative_error(s0);
    // −1 when f64 cannot resolve a contraction from 1 (κ beyond ~10¹⁶, e.g. x far from 0).
    let finite_or = |v: f64| if v.is_finite() { v } else { -1.0 };
    // The distance shrinks by exactly ρ² = r² every second step and jumps up in between (each
    // parameter inherits the other's error), so the run stops on the first even step past
    // ln(ε/δ₀)/ln ρ.
    let diag_predicted = finite_or(2.0 * ((EPS / e0).ln() / rr.ln() / 2.0).ceil());
    let diag_measured = match reach(&mut Gd::per_parameter([1.0 / h[0][0], 1.0 / h[1][1]]), &q, s0, EPS, DIAG_BUDGET).0 {
        Reach::Reached(k) => k as i64,
        _ => -1,
    };
    r.integer("diag_iterations", diag_measured).integer("diag_predicted", diag_predicted as i64);
    r.number("start_rel_error", e0, 3);
    let gd_best = finite_or(c.predicted_iterations(c.best_fixed_lr(), EPS / e0).unwrap_or(f64::INFINITY));
    r.number("gd_best_predicted", gd_best, 6);
    // Exercise 1: the same quantities for the reader's data.
    let rh = curvature::hessian(&data::reader_question(data::BOOK_SEED).x);
    let reader_r = rh[0][1].abs() / (rh[0][0] * rh[1][1]).sqrt();
    r.number("reader_mean_x2", rh[0][0] / rh[1][1], 5).number("reader_r", reader_r, 3);
    r.number("reader_kappa_diag", (1.0 + reader_r) / (1.0 - reader_r), 3);

    // Schedules, raw data, base step 1/λmax.
    let eta0 = 1.0 / c.lambda_max;
    let schedules: [(&str, &str, Gd); 5] = [
        ("constant", "constant η₀", Gd::new(eta0)),
        (
            "grow_b",
            "η_b ×1.03 per step",
            Gd { lr: [eta0; 2], schedule: [Schedule::Constant, Schedule::Exponential { factor: GROWTH }] },
        ),
        ("inverse", "η₀/(1 + 0.01·t)", Gd::new(eta0).with_schedule(Schedule::InverseTime { decay: DECAY })),
        ("step", "halved every 200 steps", Gd::new(eta0).with_schedule(Schedule::Step { every: STEP_EVERY, factor: 0.5 })),
        (
            "cosine",
            "cosine to 1 % over 1000 steps",
            Gd::new(eta0).with_schedule(Schedule::Cosine { period: SCHEDULE_STEPS, floor: COSINE_FLOOR }),
        ),
    ];
    let flat0 = ((s0[0] - star[0]) * c.v_min[0] + (s0[1] - star[1]) * c.v_min[1]).abs();
    let mut schedule_runs = Vec::new();
    let mut sched_table = String::from(
        "| schedule of η | ended | \\|b − b*\\| at the end (€) | predicted from ∏(1 − η(t)·λmin) (€) |\n|---|---|---:|---:|\n",
    );
    for (key, name, gd) in schedules {
        let mut opt = gd;
        let t = run_quadratic(&mut opt, &q, s0, SCHEDULE_STEPS);
        let end = t.diverged_at.unwrap_or(SCHEDULE_STEPS);
        let b_err = (t.b[end] - star[1]).abs();
        if t.diverged_at.is_none() {
            r.number(&format!("sched_{key}_b_error"), b_err, 3);
        }
        let (ended, pred): (String, String) = if key == "grow_b" {
            // First step whose iteration matrix has spectral radius above 1.
            let onset = (0..10_000).find(|&k| spectral_radius(h, eta0, eta0 * GROWTH.powi(k)) > 1.0).unwrap_or(0);
            r.integer("grow_onset", onset as i64).number("grow_onset_lr_b", eta0 * GROWTH.powi(onset), 3);
            r.number("grow_before_onset_lr_b", eta0 * GROWTH.powi(onset - 1), 3);
            // When it blows up, and how close it got, are set by rounding: the table below.
            (
                if t.diverged_at.is_some() { "diverged (table below)".into() } else { "ran to the end".into() },
                format!("unstable from step {onset}"),
            )
        } else {
            let product: f64 = (0..SCHEDULE_STEPS).map(|k| (1.0 - opt.lr[0] * opt.schedule[0].factor(k) * c.lambda_min).abs()).product();
            // The flat eigenvector is almost pure b, so its error is nearly |b − b*|.
            let p = flat0 * product * c.v_min[1].abs();
            r.number(&format!("sched_{key}_predicted"), p, 3);
            r.number(&format!("sched_{key}_sum_lr"), (0..SCHEDULE_STEPS).map(|k| opt.lr[0] * opt.schedule[0].factor(k)).sum(), 3);
            ("1000 steps".into(), fmt_sig(p, 4))
        };
        let shown_err = if t.diverged_at.is_some() { "—".into() } else { fmt_sig(b_err, 4) };
        sched_table += &format!("| {} | {ended} | {shown_err} | {pred} |\n", name.replace("η_b", "η<sub>b</sub>"));
        schedule_runs.push((key, name, opt, t));
    }
    r.number("b_error_start", (s0[1] - star[1]).abs(), 4);
    // How far the fixed schedules move b: the largest share of the starting error removed.
    let moved = ["constant", "inverse", "step", "cosine"]
        .iter()
        .map(|k| 1.0 - r.json()[format!("sched_{k}_b_error")].as_f64().unwrap_or(0.0) / (s0[1] - star[1]).abs())
        .fold(0.0, f64::max);
    r.integer("sched_max_moved_pct", (100.0 * moved).ceil() as i64);
    r.file("schedules.md", sched_table);
    // The second arithmetic: the ×1.03 run replayed with another gradient form and in
    // double-double. What moves between the rows is rounding, not the schedule.
    let mut arith_table = String::from(
        "| arithmetic of the ×1.03 run | best \\|b − b*\\| (€) | at step | loss above 10⁶ × its start at step |\n|---|---:|---:|---:|\n",
    );
    let f64_run = {
        let t = &schedule_runs.iter().find(|s| s.0 == "grow_b").expect("the growing run").3;
        let best = (0..t.b.len()).min_by(|&i, &j| (t.b[i] - star[1]).abs().total_cmp(&(t.b[j] - star[1]).abs())).unwrap_or(0);
        GrowRun { diverged_at: t.diverged_at, best_at: best, best_b_error: (t.b[best] - star[1]).abs() }
    };
    for (key, name, run) in [
        ("f64", "f64, gradient H·θ − c (the chapter's)", f64_run),
        ("centred", "f64, gradient H·(θ − θ*)", grow_run_replay(&d.x, &d.y, s0, eta0, SCHEDULE_STEPS, Arithmetic::F64Centred)),
        ("dd", "double-double (≈ 32 digits)", grow_run_replay(&d.x, &d.y, s0, eta0, SCHEDULE_STEPS, Arithmetic::DoubleDouble)),
        ("wide512", "512 bits (≈ 154 digits)", wide::grow_run(&d.x, &d.y, s0, SCHEDULE_STEPS, 512)),
        ("wide1024", "1024 bits (≈ 308 digits)", wide::grow_run(&d.x, &d.y, s0, SCHEDULE_STEPS, 1024)),
    ] {
        let div = run.diverged_at.map_or(-1, |k| k as i64);
        r.integer(&format!("grow_{key}_diverged_at"), div).integer(&format!("grow_{key}_best_at"), run.best_at as i64);
        r.number(&format!("grow_{key}_best_b_error"), run.best_b_error, 3);
        let div = run.diverged_at.map_or("ran to the end".into(), |k| k.to_string());
        let best = if run.best_b_error < 1e-3 { fmt_sci(run.best_b_error, 2) } else { fmt_sig(run.best_b_error, 2) };
        arith_table += &format!("| {name} | {best} | {} | {div} |\n", run.best_at);
    }
    r.file("grow-arithmetic.md", arith_table);
    // How long b keeps improving after the onset, in the arithmetic where that is shortest.
    let onset = r.json()["grow_onset"].as_i64().unwrap_or(-1);
    let after = ["f64", "centred", "dd", "wide512", "wide1024"].iter().filter_map(|k| r.json()[format!("grow_{k}_best_at")].as_i64()).min().unwrap_or(-1);
    if onset >= 0 && after >= 0 {
        // The onset is the index t of the first unstable step, which makes θ after t + 1 steps;
        // best_at counts steps taken. Steps taken after the unstable one: after − (onset + 1).
        r.integer("grow_improves_after_onset", after - onset - 1);
    }
    // Exercise 2: the exact η_b at which I − D·H reaches spectral radius 1 (η_w = 1/λmax).
    let limit = eta_b_limit(h, eta0);
    r.number("eta_b_limit", limit, 4);

    plot::figure(&mut r, "ch6-schedules", |frame| schedules_figure(&schedule_runs, frame))?;
    plot::figure(&mut r, "ch6-schedule-runs", |frame| schedule_runs_figure(&schedule_runs, star[1], frame))?;

    let summary = format!(
        "κ = {}; per-parameter steps η_b/η_w = {} leave κ = {} ({} steps to 1e-6)\n\
         η_b ×1.03 is unstable from step {} and blows up at step {} (f64; rounding sets the step); exact limit η_b = {}\n",
        fmt_sig(c.condition_number(), 4),
        fmt_sig(ratio, 4),
        fmt_sig((1.0 + rr) / (1.0 - rr), 4),
        diag_measured,
        r.json()["grow_onset"],
        r.json()["grow_f64_diverged_at"],
        fmt_sig(limit, 4),
    );
    Ok((r, summary))
}

/// A labelled, coloured line.
pub(super) type Curve<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

fn schedules_figure(runs: &[(&str, &str, Gd, Trace)], frame: Frame) -> Result<String> {
    let curves: Vec<Curve<'_>> = runs
        .iter()
        .zip(palette::SERIES)
        .map(|((key, name, gd, t), col)| {
            let i = if *key == "grow_b" { 1 } else { 0 };
            // The steps taken are t = 0 … end − 1: the trace's last point is where the last
            // step landed, and no step is taken from it.
            let end = t.w.len() - 1;
            (*name, col, (0..end).map(|k| (k as f64, gd.lr[i] * gd.schedule[i].factor(k))).collect())
        })
        .collect();
    log_y_figure("The schedules: η_b(t), fixed in advance", "step t", "learning rate of b (log scale)", &curves, SCHEDULE_STEPS, frame)
}

fn schedule_runs_figure(runs: &[(&str, &str, Gd, Trace)], bs: f64, frame: Frame) -> Result<String> {
    let curves: Vec<Curve<'_>> = runs
        .iter()
        .zip(palette::SERIES)
        .map(|((_, name, _, t), col)| (*name, col, t.b.iter().enumerate().map(|(k, b)| (k as f64, (b - bs).abs())).collect()))
        .collect();
    log_y_figure(
        "Growing η_b reaches b*, then blows up; fixed schedules leave b stuck",
        "step t",
        "|b − b*| (€, log scale)",
        &curves,
        SCHEDULE_STEPS,
        frame,
    )
}

/// Curves on a log y axis, their legend beside the plot (below it on a phone), never on a
/// curve.
pub(super) fn log_y_figure(title: &str, x_desc: &str, y_desc: &str, curves: &[Curve<'_>], xmax: usize, frame: Frame) -> Result<String> {
    let ys = curves.iter().flat_map(|c| c.2.iter().map(|p| p.1)).filter(|v| *v > 0.0 && v.is_finite());
    let (lo, hi) = ys.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = hi.min(lo * 1e30);
    let shown: Vec<Vec<(f64, f64)>> = curves
        .iter()
        .map(|(_, _, pts)| pts.iter().copied().filter(|p| p.1 > 0.0 && p.1 <= hi && p.0 <= xmax as f64).collect())
        .collect();
    // Curves that coincide (to 0.05 decade) are drawn widest first, so each shows as a
    // stripe around the next instead of disappearing under it.
    let slices: Vec<&[(f64, f64)]> = shown.iter().map(|v| v.as_slice()).collect();
    let stripes = plot::coinciding(&slices, 0.05);
    // Each stripe shows 3 px on either side of the one inside it.
    let width = |k: usize| 3 + 6 * (stripes[k].1 - 1 - stripes[k].0) as u32;
    let mut order: Vec<usize> = (0..curves.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(width(k)));
    // legend_panel's 24 px rows, and air above and below them.
    let legend_height = 24 * curves.len() as u32 + 24;
    plot::render(frame.size(plot::SIZE, 500 + legend_height), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let (_, h) = area.dim_in_pixel();
        let (plot_area, legend_area) =
            if frame.is_narrow() { area.split_vertically(h as i32 - legend_height as i32) } else { area.split_horizontally(560) };
        // The axis starts on the labelled decade at or below the lowest point, so every
        // region a curve reaches has a tick label.
        let bottom = 10f64.powf(lo.log10().floor());
        let mut chart = ChartBuilder::on(&plot_area)
            .margin(10)
            // Room for the last x label's right half, at the canvas's edge on a phone.
            .margin_right(frame.px(10, 24))
            .x_label_area_size(50)
            .y_label_area_size(85)
            .build_cartesian_2d(0.0..xmax as f64, (bottom / 1.5..hi * 2.0).log_scale().with_key_points(plot::log_ticks(bottom, hi * 2.0)))?;
        plot::style_mesh_scaled(&mut chart, x_desc, y_desc, (false, true))?;
        for &k in &order {
            chart.draw_series(LineSeries::new(shown[k].iter().copied(), curves[k].1.stroke_width(width(k))))?;
        }
        let entries: Vec<(String, RGBColor, u32)> = curves.iter().map(|(name, col, _)| (name.to_string(), *col, 3)).collect();
        plot::legend_panel(&legend_area, &entries)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectral_radius_is_one_exactly_at_the_limit() {
        let d = data::paris_rents(data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        let a = 1.0 / c.lambda_max;
        let b = eta_b_limit(c.hessian, a);
        assert!((spectral_radius(c.hessian, a, b) - 1.0).abs() < 1e-12);
        assert!(spectral_radius(c.hessian, a, 0.999 * b) < 1.0 && spectral_radius(c.hessian, a, 1.001 * b) > 1.0);
        // By hand on H = diag(4, 1) (no coupling): with a = 1/4, b = 2(2 − 1)/((2 − 1)·1) = 2 = 2/H_bb.
        assert!((eta_b_limit([[4.0, 0.0], [0.0, 1.0]], 0.25) - 2.0).abs() < 1e-15);
    }

    #[test]
    fn constant_x_is_a_clean_error() {
        let e = build(&Dataset::new(vec![3.0; 4], vec![1.0, 2.0, 3.0, 4.0]).unwrap()).unwrap_err();
        assert!(e.to_string().contains("every x is the same"));
    }
}
