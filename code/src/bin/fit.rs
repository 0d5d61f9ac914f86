//! `fit`: least squares on your own data. `cargo run --bin fit -- --data my.csv --method svd`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use linreg::linalg::{self, Method};
use linreg::{Error, Result, data, gd, optimizers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Choice {
    /// w = cov(x, y)/var(x), b = ȳ − w·x̄ (a line only)
    Covvar,
    /// normal equations (XᵀX)θ = Xᵀy
    Normal,
    /// Householder QR
    Qr,
    /// singular value decomposition
    Svd,
    /// gradient descent on standardized data (a line only)
    Gd,
    /// Adam (chapter 7), on standardized data
    Adam,
}

/// Fits y = b + w·x (or a polynomial with --degree) to a CSV file with the header `x,y`;
/// prints the coefficients, the MSE and R².
#[derive(Parser)]
#[command(name = "fit")]
struct Args {
    /// CSV file with the header `x,y`.
    #[arg(long, value_name = "PATH.csv")]
    data: PathBuf,
    /// How to solve the least-squares problem.
    #[arg(long, value_enum, default_value_t = Choice::Qr)]
    method: Choice,
    /// Degree of the polynomial in x (1: a straight line).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    degree: u32,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Step size and stopping rule of `--method gd` (standardized data: the Hessian is 2·I).
const GD_LR: f64 = 0.1;
const GD_TOL: f64 = 1e-12;
const GD_MAX_ITERATIONS: usize = 100_000;

/// `--method adam`: chapter 7's step size on standardized data and gd's tolerance. Adam's
/// normalised step does not shrink with the gradient, so it needs more steps than plain
/// GD on this well-conditioned problem: hence the larger budget.
const ADAM_LR: f64 = 0.01;
const ADAM_TOL: f64 = GD_TOL;
const ADAM_MAX_ITERATIONS: usize = 1_000_000;

fn run(args: &Args) -> Result<()> {
    let d = data::read_csv(&args.data)?;
    let degree = args.degree as usize;
    let x = linalg::polynomial(&d.x, degree, true);
    let theta = match args.method {
        Choice::Gd | Choice::Adam | Choice::Covvar if degree != 1 => {
            return Err(Error::Data(format!("--method {:?} fits a line only (use --degree 1)", args.method).to_lowercase()));
        }
        Choice::Adam => {
            linalg::check_full_rank(&x)?;
            let mut adam = optimizers::Adam::new(ADAM_LR);
            let (w, b, _) = optimizers::fit_standardized(&mut adam, &d.x, &d.y, ADAM_TOL, ADAM_MAX_ITERATIONS)?;
            vec![b, w]
        }
        Choice::Gd => {
            linalg::check_full_rank(&x)?;
            let g = gd::gradient_descent_standardized(&d.x, &d.y, GD_LR, GD_MAX_ITERATIONS, GD_TOL)?;
            vec![g.b, g.w]
        }
        Choice::Covvar => linalg::fit(Method::CovVar, &x, &d.y)?,
        Choice::Normal => linalg::fit(Method::Normal, &x, &d.y)?,
        Choice::Qr => linalg::fit(Method::Qr, &x, &d.y)?,
        Choice::Svd => linalg::fit(Method::Svd, &x, &d.y)?,
    };
    if let Some(i) = theta.iter().position(|t| !t.is_finite()) {
        return Err(Error::Data(format!("coefficient {i} came out non-finite; the data are too ill-conditioned")));
    }
    let (mse, r2) = linalg::mse_r2(&x, &d.y, &theta);
    let method = format!("{:?}", args.method).to_lowercase();
    // Collected, then written once through cli::print_stdout: `fit --json | head -1` must
    // not panic on the closed pipe.
    let mut out = String::new();
    macro_rules! outln {
        ($out:ident, $($arg:tt)*) => {{ $out.push_str(&format!($($arg)*)); $out.push('\n'); }};
    }
    if args.json {
        let value = serde_json::json!({
            "method": method,
            "n": d.len(),
            "degree": degree,
            "coefficients": theta,
            "mse": mse,
            "r2": if r2.is_finite() { serde_json::json!(r2) } else { serde_json::Value::Null },
        });
        outln!(out, "{}", serde_json::to_string_pretty(&value).expect("JSON object serialises"));
    } else {
        outln!(out, "method: {method}, {} points", d.len());
        if degree == 1 {
            outln!(out, "b (intercept) = {}", theta[0]);
            outln!(out, "w (slope)     = {}", theta[1]);
        } else {
            for (k, t) in theta.iter().enumerate() {
                outln!(out, "θ{k} (x^{k}) = {t}");
            }
        }
        outln!(out, "MSE = {mse}");
        if r2.is_finite() {
            outln!(out, "R²  = {r2}");
        } else {
            outln!(out, "R²  = undefined (y is constant)");
        }
    }
    linreg::cli::print_stdout(&out)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
