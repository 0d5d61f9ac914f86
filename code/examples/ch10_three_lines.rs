// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::nalgebra::{DMatrix, DVector};

fn main() {
    let d = paris_rents(BOOK_SEED);
    // The three lines: build X = [1 | x], factor it, solve. No learning rate, no iterations.
    let x = DMatrix::from_fn(d.len(), 2, |i, j| if j == 0 { 1.0 } else { d.x[i] });
    let theta = x.svd(true, true).solve(&DVector::from_vec(d.y.clone()), 1e-12).unwrap();
    println!("b = {:.4} €, w = {:.4} €/m²", theta[0], theta[1]);

    // The same answer as the textbook formula w = cov(x, y)/var(x), to ~14 digits.
    let (w, b) = linreg::stats::least_squares(&d.x, &d.y);
    assert!((theta[1] - w).abs() < 1e-12 * w.abs() && (theta[0] - b).abs() < 1e-11 * b.abs());
}
// ANCHOR_END: all
