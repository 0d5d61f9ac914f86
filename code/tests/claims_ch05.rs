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

/// "On standardized data the limit is …, well above the notebook's rate."
#[test]
fn notebook_rate_is_comfortably_stable() {
    assert!(v("max_lr_std") >= 5.0 * ch5::NOTEBOOK_LR);
}

/// "Mapped back, gradient descent gives the least-squares line of chapter 2, θ*, to every
/// printed digit: the relative gaps are below …, which is rounding." (the table prints 6
/// digits) and "It has *not* arrived at the true line" (appendix, "The round trip": "It has
/// *not* arrived at the true intercept of 200 €").
#[test]
fn mapped_back_run_is_least_squares_not_the_truth() {
    assert_eq!(fmt_sig(v("gd_w"), 6), fmt_sig(v("w_star"), 6));
    assert_eq!(fmt_sig(v("gd_b"), 6), fmt_sig(v("b_star"), 6));
    let gap = ((v("gd_w") - v("w_star")) / v("w_star")).abs().max(((v("gd_b") - v("b_star")) / v("b_star")).abs());
    assert!(gap < v("gd_rel_gap_below") && v("gd_rel_gap_below") <= 1e-12, "{gap}");
    assert!(v("gd_b_gap_truth").abs() > 1.0);
}

/// "After 200 steps that leaves a predicted distance of …, far below rounding: that is why
/// its run ended exactly on θ*."
#[test]
fn predicted_distance_after_200_steps_is_below_rounding() {
    assert!(v("gd_predicted_distance") < 1e-16, "{}", v("gd_predicted_distance"));
}

/// "It moves the optimum to (r, 0), where r = … is the correlation between area and rent."
#[test]
fn standardized_optimum_is_the_correlation() {
    assert!((v("w_tilde_star") - v("correlation")).abs() < 1e-12);
}

/// "with areas in m² κ is …, and the same apartments in cm² give …": the same number
/// chapter 4 computes, and far from the m² one.
#[test]
fn kappa_depends_on_the_unit_of_x() {
    let ch4 = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    let cm2 = ch4["kappa_cm2"].as_f64().unwrap();
    assert!((v("kappa_raw_cm2") / cm2 - 1.0).abs() < 1e-9, "{} vs {cm2}", v("kappa_raw_cm2"));
    assert!(v("kappa_raw_cm2") > 1e3 * v("kappa_raw"));
}

/// "On the left the path moves w to the floor of the valley and then barely moves: it ends
/// … € below b*" (the zoomed panel shows both). Over its second half the run moves b by
/// less than a hundredth of the gap it leaves.
#[test]
fn raw_run_stalls_well_below_the_minimum() {
    assert!(v("raw_run_b_gap") > 10.0, "{}", v("raw_run_b_gap"));
    let d = paris_rents(BOOK_SEED);
    let run = linreg::gd::gradient_descent(&d.x, &d.y, ch5::RAW_START, ch5::RAW_LR, ch5::NOTEBOOK_ITERATIONS);
    let half = run.b.len() / 2;
    assert!((run.b[run.b.len() - 1] - run.b[half]).abs() < 0.01 * v("raw_run_b_gap"));
}

/// "κ = var(x) whenever the variance exceeds 1 in the unit used (else its inverse). Here that
/// is …, down from …" and "κ = 1" once scaled; "off-diagonal entries below … are rounding".
#[test]
fn centering_then_scaling_make_the_bowl_round() {
    assert!(v("var_x") > 1.0 && (v("kappa_centered") / v("var_x") - 1.0).abs() < 1e-12);
    // The same areas in hundreds of m²: variance below 1, κ its inverse.
    let d = paris_rents(BOOK_SEED);
    let x: Vec<f64> = d.x.iter().map(|v| v / 100.0 - d.x.iter().sum::<f64>() / d.x.len() as f64 / 100.0).collect();
    let var = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
    assert!(var < 1.0 && (linreg::curvature::Curvature::of(&x).condition_number() * var - 1.0).abs() < 1e-9);
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
