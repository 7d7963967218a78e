#!/usr/bin/python3
"""Writes the .npy fixtures tests/test_data.cpp reads, with numpy itself (1.24 here).

Run from anywhere: /usr/bin/python3 tests/data/make_npy_fixtures.py
The values are simple formulas the C++ test recomputes.
"""
import os
import numpy as np

out = os.path.dirname(os.path.abspath(__file__))
p = lambda name: os.path.join(out, name)

np.save(p("f8_2x3.npy"), np.arange(6, dtype="<f8").reshape(2, 3) / 4 - 0.5)
np.save(p("f4_3.npy"), np.array([1.5, -2.25, 0.125], dtype="<f4"))
np.save(p("f4_2x3x1x4.npy"), np.arange(24, dtype="<f4").reshape(2, 3, 1, 4))
np.save(p("f8_scalar.npy"), np.array(3.5))
np.save(p("f8_0x3.npy"), np.zeros((0, 3)))
np.save(p("i8_labels.npy"), np.array([0, 3, 9, -1, 2**40], dtype="<i8"))
np.save(p("i4_2x2.npy"), np.array([[1, -2], [3, -4]], dtype="<i4"))
np.save(p("u1_4.npy"), np.array([0, 1, 200, 255], dtype="u1"))
np.save(p("b1_3.npy"), np.array([True, False, True]))
np.save(p("f8_fortran_2x3.npy"), np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save(p("f8_fortran_2x3x4.npy"), np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))
np.save(p("f8_bigendian.npy"), np.arange(3.0).astype(">f8"))
np.save(p("object.npy"), np.array([1, "a", None], dtype=object), allow_pickle=True)
np.save(p("complex.npy"), np.array([1 + 2j]))
np.save(p("structured.npy"), np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]))
for major in (2, 3):
    with open(p("f8_2x3_v%d.npy" % major), "wb") as f:
        np.lib.format.write_array(f, np.arange(6, dtype="<f8").reshape(2, 3) / 4 - 0.5,
                                  version=(major, 0))
