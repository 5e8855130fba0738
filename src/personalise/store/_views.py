"""What the store derives beyond mastery: scaffold support, next steps and lesson plans, and its export.

Functions of an :class:`~personalise.EvidenceStore`; its methods of the same
names call them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from personalise._kernels import bkt as BK
from personalise._validation import check_threshold, parse_json, read_text
from personalise.content.bkt_params import BKTParams
from personalise.content.next_steps import recommend_next
from personalise.content.recommendations import Recommendations
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
    StoreError,
)
from personalise.graph import CompiledGraph
from personalise.scaffolds.scaffold import Scaffold
from personalise.scaffolds.state import ScaffoldState
from personalise.store._codec import micros

__all__ = ["EXPORT_SCHEMA", "elapsed_days", "export", "import_rows", "open_scaffold", "recommend", "scaffolds"]

EXPORT_SCHEMA = "personalise.store_export/1"
_DAY_US = 86_400_000_000


def _now_us(now: Any) -> int:
    if now is None:
        return micros(_dt.datetime.now(_dt.timezone.utc), "now")
    return micros(now, "now")


# --------------------------------------------------------------- scaffolds
def open_scaffold(store: Any, learner_id: Hashable, scaffold: Scaffold, at: Any) -> None:
    """Give a learner a scaffold from ``at`` (default now); it advances with their later evidence on its skill."""
    if not isinstance(scaffold, Scaffold):
        raise InvalidParameterError(f"scaffold must be a Scaffold; got {type(scaffold).__name__}", value=scaffold)
    db, codec = store.db, store._codec
    with db.write():
        codec.reload()
        codec.claim("learner", np.array([learner_id]))
        codec.claim("skill", np.array([scaffold.skill]))
        key = codec.encode_one("learner", learner_id)
        codec.encode_one("skill", scaffold.skill)
        position = int(db.execute("SELECT COUNT(*) FROM scaffolds WHERE learner_id = ?", (key,))[0][0])
        db.execute("INSERT INTO scaffolds (learner_id, position, opened_t, scaffold) VALUES (?, ?, ?, ?)",
                   (key, position, _now_us(at), scaffold.to_json()))


def _definition(scaffold: Scaffold) -> str:
    """What makes two learners' scaffolds the same column: skill, kind and rule."""
    return json.dumps({"skill": scaffold.skill, "kind": scaffold.kind, "rule": scaffold.rule.to_dict()},
                      sort_keys=True, default=str)


def scaffolds(store: Any, learner_ids: Iterable[Hashable] | None, pass_mark: float,
              params: BKTParams | None) -> ScaffoldState:
    """The learners' scaffolds, each advanced by the learner's outcomes on its skill since it was opened."""
    mark = check_threshold(pass_mark, "pass_mark")
    db, codec = store.db, store._codec
    codec.reload()
    rows = sorted(db.execute("SELECT learner_id, position, opened_t, scaffold FROM scaffolds"),
                  key=lambda row: (int(row[2]), int(row[1]), row[0]))  # the same order on every engine
    held: dict[Hashable, list[tuple[int, Scaffold]]] = {}
    for learner, _, opened, document in rows:
        held.setdefault(codec.decode_one("learner", learner), []).append((int(opened), Scaffold.from_json(document)))
    learners = list(held) if learner_ids is None else list(learner_ids)
    columns: dict[str, Scaffold] = {}
    for learner in learners:
        for _, scaffold in held.get(learner, []):
            columns.setdefault(_definition(scaffold), scaffold)
    if any(s.rule.uses_mastery for s in columns.values()) and not isinstance(params, BKTParams):
        raise InvalidParameterError("a scaffold fades with mastery: pass params= (the BKTParams of the learner model)",
                                    value=params)
    keys = list(columns)
    state = ScaffoldState.start(len(learners), [columns[k] for k in keys])
    level, counters = state.level.copy(), {n: getattr(state, n).copy() for n in
                                           ("opportunities", "successes", "failures", "streak", "failure_run")}
    for i, learner in enumerate(learners):
        for opened, scaffold in held.get(learner, []):
            now = _advance(store, learner, scaffold, opened, mark, params)
            j = keys.index(_definition(scaffold))
            level[i, j] = now.level
            for name in counters:
                counters[name][i, j] = getattr(now, name)
    return ScaffoldState(state.skills, state.kinds, state.rules, level, *(counters[n] for n in counters))


def _advance(store: Any, learner: Hashable, scaffold: Scaffold, opened: int, pass_mark: float,
             params: BKTParams | None) -> Scaffold:
    evidence = store.evidence(learner_ids=[learner], skills=[scaffold.skill])
    times = evidence.timestamps.astype(np.int64)
    mastery = None
    if scaffold.rule.uses_mastery:
        assert params is not None
        j = params.skill_ids.index(scaffold.skill)
        value = np.array([params.prior[j]])
        mastery = np.empty(len(evidence))
        one = {name: values[j : j + 1] for name, values in params.as_dict().items()}
        for k, right in enumerate(evidence.passed(pass_mark).tolist()):
            BK.fold_events(value, np.zeros(1, dtype=np.intp), np.zeros(1, dtype=np.intp), np.array([right]), one)
            mastery[k] = value[0]
    for k, right in enumerate(evidence.passed(pass_mark).tolist()):
        if times[k] >= opened:
            scaffold = scaffold.after(right, mastery=None if mastery is None else float(mastery[k]))
    return scaffold


# ------------------------------------------------------------ next steps
def recommend(store: Any, graph: CompiledGraph, params: BKTParams, *, learner_ids: Iterable[Hashable] | None,
              class_id: str | None, now: Any, half_life_days: Any, pass_mark: float,
              options: Mapping[str, Any]) -> Recommendations:
    """``recommend_next`` on the store's mastery, with elapsed days since each skill's last practice."""
    if not isinstance(graph, CompiledGraph):
        raise InvalidParameterError(f"graph must be a CompiledGraph; got {type(graph).__name__}", value=graph)
    table = store.mastery(params, learner_ids=learner_ids, class_id=class_id, pass_mark=pass_mark)
    if half_life_days is None:
        return recommend_next(graph, table, **options)
    elapsed = elapsed_days(store, table.learner_ids, graph.skill_ids, now)
    return recommend_next(graph, table, elapsed_days=elapsed, half_life_days=half_life_days, **options)


def elapsed_days(store: Any, learner_ids: Sequence[Hashable], skill_ids: Sequence[Hashable],
                 now: Any) -> NDArray[np.float64]:
    """Days from each learner's last practice of each skill to ``now`` (NaN: never practised; never negative)."""
    last = store.last_practice(learner_ids, skill_ids)
    moment = np.datetime64(_now_us(now), "us")
    elapsed: NDArray[np.float64] = (moment - last).astype("timedelta64[us]").astype(np.float64) / _DAY_US
    elapsed[np.isnat(last)] = np.nan
    np.maximum(elapsed, 0.0, where=~np.isnan(elapsed), out=elapsed)
    return elapsed


# ----------------------------------------------------------------- export
def export(store: Any, path: str | os.PathLike[str]) -> int:
    """Write the whole store as JSON Lines (header, then one line per row of the ledger and of what it was told)."""
    db, codec = store.db, store._codec
    lines: list[dict[str, Any]] = []
    with db.read():
        codec.reload()
        lines.append({"schema": EXPORT_SCHEMA, "kinds": dict(sorted(codec.kinds.items()))})
        evidence = store.evidence()
        for row in evidence.to_dict()["rows"]:
            lines.append({"record": "evidence", **row})
        # text is sorted here, not by ORDER BY: PostgreSQL would use the database's collation, SQLite code points
        for key, learner, seq in sorted(db.execute("SELECT evidence_id, learner_id, seq FROM tombstones"),
                                        key=lambda row: (int(row[2]), row[0])):
            lines.append({"record": "tombstone", "evidence_id": codec.decode_one("evidence", key),
                          "learner_id": None if learner is None else codec.decode_one("learner", learner)})
        for class_id in store.classes():
            lines.append({"record": "roster", "class_id": class_id, "learners": list(store.class_learners(class_id))})
        for learner, position, opened, document in sorted(
            db.execute("SELECT learner_id, position, opened_t, scaffold FROM scaffolds"),
            key=lambda row: (row[0], int(row[1])),
        ):
            lines.append({"record": "scaffold", "learner_id": codec.decode_one("learner", learner),
                          "opened": str(np.datetime64(int(opened), "us")) + "Z", "scaffold": parse_json(document, "a stored scaffold", error=StoreError)})
    text = "\n".join(json.dumps(line, sort_keys=True) for line in lines) + "\n"
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as err:
        raise StoreError(f"cannot write the export {os.fspath(path)!r}: {err.strerror}", value=os.fspath(path)) from None
    return len(lines) - 1


def import_rows(store: Any, source: str | os.PathLike[str] | IO[str]) -> None:
    """Load an export into an empty store; every line is checked before anything is written."""
    from personalise.io._files import in_file
    from personalise.io.formats import from_rows

    text, name = read_text(source, "store export", inline=lambda s: s.lstrip().startswith("{"))
    records = [(n, parse_json(line, name, line_offset=n - 1)) for n, line in enumerate(text.splitlines(), start=1)
               if line.strip()]
    if not records or not isinstance(records[0][1], dict) or records[0][1].get("schema") != EXPORT_SCHEMA:
        raise EvidenceError(f"{name}: the first line must be the header {{'schema': {EXPORT_SCHEMA!r}, ...}}",
                            value=name)
    if len(store):
        raise StoreError(f"evidence store {store.where} is not empty; import into a new store", value=store.where)
    kinds = records[0][1].get("kinds", {})
    if not isinstance(kinds, dict) or any(k not in ("learner", "skill", "evidence") or v not in ("str", "int")
                                          for k, v in kinds.items()):
        raise EvidenceError(f"{name}: the header's 'kinds' must map learner/skill/evidence to 'str' or 'int'",
                            value=kinds)

    def an_id(value: Any, column: str, where: str, *, optional: bool = False) -> Any:
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if optional and value is None:
            return None
        wrong_kind = column in kinds and (kinds[column] == "int") != is_int
        if not (is_int or (isinstance(value, str) and value)) or wrong_kind:
            raise EvidenceError(f"{where}: the {column} id must be a non-empty "
                                f"{'integer' if kinds.get(column) == 'int' else 'string'}; got {value!r:.80}",
                                value=value)
        return value

    rows, numbers, tombstones, rosters, opened = [], [], [], {}, []
    for n, record in records[1:]:
        where = f"{name}, line {n}"
        kind = record.get("record") if isinstance(record, dict) else None
        if kind == "evidence":
            rows.append({k: v for k, v in record.items() if k != "record"})
            numbers.append(n)
        elif kind == "tombstone":
            tombstones.append((an_id(record.get("evidence_id"), "evidence", where),
                               an_id(record.get("learner_id"), "learner", where, optional=True)))
        elif kind == "roster":
            class_id, learners = record.get("class_id"), record.get("learners")
            if not isinstance(class_id, str) or not class_id or class_id in rosters:
                raise EvidenceError(f"{where}: a roster needs a class id (a non-empty string, once); got "
                                    f"{class_id!r:.80}", value=class_id)
            if not isinstance(learners, list) or len({an_id(v, "learner", where) for v in learners}) != len(learners):
                raise EvidenceError(f"{where}: the learners of class {class_id!r} must be a list of distinct ids",
                                    value=class_id)
            rosters[class_id] = learners
        elif kind == "scaffold":
            try:
                scaffold = Scaffold.from_dict(record.get("scaffold"))
                moment = _now_us(record.get("opened"))
            except PersonaliseError as err:
                raise in_file(err, where) from None
            opened.append((an_id(record.get("learner_id"), "learner", where), scaffold, moment))
        else:
            raise EvidenceError(f"{where}: unknown record {kind!r:.80}", value=n)
    try:
        evidence = from_rows(rows, [], name, lines=numbers) if rows else None
    except PersonaliseError as err:
        raise in_file(err, name) from None
    if evidence is not None:
        for column, ids in (("learner", evidence.learner_ids), ("skill", evidence.skill_ids),
                            ("evidence", evidence.evidence_ids)):
            if column in kinds and kinds[column] != ("int" if ids.dtype.kind in "iu" else "str"):
                raise EvidenceError(f"{name}: the header keeps {column} ids as {kinds[column]} but the evidence "
                                    f"rows do not", value=column)
    with store.db.write():
        for column, kind in kinds.items():
            store.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                             (f"kind:{column}", kind))
    if evidence is not None:
        store.add(evidence)
    db, codec = store.db, store._codec
    with db.write():
        codec.reload()
        for key, learner in tombstones:
            db.execute("INSERT INTO tombstones (evidence_id, learner_id, seq) VALUES (?, ?, 0)",
                       (codec.encode_one("evidence", key), None if learner is None else codec.encode_one("learner", learner)))
    if rosters:
        store.set_roster(rosters)
    for learner, scaffold, moment in opened:
        open_scaffold(store, learner, scaffold, np.datetime64(moment, "us"))
