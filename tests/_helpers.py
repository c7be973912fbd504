"""Shared test data and checks: random multi-label problems with ties and rare classes.

Imported as ``from _helpers import ...`` (``tests`` is on pytest's
``pythonpath``), which works under every ``--import-mode``.
"""

import numpy as np


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


def has_ties(P):
    """Whether some class has two equal probabilities."""
    return any(np.unique(column).size < column.size for column in np.asarray(P).T)


def as_lists(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


def assert_same_selection(ours, theirs, Y, P, *, by_class=False):
    """Check two per-class masks select the same numbers and the same values.

    Per class and given label (per class only, with ``by_class``): as many
    flags, and the same sorted self-confidences among them. That is what the
    tie rule keeps of a sort-based selection: among exactly tied entries at a
    cut-off, which ones are taken may differ.
    """
    Y, P = np.asarray(Y, dtype=bool), np.asarray(P)
    confidence = np.where(Y, P, 1 - P)
    for k in range(Y.shape[1]):
        for given in (None,) if by_class else (False, True):
            group = np.ones(len(Y), bool) if given is None else Y[:, k] == given
            ours_k = np.sort(confidence[group & ours[:, k], k])
            theirs_k = np.sort(confidence[group & theirs[:, k], k])
            np.testing.assert_array_equal(ours_k, theirs_k, err_msg=f"{k=} {given=}")


# The columns of CleanMultiLabel.get_label_issues(), in order.
LABEL_ISSUE_COLUMNS = [
    "is_label_issue",
    "label_quality",
    "given_label",
    "predicted_label",
    "suggested_label",
    "issue_rank",
    "labels_to_add",
    "labels_to_remove",
]
