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

/// "The valley is diagonal. Along its floor, b falls as w rises."
#[test]
fn valley_floor_trades_slope_against_intercept() {
    let j = ch4::build(&paris_rents(BOOK_SEED)).unwrap().0.json();
    let (vw, vb) = (j["vmin_w"].as_f64().unwrap(), j["vmin_b"].as_f64().unwrap());
    assert!(vw * vb < 0.0, "({vw}, {vb})");
}
