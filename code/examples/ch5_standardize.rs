// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::gd::gradient_descent;
use linreg::standardize::Scaling;
use linreg::stats::least_squares;

fn main() -> Result<(), linreg::Error> {
    let d = paris_rents(BOOK_SEED);
    // Means and population standard deviations; fails if x or y is constant.
    let scaling = Scaling::of(&d.x, &d.y)?;
    let (x, y) = scaling.apply(&d.x, &d.y);
    // The notebook's run: 200 steps of 0.1 from (0.5, 0.5), in standardized units.
    let run = gradient_descent(&x, &y, (0.5, 0.5), 0.1, 200).converged()?;
    let (w, b) = scaling.to_original(run.last());
    let (w_star, b_star) = least_squares(&d.x, &d.y);
    println!("gradient descent, mapped back: w = {w:.4} €/m², b = {b:.2} €");
    println!("least squares on the raw data: w = {w_star:.4} €/m², b = {b_star:.2} €");
    assert!((w / w_star - 1.0).abs() < 1e-9 && (b / b_star - 1.0).abs() < 1e-9);
    Ok(())
}
// ANCHOR_END: all
