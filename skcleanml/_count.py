"""The one-vs-rest confident joint of multi-label data (cleanlab's ``count``).

Every class is its own binary problem ("is class k present?"), as in
Thyagarajan et al. (2023). Its confident joint (Northcutt et al., 2021, Eq.
2-3) counts the examples given each binary label against the label the model
is confident of, and says how many examples of each given label to prune.

Notation: ``Y`` is the boolean given-label indicator and ``P`` the predicted
probability that each class is present, both of shape (n_samples, n_classes).
"""

import warnings

import numpy as np
from sklearn.utils._param_validation import validate_params

from skcleanml._chunked import BATCH_SIZE, LabelData
from skcleanml._scoring import confident_thresholds

# Tolerance under which a probability still counts as reaching its class
# threshold, so that float noise in the threshold (a mean) does not matter.
_THRESHOLD_TOLERANCE = 1e-6


@validate_params(
    {
        "labels": ["array-like", "sparse matrix"],
        "pred_probs": ["array-like"],
        "calibrate": ["boolean"],
        "return_indices_of_off_diagonals": ["boolean"],
        "multi_label": ["boolean"],
        "batch_size": BATCH_SIZE,
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
    off_diagonal = None
    if return_indices_of_off_diagonals:
        off_diagonal = np.zeros(data.shape, dtype=bool)
    raw, n_present = _joint_counts(data, confident_thresholds(data), off_diagonal)
    joint = _calibrated(raw, n_present, data.shape[0]) if calibrate else raw
    if off_diagonal is None:
        return joint
    return joint, [np.flatnonzero(column) for column in off_diagonal.T]


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

    ``off_diagonal`` (boolean, of the data's shape) gets the entries counted
    off the diagonal.
    """
    counts = np.zeros((data.shape[1], 2, 2), dtype=np.int64)
    for start, Y, P in data.chunks():
        present, absent = confident_labels(P, thresholds[0])
        counts[:, 1, 1] += np.count_nonzero(Y & present, axis=0)
        counts[:, 1, 0] += np.count_nonzero(Y & absent, axis=0)
        counts[:, 0, 1] += np.count_nonzero(present, axis=0)
        counts[:, 0, 0] += np.count_nonzero(absent, axis=0)
        if off_diagonal is not None:
            off_diagonal[start : start + len(Y)] = np.where(Y, absent, present)
    counts[:, 0] -= counts[:, 1]  # the present rows were counted in both
    # Every class keeps at least one confidently correct example, so that a
    # row is never all zero and calibration never divides by zero.
    counts[:, [0, 1], [0, 1]] = np.maximum(counts[:, [0, 1], [0, 1]], 1)
    return counts, thresholds[1]


def confident_labels(P, thresholds):
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
    >>> from skcleanml._count import round_preserving_row_totals
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
