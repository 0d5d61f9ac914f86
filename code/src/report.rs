//! What a chapter produces: figures, tables, and the numbers its prose quotes.
//!
//! A chapter fills a [`Report`]; the binary then writes it atomically and, with
//! `--json`, prints its numbers. The markdown file `values.md` holds each number
//! between mdBook anchors, so prose can say `{{#include generated/ch1/values.md:n}}`
//! instead of typing a number that would go stale.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// `value` as one line of compact JSON, as `format!("{}\n", serde_json::json!(…))` writes it,
/// without building a `serde_json::Value` tree first (one node per number of a data column).
pub fn json_line<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string(value).expect("plain data always serialises");
    out.push('\n');
    out
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    values: Map<String, Value>,
    prose: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
    /// Keys of numbers that came out NaN or infinite; [`Report::write_to`] refuses them.
    non_finite: Vec<String>,
    /// Keys of ratios with a zero denominator on these data, written as null / "—".
    undefined: Vec<String>,
}

impl Report {
    pub fn new() -> Self {
        Self::default()
    }

    /// A real number: full precision in JSON, `sig` significant digits in prose.
    pub fn number(&mut self, key: &str, value: f64, sig: usize) -> &mut Self {
        self.note_non_finite(key, value);
        self.insert(key, Value::from(value), fmt_sig(value, sig))
    }

    /// A real number too small or too large for plain digits (a rounding error, say):
    /// full precision in JSON, scientific notation in prose (see [`fmt_sci`]).
    pub fn number_sci(&mut self, key: &str, value: f64, sig: usize) -> &mut Self {
        self.note_non_finite(key, value);
        self.insert(key, Value::from(value), fmt_sci(value, sig))
    }

    /// A ratio the chapter quotes that some data leave undefined: its denominator is exactly
    /// 0 (b* = 0 for y = a·x, a zero standard error for a perfect fit), or it overflows.
    /// Then JSON gets `null` and prose "—" instead of a refusal, and [`Report::undefined`]
    /// names it so the binary can say why.
    pub fn ratio(&mut self, key: &str, numerator: f64, denominator: f64, sig: usize) -> &mut Self {
        let value = numerator / denominator;
        if denominator == 0.0 || !value.is_finite() {
            return self.undefined_number(key);
        }
        self.number(key, value, sig)
    }

    /// A number these data leave undefined (see [`Report::ratio`]): `null` and "—".
    pub fn undefined_number(&mut self, key: &str) -> &mut Self {
        self.undefined.push(key.to_string());
        self.insert(key, Value::Null, "—".to_string())
    }

    /// Keys of ratios these data leave undefined (see [`Report::ratio`]).
    pub fn undefined(&self) -> &[String] {
        &self.undefined
    }

    pub fn integer(&mut self, key: &str, value: i64) -> &mut Self {
        self.insert(key, Value::from(value), value.to_string())
    }

    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        self.insert(key, Value::from(value), value.to_string())
    }

    fn note_non_finite(&mut self, key: &str, value: f64) {
        if !value.is_finite() {
            self.non_finite.push(key.to_string());
        }
    }

    /// The last line of defence against a NaN reaching the reader: an error if any number
    /// is not finite or any SVG figure carries `NaN` / `inf` text. Chapters are meant to
    /// handle extreme data themselves; this catches the case one of them misses.
    pub fn check_finite(&self) -> Result<()> {
        if let Some(key) = self.non_finite.first() {
            return Err(Error::Data(format!(
                "the chapter cannot quote `{key}` on these data: it comes out NaN or infinite (a ratio \
                 to a quantity that is 0 here, such as b* = 0 or a perfect fit, or magnitudes beyond f64); \
                 nothing was written"
            )));
        }
        for (name, bytes) in &self.files {
            let bad = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
            if name.ends_with(".svg") && (bad(b"NaN") || bad(b">inf<") || bad(b"inf</")) {
                return Err(Error::Plot(format!(
                    "{name} would show a non-finite number on these data; nothing was written"
                )));
            }
        }
        Ok(())
    }

    fn insert(&mut self, key: &str, json: Value, prose: String) -> &mut Self {
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "value keys double as mdBook anchors: {key}"
        );
        let old = self.values.insert(key.to_string(), json);
        assert!(old.is_none(), "value {key} set twice");
        self.prose.push((key.to_string(), prose));
        self
    }

    /// A generated file (figure, table, data) to write beside the values.
    pub fn file(&mut self, name: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.push((name.to_string(), bytes.into()));
        self
    }

    /// A generated text file's contents, if the report has one of that name (for tests).
    pub fn file_text(&self, name: &str) -> Option<&str> {
        self.files.iter().find(|(n, _)| n == name).and_then(|(_, b)| std::str::from_utf8(b).ok())
    }

    /// The numbers, as one JSON object with keys in insertion order.
    pub fn json(&self) -> Value {
        Value::Object(self.values.clone())
    }

    /// `values.md`: every number between `ANCHOR:` / `ANCHOR_END:` lines.
    pub fn values_md(&self) -> String {
        let mut out = String::from("<!-- Generated by the chapter binary; do not edit. -->\n");
        for (key, text) in &self.prose {
            out.push_str(&format!("ANCHOR: {key}\n{text}\nANCHOR_END: {key}\n"));
        }
        out
    }

    /// Every file this report writes, `values.json` and `values.md` included, in a
    /// fixed order.
    pub fn all_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = self.files.clone();
        files.push(("values.json".into(), self.values_json().into_bytes()));
        files.push(("values.md".into(), self.values_md().into_bytes()));
        files
    }

    /// How many files [`Report::all_files`] holds, without copying them.
    pub fn file_count(&self) -> usize {
        self.files.len() + 2
    }

    fn values_json(&self) -> String {
        let json = serde_json::to_string_pretty(&self.json()).expect("a JSON map always serialises");
        format!("{json}\n")
    }

    /// Writes every file into `dir` (created if needed). Each file is written to a
    /// temporary file in the same folder and renamed into place, so a reader never
    /// sees a half-written figure, even if the program is stopped mid-way.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        self.check_finite()?;
        std::fs::create_dir_all(dir)
            .map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
        // The files of `all_files`, in its order, without copying them (a data file for a
        // widget holds every row).
        for (name, bytes) in &self.files {
            write_atomic(&dir.join(name), bytes)?;
        }
        write_atomic(&dir.join("values.json"), self.values_json().as_bytes())?;
        write_atomic(&dir.join("values.md"), self.values_md().as_bytes())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let err = |source| Error::Write { path: path.to_path_buf(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    // Temporary files are private (0600) by default; the result is an ordinary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// `value` with `sig` significant digits, for prose: never in exponent notation, and
/// integers of five digits or more grouped by thin spaces (SI style).
/// 1234.6 → "1235", 591984.7 → "592 000" (at 3 digits), 0.012345 → "0.0123".
pub fn fmt_sig(value: f64, sig: usize) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (sig as i32 - 1 - magnitude).max(0) as usize;
    // Round to `sig` digits first, even left of the decimal point (591985 → 592000).
    let scale = 10f64.powi(magnitude + 1 - sig as i32);
    let rounded = if decimals == 0 { (value / scale).round() * scale } else { value };
    let mut text = format!("{rounded:.decimals$}");
    // Rounding can carry into a new digit (9.9996 → "10.000"): drop the extra decimal.
    if decimals > 0 && text.parse::<f64>().expect("just formatted").abs() >= 10f64.powi(magnitude + 1) {
        text = format!("{value:.prec$}", prec = decimals - 1);
    }
    minus_sign(group_thousands(&text))
}

/// A whole count with all its digits, grouped: 5159812 → "5 159 812".
pub fn fmt_count(k: f64) -> String {
    fmt_sig(k, (k.abs().max(1.0).log10().floor() as usize) + 1)
}

/// A typeset minus (U+2212) for a leading hyphen: "−74 254", as in the maths around it.
fn minus_sign(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => text,
    }
}

/// `value` in scientific notation for prose, `sig` significant digits, with a
/// Unicode exponent: 1.234e-10 → "1.23 × 10⁻¹⁰" (at 3 digits). Zero and non-finite
/// values are written as they are.
pub fn fmt_sci(value: f64, sig: usize) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let text = format!("{value:.prec$e}", prec = sig.saturating_sub(1));
    let (mantissa, exponent) = text.split_once('e').expect("{:e} always has an exponent");
    if exponent == "0" {
        return minus_sign(mantissa.to_string());
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let sup: String = exponent
        .chars()
        .map(|c| if c == '-' { '⁻' } else { SUP[c.to_digit(10).expect("exponent digits") as usize] })
        .collect();
    // A bare power of ten reads better without "1 ×" (a bound like "< 10⁻¹⁵").
    // No-break spaces: a line never ends between the mantissa and its power of ten.
    let mantissa = minus_sign(mantissa.to_string());
    if mantissa == "1" { format!("10{sup}") } else if mantissa == "\u{2212}1" { format!("\u{2212}10{sup}") } else { format!("{mantissa}\u{a0}×\u{a0}10{sup}") }
}

fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() < 5 {
        return text.to_string();
    }
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push('\u{202f}'); // narrow no-break space
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(fmt_sig(1234.6, 4), "1235");
        assert_eq!(fmt_sig(123456.0, 4), "123\u{202f}500");
        assert_eq!(fmt_sig(591984.7, 3), "592\u{202f}000");
        assert_eq!(fmt_sig(-12345.0, 6), "\u{2212}12\u{202f}345.0");
        assert_eq!(fmt_sig(3384.2, 4), "3384");
        assert_eq!(fmt_sig(0.012345, 3), "0.0123");
        assert_eq!(fmt_sig(-31.98765, 4), "\u{2212}31.99");
        assert_eq!(fmt_sig(9.9996, 4), "10.00");
        assert_eq!(fmt_sig(0.0, 4), "0");
    }

    #[test]
    fn scientific_notation() {
        assert_eq!(fmt_sci(1.234e-10, 3), "1.23\u{a0}×\u{a0}10⁻¹⁰");
        assert_eq!(fmt_sci(-4.0e5, 2), "\u{2212}4.0\u{a0}×\u{a0}10⁵");
        assert_eq!(fmt_sci(2.5, 2), "2.5");
        assert_eq!(fmt_sci(1e-15, 1), "10⁻¹⁵");
        assert_eq!(fmt_sci(0.0, 2), "0");
    }

    #[test]
    fn values_file_has_anchors_and_json_keeps_order() {
        let mut r = Report::new();
        r.integer("n", 50).number("w_star", 31.98765, 4).text("method", "svd");
        assert_eq!(
            r.values_md().lines().skip(1).collect::<Vec<_>>(),
            ["ANCHOR: n", "50", "ANCHOR_END: n", "ANCHOR: w_star", "31.99", "ANCHOR_END: w_star",
             "ANCHOR: method", "svd", "ANCHOR_END: method"]
        );
        let keys: Vec<_> = r.json().as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["n", "w_star", "method"]);
    }

    #[test]
    fn non_finite_numbers_and_figures_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::new();
        r.number("ok", 1.0, 2).number("w_star", f64::NAN, 4);
        let e = r.write_to(dir.path()).unwrap_err().to_string();
        assert!(e.contains("cannot quote `w_star` on these data"), "{e}");
        let mut r = Report::new();
        r.number_sci("tiny", f64::INFINITY, 2);
        assert!(r.check_finite().is_err());
        let mut r = Report::new();
        r.file("a.svg", "<svg><text>NaN</text></svg>");
        assert!(r.write_to(dir.path()).unwrap_err().to_string().contains("a.svg"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing half-written");
        let mut r = Report::new();
        r.number("w", 2.5, 2).file("a.svg", "<svg><text>information</text></svg>");
        assert!(r.check_finite().is_ok());
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(Path::new("/nonexistent-dir/a.txt"), b"x").is_err());
    }
}
