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

#[test]
fn every_method_gives_the_hand_computed_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "small.csv", SMALL);
    for method in ["covvar", "normal", "qr", "svd", "gd", "adam"] {
        let o = fit(&["--data", &path, "--method", method, "--json"]);
        assert!(o.status.success(), "{method}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let c: Vec<f64> = v["coefficients"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
        // By hand: Sxy = 9.7, Sxx = 5 → w = 1.94, b = 5 − 1.94·2.5 = 0.15; SSE = 0.082, SST = 18.9.
        assert!((c[0] - 0.15).abs() < 1e-10 && (c[1] - 1.94).abs() < 1e-10, "{method}: {c:?}");
        assert!((v["mse"].as_f64().unwrap() - 0.0205).abs() < 1e-10, "{method}");
        assert!((v["r2"].as_f64().unwrap() - (1.0 - 0.082 / 18.9)).abs() < 1e-10, "{method}");
        assert_eq!(v["method"], method);
    }
    let text = fit(&["--data", &path, "--method", "svd"]);
    let out = String::from_utf8_lossy(&text.stdout);
    for label in ["b (intercept) = 0.1", "w (slope)     = 1.94", "MSE = 0.0205", "R²  = 0.99566"] {
        assert!(out.contains(label), "{label} missing in {out}");
    }
}

#[test]
fn polynomial_degree_fits_an_exact_parabola() {
    let dir = tempfile::tempdir().unwrap();
    // y = 1 − 2x + 0.5x² exactly.
    let path = csv(&dir, "p.csv", "x,y\n0,1\n1,-0.5\n2,-1\n3,-0.5\n4,1\n");
    let o = fit(&["--data", &path, "--degree", "2", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c: Vec<f64> = v["coefficients"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
    for (got, want) in c.iter().zip([1.0, -2.0, 0.5]) {
        assert!((got - want).abs() < 1e-12, "{c:?}");
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str], &str)] = &[
        ("", &[], "the file is empty"),
        ("x,y\n", &[], "need at least 2 points"),
        ("name,city\na,b\nc,d\n", &[], "need two numeric columns"),
        ("x,y\n1,2\n3,abc\n", &[], "line 3: column `y` = `abc` is not a number"),
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

#[test]
fn constant_y_has_an_undefined_r2_not_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(&dir, "flat.csv", "x,y\n1,3\n2,3\n3,3\n");
    let o = fit(&["--data", &path, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["r2"].is_null());
    assert!(v["mse"].as_f64().unwrap() < 1e-25);
}
