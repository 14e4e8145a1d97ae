#!/usr/bin/env bash
# The appearance-disappearance tension of 3+1 (issue 7, after Dentler et al. 2018):
#  1. nested sampling of 3+1 on the appearance data, on all disappearance data (nue + numu), and
#     on everything, and of the no-oscillation model (zero mixing) on each;
#  2. the parameter goodness-of-fit test (nubayes pg) of appearance against disappearance;
#  3. Bayes factors of 3+1 against no oscillation per data set (nubayes compare);
#  4. the allowed regions of appearance and disappearance in the (sin^2 2theta_mue, dm2_41) plane.
# Usage: bash jobs/tension/run.sh [OUTDIR] [NLIVE]   (defaults runs/tension, 500; ~10 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/tension}
nlive=${2:-500}
ranks=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
nubayes=${NUBAYES:-build/nubayes} # the executable (tests point it at their build)
mkdir -p "$out"
config=jobs/tension/sterile3p1.ini

run() { # name, data-set group, extra --set options...
  local name=$1 group=$2
  shift 2
  echo "== $name ($group)"
  mpirun -n "$ranks" --oversubscribe "$nubayes" run "$config" --quiet --resume --set run.output="$out/$name.h5" \
    --set sampler.nlive="$nlive" --set data.experiments="$group" "$@" | grep -E "^(ln Z|best fit|wall time)"
}
for group in appearance disappearance all; do
  run "$group" "$group"
  run "null-$group" "$group" --set prior.Ue4_sq="fixed 0" --set prior.Umu4_sq="fixed 0"
done

echo
echo "== parameter goodness of fit: appearance vs disappearance"
"$nubayes" pg --a "$out/appearance.h5" --b "$out/disappearance.h5" --ab "$out/all.h5" | tee "$out/pg.txt"
for group in appearance disappearance all; do
  echo
  echo "== 3+1 against no oscillation on $group"
  "$nubayes" compare "$out/$group.h5" "$out/null-$group.h5" --reference "$out/null-$group.h5" | tee "$out/compare-$group.txt"
done
/usr/bin/python3 postprocess/sterile_region.py "$out/appearance.h5" "$out/disappearance.h5" "$out/all.h5" \
  --labels "appearance,disappearance (nue + numu),all" --out "$out/region.png"
