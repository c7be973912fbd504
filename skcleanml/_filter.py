"""Find label issues in multi-label data with one-vs-rest confident learning.

Every class is treated as its own binary problem ("is class k present?"), as in
Thyagarajan et al. (2023), and confident learning (Northcutt et al., 2021) runs
on all of those binary problems at once: the arrays here are ``(n_samples,
n_classes)`` and every step is a column-wise NumPy operation, so there is no
Python loop over samples, and a loop over classes only where a selection needs
a per-class count.

Notation used throughout: ``Y`` is the boolean given-label indicator and ``P``
the predicted probability that each class is present.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skcleanml._labels import check_labels, check_pred_probs
from skcleanml._scoring import (
    class_label_quality_scores,
    confident_thresholds,
    label_quality_scores,
)

FILTERS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_self_confidence",
    "low_normalized_margin",
)
RANKINGS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")

# Tolerance under which a probability still counts as reaching its class
# threshold, so that float noise in the threshold (a mean) does not matter.
_THRESHOLD_TOLERANCE = 1e-6


@validate_params(
    {"labels": ["array-like", "sparse matrix"], "pred_probs": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def compute_confident_joint(labels, pred_probs):
    """Estimate the one-vs-rest confident joint of every class.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists or a 0/1 indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.

    Returns
    -------
    confident_joint : ndarray of shape (n_classes, 2, 2), dtype=int64
        ``confident_joint[k, g, t]`` counts examples whose given label for class
        ``k`` is ``g`` (0 absent, 1 present) and whose true label is confidently
        ``t``, calibrated so that each row sums to the number of examples given
        ``g`` (Northcutt et al., 2021, Eq. 2-3).

    Examples
    --------
    >>> from skcleanml import compute_confident_joint
    >>> labels = [[0], [0], [], [], [0]]
    >>> pred_probs = [[0.9], [0.8], [0.2], [0.1], [0.1]]
    >>> compute_confident_joint(labels, pred_probs)[0]
    array([[2, 0],
           [1, 2]])
    """
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, P.shape[1], n_samples=P.shape[0])
    return _confident_joint(Y, P)


def _confident_joint(Y, P, confident=None):
    """Calibrated confident joint; ``confident`` is ``_confident_labels(Y, P)``."""
    present, absent = _confident_labels(Y, P) if confident is None else confident
    counts = np.empty((Y.shape[1], 2, 2), dtype=np.int64)
    counts[:, 1, 1] = np.count_nonzero(Y & present, axis=0)
    counts[:, 1, 0] = np.count_nonzero(Y & absent, axis=0)
    counts[:, 0, 1] = np.count_nonzero(present, axis=0) - counts[:, 1, 1]
    counts[:, 0, 0] = np.count_nonzero(absent, axis=0) - counts[:, 1, 0]
    # Every class keeps at least one confidently correct example, so that a
    # row is never all zero and calibration never divides by zero.
    diagonal = counts[:, [0, 1], [0, 1]]
    counts[:, [0, 1], [0, 1]] = np.maximum(diagonal, 1)
    return _calibrate(counts, Y)


def _confident_labels(Y, P):
    """Where each class is confidently present, and where confidently absent.

    An entry is confidently present when ``P`` reaches the class's mean
    probability over the examples given the class, and confidently absent when
    ``1 - P`` reaches its mean over the others. When both hold, the larger
    probability wins and a tie goes to absent.

    Returns
    -------
    present, absent : ndarray of shape (n_samples, n_classes), dtype=bool
        Never both True.
    """
    complement = 1 - P
    absent_t, present_t = confident_thresholds(Y, P, complement)
    absent = complement >= absent_t - _THRESHOLD_TOLERANCE
    del complement  # P's size: free it before the boolean temporaries
    present = P >= present_t - _THRESHOLD_TOLERANCE
    # P > 1 - P exactly when P > 0.5, in float32 and float64 alike (1 - P is
    # exact for P >= 0.5), which spares a second copy of 1 - P.
    present_wins = present & (P > 0.5)
    absent &= ~present_wins
    present &= ~absent
    return present, absent


def _disagrees(Y, P):
    """Where the model gives the other binary label strictly more probability.

    ``P < 1 - P`` is ``P < 0.5`` and ``1 - P < P`` is ``P > 0.5`` in floating
    point too (see ``_confident_labels``); a 0.5 tie is no disagreement.
    """
    return np.where(Y, P < 0.5, P > 0.5)


def _calibrate(counts, Y):
    """Scale each row to its given-label count, then round keeping row totals."""
    n_present = Y.sum(axis=0)
    label_counts = np.stack([Y.shape[0] - n_present, n_present], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = counts / counts.sum(axis=2, keepdims=True) * label_counts[..., None]
        # Summed column by column (g, t: 00, 10, 01, 11): float addition is
        # not associative, and this order agrees with cleanlab to the last bit.
        total = scaled[:, 0, 0] + scaled[:, 1, 0] + scaled[:, 0, 1] + scaled[:, 1, 1]
        scaled = scaled / total[:, None, None] * Y.shape[0]
    return round_preserving_row_totals(np.nan_to_num(scaled))


def round_preserving_row_totals(matrices):
    """Round rows of 2-wide float matrices to integers, keeping each row's total.

    Each row total is rounded to the nearest integer. When rounding both entries
    falls one short of it, the entry rounded down the most goes up (the last
    one on ties); when it overshoots, the entry rounded up the most goes down
    (the first one on ties).

    Parameters
    ----------
    matrices : ndarray of shape (..., 2)
        Non-negative floats.

    Returns
    -------
    rounded : ndarray of shape (..., 2), dtype=int64

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._filter import round_preserving_row_totals
    >>> round_preserving_row_totals(np.array([[0.5, 0.5], [2.4, 3.4], [1.5, 1.5]]))
    array([[0, 1],
           [2, 4],
           [1, 2]])
    """
    rounded = np.round(matrices)
    missing = np.round(matrices.sum(axis=-1)) - rounded.sum(axis=-1)
    loss = matrices - rounded
    absorb = np.where(
        missing > 0, loss[..., 1] >= loss[..., 0], loss[..., 1] < loss[..., 0]
    )
    absorb = absorb.astype(np.intp)
    fix = np.take_along_axis(rounded, absorb[..., None], axis=-1)[..., 0] + missing
    np.put_along_axis(rounded, absorb[..., None], fix[..., None], axis=-1)
    return rounded.astype(np.int64)


def prune_counts(confident_joint, *, frac_noise=1.0, min_examples_per_class=1):
    """How many examples to prune from each given binary label of each class.

    Starts from the confident joint's off-diagonal counts (examples given
    label ``g`` but confidently of the other label), lowers them so that at
    least ``min_examples_per_class`` examples stay with each given label, and
    keeps a fraction ``frac_noise`` of them (Northcutt et al., 2021, Sec. 3.2).

    Returns
    -------
    by_noise_rate : ndarray of shape (n_classes, 2), dtype=int64
        ``by_noise_rate[k, g]``: the fraction of the noise count, rounded down.
    by_class : ndarray of shape (n_classes, 2), dtype=int64
        The same rounded up: what remains once the examples that stay are
        rounded down.
    """
    given_counts = confident_joint.sum(axis=2).astype(np.float64)
    diagonal = confident_joint[:, [0, 1], [0, 1]].astype(np.float64)
    off = given_counts - diagonal
    kept = np.maximum(diagonal, min_examples_per_class)
    # Taking examples away from the noise count of a given label, so that the
    # kept count reaches the minimum; the noise count never goes below zero.
    off = np.maximum(off - (kept - diagonal), 0)
    reduced = off * frac_noise
    kept = kept + (off - reduced)
    by_noise_rate = np.floor(reduced)
    by_class = np.round(kept + reduced) - np.floor(kept)
    return by_noise_rate.astype(np.int64), by_class.astype(np.int64)


def flag_lowest(key, group, counts):
    """Flag, in each column, the ``counts[k]`` entries of ``group`` with lowest key.

    The cut-off is found with ``np.partition``, O(n_samples) per column. Only
    when the cut-off value is tied and the tie must be split does the column
    fall back to NumPy's default ``argsort``, so that ties are split the same
    way as a sort-based implementation (and so identically to cleanlab).

    Parameters
    ----------
    key : ndarray of shape (n_samples, n_classes)
    group : ndarray of shape (n_samples, n_classes), dtype=bool
        Entries eligible in each column.
    counts : ndarray of shape (n_classes,), dtype=int
        How many entries to flag per column (capped at the group's size).

    Returns
    -------
    flags : ndarray of shape (n_samples, n_classes), dtype=bool

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._filter import flag_lowest
    >>> key = np.array([[0.3], [0.1], [0.2], [0.1]])
    >>> flag_lowest(key, np.array([[True], [True], [True], [False]]), [2]).ravel()
    array([False,  True,  True, False])
    """
    flags = np.zeros(key.shape, dtype=bool)
    for k in np.flatnonzero(np.asarray(counts) > 0):
        rows = np.flatnonzero(group[:, k])
        flags[rows[_lowest(key[rows, k], int(counts[k]))], k] = True
    return flags


def _lowest(values, count):
    """Indices (or a mask) of the ``count`` lowest values, ties split by argsort."""
    if count >= values.size:
        return slice(None)
    chosen = _lowest_untied(values, count)
    return np.argsort(values)[:count] if chosen is None else chosen


def _lowest_untied(values, count):
    """Mask of the ``count`` lowest values; None when a tie must be split."""
    cutoff = np.partition(values, count - 1)[count - 1]
    chosen = values <= cutoff
    return chosen if np.count_nonzero(chosen) == count else None


def class_label_issues(
    Y,
    P,
    *,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
):
    """Per-class issue mask from validated inputs (boolean ``Y``, float ``P``)."""
    disagrees = _disagrees(Y, P)
    if filter_by == "predicted_neq_given":
        return disagrees
    confident = None
    if confident_joint is None or filter_by in _CONFIDENT_FILTERS:
        confident = _confident_labels(Y, P)
    if filter_by in _CONFIDENT_FILTERS:
        present, absent = confident
        issues = np.where(Y, absent, present)
        issues &= disagrees
        if filter_by != "confident_learning":
            # As many issues as confident learning finds, but the lowest-scored
            # annotations of each class, whatever their given label.
            key = class_label_quality_scores(Y, P, filter_by.removeprefix("low_"))
            issues = flag_lowest(key, np.ones_like(Y), issues.sum(axis=0))
            issues &= disagrees
        return issues
    if confident_joint is None:
        confident_joint = _confident_joint(Y, P, confident)
    del confident
    noise_counts, class_counts = prune_counts(
        confident_joint,
        frac_noise=frac_noise,
        min_examples_per_class=min_examples_per_class,
    )
    if num_to_remove_per_class is not None:
        class_counts = np.repeat(np.asarray(num_to_remove_per_class)[:, None], 2, 1)
    return _prune(Y, P, disagrees, filter_by, noise_counts, class_counts)


_CONFIDENT_FILTERS = (
    "confident_learning",
    "low_self_confidence",
    "low_normalized_margin",
)


def _prune(Y, P, disagrees, filter_by, noise_counts, class_counts):
    """Flag, per class and given label, the lowest-ranked disagreeing entries.

    Only entries where the model disagrees can end up flagged, and their keys
    (self-confidence below 0.5, negative margin) are strictly below those of
    every agreeing entry of the same group, so the lowest ``count`` entries of
    a group are found among the disagreeing ones: a small set.
    """
    rows, cols = np.nonzero(disagrees)
    candidates = _Candidates(rows, cols, Y, P)
    keep = None
    if filter_by in ("prune_by_class", "both"):
        keep = candidates.lowest(_self_confidence, class_counts)
    if filter_by in ("prune_by_noise_rate", "both"):
        by_margin = candidates.lowest(_margin, noise_counts)
        keep = by_margin if keep is None else keep & by_margin
    issues = np.zeros_like(disagrees)
    issues[rows[keep], cols[keep]] = True
    return issues


def _self_confidence(p, given):
    return np.where(given, p, 1 - p)


def _margin(p, given):
    # The given label's probability minus the other's: the binary margin.
    return np.where(given, p - (1 - p), (1 - p) - p)


class _Candidates:
    """Disagreeing entries grouped by (class, given label), in row order."""

    def __init__(self, rows, cols, Y, P):
        self.rows, self.Y, self.P = rows, Y, P
        self.given, self.p = Y[rows, cols], P[rows, cols]
        group = 2 * cols + self.given
        self.order = np.argsort(group, kind="stable")
        n_groups = 2 * Y.shape[1]
        self.bounds = np.searchsorted(group[self.order], np.arange(n_groups + 1))

    def lowest(self, key_of, counts):
        """Mask of the candidates among the ``counts[k, g]`` lowest of their group."""
        keep = np.ones(self.rows.size, dtype=bool)
        counts = np.asarray(counts).ravel()
        for group in np.flatnonzero(np.diff(self.bounds) > counts):
            members = self.order[self.bounds[group] : self.bounds[group + 1]]
            keep[members] = False
            if counts[group] > 0:
                chosen = self._lowest_in_group(key_of, group, members, counts[group])
                keep[chosen] = True
        return keep

    def _lowest_in_group(self, key_of, group, members, count):
        key = key_of(self.p[members], self.given[members])
        chosen = _lowest_untied(key, count)
        if chosen is not None:
            return members[chosen]
        # A tie at the cut-off: split it exactly as a sort of the whole group
        # (every example with this given label) would.
        k, given = divmod(int(group), 2)
        group_rows = np.flatnonzero(self.Y[:, k] == given)
        full_key = key_of(self.P[group_rows, k], given)
        flagged = group_rows[np.argsort(full_key)[:count]]
        return members[np.isin(self.rows[members], flagged)]


_FILTER_CONSTRAINTS = {
    "labels": ["array-like", "sparse matrix"],
    "pred_probs": ["array-like"],
    "filter_by": [StrOptions(set(FILTERS))],
    "frac_noise": [Interval(Real, 0, 1, closed="right")],
    "num_to_remove_per_class": ["array-like", None],
    "min_examples_per_class": [Interval(Integral, 0, None, closed="left")],
    "confident_joint": ["array-like", None],
}


@validate_params(_FILTER_CONSTRAINTS, prefer_skip_nested_validation=True)
def find_label_issues_per_class(
    labels,
    pred_probs,
    *,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
):
    """Find which class annotation of which example is likely wrong.

    Each class is a binary problem (present or absent) solved with confident
    learning (Northcutt et al., 2021), as proposed for multi-label data by
    Thyagarajan et al. (2023).

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    filter_by : {"prune_by_noise_rate", "prune_by_class", "both", \
            "confident_learning", "predicted_neq_given", "low_self_confidence", \
            "low_normalized_margin"}, default="prune_by_noise_rate"
        How annotations are chosen, per class and given binary label:

        - "prune_by_noise_rate": as many as the confident joint's noise count,
          those with the largest margin towards the other label;
        - "prune_by_class": as many, those with the lowest self-confidence;
        - "both": flagged by both of the above;
        - "confident_learning": the off-diagonal of the confident joint;
        - "predicted_neq_given": the model gives the other label more
          probability;
        - "low_self_confidence", "low_normalized_margin": as many as
          "confident_learning" finds in the class, those with the lowest
          score.

        Whatever the filter, an annotation the model agrees with is never
        flagged.
    frac_noise : float, default=1.0
        Fraction in (0, 1] of the estimated noise count to flag (prune
        filters only).
    num_to_remove_per_class : array-like of shape (n_classes,), default=None
        For "prune_by_class" and "both": how many annotations of each given
        binary label of each class to flag, instead of the estimate.
    min_examples_per_class : int, default=1
        Each given binary label of each class keeps at least this many
        examples unflagged (prune filters only).
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`compute_confident_joint`.

    Returns
    -------
    per_class_issues : ndarray of shape (n_samples, n_classes), dtype=bool
        True where the given presence or absence of a class looks wrong.

    See Also
    --------
    find_label_issues : Which examples have any wrong annotation.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml import find_label_issues_per_class
    >>> labels = [[0], [0], [0], [], [], [0]]
    >>> pred_probs = np.array([[0.9], [0.8], [0.9], [0.1], [0.2], [0.1]])
    >>> find_label_issues_per_class(labels, pred_probs).ravel()
    array([False, False, False, False, False,  True])
    """
    Y, P = _check_inputs(labels, pred_probs)
    return class_label_issues(
        Y,
        P,
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=_check_num_to_remove(num_to_remove_per_class, Y),
        min_examples_per_class=min_examples_per_class,
        confident_joint=_check_confident_joint(confident_joint, Y),
    )


@validate_params(
    {
        **_FILTER_CONSTRAINTS,
        "return_indices_ranked_by": [StrOptions(set(RANKINGS)), None],
        "rank_by_kwargs": [dict, None],
    },
    prefer_skip_nested_validation=True,
)
def find_label_issues(
    labels,
    pred_probs,
    *,
    filter_by="prune_by_noise_rate",
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
):
    """Find the examples whose set of labels is likely wrong.

    An example is flagged when any of its class annotations is flagged by
    one-vs-rest confident learning (Northcutt et al., 2021; Thyagarajan et al.,
    2023); see :func:`find_label_issues_per_class` for the filters.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    filter_by : str, default="prune_by_noise_rate"
        One of the filters of :func:`find_label_issues_per_class`.
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", \
            "confidence_weighted_entropy"}, default=None
        None returns a boolean mask; otherwise the indices of the flagged
        examples, worst first, ranked by :func:`get_label_quality_scores` with
        this ``method``.
    rank_by_kwargs : dict, default=None
        Extra arguments of :func:`get_label_quality_scores` used for the
        ranking (``adjust_pred_probs``, ``aggregator_kwargs``).
    frac_noise : float, default=1.0
        Fraction in (0, 1] of the estimated noise count to flag.
    num_to_remove_per_class : array-like of shape (n_classes,), default=None
        See :func:`find_label_issues_per_class`.
    min_examples_per_class : int, default=1
        See :func:`find_label_issues_per_class`.
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint.

    Returns
    -------
    label_issues : ndarray
        A boolean mask of shape (n_samples,), or, with
        ``return_indices_ranked_by``, the flagged indices sorted by increasing
        label quality score (ties keep index order).

    See Also
    --------
    get_label_quality_scores : The score used for ranking.

    References
    ----------
    .. [1] Northcutt, Jiang and Chuang (2021). "Confident Learning: Estimating
       Uncertainty in Dataset Labels". JAIR 70.
    .. [2] Thyagarajan, Snorrason, Northcutt and Mueller (2023). "Identifying
       Incorrect Annotations in Multi-Label Classification Data".

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml import find_label_issues
    >>> labels = [[0], [0, 1], [1], [], [0], [1]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.9], [0.1, 0.8],
    ...                        [0.1, 0.2], [0.1, 0.9], [0.2, 0.7]])
    >>> find_label_issues(labels, pred_probs)
    array([False, False, False, False,  True, False])
    >>> find_label_issues(labels, pred_probs,
    ...                   return_indices_ranked_by="self_confidence")
    array([4])
    """
    rank_by_kwargs = _check_rank_by_kwargs(rank_by_kwargs)
    Y, P = _check_inputs(labels, pred_probs)
    options = {
        "filter_by": filter_by,
        "frac_noise": frac_noise,
        "num_to_remove_per_class": _check_num_to_remove(num_to_remove_per_class, Y),
        "min_examples_per_class": min_examples_per_class,
        "confident_joint": _check_confident_joint(confident_joint, Y),
    }
    if filter_by in ("low_self_confidence", "low_normalized_margin"):
        mask = _low_score_examples(Y, P)
    else:
        mask = class_label_issues(Y, P, **options).any(axis=1)
    if return_indices_ranked_by is None:
        return mask
    indices = np.flatnonzero(mask)
    scores = label_quality_scores(
        Y, P, method=return_indices_ranked_by, rows=indices, **rank_by_kwargs
    )
    return indices[np.argsort(scores, kind="stable")]


def _low_score_examples(Y, P):
    """The lowest-scored examples, as many as confident learning flags.

    One-vs-rest, the normalized margin of a binary label equals its
    self-confidence, so both low-score filters rank by the self-confidence.
    """
    issues = class_label_issues(Y, P, filter_by="confident_learning").any(axis=1)
    scores = label_quality_scores(Y, P)[:, None]
    return flag_lowest(scores, np.ones_like(scores, dtype=bool), [issues.sum()])[:, 0]


def _check_inputs(labels, pred_probs):
    P = check_pred_probs(pred_probs)
    return check_labels(labels, P.shape[1], n_samples=P.shape[0]), P


def _check_num_to_remove(num_to_remove_per_class, Y):
    if num_to_remove_per_class is None:
        return None
    counts = np.asarray(num_to_remove_per_class)
    if (
        counts.shape != (Y.shape[1],)
        or counts.dtype.kind not in "iu"
        or (counts < 0).any()
    ):
        raise ValueError(
            "num_to_remove_per_class must hold one non-negative integer per "
            f"class ({Y.shape[1]}), got {num_to_remove_per_class!r}."
        )
    return counts


def _check_confident_joint(confident_joint, Y):
    if confident_joint is None:
        return None
    joint = np.asarray(confident_joint)
    if joint.shape != (Y.shape[1], 2, 2) or joint.dtype.kind not in "iuf":
        raise ValueError(
            "confident_joint must be an array of shape (n_classes, 2, 2) = "
            f"({Y.shape[1]}, 2, 2), got shape {joint.shape}."
        )
    if (joint < 0).any() or not np.isfinite(joint).all():
        raise ValueError("confident_joint must hold non-negative finite counts.")
    return joint


def _check_rank_by_kwargs(rank_by_kwargs):
    if rank_by_kwargs is None:
        return {}
    unknown = set(rank_by_kwargs) - {"adjust_pred_probs", "aggregator_kwargs"}
    if unknown:
        raise ValueError(
            "rank_by_kwargs accepts the keys 'adjust_pred_probs' and "
            f"'aggregator_kwargs', got {sorted(unknown)}."
        )
    return rank_by_kwargs
