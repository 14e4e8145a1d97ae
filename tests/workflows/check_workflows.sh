#!/usr/bin/env bash
# Runs a README workflow with small settings and checks what it must produce.
# Usage: check_workflows.sh main|tension NUBAYES
set -euo pipefail
which=$1
export NUBAYES=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/nubayes_workflow.XXXXXX)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
png_ok() { /usr/bin/python3 -c "import sys; d=open(sys.argv[1],'rb').read(); sys.exit(0 if d[:8]==b'\x89PNG\r\n\x1a\n' and len(d)>20000 else 1)" "$1" || fail "$1 is not a sane PNG"; }
case "$which" in
  main)
    NUBAYES_TEMPLATE_GRID=small bash "$repo/jobs/main_job.sh" "$out" 60 > "$out/log.txt" 2>&1 || { cat "$out/log.txt"; fail "main job"; }
    h="$out/headline.txt"
    # With MicroBooNE first, then all data, then MiniBooNE alone; every model in each, with its prior.
    first=$(grep -n "^== All data + MicroBooNE" "$h" | cut -d: -f1)
    second=$(grep -n "^== All data: " "$h" | cut -d: -f1)
    third=$(grep -n "^== MiniBooNE 2018" "$h" | cut -d: -f1)
    [ -n "$first" ] && [ -n "$second" ] && [ -n "$third" ] && [ "$first" -lt "$second" ] &&
      [ "$second" -lt "$third" ] || fail "tables missing or out of order"
    for model in "3+1" "dark Z_D" "heavy Z'"; do
      [ "$(grep -c "^$model  *-[0-9.]*  *[0-9.-]* ± " "$h")" = 3 ] || fail "no ln B row for $model in every table"
      [ "$(grep -c "^  $model: " "$h")" = 3 ] || fail "no prior line for $model in every table"
    done
    grep -q "^3+1 .* / 2 dof, " "$h" || fail "no PG result for 3+1"
    [ "$(grep -c "not testable (rest blind" "$h")" = 2 ] || fail "no PG statement for the dark models"
    grep -q "cap0.01: ln B = " "$h" || fail "no prior-sensitivity line"
    grep -q "^| 3+1 |" "$out/headline.md" || fail "no markdown table"
    for f in evidence-uboone.png evidence-all.png evidence-miniboone.png spectrum.png corner-3+1.png corner-dark-zd.png \
      region-3+1.png; do png_ok "$out/$f"; done
    ;;
  tension)
    bash "$repo/jobs/tension/run.sh" "$out" 60 > "$out/log.txt" 2>&1 || { cat "$out/log.txt"; fail "tension workflow"; }
    grep -q "^chi2_PG = " "$out/pg.txt" || fail "no chi2_PG in pg.txt"
    for g in appearance disappearance all; do grep -q "null-$g.h5" "$out/compare-$g.txt" || fail "compare-$g.txt"; done
    png_ok "$out/region.png"
    ;;
  *) fail "unknown workflow $which" ;;
esac
echo "1 passed, 0 failed"
