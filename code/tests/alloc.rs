//! A training loop on the tape allocates nothing after its first iteration: `rewind`
//! keeps every node's vectors for the node built in its place next time. Counted with a
//! global allocator that tallies the allocations of the thread that asks.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use linreg::autodiff::{Reduction, Tape};
use linreg::chapters::ch8::mse_graph;
use linreg::nn::{Linear, MSELoss, SGD};

struct Counting;

thread_local! {
    // Per thread, so that the test harness's other threads do not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn column(n: usize, f: impl Fn(f64) -> f64) -> Vec<f64> {
    (0..n).map(|k| f(k as f64 / n as f64)).collect()
}

/// Allocations in each of `iterations` calls of `step`.
fn per_iteration(iterations: usize, mut step: impl FnMut()) -> Vec<usize> {
    (0..iterations)
        .map(|_| {
            let before = allocations();
            step();
            allocations() - before
        })
        .collect()
}

#[test]
fn the_counter_sees_allocations() {
    let counts = per_iteration(3, || drop(std::hint::black_box(vec![1.0_f64; 100])));
    assert_eq!(counts, [1, 1, 1]);
}

#[test]
fn elementary_nodes_allocate_only_in_the_first_iteration() {
    for n in [1, 50, 10_000] {
        let (x, y) = (column(n, |t| 3.0 * t - 1.0), column(n, |t| t * t));
        let mut tape = Tape::new();
        let (w, b) = (tape.param(0.7), tape.param(0.3));
        let (xs, ys) = (tape.constant(&x), tape.constant(&y));
        let mark = tape.len();
        let counts = per_iteration(10, || {
            let loss = mse_graph(&mut tape, w, b, xs, ys);
            tape.zero_grad();
            tape.backward(loss);
            let (gw, gb) = (tape.grad(w), tape.grad(b));
            tape.set_value(w, tape.value(w) - 0.1 * gw);
            tape.set_value(b, tape.value(b) - 0.1 * gb);
            tape.rewind(mark);
        });
        assert!(counts[0] > 0, "n = {n}: the first iteration allocates its buffers");
        assert!(counts[1..].iter().all(|&c| c == 0), "n = {n}: allocations per iteration {counts:?}");
    }
}

#[test]
fn the_one_neuron_framework_allocates_only_in_the_first_iteration() {
    for reduction in [Reduction::Mean, Reduction::Sum] {
        let n = 1000;
        let (x, y) = (column(n, |t| 100.0 * t), column(n, |t| 30.0 * t + 5.0));
        let mut tape = Tape::new();
        let model = Linear::new(&mut tape, 0.5, 0.0);
        let loss_fn = MSELoss { reduction };
        let optimizer = SGD::new(model.parameters(), 1e-6);
        let (xs, ys) = (tape.constant(&x), tape.constant(&y));
        let mark = tape.len();
        let counts = per_iteration(10, || {
            let pred = model.forward(&mut tape, xs);
            let loss = loss_fn.forward(&mut tape, pred, ys);
            optimizer.zero_grad(&mut tape);
            tape.backward(loss);
            optimizer.step(&mut tape);
            tape.rewind(mark);
        });
        assert!(counts[0] > 0);
        assert!(counts[1..].iter().all(|&c| c == 0), "{reduction:?}: allocations per iteration {counts:?}");
    }
}
