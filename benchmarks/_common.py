"""Shared helpers of the benchmark scripts: data, timing, memory, report files.

Speed is reported as ratios against a reference timed in the same process, and
every timing is the best of a few repeats, because the benchmark machines are
shared and noisy: the minimum is the run least disturbed by other work.
"""

import argparse
import datetime
import gc
import importlib.util
import os
import platform
import re
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from sklearn.utils import check_random_state

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_FILE = REPO_ROOT / "BENCHMARKS.md"

# Run from a source checkout without installing the package: the scripts are
# started as ``python benchmarks/<script>.py``, which puts only ``benchmarks/``
# on the path.
if importlib.util.find_spec("skcleanml") is None:
    sys.path.insert(0, str(REPO_ROOT))

# How the benchmarks call find_label_issues: ranked, as when reviewing issues.
RANKED = {"return_indices_ranked_by": "self_confidence"}


def make_benchmark_data(
    n_samples,
    n_classes,
    *,
    dtype=np.float64,
    flip_fraction=0.04,
    chunk_size=100_000,
    random_state=None,
):
    """Realistic multi-label data: sparse labels, informative pred_probs, noise.

    Each class has its own density (log-uniform in [0.01, 0.3], so a few
    classes are common and many are rare). Predicted probabilities follow the
    *true* labels through beta draws (mean 0.75 where the class is present,
    0.15 where absent), and a fraction of the examples then get one annotation
    flipped, which are the label issues to find.

    Parameters
    ----------
    n_samples, n_classes : int
        Shape of the data.
    dtype : {np.float32, np.float64}, default=np.float64
        dtype of ``pred_probs``.
    flip_fraction : float, default=0.04
        Fraction of examples whose given labels differ from the truth in one
        class.
    chunk_size : int, default=100_000
        Rows drawn at a time, which bounds the float64 temporaries when a
        large float32 array is generated.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Returns
    -------
    labels : ndarray of shape (n_samples, n_classes), dtype=bool
        Given (noisy) labels as an indicator.
    pred_probs : ndarray of shape (n_samples, n_classes)
        Predicted probability of each class, in [0, 1].

    Examples
    --------
    >>> labels, pred_probs = make_benchmark_data(100, 5, random_state=0)
    >>> labels.shape, pred_probs.dtype
    ((100, 5), dtype('float64'))
    """
    rng = check_random_state(random_state)
    density = np.exp(rng.uniform(np.log(0.01), np.log(0.3), size=n_classes))
    labels = np.empty((n_samples, n_classes), dtype=bool)
    pred_probs = np.empty((n_samples, n_classes), dtype=dtype)
    for start in range(0, n_samples, chunk_size):
        rows = slice(start, min(start + chunk_size, n_samples))
        shape = (rows.stop - rows.start, n_classes)
        truth = rng.uniform(size=shape) < density
        labels[rows] = truth
        pred_probs[rows] = np.where(
            truth, rng.beta(6.0, 2.0, size=shape), rng.beta(1.5, 8.5, size=shape)
        )
    flipped = rng.choice(n_samples, size=int(flip_fraction * n_samples), replace=False)
    classes = rng.randint(n_classes, size=flipped.size)
    labels[flipped, classes] = ~labels[flipped, classes]
    return labels, pred_probs


def best_time(function, *, repeat=3):
    """Best wall-clock time of ``repeat`` calls of ``function()``.

    Returns
    -------
    seconds : float
        The smallest of the timings.
    result : object
        The value returned by the last call.
    """
    timings = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def peak_extra_memory(function):
    """Peak bytes allocated by ``function()`` above what was allocated before.

    Measured with :mod:`tracemalloc`, which also sees NumPy's array buffers;
    the returned value is included in the peak. Run separately from timings
    since tracing slows Python allocations down.
    """
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        function()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - baseline


def machine_description():
    """One line naming the machine, the library versions and today's date."""
    import sklearn

    return (
        f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores "
        f"({platform.machine()}, {platform.system()}, {_widest_simd()}), "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )


def _widest_simd():
    """The widest vector instructions numpy uses here (its sorts depend on it)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__
    for name in ("AVX512_SKX", "AVX2"):
        if __cpu_features__.get(name):
            return name
    return "no AVX2"


def markdown_table(headers, rows):
    """A GitHub markdown table of string cells."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(heading, body, path=BENCHMARKS_FILE):
    """Put ``heading`` and ``body`` in a markdown file, replacing that section.

    A section runs from its ``## `` heading to the next ``## `` heading, so
    the sections that other scripts write are kept as they are.
    """
    path = Path(path)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = f"{heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def benchmark_parser(description, *, quick_help="small sizes, < 1 min"):
    """The options every benchmark script has: ``--quick`` and ``--[no-]write``.

    Parameters
    ----------
    description : str
        Shown by ``--help``: the script's one-line summary.
    quick_help : str, default="small sizes, < 1 min"
        Help of ``--quick``, saying what it shrinks.

    Returns
    -------
    parser : argparse.ArgumentParser
        Parses ``quick`` (bool) and ``write`` (None unless ``--write`` or
        ``--no-write`` is given; see :func:`wants_write`).

    Examples
    --------
    >>> args = benchmark_parser("Demo.").parse_args(["--quick"])
    >>> args.quick, args.write, wants_write(args)
    (True, None, False)
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write BENCHMARKS.md (default: only for the full run)",
    )
    return parser


def wants_write(args):
    """Whether to write BENCHMARKS.md: as asked, else only after a full run.

    Examples
    --------
    >>> wants_write(benchmark_parser("Demo.").parse_args([]))
    True
    """
    return not args.quick if args.write is None else args.write


def run_benchmark(
    run,
    heading,
    *,
    description,
    argv=None,
    quick_help="small sizes, < 1 min",
    show_elapsed=False,
    path=None,
):
    """Parse the command line, run a benchmark, print its section, maybe write it.

    Parameters
    ----------
    run : callable
        ``run(quick)`` runs the benchmark, with reduced sizes when
        ``quick`` is true, and returns the markdown body of its section.
    heading : str
        The section's ``## `` heading in the benchmarks file.
    description : str
        The script's one-line summary, shown by ``--help``.
    argv : list of str or None, default=None
        Command-line arguments; None reads ``sys.argv``.
    quick_help : str, default="small sizes, < 1 min"
        Help of ``--quick``.
    show_elapsed : bool, default=False
        Also print the wall-clock seconds that ``run`` took.
    path : path-like or None, default=None
        The markdown file to write; None means ``BENCHMARKS.md`` at the
        repository root.

    Returns
    -------
    text : str
        The section body that ``run`` returned.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:  # doctest: +ELLIPSIS
    ...     path = Path(folder) / "BENCHMARKS.md"
    ...     text = run_benchmark(
    ...         lambda quick: f"quick={quick}", "## Demo", description="Demo.",
    ...         argv=["--quick", "--write"], path=path,
    ...     )
    ...     written = path.read_text().splitlines()
    <BLANKLINE>
    quick=True
    <BLANKLINE>
    Written to ...BENCHMARKS.md
    >>> written
    ['# Benchmarks', '', '## Demo', '', 'quick=True']
    """
    parser = benchmark_parser(description, quick_help=quick_help)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    text = run(args.quick)
    elapsed = f"\n\n({time.perf_counter() - start:.0f}s)" if show_elapsed else ""
    print(f"\n{text}{elapsed}")
    if wants_write(args):
        path = BENCHMARKS_FILE if path is None else Path(path)
        write_section(heading, text, path=path)
        print(f"\nWritten to {path}")
    return text


def machine_line(quick, *, quick_note="reduced sizes"):
    """The first line of a section: the machine, and a note after a quick run.

    Examples
    --------
    >>> machine_line(True, quick_note="smaller data").endswith(
    ...     " (`--quick`: smaller data)."
    ... )
    True
    """
    note = f" (`--quick`: {quick_note})" if quick else ""
    return f"Machine: {machine_description()}{note}."


def core_calls(labels, pred_probs):
    """The timed calls of the functional core, by function name.

    ``find_label_issues`` is ranked (:data:`RANKED`); both use their default
    filter and aggregator.

    Returns
    -------
    calls : dict of str to callable
        ``find_label_issues`` and ``get_label_quality_scores`` on the given
        data, called without arguments.
    """
    # Imported on use: module-level imports come before the sys.path set-up.
    from skcleanml import find_label_issues, get_label_quality_scores

    return {
        "find_label_issues": lambda: find_label_issues(labels, pred_probs, **RANKED),
        "get_label_quality_scores": lambda: get_label_quality_scores(
            labels, pred_probs
        ),
    }


def format_seconds(value):
    """Seconds with three significant digits, as the tables show them."""
    return f"{value:.3g}"


def print_row(row):
    """Print a table row as it is measured, to follow a long run."""
    print(" | ".join(row), flush=True)


def best_times_in_turns(calls, *, repeat=3, clock=time.perf_counter):
    """Best time of each call, the calls taken in turns.

    Each round runs every call once, in order, so a busy spell of the machine
    slows all of them alike instead of one whole series.

    Parameters
    ----------
    calls : dict of str to callable
        The functions to time, called without arguments.
    repeat : int, default=3
        Number of rounds.
    clock : callable, default=time.perf_counter
        Returns the current time in seconds. ``time.process_time`` (CPU time
        of this process, all threads) is far less disturbed by other
        processes on a shared machine, and right for work done in-process.

    Returns
    -------
    seconds : dict of str to float
        The smallest timing of each call.
    results : dict of str to object
        The value each call returned in the last round.
    """
    timings = {name: [] for name in calls}
    results = {}
    for _ in range(repeat):
        for name, function in calls.items():
            gc.collect()
            start = clock()
            results[name] = function()
            timings[name].append(clock() - start)
    return {name: min(values) for name, values in timings.items()}, results


def loglog_slope(sizes, seconds):
    """Least-squares slope of log(seconds) against log(sizes).

    A slope of 1 means time grows linearly with size, 2 quadratically.

    Examples
    --------
    >>> round(loglog_slope([1e3, 1e4, 1e5], [0.01, 0.1, 1.0]), 6)
    1.0
    """
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def to_memmap(array, path):
    """Write ``array`` to ``path`` and return it opened read-only as a np.memmap."""
    mapped = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
    mapped[:] = array
    mapped.flush()
    del mapped
    return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)
