"""Demo and benchmark data for multi-label label-error detection.

Three generators, each returning a :class:`~sklearn.utils.Bunch` with clean test
labels and noisy training labels whose true values are known:

- :func:`make_multilabel_data`: the small 2-D toy data of cleanlab's multi-label
  quickstart tutorial ("Find Label Errors in Multi-Label Classification
  Datasets").
- :func:`make_noisy_multilabel_classification`: the synthetic benchmark data of
  Thyagarajan et al. (2023), built on
  :func:`sklearn.datasets.make_multilabel_classification` with per-class noise.
- :func:`make_tagged_documents`: a table of text documents with an id and a
  tags column, some tags forgotten or wrong.

Both take a ``random_state`` and never touch NumPy's global random state.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skcleanml._documents import make_tagged_documents
from skcleanml._labels import int2onehot, onehot2int
from skcleanml.noise import (
    flip_multilabel,
    generate_noise_matrix_from_trace,
    generate_noisy_labels,
)

__all__ = [
    "make_multilabel_data",
    "make_noisy_multilabel_classification",
    "make_tagged_documents",
]

# The tutorial's data, as immutable tuples.
_TUTORIAL_MEANS = ((-5, 3.5), (0, 2), (-3, 6))
_TUTORIAL_COVS = (
    ((3, -1.5), (-1.5, 1)),
    ((5, -1.5), (-1.5, 1)),
    ((3, -1.5), (-1.5, 1)),
)
_TUTORIAL_BOXES = ((-3.5, 0, -1.5, 1.7), (-1, 3, 2, 4), (-5, 2, -3, 4), (-3, 2, -1, 4))
_TUTORIAL_BOX_LABELS = ((0, 1), (1, 2), (0, 2), (0, 1, 2))
_TUTORIAL_SIZES = (100, 80, 100)


def _check_sizes(sizes, n_blobs, name):
    counts = np.asarray(sizes)
    if counts.shape != (n_blobs,):
        raise ValueError(
            f"{name} must hold one count per blob, i.e. have shape ({n_blobs},), "
            f"got shape {counts.shape}."
        )
    if counts.dtype.kind not in "iu" or counts.min() < 0:
        raise ValueError(f"{name} must hold non-negative integers, got {sizes}.")
    return counts.astype(int)


def _check_blobs(means, covs):
    means = np.asarray(means, dtype=float)
    if means.ndim != 2 or means.shape[1] != 2 or means.shape[0] == 0:
        raise ValueError(
            f"means must have shape (n_blobs, 2), one 2-D mean per blob, got shape "
            f"{means.shape}."
        )
    covs = np.asarray(covs, dtype=float)
    if covs.shape != (means.shape[0], 2, 2):
        raise ValueError(
            f"covs must have shape ({means.shape[0]}, 2, 2), one 2 x 2 covariance "
            f"per blob, got shape {covs.shape}."
        )
    return means, covs


def _check_boxes(boxes_coordinates, box_multilabels, n_classes):
    boxes = np.asarray(boxes_coordinates, dtype=float)
    if boxes.size == 0:
        boxes = boxes.reshape(0, 4)  # no boxes: single-label data only
    if boxes.ndim != 2 or boxes.shape[1] != 4 or np.any(boxes[:, :2] > boxes[:, 2:]):
        raise ValueError(
            "boxes_coordinates must have shape (n_boxes, 4), rows (x1, y1, x2, y2) "
            "with x1 <= x2 and y1 <= y2."
        )
    label_sets = [tuple(sorted({int(k) for k in labels})) for labels in box_multilabels]
    if len(label_sets) != boxes.shape[0]:
        raise ValueError(
            f"box_multilabels must hold one label set per box ({boxes.shape[0]}), "
            f"got {len(label_sets)}."
        )
    if any(k < 0 or k >= n_classes for labels in label_sets for k in labels):
        raise ValueError(
            f"box_multilabels must hold class indices in [0, {n_classes - 1}], one "
            "class per blob."
        )
    return boxes, label_sets


def _check_layout(sizes, test_sizes, means, covs, boxes, box_multilabels):
    """Fill in the tutorial's values for None and validate everything."""
    means, covs = _check_blobs(
        _TUTORIAL_MEANS if means is None else means,
        _TUTORIAL_COVS if covs is None else covs,
    )
    n_classes = means.shape[0]
    sizes = _check_sizes(
        _TUTORIAL_SIZES if sizes is None else sizes, n_classes, "sizes"
    )
    if sizes.sum() == 0:
        raise ValueError("sizes must contain at least one training point.")
    test_sizes = _check_sizes(
        sizes if test_sizes is None else test_sizes, n_classes, "test_sizes"
    )
    boxes, box_sets = _check_boxes(
        _TUTORIAL_BOXES if boxes is None else boxes,
        _TUTORIAL_BOX_LABELS if box_multilabels is None else box_multilabels,
        n_classes,
    )
    return means, covs, sizes, test_sizes, boxes, box_sets


def _sample_blobs(means, covs, train_sizes, test_sizes, rng):
    """Gaussian blobs; blob ``i`` has label set ``(i,)``."""
    parts = {"train": ([], []), "test": ([], [])}
    # Per blob, draw train then test points: the tutorial's order, so that an
    # int seed gives the tutorial's exact points.
    for blob, (mean, cov) in enumerate(zip(means, covs)):
        for split, size in (("train", train_sizes[blob]), ("test", test_sizes[blob])):
            parts[split][0].append(rng.multivariate_normal(mean, cov, size=size))
            parts[split][1].extend([(blob,)] * size)
    return [(np.vstack(X), labels) for X, labels in parts.values()]


def _apply_boxes(X, label_sets, boxes, box_label_sets):
    """Give points inside each box (edges included) the box's label set."""
    label_sets = list(label_sets)
    for (x1, y1, x2, y2), box_labels in zip(boxes, box_label_sets):
        inside = (X[:, 0] >= x1) & (X[:, 0] <= x2) & (X[:, 1] >= y1) & (X[:, 1] <= y2)
        for row in np.flatnonzero(inside):  # later boxes override earlier ones
            label_sets[row] = box_labels
    return label_sets


def _add_label_set_noise(true_sets, avg_trace, rng):
    """Treat each label set as one class and flip with a valid noise matrix."""
    distinct = sorted(set(true_sets), key=lambda labels: (len(labels), labels))
    index = {labels: i for i, labels in enumerate(distinct)}
    true_idx = np.array([index[labels] for labels in true_sets])
    py = np.bincount(true_idx, minlength=len(distinct)) / len(true_idx)
    if len(distinct) < 2:
        return true_sets, distinct, np.ones((1, 1)), py
    if avg_trace * len(distinct) <= 1:
        raise ValueError(
            f"avg_trace must exceed 1 / n_label_sets = 1 / {len(distinct)} for a "
            f"valid noise matrix, got {avg_trace}."
        )
    noise_matrix = generate_noise_matrix_from_trace(
        len(distinct), avg_trace * len(distinct), py=py, random_state=rng
    )
    noisy_idx = generate_noisy_labels(true_idx, noise_matrix, random_state=rng)
    return [distinct[i] for i in noisy_idx], distinct, noise_matrix, py


def _format_labels(label_sets, n_classes, return_indicator):
    lists = [list(labels) for labels in label_sets]
    return int2onehot(lists, n_classes).astype(int) if return_indicator else lists


@validate_params(
    {
        "sizes": ["array-like", None],
        "test_sizes": ["array-like", None],
        "means": ["array-like", None],
        "covs": ["array-like", None],
        "boxes_coordinates": ["array-like", None],
        "box_multilabels": [list, tuple, None],
        "avg_trace": [Interval(Real, 0, 1, closed="right")],
        "return_indicator": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_multilabel_data(
    sizes=None,
    *,
    test_sizes=None,
    means=None,
    covs=None,
    boxes_coordinates=None,
    box_multilabels=None,
    avg_trace=0.9,
    return_indicator=False,
    random_state=None,
):
    """Generate the toy multi-label data of cleanlab's multi-label tutorial.

    Points come from 2-D Gaussian blobs, blob ``i`` carrying the label set
    ``[i]``. Axis-aligned boxes then overwrite the label set of every point
    inside them (edges included, later boxes winning), which creates the
    multi-label examples. Training labels are corrupted by treating each
    distinct training label set as one class of a multi-class problem: a
    valid noise matrix with trace ``avg_trace * n_label_sets`` is drawn with
    :func:`~skcleanml.noise.generate_noise_matrix_from_trace` (prior = label
    set frequencies) and applied with
    :func:`~skcleanml.noise.generate_noisy_labels`. Test labels stay clean.

    With the defaults there are 3 classes, 280 training points and 280 test
    points, drawn like the tutorial (``means=[[-5, 3.5], [0, 2], [-3, 6]]``,
    boxes ``[-3.5, 0, -1.5, 1.7]``, ``[-1, 3, 2, 4]``, ``[-5, 2, -3, 4]``,
    ``[-3, 2, -1, 4]`` as ``(x1, y1, x2, y2)`` with label sets ``[0, 1]``,
    ``[1, 2]``, ``[0, 2]``, ``[0, 1, 2]``).

    Parameters
    ----------
    sizes : array-like of shape (n_blobs,), default=None
        Number of training points per blob; None means ``[100, 80, 100]``.
    test_sizes : array-like of shape (n_blobs,), default=None
        Number of test points per blob; None means the same as ``sizes``, as in
        the tutorial.
    means : array-like of shape (n_blobs, 2), default=None
        Blob centres; None means the tutorial's. The number of blobs is the
        number of classes.
    covs : array-like of shape (n_blobs, 2, 2), default=None
        Blob covariance matrices; None means the tutorial's.
    boxes_coordinates : array-like of shape (n_boxes, 4), default=None
        Boxes as ``(x1, y1, x2, y2)`` (lower-left, upper-right); None means the
        tutorial's four boxes.
    box_multilabels : list of lists of int, default=None
        Label set of each box; None means the tutorial's.
    avg_trace : float, default=0.9
        Average diagonal of the label-set noise matrix, in (0, 1]: roughly the
        fraction of training labels kept. 1 means no noise. Must exceed
        ``1 / n_label_sets`` (validity condition).
    return_indicator : bool, default=False
        If True, every label output is an int indicator array of shape
        ``(n, n_classes)``; otherwise a list of lists of class indices.
    random_state : int, RandomState instance or None, default=None
        Controls the points and the noise. Pass an int for reproducible output.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        X_train : ndarray of shape (n_train, 2)
            Training points, blob by blob.
        labels : list of lists of int or ndarray of shape (n_train, n_classes)
            Noisy training labels (the tutorial's name).
        true_labels_train : list of lists of int or ndarray
            Correct training labels.
        X_test : ndarray of shape (n_test, 2)
            Test points.
        true_labels_test : list of lists of int or ndarray
            Correct test labels.
        is_error : ndarray of shape (n_train,) of bool
            True where the noisy label set differs from the true one.
        label_sets : list of lists of int
            Distinct training label sets, ordered by size then lexicographically;
            the classes of the multi-class view used for the noise.
        noise_matrix : ndarray of shape (n_label_sets, n_label_sets)
            ``noise_matrix[a, b] = P(given = label_sets[a] | true =
            label_sets[b])``.
        py : ndarray of shape (n_label_sets,)
            Frequency of each label set among the true training labels.

    See Also
    --------
    make_noisy_multilabel_classification : Larger synthetic benchmark data.

    Notes
    -----
    Points are drawn in the tutorial's order (per blob: training then test),
    so an int ``random_state`` gives the same points and true labels as the
    tutorial with ``seed`` set to that int. The noisy labels differ: the noise
    matrix and the flips use this package's own generators. Label sets absent
    from the training data are left out of the noise model (the tutorial
    assumes all of them occur).

    Examples
    --------
    >>> from skcleanml.datasets import make_multilabel_data
    >>> data = make_multilabel_data(random_state=0)
    >>> data.X_train.shape, len(data.labels), data.X_test.shape
    ((280, 2), 280, (280, 2))
    >>> data.label_sets
    [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]
    """
    means, covs, sizes, test_sizes, boxes, box_sets = _check_layout(
        sizes, test_sizes, means, covs, boxes_coordinates, box_multilabels
    )
    n_classes = means.shape[0]
    rng = check_random_state(random_state)
    (X_train, train_sets), (X_test, test_sets) = _sample_blobs(
        means, covs, sizes, test_sizes, rng
    )
    train_sets = _apply_boxes(X_train, train_sets, boxes, box_sets)
    test_sets = _apply_boxes(X_test, test_sets, boxes, box_sets)
    noisy_sets, distinct, noise_matrix, py = _add_label_set_noise(
        train_sets, avg_trace, rng
    )
    return Bunch(
        X_train=X_train,
        labels=_format_labels(noisy_sets, n_classes, return_indicator),
        true_labels_train=_format_labels(train_sets, n_classes, return_indicator),
        X_test=X_test,
        true_labels_test=_format_labels(test_sets, n_classes, return_indicator),
        is_error=np.array([s != t for s, t in zip(noisy_sets, train_sets)], bool),
        label_sets=[list(labels) for labels in distinct],
        noise_matrix=noise_matrix,
        py=py,
    )


def _check_trace_range(noise_trace_range):
    bounds = np.asarray(noise_trace_range, dtype=float)
    if bounds.shape != (2,) or not (1 < bounds[0] <= bounds[1] <= 2):
        raise ValueError(
            "noise_trace_range must be a pair (low, high) with 1 < low <= high <= 2 "
            f"(traces of 2 x 2 noise matrices), got {noise_trace_range!r}."
        )
    return bounds


def _per_class_noise(n_classes, trace_range, rng):
    """One random 2 x 2 noise matrix per class, with a random trace each."""
    traces = rng.uniform(trace_range[0], trace_range[1], size=n_classes)
    # For 2 x 2 matrices, trace > 1 already makes the validity condition hold
    # whenever the class is neither absent nor always present, so no prior is
    # needed here.
    matrices = np.stack(
        [
            generate_noise_matrix_from_trace(
                2, trace, valid_noise_matrix=False, random_state=rng
            )
            for trace in traces
        ]
    )
    return traces, matrices


@validate_params(
    {
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 1, None, closed="left")],
        "n_labels": [Interval(Integral, 0, None, closed="left")],
        "n_test": [Interval(Integral, 0, None, closed="left")],
        "length": [Interval(Integral, 1, None, closed="left")],
        "allow_unlabeled": ["boolean"],
        "noise_trace_range": ["array-like"],
        "max_flips_per_row": [Interval(Integral, 0, None, closed="left"), None],
        "return_indicator": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_noisy_multilabel_classification(
    n_samples=6000,
    *,
    n_features=3,
    n_classes=4,
    n_labels=2,
    n_test=1000,
    length=500,
    allow_unlabeled=True,
    noise_trace_range=(1.9, 2.0),
    max_flips_per_row=3,
    return_indicator=True,
    random_state=None,
):
    """Generate noisy multi-label benchmark data (Thyagarajan et al., 2023).

    1. Features and true labels come from
       :func:`sklearn.datasets.make_multilabel_classification`; each feature
       row is then scaled to unit L2 norm.
    2. The last ``n_test`` rows form the test set (rows are i.i.d., so no
       shuffle is needed); test labels stay clean.
    3. Every class ``k`` gets a trace drawn uniformly from
       ``noise_trace_range`` and a random 2 x 2 noise matrix with that trace
       (:func:`~skcleanml.noise.generate_noise_matrix_from_trace`, index 0 =
       absent, 1 = present). Its off-diagonal entries are the class's drop
       rate ``P(given=0 | true=1)`` and add rate ``P(given=1 | true=0)``.
    4. Training labels are flipped with those rates by
       :func:`~skcleanml.noise.flip_multilabel`, with at most
       ``max_flips_per_row`` flipped classes per row.

    The defaults give the paper's "small" setting: 6000 examples (1000 of them
    test), 3 features, 4 classes, ``n_labels=2``. The "large" setting is
    ``make_noisy_multilabel_classification(37500, n_test=7500, n_features=20,
    n_classes=50, n_labels=5)``.

    Parameters
    ----------
    n_samples : int, default=6000
        Total number of examples, training plus test.
    n_features : int, default=3
        Number of features.
    n_classes : int, default=4
        Number of classes.
    n_labels : int, default=2
        Average number of labels per example (see
        :func:`~sklearn.datasets.make_multilabel_classification`).
    n_test : int, default=1000
        Number of test examples; must be below ``n_samples``.
    length : int, default=500
        Expected sum of the raw features per example, as in
        :func:`~sklearn.datasets.make_multilabel_classification`.
    allow_unlabeled : bool, default=True
        Whether examples may have no label at all.
    noise_trace_range : tuple of (float, float), default=(1.9, 2.0)
        Range ``(low, high)`` of the per-class noise-matrix traces, with
        ``1 < low <= high <= 2``. A trace ``t`` means that the class's label is
        kept with average probability ``t / 2``; 2 means no noise.
    max_flips_per_row : int or None, default=3
        Maximum number of flipped classes in one training row; None means no
        cap. Rows with more candidate flips keep a random subset.
    return_indicator : bool, default=True
        If True, labels are int indicator arrays of shape ``(n, n_classes)``;
        otherwise lists of lists of class indices.
    random_state : int, RandomState instance or None, default=None
        Controls the data and the noise. Pass an int for reproducible output.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        X_train : ndarray of shape (n_samples - n_test, n_features)
            Training features, rows of unit L2 norm.
        y_train : ndarray of shape (n_samples - n_test, n_classes) or list
            Noisy training labels.
        y_train_true : ndarray of shape (n_samples - n_test, n_classes) or list
            Correct training labels.
        X_test : ndarray of shape (n_test, n_features)
            Test features.
        y_test : ndarray of shape (n_test, n_classes) or list
            Correct test labels.
        is_error : ndarray of shape (n_samples - n_test,) of bool
            True for training rows with at least one flipped class.
        noise_matrices : ndarray of shape (n_classes, 2, 2)
            ``noise_matrices[k, i, j] = P(given=i | true=j)`` for class ``k``.
        noise_traces : ndarray of shape (n_classes,)
            Trace of each class's noise matrix.
        drop_rate : ndarray of shape (n_classes,)
            ``noise_matrices[:, 0, 1]``, probability that a true positive is
            dropped.
        add_rate : ndarray of shape (n_classes,)
            ``noise_matrices[:, 1, 0]``, probability that a true negative is
            added.
        py : ndarray of shape (n_classes,)
            Fraction of training rows where each class is truly present.

    See Also
    --------
    make_multilabel_data : The small 2-D tutorial data.
    skcleanml.noise.flip_multilabel : The per-class label flipper.

    Notes
    -----
    Choices where the paper leaves room (its public benchmark code,
    cleanlab/multilabel-error-detection-benchmarks, differs in places):

    - Per-class traces are uniform in ``noise_trace_range``. The benchmark code
      draws a per-class average trace as ``1 - Gamma(shape=2, scale=0.01)``
      with a rank-dependent reweighting, i.e. traces mostly between 1.9 and 2.
    - Flips are independent Bernoulli draws with the drop/add rates, so the
      realized rates match the noise matrices only in expectation; the
      benchmark code flips exact counts per class. Capped rows lower the
      realized rates slightly.
    - The cap keeps a uniformly random subset of a row's flips; the benchmark
      code applies classes in order and skips rows that already have 3 flips.
    - ``length=500`` follows the benchmark code; the benchmark code's
      ``params.yaml`` uses 5000 (small) and 30000 (large) examples with 5%
      test data, where the sizes above are the paper's.
    - Test labels are clean; no noisy test labels are returned.

    The validity condition of Northcutt et al. (2021) holds for every class
    that is neither absent nor always present: for a 2 x 2 noise matrix it
    reduces to ``trace > 1``.

    References
    ----------
    Thyagarajan, A., Snorrason, E., Northcutt, C. and Mueller, J. (2023).
    "Identifying Incorrect Annotations in Multi-Label Classification Data".
    ICLR 2023 Workshop on Trustworthy ML.

    Examples
    --------
    >>> from skcleanml.datasets import make_noisy_multilabel_classification
    >>> data = make_noisy_multilabel_classification(600, n_test=100, random_state=0)
    >>> data.X_train.shape, data.y_train.shape, data.y_test.shape
    ((500, 3), (500, 4), (100, 4))
    >>> flipped = (data.y_train != data.y_train_true).any(axis=1)
    >>> bool((flipped == data.is_error).all())
    True
    """
    if n_test >= n_samples:
        raise ValueError(
            f"n_test must be smaller than n_samples={n_samples} to leave training "
            f"data, got n_test={n_test}."
        )
    trace_range = _check_trace_range(noise_trace_range)
    rng = check_random_state(random_state)
    X, Y = make_multilabel_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_classes=n_classes,
        n_labels=n_labels,
        length=length,
        allow_unlabeled=allow_unlabeled,
        random_state=rng,
    )
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    n_train = n_samples - n_test
    Y_train, Y_test = Y[:n_train], Y[n_train:]
    traces, matrices = _per_class_noise(n_classes, trace_range, rng)
    drop_rate, add_rate = matrices[:, 0, 1], matrices[:, 1, 0]
    Y_noisy = flip_multilabel(
        Y_train,
        drop_rate=drop_rate,
        add_rate=add_rate,
        max_flips_per_row=max_flips_per_row,
        random_state=rng,
    )

    def fmt(indicator):
        return indicator if return_indicator else onehot2int(indicator)

    return Bunch(
        X_train=X[:n_train],
        y_train=fmt(Y_noisy),
        y_train_true=fmt(Y_train),
        X_test=X[n_train:],
        y_test=fmt(Y_test),
        is_error=(Y_noisy != Y_train).any(axis=1),
        noise_matrices=matrices,
        noise_traces=traces,
        drop_rate=drop_rate.copy(),
        add_rate=add_rate.copy(),
        py=Y_train.mean(axis=0),
    )
