//! Chapter 8 — autodiff from scratch: the tape, the gradient it gives, and `zero_grad`.

use plotters::prelude::*;

pub const ABOUT: &str = "Chapter 8: reverse-mode autodiff from scratch, checked against the hand gradient.";

use crate::autodiff::{Tape, Var};
use crate::data::Dataset;
use crate::ddouble::Dd;
use crate::error::Result;
use crate::grad::{finite_differences, gradients};
use crate::loss::mse;
use crate::gd::gradient_descent;
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_sci, fmt_sig};
use crate::standardize::Scaling;
use crate::stats;

/// The chapter-5 run that chapter 8 repeats with the tape.
pub const START: (f64, f64) = (0.5, 0.5);
pub const LR: f64 = 0.1;
pub const ITERATIONS: usize = 200;
/// The point of the notebook's side-by-side check.
pub const CHECK: (f64, f64) = (0.7, 0.3);

/// A number far below 1 (a rounding error, a remaining gap): the full value under
/// `key`, and for prose, under `key_sci`, two digits in powers of ten ("1.3 × 10⁻¹⁶").
pub(crate) fn tiny(r: &mut Report, key: &str, value: f64) {
    r.number(key, value, 2);
    if !value.is_finite() {
        return; // refused by Report::check_finite; no exponent to format
    }
    let text = format!("{value:.1e}");
    let (mantissa, exponent) = text.split_once('e').expect("exponent format");
    let superscript: String = exponent
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            d => "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(d.to_digit(10).expect("a digit") as usize).expect("0-9"),
        })
        .collect();
    r.text(&format!("{key}_sci"), &format!("{mantissa} × 10{superscript}"));
}

/// A data set in standard units, with what it takes to map a line back.
pub(crate) struct Standardized {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub x_mean: f64,
    pub x_sd: f64,
    pub y_mean: f64,
    pub y_sd: f64,
}

impl Standardized {
    /// x̃ = (x − x̄)/sₓ and ỹ = (y − ȳ)/s_y, with population standard deviations
    /// (chapter 5's `standardize::Scaling`).
    pub fn of(x: &[f64], y: &[f64]) -> Result<Standardized> {
        let scaling = Scaling::of(x, y)?;
        let (xs, ys) = scaling.apply(x, y);
        let Scaling { x_mean, x_sd, y_mean, y_sd } = scaling;
        Ok(Standardized { x: xs, y: ys, x_mean, x_sd, y_mean, y_sd })
    }

    /// A line fitted in standard units, in the data's units: w = w̃·s_y/sₓ,
    /// b = ȳ + s_y·b̃ − w·x̄.
    pub fn unscale(&self, line: (f64, f64)) -> (f64, f64) {
        let Standardized { x_mean, x_sd, y_mean, y_sd, .. } = *self;
        Scaling { x_mean, x_sd, y_mean, y_sd }.to_original(line)
    }
}

// ANCHOR: mse_graph
/// L(w, b) = mean((y − (w·x + b))²) built from elementary nodes, as the notebook writes it.
pub fn mse_graph(tape: &mut Tape, w: Var, b: Var, x: Var, y: Var) -> Var {
    let wx = tape.mul(w, x);
    let pred = tape.add(wx, b);
    let residual = tape.sub(y, pred);
    let squared = tape.square(residual);
    tape.mean(squared)
}
// ANCHOR_END: mse_graph

// ANCHOR: train
/// Chapter 5's gradient descent with the tape computing the gradient. With
/// `zero_grad = false` the gradients of all earlier iterations pile up.
pub fn train(x: &[f64], y: &[f64], start: (f64, f64), lr: f64, iterations: usize, zero_grad: bool) -> (Vec<f64>, Vec<f64>) {
    let mut tape = Tape::new();
    let (w, b) = (tape.param(start.0), tape.param(start.1));
    let (xs, ys) = (tape.constant(x), tape.constant(y));
    let mark = tape.len();
    let (mut ws, mut bs) = (vec![start.0], vec![start.1]);
    for _ in 0..iterations {
        let loss = mse_graph(&mut tape, w, b, xs, ys);
        if zero_grad {
            tape.zero_grad();
        }
        tape.backward(loss);
        let (gw, gb) = (tape.grad(w), tape.grad(b));
        tape.set_value(w, tape.value(w) - lr * gw);
        tape.set_value(b, tape.value(b) - lr * gb);
        tape.rewind(mark);
        ws.push(tape.value(w));
        bs.push(tape.value(b));
    }
    (ws, bs)
}
// ANCHOR_END: train

/// The gradient at (w, b) by the tape.
pub fn autodiff_gradient(x: &[f64], y: &[f64], (w0, b0): (f64, f64)) -> (f64, f64) {
    let mut tape = Tape::new();
    let (w, b) = (tape.param(w0), tape.param(b0));
    let (xs, ys) = (tape.constant(x), tape.constant(y));
    let loss = mse_graph(&mut tape, w, b, xs, ys);
    tape.backward(loss);
    (tape.grad(w), tape.grad(b))
}

/// The step of [`finite_differences`] at the check point (1e-6 · max(|θ|, 1), and both
/// coordinates of [`CHECK`] are below 1).
pub const FD_STEP: f64 = 1e-6;

/// The MSE in double-double: each residual y − (w·x + b) and its square without rounding
/// to f64 (up to about 10⁻³²).
fn mse_dd(x: &[f64], y: &[f64], w: f64, b: f64) -> Dd {
    let sum = x.iter().zip(y).fold(Dd::new(0.0), |acc, (&xi, &yi)| {
        let r = Dd::new(yi) - Dd::new(w) * xi - Dd::new(b);
        acc + r * r
    });
    sum / Dd::new(x.len() as f64)
}

/// [`finite_differences`]' central quotients with the loss in double-double. The steps
/// w ± h are f64 numbers whose difference is exact (Sterbenz), and the quotient uses it.
pub fn central_difference_dd(x: &[f64], y: &[f64], at: (f64, f64)) -> (f64, f64) {
    let (w, b) = at;
    let hw = FD_STEP * w.abs().max(1.0);
    let hb = FD_STEP * b.abs().max(1.0);
    let q = |plus: Dd, minus: Dd, step: f64| ((plus - minus) / Dd::new(step)).to_f64();
    let dw = q(mse_dd(x, y, w + hw, b), mse_dd(x, y, w - hw, b), (w + hw) - (w - hw));
    let db = q(mse_dd(x, y, w, b + hb), mse_dd(x, y, w, b - hb), (b + hb) - (b - hb));
    (dw, db)
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let s = Standardized::of(&d.x, &d.y)?;
    let mut r = Report::new();

    // Side by side at (0.7, 0.3).
    let auto = autodiff_gradient(&s.x, &s.y, CHECK);
    let hand = gradients(&s.x, &s.y, CHECK.0, CHECK.1);
    let fd = finite_differences(|w, b| mse(&s.x, &s.y, w, b), CHECK.0, CHECK.1);
    r.number("check_gw", auto.0, 6).number("check_gb", auto.1, 6);
    let diff = |a: f64, b: f64| (a - b).abs();
    tiny(&mut r, "auto_hand_max_diff", diff(auto.0, hand.0).max(diff(auto.1, hand.1)));
    tiny(&mut r, "auto_fd_max_diff", diff(auto.0, fd.0).max(diff(auto.1, fd.1)));
    // The loss is quadratic, so a central difference has no truncation error: the gap is
    // the rounding of L(w ± h), of order ε·L/h. The same quotient with L in double-double
    // shows it: the gap shrinks to the tape's own rounding.
    let fd_dd = central_difference_dd(&s.x, &s.y, CHECK);
    let dd_gap = diff(auto.0, fd_dd.0).max(diff(auto.1, fd_dd.1));
    // Zero up to rounding: quoted as a bound, so the snapshot does not lock the noise.
    let power = if dd_gap < 1e-15 { -15 } else { dd_gap.log10().ceil() as i32 };
    let superscript: String =
        power.to_string().chars().map(|c| if c == '-' { '⁻' } else { "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(c as usize - '0' as usize).unwrap() }).collect();
    r.text("auto_fd_dd_bound", &format!("10{superscript}"));
    tiny(&mut r, "fd_rounding_scale", f64::EPSILON * mse(&s.x, &s.y, CHECK.0, CHECK.1) / FD_STEP);
    r.file("ch8-gradient-check.md", check_table(auto, hand, fd));

    // Accumulation: the same backward twice.
    let mut tape = Tape::new();
    let (w, b) = (tape.param(CHECK.0), tape.param(CHECK.1));
    let (xs, ys) = (tape.constant(&s.x), tape.constant(&s.y));
    let loss = mse_graph(&mut tape, w, b, xs, ys);
    tape.backward(loss);
    let once = (tape.grad(w), tape.grad(b));
    tape.backward(loss);
    let twice = (tape.grad(w), tape.grad(b));
    r.number("twice_gw", twice.0, 6).number("twice_gb", twice.1, 6);
    r.number("twice_ratio", twice.0 / once.0, 4);

    // Chapter 5's run, by hand and by the tape; then with zero_grad forgotten.
    let hand_run = gradient_descent(&s.x, &s.y, START, LR, ITERATIONS);
    let (ws, bs) = train(&s.x, &s.y, START, LR, ITERATIONS, true);
    // Relative to the size of θ = (w̃, b̃): b̃ itself shrinks to rounding noise (its
    // optimum is 0), where a per-coordinate relative gap would compare noise with noise.
    let max_rel = (0..=ITERATIONS)
        .map(|k| {
            let gap = (ws[k] - hand_run.w[k]).hypot(bs[k] - hand_run.b[k]);
            gap / hand_run.w[k].hypot(hand_run.b[k])
        })
        .fold(0.0, f64::max);
    tiny(&mut r, "train_max_rel_diff", max_rel);
    let (w_fin, b_fin) = (ws[ITERATIONS], bs[ITERATIONS]);
    r.number("train_w", w_fin, 6);
    let (w_raw, b_raw) = s.unscale((w_fin, b_fin));
    r.number("train_w_raw", w_raw, 4).number("train_b_raw", b_raw, 4);
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    r.number("w_star", w_star, 4).number("b_star", b_star, 4);
    r.number("train_loss", mse(&s.x, &s.y, w_fin, b_fin), 6);

    let (wf, bf) = train(&s.x, &s.y, START, LR, ITERATIONS, false);
    let (w_opt, _) = stats::least_squares(&s.x, &s.y);
    r.number("w_opt", w_opt, 6);
    r.number("forgot_loss", mse(&s.x, &s.y, wf[ITERATIONS], bf[ITERATIONS]), 4);
    r.number("forgot_w", wf[ITERATIONS], 4).number("forgot_b", bf[ITERATIONS], 4);
    let worst = wf.iter().map(|w| (w - w_opt).abs()).fold(0.0, f64::max);
    r.number("forgot_worst_w_gap", worst, 3);
    plot::figure(&mut r, "ch8-forgot-zero-grad", |frame| forgot_figure(&ws, &wf, w_opt, frame))?;

    plot::figure(&mut r, "ch8-graph", |frame| graph_figure(&s.x, &s.y, frame))?;

    let summary = format!(
        "gradient at (0.7, 0.3): autodiff ({}, {}), |autodiff − hand| ≤ {}\n\
         200 GD steps with the tape: max relative gap to hand-written GD {}\n",
        fmt_sig(auto.0, 6),
        fmt_sig(auto.1, 6),
        format_args!("{:.1e}", diff(auto.0, hand.0).max(diff(auto.1, hand.1))),
        format_args!("{max_rel:.1e}"),
    );
    Ok((r, summary))
}

fn check_table(auto: (f64, f64), hand: (f64, f64), fd: (f64, f64)) -> String {
    let mut t = String::from("| method | ∂L/∂w̃ | ∂L/∂b̃ |\n|---|---:|---:|\n");
    for (name, g) in [("autodiff (the tape)", auto), ("hand formula (`grad::gradients`)", hand), ("central finite differences", fd)] {
        // A typeset minus, as report::fmt_sig writes it.
        let cell = |v: f64| format!("{v:.12}").replacen('-', "\u{2212}", 1);
        t += &format!("| {name} | {} | {} |\n", cell(g.0), cell(g.1));
    }
    let e = |d: f64| fmt_sci(d, 2);
    t += &format!("| autodiff − hand | {} | {} |\n", e(auto.0 - hand.0), e(auto.1 - hand.1));
    t += &format!("| autodiff − finite differences | {} | {} |\n", e(auto.0 - fd.0), e(auto.1 - fd.1));
    t
}

/// w̃ along the run, with and without `zero_grad`.
fn forgot_figure(good: &[f64], bad: &[f64], w_opt: f64, frame: Frame) -> Result<String> {
    let lo = bad.iter().chain(good).copied().fold(f64::INFINITY, f64::min);
    let hi = bad.iter().chain(good).copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = 0.05 * (hi - lo);
    let labels = ["zero_grad every iteration", "zero_grad forgotten (gradients accumulate)", "optimum w̃*"];
    // Head-room above the peaks for the legend on a desktop: the swings fill every corner.
    let head = if frame.is_narrow() { 0.0 } else { 0.3 * (hi - lo) };
    plot::render(frame.size(plot::SIZE, 460), |root| -> DrawResult {
        let area = plot::title(root, "Forgetting zero_grad: the slope swings around the optimum")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(70, 60))
            .build_cartesian_2d(0.0..good.len() as f64 - 1.0, lo - pad..hi + pad + head)?;
        plot::style_mesh(&mut chart, "iteration t", "slope w̃ (standard units)")?;
        chart
            .draw_series(LineSeries::new(good.iter().enumerate().map(|(k, &w)| (k as f64, w)), palette::DATA.stroke_width(3)))?
            .label("zero_grad every iteration")
            .legend(plot::line_glyph(palette::DATA, 3));
        chart
            .draw_series(LineSeries::new(bad.iter().enumerate().map(|(k, &w)| (k as f64, w)), palette::PURPLE.stroke_width(2)))?
            .label("zero_grad forgotten (gradients accumulate)")
            .legend(plot::line_glyph(palette::PURPLE, 2));
        // Dashed and on top: the converged run lies on it.
        chart
            .draw_series(DashedLineSeries::new([(0.0, w_opt), (good.len() as f64 - 1.0, w_opt)], 8, 5, palette::FIT.stroke_width(2)))?
            .label("optimum w̃*")
            .legend(|(x, y)| {
                let dash = |a: i32| PathElement::new(vec![(a, 0), (a + 6, 0)], palette::FIT.stroke_width(2));
                EmptyElement::at((x, y)) + dash(0) + dash(8) + dash(16)
            });
        let series = |v: &[f64]| v.iter().enumerate().map(|(k, &w)| (k as f64, w)).collect::<Vec<_>>();
        let optimum = [(0.0, w_opt), (good.len() as f64 - 1.0, w_opt)];
        plot::legend(&mut chart, &area, frame, &[&series(good), &series(bad), &optimum], &labels)?;
        Ok(())
    })
}

/// The graph of one sample's loss ℓ = (ỹ₁ − (w̃·x̃₁ + b̃))² at (0.7, 0.3): each box shows
/// the node's value (forward) and its adjoint ∂ℓ/∂node (backward).
fn graph_figure(x: &[f64], y: &[f64], frame: Frame) -> Result<String> {
    let mut t = Tape::new();
    let (w, b) = (t.param(CHECK.0), t.param(CHECK.1));
    let (x1, y1) = (t.constant(&x[..1]), t.constant(&y[..1]));
    let wx = t.mul(w, x1);
    let pred = t.add(wx, b);
    let res = t.sub(y1, pred);
    let loss = t.square(res);
    t.backward(loss);
    let grad = |v: Var| t.adjoint(v).map_or("—".to_string(), |g| fmt_sig(g[0], 4));
    // (node, label, operation, column, row) on a 5 × 3 layout.
    let boxes = [
        (w, "w̃", "parameter", 0, 0),
        (x1, "x̃₁", "constant", 0, 1),
        (b, "b̃", "parameter", 1, 2),
        (wx, "w̃·x̃₁", "mul", 1, 0),
        (pred, "ŷ₁", "add", 2, 1),
        (y1, "ỹ₁", "constant", 2, 2),
        (res, "r₁ = ỹ₁ − ŷ₁", "sub", 3, 1),
        (loss, "ℓ = r₁²", "square", 4, 1),
    ];
    let edges = [(w, wx), (x1, wx), (wx, pred), (b, pred), (pred, res), (y1, res), (res, loss)];
    // A desktop reads the graph left to right (5 columns × 3 rows); a phone top to bottom,
    // the same layout turned a quarter (5 rows × 3 columns), each box one line taller.
    let narrow = frame.is_narrow();
    let (bw, bh) = if narrow { (122, 88) } else { (132, 74) };
    let centre = |col: i32, row: i32| if narrow { (67 + row * 133, 100 + col * 124) } else { (80 + col * 160, 95 + row * 135) };
    let place = |v: Var| {
        let (_, _, _, c, r) = boxes.iter().find(|bx| bx.0 == v).expect("every edge end has a box");
        centre(*c, *r)
    };
    plot::render(frame.size((840, 420), 690), |root| -> DrawResult {
        let area = root.clone();
        plot::title(root, "One sample's loss as a graph: value (forward), adjoint ∂ℓ/∂node (backward)")?;
        for &(from, to) in &edges {
            let ((x0, y0), (x1, y1)) = (place(from), place(to));
            // From the right edge of the source box to the left edge of the target box
            // (bottom edge to top edge on a phone).
            let (sx, ex, sy, ey) = if narrow { (x0, x1, y0 + bh / 2, y1 - bh / 2) } else { (x0 + bw / 2, x1 - bw / 2, y0, y1) };
            area.draw(&PathElement::new(vec![(sx, sy), (ex, ey)], palette::INK.mix(0.6).stroke_width(2)))?;
            let (dx, dy) = ((ex - sx) as f64, (ey - sy) as f64);
            let len = (dx * dx + dy * dy).sqrt();
            let (ux, uy) = (dx / len, dy / len);
            let p = |a: f64, o: f64| (ex - (a * ux - o * uy) as i32, ey - (a * uy + o * ux) as i32);
            area.draw(&Polygon::new(vec![(ex, ey), p(11.0, 5.0), p(11.0, -5.0)], palette::INK.mix(0.6).filled()))?;
        }
        for &(v, label, op, col, row) in &boxes {
            let (cx, cy) = centre(col, row);
            let colour = match op {
                "parameter" => palette::FIT,
                "constant" => palette::DATA,
                _ => palette::INK,
            };
            area.draw(&Rectangle::new([(cx - bw / 2, cy - bh / 2), (cx + bw / 2, cy + bh / 2)], WHITE.filled()))?;
            area.draw(&Rectangle::new(
                [(cx - bw / 2, cy - bh / 2), (cx + bw / 2, cy + bh / 2)],
                colour.stroke_width(2),
            ))?;
            // 16, not the usual 15: the figure is 840 px wide and shown at 750 px.
            let text = TextStyle::from((plot::FONT, 16).into_font()).color(&palette::INK);
            let value = format!("value {}", fmt_sig(t.values(v)[0], 4));
            let lines = if narrow {
                vec![label.to_string(), format!("({op})"), value, format!("adjoint {}", grad(v))]
            } else {
                vec![format!("{label}  ({op})"), value, format!("adjoint {}", grad(v))]
            };
            let top = cy - bh / 2 + 7;
            for (k, line) in lines.into_iter().enumerate() {
                area.draw(&Text::new(line, (cx - bw / 2 + 6, top + 20 * k as i32), text.clone()))?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn tape_training_matches_hand_written_gradient_descent() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap();
        // Same arithmetic up to the order of the sums: rounding only, at every iteration.
        assert!(v("train_max_rel_diff") <= 1e-12, "{}", v("train_max_rel_diff"));
        assert!(v("auto_hand_max_diff") < 1e-14);
        // The f64 central difference is off by rounding, ε·L/h within a factor of 100; in
        // double-double it agrees with the tape to the tape's own rounding.
        let scale = v("fd_rounding_scale");
        assert!(v("auto_fd_max_diff") < 100.0 * scale && v("auto_fd_max_diff") > scale / 100.0, "{}", v("auto_fd_max_diff"));
        assert_eq!(r.json()["auto_fd_dd_bound"], "10⁻¹⁵");
        assert_eq!(v("twice_ratio"), 2.0);
        // After 200 steps of rate 0.1 on a Hessian 2·I the run is at the optimum.
        assert!((v("train_w") - v("w_opt")).abs() < 1e-12);
        assert!((v("train_w_raw") / v("w_star") - 1.0).abs() < 1e-10);
        // Forgetting zero_grad leaves the run far from it.
        assert!(v("forgot_worst_w_gap") > 0.1);
    }

    #[test]
    fn constant_rents_cannot_be_standardized() {
        let d = Dataset::new(vec![1.0, 2.0, 3.0], vec![5.0, 5.0, 5.0]).unwrap();
        assert!(build(&d).unwrap_err().to_string().contains("every y equals"));
    }
}
