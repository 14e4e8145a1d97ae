#!/usr/bin/env bash
# The real time-limit warning: a 2-minute job with --signal-margin 60 gets USR1 from SLURM
# (--signal=B:USR1@60) 0-60 s before its limit, while the run still needs longer than the whole
# limit. Launched with mpirun this time (the batch shell forwards USR1 to mpirun, which forwards
# it to the ranks). The job checkpoints, requeues itself as often as needed, and ends with
# exactly the uninterrupted result. Takes about 2 minutes. Usage: time_limit.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" time_limit

reference ref.h5
# About 75 s of likelihood calls on 2 ranks: more than the 60 s before the earliest warning.
job=$(submit gauss.ini --ranks 2 --time 00:02:00 --signal-margin 60 --launcher mpirun --set model.sleep_ms=80)
wait_gone "$job" 300
state=$(field "$job" JobState)
restarts=$(field "$job" Restarts)
log=nubayes-jobs/gauss-$job.out
[ "$state" = COMPLETED ] || fail "job $job is $state: $(cat "$log")"
[ "$restarts" -ge 1 ] || fail "job $job never restarted: $(cat "$log")"
grep -q 'USR1: time limit near' "$log" || fail "no warning signal reached the batch shell: $(cat "$log")"
grep -q "requeueing job $job" "$log" || fail "the job did not requeue itself: $(cat "$log")"
same_run ref.h5 "$work/gauss.h5"
echo "PASS time_limit (job $job, $restarts restart(s))"
