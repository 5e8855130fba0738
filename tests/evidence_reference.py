"""Plain-Python references and hypothesis strategies for evidence with ids.

* :func:`estimate_mastery_ref`: Bayesian Knowledge Tracing over an
  :class:`~personalise.Evidence`, written as the definition reads: sort the
  rows by (time, evidence id) with Python's ``sorted``, then apply the
  one-opportunity update of ``tests/bkt_reference.py`` row by row to a dict of
  learner -> skill -> P(known).
* :func:`evidence_sets`: hypothesis strategy of small evidence sets with ties
  in time, repeated learner-skill pairs, offsets other than UTC and
  fractional scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from tests.bkt_reference import update_ref

__all__ = ["estimate_mastery_ref", "evidence_sets", "utc_micros"]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def utc_micros(text: str) -> int:
    """Microseconds since the epoch of an ISO 8601 text with an offset, by datetime arithmetic."""
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def estimate_mastery_ref(
    params: Mapping[Hashable, Mapping[str, float]],
    rows: Sequence[tuple[Hashable, Hashable, float, int, Hashable]],
    *,
    learner_ids: Sequence[Hashable] | None = None,
    prior: Mapping[Hashable, Mapping[Hashable, float]] | None = None,
    pass_mark: float = 0.5,
) -> dict[Hashable, dict[Hashable, float]]:
    """``estimate_mastery`` by definition.

    ``rows`` are ``(learner, skill, score, utc_microseconds, evidence_id)``;
    ``params`` maps skill -> parameter dict; ``prior`` learner -> skill -> value.
    Returns learner -> skill -> P(known), for the learners of the result in order.
    """
    if learner_ids is None:
        order: list[Hashable] = list(prior) if prior else []
        for learner, *_ in rows:
            if learner not in order:
                order.append(learner)
    else:
        order = list(learner_ids)
    state = {
        learner: {skill: (prior or {}).get(learner, {}).get(skill, p["prior"]) for skill, p in params.items()}
        for learner in order
    }
    for learner, skill, score, _, _ in sorted(rows, key=lambda row: (row[3], row[4])):
        if learner not in state:
            continue
        state[learner][skill] = update_ref(state[learner][skill], params[skill], int(score >= pass_mark))
    return state


OFFSETS = ("Z", "+00:00", "+01:00", "-05:00", "+05:30", "-00:30")


@st.composite
def evidence_sets(draw: Any, *, max_rows: int = 24, skills: Sequence[str] = ("add", "count", "sub")) -> dict[str, Any]:
    """A dict of Evidence constructor columns (plain lists, ISO text with assorted offsets)."""
    n = draw(st.integers(0, max_rows))
    learners = draw(st.lists(st.sampled_from(["ann", "bo", "cy", "di"]), min_size=n, max_size=n))
    skill_col = draw(st.lists(st.sampled_from(list(skills)), min_size=n, max_size=n))
    scores = draw(st.lists(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)), min_size=n, max_size=n))
    base = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)
    minutes = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))  # few distinct times: many ties
    offsets = draw(st.lists(st.sampled_from(OFFSETS), min_size=n, max_size=n))
    stamps = []
    for minute, offset in zip(minutes, offsets):
        moment = base + dt.timedelta(minutes=minute * 7)
        zone = dt.timezone.utc if offset in ("Z", "+00:00") else dt.datetime.fromisoformat(
            "2026-01-01T00:00" + offset).tzinfo
        local = moment.astimezone(zone)
        text = local.isoformat()
        stamps.append(text.replace("+00:00", "Z") if offset == "Z" else text)
    ids = draw(st.permutations([f"e{i:03d}" for i in range(n)]))
    return {"learner_ids": learners, "skill_ids": skill_col, "scores": scores, "timestamps": stamps,
            "evidence_ids": list(ids)}


def rows_of(columns: Mapping[str, Sequence[Any]]) -> list[tuple[Hashable, Hashable, float, int, Hashable]]:
    """The reference's row tuples from Evidence constructor columns."""
    return [
        (lr, s, float(v), utc_micros(t), e)
        for lr, s, v, t, e in zip(columns["learner_ids"], columns["skill_ids"], columns["scores"],
                                  columns["timestamps"], columns["evidence_ids"])
    ]


def table_dict(table: Any) -> dict[Hashable, dict[Hashable, float]]:
    """A MasteryTable as learner -> skill -> value."""
    values = np.asarray(table.values)
    return {
        learner: {skill: float(values[i, j]) for j, skill in enumerate(table.skill_ids)}
        for i, learner in enumerate(table.learner_ids)
    }
