#!/usr/bin/python3
"""Prior sensitivity without re-running, validated: `nubayes reweight` against fresh runs.

3+1 on MiniBooNE 2018 (inputs/examples/sterile3p1-miniboone-2018.ini) with the mixing caps
|Ue4|^2, |Umu4|^2 < 0.5 (the example), 0.05 and 0.01 (log-uniform from 1e-4). Each cap is run
afresh; the smaller caps are also reweighted from each larger-cap run. Prints a markdown table:
reweighted ln Z against the fresh one, in combined sigmas, with the reweighting's ESS. Usage:
    /usr/bin/python3 bench/reweight_validation.py [--nubayes build/nubayes] [--nlive 1000] [--seed 1] [--seeds N]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "inputs", "examples", "sterile3p1-miniboone-2018.ini")
CAPS = ["0.5", "0.05", "0.01"]


def cap_priors(cap):
    return [f"{name} = log-uniform 1e-4 {cap}" for name in ("Ue4_sq", "Umu4_sq")]


def fresh_run(nubayes, workdir, cap, nlive, seed):
    out = os.path.join(workdir, f"cap{cap}.h5")
    sets = [f"--set=run.output={out}", f"--set=sampler.nlive={nlive}", f"--set=run.seed={seed}"]
    sets += [f"--set=prior.{line.replace(' = ', '=', 1)}" for line in cap_priors(cap)]
    subprocess.run([nubayes, "run", CONFIG, "--quiet", *sets], check=True, stdout=subprocess.DEVNULL)
    info = json.loads(subprocess.run([nubayes, "info", "--json", out], check=True, stdout=subprocess.PIPE,
                                     text=True).stdout)
    return out, info["logz"], info["logz_err"], info["ess"]


def reweight(nubayes, run, cap):
    args = [nubayes, "reweight", run, "--json"]
    for line in cap_priors(cap):
        args += ["--prior", line]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode == 2:
        return None, done.stderr.strip()
    done.check_returncode()
    return json.loads(done.stdout), None


def validate(nubayes, nlive, seed, print_table):
    """Fresh runs of every cap and every reweighting to a smaller cap; returns the pulls by pair."""
    pulls = {}
    with tempfile.TemporaryDirectory() as workdir:
        fresh = {cap: fresh_run(nubayes, workdir, cap, nlive, seed) for cap in CAPS}
        if print_table:
            print(f"3+1 on MiniBooNE 2018, nlive {nlive}, seed {seed}; caps: log-uniform 1e-4 CAP on "
                  "Ue4_sq and Umu4_sq\n")
            print("| cap | fresh run ln Z | reweighted from | reweighted ln Z (compression, importance) "
                  "| difference (combined sigma) | ESS kept (of the run's) |")
            print("|---|---|---|---|---|---|")
        for i, cap in enumerate(CAPS):
            _, logz, err, ess = fresh[cap]
            if print_table:
                print(f"| {cap} | {logz:.3f} ± {err:.3f} | (fresh run, ESS {ess:.0f}) | | | |")
            for source in CAPS[:i]:
                result, refusal = reweight(nubayes, fresh[source][0], cap)
                if refusal:
                    pulls[(source, cap)] = None
                    if print_table:
                        print(f"| {cap} | | cap {source} | refused: `{refusal}` | | |")
                    continue
                pull = (result["logz"] - logz) / math.hypot(result["logz_err"], err)
                pulls[(source, cap)] = pull
                if print_table:
                    print(f"| {cap} | | cap {source} | {result['logz']:.3f} ± {result['logz_err']:.3f} "
                          f"({result['logz_err_compression']:.3f}, {result['logz_err_importance']:.3f}) "
                          f"| {result['logz'] - logz:+.3f} ({pull:+.2f} σ) "
                          f"| {result['ess']:.0f} (of {result['original_ess']:.0f}) |")
    return pulls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nubayes", default=os.path.join(HERE, "..", "build", "nubayes"))
    parser.add_argument("--nlive", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=1, help="also summarise the pulls over this many seeds")
    args = parser.parse_args()
    by_pair = {}
    for k in range(args.seeds):
        for pair, pull in validate(args.nubayes, args.nlive, args.seed + k, k == 0).items():
            by_pair.setdefault(pair, []).append(pull)
    if args.seeds > 1:
        print(f"\nOver seeds {args.seed}..{args.seed + args.seeds - 1} (an honest error gives rms pull near 1):\n")
        print("| reweighting | answered | mean pull | rms pull | largest abs pull |")
        print("|---|---|---|---|---|")
        for (source, cap), pulls in by_pair.items():
            answered = [p for p in pulls if p is not None]
            if not answered:
                print(f"| {source} -> {cap} | 0 of {len(pulls)} | | | |")
                continue
            mean = sum(answered) / len(answered)
            rms = math.sqrt(sum(p * p for p in answered) / len(answered))
            print(f"| {source} -> {cap} | {len(answered)} of {len(pulls)} | {mean:+.2f} | {rms:.2f} "
                  f"| {max(abs(p) for p in answered):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
