// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::autodiff::{Reduction, Tape};
use linreg::nn::{Linear, MSELoss, SGD};

fn main() {
    // Three apartments on the line y = 2x + 1, in made-up units.
    let (x, y) = ([-1.0, 0.0, 1.0], [-1.0, 1.0, 3.0]);
    let mut tape = Tape::new();
    let model = Linear::new(&mut tape, 0.0, 0.0);
    let loss_fn = MSELoss { reduction: Reduction::Mean };
    let optimizer = SGD::new(model.parameters(), 0.5);
    let (inputs, targets) = (tape.constant(&x), tape.constant(&y));
    let mark = tape.len();
    for _ in 0..50 {
        let pred = model.forward(&mut tape, inputs);
        let loss = loss_fn.forward(&mut tape, pred, targets);
        optimizer.zero_grad(&mut tape);
        tape.backward(loss);
        optimizer.step(&mut tape);
        tape.rewind(mark);
    }
    let (w, b) = (tape.value(model.weight), tape.value(model.bias));
    println!("w = {w:.6}, b = {b:.6}");
    assert!((w - 2.0).abs() < 1e-9 && (b - 1.0).abs() < 1e-9);
}
// ANCHOR_END: all
