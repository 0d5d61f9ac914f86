#!/usr/bin/env python3
"""The chapter-8 comparison with PyTorch, reproducible: the same five elementary
operations (w·x, + b, y − ŷ, square, mean) and `loss.backward()` at n = 1 000 000,
on one thread, timed beside the Rust hand formula measured in the same run by criterion.

    python3 bench/torch_gradient.py

Skips cleanly (exit 0, one line on stderr) when `torch` cannot be imported.
"""
import json
import pathlib
import statistics
import subprocess
import sys
import time

N = 1_000_000
REPEATS = 50

try:
    import torch
except ImportError:
    print("skipped: torch is not importable (pip install torch to run this comparison)", file=sys.stderr)
    sys.exit(0)

root = pathlib.Path(__file__).resolve().parent.parent
bench = subprocess.run(
    ["cargo", "bench", "-p", "linreg", "--bench", "gradient", "--", "gradient/hand/1000000"],
    cwd=root, capture_output=True, text=True)
if bench.returncode != 0:
    print(f"error: cargo bench failed: {bench.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    sys.exit(2)
estimates = root / "target/criterion/gradient/hand/1000000/new/estimates.json"
hand_ms = json.loads(estimates.read_text())["median"]["point_estimate"] / 1e6

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(1)
x = torch.rand(N, generator=gen, dtype=torch.float64) * 4 - 2
y = 0.8 * x + (torch.rand(N, generator=gen, dtype=torch.float64) - 0.5)
w = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
b = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)


def evaluation():
    w.grad = None
    b.grad = None
    loss = ((y - (w * x + b)) ** 2).mean()
    loss.backward()


for _ in range(5):
    evaluation()
times = []
for _ in range(REPEATS):
    start = time.perf_counter()
    evaluation()
    times.append((time.perf_counter() - start) * 1e3)
torch_ms = statistics.median(times)
print(f"Rust hand formula (criterion median): {hand_ms:.3g} ms")
print(f"PyTorch {torch.__version__} autograd, five elementary ops, one thread (median of {REPEATS}): {torch_ms:.3g} ms")
print(f"ratio: {torch_ms / hand_ms:.3g}x")
