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
from concurrent.futures import CancelledError
from contextlib import contextmanager
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_params,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_method_params,
    _num_samples,
    check_is_fitted,
)

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

    The one fitter of the package: every fold fit and the refit go through it,
    so they handle fit params, one-column targets and single-output
    classifiers alike.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``; not modified.

    X : array-like of shape (n_samples, n_features)
        Training data, passed to the estimator unchanged.

    Y : array-like of shape (n_samples, n_classes) or (n_samples,)
        0/1 indicator of the labels; 1-D for a single label.

    **fit_params : dict
        Passed as given to the estimator's ``fit`` (to every per-class fit
        of a single-output estimator), as
        :class:`~sklearn.model_selection.GridSearchCV` passes them; with
        metadata routing enabled, pass the params routed to the estimator.

    Returns
    -------
    model : fitted estimator
        A fitted clone when `estimator` is natively multi-label (see
        :func:`is_native_multilabel`; a one-column `Y` is fitted 1-D when the
        estimator supports single-output targets), else a fitted one-vs-rest
        model holding one clone per class in ``estimators_``. Use
        :func:`positive_proba` with ``n_classes=Y.shape[1]`` to get an
        ``(n_samples, n_classes)`` array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcleanml._oof import fit_multilabel, positive_proba
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 0], [1, 1]])
    >>> model = fit_multilabel(LogisticRegression(), X, Y)
    >>> len(model.estimators_)
    2
    >>> positive_proba(model, X, 2).shape
    (4, 2)
    """
    if not is_native_multilabel(estimator):
        return _OneVsRest(estimator).fit(X, Y, **fit_params)
    if (
        np.ndim(Y) == 2
        and np.shape(Y)[1] == 1
        and get_tags(estimator).target_tags.single_output
    ):
        Y = Y[:, 0]  # what a single-output fit expects, without a warning
    return clone(estimator).fit(X, Y, **fit_params)


class _OneVsRest(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """One clone of `estimator` per label column, fitted on a 1-D 0/1 target.

    What :func:`fit_multilabel` returns for a single-output classifier.
    Unlike :class:`~sklearn.multiclass.OneVsRestClassifier`, fit params
    reach every per-class fit as given, with or without metadata routing.
    A column with one value in training is predicted as that value (as
    ``OneVsRestClassifier`` does) instead of being fitted.

    Parameters
    ----------
    estimator : estimator instance
        Single-output classifier; cloned once per class.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted clone of each class, in column order.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, Y, **fit_params):
        """Fit one clone per column of `Y`; `fit_params` go to every fit."""
        Y = np.asarray(Y)
        self.estimators_ = [
            _fit_column(self.estimator, X, np.ascontiguousarray(y), fit_params)
            for y in Y.reshape(Y.shape[0], -1).T
        ]
        for name in ("n_features_in_", "feature_names_in_"):
            for model in self.estimators_:
                if hasattr(model, name):
                    setattr(self, name, getattr(model, name))
                    break
        return self

    def predict_proba(self, X):
        """Probability of each class: ndarray of shape (n_samples, n_classes)."""
        check_is_fitted(self)
        columns = [positive_proba(model, X, 1)[:, 0] for model in self.estimators_]
        return np.column_stack(columns)

    def predict(self, X):
        """Each class's prediction: int64 0/1 of shape (n_samples, n_classes)."""
        check_is_fitted(self)
        columns = [np.asarray(model.predict(X)).ravel() for model in self.estimators_]
        return np.column_stack(columns).astype(np.int64)

    @available_if(lambda self: hasattr(self.estimator, "decision_function"))
    def decision_function(self, X):
        """Each class's decision function, of shape (n_samples, n_classes)."""
        check_is_fitted(self)
        columns = [
            np.asarray(model.decision_function(X)).ravel() for model in self.estimators_
        ]
        return np.column_stack(columns)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags


def _fit_column(estimator, X, y, fit_params):
    """A fitted clone for one class, or its constant if `y` has one value."""
    if (y == y[0]).all():
        return _Constant(y[0])
    return clone(estimator).fit(X, y, **fit_params)


class _Constant:
    """Stands in for a class that had a single value (0 or 1) in training."""

    def __init__(self, value):
        self.value = int(value)
        self.classes_ = np.array([self.value])

    def predict(self, X):
        return np.full(_num_samples(X), self.value)

    def predict_proba(self, X):
        return np.ones((_num_samples(X), 1))

    def decision_function(self, X):
        # OneVsRestClassifier's convention for a constant class: the value.
        return np.full(_num_samples(X), float(self.value))


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
    # All rows of all folds in one array, the same object in every task (as
    # are X and Y), so that joblib's dask backend sends each once; a task's
    # own arguments (its fold's bounds in `indices`, its columns) are small.
    indices, bounds = _pack_folds(folds)
    jobs = (
        delayed(_fit_fold)(
            estimator, X, Y, indices, bounds[fold], cols, fit_params or {}
        )
        for fold, cols in tasks
    )
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    progress = _FoldProgress([fold for fold, _ in tasks], len(folds), verbose)
    with _lost_worker_error():
        for (fold, cols), proba in zip(tasks, outputs):
            repeat, _, test = folds[fold]
            pred_probs[repeat][np.ix_(test, cols)] = proba
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
    """List the fits as (fold, columns); fill constant columns.

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
        free = tuple(np.flatnonzero(~constant).tolist())
        if native and free:
            tasks.append((fold, free))
        elif not native:
            tasks.extend((fold, (column,)) for column in free)
    return tasks


def _pack_folds(folds):
    """All folds' train then test rows in one array; (start, split, stop) of each."""
    bounds, start = [], 0
    for _, train, test in folds:
        split = start + len(train)
        bounds.append((start, split, split + len(test)))
        start = split + len(test)
    rows = [part for _, train, test in folds for part in (train, test)]
    return np.concatenate(rows), bounds


def _fit_fold(estimator, X, Y, indices, bounds, columns, fit_params):
    """Fit on a fold's training rows; positive probabilities on its test rows.

    The fold's training rows are ``indices[start:split]`` and its test rows
    ``indices[split:stop]``, with ``(start, split, stop) = bounds``; the
    model is fitted on the label `columns` (a tuple of column numbers).
    """
    start, split, stop = bounds
    train, test = indices[start:split], indices[split:stop]
    params = _check_method_params(X, params=fit_params, indices=train)
    model = fit_multilabel(
        estimator, _safe_indexing(X, train), Y[np.ix_(train, columns)], **params
    )
    return positive_proba(model, _safe_indexing(X, test), len(columns))


@contextmanager
def _lost_worker_error():
    """Turn a task cancelled by a lost (Dask) worker into a clear error."""
    try:
        yield
    except CancelledError as exc:
        raise RuntimeError(
            "A fold fit was cancelled by the joblib backend, most likely "
            "because a Dask worker was lost with data the fold fits need: X, "
            "the labels Y or the folds, which joblib's dask backend scatters "
            "to a single worker. Broadcast X to every worker with "
            "joblib.parallel_config(backend='dask', scatter=[X]) and fit "
            f"again. The backend said: {exc}"
        ) from exc


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
