//! Chapter 4's pictures of the valley (issue 20): the lines along its floor drawn over the
//! data, the two eigen-directions on the real contour map, and gradient descent's path with
//! the way still to go.
//!
//! "The valley floor" is one line in (w, b): through the optimum θ* along the flat
//! eigenvector v_min. It is the line gradient descent lands on once the steep component has
//! died, so the stalled run sits on it. Chapter 2's lines through the centre of the data,
//! b = ȳ − w·x̄ (slope −x̄ in (w, b)), are a neighbouring line, not this one: v_min's slope is
//! about −mean(x²)/x̄. Exercise 4 of the chapter compares the two.

use plotters::prelude::*;

use crate::chapters::ch2::Window;
use crate::contour::{self, Grid};
use crate::curvature::Curvature;
use crate::data::Dataset;
use crate::error::Result;
use crate::gd::Trace;
use crate::loss::mse;
use crate::plot::{self, DrawResult, palette};
use crate::report::{Report, fmt_count, fmt_sci, fmt_sig};
use crate::stats;

/// The flat direction's colour (as in Appendix A's figure and the modes figure's legend).
const FLAT: RGBColor = palette::PURPLE;
/// The steep direction's colour.
const STEEP: RGBColor = palette::SKY;

/// Offset along the floor, in the unit of b, that changes the intercept by `db`: t = db/v_b.
/// When the flat direction is not mostly b (data whose x spread is below one unit) the
/// offset is taken along v_min directly, so no division by a vanishing component.
fn along_floor(c: &Curvature, db: f64) -> f64 {
    if c.v_min[1].abs() >= 0.5 { db / c.v_min[1] } else { db }
}

/// The point of the floor line θ* + t·v_min at offset t.
fn floor_point(c: &Curvature, (ws, bs): (f64, f64), t: f64) -> (f64, f64) {
    (ws + t * c.v_min[0], bs + t * c.v_min[1])
}

/// A round step for the lines over the data: a tenth of the spread of y, to one digit
/// (80 € on the Paris rents), so the figure scales with any data.
pub fn fan_step(d: &Dataset) -> f64 {
    let v = 0.1 * stats::std_dev(&d.y);
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let unit = 10f64.powf(v.log10().floor());
    (v / unit).round() * unit
}

/// The numbers of the floor-lines figure and of the annotated path.
pub fn numbers(r: &mut Report, d: &Dataset, c: &Curvature, trace: &Trace, measured_notebook: f64) {
    let star = stats::least_squares(&d.x, &d.y);
    let l_star = mse(&d.x, &d.y, star.0, star.1);
    let step = fan_step(d);
    let excess_pct = |db: f64| {
        let (w, b) = floor_point(c, star, along_floor(c, db));
        100.0 * (mse(&d.x, &d.y, w, b) - l_star)
    };
    r.number("fan_step", step, 2);
    r.number("fan_spread", 4.0 * step, 2);
    r.ratio("fan_inner_pct", excess_pct(step), l_star, 2).ratio("fan_outer_pct", excess_pct(2.0 * step), l_star, 2);
    // The same intercept change with the slope kept: the line shifted, not pivoted.
    r.ratio("fan_shift_pct", 100.0 * (mse(&d.x, &d.y, star.0, star.1 + step) - l_star), l_star, 2);
    // Every floor line crosses the optimum's where t·(v_w·x + v_b) = 0.
    r.ratio("floor_pivot_x", -c.v_min[1], c.v_min[0], 3);
    // The two lines in (w, b): v_min's slope db/dw, and chapter 2's lines through the centre.
    r.ratio("floor_slope", c.v_min[1], c.v_min[0], 4);
    r.number("centre_slope", -stats::mean(&d.x), 4);
    // What is left after the notebook's run, along the floor.
    let (_, bf) = trace.last();
    r.number("left_b", star.1 - bf, 3);
    r.number("left_steps", measured_notebook - (trace.w.len() - 1) as f64, 7);
    // b's gradient against w's after the run, in the units the notebook prints them in.
    let g = *trace.grad.last().expect("a run has a gradient");
    r.ratio("grad_ratio_final", g.1.abs(), g.0.abs(), 3);
    let n = trace.b.len();
    r.number_sci("b_step_final", (trace.b[n - 1] - trace.b[n - 2]).abs(), 2);
}

/// Lines along the valley floor drawn over the data, x from 0: they all cross inside the
/// cloud and fit almost equally well, yet their intercepts at x = 0 lie far apart. One
/// line shifted instead (slope kept) for contrast.
pub fn floor_lines_figure(d: &Dataset, c: &Curvature) -> Result<String> {
    let star = stats::least_squares(&d.x, &d.y);
    let l_star = mse(&d.x, &d.y, star.0, star.1);
    let step = fan_step(d);
    let pct = |(w, b): (f64, f64)| {
        let m = mse(&d.x, &d.y, w, b);
        if l_star > 0.0 { format!("MSE +{} %", fmt_sig(100.0 * (m - l_star) / l_star, 2)) } else { format!("MSE {}", fmt_sig(m, 3)) }
    };
    let lines: Vec<(f64, (f64, f64))> =
        (-2..=2).map(|k| k as f64 * step).map(|db| (db, floor_point(c, star, along_floor(c, db)))).collect();
    let shifted = (star.0, star.1 + step);
    let x_lo = stats::min(&d.x).min(0.0);
    let x_hi = stats::max(&d.x).max(0.0);
    let xr = plot::axis_range(x_lo, x_hi, 0.03);
    let at = |(w, b): (f64, f64), x: f64| w * x + b;
    let mut ys: Vec<f64> = d.y.clone();
    for &(_, l) in &lines {
        ys.extend([at(l, xr.start), at(l, xr.end)]);
    }
    let yr = plot::axis_range(stats::min(&ys), stats::max(&ys), 0.04);
    let pivot = if c.v_min[0] != 0.0 { Some(-c.v_min[1] / c.v_min[0]) } else { None };
    let inner = lines[3].1;
    let outer = lines[4].1;
    let labels = [
        "apartments".to_string(),
        format!("least squares: b* = {} €", fmt_sig(star.1, 3)),
        format!("b* ± {} € along the floor: {}", fmt_sig(step, 2), pct(inner)),
        format!("b* ± {} € along the floor: {}", fmt_sig(2.0 * step, 2), pct(outer)),
        format!("b* + {} €, slope kept: {}", fmt_sig(step, 2), pct(shifted)),
        "where the floor lines cross".to_string(),
    ];
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption(
                format!("Along the floor: nearly the same fit, intercepts {} € apart", fmt_sig(4.0 * step, 2)),
                plot::caption_style(),
            )
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(75)
            .build_cartesian_2d(xr.clone(), yr.clone())?;
        plot::style_mesh(&mut chart, "floor area x (m²)", "monthly rent y (€)")?;
        let seg = |l: (f64, f64)| vec![(xr.start, at(l, xr.start)), (xr.end, at(l, xr.end))];
        chart
            .draw_series(plot::thinned(&d.x, &d.y).map(|(&x, &y)| Circle::new((x, y), 3, palette::DATA.filled())))?
            .label(labels[0].as_str())
            .legend(|(x, y)| Circle::new((x + 11, y), 3, palette::DATA.filled()));
        // Dashes drawn by hand: the crate is built without plotters' dashed series.
        let dashed = |l: (f64, f64)| -> Vec<PathElement<(f64, f64)>> {
            let n = 40;
            (0..n)
                .step_by(2)
                .map(|k| {
                    let (x0, x1) = (
                        xr.start + (xr.end - xr.start) * k as f64 / n as f64,
                        xr.start + (xr.end - xr.start) * (k + 1) as f64 / n as f64,
                    );
                    PathElement::new(vec![(x0, at(l, x0)), (x1, at(l, x1))], palette::GREY.stroke_width(2))
                })
                .collect()
        };
        chart
            .draw_series([PathElement::new(seg(star), palette::FIT.stroke_width(3))])?
            .label(labels[1].as_str())
            .legend(plot::line_glyph(palette::FIT, 3));
        for (k, (colour, width)) in [(FLAT.mix(1.0), 3), (FLAT.mix(0.5), 2)].into_iter().enumerate() {
            let pair = [lines[1 - k].1, lines[3 + k].1];
            let s = chart.draw_series(pair.iter().map(|&l| PathElement::new(seg(l), colour.stroke_width(width))))?;
            s.label(labels[2 + k].as_str()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(width)));
            chart.draw_series(pair.iter().map(|&l| Circle::new((0.0, at(l, 0.0)), 4, colour.filled())))?;
        }
        chart.draw_series(dashed(shifted))?.label(labels[4].as_str()).legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 8, y)], palette::GREY.stroke_width(2))
        });
        // The optimum's line again, on top of the fan.
        chart.draw_series([PathElement::new(seg(star), palette::FIT.stroke_width(3))])?;
        chart.draw_series([Circle::new((0.0, star.1), 5, palette::FIT.filled())])?;
        if let Some(xp) = pivot.filter(|x| xr.contains(x)) {
            chart
                .draw_series([Circle::new((xp, at(star, xp)), 6, palette::INK.filled())])?
                .label(labels[5].as_str())
                .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.filled()));
        }
        let drawn: Vec<(f64, f64)> = d.x.iter().zip(&d.y).map(|(&x, &y)| (x, y)).collect();
        let fan: Vec<Vec<(f64, f64)>> = lines.iter().map(|&(_, l)| seg(l)).collect();
        let mut series: Vec<&[(f64, f64)]> = vec![&drawn];
        series.extend(fan.iter().map(|v| v.as_slice()));
        let label_refs: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
        plot::draw_legend_clear(&mut chart, &series, &label_refs)?;
        Ok(())
    })
}

/// The window of the contour figures: the run and the optimum, padded.
pub fn window(t: &Trace, (ws, bs): (f64, f64)) -> ((f64, f64), (f64, f64)) {
    let pad = |lo: f64, hi: f64| {
        let m = 0.12 * (hi - lo);
        (lo - m, hi + m)
    };
    (pad(stats::min(&t.w).min(ws), stats::max(&t.w).max(ws)), pad(stats::min(&t.b).min(bs), stats::max(&t.b).max(bs)))
}

/// Contours of L over the window, in the colours of chapter 2's Figure 2.3.
fn draw_contours(
    chart: &mut ChartContext<SVGBackend, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>,
    grid: &Grid,
    floor: f64,
    count: usize,
) -> DrawResult {
    let levels = contour::excess_levels(floor, grid.max() - floor, count);
    for (k, &level) in levels.iter().enumerate() {
        let colour = plot::viridis(k as f64 / (levels.len() - 1).max(1) as f64 * 0.9);
        chart.draw_series(contour::contour(grid, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.mix(0.7))))?;
    }
    Ok(())
}

/// The floor line θ* + t·v_min where it crosses the window (as a polyline clipped to it).
fn floor_across(c: &Curvature, star: (f64, f64), (w, b): ((f64, f64), (f64, f64))) -> Vec<(f64, f64)> {
    let span = (w.1 - w.0).hypot(b.1 - b.0);
    plot::linspace(-span, span, 401)
        .into_iter()
        .map(|t| floor_point(c, star, t))
        .filter(|&(x, y)| x >= w.0 && x <= w.1 && y >= b.0 && y <= b.1)
        .collect()
}

/// The real valley's two eigen-directions at the optimum, as arrows of one length on the
/// page (their lengths in (w, b) differ by √κ), over the contour lines of the Paris loss.
pub fn eigen_figure(d: &Dataset, c: &Curvature, t: &Trace) -> Result<String> {
    let star = stats::least_squares(&d.x, &d.y);
    // Figure 4.2's spans, centred on θ*, so both arrows fit on either side.
    let (wr, br) = window(t, star);
    let (hw, hb) = ((wr.1 - wr.0) / 2.0, (br.1 - br.0) / 2.0);
    let (wr, br) = ((star.0 - hw, star.0 + hw), (star.1 - hb, star.1 + hb));
    let grid = contour::loss_grid(&d.x, &d.y, plot::linspace(wr.0, wr.1, 161), plot::linspace(br.0, br.1, 161));
    let floor = mse(&d.x, &d.y, star.0, star.1);
    let floor_line = floor_across(c, star, (wr, br));
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption("The Paris valley's two directions: v_{max} across, v_{min} along", plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(75)
            .build_cartesian_2d(wr.0..wr.1, br.0..br.1)?;
        plot::style_mesh(&mut chart, "slope w (€/m²)", "intercept b (€)")?;
        draw_contours(&mut chart, &grid, floor, 9)?;
        chart
            .draw_series([PathElement::new(floor_line.clone(), FLAT.mix(0.6).stroke_width(2))])?
            .label("valley floor: θ* + t·v_{min}")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], FLAT.mix(0.6).stroke_width(2)));
        // Arrows of 110 px: a direction, not a distance (the axes have different scales).
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let (sx, sy) = ((wr.1 - wr.0) / pw as f64, (br.1 - br.0) / ph as f64);
        for (v, colour, name) in [
            (c.v_max, STEEP, format!("v_{{max}}: steep, λ_{{max}} = {}", fmt_sig(c.lambda_max, 4))),
            (c.v_min, FLAT, format!("v_{{min}}: flat, λ_{{min}} = {}", fmt_sig(c.lambda_min, 4))),
        ] {
            let (px, py) = (v[0] / sx, v[1] / sy);
            let k = 110.0 / px.hypot(py);
            for sign in [1.0, -1.0] {
                plot::arrow(&mut chart, star, (star.0 + sign * k * v[0], star.1 + sign * k * v[1]), colour, 4)?;
            }
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(4)));
        }
        plot::mark_optimum(&mut chart, star, "minimum θ*")?;
        plot::draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    })
}


/// The two aspect ratios of the path figure and of chapter 2's Figure 2.3 (the same
/// layout: margins, label areas and caption), measured on the path figure's plot area.
pub fn aspect_numbers(r: &mut Report, d: &Dataset, t: &Trace) -> Result<()> {
    let star = stats::least_squares(&d.x, &d.y);
    let (wr, br) = window(t, star);
    let mut dims = (0, 0);
    plot::render(plot::SIZE, |area| -> DrawResult {
        let chart = ChartBuilder::on(area)
            .caption("x", plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(75)
            .build_cartesian_2d(wr.0..wr.1, br.0..br.1)?;
        dims = chart.plotting_area().dim_in_pixel();
        Ok(())
    })?;
    let big = Window::around_optimum(d);
    // How long a unit of w is drawn, in € of b: (pixels per unit of w)/(pixels per €), the
    // reason one valley looks diagonal in one view and upright in another.
    let (pw, ph) = (dims.0 as f64, dims.1 as f64);
    r.ratio("zoom_w_in_b", pw * (br.1 - br.0), ph * (wr.1 - wr.0), 2);
    r.ratio("ch2_w_in_b", pw * (big.b.1 - big.b.0), ph * (big.w.1 - big.w.0), 2);
    Ok(())
}

/// The path of gradient descent over the contour lines of L, with the valley floor, the way
/// still to go to θ* and an inset of Figure 2.3's view with this zoom boxed.
pub fn trajectory_figure(d: &Dataset, c: &Curvature, t: &Trace, lr: f64, left_steps: f64) -> Result<String> {
    let star = stats::least_squares(&d.x, &d.y);
    let (wr, br) = window(t, star);
    let grid = contour::loss_grid(&d.x, &d.y, plot::linspace(wr.0, wr.1, 121), plot::linspace(br.0, br.1, 121));
    let floor = mse(&d.x, &d.y, star.0, star.1);
    let floor_line = floor_across(c, star, (wr, br));
    let big = Window::around_optimum(d);
    let big_grid = contour::loss_grid(&d.x, &d.y, plot::linspace(big.w.0, big.w.1, 61), plot::linspace(big.b.0, big.b.1, 61));
    let end = t.last();
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption("Gradient descent drops into the valley, then stalls on its floor", plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(75)
            .build_cartesian_2d(wr.0..wr.1, br.0..br.1)?;
        plot::style_mesh(&mut chart, "slope w (€/m²)", "intercept b (€)")?;
        draw_contours(&mut chart, &grid, floor, 9)?;
        chart
            .draw_series([PathElement::new(floor_line.clone(), FLAT.mix(0.6).stroke_width(2))])?
            .label("valley floor (along v_{min})")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], FLAT.mix(0.6).stroke_width(2)));
        chart
            .draw_series(LineSeries::new(t.w.iter().zip(&t.b).map(|(&w, &b)| (w, b)), palette::ORANGE.stroke_width(2)))?
            .label(format!("gradient descent, {} steps of η = {}", t.w.len() - 1, fmt_sci(lr, 1)))
            .legend(plot::line_glyph(palette::ORANGE, 2));
        chart.draw_series(t.w.iter().zip(&t.b).map(|(&w, &b)| Circle::new((w, b), 2, palette::ORANGE.filled())))?;
        chart
            .draw_series([Circle::new((t.w[0], t.b[0]), 6, palette::INK.filled())])?
            .label(format!("start ({}, {})", plot::tick(t.w[0]), plot::tick(t.b[0])))
            .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.filled()));
        // The worked first step of the text, drawn over the path.
        plot::arrow(&mut chart, (t.w[0], t.b[0]), (t.w[1], t.b[1]), palette::INK, 3)?;
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("first step: Δw ≫ Δb")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], palette::INK.stroke_width(3)));
        // The way still to go, along the floor from where the run stopped to θ*.
        plot::arrow(&mut chart, end, star, FLAT, 4)?;
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!("still to go: {} € of b, {} more steps", fmt_sig(star.1 - end.1, 3), fmt_count(left_steps)))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], FLAT.stroke_width(4)));
        plot::mark_optimum(&mut chart, star, "minimum θ* = (w*, b*)")?;
        plot::draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;

        // Inset: Figure 2.3's view, this zoom boxed.
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let (iw, ih) = (200, 130);
        let left = xr.start + (xr.end - xr.start) * 45 / 100;
        let top = yr.end - ih - 60;
        let inset = area.clone().shrink((left as u32, top as u32), (iw as u32, ih as u32));
        inset.fill(&WHITE)?;
        let mut small = ChartBuilder::on(&inset)
            .caption("Figure 2.3's view", plot::label_style())
            .margin(4)
            .build_cartesian_2d(big.w.0..big.w.1, big.b.0..big.b.1)?;
        small.configure_mesh().disable_mesh().disable_axes().draw()?;
        let levels = contour::excess_levels(floor, big_grid.max() - floor, 6);
        for (k, &level) in levels.iter().enumerate() {
            let colour = plot::viridis(k as f64 / (levels.len() - 1).max(1) as f64 * 0.9);
            small.draw_series(contour::contour(&big_grid, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.mix(0.7))))?;
        }
        small.draw_series([Rectangle::new([(wr.0, br.0), (wr.1, br.1)], palette::INK.stroke_width(2))])?;
        small.draw_series([Rectangle::new([(big.w.0, big.b.0), (big.w.1, big.b.1)], palette::INK.mix(0.4).stroke_width(1))])?;
        Ok(())
    })
}
