"""``python -m personalise``: the command line (see :mod:`personalise.cli`)."""

from __future__ import annotations

import sys

from personalise.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
