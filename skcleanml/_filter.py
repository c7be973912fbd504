"""Find label issues in multi-label data with one-vs-rest confident learning.

Every class is treated as its own binary problem ("is class k present?"), as in
Thyagarajan et al. (2023), and confident learning (Northcutt et al., 2021) runs
on all of those binary problems at once: the arrays here are ``(n_samples,
n_classes)`` and every step is a column-wise NumPy operation.

The data is read through :class:`~skcleanml._chunked.LabelData`: whole when in
memory, or in chunks of rows (``batch_size``, ``np.memmap``, sparse labels).
A selection ("the k lowest of each group") is a streaming merge that keeps at
most k entries per group, so its memory follows the number of flags, and its
order is total: by key, exact ties by lower row index. The results therefore
do not depend on the chunking, nor on the machine.

Public functions validate their input, then call the private cores
(:func:`per_class_issues`, :func:`example_issues`, :func:`joint_of`), which
the estimator and the summaries call directly.

Notation used throughout: ``Y`` is the boolean given-label indicator and ``P``
the predicted probability that each class is present.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skcleanml._chunked import LabelData
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
_PRUNE_FILTERS = ("prune_by_noise_rate", "prune_by_class", "both")
_LOW_FILTERS = ("low_self_confidence", "low_normalized_margin")

# Tolerance under which a probability still counts as reaching its class
# threshold, so that float noise in the threshold (a mean) does not matter.
_THRESHOLD_TOLERANCE = 1e-6

_BATCH_SIZE = [Interval(Integral, 1, None, closed="left"), None]
# A selection merges its new entries only once they are this many (or more
# than it keeps): fewer, larger merges.
_MERGE_ENTRIES = 2**16


@validate_params(
    {
        "labels": ["array-like", "sparse matrix"],
        "pred_probs": ["array-like"],
        "calibrate": ["boolean"],
        "return_indices_of_off_diagonals": ["boolean"],
        "multi_label": ["boolean"],
        "batch_size": _BATCH_SIZE,
    },
    prefer_skip_nested_validation=True,
)
def compute_confident_joint(
    labels,
    pred_probs,
    *,
    calibrate=True,
    return_indices_of_off_diagonals=False,
    multi_label=True,
    batch_size=None,
):
    """Estimate the one-vs-rest confident joint of every class.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists or a 0/1 indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.
    calibrate : bool, default=True
        Scale each row to the number of examples given that label (see
        Returns). False returns the raw confident counts (each diagonal
        entry at least 1), as cleanlab does.
    return_indices_of_off_diagonals : bool, default=False
        Also return, per class, the indices of the examples counted off the
        diagonal (confidently of the other binary label).
    multi_label : bool, default=True
        Accepted for cleanlab's ``compute_confident_joint(...,
        multi_label=True)``; skcleanml is multi-label only, so False raises.
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
    indices_off_diagonal : list of ndarray
        Only returned with ``return_indices_of_off_diagonals``: one array of
        example indices per class, in increasing order.

    Examples
    --------
    >>> from skcleanml import compute_confident_joint
    >>> labels = [[0], [0], [], [], [0]]
    >>> pred_probs = [[0.9], [0.8], [0.2], [0.1], [0.1]]
    >>> compute_confident_joint(labels, pred_probs)[0]
    array([[2, 0],
           [1, 2]])
    >>> joint, off_diagonal = compute_confident_joint(
    ...     labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True
    ... )
    >>> joint[0]
    array([[1, 0],
           [1, 2]])
    >>> off_diagonal
    [array([4])]
    """
    if not multi_label:
        raise ValueError(
            "multi_label=False is not supported: skcleanml computes the "
            "one-vs-rest confident joint of multi-label data; use cleanlab for "
            "the K x K joint of multi-class data."
        )
    data = LabelData(labels, pred_probs, batch_size=batch_size)
    flags = None
    if return_indices_of_off_diagonals:
        flags = _Flags(data.shape, per_class=True)
    raw, n_present = _joint_counts(data, confident_thresholds(data), flags)
    joint = _calibrated(raw, n_present, data.shape[0]) if calibrate else raw
    if flags is None:
        return joint
    return joint, [np.flatnonzero(column) for column in flags.result.T]


def joint_of(data, thresholds=None):
    """Calibrated confident joint of a :class:`LabelData`.

    ``thresholds`` is the output of ``confident_thresholds(data)``, when
    already computed.
    """
    if thresholds is None:
        thresholds = confident_thresholds(data)
    raw, n_present = _joint_counts(data, thresholds)
    return _calibrated(raw, n_present, data.shape[0])


def _joint_counts(data, thresholds, off_diagonal=None):
    """Raw confident counts (diagonal at least 1) and given-label counts.

    ``off_diagonal`` (a per-class :class:`_Flags`) gets the examples counted
    off the diagonal.
    """
    counts = np.zeros((data.shape[1], 2, 2), dtype=np.int64)
    for start, Y, P in data.chunks():
        present, absent = _confident_labels(P, thresholds[0])
        counts[:, 1, 1] += np.count_nonzero(Y & present, axis=0)
        counts[:, 1, 0] += np.count_nonzero(Y & absent, axis=0)
        counts[:, 0, 1] += np.count_nonzero(present, axis=0)
        counts[:, 0, 0] += np.count_nonzero(absent, axis=0)
        if off_diagonal is not None:
            off_diagonal.add_rows(start, np.where(Y, absent, present))
    counts[:, 0] -= counts[:, 1]  # the present rows were counted in both
    # Every class keeps at least one confidently correct example, so that a
    # row is never all zero and calibration never divides by zero.
    counts[:, [0, 1], [0, 1]] = np.maximum(counts[:, [0, 1], [0, 1]], 1)
    return counts, thresholds[1]


def _confident_labels(P, thresholds):
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
    absent &= ~(present & (P > 0.5))
    present &= ~absent
    return present, absent


def _disagrees(Y, P):
    """Where the model gives the other binary label strictly more probability.

    ``P < 1 - P`` is ``P < 0.5`` and ``1 - P < P`` is ``P > 0.5`` in floating
    point too (see ``_confident_labels``); a 0.5 tie is no disagreement.
    """
    return np.where(Y, P < 0.5, P > 0.5)


def _calibrated(counts, n_present, n_samples):
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


class _Flags:
    """A filter's output: per annotation (n_samples, n_classes) or per example."""

    def __init__(self, shape, *, per_class):
        self.per_class = per_class
        self.result = np.zeros(shape if per_class else shape[:1], dtype=bool)

    def add_rows(self, start, issues):
        """Flag the True entries of ``issues``, a chunk starting at row ``start``."""
        rows = self.result[start : start + len(issues)]
        rows |= issues if self.per_class else issues.any(axis=1)

    def add_entries(self, rows, cols):
        if self.per_class:
            self.result[rows, cols] = True
        else:
            self.result[rows] = True


class _Lowest:
    """The ``counts[g]`` lowest-keyed entries of every group ``g``, streamed.

    Entries arrive chunk by chunk (``add``) and are merged, once the new ones
    outnumber what a merge keeps (at least ``_MERGE_ENTRIES``), into the
    ``counts[g]`` lowest keys of each group, exact ties going to the lower
    row. The order is total, so the result never depends on the chunking,
    and about twice ``counts.sum()`` entries are held between chunks.
    """

    def __init__(self, counts):
        self.counts = np.asarray(counts, dtype=np.int64).ravel()
        self.parts, self.pending = [], 0
        self.limit = max(int(self.counts.sum()), _MERGE_ENTRIES)

    def add(self, group, row, key):
        self.parts.append((group, row, key))
        self.pending += len(group)
        if self.pending > self.limit:
            self.merge()

    def merge(self):
        """Keep only the lowest; return ``(group, row)`` of the kept entries."""
        if self.pending == 0:  # merged already
            return self.parts[0][:2]
        group, row, key = (np.concatenate(part) for part in zip(*self.parts))
        kept = _lowest_per_group(group, row, key, self.counts)
        self.parts = [(group[kept], row[kept], key[kept])]
        self.pending = 0
        return group[kept], row[kept]


def _lowest_per_group(group, row, key, counts):
    """Indices of the ``counts[g]`` lowest (key, row) of every group ``g``."""
    order = np.argsort(group, kind="stable")  # a radix sort for int16 groups
    bounds = np.searchsorted(group[order], np.arange(len(counts) + 1))
    kept = []
    for g in np.flatnonzero((counts > 0) & (np.diff(bounds) > 0)):
        members = order[bounds[g] : bounds[g + 1]]
        if len(members) > counts[g]:
            members = members[_k_lowest(key[members], row[members], counts[g])]
        kept.append(members)
    return np.concatenate(kept) if kept else np.empty(0, dtype=np.intp)


def _k_lowest(key, row, k):
    """Positions of the ``k`` lowest keys; ties at the cut-off by lower row.

    O(n) with ``np.partition``; the tied entries at the cut-off are the only
    ones ordered by row.
    """
    cutoff = np.partition(key, k - 1)[k - 1]
    below = np.flatnonzero(key < cutoff)
    tied = np.flatnonzero(key == cutoff)
    tied = tied[np.argsort(row[tied], kind="stable")[: k - len(below)]]
    return np.concatenate([below, tied])


def per_class_issues(data, **options):
    """Core of :func:`find_label_issues_per_class`: validated data and options.

    ``options`` are those of :func:`find_label_issues_per_class` (checked),
    plus ``thresholds`` to reuse the confident thresholds of ``data``.
    """
    return _issues(data, per_class=True, **options)


def example_issues(data, *, filter_by="prune_by_noise_rate", **options):
    """Core of :func:`find_label_issues`'s mask: validated data and options."""
    if filter_by not in _LOW_FILTERS:
        return _issues(data, per_class=False, filter_by=filter_by, **options)
    # Example-level, as in cleanlab: the lowest self-confidence scores of the
    # examples (one-vs-rest, the normalized margin equals it), as many as
    # confident learning flags.
    thresholds = options.get("thresholds")
    confident = _issues(
        data, per_class=False, filter_by="confident_learning", thresholds=thresholds
    )
    scores = example_scores(data)
    flags = np.zeros(data.shape[0], dtype=bool)
    n_flagged = np.count_nonzero(confident)
    if n_flagged:
        flags[_k_lowest(scores, np.arange(len(scores)), n_flagged)] = True
    return flags


def _issues(
    data,
    *,
    per_class,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    thresholds=None,
):
    """Issue mask per class (or per example) of a :class:`LabelData`."""
    flags = _Flags(data.shape, per_class=per_class)
    if filter_by == "predicted_neq_given":
        for start, Y, P in data.chunks():
            flags.add_rows(start, _disagrees(Y, P))
        return flags.result
    if filter_by in _PRUNE_FILTERS and confident_joint is None:
        confident_joint = joint_of(data, thresholds)
    if filter_by in _PRUNE_FILTERS:
        keys = _prune_keys(
            filter_by,
            confident_joint,
            frac_noise,
            min_examples_per_class,
            num_to_remove_per_class,
        )
        return _select(data, flags, keys, by_class=False)
    if thresholds is None:
        thresholds = confident_thresholds(data)
    n_issues = np.zeros(data.shape[1], dtype=np.int64)
    for start, Y, P in data.chunks():
        present, absent = _confident_labels(P, thresholds[0])
        issues = np.where(Y, absent, present)
        del present, absent
        issues &= _disagrees(Y, P)
        if filter_by == "confident_learning":
            flags.add_rows(start, issues)
        n_issues += np.count_nonzero(issues, axis=0)
    if filter_by == "confident_learning":
        return flags.result
    method = filter_by.removeprefix("low_")
    return _select(data, flags, [(_score_key(method), n_issues)], by_class=True)


def _select(data, flags, keys, *, by_class):
    """Flag, per group, the ``counts`` lowest keys, for every ``(key, counts)``.

    Groups are the classes (``by_class``) or the (class, given label) pairs
    (group ``2 * k + g``); with several keys, an entry must be among the lowest
    of each. Only the candidates (see ``_candidates``) can be selected. Read
    whole, a group whose counts cover all its candidates is flagged without a
    merge; read in chunks, every group is merged (a counting pass would cost
    more than it saves).
    """
    n_classes = data.shape[1]
    counts = np.stack([np.ravel(c) for _, c in keys])
    whole_data = len(data.bounds()) == 1
    # Compact integers: a selection holds these for every entry it keeps.
    row_dtype = np.int32 if data.shape[0] < 2**31 else np.int64
    mergers = [_Lowest(c) for c in counts]
    for start, Y, P in data.chunks():
        rows, group, key_values = _candidates(Y, P, keys, by_class)
        rows = (rows + start).astype(row_dtype)
        whole = np.zeros(len(group), dtype=bool)
        if whole_data:
            sizes = np.bincount(group, minlength=counts.shape[1])
            whole = (counts >= sizes).all(axis=0)[group]
        flags.add_entries(rows[whole], _class_of(group[whole], by_class))
        merged = ~whole & (counts > 0).all(axis=0)[group]
        for merger, key in zip(mergers, key_values, strict=True):
            merger.add(group[merged], rows[merged], key[merged])
    if not mergers[0].parts:
        return flags.result
    chosen = []
    for merger in mergers:
        group, row = merger.merge()
        chosen.append(row.astype(np.int64) * n_classes + _class_of(group, by_class))
    chosen = chosen[0] if len(chosen) == 1 else np.intersect1d(*chosen)
    flags.add_entries(*np.divmod(chosen, n_classes))
    return flags.result


def _candidates(Y, P, keys, by_class):
    """Rows, groups and keys of the entries of a chunk that can be selected.

    With given-label groups, the entries where the model disagrees with the
    given label: their keys (a self-confidence below 0.5, a negative margin)
    are below those of every other entry of their group, and no group flags
    more than it has. With class groups (the low-score filters, as many as
    confident learning flags), every entry scored at most 0.5, where a
    disagreeing normalized margin may round to the score of an agreeing one.
    """
    if by_class:
        scores = keys[0][0](Y, P)
        rows, cols = np.nonzero(scores <= 0.5)
        keys = [scores[rows, cols]]
        group = cols
    else:
        rows, cols = np.nonzero(_disagrees(Y, P))
        given, p = Y[rows, cols], P[rows, cols]
        keys = [key_of(p, given) for key_of, _ in keys]
        group = 2 * cols + given
    # Compact integers: a selection holds these for every entry it keeps.
    return rows, group.astype(np.int16 if 2 * Y.shape[1] < 2**15 else np.int32), keys


def _class_of(group, by_class):
    return group if by_class else group // 2


def _prune_keys(filter_by, joint, frac_noise, min_examples, num_to_remove):
    """(key, counts per group) of the prune filters, groups ``2 * k + g``."""
    noise_counts, class_counts = prune_counts(
        joint, frac_noise=frac_noise, min_examples_per_class=min_examples
    )
    if num_to_remove is not None:
        # As in cleanlab's intent: that many of the examples *not* given class
        # k, under every prune filter (see find_label_issues_per_class).
        noise_counts = class_counts = np.stack(
            [num_to_remove, np.zeros_like(num_to_remove)], axis=1
        )
    keys = []
    if filter_by in ("prune_by_class", "both"):
        keys.append((_self_confidence, class_counts))
    if filter_by in ("prune_by_noise_rate", "both"):
        keys.append((_margin, noise_counts))
    return keys


def _score_key(method):
    def key_of(Y, P):
        return class_label_quality_scores(Y, P, method)

    return key_of


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
        Given labels: class-index lists (``[[0], [0, 2], []]``, also as a
        pandas Series of lists) or a 0/1 indicator matrix.
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
        flagged, except by the low-score filters at a score of exactly 0.5.
        Exact ties at a cut-off go to the lower row index (see Notes).
    frac_noise : float, default=1.0
        Fraction in (0, 1] of the estimated noise count to flag (prune
        filters only).
    num_to_remove_per_class : array-like of shape (n_classes,), default=None
        Prune filters only: flag, for each class ``k``, the
        ``num_to_remove_per_class[k]`` annotations *not given* class ``k``
        whose absence looks most wrong (as many as disagree with the model at
        most), instead of the estimate; none of those given the class.
    min_examples_per_class : int, default=1
        Each given binary label of each class keeps at least this many
        examples unflagged (prune filters only).
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`compute_confident_joint`. A legacy K x K joint is ignored with
        a warning, as cleanlab does.
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

    Notes
    -----
    Differences from cleanlab 2.9, which runs its binary filter per class:
    on exact ties at a cut-off, cleanlab keeps whichever entries NumPy's
    unstable ``argsort`` puts first (not even the same across NumPy builds
    and CPUs), skcleanml the lower row indices: the same number of flags per
    class, possibly other tied entries. With ``num_to_remove_per_class``,
    cleanlab's "prune_by_class" flags annotations not given the class, but
    its "prune_by_noise_rate" flags annotations given it and its "both"
    flags nothing (the two disjoint sets intersected); skcleanml applies the
    counts to the annotations not given the class under all three.

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
    options = check_options(
        data,
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class,
        confident_joint=confident_joint,
    )
    return per_class_issues(data, **options)


@validate_params(
    {
        **_FILTER_CONSTRAINTS,
        "return_indices_ranked_by": [StrOptions(set(RANKINGS)), None],
        "rank_by_kwargs": [dict, None],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "low_memory": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def find_label_issues(
    labels,
    pred_probs,
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    *,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    low_memory=False,
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
        Given labels: class-index lists (``[[0], [0, 2], []]``, also as a
        pandas Series of lists) or a 0/1 indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", \
            "confidence_weighted_entropy"}, default=None
        None returns a boolean mask; otherwise the indices of the flagged
        examples, worst first, ranked by :func:`get_label_quality_scores` with
        this ``method``. Positional, as in cleanlab.
    rank_by_kwargs : dict, default=None
        Extra arguments of :func:`get_label_quality_scores` used for the
        ranking (``adjust_pred_probs``, None meaning False as in cleanlab,
        and ``aggregator_kwargs``).
    filter_by : str, default="prune_by_noise_rate"
        One of the filters of :func:`find_label_issues_per_class`.
    frac_noise : float, default=1.0
        Fraction in (0, 1] of the estimated noise count to flag.
    num_to_remove_per_class : array-like of shape (n_classes,), default=None
        See :func:`find_label_issues_per_class`.
    min_examples_per_class : int, default=1
        See :func:`find_label_issues_per_class`.
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint.
    n_jobs : int, default=None
        Accepted for cleanlab's signature and not used: the computation is
        vectorized in one process.
    verbose : bool, default=False
        Print the number of label issues found, as cleanlab does.
    low_memory : bool, default=False
        Read the data in chunks (the automatic ``batch_size`` below), as for
        a ``np.memmap``; cleanlab's switch to its batched implementation.
        The result is the same as without it.
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
    confident thresholds, the confident joint, the selection, then the
    ranking of the flagged rows). A selection flags a group (class and
    given label) whole when its count covers it, and otherwise keeps only its
    lowest entries seen so far, so the extra memory is the output (one
    boolean per example, or per annotation), a few times one chunk, and up to
    about 100 bytes per flagged annotation. Exact ties at a
    cut-off go to the lower row index, and the thresholds are float64 sums
    accumulated over fixed blocks of rows in the same order whatever the
    chunks, so the results do not depend on ``batch_size``.

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
    >>> find_label_issues(labels, pred_probs, "self_confidence")
    array([4])

    In chunks of two rows (as for a ``np.memmap``), the result is the same:

    >>> find_label_issues(labels, pred_probs, batch_size=2)
    array([False, False, False, False,  True, False])
    """
    rank_by_kwargs = _check_rank_by_kwargs(rank_by_kwargs)
    data = LabelData(labels, pred_probs, batch_size=batch_size, chunked=low_memory)
    options = check_options(
        data,
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class,
        confident_joint=confident_joint,
    )
    mask = example_issues(data, **options)
    if verbose:
        print(f"Number of label issues found: {np.count_nonzero(mask)}")
    if return_indices_ranked_by is None:
        return mask
    indices = np.flatnonzero(mask)
    scores = example_scores(
        data, method=return_indices_ranked_by, rows=indices, **rank_by_kwargs
    )
    return indices[np.argsort(scores, kind="stable")]


def in_memory(labels, pred_probs):
    """Validated labels and pred_probs as a whole (never chunked) LabelData."""
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, P.shape[1], n_samples=P.shape[0])
    return LabelData.from_arrays(Y, P)


def check_options(data, *, num_to_remove_per_class, confident_joint, **options):
    """The filtering options, with ``num_to_remove`` and the joint checked."""
    n_classes = data.shape[1]
    if num_to_remove_per_class is not None:
        if options["filter_by"] not in _PRUNE_FILTERS:
            raise ValueError(
                "num_to_remove_per_class is only supported with filter_by in "
                f"{list(_PRUNE_FILTERS)} (as in cleanlab), got filter_by="
                f"{options['filter_by']!r}."
            )
        num_to_remove_per_class = _check_num_to_remove(
            num_to_remove_per_class, n_classes
        )
    return {
        **options,
        "num_to_remove_per_class": num_to_remove_per_class,
        "confident_joint": check_confident_joint(confident_joint, n_classes),
    }


def _check_num_to_remove(num_to_remove_per_class, n_classes):
    counts = np.asarray(num_to_remove_per_class)
    if (
        counts.shape != (n_classes,)
        or counts.dtype.kind not in "iu"
        or (counts < 0).any()
    ):
        raise ValueError(
            "num_to_remove_per_class must hold one non-negative integer per "
            f"class ({n_classes}), got {num_to_remove_per_class!r}."
        )
    return counts.astype(np.int64)


def check_confident_joint(confident_joint, n_classes):
    """The (n_classes, 2, 2) joint; None for None or a legacy K x K joint."""
    if confident_joint is None:
        return None
    joint = np.asarray(confident_joint)
    if joint.shape == (n_classes, n_classes) and joint.dtype.kind in "iuf":
        warnings.warn(
            "confident_joint has the legacy multi-class shape (n_classes, "
            f"n_classes) = {joint.shape}; it is ignored (as cleanlab does) and "
            "the one-vs-rest joint of shape (n_classes, 2, 2) is estimated "
            "instead (see compute_confident_joint).",
            UserWarning,
            stacklevel=3,
        )
        return None
    if joint.shape != (n_classes, 2, 2) or joint.dtype.kind not in "iuf":
        raise ValueError(
            "confident_joint must be an array of shape (n_classes, 2, 2) = "
            f"({n_classes}, 2, 2), got shape {joint.shape}."
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
    kwargs = dict(rank_by_kwargs)
    adjust = kwargs.get("adjust_pred_probs")
    if adjust is None:  # cleanlab reads None as False
        kwargs["adjust_pred_probs"] = False
    elif not isinstance(adjust, bool | np.bool_):
        raise TypeError(
            "rank_by_kwargs['adjust_pred_probs'] must be a bool or None, got "
            f"{adjust!r}."
        )
    return kwargs
