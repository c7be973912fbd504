"""Secure persistence: a fitted CleanMultiLabel round-trips through skops.io."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_multilabel_data

sio = pytest.importorskip("skops.io")
pd = pytest.importorskip("pandas")


def _data(frame):
    data = make_multilabel_data(random_state=0, return_indicator=True)
    X, Y, X_test = data.X_train, data.labels, data.X_test
    if frame:  # feature names and column names become fitted state
        X = pd.DataFrame(X, columns=["x0", "x1"])
        X_test = pd.DataFrame(X_test, columns=["x0", "x1"])
        Y = pd.DataFrame(Y, columns=["cat", "dog", "bird"])
    return X, Y, X_test


@pytest.mark.parametrize("frame", [False, True], ids=["arrays", "dataframes"])
def test_skops_round_trip_preserves_fitted_model(frame):
    """Check that predictions and issues survive skops, with only our types trusted."""
    X, Y, X_test = _data(frame)
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, n_repeats=1, random_state=0).fit(X, Y)
    dumped = sio.dumps(clean)

    untrusted = sio.get_untrusted_types(data=dumped)
    alone = sio.get_untrusted_types(data=sio.dumps(clone(forest).fit(X, Y)))
    extra = set(untrusted) - set(alone)
    assert extra and all(name.startswith("skcleanml.") for name in extra)
    # What the README tells users to pass:
    assert sorted(untrusted) == sorted(
        ["skcleanml._estimator.CleanMultiLabel", "sklearn.tree._tree.Tree"]
    )

    loaded = sio.loads(dumped, trusted=untrusted)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), clean.predict_proba(X_test)
    )
    np.testing.assert_array_equal(loaded.label_issues_, clean.label_issues_)
    np.testing.assert_array_equal(
        loaded.label_quality_scores_, clean.label_quality_scores_
    )
    np.testing.assert_array_equal(loaded.classes_, clean.classes_)
    if frame:
        assert list(loaded.classes_) == ["cat", "dog", "bird"]
        np.testing.assert_array_equal(loaded.feature_names_in_, ["x0", "x1"])


def test_skops_refuses_untrusted_estimator():
    """Check that loading without trusting CleanMultiLabel fails, as skops intends."""
    X, Y, _ = _data(False)
    forest = RandomForestClassifier(n_estimators=3, random_state=0)
    dumped = sio.dumps(CleanMultiLabel(forest, cv=3, n_repeats=1).fit(X, Y))
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException, match="CleanMulti"):
        sio.loads(dumped, trusted=["sklearn.tree._tree.Tree"])
