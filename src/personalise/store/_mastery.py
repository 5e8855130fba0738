"""The evidence store's mastery, derived incrementally from the ledger: cached states, late rows, whole tables.

For each set of parameters (its ``params_key``) the ``states`` table holds
each learner-skill's P(mastery) after its evidence up to a watermark (the
time and evidence id of its latest row), ``folded`` the last ledger sequence
number folded in, and ``stale`` the learner-skills whose state a late row or
a void removed. :func:`fold` brings the states up to the ledger: rows added
since are folded into the states they follow, stale learner-skills are
replayed from their first row. Each learner-skill's evidence is applied in
(time, evidence id) order with the kernel of
:func:`~personalise.estimate_mastery`, so the states equal a replay bit for
bit.

Two facts in ``meta`` keep this cheap. ``watermark`` is the latest time of
any state ever written: a new row after it cannot be late, so most adds look
up no state at all. ``generation`` counts the writes that remove evidence or
cached states other than by a fold or a late row (voids, erasures); with the
folded sequence number it tells whether a :class:`Memo`, the whole table a
store object computed last, still mirrors the states exactly. A memo that
does is brought up to date with the learner-skills a fold touches, so the
table of every learner costs the learner-skills that changed, not a read of
every state; one that does not is dropped and the table is read again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise._validation import parse_json
from personalise.content.bkt_params import BKTParams
from personalise.evidence import MasteryTable
from personalise.exceptions import InvalidParameterError, StoreError, UnknownSkillError
from personalise.store._codec import CHUNK, Codec, chunks
from personalise.store._dialect import Dialect

__all__ = ["Memo", "bump_generation", "fold", "invalidate", "invalidate_pairs", "mark_late", "params_key", "table"]

#: ``meta`` key: the latest ``valid_t`` of any state written (rows after it cannot be late).
WATERMARK = "watermark"
#: ``meta`` key: bumped by every write that removes evidence or states other than by a fold or a late row.
GENERATION = "generation"
_ROW = "learner_id, skill_id, score, t, evidence_id"

Row = tuple[Any, ...]


def params_key(params: BKTParams, pass_mark: float) -> str:
    """The cache key of a learner model: 96 bits of the SHA-256 of its parameters and pass mark."""
    text = json.dumps({"params": parse_json(params.to_json(), "the BKT parameters", error=InvalidParameterError), "pass_mark": pass_mark}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _meta_int(db: Dialect, key: str) -> int | None:
    rows = db.execute("SELECT value FROM meta WHERE key = ?", (key,))
    return int(rows[0][0]) if rows else None


def _set_meta(db: Dialect, key: str, value: int) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               (key, str(value)))


def bump_generation(db: Dialect) -> None:
    """Record (inside a write) that evidence or states went other than by a fold: every memo must be read again."""
    _set_meta(db, GENERATION, (_meta_int(db, GENERATION) or 0) + 1)


def _states_of(db: Dialect, columns: str, pairs: Sequence[tuple[str, str]], key: str | None = None) -> list[Row]:
    """``columns`` of the states of these learner-skills (of one key, or of every key), a few hundred per query.

    A join with a ``VALUES`` list, which both engines take through the index
    on the pair (SQLite scans the whole table for a row value ``IN`` such a
    list).
    """
    found: list[Row] = []
    for part in chunks(pairs, CHUNK // 2):
        sql = (f"SELECT {columns} FROM (VALUES {','.join(['(?, ?)'] * len(part))}) v JOIN states s "
               "ON s.learner_id = v.column1 AND s.skill_id = v.column2")
        found += db.execute(sql + (" WHERE s.params_key = ?" if key is not None else ""),
                            [*(text for pair in part for text in pair), *([key] if key is not None else [])])
    return found


# ------------------------------------------------------------ late rows
def mark_late(db: Dialect, codec: Codec, learners: Sequence[str], skills: Sequence[str], times: NDArray[np.int64],
              ids: NDArray[Any], new: NDArray[np.intp]) -> None:
    """Drop the cached state of every learner-skill that one of the ``new`` rows lands before (and mark it stale).

    ``ids`` are the rows' evidence ids as given (they order rows of equal
    time). Only rows at or before the watermark can be late; their
    learner-skills' states are looked up, for every set of parameters.
    """
    watermark = _meta_int(db, WATERMARK)
    if watermark is None:  # no fold has recorded one: any state there is (none, usually) may be after any row
        if not db.execute("SELECT 1 FROM states LIMIT 1"):
            return
        watermark = int(np.iinfo(np.int64).max)
    candidates = new[times[new] <= watermark]
    if not candidates.size:
        return
    earliest: dict[tuple[str, str], int] = {}  # the earliest candidate row of each learner-skill
    for i in candidates[np.lexsort((ids[candidates], times[candidates]))].tolist():
        earliest.setdefault((learners[i], skills[i]), i)
    late: list[tuple[str, str, str]] = []
    for key, learner, skill, valid_t, valid_id in _states_of(
            db, "s.params_key, s.learner_id, s.skill_id, s.valid_t, s.valid_id", list(earliest)):
        i = earliest[(learner, skill)]
        if (int(times[i]), ids[i].item()) < (int(valid_t), codec.decode_one("evidence", valid_id)):
            late.append((key, learner, skill))
    invalidate(db, late)


def invalidate(db: Dialect, entries: Sequence[tuple[str, str, str]]) -> None:
    """Remove cached states (params key, learner, skill) and record them as stale for replay."""
    if not entries:
        return
    db.executemany("DELETE FROM states WHERE params_key = ? AND learner_id = ? AND skill_id = ?", entries)
    db.executemany("INSERT INTO stale (params_key, learner_id, skill_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   entries)


def invalidate_pairs(db: Dialect, pairs: Iterable[tuple[str, str]]) -> None:
    """Every cached state of these learner-skills, for every set of parameters, goes stale."""
    found = _states_of(db, "s.params_key, s.learner_id, s.skill_id", sorted(set(pairs)))
    invalidate(db, [(key, learner, skill) for key, learner, skill in found])


# ----------------------------------------------------------------- memo
class Memo:
    """The states of one set of parameters for every learner with evidence, as one array, and when it is valid.

    ``token`` is the (folded sequence number, generation) of the database
    states it mirrors. Rows are learners in the order they were met;
    ``first`` holds each one's earliest row (time, evidence id), which orders
    the table (None for a learner not met yet).
    """

    def __init__(self, key: str, params: BKTParams, token: tuple[int, int]) -> None:
        self.key = key
        self.token = token
        self.prior = np.asarray(params.prior, dtype=np.float64)
        self.column = {str(s): j for j, s in enumerate(params.skill_ids)}
        self.row_of: dict[str, int] = {}
        self.learners: list[str] = []
        self.first: list[tuple[int, Hashable] | None] = []
        self.values = np.empty((0, len(self.column)), dtype=np.float64)
        self._shown: tuple[NDArray[np.intp], NDArray[Any]] | None = None  # the table's rows and ids, once sorted

    def rows(self, learners: Sequence[str]) -> NDArray[np.intp]:
        """The row of each learner; learners not there yet get one, at the prior."""
        fresh = [learner for learner in dict.fromkeys(learners) if learner not in self.row_of]
        if fresh:
            start = len(self.learners)
            self.row_of.update((learner, start + k) for k, learner in enumerate(fresh))
            self.learners += fresh
            self.first += [None] * len(fresh)
            self._shown = None
            grown = np.empty((start + len(fresh), self.values.shape[1]), dtype=np.float64)
            grown[:start] = self.values
            grown[start:] = self.prior
            self.values = grown
        return np.fromiter((self.row_of[learner] for learner in learners), dtype=np.intp, count=len(learners))

    def meet(self, rows: NDArray[np.intp], times: NDArray[np.int64], ids: NDArray[Any], order: NDArray[np.intp]) -> None:
        """Take evidence rows (memo row, time, id; ``order`` sorts them by time and id) into each earliest row."""
        codes = rows[order]
        _, first = np.unique(codes, return_index=True)
        for k in first.tolist():
            i = int(order[k])
            row, moment = int(codes[k]), (int(times[i]), ids[i].item())
            known = self.first[row]
            if known is None or moment < known:
                self.first[row] = moment
                self._shown = None

    def table(self, codec: Codec, skill_ids: Sequence[Hashable]) -> MasteryTable:
        """Every learner met, in order of their earliest row (time, then evidence id)."""
        if self._shown is None:
            met = [row for row, first in enumerate(self.first) if first is not None]
            firsts = [first for first in self.first if first is not None]
            times = np.fromiter((first[0] for first in firsts), dtype=np.int64, count=len(firsts))
            ids = codec.decode("evidence", [str(first[1]) for first in firsts])
            rows = np.array(met, dtype=np.intp)[np.lexsort((ids, times))]
            self._shown = rows, codec.decode("learner", [self.learners[row] for row in rows.tolist()])
        rows, learners = self._shown
        in_place = len(rows) == len(self.values) and bool(np.all(rows == np.arange(len(rows))))
        return MasteryTable(learners, skill_ids, self.values if in_place else self.values[rows])  # copied there


def _read_memo(db: Dialect, codec: Codec, params: BKTParams, key: str, token: tuple[int, int]) -> Memo:
    """A memo read from the database: every state of ``key``, and every learner's earliest row.

    Each state carries the time of its first row; a learner's earliest row is
    the one at the least of those times with the least evidence id, looked
    up by time. With one set of parameters every state is one of its own, and
    a scan in table order is much faster than going by the key's index.
    """
    memo = Memo(key, params, token)
    if int(db.execute("SELECT COUNT(*) FROM folded")[0][0]) == 1:
        states = db.execute("SELECT learner_id, skill_id, p, first_t FROM states")
    else:
        states = db.execute("SELECT learner_id, skill_id, p, first_t FROM states WHERE params_key = ?", (key,))
    if not states:
        return memo
    learners, skills, p, first_t = zip(*states)
    code: dict[str, int] = {}
    codes = np.fromiter((code.setdefault(learner, len(code)) for learner in learners), dtype=np.intp,
                        count=len(learners))
    earliest = np.full(len(code), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(earliest, codes, np.array(first_t, dtype=np.int64))
    first_id: dict[str, Hashable] = {}
    moments = np.unique(earliest).tolist()
    for part in chunks(moments):
        for learner, t, evidence_id in db.execute(f"SELECT learner_id, t, evidence_id FROM evidence WHERE t IN "
                                                  f"({','.join('?' * len(part))})", part):
            k = code.get(learner)
            if k is not None and int(t) == earliest[k]:
                value = codec.decode_one("evidence", evidence_id)
                known = first_id.get(learner)
                first_id[learner] = value if known is None or value < known else known  # type: ignore[operator]
    if len(first_id) < len(code):
        missing = next(learner for learner in code if learner not in first_id)
        raise StoreError(f"evidence store {db.where}: the cached mastery of learner "
                         f"{codec.decode_one('learner', missing)!r} has no row of the ledger behind it", value=db.where)
    names = list(code)
    ids = codec.decode("evidence", [str(first_id[learner]) for learner in names])
    order = np.lexsort((ids, earliest)).tolist()
    rows = memo.rows([names[k] for k in order])  # rows in the table's order
    for k, row in zip(order, rows.tolist()):
        memo.first[row] = (int(earliest[k]), first_id[names[k]])
    column = memo.column
    memo.values[rows[np.argsort(order)][codes], [column[s] for s in skills]] = np.array(p, dtype=np.float64)
    return memo


# ----------------------------------------------------------------- fold
def fold(db: Dialect, codec: Codec, params: BKTParams, key: str, pass_mark: float, memo: Memo | None) -> Memo | None:
    """Bring the cached states of ``key`` up to the ledger (inside a write); returns the memo if it mirrors them."""
    found = db.execute("SELECT seq FROM folded WHERE params_key = ?", (key,))
    folded = int(found[0][0]) if found else 0
    generation = _meta_int(db, GENERATION) or 0
    if not found:  # no state of this key yet: an empty memo mirrors them
        memo = Memo(key, params, (0, generation))
    elif memo is not None and (memo.key != key or memo.token != (folded, generation)):
        memo = None
    top = _meta_int(db, "seq") or 0
    stale = {(learner, skill) for learner, skill in
             db.execute("SELECT learner_id, skill_id FROM stale WHERE params_key = ?", (key,))}
    if folded == top and not stale:
        return memo
    rows = db.execute(f"SELECT {_ROW} FROM evidence WHERE seq > ?", (folded,))
    if stale:
        rows = [row for row in rows if (row[0], row[1]) not in stale]
        for part in chunks(sorted({learner for learner, _ in stale})):
            rows += [row for row in db.execute(f"SELECT {_ROW} FROM evidence WHERE learner_id IN "
                                               f"({','.join('?' * len(part))})", part) if (row[0], row[1]) in stale]
        if memo is not None:  # replayed from the prior (a learner-skill without rows left stays there)
            for learner, skill in stale:
                if learner in memo.row_of and skill in memo.column:
                    memo.values[memo.row_of[learner], memo.column[skill]] = memo.prior[memo.column[skill]]
    if rows:
        _apply(db, codec, params, key, pass_mark, rows, stale, memo)
    db.execute("DELETE FROM stale WHERE params_key = ?", (key,))
    db.execute("INSERT INTO folded (params_key, seq) VALUES (?, ?) ON CONFLICT (params_key) DO UPDATE SET "
               "seq = excluded.seq", (key, top))
    if memo is not None:
        memo.token = (top, generation)
    return memo


def _apply(db: Dialect, codec: Codec, params: BKTParams, key: str, pass_mark: float, rows: list[Row],
           replayed: set[tuple[str, str]], memo: Memo | None) -> None:
    """Fold ``rows`` into the states they follow (the ``replayed`` learner-skills start again from the prior)."""
    learners, skills, scores, times, ids = zip(*rows)
    skill_index = {str(s): j for j, s in enumerate(params.skill_ids)}
    unknown = sorted(set(skills) - skill_index.keys())
    if unknown:
        raise UnknownSkillError(f"the store has evidence on skill {codec.decode_one('skill', unknown[0])!r}, "
                                "which params does not have", value=codec.decode_one("skill", unknown[0]))
    pair_of: dict[tuple[str, str], int] = {}
    cell = np.fromiter((pair_of.setdefault(pair, len(pair_of)) for pair in zip(learners, skills)),
                       dtype=np.intp, count=len(rows))
    pairs = list(pair_of)
    skill_of_cell = np.fromiter((skill_index[s] for _, s in pairs), dtype=np.intp, count=len(pairs))
    values = params.prior[skill_of_cell].astype(np.float64)
    have = np.array([k for k, pair in enumerate(pairs) if pair not in replayed], dtype=np.intp)
    if memo is not None:  # the memo mirrors the states: nothing to read
        pair_rows = memo.rows([learner for learner, _ in pairs])
        values[have] = memo.values[pair_rows[have], skill_of_cell[have]]
    else:
        for learner, skill, p in _states_of(db, "s.learner_id, s.skill_id, s.p", [pairs[k] for k in have.tolist()], key):
            values[pair_of[(learner, skill)]] = float(p)
    t = np.array(times, dtype=np.int64)
    decoded = codec.decode("evidence", ids)
    order = np.lexsort((decoded, t))
    correct = np.array(scores, dtype=np.float64) >= pass_mark
    BK.fold_events(values, cell[order], skill_of_cell, correct[order], params.as_dict())
    ranked = cell[order]  # the pairs of the rows in (time, id) order; each pair's first and last rows:
    first = order[np.unique(ranked, return_index=True)[1]]
    last = order[len(ranked) - 1 - np.unique(ranked[::-1], return_index=True)[1]]
    # written in the order of the table's indexes ((key,) learner, skill), so that each page is written once
    written = np.lexsort((np.array([s for _, s in pairs]), np.array([learner for learner, _ in pairs])))
    db.executemany(
        "INSERT INTO states (params_key, learner_id, skill_id, p, valid_t, valid_id, first_t) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (params_key, learner_id, skill_id) DO UPDATE SET p = excluded.p, "
        "valid_t = excluded.valid_t, valid_id = excluded.valid_id, first_t = CASE WHEN excluded.first_t < "
        "states.first_t THEN excluded.first_t ELSE states.first_t END",
        [(key, *pairs[k], p, valid_t, ids[i], first_t) for k, p, valid_t, i, first_t in
         zip(written.tolist(), values[written].tolist(), t[last[written]].tolist(), last[written].tolist(),
             t[first[written]].tolist())],
    )
    latest, watermark = int(t.max()), _meta_int(db, WATERMARK)
    if watermark is None or latest > watermark:
        _set_meta(db, WATERMARK, latest)
    if memo is not None:
        memo.meet(pair_rows[cell], t, decoded, order)
        memo.values[pair_rows, skill_of_cell] = values


# ---------------------------------------------------------------- table
def table(db: Dialect, codec: Codec, params: BKTParams, key: str, learners: list[Hashable] | None,
          memo: Memo | None) -> tuple[MasteryTable, Memo | None]:
    """The table of ``learners`` (every learner with evidence when None), after :func:`fold`; and the memo."""
    if learners is None:
        if memo is None:
            found = db.execute("SELECT seq FROM folded WHERE params_key = ?", (key,))
            token = (int(found[0][0]) if found else 0, _meta_int(db, GENERATION) or 0)
            memo = _read_memo(db, codec, params, key, token)
        return memo.table(codec, params.skill_ids), memo
    values = np.tile(params.prior, (len(learners), 1))
    keys: list[str | None] = []
    for learner in learners:
        try:
            keys.append(codec.encode_one("learner", learner))
        except InvalidParameterError:
            keys.append(None)  # an id of the other kind has no evidence here: it keeps the prior
    row_of = {k: i for i, k in enumerate(keys) if k is not None}
    if memo is not None:
        known = [k for k in row_of if k in memo.row_of]
        values[[row_of[k] for k in known]] = memo.values[[memo.row_of[k] for k in known]]
        return MasteryTable(learners, params.skill_ids, values), memo
    column = {str(s): j for j, s in enumerate(params.skill_ids)}
    for part in chunks(sorted(row_of)):
        for learner, skill, p in db.execute(f"SELECT learner_id, skill_id, p FROM states WHERE params_key = ? "
                                            f"AND learner_id IN ({','.join('?' * len(part))})", (key, *part)):
            values[row_of[learner], column[skill]] = float(p)
    return MasteryTable(learners, params.skill_ids, values), memo
