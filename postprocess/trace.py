#!/usr/bin/python3
"""MCMC trace plots of a nubayes MCMC run: every chain of every chosen parameter against draw.

    trace.py RUN.h5 --out trace.png [--params a,b] [--max-chains N]

One panel per parameter (the sampled ones by default), one line per chain, from /mcmc/samples
(so it also works while the run goes). Burn-in draws are shaded grey. When the run is finished,
each panel's title carries the parameter's rank-normalised split R-hat and bulk ESS (the
attributes of its /posterior variable). Chains beyond --max-chains (default 16; ensemble runs
have many walkers) are left out, evenly spaced over the chain index.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import OneLineParser, RunError, _scalar, _str, fail, mathtext  # noqa: E402
from corner import COLORS, check_out  # noqa: E402


def read_traces(path, params=None):
    """(names, labels, samples [chain, draw, param], burn, diagnostics{name: (rhat, ess)})."""
    import h5py
    if not os.path.isfile(path):
        raise RunError("%s: no such file" % path)
    try:
        f = h5py.File(path, "r", swmr=True)
    except Exception:
        try:
            f = h5py.File(path, "r")
        except Exception as e:
            raise RunError("%s: cannot open as HDF5 (%s)" % (path, str(e).splitlines()[0]))
    with f:
        if "mcmc" not in f:
            raise RunError("%s: not an MCMC run (no /mcmc group); trace plots need kind = mcmc" % path)
        m = f["mcmc"]
        s = m["samples"]
        names = _str(s.attrs.get("names", "")).split("\n")
        latex = _str(s.attrs.get("latex", "")).split("\n")
        prior = _str(s.attrs.get("prior", "")).split("\n")
        derived = _str(s.attrs.get("is_derived", "")).split("\n")
        if params:
            unknown = [p for p in params if p not in names]
            if unknown:
                raise RunError("%s: no parameter %s (has %s)" % (path, ", ".join(unknown), ", ".join(names)))
            chosen = [names.index(p) for p in params]
        else:
            chosen = [i for i, n in enumerate(names)
                      if derived[i] != "1" and not prior[i].startswith("fixed")]
        ndraw = min(m["draw"].shape[0], s.shape[1])
        samples = np.asarray(s[:, :ndraw, :], dtype=float)[:, :, chosen]
        burn = int(_scalar(m.attrs.get("burn_draws", 0)))
        diag = {}
        if "posterior" in f:
            for i in chosen:
                v = f["posterior"].get(names[i])
                if v is not None and "rhat" in v.attrs:
                    diag[names[i]] = (float(_scalar(v.attrs["rhat"])), float(_scalar(v.attrs["ess_bulk"])))
    sel = [names[i] for i in chosen]
    labels = [mathtext(names[i], latex[i]) for i in chosen]
    return sel, labels, samples, burn, diag


def trace_figure(names, labels, samples, burn, diag, max_chains=16):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    nc, nd, npar = samples.shape
    chains = np.unique(np.linspace(0, nc - 1, min(nc, max_chains)).round().astype(int))
    fig, axs = plt.subplots(npar, 1, figsize=(9, 1.9 * npar + 0.8), sharex=True, squeeze=False)
    x = np.arange(nd)
    for j in range(npar):
        a = axs[j][0]
        if burn > 0:
            a.axvspan(0, min(burn, nd), color="0.85", zorder=0, label="burn-in" if j == 0 else None)
        for k, c in enumerate(chains):
            a.plot(x, samples[c, :, j], lw=0.5, alpha=0.8, color=COLORS[k % len(COLORS)])
        a.set_ylabel(labels[j], fontsize=11)
        if names[j] in diag:
            r, e = diag[names[j]]
            a.set_title(r"$\hat R$ = %.4f, bulk ESS = %.0f" % (r, e), fontsize=9, loc="right")
        a.grid(alpha=0.3)
    axs[-1][0].set_xlabel("draw", fontsize=11)
    if burn > 0:
        axs[0][0].legend(loc="upper right", fontsize=8)
    fig.suptitle("%d of %d chains" % (len(chains), nc), fontsize=10)
    fig.tight_layout()
    return fig


def main(argv=None):
    prog = "trace.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0])
    p.add_argument("run", metavar="RUN.h5", help="a nubayes MCMC run file")
    p.add_argument("--out", required=True, metavar="FILE", help="output figure, .png or .pdf")
    p.add_argument("--params", metavar="a,b,...", help="parameters to plot (default: the sampled ones)")
    p.add_argument("--max-chains", type=int, default=16, metavar="N", help="chains drawn at most (default 16)")
    a = p.parse_args(argv)
    check_out(a.out, prog)
    if a.max_chains < 1:
        fail(prog, "--max-chains must be at least 1")
    try:
        params = [s.strip() for s in a.params.split(",")] if a.params else None
        names, labels, samples, burn, diag = read_traces(a.run, params)
        if samples.shape[1] == 0 or not names:
            raise RunError("%s: no draws (or no parameter) to plot yet" % a.run)
    except RunError as e:
        fail(prog, e)
    fig = trace_figure(names, labels, samples, burn, diag, a.max_chains)
    try:
        fig.savefig(a.out, dpi=150)
    except OSError as e:
        fail(prog, "%s: cannot write (%s)" % (a.out, e))
    print("wrote %s (%s; %d chains, %d draws, %d burn-in)" % (a.out, ", ".join(names), samples.shape[0],
                                                               samples.shape[1], burn))


if __name__ == "__main__":
    main()
