"""The review-queue example runs from a clean directory and does what it says."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "review_label_studio.py"


@pytest.mark.slow
def test_review_example_round_trip(tmp_path):
    """Check the files it writes and that the review fixes the flagged errors."""
    env = dict(os.environ, PYTHONPATH=str(EXAMPLE.parents[1]))
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    names = ["docs.csv", "docs_reviewed.csv", "review.json", "review.xml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    tasks = json.loads((tmp_path / "review.json").read_text())
    scores = [task["predictions"][0]["score"] for task in tasks]
    assert scores == sorted(scores) and len(tasks) > 0  # worst first
    last = result.stdout.strip().splitlines()[-1]
    before, after = (int(s) for s in last.split(": ")[1].split()[::2][:2])
    assert after < before / 2
