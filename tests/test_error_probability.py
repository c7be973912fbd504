"""Tests of the label error probabilities (noise-rate posterior)."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from skcleanml import (
    cross_val_pred_probs,
    get_label_error_probabilities,
    get_label_error_probabilities_per_class,
    get_label_quality_scores,
)
from skcleanml._error_probability import (
    anchor_noise_rates,
    co_label_calibrate,
    error_probability_core,
    example_error_probability,
)
from skcleanml.noise import annotator_noise

# Six clusters, each with its own tag set (two tags, one tag, ...).
TAG_SETS = np.array(
    [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]]
)


def _forgotten_tags_case(seed):
    X, cluster = make_blobs(
        900, centers=6, n_features=5, cluster_std=2.0, random_state=seed
    )
    clean = TAG_SETS[cluster]
    noisy = annotator_noise(clean, forget=0.15, random_state=seed)
    P = cross_val_pred_probs(LogisticRegression(), X, noisy, cv=5, random_state=0)
    return noisy, P, (noisy != clean).any(axis=1)


def _random_case(seed, n=300, n_classes=4):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, n_classes)) < rng.uniform(0.1, 0.5, n_classes)
    P = np.where(Y, rng.beta(4, 2, Y.shape), rng.beta(2, 4, Y.shape))
    return Y, P


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 2, 3])
def test_forgotten_tags_ranked_first(seed):
    """Check that examples that lost a tag rank high, far above cleanlab's scores."""
    Y, P, is_error = _forgotten_tags_case(seed)
    error = get_label_error_probabilities(Y, P)
    auroc = roc_auc_score(is_error, error)
    cleanlab_auroc = roc_auc_score(is_error, -get_label_quality_scores(Y, P))
    assert auroc > 0.8
    assert auroc > cleanlab_auroc + 0.1
    flagged = error > 0.5
    assert (flagged & is_error).sum() / flagged.sum() > 0.5  # precision
    assert flagged.sum() <= 2 * is_error.sum()


def test_error_probabilities_in_unit_interval_and_consistent():
    """Check ranges, shapes, and that the example probability combines its classes."""
    Y, P = _random_case(0)
    W = get_label_error_probabilities_per_class(Y, P)
    error = get_label_error_probabilities(Y, P)
    assert W.shape == Y.shape and error.shape == (Y.shape[0],)
    # No class is constant here, so no probability is exactly 0.
    assert np.all((W > 0) & (W < 1)) and np.all((error > 0) & (error < 1))
    np.testing.assert_allclose(error, 1 - np.prod(1 - W, axis=1))
    assert np.all(error >= W.max(axis=1) - 1e-12)


def test_error_probability_monotone_in_pred_probs():
    """Check that a given tag is more likely wrong the less the model believes it."""
    Y, P = _random_case(1)
    W = get_label_error_probabilities_per_class(Y, P)
    # Among examples with the same given tags (the co-label evidence is then
    # equal), only the model's probability of the class moves W.
    _, pattern = np.unique(Y, axis=0, return_inverse=True)
    for k in range(Y.shape[1]):
        for group in np.unique(pattern):
            rows = pattern.ravel() == group
            order = np.argsort(P[rows, k], kind="stable")
            steps = np.diff(W[rows, k][order])
            # Given tags: W falls as p rises; absent tags: W rises with p.
            given = Y[rows, k][0]
            assert np.all(steps <= 1e-12) if given else np.all(steps >= -1e-12)


def test_class_index_lists_equal_indicator():
    """Check that labels as class-index lists give the indicator's result."""
    Y, P = _random_case(2)
    lists = [np.flatnonzero(row).tolist() for row in Y]
    np.testing.assert_array_equal(
        get_label_error_probabilities(lists, P), get_label_error_probabilities(Y, P)
    )


def test_inputs_not_modified_and_deterministic():
    """Check that inputs are left alone and repeated calls agree."""
    Y, P = _random_case(3)
    Y0, P0 = Y.copy(), P.copy()
    first = get_label_error_probabilities(Y, P)
    np.testing.assert_array_equal(first, get_label_error_probabilities(Y, P))
    np.testing.assert_array_equal(Y, Y0)
    np.testing.assert_array_equal(P, P0)


def test_constant_class_gives_no_evidence():
    """Check that a class nobody (or everybody) has adds nothing to the error."""
    Y, P = _random_case(4)
    Y[:, 0] = False
    W = get_label_error_probabilities_per_class(Y, P)
    rates = anchor_noise_rates(Y, P)
    np.testing.assert_array_equal(rates[0], [0.0, 0.0])
    np.testing.assert_array_equal(W[:, 0], 0.0)


def test_anchor_rates_recover_planted_forget_rate():
    """Check that a planted forget rate is found where the model is confident."""
    rng = np.random.default_rng(5)
    truth = rng.random((4000, 3)) < 0.3
    P = np.where(truth, 0.95, 0.02)  # a confident, right model
    forgotten = truth & (rng.random(truth.shape) < 0.2)
    rates = anchor_noise_rates(truth & ~forgotten, P)
    np.testing.assert_allclose(rates[:, 1], 0.2, atol=0.04)
    np.testing.assert_allclose(rates[:, 0], 0.0, atol=0.01)


def test_calibration_of_one_class_is_monotone_and_fits_frequency():
    """Check that, with no other tags to learn from, calibration is Platt's."""
    rng = np.random.default_rng(6)
    P = rng.random((5000, 1))
    Y = rng.random(P.shape) < 0.5 * P  # the model is twice too confident
    C = co_label_calibrate(Y, P)
    order = np.argsort(P[:, 0])
    assert np.all(np.diff(C[order, 0]) >= -1e-12)
    # The intercept is not penalized: the mean matches the frequency.
    assert abs(C.mean() - Y.mean()) < 1e-4


def test_a_tag_that_goes_with_another_is_evidence_for_it():
    """Check that a forgotten tag is found through the tag that comes with it.

    Class 1 is given only together with class 0; the model knows nothing of
    class 0 (constant probability). Examples given class 1 without class 0
    have likely forgotten class 0.
    """
    rng = np.random.default_rng(8)
    truth = np.zeros((2000, 3), dtype=bool)
    truth[:, 0] = rng.random(2000) < 0.5
    truth[:, 1] = truth[:, 0] & (rng.random(2000) < 0.6)
    truth[:, 2] = rng.random(2000) < 0.3
    Y = truth.copy()
    forgotten = truth[:, 1] & (rng.random(2000) < 0.1)
    Y[forgotten, 0] = False
    P = np.column_stack(
        [np.full(2000, 0.5), np.where(truth[:, 1], 0.8, 0.2), rng.random(2000)]
    )
    W = get_label_error_probabilities_per_class(Y, P)
    others = ~Y[:, 0] & ~forgotten
    assert W[forgotten, 0].min() > W[others, 0].max()


def test_a_tag_that_excludes_another_is_no_evidence_against_it():
    """Check that a wrong tag does not explain away the true one.

    One tag per example and a model that knows the true tag; confused
    examples have their tag replaced. Mutually exclusive tags must not lower
    the probability of the true (missing) tag, so confusions stay found.
    """
    rng = np.random.default_rng(9)
    n = 1500
    true_class = rng.integers(0, 3, n)
    truth = np.eye(3, dtype=bool)[true_class]
    confused = rng.random(n) < 0.1
    given_class = np.where(confused, (true_class + 1) % 3, true_class)
    Y = np.eye(3, dtype=bool)[given_class]
    P = np.clip(np.where(truth, 0.8, 0.1) + rng.normal(0, 0.05, truth.shape), 0, 1)
    C = co_label_calibrate(Y, P)
    # The true tag's calibrated probability stays high whether or not another
    # tag was given instead.
    true_c = C[np.arange(n), true_class]
    assert true_c[confused].mean() > 0.6
    assert abs(true_c[confused].mean() - true_c[~confused].mean()) < 0.15
    error = get_label_error_probabilities(Y, P)
    assert roc_auc_score(confused, error) > 0.95


def test_example_error_probability_of_certain_error_is_one():
    """Check the combination rule on hand-made per-class probabilities."""
    W = np.array([[0.5, 0.5], [0.0, 0.0], [1.0, 0.2]])
    np.testing.assert_allclose(example_error_probability(W), [0.75, 0.0, 1.0])


@pytest.mark.parametrize(
    ("labels", "pred_probs", "match"),
    [
        ([[0, 5]], [[0.2, 0.5]], "labels"),  # class index out of range
        (np.ones((2, 2)), [[0.2, 1.5], [0.1, 0.1]], "pred_probs"),  # above 1
        (np.ones((3, 2)), np.full((2, 2), 0.5), "labels"),  # 3 rows, not 2
    ],
)
def test_bad_input_names_the_argument(labels, pred_probs, match):
    """Check that bad input raises a clear ValueError naming the argument."""
    with pytest.raises(ValueError, match=match):
        get_label_error_probabilities(labels, pred_probs)


def test_calibration_on_a_subsample_is_deterministic_and_close():
    """Check that large data fit on a seeded subsample give nearly the same map."""
    rng = np.random.default_rng(7)
    P = rng.random((5000, 2))
    Y = rng.random(P.shape) < P
    sub = co_label_calibrate(Y, P, max_rows=1000)
    np.testing.assert_array_equal(sub, co_label_calibrate(Y, P, max_rows=1000))
    np.testing.assert_allclose(sub, co_label_calibrate(Y, P), atol=0.05)


def test_noise_rates_use_anchors_purified_by_the_other_tags():
    """Check that a companion tag makes the anchors of a weakly modelled class purer.

    Class 1 truly comes with class 0 and is forgotten at rate 0.1; the model
    of class 1 is weak. Anchors by its raw probability mix in examples
    without it; anchors by the probability calibrated with the other tags
    do not, so the estimated rates are closer to the truth.
    """
    rng = np.random.default_rng(0)
    n_samples = 2000
    together = rng.random(n_samples) < 0.4
    Y = np.column_stack([together, together & (rng.random(n_samples) >= 0.1)])
    weak = 0.35 + 0.1 * together + rng.normal(0, 0.15, n_samples)
    P = np.column_stack([np.where(together, 0.9, 0.1), np.clip(weak, 0, 1)])
    truth = np.array([[0.0, 0.0], [0.0, 0.1]])
    raw_error = np.abs(anchor_noise_rates(Y, P) - truth).sum()
    _, rates = error_probability_core(Y, P)
    assert np.abs(rates - truth).sum() < 0.5 * raw_error
