"""Detection quality on real data with the errors annotators make, and on the paper's.

Usage::

    python benchmarks/real_quality.py [--quick] [--seeds N] [--datasets A,B]
                                      [--noises A,B] [--no-downstream]
                                      [--refit {weighted,remove,relabel}]
                                      [--cache-dir DIR] [--write | --no-write]

Real part: the Mulan data sets of ``benchmarks/data/`` (published train
splits, labels taken as clean; sources in ``benchmarks/data/README.md``),
each with the annotator noise types of ``_real_lib.NOISES`` planted by
:func:`skcleanml.noise.annotator_noise`: forgotten tags, tags confused with
co-occurring ones, tags confused with ones whose examples look alike,
spurious tags, and a mixture. Rows, all on the same data and seeds:

- ``cleanlab recipe``: one 5-fold cross-validation of a 100-tree random
  forest, cleanlab 2.9's own ``get_label_quality_scores`` (EMA 0.8) and
  ``find_label_issues`` (prune_by_noise_rate);
- ``v0.1 default``: skcleanml 0.1's defaults (3 averaged 5-fold
  cross-validations, softmin T=0.1, prune_by_noise_rate), where cached;
- ``error probability, recipe pred_probs``: the new score alone, on the
  recipe's pred_probs;
- ``default``: ``CleanMultiLabel()``'s detection: out-of-bag pred_probs of a
  300-tree forest, error probabilities (calibrated with the other given
  tags), examples above 1/2 flagged.

Synthetic part: the benchmark of Thyagarajan et al. (2023) from
``_quality_lib`` (per-class flips; small/LR, small/RF, large/LR with the
large data shrunk to 12,500 rows, the quickstart's toy/RF), on the same
5-fold pred_probs for both rows (``CleanMultiLabel(model)`` with a given
model uses exactly these): the recipe against the default's scores.

Metrics, against the examples with any planted error: AUROC and AUPRC of
the ranking, precision, recall, F1 and size (flagged / mislabeled) of the
flagged set; downstream micro- and macro-F1 on the clean test split of the
default's refit (``refit="weighted"``; ``--refit`` picks another) against
the same forest fitted on the noisy and on the clean labels, and the share
of that gap it closes.
pred_probs and downstream fits are cached in ``--cache-dir`` (default
``benchmarks/.cache``), so the run can be resumed; the rows are recomputed
from them on every run, and the refit whenever detection or the default
refit change. ``--quick`` runs emotions and scene, seed 0, two
noise types.
"""

import argparse
import hashlib
import json
import sys
import warnings
from pathlib import Path

import _common
import _mulan
import _quality_lib as q
import _real_lib as r
import numpy as np
from cleanlab.multilabel_classification import filter as cl_filter
from cleanlab.multilabel_classification import rank as cl_rank
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from skcleanml import (
    CleanMultiLabel,
    cross_val_pred_probs,
    find_label_issues,
    get_label_error_probabilities_per_class,
    get_label_quality_scores,
    onehot2int,
)
from skcleanml._error_probability import (
    example_all_right_probability,
    example_error_probability,
)

HEADING = "## Detection quality on real data (benchmarks/real_quality.py)"
RECIPE, V01, ALONE, DEFAULT = (
    "cleanlab recipe",
    "v0.1 default",
    "error probability, recipe pred_probs",
    "default",
)
SYNTHETIC = ("toy/RF", "small/LR", "large/LR", "small/RF")
# bibtex's forests (159 outputs, 1836 features) take minutes per fit: one
# seed, and no downstream fits.
MAX_SEEDS = {"bibtex": 1}
METRICS = ("auprc", "auroc", "f1", "precision", "recall", "size")


def detection(is_error, error_score, mask):
    """Ranking and flagged-set metrics; `error_score` high = likely wrong."""
    flagged = np.zeros(is_error.size, dtype=bool)
    flagged[mask] = True
    hits = np.count_nonzero(flagged & is_error)
    precision = hits / max(flagged.sum(), 1)
    recall = hits / max(is_error.sum(), 1)
    return {
        "auprc": average_precision_score(is_error, error_score),
        "auroc": roc_auc_score(is_error, error_score),
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "precision": precision,
        "recall": recall,
        "size": flagged.sum() / max(is_error.sum(), 1),
    }


def recipe_row(Y, P, is_error):
    """cleanlab 2.9's own scores and flags on `P`."""
    labels = onehot2int(Y)
    scores = cl_rank.get_label_quality_scores(labels, P)
    mask = cl_filter.find_label_issues(labels, P)
    return detection(is_error, 1 - scores, mask)


def v01_row(Y, P, is_error):
    softmin = {"method": "softmin", "temperature": 0.1}
    scores = get_label_quality_scores(Y, P, aggregator_kwargs=softmin)
    return detection(is_error, 1 - scores, find_label_issues(Y, P))


def error_probability_row(Y, P, is_error):
    """The default's ranking (its label_quality_scores_) and flags."""
    W = get_label_error_probabilities_per_class(Y, P)
    error = example_error_probability(W)
    return detection(is_error, -example_all_right_probability(W), error > 0.5)


def downstream(cache, name, noise, seed, Y_noisy, P, refit):
    """Test micro/macro-F1 of the default's `refit`, and of noisy and clean fits.

    Cached as JSON: the noisy and clean fits per case, the refit per case,
    `refit` and detection output, so a change of either refits anew.
    """
    test = _mulan.load(name, "test")
    X, Y_clean = _mulan.load(name, "train")
    stem = f"{name}-{noise}-{seed}"
    fits = {"noisy": Y_noisy, "clean": Y_clean}
    scores = _cached_json(
        cache.directory / f"downstream-{stem}.json",
        lambda: _test_f1(
            {key: forest(seed).fit(X, Y) for key, Y in fits.items()}, test
        ),
    )
    # The refit depends on `refit` and on what detection found.
    detector = CleanMultiLabel(random_state=seed, refit=False)
    detector.fit(X, Y_noisy, pred_probs=P)
    found = (detector.label_issues_, detector.error_probabilities_)
    digest = hashlib.sha1(
        refit.encode() + b"".join(a.tobytes() for a in found)
    ).hexdigest()[:12]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the refit's guards
        refitted = _cached_json(
            cache.directory / f"refit-{stem}-{digest}.json",
            lambda: _test_f1(
                {
                    "refit": CleanMultiLabel(random_state=seed, refit=refit).fit(
                        X, Y_noisy, pred_probs=P
                    )
                },
                test,
            ),
        )
    return {**scores, **refitted}


def forest(seed):
    return r.make_model(seed).set_params(n_estimators=300)


def _cached_json(path, compute):
    if not path.exists():
        path.write_text(json.dumps(compute()))
    return json.loads(path.read_text())


def _test_f1(models, test):
    scores = {}
    for key, model in models.items():
        Y_pred = np.asarray(model.predict(test.X)).astype(int)
        for average in ("micro", "macro"):
            scores[f"{key}/{average}"] = f1_score(
                test.Y, Y_pred, average=average, zero_division=0
            )
    return scores


def real_case(cache, name, noise, seed, refit):
    """Every row of one real case, and the downstream fits unless `refit` is None.

    The rows are recomputed from the cached pred_probs on every run (they
    take seconds); the downstream fits take minutes and are cached as JSON.
    """
    _, Y_clean, Y = r.noisy_case(name, noise, seed)
    is_error = (Y != Y_clean).any(axis=1)
    P_cv, _ = cache.get(name, noise, seed, "cv5")
    P_oob, seconds = cache.get(name, noise, seed, "oob300")
    rows = {
        RECIPE: recipe_row(Y, P_cv, is_error),
        ALONE: error_probability_row(Y, P_cv, is_error),
        DEFAULT: error_probability_row(Y, P_oob, is_error),
    }
    cached_v01 = cache.get(name, noise, seed, "cv5x3", compute=False)
    if cached_v01 is not None:
        rows[V01] = v01_row(Y, cached_v01[0], is_error)
    result = {"rows": rows, "mislabeled": float(is_error.mean()), "oob_s": seconds}
    if refit is not None:
        result["downstream"] = downstream(cache, name, noise, seed, Y, P_oob, refit)
    return result


def synthetic_case(cache, setting, seed):
    """Recipe and default on the same 5-fold pred_probs of the paper's data."""
    spec = q.SETTINGS[setting]
    data = q.make_data(spec.data, seed, quick=True)
    path = cache.directory / f"synthetic-{setting.replace('/', '_')}-{seed}.npz"
    if not path.exists():
        model = q.make_model(spec, seed)
        P = cross_val_pred_probs(model, data.X, data.Y, cv=5, random_state=seed)
        np.savez(path, P=P)
    with np.load(path) as stored:
        P = stored["P"]
    is_error = data.n_wrong > 0
    return {
        "rows": {
            RECIPE: recipe_row(data.Y, P, is_error),
            DEFAULT: error_probability_row(data.Y, P, is_error),
        }
    }


def mean(results, row, metric):
    values = [res["rows"][row][metric] for res in results if row in res["rows"]]
    return float(np.mean(values)) if values else float("nan")


def fmt(value, signed=False):
    return "—" if np.isnan(value) else (f"{value:+.3f}" if signed else f"{value:.3f}")


def table_by(results, key, rows):
    """Mean of every metric per group (`key` of a case) and row."""
    groups = sorted({key(case) for case in results}, key=str)
    lines = []
    for group in groups:
        members = [res for case, res in results.items() if key(case) == group]
        for row in rows:
            if not any(row in res["rows"] for res in members):
                continue  # not computed (the v0.1 row needs its cached pred_probs)
            cells = [fmt(mean(members, row, metric)) for metric in METRICS]
            lines.append([group, row, str(len(members)), *cells])
    headers = ["group", "row", "cases", *METRICS]
    return _common.markdown_table(headers, lines)


def delta(results, row, metric="auprc", where=lambda case: True):
    gaps = [
        res["rows"][row][metric] - res["rows"][RECIPE][metric]
        for case, res in results.items()
        if where(case) and row in res["rows"]
    ]
    return np.array(gaps)


def targets(real, synthetic):
    """The issue's targets, measured."""
    lines = []
    gains = delta(real, DEFAULT)
    lines.append(["mean ΔAUPRC vs recipe (real)", fmt(gains.mean(), True), ">= +0.05"])
    for noise in r.NOISES:
        per_noise = delta(real, DEFAULT, where=lambda case, n=noise: case[1] == n)
        if per_noise.size:
            lines.append(
                [f"  {noise}: mean ΔAUPRC", fmt(per_noise.mean(), True), ">= -0.005"]
            )
    lines.append(["worst case ΔAUPRC", fmt(gains.min(), True), ">= -0.03"])
    forgot = [
        res["rows"][DEFAULT]["auroc"]
        for case, res in real.items()
        if case[1] == "forgotten"
    ]
    if forgot:
        lines.append(["forgotten tags: mean AUROC", fmt(np.mean(forgot)), ">= 0.80"])
    f1_gain = delta(real, DEFAULT, "f1")
    lines.append(["flagged F1 vs recipe", fmt(f1_gain.mean(), True), ">= +0.10"])
    size = np.mean([res["rows"][DEFAULT]["size"] for res in real.values()])
    lines.append(["flagged / mislabeled", fmt(size), "<= 2"])
    synth = delta(synthetic, DEFAULT)
    if synth.size:
        lines.append(["synthetic: mean ΔAUPRC", fmt(synth.mean(), True), ">= +0.02"])
        worst = min(
            np.mean(delta(synthetic, DEFAULT, where=lambda c, s=s: c[0] == s))
            for s in {case[0] for case in synthetic}
        )
        lines.append(["synthetic: worst setting", fmt(worst, True), ">= 0"])
    closed = gap_closed(real)
    if closed is not None:
        lines.append(["downstream: share of gap closed", fmt(closed), ">= 0.75"])
    return _common.markdown_table(["target", "measured", "goal"], lines)


def gap_closed(real):
    """Mean share of the noisy-to-clean micro-F1 gap the default's refit closes."""
    gaps = [res["downstream"] for res in real.values() if res.get("downstream")]
    if not gaps:
        return None
    noisy = np.mean([g["noisy/micro"] for g in gaps])
    clean = np.mean([g["clean/micro"] for g in gaps])
    refit = np.mean([g["refit/micro"] for g in gaps])
    return (refit - noisy) / (clean - noisy) if clean != noisy else float("nan")


def downstream_table(real):
    lines = []
    for name in sorted({case[0] for case in real}):
        gaps = [
            res["downstream"]
            for case, res in real.items()
            if case[0] == name and res.get("downstream")
        ]
        if not gaps:
            continue
        cells = [
            fmt(np.mean([g[f"{key}/{avg}"] for g in gaps]))
            for avg in ("micro", "macro")
            for key in ("noisy", "refit", "clean")
        ]
        lines.append([name, str(len(gaps)), *cells])
    headers = ["data", "cases"] + [
        f"{key} {average}-F1"
        for average in ("micro", "macro")
        for key in ("noisy", "refit", "clean")
    ]
    return _common.markdown_table(headers, lines)


def report(real, synthetic, command):
    rows = [RECIPE, V01, ALONE, DEFAULT]
    return "\n\n".join(
        [
            f"Machine: {_common.machine_description()}. Command: `{command}`.",
            __doc__.split("\n\n", 2)[2].split("\n\nMetrics")[0].strip(),
            "### Targets (issue 12)\n\n" + targets(real, synthetic),
            "### Real data, per noise type (mean over data sets and seeds)\n\n"
            + table_by(real, lambda case: case[1], rows),
            "### Real data, per data set (mean over noise types and seeds)\n\n"
            + table_by(real, lambda case: case[0], rows),
            "### Downstream (clean test split, default forest)\n\n"
            + downstream_table(real),
            "### Synthetic benchmark (Thyagarajan et al. 2023)\n\n"
            + table_by(synthetic, lambda case: case[0], [RECIPE, DEFAULT]),
        ]
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--datasets", default=",".join(_mulan.DATASETS))
    parser.add_argument("--noises", default=",".join(r.NOISES))
    parser.add_argument("--synthetic", default=",".join(SYNTHETIC))
    parser.add_argument("--no-downstream", dest="downstream", action="store_false")
    parser.add_argument(
        "--refit",
        choices=("weighted", "remove", "relabel"),
        default=CleanMultiLabel().refit,
    )
    parser.add_argument("--cache-dir", default=str(Path(__file__).parent / ".cache"))
    parser.add_argument("--write", action=argparse.BooleanOptionalAction)
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.noises = "emotions,scene", "forgotten,confused"
        args.synthetic = "toy/RF"
    if args.seeds is None:
        args.seeds = 1 if args.quick else 3
    if args.write is None:  # BENCHMARKS.md reports the defaults
        args.write = not args.quick and args.refit == CleanMultiLabel().refit
    return args


def main(argv=None):
    args = parse_args(argv)
    cache = r.PredProbsCache(args.cache_dir)
    seeds = range(args.seeds)
    real = {}
    for name in args.datasets.split(","):
        for noise in args.noises.split(","):
            for seed in seeds[: MAX_SEEDS.get(name)]:
                downstream = args.downstream and name not in MAX_SEEDS
                real[name, noise, seed] = real_case(
                    cache, name, noise, seed, args.refit if downstream else None
                )
                print(f"{name} {noise} {seed} done", file=sys.stderr, flush=True)
    synthetic = {
        (setting, seed): synthetic_case(cache, setting, seed)
        for setting in filter(None, args.synthetic.split(","))
        for seed in seeds
    }
    command = "python benchmarks/real_quality.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    text = report(real, synthetic, command.strip())
    print(text)
    if args.write:
        _common.write_section(HEADING, text)


if __name__ == "__main__":
    main()
