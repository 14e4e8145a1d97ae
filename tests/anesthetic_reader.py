"""What anesthetic 2 does with PREFIX_dead-birth.txt, reproduced from its source so that the
tests need no anesthetic install: read_polychord (numpy.loadtxt, the last two columns ln L and
ln L_birth), NestedSamples' logzero (values <= -1e30 become -inf), recompute (rows with
ln L <= ln L_birth are dropped, rows sorted by ln L, live counts from compute_nlive: every birth
and death contour sorted by ln L, deaths before births on a tie), and logZ (X shrinks by
n/(n+1) per death, dX by the trapezoid rule in X).

usage: anesthetic_reader.py PREFIX RUN.h5
Prints one line starting "ok" when the export gives anesthetic the run's own live-point counts
and nubayes's ln Z, else one starting "bad".
"""
import sys

import h5py
import numpy as np

LOGZERO = -1e30


def read_polychord(root):
    data = np.atleast_2d(np.loadtxt(root + "_dead-birth.txt"))
    logl = np.where(data[:, -2] <= LOGZERO, -np.inf, data[:, -2])
    birth = np.where(data[:, -1] <= LOGZERO, -np.inf, data[:, -1])
    keep = ~(logl <= birth)
    order = np.argsort(logl[keep], kind="stable")
    return logl[keep][order], birth[keep][order]


def compute_nlive(death, birth):
    contour = np.concatenate([birth, death])
    step = np.concatenate([np.ones(len(birth)), -np.ones(len(death))])
    order = np.lexsort((step, contour))
    running = np.empty(len(order))
    running[order] = np.cumsum(step[order])
    return running[len(birth):] + 1


def logsumexp(a):
    m = a.max()
    return m + np.log(np.exp(a - m).sum())


def anesthetic_logz(logl, nlive):
    log_x = np.cumsum(np.log(nlive / (nlive + 1)))
    before = np.concatenate([[0.0], log_x[:-1]])
    after = np.concatenate([log_x[1:], [-np.inf]])
    return logsumexp(np.log(1 - np.exp(after - before)) + before - np.log(2) + logl)


def nubayes_logz(logl, nlive):
    """nubayes's quadrature: ln X falls by 1/n per death, weights by the trapezoid rule in L."""
    before = np.concatenate([[0.0], -np.cumsum(1.0 / nlive)[:-1]])
    previous = np.concatenate([[-np.inf], logl[:-1]])
    return logsumexp(before + np.log(-np.expm1(-1.0 / nlive)) + np.logaddexp(previous, logl) - np.log(2))


def main(root, run):
    with h5py.File(run, "r") as f:
        ns = f["nested_sampling"]
        run_logl, run_nlive = ns["logl"][()], ns["nlive"][()].astype(float)
        run_birth = ns["logl_birth"][()]
        logz, logz_err = (float(np.ravel(f.attrs[k])[0]) for k in ("logz", "logz_err"))
    logl, birth = read_polychord(root)
    nlive = compute_nlive(logl, birth)
    problems = []
    if len(logl) != len(run_logl):
        problems.append(f"anesthetic keeps {len(logl)} of {len(run_logl)} rows")
    else:
        mine = nlive[np.lexsort((-nlive, logl))]
        theirs = run_nlive[np.lexsort((-run_nlive, run_logl))]
        if not np.array_equal(mine, theirs):
            problems.append(f"live counts differ at {np.sum(mine != theirs)} deaths")
    own = nubayes_logz(logl, nlive)
    if not abs(own - logz) < 1e-8:
        problems.append(f"nubayes quadrature on anesthetic's counts gives {own!r}, run {logz!r}")
    # anesthetic's own quadrature (X shrinks by n/(n+1), trapezoid in X) differs from nubayes's
    # by O(H/n), a small fraction of the error.
    theirs = anesthetic_logz(logl, nlive)
    if not abs(theirs - logz) < 0.25 * logz_err:
        problems.append(f"anesthetic ln Z {theirs!r} vs run {logz!r} +- {logz_err!r}")
    # What anesthetic made of the rows at ln L = -inf before: dropped, with their compression.
    finite = np.isfinite(run_logl)
    order = np.argsort(run_logl[finite], kind="stable")
    dropped = anesthetic_logz(run_logl[finite][order],
                              compute_nlive(run_logl[finite][order], run_birth[finite][order]))
    unphysical = int(np.sum(~finite))
    print("ok" if not problems else "bad", f"anesthetic {theirs:.6f} nubayes {logz:.6f} +- {logz_err:.6f}",
          f"unphysical {unphysical} dropping-them {dropped:.6f}", "; ".join(problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
