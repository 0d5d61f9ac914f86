//! Every committed figure (src/generated/*/*.svg, which code/tests/generated.rs keeps
//! equal to what the code draws) is legible: no floating-point noise in its text, real
//! subscripts, text of at least 11 px where the book shows it on a desktop and 10 px on a
//! phone (its `-narrow.svg` twin), no legend over data, every mark 3:1 against the tile.

use std::path::{Path, PathBuf};

/// Figures not yet converted to `plot::figure` (no phone twin, issue 23), one stem a line
/// in `pending-twins.txt`, shared with tests/browser.rs. Each is reported in one line and
/// skipped by the checks below; every other figure must pass them. The list must shrink
/// to empty: `pending_twins_are_still_pending` fails on a stem already converted.
const PENDING_TWINS: &str = include_str!("pending-twins.txt");

fn pending_twins() -> Vec<&'static str> {
    PENDING_TWINS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// The figure's stem: its file name without `.svg` or `-narrow.svg`.
fn stem(path: &Path) -> String {
    let n = path.file_name().unwrap().to_string_lossy();
    n.strip_suffix("-narrow.svg").or_else(|| n.strip_suffix(".svg")).unwrap_or(&n).to_string()
}

/// Every committed figure not in PENDING_TWINS.
fn figures() -> Vec<PathBuf> {
    let pending = pending_twins();
    all_figures().into_iter().filter(|p| !pending.contains(&stem(p).as_str())).collect()
}

fn all_figures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/generated");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 20, "figures found: {}", out.len());
    out
}

/// (attributes, text) of every `<text>` element, tspans flattened.
fn texts(svg: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in svg.split("<text").skip(1) {
        let (attrs, rest) = part.split_once('>').expect("a <text> tag closes");
        let body = rest.split("</text>").next().unwrap();
        let mut plain = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        out.push((attrs.to_string(), plain.trim().to_string()));
    }
    out
}

fn attr(attrs: &str, name: &str) -> Option<f64> {
    let start = attrs.find(&format!("{name}=\""))? + name.len() + 2;
    attrs[start..].split('"').next()?.parse().ok()
}

#[test]
fn no_text_shows_floating_point_noise() {
    // "-1.1e-16", "1e-5": Rust's exponent format; the book writes 10⁻⁵ (report::fmt_sci).
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        for (_, text) in texts(&svg) {
            let b = text.as_bytes();
            if (1..b.len().saturating_sub(1)).any(|i| b[i] == b'e' && b[i - 1].is_ascii_digit() && (b[i + 1] == b'-' || b[i + 1].is_ascii_digit())) {
                bad.push(format!("{}: {text}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(bad.is_empty(), "exponent notation in figures:\n{}", bad.join("\n"));
}

#[test]
fn subscripts_are_subscripts() {
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        for (_, text) in texts(&svg) {
            let chars: Vec<char> = text.chars().collect();
            for i in 1..chars.len() {
                let greek = ('\u{370}'..='\u{3ff}').contains(&chars[i - 1]);
                if chars[i] == '_' && greek {
                    bad.push(format!("{}: {text}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "plain-text subscripts in figures:\n{}", bad.join("\n"));
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().to_string()
}

fn is_narrow(path: &Path) -> bool {
    name(path).ends_with("-narrow.svg")
}

/// Width of the column a figure is shown in: mdBook's 750 px on a desktop; on a 390 px
/// phone the column is 350 px (tests/browser.rs measures the real one).
const DESKTOP_COLUMN: f64 = 750.0;
const PHONE_COLUMN: f64 = 350.0;

/// A stem stays in PENDING_TWINS only while it names a committed figure without its twin.
/// Each pending figure is reported in one line (written past the test harness's capture,
/// so it shows on a passing run too).
#[test]
fn pending_twins_are_still_pending() {
    use std::io::Write;
    let all: Vec<String> = all_figures().iter().map(|p| name(p)).collect();
    let mut stale = Vec::new();
    let mut report = String::new();
    for stem in pending_twins() {
        report.push_str(&format!("PENDING_TWINS: {stem} not checked (no phone twin yet, issue 23)\n"));
        if !all.contains(&format!("{stem}.svg")) {
            stale.push(format!("{stem}: no such figure"));
        } else if all.contains(&format!("{stem}-narrow.svg")) {
            stale.push(format!("{stem}: converted (its -narrow.svg exists); take it off the list"));
        }
    }
    std::io::stderr().write_all(report.as_bytes()).unwrap();
    assert!(stale.is_empty(), "stale entries in code/tests/pending-twins.txt:\n{}", stale.join("\n"));
}

#[test]
fn every_figure_has_a_phone_twin() {
    let all: Vec<String> = figures().iter().map(|p| name(p)).collect();
    let mut missing = Vec::new();
    for n in &all {
        let twin = match n.strip_suffix("-narrow.svg") {
            Some(stem) => format!("{stem}.svg"),
            None => n.replace(".svg", "-narrow.svg"),
        };
        if !all.contains(&twin) {
            missing.push(format!("{n} has no {twin}"));
        }
    }
    assert!(missing.is_empty(), "plot::figure draws both frames:\n{}", missing.join("\n"));
}

/// Text 11 px on a desktop (wide files, 750 px column), 10 px on a phone (narrow files,
/// 350 px), subscripts included: 10 px in both.
#[test]
fn text_is_legible_where_the_book_shows_it() {
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        let width = attr(&svg[..svg.find('>').unwrap()], "width").expect("the <svg> has a width");
        let (column, floor, sub_floor) = if is_narrow(&path) { (PHONE_COLUMN, 10.0, 10.0) } else { (DESKTOP_COLUMN, 11.0, 10.0) };
        if is_narrow(&path) && width > 420.0 {
            bad.push(format!("{}: a phone figure {width} px wide", name(&path)));
        }
        // Shown at most as wide as the column; never enlarged.
        let scale = (column / width).min(1.0);
        for part in svg.split("<text").skip(1) {
            let (attrs, rest) = part.split_once('>').unwrap();
            let body = rest.split("</text>").next().unwrap();
            let base = attr(attrs, "font-size").unwrap_or(16.0);
            if base * scale < floor - 1e-9 {
                bad.push(format!("{}: {:.1} px text «{}»", name(&path), base * scale, &body[..body.len().min(40)]));
            }
            for c in body.split("font-size=\"").skip(1) {
                let value = c.split('"').next().unwrap();
                let size = match value.strip_suffix('%') {
                    Some(pct) => base * pct.parse::<f64>().unwrap() / 100.0,
                    None => value.parse::<f64>().unwrap(),
                } * scale;
                if size < sub_floor - 1e-9 {
                    bad.push(format!("{}: {size:.1} px subscript in «{}»", name(&path), &body[..body.len().min(60)]));
                }
            }
        }
    }
    assert!(bad.is_empty(), "text too small where the book shows it:\n{}", bad.join("\n"));
}

/// One drawn element of an SVG, in document order: its kind, the colour it paints with
/// (blended with the white tile by its opacity), and its bounding points.
struct Mark {
    kind: String,
    colour: Option<(f64, f64, f64)>,
    raw_colour: String,
    points: Vec<(f64, f64)>,
    radius: f64,
    opacity: f64,
}

fn marks(svg: &str) -> Vec<Mark> {
    let num = |attrs: &str, n: &str| attr(attrs, &format!(" {n}"));
    let mut out = Vec::new();
    for part in svg.split('<').skip(1) {
        let Some((kind, rest)) = part.split_once(' ') else { continue };
        if !["polyline", "polygon", "line", "circle", "rect", "path"].contains(&kind) {
            continue;
        }
        let (kind, attrs) = (kind.to_string(), format!(" {}", rest.split('>').next().unwrap()));
        let paint = ["stroke", "fill"].iter().find_map(|k| {
            let start = attrs.find(&format!(" {k}=\"#"))? + k.len() + 4;
            Some(attrs[start..start + 6].to_string())
        });
        let opacity = num(&attrs, "opacity").unwrap_or(1.0) * num(&attrs, "fill-opacity").unwrap_or(1.0) * num(&attrs, "stroke-opacity").unwrap_or(1.0);
        let colour = paint.as_ref().map(|hex| {
            let ch = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64;
            let blend = |v: f64| opacity * v + (1.0 - opacity) * 255.0;
            (blend(ch(0)), blend(ch(2)), blend(ch(4)))
        });
        let mut points = Vec::new();
        let mut radius = 0.0;
        match kind.as_str() {
            "polyline" | "polygon" => {
                let start = attrs.find(" points=\"").map(|k| k + 9).unwrap_or(attrs.len());
                for pair in attrs[start..].split('"').next().unwrap_or("").split_whitespace() {
                    if let Some((x, y)) = pair.split_once(',') {
                        points.push((x.parse().unwrap(), y.parse().unwrap()));
                    }
                }
            }
            "line" => {
                points.push((num(&attrs, "x1").unwrap(), num(&attrs, "y1").unwrap()));
                points.push((num(&attrs, "x2").unwrap(), num(&attrs, "y2").unwrap()));
            }
            "circle" => {
                points.push((num(&attrs, "cx").unwrap(), num(&attrs, "cy").unwrap()));
                radius = num(&attrs, "r").unwrap_or(0.0);
            }
            "rect" => {
                let (x, y) = (num(&attrs, "x").unwrap_or(0.0), num(&attrs, "y").unwrap_or(0.0));
                let (w, h) = (num(&attrs, "width").unwrap_or(0.0), num(&attrs, "height").unwrap_or(0.0));
                points.push((x, y));
                points.push((x + w, y + h));
            }
            _ => {}
        }
        out.push(Mark { kind, colour, raw_colour: paint.unwrap_or_default(), points, radius, opacity });
    }
    out
}

/// Grid lines and the white tile: the mesh, not data.
fn is_mesh(m: &Mark) -> bool {
    m.raw_colour == "DCDCDC" || m.raw_colour == "FFFFFF"
}

/// A legend box as plot::draw_legend draws it: a 90 %-opaque white rectangle.
fn legend_boxes(svg: &str) -> Vec<(usize, [f64; 4])> {
    let all = marks(svg);
    all.iter()
        .enumerate()
        .filter(|(_, m)| m.kind == "rect" && m.raw_colour == "FFFFFF" && (m.opacity - 0.9).abs() < 1e-9)
        .filter_map(|(k, m)| {
            let [(x0, y0), (x1, y1)] = [m.points[0], m.points[1]];
            // the tile itself starts at the origin and covers the canvas
            (x0 > 0.0 || y0 > 0.0).then_some((k, [x0, y0, x1, y1]))
        })
        .collect()
}

/// Whether the segment a–b passes through the box (Liang–Barsky clipping).
fn segment_hits(a: (f64, f64), b: (f64, f64), [x0, y0, x1, y1]: [f64; 4]) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - x0), (dx, x1 - a.0), (-dy, a.1 - y0), (dy, y1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 { t0 = t0.max(r) } else { t1 = t1.min(r) }
        }
    }
    t0 <= t1
}

fn mark_hits(m: &Mark, bx: [f64; 4]) -> bool {
    match m.kind.as_str() {
        "circle" => {
            let (c, r) = (m.points[0], m.radius);
            c.0 + r >= bx[0] && c.0 - r <= bx[2] && c.1 + r >= bx[1] && c.1 - r <= bx[3]
        }
        "rect" => m.points[1].0 >= bx[0] && m.points[0].0 <= bx[2] && m.points[1].1 >= bx[1] && m.points[0].1 <= bx[3],
        "polygon" => {
            let (xs, ys): (Vec<f64>, Vec<f64>) = m.points.iter().copied().unzip();
            let (lo_x, hi_x) = (xs.iter().copied().fold(f64::MAX, f64::min), xs.iter().copied().fold(f64::MIN, f64::max));
            let (lo_y, hi_y) = (ys.iter().copied().fold(f64::MAX, f64::min), ys.iter().copied().fold(f64::MIN, f64::max));
            hi_x >= bx[0] && lo_x <= bx[2] && hi_y >= bx[1] && lo_y <= bx[3]
        }
        _ => match m.points.len() {
            0 => false,
            1 => segment_hits(m.points[0], m.points[0], bx),
            _ => m.points.windows(2).any(|w| segment_hits(w[0], w[1], bx)),
        },
    }
}

/// No legend box covers a plotted mark: every line, marker or contour drawn before the box
/// (what is drawn after it is the legend's own glyphs) stays outside it.
#[test]
fn legends_never_cover_data() {
    let mut bad = Vec::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        let all = marks(&svg);
        for (at, bx) in legend_boxes(&svg) {
            let covered: Vec<&Mark> = all[..at].iter().filter(|m| m.kind != "rect" && !is_mesh(m) && mark_hits(m, bx)).collect();
            if let Some(m) = covered.first() {
                bad.push(format!(
                    "{}: the legend at ({:.0}, {:.0})–({:.0}, {:.0}) covers {} marks, e.g. a #{} {}",
                    name(&path), bx[0], bx[1], bx[2], bx[3], covered.len(), m.raw_colour, m.kind
                ));
            }
        }
    }
    assert!(bad.is_empty(), "legends over data:\n{}", bad.join("\n"));
}

/// WCAG 2.1 relative luminance and contrast ratio.
fn contrast(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let lin = |c: f64| {
        let c = c / 255.0;
        if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let l = |(r, g, b): (f64, f64, f64)| 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    let (x, y) = (l(a), l(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every plotted mark (line, marker, contour, arrow) stands at least 3:1 against the white
/// tile (WCAG's non-text contrast), opacity included. Text is black; the mesh is exempt.
#[test]
fn every_mark_stands_3_to_1_against_the_tile() {
    let mut bad = std::collections::BTreeSet::new();
    for path in figures() {
        let svg = std::fs::read_to_string(&path).unwrap();
        for m in marks(&svg) {
            if m.kind == "rect" || is_mesh(&m) {
                continue;
            }
            if let Some(c) = m.colour {
                let ratio = contrast(c, (255.0, 255.0, 255.0));
                if ratio < 3.0 {
                    bad.insert(format!("{}: #{} {} at {ratio:.2}:1", name(&path), m.raw_colour, m.kind));
                }
            }
        }
    }
    assert!(bad.is_empty(), "marks below 3:1 on white:\n{}", bad.into_iter().collect::<Vec<_>>().join("\n"));
}
