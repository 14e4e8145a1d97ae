#!/usr/bin/python3
"""Small reader for nubayes run files (HDF5, layout in the top-level README, "Run file layout").

    from nubayes_read import read_run
    run = read_run("run.h5")                 # weighted nested-sampling rows (default)
    run = read_run("run.h5", source="posterior")   # equal-weight draws, weights all equal
    run.names            # every parameter and derived quantity, in file order
    run.sampled          # non-fixed, non-derived parameters
    run.samples["dm2_41"], run.weights       # weights sum to 1
    run.label_of("dm2_41")   # matplotlib mathtext label
    run.is_log("dm2_41")     # True for "log-uniform ..." priors
    run.attrs["logz"], run.logz, run.logz_err, run.model, run.datasets, run.status

Nested-sampling weights are w_i = exp(logwt_i - logsumexp(logwt)); only the committed rows
(the length of the `sample` coordinate) are read, so a file of a run still going (SWMR) or
stopped by an error can be read as well.  Errors in the input raise `RunError` with a
one-line message; the command-line scripts turn it into one line on stderr and exit code 2.

Run as a script it prints a one-line summary per run file.
"""

import argparse
import os
import sys

import numpy as np

SCHEMA = "nubayes-run"

# Fallback labels: the run files currently carry latex == name for the built-in models.
KNOWN_LATEX = {
    "dm2_41": r"$\Delta m^2_{41}\ [\mathrm{eV}^2]$",
    "Ue4_sq": r"$|U_{e4}|^2$",
    "Umu4_sq": r"$|U_{\mu 4}|^2$",
    "Utau4_sq": r"$|U_{\tau 4}|^2$",
    "sin2_2theta_mue": r"$\sin^2 2\theta_{\mu e}$",
    "sin2_2theta_ee": r"$\sin^2 2\theta_{ee}$",
    "sin2_2theta_mumu": r"$\sin^2 2\theta_{\mu\mu}$",
    "sin2_2theta_14": r"$\sin^2 2\theta_{14}$",
    "sin2_2theta_24": r"$\sin^2 2\theta_{24}$",
    # dark sector (models/DARK_SECTOR.md)
    "m_N": r"$m_N\ [\mathrm{GeV}]$",
    "m_ZD": r"$m_{Z_D}\ [\mathrm{GeV}]$",
    "alpha_D": r"$\alpha_D$",
    "alpha_eps2": r"$\alpha\epsilon^2$",
    "m4": r"$m_4\ [\mathrm{GeV}]$",
    "m_Zprime": r"$m_{Z'}\ [\mathrm{GeV}]$",
    "chi_sq": r"$\chi^2$",
    "alpha_prime": r"$\alpha'$",
    "ctau_N_m": r"$c\tau_N\ [\mathrm{m}]$",
    "ctau_ZD_m": r"$c\tau_{Z_D}\ [\mathrm{m}]$",
    "ctau_nu4_m": r"$c\tau_{\nu_4}\ [\mathrm{m}]$",
}


class RunError(Exception):
    """Bad input: missing file, not a nubayes run file, unknown parameter, ..."""


def _str(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return _str(v.reshape(-1)[0])
        return ", ".join(_str(x) for x in v.reshape(-1))
    return str(v)


def _scalar(v):
    """Numeric attributes are 1-element arrays; strings stay strings."""
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.reshape(-1)[0]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.generic):
        return v.item()
    return v


def logsumexp(a):
    a = np.asarray(a, dtype=float)
    m = np.max(a)
    if not np.isfinite(m):
        return m
    return m + np.log(np.sum(np.exp(a - m)))


def mathtext(name, latex=""):
    """A matplotlib mathtext label from the dataset's `latex` attribute (or a known fallback)."""
    latex = (latex or "").strip()
    if not latex or latex == name:
        if name in KNOWN_LATEX:
            return KNOWN_LATEX[name]
        return name.replace("_", r"\_") if "$" not in name else name
    if "$" in latex:
        return latex
    if "\\" in latex or "^" in latex or "{" in latex:
        return "$" + latex + "$"
    return latex.replace("_", r"\_")


def prior_bounds(prior):
    """(lo, hi) for "uniform LO HI" / "log-uniform LO HI", else None."""
    parts = (prior or "").split()
    if len(parts) == 3 and parts[0] in ("uniform", "log-uniform"):
        try:
            return float(parts[1]), float(parts[2])
        except ValueError:
            return None
    return None


class Run:
    """One run file's samples, weights and metadata (see module docstring)."""

    def __init__(self, path, names, latex, prior, derived, samples, weights, attrs, logl, source):
        self.path = path
        self.names = names
        self.latex = latex
        self.prior = prior
        self.derived = derived
        self.samples = samples
        self.weights = weights
        self.attrs = attrs
        self.logl = logl
        self.source = source

    # metadata -------------------------------------------------------------
    @property
    def model(self):
        return _str(self.attrs.get("model", "?"))

    @property
    def datasets(self):
        return _str(self.attrs.get("datasets", ""))

    @property
    def status(self):
        return _str(self.attrs.get("status", "?"))

    @property
    def logz(self):
        v = self.attrs.get("logz")
        return None if v is None else float(v)

    @property
    def logz_err(self):
        v = self.attrs.get("logz_err")
        return None if v is None else float(v)

    @property
    def label(self):
        """"model (datasets)" for legends."""
        ds = self.datasets.replace(",", ", ").replace(",  ", ", ")
        return "%s (%s)" % (self.model, ds) if ds and ds != self.model else self.model

    @property
    def sampled(self):
        return [n for n in self.names if not self.derived[n] and not self.is_fixed(n)]

    def is_fixed(self, name):
        return self.prior.get(name, "").split()[:1] == ["fixed"]

    def is_log(self, name):
        return self.prior.get(name, "").split()[:1] == ["log-uniform"]

    def bounds(self, name):
        return prior_bounds(self.prior.get(name, ""))

    def label_of(self, name):
        return mathtext(name, self.latex.get(name, ""))

    def ess(self):
        w = self.weights
        return 1.0 / np.sum(w * w) if len(w) else 0.0

    def check_params(self, names):
        for n in names:
            if n not in self.samples:
                raise RunError("%s: unknown parameter '%s' (available: %s)"
                               % (self.path, n, ", ".join(self.names) or "none"))


def _member_names(group):
    """Member names in creation order (the run files track it: [prior] order), else by name."""
    import h5py
    out = []
    try:
        group.id.links.iterate(lambda n: out.append(n.decode("utf-8")),
                               idx_type=h5py.h5.INDEX_CRT_ORDER)
        if sorted(out) == sorted(group.keys()):
            return out
    except Exception:
        pass
    return list(group.keys())


def read_run(path, source="nested"):
    """Read a nubayes run file; source "nested" (weighted rows) or "posterior" (equal weights)."""
    import h5py

    if source not in ("nested", "posterior"):
        raise RunError("source must be 'nested' or 'posterior', not '%s'" % source)
    if not os.path.exists(path):
        raise RunError("%s: no such file" % path)
    if os.path.isdir(path):
        raise RunError("%s: is a directory, not a nubayes run file" % path)
    try:
        f = h5py.File(path, "r", swmr=True)
    except Exception:
        try:
            f = h5py.File(path, "r")
        except Exception as e:
            raise RunError("%s: not a nubayes run file (cannot open as HDF5: %s)"
                           % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    with f:
        attrs = {k: _scalar(v) for k, v in f.attrs.items()}
        if _str(attrs.get("schema", "")) != SCHEMA:
            raise RunError("%s: not a nubayes run file (root attribute schema != '%s')"
                           % (path, SCHEMA))
        if "mcmc" in f and "nested_sampling" not in f:
            return _read_mcmc(path, f, attrs, source)
        if "nested_sampling" not in f:
            raise RunError("%s: not a nubayes run file (no /nested_sampling or /mcmc group)" % path)
        ns = f["nested_sampling"]
        names = [k for k in _member_names(ns)
                 if hasattr(ns[k], "shape") and "is_derived" in ns[k].attrs]
        latex = {n: _str(ns[n].attrs.get("latex", n)) for n in names}
        prior = {n: _str(ns[n].attrs.get("prior", "")) for n in names}
        derived = {n: bool(_scalar(ns[n].attrs.get("is_derived", 0))) for n in names}
        if source == "nested":
            if "logwt" not in ns:
                raise RunError("%s: not a nubayes run file (no /nested_sampling/logwt)" % path)
            n = ns["sample"].shape[0] if "sample" in ns else ns["logwt"].shape[0]
            n = min([n, ns["logwt"].shape[0]] + [ns[k].shape[0] for k in names])
            logwt = np.asarray(ns["logwt"][:n], dtype=float)
            samples = {k: np.asarray(ns[k][:n], dtype=float) for k in names}
            logl = np.asarray(ns["logl"][:n], dtype=float) if "logl" in ns else None
            ok = np.isfinite(logwt)
            if n == 0 or not ok.any():
                raise RunError("%s: no nested-sampling rows with finite weight yet" % path)
            w = np.zeros(n)
            w[ok] = np.exp(logwt[ok] - logsumexp(logwt[ok]))
        else:
            if "posterior" not in f:
                raise RunError("%s: no /posterior group (run not complete?); use the nested rows"
                               % path)
            post = f["posterior"]
            missing = [k for k in names if k not in post]
            if missing:
                raise RunError("%s: /posterior lacks %s" % (path, ", ".join(missing)))
            samples = {k: np.asarray(post[k][()], dtype=float).reshape(-1) for k in names}
            n = len(samples[names[0]]) if names else 0
            w = np.full(n, 1.0 / n) if n else np.zeros(0)
            logl = None
            if "sample_stats" in f and "loglike" in f["sample_stats"]:
                logl = np.asarray(f["sample_stats"]["loglike"][()], dtype=float).reshape(-1)
    return Run(path, names, latex, prior, derived, samples, w, attrs, logl, source)


def _read_mcmc(path, f, attrs, source):
    """An MCMC run: source "nested" reads the post-burn-in draws of /mcmc (also while the run
    goes), "posterior" the final /posterior group; all draws weigh the same."""
    m = f["mcmc"]
    s = m["samples"]
    fields = {k: _str(s.attrs.get(k, "")).split("\n") for k in ("names", "latex", "prior", "is_derived")}
    names = fields["names"]
    if s.shape[2] != len(names) or any(len(v) != len(names) for v in fields.values()):
        raise RunError("%s: /mcmc/samples metadata does not match its %d parameters" % (path, s.shape[2]))
    latex = dict(zip(names, fields["latex"]))
    prior = dict(zip(names, fields["prior"]))
    derived = {n: d == "1" for n, d in zip(names, fields["is_derived"])}
    if source == "nested":
        burn = int(_scalar(m.attrs.get("burn_draws", 0)))
        ndraw = min(m["draw"].shape[0], s.shape[1], m["log_likelihood"].shape[1])
        if ndraw <= burn:
            raise RunError("%s: no post-burn-in MCMC draws yet" % path)
        block = np.asarray(s[:, burn:ndraw, :], dtype=float)
        samples = {n: block[:, :, i].reshape(-1) for i, n in enumerate(names)}
        logl = np.asarray(m["log_likelihood"][:, burn:ndraw], dtype=float).reshape(-1)
    else:
        if "posterior" not in f:
            raise RunError("%s: no /posterior group (run not complete?); use the /mcmc draws" % path)
        post = f["posterior"]
        samples = {n: np.asarray(post[n][()], dtype=float).reshape(-1) for n in names}
        logl = np.asarray(f["sample_stats"]["loglike"][()], dtype=float).reshape(-1)
    n = len(samples[names[0]]) if names else 0
    w = np.full(n, 1.0 / n) if n else np.zeros(0)
    return Run(path, names, latex, prior, derived, samples, w, attrs, logl, source)


# --- shared command-line plumbing -------------------------------------------------------

class OneLineParser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr and exit code 2."""

    def error(self, message):
        sys.stderr.write("%s: error: %s (see --help)\n" % (self.prog, message))
        sys.exit(2)


def fail(prog, message):
    sys.stderr.write("%s: error: %s\n" % (prog, " ".join(str(message).split("\n"))))
    sys.exit(2)


def unique_labels(runs, sep=" "):
    """Legend labels "model (datasets)"; labels shared by several runs get the file name."""
    labels = [r.label for r in runs]
    return ["%s%s[%s]" % (l, sep, os.path.basename(r.path)) if labels.count(l) > 1 else l
            for l, r in zip(labels, runs)]


def parse_names(text):
    return [s.strip() for s in (text or "").split(",") if s.strip()]


def parse_assignments(text, what="--truth"):
    out = {}
    for item in parse_names(text):
        if "=" not in item:
            raise RunError("%s: expected name=value, got '%s'" % (what, item))
        k, v = item.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise RunError("%s: '%s' is not a number" % (what, v))
    return out


def main(argv=None):
    p = OneLineParser(prog="nubayes_read.py",
                      description="Print a one-line summary (and parameters) of nubayes run files.")
    p.add_argument("runs", nargs="+", metavar="RUN.h5")
    p.add_argument("--posterior", action="store_true",
                   help="read the /posterior equal-weight draws instead of /nested_sampling")
    a = p.parse_args(argv)
    try:
        for path in a.runs:
            r = read_run(path, "posterior" if a.posterior else "nested")
            lz = "n/a" if r.logz is None else "%.4f +- %.4f" % (r.logz, r.logz_err or 0.0)
            print("%s: %s, status %s, ln Z %s, %d rows, ESS %.0f" %
                  (path, r.label, r.status, lz, len(r.weights), r.ess()))
            for n in r.names:
                w = r.weights
                mean = float(np.sum(w * r.samples[n]))
                kind = "derived" if r.derived[n] else (r.prior[n] or "?")
                print("  %-20s %-28s mean %.6g" % (n, kind, mean))
    except RunError as e:
        fail(p.prog, e)


if __name__ == "__main__":
    main()
