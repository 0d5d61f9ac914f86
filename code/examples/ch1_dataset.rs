// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::stats::{max, mean, min};

fn main() {
    let data = paris_rents(BOOK_SEED);
    println!(
        "{} apartments from {:.1} to {:.1} m², mean rent {:.0} €",
        data.len(),
        min(&data.x),
        max(&data.x),
        mean(&data.y)
    );
    // Same seed, same apartments: on any machine, on any day.
    assert_eq!(data, paris_rents(BOOK_SEED));
}
// ANCHOR_END: all
