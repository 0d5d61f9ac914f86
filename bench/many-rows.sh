#!/usr/bin/env bash
# Speed on very many rows (issue 12 §2): every chapter binary, `fit` and `diagnose` on a
# generated CSV of 10⁵ and 10⁶ rows (x uniform in 20–100 m², y = 32x + 200 + noise), timed
# with hyperfine (Debian package `hyperfine`), not with a timed test.
#   bash bench/many-rows.sh           # fails if any binary takes ≥ 10 s on 10⁶ rows
# Chapter 9 refuses such files on purpose (exit 2: the notebook's
# summed loss); its refusal is timed too (`-i`).
source "$(dirname "$0")/setup.sh"
python3 - "$out" <<'PY'
import random, sys
random.seed(12)
for n in (10**5, 10**6):
    with open(f"{sys.argv[1]}/rows{n}.csv", "w") as f:
        f.write("x,y\n")
        for _ in range(n):
            x = random.uniform(20, 100)
            f.write(f"{x:.4f},{32 * x + 200 + random.gauss(0, 100):.3f}\n")
PY
for n in 100000 1000000; do
    cmds=()
    for b in $bins; do cmds+=("target/release/$b --data $out/rows$n.csv --out $out/o/$b"); done
    cmds+=("target/release/fit --data $out/rows$n.csv")
    cmds+=("target/release/diagnose --data $out/rows$n.csv --lr 1e-5 --epochs 100 --out $out/o/diagnose")
    hyperfine -N -i --runs 3 --export-json "$out/bench$n.json" "${cmds[@]}"
done
python3 - "$out/bench1000000.json" <<'PY'
import json, sys
slow = [r["command"] for r in json.load(open(sys.argv[1]))["results"] if r["mean"] >= 10.0]
if slow:
    sys.exit(f"error: 10 s or more on 10⁶ rows: {slow}")
print("every binary handles 10⁶ rows in under 10 s")
PY
