// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::data::{BOOK_SEED, TRUE_B, TRUE_W, paris_rents};
use linreg::loss::mse;
use linreg::stats::least_squares;

fn main() {
    let d = paris_rents(BOOK_SEED);
    let at_truth = mse(&d.x, &d.y, TRUE_W, TRUE_B);
    let (w, b) = least_squares(&d.x, &d.y);
    let at_best = mse(&d.x, &d.y, w, b);
    println!("MSE at the true line: {at_truth:.0} €², at the least-squares line: {at_best:.0} €²");
    // The least-squares line is the best line *for these 50 apartments*,
    // so it beats even the line that generated them.
    assert!(at_best <= at_truth);
}
// ANCHOR_END: all
