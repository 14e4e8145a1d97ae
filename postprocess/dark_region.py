#!/usr/bin/python3
"""Posterior of dark-neutrino (dark-zd) runs in the (m_N, |U_mu4|^2) plane, with the published
MiniBooNE-allowed regions of Bertuzzo et al. (arXiv:1807.09877) overlaid.

    dark_region.py RUN.h5 [RUN.h5 ...] --out region.png [--labels A,B] [--published v1|v2|v3|none]

Both axes logarithmic; the 68 % / 95 % credible regions are computed as in corner.py. The
published bands (inputs/dark_sector/, see its MANIFEST.md) are filled between their lower and upper
edges: `v1` (default) the first-version digitisation (3 and 5 sigma; it holds the v1 benchmark
m_N = 0.32 GeV, |U_mu4|^2 = 1e-6 at m_ZD = 64 MeV, alpha_D = 0.25, alpha eps^2 = 3e-9), `v2` and `v3`
the later ones (1, 3, 5 sigma). The bands hold at the paper's fixed m_ZD, alpha_D and alpha eps^2,
so compare them with runs at the same couplings.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nubayes_read import RunError, OneLineParser, fail  # noqa: E402
import corner  # noqa: E402
from sterile_region import region_figure  # noqa: E402

REGIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "inputs", "dark_sector",
                       "Bertuzzo_1807.09877_regions")
# version: (folder, [(label, lower file, upper file)])
PUBLISHED = {
    "v1": ("Pedros_paper", [("3", "Lower_3sigma.dat", "Upper_3sigma.dat"), ("5", "Lower_5sigma.dat", "Upper_5sigma.dat")]),
    "v2": ("Pedros_paper_v2", [(k, "low_%ssigma_fit.dat" % k, "upper_%ssigma_fit.dat" % k) for k in ("1", "3", "5")]),
    "v3": ("Pedro_v3", [(k, "low_%s_sigma.dat" % k, "upper_%s_sigma.dat" % k) for k in ("1", "3", "5")]),
}


def read_edge(path):
    try:
        xy = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as e:
        raise RunError("%s: cannot read a published region edge (%s)" % (path, e))
    if xy.shape[1] != 2 or not np.all(xy > 0):
        raise RunError("%s: expected two positive columns (m_N [GeV], |U_mu4|^2)" % path)
    return xy[np.argsort(xy[:, 0])]


def published_overlay(version):
    from matplotlib.patches import Patch
    folder, bands = PUBLISHED[version]

    def draw(ax):
        handles = []
        for k, (sigma, low, up) in enumerate(sorted(bands, key=lambda b: -int(b[0]))):
            lo = read_edge(os.path.join(REGIONS, folder, low))
            hi = read_edge(os.path.join(REGIONS, folder, up))
            x = np.geomspace(max(lo[0, 0], hi[0, 0]), min(lo[-1, 0], hi[-1, 0]), 200)
            ylo = np.exp(np.interp(np.log(x), np.log(lo[:, 0]), np.log(lo[:, 1])))
            yhi = np.exp(np.interp(np.log(x), np.log(hi[:, 0]), np.log(hi[:, 1])))
            shade = str(0.78 - 0.12 * k)  # the inner (lower-sigma) bands darker
            ax.fill_between(x, ylo, yhi, color=shade, alpha=0.55, lw=0, zorder=0)
            handles.append(Patch(facecolor=shade, alpha=0.55, label="Bertuzzo et al. %s sigma (%s)" % (sigma, version)))
        return handles

    return draw


def main(argv=None):
    prog = "dark_region.py"
    p = OneLineParser(prog=prog, description=__doc__.split("\n\n")[0])
    corner.common_args(p)
    p.add_argument("--x", default="m_N", help="x variable (default m_N)")
    p.add_argument("--y", default="Umu4_sq", help="y variable (default Umu4_sq)")
    p.add_argument("--published", default="v1", choices=["v1", "v2", "v3", "none"],
                   help="which digitisation of the published regions to overlay (default v1)")
    p.add_argument("--no-best", action="store_true", help="do not mark the best-fit samples")
    a = p.parse_args(argv)
    try:
        runs, run_labels = corner.load_runs(a, prog)
        for r in runs:
            r.check_params([a.x, a.y])
        overlay = None if a.published == "none" else published_overlay(a.published)
        fig = region_figure(runs, run_labels, a.x, a.y, a.bins, a.smooth, not a.no_best, overlay)
    except RunError as e:
        fail(prog, e)
    corner.save(fig, a.out, prog)
    print("wrote %s (%d run(s), %s vs %s, published: %s)" % (a.out, len(runs), a.y, a.x, a.published))


if __name__ == "__main__":
    main()
