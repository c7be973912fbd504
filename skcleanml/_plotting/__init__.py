"""Display objects that draw label issues, per-class issue counts and scores.

matplotlib is an optional dependency (the ``plot`` extra): it is imported only
inside the functions that draw, so ``import skcleanml`` works without it. The
classes follow scikit-learn's Display pattern (see ``CalibrationDisplay``):
``from_estimator`` and ``from_predictions`` validate and compute, the
constructor stores the results, ``plot`` draws them and returns ``self``.

Modules: ``_validation`` checks inputs, ``_base`` holds the plumbing shared by
the displays (matplotlib, axes, titles, fitted estimators), and each display
has its own module.
"""

from skcleanml._plotting._class_issues import ClassIssuesDisplay
from skcleanml._plotting._label_issues import LabelIssuesDisplay
from skcleanml._plotting._label_quality import LabelQualityDisplay

__all__ = ["ClassIssuesDisplay", "LabelIssuesDisplay", "LabelQualityDisplay"]
