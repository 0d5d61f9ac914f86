//! The chapter binaries as a reader runs them: flags, bad input, exit codes, output.

use std::path::Path;
use std::process::{Command, Output};

const BINARIES: &[&str] = &[
    env!("CARGO_BIN_EXE_chapter1"),
    env!("CARGO_BIN_EXE_chapter2"),
    env!("CARGO_BIN_EXE_chapter3"),
    env!("CARGO_BIN_EXE_chapter4"),
    env!("CARGO_BIN_EXE_chapter5"),
    env!("CARGO_BIN_EXE_chapter6"),
    env!("CARGO_BIN_EXE_chapter7"),
    env!("CARGO_BIN_EXE_chapter8"),
    env!("CARGO_BIN_EXE_chapter9"),
    env!("CARGO_BIN_EXE_chapter10"),
    env!("CARGO_BIN_EXE_chapter11"),
];

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code 2, a first line starting with `error:`, no panic.
fn assert_clean_error(o: &Output, expected: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error:"), "first line: {first}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn help_works() {
    for bin in BINARIES {
        let o = run(bin, &["--help"]);
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        for flag in ["--out", "--seed", "--json", "--data"] {
            assert!(text.contains(flag), "{bin} --help lacks {flag}");
        }
    }
}

#[test]
fn bad_flags_give_one_line_error_and_exit_2() {
    for bin in BINARIES {
        assert_clean_error(&run(bin, &["--seed", "abc"]), "invalid value 'abc'");
        assert_clean_error(&run(bin, &["--seed=-1"]), "invalid value '-1'");
        assert_clean_error(&run(bin, &["--frobnicate"]), "unexpected argument '--frobnicate'");
        assert_clean_error(&run(bin, &["--out"]), "--out");
    }
}

#[test]
fn unwritable_out_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("sub");
    for bin in BINARIES {
        let o = run(bin, &["--out", out.to_str().unwrap()]);
        assert_clean_error(&o, "cannot write");
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
}

#[test]
fn bad_data_is_a_clean_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cases: &[(&str, &str)] = &[
        ("x,y\n1,2\n3,abc\n", "line 3: column `y` = `abc` is not a number"),
        ("name,city\na,b\nc,d\n", "need two numeric columns"),
        ("x,y\n1,2\n", "need at least 2 points"),
        ("x,y\n1,NaN\n2,3\n", "not a finite number"),
    ];
    for (k, (text, expected)) in cases.iter().enumerate() {
        let csv = dir.path().join(format!("bad{k}.csv"));
        std::fs::write(&csv, text).unwrap();
        for bin in BINARIES {
            let o = run(bin, &["--data", csv.to_str().unwrap(), "--out", out.to_str().unwrap()]);
            assert_clean_error(&o, expected);
        }
    }
    for bin in BINARIES {
        assert_clean_error(&run(bin, &["--data", "/no/such/file.csv"]), "cannot read /no/such/file.csv");
    }
    assert!(!out.exists(), "nothing may be written when the input is bad");
}

#[test]
fn constant_x_cannot_be_standardized() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("flat.csv");
    std::fs::write(&csv, linreg::chapters::ch5::CONSTANT_X_CSV).unwrap();
    let out = dir.path().join("out");
    let o = run(env!("CARGO_BIN_EXE_chapter5"), &["--data", csv.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_clean_error(&o, "every x equals 50: a line through points with a single x has no slope");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(!out.exists(), "nothing may be written when the input is bad");
    // Appendix C shows this console block (src/generated/ch5/constant-x.txt): the command
    // and exactly the line the binary prints.
    let shown = std::fs::read_to_string(linreg::cli::book_generated_dir().join("ch5/constant-x.txt")).unwrap();
    assert_eq!(shown, format!("$ {}\n{}", linreg::chapters::ch5::CONSTANT_X_COMMAND, stderr(&o)));
}

#[test]
fn json_is_one_object_and_files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    for bin in BINARIES {
        let o = run(bin, &["--json", "--out", dir.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
        assert!(v.is_object() && !v.as_object().unwrap().is_empty());
    }
    for f in ["ch1-scatter.svg", "ch2-contour.svg", "values.json", "values.md"] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
}

#[test]
fn own_data_runs_and_goes_to_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    std::fs::write(&csv, "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_chapter2"))
        .current_dir(dir.path())
        .args(["--data", "mine.csv", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // y = 1.94 x + 0.15 by least squares: Sxy = 9.7, Sxx = 5, x̄ = 2.5, ȳ = 5 (by hand).
    assert!((v["w_star"].as_f64().unwrap() - 1.94).abs() < 1e-12);
    assert!((v["b_star"].as_f64().unwrap() - 0.15).abs() < 1e-12);
    assert!(v.get("mse_true").is_none(), "no true line for reader data");
    assert!(Path::new(&dir.path().join("linreg-out/ch2/ch2-contour.svg")).is_file());
}

#[test]
fn chapter1_writes_csv_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rents.csv");
    let o = run(
        env!("CARGO_BIN_EXE_chapter1"),
        &["--csv", csv.to_str().unwrap(), "--out", dir.path().join("o").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("x,y\n") && text.lines().count() == 51);
    let bad = run(env!("CARGO_BIN_EXE_chapter1"), &["--csv", "/no/such/dir/r.csv", "--out", dir.path().to_str().unwrap()]);
    assert_clean_error(&bad, "cannot write /no/such/dir/r.csv");
}

/// Chapter 4 runs the book's learning rate on the reader's data: where it blows up
/// (large x) that is the result (exit 0, the step it diverged at and 2/λmax, no NaN);
/// a constant x is refused in one line, writing nothing.
#[test]
fn chapter4_reports_divergence_as_a_result_and_refuses_constant_x() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let big: String = (0..20).map(|i| format!("{},{}\n", 900 + 10 * i, 30 * (900 + 10 * i) + 100)).collect();
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, format!("x,y\n{big}")).unwrap();
    let o = run(env!("CARGO_BIN_EXE_chapter4"), &["--data", csv.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome"], "diverged");
    assert_eq!(v["diverged_at"], 3);
    assert!(v["max_stable_lr"].as_f64().unwrap() < 1e-5);
    assert!(out.join("ch4-diverged.svg").is_file());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("NaN") && !text.contains("null"), "{text}");

    let flat = dir.path().join("flat.csv");
    std::fs::write(&flat, "x,y\n3,1\n3,2\n3,4\n").unwrap();
    let out2 = dir.path().join("out2");
    let o = run(env!("CARGO_BIN_EXE_chapter4"), &["--data", flat.to_str().unwrap(), "--out", out2.to_str().unwrap()]);
    assert_clean_error(&o, "every x equals 3");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(!out2.exists(), "nothing may be written when the data are refused");
}

#[test]
fn chapter10_refuses_a_constant_x() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("flat.csv");
    std::fs::write(&csv, "x,y\n5,1\n5,2\n5,3\n").unwrap();
    let out = dir.path().join("out");
    let o = run(env!("CARGO_BIN_EXE_chapter10"), &["--data", csv.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_clean_error(&o, "every x equals 5: a line through points with a single x has no slope");
    assert!(!out.exists());
}

#[test]
fn every_chapter_refuses_constant_x_or_y() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (k, (text, expected)) in [
        ("x,y\n2,1\n2,5\n2,7\n", "every x equals 2"),
        ("x,y\n1,4\n2,4\n3,4\n", "every y equals 4: the best line is flat"),
    ]
    .iter()
    .enumerate()
    {
        let csv = dir.path().join(format!("flat{k}.csv"));
        std::fs::write(&csv, text).unwrap();
        for bin in BINARIES {
            let o = run(bin, &["--data", csv.to_str().unwrap(), "--out", out.to_str().unwrap()]);
            assert_clean_error(&o, expected);
        }
    }
    assert!(!out.exists(), "nothing may be written when the input is bad");
}

/// `--json | head -1`: the reader closes the pipe before the binary writes. Every binary
/// (fit included) must end quietly, exit 0, no panic (was: exit 101, "failed printing
/// to stdout: Broken pipe").
#[test]
fn closed_stdout_pipe_is_not_a_panic() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    std::fs::write(&csv, "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n").unwrap();
    let fit = env!("CARGO_BIN_EXE_fit");
    for bin in BINARIES.iter().copied().chain([fit]) {
        for args in [vec!["--json"], vec![]] {
            let mut args: Vec<&str> = args;
            if bin == fit {
                args.extend(["--data", csv.to_str().unwrap()]);
            } else {
                args.extend(["--out", dir.path().to_str().unwrap()]);
            }
            let mut child = Command::new(bin)
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            drop(child.stdout.take()); // the reader is gone before anything is written
            let o = child.wait_with_output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(0), "{bin} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}
