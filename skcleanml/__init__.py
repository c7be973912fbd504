"""Find and fix wrong labels in multi-label data, the scikit-learn way."""

from skcleanml._filter import (
    compute_confident_joint,
    find_label_issues,
    find_label_issues_per_class,
)
from skcleanml._labels import int2onehot, onehot2int
from skcleanml._scoring import (
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)

__version__ = "0.1.0"

__all__ = [
    "compute_confident_joint",
    "find_label_issues",
    "find_label_issues_per_class",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
    "int2onehot",
    "onehot2int",
]
