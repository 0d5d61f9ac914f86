//! Claims of chapter 5 (`src/ch05-standardization.md`); see CONTRIBUTING.md, "Claim tests".

use std::sync::OnceLock;

use linreg::chapters::{ch4, ch5};
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::report::fmt_sig;
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch5::build(&paris_rents(BOOK_SEED)).unwrap().0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 5's values"))
}

/// "on standardized data the limit is …, and 0.1 is comfortably below it."
#[test]
fn notebook_rate_is_comfortably_stable() {
    assert!(v("max_lr_std") >= 5.0 * ch5::NOTEBOOK_LR);
}

/// "Mapped back, gradient descent gives … the least-squares optimum … to every printed
/// digit" and "It has *not* arrived at the true line" (appendix, "The round trip": "It has
/// *not* arrived at the true intercept of 200 €").
#[test]
fn mapped_back_run_is_least_squares_not_the_truth() {
    assert_eq!(fmt_sig(v("gd_w"), 4), fmt_sig(v("w_star"), 4));
    assert_eq!(fmt_sig(v("gd_b"), 4), fmt_sig(v("b_star"), 4));
    assert!(v("gd_b_gap_truth").abs() > 1.0);
}

/// "On the left the path moves w to the floor of the valley and then barely moves: it ends
/// at b = … €, … € below b*" (the zoomed panel shows both).
#[test]
fn raw_run_stalls_well_below_the_minimum() {
    assert!(v("raw_run_b_gap") > 10.0, "{}", v("raw_run_b_gap"));
}

/// "Centering … κ = var(x) = …, down from …" and "κ = 1" once scaled; "off-diagonal entries
/// below … are rounding".
#[test]
fn centering_then_scaling_make_the_bowl_round() {
    assert!((v("kappa_centered") / v("var_x") - 1.0).abs() < 1e-12);
    assert!(v("kappa_raw") > 10.0 * v("kappa_centered"));
    assert!((v("kappa_std") - 1.0).abs() < 1e-12);
    assert!(v("h_wb_centered_below") < 1e-9 * v("h_ww_centered"));
}

/// "On raw data the best fixed step and the stability limit agree to every digit the table
/// shows" (the table prints 4 significant digits).
#[test]
fn best_step_and_stability_limit_agree_on_raw_data() {
    assert_eq!(fmt_sig(v("max_lr_raw"), 4), fmt_sig(v("best_lr_raw"), 4));
    assert_ne!(fmt_sig(v("max_lr_centered"), 4), fmt_sig(v("best_lr_centered"), 4));
}

/// Predictions against measurements: "The prediction matches the measurement exactly in
/// every row" and "at chapter 4's η = 10⁻⁵ the same prediction is …, the bound in chapter
/// 4's table."
#[test]
fn predictions_match_measurements_exactly_and_agree_with_chapter_4() {
    for k in ["raw", "centered", "std", "std_lr01"] {
        assert_eq!(v(&format!("iters_{k}")), v(&format!("predicted_{k}")), "{k}");
    }
    let ch4 = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    assert_eq!(v("predicted_raw_ch4_lr"), ch4["predicted_notebook"].as_f64().unwrap());
}

/// "The count grows like κ: roughly (κ/2) ln(e₀/ε)."
#[test]
fn raw_count_is_roughly_half_kappa_log() {
    let rough = v("kappa_raw") / 2.0 * (v("start_error_raw") / ch5::EPS).ln();
    assert!((v("iters_raw") / rough - 1.0).abs() < 0.01, "{rough}");
}

/// "one step of η = 0.5 … leaves a relative error below …: rounding" and, with n − 1,
/// "a fraction |1 − ½H_ww| = 1/n".
#[test]
fn one_step_is_exact_with_n_and_leaves_one_nth_with_n_minus_one() {
    assert!(v("one_step_rel_error_below") <= 1e-15);
    let n = paris_rents(BOOK_SEED).len() as f64;
    assert!((v("one_step_w_error_factor_sample") - 1.0 / n).abs() < 1e-12);
    assert!(v("one_step_rel_error_sample") > 1e3 * v("one_step_rel_error_below"));
}

/// "The slope and the intercept need learning rates thousands of times apart." The ratio of
/// the curvatures along the two axes, H_ww/H_bb = mean(x²), in m⁴.
#[test]
fn learning_rates_thousands_of_times_apart() {
    assert!((1e3..1e4).contains(&v("mean_x2")), "{}", v("mean_x2"));
}

/// Solution 3: "On our data, in m², scaling alone does more: it takes κ from … to …,
/// centering alone to …". And centering alone leaves κ = var(x) (population variance, in m⁴
/// as a number), to 1 %.
#[test]
fn scaling_alone_does_more_than_centering_alone_here() {
    assert!(v("kappa_scaled_only") < v("kappa_centered") && v("kappa_centered") < v("kappa_raw"));
    let d = paris_rents(BOOK_SEED);
    let n = d.x.len() as f64;
    let mean = d.x.iter().sum::<f64>() / n;
    let var = d.x.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    assert!((v("kappa_centered") / var - 1.0).abs() < 0.01, "{} vs {var}", v("kappa_centered"));
}
