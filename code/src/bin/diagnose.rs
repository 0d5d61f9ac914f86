//! `diagnose`: why your intercept won't move, on your data and your training settings.
//! The analysis is `linreg::diagnose::analyse`; this file parses flags, prints and writes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use linreg::diagnose::{self, Diagnosis, Settings};
use linreg::diagnose_features;
use linreg::features::Features;
use linreg::modes::Reduction;
use linreg::{Error, Result, data};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Loss {
    /// (1/n) Σ (yᵢ − ŷᵢ)²: PyTorch's nn.MSELoss() default
    Mean,
    /// Σ (yᵢ − ŷᵢ)²: nn.MSELoss(reduction='sum'); every curvature is n (or the batch size) times larger
    Sum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Example {
    /// the book's 50 Paris apartments (chapters 1–5)
    Paris,
    /// the reader's question: x = linspace(0, 100, 100), noise N(0, 1)
    Reader,
}

/// Applies the book's answer to your data and training settings: the curvature of the loss
/// (λmin, λmax, κ and their directions), how far gradient descent at your learning rate
/// shrinks each direction of the error (predicted and measured), how many steps it needs,
/// and what to change, in plain words.
///
/// Example: cargo run --release --bin diagnose -- --data my.csv --lr 1e-5 --epochs 100
#[derive(Parser)]
#[command(name = "diagnose", after_help = "Examples:\n  \
    diagnose --data my.csv --lr 1e-5 --epochs 100\n  \
    diagnose --data rents.csv --x \"area (m2)\" --y \"rent (EUR)\" --lr 1e-5 --epochs 100\n  \
    diagnose --example reader --lr 1e-5 --epochs 100 --json\n  \
    diagnose --data my.csv --lr 1e-3 --epochs 10 --batch 32 --loss sum --init 0.5,0 --out diag/")]
struct Args {
    /// Your data: a CSV file with a header row. Columns `x` and `y` are used if present,
    /// else the first two numeric columns (see --x, --y). Without it, --example's data set.
    #[arg(long, value_name = "PATH.csv")]
    data: Option<PathBuf>,
    /// With --data: the column to use as x (its header name), or several, comma-separated
    /// (--x area,rooms): the several-feature diagnosis (full batch, mean loss, from zero).
    #[arg(long, value_name = "COL[,COL…]", requires = "data")]
    x: Option<String>,
    /// With --data: the column to use as y (its header name).
    #[arg(long, value_name = "COL", requires = "data")]
    y: Option<String>,
    /// With --data: the field delimiter, one character, or `tab` (default: detect , ; or tab).
    #[arg(long, value_name = "C", requires = "data", value_parser = linreg::cli::parse_delimiter)]
    delimiter: Option<u8>,
    /// Built-in data set to use when there is no --data.
    #[arg(long, value_enum, default_value_t = Example::Paris)]
    example: Example,
    /// Your learning rate η, e.g. 1e-5.
    #[arg(long, value_name = "η", allow_hyphen_values = true)]
    lr: f64,
    /// Passes over the data. Full batch: one step each; with --batch N: ⌈n/N⌉ steps each.
    #[arg(long, value_name = "N")]
    epochs: usize,
    /// How the squared errors are reduced to the loss.
    #[arg(long, value_enum, default_value_t = Loss::Mean)]
    loss: Loss,
    /// Mini-batch size (SGD, samples reshuffled every epoch). Default: full batch.
    #[arg(long, value_name = "N")]
    batch: Option<usize>,
    /// Starting slope and intercept, e.g. --init 25,100 (or --init=-3,5). Default: 0,0.
    #[arg(long, value_name = "W,B", value_parser = parse_init, allow_hyphen_values = true)]
    init: Option<[f64; 2]>,
    /// Target relative error ‖θ − θ*‖/‖θ*‖ for the step counts.
    #[arg(long, value_name = "ε", default_value_t = 1e-6)]
    eps: f64,
    /// Seed of the built-in data set and of the mini-batch shuffles.
    #[arg(long, value_name = "N", default_value_t = data::BOOK_SEED)]
    seed: u64,
    /// Print the diagnosis as one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also write the figures (error along the eigen-directions, your path on the contour
    /// plot) and diagnosis.json into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn parse_init(text: &str) -> std::result::Result<[f64; 2], String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [w, b] = parts[..] else {
        return Err(format!("expected two numbers W,B, got `{text}`"));
    };
    let num = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or(format!("`{s}` is not a finite number"));
    Ok([num(w)?, num(b)?])
}

fn run(args: &Args) -> Result<()> {
    if let (Some(path), Some(x)) = (&args.data, args.x.as_deref().filter(|x| x.contains(','))) {
        return several(args, path, x);
    }
    let d = match (&args.data, args.example) {
        (Some(path), _) => {
            let opts = data::CsvOptions { delimiter: args.delimiter };
            let (d, note) = data::read_xy(path, args.x.as_deref(), args.y.as_deref(), &opts)?;
            if let Some(note) = note {
                eprintln!("{note}");
            }
            d
        }
        (None, Example::Paris) => data::paris_rents(args.seed),
        (None, Example::Reader) => data::reader_question(args.seed),
    };
    let loss = match args.loss {
        Loss::Mean => Reduction::Mean,
        Loss::Sum => Reduction::Sum,
    };
    let settings =
        Settings { loss, batch: args.batch, init: args.init.unwrap_or([0.0, 0.0]), eps: args.eps, seed: args.seed, ..Settings::new(args.lr, args.epochs) };
    let diagnosis = diagnose::analyse(&d, &settings)?;
    let json = to_json(&diagnosis);
    if let Some(dir) = &args.out {
        // Everything is rendered before anything is written.
        let files = [
            ("diagnose-modes.svg", diagnosis.modes_figure()?),
            ("diagnose-path.svg", diagnosis.path_figure()?),
            ("diagnosis.json", format!("{json}\n")),
        ];
        std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.clone(), source })?;
        for (name, text) in &files {
            linreg::report::write_atomic(&dir.join(name), text.as_bytes())?;
        }
        eprintln!("wrote {} files to {}", files.len(), dir.display());
    }
    if args.json {
        println!("{json}");
    } else {
        print!("{}", diagnosis.text());
    }
    Ok(())
}

/// `--x a,b,…`: the several-feature diagnosis (`linreg::diagnose_features`). Full batch and
/// the mean loss from θ = 0 only: the flags that would change that are refused, not ignored.
fn several(args: &Args, path: &std::path::Path, x: &str) -> Result<()> {
    let refuse = |flag: &str| Err(Error::Data(format!("{flag} is not supported with several features (--x {x}): the diagnosis is full-batch gradient descent on the mean loss from zero; drop {flag}")));
    if args.batch.is_some() {
        return refuse("--batch");
    }
    if args.init.is_some() {
        return refuse("--init");
    }
    if args.loss == Loss::Sum {
        return refuse("--loss sum");
    }
    let names: Vec<String> = x.split(',').map(|s| s.trim().to_string()).collect();
    let opts = data::CsvOptions { delimiter: args.delimiter };
    let (features, y, note) = Features::read(path, &names, args.y.as_deref(), &opts)?;
    if let Some(note) = note {
        eprintln!("{note}");
    }
    let settings = diagnose_features::Settings { lr: args.lr, epochs: args.epochs, eps: args.eps };
    let diagnosis = diagnose_features::analyse(&features, &y, &settings)?;
    let json = serde_json::to_string_pretty(&diagnosis).expect("a diagnosis serialises");
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.clone(), source })?;
        linreg::report::write_atomic(&dir.join("diagnosis.json"), format!("{json}\n").as_bytes())?;
        eprintln!("wrote diagnosis.json to {} (the figures are drawn for one feature only)", dir.display());
    }
    let text = if args.json { format!("{json}\n") } else { diagnosis.text() };
    linreg::cli::print_stdout(&text)
}

fn to_json(d: &Diagnosis) -> String {
    serde_json::to_string_pretty(d).expect("a diagnosis serialises")
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
