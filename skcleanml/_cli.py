"""The ``find-issues`` command: ``python -m skcleanml find-issues DATA.csv ...``.

:mod:`skcleanml._cli_read` reads the file into features, labels and id
columns; this module builds the model, fits :class:`~skcleanml.CleanMultiLabel`
with its defaults (``refit=False``: the command reports the detection) and
writes :meth:`~skcleanml.CleanMultiLabel.get_label_issues` with the input row
number and the id columns, or Label Studio tasks (``--format label-studio``).
Then it prints the estimator's health report and the worst issues.

Exit codes: 0 on success, 1 when the model fails on valid input, 2 for usage
and input errors (argparse's own code for bad options), 130 when interrupted.
Input errors print one ``skcleanml: error: ...`` line to stderr, never a
traceback, and leave no output file behind.
"""

import argparse
import contextlib
import csv
import json
import os
import secrets
import sys

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from skcleanml._cli_read import (
    InputError,
    feature_columns,
    feature_matrix,
    label_matrix,
    read_table,
    tag_matrix,
)
from skcleanml._estimator import CleanMultiLabel
from skcleanml._export import label_studio_config, to_label_studio
from skcleanml._summary import _format_table

ESTIMATORS = ("forest", "extra-trees", "logistic", "hgb")
DEFAULT_FILTER = "error_probability"  # CleanMultiLabel's default
FORMATS = ("csv", "label-studio")


def _log(message):
    print(message, file=sys.stderr)


# -- the model -----------------------------------------------------------------


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


def choose_estimator(name, roles):
    """`name`, or for None: "logistic" when a text column is present, else "forest".

    TF-IDF features of free text outnumber every other column and are sparse
    and high-dimensional, where a linear model is the strong baseline; trees
    suit a few numeric and categorical columns.

    Examples
    --------
    >>> from skcleanml._cli import choose_estimator
    >>> choose_estimator(None, ["text", "numeric"]), choose_estimator(None, ["numeric"])
    ('logistic', 'forest')
    """
    if name is not None:
        return name
    return "logistic" if "text" in roles else "forest"


def _as_float(X):
    """Numeric columns of an object array as floats (the first pipeline step)."""
    return np.asarray(X, dtype=np.float64)


def make_estimator(roles, *, name="forest", n_estimators=100, random_state=None):
    """Pipeline fitting ``make_classifier(name)`` on columns with these `roles`.

    Numeric columns pass through (imputed with the median and standardized for
    ``"logistic"``); categorical ones are one-hot encoded with
    ``handle_unknown="ignore"``, since a fold may hold a category its
    training rows lack; each text column gets its own
    ``TfidfVectorizer(sublinear_tf=True)``. Without text the output is dense,
    because tree models accept missing values only in dense input.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
    """
    numeric = [j for j, role in enumerate(roles) if role == "numeric"]
    categorical = [j for j, role in enumerate(roles) if role == "categorical"]
    steps = [FunctionTransformer(_as_float, feature_names_out="one-to-one")]
    if name == "logistic":  # a linear model needs complete, comparable features
        steps += [SimpleImputer(strategy="median"), StandardScaler()]
    transformers = [("numeric", make_pipeline(*steps), numeric)] if numeric else []
    if categorical:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        transformers.append(("categorical", encoder, categorical))
    # A scalar column index hands the vectorizer a 1-D array of strings.
    transformers += [
        (f"text{j}", TfidfVectorizer(sublinear_tf=True), j)
        for j, role in enumerate(roles)
        if role == "text"
    ]
    features = ColumnTransformer(
        transformers, sparse_threshold=0.3 if "text" in roles else 0
    )
    classifier = make_classifier(
        name, n_estimators=n_estimators, random_state=random_state
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def make_detector(roles, args):
    """The :class:`~skcleanml.CleanMultiLabel` that ``find-issues`` fits.

    The estimator's own defaults (error probabilities), unless
    ``--n-repeats`` or ``--filter-by`` is given; with
    ``--cleanlab-compatible``, cleanlab's recipe: one cross-validation,
    ``prune_by_noise_rate`` and exponential moving average (alpha=0.8)
    self-confidence scores. ``refit=False``: the command reports the
    detection and never uses a cleaned model.

    Examples
    --------
    >>> from argparse import Namespace
    >>> from skcleanml._cli import make_detector
    >>> args = Namespace(estimator="forest", n_estimators=5, cv=3,
    ...                  n_repeats=None, cleanlab_compatible=False,
    ...                  filter_by="error_probability", n_jobs=None,
    ...                  random_state=0)
    >>> detector = make_detector(["numeric"], args)
    >>> detector.n_repeats, detector.filter_by, detector.refit
    (1, 'error_probability', False)
    """
    options = {"filter_by": args.filter_by}
    if args.cleanlab_compatible:
        options["n_repeats"] = 1
        if args.filter_by == DEFAULT_FILTER:
            options["filter_by"] = "prune_by_noise_rate"
        options["rank_by"] = "self_confidence"
        options["aggregator_kwargs"] = {
            "method": "exponential_moving_average",
            "alpha": 0.8,
        }
    elif args.n_repeats is not None:
        options["n_repeats"] = args.n_repeats
    estimator = make_estimator(
        roles,
        name=args.estimator,
        n_estimators=args.n_estimators,
        random_state=args.random_state,
    )
    return CleanMultiLabel(
        estimator,
        cv=args.cv,
        refit=False,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        verbose=1,
        **options,
    )


# -- find-issues -----------------------------------------------------------------


def read_input(args):
    """Read ``args.data`` into (table, Y, tag names, feature columns)."""
    table = read_table(args.data, delimiter=args.delimiter, encoding=args.encoding)
    if args.tags is not None:
        Y, names = tag_matrix(table, args.tags, args.tag_sep)
        label_columns = [args.tags]
    else:
        Y, names = label_matrix(table, args.labels), list(args.labels)
        label_columns = names
    columns = feature_columns(
        table,
        label_columns,
        text=args.text,
        categorical=args.categorical,
        ids=args.id,
        numeric=args.numeric,
    )
    if len(table.rows) < args.cv:
        raise InputError(
            f"{args.data} has {len(table.rows)} data rows, fewer than the "
            f"{args.cv} cross-validation folds (--cv); use a smaller --cv"
        )
    return table, Y, names, columns


def find_issues_command(args):
    """Run ``find-issues`` with parsed arguments; return the exit code."""
    _check_output_path(args.output, args.data)
    table, Y, names, columns = read_input(args)
    X, roles = feature_matrix(columns)
    given = args.estimator is not None
    args = argparse.Namespace(**vars(args))  # the caller's stays as parsed
    args.estimator = choose_estimator(args.estimator, roles)
    _log(_describe(args, table, columns, names, given))
    detector = make_detector(roles, args)
    try:
        detector.fit(X, Y)
    except ValueError as exc:  # the model's own refusal of valid input
        print(f"skcleanml: error: the model failed: {exc}", file=sys.stderr)
        return 1
    issues = _named(detector.get_label_issues(as_frame=False), names)
    ids = {c.name: c.values for c in columns if c.role == "id"}
    if args.format == "label-studio":
        _write_label_studio(args, table, columns, issues, names)
    else:
        _write_issues(args, issues, ids)
    print()
    detector.report(class_names=names)
    print()
    _print_worst_issues(args, issues, ids, detector.label_issues_)
    mask = issues["is_label_issue"]
    print(
        f"Flagged {int(mask.sum())} of {len(mask)} examples "
        f"({mask.mean():.1%}) as likely label issues; wrote {args.output}."
    )
    return 0


def _named(issues, names):
    """The label lists of `issues` (class indices of the indicator) as names."""
    return {
        key: [[names[k] for k in row] for row in column]
        if column.dtype == object
        else column
        for key, column in issues.items()
    }


def _describe(args, table, columns, names, given):
    by_role = {
        role: [c.name for c in columns if c.role == role]
        for role in ("id", "text", "numeric", "categorical")
    }
    parts = [f"{role} {shown}" for role, shown in by_role.items() if shown]
    if given:
        origin = "--estimator"
    else:
        origin = "text column found" if by_role["text"] else "no text column"
    return (
        f"Read {args.data}: {len(table.rows)} rows, {len(names)} labels "
        f"{names}; columns: {'; '.join(parts)}.\n"
        f"Model: {'TF-IDF + ' if by_role['text'] else ''}{args.estimator} "
        f"({origin}; --text, --categorical, --numeric, --id and --estimator "
        "change it)."
    )


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


def _cell(value, sep):
    if isinstance(value, list):
        return sep.join(map(str, value))
    if isinstance(value, float | np.floating):
        return repr(float(value))  # the shortest string that reads back the same
    if isinstance(value, bool | np.bool_):
        return int(value)
    return value


def _write_issues(args, issues, ids):
    sep = args.tag_sep if args.tags is not None else "|"
    header = ["row", *ids, *issues]
    n_rows = len(issues["is_label_issue"])
    rows = (
        [i, *(values[i] for values in ids.values())]
        + [_cell(values[i], sep) for values in issues.values()]
        for i in range(n_rows)
    )
    _write_atomically(args.output, lambda handle: _csv_rows(handle, header, rows))


def _csv_rows(handle, header, rows):
    writer = csv.writer(handle)
    writer.writerow(header)
    writer.writerows(rows)


def _write_label_studio(args, table, columns, issues, names):
    records = [dict(zip(table.columns, row)) for row in table.rows]
    text = [c.name for c in columns if c.role == "text"]
    id_names = [c.name for c in columns if c.role == "id"]
    # Prefer a column called "id" to, say, a saved pandas index before it.
    id_names.sort(key=lambda name: name.lower() != "id")
    id_name = id_names[0] if id_names else "row"
    tasks = to_label_studio(
        issues, records, text=text, id=id_names[0] if id_names else None
    )
    config = label_studio_config(names, text=text or None)
    _write_atomically(args.output, lambda handle: json.dump(tasks, handle, indent=1))
    config_path = os.path.splitext(args.output)[0] + ".xml"
    _write_atomically(config_path, lambda handle: handle.write(config))
    print(
        f"Wrote {len(tasks)} Label Studio tasks to {args.output} and the "
        f"labeling config to {config_path}:\n{config}\nAfter the review, "
        "skcleanml.from_label_studio(EXPORT.json, "
        f"id={id_name!r}) gives the reviewed tags per {id_name}."
    )


def _write_atomically(path, write):
    """Write a file whole or not at all.

    `write` fills a temporary file in the same directory, renamed over `path`
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
            write(handle)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _print_worst_issues(args, issues, ids, ranked):
    """The first ``--top`` of `ranked` (``label_issues_``, worst first)."""
    if not ranked.size:
        print("No label issues found.")
        return
    worst = ranked[: args.top]
    if not worst.size:
        return
    print(f"Worst {worst.size} label issues (lowest label quality first)")
    table = {"rank": np.arange(1, worst.size + 1), "row": worst}
    table.update({name: [values[i] for i in worst] for name, values in ids.items()})
    table["label quality"] = issues["label_quality"][worst]
    for name, key in (
        ("given", "given_label"),
        ("add", "labels_to_add"),
        ("remove", "labels_to_remove"),
    ):
        table[name] = [",".join(map(str, issues[key][i])) or "-" for i in worst]
    print(_format_table(table))
    print()
