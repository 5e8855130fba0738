"""Ids and times between the store's tables and the library's arrays.

Ids are stored as text; ``meta`` remembers, for learner, skill and evidence
ids, whether they are strings or integers, so they come back as they went in
and sort as they should (integers as numbers, strings by code point).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._validation import TIME_UNIT, check_timestamps
from personalise.exceptions import InvalidParameterError
from personalise.store._dialect import Dialect

__all__ = ["KINDS", "Codec", "chunks", "micros"]

#: The id columns whose kind (``"str"`` or ``"int"``) the store keeps.
KINDS = ("learner", "skill", "evidence")
#: Ids per ``IN (...)`` list: well under SQLite's and PostgreSQL's limits on parameters.
CHUNK = 900


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def micros(moment: Any, name: str) -> int:
    """One moment (ISO text with an offset, an aware datetime, datetime64 as UTC) as microseconds since the epoch."""
    return int(check_timestamps([moment], name)[0].astype(np.int64))


class Codec:
    """The id kinds of one store, read from and written to ``meta``."""

    def __init__(self, db: Dialect) -> None:
        self.db = db
        self.kinds: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Read the kinds again (another process may have set them)."""
        rows = self.db.execute("SELECT key, value FROM meta WHERE key LIKE 'kind:%'")
        self.kinds = {key.split(":", 1)[1]: value for key, value in rows}

    def claim(self, column: str, array: NDArray[Any], *, reload: bool = True) -> None:
        """Check that ``array``'s ids are of the store's kind for ``column``; the first ids set it (in a write).

        ``reload=False`` when the kinds were just read in the same write.
        """
        if not array.size:
            return
        kind = "int" if array.dtype.kind in "iu" else "str"
        if reload:
            self.reload()
        known = self.kinds.get(column)
        if known is None:
            self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                            (f"kind:{column}", kind))
            self.reload()
            known = self.kinds[column]
        if known != kind:
            raise InvalidParameterError(
                f"this store keeps {column} ids as {'integers' if known == 'int' else 'strings'}; got "
                f"{'integers' if kind == 'int' else 'strings'} (convert them before adding)", value=column
            )

    def encode(self, values: Iterable[Hashable] | NDArray[Any]) -> list[str]:
        """Ids as the text the tables hold."""
        if isinstance(values, np.ndarray):
            if values.dtype.kind == "U":
                return list(values.tolist())
            values = values.tolist()
        return [str(value) for value in values]

    def encode_one(self, column: str, value: Hashable) -> str:
        """One id given by a caller, checked against the store's kind for ``column`` when it has one."""
        kind = self.kinds.get(column)
        is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
        if not (is_int or (isinstance(value, str) and value)):
            raise InvalidParameterError(f"a {column} id must be a non-empty string or an integer; got {value!r}",
                                        value=value)
        if kind is not None and (kind == "int") != is_int:
            raise InvalidParameterError(
                f"this store keeps {column} ids as {'integers' if kind == 'int' else 'strings'}; got {value!r}",
                value=value,
            )
        return str(value)

    def decode(self, column: str, values: Sequence[str]) -> NDArray[Any]:
        """Text from the tables as an id array of the store's kind (``int64`` or ``str_``)."""
        if self.kinds.get(column) == "int":
            return np.array([int(v) for v in values], dtype=np.int64)
        return np.array(values, dtype=np.str_) if len(values) else np.zeros(0, dtype=np.str_)

    def decode_one(self, column: str, value: str) -> Hashable:
        return int(value) if self.kinds.get(column) == "int" else value

    @staticmethod
    def times(values: Sequence[int]) -> NDArray[np.datetime64]:
        """Microseconds since the epoch as UTC ``datetime64[us]``."""
        return np.array(values, dtype=np.int64).astype(TIME_UNIT)
