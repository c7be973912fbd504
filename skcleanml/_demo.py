"""The ``demo`` command: run the quickstart, ``examples/quickstart.py``.

The quickstart lives once, as the script ``skcleanml/_quickstart/__main__.py``
(``examples/quickstart.py`` is a link to it), so the command and the example
cannot drift apart, and the command works from an installed package too.
"""

import os
import runpy

from skcleanml._cli_read import InputError

__all__ = ["demo_command"]


def demo_command(args):
    """Run ``demo`` with parsed arguments; return the exit code.

    Runs the quickstart as ``python examples/quickstart.py`` would, in
    ``args.plot`` (created if needed), where it saves its two figures.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``demo`` options: ``plot``, the directory.

    Returns
    -------
    exit_code : int
        0; a ``--plot`` that is not a directory raises
        :class:`~skcleanml._cli_read.InputError`.
    """
    if os.path.exists(args.plot) and not os.path.isdir(args.plot):
        raise InputError(f"--plot {args.plot} exists and is not a directory")
    os.makedirs(args.plot, exist_ok=True)
    here = os.getcwd()
    os.chdir(args.plot)  # the script saves its figures where it runs
    try:
        runpy.run_module("skcleanml._quickstart", run_name="__main__")
    finally:
        os.chdir(here)
    return 0
