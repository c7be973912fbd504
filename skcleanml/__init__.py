"""Find and fix wrong labels in multi-label data, the scikit-learn way."""

__version__ = "0.1.0"
