"""The probability that each annotation is wrong, from per-class noise rates.

Confident learning's self-confidence treats the two kinds of annotation
alike: a tag given with probability ``p`` scores ``p``, a tag left out scores
``1 - p``. Real annotators err unevenly (they forget tags far more often than
they add wrong ones), and an absent tag's ``1 - p`` is near 1 for almost
every class, so a forgotten tag with ``p = 0.4`` looks cleaner than a correct
but hard tag with ``p = 0.5``. Here each annotation gets the posterior
probability that it is wrong under class-conditional noise (Natarajan et
al., 2013), with ``rho1 = P(given 0 | true 1)`` (a forgotten tag) and
``rho0 = P(given 1 | true 0)`` (a wrong tag) of its class as prior odds:

- a tag left out: ``logit(w) = log(rho1 / (1 - rho0)) + s * logit(c)``,
- a tag given: ``logit(w) = log(rho0 / (1 - rho1)) - s * logit(c)``,

where ``c`` is the probability that the class is given, calibrated from
two sources of evidence: the out-of-fold probability ``p`` of the class and
the example's other given tags (a second opinion from label dependency:
tags that usually come together). Per class, ``c = sigmoid(a logit(p) +
sum_j b_j y_j + c0)``, Platt scaling plus the other tags, with every
``b_j >= 0``: a tag that goes with the class is evidence for it, and a tag
that excludes it is no evidence against it, since in data with one tag per
example the wrong tag given instead of the true one would otherwise explain
the true one away. A forgotten tag whose companions were given, and a
spurious tag that comes without its usual companions, then stand out even
where the model of the features is weak. Calibration is fitted on the noisy
labels, whose errors pull it towards 1/2; the clean posterior is steeper
(for noise rates ``rho``, ``dq/dc = 1 / (1 - rho0 - rho1)`` near ``c =
1/2``), so log-odds are sharpened by ``s = 1.5``. (The exact inversion of
``c = (1 - rho1) q + rho0 (1 - q)`` has no solution below ``c = rho0``; it
ties every such annotation at ``w = 1`` and ranks worse.)

The noise rates are estimated at anchor points (Scott et al., 2013; Liu and
Tao, 2016): among the 5% of examples (at least 10) that are most likely to
have a class, by the calibrated probability ``c``, the share that lack it
estimates ``rho1``; among those least likely, the share that have it
estimates ``rho0``. Weak models inflate these estimates for hard classes
(hard examples look mislabeled); the other tags make the anchors purer than
the model alone does (with the raw ``p``, 1.8 times as many examples were
flagged as are wrong on the real-data benchmark, with ``c`` 1.4 times), and
each class's rate is shrunk three quarters of the way to the rate pooled
over all classes: annotators forget tags at similar rates across classes,
models are unequally good at them. An example is wrong unless all
its annotations are right: ``1 - prod(1 - w)``.

The constants were chosen on ``benchmarks/real_quality.py`` and
``benchmarks/quality.py`` together (BENCHMARKS.md reports both).

References
----------
.. [1] N. Natarajan, I. Dhillon, P. Ravikumar and A. Tewari, "Learning with
   Noisy Labels", NeurIPS 2013.
.. [2] C. Scott, G. Blanchard and G. Handy, "Classification with Asymmetric
   Label Noise: Consistency and Maximal Denoising", COLT 2013.
.. [3] T. Liu and D. Tao, "Classification with Noisy Labels by Importance
   Reweighting", IEEE TPAMI 38(3), 2016.
.. [4] J. Platt, "Probabilistic Outputs for Support Vector Machines and
   Comparisons to Regularized Likelihood Methods", Advances in Large Margin
   Classifiers, 1999.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, minimize
from scipy.special import expit
from sklearn.utils._param_validation import validate_params

from skcleanml._labels import check_labels, check_pred_probs

# Share of each given value's examples used as anchor points, and the least
# number of them: fewer rows make the rate estimate too noisy.
ANCHOR_FRACTION = 0.05
MIN_ANCHORS = 10
# How far each class's rate moves to the pooled rate (0: not at all).
SHRINKAGE = 0.75
MAX_RATE = 0.45  # rho0 + rho1 < 1 keeps the noise invertible
_CLIP = 1e-3  # forest probabilities are exactly 0 or 1: keep logits finite
SHARPNESS = 1.5
MIN_RATE = 1e-4  # a rate of 0 would make an annotation certainly right
MAX_FIT_ROWS = 5_000
RIDGE = 1.0  # pulls the calibration to Platt's identity and no co-labels
# Flag an example when its labels are more likely wrong than right.
ERROR_THRESHOLD = 0.5


def anchor_noise_rates(Y, P):
    """Per-class noise rates, estimated at anchor points and shrunk to the pool.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes), dtype=bool
        Given labels.

    P : ndarray of shape (n_samples, n_classes)
        Probability that each class is given, out of fold (the calibrated
        probabilities of :func:`co_label_calibrate` in the default).

    Returns
    -------
    rates : ndarray of shape (n_classes, 2)
        ``rates[k, 0] = P(given 1 | true 0)`` (a wrong tag) and ``rates[k, 1]
        = P(given 0 | true 1)`` (a forgotten tag), in ``[0, 0.45]``; 0 for a
        class that is constant in `Y`.
    """
    n_samples, n_classes = Y.shape
    n_present = Y.sum(axis=0)
    raw = np.zeros((n_classes, 2))
    for k in np.flatnonzero((n_present > 0) & (n_present < n_samples)):
        raw[k] = _anchor_rates(Y[:, k], P[:, k], n_present[k])
    counts = np.column_stack([n_samples - n_present, n_present]).astype(float)
    pooled = (raw * counts).sum(axis=0) / np.maximum(counts.sum(axis=0), 1)
    rates = (1 - SHRINKAGE) * raw + SHRINKAGE * pooled
    constant = (n_present == 0) | (n_present == n_samples)
    rates[constant] = 0.0
    return np.clip(rates, 0.0, MAX_RATE)


def _anchor_rates(y, p, n_present):
    """(rho0, rho1) of one class: given values at its lowest and highest `p`.

    Rows tied with the last anchor are all included, so the estimate does not
    depend on the order of tied probabilities.
    """
    n_samples = y.size
    low = _n_anchors(n_samples - n_present)
    high = _n_anchors(n_present)
    low_at, high_at = min(low, n_samples) - 1, max(n_samples - high, 0)
    cut = np.partition(p, [low_at, high_at])  # linear time, unlike a sort
    low_rows = p <= cut[low_at]
    high_rows = p >= cut[high_at]
    return y[low_rows].mean(), 1.0 - y[high_rows].mean()


def _n_anchors(n_given):
    return max(MIN_ANCHORS, int(np.ceil(ANCHOR_FRACTION * n_given)))


def co_label_calibrate(Y, P, *, ridge=RIDGE, max_rows=MAX_FIT_ROWS):
    """Per class, the probability that it is given, from `P` and the other tags.

    Platt scaling extended by the example's other given tags: for each class
    ``k``, ``sigmoid(a_k * logit(p_k) + sum_j b_jk * y_j + c_k)`` with every
    co-label weight ``b_jk >= 0``, fitted to the given labels by maximum
    likelihood with a ridge pulling ``a_k`` to 1 (the identity of logits)
    and ``b_jk`` to 0; ``c_k`` is free. All classes form one
    bound-constrained problem (L-BFGS-B), on at most `max_rows` rows drawn
    with a fixed seed. Columns constant in `Y` are returned unchanged.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes), dtype=bool
        Given labels.
    P : ndarray of shape (n_samples, n_classes)
        Probabilities to calibrate.
    ridge : float, default=RIDGE
        Strength of that ridge (on standardized logits).
    max_rows : int, default=MAX_FIT_ROWS
        Most rows the fit looks at.

    Returns
    -------
    calibrated : ndarray of shape (n_samples, n_classes), float64
    """
    varying = np.flatnonzero(Y.any(axis=0) & ~Y.all(axis=0))
    calibrated = np.array(P, dtype=np.float64)
    if varying.size == 0:
        return calibrated
    z, tags = _logit(P[:, varying]), sp.csr_matrix(Y[:, varying], dtype=np.float64)
    rows = _fit_rows(Y.shape[0], max_rows)
    # Standardized logits and centred tags: the same model, but well
    # conditioned (about 4x fewer L-BFGS iterations).
    scale = z[rows].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    z = (z - z[rows].mean(axis=0)) / scale
    a, B, c = _fit_co_label_model(
        z[rows], tags[rows], Y[rows][:, varying], scale, ridge
    )
    calibrated[:, varying] = expit(z * a + tags @ B + c)
    return calibrated


def _fit_co_label_model(z, tags, y, scale, ridge):
    """(a, B, c) of ``z * a + tags @ B + c``, the penalized likelihood's maximum.

    `z` is standardized, so Platt's ``a_k = 1`` on the logits is ``scale_k``
    here; `tags` are centred inside the fit and `c` is returned for uncentred
    tags.
    """
    n_classes = z.shape[1]
    y = y.astype(np.float64)
    tag_mean = np.asarray(tags.mean(axis=0)).ravel()

    def unpack(theta):
        a, c = theta[:n_classes], theta[n_classes : 2 * n_classes]
        return a, theta[2 * n_classes :].reshape(n_classes, n_classes), c

    def loss_and_grad(theta):
        a, B, c = unpack(theta)
        t = z * a + (tags @ B - tag_mean @ B) + c
        residual = expit(t) - y
        loss = (np.logaddexp(0, t) - y * t).sum()
        loss += 0.5 * ridge * (((a - scale) ** 2).sum() + (B**2).sum())
        grad_a = (residual * z).sum(axis=0) + ridge * (a - scale)
        grad_c = residual.sum(axis=0)
        grad_B = tags.T @ residual - np.outer(tag_mean, grad_c) + ridge * B
        return loss, np.concatenate([grad_a, grad_c, grad_B.ravel()])

    # b_jk >= 0: a tag that goes with k is evidence for k, but a tag that
    # excludes k is not evidence against it. In data with one tag per example
    # the given (possibly wrong) tag would otherwise explain away the true one,
    # and confused tags would go unseen. A class is no evidence for itself.
    free = np.full(2 * n_classes, np.inf)
    co_label_max = np.where(np.eye(n_classes, dtype=bool), 0.0, np.inf).ravel()
    bounds = Bounds(
        np.concatenate([-free, np.zeros(n_classes**2)]),
        np.concatenate([free, co_label_max]),
    )
    start = np.concatenate([scale, np.zeros(n_classes + n_classes**2)])
    fit = minimize(loss_and_grad, start, jac=True, method="L-BFGS-B", bounds=bounds)
    a, B, c = unpack(fit.x)
    return a, B, c - tag_mean @ B


def _fit_rows(n_samples, max_rows):
    """All rows, or `max_rows` of them drawn with a fixed seed."""
    if n_samples <= max_rows:
        return slice(None)
    rng = np.random.default_rng(0)  # deterministic, never the global RNG
    return np.sort(rng.choice(n_samples, max_rows, replace=False))


def _logit(P):
    P = np.clip(np.asarray(P, dtype=np.float64), _CLIP, 1 - _CLIP)
    return np.log(P) - np.log1p(-P)


def annotation_error_probabilities(Y, C, rates):
    """Posterior probability that each annotation is wrong.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes), dtype=bool
    C : ndarray of shape (n_samples, n_classes)
        Calibrated probability that each class is given.
    rates : ndarray of shape (n_classes, 2)
        See :func:`anchor_noise_rates`.

    Returns
    -------
    W : ndarray of shape (n_samples, n_classes), float64 in (0, 1)
    """
    rho0 = np.maximum(rates[:, 0], MIN_RATE)
    rho1 = np.maximum(rates[:, 1], MIN_RATE)
    evidence = SHARPNESS * _logit(C)
    if_given = np.log(rho0 / (1 - rho1)) - evidence
    if_absent = np.log(rho1 / (1 - rho0)) + evidence
    return expit(np.where(Y, if_given, if_absent))


def error_probability_core(Y, P):
    """Per-annotation error probabilities and the noise rates behind them.

    The private core of :func:`~skcleanml.label_error_probabilities`;
    inputs already validated (`Y` bool, `P` in [0, 1]).
    """
    C = co_label_calibrate(Y, P)
    # Anchors by the calibrated probability: the other tags make the examples
    # most (least) likely to have a class purer than the model alone can.
    rates = anchor_noise_rates(Y, C)
    W = annotation_error_probabilities(Y, C, rates)
    # A class that no example (or every example) has gives nothing to judge by.
    W[:, Y.all(axis=0) | ~Y.any(axis=0)] = 0.0
    return W, rates


def example_error_probability(W):
    """Probability that an example has any wrong annotation: 1 - prod(1 - w)."""
    return -np.expm1(_log_all_right(W))


def example_all_right_probability(W):
    """Probability that all of an example's annotations are right, prod(1 - w).

    Exact where it is tiny, so examples that are all but certainly wrong
    still rank among themselves (``1 - error`` would round them to a tie).
    """
    return np.exp(_log_all_right(W))


def _log_all_right(W):
    return np.log1p(-np.minimum(W, 1 - 1e-15)).sum(axis=1)


def flag_likely_errors(error_probabilities, per_class):
    """Examples, and annotations, more likely wrong than right.

    A flagged example always names its annotation most likely wrong, also
    when only several doubtful annotations together make it likely wrong.
    """
    mask = error_probabilities > ERROR_THRESHOLD
    flags = per_class > ERROR_THRESHOLD
    rows = np.flatnonzero(mask)
    flags[rows, per_class[rows].argmax(axis=1)] = True
    return mask, flags


def _checked(labels, pred_probs):
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, P.shape[1], n_samples=P.shape[0]).astype(bool, copy=False)
    return Y, P


@validate_params(
    {"labels": ["array-like", "sparse matrix"], "pred_probs": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def get_label_error_probabilities_per_class(labels, pred_probs):
    """Probability that each class annotation of each example is wrong.

    Unlike the label quality scores, which follow cleanlab and judge a given
    and a missing tag alike, this weighs each annotation by how often tags of
    its class are forgotten and wrongly given, as estimated from the data, so
    that forgotten tags are found as well as wrong ones. See the Notes.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
(n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator.

    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.

    Returns
    -------
    error_probabilities : ndarray of shape (n_samples, n_classes)
        In [0, 1); ``error_probabilities[i, k]`` is the probability that the
        presence (``labels`` has class ``k``) or absence of class ``k`` in
        example ``i`` is wrong (0 for a class that no example, or every
        example, has): above 1/2 for a tag that looks forgotten
        (absent) or wrongly given (present).

    See Also
    --------
    get_label_error_probabilities : One probability per example.
    get_label_quality_scores_per_class : cleanlab's per-class scores.

    Notes
    -----
    The posterior probability of a wrong annotation under class-conditional
    noise (Natarajan et al., 2013). Each class gets two noise rates, the
    probability that a true tag is left out and that a wrong one is given,
    estimated at anchor points (the examples most and least likely to have
    the class by the calibrated probabilities below; Scott et al., 2013) and
    shrunk towards the rates pooled over the classes. ``pred_probs`` are
    calibrated per class by Platt scaling extended with the example's other
    given tags, each with a non-negative weight: a forgotten tag whose usual
    companions were given, or a spurious tag without them, is then found
    even where the model is weak, while a wrong tag given instead of the
    true one cannot explain the true one away. The noise rates are upper
    estimates where the model is weak, and so are the probabilities then.
    Cost: one L-BFGS fit with ``n_classes * (n_classes + 2)`` parameters on
    at most 5,000 rows. In memory only (no ``batch_size``).

    References
    ----------
    .. [1] N. Natarajan, I. Dhillon, P. Ravikumar and A. Tewari, "Learning
       with Noisy Labels", NeurIPS 2013.
    .. [2] C. Scott, G. Blanchard and G. Handy, "Classification with
       Asymmetric Label Noise: Consistency and Maximal Denoising", COLT 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml import get_label_error_probabilities_per_class
    >>> rng = np.random.default_rng(0)
    >>> labels = rng.random((200, 2)) < 0.4
    >>> pred_probs = np.where(labels, 0.8, 0.1)
    >>> pred_probs[0] = np.where(labels[0], 0.1, 0.8)  # the model disagrees
    >>> W = get_label_error_probabilities_per_class(labels, pred_probs)
    >>> bool(W[0].max() > 0.5), bool(np.median(W) < 0.05)
    (True, True)
    """
    Y, P = _checked(labels, pred_probs)
    return error_probability_core(Y, P)[0]


@validate_params(
    {"labels": ["array-like", "sparse matrix"], "pred_probs": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def get_label_error_probabilities(labels, pred_probs):
    """Probability that each example has a wrong label (a tag forgotten or wrong).

    One minus the product of the probabilities that each of its class
    annotations is right, from
    :func:`get_label_error_probabilities_per_class`. Threshold it to flag
    examples (``CleanMultiLabel`` flags those above 1/2), or sort by it to
    review the likeliest errors first.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
(n_samples, n_classes)
        Given labels: class-index lists or a 0/1 indicator.

    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present.

    Returns
    -------
    error_probabilities : ndarray of shape (n_samples,)
        In [0, 1); higher means the example's labels are more likely wrong.

    See Also
    --------
    get_label_error_probabilities_per_class : Per class annotation.
    get_label_quality_scores : cleanlab's label quality scores.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml import get_label_error_probabilities
    >>> rng = np.random.default_rng(0)
    >>> labels = rng.random((200, 2)) < 0.4
    >>> pred_probs = np.where(labels, 0.8, 0.1)
    >>> pred_probs[0] = np.where(labels[0], 0.1, 0.8)
    >>> int(np.argmax(get_label_error_probabilities(labels, pred_probs)))
    0
    """
    Y, P = _checked(labels, pred_probs)
    return example_error_probability(error_probability_core(Y, P)[0])
