"""Property-based tests (hypothesis) of the functional API's invariants.

Random problems have n in [1, 300] examples, K in [1, 50] classes, label
densities from "no labels" to "every class on", and pred_probs that are
continuous, rounded (many ties), or only 0, 0.5 and 1, in float32 or float64.
The arrays are drawn from a seeded NumPy generator (hypothesis draws the shape,
the kind and the seed), which keeps examples fast to generate.
"""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skcleanml import (
    common_label_issues,
    compute_confident_joint,
    find_label_issues,
    find_label_issues_per_class,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    health_summary,
    int2onehot,
    onehot2int,
    overall_label_health_score,
    rank_classes_by_label_quality,
)
from skcleanml._filter import FILTERS, RANKINGS
from skcleanml._scoring import METHODS

DENSITIES = ("none", "rare", "dense", "all", "mixed")
PROBABILITIES = ("continuous", "correlated", "rounded", "extremes")
AGGREGATORS = (
    None,
    {"method": "exponential_moving_average", "alpha": 0.5},
    {"method": "softmin", "temperature": 0.1},
    {"method": "min"},
    {"method": "mean"},
)
LOW_SCORE_FILTERS = ("low_self_confidence", "low_normalized_margin")

# derandomize: the same examples on every run, so CI is reproducible; no
# example database, so running the tests writes nothing to the checkout.
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def make_labels(rng, n, n_classes, density):
    if density == "none":
        return np.zeros((n, n_classes), dtype=bool)
    if density == "all":
        return np.ones((n, n_classes), dtype=bool)
    if density == "rare":
        return rng.random((n, n_classes)) < 2 / max(n, 2)
    if density == "dense":
        return rng.random((n, n_classes)) < 0.8
    Y = rng.random((n, n_classes)) < rng.uniform(0, 1, n_classes)
    columns = rng.permutation(n_classes)
    Y[:, columns[: n_classes // 4]] = False  # absent classes
    Y[:, columns[n_classes // 4 : n_classes // 3]] = True  # classes in every row
    return Y


def make_pred_probs(rng, Y, kind):
    if kind == "continuous":
        return rng.random(Y.shape)
    if kind == "extremes":
        return rng.choice([0.0, 0.5, 1.0], Y.shape)
    P = np.where(Y, rng.beta(4, 2, Y.shape), rng.beta(2, 4, Y.shape))
    return P.round(1) if kind == "rounded" else P


@st.composite
def problems(draw, *, tie_free=False, max_n=300, max_classes=50):
    """(Y, P): a boolean indicator and pred_probs.

    ``tie_free`` gives continuous float64 pred_probs, so that no two scores
    or probabilities are equal (almost surely).
    """
    n = draw(st.integers(1, max_n))
    n_classes = draw(st.integers(1, max_classes))
    density = draw(st.sampled_from(DENSITIES))
    kind = "continuous" if tie_free else draw(st.sampled_from(PROBABILITIES))
    dtype = np.float64 if tie_free else draw(st.sampled_from([np.float64, np.float32]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Y = make_labels(rng, n, n_classes, density)
    return Y, make_pred_probs(rng, Y, kind).astype(dtype)


def as_lists(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


def assert_unit_interval(values, name):
    values = np.asarray(values, dtype=float)
    assert np.isfinite(values).all(), f"{name}: not finite"
    assert values.min(initial=0) >= 0 and values.max(initial=1) <= 1, name


@SETTINGS
@given(problems())
def test_scores_are_finite_and_in_unit_interval(problem):
    """Check every method, adjustment and aggregator gives finite scores in [0, 1]."""
    Y, P = problem
    for method in METHODS:
        for adjust in (False, True):
            name = f"{method}, adjust_pred_probs={adjust}"
            per_class = get_label_quality_scores_per_class(
                Y, P, method=method, adjust_pred_probs=adjust
            )
            assert per_class.shape == Y.shape
            assert_unit_interval(per_class, name)
            for aggregator in AGGREGATORS:
                scores = get_label_quality_scores(
                    Y,
                    P,
                    method=method,
                    adjust_pred_probs=adjust,
                    aggregator_kwargs=aggregator,
                )
                assert scores.shape == (Y.shape[0],)
                assert_unit_interval(scores, f"{name}, {aggregator}")


@SETTINGS
@given(problems())
def test_mask_and_ranked_indices_agree(problem):
    """Check ranked indices are the mask's, worst first, ties in index order."""
    Y, P = problem
    for filter_by in FILTERS:
        mask = find_label_issues(Y, P, filter_by=filter_by)
        assert mask.shape == (Y.shape[0],) and mask.dtype == bool
        for ranked_by in RANKINGS:
            ranked = find_label_issues(
                Y, P, filter_by=filter_by, return_indices_ranked_by=ranked_by
            )
            assert ranked.dtype.kind == "i"
            np.testing.assert_array_equal(np.sort(ranked), np.flatnonzero(mask))
            scores = get_label_quality_scores(Y, P, method=ranked_by)[ranked]
            assert np.all(np.diff(scores) >= 0), (filter_by, ranked_by)
            tied = np.diff(scores) == 0
            assert np.all(np.diff(ranked)[tied] > 0), (filter_by, ranked_by)


@SETTINGS
@given(problems(), st.sampled_from(RANKINGS), st.sampled_from(AGGREGATORS[1:]))
def test_ranked_indices_follow_rank_by_kwargs(problem, ranked_by, aggregator):
    """Check rank_by_kwargs changes the ranking score, not the flagged set."""
    Y, P = problem
    kwargs = {"adjust_pred_probs": True, "aggregator_kwargs": aggregator}
    ranked = find_label_issues(
        Y, P, return_indices_ranked_by=ranked_by, rank_by_kwargs=kwargs
    )
    np.testing.assert_array_equal(
        np.sort(ranked), np.flatnonzero(find_label_issues(Y, P))
    )
    scores = get_label_quality_scores(Y, P, method=ranked_by, **kwargs)[ranked]
    assert np.all(np.diff(scores) >= 0)


@SETTINGS
@given(problems())
def test_per_class_issue_implies_example_issue(problem):
    """Check an example is flagged exactly when one of its annotations is.

    This is find_label_issues' documented contract ("an example is flagged
    when any of its class annotations is flagged"). For the two low-score
    filters the example mask is instead, as in cleanlab, the examples with
    the lowest aggregated self-confidence, as many as "confident_learning"
    flags; that is what is checked for them.
    """
    Y, P = problem
    for filter_by in FILTERS:
        mask = find_label_issues(Y, P, filter_by=filter_by)
        if filter_by in LOW_SCORE_FILTERS:
            n_issues = find_label_issues(Y, P, filter_by="confident_learning").sum()
            assert mask.sum() == n_issues, filter_by
            scores = get_label_quality_scores(Y, P)
            if mask.any() and not mask.all():
                assert scores[mask].max() <= scores[~mask].min(), filter_by
            continue
        per_class = find_label_issues_per_class(Y, P, filter_by=filter_by)
        assert per_class.shape == Y.shape and per_class.dtype == bool
        np.testing.assert_array_equal(per_class.any(axis=1), mask, err_msg=filter_by)


@SETTINGS
@given(problems())
def test_flagged_annotations_disagree_with_the_model(problem):
    """Check no filter flags an annotation the model agrees with (documented)."""
    Y, P = problem
    agrees = np.where(Y, P >= 1 - P, 1 - P >= P)
    for filter_by in FILTERS:
        per_class = find_label_issues_per_class(Y, P, filter_by=filter_by)
        assert not (per_class & agrees).any(), filter_by


@SETTINGS
@given(problems(tie_free=True), st.randoms(use_true_random=False))
def test_invariant_to_permuting_examples(problem, random):
    """Check results follow a permutation of the examples.

    Restricted to tie-free pred_probs: when a selection must split a tie
    (which of several equal scores to flag), the choice follows the example
    order, as in cleanlab, so it can legitimately change with it.
    """
    Y, P = problem
    order = np.array(random.sample(range(len(Y)), len(Y)))
    Yp, Pp = Y[order], P[order]
    for filter_by in FILTERS:
        np.testing.assert_array_equal(
            find_label_issues_per_class(Yp, Pp, filter_by=filter_by),
            find_label_issues_per_class(Y, P, filter_by=filter_by)[order],
        )
        np.testing.assert_array_equal(
            find_label_issues(Yp, Pp, filter_by=filter_by),
            find_label_issues(Y, P, filter_by=filter_by)[order],
        )
    for method in METHODS:
        # Thresholds are means, so the sum order may change the last bits.
        np.testing.assert_allclose(
            get_label_quality_scores(Yp, Pp, method=method, adjust_pred_probs=True),
            get_label_quality_scores(Y, P, method=method, adjust_pred_probs=True)[
                order
            ],
            rtol=0,
            atol=1e-12,
        )
    ranked = find_label_issues(Y, P, return_indices_ranked_by="self_confidence")
    ranked_permuted = find_label_issues(
        Yp, Pp, return_indices_ranked_by="self_confidence"
    )
    np.testing.assert_array_equal(order[ranked_permuted], ranked)
    np.testing.assert_array_equal(
        compute_confident_joint(Yp, Pp), compute_confident_joint(Y, P)
    )
    assert overall_label_health_score(Yp, Pp) == overall_label_health_score(Y, P)


@SETTINGS
@given(problems(tie_free=True), st.randoms(use_true_random=False))
def test_invariant_to_permuting_classes(problem, random):
    """Check per-class results follow a permutation of classes; the rest stays.

    Restricted to tie-free pred_probs for the same reason as for examples:
    tie splitting may follow the class order.
    """
    Y, P = problem
    order = np.array(random.sample(range(Y.shape[1]), Y.shape[1]))
    Yp, Pp = Y[:, order], P[:, order]
    for filter_by in FILTERS:
        np.testing.assert_array_equal(
            find_label_issues_per_class(Yp, Pp, filter_by=filter_by),
            find_label_issues_per_class(Y, P, filter_by=filter_by)[:, order],
        )
        np.testing.assert_array_equal(
            find_label_issues(Yp, Pp, filter_by=filter_by),
            find_label_issues(Y, P, filter_by=filter_by),
        )
    for method in METHODS:
        np.testing.assert_array_equal(
            get_label_quality_scores_per_class(Yp, Pp, method=method),
            get_label_quality_scores_per_class(Y, P, method=method)[:, order],
        )
        for aggregator in AGGREGATORS:
            np.testing.assert_allclose(
                get_label_quality_scores(
                    Yp, Pp, method=method, aggregator_kwargs=aggregator
                ),
                get_label_quality_scores(
                    Y, P, method=method, aggregator_kwargs=aggregator
                ),
                rtol=0,
                atol=1e-12,
            )
    np.testing.assert_array_equal(
        compute_confident_joint(Yp, Pp), compute_confident_joint(Y, P)[order]
    )
    assert overall_label_health_score(Yp, Pp) == overall_label_health_score(Y, P)
    assert_same_class_table(
        rank_classes_by_label_quality(Yp, Pp),
        rank_classes_by_label_quality(Y, P),
        order,
        key=("Class Index",),
    )
    assert_same_class_table(
        common_label_issues(Yp, Pp),
        common_label_issues(Y, P),
        order,
        key=("Class Index", "In Given Label"),
    )


def assert_same_class_table(permuted, original, order, key):
    """Rows of ``permuted`` (classes renamed by ``order``) equal ``original``'s."""
    permuted = dict(permuted)
    permuted["Class Index"] = order[permuted["Class Index"]]

    def rows(table):
        return sorted(zip(*(table[name].tolist() for name in table)))

    assert rows(permuted) == rows(original)
    assert set(permuted) == set(original)
    for name in key:
        assert permuted[name].shape == original[name].shape


def call_everything(labels, P):
    """Call every public function of the functional core on (labels, P)."""
    results = [
        compute_confident_joint(labels, P),
        overall_label_health_score(labels, P),
        common_label_issues(labels, P),
        rank_classes_by_label_quality(labels, P),
        health_summary(labels, P, verbose=False),
    ]
    for filter_by in FILTERS:
        results.append(find_label_issues(labels, P, filter_by=filter_by))
        results.append(find_label_issues_per_class(labels, P, filter_by=filter_by))
    for method in METHODS:
        results.append(
            find_label_issues(
                labels,
                P,
                return_indices_ranked_by=method,
                rank_by_kwargs={"adjust_pred_probs": True},
            )
        )
        for adjust in (False, True):
            results.append(
                get_label_quality_scores_per_class(
                    labels, P, method=method, adjust_pred_probs=adjust
                )
            )
            for aggregator in AGGREGATORS:
                results.append(
                    get_label_quality_scores(
                        labels,
                        P,
                        method=method,
                        adjust_pred_probs=adjust,
                        aggregator_kwargs=aggregator,
                    )
                )
    return results


def label_formats(Y):
    return {
        "lists": as_lists(Y),
        "bool": Y,
        "int": Y.astype(int),
        "csr": sp.csr_array(Y.astype(np.int8)),
    }


@SETTINGS
@given(problems(max_n=80, max_classes=12))
def test_inputs_are_never_modified(problem):
    """Check no function writes to labels or pred_probs (compared to deep copies)."""
    Y, P = problem
    for name, labels in label_formats(Y).items():
        labels_copy, P_copy = copy.deepcopy(labels), P.copy()
        call_everything(labels, P)
        np.testing.assert_array_equal(P, P_copy)
        assert P.dtype == P_copy.dtype
        if sp.issparse(labels):
            assert (labels != labels_copy).nnz == 0, name
        elif isinstance(labels, list):
            assert labels == labels_copy, name
        else:
            np.testing.assert_array_equal(labels, labels_copy, err_msg=name)
            assert labels.dtype == labels_copy.dtype, name


@SETTINGS
@given(problems(max_n=80, max_classes=12))
def test_read_only_inputs_are_accepted(problem):
    """Check read-only arrays work: any write to an input would raise here."""
    Y, P = problem
    for labels in (Y.copy(), Y.astype(np.uint8)):
        labels.setflags(write=False)
        P_read_only = P.copy()
        P_read_only.setflags(write=False)
        call_everything(labels, P_read_only)


@SETTINGS
@given(problems(max_n=80, max_classes=12))
def test_two_runs_are_equal_and_formats_agree(problem):
    """Check results are deterministic and the same for every label format."""
    Y, P = problem
    first = call_everything(Y, P)
    for name, labels in label_formats(Y).items():
        for a, b in zip(first, call_everything(labels, P)):
            assert_equal_results(a, b, name)


def assert_equal_results(a, b, name):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), name
        for key in a:
            assert_equal_results(a[key], b[key], f"{name}[{key}]")
    else:
        np.testing.assert_array_equal(a, b, err_msg=name)


@SETTINGS
@given(problems())
def test_health_summaries_are_finite_and_consistent(problem):
    """Check health numbers are finite, in range and agree with each other."""
    Y, P = problem
    n, n_classes = Y.shape
    score = overall_label_health_score(Y, P)
    assert isinstance(score, float)
    assert_unit_interval(score, "overall_label_health_score")
    assert score == 1 - find_label_issues(Y, P).mean()
    ranking = rank_classes_by_label_quality(Y, P)
    assert sorted(ranking["Class Index"].tolist()) == list(range(n_classes))
    for column in ("Label Noise", "Inverse Label Noise", "Label Quality Score"):
        assert_unit_interval(ranking[column], column)
    assert np.all(np.diff(ranking["Label Quality Score"]) >= 0)
    for column in ("Label Issues", "Inverse Label Issues"):
        counts = ranking[column]
        assert counts.dtype.kind == "i" and counts.min() >= 0 and counts.max() <= n
    common = common_label_issues(Y, P)
    assert len(common["Class Index"]) == 2 * n_classes
    assert_unit_interval(common["Issue Probability"], "Issue Probability")
    assert np.all(np.diff(common["Issue Probability"]) <= 0)
    per_class = find_label_issues_per_class(Y, P)
    assert common["Num Examples"].sum() == per_class.sum()
    summary = health_summary(Y, P, verbose=False)
    assert summary["overall_multilabel_health_score"] == score
    assert_equal_results(summary["classes_by_multilabel_quality"], ranking, "ranking")
    assert_equal_results(summary["common_multilabel_issues"], common, "common")


@SETTINGS
@given(problems())
def test_confident_joint_counts(problem):
    """Check the joint is (K, 2, 2) non-negative ints whose rows sum to label counts."""
    Y, P = problem
    joint = compute_confident_joint(Y, P)
    assert joint.shape == (Y.shape[1], 2, 2) and joint.dtype.kind == "i"
    assert joint.min() >= 0
    n_present = Y.sum(axis=0)
    np.testing.assert_array_equal(joint[:, 1].sum(axis=1), n_present)
    np.testing.assert_array_equal(joint[:, 0].sum(axis=1), len(Y) - n_present)


@SETTINGS
@given(
    st.integers(1, 30).flatmap(
        lambda K: st.tuples(
            st.just(K),
            st.lists(st.lists(st.integers(0, K - 1), max_size=2 * K), max_size=50),
        )
    )
)
def test_int2onehot_onehot2int_round_trip(case):
    """Check lists -> indicator -> lists gives sorted unique ids, and back."""
    K, lists = case
    onehot = int2onehot(lists, K)
    assert onehot.shape == (len(lists), K) and onehot.dtype == np.int64
    assert onehot.sum() == sum(len(set(row)) for row in lists)
    back = onehot2int(onehot)
    assert back == [sorted(set(row)) for row in lists]
    np.testing.assert_array_equal(int2onehot(back, K), onehot)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_masks_agree_on_exact_values(dtype):
    """Check masks do not depend on the dtype when values are exact in both.

    Multiples of 1/8 are exact in float32 and float64, so every probability,
    margin and threshold comparison gives the same answer in both. The two
    low-score filters are left out: they compare aggregated (EMA) scores, whose
    rounding differs between the two precisions.
    """
    rng = np.random.default_rng(0)
    Y = rng.random((200, 6)) < 0.3
    P = rng.integers(0, 9, Y.shape) / 8
    for filter_by in set(FILTERS) - set(LOW_SCORE_FILTERS):
        np.testing.assert_array_equal(
            find_label_issues(Y, P.astype(dtype), filter_by=filter_by),
            find_label_issues(Y, P, filter_by=filter_by),
            err_msg=filter_by,
        )
