#!/usr/bin/env bash
# nubayes submit --ranks 2: a real 2-rank MPI job (srun, PMIx) that completes in one go and
# gives the same bits as the same run under a local mpirun. Usage: two_ranks.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" two_ranks

reference ref.h5
# A relative config and output: the job starts elsewhere, the script pins both to this directory.
job=$(submit gauss.ini --ranks 2 --time 00:05:00)
wait_gone "$job" 120
expect_state "$job" COMPLETED 0
same_run ref.h5 "$work/gauss.h5"
log=nubayes-jobs/gauss-$job.out
grep -q 'run complete' "$log" || fail "no 'run complete' in $log"
grep -q '2 rank(s)' "$log" || fail "the run did not use 2 ranks: $(cat "$log")"
echo "PASS two_ranks (job $job)"
