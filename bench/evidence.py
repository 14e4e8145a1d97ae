#!/usr/bin/python3
"""Evidence benchmark: the suite the established samplers were measured on.

Runs each problem with nlive = 500 over 10 seeds (two runs at a time on 2 cores), then the MPI
scaling table. Prints markdown tables for the README. Usage:
    /usr/bin/python3 bench/evidence.py [--nubayes build/nubayes] [--seeds 10] [--skip-mpi]
"""
import argparse
import concurrent.futures
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py

# name, [model] settings, truth (analytic or quadrature), MultiNest 3.10 calls (efr 0.3),
# PolyChordLite calls (num_repeats = 5d), as measured on this machine and quoted in the issue.
PROBLEMS = [
    ("gauss-2d", {"name": "gauss", "ndim": "2"}, 0.0, 6100, None),
    ("gauss-10d", {"name": "gauss", "ndim": "10"}, 0.0, 22800, 2.27e6),
    ("gauss-30d", {"name": "gauss", "ndim": "30"}, 0.0, None, 14.35e6),
    ("corr-gauss-10d", {"name": "corr-gauss", "ndim": "10"}, -10 * math.log(2), 90000, 5.37e6),
    ("shells-2d", {"name": "shells"}, math.log(8 * math.pi / 144), 6700, None),
    ("eggbox-2d", {"name": "eggbox"}, 235.855940, 13400, None),
    ("rosenbrock-2d", {"name": "rosenbrock"}, -5.804132, 10900, None),
]


def run(nubayes, workdir, tag, model, seed, nlive=500, ranks=1, extra=(), sections=None):
    """One nested run; `sections` adds further ini sections ({"data": {...}, "prior": {...}})."""
    out = os.path.join(workdir, f"{tag}-{seed}-{ranks}.h5")
    ini = os.path.join(workdir, f"{tag}-{seed}-{ranks}.ini")
    with open(ini, "w") as f:
        f.write(f"[run]\noutput = {out}\nseed = {seed}\n[sampler]\nnlive = {nlive}\n[model]\n")
        f.write("".join(f"{k} = {v}\n" for k, v in model.items()))
        for name, keys in (sections or {}).items():
            f.write(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items()))
    cmd = [nubayes, "run", ini, "--quiet", *extra]
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks), "--oversubscribe", *cmd]
    # The run's own wall time: sampling and output, without the MPI launcher's start-up.
    printed = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = float(re.search(r"wall time:\s+([0-9.]+) s", printed).group(1))
    with h5py.File(out, "r") as f:
        a = f.attrs
        result = dict(logz=float(a["logz"][0]), err=float(a["logz_err"][0]), nlike=int(a["nlike"][0]), wall=wall)
    os.remove(out)
    return result


def mean(xs):
    return sum(xs) / len(xs)


def evidence_table(nubayes, workdir, seeds):
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for tag, model, truth, multinest, polychord in PROBLEMS:
            runs = list(pool.map(lambda s: run(nubayes, workdir, tag, model, s), range(1, seeds + 1)))
            z = [r["logz"] for r in runs]
            m = mean(z)
            scatter = math.sqrt(sum((x - m) ** 2 for x in z) / (len(z) - 1))
            sem = scatter / math.sqrt(len(z))
            err = mean([r["err"] for r in runs])
            calls = mean([r["nlike"] for r in runs])
            pull = mean([(r["logz"] - truth) / r["err"] for r in runs])
            ok_bias = abs(m - truth) < 3 * sem
            ok_err = 1 / 1.5 <= err / scatter <= 1.5
            if multinest:
                ok_calls = calls <= 1.5 * multinest
            else:
                ok_calls = calls <= 0.5 * polychord
            rows.append((tag, truth, m, err, scatter, (m - truth) / sem, pull, calls, multinest, polychord,
                         mean([r["wall"] for r in runs]), ok_bias and ok_err and ok_calls))
            print(f"  {tag}: done", file=sys.stderr, flush=True)
    print(f"| problem | truth | mean lnZ | mean reported error | scatter over {seeds} seeds | "
          "bias / SEM | mean pull | likelihood calls | bar (calls) | wall time [s] | bars met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for tag, truth, m, err, scatter, bias, pull, calls, mn, pc, wall, ok in rows:
        bar = f"<= {1.5 * mn / 1e3:.1f}k (1.5 x MultiNest)" if mn else f"<= {0.5 * pc / 1e6:.2f}M (0.5 x PolyChord)"
        print(f"| {tag} | {truth:.4f} | {m:.4f} | {err:.3f} | {scatter:.3f} | {bias:+.2f} | {pull:+.2f} | "
              f"{calls / 1e3:.1f}k | {bar} | {wall:.2f} | {'yes' if ok else 'NO'} |")


def mpi_table(nubayes, workdir, rank_counts=(1, 2, 4, 8)):
    print("\n| likelihood | ranks | likelihood calls | wall time [s] | speed-up |")
    print("|---|---|---|---|---|")
    model = {"name": "gauss", "ndim": "4", "sleep_ms": "10"}
    base = None
    for ranks in rank_counts:
        r = run(nubayes, workdir, "mpi10ms", model, 1, nlive=200, ranks=ranks)
        base = base or r["wall"]
        print(f"| 10 ms (sleep), gauss-4d, nlive 200 | {ranks} | {r['nlike']} | {r['wall']:.2f} | {base / r['wall']:.2f} |",
              flush=True)
    model = {"name": "gauss", "ndim": "4", "burn_ms": "0.001"}
    base = None
    for ranks in (1, 2):
        r = run(nubayes, workdir, "mpi1us", model, 1, nlive=500, ranks=ranks)
        base = base or r["wall"]
        print(f"| 1 us (burn), gauss-4d, nlive 500 | {ranks} | {r['nlike']} | {r['wall']:.2f} | {base / r['wall']:.2f} |",
              flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nubayes", default="build/nubayes")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--skip-mpi", action="store_true")
    p.add_argument("--skip-evidence", action="store_true")
    args = p.parse_args()
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    nubayes = os.path.abspath(args.nubayes)
    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_evidence:
            evidence_table(nubayes, workdir, args.seeds)
        if not args.skip_mpi:
            mpi_table(nubayes, workdir)


if __name__ == "__main__":
    main()
