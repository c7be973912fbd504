"""Versions of Python, the platform and the dependencies, for bug reports."""

import importlib.metadata
import platform
import sys

_REQUIRED = ("skcleanml", "scikit-learn", "numpy", "scipy", "joblib")
_OPTIONAL = ("pandas", "matplotlib", "dask", "distributed")


def _versions():
    """``(system, dependencies)``: two dicts of name -> version string.

    Optional packages that are not installed are left out; a required one that
    is missing (a broken install) reads "not installed".
    """
    system = {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
    }
    # This package's own version, not the metadata of another installed copy.
    from skcleanml import __version__

    dependencies = {"skcleanml": __version__}
    for name in _REQUIRED[1:] + _OPTIONAL:
        try:
            dependencies[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if name in _REQUIRED:
                dependencies[name] = "not installed"
    return system, dependencies


def show_versions():
    """Print the versions of Python, the platform and the dependencies.

    Paste the output into a bug report. It lists Python, the platform,
    skcleanml, scikit-learn, numpy, scipy and joblib, and pandas, matplotlib,
    dask and distributed when they are installed. Versions are read from the
    installed package metadata, so no optional package is imported.

    See Also
    --------
    sklearn.show_versions : The same for scikit-learn.

    Examples
    --------
    >>> from skcleanml import show_versions
    >>> show_versions()  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    <BLANKLINE>
    System:
        python: ...
    <BLANKLINE>
    Python dependencies:
    skcleanml: ...
    scikit-learn: ...
    """
    system, dependencies = _versions()
    for title, table in (("System", system), ("Python dependencies", dependencies)):
        width = max(map(len, table))
        print(f"\n{title}:")
        for name, version in table.items():
            print(f"{name:>{width + 1}}: {version}")
