#!/usr/bin/python3
"""Writes the fuzz targets' seed corpus (tiny files, committed): valid inputs the fuzzer
mutates from. Run from anywhere: /usr/bin/python3 tests/fuzz/make_corpus.py (needs numpy)"""
import gzip, io, os, struct
import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def npy(name, a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a, allow_pickle=False)
    else:
        np.lib.format.write_array(buf, a, version=version, allow_pickle=False)
    open(os.path.join(here, "npy", name), "wb").write(buf.getvalue())

npy("f8_2x3.npy", np.arange(6, dtype="<f8").reshape(2, 3))
npy("f4_scalar.npy", np.array(1.5, dtype="<f4"))
npy("i8_labels.npy", np.array([0, 3, 3, 0], dtype="<i8"))
npy("u1_vec.npy", np.array([1, 2, 255], dtype="|u1"))
npy("b1_vec.npy", np.array([True, False]))
npy("f8_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
npy("f8_empty.npy", np.zeros((0, 3), dtype="<f8"))
npy("f8_v2.npy", np.ones((2, 2), dtype="<f8"), version=(2, 0))
npy("f4_3d.npy", np.arange(8, dtype="<f4").reshape(2, 2, 2))

def idx(name, magic_type, dims, data, gz=False):
    raw = struct.pack(">I", 0x00000800 | len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)
    if gz:
        raw = gzip.compress(raw, mtime=0)
    open(os.path.join(here, "idx", name), "wb").write(raw)

idx("images_2x3x3", 3, [2, 3, 3], range(18))
idx("labels_4", 1, [4], [0, 3, 9, 1])
idx("images_1x2x2.gz", 3, [1, 2, 2], [0, 128, 255, 7], gz=True)
idx("labels_2.gz", 1, [2], [5, 6], gz=True)
idx("any_4d", 4, [1, 1, 2, 2], [1, 2, 3, 4])

# The graph fuzzer reads bytes as choices; a few varied starting points.
rng = np.random.default_rng(6)
for k in range(6):
    n = [16, 48, 96, 160, 256, 64][k]
    open(os.path.join(here, "graph", "seed%d" % k), "wb").write(rng.integers(0, 256, n, dtype=np.uint8).tobytes())
