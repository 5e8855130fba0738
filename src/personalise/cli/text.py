"""Plain-text helpers shared by the command-line outputs."""

from __future__ import annotations

import textwrap
from typing import Final

__all__ = ["FORMATS", "WIDTH", "fill", "plural"]

#: Output formats of the ``demo`` command.
FORMATS: Final = ("table", "json", "csv")
#: Width of the text table (fits a 100-column terminal).
WIDTH: Final = 100


def fill(text: str, *, indent: str = "", first: str | None = None, width: int = WIDTH) -> str:
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
