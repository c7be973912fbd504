"""LabelIssuesDisplay: 2-D scatter coloured by label set, label issues circled."""

import numpy as np
from sklearn.utils import check_array

from skcleanml._labels import is_class_index_lists
from skcleanml._plotting._base import (
    ISSUE_LABEL,
    DisplayMixin,
    check_estimator_labels,
    require_matplotlib,
)
from skcleanml._plotting._validation import (
    check_class_names,
    check_n_samples,
    to_indicator,
    to_issue_mask,
)


class LabelIssuesDisplay(DisplayMixin):
    """Scatter plot of 2-D data coloured by label set, label issues circled.

    Each distinct set of given labels gets one colour and one legend entry
    (``"[0, 2]"``, or ``"[cat, dog]"`` with class names; the empty set is
    ``"[]"``). Examples flagged as label issues are circled by a larger hollow
    marker with the legend entry ``"label issue"``.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one. All
    parameters are stored as attributes.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Coordinates of the examples.

    labels : ndarray of shape (n_samples, n_classes), dtype=bool
        Given labels as an indicator matrix.

    issue_mask : ndarray of shape (n_samples,), dtype=bool
        True for examples flagged as label issues.

    class_names : list of str, default=None
        Name of each class for the legend; class indices when None.

    Attributes
    ----------
    scatter_ : list of matplotlib PathCollection
        One scatter per distinct label set, ordered by set size, then by class
        indices (the empty set first).

    issues_scatter_ : matplotlib PathCollection
        The hollow circles around the flagged examples (empty if none).

    ax_ : matplotlib Axes
        Axes with the scatter plot.

    figure_ : matplotlib Figure
        Figure containing the scatter plot.

    See Also
    --------
    ClassIssuesDisplay : Per-class counts of label issues.
    LabelQualityDisplay : Histogram of label quality scores.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skcleanml import LabelIssuesDisplay
    >>> X = np.random.RandomState(0).normal(size=(6, 2))
    >>> labels = [[0], [0], [0, 1], [1], [], [0, 1]]
    >>> disp = LabelIssuesDisplay.from_predictions(X, labels, issues=[1, 4])
    >>> [sc.get_label() for sc in disp.scatter_]
    ['[]', '[0]', '[1]', '[0, 1]']
    >>> disp.issues_scatter_.get_offsets().shape
    (2, 2)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(disp.figure_)
    """

    _default_title = "Given labels (label issues circled)"

    def __init__(self, X, labels, issue_mask, *, class_names=None):
        self.X = X
        self.labels = labels
        self.issue_mask = issue_mask
        self.class_names = class_names

    def plot(self, *, ax=None, title=None, **kwargs):
        """Plot the visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used; pass ``""`` for none.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter` for the label-set
            points (for example ``s`` or ``alpha``).

        Returns
        -------
        display : LabelIssuesDisplay
            The display, with the artists stored in its attributes.
        """
        require_matplotlib(type(self), "plot")
        self._new_axes(ax)
        names = check_class_names(self.class_names, self.labels.shape[1])
        label_sets, membership = _label_sets(self.labels)
        colors = _label_set_colors(len(label_sets))
        self.scatter_ = []
        for i, label_set in enumerate(label_sets):
            points = self.X[membership == i]
            legend = "[" + ", ".join(str(names[k]) for k in label_set) + "]"
            style = {"color": colors[i], "s": 30, "label": legend, **kwargs}
            self.scatter_.append(self.ax_.scatter(points[:, 0], points[:, 1], **style))
        flagged = self.X[self.issue_mask]
        self.issues_scatter_ = self.ax_.scatter(
            flagged[:, 0],
            flagged[:, 1],
            s=150,
            facecolors="none",
            edgecolors="black",
            linewidths=1.5,
            label=ISSUE_LABEL,
        )
        return self._finish(title)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, ax=None, title=None, class_names=None, **kwargs
    ):
        """Plot the label issues found by a fitted :class:`CleanMultiLabel`.

        Parameters
        ----------
        estimator : CleanMultiLabel
            Fitted estimator with ``label_issues_mask_`` and ``classes_``.

        X : array-like of shape (n_samples, 2)
            Coordinates of the training examples, in the order used in ``fit``.

        y : list of lists of int, or {array-like, sparse matrix} of shape \
                (n_samples, n_classes)
            The labels the estimator was fit on (it does not store them).

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        class_names : list of str, default=None
            Names for the legend. If None, ``estimator.classes_`` is used.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`.

        Returns
        -------
        display : LabelIssuesDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_estimator")
        indicator, issues, class_names = check_estimator_labels(
            estimator, y, "label_issues_mask_", class_names
        )
        return cls.from_predictions(
            X, indicator, issues, ax=ax, title=title, class_names=class_names, **kwargs
        )

    @classmethod
    def from_predictions(
        cls,
        X,
        labels,
        issues,
        *,
        ax=None,
        title=None,
        class_names=None,
        **kwargs,
    ):
        """Plot given labels and label issues over 2-D data.

        Parameters
        ----------
        X : array-like of shape (n_samples, 2)
            Coordinates of the examples; exactly 2 columns.

        labels : list of lists of int, or {array-like, sparse matrix} of shape \
                (n_samples, n_classes)
            Given labels: class-index lists (``[[0], [0, 2], []]``) or a 0/1
            indicator matrix.

        issues : array-like of shape (n_samples,) of bool, or array-like of int
            Boolean mask of flagged examples, or their indices (as returned by
            ``find_label_issues``). A non-boolean array is read as indices.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        title : str, default=None
            Axes title. If None, a default title is used.

        class_names : list of str, default=None
            Name of each class for the legend; class indices when None.

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.scatter`.

        Returns
        -------
        display : LabelIssuesDisplay
            Object that stores the computed values and artists.
        """
        require_matplotlib(cls, "from_predictions")
        X = _check_points(X)
        # Class-index lists do not carry the number of classes; names do.
        n_classes = None
        if class_names is not None and is_class_index_lists(labels):
            n_classes = len(class_names)
        indicator = to_indicator(labels, n_classes, name="labels")
        check_n_samples(X.shape[0], indicator.shape[0], name="labels", reference="X")
        mask = to_issue_mask(issues, X.shape[0], name="issues")
        class_names = check_class_names(class_names, indicator.shape[1])
        disp = cls(X, indicator, mask, class_names=class_names)
        return disp.plot(ax=ax, title=title, **kwargs)


def _check_points(X):
    """Return ``X`` as an array of 2-D points, or raise a ValueError naming X."""
    X = check_array(X, ensure_2d=False, input_name="X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"X must be a 2-D array with exactly 2 columns to be drawn as a "
            f"scatter plot, got X with shape {X.shape}. Project it to 2-D first "
            "(e.g. with PCA)."
        )
    return X


def _label_sets(labels):
    """Return the distinct label sets and, per example, its set's position."""
    rows, inverse = np.unique(labels, axis=0, return_inverse=True)
    sets = [tuple(np.flatnonzero(row).tolist()) for row in rows]
    # Small sets first, so single-class groups lead the legend.
    order = sorted(range(len(sets)), key=lambda j: (len(sets[j]), sets[j]))
    rank = np.empty(len(sets), dtype=np.intp)
    rank[order] = np.arange(len(sets))
    return [sets[j] for j in order], rank[np.ravel(inverse)]


def _label_set_colors(n_sets):
    """Return ``n_sets`` distinct colours: qualitative maps first, then turbo."""
    from matplotlib import colormaps

    if n_sets <= 10:
        cmap = colormaps["tab10"]
    elif n_sets <= 20:
        cmap = colormaps["tab20"]
    else:
        cmap = colormaps["turbo"].resampled(n_sets)
    return [cmap(i) for i in range(n_sets)]
