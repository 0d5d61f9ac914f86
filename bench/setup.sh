# The common start of the bench scripts, sourced by each: at the repository root, with
# hyperfine present, the release binaries built, a scratch directory $out removed on
# exit, and the chapter binaries, in chapter order, in $bins.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
cargo build --quiet --release --bins -p linreg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bins=$(find code/src/bin -name 'chapter*.rs' -exec basename {} .rs \; | sort -V)
