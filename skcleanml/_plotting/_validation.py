"""Input checks shared by the displays: labels, issue masks, class names.

Each check returns a new array (inputs are never modified) or raises a
ValueError/TypeError naming the argument and what was expected.
"""

import numpy as np

from skcleanml._labels import (
    LISTS_FORMAT,
    check_indicator,
    int2onehot,
    is_class_index_lists,
)


def to_indicator(labels, n_classes=None, *, name="labels"):
    """Return ``labels`` as a dense (n_samples, n_classes) boolean indicator.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Class-index lists (``[[0], [0, 2], []]``) or a 0/1 indicator matrix.

    n_classes : int, default=None
        Number of classes. If None, the indicator's width, or the largest
        class index + 1 for class-index lists.

    name : str, default="labels"
        Argument name used in error messages.

    Returns
    -------
    indicator : ndarray of shape (n_samples, n_classes), dtype=bool
        A new array.

    Examples
    --------
    >>> from skcleanml._plotting._validation import to_indicator
    >>> to_indicator([[0], [0, 2], []]).astype(int)
    array([[1, 0, 0],
           [1, 0, 1],
           [0, 0, 0]])
    """
    if is_class_index_lists(labels):
        if n_classes is None:
            n_classes = _infer_n_classes(labels)
        return int2onehot(labels, n_classes, name=name).astype(bool)
    return check_indicator(
        labels,
        name=name,
        n_classes=n_classes,
        alternative=LISTS_FORMAT,
    )


def _infer_n_classes(labels):
    """Guess the number of classes from class-index lists (max index + 1)."""
    try:
        top = max((int(np.max(row)) for row in labels if len(row)), default=0)
    except (TypeError, ValueError):
        # A malformed row: int2onehot reports it with a clear message.
        top = 0
    return max(top + 1, 1)


def to_issue_mask(issues, n_samples, *, name="issues"):
    """Return ``issues`` (boolean mask or integer indices) as a boolean mask.

    Parameters
    ----------
    issues : array-like of shape (n_samples,) of bool, or array-like of int
        Boolean mask of flagged examples, or their indices.

    n_samples : int
        Number of examples.

    name : str, default="issues"
        Argument name used in error messages.

    Returns
    -------
    mask : ndarray of shape (n_samples,), dtype=bool
        A new array, True for the flagged examples.

    Examples
    --------
    >>> from skcleanml._plotting._validation import to_issue_mask
    >>> to_issue_mask([0, 2], n_samples=4)
    array([ True, False,  True, False])
    """
    array = np.asarray(issues)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D boolean mask or array of indices, got an "
            f"array with {array.ndim} dimension(s)."
        )
    if array.dtype == bool:
        if array.shape[0] != n_samples:
            raise ValueError(
                f"{name} is a boolean mask of length {array.shape[0]} but there "
                f"are {n_samples} samples; they must match."
            )
        return array.copy()
    return _indices_to_mask(array, n_samples, name)


def _indices_to_mask(indices, n_samples, name):
    """Return a boolean mask that is True at the 1-D integer ``indices``."""
    mask = np.zeros(n_samples, dtype=bool)
    if indices.size == 0:
        return mask
    if indices.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be a boolean mask or an array of integer indices, got "
            f"an array of dtype {indices.dtype}."
        )
    if indices.min() < 0 or indices.max() >= n_samples:
        raise ValueError(
            f"{name} holds indices outside [0, {n_samples - 1}] for "
            f"{n_samples} samples."
        )
    mask[indices] = True
    return mask


def check_class_names(class_names, n_classes, *, name="class_names"):
    """Return class names as a list of length ``n_classes`` (indices if None)."""
    if class_names is None:
        return list(range(n_classes))
    names = list(class_names)
    if len(names) != n_classes:
        raise ValueError(
            f"{name} has {len(names)} entries but there are {n_classes} classes; "
            "they must match."
        )
    return names


def check_n_samples(n_expected, n_got, *, name, reference):
    """Raise unless ``name`` has as many samples as ``reference``."""
    if n_got != n_expected:
        raise ValueError(
            f"{name} has {n_got} samples but {reference} has {n_expected}; they "
            "must describe the same examples."
        )
