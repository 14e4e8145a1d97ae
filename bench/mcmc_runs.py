#!/usr/bin/python3
"""MCMC runs through the nubayes executable (not part of CI):

1. parallel tempering over the evidence suite: ln Z by thermodynamic integration and by
   stepping stones against the truth and against nested sampling (nlive 500), with the
   likelihood calls of each;
2. the wall-clock speed-up of every algorithm at 1, 2, 4 and 8 ranks with a 10 ms likelihood
   (a fixed number of steps, so every rank count does the same work).

Prints markdown tables for the README. Usage:
    /usr/bin/python3 bench/mcmc_runs.py [--nubayes build/nubayes] [--seeds 1] [--skip-suite] [--skip-mpi]
"""
import argparse
import math
import os
import re
import subprocess
import tempfile

import h5py

from evidence import PROBLEMS

# Fixed-length tempered runs (ess = 1e9 disables the convergence stop): burn-in adapts the
# ladder, the recorded steps give the thermodynamic integral.
TEMPERED = {"kind": "mcmc", "algorithm": "tempered", "burn": "3000", "max_steps": "6000", "ess": "1e9"}


def run(nubayes, workdir, tag, model, sampler, seed=1, ranks=1):
    out = os.path.join(workdir, f"{tag}-{seed}-{ranks}.h5")
    ini = os.path.join(workdir, f"{tag}-{seed}-{ranks}.ini")
    with open(ini, "w") as f:
        f.write(f"[run]\noutput = {out}\nseed = {seed}\n[sampler]\n")
        f.write("".join(f"{k} = {v}\n" for k, v in sampler.items()))
        f.write("[model]\n" + "".join(f"{k} = {v}\n" for k, v in model.items()))
    cmd = [nubayes, "run", ini, "--quiet"]
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks), "--oversubscribe", *cmd]
    printed = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = float(re.search(r"wall time:\s+([0-9.]+) s", printed).group(1))
    with h5py.File(out, "r") as f:
        a = f.attrs
        get = lambda k: float(a[k][0]) if k in a else float("nan")  # noqa: E731
        result = dict(logz=get("logz"), err=get("logz_err"), ss=get("logz_ss"), ss_err=get("logz_ss_err"),
                      nlike=int(a["nlike"][0]), wall=wall)
    os.remove(out)
    return result


def suite_table(nubayes, workdir, seeds):
    print("| problem | truth | nested ln Z (calls) | TI ln Z (calls) | TI - truth | TI - NS | stepping stones |")
    print("|---|---|---|---|---|---|---|")
    for name, model, truth, _, _ in PROBLEMS:
        for seed in range(1, seeds + 1):
            ns = run(nubayes, workdir, name + "-ns", model, {"nlive": "500"}, seed)
            ti = run(nubayes, workdir, name + "-ti", model, TEMPERED, seed)
            z_truth = (ti["logz"] - truth) / ti["err"]
            z_ns = (ti["logz"] - ns["logz"]) / math.hypot(ti["err"], ns["err"])
            print(f"| {name} | {truth:.3f} | {ns['logz']:.3f} ± {ns['err']:.3f} ({ns['nlike'] / 1e3:.0f}k) "
                  f"| {ti['logz']:.3f} ± {ti['err']:.3f} ({ti['nlike'] / 1e6:.2f}M) | {z_truth:+.1f} σ | {z_ns:+.1f} σ "
                  f"| {ti['ss']:.3f} ± {ti['ss_err']:.3f} |", flush=True)


def mpi_table(nubayes, workdir, rank_counts=(1, 2, 4, 8)):
    model = {"name": "gauss", "ndim": "4", "sleep_ms": "10"}
    settings = [
        ("adaptive-metropolis, 32 chains", {"kind": "mcmc", "algorithm": "adaptive-metropolis", "nchains": "32",
                                            "burn": "10", "max_steps": "40", "ess": "1e9"}),
        ("ensemble, 32 walkers", {"kind": "mcmc", "algorithm": "ensemble", "nwalkers": "32", "burn": "10",
                                  "max_steps": "20", "ess": "1e9"}),
        ("tempered, 8 ladders x 15 rungs", {"kind": "mcmc", "algorithm": "tempered", "burn": "10", "max_steps": "20",
                                            "ess": "1e9"}),
    ]
    print("\n| algorithm (10 ms likelihood, gauss-4d) | ranks | likelihood calls | wall time [s] | speed-up |")
    print("|---|---|---|---|---|")
    for label, sampler in settings:
        base = None
        for ranks in rank_counts:
            r = run(nubayes, workdir, "mpi", model, sampler, 1, ranks)
            base = base or r["wall"]
            print(f"| {label} | {ranks} | {r['nlike']} | {r['wall']:.2f} | {base / r['wall']:.2f} |", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nubayes", default="build/nubayes")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--skip-suite", action="store_true")
    p.add_argument("--skip-mpi", action="store_true")
    args = p.parse_args()
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    nubayes = os.path.abspath(args.nubayes)
    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_suite:
            suite_table(nubayes, workdir, args.seeds)
        if not args.skip_mpi:
            mpi_table(nubayes, workdir)


if __name__ == "__main__":
    main()
