//! Chapter 10 — closed-form least squares, and how many digits each method keeps.

use nalgebra::{DMatrix, DVector};
use plotters::prelude::*;

pub const ABOUT: &str =
    "Chapter 10: closed-form least squares (cov/var, normal equations, QR, SVD), their accuracy on the NIST StRD sets.";

use crate::data::Dataset;
use crate::error::Result;
use crate::linalg::{self, Method};
use crate::nist;
use crate::gd;
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_sci, fmt_sig};

/// Gradient descent settings for the comparison: standardized data, η = 0.1, stop when
/// the standardized gradient is below 1e-13.
pub const GD_LR: f64 = 0.1;
pub const GD_TOL: f64 = 1e-13;
pub const GD_MAX_ITERATIONS: usize = 10_000;

/// Offsets added to x in the conditioning experiment: 10⁰ … 10⁹ m².
pub const OFFSET_POWERS: std::ops::RangeInclusive<i32> = 0..=9;

/// Most rows the conditioning experiment fits: it solves 51 least-squares problems (five
/// methods at each offset, and the reference), about six seconds at 10⁶ rows for a table
/// that measures the offset, not n. Larger data sets are shifted on a seeded random sample
/// of this many rows ([`crate::data::seeded_sample`]), and the table says so.
pub const SHIFT_MAX_ROWS: usize = 20_000;

// ANCHOR: floors
/// The minimum LRE (correct digits, over every certified value: coefficients, their
/// standard deviations, residual sd, R² and the ANOVA table) the tests demand of each
/// method on each set, for (normal, qr, svd, refined); `None`: the method fails on the
/// set. Each floor sits a fraction of a digit below the measured value; the table beside
/// it shows both, and the margins.
pub const LRE_FLOORS: [(&str, [Option<f64>; 4]); 11] = [
    ("Norris", [Some(12.0), Some(13.0), Some(12.0), Some(13.5)]),
    ("Pontius", [Some(12.0), Some(13.5), Some(11.5), Some(13.3)]),
    ("NoInt1", [Some(14.3), Some(14.3), Some(14.3), Some(14.3)]),
    ("NoInt2", [Some(14.3), Some(14.3), Some(14.3), Some(14.3)]),
    ("Filip", [None, Some(7.0), Some(8.0), Some(13.8)]),
    ("Longley", [Some(8.0), Some(10.5), Some(10.5), Some(14.4)]),
    ("Wampler1", [Some(6.5), Some(9.0), Some(8.5), Some(14.4)]),
    ("Wampler2", [Some(9.0), Some(12.5), Some(12.5), Some(13.0)]),
    ("Wampler3", [Some(6.5), Some(9.0), Some(8.5), Some(14.3)]),
    ("Wampler4", [Some(6.5), Some(8.5), Some(7.5), Some(14.3)]),
    ("Wampler5", [Some(6.5), Some(6.5), Some(5.5), Some(14.1)]),
];
// ANCHOR_END: floors

/// The refined method with the file's decimals read exactly must reach this many digits
/// on every certified value of every set (the table's last column shows the measured).
pub const DECIMAL_FLOOR: f64 = 14.2;

/// Methods scored on the NIST sets, in table order.
pub const NIST_METHODS: [Method; 4] = [Method::Normal, Method::Qr, Method::Svd, Method::Refined];

/// The versions of the outside tools whose correct digits the book quotes: one place, used
/// by the reference table, the figure's legend and the figure's alt text (`reference_tools`).
macro_rules! numpy {
    () => {
        "numpy 2.4"
    };
}
macro_rules! statsmodels {
    () => {
        "statsmodels 0.15"
    };
}

/// Correct digits of other tools on these files, measured elsewhere (reported in the
/// project's issue 13; not computed by this book): (set, tool, min LRE of the coefficients).
pub const REFERENCE: [(&str, &str, f64); 5] = [
    ("Filip", concat!(numpy!(), " lstsq (LAPACK gelsd, default rcond)"), 0.0),
    ("Filip", concat!("Householder QR (", numpy!(), " / ", statsmodels!(), ")"), 8.0),
    ("Longley", concat!(numpy!(), " lstsq / ", statsmodels!(), " OLS"), 10.9),
    ("Wampler5", concat!(numpy!(), " lstsq / ", statsmodels!(), " OLS"), 5.8),
    ("Pontius", concat!(numpy!(), " lstsq (LAPACK gelsd, default rcond)"), 6.3),
];

/// κ(X) = σmax/σmin of a design whose σmin is too small for an SVD of X itself: an f64
/// SVD finds σmin only to within about ε·σmax, which on Filip's raw powers (σmin ≈
/// 6·10⁻¹⁶ σmax) moves even its second digit. Here σmin = 1/‖X⁺‖₂ with X⁺ = S·Xₛ⁺ from the
/// well-scaled Xₛ = X·S (S the diagonal of power-of-two column scales, exact), whose pseudo-inverse an
/// SVD gets to about κ(Xₛ)·ε; the largest singular value of each factor is accurate.
pub fn condition_number_via_scaling(x: &DMatrix<f64>) -> f64 {
    let (xs, scales) = linalg::equilibrate(x);
    let svd = xs.svd(true, true);
    let (u, v) = (svd.u.expect("U was requested"), svd.v_t.expect("Vᵀ was requested").transpose());
    // Xₛ⁺ = V Σ⁻¹ Uᵀ; then row j times scale j gives X⁺.
    let mut pinv = v * DMatrix::from_diagonal(&svd.singular_values.map(|s| 1.0 / s)) * u.transpose();
    for (j, s) in scales.iter().enumerate() {
        pinv.row_mut(j).scale_mut(*s);
    }
    let sigma_max = x.clone().singular_values().max();
    sigma_max * pinv.singular_values().max()
}

/// One data set's result.
#[derive(Debug, Clone)]
pub struct NistRow {
    pub name: String,
    pub n: usize,
    pub p: usize,
    /// κ(X) of the raw design ([`condition_number_via_scaling`]) and after the
    /// power-of-two column scaling.
    pub kappa_raw: f64,
    pub kappa: f64,
    /// Per method of [`NIST_METHODS`]: the scores (`None` when the method refuses).
    pub scores: [Option<nist::Score>; 4],
    /// The refined method on the file's decimals read to double-double.
    pub decimal: nist::Score,
    /// Min LRE of the coefficients: QR without column scaling, and an SVD truncated at
    /// numpy's default cutoff σ < ε·max(n, p)·σmax on the raw design.
    pub raw_qr: f64,
    pub truncated_svd: f64,
    /// Singular values the truncation rule drops.
    pub truncated: usize,
    /// The same truncated SVD after the power-of-two column scaling (θ scaled back).
    pub truncated_svd_scaled: f64,
    pub truncated_scaled: usize,
}

impl NistRow {
    /// Minimum LRE over every certified value, per method (`None`: refused).
    pub fn min(&self) -> [Option<f64>; 4] {
        self.scores.each_ref().map(|s| s.as_ref().map(nist::Score::min))
    }
}

fn min_coefficient_lre(theta: &[f64], certified: &[f64]) -> f64 {
    theta.iter().zip(certified).map(|(e, c)| linalg::lre(*e, *c)).fold(15.0, f64::min)
}

// ANCHOR: lstsq_rule
/// θ from the SVD of the raw X with singular values below ε·max(n, p)·σmax treated as
/// zero: the default of numpy's `lstsq` (LAPACK gelsd). Returns θ and how many values
/// were dropped. Dropping one turns "solve" into "solve a different, smaller model".
pub fn truncated_svd(x: &DMatrix<f64>, y: &[f64]) -> (Vec<f64>, usize) {
    let svd = x.clone().svd(true, true);
    let cutoff = f64::EPSILON * x.nrows().max(x.ncols()) as f64 * svd.singular_values.max();
    let dropped = svd.singular_values.iter().filter(|s| **s <= cutoff).count();
    let theta = svd.solve(&DVector::from_column_slice(y), cutoff).map_or_else(|_| vec![f64::NAN; x.ncols()], |t| t.iter().copied().collect());
    (theta, dropped)
}
// ANCHOR_END: lstsq_rule

/// Householder QR of the raw design, no column scaling.
fn raw_qr(x: &DMatrix<f64>, y: &[f64]) -> Vec<f64> {
    let qr = x.clone().qr();
    let mut qty = DVector::from_column_slice(y);
    qr.q_tr_mul(&mut qty);
    qr.r().solve_upper_triangular(&qty.rows(0, x.ncols()).into_owned())
        .map_or_else(|| vec![f64::NAN; x.ncols()], |t| t.iter().copied().collect())
}

/// Fits every NIST set with every method and scores every certified value.
pub fn nist_rows() -> Result<Vec<NistRow>> {
    let mut rows = Vec::new();
    for set in nist::all()? {
        let x = set.design();
        let scores = NIST_METHODS.map(|m| nist::score(&set, m, false).ok());
        let (theta, truncated) = truncated_svd(&x, &set.y);
        let (xs, scales) = linalg::equilibrate(&x);
        let (theta_s, truncated_scaled) = truncated_svd(&xs, &set.y);
        let theta_s: Vec<f64> = theta_s.iter().zip(&scales).map(|(t, s)| t * s).collect();
        rows.push(NistRow {
            name: set.name.clone(),
            n: x.nrows(),
            p: x.ncols(),
            kappa_raw: condition_number_via_scaling(&x),
            kappa: linalg::scaled_condition_number(&x),
            scores,
            decimal: nist::score(&set, Method::Refined, true)?,
            raw_qr: min_coefficient_lre(&raw_qr(&x, &set.y), &set.certified),
            truncated_svd: min_coefficient_lre(&theta, &set.certified),
            truncated,
            truncated_svd_scaled: min_coefficient_lre(&theta_s, &set.certified),
            truncated_scaled,
        });
    }
    Ok(rows)
}

/// The shift experiment: slope LRE of each method when x is moved by `offset`.
#[derive(Debug, Clone)]
pub struct ShiftRow {
    pub offset: f64,
    pub kappa: f64,
    pub lre: [Option<f64>; 5],
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
        table.push_str(&format!("| {name} | {w:.12} | {b:.10} | {mse:.6} | {} | {} |\n", fmt_sci(dw, 2), fmt_sci(db, 2)));
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
    let shifted = crate::data::seeded_sample(d, SHIFT_MAX_ROWS)?;
    let shifts = shift_rows(&shifted)?;
    let mut table = String::from(
        "| offset added to x (m²) | κ(X), scaled | κ(XᵀX) | covvar | normal | qr | svd | refined |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in &shifts {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            fmt_sci(s.offset, 1),
            kappa_cell(s.kappa),
            kappa_cell(s.kappa * s.kappa),
            s.lre.map(cell).join(" | ")
        ));
    }
    table += &crate::data::sample_note(shifted.len(), d.len());
    r.file("ch10-shift-lre.md", table);
    let at = |k: usize, m: usize| shifts.get(k).and_then(|s| s.lre[m]).unwrap_or(0.0);
    let k6 = 6usize.min(shifts.len() - 1);
    r.number("shift_kappa_1e6", shifts[k6].kappa, 2);
    r.number("shift_normal_lre_1e6", at(k6, 1), 2).number("shift_qr_lre_1e6", at(k6, 2), 3);
    r.number("shift_covvar_lre_1e6", at(k6, 0), 3);
    let first_fail = shifts.iter().find(|s| s.lre[1].is_none_or(|l| l < 1.0));
    r.number("shift_normal_fails_at", first_fail.map_or(0.0, |s| s.offset), 1);
    // What is left there: fewer than one correct digit (0 when the method refused).
    r.number("shift_normal_lre_at_fail", first_fail.and_then(|s| s.lre[1]).unwrap_or(0.0), 1);
    r.number("shift_qr_lre_at_fail", first_fail.and_then(|s| s.lre[2]).unwrap_or(0.0), 2);
    r.number("shift_refined_lre_min", shifts.iter().filter_map(|s| s.lre[4]).fold(15.0, f64::min), 3);
    // Cov/var and refined together: the two that keep their digits at every offset.
    let kept = shifts.iter().flat_map(|s| [s.lre[0], s.lre[4]]).map(|l| l.unwrap_or(0.0)).fold(15.0, f64::min);
    r.number("shift_covvar_refined_lre_min", kept, 3);

    // NIST StRD: correct digits of every method on every certified value.
    let rows = nist_rows()?;
    nist_section(&mut r, &rows)?;

    let shift_points: Vec<_> = shifts.iter().map(|s| (s.kappa.log10(), s.lre)).collect();
    plot::figure(&mut r, "ch10-shift-lre", |frame| {
        lre_figure("Shifting x: the normal equations lose twice the digits", "log₁₀ κ(X) of the shifted design (columns scaled)", &shift_points, frame)
    })?;
    plot::figure(&mut r, "ch10-nist-lre", |frame| nist_figure(&rows, frame))?;

    let summary = format!(
        "least squares on {} points: w = {} €/m², b = {} € (QR); the closed forms agree to {:.1e}, \
         gradient descent to {:.1e}\nNIST StRD, minimum correct digits over every certified value \
         (normal/qr/svd/refined):\n{}",
        d.len(),
        fmt_sig(w_ref, 6),
        fmt_sig(b_ref, 6),
        closed_diff,
        gd_diff,
        rows.iter()
            .map(|row| format!("  {:9} {}\n", row.name, row.min().map(cell).join(" / ")))
            .collect::<String>()
    );
    Ok((r, summary))
}

fn floors_of(name: &str) -> [Option<f64>; 4] {
    LRE_FLOORS.iter().find(|(n, _)| *n == name).map_or([None; 4], |(_, f)| *f)
}

/// The NIST tables and the numbers the prose quotes.
fn nist_section(r: &mut Report, rows: &[NistRow]) -> Result<()> {
    // Summary: one row per set, the worst LRE over every certified value.
    let mut table = String::from(
        "| data set | n | p | κ(X) raw | κ(X) scaled | normal | qr | svd | refined | steps | refined, decimal data | floor tested (normal / qr / svd / refined) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    let mut margins: Vec<f64> = Vec::new();
    for row in rows {
        let floors = floors_of(&row.name);
        for (got, floor) in row.min().iter().zip(floors) {
            if let (Some(g), Some(f)) = (got, floor) {
                margins.push(g - f);
            }
        }
        let steps = row.scores[3].as_ref().map_or(0, |s| s.refinement_steps);
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} | {} |\n",
            row.name,
            row.n,
            row.p,
            kappa_cell(row.kappa_raw),
            kappa_cell(row.kappa),
            row.min().map(cell).join(" | "),
            steps,
            row.decimal.min(),
            floors.map(|f| f.map_or("—".into(), |v| format!("{v:.1}"))).join(" / ")
        ));
        let key = row.name.to_lowercase();
        r.number(&format!("kappa_{key}"), row.kappa, 2).number_sci(&format!("kappa_raw_{key}"), row.kappa_raw, 3);
        for (m, v) in NIST_METHODS.iter().zip(row.min()) {
            if let Some(v) = v {
                r.number(&format!("lre_{key}_{}", m.name()), v, 3);
            }
        }
        r.number(&format!("lre_{key}_decimal"), row.decimal.min(), 3);
        r.number(&format!("lre_{key}_decimal_coefficients"), row.decimal.min_of(nist::STATISTICS[0].1), 3);
        r.integer(&format!("steps_{key}"), steps as i64);
        r.number(&format!("lre_{key}_raw_qr"), row.raw_qr, 2);
        r.number(&format!("lre_{key}_truncated_svd"), row.truncated_svd, 2);
    }
    r.file("ch10-nist-lre.md", table);
    let margin_min = margins.iter().copied().fold(f64::INFINITY, f64::min);
    let margin_max = margins.iter().copied().fold(0.0, f64::max);
    r.number("floor_margin_min", margin_min, 2).number("floor_margin_max", margin_max, 2);
    r.number("decimal_floor", DECIMAL_FLOOR, 3);

    // Every certified statistic: one row per set and method, one column per group.
    let mut table = String::from(
        "| data set | method | coef. | sd | res. sd | R² | df | SS | MS | F |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut refined_min = f64::INFINITY;
    let (mut anova_refined_min, mut anova_decimal_min) = (f64::INFINITY, f64::INFINITY);
    for row in rows {
        let labelled = NIST_METHODS
            .iter()
            .map(|m| m.name().to_string())
            .zip(row.scores.iter().map(Option::as_ref))
            .chain([("refined, decimal data".to_string(), Some(&row.decimal))]);
        for (method, score) in labelled {
            let Some(score) = score else { continue };
            let cells: Vec<String> = nist::STATISTICS
                .iter()
                .map(|(_, group)| {
                    let v = score.min_of(*group);
                    if v.is_finite() { format!("{v:.1}") } else { "—".into() }
                })
                .collect();
            table.push_str(&format!("| {} | {method} | {} |\n", row.name, cells.join(" | ")));
        }
        if let Some(s) = &row.scores[3] {
            refined_min = refined_min.min(s.min());
            anova_refined_min = anova_refined_min.min(s.min_anova());
        }
        anova_decimal_min = anova_decimal_min.min(row.decimal.min_anova());
    }
    // The plain methods on the ANOVA table: every set but Filip, and Filip's QR and SVD.
    let plain = |row: &NistRow| row.scores[..3].iter().flatten().map(nist::Score::min_anova).fold(f64::INFINITY, f64::min);
    let but_filip = rows.iter().filter(|r| r.name != "Filip").map(plain).fold(f64::INFINITY, f64::min);
    r.number("lre_anova_plain_min_but_filip", but_filip, 3);
    if let Some(filip) = rows.iter().find(|r| r.name == "Filip") {
        for (k, m) in [(1, "qr"), (2, "svd")] {
            if let Some(s) = &filip.scores[k] {
                r.number(&format!("lre_filip_anova_{m}"), s.min_anova(), 2);
            }
        }
    }
    r.number("lre_anova_refined_min", anova_refined_min, 3);
    r.number("lre_anova_decimal_min", anova_decimal_min, 3);
    r.file("ch10-nist-statistics.md", table);
    r.number("lre_refined_min", refined_min, 3);
    let decimal_min = rows.iter().map(|r| r.decimal.min()).fold(f64::INFINITY, f64::min);
    r.number("lre_decimal_min", decimal_min, 3);
    let steps_max = rows.iter().filter_map(|r| r.scores[3].as_ref()).map(|s| s.refinement_steps).max().unwrap_or(0);
    r.integer("steps_max", steps_max as i64);

    // Scaling and numpy's truncation rule.
    let mut table = String::from(
        "| data set | κ(X) raw | κ(X) scaled | QR, raw columns | QR, scaled columns | SVD truncated at ε·max(n, p)·σmax, raw columns | values dropped | the same, scaled columns | values dropped |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let qr_coef = row.scores[1].as_ref().map(|s| s.min_of(nist::STATISTICS[0].1));
        table.push_str(&format!(
            "| {} | {} | {} | {:.1} | {} | {:.1} | {} | {:.1} | {} |\n",
            row.name,
            kappa_cell(row.kappa_raw),
            kappa_cell(row.kappa),
            row.raw_qr,
            cell(qr_coef),
            row.truncated_svd,
            row.truncated,
            row.truncated_svd_scaled,
            row.truncated_scaled
        ));
        let key = row.name.to_lowercase();
        r.number(&format!("lre_{key}_truncated_svd_scaled"), row.truncated_svd_scaled, 2);
        r.number(&format!("lre_{key}_qr_coefficients"), qr_coef.unwrap_or(0.0), 2);
    }
    r.file("ch10-scaling.md", table);
    let filip = rows.iter().find(|r| r.name == "Filip").expect("Filip is one of the NIST files");
    // The same κ from an SVD of the raw powers: its σmin is at rounding level.
    let filip_set = nist::all()?.into_iter().find(|s| s.name == "Filip").expect("Filip is one of the NIST files");
    r.number_sci("kappa_raw_filip_direct", linalg::condition_number(&filip_set.design()), 2);
    // How far apart the methods are on the through-the-origin sets.
    let spread = rows
        .iter()
        .filter(|r| r.name.starts_with("NoInt"))
        .map(|r| {
            let m: Vec<f64> = r.min().iter().flatten().copied().collect();
            m.iter().copied().fold(f64::NEG_INFINITY, f64::max) - m.iter().copied().fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max);
    r.number("noint_spread", spread, 1);
    r.integer("filip_truncated", filip.truncated as i64);
    r.number_sci("lstsq_cutoff_filip", f64::EPSILON * filip.n.max(filip.p) as f64, 2);
    r.number_sci("filip_sigma_ratio", 1.0 / filip.kappa_raw, 2);

    // Reference marks measured elsewhere, as a table with their provenance.
    let mut table = String::from("| data set | tool (version) | min LRE of the coefficients |\n|---|---|---:|\n");
    for (set, tool, lre) in REFERENCE {
        table.push_str(&format!("| {set} | {tool} | {lre:.1} |\n"));
    }
    r.file("ch10-reference.md", table);
    r.text("reference_tools", concat!(numpy!(), " and ", statsmodels!()));
    Ok(())
}

/// LRE per set for normal / QR / SVD / refined, with the tools measured elsewhere as
/// hollow reference marks.
fn nist_figure(rows: &[NistRow], frame: Frame) -> Result<String> {
    let styles = [
        ("normal equations", palette::ORANGE),
        ("QR (Householder)", palette::SKY),
        ("SVD", palette::INK),
        ("refined (QR + double-double)", palette::TRUE),
    ];
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let labels: Vec<&str> =
        styles.iter().map(|s| s.0).chain([concat!(numpy!(), " / ", statsmodels!(), " (reference)")]).collect();
    plot::render(frame.size((800, 560), 640), |root| -> DrawResult {
        let area = plot::title(root, "NIST StRD: worst correct digits over every certified value")?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            // On a phone the data sets' names stand upright, each in its own column.
            .x_label_area_size(frame.px(60, 105))
            .y_label_area_size(60)
            .build_cartesian_2d(-0.6..(rows.len() as f64 - 0.4), -0.5..16.5)?;
        let x_label_style = if frame.is_narrow() {
            plot::label_style().transform(FontTransform::Rotate270).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Center,
            ))
        } else {
            plot::label_style()
        };
        chart
            .configure_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 { names.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
            })
            .y_label_formatter(&|v| plot::tick(*v))
            .x_desc("data set (NIST order of difficulty)")
            .y_desc("correct digits (LRE)")
            .label_style(plot::label_style())
            .x_label_style(x_label_style)
            .axis_desc_style(plot::axis_desc_style())
            .y_labels(9)
            .light_line_style(palette::GRID.mix(0.0))
            .bold_line_style(palette::GRID)
            .disable_x_mesh()
            .draw()?;
        for (m, (label, colour)) in styles.iter().enumerate() {
            let colour = *colour;
            // Side by side within a set, so equal values stay visible.
            let dx = (m as f64 - 1.5) * 0.15;
            let pts: Vec<(f64, f64)> =
                rows.iter().enumerate().filter_map(|(i, r)| r.min()[m].map(|v| (i as f64 + dx, v))).collect();
            let marker = move |(k, v): (f64, f64), at: Option<(i32, i32)>| -> DynElement<_, _> {
                let _ = at;
                match m {
                    0 => TriangleMarker::new((k, v), 7, colour.filled()).into_dyn(),
                    1 => Circle::new((k, v), 5, colour.filled()).into_dyn(),
                    2 => Cross::new((k, v), 5, colour.stroke_width(2)).into_dyn(),
                    _ => Rectangle::new([(k - 0.06, v - 0.12), (k + 0.06, v + 0.12)], colour.filled()).into_dyn(),
                }
            };
            chart.draw_series(pts.iter().map(|&p| marker(p, None)))?.label(*label).legend(move |(x, y)| {
                let glyph: DynElement<_, _> = match m {
                    0 => TriangleMarker::new((x + 11, y), 7, colour.filled()).into_dyn(),
                    1 => Circle::new((x + 11, y), 5, colour.filled()).into_dyn(),
                    2 => Cross::new((x + 11, y), 5, colour.stroke_width(2)).into_dyn(),
                    _ => Rectangle::new([(x + 6, y - 5), (x + 16, y + 5)], colour.filled()).into_dyn(),
                };
                glyph
            });
        }
        let refs: Vec<(f64, f64)> = REFERENCE
            .iter()
            .filter_map(|(set, _, lre)| rows.iter().position(|r| r.name == *set).map(|i| (i as f64 + 0.3, *lre)))
            .collect();
        chart
            .draw_series(refs.iter().map(|&p| Circle::new(p, 7, palette::PURPLE.stroke_width(2))))?
            .label(labels[labels.len() - 1])
            .legend(|(x, y)| Circle::new((x + 11, y), 7, palette::PURPLE.stroke_width(2)));
        let marks: Vec<(f64, f64)> = rows
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.min().into_iter().enumerate().filter_map(move |(m, v)| v.map(|v| (i as f64 + (m as f64 - 1.5) * 0.15, v))))
            .chain(refs.iter().copied())
            .collect();
        let each: Vec<&[(f64, f64)]> = marks.chunks(1).collect();
        plot::legend(&mut chart, &area, frame, &each, &labels)?;
        Ok(())
    })
}

/// Correct digits (LRE) per method against log₁₀ κ, with the rule-of-thumb lines
/// 16 − log₁₀ κ (a backward-stable solver) and 16 − 2·log₁₀ κ (normal equations).
fn lre_figure(title: &str, x_desc: &str, points: &[(f64, [Option<f64>; 5])], frame: Frame) -> Result<String> {
    let x_max = points.iter().map(|p| p.0).fold(1.0, f64::max).ceil() + 0.5;
    let styles = [
        ("covvar: cov(x,y)/var(x)", palette::PURPLE),
        ("normal equations", palette::ORANGE),
        ("QR (Householder)", palette::SKY),
        ("SVD", palette::INK),
        ("refined", palette::TRUE),
    ];
    let mut labels = vec!["rule of thumb: 16 − log₁₀ κ", "rule of thumb: 16 − 2·log₁₀ κ"];
    labels.extend(styles.iter().map(|s| s.0));
    plot::render(frame.size(plot::SIZE, 560), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.2..x_max, 0.0..16.5)?;
        plot::style_mesh(&mut chart, x_desc, "correct digits (LRE)")?;
        // The two rules of thumb: one grey (3:1 on white), told apart by solid and dashed strokes.
        let rule_grey = palette::GREY;
        let mut drawn: Vec<Vec<(f64, f64)>> = Vec::new();
        for (slope, label) in [(1.0f64, "16 − log₁₀ κ"), (2.0, "16 − 2·log₁₀ κ")] {
            let ends = [0.0, (16.0 / slope).min(x_max)].map(|k| (k, 16.0 - slope * k));
            let label = format!("rule of thumb: {label}");
            if slope == 1.0 {
                chart
                    .draw_series(LineSeries::new(ends, rule_grey.stroke_width(3)))?
                    .label(label)
                    .legend(plot::line_glyph(rule_grey, 3));
            } else {
                chart
                    .draw_series(DashedLineSeries::new(ends, 8, 5, rule_grey.stroke_width(3)))?
                    .label(label)
                    .legend(move |(x, y)| {
                        // Three dashes, as the series draws them (8 px on, 5 px off).
                        let dash = |a: i32| PathElement::new(vec![(a, 0), (a + 6, 0)], rule_grey.stroke_width(3));
                        EmptyElement::at((x, y)) + dash(0) + dash(8) + dash(16)
                    });
            }
            drawn.push(ends.to_vec());
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
                    3 => Cross::new((k, v), 5, colour.stroke_width(2)).into_dyn(),
                    _ => Circle::new((k, v), 9, colour.stroke_width(2)).into_dyn(),
                }
            };
            chart.draw_series(pts.iter().map(|&p| marker(p)))?.label(*label).legend(move |(x, y)| {
                let glyph: DynElement<_, _> = match m {
                    0 => Circle::new((x + 11, y), 6, colour.stroke_width(2)).into_dyn(),
                    1 => TriangleMarker::new((x + 11, y), 7, colour.filled()).into_dyn(),
                    2 => Circle::new((x + 11, y), 4, colour.filled()).into_dyn(),
                    3 => Cross::new((x + 11, y), 5, colour.stroke_width(2)).into_dyn(),
                    _ => Circle::new((x + 11, y), 9, colour.stroke_width(2)).into_dyn(),
                };
                glyph
            });
        }
        for m in 0..styles.len() {
            drawn.push(points.iter().filter_map(|(k, l)| l[m].map(|v| (*k, v))).collect());
        }
        // Rule lines as lines, markers one by one.
        let series: Vec<&[(f64, f64)]> =
            drawn[..2].iter().map(|v| v.as_slice()).chain(drawn[2..].iter().flat_map(|v| v.chunks(1))).collect();
        plot::legend(&mut chart, &area, frame, &series, &labels)?;
        Ok(())
    })
}

/// A condition number in a table, to two digits: plain below 1000, else × 10ᵏ.
fn kappa_cell(kappa: f64) -> String {
    if kappa < 1000.0 { fmt_sig(kappa, 2) } else { fmt_sci(kappa, 2) }
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
            for ((m, got), floor) in NIST_METHODS.iter().zip(row.min()).zip(floors) {
                match floor {
                    Some(floor) => {
                        let got = got.unwrap_or(0.0);
                        assert!(got >= floor, "{name} {m}: LRE {got:.2} < {floor}");
                    }
                    None => assert!(got.is_none(), "{name} {m}: expected a refusal"),
                }
            }
            // The goal: ≥ 13 digits on every certified value, with the data as f64.
            assert!(row.min()[3].unwrap() >= 13.0, "{name}");
            // With the decimals read exactly, at least DECIMAL_FLOOR everywhere.
            assert!(row.decimal.min() >= DECIMAL_FLOOR, "{name}: {}", row.decimal.min());
            // On the coefficients never below plain QR. (On the ANOVA table both can meet
            // the rounding of NIST's 15 printed digits: NoInt2's mean square.)
            let coefficients = nist::STATISTICS[0].1;
            let qr = row.scores[1].as_ref().unwrap().min_of(coefficients);
            assert!(row.decimal.min_of(coefficients) >= qr, "{name}");
            // Refinement stops within a few steps.
            let steps = row.scores[3].as_ref().unwrap().refinement_steps;
            assert!((1..=4).contains(&steps), "{name}: {steps} steps");
        }
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
