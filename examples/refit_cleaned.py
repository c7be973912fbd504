"""Does cleaning help? Held-out micro-F1 after refitting on cleaned data.
======================================================================

The same model is fitted four ways on noisy training labels: as given
(``refit=False``), without the flagged examples and the others weighted by
the probability that their labels are right (``refit="weighted"``, the
default), only without the flagged examples (``refit="remove"``), and with
the flagged class annotations flipped to the model's view
(``refit="relabel"``). All four are scored on clean test labels.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_noisy_multilabel_classification

data = make_noisy_multilabel_classification(
    4000, n_test=1000, noise_trace_range=(1.7, 1.9), random_state=0
)
print(f"{data.is_error.mean():.0%} of the training examples have a wrong label.")
forest = RandomForestClassifier(n_estimators=100, min_samples_leaf=3, random_state=0)
for refit in (False, "weighted", "remove", "relabel"):
    clean = CleanMultiLabel(forest, refit=refit, random_state=0)
    clean.fit(data.X_train, data.y_train)
    test_f1 = f1_score(data.y_test, clean.predict(data.X_test), average="micro")
    print(
        f"refit={refit!r:10} held-out micro-F1 {test_f1:.3f} "
        f"({clean.label_issues_.size} issues found)"
    )
