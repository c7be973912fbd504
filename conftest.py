"""Collection rules for the whole repository."""

# The quickstart is a script (``python -m skcleanml demo`` runs it, and
# examples/quickstart.py links to it): importing it would run it.
collect_ignore = ["skcleanml/_quickstart.py"]
