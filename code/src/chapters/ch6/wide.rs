//! Chapter 6's ×1.03 run replayed in arbitrary precision (`astro-float`, hundreds of digits):
//! the reference that tells what in the f64 and double-double rows is the schedule and what
//! is rounding. When two precisions far apart give the same best error, best step and blow-up
//! step, those are the run's own, as exact arithmetic would give them.

use astro_float::{BigFloat, Consts, Radix, RoundingMode};

use super::{GROWTH, GrowRun};
use crate::gd::DIVERGENCE_FACTOR;

const RM: RoundingMode = RoundingMode::ToEven;

/// Numbers of one precision `p` (bits): each operation rounds once, to `p` bits.
struct Wide {
    p: usize,
}

impl Wide {
    fn num(&self, v: f64) -> BigFloat {
        BigFloat::from_f64(v, self.p)
    }
    fn add(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.add(b, self.p, RM)
    }
    fn sub(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.sub(b, self.p, RM)
    }
    fn mul(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.mul(b, self.p, RM)
    }
    fn div(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.div(b, self.p, RM)
    }
    fn sum(&self, terms: impl Iterator<Item = BigFloat>) -> BigFloat {
        terms.fold(self.num(0.0), |s, t| self.add(&s, &t))
    }
}

/// The ×1.03 run (η_w = 1/λmax, η_b = η_w·1.03ᵗ with 1.03 the decimal, the divergence test of
/// `gd::has_diverged`) with every number — the data's sums, H, c, θ*, λmax, each step — held to
/// `bits` bits. The data are f64, so they enter exactly.
pub fn grow_run(x: &[f64], y: &[f64], start: [f64; 2], steps: usize, bits: usize) -> GrowRun {
    let w = Wide { p: bits };
    let n = w.num(x.len() as f64);
    let two_over_n = w.div(&w.num(2.0), &n);
    let sxx = w.sum(x.iter().map(|&v| w.mul(&w.num(v), &w.num(v))));
    let sx = w.sum(x.iter().map(|&v| w.num(v)));
    let sxy = w.sum(x.iter().zip(y).map(|(&a, &b)| w.mul(&w.num(a), &w.num(b))));
    let sy = w.sum(y.iter().map(|&v| w.num(v)));
    let (hww, hwb, hbb) = (w.mul(&two_over_n, &sxx), w.mul(&two_over_n, &sx), w.num(2.0));
    let (cw, cb) = (w.mul(&two_over_n, &sxy), w.mul(&two_over_n, &sy));
    let det = w.sub(&w.mul(&hww, &hbb), &w.mul(&hwb, &hwb));
    let star = [
        w.div(&w.sub(&w.mul(&cw, &hbb), &w.mul(&hwb, &cb)), &det),
        w.div(&w.sub(&w.mul(&hww, &cb), &w.mul(&hwb, &cw)), &det),
    ];
    // The loss at θ = θ* + e is the floor plus ½·eᵀHe; the floor itself from the residuals.
    let floor = {
        let sq = w.sum(x.iter().zip(y).map(|(&a, &b)| {
            let r = w.sub(&w.sub(&w.num(b), &w.mul(&star[0], &w.num(a))), &star[1]);
            w.mul(&r, &r)
        }));
        w.div(&sq, &n)
    };
    let loss = |e: &[BigFloat; 2]| {
        let cross = w.mul(&w.mul(&hwb, &e[0]), &e[1]);
        let quad = w.add(&w.add(&w.mul(&w.mul(&hww, &e[0]), &e[0]), &w.add(&cross, &cross)), &w.mul(&w.mul(&hbb, &e[1]), &e[1]));
        w.add(&floor, &w.div(&quad, &w.num(2.0)))
    };
    let tr = w.add(&hww, &hbb);
    let disc = w.sub(&w.mul(&tr, &tr), &w.mul(&w.num(4.0), &det));
    let lambda_max = w.div(&w.add(&tr, &disc.sqrt(bits, RM)), &w.num(2.0));
    let eta_w = w.div(&w.num(1.0), &lambda_max);
    let growth = w.div(&w.num((GROWTH * 100.0).round()), &w.num(100.0));
    let mut eta_b = eta_w.clone();
    let mut e = [w.sub(&w.num(start[0]), &star[0]), w.sub(&w.num(start[1]), &star[1])];
    let limit = w.mul(&w.num(DIVERGENCE_FACTOR), &loss(&e));
    let mut run = GrowRun { diverged_at: None, best_at: 0, best_b_error: f64::INFINITY };
    let mut best = e[1].abs();
    for t in 0..=steps {
        if e[1].abs().cmp(&best).is_some_and(|c| c < 0) || t == 0 {
            (run.best_at, best) = (t, e[1].abs());
        }
        if loss(&e).cmp(&limit).is_some_and(|c| c > 0) {
            run.diverged_at = Some(t);
            break;
        }
        if t == steps {
            break;
        }
        let g = [w.add(&w.mul(&hww, &e[0]), &w.mul(&hwb, &e[1])), w.add(&w.mul(&hwb, &e[0]), &w.mul(&hbb, &e[1]))];
        e = [w.sub(&e[0], &w.mul(&eta_w, &g[0])), w.sub(&e[1], &w.mul(&eta_b, &g[1]))];
        eta_b = w.mul(&eta_b, &growth);
    }
    run.best_b_error = to_f64(&best);
    run
}

/// The nearest f64, through the decimal form (the crate keeps its own conversion private).
fn to_f64(v: &BigFloat) -> f64 {
    let text = Consts::new().ok().and_then(|mut cc| v.format(Radix::Dec, RM, &mut cc).ok());
    text.and_then(|s| s.parse().ok()).unwrap_or(f64::NAN)
}
