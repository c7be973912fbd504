"""Label formats in and out: class-index lists <-> indicator matrices, validation.

One rule for every public entry point: a Python list (or tuple) of lists holds
class indices, ``[[0], [0, 2], []]``; a 2-D array, a scipy sparse matrix or a
pandas DataFrame is a 0/1 indicator of shape ``(n_samples, n_classes)``.
"""

import itertools
import numbers

import numpy as np
import scipy.sparse as sp


def check_pred_probs(pred_probs, *, name="pred_probs"):
    """Validate predicted probabilities and return them as a float array.

    Parameters
    ----------
    pred_probs : array-like of shape (n_samples, n_classes)
        Predicted probability of each class being present; rows need not sum
        to 1.
    name : str, default="pred_probs"
        Argument name used in error messages.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, n_classes)
        float32 input stays float32, anything else becomes float64. The input is
        never modified; no copy is made when none is needed.

    Examples
    --------
    >>> from skcleanml._labels import check_pred_probs
    >>> check_pred_probs([[1, 0], [0.5, 0.5]]).dtype
    dtype('float64')
    """
    array = pred_probs_array(pred_probs, name=name)
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    finite, low, high = probability_range(array)
    raise_for_probability_range(finite, low, high, name=name)
    return array


def pred_probs_array(pred_probs, *, name="pred_probs"):
    """Check the type and shape of pred_probs, without reading its values.

    Returns ``np.asarray(pred_probs)`` unconverted: a ``np.memmap`` gives a
    view of the same file, so nothing is loaded into memory.
    """
    if sp.issparse(pred_probs):
        raise TypeError(f"{name} must be a dense array, got a sparse matrix.")
    try:
        array = np.asarray(pred_probs)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular 2-D array: {exc}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers, got an array of dtype {array.dtype}."
        )
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_classes), "
            f"got an array with {array.ndim} dimension(s)."
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one sample and one class, got shape "
            f"{array.shape}."
        )
    return array


def probability_range(array):
    """``(all values finite, minimum, maximum)`` of a float array.

    The minimum and maximum are only meaningful when every value is finite.
    """
    if not np.isfinite(array).all():
        return False, np.nan, np.nan
    return True, array.min(), array.max()


def raise_for_probability_range(finite, low, high, *, name="pred_probs"):
    """Raise the ValueError for non-finite values or values outside [0, 1]."""
    if not finite:
        raise ValueError(f"{name} must not contain NaN or infinity.")
    if low < 0 or high > 1:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in "
            f"[{low:g}, {high:g}]."
        )


def is_class_index_lists(labels):
    """Return True when ``labels`` is in the class-index (list of lists) format.

    A list or tuple, or a 1-D object array or pandas Series (of lists).
    """
    if isinstance(labels, list | tuple):
        return True
    dtype = getattr(labels, "dtype", None)
    return getattr(labels, "ndim", None) == 1 and dtype == np.dtype(object)


def check_labels(labels, n_classes, *, n_samples=None, name="labels"):
    """Validate multi-label labels and return a dense boolean indicator matrix.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Class-index lists (``[[0], [0, 2], []]``) or a 0/1 indicator matrix
        (numpy array, scipy sparse matrix or pandas DataFrame).
    n_classes : int
        Number of classes, ``pred_probs.shape[1]``.
    n_samples : int, default=None
        Expected number of samples, ``pred_probs.shape[0]``; checked when given.
    name : str, default="labels"
        Argument name used in error messages.

    Returns
    -------
    indicator : ndarray of shape (n_samples, n_classes), dtype=bool
        The input itself when it already is a boolean ndarray (read it, never
        write to it); otherwise a new array.

    Examples
    --------
    >>> from skcleanml._labels import check_labels
    >>> check_labels([[0], [0, 2], []], n_classes=3).astype(int)
    array([[1, 0, 0],
           [1, 0, 1],
           [0, 0, 0]])
    """
    if is_class_index_lists(labels):
        indicator = index_lists_indicator(labels, n_classes, name=name)
    else:
        # Only read: a bool indicator is not copied (it may be large).
        format_ = _labels_format(name, n_classes)
        indicator = check_indicator(labels, copy=False, **format_)
    check_n_samples(indicator.shape[0], n_samples, name=name)
    return indicator


def check_labels_lazily(labels, n_classes, *, n_samples, name="labels"):
    """Validate labels without building the dense indicator, for chunked reading.

    Returns
    -------
    labels : scipy.sparse.csr_array of dtype bool, or ndarray
        Class-index lists and sparse indicators as a boolean CSR array (with
        ``n_classes`` columns); a dense indicator as ``np.asarray(labels)``,
        unconverted (a ``np.memmap`` stays a view of its file), whose values
        the reader must still check with :func:`check_binary`, one chunk of
        rows at a time.
    """
    if is_class_index_lists(labels):
        lengths, flat = _checked_index_lists(labels, n_classes, name)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        data = np.ones(flat.size, dtype=bool)
        shape = (len(lengths), n_classes)
        indicator = sp.csr_array((data, flat, indptr), shape=shape)
    elif sp.issparse(labels):
        format_ = _labels_format(name, n_classes)
        indicator = check_indicator(labels, keep_sparse=True, **format_)
    else:  # values are left to the reader: they are not read here
        indicator = _indicator_array(labels, **_labels_format(name, n_classes))
    check_n_samples(indicator.shape[0], n_samples, name=name)
    return indicator


# The other format the functional API's ``labels`` may have, named in errors.
LISTS_FORMAT = "a list of lists of class indices"


def _labels_format(name, n_classes):
    """Keywords of check_indicator for the functional API's ``labels``."""
    return {
        "name": name,
        "n_classes": n_classes,
        "reference": "pred_probs",
        "alternative": LISTS_FORMAT,
    }


def check_n_samples(n_found, n_samples, *, name="labels"):
    """Raise when labels do not have the ``n_samples`` rows of pred_probs."""
    if n_samples is not None and n_found != n_samples:
        raise ValueError(
            f"{name} has {n_found} samples but pred_probs has "
            f"{n_samples}; they must describe the same examples."
        )
    if n_found == 0:
        raise ValueError(f"{name} must hold at least one sample.")


def check_indicator(
    Y,
    *,
    name,
    n_classes=None,
    reference=None,
    dtype=bool,
    alternative=None,
    keep_sparse=False,
    ensure_non_empty=False,
    copy=True,
):
    """Validate a 0/1 indicator matrix and return it, as a new array by default.

    The one check of "a 0/1 indicator of shape (n_samples, n_classes)" behind
    every entry point; callers that accept other formats too (class-index
    lists, 1-D class labels) handle those first and name them in
    ``alternative``.

    Parameters
    ----------
    Y : {array-like, sparse matrix} of shape (n_samples, n_classes)
        Numpy array, list of equal-length lists, scipy sparse matrix or array,
        or pandas DataFrame, holding only 0 and 1 (any numeric or bool dtype).
    name : str
        Argument name used in error messages.
    n_classes : int, default=None
        Required number of columns; not checked when None.
    reference : str, default=None
        Name of the argument ``n_classes`` was read from (e.g. "pred_probs"),
        named in the error when the widths differ.
    dtype : data-type or None, default=bool
        dtype of the result; None keeps the dtype of ``Y``.
    alternative : str, default=None
        Another format the caller accepts (e.g. "a 1-D array of class
        labels"), named in the errors.
    keep_sparse : bool, default=False
        If True, a sparse ``Y`` is returned as a canonical CSR array, without
        stored zeros; otherwise every ``Y`` is returned dense.
    ensure_non_empty : bool, default=False
        Whether to require at least one sample and one class.
    copy : bool, default=True
        If False, a dense ``Y`` that already has ``dtype`` is returned as is,
        for callers that only read it (large label matrices are not copied).

    Returns
    -------
    indicator : ndarray or scipy.sparse.csr_array of shape (n_samples, n_classes)
        An array of ``dtype``; a new one unless ``copy=False``.

    Examples
    --------
    >>> from skcleanml._labels import check_indicator
    >>> check_indicator([[1, 0], [0.0, 1.0]], name="Y", dtype=int)
    array([[1, 0],
           [0, 1]])
    >>> check_indicator([[1, 2]], name="Y")
    Traceback (most recent call last):
    ...
    ValueError: Y must be a 2-D 0/1 indicator of shape (n_samples, n_classes) \
holding only 0 and 1; found the value 2.
    """
    Y = _indicator_array(
        Y,
        name=name,
        n_classes=n_classes,
        reference=reference,
        alternative=alternative,
        ensure_non_empty=ensure_non_empty,
    )
    check_binary(Y.data if sp.issparse(Y) else Y, name=name, alternative=alternative)
    Y = Y.astype(Y.dtype if dtype is None else dtype, copy=copy)
    if not sp.issparse(Y):
        return Y
    if keep_sparse:
        Y.eliminate_zeros()
        return Y
    return Y.toarray()


def _indicator_array(
    Y, *, name, n_classes=None, reference=None, alternative=None, ensure_non_empty=False
):
    """``Y`` as an ndarray (or canonical CSR array), its shape checked.

    Values are not read: a dense ``Y`` is ``np.asarray(Y)`` itself (a
    ``np.memmap`` stays a view of its file).
    """
    Y = _as_2d(Y, name, _expected_format(alternative))
    if ensure_non_empty and 0 in Y.shape:
        raise ValueError(
            f"{name} must hold at least one sample and one class, got shape {Y.shape}."
        )
    if n_classes is not None and Y.shape[1] != n_classes:
        if reference is None:
            found = f"there are {n_classes} classes"
        else:
            found = f"{reference} has {n_classes}"
        raise ValueError(
            f"{name} has {Y.shape[1]} columns but {found}; they must match, one "
            "column per class."
        )
    return Y


def _as_2d(Y, name, expected):
    """A 2-D ndarray, or a canonical CSR copy of a sparse ``Y``."""
    if Y is None:
        raise ValueError(f"{name} must be {expected}, got None.")
    if sp.issparse(Y) and Y.ndim == 2:
        # Summed duplicates: the stored values, which check_binary reads, are
        # then the entries of the matrix. A copy, as summing works in place.
        Y = sp.csr_array(Y, copy=True)
        Y.sum_duplicates()
    elif not sp.issparse(Y):
        if hasattr(Y, "to_numpy"):  # pandas DataFrame
            Y = Y.to_numpy()
        try:
            Y = np.asarray(Y)
        except ValueError:  # numpy refuses ragged nested sequences
            raise ValueError(
                f"{name} must be {expected}; its rows have different lengths."
            ) from None
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be {expected}, got an array of shape {Y.shape}, with "
            f"{Y.ndim} dimension(s)."
        )
    return Y


def _expected_format(alternative=None):
    indicator = "a 2-D 0/1 indicator of shape (n_samples, n_classes)"
    return f"{alternative} or {indicator}" if alternative else indicator


def check_binary(values, *, name="labels", alternative=None):
    """Raise unless ``values`` (an array of indicator entries) are all 0 or 1.

    A TypeError when they are not numbers; otherwise a ValueError that shows
    the first offending value.
    """
    values = np.asarray(values)
    expected = f"{_expected_format(alternative)} holding only 0 and 1"
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be {expected}, got an array of dtype {values.dtype}."
        )
    if not is_zero_one(values):
        bad = values[(values != 0) & (values != 1)].flat[0].item()
        raise ValueError(f"{name} must be {expected}; found {_describe(bad)}.")


def _describe(value):
    if isinstance(value, float):
        return "NaN" if np.isnan(value) else f"the value {value:g}"
    return f"the value {value}"


def is_zero_one(values):
    """Whether the ndarray ``values`` holds only numbers equal to 0 or 1."""
    if values.dtype == bool:
        return True
    if values.dtype.kind not in "iuf":
        return False
    return bool(np.logical_or(values == 0, values == 1).all())


def int2onehot(labels, K, *, name="labels"):
    """Convert class-index lists to a 0/1 indicator matrix.

    Parameters
    ----------
    labels : list of lists of int
        ``labels[i]`` lists the classes of example ``i``; duplicates are allowed
        and counted once.
    K : int
        Number of classes.
    name : str, default="labels"
        Argument name used in error messages.

    Returns
    -------
    onehot : ndarray of shape (n_samples, K), dtype=int64
        0/1 integers, as cleanlab's (so that ``1 - onehot`` and ``-onehot``
        work); ``.astype(bool)`` for a boolean mask.

    Examples
    --------
    >>> from skcleanml import int2onehot
    >>> int2onehot([[0, 1], [], [2, 2]], K=3)
    array([[1, 1, 0],
           [0, 0, 0],
           [0, 0, 1]])
    """
    return index_lists_indicator(labels, K, name=name).astype(np.int64)


def index_lists_indicator(labels, K, *, name="labels"):
    """Class-index lists as a boolean indicator (see :func:`int2onehot`)."""
    if not is_class_index_lists(labels):
        raise TypeError(
            f"{name} must be a list of lists of class indices ([[0], [0, 2], "
            f"[]]), got {type(labels).__name__}."
        )
    lengths, flat = _checked_index_lists(labels, K, name)
    onehot = np.zeros((len(lengths), K), dtype=bool)
    onehot[np.repeat(np.arange(len(lengths)), lengths), flat] = True
    return onehot


def _checked_index_lists(labels, K, name):
    """Row lengths and all class indices, checked to lie in [0, K)."""
    if not isinstance(K, numbers.Integral) or isinstance(K, bool) or K < 1:
        raise ValueError(f"K must be a positive integer, got {K!r}.")
    lengths, flat = _flatten_index_lists(labels, name)
    if flat.size and (flat.min() < 0 or flat.max() >= K):
        bad = flat[(flat < 0) | (flat >= K)][0]
        raise ValueError(
            f"{name} holds class index {bad}, but class indices must lie in "
            f"[0, {K - 1}] for {K} classes."
        )
    return lengths, flat


def _flatten_index_lists(labels, name):
    """Row lengths and all class indices of a list of lists, as int arrays.

    Lists of integers are converted in bulk (one ``np.fromiter`` over all
    indices); anything unusual takes the row-by-row path, which names the
    offending row in its error.
    """
    if set(map(type, labels)) <= {list, tuple}:
        items = itertools.chain.from_iterable(labels)
        if all(map(_is_index_type, set(map(type, items)))):
            lengths = np.fromiter(map(len, labels), dtype=np.intp, count=len(labels))
            items = itertools.chain.from_iterable(labels)
            try:
                flat = np.fromiter(items, dtype=np.int64, count=lengths.sum())
            except OverflowError:  # an index beyond int64: reported below
                pass
            else:
                return lengths, flat
    rows = [_as_index_list(row, i, name) for i, row in enumerate(labels)]
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    flat = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    return lengths, flat


def _is_index_type(item_type):
    """Python and NumPy integers are class indices; bools are not."""
    return issubclass(item_type, int | np.integer) and not issubclass(item_type, bool)


def _as_index_list(row, i, name):
    if row is None or isinstance(row, numbers.Integral | str | bytes):
        raise TypeError(
            f"{name}[{i}] must be a list of class indices, got {row!r}. Lists "
            "hold class indices ([[0], [0, 2], []]); pass a 2-D array for a "
            "0/1 indicator."
        )
    row = list(row)
    try:
        array = np.asarray(row)
    except ValueError:  # ragged nesting inside the row
        array = np.asarray(row, dtype=object)
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if array.dtype.kind == "f" and np.isfinite(array).all():
        if np.all(array == np.round(array)):  # 2.0 is class 2
            return array.astype(np.int64)
    bools = any(isinstance(item, bool | np.bool_) for item in row)
    if array.dtype.kind not in "iu" or array.ndim != 1 or bools:
        raise TypeError(
            f"{name}[{i}] must hold integer class indices, got {list(row)!r}."
        )
    return array.astype(np.int64, copy=False)


def onehot2int(onehot_matrix):
    """Convert a 0/1 indicator matrix to class-index lists.

    Parameters
    ----------
    onehot_matrix : {array-like, sparse matrix} of shape (n_samples, n_classes)
        0/1 indicator matrix (cleanlab's parameter name).

    Returns
    -------
    labels : list of lists of int
        ``labels[i]`` lists the classes of example ``i`` in increasing order.

    Notes
    -----
    Class-index lists given by mistake raise a ``ValueError`` naming
    ``onehot_matrix`` when they are ragged (``[[0, 1], [1]]``) or hold an
    index above 1, where cleanlab 2.9 reads them as indicator rows and returns
    other labels. Rectangular 0/1 lists (``[[0, 1], [1, 0]]``) are indicator
    rows to both.

    Examples
    --------
    >>> from skcleanml import onehot2int
    >>> onehot2int([[1, 1, 0], [0, 0, 0], [0, 0, 1]])
    [[0, 1], [], [2]]
    """
    indicator = check_indicator(onehot_matrix, name="onehot_matrix", keep_sparse=True)
    indicator = sp.csr_array(indicator)
    indices = indicator.indices.tolist()
    bounds = indicator.indptr.tolist()
    return [indices[start:end] for start, end in itertools.pairwise(bounds)]
