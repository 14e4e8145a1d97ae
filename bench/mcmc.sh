#!/usr/bin/env bash
# MCMC benchmark: nubayes' samplers (effective samples per call and per second) and emcee on
# the same problems. Not part of CI. Usage: bash bench/mcmc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench/mcmc_speed ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2 --target mcmc_speed; }
build/bench/mcmc_speed
/usr/bin/python3 bench/emcee_reference.py
