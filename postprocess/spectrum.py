#!/usr/bin/python3
"""Posterior-predictive spectra of nubayes runs: data, background and the model's band.

    spectrum.py RUN.h5 [RUN.h5 ...] --out spectrum.png [--labels A,B] [--draws 200]
                [--nubayes build/nubayes] [--per-bin]

For each run, `nubayes predict` evaluates the model's observables (e.g. the MiniBooNE
E_nu^QE spectra of the nu and nubar modes) at the best fit and at equal-weight posterior draws.
One panel per observable, like the experiments' own figures: the data (points, sqrt(N) errors),
the expected background (filled), and for each run background + signal at the best fit (line)
with the 68 % and 95 % posterior-predictive bands (central intervals of the draws). Counts are
shown per unit of the x axis (events/MeV) unless --per-bin. Runs must share the observables.
Also accepts the output of `nubayes predict` directly (a file with /observables).
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import OneLineParser, RunError, _str, fail  # noqa: E402
from corner import COLORS, check_out  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_nubayes(given):
    for c in (given, os.environ.get("NUBAYES_BINARY", ""), os.path.join(REPO, "build", "nubayes")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise RunError("no nubayes executable (use --nubayes PATH or set NUBAYES_BINARY)")


def read_predictions(path):
    import h5py
    with h5py.File(path, "r") as f:
        out = []
        for k in sorted(f["observables"], key=int):
            g = f["observables"][k]
            out.append(dict(name=_str(g.attrs["name"]), axis=_str(g.attrs["axis"]),
                            edges=g["edges"][()], data=g["data"][()], background=g["background"][()],
                            best=g["best_fit"][()], draws=g["prediction"][()]))
        return out


def predictions_of(path, nubayes, draws, workdir):
    import h5py
    if not os.path.isfile(path):
        raise RunError("%s: no such file" % path)
    try:
        with h5py.File(path, "r") as f:
            if "observables" in f:
                return read_predictions(path)
    except OSError as e:
        raise RunError("%s: cannot open as HDF5 (%s)" % (path, str(e).splitlines()[0]))
    out = os.path.join(workdir, "pred-%d.h5" % len(os.listdir(workdir)))
    p = subprocess.run([find_nubayes(nubayes), "predict", path, "--out", out, "--draws", str(draws)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise RunError(p.stderr.strip() or "nubayes predict failed on %s" % path)
    return read_predictions(out)


def spectrum_figure(observables_per_run, labels, per_bin=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    first = observables_per_run[0]
    n = len(first)
    fig, axs = plt.subplots(1, n, figsize=(5.6 * n, 4.4), squeeze=False)
    for j, o in enumerate(first):
        a = axs[0][j]
        e = np.asarray(o["edges"], float)
        width = np.ones(len(e) - 1) if per_bin else np.diff(e)
        centre = 0.5 * (e[1:] + e[:-1])
        bkg = o["background"] / width
        a.stairs(bkg, e, fill=True, color="0.82", label="background")
        for r, obs in enumerate(observables_per_run):
            c = COLORS[r % len(COLORS)]
            ob = obs[j]
            total = (ob["background"][None, :] + ob["draws"]) / width
            lo95, lo68, hi68, hi95 = np.percentile(total, [2.5, 16, 84, 97.5], axis=0)
            a.stairs(hi95, e, baseline=lo95, fill=True, color=c, alpha=0.18, lw=0)
            a.stairs(hi68, e, baseline=lo68, fill=True, color=c, alpha=0.35, lw=0,
                     label="%s (68/95 %%)" % labels[r])
            a.stairs((ob["background"] + ob["best"]) / width, e, color=c, lw=1.6)
        a.errorbar(centre, o["data"] / width, yerr=np.sqrt(o["data"]) / width, fmt="o", color="k", ms=4,
                   label="data")
        axis = o["axis"]
        unit = axis[axis.find("[") + 1:axis.find("]")] if "[" in axis and "]" in axis else "unit of x"
        a.set_xlabel(axis.replace("E_nu^QE", r"$E_\nu^{\mathrm{QE}}$").replace("cos theta", r"$\cos\theta$"),
                     fontsize=11)
        a.set_ylabel("events / bin" if per_bin else "events / %s" % unit, fontsize=11)
        a.set_title(o["name"], fontsize=11)
        a.set_xlim(e[0], e[-1])
        a.set_ylim(bottom=0)
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    fig.tight_layout()
    return fig


def main(argv=None):
    prog = "spectrum.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0])
    p.add_argument("runs", nargs="+", metavar="RUN.h5", help="finished nubayes runs (or nubayes predict outputs)")
    p.add_argument("--out", required=True, metavar="FILE", help="output figure, .png or .pdf")
    p.add_argument("--labels", metavar="A,B,...", help="legend labels, one per run")
    p.add_argument("--draws", type=int, default=200, help="posterior draws per run (default 200)")
    p.add_argument("--nubayes", metavar="PATH", help="the nubayes executable (default: $NUBAYES_BINARY or build/nubayes)")
    p.add_argument("--per-bin", action="store_true", help="events per bin instead of per unit of x")
    a = p.parse_args(argv)
    check_out(a.out, prog)
    if a.draws < 1:
        fail(prog, "--draws must be at least 1")
    try:
        labels = [s.strip() for s in a.labels.split(",")] if a.labels else [os.path.basename(r) for r in a.runs]
        if len(labels) != len(a.runs):
            raise RunError("--labels gives %d labels for %d runs" % (len(labels), len(a.runs)))
        with tempfile.TemporaryDirectory() as work:
            per_run = [predictions_of(r, a.nubayes, a.draws, work) for r in a.runs]
        names = [o["name"] for o in per_run[0]]
        for r, obs in zip(a.runs, per_run):
            if [o["name"] for o in obs] != names:
                raise RunError("%s: observables %s differ from the first run's %s"
                               % (r, [o["name"] for o in obs], names))
    except RunError as e:
        fail(prog, e)
    fig = spectrum_figure(per_run, labels, a.per_bin)
    try:
        fig.savefig(a.out, dpi=150)
    except OSError as e:
        fail(prog, "%s: cannot write (%s)" % (a.out, e))
    print("wrote %s (%s)" % (a.out, ", ".join(names)))


if __name__ == "__main__":
    main()
