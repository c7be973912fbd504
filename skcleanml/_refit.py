"""The refit's guards: which flagged examples may be removed or relabeled.

The guards keep the refit possible: at most a share of the examples is
cleaned, and no class loses all its positive or all its negative examples.
``CleanMultiLabel._training_set`` applies them (and the weights of
``refit="weighted"``); their warnings point at the caller of its ``fit``.
"""

import warnings

import numpy as np


def cap_issues(ranked_issues, limit, fraction):
    """The `limit` worst issues, warning when more were found."""
    if ranked_issues.size > limit:
        warnings.warn(
            f"{ranked_issues.size} examples have label issues, more than "
            f"max_removal_fraction={fraction} allows; only the {limit} worst "
            "are cleaned before the refit.",
            UserWarning,
            stacklevel=5,
        )
    return ranked_issues[:limit]


def kept_rows(Y, removed, names):
    """Mask of rows kept for "remove"; emptied classes get their rows back."""
    keep = np.ones(Y.shape[0], dtype=bool)
    keep[removed] = False
    restored = []
    for value, kind in ((1, "positive"), (0, "negative")):
        has_value = Y == value
        for k in np.flatnonzero(has_value.any(axis=0)):
            if not has_value[keep, k].any():  # rows restored so far may do
                keep |= has_value[:, k]
                restored.append(f"class {names[k]} without {kind} examples")
    _warn_guard(restored, "removing the flagged examples", "are kept")
    return keep


def relabeled(Y, flips, names):
    """`Y` with the flagged annotations flipped, per-class guarded."""
    new = np.where(flips, 1 - Y, Y).astype(Y.dtype)
    restored = []
    for value, kind in ((1, "positive"), (0, "negative")):
        emptied = (Y == value).any(axis=0) & ~(new == value).any(axis=0)
        for k in np.flatnonzero(emptied):
            new[:, k] = Y[:, k]
            restored.append(f"class {names[k]} without {kind} examples")
    _warn_guard(restored, "relabeling the flagged annotations", "keep their labels")
    return new


def _warn_guard(restored, action, outcome):
    if restored:
        warnings.warn(
            f"{action.capitalize()} would leave {', '.join(restored)}; the "
            f"examples of those classes {outcome} as given.",
            UserWarning,
            stacklevel=6,
        )
