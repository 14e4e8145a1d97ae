#!/usr/bin/env bash
# A run that fails in the queue (its config was broken after the submit had checked it) stops
# with its exit code and is not requeued, and the grid's afterok compare job never starts
# (DependencyNeverSatisfied). Usage: failure.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" failure

# Hold the whole node so the grid waits in the queue while its config is broken.
blocker=$(sbatch --parsable -J blocker --exclusive -N 1 -t 2 -o /dev/null --wrap 'sleep 60')
echo "$blocker" >> "$jobs_file"
for _ in $(seq 120); do [ "$(field "$blocker" JobState)" = RUNNING ] && break; sleep 0.5; done
[ "$(field "$blocker" JobState)" = RUNNING ] || fail "the blocking job $blocker did not start"
printf 'model two model.ndim=2\nmodel three model.ndim=3\n' > grid.txt
ids=$(submit gauss.ini --grid grid.txt --ranks 1 --time 00:05:00)
read -r array compare <<< "$(echo $ids)"
echo "nlivee = 5" >> gauss.ini
scancel "$blocker"
wait_gone "$array" 120

for task in 0 1; do
  job=${array}_$task
  [ "$(field "$job" JobState)" = FAILED ] || fail "task $job is $(field "$job" JobState), expected FAILED"
  [ "$(field "$job" ExitCode)" = 2:0 ] || fail "task $job exit code $(field "$job" ExitCode), expected 2:0"
  [ "$(field "$job" Restarts)" = 0 ] || fail "task $job was requeued"
done
grep -q 'failed with exit code 2; not requeued' nubayes-jobs/grid-"${array}"_0.out ||
  fail "no failure report in the log: $(cat nubayes-jobs/grid-"${array}"_0.out)"
reason=""
for _ in $(seq 60); do
  reason=$(field "$compare" Reason)
  [ "$reason" = DependencyNeverSatisfied ] && break
  sleep 0.5
done
[ "$reason" = DependencyNeverSatisfied ] || fail "compare job $compare: state $(field "$compare" JobState), reason '$reason'"
[ "$(field "$compare" JobState)" = PENDING ] || fail "compare job $compare ran: $(field "$compare" JobState)"
echo "PASS failure (array job $array, compare job $compare never runs)"
