#!/usr/bin/env bash
# The README's main job: which explanation of the short-baseline anomalies do the data prefer —
# 3+1 oscillations, a dark neutrino with a light Z_D, or a heavy sterile neutrino decaying through
# a Z' — and by how much? Every model on the same data (docs/models_on_experiments.md):
#   miniboone  MiniBooNE 2018 nu + nubar alone (the excess),
#   all        every experiment (appearance + nue and numu disappearance),
#   rest       all but MiniBooNE (for the PG test of MiniBooNE against the rest),
#   uboone     all + MicroBooNE's inclusive nu_e search (in no group yet: docs/microboone.md; the
#              dark models' e+e- pairs cannot enter it from public information).
# Per data set: nested sampling of no signal, 3+1, dark Z_D and heavy Z'; ln Z, ln B and model
# probabilities; each ln B with its prior and the range it spans under the alternative priors of
# jobs/main_priors.txt (nubayes reweight; a fresh run where the reweighting is refused); per model
# the PG test of MiniBooNE against the rest. Plots: evidences for both data sets, corner plots,
# posterior-predictive spectra, the 3+1 region on all data beside MiniBooNE alone.
# Usage: bash jobs/main_job.sh [OUTDIR] [NLIVE]   (defaults runs/main, 400; about 2 min on 2 cores
# once the dark-sector templates are cached in OUTDIR, plus 2-5 min to build them the first time;
# NUBAYES_TEMPLATE_GRID=small makes that instant, for smoke tests only).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/main}
nlive=${2:-400}
ranks=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
nubayes=${NUBAYES:-build/nubayes} # the executable (tests point it at their build)
grid=${NUBAYES_TEMPLATE_GRID:-default}
mkdir -p "$out"

declare -A data=([miniboone]=miniboone-combined-2018 [all]=all [rest]="lsnd,disappearance"
  [uboone]="all,microboone-inclusive")
# name, example config (its [prior] is the headline prior)
models=(
  "no-signal inputs/examples/null-miniboone-2018.ini"
  "3+1 inputs/examples/sterile3p1-miniboone-2018.ini"
  "dark-zd inputs/examples/dark-zd-miniboone-2018.ini"
  "heavy-zprime inputs/examples/heavy-zprime-miniboone-2018.ini"
)

run_model() { # data-set name, model name, config, extra --set options...
  local set=$1 name=$2 config=$3
  shift 3
  local extra=()
  if grep -q "^template_grid" "$config"; then # the dark models: one template cache per model
    extra=(--set model.template_grid="$grid" --set model.template_cache="$out/$name-templates-$grid.h5")
  fi
  mpirun -n "$ranks" --oversubscribe "$nubayes" run "$config" --quiet --resume \
    --set sampler.nlive="$nlive" --set data.experiments="${data[$set]}" "${extra[@]}" "$@" < /dev/null |
    grep -E "^ln Z" | sed "s/^/  $set $name: /"
}

for set in miniboone all rest uboone; do
  mkdir -p "$out/$set"
  echo "== $set: ${data[$set]} (nlive $nlive, $ranks ranks)"
  for entry in "${models[@]}"; do
    read -r name config <<< "$entry"
    # No signal has no free parameter: its PG test is empty, so it is not run on `rest`.
    if [ "$set" = rest ] && [ "$name" = no-signal ]; then continue; fi
    run_model "$set" "$name" "$config" --set run.output="$out/$set/$name.h5"
  done
done

# Prior sensitivity: each alternative prior by reweighting the headline run; where the reweighting
# is refused (too few samples inside the new prior), by a fresh run under that prior.
while read -r name label priors; do
  [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
  config=$(printf '%s\n' "${models[@]}" | awk -v n="$name" '$1 == n {print $2}')
  IFS=';' read -ra lines <<< "$priors"
  for set in miniboone all uboone; do
    args=()
    for line in "${lines[@]}"; do args+=(--prior "$line"); done
    target="$out/$set/$name.prior-$label.json"
    if "$nubayes" reweight "$out/$set/$name.h5" "${args[@]}" --json > "$target" 2> "$target.err" < /dev/null; then
      rm -f "$target.err"
    elif grep -q "effective sample size" "$target.err"; then
      # Too few samples inside the new prior: only a fresh run can say what it gives.
      echo "  $set $name prior $label: reweighting refused ($(cat "$target.err")); fresh run"
      sets=()
      for line in "${lines[@]}"; do
        key=${line%%=*} value=${line#*=}
        key=${key//[[:space:]]/}
        value=${value#"${value%%[![:space:]]*}"}
        sets+=(--set "prior.$key=$value")
      done
      run_model "$set" "$name" "$config" --set run.output="$out/$set/$name.prior-$label.h5" "${sets[@]}"
      "$nubayes" compare "$out/$set/$name.prior-$label.h5" --json > "$target"
      rm -f "$target.err"
    else
      cat "$target.err" >&2
      rm -f "$target"
      exit 2
    fi
  done
done < jobs/main_priors.txt

labels="no signal,3+1,dark Z_D,heavy Z'"
for set in miniboone all uboone; do
  runs=()
  for entry in "${models[@]}"; do read -r name _ <<< "$entry"; runs+=("$out/$set/$name.h5"); done
  "$nubayes" compare "${runs[@]}" --reference "${runs[0]}" --json > "$out/compare-$set.json"
  "$nubayes" compare "${runs[@]}" --reference "${runs[0]}" > "$out/compare-$set.txt"
  /usr/bin/python3 postprocess/evidence_bars.py "${runs[@]}" --reference "${runs[0]}" --labels "$labels" \
    --out "$out/evidence-$set.png" > /dev/null
done
for name in 3+1 dark-zd heavy-zprime; do
  # Degrees of freedom (Maltoni & Schwetz): P_MiniBooNE + P_rest - P_all. 3+1: MiniBooNE
  # constrains (dm2_41, sin^2 2theta_mue), the rest and all data three: 2 + 3 - 3 = 2. The dark
  # models: the rest is blind to them (a rate factor of 1 - 2|U_mu4|^2), so chi2_PG = 0 by
  # construction; it is computed with 1 dof and reported as "not testable" (headline.py).
  dof=1
  if [ "$name" = 3+1 ]; then dof=2; fi
  "$nubayes" pg --a "$out/miniboone/$name.h5" --b "$out/rest/$name.h5" --ab "$out/all/$name.h5" \
    --dof "$dof" --json > "$out/pg-$name.json"
done

echo
/usr/bin/python3 postprocess/headline.py "$out" --priors jobs/main_priors.txt --markdown "$out/headline.md" |
  tee "$out/headline.txt"

for name in 3+1 dark-zd heavy-zprime; do
  /usr/bin/python3 postprocess/corner.py "$out/all/$name.h5" --out "$out/corner-$name.png" > /dev/null
done
/usr/bin/python3 postprocess/spectrum.py "$out/all/3+1.h5" "$out/all/dark-zd.h5" "$out/all/heavy-zprime.h5" \
  --labels "3+1,dark Z_D,heavy Z'" --nubayes "$nubayes" --out "$out/spectrum.png" > /dev/null
/usr/bin/python3 postprocess/sterile_region.py "$out/miniboone/3+1.h5" "$out/all/3+1.h5" \
  --labels "MiniBooNE 2018 alone,all data" --microboone --out "$out/region-3+1.png" > /dev/null
echo
echo "plots: $out/evidence-{uboone,all,miniboone}.png, $out/corner-*.png, $out/spectrum.png, $out/region-3+1.png"
