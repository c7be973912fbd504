import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold, PredefinedSplit, cross_val_score

from skcleanml._split import MultilabelStratifiedKFold, check_multilabel_cv


def _random_labels(n_samples, n_classes, seed, low=0.02, high=0.4):
    rng = np.random.RandomState(seed)
    rates = rng.uniform(low, high, size=n_classes)
    return (rng.uniform(size=(n_samples, n_classes)) < rates).astype(int)


def _fold_ids(cv, X, y):
    folds = np.full(len(X), -1)
    for fold, (_, test) in enumerate(cv.split(X, y)):
        folds[test] = fold
    return folds


def _per_fold_counts(cv, Y):
    return np.array([Y[test].sum(axis=0) for _, test in cv.split(Y, Y)])


def _reference_stratification(Y, n_splits):
    """Sechidis et al. (2011), Algorithm 1, one example at a time (no shuffle)."""
    n_samples = Y.shape[0]
    desire = np.full(n_splits, n_samples / n_splits)
    label_desire = np.tile(Y.sum(axis=0) / n_splits, (n_splits, 1))
    folds = np.full(n_samples, -1)
    while True:
        remaining = Y[folds < 0].sum(axis=0)
        if not remaining.any():
            break
        label = np.flatnonzero(remaining == remaining[remaining > 0].min())[0]
        for row in np.flatnonzero((folds < 0) & (Y[:, label] == 1)):
            best = np.flatnonzero(
                np.isclose(label_desire[:, label], label_desire[:, label].max())
            )
            best = best[np.isclose(desire[best], desire[best].max())]
            folds[row] = best[0]
            label_desire[best[0]] -= Y[row]
            desire[best[0]] -= 1
    for row in np.flatnonzero(folds < 0):
        best = np.flatnonzero(np.isclose(desire, desire.max()))[0]
        folds[row] = best
        desire[best] -= 1
    return folds


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("n_splits", [2, 3, 5])
def test_multilabel_stratified_kfold_partitions_samples(shuffle, n_splits):
    """Check that the test folds partition the samples and train is the rest."""
    Y = _random_labels(103, 7, seed=n_splits, low=0.1)
    cv = MultilabelStratifiedKFold(
        n_splits, shuffle=shuffle, random_state=0 if shuffle else None
    )
    splits = list(cv.split(np.zeros(len(Y)), Y))
    assert len(splits) == n_splits
    tests = np.concatenate([test for _, test in splits])
    np.testing.assert_array_equal(np.sort(tests), np.arange(len(Y)))
    for train, test in splits:
        np.testing.assert_array_equal(
            np.sort(np.concatenate([train, test])), np.arange(len(Y))
        )
        assert len(test) in (len(Y) // n_splits, len(Y) // n_splits + 1)


@pytest.mark.parametrize("seed", range(4))
def test_multilabel_stratified_kfold_matches_reference(seed):
    """Check that the batched algorithm equals a one-example-at-a-time version."""
    rng = np.random.RandomState(seed)
    n_splits = rng.randint(2, 7)
    Y = _random_labels(rng.randint(20, 300), rng.randint(1, 12), seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        folds = _fold_ids(MultilabelStratifiedKFold(n_splits), Y, Y)
    np.testing.assert_array_equal(folds, _reference_stratification(Y, n_splits))


def test_multilabel_stratified_kfold_balances_single_label_data():
    """Check that one-label-per-sample data is balanced to within one per fold."""
    rng = np.random.RandomState(0)
    y = rng.randint(0, 6, size=200)
    Y = np.eye(6, dtype=int)[y]
    for cv in (
        MultilabelStratifiedKFold(4),
        MultilabelStratifiedKFold(4, shuffle=True, random_state=1),
    ):
        counts = _per_fold_counts(cv, Y)
        assert np.abs(counts - Y.sum(axis=0) / 4).max() < 1


def test_multilabel_stratified_kfold_balances_rarest_label_exactly():
    """Check that the rarest label, handed out first, is split within one."""
    Y = _random_labels(500, 10, seed=3)
    rarest = np.argmin(Y.sum(axis=0))
    counts = _per_fold_counts(MultilabelStratifiedKFold(5), Y)
    assert np.abs(counts[:, rarest] - Y[:, rarest].sum() / 5).max() < 1


def test_multilabel_stratified_kfold_beats_kfold_on_rare_labels():
    """Check that rare labels are spread more evenly than by shuffled KFold."""
    Y = _random_labels(1000, 20, seed=0, low=0.005, high=0.05)
    ideal = Y.sum(axis=0) / 5
    cv = MultilabelStratifiedKFold(5, shuffle=True, random_state=0)
    ours = np.abs(_per_fold_counts(cv, Y) - ideal).mean()
    kfold = np.mean(
        [
            np.abs(
                _per_fold_counts(KFold(5, shuffle=True, random_state=s), Y) - ideal
            ).mean()
            for s in range(5)
        ]
    )
    assert ours < 0.5 * kfold
    assert ours < 1


def test_multilabel_stratified_kfold_deterministic_under_random_state():
    """Check that equal random_state gives equal splits, repeatedly."""
    Y = _random_labels(150, 6, seed=1)
    first = _fold_ids(MultilabelStratifiedKFold(3, shuffle=True, random_state=7), Y, Y)
    second = _fold_ids(MultilabelStratifiedKFold(3, shuffle=True, random_state=7), Y, Y)
    np.testing.assert_array_equal(first, second)
    unshuffled = MultilabelStratifiedKFold(3)
    np.testing.assert_array_equal(
        _fold_ids(unshuffled, Y, Y), _fold_ids(unshuffled, Y, Y)
    )


def test_multilabel_stratified_kfold_shuffle_changes_split():
    """Check that shuffling, and changing the seed, change the assignment."""
    Y = _random_labels(150, 6, seed=1)
    plain = _fold_ids(MultilabelStratifiedKFold(3), Y, Y)
    seed0 = _fold_ids(MultilabelStratifiedKFold(3, shuffle=True, random_state=0), Y, Y)
    seed1 = _fold_ids(MultilabelStratifiedKFold(3, shuffle=True, random_state=1), Y, Y)
    assert (plain != seed0).any()
    assert (seed0 != seed1).any()


def test_multilabel_stratified_kfold_accepts_sparse_and_1d():
    """Check that sparse y equals dense y and 1-D y acts as one-hot classes."""
    Y = _random_labels(90, 5, seed=2)
    cv = MultilabelStratifiedKFold(3, shuffle=True, random_state=0)
    dense = _fold_ids(cv, Y, Y)
    np.testing.assert_array_equal(_fold_ids(cv, Y, sp.csr_matrix(Y)), dense)
    np.testing.assert_array_equal(_fold_ids(cv, Y, sp.csc_array(Y)), dense)

    y = np.array(["a", "b", "c"])[np.random.RandomState(0).randint(0, 3, 90)]
    onehot = (y[:, None] == np.array(["a", "b", "c"])).astype(int)
    np.testing.assert_array_equal(_fold_ids(cv, Y, y), _fold_ids(cv, Y, onehot))


def test_multilabel_stratified_kfold_does_not_modify_y():
    """Check that y is left untouched."""
    Y = _random_labels(60, 4, seed=4)
    before = Y.copy()
    list(MultilabelStratifiedKFold(3, shuffle=True, random_state=0).split(Y, Y))
    np.testing.assert_array_equal(Y, before)


def test_multilabel_stratified_kfold_too_many_splits_raises():
    """Check that n_splits above n_samples raises a ValueError."""
    Y = np.eye(3, dtype=int)
    with pytest.raises(ValueError, match="n_splits=4"):
        list(MultilabelStratifiedKFold(4).split(Y, Y))


@pytest.mark.parametrize(
    "y, match",
    [
        (None, "requires y"),
        (np.array([[0, 2], [1, 0], [1, 1], [0, 1]]), "0/1 indicator"),
    ],
)
def test_multilabel_stratified_kfold_bad_y_raises(y, match):
    """Check that a missing or non-indicator y raises a ValueError naming y."""
    with pytest.raises(ValueError, match=match):
        list(MultilabelStratifiedKFold(2).split(np.zeros((4, 1)), y))


def test_multilabel_stratified_kfold_bad_params_raise():
    """Check that invalid n_splits or random_state without shuffle raise."""
    with pytest.raises(ValueError, match="n_splits=1"):
        MultilabelStratifiedKFold(1)
    with pytest.raises(ValueError, match="shuffle"):
        MultilabelStratifiedKFold(3, random_state=0)


def test_multilabel_stratified_kfold_warns_on_rare_classes():
    """Check that classes with fewer positives than n_splits are named."""
    Y = _random_labels(100, 5, seed=0)
    Y[:, 1] = 0
    Y[:2, 1] = 1
    Y[:, 3] = 0
    with pytest.warns(UserWarning, match=r"Classes 1, 3 have fewer"):
        list(MultilabelStratifiedKFold(3).split(Y, Y))


def test_multilabel_stratified_kfold_warns_on_groups():
    """Check that passing groups warns that they are ignored."""
    Y = _random_labels(30, 2, seed=0, low=0.3, high=0.5)
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        list(MultilabelStratifiedKFold(3).split(Y, Y, groups=np.arange(30)))


def test_multilabel_stratified_kfold_get_n_splits():
    """Check that get_n_splits returns n_splits without data."""
    assert MultilabelStratifiedKFold(4).get_n_splits() == 4
    Y = _random_labels(20, 2, seed=0, low=0.3, high=0.5)
    assert MultilabelStratifiedKFold(7).get_n_splits(Y, Y) == 7


def test_multilabel_stratified_kfold_in_cross_val_score():
    """Check that the splitter works as cv= of cross_val_score on multi-label y."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    Y = (X[:, :3] > 0).astype(int)
    cv = MultilabelStratifiedKFold(4, shuffle=True, random_state=0)
    scores = cross_val_score(
        RandomForestClassifier(n_estimators=5, random_state=0), X, Y, cv=cv
    )
    assert scores.shape == (4,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_check_multilabel_cv_int_gives_shuffled_stratified_kfold():
    """Check that an int (or None) becomes a shuffled MultilabelStratifiedKFold."""
    cv = check_multilabel_cv(3, random_state=5)
    assert isinstance(cv, MultilabelStratifiedKFold)
    assert (cv.n_splits, cv.shuffle, cv.random_state) == (3, True, 5)
    assert check_multilabel_cv(None).n_splits == 5
    assert check_multilabel_cv(np.int64(4)).n_splits == 4


def test_check_multilabel_cv_passes_splitters_and_iterables():
    """Check that splitters pass unchanged and iterables become splitters."""
    kfold = KFold(3)
    assert check_multilabel_cv(kfold) is kfold
    predefined = PredefinedSplit([0, 0, 1, 1])
    assert check_multilabel_cv(predefined) is predefined
    pairs = [(np.array([2, 3]), np.array([0, 1])), (np.array([0, 1]), np.array([2, 3]))]
    wrapped = check_multilabel_cv(pairs)
    assert wrapped.get_n_splits() == 2
    got = list(wrapped.split(np.zeros(4)))
    np.testing.assert_array_equal(got[0][1], [0, 1])


@pytest.mark.parametrize("cv", [1, 0, -3])
def test_check_multilabel_cv_small_int_raises(cv):
    """Check that an int below 2 raises a ValueError naming cv."""
    with pytest.raises(ValueError, match="cv must be at least 2"):
        check_multilabel_cv(cv)


def test_check_multilabel_cv_bad_type_raises():
    """Check that something that is neither int, splitter nor iterable raises."""
    with pytest.raises(ValueError, match="cv"):
        check_multilabel_cv("five")
