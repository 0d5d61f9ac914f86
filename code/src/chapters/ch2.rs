//! Chapter 2 — measuring error: the MSE and the loss surface.

use plotters::prelude::*;

pub const ABOUT: &str = "Chapter 2: the mean squared error and the loss surface over (w, b).";

/// The other seed of exercise 3: does the valley keep its shape?
pub const EXERCISE_SEED: u64 = 3;
/// Significant digits of the MSEs in the figures, the same as in the prose.
const MSE_DIGITS: usize = 4;

use crate::contour::{self, Grid};
use crate::data::Dataset;
use crate::error::Result;
use crate::loss::mse;
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_sig};
use crate::stats;

/// A line to judge, with the name the figure gives it.
struct Candidate {
    key: &'static str,
    label: &'static str,
    w: f64,
    b: f64,
}

/// The window of the loss figures, centred on the optimum (w*, b*).
#[derive(serde::Serialize)]
pub struct Window {
    pub w: (f64, f64),
    pub b: (f64, f64),
}

impl Window {
    /// Wide enough to show the valley: across the w range, the floor of the valley
    /// (b = ȳ − w·x̄, the lines through the centre of the data) moves by Δw·|x̄| in b.
    pub fn around_optimum(d: &Dataset) -> Window {
        let (w, b) = stats::least_squares(&d.x, &d.y);
        let dw = 0.5 * stats::std_dev(&d.y) / stats::std_dev(&d.x);
        let db = dw * stats::mean(&d.x).abs() + 0.5 * stats::std_dev(&d.y);
        Window { w: (w - dw, w + dw), b: (b - db, b + db) }
    }
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    let mse_star = mse(&d.x, &d.y, w_star, b_star);
    let (x_mean, y_mean, y_sd) = (stats::mean(&d.x), stats::mean(&d.y), stats::std_dev(&d.y));
    let candidates = [
        Candidate { key: "flat", label: "flat line at the mean rent", w: 0.0, b: y_mean },
        Candidate {
            key: "half_slope",
            label: "half the best slope, through the centre",
            w: 0.5 * w_star,
            b: y_mean - 0.5 * w_star * x_mean,
        },
        Candidate { key: "shifted", label: "best line shifted up by s_y", w: w_star, b: b_star + y_sd },
        Candidate { key: "best", label: "least-squares line", w: w_star, b: b_star },
    ];

    let mut r = Report::new();
    r.number("w_star", w_star, 4).number("b_star", b_star, 4);
    r.number("mse_star", mse_star, 4).number("rmse_star", mse_star.sqrt(), 4);
    if let Some((w, b)) = d.truth {
        r.number("mse_true", mse(&d.x, &d.y, w, b), 4);
        r.number("b_gap", b_star - b, 3).number("w_gap", w_star - w, 3);
    }
    // Standard errors of the fitted coefficients (textbook formulas, σ estimated with
    // n − 2 degrees of freedom): how far the sample's optimum may sit from the truth.
    // With 2 points the line fits exactly and n − 2 = 0 leaves nothing to estimate σ
    // from; a coefficient of exactly 0 has no relative error. Those values are left out.
    let n = d.len() as f64;
    if d.len() > 2 {
        let s2 = mse_star * n / (n - 2.0);
        let sxx = stats::variance(&d.x) * n;
        r.number("se_w", (s2 / sxx).sqrt(), 3);
        let se_b = (s2 * (1.0 / n + x_mean * x_mean / sxx)).sqrt();
        r.number("se_b", se_b, 3);
        if w_star != 0.0 {
            r.number("se_w_pct", 100.0 * (s2 / sxx).sqrt() / w_star.abs(), 2);
        }
        if b_star != 0.0 {
            r.number("se_b_pct", 100.0 * se_b / b_star.abs(), 2);
        }
        r.file("coefficients.md", coefficients_table(d.truth, (w_star, b_star), ((s2 / sxx).sqrt(), se_b)));
    }
    r.number("var_y", stats::variance(&d.y), 4).number("sd_y", y_sd, 4);
    for c in &candidates[..3] {
        r.number(&format!("{}_w", c.key), c.w, 4);
        r.number(&format!("{}_b", c.key), c.b, 4);
        r.number(&format!("mse_{}", c.key), mse(&d.x, &d.y, c.w, c.b), 4);
    }
    let win = Window::around_optimum(d);
    r.number("contour_width_ratio", contour::LEVEL_RATIO.sqrt(), 3);
    r.number("window_w_lo", win.w.0, 3).number("window_w_hi", win.w.1, 3);
    r.number("window_b_lo", win.b.0, 3).number("window_b_hi", win.b.1, 3);
    // The valley's floor and the lines through the centre: how many € of intercept each
    // trades for one €/m² of slope. Through (x̄, ȳ): x̄ (∂L/∂b = 0). Along the long axis of
    // the ellipses (the flat eigenvector, ≈ ∂L/∂w = 0): −v_b/v_w = (x²‾ − λmin/2)/x̄.
    let c = crate::curvature::Curvature::of(&d.x);
    r.number("centre_trade", x_mean, 4);
    if c.v_min[0] != 0.0 {
        r.number("floor_trade", (-c.v_min[1] / c.v_min[0]).abs(), 4);
    }
    // Exercise 3: the valley's length-to-width ratio (√κ) here and for another seed.
    r.number("sqrt_kappa", c.condition_number().sqrt(), 3);
    let other = crate::data::paris_rents(EXERCISE_SEED);
    r.number("sqrt_kappa_seed3", crate::curvature::Curvature::of(&other.x).condition_number().sqrt(), 3);
    r.file("candidates.md", candidates_table(d, &candidates));

    plot::figure(&mut r, "ch2-candidates", |frame| candidates_figure(d, &candidates, frame))?;
    let grid = loss_grid(d, &win, 81);
    plot::figure(&mut r, "ch2-surface", |frame| surface_figure(d, &win, frame))?;
    plot::figure(&mut r, "ch2-contour", |frame| contour_figure(d, &grid, (w_star, b_star), frame))?;
    r.file("widget.json", widget_json(d, &win, contour::excess_levels(mse_star, grid.max() - mse_star, 8)));

    let summary = format!(
        "least-squares line: w* = {} €/m², b* = {} €, MSE = {} €² (RMSE {} €)\n",
        fmt_sig(w_star, 4),
        fmt_sig(b_star, 4),
        fmt_sig(mse_star, 4),
        fmt_sig(mse_star.sqrt(), 4),
    );
    Ok((r, summary))
}

/// The fitted coefficients beside the true ones, with their textbook standard errors.
fn coefficients_table(truth: Option<(f64, f64)>, star: (f64, f64), se: (f64, f64)) -> String {
    let mut t = String::from(
        "| | true value | least squares | standard error | relative to the estimate |\n|---|---:|---:|---:|---:|\n",
    );
    let rows = [("slope w (€/m²)", truth.map(|t| t.0), star.0, se.0), ("intercept b (€)", truth.map(|t| t.1), star.1, se.1)];
    for (label, true_value, estimate, se) in rows {
        let relative = if estimate == 0.0 { "—".to_string() } else { format!("{}\u{a0}%", fmt_sig(100.0 * se / estimate.abs(), 2)) };
        t += &format!(
            "| {label} | {} | {} | {} | {relative} |\n",
            true_value.map_or("—".to_string(), |v| fmt_sig(v, 4)),
            fmt_sig(estimate, 4),
            fmt_sig(se, 3)
        );
    }
    t
}

/// The four lines of Figure 2.1 with their MSE, in the order the prose discusses them.
fn candidates_table(d: &Dataset, candidates: &[Candidate]) -> String {
    let mut t = String::from("| line | slope w (€/m²) | intercept b (€) | MSE (€²) |\n|---|---:|---:|---:|\n");
    for c in candidates {
        t += &format!(
            "| {} | {} | {} | {} |\n",
            c.label.replace("s_y", "$s_y$"),
            fmt_sig(c.w, 4),
            fmt_sig(c.b, 4),
            fmt_sig(mse(&d.x, &d.y, c.w, c.b), MSE_DIGITS)
        );
    }
    t
}

/// L(w, b) on an `n`×`n` grid over the window.
pub fn loss_grid(d: &Dataset, win: &Window, n: usize) -> Grid {
    contour::loss_grid(&d.x, &d.y, plot::linspace(win.w.0, win.w.1, n), plot::linspace(win.b.0, win.b.1, n))
}

/// Four candidate lines, each with its residuals drawn as vertical segments: the MSE
/// is the mean of the squares of these lengths.
fn candidates_figure(d: &Dataset, candidates: &[Candidate], frame: Frame) -> Result<String> {
    // 800 px wide, as shown: text ≥ 11 px in the 750 px column (code/tests/figures.rs);
    // on a phone the four panels stack.
    plot::render(frame.size((800, 640), 1180), |root| -> DrawResult {
        let area = plot::title(root, "Four candidate lines and their mean squared error")?;
        let (xr, yr) = (super::ch1::padded(&d.x, 0.05), super::ch1::padded(&d.y, 0.25));
        let grid = if frame.is_narrow() { (4, 1) } else { (2, 2) };
        for (panel, c) in area.split_evenly(grid).iter().zip(candidates) {
            let colour = if c.key == "best" { palette::FIT } else { palette::PURPLE };
            let title = format!("{}: MSE = {} €²", c.label, fmt_sig(mse(&d.x, &d.y, c.w, c.b), MSE_DIGITS));
            let mut chart = ChartBuilder::on(panel)
                .caption(title, plot::label_style())
                .margin(8)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(xr.clone(), yr.clone())?;
            plot::style_mesh(&mut chart, "floor area x (m²)", "rent y (€)")?;
            chart.draw_series(plot::thinned(&d.x, &d.y).map(|(&x, &y)| {
                PathElement::new(vec![(x, y), (x, c.w * x + c.b)], palette::INK.mix(0.55))
            }))?;
            chart.draw_series(LineSeries::new(
                [xr.start, xr.end].map(|x| (x, c.w * x + c.b)),
                colour.stroke_width(3),
            ))?;
            chart.draw_series(
                plot::thinned(&d.x, &d.y).map(|(&x, &y)| Circle::new((x, y), 3, palette::DATA.filled())),
            )?;
        }
        Ok(())
    })
}

/// The loss as a surface over (w, b). Faces are drawn back to front (painter's
/// algorithm): plotters' own surface series draws them in grid order, which hides
/// near faces behind far ones at some view angles.
fn surface_figure(d: &Dataset, win: &Window, frame: Frame) -> Result<String> {
    const N: usize = 31;
    let grid = loss_grid(d, win, N);
    let (lo, hi) = (grid.min(), grid.max());
    plot::render(frame.size((800, 640), 460), |root| -> DrawResult {
        let area = plot::title(root, "The MSE over (w, b): a long, flat-bottomed valley")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(frame.px(20, 8))
            .build_cartesian_3d(win.w.0..win.w.1, 0.0..hi * 1.05, win.b.0..win.b.1)?;
        chart.with_projection(|mut p| {
            p.yaw = 0.9;
            p.pitch = 0.45;
            // Narrower on a phone: the z ticks and the w axis stay inside the canvas.
            p.scale = if frame.is_narrow() { 0.7 } else { 0.85 };
            p.into_matrix()
        });
        // The typeset minus, as every other figure (plot::tick).
        let thousands = |v: &f64| plot::tick((v / 1e3).round());
        let whole = |v: &f64| plot::tick(v.round());
        chart
            .configure_axes()
            .label_style(plot::label_style())
            // The mesh in the grid colour, as every other figure's (not data: no contrast rule).
            .light_grid_style(palette::GRID.mix(0.6))
            .bold_grid_style(palette::GRID)
            .axis_panel_style(palette::GRID.mix(0.3))
            .y_formatter(&thousands)
            .x_formatter(&whole)
            .z_formatter(&whole)
            .max_light_lines(3)
            .draw()?;
        let mut faces = Vec::new();
        for i in 0..N - 1 {
            for j in 0..N - 1 {
                let corner = |a: usize, b: usize| (grid.xs[a], grid.z[a][b], grid.ys[b]);
                let quad = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)];
                let mean = quad.iter().map(|c| c.1).sum::<f64>() / 4.0;
                let centre = ((grid.xs[i] + grid.xs[i + 1]) / 2.0, mean, (grid.ys[j] + grid.ys[j + 1]) / 2.0);
                let depth = chart.as_coord_spec().projected_depth(&centre.0, &centre.1, &centre.2);
                // The contour figures' colours: yellow-green low, dark purple high.
                let t = ((mean - lo) / (hi - lo)).sqrt();
                faces.push((depth, quad, plot::viridis(0.9 * (1.0 - t))));
            }
        }
        faces.sort_by_key(|f| std::cmp::Reverse(f.0));
        chart.draw_series(faces.iter().map(|(_, quad, colour)| {
            Polygon::new(quad.to_vec(), colour.mix(0.95).filled())
        }))?;
        // Each face outlined in a darker shade of its own colour: the mesh reads, and
        // stands 3:1 against the white tile (a grey outline that faint would not).
        chart.draw_series(faces.iter().map(|(_, quad, colour)| {
            let dark = |c: u8| (c as f64 * 0.7) as u8;
            PathElement::new(quad.to_vec(), RGBColor(dark(colour.0), dark(colour.1), dark(colour.2)))
        }))?;
        let title = plot::axis_desc_style();
        let (wm, bm) = ((win.w.0 + win.w.1) / 2.0, (win.b.0 + win.b.1) / 2.0);
        chart.draw_series([
            Text::new("w (€/m²)", (wm, 0.0, win.b.1 + 0.3 * (win.b.1 - win.b.0)), title.clone()),
            Text::new("b (€)", (win.w.1 + 0.3 * (win.w.1 - win.w.0), 0.0, bm), title.clone()),
            Text::new("L (10³ €²)", (win.w.0, hi * 1.12, win.b.1), title),
        ])?;
        Ok(())
    })
}

/// What the "fit a line by hand" widget needs, so that it draws the same data, window
/// and contour levels as the figures: the data, the optimum, and the Hessian's
/// eigen-decomposition (the widget draws the level sets of the quadratic as ellipses).
fn widget_json(d: &Dataset, win: &Window, levels: Vec<f64>) -> String {
    // Structs rather than `json!`: the same text, without a `Value` per data point.
    #[derive(serde::Serialize)]
    struct Widget<'a> {
        x: &'a [f64],
        y: &'a [f64],
        star: [f64; 2],
        floor: f64,
        truth: Option<[f64; 2]>,
        window: &'a Window,
        levels: Vec<f64>,
        eigen: crate::curvature::EigenJson,
    }
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    let c = crate::curvature::Curvature::of(&d.x);
    crate::report::json_line(&Widget {
        x: &d.x,
        y: &d.y,
        star: [w_star, b_star],
        floor: mse(&d.x, &d.y, w_star, b_star),
        truth: d.truth.map(|(w, b)| [w, b]),
        window: win,
        levels,
        eigen: c.eigen_json(),
    })
}

// ANCHOR: contour_figure
/// Contour lines of L around the optimum, with the minimum marked. Levels are
/// L* + Δ with Δ growing tenfold every two lines; the axes of an ellipse grow like √Δ,
/// so each ellipse is 10^¼ ≈ 1.78 times wider than the one inside it.
fn contour_figure(d: &Dataset, grid: &Grid, (w_star, b_star): (f64, f64), frame: Frame) -> Result<String> {
    let floor = mse(&d.x, &d.y, w_star, b_star);
    let (levels, labels) = contour_labels(d, grid, floor);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    plot::render(frame.size(plot::SIZE, 640), |root| -> DrawResult {
        let area = plot::title(root, CONTOUR_TITLE)?;
        let mut chart = contour_chart(&area, frame, grid, &labels)?;
        plot::style_mesh(&mut chart, "slope w (€/m²)", "intercept b (€)")?;
        for (k, &level) in levels.iter().enumerate() {
            let colour = plot::viridis(k as f64 / (levels.len() - 1) as f64);
            chart
                .draw_series(contour::contour(grid, level).into_iter().map(|s| {
                    PathElement::new(s.to_vec(), colour.stroke_width(2))
                }))?
                .label(labels[k])
                .legend(plot::line_glyph(colour, 2));
        }
        // The true parameters lie within a few € of the optimum: drawn first and larger,
        // the triangle shows around the cross.
        if let Some(truth) = d.truth {
            plot::mark_truth(&mut chart, truth)?;
        }
        plot::mark_optimum(&mut chart, (w_star, b_star), labels[labels.len() - 1])?;
        plot::legend(&mut chart, &area, frame, &[], &labels)?;
        Ok(())
    })
}
// ANCHOR_END: contour_figure

const CONTOUR_TITLE: &str = "Contours of the MSE: a thin diagonal valley";

/// Figure 2.3's contour levels and legend labels (levels, then the true parameters and the minimum).
fn contour_labels(d: &Dataset, grid: &Grid, floor: f64) -> (Vec<f64>, Vec<String>) {
    let levels = contour::excess_levels(floor, grid.max() - floor, 8);
    let mut labels: Vec<String> = levels.iter().map(|l| format!("L = {} €²", fmt_sig(*l, 3))).collect();
    labels.extend(d.truth.map(|_| "true parameters".to_string()));
    labels.push(format!("minimum L* = {} €²", fmt_sig(floor, MSE_DIGITS)));
    (levels, labels)
}

/// Figure 2.3's axes. Ten legend entries cover the contours in any corner: beside the plot
/// (below on a phone).
fn contour_chart<'a, 'b>(area: &'a plot::Area<'b>, frame: Frame, grid: &Grid, labels: &[&str]) -> plot::Drawn<plot::Chart2d<'a, 'b>> {
    Ok(ChartBuilder::on(area)
        .margin(15)
        .margin_right(15 + plot::legend_room_right(frame, labels))
        .margin_bottom(15 + plot::legend_room(frame, labels.len()))
        .x_label_area_size(50)
        .y_label_area_size(frame.px(75, 60))
        .build_cartesian_2d(grid.xs[0]..*grid.xs.last().unwrap(), grid.ys[0]..*grid.ys.last().unwrap())?)
}

/// The plot area of Figure 2.3 as drawn on a desktop, in pixels: chapter 4 says how long that
/// figure draws a unit of w, in € of b.
pub fn contour_plot_size(d: &Dataset) -> Result<(u32, u32)> {
    let (w_star, b_star) = stats::least_squares(&d.x, &d.y);
    let grid = loss_grid(d, &Window::around_optimum(d), 81);
    let (_, labels) = contour_labels(d, &grid, mse(&d.x, &d.y, w_star, b_star));
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut dims = (0, 0);
    plot::render(Frame::Wide.size(plot::SIZE, 640), |root| -> DrawResult {
        let area = plot::title(root, CONTOUR_TITLE)?;
        dims = contour_chart(&area, Frame::Wide, &grid, &labels)?.plotting_area().dim_in_pixel();
        Ok(())
    })?;
    Ok(dims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn candidate_mses_obey_their_identities() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap();
        // The flat line at ȳ has MSE = var(y) exactly (up to rounding).
        assert!((v("mse_flat") / v("var_y") - 1.0).abs() < 1e-12);
        // Residuals of the least-squares line have mean 0, so shifting it by c adds c².
        assert!((v("mse_shifted") - (v("mse_star") + v("sd_y").powi(2))).abs() < 1e-6 * v("mse_shifted"));
        // The noise has σ = 100 €, so both MSEs are near 100² and the optimum is lower.
        assert!(v("mse_star") < v("mse_true") && (5e3..2e4).contains(&v("mse_true")));
    }
}
