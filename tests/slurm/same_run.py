"""same_run.py A.h5 B.h5: exit 0 if two complete nubayes runs are bitwise identical (ln Z, its
error and every /nested_sampling and /posterior dataset), else print the first difference and
exit 1. The SLURM tests compare a run that was interrupted, requeued and resumed with an
uninterrupted one of the same config, seed and rank count."""
import sys

import h5py
import numpy as np


def main(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for f, path in ((a, a_path), (b, b_path)):
            if f.attrs["status"] != "complete":
                return f"{path}: status {f.attrs['status']!r}, not complete"
        for key in ("logz", "logz_err"):
            if not np.array_equal(a.attrs[key], b.attrs[key]):
                return f"attribute {key}: {a.attrs[key]} != {b.attrs[key]}"
        for group in ("nested_sampling", "posterior"):
            if sorted(a[group]) != sorted(b[group]):
                return f"/{group}: datasets {sorted(a[group])} != {sorted(b[group])}"
            for name in a[group]:
                x, y = a[group][name][()], b[group][name][()]
                if x.shape != y.shape or not np.array_equal(x, y):
                    return f"/{group}/{name} differs"
    return None


if __name__ == "__main__":
    problem = main(sys.argv[1], sys.argv[2])
    if problem:
        print(f"runs differ: {problem}", file=sys.stderr)
        sys.exit(1)
