//! `fit`: least squares on your own data, with a regression table.
//! `cargo run --bin fit -- --data my.csv --y rent --x surface,rooms`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use linreg::ddouble::Dd;
use linreg::linalg::{self, Method, Solution};
use linreg::regression::{self, Regression};
use linreg::table::{self, CsvOptions};
use linreg::{Error, Result, data, gd, optimizers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Choice {
    /// QR, then iterative refinement with double-double residuals (the default)
    Refined,
    /// Householder QR
    Qr,
    /// singular value decomposition
    Svd,
    /// normal equations (XᵀX)θ = Xᵀy
    Normal,
    /// w = cov(x, y)/var(x), b = ȳ − w·x̄ (a line only)
    Covvar,
    /// gradient descent on standardized data (a line only)
    Gd,
    /// Adam (chapter 7), on standardized data (a line only)
    Adam,
}

impl Choice {
    fn name(self) -> &'static str {
        match self {
            Choice::Refined => "refined",
            Choice::Qr => "qr",
            Choice::Svd => "svd",
            Choice::Normal => "normal",
            Choice::Covvar => "covvar",
            Choice::Gd => "gd",
            Choice::Adam => "adam",
        }
    }

    fn closed_form(self) -> Option<Method> {
        match self {
            Choice::Refined => Some(Method::Refined),
            Choice::Qr => Some(Method::Qr),
            Choice::Svd => Some(Method::Svd),
            Choice::Normal => Some(Method::Normal),
            Choice::Covvar => Some(Method::CovVar),
            Choice::Gd | Choice::Adam => None,
        }
    }
}

/// Least squares on a CSV file: y on one or more columns (or on powers of one column
/// with --degree), printed as a regression table — coefficients, standard errors, t,
/// p-values, R², adjusted R², residual standard deviation, κ(X).
#[derive(Parser)]
#[command(name = "fit")]
struct Args {
    /// CSV file with a header row naming its columns.
    #[arg(long, value_name = "PATH.csv")]
    data: PathBuf,
    /// The column to explain.
    #[arg(long, value_name = "COL", default_value = "y")]
    y: String,
    /// The predictor column(s), comma-separated.
    #[arg(long, value_name = "COL[,COL…]", value_delimiter = ',', default_value = "x")]
    x: Vec<String>,
    /// Fit a polynomial of this degree in the (single) x column.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    degree: u32,
    /// Fit through the origin (no intercept; R² is then uncentred, 1 − RSS/Σy²).
    #[arg(long)]
    no_intercept: bool,
    /// How to solve the least-squares problem.
    #[arg(long, value_enum, default_value_t = Choice::Refined)]
    method: Choice,
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

/// The design, its exact tail (the low parts of the powers), and the term names.
fn design(args: &Args, columns: &[&[f64]]) -> Result<(nalgebra::DMatrix<f64>, nalgebra::DMatrix<f64>, Vec<String>)> {
    let intercept = !args.no_intercept;
    let degree = args.degree as usize;
    let mut terms: Vec<String> = if intercept { vec!["(intercept)".into()] } else { vec![] };
    if degree > 1 {
        if columns.len() != 1 {
            return Err(Error::Data(format!(
                "--degree {degree} expands one x column into powers; got {} columns",
                columns.len()
            )));
        }
        let x: Vec<Dd> = columns[0].iter().map(|&v| Dd::new(v)).collect();
        terms.extend((1..=degree).map(|k| if k == 1 { args.x[0].clone() } else { format!("{}^{k}", args.x[0]) }));
        let (x, tail) = linalg::polynomial_exact(&x, degree, intercept);
        return Ok((x, tail, terms));
    }
    terms.extend(args.x.iter().cloned());
    let x = linalg::design(&columns.iter().map(|c| c.to_vec()).collect::<Vec<_>>(), intercept);
    let tail = nalgebra::DMatrix::zeros(x.nrows(), x.ncols());
    Ok((x, tail, terms))
}

fn run(args: &Args) -> Result<Regression> {
    let table = table::read_table(&args.data, &CsvOptions::default())?;
    let bad = |e: Error| match e {
        Error::Data(message) => Error::Csv { path: args.data.clone(), message },
        other => other,
    };
    let y = table.column(&args.y).map_err(bad)?;
    if let Some(dup) = args.x.iter().find(|c| c.eq_ignore_ascii_case(&args.y)) {
        return Err(Error::Data(format!("column `{dup}` is both y and a predictor")));
    }
    let columns: Vec<&[f64]> = args.x.iter().map(|c| table.column(c)).collect::<Result<_>>().map_err(bad)?;
    for (name, column) in std::iter::once((&args.y, y)).chain(args.x.iter().zip(columns.iter().copied())) {
        data::check_scale(&format!("column `{name}`"), column)?;
    }
    let (x, tail, terms) = design(args, &columns)?;
    linalg::check_full_rank_named(&x, &terms.iter().map(|t| format!("column `{t}`")).collect::<Vec<_>>())?;
    let intercept = !args.no_intercept;
    let line_only = args.degree == 1 && columns.len() == 1 && intercept;
    if matches!(args.method, Choice::Gd | Choice::Adam | Choice::Covvar) && !line_only {
        return Err(Error::Data(format!(
            "--method {} fits a line only (one x, --degree 1, with an intercept)",
            args.method.name()
        )));
    }
    let solution = match args.method.closed_form() {
        Some(m) => linalg::solve(m, &x, Some(&tail), y, None)?,
        None => {
            let (w, b) = if args.method == Choice::Adam {
                let mut adam = optimizers::Adam::new(ADAM_LR);
                let (w, b, _) = optimizers::fit_standardized(&mut adam, columns[0], y, ADAM_TOL, ADAM_MAX_ITERATIONS)?;
                (w, b)
            } else {
                let g = gd::gradient_descent_standardized(columns[0], y, GD_LR, GD_MAX_ITERATIONS, GD_TOL)?;
                (g.w, g.b)
            };
            // The optimizer's θ, with the residual at that θ and (XᵀX)⁻¹ from the refined
            // solver: the standard errors belong to the model, not to the way θ was found.
            let theta = vec![b, w];
            let pred = &x * nalgebra::DVector::from_column_slice(&theta);
            let residual = y.iter().zip(pred.iter()).map(|(a, p)| a - p).collect();
            let refined = linalg::solve(Method::Refined, &x, None, y, None)?;
            Solution { method: Method::Refined, theta, residual, xtx_inv: refined.xtx_inv, steps: 0, extended: false }
        }
    };
    if let Some(i) = solution.theta.iter().position(|t| !t.is_finite()) {
        return Err(Error::Data(format!("the coefficient of `{}` came out non-finite; the data are too ill-conditioned", terms[i])));
    }
    regression::tabulate(&solution, args.method.name(), &x, y, terms, intercept)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(r) => {
            // Through cli::print_stdout: `fit --json | head -1` must not panic on the closed pipe.
            let text = if args.json {
                format!("{}\n", serde_json::to_string_pretty(&r.to_json()).expect("JSON object serialises"))
            } else {
                r.to_text()
            };
            match linreg::cli::print_stdout(&text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
