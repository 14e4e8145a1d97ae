#!/usr/bin/env bash
# The README's main job: which explanation of the MiniBooNE 2018 nu + nubar low-energy excess do
# the data prefer? Nested sampling of every model below on the same data (all cores, small nlive:
# a few minutes on 2 cores), then the Bayes-factor table, the evidence bars, a corner plot per
# model and the posterior-predictive spectra. Usage: bash jobs/main_job.sh [OUTDIR] [NLIVE]
# (defaults runs/main and 200). On a cluster, the same runs go through `nubayes submit --grid`
# (jobs/README.md). The dark-sector models build their Monte-Carlo templates on first use (about
# 3 minutes on 2 cores) and cache them in OUTDIR; NUBAYES_TEMPLATE_GRID=small makes that instant
# (for smoke tests only).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/main}
nlive=${2:-200}
ranks=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
nubayes=${NUBAYES:-build/nubayes} # the executable (tests point it at their build)
mkdir -p "$out"

# name, example config: no signal (the reference), then the explanations.
models=(
  "no-signal inputs/examples/null-miniboone-2018.ini"
  "3+1 inputs/examples/sterile3p1-miniboone-2018.ini"
)
for model in dark-zd heavy-zprime; do
  models+=("$model inputs/examples/$model-miniboone-2018.ini")
done

runs=()
labels=()
for entry in "${models[@]}"; do
  read -r name config <<< "$entry"
  file="$out/$name.h5"
  extra=()
  if grep -q "^template_grid" "$config"; then
    # Same data as the 3+1 runs (the official nu + nubar energy spectra), its own template cache.
    grid=${NUBAYES_TEMPLATE_GRID:-default}
    extra=(--set data.experiments=miniboone-combined-2018 --set model.template_grid="$grid"
           --set model.template_cache="$out/$name-templates-$grid.h5")
  fi
  echo "== $name: $config (nlive $nlive, $ranks ranks)"
  mpirun -n "$ranks" --oversubscribe "$nubayes" run "$config" --quiet --resume \
    --set run.output="$file" --set sampler.nlive="$nlive" "${extra[@]}" | grep -E "^(ln Z|best fit|wall time)"
  runs+=("$file")
  labels+=("$name")
done

echo
echo "== Bayes factors against no signal"
"$nubayes" compare "${runs[@]}" --reference "${runs[0]}" | tee "$out/compare.txt"
"$nubayes" compare "${runs[@]}" --reference "${runs[0]}" --markdown > "$out/compare.md"

label_list=$(IFS=,; echo "${labels[*]}")
/usr/bin/python3 postprocess/evidence_bars.py "${runs[@]}" --reference "${runs[0]}" --labels "$label_list" \
  --out "$out/evidence.png" > /dev/null
for i in "${!runs[@]}"; do
  if [ "$i" = 0 ]; then continue; fi # the no-signal model has no free parameter worth a corner plot
  /usr/bin/python3 postprocess/corner.py "${runs[$i]}" --out "$out/corner-${labels[$i]}.png" > /dev/null
done
/usr/bin/python3 postprocess/spectrum.py "${runs[@]:1}" --labels "$(IFS=,; echo "${labels[*]:1}")" \
  --nubayes "$nubayes" --out "$out/spectrum.png" > /dev/null
echo
echo "plots: $out/evidence.png, $out/corner-*.png, $out/spectrum.png"
