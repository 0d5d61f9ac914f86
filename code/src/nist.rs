//! The NIST StRD linear-regression data sets and their certified coefficients.
//!
//! The eleven `.dat` files live in `data/nist/` at the repository root, byte for byte
//! as NIST publishes them (CRLF line endings). They are compiled into the crate, so the
//! chapter needs no file at run time; [`parse`] reads everything from the text, using
//! the line ranges each file announces in its header.

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::ddouble::{self, Dd};
use crate::linalg;
use crate::regression;

/// One data set: its model, certified coefficients and data.
#[derive(Debug, Clone, PartialEq)]
pub struct NistSet {
    pub name: String,
    /// Certified coefficients, in column order of [`NistSet::design`].
    pub certified: Vec<f64>,
    /// Certified standard deviations of the coefficients, in the same order.
    pub certified_sd: Vec<f64>,
    /// Certified residual standard deviation √(RSS/(n − p)).
    pub residual_sd: f64,
    /// Certified R² (uncentred, 1 − RSS/Σy², for the models without intercept).
    pub r_squared: f64,
    /// The certified analysis-of-variance table.
    pub anova: CertifiedAnova,
    /// Whether the model has B0 (NoInt1/NoInt2 do not).
    pub intercept: bool,
    /// Degree of the polynomial in x, when there is a single predictor.
    pub degree: Option<usize>,
    /// Predictor columns (one for polynomial models, six for Longley).
    pub predictors: Vec<Vec<f64>>,
    pub y: Vec<f64>,
    /// What f64 could not hold of each decimal in the file: value − f64(value), from
    /// [`ddouble::parse_decimal`] (zero for 1962, about 10⁻¹⁸ for 0.11019).
    pub predictor_tails: Vec<Vec<f64>>,
    pub y_tail: Vec<f64>,
}

/// NIST's "Certified Analysis of Variance Table": degrees of freedom, sums of squares and
/// mean squares of the regression and the residual, and the F statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct CertifiedAnova {
    pub df_regression: f64,
    pub df_residual: f64,
    pub ss_regression: f64,
    pub ss_residual: f64,
    pub ms_regression: f64,
    pub ms_residual: f64,
    /// Infinite for the exact fits Wampler1 and Wampler2 (their residual is 0).
    pub f: f64,
}

impl NistSet {
    /// The design matrix of the certified model.
    pub fn design(&self) -> DMatrix<f64> {
        match self.degree {
            Some(d) => linalg::polynomial(&self.predictors[0], d, self.intercept),
            None => linalg::design(&self.predictors, self.intercept),
        }
    }

    /// The design as f64 plus what f64 could not hold of it (the low parts of the
    /// powers; zero for data columns, which are exact as read).
    /// With `decimal`, the tails of the data as written in the file are included too.
    pub fn design_exact(&self, decimal: bool) -> (DMatrix<f64>, DMatrix<f64>) {
        let tails = |k: usize| -> Vec<f64> {
            if decimal { self.predictor_tails[k].clone() } else { vec![0.0; self.y.len()] }
        };
        match self.degree {
            Some(d) => {
                let x: Vec<Dd> =
                    self.predictors[0].iter().zip(tails(0)).map(|(&h, t)| Dd::new(h) + t).collect();
                linalg::polynomial_exact(&x, d, self.intercept)
            }
            None => {
                let tail = linalg::design(&(0..self.predictors.len()).map(tails).collect::<Vec<_>>(), self.intercept);
                let mut tail = tail;
                if self.intercept {
                    tail.column_mut(0).fill(0.0);
                }
                (self.design(), tail)
            }
        }
    }

    /// Names of the model's terms, as NIST numbers them: B0 (intercept), B1, ….
    pub fn terms(&self) -> Vec<String> {
        let first = usize::from(!self.intercept);
        (0..self.certified.len()).map(|k| format!("B{}", k + first)).collect()
    }

    /// Every certified value, labelled: coefficients, their standard deviations, the
    /// residual standard deviation, R² and the ANOVA table. An infinite F (an exact fit)
    /// is left out: no finite estimate has a relative error against it, and the residual
    /// sum of squares, certified 0 there, scores the same fact.
    pub fn certified_values(&self) -> Vec<(String, f64)> {
        let terms = self.terms();
        let mut out: Vec<(String, f64)> = terms.iter().zip(&self.certified).map(|(t, v)| (t.clone(), *v)).collect();
        out.extend(terms.iter().zip(&self.certified_sd).map(|(t, v)| (format!("sd({t})"), *v)));
        out.push(("residual sd".into(), self.residual_sd));
        out.push(("R²".into(), self.r_squared));
        let a = &self.anova;
        out.push(("df regression".into(), a.df_regression));
        out.push(("df residual".into(), a.df_residual));
        out.push(("SS regression".into(), a.ss_regression));
        out.push(("SS residual".into(), a.ss_residual));
        out.push(("MS regression".into(), a.ms_regression));
        out.push(("MS residual".into(), a.ms_residual));
        if a.f.is_finite() {
            out.push(("F".into(), a.f));
        }
        out
    }
}

/// The number after `label` on the first line (within `lines`) that starts with the
/// label and has one: "Standard Deviation" also heads the column of the B lines.
fn labelled_value(lines: &[&str], label: &str) -> Option<f64> {
    lines.iter().find_map(|l| l.trim_start().strip_prefix(label)?.split_whitespace().next()?.parse().ok())
}

/// The numbers after `label` on the first line within `lines` that starts with the label
/// and has at least `count` of them (the ANOVA rows; "Residual" alone also heads the
/// residual standard deviation). "Infinity" parses as f64's infinity.
fn labelled_values(lines: &[&str], label: &str, count: usize) -> Option<Vec<f64>> {
    lines.iter().find_map(|l| {
        let values: Vec<f64> =
            l.trim_start().strip_prefix(label)?.split_whitespace().map(|t| t.parse().ok()).collect::<Option<_>>()?;
        (values.len() >= count).then_some(values)
    })
}

/// Correct digits (LRE) of one method on one set, for every certified value.
#[derive(Debug, Clone)]
pub struct Score {
    pub set: String,
    pub method: linalg::Method,
    /// (label, LRE) in the order of [`NistSet::certified_values`].
    pub lre: Vec<(String, f64)>,
    pub refinement_steps: usize,
}

/// Whether a label of [`NistSet::certified_values`] belongs to a group.
pub type LabelTest = fn(&str) -> bool;

/// The groups of certified statistics a table reports, with the label test of each.
pub const STATISTICS: [(&str, LabelTest); 8] = [
    ("coefficients", |l| l.starts_with('B')),
    ("std. deviations", |l| l.starts_with("sd(")),
    ("residual sd", |l| l == "residual sd"),
    ("R²", |l| l == "R²"),
    ("degrees of freedom", |l| l.starts_with("df ")),
    ("sums of squares", |l| l.starts_with("SS ")),
    ("mean squares", |l| l.starts_with("MS ")),
    ("F", |l| l == "F"),
];

/// The ANOVA groups of [`STATISTICS`] (the last four).
pub fn is_anova(label: &str) -> bool {
    STATISTICS[4..].iter().any(|(_, group)| group(label))
}

impl Score {
    /// The worst LRE over every certified value.
    pub fn min(&self) -> f64 {
        self.lre.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min)
    }

    /// The worst LRE over the ANOVA table.
    pub fn min_anova(&self) -> f64 {
        self.lre.iter().filter(|(l, _)| is_anova(l)).map(|(_, v)| *v).fold(f64::INFINITY, f64::min)
    }

    /// The worst LRE over one group of [`STATISTICS`].
    pub fn min_of(&self, group: LabelTest) -> f64 {
        self.lre.iter().filter(|(l, _)| group(l)).map(|(_, v)| *v).fold(f64::INFINITY, f64::min)
    }
}

/// Fits `set` with `method` and scores every certified value; `Err` when the method
/// refuses the set (cov/var on anything but a line, the normal equations on Filip).
/// With `decimal`, the refined method also sees what f64 lost of the file's decimals
/// (the plain methods never do).
pub fn score(set: &NistSet, method: linalg::Method, decimal: bool) -> Result<Score> {
    let (x, tail) = set.design_exact(decimal);
    let y_tail = decimal.then_some(set.y_tail.as_slice());
    let r = regression::regress(method, &x, Some(&tail), &set.y, y_tail, set.terms(), set.intercept)?;
    let mut estimates = r.coefficients.clone();
    // Every NIST set has more rows than coefficients, so these are defined; a NaN would
    // score as 0 correct digits rather than pass.
    estimates.extend(r.std_errors.iter().map(|se| se.unwrap_or(f64::NAN)));
    estimates.push(r.residual_sd.unwrap_or(f64::NAN));
    estimates.push(r.r2.unwrap_or(f64::NAN));
    let a = &r.anova;
    estimates.extend([a.df_regression as f64, a.df_residual as f64, a.ss_regression, a.ss_residual]);
    estimates.extend([a.ms_regression, a.ms_residual, a.f.unwrap_or(f64::INFINITY)]);
    let lre = set
        .certified_values()
        .into_iter()
        .zip(estimates)
        .map(|((label, certified), estimate)| (label, linalg::lre(estimate, certified)))
        .collect();
    Ok(Score { set: set.name.clone(), method, lre, refinement_steps: r.refinement_steps })
}

/// The files, in NIST's order of difficulty (lower, average, higher).
pub const FILES: [(&str, &str); 11] = [
    ("Norris", include_str!("../../data/nist/Norris.dat")),
    ("Pontius", include_str!("../../data/nist/Pontius.dat")),
    ("NoInt1", include_str!("../../data/nist/NoInt1.dat")),
    ("NoInt2", include_str!("../../data/nist/NoInt2.dat")),
    ("Filip", include_str!("../../data/nist/Filip.dat")),
    ("Longley", include_str!("../../data/nist/Longley.dat")),
    ("Wampler1", include_str!("../../data/nist/Wampler1.dat")),
    ("Wampler2", include_str!("../../data/nist/Wampler2.dat")),
    ("Wampler3", include_str!("../../data/nist/Wampler3.dat")),
    ("Wampler4", include_str!("../../data/nist/Wampler4.dat")),
    ("Wampler5", include_str!("../../data/nist/Wampler5.dat")),
];

/// Every data set, parsed.
pub fn all() -> Result<Vec<NistSet>> {
    FILES.iter().map(|(name, text)| parse(name, text)).collect()
}

/// `(first, last)` of a header line such as `Data   (lines 61 to 96)`, 1-based.
fn line_range(lines: &[&str], label: &str) -> Option<(usize, usize)> {
    let line = lines.iter().find(|l| l.trim_start().starts_with(label) && l.contains("(lines"))?;
    let inside = line.split("(lines").nth(1)?.split(')').next()?;
    let mut numbers = inside.split("to").map(|t| t.trim().parse::<usize>());
    match (numbers.next(), numbers.next()) {
        (Some(Ok(a)), Some(Ok(b))) if a >= 1 && a <= b && b <= lines.len() => Some((a, b)),
        _ => None,
    }
}

/// Parses one StRD `.dat` text: the certified parameters `B0`, `B1`, … from the
/// "Certified Values" lines, the column names from the `Data:` header line, and the
/// data rows. A single predictor `x` with parameters up to `Bk` is a polynomial of
/// degree k; several predictors `x1 … xm` are a linear model in them.
pub fn parse(name: &str, text: &str) -> Result<NistSet> {
    let bad = |m: String| Error::Data(format!("{name}: {m}"));
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let (c0, c1) = line_range(&lines, "Certified Values")
        .ok_or_else(|| bad("no `Certified Values (lines a to b)` header".into()))?;
    let (d0, d1) = line_range(&lines, "Data")
        .ok_or_else(|| bad("no `Data (lines a to b)` header".into()))?;

    let mut params: Vec<(usize, f64)> = Vec::new();
    let mut sds: Vec<f64> = Vec::new();
    for (k, line) in lines[c0 - 1..c1].iter().enumerate() {
        let mut tokens = line.split_whitespace();
        let Some(index) = tokens.next().and_then(|t| t.strip_prefix('B')).and_then(|i| i.parse().ok()) else {
            continue;
        };
        let value = tokens
            .next()
            .and_then(|t| t.parse::<f64>().ok())
            .ok_or_else(|| bad(format!("line {}: B{index} has no numeric value", c0 + k)))?;
        let sd = tokens
            .next()
            .and_then(|t| t.parse::<f64>().ok())
            .ok_or_else(|| bad(format!("line {}: B{index} has no standard deviation", c0 + k)))?;
        params.push((index, value));
        sds.push(sd);
    }
    if params.is_empty() {
        return Err(bad("no certified parameters".into()));
    }
    let intercept = params[0].0 == 0;
    let expected_first = usize::from(!intercept);
    if params.iter().enumerate().any(|(k, (i, _))| *i != k + expected_first) {
        return Err(bad("certified parameters are not numbered B0, B1, … in order".into()));
    }

    let certified_block = &lines[c0 - 1..c1];
    let residual_sd = labelled_value(certified_block, "Standard Deviation")
        .ok_or_else(|| bad("no certified residual standard deviation".into()))?;
    let r_squared =
        labelled_value(certified_block, "R-Squared").ok_or_else(|| bad("no certified R-Squared".into()))?;
    let regression = labelled_values(certified_block, "Regression", 4)
        .ok_or_else(|| bad("no certified ANOVA row `Regression df SS MS F`".into()))?;
    let residual = labelled_values(certified_block, "Residual", 3)
        .ok_or_else(|| bad("no certified ANOVA row `Residual df SS MS`".into()))?;
    let anova = CertifiedAnova {
        df_regression: regression[0],
        df_residual: residual[0],
        ss_regression: regression[1],
        ss_residual: residual[1],
        ms_regression: regression[2],
        ms_residual: residual[2],
        f: regression[3],
    };

    let header = lines[d0 - 2];
    let columns: Vec<&str> = header
        .strip_prefix("Data:")
        .ok_or_else(|| bad(format!("line {}: expected the `Data:` column header", d0 - 1)))?
        .split_whitespace()
        .collect();
    if columns.first() != Some(&"y") || columns.len() < 2 {
        return Err(bad(format!("line {}: expected columns `y x…`, found {columns:?}", d0 - 1)));
    }
    let mut table: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    let mut tails: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    for (k, line) in lines[d0 - 1..d1].iter().enumerate() {
        let row: Vec<(f64, f64)> = line
            .split_whitespace()
            .map(|t| {
                let v = t.parse::<f64>().ok().filter(|v| v.is_finite())?;
                let exact = ddouble::parse_decimal(t)?;
                Some((v, (exact - Dd::new(v)).to_f64()))
            })
            .collect::<Option<_>>()
            .ok_or_else(|| bad(format!("line {}: a cell is not a finite number", d0 + k)))?;
        if row.len() != columns.len() {
            return Err(bad(format!("line {}: {} cells, expected {}", d0 + k, row.len(), columns.len())));
        }
        for ((col, tail), (v, t)) in table.iter_mut().zip(tails.iter_mut()).zip(row) {
            col.push(v);
            tail.push(t);
        }
    }
    let y = table.remove(0);
    let y_tail = tails.remove(0);
    let n_params = params.len();
    let degree = if table.len() == 1 { Some(n_params - usize::from(intercept)) } else { None };
    let n_columns = table.len() + usize::from(intercept);
    if degree.is_none() && n_columns != n_params {
        return Err(bad(format!("{n_params} parameters for {n_columns} columns")));
    }
    Ok(NistSet {
        name: name.to_string(),
        certified: params.into_iter().map(|(_, v)| v).collect(),
        certified_sd: sds,
        residual_sd,
        r_squared,
        anova,
        intercept,
        degree,
        predictors: table,
        y,
        predictor_tails: tails,
        y_tail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NIST/ITL StRD\r\n\
Dataset Name:  Tiny\r\n\
File Format:   ASCII\r\n\
               Certified Values  (lines 6 to 12)\r\n\
               Data              (lines 15 to 17)\r\n\
        B0        -0.5E-01     0.1\r\n\
        B1         2.0         0.2\r\n\
     Residual\r\n\
     Standard Deviation   0.0\r\n\
     R-Squared            1.0\r\n\
Regression    1     8.0   8.0   Infinity\r\n\
Residual      1     0.0   0.0\r\n\
\r\n\
Data:       y          x\r\n\
           1.95        1.0\r\n\
           3.95        2.0\r\n\
           5.95        3.0\r\n";

    #[test]
    fn parses_a_small_dat_text() {
        let s = parse("Tiny", TINY).unwrap();
        assert_eq!(s.certified, [-0.05, 2.0]);
        assert_eq!(s.certified_sd, [0.1, 0.2]);
        assert_eq!((s.residual_sd, s.r_squared), (0.0, 1.0));
        let a = &s.anova;
        assert_eq!((a.df_regression, a.df_residual, a.ss_regression, a.ss_residual), (1.0, 1.0, 8.0, 0.0));
        assert_eq!((a.ms_regression, a.ms_residual, a.f), (8.0, 0.0, f64::INFINITY));
        // The infinite F of an exact fit is not among the scored values.
        assert!(s.certified_values().iter().all(|(l, _)| l != "F"));
        assert!(s.intercept);
        assert_eq!(s.degree, Some(1));
        assert_eq!(s.predictors, [vec![1.0, 2.0, 3.0]]);
        assert_eq!(s.y, [1.95, 3.95, 5.95]);
        let t = linalg::fit(linalg::Method::Qr, &s.design(), &s.y).unwrap();
        assert!((t[0] + 0.05).abs() < 1e-14 && (t[1] - 2.0).abs() < 1e-14, "{t:?}");
    }

    #[test]
    fn malformed_texts_are_one_line_errors() {
        for (text, expected) in [
            (TINY.replace("(lines 6 to 12)", "(somewhere)"), "no `Certified Values"),
            (TINY.replace("5.95        3.0", "5.95        abc"), "line 17: a cell is not a finite number"),
            (TINY.replace("3.95        2.0", "3.95"), "line 16: 1 cells, expected 2"),
            (TINY.replace("Data:       y", "Dada:       y"), "expected the `Data:` column header"),
            (TINY.replace("B1         2.0", "B1         two"), "B1 has no numeric value"),
            (TINY.replace("(lines 15 to 17)", "(lines 15 to 99)"), "no `Data (lines"),
            (TINY.replace("Regression    1     8.0   8.0   Infinity", "Regression    1     8.0"), "no certified ANOVA row `Regression"),
            (TINY.replace("Residual      1     0.0   0.0", "Residual      1     zero   0.0"), "no certified ANOVA row `Residual"),
            (TINY.replace("R-Squared", "R-Sq"), "no certified R-Squared"),
            (TINY.replace("0.1\r\n", "\r\n"), "B0 has no standard deviation"),
        ] {
            let msg = parse("Tiny", &text).expect_err(expected).to_string();
            assert!(msg.contains(expected), "{msg}");
            assert!(!msg.contains('\n'));
        }
    }

    #[test]
    #[ignore]
    fn print_scores() {
        for set in all().unwrap() {
            for (m, dec) in linalg::Method::ALL.into_iter().map(|m| (m, false)).chain([(linalg::Method::Refined, true)]) {
                if let Ok(s) = score(&set, m, dec) {
                    let groups: Vec<String> = STATISTICS.iter().map(|(_, g)| format!("{:5.2}", s.min_of(*g))).collect();
                    println!("{:9} {:8}{} {} steps {}", set.name, m.name(), if dec {"+dec"} else {""}, groups.join(" "), s.refinement_steps);
                } else {
                    println!("{:9} {:8} fails", set.name, m.name());
                }
            }
        }
    }

    #[test]
    fn real_files_parse_with_their_stated_shapes() {
        let sets = all().unwrap();
        let shape = |name: &str| {
            let s = sets.iter().find(|s| s.name == name).unwrap();
            (s.y.len(), s.certified.len(), s.intercept, s.degree)
        };
        // Observations and parameters as each file's header states them.
        assert_eq!(shape("Norris"), (36, 2, true, Some(1)));
        assert_eq!(shape("Pontius"), (40, 3, true, Some(2)));
        assert_eq!(shape("NoInt1"), (11, 1, false, Some(1)));
        assert_eq!(shape("NoInt2"), (3, 1, false, Some(1)));
        assert_eq!(shape("Filip"), (82, 11, true, Some(10)));
        assert_eq!(shape("Longley"), (16, 7, true, None));
        assert_eq!(shape("Wampler5"), (21, 6, true, Some(5)));
        let norris = &sets[0];
        assert_eq!(norris.certified, [-0.262323073774029, 1.00211681802045]);
        assert_eq!((norris.y[1], norris.predictors[0][1]), (338.8, 337.4));
        let longley = sets.iter().find(|s| s.name == "Longley").unwrap();
        assert_eq!(longley.design().shape(), (16, 7));
        assert_eq!(longley.predictors[5][15], 1962.0);
        let filip = sets.iter().find(|s| s.name == "Filip").unwrap();
        assert_eq!(filip.certified[10], -0.402962525080404e-4);
        assert_eq!(filip.certified_sd[10], 0.896632837373868e-05);
        assert_eq!((filip.residual_sd, filip.r_squared), (0.334801051324544e-02, 0.996727416185620));
        let noint1 = sets.iter().find(|s| s.name == "NoInt1").unwrap();
        assert_eq!(noint1.terms(), ["B1"]);
        assert_eq!(noint1.certified_values().len(), 11);
        // The ANOVA rows, as the files print them (Wampler5's MS(residual) ends in a bare
        // point, "557028453333333.").
        assert_eq!((filip.anova.df_regression, filip.anova.df_residual), (10.0, 71.0));
        assert_eq!((filip.anova.ss_regression, filip.anova.f), (0.242391619837339, 2162.43954511489));
        let wampler5 = sets.iter().find(|s| s.name == "Wampler5").unwrap();
        assert_eq!(wampler5.anova.ms_residual, 557028453333333.0);
        // NIST prints 17 digits; the nearest f64 is what the parser must give.
        #[allow(clippy::excessive_precision)]
        let certified_f = 6.7552445824012241e-03;
        assert_eq!(wampler5.anova.f, certified_f);
        let wampler1 = sets.iter().find(|s| s.name == "Wampler1").unwrap();
        assert_eq!((wampler1.anova.ss_residual, wampler1.anova.f), (0.0, f64::INFINITY));
    }
}
