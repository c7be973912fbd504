"""Tests of reading tables for the command line (skcleanml._cli_read)."""

import gzip

import numpy as np
import pytest

from skcleanml._cli_read import (
    InputError,
    Table,
    feature_columns,
    feature_matrix,
    read_table,
    tag_matrix,
)


def _table(columns, rows):
    return Table("t.csv", columns, rows, list(range(2, len(rows) + 2)))


def test_tag_matrix_spaces_blanks_and_order():
    """Check that tags are stripped, blanks are no tag, names come sorted."""
    table = _table(["tags"], [[" b | a "], [""], ["c|a|"], ["a"]])
    Y, names = tag_matrix(table, "tags")
    assert names == ["a", "b", "c"]
    np.testing.assert_array_equal(Y, [[1, 1, 0], [0, 0, 0], [1, 0, 1], [1, 0, 0]])
    Y, names = tag_matrix(_table(["t"], [["x;y"], ["y"]]), "t", ";")
    assert names == ["x", "y"] and Y.tolist() == [[1, 1], [0, 1]]


@pytest.mark.parametrize(
    "rows, sep, match",
    [
        ([[""], [""]], "|", "holds no tag"),
        ([["a,b"], ["a"]], "|", "pass --tag-sep ','"),
        ([["a|b"]], "", "must not be empty"),
    ],
)
def test_tag_matrix_errors(rows, sep, match):
    """Check the one-line errors of a tags column."""
    with pytest.raises(InputError, match=match):
        tag_matrix(_table(["tags"], rows), "tags", sep)


def test_feature_columns_roles():
    """Check id, text, numeric and categorical detection, and forced roles."""
    rows = [
        [f"r{i}", f"word{i} another text here", str(i % 4), ["x", "y"][i % 2], str(i)]
        for i in range(10)
    ]
    table = _table(["key", "body", "n", "kind", "number"], rows)
    roles = {c.name: c.role for c in feature_columns(table, [])}
    assert roles == {
        "key": "id",
        "body": "text",
        "n": "numeric",
        "kind": "categorical",
        "number": "id",  # distinct integers
    }
    forced = feature_columns(table, ["kind"], text=["n"], categorical=["number"])
    assert {c.name: c.role for c in forced} == {
        "key": "id",
        "body": "text",
        "n": "text",
        "number": "categorical",
    }
    X, feature_roles = feature_matrix(forced)
    assert X.shape == (10, 3) and feature_roles == ["text", "text", "categorical"]
    (number,) = feature_columns(table, ["key", "body", "n", "kind"], numeric=["number"])
    assert number.role == "numeric"
    np.testing.assert_array_equal(number.values, np.arange(10.0))


def test_feature_columns_forced_numeric_must_hold_numbers():
    """Check that --numeric on a text column is a clear error."""
    table = _table(["a", "b"], [["x", "1"], ["y", "2"], ["1", "3"]])
    with pytest.raises(InputError, match="column 'a' mixes numbers and text"):
        feature_columns(table, [], numeric=["a"])


def test_feature_columns_repeated_short_strings_are_categories():
    """Check that few distinct values, or one-word values, are categorical."""
    rows = [[["red car", "blue car"][i % 2], f"w{i}x", f"s{i} s"] for i in range(8)]
    table = _table(["a", "b", "c"], rows)
    roles = [c.role for c in feature_columns(table, ["b"])]
    assert roles == ["categorical", "categorical"]


@pytest.mark.parametrize(
    "name, delimiter, expected",
    [
        ("d.tsv", None, "\t"),
        ("d.tsv.gz", None, "\t"),
        ("d.txt", "tab", "\t"),
        ("d.csv", ";", ";"),
        ("d.csv.gz", None, ","),
    ],
)
def test_read_table_delimiters_and_gzip(tmp_path, name, delimiter, expected):
    """Check the delimiter rule (.tsv: tab) and transparent gzip reading."""
    content = expected.join(["id", "text"]) + "\n" + expected.join(["d1", "a b"]) + "\n"
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(content.encode()))
    else:
        path.write_text(content)
    table = read_table(str(path), delimiter=delimiter)
    assert table.columns == ["id", "text"] and table.rows == [["d1", "a b"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1"])
def test_read_table_encodings(tmp_path, encoding):
    """Check BOMs (UTF-8, UTF-16) read by default, others with `encoding`."""
    path = tmp_path / "d.csv"
    path.write_bytes("café,n\nKöln,1\n".encode(encoding))
    given = "latin-1" if encoding == "latin-1" else None
    table = read_table(str(path), encoding=given)
    assert table.columns == ["café", "n"] and table.rows == [["Köln", "1"]]
