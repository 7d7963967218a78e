"""Shared by xgrad's Python tests: run with Debian's python3 and PYTHONPATH=<build>/python
(ctest's python_pytest sets both)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def rng():
    return np.random.RandomState(0)


def pytest_report_header(config):
    import xgrad
    return f"xgrad module: {xgrad._xgrad.__file__}"
