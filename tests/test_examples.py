"""The example scripts run from a clean directory and do what they say."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name, cwd):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(EXAMPLES.parent))
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


@pytest.mark.slow
def test_quickstart_prints_issues_and_saves_plots(tmp_path):
    """Check the quickstart's report and that both figures are written."""
    pytest.importorskip("matplotlib")
    output = run_example("quickstart.py", tmp_path).stdout
    assert "label issues found" in output
    assert "precision" in output and "recall" in output
    assert "Label health summary" in output
    for name in ("true_label_errors.png", "found_label_issues.png"):
        assert (tmp_path / name).stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("grid_search.py", "Best parameters"),
        ("pipeline_text.py", "Predicted tags of a new document"),
        ("refit_cleaned.py", "refit='relabel'"),
    ],
)
def test_other_examples_run(name, expected, tmp_path):
    """Check that each example runs to its last line."""
    assert expected in run_example(name, tmp_path).stdout
