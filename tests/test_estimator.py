"""Tests of CleanMultiLabel: detection, refit, delegation, routing, conformance."""

import pickle
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.utils import check_random_state, estimator_html_repr, get_tags

from skcleanml import (
    CleanMultiLabel,
    compute_confident_joint,
    cross_val_pred_probs,
    find_label_issues,
    find_label_issues_per_class,
    get_label_error_probabilities,
    get_label_error_probabilities_per_class,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    int2onehot,
)
from skcleanml._oof import fit_multilabel

FITTED = (
    "label_issues_",
    "label_issues_mask_",
    "label_quality_scores_",
    "per_class_label_issues_",
    "per_class_label_quality_scores_",
    "pred_probs_",
    "confident_joint_",
)


def _data(n_samples=90, n_classes=3, seed=0, noise=0.1):
    """Standard normal features and noisy labels correlated with them."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 4))
    Y = X[:, :n_classes] + 0.5 * rng.normal(size=(n_samples, n_classes)) > 0
    Y = np.where(rng.uniform(size=Y.shape) < noise, ~Y, Y).astype(int)
    return X, Y


def _with_ids(X):
    """X with the row ids as first column, read by RecordingClassifier."""
    return np.column_stack([np.arange(len(X)), X])


def _assert_fitted_equal(a, b):
    for name in FITTED:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)


class _Registry(list):
    """A list that clone() and deepcopy share instead of copying."""

    def __deepcopy__(self, memo):
        return self


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Predicts training prevalence; records the rows, target and weights it saw.

    The first feature of X is the row id. ``native`` sets the multi-output tag.
    """

    def __init__(self, registry=None, native=True):
        self.registry = registry
        self.native = native

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        self.registry.append(
            {"rows": np.asarray(X)[:, 0].astype(int), "y": y, "sw": sample_weight}
        )
        self.mean_ = y.reshape(len(y), -1).mean(axis=0)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        mean = np.clip(np.tile(self.mean_, (len(X), 1)), 0.05, 0.95)
        if self.native:
            return mean
        return np.column_stack([1 - mean[:, 0], mean[:, 0]])

    def predict(self, X):
        proba = self.predict_proba(X)
        return (proba[:, -1] > 0.5).astype(int) if not self.native else proba > 0.5

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self.native
        tags.target_tags.single_output = not self.native
        return tags


# --- detection: one code path with the functional API ----------------------


@pytest.mark.parametrize(
    "params",
    [
        {"filter_by": "prune_by_noise_rate", "rank_by": "self_confidence"},
        {"filter_by": "both", "rank_by": "normalized_margin"},
        {
            "filter_by": "low_self_confidence",
            "rank_by": "self_confidence",
            "frac_noise": 0.5,
        },
        {
            "filter_by": "confident_learning",
            "rank_by": "confidence_weighted_entropy",
            "aggregator_kwargs": {"method": "softmin", "temperature": 0.2},
        },
        {
            "filter_by": "prune_by_class",
            "rank_by": "self_confidence",
            "min_examples_per_class": 5,
        },
        {
            "filter_by": "prune_by_noise_rate",
            "rank_by": "self_confidence",
            "aggregator_kwargs": {"method": "exponential_moving_average", "alpha": 0.8},
        },
    ],
)
def test_attributes_equal_functional_api(params):
    """Check that with cleanlab's filters and scores the attributes equal them."""
    X, Y = _data()
    P = cross_val_pred_probs(LogisticRegression(), X, Y, cv=3, random_state=0)
    clf = CleanMultiLabel(LogisticRegression(), **params).fit(X, Y, pred_probs=P)
    filter_kw = {
        key: params[key]
        for key in ("filter_by", "frac_noise", "min_examples_per_class")
        if key in params
    }
    method = params.get("rank_by", "self_confidence")
    # None is the estimator's documented default: softmin with T=0.1.
    aggregator = params.get(
        "aggregator_kwargs", {"method": "softmin", "temperature": 0.1}
    )
    ranked = find_label_issues(
        Y,
        P,
        return_indices_ranked_by=method,
        rank_by_kwargs={"aggregator_kwargs": aggregator},
        **filter_kw,
    )
    np.testing.assert_array_equal(clf.label_issues_, ranked)
    np.testing.assert_array_equal(
        clf.label_issues_mask_, find_label_issues(Y, P, **filter_kw)
    )
    np.testing.assert_array_equal(
        clf.per_class_label_issues_, find_label_issues_per_class(Y, P, **filter_kw)
    )
    np.testing.assert_array_equal(
        clf.label_quality_scores_,
        get_label_quality_scores(Y, P, method=method, aggregator_kwargs=aggregator),
    )
    np.testing.assert_array_equal(
        clf.per_class_label_quality_scores_,
        get_label_quality_scores_per_class(Y, P, method=method),
    )
    np.testing.assert_array_equal(clf.confident_joint_, compute_confident_joint(Y, P))
    assert clf.label_issues_.size > 0


def test_default_detection_is_error_probability():
    """Check that by default examples more likely wrong than right are flagged."""
    X, Y = _data()
    P = cross_val_pred_probs(LogisticRegression(), X, Y, cv=3, random_state=0)
    clf = CleanMultiLabel(LogisticRegression()).fit(X, Y, pred_probs=P)
    error = get_label_error_probabilities(Y, P)
    W = get_label_error_probabilities_per_class(Y, P)
    np.testing.assert_array_equal(clf.error_probabilities_, error)
    np.testing.assert_array_equal(clf.per_class_error_probabilities_, W)
    np.testing.assert_array_equal(clf.label_issues_mask_, error > 0.5)
    np.testing.assert_allclose(clf.label_quality_scores_, 1 - error, atol=1e-12)
    np.testing.assert_array_equal(clf.per_class_label_quality_scores_, 1 - W)
    expected = np.flatnonzero(error > 0.5)
    quality = clf.label_quality_scores_
    expected = expected[np.argsort(quality[expected], kind="stable")]
    np.testing.assert_array_equal(clf.label_issues_, expected)
    # Every flagged example names at least one annotation, and only they do.
    per_class = clf.per_class_label_issues_
    np.testing.assert_array_equal(per_class.any(axis=1), clf.label_issues_mask_)
    assert (per_class[W > 0.5]).all()
    assert clf.noise_rates_.shape == (3, 2)
    assert clf.label_issues_.size > 0


def test_pred_probs_are_cross_val_pred_probs():
    """Check that pred_probs_ are the functional out-of-fold probabilities."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)
    expected = cross_val_pred_probs(LogisticRegression(), X, Y, cv=3, random_state=0)
    np.testing.assert_array_equal(clf.pred_probs_, expected)
    np.testing.assert_array_equal(clf.classes_, np.arange(3))
    scores = clf.label_quality_scores_[clf.label_issues_]
    assert np.all(np.diff(scores) >= 0)  # worst first


def test_given_pred_probs_skip_cross_validation():
    """Check that pred_probs= skips the fold fits: only the refit happens."""
    X, Y = _data()
    P = np.clip(Y + np.linspace(-0.4, 0.4, Y.size).reshape(Y.shape), 0.01, 0.99)
    registry = _Registry()
    clf = CleanMultiLabel(RecordingClassifier(registry), refit=False)
    clf.fit(X, Y, pred_probs=P)
    assert len(registry) == 1
    np.testing.assert_array_equal(clf.pred_probs_, P)


def test_n_repeats_average_reseeded_splits():
    """Check that n_repeats averages out-of-fold runs over reseeded shuffles."""
    X, Y = _data()
    cv = KFold(3, shuffle=True, random_state=0)
    registry = _Registry()
    estimator = RecordingClassifier(registry)
    clf = CleanMultiLabel(estimator, cv=cv, n_repeats=2, random_state=1).fit(X, Y)
    assert len(registry) == 2 * 3 + 1
    seeds = check_random_state(1).randint(np.iinfo(np.int32).max, size=2)
    runs = [
        cross_val_pred_probs(estimator, X, Y, cv=KFold(3, shuffle=True, random_state=s))
        for s in seeds
    ]
    np.testing.assert_allclose(clf.pred_probs_, np.mean(runs, axis=0), rtol=1e-12)
    assert cv.random_state == 0  # the given splitter is not modified


def test_n_repeats_int_cv_deterministic():
    """Check that repeated int cv is reproducible and differs from one repeat."""
    X, Y = _data()
    make = CleanMultiLabel(LogisticRegression(), cv=3, n_repeats=2, random_state=0)
    first, second = clone(make).fit(X, Y), clone(make).fit(X, Y)
    _assert_fitted_equal(first, second)
    single = clone(make).set_params(n_repeats=1).fit(X, Y)
    assert not np.array_equal(first.pred_probs_, single.pred_probs_)


def test_n_repeats_needs_shuffling_cv():
    """Check that n_repeats > 1 with a non-shuffling cv is a clear error."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=KFold(3), n_repeats=2)
    with pytest.raises(ValueError, match="n_repeats=2 needs a cv that shuffles"):
        clf.fit(X, Y)


# --- refit strategies and guards --------------------------------------------


def _crafted(n_samples=40):
    """Labels and pred_probs agreeing except on chosen entries.

    Class 0 is disagreed with on rows 2-9 (worst on row 2); class 1 is rare
    (rows 0 and 1 only) and the model says it is absent everywhere, though
    less confidently on rows 0 and 1, which therefore rank after rows 2-9.
    """
    X = np.column_stack([np.arange(n_samples), np.zeros(n_samples)])
    Y = np.zeros((n_samples, 2), dtype=int)
    Y[::2, 0] = 1
    Y[[0, 1], 1] = 1
    P = np.where(Y == 1, 0.9, 0.1)
    P[2:10, 0] = 1 - P[2:10, 0] + np.linspace(0, 0.05, 8) * (2 * Y[2:10, 0] - 1)
    P[:, 1] = 0.1
    P[[0, 1], 1] = 0.3
    return X, Y, P


_FLAGS = {"filter_by": "predicted_neq_given", "rank_by": "self_confidence"}


def _fit_recorded(X, Y, P, **params):
    registry = _Registry()
    clf = CleanMultiLabel(RecordingClassifier(registry), **{**_FLAGS, **params})
    clf.fit(X, Y, pred_probs=P)
    (record,) = registry
    return clf, record


def test_refit_remove_drops_issues_and_keeps_rare_class():
    """Check that "remove" drops flagged rows but keeps a class it would empty."""
    X, Y, P = _crafted()
    with pytest.warns(UserWarning, match="class 1 without positive examples"):
        clf, record = _fit_recorded(X, Y, P, refit="remove")
    assert set(clf.label_issues_) == set(range(10))
    np.testing.assert_array_equal(record["rows"], np.r_[0, 1, 10:40])
    np.testing.assert_array_equal(record["y"], Y[record["rows"]])


def test_refit_remove_caps_removed_fraction():
    """Check that at most max_removal_fraction of the rows go, the worst first."""
    X, Y, P = _crafted()
    with pytest.warns(UserWarning, match="only the 4 worst"):
        clf, record = _fit_recorded(X, Y, P, refit="remove", max_removal_fraction=0.1)
    removed = np.setdiff1d(np.arange(40), record["rows"])
    np.testing.assert_array_equal(clf.label_issues_[:4], [2, 3, 4, 5])
    np.testing.assert_array_equal(removed, [2, 3, 4, 5])


def test_refit_remove_nothing_when_fraction_zero():
    """Check that max_removal_fraction=0 refits on every row."""
    X, Y, P = _crafted()
    with pytest.warns(UserWarning, match="only the 0 worst"):
        _, record = _fit_recorded(X, Y, P, refit="remove", max_removal_fraction=0.0)
    np.testing.assert_array_equal(record["rows"], np.arange(40))


def test_refit_relabel_flips_to_model_view():
    """Check that "relabel" flips flagged entries, except those emptying a class."""
    X, Y, P = _crafted()
    with pytest.warns(UserWarning, match="class 1 without positive examples"):
        _, record = _fit_recorded(X, Y, P, refit="relabel")
    expected = Y.copy()
    expected[2:10, 0] = (P[2:10, 0] > 0.5).astype(int)
    np.testing.assert_array_equal(record["rows"], np.arange(40))
    np.testing.assert_array_equal(record["y"], expected)
    assert (expected != Y).sum() == 8


def test_refit_relabel_cap_counts_only_relabeled_examples():
    """Check that with low_* filters, examples with no flagged annotation are free.

    The low-score filters flag examples by their score, so some flagged
    examples have no flagged annotation and nothing of theirs is relabeled;
    they must not use up max_removal_fraction.
    """
    X, Y = _data(seed=2)
    P = cross_val_pred_probs(LogisticRegression(), X, Y, cv=3, random_state=0)
    options = {"filter_by": "low_self_confidence"}
    mask = find_label_issues(Y, P, **options)
    per_class = find_label_issues_per_class(Y, P, **options)
    relabeled = mask & per_class.any(axis=1)
    assert mask.sum() > relabeled.sum()  # the case this test is about
    fraction = relabeled.sum() / len(Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cap is not reached: no warning
        _, record = _fit_recorded(
            X, Y, P, refit="relabel", max_removal_fraction=fraction, **options
        )
    expected = np.where(per_class & relabeled[:, None], P > 0.5, Y).astype(Y.dtype)
    np.testing.assert_array_equal(record["y"], expected)


def test_list_of_lists_y_warns_naming_int2onehot():
    """Check that a list of lists y is read as indicator rows, with a warning.

    The functional API reads [[0, 1], [1, 0]] as class indices, scikit-learn
    (and the estimator) as indicator rows: the warning names int2onehot.
    """
    X, Y = _data()
    make = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    with pytest.warns(UserWarning, match=r"int2onehot.*np\.asarray"):
        from_rows = clone(make).fit(X, Y.tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dense = clone(make).fit(X, np.asarray(Y.tolist()))
    _assert_fitted_equal(from_rows, dense)
    lists = [np.flatnonzero(row).tolist() for row in Y]
    with pytest.raises(ValueError, match=r"ragged list of lists.*int2onehot"):
        clone(make).fit(X, lists)
    from_lists = clone(make).fit(X, int2onehot(lists, Y.shape[1]))
    _assert_fitted_equal(from_lists, dense)


def test_default_refit_removes_and_weights():
    """Check that the default refit drops flagged rows and weights the rest.

    The weight of a kept row is the probability that its labels are right;
    rows the guard puts back keep weight 1, as given.
    """
    X, Y, P = _crafted()
    with pytest.warns(UserWarning, match="class 1 without positive examples"):
        clf, default = _fit_recorded(X, Y, P)
        _, removed = _fit_recorded(X, Y, P, refit="remove")
    np.testing.assert_array_equal(default["rows"], removed["rows"])
    assert default["rows"].size < Y.shape[0]
    np.testing.assert_array_equal(default["y"], Y[default["rows"]])
    assert removed["sw"] is None
    expected = 1 - clf.error_probabilities_[default["rows"]]
    expected[:2] = 1.0  # rows 0 and 1 are flagged, put back by the guard
    np.testing.assert_allclose(default["sw"], expected)
    assert expected[2:].max() < 1  # weighted, not only removed


def test_refit_weighted_multiplies_given_sample_weight():
    """Check that the refit's weights multiply the caller's sample_weight."""
    X, Y, P = _crafted()
    given = np.linspace(1, 2, Y.shape[0])
    registry = _Registry()
    clf = CleanMultiLabel(RecordingClassifier(registry), **_FLAGS)
    with pytest.warns(UserWarning, match="class 1 without positive examples"):
        clf.fit(X, Y, pred_probs=P, sample_weight=given)
    (record,) = registry
    rows = record["rows"]
    expected = given[rows] * (1 - clf.error_probabilities_[rows])
    expected[:2] = given[:2]
    np.testing.assert_allclose(record["sw"], expected)


class _UnweightedClassifier(RecordingClassifier):
    def fit(self, X, y):
        return super().fit(X, y)


def test_refit_weighted_is_remove_without_sample_weight():
    """Check that an estimator whose fit takes no sample_weight gets "remove"."""
    X, Y, P = _crafted()
    registry = _Registry()
    with pytest.warns(UserWarning, match="class 1 without positive examples"):
        CleanMultiLabel(_UnweightedClassifier(registry), **_FLAGS).fit(
            X, Y, pred_probs=P
        )
        _, removed = _fit_recorded(X, Y, P, refit="remove")
    (record,) = registry
    np.testing.assert_array_equal(record["rows"], removed["rows"])
    assert record["sw"] is None


def test_refit_false_fits_labels_as_given():
    """Check that refit=False fits estimator_ on all rows with the given labels."""
    X, Y, P = _crafted()
    clf, record = _fit_recorded(X, Y, P, refit=False)
    np.testing.assert_array_equal(record["rows"], np.arange(40))
    np.testing.assert_array_equal(record["y"], Y)
    assert clf.label_issues_.size == 10  # detection still runs


def test_refit_false_equals_plain_fit():
    """Check that with refit=False, predictions are the plain estimator's."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3, refit=False).fit(X, Y)
    plain = fit_multilabel(LogisticRegression(), X, Y)
    np.testing.assert_allclose(clf.decision_function(X), plain.decision_function(X))


def test_guard_negative_class_names_dataframe_y():
    """Check that the guard warning names a DataFrame class losing its negatives."""
    X, Y, P = _crafted()
    Y = pd.DataFrame(1 - Y, columns=["cat", "dog"])
    P = 1 - P
    with pytest.warns(UserWarning, match="class dog without negative examples"):
        clf, record = _fit_recorded(X, Y, P, refit="remove")
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog"])
    np.testing.assert_array_equal(record["rows"], np.r_[0, 1, 10:40])


# --- target formats ------------------------------------------------------------


def test_dataframe_y_names_classes_and_report():
    """Check that DataFrame columns become classes_ and report's class names."""
    X, Y = _data()
    names = ["sports", "politics", "tech"]
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    clf.fit(X, pd.DataFrame(Y, columns=names))
    np.testing.assert_array_equal(clf.classes_, names)
    reference = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)
    _assert_fitted_equal(clf, reference)
    summary = clf.report(verbose=False, as_frame=True)
    ranking = summary["classes_by_multilabel_quality"]
    assert set(ranking["Class Name"]) == set(names)


def test_report_prints(capsys):
    """Check that report prints the health summary and returns its dict."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)
    summary = clf.report()
    assert "Overall label health score" in capsys.readouterr().out
    assert 0 <= summary["overall_multilabel_health_score"] <= 1


def test_report_class_names():
    """Check that report names the classes as asked, one name per class."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)
    names = [f"tag{k}" for k in range(Y.shape[1])]
    summary = clf.report(class_names=names, verbose=False, as_frame=True)
    assert sorted(summary["classes_by_multilabel_quality"]["Class Name"]) == names
    unnamed = clf.report(verbose=False, as_frame=True)
    assert "Class Name" not in unnamed["classes_by_multilabel_quality"]
    with pytest.raises(ValueError, match="class_names must hold one name per class"):
        clf.report(class_names=names[:-1], verbose=False)


def test_sparse_and_bool_y_equal_dense():
    """Check that sparse and boolean indicators mean the dense indicator."""
    X, Y = _data()
    make = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    dense = clone(make).fit(X, Y)
    for y in (sp.csr_matrix(Y), Y.astype(bool)):
        _assert_fitted_equal(clone(make).fit(X, y), dense)
        assert dense.predict(X).dtype == np.int64


def test_binary_1d_y():
    """Check that a binary 1-D y gets one label column and 1-D predictions."""
    X, Y = _data()
    y = np.where(Y[:, 0] == 1, "dog", "cat")
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    reference = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    reference.fit(X, Y[:, :1])
    _assert_fitted_equal(clf, reference)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog"])
    proba = clf.predict_proba(X)
    assert proba.shape == (90, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.decision_function(X).shape == (90,)
    np.testing.assert_array_equal(reference.predict(X)[:, 0], proba.argmax(axis=1))


def test_binary_1d_y_takes_two_column_pred_probs():
    """Check that a binary y accepts predict_proba-style (n, 2) pred_probs."""
    X, Y = _data()
    y = Y[:, 0]
    P = np.column_stack([1 - X[:, 0] / 10 - 0.5, X[:, 0] / 10 + 0.5]).clip(0, 1)
    two = CleanMultiLabel(LogisticRegression()).fit(X, y, pred_probs=P)
    one = CleanMultiLabel(LogisticRegression()).fit(X, y, pred_probs=P[:, 1:])
    _assert_fitted_equal(two, one)
    np.testing.assert_array_equal(two.pred_probs_, P[:, 1:])


def test_multiclass_1d_y():
    """Check that a multiclass 1-D y is one-hot encoded and predicted back."""
    X, Y = _data()
    y = np.array(["a", "b", "c"])[np.argmax(X[:, 1:] + Y, axis=1)]
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    onehot = (y[:, None] == np.array(["a", "b", "c"])).astype(int)
    P = clf.pred_probs_
    np.testing.assert_array_equal(clf.per_class_label_issues_.shape, (90, 3))
    error = get_label_error_probabilities(onehot, P)
    np.testing.assert_array_equal(clf.label_issues_mask_, error > 0.5)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    assert clf.score(X, y) > 0.5


def test_column_vector_of_classes_is_1d():
    """Check that a column of class labels warns and is read as a 1-D y."""
    X, Y = _data()
    y = Y.sum(axis=1)  # 0..3
    make = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = clone(make).fit(X, y[:, None])
    _assert_fitted_equal(column, clone(make).fit(X, y))


# --- estimators and meta-estimators ------------------------------------------


@pytest.mark.parametrize(
    "estimator",
    [
        ClassifierChain(LogisticRegression(), random_state=0),
        MultiOutputClassifier(LogisticRegression()),
    ],
    ids=["chain", "multioutput"],
)
def test_meta_estimators_with_rare_class(estimator):
    """Check that chains and MultiOutput fit with a class having one positive."""
    X, Y = _data()
    Y[:, 2] = 0
    Y[5, 2] = 1
    clf = CleanMultiLabel(estimator, cv=3, random_state=0)
    with pytest.warns(UserWarning, match="fewer positive examples than n_splits"):
        clf.fit(X, Y)
    assert clf.pred_probs_.shape == (90, 3)
    assert clf.predict(X).shape == (90, 3)
    # The refit saw both values of the rare class (its positive was not lost).
    np.testing.assert_array_equal(clf.estimator_.estimators_[2].classes_, [0, 1])


def test_in_pipeline_as_last_step():
    """Check that CleanMultiLabel works as the last step of a Pipeline."""
    X, Y = _data()
    pipe = make_pipeline(
        StandardScaler(), CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    )
    pipe.fit(X, Y)
    assert pipe.predict_proba(X).shape == (90, 3)
    assert pipe[-1].label_issues_.size > 0


def test_wraps_pipeline_with_column_transformer_on_dataframe():
    """Check that a DataFrame X reaches a wrapped ColumnTransformer untouched."""
    X, Y = _data()
    df = pd.DataFrame(X[:, 1:], columns=["a", "b", "c"])
    df["color"] = np.where(Y[:, 0] == 1, "red", "blue")
    pipe = make_pipeline(
        ColumnTransformer(
            [("num", StandardScaler(), ["a", "b"]), ("cat", OneHotEncoder(), ["color"])]
        ),
        LogisticRegression(),
    )
    clf = CleanMultiLabel(pipe, cv=3, random_state=0).fit(df, Y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "color"])
    assert clf.n_features_in_ == 4
    assert clf.predict(df).shape == (90, 3)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(df[["color", "a", "b", "c"]])


def test_grid_search_over_inner_and_own_params():
    """Check GridSearchCV over estimator__C and refit with multi-label scorers."""
    X, Y = _data(n_samples=120)
    search = GridSearchCV(
        CleanMultiLabel(LogisticRegression(), cv=3, random_state=0),
        {"estimator__C": [0.1, 1.0], "refit": ["remove", False]},
        scoring=["f1_samples", "average_precision", "roc_auc"],
        refit="f1_samples",
        cv=3,
    )
    search.fit(X, Y)
    for name in ("f1_samples", "average_precision", "roc_auc"):
        scores = search.cv_results_[f"mean_test_{name}"]
        assert scores.shape == (4,) and np.all((scores > 0) & (scores <= 1))
    # The labels are noisy thresholds of the features: far better than chance.
    assert np.all(search.cv_results_["mean_test_roc_auc"] > 0.7)
    assert search.best_estimator_.estimator_ is not None


def test_sparse_X_matches_dense():
    """Check that sparse X gives the dense results when the estimator takes it.

    With the refit's float sample weights, scikit-learn 1.6's sparse and
    dense tree splitters may break exactly tied splits differently, so the
    refit compared here is the unweighted "remove".
    """
    X, Y = _data()
    make = CleanMultiLabel(
        RandomForestClassifier(n_estimators=10, random_state=0),
        cv=3,
        refit="remove",
        random_state=0,
    )
    dense = clone(make).fit(X, Y)
    sparse = clone(make).fit(sp.csr_matrix(X), Y)
    _assert_fitted_equal(sparse, dense)
    np.testing.assert_array_equal(sparse.predict(sp.csr_matrix(X)), dense.predict(X))


def test_default_estimator_is_seeded_forest():
    """Check that estimator=None fits a random forest seeded by random_state."""
    X, Y = _data()
    clf = CleanMultiLabel(cv=3, random_state=0).fit(X, Y)
    assert isinstance(clf.estimator_, RandomForestClassifier)
    assert clf.estimator_.random_state == 0
    assert clf.estimator is None
    _assert_fitted_equal(clf, CleanMultiLabel(cv=3, random_state=0).fit(X, Y))


def test_inputs_not_modified():
    """Check that fit modifies neither X nor y."""
    X, Y = _data()
    X_copy, Y_copy = X.copy(), Y.copy()
    CleanMultiLabel(LogisticRegression(), cv=3, refit="relabel").fit(X, Y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(Y, Y_copy)


# --- delegation, tags, clone, pickle, repr ------------------------------------


def test_delegation_follows_estimator():
    """Check that decision_function exists exactly when the estimator has it."""
    X, Y = _data()
    with_decision = CleanMultiLabel(LogisticRegression(), cv=3)
    without = CleanMultiLabel(RandomForestClassifier(n_estimators=5), cv=3)
    assert hasattr(with_decision, "decision_function")
    assert not hasattr(without, "decision_function")
    assert not hasattr(CleanMultiLabel(), "decision_function")
    with pytest.raises(NotFittedError, match="not fitted yet"):
        with_decision.predict(X)
    with_decision.fit(X, Y)
    assert with_decision.decision_function(X).shape == (90, 3)
    assert not hasattr(without.fit(X, Y), "decision_function")


def test_tags():
    """Check multi-label tags, and input tags copied from the estimator."""
    tags = get_tags(CleanMultiLabel(LogisticRegression()))
    assert tags.classifier_tags.multi_label and tags.target_tags.multi_output
    # Compared with the wrapped model's own tags: scikit-learn 1.6.0 does not
    # tag LogisticRegression as sparse-capable yet (1.6.1 does).
    allow_nan = []
    for estimator in (LogisticRegression(), HistGradientBoostingClassifier()):
        own = get_tags(estimator).input_tags
        tags = get_tags(CleanMultiLabel(estimator)).input_tags
        assert (tags.sparse, tags.allow_nan) == (own.sparse, own.allow_nan)
        allow_nan.append(tags.allow_nan)
    assert allow_nan == [False, True]


def test_clone_pickle_and_html_repr():
    """Check clone has no fitted state, pickle keeps predictions, HTML repr works."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)
    fresh = clone(clf)
    assert not any(name.endswith("_") for name in vars(fresh))
    restored = pickle.loads(pickle.dumps(clf))
    _assert_fitted_equal(restored, clf)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    html = estimator_html_repr(clf)
    assert "CleanMultiLabel" in html and "LogisticRegression" in html


# --- determinism and concurrency ----------------------------------------------


def test_deterministic_and_n_jobs_independent():
    """Check that results repeat under random_state and do not depend on n_jobs."""
    X, Y = _data()
    make = CleanMultiLabel(
        RandomForestClassifier(n_estimators=10, random_state=0), cv=3, random_state=0
    )
    serial = clone(make).fit(X, Y)
    _assert_fitted_equal(clone(make).fit(X, Y), serial)
    parallel = clone(make).set_params(n_jobs=2).fit(X, Y)
    _assert_fitted_equal(parallel, serial)
    np.testing.assert_array_equal(parallel.predict_proba(X), serial.predict_proba(X))
    with parallel_config(backend="threading", n_jobs=2):
        _assert_fitted_equal(clone(make).fit(X, Y), serial)


def test_thread_safe():
    """Check that 8 threads fitting and predicting at once give serial results."""
    X, Y = _data()
    make = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)

    def fit_predict(_):
        clf = clone(make).fit(X, Y)
        return clf, clf.predict_proba(X)

    serial, serial_proba = fit_predict(None)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fit_predict, range(8)))
    for clf, proba in results:
        _assert_fitted_equal(clf, serial)
        np.testing.assert_array_equal(proba, serial_proba)


# --- fit parameters and metadata routing --------------------------------------


def _check_weights(registry, sample_weight):
    for record in registry:
        np.testing.assert_array_equal(record["sw"], sample_weight[record["rows"]])


@pytest.mark.parametrize("routing", [True, False])
@pytest.mark.parametrize("native", [True, False])
def test_sample_weight_reaches_every_fit(routing, native):
    """Check that sample_weight reaches every fold fit and the refit, sliced."""
    X, Y = _data()
    X = _with_ids(X)
    sample_weight = np.arange(90) + 1.0
    registry = _Registry()
    estimator = RecordingClassifier(registry, native=native)
    with config_context(enable_metadata_routing=routing):
        if routing:
            estimator.set_fit_request(sample_weight=True)
        clf = CleanMultiLabel(
            estimator, cv=3, n_repeats=1, refit="remove", random_state=0
        )
        clf.fit(X, Y, sample_weight=sample_weight)
    n_fits_per_model = 1 if native else 3
    assert len(registry) == 4 * n_fits_per_model  # 3 folds and the refit
    _check_weights(registry, sample_weight)
    assert registry[-1]["rows"].size < 90  # rows were removed before the refit


@pytest.mark.parametrize("routing", [True, False])
def test_groups_reach_group_kfold(routing):
    """Check that groups reach the splitter, with and without routing."""
    X, Y = _data()
    X = _with_ids(X)
    groups = np.arange(90) // 10
    registry = _Registry()
    estimator = RecordingClassifier(registry)
    with config_context(enable_metadata_routing=routing):
        if routing:
            estimator.set_fit_request(sample_weight=True)
        clf = CleanMultiLabel(estimator, cv=GroupKFold(3), refit=False)
        clf.fit(X, Y, groups=groups, sample_weight=np.ones(90))
    for record in registry[:3]:
        train_groups = set(groups[record["rows"]])
        test_groups = set(groups[np.setdiff1d(np.arange(90), record["rows"])])
        assert train_groups.isdisjoint(test_groups)
    assert len(registry) == 4


def test_routing_unrequested_param_is_an_error():
    """Check that with routing on, an unrequested sample_weight is refused."""
    X, Y = _data()
    with config_context(enable_metadata_routing=True):
        clf = CleanMultiLabel(LogisticRegression(), cv=3)
        with pytest.raises(ValueError, match="sample_weight"):
            clf.fit(X, Y, sample_weight=np.ones(90))


# --- bad input and messages ---------------------------------------------------


@pytest.mark.parametrize(
    "y, error, match",
    [
        (None, ValueError, "requires y to be passed"),
        (np.full((90, 3), 2), ValueError, "0/1 indicator"),
        (np.full((90, 3), np.nan), ValueError, "NaN"),
        (np.full(90, np.nan), ValueError, "NaN"),
        (np.zeros((80, 3), dtype=int), ValueError, "X has 90 samples and y has 80"),
        (np.ones(90), ValueError, "only one class"),
        (np.linspace(0, 1, 90), ValueError, "Unknown label type"),
        ([[0], [1, 2]] * 45, ValueError, "int2onehot"),
    ],
    ids=[
        "none",
        "not-0/1",
        "nan-2d",
        "nan-1d",
        "length",
        "one-class",
        "float",
        "ragged",
    ],
)
def test_bad_y_messages(y, error, match):
    """Check that bad targets give a clear error naming the problem."""
    X, _ = _data()
    with pytest.raises(error, match=match):
        CleanMultiLabel(LogisticRegression(), cv=3).fit(X, y)


def test_estimator_without_predict_proba():
    """Check that an estimator without predict_proba gets a helpful TypeError."""
    X, Y = _data()
    with pytest.raises(TypeError, match=r"predict_proba.*CalibratedClassifierCV"):
        CleanMultiLabel(SVC()).fit(X, Y)
    assert not hasattr(CleanMultiLabel(SVC()), "predict_proba")


def test_cv_larger_than_data():
    """Check that more folds than samples is a clear error."""
    X, Y = _data(n_samples=4)
    with pytest.raises(ValueError, match="n_splits=5 greater than the number of"):
        CleanMultiLabel(LogisticRegression()).fit(X, Y)


def test_cv_generator_of_splits():
    """Check that a generator of splits is used once, not consumed early."""
    X, Y = _data()
    splits = list(KFold(3).split(X))
    from_list = CleanMultiLabel(LogisticRegression(), cv=splits).fit(X, Y)
    from_generator = CleanMultiLabel(LogisticRegression(), cv=iter(splits)).fit(X, Y)
    np.testing.assert_array_equal(from_generator.pred_probs_, from_list.pred_probs_)


@pytest.mark.parametrize("filter_by", ["predicted_neq_given", "low_self_confidence"])
def test_report_counts_the_fitted_issues(filter_by):
    """Check that the report counts label_issues_, whatever the filter."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), filter_by=filter_by, cv=3).fit(X, Y)
    summary = clf.report(verbose=False)
    expected = 1 - clf.label_issues_.size / Y.shape[0]
    assert summary["overall_multilabel_health_score"] == pytest.approx(expected)
    common = summary["common_multilabel_issues"]
    assert common["Num Examples"].sum() == clf.per_class_label_issues_.sum()


def test_predict_with_other_number_of_features():
    """Check that predicting with another feature count names both counts."""
    X, Y = _data()
    clf = CleanMultiLabel(LogisticRegression(), cv=3).fit(X, Y)
    with pytest.raises(ValueError, match=r"X has 2 features.*expecting 4"):
        clf.predict(X[:, :2])


def test_bad_pred_probs_shape():
    """Check that pred_probs of the wrong shape are refused with the shape."""
    X, Y = _data()
    with pytest.raises(ValueError, match=r"pred_probs must have shape .*\(90, 3\)"):
        CleanMultiLabel(LogisticRegression()).fit(
            X, Y, pred_probs=np.full((90, 2), 0.5)
        )


def test_verbose_reports_progress(capsys):
    """Check that verbose=1 prints fold progress and the refit summary."""
    X, Y = _data()
    CleanMultiLabel(LogisticRegression(), cv=3, n_repeats=1, verbose=1).fit(X, Y)
    err = capsys.readouterr().err
    assert "fold 3/3" in err
    assert "examples have label issues" in err and "refit on" in err
    CleanMultiLabel(LogisticRegression(), cv=3, refit=False, verbose=1).fit(X, Y)
    err = capsys.readouterr().err
    assert "fit (refit=False: labels as given) on 90 examples" in err
    CleanMultiLabel(LogisticRegression(), cv=3).fit(X, Y)
    assert capsys.readouterr().err == ""


def test_no_warning_on_clean_fit():
    """Check that an ordinary fit raises no warning."""
    X, Y = _data(noise=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CleanMultiLabel(LogisticRegression(), cv=3, random_state=0).fit(X, Y)


class _WeightedShare(ClassifierMixin, BaseEstimator):
    """Predicts the weighted share of positives: NaN after all-zero weights.

    What scikit-learn 1.6.0's forests do in a leaf of zero total weight.
    """

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y, dtype=float)
        weight = np.ones(len(y)) if sample_weight is None else sample_weight
        self.classes_ = np.array([0, 1])
        with np.errstate(invalid="ignore"):
            self.share_ = (weight @ y) / np.sum(weight)
        return self

    def predict_proba(self, X):
        share = np.full(len(X), self.share_)
        return np.column_stack([1 - share, share])


def test_nan_probabilities_from_zero_weights_name_sample_weight():
    """Check that NaN out-of-fold probabilities caused by weights say so."""
    X, Y = _data(n_samples=30)
    rows = np.arange(30)
    weight = np.where(rows < 10, 1.0, 0.0)  # the first fold trains on zeros
    cv = [(np.setdiff1d(rows, test), test) for test in np.split(rows, 3)]
    clean = CleanMultiLabel(_WeightedShare(), cv=cv, refit=False)
    with pytest.raises(ValueError, match=r"NaN or infinity.*sample_weight"):
        clean.fit(X, Y, sample_weight=weight)
    # Every training fold with positive weight: finite probabilities.
    clean.fit(X, Y, sample_weight=np.ones(30))
    assert np.isfinite(clean.pred_probs_).all()
