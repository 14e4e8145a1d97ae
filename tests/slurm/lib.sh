# Shared by the SLURM tests (sourced): a fresh work directory, a small config, waiting on jobs
# and reading their final state. Usage in a test: source lib.sh NUBAYES TEST_NAME
# These tests need a working SLURM (jobs/local-slurm/up.sh) and fail, never skip, without one.
set -euo pipefail

nubayes=$1
test_name=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Jobs run as root on the local test cluster; sbatch passes this environment on to mpirun.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

fail() {
  echo "FAIL ($test_name): $*" >&2
  exit 1
}

command -v sbatch > /dev/null || fail "sbatch not found: these tests need SLURM (bash jobs/local-slurm/up.sh)"
node_state=$(timeout 20 sinfo -h -o '%T' 2> /dev/null | head -n1 || true)
case "$node_state" in
  idle | mixed | allocated | completing) ;;
  *) fail "SLURM is not answering (sinfo: '$node_state'); bring it up with jobs/local-slurm/up.sh" ;;
esac

# A fresh directory per test run: job ids restart at 1 whenever the cluster is brought up again.
work=$(mktemp -d "/tmp/nubayes_slurm_${test_name}.XXXXXX")
cd "$work"
# Every job id submitted, one a line (a file: `submit` runs in command substitutions).
jobs_file=$work/submitted-jobs
: > "$jobs_file"
# On exit: cancel what is still queued (a failed test must not starve the next one) and keep
# the directory of a failed test for reading.
finish() {
  local code=$?
  while read -r job; do scancel "$job" 2> /dev/null || true; done < "$jobs_file"
  if [ "$code" = 0 ]; then rm -rf "$work"; else echo "($test_name: job scripts, logs and runs kept in $work)" >&2; fi
}
trap finish EXIT

# submit ARGS...: nubayes submit --parsable; records and prints the job id(s).
submit() {
  local ids
  ids=$("$nubayes" submit "$@" --parsable) || fail "nubayes submit $* failed"
  echo "$ids" >> "$jobs_file"
  echo "$ids"
}

# field JOB NAME: a field of `scontrol show job` (JobState, ExitCode, Restarts, Reason, ...).
field() { scontrol -o show job "$1" 2> /dev/null | head -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# wait_gone JOB SECONDS: until the job (every task of an array) has left the queue.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while [ -n "$(squeue -h -j "$1" 2> /dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "job $1 still queued after $2 s: $(squeue -h -j "$1")"
    sleep 0.5
  done
}

# wait_file PATH SECONDS: until the file exists.
wait_file() {
  local deadline=$((SECONDS + $2))
  until [ -e "$1" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$1 did not appear within $2 s"
    sleep 0.2
  done
}

# expect_state JOB STATE [RESTARTS]: the job ended in that state (with that many requeues).
expect_state() {
  local state restarts
  state=$(field "$1" JobState)
  restarts=$(field "$1" Restarts)
  [ "$state" = "$2" ] || fail "job $1 is $state, expected $2 ($(field "$1" Reason), exit $(field "$1" ExitCode)); log: $(cat nubayes-jobs/*-"$1".out 2> /dev/null)"
  [ -z "${3:-}" ] || [ "$restarts" = "$3" ] || fail "job $1 restarted $restarts times, expected $3"
}

# reference OUTPUT [SET...]: the same run without SLURM, 2 ranks, uninterrupted.
reference() {
  local output=$1
  shift
  mpirun -n 2 --oversubscribe "$nubayes" run gauss.ini --quiet --set run.output="$output" "$@" > "$output.log" 2>&1 ||
    fail "reference run failed: $(cat "$output.log")"
}

# same_run A.h5 B.h5: bitwise-identical evidence and samples.
same_run() { /usr/bin/python3 "$here/same_run.py" "$1" "$2" || fail "$2 is not identical to the uninterrupted $1"; }

# The test problem: a 3-d Gaussian, about 1800 likelihood calls; model.sleep_ms stretches it.
cat > gauss.ini << 'INI'
[run]
output = gauss.h5
seed = 4
checkpoint_every = 1
[sampler]
nlive = 200
[model]
name = gauss
ndim = 3
INI
