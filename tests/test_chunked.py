"""Tests for the memory-bounded path: batch_size, np.memmap and sparse labels."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import as_lists, make_multilabel_case

from skcleanml import (
    compute_confident_joint,
    find_label_issues,
    find_label_issues_per_class,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)
from skcleanml._chunked import LabelData
from skcleanml._filter import FILTERS, RANKINGS
from skcleanml._scoring import METHODS, class_label_quality_scores, confident_thresholds

BATCH_SIZES = [1, 7, 100, None]  # None: the number of samples
AGGREGATORS = [
    None,
    {"method": "softmin", "temperature": 0.05},
    {"method": "mean"},
    {"method": "exponential_moving_average", "alpha": None},
    {"method": lambda row: np.sort(row)[1]},  # row by row, without an axis
]


def tied_case(seed, dtype, n=240, n_classes=5):
    """Rounded pred_probs (ties everywhere, including 0.5) and a rare class."""
    Y, P = make_multilabel_case(seed, n=n, n_classes=n_classes, ties=True, rare=True)
    return Y, P.astype(dtype)


def batches(n):
    return [n if size is None else size for size in BATCH_SIZES]


def write_memmap(path, array):
    mapped = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
    mapped[:] = array
    mapped.flush()
    return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)


def extra_peak(function):
    """Peak bytes traced while ``function()`` runs, above those before it."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        function()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(3))
def test_filters_identical_for_every_batch_size(seed, dtype):
    """Check that masks, per-class masks and joints do not depend on batch_size."""
    Y, P = tied_case(seed, dtype)
    expected_joint = compute_confident_joint(Y, P)
    for filter_by in FILTERS:
        expected = find_label_issues_per_class(Y, P, filter_by=filter_by)
        expected_mask = find_label_issues(Y, P, filter_by=filter_by)
        for batch_size in batches(len(Y)):
            options = {"filter_by": filter_by, "batch_size": batch_size}
            per_class = find_label_issues_per_class(Y, P, **options)
            np.testing.assert_array_equal(per_class, expected, err_msg=str(options))
            mask = find_label_issues(Y, P, **options)
            np.testing.assert_array_equal(mask, expected_mask, err_msg=str(options))
    for batch_size in batches(len(Y)):
        joint = compute_confident_joint(Y, P, batch_size=batch_size)
        np.testing.assert_array_equal(joint, expected_joint)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ranking_identical_for_every_batch_size(dtype):
    """Check that ranked indices are identical, adjusted or not, in any format."""
    Y, P = tied_case(3, dtype)
    for ranked_by in RANKINGS:
        for rank_by_kwargs in ({}, {"adjust_pred_probs": True}):
            options = {
                "return_indices_ranked_by": ranked_by,
                "rank_by_kwargs": rank_by_kwargs,
            }
            expected = find_label_issues(Y, P, **options)
            for labels in (Y, sp.csr_array(Y.astype(int)), as_lists(Y)):
                for batch_size in batches(len(Y)):
                    ranked = find_label_issues(
                        labels, P, batch_size=batch_size, **options
                    )
                    np.testing.assert_array_equal(ranked, expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", METHODS)
def test_scores_identical_bit_for_bit(method, dtype):
    """Check that scores (and their dtype) are the same bits for every batch_size."""
    Y, P = tied_case(4, dtype)
    for adjust in (False, True):
        per_class = get_label_quality_scores_per_class(
            Y, P, method=method, adjust_pred_probs=adjust
        )
        for batch_size in batches(len(Y)):
            chunked_scores = get_label_quality_scores_per_class(
                Y, P, method=method, adjust_pred_probs=adjust, batch_size=batch_size
            )
            assert chunked_scores.dtype == per_class.dtype
            np.testing.assert_array_equal(chunked_scores, per_class)
        for aggregator_kwargs in AGGREGATORS:
            options = {
                "method": method,
                "adjust_pred_probs": adjust,
                "aggregator_kwargs": aggregator_kwargs,
            }
            expected = get_label_quality_scores(Y, P, **options)
            for batch_size in batches(len(Y)):
                scores = get_label_quality_scores(
                    Y, P, batch_size=batch_size, **options
                )
                assert scores.dtype == expected.dtype
                np.testing.assert_array_equal(scores, expected)


def test_thresholds_use_fixed_blocks():
    """Check that thresholds are the same bits for any chunking, and are means.

    70,000 rows of 3 classes span four sum blocks of 2**16 entries.
    """
    rng = np.random.default_rng(0)
    P = rng.random((70_000, 3))
    Y = rng.random((70_000, 3)) < 0.4
    expected, n_present = confident_thresholds(LabelData(Y, P))
    for batch_size in (1, 5, 13, 30_001, 69_999):
        thresholds, counts = confident_thresholds(
            LabelData(Y, P, batch_size=batch_size)
        )
        np.testing.assert_array_equal(thresholds, expected)
        np.testing.assert_array_equal(counts, n_present)
    means = [[(1 - P[~Y[:, k], k]).mean() for k in range(3)], P.mean(0, where=Y)]
    np.testing.assert_allclose(expected, means, rtol=1e-12)


def test_memmap_inputs_match_in_memory(tmp_path):
    """Check that read-only memmaps of P and integer labels give the same results."""
    Y, P = tied_case(5, np.float32, n=600, n_classes=8)
    P_map = write_memmap(tmp_path / "p.dat", P)
    Y_map = write_memmap(tmp_path / "y.dat", Y.astype(np.int8))
    ranked = {"return_indices_ranked_by": "self_confidence"}
    for labels in (Y, Y_map, as_lists(Y)):
        for filter_by in FILTERS:
            np.testing.assert_array_equal(
                find_label_issues(labels, P_map, filter_by=filter_by, **ranked),
                find_label_issues(Y, P, filter_by=filter_by, **ranked),
            )
        np.testing.assert_array_equal(
            get_label_quality_scores(labels, P_map), get_label_quality_scores(Y, P)
        )
    assert LabelData(Y, P_map).chunked and LabelData(Y_map, P).chunked


def test_ties_at_the_cutoff_go_to_lower_rows():
    """Check the tie rule: among exactly tied entries at a cut-off, lower rows first.

    Five examples not given the class, all at P = 0.8, and two to flag:
    rows 1 and 3, the lowest rows of the tie, whatever the chunking.
    """
    labels = [[0], [], [0], [], [], [0], [], [], [0]]
    P = np.array([[0.9], [0.8], [0.9], [0.8], [0.8], [0.9], [0.8], [0.8], [0.9]])
    for filter_by in ("prune_by_class", "prune_by_noise_rate", "both"):
        for batch_size in (None, 1, 2, 4):
            issues = find_label_issues_per_class(
                labels,
                P,
                filter_by=filter_by,
                num_to_remove_per_class=[2],
                batch_size=batch_size,
            )
            np.testing.assert_array_equal(np.flatnonzero(issues), [1, 3])


def test_ties_across_chunks_identical_for_every_batch_size():
    """Check heavily tied pred_probs (multiples of 0.05) in any chunking."""
    rng = np.random.default_rng(3)
    P = (rng.random((2000, 6)) * 20).round() / 20
    Y = rng.random((2000, 6)) < np.where(P > 0.5, 0.8, 0.2)
    for filter_by in FILTERS:
        expected = find_label_issues_per_class(Y, P, filter_by=filter_by)
        for batch_size in (1, 3, 64, 999):
            np.testing.assert_array_equal(
                find_label_issues_per_class(
                    Y, P, filter_by=filter_by, batch_size=batch_size
                ),
                expected,
            )


def test_many_candidates_merged_in_several_rounds_identical():
    """Check a selection merging its entries in several rounds, on ties.

    Random pred_probs (multiples of 0.01): half of the 240,000 annotations
    disagree with the model, and a fifth of the noise count is flagged, so a
    selection merges the chunks in several rounds, each into what it kept
    from the earlier ones (rounds of at least 2**16 entries).
    """
    rng = np.random.default_rng(4)
    P = rng.integers(0, 101, (60_000, 4)) / 100
    Y = rng.random((60_000, 4)) < 0.3
    for filter_by in ("prune_by_noise_rate", "both", "prune_by_class"):
        options = {"filter_by": filter_by, "frac_noise": 0.2}
        expected = find_label_issues_per_class(Y, P, **options)
        assert 10_000 < expected.sum() < 2**16
        for batch_size in (3_000, 17_001):
            np.testing.assert_array_equal(
                find_label_issues_per_class(Y, P, batch_size=batch_size, **options),
                expected,
            )


def test_low_normalized_margin_rounding_tie_with_agreeing_entry():
    """Check a disagreeing margin that rounds to 0.5, tied with an agreeing one.

    (0.5 - 2**-54) - 0.5 + 1 rounds to 1 in float64, so the normalized margin
    of row 3 (given, P just below 0.5) is exactly 0.5, the score of the
    agreeing row 2 (not given, 1 - P rounds to 0.5). Confident learning
    flags three annotations (rows 0, 1, 3); the low-score filters flag the
    three lowest scores of the class, the tie at 0.5 going to the lower row.
    """
    Y = np.array([[1], [1], [0], [1], [1], [1]], dtype=bool)
    P = np.array([[0.4], [0.3], [0.5 - 2**-54], [0.5 - 2**-54], [0.6], [0.8]])
    key = class_label_quality_scores(Y, P, "normalized_margin")
    assert key[2, 0] == key[3, 0] == 0.5
    expected = {
        "confident_learning": [0, 1, 3],
        "low_normalized_margin": [0, 1, 2],
        "low_self_confidence": [0, 1, 3],  # row 3's self-confidence is < 0.5
    }
    for filter_by, rows in expected.items():
        for batch_size in (None, 1, 4):
            issues = find_label_issues_per_class(
                Y, P, filter_by=filter_by, batch_size=batch_size
            )
            np.testing.assert_array_equal(np.flatnonzero(issues), rows)


@pytest.mark.slow
def test_sparse_many_classes_not_densified():
    """Check 20k x 2000 sparse labels: same results, no dense label matrix.

    The dense boolean labels would take 40 MB. Chunks of 1000 rows keep the
    extra peak below that; the automatic chunk size keeps it below half of
    pred_probs (160 MB), within the documented bound of about its size.
    """
    rng = np.random.default_rng(0)
    n, n_classes = 20_000, 2000
    rows = np.repeat(np.arange(n), 3)
    cols = rng.integers(0, n_classes, rows.size)
    labels = sp.csr_array(
        (np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n_classes)
    )
    labels.sum_duplicates()
    labels.data[:] = 1
    P = rng.random((n, n_classes), dtype=np.float32) * np.float32(0.3)
    P[rows, cols] = 0.5 + rng.random(rows.size, dtype=np.float32) / 2
    P[rows[:500], cols[:500]] = 0.1  # present but predicted absent
    dense_bytes = n * n_classes
    ranked = {"return_indices_ranked_by": "self_confidence"}
    dense = find_label_issues(labels.toarray().astype(bool), P, **ranked)
    assert dense.size > 100
    np.testing.assert_array_equal(find_label_issues(labels, P, **ranked), dense)
    peak = extra_peak(lambda: find_label_issues(labels, P, batch_size=1000, **ranked))
    assert peak < dense_bytes
    peak = extra_peak(lambda: get_label_quality_scores(labels, P, batch_size=1000))
    assert peak < dense_bytes
    assert extra_peak(lambda: find_label_issues(labels, P, **ranked)) < P.nbytes / 2


@pytest.mark.slow
@pytest.mark.parametrize("random_pred_probs", [False, True])
def test_memmap_extra_peak_within_documented_bound(tmp_path, random_pred_probs):
    """Check the documented bound: pred_probs' size, plus ~100 bytes per flag.

    A selection keeps only the lowest entries seen so far, so the extra
    memory grows with the number of flags, not with the data.
    With random pred_probs half of all annotations disagree with the model
    and about half are flagged, 1M of 2M: the flags dominate.
    """
    rng = np.random.default_rng(2)
    n, n_classes = 100_000, 20
    Y = rng.random((n, n_classes)) < 0.2
    P = rng.random((n, n_classes), dtype=np.float32)
    if not random_pred_probs:
        P = np.where(Y, 0.5 + P / 2, P / 4).astype(np.float32)
        P[:2000, 0] = 1 - P[:2000, 0]
    P_map = write_memmap(tmp_path / "p.dat", P)
    n_flags = find_label_issues_per_class(Y, P, filter_by="both").sum()
    calls = {
        "ranked": lambda P: find_label_issues(
            Y, P, filter_by="both", return_indices_ranked_by="normalized_margin"
        ),
        "scores": lambda P: get_label_quality_scores(Y, P, adjust_pred_probs=True),
    }
    for name, call in calls.items():
        assert extra_peak(lambda: call(P_map)) < P.nbytes + 100 * n_flags, name
        np.testing.assert_array_equal(call(P_map), call(P))
    if not random_pred_probs:  # few flags: within the size of pred_probs
        assert extra_peak(lambda: calls["ranked"](P_map)) < P.nbytes


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda Y, P: P.__setitem__((250, 1), np.nan), "NaN or infinity"),
        (lambda Y, P: P.__setitem__((250, 1), 1.5), r"values in \[0, 1.5\]"),
        (lambda Y, P: Y.__setitem__((250, 1), 2), "0/1 indicator"),
    ],
)
def test_chunked_validation_errors(change, match):
    """Check that bad values in a late chunk raise the same clear errors."""
    Y, P = tied_case(7, np.float64, n=300)
    Y = Y.astype(int)
    change(Y, P)
    for batch_size in (None, 10):
        with pytest.raises(ValueError, match=match):
            find_label_issues(Y, P, batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, "10"])
def test_bad_batch_size(batch_size):
    """Check that batch_size must be a positive integer or None."""
    for function in (find_label_issues, get_label_quality_scores):
        with pytest.raises(ValueError, match="batch_size"):
            function([[0], [1]], [[0.9, 0.1], [0.2, 0.8]], batch_size=batch_size)


def test_batch_size_larger_than_data_and_inputs_unchanged():
    """Check a batch larger than the data, and that inputs are not modified."""
    Y, P = tied_case(8, np.float32, n=50)
    labels = sp.csr_array(Y.astype(int))
    P_copy, labels_copy = P.copy(), labels.copy()
    np.testing.assert_array_equal(
        find_label_issues(labels, P, batch_size=10**6), find_label_issues(Y, P)
    )
    np.testing.assert_array_equal(P, P_copy)
    assert (labels != labels_copy).nnz == 0


@pytest.mark.parametrize(
    "labels",
    [[[0, 1, 2]] * 12, [[]] * 12, [[0, 2], [], [2]] * 4, [[0]] * 6 + [[]] * 6],
    ids=["class-in-every-row", "all-empty", "absent-class", "one-class"],
)
def test_edge_cases_identical_in_chunks(labels):
    """Check degenerate label sets (NaN thresholds) give the same chunked results."""
    n_classes = 1 if len(labels) == 12 and labels[0] == [0] else 3
    pred_probs = np.random.default_rng(0).random((12, n_classes)).round(1)
    for filter_by in FILTERS:
        expected = find_label_issues_per_class(labels, pred_probs, filter_by=filter_by)
        chunks = find_label_issues_per_class(
            labels, pred_probs, filter_by=filter_by, batch_size=5
        )
        np.testing.assert_array_equal(chunks, expected)
    for adjust in (False, True):
        np.testing.assert_array_equal(
            get_label_quality_scores(
                labels, pred_probs, adjust_pred_probs=adjust, batch_size=5
            ),
            get_label_quality_scores(labels, pred_probs, adjust_pred_probs=adjust),
        )
