//! Chapter 4's pictures of the valley (issue 20): the lines along its floor drawn over the
//! data, the two eigen-directions on the real contour map, and gradient descent's path with
//! the way still to go.
//!
//! "The valley floor" is one line in (w, b): through the optimum θ* along the flat
//! eigenvector v_min. It is the line gradient descent lands on once the steep component has
//! died, so the stalled run sits on it. Chapter 2's lines through the centre of the data,
//! b = ȳ − w·x̄ (slope −x̄ in (w, b)), are a neighbouring line, not this one: v_min's slope is
//! about −mean(x²)/x̄. Exercise 4 of the chapter compares the two.

use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::chapters::ch2::Window;
use crate::contour::{self, Grid};
use crate::curvature::Curvature;
use crate::data::Dataset;
use crate::error::Result;
use crate::gd::Trace;
use crate::loss::mse;
use crate::plot::{self, Area, DrawResult, Frame, palette};
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
pub fn floor_lines_figure(d: &Dataset, c: &Curvature, frame: Frame) -> Result<String> {
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
    let pivot = if c.v_min[0] != 0.0 { Some(-c.v_min[1] / c.v_min[0]).filter(|x| xr.contains(x)) } else { None };
    let inner = lines[3].1;
    let outer = lines[4].1;
    let mut labels = vec![
        "apartments".to_string(),
        format!("least squares: b* = {} €", fmt_sig(star.1, 3)),
        format!("b* ± {} € along the floor: {}", fmt_sig(step, 2), pct(inner)),
        format!("b* ± {} € along the floor: {}", fmt_sig(2.0 * step, 2), pct(outer)),
        format!("b* + {} €, slope kept: {}", fmt_sig(step, 2), pct(shifted)),
    ];
    if pivot.is_some() {
        labels.push("where the floor lines cross".to_string());
    }
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let title = format!("Along the floor: nearly the same fit, intercepts {} € apart", fmt_sig(4.0 * step, 2));
    // A phone's plot as tall as wide: the intercepts' spread at x = 0 stays visible.
    plot::render(frame.size(plot::SIZE, 640), |root| -> DrawResult {
        let area = plot::title(root, &title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 65))
            .build_cartesian_2d(xr.clone(), yr.clone())?;
        plot::style_mesh(&mut chart, "floor area x (m²)", "monthly rent y (€)")?;
        let seg = |l: (f64, f64)| vec![(xr.start, at(l, xr.start)), (xr.end, at(l, xr.end))];
        chart
            .draw_series(plot::thinned(&d.x, &d.y).map(|(&x, &y)| Circle::new((x, y), 3, palette::DATA.filled())))?
            .label(label_refs[0])
            .legend(|(x, y)| Circle::new((x + 11, y), 3, palette::DATA.filled()));
        chart
            .draw_series([PathElement::new(seg(star), palette::FIT.stroke_width(3))])?
            .label(label_refs[1])
            .legend(plot::line_glyph(palette::FIT, 3));
        // The two pairs told apart by width, not by a paler purple (below 3:1 on white).
        for (k, width) in [3, 1].into_iter().enumerate() {
            let pair = [lines[1 - k].1, lines[3 + k].1];
            chart
                .draw_series(pair.iter().map(|&l| PathElement::new(seg(l), FLAT.stroke_width(width))))?
                .label(label_refs[2 + k])
                .legend(plot::line_glyph(FLAT, width));
            chart.draw_series(pair.iter().map(|&l| Circle::new((0.0, at(l, 0.0)), 4, FLAT.filled())))?;
        }
        let grey = palette::GREY.stroke_width(2);
        chart
            .draw_series(DashedLineSeries::new(seg(shifted), 10, 8, grey))?
            .label(label_refs[4])
            .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 22, y)], 8, 6, grey));
        // The optimum's line again, on top of the fan.
        chart.draw_series([PathElement::new(seg(star), palette::FIT.stroke_width(3))])?;
        chart.draw_series([Circle::new((0.0, star.1), 5, palette::FIT.filled())])?;
        if let Some(xp) = pivot {
            chart
                .draw_series([Circle::new((xp, at(star, xp)), 6, palette::INK.filled())])?
                .label(label_refs[5])
                .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.filled()));
        }
        let drawn: Vec<(f64, f64)> = d.x.iter().zip(&d.y).map(|(&x, &y)| (x, y)).collect();
        let mut fan: Vec<Vec<(f64, f64)>> = lines.iter().map(|&(_, l)| seg(l)).collect();
        fan.push(seg(shifted));
        let mut marks: Vec<&[(f64, f64)]> = vec![&drawn];
        marks.extend(fan.iter().map(Vec::as_slice));
        plot::legend(&mut chart, &area, frame, &marks, &label_refs)?;
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

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Drawn<T> = std::result::Result<T, Box<dyn std::error::Error + 'static>>;

/// Contour lines of L over the window, in the colours of chapter 2's Figure 2.3: thin but
/// opaque, so that each stands 3:1 against the white tile.
fn draw_contours(chart: &mut Chart, grid: &Grid, floor: f64, count: usize) -> DrawResult {
    let levels = contour::excess_levels(floor, grid.max() - floor, count);
    for (k, &level) in levels.iter().enumerate() {
        let colour = plot::viridis(k as f64 / (levels.len() - 1).max(1) as f64 * 0.9);
        chart.draw_series(contour::contour(grid, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.stroke_width(1))))?;
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

/// The valley floor's legend glyph: dashed, as it is drawn (the solid purple is the arrows').
fn floor_glyph((x, y): (i32, i32)) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, i32> {
    DashedPathElement::new(vec![(x, y), (x + 22, y)], 6, 4, FLAT.stroke_width(2))
}

/// Margins of a contour figure's chart: room on the right and at the bottom (for a legend,
/// an inset) beyond the 15 px every side keeps.
#[derive(Clone, Copy)]
struct Room {
    right: u32,
    bottom: u32,
}

/// The chart of a contour figure over the window (w, b), laid out in `frame`: shared by
/// both contour figures and by [`aspect_numbers`], which measures the path figure's.
fn valley_chart<'a, 'b>(area: &'a Area<'b>, frame: Frame, (wr, br): ((f64, f64), (f64, f64)), room: Room) -> Drawn<Chart<'a, 'b>> {
    Ok(ChartBuilder::on(area)
        .margin(15)
        .margin_right(15 + room.right)
        .margin_bottom(15 + room.bottom)
        .x_label_area_size(50)
        .y_label_area_size(frame.px(75, 60))
        .build_cartesian_2d(wr.0..wr.1, br.0..br.1)?)
}

/// [`valley_chart`] with the figure's mesh, the contour lines of `grid` and the valley
/// floor (dashed purple, labelled `floor_label`) drawn.
fn valley_map<'a, 'b>(
    area: &'a Area<'b>,
    frame: Frame,
    window: ((f64, f64), (f64, f64)),
    room: Room,
    (grid, floor): (&Grid, f64),
    floor_line: &[(f64, f64)],
    floor_label: &str,
) -> Drawn<Chart<'a, 'b>> {
    let mut chart = valley_chart(area, frame, window, room)?;
    plot::style_mesh(&mut chart, "slope w (€/m²)", "intercept b (€)")?;
    draw_contours(&mut chart, grid, floor, 9)?;
    chart
        .draw_series(DashedLineSeries::new(floor_line.iter().copied(), 8, 6, FLAT.stroke_width(2)))?
        .label(floor_label)
        .legend(floor_glyph);
    Ok(chart)
}

/// The real valley's two eigen-directions at the optimum, as arrows of one length on the
/// page (their lengths in (w, b) differ by √κ), over the contour lines of the Paris loss.
pub fn eigen_figure(d: &Dataset, c: &Curvature, t: &Trace, frame: Frame) -> Result<String> {
    let star = stats::least_squares(&d.x, &d.y);
    // Figure 4.2's spans, centred on θ*, so both arrows fit on either side.
    let (wr, br) = window(t, star);
    let (hw, hb) = ((wr.1 - wr.0) / 2.0, (br.1 - br.0) / 2.0);
    let (wr, br) = ((star.0 - hw, star.0 + hw), (star.1 - hb, star.1 + hb));
    let grid = contour::loss_grid(&d.x, &d.y, plot::linspace(wr.0, wr.1, 161), plot::linspace(br.0, br.1, 161));
    let floor = mse(&d.x, &d.y, star.0, star.1);
    let floor_line = floor_across(c, star, (wr, br));
    let labels = [
        "valley floor: θ* + t·v_{min}".to_string(),
        format!("v_{{max}}: steep, λ_{{max}} = {}", fmt_sig(c.lambda_max, 4)),
        format!("v_{{min}}: flat, λ_{{min}} = {}", fmt_sig(c.lambda_min, 4)),
        "minimum θ*".to_string(),
    ];
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    // The contours fill the plot: the legend goes beside it (below it on a phone).
    let room = Room { right: plot::legend_room_right(frame, &label_refs), bottom: plot::legend_room(frame, labels.len()) };
    plot::render(frame.size(plot::SIZE, 540), |root| -> DrawResult {
        let area = plot::title(root, "The Paris valley's two directions: v_{max} across, v_{min} along")?;
        let mut chart = valley_map(&area, frame, (wr, br), room, (&grid, floor), &floor_line, label_refs[0])?;
        // Arrows of one length on the page (110 px, less on a small plot): a direction,
        // not a distance (the axes have different scales).
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let length = 110f64.min(0.4 * pw.min(ph) as f64);
        let (sx, sy) = ((wr.1 - wr.0) / pw as f64, (br.1 - br.0) / ph as f64);
        let mut drawn = vec![floor_line.clone()];
        for (v, colour, label) in [(c.v_max, STEEP, label_refs[1]), (c.v_min, FLAT, label_refs[2])] {
            let k = length / (v[0] / sx).hypot(v[1] / sy);
            let ends = [1.0, -1.0].map(|sign| (star.0 + sign * k * v[0], star.1 + sign * k * v[1]));
            for end in ends {
                plot::arrow(&mut chart, star, end, colour, 4)?;
            }
            drawn.push(ends.to_vec());
            chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(label).legend(plot::line_glyph(colour, 4));
        }
        plot::mark_optimum(&mut chart, star, label_refs[3])?;
        let marks: Vec<&[(f64, f64)]> = drawn.iter().map(Vec::as_slice).collect();
        plot::legend(&mut chart, &area, frame, &marks, &label_refs)?;
        Ok(())
    })
}

/// Entries of the path figure's legend: its layout keeps room for them below the plot.
const TRAJECTORY_ENTRIES: usize = 6;

/// The texts of the path figure's legend, in the order it draws them.
fn trajectory_labels(t: &Trace, lr: f64, still_b: f64, left_steps: f64) -> [String; TRAJECTORY_ENTRIES] {
    [
        "valley floor (along v_{min})".to_string(),
        format!("gradient descent, {} steps of η = {}", t.w.len() - 1, fmt_sci(lr, 1)),
        format!("start ({}, {})", plot::tick(t.w[0]), plot::tick(t.b[0])),
        "first step: Δw ≫ Δb".to_string(),
        format!("still to go: {} € of b, {} steps", fmt_sig(still_b, 3), fmt_count(left_steps)),
        "minimum θ* = (w*, b*)".to_string(),
    ]
}

const TRAJECTORY_TITLE: &str = "Gradient descent drops into the valley, then stalls on its floor";

/// The path figure's canvas and the room its chart keeps: the legend below the plot in
/// both frames (the contours fill the plot, and beside it the legend would halve the
/// plot's width); on a desktop Figure 2.3's view sits to the right of the legend, on a
/// phone in a band of its own below it ([`INSET_BAND`]).
fn trajectory_layout(frame: Frame) -> ((u32, u32), Room) {
    let legend = plot::legend_room(Frame::Narrow, TRAJECTORY_ENTRIES);
    (frame.size((plot::SIZE.0, 513 + legend), 470 + legend + INSET_BAND), Room { right: 0, bottom: legend })
}

/// Height of the phone's band for Figure 2.3's view, under the legend.
const INSET_BAND: u32 = 150;

/// The two aspect ratios of the path figure and of chapter 2's Figure 2.3 (the same
/// window sizes), measured on the path figure's plot area as drawn on a desktop.
pub fn aspect_numbers(r: &mut Report, d: &Dataset, t: &Trace) -> Result<()> {
    let star = stats::least_squares(&d.x, &d.y);
    let (wr, br) = window(t, star);
    let (size, room) = trajectory_layout(Frame::Wide);
    let mut dims = (0, 0);
    plot::render(size, |root| -> DrawResult {
        let area = plot::title(root, TRAJECTORY_TITLE)?;
        dims = valley_chart(&area, Frame::Wide, (wr, br), room)?.plotting_area().dim_in_pixel();
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

/// Figure 2.3's view of the valley in `inset`, with the window (w, b) of the path figure
/// boxed: where this zoom lies.
fn draw_inset(inset: &Area, d: &Dataset, floor: f64, (wr, br): ((f64, f64), (f64, f64))) -> DrawResult {
    let big = Window::around_optimum(d);
    let grid = contour::loss_grid(&d.x, &d.y, plot::linspace(big.w.0, big.w.1, 61), plot::linspace(big.b.0, big.b.1, 61));
    inset.fill(&WHITE)?;
    let mut small = ChartBuilder::on(inset)
        .caption("Figure 2.3's view", plot::label_style())
        .margin(4)
        .build_cartesian_2d(big.w.0..big.w.1, big.b.0..big.b.1)?;
    small.configure_mesh().disable_mesh().disable_axes().draw()?;
    draw_contours(&mut small, &grid, floor, 6)?;
    small.draw_series([Rectangle::new([(wr.0, br.0), (wr.1, br.1)], palette::INK.stroke_width(2))])?;
    small.draw_series([Rectangle::new([(big.w.0, big.b.0), (big.w.1, big.b.1)], palette::INK.mix(0.4).stroke_width(1))])?;
    Ok(())
}

/// The path of gradient descent over the contour lines of L, with the valley floor, the way
/// still to go to θ* and Figure 2.3's view with this zoom boxed.
pub fn trajectory_figure(d: &Dataset, c: &Curvature, t: &Trace, lr: f64, left_steps: f64, frame: Frame) -> Result<String> {
    let star = stats::least_squares(&d.x, &d.y);
    let (wr, br) = window(t, star);
    let grid = contour::loss_grid(&d.x, &d.y, plot::linspace(wr.0, wr.1, 121), plot::linspace(br.0, br.1, 121));
    let floor = mse(&d.x, &d.y, star.0, star.1);
    let floor_line = floor_across(c, star, (wr, br));
    let end = t.last();
    let labels = trajectory_labels(t, lr, star.1 - end.1, left_steps);
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let (size, room) = trajectory_layout(frame);
    plot::render(size, |root| -> DrawResult {
        let full = plot::title(root, TRAJECTORY_TITLE)?;
        // On a phone the inset's band is cut off the bottom first.
        let (area, band) = if frame.is_narrow() {
            let (upper, lower) = full.split_vertically(full.dim_in_pixel().1 - INSET_BAND);
            (upper, Some(lower))
        } else {
            (full, None)
        };
        let mut chart = valley_map(&area, frame, (wr, br), room, (&grid, floor), &floor_line, label_refs[0])?;
        let path: Vec<(f64, f64)> = t.w.iter().zip(&t.b).map(|(&w, &b)| (w, b)).collect();
        chart
            .draw_series(LineSeries::new(path.iter().copied(), palette::ORANGE.stroke_width(2)))?
            .label(label_refs[1])
            .legend(plot::line_glyph(palette::ORANGE, 2));
        chart.draw_series(path.iter().map(|&p| Circle::new(p, 2, palette::ORANGE.filled())))?;
        chart
            .draw_series([Circle::new(path[0], 6, palette::INK.filled())])?
            .label(label_refs[2])
            .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.filled()));
        // The worked first step of the text, drawn over the path.
        plot::arrow(&mut chart, path[0], path[1], palette::INK, 3)?;
        chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(label_refs[3]).legend(plot::line_glyph(palette::INK, 3));
        // The way still to go, along the floor from where the run stopped to θ*.
        plot::arrow(&mut chart, end, star, FLAT, 4)?;
        chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(label_refs[4]).legend(plot::line_glyph(FLAT, 4));
        plot::mark_optimum(&mut chart, star, label_refs[5])?;
        plot::legend(&mut chart, &area, Frame::Narrow, &[], &label_refs)?;

        // Figure 2.3's view: beside the legend on a desktop, under it on a phone, never on
        // the map.
        let (px, _) = chart.plotting_area().get_pixel_range();
        let (_, ay) = area.get_pixel_range();
        let (left, top, w, h) = match &band {
            Some(b) => {
                let (bx, by) = b.get_pixel_range();
                let h = (by.end - by.start - 20) as u32;
                ((bx.start + bx.end) / 2 - (h as i32 * 6 / 5) / 2, by.start + 5, h * 6 / 5, h)
            }
            None => {
                let h = room.bottom - 14;
                (px.end - (h as i32 * 6 / 5), ay.end - room.bottom as i32 + 4, h * 6 / 5, h)
            }
        };
        let inset = root.clone().shrink((left as u32, top as u32), (w, h));
        draw_inset(&inset, d, floor, (wr, br))?;
        Ok(())
    })
}
