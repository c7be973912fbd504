"""Smoke tests of the real-data benchmark (benchmarks/real_quality.py)."""

import gzip
import importlib
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("real_quality")


@pytest.fixture
def mulan(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("_mulan")


def test_read_arff_dense_and_sparse(mulan, tmp_path):
    """Check that dense and sparse ARFF rows give the same matrix."""
    header = "@relation demo\n@attribute 'a b' numeric\n@attribute c {0,1}\n@data\n"
    dense, sparse = tmp_path / "dense.arff", tmp_path / "sparse.arff.gz"
    dense.write_text(header + "1.5,0\n% comment\n0,1\n")
    with gzip.open(sparse, "wt") as handle:
        handle.write(header + "{0 1.5}\n{1 1}\n")
    names, matrix = mulan.read_arff(dense)
    assert names == ["a b", "c"]
    np.testing.assert_array_equal(matrix.toarray(), [[1.5, 0], [0, 1]])
    sparse_matrix = mulan.read_arff(sparse)[1]
    np.testing.assert_array_equal(sparse_matrix.toarray(), matrix.toarray())


def test_shipped_data_sets_load(mulan):
    """Check that every shipped data set has its published shape and 0/1 labels."""
    shapes = {
        "emotions": (391, 72, 6),
        "scene": (1211, 294, 6),
        "yeast": (1500, 103, 14),
    }
    for name, (n, n_features, n_labels) in shapes.items():
        X, Y = mulan.load(name, "train")
        assert X.shape == (n, n_features) and Y.shape == (n, n_labels)
        assert set(np.unique(Y)) == {0, 1}


def test_detection_metrics_perfect_ranking(bench):
    """Check the metrics on a ranking that puts every error first."""
    is_error = np.array([True, False, True, False, False])
    metrics = bench.detection(is_error, is_error.astype(float), np.array([0, 1]))
    assert metrics["auprc"] == pytest.approx(1.0)
    assert metrics["precision"] == pytest.approx(0.5)
    assert metrics["recall"] == pytest.approx(0.5)
    assert metrics["size"] == pytest.approx(1.0)


@pytest.mark.slow
def test_one_case_end_to_end(bench, tmp_path, capsys):
    """Check one emotions case, without downstream fits, and its report."""
    bench.main(
        [
            "--datasets", "emotions", "--noises", "forgotten", "--seeds", "1",
            "--synthetic", "", "--no-downstream", "--cache-dir", str(tmp_path),
            "--no-write",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "### Targets (issue 12)" in out
    assert "| forgotten | cleanlab recipe | 1 |" in out
    assert "| forgotten | default | 1 |" in out
