"""Real data, annotator noise and cached pred_probs for ``real_quality.py``.

A *case* is one data set of ``benchmarks/data/`` (published train split,
labels taken as clean), one annotator noise type planted on it with
:func:`skcleanml.noise.annotator_noise`, and one seed. For every case the
out-of-fold ``pred_probs`` of the default model (a 100-tree random forest)
are computed in the ways compared (one 5-fold cross-validation, the 3
averaged 5-fold cross-validations of version 0.1, out-of-bag) and cached, so
that every score is compared on the same probabilities.
"""

import time
from pathlib import Path

import _mulan
import numpy as np
from sklearn.ensemble import RandomForestClassifier

from skcleanml import cross_val_pred_probs
from skcleanml._oob import oob_pred_probs
from skcleanml.noise import annotator_noise

NOISES = {
    "forgotten": {"forget": 0.15},
    "confused": {"confuse": 0.12},
    "confused-near": {"confuse": 0.12, "related": "features"},
    "spurious": {"spurious": 0.12},
    "mixture": {"forget": 0.06, "confuse": 0.05, "spurious": 0.04},
}
# How the out-of-fold pred_probs are made: a function of (model, X, Y, seed).
PRED_PROBS = {
    "cv5": lambda m, X, Y, s: cross_val_pred_probs(m, X, Y, cv=5, random_state=s),
    "cv5x3": lambda m, X, Y, s: cross_val_pred_probs(
        m, X, Y, cv=5, n_repeats=3, random_state=s
    ),
    "oob": lambda m, X, Y, s: oob_pred_probs(m, X, Y, {})[0],
    "oob300": lambda m, X, Y, s: oob_pred_probs(
        m.set_params(n_estimators=300), X, Y, {}
    )[0],
}


def make_model(seed):
    """CleanMultiLabel's default model."""
    return RandomForestClassifier(n_estimators=100, random_state=seed)


def noisy_case(name, noise, seed):
    """(X, clean Y, noisy Y) of one case; the test split is left alone."""
    data = _mulan.load(name, "train")
    Y_noisy = annotator_noise(
        data.Y, X=data.X, random_state=1000 + seed, **NOISES[noise]
    )
    return data.X, data.Y, Y_noisy


class PredProbsCache:
    """pred_probs of every case and kind, computed once, kept in `directory`."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def get(self, name, noise, seed, kind, *, compute=True):
        path = self.directory / f"{name}-{noise}-{seed}-{kind}.npz"
        if path.exists():
            with np.load(path) as stored:
                return stored["P"], float(stored["seconds"])
        if not compute:
            return None
        X, _, Y = noisy_case(name, noise, seed)
        start = time.perf_counter()
        P = PRED_PROBS[kind](make_model(seed), X, Y, seed)
        seconds = time.perf_counter() - start
        np.savez(path, P=P, seconds=seconds)
        return P, seconds
