"""The quickstart script, ``__main__.py``, held by the package.

``python -m skcleanml demo`` runs it (``runpy``), and
``examples/quickstart.py`` links to it, so there is one copy. As a
``__main__.py`` it is not imported by pytest's doctest collection.
"""
