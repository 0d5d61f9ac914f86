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
/// standardizes, in a handful)?" and "with torch.std() … H_ww = 2(n−1)/n … leaves a fraction |1 − 0.5 H_ww| = 1/n … of the
/// weight's error after each step … it reaches rounding after … steps. The notebook's run
/// does converge, and its 200 iterations are more than enough; but not in one step."
#[test]
fn sample_std_converges_geometrically_not_in_one_step() {
    let n = v("n");
    assert!((v("nb_sample_h_ww") - 2.0 * (n - 1.0) / n).abs() < 1e-12);
    assert!((v("nb_sample_w_factor") - 1.0 / n).abs() < 1e-12);
    assert!((v("nb_sample_dist_2") / v("nb_sample_dist_1") - 1.0 / n).abs() < 1e-6);
    // "in a handful" (the chapter's opening question) and "more than enough" for 200.
    let steps = v("nb_sample_steps_to_rounding");
    assert!(steps > 1.0 && steps <= 12.0 && steps < ch9::NB_ITERATIONS as f64, "{steps}");
}

/// "the bias ends at … : it has covered … % of its way" and "moves the flat one by a
/// fraction η λmin per epoch — a few millionths."
#[test]
fn reader_bias_barely_moves_by_a_few_millionths_per_epoch() {
    assert!(v("reader_b_moved_pct").abs() < 10.0, "{}", v("reader_b_moved_pct"));
    let per_epoch = ch9::READER_LR * v("reader_lambda_min");
    assert!((1e-6..1e-5).contains(&per_epoch), "{per_epoch}");
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

/// Exercise 2: "The effective rate becomes 100 × 10⁻⁵ = 10⁻³ … the largest stable rate on
/// these data is 2/λmax … 10⁻³ is above it, so the run diverges."
#[test]
fn summed_loss_on_reader_data_diverges() {
    let j = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    let lmax = j["reader_lambda_max"].as_f64().unwrap();
    assert!(100.0 * ch9::READER_LR > 2.0 / lmax);
}
