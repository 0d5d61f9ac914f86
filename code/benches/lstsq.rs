//! Time per fit: plain QR against refined, on the Paris data (n = 50, a line) and on
//! Filip (n = 82, degree 10). `cargo bench -p linreg --bench lstsq`, then
//! `cargo run -p linreg --bin bench_table` writes the table chapter 10 shows.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use linreg::ddouble::Dd;
use linreg::linalg::{self, Method};
use linreg::{data, nist, regression};
use nalgebra::DMatrix;

struct Problem {
    name: &'static str,
    x: DMatrix<f64>,
    tail: DMatrix<f64>,
    y: Vec<f64>,
}

fn problems() -> Vec<Problem> {
    let d = data::paris_rents(data::BOOK_SEED);
    let x: Vec<Dd> = d.x.iter().map(|&v| Dd::new(v)).collect();
    let (px, ptail) = linalg::polynomial_exact(&x, 1, true);
    let filip = nist::all().unwrap().into_iter().find(|s| s.name == "Filip").unwrap();
    let (fx, ftail) = filip.design_exact(false);
    vec![
        Problem { name: "paris", x: px, tail: ptail, y: d.y.clone() },
        Problem { name: "filip", x: fx, tail: ftail, y: filip.y.clone() },
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lstsq");
    group.sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    for p in problems() {
        for method in [Method::Qr, Method::Refined] {
            // θ alone, as `linalg::fit` returns it.
            group.bench_with_input(BenchmarkId::new(format!("{}_coefficients", method.name()), p.name), &p, |b, p| {
                b.iter(|| linalg::fit(method, std::hint::black_box(&p.x), &p.y).unwrap())
            });
            // The whole regression table, standard errors included, as `fit` prints it.
            group.bench_with_input(BenchmarkId::new(format!("{}_table", method.name()), p.name), &p, |b, p| {
                b.iter(|| {
                    regression::regress(method, std::hint::black_box(&p.x), Some(&p.tail), &p.y, None, vec![String::new(); p.x.ncols()], true)
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
