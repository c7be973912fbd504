"""Dataset-level label health: per-class quality, common issues, overall score.

Every number here comes from one run of one-vs-rest confident learning
(Northcutt et al., 2021; Thyagarajan et al., 2023): the per-class issue mask of
:func:`~skcleanml.find_label_issues_per_class` is computed once, from one
confident joint, and counted column-wise. The tables hold the same columns,
rows, row order and numbers as cleanlab 2.9's
``cleanlab.multilabel_classification.dataset`` functions, so that a user can
switch imports; they are plain dicts of NumPy arrays unless ``as_frame=True``.
"""

from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from skcleanml._count import check_confident_joint
from skcleanml._filter import in_memory, per_class_issues

SUMMARY_KEYS = (
    "overall_multilabel_health_score",
    "classes_by_multilabel_quality",
    "common_multilabel_issues",
)

_COMMON_CONSTRAINTS = {
    "labels": ["array-like", "sparse matrix"],
    "pred_probs": ["array-like"],
    "confident_joint": ["array-like", None],
}
_TABLE_CONSTRAINTS = {
    **_COMMON_CONSTRAINTS,
    "class_names": ["array-like", None],
    "as_frame": ["boolean"],
}


class _Health(NamedTuple):
    """What every summary is computed from: one pass of confident learning."""

    n_samples: int
    # counts[k, 0]: examples given class k but flagged as not having it;
    # counts[k, 1]: examples not given class k but flagged as having it.
    counts: np.ndarray
    n_flagged: int


def _label_health(labels, pred_probs, confident_joint):
    data = in_memory(labels, pred_probs)
    joint = check_confident_joint(confident_joint, data.shape[1])
    return issue_health(data.whole()[0], per_class_issues(data, confident_joint=joint))


def issue_health(Y, per_class_issues, flagged=None):
    """Health counts of a given issue mask (`flagged`: the example-level one)."""
    issues = per_class_issues
    counts = np.stack([(issues & Y).sum(axis=0), (issues & ~Y).sum(axis=0)], axis=1)
    flagged = issues.any(axis=1) if flagged is None else flagged
    return _Health(Y.shape[0], counts.astype(np.int64), int(np.count_nonzero(flagged)))


@validate_params(_TABLE_CONSTRAINTS, prefer_skip_nested_validation=True)
def common_label_issues(
    labels, pred_probs, *, class_names=None, confident_joint=None, as_frame=False
):
    """Count each kind of label issue of each class, most frequent first.

    Classes are not mutually exclusive, so each class is summarized on its own:
    how many examples were given the class but should not have it, and how
    many were not given it but should have it, as flagged by one-vs-rest
    confident learning (:func:`~skcleanml.find_label_issues_per_class` with
    its defaults).

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    class_names : array-like of shape (n_classes,), default=None
        Name of each class, in class-index order. When given, the result starts
        with a "Class Name" column.
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`~skcleanml.compute_confident_joint`.
    as_frame : bool, default=False
        Return a pandas DataFrame (pandas is then required) instead of a dict.

    Returns
    -------
    common_issues : dict of str to ndarray of shape (2 * n_classes,), or DataFrame
        One row per class and given label, by decreasing "Issue Probability"
        (ties in the order cleanlab gives them), with columns:

        - "Class Name": only with ``class_names``;
        - "Class Index": the class;
        - "In Given Label": whether the class is in the given labels;
        - "In Suggested Label": whether it should be (the opposite);
        - "Num Examples": how many examples have this issue;
        - "Issue Probability": "Num Examples" over ``n_samples``, in [0, 1].

    See Also
    --------
    rank_classes_by_label_quality : The same counts, one row per class.
    health_summary : All dataset-level summaries at once.

    Examples
    --------
    >>> from skcleanml import common_label_issues
    >>> labels = [[0], [0], [0], [], [], [0, 1], [1], [1]]
    >>> pred_probs = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.1], [0.1, 0.2],
    ...               [0.2, 0.1], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9]]
    >>> issues = common_label_issues(labels, pred_probs)
    >>> issues["Class Index"], issues["In Given Label"]
    (array([0, 0, 1, 1]), array([ True, False,  True, False]))
    >>> issues["Num Examples"]
    array([1, 0, 0, 0])
    """
    health = _label_health(labels, pred_probs, confident_joint)
    table = _common_issues_table(health)
    return _finish_table(table, class_names, len(health.counts), as_frame)


@validate_params(_TABLE_CONSTRAINTS, prefer_skip_nested_validation=True)
def rank_classes_by_label_quality(
    labels, pred_probs, *, class_names=None, confident_joint=None, as_frame=False
):
    """Rank classes by how clean their annotations look, worst first.

    The counts are those of :func:`common_label_issues`, gathered per class.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    class_names : array-like of shape (n_classes,), default=None
        Name of each class, in class-index order. When given, the result starts
        with a "Class Name" column.
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`~skcleanml.compute_confident_joint`.
    as_frame : bool, default=False
        Return a pandas DataFrame (pandas is then required) instead of a dict.

    Returns
    -------
    class_quality : dict of str to ndarray of shape (n_classes,), or DataFrame
        One row per class, by increasing "Label Quality Score" (ties in the
        order cleanlab gives them), with columns:

        - "Class Name": only with ``class_names``;
        - "Class Index": the class;
        - "Label Issues": examples given the class that should not have it;
        - "Inverse Label Issues": examples not given the class that should
          have it;
        - "Label Noise", "Inverse Label Noise": the two counts over
          ``n_samples``, in [0, 1];
        - "Label Quality Score": ``1 - "Label Noise"``, in [0, 1]; lower
          means more of the class's annotations look wrong.

    See Also
    --------
    common_label_issues : The same counts, one row per class and given label.

    Notes
    -----
    cleanlab 2.9 ignores ``confident_joint`` in its version of this function,
    and its "Label Issues" columns can be one lower than the number of flagged
    examples (a float round trip ``count / n * n`` is truncated). Here the
    confident joint is used and the counts are exact.

    Examples
    --------
    >>> from skcleanml import rank_classes_by_label_quality
    >>> labels = [[0], [0], [0], [], [], [0, 1], [1], [1]]
    >>> pred_probs = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.1], [0.1, 0.2],
    ...               [0.2, 0.1], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9]]
    >>> ranking = rank_classes_by_label_quality(
    ...     labels, pred_probs, class_names=["cat", "dog"])
    >>> ranking["Class Name"]
    array(['cat', 'dog'], dtype='<U3')
    >>> ranking["Label Quality Score"]
    array([0.875, 1.   ])
    """
    health = _label_health(labels, pred_probs, confident_joint)
    table = _class_quality_table(health, _common_issues_table(health))
    return _finish_table(table, class_names, len(health.counts), as_frame)


@validate_params(_COMMON_CONSTRAINTS, prefer_skip_nested_validation=True)
def overall_label_health_score(labels, pred_probs, *, confident_joint=None):
    """Score the labels of the whole dataset: the fraction that looks right.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`~skcleanml.compute_confident_joint`.

    Returns
    -------
    health_score : float
        In [0, 1]: one minus the fraction of examples with at least one
        flagged class annotation (:func:`~skcleanml.find_label_issues`). 1
        means every example's labels look right; 0.5 means half of the
        examples look mislabeled.

    Examples
    --------
    >>> from skcleanml import overall_label_health_score
    >>> labels = [[0], [0], [0], [], [], [0, 1], [1], [1]]
    >>> pred_probs = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.1], [0.1, 0.2],
    ...               [0.2, 0.1], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9]]
    >>> overall_label_health_score(labels, pred_probs)
    0.875
    """
    health = _label_health(labels, pred_probs, confident_joint)
    return _health_score(health)


def _health_score(health):
    return float(1 - health.n_flagged / health.n_samples)


@validate_params(
    {
        **_TABLE_CONSTRAINTS,
        "num_examples": [Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def health_summary(
    labels,
    pred_probs,
    *,
    class_names=None,
    num_examples=None,
    confident_joint=None,
    verbose=True,
    as_frame=False,
):
    """Summarize label health: overall score, class ranking, common issues.

    All three come from one run of confident learning, so they agree with
    each other and with :func:`overall_label_health_score`,
    :func:`rank_classes_by_label_quality` and :func:`common_label_issues`.

    Parameters
    ----------
    labels : list of lists of int, or {array-like, sparse matrix} of shape \
            (n_samples, n_classes)
        Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
        indicator matrix.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-fold predicted probability that each class is present; rows need
        not sum to 1.
    class_names : array-like of shape (n_classes,), default=None
        Name of each class, in class-index order, added to both tables.
    num_examples : int, default=None
        Dataset size shown in the printed report; None means ``n_samples``.
        It changes nothing else (kept for compatibility with cleanlab).
    confident_joint : array-like of shape (n_classes, 2, 2), default=None
        A precomputed one-vs-rest confident joint, see
        :func:`~skcleanml.compute_confident_joint`.
    verbose : bool, default=True
        Print a readable report.
    as_frame : bool, default=False
        Give the two tables as pandas DataFrames instead of dicts.

    Returns
    -------
    summary : dict
        With cleanlab's keys:

        - "overall_multilabel_health_score": see
          :func:`overall_label_health_score`;
        - "classes_by_multilabel_quality": see
          :func:`rank_classes_by_label_quality`;
        - "common_multilabel_issues": see :func:`common_label_issues`.

    Examples
    --------
    >>> from skcleanml import health_summary
    >>> labels = [[0], [0], [0], [], [], [0, 1], [1], [1]]
    >>> pred_probs = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.1], [0.1, 0.2],
    ...               [0.2, 0.1], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9]]
    >>> summary = health_summary(labels, pred_probs, verbose=False)
    >>> summary["overall_multilabel_health_score"]
    0.875
    >>> summary["classes_by_multilabel_quality"]["Class Index"]
    array([0, 1])
    """
    health = _label_health(labels, pred_probs, confident_joint)
    return summarize_health(
        health,
        class_names=class_names,
        num_examples=num_examples,
        verbose=verbose,
        as_frame=as_frame,
    )


def summarize_health(
    health, *, class_names=None, num_examples=None, verbose=True, as_frame=False
):
    """The summary dict of :func:`health_summary` for computed health counts."""
    n_classes = len(health.counts)
    common = _common_issues_table(health)
    ranking = _class_quality_table(health, common)
    common = _finish_table(common, class_names, n_classes, as_frame=False)
    ranking = _finish_table(ranking, class_names, n_classes, as_frame=False)
    if verbose:
        print(_report(health, ranking, common, num_examples))
    if as_frame:
        common, ranking = _to_frame(common), _to_frame(ranking)
    return dict(zip(SUMMARY_KEYS, (_health_score(health), ranking, common)))


def _common_issues_table(health):
    n_classes = len(health.counts)
    # Rows start as (class 0, given), (class 0, not given), (class 1, given)...
    # so that, after the sort, tied rows come out in cleanlab's order.
    class_index = np.repeat(np.arange(n_classes), 2)
    in_given = np.tile([True, False], n_classes)
    num_examples = health.counts.ravel()
    probability = num_examples / health.n_samples
    order = _pandas_sort_order(probability, descending=True)
    return {
        "Class Index": class_index[order],
        "In Given Label": in_given[order],
        "In Suggested Label": ~in_given[order],
        "Num Examples": num_examples[order],
        "Issue Probability": probability[order],
    }


def _class_quality_table(health, common):
    noise, inverse_noise = (health.counts / health.n_samples).T
    quality = 1 - noise
    # Classes start in the order they first appear in the common-issues table
    # (cleanlab builds its ranking from that table), again for tied rows.
    _, first = np.unique(common["Class Index"], return_index=True)
    start = common["Class Index"][np.sort(first)]
    order = start[_pandas_sort_order(quality[start])]
    return {
        "Class Index": order,
        "Label Issues": health.counts[order, 0],
        "Inverse Label Issues": health.counts[order, 1],
        "Label Noise": noise[order],
        "Inverse Label Noise": inverse_noise[order],
        "Label Quality Score": quality[order],
    }


def _pandas_sort_order(values, *, descending=False):
    """The permutation pandas' default ``sort_values`` applies to ``values``.

    pandas sorts with NumPy's default (quicksort, not stable) argsort, and a
    descending sort is an ascending sort of the reversed values, reversed.
    Doing exactly the same puts tied rows in the same order as cleanlab; that
    order is arbitrary but fixed for a given NumPy build.
    """
    if not descending:
        return np.argsort(values, kind="quicksort")
    reversed_positions = np.arange(len(values))[::-1]
    return reversed_positions[np.argsort(values[::-1], kind="quicksort")][::-1]


def _finish_table(table, class_names, n_classes, as_frame):
    if class_names is not None:
        names = _check_class_names(class_names, n_classes)
        table = {"Class Name": names[table["Class Index"]], **table}
    return _to_frame(table) if as_frame else table


def _check_class_names(class_names, n_classes):
    names = np.asarray(class_names)
    if names.ndim != 1 or len(names) != n_classes:
        raise ValueError(
            f"class_names must hold one name per class ({n_classes}), got "
            f"{len(names) if names.ndim == 1 else names.shape} names."
        )
    return names


def _to_frame(table):
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "as_frame=True requires pandas; install it (pip install pandas) or "
            "use as_frame=False to get a dict of NumPy arrays."
        ) from exc
    return pd.DataFrame(table)


def _report(health, ranking, common, num_examples):
    n_examples = health.n_samples if num_examples is None else num_examples
    score = _health_score(health)
    title = f"Label health summary for a dataset of {n_examples} examples"
    lines = [
        title,
        "=" * len(title),
        f"Overall label health score: {score:.4f} (1 means every example's "
        "labels look right).",
        f"{health.n_flagged} of {health.n_samples} examples have at least one "
        "likely wrong class annotation.",
        "",
        _section("Classes by label quality, worst first", ranking),
        "",
        _section("Most common label issues", common),
    ]
    return "\n".join(lines)


def _section(title, table):
    return "\n".join([title, "-" * len(title), _format_table(table)])


def _format_table(table):
    """Right-aligned plain-text table of a dict of equally long columns."""
    columns = [
        [name, *(_format_cell(value) for value in values)]
        for name, values in table.items()
    ]
    widths = [max(map(len, column)) for column in columns]
    rows = zip(*columns)
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows
    )


def _format_cell(value):
    if isinstance(value, float | np.floating):
        return f"{value:.4f}"
    return str(value)
