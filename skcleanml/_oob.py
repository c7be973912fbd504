"""Out-of-bag predicted probabilities: out-of-sample for free from a bagging ensemble.

Each member of a bagging ensemble is fitted on a bootstrap sample; the rows it
did not draw are out of its sample. Averaging, for every row, the members
that did not see it gives out-of-sample probabilities from one fit, where
cross-validation needs one fit per fold. scikit-learn's own
``oob_decision_function_`` is not used: with ``oob_score=True`` a forest
crashes on a multi-label target with a constant column.
"""

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesClassifier,
    RandomForestClassifier,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_array

from skcleanml._oof import fit_multilabel

# Natively multi-label bagging ensembles: one fit for all classes.
_FORESTS = (RandomForestClassifier, ExtraTreesClassifier)


def bagging_step(estimator):
    """The bagging ensemble that `estimator` is or ends with, or None.

    Parameters
    ----------
    estimator : estimator instance
        A forest, a ``BaggingClassifier`` or a ``Pipeline`` ending in one.

    Returns
    -------
    ensemble : estimator instance or None
        The ensemble (the last step of a pipeline), None when `estimator`
        does not bag.

    Examples
    --------
    >>> from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    >>> from skcleanml._oob import bagging_step
    >>> bagging_step(RandomForestClassifier()) is not None
    True
    >>> bagging_step(ExtraTreesClassifier()) is None  # bootstrap=False
    True
    """
    step = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if isinstance(step, _FORESTS) and step.bootstrap:
        return step
    if isinstance(step, BaggingClassifier) and (
        step.bootstrap or _fraction(step.max_samples) < 1
    ):
        return step
    return None


def _fraction(max_samples):
    """`max_samples` of a BaggingClassifier as a fraction (ints count as 1)."""
    return max_samples if isinstance(max_samples, float) else 1.0


def check_oob_estimator(estimator):
    """Raise a ValueError unless `estimator` gives out-of-bag predictions."""
    if bagging_step(estimator) is None:
        raise ValueError(
            'cv="oob" needs an estimator that bags: a RandomForestClassifier, an '
            "ExtraTreesClassifier(bootstrap=True), a BaggingClassifier that "
            "samples rows, or a Pipeline ending in one; got "
            f"{type(estimator).__name__}. Use an int cv for cross-validation."
        )


def oob_pred_probs(estimator, X, Y, fit_params):
    """Fit `estimator` once on all rows; its out-of-bag probabilities.

    Parameters
    ----------
    estimator : estimator instance
        Checked by :func:`check_oob_estimator`; cloned, never modified.

    X : {array-like, sparse matrix, DataFrame} of shape (n_samples, ...)
        Training data, passed to the estimator unchanged.

    Y : ndarray of shape (n_samples, n_classes)
        0/1 indicator of the given labels.

    fit_params : dict
        Passed to every fit.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, n_classes)
        For every row, the mean predicted probability of each class over the
        ensemble members that did not draw it. A column constant in `Y` is
        predicted as that constant.

    model : estimator or None
        The ensemble fitted on `X` and `Y` as given, for a forest (one fit
        for all classes), to be reused when the labels need no change. None
        for a ``BaggingClassifier``, which is fitted once per class.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skcleanml._oob import oob_pred_probs
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = (X[:, :2] > 0).astype(int)
    >>> forest = RandomForestClassifier(n_estimators=30, random_state=0)
    >>> P, model = oob_pred_probs(forest, X, Y, {})
    >>> P.shape, bool(((P > 0.5) == Y).mean() > 0.8)
    ((60, 2), True)
    """
    if isinstance(bagging_step(estimator), _FORESTS):
        model = fit_multilabel(estimator, X, Y, **fit_params)
        return _ensemble_oob(model, X, Y.shape[1]), model
    P = Y.astype(np.float64)  # constant columns keep their value
    for k in np.flatnonzero(Y.min(axis=0) != Y.max(axis=0)):
        model = clone(estimator).fit(X, Y[:, k], **fit_params)
        P[:, k] = _ensemble_oob(model, X, 1)[:, 0]
    return P, None


def _ensemble_oob(model, X, n_outputs):
    """Mean positive probability over the members that did not draw each row."""
    ensemble, Xt = _last_step_input(model, X)
    classes = ensemble.classes_ if n_outputs > 1 else [ensemble.classes_]
    total = np.zeros((Xt.shape[0], n_outputs))
    votes = np.zeros(Xt.shape[0])
    features = getattr(ensemble, "estimators_features_", None)
    for i, (member, drawn) in enumerate(
        zip(ensemble.estimators_, ensemble.estimators_samples_)
    ):
        out = np.ones(Xt.shape[0], dtype=bool)
        out[drawn] = False
        rows = Xt[out] if features is None else Xt[out][:, features[i]]
        total[out] += _member_positive(member, rows, classes)
        votes[out] += 1
    _check_votes(votes, len(ensemble.estimators_))
    return total / votes[:, None]


def _last_step_input(model, X):
    """The fitted ensemble and `X` as it receives it, as a float32 array."""
    if isinstance(model, Pipeline):
        model, X = model[-1], model[:-1].transform(X)
    X = check_array(X, accept_sparse="csr", dtype=np.float32, ensure_all_finite=False)
    return model, X


def _member_positive(member, rows, classes):
    """(n_rows, n_outputs) probability of class 1 by one ensemble member.

    Members are fitted on the ensemble's encoded target, so their
    ``classes_`` index the ensemble's `classes` (per output); a member may
    have seen only some of them.
    """
    proba = member.predict_proba(rows)
    proba = proba if isinstance(proba, list) else [proba]
    seen = member.classes_ if len(classes) > 1 else [member.classes_]
    out = np.zeros((rows.shape[0], len(classes)))
    for k, (output_classes, codes) in enumerate(zip(classes, seen)):
        labels = np.asarray(output_classes)[np.asarray(codes, dtype=np.intp)]
        hit = np.flatnonzero(labels == 1)
        if hit.size:
            out[:, k] = proba[k][:, hit[0]]
    return out


def _check_votes(votes, n_members):
    missing = np.flatnonzero(votes == 0)
    if missing.size:
        raise ValueError(
            f'cv="oob": {missing.size} examples were drawn by all {n_members} '
            "members of the ensemble, so they have no out-of-bag prediction "
            f"(first: row {missing[0]}). Use more estimators (n_estimators), a "
            "smaller max_samples, or an int cv for cross-validation."
        )
