#!/usr/bin/env bash
# nubayes submit without a cluster: --dry-run prints the scripts and sbatch commands with
# absolute paths, and every bad input is refused with one line and exit code 2 before anything
# is written. Usage: submit_cli.sh NUBAYES SOURCE_DIR
set -euo pipefail
nubayes=$1
source_dir=$2
work=$(mktemp -d /tmp/nubayes_submit_cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() {
  echo "FAIL (submit_cli): $*" >&2
  exit 1
}
cp "$source_dir/inputs/examples/eggbox.ini" run.ini

# refused EXPECTED_TEXT ARGS...: exit code 2, one stderr line containing the text, nothing written.
refused() {
  local expected=$1 code=0
  shift
  "$nubayes" submit "$@" > out.txt 2> err.txt || code=$?
  [ "$code" = 2 ] || fail "nubayes submit $* gave exit code $code, expected 2 ($(cat err.txt))"
  [ "$(wc -l < err.txt)" = 1 ] || fail "nubayes submit $*: expected one error line, got: $(cat err.txt)"
  grep -qF -- "$expected" err.txt || fail "nubayes submit $*: '$expected' not in: $(cat err.txt)"
  [ ! -e nubayes-jobs ] || fail "nubayes submit $* wrote nubayes-jobs/ although it refused"
}
refused "--time '1:00'" run.ini --ranks 2 --time 1:00 --dry-run
refused "--time '00:61:00'" run.ini --ranks 2 --time 00:61:00 --dry-run
refused "--time HH:MM:SS is required" run.ini --ranks 2 --dry-run
refused "--ranks 0" run.ini --ranks 0 --time 00:10:00 --dry-run
refused "--ranks N is required" run.ini --time 00:10:00 --dry-run
refused "config file 'nope.ini' not found" nope.ini --ranks 2 --time 00:10:00 --dry-run
refused "no CONFIG.ini" --ranks 2 --time 00:10:00 --dry-run
refused "--signal-margin 600" run.ini --ranks 2 --time 00:10:00 --signal-margin 600 --dry-run
refused "--launcher 'aprun'" run.ini --ranks 2 --time 00:10:00 --launcher aprun --dry-run
# The config is resolved at submit time: a typo fails here, not in the queue.
refused "[sampler] nlivee" run.ini --ranks 2 --time 00:10:00 --set sampler.nlivee=5 --dry-run
code=0
PATH=/nonexistent "$nubayes" submit run.ini --ranks 2 --time 00:10:00 2> err.txt || code=$?
[ "$code" = 2 ] && grep -q "sbatch not found" err.txt || fail "no sbatch in PATH: exit code $code, $(cat err.txt)"
[ ! -e nubayes-jobs ] || fail "nubayes submit wrote nubayes-jobs/ without sbatch"
printf 'model a model.ndim=2\nmodle b\n' > typo.txt
refused "typo.txt:2: expected 'model NAME ...'" run.ini --grid typo.txt --ranks 1 --time 00:10:00 --dry-run
printf 'model a "model.ndim=2\n' > quote.txt
refused "quote.txt:1: unclosed quote" run.ini --grid quote.txt --ranks 1 --time 00:10:00 --dry-run
printf 'model a run.output=x.h5\n' > output.txt
refused "grid run 'a' sets run.output" run.ini --grid output.txt --ranks 1 --time 00:10:00 --dry-run
printf 'model a model.ndimm=2\n' > badkey.txt
refused "grid run 'a'" run.ini --grid badkey.txt --ranks 1 --time 00:10:00 --dry-run

# A dry run: the script with absolute paths, the warning signal, the requeue, no files written.
"$nubayes" submit run.ini --ranks 3 --time 1-02:00:00 --partition short --account nu --dry-run > dry.txt
for want in "#SBATCH --ntasks=3" "#SBATCH --time=1-02:00:00" "#SBATCH --signal=B:USR1@300" "#SBATCH --requeue" \
  "#SBATCH --partition=short" "#SBATCH --account=nu" "#SBATCH --output=$work/nubayes-jobs/run-%j.out" \
  "nubayes=$nubayes" "args=($work/run.ini --set run.output=$work/eggbox.h5)" "scontrol requeue" \
  "sbatch --parsable $work/nubayes-jobs/run.sbatch"; do
  grep -qF -- "$want" dry.txt || fail "dry run lacks '$want': $(cat dry.txt)"
done
[ ! -e nubayes-jobs ] || fail "--dry-run wrote files"
# The script itself is valid bash.
sed -n '/^#!/,/^# ---- sbatch/p' dry.txt | sed '$d' > script.sh
bash -n script.sh || fail "the dry-run script is not valid bash"

# A grid: one array task per model x data set, and a compare job after the array succeeded.
cat > grid.txt << 'GRID'
# two models on two data sets
model two   model.ndim=2 prior.x1="uniform 0 1" 'prior.x2=uniform 0 1'
model three model.ndim=3
data narrow model.sigma=0.1
data wide   model.sigma=0.2   # a comment
GRID
cat > gauss.ini << 'INI'
[sampler]
nlive = 50
[model]
name = gauss
INI
"$nubayes" submit gauss.ini --grid grid.txt --ranks 1 --time 00:10:00 --dry-run > grid-dry.txt
for want in "#SBATCH --array=0-3" "3) name=three-wide" "--set model.ndim=2 --set 'prior.x1=uniform 0 1' --set 'prior.x2=uniform 0 1' --set model.sigma=0.1" "--set model.ndim=3 --set model.sigma=0.2 --set run.output=$work/nubayes-jobs/three-wide.h5" \
  "#SBATCH --job-name=grid-compare" "compare_group narrow two-narrow,three-narrow $work/nubayes-jobs/two-narrow.h5 $work/nubayes-jobs/three-narrow.h5" \
  "corner_plot three-wide $work/nubayes-jobs/three-wide.h5" "sbatch --parsable --dependency=afterok:ARRAY_JOB_ID $work/nubayes-jobs/grid-compare.sbatch"; do
  grep -qF -- "$want" grid-dry.txt || fail "grid dry run lacks '$want': $(cat grid-dry.txt)"
done
echo "PASS submit_cli"
