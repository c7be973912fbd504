"""The estimator's target: 1-D class labels or a 0/1 indicator, checked.

scikit-learn's conventions, unlike the functional API's: a 1-D `y` holds one
class per example (one-hot encoded here; binary keeps the positive column),
a 2-D `y` is an indicator, a DataFrame's columns name the classes, and a
list of lists is read as indicator rows, with a warning.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from skcleanml._labels import (
    check_indicator,
    check_pred_probs,
    is_class_index_lists,
    is_zero_one,
)


def check_target(y, n_samples):
    """Validate `y`; return (0/1 int64 indicator, classes_, y type).

    The type is "indicator" for a 2-D 0/1 `y`, else "binary" or "multiclass".
    """
    if y is None:
        raise ValueError(
            "CleanMultiLabel requires y to be passed, but the target y is None."
        )
    names = None
    if hasattr(y, "columns"):  # a DataFrame: its column names name the classes
        names = np.asarray(y.columns, dtype=object)
        y = y.to_numpy()
    y = y.toarray() if sp.issparse(y) else _as_array(y)
    if y.ndim == 2 and y.shape[1] == 1 and not is_zero_one(y):
        y, names = column_or_1d(y, warn=True), None  # a column of class labels
    if y.ndim == 1:
        Y, classes, y_type = _binarize(y)
    else:
        Y, y_type = _check_indicator(y), "indicator"
        classes = np.arange(Y.shape[1]) if names is None else names
    if Y.shape[0] != n_samples:
        raise ValueError(
            f"X and y must describe the same examples, but X has {n_samples} "
            f"samples and y has {Y.shape[0]}."
        )
    return Y, classes, y_type


def _as_array(y):
    """`y` as an array; a list of lists is read as indicator rows, with a warning.

    scikit-learn reads ``[[0, 1], [1, 0]]`` as the rows of a 0/1 indicator,
    skcleanml's functional API (and cleanlab) as class-index lists; the
    estimator follows scikit-learn and says so, naming the conversion.
    """
    advice = (
        "convert class-index lists with skcleanml.int2onehot(y, n_classes), "
        "or pass np.asarray(y) for indicator rows"
    )
    if is_class_index_lists(y) and any(
        isinstance(row, list | tuple | np.ndarray) for row in y
    ):
        try:
            y = np.asarray(y)
        except ValueError:  # numpy refuses ragged nested sequences
            raise ValueError(
                f"y is a ragged list of lists, not indicator rows: {advice}."
            ) from None
        warnings.warn(
            "y is a list of lists, read as the rows of a 0/1 indicator as "
            "scikit-learn does, while skcleanml's functional API reads lists "
            f"of lists as class indices; {advice}.",
            UserWarning,
            stacklevel=4,
        )
    return np.asarray(y)


def _binarize(y):
    """One-hot encode 1-D labels; binary `y` keeps only the positive column."""
    y = check_array(y, input_name="y", ensure_2d=False, dtype=None)  # NaN, inf
    check_classification_targets(y)  # rejects continuous values
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(
            "CleanMultiLabel needs at least two classes in a 1-D y, but y has "
            f"{'only one class' if classes.size else 'no class'}."
        )
    Y = (y[:, None] == classes).astype(np.int64)
    if classes.size == 2:
        return Y[:, 1:], classes, "binary"
    return Y, classes, "multiclass"


def _check_indicator(y):
    try:
        return check_indicator(
            y,
            name="y",
            dtype=np.int64,
            alternative="a 1-D array of class labels",
            ensure_non_empty=True,
        )
    except (TypeError, ValueError) as exc:
        # Equal-length class-index lists look like an indicator to numpy.
        raise type(exc)(
            f"{exc} Convert class-index lists with skcleanml.int2onehot(y, "
            "n_classes), or pass a 1-D y for one class per example."
        ) from None


def check_given_pred_probs(pred_probs, Y, y_type):
    """`pred_probs` given to fit, as a new array with one column per label of `Y`."""
    # A copy: the fitted state must not change when the caller's array does.
    P = np.array(check_pred_probs(pred_probs), copy=True)
    if y_type == "binary" and P.shape == (Y.shape[0], 2):
        P = P[:, 1:]  # predict_proba of a binary classifier: class 1's column
    if P.shape != Y.shape:
        raise ValueError(
            f"pred_probs must have shape (n_samples, n_labels) = {Y.shape}, one "
            f"column per label of y, got shape {P.shape}."
        )
    return P
