//! Claims of chapter 3 (`src/ch03-derivatives.md`); see CONTRIBUTING.md, "Claim tests".

use linreg::chapters::ch3;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::grad::{finite_differences, gradients, relative_difference};
use linreg::loss::mse;

fn v(key: &str) -> f64 {
    let j = ch3::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    j[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 3's values"))
}

/// "On our data the surfaces … the slope's derivative is tens of times larger."
#[test]
fn slope_derivative_is_tens_of_times_larger_at_the_start() {
    assert!((10.0..100.0).contains(&v("start_grad_ratio").abs()), "{}", v("start_grad_ratio"));
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
