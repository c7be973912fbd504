"""Shared fixtures; shared helpers live in ``_helpers.py``."""

import pytest
from _helpers import make_multilabel_case


@pytest.fixture
def case():
    return make_multilabel_case(0, n=120, n_classes=4)
