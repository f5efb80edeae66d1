#!/usr/bin/env bash
# Smoke test for the local cluster: a 7-task array whose tasks each write their index (and
# node) atomically, plus a gather job chained with afterok. Passes if the gather output has
# the 7 indices and the tasks ran on more than one node.
#
#   eval "$(bash scripts/slurm/start-local.sh 3)" && bash scripts/slurm/smoke.sh [OUTDIR]
#
# SLURM_CONF defaults to $CORPUSLEDGER_SLURM_BASE/etc/slurm.conf. We poll squeue rather than
# use `sbatch --wait`, which returns seconds late.
set -euo pipefail

BASE="${CORPUSLEDGER_SLURM_BASE:-/tmp/corpusledger-slurm}"
export SLURM_CONF="${SLURM_CONF:-$BASE/etc/slurm.conf}"
OUT="${1:-$BASE/smoke}"
TASKS=7
TIMEOUT="${CORPUSLEDGER_SLURM_SMOKE_TIMEOUT:-120}"

fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"

cat >"$OUT/task.sh" <<'EOF'
#!/bin/bash
# $1 = output dir; write "<index> <node>" to a temp file, then rename it into place
set -eu
part="$1/part-$SLURM_ARRAY_TASK_ID"
printf '%s %s\n' "$SLURM_ARRAY_TASK_ID" "$SLURMD_NODENAME" >"$part.tmp.$SLURM_JOB_ID"
mv -f "$part.tmp.$SLURM_JOB_ID" "$part"
EOF
cat >"$OUT/gather.sh" <<'EOF'
#!/bin/bash
set -eu
cat "$1"/part-* | sort -n >"$1/all.tmp"
mv -f "$1/all.tmp" "$1/all.txt"
EOF

t0="$(date +%s.%N)"
# memory is requested explicitly so tasks never take a whole node's memory
arr="$(sbatch --parsable --job-name=cl-smoke-map --array=0-$((TASKS - 1)) --cpus-per-task=1 \
  --mem=100 -o "$OUT/map-%A_%a.log" "$OUT/task.sh" "$OUT")"
gat="$(sbatch --parsable --job-name=cl-smoke-gather --dependency="afterok:$arr" \
  --kill-on-invalid-dep=yes --mem=100 -o "$OUT/gather-%j.log" "$OUT/gather.sh" "$OUT")"
echo "smoke: array job $arr, gather job $gat"

end=$(( SECONDS + TIMEOUT ))
while :; do
  if left="$(squeue -h -j "$arr,$gat" 2>/dev/null)" && [ -z "$left" ]; then break; fi
  [ "$SECONDS" -lt "$end" ] || { squeue >&2 || true; fail "jobs not done after ${TIMEOUT}s"; }
  sleep 0.2
done
wall="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"

state="$(scontrol -o show job "$gat" | sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p')"
[ "$state" = COMPLETED ] || fail "gather job $gat ended in state '${state:-unknown}'"
[ -f "$OUT/all.txt" ] || fail "no $OUT/all.txt"
lines="$(wc -l <"$OUT/all.txt")"
[ "$lines" -eq "$TASKS" ] || fail "all.txt has $lines lines, want $TASKS"
[ "$(cut -d' ' -f1 "$OUT/all.txt" | tr '\n' ' ')" = "$(seq -s' ' 0 $((TASKS - 1))) " ] \
  || fail "indices in all.txt are not 0..$((TASKS - 1))"
nodes="$(cut -d' ' -f2 "$OUT/all.txt" | sort -u | tr '\n' ' ')"
[ "$(wc -w <<<"$nodes")" -gt 1 ] || fail "all tasks ran on one node: $nodes"
echo "smoke: $TASKS tasks on nodes: ${nodes% }; wall ${wall}s"
echo OK
