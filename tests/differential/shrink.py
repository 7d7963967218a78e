#!/usr/bin/python3
"""Shrinks a disagreeing differential record to the smallest graph that still disagrees.

  shrink.py --xgrad BUILD/tests/differential/xgrad_differential RECORD.json OUT.json

Moves, each kept only while replay_torch.py still reports a disagreement on the graph
rebuilt and re-evaluated by today's xgrad (xgrad_differential replay):
  - re-root: the loss becomes sum(t * C) of an earlier tensor t (C a constant of t's shape),
    which drops everything after t;
  - cut: an op's result becomes a leaf holding its value (from torch's forward), which
    drops the op and whatever fed only it;
  - bypass: an op whose input has its result's shape is skipped, its readers read that input;
  - drop a leaf's gradient: a leaf that requires grad stops requiring it.
Whatever no longer reaches the loss is pruned after each move. The result is a record
fit for tests/differential/regressions/.
"""
import argparse
import copy
import json
import os
import random
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_torch  # noqa: E402

PARAMS = {"scalar": 0, "scalar2": 0, "axis": -1, "all_axes": False, "keepdims": False,
          "transpose_a": False, "transpose_b": False}


def tensor_nodes(record):
    return [n for n in record["graph"]["nodes"] if n["kind"] == "tensor"]


def prune(record):
    """Keeps only the nodes and edges that reach the loss."""
    g = record["graph"]
    inputs = {}
    for e in g["edges"]:
        if e["kind"] == "input":
            inputs.setdefault(e["to"], []).append(e["from"])
    keep, stack = set(), [record["loss"]]
    while stack:
        t = stack.pop()
        if t in keep:
            continue
        keep.add(t)
        stack.extend(inputs.get("op" + t[1:], []))
    g["nodes"] = [n for n in g["nodes"] if ("t" + n["id"][2:] if n["kind"] == "op" else n["id"]) in keep]
    g["edges"] = [e for e in g["edges"] if e["to"] in {"op" + t[1:] for t in keep} or e["to"] in keep]
    g["broadcasts"] = []
    record["leaves"] = {k: v for k, v in record["leaves"].items() if k in keep}
    record["v"] = {k: v for k, v in record["v"].items() if k in keep}
    return record


def reroot(record, tid, rng):
    r = copy.deepcopy(record)
    g = r["graph"]
    node = next(n for n in g["nodes"] if n["id"] == tid)
    shape = node["shape"]
    size = 1
    for e in shape:
        size *= e
    n = 1 + max(int(x["id"][1:]) for x in tensor_nodes(r))
    c, m, s = "t%d" % n, "t%d" % (n + 1), "t%d" % (n + 2)
    g["nodes"] += [
        {"id": c, "kind": "tensor", "op": "leaf", "label": "C", "shape": shape, "requires_grad": False, "is_leaf": True},
        {"id": m, "kind": "tensor", "op": "mul", "label": "", "shape": shape, "requires_grad": True, "is_leaf": False},
        {"id": "op" + m[1:], "kind": "op", "op": "mul", "label": "mul", "params": dict(PARAMS)},
        {"id": s, "kind": "tensor", "op": "sum", "label": "", "shape": [], "requires_grad": True, "is_leaf": False},
        {"id": "op" + s[1:], "kind": "op", "op": "sum", "label": "sum", "params": dict(PARAMS, all_axes=True)},
    ]
    g["edges"] += [{"from": tid, "to": "op" + m[1:], "kind": "input", "input": 0},
                   {"from": c, "to": "op" + m[1:], "kind": "input", "input": 1},
                   {"from": m, "to": "op" + s[1:], "kind": "input", "input": 0}]
    r["leaves"][c] = [rng.uniform(-2, 2) for _ in range(size)]
    r["loss"] = s
    return prune(r)


def cut(record, tid, value):
    r = copy.deepcopy(record)
    g = r["graph"]
    op_id = "op" + tid[1:]
    for n in g["nodes"]:
        if n["id"] == tid:
            n.update(op="leaf", is_leaf=True, requires_grad=True, label="cut " + tid)
    g["nodes"] = [n for n in g["nodes"] if n["id"] != op_id]
    g["edges"] = [e for e in g["edges"] if e["to"] != op_id and e["from"] != op_id]
    r["leaves"][tid] = value
    return prune(r)


def bypass(record, tid, source):
    r = copy.deepcopy(record)
    g = r["graph"]
    op_id = "op" + tid[1:]
    g["nodes"] = [n for n in g["nodes"] if n["id"] not in (tid, op_id)]
    g["edges"] = [e for e in g["edges"] if e["to"] != op_id and e["from"] != op_id]
    for e in g["edges"]:
        if e["from"] == tid:
            e["from"] = source
    if r["loss"] == tid:
        return None
    return prune(r)


def no_grad(record, tid):
    r = copy.deepcopy(record)
    for n in r["graph"]["nodes"]:
        if n["id"] == tid:
            n["requires_grad"] = False
    r["v"].pop(tid, None)
    return r


class Shrinker:
    def __init__(self, xgrad, work):
        self.xgrad, self.work, self.runs = xgrad, work, 0

    def evaluate(self, candidate):
        """The candidate replayed by xgrad, and its failures (None if xgrad refuses it)."""
        self.runs += 1
        path = os.path.join(self.work, "candidate.json")
        with open(path, "w") as f:
            json.dump(candidate, f)
        out = os.path.join(self.work, "out")
        done = subprocess.run([self.xgrad, "replay", "--out", out, path], capture_output=True, text=True)
        if done.returncode != 0:
            return None, None
        with open(os.path.join(out, "candidate.json")) as f:
            replayed = json.load(f)
        failures = replay_torch.check_record(replayed, replay_torch.Stats())
        return replayed, failures

    def shrink(self, record):
        rng = random.Random(0)
        current, failures = self.evaluate(record)
        if not failures:
            raise SystemExit("shrink.py: the record agrees with torch (nothing to shrink)")
        progress = True
        while progress:
            progress = False
            tensors = [n for n in tensor_nodes(current)]
            values = replay_torch.Replay(current).t
            candidates = []
            for n in tensors:  # re-roots, the earliest (smallest graph) first
                if not n["is_leaf"] and n["id"] != current["loss"]:
                    candidates.append(lambda n=n: reroot(current, n["id"], rng))
            for n in reversed(tensors):  # cuts, nearest the loss first
                if not n["is_leaf"] and n["id"] != current["loss"]:
                    value = values[n["id"]].detach().reshape(-1).tolist()
                    candidates.append(lambda n=n, value=value: cut(current, n["id"], value))
            shapes = {n["id"]: n["shape"] for n in tensors}
            edges = current["graph"]["edges"]
            for n in reversed(tensors):  # bypasses
                if n["is_leaf"] or n["id"] == current["loss"]:
                    continue
                for e in edges:
                    if e["to"] == "op" + n["id"][1:] and e["kind"] == "input" and shapes.get(e["from"]) == n["shape"]:
                        candidates.append(lambda n=n, f=e["from"]: bypass(current, n["id"], f))
            for n in tensors:
                if n["is_leaf"] and n["requires_grad"]:
                    candidates.append(lambda n=n: no_grad(current, n["id"]))
            for make in candidates:
                candidate = make()
                if candidate is None:
                    continue
                if len(candidate["graph"]["nodes"]) > len(current["graph"]["nodes"]) + 2:
                    continue
                replayed, f = self.evaluate(candidate)
                if f and size(replayed) < size(current):
                    current, failures, progress = replayed, f, True
                    break
        return current, failures


def size(record):
    nodes = record["graph"]["nodes"]
    return (len(nodes), sum(len(v) for v in record["leaves"].values()), len(record["v"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--xgrad", required=True)
    ap.add_argument("record")
    ap.add_argument("out")
    ap.add_argument("--name", help="the shrunk record's name (default: the original's + '-shrunk')")
    args = ap.parse_args()
    with open(args.record) as f:
        record = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        s = Shrinker(args.xgrad, work)
        before = size(record)
        shrunk, failures = s.shrink(record)
    shrunk["name"] = args.name or record.get("name", "record") + "-shrunk"
    with open(args.out, "w") as f:
        json.dump(shrunk, f)
        f.write("\n")
    print("shrink.py: %d nodes -> %d in %d replays; it still fails:" % (before[0], size(shrunk)[0], s.runs))
    for line in failures:
        print("  " + line)


if __name__ == "__main__":
    main()
