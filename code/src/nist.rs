//! The NIST StRD linear-regression data sets and their certified coefficients.
//!
//! The eleven `.dat` files live in `data/nist/` at the repository root, byte for byte
//! as NIST publishes them (CRLF line endings). They are compiled into the crate, so the
//! chapter needs no file at run time; [`parse`] reads everything from the text, using
//! the line ranges each file announces in its header.

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::linalg;

/// One data set: its model, certified coefficients and data.
#[derive(Debug, Clone, PartialEq)]
pub struct NistSet {
    pub name: String,
    /// Certified coefficients, in column order of [`NistSet::design`].
    pub certified: Vec<f64>,
    /// Whether the model has B0 (NoInt1/NoInt2 do not).
    pub intercept: bool,
    /// Degree of the polynomial in x, when there is a single predictor.
    pub degree: Option<usize>,
    /// Predictor columns (one for polynomial models, six for Longley).
    pub predictors: Vec<Vec<f64>>,
    pub y: Vec<f64>,
}

impl NistSet {
    /// The design matrix of the certified model.
    pub fn design(&self) -> DMatrix<f64> {
        match self.degree {
            Some(d) => linalg::polynomial(&self.predictors[0], d, self.intercept),
            None => linalg::design(&self.predictors, self.intercept),
        }
    }
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
    for (k, line) in lines[c0 - 1..c1].iter().enumerate() {
        let mut tokens = line.split_whitespace();
        let Some(index) = tokens.next().and_then(|t| t.strip_prefix('B')).and_then(|i| i.parse().ok()) else {
            continue;
        };
        let value = tokens
            .next()
            .and_then(|t| t.parse::<f64>().ok())
            .ok_or_else(|| bad(format!("line {}: B{index} has no numeric value", c0 + k)))?;
        params.push((index, value));
    }
    if params.is_empty() {
        return Err(bad("no certified parameters".into()));
    }
    let intercept = params[0].0 == 0;
    let expected_first = usize::from(!intercept);
    if params.iter().enumerate().any(|(k, (i, _))| *i != k + expected_first) {
        return Err(bad("certified parameters are not numbered B0, B1, … in order".into()));
    }

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
    for (k, line) in lines[d0 - 1..d1].iter().enumerate() {
        let row: Vec<f64> = line
            .split_whitespace()
            .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect::<Option<_>>()
            .ok_or_else(|| bad(format!("line {}: a cell is not a finite number", d0 + k)))?;
        if row.len() != columns.len() {
            return Err(bad(format!("line {}: {} cells, expected {}", d0 + k, row.len(), columns.len())));
        }
        for (col, v) in table.iter_mut().zip(row) {
            col.push(v);
        }
    }
    let y = table.remove(0);
    let n_params = params.len();
    let degree = if table.len() == 1 { Some(n_params - usize::from(intercept)) } else { None };
    let n_columns = table.len() + usize::from(intercept);
    if degree.is_none() && n_columns != n_params {
        return Err(bad(format!("{n_params} parameters for {n_columns} columns")));
    }
    Ok(NistSet {
        name: name.to_string(),
        certified: params.into_iter().map(|(_, v)| v).collect(),
        intercept,
        degree,
        predictors: table,
        y,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NIST/ITL StRD\r\n\
Dataset Name:  Tiny\r\n\
File Format:   ASCII\r\n\
               Certified Values  (lines 6 to 8)\r\n\
               Data              (lines 11 to 13)\r\n\
        B0        -0.5E-01     0.1\r\n\
        B1         2.0         0.2\r\n\
     Residual Standard Deviation   0.0\r\n\
\r\n\
Data:       y          x\r\n\
           1.95        1.0\r\n\
           3.95        2.0\r\n\
           5.95        3.0\r\n";

    #[test]
    fn parses_a_small_dat_text() {
        let s = parse("Tiny", TINY).unwrap();
        assert_eq!(s.certified, [-0.05, 2.0]);
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
            (TINY.replace("(lines 6 to 8)", "(somewhere)"), "no `Certified Values"),
            (TINY.replace("5.95        3.0", "5.95        abc"), "line 13: a cell is not a finite number"),
            (TINY.replace("3.95        2.0", "3.95"), "line 12: 1 cells, expected 2"),
            (TINY.replace("Data:       y", "Dada:       y"), "expected the `Data:` column header"),
            (TINY.replace("B1         2.0", "B1         two"), "B1 has no numeric value"),
            (TINY.replace("(lines 11 to 13)", "(lines 11 to 99)"), "no `Data (lines"),
        ] {
            let msg = parse("Tiny", &text).unwrap_err().to_string();
            assert!(msg.contains(expected), "{msg}");
            assert!(!msg.contains('\n'));
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
    }
}
