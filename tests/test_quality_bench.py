"""Smoke tests of the detection-quality benchmark (benchmarks/quality.py)."""

import importlib
from pathlib import Path

import numpy as np
import pytest
from _helpers import make_multilabel_case
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import Bunch

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def lib(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("_quality_lib")


@pytest.fixture
def quality(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("quality")


def test_ranking_metrics_perfect_and_reversed(lib):
    """Check that perfect scores give AUROC 1 and reversed ones AUROC 0."""
    n_wrong = np.array([0, 2, 0, 1, 0, 0, 0, 1])
    is_error = n_wrong > 0
    perfect = np.where(is_error, 0.1, 0.9)
    metrics = lib.ranking_metrics(n_wrong, perfect)
    assert metrics["auroc"] == pytest.approx(1.0)
    assert metrics["auprc"] == pytest.approx(1.0)
    # All errors in the top 3: precision 1 over a base rate of 3/8.
    assert metrics["lift"] == pytest.approx(8 / 3)
    assert lib.ranking_metrics(n_wrong, 1 - perfect)["auroc"] == pytest.approx(0.0)


def test_flag_metrics_counts(lib):
    """Check precision, recall and F1 of a flagged set against hand counts."""
    n_wrong = np.array([1, 1, 0, 0, 2])
    mask = np.array([True, False, True, False, True])
    metrics = lib.flag_metrics(n_wrong, mask)
    # 2 of the 3 flagged rows are errors, 2 of the 3 errors are flagged.
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["flagged"] == 3


def test_check_parity_on_random_data(lib):
    """Check that our functional API equals cleanlab's on random inputs."""
    Y, P = make_multilabel_case(3, n=150, n_classes=4, ties=False, rare=False)
    scores, mask = lib.check_parity(Y.astype(int), P)
    assert scores.shape == (150,)
    assert mask.dtype == bool


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_calibrate_is_monotone_per_class(lib, method):
    """Check that calibration keeps each class's order and leaves P intact."""
    Y, P = make_multilabel_case(1, n=200, n_classes=3, ties=False, rare=False)
    P_before = P.copy()
    calibrated = lib.calibrate(Y.astype(int), P, method)
    np.testing.assert_array_equal(P, P_before)
    assert calibrated.min() >= 0 and calibrated.max() <= 1
    for k in range(P.shape[1]):
        order = np.argsort(P[:, k])
        assert np.all(np.diff(calibrated[order, k]) >= -1e-12)


def test_relabel_changes_only_flagged_annotations(lib):
    """Check that relabel sets flagged annotations to P > 0.5, nothing else."""
    Y = np.array([[1, 0], [0, 1], [1, 1]])
    P = np.array([[0.2, 0.9], [0.4, 0.3], [0.8, 0.1]])
    flagged = np.array([[True, False], [False, True], [False, True]])
    expected = np.array([[0, 0], [0, 0], [1, 0]])
    np.testing.assert_array_equal(lib.relabel(Y, P, flagged), expected)


def test_downstream_per_class_keep_all_equals_plain_refit(lib):
    """Check that per-class refits keeping everything equal one OvR refit."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    Y = (X[:, :2] + rng.normal(scale=0.5, size=(120, 2)) > 0).astype(int)
    data = Bunch(X=X[:80], Y=Y[:80], X_test=X[80:], Y_test=Y[80:])
    model = OneVsRestClassifier(LogisticRegression())
    plain = lib.downstream_f1(model, data)
    per_class = lib.downstream_f1(model, data, keep=np.ones((80, 2), dtype=bool))
    assert per_class == pytest.approx(plain)
    removed = lib.downstream_f1(model, data, keep=np.arange(80) % 2 == 0)
    assert 0 <= removed <= 1


def test_cache_round_trip(lib, tmp_path):
    """Check that cached pred_probs are reloaded without recomputing."""
    cache = lib.Cache(tmp_path)
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6.0).reshape(3, 2)

    first, _ = cache.pred_probs(("toy/RF", 0, "it0"), compute)
    second, _ = cache.pred_probs(("toy/RF", 0, "it0"), compute)
    np.testing.assert_array_equal(first, second)
    assert len(calls) == 1


@pytest.mark.slow
def test_evaluate_seed_and_report_on_toy_data(quality, lib, monkeypatch, tmp_path):
    """Check one seed end to end on toy data with LR, and the written report."""
    monkeypatch.setitem(lib.SETTINGS, "toy/LR", lib.Setting("toy", "LR", 1, 3))
    result = lib.evaluate_seed("toy/LR", 0, False, lib.Cache(None))
    # The functional API on the recipe's pred_probs is the cleanlab row.
    assert result["ranking"]["cleanlab"] == result["ranking"][quality.RECIPE]
    assert quality.DEFAULT_VARIANT in result["ranking"]
    assert set(result["downstream"]) >= {"noisy", "default/rows", "true"}
    if lib.estimator_class() is not None:
        assert set(result["estimator"]["downstream"]) == {
            "weighted",
            "remove",
            "relabel",
        }
    text = quality.report({"toy/LR": [result]}, "python benchmarks/quality.py")
    path = tmp_path / "BENCHMARKS.md"
    quality._common.write_section(quality.HEADING, text, path=path)
    written = path.read_text()
    assert written.count(quality.HEADING) == 1
    assert "### toy/LR (1 seeds)" in written
