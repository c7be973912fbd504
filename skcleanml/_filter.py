"""Find label issues in multi-label data with one-vs-rest confident learning.

Every class is treated as its own binary problem ("is class k present?"), as in
Thyagarajan et al. (2023), and confident learning (Northcutt et al., 2021) runs
on all of those binary problems at once: the arrays here are ``(n_samples,
n_classes)`` and every step is a column-wise NumPy operation. How many
annotations to flag comes from the confident joint (:mod:`skcleanml._count`).

The data is read through :class:`~skcleanml._chunked.LabelData`, whole or in
chunks of rows. A filter either flags row by row, or selects the k lowest
entries of each group with a streaming merge whose memory follows the number
of flags. Exact ties at a cut-off go to the lower row index, so the results
depend neither on the chunking nor on the machine.

Public functions validate their input, then call the private cores
(:func:`per_class_issues`, :func:`example_issues`), which the estimator and
the summaries call directly.

Notation: ``Y`` is the boolean given-label indicator and ``P`` the predicted
probability that each class is present.
"""

from functools import partial, reduce
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skcleanml._chunked import BATCH_SIZE, LabelData, map_rows
from skcleanml._count import (
    check_confident_joint,
    confident_labels,
    joint_of,
    prune_counts,
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
_PRUNE_FILTERS = ("prune_by_noise_rate", "prune_by_class", "both")
_LOW_FILTERS = ("low_self_confidence", "low_normalized_margin")

# A selection merges the entries it holds once they are twice what it keeps,
# and at least twice this many: fewer, larger merges.
_MERGE_ENTRIES = 2**16


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
    if filter_by == "predicted_neq_given":
        return _row_flags(data, _disagrees, per_class)
    if filter_by in _PRUNE_FILTERS:
        if confident_joint is None:
            confident_joint = joint_of(data, thresholds)
        keys = _prune_keys(
            filter_by,
            confident_joint,
            frac_noise,
            min_examples_per_class,
            num_to_remove_per_class,
        )
        return _flags_at(data.shape, *_select(data, keys), per_class)
    if thresholds is None:
        thresholds = confident_thresholds(data)

    def confident_issues(Y, P):
        present, absent = confident_labels(P, thresholds[0])
        issues = np.where(Y, absent, present)
        del present, absent  # free them before the disagreement mask
        issues &= _disagrees(Y, P)
        return issues

    if filter_by == "confident_learning":
        return _row_flags(data, confident_issues, per_class)
    n_issues = sum(
        np.count_nonzero(confident_issues(Y, P), axis=0) for _, Y, P in data.chunks()
    )
    key = partial(class_label_quality_scores, method=filter_by.removeprefix("low_"))
    selected = _select(data, [(key, n_issues)], by_class=True)
    return _flags_at(data.shape, *selected, per_class)


def _disagrees(Y, P):
    """Where the model gives the other binary label strictly more probability.

    ``P < 1 - P`` is ``P < 0.5`` and ``1 - P < P`` is ``P > 0.5`` in floating
    point too (see ``confident_labels``); a 0.5 tie is no disagreement.
    """
    return np.where(Y, P < 0.5, P > 0.5)


def _row_flags(data, issues_of, per_class):
    """The mask of a row-wise filter, ``issues_of(Y, P)``, chunk by chunk."""
    if per_class:
        return map_rows(data, issues_of)
    return map_rows(data, lambda Y, P: issues_of(Y, P).any(axis=1))


def _flags_at(shape, rows, cols, per_class):
    """A mask with the entries ``(rows, cols)`` (or just the ``rows``) flagged."""
    flags = np.zeros(shape if per_class else shape[0], dtype=bool)
    flags[(rows, cols) if per_class else rows] = True
    return flags


def _select(data, keys, *, by_class=False):
    """Rows and classes of the entries among the lowest of their group.

    ``keys`` holds ``(key_of, counts)`` pairs. The groups are the (class,
    given label) pairs, group ``2 * k + g``, or the classes (``by_class``).
    An entry is selected when it is among the ``counts[group]`` lowest keys
    of its group for every pair ("both" intersects two); only the candidates
    (see ``_candidates``) compete.
    """
    selections = [_Lowest(counts) for _, counts in keys]
    # Compact rows: a selection holds one for every entry it keeps.
    row_dtype = np.int32 if data.shape[0] < 2**31 else np.int64
    for start, Y, P in data.chunks():
        rows, group, values = _candidates(Y, P, keys, by_class)
        rows = (rows + start).astype(row_dtype)
        for selection, key in zip(selections, values, strict=True):
            selection.add(group, rows, key)
    n_classes = data.shape[1]
    chosen = []
    for selection in selections:
        group, row = selection.result()
        entry = row.astype(np.int64) * n_classes
        chosen.append(entry + (group if by_class else group // 2))
    return np.divmod(reduce(np.intersect1d, chosen), n_classes)


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
        group, values = cols, [scores[rows, cols]]
    else:
        rows, cols = np.nonzero(_disagrees(Y, P))
        given, p = Y[rows, cols], P[rows, cols]
        group, values = 2 * cols + given, [key_of(p, given) for key_of, _ in keys]
    # Compact groups, held for every entry kept; int16 ones sort by radix.
    return rows, group.astype(np.int16 if 2 * Y.shape[1] < 2**15 else np.int32), values


class _Lowest:
    """The ``counts[g]`` lowest-keyed entries of every group ``g``, streamed.

    Entries arrive chunk by chunk (``add``); once more are held than twice the
    total count (and at least twice ``_MERGE_ENTRIES``), they are merged down
    to the ``counts[g]`` lowest keys of each group, exact ties going to the
    lower row. The order is total, so the result never depends on the
    chunking.
    """

    def __init__(self, counts):
        self.counts = np.ravel(counts)
        self.limit = 2 * max(int(self.counts.sum()), _MERGE_ENTRIES)
        self.held, self.n_held = [], 0

    def add(self, group, row, key):
        wanted = self.counts[group] > 0
        self.held.append((group[wanted], row[wanted], key[wanted]))
        self.n_held += np.count_nonzero(wanted)
        if self.n_held > self.limit:
            self._merge()

    def _merge(self):
        group, row, key = (np.concatenate(part) for part in zip(*self.held))
        kept = _lowest_per_group(group, row, key, self.counts)
        self.held = [(group[kept], row[kept], key[kept])]
        self.n_held = len(kept)

    def result(self):
        """``(group, row)`` of the kept entries."""
        self._merge()
        return self.held[0][:2]


def _lowest_per_group(group, row, key, counts):
    """Indices of the ``counts[g]`` lowest (key, row) of every group ``g``."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(counts) + 1))
    kept = [np.empty(0, dtype=np.intp)]
    for g in np.flatnonzero(np.diff(bounds) > 0):
        members = order[bounds[g] : bounds[g + 1]]
        if len(members) > counts[g]:
            members = members[_k_lowest(key[members], row[members], counts[g])]
        kept.append(members)
    return np.concatenate(kept)


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
    "batch_size": BATCH_SIZE,
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
    ranking of the flagged rows). A selection keeps only the lowest entries
    seen so far of each group (class and given label), so the extra memory
    is the output (one boolean per example, or per annotation), a few times
    one chunk, and up to about 100 bytes per flagged annotation. Exact ties
    at a cut-off go to the lower row index, and the thresholds are float64
    sums accumulated over fixed blocks of rows in the same order whatever
    the chunks, so the results do not depend on ``batch_size``.

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
