//! Chapter 7's data-dependent sentences, one test each, asserting on the same generated
//! values the prose includes (`src/generated/ch7/values.md`). Each doc comment quotes the
//! sentence; if the data or the code change so that a sentence turns false, its test fails.

use std::sync::OnceLock;

use linreg::chapters::ch7;
use linreg::curvature::Curvature;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::optimizers::{Adam, Momentum, Optimizer, RmsProp};
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch7::build(&paris_rents(BOOK_SEED)).expect("chapter 7 builds").0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

/// "Diagonal steps and Newton land exactly on their predictions."
#[test]
fn diagonal_and_newton_land_on_their_predictions() {
    assert_eq!(v("diagonal_raw_iterations"), v("diagonal_raw_predicted"));
    assert_eq!(v("newton_raw_iterations"), 1.0);
    assert_eq!(v("newton_raw_predicted"), 1.0);
}

/// "Heavy ball and Nesterov … both measure *above* the count their rate predicts … The rate is
/// not wrong, only asymptotic … Rebuilt from that formula [c(1 + Bt)ρᵗ] …, the prediction is
/// exact"; appendix (minibatch-noise.md): "Its counts … are the measured ones". The measured
/// counts exceed the asymptotic prediction and equal the transient one (to one step).
#[test]
fn momentum_and_nesterov_are_explained_by_the_transient() {
    for key in ["momentum_raw", "nesterov_raw"] {
        let (m, p, t) = (v(&format!("{key}_iterations")), v(&format!("{key}_predicted")), v(&format!("{key}_transient")));
        assert!(m > 1.2 * p, "{key}: {m} vs {p}");
        assert!((m - t).abs() <= 1.0, "{key}: measured {m}, transient {t}");
    }
}

/// "Heavy ball and Nesterov replace κ by √κ": far fewer steps than gradient descent.
#[test]
fn momentum_replaces_kappa_by_its_root() {
    assert!((v("sqrt_kappa") - v("kappa").sqrt()).abs() < 1e-9 * v("sqrt_kappa"));
    assert!(100.0 * v("momentum_raw_iterations") < v("gd_best_raw_predicted"));
}

/// "For heavy ball the transient is worst along the *steep* direction, where B ≈ 2":
/// with the optimal η, β the first step multiplies the steep error by 1 − ηλmax, and
/// B = (1 − ηλ)/r − 1 with the double root r = (1 + β − ηλ)/2.
#[test]
fn heavy_ball_transient_is_worst_along_the_steep_direction() {
    let c = Curvature::of(&paris_rents(BOOK_SEED).x);
    let m = Momentum::optimal(c.lambda_min, c.lambda_max);
    let b = |lambda: f64| (1.0 - m.lr * lambda) / ((1.0 + m.beta - m.lr * lambda) / 2.0) - 1.0;
    let (steep, flat) = (b(c.lambda_max), b(c.lambda_min));
    assert!((steep - 2.0).abs() < 0.05, "{steep}");
    assert!(flat.abs() < 0.1 * steep, "{flat}");
}

/// "the error it reaches at the best fixed step, …, is the predicted ε₀ρ^100000 = …"
#[test]
fn gradient_descent_reaches_the_predicted_error() {
    assert_eq!(values()["gd_best_raw_status"], "not within budget");
    let (m, p) = (v("gd_best_raw_error"), v("gd_best_raw_error_predicted"));
    assert!((m / p - 1.0).abs() < 1e-3, "{m} vs {p}");
}

/// "Adam and AdaGrad get there without knowing H … RMSprop with a constant step does not"
/// (raw data); standardized: "The adaptive methods are now the *slow* ones" and the plain
/// ones "all finish in one step".
#[test]
fn who_gets_there() {
    assert!(v("adam_raw_iterations") > 0.0 && v("adagrad_raw_iterations") > 0.0);
    assert_eq!(values()["rmsprop_raw_status"], "not within budget");
    for key in ["gd_inv", "gd_best", "diagonal", "momentum", "nesterov", "newton"] {
        assert_eq!(v(&format!("{key}_std_iterations")), 1.0, "{key}");
    }
    assert!(v("adagrad_std_iterations") > 10.0 && v("adam_std_iterations") > 10.0);
    assert_eq!(values()["rmsprop_std_status"], "not within budget");
}

/// Appendix (minibatch-noise.md, "How large are the adaptive steps?"): "Only AdaGrad's step is
/// bounded by η per coordinate … RMSprop's … first step is η/√(1−ρ) … and no step is larger …
/// Adam's bias correction makes its first step exactly η; its worst case is η(1−β₁)/√(1−β₂) …
/// the largest steps were … all on the first step." Chapter 7: "their first steps, of size η
/// or more in each coordinate"
#[test]
fn adaptive_step_sizes() {
    let (rms, adam) = (RmsProp::new(1.0), Adam::new(1.0));
    assert!((v("rmsprop_step_bound") - 1.0 / (1.0 - rms.rho).sqrt()).abs() < 1e-12);
    assert!((v("adam_step_bound") - (1.0 - adam.beta1) / (1.0 - adam.beta2).sqrt()).abs() < 1e-12);
    for s in ["raw", "std"] {
        let step = |k: &str, w: &str| v(&format!("{k}_{s}_{w}_step"));
        assert!(step("adagrad", "max") <= 1.0 + 1e-9);
        assert!((step("rmsprop", "first") / v("rmsprop_step_bound") - 1.0).abs() < 1e-6);
        assert!(step("rmsprop", "max") <= v("rmsprop_step_bound") * (1.0 + 1e-9));
        assert!((step("adam", "first") - 1.0).abs() < 1e-6);
        assert!(step("adam", "max") <= v("adam_step_bound"));
        if s == "raw" {
            for k in ["adagrad", "rmsprop", "adam"] {
                assert_eq!(step(k, "max"), step(k, "first"), "{k}");
            }
        }
    }
    // By hand: a first RMSprop step with g = 4 is η·4/(√(0.1·16) + ε) = η/√0.1.
    let t = RmsProp::new(0.1).step([0.0, 0.0], [4.0, -4.0], 0);
    assert!((t[0] + 0.1 / 0.1f64.sqrt()).abs() < 1e-8, "{t:?}");
}

/// "Each sweep's last surviving rate lies below its limit and the next rate of the grid above
/// it … Momentum buys a larger stable step; Nesterov's look-ahead buys a smaller one."
/// (chapter 7; the rates themselves in the appendix minibatch-noise.md, "The sweep's stability
/// limits", where the next rate "lies above it and diverged").
#[test]
fn sweep_respects_the_stability_limits() {
    for s in ["raw", "std"] {
        for key in ["gd", "momentum", "nesterov"] {
            let limit = v(&format!("{s}_{key}_stable_limit"));
            let (last, next) = (v(&format!("sweep_{s}_{key}_largest_stable")), v(&format!("sweep_{s}_{key}_first_diverged")));
            assert!(last <= limit * (1.0 + 1e-9) && next > limit, "{s} {key}: {last} ≤ {limit} < {next}");
        }
        assert!(v(&format!("{s}_momentum_stable_limit")) > v(&format!("{s}_gd_stable_limit")));
        assert!(v(&format!("{s}_nesterov_stable_limit")) < v(&format!("{s}_gd_stable_limit")));
    }
}

/// "The adaptive methods never diverged, and Adam is best at η = … — a step the size of the
/// parameters themselves."
#[test]
fn adaptive_methods_survive_the_whole_sweep() {
    for key in ["adagrad", "rmsprop", "adam"] {
        assert_eq!(v(&format!("sweep_raw_{key}_largest_stable")), 1000.0, "{key}");
    }
    let best = v("sweep_raw_adam_best_lr");
    assert!((10.0..=1000.0).contains(&best), "{best}");
}

/// "with the full batch, m = 50, a fixed point: no noise at all"; "On standardized data the
/// intercept suffers most: with batch size 1, the spread … of b …, relative to |b*|, is … times
/// that of w relative to |w*|" (chapter 7; the table of every run in the appendix
/// minibatch-noise.md).
#[test]
fn minibatch_noise_hits_b_hardest() {
    assert!(v("sgd_raw_50_spread_w") < 1e-9 && v("sgd_std_50_spread_b") < 1e-9);
    assert!(v("sgd_std_1_ratio") > 5.0 && v("sgd_std_10_ratio") > 5.0);
}

/// "Going from batch size 1 to 10 shrinks b's end-of-epoch spread …-fold, far more than the
/// √10 of the textbook 1/√B law" (chapter 7); "Drawn with replacement … the law holds"
/// (appendix minibatch-noise.md, "The textbook law holds with replacement"): measured within
/// 10 % of the stationary formula, batch ratio within 10 % of √10, η ratio within 10 % of its
/// prediction.
#[test]
fn minibatch_laws_hold_with_replacement_only() {
    assert!(v("sgd_reshuffled_batch_ratio") > 2.0 * v("sqrt_ten"));
    for tag in ["1", "10", "1_quarter"] {
        let (m, p) = (v(&format!("sgd_repl_{tag}_spread_b")), v(&format!("sgd_repl_{tag}_predicted_b")));
        assert!((m / p - 1.0).abs() < 0.1, "{tag}: {m} vs {p}");
    }
    assert!((v("sgd_repl_batch_ratio") / v("sqrt_ten") - 1.0).abs() < 0.1);
    assert!((v("sgd_repl_eta_ratio") / v("sgd_repl_eta_ratio_predicted") - 1.0).abs() < 0.1);
}

/// Appendix (minibatch-noise.md, "Raw data: the noise has not arrived"): "On raw data … its
/// relaxation time 1/(ηλmin) = … steps is much longer than the … steps of the run. The
/// end-of-epoch spread along the steep direction … is already of the size of its stationary
/// value …, while along the flat direction it is … of an eventual …"; chapter 7: "the flat
/// direction has not started to fill in within the run"
#[test]
fn raw_minibatch_noise_has_not_reached_the_flat_direction() {
    assert!(v("sgd_relax_steps") > 5.0 * v("sgd_raw_1_steps"));
    let steep = v("sgd_raw_1_spread_steep") / v("sgd_raw_1_stationary_steep");
    assert!(steep > 0.5 && steep < 1.5, "{steep}");
    assert!(v("sgd_raw_1_spread_flat") < 0.1 * v("sgd_raw_1_stationary_flat"));
}
