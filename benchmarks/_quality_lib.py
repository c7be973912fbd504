"""The experiment behind the detection-quality benchmark (``quality.py``).

Data and models of each setting, the two ways of getting out-of-fold
``pred_probs`` (cleanlab's recipe and ours), the cheap post-processing levers
(repeat averaging, per-class calibration, aggregators), the metrics, and the
evaluation of one setting and seed with its on-disk cache. ``quality.py``
turns the per-seed results into the report. Everything is deterministic
given the seeds.
"""

import importlib.util
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cleanlab.internal.multilabel_scorer import (
    get_cross_validated_multilabel_pred_probs,
)
from cleanlab.multilabel_classification import filter as cl_filter
from cleanlab.multilabel_classification import rank as cl_rank
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import Bunch

from skcleanml import (
    cross_val_pred_probs,
    find_label_issues,
    find_label_issues_per_class,
    get_label_quality_scores,
    onehot2int,
)
from skcleanml.datasets import (
    make_multilabel_data,
    make_noisy_multilabel_classification,
)

N_FOLDS = 5
RECIPE_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
AGGREGATORS = {
    "ema0.8": RECIPE_AGGREGATOR,
    "ema0.5": {"method": "exponential_moving_average", "alpha": 0.5},
    "ema0.95": {"method": "exponential_moving_average", "alpha": 0.95},
    "ema_auto": {"method": "exponential_moving_average", "alpha": None},
    "softmin0.1": {"method": "softmin", "temperature": 0.1},
    "softmin0.03": {"method": "softmin", "temperature": 0.03},
    "softmin0.2": {"method": "softmin", "temperature": 0.2},
    "min": {"method": "min"},
}
CALIBRATIONS = ("none", "adjust", "platt", "isotonic")

# The paper's two sizes; ``quick`` shrinks the large one for development.
DATA_SIZES = {
    "small": {"n_samples": 6000, "n_test": 1000},
    "large": {
        "n_samples": 37500,
        "n_test": 7500,
        "n_features": 20,
        "n_classes": 50,
        "n_labels": 5,
    },
}
QUICK_LARGE = {"n_samples": 12500, "n_test": 2500}
# Per-class 2 x 2 noise-matrix traces that match those of the paper's
# benchmark code (average traces 1 - Gamma(2, 0.01), reweighted by rank down
# to x0.875 for 4 classes): for 4 classes mostly in [1.65, 1.97] (mean 1.82,
# ~31% of rows with an error, against ~10% with the generator's default
# [1.9, 2]); for 50 classes mean 1.957 (~66% of rows, against ~72%).
PAPER_TRACES = {"small": (1.65, 1.97), "large": (1.915, 2.0)}


@dataclass(frozen=True)
class Setting:
    """One benchmark setting: a data set, a base model, how many CV repeats.

    ``reference_only`` settings only compute the recipe's scores, to compare
    them with the published numbers; ``end_to_end=False`` skips the run of
    ``CleanMultiLabel`` with its own cross-validation.
    """

    data: str
    model: str
    repeats_labelset: int
    repeats_iterative: int
    reference_only: bool = False
    end_to_end: bool = True


SETTINGS = {
    "small/LR": Setting("small", "LR", 3, 5),
    "small/RF": Setting("small", "RF", 3, 5),
    "large/LR": Setting("large", "LR", 1, 3),
    # Its end-to-end run would add 3 CVs of ~3 min each per seed on 2 cores.
    "large/RF": Setting("large", "RF", 1, 3, end_to_end=False),
    "toy/RF": Setting("toy", "RF", 3, 5),
    "small-paper-noise/LR": Setting("small-paper-noise", "LR", 1, 0, True),
    "small-paper-noise/RF": Setting("small-paper-noise", "RF", 1, 0, True),
    "large-paper-noise/LR": Setting("large-paper-noise", "LR", 1, 0, True),
    "large-paper-noise/RF": Setting("large-paper-noise", "RF", 1, 0, True),
}


def make_data(name, seed, *, quick=False):
    """Noisy training data with known errors, and clean test data.

    Returns a Bunch with ``X``, ``Y`` (noisy int indicator), ``Y_true``,
    ``X_test``, ``Y_test`` and ``n_wrong`` (wrong classes per training row).
    """
    if name == "toy":
        data = make_multilabel_data(random_state=seed, return_indicator=True)
        X, Y, Y_true = data.X_train, data.labels, data.true_labels_train
        X_test, Y_test = data.X_test, data.true_labels_test
    else:
        size = name.removesuffix("-paper-noise")
        kwargs = dict(DATA_SIZES[size])
        if name.endswith("-paper-noise"):
            kwargs["noise_trace_range"] = PAPER_TRACES[size]
        if quick and size == "large":
            kwargs.update(QUICK_LARGE)
        data = make_noisy_multilabel_classification(**kwargs, random_state=seed)
        X, Y, Y_true = data.X_train, data.y_train, data.y_train_true
        X_test, Y_test = data.X_test, data.y_test
    Y, Y_true = np.asarray(Y, dtype=np.int64), np.asarray(Y_true, dtype=np.int64)
    return Bunch(
        X=X,
        Y=Y,
        Y_true=Y_true,
        X_test=X_test,
        Y_test=np.asarray(Y_test, dtype=np.int64),
        n_wrong=(Y != Y_true).sum(axis=1),
    )


def make_model(setting, seed):
    """``OneVsRestClassifier`` of the setting's base model.

    Logistic regression uses the ``newton-cholesky`` solver: the same model as
    the default ``lbfgs`` (same penalty, unpenalized intercept) solved to a
    tighter optimum, and ~10x faster with few features. The random forest is
    scikit-learn's default on the small data sets, as in the paper, and a
    cheaper forest (30 trees on 20% bootstrap samples, leaves of at least 10)
    on the large ones, where 50 classes x 5 folds x repeats of the default
    forest would not fit the benchmark's time budget.
    """
    if setting.model == "LR":
        base = LogisticRegression(solver="newton-cholesky")
    elif setting.data.startswith("large"):
        base = RandomForestClassifier(
            n_estimators=30,
            min_samples_leaf=10,
            max_samples=0.2,
            n_jobs=1,
            random_state=seed,
        )
    else:
        base = RandomForestClassifier(n_jobs=1, random_state=seed)
    return OneVsRestClassifier(base)


def repeat_seed(seed, repeat):
    """CV shuffling seed of one repeat; repeat 0 of the recipe uses ``seed``."""
    return seed * 1000 + repeat


def recipe_pred_probs(model, X, Y, random_state):
    """cleanlab's recipe: shuffled 5-fold CV stratified by label set.

    Each distinct label set is one class of a ``StratifiedKFold``, as in
    cleanlab's ``get_cross_validated_multilabel_pred_probs`` (called here) and
    the paper's benchmark code.
    """
    cv = StratifiedKFold(N_FOLDS, shuffle=True, random_state=random_state)
    with warnings.catch_warnings():
        # Label sets rarer than the number of folds: expected, harmless here.
        warnings.simplefilter("ignore", UserWarning)
        return get_cross_validated_multilabel_pred_probs(X, Y, clf=model, cv=cv)


def iterative_pred_probs(model, X, Y, random_state):
    """Ours: shuffled 5-fold iterative stratification (``cross_val_pred_probs``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return cross_val_pred_probs(model, X, Y, cv=N_FOLDS, random_state=random_state)


def calibrate(Y, P, method):
    """Per-class monotone recalibration of ``P`` against the given labels ``Y``.

    ``"none"`` and ``"adjust"`` return ``P`` itself (``"adjust"`` is applied
    by the scorer, as ``adjust_pred_probs=True``). ``"platt"`` fits a
    one-feature logistic regression on ``logit(P)`` per class, ``"isotonic"``
    an isotonic regression; both are fitted on the out-of-fold ``P``.
    """
    if method in ("none", "adjust"):
        return P
    calibrated = np.empty_like(P, dtype=np.float64)
    for k in range(P.shape[1]):
        calibrated[:, k] = _calibrate_column(Y[:, k], P[:, k], method)
    return calibrated


def _calibrate_column(y, p, method):
    if y.min() == y.max():  # a constant class has nothing to calibrate
        return p
    if method == "isotonic":
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        return iso.fit_transform(p, y)
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped))[:, None]
    platt = LogisticRegression(C=1e4, solver="newton-cholesky").fit(logit, y)
    return platt.predict_proba(logit)[:, 1]


def scores(Y, P, aggregator, *, adjust=False):
    """Our label quality scores of (already calibrated) ``P``."""
    return get_label_quality_scores(
        Y,
        P,
        adjust_pred_probs=adjust,
        aggregator_kwargs=AGGREGATORS[aggregator],
    )


def issues_mask(Y, P, *, per_class=False):
    """Our default filter (prune by noise rate) on (already calibrated) ``P``.

    Returns the examples with any flagged class, or with ``per_class`` the
    flagged annotations, of shape ``(n_samples, n_classes)``.
    """
    find = find_label_issues_per_class if per_class else find_label_issues
    return find(Y, P)


def cleanlab_recipe(Y, P):
    """cleanlab 2.9's scores (EMA 0.8) and default issue mask on ``P``."""
    label_lists = onehot2int(Y)
    cl_scores = cl_rank.get_label_quality_scores(label_lists, P)
    cl_mask = cl_filter.find_label_issues(label_lists, P, n_jobs=1)
    return cl_scores, cl_mask


def check_parity(Y, P):
    """Assert that our functional API equals cleanlab's on ``P``."""
    cl_scores, cl_mask = cleanlab_recipe(Y, P)
    ours = get_label_quality_scores(Y, P, aggregator_kwargs=RECIPE_AGGREGATOR)
    np.testing.assert_allclose(ours, cl_scores, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(find_label_issues(Y, P), cl_mask)
    return cl_scores, cl_mask


def ranking_metrics(n_wrong, label_scores):
    """How well ``1 - score`` ranks the rows with a wrong class first.

    Returns AUROC, AUPRC (average precision) and lift at the number of true
    errors for "any class wrong", plus AUPRC for "2 or more classes wrong"
    and the Spearman correlation of ``1 - score`` with the number of wrong
    classes (the other side of the trade-off).
    """
    is_error = n_wrong > 0
    risk = 1 - np.asarray(label_scores, dtype=np.float64)
    n_errors = int(is_error.sum())
    top = np.argsort(-risk, kind="stable")[:n_errors]
    multi = n_wrong > 1
    return {
        "auroc": roc_auc_score(is_error, risk),
        "auprc": average_precision_score(is_error, risk),
        "lift": is_error[top].mean() / is_error.mean(),
        "auprc_multi": (
            average_precision_score(multi, risk) if multi.any() else np.nan
        ),
        "spearman": spearmanr(risk, n_wrong).statistic,
    }


def flag_metrics(n_wrong, mask):
    """Precision, recall and F1 of a flagged set against the true errors."""
    is_error = n_wrong > 0
    hits = int((mask & is_error).sum())
    precision = hits / mask.sum() if mask.any() else 0.0
    recall = hits / is_error.sum() if is_error.any() else 0.0
    total = precision + recall
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / total if total else 0.0,
        "flagged": int(mask.sum()),
    }


def downstream_f1(model, data, keep=None, labels=None):
    """Micro-F1 on the clean test labels of ``model`` refit on cleaned data.

    ``keep`` is None (all rows), a mask of shape ``(n_samples,)`` of the rows
    to keep, or a mask of shape ``(n_samples, n_classes)`` of the annotations
    to keep: class ``k``'s one-vs-rest model is then refit on the rows whose
    class-``k`` annotation is kept. ``labels`` replaces the noisy labels
    (for relabeled or true labels).
    """
    Y = data.Y if labels is None else labels
    keep = np.ones(len(Y), dtype=bool) if keep is None else keep
    with warnings.catch_warnings():
        # A class absent from the kept rows: predicted as a constant.
        warnings.simplefilter("ignore", UserWarning)
        if keep.ndim == 1:
            fitted = clone(model).fit(data.X[keep], Y[keep])
            predicted = fitted.predict(data.X_test)
        else:
            predicted = _per_class_predict(model.estimator, data, keep)
    return f1_micro(data.Y_test, predicted)


def relabel(Y, P, per_class_issues):
    """Flagged annotations set to the out-of-fold model's view (``P > 0.5``)."""
    return np.where(per_class_issues, P > 0.5, Y).astype(Y.dtype)


def _per_class_predict(base, data, keep):
    predicted = np.empty(data.Y_test.shape, dtype=np.int64)
    for k in range(data.Y.shape[1]):
        X, y = data.X[keep[:, k]], data.Y[keep[:, k], k]
        if y.min() == y.max():  # one class left: predict it
            predicted[:, k] = y[0]
        else:
            predicted[:, k] = clone(base).fit(X, y).predict(data.X_test)
    return predicted


def average_repeats(pred_probs_list, n_repeats):
    """Mean of the first ``n_repeats`` out-of-fold ``pred_probs``."""
    return np.mean(pred_probs_list[:n_repeats], axis=0)


def f1_micro(Y_true, Y_pred):
    """Micro-averaged F1 of multi-label predictions."""
    return f1_score(Y_true, Y_pred, average="micro")


# --- the experiment of one setting and seed ---------------------------------

RECIPE = "ls1/none/ema0.8"
# The recommended default detection of CleanMultiLabel, from its pieces:
# iterative stratification, 3 averaged CV repeats, softmin (T=0.1) scores.
DEFAULT = {
    "cv": "it",
    "n_repeats": 3,
    "calibration": "none",
    "aggregator": "softmin0.1",
}
DEFAULT_P = f"{DEFAULT['cv']}{DEFAULT['n_repeats']}/{DEFAULT['calibration']}"
DEFAULT_VARIANT = f"{DEFAULT_P}/{DEFAULT['aggregator']}"


class Cache:
    """``pred_probs`` and per-seed results on disk, or nowhere (``root=None``)."""

    def __init__(self, root):
        self.root = None if root is None else Path(root)
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, *parts, suffix):
        name = "_".join(str(part).replace("/", "-") for part in parts)
        return self.root / f"{name}{suffix}"

    def pred_probs(self, key, compute):
        """``(pred_probs, seconds)``, computed and stored unless cached."""
        if self.root is not None and self._path(*key, suffix=".npy").exists():
            seconds = json.loads(self._path(*key, suffix=".json").read_text())
            return np.load(self._path(*key, suffix=".npy")), seconds
        start = time.perf_counter()
        pred_probs = compute()
        seconds = time.perf_counter() - start
        if self.root is not None:
            np.save(self._path(*key, suffix=".npy"), pred_probs)
            self._path(*key, suffix=".json").write_text(json.dumps(seconds))
        return pred_probs, seconds

    def result(self, key):
        if self.root is None or not self._path(*key, suffix=".result.json").exists():
            return None
        return json.loads(self._path(*key, suffix=".result.json").read_text())

    def store_result(self, key, result):
        if self.root is not None:
            text = json.dumps(result, default=float)
            self._path(*key, suffix=".result.json").write_text(text)


def all_pred_probs(name, seed, quick, data, model, cache):
    """Out-of-fold ``pred_probs`` of every CV repeat, and seconds per CV."""
    setting = SETTINGS[name]
    plans = (
        ("ls", setting.repeats_labelset, recipe_pred_probs),
        ("it", setting.repeats_iterative, iterative_pred_probs),
    )
    pred_probs, seconds = {}, {}
    for kind, n_repeats, function in plans:
        runs = [
            cache.pred_probs(
                (name, seed, quick, f"{kind}{repeat}"),
                lambda r=repeat, f=function: f(
                    model, data.X, data.Y, repeat_seed(seed, r)
                ),
            )
            for repeat in range(n_repeats)
        ]
        pred_probs[kind] = [P for P, _ in runs]
        seconds[kind] = float(np.mean([s for _, s in runs])) if runs else None
    return pred_probs, seconds


def score_grid(data, pred_probs, result):
    """Ranking and flag metrics of every (CV, repeats, calibration, aggregator).

    Calibrations are only tried on the recipe's ``pred_probs`` and on the
    default's CV setup, to save time on the large data.
    """
    with_calibration = {"ls1", f"{DEFAULT['cv']}{DEFAULT['n_repeats']}"}
    for kind, runs in pred_probs.items():
        for n_repeats in range(1, len(runs) + 1):
            setup = f"{kind}{n_repeats}"
            P = average_repeats(runs, n_repeats)
            calibrations = CALIBRATIONS if setup in with_calibration else ("none",)
            for calibration in calibrations:
                _score_setup(data, P, setup, calibration, result)


def _score_setup(data, P, setup, calibration, result):
    key = f"{setup}/{calibration}"
    calibrated = calibrate(data.Y, P, calibration)
    mask = issues_mask(data.Y, calibrated)
    result["flags"][key] = flag_metrics(data.n_wrong, mask)
    for aggregator in AGGREGATORS:
        example_scores = scores(
            data.Y, calibrated, aggregator, adjust=calibration == "adjust"
        )
        result["ranking"][f"{key}/{aggregator}"] = ranking_metrics(
            data.n_wrong, example_scores
        )


def default_pred_probs(pred_probs):
    return average_repeats(pred_probs[DEFAULT["cv"]], DEFAULT["n_repeats"])


def downstream(model, data, pred_probs, done=None):
    """Test micro-F1 of the model refit on noisy, cleaned and true labels.

    Refits already in ``done`` (an earlier result) are reused, not redone.
    """
    done = {} if done is None else done
    recipe_P, default_P = pred_probs["ls"][0], default_pred_probs(pred_probs)
    default_P = calibrate(data.Y, default_P, DEFAULT["calibration"])
    flagged = issues_mask(data.Y, default_P, per_class=True)
    fits = {
        "noisy": {},
        "true": {"labels": data.Y_true},
        "oracle/rows": {"keep": data.n_wrong == 0},
        "recipe/rows": {"keep": ~issues_mask(data.Y, recipe_P)},
        "default/rows": {"keep": ~flagged.any(axis=1)},
        "default/annotations": {"keep": ~flagged},
        "default/relabel": {"labels": relabel(data.Y, default_P, flagged)},
    }
    results = {
        name: done[name] if name in done else downstream_f1(model, data, **fit)
        for name, fit in fits.items()
    }
    return results | estimator_refits(model, data, default_P, done)


def estimator_refits(model, data, pred_probs, done):
    """Test micro-F1 of CleanMultiLabel's refits on the default's ``pred_probs``.

    The estimator's own refit, guards included (removal capped at half the
    rows, no class emptied), without its cross-validation: this measures the
    refit strategies on every setting, also those not run end to end.
    """
    estimator = estimator_class()
    if estimator is None:
        return {}
    results = {}
    for refit in ("remove", "relabel"):
        key = f"estimator/{refit}"
        results[key] = done.get(key)
        if results[key] is None:
            cleaner = estimator(model, refit=refit, **RECOMMENDED_PARAMS)
            results[key] = _refit_f1(cleaner, data, pred_probs)
    return results


def _refit_f1(cleaner, data, pred_probs):
    with warnings.catch_warnings():
        # Its refit guards warn when they keep flagged rows.
        warnings.simplefilter("ignore", UserWarning)
        cleaner.fit(data.X, data.Y, pred_probs=pred_probs)
    return f1_micro(data.Y_test, cleaner.predict(data.X_test))


def estimator_class():
    """``CleanMultiLabel`` if the package has it, else None."""
    if importlib.util.find_spec("skcleanml._estimator") is None:
        return None
    from skcleanml._estimator import CleanMultiLabel

    return CleanMultiLabel


# CleanMultiLabel's parameters for the detection this study recommended in
# version 0.1 (its defaults then). Version 0.2's defaults are measured by
# ``real_quality.py`` on real and on this synthetic data.
RECOMMENDED_PARAMS = {
    "n_repeats": DEFAULT["n_repeats"],
    "filter_by": "prune_by_noise_rate",
    "rank_by": "self_confidence",
    "aggregator_kwargs": AGGREGATORS[DEFAULT["aggregator"]],
}


def estimator_results(data, model, seed):
    """CleanMultiLabel end to end, with its own CV, in the recommended setup.

    The refit strategies other than the estimator's default reuse its
    ``pred_probs_`` (``fit(..., pred_probs=...)``), so they only cost a refit.
    """
    estimator = estimator_class()
    if estimator is None:
        return None
    start = time.perf_counter()
    fitted = estimator(model, cv=N_FOLDS, random_state=seed, **RECOMMENDED_PARAMS)
    with warnings.catch_warnings():
        # Its refit guards warn when they keep flagged rows.
        warnings.simplefilter("ignore", UserWarning)
        fitted.fit(data.X, data.Y)
        seconds = time.perf_counter() - start
        refitted = {
            refit: clone(fitted)
            .set_params(refit=refit)
            .fit(data.X, data.Y, pred_probs=fitted.pred_probs_)
            for refit in ("weighted", "remove", "relabel")
            if refit != fitted.refit
        }
    refitted[fitted.refit] = fitted
    return {
        "ranking": ranking_metrics(data.n_wrong, fitted.label_quality_scores_),
        "flags": flag_metrics(data.n_wrong, fitted.label_issues_mask_),
        "downstream": {
            refit: f1_micro(data.Y_test, model_.predict(data.X_test))
            for refit, model_ in refitted.items()
        },
        "seconds": seconds,
    }


def estimator_defaults():
    """The detection parameters CleanMultiLabel runs with here, as a string."""
    if estimator_class() is None:
        return "not available (skcleanml has no CleanMultiLabel): rows emulated"
    params = {"cv": N_FOLDS, **RECOMMENDED_PARAMS}
    text = ", ".join(f"{key}={value!r}" for key, value in params.items())
    return f"{text} (version 0.1's defaults)"


def evaluate_seed(name, seed, quick, cache, rescore=False):
    """Every metric of one setting and seed (cached when a cache is given).

    With ``rescore``, the metrics are recomputed from the cached
    ``pred_probs``, but the refits (downstream and end to end) are reused
    when they were made for the same default.
    """
    key = (name, seed, "quick" if quick else "full")
    cached = cache.result(key)
    if cached is not None and not rescore:
        return cached
    setting = SETTINGS[name]
    data = make_data(setting.data, seed, quick=quick)
    model = make_model(setting, seed)
    pred_probs, seconds = all_pred_probs(name, seed, quick, data, model, cache)
    cl_scores, cl_mask = check_parity(data.Y, pred_probs["ls"][0])
    result = {
        "n_samples": len(data.Y),
        "error_rate": float((data.n_wrong > 0).mean()),
        "multi_error_rate": float((data.n_wrong > 1).mean()),
        "seconds": seconds,
        "default": DEFAULT_VARIANT,
        "ranking": {"cleanlab": ranking_metrics(data.n_wrong, cl_scores)},
        "flags": {"cleanlab": flag_metrics(data.n_wrong, cl_mask)},
    }
    score_grid(data, pred_probs, result)
    if not setting.reference_only:
        result.update(_refits(setting, data, model, seed, pred_probs, cached))
    cache.store_result(key, result)
    return result


def _refits(setting, data, model, seed, pred_probs, cached):
    """Downstream and end-to-end results, reused from ``cached`` if current."""
    current = (
        cached is not None and cached.get("default", DEFAULT_VARIANT) == DEFAULT_VARIANT
    )
    refits = {}
    done = cached.get("downstream") if current else None
    refits["downstream"] = downstream(model, data, pred_probs, done)
    end_to_end = cached.get("estimator") if current else None
    if end_to_end is not None and isinstance(end_to_end.get("downstream"), dict):
        refits["estimator"] = end_to_end
    elif setting.end_to_end:
        refits["estimator"] = estimator_results(data, model, seed)
    return refits


def run(settings, seeds, quick, cache, max_minutes, rescore=False):
    """Results per setting, as lists over the seeds that were run."""
    start = time.perf_counter()
    results = {name: [] for name in settings}
    for name in settings:
        for seed in seeds:
            cached = cache.result((name, seed, "quick" if quick else "full"))
            elapsed = (time.perf_counter() - start) / 60
            if cached is None and max_minutes is not None and elapsed > max_minutes:
                continue
            t = time.perf_counter()
            results[name].append(evaluate_seed(name, seed, quick, cache, rescore))
            if cached is None or rescore:
                seconds = time.perf_counter() - t
                print(
                    f"{name} seed {seed}: {seconds:.0f}s", file=sys.stderr, flush=True
                )
    return results
