//! The regression table: coefficients with standard errors, t statistics and p-values,
//! R² (centred, or uncentred without an intercept), adjusted R² and the residual
//! standard deviation, from any solver's [`Solution`].

use nalgebra::DMatrix;
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

use crate::ddouble;
use crate::error::{Error, Result};
use crate::linalg::{self, Method, Solution};

/// One fitted model, with everything `fit` prints.
#[derive(Debug, Clone)]
pub struct Regression {
    pub terms: Vec<String>,
    pub coefficients: Vec<f64>,
    /// `None` for every term of an exact fit (as many rows as coefficients: no residual
    /// degree of freedom is left to estimate the noise).
    pub std_errors: Vec<Option<f64>>,
    /// θⱼ / se(θⱼ); `None` when the standard error is 0 or undefined (an exact fit).
    pub t: Vec<Option<f64>>,
    /// Two-sided p-value P(|T| ≥ |t|) for T ~ Student's t with `df_resid` degrees of freedom.
    pub p: Vec<Option<f64>>,
    /// The 95 % confidence interval θⱼ ± t₀.₉₇₅ · se(θⱼ), as statsmodels' `[0.025, 0.975]`.
    pub conf_int: Vec<Option<(f64, f64)>>,
    /// `None` when y has no variation to explain (centred) or is all zero (uncentred).
    pub r2: Option<f64>,
    pub adj_r2: Option<f64>,
    /// Whether R² is centred (a model with an intercept) or uncentred (without one).
    pub centred: bool,
    /// √(RSS/(n − p)); `None` for an exact fit.
    pub residual_sd: Option<f64>,
    /// The analysis-of-variance table NIST certifies beside the coefficients.
    pub anova: Anova,
    pub n: usize,
    pub df_resid: usize,
    /// The solver's name (`refined`, `qr`, …, or `gd`/`adam` from the `fit` binary).
    pub method: String,
    pub refinement_steps: usize,
    /// κ(X) after the power-of-two column scaling: the conditioning the solver faced.
    pub condition_number: f64,
}

/// The analysis of variance of a fit: how the variation of y splits into what the model
/// explains and what it leaves. With an intercept the total is Σ(yᵢ − ȳ)² and the model
/// has p − 1 degrees of freedom; without one (NIST's NoInt sets) it is Σyᵢ² and p.
#[derive(Debug, Clone, PartialEq)]
pub struct Anova {
    pub df_regression: usize,
    pub df_residual: usize,
    /// Total − RSS: the variation the model explains.
    pub ss_regression: f64,
    /// RSS = Σrᵢ².
    pub ss_residual: f64,
    /// Each sum of squares divided by its degrees of freedom.
    pub ms_regression: f64,
    pub ms_residual: f64,
    /// F = MS(regression)/MS(residual); `None` for an exact fit (MS(residual) = 0, where
    /// NIST certifies F as infinite) or a model with nothing but the intercept.
    pub f: Option<f64>,
    /// P(F' ≥ F) for F' ~ F(df_regression, df_residual): the test of "every slope is 0".
    pub f_p: Option<f64>,
}

/// Σ vᵢ², in double-double for the refined method (so that the last digits of the
/// residual sum of squares survive), plainly otherwise.
fn sum_sq(v: &[f64], extended: bool) -> ddouble::Dd {
    if extended {
        ddouble::dot(v.iter().copied(), v.iter().copied())
    } else {
        ddouble::Dd::new(v.iter().map(|r| r * r).sum())
    }
}

// ANCHOR: statistics
/// Fits y on the design `x` (+ `tail`, see [`linalg::solve`]) and computes the table.
/// `intercept` says whether the first column of x is the column of ones: it decides
/// between the centred R² = 1 − RSS/Σ(yᵢ − ȳ)² and NIST's uncentred R² = 1 − RSS/Σyᵢ²
/// for models through the origin.
pub fn regress(
    method: Method,
    x: &DMatrix<f64>,
    tail: Option<&DMatrix<f64>>,
    y: &[f64],
    y_tail: Option<&[f64]>,
    terms: Vec<String>,
    intercept: bool,
) -> Result<Regression> {
    let (n, p) = x.shape();
    if n < p {
        return Err(Error::Data(format!("need at least {p} rows to fit {p} coefficients, got {n}")));
    }
    let s: Solution = linalg::solve(method, x, tail, y, y_tail)?;
    tabulate(&s, method.name(), x, y, terms, intercept)
}
// ANCHOR_END: statistics

/// The table for a solution already computed (by [`linalg::solve`], or θ from an
/// iterative optimizer with (XᵀX)⁻¹ from the refined solver).
pub fn tabulate(
    s: &Solution,
    method: &str,
    x: &DMatrix<f64>,
    y: &[f64],
    terms: Vec<String>,
    intercept: bool,
) -> Result<Regression> {
    let (n, p) = x.shape();
    if n < p {
        return Err(Error::Data(format!("need at least {p} rows to fit {p} coefficients, got {n}")));
    }
    let df_resid = n - p;
    let rss_dd = sum_sq(&s.residual, s.extended);
    let rss = rss_dd.to_f64();
    // s² = RSS/(n − p) estimates the noise variance; Var(θ̂) = s²(XᵀX)⁻¹. With n = p the
    // line passes through every point and nothing is left to estimate s² from.
    let residual_sd = (df_resid > 0).then(|| (rss / df_resid as f64).sqrt());
    let std_errors: Vec<Option<f64>> =
        (0..p).map(|j| residual_sd.map(|sd| sd * s.xtx_inv[(j, j)].max(0.0).sqrt())).collect();
    let student = (df_resid > 0)
        .then(|| {
            StudentsT::new(0.0, 1.0, df_resid as f64)
                .map_err(|e| Error::Data(format!("t distribution with {df_resid} degrees of freedom: {e}")))
        })
        .transpose()?;
    let t: Vec<Option<f64>> = s
        .theta
        .iter()
        .zip(&std_errors)
        .map(|(c, se)| se.filter(|se| *se > 0.0).map(|se| c / se).filter(|v| v.is_finite()))
        .collect();
    // Two-sided: P(|T| ≥ |t|) = 2·P(T ≥ |t|); the survival function keeps tiny p-values
    // that 1 − cdf would round to 0.
    let pv: Vec<Option<f64>> =
        t.iter().map(|t| t.zip(student.as_ref()).map(|(t, st)| (2.0 * st.sf(t.abs())).min(1.0))).collect();
    let conf_int: Vec<Option<(f64, f64)>> = s
        .theta
        .iter()
        .zip(&std_errors)
        .map(|(c, se)| {
            let half = se.zip(student.as_ref()).map(|(se, st)| st.inverse_cdf(0.975) * se)?;
            half.is_finite().then(|| (c - half, c + half))
        })
        .collect();
    let total = if intercept {
        let mean = if s.extended { ddouble::sum(y.iter().copied()).to_f64() } else { y.iter().sum::<f64>() }
            / n as f64;
        let dev: Vec<f64> = y.iter().map(|v| v - mean).collect();
        sum_sq(&dev, s.extended)
    } else {
        sum_sq(y, s.extended)
    };
    // Refined: R² = (total − RSS)/total in double-double, which keeps its digits when R²
    // is small (Wampler5: 1 − RSS/total would cancel 2.6 of them). Plain: the usual formula.
    let r2 = (total.hi > 0.0).then(|| {
        if s.extended { ((total - rss_dd) / total).to_f64() } else { 1.0 - rss / total.to_f64() }
    });
    // Adjusted R² charges for each coefficient: the total has n − 1 degrees of freedom
    // after estimating a mean, n without one. Undefined without residual degrees of freedom.
    let df_total = if intercept { n - 1 } else { n } as f64;
    let adj_r2 = r2.filter(|_| df_resid > 0).map(|r2| 1.0 - (1.0 - r2) * df_total / df_resid as f64);
    let anova = anova(total, rss_dd, p - usize::from(intercept), df_resid, s.extended);
    Ok(Regression {
        terms,
        coefficients: s.theta.clone(),
        std_errors,
        t,
        p: pv,
        conf_int,
        r2,
        adj_r2,
        centred: intercept,
        residual_sd,
        anova,
        n,
        df_resid,
        method: method.to_string(),
        refinement_steps: s.steps,
        condition_number: linalg::scaled_condition_number(x),
    })
}

/// The ANOVA table from the total and residual sums of squares. Refined: every division
/// and the difference total − RSS in double-double, which keeps the explained sum's digits
/// when the residuals are most of the total (Wampler5: they are 99.8 % of it, so an f64
/// difference would cancel almost three digits). Plain: in f64, as any double-precision
/// tool computes it.
fn anova(total: ddouble::Dd, rss: ddouble::Dd, df_regression: usize, df_residual: usize, extended: bool) -> Anova {
    use ddouble::Dd;
    let (ss_reg, ms_reg, ms_res, f) = if extended {
        let ss_reg = total - rss;
        let ms_reg = ss_reg / Dd::new(df_regression as f64);
        let ms_res = rss / Dd::new(df_residual as f64);
        let f = (ms_res.hi > 0.0 && df_regression > 0 && df_residual > 0).then(|| (ms_reg / ms_res).to_f64());
        (ss_reg.to_f64(), ms_reg.to_f64(), ms_res.to_f64(), f)
    } else {
        let ss_reg = total.to_f64() - rss.to_f64();
        let ms_reg = ss_reg / df_regression as f64;
        let ms_res = rss.to_f64() / df_residual as f64;
        (ss_reg, ms_reg, ms_res, (ms_res > 0.0 && df_regression > 0 && df_residual > 0).then(|| ms_reg / ms_res))
    };
    Anova {
        df_regression,
        df_residual,
        ss_regression: ss_reg,
        ss_residual: rss.to_f64(),
        ms_regression: ms_reg,
        ms_residual: ms_res,
        f: f.filter(|v| v.is_finite()),
        f_p: f.filter(|v| v.is_finite()).and_then(|f| {
            let dist = FisherSnedecor::new(df_regression as f64, df_residual as f64).ok()?;
            Some(dist.sf(f).clamp(0.0, 1.0))
        }),
    }
}

/// `v` to `digits` significant digits, fixed-point for moderate magnitudes and
/// scientific beyond (as `%g`): a table a reader can scan. `fit --json` keeps every digit.
pub fn sig(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { "—".into() };
    }
    let exp = v.abs().log10().floor() as i32;
    if (-4..digits as i32).contains(&exp) {
        let decimals = (digits as i32 - 1 - exp).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.*e}", digits - 1)
    }
}

impl Regression {
    /// The table as `fit` prints it: six significant digits (statsmodels prints four),
    /// "—" where a value is undefined; `--json` has every digit.
    pub fn to_text(&self) -> String {
        const D: usize = 6;
        let width = self.terms.iter().map(|t| t.chars().count()).max().unwrap_or(4).max(4);
        let opt = |v: Option<f64>, d: usize| v.map_or("—".to_string(), |v| sig(v, d));
        let mut out = format!(
            "{:width$}  {:>13}  {:>12}  {:>10}  {:>10}  {:>13}  {:>13}\n",
            "term", "coefficient", "std. error", "t", "P>|t|", "[0.025", "0.975]"
        );
        for j in 0..self.terms.len() {
            let (lo, hi) = self.conf_int[j].map_or((None, None), |(a, b)| (Some(a), Some(b)));
            out.push_str(&format!(
                "{:width$}  {:>13}  {:>12}  {:>10}  {:>10}  {:>13}  {:>13}\n",
                self.terms[j],
                sig(self.coefficients[j], D),
                opt(self.std_errors[j], 4),
                opt(self.t[j], 4),
                opt(self.p[j], 3),
                opt(lo, D),
                opt(hi, D)
            ));
        }
        let undefined = "undefined (no variation in y)".to_string();
        let kind = if self.centred { "R²" } else { "R² (uncentred, no intercept)" };
        out.push_str(&format!("{kind} = {}\n", self.r2.map_or(undefined.clone(), |v| sig(v, D))));
        let adj = if self.df_resid == 0 { "undefined (exact fit)".to_string() } else { undefined };
        out.push_str(&format!("adjusted R² = {}\n", self.adj_r2.map_or(adj, |v| sig(v, D))));
        let a = &self.anova;
        out.push_str(&format!(
            "F({}, {}) = {}, P(>F) = {}\n",
            a.df_regression,
            a.df_residual,
            opt(a.f, D),
            opt(a.f_p, 3)
        ));
        out.push_str(&format!("residual standard deviation = {}\n", opt(self.residual_sd, D)));
        out.push_str(&format!("n = {}, residual degrees of freedom = {}\n", self.n, self.df_resid));
        if self.df_resid == 0 {
            out.push_str("exact fit: as many rows as coefficients, so the line passes through every point and the noise (standard errors, t, p, intervals, F) cannot be estimated\n");
        }
        out.push_str(&format!(
            "method = {}, refinement steps = {}, κ(X) = {} (columns scaled)\n",
            self.method,
            self.refinement_steps,
            sig(self.condition_number, 4)
        ));
        out
    }

    /// The JSON object of `fit --json` (null where a value is undefined).
    pub fn to_json(&self) -> serde_json::Value {
        let finite = |v: f64| v.is_finite().then_some(v);
        let a = &self.anova;
        serde_json::json!({
            "terms": self.terms,
            "coefficients": self.coefficients,
            "std_errors": self.std_errors,
            "t": self.t,
            "p": self.p,
            "conf_int_95": self.conf_int.iter().map(|c| c.map(|(lo, hi)| [lo, hi])).collect::<Vec<_>>(),
            "r2": self.r2,
            "adj_r2": self.adj_r2,
            "residual_sd": self.residual_sd,
            "anova": {
                "df_model": a.df_regression, "df_resid": a.df_residual,
                "ss_model": a.ss_regression, "ss_resid": a.ss_residual,
                "ms_model": finite(a.ms_regression), "ms_resid": finite(a.ms_residual),
                "f": a.f, "f_p": a.f_p,
            },
            "n": self.n,
            "df_resid": self.df_resid,
            "method": self.method,
            "refinement_steps": self.refinement_steps,
            "condition_number": self.condition_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(method: Method) -> Regression {
        // x = 1..4, y = (2.1, 3.9, 6.2, 7.8): b = 0.15, w = 1.94, RSS = 0.082, SST = 18.9.
        let x = linalg::design(&[vec![1.0, 2.0, 3.0, 4.0]], true);
        regress(method, &x, None, &[2.1, 3.9, 6.2, 7.8], None, vec!["(intercept)".into(), "x".into()], true).unwrap()
    }

    #[test]
    fn the_table_of_a_four_point_fit_matches_the_hand_computation() {
        for m in Method::ALL {
            let r = small(m);
            // s² = 0.082/2 = 0.041; Sxx = 5, x̄ = 2.5: se(w) = √(0.041/5), se(b) = √(0.041·(1/4 + 6.25/5)).
            let s = 0.041f64.sqrt();
            let (se_w, se_b) = ((0.041f64 / 5.0).sqrt(), (0.041f64 * 1.5).sqrt());
            assert!((r.residual_sd.unwrap() - s).abs() < 1e-14, "{m}");
            let se = |j: usize| r.std_errors[j].unwrap();
            assert!((se(1) - se_w).abs() < 1e-14 && (se(0) - se_b).abs() < 1e-14, "{m}");
            let t_w = 1.94 / se_w;
            assert!((r.t[1].unwrap() - t_w).abs() < 1e-10 * t_w, "{m}");
            // With 2 degrees of freedom the t tail has a closed form:
            // P(|T| ≥ t) = 1 − t/√(t² + 2).
            let p_w = 1.0 - t_w / (t_w * t_w + 2.0).sqrt();
            assert!((r.p[1].unwrap() - p_w).abs() < 1e-12, "{m}: {:?} vs {p_w}", r.p[1]);
            let r2 = 1.0 - 0.082 / 18.9;
            assert!((r.r2.unwrap() - r2).abs() < 1e-14, "{m}");
            assert!((r.adj_r2.unwrap() - (1.0 - (1.0 - r2) * 3.0 / 2.0)).abs() < 1e-14, "{m}");
            assert_eq!((r.n, r.df_resid), (4, 2));
            // ANOVA by hand: SS(reg) = SST − RSS = 18.9 − 0.082 = 18.818 on 1 df, MS(res) =
            // 0.041 on 2, F = 18.818/0.041; with one slope F = t_w², and F(1, 2)'s tail at t²
            // is Student's two-sided tail at t.
            let a = &r.anova;
            assert_eq!((a.df_regression, a.df_residual), (1, 2), "{m}");
            assert!((a.ss_regression - 18.818).abs() < 1e-12 && (a.ss_residual - 0.082).abs() < 1e-14, "{m}: {a:?}");
            assert!((a.ms_regression - 18.818).abs() < 1e-12 && (a.ms_residual - 0.041).abs() < 1e-14, "{m}: {a:?}");
            let f = 18.818 / 0.041;
            assert!((a.f.unwrap() - f).abs() < 1e-9 && (f - t_w * t_w).abs() < 1e-9 * f, "{m}: {a:?}");
            assert!((a.f_p.unwrap() - p_w).abs() < 1e-12, "{m}: {:?} vs {p_w}", a.f_p);
            // With 2 degrees of freedom t₀.₉₇₅ = (2q − 1)/√(2q(1 − q)) at q = 0.975.
            let t975 = 0.95 / (2.0f64 * 0.975 * 0.025).sqrt();
            let (lo, hi) = r.conf_int[1].unwrap();
            assert!((lo - (1.94 - t975 * se_w)).abs() < 1e-10 && (hi - (1.94 + t975 * se_w)).abs() < 1e-10, "{m}");
        }
    }

    #[test]
    fn as_many_rows_as_coefficients_is_an_exact_fit_with_undefined_errors() {
        let x = linalg::design(&[vec![1.0, 3.0]], true);
        let r = regress(Method::Qr, &x, None, &[2.0, 8.0], None, vec!["b".into(), "w".into()], true).unwrap();
        assert!((r.coefficients[0] + 1.0).abs() < 1e-14 && (r.coefficients[1] - 3.0).abs() < 1e-14);
        assert_eq!(r.df_resid, 0);
        assert!(r.std_errors.iter().chain(&r.t).chain(&r.p).all(Option::is_none));
        assert!(r.conf_int.iter().all(Option::is_none) && r.residual_sd.is_none() && r.adj_r2.is_none());
        assert_eq!((r.anova.f, r.anova.f_p), (None, None));
        assert!(!r.anova.ms_residual.is_finite());
        let text = r.to_text();
        assert!(text.contains("exact fit") && !text.contains("NaN"), "{text}");
        let json = r.to_json().to_string();
        assert!(json.contains("\"std_errors\":[null,null]") && !json.contains("NaN"), "{json}");
    }

    #[test]
    fn sig_prints_significant_digits() {
        assert_eq!(sig(32.62236, 6), "32.6224");
        assert_eq!(sig(-0.000123456789, 3), "-0.000123");
        assert_eq!(sig(1.5e-7, 3), "1.50e-7");
        assert_eq!(sig(123456789.0, 6), "1.23457e8");
        assert_eq!(sig(0.0, 6), "0");
    }

    #[test]
    fn uncentred_r2_without_an_intercept() {
        // y = 2x + noise through the origin; R² compares RSS with Σy², as NIST does for NoInt.
        let x = linalg::design(&[vec![1.0, 2.0, 3.0]], false);
        let y = [2.0, 4.5, 5.5];
        let r = regress(Method::Refined, &x, None, &y, None, vec!["x".into()], false).unwrap();
        // w = Σxy/Σx² = 27.5/14; RSS = Σy² − (Σxy)²/Σx² = 54.5 − 27.5²/14.
        let rss = 54.5 - 27.5 * 27.5 / 14.0;
        assert!((r.coefficients[0] - 27.5 / 14.0).abs() < 1e-15);
        assert!((r.r2.unwrap() - (1.0 - rss / 54.5)).abs() < 1e-15);
        assert!((r.adj_r2.unwrap() - (1.0 - rss / 54.5 * 3.0 / 2.0)).abs() < 1e-15);
        assert!(!r.centred);
    }

    #[test]
    fn exact_fits_have_no_t_and_constant_y_no_r2() {
        let x = linalg::design(&[vec![1.0, 2.0, 3.0]], true);
        let exact = regress(Method::Refined, &x, None, &[3.0, 5.0, 7.0], None, vec!["b".into(), "w".into()], true).unwrap();
        // The refined residual of an exact fit is 0 up to double-double noise (≈ 10⁻³¹):
        // standard errors that small, and p-values below 10⁻⁵⁰.
        assert!(exact.std_errors.iter().all(|se| se.unwrap() < 1e-30), "{:?}", exact.std_errors);
        assert!(exact.p.iter().all(|p| p.is_none_or(|p| p < 1e-50)), "{:?}", exact.p);
        let flat = regress(Method::Refined, &x, None, &[3.0, 3.0, 3.0], None, vec!["b".into(), "w".into()], true).unwrap();
        assert_eq!((flat.r2, flat.adj_r2), (None, None));
        let json = flat.to_json().to_string();
        assert!(!json.contains("NaN") && json.contains("\"r2\":null"), "{json}");
        let few = regress(Method::Qr, &x.rows(0, 1).into_owned(), None, &[1.0], None, vec![], true).unwrap_err();
        assert!(few.to_string().contains("need at least 2 rows"), "{few}");
    }
}
