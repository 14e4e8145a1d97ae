"""What GetDist does with `nubayes export --getdist` files, reproduced from its source so that the
tests need no getdist install: chainFiles (PREFIX.txt, then PREFIX_1.txt, PREFIX_2.txt, ... up to
the first missing one), each chain a numpy.loadtxt table `weight  -lnL  params...`, the
.paramnames file (`name label`, derived names ending in `*`), the .ranges file (`name lo hi`, `N`
for no bound) and PREFIX.properties.ini (IniFile: `key = value` lines, `#` comments; `sampler`
nested or uncorrelated makes the effective sample size the weights' Kish size; `burn_removed` T
keeps ignore_rows from cutting anything).

usage: getdist_reader.py PREFIX RUN.h5
Prints one line starting "ok" when GetDist would read the export as the run means it, else one
starting "bad" with what is wrong.
"""
import os
import sys

import h5py
import numpy as np


def chain_files(root):
    files, index = [], -1
    while True:
        index += 1
        name = root + ("_%d" % index if index > 0 else "") + ".txt"
        if index > 0 and not os.path.exists(name):
            return files
        if os.path.exists(name):
            files.append(name)


def read_paramnames(root):
    names, labels, derived = [], [], []
    for line in open(root + ".paramnames"):
        if not line.strip():
            continue
        name, label = (line.strip().split(None, 1) + [""])[:2]
        derived.append(name.endswith("*"))
        names.append(name.rstrip("*"))
        labels.append(label.strip())
    return names, labels, derived


def read_ranges(root):
    ranges = {}
    if os.path.exists(root + ".ranges"):
        for line in open(root + ".ranges"):
            fields = line.split()
            if len(fields) == 3:
                ranges[fields[0]] = [None if f == "N" else float(f) for f in fields[1:]]
    return ranges


def read_ini(path):
    params = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        params[key.strip()] = value.strip()
    return params


def main(root, run):
    problems = []
    with h5py.File(run, "r") as f:
        mcmc = "mcmc" in f
        ess = float(np.ravel(f.attrs["ess"])[0]) if "ess" in f.attrs else None
    files = chain_files(root)
    if not files:
        return print("bad: no chain files") or 1
    chains = [np.atleast_2d(np.loadtxt(name)) for name in files]
    names, labels, derived = read_paramnames(root)
    for name, chain in zip(files, chains):
        if chain.shape[1] != 2 + len(names):
            problems.append(f"{name}: {chain.shape[1]} columns for {len(names)} names")
    weights = np.concatenate([c[:, 0] for c in chains])

    if not os.path.exists(root + ".properties.ini"):
        problems.append("no .properties.ini: GetDist takes the weights for an MCMC chain")
    else:
        props = read_ini(root + ".properties.ini")
        sampler = props.get("sampler", "mcmc")
        if sampler != ("mcmc" if mcmc else "nested"):
            problems.append(f"sampler = {sampler}")
        if not props.get("burn_removed", "F").startswith("T"):
            problems.append("burn_removed is not T: GetDist's ignore_rows could cut samples")
        if not mcmc:
            kish = weights.sum() ** 2 / (weights ** 2).sum()
            if not abs(kish - ess) < 1e-6 * ess:
                problems.append(f"GetDist's effective samples {kish} vs the run's ESS {ess}")

    # An MCMC run: one file per chain, each the run's chain draw for draw (/posterior is chain x
    # draw), and GetDist's R-1 (between- over within-chain variance) computable and small.
    if mcmc:
        with h5py.File(run, "r") as f:
            posterior = {n: f["posterior"][n][()] for n in names if n in f["posterior"]}
        if len(chains) != len(next(iter(posterior.values()))):
            problems.append(f"{len(chains)} chain files for {len(next(iter(posterior.values())))} chains")
        else:
            for name, draws in posterior.items():
                for k, chain in enumerate(chains):
                    if not np.array_equal(chain[:, 2 + names.index(name)], draws[k]):
                        problems.append(f"chain file {k + 1} is not chain {k} of {name}")
                means = np.array([c[:, 2 + names.index(name)].mean() for c in chains])
                within = np.mean([c[:, 2 + names.index(name)].var(ddof=1) for c in chains])
                if not means.var(ddof=1) / within < 0.2:
                    problems.append(f"R-1 of {name} is {means.var(ddof=1) / within}")

    # log10_NAME columns hold log10 of NAME's.
    for i, name in enumerate(names):
        if name.startswith("log10_") and name[6:] in names:
            for chain in chains:
                linear = chain[:, 2 + names.index(name[6:])]
                if not np.allclose(chain[:, 2 + i], np.log10(linear), rtol=0, atol=1e-12):
                    problems.append(f"{name} is not log10 of {name[6:]}")
                    break

    # Every sample inside its .ranges (GetDist's densities assume it), and every bound a bound.
    ranges = read_ranges(root)
    for name, (lo, hi) in ranges.items():
        if name not in names:
            problems.append(f".ranges names {name}, which .paramnames lacks")
            continue
        values = np.concatenate([c[:, 2 + names.index(name)] for c in chains])
        if (lo is not None and values.min() < lo) or (hi is not None and values.max() > hi):
            problems.append(f"{name} in [{values.min()}, {values.max()}] outside its range [{lo}, {hi}]")

    print("ok" if not problems else "bad", f"chains {len(chains)} rows {len(weights)}", "; ".join(problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
