#!/usr/bin/env python3
"""NumPy and PyTorch columns of the benchmark (bench/run.sh runs this, then the C++ binary,
which prints these rows next to the others with their ratio to the C++ floor).

The same step as the C++ columns: an MLP with ReLU hidden layers and a sigmoid output,
binary cross-entropy, full batch, W -= lr dW. NumPy is the course's hand-written code
(arrays allocated per operation, as the course writes it); PyTorch is torch.addmm,
binary_cross_entropy_with_logits and backward(). Data and initial values are drawn here
with NumPy (not the C++ generator): timings do not depend on the values.

fashion10's PyTorch column is this script too, as a worker process that the C++ binary starts
(`--serve-fashion10 f32|f64 --limit m`, pytorch_worker.cpp) and asks for one epoch at a time,
so that its epochs take turns with the C++ columns' in the same minutes.

Peak MB for NumPy is tracemalloc's peak over three steps (NumPy reports its array buffers
to tracemalloc), measured before timing so tracing does not slow the timed steps; PyTorch's
CPU allocator is invisible to tracemalloc, so its peak is not reported.
"""
import argparse
import ctypes
import os
import statistics
import sys
import time
import tracemalloc

import numpy as np

CONFIGS = [
    ("tiny", [2, 4, 1], 400, ["f64"]),
    ("course", [12288, 20, 7, 5, 1], 209, ["f64"]),
    ("medium", [784, 256, 128, 1], 1024, ["f64", "f32"]),
    ("large", [2048, 2048, 2048, 1], 512, ["f64", "f32"]),
]
LR = 0.01


def openblas_cores():
    """The kernels of the OpenBLAS that NumPy and PyTorch loaded: the log shows that every
    column ran the same gemm as the C++ binary's, whose header prints its own."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "unknown (no libopenblas.so.0)"


def problem(layers, m, dtype):
    rng = np.random.default_rng(20261123)
    X = rng.standard_normal((layers[0], m)).astype(dtype)
    Y = ((X[0] + X[1]) > 0).astype(dtype).reshape(1, m)
    W = [None] + [(rng.standard_normal((layers[l], layers[l - 1])) * np.sqrt(2.0 / layers[l - 1])).astype(dtype)
                  for l in range(1, len(layers))]
    b = [None] + [np.zeros((layers[l], 1), dtype) for l in range(1, len(layers))]
    return X, Y, W, b


class NumpyColumn:
    name = "numpy"

    def __init__(self, X, Y, W, b):
        self.X, self.Y = X, Y
        self.W = [None] + [w.copy() for w in W[1:]]
        self.b = [None] + [v.copy() for v in b[1:]]

    def step(self):
        X, Y, W, b = self.X, self.Y, self.W, self.b
        L, m = len(W) - 1, X.shape[1]
        A, caches = X, []
        for l in range(1, L):
            Z = W[l] @ A + b[l]
            caches.append((A, Z))
            A = np.maximum(Z, 0)
        ZL = W[L] @ A + b[L]
        caches.append((A, ZL))
        e = np.exp(-np.abs(ZL))
        cost = np.mean(np.maximum(ZL, 0) - ZL * Y + np.log1p(e))
        AL = np.where(ZL >= 0, 1 / (1 + e), e / (1 + e))
        dZ = (AL - Y) / m
        for l in range(L, 0, -1):
            A_prev, _ = caches[l - 1]
            dW = dZ @ A_prev.T
            db = np.sum(dZ, axis=1, keepdims=True)
            if l > 1:
                dA_prev = W[l].T @ dZ
                dZ = dA_prev * (caches[l - 2][1] > 0)
            W[l] -= LR * dW
            b[l] -= LR * db
        self.cost = float(cost)


class TorchColumn:
    name = "pytorch"

    def __init__(self, X, Y, W, b):
        import torch
        self.torch = torch
        self.X, self.Y = torch.from_numpy(X), torch.from_numpy(Y)
        self.W = [None] + [torch.from_numpy(w.copy()).requires_grad_() for w in W[1:]]
        self.b = [None] + [torch.from_numpy(v.copy()).requires_grad_() for v in b[1:]]

    def step(self):
        torch, W, b = self.torch, self.W, self.b
        L = len(W) - 1
        A = self.X
        for l in range(1, L):
            A = torch.relu(torch.addmm(b[l], W[l], A))
        J = torch.nn.functional.binary_cross_entropy_with_logits(torch.addmm(b[L], W[L], A), self.Y)
        J.backward()
        with torch.no_grad():
            for p in W[1:] + b[1:]:
                p.sub_(p.grad, alpha=LR)
                p.grad = None
        self.cost = J.item()


def time_column(column, seconds, rounds=9):
    column.step()
    t0 = time.perf_counter()
    column.step()
    per_step = max(time.perf_counter() - t0, 1e-7)
    block = int(min(20000, max(2, seconds / rounds / per_step)))
    times, cpu_times = [], []
    for _ in range(rounds):
        cpu0 = time.process_time()
        for _ in range(block):
            t0 = time.perf_counter()
            column.step()
            times.append((time.perf_counter() - t0) * 1e3)
        cpu_times.append((time.process_time() - cpu0) * 1e3 / block)
    return statistics.median(times), statistics.median(cpu_times)


FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def splitmix_uniform(stream, n):
    """Element i of splitmix64 stream `stream` in [0, 1), as minibatch_problem.cpp draws it."""
    i = np.arange(n, dtype=np.uint64)
    z = np.uint64(stream) * np.uint64(0x100000000) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def fashion10(dtype, limit):
    """Fashion-MNIST's training set example-major (m, 784), pixels / 255 in dtype as
    io::load_fashion_mnist scales them, the labels, and the bench's He-uniform parameters."""
    import gzip
    with gzip.open(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz")) as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(FASHION_DIR, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    if limit:
        pixels, labels = pixels[:limit], labels[:limit]
    X = pixels.astype(dtype) * (dtype(1) / dtype(255))
    layers = [784, 256, 128, 10]
    W, b = [None], [None]
    for l in range(1, len(layers)):
        a = np.sqrt(6.0 / layers[l - 1])
        u = splitmix_uniform(l, layers[l] * layers[l - 1])
        W.append(((2 * u - 1) * a).astype(dtype).reshape(layers[l], layers[l - 1]))
        b.append(np.zeros(layers[l], dtype))
    return X, labels.astype(np.int64), W, b


class PytorchEpochs:
    """fashion10 as a PyTorch user trains it: nn.Sequential, CrossEntropyLoss, optim.Adam and
    ExponentialLR(0.8), batches of 128 indexed from the example-major training set in numpy's
    RandomState(1 + e).permutation(m) order (the C++ columns' order)."""

    def __init__(self, dtype, limit):
        import torch
        self.torch = torch
        X, labels, W, b = fashion10(dtype, limit)
        self.m = X.shape[0]
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(labels)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                    torch.nn.ReLU(), torch.nn.Linear(128, 10))
        if dtype == np.float64:
            model = model.double()
        with torch.no_grad():
            for l, layer in enumerate([model[0], model[2], model[4]], start=1):
                layer.weight.copy_(torch.from_numpy(W[l]))
                layer.bias.copy_(torch.from_numpy(b[l]))
        self.model = model
        self.optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        self.schedule = torch.optim.lr_scheduler.ExponentialLR(self.optimizer, gamma=0.8)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.loss = float("nan")

    def epoch(self, e):
        """Trains epoch e (1-based); returns its wall and CPU ms."""
        order = self.torch.from_numpy(np.random.RandomState(1 + e).permutation(self.m))
        t0, cpu0 = time.perf_counter(), time.process_time()
        for start in range(0, self.m, 128):
            rows = order[start:start + 128]
            self.optimizer.zero_grad()
            loss = self.loss_fn(self.model(self.X[rows]), self.y[rows])
            loss.backward()
            self.optimizer.step()
        self.schedule.step()
        ms, cpu_ms = (time.perf_counter() - t0) * 1e3, (time.process_time() - cpu0) * 1e3
        self.loss = loss.item()
        return ms, cpu_ms

    def save_parameters(self, path):
        np.save(path, np.concatenate([p.detach().double().numpy().ravel() for p in self.model.parameters()]))


def serve_fashion10(dtype, limit):
    """The worker behind the C++ binary's fashion10 pytorch column (pytorch_worker.cpp): says
    "ready", then answers one line per command on stdin: "epoch E" -> "done MS CPU_MS LOSS",
    "params PATH" -> "saved" (the parameters as one float64 .npy), "quit" or end of input ends.
    After an epoch it waits 0.25 s before answering, so that its BLAS threads are idle, not
    spinning, when the C++ columns run."""
    import torch
    torch.set_num_threads(int(os.environ.get("XGRAD_BENCH_THREADS", "1")))
    epochs = PytorchEpochs(np.float32 if dtype == "f32" else np.float64, limit)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "epoch":
            ms, cpu_ms = epochs.epoch(int(words[1]))
            time.sleep(0.25)
            print("done %.6f %.6f %.6f" % (ms, cpu_ms, epochs.loss), flush=True)
        elif words[0] == "params":
            epochs.save_parameters(words[1])
            print("saved", flush=True)
        else:
            print("unknown command %r" % line.strip(), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--config")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--column")
    parser.add_argument("--serve-fashion10", choices=["f32", "f64"])
    args, _ = parser.parse_known_args()
    if args.serve_fashion10:
        serve_fashion10(args.serve_fashion10, args.limit)
        return
    threads = int(os.environ.get("XGRAD_BENCH_THREADS", "1"))
    print("bench.py: OpenBLAS %s kernels (OPENBLAS_CORETYPE=%s)"
          % (openblas_cores(), os.environ.get("OPENBLAS_CORETYPE", "unset")), file=sys.stderr)
    kinds = [NumpyColumn]
    try:
        import torch
        torch.set_num_threads(threads)
        kinds.append(TorchColumn)
    except ImportError:
        print("(python3-torch not installed: no PyTorch column)", file=sys.stderr)
    if not args.out:
        parser.error("--out is required (or --serve-fashion10)")
    with open(args.out, "w") as out:
        for name, layers, m, dtypes in CONFIGS:
            if args.config and args.config != name:
                continue
            for dtype in dtypes:
                if args.column and args.column not in ("numpy", "pytorch"):
                    continue
                data = problem(layers, m, np.float64 if dtype == "f64" else np.float32)
                for kind in kinds:
                    if args.column and args.column != kind.name:
                        continue
                    column = kind(*data)
                    mb = "-"
                    if kind is NumpyColumn:
                        tracemalloc.start()
                        base = tracemalloc.get_traced_memory()[0]
                        column = kind(*data)
                        for _ in range(3):
                            column.step()
                        mb = "%.3f" % ((tracemalloc.get_traced_memory()[1] - base) / 1e6)
                        tracemalloc.stop()
                    ms, cpu_ms = time_column(column, args.seconds)
                    out.write("%s\t%s\t%s\t%.6f\t%s\t%.6f\n" % (name, dtype, column.name, ms, mb, cpu_ms))
                    out.flush()
                    print("bench.py: %s %s %s %.4f ms/step, %.4f cpu ms" % (name, dtype, column.name, ms, cpu_ms),
                          file=sys.stderr)


if __name__ == "__main__":
    main()
