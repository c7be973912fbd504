"""Noise matrices and noisy-label generation, for benchmarks and demos.

Multi-class noise follows the class-conditional noise process of Northcutt et
al. (2021): a *noise matrix* ``noise_matrix[i, j] = P(given=i | true=j)`` (each
column sums to 1) says how often an example whose true class is ``j`` carries
the given label ``i``. Multi-label noise is per class: each class is a binary
problem whose positives can be dropped and whose negatives can be added
(Thyagarajan et al., 2023).

The functions mirror :mod:`cleanlab.benchmarking.noise_generation` in meaning
(names, parameters and return values), but are written from the documented
behaviour and take a ``random_state`` instead of seeding NumPy's global RNG.

References
----------
.. [1] Northcutt, C. G., Jiang, L. and Chuang, I. L. (2021). "Confident
   Learning: Estimating Uncertainty in Dataset Labels". Journal of Artificial
   Intelligence Research, 70, 1373-1411.
.. [2] Thyagarajan, A., Snorrason, E., Northcutt, C. and Mueller, J. (2023).
   "Identifying Incorrect Annotations in Multi-Label Classification Data".
   ICLR 2023 Workshop on Trustworthy ML.
"""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skcleanml._annotator_noise import annotator_noise
from skcleanml._labels import check_indicator

__all__ = [
    "annotator_noise",
    "flip_multilabel",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "noise_matrix_is_valid",
]

# Column sums and priors are floats computed by users; accept rounding error.
_SUM_TOL = 1e-6


def _check_noise_matrix(noise_matrix, name="noise_matrix"):
    """Return ``noise_matrix`` as a float array, or raise if not column-stochastic."""
    matrix = np.asarray(noise_matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            f"{name} must be a non-empty square 2-D array of shape (K, K), got "
            f"shape {matrix.shape}."
        )
    if not np.isfinite(matrix).all() or matrix.min() < 0 or matrix.max() > 1:
        raise ValueError(f"{name} must hold probabilities in [0, 1].")
    col_sums = matrix.sum(axis=0)
    if np.abs(col_sums - 1).max() > _SUM_TOL:
        raise ValueError(
            f"{name} must be column-stochastic (P(given=i | true=j) in column j), "
            f"but its column sums are {np.round(col_sums, 6).tolist()}."
        )
    return matrix


def _check_py(py, n_classes, *, strictly_positive=False):
    """Return the prior ``py`` as a float array, or raise if it is not one."""
    prior = np.asarray(py, dtype=float)
    if prior.shape != (n_classes,):
        raise ValueError(
            f"py must have shape ({n_classes},), one prior per class, got shape "
            f"{prior.shape}."
        )
    if not np.isfinite(prior).all() or prior.min() < 0:
        raise ValueError("py must hold non-negative probabilities.")
    if abs(prior.sum() - 1) > _SUM_TOL:
        raise ValueError(f"py must sum to 1, got a sum of {prior.sum():g}.")
    if strictly_positive and prior.min() <= 0:
        raise ValueError(
            "py must be strictly positive when valid_noise_matrix=True: the "
            "validity condition cannot hold for a class with prior 0."
        )
    return prior


@validate_params(
    {"noise_matrix": ["array-like"], "py": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def noise_matrix_is_valid(noise_matrix, py):
    """Check whether a noise matrix lets the true labels be learned.

    The condition (Northcutt et al., 2021) is, for every class ``k``::

        P(given=k, true=k) > P(given=k) * P(true=k),

    i.e. given and true label are positively associated on every class.
    Equivalently ``P(true=k | given=k) > P(true=k | given != k)``: an example
    labelled ``k`` is more likely to truly be ``k`` than one labelled anything
    else. (``P(true=k)`` is a weighted average of those two conditionals, so
    the two forms agree.) A class with ``P(true=k) = 0`` fails the strict
    inequality. This is the check documented for cleanlab's function of the
    same name.

    Parameters
    ----------
    noise_matrix : array-like of shape (K, K)
        ``noise_matrix[i, j] = P(given=i | true=j)``; columns sum to 1.
    py : array-like of shape (K,)
        Prior ``P(true=k)`` of every true class; sums to 1.

    Returns
    -------
    is_valid : bool
        True when the condition holds for every class.

    See Also
    --------
    generate_noise_matrix_from_trace : Random noise matrices that pass this check.

    Examples
    --------
    >>> from skcleanml.noise import noise_matrix_is_valid
    >>> noise_matrix_is_valid([[0.8, 0.3], [0.2, 0.7]], py=[0.5, 0.5])
    True
    >>> noise_matrix_is_valid([[0.4, 0.7], [0.6, 0.3]], py=[0.5, 0.5])
    False
    """
    matrix = _check_noise_matrix(noise_matrix)
    prior = _check_py(py, matrix.shape[0])
    joint = matrix * prior  # joint[i, j] = P(given=i, true=j)
    p_given = joint.sum(axis=1)
    return bool(np.all(np.diag(joint) > p_given * prior))


def _random_budgets(total, caps, rng):
    """Draw random values in ``[0, caps]`` that sum to ``total <= caps.sum()``."""
    if total >= caps.sum():
        return caps.astype(float)
    values = total * rng.dirichlet(np.ones(caps.size))
    over = values > caps
    if over.any():
        # Clip at the cap and hand the excess to the other entries in
        # proportion to their room; the room suffices because total <= sum(caps).
        excess = (values[over] - caps[over]).sum()
        values[over] = caps[over]
        room = caps - values
        values += excess * room / room.sum()
    return np.minimum(values, caps)


def _draw_diagonal(n_classes, trace, rng):
    """Random diagonal in [0, 1] summing to ``trace``."""
    ones = np.ones(n_classes)
    # Draw the side with the smaller total (kept mass or noise mass), so that
    # clipping at 1 is rare and the draw stays close to a flat Dirichlet.
    if trace <= n_classes / 2:
        return _random_budgets(trace, ones, rng)
    return 1.0 - _random_budgets(n_classes - trace, ones, rng)


def _free_entries(n_classes, frac_zero, rng):
    """Off-diagonal entries allowed to be non-zero (one per column always is)."""
    free = ~np.eye(n_classes, dtype=bool)
    # Round up (with slack for float error), so at least the fraction asked for.
    n_zero = math.ceil(frac_zero * n_classes * (n_classes - 1) - 1e-9)
    if n_zero == 0:
        return free
    # Protect one random off-diagonal entry per column, so that every column
    # can still carry its noise; at most K * (K - 2) entries can be zeroed.
    eligible = free.copy()
    for col in range(n_classes):
        eligible[rng.choice(np.flatnonzero(free[:, col])), col] = False
    candidates = np.flatnonzero(eligible)
    chosen = rng.choice(candidates, size=min(n_zero, candidates.size), replace=False)
    free.flat[chosen] = False
    return free


def _fit_margins(weights, row_sums, col_sums, n_iter=500):
    """Scale ``weights`` to the given margins (iterative proportional fitting).

    Ends on a column step, so the column sums are always exact; the row sums
    are exact only when the margins are reachable on the non-zero pattern.
    """
    previous_error = np.inf
    for _ in range(n_iter):
        weights *= _safe_ratio(row_sums, weights.sum(axis=1))[:, None]
        weights *= _safe_ratio(col_sums, weights.sum(axis=0))[None, :]
        error = np.abs(weights.sum(axis=1) - row_sums).max()
        # Stop when fitted, or when stalled (unreachable margins).
        if error < 1e-12 or error > 0.999 * previous_error:
            break
        previous_error = error
    return weights


def _safe_ratio(target, current):
    # A row left without free entries (all zeroed) stays at zero.
    return np.divide(target, current, out=np.zeros_like(target), where=current > 0)


def _valid_off_diagonal(diag, prior, trace, free, rng):
    """Off-diagonal noise aimed at the validity condition, before the check.

    With ``flow[i, j] = noise_matrix[i, j] * py[j]`` (j != i), the condition
    for class k reads ``sum_j flow[k, j] < diag[k] * (1 - py[k])``: the noise
    a row receives must stay below its capacity. Capacities exceed the total
    noise by exactly ``trace - 1``; that slack is split at random among the
    rows, and a random positive matrix is scaled to those row totals and to
    the column totals ``py[j] * (1 - diag[j])``.
    """
    capacity = diag * (1.0 - prior)
    slack = _random_budgets(trace - 1.0, capacity, rng)
    # A zero row target would wipe out a column's only free entry.
    row_sums = np.maximum(capacity - slack, 1e-12)
    weights = np.where(free, rng.exponential(size=free.shape), 0.0)
    flow = _fit_margins(weights, row_sums, prior * (1.0 - diag))
    return flow / prior[None, :]


def _random_off_diagonal(diag, free, rng):
    """Spread each column's noise over its free entries (flat Dirichlet)."""
    noise = np.zeros(free.shape)
    for col in np.flatnonzero(diag < 1):
        rows = np.flatnonzero(free[:, col])
        noise[rows, col] = (1.0 - diag[col]) * rng.dirichlet(np.ones(rows.size))
    return noise


def _draw_noise_matrix(n_classes, trace, prior, frac_zero, rng):
    """One random column-stochastic matrix with the given trace."""
    diag = _draw_diagonal(n_classes, trace, rng)
    free = _free_entries(n_classes, frac_zero, rng)
    if prior is None:
        off_diagonal = _random_off_diagonal(diag, free, rng)
    else:
        off_diagonal = _valid_off_diagonal(diag, prior, trace, free, rng)
    return np.diag(diag) + off_diagonal


@validate_params(
    {
        "K": [Interval(Integral, 2, None, closed="left")],
        "trace": [Interval(Real, 0, None, closed="neither")],
        "py": ["array-like", None],
        "valid_noise_matrix": ["boolean"],
        "frac_zero_noise_rates": [Interval(Real, 0, 1, closed="both")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def generate_noise_matrix_from_trace(
    K,
    trace,
    *,
    py=None,
    valid_noise_matrix=True,
    frac_zero_noise_rates=0.0,
    max_iter=10000,
    random_state=None,
):
    """Generate a random ``K x K`` noise matrix with a given trace.

    The matrix is ``noise_matrix[i, j] = P(given=i | true=j)``: each column sums
    to 1 and the diagonal sums to ``trace``. A trace of ``K`` means no noise;
    ``trace / K`` is the average probability that a label is kept.

    The diagonal is a random split of ``trace`` into ``K`` values in [0, 1]
    (a flat Dirichlet draw of the kept mass ``trace`` or of the noise mass
    ``K - trace``, whichever is smaller, clipped to [0, 1]). Without a
    validity requirement, each column's remaining mass is spread over its
    off-diagonal entries by another flat Dirichlet draw. With
    ``valid_noise_matrix=True`` the off-diagonal entries are instead fitted, by
    iterative proportional scaling of a random positive matrix, to row totals
    that leave every class a random positive share of the slack ``trace - 1``
    in the validity condition (see Notes); draws are repeated until
    :func:`noise_matrix_is_valid` accepts one.

    Parameters
    ----------
    K : int
        Number of classes, at least 2.
    trace : float
        Sum of the diagonal, in (0, K]. Must exceed 1 when
        ``valid_noise_matrix=True``.
    py : array-like of shape (K,), default=None
        Prior ``P(true=k)``, strictly positive and summing to 1. Required when
        ``valid_noise_matrix=True``, ignored otherwise.
    valid_noise_matrix : bool, default=True
        Whether to return only matrices for which ``P(given=k, true=k) >
        P(given=k) * P(true=k)`` holds for every class ``k`` (Northcutt et al.,
        2021), see :func:`noise_matrix_is_valid`. Summed over ``k`` this
        implies ``trace > 1``.
    frac_zero_noise_rates : float, default=0.0
        Fraction of the ``K * (K - 1)`` off-diagonal entries forced to 0 (the
        count is rounded up). One random off-diagonal entry per column is never
        forced, so at most ``K * (K - 2)`` entries are zeroed: fewer than asked
        for when the fraction exceeds ``(K - 2) / (K - 1)``. Columns without
        noise have all their off-diagonal entries at 0 in any case.
    max_iter : int, default=10000
        Maximum number of draws when ``valid_noise_matrix=True``.
    random_state : int, RandomState instance or None, default=None
        Controls the draws. Pass an int for reproducible output.

    Returns
    -------
    noise_matrix : ndarray of shape (K, K)
        Column-stochastic matrix with ``np.trace(noise_matrix) == trace`` (up to
        floating point).

    Raises
    ------
    ValueError
        If the arguments are inconsistent, or if no valid matrix is found in
        ``max_iter`` draws (cleanlab returns None instead).

    See Also
    --------
    generate_noisy_labels : Apply a noise matrix to multi-class labels.

    Notes
    -----
    Why ``trace - 1`` is the slack: with ``flow[i, j] = noise_matrix[i, j] *
    py[j]``, the condition for class ``k`` reads ``sum_{j != k} flow[k, j] <
    noise_matrix[k, k] * (1 - py[k])``. Summed over ``k``, the left side is the
    total noise ``1 - sum_k py[k] * noise_matrix[k, k]`` and the right side
    exceeds it by exactly ``trace - 1``.

    cleanlab's ``max_trace_prob``, ``min_trace_prob``, ``max_noise_rate`` and
    ``min_noise_rate`` bounds are not offered, and the random draws differ, so
    the same seed gives a different matrix than cleanlab.

    References
    ----------
    Northcutt, C. G., Jiang, L. and Chuang, I. L. (2021). "Confident Learning:
    Estimating Uncertainty in Dataset Labels". JAIR, 70, 1373-1411.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml.noise import generate_noise_matrix_from_trace
    >>> nm = generate_noise_matrix_from_trace(
    ...     3, 2.4, py=[0.5, 0.3, 0.2], random_state=0
    ... )
    >>> nm.shape, round(float(np.trace(nm)), 6)
    ((3, 3), 2.4)
    >>> np.allclose(nm.sum(axis=0), 1)
    True
    """
    if trace > K:
        raise ValueError(f"trace must be in (0, K] = (0, {K}], got {trace}.")
    if valid_noise_matrix:
        if py is None:
            raise ValueError("py is required when valid_noise_matrix=True.")
        prior = _check_py(py, K, strictly_positive=True)
        if trace <= 1:
            raise ValueError(
                "trace must be greater than 1 when valid_noise_matrix=True, got "
                f"{trace}: the validity condition summed over classes requires it."
            )
    else:
        prior = None
    rng = check_random_state(random_state)
    for _ in range(max_iter if valid_noise_matrix else 1):
        matrix = _draw_noise_matrix(K, trace, prior, frac_zero_noise_rates, rng)
        if prior is None or noise_matrix_is_valid(matrix, prior):
            return matrix
    raise ValueError(
        f"No valid noise matrix found in max_iter={max_iter} draws for K={K}, "
        f"trace={trace}; increase trace or max_iter, or lower "
        "frac_zero_noise_rates."
    )


def _round_preserving_total(values, total, rng):
    """Round ``values`` to integers that sum to ``total`` (largest remainder)."""
    counts = np.floor(values).astype(np.int64)
    shortfall = int(total - counts.sum())
    remainders = values - counts
    # Largest remainders first; exact ties are broken at random, not by index.
    order = np.lexsort((rng.random_sample(values.size), -remainders))
    counts[order[:shortfall]] += 1
    return counts


def _check_true_labels(true_labels, n_classes):
    labels = np.asarray(true_labels)
    if labels.ndim != 1:
        raise ValueError(
            f"true_labels must be a 1-D array of class indices, got shape "
            f"{labels.shape}."
        )
    if labels.size and labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or not np.all(labels == np.round(labels)):
            raise TypeError(
                f"true_labels must hold integer class indices, got dtype "
                f"{labels.dtype}."
            )
    labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"true_labels must be class indices in [0, {n_classes - 1}] to match "
            f"the {n_classes} x {n_classes} noise_matrix, got values in "
            f"[{labels.min()}, {labels.max()}]."
        )
    return labels


@validate_params(
    {
        "true_labels": ["array-like"],
        "noise_matrix": ["array-like"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def generate_noisy_labels(true_labels, noise_matrix, *, random_state=None):
    """Flip multi-class labels so that they follow a noise matrix exactly.

    For each true class ``j`` with ``n_j`` examples, ``counts[i, j]`` randomly
    chosen examples of class ``j`` receive the given label ``i``, where
    ``counts[i, j]`` is ``noise_matrix[i, j] * n_j`` rounded to an integer.
    The realized matrix ``counts / n_j`` therefore differs from
    ``noise_matrix`` by less than ``1 / n_j`` in every entry.

    Parameters
    ----------
    true_labels : array-like of shape (n_samples,)
        Correct class indices in ``[0, K)``.
    noise_matrix : array-like of shape (K, K)
        ``noise_matrix[i, j] = P(given=i | true=j)``; columns sum to 1.
    random_state : int, RandomState instance or None, default=None
        Controls which examples are flipped. Pass an int for reproducible
        output.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Noisy class indices (int64). ``true_labels`` is not modified.

    See Also
    --------
    generate_noise_matrix_from_trace : Random noise matrices.
    flip_multilabel : Per-class noise for multi-label indicator matrices.

    Notes
    -----
    Rounding: each column ``noise_matrix[:, j] * n_j`` is rounded by the
    largest-remainder method, so that the counts of a column add up to exactly
    ``n_j``: every entry is first rounded down, and the examples left over go
    to the entries with the largest fractional parts (exact ties are broken at
    random). Each count is thus the floor or the ceiling of the exact value,
    and equals ordinary rounding whenever ordinary rounding already adds up to
    ``n_j`` (up to how exact halves are broken). Unlike cleanlab, the counts
    never depend on the class order.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml.noise import generate_noisy_labels
    >>> y = np.repeat([0, 1], 10)
    >>> nm = np.array([[0.8, 0.1], [0.2, 0.9]])
    >>> s = generate_noisy_labels(y, nm, random_state=0)
    >>> int(np.sum((y == 0) & (s == 1))), int(np.sum((y == 1) & (s == 0)))
    (2, 1)
    """
    matrix = _check_noise_matrix(noise_matrix)
    n_classes = matrix.shape[0]
    labels = _check_true_labels(true_labels, n_classes)
    rng = check_random_state(random_state)
    noisy = labels.copy()
    for true_class in range(n_classes):
        members = np.flatnonzero(labels == true_class)
        if members.size == 0:
            continue
        column = matrix[:, true_class] / matrix[:, true_class].sum()
        counts = _round_preserving_total(column * members.size, members.size, rng)
        noisy[rng.permutation(members)] = np.repeat(np.arange(n_classes), counts)
    return noisy


def _check_indicator(Y):
    # flip_multilabel returns a dense array of the dtype of Y: no sparse Y.
    if sp.issparse(Y):
        raise TypeError("Y must be a dense 0/1 indicator array, got a sparse matrix.")
    return check_indicator(Y, name="Y", dtype=None)


def _check_rates(rate, n_classes, name):
    rates = np.asarray(rate, dtype=float)
    if rates.ndim == 0:
        rates = np.full(n_classes, float(rates))
    if rates.shape != (n_classes,):
        raise ValueError(
            f"{name} must be a float or an array of shape ({n_classes},), one "
            f"rate per class, got shape {rates.shape}."
        )
    if not np.isfinite(rates).all() or np.any((rates < 0) | (rates > 1)):
        raise ValueError(f"{name} must hold probabilities in [0, 1].")
    return rates


def _cap_flips(flips, max_flips, rng):
    """Keep at most ``max_flips`` flipped classes per row, chosen at random."""
    # Random keys with non-flips pushed last; a flip survives when its key
    # ranks among the row's ``max_flips`` smallest.
    keys = np.where(flips, rng.random_sample(flips.shape), 2.0)
    order = np.argsort(keys, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(flips.shape[1])[None, :], axis=1)
    return flips & (ranks < max_flips)


@validate_params(
    {
        "Y": ["array-like", "sparse matrix"],
        "drop_rate": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "add_rate": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "max_flips_per_row": [Interval(Integral, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def flip_multilabel(
    Y, *, drop_rate=0.0, add_rate=0.0, max_flips_per_row=None, random_state=None
):
    """Add per-class noise to a multi-label indicator matrix.

    Every class is an independent binary problem: each positive of class ``k``
    is dropped (1 -> 0) with probability ``drop_rate[k]`` and each negative is
    added (0 -> 1) with probability ``add_rate[k]``, independently across
    entries. In the 2 x 2 noise matrix of class ``k`` (index 0 = absent,
    1 = present), ``drop_rate[k] = P(given=0 | true=1)`` and ``add_rate[k] =
    P(given=1 | true=0)``.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_classes)
        True labels as a 0/1 indicator matrix (integer, float or bool).
    drop_rate : float or array-like of shape (n_classes,), default=0.0
        Probability that a positive label of each class is removed. A float
        applies to every class.
    add_rate : float or array-like of shape (n_classes,), default=0.0
        Probability that a negative label of each class is turned on. A float
        applies to every class.
    max_flips_per_row : int, default=None
        Maximum number of classes flipped in one row; None means no cap. The
        cap is enforced after drawing: in a row where more classes came up for
        a flip, a uniformly random subset of ``max_flips_per_row`` of them is
        kept and the others keep their true value. Capped rows make the
        realized rates slightly lower than requested.
    random_state : int, RandomState instance or None, default=None
        Controls the flips. Pass an int for reproducible output.

    Returns
    -------
    Y_noisy : ndarray of shape (n_samples, n_classes)
        New array with the dtype of ``Y``; ``Y`` itself is not modified.

    See Also
    --------
    generate_noise_matrix_from_trace : With ``K=2``, a per-class noise matrix.
    generate_noisy_labels : Multi-class counterpart with exact counts.

    References
    ----------
    Thyagarajan, A., Snorrason, E., Northcutt, C. and Mueller, J. (2023).
    "Identifying Incorrect Annotations in Multi-Label Classification Data".

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml.noise import flip_multilabel
    >>> Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    >>> Y_noisy = flip_multilabel(
    ...     Y, drop_rate=0.5, add_rate=0.2, max_flips_per_row=1, random_state=0
    ... )
    >>> Y_noisy.shape, int(np.abs(Y_noisy - Y).sum(axis=1).max()) <= 1
    ((3, 3), True)
    """
    indicator = _check_indicator(Y)
    n_classes = indicator.shape[1]
    drops = _check_rates(drop_rate, n_classes, "drop_rate")
    adds = _check_rates(add_rate, n_classes, "add_rate")
    rng = check_random_state(random_state)
    positive = indicator.astype(bool)
    flip_prob = np.where(positive, drops[None, :], adds[None, :])
    flips = rng.random_sample(indicator.shape) < flip_prob
    if max_flips_per_row is not None:
        flips = _cap_flips(flips, max_flips_per_row, rng)
    return (positive ^ flips).astype(indicator.dtype)
