"""Tests of out-of-bag pred_probs (cv="oob") and the default's single fit."""

import numpy as np
import pytest
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skcleanml import CleanMultiLabel
from skcleanml._oob import oob_pred_probs


def _data(seed=0, n=240):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    Y = (X[:, :3] + 0.5 * rng.normal(size=(n, 3)) > 0).astype(int)
    return X, Y


def _by_hand(forest, X, Y):
    """Mean class-1 probability over the trees that did not draw each row."""
    total, votes = np.zeros(Y.shape), np.zeros(len(Y))
    for tree, drawn in zip(forest.estimators_, forest.estimators_samples_):
        out = np.setdiff1d(np.arange(len(Y)), drawn)
        proba = tree.predict_proba(X[out].astype(np.float32))
        total[out] += np.column_stack([p[:, 1] for p in proba])
        votes[out] += 1
    return total / votes[:, None]


def test_oob_equals_by_hand_average():
    """Check that out-of-bag probabilities average the trees that did not see a row."""
    X, Y = _data()
    P, model = oob_pred_probs(RandomForestClassifier(40, random_state=0), X, Y, {})
    np.testing.assert_allclose(P, _by_hand(model, X, Y))


def test_constant_column_does_not_crash():
    """Check that a class every example has (oob_score=True crashes here) is 1."""
    X, Y = _data()
    Y[:, 1] = 1
    P, _ = oob_pred_probs(RandomForestClassifier(30, random_state=0), X, Y, {})
    np.testing.assert_array_equal(P[:, 1], 1.0)
    assert 0 < P[:, 0].mean() < 1


@pytest.mark.parametrize(
    "estimator",
    [
        ExtraTreesClassifier(30, bootstrap=True, random_state=0),
        make_pipeline(StandardScaler(), RandomForestClassifier(30, random_state=0)),
        BaggingClassifier(LogisticRegression(), n_estimators=30, random_state=0),
    ],
)
def test_bagging_estimators_give_out_of_bag_probabilities(estimator):
    """Check forests, pipelines ending in one and BaggingClassifier."""
    X, Y = _data()
    clf = CleanMultiLabel(estimator, cv="oob", random_state=0).fit(X, Y)
    P = clf.pred_probs_
    assert P.shape == Y.shape and np.all((P >= 0) & (P <= 1))
    assert ((P > 0.5) == Y).mean() > 0.75  # out of sample, but informative


def test_non_bagging_estimator_is_a_clear_error():
    """Check that cv="oob" with a model that does not bag names the options."""
    X, Y = _data()
    for estimator in (LogisticRegression(), ExtraTreesClassifier(10)):
        with pytest.raises(ValueError, match='cv="oob" needs an estimator that bags'):
            CleanMultiLabel(estimator, cv="oob").fit(X, Y)


def test_rows_in_every_bag_are_a_clear_error():
    """Check that a tiny forest leaving rows without a vote says what to do."""
    X, Y = _data()
    forest = RandomForestClassifier(n_estimators=2, random_state=0)
    with pytest.raises(ValueError, match=r"no out-of-bag prediction.*n_estimators"):
        CleanMultiLabel(forest, cv="oob").fit(X, Y)


def test_default_fits_out_of_bag_and_reuses_the_model():
    """Check that the default detects out-of-bag and keeps that fit if unchanged."""
    X, Y = _data()
    default = CleanMultiLabel(random_state=0)
    forest = RandomForestClassifier(n_estimators=300, random_state=0)
    P, _ = oob_pred_probs(forest, X, Y, {})
    np.testing.assert_array_equal(default.fit(X, Y).pred_probs_, P)
    as_given = CleanMultiLabel(random_state=0, refit=False).fit(X, Y)
    # The refit would repeat the out-of-bag fit: the very same model is kept.
    reference = RandomForestClassifier(n_estimators=300, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(
        np.column_stack([p[:, 1] for p in as_given.estimator_.predict_proba(X)]),
        np.column_stack([p[:, 1] for p in reference.predict_proba(X)]),
    )


def test_auto_cv_uses_folds_for_a_given_estimator():
    """Check that cv="auto" means 5 folds when an estimator is given."""
    X, Y = _data()
    auto = CleanMultiLabel(LogisticRegression(), random_state=0).fit(X, Y)
    five = CleanMultiLabel(LogisticRegression(), cv=5, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(auto.pred_probs_, five.pred_probs_)
