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

/// "The points hug the true line, as they should: the noise has a standard deviation (σ) of
/// … €, small next to the rents in the table." Small next to every rent: the cheapest is
/// more than five σ, the mean more than ten.
#[test]
fn noise_is_small_next_to_the_rents_in_the_table() {
    assert!(v("noise_sd") < 0.2 * v("y_min"), "{} vs {}", v("noise_sd"), v("y_min"));
    assert!(v("noise_sd") < 0.1 * v("y_mean"), "{} vs {}", v("noise_sd"), v("y_mean"));
}

/// "the slope multiplies areas of tens of m², the intercept a constant column of ones":
/// every area is at least ten and below a hundred m².
#[test]
fn the_slope_multiplies_areas_of_tens_of_square_metres() {
    assert!(v("x_min") >= 10.0 && v("x_max") < 100.0, "{} to {}", v("x_min"), v("x_max"));
}

/// "The mean is not exactly zero: a mean of n draws wanders by about σ/√n ≈ … € either way."
#[test]
fn noise_mean_is_not_zero_but_within_its_standard_error() {
    let m = v("noise_sample_mean").abs();
    assert!(m > 0.0 && m < 3.0 * v("noise_mean_se"), "{m}");
}

/// "The areas are far from zero. They average … m² (x̄), with a standard deviation (s_x) of … m²."
#[test]
fn areas_are_far_from_zero() {
    assert!(v("x_mean") > 2.0 * v("x_sd"), "{} vs {}", v("x_mean"), v("x_sd"));
}

/// "The rents play no part in it: the curvature of the loss … depends on the areas only.
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

/// Exercise 1's solution: "The mean area moves by … m². The smallest and largest areas move
/// less: … and … m²", read from the two runs the exercise compares.
#[test]
fn with_seed_1_the_mean_area_moves_more_than_the_extremes() {
    let (a, b) = (paris_rents(BOOK_SEED), paris_rents(ch1::EXERCISE_SEED));
    let change = |f: fn(&[f64]) -> f64| (f(&b.x) - f(&a.x)).abs();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(change(mean), v("seed1_x_mean_change"));
    assert!(change(mean) > change(min) && change(mean) > change(max));
    assert_eq!((change(min), change(max)), (v("seed1_x_min_change"), v("seed1_x_max_change")));
}

/// "Fifty uniform draws nearly always come within a few m² of both ends of their range, while their
/// mean wanders from sample to sample by about … m² (the range's width over √(12n))" — over 2000 seeds
/// of the book's generator: the mean's standard deviation is the stated one, and larger than
/// that of the smallest or the largest area.
#[test]
fn over_many_seeds_the_mean_wanders_more_than_the_extremes() {
    let (mut means, mut mins, mut maxs) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 1000..3000 {
        let x = paris_rents(seed).x;
        means.push(x.iter().sum::<f64>() / x.len() as f64);
        mins.push(x.iter().copied().fold(f64::INFINITY, f64::min));
        maxs.push(x.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    }
    let sd = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
    };
    // 2000 samples pin a standard deviation to about 1.6 %: allow 5 %.
    assert!((sd(&means) / v("x_mean_sd_uniform") - 1.0).abs() < 0.05, "{}", sd(&means));
    assert!(sd(&mins) < 0.6 * sd(&means) && sd(&maxs) < 0.6 * sd(&means), "{} {}", sd(&mins), sd(&maxs));
    // "Nearly always within a few m² of both ends": within 8 m² in at least 98 % of the samples
    // (exactly: 1 − 2·(72/80)⁵⁰ ≈ 99 %).
    let near = mins.iter().zip(&maxs).filter(|(lo, hi)| **lo < 28.0 && **hi > 92.0).count();
    assert!(near >= 1960, "{near}");
}

/// "since ȳ = 32x̄ + 200 + mean noise, it moves by exactly the true slope times the change
/// in mean area, plus the change in the mean noise."
#[test]
fn mean_rent_moves_with_the_mean_area_and_the_mean_noise() {
    let (a, b) = (paris_rents(BOOK_SEED), paris_rents(ch1::EXERCISE_SEED));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let noise = |d: &Dataset| mean(&d.x.iter().zip(&d.y).map(|(x, y)| y - 32.0 * x - 200.0).collect::<Vec<_>>());
    let predicted = 32.0 * (mean(&b.x) - mean(&a.x)) + noise(&b) - noise(&a);
    assert!((mean(&b.y) - mean(&a.y) - predicted).abs() < 1e-9);
}

/// Exercise 2's solution: "The trend would still show, but far less sharply: with this page's
/// areas and noise draws, the noise scaled tenfold, the correlation … falls from … to …".
/// The generator itself with σ = 1000 € gives the same data (a normal draw is σ times a
/// standard one), and the correlation stays well above 0 and well below the book's.
#[test]
fn tenfold_noise_blurs_the_trend_without_hiding_it() {
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, Normal};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(BOOK_SEED);
    let (lo, hi) = linreg::data::AREA_RANGE;
    let x: Vec<f64> = (0..linreg::data::N_APARTMENTS).map(|_| rng.random_range(lo..hi)).collect();
    assert_eq!(x, paris_rents(BOOK_SEED).x);
    let noise = Normal::new(0.0, ch1::EXERCISE_NOISE_SD).unwrap();
    let y: Vec<f64> = x.iter().map(|&s| 32.0 * s + 200.0 + noise.sample(&mut rng)).collect();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>();
    let r = cov / (x.iter().map(|a| (a - mx).powi(2)).sum::<f64>() * y.iter().map(|b| (b - my).powi(2)).sum::<f64>()).sqrt();
    assert!((r - v("correlation_noise_1000")).abs() < 1e-9, "{r}");
    assert!(r > 0.3 && r < 0.8 && v("correlation") > 0.95, "{r}");
}
