"""Display objects that draw label issues, per-class issue counts and scores.

matplotlib is an optional dependency (the ``plot`` extra): it is imported only
inside the functions that draw, so ``import skcleanml`` works without it. The
classes follow scikit-learn's Display pattern (see ``CalibrationDisplay``):
``from_estimator`` and ``from_predictions`` validate and compute, the
constructor stores the results, ``plot`` draws them and returns ``self``.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_array
from sklearn.utils._optional_dependencies import check_matplotlib_support

from skcleanml._labels import int2onehot, is_class_index_lists

_ISSUE_LABEL = "label issue"
_NOT_FLAGGED_LABEL = "not flagged"
_DIRECTION_LABELS = ("given 1, suggested 0", "given 0, suggested 1")


def _check_fitted(estimator, attributes):
    """Raise NotFittedError unless ``estimator`` has all fitted ``attributes``."""
    missing = [name for name in attributes if not hasattr(estimator, name)]
    if missing:
        raise NotFittedError(
            f"{type(estimator).__name__} has no attribute(s) {missing}; call "
            "fit before plotting, or use from_predictions."
        )


def _infer_n_classes(labels):
    """Guess the number of classes from class-index lists (max index + 1)."""
    try:
        top = max((int(np.max(row)) for row in labels if len(row)), default=0)
    except (TypeError, ValueError):
        # A malformed row: int2onehot reports it with a clear message.
        top = 0
    return max(top + 1, 1)


def _to_indicator(labels, n_classes=None, *, name="labels"):
    """Return ``labels`` as a dense (n_samples, n_classes) boolean indicator.

    ``n_classes=None`` takes it from the indicator's width, or from the largest
    class index when ``labels`` holds class-index lists.
    """
    if labels is None:
        raise ValueError(f"{name} must not be None.")
    if is_class_index_lists(labels):
        if n_classes is None:
            n_classes = _infer_n_classes(labels)
        return int2onehot(labels, n_classes, name=name)
    if sp.issparse(labels):
        labels = labels.toarray()
    array = np.asarray(labels)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a list of lists of class indices or a 2-D 0/1 "
            f"indicator of shape (n_samples, n_classes), got an array with "
            f"{array.ndim} dimension(s)."
        )
    if array.dtype.kind not in "biuf" or not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} is a 2-D array, so it must hold only 0 and 1.")
    if n_classes is not None and array.shape[1] != n_classes:
        raise ValueError(
            f"{name} has {array.shape[1]} columns but there are {n_classes} "
            "classes; they must match."
        )
    return array.astype(bool)


def _to_issue_mask(issues, n_samples, *, name="issues"):
    """Return ``issues`` (boolean mask or integer indices) as a boolean mask."""
    array = np.asarray(issues)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D boolean mask or array of indices, got an "
            f"array with {array.ndim} dimension(s)."
        )
    if array.dtype == bool:
        if array.shape[0] != n_samples:
            raise ValueError(
                f"{name} is a boolean mask of length {array.shape[0]} but there "
                f"are {n_samples} samples; they must match."
            )
        return array.copy()
    mask = np.zeros(n_samples, dtype=bool)
    if array.size == 0:
        return mask
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be a boolean mask or an array of integer indices, got "
            f"an array of dtype {array.dtype}."
        )
    if array.min() < 0 or array.max() >= n_samples:
        raise ValueError(
            f"{name} holds indices outside [0, {n_samples - 1}] for "
            f"{n_samples} samples."
        )
    mask[array] = True
    return mask


def _check_class_names(class_names, n_classes, *, name="class_names"):
    """Return class names as a list of length ``n_classes`` (indices if None)."""
    if class_names is None:
        return list(range(n_classes))
    names = list(class_names)
    if len(names) != n_classes:
        raise ValueError(
            f"{name} has {len(names)} entries but there are {n_classes} classes; "
            "they must match."
        )
    return names


def _check_n_samples(n_expected, n_got, *, name, reference):
    if n_got != n_expected:
        raise ValueError(
            f"{name} has {n_got} samples but {reference} has {n_expected}; they "
            "must describe the same examples."
        )


def _get_axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


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


class LabelIssuesDisplay:
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
    >>> from skcleanml._plotting import LabelIssuesDisplay
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
        check_matplotlib_support(f"{type(self).__name__}.plot")
        self.ax_, self.figure_ = _get_axes(ax)
        names = _check_class_names(self.class_names, self.labels.shape[1])
        label_sets, membership = self._label_sets()
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
            label=_ISSUE_LABEL,
        )
        self.ax_.legend(loc="best")
        default_title = "Given labels (label issues circled)"
        self.ax_.set_title(default_title if title is None else title)
        return self

    def _label_sets(self):
        """Return the distinct label sets and, per example, its set's position."""
        rows, inverse = np.unique(self.labels, axis=0, return_inverse=True)
        sets = [tuple(np.flatnonzero(row).tolist()) for row in rows]
        # Small sets first, so single-class groups lead the legend.
        order = sorted(range(len(sets)), key=lambda j: (len(sets[j]), sets[j]))
        rank = np.empty(len(sets), dtype=np.intp)
        rank[order] = np.arange(len(sets))
        return [sets[j] for j in order], rank[np.ravel(inverse)]

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
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        _check_fitted(estimator, ["label_issues_mask_", "classes_"])
        indicator = _to_indicator(y, len(estimator.classes_), name="y")
        _check_n_samples(
            len(estimator.label_issues_mask_),
            indicator.shape[0],
            name="y",
            reference="estimator.label_issues_mask_",
        )
        if class_names is None:
            class_names = estimator.classes_
        return cls.from_predictions(
            X,
            indicator,
            estimator.label_issues_mask_,
            ax=ax,
            title=title,
            class_names=class_names,
            **kwargs,
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
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        X = check_array(X, ensure_2d=False, input_name="X")
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(
                f"X must be a 2-D array with exactly 2 columns to be drawn as a "
                f"scatter plot, got X with shape {X.shape}. Project it to 2-D first "
                "(e.g. with PCA)."
            )
        # Class-index lists do not carry the number of classes; names do.
        n_classes = None
        if class_names is not None and is_class_index_lists(labels):
            n_classes = len(class_names)
        indicator = _to_indicator(labels, n_classes, name="labels")
        _check_n_samples(X.shape[0], indicator.shape[0], name="labels", reference="X")
        mask = _to_issue_mask(issues, X.shape[0], name="issues")
        class_names = _check_class_names(class_names, indicator.shape[1])
        disp = cls(X, indicator, mask, class_names=class_names)
        return disp.plot(ax=ax, title=title, **kwargs)


class ClassIssuesDisplay:
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
    >>> from skcleanml._plotting import ClassIssuesDisplay
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
        check_matplotlib_support(f"{type(self).__name__}.plot")
        if orientation not in ("horizontal", "vertical"):
            raise ValueError(
                f"orientation must be 'horizontal' or 'vertical', got {orientation!r}."
            )
        labels = np.asarray(self.labels, dtype=bool)
        issues = np.asarray(self.per_class_issues, dtype=bool)
        self.counts_ = np.column_stack(
            [(issues & labels).sum(axis=0), (issues & ~labels).sum(axis=0)]
        ).astype(int)
        names = _check_class_names(self.class_names, labels.shape[1])
        self.ax_, self.figure_ = _get_axes(ax)
        self.bars_ = self._draw_bars(orientation, kwargs)
        positions = np.arange(len(names))
        tick_names = [str(name) for name in names]
        if orientation == "horizontal":
            self.ax_.set_yticks(positions, tick_names)
            self.ax_.set_xlabel("Number of label issues")
            # Class 0 on top, reading order, like a table.
            if not self.ax_.yaxis_inverted():
                self.ax_.invert_yaxis()
        else:
            self.ax_.set_xticks(positions, tick_names)
            self.ax_.set_ylabel("Number of label issues")
        self.ax_.legend(loc="best")
        self.ax_.set_title("Label issues per class" if title is None else title)
        return self

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
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        _check_fitted(estimator, ["per_class_label_issues_", "classes_"])
        indicator = _to_indicator(y, len(estimator.classes_), name="y")
        _check_n_samples(
            len(estimator.per_class_label_issues_),
            indicator.shape[0],
            name="y",
            reference="estimator.per_class_label_issues_",
        )
        if class_names is None:
            class_names = estimator.classes_
        return cls.from_predictions(
            indicator,
            estimator.per_class_label_issues_,
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
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        # per_class_issues is always a matrix, so it fixes the number of classes.
        if is_class_index_lists(per_class_issues):
            raise ValueError(
                "per_class_issues must be a 2-D boolean mask of shape "
                "(n_samples, n_classes), not a list of lists of indices."
            )
        issues = _to_indicator(per_class_issues, name="per_class_issues")
        indicator = _to_indicator(labels, issues.shape[1], name="labels")
        _check_n_samples(
            issues.shape[0],
            indicator.shape[0],
            name="labels",
            reference="per_class_issues",
        )
        class_names = _check_class_names(class_names, issues.shape[1])
        disp = cls(indicator, issues, class_names=class_names)
        return disp.plot(ax=ax, orientation=orientation, title=title, **kwargs)


class LabelQualityDisplay:
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
    >>> from skcleanml._plotting import LabelQualityDisplay
    >>> scores = np.random.RandomState(0).uniform(size=50)
    >>> disp = LabelQualityDisplay.from_predictions(
    ...     scores, issues=scores < 0.2, bins=5
    ... )
    >>> [container.get_label() for container in disp.patches_]
    ['not flagged', 'label issue']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(disp.figure_)
    """

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
        check_matplotlib_support(f"{type(self).__name__}.plot")
        edges = _check_bins(bins)
        self.ax_, self.figure_ = _get_axes(ax)
        scores = np.asarray(self.label_quality_scores)
        if self.issue_mask is None:
            style = {"edgecolor": "white", **kwargs}
            _, _, patches = self.ax_.hist(scores, bins=edges, **style)
            self.patches_ = [patches]
        else:
            mask = np.asarray(self.issue_mask, dtype=bool)
            data = [scores[~mask], scores[mask]]
            style = {"stacked": True, "edgecolor": "white", **kwargs}
            _, _, patches = self.ax_.hist(data, bins=edges, **style)
            self.patches_ = list(patches)
            # Label the containers, not the bars, so that each group can be
            # found by its label and appears once in the legend.
            group_labels = (_NOT_FLAGGED_LABEL, _ISSUE_LABEL)
            for container, label in zip(self.patches_, group_labels, strict=True):
                container.set_label(label)
            self.ax_.legend(loc="best")
        self.ax_.set_xlabel("Label quality score (lower: label more likely wrong)")
        self.ax_.set_ylabel("Number of examples")
        self.ax_.set_title("Label quality scores" if title is None else title)
        return self

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
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        _check_fitted(estimator, ["label_quality_scores_", "label_issues_mask_"])
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
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
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
        mask = None if issues is None else _to_issue_mask(issues, scores.shape[0])
        _check_bins(bins)
        disp = cls(scores, issue_mask=mask)
        return disp.plot(ax=ax, bins=bins, title=title, **kwargs)


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
