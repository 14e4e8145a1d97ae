#!/usr/bin/python3
"""Checks that a finalized nubayes run file opens in xarray as netCDF-4 (engine h5netcdf).

usage: /usr/bin/python3 check_run_file_xarray.py RUN_FILE EXPECTED_JSON

EXPECTED_JSON holds what the file must contain:
  {"rows": 50,                                   # length of /nested_sampling
   "attrs": {"status": "complete", "logz": -3.5},  # root attributes (numbers compared exactly)
   "groups": {"posterior": {"a": [..], ...}, "sample_stats": {...}, "log_likelihood": {...}},
   "variable_attrs": {"a": {"latex": "a", "is_derived": 0}, ...}}  # on /posterior variables
Exits 0 when everything matches; prints what differs and exits 1 otherwise.
"""
import json
import sys

import numpy as np
import xarray as xr


def fail(message):
    print(f"check_run_file_xarray: {message}", file=sys.stderr)
    sys.exit(1)


def scalar(value):
    """Numeric attributes are stored as 1-element arrays; strings come back as str."""
    if isinstance(value, (str, bytes)):
        return value.decode() if isinstance(value, bytes) else value
    return np.ravel(value)[0].item()


def open_group(path, group):
    return xr.open_dataset(path, group=group, engine="h5netcdf")


def check_draw_group(path, group, expected, variable_attrs):
    ndraw = len(next(iter(expected.values()))) if expected else None
    with open_group(path, group) as ds:
        if set(ds.data_vars) != set(expected):
            fail(f"/{group}: variables {sorted(ds.data_vars)}, expected {sorted(expected)}")
        if ndraw is not None and dict(ds.sizes) != {"chain": 1, "draw": ndraw}:
            fail(f"/{group}: sizes {dict(ds.sizes)}, expected chain=1 draw={ndraw}")
        if ndraw is not None and list(ds["draw"].values) != list(range(ndraw)):
            fail(f"/{group}: draw coordinate is not 0..{ndraw - 1}")
        for name, values in expected.items():
            var = ds[name]
            if var.dims != ("chain", "draw") or var.dtype != np.float64:
                fail(f"/{group}/{name}: dims {var.dims} dtype {var.dtype}")
            if not np.array_equal(var.values[0], np.asarray(values, dtype=float)):
                fail(f"/{group}/{name}: values {var.values[0]}, expected {values}")
            for key, want in variable_attrs.get(name, {}).items():
                got = scalar(var.attrs.get(key))
                if got != want:
                    fail(f"/{group}/{name}: attribute {key}={got!r}, expected {want!r}")


def main():
    if len(sys.argv) != 3:
        fail(__doc__)
    path = sys.argv[1]
    with open(sys.argv[2]) as f:
        expected = json.load(f)

    with xr.open_dataset(path, engine="h5netcdf") as root:
        for key, want in expected.get("attrs", {}).items():
            got = scalar(root.attrs.get(key))
            if got != want:
                fail(f"root attribute {key}={got!r}, expected {want!r}")
    with open_group(path, "nested_sampling") as ns:
        if dict(ns.sizes) != {"sample": expected["rows"]}:
            fail(f"/nested_sampling: sizes {dict(ns.sizes)}, expected sample={expected['rows']}")
    for group, variables in expected["groups"].items():
        attrs = expected.get("variable_attrs", {}) if group == "posterior" else {}
        check_draw_group(path, group, variables, attrs)
    print("check_run_file_xarray: OK")


if __name__ == "__main__":
    main()
