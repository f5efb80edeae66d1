#!/usr/bin/env bash
# Bring up a throw-away Slurm cluster on this machine for corpusledger's integration tests:
# one slurmctld plus NODES slurmd daemons ("nodes" n1..nN, all on 127.0.0.1), munge auth,
# no accounting database, no systemd needed. Must run as root.
#
#   bash scripts/slurm/start-local.sh [NODES=3]
#   eval "$(bash scripts/slurm/start-local.sh 3)"   # last stdout line: export SLURM_CONF=...
#
# Environment:
#   CORPUSLEDGER_SLURM_BASE     state, spool, logs, pid files, slurm.conf (/tmp/corpusledger-slurm)
#   CORPUSLEDGER_SLURM_PORT     slurmctld port; node nI listens on PORT+I (16817)
#   CORPUSLEDGER_SLURM_TIMEOUT  seconds to wait for all nodes to be idle (60)
#
# The config goes to $BASE/etc/slurm.conf, never /etc/slurm, so every client must use the
# printed SLURM_CONF. Running it again with an unchanged config only checks that the nodes are
# idle; a changed config (e.g. another node count) restarts our daemons via stop-local.sh.
#
# Exit codes: 0 up; 1 a daemon failed or nodes never became idle; 2 bad usage;
#             3 cannot run here (not root, apt-get missing or failing) - tests skip on 3.
set -euo pipefail

NODES="${1:-3}"
NODES="${NODES#NODES=}"
BASE="${CORPUSLEDGER_SLURM_BASE:-/tmp/corpusledger-slurm}"
PORT="${CORPUSLEDGER_SLURM_PORT:-16817}"
TIMEOUT="${CORPUSLEDGER_SLURM_TIMEOUT:-60}"
CONF="$BASE/etc/slurm.conf"
RUN="$BASE/run"
LOGDIR="$BASE/log"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PATH="$PATH:/usr/sbin:/sbin"

note() { echo "start-local: $*" >&2; }
die() { note "error: $*"; exit 1; }
skip() { note "cannot start a local Slurm cluster: $*"; exit 3; }
tail_log() { [ -f "$1" ] && tail -n 20 "$1" | sed 's/^/    /' >&2; return 0; }

case "$NODES" in '' | *[!0-9]* | 0) note "usage: $0 [NODES>=1]"; exit 2 ;; esac
[ "$(id -u)" = 0 ] || skip "must run as root (got uid $(id -u))"
mkdir -p "$BASE/etc" "$BASE/state" "$RUN" "$LOGDIR"

# --- packages -------------------------------------------------------------------------------
missing=()
command -v slurmctld >/dev/null || missing+=(slurmctld)
command -v slurmd >/dev/null || missing+=(slurmd)
command -v sbatch >/dev/null || missing+=(slurm-client)
command -v munged >/dev/null || missing+=(munge)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || skip "need ${missing[*]} but apt-get is not available"
  note "installing ${missing[*]} with apt-get (log: $LOGDIR/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  install_pkgs() {
    apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" \
      >>"$LOGDIR/apt.log" 2>&1
  }
  if ! install_pkgs; then
    note "install failed; running apt-get update and retrying"
    { apt-get update -q >>"$LOGDIR/apt.log" 2>&1 && install_pkgs; } \
      || { tail_log "$LOGDIR/apt.log"; skip "apt-get install ${missing[*]} failed"; }
  fi
  for b in slurmctld slurmd sbatch munged; do
    command -v "$b" >/dev/null || skip "$b still missing after apt-get install"
  done
fi

# --- config ---------------------------------------------------------------------------------
HOST="$(hostname -s)"
HW_CPUS="$(nproc)"
HW_MEM=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
# Split the CPUs (at least one per node, so more nodes than cores oversubscribes) and give each
# node up to 4000 MB per CPU: every slurmd sees the whole host, so only "<= host" matters.
CPUS=$(( HW_CPUS / NODES )); [ "$CPUS" -ge 1 ] || CPUS=1
MEM=$(( 4000 * CPUS )); [ "$MEM" -le "$HW_MEM" ] || MEM=$(( HW_MEM * 9 / 10 ))
# Without DefMemPerCPU a job under CR_Core_Memory takes the node's whole memory.
DEFMEM=$(( MEM / CPUS )); [ "$DEFMEM" -le 1000 ] || DEFMEM=1000

node_lines=""
for i in $(seq 1 "$NODES"); do
  node_lines+="NodeName=n$i NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$(( PORT + i ))"
  node_lines+=" CPUs=$CPUS RealMemory=$MEM State=UNKNOWN"$'\n'
done

wanted="$(cat <<EOF
# written by corpusledger scripts/slurm/start-local.sh (nodes=$NODES) - throw-away test cluster
ClusterName=corpusledger
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# requeued jobs wait for the old credential to expire (default 120 s)
AuthInfo=cred_expire=10
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/%n
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
SchedulerType=sched/backfill
# a requeued job becomes eligible after cred_expire, but nothing wakes the scheduler then: it
# starts at the next periodic pass (sched_interval, default 60 s), so run that every second
SchedulerParameters=batch_sched_delay=0,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$DEFMEM
ReturnToService=2
InactiveLimit=0
MinJobAge=300
MaxArraySize=100001
MaxJobCount=200000
${node_lines%$'\n'}
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)"

export SLURM_CONF="$CONF"

# --- helpers --------------------------------------------------------------------------------
# running PIDFILE NAME: the pid recorded in PIDFILE is alive and its command is NAME
running() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}
munge_answers() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
daemons_up() {
  munge_answers && running "$RUN/slurmctld.pid" slurmctld || return 1
  local i
  for i in $(seq 1 "$NODES"); do running "$RUN/slurmd-n$i.pid" slurmd || return 1; done
}
wait_nodes() {
  local end=$(( SECONDS + TIMEOUT )) states bad i
  while :; do
    states="$(sinfo -h -N -o '%N=%t' 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    bad=0
    for i in $(seq 1 "$NODES"); do
      case " $states" in *" n$i=idle "* | *" n$i=mix "* | *" n$i=alloc "*) ;; *) bad=1 ;; esac
    done
    if [ "$bad" = 0 ]; then note "nodes ready: $states"; return 0; fi
    if [ "$SECONDS" -ge "$end" ]; then
      note "nodes not idle after ${TIMEOUT}s: ${states:-<sinfo gave nothing>}"
      tail_log "$LOGDIR/slurmctld.log"
      return 1
    fi
    sleep 0.3
  done
}
emit() { printf 'export SLURM_CONF=%q\n' "$CONF"; }

# --- already running? -----------------------------------------------------------------------
if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$wanted" ] && daemons_up; then
  note "already running with this config"
  wait_nodes || die "cluster is running but its nodes are not idle"
  emit
  exit 0
fi
if compgen -G "$RUN/*.pid" >/dev/null; then
  note "config changed or a daemon is gone: stopping the old cluster first"
  CORPUSLEDGER_SLURM_BASE="$BASE" bash "$HERE/stop-local.sh" || true
fi

printf '%s\n' "$wanted" >"$CONF.tmp"
mv -f "$CONF.tmp" "$CONF"
for i in $(seq 1 "$NODES"); do mkdir -p "$BASE/spool/n$i"; done

# --- munge ----------------------------------------------------------------------------------
if munge_answers; then
  note "munged already answers; using it (and leaving it alone on stop)"
else
  if [ ! -s /etc/munge/munge.key ]; then
    note "creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  # normally created by systemd (RuntimeDirectory=munge)
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- munged --pid-file=/run/munge/munged.pid || die "munged did not start"
  for _ in $(seq 1 50); do munge_answers && break; sleep 0.1; done
  munge_answers || die "munged started but does not answer"
  cp /run/munge/munged.pid "$RUN/munged.pid"   # only present when we own munged
  note "munged started (pid $(cat "$RUN/munged.pid"))"
fi

# --- slurmctld and slurmds ------------------------------------------------------------------
# -c: cold start, forget jobs of earlier runs; -i: ignore unreadable state files
slurmctld -f "$CONF" -c -i || { tail_log "$LOGDIR/slurmctld.log"; die "slurmctld did not start"; }
for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.1; done
for i in $(seq 1 "$NODES"); do
  slurmd -f "$CONF" -N "n$i" || { tail_log "$LOGDIR/slurmd-n$i.log"; die "slurmd n$i did not start"; }
done
note "started slurmctld and slurmd n1..n$NODES (CPUs=$CPUS RealMemory=$MEM each; logs in $LOGDIR)"
wait_nodes || die "cluster started but its nodes are not idle"
emit
