#!/usr/bin/env python3
"""The main job's headline tables (jobs/main_job.sh): per data set, ln Z, ln B against no signal,
model probabilities, each ln B with its prior and with the range it spans under the alternative
priors (nubayes reweight), and per model the PG test of MiniBooNE against the rest.

Usage: headline.py OUTDIR --priors jobs/main_priors.txt [--markdown FILE]
Reads OUTDIR/compare-{uboone,all,miniboone}.json, OUTDIR/{uboone,all,miniboone}/MODEL.prior-LABEL.json and
OUTDIR/pg-MODEL.json, and the priors from the run files."""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nubayes_read  # noqa: E402

MODELS = [("no-signal", "no signal"), ("3+1", "3+1"), ("dark-zd", "dark Z_D"),
          ("heavy-zprime", "heavy Z'")]
SETS = [("uboone", "All data + MicroBooNE inclusive nu_e (Wire-Cell; no model's e+e- pairs enter it)"),
        ("all", "All data: appearance (MiniBooNE 2018, LSND) + nue and numu disappearance"),
        ("miniboone", "MiniBooNE 2018 nu + nubar alone")]


def read_alternatives(path):
    """{model: [(label, prior lines)]} from the priors file."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            model, label, lines = line.split(None, 2)
            out.setdefault(model, []).append((label, [x.strip() for x in lines.split(";")]))
    return out


def alternative_logz(path):
    """(ln Z, error, how) from a reweight --json file or a fresh run's compare --json file."""
    with open(path) as f:
        doc = json.load(f)
    if isinstance(doc, list):
        return doc[0]["lnZ"], doc[0]["err"], "fresh run"
    return doc["logz"], doc["logz_err"], "reweighted, ESS %s" % fmt(doc.get("ess"), "%.0f")


def fmt(value, spec):
    """A number in `spec`, or 'n/a' where the JSON has none (null: not finite)."""
    return "n/a" if value is None else spec % value


def short_prior(text):
    """'log-uniform 0.10000000000000001 0.6' -> 'log-uniform 0.1 0.6'."""
    words = text.split()
    out = words[:1]
    for w in words[1:]:
        try:
            out.append("%g" % float(w))
        except ValueError:
            out.append(w)
    return " ".join(out)


def prior_text(run_path):
    run = nubayes_read.read_run(run_path)
    return ", ".join("%s %s" % (n, short_prior(run.prior[n])) for n in run.sampled)


def table(outdir, key, title, alternatives, markdown):
    with open(os.path.join(outdir, "compare-%s.json" % key)) as f:
        entries = json.load(f)
    by_model = {os.path.splitext(os.path.basename(e["run"]))[0]: e for e in entries}
    null = by_model["no-signal"]["lnZ"]
    null_err = by_model["no-signal"]["err"]
    lines, md, notes = [], [], []
    lines.append("== " + title)
    header = "%-10s %10s %14s %8s  %-22s %s" % ("model", "ln Z", "ln B vs none", "P(model)",
                                                  "ln B range (priors)", "PG MiniBooNE vs rest")
    lines.append(header)
    md.append("| model | ln Z | ln B vs no signal | P(model) | ln B over the alternative priors | "
              "PG: MiniBooNE vs rest |")
    md.append("|---|---|---|---|---|---|")
    for name, label in MODELS:
        e = by_model[name]
        lnb = "%.2f ± %.2f" % (e["lnB_vs_ref"], e["lnB_err"]) if name != "no-signal" else "0 (ref.)"
        span, pg = "", ""
        alts = []
        for alt_label, _ in alternatives.get(name, []):
            path = os.path.join(outdir, key, "%s.prior-%s.json" % (name, alt_label))
            if os.path.exists(path):
                z, err, how = alternative_logz(path)
                alts.append((alt_label, z - null, math.hypot(err, null_err), how))
        if alts:
            values = [e["lnB_vs_ref"]] + [a[1] for a in alts]
            span = "%.2f .. %.2f" % (min(values), max(values))
            for alt_label, b, err, how in alts:
                notes.append("  %s, %s: ln B = %.2f ± %.2f (%s)" % (label, alt_label, b, err, how))
        pg_path = os.path.join(outdir, "pg-%s.json" % name)
        if key == "all" and os.path.exists(pg_path):
            with open(pg_path) as f:
                p = json.load(f)
            if name == "3+1":
                pg = "chi2 %s / %d dof, %s sigma" % (fmt(p["chi2_pg"], "%.2f"), p["dof"],
                                                     fmt(p["sigma"], "%.2f"))
            else:  # the rest is blind to the dark models (docs/models_on_experiments.md)
                pg = "not testable (rest blind; chi2 %s)" % fmt(p["chi2_pg"], "%.2f")
        lines.append("%-10s %10.2f %14s %8.3f  %-22s %s" % (label, e["lnZ"], lnb, e["posterior_prob"],
                                                            span, pg))
        md.append("| %s | %.2f ± %.2f | %s | %.3f | %s | %s |" % (label, e["lnZ"], e["err"], lnb,
                                                                  e["posterior_prob"], span or "—",
                                                                  pg or "—"))
    lines.append("priors (each ln B holds for these; equal prior odds of the four models):")
    md.append("")
    md.append("Priors: equal prior odds for the four models, and")
    for name, label in MODELS:
        text = prior_text(os.path.join(outdir, key, name + ".h5")) or "no free parameter"
        lines.append("  %s: %s" % (label, text))
        md.append("- %s: %s" % (label, text))
    if notes:
        lines.append("alternative priors (jobs/main_priors.txt):")
        lines.extend(notes)
        md.append("")
        md.append("Alternative priors (`jobs/main_priors.txt`):")
        md.extend("- " + n.strip() for n in notes)
    return lines, md


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--priors", required=True)
    ap.add_argument("--markdown")
    a = ap.parse_args(argv)
    alternatives = read_alternatives(a.priors)
    md_all = []
    for key, title in SETS:
        lines, md = table(a.outdir, key, title, alternatives, a.markdown)
        print("\n".join(lines))
        print()
        md_all += ["### " + title, ""] + md + [""]
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(md_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
