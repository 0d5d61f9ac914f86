//! Chapter 3 — the gradient of the MSE by hand, checked against finite differences.

pub const ABOUT: &str = "Chapter 3: the gradient of the MSE by hand, checked by central finite differences.";

use plotters::prelude::*;

use crate::data::Dataset;
use crate::plot::{self, DrawResult, palette};
use crate::error::Result;
use crate::grad::{finite_differences, gradients, relative_difference};
use crate::loss::mse;
use crate::report::{Report, fmt_sci, fmt_sig};
use crate::stats;

/// The points where the hand gradient is checked: the notebook's start, the true line,
/// the origin, a point far off, and one near the optimum (not on it: there the gradient
/// is zero and a relative difference means nothing).
pub fn check_points(d: &Dataset) -> Vec<(&'static str, f64, f64)> {
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    vec![
        ("start", 25.0, 100.0),
        ("true_line", 32.0, 200.0),
        ("origin", 0.0, 0.0),
        ("far", 40.0, -300.0),
        ("near_optimum", 1.01 * w_star, b_star + 1.0),
    ]
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let mut r = Report::new();
    let (gw, gb) = gradients(&d.x, &d.y, 25.0, 100.0);
    r.number("start_loss", mse(&d.x, &d.y, 25.0, 100.0), 4);
    r.number("start_grad_w", gw, 4).number("start_grad_b", gb, 4);
    r.number("start_grad_ratio", gw / gb, 3);
    let (x_mean, sq_mean) = (stats::mean(&d.x), d.x.iter().map(|v| v * v).sum::<f64>() / d.len() as f64);
    r.number("x_mean", x_mean, 4).number("x_rms", sq_mean.sqrt(), 4);

    let mut table = String::from(
        "| point (w, b) | ∂L/∂w by hand | ∂L/∂w by finite differences | relative difference \
         | ∂L/∂b by hand | ∂L/∂b by finite differences | relative difference |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut worst: f64 = 0.0;
    // Away from the origin, where rounding is not amplified by a huge |L|.
    let mut worst_elsewhere: f64 = 0.0;
    for (name, w, b) in check_points(d) {
        let (hw, hb) = gradients(&d.x, &d.y, w, b);
        let (nw, nb) = finite_differences(|w, b| mse(&d.x, &d.y, w, b), w, b);
        let (rw, rb) = (relative_difference(hw, nw), relative_difference(hb, nb));
        worst = worst.max(rw).max(rb);
        if name != "origin" {
            worst_elsewhere = worst_elsewhere.max(rw).max(rb);
        }
        table += &format!(
            "| ({}, {}) | {} | {} | {} | {} | {} | {} |\n",
            crate::plot::tick((w * 100.0).round() / 100.0),
            crate::plot::tick((b * 100.0).round() / 100.0),
            fmt_sig(hw, 9),
            fmt_sig(nw, 9),
            fmt_sci(rw, 2),
            fmt_sig(hb, 9),
            fmt_sig(nb, 9),
            fmt_sci(rb, 2)
        );
    }
    r.number_sci("worst_rel_diff", worst, 2);
    r.number_sci("worst_rel_diff_elsewhere", worst_elsewhere, 2);
    // Agreeing significant digits, −log10 of the relative difference.
    r.number("digits_elsewhere", -worst_elsewhere.log10(), 2);
    r.file("gradient-check.md", table);
    r.file("ch3-step-size.svg", step_size_figure(d)?);

    let summary = format!(
        "at (w, b) = (25, 100): ∂L/∂w = {}, ∂L/∂b = {}\nworst relative difference to finite differences: {:.1e}\n",
        fmt_sig(gw, 4),
        fmt_sig(gb, 4),
        worst
    );
    Ok((r, summary))
}

/// Steps h of Figure 3.1: ten per decade from 10⁻¹⁰ to 10.
pub fn figure_steps() -> Vec<f64> {
    (0..=110).map(|k| 10f64.powf(-10.0 + k as f64 / 10.0)).collect()
}

/// Relative error of the one-sided and the central difference for ∂L/∂w at the notebook's
/// start, against the hand gradient, for each step of [`figure_steps`].
pub fn difference_errors(d: &Dataset) -> Vec<(f64, f64, f64)> {
    let (w, b) = (25.0, 100.0);
    let (gw, _) = gradients(&d.x, &d.y, w, b);
    let l = |w: f64| mse(&d.x, &d.y, w, b);
    figure_steps()
        .into_iter()
        .map(|h| {
            let one_sided = (l(w + h) - l(w)) / h;
            let central = (l(w + h) - l(w - h)) / (2.0 * h);
            (h, relative_difference(one_sided, gw), relative_difference(central, gw))
        })
        .collect()
}

/// Figure 3.1: finite-difference error against the step. The one-sided difference carries
/// the truncation h·x²‾ (the mean of x², half of ∂²L/∂w²); the central one, on a quadratic,
/// only rounding, about ε·L/h.
fn step_size_figure(d: &Dataset) -> Result<String> {
    let errors = difference_errors(d);
    let (gw, _) = gradients(&d.x, &d.y, 25.0, 100.0);
    let sq_mean = d.x.iter().map(|v| v * v).sum::<f64>() / d.len() as f64;
    let floor = 1e-17;
    let clip = |v: f64| v.max(floor);
    let (hlo, hhi) = (errors[0].0, errors.last().map_or(10.0, |e| e.0));
    let ymax = errors.iter().map(|e| e.1.max(e.2)).fold(1.0f64, f64::max) * 3.0;
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption("Finite differences at (25, 100): error against the step h", plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(
                (hlo..hhi).log_scale().with_key_points(plot::log_ticks(hlo, hhi)),
                (floor..ymax).log_scale().with_key_points(plot::log_ticks(floor, ymax)),
            )?;
        plot::style_mesh_scaled(&mut chart, "step h (€/m², log scale)", "relative error of ∂L/∂w (log scale)", (true, true))?;
        let truncation: Vec<(f64, f64)> = errors.iter().map(|e| (e.0, clip(e.0 * sq_mean / gw.abs()))).collect();
        let one_sided: Vec<(f64, f64)> = errors.iter().map(|e| (e.0, clip(e.1))).collect();
        let central: Vec<(f64, f64)> = errors.iter().map(|e| (e.0, clip(e.2))).collect();
        let labels = ["one-sided: (L(w + h) − L(w))/h", "its truncation, h·mean(x²)/|∂L/∂w|", "central: (L(w + h) − L(w − h))/2h"];
        chart
            .draw_series(LineSeries::new(one_sided.clone(), palette::ORANGE.stroke_width(3)))?
            .label(labels[0])
            .legend(plot::line_glyph(palette::ORANGE, 3));
        chart
            .draw_series(DashedLineSeries::new(truncation.clone(), 8, 5, palette::INK.stroke_width(2)))?
            .label(labels[1])
            .legend(plot::line_glyph(palette::INK, 2));
        chart
            .draw_series(LineSeries::new(central.clone(), palette::PURPLE.stroke_width(3)))?
            .label(labels[2])
            .legend(plot::line_glyph(palette::PURPLE, 3));
        plot::draw_legend_clear(&mut chart, &[&one_sided, &truncation, &central], &labels)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn check_table_agrees_and_the_w_gradient_is_larger() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap();
        // Central differences on a quadratic are exact up to rounding: ~1e-16·L/h ≈ 1e-9 at most.
        assert!(v("worst_rel_diff") < 1e-6);
        // From (25, 100) the line is below every point, so both derivatives are negative,
        // and ∂L/∂w, weighted by surfaces of 20–100 m², is tens of times larger.
        assert!(v("start_grad_w") < 0.0 && v("start_grad_b") < 0.0);
        assert!((20.0..100.0).contains(&v("start_grad_ratio")));
    }
}
