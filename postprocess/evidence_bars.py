#!/usr/bin/python3
"""Bar chart of the evidence ln Z ± error of several nubayes runs, optionally with ln B.

    evidence_bars.py RUN.h5 [RUN.h5 ...] --out evidence.png [--reference REF.h5] [--labels A,B]

Left panel: one horizontal bar per run, ending at ln Z (root attribute `logz`) with the error
bar `logz_err`; the bars start at a common baseline just left of the smallest ln Z, so that
differences of a few units are visible even when ln Z ~ -200.  With --reference (a run file,
added to the list if not already in it) a right panel shows ln B = ln Z - ln Z_ref with error
sqrt(err² + err_ref²), bars from 0, and dotted lines at |ln B| = 1, 2.5, 5 (the usual
"inconclusive / weak / moderate / strong" boundaries of the Jeffreys scale).
Labels: model (datasets) from the root attributes, or --labels; duplicate labels get the file
name appended.  Runs without `logz` (not complete) are an error.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import RunError, OneLineParser, fail, read_run, unique_labels  # noqa: E402
from corner import check_out, COLORS  # noqa: E402


def evidence_figure(labels, logz, err, ref=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(labels)
    logz, err = np.asarray(logz, float), np.asarray(err, float)
    ncol = 2 if ref is not None else 1
    height = max(2.6, 0.55 * n + 1.6)
    fig, axs = plt.subplots(1, ncol, figsize=(5.2 * ncol + 2.6, height), squeeze=False,
                            sharey=True)
    y = np.arange(n)[::-1]
    cols = [COLORS[k % len(COLORS)] for k in range(n)]
    a = axs[0][0]
    lo = np.min(logz - err)
    hi = np.max(logz + err)
    span = max(hi - lo, 1.0)
    base = lo - 0.25 * span
    a.barh(y, logz - base, left=base, xerr=err, color=cols, alpha=0.75, height=0.6,
           error_kw=dict(ecolor="k", capsize=4, lw=1.2))
    for yi, z, e in zip(y, logz, err):
        a.text(z + e + 0.03 * span, yi, r"$%.2f \pm %.2f$" % (z, e), va="center", fontsize=9)
    a.set_xlim(base, hi + 0.45 * span)
    a.set_xlabel(r"$\ln Z$", fontsize=12)
    a.set_yticks(y)
    a.set_yticklabels(labels, fontsize=10)
    a.grid(axis="x", alpha=0.3)
    a.set_title("evidence", fontsize=11)
    if ref is not None:
        b = axs[0][1]
        zr, er = logz[ref], err[ref]
        lnb = logz - zr
        eb = np.sqrt(err ** 2 + er ** 2)
        eb[ref] = 0.0
        b.barh(y, lnb, xerr=eb, color=cols, alpha=0.75, height=0.6,
               error_kw=dict(ecolor="k", capsize=4, lw=1.2))
        m = max(np.max(np.abs(lnb) + eb), 1.0) * 2.0
        b.set_xlim(-m, m)
        b.axvline(0, color="k", lw=1)
        for t in (1.0, 2.5, 5.0):
            if t < m:
                for s in (-1, 1):
                    b.axvline(s * t, color="gray", ls=":", lw=0.9)
        for yi, v, e, k in zip(y, lnb, eb, range(n)):
            if k == ref:
                b.text(0.03 * m, yi, "reference", va="center", ha="left", fontsize=9)
                continue
            sgn = 1 if v >= 0 else -1
            b.text(v + sgn * (e + 0.03 * m), yi, r"$%+.2f \pm %.2f$" % (v, e), va="center",
                   ha="left" if sgn > 0 else "right", fontsize=9)
        b.set_xlabel(r"$\ln B = \ln Z - \ln Z_\mathrm{ref}$", fontsize=12)
        b.grid(axis="x", alpha=0.3)
        b.set_title("Bayes factor vs. %s" % labels[ref], fontsize=11)
    fig.tight_layout()
    return fig


def main(argv=None):
    prog = "evidence_bars.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0])
    p.add_argument("runs", nargs="+", metavar="RUN.h5", help="nubayes run files")
    p.add_argument("--out", required=True, metavar="FILE", help="output figure, .png or .pdf")
    p.add_argument("--reference", metavar="REF.h5",
                   help="also plot ln B relative to this run (added if not among RUN.h5)")
    p.add_argument("--labels", metavar="A,B,...",
                   help="bar labels, one per run (in order; the reference last if added)")
    a = p.parse_args(argv)
    check_out(a.out, prog)
    paths = list(a.runs)
    ref = None
    try:
        if a.reference:
            same = [k for k, q in enumerate(paths)
                    if os.path.exists(q) and os.path.exists(a.reference)
                    and os.path.samefile(q, a.reference)]
            if same:
                ref = same[0]
            else:
                paths.append(a.reference)
                ref = len(paths) - 1
        runs = []
        for q in paths:
            # only the root attributes are needed, but reading validates the file
            r = read_run(q)
            if r.logz is None:
                raise RunError("%s: no logz attribute (status '%s': run not complete)"
                               % (q, r.status))
            runs.append(r)
        if a.labels:
            labels = [s.strip() for s in a.labels.split(",")]
            if len(labels) != len(runs):
                raise RunError("--labels gives %d labels for %d runs" % (len(labels), len(runs)))
        else:
            labels = unique_labels(runs, sep="\n")
    except RunError as e:
        fail(prog, e)
    fig = evidence_figure(labels, [r.logz for r in runs], [r.logz_err or 0.0 for r in runs], ref)
    try:
        fig.savefig(a.out, dpi=150)
    except OSError as e:
        fail(prog, "%s: cannot write (%s)" % (a.out, e))
    for l, r in zip(labels, runs):
        extra = "" if ref is None else "  ln B = %+.3f" % (r.logz - runs[ref].logz)
        print("%-50s ln Z = %.3f +- %.3f%s" % (" ".join(l.split("\n")), r.logz,
                                               r.logz_err or 0.0, extra))
    print("wrote %s" % a.out)


if __name__ == "__main__":
    main()
