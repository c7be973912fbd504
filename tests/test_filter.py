"""Tests for find_label_issues and friends, with parity against cleanlab 2.9."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import as_lists, assert_same_selection, has_ties, make_multilabel_case

from skcleanml import (
    compute_confident_joint,
    find_label_issues,
    find_label_issues_per_class,
    get_label_quality_scores,
)
from skcleanml._filter import FILTERS, RANKINGS

cleanlab_filter = pytest.importorskip("cleanlab.multilabel_classification.filter")

SEEDS = range(8)
FILTER_OPTIONS = [
    {},
    {"frac_noise": 0.6},
    {"frac_noise": 0.3, "min_examples_per_class": 40},
    {"min_examples_per_class": 60},
]


def cleanlab_call(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, n_jobs=1, **kwargs)


@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "prune_by_class", "both"])
def test_given_confident_joint_matches_cleanlab(filter_by):
    """Check parity with a user-supplied joint whose rows match the label counts.

    (For a joint whose rows do not sum to the given label counts, cleanlab's
    masks differ from ours: we prune the counts exactly as given.) On tied
    pred_probs, the same selection up to the tie rule.
    """
    for seed in SEEDS:
        Y, P = make_multilabel_case(seed)
        noisy = np.random.default_rng(seed).normal(0, 0.2, P.shape)
        joint = compute_confident_joint(Y, np.clip(P + noisy, 0, 1))
        options = {"filter_by": filter_by, "confident_joint": joint}
        function = cleanlab_filter.find_multilabel_issues_per_class
        expected = cleanlab_call(function, as_lists(Y), P, **options)
        ours = find_label_issues_per_class(Y, P, **options)
        check_parity(ours, expected, Y, P, filter_by)
        mask = find_label_issues(Y, P, **options)
        np.testing.assert_array_equal(mask, ours.any(axis=1))


def check_parity(ours, expected, Y, P, filter_by):
    """Identical per-class masks, or, with ties at a cut-off, the same selection."""
    if has_ties(P) and filter_by not in ("confident_learning", "predicted_neq_given"):
        by_class = filter_by.startswith("low_")
        assert_same_selection(ours, expected, Y, P, by_class=by_class)
    else:
        np.testing.assert_array_equal(ours, expected)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("filter_by", FILTERS)
def test_find_label_issues_per_class_matches_cleanlab(seed, filter_by):
    """Check that per-class masks equal cleanlab's for every filter and option."""
    Y, P = make_multilabel_case(seed)
    for options in FILTER_OPTIONS:
        expected = cleanlab_call(
            cleanlab_filter.find_multilabel_issues_per_class,
            as_lists(Y),
            P,
            filter_by=filter_by,
            **options,
        )
        ours = find_label_issues_per_class(Y, P, filter_by=filter_by, **options)
        check_parity(ours, expected, Y, P, filter_by)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("filter_by", FILTERS)
def test_find_label_issues_mask_matches_cleanlab(seed, filter_by):
    """Check that the example mask equals cleanlab's, for lists and indicators.

    On tied pred_probs the low-score filters flag as many examples with the
    same scores; the other filters flag the examples of the per-class mask.
    """
    Y, P = make_multilabel_case(seed, ties=False)
    expected = cleanlab_call(
        cleanlab_filter.find_label_issues, as_lists(Y), P, filter_by=filter_by
    )
    for labels in (as_lists(Y), Y.astype(int), sp.csr_array(Y.astype(int))):
        ours = find_label_issues(labels, P, filter_by=filter_by)
        np.testing.assert_array_equal(ours, expected)
    Y, P = make_multilabel_case(seed, ties=True)
    ours = find_label_issues(Y, P, filter_by=filter_by)
    if filter_by.startswith("low_"):
        expected = cleanlab_call(
            cleanlab_filter.find_label_issues, as_lists(Y), P, filter_by=filter_by
        )
        scores = get_label_quality_scores(Y, P)
        np.testing.assert_array_equal(np.sort(scores[ours]), np.sort(scores[expected]))
    else:
        per_class = find_label_issues_per_class(Y, P, filter_by=filter_by)
        np.testing.assert_array_equal(ours, per_class.any(axis=1))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("filter_by", FILTERS[:5])
@pytest.mark.parametrize("ranked_by", RANKINGS)
def test_find_label_issues_ranked_matches_cleanlab(seed, filter_by, ranked_by):
    """Check that the ranked set equals cleanlab's, in non-decreasing score order.

    Among tied scores cleanlab's order follows an unstable sort; ours keeps
    index order, so only the set and the score order are compared.
    """
    Y, P = make_multilabel_case(seed, ties=False)
    for rank_by_kwargs in ({}, {"adjust_pred_probs": True}):
        if rank_by_kwargs and ranked_by == "confidence_weighted_entropy":
            continue  # cleanlab raises; see the test below
        expected = cleanlab_call(
            cleanlab_filter.find_label_issues,
            as_lists(Y),
            P,
            filter_by=filter_by,
            return_indices_ranked_by=ranked_by,
            rank_by_kwargs=rank_by_kwargs,
        )
        ours = find_label_issues(
            Y,
            P,
            filter_by=filter_by,
            return_indices_ranked_by=ranked_by,
            rank_by_kwargs=rank_by_kwargs,
        )
        scores = get_label_quality_scores(Y, P, method=ranked_by, **rank_by_kwargs)
        assert sorted(ours) == sorted(expected)
        assert np.all(np.diff(scores[ours]) >= 0)
        np.testing.assert_array_equal(np.sort(scores[ours]), np.sort(scores[expected]))


@pytest.mark.parametrize("filter_by", ["low_self_confidence", "low_normalized_margin"])
def test_find_label_issues_ranked_low_score_filters_are_sorted(filter_by):
    """Check that low-score filters rank their mask worst first (cleanlab's don't).

    cleanlab 2.9 returns the same set for these filters, but in the order of
    its per-class selection rather than by score; ours is sorted by score.
    """
    Y, P = make_multilabel_case(0)
    mask = find_label_issues(Y, P, filter_by=filter_by)
    ranked = find_label_issues(
        Y, P, filter_by=filter_by, return_indices_ranked_by="self_confidence"
    )
    scores = get_label_quality_scores(Y, P)
    np.testing.assert_array_equal(np.sort(ranked), np.flatnonzero(mask))
    assert np.all(np.diff(scores[ranked]) >= 0)
    theirs = cleanlab_call(
        cleanlab_filter.find_label_issues,
        as_lists(Y),
        P,
        filter_by=filter_by,
        return_indices_ranked_by="self_confidence",
    )
    assert set(theirs) == set(ranked)
    assert not np.all(np.diff(scores[theirs]) >= 0)


def test_find_label_issues_ranked_ties_keep_index_order():
    """Check that tied scores are ranked by index, worst first."""
    labels = [[0], [0], [], [0], [0], []]
    pred_probs = np.array([[0.75], [0.25], [0.75], [0.25], [0.75], [0.25]])
    ranked = find_label_issues(
        labels,
        pred_probs,
        filter_by="predicted_neq_given",
        return_indices_ranked_by="self_confidence",
    )
    np.testing.assert_array_equal(ranked, [1, 2, 3])


@pytest.mark.parametrize("filter_by", FILTERS)
@pytest.mark.parametrize(
    "labels",
    [[[0, 1, 2]] * 12, [[]] * 12, [[0, 2], [], [2]] * 4],
    ids=["class-in-every-row", "all-empty", "absent-class"],
)
def test_find_label_issues_edge_cases_are_valid(filter_by, labels):
    """Check edge cases cleanlab crashes on give a valid mask and ranking."""
    pred_probs = np.random.default_rng(0).random((12, 3))
    mask = find_label_issues(labels, pred_probs, filter_by=filter_by)
    ranked = find_label_issues(
        labels,
        pred_probs,
        filter_by=filter_by,
        return_indices_ranked_by="normalized_margin",
    )
    assert mask.shape == (12,) and mask.dtype == bool
    np.testing.assert_array_equal(np.sort(ranked), np.flatnonzero(mask))


def test_find_label_issues_one_class_matches_binary_confident_learning():
    """Check that K=1 flags the clearly wrong annotations."""
    labels = [[0]] * 8 + [[]] * 8 + [[0], []]
    pred_probs = np.array([[0.9]] * 8 + [[0.1]] * 8 + [[0.05], [0.95]])
    mask = find_label_issues(labels, pred_probs)
    np.testing.assert_array_equal(np.flatnonzero(mask), [16, 17])


def test_find_label_issues_every_row_class_cleanlab_crashes():
    """Check the documented difference: cleanlab fails where a class is in every row."""
    labels = [[0, 1]] * 6 + [[0]] * 6
    pred_probs = np.random.default_rng(1).random((12, 2))
    with pytest.raises(ValueError, match="at least 2 classes"):
        cleanlab_call(
            cleanlab_filter.find_label_issues,
            labels,
            pred_probs,
            filter_by="low_self_confidence",
        )
    assert find_label_issues(
        labels, pred_probs, filter_by="low_self_confidence"
    ).shape == (12,)


def test_find_label_issues_inputs_and_duplicates():
    """Check duplicate ids, nested-list and integer pred_probs, float32."""
    labels = [[0, 0], [1], [], [0, 1, 1]] * 5
    pred_probs = [[1, 0], [0, 1], [0, 0], [1, 1]] * 5
    assert not find_label_issues(labels, pred_probs).any()
    pred32 = np.array(pred_probs, dtype=np.float32)
    np.testing.assert_array_equal(
        find_label_issues(labels, pred32), find_label_issues(labels, pred_probs)
    )


def test_find_label_issues_does_not_modify_inputs():
    """Check that labels and pred_probs are left untouched."""
    Y, P = make_multilabel_case(3)
    labels, Y_copy, P_copy = as_lists(Y), Y.copy(), P.copy()
    labels_copy = [list(row) for row in labels]
    for filter_by in FILTERS:
        find_label_issues(labels, P, filter_by=filter_by)
        find_label_issues(
            Y, P, filter_by=filter_by, return_indices_ranked_by="self_confidence"
        )
    assert labels == labels_copy
    np.testing.assert_array_equal(Y, Y_copy)
    np.testing.assert_array_equal(P, P_copy)


def test_find_label_issues_num_to_remove_per_class():
    """Check that num_to_remove_per_class caps prune_by_class per given label."""
    Y, P = make_multilabel_case(2, n=200, n_classes=3, ties=False)
    none = find_label_issues_per_class(
        Y, P, filter_by="prune_by_class", num_to_remove_per_class=[0, 0, 0]
    )
    assert not none.any()
    some = find_label_issues_per_class(
        Y, P, filter_by="prune_by_class", num_to_remove_per_class=[2, 0, 1]
    )
    assert np.all(some.sum(axis=0) <= [4, 0, 2])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filter_by": "nope"}, "filter_by"),
        ({"frac_noise": 0}, "frac_noise"),
        ({"frac_noise": 1.5}, "frac_noise"),
        ({"return_indices_ranked_by": "nope"}, "return_indices_ranked_by"),
        ({"min_examples_per_class": -1}, "min_examples_per_class"),
        ({"rank_by_kwargs": {"nope": 1}}, "rank_by_kwargs"),
        ({"num_to_remove_per_class": [1]}, "num_to_remove_per_class"),
        ({"confident_joint": np.ones((3, 2))}, "confident_joint"),
    ],
)
def test_find_label_issues_bad_options(kwargs, match):
    """Check that bad options raise an error naming the argument."""
    with pytest.raises(ValueError, match=match):
        find_label_issues([[0], [1]], [[0.9, 0.1], [0.2, 0.8]], **kwargs)


def test_confident_joint_argument_is_used():
    """Check that a given confident joint replaces the estimated one."""
    Y, P = make_multilabel_case(4, n_classes=2, ties=False)
    no_noise = np.array(
        [[[Y.shape[0] - Y[:, k].sum(), 0], [0, Y[:, k].sum()]] for k in range(2)]
    )
    assert not find_label_issues(Y, P, confident_joint=no_noise).any()
