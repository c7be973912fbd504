"""The command line: ``python -m skcleanml`` and the ``skcleanml`` console script.

This module parses the arguments and dispatches; the commands live in
:mod:`skcleanml._cli` (``find-issues``) and :mod:`skcleanml._demo` (``demo``).
See ``python -m skcleanml --help``.

``find-issues`` detects with :class:`~skcleanml.CleanMultiLabel` and its
defaults (error probabilities); ``--n-repeats N`` sets the number of
shuffled cross-validations (default 1), ``--cleanlab-compatible`` switches to
cleanlab's recipe (one cross-validation, prune_by_noise_rate, exponential
moving average scores with alpha=0.8).
"""

import argparse
import sys

from skcleanml import __version__
from skcleanml._cli import DEFAULT_FILTER, ESTIMATORS, FORMATS, find_issues_command
from skcleanml._cli_read import InputError
from skcleanml._demo import demo_command
from skcleanml._filter import FILTERS

__all__ = ["build_parser", "main"]

_FIND_EXAMPLE = """\
examples:
  python -m skcleanml find-issues docs.csv --tags tags --tag-sep '|' -o issues.csv
  python -m skcleanml find-issues data.csv --labels cat,dog,bird -o issues.csv

DATA.csv needs a header row (comma-separated, or tab-separated for .tsv or
with --delimiter; .gz files are decompressed). The labels are one column of
tag names (--tags, separated by --tag-sep) or 0/1 columns (--labels). Every
other column is read as one of:
  id           distinct in every row, no spaces: copied to the output, never
               a feature (--id forces it)
  text         free text, mostly distinct with several words: TF-IDF features
               (--text forces it)
  numeric      numbers (blank or NA cells are missing values); --numeric
               forces it, for instance for distinct integers
  categorical  other strings, one-hot encoded (--categorical forces it)
With a text column the model is a logistic regression on TF-IDF features,
else a random forest (--estimator changes it); the choice is printed.

ISSUES.csv has one row per data row, in input order: row (0-based data row,
blank lines not counted), the id columns, then the columns of
CleanMultiLabel.get_label_issues(): is_label_issue (0/1), label_quality (in
[0, 1]; lower means the labels are more likely wrong), given_label,
predicted_label, suggested_label, issue_rank (1 = worst, 0 if not flagged),
labels_to_add and labels_to_remove (tag lists joined by --tag-sep, or | for
--labels). --format label-studio writes Label Studio tasks of the flagged
rows instead (JSON, worst first, the suggested tags as predictions) and the
labeling config beside it (ISSUES.xml).

The detection is CleanMultiLabel's, with its defaults: the probability that
each example's labels are wrong, flagged above 1/2. --cleanlab-compatible
gives cleanlab's recipe instead: one cross-validation, prune_by_noise_rate
and exponential moving average (alpha=0.8) scores."""


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
    >>> args.labels, args.cv, args.estimator  # None: chosen from the columns
    (['a', 'b'], 5, None)
    >>> args.n_repeats, args.cleanlab_compatible  # None: the estimator's default
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
        description="Run the quickstart, examples/quickstart.py: toy 2-D data "
        "with planted label errors, CleanMultiLabel around a random forest "
        "with its defaults, the ranked issues, precision and recall against "
        "the planted errors, the first label quality scores, the health "
        "summary and the accuracy of the cleaned model. With matplotlib, it "
        "saves true_label_errors.png and found_label_issues.png.",
    )
    demo.add_argument(
        "--plot",
        default=".",
        metavar="DIR",
        help="where the figures are saved (created if needed); default: the "
        "current directory",
    )
    demo.set_defaults(handler=demo_command)
    return parser


def _add_find_issues(commands):
    find = commands.add_parser(
        "find-issues",
        help="flag likely label errors in a CSV file",
        description="Flag the rows of a CSV file whose labels are likely "
        "wrong,\nusing out-of-fold predicted probabilities and one-vs-rest "
        "confident learning.",
        epilog=_FIND_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    find.add_argument(
        "data", metavar="DATA.csv", help="delimited text file with a header row"
    )
    _add_input_options(find)
    find.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="ISSUES.csv",
        help="where to write the per-row results",
    )
    find.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv: one row per input row; label-studio: Label Studio tasks "
        "of the flagged rows (JSON) and ISSUES.xml, the labeling config; "
        "default: csv",
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


def _add_input_options(find):
    """How the file is read: labels, column roles, delimiter and encoding."""
    labels = find.add_mutually_exclusive_group(required=True)
    labels.add_argument(
        "--tags",
        metavar="COLUMN",
        help="column holding each row's tag names, separated by --tag-sep",
    )
    labels.add_argument(
        "--labels",
        type=_names,
        metavar="TAG,...",
        help="comma-separated names of 0/1 label columns",
    )
    find.add_argument(
        "--tag-sep", default="|", metavar="SEP", help="separator of --tags; default: |"
    )
    for role, what in (
        ("text", "free text, TF-IDF features"),
        ("categorical", "categories, one-hot encoded even if they hold numbers"),
        ("id", "row ids, copied to the output and never features"),
        ("numeric", "numbers, even if distinct integers (read as ids)"),
    ):
        find.add_argument(
            f"--{role}",
            type=_names,
            default=[],
            metavar="COLUMN,...",
            help=f"columns to read as {what}",
        )
    find.add_argument(
        "--delimiter",
        metavar="CHAR",
        help="field separator (\\t or tab for a tab); default: tab for .tsv, "
        "else a comma",
    )
    find.add_argument(
        "--encoding",
        metavar="NAME",
        help="text encoding, such as latin-1 or utf-16; default: UTF-8 (or "
        "UTF-16 if the file starts with its byte-order mark)",
    )


def _add_model_options(find):
    find.add_argument(
        "--estimator",
        choices=ESTIMATORS,
        default=None,
        help="default: logistic with a text column, else forest",
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
        "averaged; default: 1, as CleanMultiLabel's n_repeats",
    )
    recipe.add_argument(
        "--cleanlab-compatible",
        action="store_true",
        help="cleanlab's recipe instead of CleanMultiLabel's defaults: one "
        "cross-validation, prune_by_noise_rate and exponential moving average "
        "(alpha=0.8) label quality scores instead of error probabilities",
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
        choices=(DEFAULT_FILTER, *FILTERS),
        default=DEFAULT_FILTER,
        metavar="FILTER",
        help=f"one of {DEFAULT_FILTER}, {', '.join(FILTERS)}; "
        f"default: {DEFAULT_FILTER}",
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
