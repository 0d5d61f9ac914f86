//! Least squares in closed form: design matrices, and four ways to solve for θ.
//!
//! Coefficients are ordered as the columns of the design matrix X; with an intercept
//! it comes first (θ = (b, w) for a line, (B0, B1, …) for the NIST data sets).

use std::fmt;
use std::str::FromStr;

use nalgebra::{DMatrix, DVector};

use crate::ddouble;
use crate::error::{Error, Result};
use crate::refine;
use crate::stats;

/// How to solve the least-squares problem min ‖Xθ − y‖².
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// w = cov(x, y)/var(x), b = ȳ − w·x̄: simple regression only.
    CovVar,
    /// (XᵀX)θ = Xᵀy, solved by Cholesky.
    Normal,
    /// Householder QR of X: Rθ = Qᵀy.
    Qr,
    /// Singular value decomposition of X: θ = V Σ⁻¹ Uᵀy.
    Svd,
    /// QR, then iterative refinement with residuals in double-double ([`crate::refine`]).
    Refined,
}

impl Method {
    pub const ALL: [Method; 5] = [Method::CovVar, Method::Normal, Method::Qr, Method::Svd, Method::Refined];

    pub fn name(self) -> &'static str {
        match self {
            Method::CovVar => "covvar",
            Method::Normal => "normal",
            Method::Qr => "qr",
            Method::Svd => "svd",
            Method::Refined => "refined",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = Error;
    fn from_str(s: &str) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| Error::Data(format!("unknown method `{s}` (expected covvar, normal, qr, svd or refined)")))
    }
}

// ANCHOR: design
/// The design matrix of a model linear in its coefficients: one row per observation,
/// a first column of ones when `intercept`, then one column per predictor.
pub fn design(predictors: &[Vec<f64>], intercept: bool) -> DMatrix<f64> {
    let n = predictors.first().map_or(0, Vec::len);
    let offset = usize::from(intercept);
    DMatrix::from_fn(n, predictors.len() + offset, |i, j| {
        if j < offset { 1.0 } else { predictors[j - offset][i] }
    })
}

/// Polynomial features x, x², …, x^degree (and a column of ones when `intercept`).
pub fn polynomial(x: &[f64], degree: usize, intercept: bool) -> DMatrix<f64> {
    let x: Vec<ddouble::Dd> = x.iter().map(|&v| ddouble::Dd::new(v)).collect();
    polynomial_exact(&x, degree, intercept).0
}
// ANCHOR_END: design

/// The polynomial design as hi + tail: each power xᵏ is computed in double-double, hi is
/// it rounded to f64 and tail what the rounding lost. `v.powi(k)` would round k − 1 times;
/// for Filip's x¹⁰ those few ulps already move the exact solution in its eighth digit.
/// x itself may be a double-double (a decimal read exactly, [`ddouble::parse_decimal`]).
pub fn polynomial_exact(x: &[ddouble::Dd], degree: usize, intercept: bool) -> (DMatrix<f64>, DMatrix<f64>) {
    let powers: Vec<Vec<ddouble::Dd>> = x.iter().map(|&v| ddouble::powers(v, degree)).collect();
    // A normalised double-double's hi is its value rounded to f64, lo the remainder.
    let column = |part: fn(&ddouble::Dd) -> f64| -> Vec<Vec<f64>> {
        (0..degree).map(|k| powers.iter().map(|p| part(&p[k])).collect()).collect()
    };
    let hi = design(&column(|d| d.hi), intercept);
    let mut tail = design(&column(|d| d.lo), intercept);
    if intercept {
        tail.column_mut(0).fill(0.0);
    }
    (hi, tail)
}

/// Condition number κ(X) = σmax/σmin of a matrix (∞ when σmin is 0).
pub fn condition_number(x: &DMatrix<f64>) -> f64 {
    let s = x.clone().svd(false, false).singular_values;
    s.max() / s.min()
}

/// κ of X after the column scaling [`fit`] applies: the conditioning the solvers face.
pub fn scaled_condition_number(x: &DMatrix<f64>) -> f64 {
    condition_number(&equilibrate(x).0)
}

/// Every column scaled by the power of two nearest its norm. Multiplying by a power of
/// two is exact in binary floating point, so this rescaling adds no rounding error; it
/// only keeps columns of very different sizes (1 and x¹⁰) from drowning each other.
pub(crate) fn equilibrate(x: &DMatrix<f64>) -> (DMatrix<f64>, Vec<f64>) {
    let scales: Vec<f64> = x
        .column_iter()
        .map(|c| {
            let norm = c.norm();
            if norm > 0.0 && norm.is_finite() { 2f64.powi(-(norm.log2().round() as i32)) } else { 1.0 }
        })
        .collect();
    let mut scaled = x.clone();
    for (mut c, s) in scaled.column_iter_mut().zip(&scales) {
        c *= *s;
    }
    (scaled, scales)
}

/// Relative size below which a singular value of the equilibrated X counts as zero:
/// far above rounding noise (≈ 1e-16) for genuinely collinear columns, far below the
/// smallest σ of the hardest NIST set (Filip).
pub const RANK_TOLERANCE: f64 = 1e-13;

/// Checks that X has full column rank, naming the culprit when it does not: a fit of
/// a rank-deficient X has infinitely many solutions, and any one we printed would be
/// an arbitrary pick, not "the" answer.
pub fn check_full_rank(x: &DMatrix<f64>) -> Result<()> {
    let names: Vec<String> = (1..=x.ncols()).map(|j| format!("column {j}")).collect();
    check_full_rank_named(x, &names)
}

/// [`check_full_rank`] with the columns' names (as `fit` knows them) in the messages.
pub fn check_full_rank_named(x: &DMatrix<f64>, names: &[String]) -> Result<()> {
    let (n, p) = x.shape();
    let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("column {}", j + 1));
    if p == 0 {
        return Err(Error::Data("the model has no coefficients".into()));
    }
    if n < p {
        return Err(Error::Data(format!("need at least {p} rows to fit {p} coefficients, got {n}")));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::Data(format!("row {} of {} holds a value that is not finite", i % n + 1, name(i / n))));
    }
    let col = |j: usize| x.column(j);
    for j in 0..p {
        if col(j).iter().all(|&v| v == 0.0) {
            return Err(Error::RankDeficient(format!("{} is all zeros", name(j))));
        }
    }
    for j in 0..p {
        for k in j + 1..p {
            // Exactly proportional columns: c·col(j) = col(k), c read off the largest entry.
            let i = col(j).iamax();
            let c = col(k)[i] / col(j)[i];
            if col(j).iter().zip(col(k).iter()).all(|(a, b)| (c * a - b).abs() <= 1e-14 * b.abs().max(1e-300)) {
                let what = if col(j).iter().all(|&v| v == col(j)[0]) {
                    format!("{} and {} are both constant (a constant x duplicates the intercept)", name(j), name(k))
                } else {
                    format!("{} is a multiple of {}", name(k), name(j))
                };
                return Err(Error::RankDeficient(what));
            }
        }
    }
    let svd = equilibrate(x).0.svd(false, true);
    let s = &svd.singular_values;
    if s.min() <= RANK_TOLERANCE * s.max() {
        // The right singular vector of σmin gives the combination Σ vⱼ·colⱼ ≈ 0: the
        // columns with a sizeable weight in it are the ones that depend on each other.
        let involved = svd.v_t.as_ref().map_or(String::new(), |v_t| {
            let row = v_t.row(s.imin());
            let big = row.amax();
            let cols: Vec<String> = (0..p).filter(|&j| row[j].abs() > 0.1 * big).map(name).collect();
            format!(" ({})", cols.join(", "))
        });
        return Err(Error::RankDeficient(format!(
            "the columns are linearly dependent{involved}: smallest/largest singular value = {:.1e}",
            s.min() / s.max()
        )));
    }
    Ok(())
}

// ANCHOR: fit
/// The least-squares coefficients θ minimising ‖Xθ − y‖², by the chosen method.
/// Refuses a rank-deficient X instead of returning one of its many solutions.
pub fn fit(method: Method, x: &DMatrix<f64>, y: &[f64]) -> Result<Vec<f64>> {
    if x.nrows() != y.len() {
        return Err(Error::Data(format!("X has {} rows but y has {} values", x.nrows(), y.len())));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::Data(format!("row {} holds a value that is not finite", i + 1)));
    }
    check_full_rank(x)?;
    if method == Method::CovVar {
        return cov_var(x, y);
    }
    let (xs, scales) = equilibrate(x);
    let yv = DVector::from_column_slice(y);
    let theta = match method {
        Method::Normal => normal_equations(&xs, &yv),
        Method::Qr => qr(&xs, &yv),
        Method::Svd => svd(&xs, &yv),
        Method::Refined => Ok(DVector::from_vec(refine::solve(&xs, None, y, None, false)?.theta)),
        Method::CovVar => unreachable!("handled above"),
    }?;
    Ok(theta.iter().zip(&scales).map(|(t, s)| t * s).collect())
}
// ANCHOR_END: fit

/// Everything a regression table needs from a solver: θ, the residual r = y − Xθ and
/// (XᵀX)⁻¹, each computed the way the method computes it.
#[derive(Debug, Clone)]
pub struct Solution {
    pub method: Method,
    pub theta: Vec<f64>,
    pub residual: Vec<f64>,
    pub xtx_inv: DMatrix<f64>,
    /// Refinement steps (0 for the plain methods).
    pub steps: usize,
    /// Whether the residual sums may be accumulated in double-double (refined only).
    pub extended: bool,
}

/// Solves least squares and computes what standard errors need. `tail` is the part of
/// an exact design that f64 could not hold ([`polynomial_exact`]); only `refined` uses it:
/// the plain methods see the f64 design, as any double-precision library would.
/// `y_tail` likewise holds what f64 lost of y (a decimal like 0.11019 has no exact f64).
pub fn solve(
    method: Method,
    x: &DMatrix<f64>,
    tail: Option<&DMatrix<f64>>,
    y: &[f64],
    y_tail: Option<&[f64]>,
) -> Result<Solution> {
    if method != Method::Refined {
        let theta = fit(method, x, y)?;
        let pred = x * DVector::from_column_slice(&theta);
        let residual: Vec<f64> = y.iter().zip(pred.iter()).map(|(a, b)| a - b).collect();
        let xtx_inv = plain_xtx_inv(method, x)?;
        return Ok(Solution { method, theta, residual, xtx_inv, steps: 0, extended: false });
    }
    if x.nrows() != y.len() {
        return Err(Error::Data(format!("X has {} rows but y has {} values", x.nrows(), y.len())));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::Data(format!("row {} holds a value that is not finite", i + 1)));
    }
    check_full_rank(x)?;
    let (xs, scales) = equilibrate(x);
    let ts = tail.map(|t| {
        let mut t = t.clone();
        for (mut c, s) in t.column_iter_mut().zip(&scales) {
            c *= *s;
        }
        t
    });
    let r = refine::solve(&xs, ts.as_ref(), y, y_tail, true)?;
    Ok(Solution {
        method,
        theta: r.theta.iter().zip(&scales).map(|(t, s)| t * s).collect(),
        residual: r.residual,
        xtx_inv: unscale(r.xtx_inv.expect("asked for"), &scales),
        steps: r.steps,
        extended: true,
    })
}

/// (XᵀX)⁻¹ = S (XₛᵀXₛ)⁻¹ S for Xₛ = XS, S the diagonal of power-of-two column scales.
fn unscale(mut m: DMatrix<f64>, scales: &[f64]) -> DMatrix<f64> {
    let p = scales.len();
    for i in 0..p {
        for j in 0..p {
            m[(i, j)] *= scales[i] * scales[j];
        }
    }
    m
}

/// (XᵀX)⁻¹ the way each plain method would compute it: from the Cholesky factor of
/// XᵀX, from R (R⁻¹R⁻ᵀ), from the SVD (VΣ⁻²Vᵀ), or for cov/var from Sxx.
fn plain_xtx_inv(method: Method, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
    let p = x.ncols();
    if method == Method::CovVar {
        let xs: Vec<f64> = x.column(1).iter().copied().collect();
        let n = xs.len() as f64;
        let mean = stats::mean(&xs);
        let sxx: f64 = xs.iter().map(|v| (v - mean) * (v - mean)).sum();
        // For [1 | x]: (XᵀX)⁻¹ = [1/n + x̄²/Sxx, −x̄/Sxx; −x̄/Sxx, 1/Sxx].
        return Ok(DMatrix::from_row_slice(2, 2, &[
            1.0 / n + mean * mean / sxx,
            -mean / sxx,
            -mean / sxx,
            1.0 / sxx,
        ]));
    }
    let (xs, scales) = equilibrate(x);
    let singular = || Error::RankDeficient("XᵀX is singular in floating point".into());
    let inv = match method {
        Method::Normal => (xs.transpose() * &xs).cholesky().ok_or_else(singular)?.inverse(),
        Method::Qr => {
            let r = xs.clone().qr().r();
            let r_inv = r.solve_upper_triangular(&DMatrix::identity(p, p)).ok_or_else(singular)?;
            &r_inv * r_inv.transpose()
        }
        Method::Svd => {
            let svd = xs.clone().svd(false, true);
            let v_t = svd.v_t.ok_or_else(singular)?;
            let mut w = v_t.transpose();
            for (mut c, s) in w.column_iter_mut().zip(svd.singular_values.iter()) {
                c /= *s;
            }
            &w * w.transpose()
        }
        Method::CovVar | Method::Refined => unreachable!("handled above"),
    };
    Ok(unscale(inv, &scales))
}

fn cov_var(x: &DMatrix<f64>, y: &[f64]) -> Result<Vec<f64>> {
    if x.ncols() != 2 || x.column(0).iter().any(|&v| v != 1.0) {
        return Err(Error::Data(
            "covvar fits a line only (an intercept and one x); use normal, qr or svd".into(),
        ));
    }
    let xs: Vec<f64> = x.column(1).iter().copied().collect();
    let (w, b) = stats::least_squares(&xs, y);
    Ok(vec![b, w])
}

// ANCHOR: solvers
/// Normal equations: form XᵀX (this squares the condition number), then Cholesky.
fn normal_equations(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<DVector<f64>> {
    let xtx = x.transpose() * x;
    let xty = x.transpose() * y;
    let chol = xtx.cholesky().ok_or_else(|| {
        Error::Data("the normal equations failed: XᵀX is singular in floating point, κ(XᵀX) = κ(X)² is beyond 1/ε (use qr or svd)".into())
    })?;
    Ok(chol.solve(&xty))
}

/// Householder QR: X = QR, so ‖Xθ − y‖ = ‖Rθ − Qᵀy‖ (Q preserves lengths) and
/// Rθ = (Qᵀy)[..p] by back substitution. Qᵀ is applied as reflections, never formed.
fn qr(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<DVector<f64>> {
    let p = x.ncols();
    let qr = x.clone().qr();
    let mut qty = y.clone();
    qr.q_tr_mul(&mut qty);
    let r = qr.r();
    r.solve_upper_triangular(&qty.rows(0, p).into_owned())
        .ok_or_else(|| Error::RankDeficient("R has a zero on its diagonal".into()))
}

/// SVD: X = UΣVᵀ, θ = V Σ⁻¹ Uᵀy.
fn svd(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<DVector<f64>> {
    let svd = x.clone().svd(true, true);
    svd.solve(y, 0.0).map_err(|e| Error::Data(format!("SVD failed: {e}")))
}
// ANCHOR_END: solvers

/// Log relative error, the number of correct significant digits of `estimate`:
/// −log10(|estimate − certified| / |certified|), the absolute error when the certified
/// value is 0, capped at 15 (f64 holds about 15.95 digits).
pub fn lre(estimate: f64, certified: f64) -> f64 {
    let err = if certified == 0.0 {
        (estimate - certified).abs()
    } else {
        ((estimate - certified) / certified).abs()
    };
    if !err.is_finite() {
        return 0.0;
    }
    if err == 0.0 { 15.0 } else { (-err.log10()).clamp(0.0, 15.0) }
}

/// Mean squared error and R² of the fitted values Xθ (R² is NaN when y is constant).
pub fn mse_r2(x: &DMatrix<f64>, y: &[f64], theta: &[f64]) -> (f64, f64) {
    let pred = x * DVector::from_column_slice(theta);
    let n = y.len() as f64;
    let sse: f64 = y.iter().zip(pred.iter()).map(|(a, b)| (a - b) * (a - b)).sum();
    let sst = stats::variance(y) * n;
    (sse / n, if sst > 0.0 { 1.0 - sse / sst } else { f64::NAN })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: &[f64]) -> DMatrix<f64> {
        design(&[x.to_vec()], true)
    }

    #[test]
    fn every_method_recovers_an_exact_line() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y: Vec<f64> = x.iter().map(|v| 3.0 * v - 1.0).collect();
        for m in Method::ALL {
            let t = fit(m, &line(&x), &y).unwrap();
            assert!((t[0] + 1.0).abs() < 1e-13 && (t[1] - 3.0).abs() < 1e-13, "{m}: {t:?}");
        }
    }

    #[test]
    fn small_fit_by_hand() {
        // x = (1, 2, 3, 4), y = (2.1, 3.9, 6.2, 7.8): Sxy = 9.7, Sxx = 5 → w = 1.94, b = 0.15.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [2.1, 3.9, 6.2, 7.8];
        for m in Method::ALL {
            let t = fit(m, &line(&x), &y).unwrap();
            assert!((t[0] - 0.15).abs() < 1e-12 && (t[1] - 1.94).abs() < 1e-12, "{m}: {t:?}");
        }
        let (mse, r2) = mse_r2(&line(&x), &y, &[0.15, 1.94]);
        // Residuals 0.01, −0.13, 0.23, −0.11: SSE = 0.082; deviations from ȳ = 5: SST = 18.9.
        assert!((mse - 0.0205).abs() < 1e-12 && (r2 - (1.0 - 0.082 / 18.9)).abs() < 1e-12);
    }

    #[test]
    fn polynomial_design_has_powers() {
        let x = polynomial(&[2.0, 3.0], 3, true);
        assert_eq!(x.row(0).iter().copied().collect::<Vec<_>>(), [1.0, 2.0, 4.0, 8.0]);
        assert_eq!(polynomial(&[2.0], 2, false).ncols(), 2);
    }

    #[test]
    fn rank_deficiency_is_a_clear_error_for_every_method() {
        let constant = line(&[5.0, 5.0, 5.0]);
        let twice = design(&[vec![1.0, 2.0, 4.0], vec![2.0, 4.0, 8.0]], true);
        let sum = design(&[vec![1.0, 2.0, 4.0, 7.0], vec![3.0, 1.0, 2.0, 2.0], vec![4.0, 3.0, 6.0, 9.0]], false);
        let zeros = design(&[vec![0.0, 0.0, 0.0]], true);
        let y3 = [1.0, 2.0, 3.0];
        for m in Method::ALL {
            for (x, y, expected) in [
                (&constant, &y3[..], "both constant"),
                (&twice, &y3[..], "column 3 is a multiple of column 2"),
                (&zeros, &y3[..], "all zeros"),
                (&sum, &[1.0, 2.0, 3.0, 4.0][..], "linearly dependent"),
            ] {
                let msg = fit(m, x, y).unwrap_err().to_string();
                assert!(msg.contains("rank-deficient") && msg.contains(expected), "{m}: {msg}");
                assert!(!msg.contains('\n'));
            }
        }
        let few = fit(Method::Qr, &polynomial(&[1.0, 2.0], 2, true), &[1.0, 2.0]).unwrap_err();
        assert!(few.to_string().contains("need at least 3 rows"), "{few}");
    }

    #[test]
    fn covvar_refuses_more_than_a_line() {
        let x = polynomial(&[1.0, 2.0, 3.0, 4.0], 2, true);
        let msg = fit(Method::CovVar, &x, &[1.0, 2.0, 0.0, 5.0]).unwrap_err().to_string();
        assert!(msg.contains("covvar fits a line only"), "{msg}");
    }

    #[test]
    fn lre_counts_digits() {
        assert_eq!(lre(1.0, 1.0), 15.0);
        assert!((lre(1.001, 1.0) - 3.0).abs() < 1e-9);
        assert!((lre(1e-7, 0.0) - 7.0).abs() < 1e-9);
        assert_eq!(lre(5.0, 1.0), 0.0);
        assert_eq!(lre(f64::NAN, 1.0), 0.0);
    }
}
