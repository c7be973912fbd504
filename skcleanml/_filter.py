"""Find label issues in multi-label data with one-vs-rest confident learning.

Every class is treated as its own binary problem ("is class k present?"), as in
Thyagarajan et al. (2023), and confident learning (Northcutt et al., 2021) runs
on all of those binary problems at once: the arrays here are ``(n_samples,
n_classes)`` and every step is a column-wise NumPy operation, so there is no
Python loop over samples, and a loop over classes only where a selection needs
a per-class count.

The data is read through :class:`~skcleanml._chunked.LabelData`: whole when in
memory, or in chunks of rows (``batch_size``, ``np.memmap``, sparse labels),
with identical results; selections only keep the entries where the model
disagrees with the given label.

Notation used throughout: ``Y`` is the boolean given-label indicator and ``P``
the predicted probability that each class is present.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skcleanml._chunked import (
    CandidateScan,
    Criterion,
    Entries,
    IssueSink,
    LabelData,
    group_status,
    keep_lowest,
    plan_sweeps,
)
from skcleanml._labels import check_labels, check_pred_probs
from skcleanml._scoring import (
    class_label_quality_scores,
    confident_thresholds,
    example_scores,
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


_BATCH_SIZE = [Interval(Integral, 1, None, closed="left"), None]


@validate_params(
    {
        "labels": ["array-like", "sparse matrix"],
        "pred_probs": ["array-like"],
        "batch_size": _BATCH_SIZE,
    },
    prefer_skip_nested_validation=True,
)
def compute_confident_joint(labels, pred_probs, *, batch_size=None):
    """Estimate the one-vs-rest confident joint of every class.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists or a 0/1 indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.
    batch_size : int, default=None
        Read the data in chunks of this many rows; see
        :func:`find_label_issues`. The result is the same for every value.

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
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    thresholds, n_present = confident_thresholds(data)
    sink = IssueSink(data.shape, per_class=False)
    raw = _scan(data, thresholds, None, sink, None, joint=True)[0]
    return _confident_joint(raw, n_present, data.shape[0])


def _confident_joint(counts, n_present, n_samples):
    """Calibrated confident joint from raw counts (see ``_joint_counts``)."""
    counts = counts.copy()
    # Every class keeps at least one confidently correct example, so that a
    # row is never all zero and calibration never divides by zero.
    diagonal = counts[:, [0, 1], [0, 1]]
    counts[:, [0, 1], [0, 1]] = np.maximum(diagonal, 1)
    return _calibrate(counts, n_present, n_samples)


def _joint_counts(Y, present, absent):
    """Uncalibrated confident joint counts of a chunk, shape (n_classes, 2, 2)."""
    counts = np.empty((Y.shape[1], 2, 2), dtype=np.int64)
    counts[:, 1, 1] = np.count_nonzero(Y & present, axis=0)
    counts[:, 1, 0] = np.count_nonzero(Y & absent, axis=0)
    counts[:, 0, 1] = np.count_nonzero(present, axis=0) - counts[:, 1, 1]
    counts[:, 0, 0] = np.count_nonzero(absent, axis=0) - counts[:, 1, 0]
    return counts


def _confident_labels(Y, P, thresholds):
    """Where each class is confidently present, and where confidently absent.

    An entry is confidently present when ``P`` reaches the class's mean
    probability over the examples given the class, and confidently absent when
    ``1 - P`` reaches its mean over the others (``thresholds``, from
    ``confident_thresholds``). When both hold, the larger probability wins
    and a tie goes to absent.

    Returns
    -------
    present, absent : ndarray of shape (n_samples, n_classes), dtype=bool
        Never both True.
    """
    absent_t, present_t = thresholds
    complement = 1 - P
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


def _calibrate(counts, n_present, n_samples):
    """Scale each row to its given-label count, then round keeping row totals."""
    label_counts = np.stack([n_samples - n_present, n_present], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = counts / counts.sum(axis=2, keepdims=True) * label_counts[..., None]
        # Summed column by column (g, t: 00, 10, 01, 11): float addition is
        # not associative, and this order agrees with cleanlab to the last bit.
        total = scaled[:, 0, 0] + scaled[:, 1, 0] + scaled[:, 0, 1] + scaled[:, 1, 1]
        scaled = scaled / total[:, None, None] * n_samples
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


def class_label_issues(Y, P, **options):
    """Per-class issue mask from validated inputs (boolean ``Y``, float ``P``).

    ``options`` are the filtering options of :func:`find_label_issues_per_class`.
    """
    return _label_issues(LabelData.from_arrays(Y, P), per_class=True, **options)


_CONFIDENT_FILTERS = (
    "confident_learning",
    "low_self_confidence",
    "low_normalized_margin",
)
_LOW_FILTERS = ("low_self_confidence", "low_normalized_margin")
_PRUNE_FILTERS = ("prune_by_noise_rate", "prune_by_class", "both")


def _label_issues(
    data,
    *,
    per_class,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
):
    """Issues per class (or per example) of a :class:`LabelData`.

    Passes over the data: the confident thresholds (when needed), then one
    pass for the confident labels, the joint counts and the disagreeing
    entries, which are all that a selection ("prune" and "low" filters) looks
    at; a chunked pass keeps them only within a memory budget and otherwise
    reads them again group by group (``_flag_selected``).
    """
    sink = IssueSink(data.shape, per_class=per_class)
    by_class = filter_by in _LOW_FILTERS
    joint = filter_by in _PRUNE_FILTERS and confident_joint is None
    thresholds = n_present = None
    if joint or filter_by in _CONFIDENT_FILTERS:
        thresholds, n_present = confident_thresholds(data)
    scan = None
    if filter_by in _PRUNE_FILTERS or by_class:
        scan = CandidateScan(data)
    raw, issue_counts = _scan(data, thresholds, filter_by, sink, scan, joint=joint)
    if scan is None:
        return sink.result
    if by_class:
        method = filter_by.removeprefix("low_")
        criteria = [_low_score_criterion(method, issue_counts)]
    else:
        if joint:
            confident_joint = _confident_joint(raw, n_present, data.shape[0])
        criteria = _prune_criteria(
            filter_by,
            confident_joint,
            frac_noise,
            min_examples_per_class,
            num_to_remove_per_class,
        )
    _flag_selected(data, sink, scan, criteria, by_class=by_class)
    return sink.result


def _scan(data, thresholds, filter_by, sink, scan, *, joint):
    """The pass over the chunks: joint counts, confident issues, candidates.

    Returns the uncalibrated joint counts (with ``joint``) and the number of
    confident-learning issues per class.
    """
    n_classes = data.shape[1]
    raw = np.zeros((n_classes, 2, 2), dtype=np.int64)
    issue_counts = np.zeros(n_classes, dtype=np.int64)
    for start, Y, P in data.chunks():
        disagrees = _disagrees(Y, P)
        if thresholds is not None:
            present, absent = _confident_labels(Y, P, thresholds)
            if joint:
                raw += _joint_counts(Y, present, absent)
            if filter_by in _CONFIDENT_FILTERS:
                issues = np.where(Y, absent, present)
                issues &= disagrees
                if filter_by == "confident_learning":
                    sink.add_rows(start, issues)
                else:
                    issue_counts += np.count_nonzero(issues, axis=0)
            del present, absent
        if filter_by == "predicted_neq_given":
            sink.add_rows(start, disagrees)
        if scan is not None:
            scan.add(start, Y, P, disagrees)
    return raw, issue_counts


def _flag_selected(data, sink, scan, criteria, *, by_class):
    """Flag what the criteria select among the disagreeing entries.

    Groups whose counts cover all their entries are flagged whole; the
    others select. When the scan kept its entries, that is all; otherwise
    the data is read again, keeping only the entries of selecting groups, in
    as many passes as the memory budget requires.
    """
    sizes = scan.group_sizes(by_class)
    status = group_status(sizes, criteria)
    if not scan.overflow:
        entries = Entries.concatenate(scan.parts, scan.dtype)
        scan.parts = []
        entry_status = status[entries.groups(by_class)]
        flagged = entries.take(entry_status == 1)
        sink.add_entries(flagged.rows, flagged.cols)
        sweeps = [entries.take(entry_status == 2)]
        del entries, flagged  # only the selecting entries are still needed
    else:
        groups = plan_sweeps(sizes, status, scan.budget)
        sweeps = (
            _collect(data, sink if i == 0 else None, status, sweep, sizes, by_class)
            for i, sweep in enumerate(groups)
        )
    for selecting in sweeps:
        chosen = keep_lowest(data, selecting, criteria, by_class=by_class)
        sink.add_entries(selecting.rows[chosen], selecting.cols[chosen])


def _collect(data, sink, status, groups, sizes, by_class):
    """One pass: flag the whole groups (with a ``sink``), keep ``groups``' entries."""
    in_sweep = np.zeros(len(status), dtype=bool)
    in_sweep[groups] = True
    flag_whole = sink is not None and np.any(status == 1)
    selecting = Entries.empty(sizes[groups].sum(), data.dtype)
    if not flag_whole and not len(selecting):
        return selecting
    filled = 0
    for start, Y, P in data.chunks():
        disagrees = _disagrees(Y, P)
        if flag_whole:
            sink.add_rows(start, disagrees & _per_entry(status == 1, Y, by_class))
        disagrees &= _per_entry(in_sweep, Y, by_class)
        filled = selecting.put(filled, Entries.where(disagrees, start, Y, P))
    return selecting


def _per_entry(per_group, Y, by_class):
    """Broadcast a per-group boolean to every entry of the chunk ``Y``."""
    if by_class:
        return per_group
    return np.where(Y, per_group[1::2], per_group[0::2])


def _prune_criteria(filter_by, joint, frac_noise, min_examples, num_to_remove):
    """Criteria of the prune filters, per (class, given label) group."""
    noise_counts, class_counts = prune_counts(
        joint, frac_noise=frac_noise, min_examples_per_class=min_examples
    )
    if num_to_remove is not None:
        class_counts = np.repeat(np.asarray(num_to_remove)[:, None], 2, 1)
    criteria = []
    if filter_by in ("prune_by_class", "both"):
        criteria.append(Criterion(_self_confidence, class_counts, 0.5))
    if filter_by in ("prune_by_noise_rate", "both"):
        criteria.append(Criterion(_margin, noise_counts, 0.0))
    return criteria


def _low_score_criterion(method, issue_counts):
    """As many annotations per class as confident learning finds, lowest first.

    Whatever their given label: the group is the class. A disagreeing
    annotation's normalized margin may round to exactly 0.5, the lowest score
    an agreeing one can have, hence ``strict=False`` for it.
    """

    def key_of(p, given):
        column = class_label_quality_scores(
            np.reshape(given, (-1, 1)), np.reshape(p, (-1, 1)), method
        )
        return column[:, 0]

    strict = method == "self_confidence"
    return Criterion(key_of, issue_counts, 0.5, strict=strict)


def _self_confidence(p, given):
    return np.where(given, p, 1 - p)


def _margin(p, given):
    # The given label's probability minus the other's: the binary margin.
    return np.where(given, p - (1 - p), (1 - p) - p)


_FILTER_CONSTRAINTS = {
    "labels": ["array-like", "sparse matrix"],
    "pred_probs": ["array-like"],
    "filter_by": [StrOptions(set(FILTERS))],
    "frac_noise": [Interval(Real, 0, 1, closed="right")],
    "num_to_remove_per_class": ["array-like", None],
    "min_examples_per_class": [Interval(Integral, 0, None, closed="left")],
    "confident_joint": ["array-like", None],
    "batch_size": _BATCH_SIZE,
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
    batch_size=None,
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
    batch_size : int, default=None
        Read the data in chunks of this many rows; see
        :func:`find_label_issues`.

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
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    return _label_issues(
        data,
        per_class=True,
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=_check_num_to_remove(num_to_remove_per_class, data),
        min_examples_per_class=min_examples_per_class,
        confident_joint=_check_confident_joint(confident_joint, data),
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
    batch_size=None,
):
    """Find the examples whose set of labels is likely wrong.

    An example is flagged when any of its class annotations is flagged by
    one-vs-rest confident learning (Northcutt et al., 2021; Thyagarajan et al.,
    2023); see :func:`find_label_issues_per_class` for the filters. The two
    low-score filters are the exception, as in cleanlab: they flag the
    examples with the lowest self-confidence label quality score, as many as
    "confident_learning" flags.

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
    batch_size : int, default=None
        Process the data in chunks of this many rows, which bounds the working
        memory (see Notes). None processes in-memory inputs at once, and
        chooses a chunk size (about 1/8 of pred_probs, at most 64 MB) when
        pred_probs or labels is a ``np.memmap`` or labels are sparse. The
        result is identical for every ``batch_size``.

    Returns
    -------
    label_issues : ndarray
        A boolean mask of shape (n_samples,), or, with
        ``return_indices_ranked_by``, the flagged indices sorted by increasing
        label quality score (ties keep index order).

    See Also
    --------
    get_label_quality_scores : The score used for ranking.

    Notes
    -----
    Read in chunks, a ``np.memmap`` stays on disk (only its pages are read)
    and sparse or list labels stay sparse: each chunk of rows is validated,
    densified and processed on its own, in a few passes over the data (the
    confident thresholds, then the confident labels and the entries where the
    model disagrees with the given label, then the ranking of the flagged
    rows). Only the disagreeing entries are kept, up to a budget of about a
    quarter of pred_probs' size; beyond it, they are read again group by
    group. The extra memory then stays under about the size of pred_probs:
    the output (one boolean per example, or per annotation), a few times one
    chunk, and that budget. The thresholds are float64 sums accumulated
    over fixed blocks of rows in the same order whatever the chunks, so the
    results do not depend on ``batch_size``.

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

    In chunks of two rows (as for a ``np.memmap``), the result is the same:

    >>> find_label_issues(labels, pred_probs, batch_size=2)
    array([False, False, False, False,  True, False])
    """
    rank_by_kwargs = _check_rank_by_kwargs(rank_by_kwargs)
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    options = {
        "filter_by": filter_by,
        "frac_noise": frac_noise,
        "num_to_remove_per_class": _check_num_to_remove(num_to_remove_per_class, data),
        "min_examples_per_class": min_examples_per_class,
        "confident_joint": _check_confident_joint(confident_joint, data),
    }
    if filter_by in _LOW_FILTERS:
        mask = _low_score_examples(data)
    else:
        mask = _label_issues(data, per_class=False, **options)
    if return_indices_ranked_by is None:
        return mask
    indices = np.flatnonzero(mask)
    scores = example_scores(
        data, method=return_indices_ranked_by, rows=indices, **rank_by_kwargs
    )
    return indices[np.argsort(scores, kind="stable")]


def _low_score_examples(data):
    """The lowest-scored examples, as many as confident learning flags.

    One-vs-rest, the normalized margin of a binary label equals its
    self-confidence, so both low-score filters rank by the self-confidence.
    """
    issues = _label_issues(data, per_class=False, filter_by="confident_learning")
    scores = example_scores(data)[:, None]
    return flag_lowest(scores, np.ones_like(scores, dtype=bool), [issues.sum()])[:, 0]


def _check_inputs(labels, pred_probs):
    """Validated boolean ``Y`` and float ``P``, in memory."""
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
    adjust = rank_by_kwargs.get("adjust_pred_probs", False)
    if not isinstance(adjust, bool | np.bool_):
        raise TypeError(
            f"rank_by_kwargs['adjust_pred_probs'] must be a bool, got {adjust!r}."
        )
    return rank_by_kwargs
