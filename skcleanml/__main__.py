"""The command line: ``python -m skcleanml`` and the ``skcleanml`` console script.

This module parses the arguments and dispatches; the commands live in
:mod:`skcleanml._cli` (``find-issues``) and :mod:`skcleanml._demo` (``demo``).
See ``python -m skcleanml --help``.

``find-issues`` detects with :class:`~skcleanml.CleanMultiLabel` and its
defaults; ``--n-repeats N`` sets the number of shuffled cross-validations
(default 3), ``--cleanlab-compatible`` switches to cleanlab's recipe (one
cross-validation, exponential moving average scores with alpha=0.8).
"""

import argparse
import sys

from skcleanml import __version__
from skcleanml._cli import (
    DEFAULT_FILTER,
    ESTIMATORS,
    InputError,
    find_issues_command,
)
from skcleanml._demo import demo_command
from skcleanml._filter import FILTERS

__all__ = ["build_parser", "main"]

_FIND_EXAMPLE = """\
example:
  python -m skcleanml find-issues data.csv --labels cat,dog,bird \\
      --estimator forest --cv 5 --random-state 0 --output issues.csv

DATA.csv needs a header row. The --labels columns hold 0 or 1; every other
column is a feature: numbers (blank or NaN cells are missing values, accepted
by forest, extra-trees and hgb) or text categories (one-hot encoded; use
--categorical for numeric codes such as zip codes). A column mixing numbers
and text is an error unless named in --categorical.

ISSUES.csv has one row per data row, in input order: row (0-based data row,
blank lines not counted), label_quality_score (in [0, 1]; lower means the
labels are more likely wrong), is_label_issue (0/1), issue_rank (1 = worst,
blank if not flagged), suggested_changes ("-tag" remove, "+tag" add) and
pred_prob_<label> (out-of-fold probability of each label).

The detection is CleanMultiLabel's, with its defaults: out-of-fold pred_probs
averaged over --n-repeats shuffled cross-validations, one-vs-rest confident
learning, and softmin (T=0.1) label quality scores. --cleanlab-compatible
gives cleanlab's recipe instead: one cross-validation and exponential moving
average (alpha=0.8) scores."""


def build_parser():
    """Build the ``skcleanml`` argument parser.

    Returns
    -------
    parser : argparse.ArgumentParser
        With the subcommands ``find-issues`` and ``demo``.

    Examples
    --------
    >>> from skcleanml.__main__ import build_parser
    >>> args = build_parser().parse_args(
    ...     ["find-issues", "d.csv", "--labels", "a,b", "--output", "o.csv"])
    >>> args.labels, args.cv, args.estimator
    (['a', 'b'], 5, 'forest')
    >>> args.n_repeats, args.cleanlab_compatible  # None: the estimator's "auto"
    (None, False)
    """
    parser = argparse.ArgumentParser(
        prog="skcleanml",
        description="Find wrong labels in multi-label data.",
        epilog=_FIND_EXAMPLE.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    _add_find_issues(commands)
    demo = commands.add_parser(
        "demo",
        help="run the multi-label quickstart on toy data",
        description="Run the multi-label quickstart: toy 2-D data with planted "
        "label errors, CleanMultiLabel around a random forest with its "
        "defaults, the ranked issues, precision and recall against the planted "
        "errors, the first label quality scores, the health summary and the "
        "accuracy of the cleaned model.",
    )
    demo.add_argument(
        "--random-state", type=int, default=0, metavar="SEED", help="default: 0"
    )
    demo.add_argument(
        "--plot",
        metavar="DIR",
        help="save true_label_errors.png and found_label_issues.png in DIR "
        "(needs matplotlib)",
    )
    demo.set_defaults(handler=demo_command)
    return parser


def _add_find_issues(commands):
    find = commands.add_parser(
        "find-issues",
        help="flag likely label errors in a CSV file",
        description="Flag the rows of a CSV file whose 0/1 label columns are "
        "likely wrong,\nusing out-of-fold predicted probabilities and "
        "one-vs-rest confident learning.",
        epilog=_FIND_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    find.add_argument("data", metavar="DATA.csv", help="comma-separated UTF-8 file")
    find.add_argument(
        "--labels",
        required=True,
        type=_names,
        metavar="TAG,...",
        help="comma-separated names of the 0/1 label columns",
    )
    find.add_argument(
        "--categorical",
        type=_names,
        default=[],
        metavar="COLUMN,...",
        help="feature columns to one-hot encode even if they hold numbers",
    )
    find.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="ISSUES.csv",
        help="where to write the per-row results",
    )
    find.add_argument(
        "--top",
        type=_int_at_least(0),
        default=10,
        metavar="N",
        help="how many of the worst issues to print; default: 10",
    )
    _add_model_options(find)
    find.set_defaults(handler=find_issues_command)


def _add_model_options(find):
    find.add_argument(
        "--estimator", choices=ESTIMATORS, default="forest", help="default: forest"
    )
    find.add_argument(
        "--n-estimators",
        type=_int_at_least(1),
        default=100,
        metavar="N",
        help="trees (forest, extra-trees) or boosting iterations (hgb); default: 100",
    )
    find.add_argument(
        "--cv",
        type=_int_at_least(2),
        default=5,
        metavar="K",
        help="number of cross-validation folds; default: 5",
    )
    recipe = find.add_mutually_exclusive_group()
    recipe.add_argument(
        "--n-repeats",
        type=_int_at_least(1),
        default=None,
        metavar="N",
        help="cross-validations with different shuffles, their pred_probs "
        "averaged; default: 3, as CleanMultiLabel's n_repeats='auto'",
    )
    recipe.add_argument(
        "--cleanlab-compatible",
        action="store_true",
        help="cleanlab's recipe instead of CleanMultiLabel's defaults: one "
        "cross-validation and exponential moving average (alpha=0.8) label "
        "quality scores instead of softmin (T=0.1)",
    )
    find.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds and the estimator; default: 0",
    )
    find.add_argument(
        "--filter-by",
        choices=FILTERS,
        default=DEFAULT_FILTER,
        metavar="FILTER",
        help=f"one of {', '.join(FILTERS)}; default: {DEFAULT_FILTER}",
    )
    find.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="fits run in parallel (-1: all processors); default: 1",
    )


def _names(text):
    """argparse type: a comma-separated list of distinct, non-empty names."""
    names = [name.strip() for name in text.split(",")]
    if "" in names:
        raise argparse.ArgumentTypeError(f"empty column name in {text!r}")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise argparse.ArgumentTypeError(f"column(s) named twice: {duplicates}")
    return names


def _int_at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {minimum}, got {text!r}"
            )
        return value

    parse.__name__ = "int"
    return parse


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(
            f"expected a non-zero integer (-1 for all processors), got {text!r}"
        )
    return value


def main(argv=None):
    """Run the ``skcleanml`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; None means ``sys.argv[1:]``.

    Returns
    -------
    exit_code : int
        0 on success, 1 when the model fails, 2 for usage and input errors,
        130 when interrupted.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    try:
        return args.handler(args)
    except InputError as exc:
        print(f"skcleanml: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skcleanml: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
