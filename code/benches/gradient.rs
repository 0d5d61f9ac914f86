//! One gradient evaluation of the MSE: the hand formula against the tape, at n = 50 and
//! n = 1 000 000, beside the floor set by memory: one read of x and y.
//! `cargo bench -p linreg --bench gradient`, then `cargo run -p linreg --bin bench_table`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linreg::autodiff::{Reduction, Tape};
use linreg::grad::gradients;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let x: Vec<f64> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
    let y = x.iter().map(|v| 0.8 * v + rng.random_range(-0.5..0.5)).collect();
    (x, y)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("gradient");
    for n in [50, 1_000_000] {
        let (x, y) = data(n);
        // The least any gradient can cost: every xₖ and yₖ read once, with eight
        // interleaved sums so that additions never wait for each other.
        group.bench_with_input(BenchmarkId::new("read", n), &n, |bench, _| {
            bench.iter(|| {
                let mut lanes = [0.0; 8];
                for (xs, ys) in std::hint::black_box(&x).chunks_exact(8).zip(y.chunks_exact(8)) {
                    for ((lane, &xk), &yk) in lanes.iter_mut().zip(xs).zip(ys) {
                        *lane += xk + yk;
                    }
                }
                lanes.iter().sum::<f64>()
            })
        });
        group.bench_with_input(BenchmarkId::new("hand", n), &n, |bench, _| {
            bench.iter(|| gradients(std::hint::black_box(&x), &y, 0.7, 0.3))
        });
        // The data live on the tape once; each evaluation builds and drops its graph,
        // as a training loop does.
        let mut tape = Tape::new();
        let (w, b) = (tape.param(0.7), tape.param(0.3));
        let (xs, ys) = (tape.constant(&x), tape.constant(&y));
        let mark = tape.len();
        group.bench_with_input(BenchmarkId::new("autodiff_fused", n), &n, |bench, _| {
            bench.iter(|| {
                tape.zero_grad();
                let pred = tape.affine(w, b, xs);
                let loss = tape.squared_error(pred, ys, Reduction::Mean);
                tape.backward(loss);
                let g = (tape.grad(w), tape.grad(b));
                tape.rewind(mark);
                g
            })
        });
        group.bench_with_input(BenchmarkId::new("autodiff_elementwise", n), &n, |bench, _| {
            bench.iter(|| {
                tape.zero_grad();
                let wx = tape.mul(w, xs);
                let pred = tape.add(wx, b);
                let r = tape.sub(ys, pred);
                let sq = tape.square(r);
                let loss = tape.mean(sq);
                tape.backward(loss);
                let g = (tape.grad(w), tape.grad(b));
                tape.rewind(mark);
                g
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
