"""Multi-label stratified K-fold: iterative stratification.

Implements the iterative stratification of Sechidis, Tsoumakas & Vlahavas (2011),
"On the Stratification of Multi-Label Data", for equal fold sizes. The paper
hands out one example at a time; here all examples of one label are handed out
in a single vectorized step, which gives the same result (see
``_greedy_folds``).
"""

import copy
import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import check_cv
from sklearn.model_selection._split import _BaseKFold
from sklearn.utils import check_array, check_random_state

from skcleanml._labels import check_indicator


class MultilabelStratifiedKFold(_BaseKFold):
    """Multi-label stratified K-fold cross-validator.

    Splits the samples into `n_splits` folds so that every label keeps about
    the same proportion of positive examples in each fold, using iterative
    stratification (Sechidis et al. 2011). The labels with the fewest positive
    examples are distributed first, because they are the hardest to balance.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2.

    shuffle : bool, default=False
        Whether to shuffle the order in which examples are handed out, and to
        break ties between equally deserving folds or labels at random. When
        False, ties go to the lowest fold or label index and the split is a
        deterministic function of `y`.

    random_state : int, RandomState instance or None, default=None
        Controls the shuffling when `shuffle` is True. Pass an int for
        reproducible output across calls. Must be None when `shuffle` is False.

    See Also
    --------
    sklearn.model_selection.StratifiedKFold : Stratification for one label
        column (binary or multiclass).

    Notes
    -----
    Let ``k = n_splits``. Each fold *desires* ``n_samples / k`` examples overall
    and ``n_i / k`` positive examples of each label ``i`` (``n_i`` is the number
    of positives of label ``i``). The algorithm repeatedly picks the label with
    the fewest positives not yet assigned (ties: lowest index, or at random when
    `shuffle` is True) and assigns each of its unassigned examples to the fold
    that desires that label most; ties go to the fold that desires the most
    examples overall, then to the lowest fold index (or at random). Each
    assignment lowers the fold's desire for every label of the example.
    Examples without any label are finally handed to the folds that desire
    the most examples overall.

    For a 1-D `y` (binary or multiclass), each class is treated as one label,
    which gives ordinary stratification.

    References
    ----------
    .. [1] K. Sechidis, G. Tsoumakas and I. Vlahavas, "On the Stratification of
       Multi-Label Data", ECML PKDD 2011, LNCS 6913, pp. 145-158.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._split import MultilabelStratifiedKFold
    >>> rng = np.random.RandomState(0)
    >>> Y = (rng.uniform(size=(12, 3)) < 0.5).astype(int)
    >>> X = np.zeros((12, 1))
    >>> cv = MultilabelStratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    >>> cv.get_n_splits()
    3
    >>> [len(test) for _, test in cv.split(X, Y)]
    [4, 4, 4]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data. Only its length is used, so ``np.zeros(n_samples)``
            may be passed instead of the real data.

        y : {array-like, sparse matrix} of shape (n_samples, n_classes) or \
(n_samples,)
            0/1 indicator of the labels of each sample, or a 1-D array of
            class labels (each class is then treated as one label).

        groups : None
            Always ignored, exists for API compatibility.

        Yields
        ------
        train : ndarray
            The training set indices for that split.

        test : ndarray
            The testing set indices for that split.
        """
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {type(self).__name__}.",
                UserWarning,
                stacklevel=2,
            )
        if y is None:
            raise ValueError(
                f"{type(self).__name__}.split requires y, the label indicator "
                "matrix of shape (n_samples, n_classes); got y=None."
            )
        y = check_array(
            y,
            input_name="y",
            accept_sparse=("csr", "csc", "coo"),
            ensure_2d=False,
            dtype=None,
        )
        return super().split(X, y, groups)

    def _iter_test_masks(self, X, y=None, groups=None):
        test_folds = self._make_test_folds(y)
        for fold in range(self.n_splits):
            yield test_folds == fold

    def _make_test_folds(self, y):
        Y = _as_indicator_csc(y)
        counts = np.diff(Y.indptr)
        rare = np.flatnonzero(counts < self.n_splits)
        if rare.size:
            shown = ", ".join(str(i) for i in rare[:10])
            more = f" and {rare.size - 10} more" if rare.size > 10 else ""
            which = (
                f"Classes {shown}{more} have" if rare.size > 1 else f"Class {shown} has"
            )
            warnings.warn(
                f"{which} fewer positive examples than n_splits={self.n_splits}; "
                "they cannot appear in every test fold.",
                UserWarning,
                # Points at the caller iterating over split().
                stacklevel=5,
            )
        rng = check_random_state(self.random_state) if self.shuffle else None
        return _iterative_stratification(Y, self.n_splits, rng)


def _as_indicator_csc(y):
    """Return `y` as an int64 CSC 0/1 indicator, one-hot encoding 1-D input."""
    if y.ndim == 2 and y.shape[1] == 1 and not sp.issparse(y):
        y = y.ravel()  # a column vector is 1-D, as everywhere in scikit-learn
    if y.ndim == 1:
        _, codes = np.unique(y, return_inverse=True)
        codes = codes.ravel()
        rows = np.arange(codes.size)
        data = np.ones(codes.size, dtype=np.int64)
        return sp.csc_matrix((data, (rows, codes)), shape=(codes.size, codes.max() + 1))
    Y = check_indicator(
        y,
        name="y",
        dtype=np.int64,
        alternative="a 1-D array of class labels",
        keep_sparse=True,
    )
    return sp.csc_matrix(Y)  # stores no zeros, as the counts by column need


def _iterative_stratification(Y, n_splits, rng):
    """Assign each row of the CSC indicator `Y` to a fold; return fold ids.

    Desires are kept multiplied by `n_splits` so that they stay integers:
    ties between folds are then exact, and one assigned example lowers a
    scaled desire by `n_splits`.
    """
    n_samples = Y.shape[0]
    Y_rows = Y.tocsr()
    order = np.arange(n_samples) if rng is None else rng.permutation(n_samples)
    rank = np.empty(n_samples, dtype=np.intp)
    rank[order] = np.arange(n_samples)

    remaining = np.diff(Y.indptr).astype(np.int64)
    label_desire = np.tile(remaining, (n_splits, 1))  # (n_splits, n_classes)
    total_desire = np.full(n_splits, n_samples, dtype=np.int64)
    folds = np.full(n_samples, -1, dtype=np.intp)

    while remaining.any():
        label = _rarest_label(remaining, rng)
        rows = Y.indices[Y.indptr[label] : Y.indptr[label + 1]]
        rows = rows[folds[rows] < 0]
        rows = rows[np.argsort(rank[rows], kind="stable")]
        chosen = _greedy_folds(
            label_desire[:, label], total_desire, rows.size, n_splits, rng
        )
        folds[rows] = chosen
        # Lower the chosen folds' desire for every label the examples carry.
        assignment = sp.csr_matrix(
            (np.ones(rows.size, dtype=np.int64), (np.arange(rows.size), chosen)),
            shape=(rows.size, n_splits),
        )
        taken = (assignment.T @ Y_rows[rows]).toarray()  # (n_splits, n_classes)
        label_desire -= n_splits * taken
        total_desire -= n_splits * np.bincount(chosen, minlength=n_splits)
        remaining -= taken.sum(axis=0)

    rows = np.flatnonzero(folds < 0)  # examples without any label
    rows = rows[np.argsort(rank[rows], kind="stable")]
    folds[rows] = _greedy_folds(total_desire, total_desire, rows.size, n_splits, rng)
    return folds


def _rarest_label(remaining, rng):
    """Index of the label with the fewest (but some) unassigned positives."""
    fewest = remaining[remaining > 0].min()
    ties = np.flatnonzero(remaining == fewest)
    return ties[0] if rng is None else rng.choice(ties)


def _greedy_folds(desire, tie_desire, n_items, step, rng):
    """Folds chosen for `n_items` examples handed out one at a time.

    One at a time, each example goes to the fold with the largest `desire`
    (ties: largest `tie_desire`, then lowest index or random), and that fold's
    two desires drop by `step`. Fold ``j``'s ``s``-th example is taken at key
    ``(desire[j] - s * step, tie_desire[j] - s * step)``, which strictly
    decreases with ``s``, so the greedy sequence is just the `n_items` largest
    keys over all (fold, s) pairs in decreasing order: one sort, no loop.
    """
    n_splits = desire.size
    taken_before = step * np.arange(n_items)
    primary = (desire[:, None] - taken_before).ravel()
    secondary = (tie_desire[:, None] - taken_before).ravel()
    fold = np.repeat(np.arange(n_splits), n_items)
    tiebreak = fold if rng is None else rng.uniform(size=fold.size)
    best = np.lexsort((tiebreak, -secondary, -primary))[:n_items]
    return fold[best]


def check_multilabel_cv(cv=5, y=None, *, random_state=None):
    """Build a cross-validator suited to multi-label targets.

    Parameters
    ----------
    cv : int, cross-validation generator, iterable or None, default=5
        An int gives a shuffled :class:`MultilabelStratifiedKFold` with that
        many folds (None means 5). A splitter object (with a ``split`` method)
        is returned unchanged; an iterable of ``(train, test)`` index arrays is
        wrapped into a splitter, as :func:`sklearn.model_selection.check_cv`
        does.

    y : array-like, default=None
        Ignored; kept so the signature matches
        :func:`sklearn.model_selection.check_cv`.

    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling when `cv` is an int. Ignored otherwise.

    Returns
    -------
    checked_cv : cross-validator
        An object with ``split`` and ``get_n_splits`` methods.

    Examples
    --------
    >>> from skcleanml._split import check_multilabel_cv
    >>> check_multilabel_cv(3, random_state=0)
    MultilabelStratifiedKFold(n_splits=3, random_state=0, shuffle=True)
    """
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(
                f"cv must be at least 2 when it is an int (the number of folds), "
                f"got cv={cv}."
            )
        return MultilabelStratifiedKFold(
            int(cv), shuffle=True, random_state=random_state
        )
    return check_cv(cv)


def repeat_multilabel_cv(cv, n_repeats, random_state=None):
    """One cross-validator per repeat, differing only in their shuffling seed.

    Parameters
    ----------
    cv : int, cross-validation generator, iterable or None
        As in :func:`check_multilabel_cv`. For ``n_repeats > 1`` it must
        shuffle: an int, or a splitter with ``shuffle=True`` and a
        ``random_state`` attribute, which is reseeded per repeat.

    n_repeats : int
        Number of cross-validators.

    random_state : int, RandomState instance or None, default=None
        Seed of the per-repeat seeds (with one repeat: of the shuffling).

    Returns
    -------
    splitters : list of cross-validators

    Examples
    --------
    >>> from skcleanml._split import repeat_multilabel_cv
    >>> [s.random_state for s in repeat_multilabel_cv(3, 2, random_state=0)]
    [209652396, 398764591]
    """
    if n_repeats == 1:
        return [check_multilabel_cv(cv, random_state=random_state)]
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=n_repeats
    )
    if cv is None or (isinstance(cv, numbers.Integral) and not isinstance(cv, bool)):
        return [check_multilabel_cv(cv, random_state=int(seed)) for seed in seeds]
    splitter = check_multilabel_cv(cv)
    if not (getattr(splitter, "shuffle", False) and hasattr(splitter, "random_state")):
        raise ValueError(
            f"n_repeats={n_repeats} needs a cv that shuffles: an int, or a "
            "splitter with shuffle=True and a random_state; got "
            f"cv={splitter!r}, which would repeat the same splits."
        )
    repeats = []
    for seed in seeds:
        reseeded = copy.deepcopy(splitter)
        reseeded.random_state = int(seed)
        repeats.append(reseeded)
    return repeats
