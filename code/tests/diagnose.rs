//! `diagnose` as a reader runs it: agreement with chapter 4's generated numbers, bad
//! input, constant x, divergence, mini-batches, and a million-row file.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

fn diagnose(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diagnose")).args(args).output().expect("binary runs")
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = diagnose(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    serde_json::from_str(&text).unwrap()
}

fn chapter4() -> Value {
    let path = linreg::cli::book_generated_dir().join("ch4/values.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn assert_clean_error(o: &Output, expected: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error:"), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn csv(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn agrees_with_chapter_4_on_the_paris_data() {
    let j = json(&["--lr", "1e-5", "--epochs", "200", "--init", "25,100"]);
    let c = chapter4();
    let v = |j: &Value, k: &str| j[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    for (ours, theirs) in [("lambda_min", "lambda_min"), ("lambda_max", "lambda_max"), ("kappa", "kappa"), ("max_stable_lr", "max_stable_lr"), ("best_lr", "best_lr")] {
        assert!(rel(v(&j, ours), v(&c, theirs)) < 1e-12, "{ours}: {} vs {}", v(&j, ours), v(&c, theirs));
    }
    assert_eq!(j["steps"], 200);
    assert_eq!(j["n"], 50);
    assert_eq!(j["loss"], "mean");
    // Measured shrink: chapter 4's error components at the end over those at the start.
    let measured = &j["shrink_measured"];
    let flat = v(&c, "err_flat_final") / v(&c, "err_flat_start");
    let steep = (v(&c, "err_steep_final") / v(&c, "err_steep_start")).abs();
    assert!(rel(v(measured, "v_min"), flat) < 1e-12, "{measured} vs {flat}");
    assert!(rel(v(measured, "v_max"), steep) < 1e-12, "{measured} vs {steep}");
    let predicted = &j["shrink_predicted"];
    assert!(rel(v(predicted, "v_min"), v(&c, "decay_flat")) < 1e-12);
    assert!(rel(v(predicted, "v_max"), v(&c, "decay_steep")) < 1e-12);
    // The eigenvectors, component by component.
    assert!(rel(v(&j["v_min"], "b"), v(&c, "vmin_b")) < 1e-12 && rel(v(&j["v_max"], "w"), v(&c, "vmax_w")) < 1e-12);
    // Steps to 1e-6: predicted from the components = measured = chapter 4's measured count.
    for (key, ch4) in [("this_lr", "measured_notebook"), ("best_lr", "measured_best")] {
        let s = &j["steps_to_eps"][key];
        assert_eq!(s["status"], "reached", "{key}");
        assert_eq!(s["predicted"], s["measured"], "{key}: {s}");
        assert_eq!(s["measured"], c[ch4], "{key}");
    }
    // Centring and standardizing.
    assert!(v(&j, "kappa_centered") < v(&j, "kappa") / 10.0);
    assert!((v(&j, "kappa_standardized") - 1.0).abs() < 1e-9);
    assert_eq!(j["steps_to_eps"]["standardized"]["measured"], 1);
    let centred = &j["steps_to_eps"]["centered"];
    assert_eq!(centred["predicted"], centred["measured"]);
    assert_eq!(j["diverged"], false);
    assert_eq!(j["diverged_at"], Value::Null);
}

#[test]
fn json_has_the_documented_keys() {
    let j = json(&["--example", "reader", "--lr", "1e-5", "--epochs", "100"]);
    for key in [
        "n", "loss", "lambda_min", "lambda_max", "kappa", "v_min", "v_max", "max_stable_lr", "best_lr",
        "kappa_centered", "kappa_standardized", "lr", "steps", "diverged", "diverged_at", "shrink_predicted",
        "shrink_measured", "steps_to_eps",
    ] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    for key in ["this_lr", "best_lr", "centered", "standardized"] {
        assert!(j["steps_to_eps"].get(key).is_some(), "missing steps_to_eps.{key}");
    }
    // The reader's question: the slow direction is almost pure b.
    assert!(j["v_min"]["b"].as_f64().unwrap().abs() > 0.999);
    assert_eq!(j["n"], 100);
}

#[test]
fn the_verdict_names_the_slow_parameter_and_the_fixes() {
    let o = diagnose(&["--lr", "1e-5", "--epochs", "200", "--init", "25,100"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for expected in ["your intercept's error shrinks by a factor e only every", "406\u{202f}000 steps", "5\u{202f}159\u{202f}812", "centre x", "standardize it", "1 step at η = 0.50"] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
}

#[test]
fn divergence_is_a_finding_at_chapter_4s_step() {
    let c = chapter4();
    let lr = c["over_lr"].as_f64().unwrap().to_string();
    let j = json(&["--lr", &lr, "--epochs", "1000", "--init", "25,100"]);
    assert_eq!(j["diverged"], true);
    assert_eq!(j["diverged_at"], c["over_diverged_at"]);
    assert_eq!(j["steps_to_eps"]["this_lr"]["predicted"], Value::Null);
    assert!(j["steps_to_eps"]["this_lr"]["status"].as_str().unwrap().starts_with("diverges"));
    assert!(j["verdict"][0].as_str().unwrap().contains("diverges"));
    // The sum loss on the same data: every curvature ×50, so η = 1e-5 is above 2/λmax.
    let s = json(&["--lr", "1e-5", "--epochs", "100", "--loss", "sum"]);
    assert!(rel(s["lambda_max"].as_f64().unwrap(), 50.0 * c["lambda_max"].as_f64().unwrap()) < 1e-12);
    assert_eq!(s["diverged"], true);
    assert!(s["verdict"][0].as_str().unwrap().contains("sum loss multiplies every curvature by 50"));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let args = |data: &str| vec!["--data".to_string(), data.to_string(), "--lr".into(), "1e-5".into(), "--epochs".into(), "10".into()];
    for (text, expected) in [
        ("x,y\n1,2\n3,abc\n", "line 3: column `y` = `abc` is not a number"),
        ("x,y\n1,2\n2,2\n", "every y equals 2"),
        ("x,y\n100000000,1\n100000001,2\n100000002,3\n", "x is offset far from 0 relative to its spread"),
        ("x,y\n1,2\n", "need at least 2 points"),
        ("x,y\n3,1\n3,2\n3,5\n", "every x equals 3: the slope and the intercept cannot be told apart"),
    ] {
        let path = csv(&dir, "d.csv", text);
        let o = diagnose(&args(&path).iter().map(String::as_str).collect::<Vec<_>>());
        assert_clean_error(&o, expected);
        assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
    }
    assert_clean_error(&diagnose(&["--data", "/nonexistent.csv", "--lr", "1e-5", "--epochs", "1"]), "cannot read");
    assert_clean_error(&diagnose(&["--lr", "0", "--epochs", "1"]), "learning rate must be a positive number");
    assert_clean_error(&diagnose(&["--lr", "-1e-5", "--epochs", "1"]), "learning rate must be a positive number");
    assert_clean_error(&diagnose(&["--lr", "NaN", "--epochs", "1"]), "learning rate must be a positive number");
    assert_clean_error(&diagnose(&["--lr", "abc", "--epochs", "1"]), "invalid value 'abc'");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "0"]), "--epochs must be at least 1");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "1", "--batch", "0"]), "--batch must be at least 1");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "1", "--init", "1"]), "expected two numbers W,B");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "1", "--init", "1,inf"]), "not a finite number");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "1", "--eps", "2"]), "--eps must be between 0 and 1");
    assert_clean_error(&diagnose(&["--lr", "1e-5", "--epochs", "1000000000000"]), "lower --epochs");
    assert_clean_error(&diagnose(&["--epochs", "1"]), "--lr");
    // A folder that cannot be created: nothing written, one line.
    let file = csv(&dir, "a-file", "not a folder");
    let o = diagnose(&["--lr", "1e-5", "--epochs", "1", "--out", &format!("{file}/sub")]);
    assert_clean_error(&o, "cannot write");
    // Values too large for f64 arithmetic: refused, not NaN.
    let path = csv(&dir, "huge.csv", "x,y\n1e200,1\n2e200,2\n3e200,3\n");
    assert_clean_error(&diagnose(&args(&path).iter().map(String::as_str).collect::<Vec<_>>()), "overflows f64");
    // Named columns and another delimiter.
    let path = csv(&dir, "rents.csv", "district;surface (m2);rent (EUR)\nA;20;800\nB;40;1400\nC;60;2100\n");
    let j = json(&["--data", &path, "--x", "surface (m2)", "--y", "rent (EUR)", "--lr", "1e-5", "--epochs", "10"]);
    assert_eq!(j["n"], 3);
    assert_clean_error(&diagnose(&["--data", &path, "--x", "rooms", "--lr", "1e-5", "--epochs", "1"]), "rooms");
    // A negative start works with `=`.
    assert!(diagnose(&["--lr", "1e-5", "--epochs", "1", "--init=-3,5"]).status.success());
}

#[test]
fn mini_batches_are_seeded_and_reported_beside_the_full_batch_prediction() {
    let args = ["--example", "reader", "--lr", "1e-5", "--epochs", "100", "--batch", "10"];
    let a = json(&args);
    assert_eq!(a, json(&args), "same seed, same run");
    assert_eq!(a["steps"], 1000);
    assert_eq!(a["batch"], 10);
    let verdict = a["verdict"].as_array().unwrap();
    let last = verdict.last().unwrap().as_str().unwrap();
    assert!(last.starts_with("Mini-batches of 10: the numbers above are for the full-batch curvature"), "{last}");
    // The flat component still barely moves: mini-batches do not change the curvature.
    let shrink = a["shrink_measured"]["v_min"].as_f64().unwrap();
    assert!(shrink > 0.99, "{shrink}");
    let other = json(&["--example", "reader", "--lr", "1e-5", "--epochs", "100", "--batch", "10", "--seed", "7"]);
    assert_ne!(a["end"], other["end"]);
}

#[test]
fn out_writes_both_figures_and_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diag");
    let o = diagnose(&["--example", "reader", "--lr", "1e-5", "--epochs", "100", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["diagnose-modes.svg", "diagnose-path.svg", "diagnosis.json"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(!text.contains("NaN"), "{name}");
    }
    let svg = std::fs::read_to_string(out.join("diagnose-modes.svg")).unwrap();
    assert!(svg.contains("theory") && svg.contains("λmin = 0.5074"), "the reader's λmin in the legend");
}

#[test]
fn help_explains_every_flag_with_an_example() {
    let o = diagnose(&["--help"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for flag in ["--data", "--example", "--lr", "--epochs", "--loss", "--batch", "--init", "--eps", "--seed", "--json", "--out", "--x", "--y", "--delimiter", "Examples:", "diagnose --data my.csv --lr 1e-5 --epochs 100"] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn a_million_rows_take_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("x,y\n");
    for i in 0..1_000_000u32 {
        let x = 20.0 + 80.0 * (i as f64 / 1e6);
        text.push_str(&format!("{x},{}\n", 32.0 * x + 200.0 + ((i % 17) as f64 - 8.0)));
    }
    let path = csv(&dir, "big.csv", &text);
    let out = dir.path().join("figs");
    let start = Instant::now();
    let j = json(&["--data", &path, "--lr", "1e-5", "--epochs", "1000", "--out", out.to_str().unwrap()]);
    let full = start.elapsed();
    assert_eq!(j["n"], 1_000_000);
    // 10⁷-step counts at O(1) per step, the figures thinned.
    assert!(std::fs::metadata(out.join("diagnose-modes.svg")).unwrap().len() < 400_000);
    // Debug build on a shared machine: parsing the file dominates (release: about 0.5 s of CPU).
    assert!(full < Duration::from_secs(60), "{full:?}");
    eprintln!("10⁶ rows: {full:?}");
}

#[test]
fn the_books_example_is_what_the_binary_prints() {
    let committed = std::fs::read_to_string(linreg::cli::book_generated_dir().join("ch4/diagnose-reader.txt")).unwrap();
    let (command, output) = committed.split_once('\n').unwrap();
    let args: Vec<&str> = command.split(" -- ").nth(1).unwrap().split(' ').collect();
    assert_eq!(command, format!("$ {}", linreg::diagnose::READER_COMMAND));
    let o = diagnose(&args);
    assert!(o.status.success());
    assert_eq!(String::from_utf8(o.stdout).unwrap(), output);
    assert!(output.lines().all(|l| l.chars().count() <= 100), "{output}");
}

/// The verdict ends with the fix as PyTorch lines, at column 0 so that they paste
/// (tests/torch.rs runs them under torch and checks the step count they state).
#[test]
fn the_report_ends_with_pasteable_pytorch_lines() {
    let args = ["--data", concat!(env!("CARGO_MANIFEST_DIR"), "/../data/my-rents.csv"), "--x", "area (m2)", "--y", "rent (EUR)", "--lr", "1e-5", "--epochs", "100"];
    let o = diagnose(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let j = json(&args);
    let lines: Vec<&str> = j["pytorch"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    let tail = format!("{}\n{}\n", linreg::diagnose::PYTORCH_HEADER, lines.join("\n"));
    assert!(text.ends_with(&tail), "{text}");
    // Standardization with this file's constants (κ is in the tens of thousands), one step
    // of lr = 0.5 (the standardized Hessian is 2·I), mapped back.
    assert!(lines.iter().any(|l| l.starts_with("x_mean, x_sd = 52.75, ")), "{lines:?}");
    assert!(lines.contains(&"optimizer = torch.optim.SGD(model.parameters(), lr=0.5)"));
    assert!(lines.contains(&"for epoch in range(1):"));
    assert!(lines.iter().all(|l| !l.starts_with(' ') || l.starts_with("    ")), "{lines:?}");
    // The summed loss: the same lines with reduction='sum' and the step divided by n = 8.
    let mut sum = args.to_vec();
    sum.extend(["--loss", "sum"]);
    let j = json(&sum);
    let lines: Vec<&str> = j["pytorch"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(lines.contains(&"loss_fn = torch.nn.MSELoss(reduction=\"sum\")") && lines.contains(&"optimizer = torch.optim.SGD(model.parameters(), lr=0.0625)"), "{lines:?}");
}
