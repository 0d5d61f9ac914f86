"""The book's data sets, read from the CSV files the Rust code writes (one source: the
same bits in both languages). No network, no NumPy: the standard `csv` module and torch."""
import csv
import pathlib

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Written by `cargo run --release --bin chapter1`: the 50 Paris apartments and the
# reader's question (x = linspace(0, 100, 100), y = a·x + b + noise).
PARIS = ROOT / "src/generated/ch1/paris-rents.csv"
READER = ROOT / "src/generated/ch1/reader-question.csv"


def load(path, x_col="x", y_col="y", dtype=torch.float64):
    """Two columns of a CSV file with a header row, as 1-D tensors (float64 by default)."""
    with open(path, newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        rows = list(csv.DictReader(f, delimiter=delimiter))
    x = torch.tensor([float(r[x_col]) for r in rows], dtype=dtype)
    y = torch.tensor([float(r[y_col]) for r in rows], dtype=dtype)
    return x, y
