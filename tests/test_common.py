"""scikit-learn conformance of CleanMultiLabel: common checks and documentation."""

import re

import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_multilabel_data

# Small cv and few trees keep the checks fast. The forest's leaves hold at
# least 20 samples: with pure leaves, tree ensembles predict probabilities of
# exactly 0 or 1, which check_classifiers_multilabel_output_format_predict_proba
# forbids for an array-valued predict_proba (a forest's own list output is
# exempt); the default estimator would fail that one check for that reason.
ESTIMATORS = [
    CleanMultiLabel(LogisticRegression(), cv=3),
    CleanMultiLabel(
        RandomForestClassifier(n_estimators=10, min_samples_leaf=20, random_state=0),
        cv=3,
    ),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda estimator: {})
def test_sklearn_compatible_estimator(estimator, check):
    """Check that CleanMultiLabel passes scikit-learn's common checks."""
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=["logreg", "forest"])
def test_param_validation(estimator):
    """Check that every invalid parameter is rejected with sklearn's message."""
    check_param_validation(type(estimator).__name__, estimator)


def _documented_attributes(docstring):
    section = docstring.split("Attributes\n    ----------\n")[1].split("\n\n    See")[0]
    return set(re.findall(r"^    (\w+_) :", section, flags=re.MULTILINE))


def test_fitted_attributes_documented():
    """Check that the public fitted attributes are exactly the documented ones."""
    data = make_multilabel_data(random_state=0, return_indicator=True)
    X = data.X_train
    clf = CleanMultiLabel(LogisticRegression(), cv=3, random_state=0)
    clf.fit(X, data.labels)
    public = {name for name in vars(clf) if name.endswith("_") and name[0] != "_"}
    # feature_names_in_ is documented as "only defined if X has feature names".
    documented = _documented_attributes(CleanMultiLabel.__doc__)
    assert public == documented - {"feature_names_in_"}
