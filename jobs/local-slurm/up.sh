#!/usr/bin/env bash
# nubayes copy of slurm-local-up.sh, the recipe documented in the team's shared notes
# (docs/slurm-local.md and tools/slurm-local-up.sh, checked 2026-11-24 on Debian 12, root, no systemd).
# Kept here so the project never depends on files outside the repository; see jobs/README.md.
#
# slurm-local-up.sh -- bring up a one-node SLURM cluster on this machine, by hand
# (no systemd), for tests that submit real jobs (sbatch/srun/squeue/scancel).
#
# Made for a root, non-interactive, fresh Debian 12 (bookworm) machine/container
# (CI). Installs what it needs from Debian's archive, starts munged, slurmctld
# and slurmd as background daemons and waits until `sinfo` shows the node idle.
# Idempotent: if the cluster this script started is still up, it only reports
# that; otherwise it wipes the old state and starts afresh.
#
# Afterwards, as root, `sbatch`, `srun`, `squeue`, `scancel`, `scontrol` work
# with no extra environment (the config is /etc/slurm/slurm.conf).
# MPI: Debian's Open MPI 4.1 works with `srun --mpi=pmix` (the default set
# here) and with `mpirun` inside an allocation; `--mpi=pmi2` does NOT work.
# Jobs run as root, so `mpirun` needs OMPI_ALLOW_RUN_AS_ROOT=1 and
# OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 in the submitting environment (sbatch
# exports the environment by default). `srun` does not need them.
#
# Tunables (environment):
#   SLURM_LOCAL_DIR   state/spool/logs/pid files     (default /tmp/slurm-local)
#   SLURM_LOCAL_CPUS  CPUs the node advertises        (default: nproc)
#   SLURM_LOCAL_SKIP_INSTALL=1  do not call apt-get   (packages must be there)
#   SLURM_LOCAL_TIMEOUT  seconds to wait for the node (default 60)
# Tear down with jobs/local-slurm/down.sh (same SLURM_LOCAL_DIR).
set -euo pipefail

BASE=${SLURM_LOCAL_DIR:-/tmp/slurm-local}
CONF=/etc/slurm/slurm.conf
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}
MARK="# written by slurm-local-up.sh"
T_START=$(date +%s.%N)

log() { printf '[slurm-local-up] %s\n' "$*"; }
die() { printf '[slurm-local-up] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { awk -v a="$T_START" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
# alive PIDFILE: the pid in that file is a running (non-zombie) process.
# (PID 1 of some containers reaps orphans late, so `kill -0` alone is not enough.)
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [ -r "/proc/$pid/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

[ "$(id -u)" -eq 0 ] || die "must run as root"

# ---------------------------------------------------------------- 1. packages
# slurm-wlm pulls slurmctld + slurmd + slurm-client + slurm-wlm-basic-plugins + munge.
# libpmix-dev is REQUIRED for --mpi=pmix: Slurm's mpi_pmix plugin dlopen()s the
# unversioned .../pmix2/lib/libpmix.so, which only the -dev package ships.
PKGS=(slurm-wlm slurmctld slurmd slurm-client slurm-wlm-basic-plugins munge
      libpmix-dev openmpi-bin libopenmpi-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "${SLURM_LOCAL_SKIP_INSTALL:-0}" = 1 ] && die "missing packages: ${missing[*]}"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Without systemd the postinst scripts cannot start the services
  # ("invoke-rc.d: could not determine current runlevel"); we start them below.
  # (Lock::Timeout: wait for another apt/dpkg run instead of failing at once.)
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 \
    "${missing[@]}" >/dev/null
fi

# ----------------------------------------------- 2. already up? (idempotency)
# Up = both daemons alive and the node answering (idle, or busy with jobs).
if alive "$BASE/slurmctld.pid" && alive "$BASE/slurmd.pid" \
   && timeout 10 sinfo -h -o '%T' 2>/dev/null | head -n1 | grep -qE '^(idle|mixed|allocated|completing)$'; then
  log "already running (slurmctld pid $(cat "$BASE/slurmctld.pid"), slurmd pid $(cat "$BASE/slurmd.pid"))"
  sinfo
  log "READY"
  exit 0
fi
for d in slurmd slurmctld; do
  if alive "$BASE/$d.pid"; then
    die "$d from an earlier run is still alive (pid $(cat "$BASE/$d.pid")) but the node does not answer; run jobs/local-slurm/down.sh first"
  fi
done

# ------------------------------------------------------- 3. host name lookup
# slurmd picks its NodeName from `hostname -s`. With the explicit 127.0.0.1
# addresses below even an unresolvable name worked (tested); making it resolve
# anyway is cheap insurance (on this kind of machine it already does).
NODE=$(hostname -s)
if ! getent hosts "$NODE" >/dev/null; then
  log "adding '127.0.0.1 $NODE' to /etc/hosts"
  echo "127.0.0.1 $NODE" >> /etc/hosts
fi

# ------------------------------------------------------------------ 4. munge
# The munge postinst normally creates /etc/munge/munge.key; create it if not.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating /etc/munge/munge.key"
  mungekey --create --keyfile=/etc/munge/munge.key
fi
# munged refuses to start unless key/dirs are owned by it and not world-writable.
chown munge:munge /etc/munge /etc/munge/munge.key /var/lib/munge /var/log/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
# /run/munge is normally made by systemd (RuntimeDirectory=munge).
install -d -o munge -g munge -m 0755 /run/munge
mkdir -p "$BASE"
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "munged already running; using it"
else
  # Run as the munge user, like the systemd unit does; it daemonizes itself.
  runuser -u munge -- /usr/sbin/munged </dev/null >"$BASE/munged.stdout" 2>&1 \
    || die "munged failed to start: $(cat "$BASE/munged.stdout"; tail -n5 /var/log/munge/munged.log 2>/dev/null)"
  cp /run/munge/munged.pid "$BASE/munged.pid"   # remember: we started it
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || die "munge does not work"
  log "munged started (pid $(cat "$BASE/munged.pid"))"
fi

# ------------------------------------------------------------- 5. slurm.conf
CPUS=${SLURM_LOCAL_CPUS:-$(nproc)}
# RealMemory must not exceed what slurmd detects, or the node is drained.
MEM_MB=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) * 9 / 10 / 1024 ))
rm -rf "$BASE/state" "$BASE/spool"             # fresh start: no old jobs
mkdir -p "$BASE/state" "$BASE/spool" "$BASE/log"
rm -f "$BASE/slurmctld.pid" "$BASE/slurmd.pid"
mkdir -p /etc/slurm
cat > "$CONF" <<EOF
$MARK (one-node test cluster; state in $BASE)
ClusterName=localci
# Controller and node are this host; explicit 127.0.0.1 so no DNS is needed.
SlurmctldHost=${NODE}(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
# Everything runs as root: no slurm-user permission issues on the temp dirs.
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: a job's processes are tracked by process group (pgid also
# kills background children left behind by the batch script; linuxproc did not).
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
# Cores only: memory is not a consumable (else each job would take all of it).
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# CI speed: look at pending jobs every 2 s (defaults: 60 s main loop, 30 s
# backfill), so dependent, array and requeued jobs start promptly.
SchedulerParameters=sched_interval=2,bf_interval=2
# A requeued job waits cred_expire+1 s before it may start again (default
# 120 s); 10 s is plenty for a one-node cluster (also the step-credential life).
AuthInfo=cred_expire=10
# Debian's Open MPI 4.1 only speaks PMIx to srun (it has no PMI-2 client).
MpiDefault=pmix
# Trust the CPUs= below even if hwloc sees something else.
SlurmdParameters=config_overrides
ReturnToService=2
# Keep finished jobs visible to scontrol/squeue for an hour (no sacct here).
MinJobAge=3600
# Seconds between SIGTERM and SIGKILL at time limit / scancel.
KillWait=30
# No mail program on CI (avoids an error at start).
MailProg=/usr/bin/true
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
log "wrote $CONF (node $NODE, CPUs=$CPUS, RealMemory=${MEM_MB}MB)"

# ---------------------------------------------------------- 6. start daemons
# Both daemonize themselves and write their pid files under $BASE.
# stdout/stderr go to files so a CI runner's pipes are not held open.
slurmctld </dev/null >"$BASE/log/slurmctld.stdout" 2>&1 \
  || die "slurmctld failed: $(cat "$BASE/log/slurmctld.stdout"; tail -n20 "$BASE/log/slurmctld.log" 2>/dev/null)"
slurmd </dev/null >"$BASE/log/slurmd.stdout" 2>&1 \
  || die "slurmd failed: $(cat "$BASE/log/slurmd.stdout"; tail -n20 "$BASE/log/slurmd.log" 2>/dev/null)"

# ------------------------------------------------------ 7. wait for the node
state=""
deadline=$((SECONDS + TIMEOUT))
while [ "$SECONDS" -lt "$deadline" ]; do
  # (timeout: a client that cannot resolve an address retries for a while)
  state=$(timeout 10 sinfo -h -n "$NODE" -o '%T' 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
if [ "$state" != idle ]; then
  sinfo -R 2>&1 || true
  tail -n20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2 || true
  die "node $NODE is '$state', not idle, after ${TIMEOUT}s"
fi
sinfo
log "srun --mpi=list: $(srun --mpi=list 2>&1 | tr -s '\n\t' ' ')"
log "READY in $(elapsed)s: slurmctld pid $(cat "$BASE/slurmctld.pid"), slurmd pid $(cat "$BASE/slurmd.pid"), logs in $BASE/log"
