"""Tests for skcleanml.datasets."""

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification

from skcleanml.datasets import (
    make_multilabel_data,
    make_noisy_multilabel_classification,
)
from skcleanml.noise import noise_matrix_is_valid

BOXES = [[-3.5, 0, -1.5, 1.7], [-1, 3, 2, 4], [-5, 2, -3, 4], [-3, 2, -1, 4]]
BOX_SETS = [[0, 1], [1, 2], [0, 2], [0, 1, 2]]
ALLOWED_SETS = {(0,), (1,), (2,), *map(tuple, BOX_SETS)}


def _assert_global_rng_untouched(func):
    # With an int random_state nothing may draw from (or seed) the global RNG.
    before = np.random.get_state()
    func()
    after = np.random.get_state()
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def _expected_label_sets(X, blob_of_row):
    """Label set of each point: the last box containing it, else its blob."""
    expected = [[int(blob)] for blob in blob_of_row]
    for (x1, y1, x2, y2), box_set in zip(BOXES, BOX_SETS):
        for row, (x, y) in enumerate(X):
            if x1 <= x <= x2 and y1 <= y <= y2:
                expected[row] = box_set
    return expected


# --------------------------------------------------------------------------
# make_multilabel_data


def test_make_multilabel_data_shapes_and_label_sets():
    """Check sizes, formats and that label sets are blob singletons or box sets."""
    data = make_multilabel_data(random_state=0)
    assert data.X_train.shape == (280, 2)
    assert data.X_test.shape == (280, 2)
    for key in ("labels", "true_labels_train"):
        assert len(data[key]) == 280
        assert all(isinstance(labels, list) for labels in data[key])
        assert {tuple(labels) for labels in data[key]} <= ALLOWED_SETS
    assert {tuple(labels) for labels in data.true_labels_test} <= ALLOWED_SETS
    # Every box set and every singleton occurs in the training data.
    assert {tuple(labels) for labels in data.true_labels_train} == ALLOWED_SETS
    assert sorted(map(tuple, data.label_sets)) == sorted(ALLOWED_SETS)


def test_make_multilabel_data_boxes_override_blob_labels():
    """Check that points in a box get its label set, the last box winning."""
    data = make_multilabel_data(random_state=3)
    blobs = np.repeat([0, 1, 2], [100, 80, 100])
    assert data.true_labels_train == _expected_label_sets(data.X_train, blobs)
    assert data.true_labels_test == _expected_label_sets(data.X_test, blobs)


def test_make_multilabel_data_follows_tutorial_draw_order():
    """Check that points are drawn per blob, training before test, like the tutorial."""
    data = make_multilabel_data(random_state=11)
    rng = np.random.RandomState(11)
    means = [[-5, 3.5], [0, 2], [-3, 6]]
    covs = [[[3, -1.5], [-1.5, 1]], [[5, -1.5], [-1.5, 1]], [[3, -1.5], [-1.5, 1]]]
    train, test = [], []
    for mean, cov, size in zip(means, covs, [100, 80, 100]):
        train.append(rng.multivariate_normal(mean, cov, size=size))
        test.append(rng.multivariate_normal(mean, cov, size=size))
    np.testing.assert_array_equal(data.X_train, np.vstack(train))
    np.testing.assert_array_equal(data.X_test, np.vstack(test))


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_make_multilabel_data_noise_fraction_plausible(seed):
    """Check that the noisy fraction matches the noise matrix and trace 0.9."""
    data = make_multilabel_data(random_state=seed)
    true_sets = [tuple(labels) for labels in data.true_labels_train]
    noisy_sets = [tuple(labels) for labels in data.labels]
    is_error = np.array([a != b for a, b in zip(true_sets, noisy_sets)])
    np.testing.assert_array_equal(data.is_error, is_error)
    # Expected fraction of flipped sets, up to rounding of one example per set.
    expected = np.sum(data.py * (1 - np.diag(data.noise_matrix)))
    n_sets = len(data.label_sets)
    assert abs(is_error.mean() - expected) <= n_sets / 280
    assert 0.01 < is_error.mean() < 0.3


def test_make_multilabel_data_noise_matrix_is_valid():
    """Check the label-set noise matrix: trace 0.9 * n_sets, valid for py."""
    data = make_multilabel_data(random_state=0)
    n_sets = len(data.label_sets)
    assert data.noise_matrix.shape == (n_sets, n_sets)
    assert np.trace(data.noise_matrix) == pytest.approx(0.9 * n_sets)
    assert noise_matrix_is_valid(data.noise_matrix, data.py)
    counts = [
        sum(labels == label_set for labels in data.true_labels_train)
        for label_set in data.label_sets
    ]
    np.testing.assert_allclose(data.py, np.array(counts) / 280)


def test_make_multilabel_data_return_indicator():
    """Check that return_indicator gives int arrays matching the list output."""
    lists = make_multilabel_data(random_state=5)
    arrays = make_multilabel_data(random_state=5, return_indicator=True)
    for key in ("labels", "true_labels_train", "true_labels_test"):
        indicator = arrays[key]
        assert indicator.shape == (len(lists[key]), 3)
        assert indicator.dtype.kind == "i"
        assert [np.flatnonzero(row).tolist() for row in indicator] == lists[key]


def test_make_multilabel_data_deterministic_and_no_global_rng():
    """Check reproducibility under random_state and that the global RNG is unused."""
    first = make_multilabel_data(random_state=7)
    second = make_multilabel_data(random_state=7)
    other = make_multilabel_data(random_state=8)
    np.testing.assert_array_equal(first.X_train, second.X_train)
    assert first.labels == second.labels
    np.testing.assert_array_equal(first.noise_matrix, second.noise_matrix)
    assert not np.array_equal(first.X_train, other.X_train)
    _assert_global_rng_untouched(lambda: make_multilabel_data(random_state=7))


def test_make_multilabel_data_avg_trace_one_means_no_noise():
    """Check that avg_trace=1 leaves the training labels clean."""
    data = make_multilabel_data(avg_trace=1.0, random_state=0)
    assert data.labels == data.true_labels_train
    assert not data.is_error.any()


def test_make_multilabel_data_custom_sizes():
    """Check custom training and test sizes per blob."""
    data = make_multilabel_data([30, 20, 10], test_sizes=[5, 0, 5], random_state=0)
    assert data.X_train.shape == (60, 2)
    assert data.X_test.shape == (10, 2)
    assert len(data.true_labels_test) == 10


def test_make_multilabel_data_without_boxes_is_single_label():
    """Check that without boxes every point carries its blob's singleton set."""
    data = make_multilabel_data(
        [10, 10, 10], boxes_coordinates=[], box_multilabels=[], random_state=0
    )
    assert data.true_labels_train == [[0]] * 10 + [[1]] * 10 + [[2]] * 10
    assert data.label_sets == [[0], [1], [2]]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"avg_trace": 0.0}, "avg_trace"),
        ({"avg_trace": 1.5}, "avg_trace"),
        ({"avg_trace": 0.1}, "avg_trace"),
        ({"sizes": [100, 80]}, "sizes"),
        ({"sizes": [100, -1, 100]}, "sizes"),
        ({"sizes": [0, 0, 0]}, "sizes"),
        ({"test_sizes": [1, 2]}, "test_sizes"),
        ({"means": [[0, 0, 0]] * 3}, "means"),
        ({"covs": np.ones((2, 2, 2))}, "covs"),
        ({"boxes_coordinates": [[0, 0, 1]]}, "boxes_coordinates"),
        ({"boxes_coordinates": [[1, 0, 0, 1]], "box_multilabels": [[0]]}, "x1 <= x2"),
        ({"box_multilabels": [[0, 1]]}, "box_multilabels"),
        ({"box_multilabels": [[0, 3], [1], [2], [0, 1]]}, "box_multilabels"),
    ],
)
def test_make_multilabel_data_argument_errors(kwargs, match):
    """Check that bad arguments raise a ValueError naming the argument."""
    with pytest.raises(ValueError, match=match):
        make_multilabel_data(random_state=0, **kwargs)


# --------------------------------------------------------------------------
# make_noisy_multilabel_classification


def test_make_noisy_multilabel_classification_small_setting_shapes():
    """Check the default 'small' setting: 5000 + 1000 examples, 3 features."""
    data = make_noisy_multilabel_classification(random_state=0)
    assert data.X_train.shape == (5000, 3)
    assert data.X_test.shape == (1000, 3)
    assert data.y_train.shape == data.y_train_true.shape == (5000, 4)
    assert data.y_test.shape == (1000, 4)
    assert data.is_error.shape == (5000,)
    assert data.noise_matrices.shape == (4, 2, 2)
    for key in ("noise_traces", "drop_rate", "add_rate", "py"):
        assert data[key].shape == (4,)


def test_make_noisy_multilabel_classification_features_and_clean_labels():
    """Check unit-norm rows, and that true and test labels are sklearn's."""
    data = make_noisy_multilabel_classification(1200, n_test=200, random_state=3)
    np.testing.assert_allclose(np.linalg.norm(data.X_train, axis=1), 1)
    np.testing.assert_allclose(np.linalg.norm(data.X_test, axis=1), 1)
    X, Y = make_multilabel_classification(
        n_samples=1200,
        n_features=3,
        n_classes=4,
        n_labels=2,
        length=500,
        random_state=np.random.RandomState(3),
    )
    np.testing.assert_array_equal(data.y_train_true, Y[:1000])
    np.testing.assert_array_equal(data.y_test, Y[1000:])
    np.testing.assert_allclose(
        data.X_test, X[1000:] / np.linalg.norm(X[1000:], axis=1, keepdims=True)
    )


def test_make_noisy_multilabel_classification_realized_rates():
    """Check that realized per-class drop and add rates match the noise matrices."""
    data = make_noisy_multilabel_classification(
        8000,
        n_test=0,
        noise_trace_range=(1.7, 1.8),
        max_flips_per_row=None,
        random_state=0,
    )
    true, noisy = data.y_train_true, data.y_train
    drops = ((true == 1) & (noisy == 0)).sum(axis=0) / (true == 1).sum(axis=0)
    adds = ((true == 0) & (noisy == 1)).sum(axis=0) / (true == 0).sum(axis=0)
    np.testing.assert_allclose(drops, data.drop_rate, atol=0.025)
    np.testing.assert_allclose(adds, data.add_rate, atol=0.025)
    # Traces in (1.7, 1.8) mean 10-15% noise per class on average.
    assert 0.05 < (true != noisy).mean() < 0.2


def test_make_noisy_multilabel_classification_noise_matrices():
    """Check traces within range, rates read off the matrices, and validity."""
    data = make_noisy_multilabel_classification(
        1000, n_test=100, n_classes=6, noise_trace_range=(1.5, 1.95), random_state=1
    )
    traces = np.trace(data.noise_matrices, axis1=1, axis2=2)
    np.testing.assert_allclose(traces, data.noise_traces)
    assert np.all((1.5 <= traces) & (traces <= 1.95))
    np.testing.assert_allclose(data.noise_matrices.sum(axis=1), 1)
    np.testing.assert_array_equal(data.drop_rate, data.noise_matrices[:, 0, 1])
    np.testing.assert_array_equal(data.add_rate, data.noise_matrices[:, 1, 0])
    np.testing.assert_allclose(data.py, data.y_train_true.mean(axis=0))
    for matrix, prevalence in zip(data.noise_matrices, data.py):
        if 0 < prevalence < 1:
            assert noise_matrix_is_valid(matrix, [1 - prevalence, prevalence])


def test_make_noisy_multilabel_classification_cap_and_is_error():
    """Check the per-row flip cap and that is_error marks rows with any flip."""
    data = make_noisy_multilabel_classification(
        1000,
        n_test=100,
        n_classes=8,
        noise_trace_range=(1.2, 1.3),
        max_flips_per_row=2,
        random_state=0,
    )
    n_flips = (data.y_train != data.y_train_true).sum(axis=1)
    assert n_flips.max() == 2  # heavy noise: the cap binds
    np.testing.assert_array_equal(data.is_error, n_flips > 0)


def test_make_noisy_multilabel_classification_lists_and_determinism():
    """Check list output, reproducibility and that the global RNG is unused."""
    kwargs = {"n_test": 50, "random_state": 4}
    arrays = make_noisy_multilabel_classification(300, **kwargs)
    lists = make_noisy_multilabel_classification(300, return_indicator=False, **kwargs)
    for key in ("y_train", "y_train_true", "y_test"):
        assert lists[key] == [np.flatnonzero(row).tolist() for row in arrays[key]]
    np.testing.assert_array_equal(arrays.X_train, lists.X_train)
    other = make_noisy_multilabel_classification(300, n_test=50, random_state=5)
    assert not np.array_equal(arrays.X_train, other.X_train)
    _assert_global_rng_untouched(
        lambda: make_noisy_multilabel_classification(300, **kwargs)
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 100, "n_test": 100}, "n_test"),
        ({"n_samples": 100, "n_test": -1}, "n_test"),
        ({"noise_trace_range": (1.0, 1.5)}, "noise_trace_range"),
        ({"noise_trace_range": (1.5, 2.1)}, "noise_trace_range"),
        ({"noise_trace_range": (1.8, 1.5)}, "noise_trace_range"),
        ({"noise_trace_range": (1.5, 1.6, 1.7)}, "noise_trace_range"),
        ({"max_flips_per_row": -1}, "max_flips_per_row"),
        ({"n_classes": 0}, "n_classes"),
    ],
)
def test_make_noisy_multilabel_classification_argument_errors(kwargs, match):
    """Check that bad arguments raise a ValueError naming the argument."""
    kwargs = {"n_samples": 100, "n_test": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_noisy_multilabel_classification(random_state=0, **kwargs)
