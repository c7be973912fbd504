"""Tests for the dataset-level label health summaries, with parity against cleanlab."""

import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import as_lists, has_ties, make_multilabel_case

from skcleanml._filter import find_label_issues, find_label_issues_per_class
from skcleanml._summary import (
    SUMMARY_KEYS,
    common_label_issues,
    health_summary,
    overall_label_health_score,
    rank_classes_by_label_quality,
)

pd = pytest.importorskip("pandas")
cleanlab_dataset = pytest.importorskip("cleanlab.multilabel_classification.dataset")
cleanlab_count = pytest.importorskip("cleanlab.count")

PARITY_SEEDS = range(6)
COUNT_COLUMNS = ("Label Issues", "Inverse Label Issues")


def parity_case(seed):
    """n in [50, 400], 2 to 7 classes; ties on even seeds, a rare class on some."""
    rng = np.random.default_rng(seed)
    return make_multilabel_case(
        seed,
        n=int(rng.integers(50, 401)),
        n_classes=int(rng.integers(2, 8)),
        ties=seed % 2 == 0,
        rare=seed % 3 == 0,
    )


def cleanlab_summary(Y, P, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cleanlab_dataset.multilabel_health_summary(
            as_lists(Y), P, verbose=False, **kwargs
        )


def assert_table_matches(ours, theirs, n_samples):
    """Same columns, rows and order; counts exact, floats to 1e-10.

    cleanlab computes its "Label Issues" columns as ``int(count / n * n)``,
    which is one short when the float round trip lands just below ``count``;
    ours are the exact counts, so the comparison allows exactly that.
    """
    assert list(ours) == list(theirs.columns)
    for name, values in ours.items():
        expected = theirs[name].to_numpy()
        assert values.shape == expected.shape, name
        if name in COUNT_COLUMNS:
            truncated = (values / n_samples * n_samples).astype(np.int64)
            np.testing.assert_array_equal(truncated, expected, err_msg=name)
        elif values.dtype.kind == "f":
            np.testing.assert_allclose(values, expected, rtol=0, atol=1e-10)
        else:
            np.testing.assert_array_equal(values, expected, err_msg=name)


def assert_summary_matches(ours, theirs, n_samples, *, ties=False):
    """Same summaries; with ties, the overall score may differ (see below).

    On tied pred_probs the tie rule (lower row first) flags as many
    annotations per class and given label as cleanlab, so every table
    matches; the overall score counts flagged *examples*, which depend on
    which tied rows are flagged.
    """
    assert set(ours) == set(theirs) == set(SUMMARY_KEYS)
    if not ties:
        assert ours["overall_multilabel_health_score"] == pytest.approx(
            theirs["overall_multilabel_health_score"], abs=1e-10
        )
    for key in ("classes_by_multilabel_quality", "common_multilabel_issues"):
        assert_table_matches(ours[key], theirs[key], n_samples)


@pytest.mark.parametrize("seed", PARITY_SEEDS)
def test_health_summary_matches_cleanlab(seed):
    """Check that every summary equals cleanlab's, for lists and indicators."""
    Y, P = parity_case(seed)
    names = [f"class {k}" for k in range(Y.shape[1])]
    theirs = cleanlab_summary(Y, P, class_names=names)
    ties = has_ties(P)
    for labels in (as_lists(Y), Y.astype(int), sp.csr_matrix(Y)):
        ours = health_summary(labels, P, class_names=names, verbose=False)
        assert_summary_matches(ours, theirs, len(Y), ties=ties)
    score = overall_label_health_score(as_lists(Y), P)
    assert score == pytest.approx(1 - find_label_issues(Y, P).mean())
    if not ties:
        assert score == pytest.approx(
            theirs["overall_multilabel_health_score"], abs=1e-10
        )
    assert_table_matches(
        rank_classes_by_label_quality(Y, P, class_names=names),
        theirs["classes_by_multilabel_quality"],
        len(Y),
    )
    assert_table_matches(
        common_label_issues(Y, P, class_names=names),
        theirs["common_multilabel_issues"],
        len(Y),
    )


@pytest.mark.parametrize("seed", PARITY_SEEDS)
def test_health_summary_counts_flagged_annotations(seed):
    """Check that the counts are those of the per-class and per-example masks."""
    Y, P = parity_case(seed)
    issues = find_label_issues_per_class(Y, P)
    summary = health_summary(Y, P, verbose=False)
    ranking = summary["classes_by_multilabel_quality"]
    order = ranking["Class Index"]
    np.testing.assert_array_equal(ranking["Label Issues"], (issues & Y).sum(0)[order])
    np.testing.assert_array_equal(
        ranking["Inverse Label Issues"], (issues & ~Y).sum(0)[order]
    )
    np.testing.assert_array_equal(
        ranking["Label Issues"], np.rint(ranking["Label Noise"] * len(Y))
    )
    assert np.all(np.diff(ranking["Label Quality Score"]) >= 0)
    common = summary["common_multilabel_issues"]
    assert np.all(np.diff(common["Issue Probability"]) <= 0)
    assert common["Num Examples"].sum() == issues.sum()
    expected_score = 1 - find_label_issues(Y, P).mean()
    assert summary["overall_multilabel_health_score"] == pytest.approx(expected_score)


def test_rank_classes_by_label_quality_exact_where_cleanlab_truncates():
    """Check that counts stay exact where cleanlab's float round trip drops one."""
    n_truncated = 0
    for seed in PARITY_SEEDS:
        Y, P = parity_case(seed)
        ours = rank_classes_by_label_quality(Y, P)
        n = len(Y)
        for column in COUNT_COLUMNS:
            counts = ours[column]
            n_truncated += np.sum((counts / n * n).astype(int) < counts)
    # Among these cases some counts do not survive cleanlab's round trip; the
    # parity test shows cleanlab reports them one lower, ours stay exact.
    assert n_truncated > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_health_summary_uses_given_confident_joint(seed):
    """Check that a given confident joint is used everywhere, unlike cleanlab."""
    Y, P = parity_case(seed)
    rng = np.random.default_rng(seed)
    joint = cleanlab_count.compute_confident_joint(as_lists(Y), P, multi_label=True)
    joint = joint + rng.integers(0, 15, joint.shape)
    ours = health_summary(Y, P, confident_joint=joint, verbose=False)
    theirs = cleanlab_summary(Y, P, confident_joint=joint)
    if not has_ties(P):
        assert ours["overall_multilabel_health_score"] == pytest.approx(
            theirs["overall_multilabel_health_score"], abs=1e-10
        )
    assert_table_matches(
        ours["common_multilabel_issues"], theirs["common_multilabel_issues"], len(Y)
    )
    # cleanlab 2.9 ranks classes from its own confident joint, ignoring the
    # given one; ours ranks from the given one, consistent with the common
    # issues table just above.
    ranking = ours["classes_by_multilabel_quality"]
    issues = find_label_issues_per_class(Y, P, confident_joint=joint)
    order = ranking["Class Index"]
    np.testing.assert_array_equal(ranking["Label Issues"], (issues & Y).sum(0)[order])
    default = rank_classes_by_label_quality(Y, P)
    assert not np.array_equal(
        np.sort(ranking["Inverse Label Issues"]),
        np.sort(default["Inverse Label Issues"]),
    )


@pytest.mark.parametrize(
    "case",
    ["one_class", "one_class_no_positives", "no_labels_at_all"],
)
def test_health_summary_edge_cases_match_cleanlab(case):
    """Check parity with one class, or with every label set empty."""
    Y, P = make_multilabel_case(3, n=80, n_classes=3)
    if case == "one_class":
        Y, P = Y[:, :1], P[:, :1]
    elif case == "one_class_no_positives":
        Y, P = np.zeros((80, 1), dtype=bool), P[:, :1]
    else:
        Y = np.zeros_like(Y)
    ours = health_summary(Y, P, verbose=False)
    assert_summary_matches(ours, cleanlab_summary(Y, P), len(Y))
    if case != "one_class":
        assert ours["overall_multilabel_health_score"] == 1.0


def test_health_summary_class_in_every_row():
    """Check a class given to every example, where cleanlab raises instead."""
    Y, P = make_multilabel_case(5, n=120, n_classes=3, rare=False)
    Y[:, 1] = True
    with pytest.raises(ValueError, match="at least 2 classes"):
        cleanlab_summary(Y, P)
    ours = health_summary(Y, P, verbose=False)
    ranking = ours["classes_by_multilabel_quality"]
    always = ranking["Class Index"] == 1
    # Nothing tells the model's disagreement apart from noise in that class,
    # so none of its annotations is flagged.
    assert ranking["Label Issues"][always] == 0
    assert ranking["Label Quality Score"][always] == 1.0
    # Classes are summarized independently, so the others match cleanlab run
    # without the constant class.
    others = [0, 2]
    theirs = cleanlab_summary(Y[:, others], P[:, others])
    reduced = health_summary(Y[:, others], P[:, others], verbose=False)
    assert_summary_matches(reduced, theirs, len(Y), ties=has_ties(P))
    reduced_ranking = reduced["classes_by_multilabel_quality"]
    for column in ("Label Issues", "Inverse Label Issues", "Label Noise"):
        ours_by_class = np.empty(3)
        ours_by_class[ranking["Class Index"]] = ranking[column]
        reduced_by_class = np.empty(2)
        reduced_by_class[reduced_ranking["Class Index"]] = reduced_ranking[column]
        np.testing.assert_array_equal(ours_by_class[others], reduced_by_class)
    assert ours["overall_multilabel_health_score"] == pytest.approx(
        reduced["overall_multilabel_health_score"]
    )


def test_health_summary_as_frame(case):
    """Check that as_frame gives DataFrames with the same content as the dicts."""
    Y, P = case
    names = ["a", "b", "c", "d"]
    arrays = health_summary(Y, P, class_names=names, verbose=False)
    frames = health_summary(Y, P, class_names=names, verbose=False, as_frame=True)
    score = arrays["overall_multilabel_health_score"]
    assert frames["overall_multilabel_health_score"] == score
    for key in ("classes_by_multilabel_quality", "common_multilabel_issues"):
        frame = frames[key]
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == list(arrays[key])
        assert frame.index.equals(pd.RangeIndex(len(frame)))
        for name, values in arrays[key].items():
            np.testing.assert_array_equal(frame[name].to_numpy(), values)
    for function in (common_label_issues, rank_classes_by_label_quality):
        frame = function(Y, P, class_names=names, as_frame=True)
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == list(function(Y, P, class_names=names))


def test_summary_class_names_follow_class_index(case):
    """Check that class names are added first and match each row's class."""
    Y, P = case
    names = np.array(["w", "x", "y", "z"])
    for function in (common_label_issues, rank_classes_by_label_quality):
        table = function(Y, P, class_names=list(names))
        assert next(iter(table)) == "Class Name"
        np.testing.assert_array_equal(table["Class Name"], names[table["Class Index"]])
        assert "Class Name" not in function(Y, P)


def test_health_summary_verbose_prints_report(case, capsys):
    """Check that verbose prints the score, both tables and num_examples."""
    Y, P = case
    summary = health_summary(Y, P, class_names=["ant", "bee", "cat", "dog"])
    out = capsys.readouterr().out
    assert f"dataset of {len(Y)} examples" in out
    assert f"{summary['overall_multilabel_health_score']:.4f}" in out
    for title in ("Classes by label quality", "Most common label issues"):
        assert title in out
    assert all(name in out for name in ("ant", "bee", "cat", "dog"))
    assert "Inverse Label Issues" in out and "Issue Probability" in out
    # One line per class and per class-and-given-label, plus titles.
    assert len(out.splitlines()) > 4 + 2 * 4
    health_summary(Y, P, num_examples=1000)
    assert "dataset of 1000 examples" in capsys.readouterr().out
    health_summary(Y, P, verbose=False)
    assert capsys.readouterr().out == ""


def test_summary_functions_agree(case):
    """Check that health_summary equals the three separate functions."""
    Y, P = case
    summary = health_summary(Y, P, verbose=False)
    assert summary["overall_multilabel_health_score"] == overall_label_health_score(
        Y, P
    )
    for key, function in [
        ("classes_by_multilabel_quality", rank_classes_by_label_quality),
        ("common_multilabel_issues", common_label_issues),
    ]:
        table = function(Y, P)
        assert list(table) == list(summary[key])
        for name, values in table.items():
            np.testing.assert_array_equal(values, summary[key][name])


def test_summary_does_not_modify_inputs(case):
    """Check that labels, pred_probs, class names and joint are left unchanged."""
    Y, P = case
    labels, indicator, names = as_lists(Y), Y.astype(int), ["a", "b", "c", "d"]
    joint = cleanlab_count.compute_confident_joint(labels, P, multi_label=True)
    labels_before = [list(row) for row in labels]
    arrays_before = [indicator.copy(), P.copy(), joint.copy()]
    for given in (labels, indicator):
        health_summary(
            given,
            P,
            class_names=names,
            confident_joint=joint,
            verbose=False,
            as_frame=True,
        )
    assert labels == labels_before
    assert names == ["a", "b", "c", "d"]
    for before, after in zip(arrays_before, [indicator, P, joint]):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"class_names": ["a", "b"]}, "class_names"),
        ({"class_names": [["a", "b"], ["c", "d"]]}, "class_names"),
        ({"class_names": "abcd"}, "class_names"),
        ({"confident_joint": np.ones((4, 2))}, "confident_joint"),
        ({"confident_joint": -np.ones((4, 2, 2))}, "confident_joint"),
        ({"as_frame": "yes"}, "as_frame"),
        ({"num_examples": 0}, "num_examples"),
        ({"verbose": "loud"}, "verbose"),
    ],
)
def test_health_summary_rejects_bad_arguments(case, kwargs, argument):
    """Check that bad arguments raise an error naming the argument."""
    Y, P = case
    with pytest.raises((ValueError, TypeError), match=argument):
        health_summary(Y, P, **kwargs)


@pytest.mark.parametrize(
    "function",
    [
        common_label_issues,
        rank_classes_by_label_quality,
        overall_label_health_score,
        health_summary,
    ],
)
def test_summary_functions_reject_bad_labels_and_pred_probs(case, function):
    """Check that mismatched labels or invalid pred_probs raise naming them."""
    Y, P = case
    with pytest.raises(ValueError, match="labels"):
        function(Y[:-1], P)
    with pytest.raises(ValueError, match="labels"):
        function([[0], [9], *as_lists(Y)[2:]], P)
    with pytest.raises(ValueError, match="pred_probs"):
        function(Y, P * 2)
    with pytest.raises(TypeError, match="labels"):
        function([0, 1, *as_lists(Y)[2:]], P)


def test_summary_as_frame_without_pandas(case, monkeypatch):
    """Check that as_frame=True without pandas raises a clear ImportError."""
    Y, P = case
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="as_frame=True requires pandas"):
        common_label_issues(Y, P, as_frame=True)
    # The default needs no pandas.
    assert isinstance(rank_classes_by_label_quality(Y, P), dict)
