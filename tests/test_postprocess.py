#!/usr/bin/python3
"""Tests of the Python postprocessing (postprocess/*.py).

Run from the repository root:  /usr/bin/python3 -m unittest -v tests/test_postprocess.py
(also registered with CTest as `postprocess_python`).  Uses only numpy, scipy, matplotlib, h5py.
The real-run check uses $NUBAYES_BINARY, else build/nubayes, and is skipped if neither exists.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PP = os.path.join(REPO, "postprocess")
sys.path.insert(0, PP)

import corner  # noqa: E402
import nubayes_read  # noqa: E402

PY = sys.executable or "/usr/bin/python3"
ENV = dict(os.environ, MPLBACKEND="Agg")

# the known Gaussian: mean, standard deviations, correlation
MU = np.array([0.3, -0.2])
SIG = np.array([1.0, 0.5])
RHO = 0.6
COV = np.array([[SIG[0] ** 2, RHO * SIG[0] * SIG[1]], [RHO * SIG[0] * SIG[1], SIG[1] ** 2]])


def gauss_logpdf(xy):
    d = xy - MU
    icov = np.linalg.inv(COV)
    return -0.5 * np.einsum("ni,ij,nj->n", d, icov, d) - np.log(2 * np.pi * np.sqrt(np.linalg.det(COV)))


def write_run(path, columns, logwt, logl, model="toy", datasets="fake-a, fake-b", logz=-12.5,
              logz_err=0.2, status="complete"):
    """A minimal file in the nubayes run layout (only what the reader needs).
    columns: {name: (values, latex, prior, is_derived)}."""
    import h5py
    n = len(logwt)
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "nubayes-run"
        f.attrs["schema_version"] = np.array([1])
        f.attrs["model"] = model
        f.attrs["datasets"] = datasets
        f.attrs["status"] = status
        f.attrs["logz"] = np.array([logz])
        f.attrs["logz_err"] = np.array([logz_err])
        g = f.create_group("nested_sampling", track_order=True)
        g.create_dataset("sample", data=np.arange(n, dtype=np.int64))
        for name, (v, latex, prior, derived) in columns.items():
            d = g.create_dataset(name, data=np.asarray(v, dtype=float))
            d.attrs["latex"] = latex
            d.attrs["units"] = ""
            d.attrs["prior"] = prior
            d.attrs["is_derived"] = np.array([1 if derived else 0])
        g.create_dataset("logl", data=np.asarray(logl, dtype=float))
        g.create_dataset("logwt", data=np.asarray(logwt, dtype=float))


def png_info(path):
    with open(path, "rb") as fh:
        head = fh.read(33)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", head[16:24])
    return w, h


class PostprocessTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nubayes_pp_")
        rng = np.random.default_rng(12345)
        # run 1: equal-weight draws of the known Gaussian (x, y), a log-normal "mass" with a
        # log-uniform prior, and the two sterile variables so that sterile_region.py works too
        n = 20000
        xy = rng.multivariate_normal(MU, COV, size=n)
        ldm = rng.normal(0.0, 0.3, size=n)                   # log10 dm2_41
        ls = -1.5 - 0.8 * ldm + rng.normal(0, 0.15, size=n)  # log10 sin2_2theta_mue
        cols = {
            "x": (xy[:, 0], r"\theta_x", "uniform -5 5", False),
            "y": (xy[:, 1], r"\theta_y", "uniform -5 5", False),
            "dm2_41": (10 ** ldm, "dm2_41", "log-uniform 0.01 100", False),
            "Umu4_sq": (np.full(n, 0.01), "Umu4_sq", "fixed 0.01", False),
            "sin2_2theta_mue": (10 ** ls, "sin2_2theta_mue", "", True),
        }
        cls.run1 = os.path.join(cls.tmp, "toy1.h5")
        write_run(cls.run1, cols, np.zeros(n), gauss_logpdf(xy), model="toy",
                  datasets="fake-a, fake-b", logz=-12.5, logz_err=0.2)
        # run 2: importance weights from a uniform proposal, shifted Gaussian
        m = 60000
        xy2 = rng.uniform(-4, 4, size=(m, 2))
        lw = gauss_logpdf(xy2 - np.array([0.5, 0.3]))
        ldm2 = rng.uniform(-2, 2, size=m)
        lw = lw - 0.5 * ((ldm2 - 0.3) / 0.4) ** 2
        ls2 = -1.2 - 0.8 * ldm2 + rng.normal(0, 0.2, size=m)
        cols2 = {
            "x": (xy2[:, 0], r"\theta_x", "uniform -5 5", False),
            "y": (xy2[:, 1], r"\theta_y", "uniform -5 5", False),
            "dm2_41": (10 ** ldm2, "dm2_41", "log-uniform 0.01 100", False),
            "Umu4_sq": (np.full(m, 0.01), "Umu4_sq", "fixed 0.01", False),
            "sin2_2theta_mue": (10 ** ls2, "sin2_2theta_mue", "", True),
        }
        cls.run2 = os.path.join(cls.tmp, "toy2.h5")
        write_run(cls.run2, cols2, lw, lw, model="toy2", datasets="fake-a",
                  logz=-10.1, logz_err=0.25)
        cls.notrun = os.path.join(cls.tmp, "not_a_run.h5")
        with open(cls.notrun, "w") as fh:
            fh.write("this is not HDF5\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # helpers ----------------------------------------------------------------------------
    def script(self, name, *args):
        return subprocess.run([PY, os.path.join(PP, name)] + list(args), env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)

    def assert_ok(self, p):
        self.assertEqual(p.returncode, 0, "stdout:\n%s\nstderr:\n%s" % (p.stdout, p.stderr))

    def assert_png(self, path):
        self.assertTrue(os.path.exists(path), path)
        self.assertGreater(os.path.getsize(path), 10 * 1024, path)
        info = png_info(path)
        self.assertIsNotNone(info, "%s is not a PNG" % path)
        w, h = info
        self.assertTrue(300 <= w <= 5000 and 300 <= h <= 5000, "%s is %dx%d" % (path, w, h))

    def assert_bad_input(self, p, needle):
        self.assertEqual(p.returncode, 2, "stderr:\n%s" % p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, "expected one line on stderr, got:\n%s" % p.stderr)
        self.assertIn(needle, lines[0])

    # (a) reader and plots on synthetic files ---------------------------------------------
    def test_reader(self):
        r = nubayes_read.read_run(self.run1)
        self.assertEqual(r.names, ["x", "y", "dm2_41", "Umu4_sq", "sin2_2theta_mue"])
        self.assertEqual(r.sampled, ["x", "y", "dm2_41"])
        self.assertTrue(r.is_log("dm2_41") and not r.is_log("x"))
        self.assertTrue(r.derived["sin2_2theta_mue"] and r.is_fixed("Umu4_sq"))
        self.assertEqual(r.label_of("x"), r"$\theta_x$")
        self.assertIn(r"\Delta m^2_{41}", r.label_of("dm2_41"))
        self.assertAlmostEqual(r.logz, -12.5)
        self.assertAlmostEqual(r.logz_err, 0.2)
        self.assertEqual(r.model, "toy")
        self.assertEqual(r.datasets, "fake-a, fake-b")
        self.assertAlmostEqual(float(np.sum(r.weights)), 1.0, places=12)
        r2 = nubayes_read.read_run(self.run2)
        w = r2.weights
        mean = [np.sum(w * r2.samples[k]) for k in ("x", "y")]
        np.testing.assert_allclose(mean, MU + np.array([0.5, 0.3]), atol=0.05)
        sd = np.sqrt(np.sum(w * (r2.samples["x"] - mean[0]) ** 2))
        self.assertAlmostEqual(sd, SIG[0], delta=0.05)

    def test_corner_png_and_pdf(self):
        out = os.path.join(self.tmp, "corner.png")
        p = self.script("corner.py", self.run1, self.run2, "--out", out,
                        "--truth", "x=0.3,y=-0.2", "--smooth", "1.0")
        self.assert_ok(p)
        self.assert_png(out)
        self.assertIn("x, y, dm2_41", p.stdout)  # default: sampled parameters only
        out2 = os.path.join(self.tmp, "corner_sel.pdf")
        p = self.script("corner.py", self.run1, "--params", "x,sin2_2theta_mue", "--bins", "30",
                        "--log", "sin2_2theta_mue", "--labels", "toy run", "--out", out2)
        self.assert_ok(p)
        with open(out2, "rb") as fh:
            self.assertEqual(fh.read(5), b"%PDF-")

    def test_evidence_bars(self):
        out = os.path.join(self.tmp, "evidence.png")
        p = self.script("evidence_bars.py", self.run1, self.run2, "--reference", self.run1,
                        "--out", out)
        self.assert_ok(p)
        self.assert_png(out)
        self.assertIn("+2.400", p.stdout)  # ln B of run 2 against run 1

    def test_sterile_region(self):
        out = os.path.join(self.tmp, "region.png")
        p = self.script("sterile_region.py", self.run1, self.run2, "--out", out)
        self.assert_ok(p)
        self.assert_png(out)
        # With MicroBooNE's official contour: a different picture, same axes only.
        out2 = os.path.join(self.tmp, "region-uboone.png")
        p = self.script("sterile_region.py", self.run1, "--microboone", "--out", out2)
        self.assert_ok(p)
        self.assert_png(out2)
        with open(out, "rb") as a, open(out2, "rb") as b:
            self.assertNotEqual(a.read(), b.read())
        self.assert_bad_input(self.script("sterile_region.py", self.run1, "--microboone", "--y", "Umu4_sq",
                                          "--out", out2), "--microboone needs")

    def test_help(self):
        for s in ("corner.py", "evidence_bars.py", "sterile_region.py", "nubayes_read.py", "trace.py", "spectrum.py",
                  "dark_region.py"):
            p = self.script(s, "--help")
            self.assert_ok(p)
            self.assertIn("usage", p.stdout)

    # (b) the contour levels enclose the stated mass of a known Gaussian ------------------
    def check_levels(self, xy, w, rng):
        # the plot ranges corner.py would use (weighted quantiles, padded)
        xr = corner.data_range(xy[:, 0], w)
        yr = corner.data_range(xy[:, 1], w)
        h, xe, ye = corner.density_2d(xy[:, 0], xy[:, 1], w, xr, yr, bins=40, smooth=1.0)
        levels = corner.credible_levels(h, (0.68, 0.95))
        self.assertGreater(levels[0], levels[1])
        # the smoothed mass inside each region is the stated one (by construction)
        self.assertAlmostEqual(h[h >= levels[0]].sum(), 0.68, delta=0.02)
        self.assertAlmostEqual(h[h >= levels[1]].sum(), 0.95, delta=0.02)
        # an independent large sample of the true Gaussian falls inside at the stated rate
        truth = rng.multivariate_normal(MU, COV, size=200000)
        ix = np.clip(np.searchsorted(xe, truth[:, 0], side="right") - 1, 0, len(xe) - 2)
        iy = np.clip(np.searchsorted(ye, truth[:, 1], side="right") - 1, 0, len(ye) - 2)
        inside = ((truth[:, 0] >= xr[0]) & (truth[:, 0] < xr[1]) &
                  (truth[:, 1] >= yr[0]) & (truth[:, 1] < yr[1]))
        dens = np.where(inside, h[ix, iy], 0.0)
        for lev, p in zip(levels, (0.68, 0.95)):
            frac = float(np.mean(dens >= lev))
            self.assertAlmostEqual(frac, p, delta=0.03, msg="%.3f of the true mass inside the "
                                   "%.0f %% region" % (frac, 100 * p))

    def test_levels_equal_weights(self):
        rng = np.random.default_rng(7)
        xy = rng.multivariate_normal(MU, COV, size=30000)
        self.check_levels(xy, np.full(len(xy), 1.0 / len(xy)), rng)

    def test_levels_importance_weights(self):
        rng = np.random.default_rng(8)
        xy = rng.uniform(-4, 4, size=(150000, 2))
        lw = gauss_logpdf(xy)
        self.check_levels(xy, np.exp(lw - lw.max()), rng)

    def test_levels_simple(self):
        h = np.array([[0.5, 0.3], [0.15, 0.05]])
        np.testing.assert_allclose(corner.credible_levels(h, (0.5, 0.8, 0.95)), [0.5, 0.3, 0.15])

    # (c) bad input: exit code 2, one line on stderr --------------------------------------
    def test_bad_input(self):
        out = os.path.join(self.tmp, "bad.png")
        missing = os.path.join(self.tmp, "missing.h5")
        self.assert_bad_input(self.script("corner.py", missing, "--out", out), "no such file")
        self.assert_bad_input(self.script("corner.py", self.notrun, "--out", out),
                              "not a nubayes run file")
        self.assert_bad_input(self.script("corner.py", self.run1, "--params", "x,nope",
                                          "--out", out), "unknown parameter 'nope'")
        self.assert_bad_input(self.script("corner.py", self.run1, "--truth", "zz=1",
                                          "--out", out), "unknown parameter 'zz'")
        self.assert_bad_input(self.script("corner.py", self.run1, "--out", out + ".jpg"),
                              ".png or .pdf")
        self.assert_bad_input(self.script("corner.py", self.run1), "--out")
        self.assert_bad_input(self.script("evidence_bars.py", missing, "--out", out),
                              "no such file")
        self.assert_bad_input(self.script("sterile_region.py", self.notrun, "--out", out),
                              "not a nubayes run file")
        self.assert_bad_input(self.script("sterile_region.py", self.run1, "--x", "nope",
                                          "--out", out), "unknown parameter 'nope'")
        self.assertFalse(os.path.exists(out))

    # (d) a real nubayes run file -----------------------------------------------------------
    def nubayes(self):
        cands = [os.environ.get("NUBAYES_BINARY", ""), os.path.join(REPO, "build", "nubayes")]
        exes = [c for c in cands if c and os.path.isfile(c) and os.access(c, os.X_OK)]
        if not exes:
            self.skipTest("no nubayes binary (set NUBAYES_BINARY or build build/nubayes)")
        return exes[0]

    def test_real_mcmc_run(self):
        exe = self.nubayes()
        ini = os.path.join(self.tmp, "mcmc.ini")
        h5 = os.path.join(self.tmp, "mcmc.h5")
        with open(ini, "w") as fh:
            fh.write("[run]\noutput = %s\nseed = 3\n[sampler]\nkind = mcmc\nalgorithm = tempered\n"
                     "burn = 500\nmax_steps = 1500\n[model]\nname = gauss\n" % h5)
        p = subprocess.run([exe, "run", ini, "--quiet"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=120, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        for source in ("nested", "posterior"):
            r = nubayes_read.read_run(h5, source=source)
            self.assertEqual(r.sampled, ["x1", "x2"])
            self.assertTrue(np.allclose(r.weights, r.weights[0]))
            for k in ("x1", "x2"):
                self.assertAlmostEqual(float(np.sum(r.weights * r.samples[k])), 0.5, delta=0.03)
        out = os.path.join(self.tmp, "trace.png")
        self.assert_ok(self.script("trace.py", h5, "--out", out, "--max-chains", "4"))
        self.assert_png(out)
        out = os.path.join(self.tmp, "mcmc_corner.png")
        self.assert_ok(self.script("corner.py", h5, "--out", out))
        self.assert_png(out)
        self.assert_bad_input(self.script("trace.py", self.run1, "--out", os.path.join(self.tmp, "t.png")),
                              "not an MCMC run")
        self.assert_bad_input(self.script("trace.py", h5, "--params", "nope", "--out", out), "no parameter nope")

    def test_real_spectrum(self):
        exe = self.nubayes()
        ini = os.path.join(self.tmp, "mb.ini")
        h5 = os.path.join(self.tmp, "mb.h5")
        with open(ini, "w") as fh:
            fh.write("[run]\noutput = %s\nseed = 3\n[sampler]\nnlive = 40\n[model]\nname = sterile3p1\n"
                     "[data]\nexperiments = miniboone-combined-2018\n" % h5)
        p = subprocess.run([exe, "run", ini, "--quiet"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=300, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.tmp, "spectrum.png")
        self.assert_ok(self.script("spectrum.py", h5, "--out", out, "--draws", "30", "--nubayes", exe))
        self.assert_png(out)
        # nubayes predict's own file: the band of the draws brackets the best fit in most bins
        pred = os.path.join(self.tmp, "pred.h5")
        q = subprocess.run([exe, "predict", h5, "--out", pred, "--draws", "50"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        self.assertEqual(q.returncode, 0, q.stderr)
        import h5py
        with h5py.File(pred, "r") as f:
            names = [f["observables"][k].attrs["name"] for k in sorted(f["observables"], key=int)]
            self.assertEqual([str(n) for n in names], ["miniboone-combined-2018 nu", "miniboone-combined-2018 nubar"])
            g = f["observables"]["0"]
            self.assertEqual(g["prediction"].shape, (50, 11))
            self.assertEqual(int(np.sum(g["data"][()])), 2187)  # the 2018 release, 200-3000 MeV
        # a model without observables is refused with one line
        g = os.path.join(self.tmp, "g.h5")
        gi = os.path.join(self.tmp, "g.ini")
        with open(gi, "w") as fh:
            fh.write("[run]\noutput = %s\n[sampler]\nnlive = 30\n[model]\nname = gauss\n" % g)
        subprocess.run([exe, "run", gi, "--quiet"], check=True, stdout=subprocess.PIPE, timeout=60)
        self.assert_bad_input(self.script("spectrum.py", g, "--out", out, "--nubayes", exe),
                              "defines no observables")

    def test_real_dark_run(self):
        exe = self.nubayes()
        ini = os.path.join(self.tmp, "dark.ini")
        h5 = os.path.join(self.tmp, "dark.h5")
        with open(ini, "w") as fh:
            fh.write("[run]\noutput = %s\nseed = 2\n[sampler]\nnlive = 40\n[model]\nname = dark-zd\n"
                     "template_grid = small\ntemplate_cache = %s\n[data]\n"
                     "experiments = miniboone-combined-2018, miniboone-angle-2020\n[prior]\n"
                     "m_N = log-uniform 0.1 0.6\nm_ZD = log-uniform 0.01 0.2\nUmu4_sq = log-uniform 1e-9 1e-5\n"
                     "alpha_D = fixed 0.25\nalpha_eps2 = log-uniform 1e-11 1e-7\n"
                     % (h5, os.path.join(self.tmp, "dark-cache.h5")))
        p = subprocess.run([exe, "run", ini, "--quiet"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=300, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.tmp, "dark_region.png")
        self.assert_ok(self.script("dark_region.py", h5, "--out", out))
        self.assert_png(out)
        # energy spectra of both modes and the cos theta distribution: three panels
        out = os.path.join(self.tmp, "dark_spectrum.png")
        p = self.script("spectrum.py", h5, "--out", out, "--draws", "20", "--nubayes", exe)
        self.assert_ok(p)
        self.assertIn("miniboone-angle-2020 nu", p.stdout)
        self.assert_png(out)
        self.assert_bad_input(self.script("dark_region.py", self.run1, "--out", out), "unknown parameter 'm_N'")

    def test_real_run(self):
        exe = self.nubayes()
        ini = os.path.join(self.tmp, "gauss.ini")
        h5 = os.path.join(self.tmp, "gauss.h5")
        with open(ini, "w") as fh:
            fh.write("[run]\noutput = %s\nseed = 3\n[sampler]\nnlive = 50\n[model]\nname = gauss\n"
                     % h5)
        p = subprocess.run([exe, "run", ini, "--quiet"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
                           cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = nubayes_read.read_run(h5)
        self.assertEqual(r.status, "complete")
        self.assertEqual(r.sampled, ["x1", "x2"])
        # the gauss problem: mean 0.5, sigma 0.1 in each coordinate
        for k in ("x1", "x2"):
            self.assertAlmostEqual(float(np.sum(r.weights * r.samples[k])), 0.5, delta=0.05)
        rp = nubayes_read.read_run(h5, source="posterior")
        self.assertGreater(len(rp.weights), 10)
        out = os.path.join(self.tmp, "real_corner.png")
        p = self.script("corner.py", h5, "--out", out, "--truth", "x1=0.5,x2=0.5")
        self.assert_ok(p)
        self.assert_png(out)
        out = os.path.join(self.tmp, "real_corner_post.png")
        self.assert_ok(self.script("corner.py", h5, "--posterior", "--out", out))
        self.assert_png(out)
        out = os.path.join(self.tmp, "real_evidence.png")
        self.assert_ok(self.script("evidence_bars.py", h5, self.run1, "--out", out))
        self.assert_png(out)


if __name__ == "__main__":
    unittest.main()
