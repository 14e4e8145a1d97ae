#!/usr/bin/python3
"""emcee's ESS per likelihood call on the MCMC benchmark problems, measured on this machine.

Same problems as bench/mcmc_speed.cpp (corr-gauss-10d with the same eigenvalues, rosenbrock-2d,
gauss-30d, uniform priors), stretch move, max(32, 4d) walkers, ESS per call = 1/tau_max from
emcee's own integrated_time. Needs Debian's python3-emcee. Usage: /usr/bin/python3 bench/emcee_reference.py
"""
import argparse
import time

import numpy as np

try:
    import emcee
except ImportError:
    raise SystemExit("bench/emcee_reference.py: needs emcee (apt-get install python3-emcee)")


def corr_gauss(d=10, condition=1e4, seed=20240601):
    lam = 1e-2 * condition ** (-np.arange(d) / (d - 1))
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))
    prec = q @ np.diag(1 / lam) @ q.T
    def logp(x):
        inside = np.all(np.abs(x) <= 1, axis=1)
        return np.where(inside, -0.5 * np.einsum("ij,jk,ik->i", x, prec, x), -np.inf)
    return d, logp, lambda rng, n: rng.uniform(-1, 1, size=(n, d))


def rosenbrock():
    def logp(x):
        inside = np.all(np.abs(x) <= 5, axis=1)
        return np.where(inside, -((1 - x[:, 0]) ** 2 + 100 * (x[:, 1] - x[:, 0] ** 2) ** 2), -np.inf)
    return 2, logp, lambda rng, n: rng.uniform(-5, 5, size=(n, 2))


def gauss(d=30):
    def logp(x):
        inside = np.all((x >= 0) & (x <= 1), axis=1)
        return np.where(inside, -0.5 * np.sum((x - 0.5) ** 2, axis=1) / 0.01, -np.inf)
    return d, logp, lambda rng, n: rng.uniform(0, 1, size=(n, d))


def main():
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    print(f"emcee {emcee.__version__}")
    print("| problem | tau_max | ESS per call | calls per s |")
    print("|---|---|---|---|")
    for label, (d, logp, start), burn, steps in [("corr-gauss-10d", corr_gauss(), 5000, 20000),
                                                 ("rosenbrock-2d", rosenbrock(), 5000, 40000),
                                                 ("gauss-30d", gauss(), 5000, 20000)]:
        rng = np.random.default_rng(7)
        nwalkers = max(32, 4 * d)
        sampler = emcee.EnsembleSampler(nwalkers, d, logp, vectorize=True)
        t0 = time.perf_counter()
        state = sampler.run_mcmc(start(rng, nwalkers), burn)
        sampler.reset()
        sampler.run_mcmc(state, steps)
        seconds = time.perf_counter() - t0
        tau = np.max(sampler.get_autocorr_time(quiet=True))
        print(f"| {label} | {tau:.0f} | {1 / tau:.4f} | {nwalkers * (burn + steps) / seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main()
