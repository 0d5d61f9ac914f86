//! Claims of chapter 1 (`src/ch01-dataset.md`): each test quotes the sentence it backs and
//! asserts it on the value the chapter generates, so that a change of data or code that
//! makes the sentence false fails here. Convention: CONTRIBUTING.md, "Claim tests".

use std::sync::OnceLock;

use linreg::chapters::{ch1, ch4};
use linreg::data::{BOOK_SEED, Dataset, paris_rents};
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch1::build(&paris_rents(BOOK_SEED)).unwrap().0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 1's values"))
}

/// "The points hug the true line, as they should: the noise has a standard deviation of
/// … €, small next to rents of a few thousand euros."
#[test]
fn noise_is_small_next_to_rents_of_a_few_thousand_euros() {
    assert!((1000.0..10_000.0).contains(&v("y_mean")), "{}", v("y_mean"));
    assert!(v("noise_sd") < 0.1 * v("y_mean"));
}

/// "The mean is not exactly 0: with 50 draws it wanders by about σ/√n ≈ … € either way."
#[test]
fn noise_mean_is_not_zero_but_within_its_standard_error() {
    let m = v("noise_sample_mean").abs();
    assert!(m > 0.0 && m < 3.0 * v("noise_mean_se"), "{m}");
}

/// "The surfaces are far from zero. They average … m², with a standard deviation of … m²."
#[test]
fn surfaces_are_far_from_zero() {
    assert!(v("x_mean") > 2.0 * v("x_sd"), "{} vs {}", v("x_mean"), v("x_sd"));
}

/// "The rents play no part in it: the curvature of the loss … depends on the surfaces only.
/// Rents in cents instead of euros would change the numbers of the fit, not the difficulty."
#[test]
fn rents_in_cents_change_the_fit_not_the_difficulty() {
    let d = paris_rents(BOOK_SEED);
    let cents = Dataset::new(d.x.clone(), d.y.iter().map(|y| 100.0 * y).collect()).unwrap();
    let (euros, _) = ch4::build(&d).unwrap();
    let (cents, _) = ch4::build(&cents).unwrap();
    let (e, c) = (euros.json(), cents.json());
    for key in ["kappa", "lambda_min", "lambda_max", "vmin_b"] {
        assert_eq!(e[key], c[key], "{key}");
    }
    assert_ne!(e["b_star"], c["b_star"]);
}

/// "… 50 draws pin down a standard deviation only to about ±… % (a relative standard error
/// of 1/√(2(n−1)))" — and the sample's noise sd is indeed within a few of those of σ.
#[test]
fn sample_sd_is_within_its_stated_precision() {
    let rel = (v("noise_sample_sd") / v("noise_sd") - 1.0).abs();
    assert!(rel < 3.0 * v("noise_sd_rel_se_pct") / 100.0, "{rel}");
}
