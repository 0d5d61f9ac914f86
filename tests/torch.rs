//! The PyTorch companion (`python/`) beside the Rust: its scripts run; the files the book
//! includes from `src/generated/torch/` are exactly what they print; their numbers agree
//! with the `linreg` library's on the same data and settings; and the PyTorch lines that
//! `diagnose` prints converge as it predicts.
//!
//! Needs a Python with torch 2.15.0: `$TORCH_PYTHON`, else `.venv/bin/python` (which
//! `.ci/run` installs from `python/requirements.txt`). Without one the tests are skipped
//! with one notice, except under CI (env `CI` set), where they fail.
//!
//! Tolerances: float64 runs agree to 1e-12 relative (the same arithmetic in another
//! summation order; step counts are equal). float32 runs are compared with the same loop
//! in f32 where the library has one (chapter 9's `reader_run_f32`), else with the f64
//! result, to the tolerance each check states.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use linreg::chapters::ch9;
use linreg::curvature::Curvature;
use linreg::data::{self, BOOK_SEED, CsvOptions, Dataset};
use linreg::diagnose::{self, Settings};
use linreg::gd::{self, Reach};
use linreg::optimizers::{self, Adam, Gd, Momentum};
use linreg::quadratic::Quadratic;
use linreg::standardize::{Divisor, Scaling};
use linreg::{grad, stats};
use serde_json::Value;

const TORCH_VERSION: &str = "2.15.0";
/// float64 in PyTorch against f64 in Rust: the same steps, summed in another order.
const F64: f64 = 1e-12;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The interpreter to use, found once; the notice (or, under CI, the failure) once too.
fn python() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let candidates = std::env::var_os("TORCH_PYTHON").map(PathBuf::from).into_iter().chain([root().join(".venv/bin/python")]);
            for candidate in candidates {
                let version = Command::new(&candidate).args(["-c", "import torch; print(torch.__version__)"]).output();
                if let Ok(o) = version
                    && o.status.success()
                    && String::from_utf8_lossy(&o.stdout).trim().split('+').next() == Some(TORCH_VERSION)
                {
                    return Some(candidate);
                }
            }
            let message = format!(
                "no Python with torch {TORCH_VERSION} (run `bash .ci/run`, which makes .venv, or set TORCH_PYTHON)"
            );
            assert!(std::env::var_os("CI").is_none(), "{message}; CI must not skip the PyTorch tests");
            // Straight to the stream, past the test harness's capture: one line in `cargo test`'s output.
            let _ = writeln!(std::io::stderr(), "SKIPPED tests/torch.rs: {message}");
            None
        })
        .as_deref()
}

/// Runs `python/book.py` once into a temporary folder: (the folder, every number).
fn book_run() -> Option<&'static (tempfile::TempDir, Value)> {
    static RUN: OnceLock<Option<(tempfile::TempDir, Value)>> = OnceLock::new();
    RUN.get_or_init(|| {
        let py = python()?;
        let out = tempfile::tempdir().unwrap();
        let json = out.path().join("numbers.json");
        let o = Command::new(py)
            .arg(root().join("python/book.py"))
            .arg("--out")
            .arg(out.path().join("files"))
            .arg("--json")
            .arg(&json)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "python/book.py failed:\n{}", String::from_utf8_lossy(&o.stderr));
        let numbers = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        Some((out, numbers))
    })
    .as_ref()
}

fn pair(v: &Value) -> (f64, f64) {
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// ‖a − b‖/‖b‖, the measure every comparison below uses.
fn rel((a0, a1): (f64, f64), (b0, b1): (f64, f64)) -> f64 {
    (a0 - b0).hypot(a1 - b1) / b0.hypot(b1)
}

fn assert_close(what: &str, torch: (f64, f64), rust: (f64, f64), tol: f64) {
    let r = rel(torch, rust);
    eprintln!("{what}: relative difference {r:.1e} (tolerance {tol:.0e})");
    assert!(r <= tol, "{what}: torch {torch:?} vs linreg {rust:?}, relative {r:.1e} > {tol:.0e}");
}

/// Full-batch runs of the library's optimizers on the data's gradient, as PyTorch takes it.
fn run_on_data(opt: &mut dyn optimizers::Optimizer, d: &Dataset, start: (f64, f64), steps: usize) -> (f64, f64) {
    let trace = optimizers::run(
        opt,
        [start.0, start.1],
        steps,
        |t, _| {
            let (gw, gb) = grad::gradients(&d.x, &d.y, t[0], t[1]);
            [gw, gb]
        },
        |t| linreg::loss::mse(&d.x, &d.y, t[0], t[1]),
    );
    trace.last()
}

#[test]
fn committed_files_are_what_the_scripts_print() {
    let Some((out, _)) = book_run() else { return };
    let committed = root().join("src/generated/torch");
    let mut names: Vec<String> = std::fs::read_dir(out.path().join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut on_disk: Vec<String> =
        std::fs::read_dir(&committed).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    on_disk.sort();
    assert_eq!(names, on_disk, "src/generated/torch/ holds other files than python/book.py writes");
    for name in names {
        let fresh = std::fs::read_to_string(out.path().join("files").join(&name)).unwrap();
        let old = std::fs::read_to_string(committed.join(&name)).unwrap();
        assert_eq!(fresh, old, "src/generated/torch/{name} is stale: run `.venv/bin/python python/book.py` and commit it");
    }
}

#[test]
fn the_readers_script_agrees_with_the_library() {
    let Some((_, v)) = book_run() else { return };
    let d = data::reader_question(BOOK_SEED);
    assert_close("least squares", pair(&v["reader_star"]), stats::least_squares(&d.x, &d.y), F64);
    // The start is nn.Linear's own draw (seeded); the library replays from it.
    let start = pair(&v["reader_f64"]["start"]);
    let grads = pair(&v["reader_f64"]["grads"]);
    assert_close("first gradients", grads, grad::gradients(&d.x, &d.y, start.0, start.1), F64);
    let rust = gd::gradient_descent(&d.x, &d.y, start, 1e-5, 100).last();
    assert_close("100 epochs in float64", pair(&v["reader_f64"]["end"]), rust, F64);
    // float32 as asked, against the same loop in f32. They agree bit for bit on this
    // machine; the tolerance leaves room for another summation order (float32 rounds at
    // 6e-8 per operation, 100 terms per sum, 100 steps).
    let (w32, b32) = ch9::reader_run_f32(&d.x, &d.y, start, 1e-5, 100);
    assert_close("100 epochs in float32", pair(&v["reader_f32"]["end"]), (w32 as f64, b32 as f64), 1e-5);
    // The symptom, as the introduction words it: b has covered a few % of its way at most,
    // while w is within 2 % of w*.
    let (b0, b, b_star) = (start.1, pair(&v["reader_f32"]["end"]).1, pair(&v["reader_star"]).1);
    assert!(((b - b0) / (b_star - b0)).abs() < 0.05, "b moved {b} from {b0} towards {b_star}");
    // "It has even drifted the other way" (the introduction).
    assert!((b - b0) * (b_star - b0) < 0.0, "b moved {b} from {b0}, b* = {b_star}");
    let (w, w_star) = (pair(&v["reader_f32"]["end"]).0, pair(&v["reader_star"]).0);
    assert!((w / w_star - 1.0).abs() < 0.02, "w = {w}, w* = {w_star}");
    // "All three reach the least-squares line" (src/pytorch-checklist.md): in the script's
    // 100 epochs, b within 10⁻⁴ of b*, relative.
    let fixes = &v["reader_fixes"];
    let s = Scaling::of(&d.x, &d.y).unwrap();
    let (xt, yt) = s.apply(&d.x, &d.y);
    let standardized = s.to_original(gd::gradient_descent(&xt, &yt, (0.0, 0.0), 0.1, 100).last());
    assert_close("standardized fix", pair(&fixes["standardized"]), standardized, F64);
    let h = Curvature::of(&d.x).hessian;
    let groups = run_on_data(&mut Gd::per_parameter([1.0 / h[0][0], 1.0 / h[1][1]]), &d, start, 100);
    assert_close("param-groups fix", pair(&fixes["param_groups"]), groups, F64);
    for key in ["standardized", "param_groups", "lstsq"] {
        let (_, b) = pair(&fixes[key]);
        assert!(((b - b_star) / b_star).abs() < 1e-4, "{key}: b = {b}, b* = {b_star}");
    }
}

#[test]
fn each_chapters_fix_agrees_with_the_library() {
    let Some((_, v)) = book_run() else { return };
    let d = data::paris_rents(BOOK_SEED);
    let star = stats::least_squares(&d.x, &d.y);
    assert_close("least squares", pair(&v["paris_star"]), star, F64);
    // Chapter 5: the notebook's standardized run, mapped back.
    let s = Scaling::of(&d.x, &d.y).unwrap();
    let (xt, yt) = s.apply(&d.x, &d.y);
    let ch5 = s.to_original(gd::gradient_descent(&xt, &yt, (0.5, 0.5), 0.1, 200).last());
    assert_close("chapter 5", pair(&v["ch5"]), ch5, F64);
    // Chapters 6 and 7: the same step counts to 10⁻⁶, and the same point there.
    let q = Quadratic::of(&d.x, &d.y);
    let c = Curvature::of(&d.x);
    let h = c.hessian;
    let momentum = Momentum::optimal(c.lambda_min, c.lambda_max);
    let m = &v["ch7_momentum"];
    assert!((m["lr"].as_f64().unwrap() / momentum.lr - 1.0).abs() < F64, "{m}");
    assert!((m["beta"].as_f64().unwrap() / momentum.beta - 1.0).abs() < F64, "{m}");
    let adam_lr = v["ch7_adam"]["lr"].as_f64().unwrap();
    let runs: [(&str, Box<dyn optimizers::Optimizer>); 3] = [
        ("ch6", Box::new(Gd::per_parameter([1.0 / h[0][0], 1.0 / h[1][1]]))),
        ("ch7_momentum", Box::new(momentum)),
        ("ch7_adam", Box::new(Adam::new(adam_lr))),
    ];
    for (key, mut opt) in runs {
        let (reach, end) = optimizers::reach(opt.as_mut(), &q, [25.0, 100.0], 1e-6, 100_000);
        let Reach::Reached(steps) = reach else { panic!("{key}: the library's run ended {reach:?}") };
        assert_eq!(v[key]["steps"].as_u64(), Some(steps as u64), "{key}");
        assert_close(key, pair(&v[key]["end"]), (end[0], end[1]), F64);
    }
    // Chapter 9: the notebook's summed loss at lr 0.01 is the mean loss at 0.01·n, on data
    // standardized with n − 1 (torch.std's default, as the notebook calls it).
    let sample = Scaling::with_divisor(&d.x, &d.y, Divisor::NMinusOne).unwrap();
    let (xs, ys) = sample.apply(&d.x, &d.y);
    let nb = sample.to_original(gd::gradient_descent(&xs, &ys, (0.5, 0.5), 0.01 * d.len() as f64, 200).last());
    assert_close("chapter 9, float64", pair(&v["ch9_f64"]), nb, F64);
    // "Float32 and float64 agree to six significant digits" (src/pytorch-ch09.md): float32
    // standardizes, trains and maps back at ~10⁻⁷ per operation.
    assert_close("chapter 9, float32", pair(&v["ch9_f32"]), nb, 1e-6);
    assert_eq!(v["ch9_int"][0], "torch.int64");
    assert_eq!(v["ch9_int"][1], "torch.float32");
    assert!(v["ch9_int"][2].as_str().unwrap().contains("floating point"), "{}", v["ch9_int"]);
    assert!(v["ch9_int"][3].as_str().unwrap().contains("can't be cast"), "{}", v["ch9_int"]);
    // Chapter 10: every CPU driver of lstsq, float64; and float32.
    for (driver, fit) in v["ch10"].as_object().unwrap() {
        assert_close(&format!("lstsq, {driver}"), pair(fit), star, F64);
    }
    // "float32 agrees with them to five significant digits" (src/pytorch-ch10.md): QR's
    // rounding of 6e-8 magnified by the condition number of [x, 1] (a few hundred).
    assert_close("lstsq, float32", pair(&v["ch10_f32"]), star, 1e-5);
}

/// What `program` prints under `py`; a failing program fails the test with its source and stderr.
fn run_program(py: &Path, program: &str) -> String {
    let o = Command::new(py).args(["-c", program]).env("PYTHONDONTWRITEBYTECODE", "1").output().unwrap();
    assert!(o.status.success(), "the lines failed:\n{program}\n{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The numbers on the line of `stdout` that starts with `label`.
fn labelled(stdout: &str, label: &str) -> Vec<f64> {
    let line = stdout.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("{stdout}"));
    line.split_whitespace().map(|t| t.parse().unwrap()).collect()
}

/// The step count `diagnose`'s PyTorch lines state, in their `for epoch in range(N):`.
fn stated_steps(lines: &str) -> usize {
    lines
        .split_once("for epoch in range(")
        .and_then(|(_, rest)| rest.split_once("):"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no step count in:\n{lines}"))
}

/// `diagnose`'s PyTorch lines run on the reader's CSV: after the number of steps they
/// state, (w, b) is within the relative error `diagnose` aims for, and one step fewer is
/// not (the count is the first that gets there, not a padded one).
fn run_diagnose_lines(csv: &Path, x: Option<&str>, y: Option<&str>, settings: Settings) -> Option<()> {
    let py = python()?;
    let (d, _) = data::read_xy(csv, x, y, &CsvOptions::default()).unwrap();
    let diagnosis = diagnose::analyse(&d, &settings).unwrap();
    let lines = diagnosis.pytorch.join("\n");
    let steps = stated_steps(&lines);
    let star = (diagnosis.optimum.w, diagnosis.optimum.b);
    // One interpreter: the lines as printed, then again with one step fewer.
    let fewer = lines.replace(&format!("for epoch in range({steps}):"), &format!("for epoch in range({}):", steps - 1));
    let program = format!(
        "import sys\nsys.path.insert(0, {:?})\nimport torch\nfrom book_data import load\nx, y = load({:?}, {:?}, {:?})\n\
         {lines}\nprint('as printed', repr(w), repr(b))\n{fewer}\nprint('one fewer', repr(w), repr(b))\n",
        root().join("python").to_str().unwrap(),
        csv.to_str().unwrap(),
        x.unwrap_or("x"),
        y.unwrap_or("y"),
    );
    let stdout = run_program(py, &program);
    let error = |label: &str| {
        let v = labelled(&stdout, label);
        rel((v[0], v[1]), star)
    };
    let (at, before) = (error("as printed "), error("one fewer "));
    eprintln!("{}: {steps} steps, relative error {at:.1e}; one fewer: {before:.1e}", csv.display());
    assert!(at < settings.eps, "{lines}\nrelative error {at:.1e} after {steps} steps");
    assert!(before >= settings.eps, "{lines}\nalready {before:.1e} after {} steps", steps - 1);
    Some(())
}

#[test]
fn diagnose_pytorch_lines_converge_as_predicted() {
    // The reader's own file, ill-conditioned: standardization with its constants.
    let rents = root().join("data/my-rents.csv");
    let settings = Settings::new(1e-5, 100);
    if run_diagnose_lines(&rents, Some("area (m2)"), Some("rent (EUR)"), settings).is_none() {
        return;
    }
    // The same with the summed loss.
    let sum = Settings { loss: linreg::modes::Reduction::Sum, ..settings };
    run_diagnose_lines(&rents, Some("area (m2)"), Some("rent (EUR)"), sum);
    // A well-conditioned file (x centred, κ < 10): the raw data with the best fixed step.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("centred.csv");
    std::fs::write(&csv, "x,y\n-2,1.1\n-1,2.9\n0,5.2\n1,6.8\n2,9.1\n").unwrap();
    run_diagnose_lines(&csv, None, None, Settings::new(0.1, 20));
}

/// `diagnose --x area,rooms`'s PyTorch lines on chapter 11's CSV: after the steps they state
/// the weights and intercept, mapped back, are within ε of least squares and one step fewer
/// are not; the closed-form line gives least squares to 1e-12.
#[test]
fn diagnose_several_features_pytorch_lines_converge_as_stated() {
    let Some(py) = python() else { return };
    let csv = root().join("src/generated/ch11/paris-rooms.csv");
    let names = ["area".to_string(), "rooms".to_string()];
    let (f, y, _) = linreg::features::Features::read(&csv, &names, Some("rent"), &CsvOptions::default()).unwrap();
    let settings = linreg::diagnose_features::Settings { lr: 1e-4, epochs: 1000, eps: 1e-6 };
    let d = linreg::diagnose_features::analyse(&f, &y, &settings).unwrap();
    let lines = d.pytorch.join("\n");
    let steps = stated_steps(&lines);
    let fewer = lines.replace(&format!("for epoch in range({steps}):"), &format!("for epoch in range({}):", steps - 1));
    let program = format!(
        "import csv, torch\nrows = list(csv.DictReader(open({:?})))\n\
         X = torch.tensor([[float(r['area']), float(r['rooms'])] for r in rows], dtype=torch.float64)\n\
         y = torch.tensor([float(r['rent']) for r in rows], dtype=torch.float64)\n\
         {lines}\nprint('as printed', *map(repr, w.tolist()), repr(b.item()))\nprint('closed form', *map(repr, theta.tolist()))\n\
         {fewer}\nprint('one fewer', *map(repr, w.tolist()), repr(b.item()))\n",
        csv.to_str().unwrap()
    );
    let stdout = run_program(py, &program);
    let error = |label: &str| {
        let v = labelled(&stdout, label);
        let diff: f64 = v.iter().zip(&d.optimum).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
        diff / d.optimum.iter().map(|b| b * b).sum::<f64>().sqrt()
    };
    let (at, before, closed) = (error("as printed "), error("one fewer "), error("closed form "));
    eprintln!("paris-rooms.csv: {steps} steps, relative error {at:.1e}; one fewer: {before:.1e}; lstsq {closed:.1e}");
    assert!(at < settings.eps, "{lines}\nrelative error {at:.1e} after {steps} steps");
    assert!(before >= settings.eps, "{lines}\nalready {before:.1e} after {} steps", steps - 1);
    assert!(closed < 1e-12, "lstsq: {closed:.1e}");
}
