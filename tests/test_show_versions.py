"""show_versions and ``python -m skcleanml --version``: what a bug report needs."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn

import skcleanml
from skcleanml import show_versions

ROOT = Path(__file__).resolve().parents[1]


def _printed_versions(capsys):
    show_versions()
    lines = capsys.readouterr().out.splitlines()
    pairs = (line.split(": ", 1) for line in lines if ": " in line)
    return {name.strip(): value for name, value in pairs}


def test_show_versions_lists_required_dependencies(capsys):
    """Check that Python, the platform and each required dependency are printed."""
    versions = _printed_versions(capsys)
    assert versions["python"].startswith(".".join(map(str, sys.version_info[:3])))
    assert versions["machine"]
    assert versions["skcleanml"] == skcleanml.__version__
    assert versions["scikit-learn"] == sklearn.__version__
    assert versions["numpy"] == np.__version__
    assert versions["scipy"] == scipy.__version__
    assert "joblib" in versions


def test_show_versions_lists_optional_packages_only_when_installed(capsys):
    """Check that pandas, matplotlib and dask appear exactly when installed."""
    versions = _printed_versions(capsys)
    for name in ("pandas", "matplotlib", "dask"):
        assert (name in versions) == (importlib.util.find_spec(name) is not None)


def test_module_version_flag():
    """Check that ``python -m skcleanml --version`` prints the version, exit 0."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "skcleanml", "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == f"skcleanml {skcleanml.__version__}"
