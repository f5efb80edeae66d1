#!/usr/bin/env bash
# Stop the throw-away Slurm cluster started by start-local.sh, and nothing else.
#
#   bash scripts/slurm/stop-local.sh
#
# Jobs are cancelled first (stopping slurmd leaves running jobs behind). Daemons are found by
# the pid files under $CORPUSLEDGER_SLURM_BASE/run (default /tmp/corpusledger-slurm/run) and
# signalled only if /proc/PID/comm still names that daemon; munged only if start-local.sh
# started it. State and logs stay for inspection. Safe to run when nothing is up.
set -uo pipefail

BASE="${CORPUSLEDGER_SLURM_BASE:-/tmp/corpusledger-slurm}"
RUN="$BASE/run"
export SLURM_CONF="$BASE/etc/slurm.conf"
export PATH="$PATH:/usr/sbin:/sbin"

note() { echo "stop-local: $*" >&2; }

# pid_of PIDFILE NAME: print the recorded pid if that process is alive and named NAME
pid_of() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

# gone PID: the process exited (a zombie counts: PID 1 here may be slow to reap it)
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# halt LABEL PID...: SIGTERM them all at once (each slurmd takes ~2 s to exit), up to 15 s
# grace, then SIGKILL whatever is left
halt() {
  local label="$1" p left
  shift
  [ "$#" -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null
  for _ in $(seq 1 150); do
    left=""
    for p in "$@"; do gone "$p" || left+=" $p"; done
    [ -n "$left" ] || break
    sleep 0.1
  done
  if [ -n "$left" ]; then
    note "$label (pid$left) ignored SIGTERM, killing"
    # shellcheck disable=SC2086 # $left is a list of pids
    kill -KILL $left 2>/dev/null
  fi
  note "stopped $label (pid $*)"
  stopped=$((stopped + $#))
}

stopped=0
ctld="$(pid_of "$RUN/slurmctld.pid" slurmctld)"
if [ -n "$ctld" ] && [ -f "$SLURM_CONF" ]; then
  # %F is the array job id (the job id for plain jobs): one scancel per whole array
  jobs="$(squeue -h -o %F 2>/dev/null | sort -u | tr '\n' ' ')"
  if [ -n "${jobs// /}" ]; then
    note "cancelling jobs: $jobs"
    # shellcheck disable=SC2086 # word splitting of the id list is intended
    scancel $jobs 2>/dev/null
    for _ in $(seq 1 150); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi

slurmds=()
for f in "$RUN"/slurmd-*.pid; do
  [ -e "$f" ] || continue
  if pid="$(pid_of "$f" slurmd)"; then slurmds+=("$pid"); fi
  rm -f "$f"
done
halt slurmd "${slurmds[@]}"
if [ -n "$ctld" ]; then halt slurmctld "$ctld"; fi
rm -f "$RUN/slurmctld.pid"
if [ -f "$RUN/munged.pid" ]; then
  if pid="$(pid_of "$RUN/munged.pid" munged)"; then halt munged "$pid"; fi
  rm -f "$RUN/munged.pid"
fi

[ "$stopped" -gt 0 ] || note "nothing of ours was running"
exit 0
