#!/usr/bin/env bash
# The stages one after another on one machine (plan, 8 ingest shards, cluster,
# 8 finalize shards, manifest), each timed with its peak RSS,
# and `run` on the same input: the figures of docs/cluster.md.
# Usage: benches/stages/measure.sh [SRC=~/.cargo/registry/src] [DOCS=1000000] [WORK=/tmp/cl-stages]
# SRC is a folder of source code whose lines make the documents.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC="${1:-$HOME/.cargo/registry/src}"
DOCS="${2:-1000000}"
WORK="${3:-/tmp/cl-stages}"
cargo build --release --quiet
B="$PWD/target/release/corpusledger"
mkdir -p "$WORK"
if [ ! -f "$WORK/split/part-07.jsonl" ]; then
  python3 benches/stages/gen_jsonl.py "$SRC" "$DOCS" "$WORK/docs.jsonl"
  mkdir -p "$WORK/split"
  split -n l/8 -d --additional-suffix=.jsonl "$WORK/docs.jsonl" "$WORK/split/part-"
fi
cd "$WORK"
inputs=(); for f in split/part-0*.jsonl; do inputs+=(--input "$f"); done
t() { local name="$1"; shift; /usr/bin/time -f "$name	%e s	%M KB" "$@"; }
rm -rf run out out-run
t plan "$B" plan -q "${inputs[@]}" --out out --run-dir run
for i in 0 1 2 3 4 5 6 7; do t "ingest $i" "$B" ingest -q --run-dir run --num-shards 8 --shard-index "$i" -j 2; done
echo "parts	$(du -sb run/ingest | cut -f1) bytes"
t cluster "$B" cluster -q --run-dir run --num-shards 8 -j 2
for i in 0 1 2 3 4 5 6 7; do t "finalize $i" "$B" finalize -q --run-dir run --num-shards 8 --shard-index "$i" -j 2; done
t manifest "$B" manifest -q --run-dir run --num-shards 8 -j 2
rm -r run/cluster
t "cluster --memory-limit 200MB" "$B" cluster -q --run-dir run --num-shards 8 -j 2 --memory-limit 200MB
rm -r run/manifest.done out
t "manifest --memory-limit 200MB" "$B" manifest -q --run-dir run --num-shards 8 -j 2 --memory-limit 200MB
t run "$B" run -q "${inputs[@]}" --out out-run -j 2
diff -r out out-run >/dev/null && echo "staged and run outputs: identical"
rm -rf out-limited
t "run --memory-limit 200MB" "$B" run -q "${inputs[@]}" --out out-limited -j 2 --memory-limit 200MB
diff -r out-run out-limited >/dev/null && echo "run with and without a memory limit: identical"
