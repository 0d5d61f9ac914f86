//! Least squares to the last digit: QR, then iterative refinement of the augmented
//! system with residuals in double-double (Björck's method).
//!
//! The least-squares solution θ and its residual r = y − Xθ together solve
//!
//! ```text
//! [ I   X ] [ r ]   [ y ]
//! [ Xᵀ  0 ] [ θ ] = [ 0 ]
//! ```
//!
//! (the first row defines r, the second says r is orthogonal to the columns of X).
//! Refining this system, rather than the normal equations XᵀXθ = Xᵀy, converges at a rate
//! about κ(X)·ε per step, not κ(X)²·ε, and it handles large residuals (the Wamplers).
//! The same machinery, with right-hand side (0, −eⱼ), gives column j of (XᵀX)⁻¹: the
//! covariance the standard errors need, to the same accuracy.

use nalgebra::{DMatrix, DVector};

use crate::ddouble::{self, Dd};
use crate::error::{Error, Result};

/// At most this many correction steps per solve; the loop normally stops after two or
/// three, when the correction stops shrinking.
pub const MAX_STEPS: usize = 10;

/// A refined least-squares solution, for the design the caller passed (already scaled).
#[derive(Debug, Clone)]
pub struct Refined {
    pub theta: Vec<f64>,
    /// r = y − Xθ as the refinement converged on it (not recomputed from the rounded θ).
    pub residual: Vec<f64>,
    /// (XᵀX)⁻¹, refined column by column (`None` when not asked for).
    pub xtx_inv: Option<DMatrix<f64>>,
    /// Correction steps applied to θ after the first QR solve.
    pub steps: usize,
}

/// X as hi + tail: the f64 design and what rounding it to f64 lost (zero for data
/// columns, the low parts of the powers of a polynomial).
struct Exact<'a> {
    hi: &'a DMatrix<f64>,
    tail: Option<&'a DMatrix<f64>>,
}

/// The right-hand side b as hi + tail, like X.
#[derive(Clone, Copy)]
struct Rhs<'a> {
    hi: &'a [f64],
    tail: Option<&'a [f64]>,
}

impl Exact<'_> {
    /// b − c − Xθ, row by row, in double-double (rounded to f64 at the end).
    fn first_block(&self, b: Rhs, c: &[f64], theta: &[f64]) -> Vec<f64> {
        let mut acc: Vec<Dd> = b.hi.iter().zip(c).map(|(bi, ci)| Dd::new(*bi) + (-ci)).collect();
        if let Some(t) = b.tail {
            acc.iter_mut().zip(t).for_each(|(a, t)| *a = *a + *t);
        }
        // Column by column: X is stored column-major.
        for (j, column) in self.hi.column_iter().enumerate() {
            let tail = self.tail.map(|t| t.column(j));
            for (i, a) in acc.iter_mut().enumerate() {
                let (prod, err) = ddouble::two_prod(column[i], -theta[j]);
                *a = *a + Dd { hi: prod, lo: err };
                if let Some(t) = &tail {
                    *a = *a + -(t[i] * theta[j]);
                }
            }
        }
        acc.into_iter().map(Dd::to_f64).collect()
    }

    /// d − Xᵀr, column by column, in double-double.
    fn second_block(&self, d: &[f64], r: &[f64]) -> Vec<f64> {
        let (n, p) = self.hi.shape();
        (0..p)
            .map(|j| {
                let mut acc = ddouble::dot(self.hi.column(j).iter().copied(), r.iter().map(|v| -v)) + d[j];
                if let Some(t) = self.tail {
                    acc = acc + -(0..n).map(|i| t[(i, j)] * r[i]).sum::<f64>();
                }
                acc.to_f64()
            })
            .collect()
    }
}

/// Thin QR of X, reused for every correction.
struct Factor {
    q: DMatrix<f64>,
    r: DMatrix<f64>,
}

// ANCHOR: correction
impl Factor {
    /// Solves the augmented system for a correction: [I X; Xᵀ 0][dr; dθ] = [f; g].
    /// With X = Q₁R: h = R⁻ᵀg, d₁ = Q₁ᵀf, dθ = R⁻¹(d₁ − h) and dr = Q₁h + (f − Q₁d₁).
    /// Check: dr + Xdθ = Q₁h + f − Q₁d₁ + Q₁(d₁ − h) = f, and Xᵀdr = Rᵀh = g.
    fn correction(&self, f: &[f64], g: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
        let f = DVector::from_column_slice(f);
        let h = self.r.tr_solve_upper_triangular(&DVector::from_column_slice(g))?;
        let d1 = self.q.tr_mul(&f);
        let dtheta = self.r.solve_upper_triangular(&(&d1 - &h))?;
        let dr = &self.q * h + (f - &self.q * d1);
        Some((dtheta.iter().copied().collect(), dr.iter().copied().collect()))
    }
}
// ANCHOR_END: correction

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Refines (r, θ) for the right-hand side (b, d) until the correction stops shrinking;
/// returns the number of corrections applied.
fn refine(x: &Exact, factor: &Factor, b: Rhs, d: &[f64], r: &mut [f64], theta: &mut [f64]) -> Result<usize> {
    let mut previous = f64::INFINITY;
    for step in 0..MAX_STEPS {
        let f = x.first_block(b, r, theta);
        let g = x.second_block(d, r);
        let (dtheta, dr) = factor
            .correction(&f, &g)
            .ok_or_else(|| Error::RankDeficient("R has a zero on its diagonal".into()))?;
        // Relative size of the correction: to θ, and to r measured against the data.
        let scale_r = max_abs(r).max(max_abs(b.hi) * f64::EPSILON).max(f64::MIN_POSITIVE);
        let size = (max_abs(&dtheta) / max_abs(theta).max(f64::MIN_POSITIVE)).max(max_abs(&dr) / scale_r);
        if !size.is_finite() {
            return Err(Error::Data("iterative refinement diverged: the design is too ill-conditioned".into()));
        }
        // A correction no smaller than half the last one is noise, not progress: stop
        // without applying it (applying noise could only make θ worse).
        if size >= 0.5 * previous {
            return Ok(step);
        }
        for (t, dt) in theta.iter_mut().zip(&dtheta) {
            *t += dt;
        }
        for (v, dv) in r.iter_mut().zip(&dr) {
            *v += dv;
        }
        if size <= f64::EPSILON {
            return Ok(step + 1);
        }
        previous = size;
    }
    Ok(MAX_STEPS)
}

/// Least squares for the design `hi` (+ `tail`, the part of the exact design that f64
/// could not hold), refined to working precision. The caller checks the rank first.
/// `y_tail`, likewise, is what f64 could not hold of y.
/// With `covariance`, (XᵀX)⁻¹ too (p more refined solves: most of the cost).
pub fn solve(
    hi: &DMatrix<f64>,
    tail: Option<&DMatrix<f64>>,
    y: &[f64],
    y_tail: Option<&[f64]>,
    covariance: bool,
) -> Result<Refined> {
    let (n, p) = hi.shape();
    let qr = hi.clone().qr();
    let factor = Factor { q: qr.q(), r: qr.r() };
    let x = Exact { hi, tail };

    // Start from plain QR: θ₀ = R⁻¹Q₁ᵀy, r₀ = 0; the first correction supplies r.
    let mut theta = vec![0.0; p];
    let mut r = vec![0.0; n];
    let (t0, r0) = factor
        .correction(y, &vec![0.0; p])
        .ok_or_else(|| Error::RankDeficient("R has a zero on its diagonal".into()))?;
    theta.copy_from_slice(&t0);
    r.copy_from_slice(&r0);
    let steps = refine(&x, &factor, Rhs { hi: y, tail: y_tail }, &vec![0.0; p], &mut r, &mut theta)?;

    if !covariance {
        return Ok(Refined { theta, residual: r, xtx_inv: None, steps });
    }
    // (XᵀX)⁻¹ eⱼ solves [I X; Xᵀ 0][s; c] = [0; −eⱼ]: then s = −Xc and −XᵀXc = −eⱼ.
    let zeros = vec![0.0; n];
    let mut xtx_inv = DMatrix::zeros(p, p);
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = -1.0;
        let (mut c, mut s) =
            factor.correction(&zeros, &e).ok_or_else(|| Error::RankDeficient("R has a zero on its diagonal".into()))?;
        refine(&x, &factor, Rhs { hi: &zeros, tail: None }, &e, &mut s, &mut c)?;
        xtx_inv.set_column(j, &DVector::from_column_slice(&c));
    }
    Ok(Refined { theta, residual: r, xtx_inv: Some(xtx_inv), steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_line_needs_no_refinement_and_has_zero_residual() {
        let x = DMatrix::from_row_slice(4, 2, &[1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0]);
        let y = [2.0, 5.0, 8.0, 11.0]; // y = 3x − 1
        let s = solve(&x, None, &y, None, true).unwrap();
        let xtx_inv = s.xtx_inv.clone().unwrap();
        assert_eq!(s.theta, [-1.0, 3.0]);
        assert!(max_abs(&s.residual) == 0.0, "{:?}", s.residual);
        // XᵀX = [4 10; 10 30], det 20: inverse [1.5 −0.5; −0.5 0.2].
        for (got, want) in xtx_inv.iter().zip([1.5, -0.5, -0.5, 0.2]) {
            assert!((got - want).abs() < 1e-15, "{xtx_inv}");
        }
    }

    #[test]
    fn a_large_residual_problem_refines_to_the_hand_solution() {
        // x = 1..4, y = (2.1, 3.9, 6.2, 7.8): b = 0.15, w = 1.94, residuals
        // (0.01, −0.13, 0.23, −0.11) — by hand, Sxy = 9.7, Sxx = 5.
        let x = DMatrix::from_row_slice(4, 2, &[1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0]);
        let s = solve(&x, None, &[2.1, 3.9, 6.2, 7.8], None, false).unwrap();
        assert!(s.xtx_inv.is_none());
        assert!((s.theta[0] - 0.15).abs() < 1e-15 && (s.theta[1] - 1.94).abs() < 1e-15, "{:?}", s.theta);
        for (got, want) in s.residual.iter().zip([0.01, -0.13, 0.23, -0.11]) {
            assert!((got - want).abs() < 1e-15, "{:?}", s.residual);
        }
    }
}
