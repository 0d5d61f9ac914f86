//! Chapter 3 — the gradient of the MSE by hand, checked against finite differences.

pub const ABOUT: &str = "Chapter 3: the gradient of the MSE by hand, checked by central finite differences.";

use crate::data::Dataset;
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

    let summary = format!(
        "at (w, b) = (25, 100): ∂L/∂w = {}, ∂L/∂b = {}\nworst relative difference to finite differences: {:.1e}\n",
        fmt_sig(gw, 4),
        fmt_sig(gb, 4),
        worst
    );
    Ok((r, summary))
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
