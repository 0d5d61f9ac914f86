#!/usr/bin/env bash
# Speed target: in release, every chapter binary renders its figures in well under a
# second. Measured with hyperfine (Debian package `hyperfine`), not with a timed test.
#   bash bench/chapters.sh            # prints mean ± σ per binary, fails if any mean ≥ 1 s
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
cargo build --quiet --release --bins -p linreg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bins=$(find code/src/bin -name 'chapter*.rs' -exec basename {} .rs \; | sort -V)
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
