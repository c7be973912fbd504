"""ClassIssuesDisplay: bar chart of label issues per class and direction."""

import numpy as np

from skcleanml._labels import is_class_index_lists
from skcleanml._plotting._base import (
    DisplayMixin,
    check_estimator_labels,
    require_matplotlib,
)
from skcleanml._plotting._validation import (
    check_class_names,
    check_n_samples,
    to_indicator,
)

# Legend entries of the two bar series, in the column order of counts_.
_DIRECTION_LABELS = ("given 1, suggested 0", "given 0, suggested 1")


class ClassIssuesDisplay(DisplayMixin):
    """Bar chart of label issues per class, split by the suggested fix.

    For each class two bars are drawn: issues where the class is given but
    should be absent (``"given 1, suggested 0"``) and issues where the class
    is absent but should be given (``"given 0, suggested 1"``). An issue on an
    entry whose given label is 1 suggests 0, and vice versa.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one. All
    parameters are stored as attributes.

    Parameters
    ----------
    labels : ndarray of shape (n_samples, n_classes), dtype=bool
        Given labels as an indicator matrix.

    per_class_issues : ndarray of shape (n_samples, n_classes), dtype=bool
        True where the given label of an example for a class is flagged.

    class_names : list of str, default=None
        Name of each class for the tick labels; class indices when None.

    Attributes
    ----------
    counts_ : ndarray of shape (n_classes, 2), dtype=int
        Per class, the number of issues with given label 1 (column 0) and
        with given label 0 (column 1).

    bars_ : list of two matplotlib BarContainer
        The bars for ``"given 1, suggested 0"`` and ``"given 0, suggested 1"``.

    ax_ : matplotlib Axes
        Axes with the bar chart.

    figure_ : matplotlib Figure
        Figure containing the bar chart.

    See Also
    --------
    LabelIssuesDisplay : Scatter plot of label issues over 2-D data.
    LabelQualityDisplay : Histogram of label quality scores.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skcleanml import ClassIssuesDisplay
    >>> labels = [[0], [0, 1], [1], []]
    >>> # A per-class mask is a matrix; a list of lists would mean class indices.
    >>> per_class_issues = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype=bool)
    >>> disp = ClassIssuesDisplay.from_predictions(
    ...     labels, per_class_issues, class_names=["cat", "dog"]
    ... )
    >>> disp.counts_
    array([[1, 1],
           [1, 1]])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(disp.figure_)
    """

    _default_title = "Label issues per class"

    def __init__(self, labels, per_class_issues, *, class_names=None):
        self.labels = labels
        self.per_class_issues = per_class_issues
        self.class_names = class_names

    def plot(self, *, ax=None, orientation="horizontal", title=None, **kwargs):
        """Plot the visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        orientation : {'horizontal', 'vertical'}, default='horizontal'
            Direction of the bars; horizontal bars leave room for long names.

        title : str, default=None
            Axes title. If None, a default title is used; pass ``""`` for none.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar` (or ``barh``) for both
            series (for example ``alpha`` or ``edgecolor``).

        Returns
        -------
        display : ClassIssuesDisplay
            The display, with the artists stored in its attributes.
        """
        require_matplotlib(type(self), "plot")
        if orientation not in ("horizontal", "vertical"):
            raise ValueError(
                f"orientation must be 'horizontal' or 'vertical', got {orientation!r}."
            )
        labels = np.asarray(self.labels, dtype=bool)
        issues = np.asarray(self.per_class_issues, dtype=bool)
        self.counts_ = np.column_stack(
            [(issues & labels).sum(axis=0), (issues & ~labels).sum(axis=0)]
        ).astype(int)
        names = check_class_names(self.class_names, labels.shape[1])
        self._new_axes(ax)
        self.bars_ = self._draw_bars(orientation, kwargs)
        self._label_class_axis(orientation, [str(name) for name in names])
        return self._finish(title)

    def _draw_bars(self, orientation, kwargs):
        """Draw the two grouped series side by side around each class."""
        positions = np.arange(self.counts_.shape[0])
        width = 0.4
        draw = self.ax_.barh if orientation == "horizontal" else self.ax_.bar
        thickness = "height" if orientation == "horizontal" else "width"
        bars = []
        for j, (offset, label) in enumerate(
            zip((-0.2, 0.2), _DIRECTION_LABELS, strict=True)
        ):
            style = {thickness: width, "label": label, **kwargs}
            bars.append(draw(positions + offset, self.counts_[:, j], **style))
        return bars

    def _label_class_axis(self, orientation, tick_names):
        """Put the class names on the class axis and name the count axis."""
        positions = np.arange(len(tick_names))
        if orientation == "horizontal":
            self.ax_.set_yticks(positions, tick_names)
            self.ax_.set_xlabel("Number of label issues")
            # Class 0 on top, reading order, like a table.
            if not self.ax_.yaxis_inverted():
                self.ax_.invert_yaxis()
        else:
            self.ax_.set_xticks(positions, tick_names)
            self.ax_.set_ylabel("Number of label issues")

    @classmethod
    def from_estimator(
        cls,
        estimator,
        y,
        *,
        class_names=None,
        orientation="horizontal",
        ax=None,
        title=None,
        **kwargs,
    ):
        """Plot per-class label issues found by a fitted :class:`CleanMultiLabel`.

        Parameters
        ----------
        estimator : CleanMultiLabel
            Fitted estimator with ``per_class_label_issues_`` and ``classes_``.

        y : list of lists of int, or {array-like, sparse matrix} of shape \
                (n_samples, n_classes)
            The labels the estimator was fit on (it does not store them).

        class_names : list of str, default=None
            Tick labels. If None, ``estimator.classes_`` is used.

        orientation : {'horizontal', 'vertical'}, default='horizontal'
            Direction of the bars.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar` (or ``barh``).

        Returns
        -------
        display : ClassIssuesDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_estimator")
        indicator, issues, class_names = check_estimator_labels(
            estimator, y, "per_class_label_issues_", class_names
        )
        return cls.from_predictions(
            indicator,
            issues,
            class_names=class_names,
            orientation=orientation,
            ax=ax,
            title=title,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        labels,
        per_class_issues,
        *,
        class_names=None,
        orientation="horizontal",
        ax=None,
        title=None,
        **kwargs,
    ):
        """Plot per-class label issues from given labels and a per-class mask.

        Parameters
        ----------
        labels : list of lists of int, or {array-like, sparse matrix} of shape \
                (n_samples, n_classes)
            Given labels: class-index lists or a 0/1 indicator matrix.

        per_class_issues : {array-like, sparse matrix} of shape \
                (n_samples, n_classes)
            0/1 or boolean mask, True where the given label of an example for a
            class is flagged (as from ``find_label_issues`` per class).

        class_names : list of str, default=None
            Tick labels; class indices when None.

        orientation : {'horizontal', 'vertical'}, default='horizontal'
            Direction of the bars.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.bar` (or ``barh``).

        Returns
        -------
        display : ClassIssuesDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_predictions")
        # per_class_issues is always a matrix, so it fixes the number of classes.
        if is_class_index_lists(per_class_issues):
            raise ValueError(
                "per_class_issues must be a 2-D boolean mask of shape "
                "(n_samples, n_classes), not a list of lists of indices."
            )
        issues = to_indicator(per_class_issues, name="per_class_issues")
        indicator = to_indicator(labels, issues.shape[1], name="labels")
        check_n_samples(
            issues.shape[0],
            indicator.shape[0],
            name="labels",
            reference="per_class_issues",
        )
        class_names = check_class_names(class_names, issues.shape[1])
        disp = cls(indicator, issues, class_names=class_names)
        return disp.plot(ax=ax, orientation=orientation, title=title, **kwargs)
