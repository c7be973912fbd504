"""A cleanlab user switches imports: cleanlab 2.9's multi-label checks on skcleanml.

The first part ports the checks of cleanlab's own
``tests/test_multilabel_classification.py`` that exercise the public
multi-label API (their inputs and expected values; the code is ours), with
cleanlab's names bound to skcleanml's functions and tables as DataFrames
(``as_frame=True``). cleanlab's tests of its private helpers
(``multilabel_scorer``, ``stack_complement``, ``get_onehot_num_classes``)
have no counterpart here. The second part compares, on the same inputs, what
cleanlab accepts that skcleanml once refused, against cleanlab itself.
"""

import warnings

import numpy as np
import pytest
from _helpers import as_lists, make_multilabel_case
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import skcleanml

pd = pytest.importorskip("pandas")
cleanlab_count = pytest.importorskip("cleanlab.count")
cleanlab_filter = pytest.importorskip("cleanlab.multilabel_classification.filter")

# cleanlab's names, bound to skcleanml (tables as DataFrames, as cleanlab's).
find_label_issues = skcleanml.find_label_issues
get_label_quality_scores = skcleanml.get_label_quality_scores
get_label_quality_scores_per_class = skcleanml.get_label_quality_scores_per_class
overall_multilabel_health_score = skcleanml.overall_label_health_score
onehot2int = skcleanml.onehot2int


def common_multilabel_issues(**kwargs):
    return skcleanml.common_label_issues(**kwargs, as_frame=True)


def rank_classes_by_multilabel_quality(**kwargs):
    return skcleanml.rank_classes_by_label_quality(**kwargs, as_frame=True)


def multilabel_health_summary(**kwargs):
    return skcleanml.health_summary(**kwargs, verbose=False, as_frame=True)


NAMES = ["Apple", "Cat", "Dog", "Peach", "Bird"]


@pytest.fixture
def labels():
    return np.array(
        [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
            [1, 1, 0],
            [1, 0, 1],
            [0, 1, 1],
            [1, 1, 1],
            [0, 0, 0],
            [1, 0, 1],
            [0, 1, 0],
        ]
    )


@pytest.fixture
def pred_probs():
    return np.array(
        [
            [0.9, 0.1, 0.2],
            [0.5, 0.6, 0.4],
            [0.75, 0.80, 0.85],
            [0.9, 0.85, 0.2],
            [0.9, 0.1, 0.85],
            [0.5, 0.6, 0.85],
            [0.9, 0.85, 0.85],
            [0.8, 0.4, 0.2],
            [0.9, 0.1, 0.85],
            [0.15, 0.95, 0.05],
        ]
    )


@pytest.fixture
def pred_probs_multilabel():
    return np.array(
        [
            [0.9, 0.1, 0.0, 0.4, 0.1],
            [0.7, 0.8, 0.2, 0.3, 0.1],
            [0.9, 0.8, 0.4, 0.2, 0.1],
            [0.1, 0.1, 0.8, 0.3, 0.1],
            [0.4, 0.5, 0.1, 0.1, 0.1],
            [0.1, 0.1, 0.2, 0.1, 0.1],
            [0.8, 0.1, 0.2, 0.1, 0.1],
        ]
    )


@pytest.fixture
def labels_multilabel():
    return [[0], [0, 1], [0, 1], [2], [0, 2, 3], [], []]


@pytest.fixture
def data_multilabel():
    """100 one-label examples of 5 classes; the model disagrees on the last 9."""
    labels, pred_probs = [], []
    for i in range(100):
        probs = [0.1] * 5
        labels.append([i % 5])
        probs[(i % 5 + 2) % 5 if i > 90 else i % 5] = 0.9
        pred_probs.append(probs)
    return labels, np.array(pred_probs)


# --- cleanlab's checks of the public multi-label API -------------------------


def test_public_label_quality_scores(labels, pred_probs):
    """Check cleanlab's score variants: in [0, 1], each option changes them."""
    formatted = onehot2int(labels)
    assert isinstance(formatted, list)
    scores1 = get_label_quality_scores(formatted, pred_probs)
    assert len(scores1) == len(labels)
    assert (scores1 >= 0).all() and (scores1 <= 1).all()
    scores2 = get_label_quality_scores(
        formatted, pred_probs, method="confidence_weighted_entropy"
    )
    assert not np.isclose(scores1, scores2).all()
    scores3 = get_label_quality_scores(formatted, pred_probs, adjust_pred_probs=True)
    assert not np.isclose(scores1, scores3).all()
    margin = {"method": "normalized_margin", "adjust_pred_probs": True}
    scores4 = get_label_quality_scores(
        formatted,
        pred_probs,
        **margin,
        aggregator_kwargs={"method": "exponential_moving_average"},
    )
    assert not np.isclose(scores1, scores4).all()
    scores5 = get_label_quality_scores(
        formatted, pred_probs, **margin, aggregator_kwargs={"method": "softmin"}
    )
    assert not np.isclose(scores4, scores5).all()
    scores6 = get_label_quality_scores(
        formatted,
        pred_probs,
        **margin,
        aggregator_kwargs={"method": "softmin", "temperature": 0.002},
    )
    assert not np.isclose(scores5, scores6).all()
    scores7 = get_label_quality_scores(
        formatted, pred_probs, **margin, aggregator_kwargs={"method": np.min}
    )
    assert np.isclose(scores6, scores7, rtol=1e-3).all()
    with pytest.raises(ValueError, match="method"):
        get_label_quality_scores(formatted, pred_probs, method="badchoice")
    with pytest.raises(ValueError, match="aggregator_kwargs"):
        get_label_quality_scores(
            formatted, pred_probs, aggregator_kwargs={"method": "invalid"}
        )


@pytest.mark.parametrize("class_names", [None, NAMES])
def test_common_multilabel_issues(
    class_names, pred_probs_multilabel, labels_multilabel
):
    """Check cleanlab's expected common-issues table, with and without names."""
    df = common_multilabel_issues(
        labels=labels_multilabel,
        pred_probs=pred_probs_multilabel,
        class_names=class_names,
    )
    expected = [1 / 7, 1 / 7] + [0.0] * 8
    assert len(df) == 10
    assert np.isclose(expected, df["Issue Probability"]).all()
    if class_names:
        expected_names = ["Apple", "Dog", "Apple", "Cat", "Cat", "Dog"]
        expected_names += ["Peach", "Peach", "Bird", "Bird"]
        assert list(df["Class Name"]) == expected_names
    else:
        assert "Class Name" not in df.columns


def test_multilabel_find_label_issues(data_multilabel):
    """Check cleanlab's low_memory, n_jobs and adjust_pred_probs=None spellings."""
    labels, pred_probs = data_multilabel
    ranked = find_label_issues(
        labels=labels, pred_probs=pred_probs, return_indices_ranked_by="self_confidence"
    )
    ranked_lm = find_label_issues(
        labels, pred_probs, low_memory=True, return_indices_ranked_by="self_confidence"
    )
    # cleanlab asks for a Jaccard index above 0.95; ours are identical.
    np.testing.assert_array_equal(ranked, ranked_lm)
    mask = find_label_issues(labels=labels, pred_probs=pred_probs)
    np.testing.assert_array_equal(
        mask, find_label_issues(labels, pred_probs, low_memory=True)
    )
    ranked_lm2 = find_label_issues(
        labels,
        pred_probs,
        low_memory=True,
        return_indices_ranked_by="self_confidence",
        rank_by_kwargs={"adjust_pred_probs": None},
        n_jobs=1,
    )
    np.testing.assert_array_equal(ranked_lm2, ranked_lm)
    np.testing.assert_array_equal(np.sort(ranked), np.arange(91, 100))


@pytest.mark.parametrize("min_examples_per_class", [10, 90])
def test_multilabel_min_examples_per_class(data_multilabel, min_examples_per_class):
    """Check cleanlab's counts: 9 issues, none when 90 examples must stay."""
    labels, pred_probs = data_multilabel
    issues = find_label_issues(
        labels=labels,
        pred_probs=pred_probs,
        min_examples_per_class=min_examples_per_class,
    )
    assert sum(issues) == (9 if min_examples_per_class == 10 else 0)


@pytest.mark.parametrize(
    "num_to_remove_per_class", [None, [1, 1, 0, 0, 2], [1, 1, 0, 0, 1]]
)
def test_multilabel_num_to_remove_per_class(data_multilabel, num_to_remove_per_class):
    """Check cleanlab's expected count under the default filter."""
    labels, pred_probs = data_multilabel
    issues = find_label_issues(
        labels=labels,
        pred_probs=pred_probs,
        num_to_remove_per_class=num_to_remove_per_class,
    )
    if num_to_remove_per_class is None:
        assert sum(issues) == 9
    else:
        assert sum(issues) == sum(num_to_remove_per_class)


@pytest.mark.parametrize("class_names", [None, NAMES])
def test_rank_classes_by_multilabel_quality(
    pred_probs_multilabel, labels_multilabel, class_names
):
    """Check cleanlab's expected class ranking, with and without names."""
    df = rank_classes_by_multilabel_quality(
        pred_probs=pred_probs_multilabel,
        labels=labels_multilabel,
        class_names=class_names,
    )
    assert list(df["Label Issues"]) == [1, 0, 0, 0, 0]
    assert np.isclose([1 / 7, 0, 0, 0, 0], df["Label Noise"]).all()
    assert np.isclose([6 / 7, 1, 1, 1, 1], df["Label Quality Score"]).all()
    assert list(df["Inverse Label Issues"]) == [0, 1, 0, 0, 0]
    assert np.isclose([0, 1 / 7, 0, 0, 0], df["Inverse Label Noise"]).all()
    if class_names:
        assert list(df["Class Name"]) == ["Dog", "Apple", "Cat", "Peach", "Bird"]
    else:
        assert "Class Name" not in df.columns


def test_overall_multilabel_health_score(data_multilabel):
    """Check cleanlab's expected overall health: 9 flagged of 100."""
    labels, pred_probs = data_multilabel
    score = overall_multilabel_health_score(pred_probs=pred_probs, labels=labels)
    assert np.isclose(score, 0.91)


def test_get_class_label_quality_scores(pred_probs_multilabel, labels_multilabel):
    """Check cleanlab's expected per-class self-confidences."""
    scores = get_label_quality_scores_per_class(
        pred_probs=pred_probs_multilabel, labels=labels_multilabel
    )
    expected = [
        [0.9, 0.9, 1.0, 0.6, 0.9],
        [0.7, 0.8, 0.8, 0.7, 0.9],
        [0.9, 0.8, 0.6, 0.8, 0.9],
        [0.9, 0.9, 0.8, 0.7, 0.9],
        [0.4, 0.5, 0.1, 0.1, 0.9],
        [0.9, 0.9, 0.8, 0.9, 0.9],
        [0.2, 0.9, 0.8, 0.9, 0.9],
    ]
    assert np.isclose(scores, expected).all()


def test_health_summary_multilabel(pred_probs_multilabel, labels_multilabel):
    """Check cleanlab's summary keys."""
    summary = multilabel_health_summary(
        pred_probs=pred_probs_multilabel, labels=labels_multilabel
    )
    assert sorted(summary) == [
        "classes_by_multilabel_quality",
        "common_multilabel_issues",
        "overall_multilabel_health_score",
    ]


@st.composite
def noisy_multilabel_data(draw):
    """cleanlab's strategy: 2-3 classes, 10-50 rows, flipped labels, some P = 0.5."""
    n_classes = draw(st.integers(2, 3))
    n_samples = draw(st.integers(10, 50))
    shape = (n_samples, n_classes)
    true_labels = draw(arrays(np.int8, shape, elements=st.integers(0, 1)))
    flips = draw(arrays(np.bool_, shape, elements=st.booleans()))
    flips &= draw(arrays(np.float64, shape, elements=st.floats(0, 1))) < 0.4
    noisy = np.where(flips, 1 - true_labels, true_labels).astype(int)
    elements = st.floats(0, 1, width=32)
    pred_probs = draw(arrays(np.float32, shape, elements=elements))
    halves = draw(arrays(np.float64, shape, elements=st.floats(0, 1))) < 0.1
    pred_probs[halves] = 0.5
    return noisy, pred_probs


@given(noisy_multilabel_data())
@settings(deadline=None, max_examples=50)
def test_flagged_examples_disagree_with_the_model(data):
    """Check cleanlab's property: a flagged example has a predicted mismatch.

    cleanlab's test applies ``onehot2int`` twice, the second time to class
    lists (its ``onehot2int`` then reads each list of indices as a 0/1 row);
    the labels it means are ``onehot2int(noisy_labels)``, used here.
    """
    noisy, pred_probs = data
    is_issue = find_label_issues(labels=onehot2int(noisy), pred_probs=pred_probs)
    predicted = (pred_probs >= 0.5).astype(int)
    labels_match = np.all(predicted == noisy, axis=1)
    assert not np.any(is_issue & labels_match)


# --- what cleanlab accepts, compared with cleanlab ----------------------------


def cleanlab_call(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@pytest.mark.parametrize("seed", range(4))
def test_compute_confident_joint_uncalibrated_and_off_diagonals(seed):
    """Check calibrate=False and return_indices_of_off_diagonals against cleanlab."""
    Y, P = make_multilabel_case(seed)
    for calibrate in (True, False):
        theirs, their_indices = cleanlab_count.compute_confident_joint(
            as_lists(Y),
            P,
            multi_label=True,
            calibrate=calibrate,
            return_indices_of_off_diagonals=True,
        )
        ours, our_indices = skcleanml.compute_confident_joint(
            Y, P, calibrate=calibrate, return_indices_of_off_diagonals=True
        )
        np.testing.assert_array_equal(ours, theirs)
        assert len(our_indices) == len(their_indices) == Y.shape[1]
        for mine, expected in zip(our_indices, their_indices, strict=True):
            np.testing.assert_array_equal(mine, np.sort(expected))
        ours_plain = skcleanml.compute_confident_joint(
            Y, P, multi_label=True, calibrate=calibrate
        )
        np.testing.assert_array_equal(ours_plain, theirs)


def test_compute_confident_joint_multi_label_false_is_refused():
    """Check that multi_label=False (a multi-class joint) is a clear error."""
    with pytest.raises(ValueError, match="multi_label=False"):
        skcleanml.compute_confident_joint(
            [[0], [1]], [[0.9, 0.1], [0.2, 0.8]], multi_label=False
        )


def test_legacy_square_confident_joint_is_ignored_with_a_warning():
    """Check that a K x K joint warns and is ignored, as in cleanlab."""
    Y, P = make_multilabel_case(1, n=150, n_classes=3, ties=False)
    square = np.ones((3, 3), dtype=int)
    with pytest.warns(UserWarning, match=r"legacy multi-class shape.*ignored"):
        ours = skcleanml.find_label_issues_per_class(Y, P, confident_joint=square)
    with pytest.warns(UserWarning, match="old format is being ignored"):
        theirs = cleanlab_filter.find_multilabel_issues_per_class(
            as_lists(Y), P, confident_joint=square
        )
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours, skcleanml.find_label_issues_per_class(Y, P))


def test_positional_ranking_and_adjust_pred_probs_none():
    """Check positional return_indices_ranked_by / rank_by_kwargs, as cleanlab's."""
    Y, P = make_multilabel_case(2, n=200, n_classes=4, ties=False)
    lists = as_lists(Y)
    ours = find_label_issues(lists, P, "self_confidence", {"adjust_pred_probs": None})
    theirs = cleanlab_call(
        cleanlab_filter.find_label_issues,
        lists,
        P,
        "self_confidence",
        {"adjust_pred_probs": None},
    )
    assert sorted(ours) == sorted(theirs)
    np.testing.assert_array_equal(
        ours, find_label_issues(lists, P, return_indices_ranked_by="self_confidence")
    )
    with pytest.raises(TypeError, match=r"adjust_pred_probs.*bool or None"):
        find_label_issues(lists, P, "self_confidence", {"adjust_pred_probs": "yes"})


@pytest.mark.parametrize("filter_by", ["prune_by_class", "prune_by_noise_rate", "both"])
def test_num_to_remove_per_class_flags_annotations_not_given_the_class(filter_by):
    """Check num_to_remove_per_class under every prune filter, against cleanlab.

    cleanlab 2.9 passes ``[n_k, 0]`` to its binary filter of class ``k``:
    ``n_k`` annotations of binary label 0, the examples *not* given class
    ``k``. Its "prune_by_class" does so (identical masks here). Its
    "prune_by_noise_rate" flags ``n_k`` annotations *given* the class
    instead (its prune matrix is transposed), and its "both" intersects the
    two disjoint sets, flagging nothing: there skcleanml keeps the intent,
    the same ``n_k`` not-given annotations.
    """
    Y, P = make_multilabel_case(5, n=400, n_classes=3, ties=False, rare=False)
    counts = [5, 3, 0]
    ours = skcleanml.find_label_issues_per_class(
        Y, P, filter_by=filter_by, num_to_remove_per_class=counts
    )
    theirs = cleanlab_call(
        cleanlab_filter.find_multilabel_issues_per_class,
        as_lists(Y),
        P,
        filter_by=filter_by,
        num_to_remove_per_class=counts,
    )
    np.testing.assert_array_equal((ours & ~Y).sum(axis=0), counts)
    assert not (ours & Y).any()
    by_class = skcleanml.find_label_issues_per_class(
        Y, P, filter_by="prune_by_class", num_to_remove_per_class=counts
    )
    np.testing.assert_array_equal(ours, by_class)
    if filter_by == "prune_by_class":
        np.testing.assert_array_equal(ours, theirs)
    elif filter_by == "prune_by_noise_rate":  # cleanlab: the given annotations
        np.testing.assert_array_equal((theirs & Y).sum(axis=0), counts)
        assert not (theirs & ~Y).any()
    else:  # cleanlab: nothing
        assert not theirs.any()


@pytest.mark.parametrize("filter_by", ["confident_learning", "low_self_confidence"])
def test_num_to_remove_per_class_refused_by_other_filters(filter_by):
    """Check the filters without counts refuse num_to_remove_per_class, as cleanlab.

    cleanlab raises in its per-class function; its example-level
    ``find_label_issues`` with a low-score filter ignores the counts
    silently, where ours raises the same error.
    """
    Y, P = make_multilabel_case(5, n=100, n_classes=3)
    options = {"filter_by": filter_by, "num_to_remove_per_class": [1, 1, 1]}
    match = "num_to_remove_per_class is only supported"
    with pytest.raises(ValueError, match=match):
        find_label_issues(Y, P, **options)
    with pytest.raises(ValueError, match=match):
        skcleanml.find_label_issues_per_class(Y, P, **options)
    with pytest.raises(ValueError, match="num_to_remove_per_class"):
        cleanlab_call(
            cleanlab_filter.find_multilabel_issues_per_class, as_lists(Y), P, **options
        )


def test_labels_as_pandas_series_of_lists_and_onehot_keywords():
    """Check a Series of label lists, onehot2int(onehot_matrix=), int2onehot ints."""
    Y, P = make_multilabel_case(6, n=80, n_classes=3, ties=False)
    series = pd.Series(as_lists(Y))
    np.testing.assert_array_equal(find_label_issues(series, P), find_label_issues(Y, P))
    assert onehot2int(onehot_matrix=Y.astype(int)) == as_lists(Y)
    onehot = skcleanml.int2onehot(as_lists(Y), 3)
    np.testing.assert_array_equal(1 - onehot, ~Y)  # ints, as cleanlab's
    np.testing.assert_array_equal(-onehot, -Y.astype(int))
