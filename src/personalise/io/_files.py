"""Opening text sources (paths or open files) and checking CSV headers, shared by the readers."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
)

PathOrFile = str | os.PathLike[str] | IO[str]


@contextmanager
def _open_text(source: PathOrFile) -> Iterator[IO[str]]:
    if hasattr(source, "read"):
        yield source  # type: ignore[misc]
        return
    try:
        handle = open(os.fspath(source), encoding="utf-8-sig", newline="")
    except OSError as err:
        raise InvalidParameterError(f"cannot open {source!r}: {err.strerror}", value=source) from None
    with handle:
        yield handle


def _reader(handle: IO[str], required: Sequence[str], what: str) -> csv.DictReader[str]:
    reader = csv.DictReader(handle)
    fields = [f.strip().lstrip("\ufeff") for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    for column in required:
        if column not in fields:
            raise EvidenceError(f"{what} has no column {column!r}; columns are {fields}", value=column)
    return reader


