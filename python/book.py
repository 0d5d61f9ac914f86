"""Runs every PyTorch script of the book and writes what they print into
src/generated/torch/ (the book includes those files beside the Rust).

    .venv/bin/python python/book.py                 # rewrite src/generated/torch/
    .venv/bin/python python/book.py --out DIR --json FILE

`cargo test` (tests/torch.rs) runs this into a temporary folder, checks that the
committed files are what it prints, and compares the full-precision numbers (--json)
with the Rust library's on the same data and settings.
"""
import argparse
import json
import math
import os
import pathlib
import sys

# Torch picks its vectorized kernels from the CPU (AVX2, AVX-512, ...), and float32 sums
# come out in a different order on each; the committed transcripts are made with the
# portable kernels, so that every machine prints the same digits.
os.environ.setdefault("ATEN_CPU_CAPABILITY", "default")

import torch  # noqa: E402  (after the variable above, which torch reads when it loads)

import fixes  # noqa: E402
import notebook  # noqa: E402
import reader  # noqa: E402
from book_data import PARIS, READER, ROOT, load  # noqa: E402

# The settings of the chapters the runs sit beside (the Rust constants of the same name).
CH5_START, CH5_LR, CH5_EPOCHS = (0.5, 0.5), 0.1, 200  # ch5::NOTEBOOK_*
RAW_START = (25.0, 100.0)  # ch6::START, the notebook's raw start
EPS = 1e-6  # ch6::EPS, the relative error the step counts aim for
BUDGET = 100_000  # ch7::BUDGET
READER_LR, READER_EPOCHS = 1e-5, 100  # the question's settings
FIX_LR = 0.1  # ch9::FIX_LR, standardized


def ch7_adam_lr():
    """Chapter 7's Adam step on the raw data: the fastest of its sweep, read from the Rust
    output rather than copied, so the two cannot drift apart."""
    values = json.loads((ROOT / "src/generated/ch7/values.json").read_text())
    return values["sweep_raw_adam_fastest_lr"]


def relative_gap(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1]) / math.hypot(*b)


def run():
    torch.set_num_threads(1)  # one summation order, whatever the machine
    px, py = load(PARIS)
    rx, ry = load(READER)
    p_star = fixes.closed_form(px, py)
    r_star = fixes.closed_form(rx, ry)
    out = {"paris_star": p_star, "reader_star": r_star}

    # The introduction: the reader's script as asked (float32), and the same in float64.
    start, grads, end = reader.reader_script(rx, ry)
    out["reader_f32"] = {"start": start, "grads": grads, "end": end}
    _, grads64, end64 = reader.reader_script(rx, ry, dtype=torch.float64)
    out["reader_f64"] = {"start": start, "grads": grads64, "end": end64}

    # Every fix, on the reader's data from the script's start, for the script's 100 epochs.
    fixed = {"standardized": fixes.fit_standardized(rx, ry, lr=FIX_LR, epochs=READER_EPOCHS)}
    model = fixes.linear(*start)
    fixed["param_groups"] = fixes.train(model, fixes.per_parameter_sgd(model, rx), rx, ry, READER_EPOCHS)
    fixed["lstsq"] = r_star
    out["reader_fixes"] = fixed

    # Chapter 5: the notebook's standardized run on the Paris data.
    out["ch5"] = fixes.fit_standardized(px, py, start=CH5_START, lr=CH5_LR, epochs=CH5_EPOCHS)
    # Chapter 6: one rate per parameter, from the raw start, until 10⁻⁶.
    model = fixes.linear(*RAW_START)
    steps, end = fixes.steps_to_reach(model, fixes.per_parameter_sgd(model, px), px, py, p_star, EPS, BUDGET)
    mean_x2 = (px * px).mean().item()
    out["ch6"] = {"steps": steps, "end": end, "lr_w": 1 / (2 * mean_x2), "lr_b": 0.5}
    # Chapter 7: heavy ball and Adam at the chapter's settings.
    model = fixes.linear(*RAW_START)
    optimizer = fixes.heavy_ball(model, px)
    group = optimizer.param_groups[0]
    steps, end = fixes.steps_to_reach(model, optimizer, px, py, p_star, EPS, BUDGET)
    out["ch7_momentum"] = {"steps": steps, "end": end, "lr": group["lr"], "beta": group["momentum"]}
    model = fixes.linear(*RAW_START)
    adam_lr = ch7_adam_lr()
    steps, end = fixes.steps_to_reach(model, fixes.adam(model, adam_lr), px, py, p_star, EPS, BUDGET)
    out["ch7_adam"] = {"steps": steps, "end": end, "lr": adam_lr}
    # Chapter 9: the notebook's nn.Linear with the summed loss, float32 and float64.
    out["ch9_f32"] = notebook.notebook_run(px, py)
    out["ch9_f64"] = notebook.notebook_run(px, py, dtype=torch.float64)
    out["ch9_int"] = notebook.integer_tensors()
    # Chapter 10: lstsq, float64 with each CPU driver, and float32.
    out["ch10"] = {d: fixes.closed_form(px, py, driver=d) for d in ["gelsy", "gels", "gelsd", "gelss"]}
    out["ch10_f32"] = fixes.closed_form(px.float(), py.float())
    return out


def transcripts(v):
    """What each block in the book shows as printed, one text file per block."""
    f = lambda t: f"w = {t[0]:.4f}, b = {t[1]:.4f}"
    r32 = v["reader_f32"]
    files = {"reader.txt": reader.report(r32["start"], r32["grads"], r32["end"], v["reader_star"])}
    fx = v["reader_fixes"]
    files["reader-fixes.txt"] = (
        f"as asked (lr 1e-5)     {f(r32['end'])}\n"
        f"standardized, lr 0.1   {f(fx['standardized'])}\n"
        f"two param groups       {f(fx['param_groups'])}\n"
        f"lstsq                  {f(fx['lstsq'])}\n"
    )
    ps = v["paris_star"]
    files["ch5.txt"] = f"standardized, mapped back  {f(v['ch5'])}\nleast squares              {f(ps)}\n"
    c6 = v["ch6"]
    files["ch6.txt"] = (
        f"lr_w = {c6['lr_w']:.3e}, lr_b = {c6['lr_b']}, ratio {c6['lr_b'] / c6['lr_w']:.1f}\n"
        f"relative error below 1e-6 after {c6['steps']} steps: {f(c6['end'])}\n"
    )
    m, a = v["ch7_momentum"], v["ch7_adam"]
    files["ch7.txt"] = (
        f"heavy ball  lr = {m['lr']:.3e}, momentum = {m['beta']:.4f}: {m['steps']} steps\n"
        f"Adam        lr = {a['lr']:g}: {a['steps']} steps\n"
        f"both end within 1e-6 of {f(ps)}\n"
    )
    dtype, after, error, in_place = v["ch9_int"]
    g = lambda a, b: f"w {a[0] - b[0]:+.0e}, b {a[1] - b[1]:+.0e}"
    files["ch9.txt"] = (
        f"notebook, float32  {f(v['ch9_f32'])}\n"
        f"float32 - float64  {g(v['ch9_f32'], v['ch9_f64'])}\n"
        f"reader's script, float32 - float64 after 100 epochs: {g(r32['end'], v['reader_f64']['end'])}\n"
        f"torch.tensor([25])                      {dtype}\n"
        f"after w - lr * grad                     {after}\n"
        f"w -= lr * grad (in place)               RuntimeError: {in_place}\n"
        f"torch.tensor([25], requires_grad=True)  RuntimeError: {error}\n"
    )
    files["ch10.txt"] = "".join(f"{d:<8} w = {t[0]:.10f}, b = {t[1]:.8f}\n" for d, t in v["ch10"].items())
    files["ch10.txt"] += f"float32  w = {v['ch10_f32'][0]:.10f}, b = {v['ch10_f32'][1]:.8f}\n"
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "src/generated/torch")
    parser.add_argument("--json", type=pathlib.Path, help="also write every number, full precision")
    args = parser.parse_args()
    v = run()
    files = transcripts(v)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text)
    if args.json:
        args.json.write_text(json.dumps(v, indent=1) + "\n")
    print(f"wrote {len(files)} files to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
