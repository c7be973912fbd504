"""Bad input to every public function of the functional core: clear errors only.

Every case must raise a ValueError or TypeError whose message names the
argument at fault (never an IndexError, KeyError, AssertionError or
ZeroDivisionError, and never a silent misreading). Legitimate edge cases
must return valid results instead.

Case count (checked by ``test_bad_input_case_count``):

- bad (labels, pred_probs) pairs: 63, each tried on 9 functions;
- bad options and converter inputs: 113;
- bad-input cases in total: 680.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

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

FORBIDDEN = (IndexError, KeyError, AssertionError, ZeroDivisionError)

LABELS = [[0], [1, 2], [], [0, 2]]
PRED_PROBS = np.array(
    [[0.9, 0.1, 0.2], [0.1, 0.8, 0.7], [0.2, 0.1, 0.1], [0.7, 0.2, 0.9]]
)
INDICATOR = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0, 1]])

# Every public function taking (labels, pred_probs).
DATA_FUNCTIONS = {
    "find_label_issues": find_label_issues,
    "find_label_issues_per_class": find_label_issues_per_class,
    "get_label_quality_scores": get_label_quality_scores,
    "get_label_quality_scores_per_class": get_label_quality_scores_per_class,
    "compute_confident_joint": compute_confident_joint,
    "common_label_issues": common_label_issues,
    "rank_classes_by_label_quality": rank_classes_by_label_quality,
    "overall_label_health_score": overall_label_health_score,
    "health_summary": lambda labels, pred_probs, **kw: health_summary(
        labels, pred_probs, verbose=False, **kw
    ),
}


def probs_with(value, dtype=float):
    P = PRED_PROBS.astype(dtype)
    P[1, 2] = value
    return P


def indicator_with(value, dtype=float):
    Y = INDICATOR.astype(dtype)
    Y[1, 2] = value
    return Y


def bad_pair(case_id, labels, pred_probs, match):
    return pytest.param(labels, pred_probs, match, id=case_id)


BAD_DATA = [
    # pred_probs values
    bad_pair("pred_probs-nan", LABELS, probs_with(np.nan), "pred_probs"),
    bad_pair("pred_probs-inf", LABELS, probs_with(np.inf), "pred_probs"),
    bad_pair("pred_probs-minus-inf", LABELS, probs_with(-np.inf), "pred_probs"),
    bad_pair(
        "pred_probs-nan-float32", LABELS, probs_with(np.nan, np.float32), "pred_probs"
    ),
    bad_pair("pred_probs-above-1", LABELS, probs_with(1.5), "pred_probs"),
    bad_pair("pred_probs-below-0", LABELS, probs_with(-0.1), "pred_probs"),
    bad_pair(
        "pred_probs-int-2", LABELS, (PRED_PROBS > 0.5).astype(int) * 2, "pred_probs"
    ),
    bad_pair("pred_probs-logits", LABELS, np.log(PRED_PROBS), "pred_probs"),
    # pred_probs shape
    bad_pair("pred_probs-1d", LABELS, PRED_PROBS[:, 0], "pred_probs"),
    bad_pair("pred_probs-3d", LABELS, PRED_PROBS[None], "pred_probs"),
    bad_pair("pred_probs-scalar", LABELS, 0.5, "pred_probs"),
    bad_pair("pred_probs-numpy-scalar", LABELS, np.float64(0.5), "pred_probs"),
    bad_pair("pred_probs-fewer-rows", LABELS, PRED_PROBS[:3], "pred_probs"),
    bad_pair("pred_probs-more-rows", LABELS[:3], PRED_PROBS, "pred_probs"),
    bad_pair("pred_probs-zero-columns", [[]] * 4, np.empty((4, 0)), "pred_probs"),
    bad_pair("empty-data", [], np.empty((0, 3)), "pred_probs"),
    bad_pair("empty-nested-list", [], [], "pred_probs"),
    bad_pair("pred_probs-empty-rows", [[]] * 4, [[]] * 4, "pred_probs"),
    bad_pair(
        "pred_probs-ragged",
        LABELS,
        [[0.1, 0.2, 0.3], [0.1, 0.2], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]],
        "pred_probs",
    ),
    # pred_probs type
    bad_pair("pred_probs-none", LABELS, None, "pred_probs"),
    bad_pair("pred_probs-string", LABELS, "abc", "pred_probs"),
    bad_pair("pred_probs-strings", LABELS, [["a", "b", "c"]] * 4, "pred_probs"),
    bad_pair("pred_probs-none-entry", LABELS, [[0.1, None, 0.3]] * 4, "pred_probs"),
    bad_pair("pred_probs-complex", LABELS, PRED_PROBS.astype(complex), "pred_probs"),
    bad_pair("pred_probs-object", LABELS, PRED_PROBS.astype(object), "pred_probs"),
    bad_pair("pred_probs-sparse", LABELS, sp.csr_array(PRED_PROBS), "pred_probs"),
    # labels type
    bad_pair("labels-none", None, PRED_PROBS, "labels"),
    bad_pair("labels-string", "abc", PRED_PROBS, "labels"),
    bad_pair("labels-int", 5, PRED_PROBS, "labels"),
    bad_pair("labels-dict", {0: [0]}, PRED_PROBS, "labels"),
    bad_pair("labels-empty", [], PRED_PROBS, "labels"),
    # class-index lists
    bad_pair("index-negative", [[0], [-1], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-equal-to-K", [[0], [3], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-huge", [[0], [2**70], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-float", [[0], [1.5], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-nan", [[0], [np.nan], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-inf", [[0], [np.inf], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-string", [[0], ["a"], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-numeric-string", [[0], [1, "2"], [], []], PRED_PROBS, "labels"),
    bad_pair("index-none", [[None], [1], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-nested-list", [[[0]], [1], [], [0]], PRED_PROBS, "labels"),
    bad_pair("index-bool-only", [[True], [False], [], [True]], PRED_PROBS, "labels"),
    bad_pair("index-bool-mixed-with-int", [[True], [0], [], [0]], PRED_PROBS, "labels"),
    bad_pair("row-string", [[0], "ab", [], [0]], PRED_PROBS, "labels"),
    bad_pair("row-int-flat-list", [0, 1, 2, 0], PRED_PROBS, "labels"),
    bad_pair("row-none", [[0], None, [], [0]], PRED_PROBS, "labels"),
    bad_pair("row-2d-array", [[0], [1], [], np.array([[0]])], PRED_PROBS, "labels"),
    # indicator matrices
    bad_pair("indicator-2", indicator_with(2), PRED_PROBS, "labels"),
    bad_pair("indicator-minus-1", indicator_with(-1), PRED_PROBS, "labels"),
    bad_pair("indicator-half", indicator_with(0.5), PRED_PROBS, "labels"),
    bad_pair("indicator-nan", indicator_with(np.nan), PRED_PROBS, "labels"),
    bad_pair(
        "indicator-strings", np.array([["a", "b", "c"]] * 4), PRED_PROBS, "labels"
    ),
    bad_pair("indicator-too-narrow", INDICATOR[:, :2], PRED_PROBS, "labels"),
    bad_pair("indicator-too-wide", np.hstack([INDICATOR] * 2), PRED_PROBS, "labels"),
    bad_pair("indicator-1d", INDICATOR[:, 0], PRED_PROBS, "labels"),
    bad_pair("indicator-3d", INDICATOR[..., None], PRED_PROBS, "labels"),
    bad_pair("indicator-fewer-rows", INDICATOR[:3], PRED_PROBS, "labels"),
    bad_pair("sparse-2", sp.csr_array(indicator_with(2)), PRED_PROBS, "labels"),
    bad_pair("sparse-too-narrow", sp.csr_array(INDICATOR[:, :2]), PRED_PROBS, "labels"),
    bad_pair("sparse-fewer-rows", sp.coo_array(INDICATOR[:3]), PRED_PROBS, "labels"),
]


def dataframe_cases():
    """DataFrame inputs (only when pandas is installed)."""
    pd = pytest.importorskip("pandas")
    return [
        (pd.DataFrame(indicator_with(2)), PRED_PROBS, "labels"),
        (pd.DataFrame([["a", "b", "c"]] * 4), PRED_PROBS, "labels"),
        (LABELS, pd.DataFrame(probs_with(1.5)), "pred_probs"),
    ]


def assert_clear_error(call, match):
    # A NumPy RuntimeWarning on the way (e.g. casting inf to int) means the
    # input reached a computation before being rejected: an error too.
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises((ValueError, TypeError), match=match) as info:
            call()
    assert not isinstance(info.value, FORBIDDEN), repr(info.value)
    return info.value


@pytest.mark.parametrize("function", DATA_FUNCTIONS.values(), ids=DATA_FUNCTIONS)
@pytest.mark.parametrize(("labels", "pred_probs", "match"), BAD_DATA)
def test_bad_data_raises_clear_error(function, labels, pred_probs, match):
    """Check bad labels/pred_probs raise ValueError/TypeError naming the argument."""
    assert_clear_error(lambda: function(labels, pred_probs), match)


@pytest.mark.parametrize("function", DATA_FUNCTIONS.values(), ids=DATA_FUNCTIONS)
def test_bad_dataframes_raise_clear_error(function):
    """Check bad DataFrame labels/pred_probs raise errors naming the argument."""
    for labels, pred_probs, match in dataframe_cases():
        assert_clear_error(lambda: function(labels, pred_probs), match)


def option(case_id, function, kwargs, match):
    return pytest.param(function, kwargs, match, id=case_id)


def wrong_shape_aggregator(scores, axis):
    return scores


def string_aggregator(scores):
    return "low"


SCORE_FUNCTIONS = [get_label_quality_scores, get_label_quality_scores_per_class]
TABLE_FUNCTIONS = [common_label_issues, rank_classes_by_label_quality]
FILTER_FUNCTIONS = [find_label_issues, find_label_issues_per_class]
EMA = "exponential_moving_average"

BAD_OPTIONS = [
    # find_label_issues and find_label_issues_per_class
    *[
        option(f"{f.__name__}-{case}", f, kwargs, match)
        for f in FILTER_FUNCTIONS
        for case, kwargs, match in [
            ("filter_by-unknown", {"filter_by": "nope"}, "filter_by"),
            ("filter_by-none", {"filter_by": None}, "filter_by"),
            ("frac_noise-0", {"frac_noise": 0}, "frac_noise"),
            ("frac_noise-above-1", {"frac_noise": 1.5}, "frac_noise"),
            ("frac_noise-negative", {"frac_noise": -0.1}, "frac_noise"),
            ("frac_noise-nan", {"frac_noise": np.nan}, "frac_noise"),
            ("frac_noise-string", {"frac_noise": "1"}, "frac_noise"),
            ("min_examples-negative", {"min_examples_per_class": -1}, "min_examples"),
            ("min_examples-float", {"min_examples_per_class": 1.5}, "min_examples"),
            ("num_to_remove-short", {"num_to_remove_per_class": [1]}, "num_to_remove"),
            (
                "num_to_remove-negative",
                {"filter_by": "prune_by_class", "num_to_remove_per_class": [1, -1, 0]},
                "num_to_remove",
            ),
            (
                "num_to_remove-float",
                {"num_to_remove_per_class": [1.5, 1, 0]},
                "num_to_remove",
            ),
            (
                "num_to_remove-2d",
                {"num_to_remove_per_class": [[1, 1, 1]]},
                "num_to_remove",
            ),
            ("num_to_remove-scalar", {"num_to_remove_per_class": 3}, "num_to_remove"),
            (
                "num_to_remove-string",
                {"num_to_remove_per_class": "ab"},
                "num_to_remove",
            ),
            (
                "confident_joint-2d",
                {"confident_joint": np.ones((2, 2))},
                "confident_joint",
            ),
            (
                "confident_joint-wrong-K",
                {"confident_joint": np.ones((2, 2, 2))},
                "confident_joint",
            ),
            (
                "confident_joint-negative",
                {"confident_joint": -np.ones((3, 2, 2))},
                "confident_joint",
            ),
            (
                "confident_joint-nan",
                {"confident_joint": np.full((3, 2, 2), np.nan)},
                "confident_joint",
            ),
            ("confident_joint-string", {"confident_joint": "abc"}, "confident_joint"),
            (
                "confident_joint-strings",
                {"confident_joint": np.full((3, 2, 2), "a")},
                "confident_joint",
            ),
        ]
    ],
    option(
        "ranked_by-unknown",
        find_label_issues,
        {"return_indices_ranked_by": "x"},
        "return_indices_ranked_by",
    ),
    option(
        "ranked_by-int",
        find_label_issues,
        {"return_indices_ranked_by": 1},
        "return_indices_ranked_by",
    ),
    option(
        "rank_by_kwargs-unknown-key",
        find_label_issues,
        {"rank_by_kwargs": {"nope": 1}},
        "rank_by_kwargs",
    ),
    option(
        "rank_by_kwargs-method-key",
        find_label_issues,
        {"rank_by_kwargs": {"method": "self_confidence"}},
        "rank_by_kwargs",
    ),
    option(
        "rank_by_kwargs-not-dict",
        find_label_issues,
        {"rank_by_kwargs": "x"},
        "rank_by_kwargs",
    ),
    option(
        "rank_by_kwargs-adjust-not-bool",
        find_label_issues,
        {
            "return_indices_ranked_by": "self_confidence",
            "rank_by_kwargs": {"adjust_pred_probs": "x"},
        },
        "adjust_pred_probs",
    ),
    option(
        "rank_by_kwargs-bad-aggregator",
        find_label_issues,
        {
            "return_indices_ranked_by": "self_confidence",
            "rank_by_kwargs": {"aggregator_kwargs": {"method": "nope"}},
        },
        "aggregator_kwargs",
    ),
    # label quality scores
    *[
        option(f"{f.__name__}-{case}", f, kwargs, match)
        for f in SCORE_FUNCTIONS
        for case, kwargs, match in [
            ("method-unknown", {"method": "nope"}, "method"),
            ("method-none", {"method": None}, "method"),
            ("adjust-string", {"adjust_pred_probs": "yes"}, "adjust_pred_probs"),
            ("adjust-none", {"adjust_pred_probs": None}, "adjust_pred_probs"),
        ]
    ],
    *[
        option(
            f"aggregator-{case}",
            get_label_quality_scores,
            {"aggregator_kwargs": kwargs},
            match,
        )
        for case, kwargs, match in [
            ("not-dict", "softmin", "aggregator_kwargs"),
            ("no-method", {"alpha": 0.5}, "aggregator_kwargs"),
            ("method-unknown", {"method": "nope"}, "aggregator_kwargs"),
            ("method-int", {"method": 3}, "aggregator_kwargs"),
            ("alpha-0", {"method": EMA, "alpha": 0}, "alpha"),
            ("alpha-above-1", {"method": EMA, "alpha": 1.5}, "alpha"),
            ("alpha-negative", {"method": EMA, "alpha": -0.5}, "alpha"),
            ("alpha-nan", {"method": EMA, "alpha": np.nan}, "alpha"),
            ("alpha-string", {"method": EMA, "alpha": "0.5"}, "alpha"),
            ("alpha-bool", {"method": EMA, "alpha": True}, "alpha"),
            ("temperature-0", {"method": "softmin", "temperature": 0}, "temperature"),
            (
                "temperature-negative",
                {"method": "softmin", "temperature": -1},
                "temperature",
            ),
            (
                "temperature-nan",
                {"method": "softmin", "temperature": np.nan},
                "temperature",
            ),
            (
                "unknown-key",
                {"method": "softmin", "temprature": 1},
                "aggregator_kwargs",
            ),
            (
                "callable-wrong-shape",
                {"method": wrong_shape_aggregator},
                "aggregator_kwargs",
            ),
            (
                "callable-not-numbers",
                {"method": string_aggregator},
                "aggregator_kwargs",
            ),
        ]
    ],
    # dataset-level summaries
    *[
        option(f"{f.__name__}-{case}", f, kwargs, match)
        for f in TABLE_FUNCTIONS
        for case, kwargs, match in [
            ("class_names-short", {"class_names": ["a"]}, "class_names"),
            ("class_names-2d", {"class_names": [["a", "b", "c"]]}, "class_names"),
            ("class_names-string", {"class_names": "abc"}, "class_names"),
            ("as_frame-string", {"as_frame": "x"}, "as_frame"),
            (
                "confident_joint-2d",
                {"confident_joint": np.ones((3, 2))},
                "confident_joint",
            ),
        ]
    ],
    option(
        "overall-confident_joint-2d",
        overall_label_health_score,
        {"confident_joint": np.ones((3, 2))},
        "confident_joint",
    ),
    option(
        "health_summary-class_names-short",
        health_summary,
        {"class_names": ["a"], "verbose": False},
        "class_names",
    ),
    option(
        "health_summary-num_examples-0",
        health_summary,
        {"num_examples": 0, "verbose": False},
        "num_examples",
    ),
    option(
        "health_summary-num_examples-float",
        health_summary,
        {"num_examples": 1.5, "verbose": False},
        "num_examples",
    ),
    option(
        "health_summary-verbose-string", health_summary, {"verbose": "x"}, "verbose"
    ),
    option(
        "health_summary-confident_joint-negative",
        health_summary,
        {"confident_joint": -np.ones((3, 2, 2)), "verbose": False},
        "confident_joint",
    ),
]


@pytest.mark.parametrize(("function", "kwargs", "match"), BAD_OPTIONS)
def test_bad_options_raise_clear_error(function, kwargs, match):
    """Check bad options raise ValueError/TypeError naming the option."""
    assert_clear_error(lambda: function(LABELS, PRED_PROBS, **kwargs), match)


BAD_INT2ONEHOT = [
    pytest.param([[0]], 0, "K", id="K-0"),
    pytest.param([[0]], -1, "K", id="K-negative"),
    pytest.param([[0]], 1.5, "K", id="K-float"),
    pytest.param([[0]], True, "K", id="K-bool"),
    pytest.param([[0]], None, "K", id="K-none"),
    pytest.param([[0]], "3", "K", id="K-string"),
    pytest.param([[1]], 1, "labels", id="index-equal-to-K"),
    pytest.param([[-1]], 2, "labels", id="index-negative"),
    pytest.param([[0.5]], 2, "labels", id="index-float"),
    pytest.param([["a"]], 2, "labels", id="index-string"),
    pytest.param("ab", 2, "labels", id="labels-string"),
    pytest.param(None, 2, "labels", id="labels-none"),
    pytest.param(5, 2, "labels", id="labels-int"),
    pytest.param(
        np.array([[1, 0], [0, 1], [1, 1]]), 2, "labels", id="labels-indicator"
    ),
]


@pytest.mark.parametrize(("labels", "K", "match"), BAD_INT2ONEHOT)
def test_int2onehot_bad_input(labels, K, match):
    """Check int2onehot rejects bad K and non-list labels, naming the argument.

    A 2-D array is an indicator under the package's one label-format rule,
    so reading its rows as class indices would be a silent misreading.
    """
    assert_clear_error(lambda: int2onehot(labels, K), match)


BAD_ONEHOT2INT = [
    pytest.param(None, id="none"),
    pytest.param("abc", id="string"),
    pytest.param(5, id="scalar"),
    pytest.param(np.array([1, 0]), id="1d"),
    pytest.param(np.zeros((2, 2, 2)), id="3d"),
    pytest.param(np.array([[2, 0]]), id="value-2"),
    pytest.param([[0.5, 1]], id="value-half"),
    pytest.param([["a", "b"]], id="strings"),
    pytest.param([[1, 0], [1]], id="ragged"),
    pytest.param(sp.csr_array(np.array([[2, 0]])), id="sparse-value-2"),
]


@pytest.mark.parametrize("onehot", BAD_ONEHOT2INT)
def test_onehot2int_bad_input(onehot):
    """Check onehot2int rejects anything but a 2-D 0/1 matrix, naming onehot."""
    assert_clear_error(lambda: onehot2int(onehot), "onehot")


def test_bad_input_case_count():
    """Check the case count in the module docstring is the table's."""
    n_options = len(BAD_OPTIONS) + len(BAD_INT2ONEHOT) + len(BAD_ONEHOT2INT)
    n_data = len(BAD_DATA) + len(dataframe_cases())
    total = n_data * len(DATA_FUNCTIONS) + n_options
    n_functions = len(DATA_FUNCTIONS)
    assert f"pairs: {n_data}, each tried on {n_functions} functions;" in __doc__
    assert f"options and converter inputs: {n_options};" in __doc__
    assert f"cases in total: {total}." in __doc__


# Legitimate edge cases: each must give valid results from every function.
EDGE_CASES = {
    "one-class": ([[0]] * 5 + [[]] * 5, np.linspace(0, 1, 10)[:, None]),
    "one-example": ([[0, 2]], [[0.7, 0.2, 0.9]]),
    "class-in-every-row": (
        [[0, 1]] * 6 + [[0]] * 6,
        np.tile([[0.8, 0.6, 0.1]], (12, 1)),
    ),
    "every-class-in-every-row": ([[0, 1, 2]] * 8, np.full((8, 3), 0.7)),
    "all-label-sets-empty": ([[]] * 8, np.random.default_rng(0).random((8, 3))),
    "absent-class": ([[0, 2], [], [2]] * 4, np.random.default_rng(1).random((12, 3))),
    "duplicate-ids": ([[0, 0], [1, 2, 1], [], [0, 2, 2, 0]], PRED_PROBS),
    "unsorted-ids": ([[0], [2, 1], [], [2, 0]], PRED_PROBS),
    "tuple-rows": ([(0,), (1, 2), (), (0, 2)], PRED_PROBS),
    "numpy-int-ids": (
        [[np.int64(0)], [np.int32(1), 2], [], [np.uint8(0), 2]],
        PRED_PROBS,
    ),
    "integral-float-ids": ([[0.0], [1.0, 2.0], [], [0.0, 2.0]], PRED_PROBS),
    "nested-list-pred_probs": (LABELS, PRED_PROBS.tolist()),
    "int-pred_probs": (LABELS, (PRED_PROBS > 0.5).astype(int)),
    "bool-pred_probs": (LABELS, PRED_PROBS > 0.5),
    "float32-pred_probs": (LABELS, PRED_PROBS.astype(np.float32)),
    "float16-pred_probs": (LABELS, PRED_PROBS.astype(np.float16)),
    "exact-0-and-1": (LABELS, (PRED_PROBS > 0.5).astype(float)),
    "all-probabilities-equal": (LABELS, np.full((4, 3), 0.5)),
    "bool-indicator": (INDICATOR.astype(bool), PRED_PROBS),
    "float-indicator": (INDICATOR.astype(float), PRED_PROBS),
    "csc-indicator": (sp.csc_matrix(INDICATOR), PRED_PROBS),
    "fortran-pred_probs": (LABELS, np.asfortranarray(PRED_PROBS)),
    "non-contiguous-pred_probs": (LABELS, np.repeat(PRED_PROBS, 2, axis=1)[:, ::2]),
}


@pytest.mark.parametrize(("labels", "pred_probs"), EDGE_CASES.values(), ids=EDGE_CASES)
def test_edge_cases_give_valid_results(labels, pred_probs):
    """Check legitimate edge cases return valid results from every function."""
    n, n_classes = np.shape(pred_probs)
    for filter_by in (
        "prune_by_noise_rate",
        "both",
        "confident_learning",
        "low_self_confidence",
    ):
        mask = find_label_issues(labels, pred_probs, filter_by=filter_by)
        assert mask.shape == (n,) and mask.dtype == bool
        per_class = find_label_issues_per_class(labels, pred_probs, filter_by=filter_by)
        assert per_class.shape == (n, n_classes) and per_class.dtype == bool
        ranked = find_label_issues(
            labels,
            pred_probs,
            filter_by=filter_by,
            return_indices_ranked_by="normalized_margin",
        )
        np.testing.assert_array_equal(np.sort(ranked), np.flatnonzero(mask))
    for adjust in (False, True):
        scores = get_label_quality_scores(labels, pred_probs, adjust_pred_probs=adjust)
        per_class = get_label_quality_scores_per_class(
            labels, pred_probs, adjust_pred_probs=adjust
        )
        assert scores.shape == (n,) and per_class.shape == (n, n_classes)
        for values in (scores, per_class):
            assert np.isfinite(values).all(), f"adjust_pred_probs={adjust}"
            assert values.min() >= 0 and values.max() <= 1
    joint = compute_confident_joint(labels, pred_probs)
    assert joint.shape == (n_classes, 2, 2) and joint.min() >= 0
    health = overall_label_health_score(labels, pred_probs)
    assert 0 <= health <= 1
    summary = health_summary(labels, pred_probs, verbose=False)
    assert summary["overall_multilabel_health_score"] == health
    assert (
        len(rank_classes_by_label_quality(labels, pred_probs)["Class Index"])
        == n_classes
    )
    assert len(common_label_issues(labels, pred_probs)["Class Index"]) == 2 * n_classes


@pytest.mark.parametrize(
    ("variant", "reference"),
    [
        ("duplicate-ids", (LABELS, PRED_PROBS)),
        ("unsorted-ids", ([[0], [1, 2], [], [0, 2]], PRED_PROBS)),
        ("tuple-rows", (LABELS, PRED_PROBS)),
        ("numpy-int-ids", (LABELS, PRED_PROBS)),
        ("integral-float-ids", (LABELS, PRED_PROBS)),
        ("nested-list-pred_probs", (LABELS, PRED_PROBS)),
        ("int-pred_probs", (LABELS, (PRED_PROBS > 0.5).astype(float))),
        ("bool-pred_probs", (LABELS, (PRED_PROBS > 0.5).astype(float))),
        ("bool-indicator", (LABELS, PRED_PROBS)),
        ("float-indicator", (LABELS, PRED_PROBS)),
        ("csc-indicator", (LABELS, PRED_PROBS)),
        ("fortran-pred_probs", (LABELS, PRED_PROBS)),
        ("non-contiguous-pred_probs", (LABELS, PRED_PROBS)),
    ],
)
def test_edge_case_equals_plain_input(variant, reference):
    """Check an alternative spelling of the same data gives the same results."""
    labels, pred_probs = EDGE_CASES[variant]
    for function in (find_label_issues_per_class, get_label_quality_scores_per_class):
        np.testing.assert_array_equal(
            function(labels, pred_probs),
            function(*reference),
            err_msg=function.__name__,
        )
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs), compute_confident_joint(*reference)
    )


def test_one_class_flags_the_clearly_wrong_annotations():
    """Check K=1 behaves as binary confident learning on clear-cut data."""
    labels = [[0]] * 8 + [[]] * 8 + [[0], []]
    pred_probs = np.array([[0.9]] * 8 + [[0.1]] * 8 + [[0.05], [0.95]])
    np.testing.assert_array_equal(
        np.flatnonzero(find_label_issues(labels, pred_probs)), [16, 17]
    )
    scores = get_label_quality_scores(labels, pred_probs)
    assert scores[16:].max() < scores[:16].min()
