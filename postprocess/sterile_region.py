#!/usr/bin/python3
"""68 % / 95 % credible regions of 3+1 sterile-neutrino runs in the (sin²2θμe, Δm²41) plane.

    sterile_region.py RUN.h5 [RUN.h5 ...] --out region.png [--labels A,B] [--bins N]
                      [--smooth S] [--x sin2_2theta_mue] [--y dm2_41] [--no-best]
                      [--microboone]

Both axes logarithmic (the histogram is built in log10 of both variables).  The regions are
computed exactly as in corner.py (smoothed weighted 2-D histogram; highest-density regions
holding 68 % and 95 % of its mass; see corner.py / README).  x defaults to the derived
variable sin2_2theta_mue, y to dm2_41; several runs are overlaid with a legend, and the
highest-likelihood sample of each run is marked with a star (unless --no-best).
--microboone draws MicroBooNE's official 95 % CL appearance-only exclusion contour (PRL 130
011801, inputs/microboone/references_3p1/app_only_2022_official.dat; the region to its right
is excluded) and its sensitivity.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import RunError, OneLineParser, fail  # noqa: E402
import corner  # noqa: E402


MICROBOONE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "inputs", "microboone",
                          "references_3p1")


def read_contour(path):
    try:
        xy = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as e:
        raise RunError("%s: cannot read a published contour (%s)" % (path, e))
    if xy.shape[1] != 2 or not np.all(xy > 0):
        raise RunError("%s: expected two positive columns (sin^2 2theta, dm2 [eV^2])" % path)
    return xy


def microboone_overlay(ax):
    """MicroBooNE's official appearance-only 95 % CL contour and sensitivity, as lines."""
    from matplotlib.lines import Line2D
    handles = []
    for name, style, label in (("app_only_2022_official.dat", "-", "MicroBooNE 95 % CL excl. (app. only)"),
                               ("app_only_2022_official_sensitivity.dat", ":", "MicroBooNE sensitivity")):
        xy = read_contour(os.path.join(MICROBOONE, name))
        ax.plot(xy[:, 0], xy[:, 1], style, color="k", lw=1.4, zorder=5)
        handles.append(Line2D([], [], color="k", lw=1.4, ls=style, label=label))
    return handles


def region_figure(runs, run_labels, xname, yname, bins, smooth, best=True, overlay=None):
    """`overlay(ax)`, if given, draws published regions and returns legend handles."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax_x, ax_y = corner.make_axes(runs, [xname, yname], force_log=(xname, yname))
    fig, a = plt.subplots(figsize=(6.4, 5.4))
    handles = []
    for k, r in enumerate(runs):
        col = corner.COLORS[k % len(corner.COLORS)]
        corner.draw_2d(a, r, ax_x, ax_y, col, bins, smooth)
        handles.append(Patch(facecolor=col, alpha=0.6, label=run_labels[k]))
        if best and r.logl is not None and len(r.logl) == len(r.weights):
            i = int(np.nanargmax(r.logl))
            a.plot(r.samples[xname][i], r.samples[yname][i], "*", color=col, ms=11,
                   mec="k", mew=0.6)
    if overlay is not None:
        handles.extend(overlay(a))
    corner.set_scale(a, ax_x, "x")
    corner.set_scale(a, ax_y, "y")
    a.set_xlabel(runs[0].label_of(xname), fontsize=13)
    a.set_ylabel(runs[0].label_of(yname), fontsize=13)
    a.tick_params(direction="in", which="both", top=True, right=True)
    a.grid(alpha=0.25, which="major")
    handles.append(Line2D([], [], color="gray", lw=1.5, ls="-", label="68 % credible"))
    handles.append(Line2D([], [], color="gray", lw=1.0, ls="--", label="95 % credible"))
    if best:
        handles.append(Line2D([], [], color="gray", marker="*", ls="", ms=10, mec="k",
                              label="best fit (max ln L)"))
    a.legend(handles=handles, fontsize=9, loc="best", framealpha=0.85)
    fig.tight_layout()
    return fig


def main(argv=None):
    prog = "sterile_region.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0])
    corner.common_args(p)
    p.add_argument("--x", default="sin2_2theta_mue", help="x variable (default sin2_2theta_mue)")
    p.add_argument("--y", default="dm2_41", help="y variable (default dm2_41)")
    p.add_argument("--no-best", action="store_true", help="do not mark the best-fit samples")
    p.add_argument("--microboone", action="store_true",
                   help="overlay MicroBooNE's official 95 %% CL appearance-only contour and sensitivity")
    a = p.parse_args(argv)
    try:
        runs, run_labels = corner.load_runs(a, prog)
        for r in runs:
            r.check_params([a.x, a.y])
        if a.microboone and (a.x, a.y) != ("sin2_2theta_mue", "dm2_41"):
            raise RunError("--microboone needs --x sin2_2theta_mue --y dm2_41 (the contour's axes)")
        overlay = microboone_overlay if a.microboone else None
        fig = region_figure(runs, run_labels, a.x, a.y, a.bins, a.smooth, not a.no_best, overlay)
    except RunError as e:
        fail(prog, e)
    corner.save(fig, a.out, prog)
    print("wrote %s (%d run(s), %s vs %s)" % (a.out, len(runs), a.y, a.x))


if __name__ == "__main__":
    main()
