"""The library's own formats for :class:`~personalise.Evidence` and :class:`~personalise.MasteryTable`.

JSON, JSON Lines, pandas and pyBKT frames, and the notebook HTML views: the
implementations behind ``Evidence.to_dict``/``from_dict``,
``to_jsonl``/``from_jsonl``, ``to_frame``/``from_frame``, ``to_pybkt``,
``MasteryTable.to_frame`` and the ``_repr_html_`` methods; call those. A row is ``{"evidence_id", "learner_id", "skill_id",
"score", "timestamp"}`` (and ``"source"`` when the evidence has sources), the
timestamp as ISO 8601 UTC text ending in ``Z``.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import numpy as np

from personalise._validation import (
    TIME_UNIT,
    format_timestamp,
    load_json_document,
    parse_json,
    read_text,
    require_fields,
)
from personalise.evidence import EVIDENCE_SCHEMA, FRAME_COLUMNS, Evidence, MasteryTable
from personalise.exceptions import (
    EvidenceError,
    InvalidParameterError,
    PersonaliseError,
)
from personalise.io._files import in_file

__all__ = [
    "evidence_html",
    "from_dict",
    "from_frame",
    "from_jsonl",
    "pybkt_frame",
    "table_frame",
    "table_html",
    "to_dict",
    "to_frame",
    "to_jsonl",
]


def _pandas(what: str) -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - exercised only without pandas
        raise ImportError(f"{what} needs pandas: pip install 'personalise[pandas]'") from None
    return pd


def _json_key(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def rows(evidence: Evidence) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict per row, in row order."""
    stamps = evidence.timestamps
    sources = evidence.sources.tolist() if evidence.sources is not None else None
    columns = zip(evidence.evidence_ids.tolist(), evidence.learner_ids.tolist(), evidence.skill_ids.tolist(),
                  evidence.scores.tolist())
    for i, (evidence_id, learner, skill, score) in enumerate(columns):
        row = {"evidence_id": evidence_id, "learner_id": learner, "skill_id": skill, "score": score,
               "timestamp": format_timestamp(stamps[i])}
        if sources is not None:
            row["source"] = sources[i]
        yield row


def _skipped(evidence: Evidence) -> list[list[Any]]:
    return [[_json_key(key), reason] for key, reason in evidence.skipped]


def from_rows(items: Any, skipped: Any, where: str, *, lines: Sequence[int] | None = None) -> Evidence:
    """Evidence from JSON row objects; ``where`` names them in messages (``rows``, or the file when
    ``lines`` gives each row's line number)."""
    if not isinstance(items, list):
        raise EvidenceError(f"{where} must be a list of row objects; got {type(items).__name__}", value=items)

    def place(i: int) -> str:
        return f"{where}, line {lines[i]}" if lines is not None else f"{where}[{i}]"

    columns: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS}
    has_source = False
    for i, row in enumerate(items):
        if not isinstance(row, Mapping):
            raise EvidenceError(f"{place(i)} must be an object; got {row!r:.80}", value=row)
        for name in FRAME_COLUMNS[:-1]:
            if name not in row:
                raise EvidenceError(f"{place(i)} has no field {name!r}", value=name)
            columns[name].append(row[name])
        has_source = has_source or "source" in row
        columns["source"].append(row.get("source"))
    sources = columns["source"] if has_source else None
    if sources is not None and any(s is None for s in sources):
        i = sources.index(None)
        raise EvidenceError(f"{place(i)} has no 'source' although other rows do", value=i)
    if not isinstance(skipped, (list, tuple)):
        raise EvidenceError(f"skipped must be a list of [id or row, reason] pairs; got {skipped!r:.80}", value=skipped)
    return Evidence(
        columns["learner_id"], columns["skill_id"], columns["score"],
        columns["timestamp"] or np.zeros(0, dtype=TIME_UNIT), columns["evidence_id"],
        sources=sources, skipped=[tuple(item) if isinstance(item, list) else item for item in skipped],
    )


def to_dict(evidence: Evidence) -> dict[str, Any]:
    """The ``personalise.evidence_set/1`` document of ``Evidence.to_dict``."""
    return {"schema": EVIDENCE_SCHEMA, "rows": list(rows(evidence)), "skipped": _skipped(evidence)}


def from_dict(data: Any) -> Evidence:
    """The inverse of :func:`to_dict` (the document may also be JSON text)."""
    document = load_json_document(data, EVIDENCE_SCHEMA, name="data")
    require_fields(document, ("rows",), "evidence")
    return from_rows(document["rows"], document.get("skipped", ()), "rows")


def to_jsonl(evidence: Evidence, path: str | os.PathLike[str] | None) -> str | None:
    """A header line and one line per row; the text, or None after writing ``path``."""
    import json

    head = {"schema": EVIDENCE_SCHEMA, "n_rows": len(evidence), "skipped": _skipped(evidence)}
    text = "\n".join([json.dumps(head)] + [json.dumps(row) for row in rows(evidence)]) + "\n"
    if path is None:
        return text
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return None


def from_jsonl(source: str | os.PathLike[str] | IO[str]) -> Evidence:
    """The inverse of :func:`to_jsonl`: a path, an open file or the text itself."""
    text, name = read_text(source, "evidence", inline=lambda s: s.lstrip().startswith("{"))
    parsed, numbers = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                parsed.append(parse_json(line, f"line {number}"))
            except EvidenceError as err:
                raise EvidenceError(f"{name}: line {number} is not JSON ({err})", value=number) from None
            numbers.append(number)
    if not parsed or not isinstance(parsed[0], Mapping) or parsed[0].get("schema") != EVIDENCE_SCHEMA:
        raise EvidenceError(f"{name}: the first line must be the header {{'schema': {EVIDENCE_SCHEMA!r}, ...}}",
                            value=parsed[0] if parsed else None)
    head, body = parsed[0], parsed[1:]
    if head.get("n_rows") != len(body):
        raise EvidenceError(f"{name}: the header promises {head.get('n_rows')!r:.40} rows but {len(body)} follow "
                            "(a truncated file?)", value=len(body))
    try:
        return from_rows(body, head.get("skipped", []), name, lines=numbers[1:])
    except PersonaliseError as err:
        raise in_file(err, name) from None


def to_frame(evidence: Evidence) -> Any:
    """``Evidence.to_frame``: the columns of :data:`~personalise.evidence.FRAME_COLUMNS`, UTC-aware times."""
    pd = _pandas("Evidence.to_frame")
    return pd.DataFrame(
        {
            "evidence_id": evidence.evidence_ids,
            "learner_id": evidence.learner_ids,
            "skill_id": evidence.skill_ids,
            "score": evidence.scores,
            "timestamp": pd.to_datetime(evidence.timestamps).tz_localize("UTC"),
            "source": evidence.sources if evidence.sources is not None else None,
        },
        columns=list(FRAME_COLUMNS),
    )


def from_frame(frame: Any, columns: Mapping[str, str] | None) -> Evidence:
    """``Evidence.from_frame``: ``columns`` maps our column names to the frame's."""
    names = dict(columns or {})
    for key in names:
        if key not in FRAME_COLUMNS:
            raise InvalidParameterError(f"columns has unknown key {key!r}; expected some of {FRAME_COLUMNS}",
                                        value=key)
    if not hasattr(frame, "columns"):
        raise InvalidParameterError(f"frame must be a pandas DataFrame; got {type(frame).__name__}", value=frame)
    present = set(frame.columns)
    values = {}
    for name in FRAME_COLUMNS:
        key = names.get(name, name)
        if key not in present:
            if name == "source":
                continue
            raise EvidenceError(f"frame has no column {key!r}" + (f" (for {name!r})" if key != name else ""),
                                value=key)
        values[name] = frame[key]
    sources = values.get("source")
    if sources is not None and sources.isna().all():
        sources = None
    return Evidence(values["learner_id"], values["skill_id"], values["score"], values["timestamp"],
                    values["evidence_id"], sources=sources)


def pybkt_frame(evidence: Evidence, pass_mark: float) -> Any:
    """``Evidence.to_pybkt``: pyBKT's four columns in time order, ``correct`` from the pass mark."""
    pd = _pandas("Evidence.to_pybkt")
    order = evidence.order()
    return pd.DataFrame(
        {
            "user_id": evidence.learner_ids[order],
            "skill_name": evidence.skill_ids[order],
            "correct": evidence.passed(pass_mark)[order].astype(np.int64),
            "order_id": np.arange(order.size, dtype=np.int64),
        }
    )


def table_frame(table: MasteryTable) -> Any:
    """``MasteryTable.to_frame``: learners on the index (``learner_id``), skills as columns."""
    pd = _pandas("MasteryTable.to_frame")
    return pd.DataFrame(table.values, index=pd.Index(table.learner_ids, name="learner_id"),
                        columns=list(table.skill_ids))


# --------------------------------------------------------------------- HTML
def evidence_html(evidence: Evidence, n_rows: int = 10) -> str:
    """The notebook view of an Evidence: its summary and its first rows in time order."""
    head = evidence.sorted()
    body = "".join(
        f"<tr><td>{html.escape(str(e))}</td><td>{html.escape(str(lr))}</td><td>{html.escape(str(s))}</td>"
        f"<td>{v:.2f}</td><td>{format_timestamp(t)}</td></tr>"
        for e, lr, s, v, t in zip(
            head.evidence_ids[:n_rows].tolist(), head.learner_ids[:n_rows].tolist(),
            head.skill_ids[:n_rows].tolist(), head.scores[:n_rows].tolist(), head.timestamps[:n_rows],
        )
    )
    more = f"<p>... {len(evidence) - n_rows} more rows</p>" if len(evidence) > n_rows else ""
    skipped = (f"<p>{len(evidence.skipped)} skipped by the reader (see <code>.skipped</code>)</p>"
               if evidence.skipped else "")
    return (
        f"<div><p><b>{html.escape(repr(evidence))}</b></p><table><thead><tr><th>evidence_id</th><th>learner_id</th>"
        f"<th>skill_id</th><th>score</th><th>timestamp (UTC)</th></tr></thead><tbody>{body}</tbody></table>"
        f"{more}{skipped}</div>"
    )


def table_html(table: MasteryTable, n_rows: int = 20, n_columns: int = 12) -> str:
    """The notebook view of a MasteryTable: the first rows and columns, mastered cells in bold."""
    rows, cols = min(table.n_learners, n_rows), min(table.n_skills, n_columns)
    head = "".join(f"<th>{html.escape(str(s))}</th>" for s in table.skill_ids[:cols])
    head += "<th>...</th>" if cols < table.n_skills else ""
    body = []
    for i in range(rows):
        cells = "".join(
            f"<td style='text-align:right{';font-weight:bold' if v >= 0.95 else ''}'>{v:.2f}</td>"
            for v in table.values[i, :cols].tolist()
        )
        cells += "<td>...</td>" if cols < table.n_skills else ""
        body.append(f"<tr><th>{html.escape(str(table.learner_ids[i]))}</th>{cells}</tr>")
    more = f"<p>... {table.n_learners - rows} more learners</p>" if rows < table.n_learners else ""
    return (f"<div><p><b>{html.escape(repr(table))}</b> (P(mastery); bold: at least 0.95)</p>"
            f"<table><thead><tr><th>learner</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{more}</div>")
