//! Claims of chapter 4 (`src/ch04-gradient-descent.md`) and of its appendix, "chapter 4 in
//! detail" (`src/reader-setting.md`); see CONTRIBUTING.md, "Claim tests".

use std::sync::OnceLock;

use linreg::chapters::ch4;
use linreg::curvature::Curvature;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::gd::gradient_descent;
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 4's values"))
}

/// "Gradient descent on the raw Paris data settles the slope within a few dozen steps, but
/// after 200 steps the intercept has hardly moved." / "The slope settles early: from step …
/// on it stays within 1 % of where it ends".
#[test]
fn slope_settles_within_a_few_dozen_steps_and_intercept_hardly_moves() {
    assert!((12.0..=60.0).contains(&v("w_settled_at")), "{}", v("w_settled_at"));
    assert!(v("b_moved_pct") < 5.0, "{}", v("b_moved_pct"));
}

/// "… that is … × w* — slightly *too large*, by … €/m²."
#[test]
fn slope_ends_slightly_too_large() {
    assert!(v("w_overshoot") > 0.0 && v("w_final_frac") < 1.05);
}

/// "The excess loss L − L* falls from … €² by orders of magnitude within a few dozen steps,
/// then stops improving" / appendix: "the excess loss L − L* falls by orders of magnitude
/// within a few dozen steps, then stays flat (Figure B.1)".
#[test]
fn excess_loss_drops_by_orders_of_magnitude_then_stalls() {
    let d = paris_rents(BOOK_SEED);
    let t = gradient_descent(&d.x, &d.y, ch4::START, ch4::LR, ch4::ITERATIONS);
    let excess = |k: usize| t.loss[k] - v("mse_star");
    assert!(excess(0) / excess(60) > 100.0);
    assert!(excess(ch4::ITERATIONS) / excess(100) > 0.9);
    assert!((excess(ch4::ITERATIONS) - v("excess_final")).abs() < 1e-9 * v("excess_final"));
}

/// "At the start nothing cancels … After 200 steps the per-sample derivatives of b cancel
/// to about a tenth, but those of w cancel far more."
#[test]
fn cancellation_is_strongest_for_w() {
    assert!(v("cancel_ratio_b_start") > 0.999 && v("cancel_ratio_w_start") > 0.999);
    assert!((0.05..0.2).contains(&v("cancel_ratio_b_final")), "{}", v("cancel_ratio_b_final"));
    assert!(v("cancel_ratio_w_final") < 0.1 * v("cancel_ratio_b_final"));
}

/// "After 200 steps ∂L/∂w is down to … of its starting value, ∂L/∂b only to … of its own
/// …, and over the last hundred steps ∂L/∂b kept … of its value: it is not shrinking."
#[test]
fn intercept_derivative_stops_shrinking() {
    assert!(v("grad_w_final_frac") < 0.01 * v("grad_b_final_frac"));
    assert!(v("grad_b_late_frac") > 0.9, "{}", v("grad_b_late_frac"));
}

/// "Measure the same surfaces in cm² … now … times apart. 'Which gradient is larger'
/// depends on the unit of x" (and so does κ, on the notation page).
#[test]
fn gradient_ratio_and_kappa_depend_on_the_unit_of_x() {
    let r = v("grad_ratio_start_cm2") / v("grad_ratio_start");
    assert!((r / ch4::CM2_PER_M2 - 1.0).abs() < 1e-9, "{r}");
    assert_eq!(v("grad_b_start_cm2"), v("grad_b_start"));
    assert!(v("kappa_cm2") > 1e6 * v("kappa"));
}

/// "the steep direction … almost pure w; the flat direction … almost pure b."
#[test]
fn eigen_directions_are_almost_pure_w_and_b() {
    assert!(v("vmax_w").abs() > 0.999 && v("vmin_b").abs() > 0.999);
}

/// "after 200 steps the factor is …: that component is gone; … it is still …: nothing happened."
#[test]
fn steep_error_is_gone_flat_error_untouched() {
    assert!(v("decay_steep") < 1e-3 && v("decay_flat") > 0.99);
}

/// "There ∂²L/∂b² = H_bb = 2 …, far below H_ww but … times λmin." / "Its curvature is small:
/// λmin is just below 2 var(x)/mean(x²) = …" / appendix: "the curvature is the Schur
/// complement H_bb − H_wb²/H_ww = 2 var(x)/mean(x²) = … The curvature λmin along the floor is
/// just below it: … λmin is that times H_ww/λmax, a little below 1."
#[test]
fn lambda_min_is_just_below_the_schur_complement_and_far_below_h_bb() {
    assert_eq!(v("h_bb"), 2.0);
    assert!(v("h_ww") > 100.0 * v("h_bb") && v("hbb_over_lambda_min") > 2.0);
    let (lmin, s) = (v("lambda_min"), v("schur_b"));
    assert!((s / (2.0 * v("var_x") / v("mean_x2")) - 1.0).abs() < 1e-12);
    assert!(lmin < s && s < lmin * (1.0 + v("h_bb") / v("h_ww")));
    assert!((lmin / (s * v("h_ww") / v("lambda_max")) - 1.0).abs() < 1e-12);
}

/// "its w-component is only … times its b-component" / appendix: "From (H − λmin I) v_min = 0,
/// its w-component is x̄/(mean(x²) − λmin/2) = … times its b-component … small because …"
#[test]
fn flat_direction_tilt_is_the_stated_ratio() {
    assert!((v("vmin_ratio") - (v("vmin_w") / v("vmin_b")).abs()).abs() < 1e-9);
    assert!(v("vmin_ratio") < 0.05);
}

/// "even the best fixed step, η = 2/(λmin + λmax), needs about κ/2 = … steps per factor e, and
/// η = 1/λmax about κ" / appendix: "… shrinks the error along both directions by
/// (κ − 1)/(κ + 1) … per step: about κ/2 = … steps per factor e … At η = 1/λmax, ρ = 1 − 1/κ:
/// about κ steps per factor e".
#[test]
fn best_step_needs_half_kappa_steps_per_factor_e() {
    assert!((v("steps_per_e_best") / v("half_kappa") - 1.0).abs() < 1e-3);
    assert!((v("steps_per_e_inv_lambda_max") / v("kappa") - 1.0).abs() < 1e-3);
    let rho = v("rho_best");
    let k = v("kappa");
    assert!((rho - (k - 1.0) / (k + 1.0)).abs() < 1e-8);
}

/// Predictions against measurements: "The prediction is an upper bound, and every measured
/// count lies at or below it, within a fraction of a per cent … That transient saves
/// ln(‖e₀‖/|e₀·v_min|)/(−ln ρ) steps: … at the notebook's rate, where the table's gap is …
/// At the best fixed step … the two counts are equal."
#[test]
fn measured_counts_lie_within_the_bound_and_the_gap_is_the_transient() {
    for key in ["notebook", "inv_lambda_max", "best"] {
        assert_eq!(values()[format!("measured_{key}_status")], "reached", "{key}");
        let (m, p) = (v(&format!("measured_{key}")), v(&format!("predicted_{key}")));
        assert!(m <= p && p - m < 0.01 * p, "{key}: measured {m}, predicted {p}");
        assert_eq!(v(&format!("gap_{key}")), p - m);
    }
    for key in ["notebook", "inv_lambda_max"] {
        let (gap, transient) = (v(&format!("gap_{key}")), v(&format!("transient_{key}")));
        assert!((gap - transient).abs() <= 1.0, "{key}: gap {gap}, transient {transient}");
    }
    assert_eq!(v("gap_best"), 0.0);
}

/// "The notebook's run would need millions of steps; the best fixed learning rate still
/// needs hundreds of thousands — roughly (κ/2) ln(1/s)."
#[test]
fn millions_and_hundreds_of_thousands_of_steps() {
    assert!((1e6..1e7).contains(&v("measured_notebook")));
    assert!((1e5..1e6).contains(&v("measured_best")));
    let rough = v("half_kappa") * (1.0 / v("shrink")).ln();
    assert!((v("measured_best") / rough - 1.0).abs() < 0.01, "{rough}");
}

/// "A run at 1.05 × 2/λmax … is stopped by the divergence check".
#[test]
fn run_above_the_limit_diverges() {
    assert_eq!(values()["measured_over_status"], "diverged");
    assert!(v("over_diverged_at") > 0.0);
}

/// "on data where the book's η = 10⁻⁵ is above 2/λmax (surfaces of a few hundred m² suffice)".
#[test]
fn a_few_hundred_square_metres_make_the_book_rate_diverge() {
    let x: Vec<f64> = (0..50).map(|i| 300.0 + 4.0 * i as f64).collect();
    assert!(Curvature::of(&x).max_stable_lr() < ch4::LR);
}

/// "The reader's data … After 100 epochs w = … (… × w*) but b = …, only … × b*" and
/// "On the reader's data the picture is the same".
#[test]
fn reader_setting_fails_the_same_way() {
    assert!((v("reader_w_frac") - 1.0).abs() < 0.05, "{}", v("reader_w_frac"));
    assert!(v("reader_b_frac").abs() < 0.1, "{}", v("reader_b_frac"));
    assert!(v("reader_vmin_b").abs() > 0.999 && v("reader_decay_flat") > 0.99);
    assert!(v("reader_kappa") > 1e3);
}

/// "And the minimum loss is not zero (L* = … here, … on the reader's data) because of the noise".
#[test]
fn minimum_loss_is_not_zero() {
    assert!(v("mse_star") > 0.0 && v("reader_mse_star") > 0.0);
}

/// Introduction: "the slope settles near the right value within a few dozen steps" (the
/// chapter 4 run it summarises) — settled within 1 % of its end, which is within 5 % of w*.
#[test]
fn introduction_slope_settles_within_a_few_dozen_steps() {
    assert!(v("w_settled_at") <= 60.0 && (v("w_final_frac") - 1.0).abs() < 0.05);
}

/// "because the surfaces, in m², spread over s_x = … m², large next to the intercept's column
/// of ones" / appendix: "That is about x̄/(s² + x̄²), never more than 1/(2s) = … whatever x̄:
/// small because the surfaces, in m², spread over s = … m²".
#[test]
fn flat_direction_tilt_is_bounded_by_the_spread() {
    assert!(v("vmin_ratio") <= v("vmin_ratio_bound") && v("vmin_ratio_bound") < 0.05);
    assert!(v("x_sd") > 10.0);
}
