#!/usr/bin/env bash
# A warning signal delivered early (scancel --signal=USR1 --batch, what --signal=B:USR1@N sends
# near the limit): the batch shell forwards it, the ranks checkpoint and exit with code 3, the
# job requeues itself under the same id and resumes to exactly the uninterrupted result.
# Usage: requeue_signal.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" requeue_signal

reference ref.h5
# About 20 s of likelihood calls on 2 ranks.
job=$(submit gauss.ini --ranks 2 --time 00:05:00 --set model.sleep_ms=20)
wait_file gauss.h5.ckpt 60
sleep 1
scancel --signal=USR1 --batch "$job"
wait_gone "$job" 150
expect_state "$job" COMPLETED 1
log=nubayes-jobs/gauss-$job.out
grep -q 'USR1: time limit near' "$log" || fail "the batch shell did not see USR1: $(cat "$log")"
grep -q "requeueing job $job" "$log" || fail "the job did not requeue itself: $(cat "$log")"
grep -q 'start (restart 1)' "$log" || fail "no second start: $(cat "$log")"
same_run ref.h5 "$work/gauss.h5"
echo "PASS requeue_signal (job $job)"
