#!/usr/bin/env bash
# scancel: the ranks checkpoint on TERM, the job ends CANCELLED and does not requeue itself; the
# same `nubayes submit` again resumes from the checkpoint to the uninterrupted result.
# Usage: cancel.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" cancel

reference ref.h5
job=$(submit gauss.ini --ranks 2 --time 00:05:00 --set model.sleep_ms=20)
wait_file gauss.h5.ckpt 60
sleep 1
scancel "$job"
wait_gone "$job" 60
# A requeue would put it back in the queue within a few seconds.
sleep 4
[ -z "$(squeue -h -j "$job")" ] || fail "job $job is queued again after scancel"
expect_state "$job" CANCELLED 0
log=nubayes-jobs/gauss-$job.out
grep -q 'not requeued' "$log" || fail "the batch shell did not stop the requeue: $(cat "$log")"
[ -f gauss.h5.ckpt ] || fail "no checkpoint kept after scancel"

again=$(submit gauss.ini --ranks 2 --time 00:05:00 --set model.sleep_ms=20)
wait_gone "$again" 120
expect_state "$again" COMPLETED 0
same_run ref.h5 "$work/gauss.h5"
echo "PASS cancel (jobs $job, $again)"
