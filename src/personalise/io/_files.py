"""Opening text sources (paths or open files) and reading CSV rows, shared by the readers."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TypeVar

from personalise._validation.documents import decode, read_text
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
)

PathOrFile = str | os.PathLike[str] | IO[str] | IO[bytes]

_Error = TypeVar("_Error", bound=PersonaliseError)


def in_file(err: _Error, name: str) -> _Error:
    """``err`` (same class, same ``.value``) with its message prefixed by ``name``, the file it came from."""
    if not err.args or not isinstance(err.args[0], str) or not err.args[0].startswith(name):
        err.args = (f"{name}: {err.args[0] if err.args else err}", *err.args[1:])
    return err


@contextmanager
def _open_text(source: PathOrFile, what: str) -> Iterator[tuple[IO[str], str]]:
    """``(text stream, name in messages)`` for a path or an open file, decoded as UTF-8 (a BOM dropped).

    The name is ``what`` followed by the file's name (``"edge CSV '/data/edges.csv'"``), or
    ``what`` alone for an open file without a name.

    A file that cannot be opened is an :class:`InvalidParameterError`; bytes
    that are not UTF-8 are an :class:`EvidenceError` naming the file and line.
    """
    if hasattr(source, "read"):
        text, name = read_text(source, what, error=EvidenceError)
    elif isinstance(source, (str, os.PathLike)):
        name = repr(os.fspath(source))
        try:
            with open(os.fspath(source), "rb") as handle:
                data = handle.read()
        except OSError as err:
            raise InvalidParameterError(f"cannot open {source!r}: {err.strerror}", value=source) from None
        except ValueError as err:  # a NUL byte in the path
            raise InvalidParameterError(f"cannot open {source!r}: {err}", value=source) from None
        text = decode(data, name, EvidenceError)
    else:
        raise InvalidParameterError(f"source must be a path or an open file; got {type(source).__name__}",
                                    value=source)
    yield io.StringIO(text, newline=""), what if name.startswith("the ") else f"{what} {name}"


def _reader(handle: IO[str], required: Sequence[str], what: str) -> csv.DictReader[str]:
    """A reader of ``handle`` whose header has every ``required`` column; ``what`` names the file."""
    reader = csv.DictReader(handle, strict=True)  # an unclosed or stray quote is an error, not data
    try:
        names = reader.fieldnames or []
    except csv.Error as err:
        line = reader.reader.line_num
        raise EvidenceError(f"{what}, line {line}: not CSV ({err})", value=line) from None
    fields = [f.strip().lstrip("\ufeff") for f in names]
    reader.fieldnames = fields
    for column in required:
        if column not in fields:
            raise EvidenceError(f"{what} has no column {column!r}; columns are {fields}", value=column)
    return reader


def _rows(reader: csv.DictReader[str], what: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    """``(line, row)`` for each row of ``reader``; broken CSV is an :class:`EvidenceError` naming the line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line = reader.reader.line_num  # the DictReader's own count stops at the last good row
            raise EvidenceError(f"{what}, line {line}: not CSV ({err})", value=line) from None
        yield reader.line_num, row
