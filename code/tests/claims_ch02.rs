//! Claims of chapter 2 (`src/ch02-mse.md`); see CONTRIBUTING.md, "Claim tests".

use std::sync::OnceLock;

use linreg::chapters::{ch2, ch4};
use linreg::contour::{Grid, contour, excess_levels};
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::loss::mse;
use linreg::stats;
use serde_json::Value;

fn values() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| ch2::build(&paris_rents(BOOK_SEED)).unwrap().0.json())
}

fn v(key: &str) -> f64 {
    values()[key].as_f64().unwrap_or_else(|| panic!("no number `{key}` in chapter 2's values"))
}

/// "The loss above its minimum grows tenfold every two lines. On a quadratic the width of an
/// ellipse grows like the square root of that excess, so each ellipse is … times wider than
/// the one inside it." Measured on drawn contours: the largest distance in w from the
/// minimum, for successive levels.
#[test]
fn each_ellipse_is_the_stated_ratio_wider() {
    let d = paris_rents(BOOK_SEED);
    let (ws, bs) = stats::least_squares(&d.x, &d.y);
    let grid = ch2::loss_grid(&d, &ch2::Window::around_optimum(&d), 241);
    let floor = mse(&d.x, &d.y, ws, bs);
    let levels = excess_levels(floor, grid.max() - floor, 8);
    let reach = |level: f64| {
        contour(&grid, level).iter().flatten().map(|p| (p.0 - ws).abs()).fold(0.0f64, f64::max)
    };
    // Levels are listed from the outermost in; compare inner pairs that close inside the window.
    for k in 3..7 {
        let ratio = reach(levels[k]) / reach(levels[k + 1]);
        assert!((ratio / v("contour_width_ratio") - 1.0).abs() < 0.03, "levels {k}/{}: {ratio}", k + 1);
    }
}

/// "The true parameters sit inside the innermost ellipse, next to the minimum, but not on it."
#[test]
fn truth_is_inside_the_innermost_ellipse_but_not_on_the_minimum() {
    let d = paris_rents(BOOK_SEED);
    let grid: Grid = ch2::loss_grid(&d, &ch2::Window::around_optimum(&d), 81);
    let floor = v("mse_star");
    let innermost = *excess_levels(floor, grid.max() - floor, 8).last().unwrap();
    assert!(v("mse_true") < innermost, "{} vs {innermost}", v("mse_true"));
    assert!(v("mse_true") > floor && v("b_gap").abs() > 1.0);
}

/// "Along its floor, the long axis of the ellipses, b falls as w rises … Each €/m² of slope
/// costs about … € of intercept along the floor. (The lines through the centre (x̄, ȳ) trade
/// only x̄: they run close beside the floor, not on it.)" and "in equal steps of w
/// and b it lies almost along b".
#[test]
fn valley_floor_trades_slope_against_intercept() {
    let j = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    let (vw, vb) = (j["vmin_w"].as_f64().unwrap(), j["vmin_b"].as_f64().unwrap());
    assert!(vw * vb < 0.0, "({vw}, {vb})");
    assert!((v("floor_trade") - (vb / vw).abs()).abs() < 1e-9 * v("floor_trade"));
    assert!(v("centre_trade") < v("floor_trade") && v("floor_trade") < 1.25 * v("centre_trade"));
    assert!(vw.abs() < 0.02 * vb.abs(), "almost along b: ({vw}, {vb})");
}

/// "Crossing it (changing the slope while the intercept stays put, so the line swings away
/// from the cloud) changes the loss fast; walking along it (tilting the line about a point
/// inside the cloud) changes it slowly." The curvature along w (b fixed) is thousands of times
/// that along the floor, and the floor's lines pivot about x = floor_trade, inside the data.
#[test]
fn crossing_is_steep_and_walking_along_is_flat() {
    let d = paris_rents(BOOK_SEED);
    let c = linreg::curvature::Curvature::of(&d.x);
    assert!(c.hessian[0][0] > 1000.0 * c.lambda_min, "{:?}", c.hessian);
    let pivot = v("floor_trade");
    assert!(stats::min(&d.x) < pivot && pivot < stats::max(&d.x), "{pivot}");
}

/// "Shifting the best line (or any line through the centre (x̄, ȳ)) by c adds exactly c² to
/// its MSE, because its residuals average to zero."
#[test]
fn shifting_a_line_through_the_centre_adds_c_squared() {
    let d = paris_rents(BOOK_SEED);
    let c = 123.0;
    // The best slope and Figure 2.1's half slope, each on its line through the centre.
    for w in [v("w_star"), v("half_slope_w")] {
        let b = stats::mean(&d.y) - w * stats::mean(&d.x);
        let rise = mse(&d.x, &d.y, w, b + c) - mse(&d.x, &d.y, w, b);
        assert!((rise - c * c).abs() < 1e-9 * rise, "{rise}");
    }
}

/// Exercise 3: "Yes: the shape of the valley depends on the areas only … Its
/// length-to-width ratio (chapter 4's √κ) is … here and … with seed 3."
#[test]
fn another_seed_keeps_the_valley_shape() {
    assert!((v("sqrt_kappa_seed3") / v("sqrt_kappa") - 1.0).abs() < 0.05);
    let other = paris_rents(ch2::EXERCISE_SEED);
    let c = linreg::curvature::Curvature::of(&other.x);
    assert_eq!(c.condition_number().sqrt(), v("sqrt_kappa_seed3"));
    // The rents play no part: the same areas with other rents give the same shape.
    let j = ch2::build(&linreg::data::Dataset::new(other.x.clone(), other.x.iter().map(|x| 3.0 * x + (7.0 * x).sin()).collect()).unwrap()).unwrap().0.json();
    assert_eq!(j["sqrt_kappa"].as_f64().unwrap(), v("sqrt_kappa_seed3"));
}
