"""Tests for the Display objects in skcleanml._plotting."""

import ast
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import skcleanml._plotting  # noqa: E402
from skcleanml._plotting import (  # noqa: E402
    ClassIssuesDisplay,
    LabelIssuesDisplay,
    LabelQualityDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    """Small 3-class data set: 2-D points, class-index labels, flagged rows."""
    rng = np.random.RandomState(0)
    n, K = 40, 3
    X = rng.normal(size=(n, 2))
    indicator = rng.rand(n, K) < 0.4
    labels = [np.flatnonzero(row).tolist() for row in indicator]
    issues = rng.rand(n) < 0.25
    per_class_issues = rng.rand(n, K) < 0.2
    scores = rng.uniform(size=n)
    return types.SimpleNamespace(
        X=X,
        labels=labels,
        indicator=indicator.astype(int),
        issues=issues,
        per_class_issues=per_class_issues,
        scores=scores,
        K=K,
    )


def _fake_estimator(data, classes=("cat", "dog", "bird")):
    """A stand-in for a fitted CleanMultiLabel holding its fitted attributes."""
    return types.SimpleNamespace(
        label_issues_mask_=data.issues,
        label_issues_=np.flatnonzero(data.issues),
        label_quality_scores_=data.scores,
        per_class_label_issues_=data.per_class_issues,
        classes_=np.asarray(classes),
    )


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


# LabelIssuesDisplay ---------------------------------------------------------


def test_label_issues_display_one_scatter_per_label_set(data):
    """Check that each distinct label set gets its own scatter of its points."""
    disp = LabelIssuesDisplay.from_predictions(data.X, data.labels, data.issues)
    distinct = {tuple(row) for row in data.labels}
    assert len(disp.scatter_) == len(distinct)
    seen = set()
    for scatter in disp.scatter_:
        label_set = tuple(int(k) for k in scatter.get_label()[1:-1].split(",") if k)
        seen.add(label_set)
        rows = [i for i, row in enumerate(data.labels) if tuple(row) == label_set]
        np.testing.assert_array_equal(scatter.get_offsets(), data.X[rows])
    assert seen == distinct


def test_label_issues_display_distinct_colors(data):
    """Check that no two label sets share a colour."""
    disp = LabelIssuesDisplay.from_predictions(data.X, data.labels, data.issues)
    colors = {tuple(sc.get_facecolor()[0]) for sc in disp.scatter_}
    assert len(colors) == len(disp.scatter_)


def test_label_issues_display_circles_flagged_points(data):
    """Check that the circled points are exactly X[issues], mask or indices."""
    expected = data.X[data.issues]
    by_mask = LabelIssuesDisplay.from_predictions(data.X, data.labels, data.issues)
    indices = np.flatnonzero(data.issues)
    by_index = LabelIssuesDisplay.from_predictions(data.X, data.labels, indices)
    for disp in (by_mask, by_index):
        np.testing.assert_array_equal(disp.issues_scatter_.get_offsets(), expected)
        assert disp.issues_scatter_.get_label() == "label issue"
        # Hollow, so the label-set colour stays visible underneath.
        assert disp.issues_scatter_.get_facecolor().size == 0


def test_label_issues_display_legend_texts():
    """Check that the legend lists label sets in order, "[]" and the issue entry."""
    X = np.arange(10.0).reshape(5, 2)
    labels = [[0, 1], [], [1], [0], [0, 1]]
    disp = LabelIssuesDisplay.from_predictions(X, labels, [1])
    assert _legend_texts(disp.ax_) == ["[]", "[0]", "[1]", "[0, 1]", "label issue"]


def test_label_issues_display_class_names_in_legend():
    """Check that class names replace indices in the legend entries."""
    X = np.arange(8.0).reshape(4, 2)
    labels = np.array([[1, 1], [0, 0], [0, 1], [0, 1]])
    disp = LabelIssuesDisplay.from_predictions(
        X, labels, np.zeros(4, dtype=bool), class_names=["cat", "dog"]
    )
    assert [sc.get_label() for sc in disp.scatter_] == ["[]", "[dog]", "[cat, dog]"]


def test_label_issues_display_label_formats_agree(data):
    """Check that class-index lists, dense and sparse indicators draw the same."""
    offsets = []
    for labels in (data.labels, data.indicator, sp.csr_matrix(data.indicator)):
        disp = LabelIssuesDisplay.from_predictions(
            data.X, labels, data.issues, class_names=["a", "b", "c"]
        )
        offsets.append({sc.get_label(): sc.get_offsets() for sc in disp.scatter_})
    for other in offsets[1:]:
        assert other.keys() == offsets[0].keys()
        for key, value in other.items():
            np.testing.assert_array_equal(value, offsets[0][key])


def test_label_issues_display_title(data):
    """Check that a default title is drawn and a given one replaces it."""
    disp = LabelIssuesDisplay.from_predictions(data.X, data.labels, data.issues)
    assert disp.ax_.get_title() != ""
    disp = LabelIssuesDisplay.from_predictions(
        data.X, data.labels, data.issues, title="Noisy points"
    )
    assert disp.ax_.get_title() == "Noisy points"


def test_label_issues_display_draws_on_given_ax(data):
    """Check that passing ax draws onto it and returns its figure."""
    fig, (ax_left, ax_right) = plt.subplots(1, 2)
    disp = LabelIssuesDisplay.from_predictions(
        data.X, data.labels, data.issues, ax=ax_right
    )
    assert disp.ax_ is ax_right
    assert disp.figure_ is fig
    assert len(ax_right.collections) == len(disp.scatter_) + 1
    assert len(ax_left.collections) == 0


def test_label_issues_display_plot_returns_self(data):
    """Check that plot returns the display and can redraw on a new axes."""
    disp = LabelIssuesDisplay.from_predictions(data.X, data.labels, data.issues)
    _, ax = plt.subplots()
    assert disp.plot(ax=ax) is disp
    assert disp.ax_ is ax


def test_label_issues_display_does_not_modify_inputs(data):
    """Check that X, labels and issues are left unchanged."""
    X, labels, issues = data.X.copy(), [list(r) for r in data.labels], data.issues
    issues_before = issues.copy()
    LabelIssuesDisplay.from_predictions(X, labels, issues)
    np.testing.assert_array_equal(X, data.X)
    assert labels == data.labels
    np.testing.assert_array_equal(issues, issues_before)


def test_label_issues_display_kwargs_reach_scatter(data):
    """Check that extra keyword arguments are passed to the label-set scatters."""
    disp = LabelIssuesDisplay.from_predictions(
        data.X, data.labels, data.issues, alpha=0.3
    )
    assert all(sc.get_alpha() == 0.3 for sc in disp.scatter_)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros((5, 3)), "X must be a 2-D array with exactly 2 columns"),
        (np.zeros((5, 1)), "X must be a 2-D array with exactly 2 columns"),
        (np.zeros(5), "X must be a 2-D array with exactly 2 columns"),
    ],
)
def test_label_issues_display_rejects_bad_X(X, match):
    """Check that X without exactly 2 columns raises a ValueError naming X."""
    labels = [[0]] * 5
    with pytest.raises(ValueError, match=match):
        LabelIssuesDisplay.from_predictions(X, labels, [0])


@pytest.mark.parametrize(
    "labels, issues, kwargs, error, match",
    [
        ([[0]] * 4, [0], {}, ValueError, "labels has 4 samples but X has 5"),
        ([[0]] * 5, np.ones(4, dtype=bool), {}, ValueError, "issues.*length 4"),
        ([[0]] * 5, [5], {}, ValueError, r"issues.*\[0, 4\]"),
        ([[0]] * 5, [-1], {}, ValueError, r"issues.*\[0, 4\]"),
        ([[0]] * 5, [0.5], {}, TypeError, "issues.*integer"),
        ([[0]] * 5, [[0]], {}, ValueError, "issues must be a 1-D"),
        ([[3]] * 5, [0], {"class_names": ["a", "b"]}, ValueError, "class index 3"),
        (np.full((5, 2), 2), [0], {}, ValueError, "labels.*only 0 and 1"),
        (
            np.ones((5, 3)),
            [0],
            {"class_names": ["a"]},
            ValueError,
            "class_names has 1 entries",
        ),
        (np.ones(5), [0], {}, ValueError, "labels.*1 dimension"),
    ],
)
def test_label_issues_display_rejects_bad_input(labels, issues, kwargs, error, match):
    """Check that mismatched or malformed inputs raise errors naming them."""
    X = np.zeros((5, 2))
    with pytest.raises(error, match=match):
        LabelIssuesDisplay.from_predictions(X, labels, issues, **kwargs)


def test_label_issues_display_from_estimator(data):
    """Check that from_estimator circles label_issues_mask_ and names classes_."""
    estimator = _fake_estimator(data)
    disp = LabelIssuesDisplay.from_estimator(estimator, data.X, data.labels)
    np.testing.assert_array_equal(
        disp.issues_scatter_.get_offsets(), data.X[data.issues]
    )
    classes = estimator.classes_
    expected = {"[" + ", ".join(classes[k] for k in row) + "]" for row in data.labels}
    assert {sc.get_label() for sc in disp.scatter_} == expected


def test_label_issues_display_from_estimator_errors(data):
    """Check that an unfitted estimator or a y of the wrong width is rejected."""
    with pytest.raises(NotFittedError, match="label_issues_mask_"):
        LabelIssuesDisplay.from_estimator(types.SimpleNamespace(), data.X, data.labels)
    estimator = _fake_estimator(data, classes=("cat", "dog"))
    with pytest.raises(ValueError, match="y has 3 columns"):
        LabelIssuesDisplay.from_estimator(estimator, data.X, data.indicator)
    estimator = _fake_estimator(data)
    with pytest.raises(ValueError, match="y has 39 samples"):
        LabelIssuesDisplay.from_estimator(estimator, data.X, data.labels[1:])
    with pytest.raises(ValueError, match="y has 39 samples"):
        ClassIssuesDisplay.from_estimator(estimator, data.labels[1:])


# ClassIssuesDisplay ---------------------------------------------------------


def _expected_counts(indicator, per_class_issues):
    """Count issues per class and direction with plain loops."""
    n, K = indicator.shape
    counts = np.zeros((K, 2), dtype=int)
    for i in range(n):
        for k in range(K):
            if per_class_issues[i, k]:
                counts[k, 0 if indicator[i, k] else 1] += 1
    return counts


def test_class_issues_display_counts(data):
    """Check that counts_ splits each class's issues by the given label."""
    disp = ClassIssuesDisplay.from_predictions(data.labels, data.per_class_issues)
    expected = _expected_counts(data.indicator, data.per_class_issues)
    np.testing.assert_array_equal(disp.counts_, expected)
    assert disp.counts_.sum() == data.per_class_issues.sum()


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_class_issues_display_bar_lengths(data, orientation):
    """Check that bar lengths equal the counts in both orientations."""
    disp = ClassIssuesDisplay.from_predictions(
        data.indicator, data.per_class_issues, orientation=orientation
    )
    expected = _expected_counts(data.indicator, data.per_class_issues)
    assert len(disp.bars_) == 2
    for j, container in enumerate(disp.bars_):
        if orientation == "horizontal":
            lengths = [bar.get_width() for bar in container]
        else:
            lengths = [bar.get_height() for bar in container]
        np.testing.assert_array_equal(lengths, expected[:, j])
    assert _legend_texts(disp.ax_) == ["given 1, suggested 0", "given 0, suggested 1"]


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_class_issues_display_tick_labels(data, orientation):
    """Check that the class axis is labelled with the class names."""
    names = ["cat", "dog", "bird"]
    disp = ClassIssuesDisplay.from_predictions(
        data.labels,
        data.per_class_issues,
        class_names=names,
        orientation=orientation,
    )
    axis = disp.ax_.yaxis if orientation == "horizontal" else disp.ax_.xaxis
    assert [tick.get_text() for tick in axis.get_ticklabels()] == names


def test_class_issues_display_title_and_ax(data):
    """Check that a given ax and title are used."""
    fig, ax = plt.subplots()
    disp = ClassIssuesDisplay.from_predictions(
        data.labels, data.per_class_issues, ax=ax, title="Per class"
    )
    assert disp.ax_ is ax
    assert disp.figure_ is fig
    assert ax.get_title() == "Per class"
    assert len(ax.patches) == 2 * data.K


def test_class_issues_display_from_estimator(data):
    """Check that from_estimator uses per_class_label_issues_ and classes_."""
    estimator = _fake_estimator(data)
    disp = ClassIssuesDisplay.from_estimator(estimator, data.labels)
    expected = _expected_counts(data.indicator, data.per_class_issues)
    np.testing.assert_array_equal(disp.counts_, expected)
    ticks = [tick.get_text() for tick in disp.ax_.get_yticklabels()]
    assert ticks == ["cat", "dog", "bird"]


@pytest.mark.parametrize(
    "labels, per_class_issues, kwargs, match",
    [
        ([[0]] * 3, np.zeros((4, 2), dtype=bool), {}, "labels has 3 samples"),
        (np.ones((4, 3)), np.zeros((4, 2), dtype=bool), {}, "labels has 3 columns"),
        ([[0]] * 4, [[0], [1], [], []], {}, "per_class_issues must be a 2-D"),
        ([[0]] * 4, np.zeros(4, dtype=bool), {}, "per_class_issues.*1 dimension"),
        ([[0]] * 4, np.zeros((4, 2)), {"orientation": "diagonal"}, "orientation"),
        ([[0]] * 4, np.zeros((4, 2)), {"class_names": ["a"]}, "class_names"),
    ],
)
def test_class_issues_display_rejects_bad_input(
    labels, per_class_issues, kwargs, match
):
    """Check that mismatched or malformed inputs raise a ValueError naming them."""
    with pytest.raises(ValueError, match=match):
        ClassIssuesDisplay.from_predictions(labels, per_class_issues, **kwargs)


# LabelQualityDisplay --------------------------------------------------------


def _heights(container):
    return np.array([bar.get_height() for bar in container])


def test_label_quality_display_total_is_n(data):
    """Check that the histogram counts every example exactly once."""
    disp = LabelQualityDisplay.from_predictions(data.scores, bins=7)
    assert len(disp.patches_) == 1
    assert len(disp.patches_[0]) == 7
    assert _heights(disp.patches_[0]).sum() == len(data.scores)


def test_label_quality_display_split_by_issues(data):
    """Check that the split histogram separates flagged from unflagged examples."""
    disp = LabelQualityDisplay.from_predictions(
        data.scores, issues=np.flatnonzero(data.issues), bins=5
    )
    not_flagged, flagged = disp.patches_
    assert _heights(flagged).sum() == data.issues.sum()
    assert _heights(not_flagged).sum() == (~data.issues).sum()
    edges = np.linspace(0, 1, 6)
    expected, _ = np.histogram(data.scores[data.issues], bins=edges)
    np.testing.assert_array_equal(_heights(flagged), expected)
    assert _legend_texts(disp.ax_) == ["not flagged", "label issue"]


def test_label_quality_display_bin_edges(data):
    """Check that explicit bin edges are used as given."""
    edges = [0.0, 0.1, 0.5, 1.0]
    disp = LabelQualityDisplay.from_predictions(data.scores, bins=edges)
    lefts = [bar.get_x() for bar in disp.patches_[0]]
    np.testing.assert_allclose(lefts, edges[:-1], atol=1e-12)


def test_label_quality_display_title_and_ax(data):
    """Check that a given ax and title are used, and a default title otherwise."""
    fig, ax = plt.subplots()
    disp = LabelQualityDisplay.from_predictions(data.scores, ax=ax, title="Scores")
    assert disp.ax_ is ax
    assert disp.figure_ is fig
    assert ax.get_title() == "Scores"
    assert LabelQualityDisplay.from_predictions(data.scores).ax_.get_title() != ""


def test_label_quality_display_from_estimator(data):
    """Check that from_estimator splits label_quality_scores_ by the issue mask."""
    disp = LabelQualityDisplay.from_estimator(_fake_estimator(data), bins=4)
    assert [_heights(c).sum() for c in disp.patches_] == [
        (~data.issues).sum(),
        data.issues.sum(),
    ]
    with pytest.raises(NotFittedError, match="label_quality_scores_"):
        LabelQualityDisplay.from_estimator(types.SimpleNamespace())


@pytest.mark.parametrize(
    "scores, kwargs, match",
    [
        ([0.5, 1.5], {}, r"label_quality_scores must lie in \[0, 1\]"),
        ([-0.1, 0.5], {}, r"label_quality_scores must lie in \[0, 1\]"),
        ([[0.5, 0.5]], {}, "label_quality_scores must be 1-D"),
        ([0.5, np.nan], {}, "label_quality_scores"),
        ([0.5, 0.4], {"issues": [True]}, "issues.*length 1"),
        ([0.5, 0.4], {"bins": 0}, "bins must be a positive integer"),
        ([0.5, 0.4], {"bins": [0.5, 0.1]}, "increasing"),
    ],
)
def test_label_quality_display_rejects_bad_input(scores, kwargs, match):
    """Check that bad scores, issues or bins raise a ValueError naming them."""
    with pytest.raises(ValueError, match=match):
        LabelQualityDisplay.from_predictions(scores, **kwargs)


# Optional dependency -------------------------------------------------------


def _top_level_imports(path):
    """Names of the modules imported by the top-level statements of a file."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_plotting_import_does_not_import_matplotlib():
    """Check that the plotting modules import matplotlib only inside functions."""
    # Static check of each module's top-level statements: a subprocess import
    # would test the same thing but costs seconds of sklearn import time.
    package = Path(skcleanml._plotting.__file__).parent
    imports = {path.name: _top_level_imports(path) for path in package.glob("*.py")}
    assert "numpy" in imports["_validation.py"]  # the walk does see the imports
    assert len(imports) >= 5  # every module of the package was read
    for module, names in imports.items():
        assert not [name for name in names if name.startswith("matplotlib")], module


@pytest.mark.parametrize(
    "make",
    [
        lambda d: LabelIssuesDisplay.from_predictions(d.X, d.labels, d.issues),
        lambda d: ClassIssuesDisplay.from_predictions(d.labels, d.per_class_issues),
        lambda d: LabelQualityDisplay.from_predictions(d.scores),
    ],
)
def test_displays_require_matplotlib(data, make, monkeypatch):
    """Check that a missing matplotlib gives an ImportError naming the caller."""
    # A None entry in sys.modules makes `import matplotlib` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="from_predictions requires matplotlib"):
        make(data)
