#!/usr/bin/python3
"""Corner plot of one or more nubayes runs: 1-D marginals and 2-D 68 % / 95 % credible regions.

    corner.py RUN.h5 [RUN.h5 ...] --out corner.png [--params a,b,c] [--labels A,B]
              [--truth a=1,b=2] [--bins 40] [--smooth 1.0] [--log a,b] [--posterior]

Samples and weights: the weighted nested-sampling rows of each run (w_i = exp(logwt_i − ln Σ
exp logwt)), or with --posterior the equal-weight draws.  Default parameters: all sampled ones
(neither fixed nor derived).  Parameters with a "log-uniform" prior (and those named in --log)
are binned in log10 and drawn on log axes.

Contour definition.  For each pair of parameters the weighted samples are put in a 2-D histogram
(`bins` × `bins` over the plotted range, in log10 for log axes) and smoothed with a Gaussian
kernel of `smooth` bins standard deviation (scipy.ndimage.gaussian_filter; 0 = no smoothing).
The smoothed histogram H is normalised to unit mass; the contour level for credibility p is the
density threshold t_p such that the bins with H ≥ t_p hold a fraction p of the (smoothed) mass
(highest-density region: sort the bins by decreasing H, accumulate, and take the H at which the
cumulative mass first reaches p).  The regions drawn are {H ≥ t_0.68} and {H ≥ t_0.95}.
The 1-D marginals are weighted histograms smoothed the same way, scaled to peak 1.
`credible_levels` implements the threshold, `density_2d` the smoothed histogram.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import (RunError, OneLineParser, fail, parse_names,  # noqa: E402
                          parse_assignments, read_run, unique_labels)

LEVELS = (0.68, 0.95)
COLORS = ["#1f4e9c", "#c0392b", "#2e8b57", "#8e44ad", "#d4871a", "#17a2b8", "#555555"]


# --- numerics ---------------------------------------------------------------------------

def credible_levels(density, fractions=LEVELS):
    """Density thresholds t_p such that the cells with density >= t_p hold a fraction p of the
    total mass (highest-density regions).  `density` is any array of non-negative cell masses
    (equal cell sizes).  Returns an array of thresholds in the order of `fractions`."""
    h = np.asarray(density, dtype=float).ravel()
    total = h.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("density has no mass")
    order = np.sort(h)[::-1]
    cum = np.cumsum(order) / total
    out = []
    for p in fractions:
        i = int(np.searchsorted(cum, p, side="left"))
        i = min(i, len(order) - 1)
        out.append(order[i])
    return np.array(out)


def smooth_hist(h, smooth):
    if smooth and smooth > 0:
        from scipy.ndimage import gaussian_filter
        h = gaussian_filter(h, smooth, mode="constant")
    return h


def density_2d(x, y, w, xrange, yrange, bins=40, smooth=1.0):
    """Weighted 2-D histogram (transformed coordinates) smoothed by `smooth` bins, unit mass.
    Returns (H[ix, iy], xedges, yedges)."""
    h, xe, ye = np.histogram2d(x, y, bins=bins, range=[xrange, yrange], weights=w)
    h = smooth_hist(h, smooth)
    s = h.sum()
    if s > 0:
        h = h / s
    return h, xe, ye


def density_1d(x, w, xrange, bins=40, smooth=1.0):
    h, e = np.histogram(x, bins=bins, range=xrange, weights=w)
    h = smooth_hist(h.astype(float), smooth)
    if h.max() > 0:
        h = h / h.max()
    return h, e


def weighted_quantile(x, w, q):
    i = np.argsort(x)
    cw = np.cumsum(w[i])
    cw = cw / cw[-1]
    return np.interp(q, cw, x[i])


def data_range(t, w, tail=0.0005, pad=0.06):
    """Plot range of (transformed) samples t with weights w: the weighted [tail, 1 - tail]
    quantiles widened by `pad` of their span on each side."""
    lo, hi = weighted_quantile(t, w, tail), weighted_quantile(t, w, 1.0 - tail)
    p = pad * (hi - lo) if hi > lo else (abs(lo) * 0.1 or 0.5)
    return lo - p, hi + p


class Axis:
    """One plotted parameter: transform (log10 or identity) and range in transformed space."""

    def __init__(self, name, label, log, lo, hi):
        self.name, self.label, self.log, self.lo, self.hi = name, label, log, lo, hi

    def fwd(self, v):
        return np.log10(v) if self.log else v

    def back(self, t):
        return 10.0 ** t if self.log else t


def make_axes(runs, names, force_log=(), labels=None):
    """Choose transform and common range for each parameter over all runs."""
    axes = []
    for k, name in enumerate(names):
        log = name in force_log or any(r.is_log(name) for r in runs)
        los, his = [], []
        for r in runs:
            v, w = r.samples[name], r.weights
            ok = np.isfinite(v) & (w > 0)
            if log:
                ok &= v > 0
            if not ok.any():
                continue
            t = np.log10(v[ok]) if log else v[ok]
            lo, hi = data_range(t, w[ok])
            los.append(lo)
            his.append(hi)
        if not los:
            raise RunError("parameter '%s' has no usable (finite%s) samples"
                           % (name, ", positive" if log else ""))
        lo, hi = min(los), max(his)
        # do not run past the prior box
        for r in runs:
            b = r.bounds(name)
            if b:
                blo, bhi = (np.log10(b[0]), np.log10(b[1])) if log and b[0] > 0 else b
                lo, hi = max(lo, min(blo, hi - 1e-12)), min(hi, max(bhi, lo + 1e-12))
        label = labels[k] if labels else runs[0].label_of(name)
        axes.append(Axis(name, label, log, lo, hi))
    return axes


def transformed(run, ax):
    v = run.samples[ax.name]
    ok = np.isfinite(v)
    if ax.log:
        ok &= v > 0
    t = np.full(v.shape, np.nan)
    t[ok] = ax.fwd(v[ok])
    return t, ok


# --- drawing ----------------------------------------------------------------------------

def draw_2d(mpl_ax, run, ax_x, ax_y, color, bins, smooth, filled=True):
    """68/95 % regions of one run on a matplotlib axes (x, y in physical units)."""
    from matplotlib.colors import to_rgba
    tx, okx = transformed(run, ax_x)
    ty, oky = transformed(run, ax_y)
    ok = okx & oky
    h, xe, ye = density_2d(tx[ok], ty[ok], run.weights[ok], (ax_x.lo, ax_x.hi),
                           (ax_y.lo, ax_y.hi), bins, smooth)
    if h.sum() <= 0:
        return
    t68, t95 = credible_levels(h, LEVELS)
    xc = ax_x.back(0.5 * (xe[1:] + xe[:-1]))
    yc = ax_y.back(0.5 * (ye[1:] + ye[:-1]))
    top = h.max() * 1.0001 + 1e-300
    levels = sorted(set([t95, t68, top]))
    if len(levels) < 2:
        return
    if filled and len(levels) == 3:
        mpl_ax.contourf(xc, yc, h.T, levels=levels,
                        colors=[to_rgba(color, 0.22), to_rgba(color, 0.5)])
    line_levels = sorted(set([t95, t68]))
    mpl_ax.contour(xc, yc, h.T, levels=line_levels, colors=[color],
                   linewidths=[1.0, 1.5][:len(line_levels)],
                   linestyles=["--", "-"][:len(line_levels)] if len(line_levels) == 2 else ["-"])


def draw_1d(mpl_ax, run, ax, color, bins, smooth):
    t, ok = transformed(run, ax)
    h, e = density_1d(t[ok], run.weights[ok], (ax.lo, ax.hi), bins, smooth)
    c = ax.back(0.5 * (e[1:] + e[:-1]))
    mpl_ax.plot(c, h, color=color, lw=1.6)


def set_scale(mpl_ax, ax, which):
    lim = (ax.back(ax.lo), ax.back(ax.hi))
    if which == "x":
        if ax.log:
            mpl_ax.set_xscale("log")
        mpl_ax.set_xlim(*lim)
    else:
        if ax.log:
            mpl_ax.set_yscale("log")
        mpl_ax.set_ylim(*lim)


def corner_figure(runs, names, run_labels=None, truth=None, bins=40, smooth=1.0,
                  force_log=(), param_labels=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    axes = make_axes(runs, names, force_log, param_labels)
    n = len(axes)
    size = max(2.3 * n, 4.5) if n > 1 else 5.0
    fig, grid = plt.subplots(n, n, figsize=(size, size), squeeze=False)
    for i in range(n):
        for j in range(n):
            a = grid[i][j]
            if j > i:
                a.set_axis_off()
                continue
            for k, r in enumerate(runs):
                col = COLORS[k % len(COLORS)]
                if i == j:
                    draw_1d(a, r, axes[i], col, bins, smooth)
                else:
                    draw_2d(a, r, axes[j], axes[i], col, bins, smooth)
            set_scale(a, axes[j], "x")
            if i == j:
                a.set_ylim(0, 1.1)
                a.set_yticks([])
            else:
                set_scale(a, axes[i], "y")
            if truth:
                if axes[j].name in truth:
                    a.axvline(truth[axes[j].name], color="k", ls=":", lw=1.2)
                if i != j and axes[i].name in truth:
                    a.axhline(truth[axes[i].name], color="k", ls=":", lw=1.2)
                if i != j and axes[i].name in truth and axes[j].name in truth:
                    a.plot(truth[axes[j].name], truth[axes[i].name], "k*", ms=7)
            if i == n - 1:
                a.set_xlabel(axes[j].label, fontsize=12)
            else:
                a.set_xticklabels([], minor=True)
                a.set_xticklabels([])
            if j == 0 and i > 0:
                a.set_ylabel(axes[i].label, fontsize=12)
            elif i != j:
                a.set_yticklabels([], minor=True)
                a.set_yticklabels([])
            a.tick_params(labelsize=8, direction="in", which="both", top=True, right=(i != j))
            for lab in a.get_xticklabels():
                lab.set_rotation(40)
                lab.set_horizontalalignment("right")
    handles = [Patch(facecolor=COLORS[k % len(COLORS)], alpha=0.6,
                     label=(run_labels[k] if run_labels else r.label))
               for k, r in enumerate(runs)]
    handles.append(Line2D([], [], color="gray", lw=1.5, ls="-", label="68 % credible"))
    handles.append(Line2D([], [], color="gray", lw=1.0, ls="--", label="95 % credible"))
    if truth:
        handles.append(Line2D([], [], color="k", ls=":", label="truth"))
    if n > 1:
        fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.98, 0.98),
                   fontsize=10, frameon=False)
        fig.subplots_adjust(left=0.11, bottom=0.11, right=0.97, top=0.97,
                            wspace=0.06, hspace=0.06)
        if n == 2:
            fig.subplots_adjust(left=0.16, bottom=0.16)
    else:
        grid[0][0].legend(handles=handles[:len(runs)] + handles[-1:] * bool(truth),
                          fontsize=9, frameon=False)
        grid[0][0].set_ylabel("marginal posterior (peak = 1)")
        fig.tight_layout()
    return fig


def check_out(out, prog):
    ext = os.path.splitext(out)[1].lower()
    if ext not in (".png", ".pdf"):
        fail(prog, "--out must end in .png or .pdf, got '%s'" % out)
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        fail(prog, "%s: output directory does not exist" % d)


def save(fig, out, prog):
    check_out(out, prog)
    try:
        fig.savefig(out, dpi=150)
    except OSError as e:
        fail(prog, "%s: cannot write (%s)" % (out, e))


def common_args(p):
    p.add_argument("runs", nargs="+", metavar="RUN.h5", help="nubayes run files (overlaid)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output figure, .png or .pdf (chosen by extension)")
    p.add_argument("--labels", metavar="A,B,...",
                   help="legend labels, one per run (default: model (datasets))")
    p.add_argument("--bins", type=int, default=None,
                   help="histogram bins per axis (default: 1.3 sqrt(ESS) of the run with the "
                        "smallest ESS, clipped to [20, 60])")
    p.add_argument("--smooth", type=float, default=1.0,
                   help="Gaussian smoothing in bins, 0 = none (default 1.0)")
    p.add_argument("--posterior", action="store_true",
                   help="use the /posterior equal-weight draws instead of the weighted "
                        "/nested_sampling rows")


def load_runs(a, prog):
    if a.bins is not None and (a.bins < 2 or a.bins > 1000):
        fail(prog, "--bins must be between 2 and 1000")
    if a.smooth < 0:
        fail(prog, "--smooth must be >= 0")
    check_out(a.out, prog)
    runs = [read_run(path, "posterior" if a.posterior else "nested") for path in a.runs]
    if a.bins is None:
        ess = min(r.ess() for r in runs)
        a.bins = int(np.clip(round(1.3 * np.sqrt(ess)), 20, 60))
    run_labels = None
    if a.labels:
        run_labels = [s.strip() for s in a.labels.split(",")]
        if len(run_labels) != len(runs):
            raise RunError("--labels gives %d labels for %d runs" % (len(run_labels), len(runs)))
    else:
        run_labels = unique_labels(runs)
    return runs, run_labels


def main(argv=None):
    prog = "corner.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0],
                      epilog="Contours: highest-density regions of the smoothed weighted "
                             "histogram holding 68 % and 95 % of its mass (see README).")
    common_args(p)
    p.add_argument("--params", metavar="a,b,c",
                   help="parameters to plot (default: all sampled, non-fixed, non-derived)")
    p.add_argument("--param-labels", metavar="L1;L2",
                   help="axis labels (mathtext) for --params, separated by ';'")
    p.add_argument("--truth", metavar="a=1,b=2", help="marker lines at these values")
    p.add_argument("--log", metavar="a,b", help="also use log axes for these parameters")
    a = p.parse_args(argv)
    try:
        runs, run_labels = load_runs(a, prog)
        names = parse_names(a.params) if a.params else None
        if names is None:
            names = [n for n in runs[0].sampled if all(n in r.samples for r in runs[1:])]
            if not names:
                raise RunError("no sampled parameter common to all runs; give --params")
        for r in runs:
            r.check_params(names)
        truth = parse_assignments(a.truth, "--truth") if a.truth else {}
        for k in truth:
            if k not in names:
                raise RunError("--truth: unknown parameter '%s' (plotted: %s)"
                               % (k, ", ".join(names)))
        force_log = parse_names(a.log)
        for k in force_log:
            if k not in names:
                raise RunError("--log: unknown parameter '%s' (plotted: %s)"
                               % (k, ", ".join(names)))
        param_labels = None
        if a.param_labels:
            param_labels = [s.strip() for s in a.param_labels.split(";")]
            if len(param_labels) != len(names):
                raise RunError("--param-labels gives %d labels for %d parameters"
                               % (len(param_labels), len(names)))
        fig = corner_figure(runs, names, run_labels, truth, a.bins, a.smooth, force_log,
                            param_labels)
    except RunError as e:
        fail(prog, e)
    save(fig, a.out, prog)
    print("wrote %s (%d run(s), %s)" % (a.out, len(runs), ", ".join(names)))


if __name__ == "__main__":
    main()
