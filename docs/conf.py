"""Sphinx configuration of the skcleanml documentation.

The API reference is generated from the ``__all__`` of each public module
(``_templates/module.rst``), and the gallery runs every ``examples/*.py``, so
new public names and new examples need no edit here.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # document this checkout, not another install
os.environ.setdefault("MPLBACKEND", "Agg")

import skcleanml  # noqa: E402

project = "skcleanml"
author = "The skcleanml developers"
copyright = "the skcleanml developers"
release = skcleanml.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}

# API reference: one page per name in each public module's __all__.
autosummary_generate = True
autosummary_ignore_module_all = False
numpydoc_show_class_members = False

# numpydoc turns a module's References into citations; the module
# docstrings name the papers in words ("Northcutt et al. 2021") rather than
# with [1]_, which Sphinx would otherwise report as unreferenced citations.
suppress_warnings = ["ref.citation"]

# The user guide is the README (see _readme_for_docs): "#section" links
# resolve through heading anchors.
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/",  # execute every example
    "download_all_examples": False,
    "reset_modules": ("matplotlib",),
    "write_computation_times": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skcleanml {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = []


# Local links of the README, as seen from docs/: examples go to their gallery
# page, images to docs/ itself; other repository files (benchmark scripts,
# BENCHMARKS.md) are not part of the site and keep their text only.
_LINK = re.compile(r"(!?)\[([^\]]*)\]\((?!https?:|#)([^)]+)\)")


def _docs_link(match):
    image, text, target = match.groups()
    if image and target.startswith("docs/"):
        return f"![{text}]({target.removeprefix('docs/')})"
    example = re.fullmatch(r"examples/(\w+)\.py", target)
    if example:
        return f"[{text}](auto_examples/{example.group(1)}.rst)"
    return text


def _readme_for_docs(app, docname, source):
    """Fill the user guide's README marker with the README, links rewritten."""
    marker = "<!-- README -->"
    if docname == "user_guide" and marker in source[0]:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        body = readme.split("\n", 1)[1]  # the title: the page has its own
        source[0] = source[0].replace(marker, _LINK.sub(_docs_link, body))


def _skip_request_setters(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_{method}_request`` methods.

    Their docstrings are scikit-learn's, written for its own glossary.
    """
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_request_setters)
    app.connect("source-read", _readme_for_docs)
