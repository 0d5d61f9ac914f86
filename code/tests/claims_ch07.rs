//! Chapter 7's data-dependent sentences, one test each, asserting on the same generated
//! values the prose includes (`src/generated/ch7/values.md`). Each doc comment quotes the
//! sentence; if the data or the code change so that a sentence turns false, its test fails.

use std::sync::OnceLock;

use linreg::chapters::ch7;
use linreg::curvature::Curvature;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::gd::Reach;
use linreg::optimizers::{AdaGrad, Adam, Momentum, Optimizer, RmsProp, reach};
use linreg::quadratic::Quadratic;
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch7::build(&paris_rents(BOOK_SEED)).expect("chapter 7 builds").0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

/// "Newton lands on its prediction, and diagonal steps on theirs once it is rounded up to an
/// even step … Heavy ball and Nesterov … both measure *above* the count their rate predicts …
/// a transient, rebuilt in Appendix D, accounts for every extra step"; appendix D: "Its counts
/// are the measured ones".
#[test]
fn the_rebuilt_predictions_are_the_measured_counts() {
    assert_eq!(v("newton_raw_iterations"), 1.0);
    assert_eq!(v("newton_raw_predicted"), 1.0);
    assert_eq!(v("diagonal_raw_iterations"), v("diagonal_raw_transient"));
    assert_eq!(v("diagonal_raw_iterations") as i64 % 2, 0);
    for key in ["momentum_raw", "nesterov_raw"] {
        let (m, p, t) = (v(&format!("{key}_iterations")), v(&format!("{key}_predicted")), v(&format!("{key}_transient")));
        assert!(m > 1.2 * p, "{key}: {m} vs {p}");
        assert_eq!(m, t, "{key}: measured {m}, rebuilt {t}");
    }
}

/// "What to do": "heavy ball needs … steps and Adam …. Newton's method … needs one", where
/// "plain gradient descent needs more than 100 000 steps".
#[test]
fn what_momentum_and_adam_buy() {
    assert_eq!(values()["gd_inv_raw_status"], "not within budget");
    assert_eq!(values()["gd_best_raw_status"], "not within budget");
    assert!(v("momentum_raw_iterations") > 0.0 && v("adam_raw_iterations") > 0.0);
    assert_eq!(v("newton_raw_iterations"), 1.0);
}

/// Figure 7.2's caption: "heavy ball's error shrinks by a factor e about every √κ/2 steps,
/// gradient descent's every κ" (the asymptotic rates, within 2 %).
#[test]
fn figure_7_2_steps_per_factor_e() {
    let per_e = |rho: f64| -1.0 / rho.ln();
    assert!((per_e(v("momentum_raw_rho")) / (v("sqrt_kappa") / 2.0) - 1.0).abs() < 0.02);
    assert!((per_e(v("gd_inv_raw_rho")) / v("kappa") - 1.0).abs() < 0.02);
}

/// "Heavy ball and Nesterov replace κ by √κ": far fewer steps than gradient descent.
#[test]
fn momentum_replaces_kappa_by_its_root() {
    assert!((v("sqrt_kappa") - v("kappa").sqrt()).abs() < 1e-9 * v("sqrt_kappa"));
    assert!(100.0 * v("momentum_raw_iterations") < v("gd_best_raw_predicted"));
}

/// Appendix D: "For heavy ball the transient is worst along the *steep* direction, where B = …":
/// with the optimal η, β the first step multiplies the steep error by 1 − ηλmax, and
/// B = (1 − ηλ)/r − 1 with the double root r = (1 + β − ηλ)/2.
#[test]
fn heavy_ball_transient_is_worst_along_the_steep_direction() {
    let c = Curvature::of(&paris_rents(BOOK_SEED).x);
    let m = Momentum::optimal(c.lambda_min, c.lambda_max);
    let b = |lambda: f64| (1.0 - m.lr * lambda) / ((1.0 + m.beta - m.lr * lambda) / 2.0) - 1.0;
    let (steep, flat) = (b(c.lambda_max), b(c.lambda_min));
    assert!((steep - v("momentum_raw_b_steep")).abs() < 1e-9, "{steep}");
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
/// (raw data); standardized: "The adaptive methods are now the *slower* ones" (more than one
/// step) and the plain ones "all finish in one step".
#[test]
fn who_gets_there() {
    assert!(v("adam_raw_iterations") > 0.0 && v("adagrad_raw_iterations") > 0.0);
    assert_eq!(values()["rmsprop_raw_status"], "not within budget");
    for key in ["gd_inv", "gd_best", "diagonal", "momentum", "nesterov", "newton"] {
        assert_eq!(v(&format!("{key}_std_iterations")), 1.0, "{key}");
    }
    // Figure 7.3's alt text: "Adam is still on its way after 40 steps".
    assert!(v("adam_std_iterations") > 40.0);
    for key in ["adagrad", "rmsprop", "adam"] {
        let n = v(&format!("{key}_std_iterations"));
        assert!(n > 1.0 || values()[format!("{key}_std_status")] == "not within budget", "{key}: {n}");
    }
}

/// Appendix D, "How large are the adaptive steps?": "Only AdaGrad's step is bounded by η per
/// coordinate … RMSprop's … first step is η/√(1−ρ) … No step is larger … Adam's bias correction
/// makes its first step exactly η, but later steps can be larger. After one lone gradient that
/// follows a long run of zeros, the step is η(1−β₁)/√(1−β₂) … That is not the worst case …
/// [the bound] … Gradients that grow by a factor β₂/β₁ per step approach it … the largest steps
/// were … each on the first step." Chapter 7: "their first steps, of size η or more in each
/// coordinate". Each asserted on an Adam run, not only on the formula.
#[test]
fn adaptive_step_sizes() {
    let (rms, adam) = (RmsProp::new(1.0), Adam::new(1.0));
    assert!((v("rmsprop_step_bound") - 1.0 / (1.0 - rms.alpha).sqrt()).abs() < 1e-12);
    let (b1, b2) = (adam.beta1, adam.beta2);
    assert!((v("adam_sparse_step") - (1.0 - b1) / (1.0 - b2).sqrt()).abs() < 1e-12);
    // By hand: the limit of the Cauchy–Schwarz bound, (1−β₁)/√((1−β₂)(1−β₁²/β₂)) = 7.2703…
    let limit = (1.0 - b1) / ((1.0 - b2) * (1.0 - b1 * b1 / b2)).sqrt();
    assert!((limit - 7.2703).abs() < 1e-3, "{limit}");
    assert!(v("adam_step_bound") <= limit * (1.0 + 1e-9) && v("adam_step_bound") > 0.999 * limit);
    assert!(v("adam_step_bound") > v("adam_sparse_step"));
    // The sparse case on a run: 20 000 zero gradients, then one gradient.
    let mut a = Adam::new(1.0);
    let mut th = [0.0, 0.0];
    for t in 0..20_000 {
        th = a.step(th, [0.0, 0.0], t);
    }
    let lone = a.step(th, [1.0, 1.0], 20_000);
    assert!((-lone[0] / v("adam_sparse_step") - 1.0).abs() < 1e-6, "{lone:?}");
    // The worst case on a run: gradients growing by β₂/β₁ per step, ending at 1 on step T (the
    // early ones underflow harmlessly). The step approaches the bound and never exceeds it.
    let steps = 5000;
    let mut a = Adam::new(1.0);
    let mut th = [0.0, 0.0];
    let mut largest: f64 = 0.0;
    for t in 0..steps {
        let g = (b1 / b2).powi((steps - 1 - t) as i32);
        let next = a.step(th, [g, g], t);
        largest = largest.max((next[0] - th[0]).abs());
        th = next;
    }
    assert!(largest <= v("adam_step_bound") * (1.0 + 1e-9), "{largest}");
    assert!(largest > 0.95 * v("adam_step_bound"), "{largest}");
    assert!((v("adam_worst_growth") - b2 / b1).abs() < 1e-3);
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

/// Appendix D: "Momentum buys a larger stable step; Nesterov's look-ahead buys a smaller one.
/// Each sweep's last surviving rate lies at or below its limit (standardized gradient descent
/// sits exactly on it, …), and the next rate of the grid lies above it and diverged"; Figure D.1: "each blow up above their own stability limit".
#[test]
fn sweep_respects_the_stability_limits() {
    for s in ["raw", "std"] {
        for key in ["gd", "momentum", "nesterov"] {
            let limit = v(&format!("{s}_{key}_stable_limit"));
            let (last, next) = (v(&format!("sweep_{s}_{key}_largest_stable")), v(&format!("sweep_{s}_{key}_first_diverged")));
            assert!(last <= limit * (1.0 + 1e-9) && next > limit, "{s} {key}: {last} ≤ {limit} < {next}");
            // "sits exactly on it": the one case where "at" is needed, and nowhere else.
            let on_limit = (last / limit - 1.0).abs() < 1e-9;
            assert_eq!(on_limit, s == "std" && key == "gd", "{s} {key}: {last} vs {limit}");
        }
        assert!(v(&format!("{s}_momentum_stable_limit")) > v(&format!("{s}_gd_stable_limit")));
        assert!(v(&format!("{s}_nesterov_stable_limit")) < v(&format!("{s}_gd_stable_limit")));
    }
}

/// Appendix D: "The adaptive methods never diverged on raw data. Adam ends at rounding level (a
/// relative excess loss below 10⁻²⁰) for every rate from … to …. Among those, which ends lowest
/// is decided by the last bits of the parameters … Chapter 7's tables use … the rate of the
/// grid that reaches the table's ε in the fewest steps." The band holds several rates, and the
/// fastest count survives a second arithmetic: the same runs with the gradient's constant
/// written c = H·θ* instead of (2/n)·Σ(xy, y) give the same count at the same rate.
#[test]
fn adaptive_rates_are_chosen_by_a_count_not_by_rounding() {
    for key in ["adagrad", "rmsprop", "adam"] {
        assert_eq!(v(&format!("sweep_raw_{key}_largest_stable")), 1000.0, "{key}");
    }
    assert!(v("sweep_raw_adam_at_rounding") >= 4.0);
    assert!(v("sweep_raw_adam_rounding_from") < v("sweep_raw_adam_rounding_to"));
    let d = paris_rents(BOOK_SEED);
    let q = Quadratic::of(&d.x, &d.y);
    let h = q.h;
    let other = Quadratic { c: [h[0][0] * q.star[0] + h[0][1] * q.star[1], h[1][0] * q.star[0] + h[1][1] * q.star[1]], ..q };
    for (key, make) in [("adam", (|lr| Box::new(Adam::new(lr)) as Box<dyn Optimizer>) as fn(f64) -> Box<dyn Optimizer>), ("adagrad", |lr| Box::new(AdaGrad::new(lr)))] {
        let (lr, steps) = (v(&format!("sweep_raw_{key}_fastest_lr")), v(&format!("sweep_raw_{key}_fastest_steps")));
        assert_eq!(v(&format!("{key}_raw_iterations")), steps, "{key}: the table uses the fastest rate");
        let (end, _) = reach(make(lr).as_mut(), &other, [25.0, 100.0], 1e-6, 100_000);
        assert_eq!(end, Reach::Reached(steps as usize), "{key} at η = {lr}: second arithmetic");
    }
}

/// Chapter 7: "On standardized data the intercept suffers most. With batch size 1, the spread
/// of b … relative to |b*|, is … times that of w relative to |w*|"; "with the full batch, a
/// fixed point"; appendix D: "On raw data it is the other way round".
#[test]
fn minibatch_noise_hits_b_hardest_on_standardized_data() {
    assert!(v("sgd_raw_50_spread_w") < 1e-9 && v("sgd_std_50_spread_b") < 1e-9);
    assert!(v("sgd_std_1_ratio") > 5.0 && v("sgd_std_10_ratio") > 5.0);
    assert!(v("sgd_raw_1_ratio") < 1.0 && v("sgd_raw_10_ratio") < 1.0);
}

/// "Going from batch size 1 to 10 shrinks b's end-of-epoch spread …-fold, far more than the
/// √10 of the textbook 1/√B law" (appendix D; reshuffled epochs); "Drawn with replacement …
/// the law holds": measured within 10 % of the stationary formula, batch ratio within 10 % of
/// √10, η ratio within 10 % of its prediction — each under the sampling it describes.
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

/// Appendix D, "Raw data: the flat direction fills in slowly": "the flat direction relaxes over
/// 1/(ηλmin) = … steps, far longer than the runs above [at least 5×]"; across independent runs:
/// "At the end of the runs above the spread along the flat direction is still well below where
/// it settles [under 3/4 of the late value] … the noise lives mostly along the steep direction
/// [steep spread above flat spread, at both times] … The last row is the with-replacement law,
/// which these reshuffled runs do not follow: along the flat direction they settle far below it
/// [under a fifth]." The law keeps its (2 − ηλ) factor (0.2765 along v_max, not 0.270).
#[test]
fn raw_minibatch_noise_fills_the_flat_direction_slowly() {
    assert!(v("sgd_relax_steps") > 5.0 * v("sgd_raw_1_steps"));
    assert!(v("arrival_late_relaxations") >= 4.99);
    assert!(v("arrival_end_flat") < 0.75 * v("arrival_late_flat"));
    for t in ["end", "late"] {
        assert!(v(&format!("arrival_{t}_steep")) > v(&format!("arrival_{t}_flat")), "{t}");
    }
    assert!(v("arrival_late_flat") < 0.2 * v("sgd_raw_1_law_flat"));
    // The (2 − ηλ) factor: without it the steep law would be √((2 − ηλmax)/2) times its value.
    let c = Curvature::of(&paris_rents(BOOK_SEED).x);
    let without = v("sgd_raw_1_law_steep") * ((2.0 - 1e-5 * c.lambda_max) / 2.0).sqrt();
    assert!(v("sgd_raw_1_law_steep") / without > 1.02, "ηλmax = {}", 1e-5 * c.lambda_max);
}

/// Figure 7.2's caption: Adam "relapses: near the optimum its gradient is tiny, but v̂ still
/// remembers the large early gradients and forgets them only slowly, so its effective step
/// η/√v̂ grows. Once that step is past the heavy-ball stability limit of the steep direction
/// [(1 − β₁)·λmax(diag(η/√v̂)·H) > 2(1 + β₁)], the rounding-level error there grows, until the
/// gradients refill v̂ and Adam converges again." Measured on the chapter's Adam run (raw data,
/// the table's η): after converging to rounding level it relapses to a large loss, and the
/// effective step is below the limit when it converges and above it when the relapse starts.
#[test]
fn adam_relapses_when_its_effective_step_passes_the_stability_limit() {
    let d = paris_rents(BOOK_SEED);
    let q = Quadratic::of(&d.x, &d.y);
    let lr = v("sweep_raw_adam_fastest_lr");
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let mut adam = Adam::new(lr);
    let (mut th, mut vv) = ([25.0, 100.0], [0.0f64; 2]);
    let e0 = q.excess(th);
    let h = q.h;
    let mu = |vh: [f64; 2]| {
        let a = [lr / (vh[0].sqrt() + eps), lr / (vh[1].sqrt() + eps)];
        let m = [[a[0] * h[0][0], a[0] * h[0][1]], [a[1] * h[1][0], a[1] * h[1][1]]];
        let (tr, det) = (m[0][0] + m[1][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]);
        (1.0 - b1) * (tr / 2.0 + (tr * tr / 4.0 - det).max(0.0).sqrt())
    };
    let limit = 2.0 * (1.0 + b1);
    let (mut converged, mut relapse) = (None, None);
    for t in 0..3000usize {
        let g = q.grad(th);
        for i in 0..2 {
            vv[i] = b2 * vv[i] + (1.0 - b2) * g[i] * g[i];
        }
        let vh = [vv[0] / (1.0 - b2.powi(t as i32 + 1)), vv[1] / (1.0 - b2.powi(t as i32 + 1))];
        let rel = q.excess(th) / e0;
        if converged.is_none() && rel < 1e-20 {
            converged = Some((t, mu(vh)));
        } else if converged.is_some() && relapse.is_none() && rel > 1e-3 {
            relapse = Some(t);
        }
        th = adam.step(th, g, t);
    }
    let (tc, mu_c) = converged.expect("Adam reaches rounding level");
    let tr = relapse.expect("Adam relapses within 3000 steps");
    assert!(mu_c < limit, "at convergence (step {tc}) μ = {mu_c}");
    // Walk back from the relapse to where the error started to grow: μ is above the limit there.
    let mut adam = Adam::new(lr);
    let (mut th, mut vv) = ([25.0, 100.0], [0.0f64; 2]);
    let mut crossed = None;
    for t in 0..tr {
        let g = q.grad(th);
        for i in 0..2 {
            vv[i] = b2 * vv[i] + (1.0 - b2) * g[i] * g[i];
        }
        let vh = [vv[0] / (1.0 - b2.powi(t as i32 + 1)), vv[1] / (1.0 - b2.powi(t as i32 + 1))];
        if t > tc && crossed.is_none() && mu(vh) > limit {
            crossed = Some(t);
        }
        th = adam.step(th, g, t);
    }
    let tx = crossed.expect("the effective step passes the limit before the relapse");
    eprintln!("converged at {tc} (μ = {mu_c:.3}), μ > {limit} from step {tx}, loss back above 10⁻³ at step {tr}");
    assert!(tx < tr && tr - tx < 400, "{tx} → {tr}");
}
