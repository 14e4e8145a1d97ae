#!/usr/bin/env bash
# nubayes submit --grid: a job array over 2 models x 2 data sets and a compare job that starts
# only after every array task succeeded (afterok), writes the evidence tables and draws the
# evidence bars and corner plots. One task is warned (USR1) mid-run and requeues itself: the
# compare job waits for its second, final run. Usage: grid.sh NUBAYES
source "$(dirname "$0")/lib.sh" "$1" grid

cat > grid.txt << 'GRID'
# gauss in 2 and 3 dimensions, each with two widths
model two   model.ndim=2
model three model.ndim=3 model.sleep_ms=10
data narrow model.sigma=0.1
data wide   model.sigma=0.2
GRID
ids=$(submit gauss.ini --grid grid.txt --ranks 1 --time 00:05:00 --set sampler.nlive=100)
read -r array compare <<< "$(echo $ids)"
[ -n "$compare" ] || fail "expected two job ids (array, compare), got '$ids'"
field "$compare" Dependency | grep -q "afterok:${array}_\*" || fail "compare job $compare does not depend on array $array: $(field "$compare" Dependency)"
# Task 2 is three-narrow (models outer, data sets inner), about 10 s long.
wait_file nubayes-jobs/three-narrow.h5.ckpt 120
scancel --signal=USR1 --batch "${array}_2"
wait_gone "$array" 180
wait_gone "$compare" 120

for task in 0 1 2 3; do
  [ "$(field "${array}_$task" JobState)" = COMPLETED ] || fail "array task ${array}_$task: $(field "${array}_$task" JobState)"
done
expect_state "$compare" COMPLETED
[ "$(field "${array}_2" Restarts)" = 1 ] || fail "task ${array}_2 did not requeue itself: $(cat nubayes-jobs/grid-"${array}"_2.out)"
# afterok: the compare job started no earlier than the last task ended.
last_end=$(for task in 0 1 2 3; do field "${array}_$task" EndTime; done | sort | tail -n1)
compare_start=$(field "$compare" StartTime)
[[ ! "$compare_start" < "$last_end" ]] || fail "compare job started at $compare_start, before the array ended at $last_end"

cd nubayes-jobs
for run in two-narrow two-wide three-narrow three-wide; do
  /usr/bin/python3 -c "import h5py,sys; assert h5py.File(sys.argv[1],'r').attrs['status'] == 'complete'" "$run.h5" ||
    fail "$run.h5 is not a complete run"
  [ "$(head -c 4 "corner-$run.png" | tail -c 3)" = PNG ] || fail "corner-$run.png is not a PNG"
done
for data in narrow wide; do
  [ "$(head -c 4 "evidence-$data.png" | tail -c 3)" = PNG ] || fail "evidence-$data.png is not a PNG"
  [ "$(grep -c "$data.h5" "compare-$data.csv")" = 2 ] || fail "compare-$data.csv does not list both models: $(cat "compare-$data.csv")"
  grep -qx "== $data ==" compare.txt || fail "compare.txt has no $data section: $(cat compare.txt)"
done
echo "PASS grid (array job $array, compare job $compare)"
