"""Tests of CleanMultiLabel.get_label_issues, the per-example review table."""

import sys

import numpy as np
import pytest
from _helpers import LABEL_ISSUE_COLUMNS as COLUMNS
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_multilabel_data


@pytest.fixture(scope="module")
def fitted():
    data = make_multilabel_data(random_state=0, return_indicator=True)
    forest = RandomForestClassifier(n_estimators=30, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, n_repeats=1, random_state=0, refit="relabel")
    return data.X_train, data.labels, clean.fit(data.X_train, data.labels)


def _indicator(column, names):
    return np.array([[name in row for name in names] for row in column])


def test_get_label_issues_columns_agree_with_fitted_attributes(fitted):
    """Check every column against label_issues_, scores, pred_probs_ and flags."""
    _, Y, clean = fitted
    issues = clean.get_label_issues(as_frame=False)
    assert list(issues) == COLUMNS
    names = clean.classes_.tolist()
    np.testing.assert_array_equal(issues["is_label_issue"], clean.label_issues_mask_)
    np.testing.assert_array_equal(issues["label_quality"], clean.label_quality_scores_)
    np.testing.assert_array_equal(_indicator(issues["given_label"], names), Y == 1)
    np.testing.assert_array_equal(
        _indicator(issues["predicted_label"], names), clean.pred_probs_ > 0.5
    )
    ranked = np.argsort(np.where(issues["issue_rank"] > 0, issues["issue_rank"], 10**9))
    np.testing.assert_array_equal(
        ranked[: clean.label_issues_.size], clean.label_issues_
    )
    assert (issues["issue_rank"][~clean.label_issues_mask_] == 0).all()
    suggested = _indicator(issues["suggested_label"], names)
    changed = suggested != (Y == 1)
    # Exactly the flagged annotations of flagged examples change: flipped.
    flags = clean.per_class_label_issues_ & clean.label_issues_mask_[:, None]
    np.testing.assert_array_equal(changed, flags)
    assert changed.any()
    add = _indicator(issues["labels_to_add"], names)
    remove = _indicator(issues["labels_to_remove"], names)
    np.testing.assert_array_equal(add, suggested & (Y == 0))
    np.testing.assert_array_equal(remove, (Y == 1) & ~suggested)


def test_get_label_issues_suggested_labels_are_the_refit_labels(fitted):
    """Check that refit="relabel" trains on exactly suggested_label."""
    X, _, clean = fitted
    issues = clean.get_label_issues(as_frame=False)
    assert clean.label_issues_.size <= 0.5 * X.shape[0]  # no cap applies
    suggested = _indicator(issues["suggested_label"], clean.classes_.tolist())
    refit = clone(clean.estimator).fit(X, suggested.astype(int))
    np.testing.assert_array_equal(
        np.asarray(refit.predict_proba(X))[..., 1].T,
        clean.predict_proba(X),
    )


def test_get_label_issues_frame_names_classes(fitted):
    """Check the DataFrame form: same values, class names of a DataFrame y."""
    pd = pytest.importorskip("pandas")
    X, Y, _ = fitted
    frame_y = pd.DataFrame(Y, columns=["cat", "dog", "bird"])
    forest = RandomForestClassifier(n_estimators=30, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, n_repeats=1, random_state=0, refit=False)
    frame = clean.fit(X, frame_y).get_label_issues()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == COLUMNS
    assert len(frame) == X.shape[0]
    arrays = clean.get_label_issues(as_frame=False)
    for name in COLUMNS:
        assert frame[name].tolist() == arrays[name].tolist()
    assert frame["given_label"][0] == [
        name for name, y in zip(frame_y.columns, Y[0]) if y
    ]


def test_get_label_issues_binary_y_names_the_positive_class():
    """Check that a 1-D binary y gives label lists of its positive class."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 2))
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=80) > 0, "spam", "ham")
    clean = CleanMultiLabel(cv=3, n_repeats=1, random_state=0, refit=False)
    issues = clean.fit(X, y).get_label_issues(as_frame=False)
    assert list(issues["given_label"]) == [
        ["spam"] if label == "spam" else [] for label in y
    ]


def test_get_label_issues_without_pandas(fitted, monkeypatch):
    """Check the ImportError naming pandas, and that as_frame=False still works."""
    _, _, clean = fitted
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"needs pandas.*as_frame=False"):
        clean.get_label_issues()
    assert len(clean.get_label_issues(as_frame=False)["issue_rank"]) == 280


def test_get_label_issues_not_fitted():
    """Check that an unfitted estimator raises NotFittedError."""
    with pytest.raises(NotFittedError, match="not fitted"):
        CleanMultiLabel().get_label_issues()


def test_get_label_issues_does_not_share_fitted_arrays(fitted):
    """Check that editing the table leaves the fitted attributes alone."""
    _, _, clean = fitted
    issues = clean.get_label_issues(as_frame=False)
    before = clean.label_quality_scores_.copy()
    issues["label_quality"][:] = -1
    issues["is_label_issue"][:] = True
    np.testing.assert_array_equal(clean.label_quality_scores_, before)
    assert not clean.label_issues_mask_.all()
