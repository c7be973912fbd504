"""Find and fix wrong labels in multi-label data, the scikit-learn way."""

from skcleanml._count import compute_confident_joint
from skcleanml._error_probability import (
    get_label_error_probabilities,
    get_label_error_probabilities_per_class,
)
from skcleanml._estimator import CleanMultiLabel
from skcleanml._export import (
    from_label_studio,
    label_studio_config,
    to_label_studio,
)
from skcleanml._filter import find_label_issues, find_label_issues_per_class
from skcleanml._labels import int2onehot, onehot2int
from skcleanml._oof import cross_val_pred_probs
from skcleanml._plotting import (
    ClassIssuesDisplay,
    LabelIssuesDisplay,
    LabelQualityDisplay,
)
from skcleanml._scoring import (
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)
from skcleanml._show_versions import show_versions
from skcleanml._split import MultilabelStratifiedKFold
from skcleanml._summary import (
    common_label_issues,
    health_summary,
    overall_label_health_score,
    rank_classes_by_label_quality,
)

__version__ = "0.2.0.dev0"

__all__ = [
    "ClassIssuesDisplay",
    "CleanMultiLabel",
    "LabelIssuesDisplay",
    "LabelQualityDisplay",
    "MultilabelStratifiedKFold",
    "common_label_issues",
    "compute_confident_joint",
    "cross_val_pred_probs",
    "find_label_issues",
    "find_label_issues_per_class",
    "from_label_studio",
    "get_label_error_probabilities",
    "get_label_error_probabilities_per_class",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
    "health_summary",
    "int2onehot",
    "label_studio_config",
    "onehot2int",
    "overall_label_health_score",
    "rank_classes_by_label_quality",
    "show_versions",
    "to_label_studio",
]
