"""Tests of the command line (`python -m skcleanml`), mostly run in-process."""

import csv
import doctest
import io
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier

import skcleanml.__main__
from skcleanml import (
    CleanMultiLabel,
    cross_val_pred_probs,
    find_label_issues,
    find_label_issues_per_class,
    get_label_quality_scores,
)
from skcleanml.__main__ import build_parser, main
from skcleanml._cli import DEFAULT_FILTER, make_detector, make_estimator
from skcleanml._demo import run_demo

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS = ["tagA", "tagB", "tagC"]
FAST = ["--cv", "3", "--n-estimators", "10", "--random-state", "0"]
# CleanMultiLabel's default aggregator, checked against the functional API.
SOFTMIN = {"method": "softmin", "temperature": 0.1}


def _dataset(n=60, seed=0):
    """Three numeric features; each label follows one feature, with noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3)).round(3)
    Y = (X + rng.normal(scale=0.6, size=(n, 3)) > 0).astype(int)
    return X, Y


def _write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _numeric_csv(path, n=60, seed=0, encoding="utf-8"):
    X, Y = _dataset(n, seed)
    rows = [[*x, *y] for x, y in zip(X.tolist(), Y.tolist())]
    return _write_csv(path, ["x0", "x1", "x2", *LABELS], rows, encoding)


def _find(data, output, *extra, labels="tagA,tagB,tagC"):
    args = ["find-issues", str(data), "--labels", labels, *FAST, "-o", str(output)]
    return main([*args, *extra])


def _read_output(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pred_probs(rows, labels=LABELS):
    return np.array(
        [[float(row[f"pred_prob_{name}"]) for name in labels] for row in rows]
    )


def test_main_help_subprocess():
    """Check that `python -m skcleanml --help` runs and shows an example."""
    result = subprocess.run(
        [sys.executable, "-m", "skcleanml", "--help"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
        timeout=120,
    )
    assert result.returncode == 0
    assert "find-issues" in result.stdout and "demo" in result.stdout
    assert "python -m skcleanml find-issues data.csv --labels" in result.stdout


def test_find_issues_subprocess_end_to_end(tmp_path):
    """Check the whole command in a fresh interpreter: file, report, progress."""
    data = _numeric_csv(tmp_path / "data.csv")
    output = tmp_path / "issues.csv"
    command = [sys.executable, "-m", "skcleanml", "find-issues", str(data)]
    result = subprocess.run(
        [*command, "--labels", ",".join(LABELS), *FAST, "--output", str(output)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Label health summary" in result.stdout
    assert "fold 9/9 done" in result.stderr  # 3 repeats x 3 folds
    assert len(_read_output(output)) == 60


def test_find_issues_output_columns_and_row_order(tmp_path):
    """Check that there is one output row per input row, in input order."""
    data = _numeric_csv(tmp_path / "data.csv", n=45)
    assert _find(data, tmp_path / "out.csv") == 0
    rows = _read_output(tmp_path / "out.csv")
    assert list(rows[0]) == [
        "row",
        "label_quality_score",
        "is_label_issue",
        "issue_rank",
        "suggested_changes",
        "pred_prob_tagA",
        "pred_prob_tagB",
        "pred_prob_tagC",
    ]
    assert [int(row["row"]) for row in rows] == list(range(45))
    assert {row["is_label_issue"] for row in rows} <= {"0", "1"}
    for row in rows:
        assert (row["issue_rank"] != "") == (row["is_label_issue"] == "1")
        assert 0 <= float(row["label_quality_score"]) <= 1


def _flags(rows):
    return np.array([row["is_label_issue"] == "1" for row in rows])


def _scores(rows):
    return np.array([float(row["label_quality_score"]) for row in rows])


def _ranked(rows):
    """Indices of the flagged rows, sorted by their issue_rank."""
    flagged = np.flatnonzero(_flags(rows))
    return np.array(sorted(flagged, key=lambda i: int(rows[i]["issue_rank"])))


def _assert_suggested_changes(rows, Y, per_class):
    for i, row in enumerate(rows):
        expected = [
            ("-" if Y[i, k] else "+") + name
            for k, name in enumerate(LABELS)
            if per_class[i, k]
        ]
        assert row["suggested_changes"] == ";".join(expected)


def test_find_issues_matches_estimator_and_functional_api(tmp_path):
    """Check the output against CleanMultiLabel, and both against the functions."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv") == 0
    rows = _read_output(tmp_path / "out.csv")
    X, Y = _dataset()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, random_state=0, refit=False).fit(X, Y)
    P = clean.pred_probs_
    np.testing.assert_array_equal(_pred_probs(rows), P)
    np.testing.assert_array_equal(_scores(rows), clean.label_quality_scores_)
    np.testing.assert_array_equal(_flags(rows), clean.label_issues_mask_)
    np.testing.assert_array_equal(_ranked(rows), clean.label_issues_)
    assert clean.label_issues_.size > 0
    _assert_suggested_changes(rows, Y, clean.per_class_label_issues_)

    # The estimator's defaults: 3 cross-validations averaged, softmin scores.
    repeated = cross_val_pred_probs(forest, X, Y, cv=3, n_repeats=3, random_state=0)
    np.testing.assert_array_equal(P, repeated)
    np.testing.assert_array_equal(
        _scores(rows), get_label_quality_scores(Y, P, aggregator_kwargs=SOFTMIN)
    )
    assert not np.array_equal(_scores(rows), get_label_quality_scores(Y, P))
    np.testing.assert_array_equal(_flags(rows), find_label_issues(Y, P))
    ranked = find_label_issues(
        Y,
        P,
        return_indices_ranked_by="self_confidence",
        rank_by_kwargs={"aggregator_kwargs": SOFTMIN},
    )
    np.testing.assert_array_equal(_ranked(rows), ranked)
    flagged = find_label_issues_per_class(Y, P) & find_label_issues(Y, P)[:, None]
    _assert_suggested_changes(rows, Y, flagged)


def test_find_issues_cleanlab_compatible_is_cleanlab_recipe(tmp_path, capsys):
    """Check --cleanlab-compatible: one cross-validation and EMA (0.8) scores."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--cleanlab-compatible") == 0
    assert capsys.readouterr().err.count("[cross_val_pred_probs] fold") == 3
    rows = _read_output(tmp_path / "out.csv")
    X, Y = _dataset()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    P = cross_val_pred_probs(forest, X, Y, cv=3, random_state=0)
    np.testing.assert_array_equal(_pred_probs(rows), P)
    np.testing.assert_array_equal(_scores(rows), get_label_quality_scores(Y, P))
    mask = find_label_issues(Y, P)
    np.testing.assert_array_equal(_flags(rows), mask)
    assert mask.any()
    ranked = find_label_issues(Y, P, return_indices_ranked_by="self_confidence")
    np.testing.assert_array_equal(_ranked(rows), ranked)
    _assert_suggested_changes(
        rows, Y, find_label_issues_per_class(Y, P) & mask[:, None]
    )


def test_find_issues_n_repeats(tmp_path, capsys):
    """Check that --n-repeats 2 runs 2 x 3 folds and averages like the estimator."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--n-repeats", "2") == 0
    err = capsys.readouterr().err
    assert err.count("[cross_val_pred_probs] fold") == 6
    assert "fold 6/6 done" in err
    X, Y = _dataset()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, n_repeats=2, random_state=0, refit=False)
    clean.fit(X, Y)
    rows = _read_output(tmp_path / "out.csv")
    np.testing.assert_array_equal(_pred_probs(rows), clean.pred_probs_)
    np.testing.assert_array_equal(_ranked(rows), clean.label_issues_)


def test_find_issues_prints_summary_worst_and_progress(tmp_path, capsys):
    """Check the printed health summary, worst examples and summary line."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--top", "3") == 0
    out, err = capsys.readouterr()
    rows = _read_output(tmp_path / "out.csv")
    n_flagged = sum(row["is_label_issue"] == "1" for row in rows)
    assert "Label health summary for a dataset of 60 examples" in out
    assert f"Worst {min(3, n_flagged)} label issues" in out
    assert f"Flagged {n_flagged} of 60 examples" in out
    worst = next(row for row in rows if row["issue_rank"] == "1")
    assert f"{worst['suggested_changes']}" in out
    # The default n_repeats="auto": 3 repeats of the 3 folds.
    assert err.count("[cross_val_pred_probs] fold") == 9
    assert "3 numeric, 0 text" in err


def test_find_issues_deterministic_under_random_state(tmp_path):
    """Check that a seed gives identical files and another seed changes them."""
    data = _numeric_csv(tmp_path / "data.csv")
    for name in ("a.csv", "b.csv"):
        assert _find(data, tmp_path / name) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert _find(data, tmp_path / "c.csv", "--random-state", "1") == 0
    first = _pred_probs(_read_output(tmp_path / "a.csv"))
    assert not np.array_equal(first, _pred_probs(_read_output(tmp_path / "c.csv")))


def test_find_issues_strips_byte_order_mark(tmp_path):
    """Check that a UTF-8 BOM does not stick to the first column name."""
    header = ["tagA", "x0", "x1", "x2", "tagB", "tagC"]
    X, Y = _dataset()
    rows = [[y[0], *x, y[1], y[2]] for x, y in zip(X.tolist(), Y.tolist())]
    with_bom = _write_csv(tmp_path / "bom.csv", header, rows, "utf-8-sig")
    plain = _write_csv(tmp_path / "plain.csv", header, rows)
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _find(with_bom, tmp_path / "out_bom.csv") == 0
    assert _find(plain, tmp_path / "out_plain.csv") == 0
    assert (tmp_path / "out_bom.csv").read_bytes() == (
        tmp_path / "out_plain.csv"
    ).read_bytes()


def test_find_issues_one_hot_encodes_text_columns(tmp_path, capsys):
    """Check that a text column is used as one-hot categories by the model."""
    rng = np.random.RandomState(0)
    colors = rng.choice(["red", "green", "blue"], size=90)
    noise = rng.normal(size=90).round(3)
    rows = [
        [color, x, int(color == "red"), int(color != "blue")]
        for color, x in zip(colors, noise.tolist())
    ]
    data = _write_csv(tmp_path / "data.csv", ["color", "x", "tagA", "tagB"], rows)
    assert _find(data, tmp_path / "out.csv", labels="tagA,tagB") == 0
    assert "1 numeric, 1 text" in capsys.readouterr().err
    P = _pred_probs(_read_output(tmp_path / "out.csv"), ["tagA", "tagB"])
    # The labels are a function of the colour alone, so a model that sees the
    # categories separates them almost perfectly.
    assert P[colors == "red", 0].mean() - P[colors != "red", 0].mean() > 0.8
    assert P[colors != "blue", 1].mean() - P[colors == "blue", 1].mean() > 0.8


def test_make_estimator_one_hot_ignores_unknown_categories():
    """Check that a category unseen in training is encoded as all zeros."""
    X = np.array([["a", 1.0], ["b", 2.0], ["a", 3.0], ["b", 4.0]], dtype=object)
    X[:, 1] = X[:, 1].astype(float)
    pipeline = make_estimator(X, name="forest", n_estimators=3, random_state=0)
    features = pipeline[:-1].fit(X).transform(np.array([["c", 5.0]], dtype=object))
    np.testing.assert_array_equal(features, [[5.0, 0.0, 0.0]])


def test_find_issues_categorical_option_forces_text(tmp_path, capsys):
    """Check that --categorical one-hot encodes numeric codes and mixed columns."""
    X, Y = _dataset()
    codes = ["10115", "80331", "N/A"] * 20
    rows = [[*x, code, *y] for x, code, y in zip(X.tolist(), codes, Y.tolist())]
    data = _write_csv(tmp_path / "data.csv", ["x0", "x1", "x2", "zip", *LABELS], rows)
    assert _find(data, tmp_path / "out.csv", "--categorical", "zip") == 0
    assert "3 numeric, 1 text" in capsys.readouterr().err


def test_find_issues_missing_values_accepted_by_forest(tmp_path):
    """Check that blank or NaN numeric cells become NaN for the forest."""
    X, Y = _dataset()
    rows = [[*x, *y] for x, y in zip(X.tolist(), Y.tolist())]
    rows[3][0], rows[7][1], rows[9][2] = "", "NaN", "NA"
    data = _write_csv(tmp_path / "data.csv", ["x0", "x1", "x2", *LABELS], rows)
    assert _find(data, tmp_path / "out.csv") == 0
    assert len(_read_output(tmp_path / "out.csv")) == 60


def test_find_issues_skips_empty_lines_like_pandas(tmp_path):
    """Check that `row` counts data rows as pandas' default index does."""
    pd = pytest.importorskip("pandas")
    data = _numeric_csv(tmp_path / "data.csv")
    lines = data.read_text().splitlines()
    data.write_text("\n".join([*lines[:10], "", *lines[10:], "", ""]) + "\n")
    assert _find(data, tmp_path / "out.csv") == 0
    frame = pd.read_csv(data)
    rows = _read_output(tmp_path / "out.csv")
    assert len(rows) == len(frame) == 60
    np.testing.assert_array_equal(
        [int(row["row"]) for row in rows], frame.index.to_numpy()
    )


def test_find_issues_accepts_float_and_padded_labels(tmp_path):
    """Check that label cells like ' 1.0' are read as 1 and give the same result."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "a.csv") == 0
    text = data.read_text().replace(",1\n", ", 1.0\n")
    assert text != data.read_text()
    padded = tmp_path / "padded.csv"
    padded.write_text(text)
    assert _find(padded, tmp_path / "b.csv") == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


_GOOD_HEADER = "x0,x1,tagA,tagB\n"
_GOOD_ROWS = "".join(f"{i},{i % 3},{i % 2},{(i // 2) % 2}\n" for i in range(12))


def _malformed(content, *, id, **case):
    return pytest.param(content, case, id=id)


@pytest.mark.parametrize(
    "content, case",
    [
        _malformed(None, id="missing-file", message="no such file"),
        _malformed(b"", id="empty", message="is empty"),
        _malformed(b"\n\n\n", id="blank-lines-only", message="is empty"),
        _malformed(_GOOD_HEADER, id="header-only", message="no data rows"),
        _malformed(
            _GOOD_HEADER + "1,2,0,1\n\n1,2,0,1,7\n" + _GOOD_ROWS,
            id="ragged",
            message="line 4: 5 fields, but the header has 4 columns",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="unknown-label",
            labels="tagA,tagZ",
            message="label column(s) ['tagZ'] not found",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS + "1,2,2,0\n",
            id="label-2",
            message="label column 'tagA' must hold 0 or 1 in every row, but "
            "line 14 holds '2'",
        ),
        _malformed(
            _GOOD_HEADER + "1,2,0,\n" + _GOOD_ROWS,
            id="label-blank",
            message="label column 'tagB' must hold 0 or 1 in every row, but "
            "line 2 is blank",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS + "1,2,yes,0\n",
            id="label-text",
            message="holds 'yes'",
        ),
        _malformed(
            "x0,x0,tagA,tagB\n" + _GOOD_ROWS,
            id="duplicate-columns",
            message="duplicate column name(s) ['x0']",
        ),
        _malformed(
            ",x1,tagA,tagB\n" + _GOOD_ROWS,
            id="blank-column-name",
            message="column(s) [1] of the header have no name",
        ),
        _malformed(
            _GOOD_HEADER + "1," + "9" * 200_000 + ",0,1\n" + _GOOD_ROWS,
            id="huge-field",
            message="line 2: a field is longer than 131072 characters",
        ),
        _malformed(
            _GOOD_HEADER + '1,"2,0,1\n' + _GOOD_ROWS * 3000,
            id="unclosed-quote",
            message="check for an unclosed quote",
        ),
        _malformed(
            "tagA,tagB\n0,1\n1,0\n",
            id="no-features",
            message="has no feature columns",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS[:16],
            id="fewer-rows-than-folds",
            message="has 2 data rows, fewer than the 3 cross-validation folds",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS + "inf,1,0,1\n",
            id="infinite",
            message="column 'x0', line 14: 'inf' is not a finite number",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS + "oops,1,0,1\n",
            id="mixed-numbers-and-text",
            message="column 'x0' mixes numbers and text: line 14 holds 'oops'",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS + ",1,0,1\n",
            id="missing-value-logistic",
            extra=["--estimator", "logistic"],
            message="--estimator logistic does not accept missing values",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="unknown-categorical",
            extra=["--categorical", "zzz"],
            message="--categorical column(s) ['zzz'] not found",
        ),
        _malformed(
            _GOOD_HEADER.replace(",", ";") + _GOOD_ROWS.replace(",", ";"),
            id="semicolons",
            message="does not seem comma-separated",
        ),
        _malformed(
            (_GOOD_HEADER + _GOOD_ROWS + "caf\xe9,1,0,1\n").encode("latin-1"),
            id="latin-1",
            message="is not UTF-8 text",
        ),
        _malformed(
            (_GOOD_HEADER + _GOOD_ROWS).encode("utf-16"),
            id="utf-16",
            message="is UTF-16 encoded",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="output-dir-missing",
            output="no/such/dir/out.csv",
            message="does not exist",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="output-is-directory",
            output=".",
            message="is a directory, expected a file name",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="output-is-input",
            output="data.csv",
            message="must not be the input file",
        ),
    ],
)
def test_find_issues_malformed_input_clear_error(tmp_path, capsys, content, case):
    """Check that bad input gives exit code 2, one clear line, no output file."""
    data = tmp_path / "data.csv"
    if content is not None:
        data.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = sorted(tmp_path.iterdir())
    output = tmp_path / case.get("output", "out.csv")
    labels = case.get("labels", "tagA,tagB")
    code = _find(data, output, *case.get("extra", []), labels=labels)
    err = capsys.readouterr().err
    assert code == 2
    assert case["message"] in err
    assert err.startswith("skcleanml: error: ")
    assert "Traceback" not in err
    assert sorted(tmp_path.iterdir()) == before  # no output, no temporary file


def test_find_issues_data_path_is_directory(tmp_path, capsys):
    """Check that a directory given as DATA.csv is a clear error."""
    assert _find(tmp_path, tmp_path / "out.csv") == 2
    assert "is a directory, expected a CSV file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "required: COMMAND"),
        (["find-issues", "d.csv", "-o", "o.csv"], "--labels"),
        (["find-issues", "d.csv", "--labels", "a"], "--output"),
        (["find-issues", "d.csv", "--labels", "a,,b", "-o", "o"], "empty column"),
        (["find-issues", "d.csv", "--labels", "a,a", "-o", "o"], "named twice"),
        (["find-issues", "d.csv", "--labels", "a", "-o", "o", "--cv", "1"], ">= 2"),
        (["find-issues", "d.csv", "--labels", "a", "-o", "o", "--cv", "x"], ">= 2"),
        (["find-issues", "d", "--labels", "a", "-o", "o", "--n-jobs", "0"], "zero"),
        *(
            (
                ["find-issues", "d", "--labels", "a", "-o", "o", "--n-repeats", bad],
                f"argument --n-repeats: expected an integer >= 1, got '{bad}'",
            )
            for bad in ("0", "-1", "x", "1.5")
        ),
        (
            [
                "find-issues",
                "d",
                "--labels",
                "a",
                "-o",
                "o",
                "--n-repeats",
                "2",
                "--cleanlab-compatible",
            ],
            "--cleanlab-compatible: not allowed with argument --n-repeats",
        ),
        (["find-issues", "d", "--labels", "a", "-o", "o", "--estimator", "svm"], "svm"),
        (["find-issues", "d", "--labels", "a", "-o", "o", "--filter-by", "x"], "'x'"),
        (["bogus"], "invalid choice"),
    ],
)
def test_main_usage_errors_exit_2(argv, message, capsys):
    """Check that argparse usage errors return 2 with a message, no traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "usage: skcleanml" in err
    assert "Traceback" not in err


def test_main_help_and_version_return_0(capsys):
    """Check that --help and --version return 0 instead of raising SystemExit."""
    assert main(["find-issues", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--filter-by" in out
    assert "--n-repeats" in out and "--cleanlab-compatible" in out
    assert main(["--version"]) == 0
    assert skcleanml.__version__ in capsys.readouterr().out


def test_find_issues_failed_write_leaves_no_file(tmp_path, capsys, monkeypatch):
    """Check that an error while writing keeps the old output and no temp file."""
    data = _numeric_csv(tmp_path / "data.csv")
    output = tmp_path / "out.csv"
    output.write_text("previous\n")

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("skcleanml._cli.os.replace", no_space)
    assert _find(data, output) == 2
    err = capsys.readouterr().err
    assert "cannot write --output" in err and "No space left on device" in err
    assert output.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "out.csv"]


class _FailingClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose fit raises `error`, to fail inside the folds."""

    def __init__(self, error=None):
        self.error = error

    def fit(self, X, y):
        raise self.error

    def predict_proba(self, X):
        raise AssertionError("never fitted")


def _failing_model(monkeypatch, error):
    """Make --estimator build a classifier whose fit raises `error`."""
    monkeypatch.setattr(
        "skcleanml._cli.make_classifier",
        lambda *args, **kwargs: _FailingClassifier(error),
    )


def test_find_issues_model_failure_exits_1(tmp_path, capsys, monkeypatch):
    """Check that an error inside the model is reported without a traceback."""
    _failing_model(monkeypatch, ValueError("the estimator exploded"))
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv") == 1
    err = capsys.readouterr().err
    assert "skcleanml: error: the model failed: the estimator exploded" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_find_issues_interrupt_exits_130(tmp_path, capsys, monkeypatch):
    """Check that Ctrl-C during the folds exits 130 and writes nothing."""
    _failing_model(monkeypatch, KeyboardInterrupt())
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv") == 130
    assert "interrupted" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


@pytest.mark.parametrize("estimator", ["extra-trees", "logistic", "hgb"])
def test_find_issues_other_estimators(tmp_path, estimator):
    """Check that every --estimator choice runs on numeric and text features."""
    X, Y = _dataset(n=45)
    colors = ["red", "blue", "green"] * 15
    rows = [[*x, c, *y] for x, c, y in zip(X.tolist(), colors, Y.tolist())]
    data = _write_csv(tmp_path / "d.csv", ["x0", "x1", "x2", "color", *LABELS], rows)
    # One cross-validation: hgb and logistic are fitted once per class.
    extra = ["--estimator", estimator, "--n-repeats", "1"]
    assert _find(data, tmp_path / "o.csv", *extra) == 0
    P = _pred_probs(_read_output(tmp_path / "o.csv"))
    assert P.shape == (45, 3) and ((P >= 0) & (P <= 1)).all()


def _printed_health_counts(out):
    """Flagged examples and per-class issue counts of the printed health summary.

    The per-class counts are keyed like `suggested_changes`: "-name" for a
    given label flagged as wrong, "+name" for a missing one.
    """
    n_flagged = re.search(r"(\d+) of \d+ examples have at least one", out)
    table = out.split("Most common label issues\n")[1].split("\n\n")[0]
    counts = {}
    for line in table.splitlines()[2:]:  # after the underline and the header
        name, _, in_given, _, n_examples, _ = line.split()
        counts[("-" if in_given == "True" else "+") + name] = int(n_examples)
    return int(n_flagged.group(1)), counts


def _csv_issue_counts(rows):
    """Per-class issue counts of the output file, keyed like `suggested_changes`."""
    changes = Counter(
        change for row in rows for change in row["suggested_changes"].split(";")
    )
    return {sign + name: changes[sign + name] for name in LABELS for sign in "-+"}


@pytest.mark.parametrize(
    "filter_by, other",
    [(DEFAULT_FILTER, "predicted_neq_given"), ("predicted_neq_given", DEFAULT_FILTER)],
)
def test_find_issues_summary_counts_flagged_rows(tmp_path, capsys, filter_by, other):
    """Check that the summary counts the rows flagged in the file, per --filter-by."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--filter-by", filter_by) == 0
    out = capsys.readouterr().out
    rows = _read_output(tmp_path / "out.csv")
    _, Y = _dataset()
    P, flags = _pred_probs(rows), _flags(rows)
    np.testing.assert_array_equal(flags, find_label_issues(Y, P, filter_by=filter_by))
    # The other filter flags another number of rows, so a summary computed
    # with it would fail the checks below.
    assert find_label_issues(Y, P, filter_by=other).sum() != flags.sum()
    assert "Class Name" in out and "The health summary uses" not in out
    n_flagged, counts = _printed_health_counts(out)
    assert n_flagged == flags.sum() > 0
    assert counts == _csv_issue_counts(rows)


def test_find_issues_summary_is_estimator_report(tmp_path, capsys):
    """Check that the summary is CleanMultiLabel.report() with the CSV's names."""
    pd = pytest.importorskip("pandas")
    data = _numeric_csv(tmp_path / "data.csv")
    extra = ["--filter-by", "predicted_neq_given"]
    assert _find(data, tmp_path / "out.csv", *extra) == 0
    out = capsys.readouterr().out
    X, Y = _dataset()
    argv = ["find-issues", str(data), "--labels", ",".join(LABELS), "-o", "o.csv"]
    args = build_parser().parse_args([*argv, *FAST, *extra])
    # A DataFrame y names the estimator's classes_ after its columns.
    detector = make_detector(X, args).fit(X, pd.DataFrame(Y, columns=LABELS))
    detector.report(verbose=True)
    report = capsys.readouterr().out
    assert report.startswith("Label health summary") and "tagA" in report
    assert report in out


def test_main_module_docstring_examples():
    """Check the doctests of __main__.py, which pytest's collection skips."""
    assert doctest.testmod(skcleanml.__main__).failed == 0
    args = build_parser().parse_args(["demo"])
    assert args.random_state == 0 and args.plot is None


def test_demo_plot_without_matplotlib(tmp_path, capsys, monkeypatch):
    """Check that `demo --plot` without matplotlib fails fast and clearly."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["demo", "--plot", str(tmp_path / "figures")]) == 2
    err = capsys.readouterr().err
    assert "--plot needs matplotlib" in err
    assert not (tmp_path / "figures").exists()


def test_demo_runs_quickstart(tmp_path, capsys):
    """Check that `demo` prints the quickstart and finds the planted errors."""
    pytest.importorskip("matplotlib")
    assert main(["demo", "--plot", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "Label health summary for a dataset of 280 examples" in out
    assert "First 10 label quality scores" in out
    assert "Precision" in out and "recall" in out
    assert "fold 15/15 done" in err  # CleanMultiLabel's 3 repeats of 5 folds
    assert "Subset accuracy on clean test labels" in out
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert saved == ["found_label_issues.png", "true_label_errors.png"]


def test_run_demo_recovers_planted_errors():
    """Check run_demo's results: the functional API's issues, a margin on quality."""
    buffer = io.StringIO()
    result = run_demo(random_state=1, out=buffer)
    labels, P = result.data.labels, result.pred_probs
    ranked = find_label_issues(
        labels,
        P,
        return_indices_ranked_by="self_confidence",
        rank_by_kwargs={"aggregator_kwargs": SOFTMIN},
    )
    np.testing.assert_array_equal(result.issues, ranked)
    np.testing.assert_array_equal(
        result.scores, get_label_quality_scores(labels, P, aggregator_kwargs=SOFTMIN)
    )
    assert result.precision > 0.5 and result.recall > 0.5
    # Refitted on the cleaned data, the forest beats always predicting the
    # most common label set of the clean test labels.
    assert isinstance(result.estimator, CleanMultiLabel)
    test_sets = Counter(map(tuple, result.data.true_labels_test))
    majority = test_sets.most_common(1)[0][1] / test_sets.total()
    assert result.accuracy > majority
    text = buffer.getvalue()
    assert "Label health summary" in text
    assert f"example {result.issues[0]}: given" in text
