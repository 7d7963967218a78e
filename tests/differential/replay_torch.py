#!/usr/bin/python3
"""Replays xgrad's differential records in PyTorch (float64) and compares.

A record (tests/differential/record.hpp, docs/differential-testing.md) holds one graph as
xgrad's graph JSON, its leaves' values, a direction v per leaf, and xgrad's answers: the
gradient of the loss with respect to every tensor that requires grad, and the
Hessian-vector product d/dx <dloss/dx, v> of every leaf that requires grad. This script
rebuilds each graph from the JSON with torch's own ops, computes the same with
torch.autograd.grad (create_graph=True for the HVP) and compares; a disagreement names the
graph, the op, and the leaf.

  replay_torch.py --xgrad BUILD/tests/differential/xgrad_differential --count 300 \
      --work DIR --regressions tests/differential/regressions --op-table autograd/core/op_list.def
      generates the graphs, replays the kept regressions in today's xgrad, checks them all
      (--kinks M: M graphs more with inputs exactly on kinks and ties)
  replay_torch.py RECORD_OR_DIR...          checks records already written

Exit 0 when all agree, 1 on a disagreement or an error, 77 when torch is missing and
XGRAD_ALLOW_NO_TORCH is set (ctest then reports the test as skipped).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

try:
    import torch
except ImportError:
    print("replay_torch.py: no torch for %s (Debian: apt-get install python3-torch)" % sys.executable)
    sys.exit(77 if os.environ.get("XGRAD_ALLOW_NO_TORCH") else 1)

torch.set_default_dtype(torch.float64)

# Tolerances (docs/differential-testing.md, "Tolerances"). Both sides compute in float64
# (eps 2.2e-16) on graphs of at most ~20 ops whose values stay below 1e3, with the same maths
# in a different order (BLAS against torch's kernels, sums in other orders, libm's exp and
# log against torch's), so honest answers differ by rounding grown through the graph: the
# 10,000-graph run saw at most ~1e-12 below. A wrong rule is off by O(1) of the
# gradient's size. An element agrees when |xgrad - torch| <= RTOL * (scale + 1), scale the
# largest magnitude of that tensor's gradient on either side: relative for large gradients,
# absolute for those below 1 (where cancellation leaves tiny values, e.g. a softmax's).
RTOL = 1e-9
FORWARD_RTOL = 1e-9


class Disagreement(Exception):
    pass


def sum_to(x, shape):
    """Sums x down to `shape` (numpy's broadcasting rules read backwards)."""
    shape = list(shape)
    lead = x.dim() - len(shape)
    if lead > 0:
        x = x.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    if dims:
        x = x.sum(dim=dims, keepdim=True)
    return x.reshape(shape)


def reversed_axes(x):
    return x.permute(tuple(reversed(range(x.dim()))))


def reduce(fn, x, p):
    if p["all_axes"]:
        return fn(x)
    axes = p.get("axes", [])
    dim = tuple(axes) if len(axes) > 1 else p["axis"]  # numpy's axis tuple, or one axis
    return fn(x, dim=dim, keepdim=p["keepdims"])


def transposed(x, p):
    axes = p.get("axes", [])
    return x.permute(tuple(axes)) if axes else reversed_axes(x)


def logaddexp0(x):
    return torch.logaddexp(x, torch.zeros_like(x))  # log(1 + e^x), smooth everywhere


# op name -> f(inputs, params, result shape), torch's own ops (not xgrad's formulas).
OPS = {
    "add": lambda x, p, s: x[0] + x[1],
    "sub": lambda x, p, s: x[0] - x[1],
    "mul": lambda x, p, s: x[0] * x[1],
    "div": lambda x, p, s: x[0] / x[1],
    "neg": lambda x, p, s: -x[0],
    "add_scalar": lambda x, p, s: x[0] + p["scalar"],
    "mul_scalar": lambda x, p, s: x[0] * p["scalar"],
    "pow": lambda x, p, s: torch.pow(x[0], p["scalar"]),
    "exp": lambda x, p, s: torch.exp(x[0]),
    "log": lambda x, p, s: torch.log(x[0]),
    "sqrt": lambda x, p, s: torch.sqrt(x[0]),
    "abs": lambda x, p, s: torch.abs(x[0]),
    "tanh": lambda x, p, s: torch.tanh(x[0]),
    "sigmoid": lambda x, p, s: torch.sigmoid(x[0]),
    "relu": lambda x, p, s: torch.relu(x[0]),
    "softplus": lambda x, p, s: logaddexp0(x[0]),
    "leaky_relu": lambda x, p, s: torch.nn.functional.leaky_relu(x[0], p["scalar"]),
    "clip": lambda x, p, s: torch.clamp(x[0], p["scalar"], p["scalar2"]),
    "maximum": lambda x, p, s: torch.maximum(x[0], x[1]),
    "minimum": lambda x, p, s: torch.minimum(x[0], x[1]),
    "sum": lambda x, p, s: reduce(torch.sum, x[0], p),
    "mean": lambda x, p, s: reduce(torch.mean, x[0], p),
    "sum_to": lambda x, p, s: sum_to(x[0], s),
    "broadcast_to": lambda x, p, s: torch.broadcast_to(x[0], s),
    "transpose": lambda x, p, s: transposed(x[0], p),
    "reshape": lambda x, p, s: x[0].reshape(s),
    "matmul": lambda x, p, s: (x[0].T if p["transpose_a"] else x[0]) @ (x[1].T if p["transpose_b"] else x[1]),
    "linear": lambda x, p, s: x[0] @ x[1] + x[2],
    "softmax": lambda x, p, s: torch.softmax(x[0], dim=p["axis"]),
    "log_softmax": lambda x, p, s: torch.log_softmax(x[0], dim=p["axis"]),
    # mean(log(1 + e^z) - z y): the cross-entropy of sigmoid(z) against y, y differentiable
    "binary_cross_entropy_with_logits": lambda x, p, s: (logaddexp0(x[0]) - x[0] * x[1]).mean(),
    "sigmoid_grad": lambda x, p, s: x[0] * x[1] * (1 - x[1]),
    "tanh_grad": lambda x, p, s: x[0] * (1 - x[1] * x[1]),
    "relu_grad": lambda x, p, s: x[0] * (x[1] > 0).to(x[0].dtype),
    "leaky_relu_grad": lambda x, p, s: x[0] * torch.where(x[1] > 0, torch.ones_like(x[1]), torch.full_like(x[1], p["scalar"])),
}


def table_ops(path):
    """The op names of autograd/core/op_list.def."""
    with open(path) as f:
        return re.findall(r"^XGRAD_OP\((\w+),", f.read(), re.M)


class Replay:
    """One record's graph rebuilt in torch."""

    def __init__(self, record):
        self.record = record
        graph = record["graph"]
        self.nodes = {n["id"]: n for n in graph["nodes"]}
        self.inputs = {}  # op id -> [tensor ids in input order]
        self.readers = {}  # tensor id -> [op ids reading it]
        for e in graph["edges"]:
            if e["kind"] == "input":
                self.inputs.setdefault(e["to"], []).append((e["input"], e["from"]))
                self.readers.setdefault(e["from"], []).append(e["to"])
        self.order = [n["id"] for n in graph["nodes"] if n["kind"] == "tensor"]
        self.t = {}
        for tid in self.order:
            node = self.nodes[tid]
            shape = node["shape"]
            if node["is_leaf"]:
                values = record["leaves"][tid]
                x = torch.tensor(values, dtype=torch.float64).reshape(shape)
                self.t[tid] = x.requires_grad_(node["requires_grad"])
                continue
            op_id = "op" + tid[1:]
            op = self.nodes[op_id]
            name = op["op"]
            if name not in OPS:
                raise Disagreement("op %s (%s) has no PyTorch replay: add it to OPS in %s" % (op_id, name, __file__))
            x = [self.t[f] for _, f in sorted(self.inputs.get(op_id, []))]
            try:
                y = OPS[name](x, op["params"], shape)
            except Exception as e:
                raise Disagreement("op %s (%s) fails in torch on %s: %s" % (op_id, self.caption(op_id), [list(a.shape) for a in x], e))
            if any(y is a for a in x):
                # An op that is the identity here (transpose of a vector) must still be a
                # tensor of its own, or torch's gradient "of it" would be its input's.
                y = y.view_as(y)
            if node["requires_grad"] and not y.requires_grad:
                # xgrad's result requires grad when an input does, even where the rule sends
                # it nothing (relu_grad's S); torch's (S > 0) cuts the graph instead. Its
                # gradient is still wanted: a leaf here, as the zero it sends S is.
                y = y.detach().requires_grad_()
            if list(y.shape) != shape:
                raise Disagreement("op %s (%s) gives %s in torch, %s in xgrad" % (op_id, self.caption(op_id), list(y.shape), shape))
            self.t[tid] = y
        self.loss = self.t[record["loss"]]

    def kinks_hit(self):
        """How many inputs sit exactly on their op's kink or tie."""
        hits = 0
        for op_id, ins in self.inputs.items():
            name = self.nodes[op_id]["op"]
            x = [self.t[f].detach() for _, f in sorted(ins)]
            if name in ("relu", "abs", "leaky_relu"):
                hits += int((x[0] == 0).sum())
            elif name in ("relu_grad", "leaky_relu_grad"):
                hits += int((x[1] == 0).sum())
            elif name == "clip":
                p = self.nodes[op_id]["params"]
                hits += int(((x[0] == p["scalar"]) | (x[0] == p["scalar2"])).sum())
            elif name in ("maximum", "minimum"):
                hits += int((x[0] == x[1]).sum())
        return hits

    def caption(self, op_id):
        op = self.nodes[op_id]
        return op.get("label") or op["op"]

    def describe(self, tid):
        node = self.nodes[tid]
        label = (" '%s'" % node["label"]) if node.get("label") else ""
        if node["is_leaf"]:
            return "leaf %s%s %s" % (tid, label, tuple(node["shape"]))
        return "%s%s %s, made by %s" % (tid, label, tuple(node["shape"]), self.caption("op" + tid[1:]))

    def check_forward(self):
        """The first tensor whose value's norm differs from xgrad's summary, or None."""
        for tid in self.order:
            summary = self.nodes[tid].get("value")
            if not summary:
                continue
            norm = self.t[tid].detach().norm().item()
            if abs(norm - summary["norm"]) > FORWARD_RTOL * (abs(summary["norm"]) + 1):
                return "forward value of %s: norm %.17g in xgrad, %.17g in torch" % (self.describe(tid), summary["norm"], norm)
        return None

    def grads(self, ids, create_graph=False, of=None):
        of = self.loss if of is None else of
        wanted = [self.t[i] for i in ids]
        got = torch.autograd.grad(of, wanted, allow_unused=True, retain_graph=True, create_graph=create_graph)
        return [torch.zeros_like(w) if g is None else g for w, g in zip(wanted, got)]

    def hvps(self, leaf_ids):
        dx = self.grads(leaf_ids, create_graph=True)
        s = None
        for i, g in zip(leaf_ids, dx):
            if not g.requires_grad:
                continue  # constant in the leaves: adds nothing
            v = torch.tensor(self.record["v"][i], dtype=torch.float64).reshape(g.shape)
            term = (g * v).sum()
            s = term if s is None else s + term
        if s is None:
            return [torch.zeros_like(self.t[i]) for i in leaf_ids]
        return self.grads(leaf_ids, of=s)


def compare(xgrad_values, torch_tensor):
    """(error, index, xgrad value, torch value, scale): error = max |x - t| / (scale + 1)."""
    t = torch_tensor.detach().clone(memory_format=torch.contiguous_format).reshape(-1).tolist()
    x = xgrad_values
    if len(x) != len(t):
        return (math.inf, 0, None, None, 0)
    scale = max([abs(a) for a in x] + [abs(b) for b in t] + [0.0])
    worst = (0.0, 0, None, None, scale)
    for k, (a, b) in enumerate(zip(x, t)):
        if a is None or not math.isfinite(a) or not math.isfinite(b):
            if a != b:
                return (math.inf, k, a, b, scale)
            continue
        err = abs(a - b) / (scale + 1)
        if err > worst[0]:
            worst = (err, k, a, b, scale)
    return worst


class Stats:
    def __init__(self):
        self.graphs = self.ops = self.leaves = self.grads = self.hvps = self.nonzero_hvps = 0
        self.kinks = 0  # inputs exactly at a kink or tie (generate --kinks)
        self.ops_seen = set()
        self.max_grad = (0.0, "")
        self.max_hvp = (0.0, "")
        self.failures = []


def check_record(record, stats):
    """Compares one record; returns its failure lines (empty when it agrees)."""
    try:
        return compare_record(record, stats)
    except Exception as e:  # a record torch cannot replay is a failure of its own, named
        return ["FAIL %s: the replay fails: %s: %s" % (record.get("name", "?"), type(e).__name__, e)]


def compare_record(record, stats):
    name = record.get("name", "?")
    try:
        r = Replay(record)
    except Disagreement as e:
        return ["FAIL %s: %s" % (name, e)]
    stats.graphs += 1
    ops = [n["op"] for n in record["graph"]["nodes"] if n["kind"] == "op"]
    stats.ops += len(ops)
    stats.ops_seen.update(ops)
    stats.kinks += r.kinks_hit()
    failures = []
    forward = r.check_forward()
    if forward:
        failures.append("FAIL %s: %s" % (name, forward))
    grad_ids = sorted(record["grad"], key=lambda i: int(i[1:]))
    got = dict(zip(grad_ids, r.grads(grad_ids)))
    wrong = []
    for tid in grad_ids:
        err, k, a, b, scale = compare(record["grad"][tid], got[tid])
        stats.grads += len(record["grad"][tid])
        if err > stats.max_grad[0]:
            stats.max_grad = (err, "%s %s" % (name, tid))
        if err > RTOL:
            wrong.append((tid, err, k, a, b))
    if wrong:
        # The tensor nearest the loss whose gradient is wrong: one of the ops reading it has
        # a wrong rule (the gradients of their results, nearer the loss, agree).
        first = max(wrong, key=lambda w: int(w[0][1:]))[0]
        suspects = ", ".join("%s (%s)" % (o, r.caption(o)) for o in r.readers.get(first, [])) or "none"
        for tid, err, k, a, b in wrong:
            if r.nodes[tid]["is_leaf"]:
                failures.append("FAIL %s [gradient] %s: element %d xgrad %.17g torch %.17g (error %.3g); "
                                "first wrong gradient at %s, read by op %s"
                                % (name, r.describe(tid), k, a, b, err, first, suspects))
        if not any(r.nodes[w[0]]["is_leaf"] for w in wrong):
            failures.append("FAIL %s [gradient] %s is wrong (no leaf's is), read by op %s" % (name, r.describe(first), suspects))
    leaf_ids = sorted(record["hvp"], key=lambda i: int(i[1:]))
    stats.leaves += len(leaf_ids)
    if leaf_ids:
        h = dict(zip(leaf_ids, r.hvps(leaf_ids)))
        ops_text = ", ".join(sorted(set(ops)))
        for tid in leaf_ids:
            err, k, a, b, scale = compare(record["hvp"][tid], h[tid])
            stats.hvps += len(record["hvp"][tid])
            stats.nonzero_hvps += sum(1 for a in record["hvp"][tid] if a is not None and abs(a) > 1e-12)
            if err > stats.max_hvp[0]:
                stats.max_hvp = (err, "%s %s" % (name, tid))
            if err > RTOL:
                failures.append("FAIL %s [hessian-vector product] %s: element %d xgrad %.17g torch %.17g (error %.3g); ops in the graph: %s"
                                % (name, r.describe(tid), k, a, b, err, ops_text))
    return failures


def records_in(paths):
    for p in paths:
        if os.path.isdir(p):
            for f in sorted(os.listdir(p)):
                if f.endswith(".json"):
                    yield os.path.join(p, f)
        else:
            yield p


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd)
    if done.returncode != 0:
        print("replay_torch.py: %s failed (exit %d)" % (cmd[0], done.returncode))
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records", nargs="*", help="records or directories of them to check")
    ap.add_argument("--xgrad", help="the xgrad_differential program: generate (and replay) first")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-ops", type=int, default=14)
    ap.add_argument("--kinks", type=int, default=0, help="this many graphs more with inputs exactly on kinks and ties")
    ap.add_argument("--work", help="directory for the records written by --xgrad")
    ap.add_argument("--regressions", help="kept records to replay in today's xgrad and check")
    ap.add_argument("--op-table", help="autograd/core/op_list.def: every op must have a replay, and be checked")
    ap.add_argument("--summary", help="write the figures as JSON here")
    args = ap.parse_args()

    start = time.time()
    paths = list(args.records)
    if args.xgrad:
        if not args.work:
            ap.error("--xgrad needs --work")
        graphs = os.path.join(args.work, "graphs")
        if os.path.isdir(graphs):
            for f in os.listdir(graphs):
                if f.endswith(".json"):
                    os.remove(os.path.join(graphs, f))
        run([args.xgrad, "generate", "--count", str(args.count), "--seed", str(args.seed),
             "--max-ops", str(args.max_ops), "--out", graphs])
        paths.append(graphs)
        if args.kinks:
            kinks = os.path.join(args.work, "kinks")
            if os.path.isdir(kinks):
                for f in os.listdir(kinks):
                    if f.endswith(".json"):
                        os.remove(os.path.join(kinks, f))
            run([args.xgrad, "generate", "--kinks", "--count", str(args.kinks), "--seed", str(args.seed),
                 "--max-ops", str(args.max_ops), "--out", kinks])
            paths.append(kinks)
        if args.regressions:
            kept = sorted(records_in([args.regressions]))
            if kept:
                replayed = os.path.join(args.work, "regressions")
                run([args.xgrad, "replay", "--out", replayed] + kept)
                paths.append(replayed)
    generated = time.time()

    errors = []
    table = table_ops(args.op_table) if args.op_table else []
    for op in table:
        if op not in OPS:
            errors.append("FAIL: op %s of %s has no PyTorch replay: add it to OPS in %s" % (op, args.op_table, __file__))
    extra = set(OPS) - set(table) if table else set()
    for op in sorted(extra):
        errors.append("FAIL: OPS replays %s, which is not in %s (renamed?)" % (op, args.op_table))

    stats = Stats()
    for path in records_in(paths):
        with open(path) as f:
            record = json.load(f)
        failures = check_record(record, stats)
        for line in failures:
            print(line + "  [" + path + "]")
        stats.failures += failures
    if table and args.xgrad:
        for op in table:
            if op not in stats.ops_seen:
                errors.append("FAIL: op %s of the op table is in no graph checked" % op)
    for e in errors:
        print(e)
    elapsed = time.time() - start
    figures = {
        "graphs": stats.graphs, "ops": stats.ops, "distinct_ops": len(stats.ops_seen),
        "table_ops": len(table), "leaves": stats.leaves, "gradient_elements": stats.grads,
        "hvp_elements": stats.hvps, "nonzero_hvp_elements": stats.nonzero_hvps, "kink_inputs": stats.kinks, "max_gradient_error": stats.max_grad[0], "worst_gradient": stats.max_grad[1],
        "max_hvp_error": stats.max_hvp[0], "worst_hvp": stats.max_hvp[1],
        "disagreements": len(stats.failures), "errors": len(errors),
        "seconds_xgrad": round(generated - start, 2), "seconds_torch": round(elapsed - (generated - start), 2),
    }
    print("replay_torch.py: %(graphs)d graphs, %(ops)d ops (%(distinct_ops)d distinct), %(leaves)d leaves, "
          "%(gradient_elements)d gradient and %(hvp_elements)d HVP elements (%(nonzero_hvp_elements)d nonzero) compared; "
          "worst gradient error %(max_gradient_error).3g (%(worst_gradient)s), worst HVP error %(max_hvp_error).3g "
          "(%(worst_hvp)s); %(kink_inputs)d inputs exactly on a kink or tie; %(disagreements)d disagreements; xgrad %(seconds_xgrad)s s, torch %(seconds_torch)s s" % figures)
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(figures, f, indent=1)
    sys.exit(1 if stats.failures or errors else 0)


if __name__ == "__main__":
    main()
