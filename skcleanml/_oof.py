"""Out-of-fold predicted probabilities for any classifier, any predict_proba format.

Multi-label classifiers disagree on what ``predict_proba`` returns: a list of
``(n_samples, 2)`` arrays (forests, k-NN, ``MultiOutputClassifier``), an
``(n_samples, n_classes)`` array (``MLPClassifier``, ``OneVsRestClassifier``,
``ClassifierChain``), with ``(n_samples, 1)`` entries for a column that was
constant in training. Everything here turns those into one
``(n_samples, n_classes)`` array of positive-class probabilities.
"""

import sys
import time
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn import config_context, get_config
from sklearn.base import clone
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_params,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, _num_samples

from skcleanml._labels import check_indicator
from skcleanml._split import repeat_multilabel_cv


def is_native_multilabel(estimator):
    """Tell whether a classifier fits a 2-D 0/1 indicator target by itself.

    Parameters
    ----------
    estimator : estimator instance
        A classifier, possibly a :class:`~sklearn.pipeline.Pipeline`.

    Returns
    -------
    native : bool
        True when the estimator's tags declare multi-output support
        (forests, trees, k-NN, ``OneVsRestClassifier``, ``MultiOutputClassifier``,
        ``ClassifierChain``) or multi-label support (``MLPClassifier``, whose
        multi-output tag is False). Pipelines report the tags of their last step.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcleanml._oof import is_native_multilabel
    >>> is_native_multilabel(RandomForestClassifier())
    True
    >>> is_native_multilabel(LogisticRegression())
    False
    """
    tags = get_tags(estimator)
    multi_label = tags.classifier_tags is not None and tags.classifier_tags.multi_label
    return bool(tags.target_tags.multi_output or multi_label)


def positive_proba(model, X, n_classes):
    """Predicted probability that each class is present, in one 2-D array.

    Parameters
    ----------
    model : fitted classifier
        Must have ``predict_proba``.

    X : array-like of shape (n_samples, n_features)
        Passed to ``model.predict_proba`` unchanged.

    n_classes : int
        Number of label columns the model was fitted on. With ``n_classes=1``
        a single-output binary classifier is expected (its ``classes_`` pick
        the column of class 1).

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        float64 probability of the positive class (class 1) for each label.
        An output that saw a single class in training gets 1.0 if that class
        is 1, else 0.0.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcleanml._oof import positive_proba
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 1], [1, 1]])
    >>> model = DecisionTreeClassifier(random_state=0).fit(X, Y)
    >>> positive_proba(model, X, 2)
    array([[0., 1.],
           [0., 1.],
           [1., 1.],
           [1., 1.]])
    """
    proba = model.predict_proba(X)
    classes = getattr(model, "classes_", None)
    if isinstance(proba, list):
        if len(proba) != n_classes:
            raise ValueError(
                f"predict_proba of {type(model).__name__} returned a list of "
                f"{len(proba)} arrays, expected one per class (n_classes="
                f"{n_classes})."
            )
        columns = [
            _positive_column(np.asarray(p), _output_classes(classes, i, p), model)
            for i, p in enumerate(proba)
        ]
        return np.column_stack(columns).astype(np.float64, copy=False)
    if sp.issparse(proba) or np.ndim(proba) != 2:
        raise ValueError(
            f"predict_proba of {type(model).__name__} returned an unsupported "
            f"output of type {type(proba).__name__}; expected a 2-D array or a "
            "list of 2-D arrays."
        )
    proba = np.asarray(proba)
    if n_classes == 1 and _is_flat(classes) and len(classes) == proba.shape[1]:
        # A single-output classifier: columns follow its classes_.
        return _positive_column(proba, np.asarray(classes), model)[:, None]
    if proba.shape[1] != n_classes:
        raise ValueError(
            f"predict_proba of {type(model).__name__} returned an array of shape "
            f"{proba.shape}, expected (n_samples, n_classes={n_classes})."
        )
    return proba.astype(np.float64, copy=True)


def _is_flat(classes):
    """Whether `classes` is one 1-D array of class labels (single output)."""
    return (
        isinstance(classes, np.ndarray)
        and classes.ndim == 1
        and (classes.dtype != object or not isinstance(classes[0], np.ndarray))
    )


def _output_classes(classes, i, proba):
    """Classes of output `i`, defaulting to [0, 1] for a 2-column output."""
    if isinstance(classes, (list, tuple)) or (
        isinstance(classes, np.ndarray) and not _is_flat(classes)
    ):
        return np.asarray(classes[i])
    if np.shape(proba)[1] == 2:
        return np.array([0, 1])
    raise ValueError(
        f"Cannot tell which class output {i} of predict_proba with shape "
        f"{np.shape(proba)} stands for: the model has no per-output classes_."
    )


def _positive_column(proba, classes, model):
    """Column of `proba` for class 1; constant 0/1 when it saw one class."""
    is_positive = classes == 1 if classes.dtype.kind in "biuf" else None
    if is_positive is None or proba.ndim != 2 or proba.shape[1] != classes.size:
        raise ValueError(
            f"Cannot read predict_proba of {type(model).__name__}: expected "
            f"columns for 0/1 classes, got shape {proba.shape} with classes "
            f"{classes!r}."
        )
    if classes.size == 1:
        return np.full(proba.shape[0], float(is_positive[0]))
    if is_positive.sum() != 1:
        raise ValueError(
            f"Cannot find class 1 among the classes {classes!r} of "
            f"{type(model).__name__}; labels must be a 0/1 indicator."
        )
    return proba[:, np.flatnonzero(is_positive)[0]].astype(np.float64)


def fit_multilabel(estimator, X, Y, **fit_params):
    """Fit a clone of `estimator` on a multi-label indicator target.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``; not modified.

    X : array-like of shape (n_samples, n_features)
        Training data, passed to the estimator unchanged.

    Y : array-like of shape (n_samples, n_classes)
        0/1 indicator of the labels.

    **fit_params : dict
        Passed to ``fit``. For a single-output estimator they reach every
        per-class fit, also when metadata routing is disabled.

    Returns
    -------
    model : fitted estimator
        A fitted clone when `estimator` is natively multi-label (see
        :func:`is_native_multilabel`), else a fitted
        ``OneVsRestClassifier(clone(estimator))``. Use
        :func:`positive_proba` to get an ``(n_samples, n_classes)`` array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcleanml._oof import fit_multilabel
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 0], [1, 1]])
    >>> type(fit_multilabel(LogisticRegression(), X, Y)).__name__
    'OneVsRestClassifier'
    """
    if is_native_multilabel(estimator):
        return clone(estimator).fit(X, Y, **fit_params)
    model = OneVsRestClassifier(clone(estimator))
    if not fit_params or get_config()["enable_metadata_routing"]:
        return model.fit(X, Y, **fit_params)
    # OneVsRestClassifier only forwards fit params through metadata routing;
    # enable it for this fit and let our own clone request every param.
    with config_context(enable_metadata_routing=True):
        if not hasattr(model.estimator, "set_fit_request"):
            raise TypeError(
                f"Cannot pass fit params {sorted(fit_params)} to the per-class "
                f"fits of {type(estimator).__name__}; enable metadata routing "
                "with sklearn.set_config(enable_metadata_routing=True) and "
                "request them on the estimator."
            )
        model.estimator.set_fit_request(**dict.fromkeys(fit_params, True))
        return model.fit(X, Y, **fit_params)


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],  # predict_proba: checked below
        "X": ["array-like", "sparse matrix"],
        "Y": ["array-like", "sparse matrix"],
        "cv": ["cv_object"],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "fit_params": [dict, None],
        "split_params": [dict, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,  # the estimator is validated in fit
)
def cross_val_pred_probs(
    estimator,
    X,
    Y,
    *,
    cv=5,
    n_repeats=1,
    n_jobs=None,
    verbose=0,
    fit_params=None,
    split_params=None,
    random_state=None,
):
    """Out-of-fold predicted probabilities of every label for every sample.

    Each sample's probabilities come from a model that did not see it in
    training. Unlike :func:`sklearn.model_selection.cross_val_predict`, this
    accepts every multi-label ``predict_proba`` format and never fits the
    estimator on a label column that is constant in a training fold (it
    predicts that constant instead), so ``MultiOutputClassifier`` and
    ``ClassifierChain`` do not crash on rare labels.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``; cloned, never modified. Natively
        multi-label estimators (see :func:`is_native_multilabel`) are fitted
        once per fold; others once per fold and class, on a 1-D 0/1 target.

    X : {array-like, sparse matrix, DataFrame, list} of shape (n_samples, ...)
        Training data, indexed per fold and otherwise passed unchanged.

    Y : {array-like, sparse matrix} of shape (n_samples, n_classes)
        0/1 indicator of the given labels.

    cv : int, cross-validation generator or iterable, default=5
        Splitting strategy; an int gives a shuffled
        :class:`~skcleanml._split.MultilabelStratifiedKFold`. The test folds
        must form a partition of the samples.

    n_repeats : int, default=1
        Number of cross-validations, differently shuffled, whose out-of-fold
        probabilities are averaged. The fits of all repeats run in one joblib
        call, so a Dask cluster receives `X` once. Needs a `cv` that shuffles
        when above 1 (see :func:`~skcleanml._split.repeat_multilabel_cv`).

    n_jobs : int, default=None
        Number of fits run in parallel through joblib. ``None`` means 1 unless
        in a :obj:`joblib.parallel_backend` context; -1 means all processors.

    verbose : int, default=0
        With ``verbose >= 1``, one progress line per finished fold is printed
        to stderr.

    fit_params : dict, default=None
        Parameters passed to every ``fit``; those with one value per sample
        (such as ``sample_weight``) are restricted to the training rows.

    split_params : dict, default=None
        Parameters passed to ``cv.split`` (such as ``groups``).

    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds when `cv` is an int, and the per-repeat seeds.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, n_classes)
        float64 out-of-fold probability that each label is present, in [0, 1].

    See Also
    --------
    sklearn.model_selection.cross_val_predict : The single-output equivalent.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skcleanml._oof import cross_val_pred_probs
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 3))
    >>> Y = (X[:, :2] > 0).astype(int)
    >>> rf = RandomForestClassifier(n_estimators=5, random_state=0)
    >>> pred_probs = cross_val_pred_probs(rf, X, Y, cv=3, random_state=0)
    >>> pred_probs.shape
    (30, 2)
    """
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"cross_val_pred_probs needs an estimator with predict_proba; "
            f"{type(estimator).__name__} has none. Wrap it in "
            "sklearn.calibration.CalibratedClassifierCV to get probabilities."
        )
    n_samples = _num_samples(X)
    Y = _check_indicator_target(Y, n_samples)
    folds = []  # (repeat, train, test) of every fold of every repeat
    for repeat, splitter in enumerate(
        repeat_multilabel_cv(cv, n_repeats, random_state)
    ):
        splits = splitter.split(X, Y, **(split_params or {}))
        folds.extend((repeat, *split) for split in _check_partition(splits, n_samples))

    pred_probs = np.empty((n_repeats, *Y.shape), dtype=np.float64)
    tasks = _plan_fits(estimator, Y, folds, pred_probs)
    keep_2d = not get_tags(estimator).target_tags.single_output
    jobs = (
        delayed(_fit_predict)(
            clone(estimator),
            X,  # the same object in every call: joblib's dask backend sends it once
            _fold_target(Y, train, cols, keep_2d),
            train,
            test,
            fit_params or {},
        )
        for _, train, test, cols in tasks
    )
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    progress = _FoldProgress([task[0] for task in tasks], len(folds), verbose)
    for (fold, _, test, cols), proba in zip(tasks, outputs):
        pred_probs[folds[fold][0]][np.ix_(test, cols)] = proba
        progress.done(fold)
    progress.done(None)
    # Summed in repeat order, then divided: one repeat is returned unchanged.
    return pred_probs.sum(axis=0) / n_repeats


def _check_indicator_target(Y, n_samples):
    """Return `Y` as a new int64 0/1 array of shape (n_samples, n_classes)."""
    Y = check_indicator(Y, name="Y", dtype=np.int64, ensure_non_empty=True)
    if Y.shape[0] != n_samples:
        raise ValueError(
            f"Y must be a 0/1 indicator of shape (n_samples={n_samples}, "
            f"n_classes), got shape {Y.shape}."
        )
    return Y


def _check_partition(splits, n_samples):
    """Check that the test folds partition the samples; return integer splits."""
    splits = [(_as_indices(train), _as_indices(test)) for train, test in splits]
    tests = [test for _, test in splits]
    covered = np.sort(np.concatenate(tests)) if tests else np.empty(0)
    if not np.array_equal(covered, np.arange(n_samples)):
        raise ValueError(
            "cv must put every sample in exactly one test fold, because each "
            "sample needs exactly one out-of-fold prediction; the given cv "
            "leaves samples out or repeats them."
        )
    for train, test in splits:
        if train.size == 0 or np.intersect1d(train, test).size:
            raise ValueError(
                "cv must give non-empty training folds that do not contain "
                "their own test samples."
            )
    return splits


def _as_indices(indices):
    """Integer index array from an index array or a boolean mask."""
    indices = np.asarray(indices)
    if indices.dtype == bool:
        return np.flatnonzero(indices)
    if indices.ndim != 1 or indices.dtype.kind not in "iu":
        raise ValueError(
            "cv must yield (train, test) pairs of 1-D integer index arrays."
        )
    return indices


def _plan_fits(estimator, Y, folds, pred_probs):
    """List the fits as (fold, train, test, columns); fill constant columns.

    A column constant in a training fold is predicted as that constant and
    never fitted: many estimators refuse, or crash on, a one-class target.
    """
    native = is_native_multilabel(estimator)
    tasks = []
    for fold, (repeat, train, test) in enumerate(folds):
        Y_train = Y[train]
        constant = (Y_train == Y_train[0]).all(axis=0)
        filled = pred_probs[repeat]
        filled[np.ix_(test, np.flatnonzero(constant))] = Y_train[0, constant]
        free = np.flatnonzero(~constant)
        if native and free.size:
            tasks.append((fold, train, test, free))
        elif not native:
            tasks.extend((fold, train, test, free[i : i + 1]) for i in range(free.size))
    return tasks


def _fold_target(Y, train, columns, keep_2d):
    """Training target; one column becomes 1-D unless the estimator needs 2-D."""
    target = Y[np.ix_(train, columns)]
    return target if target.shape[1] > 1 or keep_2d else target[:, 0]


def _fit_predict(estimator, X, target, train, test, fit_params):
    """Fit on the training rows and return positive probabilities on the test rows."""
    params = _check_method_params(X, params=fit_params, indices=train)
    estimator.fit(_safe_indexing(X, train), target, **params)
    n_columns = 1 if target.ndim == 1 else target.shape[1]
    return positive_proba(estimator, _safe_indexing(X, test), n_columns)


class _FoldProgress:
    """Print one line per fold, in order, once all of its fits are collected."""

    def __init__(self, task_folds, n_folds, verbose):
        self.left = np.bincount(task_folds, minlength=n_folds)
        self.n_folds = n_folds
        self.verbose = verbose
        self.reported = 0
        self.start = time.perf_counter()

    def done(self, fold):
        if fold is not None:
            self.left[fold] -= 1
        while self.reported < self.n_folds and self.left[self.reported] == 0:
            self.reported += 1
            if self.verbose >= 1:
                elapsed = time.perf_counter() - self.start
                print(
                    f"[cross_val_pred_probs] fold {self.reported}/{self.n_folds} "
                    f"done, {elapsed:.1f}s elapsed",
                    file=sys.stderr,
                )
