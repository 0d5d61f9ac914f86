//! Chapter 5 — standardization: the same problem in better units.

use plotters::prelude::*;

pub mod answer;

pub const ABOUT: &str =
    "Chapter 5: standardize x and y, run gradient descent in a round bowl, and map the result back to €/m² and €.";

use crate::contour::{self, Grid};
use crate::curvature::{Curvature, Sym2};
use crate::data::Dataset;
use crate::error::Result;
use crate::loss::mse;
use crate::gd::{Reach, gradient_descent, iterations_to_reach};
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_sci, fmt_sig};
use crate::standardize::{Divisor, Scaling};
use crate::stats;

/// The notebook's run on standardized data.
pub const NOTEBOOK_START: (f64, f64) = (0.5, 0.5);
pub const NOTEBOOK_LR: f64 = 0.1;
pub const NOTEBOOK_ITERATIONS: usize = 200;
/// Chapter 4's run on raw data, drawn for contrast.
pub const RAW_START: (f64, f64) = (25.0, 100.0);
pub const RAW_LR: f64 = 1e-5;
/// Target of the iteration counts: relative parameter error ‖θ − θ*‖/‖θ*‖.
pub const EPS: f64 = 1e-6;
/// Generous for the raw data (κ/2·ln(1/ε) is a few 10⁵ on the book's data).
pub const BUDGET: usize = 5_000_000;
/// Square centimetres per square metre: the same areas in another unit.
const CM2_PER_M2: f64 = 1e4;
/// Appendix C's example of data no chapter can standardize: one repeated area.
pub const CONSTANT_X_CSV: &str = "x,y\n50,1200\n50,1500\n50,1900\n";
/// The command appendix C shows on that file.
pub const CONSTANT_X_COMMAND: &str = "cargo run --bin chapter5 -- --data flat.csv";

/// One way of presenting the same data to gradient descent.
struct Setting {
    key: &'static str,
    label: &'static str,
    x: Vec<f64>,
    y: Vec<f64>,
    /// The starting line (25 €/m², 100 €) in this setting's coordinates.
    start: (f64, f64),
    /// The least-squares optimum in this setting's coordinates.
    target: (f64, f64),
    curvature: Curvature,
}

impl Setting {
    fn new(key: &'static str, label: &'static str, x: Vec<f64>, y: Vec<f64>, start: (f64, f64)) -> Setting {
        let target = stats::least_squares(&x, &y);
        let curvature = Curvature::of(&x);
        Setting { key, label, x, y, start, target, curvature }
    }

    fn relative_error(&self, (w, b): (f64, f64)) -> f64 {
        (w - self.target.0).hypot(b - self.target.1) / self.target.0.hypot(self.target.1)
    }
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    // First, so that constant x or y stops the chapter before anything is computed.
    let scaling = Scaling::of(&d.x, &d.y)?;
    let (xt, yt) = scaling.apply(&d.x, &d.y);
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    let tilde_star = stats::least_squares(&xt, &yt);
    let mut r = Report::new();

    r.number("x_mean", scaling.x_mean, 4).number("x_sd", scaling.x_sd, 4);
    r.number("y_mean", scaling.y_mean, 4).number("y_sd", scaling.y_sd, 4);
    r.number("w_star", w_star, 4).number("b_star", b_star, 4);
    r.number("w_tilde_star", tilde_star.0, 4);
    r.number("correlation", stats::covariance(&d.x, &d.y) / (scaling.x_sd * scaling.y_sd), 4);
    r.file("scaling.md", scaling_table(&scaling));
    r.file("constant-x.txt", constant_x_output());

    // The notebook's run, and the way back to euros.
    let run = gradient_descent(&xt, &yt, NOTEBOOK_START, NOTEBOOK_LR, NOTEBOOK_ITERATIONS).converged()?;
    let (wt, bt) = run.last();
    let (w_back, b_back) = scaling.to_original((wt, bt));
    r.number("gd_w_tilde", wt, 6).number_sci("gd_b_tilde_below", rounding_bound(bt), 1);
    r.number("gd_w", w_back, 6).number("gd_b", b_back, 6);
    for (key, got, star) in [("gd_rel_gap_w_below", w_back, w_star), ("gd_rel_gap_b_below", b_back, b_star)] {
        if star == 0.0 {
            r.undefined_number(key);
        } else {
            r.number_sci(key, rounding_bound((got - star) / star), 1);
        }
    }
    // Both gaps at once, for the sentence that quotes one bound for the two.
    if w_star != 0.0 && b_star != 0.0 {
        let worst = ((w_back - w_star) / w_star).abs().max(((b_back - b_star) / b_star).abs());
        r.number_sci("gd_rel_gap_below", rounding_bound(worst), 1);
    }
    r.number("gd_loss_tilde", *run.loss.last().expect("a trace has a start"), 4);
    r.number("gd_loss", mse(&d.x, &d.y, w_back, b_back), 4);
    let std_curv = Curvature::of(&xt);
    let rho_notebook = std_curv.contraction(NOTEBOOK_LR);
    r.number("rho_notebook", rho_notebook, 3);
    let start_distance = (NOTEBOOK_START.0 - tilde_star.0).hypot(NOTEBOOK_START.1 - tilde_star.1);
    r.number_sci("gd_predicted_distance", rho_notebook.powi(NOTEBOOK_ITERATIONS as i32) * start_distance, 1);
    if let Some((w, b)) = d.truth {
        r.number("gd_w_gap_truth", w_back - w, 3).number("gd_b_gap_truth", b_back - b, 3);
    }
    r.file("back-transform.md", back_transform_table(d, (wt, bt), (w_back, b_back), (w_star, b_star)));

    // Three presentations of the same data, and what each does to the Hessian.
    let x_mean = scaling.x_mean;
    let centered_x: Vec<f64> = d.x.iter().map(|v| v - x_mean).collect();
    let settings = [
        Setting::new("raw", "raw (x in m², y in €)", d.x.clone(), d.y.clone(), RAW_START),
        Setting::new(
            "centered",
            "x centered (x − x̄), y raw",
            centered_x,
            d.y.clone(),
            (RAW_START.0, RAW_START.1 + RAW_START.0 * x_mean),
        ),
        Setting::new("std", "standardized (x̃, ỹ)", xt.clone(), yt.clone(), scaling.to_standardized(RAW_START)),
    ];
    for s in &settings {
        let c = &s.curvature;
        let [[hww, hwb], [_, hbb]] = c.hessian;
        r.number(&format!("h_ww_{}", s.key), hww, 4);
        // Off the diagonal: 2x̄ on raw data, rounding noise once x is centered.
        if s.key == "raw" {
            r.number("h_wb_raw", hwb, 4);
        } else {
            r.number_sci(&format!("h_wb_{}_below", s.key), rounding_bound(hwb), 1);
        }
        r.number(&format!("h_bb_{}", s.key), hbb, 4);
        r.number(&format!("lambda_min_{}", s.key), c.lambda_min, 4);
        r.number(&format!("lambda_max_{}", s.key), c.lambda_max, 4);
        r.number(&format!("kappa_{}", s.key), c.condition_number(), 4);
        r.number(&format!("max_lr_{}", s.key), c.max_stable_lr(), 4);
        r.number(&format!("best_lr_{}", s.key), c.best_fixed_lr(), 4);
    }
    r.number("var_x", stats::variance(&d.x), 4);
    // κ of the raw problem depends on the unit of x: the same areas in cm².
    let in_cm2: Vec<f64> = d.x.iter().map(|v| v * CM2_PER_M2).collect();
    r.number("kappa_raw_cm2", Curvature::of(&in_cm2).condition_number(), 2);
    r.number("sqrt_kappa_raw", settings[0].curvature.condition_number().sqrt(), 3);
    r.number("mean_x2", d.x.iter().map(|v| v * v).sum::<f64>() / d.len() as f64, 4);
    r.file("conditioning.md", conditioning_table(&settings));
    answer::figures(&mut r, d)?;
    // Exercise: scaling x without centering it.
    let scaled_only: Vec<f64> = d.x.iter().map(|v| v / scaling.x_sd).collect();
    r.number("x_mean_over_sd", x_mean / scaling.x_sd, 4);
    r.number("kappa_scaled_only", Curvature::of(&scaled_only).condition_number(), 3);

    // Iterations to a relative error of 1e-6, measured and predicted.
    let mut rows = Vec::new();
    for (s, lr, tag) in [
        (&settings[0], settings[0].curvature.best_fixed_lr(), "best"),
        (&settings[1], settings[1].curvature.best_fixed_lr(), "best"),
        (&settings[2], settings[2].curvature.best_fixed_lr(), "best"),
        (&settings[2], NOTEBOOK_LR, "lr01"),
    ] {
        let key = if tag == "best" { s.key.to_string() } else { format!("{}_{tag}", s.key) };
        // Runs to the setting's own least-squares optimum, s.target.
        let measured = match iterations_to_reach(&s.x, &s.y, s.start, lr, EPS, BUDGET) {
            Reach::Reached(n) => Some(n),
            Reach::NotReached { .. } | Reach::Diverged(_) => None,
        };
        // One convention in chapters 4 and 5: the error must shrink by ε/δ₀ from this start.
        let predicted = s.curvature.predicted_iterations(lr, EPS / s.relative_error(s.start));
        match measured {
            Some(n) => r.number(&format!("iters_{key}"), n as f64, digits(n as f64)),
            None => r.text(&format!("iters_{key}"), &format!("more than {BUDGET}")),
        };
        if let Some(p) = predicted {
            r.number(&format!("predicted_{key}"), p, digits(p));
        }
        r.number(&format!("start_error_{key}"), s.relative_error(s.start), 3);
        rows.push((s, lr, measured, predicted));
    }
    r.file("iterations.md", iterations_table(&rows));
    if let Some(p) = settings[0].curvature.predicted_iterations(RAW_LR, EPS / settings[0].relative_error(settings[0].start)) {
        r.number("predicted_raw_ch4_lr", p, digits(p));
    }

    // One step of size 1/2 on standardized data is Newton's step.
    let one = gradient_descent(&xt, &yt, NOTEBOOK_START, 0.5, 1).converged()?;
    let rel_one = settings[2].relative_error(one.last());
    r.number_sci("one_step_rel_error_below", rounding_bound(rel_one), 1);
    r.number("one_step_start_error", settings[2].relative_error(NOTEBOOK_START), 3);
    // The same with n − 1 in the standard deviations: H is no longer exactly 2I.
    let sample = Scaling::with_divisor(&d.x, &d.y, Divisor::NMinusOne)?;
    let (xs, ys) = sample.apply(&d.x, &d.y);
    let sample_target = stats::least_squares(&xs, &ys);
    let one_s = gradient_descent(&xs, &ys, NOTEBOOK_START, 0.5, 1).converged()?;
    let (ws, bs) = one_s.last();
    let rel_s = (ws - sample_target.0).hypot(bs - sample_target.1) / sample_target.0.hypot(sample_target.1);
    r.number("x_sd_sample", sample.x_sd, 4);
    r.number("h_ww_sample", Curvature::of(&xs).hessian[0][0], 4);
    r.number("one_step_rel_error_sample", rel_s, 3);
    r.number("one_step_w_error_factor_sample", (1.0 - 0.5 * Curvature::of(&xs).hessian[0][0]).abs(), 3);
    r.number("w_tilde_star_sample", sample_target.0, 4);

    // Figure: the raw valley beside the standardized bowl.
    let raw_run = gradient_descent(&d.x, &d.y, RAW_START, RAW_LR, NOTEBOOK_ITERATIONS);
    r.number("raw_run_b_final", raw_run.last().1, 4).number("raw_run_b_gap", b_star - raw_run.last().1, 3);
    plot::figure(&mut r, "ch5-contours", |frame| contours_figure(d, &scaling, (w_star, b_star), tilde_star, &raw_run, &run, frame))?;

    let iters = |k: usize| rows[k].2.map_or(format!("> {BUDGET}"), |n| n.to_string());
    let summary = format!(
        "standardized GD (lr {NOTEBOOK_LR}, {NOTEBOOK_ITERATIONS} steps) mapped back: w = {} €/m², b = {} € \
         (least squares: {}, {})\nκ raw {}, centered {}, standardized {}\n\
         iterations to 1e-6 at the best fixed step: raw {}, centered {}, standardized {}\n",
        fmt_sig(w_back, 6),
        fmt_sig(b_back, 6),
        fmt_sig(w_star, 6),
        fmt_sig(b_star, 6),
        fmt_sig(settings[0].curvature.condition_number(), 4),
        fmt_sig(settings[1].curvature.condition_number(), 4),
        fmt_sig(settings[2].curvature.condition_number(), 4),
        iters(0),
        iters(1),
        iters(2),
    );
    Ok((r, summary))
}

/// The means and standard deviations the recipe uses.
fn scaling_table(s: &Scaling) -> String {
    format!(
        "| column | mean | standard deviation |\n|---|---:|---:|\n\
         | area x | x̄\u{a0}=\u{a0}{}\u{a0}m² | s<sub>x</sub>\u{a0}=\u{a0}{}\u{a0}m² |\n\
         | rent y | ȳ\u{a0}=\u{a0}{}\u{a0}€ | s<sub>y</sub>\u{a0}=\u{a0}{}\u{a0}€ |\n",
        fmt_sig(s.x_mean, 4),
        fmt_sig(s.x_sd, 4),
        fmt_sig(s.y_mean, 4),
        fmt_sig(s.y_sd, 4)
    )
}

/// What a chapter binary prints for [`CONSTANT_X_CSV`]: the command, then the one line
/// `cli` writes for the refusal of `data::check_usable` (code/tests/cli.rs runs the binary
/// and compares).
fn constant_x_output() -> String {
    let (x, y): (Vec<f64>, Vec<f64>) = CONSTANT_X_CSV
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').map(|(a, b)| (a.parse::<f64>().unwrap_or(0.0), b.parse::<f64>().unwrap_or(0.0))).unwrap_or((0.0, 0.0)))
        .unzip();
    let refusal = Dataset::new(x, y).and_then(|d| crate::data::check_usable(&d));
    let message = refusal.err().map_or("(accepted)".to_string(), |e| format!("error: {e}"));
    format!("$ {CONSTANT_X_COMMAND}\n{message}\n")
}

fn back_transform_table(d: &Dataset, tilde: (f64, f64), back: (f64, f64), star: (f64, f64)) -> String {
    let truth = |k: usize| d.truth.map_or("—".to_string(), |t| fmt_sig(if k == 0 { t.0 } else { t.1 }, 4));
    let mut t = String::from(
        "| | GD on standardized data | mapped back | least squares on raw data | true value |\n\
         |---|---:|---:|---:|---:|\n",
    );
    t += &format!(
        "| slope | w̃\u{a0}=\u{a0}{} | w\u{a0}=\u{a0}{}\u{a0}€/m² | w*\u{a0}=\u{a0}{}\u{a0}€/m² | {}\u{a0}€/m² |\n",
        fmt_sig(tilde.0, 6),
        fmt_sig(back.0, 6),
        fmt_sig(star.0, 6),
        truth(0)
    );
    t += &format!(
        "| intercept | b̃\u{a0}<\u{a0}{} | b\u{a0}=\u{a0}{}\u{a0}€ | b*\u{a0}=\u{a0}{}\u{a0}€ | {}\u{a0}€ |\n",
        fmt_sci(rounding_bound(tilde.1), 1),
        fmt_sig(back.1, 6),
        fmt_sig(star.1, 6),
        truth(1)
    );
    t
}

fn hessian_cell(h: Sym2) -> String {
    let off = if h[0][1].abs() < 1e-9 * h[0][0] {
        format!("0 (< {})", fmt_sci(rounding_bound(h[0][1]), 1))
    } else {
        fmt_sig(h[0][1], 4)
    };
    format!("[[{}, {off}], [{off}, {}]]", fmt_sig(h[0][0], 4), fmt_sig(h[1][1], 4))
}

fn conditioning_table(settings: &[Setting]) -> String {
    let mut t = String::from(
        "| data | Hessian H | λmin | λmax | κ = λmax/λmin | stable if η < 2/λmax | best fixed η = 2/(λmin + λmax) |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for s in settings {
        let c = &s.curvature;
        t += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            s.label,
            hessian_cell(c.hessian),
            fmt_sig(c.lambda_min, 4),
            fmt_sig(c.lambda_max, 4),
            fmt_sig(c.condition_number(), 4),
            fmt_sig(c.max_stable_lr(), 4),
            fmt_sig(c.best_fixed_lr(), 4),
        );
    }
    t
}

/// The power of ten just above |v| (at least 10⁻¹⁷): what the book quotes for a quantity
/// that is zero up to rounding. Its last bits depend on the order of floating-point
/// operations, its decade does not.
fn rounding_bound(v: f64) -> f64 {
    10f64.powi(v.abs().max(1e-17).log10().ceil() as i32)
}

/// Significant digits that print a whole number in full.
fn digits(v: f64) -> usize {
    (v.abs().max(1.0).log10().floor() as usize) + 1
}

type Row<'a> = (&'a Setting, f64, Option<usize>, Option<f64>);

fn iterations_table(rows: &[Row]) -> String {
    let mut t = String::from(
        "| data | κ | step η | ρ per step | start error δ₀ | predicted ⌈ln(ε/δ₀) / ln ρ⌉ | measured |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let count = |p: Option<f64>| p.map_or("diverges".to_string(), |p| fmt_sig(p, digits(p)));
    for (s, lr, measured, predicted) in rows {
        let c = &s.curvature;
        let rho = c.contraction(*lr);
        t += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            s.label,
            fmt_sig(c.condition_number(), 4),
            fmt_sig(*lr, 4),
            if rho < 1e-6 { format!("< {}", fmt_sci(rounding_bound(rho), 1)) } else { fmt_sig(rho, 6) },
            fmt_sig(s.relative_error(s.start), 3),
            count(*predicted),
            measured.map_or(format!("more than {}", fmt_sig(BUDGET as f64, 7)), |n| count(Some(n as f64))),
        );
    }
    t
}

/// Contour levels as in chapter 2: L* + Δ with Δ falling tenfold every two lines.
fn levels(grid: &Grid, floor: f64) -> Vec<f64> {
    let top = grid.max() - floor;
    contour::excess_levels(floor, top, 8)
}

struct Panel<'a> {
    title: String,
    x_desc: &'a str,
    y_desc: &'a str,
    /// The loss on this panel's coordinates.
    x: &'a [f64],
    y: &'a [f64],
    /// Window (w range, b range); `equal_scales` widens one side so that a unit of w and
    /// a unit of b are as long on screen: circles then look round.
    window: ((f64, f64), (f64, f64)),
    equal_scales: bool,
    floor: f64,
    optimum: (f64, f64),
    truth: Option<(f64, f64)>,
    path: Vec<(f64, f64)>,
}

type PanelChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// One panel's chart, without a caption (the panel's title is drawn above it), so that
/// building it draws nothing and it can probe the plotting area's size.
fn builder<'a, 'b>(
    r: &'a plot::Area<'b>,
    xr: std::ops::Range<f64>,
    yr: std::ops::Range<f64>,
) -> std::result::Result<PanelChart<'a, 'b>, Box<dyn std::error::Error>> {
    Ok(ChartBuilder::on(r).margin(8).x_label_area_size(50).y_label_area_size(64).build_cartesian_2d(xr, yr)?)
}

// ANCHOR: contours_figure
/// The raw loss (a thin valley) beside the standardized loss (a round bowl, drawn with
/// equal scales), each with the gradient-descent path of its own run, and one legend
/// below both panels, off the data. On a phone the panels are stacked and the legend
/// has a line per entry.
fn contours_figure(
    d: &Dataset,
    scaling: &Scaling,
    star: (f64, f64),
    tilde_star: (f64, f64),
    raw_run: &crate::gd::Trace,
    std_run: &crate::gd::Trace,
    frame: Frame,
) -> Result<String> {
    // Zoomed on the run and the minimum (not chapter 2's ±1400 € window, where the stalled
    // end, 50 € below b*, would be drawn on top of the minimum).
    let pad = |lo: f64, hi: f64| (lo - 0.12 * (hi - lo), hi + 0.12 * (hi - lo));
    let raw_w = pad(stats::min(&raw_run.w).min(star.0), stats::max(&raw_run.w).max(star.0));
    let raw_b = pad(stats::min(&raw_run.b).min(star.1), stats::max(&raw_run.b).max(star.1));
    let (xt, yt) = scaling.apply(&d.x, &d.y);
    let h = 1.1;
    let raw_path: Vec<(f64, f64)> = raw_run.w.iter().copied().zip(raw_run.b.iter().copied()).collect();
    let panels = [
        Panel {
            title: format!("raw data, η = {}: a thin valley", fmt_sci(RAW_LR, 1)),
            x_desc: "slope w (€/m²)",
            y_desc: "intercept b (€)",
            x: &d.x,
            y: &d.y,
            window: (raw_w, raw_b),
            equal_scales: false,
            floor: mse(&d.x, &d.y, star.0, star.1),
            optimum: star,
            truth: d.truth,
            // A run that diverges on the reader's data is drawn until it leaves the figure.
            path: plot::clip_path(&raw_path, raw_w, raw_b),
        },
        Panel {
            title: format!("standardized, η = {NOTEBOOK_LR}: a round bowl"),
            x_desc: "slope w̃ (standardized)",
            y_desc: "intercept b̃ (standardized)",
            x: &xt,
            y: &yt,
            window: ((tilde_star.0 - h, tilde_star.0 + h), (tilde_star.1 - h, tilde_star.1 + h)),
            equal_scales: true,
            floor: mse(&xt, &yt, tilde_star.0, tilde_star.1),
            optimum: tilde_star,
            truth: d.truth.map(|t| scaling.to_standardized(t)),
            path: std_run.w.iter().copied().zip(std_run.b.iter().copied()).collect(),
        },
    ];
    let steps = raw_run.w.len() - 1;
    let entries = if d.truth.is_some() { 4 } else { 3 };
    // A row for all the entries on a desktop, a line each on a phone.
    let (row, legend_height) = (24, frame.px(40, 24 * entries + 16) as i32);
    // Drawn at the column's width (not 1100 px shrunk to 750), so the text stays ≥ 11 px.
    plot::render(frame.size((800, 580), 960), |root| -> DrawResult {
        let area = plot::title(root, &format!("The same loss in two coordinate systems ({steps} steps each)"))?;
        let (_, height) = area.dim_in_pixel();
        let (plots, legend) = area.split_vertically(height as i32 - legend_height);
        let grid = if frame.is_narrow() { (2, 1) } else { (1, 2) };
        for (region, p) in plots.split_evenly(grid).iter().zip(&panels) {
            let region = region.titled(&p.title, plot::axis_desc_style())?;
            let ((mut w0, mut w1), (mut b0, mut b1)) = p.window;
            if p.equal_scales {
                // Probe the plotting area's size (building a chart without a caption
                // draws nothing), then widen the short side of the window.
                let probe = builder(&region, w0..w1, b0..b1)?;
                let (pw, ph) = probe.plotting_area().dim_in_pixel();
                let per_px = ((w1 - w0) / pw as f64).max((b1 - b0) / ph as f64);
                let (wc, bc) = ((w0 + w1) / 2.0, (b0 + b1) / 2.0);
                (w0, w1) = (wc - per_px * pw as f64 / 2.0, wc + per_px * pw as f64 / 2.0);
                (b0, b1) = (bc - per_px * ph as f64 / 2.0, bc + per_px * ph as f64 / 2.0);
            }
            let n = if p.equal_scales { 101 } else { 121 };
            let g = contour::loss_grid(p.x, p.y, plot::linspace(w0, w1, n), plot::linspace(b0, b1, n));
            let mut chart = builder(&region, w0..w1, b0..b1)?;
            // plot::tick prints 0.6000000000000001 as "0.600": round tick values first.
            let tick = |v: &f64| plot::tick((v * 1e6).round() / 1e6 + 0.0);
            chart
                .configure_mesh()
                .x_labels(plot::labels_for(w0, w1, false))
                .y_labels(plot::labels_for(b0, b1, false))
                .x_desc(p.x_desc)
                .y_desc(p.y_desc)
                .axis_desc_style(plot::axis_desc_style())
                .x_label_formatter(&tick)
                .y_label_formatter(&tick)
                .label_style(plot::label_style())
                .light_line_style(palette::GRID.mix(0.5))
                .bold_line_style(palette::GRID)
                .draw()?;
            let lv = levels(&g, p.floor);
            for (k, &level) in lv.iter().enumerate() {
                let colour = plot::viridis(k as f64 / (lv.len() - 1) as f64 * 0.9);
                chart.draw_series(
                    contour::contour(&g, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.stroke_width(2))),
                )?;
            }
            chart.draw_series(LineSeries::new(p.path.clone(), palette::ORANGE.stroke_width(2)))?;
            chart.draw_series(p.path.iter().map(|&q| Circle::new(q, 3, palette::ORANGE.filled())))?;
            if let Some(&start) = p.path.first() {
                chart.draw_series([Circle::new(start, 6, palette::INK.stroke_width(2))])?;
            }
            // The true line only where the window holds it (the zoomed raw panel does not).
            let inside = |(w, b): (f64, f64)| (w0..=w1).contains(&w) && (b0..=b1).contains(&b);
            if let Some(t) = p.truth.filter(|&t| inside(t)) {
                plot::mark_truth(&mut chart, t)?;
            }
            plot::mark_optimum(&mut chart, p.optimum, "least-squares minimum")?;
        }
        // One legend for both panels, in its own strip under them.
        let font = plot::label_style();
        let (mut x, mut y) = (20, 20);
        let mut entry = |glyph: &dyn Fn((i32, i32)) -> DrawResult, label: &str| -> DrawResult {
            glyph((x, y))?;
            legend.draw(&Text::new(label.to_string(), (x + 30, y - 8), font.clone()))?;
            if frame.is_narrow() {
                y += row;
            } else {
                x += 30 + (label.chars().count() as f64 * 7.0) as i32 + 28;
            }
            Ok(())
        };
        entry(
            &|(x, y)| {
                legend.draw(&PathElement::new(vec![(x - 8, y), (x + 16, y)], palette::ORANGE.stroke_width(2)))?;
                legend.draw(&Circle::new((x + 4, y), 3, palette::ORANGE.filled()))?;
                Ok(())
            },
            "gradient descent (a dot per step)",
        )?;
        entry(&|(x, y)| Ok(legend.draw(&Circle::new((x + 4, y), 6, palette::INK.stroke_width(2)))?), "start")?;
        entry(&|(x, y)| Ok(legend.draw(&Cross::new((x + 4, y), 6, palette::FIT.stroke_width(3)))?), "least-squares minimum")?;
        if d.truth.is_some() {
            entry(&|(x, y)| Ok(legend.draw(&TriangleMarker::new((x + 4, y), 6, palette::TRUE.filled()))?), "true parameters")?;
        }
        Ok(())
    })
}
// ANCHOR_END: contours_figure

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn standardized_run_lands_on_least_squares_and_kappa_falls() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap_or_else(|| panic!("{k}"));
        // ρ = 0.8 per step for 200 steps: the run ends at the optimum up to rounding.
        assert!((v("gd_w") / v("w_star") - 1.0).abs() < 1e-10, "{} {}", v("gd_w"), v("w_star"));
        assert!((v("gd_b") / v("b_star") - 1.0).abs() < 1e-10);
        assert!((v("rho_notebook") - 0.8).abs() < 1e-12);
        // Centering makes H diagonal, with κ = var(x) (in m⁴, but that is the number).
        assert!(v("h_wb_centered_below") < 1e-9 * v("h_ww_centered"));
        assert!((v("kappa_centered") / v("var_x") - 1.0).abs() < 1e-12);
        assert!(v("kappa_raw") > 10.0 * v("kappa_centered"));
        assert!((v("kappa_std") - 1.0).abs() < 1e-12);
        // Measured iterations never exceed the worst-case prediction, and the raw data
        // need the most.
        for k in ["raw", "centered", "std", "std_lr01"] {
            assert!(v(&format!("iters_{k}")) <= v(&format!("predicted_{k}")), "{k}");
        }
        assert!(v("iters_raw") > 10.0 * v("iters_centered"));
    }

    #[test]
    fn half_step_on_standardized_data_is_newtons_step() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap();
        assert_eq!(v("iters_std"), 1.0);
        assert!(v("one_step_rel_error_below") <= 1e-15, "{}", v("one_step_rel_error_below"));
        // With n − 1 in the standard deviations H_ww = 2(n − 1)/n, and one step of 1/2
        // leaves 1/n of the slope's error.
        let n = d.len() as f64;
        assert!((v("h_ww_sample") - 2.0 * (n - 1.0) / n).abs() < 1e-12);
        assert!((v("one_step_w_error_factor_sample") - 1.0 / n).abs() < 1e-12);
        assert!(v("one_step_rel_error_sample") > 1e-4);
    }

    #[test]
    fn constant_x_is_refused() {
        let d = Dataset::new(vec![50.0; 4], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let e = build(&d).unwrap_err().to_string();
        assert!(e.starts_with("invalid data: every x equals 50"), "{e}");
    }
}
