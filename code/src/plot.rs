//! The book's figure style, in one place: size, palette, fonts, and the SVG plumbing.
//!
//! Every figure is an SVG string rendered in memory (no file, no system font: the
//! browser draws the text), on its own white background so that it reads the same
//! in mdBook's light and dark themes.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::error::{Error, Result};

pub const SIZE: (u32, u32) = (800, 500);

/// Okabe–Ito, a palette that colour-blind readers can tell apart. One meaning per
/// colour, kept across chapters.
pub mod palette {
    use plotters::style::RGBColor;
    /// Observations (data points).
    pub const DATA: RGBColor = RGBColor(0, 114, 178); // blue
    /// The true line that generated the data.
    pub const TRUE: RGBColor = RGBColor(0, 158, 115); // green
    /// A fitted line or the least-squares optimum.
    pub const FIT: RGBColor = RGBColor(213, 94, 0); // vermillion
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const INK: RGBColor = RGBColor(0, 0, 0);
    /// A ninth curve (Okabe–Ito has eight colours, and vermillion is the optimum's).
    pub const GREY: RGBColor = RGBColor(120, 120, 120);
    pub const GRID: RGBColor = RGBColor(220, 220, 220);
    /// Colours for a sequence of curves, in order.
    pub const SERIES: [RGBColor; 5] = [ORANGE, PURPLE, SKY, FIT, DATA];
}

pub const FONT: &str = "sans-serif";

pub fn caption_style() -> TextStyle<'static> {
    (FONT, 21).into_font().color(&palette::INK)
}

pub fn label_style() -> TextStyle<'static> {
    (FONT, 15).into_font().color(&palette::INK)
}

pub fn axis_desc_style() -> TextStyle<'static> {
    (FONT, 17).into_font().color(&palette::INK)
}

pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub type DrawResult = std::result::Result<(), Box<dyn std::error::Error + 'static>>;

/// Renders a figure of the given size into an SVG string. `draw` receives a white
/// canvas; any plotting error becomes a one-line [`Error::Plot`].
pub fn render(size: (u32, u32), draw: impl FnOnce(&Area) -> DrawResult) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| Error::Plot(e.to_string()))?;
        draw(&root).map_err(|e| Error::Plot(e.to_string()))?;
        root.present().map_err(|e| Error::Plot(e.to_string()))?;
    }
    Ok(subscripts(&svg))
}

/// Turns the plain-text subscripts that titles, legends and axis names are written with
/// ("η_b", "σ_y", "λ_{min}") into real ones: a lowered, smaller `<tspan>` (most letters
/// have no Unicode subscript form, b among them). Only a `_` right after a Greek letter
/// or a one-letter word is a subscript, so code names such as `zero_grad` stay as they are.
/// `dy` rather than `baseline-shift`, which Firefox ignores.
pub fn subscripts(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 256);
    let mut rest = svg;
    while let Some(open) = rest.find("<text") {
        let Some(body) = rest[open..].find('>').map(|k| open + k + 1) else { break };
        let Some(close) = rest[body..].find("</text>").map(|k| body + k) else { break };
        out.push_str(&rest[..body]);
        out.push_str(&subscript_text(&rest[body..close]));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn subscript_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut lowered = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let base_ok = i > 0 && {
            let prev = chars[i - 1];
            let greek = ('\u{370}'..='\u{3ff}').contains(&prev);
            let one_letter = prev.is_ascii_alphabetic() && (i < 2 || !chars[i - 2].is_alphanumeric());
            greek || one_letter
        };
        if c == '_' && base_ok && i + 1 < chars.len() {
            let (sub, next) = if chars[i + 1] == '{' {
                let end = chars[i + 2..].iter().position(|&c| c == '}').map_or(chars.len(), |k| i + 2 + k);
                (chars[i + 2..end.min(chars.len())].iter().collect::<String>(), (end + 1).min(chars.len()))
            } else {
                let end = chars[i + 1..].iter().position(|c| !c.is_alphanumeric() && *c != '*').map_or(chars.len(), |k| i + 1 + k);
                (chars[i + 1..end].iter().collect::<String>(), end)
            };
            if !sub.is_empty() {
                if lowered {
                    out.push_str("</tspan>");
                }
                out.push_str(&format!("<tspan dy=\"0.3em\" font-size=\"75%\">{sub}</tspan><tspan dy=\"-0.3em\">"));
                lowered = true;
                i = next;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    if lowered {
        // Trailing whitespace before </text> stays inside the last span: harmless.
        out.push_str("</tspan>");
    }
    out
}

/// Mesh (grid, ticks, axis titles) in the book's style.
pub fn style_mesh<X, Y>(
    chart: &mut ChartContext<SVGBackend, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
) -> DrawResult
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    style_mesh_scaled(chart, x_desc, y_desc, (false, false))
}

/// [`style_mesh`] for axes that may be on a log scale: `(x_log, y_log)` switches that
/// axis's labels to powers of ten ([`tick_log`]).
pub fn style_mesh_scaled<X, Y>(
    chart: &mut ChartContext<SVGBackend, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
    (x_log, y_log): (bool, bool),
) -> DrawResult
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    // A tick that is zero up to rounding (-1.1e-16 on an axis through 0) is labelled 0.
    let span = |r: std::ops::Range<f64>| (r.end - r.start).abs();
    let (sx, sy) = (span(chart.x_range()), span(chart.y_range()));
    let fx = move |v: f64| if x_log { tick_log(v) } else { tick_on(v, sx) };
    let fy = move |v: f64| if y_log { tick_log(v) } else { tick_on(v, sy) };
    let (xr, yr) = (chart.x_range(), chart.y_range());
    chart
        .configure_mesh()
        .x_labels(labels_for(xr.start, xr.end, x_log))
        .y_labels(labels_for(yr.start, yr.end, y_log))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(axis_desc_style())
        .x_label_formatter(&|v| fx(*v))
        .y_label_formatter(&|v| fy(*v))
        .label_style(label_style())
        .light_line_style(palette::GRID.mix(0.5))
        .bold_line_style(palette::GRID)
        .draw()?;
    Ok(())
}

/// How many tick labels an axis from `lo` to `hi` can have: plotters' default 11, or
/// none when the range is one plotters cannot divide into ticks. Its tick search panics on
/// NaN ends and never ends on a range far narrower than its magnitude (1 to 1 + 10⁻¹³)
/// or beyond f64's reach: data that degenerate get an axis without ticks, not a hang.
pub fn labels_for(lo: f64, hi: f64, log: bool) -> usize {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let width = hi - lo;
    let drawable = if log {
        lo > 0.0 && (hi / lo).is_finite() && hi / lo > 1.0 + 1e-9
    } else {
        width.is_finite() && width >= 1e-9 * lo.abs().max(hi.abs()) && width > 1e-250
    };
    if drawable { 11 } else { 0 }
}

/// Tick label on a log axis: exact powers of ten as "10⁻⁶", others as "2.5 × 10⁻⁶".
pub fn tick_log(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let e = v.abs().log10().round();
    if (v.abs() / 10f64.powf(e) - 1.0).abs() < 1e-6 {
        let text = crate::report::fmt_sci(v.signum() * 10f64.powf(e), 1);
        return text;
    }
    crate::report::fmt_sci(v, 2)
}

/// [`tick`] on an axis `span` long: a value below a billionth of the span is a
/// rounding error of an axis through zero, and labelled "0".
pub fn tick_on(v: f64, span: f64) -> String {
    if v.abs() < 1e-9 * span { "0".into() } else { tick(v) }
}

/// Tick label without float noise or useless zeros: plotters prints 3500.0 and
/// 0.6000000000000001; the book wants 3500 and 0.6, and 2.5 × 10⁻⁵ rather than 2.5e-5.
pub fn tick(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
        return crate::report::fmt_sci(v, 2);
    }
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" => "0".to_string(),
        // The typeset minus, as in the prose (report::fmt_sig).
        _ => text.replacen('-', "\u{2212}", 1),
    }
}

/// Legend box in the book's style.
pub fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(label_style())
        .background_style(WHITE.mix(0.9))
        .border_style(palette::INK.mix(0.4))
        .draw()?;
    Ok(())
}

/// The first corner (of the plot area) where the legend box covers no data; if every
/// corner does, the one covering the fewest points. `series` are the plotted points (and
/// lines: segments between consecutive points are sampled too), `labels` the legend
/// entries (the box is sized from them as plotters sizes it, generously).
pub fn clear_corner<X, Y>(
    chart: &ChartContext<SVGBackend, Cartesian2d<X, Y>>,
    series: &[&[(f64, f64)]],
    labels: &[&str],
) -> SeriesLabelPosition
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    use SeriesLabelPosition::*;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (area_w, area_h) = (xr.end - xr.start, yr.end - yr.start);
    // plotters: text box + 30 px glyph area + 2 × 10 px margin, 5 px from the edges.
    let font = 15.0;
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let (w, h) = ((chars * 0.6 * font + 50.0) as i32, (labels.len() as f64 * font * 1.3 + 22.0) as i32);
    let mut pixels = Vec::new();
    for points in series {
        let px: Vec<(i32, i32)> = points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|p| chart.backend_coord(p))
            .map(|(x, y)| (x - xr.start, y - yr.start))
            .collect();
        pixels.extend(px.iter().copied());
        for pair in px.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / 3).clamp(1, 2000);
            for k in 1..steps {
                let t = k as f64 / steps as f64;
                pixels.push((x0 + ((x1 - x0) as f64 * t) as i32, y0 + ((y1 - y0) as f64 * t) as i32));
            }
        }
    }
    let corners = [UpperRight, UpperLeft, LowerRight, LowerLeft, UpperMiddle, LowerMiddle, MiddleRight, MiddleLeft];
    let covered = |pos: &SeriesLabelPosition| {
        let x0 = match pos {
            UpperLeft | MiddleLeft | LowerLeft => 5,
            UpperMiddle | LowerMiddle => (area_w - w) / 2,
            _ => area_w - w - 5,
        };
        let y0 = match pos {
            UpperLeft | UpperMiddle | UpperRight => 5,
            MiddleLeft | MiddleRight => (area_h - h) / 2,
            _ => area_h - h - 5,
        };
        // 4 px of air around the box.
        pixels.iter().filter(|(x, y)| *x >= x0 - 4 && *x <= x0 + w + 4 && *y >= y0 - 4 && *y <= y0 + h + 4).count()
    };
    corners.into_iter().min_by_key(covered).expect("eight corners")
}

/// [`draw_legend`] in the [`clear_corner`] of the plot.
pub fn draw_legend_clear<'a, 'b: 'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    series: &[&[(f64, f64)]],
    labels: &[&str],
) -> DrawResult
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    let position = clear_corner(chart, series, labels);
    draw_legend(chart, position)
}

type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Marks the least-squares optimum: a vermillion cross, the same in every figure.
pub fn mark_optimum(chart: &mut Chart2d, at: (f64, f64), label: &str) -> DrawResult {
    chart
        .draw_series([Cross::new(at, 8, palette::FIT.stroke_width(3))])?
        .label(label)
        .legend(|(x, y)| Cross::new((x + 11, y), 6, palette::FIT.stroke_width(3)));
    Ok(())
}

/// Marks the parameters that generated the data: a green triangle.
pub fn mark_truth(chart: &mut Chart2d, at: (f64, f64)) -> DrawResult {
    chart
        .draw_series([TriangleMarker::new(at, 8, palette::TRUE.filled())])?
        .label("true parameters")
        .legend(|(x, y)| TriangleMarker::new((x + 11, y), 6, palette::TRUE.filled()));
    Ok(())
}

/// A short line segment, the legend glyph of a line series.
pub fn line_glyph(color: RGBColor, width: u32) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(width))
}

/// Tick positions for a log axis over `lo..hi`: powers of ten, every k-th decade so that
/// at most nine are labelled, counted from the lowest, so the floor of the axis always
/// has its label (a curve pinned at a floor of 10⁻²⁴ sits on a labelled line).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
    let step = ((b - a) / 8 + 1).max(1);
    // Parsed, not powi: 10f64.powi(-24) is 1.0000000000000001e-24, not the nearest double.
    (a..=b).step_by(step as usize).map(|e| format!("1e{e}").parse().expect("a power of ten")).collect()
}

/// Groups of curves a reader would see as one line: every pair of points at the same x
/// within `tol` decades (log axes) of each other. Returns, for each curve, (its rank in
/// its group, the group's size); draw rank 0 widest and underneath.
pub fn coinciding(curves: &[&[(f64, f64)]], tol: f64) -> Vec<(usize, usize)> {
    let same = |a: &[(f64, f64)], b: &[(f64, f64)]| {
        a.len() == b.len()
            && a.iter().zip(b).all(|(p, q)| p.0 == q.0 && (p.1.log10() - q.1.log10()).abs() <= tol)
    };
    let mut group: Vec<usize> = (0..curves.len()).collect();
    for i in 0..curves.len() {
        if let Some(j) = (0..i).find(|&j| same(curves[i], curves[j])) {
            group[i] = group[j];
        }
    }
    (0..curves.len())
        .map(|i| {
            let members: Vec<usize> = (0..curves.len()).filter(|&k| group[k] == group[i]).collect();
            (members.iter().position(|&k| k == i).expect("a member"), members.len())
        })
        .collect()
}

/// A legend drawn beside the plot rather than on it: one line glyph and label per entry,
/// top-aligned in `area`.
pub fn legend_panel(area: &Area, entries: &[(String, RGBColor, u32)]) -> DrawResult {
    let (_, h) = area.dim_in_pixel();
    let row = 24;
    let top = ((h as i32 - row * entries.len() as i32) / 2).max(10);
    for (k, (label, colour, width)) in entries.iter().enumerate() {
        let y = top + row * k as i32;
        area.draw(&PathElement::new(vec![(4, y), (30, y)], colour.stroke_width(*width)))?;
        area.draw(&Text::new(label.clone(), (38, y - 8), label_style()))?;
    }
    Ok(())
}

/// An axis range for values from `lo` to `hi`, padded by `pad` of its width, that
/// plotters can always draw: a single value (constant data) or a width lost to rounding
/// is widened around it, and non-finite ends fall back to 0..1 (plotters panics on an
/// empty or non-finite range).
pub fn axis_range(lo: f64, hi: f64, pad: f64) -> std::ops::Range<f64> {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return 0.0..1.0;
    }
    let mid = 0.5 * (lo + hi);
    let width = (hi - lo).max(mid.abs() * 1e-9).max(f64::MIN_POSITIVE * 1e10);
    let (a, b) = (mid - width * (0.5 + pad), mid + width * (0.5 + pad));
    if a < b && a.is_finite() && b.is_finite() { a..b } else { 0.0..1.0 }
}

/// The start of `path` up to its first point beyond the box `x` × `y` widened by its own
/// size on every side: a diverging run leaves the figure there instead of reaching
/// coordinates that overflow plotters' pixel arithmetic.
pub fn clip_path(path: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<(f64, f64)> {
    let near = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && v >= lo - (hi - lo) && v <= hi + (hi - lo);
    path.iter().copied().take_while(|&(a, b)| near(a, x) && near(b, y)).collect()
}

/// Most points a figure draws one by one: beyond it an SVG grows past a few MB and a
/// browser stalls, while the eye sees no difference.
pub const MAX_POINTS: usize = 5_000;

/// The pairs (xᵢ, yᵢ) a scatter plot draws: all of them up to [`MAX_POINTS`], else
/// `MAX_POINTS` evenly strided ones (deterministic: the same file gives the same figure).
pub fn thinned<'a>(x: &'a [f64], y: &'a [f64]) -> impl Iterator<Item = (&'a f64, &'a f64)> {
    let n = x.len().min(y.len());
    let shown = n.min(MAX_POINTS);
    (0..shown).map(move |k| {
        let i = k * n / shown.max(1);
        (&x[i], &y[i])
    })
}

/// Evenly spaced values from `lo` to `hi` inclusive.
pub fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    assert!(n >= 2, "linspace needs at least two points");
    (0..n).map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64).collect()
}

/// Viridis colour for t in [0, 1] (clamped): perceptually uniform and readable by
/// colour-blind readers. Nine stops of the matplotlib map, linearly interpolated.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];
    let s = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let k = (s.floor() as usize).min(STOPS.len() - 2);
    let f = s - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let ((r0, g0, b0), (r1, g1, b1)) = (STOPS[k], STOPS[k + 1]);
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

/// An arrow from `from` to `to` in data coordinates, its head a filled triangle of a fixed
/// size in pixels (so it keeps its shape on axes of very different scales).
pub fn arrow(chart: &mut Chart2d, from: (f64, f64), to: (f64, f64), colour: RGBColor, width: u32) -> DrawResult {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (pw, ph) = chart.plotting_area().dim_in_pixel();
    // Data units per pixel; screen y grows downwards.
    let (sx, sy) = ((xr.end - xr.start) / pw as f64, (yr.end - yr.start) / ph as f64);
    let (dx, dy) = ((to.0 - from.0) / sx, (to.1 - from.1) / sy);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return Ok(());
    }
    let (ux, uy) = (dx / len, dy / len);
    let (head, half) = (14.0f64.min(0.6 * len), 6.0);
    let at = |along: f64, across: f64| (to.0 + (along * ux - across * uy) * sx, to.1 + (along * uy + across * ux) * sy);
    let base = at(-head, 0.0);
    chart.draw_series([PathElement::new(vec![from, base], colour.stroke_width(width))])?;
    chart.draw_series([Polygon::new(vec![to, at(-head, half), at(-head, -half)], colour.filled())])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_axes_get_no_ticks_and_draw_without_hanging() {
        assert_eq!(labels_for(0.0, 1.0, false), 11);
        assert_eq!(labels_for(1e-3, 1e3, true), 11);
        for (lo, hi, log) in [
            (5.0, 5.0, false),
            (1.0, 1.0 + 1e-13, false),
            (0.0, 1e-300, false),
            (-f64::MAX, f64::MAX, false),
            (f64::NAN, 1.0, false),
            (0.0, 1.0, true),
            (1.0, 1.0 + 1e-12, true),
        ] {
            assert_eq!(labels_for(lo, hi, log), 0, "{lo}..{hi}");
        }
        // A range plotters' tick search would loop on: the figure still renders.
        let svg = render((200, 150), |area| {
            let mut chart = ChartBuilder::on(area).build_cartesian_2d(1.0..1.0 + 1e-13, -1e-300..1e-300)?;
            style_mesh(&mut chart, "x", "y")
        })
        .unwrap();
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn large_inputs_are_thinned_evenly() {
        let x: Vec<f64> = (0..12_345).map(|i| i as f64).collect();
        let shown: Vec<f64> = thinned(&x, &x).map(|(a, _)| *a).collect();
        assert_eq!(shown.len(), MAX_POINTS);
        assert_eq!((shown[0], shown[1], shown[MAX_POINTS - 1]), (0.0, 2.0, 12_342.0));
        assert_eq!(thinned(&x[..10], &x[..10]).count(), 10);
        assert_eq!(thinned(&[], &[]).count(), 0);
    }

    #[test]
    fn diverging_paths_are_clipped_where_they_leave_the_figure() {
        let path = [(0.5, 0.5), (1.5, -0.5), (1.9, 0.0), (2.1, 0.0), (0.5, 0.5)];
        assert_eq!(clip_path(&path, (0.0, 1.0), (0.0, 1.0)), path[..3]);
        assert!(clip_path(&[(f64::NAN, 0.0)], (0.0, 1.0), (0.0, 1.0)).is_empty());
    }

    #[test]
    fn axis_ranges_never_degenerate() {
        assert_eq!(axis_range(0.0, 10.0, 0.1), -1.0..11.0);
        let r = axis_range(5.0, 5.0, 0.1);
        assert!(r.start < 5.0 && r.end > 5.0 && r.end - r.start < 1e-6, "{r:?}");
        let r = axis_range(0.0, 0.0, 0.0);
        assert!(r.start < 0.0 && r.end > 0.0);
        assert_eq!(axis_range(f64::NAN, 1.0, 0.1), 0.0..1.0);
        assert_eq!(axis_range(-f64::MAX, f64::MAX, 0.1), 0.0..1.0);
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(3500.0), "3500");
        assert_eq!(tick(0.6000000000000001), "0.6");
        assert_eq!(tick(-0.25), "\u{2212}0.25");
        assert_eq!(tick(-1e-17 * 0.0), "0");
        assert_eq!(tick(2.5e-5), "2.5\u{a0}×\u{a0}10⁻⁵");
        assert_eq!(tick_on(-1.1e-16, 2.0), "0");
        assert_eq!(tick_on(0.5, 2.0), "0.5");
        // The lowest decade is always labelled, at most nine labels.
        assert_eq!(log_ticks(1e-24, 10.0)[0], 1e-24);
        assert!(log_ticks(1e-24, 10.0).len() <= 9);
        assert_eq!(log_ticks(0.5e-3, 2.0), vec![1e-3, 1e-2, 1e-1, 1.0]);
        assert_eq!(tick_log(1e-6), "10⁻⁶");
        assert_eq!(tick_log(1000.0), "10³");
        assert_eq!(tick_log(2.5e-6), "2.5\u{a0}×\u{a0}10⁻⁶");
    }

    #[test]
    fn subscripts_are_lowered_but_code_names_are_not() {
        let svg = "<text x=\"1\">η_b(t) and σ_y</text><text>zero_grad, λ_{min}</text>";
        let out = subscripts(svg);
        assert_eq!(
            out,
            "<text x=\"1\">η<tspan dy=\"0.3em\" font-size=\"75%\">b</tspan><tspan dy=\"-0.3em\">(t) and σ</tspan>\
             <tspan dy=\"0.3em\" font-size=\"75%\">y</tspan><tspan dy=\"-0.3em\"></tspan></text>\
             <text>zero_grad, λ<tspan dy=\"0.3em\" font-size=\"75%\">min</tspan><tspan dy=\"-0.3em\"></tspan></text>"
        );
    }

    #[test]
    fn rendering_is_byte_identical_and_font_free() {
        let draw = |area: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(area)
                .caption("t", caption_style())
                .x_label_area_size(40)
                .y_label_area_size(40)
                .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
            style_mesh(&mut chart, "x (m²)", "y (€)")?;
            Ok(())
        };
        let a = render(SIZE, draw).unwrap();
        let b = render(SIZE, draw).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("x (m²)") && a.contains("font-family=\"sans-serif\""));
        assert!(a.contains("fill=\"#FFFFFF\""), "white background for dark themes");
    }
}
