//! The chapter's answer in one paragraph (issue 11), now at the end of chapter 4 as "The
//! answer, measured" (issue 20): its numbers, the worked first step, and the links to
//! chapters 2, 6 and 10. The measured step counts of its table come from chapters 4, 5 and
//! 7; the rate-based counts below (`answer_steps_*`) are kept for comparison, not quoted.
//! Kept apart from `build` so the paragraph's numbers live in one place.

use crate::curvature::{self, Curvature};
use crate::data::Dataset;
use crate::linalg;
use crate::loss::mse;
use crate::gd::Trace;
use crate::report::Report;
use crate::stats;

use super::LR;

/// Iterations for a contraction ρ per step to shrink the error by `shrink`:
/// ⌈ln s / ln ρ⌉, and 1 when ρ = 0 (one step lands on the optimum).
fn steps(rho: f64, shrink: f64) -> f64 {
    if rho == 0.0 { 1.0 } else { (shrink.ln() / rho.ln()).ceil() }
}

/// Best worst-case contraction of gradient descent on a bowl of condition number κ,
/// (κ − 1)/(κ + 1) at η = 2/(λmin + λmax), and of heavy-ball momentum with its optimal
/// (η, β), (√κ − 1)/(√κ + 1).
pub fn rate_gd(kappa: f64) -> f64 {
    (kappa - 1.0) / (kappa + 1.0)
}
pub fn rate_momentum(kappa: f64) -> f64 {
    (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0)
}

/// κ of the Hessian after per-parameter steps ηᵢ ∝ 1/Hᵢᵢ (diagonal preconditioning):
/// D^(−1/2) H D^(−1/2) = [[1, r], [r, 1]] with r = |H_wb|/√(H_ww·H_bb), so κ = (1 + r)/(1 − r).
pub fn kappa_diagonal(h: curvature::Sym2) -> f64 {
    let r = h[0][1].abs() / (h[0][0] * h[1][1]).sqrt();
    let scaled = [[1.0, r], [r, 1.0]];
    let ((lmin, _), (lmax, _)) = curvature::eigen(scaled);
    lmax / lmin
}

/// Standard errors of (w*, b*) with σ² estimated on n − 2 degrees of freedom
/// (the same textbook formulas as chapter 2).
pub fn standard_errors(d: &Dataset) -> (f64, f64) {
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    let n = d.len() as f64;
    let s2 = mse(&d.x, &d.y, ws, bs) * n / (n - 2.0);
    let sxx = stats::variance(&d.x) * n;
    let xm = stats::mean(&d.x);
    ((s2 / sxx).sqrt(), (s2 * (1.0 / n + xm * xm / sxx)).sqrt())
}

pub fn numbers(r: &mut Report, d: &Dataset, c: &Curvature, trace: &Trace, shrink: f64, measured_notebook: f64) {
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    let kappa = c.condition_number();

    // Where the two curvatures come from: λmax ≈ tr H − λmin ≈ 2·mean(x²) and, since
    // λmin·λmax = det H = 4·var(x), λmin ≈ 2·var(x)/mean(x²).
    let mean_x2 = stats::mean(&d.x.iter().map(|v| v * v).collect::<Vec<_>>());
    let var_x = stats::variance(&d.x);
    r.number("answer_mean_x", stats::mean(&d.x), 4).number("answer_sd_x", var_x.sqrt(), 4);
    r.number("answer_two_mean_x2", 2.0 * mean_x2, 4).number("answer_lambda_min_approx", 2.0 * var_x / mean_x2, 4);
    r.number_sci("answer_eta_lambda_min", LR * c.lambda_min, 3);

    // Every digit, grouped (5 159 812): a measured count, not rounded.
    r.number("answer_steps_notebook", measured_notebook, measured_notebook.max(1.0).log10().floor() as usize + 1);

    // What each fix buys: predicted steps to the chapter's target (shrink the error by s),
    // every method at its best constant settings.
    let mean_x = stats::mean(&d.x);
    let xc: Vec<f64> = d.x.iter().map(|v| v - mean_x).collect();
    let kappa_centred = Curvature::of(&xc).condition_number();
    let kappa_diag = kappa_diagonal(c.hessian);
    r.number("answer_kappa_centred", kappa_centred, 3).number("answer_kappa_diag", kappa_diag, 3);
    let fixes = [
        ("raw", steps(rate_gd(kappa), shrink)),
        ("centred", steps(rate_gd(kappa_centred), shrink)),
        ("standardized", steps(rate_gd(1.0), shrink)),
        ("diag", steps(rate_gd(kappa_diag), shrink)),
        ("momentum", steps(rate_momentum(kappa), shrink)),
    ];
    for (key, n) in fixes {
        // Every digit, grouped in prose (230 051): `number` with as many digits as n has.
        r.number(&format!("answer_steps_{key}"), n, n.log10().floor() as usize + 1);
    }

    // The worked first step from the start: θ ← θ − η∇L.
    let g = trace.grad[0];
    r.number("step1_dw", -LR * g.0, 3).number("step1_db", -LR * g.1, 3);
    r.number("step1_w", trace.w[1], 4).number("step1_b", trace.b[1], 5);

    // κ(H) = κ(XᵀX) = κ(X)²: H = (2/n)XᵀX for X = [1 | x], and the singular values of XᵀX
    // are the squares of those of X. Chapter 10 quotes κ(X) of the same design.
    let x = linalg::design(std::slice::from_ref(&d.x), true);
    let kx = linalg::condition_number(&x);
    r.number("kappa_x_raw", kx, 4).number("kappa_x_raw_sq", kx * kx, 4);
    // Chapter 10 scales X's columns to (nearly) unit norm before solving: for XᵀX that is
    // the diagonal preconditioning of chapter 6, up to the powers of two it rounds to.
    let ks = linalg::scaled_condition_number(&x);
    r.number("kappa_x_scaled_sq", ks * ks, 4);

    // The stuck intercept in the units that matter to a user.
    let (se_w, se_b) = standard_errors(d);
    let (wf, bf) = trace.last();
    let l_star = mse(&d.x, &d.y, ws, bs);
    r.number("stuck_b_gap", bs - bf, 3).number("stuck_se_b", se_b, 3).ratio("stuck_b_in_se", bs - bf, se_b, 2);
    r.ratio("stuck_w_in_se", wf - ws, se_w, 2);
    // Too steep and too low compensate near the data's centre: the lines' gap at x̄.
    r.number("stuck_gap_at_mean", ((wf - ws) * stats::mean(&d.x) + bf - bs).abs(), 2);
    r.ratio("stuck_cost_pct", 100.0 * (mse(&d.x, &d.y, wf, bf) - l_star), l_star, 2);
}

/// The notebook's run seen along the eigen-directions: chapter 4's opening picture.
pub fn raw_modes(d: &Dataset, c: &Curvature, trace: &Trace) -> crate::modes::Modes {
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    crate::modes::Modes::from_trace(c, [ws, bs], trace)
}

pub fn modes_figure(d: &Dataset, c: &Curvature, trace: &Trace, frame: crate::plot::Frame) -> crate::Result<String> {
    let title = format!("Raw data, η = {}: the steep part vanishes, the flat part stays", crate::report::fmt_sci(LR, 1));
    crate::modes::modes_figure_in(
        &raw_modes(d, c, trace),
        crate::modes::Labels {
            title: &title,
            x_desc: "iteration t",
            y_desc: "|error along v| (€/m² and €, log scale)",
        },
        frame,
    )
}

/// One data setting of the "error along the eigen-directions" widget: the data in its
/// coordinates, chapter 4's start written in them, and the curvature the widget's theory uses.
pub struct ModesSetting {
    pub key: &'static str,
    pub label: &'static str,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub start: (f64, f64),
}

/// Raw, centred (x − x̄, y unchanged) and standardized data, each with chapter 4's start
/// (25, 100) expressed in its coordinates (the same line in every setting).
pub fn modes_settings(d: &Dataset) -> crate::Result<Vec<ModesSetting>> {
    let (w0, b0) = super::START;
    let xm = stats::mean(&d.x);
    let sc = crate::standardize::Scaling::of(&d.x, &d.y)?;
    let (xt, yt) = sc.apply(&d.x, &d.y);
    Ok(vec![
        ModesSetting { key: "raw", label: "raw data", x: d.x.clone(), y: d.y.clone(), start: (w0, b0) },
        ModesSetting {
            key: "centred",
            label: "centred x",
            x: d.x.iter().map(|v| v - xm).collect(),
            y: d.y.clone(),
            start: (w0, b0 + w0 * xm),
        },
        ModesSetting { key: "std", label: "standardized x and y", x: xt, y: yt, start: sc.to_standardized((w0, b0)) },
    ])
}

/// The widget's data: per setting the points, start, optimum and eigen-decomposition, and
/// the library's divergence factor (the widget mirrors `gd::gradient_descent`). Written
/// from structs, not a `serde_json::Value` tree: on 10⁶ rows a tree of six million numbers
/// cost a second to build and free (the keys, their order and the text are the same).
pub fn widget_json(d: &Dataset) -> crate::Result<String> {
    #[derive(serde::Serialize)]
    struct Setting<'a> {
        key: &'a str,
        label: &'a str,
        x: &'a [f64],
        y: &'a [f64],
        start: [f64; 2],
        star: [f64; 2],
        lambda: [f64; 2],
        v: [[f64; 2]; 2],
        floor: f64,
    }
    #[derive(serde::Serialize)]
    struct Range {
        min: f64,
        max: f64,
        step: f64,
        value: f64,
    }
    #[derive(serde::Serialize)]
    struct Widget<'a> {
        settings: Vec<Setting<'a>>,
        divergence_factor: f64,
        lr_log10: Range,
        steps: usize,
    }
    let data = modes_settings(d)?;
    let settings = data
        .iter()
        .map(|s| {
            let c = Curvature::of(&s.x);
            let (ws, bs) = stats::least_squares(&s.x, &s.y);
            Setting {
                key: s.key,
                label: s.label,
                x: &s.x,
                y: &s.y,
                start: [s.start.0, s.start.1],
                star: [ws, bs],
                lambda: [c.lambda_min, c.lambda_max],
                v: [c.v_min, c.v_max],
                floor: crate::modes::rounding_floor([ws, bs]),
            }
        })
        .collect();
    let widget = Widget {
        settings,
        divergence_factor: crate::gd::DIVERGENCE_FACTOR,
        lr_log10: Range { min: -7.0, max: 0.5, step: 0.01, value: -5.0 },
        steps: super::ITERATIONS,
    };
    Ok(crate::report::json_line(&widget))
}

/// The eigenvector primer's example: a bowl ½ eᵀAe with A = [[5, 2], [2, 2]], whose
/// eigenvalues are 1 and 6 (trace 7, determinant 6), along (1, −2)/√5 and (2, 1)/√5.
pub const PRIMER_MATRIX: curvature::Sym2 = [[5.0, 2.0], [2.0, 2.0]];

/// Contour ellipses of the primer's bowl with their axes: each eigenvector drawn from the
/// centre to the innermost ellipse, which it meets at distance √(2c/λ) for the level c.
pub fn eigen_axes_figure(frame: crate::plot::Frame) -> crate::Result<String> {
    use crate::plot::{self, DrawResult, palette};
    use plotters::prelude::*;
    let ((lmin, vmin), (lmax, vmax)) = curvature::eigen(PRIMER_MATRIX);
    // Points of ½ eᵀAe = c: e = √(2c/λmin)·cos φ·vmin + √(2c/λmax)·sin φ·vmax.
    let ellipse = |c: f64| -> Vec<(f64, f64)> {
        let (a, b) = ((2.0 * c / lmin).sqrt(), (2.0 * c / lmax).sqrt());
        (0..=240)
            .map(|k| {
                let phi = std::f64::consts::TAU * k as f64 / 240.0;
                let (p, q) = (a * phi.cos(), b * phi.sin());
                (p * vmin[0] + q * vmax[0], p * vmin[1] + q * vmax[1])
            })
            .collect()
    };
    let levels = [0.5, 2.0, 4.5];
    let inner = levels[1];
    let colours = levels.map(|c| plot::viridis(c / levels[2]));
    let mut labels: Vec<String> = levels.iter().map(|c| format!("contour ½ eᵀAe = {c}")).collect();
    labels.push("v_min (λ = 1): flat, long axis".into());
    labels.push("v_max (λ = 6): steep, short axis".into());
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    // The outer ellipse reaches |e₁| ≈ 1.7 and |e₂| ≈ 2.7: the window holds it with a margin.
    let (xs, ys) = ((-3.3, 3.3), (-3.0, 3.0));
    plot::render(frame.size((800, 460), 620), |root| -> DrawResult {
        let area = plot::title(root, "Eigen-directions are the ellipses' axes")?;
        let (w, h) = area.dim_in_pixel();
        let (left, bottom) = (60, 50);
        let room = plot::legend_room(frame, labels.len());
        // Equal units per pixel on both axes, or perpendicular axes would not look it.
        let ppu = ((h - bottom - 30 - room) as f64 / (ys.1 - ys.0)).min((w - left - 30) as f64 / (xs.1 - xs.0));
        let (pw, ph) = ((ppu * (xs.1 - xs.0)) as u32, (ppu * (ys.1 - ys.0)) as u32);
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_right(w - left - 15 - pw)
            .margin_bottom(h - bottom - 15 - ph)
            .x_label_area_size(bottom)
            .y_label_area_size(left)
            .build_cartesian_2d(xs.0..xs.1, ys.0..ys.1)?;
        plot::style_mesh(&mut chart, "first coordinate e₁", "second coordinate e₂")?;
        let mut drawn = Vec::new();
        for (k, &c) in levels.iter().enumerate() {
            let colour = colours[k];
            drawn.push(ellipse(c));
            chart
                .draw_series([PathElement::new(ellipse(c), colour.stroke_width(2))])?
                .label(labels[k])
                .legend(plot::line_glyph(colour, 2));
        }
        for (k, (l, v, colour)) in [(lmin, vmin, palette::PURPLE), (lmax, vmax, palette::SKY)].into_iter().enumerate() {
            let r = (2.0 * inner / l).sqrt();
            plot::arrow(&mut chart, (0.0, 0.0), (r * v[0], r * v[1]), colour, 4)?;
            plot::arrow(&mut chart, (0.0, 0.0), (-r * v[0], -r * v[1]), colour, 4)?;
            drawn.push(vec![(-r * v[0], -r * v[1]), (r * v[0], r * v[1])]);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(labels[3 + k])
                .legend(plot::line_glyph(colour, 4));
        }
        let marks: Vec<&[(f64, f64)]> = drawn.iter().map(Vec::as_slice).collect();
        plot::legend(&mut chart, &area, frame, &marks, &labels)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagonal_kappa_matches_direct_eigenvalues() {
        // H = [[4, 1], [1, 1]]: D^(-1/2) H D^(-1/2) = [[1, 1/2], [1/2, 1]], κ = 1.5/0.5 = 3.
        assert!((kappa_diagonal([[4.0, 1.0], [1.0, 1.0]]) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn primer_matrix_eigen_by_hand() {
        let ((l1, v1), (l2, v2)) = curvature::eigen(PRIMER_MATRIX);
        assert!((l1 - 1.0).abs() < 1e-14 && (l2 - 6.0).abs() < 1e-14);
        let s5 = 5f64.sqrt();
        // Up to sign: (1, −2)/√5 and (2, 1)/√5.
        assert!((v1[0] * 1.0 / s5 - v1[1] * 2.0 / s5).abs() > 1.0 - 1e-14);
        assert!((v2[0] * 2.0 / s5 + v2[1] * 1.0 / s5).abs() > 1.0 - 1e-14);
        let svg = eigen_axes_figure(crate::plot::Frame::Wide).unwrap();
        assert!(svg.contains("λ = 1") && svg.contains("λ = 6") && !svg.contains("NaN"));
    }

    #[test]
    fn rates_by_hand() {
        assert_eq!(rate_gd(1.0), 0.0);
        assert!((rate_gd(3.0) - 0.5).abs() < 1e-15 && (rate_momentum(9.0) - 0.5).abs() < 1e-15);
        assert_eq!(steps(0.0, 1e-6), 1.0);
        // 0.5^20 ≈ 9.5e-7 < 1e-6 < 0.5^19.
        assert_eq!(steps(0.5, 1e-6), 20.0);
    }
}
