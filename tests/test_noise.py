"""Tests for skcleanml.noise."""

import numpy as np
import pytest
import scipy.sparse as sp

import skcleanml.noise as noise_module
from skcleanml.noise import (
    flip_multilabel,
    generate_noise_matrix_from_trace,
    generate_noisy_labels,
    noise_matrix_is_valid,
)


def _assert_global_rng_untouched(func):
    # With an int random_state nothing may draw from (or seed) the global RNG.
    before = np.random.get_state()
    func()
    after = np.random.get_state()
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def _random_noise_matrix(rng, n_classes):
    matrix = rng.dirichlet(np.ones(n_classes), size=n_classes).T
    if rng.rand() < 0.5:  # mix in the identity so both outcomes are common
        matrix = 0.5 * matrix + 0.5 * np.eye(n_classes)
    return matrix


# --------------------------------------------------------------------------
# noise_matrix_is_valid


def test_noise_matrix_is_valid_matches_posterior_condition():
    """Check that validity means P(true=k | given=k) > P(true=k | given!=k)."""
    rng = np.random.RandomState(0)
    outcomes = set()
    for _ in range(300):
        n_classes = rng.randint(2, 6)
        matrix = _random_noise_matrix(rng, n_classes)
        py = rng.dirichlet(np.ones(n_classes))
        joint = matrix * py  # joint[i, j] = P(given=i, true=j)
        expected = True
        for k in range(n_classes):
            p_true_given_k = joint[k, k] / joint[k].sum()
            others = np.delete(joint, k, axis=0)
            p_true_given_other = others[:, k].sum() / others.sum()
            expected &= p_true_given_k > p_true_given_other
        assert noise_matrix_is_valid(matrix, py) == expected
        outcomes.add(expected)
    assert outcomes == {True, False}


def test_noise_matrix_is_valid_agrees_with_cleanlab():
    """Check that the validity check agrees with cleanlab's on random matrices."""
    cl_noise = pytest.importorskip("cleanlab.benchmarking.noise_generation")
    rng = np.random.RandomState(1)
    for _ in range(300):
        n_classes = rng.randint(2, 6)
        matrix = _random_noise_matrix(rng, n_classes)
        py = rng.dirichlet(np.ones(n_classes))
        assert noise_matrix_is_valid(matrix, py) == cl_noise.noise_matrix_is_valid(
            matrix, py
        )


def test_noise_matrix_is_valid_zero_prior_is_invalid():
    """Check that a class with prior 0 fails the strict condition."""
    assert not noise_matrix_is_valid(np.eye(3), [0.5, 0.5, 0.0])
    assert noise_matrix_is_valid(np.eye(3), [0.4, 0.3, 0.3])


@pytest.mark.parametrize(
    "matrix, py, match",
    [
        (np.ones((2, 3)) / 2, [0.5, 0.5], "square"),
        ([[0.9, 0.2], [0.2, 0.8]], [0.5, 0.5], "column-stochastic"),
        ([[1.2, 0.0], [-0.2, 1.0]], [0.5, 0.5], r"\[0, 1\]"),
        (np.eye(2), [0.5, 0.3, 0.2], "shape"),
        (np.eye(2), [0.7, 0.7], "sum to 1"),
        (np.eye(2), [1.5, -0.5], "non-negative"),
    ],
)
def test_noise_matrix_is_valid_rejects_bad_input(matrix, py, match):
    """Check that malformed matrices and priors raise a ValueError."""
    with pytest.raises(ValueError, match=match):
        noise_matrix_is_valid(matrix, py)


# --------------------------------------------------------------------------
# generate_noise_matrix_from_trace


@pytest.mark.parametrize(
    "n_classes, trace, py",
    [
        (2, 1.02, [0.9, 0.1]),
        (3, 1.05, [0.2, 0.3, 0.5]),
        (4, 1.5, [0.7, 0.1, 0.1, 0.1]),
        (5, 1.2, [0.1, 0.2, 0.3, 0.2, 0.2]),
        (7, 6.3, np.full(7, 1 / 7)),
        (10, 6.0, np.full(10, 0.1)),
        (20, 2.0, np.full(20, 0.05)),
    ],
)
def test_generate_noise_matrix_from_trace_valid_matrix(n_classes, trace, py):
    """Check shape, column sums, trace, range and validity of generated matrices."""
    for seed in range(3):
        matrix = generate_noise_matrix_from_trace(
            n_classes, trace, py=py, random_state=seed
        )
        assert matrix.shape == (n_classes, n_classes)
        np.testing.assert_allclose(matrix.sum(axis=0), 1, atol=1e-10)
        assert np.trace(matrix) == pytest.approx(trace, abs=1e-10)
        assert matrix.min() >= 0 and matrix.max() <= 1
        assert noise_matrix_is_valid(matrix, py)


@pytest.mark.parametrize("trace", [0.3, 1.0, 2.5, 3.9])
def test_generate_noise_matrix_from_trace_without_validity(trace):
    """Check that any trace in (0, K] works when validity is not required."""
    matrix = generate_noise_matrix_from_trace(
        4, trace, valid_noise_matrix=False, random_state=0
    )
    np.testing.assert_allclose(matrix.sum(axis=0), 1, atol=1e-10)
    assert np.trace(matrix) == pytest.approx(trace, abs=1e-10)
    assert matrix.min() >= 0 and matrix.max() <= 1


def test_generate_noise_matrix_from_trace_full_trace_is_identity():
    """Check that trace == K gives the identity (no noise)."""
    matrix = generate_noise_matrix_from_trace(4, 4, py=np.full(4, 0.25))
    np.testing.assert_allclose(matrix, np.eye(4))


def test_generate_noise_matrix_from_trace_deterministic():
    """Check that equal seeds give equal matrices and different seeds differ."""
    kwargs = {"py": [0.2, 0.3, 0.5], "frac_zero_noise_rates": 0.3}
    first = generate_noise_matrix_from_trace(3, 2.4, random_state=3, **kwargs)
    second = generate_noise_matrix_from_trace(3, 2.4, random_state=3, **kwargs)
    other = generate_noise_matrix_from_trace(3, 2.4, random_state=4, **kwargs)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_generate_noise_matrix_from_trace_leaves_global_rng_alone():
    """Check that the global NumPy random state is not used."""
    _assert_global_rng_untouched(
        lambda: generate_noise_matrix_from_trace(
            5, 4.0, py=np.full(5, 0.2), random_state=0
        )
    )


@pytest.mark.parametrize("valid", [True, False])
@pytest.mark.parametrize("frac", [0.25, 0.5, 0.75])
def test_generate_noise_matrix_from_trace_zero_noise_rates(valid, frac):
    """Check that the requested fraction of off-diagonal entries is zero."""
    n_classes = 6
    off_diagonal = ~np.eye(n_classes, dtype=bool)
    for seed in range(3):
        matrix = generate_noise_matrix_from_trace(
            n_classes,
            4.5,
            py=np.full(n_classes, 1 / n_classes),
            valid_noise_matrix=valid,
            frac_zero_noise_rates=frac,
            random_state=seed,
        )
        zero_frac = np.mean(matrix[off_diagonal] == 0)
        assert zero_frac >= frac - 1e-12
        np.testing.assert_allclose(matrix.sum(axis=0), 1, atol=1e-10)


def test_generate_noise_matrix_from_trace_caps_zero_fraction():
    """Check that one off-diagonal entry per noisy column always stays free."""
    matrix = generate_noise_matrix_from_trace(
        5, 3.0, valid_noise_matrix=False, frac_zero_noise_rates=1.0, random_state=0
    )
    noisy_columns = np.diag(matrix) < 1
    free_per_column = (matrix > 0).sum(axis=0) - 1
    assert np.all(free_per_column[noisy_columns] == 1)
    np.testing.assert_allclose(matrix.sum(axis=0), 1, atol=1e-10)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"K": 1, "trace": 1.0, "valid_noise_matrix": False}, "K"),
        ({"K": 3, "trace": 0.0, "valid_noise_matrix": False}, "trace"),
        ({"K": 3, "trace": 3.5, "valid_noise_matrix": False}, "trace"),
        ({"K": 3, "trace": 2.0}, "py is required"),
        ({"K": 3, "trace": 1.0, "py": [0.3, 0.3, 0.4]}, "greater than 1"),
        ({"K": 3, "trace": 2.0, "py": [0.5, 0.5, 0.0]}, "strictly positive"),
        ({"K": 3, "trace": 2.0, "py": [0.5, 0.5]}, "shape"),
        (
            {"K": 3, "trace": 2.0, "frac_zero_noise_rates": 1.5, "py": [0.3] * 3},
            "frac_zero_noise_rates",
        ),
        ({"K": 3, "trace": 2.0, "max_iter": 0, "py": [0.3] * 3}, "max_iter"),
    ],
)
def test_generate_noise_matrix_from_trace_argument_errors(kwargs, match):
    """Check that bad arguments raise a ValueError naming the problem."""
    with pytest.raises(ValueError, match=match):
        generate_noise_matrix_from_trace(**kwargs)


def test_generate_noise_matrix_from_trace_gives_up_after_max_iter(monkeypatch):
    """Check that failing every validity check raises after max_iter draws."""
    calls = []

    def never_valid(matrix, py):
        calls.append(1)
        return False

    monkeypatch.setattr(noise_module, "noise_matrix_is_valid", never_valid)
    with pytest.raises(ValueError, match="max_iter=7"):
        generate_noise_matrix_from_trace(3, 2.0, py=[0.3, 0.3, 0.4], max_iter=7)
    assert len(calls) == 7


# --------------------------------------------------------------------------
# generate_noisy_labels


def _count_matrix(true_labels, noisy_labels, n_classes):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (noisy_labels, true_labels), 1)
    return counts


def test_generate_noisy_labels_realizes_noise_matrix():
    """Check that the realized noise matrix is within 1 / n_j of the requested one."""
    rng = np.random.RandomState(0)
    sizes = np.array([137, 60, 203, 41])
    true_labels = rng.permutation(np.repeat(np.arange(4), sizes))
    matrix = generate_noise_matrix_from_trace(
        4, 2.8, py=sizes / sizes.sum(), random_state=0
    )
    noisy = generate_noisy_labels(true_labels, matrix, random_state=1)
    counts = _count_matrix(true_labels, noisy, 4)
    np.testing.assert_array_equal(counts.sum(axis=0), sizes)
    exact = matrix * sizes
    # Every count is the floor or the ceiling of its exact value.
    assert np.all(counts >= np.floor(exact - 1e-9))
    assert np.all(counts <= np.ceil(exact + 1e-9))
    assert np.all(np.abs(counts / sizes - matrix) < 1 / sizes)


def test_generate_noisy_labels_uses_ordinary_rounding_when_consistent():
    """Check that counts equal round(noise_matrix * n_j) when those add up."""
    true_labels = np.repeat([0, 1, 2], [50, 40, 30])
    # No exact halves, which are broken at random.
    matrix = np.array([[0.84, 0.12, 0.06], [0.1, 0.8, 0.14], [0.06, 0.08, 0.8]])
    noisy = generate_noisy_labels(true_labels, matrix, random_state=0)
    expected = np.rint(matrix * [50, 40, 30]).astype(int)
    assert np.all(expected.sum(axis=0) == [50, 40, 30])
    np.testing.assert_array_equal(_count_matrix(true_labels, noisy, 3), expected)


def test_generate_noisy_labels_choice_is_random_and_seeded():
    """Check that flipped examples depend on the seed and are reproducible."""
    true_labels = np.repeat([0, 1], 100)
    matrix = np.array([[0.7, 0.2], [0.3, 0.8]])
    first = generate_noisy_labels(true_labels, matrix, random_state=0)
    second = generate_noisy_labels(true_labels, matrix, random_state=0)
    other = generate_noisy_labels(true_labels, matrix, random_state=1)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)
    # Flips are spread over the class, not taken from its first rows.
    assert 0 < np.sum(first[:50] != 0) < 30


def test_generate_noisy_labels_input_untouched_and_no_global_rng():
    """Check that true_labels is not modified and the global RNG is not used."""
    true_labels = np.repeat([0, 1, 2], 20)
    original = true_labels.copy()
    matrix = generate_noise_matrix_from_trace(
        3, 2.4, py=np.full(3, 1 / 3), random_state=0
    )
    _assert_global_rng_untouched(
        lambda: generate_noisy_labels(true_labels, matrix, random_state=0)
    )
    np.testing.assert_array_equal(true_labels, original)


def test_generate_noisy_labels_missing_classes_and_lists():
    """Check that absent classes are fine and list input is accepted."""
    noisy = generate_noisy_labels([2, 2, 2, 2, 0], np.full((3, 3), 1 / 3))
    assert noisy.shape == (5,)
    assert noisy.dtype == np.int64
    assert set(noisy.tolist()) <= {0, 1, 2}


@pytest.mark.parametrize(
    "labels, matrix, error, match",
    [
        ([0, 1, 3], np.eye(3), ValueError, "true_labels"),
        ([-1, 0, 1], np.eye(3), ValueError, "true_labels"),
        ([[0, 1], [1, 0]], np.eye(2), ValueError, "1-D"),
        ([0.5, 1.0], np.eye(2), TypeError, "integer"),
        ([0, 1], [[0.9, 0.2], [0.2, 0.9]], ValueError, "column-stochastic"),
        ([0, 1], np.eye(2)[:, :1], ValueError, "square"),
    ],
)
def test_generate_noisy_labels_argument_errors(labels, matrix, error, match):
    """Check that bad labels or matrices raise a clear error."""
    with pytest.raises(error, match=match):
        generate_noisy_labels(labels, matrix)


# --------------------------------------------------------------------------
# flip_multilabel


def test_flip_multilabel_realized_rates_close_to_requested():
    """Check that per-class drop and add rates are realized within a margin."""
    rng = np.random.RandomState(0)
    Y = (rng.random_sample((20000, 3)) < [0.2, 0.5, 0.7]).astype(int)
    drop, add = np.array([0.1, 0.02, 0.3]), np.array([0.05, 0.0, 0.2])
    # A seed other than the one that drew Y, so the uniforms are independent.
    Y_noisy = flip_multilabel(Y, drop_rate=drop, add_rate=add, random_state=1)
    realized_drop = ((Y == 1) & (Y_noisy == 0)).sum(axis=0) / (Y == 1).sum(axis=0)
    realized_add = ((Y == 0) & (Y_noisy == 1)).sum(axis=0) / (Y == 0).sum(axis=0)
    np.testing.assert_allclose(realized_drop, drop, atol=0.015)
    np.testing.assert_allclose(realized_add, add, atol=0.015)
    assert realized_add[1] == 0


def test_flip_multilabel_scalar_rates_broadcast():
    """Check that scalar rates apply to every class."""
    Y = np.ones((5000, 4), dtype=int)
    Y_noisy = flip_multilabel(Y, drop_rate=0.2, random_state=0)
    np.testing.assert_allclose((Y_noisy == 0).mean(axis=0), 0.2, atol=0.03)


def test_flip_multilabel_cap_is_enforced_uniformly():
    """Check that at most max_flips_per_row classes flip, chosen uniformly."""
    Y = np.ones((6000, 4), dtype=int)
    Y_noisy = flip_multilabel(Y, drop_rate=1.0, max_flips_per_row=1, random_state=0)
    n_flips = (Y_noisy != Y).sum(axis=1)
    np.testing.assert_array_equal(n_flips, 1)
    # Which class survives the cap is uniform over the candidates.
    np.testing.assert_allclose((Y_noisy == 0).mean(axis=0), 0.25, atol=0.03)


def test_flip_multilabel_cap_leaves_other_rows_alone():
    """Check that rows under the cap keep all their flips."""
    Y = np.zeros((3000, 5), dtype=int)
    capped = flip_multilabel(Y, add_rate=0.1, max_flips_per_row=3, random_state=0)
    uncapped = flip_multilabel(Y, add_rate=0.1, random_state=0)
    assert (capped != Y).sum(axis=1).max() <= 3
    under_cap = (uncapped != Y).sum(axis=1) <= 3
    # Same draws for the flips, so rows under the cap are identical.
    np.testing.assert_array_equal(capped[under_cap], uncapped[under_cap])


@pytest.mark.parametrize("dtype", [int, float, bool, np.uint8])
def test_flip_multilabel_keeps_dtype_and_input(dtype):
    """Check that the output has the input's dtype and the input is untouched."""
    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 1]], dtype=dtype)
    original = Y.copy()
    Y_noisy = flip_multilabel(Y, drop_rate=0.5, add_rate=0.5, random_state=0)
    assert Y_noisy.dtype == Y.dtype
    assert Y_noisy is not Y
    np.testing.assert_array_equal(Y, original)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_flip_multilabel_empty_shapes(shape):
    """Check that no rows or no classes give an empty result of the same shape."""
    Y = np.zeros(shape, dtype=int)
    Y_noisy = flip_multilabel(Y, drop_rate=0.3, add_rate=0.3, random_state=0)
    assert Y_noisy.shape == shape and Y_noisy.dtype == Y.dtype


def test_flip_multilabel_zero_rates_and_determinism():
    """Check that zero rates change nothing and seeds make output reproducible."""
    Y = np.random.RandomState(0).randint(0, 2, size=(200, 5))
    np.testing.assert_array_equal(flip_multilabel(Y, random_state=0), Y)
    first = flip_multilabel(Y, drop_rate=0.3, add_rate=0.1, random_state=5)
    second = flip_multilabel(Y, drop_rate=0.3, add_rate=0.1, random_state=5)
    np.testing.assert_array_equal(first, second)
    _assert_global_rng_untouched(
        lambda: flip_multilabel(Y, drop_rate=0.3, random_state=0)
    )


@pytest.mark.parametrize(
    "Y, kwargs, error, match",
    [
        ([[0, 2], [1, 0]], {}, ValueError, "0/1"),
        ([0, 1, 1], {}, ValueError, "2-D"),
        ([["a", "b"]], {}, TypeError, "dtype"),
        (sp.csr_matrix(np.eye(2)), {}, TypeError, "sparse"),
        (np.eye(3), {"drop_rate": [0.1, 0.2]}, ValueError, "drop_rate"),
        (np.eye(3), {"add_rate": [0.1, 0.2, 1.5]}, ValueError, "add_rate"),
        (np.eye(3), {"drop_rate": -0.1}, ValueError, "drop_rate"),
        (np.eye(3), {"max_flips_per_row": -1}, ValueError, "max_flips_per_row"),
    ],
)
def test_flip_multilabel_argument_errors(Y, kwargs, error, match):
    """Check that bad indicators and rates raise a clear error."""
    with pytest.raises(error, match=match):
        flip_multilabel(Y, **kwargs)
