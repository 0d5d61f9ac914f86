//! The `fit` binary as a reader runs it: every method, JSON output, and bad input.

use std::process::{Command, Output};

fn fit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fit")).args(args).output().expect("fit runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_error(o: &Output, expected: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error:"), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "nothing on stdout when failing");
}

fn csv(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

const SMALL: &str = "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n";

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect()
}

#[test]
fn every_method_gives_the_hand_computed_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "small.csv", SMALL);
    for method in ["refined", "covvar", "normal", "qr", "svd", "gd", "adam"] {
        let v = json(&fit(&["--data", &path, "--method", method, "--json"]));
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, [
            "terms", "coefficients", "std_errors", "t", "p", "conf_int_95", "r2", "adj_r2", "residual_sd", "anova",
            "n", "df_resid", "method", "refinement_steps", "condition_number"
        ]);
        let c = floats(&v["coefficients"]);
        // By hand: Sxy = 9.7, Sxx = 5 → w = 1.94, b = 5 − 1.94·2.5 = 0.15; SSE = 0.082, SST = 18.9;
        // s² = 0.082/2, se(w) = √(s²/5), se(b) = √(s²·(1/4 + 2.5²/5)).
        assert!((c[0] - 0.15).abs() < 1e-10 && (c[1] - 1.94).abs() < 1e-10, "{method}: {c:?}");
        let se = floats(&v["std_errors"]);
        assert!((se[1] - (0.041f64 / 5.0).sqrt()).abs() < 1e-10 && (se[0] - (0.041f64 * 1.5).sqrt()).abs() < 1e-10);
        assert!((v["residual_sd"].as_f64().unwrap() - 0.041f64.sqrt()).abs() < 1e-10, "{method}");
        assert!((v["r2"].as_f64().unwrap() - (1.0 - 0.082 / 18.9)).abs() < 1e-10, "{method}");
        assert_eq!((v["n"].as_u64(), v["df_resid"].as_u64()), (Some(4), Some(2)));
        assert_eq!(v["method"], method);
        assert_eq!(v["terms"], serde_json::json!(["(intercept)", "x"]));
    }
    let text = fit(&["--data", &path]);
    let out = String::from_utf8_lossy(&text.stdout);
    for label in ["(intercept)", "R² = 0.99566", "adjusted R² = 0.99349", "method = refined", "n = 4, residual degrees of freedom = 2"] {
        assert!(out.contains(label), "{label} missing in {out}");
    }
}

#[test]
fn several_named_predictors_and_no_intercept() {
    let dir = tempfile::tempdir().unwrap();
    // rent = 10 + 2·surface − 3·rooms exactly, plus one off point; columns in any order.
    let text = "rooms;surface;rent\n1;20;47\n2;35;74\n3;50;101\n2;60;124\n4;80;159\n";
    let path = csv(&dir, "flat.csv", text);
    let v = json(&fit(&["--data", &path, "--y", "rent", "--x", "surface,rooms", "--json"]));
    assert_eq!(v["terms"], serde_json::json!(["(intercept)", "surface", "rooms"]));
    let c = floats(&v["coefficients"]);
    assert_eq!(c.len(), 3);
    // Through the origin: y = 2x exactly → coefficient 2, residual sd 0, uncentred R² = 1.
    let path = csv(&dir, "origin.csv", "x,y\n1,2\n2,4\n3,6\n");
    let v = json(&fit(&["--data", &path, "--no-intercept", "--json"]));
    assert_eq!(v["terms"], serde_json::json!(["x"]));
    assert!((floats(&v["coefficients"])[0] - 2.0).abs() < 1e-15);
    assert!((v["r2"].as_f64().unwrap() - 1.0).abs() < 1e-15);
    assert_eq!(v["df_resid"].as_u64(), Some(2));
}

#[test]
fn rank_deficient_designs_name_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "dup.csv", "a,b,c,y\n1,2,3,1\n2,4,1,2\n3,6,4,2\n4,8,1,5\n");
    assert_clean_error(&fit(&["--data", &path, "--x", "a,b"]), "column `b` is a multiple of column `a`");
    let path = csv(&dir, "sum.csv", "a,b,c,y\n1,3,4,1\n2,1,3,2\n4,2,6,2\n7,2,9,5\n");
    assert_clean_error(&fit(&["--data", &path, "--x", "a,b,c", "--no-intercept"]), "linearly dependent (column `a`, column `b`, column `c`)");
    let path = csv(&dir, "const.csv", "x,y\n5,1\n5,2\n5,4\n");
    assert_clean_error(&fit(&["--data", &path]), "column `(intercept)` and column `x` are both constant");
    assert_clean_error(&fit(&["--data", &path, "--x", "z"]), "no numeric column `z`");
    assert_clean_error(&fit(&["--data", &path, "--x", "x,y"]), "column `y` is both y and a predictor");
    assert_clean_error(&fit(&["--data", &path, "--x", "x,x", "--degree", "2"]), "expands one x column");
}

#[test]
fn polynomial_degree_fits_an_exact_parabola() {
    let dir = tempfile::tempdir().unwrap();
    // y = 1 − 2x + 0.5x² exactly.
    let path = csv(&dir, "p.csv", "x,y\n0,1\n1,-0.5\n2,-1\n3,-0.5\n4,1\n");
    let v = json(&fit(&["--data", &path, "--degree", "2", "--json"]));
    let c = floats(&v["coefficients"]);
    assert_eq!(c, [1.0, -2.0, 0.5]);
    assert_eq!(v["terms"], serde_json::json!(["(intercept)", "x", "x^2"]));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str], &str)] = &[
        ("surface,rent\n1,2\n3,4\n", &[], "no numeric column `y`"),
        ("x,y\n1,2\nNaN,4\n", &[], "not a finite number"),
        ("x,y\n1,2\n3,inf\n", &[], "not a finite number"),
        ("x,y\n1,2\n2,3\n", &["--degree", "2"], "need at least 3 rows to fit 3 coefficients"),
        ("x,y\n5,2\n5,3\n5,4\n", &[], "rank-deficient"),
        ("x,y\n5,2\n5,3\n5,4\n", &["--method", "gd"], "rank-deficient"),
        ("x,y\n5,2\n5,3\n5,4\n", &["--method", "covvar"], "constant"),
        ("x,y\n5,2\n5,3\n5,4\n", &["--method", "adam"], "rank-deficient"),
        (SMALL, &["--method", "adam", "--degree", "2"], "fits a line only"),
        (SMALL, &["--method", "gd", "--degree", "2"], "fits a line only"),
        (SMALL, &["--method", "newton"], "invalid value 'newton'"),
        // Squares that leave f64: the chapters' message, not "rank-deficient".
        ("x,y\n1e-160,2\n2e-160,3\n3e-160,5\n", &[], "column `x` spans only 2.0e-160"),
        ("x,y\n1,2e200\n2,3e200\n3,5e200\n", &[], "column `y` has values as large as 5.0e200"),
        ("x,y,x\n1,2,3\n4,5,6\n7,8,0\n", &[], "column `x` appears 2 times in the header"),
        ("x,y\n\"1,200\",2\n3,4\n5,7\n", &[], "a thousands separator (`1200`) or a decimal comma"),
    ];
    for (k, (text, extra, expected)) in cases.iter().enumerate() {
        let path = csv(&dir, &format!("bad{k}.csv"), text);
        let mut args = vec!["--data", path.as_str()];
        args.extend_from_slice(extra);
        let o = fit(&args);
        assert_clean_error(&o, expected);
        if !expected.starts_with("invalid value") {
            assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
        }
    }
    assert_clean_error(&fit(&["--data", "/no/such/file.csv"]), "cannot read /no/such/file.csv");
    assert_clean_error(&fit(&[]), "--data");
}

/// statsmodels 0.15.0, `sm.OLS(d['rent (EUR)'], sm.add_constant(d[['area (m2)', 'rooms',
/// 'floor']])).fit()` on data/my-rents.csv, printed with 17 digits: an OLS written by
/// others, in another language, through another solver (numpy's pinv).
#[test]
fn several_predictors_match_statsmodels_ols() {
    let v = json(&fit(&[
        "--data", "../data/my-rents.csv", "--y", "rent (EUR)", "--x", "area (m2),rooms,floor", "--json",
    ]));
    let close = |got: f64, want: f64, what: &str| {
        assert!((got - want).abs() <= 1e-9 * want.abs(), "{what}: {got} vs statsmodels {want}");
    };
    let columns: [(&str, [f64; 4]); 4] = [
        ("coefficients", [66.49108101351476, 25.759106483728168, 132.82253202158836, 5.083601711739448]),
        ("std_errors", [289.4110805339572, 17.24399144100493, 349.22603631111, 41.28854396860126]),
        ("t", [0.22974614824988784, 1.4938018597292346, 0.3803339906285299, 0.12312378260675357]),
        ("p", [0.8295593070958944, 0.20952893162628694, 0.7230316417813311, 0.9079476463850124]),
    ];
    for (key, want) in columns {
        for (j, (g, w)) in floats(&v[key]).iter().zip(want).enumerate() {
            close(*g, w, &format!("{key}[{j}]"));
        }
    }
    let ci = [
        [-737.0428969249951, 870.0250589520247],
        [-22.11788914672261, 73.63610211417895],
        [-836.7843871020199, 1102.4294511451967],
        [-109.5517740906274, 119.7189775141063],
    ];
    for (j, want) in ci.iter().enumerate() {
        let got = floats(&v["conf_int_95"][j]);
        close(got[0], want[0], &format!("ci[{j}].lo"));
        close(got[1], want[1], &format!("ci[{j}].hi"));
    }
    let f = |k: &str| v[k].as_f64().unwrap();
    close(f("r2"), 0.9440200165316089, "R²");
    close(f("adj_r2"), 0.9020350289303156, "adjusted R²");
    close(f("residual_sd"), 217.6113337536681, "residual sd");
    let a = &v["anova"];
    close(a["f"].as_f64().unwrap(), 22.4847039493357, "F");
    close(a["f_p"].as_f64().unwrap(), 0.005764977554632741, "P(>F)");
    close(a["ss_model"].as_f64().unwrap(), 3194268.729687799, "SS model");
    close(a["ss_resid"].as_f64().unwrap(), 189418.77031220132, "SS residual");
    assert_eq!((a["df_model"].as_u64(), a["df_resid"].as_u64()), (Some(3), Some(4)));
}

/// Two rows, two coefficients: the line through both points, and every noise estimate
/// marked undefined instead of a refusal or a NaN.
#[test]
fn as_many_rows_as_coefficients_reports_the_exact_fit() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "two.csv", "x,y\n1,2\n3,8\n");
    let o = fit(&["--data", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("exact fit") && out.contains("—") && !out.contains("NaN"), "{out}");
    let v = json(&fit(&["--data", &path, "--json"]));
    let c = floats(&v["coefficients"]);
    assert!((c[0] + 1.0).abs() < 1e-14 && (c[1] - 3.0).abs() < 1e-14, "{c:?}");
    assert_eq!(v["std_errors"], serde_json::json!([null, null]));
    assert_eq!(v["anova"]["f"], serde_json::Value::Null);
}

#[test]
fn constant_y_has_an_undefined_r2_not_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "flat.csv", "x,y\n1,3\n2,3\n3,3\n");
    let v = json(&fit(&["--data", &path, "--json"]));
    assert!(v["r2"].is_null() && v["adj_r2"].is_null());
    assert!(v["residual_sd"].as_f64().unwrap() < 1e-15);
}

/// Every NIST StRD set through the command line, as a reader would run it: a CSV made
/// from the .dat file (the f64 values, printed so they read back identically), `--degree`
/// for the polynomials, the six named predictors of Longley, `--no-intercept` for NoInt.
/// The LREs must be those of the library's refined scoring (the chapter's table), and
/// at least 13 on every certified value.
#[test]
fn every_nist_set_through_the_cli_reproduces_the_chapter() {
    use linreg::linalg::{Method, lre};
    use linreg::nist;
    let dir = tempfile::tempdir().unwrap();
    for set in nist::all().unwrap() {
        let names: Vec<String> = if set.predictors.len() == 1 {
            vec!["x".into()]
        } else {
            (1..=set.predictors.len()).map(|k| format!("x{k}")).collect()
        };
        let mut text = format!("y,{}\n", names.join(","));
        for i in 0..set.y.len() {
            let row: Vec<String> = std::iter::once(set.y[i]).chain(set.predictors.iter().map(|c| c[i])).map(|v| v.to_string()).collect();
            text.push_str(&(row.join(",") + "\n"));
        }
        let path = csv(&dir, &format!("{}.csv", set.name), &text);
        let xs = names.join(",");
        let degree = set.degree.unwrap_or(1).to_string();
        let mut args = vec!["--data", path.as_str(), "--y", "y", "--x", xs.as_str(), "--json"];
        if set.degree.is_some() {
            args.extend(["--degree", degree.as_str()]);
        }
        if !set.intercept {
            args.push("--no-intercept");
        }
        let v = json(&fit(&args));
        let mut got = floats(&v["coefficients"]);
        got.extend(floats(&v["std_errors"]));
        got.push(v["residual_sd"].as_f64().unwrap());
        got.push(v["r2"].as_f64().unwrap());
        // The ANOVA table, in nist::certified_values' order (F only where NIST certifies a finite one).
        let a = &v["anova"];
        got.extend(["df_model", "df_resid", "ss_model", "ss_resid", "ms_model", "ms_resid"].map(|k| a[k].as_f64().unwrap()));
        if set.certified_values().iter().any(|(l, _)| l == "F") {
            got.push(a["f"].as_f64().unwrap());
        }
        let library = nist::score(&set, Method::Refined, false).unwrap();
        let certified = set.certified_values();
        assert_eq!(got.len(), certified.len(), "{}", set.name);
        for ((label, cert), (got, (_, lib))) in certified.iter().zip(got.iter().zip(&library.lre)) {
            let l = lre(*got, *cert);
            assert!((l - lib).abs() < 1e-9, "{} {label}: CLI {l} vs library {lib}", set.name);
            // The refined floor of the chapter: 13 digits (the lowest, Wampler2's
            // coefficients, has 13.2; what is missing there is the rounding of the data to f64).
            assert!(l >= 13.0, "{} {label}: LRE {l}", set.name);
        }
    }
}
