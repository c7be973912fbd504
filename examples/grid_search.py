"""Grid search over the wrapped model and over the cleaning itself.
================================================================

``CleanMultiLabel`` is an ordinary scikit-learn classifier, so the parameters
of the wrapped model (``estimator__min_samples_leaf``) and its own (``refit``:
clean the training folds or not) are tuned together. Scoring strings that suit
multi-label output: "f1_samples", "average_precision", "roc_auc".

The grid search can only score against the (noisy) labels it is given, which
favours models that reproduce the noise; the clean test labels tell the truth.
"""

import warnings

from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_noisy_multilabel_classification

# Examples without any label make F1 undefined; they count as 0 here.
warnings.filterwarnings("ignore", category=UndefinedMetricWarning)

data = make_noisy_multilabel_classification(
    3000, n_test=1000, noise_trace_range=(1.8, 1.9), random_state=0
)
forest = RandomForestClassifier(n_estimators=50, random_state=0)
search = GridSearchCV(
    CleanMultiLabel(forest, cv=3, random_state=0),
    param_grid={"estimator__min_samples_leaf": [1, 10], "refit": ["weighted", False]},
    scoring="f1_samples",
    cv=3,
)
search.fit(data.X_train, data.y_train)

print("Best parameters:", search.best_params_)
print(f"Best cross-validated f1_samples (noisy labels): {search.best_score_:.3f}")
results = search.cv_results_
for params, score in zip(results["params"], results["mean_test_score"]):
    model = CleanMultiLabel(forest, cv=3, random_state=0).set_params(**params)
    model.fit(data.X_train, data.y_train)
    test_f1 = f1_score(data.y_test, model.predict(data.X_test), average="micro")
    print(f"  {params}: cv f1_samples {score:.3f}, clean test micro-F1 {test_f1:.3f}")
