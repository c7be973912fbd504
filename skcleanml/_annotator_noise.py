"""What annotators get wrong in multi-label data: forgotten, confused, spurious tags.

Per-class flips (:func:`~skcleanml.noise.flip_multilabel`) change every class
independently. Real annotators make errors of another shape, which this
module plants on labels taken as clean:

- *forgotten* tags: a tag the example has is left out (the commonest error);
- *confused* tags: one of the example's tags is replaced by a related one, a
  tag that often appears together with it, or whose examples look alike;
- *spurious* tags: a tag the example lacks is added, popular tags more often.

Exposed through :mod:`skcleanml.noise`.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skcleanml._labels import check_indicator


@validate_params(
    {
        "Y": ["array-like"],
        "forget": [Interval(Real, 0, 1, closed="both")],
        "confuse": [Interval(Real, 0, 1, closed="both")],
        "spurious": [Interval(Real, 0, 1, closed="both")],
        "X": ["array-like", "sparse matrix", None],
        "related": [StrOptions({"cooccurrence", "features"})],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def annotator_noise(
    Y,
    *,
    forget=0.0,
    confuse=0.0,
    spurious=0.0,
    X=None,
    related="cooccurrence",
    random_state=None,
):
    """Plant the errors annotators make on a clean multi-label indicator.

    The three kinds are applied in turn, each to the result of the one
    before: confusion, then forgetting, then spurious tags.

    - ``confuse``: each example with a tag and a tag it lacks, with
      probability `confuse`, has one of its tags (chosen uniformly) replaced
      by a tag it lacks, chosen with probability proportional to how related
      the two tags are (see `related`).
    - ``forget``: each tag an example has is dropped with probability
      `forget`, independently.
    - ``spurious``: each example that lacks a tag, with probability
      `spurious`, gets one tag it lacks, chosen with probability
      proportional to the tag's frequency in `Y`.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_classes)
        Clean labels, a dense 0/1 indicator.

    forget : float in [0, 1], default=0.0
        Probability that each present tag is dropped.

    confuse : float in [0, 1], default=0.0
        Probability that an example has one tag replaced by a related one.

    spurious : float in [0, 1], default=0.0
        Probability that an example gets one extra tag.

    X : {array-like, sparse matrix} of shape (n_samples, n_features), \
default=None
        Features, needed when ``related="features"``.

    related : {"cooccurrence", "features"}, default="cooccurrence"
        How related two tags are: "cooccurrence" counts the examples of `Y`
        that have both (plus one, so that every tag can be confused);
        "features" is ``exp(-d)`` for the Euclidean distance ``d`` between the
        two tags' mean feature vectors (features standardized, distances
        divided by their median), so tags whose examples look alike are
        confused more often.

    random_state : int, RandomState instance or None, default=None
        Controls the noise. Pass an int for reproducible output.

    Returns
    -------
    Y_noisy : ndarray of shape (n_samples, n_classes)
        New array with the dtype of `Y`; `Y` is not modified. The examples
        with an error are ``(Y_noisy != Y).any(axis=1)``.

    See Also
    --------
    flip_multilabel : Independent per-class flips (the synthetic benchmark's
        noise).

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml.noise import annotator_noise
    >>> Y = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [1, 0, 1]] * 25)
    >>> Y_noisy = annotator_noise(Y, forget=0.2, confuse=0.1, random_state=0)
    >>> Y_noisy.shape, bool((Y_noisy != Y).any(axis=1).mean() > 0.2)
    ((100, 3), True)
    """
    if sp.issparse(Y):
        raise TypeError("Y must be a dense 0/1 indicator array, got a sparse matrix.")
    clean = check_indicator(Y, name="Y", dtype=None)
    rng = check_random_state(random_state)
    noisy = clean.astype(bool)  # a new array
    if confuse:
        weights = _relatedness(noisy, X, related)
        noisy = _confuse(noisy, confuse, weights, rng)
    if forget:
        noisy &= rng.random_sample(noisy.shape) >= forget
    if spurious:
        noisy = _add_spurious(noisy, spurious, clean.astype(bool).mean(axis=0), rng)
    return noisy.astype(clean.dtype)


def _relatedness(Y, X, related):
    """(K, K) non-negative weights of confusing tag a with tag b; 0 diagonal."""
    if related == "cooccurrence":
        counts = Y.T.astype(np.float64) @ Y.astype(np.float64)
        weights = counts + 1.0
    else:
        if X is None:
            raise ValueError('related="features" needs the features X.')
        weights = np.exp(-_centroid_distances(X, Y))
    np.fill_diagonal(weights, 0.0)
    return weights


def _centroid_distances(X, Y):
    """Distances between the tags' mean standardized feature vectors."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of rows, got {X.shape[0]} and "
            f"{Y.shape[0]}."
        )
    scale = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    counts = np.maximum(Y.sum(axis=0), 1)[:, None]
    centroids = (Y.T.astype(np.float64) @ X) / counts
    diff = centroids[:, None, :] - centroids[None, :, :]
    distances = np.sqrt((diff**2).sum(axis=2))
    off_diagonal = distances[~np.eye(len(distances), dtype=bool)]
    median = np.median(off_diagonal) if off_diagonal.size else 1.0
    return distances / (median if median > 0 else 1.0)


def _confuse(Y, rate, weights, rng):
    """Replace one tag of the chosen examples by a related tag they lack."""
    Y = Y.copy()
    eligible = Y.any(axis=1) & ~Y.all(axis=1)
    chosen = np.flatnonzero(eligible & (rng.random_sample(Y.shape[0]) < rate))
    for i in chosen:  # one draw per chosen example: K is small, loops are short
        old = rng.choice(np.flatnonzero(Y[i]))
        candidates = weights[old] * ~Y[i]
        if candidates.sum() <= 0:
            continue
        new = rng.choice(Y.shape[1], p=candidates / candidates.sum())
        Y[i, old], Y[i, new] = False, True
    return Y


def _add_spurious(Y, rate, frequency, rng):
    """Add one absent tag, drawn by frequency, to the chosen examples."""
    Y = Y.copy()
    eligible = ~Y.all(axis=1)
    chosen = np.flatnonzero(eligible & (rng.random_sample(Y.shape[0]) < rate))
    for i in chosen:
        candidates = (frequency + 1e-12) * ~Y[i]
        Y[i, rng.choice(Y.shape[1], p=candidates / candidates.sum())] = True
    return Y
