"""Scaffolds for a whole cohort: ``(n_learners, n_scaffolds)`` arrays updated in one call.

A state stores, per learner and scaffold, a level and five history counters,
each in the narrowest type that holds it exactly (see :class:`ScaffoldState`,
*Storage*). The update reads those bytes and writes new ones in chunks that
stay in cache, with unsigned integer arithmetic only.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_ids,
    check_int,
    check_json_ids,
    check_texts,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise.evidence import MasteryTable
from personalise.exceptions import InvalidParameterError, ShapeError
from personalise.scaffolds.fading import (
    FadingRule,
    MasteryFading,
    _Coding,
    _coding,
    _rule_from,
)
from personalise.scaffolds.scaffold import (
    _COUNTERS,
    COUNTER_LIMIT,
    STATE_SCHEMA,
    Float,
    Int,
    Scaffold,
    _bool_array,
    _check_kind,
    _check_rule,
    _check_skill,
    _counter_grid,
    _level_grid,
    _mastery_array,
    _sequence,
)

__all__ = ["ScaffoldState"]

UInt = NDArray[np.unsignedinteger[Any]]
Columns = slice | list[int]

#: Storage types of the counters and of level codes, narrowest first, with their largest values.
_UINTS = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32))
_MAX = {dtype: int(np.iinfo(dtype).max) for dtype in _UINTS}
#: Cells per pass of the update: the chunk's arrays (about 1 MB) stay in a core's L2 cache.
_CHUNK = 1 << 16
_ONE = np.uint8(1)
#: Most cells (learners x scaffolds) :meth:`ScaffoldState.start` makes: more could not be indexed.
_MAX_CELLS = int(np.iinfo(np.intp).max) // 64


def _uint(value: int) -> np.dtype[Any]:
    """The narrowest unsigned integer type that holds ``value``."""
    for dtype in _UINTS:
        if value <= _MAX[dtype]:
            return dtype
    raise AssertionError(value)  # counters stop at COUNTER_LIMIT, tables at TABLE_LIMIT


def _freeze(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


Plan = tuple[tuple[FadingRule, Columns, "_Coding | None"], ...]


def _plan(rules: tuple[FadingRule, ...]) -> Plan:
    """Columns grouped by rule (a slice when one rule covers every column), with each rule's coding."""
    if len(set(rules)) == 1:
        return ((rules[0], slice(None), _coding(rules[0])),)
    groups: dict[FadingRule, list[int]] = {}
    for j, rule in enumerate(rules):
        groups.setdefault(rule, []).append(j)
    return tuple((rule, cols, _coding(rule)) for rule, cols in groups.items())


def _code_type(plan: Plan) -> np.dtype[Any] | None:
    """The type of the level codes, or None when some column keeps float64 levels."""
    codings = [coding for _, _, coding in plan]
    return None if None in codings else _uint(max((c.levels.size for c in codings if c is not None), default=0))


def _encode(level: Float, plan: Plan, out: UInt) -> bool:
    """Write the code of every level into ``out``; False if a level is not one of its rule's table values.

    Levels are matched bit for bit (-0.0 is not the code of 0.0), so decoding
    gives back exactly the levels given.
    """
    for _, cols, coding in plan:
        assert coding is not None
        bits = coding.levels.view(np.uint64)
        order = np.argsort(bits, kind="stable")
        table = bits[order]
        wanted = np.ascontiguousarray(level[:, cols]).view(np.uint64)
        at = np.minimum(np.searchsorted(table, wanted), table.size - 1)
        if not np.array_equal(table[at], wanted):
            return False
        out[:, cols] = order[at]
    return True


# ------------------------------------------------------------ the kernel
def _allocate(shape: tuple[int, ...], dtypes: Sequence[np.dtype[Any]]) -> list[NDArray[Any]]:
    """One new array of ``shape`` per dtype."""
    return [np.empty(shape, dtype=dtype) for dtype in dtypes]


class _Chunk:
    """One chunk's outcomes as 0/1 integers, in each storage type asked for (converted once).

    ``on``: 1 where the cell had an opportunity (None: every cell);
    ``right``/``wrong``: 1 for a success/failure there; ``keep_streak`` and
    ``keep_run``: 0 where the bumped streak or failure run resets, else 1.
    """

    def __init__(self, right: NDArray[np.uint8], on: NDArray[np.uint8] | None, scratch: list[NDArray[np.uint8]]) -> None:
        n = right.size
        wrong = scratch[0][:n]
        self.on = on
        if on is None:
            np.bitwise_xor(right, _ONE, out=wrong)
            self.parts = {"right": right, "wrong": wrong, "keep_streak": right, "keep_run": wrong}
        else:
            right_on, off, keep_streak, keep_run = (s[:n] for s in scratch[1:5])
            np.bitwise_and(right, on, out=right_on)
            np.subtract(on, right_on, out=wrong)
            np.bitwise_xor(on, _ONE, out=off)
            np.add(right_on, off, out=keep_streak)
            np.add(wrong, off, out=keep_run)
            self.parts = {"on": on, "right": right_on, "wrong": wrong, "keep_streak": keep_streak, "keep_run": keep_run}
        self.converted: dict[tuple[str, np.dtype[Any]], NDArray[Any]] = {}

    def get(self, name: str, dtype: np.dtype[Any]) -> NDArray[Any]:
        part = self.parts[name]
        if dtype == part.dtype:
            return part
        key = (name, dtype)
        if key not in self.converted:
            self.converted[key] = part.astype(dtype)
        return self.converted[key]


#: (increment, reset) of opportunities, successes, failures, streak and failure_run.
_BUMPS = (("on", None), ("right", None), ("wrong", None), ("on", "keep_streak"), ("on", "keep_run"))


def _bump(old: NDArray[Any], new: NDArray[Any], chunk: _Chunk, increment: str, reset: str | None) -> None:
    """``new = (old + increment) * keep`` for one counter of one chunk (no value can pass the type)."""
    if increment == "on" and chunk.on is None:
        np.add(old, new.dtype.type(1), out=new)
    else:
        np.add(old, chunk.get(increment, new.dtype), out=new)
    if reset is not None:
        np.multiply(new, chunk.get(reset, new.dtype), out=new)


def _climb(old: UInt, new: UInt, chunk: _Chunk, streak: NDArray[Any], coding: _Coding, top: UInt, tmp: UInt) -> None:
    """A ladder's rungs: one down after a success that fades, one up after a failure (if it climbs).

    ``new = min(old + failed, top) - min(old, faded)``: the code type has room
    for ``top + 1``, so nothing wraps and nothing needs a branch.
    """
    down = chunk.get("right", old.dtype)
    if coding.fade_after > 1:  # only a success that makes a run of fade_after steps down
        if coding.fade_after > _MAX[streak.dtype]:
            down = np.zeros_like(down)  # no stored run is that long yet
        else:
            fades = np.remainder(streak, streak.dtype.type(coding.fade_after)) == 0
            down = np.multiply(down, fades, dtype=old.dtype)
    np.minimum(old, down, out=tmp)
    if coding.climbs:
        np.add(old, chunk.get("wrong", old.dtype), out=new)
        np.minimum(new, top, out=new)
        np.subtract(new, tmp, out=new)
    else:
        np.subtract(old, tmp, out=new)


def _count(old: Sequence[NDArray[Any]], new: Sequence[NDArray[Any]], right: NDArray[np.bool_], on: NDArray[np.bool_] | None,
           ladder: tuple[UInt, UInt, _Coding] | None = None) -> None:
    """Write the five counters after one opportunity (and, with ``ladder``, the rungs) chunk by chunk.

    Each chunk is read once from memory and worked on while it is in cache.
    ``ladder`` is ``(old codes, new codes, coding)`` for a state with one
    ladder rule in every column.
    """
    flat_right = right.reshape(-1).view(np.uint8)
    flat_on = None if on is None else on.reshape(-1).view(np.uint8)
    src = [a.reshape(-1) for a in old]
    dst = [a.reshape(-1) for a in new]
    if on is None and ladder is not None and ladder[2].fade_after == 1 and ladder[2].climbs:
        _count_ladder(src, dst, flat_right, ladder[0].reshape(-1), ladder[1].reshape(-1), ladder[2].cap)
        return
    n = flat_right.size
    size = min(_CHUNK, n)
    scratch = [np.empty(size, dtype=np.uint8) for _ in range(5 if on is not None else 1)]
    if ladder is not None:
        codes_old, codes_new = ladder[0].reshape(-1), ladder[1].reshape(-1)
        top = np.full(size, ladder[2].cap, dtype=codes_old.dtype)
        tmp = np.empty(size, dtype=codes_old.dtype)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        chunk = _Chunk(flat_right[start:stop], None if flat_on is None else flat_on[start:stop], scratch)
        for a, b, (increment, reset) in zip(src, dst, _BUMPS):
            _bump(a[start:stop], b[start:stop], chunk, increment, reset)
        if ladder is not None:
            k = stop - start
            _climb(codes_old[start:stop], codes_new[start:stop], chunk, dst[3][start:stop], ladder[2], top[:k], tmp[:k])


def _count_ladder(src: Sequence[NDArray[Any]], dst: Sequence[NDArray[Any]], right: NDArray[np.uint8],
                  codes_old: UInt, codes_new: UInt, top: int) -> None:
    """:func:`_count` written out for its most common case: every cell has an opportunity and one
    ladder rule steps down after each success and up after each failure (12 passes per chunk, plus
    two per storage type wider than uint8, to have the outcomes in that type)."""
    n = right.size
    size = min(_CHUNK, n)
    u8 = np.dtype(np.uint8)
    wider = sorted({a.dtype for a in (*dst, codes_new)} - {u8}, key=lambda d: d.itemsize)
    pairs = {dtype: [np.empty(size, dtype), np.empty(size, dtype)] for dtype in wider}  # (right, wrong) per type
    w8, down, tops = np.empty(size, u8), np.empty(size, codes_new.dtype), np.full(size, top, codes_new.dtype)
    add, multiply, minimum, copyto = np.add, np.multiply, np.minimum, np.copyto
    (o, s, f, k, u), (o2, s2, f2, k2, u2) = src, dst
    ones = [a.dtype.type(1) for a in (o2, k2, u2)]
    # the outcomes each counter adds, in its own type: None for uint8 (the chunk of ``right`` itself)
    r_s, r_k, r_l = (pairs[a.dtype][0] if a.dtype != u8 else None for a in (s2, k2, codes_new))
    w_f, w_u, w_l = (pairs[a.dtype][1] if a.dtype != u8 else None for a in (f2, u2, codes_new))
    for a in range(0, n, _CHUNK):
        b = a + _CHUNK
        if b > n:  # the last, shorter chunk: shorten the scratch arrays once
            b, m = n, n - a
            w8, down, tops = w8[:m], down[:m], tops[:m]
            r_s, r_k, r_l, w_f, w_u, w_l = (None if x is None else x[:m] for x in (r_s, r_k, r_l, w_f, w_u, w_l))
            pairs = {dtype: [x[:m] for x in pair] for dtype, pair in pairs.items()}
        r8 = right[a:b]
        np.bitwise_xor(r8, _ONE, out=w8)
        for r, w in pairs.values():
            copyto(r, r8)
            copyto(w, w8)
        add(o[a:b], ones[0], out=o2[a:b])
        add(s[a:b], r8 if r_s is None else r_s, out=s2[a:b])
        add(f[a:b], w8 if w_f is None else w_f, out=f2[a:b])
        streak, run, rung, new = k2[a:b], u2[a:b], codes_old[a:b], codes_new[a:b]
        add(k[a:b], ones[1], out=streak)
        multiply(streak, r8 if r_k is None else r_k, out=streak)
        add(u[a:b], ones[2], out=run)
        multiply(run, w8 if w_u is None else w_u, out=run)
        minimum(rung, r8 if r_l is None else r_l, out=down)  # 1 where a success steps down
        add(rung, w8 if w_l is None else w_l, out=new)
        minimum(new, tops, out=new)
        np.subtract(new, down, out=new)


def _clock(opportunities: NDArray[Any], coding: _Coding, dtype: np.dtype[Any]) -> UInt:
    """Codes of an opportunity rule: ``min(opportunities // every, cap)``."""
    top = _MAX[opportunities.dtype]
    if coding.every == 1:
        steps = opportunities
    elif coding.every > top:
        steps = np.zeros_like(opportunities)
    else:
        steps = np.floor_divide(opportunities, opportunities.dtype.type(coding.every))
    if coding.cap < top:
        steps = np.minimum(steps, steps.dtype.type(coding.cap))
    return steps.astype(dtype, copy=False)


# ------------------------------------------------------------------ cohort
@attrs.frozen(init=False, eq=False, repr=False)
class ScaffoldState:
    """Scaffolds for a whole cohort: ``(n_learners, n_scaffolds)`` arrays, one column per scaffold.

    Column ``j`` supports skill ``skills[j]`` with rule ``rules[j]`` for every
    learner (the same goal for all); each learner has their own level and
    history. Build one with :meth:`start`; update it with :meth:`after`.

    Parameters
    ----------
    skills, kinds, rules : sequence, one entry per scaffold
        Each column's goal skill, kind of support and fading rule.
    level : array_like of float, shape (n_learners, n_scaffolds)
        Each rule's state (the ``level`` of :class:`Scaffold`).
    opportunities, successes, failures, streak, failure_run : array_like of int, shape (n_learners, n_scaffolds)
        The history counters (see :class:`Scaffold`), whole numbers in
        ``[0, COUNTER_LIMIT]``.

    Notes
    -----
    **Storage.** The state keeps each learner's level and counters in the
    narrowest unsigned integer type that holds them exactly; :attr:`level`,
    :attr:`support` and the counters read as float64 and int32 arrays, with
    the values they would have at full width (``level`` and the counters are
    widened on first use and kept with the state).

    * *Levels as codes.* Under :func:`~personalise.contingent_fading` and
      :func:`~personalise.backward_fading` the code is the rung, ``0 .. top``.
      Under :func:`~personalise.linear_fading`,
      :func:`~personalise.exponential_fading` and
      :func:`~personalise.stepwise_fading` the level depends on the number of
      opportunities ``t`` only, and only until the rule's last step ``cap``
      (``opportunities``; one past ``ExponentialFading.last``; the last of
      the ``levels``): the code is ``min(t // every, cap)`` (``every`` is 1
      except for the stepwise rule). The level is the code's entry in a table
      of the rule's own float64 values. Codes are ``uint8`` while every
      column's table has at most 255 entries, else ``uint16`` (at most
      65,535 entries). A state with a :func:`~personalise.mastery_fading`
      column (its level is any number in [0, 1]), a larger table, or a level
      set by hand that is not one of its rule's values keeps float64 levels.
    * *Counters.* Each counter is ``uint8`` while its largest count is at
      most 255; the update in which a count would pass 255 (or 65,535) stores
      that counter as ``uint16`` (or ``uint32``) from then on, and a state
      built with larger counts starts in the wider type. No counter wraps or
      saturates: every count is exact up to ``COUNTER_LIMIT`` (2**31 - 1),
      where :meth:`after` refuses to go on, as :meth:`Scaffold.after` does.
      Of the counters, the rules read only ``opportunities`` (the clock
      rules, up to ``cap``) and ``streak`` (the contingent rule with
      ``fade_after > 1``, modulo ``fade_after``); the others are history, for
      audits and reports.

    For 1,000,000 learners x 8 contingent scaffolds with counts below 256 the
    state is 6 bytes per cell (48 MB), against 28 at full width.

    Examples
    --------
    >>> import numpy as np, personalise as pl
    >>> state = pl.ScaffoldState.start(3, [pl.Scaffold("add", pl.contingent_fading(levels=2)),
    ...                                    pl.Scaffold("sub", pl.linear_fading(4))])
    >>> state.support
    array([[1., 1.],
           [1., 1.],
           [1., 1.]])
    >>> state = state.after(np.array([[True, True], [False, True], [True, False]]))
    >>> state.support
    array([[0.5 , 0.75],
           [1.  , 0.75],
           [0.5 , 0.75]])
    >>> state.scaffold(1, 0).failures
    1
    """

    skills: tuple[Hashable, ...]
    kinds: tuple[str, ...]
    rules: tuple[FadingRule, ...]
    _level: NDArray[Any]
    _opportunities: UInt
    _successes: UInt
    _failures: UInt
    _streak: UInt
    _failure_run: UInt
    _bounds: tuple[int, ...]
    _plan: Plan
    _views: dict[str, NDArray[Any]]

    def __init__(self, skills: Any, kinds: Any, rules: Any, level: Any, opportunities: Any, successes: Any,
                 failures: Any, streak: Any, failure_run: Any) -> None:
        skills = tuple(_check_skill(skill, f"skills[{j}]") for j, skill in enumerate(check_ids(_sequence(skills, "skills"), "skills")))
        kinds = tuple(_check_kind(kind, f"kinds[{j}]") for j, kind in enumerate(check_texts(_sequence(kinds, "kinds"), "kinds")))
        rules = tuple(_check_rule(rule, f"rules[{j}]") for j, rule in enumerate(_sequence(rules, "rules")))
        levels = _level_grid(level)
        counters = [_counter_grid(value, name) for value, name in zip((opportunities, successes, failures, streak, failure_run), _COUNTERS)]
        m = len(skills)
        if len(kinds) != m or len(rules) != m:
            raise ShapeError(f"skills, kinds and rules must have one entry per scaffold; got {m} skills, {len(kinds)} "
                             f"kinds and {len(rules)} rules", value=(m, len(kinds), len(rules)))
        shape = levels.shape
        if len(shape) != 2 or shape[1] != m:
            raise ShapeError(f"level must have shape (n_learners, {m}); got {shape}", value=shape)
        for name, values in zip(_COUNTERS, counters):
            if values.shape != shape:
                raise ShapeError(f"{name} must have the shape of level {shape}; got {values.shape}", value=values.shape)
        plan = _plan(rules) if m else ()
        for rule, cols, _ in plan:
            block = np.ascontiguousarray(levels[:, cols])
            try:
                rule.check_levels(block)
            except InvalidParameterError as err:
                value = float(err.value)  # type: ignore[arg-type]
                i, j = (int(x) for x in np.argwhere(np.isnan(block) if np.isnan(value) else block == value)[0])
                column = j if isinstance(cols, slice) else cols[j]
                raise InvalidParameterError(f"{err} at ({i}, {column})", value=err.value) from None
        opportunities_, successes_, failures_ = counters[:3]
        over = np.argwhere(successes_.astype(np.int64) + failures_ > opportunities_)
        if over.size:
            i, j = (int(x) for x in over[0])
            raise InvalidParameterError(
                f"successes + failures exceed opportunities at ({i}, {j})", value=int(opportunities_[i, j])
            )
        _fill(self, (skills, kinds, rules), levels, counters, plan)

    # ----------------------------------------------------------- reading
    def __repr__(self) -> str:
        return f"ScaffoldState(n_learners={self.n_learners}, n_scaffolds={self.n_scaffolds})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ScaffoldState)
        return (
            (self.skills, self.kinds, self.rules) == (other.skills, other.kinds, other.rules)
            and np.array_equal(self.level, other.level)
            and all(np.array_equal(getattr(self, "_" + name), getattr(other, "_" + name)) for name in _COUNTERS)
        )

    def __hash__(self) -> int:
        return hash((ScaffoldState, self.skills, self.kinds, self.rules))

    @property
    def n_learners(self) -> int:
        """Number of learners (rows)."""
        return int(self._level.shape[0])

    @property
    def n_scaffolds(self) -> int:
        """Number of scaffolds (columns)."""
        return len(self.skills)

    @property
    def _coded(self) -> bool:
        return self._level.dtype != np.float64

    def _decoded(self, name: str) -> Float:
        """``level`` or ``support`` of every cell, from the codes (a new array).

        A ladder's level is its rung and its support ``rung / top`` (the same
        division as the rule's); any other rule's are read from its tables.
        """
        out = np.empty(self._level.shape)
        for _, cols, coding in self._plan:
            assert coding is not None
            whole = isinstance(cols, slice)
            codes = self._level if whole else self._level[:, cols]
            values = out if whole else np.empty(codes.shape)
            if not coding.ladder:
                np.take(coding.levels if name == "level" else coding.supports, codes, out=values, mode="clip")
            elif name == "level":
                np.copyto(values, codes)
            else:
                np.divide(codes, np.float64(coding.cap), out=values)
            if not whole:
                out[:, cols] = values
        return out

    def _view(self, name: str) -> NDArray[Any]:
        """A full-width, read-only copy of one stored array, made on first use and kept."""
        view = self._views.get(name)
        if view is None:
            view = _freeze(self._decoded("level") if name == "level" else getattr(self, "_" + name).astype(np.int32))
            self._views[name] = view
        return view

    @property
    def level(self) -> Float:
        """Each rule's state, float64, shape (n_learners, n_scaffolds) (read-only; the ``level`` of :class:`Scaffold`)."""
        return self._level if not self._coded else self._view("level")

    @property
    def opportunities(self) -> Int:
        """Opportunities so far, int32, shape (n_learners, n_scaffolds) (read-only)."""
        return self._view("opportunities")

    @property
    def successes(self) -> Int:
        """Successes so far, int32, shape (n_learners, n_scaffolds) (read-only)."""
        return self._view("successes")

    @property
    def failures(self) -> Int:
        """Failures so far, int32, shape (n_learners, n_scaffolds) (read-only)."""
        return self._view("failures")

    @property
    def streak(self) -> Int:
        """The current run of consecutive successes, int32, shape (n_learners, n_scaffolds) (read-only)."""
        return self._view("streak")

    @property
    def failure_run(self) -> Int:
        """The current run of consecutive failures, int32, shape (n_learners, n_scaffolds) (read-only)."""
        return self._view("failure_run")

    @property
    def support(self) -> Float:
        """Support in [0, 1] of every learner and scaffold, shape (n_learners, n_scaffolds)."""
        if self._coded:
            return self._decoded("support")
        out = np.empty(self._level.shape)
        for rule, cols, _ in self._plan:
            out[:, cols] = rule._supports(self._level[:, cols])
        return out

    @classmethod
    def start(cls, n_learners: int, scaffolds: Sequence[Scaffold]) -> ScaffoldState:
        """Every learner starts from the given scaffolds (one column each).

        Examples
        --------
        >>> import personalise as pl
        >>> pl.ScaffoldState.start(30, [pl.Scaffold("add", pl.mastery_fading())])
        ScaffoldState(n_learners=30, n_scaffolds=1)
        """
        items = _sequence(scaffolds, "scaffolds")
        for position, item in enumerate(items):
            if not isinstance(item, Scaffold):
                raise InvalidParameterError(f"scaffolds must hold Scaffold objects; got {item!r:.80} at position "
                                            f"{position}", value=item)
        n = check_int(n_learners, "n_learners", minimum=0, maximum=_MAX_CELLS // max(1, len(items)))

        def column(name: str) -> Any:
            return np.tile(np.array([getattr(s, name) for s in items], dtype=np.float64 if name == "level" else np.int32), (n, 1))

        rules = tuple(s.rule for s in items)
        state = object.__new__(cls)  # the scaffolds are checked: no need to check their values again
        _fill(state, (tuple(s.skill for s in items), tuple(s.kind for s in items), rules), column("level"),
              [column(name) for name in _COUNTERS], _plan(rules) if items else ())
        return state

    # ----------------------------------------------------------- updating
    def after(self, outcomes: Any, *, mastery: Any = None, active: Any = None) -> ScaffoldState:
        """The state after one opportunity per learner and scaffold (a new object).

        Parameters
        ----------
        outcomes : array_like of bool, shape (n_learners, n_scaffolds)
            Success (True) or failure of each learner on each scaffold's task.
        mastery : array_like, shape (n_learners, n_scaffolds), or MasteryTable, optional
            P(mastery) of each column's goal skill; required when a column
            uses :func:`mastery_fading`. A :class:`~personalise.MasteryTable`
            (one row per learner, in the state's row order) gives each column
            its goal skill's P(mastery); its other skills are not used.
        active : array_like of bool, shape (n_learners, n_scaffolds), optional
            Who had an opportunity; the others are left unchanged (default: all).

        Raises
        ------
        ShapeError
            If an array does not have the state's shape.
        InvalidParameterError
            If ``outcomes`` or ``active`` is not boolean (0/1), mastery is
            missing, NaN or outside [0, 1], or a counter is at
            ``COUNTER_LIMIT``.

        Notes
        -----
        One pass over the state in chunks of 65,536 cells: each chunk's
        counters (and, when one ladder rule covers every column, its rungs)
        are computed with unsigned integer arithmetic while the chunk is in
        cache, straight into the new state's arrays. A counter is stored one
        type wider from the update in which it would pass its type's maximum
        (see the class's Notes); its values never wrap or saturate.
        """
        shape = self._level.shape
        right = _bool_array(outcomes, "outcomes", shape)
        bounds = self._next_bounds()
        on = None if active is None else _bool_array(active, "active", shape)
        needs_mastery = any(rule.uses_mastery for rule in self.rules)
        if isinstance(mastery, MasteryTable) and needs_mastery:
            position = {skill: j for j, skill in enumerate(mastery.skill_ids)}  # its other skills are not needed
            for skill in self.skills:
                if skill not in position:
                    raise ShapeError(f"mastery has no column for skill {skill!r}, the goal of a scaffold column",
                                     value=skill)
            mastery = mastery.values[:, [position[skill] for skill in self.skills]]
        values = _mastery_array(mastery, shape) if needs_mastery else None
        return _step(self, right, on, values, bounds)

    def _next_bounds(self) -> tuple[int, ...]:
        """Upper bounds of the counters after one more opportunity (looking at a counter's values only
        when its bound reaches its type's maximum); raises when a counter is at ``COUNTER_LIMIT``."""
        bounds = []
        for name, bound in zip(_COUNTERS, self._bounds):
            values = getattr(self, "_" + name)
            if bound >= min(_MAX[values.dtype], COUNTER_LIMIT):
                bound = int(values.max()) if values.size else 0
            if bound >= COUNTER_LIMIT:
                what = "an opportunity" if name == "opportunities" else f"a {name.replace('_', ' ')}"
                raise InvalidParameterError(f"{what} counter is at its limit ({COUNTER_LIMIT})", value=COUNTER_LIMIT)
            bounds.append(bound + 1)
        return tuple(bounds)

    # ----------------------------------------------------------- objects, JSON
    def scaffold(self, learner: int, column: int) -> Scaffold:
        """The :class:`Scaffold` of one learner (row) and column, as an object."""
        i = check_int(learner, "learner", minimum=0)
        j = check_int(column, "column", minimum=0)
        for name, index, size in (("learner", i, self.n_learners), ("column", j, self.n_scaffolds)):
            if index >= size:
                raise InvalidParameterError(f"{name} must be in [0, {size}) (the state's shape); got {index}", value=index)
        level = self._level[i, j]
        if self._coded:
            coding = next(coding for _, cols, coding in self._plan if isinstance(cols, slice) or j in cols)
            assert coding is not None
            level = coding.levels[level]
        return Scaffold(
            self.skills[j],
            self.rules[j],
            kind=self.kinds[j],
            level=float(level),
            opportunities=int(self._opportunities[i, j]),
            successes=int(self._successes[i, j]),
            failures=int(self._failures[i, j]),
            streak=int(self._streak[i, j]),
            failure_run=int(self._failure_run[i, j]),
        )

    def to_json(self) -> str:
        """The state as a JSON document with a ``"schema"`` field (exact round trip).

        Examples
        --------
        >>> import numpy as np, personalise as pl
        >>> state = pl.ScaffoldState.start(2, [pl.Scaffold("add", pl.exponential_fading(3))])
        >>> state = state.after(np.array([[True], [False]]))
        >>> pl.ScaffoldState.from_json(state.to_json()) == state
        True
        """
        for skill in self.skills:
            writable_id(skill)
        data: dict[str, Any] = {
            "schema": STATE_SCHEMA,
            "skills": list(self.skills),
            "kinds": list(self.kinds),
            "rules": [rule.to_dict() for rule in self.rules],
            "level": self.level.tolist(),
        }
        data.update({name: getattr(self, "_" + name).tolist() for name in _COUNTERS})
        return json.dumps(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> ScaffoldState:
        """Rebuild a state from :meth:`to_json` output.

        Raises
        ------
        InvalidParameterError
            If ``document`` is not a scaffold state document (another
            schema, not JSON), or on a missing or bad field (the message
            names it), such as an unknown rule name.
        """
        data = load_json_document(document, STATE_SCHEMA)
        require_fields(data, ("skills", "kinds", "rules", "level", *_COUNTERS), "document: the scaffold state")
        for name in ("skills", "kinds", "rules"):
            if not isinstance(data[name], list):
                raise InvalidParameterError(f"field {name!r} of a scaffold state must be a list; got "
                                            f"{data[name]!r:.80}", value=name)
        n_cols = len(data["skills"])

        def grid(name: str) -> NDArray[Any]:
            array = as_array(data[name], f"field {name!r} of the scaffold state document", kinds="iuf")
            if array.ndim == 2:
                return array
            if array.size:
                raise InvalidParameterError(f"field {name!r} must be a table (one row per learner)", value=name)
            return array.reshape(0, n_cols)

        return cls(
            check_json_ids(data["skills"], "field 'skills' of the scaffold state document"),
            data["kinds"],
            [_rule_from(rule, f"rules[{j}] (of the scaffold state document)")
             for j, rule in enumerate(data["rules"])],
            grid("level"),
            *(grid(name) for name in _COUNTERS),  # the constructor checks they are whole numbers
        )


def _fill(state: ScaffoldState, columns: tuple[tuple[Hashable, ...], tuple[str, ...], tuple[FadingRule, ...]],
          levels: Float, counters: Sequence[NDArray[Any]], plan: Plan) -> None:
    """Fill a new state from checked values: float64 ``levels`` it may keep, counters it copies (narrowed)."""
    bounds = tuple(int(values.max()) if values.size else 0 for values in counters)
    code_type = _code_type(plan)
    codes = None if code_type is None else np.empty(levels.shape, dtype=code_type)
    if codes is not None and not _encode(levels, plan, codes):
        codes = None
    types = [_uint(bound) for bound in bounds]
    arrays = _allocate(levels.shape, types if codes is None else [codes.dtype, *types])
    if codes is None:
        arrays.insert(0, levels)  # float64 levels, already a copy
    else:
        np.copyto(arrays[0], codes)
    for target, values in zip(arrays[1:], counters):
        np.copyto(target, values, casting="unsafe")  # whole numbers that fit, checked
    _set(state, *columns, arrays, bounds, plan)


def _set(state: ScaffoldState, skills: tuple[Hashable, ...], kinds: tuple[str, ...], rules: tuple[FadingRule, ...],
         arrays: Sequence[NDArray[Any]], bounds: tuple[int, ...], plan: Plan) -> None:
    """Fill a state's fields from arrays it owns (frozen here, not copied)."""
    for name, field in (("skills", skills), ("kinds", kinds), ("rules", rules), ("_bounds", bounds), ("_plan", plan)):
        object.__setattr__(state, name, field)
    object.__setattr__(state, "_level", _freeze(arrays[0]))
    for name, array in zip(_COUNTERS, arrays[1:]):
        object.__setattr__(state, "_" + name, _freeze(array))
    object.__setattr__(state, "_views", {})


def _step(state: ScaffoldState, right: NDArray[np.bool_], on: NDArray[np.bool_] | None, mastery: Float | None,
          bounds: tuple[int, ...]) -> ScaffoldState:
    """The kernel of :meth:`ScaffoldState.after` (inputs checked; nothing is written but the new arrays)."""
    shape = state._level.shape
    old = [getattr(state, "_" + name) for name in _COUNTERS]
    types = [_uint(bound) for bound in bounds]
    old = [values if values.dtype == dtype else values.astype(dtype) for values, dtype in zip(old, types)]  # widened
    plan, coded = state._plan, state._coded
    arrays = _allocate(shape, [state._level.dtype, *types] if coded else types)
    level: NDArray[Any] | None = arrays[0] if coded else None
    counters = arrays[1:] if coded else arrays
    first = plan[0][2] if len(plan) == 1 else None
    fused = coded and first is not None and first.ladder
    _count(old, counters, right, on, (state._level, level, first) if fused else None)  # type: ignore[arg-type]
    for rule, cols, coding in () if fused else plan:
        whole = isinstance(cols, slice)
        before = state._level if whole else state._level[:, cols]
        live = None if on is None else on if whole else on[:, cols]
        if coding is not None and coded:
            new: NDArray[Any] = _group_codes(before, coding, counters, right if whole else right[:, cols], live, cols, whole)
        else:
            reads = type(rule) is not MasteryFading  # the other rules may read the counters (at full width, as before)
            opportunities: Any = counters[0][:, cols].astype(np.int32 if reads else counters[0].dtype, copy=False)
            streak: Any = counters[3][:, cols].astype(np.int32 if reads else counters[3].dtype, copy=False)
            new = np.asarray(rule.next_levels(
                before,
                opportunities,
                streak,
                right[:, cols],
                None if mastery is None else mastery[:, cols],
            ), dtype=np.float64)
            if live is not None:
                new = np.where(live, new, before)
            if whole:
                level = new  # a fresh array
                continue
        if level is None:
            level = np.empty(shape)
        level[:, cols] = new
    if level is None:  # no column
        level = np.empty(shape)
    arrays = [level, *counters]
    new_state = object.__new__(ScaffoldState)
    _set(new_state, state.skills, state.kinds, state.rules, arrays, bounds, plan)
    return new_state


def _group_codes(before: UInt, coding: _Coding, counters: Sequence[NDArray[Any]], right: NDArray[np.bool_],
                 on: NDArray[np.bool_] | None, cols: Columns, whole: bool) -> UInt:
    """New codes of one rule's columns (counters already updated)."""
    if not coding.ladder:
        codes = _clock(counters[0] if whole else counters[0][:, cols], coding, before.dtype)
        return codes if on is None else np.where(on, codes, before)
    before = np.ascontiguousarray(before)
    streak = np.ascontiguousarray(counters[3] if whole else counters[3][:, cols])
    new = np.empty_like(before)
    r = np.ascontiguousarray(right).view(np.uint8)
    live = None if on is None else np.ascontiguousarray(on).view(np.uint8)
    chunk = _Chunk(r.reshape(-1), None if live is None else live.reshape(-1),
                   [np.empty(r.size, dtype=np.uint8) for _ in range(5 if live is not None else 1)])
    top = np.full(r.size, coding.cap, dtype=before.dtype)
    _climb(before.reshape(-1), new.reshape(-1), chunk, streak.reshape(-1), coding, top, np.empty(r.size, dtype=before.dtype))
    return new
