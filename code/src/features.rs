//! Several features: the mean squared error over an intercept and k weights as a
//! quadratic, its eigen-directions named by feature, and gradient descent on it.
//!
//! With X = [1, x₁, …, x_k] (n rows), L(θ) = (1/n)‖Xθ − y‖², so the Hessian is the
//! constant H = (2/n)XᵀX and, with e = θ − θ*, L(θ) − L* = ½ eᵀHe and ∇L = He. One
//! gradient-descent step is e ← (I − ηH)e: each eigen-direction of H shrinks by its own
//! factor |1 − ηλ|, exactly as chapter 4 found for w and b. Everything here costs O(k²)
//! per step after one O(nk²) pass, so a run of a million steps is instant.

use std::path::Path;

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use crate::error::{Error, Result};
use crate::linalg::{self, Method};
use crate::gd::Reach;
use crate::stats;
use crate::table::{CsvOptions, read_table};

/// Named columns and a target: a regression problem before any rescaling.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
    pub y: Vec<f64>,
}

/// How the columns are presented to gradient descent. The fitted line is the same in
/// every case; only the coordinates the optimizer walks in change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Raw,
    /// x − x̄ for every column: the intercept decouples from the weights.
    Centred,
    /// (x − x̄)/s with the population s: every column has variance 1.
    Standardized,
    /// Standardized, then rotated and rescaled so that the columns are uncorrelated
    /// with variance 1 (whitening): every direction has the same curvature.
    Decorrelated,
}

impl Scale {
    pub const ALL: [Scale; 4] = [Scale::Raw, Scale::Centred, Scale::Standardized, Scale::Decorrelated];

    pub fn name(self) -> &'static str {
        match self {
            Scale::Raw => "raw",
            Scale::Centred => "centred",
            Scale::Standardized => "standardized",
            Scale::Decorrelated => "decorrelated",
        }
    }
}

impl Features {
    pub fn new(names: Vec<String>, columns: Vec<Vec<f64>>, y: Vec<f64>) -> Result<Features> {
        if names.len() != columns.len() || columns.is_empty() {
            return Err(Error::Data("need one name per feature column, and at least one column".into()));
        }
        if columns.iter().any(|c| c.len() != y.len()) {
            return Err(Error::Data("every feature column needs as many rows as y".into()));
        }
        if y.len() <= columns.len() + 1 {
            return Err(Error::Data(format!(
                "need more rows than coefficients: {} rows, {} coefficients",
                y.len(),
                columns.len() + 1
            )));
        }
        Ok(Features { names, columns, y })
    }

    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// The columns `x` (at least one name) and `y` of a CSV file, through the one CSV
    /// reader (`table::read_table`) and the checks every binary makes (`data::check_scale`).
    /// `y` defaults to the column `y`, else the first numeric column not among `x` (its name
    /// is the second value); the third is then a note for stderr saying which column was taken. Errors, one
    /// line each: an empty or repeated name, y among the features, a missing column (the
    /// message lists the numeric ones), a constant column, fewer rows than coefficients.
    pub fn read(path: &Path, x: &[String], y: Option<&str>, opts: &CsvOptions) -> Result<(Features, String, Option<String>)> {
        if x.iter().any(|n| n.trim().is_empty()) {
            return Err(Error::Data(format!("--x `{}` has an empty column name; separate names with single commas", x.join(","))));
        }
        for (i, a) in x.iter().enumerate() {
            if x[..i].iter().any(|b| b.eq_ignore_ascii_case(a)) {
                return Err(Error::Data(format!("column `{a}` is named twice in --x")));
            }
        }
        let table = read_table(path, opts)?;
        let bad = |e: Error| match e {
            Error::Data(message) => Error::Csv { path: path.to_path_buf(), message },
            other => other,
        };
        let columns: Vec<Vec<f64>> = x.iter().map(|n| table.column(n).map(<[f64]>::to_vec)).collect::<Result<_>>().map_err(bad)?;
        let (y_name, note) = match y {
            Some(name) => (name.to_string(), None),
            None if table.names.iter().any(|n| n == "y") => ("y".to_string(), None),
            None => {
                let free = table.names.iter().find(|n| !x.iter().any(|c| c.eq_ignore_ascii_case(n)));
                let name = free.ok_or_else(|| bad(Error::Data(format!("no numeric column left for y besides {}", x.join(", ")))))?;
                (name.clone(), Some(format!("note: using column `{name}` as y; choose with --y")))
            }
        };
        if let Some(dup) = x.iter().find(|c| c.eq_ignore_ascii_case(&y_name)) {
            return Err(Error::Data(format!("column `{dup}` is both y and a feature")));
        }
        let y = table.column(&y_name).map_err(bad)?.to_vec();
        for (name, column) in x.iter().zip(&columns).chain([(&y_name, &y)]) {
            crate::data::check_scale(&format!("column `{name}`"), column)?;
            if let Some(&first) = column.first()
                && column.iter().all(|&v| v == first)
            {
                let why = if name == &y_name { "the best fit is flat and there is nothing to learn" } else { "it has no direction to learn (it duplicates the intercept)" };
                return Err(Error::Data(format!("column `{name}` is constant (every value is {first}): {why}")));
            }
        }
        Ok((Features::new(x.to_vec(), columns, y)?, y_name, note))
    }

    /// The same problem with its columns rescaled as `scale` says (y untouched, so every
    /// loss below is in the unit of y² and comparable across scales).
    pub fn rescaled(&self, scale: Scale) -> Result<Features> {
        let centred = || -> Vec<Vec<f64>> {
            self.columns.iter().map(|c| {
                let m = stats::mean(c);
                c.iter().map(|v| v - m).collect()
            }).collect()
        };
        let standardized = || -> Result<Vec<Vec<f64>>> {
            self.columns.iter().zip(&self.names).map(|(c, name)| {
                let (m, s) = (stats::mean(c), stats::std_dev(c));
                if s == 0.0 {
                    return Err(Error::Data(format!("column `{name}` is constant: it has no direction to learn")));
                }
                Ok(c.iter().map(|v| (v - m) / s).collect())
            }).collect()
        };
        let columns = match scale {
            Scale::Raw => self.columns.clone(),
            Scale::Centred => centred(),
            Scale::Standardized => standardized()?,
            Scale::Decorrelated => {
                // Z = S U Λ^(−1/2), with SᵀS/n = U Λ Uᵀ the correlation matrix: ZᵀZ/n = I.
                let s = standardized()?;
                let n = self.rows();
                let sm = DMatrix::from_fn(n, s.len(), |i, j| s[j][i]);
                let corr = sm.transpose() * &sm / n as f64;
                let eig = SymmetricEigen::new(corr);
                if eig.eigenvalues.iter().any(|&l| l <= 1e-12) {
                    return Err(Error::Data("the columns are linearly dependent: there is no direction to decorrelate".into()));
                }
                let w = &eig.eigenvectors * DMatrix::from_diagonal(&eig.eigenvalues.map(|l| 1.0 / l.sqrt()));
                let z = sm * w;
                (0..z.ncols()).map(|j| z.column(j).iter().copied().collect()).collect()
            }
        };
        let names = match scale {
            Scale::Decorrelated => (1..=self.columns.len()).map(|k| format!("z{k}")).collect(),
            _ => self.names.clone(),
        };
        Ok(Features { names, columns, y: self.y.clone() })
    }

    /// The design [1, x₁, …, x_k].
    pub fn design(&self) -> DMatrix<f64> {
        linalg::design(&self.columns, true)
    }

    /// The correlation of two columns.
    pub fn correlation(&self, a: usize, b: usize) -> f64 {
        let (ca, cb) = (&self.columns[a], &self.columns[b]);
        let (ma, mb) = (stats::mean(ca), stats::mean(cb));
        let cov: f64 = ca.iter().zip(cb).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = ca.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = cb.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va * vb).sqrt()
    }
}

/// One eigen-direction of H: its curvature and its unit vector over
/// (intercept, w₁, …, w_k).
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    pub curvature: f64,
    pub vector: Vec<f64>,
}

// ANCHOR: loss_quadratic
/// The loss of a [`Features`] problem as a quadratic around its minimum.
#[derive(Debug, Clone)]
pub struct Loss {
    /// "intercept", then the feature names.
    pub names: Vec<String>,
    /// H = (2/n) XᵀX.
    pub h: DMatrix<f64>,
    /// The least-squares θ* (QR), intercept first.
    pub theta_star: DVector<f64>,
    /// L(θ*), the mean squared residual at the minimum.
    pub l_star: f64,
    /// L(0): the loss of the line that predicts 0, where every run starts.
    pub l_zero: f64,
    /// Eigen-directions, flattest first.
    pub directions: Vec<Direction>,
}

impl Loss {
    pub fn new(f: &Features) -> Result<Loss> {
        let x = f.design();
        let n = f.rows() as f64;
        linalg::check_full_rank_named(&x, &std::iter::once("intercept".to_string()).chain(f.names.iter().map(|s| format!("column `{s}`"))).collect::<Vec<_>>())?;
        let h = x.transpose() * &x * (2.0 / n);
        let solution = linalg::solve(Method::Qr, &x, None, &f.y, None)?;
        let l_star = solution.residual.iter().map(|r| r * r).sum::<f64>() / n;
        let l_zero = f.y.iter().map(|v| v * v).sum::<f64>() / n;
        // The eigen-directions of H = (2/n)XᵀX from the SVD of X: λ = 2σ²/n with V's columns.
        // An eigen-solver of XᵀX loses every λ below 10⁻¹⁶ λmax (it squares κ first); the
        // SVD keeps them to 10⁻¹⁶ of σmax, so κ up to 10³² still comes out positive.
        let svd = x.clone().svd(false, true);
        let v_t = svd.v_t.as_ref().expect("the SVD was asked for V");
        let mut directions: Vec<Direction> = (0..svd.singular_values.len())
            .map(|k| {
                let v: Vec<f64> = v_t.row(k).iter().copied().collect();
                // A sign convention, so the tables do not flip with the solver: the largest
                // component is positive, and of components equal in size up to rounding
                // ((1, −1)/√2 for two standardized features) the first one.
                let big = v.iter().fold(0.0f64, |m, c| m.max(c.abs()));
                let first = v.iter().copied().find(|c| c.abs() >= big * (1.0 - 1e-9)).unwrap_or(1.0);
                let sign = if first < 0.0 { -1.0 } else { 1.0 };
                let s = svd.singular_values[k];
                Direction { curvature: 2.0 * s * s / n, vector: v.iter().map(|c| sign * c).collect() }
            })
            .collect();
        directions.sort_by(|a, b| a.curvature.total_cmp(&b.curvature));
        let names = std::iter::once("intercept".to_string()).chain(f.names.iter().cloned()).collect();
        Ok(Loss { names, h, theta_star: DVector::from_vec(solution.theta), l_star, l_zero, directions })
    }

    pub fn lambda_min(&self) -> f64 {
        self.directions[0].curvature
    }

    pub fn lambda_max(&self) -> f64 {
        self.directions[self.directions.len() - 1].curvature
    }

    /// κ = λmax/λmin: how many times steeper the steepest direction is than the flattest.
    pub fn kappa(&self) -> f64 {
        self.lambda_max() / self.lambda_min()
    }

    /// The fixed step with the best worst-case shrink, 2/(λmax + λmin).
    pub fn best_rate(&self) -> f64 {
        2.0 / (self.lambda_max() + self.lambda_min())
    }

    /// max |1 − ηλ| over the directions: the worst shrink of the error per step.
    pub fn worst_shrink(&self, eta: f64) -> f64 {
        self.directions.iter().map(|d| (1.0 - eta * d.curvature).abs()).fold(0.0, f64::max)
    }

    /// Steps after which the excess loss L − L* is at most `ratio` times its start, for
    /// any start: the excess is a sum of squares each shrinking by (1 − ηλ)² per step.
    /// `None` when some direction does not shrink (ηλ ≥ 2, or η = 0).
    pub fn predicted_steps(&self, eta: f64, ratio: f64) -> Option<f64> {
        let rho = self.worst_shrink(eta);
        (rho < 1.0).then(|| (ratio.ln() / (2.0 * rho.ln())).ceil().max(0.0))
    }

    /// L(θ) − L* = ½ (θ − θ*)ᵀ H (θ − θ*).
    pub fn excess(&self, theta: &DVector<f64>) -> f64 {
        let e = theta - &self.theta_star;
        0.5 * e.dot(&(&self.h * &e))
    }
}
// ANCHOR_END: loss_quadratic

/// A run whose excess loss passes this multiple of its start has diverged.
pub const DIVERGED: f64 = 1e12;

impl Loss {
    /// ∇L(θ) = H(θ − θ*): the vector (2/n)Xᵀ(Xθ − y) a framework computes, in O(k²).
    pub fn gradient(&self, theta: &DVector<f64>) -> DVector<f64> {
        &self.h * (theta - &self.theta_star)
    }

    /// The components of θ − θ* along each direction (flattest first).
    pub fn components(&self, theta: &DVector<f64>) -> Vec<f64> {
        let e = theta - &self.theta_star;
        self.directions.iter().map(|d| d.vector.iter().zip(e.iter()).map(|(a, b)| a * b).sum()).collect()
    }

    /// Steps from `start` at rate `eta` until ‖θ − θ*‖ ≤ `tol`, predicted from the
    /// eigen-components: ‖θₜ − θ*‖² = Σ cᵢ² (1 − ηλᵢ)^(2t) falls monotonically, so the
    /// first t below tol² is found by doubling then bisection. `None` when a direction with
    /// a component does not shrink (|1 − ηλ| ≥ 1) or the count passes 10¹⁸.
    pub fn predicted_steps_to(&self, start: &DVector<f64>, eta: f64, tol: f64) -> Option<u64> {
        let terms: Vec<(f64, f64)> = self
            .components(start)
            .iter()
            .zip(&self.directions)
            .map(|(c, d)| {
                // ln|1 − ηλ| from ηλ itself: 1 − ηλ rounds to 1 in f64 when ηλ < 10⁻¹⁶ (the
                // flat direction of Longley's raw columns), and ln_1p keeps it.
                let x = eta * d.curvature;
                let ln = if x < 1.0 { (-x).ln_1p() } else { (x - 1.0).ln() };
                (c * c, ln)
            })
            .collect();
        if terms.iter().any(|&(c2, ln)| c2 > 0.0 && ln >= 0.0) {
            return None;
        }
        let tol2 = tol * tol;
        let left = |t: u64| -> f64 { terms.iter().map(|&(c2, ln)| if c2 == 0.0 { 0.0 } else { c2 * (2.0 * t as f64 * ln).exp() }).sum() };
        if left(0) <= tol2 {
            return Some(0);
        }
        let mut hi = 1u64;
        while left(hi) > tol2 {
            hi *= 2;
            if hi > 1_000_000_000_000_000_000 {
                return None;
            }
        }
        let mut lo = hi / 2; // left(lo) > tol2 (lo = 0 was checked)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if left(mid) > tol2 { lo = mid } else { hi = mid }
        }
        Some(hi)
    }

    /// Plain gradient descent from `start` at rate `eta` until `error(θ)` ≤ `tol`, for at
    /// most `budget` steps; stops when the excess loss passes [`DIVERGED`] × its start.
    pub fn reach_by(&self, start: &DVector<f64>, eta: f64, tol: f64, budget: usize, error: impl Fn(&DVector<f64>) -> f64) -> Reach {
        let mut theta = start.clone();
        if error(&theta) <= tol {
            return Reach::Reached(0);
        }
        let first = self.excess(&theta);
        for t in 1..=budget {
            theta -= self.gradient(&theta) * eta;
            if error(&theta) <= tol {
                return Reach::Reached(t);
            }
            let excess = self.excess(&theta);
            if !excess.is_finite() || excess > DIVERGED * first {
                return Reach::Diverged(t);
            }
        }
        Reach::NotReached { budget, error: error(&theta) }
    }

    /// `steps` steps of plain gradient descent from `start` at rate `eta`, stopped early if
    /// it diverges, with the error along each direction at the start and at the last step
    /// where it still stood above `floor` (below it the component is rounding).
    pub fn descend(&self, start: &DVector<f64>, eta: f64, steps: usize, floor: f64) -> Descent {
        let mut theta = start.clone();
        let start_components = self.components(&theta);
        let mut last: Vec<(usize, f64)> = start_components.iter().map(|&c| (0, c)).collect();
        let first = self.excess(&theta);
        let mut diverged_at = None;
        let mut taken = 0;
        for t in 1..=steps {
            theta -= self.gradient(&theta) * eta;
            taken = t;
            for (l, c) in last.iter_mut().zip(self.components(&theta)) {
                if c.abs() >= floor && l.0 == t - 1 {
                    *l = (t, c);
                }
            }
            let excess = self.excess(&theta);
            if !excess.is_finite() || excess > DIVERGED * first {
                diverged_at = Some(t);
                break;
            }
        }
        Descent { theta, steps: taken, diverged_at, start_components, last_above_floor: last }
    }
}

/// Where [`Loss::descend`] ended.
#[derive(Debug, Clone)]
pub struct Descent {
    pub theta: DVector<f64>,
    /// Steps taken (fewer than asked if it diverged).
    pub steps: usize,
    pub diverged_at: Option<usize>,
    /// θ₀ − θ* along each direction, flattest first.
    pub start_components: Vec<f64>,
    /// Per direction: the last step up to which the component stayed above the floor, and
    /// its value there.
    pub last_above_floor: Vec<(usize, f64)>,
}

/// What a gradient-descent run did: the relative excess loss (L − L*)/(L₀ − L*) after each
/// step (index 0 is the start), and the step at which it first reached the target.
#[derive(Debug, Clone)]
pub struct Run {
    pub relative_excess: Vec<f64>,
    pub reached: Option<usize>,
    pub theta: DVector<f64>,
}

// ANCHOR: gd_several
/// Gradient descent from θ = 0 (the line that predicts 0) at rate `eta`, for at most
/// `max_steps` steps or until (L − L*)/(L₀ − L*) ≤ `target`. The gradient is H(θ − θ*),
/// the same vector (2/n)Xᵀ(Xθ − y) a framework computes, without the O(n) pass.
/// `record` keeps every `record`-th relative excess (1: all of them).
pub fn gradient_descent(loss: &Loss, eta: f64, max_steps: usize, target: f64, record: usize) -> Run {
    let mut theta = DVector::zeros(loss.theta_star.len());
    let start = loss.excess(&theta);
    let mut relative_excess = vec![1.0];
    let mut reached = (start == 0.0).then_some(0);
    for t in 1..=max_steps {
        if reached.is_some() {
            break;
        }
        let grad = &loss.h * (&theta - &loss.theta_star);
        theta -= grad * eta;
        let rel = loss.excess(&theta) / start;
        if !rel.is_finite() || rel > DIVERGED {
            relative_excess.push(rel.min(f64::MAX));
            break;
        }
        if rel <= target {
            reached = Some(t);
        }
        if t % record == 0 || reached.is_some() {
            relative_excess.push(rel);
        }
    }
    Run { relative_excess, reached, theta }
}
// ANCHOR_END: gd_several

#[cfg(test)]
mod tests {
    use super::*;

    fn two_correlated(r_target: f64) -> Features {
        // x₂ = r x₁ + √(1 − r²) u with x₁ ⟂ u, both centred with variance 1: corr = r exactly.
        let x1 = vec![1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        let u = vec![1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
        let x2: Vec<f64> = x1.iter().zip(&u).map(|(a, b)| r_target * a + (1.0 - r_target * r_target).sqrt() * b).collect();
        let y: Vec<f64> = x1.iter().zip(&x2).enumerate().map(|(i, (a, b))| 3.0 * a - 2.0 * b + 5.0 + 0.1 * (i as f64 - 3.5)).collect();
        Features::new(vec!["a".into(), "b".into()], vec![x1, x2], y).unwrap()
    }

    #[test]
    fn standardized_correlated_columns_have_kappa_one_plus_r_over_one_minus_r() {
        // H over (b, w₁, w₂) = 2·[[1, 0, 0], [0, 1, r], [0, r, 1]]: eigenvalues 2, 2(1 ± r).
        for r in [0.0, 0.5, 0.9, 0.99] {
            let f = two_correlated(r).rescaled(Scale::Standardized).unwrap();
            assert!((f.correlation(0, 1) - r).abs() < 1e-12);
            let loss = Loss::new(&f).unwrap();
            let want = (1.0 + r) / (1.0 - r);
            assert!((loss.kappa() / want - 1.0).abs() < 1e-10, "r = {r}: κ = {} vs {want}", loss.kappa());
            if r > 0.0 {
                // The flat direction trades one feature for the other: (0, 1, −1)/√2.
                let v = &loss.directions[0].vector;
                assert!(v[0].abs() < 1e-10 && (v[1].abs() - 0.5f64.sqrt()).abs() < 1e-10 && v[1] * v[2] < 0.0, "{v:?}");
            }
        }
    }

    #[test]
    fn decorrelated_columns_have_kappa_one_and_gd_lands_in_one_step() {
        let f = two_correlated(0.9).rescaled(Scale::Decorrelated).unwrap();
        let loss = Loss::new(&f).unwrap();
        assert!((loss.kappa() - 1.0).abs() < 1e-10);
        let run = gradient_descent(&loss, loss.best_rate(), 10, 1e-20, 1);
        assert_eq!(run.reached, Some(1));
    }

    #[test]
    fn the_quadratic_matches_the_loss_summed_over_rows() {
        let f = two_correlated(0.7);
        let loss = Loss::new(&f).unwrap();
        let theta = DVector::from_vec(vec![1.0, 2.0, -3.0]);
        let direct: f64 = (0..f.rows())
            .map(|i| (theta[0] + theta[1] * f.columns[0][i] + theta[2] * f.columns[1][i] - f.y[i]).powi(2))
            .sum::<f64>() / f.rows() as f64;
        assert!((loss.l_star + loss.excess(&theta) - direct).abs() < 1e-12 * direct);
        assert!((loss.l_zero - loss.l_star - loss.excess(&DVector::zeros(3))).abs() < 1e-10 * loss.l_zero);
    }

    #[test]
    fn measured_steps_never_exceed_the_prediction() {
        for r in [0.5, 0.9] {
            let loss = Loss::new(&two_correlated(r).rescaled(Scale::Standardized).unwrap()).unwrap();
            let eta = loss.best_rate();
            let run = gradient_descent(&loss, eta, 100_000, 1e-12, 1);
            let predicted = loss.predicted_steps(eta, 1e-12).unwrap();
            assert!(run.reached.unwrap() as f64 <= predicted, "{:?} vs {predicted}", run.reached);
        }
    }
}
