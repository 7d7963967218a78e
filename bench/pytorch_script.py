#!/usr/bin/env python3
"""The PyTorch side of issue 13's trial: fashion10 trained as a PyTorch user writes it, to set
next to `xgrad train --data fashion10` (the same network, optimiser, schedule, batches and dtype;
its own He-uniform draw). Prints the training time only, as `xgrad train` does.

    OPENBLAS_NUM_THREADS=1 build/xgrad train --data fashion10 --dtype float32 --epochs 5
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_script.py --dtype float32 --epochs 5

Needs Debian's python3-torch, python3-numpy and dataset-fashion-mnist. bench/README.md
("A user's script") has the figures and what glibc's malloc does to them.
"""
import argparse
import gzip
import time

import numpy as np
import torch

FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--epochs", type=lambda s: max(1, int(s)), default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dtype = np.float32 if args.dtype == "float32" else np.float64
    with gzip.open(f"{FASHION_DIR}/train-images-idx3-ubyte.gz") as f:
        X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(dtype) / 255
    with gzip.open(f"{FASHION_DIR}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    if dtype == np.float64:
        model = model.double()
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.8)
    loss_fn = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.from_numpy(np.random.RandomState(1 + epoch).permutation(len(y)))
        for first in range(0, len(y), 128):
            rows = order[first:first + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(X[rows]), y[rows])
            loss.backward()
            optimizer.step()
        schedule.step()
    seconds = time.perf_counter() - start
    print(f"pytorch: trained {args.epochs} epochs in {seconds:.2f} s, last batch's loss "
          f"{loss.item():.4f}")


if __name__ == "__main__":
    main()
