"""Tests for the one-vs-rest confident joint, with parity against cleanlab 2.9."""

import numpy as np
import pytest
from _helpers import as_lists, make_multilabel_case

from skcleanml import compute_confident_joint
from skcleanml._count import round_preserving_row_totals

cleanlab_count = pytest.importorskip("cleanlab.count")


@pytest.mark.parametrize("seed", range(8))
def test_compute_confident_joint_matches_cleanlab(seed):
    """Check that the one-vs-rest confident joint equals cleanlab's."""
    Y, P = make_multilabel_case(seed)
    expected = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    np.testing.assert_array_equal(compute_confident_joint(Y, P), expected)
    np.testing.assert_array_equal(compute_confident_joint(as_lists(Y), P), expected)


def test_compute_confident_joint_calibration_rounding_matches_cleanlab():
    """Check a case whose calibrated entries are x.5 up to the last bit.

    Class 1 calibrates to [[241.5, 24.5], ...] in exact arithmetic; the
    rounding depends on the order of the floating-point total.
    """
    Y, P = make_multilabel_case(17, n=309)
    expected = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    np.testing.assert_array_equal(compute_confident_joint(Y, P), expected)


def test_round_preserving_row_totals_keeps_totals():
    """Check that rows keep their rounded totals and entries move by < 1."""
    rows = np.random.default_rng(0).random((200, 2)) * 10
    rows[:5] = [[0.5, 0.5], [1.5, 1.5], [2.5, 0.5], [0.6, 0.6], [3, 4]]
    rounded = round_preserving_row_totals(rows)
    np.testing.assert_array_equal(rounded.sum(axis=1), np.round(rows.sum(axis=1)))
    assert np.all(np.abs(rounded - rows) < 1)
