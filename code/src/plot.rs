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

/// Width of a figure's phone variant: shown about 350 px wide in a 390 px phone's column,
/// its 12.1-unit text (plotters' 15) is 10.6 px there.
pub const NARROW_WIDTH: u32 = 400;

/// Smallest font size (SVG units) of a subscript: 10 px as shown in either frame (a wide
/// figure is shown at 750/800 of its size, a narrow one at about 350/400).
pub const MIN_SUBSCRIPT: f64 = 11.5;

/// The two layouts of every figure, drawn by the same code: `Wide` for the desktop column
/// (about 800 px, shown at 750) and `Narrow` for a phone ([`NARROW_WIDTH`], legends below
/// the plot, panels stacked). The book serves the narrow file below 760 px
/// (`theme/figures.css`, `builder/figures.rs`); tapping a figure opens the wide one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    Wide,
    Narrow,
}

impl Frame {
    pub const ALL: [Frame; 2] = [Frame::Wide, Frame::Narrow];

    pub fn is_narrow(self) -> bool {
        self == Frame::Narrow
    }

    /// The file a figure `stem` is written to in this frame: `stem.svg`, `stem-narrow.svg`.
    pub fn file(self, stem: &str) -> String {
        match self {
            Frame::Wide => format!("{stem}.svg"),
            Frame::Narrow => format!("{stem}-narrow.svg"),
        }
    }

    /// The canvas: `wide` on a desktop, [`NARROW_WIDTH`] × `narrow_height` on a phone.
    pub fn size(self, wide: (u32, u32), narrow_height: u32) -> (u32, u32) {
        match self {
            Frame::Wide => wide,
            Frame::Narrow => (NARROW_WIDTH, narrow_height),
        }
    }

    /// `wide` pixels on a desktop, `narrow` on a phone (margins, label areas).
    pub fn px(self, wide: u32, narrow: u32) -> u32 {
        if self.is_narrow() { narrow } else { wide }
    }
}

/// Draws figure `stem` in both frames and adds both files to the report.
pub fn figure(r: &mut crate::report::Report, stem: &str, draw: impl Fn(Frame) -> Result<String>) -> Result<()> {
    for frame in Frame::ALL {
        r.file(&frame.file(stem), draw(frame)?);
    }
    Ok(())
}

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
    // Orange, sky and yellow are Okabe–Ito's darkened until they stand 3:1 against the
    // white tile (WCAG's non-text contrast; the originals are 2.3:1, 2.3:1 and 1.3:1).
    pub const ORANGE: RGBColor = RGBColor(194, 125, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const SKY: RGBColor = RGBColor(58, 147, 200);
    pub const YELLOW: RGBColor = RGBColor(160, 134, 0);
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
/// What a drawing helper returns: its value, or plotters' error.
pub type Drawn<T> = std::result::Result<T, Box<dyn std::error::Error + 'static>>;

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
    Ok(subscripts(&move_marked(&svg)))
}

/// Marks the start of elements [`move_marked`] shifts by (dx, dy) px: plotters draws a
/// chart's legend only inside its plot (it clamps every point to the plot area), so
/// [`legend`] draws it there and has it moved beside or below the plot afterwards.
const MOVE_START: &str = "@@move";
const MOVE_END: &str = "@@end-move";

/// The SVG with every run of elements between a `@@move dx dy` and an `@@end-move` text
/// shifted by (dx, dy) (their x, y, x1, y1, x2, y2, cx, cy and points), markers removed.
fn move_marked(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(&format!("{MOVE_START} ")) {
        let open = rest[..at].rfind("<text").expect("a marker is a text");
        let close = at + rest[at..].find("</text>").expect("a closed marker") + "</text>".len();
        let mut args = rest[at + MOVE_START.len()..close].trim_end_matches("</text>").split_whitespace();
        let mut num = || args.next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let (dx, dy) = (num(), num());
        out.push_str(rest[..open].trim_end_matches([' ', '\n']));
        out.push('\n');
        let tail = rest[close..].trim_start_matches('\n');
        let end_at = tail.find(MOVE_END).expect("every move ends");
        let end_open = tail[..end_at].rfind("<text").expect("a marker is a text");
        let end_close = end_at + tail[end_at..].find("</text>").expect("a closed marker") + "</text>".len();
        out.push_str(&shift(&tail[..end_open], dx, dy));
        rest = tail[end_close..].trim_start_matches('\n');
    }
    out.push_str(rest);
    out
}

/// `fragment` with its elements' coordinates shifted by (dx, dy).
fn shift(fragment: &str, dx: f64, dy: f64) -> String {
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(eq) = rest.find("=\"") {
        let name_start = rest[..eq].rfind(' ').map_or(0, |k| k + 1);
        let name = &rest[name_start..eq];
        let value_end = eq + 2 + rest[eq + 2..].find('"').expect("a closed attribute");
        let value = &rest[eq + 2..value_end];
        out.push_str(&rest[..eq + 2]);
        let moved = |v: &str, d: f64| v.parse::<f64>().map_or(v.to_string(), |n| format!("{}", n + d));
        match name {
            "x" | "x1" | "x2" | "cx" => out.push_str(&moved(value, dx)),
            "y" | "y1" | "y2" | "cy" => out.push_str(&moved(value, dy)),
            "points" => {
                let pts: Vec<String> = value
                    .split_whitespace()
                    .map(|p| p.split_once(',').map_or(p.to_string(), |(x, y)| format!("{},{}", moved(x, dx), moved(y, dy))))
                    .collect();
                out.push_str(&pts.join(" "));
            }
            _ => out.push_str(value),
        }
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
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
        let size = attr_number(&rest[open..body], "font-size").unwrap_or(16.0);
        out.push_str(&subscript_text(&rest[body..close], (0.75 * size).max(MIN_SUBSCRIPT).min(size)));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn attr_number(tag: &str, name: &str) -> Option<f64> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[start..].split('"').next()?.parse().ok()
}

/// `text` with its subscripts lowered and set in `sub` units (75 % of the text, but never
/// below [`MIN_SUBSCRIPT`]).
fn subscript_text(text: &str, sub_size: f64) -> String {
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
                out.push_str(&format!("<tspan dy=\"0.3em\" font-size=\"{}\">{sub}</tspan><tspan dy=\"-0.3em\">", (sub_size * 100.0).round() / 100.0));
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
    // At most a label per 60 px of width: a phone's 300 px plot gets 5, not 11 that touch.
    let width = chart.plotting_area().dim_in_pixel().0 as usize;
    chart
        .configure_mesh()
        .x_labels(labels_for(xr.start, xr.end, x_log).min((width / 60).max(3)))
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

/// Top of every figure's title, and its line height, in SVG units.
const TITLE_TOP: i32 = 12;
const TITLE_LINE: i32 = 24;

/// The lines a title wraps into on a canvas `width` wide (caption font: about 0.55 em a
/// character, 10 units of air each side).
pub fn title_lines(text: &str, width: u32) -> Vec<String> {
    let per_line = ((width as f64 - 20.0) / (0.55 * 16.9)).floor().max(10.0) as usize;
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Draws `text` as the figure's (or a panel's) title, centred, at the same height in every
/// figure, wrapped to the area's width; returns the area below it.
pub fn title<'a>(area: &Area<'a>, text: &str) -> std::result::Result<Area<'a>, Box<dyn std::error::Error + 'static>> {
    let (w, _) = area.dim_in_pixel();
    let lines = title_lines(text, w);
    let style = caption_style().pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    for (k, line) in lines.iter().enumerate() {
        area.draw(&Text::new(line.clone(), (w as i32 / 2, TITLE_TOP + TITLE_LINE * k as i32), style.clone()))?;
    }
    let used = TITLE_TOP + TITLE_LINE * lines.len() as i32 + 4;
    Ok(area.clone().split_vertically(used).1)
}

/// Room (px) a chart built in `frame` keeps below its x axis for a legend of `entries`
/// lines: none on a desktop (the legend sits in a clear corner of the plot), the legend's
/// height on a phone (it goes below the plot). Add it to the chart's bottom margin.
pub fn legend_room(frame: Frame, entries: usize) -> u32 {
    if frame.is_narrow() { (entries as f64 * 15.0 * 1.25 + 30.0).ceil() as u32 } else { 0 }
}

/// The size plotters gives a legend box of `labels` (generously: about 0.6 em a character,
/// its 30 px glyph area and 10 px margins, 1.3 lines a label).
pub fn legend_size(labels: &[&str]) -> (i32, i32) {
    let font = 15.0;
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    ((chars * 0.6 * font + 50.0) as i32, (labels.len() as f64 * font * 1.3 + 22.0) as i32)
}

/// Room (px) a chart built in `frame` keeps to the right of its plot for a legend beside
/// it on a desktop (a legend too tall for any empty corner); none on a phone, where
/// [`legend`] puts it below. Add it to the chart's right margin.
pub fn legend_room_right(frame: Frame, labels: &[&str]) -> u32 {
    if frame.is_narrow() { 0 } else { legend_size(labels).0 as u32 + 10 }
}

/// The legend of a chart built on `area` in `frame`: on a phone below the plot, in the
/// [`legend_room`] the chart kept; on a desktop beside the plot if the chart kept
/// [`legend_room_right`], else in the plot's [`clear_corner`].
pub fn legend<'a, 'b: 'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    area: &Area,
    frame: Frame,
    series: &[&[(f64, f64)]],
    labels: &[&str],
) -> DrawResult
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (ax, ay) = area.get_pixel_range();
    // Where the box goes (its top-left, in the canvas's pixels), if not inside the plot.
    let target = if frame.is_narrow() {
        (ax.start + 6, ay.end - legend_room(frame, labels.len()) as i32 + 4)
    } else if ax.end - px.end >= legend_size(labels).0 {
        (px.end + 8, py.start)
    } else {
        return draw_legend_clear(chart, series, labels);
    };
    // plotters draws the box at the plot's top-left corner (5 px in); it is moved from there.
    let (dx, dy) = (target.0 - (px.start + 5), target.1 - (py.start + 5));
    let marker = |text: String| Text::new(text, (0, 0), label_style());
    area.draw(&marker(format!("{MOVE_START} {dx} {dy}")))?;
    draw_legend(chart, SeriesLabelPosition::UpperLeft)?;
    area.draw(&marker(MOVE_END.to_string()))?;
    Ok(())
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
    let (w, h) = legend_size(labels);
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

/// A chart on f64 axes, as every figure draws it.
pub type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

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
        .draw_series([TriangleMarker::new(at, 12, palette::TRUE.filled())])?
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
/// colour-blind readers. The first 55 % of the matplotlib map (nine stops, linearly
/// interpolated): its light green and yellow end stand below 3:1 on the white tile.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];
    let s = t.clamp(0.0, 1.0) * 0.55 * (STOPS.len() - 1) as f64;
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
            "<text x=\"1\">η<tspan dy=\"0.3em\" font-size=\"12\">b</tspan><tspan dy=\"-0.3em\">(t) and σ</tspan>\
             <tspan dy=\"0.3em\" font-size=\"12\">y</tspan><tspan dy=\"-0.3em\"></tspan></text>\
             <text>zero_grad, λ<tspan dy=\"0.3em\" font-size=\"12\">min</tspan><tspan dy=\"-0.3em\"></tspan></text>"
        );
    }

    #[test]
    fn marked_elements_move() {
        let svg = "<svg>\n<rect x=\"1\" y=\"2\"/>\n<text x=\"0\" y=\"0\">@@move 10 -2</text>\n\
                   <rect x=\"5\" y=\"5\" width=\"9\"/>\n<polyline points=\"1,1 2,3\"/>\n<text x=\"4\" y=\"6\">a</text>\n\
                   <text x=\"0\" y=\"0\">@@end-move</text>\n<line x1=\"1\"/>\n</svg>";
        assert_eq!(
            move_marked(svg),
            "<svg>\n<rect x=\"1\" y=\"2\"/>\n<rect x=\"15\" y=\"3\" width=\"9\"/>\n<polyline points=\"11,-1 12,1\"/>\n\
             <text x=\"14\" y=\"4\">a</text>\n<line x1=\"1\"/>\n</svg>"
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
