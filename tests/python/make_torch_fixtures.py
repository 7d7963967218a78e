#!/usr/bin/python3
"""PyTorch's own numbers for tests/test_layers.cpp: AdamW, Adam and SGD with weight decay,
BatchNorm1d in training and evaluation, clip_grad_norm_ / clip_grad_value_, and the StepLR and
ExponentialLR schedules.

    /usr/bin/python3 tests/python/make_torch_fixtures.py --write tests/python/torch_fixtures.json
    /usr/bin/python3 tests/python/make_torch_fixtures.py --check tests/python/torch_fixtures.json

Inputs are drawn from numpy's RandomState(0) and written beside torch's results (float64, in
the course's layout: one column per example; torch's BatchNorm1d sees the transpose). --check
recomputes everything with the installed torch and compares with the committed file to 1e-12.
Exit 0 when they agree, 1 when not, 77 (CTest's skip) when torch is missing: it is optional
(Debian's python3-torch), and the C++ tests read the committed file without it.
"""

import json
import sys

try:
    import numpy as np
    import torch
except ImportError as error:  # Debian: apt-get install python3-torch
    print(f"make_torch_fixtures.py: {error} (Debian's python3-torch): skipped")
    sys.exit(77)

torch.set_default_dtype(torch.float64)


def flat(array):
    a = np.asarray(array, dtype=np.float64)
    return {"shape": list(a.shape), "values": [float(v) for v in a.reshape(-1)]}


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def optimiser_runs(rs):
    """Three steps of each optimiser from W0 with given gradients, W after each step."""
    W0 = rs.randn(3, 4)
    grads = [rs.randn(3, 4) for _ in range(3)]
    configs = [
        ("adamw", lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.1), {"lr": 0.01, "weight_decay": 0.1}),
        ("adam_l2", lambda p: torch.optim.Adam([p], lr=0.01, weight_decay=0.1), {"lr": 0.01, "weight_decay": 0.1}),
        ("sgd_l2", lambda p: torch.optim.SGD([p], lr=0.1, weight_decay=0.1), {"lr": 0.1, "weight_decay": 0.1}),
    ]
    out = {"W0": flat(W0), "grads": [flat(g) for g in grads]}
    for name, make, settings in configs:
        p = torch.nn.Parameter(t(W0))
        opt = make(p)
        steps = []
        for g in grads:
            opt.zero_grad()
            p.grad = t(g)
            opt.step()
            steps.append(flat(p.detach().numpy()))
        out[name] = {"settings": settings, "W": steps}
    return out


def batch_norm(rs):
    """BatchNorm1d(4): two training passes, then an evaluation pass."""
    n, m = 4, 6
    Z1, Z2, Z_eval = rs.randn(n, m) * 2 + 1, rs.randn(n, m) - 0.5, rs.randn(n, 3)
    gamma, beta = rs.randn(n, 1), rs.randn(n, 1)
    R = rs.randn(n, m)  # the loss sum(out * R) of the first pass
    bn = torch.nn.BatchNorm1d(n, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(t(gamma[:, 0]))
        bn.bias.copy_(t(beta[:, 0]))
    bn.train()
    Z = t(Z1.T).requires_grad_(True)
    out1 = bn(Z)
    (out1 * t(R.T)).sum().backward()
    running1 = (bn.running_mean.clone(), bn.running_var.clone())
    bn(t(Z2.T))
    bn.eval()
    with torch.no_grad():
        out_eval = bn(t(Z_eval.T))
    col = lambda v: flat(v.detach().numpy()[:, None])
    return {
        "Z1": flat(Z1), "Z2": flat(Z2), "Z_eval": flat(Z_eval), "gamma": flat(gamma),
        "beta": flat(beta), "R": flat(R), "momentum": 0.1, "epsilon": 1e-5,
        "out1": flat(out1.detach().numpy().T), "dZ1": flat(Z.grad.numpy().T),
        "dgamma": col(bn.weight.grad), "dbeta": col(bn.bias.grad),
        "running_mean1": col(running1[0]), "running_var1": col(running1[1]),
        "running_mean2": col(bn.running_mean), "running_var2": col(bn.running_var),
        "out_eval": flat(out_eval.numpy().T),
    }


def clipping(rs):
    g1, g2 = rs.randn(3, 2) * 3, rs.randn(2, 1) * 3
    out = {"g1": flat(g1), "g2": flat(g2)}
    for name, clip in [("norm2", lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.5)),
                       ("norm_inf", lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.5, float("inf"))),
                       ("norm1", lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.5, 1.0)),
                       ("value", lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.8))]:
        ps = [torch.nn.Parameter(torch.zeros(3, 2)), torch.nn.Parameter(torch.zeros(2, 1))]
        ps[0].grad, ps[1].grad = t(g1), t(g2)
        norm = clip(ps)
        out[name] = {"norm": None if norm is None else float(norm),
                     "g1": flat(ps[0].grad.numpy()), "g2": flat(ps[1].grad.numpy())}
    return out


def schedules():
    out = {}
    for name, make in [("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
                       ("exponential", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.8))]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        scheduler = make(opt)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(8):
            opt.step()
            scheduler.step()
            lrs.append(opt.param_groups[0]["lr"])
        out[name] = lrs
    return out


def fixtures():
    rs = np.random.RandomState(0)
    return {"torch": torch.__version__.split("+")[0], "optimisers": optimiser_runs(rs),
            "batch_norm": batch_norm(rs), "clipping": clipping(rs), "schedules": schedules()}


def compare(a, b, where=""):
    if isinstance(a, dict):
        if set(a) != set(b):
            return f"{where}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            if k == "torch":
                continue
            fault = compare(a[k], b[k], f"{where}.{k}")
            if fault:
                return fault
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} entries != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            fault = compare(x, y, f"{where}[{i}]")
            if fault:
                return fault
        return None
    if isinstance(a, float) and isinstance(b, (int, float)):
        return None if abs(a - b) <= 1e-12 * max(1.0, abs(a)) else f"{where}: {a!r} != {b!r}"
    return None if a == b else f"{where}: {a!r} != {b!r}"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--write", "--check"):
        print(__doc__)
        return 2
    now = fixtures()
    if sys.argv[1] == "--write":
        with open(sys.argv[2], "w") as f:
            json.dump(now, f, indent=1)
            f.write("\n")
        return 0
    with open(sys.argv[2]) as f:
        committed = json.load(f)
    fault = compare(committed, now)
    if fault:
        print(f"{sys.argv[2]} differs from torch {torch.__version__}: {fault}")
        return 1
    print(f"{sys.argv[2]} agrees with torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
