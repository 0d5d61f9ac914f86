//! The book shows what each example prints: `src/generated/examples/NAME.txt` holds the
//! standard output of `cargo run -p linreg --example NAME`, and this test fails when the
//! example prints anything else. The examples are compiled into this test (their source,
//! as the book shows it) and each is run in a child process of this binary, so that its
//! standard output is exactly what `cargo run --example` prints.
//!
//! To accept a change: `LINREG_BLESS=1 cargo test -p linreg --test examples`, then review
//! the diff of `src/generated/examples/`. No harness (Cargo.toml: `harness = false`): the
//! child process runs one example's `main` and nothing else.

use std::process::{Command, ExitCode};

/// One example, compiled from the file the book includes.
macro_rules! example {
    ($name:ident) => {
        mod $name {
            include!(concat!("../examples/", stringify!($name), ".rs"));
            pub fn run() -> std::process::ExitCode {
                std::process::Termination::report(main())
            }
        }
    };
}

example!(ch1_dataset);
example!(ch2_mse);
example!(ch3_gradients);
example!(ch5_standardize);

/// The examples whose output a page shows.
type Example = (&'static str, fn() -> ExitCode);
const EXAMPLES: &[Example] = &[
    ("ch1_dataset", ch1_dataset::run),
    ("ch2_mse", ch2_mse::run),
    ("ch3_gradients", ch3_gradients::run),
    ("ch5_standardize", ch5_standardize::run),
];

const CHILD: &str = "LINREG_EXAMPLE";

fn main() -> ExitCode {
    if let Ok(name) = std::env::var(CHILD) {
        let (_, run) = EXAMPLES.iter().find(|(n, _)| *n == name).expect("a known example");
        return run();
    }
    let dir = linreg::cli::book_generated_dir().join("examples");
    let bless = std::env::var_os("LINREG_BLESS").is_some();
    let mut failed = Vec::new();
    for (name, _) in EXAMPLES {
        let out = Command::new(std::env::current_exe().expect("this test's path")).env(CHILD, name).output().expect("the child runs");
        assert!(out.status.success(), "example {name} failed: {}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout).expect("UTF-8 output");
        let path = dir.join(format!("{name}.txt"));
        // The page includes the file inside a console block after the command line.
        let shown = printed.trim_end().to_string();
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &shown).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(shown.as_str()) {
            failed.push(format!("{name}: prints\n{shown}\nbut {} holds something else", path.display()));
        }
        println!("example {name}: ok");
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{}\nregenerate with LINREG_BLESS=1 cargo test -p linreg --test examples", failed.join("\n"));
        ExitCode::FAILURE
    }
}
