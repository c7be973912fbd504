"""Shared test data: random multi-label problems with ties and rare classes."""

import numpy as np
import pytest


def make_multilabel_case(seed, *, n=None, n_classes=None, ties=None, rare=None):
    """Random labels and correlated pred_probs; optionally tied and rare.

    Returns (Y, P): a boolean indicator (n, K) and pred_probs in [0, 1].
    """
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(20, 300))
    n_classes = n_classes or int(rng.integers(2, 7))
    Y = rng.random((n, n_classes)) < rng.uniform(0.05, 0.6, n_classes)
    P = np.where(Y, rng.beta(4, 2, (n, n_classes)), rng.beta(2, 4, (n, n_classes)))
    if ties if ties is not None else rng.random() < 0.5:
        P = P.round(1)  # many exact ties, including 0.5, 0 and 1
    if rare if rare is not None else rng.random() < 0.4:
        k = rng.integers(n_classes)
        Y[:, k] = False
        Y[rng.choice(n, rng.integers(1, 4), replace=False), k] = True
    return Y, P


def as_lists(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


@pytest.fixture
def case():
    return make_multilabel_case(0, n=120, n_classes=4)
