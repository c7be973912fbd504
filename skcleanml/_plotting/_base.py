"""Plumbing shared by the displays: matplotlib, axes, titles, fitted estimators.

matplotlib is imported only inside functions, so that importing this module
(and ``skcleanml``) works without it.
"""

from sklearn.exceptions import NotFittedError
from sklearn.utils._optional_dependencies import check_matplotlib_support

from skcleanml._plotting._validation import check_n_samples, to_indicator

# Legend entry of the flagged examples, the same in every display.
ISSUE_LABEL = "label issue"


def require_matplotlib(display_class, method):
    """Raise an ImportError naming ``Display.method`` when matplotlib is missing."""
    check_matplotlib_support(f"{display_class.__name__}.{method}")


def check_fitted(estimator, attributes):
    """Raise NotFittedError unless ``estimator`` has all fitted ``attributes``."""
    missing = [name for name in attributes if not hasattr(estimator, name)]
    if missing:
        raise NotFittedError(
            f"{type(estimator).__name__} has no attribute(s) {missing}; call "
            "fit before plotting, or use from_predictions."
        )


def check_estimator_labels(estimator, y, issues_attribute, class_names):
    """Return ``y`` as an indicator, the estimator's issues and the class names.

    ``y`` must have one column per ``estimator.classes_`` and one row per row
    of the fitted ``issues_attribute``; ``class_names=None`` takes the names
    from ``estimator.classes_``.
    """
    check_fitted(estimator, [issues_attribute, "classes_"])
    indicator = to_indicator(y, len(estimator.classes_), name="y")
    issues = getattr(estimator, issues_attribute)
    check_n_samples(
        len(issues),
        indicator.shape[0],
        name="y",
        reference=f"estimator.{issues_attribute}",
    )
    if class_names is None:
        class_names = estimator.classes_
    return indicator, issues, class_names


class DisplayMixin:
    """Axes set-up and finishing touches shared by the displays' ``plot``.

    A display sets ``_default_title``; its ``plot`` calls :meth:`_new_axes`
    once its inputs are checked and ends with ``return self._finish(title)``.
    """

    _default_title = ""

    def _new_axes(self, ax):
        """Draw on ``ax``, or on a new figure's axes; set ``ax_`` and ``figure_``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        self.ax_, self.figure_ = ax, ax.figure

    def _finish(self, title, *, legend=True):
        """Add the legend and the title (the default one when None); return self."""
        if legend:
            self.ax_.legend(loc="best")
        self.ax_.set_title(self._default_title if title is None else title)
        return self
