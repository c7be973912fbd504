"""Quickstart: find the wrong labels of a small multi-label dataset.
=================================================================

The data and steps follow cleanlab's multi-label quickstart: three classes in
2-D, label sets corrupted by a noise matrix, out-of-fold probabilities from a
random forest, issues ranked worst first, label quality scores, and two
scatter plots with the label errors circled. ``CleanMultiLabel`` does the
cross-validation, the detection and the refit in one ``fit``.

Run it from any directory (``python examples/quickstart.py``); it writes
``true_label_errors.png`` and ``found_label_issues.png`` there.
``python -m skcleanml demo`` runs this same script, which the package holds
(``skcleanml/_quickstart/__main__.py``).
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from skcleanml import CleanMultiLabel, int2onehot
from skcleanml.datasets import make_multilabel_data

# Toy data: 280 training points whose label sets were corrupted by a noise
# matrix (is_error marks the planted errors), and a clean test set.
data = make_multilabel_data(random_state=0)
Y = int2onehot(data.labels, K=3)  # the estimator takes a 0/1 indicator
print("First labels:", data.labels[:5])

# One fit: out-of-fold pred_probs (a shuffled 5-fold cross-validation of the
# given forest), the probability that each annotation is wrong, then a refit
# with the flagged annotations flipped.
clean = CleanMultiLabel(RandomForestClassifier(random_state=0), random_state=0)
clean.fit(data.X_train, Y)
print("First out-of-fold pred_probs:\n", clean.pred_probs_[:3].round(2))

issues = clean.label_issues_  # ranked, worst first
print(f"\n{issues.size} label issues found; the worst ten:", issues[:10])
found = clean.label_issues_mask_
precision = (found & data.is_error).sum() / found.sum()
recall = (found & data.is_error).sum() / data.is_error.sum()
print(
    f"precision {precision:.2f}, recall {recall:.2f} "
    f"against the {data.is_error.sum()} planted errors"
)
for i in issues[:3]:
    suggested = np.flatnonzero(Y[i] ^ clean.per_class_label_issues_[i])
    print(f"  example {i}: given {data.labels[i]}, suggested {suggested.tolist()}")

print("\nFirst 10 label quality scores:", clean.label_quality_scores_[:10].round(3))
print("Their error probabilities:", clean.error_probabilities_[:10].round(3))
print()
clean.report()

test_Y = int2onehot(data.true_labels_test, K=3)
print(f"\nSubset accuracy on clean test labels: {clean.score(data.X_test, test_Y):.3f}")

try:
    import matplotlib

    matplotlib.use("Agg")
except ImportError:
    print("\nmatplotlib is not installed: no plots (pip install 'skcleanml[plot]').")
else:
    from skcleanml import LabelIssuesDisplay

    display = LabelIssuesDisplay.from_predictions(
        data.X_train, data.labels, data.is_error, title="True label errors"
    )
    display.figure_.savefig("true_label_errors.png", dpi=100)
    display = LabelIssuesDisplay.from_estimator(
        clean, data.X_train, Y, title="Label issues found by CleanMultiLabel"
    )
    display.figure_.savefig("found_label_issues.png", dpi=100)
    print("\nSaved true_label_errors.png and found_label_issues.png")
