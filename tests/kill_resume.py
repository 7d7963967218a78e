#!/usr/bin/env python3
"""Kills survived: `xgrad train --checkpoint DIR` killed with SIGKILL at random moments, then
resumed, ends with the same parameters and optimiser state as a run never killed.

    kill_resume.py XGRAD WORKDIR [--kills 50] [--seed 1] [--epochs 30]

The run saves after every epoch (--every 1), so most kills land in or between saves: before the
first one (nothing to resume: the run starts again), inside one (its half-written version sits
beside CURRENT, which still names the previous one), or between two. Each time the checkpoint
must load, and `--resume DIR --checkpoint DIR` must finish the run to the exact values of the
uninterrupted one (the same shuffles, Adam moments and decayed rate: every .npy of the final
version equal bit for bit). Prints what each kill hit and exits 1 on the first difference.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import numpy as np


def final_arrays(directory):
    """The .npy files of the version CURRENT names, as {name: array}."""
    with open(os.path.join(directory, "CURRENT")) as f:
        version = os.path.join(directory, f.read().strip())
    return {name: np.load(os.path.join(version, name))
            for name in sorted(os.listdir(version)) if name.endswith(".npy")}


def versions(directory):
    return sorted(n for n in os.listdir(directory) if n.startswith("step-")) \
        if os.path.isdir(directory) else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xgrad")
    parser.add_argument("work")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=30)
    a = parser.parse_args()
    rng = random.Random(a.seed)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    train = [a.xgrad, "train", "--data", "planar", "--epochs", str(a.epochs), "--every", "1",
             "--optimizer", "adam", "--lr", "0.01", "--batch-size", "64", "--decay", "0.95"]

    def run(args, **kw):
        return subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, **kw)

    straight_dir = os.path.join(a.work, "straight")
    start = time.monotonic()
    done = run(train + ["--checkpoint", straight_dir])
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit("the uninterrupted run failed: " + done.stderr)
    expected = final_arrays(straight_dir)

    hits = {"before the first save": 0, "inside a save": 0, "between saves": 0,
            "after the run ended": 0}
    for k in range(a.kills):
        directory = os.path.join(a.work, "killed-%d" % k)
        moment = rng.uniform(0.0, seconds * 1.05)
        child = subprocess.Popen(train + ["--checkpoint", directory],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        child.send_signal(signal.SIGKILL)
        status = child.wait()
        if status != -signal.SIGKILL:
            hit = "after the run ended"
        elif not os.path.exists(os.path.join(directory, "CURRENT")):
            hit = "before the first save"
        else:
            with open(os.path.join(directory, "CURRENT")) as f:
                current = f.read().strip()
            # A version still being written (step-N.tmp-PID), or complete but newer than
            # CURRENT's, is a save the kill cut short.
            number = lambda v: int(v[5:].split(".")[0])
            newer = [v for v in versions(directory)
                     if ".tmp" in v or number(v) > number(current)]
            hit = "inside a save" if newer else "between saves"
        hits[hit] += 1
        if hit == "before the first save":
            again = run(train + ["--checkpoint", directory])
        else:
            again = run(train + ["--resume", directory, "--checkpoint", directory])
        if again.returncode != 0:
            print("kill %d at %.3f s (%s): the rerun failed:\n%s" % (k, moment, hit, again.stderr))
            return 1
        got = final_arrays(directory)
        if got.keys() != expected.keys():
            print("kill %d (%s): files %s, the uninterrupted run's %s"
                  % (k, hit, sorted(got), sorted(expected)))
            return 1
        for name, want in expected.items():
            if not np.array_equal(got[name], want):
                diff = np.max(np.abs(got[name] - want))
                print("kill %d at %.3f s (%s): %s differs from the uninterrupted run's by %g"
                      % (k, moment, hit, name, diff))
                return 1
        shutil.rmtree(directory)
    print("%d kills over a %.2f s run, every one resumed to the uninterrupted run's %d arrays "
          "bit for bit: %s" % (a.kills, seconds, len(expected),
                               ", ".join("%d %s" % (n, h) for h, n in hits.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
