#!/usr/bin/python3
"""MPI scaling of nubayes over a list of rank counts (not part of CI; meant for a many-core node).

Parts (choose with --parts):
  sleep      nested sampling and the three MCMC algorithms with a 10 ms sleeping likelihood
             (the tables of bench/evidence.py and bench/mcmc_runs.py);
  global     nested sampling of 3+1 on every experiment (`experiments = all`, a real CPU-bound
             likelihood of about 1 ms): the sampler and the likelihood farm together;
  templates  building the default dark-sector template caches (Monte Carlo spread over the ranks,
             build/bench/dark_speed).

Every rank count runs the same work (same seed and settings); the speed-up is the 1-rank wall
time over the N-rank one. Ranks should not exceed the cores for the CPU-bound parts.
Usage:
    /usr/bin/python3 bench/mpi_scaling.py [--ranks 1,2,4,8,16] [--parts sleep,global,templates]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evidence  # noqa: E402
import mcmc_runs  # noqa: E402


# 3+1 on every experiment, the priors of inputs/examples/sterile3p1-all.ini
GLOBAL = {"data": {"experiments": "all"},
          "prior": {"dm2_41": "log-uniform 0.01 100", "Ue4_sq": "log-uniform 1e-4 0.5",
                    "Umu4_sq": "log-uniform 1e-4 0.5"}}


def global_table(nubayes, workdir, rank_counts, nlive):
    print(f"\n| 3+1, all 14 experiments, nlive {nlive} | ranks | likelihood calls | ln Z | wall time [s] | speed-up |")
    print("|---|---|---|---|---|---|")
    base = None
    for ranks in rank_counts:
        r = evidence.run(nubayes, workdir, "global", {"name": "sterile3p1"}, 1, nlive=nlive, ranks=ranks,
                         sections=GLOBAL)
        base = base or r["wall"]
        print(f"| | {ranks} | {r['nlike']} | {r['logz']:.3f} | {r['wall']:.2f} | {base / r['wall']:.2f} |", flush=True)


def templates_table(bench_dir, workdir, rank_counts):
    print("\n| default template cache build | ranks | dark-zd [s] | heavy-zprime [s] | speed-up (sum) |")
    print("|---|---|---|---|---|")
    base = None
    for ranks in rank_counts:
        cache = os.path.join(workdir, f"cache-{ranks}")
        os.makedirs(cache)
        launcher = ["mpirun", "-n", str(ranks), "--oversubscribe"] if ranks > 1 else []
        printed = subprocess.run([*launcher, os.path.join(bench_dir, "dark_speed"), cache, "1000"],
                                 check=True, stdout=subprocess.PIPE, text=True).stdout
        seconds = [float(s) for s in re.findall(r"setup \(build or load of the cache\) ([0-9.]+) s", printed)]
        total = sum(seconds)
        base = base or total
        print(f"| | {ranks} | {seconds[0]:.1f} | {seconds[1]:.1f} | {base / total:.2f} |", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nubayes", default="build/nubayes")
    p.add_argument("--bench-dir", default="build/bench")
    p.add_argument("--ranks", default="1,2,4,8,16")
    p.add_argument("--parts", default="sleep,global,templates")
    p.add_argument("--global-nlive", type=int, default=400)
    args = p.parse_args()
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    rank_counts = [int(r) for r in args.ranks.split(",")]
    parts = set(args.parts.split(","))
    nubayes = os.path.abspath(args.nubayes)
    with tempfile.TemporaryDirectory() as workdir:
        if "sleep" in parts:
            evidence.mpi_table(nubayes, workdir, rank_counts)
            mcmc_runs.mpi_table(nubayes, workdir, rank_counts)
        if "global" in parts:
            global_table(nubayes, workdir, rank_counts, args.global_nlive)
        if "templates" in parts:
            templates_table(os.path.abspath(args.bench_dir), workdir, rank_counts)


if __name__ == "__main__":
    main()
