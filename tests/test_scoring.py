"""Tests for label quality scores, with parity against cleanlab 2.9."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import as_lists, make_multilabel_case

from skcleanml import (
    compute_confident_joint,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)
from skcleanml._scoring import METHODS

cleanlab_rank = pytest.importorskip("cleanlab.multilabel_classification.rank")
cleanlab_count = pytest.importorskip("cleanlab.count")

SEEDS = range(10)
TOLERANCE = 1e-10


def lower_quartile(scores, axis):
    """A user aggregator with an ``axis``, the way cleanlab calls aggregators."""
    return np.quantile(scores, 0.25, axis=axis)


def power_mean(scores, *, axis, power):
    """A user aggregator taking an extra keyword from aggregator_kwargs."""
    return np.mean(np.clip(scores, 1e-3, None) ** power, axis=axis) ** (1 / power)


# id -> (our aggregator_kwargs, cleanlab's). cleanlab has no "min"/"mean"
# strings: its aggregator calls method(scores, axis=1, **kwargs), so the
# equivalent is the NumPy function itself.
AGGREGATORS = {
    "default": (None, {"method": "exponential_moving_average", "alpha": 0.8}),
    "ema-0.8": ({"method": "exponential_moving_average", "alpha": 0.8},) * 2,
    "ema-0.5": ({"method": "exponential_moving_average", "alpha": 0.5},) * 2,
    "ema-1": ({"method": "exponential_moving_average", "alpha": 1.0},) * 2,
    "ema-alpha-none": ({"method": "exponential_moving_average"},) * 2,
    "softmin-0.1": ({"method": "softmin", "temperature": 0.1},) * 2,
    "softmin-1": ({"method": "softmin", "temperature": 1},) * 2,
    "softmin-default": ({"method": "softmin"},) * 2,
    "min": ({"method": "min"}, {"method": np.min}),
    "mean": ({"method": "mean"}, {"method": np.mean}),
    "np.min": ({"method": np.min},) * 2,
    "np.median": ({"method": np.median},) * 2,
    "callable-axis": ({"method": lower_quartile},) * 2,
    "callable-kwargs": ({"method": power_mean, "power": -2},) * 2,
}


def cleanlab_scores(labels, pred_probs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cleanlab_rank.get_label_quality_scores(labels, pred_probs, **kwargs)


def cleanlab_scores_per_class(labels, pred_probs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Its docstring says "a list containing K arrays", but 2.9 returns an
        # array of shape (n_samples, n_classes), like ours.
        scores = cleanlab_rank.get_label_quality_scores_per_class(
            labels, pred_probs, **kwargs
        )
    assert np.shape(scores) == np.shape(pred_probs)
    return np.asarray(scores)


def label_formats(Y):
    return {
        "lists": as_lists(Y),
        "bool": Y,
        "int": Y.astype(int),
        "csr": sp.csr_array(Y.astype(int)),
    }


# cleanlab raises for confidence_weighted_entropy with adjust_pred_probs=True;
# that combination is tested in test_*_cwe_adjusted_is_valid instead.
SCORERS = [
    pytest.param(method, adjust, id=f"{method}-{'adjusted' if adjust else 'plain'}")
    for method in METHODS
    for adjust in (False, True)
    if not (adjust and method == "confidence_weighted_entropy")
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("method", "adjust_pred_probs"), SCORERS)
def test_get_label_quality_scores_matches_cleanlab(seed, method, adjust_pred_probs):
    """Check scores equal cleanlab's to 1e-10 for every aggregator and format."""
    Y, P = make_multilabel_case(seed)
    options = {"method": method, "adjust_pred_probs": adjust_pred_probs}
    formats = label_formats(Y)
    for name, (ours_kwargs, their_kwargs) in AGGREGATORS.items():
        expected = cleanlab_scores(
            as_lists(Y), P, aggregator_kwargs=their_kwargs, **options
        )
        for fmt, labels in formats.items():
            ours = get_label_quality_scores(
                labels, P, aggregator_kwargs=ours_kwargs, **options
            )
            assert ours.shape == (Y.shape[0],)
            np.testing.assert_allclose(
                ours, expected, rtol=0, atol=TOLERANCE, err_msg=f"{name}, {fmt}"
            )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("method", "adjust_pred_probs"), SCORERS)
def test_get_label_quality_scores_per_class_matches_cleanlab(
    seed, method, adjust_pred_probs
):
    """Check per-class scores equal cleanlab's to 1e-10, for every label format."""
    Y, P = make_multilabel_case(seed)
    options = {"method": method, "adjust_pred_probs": adjust_pred_probs}
    expected = cleanlab_scores_per_class(as_lists(Y), P, **options)
    for fmt, labels in label_formats(Y).items():
        ours = get_label_quality_scores_per_class(labels, P, **options)
        assert ours.shape == Y.shape
        np.testing.assert_allclose(ours, expected, rtol=0, atol=TOLERANCE, err_msg=fmt)


def degenerate_case(kind):
    """Labels and pred_probs where one class's threshold is degenerate.

    - "absent": no example has class 1 (its "present" threshold is undefined);
    - "full": every example has class 1 (its "absent" threshold is undefined);
    - "zero-threshold": every example with class 0 gets probability 0 for it,
      and every example without class 1 gets probability 1 for it, so both
      thresholds are exactly 0.
    """
    Y, P = make_multilabel_case(11, n=80, n_classes=4, ties=True, rare=False)
    if kind == "absent":
        Y[:, 1] = False
    elif kind == "full":
        Y[:, 1] = True
    else:
        P[Y[:, 0], 0] = 0.0
        P[~Y[:, 1], 1] = 1.0
    return Y, P


@pytest.mark.parametrize("kind", ["absent", "full", "zero-threshold"])
@pytest.mark.parametrize(("method", "adjust_pred_probs"), SCORERS)
def test_scores_match_cleanlab_with_degenerate_thresholds(
    kind, method, adjust_pred_probs
):
    """Check parity where a class is absent, in every example, or thresholds are 0.

    cleanlab gives a binary label nobody has the threshold 2 (which no
    probability reaches) and clips thresholds below at 2e-6; with
    ``adjust_pred_probs`` the scores depend on both conventions.
    """
    Y, P = degenerate_case(kind)
    options = {"method": method, "adjust_pred_probs": adjust_pred_probs}
    expected = cleanlab_scores_per_class(as_lists(Y), P, **options)
    ours = get_label_quality_scores_per_class(Y, P, **options)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=TOLERANCE)
    expected = cleanlab_scores(as_lists(Y), P, **options)
    ours = get_label_quality_scores(Y, P, **options)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("kind", ["random", "absent", "full", "zero-threshold"])
def test_get_label_quality_scores_cwe_adjusted_is_valid(kind):
    """Check CWE with adjust_pred_probs gives finite scores in [0, 1].

    cleanlab 2.9 raises "adjust_pred_probs is not currently supported" for
    this combination; ours scores the adjusted probabilities like the other
    methods do.
    """
    Y, P = make_multilabel_case(5) if kind == "random" else degenerate_case(kind)
    options = {"method": "confidence_weighted_entropy", "adjust_pred_probs": True}
    with pytest.raises(ValueError, match="adjust_pred_probs"):
        cleanlab_scores(as_lists(Y), P, **options)
    per_class = get_label_quality_scores_per_class(Y, P, **options)
    scores = get_label_quality_scores(Y, P, **options)
    for values in (per_class, scores):
        assert np.isfinite(values).all()
        assert values.min() >= 0 and values.max() <= 1


def test_get_label_quality_scores_cwe_adjusted_orders_like_unadjusted_per_class():
    """Check adjusting keeps the within-class order of CWE given-label scores.

    Within one class and one given label, adjusting is a monotone map of the
    self-confidence, and CWE is monotone in it; so the adjusted and plain
    CWE scores must rank those annotations the same way.
    """
    Y, P = make_multilabel_case(6, n=200, n_classes=3, ties=False)
    plain = get_label_quality_scores_per_class(
        Y, P, method="confidence_weighted_entropy"
    )
    adjusted = get_label_quality_scores_per_class(
        Y, P, method="confidence_weighted_entropy", adjust_pred_probs=True
    )
    for k in range(Y.shape[1]):
        for group in (Y[:, k], ~Y[:, k]):
            a, b = plain[group, k], adjusted[group, k]
            same = np.sign(np.subtract.outer(a, a)) == np.sign(np.subtract.outer(b, b))
            assert same.all()


@pytest.mark.parametrize(
    "labels",
    [[[0, 1, 2]] * 12, [[]] * 12],
    ids=["every-class-in-every-row", "all-empty"],
)
@pytest.mark.parametrize("adjust_pred_probs", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_scores_where_cleanlab_crashes_are_valid(labels, method, adjust_pred_probs):
    """Check edge cases cleanlab rejects give finite scores in [0, 1].

    cleanlab 2.9 raises on these ("Labels must be in multi-label format" and
    "max() arg is an empty sequence"); without adjustment ours must still be
    the plain one-vs-rest scores of each annotation.
    """
    P = np.random.default_rng(0).random((12, 3))
    with pytest.raises(ValueError, match=r"multi-label format|empty sequence"):
        cleanlab_scores(labels, P)
    options = {"method": method, "adjust_pred_probs": adjust_pred_probs}
    per_class = get_label_quality_scores_per_class(labels, P, **options)
    scores = get_label_quality_scores(labels, P, **options)
    for values in (per_class, scores):
        assert np.isfinite(values).all()
        assert values.min() >= 0 and values.max() <= 1
    if method == "self_confidence" and not adjust_pred_probs:
        given = P if labels[0] else 1 - P
        np.testing.assert_allclose(per_class, given, rtol=0, atol=TOLERANCE)


def test_scores_one_class():
    """Check K=1 (cleanlab raises) gives the binary self-confidence."""
    labels = [[0]] * 5 + [[]] * 5
    P = np.random.default_rng(1).random((10, 1))
    with pytest.raises(ValueError, match="multi-label format"):
        cleanlab_scores(labels, P)
    expected = np.where(np.arange(10) < 5, P[:, 0], 1 - P[:, 0])
    for aggregator in AGGREGATORS.values():
        scores = get_label_quality_scores(labels, P, aggregator_kwargs=aggregator[0])
        np.testing.assert_allclose(scores, expected, rtol=0, atol=TOLERANCE)


def test_aggregator_callable_of_one_example():
    """Check a 1-D aggregator (as cleanlab documents them) is applied per row.

    cleanlab's docs ask for "a 1D array of K scores" but it calls the function
    on the 2-D scores with ``axis=1``, so a function without ``axis`` fails
    there; ours calls it on each example's scores.
    """
    Y, P = make_multilabel_case(7)

    def second_lowest(row):
        return np.sort(row)[min(1, len(row) - 1)]

    with pytest.raises(TypeError, match="axis"):
        cleanlab_scores(as_lists(Y), P, aggregator_kwargs={"method": second_lowest})
    per_class = get_label_quality_scores_per_class(Y, P)
    expected = [second_lowest(row) for row in per_class]
    scores = get_label_quality_scores(Y, P, aggregator_kwargs={"method": second_lowest})
    np.testing.assert_array_equal(scores, expected)


@pytest.mark.parametrize("method", METHODS)
def test_aggregators_lie_between_min_and_max(method):
    """Check every built-in aggregate lies between an example's min and max."""
    Y, P = make_multilabel_case(8, n_classes=6)
    per_class = get_label_quality_scores_per_class(Y, P, method=method)
    low, high = per_class.min(axis=1), per_class.max(axis=1)
    for name, (kwargs, _) in AGGREGATORS.items():
        scores = get_label_quality_scores(Y, P, method=method, aggregator_kwargs=kwargs)
        assert np.all(scores >= low - 1e-12) and np.all(scores <= high + 1e-12), name
    minimum = get_label_quality_scores(
        Y, P, method=method, aggregator_kwargs={"method": "min"}
    )
    np.testing.assert_array_equal(minimum, low)


@pytest.mark.parametrize("adjust_pred_probs", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_scores_float32_stay_float32(method, adjust_pred_probs):
    """Check float32 pred_probs give float32 scores close to the float64 ones.

    Issue 2: "float32 stays float32 where precision allows"; scores in [0, 1]
    need no more than float32 precision.
    """
    Y, P = make_multilabel_case(9)
    options = {"method": method, "adjust_pred_probs": adjust_pred_probs}
    P32 = P.astype(np.float32)
    per_class = get_label_quality_scores_per_class(Y, P32, **options)
    assert per_class.dtype == np.float32
    np.testing.assert_allclose(
        per_class,
        get_label_quality_scores_per_class(Y, P32.astype(np.float64), **options),
        atol=1e-5,
    )
    for name, (kwargs, _) in AGGREGATORS.items():
        scores = get_label_quality_scores(Y, P32, aggregator_kwargs=kwargs, **options)
        if not callable((kwargs or {}).get("method")):
            assert scores.dtype == np.float32, name


@pytest.mark.parametrize("seed", SEEDS)
def test_compute_confident_joint_matches_cleanlab_all_formats(seed):
    """Check the confident joint equals cleanlab's for every label format.

    Complements the test in test_filter.py with tied, rare and absent classes
    and sparse and integer indicators.
    """
    Y, P = make_multilabel_case(seed, ties=seed % 2 == 0, rare=True)
    if seed % 3 == 0:
        Y[:, -1] = False
    expected = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    for fmt, labels in label_formats(Y).items():
        ours = compute_confident_joint(labels, P)
        assert ours.shape == (Y.shape[1], 2, 2)
        np.testing.assert_array_equal(ours, expected, err_msg=fmt)


@pytest.mark.parametrize("kind", ["absent", "full", "zero-threshold"])
def test_compute_confident_joint_matches_cleanlab_degenerate(kind):
    """Check the confident joint equals cleanlab's with degenerate thresholds."""
    Y, P = degenerate_case(kind)
    expected = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    np.testing.assert_array_equal(compute_confident_joint(Y, P), expected)


def test_compute_confident_joint_rows_sum_to_label_counts():
    """Check row g of each class's joint sums to the examples given label g."""
    Y, P = make_multilabel_case(12, n_classes=5)
    joint = compute_confident_joint(Y, P)
    n_present = Y.sum(axis=0)
    np.testing.assert_array_equal(joint[:, 1].sum(axis=1), n_present)
    np.testing.assert_array_equal(joint[:, 0].sum(axis=1), len(Y) - n_present)
