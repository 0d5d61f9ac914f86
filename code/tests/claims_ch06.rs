//! Chapter 6's data-dependent sentences, one test each, asserting on the same generated
//! values the prose includes (`src/generated/ch6/values.md`). Each doc comment quotes the
//! sentence; if the data or the code change so that a sentence turns false, its test fails.

use std::sync::OnceLock;

use linreg::chapters::ch6;
use linreg::data::{BOOK_SEED, paris_rents};
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch6::build(&paris_rents(BOOK_SEED)).expect("chapter 6 builds").0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

/// "On the Paris data the slope's step alone is far too big: η_w = 0.01 is … times the
/// largest stable step, and the run is stopped as diverged at step …"
#[test]
fn the_seed_learning_rates_diverge() {
    assert!(v("seed_lr_w_over_max") > 10.0);
    assert!(v("seed_lrs_diverged_at") > 0.0 && v("seed_lrs_diverged_at") < 1000.0);
}

/// "here … m⁴ (…), not 10": the right ratio η_b/η_w is far from the seed's 10.
#[test]
fn the_right_ratio_is_not_ten() {
    assert!((v("diag_ratio") - v("mean_x2")).abs() < 1e-9 * v("mean_x2"));
    assert!(v("diag_ratio") > 100.0);
}

/// "its condition number is (1+r)/(1−r) = … instead of …"
#[test]
fn diagonal_steps_lower_kappa() {
    let r = v("diag_r");
    assert!((v("kappa_diag") - (1.0 + r) / (1.0 - r)).abs() < 1e-9 * v("kappa_diag"));
    assert!(v("kappa_diag") < v("kappa") / 100.0);
}

/// "to reach a relative error of 10⁻⁶ … takes ⌈ln(10⁻⁶/ε₀)/ln r⌉ = … steps, and the run
/// takes …" (the Summary: "land exactly on that prediction"); "Plain gradient descent at its
/// best fixed step needs about …" — far more.
#[test]
fn diagonal_steps_land_on_their_prediction() {
    assert_eq!(v("diag_iterations"), v("diag_predicted"));
    assert!(v("gd_best_predicted") > 100.0 * v("diag_iterations"));
}

/// "At its best, step …, the growing run is … € from b*, starting from … €."
#[test]
fn growing_eta_b_helps_first() {
    assert!(v("grow_best_b_error") < 0.01 * v("b_error_start"));
    assert!(v("grow_best_at") < v("grow_diverged_at"));
}

/// "That happens from step … (η_b = …); the error then needs … more steps to grow a
/// million-fold, and the shared divergence test stops the run at step …"
#[test]
fn growing_eta_b_then_diverges() {
    let (onset, at) = (v("grow_onset"), v("grow_diverged_at"));
    assert!(at > onset);
    assert_eq!(v("grow_steps_unstable"), at - onset);
}

/// "the flat-direction error after 1000 steps is the start's error times ∏|1 − η(t)λmin|:
/// the last column of the table, which matches the measurement" (to 1 %); the four fixed
/// schedules "stay flat at about their starting error" (figure's alt text).
#[test]
fn fixed_schedules_match_the_product_formula() {
    for key in ["constant", "inverse", "step", "cosine"] {
        let (m, p) = (v(&format!("sched_{key}_b_error")), v(&format!("sched_{key}_predicted")));
        assert!((m / p - 1.0).abs() < 0.01, "{key}: {m} vs {p}");
        assert!(m > 0.5 * v("b_error_start"), "{key}");
    }
}

/// "the decaying ones sum to less: … for 1/(1+0.01t) against … for the constant step"
/// (and so leave b further from b*).
#[test]
fn decaying_schedules_sum_to_less() {
    for key in ["inverse", "step", "cosine"] {
        assert!(v(&format!("sched_{key}_sum_lr")) < v("sched_constant_sum_lr"), "{key}");
        assert!(v(&format!("sched_{key}_b_error")) > v("sched_constant_b_error"), "{key}");
    }
}

/// Exercise 1: "… smaller than Paris's …"; "diagonal steps still leave a condition number
/// … better than Paris".
#[test]
fn exercise_1_reader_data() {
    assert!(v("reader_mean_x2") < v("diag_ratio"));
    assert!(v("reader_kappa_diag") < v("kappa_diag") && v("reader_kappa_diag") > 1.0);
}

/// Exercise 2: "The growing schedule passes it between two of its values: the step before
/// the onset used …, the onset step …. The limit is below 2/H_bb = …"
#[test]
fn exercise_2_exact_limit() {
    let limit = v("eta_b_limit");
    assert!(v("grow_before_onset_lr_b") < limit && limit <= v("grow_onset_lr_b"));
    assert!(limit < v("two_over_h_bb"));
}
