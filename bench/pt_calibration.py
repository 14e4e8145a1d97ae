#!/usr/bin/python3
"""Calibration of the parallel-tempering evidence error through `nubayes run` (not part of CI).

For each problem, runs the tempered MCMC (burn 3000, 6000 recorded steps, default ladder,
8 ladders) over N seeds and compares the scatter of ln Z with the mean reported error, for
thermodynamic integration and stepping stones. The README's calibration numbers come from
    /usr/bin/python3 bench/pt_calibration.py --seeds 30          (corr-gauss: --seeds 20)
Usage: /usr/bin/python3 bench/pt_calibration.py [--nubayes build/nubayes] [--seeds N] [--problems a,b]
"""
import argparse
import math
import os
import subprocess
import tempfile

import h5py
import numpy as np

PROBLEMS = {
    "gauss-10d": ({"name": "gauss", "ndim": "10"}, 0.0),
    "shells": ({"name": "shells"}, math.log(8 * math.pi / 144)),
    "corr-gauss-10d": ({"name": "corr-gauss", "ndim": "10"}, -10 * math.log(2)),
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nubayes", default="build/nubayes")
    p.add_argument("--seeds", type=int, default=30)
    p.add_argument("--problems", default=",".join(PROBLEMS))
    args = p.parse_args()
    nubayes = os.path.abspath(args.nubayes)
    print("| problem | seeds | TI bias | TI scatter | TI mean error | TI rms pull | SS scatter | SS mean error | SS rms pull |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name in args.problems.split(","):
            model, truth = PROBLEMS[name]
            ti, ti_err, ss, ss_err = [], [], [], []
            for seed in range(1, args.seeds + 1):
                out = os.path.join(work, "run.h5")
                ini = os.path.join(work, "run.ini")
                with open(ini, "w") as f:
                    f.write(f"[run]\noutput = {out}\nseed = {seed}\n[sampler]\nkind = mcmc\nalgorithm = tempered\n"
                            "burn = 3000\nmax_steps = 6000\ness = 1e9\n[model]\n")
                    f.write("".join(f"{k} = {v}\n" for k, v in model.items()))
                subprocess.run([nubayes, "run", ini, "--quiet"], check=True, stdout=subprocess.DEVNULL)
                with h5py.File(out, "r") as h:
                    a = h.attrs
                    ti.append(a["logz"][0]), ti_err.append(a["logz_err"][0])
                    ss.append(a["logz_ss"][0]), ss_err.append(a["logz_ss_err"][0])
            ti, ti_err, ss, ss_err = map(np.array, (ti, ti_err, ss, ss_err))
            print(f"| {name} | {args.seeds} | {ti.mean() - truth:+.4f} | {ti.std(ddof=1):.3f} | {ti_err.mean():.3f} "
                  f"| {np.sqrt(np.mean(((ti - truth) / ti_err) ** 2)):.2f} | {ss.std(ddof=1):.3f} | {ss_err.mean():.3f} "
                  f"| {np.sqrt(np.mean(((ss - truth) / ss_err) ** 2)):.2f} |", flush=True)


if __name__ == "__main__":
    main()
