#!/usr/bin/env bash
# Evidence and MPI-scaling benchmark (about 10 minutes on 2 cores). Not part of CI.
# Usage: bash bench/evidence.sh [--seeds N] [--skip-mpi]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/nubayes ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2; }
exec /usr/bin/python3 bench/evidence.py --nubayes build/nubayes "$@"
