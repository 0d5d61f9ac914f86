//! `diagnose` with several features (`--x area,rooms`): the one-feature diagnosis of
//! [`crate::diagnose`] carried to k weights and an intercept on [`crate::features`].
//!
//! The mean loss L(θ) = (1/n)‖Xθ − y‖² has the constant Hessian H = (2/n)XᵀX over
//! (w₁, …, w_k, b). Each eigen-direction of H is reported as its composition by named
//! parameter; one full-batch step multiplies the error along it by 1 − ηλ (predicted),
//! and the reader's run, replayed step by step, measures that factor. The verdict names
//! the flattest combination by feature and says whether standardizing removes it: the
//! scales go, the correlation stays (two standardized features with correlation r keep
//! κ = (1 + r)/(1 − r)). [`analyse`] is a pure function of the data and the settings.

use nalgebra::DVector;
use serde::Serialize;

use crate::diagnose::{self, BUDGET, Count, MAX_STEPS, num, sci, shrink_text, wrap};

/// Columns of the text report: narrower than the one-feature report's, because its verdict
/// names combinations of features and must still fit the book's column at 1280 px.
const WIDTH: usize = 78;
/// Standardized training this short is the fix even when correlation is what is left.
const QUICK_STEPS: u64 = 1000;
use crate::error::{Error, Result};
use crate::features::{Features, Loss, Scale};
use crate::gd::Reach;
use crate::report::fmt_count;
use crate::stats;

/// κ below this counts as well conditioned (the one-feature verdict's threshold).
const WELL_CONDITIONED: f64 = 10.0;
/// A component of a direction shown in the text (the JSON keeps them all).
const SHOWN: f64 = 0.005;

/// The reader's run: full batch, mean loss, from θ = 0 (nn.Linear's weights zeroed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub lr: f64,
    /// One full-batch step per epoch.
    pub epochs: usize,
    /// Target relative error ‖θ − θ*‖/‖θ*‖ of the step counts.
    pub eps: f64,
}

/// One eigen-direction of H, over the parameters in [`Diagnosis::parameters`]' order.
#[derive(Debug, Clone, Serialize)]
pub struct DirectionReport {
    pub lambda: f64,
    /// Unit vector; its largest component is positive.
    pub vector: Vec<f64>,
    /// |1 − ηλ|: how much one step at the reader's η multiplies the error along it.
    pub shrink_predicted: f64,
    /// |c_T / c_0|^(1/T) from the run, with c the error along this direction and T the last
    /// step at which it stood above rounding; `None` if it started there.
    pub shrink_measured: Option<f64>,
    /// That T.
    pub measured_over_steps: usize,
    /// The error along this direction at the start and at the end of the run.
    pub error_start: f64,
    pub error_end: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappas {
    pub raw: f64,
    pub centred: f64,
    pub standardized: f64,
}

/// The two features that move together most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    pub a: String,
    pub b: String,
    pub r: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepsToEps {
    pub this_lr: Count,
    pub best_lr: Count,
    /// At the best fixed η of the centred (standardized) columns, from θ = 0, counted in
    /// those coordinates.
    pub centred: Count,
    pub standardized: Count,
}

/// Everything `diagnose --x a,b,…` reports (one JSON object with `--json`).
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub n: usize,
    pub features: Vec<String>,
    pub y: String,
    pub loss: &'static str,
    /// The features' weights, then "intercept": the order of every vector below.
    pub parameters: Vec<String>,
    /// H = (2/n)XᵀX of the mean loss, rows and columns in `parameters`' order.
    pub hessian: Vec<Vec<f64>>,
    /// Flattest first.
    pub directions: Vec<DirectionReport>,
    pub lambda_min: f64,
    pub lambda_max: f64,
    pub kappa: Kappas,
    pub max_stable_lr: f64,
    pub best_lr: f64,
    pub correlation: Correlation,
    pub lr: f64,
    pub steps: usize,
    pub diverged: bool,
    pub diverged_at: Option<usize>,
    pub eps: f64,
    pub init: Vec<f64>,
    pub optimum: Vec<f64>,
    /// Where the run ended (where it was stopped, if it diverged).
    pub end: Vec<f64>,
    pub steps_to_eps: StepsToEps,
    /// The flattest direction of the standardized columns (intercept 0 there).
    pub flat_standardized: DirectionReport,
    pub verdict: Vec<String>,
    pub pytorch: Vec<String>,
}

/// Loss order (intercept first) → the reader's order (weights, then intercept).
fn reorder(v: &[f64]) -> Vec<f64> {
    v[1..].iter().chain(&v[..1]).copied().collect()
}

fn relative_error(loss: &Loss) -> impl Fn(&DVector<f64>) -> f64 + '_ {
    let scale = loss.theta_star.norm().max(f64::MIN_POSITIVE);
    move |theta| (theta - &loss.theta_star).norm() / scale
}

/// Predicted and measured steps from `start` at `lr` to a relative error `eps`.
fn count(loss: &Loss, start: &DVector<f64>, lr: f64, eps: f64) -> Count {
    let tol = eps * loss.theta_star.norm().max(f64::MIN_POSITIVE);
    let predicted = loss.predicted_steps_to(start, lr, tol);
    // η > 2/λmax: the steep direction grows (the worst |1 − ηλ| in f64 would also count a
    // flat direction whose 1 − ηλ rounds to 1, and the best η of κ = 10¹⁹, whose ηλmax
    // rounds to 2: both are "beyond 10¹⁸ steps", not divergence).
    let diverges = lr * loss.lambda_max() > 2.0;
    if predicted.is_none_or(|p| p > BUDGET as u64) && !diverges {
        let status = match predicted {
            Some(_) => format!("not run: predicted above the budget of {} steps", fmt_count(BUDGET as f64)),
            None => "not run: predicted beyond 10¹⁸ steps".to_string(),
        };
        return Count { lr, predicted, measured: None, status };
    }
    let (measured, status) = match loss.reach_by(start, lr, eps, BUDGET, relative_error(loss)) {
        Reach::Reached(k) => (Some(k as u64), "reached".to_string()),
        Reach::Diverged(k) => (None, format!("diverges (stopped at step {k})")),
        Reach::NotReached { error, .. } => {
            (None, format!("not reached within {} steps (relative error {error:.1e})", fmt_count(BUDGET as f64)))
        }
    };
    Count { lr, predicted, measured, status }
}

fn direction_report(loss: &Loss, k: usize, lr: f64, start: f64, last: (usize, f64), end: f64) -> DirectionReport {
    let d = &loss.directions[k];
    let (t, c) = last;
    let shrink_measured = (t > 0).then(|| (c / start).abs().powf(1.0 / t as f64));
    DirectionReport {
        lambda: d.curvature,
        vector: reorder(&d.vector),
        shrink_predicted: (1.0 - lr * d.curvature).abs(),
        shrink_measured,
        measured_over_steps: t,
        error_start: start,
        error_end: end,
    }
}

/// The whole analysis. Errors (one line each) for settings that make no sense;
/// divergence is a finding.
pub fn analyse(f: &Features, y_name: &str, s: &Settings) -> Result<Diagnosis> {
    diagnose::check_settings(&diagnose::Settings { eps: s.eps, ..diagnose::Settings::new(s.lr, s.epochs) })?;
    if s.epochs > MAX_STEPS {
        return Err(Error::Data(format!("{} epochs is more than {MAX_STEPS} steps; lower --epochs", s.epochs)));
    }
    let raw = Loss::new(f)?;
    let centred = Loss::new(&f.rescaled(Scale::Centred)?)?;
    let standardized = Loss::new(&f.rescaled(Scale::Standardized)?)?;
    let p = raw.theta_star.len();
    let zero = DVector::zeros(p);

    // The reader's run. A component is measured while it stays above 10⁻⁹ of the error's
    // size: rounding (10⁻¹⁶ of θ) is then at most 10⁻⁷ of it.
    let floor = 1e-9 * raw.theta_star.norm().max(raw.components(&zero).iter().map(|c| c * c).sum::<f64>().sqrt());
    let run = raw.descend(&zero, s.lr, s.epochs, floor);
    let end_components = raw.components(&run.theta);
    let directions: Vec<DirectionReport> = (0..p)
        .map(|k| direction_report(&raw, k, s.lr, run.start_components[k], run.last_above_floor[k], end_components[k]))
        .collect();
    let std_zero = DVector::zeros(p);
    let std_components = standardized.components(&std_zero);
    let flat_standardized = direction_report(&standardized, 0, standardized.best_rate(), std_components[0], (0, std_components[0]), std_components[0]);

    let k = f.columns.len();
    let (a, b) = (0..k).flat_map(|a| (a + 1..k).map(move |b| (a, b))).max_by(|x, y| f.correlation(x.0, x.1).abs().total_cmp(&f.correlation(y.0, y.1).abs())).expect("two features at least");
    let correlation = Correlation { a: f.names[a].clone(), b: f.names[b].clone(), r: f.correlation(a, b) };

    let steps_to_eps = StepsToEps {
        this_lr: count(&raw, &zero, s.lr, s.eps),
        best_lr: count(&raw, &zero, raw.best_rate(), s.eps),
        centred: count(&centred, &zero, centred.best_rate(), s.eps),
        standardized: count(&standardized, &zero, standardized.best_rate(), s.eps),
    };
    let h = &raw.h;
    let order: Vec<usize> = (1..p).chain([0]).collect();
    let mut d = Diagnosis {
        n: f.rows(),
        features: f.names.clone(),
        y: y_name.to_string(),
        loss: "mean",
        parameters: f.names.iter().cloned().chain(["intercept".to_string()]).collect(),
        hessian: order.iter().map(|&i| order.iter().map(|&j| h[(i, j)]).collect()).collect(),
        directions,
        lambda_min: raw.lambda_min(),
        lambda_max: raw.lambda_max(),
        kappa: Kappas { raw: raw.kappa(), centred: centred.kappa(), standardized: standardized.kappa() },
        max_stable_lr: 2.0 / raw.lambda_max(),
        best_lr: raw.best_rate(),
        correlation,
        lr: s.lr,
        steps: run.steps,
        diverged: run.diverged_at.is_some(),
        diverged_at: run.diverged_at,
        eps: s.eps,
        init: vec![0.0; p],
        optimum: reorder(raw.theta_star.as_slice()),
        end: reorder(run.theta.as_slice()),
        steps_to_eps,
        flat_standardized,
        verdict: Vec::new(),
        pytorch: Vec::new(),
    };
    d.verdict = verdict(&d);
    d.pytorch = pytorch_fix(&d, f)?;
    check_finite(&d)?;
    Ok(d)
}

/// "+0.99 intercept +0.15 rooms −0.02 area": the components by size, signed, the tiny ones left out.
fn composition(names: &[String], v: &[f64]) -> String {
    let mut order: Vec<usize> = (0..v.len()).filter(|&i| v[i].abs() >= SHOWN).collect();
    order.sort_by(|&i, &j| v[j].abs().total_cmp(&v[i].abs()).then(i.cmp(&j)));
    order.iter().map(|&i| format!("{}{} {}", if v[i] < 0.0 { "−" } else { "+" }, crate::report::fmt_sig(v[i].abs(), 2), names[i])).collect::<Vec<_>>().join(" ")
}

/// A direction in words: "mostly the intercept", "trades rooms for area", "moves area and rooms together".
fn in_words(names: &[String], v: &[f64]) -> String {
    if let Some(i) = (0..v.len()).find(|&i| v[i] * v[i] >= 0.9) {
        let name = if names[i] == "intercept" { "the intercept".to_string() } else { names[i].clone() };
        return format!("is mostly {name}");
    }
    let list = |sign: f64| -> Vec<String> {
        (0..v.len()).filter(|&i| v[i] * sign >= 0.1).map(|i| names[i].clone()).collect()
    };
    let (plus, minus) = (list(1.0), list(-1.0));
    let and = |l: &[String]| match l {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if minus.is_empty() { format!("moves {} together", and(&plus)) } else { format!("trades {} for {}", and(&minus), and(&plus)) }
}

/// A factor per step: "0.1070", or "1 − 2.36e-5" when it is so close to 1 that four digits
/// would show 1.000 (the flat direction at a small η). `deficit` is 1 − factor computed
/// without the rounding of 1 − ηλ (ηλ itself, for the prediction).
fn per_step(v: f64, deficit: f64) -> String {
    if deficit.abs() < 1e-3 && deficit != 0.0 {
        // Narrow no-break spaces: the verdict's wrapping never splits "1 − 2.36e-5".
        format!("1\u{202f}{}\u{202f}{}", if deficit > 0.0 { "−" } else { "+" }, sci(deficit.abs()))
    } else if deficit == 0.0 {
        "1 (no change in f64)".to_string()
    } else {
        shrink_text(v)
    }
}

fn predicted_text(d: &DirectionReport, lr: f64) -> String {
    per_step(d.shrink_predicted, lr * d.lambda)
}

fn measured_text(d: &DirectionReport) -> String {
    d.shrink_measured.map_or("— (started at rounding level)".into(), |m| per_step(m, 1.0 - m))
}

fn steps_text(c: &Count) -> String {
    match (c.measured, c.predicted) {
        (Some(k), _) => format!("{} step{}", fmt_count(k as f64), if k == 1 { "" } else { "s" }),
        (None, Some(p)) => format!("{} steps (predicted)", fmt_count(p as f64)),
        (None, None) => c.status.clone(),
    }
}

// ANCHOR: verdict
/// Three lines in plain words, every number from the analysis: the reader's run along its
/// flattest direction, the step counts, and what standardizing does (and does not) fix.
fn verdict(d: &Diagnosis) -> Vec<String> {
    let names = &d.parameters;
    let flat = &d.directions[0];
    let steep = d.directions.last().expect("at least one direction");
    let mut lines = Vec::new();
    if let Some(at) = d.diverged_at {
        lines.push(format!(
            "At η = {} the run diverges: stopped at step {at}, its excess loss above 10¹² × its start. The steepest direction ({}) grows by {} per step; the largest stable η is 2/λmax = {}, so yours is {}× too large.",
            sci(d.lr),
            composition(names, &steep.vector),
            predicted_text(steep, d.lr),
            sci(d.max_stable_lr),
            num(d.lr / d.max_stable_lr, 3),
        ));
    } else {
        lines.push(format!(
            "At η = {} the flattest direction {} ({}): its error shrinks by {} per step (measured {}), so after your {} steps it is still {} of its start. κ = {}: the steepest direction ({}) caps η at 2/λmax = {}.",
            sci(d.lr),
            in_words(names, &flat.vector),
            composition(names, &flat.vector),
            predicted_text(flat, d.lr),
            measured_text(flat),
            fmt_count(d.steps as f64),
            shrink_text((flat.error_end / flat.error_start).abs()),
            num(d.kappa.raw, 4),
            composition(names, &steep.vector),
            sci(d.max_stable_lr),
        ));
    }
    let s = &d.steps_to_eps;
    lines.push(format!(
        "To a relative error of {}: {} at this η, {} at the best fixed η, {}; centring the columns brings κ to {} ({} at its best η), standardizing them to {} ({}).",
        sci(d.eps),
        steps_text(&s.this_lr),
        steps_text(&s.best_lr),
        sci(d.best_lr),
        num(d.kappa.centred, 4),
        steps_text(&s.centred),
        num(d.kappa.standardized, 3),
        steps_text(&s.standardized),
    ));
    let fs = &d.flat_standardized;
    let flat_words = || format!("the flat direction {}: {}", in_words(names, &fs.vector), composition(names, &fs.vector));
    if d.kappa.standardized < WELL_CONDITIONED {
        let c = &d.correlation;
        lines.push(format!(
            "Fix: standardize the columns (κ {} → {}). What is left is correlation, and it is mild: the largest, between {} and {}, is {}.",
            num(d.kappa.raw, 4),
            num(d.kappa.standardized, 3),
            c.a,
            c.b,
            num(c.r, 3)
        ));
    } else if s.standardized.predicted.is_some_and(|p| p <= QUICK_STEPS) {
        let c = &d.correlation;
        lines.push(format!(
            "Fix: standardize the columns (κ {} → {}, {}). What is left is correlation: {}. The features {} and {} move together (correlation {}). Standardized training copes with it here; if your features move together more tightly, drop or combine them (keep one, or replace the pair by one column built from both), or use the closed form (`fit`).",
            num(d.kappa.raw, 4),
            num(d.kappa.standardized, 3),
            steps_text(&s.standardized),
            flat_words(),
            c.a,
            c.b,
            num(c.r, 3),
        ));
    } else {
        let c = &d.correlation;
        lines.push(format!(
            "Standardizing is not enough: κ stays {} because {}. The features {} and {} move together (correlation {}), so the data barely tell their weights apart. Drop or combine the correlated features (keep one, or replace the pair by one column built from both), or use the closed form (`fit`).",
            num(d.kappa.standardized, 3),
            flat_words(),
            c.a,
            c.b,
            num(c.r, 3),
        ));
    }
    lines
}
// ANCHOR_END: verdict

/// The line before the PyTorch lines in the text report.
pub fn pytorch_header(features: &[String]) -> String {
    format!(
        "in PyTorch (paste after loading your columns {} as an n × {} float64 tensor X, in this order, and y as a 1-D float64 tensor):",
        features.join(", "),
        features.len()
    )
}

// ANCHOR: pytorch_fix
/// The fix as PyTorch lines for a reader whose feature columns are an n × k float64 tensor
/// `X` and whose target is a 1-D tensor `y`: standardize every column and y (population
/// sd: `correction=0`; torch.std's default, correction=1, divides by n − 1 and changes the
/// step), full-batch SGD from zero at the best fixed η of the standardized columns rounded
/// to 3 digits, the step count measured here for exactly those lines (the first at which
/// the relative error of (w, b) mapped back to the reader's units is below ε), and the
/// closed form, which needs no step at all and is the answer when the features are
/// correlated.
pub fn pytorch_fix(d: &Diagnosis, f: &Features) -> Result<Vec<String>> {
    let k = f.columns.len();
    let (y_mean, y_sd) = (stats::mean(&f.y), stats::std_dev(&f.y));
    let x = f.rescaled(Scale::Standardized)?;
    let yt: Vec<f64> = f.y.iter().map(|v| (v - y_mean) / y_sd).collect();
    let loss = Loss::new(&Features::new(x.names.clone(), x.columns.clone(), yt)?)?;
    let lr: f64 = format!("{:.2e}", loss.best_rate()).parse().expect("a formatted f64 parses");
    let (means, sds): (Vec<f64>, Vec<f64>) = f.columns.iter().map(|c| (stats::mean(c), stats::std_dev(c))).unzip();
    // θ̃ = (b̃, w̃₁…) → the reader's (b, w₁…): wⱼ = w̃ⱼ s_y/sⱼ, b = ȳ + s_y b̃ − Σ wⱼ x̄ⱼ.
    let star = DVector::from_iterator(k + 1, d.optimum[k..].iter().chain(&d.optimum[..k]).copied());
    let scale = star.norm().max(f64::MIN_POSITIVE);
    let error = |t: &DVector<f64>| {
        let w: Vec<f64> = (0..k).map(|j| t[j + 1] * y_sd / sds[j]).collect();
        let b = y_mean + y_sd * t[0] - w.iter().zip(&means).map(|(w, m)| w * m).sum::<f64>();
        let back = DVector::from_iterator(k + 1, std::iter::once(b).chain(w));
        (back - &star).norm() / scale
    };
    // Not run when the standardized count is already predicted beyond the budget (correlated
    // features, Longley): the lines then give the closed form only.
    let feasible = d.steps_to_eps.standardized.predicted.is_some_and(|p| p <= BUDGET as u64);
    let reached = match feasible.then(|| loss.reach_by(&DVector::zeros(k + 1), lr, d.eps, BUDGET, error)) {
        Some(Reach::Reached(steps)) => Some(steps),
        _ => None,
    };
    let list = |v: &[f64]| format!("[{}]", v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", "));
    let mut lines = Vec::new();
    match reached {
        Some(steps) => {
            let (plural, verb) = if steps == 1 { ("", "reaches") } else { ("s", "reach") };
            lines.push("# diagnose's fix: standardize every column of X and y, train, map the weights back;".into());
            lines.push(format!("# from zero in standardized units (not your start): {steps} full-batch step{plural}"));
            lines.push(format!("# of lr = {lr:?} {verb} a relative error of {}", sci(d.eps)));
            lines.push("# population sd (divide by n): correction=0; torch's default divides by n - 1".into());
            lines.push("X_mean, X_sd = X.mean(0), X.std(0, correction=0)".into());
            lines.push("y_mean, y_sd = y.mean(), y.std(correction=0)".into());
            lines.push("inputs = (X - X_mean) / X_sd".into());
            lines.push("targets = ((y - y_mean) / y_sd).unsqueeze(1)".into());
            lines.push(format!("model = torch.nn.Linear({k}, 1, dtype=torch.float64)"));
            lines.push("with torch.no_grad():".into());
            lines.push("    model.weight.zero_()".into());
            lines.push("    model.bias.zero_()".into());
            lines.push(format!("optimizer = torch.optim.SGD(model.parameters(), lr={lr:?})"));
            lines.push("loss_fn = torch.nn.MSELoss()".into());
            lines.push(format!("for epoch in range({steps}):"));
            lines.push("    optimizer.zero_grad()".into());
            lines.push("    loss_fn(model(inputs), targets).backward()".into());
            lines.push("    optimizer.step()".into());
            lines.push("w = model.weight.detach().squeeze(0) * y_sd / X_sd".into());
            lines.push("b = y_mean + y_sd * model.bias.detach().squeeze(0) - (w * X_mean).sum()".into());
            lines.push(format!("print(w.tolist(), b.item())  # least squares: {} {:?}", list(&d.optimum[..k]), d.optimum[k]));
            lines.push("# or, with no learning rate at all, the closed form (chapter 10):".into());
        }
        None => {
            lines.push(format!(
                "# diagnose's fix: even standardized, gradient descent needs more than {} steps here;",
                fmt_count(BUDGET as f64)
            ));
            lines.push("# solve in closed form (chapter 10) instead:".into());
        }
    }
    lines.push("A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], 1)".into());
    lines.push("theta = torch.linalg.lstsq(A, y.unsqueeze(1), driver=\"gelsd\").solution.squeeze(1)".into());
    lines.push(format!("print(theta.tolist())  # weights, then intercept: {}", list(&d.optimum)));
    Ok(lines)
}
// ANCHOR_END: pytorch_fix

/// No NaN or infinity reaches the output: JSON would turn them into `null` silently.
fn check_finite(d: &Diagnosis) -> Result<()> {
    let mut values = vec![("lambda_min", d.lambda_min), ("lambda_max", d.lambda_max), ("kappa", d.kappa.raw + d.kappa.centred + d.kappa.standardized), ("best_lr", d.best_lr)];
    values.extend(d.hessian.iter().flatten().map(|&v| ("hessian", v)));
    values.extend(d.optimum.iter().chain(&d.end).map(|&v| ("theta", v)));
    for dir in &d.directions {
        values.extend([("direction", dir.lambda + dir.vector.iter().sum::<f64>()), ("shrink_predicted", dir.shrink_predicted)]);
        values.extend(dir.shrink_measured.map(|v| ("shrink_measured", v)));
    }
    // A diverged run stops at 10¹² × its start, far below f64's limit: an infinite end is
    // the data's size, not the run.
    diagnose::all_finite(&values, "rescale the columns")
}

impl Diagnosis {
    /// The readable report: the analysis, the verdict, the PyTorch lines.
    pub fn text(&self) -> String {
        let names = &self.parameters;
        let vector = |v: &[f64], sig: usize| -> String {
            names.iter().zip(v).map(|(n, x)| format!("{n} {}", num(*x, sig))).collect::<Vec<_>>().join(", ")
        };
        let mut out = format!(
            "data       {} rows, features {} → {}, mean squared error\n\
             optimum    θ* = ({})\n",
            self.n,
            self.features.join(", "),
            self.y,
            vector(&self.optimum, 6),
        );
        out += "Hessian    H = (2/n)XᵀX over (";
        out += &names.join(", ");
        out += "):\n";
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(10);
        for (name, row) in names.iter().zip(&self.hessian) {
            out += &format!("  {name:<width$}");
            for v in row {
                out += &format!(" {:>12}", num(*v, 4));
            }
            out += "\n";
        }
        out += &format!("directions flattest first; shrink per step at η = {}: predicted |1 − ηλ|, measured\n", sci(self.lr));
        for d in &self.directions {
            out += &format!("  λ = {:<9} {}\n", num(d.lambda, 4), composition(names, &d.vector));
            out += &format!(
                "  {:13} shrink predicted {}, measured {}\n",
                "",
                predicted_text(d, self.lr),
                measured_text(d)
            );
        }
        out += &format!(
            "κ          raw {}, centred {}, standardized {}; largest correlation {} ({} and {})\n",
            num(self.kappa.raw, 4),
            num(self.kappa.centred, 4),
            num(self.kappa.standardized, 3),
            num(self.correlation.r, 3),
            self.correlation.a,
            self.correlation.b
        );
        out += &format!("step sizes largest stable 2/λmax = {}, best fixed 2/(λmin + λmax) = {}\n", sci(self.max_stable_lr), sci(self.best_lr));
        out += &format!("your run   η = {}, {} full-batch steps from θ = 0\n", sci(self.lr), fmt_count(self.steps as f64));
        out += &match self.diverged_at {
            Some(k) => format!("           diverged: stopped at step {k}\n"),
            None => format!("           ended at ({})\n", vector(&self.end, 6)),
        };
        out += &format!("steps from your start to a relative error of {} (‖θ − θ*‖/‖θ*‖):\n", sci(self.eps));
        let s = &self.steps_to_eps;
        for (label, c) in [("this η", &s.this_lr), ("best η", &s.best_lr), ("centred", &s.centred), ("standardized", &s.standardized)] {
            let predicted = match c.predicted {
                Some(p) => fmt_count(p as f64),
                None if c.status.starts_with("not run") => "beyond 10¹⁸".into(),
                None => "never (diverges)".into(),
            };
            let measured = c.measured.map_or(c.status.clone(), |k| fmt_count(k as f64));
            out += &format!("  {label:<13} η = {:<8} predicted {predicted}, measured {measured}\n", sci(c.lr));
        }
        out += "verdict:\n";
        for line in &self.verdict {
            out += &wrap(line, WIDTH, "  ", "    ");
        }
        // At column 0, unwrapped: Python reads indentation.
        out += &wrap(&pytorch_header(&self.features), WIDTH, "", "");
        for line in &self.pytorch {
            out += &format!("{line}\n");
        }
        out
    }
}
