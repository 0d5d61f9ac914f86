//! Chapter 10 — closed-form least squares, and how many digits each method keeps.

use plotters::prelude::*;

pub const ABOUT: &str =
    "Chapter 10: closed-form least squares (cov/var, normal equations, QR, SVD), their accuracy on the NIST StRD sets.";

use crate::data::Dataset;
use crate::error::Result;
use crate::linalg::{self, Method};
use crate::nist;
use crate::gd;
use crate::plot::{self, DrawResult, palette};
use crate::report::{Report, fmt_sig};

/// Gradient descent settings for the comparison: standardized data, η = 0.1, stop when
/// the standardized gradient is below 1e-13.
pub const GD_LR: f64 = 0.1;
pub const GD_TOL: f64 = 1e-13;
pub const GD_MAX_ITERATIONS: usize = 10_000;

/// Offsets added to x in the conditioning experiment: 10⁰ … 10⁹ m².
pub const OFFSET_POWERS: std::ops::RangeInclusive<i32> = 0..=9;

// ANCHOR: floors
/// The minimum LRE (correct digits) the tests demand of each method on each NIST set,
/// for (covvar, normal, qr, svd); `None`: the method does not apply or fails.
pub const LRE_FLOORS: [(&str, [Option<f64>; 4]); 11] = [
    ("Norris", [Some(12.0), Some(12.0), Some(12.0), Some(12.0)]),
    ("Pontius", [None, Some(11.0), Some(12.0), Some(11.0)]),
    ("NoInt1", [None, Some(14.0), Some(14.0), Some(14.0)]),
    ("NoInt2", [None, Some(14.0), Some(14.0), Some(14.0)]),
    ("Filip", [None, None, Some(7.0), Some(7.0)]),
    ("Longley", [None, Some(8.0), Some(10.0), Some(10.0)]),
    ("Wampler1", [None, Some(6.0), Some(9.0), Some(8.0)]),
    ("Wampler2", [None, Some(8.0), Some(12.0), Some(12.0)]),
    ("Wampler3", [None, Some(6.0), Some(9.0), Some(8.0)]),
    ("Wampler4", [None, Some(6.0), Some(8.0), Some(7.0)]),
    ("Wampler5", [None, Some(6.0), Some(6.0), Some(5.0)]),
];
// ANCHOR_END: floors

/// One data set's result: κ of the scaled design, and per method the minimum LRE over
/// the coefficients (`None` when the method refused or failed).
#[derive(Debug, Clone)]
pub struct NistRow {
    pub name: String,
    pub n: usize,
    pub p: usize,
    pub kappa: f64,
    pub lre: [Option<f64>; 4],
}

/// Fits every NIST set with every method and scores it against the certified values.
pub fn nist_rows() -> Result<Vec<NistRow>> {
    let mut rows = Vec::new();
    for set in nist::all()? {
        let x = set.design();
        let lre = Method::ALL.map(|m| {
            linalg::fit(m, &x, &set.y).ok().map(|theta| {
                theta.iter().zip(&set.certified).map(|(e, c)| linalg::lre(*e, *c)).fold(15.0, f64::min)
            })
        });
        rows.push(NistRow {
            name: set.name.clone(),
            n: x.nrows(),
            p: x.ncols(),
            kappa: linalg::scaled_condition_number(&x),
            lre,
        });
    }
    Ok(rows)
}

/// The shift experiment: slope LRE of each method when x is moved by `offset`.
#[derive(Debug, Clone)]
pub struct ShiftRow {
    pub offset: f64,
    pub kappa: f64,
    pub lre: [Option<f64>; 4],
}

/// Adds growing offsets to x and measures how many digits of the slope each method
/// keeps. x is first rounded to sixteenths of a m², so that x + offset is exact in f64
/// (up to 2⁴⁸ ≈ 3·10¹⁴) and the true slope is the same for every offset.
pub fn shift_rows(d: &Dataset) -> Result<Vec<ShiftRow>> {
    let x: Vec<f64> = d.x.iter().map(|v| (v * 16.0).round() / 16.0).collect();
    let reference = linalg::fit(Method::Qr, &linalg::design(std::slice::from_ref(&x), true), &d.y)?[1];
    let mut rows = Vec::new();
    for k in OFFSET_POWERS {
        let offset = 10f64.powi(k);
        let shifted: Vec<f64> = x.iter().map(|v| v + offset).collect();
        let xm = linalg::design(&[shifted], true);
        let lre = Method::ALL.map(|m| linalg::fit(m, &xm, &d.y).ok().map(|t| linalg::lre(t[1], reference)));
        rows.push(ShiftRow { offset, kappa: linalg::scaled_condition_number(&xm), lre });
    }
    Ok(rows)
}

/// A tiny number for prose, as "9.5 × 10<sup>−14</sup>".
fn sci(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let e = v.abs().log10().floor() as i32;
    let m = v / 10f64.powi(e);
    format!("{m:.1} × 10<sup>{}</sup>", e.to_string().replace('-', "−"))
}

fn cell(v: Option<f64>) -> String {
    v.map_or("fails".to_string(), |l| format!("{l:.1}"))
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let mut r = Report::new();
    let x = linalg::design(std::slice::from_ref(&d.x), true);
    r.integer("n", d.len() as i64);

    // Paris data: every closed form, and gradient descent, side by side.
    let mut fits: Vec<(&str, f64, f64)> = Vec::new();
    for m in Method::ALL {
        let t = linalg::fit(m, &x, &d.y)?;
        fits.push((m.name(), t[1], t[0]));
    }
    let gd = gd::gradient_descent_standardized(&d.x, &d.y, GD_LR, GD_MAX_ITERATIONS, GD_TOL)?;
    fits.push(("gd", gd.w, gd.b));
    let (w_ref, b_ref) = (fits[2].1, fits[2].2);
    let rel = |a: f64, b: f64| if b == 0.0 { a.abs() } else { ((a - b) / b).abs() };
    let mut table = String::from("| method | w (€/m²) | b (€) | MSE (€²) | rel. diff. w vs QR | rel. diff. b vs QR |\n|---|---:|---:|---:|---:|---:|\n");
    let (mut closed_diff, mut gd_diff) = (0.0f64, 0.0f64);
    for (name, w, b) in &fits {
        let (mse, _) = linalg::mse_r2(&x, &d.y, &[*b, *w]);
        let (dw, db) = (rel(*w, w_ref), rel(*b, b_ref));
        table.push_str(&format!("| {name} | {w:.12} | {b:.10} | {mse:.6} | {dw:.1e} | {db:.1e} |\n"));
        if *name == "gd" {
            gd_diff = dw.max(db);
        } else {
            closed_diff = closed_diff.max(dw.max(db));
        }
    }
    let (mse_ref, r2_ref) = linalg::mse_r2(&x, &d.y, &[b_ref, w_ref]);
    r.number("w_qr", w_ref, 6).number("b_qr", b_ref, 6);
    r.number("mse_qr", mse_ref, 6).number("r2_qr", r2_ref, 4);
    r.number("closed_max_rel_diff", closed_diff, 2).number("gd_max_rel_diff", gd_diff, 2);
    r.text("closed_max_rel_diff_sci", &sci(closed_diff)).text("gd_max_rel_diff_sci", &sci(gd_diff));
    r.integer("gd_iterations", gd.iterations as i64);
    let kappa = linalg::scaled_condition_number(&x);
    r.number("kappa_x", kappa, 3).number("kappa_xtx", kappa * kappa, 3);
    r.number("kappa_x_raw", linalg::condition_number(&x), 3);
    r.file("ch10-paris-methods.md", table);

    // Shifting x: the same problem, worse and worse conditioned.
    let shifts = shift_rows(d)?;
    let mut table = String::from(
        "| offset added to x (m²) | κ(X) | κ(XᵀX) | covvar | normal | qr | svd |\n|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in &shifts {
        table.push_str(&format!(
            "| 1e{} | {:.1e} | {:.1e} | {} |\n",
            s.offset.log10().round(),
            s.kappa,
            s.kappa * s.kappa,
            s.lre.map(cell).join(" | ")
        ));
    }
    r.file("ch10-shift-lre.md", table);
    let at = |k: usize, m: usize| shifts.get(k).and_then(|s| s.lre[m]).unwrap_or(0.0);
    let k6 = 6usize.min(shifts.len() - 1);
    r.number("shift_kappa_1e6", shifts[k6].kappa, 2);
    r.number("shift_normal_lre_1e6", at(k6, 1), 2).number("shift_qr_lre_1e6", at(k6, 2), 3);
    r.number("shift_covvar_lre_1e6", at(k6, 0), 3);
    let first_fail = shifts.iter().find(|s| s.lre[1].is_none_or(|l| l < 1.0)).map_or(0.0, |s| s.offset);
    r.number("shift_normal_fails_at", first_fail, 1);

    // NIST StRD: correct digits of every method against certified values.
    let rows = nist_rows()?;
    let mut table = String::from(
        "| data set | n | p | κ(X) | covvar | normal | qr | svd | floor tested (covvar / normal / qr / svd) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for row in &rows {
        let floors = LRE_FLOORS.iter().find(|(n, _)| *n == row.name).map(|(_, f)| *f).unwrap_or([None; 4]);
        let lre: Vec<String> =
            row.lre.iter().enumerate().map(|(m, v)| if m == 0 && v.is_none() { "—".into() } else { cell(*v) }).collect();
        let floor: Vec<String> = floors.iter().map(|f| f.map_or("—".into(), |v| format!("{v:.0}"))).collect();
        table.push_str(&format!(
            "| {} | {} | {} | {:.1e} | {} | {} |\n",
            row.name,
            row.n,
            row.p,
            row.kappa,
            lre.join(" | "),
            floor.join(" / ")
        ));
        let key = row.name.to_lowercase();
        r.number(&format!("kappa_{key}"), row.kappa, 2);
        for (m, v) in Method::ALL.iter().zip(row.lre) {
            if let Some(v) = v {
                r.number(&format!("lre_{key}_{}", m.name()), v, 3);
            }
        }
    }
    r.file("ch10-nist-lre.md", table);

    r.file("ch10-shift-lre.svg", lre_figure(
        "Shifting x: the normal equations lose twice the digits",
        "log₁₀ κ(X) of the shifted design",
        &shifts.iter().map(|s| (s.kappa.log10(), s.lre)).collect::<Vec<_>>(),
    )?);
    r.file("ch10-nist-lre.svg", lre_figure(
        "NIST StRD: correct digits against the condition number",
        "log₁₀ κ(X), columns scaled",
        &rows.iter().map(|s| (s.kappa.log10(), s.lre)).collect::<Vec<_>>(),
    )?);

    let summary = format!(
        "least squares on {} points: w = {} €/m², b = {} € (QR); the closed forms agree to {:.1e}, \
         gradient descent to {:.1e}\nNIST StRD, minimum correct digits (covvar/normal/qr/svd):\n{}",
        d.len(),
        fmt_sig(w_ref, 6),
        fmt_sig(b_ref, 6),
        closed_diff,
        gd_diff,
        rows.iter()
            .map(|row| format!("  {:9} {}\n", row.name, row.lre.map(cell).join(" / ")))
            .collect::<String>()
    );
    Ok((r, summary))
}

/// Correct digits (LRE) per method against log₁₀ κ, with the rule-of-thumb lines
/// 16 − log₁₀ κ (a backward-stable solver) and 16 − 2·log₁₀ κ (normal equations).
fn lre_figure(title: &str, x_desc: &str, points: &[(f64, [Option<f64>; 4])]) -> Result<String> {
    let x_max = points.iter().map(|p| p.0).fold(1.0, f64::max).ceil() + 0.5;
    let styles = [
        ("covvar: cov(x,y)/var(x)", palette::PURPLE),
        ("normal equations", palette::ORANGE),
        ("QR (Householder)", palette::SKY),
        ("SVD", palette::INK),
    ];
    plot::render(plot::SIZE, |area| -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .caption(title, plot::caption_style())
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.2..x_max, 0.0..16.5)?;
        plot::style_mesh(&mut chart, x_desc, "correct digits (LRE)")?;
        for (slope, label) in [(1.0f64, "16 − log₁₀ κ"), (2.0, "16 − 2·log₁₀ κ")] {
            let ends = [0.0, (16.0 / slope).min(x_max)];
            chart
                .draw_series(LineSeries::new(ends.map(|k| (k, 16.0 - slope * k)), palette::GRID.mix(1.0).stroke_width(3)))?
                .label(format!("rule of thumb: {label}"))
                .legend(plot::line_glyph(RGBColor(170, 170, 170), 3));
        }
        for (m, (label, colour)) in styles.iter().enumerate() {
            let pts: Vec<(f64, f64)> = points.iter().filter_map(|(k, l)| l[m].map(|v| (*k, v))).collect();
            if pts.is_empty() {
                continue;
            }
            let colour = *colour;
            let marker = move |(k, v): (f64, f64)| -> DynElement<_, _> {
                match m {
                    0 => Circle::new((k, v), 6, colour.stroke_width(2)).into_dyn(),
                    1 => TriangleMarker::new((k, v), 7, colour.filled()).into_dyn(),
                    2 => Circle::new((k, v), 4, colour.filled()).into_dyn(),
                    _ => Cross::new((k, v), 5, colour.stroke_width(2)).into_dyn(),
                }
            };
            chart.draw_series(pts.iter().map(|&p| marker(p)))?.label(*label).legend(move |(x, y)| {
                let glyph: DynElement<_, _> = match m {
                    0 => Circle::new((x + 11, y), 6, colour.stroke_width(2)).into_dyn(),
                    1 => TriangleMarker::new((x + 11, y), 7, colour.filled()).into_dyn(),
                    2 => Circle::new((x + 11, y), 4, colour.filled()).into_dyn(),
                    _ => Cross::new((x + 11, y), 5, colour.stroke_width(2)).into_dyn(),
                };
                glyph
            });
        }
        plot::draw_legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn every_nist_set_meets_its_stated_floor() {
        let rows = nist_rows().unwrap();
        assert_eq!(rows.len(), LRE_FLOORS.len());
        for (row, (name, floors)) in rows.iter().zip(LRE_FLOORS) {
            assert_eq!(row.name, name);
            for (m, floor) in Method::ALL.iter().zip(floors) {
                if let Some(floor) = floor {
                    let got = row.lre[*m as usize].unwrap_or(0.0);
                    assert!(got >= floor, "{name} {m}: LRE {got:.2} < {floor}");
                }
            }
        }
        let get = |name: &str, m: Method| rows.iter().find(|r| r.name == name).unwrap().lre[m as usize];
        // The normal equations are visibly worse where κ is large: at least two digits
        // behind QR on Longley and Wampler1, and no answer at all on Filip.
        for name in ["Longley", "Wampler1", "Wampler3", "Wampler4"] {
            assert!(get(name, Method::Qr).unwrap() - get(name, Method::Normal).unwrap() >= 2.0, "{name}");
        }
        assert!(get("Filip", Method::Normal).is_none());
    }

    #[test]
    fn closed_forms_and_gradient_descent_agree_on_paris() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap();
        // κ(X) ≈ 10² here, so every closed form keeps ≥ 12 digits and they agree to 1e-12.
        assert!(v("closed_max_rel_diff") < 1e-12, "{}", v("closed_max_rel_diff"));
        assert!(v("gd_max_rel_diff") < 1e-11, "{}", v("gd_max_rel_diff"));
        let (w, b) = crate::stats::least_squares(&d.x, &d.y);
        assert!((v("w_qr") - w).abs() < 1e-12 * w.abs() && (v("b_qr") - b).abs() < 1e-11 * b.abs());
    }

    #[test]
    fn shifting_x_costs_the_normal_equations_twice_the_digits() {
        let rows = shift_rows(&data::paris_rents(data::BOOK_SEED)).unwrap();
        for s in &rows {
            let digits = s.kappa.log10();
            let qr = s.lre[Method::Qr as usize].unwrap();
            // QR loses about log₁₀ κ digits (plus one for slack); normal about twice that.
            assert!(qr >= 15.0 - digits - 1.5, "offset {}: qr {qr}", s.offset);
            if let Some(normal) = s.lre[Method::Normal as usize] {
                assert!(normal <= (16.0 - 2.0 * digits).max(0.0) + 2.0, "offset {}: normal {normal}", s.offset);
            }
        }
        let last = rows.last().unwrap();
        assert!(last.lre[Method::Normal as usize].is_none_or(|l| l < 2.0));
        assert!(last.lre[Method::Qr as usize].unwrap() > 4.0);
    }

    #[test]
    fn constant_x_is_refused() {
        let d = Dataset::new(vec![3.0, 3.0, 3.0], vec![1.0, 2.0, 3.0]).unwrap();
        let msg = build(&d).unwrap_err().to_string();
        assert!(msg.contains("rank-deficient") && msg.contains("constant"), "{msg}");
    }
}
