#!/usr/bin/env bash
# nubayes copy of slurm-local-down.sh, the recipe documented in the team's shared notes
# (docs/slurm-local.md and tools/slurm-local-down.sh, checked 2026-11-24 on Debian 12, root, no systemd).
# Kept here so the project never depends on files outside the repository; see jobs/README.md.
#
# slurm-local-down.sh -- tear down the one-node SLURM cluster that
# slurm-local-up.sh started: cancel all jobs, stop slurmd, slurmctld and (if
# the up script started it) munged -- only those PIDs recorded under
# SLURM_LOCAL_DIR -- then remove that directory and the slurm.conf the up
# script wrote. Safe to run when nothing is up. Packages stay installed.
set -euo pipefail

BASE=${SLURM_LOCAL_DIR:-/tmp/slurm-local}
CONF=/etc/slurm/slurm.conf
MARK="# written by slurm-local-up.sh"

log() { printf '[slurm-local-down] %s\n' "$*"; }
# alive PID: running and not a zombie (PID 1 of some containers reaps late).
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# stop NAME EXPECTED_COMM: SIGTERM the pid in $BASE/NAME.pid if it is still
# that program, wait up to 10 s, then SIGKILL.
stop() {
  local f="$BASE/$1.pid" pid comm
  [ -s "$f" ] || { log "$1: no pid file, nothing to stop"; return 0; }
  pid=$(cat "$f")
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  if ! alive "$pid" || [ "$comm" != "$2" ]; then
    log "$1: pid $pid not running (or not $2), skipping"; rm -f "$f"; return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "$1: pid $pid ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  log "$1: stopped pid $pid"
  rm -f "$f"
}

# 1. Cancel every job while the daemons are still there, and wait (<= 60 s)
#    until they have left the queue (their slurmstepd processes then exit too).
if [ -s "$BASE/slurmctld.pid" ] && alive "$(cat "$BASE/slurmctld.pid")"; then
  jobs=$(squeue -h -o '%A' 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    log "cancelling jobs: $(echo "$jobs" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    for _ in $(seq 1 120); do
      [ -z "$(squeue -h -o '%A' 2>/dev/null || true)" ] && break
      sleep 0.5
    done
    # the step daemons (slurmstepd) linger a moment after the queue is empty
    for _ in $(seq 1 30); do pgrep -x slurmstepd >/dev/null || break; sleep 0.5; done
  fi
fi

# 2. Stop the daemons we started, node first.
stop slurmd slurmd
stop slurmctld slurmctld
stop munged munged

# 3. Report (do not kill) any step daemon left behind.
# (zombies do not count: PID 1 of some containers reaps them late)
# (if-statements, not `&&`: under set -e a false `&&` as the loop's last command would end the script)
left=$(for pid in $(pgrep -x slurmstepd || true); do if alive "$pid"; then echo "$pid"; fi; done)
if [ -n "$left" ]; then log "WARNING: slurmstepd still running: $(echo "$left" | tr '\n' ' ')"; fi

# 4. Remove our files (only the conf that we wrote).
if [ -f "$CONF" ] && head -n1 "$CONF" | grep -qF "$MARK"; then rm -f "$CONF"; fi
case "$BASE" in /tmp/*|/var/tmp/*|/run/*) rm -rf "$BASE" ;; *) log "left $BASE in place (not under /tmp)";; esac
log "DOWN"
