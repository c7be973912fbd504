"""The ``find-issues`` command: ``python -m skcleanml find-issues DATA.csv ...``.

``find-issues`` reads a CSV file with the standard library's :mod:`csv` module
(no pandas), fits :class:`~skcleanml.CleanMultiLabel` around a built-in
estimator with its defaults (out-of-fold predicted probabilities averaged over
3 shuffled cross-validations, one-vs-rest confident learning, softmin label
quality scores; ``--cleanlab-compatible`` gives cleanlab's recipe instead) and
writes one row per input row, then prints the estimator's health report and
the worst issues. The ``demo`` command lives in :mod:`skcleanml._demo`.

Exit codes: 0 on success, 1 when the model fails on valid input, 2 for usage
and input errors (argparse's own code for bad options), 130 when interrupted.
Input errors print one ``skcleanml: error: ...`` line to stderr, never a
traceback, and leave no output file behind.
"""

import contextlib
import csv
import math
import os
import secrets
import sys
from typing import NamedTuple

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils import get_tags

from skcleanml._estimator import CleanMultiLabel

ESTIMATORS = ("forest", "extra-trees", "logistic", "hgb")
DEFAULT_FILTER = "prune_by_noise_rate"

# Cell values read as a missing number (compared case-insensitively), as most
# spreadsheet and pandas exports write them.
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})


class InputError(Exception):
    """A usage or input problem, reported as one line and exit code 2."""


def _log(message):
    print(message, file=sys.stderr)


# -- reading the CSV file ----------------------------------------------------


class Table(NamedTuple):
    """Cells of a CSV file, stripped of surrounding whitespace."""

    path: str
    columns: list
    rows: list
    # Physical line (1-based) on which each data row ends, for messages.
    lines: list


def read_csv_table(path):
    """Read a comma-separated UTF-8 file with a header row.

    A UTF-8 byte-order mark is ignored; empty lines are skipped.

    Parameters
    ----------
    path : str
        File to read.

    Returns
    -------
    table : Table
        Column names, rows of stripped cells, and line numbers.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not UTF-8, empty, has no data row,
        blank or duplicate column names, rows of the wrong length, or a field
        over the :func:`csv.field_size_limit`.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header, rows, lines = _parse_csv(handle, path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, expected a CSV file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise InputError(_encoding_message(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    _check_header(header, path)
    if not rows:
        raise InputError(f"{path} has a header row but no data rows")
    _check_row_lengths(header, rows, lines, path)
    return Table(path, header, rows, lines)


def _parse_csv(handle, path):
    reader = csv.reader(handle)
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


def _encoding_message(path):
    with open(path, "rb") as handle:
        start = handle.read(4)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"{path} is UTF-16 encoded; save it as UTF-8 (CSV UTF-8)"
    return f"{path} is not UTF-8 text; save it as UTF-8 (CSV UTF-8)"


def _check_header(header, path):
    if header is None:
        raise InputError(
            f"{path} is empty; expected a header row of column names and data rows"
        )
    blank = [i + 1 for i, name in enumerate(header) if not name]
    if blank:
        raise InputError(
            f"{path}: column(s) {blank} of the header have no name; every column "
            "needs one (a file saved by pandas with its index needs index=False)"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise InputError(f"{path}: duplicate column name(s) {duplicates}")


def _check_row_lengths(header, rows, lines, path):
    ragged = [i for i, row in enumerate(rows) if len(row) != len(header)]
    if ragged:
        first = ragged[0]
        raise InputError(
            f"{path}, line {lines[first]}: {len(rows[first])} fields, but the "
            f"header has {len(header)} columns ({len(ragged)} row(s) of the "
            "wrong length)"
        )


# -- from cells to X and Y ---------------------------------------------------


def _column_index(table, names, what):
    """Positions of the named columns; an InputError names the missing ones."""
    missing = [name for name in names if name not in table.columns]
    if missing:
        hint = ""
        if len(table.columns) == 1 and any(c in table.columns[0] for c in ";\t|"):
            hint = "; the file does not seem comma-separated"
        raise InputError(
            f"{what} column(s) {missing} not found in {table.path}; its columns "
            f"are {table.columns}{hint}"
        )
    return [table.columns.index(name) for name in names]


def label_matrix(table, label_names):
    """0/1 label indicator of the named columns.

    Cells reading as the number 0 or 1 (``0``, ``1``, ``1.0``) are accepted.

    Returns
    -------
    Y : ndarray of shape (n_rows, n_labels), dtype=int64
    """
    index = _column_index(table, label_names, "label")
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
                "value(s) in the column)"
            )
        Y[:, k] = values
    return Y


def _as_binary(cell):
    try:
        value = float(cell)
    except ValueError:
        return None
    return int(value) if value in (0.0, 1.0) else None


class Features(NamedTuple):
    """Feature matrix read from a table, and what a message needs about it."""

    X: np.ndarray
    names: list
    text_names: list
    # (column name, number of missing values, line of the first one)
    missing: list


def feature_matrix(table, label_names, categorical=()):
    """Features: every column that is not a label column.

    A column whose non-missing cells are all numbers is numeric (missing
    cells become NaN); a column with no number, or named in `categorical`, is
    text. Returns a float array if every column is numeric, else an object
    array holding floats and strings, one type per column.

    Returns
    -------
    features : Features
    """
    index = _column_index(table, categorical, "--categorical")
    overlap = sorted(set(categorical) & set(label_names))
    if overlap:
        raise InputError(f"column(s) {overlap} are both labels and --categorical")
    labels = set(_column_index(table, label_names, "label"))
    feature_index = [j for j in range(len(table.columns)) if j not in labels]
    if not feature_index:
        raise InputError(
            f"{table.path} has no feature columns: every column is a label column"
        )
    columns, text_names, missing = [], [], []
    for j in feature_index:
        name = table.columns[j]
        values = [row[j] for row in table.rows]
        column = values if j in index else _numeric_or_text(values, name, table)
        if isinstance(column, list):
            text_names.append(name)
        elif np.isnan(column).any():
            first = int(np.flatnonzero(np.isnan(column))[0])
            missing.append((name, int(np.isnan(column).sum()), table.lines[first]))
        columns.append(column)
    names = [table.columns[j] for j in feature_index]
    return Features(_stack_columns(columns), names, text_names, missing)


def _numeric_or_text(values, name, table):
    """A float array for a numeric column, the list itself for a text column."""
    numbers = [_as_number(value) for value in values]
    present = [i for i, value in enumerate(values) if value.lower() not in _MISSING]
    words = [i for i in present if numbers[i] is None]
    if words and len(words) == len(present):
        return values
    if words:
        first = words[0]
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


def _stack_columns(columns):
    if not any(isinstance(column, list) for column in columns):
        return np.column_stack(columns).astype(np.float64)
    X = np.empty((len(columns[0]), len(columns)), dtype=object)
    for j, column in enumerate(columns):
        X[:, j] = column
    return X


# -- the model ---------------------------------------------------------------


def make_classifier(name, *, n_estimators=100, random_state=None):
    """The classifier behind ``--estimator`` (one of :data:`ESTIMATORS`).

    Examples
    --------
    >>> from skcleanml._cli import make_classifier
    >>> make_classifier("forest", n_estimators=5, random_state=0)
    RandomForestClassifier(n_estimators=5, random_state=0)
    """
    if name == "forest":
        return RandomForestClassifier(
            n_estimators=n_estimators, random_state=random_state
        )
    if name == "extra-trees":
        return ExtraTreesClassifier(
            n_estimators=n_estimators, random_state=random_state
        )
    if name == "hgb":
        return HistGradientBoostingClassifier(
            max_iter=n_estimators, random_state=random_state
        )
    if name == "logistic":
        return LogisticRegression(max_iter=1000)
    raise ValueError(f"estimator must be one of {ESTIMATORS}, got {name!r}.")


def _as_float(X):
    """Numeric columns of an object array as floats (the first pipeline step)."""
    return np.asarray(X, dtype=np.float64)


def make_estimator(X, *, name="forest", n_estimators=100, random_state=None):
    """Pipeline fitting ``make_classifier(name)`` on the columns of `X`.

    Text columns (those of an object `X` holding strings) are one-hot encoded
    with ``handle_unknown="ignore"``, since a fold may hold a category its
    training rows lack; numeric ones pass through, standardized for
    ``"logistic"``. The output is dense because tree models accept missing
    values only in dense input.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
    """
    text = [
        j for j in range(X.shape[1]) if X.dtype == object and isinstance(X[0, j], str)
    ]
    numeric = [j for j in range(X.shape[1]) if j not in text]
    steps = [FunctionTransformer(_as_float, feature_names_out="one-to-one")]
    if name == "logistic":  # a linear model needs features on comparable scales
        steps.append(StandardScaler())
    transformers = [("numeric", make_pipeline(*steps), numeric)] if numeric else []
    if text:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        transformers.append(("text", encoder, text))
    return Pipeline(
        [
            ("features", ColumnTransformer(transformers, sparse_threshold=0)),
            (
                "classifier",
                make_classifier(
                    name, n_estimators=n_estimators, random_state=random_state
                ),
            ),
        ]
    )


def make_detector(X, args):
    """The :class:`~skcleanml.CleanMultiLabel` that ``find-issues`` fits.

    The estimator's own defaults: ``n_repeats="auto"`` (3 shuffled
    cross-validations averaged, since ``--cv`` is an int) unless
    ``--n-repeats`` is given, and softmin (T=0.1) label quality scores. With
    ``--cleanlab-compatible``, cleanlab's recipe: one cross-validation and
    exponential moving average (alpha=0.8) scores. ``refit=False``: the
    command reports the detection and never uses a cleaned model.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features, as :func:`feature_matrix` returns them.
    args : argparse.Namespace
        Parsed ``find-issues`` options.

    Returns
    -------
    detector : CleanMultiLabel
        Not fitted.

    Examples
    --------
    >>> from argparse import Namespace
    >>> import numpy as np
    >>> from skcleanml._cli import make_detector
    >>> args = Namespace(estimator="forest", n_estimators=5, cv=3,
    ...                  n_repeats=None, cleanlab_compatible=False,
    ...                  filter_by="prune_by_noise_rate", n_jobs=None,
    ...                  random_state=0)
    >>> detector = make_detector(np.zeros((4, 2)), args)
    >>> detector.n_repeats, detector.aggregator_kwargs, detector.refit
    ('auto', None, False)
    """
    if args.cleanlab_compatible:
        n_repeats = 1
        aggregator = {"method": "exponential_moving_average", "alpha": 0.8}
    else:
        n_repeats = "auto" if args.n_repeats is None else args.n_repeats
        aggregator = None  # the estimator's default: softmin, T=0.1
    estimator = make_estimator(
        X,
        name=args.estimator,
        n_estimators=args.n_estimators,
        random_state=args.random_state,
    )
    return CleanMultiLabel(
        estimator,
        cv=args.cv,
        n_repeats=n_repeats,
        filter_by=args.filter_by,
        aggregator_kwargs=aggregator,
        refit=False,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        verbose=1,
    )


class Detection(NamedTuple):
    """What ``find-issues`` reports of a fitted ``CleanMultiLabel``."""

    scores: np.ndarray  # label_quality_scores_
    mask: np.ndarray  # label_issues_mask_
    per_class: np.ndarray  # per_class_label_issues_
    pred_probs: np.ndarray  # pred_probs_
    ranks: np.ndarray  # 1 for label_issues_[0] (the worst)...; 0 if not flagged
    estimator: CleanMultiLabel  # the fitted detector, for its health report


def _detect(X, Y, args):
    """Fit the detector of :func:`make_detector`; return its findings.

    The one place that computes, through the estimator's own code path, so
    the command and ``CleanMultiLabel`` cannot disagree.

    Returns
    -------
    detection : Detection
    """
    detector = make_detector(X, args).fit(X, Y)
    return Detection(
        detector.label_quality_scores_,
        detector.label_issues_mask_,
        detector.per_class_label_issues_,
        detector.pred_probs_,
        _issue_ranks(detector.label_issues_, Y.shape[0]),
        detector,
    )


def _issue_ranks(ranked_issues, n_samples):
    """Rank of each example in `ranked_issues` (worst first), from 1; 0 if absent.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._cli import _issue_ranks
    >>> _issue_ranks(np.array([3, 0]), 5)
    array([2, 0, 0, 1, 0])
    """
    ranks = np.zeros(n_samples, dtype=np.int64)
    ranks[ranked_issues] = np.arange(1, len(ranked_issues) + 1)
    return ranks


def _check_missing_values(features, estimator):
    if not features.missing:
        return
    if get_tags(make_classifier(estimator)).input_tags.allow_nan:
        return
    name, count, line = features.missing[0]
    accepting = [
        other
        for other in ESTIMATORS
        if get_tags(make_classifier(other)).input_tags.allow_nan
    ]
    raise InputError(
        f"column {name!r} has {count} missing value(s) (first on line {line}), "
        f"and --estimator {estimator} does not accept missing values; fill "
        f"them in, or use --estimator {' or '.join(accepting)}"
    )


# -- find-issues -------------------------------------------------------------


def find_issues_command(args):
    """Run ``find-issues`` with parsed arguments; return the exit code."""
    _check_output_path(args.output, args.data)
    table = read_csv_table(args.data)
    Y = label_matrix(table, args.labels)
    features = feature_matrix(table, args.labels, args.categorical)
    _check_missing_values(features, args.estimator)
    if len(table.rows) < args.cv:
        raise InputError(
            f"{args.data} has {len(table.rows)} data rows, fewer than the "
            f"{args.cv} cross-validation folds (--cv); use a smaller --cv"
        )
    n_text = len(features.text_names)
    _log(
        f"Read {args.data}: {len(table.rows)} rows, {len(features.names)} feature "
        f"columns ({len(features.names) - n_text} numeric, {n_text} text), "
        f"{Y.shape[1]} label columns."
    )
    try:
        found = _detect(features.X, Y, args)
    except (ValueError, TypeError, ArithmeticError) as exc:
        print(f"skcleanml: error: the model failed: {exc}", file=sys.stderr)
        return 1
    scores, mask, per_class, pred_probs, ranks, detector = found
    changes = suggested_changes(Y, per_class & mask[:, None], args.labels)
    _write_issues(args, scores, mask, ranks, changes, pred_probs)
    print()
    detector.report(class_names=args.labels)
    print()
    _print_worst_issues(args, Y, scores, ranks, changes)
    print(
        f"Flagged {int(mask.sum())} of {len(mask)} examples "
        f"({mask.mean():.1%}) as likely label issues; wrote {args.output}."
    )
    return 0


def _check_output_path(output, data):
    """Fail before the computation when the output cannot be written."""
    directory = os.path.dirname(os.path.abspath(output))
    if os.path.isdir(output):
        raise InputError(f"--output {output} is a directory, expected a file name")
    if not os.path.isdir(directory):
        raise InputError(f"--output {output}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise InputError(f"--output {output}: directory {directory} is not writable")
    if os.path.exists(data) and os.path.abspath(output) == os.path.abspath(data):
        raise InputError("--output must not be the input file")


def suggested_changes(Y, flags, names):
    """Per row, ``"-name"`` for a flagged given label, ``"+name"`` for a missing one.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._cli import suggested_changes
    >>> Y = np.array([[1, 0, 0], [0, 1, 0]])
    >>> flags = np.array([[True, False, True], [False, False, False]])
    >>> suggested_changes(Y, flags, ["a", "b", "c"])
    ['-a;+c', '']
    """
    return [
        ";".join(
            ("-" if given else "+") + name
            for given, flag, name in zip(y_row, flag_row, names)
            if flag
        )
        for y_row, flag_row in zip(Y, flags)
    ]


def _write_issues(args, scores, mask, ranks, changes, pred_probs):
    header = [
        "row",
        "label_quality_score",
        "is_label_issue",
        "issue_rank",
        "suggested_changes",
        *(f"pred_prob_{name}" for name in args.labels),
    ]
    # repr gives the shortest string that reads back as the same float.
    rows = (
        [i, repr(float(scores[i])), int(mask[i]), ranks[i] or "", changes[i]]
        + [repr(float(p)) for p in pred_probs[i]]
        for i in range(len(mask))
    )
    try:
        write_csv_atomically(args.output, header, rows)
    except OSError as exc:
        raise InputError(
            f"cannot write --output {args.output}: {exc.strerror or exc}"
        ) from None


def write_csv_atomically(path, header, rows):
    """Write a CSV file whole or not at all.

    Rows go to a temporary file in the same directory, renamed over `path`
    with :func:`os.replace` once complete; on any error the temporary file is
    removed and `path` is left as it was.
    """
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(
        directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp"
    )
    try:
        # os.open with 0o666 honours the umask, unlike tempfile's 0o600.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _print_worst_issues(args, Y, scores, ranks, changes):
    if not (ranks > 0).any():
        print("No label issues found.")
        return
    flagged = np.argsort(np.where(ranks > 0, ranks, len(ranks) + 1), kind="stable")
    flagged = flagged[: min(args.top, int((ranks > 0).sum()))]
    if not flagged.size:
        return
    print(f"Worst {flagged.size} label issues (lowest label quality score first)")
    table = {
        "rank": ranks[flagged],
        "row": flagged,
        "score": [f"{scores[i]:.4f}" for i in flagged],
        "given labels": [_label_list(Y[i], args.labels) for i in flagged],
        "suggested change": [changes[i] or "-" for i in flagged],
    }
    print(_format_table(table))
    print()


def _label_list(y_row, names):
    return ",".join(name for given, name in zip(y_row, names) if given) or "(none)"


def _format_table(table):
    """Left-aligned plain-text table of a dict of equally long columns."""
    columns = [[name, *map(str, values)] for name, values in table.items()]
    widths = [max(map(len, column)) for column in columns]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in zip(*columns)
    )
