"""The ``personalise`` command line: ``demo``, ``simulate`` and ``store``, and their text helpers.

:func:`main` is the entry point (``python -m personalise`` and the
``personalise`` script); :mod:`personalise.cli.main` documents the commands.
"""

from __future__ import annotations

from personalise.cli.main import main

__all__ = ["main"]
