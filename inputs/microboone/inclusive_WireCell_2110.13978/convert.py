#!/usr/bin/python3
"""Converts the MicroBooNE Wire-Cell inclusive νe release (HEPData yaml, arXiv:2110.13978) to the
plain whitespace tables that likelihoods/microboone_inclusive.cpp reads (MANIFEST.md says which).

Usage: /usr/bin/python3 convert.py SOURCE_DIR   (SOURCE_DIR = the release folder holding
DataRelease_v2/, DataRelease_v3/ and muB_1eX_eLEE_Chi2_Official.csv, e.g. shared/data/MicroBooNE/
inclusive_WireCell_2110.13978). Writes into this script's folder and prints the sha256 of every
source and output file for the MANIFEST. Numbers are written with repr(float): the shortest text
that reads back as the same double, so the conversion is lossless.
"""
import hashlib
import pathlib
import shutil
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
# The 7 channels in the release's block order (submission.yaml), bins, and whether a LEE column exists.
CHANNELS = [("nueCC_FC", 26, True), ("nueCC_PC", 26, True), ("numuCC_FC", 26, False),
            ("numuCC_PC", 26, False), ("numuCCpi0_FC", 11, False), ("numuCCpi0_PC", 11, False),
            ("NCpi0", 11, False)]
TOTAL = sum(c[1] for c in CHANNELS)  # 137
STRENGTHS = 21  # cov_lee_x_00 ... cov_lee_x_20: x = 0.0, 0.1, ..., 2.0
SMEARING_BINS = 60  # the v3 energy-resolution matrices: 0.05 GeV bins, 0-3 GeV


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(path):
    y = yaml.safe_load(path.read_text())
    cols = [[float(v["value"]) for v in d["values"]] for d in y["dependent_variables"]]
    names = [d["header"]["name"] for d in y["dependent_variables"]]
    edges = [(float(v["low"]), float(v["high"])) for v in y["independent_variables"][0]["values"]]
    return names, cols, edges


def write(path, header, rows):
    with open(path, "w") as out:
        for line in header:
            out.write("# " + line + "\n")
        for row in rows:
            out.write(" ".join(repr(v) for v in row) + "\n")
    print(f"{sha256(path)}  {path.name}  ({len(rows)} rows)")


def spectrum(src, name, bins, lee, out_name, kind):
    path = src / "DataRelease_v2" / f"{name}.yaml"
    print(f"{sha256(path)}  source DataRelease_v2/{path.name}")
    names, cols, edges = columns(path)
    assert len(cols) == (4 if lee else 3), names
    assert all(len(c) == bins for c in cols) and len(edges) == bins, path
    columns_text = "E_lo E_hi [GeV] data background signal+background" + (
        " signal+background+LEE(x=1)" if lee else "")
    header = [f"MicroBooNE Wire-Cell inclusive, {kind} {name} (arXiv:2110.13978)",
              f"converted by convert.py from DataRelease_v2/{path.name}; last bin = overflow",
              "columns: " + columns_text, "source column names: " + " | ".join(names)]
    rows = [[edges[i][0], edges[i][1]] + [c[i] for c in cols] for i in range(bins)]
    write(HERE / out_name, header, rows)


def matrix(src, name, n, out_name, what):
    path = src / "DataRelease_v2" / f"{name}.yaml"
    print(f"{sha256(path)}  source DataRelease_v2/{path.name}")
    y = yaml.safe_load(path.read_text())
    values = [float(v["value"]) for v in y["dependent_variables"][0]["values"]]
    assert len(values) == n * n, path
    m = [values[i * n:(i + 1) * n] for i in range(n)]
    assert all(m[i][j] == m[j][i] for i in range(n) for j in range(n)), f"{path} not symmetric"
    write(HERE / out_name, [f"MicroBooNE Wire-Cell inclusive, {what} (arXiv:2110.13978)",
                            f"converted by convert.py from DataRelease_v2/{path.name}",
                            f"{n} x {n} absolute covariance [events^2], no data-statistics term"], m)


def smearing(src, name, out_name):
    """A v3 true-vs-reco smearing matrix (HEPData: one value per (true index, reco index) pair) as a
    60 x 60 table, rows = true-energy bins, columns = reconstructed-energy bins (0.05 GeV, 0-3 GeV)."""
    path = src / "DataRelease_v3" / f"{name}_energy_res.yaml"
    print(f"{sha256(path)}  source DataRelease_v3/{path.name}")
    y = yaml.safe_load(path.read_text())
    values = [float(v["value"]) for v in y["dependent_variables"][0]["values"]]
    true_index = [int(v["value"]) for v in y["independent_variables"][0]["values"]]
    reco_index = [int(v["value"]) for v in y["independent_variables"][1]["values"]]
    n = SMEARING_BINS
    assert len(values) == n * n and sorted(zip(true_index, reco_index)) == [
        (t, r) for t in range(n) for r in range(n)], path
    m = [[0.0] * n for _ in range(n)]
    for t, r, v in zip(true_index, reco_index, values):
        m[t][r] = v
    write(HERE / out_name, [f"MicroBooNE Wire-Cell inclusive, {name} energy resolution (arXiv:2110.13978, v3)",
                            f"converted by convert.py from DataRelease_v3/{path.name}",
                            f"{n} x {n}: row = true E_nu bin, column = reconstructed E_nu bin, 0.05 GeV "
                            "bins from 0 to 3 GeV; selected MC events in the fiducial volume"], m)


def main():
    src = pathlib.Path(sys.argv[1])
    for name, bins, lee in CHANNELS:
        spectrum(src, name, bins, lee, f"{name}.txt", "unconstrained")
    spectrum(src, "constrained_nueCC_FC", 26, True, "constrained_nueCC_FC.txt",
             "nueCC FC constrained by the other 6 channels under x = 0:")
    matrix(src, "constrained_nueCC_FC_cov", 26, "constrained_nueCC_FC_cov.txt",
           "constrained nueCC FC covariance (x = 0)")
    for k in range(STRENGTHS):
        matrix(src, f"cov_lee_x_{k:02d}", TOTAL, f"cov_lee_x_{k:02d}.txt",
               f"7-channel systematic covariance at LEE strength x = {k / 10:.1f}")
    for name in ("nueCC_FC", "nueCC_PC", "numuCC_FC", "numuCC_PC"):
        smearing(src, name, f"{name}_energy_res.txt")
    official = src / "muB_1eX_eLEE_Chi2_Official.csv"
    shutil.copyfile(official, HERE / official.name)
    print(f"{sha256(HERE / official.name)}  {official.name}  (byte-identical copy)")


if __name__ == "__main__":
    main()
