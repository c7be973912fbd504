"""Time and memory of the functional core as the number of samples and classes grow.

Usage: ``python benchmarks/bench_scale.py [--quick] [--write | --no-write]``

Times ``find_label_issues`` (ranked by self-confidence) and
``get_label_quality_scores`` on seeded float32 data (see
``_common.make_benchmark_data``) in two series: N grows (1e4, 1e5, 1e6
samples, 20 classes) and K grows (10, 100, 1000 classes, 1e5 samples). Each
row reports the best of a few timings, the time per entry (seconds / (N*K),
in nanoseconds), the time of ``np.sort(pred_probs, axis=1)`` (the default
aggregator sorts each example's scores, which grows as N*K*log(K)) and the
extra peak memory (``tracemalloc``) relative to the size of pred_probs. For
each series the slope of log(time) against log(N*K) is fitted: 1 means
linear growth.

The largest size of each series is also run with pred_probs and the labels
given as read-only ``np.memmap`` files, which the functions process in chunks
of rows: the memory mapped pages are not traced, so the extra peak is the
working memory of the chunked path. The files are freshly written, so they
are read from the page cache, not from disk. The last column says whether
the result equals the in-memory one.

The full run takes a few minutes and writes its tables to ``BENCHMARKS.md``
under "## Scale (benchmarks/bench_scale.py)"; ``--quick`` shrinks every size
(well under a minute) and only prints, unless ``--write`` is given.
"""

import tempfile
from pathlib import Path

import _common
import numpy as np

from skcleanml._chunked import LabelData

HEADING = "## Scale (benchmarks/bench_scale.py)"
DTYPE = np.float32

FULL = {
    "N grows": [(10_000, 20), (100_000, 20), (1_000_000, 20)],
    "K grows": [(100_000, 10), (100_000, 100), (100_000, 1000)],
    "repeat": 3,
}
QUICK = {
    "N grows": [(1_000, 20), (10_000, 20), (100_000, 20)],
    "K grows": [(10_000, 10), (10_000, 100), (10_000, 300)],
    "repeat": 2,
}
SERIES = ("N grows", "K grows")


def make_data(n_samples, n_classes):
    # One seed per size, so every run times the same data; chunks of about
    # 1e6 entries bound the generator's float64 temporaries.
    return _common.make_benchmark_data(
        n_samples,
        n_classes,
        dtype=DTYPE,
        chunk_size=max(1, 1_000_000 // n_classes),
        random_state=n_samples + n_classes,
    )


def measure(series, labels, pred_probs, *, repeat, storage, reference=None):
    """One table row per function; returns (rows, timings, results)."""
    n_samples, n_classes = pred_probs.shape
    rows, timings, results = [], {}, {}
    # The default aggregator sorts each example's K scores: a reference for
    # the part of the time that grows as N*K*log(K).
    row_sort = _common.best_time(lambda: np.sort(pred_probs, axis=1), repeat=repeat)[0]
    for name, call in _common.core_calls(labels, pred_probs).items():
        seconds, result = _common.best_time(call, repeat=repeat)
        peak = _common.peak_extra_memory(call)
        same = "—"
        if reference is not None:
            same = "yes" if np.array_equal(result, reference[name]) else "NO"
        rows.append(
            [
                series,
                f"{n_samples:,}x{n_classes}",
                storage,
                name,
                _common.format_seconds(seconds),
                f"{seconds / (n_samples * n_classes) * 1e9:.1f}",
                _common.format_seconds(row_sort),
                f"{peak / 2**20:.1f}",
                f"{peak / pred_probs.nbytes:.2f}",
                same,
            ]
        )
        _common.print_row(rows[-1])
        timings[name], results[name] = seconds, result
    timings["np.sort(pred_probs, axis=1), for reference"] = row_sort
    return rows, timings, results


def memmap_rows(series, labels, pred_probs, reference, *, repeat, directory):
    """Rows for the same data given as read-only memmaps of P and labels."""
    directory = Path(directory)
    P_map = _common.to_memmap(pred_probs, directory / f"{series}-P.dat")
    Y_map = _common.to_memmap(labels, directory / f"{series}-Y.dat")
    chunk = LabelData(Y_map, P_map).batch_rows
    storage = f"np.memmap, chunks of {chunk:,} rows"
    rows = measure(
        series, Y_map, P_map, repeat=repeat, storage=storage, reference=reference
    )[0]
    del P_map, Y_map
    return rows


def run_series(series, sizes, config, directory):
    """Table rows of one series, and its slopes per function."""
    rows, timings = [], {}
    for i, (n_samples, n_classes) in enumerate(sizes):
        labels, pred_probs = make_data(n_samples, n_classes)
        size_rows, size_timings, results = measure(
            series, labels, pred_probs, repeat=config["repeat"], storage="in memory"
        )
        rows += size_rows
        for name, seconds in size_timings.items():
            timings.setdefault(name, []).append((n_samples * n_classes, seconds))
        if i == len(sizes) - 1:
            rows += memmap_rows(
                series,
                labels,
                pred_probs,
                results,
                repeat=config["repeat"],
                directory=directory,
            )
        del labels, pred_probs, results
    return rows, _slope_rows(series, timings)


def _slope_rows(series, timings):
    rows = []
    for name, points in timings.items():
        entries, seconds = np.array(points).T
        per_entry = seconds / entries * 1e9
        rows.append(
            [
                series,
                name,
                f"{_common.loglog_slope(entries, seconds):.2f}",
                f"{per_entry.min():.1f} to {per_entry.max():.1f}",
            ]
        )
        _common.print_row(rows[-1])
    return rows


HEADERS = [
    "series",
    "size (N x K)",
    "pred_probs and labels",
    "function",
    "time (s)",
    "ns per entry (time / N·K)",
    "np.sort(pred_probs, axis=1) (s)",
    "extra peak (MiB)",
    "extra peak / pred_probs bytes",
    "same result as in memory",
]
SLOPE_HEADERS = [
    "series",
    "function",
    "log-log slope of time vs N·K (in memory)",
    "ns per entry, min to max",
]


def report(rows, slopes, quick):
    """The markdown section: machine, method, both tables."""
    return "\n\n".join(
        [
            _common.machine_line(quick),
            "float32 pred_probs and boolean indicator labels from "
            "`make_benchmark_data`; best of several timings; `find_label_issues` "
            'is ranked (`return_indices_ranked_by="self_confidence"`), both '
            "functions use their default filter and aggregator. Extra peak "
            "memory is measured with `tracemalloc` (pages of a memory map are "
            "not counted). The memmap rows read freshly written files, from the "
            "page cache; their chunk size is the automatic one.",
            _common.markdown_table(HEADERS, rows),
            "Growth: a slope of 1 is linear in N·K. Fixed per-call costs make "
            "the smallest sizes relatively slower, which lowers the slope. "
            "`get_label_quality_scores` sorts each example's K scores (default "
            "exponential moving average), so part of its time grows as "
            "N·K·log K, like the `np.sort(pred_probs, axis=1)` column.",
            _common.markdown_table(SLOPE_HEADERS, slopes),
        ]
    )


def run(quick):
    """Run the benchmark and return the markdown body of its section."""
    config = QUICK if quick else FULL
    rows, slopes = [], []
    with tempfile.TemporaryDirectory() as directory:
        for series in SERIES:
            series_rows, series_slopes = run_series(
                series, config[series], config, directory
            )
            rows += series_rows
            slopes += series_slopes
    return report(rows, slopes, quick)


def main(argv=None):
    _common.run_benchmark(run, HEADING, description=__doc__.splitlines()[0], argv=argv)


if __name__ == "__main__":
    main()
