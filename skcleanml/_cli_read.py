"""Reading a delimited text file into features and labels, for ``find-issues``.

The standard library's :mod:`csv` module reads the file (no pandas):
comma- or tab-separated, any encoding Python knows, gzip-compressed if the
name ends in ``.gz``. The labels are 0/1 columns (``--labels``) or one column
of separated tag names (``--tags``). Every other column gets a role:

- ``"id"``: distinct in every row and without spaces (text, or integers):
  carried to the output to map the rows back, never a feature (``--numeric``
  makes distinct integers a feature);
- ``"text"``: free text, strings that are mostly distinct and hold several
  words: TF-IDF features;
- ``"numeric"``: numbers (blank or ``NA`` cells are missing values);
- ``"categorical"``: other strings, one-hot encoded.

Problems raise :class:`InputError`, which the command line reports as one
line and exit code 2. The commands live in :mod:`skcleanml._cli`.
"""

import codecs
import csv
import gzip
import math
import statistics
from typing import NamedTuple

import numpy as np

# Cell values read as a missing number (compared case-insensitively), as most
# spreadsheet and pandas exports write them.
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
ROLES = ("id", "text", "numeric", "categorical")
# Free text: at least this share of distinct values, and this median number
# of words; a column of short repeated strings is a category.
_TEXT_DISTINCT = 0.5
_TEXT_WORDS = 3


class InputError(Exception):
    """A usage or input problem, reported as one line and exit code 2."""


class Table(NamedTuple):
    """Cells of a delimited file, stripped of surrounding whitespace."""

    path: str
    columns: list
    rows: list
    # Physical line (1-based) on which each data row ends, for messages.
    lines: list


# -- the file ------------------------------------------------------------------


def read_table(path, *, delimiter=None, encoding=None):
    """Read a delimited text file with a header row.

    Parameters
    ----------
    path : str
        File to read; gzip-compressed if it ends in ``.gz``.
    delimiter : str, default=None
        One character; ``"\\t"`` and ``"tab"`` mean a tab. None means a tab
        for ``.tsv`` / ``.tab`` files (compressed or not), else a comma.
    encoding : str, default=None
        Text encoding. None means UTF-16 if the file starts with a UTF-16
        byte-order mark, else UTF-8 (a UTF-8 byte-order mark is ignored).

    Returns
    -------
    table : Table
        Empty lines are skipped.

    Raises
    ------
    InputError
        If the file is missing or unreadable, cannot be decoded, is empty, has
        no data row, duplicate column names, or rows of the wrong length.
        Blank column names become ``"Unnamed: j"``, as in pandas.

    Examples
    --------
    >>> import os, tempfile
    >>> from skcleanml._cli_read import read_table
    >>> path = os.path.join(tempfile.mkdtemp(), "d.tsv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("id\\ttags\\nd1\\ta|b\\n")
    >>> read_table(path).rows
    [['d1', 'a|b']]
    """
    delimiter = _resolve_delimiter(delimiter, path)
    try:
        encoding = _resolve_encoding(encoding, path)
        with _open_text(path, encoding) as handle:
            header, rows, lines = _parse(handle, path, delimiter)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, expected a CSV file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except UnicodeError:
        shown = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise InputError(
            f"{path} is not {shown} text; pass its encoding, for instance "
            "--encoding latin-1 (or cp1252, utf-16)"
        ) from None
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(
            f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    header = _check_header(header, path)
    if not rows:
        raise InputError(f"{path} has a header row but no data rows")
    _check_row_lengths(header, rows, lines, path)
    return Table(path, header, rows, lines)


def _resolve_delimiter(delimiter, path):
    if delimiter is None:
        name = path[:-3] if path.endswith(".gz") else path
        return "\t" if name.lower().endswith((".tsv", ".tab")) else ","
    delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise InputError(
            f"--delimiter must be one character other than a quote or a line "
            f"break (\\t or tab for a tab), got {delimiter!r}"
        )
    return delimiter


def _resolve_encoding(encoding, path):
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                f"--encoding {encoding!r} is not a known encoding"
            ) from None
        # A byte-order mark is never data: let the codec drop it.
        return "utf-8-sig" if name == "utf-8" else encoding
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        start = handle.read(2)
    return (
        "utf-16" if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    )


def _open_text(path, encoding):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _parse(handle, path, delimiter):
    reader = csv.reader(handle, delimiter=delimiter)
    header, rows, lines = None, [], []
    try:
        for record in reader:
            if len(record) <= 1 and not "".join(record).strip():
                continue  # an empty line, as pandas and spreadsheets skip them
            cells = [cell.strip() for cell in record]
            if header is None:
                header = cells
            else:
                rows.append(cells)
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(_csv_error_message(path, reader.line_num, exc)) from None
    return header, rows, lines


def _csv_error_message(path, line, exc):
    if "field limit" in str(exc):
        return (
            f"{path}, line {line}: a field is longer than "
            f"{csv.field_size_limit()} characters, the limit of Python's csv "
            'module; check for an unclosed quote (") or shorten the field'
        )
    return f"{path}, line {line}: malformed CSV ({exc})"


def _check_header(header, path):
    if header is None:
        raise InputError(
            f"{path} is empty; expected a header row of column names and data rows"
        )
    # Named as pandas names them: a DataFrame saved with its index has a
    # blank first name (the index, then read as an id column).
    header = [name or f"Unnamed: {j}" for j, name in enumerate(header)]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise InputError(f"{path}: duplicate column name(s) {duplicates}")
    return header


def _check_row_lengths(header, rows, lines, path):
    ragged = [i for i, row in enumerate(rows) if len(row) != len(header)]
    if ragged:
        first = ragged[0]
        raise InputError(
            f"{path}, line {lines[first]}: {len(rows[first])} fields, but the "
            f"header has {len(header)} columns ({len(ragged)} row(s) of the "
            "wrong length)"
        )


# -- labels --------------------------------------------------------------------


def column_index(table, names, what):
    """Positions of the named columns; an InputError names the missing ones."""
    missing = [name for name in names if name not in table.columns]
    if missing:
        hint = ""
        if len(table.columns) == 1 and any(c in table.columns[0] for c in ",;\t|"):
            hint = "; is --delimiter right?"
        raise InputError(
            f"{what} column(s) {missing} not found in {table.path}; its columns "
            f"are {table.columns}{hint}"
        )
    return [table.columns.index(name) for name in names]


def label_matrix(table, label_names):
    """0/1 label indicator of the named columns (``0``, ``1``, ``1.0`` accepted).

    Returns
    -------
    Y : ndarray of shape (n_rows, n_labels), dtype=int64
    """
    index = column_index(table, label_names, "label")
    Y = np.empty((len(table.rows), len(index)), dtype=np.int64)
    for k, j in enumerate(index):
        values = [_as_binary(row[j]) for row in table.rows]
        bad = [i for i, value in enumerate(values) if value is None]
        if bad:
            cell = table.rows[bad[0]][j]
            shown = "is blank" if not cell else f"holds {cell!r}"
            raise InputError(
                f"label column {label_names[k]!r} must hold 0 or 1 in every row, "
                f"but line {table.lines[bad[0]]} {shown} ({len(bad)} bad "
                "value(s) in the column); for a column of tag names use --tags"
            )
        Y[:, k] = values
    return Y


def _as_binary(cell):
    try:
        value = float(cell)
    except ValueError:
        return None
    return int(value) if value in (0.0, 1.0) else None


def tag_matrix(table, column, sep="|"):
    """0/1 indicator of the tags named in one column, and the sorted tag names.

    A cell holds tag names separated by `sep` (spaces around them ignored);
    a blank cell means no tag.

    Returns
    -------
    Y : ndarray of shape (n_rows, n_tags), dtype=int64
    names : list of str

    Examples
    --------
    >>> from skcleanml._cli_read import Table, tag_matrix
    >>> table = Table("t.csv", ["tags"], [["b|a"], [""], ["a"]], [2, 3, 4])
    >>> Y, names = tag_matrix(table, "tags")
    >>> Y.tolist(), names
    ([[1, 1], [0, 0], [1, 0]], ['a', 'b'])
    """
    (j,) = column_index(table, [column], "--tags")
    if not sep:
        raise InputError("--tag-sep must not be empty")
    cells = [{tag.strip() for tag in row[j].split(sep)} - {""} for row in table.rows]
    names = sorted(set().union(*cells))
    if not names:
        raise InputError(f"--tags column {column!r} holds no tag in any row")
    if not any(sep in row[j] for row in table.rows):
        other = [c for c in ",;|/" if c != sep and any(c in n for n in names)]
        if other:
            raise InputError(
                f"no cell of --tags column {column!r} holds --tag-sep {sep!r}, "
                f"but some hold {other[0]!r}; pass --tag-sep '{other[0]}'"
            )
    Y = np.array([[name in tags for name in names] for tags in cells], dtype=np.int64)
    return Y, names


# -- feature columns -------------------------------------------------------------


class Column(NamedTuple):
    """One non-label column: its name, role and values for the model."""

    name: str
    role: str  # one of ROLES
    values: object  # list of str (id, text, categorical) or float ndarray


def feature_columns(
    table, label_columns, *, text=(), categorical=(), ids=(), numeric=()
):
    """The role and values of every column that is not a label column.

    Parameters
    ----------
    table : Table
    label_columns : list of str
        Columns holding the labels, skipped.
    text, categorical, ids, numeric : list of str, default=()
        Columns forced to the ``"text"``, ``"categorical"``, ``"id"`` or
        ``"numeric"`` role; the others are detected (see the module
        docstring).

    Returns
    -------
    columns : list of Column

    Examples
    --------
    >>> from skcleanml._cli_read import Table, feature_columns
    >>> rows = [["d1", "a cat sat down", "3", "x"], ["d2", "the dog ran off", "",
    ...         "x"]]
    >>> table = Table("t.csv", ["id", "text", "n", "kind"], rows, [2, 3])
    >>> [(c.name, c.role) for c in feature_columns(table, [])]
    [('id', 'id'), ('text', 'text'), ('n', 'numeric'), ('kind', 'categorical')]
    """
    forced = {}
    roles = (
        ("text", text),
        ("categorical", categorical),
        ("id", ids),
        ("numeric", numeric),
    )
    for role, names in roles:
        for j in column_index(table, names, f"--{role}"):
            if j in forced:
                raise InputError(
                    f"column {table.columns[j]!r} is given two roles: "
                    f"--{forced[j]} and --{role}"
                )
            forced[j] = role
    skipped = set(column_index(table, label_columns, "label"))
    both = sorted(table.columns[j] for j in skipped & set(forced))
    if both:
        raise InputError(f"column(s) {both} are both labels and features")
    columns = [
        _column(table, j, forced.get(j))
        for j in range(len(table.columns))
        if j not in skipped
    ]
    if not any(column.role != "id" for column in columns):
        raise InputError(
            f"{table.path} has no feature column: every column holds labels or ids"
        )
    return columns


def _column(table, j, role):
    name = table.columns[j]
    values = [row[j] for row in table.rows]
    if role in ("id", "text", "categorical"):
        return Column(name, role, values)
    numbers = _numeric(values, name, table, forced=role == "numeric")
    if numbers is not None:
        integers = np.all(numbers == np.round(numbers))  # NaN: False
        distinct = np.unique(numbers).size == numbers.size > 1
        if integers and distinct and role is None:
            return Column(name, "id", values)
        return Column(name, "numeric", numbers)
    return Column(name, _string_role(values), values)


def _string_role(values):
    distinct = len(set(values))
    if distinct == len(values) > 1 and not any(" " in value for value in values):
        return "id"
    words = statistics.median(len(value.split()) for value in values)
    if distinct >= _TEXT_DISTINCT * len(values) and words >= _TEXT_WORDS:
        return "text"
    return "categorical"


def _numeric(values, name, table, forced=False):
    """A float array if the present cells are numbers; None if none is."""
    numbers = [_as_number(value) for value in values]
    present = [i for i, value in enumerate(values) if value.lower() not in _MISSING]
    words = [i for i in present if numbers[i] is None]
    if words and len(words) == len(present) and not forced:
        return None
    if words:
        first = words[0]
        if len(words) * 2 > len(present) and not forced:
            return None  # mostly text with a few numbers: categories
        raise InputError(
            f"column {name!r} mixes numbers and text: line {table.lines[first]} "
            f"holds {values[first]!r} ({len(words)} non-numeric of "
            f"{len(present)} values); fix those cells, or pass --categorical "
            f"{name} to one-hot encode the column as text categories"
        )
    column = np.array([math.nan if n is None else n for n in numbers])
    infinite = np.flatnonzero(np.isinf(column))
    if infinite.size:
        raise InputError(
            f"column {name!r}, line {table.lines[infinite[0]]}: "
            f"{values[infinite[0]]!r} is not a finite number"
        )
    return column


def _as_number(cell):
    if cell.lower() in _MISSING:
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def feature_matrix(columns):
    """The non-id columns as one array, and their roles.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features)
        float64 if every feature is numeric, else object (one type per
        column: floats or strings).
    roles : list of str
        The role of each column of `X`.
    """
    features = [column for column in columns if column.role != "id"]
    roles = [column.role for column in features]
    if all(role == "numeric" for role in roles):
        return np.column_stack([c.values for c in features]).astype(np.float64), roles
    X = np.empty((len(features[0].values), len(features)), dtype=object)
    for j, column in enumerate(features):
        X[:, j] = column.values
    return X, roles
