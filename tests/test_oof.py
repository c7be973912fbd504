import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skcleanml import CleanMultiLabel
from skcleanml._oof import (
    cross_val_pred_probs,
    fit_multilabel,
    is_native_multilabel,
    positive_proba,
)
from skcleanml._split import MultilabelStratifiedKFold

CV = KFold(3)


def _data(n_samples=60, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 4))
    noise = rng.normal(scale=0.7, size=(n_samples, n_classes))
    Y = (X[:, :n_classes] + noise > 0).astype(int)
    return X, Y


def _manual_oof(estimator, X, Y, cv, per_class):
    """Out-of-fold positive probabilities by a plain loop, for comparison."""
    P = np.empty(Y.shape)
    for train, test in cv.split(X, Y):
        if per_class:
            for k in range(Y.shape[1]):
                model = estimator.fit(X[train], Y[train, k])
                P[test, k] = model.predict_proba(X[test])[:, 1]
        else:
            proba = estimator.fit(X[train], Y[train]).predict_proba(X[test])
            if isinstance(proba, list):
                proba = np.column_stack([p[:, 1] for p in proba])
            P[test] = proba
    return P


class _WeightRecorder(ClassifierMixin, BaseEstimator):
    """Predicts, as probability, the share of the total weight it was fitted on."""

    def __init__(self, total=1.0, native=False):
        self.total = total
        self.native = native

    def fit(self, X, y, sample_weight=None):
        if sample_weight is None or len(sample_weight) != len(X):
            raise AssertionError("sample_weight did not reach fit intact")
        self.share_ = np.sum(sample_weight) / self.total
        self.n_outputs_ = 1 if np.ndim(y) == 1 else np.shape(y)[1]
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        if self.native:
            return np.full((len(X), self.n_outputs_), self.share_)
        return np.tile([1 - self.share_, self.share_], (len(X), 1))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self.native
        tags.target_tags.single_output = True
        return tags


class _NoProba(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize(
    "estimator, expected",
    [
        (RandomForestClassifier(), True),
        (ExtraTreesClassifier(), True),
        (DecisionTreeClassifier(), True),
        (KNeighborsClassifier(), True),
        (MLPClassifier(), True),
        (OneVsRestClassifier(LogisticRegression()), True),
        (MultiOutputClassifier(LogisticRegression()), True),
        (ClassifierChain(LogisticRegression()), True),
        (make_pipeline(StandardScaler(), RandomForestClassifier()), True),
        (make_pipeline(StandardScaler(), MLPClassifier()), True),
        (make_pipeline(StandardScaler(), ClassifierChain(GaussianNB())), True),
        (LogisticRegression(), False),
        (HistGradientBoostingClassifier(), False),
        (SVC(probability=True), False),
        (GaussianNB(), False),
        (make_pipeline(StandardScaler(), LogisticRegression()), False),
    ],
)
def test_is_native_multilabel_known_estimators(estimator, expected):
    """Check that native multi-label support is detected for common classifiers."""
    assert is_native_multilabel(estimator) is expected


def test_positive_proba_list_with_constant_columns():
    """Check that (n, 1) outputs of constant training columns become 1.0 or 0.0."""
    X, Y = _data()
    Y[:, 0] = 1
    Y[:, 2] = 0
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y)
    proba = positive_proba(model, X, 3)
    assert proba.shape == (60, 3)
    assert proba.dtype == np.float64
    np.testing.assert_array_equal(proba[:, 0], 1.0)
    np.testing.assert_array_equal(proba[:, 2], 0.0)
    np.testing.assert_allclose(proba[:, 1], model.predict_proba(X)[1][:, 1])


@pytest.mark.parametrize(
    "estimator",
    [MLPClassifier(max_iter=30, random_state=0), ClassifierChain(LogisticRegression())],
)
def test_positive_proba_2d_array_outputs(estimator):
    """Check that (n, K) predict_proba arrays are returned as they are."""
    X, Y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = estimator.fit(X, Y)
    np.testing.assert_allclose(positive_proba(model, X, 3), model.predict_proba(X))


def test_positive_proba_single_output_uses_classes():
    """Check that a binary classifier's column of class 1 is picked by classes_."""
    X, Y = _data()
    model = LogisticRegression().fit(X, Y[:, 0])
    proba = positive_proba(model, X, 1)
    assert proba.shape == (60, 1)
    np.testing.assert_allclose(proba[:, 0], model.predict_proba(X)[:, 1])
    constant = GaussianNB().fit(X, np.ones(60, dtype=int))
    np.testing.assert_array_equal(positive_proba(constant, X, 1), 1.0)


def test_positive_proba_unsupported_format_raises():
    """Check that a wrongly shaped or non-0/1 output raises a ValueError."""
    X, Y = _data()
    model = MLPClassifier(max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y)
    with pytest.raises(ValueError, match="expected \\(n_samples, n_classes=2\\)"):
        positive_proba(model, X, 2)
    forest = RandomForestClassifier(n_estimators=3).fit(X, Y)
    with pytest.raises(ValueError, match="one per class"):
        positive_proba(forest, X, 2)
    strings = LogisticRegression().fit(X, np.where(Y[:, 0] == 1, "yes", "no"))
    with pytest.raises(ValueError, match="0/1 classes"):
        positive_proba(strings, X, 1)


def test_fit_multilabel_native_and_one_vs_rest():
    """Check that natives are fitted as clones and others one clone per class."""
    X, Y = _data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    fitted = fit_multilabel(forest, X, Y)
    assert isinstance(fitted, RandomForestClassifier) and fitted is not forest
    assert not hasattr(forest, "estimators_")
    estimator = LogisticRegression()
    model = fit_multilabel(estimator, X, Y)
    assert len(model.estimators_) == 3 and not hasattr(estimator, "coef_")
    for k, clone_k in enumerate(model.estimators_):
        np.testing.assert_array_equal(clone_k.classes_, [0, 1])
        expected = LogisticRegression().fit(X, Y[:, k])
        np.testing.assert_array_equal(clone_k.coef_, expected.coef_)
    # Interchangeable with OneVsRestClassifier in every prediction method.
    ovr = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    np.testing.assert_array_equal(positive_proba(model, X, 3), ovr.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), ovr.predict(X))
    np.testing.assert_array_equal(model.decision_function(X), ovr.decision_function(X))
    assert model.n_features_in_ == 4


def test_fit_multilabel_constant_class_predicted_as_constant():
    """Check that a class with one value in training is predicted as it, unfitted."""
    X, Y = _data()
    Y[:, 1], Y[:, 2] = 0, 1
    model = fit_multilabel(LogisticRegression(), X, Y)
    proba = positive_proba(model, X, 3)
    np.testing.assert_array_equal(proba[:, 1:], np.tile([0.0, 1.0], (60, 1)))
    np.testing.assert_array_equal(model.predict(X)[:, 1:], proba[:, 1:])
    assert model.predict(X).dtype == np.int64
    reference = LogisticRegression().fit(X, Y[:, 0]).predict_proba(X)[:, 1]
    np.testing.assert_array_equal(proba[:, 0], reference)


def test_fit_multilabel_one_column_target():
    """Check that a one-column target is fitted 1-D, as a single-output fit."""
    X, Y = _data()
    for estimator in [
        RandomForestClassifier(n_estimators=5, random_state=0),
        LogisticRegression(),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no column-vector warning
            model = fit_multilabel(estimator, X, Y[:, :1])
        expected = clone(estimator).fit(X, Y[:, 0]).predict_proba(X)[:, 1]
        np.testing.assert_array_equal(positive_proba(model, X, 1)[:, 0], expected)


def test_fit_multilabel_passes_fit_params_without_routing():
    """Check that sample_weight reaches the one-vs-rest fits with routing off."""
    X, Y = _data()
    weight = np.random.RandomState(0).uniform(0.1, 3, size=60)
    estimator = LogisticRegression()
    model = fit_multilabel(estimator, X, Y, sample_weight=weight)
    expected = np.column_stack(
        [
            LogisticRegression()
            .fit(X, Y[:, k], sample_weight=weight)
            .predict_proba(X)[:, 1]
            for k in range(3)
        ]
    )
    np.testing.assert_allclose(positive_proba(model, X, 3), expected)
    unweighted = positive_proba(fit_multilabel(estimator, X, Y), X, 3)
    assert not np.allclose(unweighted, expected)


def test_pipeline_step_params_reach_folds_and_refit_without_routing():
    """Check that step params reach every fit with routing off, as GridSearchCV."""
    X, Y = _data(90)
    weight = np.random.RandomState(0).uniform(0.1, 3, size=90)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    params = {"logisticregression__sample_weight": weight}
    clf = CleanMultiLabel(pipe, cv=CV, n_repeats=1, refit=False).fit(X, Y, **params)
    # The refit: each per-class pipeline got the weights.
    expected = [clone(pipe).fit(X, y, **params).predict_proba(X)[:, 1] for y in Y.T]
    np.testing.assert_array_equal(clf.predict_proba(X), np.column_stack(expected))
    # The fold fits: each per-class pipeline got the training rows' weights.
    oof = np.empty(Y.shape)
    for train, test in CV.split(X):
        for k in range(3):
            model = clone(pipe).fit(
                X[train], Y[train, k], logisticregression__sample_weight=weight[train]
            )
            oof[test, k] = model.predict_proba(X[test])[:, 1]
    np.testing.assert_array_equal(clf.pred_probs_, oof)
    unweighted = CleanMultiLabel(pipe, cv=CV, n_repeats=1, refit=False).fit(X, Y)
    assert not np.allclose(unweighted.pred_probs_, clf.pred_probs_)


def test_pipeline_sample_weight_routed_equals_step_params():
    """Check that routed sample_weight gives the fits of the step-param form."""
    X, Y = _data(90)
    weight = np.random.RandomState(0).uniform(0.1, 3, size=90)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    step = CleanMultiLabel(pipe, cv=CV, n_repeats=1, refit=False).fit(
        X, Y, logisticregression__sample_weight=weight
    )
    with config_context(enable_metadata_routing=True):
        routed_pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight=True),
        )
        routed = CleanMultiLabel(routed_pipe, cv=CV, n_repeats=1, refit=False)
        routed.fit(X, Y, sample_weight=weight)
        np.testing.assert_array_equal(routed.pred_probs_, step.pred_probs_)
        np.testing.assert_array_equal(routed.predict_proba(X), step.predict_proba(X))


@pytest.mark.parametrize(
    "cv", [CV, MultilabelStratifiedKFold(3, shuffle=True, random_state=0)]
)
def test_cross_val_pred_probs_matches_manual_loop_random_forest(cv):
    """Check that a seeded random forest gives the same result as a plain loop."""
    X, Y = _data()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    got = cross_val_pred_probs(forest, X, Y, cv=cv)
    np.testing.assert_allclose(got, _manual_oof(forest, X, Y, cv, per_class=False))


@pytest.mark.parametrize(
    "estimator",
    [KNeighborsClassifier(n_neighbors=5), MLPClassifier(max_iter=30, random_state=0)],
)
def test_cross_val_pred_probs_matches_manual_loop_natives(estimator):
    """Check k-NN and MLP (an (n, K) array output) against a plain loop."""
    X, Y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        got = cross_val_pred_probs(estimator, X, Y, cv=CV)
        expected = _manual_oof(estimator, X, Y, CV, per_class=False)
    np.testing.assert_allclose(got, expected)


def test_cross_val_pred_probs_single_output_logistic_regression():
    """Check that a single-output estimator is fitted per fold and class."""
    X, Y = _data()
    got = cross_val_pred_probs(LogisticRegression(), X, Y, cv=CV)
    expected = _manual_oof(LogisticRegression(), X, Y, CV, per_class=True)
    np.testing.assert_allclose(got, expected)


def test_cross_val_pred_probs_hist_gradient_boosting():
    """Check shape and range for HistGradientBoostingClassifier (single-output)."""
    X, Y = _data(n_classes=2)
    hgb = HistGradientBoostingClassifier(max_iter=5, min_samples_leaf=5)
    got = cross_val_pred_probs(hgb, X, Y, cv=CV)
    expected = _manual_oof(hgb, X, Y, CV, per_class=True)
    np.testing.assert_allclose(got, expected)
    assert got.shape == (60, 2)
    assert np.all((got >= 0) & (got <= 1))


@pytest.mark.parametrize(
    "estimator",
    [
        MultiOutputClassifier(LogisticRegression()),
        ClassifierChain(LogisticRegression()),
        LogisticRegression(),
    ],
)
def test_cross_val_pred_probs_column_constant_in_training_fold(estimator):
    """Check that columns constant in a training fold are predicted, not fitted."""
    X, Y = _data()
    Y[:, 1] = 0
    Y[:3, 1] = 1  # positives only in the first test fold of KFold(3)
    Y[:, 2] = 1
    train0 = np.arange(20, 60)
    with pytest.raises(ValueError):
        estimator.fit(X[train0], Y[train0])  # what a naive loop would do
    got = cross_val_pred_probs(estimator, X, Y, cv=CV)
    assert got.shape == (60, 3)
    np.testing.assert_array_equal(got[:20, 1], 0.0)
    np.testing.assert_array_equal(got[:, 2], 1.0)
    assert np.all((got >= 0) & (got <= 1))
    assert np.ptp(got[20:, 1]) > 0  # later folds did learn the column


@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestClassifier(n_estimators=5, random_state=0),
        MLPClassifier(max_iter=30, random_state=0),
        MultiOutputClassifier(LogisticRegression()),
        ClassifierChain(LogisticRegression()),
    ],
)
def test_cross_val_pred_probs_single_free_column(estimator):
    """Check natives when a fold leaves only one non-constant column."""
    X, Y = _data(n_classes=2)
    Y[:, 1] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        got = cross_val_pred_probs(estimator, X, Y, cv=CV)
    np.testing.assert_array_equal(got[:, 1], 1.0)
    needs_2d = isinstance(estimator, (MultiOutputClassifier, ClassifierChain))
    expected = np.empty(60)
    for train, test in CV.split(X):
        target = Y[train, :1] if needs_2d else Y[train, 0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            proba = estimator.fit(X[train], target).predict_proba(X[test])
        expected[test] = (proba[0] if isinstance(proba, list) else proba)[:, -1]
    np.testing.assert_allclose(got[:, 0], expected)


def test_cross_val_pred_probs_pipeline():
    """Check that a Pipeline ending in a forest is handled as native."""
    X, Y = _data()
    pipe = make_pipeline(
        StandardScaler(), RandomForestClassifier(n_estimators=5, random_state=0)
    )
    got = cross_val_pred_probs(pipe, X, Y, cv=CV)
    np.testing.assert_allclose(got, _manual_oof(pipe, X, Y, CV, per_class=False))


@pytest.mark.parametrize("native", [False, True])
def test_cross_val_pred_probs_sample_weight_reaches_every_fit(native):
    """Check that sample_weight, restricted to the training rows, reaches each fit."""
    X, Y = _data()
    weight = np.arange(1.0, 61.0)
    recorder = _WeightRecorder(total=weight.sum(), native=native)
    got = cross_val_pred_probs(
        recorder, X, Y, cv=CV, fit_params={"sample_weight": weight}
    )
    for train, test in CV.split(X):
        np.testing.assert_allclose(got[test], weight[train].sum() / weight.sum())
    with pytest.raises(AssertionError, match="sample_weight"):
        cross_val_pred_probs(recorder, X, Y, cv=CV)


def test_cross_val_pred_probs_sparse_x():
    """Check that sparse X gives the same result as dense X."""
    X, Y = _data()
    X[X < 0] = 0
    dense = cross_val_pred_probs(LogisticRegression(), X, Y, cv=CV)
    sparse = cross_val_pred_probs(LogisticRegression(), sp.csr_matrix(X), Y, cv=CV)
    np.testing.assert_allclose(sparse, dense)


def test_cross_val_pred_probs_dataframe_x():
    """Check that a DataFrame reaches the estimator with its column names."""
    X, Y = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    by_name = make_pipeline(
        ColumnTransformer([("keep", "passthrough", ["a", "b", "c", "d"])]),
        LogisticRegression(),
    )
    got = cross_val_pred_probs(by_name, frame, Y, cv=CV)
    expected = cross_val_pred_probs(LogisticRegression(), X, Y, cv=CV)
    np.testing.assert_allclose(got, expected)


def test_cross_val_pred_probs_list_of_strings_x():
    """Check that a list of texts flows to a text pipeline unconverted."""
    words = np.array(["red", "green", "blue", "cat", "dog"])
    rng = np.random.RandomState(0)
    picks = rng.randint(0, 5, size=(40, 3))
    texts = [" ".join(words[row]) for row in picks]
    Y = np.column_stack([(picks == 0).any(axis=1), (picks == 3).any(axis=1)]).astype(
        int
    )
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    got = cross_val_pred_probs(pipe, texts, Y, cv=CV)
    assert got.shape == (40, 2)
    assert np.corrcoef(got[:, 0], Y[:, 0])[0, 1] > 0.5


def test_cross_val_pred_probs_n_jobs_same_result():
    """Check that n_jobs=2 gives the same predictions as n_jobs=1."""
    X, Y = _data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    one = cross_val_pred_probs(forest, X, Y, cv=CV, n_jobs=1)
    two = cross_val_pred_probs(forest, X, Y, cv=CV, n_jobs=2)
    np.testing.assert_array_equal(one, two)


def test_cross_val_pred_probs_int_cv_uses_random_state():
    """Check that an int cv is a seeded multi-label stratified split."""
    X, Y = _data()
    knn = KNeighborsClassifier()
    first = cross_val_pred_probs(knn, X, Y, cv=4, random_state=0)
    again = cross_val_pred_probs(knn, X, Y, cv=4, random_state=0)
    splitter = MultilabelStratifiedKFold(4, shuffle=True, random_state=0)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, _manual_oof(knn, X, Y, splitter, per_class=False))


@pytest.mark.parametrize(
    "cv",
    [
        [(np.arange(20, 60), np.arange(20)), (np.arange(20), np.arange(10, 60))],
        [(np.arange(30, 60), np.arange(30)), (np.arange(30), np.arange(30, 50))],
    ],
    ids=["overlapping", "missing"],
)
def test_cross_val_pred_probs_non_partition_cv_raises(cv):
    """Check that test folds that are not a partition raise a ValueError naming cv."""
    X, Y = _data()
    with pytest.raises(ValueError, match="cv must put every sample"):
        cross_val_pred_probs(LogisticRegression(), X, Y, cv=cv)


def test_cross_val_pred_probs_leaky_cv_raises():
    """Check that a fold whose training rows contain its test rows raises."""
    X, Y = _data()
    cv = [(np.arange(60), np.arange(30)), (np.arange(30), np.arange(30, 60))]
    with pytest.raises(ValueError, match="do not contain"):
        cross_val_pred_probs(LogisticRegression(), X, Y, cv=cv)


@pytest.mark.parametrize("estimator", [SVC(), LinearSVC(), _NoProba()])
def test_cross_val_pred_probs_without_predict_proba_raises(estimator):
    """Check that a missing predict_proba raises a TypeError with a remedy."""
    X, Y = _data()
    with pytest.raises(TypeError, match=r"predict_proba.*CalibratedClassifierCV"):
        cross_val_pred_probs(estimator, X, Y, cv=CV)


@pytest.mark.parametrize(
    "Y, match",
    [
        (np.zeros(60), "shape"),
        (np.full((60, 2), 2), "0/1"),
        (np.zeros((59, 2)), "shape"),
    ],
)
def test_cross_val_pred_probs_bad_y_raises(Y, match):
    """Check that a target that is not a (n_samples, K) 0/1 indicator raises."""
    X, _ = _data()
    with pytest.raises(ValueError, match=match):
        cross_val_pred_probs(LogisticRegression(), X, Y, cv=CV)


def test_cross_val_pred_probs_accepts_sparse_y_and_keeps_inputs():
    """Check that sparse Y works and that X and Y are not modified."""
    X, Y = _data()
    X_before, Y_before = X.copy(), Y.copy()
    dense = cross_val_pred_probs(KNeighborsClassifier(), X, Y, cv=CV)
    sparse = cross_val_pred_probs(KNeighborsClassifier(), X, sp.csr_matrix(Y), cv=CV)
    np.testing.assert_array_equal(dense, sparse)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)


def test_cross_val_pred_probs_verbose_prints_each_fold(capsys):
    """Check that verbose=1 prints one line per fold to stderr, silent otherwise."""
    X, Y = _data()
    cross_val_pred_probs(KNeighborsClassifier(), X, Y, cv=CV, verbose=1)
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split("fold ")[1].split(" ")[0] for line in lines] == [
        "1/3",
        "2/3",
        "3/3",
    ]
    cross_val_pred_probs(KNeighborsClassifier(), X, Y, cv=CV)
    assert capsys.readouterr().err == ""


def test_cross_val_pred_probs_passes_split_params():
    """Check that split_params reach cv.split (groups for GroupKFold)."""
    from sklearn.model_selection import GroupKFold

    X, Y = _data()
    groups = np.repeat(np.arange(6), 10)
    got = cross_val_pred_probs(
        KNeighborsClassifier(), X, Y, cv=GroupKFold(3), split_params={"groups": groups}
    )
    cv = list(GroupKFold(3).split(X, Y, groups))
    expected = np.empty(Y.shape)
    for train, test in cv:
        proba = KNeighborsClassifier().fit(X[train], Y[train]).predict_proba(X[test])
        expected[test] = np.column_stack([p[:, 1] for p in proba])
    np.testing.assert_allclose(got, expected)
