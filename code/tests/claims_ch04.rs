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
/// on it stays within 1 % of where it ends" / Figure 4.1's alt text: "w rises to just above 1
/// within a few dozen steps" / summary: "On raw data gradient descent learns w in a few dozen
/// steps and barely moves b". "A few dozen", here and in every claim test: two to six dozen.
#[test]
fn slope_settles_within_a_few_dozen_steps_and_intercept_hardly_moves() {
    assert!((24.0..=72.0).contains(&v("w_settled_at")), "{}", v("w_settled_at"));
    assert!(v("w_final_frac") > 1.0 && v("w_final_frac") < 1.05, "{}", v("w_final_frac"));
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
    // By orders of magnitude (a factor above 100) within a few dozen steps (by step 72).
    assert!(excess(0) / excess(72) > 100.0);
    assert!(excess(ch4::ITERATIONS) / excess(100) > 0.9);
    assert!((excess(ch4::ITERATIONS) - v("excess_final")).abs() < 1e-9 * v("excess_final"));
}

/// "At the start nothing cancels … After 200 steps the per-sample derivatives of b cancel
/// to about a tenth, but those of w cancel far more." About a tenth: 0.1 to one decimal place.
#[test]
fn cancellation_is_strongest_for_w() {
    assert!(v("cancel_ratio_b_start") > 0.999 && v("cancel_ratio_w_start") > 0.999);
    assert!((0.05..0.15).contains(&v("cancel_ratio_b_final")), "{}", v("cancel_ratio_b_final"));
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

/// "on data where the book's η = 10⁻⁵ is above 2/λmax (floor areas of a few hundred m²
/// suffice)". Since λmax ≥ H_ww = 2 mean(x²), η > 2/λmax as soon as mean(x²) > 1/η: areas
/// all above √(1/η) ≈ 316 m², a few hundred (two to six hundred), always suffice; an example.
#[test]
fn a_few_hundred_square_metres_make_the_book_rate_diverge() {
    let threshold = (1.0 / ch4::LR).sqrt();
    assert!((200.0..600.0).contains(&threshold), "{threshold}");
    let x: Vec<f64> = (0..50).map(|i| threshold + 4.0 * i as f64).collect();
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
    assert!((24.0..=72.0).contains(&v("w_settled_at")) && (v("w_final_frac") - 1.0).abs() < 0.05);
}

/// "because the surfaces, in m², spread over s_x = … m², large next to the intercept's column
/// of ones" / appendix: "That is about x̄/(s² + x̄²), never more than 1/(2s) = … whatever x̄:
/// small because the surfaces, in m², spread over s = … m²".
#[test]
fn flat_direction_tilt_is_bounded_by_the_spread() {
    assert!(v("vmin_ratio") <= v("vmin_ratio_bound") && v("vmin_ratio_bound") < 0.05);
    assert!(v("x_sd") > 10.0);
}

// --- The rebuilt chapter (issue 20): the valley drawn, the floor named, the gradient answered. ---

/// "The slope even ends a little too steep: with an intercept too low, the best line crosses
/// the optimum's inside the cloud."
#[test]
fn stalled_line_is_too_steep_and_crosses_the_optimum_inside_the_cloud() {
    let d = paris_rents(BOOK_SEED);
    assert!(v("w_overshoot") > 0.0 && v("b_final") < v("b_star"));
    // Where w_f·x + b_f = w*·x + b*.
    let x = (v("b_star") - v("b_final")) / v("w_overshoot");
    let (lo, hi) = (linreg::stats::min(&d.x), linreg::stats::max(&d.x));
    assert!(x > lo && x < hi, "crossing at {x}, data in [{lo}, {hi}]");
}

/// "the path drops into the valley and stalls on its floor" / "The line where gradient descent
/// stalled is one of them": after the run, the error has no steep part left.
#[test]
fn the_run_stalls_on_the_floor() {
    assert!(v("err_steep_final").abs() < 1e-6 * v("err_flat_final").abs());
}

/// "the black arrow, straight across the valley": the first step points along v_max.
#[test]
fn the_first_step_points_straight_across_the_valley() {
    let (dw, db) = (v("step1_dw"), v("step1_db"));
    let cos = (dw * v("vmax_w") + db * v("vmax_b")).abs() / dw.hypot(db);
    assert!(cos > 0.999, "{cos}");
}

/// "Why does the valley stand upright here when it lay diagonally in Figure 2.3? Only the zoom
/// changed. Figure 2.3 drew a unit of w as long as … € of b; here it is as long as … €."
/// A floor of slope S (€ of b per unit of w) is drawn at atan(|S|/R) from the horizontal
/// when a unit of w is drawn as long as R € of b.
#[test]
fn the_same_floor_looks_diagonal_in_figure_2_3_and_upright_here() {
    let angle = |r: f64| (v("floor_slope").abs() / r).atan().to_degrees();
    let (wide, zoom) = (angle(v("ch2_w_in_b")), angle(v("zoom_w_in_b")));
    assert!((20.0..70.0).contains(&wide), "Figure 2.3: {wide}°");
    assert!(zoom > 75.0, "Figure 4.2: {zoom}°");
}

/// "Every line on it crosses the optimum's line at one point inside the cloud, at … m²" and
/// "turning the line by one €/m² about that point moves the intercept by … €".
#[test]
fn floor_lines_cross_at_one_point_inside_the_cloud() {
    let d = paris_rents(BOOK_SEED);
    let x = v("floor_pivot_x");
    assert!(x > linreg::stats::min(&d.x) && x < linreg::stats::max(&d.x), "{x}");
    // Two lines of the floor, θ* + t·v_min for t = ±50, meet at that x.
    let line = |t: f64| (v("w_star") + t * v("vmin_w"), v("b_star") + t * v("vmin_b"));
    let ((w1, b1), (w2, b2)) = (line(-50.0), line(50.0));
    let meet = (b2 - b1) / (w1 - w2);
    assert!((meet / x - 1.0).abs() < 1e-3, "{meet} vs {x}");
    assert!(((v("vmin_b") / v("vmin_w")).abs() / x - 1.0).abs() < 1e-3);
}

/// "Moving the intercept by … € along the floor costs only … % of MSE; shifting the optimum's
/// line by as much, slope kept, costs … %." / Figure 4.3's title: "nearly the same fit,
/// intercepts … € apart" (its alt text: "at zero area they spread over hundreds of euros",
/// 100 to 1000 €).
#[test]
fn pivoting_costs_little_and_shifting_costs_much() {
    assert!(v("fan_inner_pct") < 10.0 && v("fan_outer_pct") < 50.0, "{} {}", v("fan_inner_pct"), v("fan_outer_pct"));
    assert!(v("fan_shift_pct") > 5.0 * v("fan_inner_pct"));
    assert!((100.0..1000.0).contains(&v("fan_spread")) && v("fan_spread") == 4.0 * v("fan_step"));
    // Exactly the quadratic: along v_min the excess is λmin·t²/2, shifting b alone costs Δb².
    let d = paris_rents(BOOK_SEED);
    let l_star = v("mse_star");
    let t = v("fan_step") / v("vmin_b");
    let along = linreg::loss::mse(&d.x, &d.y, v("w_star") + t * v("vmin_w"), v("b_star") + v("fan_step")) - l_star;
    assert!((along / (0.5 * v("lambda_min") * t * t) - 1.0).abs() < 1e-6, "{along}");
    assert!((v("fan_shift_pct") / (100.0 * v("fan_step").powi(2) / l_star) - 1.0).abs() < 1e-2);
}

/// "(Chapter 2's lines through the centre (x̄, ȳ) are a close neighbour of this floor, not the
/// floor itself" / exercise 3: "For the same intercept they cost a little more than the floor's
/// lines, which … pivot about a point near mean(x²)/x̄ rather than x̄."
#[test]
fn lines_through_the_centre_are_a_neighbour_of_the_floor() {
    let (centre, floor) = (v("centre_slope"), v("floor_slope"));
    let gap = (floor / centre - 1.0).abs();
    assert!(gap > 0.05 && gap < 0.25, "{centre} vs {floor}");
    let d = paris_rents(BOOK_SEED);
    let (xm, ym) = (linreg::stats::mean(&d.x), linreg::stats::mean(&d.y));
    for k in [-2.0, -1.0, 1.0, 2.0] {
        let b = v("b_star") + k * v("fan_step");
        let through_centre = linreg::loss::mse(&d.x, &d.y, (ym - b) / xm, b);
        let t = (b - v("b_star")) / v("vmin_b");
        let on_floor = linreg::loss::mse(&d.x, &d.y, v("w_star") + t * v("vmin_w"), b);
        assert!(through_centre > on_floor && through_centre < 1.1 * on_floor, "{k}: {through_centre} vs {on_floor}");
    }
    assert!((v("floor_pivot_x") / (v("mean_x2") / xm) - 1.0).abs() < 1e-3);
}

/// "At the start it is: with areas in m², ∂L/∂b is … times smaller than ∂L/∂w … After 200
/// steps it is the other way round: Now ∂L/∂b is … times the larger, and still b moves only
/// … € per step" / summary: "after 200 steps it is the larger, and b still does not move".
#[test]
fn after_200_steps_the_intercepts_gradient_is_the_larger_and_b_still_does_not_move() {
    assert!(v("grad_ratio_start") > 1.0 && v("grad_b_start").abs() < v("grad_w_start").abs());
    assert!(v("grad_b_final").abs() > v("grad_w_final").abs() && v("grad_ratio_final") > 1.0);
    // The step is η·∂L/∂b, a ten-thousandth of a euro: after 200 such steps b has moved
    // a fraction of a euro of the fifty it lacks.
    assert!((v("b_step_final") / (ch4::LR * v("grad_b_final").abs()) - 1.0).abs() < 0.01);
    assert!(v("b_step_final") < 1e-3 && v("b_moved") < 0.01 * v("b_gap_start"));
}

/// "The steep part is gone within a few dozen steps; the flat part, the intercept's error, has
/// not moved (Figure 4.6)" and Figure 4.6's caption ("the steep component vanishes in a few
/// dozen steps"): gone = below 1 % of its start from then on.
#[test]
fn steep_part_gone_within_a_few_dozen_steps() {
    let d = paris_rents(BOOK_SEED);
    let c = Curvature::of(&d.x);
    let t = gradient_descent(&d.x, &d.y, ch4::START, ch4::LR, ch4::ITERATIONS);
    let modes = ch4::answer::raw_modes(&d, &c, &t);
    // The first step from which the steep component stays below 1 % of its start.
    let start = modes.start()[1].abs();
    let gone = (0..modes.measured.len())
        .find(|&k| modes.measured[k..].iter().all(|m| m[1].abs() < 0.01 * start))
        .expect("the steep part falls below 1 % of its start");
    assert!((24..=72).contains(&gone), "{gone}");
    assert!(v("decay_flat") > 0.999 && v("vmin_b").abs() > 0.999);
}

/// "Shrinking it by a factor of 10 at η = 10⁻⁵ takes … steps" and "that is … steps per factor
/// of 10" at the best fixed step: −ln 10/ln ρ, about ln 10/(ηλmin) and (κ/2)·ln 10.
#[test]
fn steps_per_factor_of_ten() {
    let ln10 = std::f64::consts::LN_10;
    assert!((v("steps_per_10_flat") / (ln10 / (ch4::LR * v("lambda_min"))) - 1.0).abs() < 1e-5);
    assert!((v("steps_per_10_best") / (ln10 * v("steps_per_e_best")) - 1.0).abs() < 1e-3);
    assert!((v("steps_per_10_best") / (ln10 * v("half_kappa")) - 1.0).abs() < 1e-3);
}

/// "Along the b axis itself the loss is not flat: H_bb = 2".
#[test]
fn along_the_b_axis_the_loss_is_not_flat() {
    assert_eq!(v("h_bb"), 2.0);
    assert!(v("hbb_over_lambda_min") > 5.0);
}

/// Figure 4.2's label: "still to go: … € of b, … more steps".
#[test]
fn the_way_left_and_its_steps() {
    assert!((v("left_b") - (v("b_star") - v("b_final"))).abs() < 1e-9);
    assert_eq!(v("left_steps"), v("measured_notebook") - ch4::ITERATIONS as f64);
}

/// Figure 4.4's caption: "|∂L/∂w| keeps falling (the dip is where it changes sign)".
#[test]
fn the_dip_of_the_w_derivative_is_a_sign_change() {
    let d = paris_rents(BOOK_SEED);
    let t = gradient_descent(&d.x, &d.y, ch4::START, ch4::LR, ch4::ITERATIONS);
    let g: Vec<f64> = t.grad.iter().map(|g| g.0).collect();
    let changes = g.windows(2).filter(|p| p[0].signum() != p[1].signum()).count();
    assert_eq!(changes, 1, "∂L/∂w changes sign {changes} times");
    let dip = (0..g.len()).min_by(|&a, &b| g[a].abs().total_cmp(&g[b].abs())).unwrap();
    assert!(g[dip - 1].signum() != g[dip + 1].signum() || g[dip].signum() != g[dip + 1].signum(), "dip at {dip}");
}
