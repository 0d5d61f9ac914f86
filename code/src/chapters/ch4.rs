//! Chapter 4 — gradient descent on the raw data, and why the intercept barely moves.

use plotters::prelude::*;

pub mod answer;
pub mod valley;

pub const ABOUT: &str =
    "Chapter 4: gradient descent on raw data, the intercept that won't move, and the curvature that explains it.";

use crate::curvature::Curvature;
use crate::data::{self, Dataset};
use crate::error::{Error, Result};
use crate::loss::mse;
use crate::gd::{Reach, Trace, gradient_descent, iterations_to_reach};
use crate::plot::{self, DrawResult, palette};
use crate::report::{Report, fmt_count, fmt_sci, fmt_sig};
use crate::stats;

/// The notebook's run: start, step size and length.
pub const START: (f64, f64) = (25.0, 100.0);
pub const LR: f64 = 1e-5;
pub const ITERATIONS: usize = 200;
/// The reader's question: 100 full-batch epochs from (w, b) = (0, 0).
pub const READER_START: (f64, f64) = (0.0, 0.0);
pub const READER_EPOCHS: usize = 100;
/// Target relative parameter error ‖θ − θ*‖/‖θ*‖ of the long runs, and their budget.
pub const EPS: f64 = 1e-6;
pub const BUDGET: usize = 10_000_000;
/// The divergent run uses this multiple of the largest stable step 2/λmax.
pub const OVER: f64 = 1.05;
pub const DIVERGENT_ITERATIONS: usize = 1000;
/// Square centimetres per square metre: the same floor areas in another unit.
pub const CM2_PER_M2: f64 = 1e4;
/// "Settled": within this fraction of the final w.
pub const W_SETTLED: f64 = 0.01;

/// Colours of the two parameters in every figure of the chapter.
const W_COLOUR: RGBColor = palette::SKY;
const B_COLOUR: RGBColor = palette::PURPLE;
/// Gradient descent's own colour (its path on the contour plot, its loss curve).
const GD_COLOUR: RGBColor = palette::ORANGE;

/// The notebook's run, or the one-line error a reader gets when the book's step size
/// blows up on their data.
pub fn notebook_run(d: &Dataset, c: &Curvature) -> Result<Trace> {
    let trace = gradient_descent(&d.x, &d.y, START, LR, ITERATIONS);
    match trace.diverged_at {
        None => Ok(trace),
        Some(iteration) => Err(Error::Diverged {
            iteration,
            lr: LR,
            what: format!(
                "the loss grew from {:.4e} to {:.4e}; the largest stable learning rate for these data is 2/λmax = {:.3e}",
                trace.loss[0],
                trace.loss[iteration],
                c.max_stable_lr()
            ),
        }),
    }
}

/// Coordinates of `(w, b) − θ*` along the flat (λmin) and steep (λmax) eigenvectors.
fn eigen_coordinates(c: &Curvature, (w, b): (f64, f64), (ws, bs): (f64, f64)) -> (f64, f64) {
    let e = [w - ws, b - bs];
    (e[0] * c.v_min[0] + e[1] * c.v_min[1], e[0] * c.v_max[0] + e[1] * c.v_max[1])
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    if stats::variance(&d.x) == 0.0 {
        return Err(Error::Data("every x is the same, so the slope is undetermined (the Hessian is singular)".into()));
    }
    let c = Curvature::of(&d.x);
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    let trace = gradient_descent(&d.x, &d.y, START, LR, ITERATIONS);
    if let Some(at) = trace.diverged_at {
        return diverged(d, &c, &trace, at);
    }
    let mut r = Report::new();

    // The failure.
    let (wf, bf) = trace.last();
    let w10 = trace.w[10];
    r.number("w_star", ws, 4).number("b_star", bs, 4).number("mse_star", mse(&d.x, &d.y, ws, bs), 4);
    r.number("w_10", w10, 4).number("b_10", trace.b[10], 4);
    r.number("w_final", wf, 4).number("b_final", bf, 4);
    r.ratio("w_final_frac", wf, ws, 4).ratio("b_final_frac", bf, bs, 3);
    r.number("b_moved", bf - START.1, 3).number("b_gap_start", bs - START.1, 4);
    r.number("b_moved_pct", 100.0 * (bf - START.1) / (bs - START.1), 2);
    r.number("w_overshoot", wf - ws, 3);
    r.number("loss_start", trace.loss[0], 4).number("loss_final", *trace.loss.last().unwrap(), 4);
    let excess = |l: f64| l - mse(&d.x, &d.y, ws, bs);
    r.number("loss_10", trace.loss[10], 4);
    r.number("excess_start", excess(trace.loss[0]), 4).number("excess_final", excess(*trace.loss.last().unwrap()), 4);
    let (g0, gf) = (trace.grad[0], *trace.grad.last().unwrap());
    r.number("grad_w_start", g0.0, 4).number("grad_b_start", g0.1, 4);
    r.number("grad_w_final", gf.0, 3).number("grad_b_final", gf.1, 3);
    // Each derivative against its own start: a ratio without unit, unlike |∂L/∂w| vs |∂L/∂b|.
    r.number_sci("grad_w_final_frac", (gf.0 / g0.0).abs(), 3).number("grad_b_final_frac", (gf.1 / g0.1).abs(), 3);
    r.number("grad_b_late_frac", (gf.1 / trace.grad[ITERATIONS / 2].1).abs(), 3);
    // The same start, areas in cm² (x·10⁴, w/10⁴): ∂L/∂w is 10⁴ times larger, ∂L/∂b
    // unchanged, and κ of the raw problem moves with the unit.
    let x_cm2: Vec<f64> = d.x.iter().map(|v| v * CM2_PER_M2).collect();
    let g0_cm2 = crate::grad::gradients(&x_cm2, &d.y, START.0 / CM2_PER_M2, START.1);
    r.number("grad_w_start_cm2", g0_cm2.0, 4).number("grad_b_start_cm2", g0_cm2.1, 4);
    r.number("grad_ratio_start", (g0.0 / g0.1).abs(), 3).number("grad_ratio_start_cm2", (g0_cm2.0 / g0_cm2.1).abs(), 3);
    r.number_sci("kappa_cm2", Curvature::of(&x_cm2).condition_number(), 2);
    // How soon w settles: the first step from which it stays within 1 % of where it ends
    // (the valley floor, itself a little off w* while b is off b*).
    let settle = (0..=ITERATIONS).find(|&k| trace.w[k..].iter().all(|w| (w / wf - 1.0).abs() < W_SETTLED)).unwrap_or(ITERATIONS);
    r.integer("w_settled_at", settle as i64);

    // Per-sample gradients: how much of each sum cancels.
    for (key, (w, b)) in [("start", START), ("final", (wf, bf))] {
        let per_b: Vec<f64> = d.x.iter().zip(&d.y).map(|(&x, &y)| -2.0 * (y - (w * x + b))).collect();
        let per_w: Vec<f64> = per_b.iter().zip(&d.x).map(|(g, x)| g * x).collect();
        let n = d.len() as f64;
        let abs_mean = |v: &[f64]| v.iter().map(|g| g.abs()).sum::<f64>() / n;
        r.number(&format!("per_sample_abs_b_{key}"), abs_mean(&per_b), 4);
        r.number(&format!("per_sample_abs_w_{key}"), abs_mean(&per_w), 4);
        r.number(&format!("cancel_ratio_b_{key}"), stats::mean(&per_b).abs() / abs_mean(&per_b), 3);
        r.number(&format!("cancel_ratio_w_{key}"), stats::mean(&per_w).abs() / abs_mean(&per_w), 3);
    }

    // The explanation: curvature.
    let h = c.hessian;
    r.number("h_ww", h[0][0], 5).number("h_wb", h[0][1], 5).number("h_bb", h[1][1], 3);
    r.number("lambda_min", c.lambda_min, 4).number("lambda_max", c.lambda_max, 4);
    r.number("vmin_w", c.v_min[0], 4).number("vmin_b", c.v_min[1], 6);
    r.number("vmax_w", c.v_max[0], 6).number("vmax_b", c.v_max[1], 4);
    r.number("kappa", c.condition_number(), 4);
    r.number("hbb_over_lambda_min", h[1][1] / c.lambda_min, 3);
    // Why b is slow, exactly: H_bb = 2 along the b axis; λmin is the curvature along the
    // valley floor, just below the Schur complement H_bb − H_wb²/H_ww = 2·var(x)/mean(x²)
    // (λmin = S·H_ww/λmax, and H_ww ≤ λmax ≤ H_ww + H_bb).
    let schur = h[1][1] - h[0][1] * h[0][1] / h[0][0];
    r.number("schur_b", schur, 4);
    r.number("x_mean", stats::mean(&d.x), 4).number("mean_x2", h[0][0] / 2.0, 4).number("var_x", stats::variance(&d.x), 4);
    // v_min's slope component per unit of intercept: x̄/(mean(x²) − λmin/2), from (H − λmin I)v = 0.
    r.number("vmin_ratio", stats::mean(&d.x) / (h[0][0] / 2.0 - c.lambda_min / 2.0), 3);
    // x̄/(s² + x̄²) is at most 1/(2s), reached at x̄ = s: the tilt is small because s ≫ 1.
    r.number("x_sd", stats::std_dev(&d.x), 4).number("vmin_ratio_bound", 0.5 / stats::std_dev(&d.x), 3);
    r.number("half_kappa", c.condition_number() / 2.0, 4);
    r.number("steps_per_e_best", -1.0 / c.contraction(c.best_fixed_lr()).ln(), 4);
    r.number("steps_per_e_inv_lambda_max", -1.0 / c.contraction(1.0 / c.lambda_max).ln(), 4);
    r.number_sci("max_stable_lr", c.max_stable_lr(), 4);
    r.number_sci("inv_lambda_max", 1.0 / c.lambda_max, 4);
    r.number_sci("best_lr", c.best_fixed_lr(), 4);
    r.number("lr_over_max", LR / c.max_stable_lr(), 3);
    let (flat, steep) = (1.0 - LR * c.lambda_min, 1.0 - LR * c.lambda_max);
    r.number("step_factor_flat", flat, 8).number("step_factor_steep", steep, 4);
    r.number("decay_flat", flat.powi(ITERATIONS as i32), 5);
    r.number_sci("decay_steep", steep.abs().powi(ITERATIONS as i32), 2);
    let (e_min0, e_max0) = eigen_coordinates(&c, START, (ws, bs));
    let (e_min1, e_max1) = eigen_coordinates(&c, (wf, bf), (ws, bs));
    r.number("err_flat_start", e_min0, 4).number("err_steep_start", e_max0, 4);
    r.number("err_flat_final", e_min1, 4).number_sci("err_steep_final", e_max1, 2);
    r.number("lr_flat_ratio", 1.0 / (LR * c.lambda_min), 4);
    // Steps per factor of 10, −ln 10/ln ρ: the chapter counts in tens (e is Euler's number
    // nowhere in it, so the error can be δ without a clash).
    let per_10 = |rho: f64| -std::f64::consts::LN_10 / rho.ln();
    r.number("steps_per_10_flat", per_10(flat), 4);
    r.number("steps_per_10_best", per_10(c.contraction(c.best_fixed_lr())), 4);
    r.number("steps_per_10_inv_lambda_max", per_10(c.contraction(1.0 / c.lambda_max)), 4);

    // Predicted and measured iterations to a relative error of EPS.
    let scale = ws.hypot(bs);
    let shrink = EPS * scale / (START.0 - ws).hypot(START.1 - bs);
    r.number("start_rel_error", (START.0 - ws).hypot(START.1 - bs) / scale, 3);
    r.number_sci("shrink", shrink, 3);
    r.number_sci("eps", EPS, 1).number("budget", BUDGET as f64, 8);
    let mut table = String::from(
        "| learning rate η | | contraction per step ρ(η) | predicted iterations | measured iterations |\n\
         |---|---:|---:|---:|---:|\n",
    );
    let rows = [
        ("notebook", "the notebook's", LR),
        ("inv_lambda_max", "1/λmax", 1.0 / c.lambda_max),
        ("best", "best fixed, 2/(λmin + λmax)", c.best_fixed_lr()),
        ("over", "1.05 × 2/λmax", OVER * c.max_stable_lr()),
    ];
    let mut measured_notebook = f64::INFINITY;
    for (key, label, lr) in rows {
        let predicted = c.predicted_iterations(lr, shrink);
        let measured = iterations_to_reach(&d.x, &d.y, START, lr, EPS, BUDGET);
        let predicted_text = predicted.map_or("never (diverges)".into(), fmt_count);
        let measured_text = match measured {
            Reach::Reached(k) => fmt_count(k as f64),
            Reach::NotReached { error, .. } => format!("not within {} (error {:.1e})", fmt_sig(BUDGET as f64, 3), error),
            Reach::Diverged(k) => format!("diverged (stopped at iteration {k})"),
        };
        table += &format!(
            "| {} | {label} | {} | {predicted_text} | {measured_text} |\n",
            fmt_sci(lr, 4),
            fmt_sig(c.contraction(lr), 8)
        );
        r.number(&format!("rho_{key}"), c.contraction(lr), 8);
        r.number(&format!("predicted_{key}"), predicted.unwrap_or(-1.0), 6);
        let (status, count) = match measured {
            Reach::Reached(k) => ("reached", k),
            Reach::NotReached { budget, .. } => ("not within budget", budget),
            Reach::Diverged(k) => ("diverged", k),
        };
        if key == "notebook" {
            measured_notebook = count as f64;
        }
        r.text(&format!("measured_{key}_status"), status).integer(&format!("measured_{key}"), count as i64);
        // The bound charges all of ‖e₀‖ to the slowest direction; only the part along v_min
        // survives, which saves ln(‖e₀‖/|e₀·v_min|)/(−ln ρ) steps when the steep part dies first.
        // (At the best fixed step both directions contract by ρ: nothing is saved.)
        if let (Some(p), Reach::Reached(k)) = (predicted, measured) {
            r.integer(&format!("gap_{key}"), p as i64 - k as i64);
            if (1.0 - lr * c.lambda_max).abs() < 1.0 - lr * c.lambda_min {
                let saved = ((START.0 - ws).hypot(START.1 - bs) / e_min0.abs()).ln() / -c.contraction(lr).ln();
                r.number(&format!("transient_{key}"), saved, 4);
            }
        }
    }
    r.file("iterations.md", table);
    answer::numbers(&mut r, d, &c, &trace, shrink, measured_notebook);
    valley::numbers(&mut r, d, &c, &trace, measured_notebook);
    valley::aspect_numbers(&mut r, d, &trace)?;

    // A run just above the stable limit: detected and stopped, never plotted.
    let over = gradient_descent(&d.x, &d.y, START, OVER * c.max_stable_lr(), DIVERGENT_ITERATIONS);
    let over_at = over.diverged_at;
    r.number_sci("over_lr", OVER * c.max_stable_lr(), 4);
    r.integer("over_diverged_at", over_at.map_or(-1, |k| k as i64));
    r.text("over_message", &over.converged().err().map_or("did not diverge".into(), |e| format!("error: {e}")));

    // The reader's setting.
    let rd = data::reader_question(data::BOOK_SEED);
    let rc = Curvature::of(&rd.x);
    let (rws, rbs) = stats::least_squares(&rd.x, &rd.y);
    let rt = gradient_descent(&rd.x, &rd.y, READER_START, LR, READER_EPOCHS);
    let (rwf, rbf) = rt.last();
    let (ra, rb) = rd.truth.expect("the reader's data are synthetic: their line is known");
    r.number("reader_true_a", ra, 4).number("reader_true_b", rb, 4);
    r.number("reader_w_star", rws, 4).number("reader_b_star", rbs, 3);
    r.number("reader_w_final", rwf, 4).number("reader_b_final", rbf, 3);
    r.number("reader_w_frac", rwf / rws, 4).number("reader_b_frac", rbf / rbs, 3);
    r.number("reader_mse_star", mse(&rd.x, &rd.y, rws, rbs), 4);
    r.number("reader_loss_final", *rt.loss.last().unwrap(), 4);
    r.number("reader_lambda_min", rc.lambda_min, 4).number("reader_lambda_max", rc.lambda_max, 4);
    r.number("reader_vmin_b", rc.v_min[1], 6).number("reader_kappa", rc.condition_number(), 4);
    r.number("reader_decay_flat", (1.0 - LR * rc.lambda_min).powi(READER_EPOCHS as i32), 5);
    let rg = rt.grad.last().unwrap();
    r.number("reader_grad_w_final", rg.0, 3).number("reader_grad_b_final", rg.1, 3);
    r.number_sci("reader_predicted", rc.predicted_iterations(LR, EPS).unwrap_or(-1.0), 3);

    // `diagnose` on the reader's setting, shown at the chapter's end.
    r.file("diagnose-reader.txt", crate::diagnose::reader_example()?);

    plot::figure(&mut r, "ch4-loss", |frame| loss_figure(d, &trace, mse(&d.x, &d.y, ws, bs), frame))?;
    let left_steps = measured_notebook - ITERATIONS as f64;
    plot::figure(&mut r, "ch4-trajectory", |frame| valley::trajectory_figure(d, &c, &trace, LR, left_steps, frame))?;
    plot::figure(&mut r, "ch4-floor-lines", |frame| valley::floor_lines_figure(d, &c, frame))?;
    plot::figure(&mut r, "ch4-valley-directions", |frame| valley::eigen_figure(d, &c, &trace, frame))?;
    plot::figure(&mut r, "ch4-gradients", |frame| gradients_figure(&trace, frame))?;
    plot::figure(&mut r, "ch4-eigen-axes", answer::eigen_axes_figure)?;
    plot::figure(&mut r, "ch4-modes", |frame| answer::modes_figure(d, &c, &trace, frame))?;
    r.file("widget.json", answer::widget_json(d)?);
    let title = format!("Paris rents, η = {}: w is learnt in a few steps, b is not", fmt_sci(LR, 1));
    plot::figure(&mut r, "ch4-fractions", |frame| fractions_figure(&trace, (ws, bs), &title, "iteration t", frame))?;
    let title = format!("The reader's run, η = {}: w is learnt, b is not", fmt_sci(LR, 1));
    plot::figure(&mut r, "ch4-reader", |frame| fractions_figure(&rt, (rws, rbs), &title, "epoch t", frame))?;

    let summary = format!(
        "after {ITERATIONS} steps of η = {LR:e} from (25, 100): w = {} (w* = {}), b = {} (b* = {})\n\
         λmin = {}, λmax = {}, κ = {}, 2/λmax = {}\n",
        fmt_sig(wf, 4),
        fmt_sig(ws, 4),
        fmt_sig(bf, 4),
        fmt_sig(bs, 4),
        fmt_sig(c.lambda_min, 4),
        fmt_sig(c.lambda_max, 4),
        fmt_sig(c.condition_number(), 4),
        fmt_sci(c.max_stable_lr(), 4),
    );
    Ok((r, summary))
}

/// The chapter on data where the notebook's η = 1e-5 blows up. That is the finding, not an
/// error: the report says at which step the loss exploded and the largest stable step
/// 2/λmax for *these* data, and shows the loss up to the blow-up (the exploding value
/// itself clipped at the top of the axis and marked).
fn diverged(d: &Dataset, c: &Curvature, trace: &Trace, at: usize) -> Result<(Report, String)> {
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    let mut r = Report::new();
    r.text("outcome", "diverged").integer("diverged_at", at as i64);
    r.number_sci("lr", LR, 1).number_sci("max_stable_lr", c.max_stable_lr(), 4);
    r.number("lr_over_max", LR / c.max_stable_lr(), 3);
    r.number("lambda_min", c.lambda_min, 4).number("lambda_max", c.lambda_max, 4);
    r.number("kappa", c.condition_number(), 4);
    r.number("w_star", ws, 4).number("b_star", bs, 4).number("mse_star", mse(&d.x, &d.y, ws, bs), 4);
    r.number("loss_start", trace.loss[0], 4);
    let finite: Vec<(usize, f64)> = trace.loss.iter().copied().enumerate().filter(|(_, l)| l.is_finite()).collect();
    let &(last_k, last_loss) = finite.last().expect("the starting loss is finite on usable data");
    r.integer("last_finite_step", last_k as i64).number_sci("last_finite_loss", last_loss, 3);
    r.file("ch4-diverged.svg", diverged_figure(&finite, at, c.max_stable_lr())?);
    let summary = format!(
        "gradient descent with the notebook's η = {LR:e} diverges on these data: the loss grew more than \
         a million-fold by step {at} (from {} to {})\n\
         λmin = {}, λmax = {}, κ = {}; the largest stable step is 2/λmax = {} ({}× smaller than η)\n\
         least squares: w* = {}, b* = {}\n",
        fmt_sci(trace.loss[0], 4),
        fmt_sci(last_loss, 4),
        fmt_sig(c.lambda_min, 4),
        fmt_sig(c.lambda_max, 4),
        fmt_sig(c.condition_number(), 4),
        fmt_sci(c.max_stable_lr(), 4),
        fmt_sig(LR / c.max_stable_lr(), 3),
        fmt_sig(ws, 4),
        fmt_sig(bs, 4),
    );
    Ok((r, summary))
}

/// log10 of the loss up to the blow-up; a non-finite loss is drawn at the axis top.
fn diverged_figure(finite: &[(usize, f64)], at: usize, max_lr: f64) -> Result<String> {
    let logs: Vec<(f64, f64)> = finite.iter().map(|&(k, l)| (k as f64, l.max(f64::MIN_POSITIVE).log10())).collect();
    let lo = logs.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = logs.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let y = plot::axis_range(lo, hi, 0.08);
    let top = if finite.last().is_some_and(|&(k, _)| k == at) { logs.last().map_or(y.end, |p| p.1) } else { y.end };
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption(format!("η = 1e-5 is too large here: the loss explodes (2/λmax = {})", fmt_sci(max_lr, 2)), plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(85)
            .build_cartesian_2d(plot::axis_range(0.0, at as f64, 0.05), y)?;
        plot::style_mesh(&mut chart, "iteration t", "log₁₀ L(w, b) (L in y-units²)")?;
        chart
            .draw_series(LineSeries::new(logs.iter().copied(), GD_COLOUR.stroke_width(3)))?
            .label("gradient descent, η = 1e-5")
            .legend(plot::line_glyph(GD_COLOUR, 3));
        chart
            .draw_series([Cross::new((at as f64, top), 9, palette::FIT.stroke_width(3))])?
            .label(format!("stopped at step {at}: loss > 10⁶ × start"))
            .legend(|(x, y)| Cross::new((x + 11, y), 6, palette::FIT.stroke_width(3)));
        plot::draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    })
}

/// Range of `v` padded by `pad` of its width on each side, in log10 space.
fn log_range(v: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = v.filter(|x| *x > 0.0).fold((f64::INFINITY, 0.0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let pad = (hi / lo).powf(0.05);
    lo / pad..hi * pad
}

fn loss_figure(_d: &Dataset, t: &Trace, floor: f64, frame: plot::Frame) -> Result<String> {
    let excess: Vec<f64> = t.loss.iter().map(|l| (l - floor).max(f64::MIN_POSITIVE)).collect();
    let label = format!("gradient descent, η = {}", fmt_sci(LR, 1));
    plot::render(frame.size(plot::SIZE, 440), |root| -> DrawResult {
        let area = plot::title(root, "Excess loss: a fast drop, then a crawl")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, 1))
            .x_label_area_size(50)
            .y_label_area_size(85)
            .build_cartesian_2d(0.0..t.loss.len() as f64 - 1.0, log_range(excess.iter().copied()).log_scale())?;
        plot::style_mesh_scaled(&mut chart, "iteration t", "L(w, b) − L* (€², log scale)", (false, true))?;
        chart
            .draw_series(LineSeries::new(
                excess.iter().enumerate().map(|(k, &e)| (k as f64, e)),
                GD_COLOUR.stroke_width(3),
            ))?
            .label(label.as_str())
            .legend(plot::line_glyph(GD_COLOUR, 3));
        let curve: Vec<(f64, f64)> = excess.iter().enumerate().map(|(k, &e)| (k as f64, e)).collect();
        plot::legend(&mut chart, &area, frame, &[&curve], &[label.as_str()])?;
        Ok(())
    })
}

/// Each |derivative| divided by its value at t = 0: the two have different units
/// (€·m² and €), so only their own ratios compare across parameters and units of x.
fn gradients_figure(t: &Trace, frame: plot::Frame) -> Result<String> {
    let (g0w, g0b) = (t.grad[0].0.abs(), t.grad[0].1.abs());
    let gw: Vec<f64> = t.grad.iter().map(|g| g.0.abs() / g0w).collect();
    let gb: Vec<f64> = t.grad.iter().map(|g| g.1.abs() / g0b).collect();
    let labels = ["|∂L/∂w(t)| / |∂L/∂w(0)|", "|∂L/∂b(t)| / |∂L/∂b(0)|"];
    // On a phone the plot stays tall enough for its long y label, the legend below it.
    plot::render(frame.size(plot::SIZE, 520 + plot::legend_room(frame, 2)), |root| -> DrawResult {
        let area = plot::title(root, "|∂L/∂w| collapses; |∂L/∂b| stops shrinking")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_right(frame.px(15, 24))
            .margin_bottom(15 + plot::legend_room(frame, 2))
            .x_label_area_size(50)
            .y_label_area_size(85)
            .build_cartesian_2d(0.0..t.grad.len() as f64 - 1.0, log_range(gw.iter().chain(&gb).copied()).log_scale())?;
        plot::style_mesh_scaled(&mut chart, "iteration t", "|derivative| / its value at t = 0 (log scale)", (false, true))?;
        for (v, colour, label) in [(&gw, W_COLOUR, labels[0]), (&gb, B_COLOUR, labels[1])] {
            chart
                .draw_series(LineSeries::new(
                    v.iter().enumerate().filter(|(_, g)| **g > 0.0).map(|(k, &g)| (k as f64, g)),
                    colour.stroke_width(3),
                ))?
                .label(label)
                .legend(plot::line_glyph(colour, 3));
        }
        let curves: Vec<Vec<(f64, f64)>> =
            [&gw, &gb].iter().map(|v| v.iter().enumerate().filter(|(_, g)| **g > 0.0).map(|(k, &g)| (k as f64, g)).collect()).collect();
        let series: Vec<&[(f64, f64)]> = curves.iter().map(Vec::as_slice).collect();
        plot::legend(&mut chart, &area, frame, &series, &labels)?;
        Ok(())
    })
}

/// w(t)/w* and b(t)/b*: 1 means learnt.
fn fractions_figure(t: &Trace, (ws, bs): (f64, f64), title: &str, x_desc: &str, frame: plot::Frame) -> Result<String> {
    let fw: Vec<f64> = t.w.iter().map(|w| w / ws).collect();
    let fb: Vec<f64> = t.b.iter().map(|b| b / bs).collect();
    let (lo, hi) = fw.iter().chain(&fb).fold((0.0f64, 1.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let m = 0.08 * (hi - lo);
    let labels = ["optimum (fraction 1)", "w(t) / w*", "b(t) / b*"];
    plot::render(frame.size(plot::SIZE, 460), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 60))
            .build_cartesian_2d(0.0..t.w.len() as f64 - 1.0, lo - m..hi + m)?;
        plot::style_mesh(&mut chart, x_desc, "parameter / its optimum")?;
        let end = t.w.len() as f64 - 1.0;
        chart
            .draw_series(LineSeries::new([(0.0, 1.0), (end, 1.0)], palette::FIT.stroke_width(2)))?
            .label("optimum (fraction 1)")
            .legend(plot::line_glyph(palette::FIT, 2));
        for (v, colour, label) in [(&fw, W_COLOUR, "w(t) / w*"), (&fb, B_COLOUR, "b(t) / b*")] {
            chart
                .draw_series(LineSeries::new(v.iter().enumerate().map(|(k, &f)| (k as f64, f)), colour.stroke_width(3)))?
                .label(label)
                .legend(plot::line_glyph(colour, 3));
        }
        let curve = |v: &[f64]| v.iter().enumerate().map(|(k, &f)| (k as f64, f)).collect::<Vec<_>>();
        plot::legend(&mut chart, &area, frame, &[&[(0.0, 1.0), (end, 1.0)], &curve(&fw), &curve(&fb)], &labels)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> serde_json::Value {
        build(&data::paris_rents(data::BOOK_SEED)).unwrap().0.json()
    }

    #[test]
    fn slope_learns_and_intercept_does_not() {
        let j = book();
        let v = |k: &str| j[k].as_f64().unwrap();
        // The notebook's observation: w within a few % of w*, b within a few € of its start.
        assert!((v("w_final_frac") - 1.0).abs() < 0.1, "{}", v("w_final_frac"));
        assert!(v("b_moved").abs() < 5.0 && v("b_moved_pct") < 5.0);
        // The flat direction is almost pure b, and 200 steps barely shrink it.
        assert!(v("vmin_b").abs() > 0.999 && v("decay_flat") > 0.99 && v("decay_steep") < 1e-3);
        assert!(v("kappa") > 1e4 && (v("kappa") - v("lambda_max") / v("lambda_min")).abs() < 1e-6 * v("kappa"));
    }

    #[test]
    fn measured_iterations_match_predictions() {
        let j = book();
        for key in ["notebook", "inv_lambda_max", "best"] {
            assert_eq!(j[format!("measured_{key}_status")], "reached", "{key}");
            let (m, p) = (j[format!("measured_{key}")].as_f64().unwrap(), j[format!("predicted_{key}")].as_f64().unwrap());
            // The prediction is a worst case over starting points; the start's error lies
            // almost along the flat direction, so the two agree within 1 %.
            assert!(m <= p + 1.0 && m > 0.99 * p, "{key}: measured {m}, predicted {p}");
        }
        assert_eq!(j["measured_over_status"], "diverged");
        assert_eq!(j["predicted_over"], -1.0);
        let msg = j["over_message"].as_str().unwrap();
        assert!(msg.starts_with("error: gradient descent diverged at iteration"), "{msg}");
        assert!(j["over_diverged_at"].as_i64().unwrap() > 0);
    }

    #[test]
    fn reader_question_reproduces_the_failure() {
        let j = book();
        let v = |k: &str| j[k].as_f64().unwrap();
        assert!((v("reader_w_frac") - 1.0).abs() < 0.05, "{}", v("reader_w_frac"));
        assert!(v("reader_b_frac").abs() < 0.5, "{}", v("reader_b_frac"));
        assert!(v("reader_vmin_b").abs() > 0.99);
    }

    #[test]
    fn book_learning_rate_diverging_on_reader_data_is_the_result() {
        // Areas around 1000 m²: λmax ≈ 2·10⁶ ≫ 2/η, so η = 1e-5 explodes.
        let x: Vec<f64> = (0..20).map(|i| 900.0 + 10.0 * i as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| 30.0 * v + 100.0).collect();
        let d = Dataset::new(x, y).unwrap();
        let msg = notebook_run(&d, &Curvature::of(&d.x)).unwrap_err().to_string();
        assert!(msg.starts_with("gradient descent diverged at iteration"), "{msg}");
        assert!(msg.contains("largest stable learning rate") && !msg.contains('\n'), "{msg}");
        // The chapter itself reports the divergence as its result.
        let (r, summary) = build(&d).unwrap();
        let j = r.json();
        assert_eq!(j["outcome"], "diverged");
        // λmax ≈ 2·(1 + E[x²]) ≈ 2.0·10⁶ here, so 2/λmax ≈ 1.0·10⁻⁶ (within 10 %), and
        // e = 1 − η·λmax ≈ −19: the loss grows ≈ 19² per step, past 10⁶ × start by step 3.
        let max_lr = j["max_stable_lr"].as_f64().unwrap();
        assert!((max_lr / 1.0e-6 - 1.0).abs() < 0.1, "{max_lr}");
        assert_eq!(j["diverged_at"], 3);
        assert!(summary.contains("diverges on these data"), "{summary}");
        r.check_finite().unwrap();
        assert!(r.all_files().iter().any(|(name, _)| name == "ch4-diverged.svg"));
        let constant = build(&Dataset::new(vec![3.0; 4], vec![1.0, 2.0, 3.0, 4.0]).unwrap()).unwrap_err();
        assert!(constant.to_string().contains("every x is the same"));
    }
}
