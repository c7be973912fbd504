"""Tests for the one-vs-rest confident joint, with parity against cleanlab 2.9."""

import numpy as np
import pytest
from _helpers import as_lists, make_multilabel_case

from skcleanml import compute_confident_joint
from skcleanml._count import (
    check_confident_joint,
    prune_counts,
    round_preserving_row_totals,
)


@pytest.fixture
def cleanlab_count():
    return pytest.importorskip("cleanlab.count")


@pytest.mark.parametrize("seed", range(8))
def test_compute_confident_joint_matches_cleanlab(seed, cleanlab_count):
    """Check that the one-vs-rest confident joint equals cleanlab's."""
    Y, P = make_multilabel_case(seed)
    expected = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    np.testing.assert_array_equal(compute_confident_joint(Y, P), expected)
    np.testing.assert_array_equal(compute_confident_joint(as_lists(Y), P), expected)


def test_compute_confident_joint_calibration_rounding_matches_cleanlab(
    cleanlab_count,
):
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


@pytest.mark.parametrize(
    "options, by_noise_rate, by_class",
    [
        ({}, [10, 5], [10, 5]),
        # Half the noise: rounded down by noise rate, what remains once the
        # kept examples (90 + 5, 45 + 2.5) are rounded down, by class.
        ({"frac_noise": 0.5}, [5, 2], [5, 3]),
        # 95 examples stay with each given label: 5 of the 10, none of the 5.
        ({"min_examples_per_class": 95}, [5, 0], [5, 0]),
    ],
)
def test_prune_counts_follow_the_off_diagonal(options, by_noise_rate, by_class):
    """Check the prune counts of a joint: its off-diagonal, reduced as documented."""
    joint = np.array([[[90, 10], [5, 45]]])
    noise_counts, class_counts = prune_counts(joint, **options)
    np.testing.assert_array_equal(noise_counts, [by_noise_rate])
    np.testing.assert_array_equal(class_counts, [by_class])


def test_check_confident_joint_ignores_legacy_and_rejects_bad_joints():
    """Check that a K x K joint is ignored with a warning and bad ones raise."""
    with pytest.warns(UserWarning, match="legacy multi-class shape"):
        assert check_confident_joint(np.ones((3, 3)), 3) is None
    with pytest.raises(ValueError, match=r"shape \(n_classes, 2, 2\) = \(3, 2, 2\)"):
        check_confident_joint(np.ones((2, 2, 2)), 3)
    with pytest.raises(ValueError, match="non-negative finite counts"):
        check_confident_joint(-np.ones((3, 2, 2)), 3)
    joint = np.ones((3, 2, 2), dtype=int)
    np.testing.assert_array_equal(check_confident_joint(joint, 3), joint)
