#!/usr/bin/env python3
"""Cross-check the explorer against SPIN (issue 7).

For every scenario of Scenarios/crosscheck (or the files given), `devmodel promela` writes
the scenario as a Promela model that restates the character-device lifetime protocol
independently of the Swift code; SPIN explores it completely and its observer prints every
final outcome with its verdict. `devmodel explore` explores the Swift model itself
(preemption bound --bound, identical actors in every order). The two must give the same
verdict, the same set of final outcomes and the same failing outcomes.

SPIN explores every interleaving; the explorer only those within the preemption bound, so an
outcome that needs more preemptions would show as "only SPIN". None does at bound 2 here.

Usage: python3 Scripts/spin-crosscheck.py [--bound N] [SCENARIO ...]
Installs Debian's `spin` with apt-get when it is missing (root needed). Exit 1 on a mismatch.
Optional in CI: the default suite runs the same comparison for one scenario when SPIN is there.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_spin():
    if shutil.which("spin"):
        return
    print("spin not found: installing Debian's spin package", flush=True)
    apt = ["apt-get", "install", "-y", "-q", "spin"]
    if subprocess.run(apt, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
        subprocess.run(apt, check=True, stdout=subprocess.DEVNULL)


def devmodel():
    subprocess.run(["swift", "build", "-c", "release", "--product", "devmodel"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, ".build", "release", "devmodel")


def spin_outcomes(tool, scenario):
    """Every final outcome SPIN reaches, as 'outcome VERDICT=pass|fail', and the state count."""
    with tempfile.TemporaryDirectory() as d:
        model = os.path.join(d, "model.pml")
        subprocess.run([tool, "promela", scenario, "-o", model], check=True)
        subprocess.run(["spin", "-a", "model.pml"], cwd=d, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["gcc", "-O1", "-DPRINTF", "-DSAFETY", "-o", "pan", "pan.c"], cwd=d, check=True)
        out = subprocess.run(["./pan", "-E", "-m1000000"], cwd=d, check=True, capture_output=True, text=True).stdout
    if "errors: 0" not in out:
        sys.exit(f"{scenario}: SPIN reported an error in the model itself:\n{out}")
    if "max search depth too small" in out:
        sys.exit(f"{scenario}: SPIN's search was truncated (raise -m)")
    states = next((int(l.split()[0]) for l in out.splitlines() if "states, stored" in l), 0)
    lines = {l[len("OUTCOME "):] for l in out.splitlines() if l.startswith("OUTCOME ")}
    return lines, states


def explorer_outcomes(tool, scenario, bound, strategy):
    r = subprocess.run([tool, "explore", scenario, "--strategy", strategy, "--bound", str(bound), "--all-orders", "--executions", "1000000",
                        "--format", "json", "-q"], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"{scenario}: devmodel explore failed ({r.returncode}):\n{r.stderr}")
    d = json.loads(r.stdout)
    if not d["complete"]:
        sys.exit(f"{scenario}: the exploration stopped early")
    failing = d["failingOutcomes"]
    lines = {o + " VERDICT=" + ("fail" if o in failing else "pass") for o in d["outcomes"]}
    return lines, d["executions"], d["passed"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bound", type=int, default=2, help="the explorer's preemption bound (default 2)")
    p.add_argument("--strategy", choices=["pb", "bpor"], default="pb",
                   help="pb (plain preemption bounding) or bpor (with bounded partial-order reduction)")
    p.add_argument("scenarios", nargs="*", help="scenario files (default: Scenarios/crosscheck/*.yaml)")
    args = p.parse_args()
    ensure_spin()
    tool = devmodel()
    scenarios = args.scenarios or sorted(glob.glob(os.path.join(ROOT, "Scenarios", "crosscheck", "*.yaml")))
    mismatches = 0
    print(f"{'scenario':34} {'SPIN states':>11} {'schedules':>9} {'outcomes':>8} {'failing':>7} "
          f"{'verdict':>7}  same", flush=True)
    for s in scenarios:
        t0 = time.time()
        spin, states = spin_outcomes(tool, s)
        explored, executions, passed = explorer_outcomes(tool, s, args.bound, args.strategy)
        spin_verdict = "pass" if all(l.endswith("pass") for l in spin) else "fail"
        verdict = "pass" if passed else "fail"
        same = spin == explored and spin_verdict == verdict
        failing = sum(1 for l in spin if l.endswith("fail"))
        name = os.path.basename(s).rsplit(".", 1)[0]
        print(f"{name:34} {states:>11} {executions:>9} {len(spin):>8} {failing:>7} {verdict:>7}  "
              f"{'yes' if same else 'NO'}  ({time.time() - t0:.1f} s)", flush=True)
        if not same:
            mismatches += 1
            if spin_verdict != verdict:
                print(f"  verdict: SPIN {spin_verdict}, explorer {verdict}")
            for l in sorted(spin - explored):
                print(f"  only SPIN:     {l}")
            for l in sorted(explored - spin):
                print(f"  only explorer: {l}")
    print(f"{len(scenarios) - mismatches}/{len(scenarios)} scenarios: same verdict and same final outcomes")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
