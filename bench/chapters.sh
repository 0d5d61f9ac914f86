#!/usr/bin/env bash
# Speed target: in release, every chapter binary renders its figures in well under a
# second. Measured with hyperfine (Debian package `hyperfine`), not with a timed test.
#   bash bench/chapters.sh            # prints mean ± σ per binary, fails if any mean ≥ 1 s
source "$(dirname "$0")/setup.sh"
cmds=()
for b in $bins; do cmds+=("target/release/$b --out $out/$b"); done
hyperfine -N --warmup 2 --runs 10 --export-json "$out/bench.json" "${cmds[@]}"
python3 - "$out/bench.json" <<'PY'
import json, sys
slow = [r["command"] for r in json.load(open(sys.argv[1]))["results"] if r["mean"] >= 1.0]
if slow:
    sys.exit(f"error: slower than 1 s: {slow}")
print("all chapter binaries render in under 1 s")
PY
