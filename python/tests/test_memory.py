"""100,000 tensors made and dropped: memory stays flat (measured as the process's RSS)."""
import gc
import os

import numpy as np

import xgrad


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def churn(n):
    a = np.ones((4, 4))
    for i in range(n):
        t = xgrad.Tensor(a, requires_grad=True)
        y = xgrad.sum(t * 2.0 + 1.0)  # three ops on the tape, each freed with its tensors
        if i % 10 == 0:
            y.backward()
            _ = t.grad, t.value


def test_100000_tensors_made_and_dropped_leave_memory_flat():
    churn(20000)  # warm up: allocator pools, the tape's slots, numpy's caches
    gc.collect()
    before = rss_bytes()
    churn(100000)
    gc.collect()
    after = rss_bytes()
    growth = after - before
    print(f"RSS before {before / 2**20:.1f} MiB, after 100,000 tensors {after / 2**20:.1f} MiB, "
          f"growth {growth / 2**10:.0f} KiB")
    # A leak of even one 16-double array per tensor would be 100,000 * 128 B = 12.8 MB.
    assert growth < 2 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"
