#!/usr/bin/env bash
# MCMC benchmark (not part of CI): nubayes' samplers (effective samples per call and per second)
# against emcee on the same problems, then tempered runs over the evidence suite and the MPI
# speed-up of every algorithm. Usage: bash bench/mcmc.sh [--skip-suite] [--skip-mpi]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench/mcmc_speed ] && [ -x build/nubayes ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2; }
build/bench/mcmc_speed
/usr/bin/python3 bench/emcee_reference.py
/usr/bin/python3 bench/mcmc_runs.py --nubayes build/nubayes "$@"
