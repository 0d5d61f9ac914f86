// `mdbook test` links the crate with `-L` only, so the crate is named here; the book
// shows only the lines between the anchors.
extern crate linreg;

// ANCHOR: all
use linreg::curvature::Curvature;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::gd::Reach;
use linreg::optimizers::{Adam, Gd, Momentum, Newton, Optimizer, reach};
use linreg::quadratic::Quadratic;

fn main() {
    let d = paris_rents(BOOK_SEED);
    let q = Quadratic::of(&d.x, &d.y); // L as a quadratic: O(1) per step
    let c = Curvature::of(&d.x);
    let start = [25.0, 100.0];
    let mut contenders: Vec<(&str, Box<dyn Optimizer>)> = vec![
        ("gradient descent, η = 1/λmax", Box::new(Gd::new(1.0 / c.lambda_max))),
        ("heavy ball, optimal η and β", Box::new(Momentum::optimal(c.lambda_min, c.lambda_max))),
        ("Adam, η = 1", Box::new(Adam::new(1.0))),
        ("Newton", Box::new(Newton::new(q.h).expect("x is not constant"))),
    ];
    for (name, opt) in contenders.iter_mut() {
        let (end, [w, b]) = reach(opt.as_mut(), &q, start, 1e-6, 100_000);
        let how = match end {
            Reach::Reached(k) => format!("{k} steps"),
            Reach::NotReached { error, .. } => format!("not within 100 000 steps (error {error:.1e})"),
            Reach::Diverged(k) => format!("diverged at step {k}"),
        };
        println!("{name:30} {how:40} w = {w:.4}, b = {b:.4}");
    }
    // Newton's method solves a quadratic in one step.
    assert_eq!(reach(&mut Newton::new(q.h).unwrap(), &q, start, 1e-9, 5).0, Reach::Reached(1));
}
// ANCHOR_END: all
