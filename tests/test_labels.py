"""Tests for label formats: class-index lists <-> indicator, input validation."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import as_lists, make_multilabel_case

from skcleanml import int2onehot, onehot2int
from skcleanml._labels import check_indicator, check_labels, check_pred_probs

SPARSE_FORMATS = [sp.csr_array, sp.csc_array, sp.coo_array, sp.csr_matrix]


def random_index_lists(seed, n=60, n_classes=5):
    """Class-index lists with duplicates, unsorted rows and empty rows."""
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(n):
        row = rng.integers(0, n_classes, rng.integers(0, 2 * n_classes)).tolist()
        lists.append(row)
    lists[0] = []
    lists[1] = [n_classes - 1, 0, 0, n_classes - 1]
    return lists


@pytest.mark.parametrize("seed", range(5))
def test_int2onehot_onehot2int_round_trip_from_lists(seed):
    """Check that lists -> indicator -> lists gives each row's sorted unique ids."""
    lists = random_index_lists(seed)
    onehot = int2onehot(lists, K=5)
    assert onehot.shape == (len(lists), 5)
    assert onehot.dtype == np.int64  # 0/1 integers, as cleanlab's: -onehot works
    assert set(np.unique(onehot)) <= {0, 1}
    for row, ids in zip(onehot, lists):
        np.testing.assert_array_equal(np.flatnonzero(row), np.unique(ids))
    assert onehot2int(onehot) == [sorted(set(ids)) for ids in lists]


@pytest.mark.parametrize("seed", range(5))
def test_onehot2int_int2onehot_round_trip_from_indicator(seed):
    """Check that indicator -> lists -> indicator is the identity."""
    Y, _ = make_multilabel_case(seed)
    lists = onehot2int(Y)
    assert lists == as_lists(Y)
    assert all(isinstance(i, int) for row in lists for i in row)
    np.testing.assert_array_equal(int2onehot(lists, K=Y.shape[1]), Y)


def test_int2onehot_k_larger_than_used_ids_adds_empty_columns():
    """Check that K sets the width, leaving never-used classes all zero."""
    onehot = int2onehot([[0], [], [2, 2]], K=6)
    assert onehot.shape == (3, 6)
    assert not onehot[:, [1, 3, 4, 5]].any()
    np.testing.assert_array_equal(onehot[:, [0, 2]], [[1, 0], [0, 0], [0, 1]])


def test_onehot2int_takes_cleanlab_keyword_and_lists_as_series():
    """Check cleanlab's spellings: onehot_matrix=, and a Series of label lists."""
    pd = pytest.importorskip("pandas")
    from skcleanml import find_label_issues, get_label_quality_scores

    Y, P = make_multilabel_case(4, n=60, n_classes=3)
    assert onehot2int(onehot_matrix=Y) == as_lists(Y)
    series = pd.Series(as_lists(Y))
    np.testing.assert_array_equal(find_label_issues(series, P), find_label_issues(Y, P))
    np.testing.assert_array_equal(
        get_label_quality_scores(series, P), get_label_quality_scores(Y, P)
    )
    np.testing.assert_array_equal(-int2onehot(as_lists(Y), 3), -Y.astype(int))


def test_int2onehot_all_rows_empty():
    """Check that only empty rows give an all-zero indicator of width K."""
    onehot = int2onehot([[]] * 4, K=3)
    np.testing.assert_array_equal(onehot, np.zeros((4, 3), dtype=bool))
    assert onehot2int(onehot) == [[]] * 4


def test_int2onehot_accepts_tuples_arrays_and_integral_numpy_ids():
    """Check that rows may be tuples, numpy arrays or numpy integers."""
    expected = int2onehot([[0, 2], [1], []], K=3)
    rows = [(0, 2), np.array([1]), np.array([], dtype=int)]
    np.testing.assert_array_equal(int2onehot(rows, K=3), expected)
    np.testing.assert_array_equal(
        int2onehot([[np.int32(0), np.int64(2)], [np.uint8(1)], []], K=3), expected
    )


@pytest.mark.parametrize(
    "convert",
    [
        np.asarray,
        lambda Y: Y.astype(int),
        lambda Y: Y.astype(np.float32),
        lambda Y: Y.astype(int).tolist(),
        *[lambda Y, f=f: f(Y.astype(int)) for f in SPARSE_FORMATS],
    ],
    ids=["bool", "int", "float32", "nested-list"]
    + [f.__name__ for f in SPARSE_FORMATS],
)
def test_onehot2int_accepts_indicator_formats(convert):
    """Check that onehot2int reads dense, nested-list and sparse indicators."""
    Y, _ = make_multilabel_case(1, n=40, n_classes=4)
    # A nested list is read as an indicator here: onehot2int's input is one.
    assert onehot2int(convert(Y)) == as_lists(Y)


def test_onehot2int_accepts_dataframe():
    """Check that a pandas DataFrame indicator is read by position."""
    pd = pytest.importorskip("pandas")
    Y, _ = make_multilabel_case(2, n=30, n_classes=3)
    frame = pd.DataFrame(Y.astype(int), columns=["a", "b", "c"], index=range(5, 35))
    assert onehot2int(frame) == as_lists(Y)


def test_onehot2int_empty_shapes():
    """Check that zero rows give [] and zero columns give empty rows."""
    assert onehot2int(np.zeros((0, 3), dtype=int)) == []
    assert onehot2int(np.zeros((2, 0), dtype=int)) == [[], []]


def object_array(lists):
    array = np.empty(len(lists), dtype=object)
    array[:] = [list(row) for row in lists]
    return array


def label_formats(Y):
    """The same labels in every accepted format, with a readable id."""
    pd = pytest.importorskip("pandas")
    lists = as_lists(Y)
    formats = {
        "list": lists,
        "list-with-duplicates": [row + row[:1] for row in lists],
        "tuple-of-tuples": tuple(tuple(row) for row in lists),
        "object-array-of-lists": object_array(lists),
        "bool": Y,
        "int": Y.astype(int),
        "uint8": Y.astype(np.uint8),
        "float": Y.astype(float),
        "dataframe": pd.DataFrame(Y.astype(int)),
        "dataframe-bool": pd.DataFrame(Y),
    }
    for f in SPARSE_FORMATS:
        formats[f.__name__] = f(Y.astype(int))
    formats["csr-bool"] = sp.csr_array(Y)
    return formats


def test_check_labels_formats_give_the_same_indicator():
    """Check that every label format gives the same boolean indicator."""
    Y, _ = make_multilabel_case(3, n=50, n_classes=4, rare=True)
    Y[:, 2] = False  # an absent class
    for name, labels in label_formats(Y).items():
        indicator = check_labels(labels, 4, n_samples=50)
        assert indicator.dtype == bool, name
        np.testing.assert_array_equal(indicator, Y, err_msg=name)


def test_check_labels_does_not_modify_inputs():
    """Check that validation leaves every label format untouched."""
    Y, _ = make_multilabel_case(4, n=30, n_classes=3)
    formats = label_formats(Y)
    copies = copy.deepcopy(formats)
    for labels in formats.values():
        check_labels(labels, 3, n_samples=30)
    for name, labels in formats.items():
        before = copies[name]
        if sp.issparse(labels):
            assert (labels != before).nnz == 0, name
        elif hasattr(labels, "to_numpy"):
            assert labels.equals(before), name
        else:
            assert [list(r) for r in labels] == [list(r) for r in before], name


def test_check_labels_sample_count_mismatch():
    """Check that n_samples is enforced, naming labels and pred_probs."""
    with pytest.raises(ValueError, match="labels has 2 samples but pred_probs"):
        check_labels([[0], [1]], 2, n_samples=3)


def test_check_labels_name_in_messages():
    """Check that the argument name given is the one in the message."""
    with pytest.raises(ValueError, match="noisy_y"):
        check_labels([[5]], 2, name="noisy_y")
    with pytest.raises(ValueError, match="noisy_y"):
        check_labels(np.array([[2, 0]]), 2, name="noisy_y")


@pytest.mark.parametrize("dtype", [bool, np.int64, None])
def test_check_indicator_returns_a_new_array(dtype):
    """Check that the result never shares memory with the input, whatever dtype."""
    Y, _ = make_multilabel_case(5, n=20, n_classes=3)
    for labels in (Y, Y.astype(np.int64), np.asfortranarray(Y)):
        before = labels.copy()
        indicator = check_indicator(labels, name="Y", dtype=dtype)
        assert not np.shares_memory(indicator, labels)
        assert indicator.dtype == (labels.dtype if dtype is None else dtype)
        np.testing.assert_array_equal(indicator, Y)
        indicator[...] = 1 - indicator  # writing to the result leaves the input
        np.testing.assert_array_equal(labels, before)


def test_check_labels_reads_a_bool_indicator_without_copying():
    """Check that check_labels returns a bool ndarray as is, other input copied."""
    Y, _ = make_multilabel_case(5, n=20, n_classes=3)
    assert check_labels(Y, 3) is Y
    assert not np.shares_memory(check_labels(Y.astype(np.int8), 3), Y)
    assert not np.shares_memory(check_indicator(Y, name="Y", copy=True), Y)


@pytest.mark.parametrize("convert", SPARSE_FORMATS)
def test_check_indicator_keep_sparse_gives_canonical_csr(convert):
    """Check that keep_sparse returns a CSR copy without stored zeros."""
    Y, _ = make_multilabel_case(6, n=20, n_classes=3)
    labels = convert(Y.astype(float))
    labels.data[:2] = 0  # explicit zeros are entries like any other
    expected = labels.toarray().astype(bool)
    indicator = check_indicator(labels, name="Y", keep_sparse=True)
    assert isinstance(indicator, sp.csr_array) and indicator.dtype == bool
    assert indicator.has_canonical_format and np.all(indicator.data)
    np.testing.assert_array_equal(indicator.toarray(), expected)
    assert not np.shares_memory(indicator.data, labels.data)
    dense = check_indicator(labels, name="Y")
    assert isinstance(dense, np.ndarray)
    np.testing.assert_array_equal(dense, expected)


def test_check_indicator_reads_sparse_duplicates_as_their_sum():
    """Check that duplicate sparse entries summing to 2 are not taken as a 1."""
    twice = sp.coo_array((np.ones(2), ([0, 0], [1, 1])), shape=(2, 2))
    with pytest.raises(ValueError, match=r"Y must be .* found the value 2"):
        check_indicator(twice, name="Y")
    assert twice.nnz == 2  # the input keeps its duplicates


@pytest.mark.parametrize(
    ("Y", "kwargs", "error", "match"),
    [
        (None, {}, ValueError, r"Y must be a 2-D 0/1 indicator .*, got None"),
        ([1, 0], {}, ValueError, r"got an array of shape \(2,\), with 1 dimension"),
        ([[1, 0], [1]], {}, ValueError, r"Y must be .*rows have different lengths"),
        ([[1, 0.5]], {}, ValueError, r"holding only 0 and 1; found the value 0\.5"),
        ([[1, np.nan]], {}, ValueError, "holding only 0 and 1; found NaN"),
        ([[1, -1]], {}, ValueError, "found the value -1"),
        ([["1", "0"]], {}, TypeError, r"Y must be .*, got an array of dtype <U1"),
        ([[1, 0]], {"n_classes": 3}, ValueError, "Y has 2 columns but there are 3"),
        (
            [[1, 0]],
            {"n_classes": 3, "reference": "P"},
            ValueError,
            "Y has 2 columns but P has 3; they must match",
        ),
        (
            np.zeros((0, 2)),
            {"ensure_non_empty": True},
            ValueError,
            r"Y must hold at least one sample and one class, got shape \(0, 2\)",
        ),
        (
            [[1, 2]],
            {"alternative": "a 1-D array of class labels"},
            ValueError,
            "Y must be a 1-D array of class labels or a 2-D 0/1 indicator",
        ),
    ],
)
def test_check_indicator_errors_name_the_argument(Y, kwargs, error, match):
    """Check that each bad indicator gets an error naming Y and what is expected."""
    with pytest.raises(error, match=match):
        check_indicator(Y, name="Y", **kwargs)


def test_check_indicator_accepts_empty_shapes_unless_told_not_to():
    """Check that zero rows or columns pass by default (onehot2int needs them)."""
    assert check_indicator(np.zeros((0, 3)), name="Y").shape == (0, 3)
    assert check_indicator(np.zeros((2, 0)), name="Y").shape == (2, 0)
    with pytest.raises(ValueError, match="at least one sample and one class"):
        check_indicator(np.zeros((2, 0)), name="Y", ensure_non_empty=True)


@pytest.mark.parametrize(
    ("pred_probs", "dtype"),
    [
        (np.full((3, 2), 0.5, dtype=np.float32), np.float32),
        (np.full((3, 2), 0.5), np.float64),
        (np.full((3, 2), 0.5, dtype=np.float16), np.float64),
        (np.ones((3, 2), dtype=int), np.float64),
        (np.ones((3, 2), dtype=np.uint8), np.float64),
        (np.ones((3, 2), dtype=bool), np.float64),
        ([[1, 0], [0, 1], [0.5, 0.5]], np.float64),
    ],
    ids=["float32", "float64", "float16", "int", "uint8", "bool", "nested-list"],
)
def test_check_pred_probs_dtype(pred_probs, dtype):
    """Check the documented dtype: float32 stays float32, others become float64."""
    checked = check_pred_probs(pred_probs)
    assert checked.dtype == dtype
    np.testing.assert_array_equal(checked, np.asarray(pred_probs, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_check_pred_probs_does_not_copy_float_input(dtype):
    """Check that float32/float64 arrays are used as they are (no copy needed)."""
    pred_probs = np.random.default_rng(0).random((5, 3)).astype(dtype)
    assert np.shares_memory(check_pred_probs(pred_probs), pred_probs)


def test_check_pred_probs_dataframe():
    """Check that a DataFrame is read by position as a float array."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"b": [0.1, 0.9], "a": [1.0, 0.0]})
    np.testing.assert_array_equal(check_pred_probs(frame), [[0.1, 1.0], [0.9, 0.0]])


def test_check_pred_probs_bounds_are_inclusive():
    """Check that exact 0s and 1s are valid probabilities."""
    pred_probs = np.array([[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(check_pred_probs(pred_probs), pred_probs)
