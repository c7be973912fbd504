"""What the documentation build needs from the sources (fast, without Sphinx)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_docstring_starts_with_gallery_title(path):
    """Check that each example's docstring opens with an '='-underlined title."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.name} needs a docstring: the gallery shows it"
    title, underline = docstring.splitlines()[:2]
    assert underline == "=" * len(title), (
        f"{path.name}: the gallery needs the first docstring line underlined "
        "with '=' of the same length"
    )


def test_examples_found():
    """Check that the gallery has examples to build."""
    assert {path.name for path in EXAMPLES} >= {"quickstart.py"}
