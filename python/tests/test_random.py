"""xgrad.RandomState against numpy's np.random.RandomState, bit for bit."""
import numpy as np
import pytest

import xgrad


@pytest.mark.parametrize("seed", [0, 1, 3, 2**32 - 1])
def test_the_same_stream_as_numpy(seed):
    ours, theirs = xgrad.RandomState(seed), np.random.RandomState(seed)
    # interleaved, so that the kept second normal and the word count both matter
    np.testing.assert_array_equal(ours.randn(3, 4), theirs.randn(3, 4))
    np.testing.assert_array_equal(ours.rand(5), theirs.rand(5))
    assert ours.randn() == theirs.randn()
    np.testing.assert_array_equal(ours.randn(7), theirs.randn(7))
    np.testing.assert_array_equal(ours.normal(1.0, 2.0, (2, 2)), theirs.normal(1.0, 2.0, (2, 2)))
    np.testing.assert_array_equal(ours.uniform(-1, 1, 6), theirs.uniform(-1, 1, 6))
    np.testing.assert_array_equal(ours.randint(0, 10, 8), theirs.randint(0, 10, 8))
    np.testing.assert_array_equal(ours.permutation(9), theirs.permutation(9))
    assert ours.rand() == theirs.rand()


def test_seed_is_np_random_seed():
    ours = xgrad.RandomState(5)
    ours.randn(3)
    ours.seed(1)
    np.random.seed(1)
    np.testing.assert_array_equal(ours.randn(4, 3) * 0.01, np.random.randn(4, 3) * 0.01)
    with pytest.raises(ValueError):
        xgrad.RandomState(-1)
