// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::grad::{finite_differences, gradients, relative_difference};
use linreg::loss::mse;

fn main() {
    let d = paris_rents(BOOK_SEED);
    let (w, b) = (25.0, 100.0); // the notebook's starting point
    let (gw, gb) = gradients(&d.x, &d.y, w, b);
    let (nw, nb) = finite_differences(|w, b| mse(&d.x, &d.y, w, b), w, b);
    println!("∂L/∂w: by hand {gw:.6}, by finite differences {nw:.6}");
    println!("∂L/∂b: by hand {gb:.6}, by finite differences {nb:.6}");
    // Agreement to about ten digits: the hand derivation is right.
    assert!(relative_difference(gw, nw) < 1e-6 && relative_difference(gb, nb) < 1e-6);
    // The factor x makes the slope's derivative tens of times larger.
    println!("ratio ∂L/∂w / ∂L/∂b = {:.1}", gw / gb);
}
// ANCHOR_END: all
