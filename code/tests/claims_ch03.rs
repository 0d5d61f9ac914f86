//! Claims of chapter 3 (`src/ch03-derivatives.md`); see CONTRIBUTING.md, "Claim tests".

use linreg::chapters::ch3;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::grad::{finite_differences, gradients, relative_difference};
use linreg::loss::mse;

fn v(key: &str) -> f64 {
    let j = ch3::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    j[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 3's values"))
}

/// "… a ratio of …. Both are negative: raising either parameter lowers the loss. But the
/// slope's derivative is tens of times larger." and "On our data the areas average … m², which
/// is why, when all residuals point the same way as they do at the start, the slope's
/// derivative is tens of times larger." (the start: (25, 100)). "Tens of times": 10 ≤ ratio < 100.
#[test]
fn slope_derivative_is_tens_of_times_larger_at_the_start() {
    assert!(v("start_grad_w") < 0.0 && v("start_grad_b") < 0.0);
    assert!((10.0..100.0).contains(&v("start_grad_ratio").abs()), "{}", v("start_grad_ratio"));
    let d = paris_rents(BOOK_SEED);
    assert!(d.x.iter().zip(&d.y).all(|(x, y)| y - (25.0 * x + 100.0) > 0.0), "every residual is positive");
}

/// "The worst relative difference is …, at the origin for ∂L/∂b. … Everywhere else the
/// relative difference is at most …: the two agree to about … significant digits or more."
#[test]
fn worst_agreement_is_at_the_origin_for_b_and_the_rest_agree_to_the_stated_digits() {
    let d = paris_rents(BOOK_SEED);
    let mut worst = (0.0, "", "");
    for (name, w, b) in ch3::check_points(&d) {
        let (hw, hb) = gradients(&d.x, &d.y, w, b);
        let (nw, nb) = finite_differences(|w, b| mse(&d.x, &d.y, w, b), w, b);
        for (which, r) in [("w", relative_difference(hw, nw)), ("b", relative_difference(hb, nb))] {
            if r > worst.0 {
                worst = (r, name, which);
            }
        }
    }
    assert_eq!((worst.1, worst.2), ("origin", "b"));
    assert_eq!(worst.0, v("worst_rel_diff"));
    assert!(v("worst_rel_diff_elsewhere") < v("worst_rel_diff"));
    assert!((v("digits_elsewhere") + v("worst_rel_diff_elsewhere").log10()).abs() < 1e-12);
}

/// Figure 3.1 and its text: "the one-sided difference of exercise 3 is off by its truncation
/// until rounding takes over, while the central one has only rounding, which grows as h
/// shrinks". Truncation h·mean(x²)/|∂L/∂w| (exercise 3's solution) explains the one-sided
/// error to 1 % for large steps and not for the smallest; the central error stays below 10⁻⁹
/// for steps above 10⁻², and is larger at the smallest step than at h = 1.
#[test]
fn one_sided_is_off_by_truncation_and_central_only_by_rounding() {
    let d = paris_rents(BOOK_SEED);
    let (gw, _) = gradients(&d.x, &d.y, 25.0, 100.0);
    let sq_mean = d.x.iter().map(|v| v * v).sum::<f64>() / d.len() as f64;
    let errors = ch3::difference_errors(&d);
    let at = |h: f64| *errors.iter().min_by(|a, b| (a.0.ln() - h.ln()).abs().total_cmp(&(b.0.ln() - h.ln()).abs())).unwrap();
    for e in errors.iter().filter(|e| e.0 >= 1e-3) {
        // exact in real arithmetic: (L(w+h) − L(w))/h = ∂L/∂w + h·mean(x²)
        let truncation = e.0 * sq_mean / gw.abs();
        assert!((e.1 / truncation - 1.0).abs() < 0.01, "h = {}: {} vs {truncation}", e.0, e.1);
    }
    let smallest = errors[0];
    assert!(smallest.1 > 10.0 * smallest.0 * sq_mean / gw.abs(), "rounding takes over: {smallest:?}");
    assert!(errors.iter().filter(|e| e.0 >= 1e-2).all(|e| e.2 < 1e-9));
    assert!(smallest.2 > 100.0 * at(1.0).2.max(1e-16), "{smallest:?} vs {:?}", at(1.0));
}

/// "The crate's tests also check the formulas on 500 random data sets of various sizes, with x
/// scaled from hundredths to thousands and shifted away from zero": the words describe the
/// settings of `grad.rs`'s property test, a scale 10^u with u uniform in [−2, 3), so they are
/// checked against its source.
#[test]
fn property_test_scales_x_from_hundredths_to_thousands() {
    let src = include_str!("../src/grad.rs");
    let test = &src[src.find("fn gradient_matches_finite_differences_on_random_data").expect("the property test")..];
    assert!(test.contains("for case in 0..500 {"), "500 data sets");
    assert!(test.contains("let scale = 10f64.powf(rng.random_range(-2.0..3.0));"), "scale from 10⁻² to 10³");
    assert!(test.contains("let offset = scale * rng.random_range(-5.0..5.0);"), "shifted away from zero");
}
