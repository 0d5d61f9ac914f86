//! The error split along the Hessian's eigen-directions: the book's answer in one picture.
//!
//! On a quadratic loss, gradient descent with step η maps the error e = θ − θ* to
//! (I − ηH)·e. Written in the eigenvectors of H, that matrix is diagonal, so each
//! component of the error shrinks on its own, by (1 − ηλ) per step:
//!   (θₜ − θ*)·v = (1 − ηλ)ᵗ · (θ₀ − θ*)·v.
//! The steep direction (λmax) sets the largest usable η; the flat one (λmin), almost pure
//! b on raw data, then shrinks by only ηλmin per step. Chapters 4 and 5 and `diagnose`
//! draw this with [`modes_figure`].

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::curvature::{self, Curvature};
use crate::gd::{self, Trace};
use crate::optimizers::{Gd, Optimizer};
use crate::quadratic::Quadratic;
use crate::plot::{self, DrawResult, Frame, palette};

/// How the squared errors are reduced to one loss. The sum multiplies the Hessian, and
/// so every curvature and the largest stable step, by n: the reason the same η that
/// works with a mean loss diverges with PyTorch's `reduction='sum'` on larger data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reduction {
    /// L = (1/n) Σ (yᵢ − ŷᵢ)², the book's loss.
    Mean,
    /// L = Σ (yᵢ − ŷᵢ)².
    Sum,
}

impl Reduction {
    /// The factor between this loss and the mean loss: 1 or n.
    pub fn factor(self, n: usize) -> f64 {
        match self {
            Reduction::Mean => 1.0,
            Reduction::Sum => n as f64,
        }
    }

    /// Curvature of this loss on data x (see [`curvature::hessian`] for the mean loss).
    pub fn curvature(self, x: &[f64]) -> Curvature {
        scaled_curvature(x, self.factor(x.len()))
    }

    /// This loss as the quadratic it is (O(1) per gradient).
    pub fn quadratic(self, x: &[f64], y: &[f64]) -> Quadratic {
        scaled_quadratic(Quadratic::of(x, y), self.factor(x.len()))
    }
}

/// Curvature of k times the mean loss on data x (the eigenvectors do not change).
pub fn scaled_curvature(x: &[f64], k: f64) -> Curvature {
    let h = curvature::hessian(x).map(|row| row.map(|v| k * v));
    let ((lambda_min, v_min), (lambda_max, v_max)) = curvature::eigen(h);
    Curvature { hessian: h, lambda_min, lambda_max, v_min, v_max }
}

/// k times a quadratic loss: same minimum, gradient and Hessian times k.
pub fn scaled_quadratic(q: Quadratic, k: f64) -> Quadratic {
    Quadratic { h: q.h.map(|row| row.map(|v| k * v)), c: q.c.map(|v| k * v), star: q.star, floor: k * q.floor }
}

// ANCHOR: steps_to_reach
/// The first step t at which plain gradient descent with step η has brought the error
/// below `target` (‖θₜ − θ*‖ < target), predicted from the components alone: the error at
/// step t is √((c_min·ρ_minᵗ)² + (c_max·ρ_maxᵗ)²) with ρ = 1 − ηλ, which decreases with t
/// when both |ρ| < 1, so a bisection finds the first t exactly. Unlike
/// [`Curvature::predicted_iterations`] (a worst case over starting points), this is the
/// count for this start. `None` if a component that is not zero never shrinks.
pub fn steps_to_reach(c: &Curvature, lr: f64, start: [f64; 2], target: f64) -> Option<u64> {
    let rho = [1.0 - lr * c.lambda_min, 1.0 - lr * c.lambda_max].map(f64::abs);
    let error = |t: f64| (start[0] * rho[0].powf(t)).hypot(start[1] * rho[1].powf(t));
    if error(0.0) < target {
        return Some(0);
    }
    if (0..2).any(|i| start[i] != 0.0 && rho[i] >= 1.0) || target <= 0.0 {
        return None;
    }
    // error(t) ≤ (|c_min| + |c_max|)·ρᵗ with ρ the larger factor: an upper end for the search.
    let worst = rho.iter().zip(start).filter(|(_, s)| *s != 0.0).map(|(r, _)| *r).fold(0.0, f64::max);
    let mut hi = if worst == 0.0 { 1.0 } else { ((target / (start[0].abs() + start[1].abs())).ln() / worst.ln()).ceil().max(1.0) };
    while error(hi) >= target {
        hi *= 2.0; // rounding in the bound; never more than once or twice
    }
    let mut lo = 0.0; // error(lo) ≥ target
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if error(mid) < target { hi = mid } else { lo = mid }
    }
    Some(hi as u64)
}
// ANCHOR_END: steps_to_reach

// ANCHOR: components
/// The error θ − θ* written in the eigenvectors: [along v_min, along v_max].
pub fn components(c: &Curvature, star: [f64; 2], theta: [f64; 2]) -> [f64; 2] {
    let e = [theta[0] - star[0], theta[1] - star[1]];
    [e[0] * c.v_min[0] + e[1] * c.v_min[1], e[0] * c.v_max[0] + e[1] * c.v_max[1]]
}
// ANCHOR_END: components

/// One run seen along the eigen-directions: the measured components at the recorded
/// steps, and what theory predicts for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Modes {
    pub lr: f64,
    /// [λmin, λmax] of the loss the run descended.
    pub lambda: [f64; 2],
    /// The iterations recorded, ascending from 0 (all of them, or every k-th for long runs,
    /// always with the last one).
    pub steps: Vec<usize>,
    /// [along v_min, along v_max] of θₜ − θ* at each recorded step.
    pub measured: Vec<[f64; 2]>,
    /// The iteration at which the run was stopped as diverged, if it was.
    pub diverged_at: Option<usize>,
    /// Components below this size are rounding noise: the f64 spacing near θ*, ε·‖θ*‖
    /// (at least ε, for θ* = 0).
    pub floor: f64,
}

impl Modes {
    /// The components of a recorded run (e.g. [`gd::gradient_descent`]'s trace) on a
    /// loss of curvature `c` with minimum `star`.
    pub fn from_trace(c: &Curvature, star: [f64; 2], trace: &Trace) -> Modes {
        let measured = trace.w.iter().zip(&trace.b).map(|(&w, &b)| components(c, star, [w, b])).collect();
        Modes {
            lr: trace.lr,
            lambda: [c.lambda_min, c.lambda_max],
            steps: (0..trace.w.len()).collect(),
            measured,
            diverged_at: trace.diverged_at,
            floor: rounding_floor(star),
        }
    }

    /// Runs `iterations` steps of plain gradient descent on `q` (O(1) per step), stops on
    /// divergence with the book's test ([`gd::has_diverged`]), and keeps at most about
    /// `max_points` of them for a figure. Returns the modes and the last iterate.
    pub fn gradient_descent(
        q: &Quadratic,
        c: &Curvature,
        start: [f64; 2],
        lr: f64,
        iterations: usize,
        max_points: usize,
    ) -> (Modes, [f64; 2]) {
        let stride = iterations.div_ceil(max_points.max(1)).max(1);
        let mut gd = Gd::new(lr);
        let loss0 = q.loss(start);
        let mut theta = start;
        let mut modes = Modes {
            lr,
            lambda: [c.lambda_min, c.lambda_max],
            steps: Vec::new(),
            measured: Vec::new(),
            diverged_at: None,
            floor: rounding_floor(q.star),
        };
        for t in 0..=iterations {
            let diverged = gd::has_diverged(q.loss(theta), loss0);
            if t % stride == 0 || t == iterations || diverged {
                modes.steps.push(t);
                modes.measured.push(components(c, q.star, theta));
            }
            if diverged {
                modes.diverged_at = Some(t);
                break;
            }
            if t < iterations {
                theta = gd.step(theta, q.grad(theta), t);
            }
        }
        (modes, theta)
    }

    /// The components at step 0.
    pub fn start(&self) -> [f64; 2] {
        self.measured[0]
    }

    // ANCHOR: factor
    /// What theory predicts each component has been multiplied by after t steps: (1 − ηλ)ᵗ.
    pub fn factor(&self, t: usize) -> [f64; 2] {
        self.lambda.map(|l| (1.0 - self.lr * l).powf(t as f64))
    }
    // ANCHOR_END: factor

    /// The predicted components at step t: (1 − ηλ)ᵗ times those at the start.
    pub fn predicted(&self, t: usize) -> [f64; 2] {
        let (f, s) = (self.factor(t), self.start());
        [f[0] * s[0], f[1] * s[1]]
    }

    /// Measured shrink of each component over the run, |eₜ·v| / |e₀·v| at the last recorded
    /// step (`None` for a component that starts at exactly 0).
    pub fn shrink_measured(&self) -> [Option<f64>; 2] {
        let (s, e) = (self.start(), *self.measured.last().expect("a run has a start"));
        [0, 1].map(|i| (s[i] != 0.0).then(|| (e[i] / s[i]).abs()))
    }

    /// Predicted shrink |1 − ηλ|ᵗ at the last recorded step.
    pub fn shrink_predicted(&self) -> [f64; 2] {
        self.factor(*self.steps.last().expect("a run has a start")).map(f64::abs)
    }

    /// The largest relative gap between measurement and theory over the recorded steps,
    /// per direction, once one rounding unit is allowed: (|measured − predicted| − floor)⁺ /
    /// |predicted|, over the steps where the prediction is above the floor (below it the
    /// measurement is rounding noise).
    pub fn max_relative_gap(&self) -> [f64; 2] {
        let mut gap = [0.0f64; 2];
        for (&t, m) in self.steps.iter().zip(&self.measured) {
            let p = self.predicted(t);
            for i in 0..2 {
                if p[i].abs() > self.floor {
                    gap[i] = gap[i].max(((m[i] - p[i]).abs() - self.floor).max(0.0) / p[i].abs());
                }
            }
        }
        gap
    }
}

/// ε·‖θ*‖: the spacing of f64 values near the optimum, below which a component of the
/// error cannot be measured.
pub fn rounding_floor(star: [f64; 2]) -> f64 {
    f64::EPSILON * star[0].hypot(star[1]).max(1.0)
}

/// Colours of the two directions, kept from chapter 4: the flat one (almost pure b on raw
/// data) in b's purple, the steep one (almost pure w) in w's sky blue.
pub const FLAT_COLOUR: RGBColor = palette::PURPLE;
pub const STEEP_COLOUR: RGBColor = palette::SKY;

/// Texts of a [`modes_figure`]: what to notice, and the axes with their units.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub title: &'a str,
    /// e.g. "iteration t" or "step t (one per epoch)".
    pub x_desc: &'a str,
    /// e.g. "|error along v| (€, log scale)".
    pub y_desc: &'a str,
}

// ANCHOR: modes_figure
/// The error's two components against the iteration on a log axis: measured (thick,
/// coloured) with theory (1 − ηλ)ᵗ drawn over it (black dashes); they coincide until the
/// measurement reaches the f64 rounding floor (grey dotted line). The legend sits in
/// headroom above the data (below the plot on a phone: `frame`).
pub fn modes_figure(m: &Modes, labels: Labels) -> crate::Result<String> {
    modes_figure_in(m, labels, Frame::Wide)
}

/// [`modes_figure`] laid out for `frame` (desktop or phone).
pub fn modes_figure_in(m: &Modes, labels: Labels, frame: Frame) -> crate::Result<String> {
    let floor = m.floor;
    let shown = |v: f64| v.abs().max(floor);
    let last = *m.steps.last().expect("a run has a start") as f64;
    let measured: [Vec<(f64, f64)>; 2] =
        [0, 1].map(|i| m.steps.iter().zip(&m.measured).map(|(&t, c)| (t as f64, shown(c[i]))).collect());
    // Theory stops where it drops below the floor: past it only rounding is measured.
    let predicted: [Vec<(f64, f64)>; 2] = [0, 1].map(|i| {
        m.steps.iter().map(|&t| (t as f64, m.predicted(t)[i].abs())).take_while(|p| p.1 >= floor).collect()
    });
    let values = measured.iter().chain(&predicted).flatten().map(|p| p.1).filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // The floor is drawn only when a measurement gets near it; otherwise it would squash
    // the data into a few decades.
    let show_floor = lo < 1e3 * floor;
    let lo = if show_floor { floor } else { lo };
    // About a third of the height above the data, for the legend (on a desktop).
    let span = (hi / lo).max(10.0);
    let head = if frame.is_narrow() { 0.05 } else { 0.45 };
    let y_range = (lo / span.powf(0.05))..(hi * span.powf(head));
    let x_range = 0.0..last.max(1.0);
    let lambda_text = |l: f64| crate::report::fmt_sig(l, 4);
    let entries = 3 + usize::from(show_floor) + usize::from(m.diverged_at.is_some());
    plot::render(frame.size(plot::SIZE, 520), |root| -> DrawResult {
        let area = plot::title(root, labels.title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_right(frame.px(35, 20))
            .margin_bottom(15 + plot::legend_room(frame, entries))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(90, 75))
            .build_cartesian_2d(x_range.clone(), y_range.clone().log_scale())?;
        plot::style_mesh_scaled(&mut chart, labels.x_desc, labels.y_desc, (false, true))?;
        if show_floor {
            let grey = palette::GREY.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new([(x_range.start, floor), (x_range.end, floor)], 3, 4, grey))?
                .label("f64 rounding floor ε·‖θ*‖")
                .legend(move |(x, y)| dashes((x, y), grey, 3));
        }
        let names = [
            format!("along v_min (flat, λmin = {}): measured", lambda_text(m.lambda[0])),
            format!("along v_max (steep, λmax = {}): measured", lambda_text(m.lambda[1])),
        ];
        for (i, colour) in [(0, FLAT_COLOUR), (1, STEEP_COLOUR)] {
            chart
                .draw_series(LineSeries::new(measured[i].iter().copied(), colour.stroke_width(5)))?
                .label(names[i].as_str())
                .legend(plot::line_glyph(colour, 5));
        }
        for (i, p) in predicted.iter().enumerate() {
            let series = chart.draw_series(DashedLineSeries::new(
                p.iter().copied(),
                8,
                6,
                palette::INK.stroke_width(2),
            ))?;
            if i == 0 {
                series.label("theory: (1 − ηλ)ᵗ × start").legend(|(x, y)| dashes((x, y), palette::INK.stroke_width(2), 8));
            }
        }
        if let Some(k) = m.diverged_at {
            let y = measured[0].last().map_or(hi, |p| p.1).max(measured[1].last().map_or(hi, |p| p.1));
            chart
                .draw_series([Cross::new((k as f64, y), 8, palette::FIT.stroke_width(3))])?
                .label(format!("diverged, stopped at step {k}"))
                .legend(|(x, y)| Cross::new((x + 11, y), 6, palette::FIT.stroke_width(3)));
        }
        // The entries as drawn (their number sets where a phone's legend goes, below the plot).
        let diverged = m.diverged_at.map(|k| format!("diverged, stopped at step {k}"));
        let mut texts: Vec<&str> = Vec::new();
        if show_floor {
            texts.push("f64 rounding floor ε·‖θ*‖");
        }
        texts.extend(names.iter().map(String::as_str));
        texts.push("theory: (1 − ηλ)ᵗ × start");
        texts.extend(diverged.as_deref());
        debug_assert_eq!(texts.len(), entries);
        let marks: Vec<&[(f64, f64)]> = measured.iter().chain(&predicted).map(Vec::as_slice).collect();
        plot::legend(&mut chart, &area, frame, &marks, &texts)?;
        Ok(())
    })
}
// ANCHOR_END: modes_figure

/// A dashed legend glyph the width of [`plot::line_glyph`].
fn dashes((x, y): (i32, i32), style: ShapeStyle, dash: i32) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, i32> {
    DashedPathElement::new(vec![(x, y), (x + 22, y)], dash, 3, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    fn paris() -> (data::Dataset, Curvature, [f64; 2]) {
        let d = data::paris_rents(data::BOOK_SEED);
        let c = Curvature::of(&d.x);
        let (ws, bs) = crate::stats::least_squares(&d.x, &d.y);
        (d, c, [ws, bs])
    }

    #[test]
    fn measured_components_follow_theory_on_the_paris_data() {
        let (d, c, star) = paris();
        let trace = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), 1e-5, 200);
        let m = Modes::from_trace(&c, star, &trace);
        // Exact for a quadratic: what is left is rounding, below 1e-9 relative plus one
        // unit ε·‖θ*‖ ≈ 3.4e-14 (the steep component ends near 7e-8).
        let gap = m.max_relative_gap();
        assert!(gap[0] < 1e-9 && gap[1] < 1e-9, "{gap:?}");
        // By hand: the flat component barely moves (−50.85 → −50.83), the steep one
        // shrinks by (1 − 1e-5 · 8907.72)²⁰⁰ = 0.91092²⁰⁰ ≈ 7.9e-9.
        let [flat, steep] = m.shrink_predicted();
        assert!((flat - 0.99950768).abs() < 1e-8, "{flat}");
        assert!((steep / 7.876e-9 - 1.0).abs() < 1e-3, "{steep}");
        let [Some(mf), Some(ms)] = m.shrink_measured() else { panic!() };
        assert!((mf / flat - 1.0).abs() < 1e-12 && (ms / steep - 1.0).abs() < 1e-6, "{mf} {ms}");
    }

    #[test]
    fn the_fast_run_matches_the_recorded_one() {
        let (d, c, star) = paris();
        let q = Quadratic::of(&d.x, &d.y);
        let trace = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), 1e-5, 200);
        let slow = Modes::from_trace(&c, star, &trace);
        let (fast, last) = Modes::gradient_descent(&q, &c, [25.0, 100.0], 1e-5, 200, 1000);
        assert_eq!(fast.steps, slow.steps);
        assert!((last[0] - trace.w[200]).abs() < 1e-11 && (last[1] - trace.b[200]).abs() < 1e-11, "{last:?}");
        for (a, b) in fast.measured.iter().zip(&slow.measured) {
            assert!((a[0] - b[0]).abs() < 1e-11 && (a[1] - b[1]).abs() < 1e-11, "{a:?} vs {b:?}");
        }
        // Thinning: 10⁶ steps kept as ~1000 points, the last one included.
        let (long, _) = Modes::gradient_descent(&q, &c, [25.0, 100.0], 1e-5, 1_000_000, 1000);
        assert_eq!(long.steps.len(), 1001);
        assert_eq!(*long.steps.last().unwrap(), 1_000_000);
        assert!(long.max_relative_gap()[0] < 1e-9, "{:?}", long.max_relative_gap());
    }

    #[test]
    fn divergence_is_recorded_and_sum_reduction_scales_curvature_by_n() {
        let (d, c, _) = paris();
        let q = Quadratic::of(&d.x, &d.y);
        let lr = 1.05 * c.max_stable_lr();
        let (m, _) = Modes::gradient_descent(&q, &c, [25.0, 100.0], lr, 1000, 100);
        let slow = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), lr, 1000);
        assert_eq!(m.diverged_at, slow.diverged_at);
        assert_eq!(m.steps.last().copied(), m.diverged_at);
        let sum = Reduction::Sum.curvature(&d.x);
        assert!((sum.lambda_max / c.lambda_max - 50.0).abs() < 1e-12 && (sum.lambda_min / c.lambda_min - 50.0).abs() < 1e-9);
        assert!((sum.v_min[1] - c.v_min[1]).abs() < 1e-15);
        let qs = Reduction::Sum.quadratic(&d.x, &d.y);
        let (g, gs) = (q.grad([25.0, 100.0]), qs.grad([25.0, 100.0]));
        assert!((gs[0] / g[0] - 50.0).abs() < 1e-12 && (gs[1] / g[1] - 50.0).abs() < 1e-12);
        assert!((qs.loss([25.0, 100.0]) / crate::loss::mse(&d.x, &d.y, 25.0, 100.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn predicted_steps_equal_measured_steps() {
        let (d, c, star) = paris();
        let start = components(&c, star, [25.0, 100.0]);
        let target = 1e-6 * star[0].hypot(star[1]);
        // Chapter 4's table: 5 159 812 steps at η = 1e-5, 230 051 at the best fixed step.
        for (lr, expected) in [(1e-5, 5_159_812), (c.best_fixed_lr(), 230_051), (1e-4, 0)] {
            let measured = match gd::iterations_to_reach(&d.x, &d.y, (25.0, 100.0), lr, 1e-6, 10_000_000) {
                gd::Reach::Reached(k) => k as u64,
                other => panic!("{other:?}"),
            };
            assert_eq!(steps_to_reach(&c, lr, start, target), Some(measured), "η = {lr}");
            if expected > 0 {
                assert_eq!(measured, expected);
            }
        }
        assert_eq!(steps_to_reach(&c, 1.05 * c.max_stable_lr(), start, target), None);
        assert_eq!(steps_to_reach(&c, 1e-5, start, 1e3), Some(0));
        // ρ = 0 (H = 2I, η = 1/2): one step.
        let round = Curvature::of(&[-1.0, 1.0]);
        assert_eq!(steps_to_reach(&round, 0.5, [3.0, -2.0], 1e-9), Some(1));
    }

    #[test]
    fn figure_is_deterministic_and_labelled() {
        let (d, c, star) = paris();
        let trace = gd::gradient_descent(&d.x, &d.y, (25.0, 100.0), 1e-5, 200);
        let m = Modes::from_trace(&c, star, &trace);
        let labels = Labels { title: "t", x_desc: "iteration t", y_desc: "|error along v| (log scale)" };
        let a = modes_figure(&m, labels).unwrap();
        assert_eq!(a, modes_figure(&m, labels).unwrap());
        for text in ["iteration t", "λmin = 0.2462", "λmax = 8908", "theory"] {
            assert!(a.contains(text), "{text}");
        }
        // The floor is labelled once a component reaches it (not within 200 steps).
        assert!(!a.contains("rounding floor") && !a.contains("NaN") && !a.contains("inf"));
        let (long, _) = Modes::gradient_descent(&Quadratic::of(&d.x, &d.y), &c, [25.0, 100.0], 1e-5, 10_000, 500);
        assert!(modes_figure(&long, labels).unwrap().contains("rounding floor"));
    }
}
