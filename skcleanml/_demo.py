"""The ``demo`` command: the multi-label quickstart, packaged.

``python -m skcleanml demo`` runs the steps of ``examples/quickstart.py`` with
:class:`~skcleanml.CleanMultiLabel` and prints what they find; ``--plot DIR``
also saves the quickstart's two figures. The ``find-issues`` command lives in
:mod:`skcleanml._cli`.
"""

import contextlib
import math
import os
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils import Bunch

from skcleanml._cli import InputError
from skcleanml._estimator import CleanMultiLabel
from skcleanml._labels import int2onehot

__all__ = ["demo_command", "run_demo"]


def run_demo(random_state=0, out=None, plot_dir=None):
    """Run the multi-label quickstart and print what it finds.

    The calls of ``examples/quickstart.py``: toy 2-D data with planted label
    errors (:func:`~skcleanml.datasets.make_multilabel_data`), one ``fit`` of
    :class:`~skcleanml.CleanMultiLabel` around a random forest with its
    defaults, then the out-of-fold pred_probs, the ranked label issues, their
    precision and recall against the planted errors, suggested labels, the
    first 10 label quality scores, the health report and the subset
    accuracy of the cleaned model on clean test labels. Fold progress goes
    to stderr.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the data, the folds and the forest.
    out : file-like, default=None
        Where to print; None means ``sys.stdout`` at call time.
    plot_dir : str, default=None
        If given, save ``true_label_errors.png`` and ``found_label_issues.png``
        there (created if needed); needs matplotlib.

    Returns
    -------
    result : sklearn.utils.Bunch
        ``data``, ``estimator`` (the fitted ``CleanMultiLabel``),
        ``pred_probs``, ``issues`` (ranked indices), ``precision``,
        ``recall``, ``scores``, ``summary``, ``accuracy`` and ``figures``
        (saved paths).
    """
    out = sys.stdout if out is None else out
    from skcleanml.datasets import make_multilabel_data

    data = make_multilabel_data(random_state=random_state)
    n_classes = 1 + max(max(row, default=-1) for row in data.true_labels_train)
    Y = int2onehot(data.labels, n_classes)
    clean = CleanMultiLabel(
        RandomForestClassifier(random_state=random_state),
        random_state=random_state,
        verbose=1,
    ).fit(data.X_train, Y)
    precision, recall = precision_recall(clean.label_issues_mask_, data.is_error)
    _print_demo(data, Y, clean, precision, recall, out)
    with contextlib.redirect_stdout(out):
        summary = clean.report(verbose=True)
    accuracy = clean.score(data.X_test, int2onehot(data.true_labels_test, n_classes))
    print(f"\nSubset accuracy on clean test labels: {accuracy:.3f}", file=out)
    figures = [] if plot_dir is None else _save_demo_plots(data, Y, clean, plot_dir)
    for path in figures:
        print(f"Saved {path}", file=out)
    return Bunch(
        data=data,
        estimator=clean,
        pred_probs=clean.pred_probs_,
        issues=clean.label_issues_,
        precision=precision,
        recall=recall,
        scores=clean.label_quality_scores_,
        summary=summary,
        accuracy=accuracy,
        figures=figures,
    )


def precision_recall(found, is_error):
    """Precision and recall of the flagged examples against the planted errors.

    Parameters
    ----------
    found : ndarray of shape (n_samples,), dtype=bool
        Examples flagged as label issues.
    is_error : ndarray of shape (n_samples,), dtype=bool
        Examples whose labels were corrupted.

    Returns
    -------
    precision : float
        Fraction of the flagged examples that are errors; NaN if none is
        flagged.
    recall : float
        Fraction of the errors that are flagged; NaN if there is no error.

    Examples
    --------
    >>> import numpy as np
    >>> from skcleanml._demo import precision_recall
    >>> precision_recall(np.array([True, True, False, False]),
    ...                  np.array([True, False, True, True]))
    (0.5, 0.3333333333333333)
    """
    hits = int((found & is_error).sum())
    precision = hits / found.sum() if found.any() else math.nan
    recall = hits / is_error.sum() if is_error.any() else math.nan
    return float(precision), float(recall)


def _print_demo(data, Y, clean, precision, recall, out):
    def show(*lines):
        print(*lines, sep="\n", file=out)

    issues, pred_probs = clean.label_issues_, clean.pred_probs_
    scores = clean.label_quality_scores_
    n_errors = int(data.is_error.sum())
    show(
        "skcleanml demo: the multi-label quickstart",
        "",
        f"{len(data.labels)} training examples, {pred_probs.shape[1]} classes; "
        f"{n_errors} have a wrong label set (the method does not know which).",
        "",
        "First 5 given labels and out-of-fold pred_probs:",
        *(f"  {data.labels[i]!s:<10} {np.round(pred_probs[i], 3)}" for i in range(5)),
        "",
        f"Found {len(issues)} label issues; worst first: "
        f"{issues[:15].tolist()}{' ...' if len(issues) > 15 else ''}",
        f"Precision {precision:.3f}, recall {recall:.3f} against the planted errors.",
        *(
            # The suggested set flips every flagged class annotation.
            f"  example {i}: given {data.labels[i]}, suggested "
            f"{np.flatnonzero(Y[i] ^ clean.per_class_label_issues_[i]).tolist()}"
            for i in issues[:3]
        ),
        "",
        f"First 10 label quality scores: {np.round(scores[:10], 3)}",
        "",
    )


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(
            "--plot needs matplotlib; install it with pip install 'skcleanml[plot]'"
        ) from None


def _save_demo_plots(data, Y, clean, plot_dir):
    _require_matplotlib()
    import matplotlib.pyplot as plt

    from skcleanml._plotting import LabelIssuesDisplay

    os.makedirs(plot_dir, exist_ok=True)
    displays = {
        "true_label_errors.png": LabelIssuesDisplay.from_predictions(
            data.X_train, data.labels, data.is_error, title="True label errors"
        ),
        "found_label_issues.png": LabelIssuesDisplay.from_estimator(
            clean, data.X_train, Y, title="Label issues found by CleanMultiLabel"
        ),
    }
    paths = []
    for filename, display in displays.items():
        path = os.path.join(plot_dir, filename)
        display.figure_.savefig(path)
        plt.close(display.figure_)
        paths.append(path)
    return paths


def demo_command(args):
    """Run ``demo`` with parsed arguments; return the exit code.

    Checks ``--plot`` before the computation: matplotlib must be installed
    and the path must be a directory or not exist yet.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``demo`` options: ``random_state`` and ``plot``.

    Returns
    -------
    exit_code : int
        0; a bad ``--plot`` raises :class:`~skcleanml._cli.InputError`.
    """
    if args.plot is not None:
        _require_matplotlib()
        if os.path.exists(args.plot) and not os.path.isdir(args.plot):
            raise InputError(f"--plot {args.plot} exists and is not a directory")
    run_demo(random_state=args.random_state, plot_dir=args.plot)
    return 0
