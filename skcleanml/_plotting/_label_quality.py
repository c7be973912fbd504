"""LabelQualityDisplay: histogram of label quality scores, split by issues."""

import numbers

import numpy as np
from sklearn.utils import check_array

from skcleanml._plotting._base import (
    ISSUE_LABEL,
    DisplayMixin,
    check_fitted,
    require_matplotlib,
)
from skcleanml._plotting._validation import to_issue_mask

_NOT_FLAGGED_LABEL = "not flagged"


class LabelQualityDisplay(DisplayMixin):
    """Histogram of label quality scores, optionally split by flagged status.

    When a mask of flagged examples is given, the histogram is stacked: the
    bars of ``"not flagged"`` examples are drawn first and the ``"label
    issue"`` bars on top, so each bin's total is its number of examples.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one. All
    parameters are stored as attributes.

    Parameters
    ----------
    label_quality_scores : ndarray of shape (n_samples,)
        Scores in [0, 1]; lower means the given label is more likely wrong.

    issue_mask : ndarray of shape (n_samples,), dtype=bool, default=None
        True for examples flagged as label issues; no split when None.

    Attributes
    ----------
    patches_ : list of matplotlib BarContainer
        One container per group: ``[all]`` without a mask, ``[not flagged,
        label issue]`` with one.

    ax_ : matplotlib Axes
        Axes with the histogram.

    figure_ : matplotlib Figure
        Figure containing the histogram.

    See Also
    --------
    LabelIssuesDisplay : Scatter plot of label issues over 2-D data.
    ClassIssuesDisplay : Per-class counts of label issues.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skcleanml import LabelQualityDisplay
    >>> scores = np.random.RandomState(0).uniform(size=50)
    >>> disp = LabelQualityDisplay.from_predictions(
    ...     scores, issues=scores < 0.2, bins=5
    ... )
    >>> [container.get_label() for container in disp.patches_]
    ['not flagged', 'label issue']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(disp.figure_)
    """

    _default_title = "Label quality scores"

    def __init__(self, label_quality_scores, *, issue_mask=None):
        self.label_quality_scores = label_quality_scores
        self.issue_mask = issue_mask

    def plot(self, *, ax=None, bins=10, title=None, **kwargs):
        """Plot the visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        bins : int or array-like of float, default=10
            Number of equal-width bins over [0, 1], or the bin edges.

        title : str, default=None
            Axes title. If None, a default title is used; pass ``""`` for none.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.hist` (for example
            ``alpha`` or ``edgecolor``).

        Returns
        -------
        display : LabelQualityDisplay
            The display, with the artists stored in its attributes.
        """
        require_matplotlib(type(self), "plot")
        edges = _check_bins(bins)
        self._new_axes(ax)
        scores = np.asarray(self.label_quality_scores)
        if self.issue_mask is None:
            style = {"edgecolor": "white", **kwargs}
            _, _, patches = self.ax_.hist(scores, bins=edges, **style)
            self.patches_ = [patches]
        else:
            self.patches_ = self._stacked_hist(scores, edges, kwargs)
        self.ax_.set_xlabel("Label quality score (lower: label more likely wrong)")
        self.ax_.set_ylabel("Number of examples")
        return self._finish(title, legend=self.issue_mask is not None)

    def _stacked_hist(self, scores, edges, kwargs):
        """Draw unflagged then flagged scores stacked; return both containers."""
        mask = np.asarray(self.issue_mask, dtype=bool)
        data = [scores[~mask], scores[mask]]
        style = {"stacked": True, "edgecolor": "white", **kwargs}
        _, _, patches = self.ax_.hist(data, bins=edges, **style)
        # Label the containers, not the bars, so that each group can be found
        # by its label and appears once in the legend.
        group_labels = (_NOT_FLAGGED_LABEL, ISSUE_LABEL)
        for container, label in zip(patches, group_labels, strict=True):
            container.set_label(label)
        return list(patches)

    @classmethod
    def from_estimator(cls, estimator, *, bins=10, ax=None, title=None, **kwargs):
        """Plot the label quality scores of a fitted :class:`CleanMultiLabel`.

        The histogram is split by ``estimator.label_issues_mask_``.

        Parameters
        ----------
        estimator : CleanMultiLabel
            Fitted estimator with ``label_quality_scores_`` and
            ``label_issues_mask_``.

        bins : int or array-like of float, default=10
            Number of equal-width bins over [0, 1], or the bin edges.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.hist`.

        Returns
        -------
        display : LabelQualityDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_estimator")
        check_fitted(estimator, ["label_quality_scores_", "label_issues_mask_"])
        return cls.from_predictions(
            estimator.label_quality_scores_,
            issues=estimator.label_issues_mask_,
            bins=bins,
            ax=ax,
            title=title,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        label_quality_scores,
        *,
        issues=None,
        bins=10,
        ax=None,
        title=None,
        **kwargs,
    ):
        """Plot a histogram of label quality scores.

        Parameters
        ----------
        label_quality_scores : array-like of shape (n_samples,)
            Scores in [0, 1]; lower means the given label is more likely wrong.

        issues : array-like of bool or of int, default=None
            Boolean mask of flagged examples, or their indices. When given, the
            histogram is stacked into ``"not flagged"`` and ``"label issue"``.

        bins : int or array-like of float, default=10
            Number of equal-width bins over [0, 1], or the bin edges.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.hist`.

        Returns
        -------
        display : LabelQualityDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_predictions")
        scores = _check_scores(label_quality_scores)
        mask = None if issues is None else to_issue_mask(issues, scores.shape[0])
        _check_bins(bins)
        disp = cls(scores, issue_mask=mask)
        return disp.plot(ax=ax, bins=bins, title=title, **kwargs)


def _check_scores(label_quality_scores):
    """Return the scores as a finite 1-D array in [0, 1], or raise a ValueError."""
    scores = check_array(
        label_quality_scores, ensure_2d=False, input_name="label_quality_scores"
    )
    if scores.ndim != 1:
        raise ValueError(
            "label_quality_scores must be 1-D of shape (n_samples,), got an "
            f"array with shape {scores.shape}."
        )
    if scores.min() < 0 or scores.max() > 1:
        raise ValueError(
            "label_quality_scores must lie in [0, 1], got values in "
            f"[{scores.min():g}, {scores.max():g}]."
        )
    return scores


def _check_bins(bins):
    """Return histogram bin edges: ``bins`` equal bins over [0, 1], or the edges."""
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"bins must be a positive integer, got {bins}.")
        return np.linspace(0.0, 1.0, int(bins) + 1)
    edges = np.asarray(bins)
    if (
        isinstance(bins, bool)
        or edges.ndim != 1
        or edges.size < 2
        or edges.dtype.kind not in "iuf"
        or np.any(np.diff(edges) <= 0)
    ):
        raise ValueError(
            "bins must be a positive integer or an increasing 1-D sequence of at "
            f"least 2 bin edges, got {bins!r}."
        )
    return edges
