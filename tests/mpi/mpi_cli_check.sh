#!/usr/bin/env bash
# nubayes run under mpirun -n RANKS: identical output on rerun, the right evidence, a
# signal-triggered checkpoint (exit code 3) that resumes to the uninterrupted result, and a
# resume on another rank count. Usage: mpi_cli_check.sh NUBAYES RANKS
set -euo pipefail
nubayes=$1
ranks=$2
dir=$(mktemp -d /tmp/nubayes_mpi_cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
launch() { mpirun -n "$1" --oversubscribe "${@:2}"; }
# Starts a slow run in the background (mpirun itself, so signals reach it), waits for its first
# checkpoint, then sends SIGUSR1, which mpirun forwards to every rank.
interrupt() {
  local out=$1 config=${2:-$dir/run.ini} sleep_ms=${3:-10}
  mpirun -n "$ranks" --oversubscribe "$nubayes" run "$config" --quiet --set run.output="$out" \
    --set model.sleep_ms="$sleep_ms" > "$out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do [ -f "$out.ckpt" ] && break; sleep 0.1; done
  [ -f "$out.ckpt" ] || fail "no checkpoint appeared"
  kill -USR1 "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  [ "$code" = 3 ] || { cat "$out.log"; fail "expected exit code 3 after SIGUSR1, got $code"; }
}
fail() { echo "FAIL: $*"; exit 1; }
attr() { /usr/bin/python3 -c "import h5py,sys; print(repr(float(h5py.File(sys.argv[1],'r').attrs[sys.argv[2]][0])))" "$1" "$2"; }

cat > "$dir/run.ini" <<INI
[run]
seed = 4
checkpoint_every = 0.2
[sampler]
nlive = 200
[model]
name = gauss
ndim = 3
INI

launch "$ranks" "$nubayes" run "$dir/run.ini" --quiet --set run.output="$dir/a.h5" > "$dir/a.log"
launch "$ranks" "$nubayes" run "$dir/run.ini" --quiet --set run.output="$dir/b.h5" > "$dir/b.log"
[ "$(attr "$dir/a.h5" logz)" = "$(attr "$dir/b.h5" logz)" ] || fail "reruns differ"
[ "$(attr "$dir/a.h5" mpi_size)" = "$ranks.0" ] || fail "mpi_size attribute is not $ranks"
/usr/bin/python3 - "$dir/a.h5" <<'PY' || fail "evidence off"
import h5py, sys
a = h5py.File(sys.argv[1], "r").attrs
assert abs(a["logz"][0]) < 4 * a["logz_err"][0], (a["logz"][0], a["logz_err"][0])
PY

# A signal mid-run: checkpoint, exit code 3, then resume to the same bits.
interrupt "$dir/c.h5"
launch "$ranks" "$nubayes" run "$dir/run.ini" --quiet --resume --set run.output="$dir/c.h5" --set model.sleep_ms=10 > "$dir/c2.log"
[ "$(attr "$dir/c.h5" logz)" = "$(attr "$dir/b.h5" logz)" ] || fail "resumed run differs from the uninterrupted one"

# Resume on another rank count: allowed, statistically equivalent.
interrupt "$dir/d.h5"
launch 1 "$nubayes" run "$dir/run.ini" --quiet --resume --set run.output="$dir/d.h5" --set model.sleep_ms=10 > "$dir/d2.log"
/usr/bin/python3 - "$dir/d.h5" <<'PY' || fail "resume on one rank gave a wrong evidence"
import h5py, sys
a = h5py.File(sys.argv[1], "r").attrs
assert a["status"] == "complete"
assert abs(a["logz"][0]) < 4 * a["logz_err"][0], (a["logz"][0], a["logz_err"][0])
PY
# MCMC: the chains do not depend on the rank count (every random number is keyed by chain and
# step), so N ranks reproduce the serial chains bit for bit; a signal mid-run checkpoints, and
# the resumed run ends with the same chains.
same_chains() {
  /usr/bin/python3 - "$1" "$2" <<'PY' || fail "MCMC chains differ: $1 $2"
import h5py, sys, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
assert a.attrs["status"] == b.attrs["status"] == "complete"
for k in ("mcmc/samples", "mcmc/log_likelihood", "posterior/x1"):
    assert np.array_equal(a[k][()], b[k][()]), k
PY
}
cat > "$dir/mcmc.ini" <<INI
[run]
seed = 4
checkpoint_every = 0.2
[sampler]
kind = mcmc
algorithm = ensemble
burn = 100
max_steps = 300
[model]
name = gauss
ndim = 3
INI
"$nubayes" run "$dir/mcmc.ini" --quiet --set run.output="$dir/m1.h5" > "$dir/m1.log"
launch "$ranks" "$nubayes" run "$dir/mcmc.ini" --quiet --set run.output="$dir/mN.h5" > "$dir/mN.log"
same_chains "$dir/m1.h5" "$dir/mN.h5"
interrupt "$dir/mi.h5" "$dir/mcmc.ini" 1
launch "$ranks" "$nubayes" run "$dir/mcmc.ini" --quiet --resume --set run.output="$dir/mi.h5" --set model.sleep_ms=1 > "$dir/mi2.log"
same_chains "$dir/mi.h5" "$dir/m1.h5"
echo "1 passed, 0 failed"
