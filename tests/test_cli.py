"""Tests of the command line (`python -m skcleanml`), mostly run in-process."""

import csv
import doctest
import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _helpers import LABEL_ISSUE_COLUMNS as COLUMNS
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier

import skcleanml.__main__
from skcleanml import (
    CleanMultiLabel,
    cross_val_pred_probs,
    find_label_issues,
    get_label_error_probabilities,
    get_label_error_probabilities_per_class,
    get_label_quality_scores,
)
from skcleanml.__main__ import build_parser, main
from skcleanml._cli import DEFAULT_FILTER, make_detector, make_estimator
from skcleanml.datasets import make_tagged_documents

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS = ["tagA", "tagB", "tagC"]
FAST = ["--cv", "3", "--n-estimators", "10", "--random-state", "0"]


def _dataset(n=60, seed=0):
    """Three numeric features; each label follows one feature, with noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3)).round(3)
    Y = (X + rng.normal(scale=0.6, size=(n, 3)) > 0).astype(int)
    return X, Y


def _write_csv(path, header, rows, encoding="utf-8", delimiter=","):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows([header, *rows])
    return path


def _numeric_csv(path, n=60, seed=0, encoding="utf-8"):
    X, Y = _dataset(n, seed)
    rows = [[*x, *y] for x, y in zip(X.tolist(), Y.tolist())]
    return _write_csv(path, ["x0", "x1", "x2", *LABELS], rows, encoding)


def _documents_csv(path, n=150, seed=0, **options):
    data = make_tagged_documents(n, random_state=seed)
    _write_csv(path, list(data.table), list(zip(*data.table.values())), **options)
    return data


def _find(data, output, *extra, labels="tagA,tagB,tagC"):
    args = ["find-issues", str(data), "--labels", labels, *FAST, "-o", str(output)]
    return main([*args, *extra])


def _find_tags(data, output, *extra):
    args = ["find-issues", str(data), "--tags", "tags", "--cv", "3", "-o", str(output)]
    return main([*args, "--n-repeats", "1", *extra])


def _read_output(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _flags(rows):
    return np.array([row["is_label_issue"] == "1" for row in rows])


def _scores(rows):
    return np.array([float(row["label_quality"]) for row in rows])


def _ranked(rows):
    """Indices of the flagged rows, sorted by their issue_rank."""
    flagged = np.flatnonzero(_flags(rows))
    return np.array(sorted(flagged, key=lambda i: int(rows[i]["issue_rank"])))


def _assert_rows_match_table(rows, issues, names=LABELS):
    """Check the file's rows against get_label_issues(as_frame=False)."""
    np.testing.assert_array_equal(_flags(rows), issues["is_label_issue"])
    np.testing.assert_array_equal(_scores(rows), issues["label_quality"])
    ranks = [int(row["issue_rank"]) for row in rows]
    np.testing.assert_array_equal(ranks, issues["issue_rank"])
    for key in COLUMNS[2:5] + COLUMNS[6:]:
        expected = ["|".join(names[k] for k in row) for row in issues[key]]
        assert [row[key] for row in rows] == expected, key


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
    assert "python -m skcleanml find-issues docs.csv --tags tags" in result.stdout


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
    assert "fold 3/3 done" in result.stderr  # one cross-validation of 3 folds
    assert len(_read_output(output)) == 60


@pytest.mark.parametrize(
    "name, options",
    [
        ("docs.csv", {}),
        ("docs.tsv", {"delimiter": "\t"}),
        ("docs.csv.gz", {}),
        ("docs.tsv.gz", {"delimiter": "\t", "encoding": "utf-8-sig"}),
        ("docs.csv", {"encoding": "utf-16"}),
    ],
)
def test_find_issues_subprocess_documents(tmp_path, name, options):
    """Check a tags column and free text in a fresh interpreter, any container."""
    data = _documents_csv(tmp_path / name, n=120, **options)
    output = tmp_path / "issues.csv"
    command = [sys.executable, "-m", "skcleanml", "find-issues", str(tmp_path / name)]
    result = subprocess.run(
        [
            *command,
            "--tags",
            "tags",
            "--cv",
            "3",
            "--n-repeats",
            "1",
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "text ['text']" in result.stderr and "id ['id']" in result.stderr
    assert "Model: TF-IDF + logistic" in result.stderr
    rows = _read_output(output)
    assert [row["id"] for row in rows] == data.table["id"]
    assert [row["given_label"] for row in rows] == [
        "|".join(sorted(tags)) for tags in data.tags
    ]


def test_find_issues_output_columns_and_row_order(tmp_path):
    """Check that there is one output row per input row, in input order."""
    data = _numeric_csv(tmp_path / "data.csv", n=45)
    assert _find(data, tmp_path / "out.csv") == 0
    rows = _read_output(tmp_path / "out.csv")
    assert list(rows[0]) == ["row", *COLUMNS]
    assert [int(row["row"]) for row in rows] == list(range(45))
    assert {row["is_label_issue"] for row in rows} <= {"0", "1"}
    for row in rows:
        assert (row["issue_rank"] != "0") == (row["is_label_issue"] == "1")
        assert 0 <= float(row["label_quality"]) <= 1


def test_find_issues_matches_estimator_and_functional_api(tmp_path):
    """Check the output against CleanMultiLabel, and both against the functions."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv") == 0
    rows = _read_output(tmp_path / "out.csv")
    X, Y = _dataset()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    clean = CleanMultiLabel(forest, cv=3, random_state=0, refit=False).fit(X, Y)
    _assert_rows_match_table(rows, clean.get_label_issues(as_frame=False))
    assert clean.label_issues_.size > 0

    # The estimator's defaults: one cross-validation, error probabilities.
    P = cross_val_pred_probs(forest, X, Y, cv=3, random_state=0)
    W = get_label_error_probabilities_per_class(Y, P)
    np.testing.assert_allclose(_scores(rows), np.prod(1 - W, axis=1), atol=1e-12)
    flagged = get_label_error_probabilities(Y, P) > 0.5
    np.testing.assert_array_equal(_flags(rows), flagged)
    np.testing.assert_array_equal(_ranked(rows), clean.label_issues_)


def test_find_issues_cleanlab_compatible_is_cleanlab_recipe(tmp_path, capsys):
    """Check --cleanlab-compatible: one cross-validation and EMA (0.8) scores."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--cleanlab-compatible") == 0
    assert capsys.readouterr().err.count("[cross_val_pred_probs] fold") == 3
    rows = _read_output(tmp_path / "out.csv")
    X, Y = _dataset()
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    P = cross_val_pred_probs(forest, X, Y, cv=3, random_state=0)
    np.testing.assert_array_equal(_scores(rows), get_label_quality_scores(Y, P))
    mask = find_label_issues(Y, P)
    np.testing.assert_array_equal(_flags(rows), mask)
    assert mask.any()
    ranked = find_label_issues(Y, P, return_indices_ranked_by="self_confidence")
    np.testing.assert_array_equal(_ranked(rows), ranked)
    assert not np.array_equal(mask, get_label_error_probabilities(Y, P) > 0.5)


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
    _assert_rows_match_table(
        _read_output(tmp_path / "out.csv"), clean.get_label_issues(as_frame=False)
    )


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
    line = next(line for line in out.splitlines() if line.split()[:1] == ["1"])
    assert line.split()[1] == worst["row"]
    # The default n_repeats=1: one cross-validation of 3 folds.
    assert err.count("[cross_val_pred_probs] fold") == 3
    assert "numeric ['x0', 'x1', 'x2']" in err and "Model: forest" in err


def test_find_issues_deterministic_under_random_state(tmp_path):
    """Check that a seed gives identical files and another seed changes them."""
    data = _numeric_csv(tmp_path / "data.csv")
    for name in ("a.csv", "b.csv"):
        assert _find(data, tmp_path / name) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert _find(data, tmp_path / "c.csv", "--random-state", "1") == 0
    first = _scores(_read_output(tmp_path / "a.csv"))
    assert not np.array_equal(first, _scores(_read_output(tmp_path / "c.csv")))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16"])
def test_find_issues_encodings_give_the_same_result(tmp_path, encoding):
    """Check that BOMs and --encoding read the same cells as plain UTF-8."""
    header = ["tagA", "x0", "x1", "x2", "tagB", "tagC", "city"]
    X, Y = _dataset()
    cities = ["Köln", "Málaga", "Zürich"] * 20
    rows = [
        [y[0], *x, y[1], y[2], c] for x, y, c in zip(X.tolist(), Y.tolist(), cities)
    ]
    other = _write_csv(tmp_path / "other.csv", header, rows, encoding)
    plain = _write_csv(tmp_path / "plain.csv", header, rows)
    extra = [] if encoding in ("utf-8-sig", "utf-16") else ["--encoding", encoding]
    assert _find(other, tmp_path / "out_other.csv", *extra) == 0
    assert _find(plain, tmp_path / "out_plain.csv") == 0
    assert (tmp_path / "out_other.csv").read_bytes() == (
        tmp_path / "out_plain.csv"
    ).read_bytes()


def test_find_issues_one_hot_encodes_categorical_columns(tmp_path, capsys):
    """Check that a column of repeated words is used as one-hot categories."""
    rng = np.random.RandomState(0)
    colors = rng.choice(["red", "green", "blue"], size=90)
    noise = rng.normal(size=90).round(3)
    rows = [
        [color, x, int(color == "red"), int(color != "blue")]
        for color, x in zip(colors, noise.tolist())
    ]
    data = _write_csv(tmp_path / "data.csv", ["color", "x", "tagA", "tagB"], rows)
    assert _find(data, tmp_path / "out.csv", labels="tagA,tagB") == 0
    assert "categorical ['color']" in capsys.readouterr().err
    rows = _read_output(tmp_path / "out.csv")
    # The labels are a function of the colour alone, so a model that sees the
    # categories predicts them.
    expected = [
        "|".join(
            name for name, on in (("tagA", c == "red"), ("tagB", c != "blue")) if on
        )
        for c in colors
    ]
    assert [row["predicted_label"] for row in rows] == expected


def test_make_estimator_one_hot_ignores_unknown_categories():
    """Check that a category unseen in training is encoded as all zeros."""
    X = np.array([["a", 1.0], ["b", 2.0], ["a", 3.0], ["b", 4.0]], dtype=object)
    X[:, 1] = X[:, 1].astype(float)
    roles = ["categorical", "numeric"]
    pipeline = make_estimator(roles, name="forest", n_estimators=3, random_state=0)
    features = pipeline[:-1].fit(X).transform(np.array([["c", 5.0]], dtype=object))
    np.testing.assert_array_equal(features, [[5.0, 0.0, 0.0]])


def test_find_issues_categorical_option_forces_categories(tmp_path, capsys):
    """Check that --categorical one-hot encodes numeric codes and mixed columns."""
    X, Y = _dataset()
    codes = ["10115", "80331", "N/A"] * 20
    rows = [[*x, code, *y] for x, code, y in zip(X.tolist(), codes, Y.tolist())]
    data = _write_csv(tmp_path / "data.csv", ["x0", "x1", "x2", "zip", *LABELS], rows)
    assert _find(data, tmp_path / "out.csv", "--categorical", "zip") == 0
    assert "categorical ['zip']" in capsys.readouterr().err


def test_find_issues_missing_values(tmp_path):
    """Check that blank or NaN numeric cells are missing values, for every model."""
    X, Y = _dataset()
    rows = [[*x, *y] for x, y in zip(X.tolist(), Y.tolist())]
    rows[3][0], rows[7][1], rows[9][2] = "", "NaN", "NA"
    data = _write_csv(tmp_path / "data.csv", ["x0", "x1", "x2", *LABELS], rows)
    for estimator in ("forest", "logistic"):
        output = tmp_path / f"{estimator}.csv"
        assert _find(data, output, "--estimator", estimator) == 0
        assert len(_read_output(output)) == 60


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


def test_find_issues_tags_match_estimator_on_text(tmp_path, capsys):
    """Check --tags on documents: TF-IDF + logistic, ids carried, as in Python."""
    data = _documents_csv(tmp_path / "docs.csv")
    assert _find_tags(tmp_path / "docs.csv", tmp_path / "out.csv") == 0
    assert "Model: TF-IDF + logistic (text column found" in capsys.readouterr().err
    rows = _read_output(tmp_path / "out.csv")
    assert list(rows[0]) == ["row", "id", *COLUMNS]
    assert [row["id"] for row in rows] == data.table["id"]
    names = sorted(data.tag_names)
    Y = np.array([[name in tags for name in names] for tags in data.tags], dtype=int)
    X = np.array(
        [data.table["text"], np.array(data.table["year"], dtype=float)], dtype=object
    ).T
    args = build_parser().parse_args(
        ["find-issues", "d", "--tags", "t", "-o", "o", "--cv", "3", "--n-repeats", "1"]
    )
    args.estimator = "logistic"
    clean = make_detector(["text", "numeric"], args).fit(X, Y)
    _assert_rows_match_table(rows, clean.get_label_issues(as_frame=False), names)


def test_find_issues_text_option_forces_text(tmp_path, capsys):
    """Check that --text turns a column of short repeated strings into TF-IDF."""
    data = make_tagged_documents(90, random_state=0)
    short = [" ".join(text.split()[:2]) for text in data.text]
    table = {**data.table, "title": [s.lower() for s in short]}
    del table["text"]
    path = _write_csv(tmp_path / "d.csv", list(table), list(zip(*table.values())))
    assert _find_tags(path, tmp_path / "a.csv") == 0
    assert "text" not in capsys.readouterr().err.split("Model:")[0].split("columns:")[1]
    assert _find_tags(path, tmp_path / "b.csv", "--text", "title") == 0
    assert "text ['title']" in capsys.readouterr().err


def test_find_issues_id_option_and_integer_ids(tmp_path, capsys):
    """Check that distinct integers are ids, and that --id forces a column."""
    data = make_tagged_documents(90, random_state=0)
    table = {"number": list(range(90, 0, -1)), **data.table}
    path = _write_csv(tmp_path / "d.csv", list(table), list(zip(*table.values())))
    assert _find_tags(path, tmp_path / "a.csv", "--id", "year") == 0
    assert "id ['number', 'id', 'year']" in capsys.readouterr().err
    rows = _read_output(tmp_path / "a.csv")
    assert [int(row["number"]) for row in rows] == table["number"]
    assert [int(row["year"]) for row in rows] == table["year"]
    assert _find_tags(path, tmp_path / "b.csv", "--numeric", "number") == 0
    assert "numeric ['number', 'year']" in capsys.readouterr().err


def test_find_issues_label_studio_format(tmp_path, capsys):
    """Check --format label-studio: tasks of the flagged rows and the config."""
    import json

    _documents_csv(tmp_path / "docs.csv")
    output = tmp_path / "review.json"
    assert _find_tags(tmp_path / "docs.csv", output, "--format", "label-studio") == 0
    out = capsys.readouterr().out
    assert _find_tags(tmp_path / "docs.csv", tmp_path / "out.csv") == 0
    rows = _read_output(tmp_path / "out.csv")
    tasks = json.loads(output.read_text())
    ranked = _ranked(rows)
    assert [task["data"]["row"] for task in tasks] == ranked.tolist()
    assert [task["data"]["id"] for task in tasks] == [rows[i]["id"] for i in ranked]
    choices = [
        task["predictions"][0]["result"][0]["value"]["choices"] for task in tasks
    ]
    assert choices == [rows[i]["suggested_label"].split("|") for i in ranked]
    config = (tmp_path / "review.xml").read_text()
    assert '<Choices name="tags" toName="text" choice="multiple"' in config
    assert config in out
    assert "from_label_studio(EXPORT.json, id='id')" in out


def test_find_issues_label_studio_without_ids_or_text(tmp_path, capsys):
    """Check --format label-studio on numeric data: row numbers and fields."""
    import json

    data = _numeric_csv(tmp_path / "data.csv")
    output = tmp_path / "review.json"
    assert _find(data, output, "--format", "label-studio") == 0
    assert "id='row'" in capsys.readouterr().out
    tasks = json.loads(output.read_text())
    assert tasks and all(task["data"]["fields"].startswith("x0: ") for task in tasks)
    assert 'toName="fields"' in (tmp_path / "review.xml").read_text()


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
            message="has no feature column",
        ),
        _malformed(
            _GOOD_HEADER + "0,0,0,1\n1,0,1,0\n",
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
            _GOOD_HEADER + _GOOD_ROWS,
            id="unknown-categorical",
            extra=["--categorical", "zzz"],
            message="--categorical column(s) ['zzz'] not found",
        ),
        _malformed(
            _GOOD_HEADER.replace(",", ";") + _GOOD_ROWS.replace(",", ";"),
            id="semicolons",
            message="is --delimiter right?",
        ),
        _malformed(
            (_GOOD_HEADER + _GOOD_ROWS + "caf\xe9,1,0,1\n").encode("latin-1"),
            id="latin-1",
            message="is not UTF-8 text; pass its encoding, for instance --encoding",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="unknown-encoding",
            extra=["--encoding", "klingon"],
            message="--encoding 'klingon' is not a known encoding",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="bad-delimiter",
            extra=["--delimiter", ";;"],
            message="--delimiter must be one character",
        ),
        _malformed(
            "id,text,tags\n"
            + "".join(f"d{i},word{i} and more words,a;b\n" for i in range(9)),
            id="wrong-tag-sep",
            tags=True,
            message="pass --tag-sep ';'",
        ),
        _malformed(
            b"\x1f\x8b not really gzip",
            id="bad-gzip",
            data="data.csv.gz",
            message="cannot read",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="two-roles",
            extra=["--text", "x1", "--categorical", "x1"],
            message="column 'x1' is given two roles",
        ),
        _malformed(
            _GOOD_HEADER + _GOOD_ROWS,
            id="label-as-feature",
            extra=["--text", "tagA"],
            message="column(s) ['tagA'] are both labels and features",
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
    data = tmp_path / case.get("data", "data.csv")
    if content is not None:
        data.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = sorted(tmp_path.iterdir())
    output = tmp_path / case.get("output", "out.csv")
    labels = case.get("labels", "tagA,tagB")
    extra = case.get("extra", [])
    if case.get("tags"):
        code = main(["find-issues", str(data), "--tags", "tags", "-o", str(output)])
    else:
        code = _find(data, output, *extra, labels=labels)
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
        (["find-issues", "d.csv", "-o", "o.csv"], "one of the arguments --tags"),
        (
            ["find-issues", "d", "--tags", "t", "--labels", "a", "-o", "o"],
            "not allowed with argument",
        ),
        (["find-issues", "d", "--tags", "t", "-o", "o", "--format", "x"], "'x'"),
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
    assert (
        "cannot write" in err and "out.csv" in err and "No space left on device" in err
    )
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
    """Check that every --estimator choice runs on numeric and categorical columns."""
    X, Y = _dataset(n=45)
    colors = ["red", "blue", "green"] * 15
    rows = [[*x, c, *y] for x, c, y in zip(X.tolist(), colors, Y.tolist())]
    data = _write_csv(tmp_path / "d.csv", ["x0", "x1", "x2", "color", *LABELS], rows)
    # One cross-validation: hgb and logistic are fitted once per class.
    extra = ["--estimator", estimator, "--n-repeats", "1"]
    assert _find(data, tmp_path / "o.csv", *extra) == 0
    scores = _scores(_read_output(tmp_path / "o.csv"))
    assert scores.shape == (45,) and ((scores >= 0) & (scores <= 1)).all()


@pytest.mark.parametrize(
    "filter_by, other",
    [(DEFAULT_FILTER, "predicted_neq_given"), ("predicted_neq_given", "both")],
)
def test_find_issues_summary_is_estimator_report(tmp_path, capsys, filter_by, other):
    """Check that the summary is CleanMultiLabel.report() of the file's flags."""
    data = _numeric_csv(tmp_path / "data.csv")
    assert _find(data, tmp_path / "out.csv", "--filter-by", filter_by) == 0
    out = capsys.readouterr().out
    X, Y = _dataset()
    argv = ["find-issues", str(data), "--labels", ",".join(LABELS), "-o", "o.csv"]
    args = build_parser().parse_args([*argv, *FAST, "--filter-by", filter_by])
    args.estimator = "forest"
    detector = make_detector(["numeric"] * 3, args).fit(X, Y)
    flags = _flags(_read_output(tmp_path / "out.csv"))
    np.testing.assert_array_equal(flags, detector.label_issues_mask_)
    # The other filter flags another number of rows, so a summary computed
    # with it would differ.
    P = detector.pred_probs_
    assert find_label_issues(Y, P, filter_by=other).sum() != flags.sum()
    detector.report(class_names=LABELS)
    report = capsys.readouterr().out
    assert report.startswith("Label health summary") and "tagA" in report
    assert report in out
    assert f"{flags.sum()} of 60 examples have at least one" in report


def test_main_module_docstring_examples():
    """Check the doctests of __main__.py, which pytest's collection skips."""
    assert doctest.testmod(skcleanml.__main__).failed == 0
    assert build_parser().parse_args(["demo"]).plot == "."


def test_demo_runs_the_quickstart_script(tmp_path):
    """Check that `demo` prints what examples/quickstart.py prints, figures too."""
    pytest.importorskip("matplotlib")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO_ROOT))
    demo = subprocess.run(
        [sys.executable, "-m", "skcleanml", "demo", "--plot", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    (tmp_path / "e").mkdir()
    example = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "quickstart.py")],
        cwd=tmp_path / "e",
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    assert demo.stdout == example.stdout
    assert "label issues found" in demo.stdout
    for directory in ("d", "e"):
        saved = sorted(p.name for p in (tmp_path / directory).iterdir())
        assert saved == ["found_label_issues.png", "true_label_errors.png"]


def test_demo_plot_is_a_file(tmp_path, capsys):
    """Check that `demo --plot FILE` fails fast and clearly."""
    (tmp_path / "file").write_text("x")
    assert main(["demo", "--plot", str(tmp_path / "file")]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


@pytest.mark.slow
def test_find_issues_recovers_planted_tag_errors(tmp_path):
    """Check the target: precision and recall >= 0.7 with no option but --tags."""
    data = _documents_csv(tmp_path / "docs.csv", n=900, seed=3)
    argv = ["find-issues", str(tmp_path / "docs.csv"), "--tags", "tags"]
    assert main([*argv, "--tag-sep", "|", "-o", str(tmp_path / "out.csv")]) == 0
    rows = _read_output(tmp_path / "out.csv")
    assert [row["id"] for row in rows] == data.table["id"]
    found = _flags(rows)
    hits = (found & data.is_error).sum()
    assert hits / found.sum() >= 0.7
    assert hits / data.is_error.sum() >= 0.7


def test_find_issues_pandas_index_column_is_an_id(tmp_path, capsys):
    """Check that a file saved by pandas with its index reads the index as ids."""
    pd = pytest.importorskip("pandas")
    data = make_tagged_documents(90, random_state=0)
    pd.DataFrame(data.table).to_csv(tmp_path / "docs.csv")  # index=True
    assert _find_tags(tmp_path / "docs.csv", tmp_path / "out.csv") == 0
    assert "id ['Unnamed: 0', 'id']" in capsys.readouterr().err
    rows = _read_output(tmp_path / "out.csv")
    assert [row["Unnamed: 0"] for row in rows] == [str(i) for i in range(90)]
