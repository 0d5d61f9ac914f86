//! Claims of chapter 9 (`src/ch09-neuron.md`); see CONTRIBUTING.md, "Claim tests".

use std::sync::OnceLock;

use linreg::chapters::{ch4, ch9};
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::report::fmt_sig;
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch9::build(&paris_rents(BOOK_SEED)).unwrap().0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 9's values"))
}

/// "It gets there after its *first* step … rounding error" (population standard deviations).
#[test]
fn population_std_converges_in_one_step() {
    assert!((v("effective_lr") - v("newton_lr")).abs() < 1e-12);
    assert!(v("nb_dist_1") < 1e-14 && v("nb_dist_0") > 0.1);
}

/// "why does the notebook's run converge in a single step (or, as the notebook actually
/// standardizes, in a handful)?" and "with torch.std() … H_ww = 2(n−1)/n … Each step of the
/// effective rate 1/λ leaves a fraction |1 − H_ww/2| = 1/n of the weight's error … the
/// distance … after one step and … after two. It stops shrinking … after … steps in f64 …
/// The notebook's run does converge, and its 200 iterations are more than enough; but not
/// in one step."
#[test]
fn sample_std_converges_geometrically_not_in_one_step() {
    let n = v("n");
    assert!((v("nb_sample_h_ww") - 2.0 * (n - 1.0) / n).abs() < 1e-12);
    assert!((v("nb_sample_w_factor") - 1.0 / n).abs() < 1e-12);
    assert!((v("nb_sample_dist_2") / v("nb_sample_dist_1") - 1.0 / n).abs() < 1e-6);
    // "in a handful" (the chapter's opening question) and "more than enough" for 200.
    for key in ["nb_sample_steps_to_rounding", "nb_sample_steps_to_rounding_reversed"] {
        let steps = v(key);
        assert!(steps > 1.0 && steps <= 12.0 && steps < ch9::NB_ITERATIONS as f64, "{key}: {steps}");
    }
    // "… after … steps in f64, or … when the gradient sums the rows in reverse order: rounding
    // decides the exact count" (the second arithmetic moves it).
    assert_ne!(v("nb_sample_steps_to_rounding"), v("nb_sample_steps_to_rounding_reversed"));
}

/// "The bias has covered … % of its way" (Figure 9.1: "the bias barely starts") and "Each
/// epoch removes a fraction ηλmin of the error along that flat direction: … at the
/// reader's rate. Even the largest stable rate, 2/λmax, would remove only 2/κ = … per epoch."
#[test]
fn reader_bias_barely_moves_and_the_flat_fraction_is_tiny() {
    assert!(v("reader_b_moved_pct").abs() < 10.0, "{}", v("reader_b_moved_pct"));
    let per_epoch = ch9::READER_LR * v("reader_lambda_min");
    assert!((v("reader_flat_fraction") / per_epoch - 1.0).abs() < 1e-12);
    assert!((v("reader_flat_fraction_best") * v("reader_kappa") - 2.0).abs() < 1e-12);
    assert!(v("reader_flat_fraction_best") < 1e-3);
}

/// "the mean loss's Hessian has off-diagonal ∂²L/∂w∂b = 2x̄ = …" (not Σxᵢ: that is XᵀX's).
#[test]
fn the_mean_loss_off_diagonal_is_twice_the_mean_of_x() {
    let p = ch9::reader_problem(BOOK_SEED);
    let mean = p.x.iter().sum::<f64>() / p.x.len() as f64;
    assert!((v("reader_h_wb") - 2.0 * mean).abs() < 1e-12, "{}", v("reader_h_wb"));
}

/// "It stops shrinking, at the level of rounding, after … steps in f64. In the notebook's
/// float32 that happens sooner, after … steps" (at a larger distance, float32's rounding).
#[test]
fn float32_reaches_its_rounding_level_sooner() {
    let s64 = v("nb_sample_steps_to_rounding").min(v("nb_sample_steps_to_rounding_reversed"));
    let s32 = v("nb_sample_f32_steps_to_rounding");
    assert!(s32 >= 1.0 && s32 < s64, "{s32} vs {s64}");
    // The float32 count is quoted as it is: it survives the reversed summation order.
    assert_eq!(s32, v("nb_sample_f32_steps_to_rounding_reversed"));
    let floor = v("nb_sample_f32_floor");
    assert!(floor > 1e-9 && floor < 1e-5, "{floor}");
}

/// "With … apartments the summed loss at 0.01 is a rate of … on the mean, exactly the edge
/// of stability 2/λ".
#[test]
fn the_what_if_rate_is_the_edge_of_stability() {
    assert!((v("what_if_rate") - 2.0 / v("lambda_max")).abs() < 1e-12, "{}", v("what_if_rate"));
}

/// "The same loop run in float32 … ends within … of the f64 weight and … of the f64 bias:
/// precision plays no part in the stall."
#[test]
fn float32_plays_no_part() {
    let moved = (v("reader_b") - v("reader_b0")).abs();
    assert!(v("reader_f32_gap_b") < 1e-3 * moved && v("reader_f32_gap_w") < 1e-5);
}

/// "The fix is chapter 5's: standardize … within … of the optimal intercept."
#[test]
fn standardizing_fixes_the_reader_run() {
    assert!(v("fix_b_gap") < 1e-6);
}

/// "the weight is close after 100 epochs …, but the bias has run *away* from its optimum …;
/// after 1000 epochs it is back to …"
#[test]
fn adam_on_raw_data_runs_away_then_comes_back() {
    let gap = |k: &str| (v(k) - v("reader_b_star")).abs();
    assert!((v("adam_w_short") / v("reader_w_star") - 1.0).abs() < 0.05);
    assert!(gap("adam_b_short") > gap("reader_b0"));
    assert!(gap("adam_b_long") < gap("adam_b_short") && gap("adam_b_long") > 1e3 * v("fix_b_gap"));
}

/// "The trained neuron and the least-squares line agree to every digit shown" (the table
/// prints 4 significant digits) "Both differ from the true line by the sample's noise".
#[test]
fn neuron_predictions_are_least_squares_predictions() {
    for x in ch9::SURFACES {
        let (n, l, t) = (
            v(&format!("predict_{x}_neuron")),
            v(&format!("predict_{x}_least_squares")),
            v(&format!("predict_{x}_true_line")),
        );
        assert_eq!(fmt_sig(n, 4), fmt_sig(l, 4), "{x} m²");
        assert!((l - t).abs() > 1.0, "{x} m²");
    }
}

/// Exercise 2: "The effective rate becomes nη = … × 10⁻⁵ = …, n times larger, but the
/// largest stable rate on these data is 2/λmax … the effective rate is above it, so the
/// run diverges." Exercise 1: "0.5/n = …" for n = 200.
#[test]
fn summed_loss_on_reader_data_diverges() {
    let j = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    let lmax = j["reader_lambda_max"].as_f64().unwrap();
    assert!((v("reader_sum_effective_lr") - v("reader_n") * ch9::READER_LR).abs() < 1e-15);
    assert!(v("reader_sum_effective_lr") > 2.0 / lmax);
    assert!((v("exercise_one_step_rate") - 0.5 / ch9::EXERCISE_N as f64).abs() < 1e-15);
}

/// Figure 9.1's alt text: "The weight on raw data rises steadily and reaches its optimum; the
/// bias on raw data stays near its start; the bias of the standardized run … arrives faster
/// than either."
#[test]
fn figure_9_1_the_standardized_bias_arrives_first() {
    let (w, b) = (v("reader_w_epochs_to_99pct"), v("fix_b_epochs_to_99pct"));
    assert!(w > 0.0 && b > 0.0 && b < w, "{b} vs {w}");
    assert!(v("reader_b_moved_pct").abs() < 10.0);
}
