#!/usr/bin/env bash
# One-command set-up on a fresh Debian 12 machine, as root.
#   bash setup.sh run    install the dependencies, build, and run the main job (the model comparison)
#   bash setup.sh test   install the dependencies, build, and run the whole test suite, including
#                        the SLURM tests on a local one-node cluster (jobs/local-slurm/)
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-run}

packages=(cmake g++ make git libopenmpi-dev openmpi-bin libeigen3-dev libgsl-dev libhdf5-dev hdf5-tools
          libboost-program-options-dev libssl-dev libgtest-dev python3-numpy python3-scipy python3-matplotlib
          python3-h5py python3-xarray python3-h5netcdf python3-emcee)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" > /dev/null
fi

# Open MPI refuses to run as root unless told that this is intended.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

cmake_options=(-DCMAKE_BUILD_TYPE=Release)
if [ "$mode" = test ]; then
  # The `nubayes submit` tests run real jobs on a one-node SLURM on this machine (no systemd
  # needed): install it here, bring it up just before the tests.
  slurm_packages=(slurm-wlm munge libpmix-dev)
  missing=()
  for p in "${slurm_packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  fi
  cmake_options+=(-DNUBAYES_SLURM_TESTS=ON)
fi

cmake -S . -B build "${cmake_options[@]}" > /dev/null
cmake --build build -j"$(nproc)"

case "$mode" in
  run)
    # The main job: the model comparison on MiniBooNE 2018 nu + nubar (jobs/main_job.sh).
    bash jobs/main_job.sh runs/main
    ;;
  test)
    bash jobs/local-slurm/up.sh
    # However the tests end; `|| true` so a teardown hiccup never changes the suite's verdict.
    trap 'bash jobs/local-slurm/down.sh || true' EXIT
    ctest --test-dir build -j"$(nproc)" --output-on-failure --timeout 1200
    ;;
  *)
    echo "usage: bash setup.sh run|test" >&2
    exit 2
    ;;
esac
