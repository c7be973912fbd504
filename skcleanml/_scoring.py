"""Label quality scores for multi-label data, per class annotation and per example.

Each class annotation is scored as a binary label ("is class k present?") with
a standard confident-learning label quality score, and the scores of one example
are aggregated into one number that is low when *any* of its annotations looks
wrong (Thyagarajan et al., 2023). Everything is column-wise NumPy.
"""

import inspect
import math
import numbers
from types import MappingProxyType

import numpy as np
from sklearn.utils._param_validation import StrOptions, validate_params

from skcleanml._chunked import BATCH_SIZE, LabelData, add_label_sums, map_rows

METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
AGGREGATORS = ("exponential_moving_average", "softmin", "min", "mean")
# Read-only: a module-level dict must not be mutable shared state.
DEFAULT_AGGREGATOR = MappingProxyType(
    {"method": "exponential_moving_average", "alpha": 0.8}
)

# Probabilities are clipped away from 0 before logs and divisions.
_CLIP = 1e-10
# Smallest confident threshold when pred_probs are adjusted.
_MIN_THRESHOLD = 2e-6


_SCORE_CONSTRAINTS = {
    "labels": ["array-like", "sparse matrix"],
    "pred_probs": ["array-like"],
    "method": [StrOptions(set(METHODS))],
    "adjust_pred_probs": ["boolean"],
    "batch_size": BATCH_SIZE,
}


@validate_params(
    {**_SCORE_CONSTRAINTS, "aggregator_kwargs": [dict, None]},
    prefer_skip_nested_validation=True,
)
def get_label_quality_scores(
    labels,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=None,
    batch_size=None,
):
    """Score how likely each example's set of labels is correct.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    method : {"self_confidence", "normalized_margin", \
            "confidence_weighted_entropy"}, default="self_confidence"
        Score of each class annotation, computed one-vs-rest.
    adjust_pred_probs : bool, default=False
        Subtract each class's confident threshold (the mean predicted
        probability of its given label) before scoring, which accounts for
        class imbalance (Northcutt et al., 2021).
    aggregator_kwargs : dict, default=None
        How the per-class scores of an example become one score. ``"method"``
        is one of ``{"exponential_moving_average", "softmin", "min", "mean"}``
        or a callable: called as ``method(scores, axis=1, **kwargs)`` on the
        (n_samples, n_classes) scores when it takes an ``axis`` (like
        ``np.min``), else on each example's scores; the other keys are its
        parameters (``"alpha"`` in
        (0, 1] for the moving average, ``"temperature"`` > 0 for softmin).
        None means ``{"method": "exponential_moving_average", "alpha": 0.8}``.
        The aggregation must be row-wise (each example's score depends on its
        own scores only), since the examples may be scored in chunks.
    batch_size : int, default=None
        Score the examples in chunks of this many rows, which bounds the
        working memory (see Notes). None scores in-memory inputs at once, and
        chooses a chunk size (about 1/8 of pred_probs, at most 64 MB) when
        pred_probs or labels is a ``np.memmap`` or labels are sparse. The
        scores are identical for every ``batch_size``.

    Returns
    -------
    label_quality_scores : ndarray of shape (n_samples,)
        In [0, 1]; lower means the example's labels are more likely wrong.

    See Also
    --------
    get_label_quality_scores_per_class : The score of every class annotation.
    find_label_issues : Which examples are likely mislabeled.

    Notes
    -----
    Read in chunks, a ``np.memmap`` stays on disk and sparse labels stay
    sparse: each chunk of rows is densified and scored on its own, so the
    extra memory is the output plus a few times one chunk (and one pass more
    over the data with ``adjust_pred_probs``, for the thresholds).

    References
    ----------
    .. [1] Thyagarajan, Snorrason, Northcutt and Mueller (2023). "Identifying
       Incorrect Annotations in Multi-Label Classification Data".

    Examples
    --------
    >>> from skcleanml import get_label_quality_scores
    >>> labels = [[1], [0, 2]]
    >>> pred_probs = [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]
    >>> get_label_quality_scores(labels, pred_probs).round(3)
    array([0.9, 0.5])
    """
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    return example_scores(
        data,
        method=method,
        adjust_pred_probs=adjust_pred_probs,
        aggregator_kwargs=aggregator_kwargs,
    )


def example_scores(
    data,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=None,
    rows=None,
):
    """Example scores of a :class:`~skcleanml._chunked.LabelData`, chunk by chunk.

    ``rows`` (sorted indices) restricts the scoring to those examples.
    """
    aggregate = _resolve_aggregator(aggregator_kwargs)
    thresholds = confident_thresholds(data)[0] if adjust_pred_probs else None

    def score(Y, P):
        per_class = class_label_quality_scores(
            Y, P, method, adjust_pred_probs, thresholds=thresholds
        )
        return aggregate(per_class)

    return map_rows(data, score, rows=rows)


@validate_params(_SCORE_CONSTRAINTS, prefer_skip_nested_validation=True)
def get_label_quality_scores_per_class(
    labels,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    batch_size=None,
):
    """Score every class annotation of every example.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists or a 0/1 indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.
    method : {"self_confidence", "normalized_margin", \
            "confidence_weighted_entropy"}, default="self_confidence"
        Binary label quality score of each annotation.
    adjust_pred_probs : bool, default=False
        Subtract each class's confident threshold before scoring.
    batch_size : int, default=None
        Score in chunks of this many rows; see
        :func:`get_label_quality_scores`. The output itself has the size of
        pred_probs (float32 stays float32 for the self-confidence and the
        normalized margin).

    Returns
    -------
    scores : ndarray of shape (n_samples, n_classes)
        ``scores[i, k]`` in [0, 1]; lower means the given presence or absence of
        class ``k`` in example ``i`` is more likely wrong.

    Examples
    --------
    >>> from skcleanml import get_label_quality_scores_per_class
    >>> get_label_quality_scores_per_class([[1], [0, 2]], [[0.1, 0.9, 0.1],
    ...                                                    [0.4, 0.1, 0.9]])
    array([[0.9, 0.9, 0.9],
           [0.4, 0.9, 0.9]])
    """
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    thresholds = confident_thresholds(data)[0] if adjust_pred_probs else None
    return map_rows(
        data,
        lambda Y, P: class_label_quality_scores(
            Y, P, method, adjust_pred_probs, thresholds=thresholds
        ),
    )


def class_label_quality_scores(
    Y, P, method="self_confidence", adjust=False, thresholds=None
):
    """Per-class scores from validated inputs (boolean ``Y``, float ``P``).

    With ``adjust``, the confident thresholds are ``thresholds`` when given
    (those of the whole data, when ``Y`` and ``P`` are a chunk of it), else
    those of ``Y``, ``P``.
    """
    if adjust and thresholds is None:
        thresholds = confident_thresholds(LabelData.from_arrays(Y, P))[0]
    if adjust:
        absent, present = _subtract_confident_thresholds(P, thresholds)
        given = np.where(Y, present, absent)
        other = np.where(Y, absent, present) if method != "self_confidence" else None
    else:
        # Filled in place: one temporary of P's size per array, not three.
        given = 1 - P
        np.copyto(given, P, where=Y)
        if method != "self_confidence":
            other = 1 - P
            np.copyto(other, P, where=~Y)
    if method == "self_confidence":
        return given
    if method == "normalized_margin":
        np.subtract(given, other, out=other)
        other += 1
        other /= 2
        return other
    return _confidence_weighted_entropy(given, other)


def confident_thresholds(data):
    """Mean probability of each given binary label, per class, and label counts.

    Parameters
    ----------
    data : LabelData

    Returns
    -------
    thresholds : ndarray of shape (2, n_classes)
        Row 0 is the mean of ``1 - P`` over the examples without the class,
        row 1 the mean of ``P`` over those with it (NaN where no example has
        that label). The float64 sums are accumulated in fixed blocks of
        rows, so the thresholds are the same however the data is chunked.
    n_present : ndarray of shape (n_classes,), dtype=int64
        Number of examples given each class.
    """
    n_samples, n_classes = data.shape
    sums = np.zeros((2, n_classes))
    n_present = np.zeros(n_classes, dtype=np.int64)
    for start, Y, P in data.chunks(aligned=True):
        add_label_sums(sums, Y, P, start)
        n_present += np.count_nonzero(Y, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        thresholds = sums / np.stack([n_samples - n_present, n_present])
    return thresholds, n_present


def _subtract_confident_thresholds(P, thresholds):
    """Binary probabilities minus each label's confident threshold, renormalized.

    The threshold of a binary label is the mean probability it gets on the
    examples given that label; subtracting it and shifting by the largest
    threshold keeps every probability non-negative.
    """
    # A label no example has gets threshold 2, which no probability reaches,
    # and thresholds stay above 0 (both as cleanlab does), so that the
    # renormalizing total below is never 0.
    thresholds = np.clip(np.nan_to_num(thresholds, nan=2.0), _MIN_THRESHOLD, None)
    absent_t, present_t = thresholds.astype(P.dtype)
    shift = np.maximum(absent_t, present_t)
    absent = 1 - P - absent_t + shift
    present = P - present_t + shift
    total = absent + present
    return absent / total, present / total


def _confidence_weighted_entropy(given, other):
    """log(1 + x) / x with x the normalized binary entropy over self-confidence."""
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -(_xlogx(given) + _xlogx(other)) / math.log(2)  # keeps float32
    ratio = entropy / np.clip(given, _CLIP, None)
    return np.log(ratio + 1) / np.clip(ratio, _CLIP, None)


def _xlogx(p):
    return p * np.log(np.clip(p, _CLIP, None))


def aggregated(scores, aggregator_kwargs=None):
    """Example scores from per-class ``scores``, as ``aggregator_kwargs`` says."""
    return _resolve_aggregator(aggregator_kwargs)(scores)


def _resolve_aggregator(aggregator_kwargs):
    """Return a function (n_samples, n_classes) -> (n_samples,) for the kwargs."""
    if aggregator_kwargs is None:
        aggregator_kwargs = dict(DEFAULT_AGGREGATOR)
    if not isinstance(aggregator_kwargs, dict) or "method" not in aggregator_kwargs:
        raise TypeError(
            "aggregator_kwargs must be a dict with a 'method' key, got "
            f"{aggregator_kwargs!r}."
        )
    kwargs = dict(aggregator_kwargs)
    method = kwargs.pop("method")
    if callable(method):
        return lambda scores: _apply_callable(method, scores, kwargs)
    _check_choice(method, AGGREGATORS, "aggregator_kwargs['method']")
    _check_aggregator_keys(method, kwargs)
    if method == "exponential_moving_average":
        alpha = kwargs.get("alpha")
        if alpha is not None:
            _check_number(alpha, "aggregator_kwargs['alpha']", 0, 1, "(0, 1]")
        return lambda scores: exponential_moving_average(scores, alpha=alpha)
    if method == "softmin":
        temperature = kwargs.get("temperature", 0.1)
        _check_number(temperature, "aggregator_kwargs['temperature']", 0, np.inf)
        return lambda scores: softmin(scores, temperature=temperature)
    reduce = {"min": np.min, "mean": np.mean}[method]
    return lambda scores: reduce(scores, axis=1)


def _check_aggregator_keys(method, kwargs):
    """Reject misspelled or foreign options instead of silently ignoring them."""
    allowed = {"exponential_moving_average": {"alpha"}, "softmin": {"temperature"}}
    unknown = set(kwargs) - allowed.get(method, set())
    if unknown:
        expected = sorted(allowed.get(method, ())) or "no other keys"
        raise ValueError(
            f"aggregator_kwargs for method {method!r} takes {expected}, got "
            f"unknown keys {sorted(unknown)}."
        )


def _apply_callable(function, scores, kwargs):
    """Call a user aggregator row-wise: with ``axis=1`` when it takes an axis."""
    if _accepts_axis(function):
        result = np.asarray(function(scores, axis=1, **kwargs))
    else:  # A function of one example's K scores, as cleanlab documents.
        result = np.array([function(row, **kwargs) for row in scores])
    if result.dtype.kind not in "biuf":
        raise TypeError(
            "aggregator_kwargs['method'] must return numbers, got an array of "
            f"dtype {result.dtype}."
        )
    if result.shape != scores.shape[:1]:
        raise ValueError(
            "aggregator_kwargs['method'] must map scores of shape (n_samples, "
            f"n_classes) to shape (n_samples,), got shape {result.shape}."
        )
    return result


def _accepts_axis(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no introspectable signature: numpy style
        return True
    return any(p.name == "axis" or p.kind is p.VAR_KEYWORD for p in parameters)


def exponential_moving_average(scores, *, alpha=0.8):
    """Aggregate per-class scores, weighting the lowest ones most.

    The scores of each example are sorted in descending order ``s_1 >= ... >=
    s_K`` and ``EMA_1 = s_1``, ``EMA_t = alpha * s_t + (1 - alpha) * EMA_{t-1}``;
    the result is ``EMA_K``. The recursion runs over classes, each step on all
    examples at once (it is kept in this form, rather than as one weighted
    sum, so that results agree with cleanlab to the last bit and exact ties
    stay ties).

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        Per-class scores.
    alpha : float, default=0.8
        Weight of the newest (lower) score, in (0, 1]; None means
        ``2 / (n_classes + 1)``.

    Returns
    -------
    aggregated : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._scoring import exponential_moving_average
    >>> exponential_moving_average(np.array([[0.1, 0.2, 0.3]]), alpha=0.5)
    array([0.175])
    """
    if alpha is None:
        alpha = 2 / (scores.shape[1] + 1)
    descending = np.sort(scores, axis=1)[:, ::-1]
    average = descending[:, 0].copy()
    for column in descending.T[1:]:
        average *= 1 - alpha
        average += alpha * column
    return average


def softmin(scores, *, temperature=0.1):
    """Softmin-weighted average of per-class scores.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        Per-class scores.
    temperature : float, default=0.1
        Smaller values move the result towards the minimum.

    Returns
    -------
    aggregated : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._scoring import softmin
    >>> softmin(np.array([[0.5, 0.5]])).round(3)
    array([0.5])
    """
    # Shifting by the row minimum keeps exp() from underflowing to 0 / 0.
    shifted = scores - scores.min(axis=1, keepdims=True)
    weights = np.exp(-shifted / temperature)
    return (scores * weights).sum(axis=1) / weights.sum(axis=1)


def _check_choice(value, choices, name):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}.")


def _check_number(value, name, low, high, interval=None):
    """Check ``low < value <= high`` for a real number."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if not low < value <= high:
        interval = interval or f"({low}, {high}]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}.")
