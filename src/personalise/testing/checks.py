"""Conformance checks: recommendations that keep the library's contract, policies that keep its protocol.

* :func:`assert_recommendations_valid` checks a
  :class:`~personalise.Recommendations` against the graph and the mastery it
  was made from, by definition (loops over the graph's prerequisite lists,
  not the library's kernels).
* :func:`check_policy` runs a :class:`~personalise.Policy` in
  :func:`~personalise.simulate` and on a probe class, and checks that it
  follows the protocol, is reproducible, leaves global random state alone
  and keeps the same goal for every learner.

Both raise :class:`AssertionError` with a message naming what failed, so
that they read as test failures under pytest. An argument that is not what
is checked at all (``recs`` without the attributes of a Recommendations, a
``policy`` that is a class or has no ``start`` method) and bad options of the
checks themselves raise :class:`~personalise.InvalidParameterError` naming
the argument, as everywhere in the library.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NoReturn, TypeVar

import numpy as np
from numpy.typing import NDArray

from personalise._random import RNG_BLOCK, root_entropy
from personalise._validation import (
    check_int,
    check_mastery,
    check_probability_block,
    check_threshold,
    learner_ids_of,
)
from personalise.content.ranking import (
    GOAL,
    IN_BAND,
    OUT_OF_BAND,
    REVIEW,
    TERMS,
    UNLOCKS,
)
from personalise.exceptions import InvalidParameterError
from personalise.experience._graph import _ancestors
from personalise.graph import CompiledGraph, compile_graph
from personalise.simulation.engine import (
    MAX_LEARNERS,
    MAX_STEPS,
    _topological,
    simulate,
)
from personalise.simulation.protocol import PolicySetting

__all__ = ["PROBE_EDGES", "assert_recommendations_valid", "check_policy"]

T = TypeVar("T")

#: The unit :func:`check_policy` uses when no graph is given: six skills, two branches that meet again.
PROBE_EDGES = (
    ("count", "add"),
    ("count", "compare"),
    ("add", "subtract"),
    ("add", "multiply"),
    ("multiply", "divide"),
    ("subtract", "divide"),
)

#: What an object must have to be checked as recommendations (a Recommendations has them all).
_RECS_FIELDS = ("indices", "scores", "steps_to_goal", "terms", "recall", "predicted_success", "goal_index",
                "goal_sets", "reasons", "graph", "threshold")

#: Where each ranking term may stand in a row: reviews first, then predicted success inside the band, then outside.
_PLACE = {REVIEW: 0, UNLOCKS: 1, GOAL: 1, IN_BAND: 1, OUT_OF_BAND: 2}


def _fail(message: str) -> NoReturn:
    raise AssertionError(message)


def _steps_to(graph: CompiledGraph, goal: set[int]) -> list[int]:
    """Fewest prerequisite steps from each skill to a skill of ``goal`` (-1: it does not lead there)."""
    steps = [-1] * graph.n_skills
    frontier = sorted(goal)
    for j in frontier:
        steps[j] = 0
    distance = 0
    while frontier:
        distance += 1
        following: list[int] = []
        for v in frontier:
            for u in graph.pred_indices[graph.pred_indptr[v] : graph.pred_indptr[v + 1]].tolist():
                if steps[u] < 0:
                    steps[u] = distance
                    following.append(u)
        frontier = following
    return steps


def _array(recs: Any, name: str, shape: tuple[int, ...]) -> NDArray[Any]:
    try:
        value = np.asarray(getattr(recs, name))
    except Exception as error:
        raise AssertionError(f"recs.{name} is not an array: {type(error).__name__}: {error}") from error
    if value.shape != shape:
        _fail(f"recs.{name} must have the shape of recs.indices {shape}; got {value.shape}")
    return value


def assert_recommendations_valid(
    graph: CompiledGraph, mastery: Any, recs: Any, *, threshold: float | None = None
) -> None:
    """Raise AssertionError unless ``recs`` are valid next steps for ``mastery`` on ``graph``.

    Checks, learner by learner, what :func:`~personalise.recommend_next`
    promises:

    * ids match: ``recs.graph`` has the graph's skill ids, and a
      :class:`~personalise.MasteryTable`'s learner ids are ``recs.learner_ids``;
    * ``recs.indices`` is an integer array (n_learners, k) of columns,
      padded with -1 at the end of a row only, with no skill twice in a row;
    * every new-learning item is in the outer fringe: not mastered, every
      direct prerequisite mastered (mastered: at or above the threshold,
      compared in the mastery array's dtype); a review item is mastered;
    * a learner with a goal is recommended only skills that lead to it,
      with ``steps_to_goal`` the fewest prerequisite steps to it;
    * ranks are ordered: reviews first (most decayed first), then predicted
      success inside the target band before outside it, and within each,
      the score falls (``n_descendants`` without a goal, minus the steps to
      the goal with one), ties by descendants then by lower column;
    * a row padded with -1 lists every eligible ready skill;
    * with a target band (``recs.target_success``), a ``"target success"``
      item's ``predicted_success`` lies in the band and an ``"outside
      target success"`` item's outside it; without one neither term appears,
      and ``"goal"`` items belong to learners with a goal, ``"unlocks"``
      items to learners without;
    * each recommendation has a reason (a non-empty string).

    Parameters
    ----------
    graph : CompiledGraph
        The graph the recommendations are for.
    mastery : array_like, shape (n_learners, n_skills), or MasteryTable
        The mastery they were made from (a table is matched by skill id).
    recs : Recommendations
        What is checked (or any object with the same attributes: indices,
        scores, steps_to_goal, terms, recall, predicted_success, goal_index,
        goal_sets, reasons, graph and threshold).
    threshold : float, optional
        The mastery threshold; default ``recs.threshold``. When given it
        must equal ``recs.threshold``.

    Raises
    ------
    AssertionError
        Naming the first rule broken, the learner (row) and the rank.
    InvalidParameterError
        If ``graph`` is not a CompiledGraph, ``recs`` lacks the attributes of
        a Recommendations (it is not recommendations at all), or
        ``mastery`` or ``threshold`` is not valid (see also ShapeError).
    ShapeError
        If ``mastery`` does not have one column per skill of ``graph``.

    Examples
    --------
    >>> import attrs, numpy as np, personalise as pl
    >>> from personalise.testing import assert_recommendations_valid
    >>> g = pl.compile_graph([("count", "add"), ("add", "multiply")])
    >>> mastery = np.array([[0.99, 0.40, 0.00], [0.99, 0.97, 0.10]])
    >>> recs = pl.recommend_next(g, mastery, k=2)
    >>> assert_recommendations_valid(g, mastery, recs)
    >>> broken = attrs.evolve(recs, indices=np.array([[2, -1], [2, -1]]))
    >>> assert_recommendations_valid(g, mastery, broken)
    Traceback (most recent call last):
    ...
    AssertionError: learner 0, rank 1: 'multiply' is not ready: its prerequisite 'add' is not mastered (0.4 < 0.95)
    """
    if not isinstance(graph, CompiledGraph):
        raise InvalidParameterError(f"graph must be a CompiledGraph; got {type(graph).__name__}", value=graph)
    array = check_mastery(mastery, graph.n_skills, graph.skill_ids)
    check_probability_block(array, 0)
    present = set(dir(recs))  # not hasattr: that would run (and could raise from) a property such as reasons
    missing = [name for name in _RECS_FIELDS if name not in present]
    if missing:
        raise InvalidParameterError(f"recs must be a Recommendations (or have its attributes); got "
                                    f"{type(recs).__name__} {recs!r:.60}, without {', '.join(missing)}", value=recs)
    made_with = getattr(recs, "threshold", None)
    if threshold is not None:
        limit = check_threshold(threshold)
        if made_with != limit:
            _fail(f"recs were made with threshold {made_with!r}, not {limit!r}")
    else:
        try:
            limit = check_threshold(made_with, "recs.threshold")
        except InvalidParameterError as error:
            raise AssertionError(str(error)) from None
    ids = graph.skill_ids
    own_graph = getattr(recs, "graph", None)
    if not isinstance(own_graph, CompiledGraph) or own_graph.skill_ids != ids:
        shown = getattr(own_graph, "skill_ids", own_graph)
        _fail(f"recs.graph must have the graph's skill ids {ids!r}; got {shown!r}")
    table_ids = learner_ids_of(mastery)
    if table_ids is not None and tuple(getattr(recs, "learner_ids", None) or ()) != table_ids:
        _fail(f"recs.learner_ids must be the mastery table's learner ids {table_ids!r}; "
              f"got {getattr(recs, 'learner_ids', None)!r}")
    indices = np.asarray(recs.indices)
    n = array.shape[0]
    if indices.ndim != 2 or indices.shape[0] != n or indices.shape[1] < 1 or indices.dtype.kind not in "iu":
        _fail(f"recs.indices must be an integer array of shape ({n}, k) with k >= 1; "
              f"got {indices.dtype} of shape {indices.shape}")
    outside = np.argwhere((indices < -1) | (indices >= graph.n_skills))
    if outside.size:
        i, rank = (int(x) for x in outside[0])
        _fail(f"learner {i}, rank {rank + 1}: column {int(indices[i, rank])} is not a skill (columns run from 0 to "
              f"{graph.n_skills - 1}, -1 pads)")
    shape = indices.shape
    scores = _array(recs, "scores", shape).astype(np.float64)
    steps = _array(recs, "steps_to_goal", shape)
    terms = _array(recs, "terms", shape)
    recall = _array(recs, "recall", shape).astype(np.float64)
    predicted = _array(recs, "predicted_success", shape).astype(np.float64)
    band = _band(getattr(recs, "target_success", None))
    goal_index = np.asarray(getattr(recs, "goal_index", None))
    if goal_index.shape != (n,):
        _fail(f"recs.goal_index must have shape ({n},); got {goal_index.shape}")
    goal_sets = tuple(getattr(recs, "goal_sets", ()))
    for goal in goal_sets:
        unknown = [skill for skill in goal if skill not in set(ids)]
        if unknown or not goal:
            _fail(f"recs.goal_sets holds {goal!r}, which is not a non-empty set of the graph's skills")
    try:
        reasons = tuple(getattr(recs, "reasons", ()))
    except Exception as error:
        raise AssertionError(f"recs.reasons could not be built: {type(error).__name__}: {error}") from error
    if len(reasons) != n:
        _fail(f"recs.reasons must hold one tuple of reasons per learner ({n}); got {len(reasons)}")
    mastered = array >= array.dtype.type(limit)
    descendants = graph.n_descendants
    goal_steps = [_steps_to(graph, {graph.index_of(s) for s in goal}) for goal in goal_sets]
    for i in range(n):
        _check_row(graph, array[i], mastered[i], limit, i, indices[i], scores[i], steps[i], terms[i], recall[i],
                   int(goal_index[i]), goal_sets, goal_steps, descendants, reasons[i], predicted[i], band)


def _band(value: Any) -> tuple[float, float] | None:
    """``recs.target_success``: None, or a (low, high) pair of probabilities with low < high."""
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        _fail(f"recs.target_success must be None or a (low, high) pair; got {value!r:.80}")
    if not 0.0 <= low < high <= 1.0:
        _fail(f"recs.target_success must be a (low, high) pair with 0 <= low < high <= 1; got {value!r}")
    return low, high


def _check_term(where: str, skill: Hashable, term: int, goal: int, predicted: float,
                band: tuple[float, float] | None) -> None:
    """The term of a new-learning item agrees with the learner's goal and the target band."""
    if term in (IN_BAND, OUT_OF_BAND):
        if band is None:
            _fail(f"{where}: {skill!r} has term {TERMS[term]!r} but recs.target_success is None (no band was used)")
        inside = bool(band[0] <= predicted <= band[1])
        if not np.isfinite(predicted) or inside != (term == IN_BAND):
            _fail(f"{where}: {skill!r} has term {TERMS[term]!r} but predicted success {predicted!r}, "
                  f"{'inside' if inside else 'outside'} the target band {band}")
    elif band is not None:
        _fail(f"{where}: {skill!r} has term {TERMS[term]!r}; with a target band every new-learning item is "
              f"{TERMS[IN_BAND]!r} or {TERMS[OUT_OF_BAND]!r}")
    elif (term == GOAL) != (goal >= 0):
        _fail(f"{where}: {skill!r} has term {TERMS[term]!r} for a learner " + ("with" if goal >= 0 else "without")
              + " a goal; 'goal' items are for learners with a goal, 'unlocks' items for those without")


def _check_row(
    graph: CompiledGraph, values: NDArray[Any], mastered: NDArray[np.bool_], limit: float, i: int,
    row: NDArray[Any], scores: NDArray[np.float64], steps: NDArray[Any], terms: NDArray[Any],
    recall: NDArray[np.float64], goal: int, goal_sets: Sequence[tuple[Hashable, ...]], goal_steps: list[list[int]],
    descendants: NDArray[np.intp], reasons: Sequence[Any], predicted: NDArray[np.float64],
    band: tuple[float, float] | None,
) -> None:
    ids, k = graph.skill_ids, row.shape[0]
    valid = row >= 0
    count = int(valid.sum())
    if not valid[:count].all():
        _fail(f"learner {i}: padding (-1) must come after every recommendation; got {row.tolist()}")
    if len(set(row[:count].tolist())) != count:
        _fail(f"learner {i}: a skill is recommended twice; got {row.tolist()}")
    if not np.isnan(scores[count:]).all():
        _fail(f"learner {i}: padding must have NaN scores; got {scores.tolist()}")
    if goal != -1 and not 0 <= goal < len(goal_sets):
        _fail(f"learner {i}: goal_index {goal} does not name one of the {len(goal_sets)} goal sets")
    if len(reasons) != count:
        _fail(f"learner {i}: {count} recommendations but {len(reasons)} reasons")
    previous: tuple[int, tuple[float, ...]] | None = None
    for rank in range(count):
        j, term, where = int(row[rank]), int(terms[rank]), f"learner {i}, rank {rank + 1}"
        if term not in _PLACE:
            _fail(f"{where}: term code {term} is not one of the ranking terms {TERMS}")
        reason = reasons[rank]
        if not isinstance(reason, str) or not reason.strip():
            _fail(f"{where}: {ids[j]!r} has no reason; got {reason!r}")
        if not np.isfinite(scores[rank]):
            _fail(f"{where}: {ids[j]!r} has score {scores[rank]!r}; a recommendation's score must be finite")
        if term == REVIEW:
            if not mastered[j]:
                _fail(f"{where}: {ids[j]!r} is offered for review but is not mastered ({values[j]} < {limit})")
            if not (0.0 <= recall[rank] <= 1.0) or scores[rank] != 1.0 - recall[rank]:
                _fail(f"{where}: review of {ids[j]!r} must have recall in [0, 1] and score 1 - recall; "
                      f"got recall {recall[rank]!r}, score {scores[rank]!r}")
            key: tuple[float, ...] = (-float(scores[rank]),)
        else:
            _check_ready(graph, values, mastered, limit, where, j)
            _check_term(where, ids[j], term, goal, float(predicted[rank]), band)
            if goal >= 0:
                distance = goal_steps[goal][j]
                if distance < 0:
                    _fail(f"{where}: {ids[j]!r} does not lead to the goal {goal_sets[goal]!r}")
                if int(steps[rank]) != distance or scores[rank] != -distance:
                    _fail(f"{where}: {ids[j]!r} is {distance} prerequisite steps from the goal; got steps_to_goal "
                          f"{int(steps[rank])} and score {scores[rank]!r} (the score is minus the steps)")
            elif scores[rank] != descendants[j]:
                _fail(f"{where}: {ids[j]!r} unlocks {int(descendants[j])} later skills; got score {scores[rank]!r}")
            key = (-float(scores[rank]), -float(descendants[j]), float(j))
        place = _PLACE[term]
        if previous is not None:
            if place < previous[0]:
                _fail(f"{where}: a {TERMS[term]!r} item after a later-ranked term: reviews come first, then "
                      f"predicted success inside the target band, then outside it")
            if place == previous[0] and key < previous[1]:
                _fail(f"{where}: {ids[j]!r} (score {scores[rank]!r}) is ranked below a skill it should precede; "
                      f"scores must fall along a row, ties by descendants, then by lower column")
        previous = (place, key)
    if count < k:
        _check_complete(graph, mastered, i, row[:count], terms[:count], goal, goal_steps)


def _check_ready(
    graph: CompiledGraph, values: NDArray[Any], mastered: NDArray[np.bool_], limit: float, where: str, j: int
) -> None:
    ids = graph.skill_ids
    if mastered[j]:
        _fail(f"{where}: {ids[j]!r} is already mastered ({values[j]} >= {limit}); only ready skills are new learning")
    for p in graph.pred_indices[graph.pred_indptr[j] : graph.pred_indptr[j + 1]].tolist():
        if not mastered[p]:
            _fail(f"{where}: {ids[j]!r} is not ready: its prerequisite {ids[p]!r} is not mastered "
                  f"({values[p]} < {limit})")


def _check_complete(
    graph: CompiledGraph, mastered: NDArray[np.bool_], i: int, listed: NDArray[Any], terms: NDArray[Any],
    goal: int, goal_steps: list[list[int]],
) -> None:
    shown = {int(j) for j, t in zip(listed.tolist(), terms.tolist()) if t != REVIEW}
    for j in range(graph.n_skills):
        if j in shown or mastered[j] or (goal >= 0 and goal_steps[goal][j] < 0):
            continue
        prerequisites = graph.pred_indices[graph.pred_indptr[j] : graph.pred_indptr[j + 1]]
        if mastered[prerequisites].all():
            _fail(f"learner {i}: the row is padded with -1 but the ready skill {graph.skill_ids[j]!r} is missing")


# ------------------------------------------------------------------ policies
def _name(policy: Any) -> str:
    return repr(getattr(policy, "name", type(policy).__name__))


def _global_state() -> tuple[Any, Any]:
    return np.random.get_state(), random.getstate()


def _same_state(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[bool, bool]:
    (np_a, py_a), (np_b, py_b) = a, b
    same_numpy = np_a[0] == np_b[0] and np.array_equal(np_a[1], np_b[1]) and tuple(np_a[2:]) == tuple(np_b[2:])
    return bool(same_numpy), py_a == py_b


def _guarded(policy: Any, what: str, call: Callable[[], T]) -> T:
    """``call()``, failing if it raises or touches ``np.random``'s or ``random``'s global state (restored anyway)."""
    before = _global_state()
    try:
        result = call()
    except AssertionError:
        raise
    except Exception as error:
        hint = ""
        if isinstance(error, ValueError) and "read-only" in str(error):
            hint = " (the setting's arrays and the answers are read-only: a policy must never write into them)"
        message = f"policy {_name(policy)} failed in {what}: {type(error).__name__}: {error}{hint}"
        raise AssertionError(message) from error
    finally:
        after = _global_state()
        np.random.set_state(before[0])
        random.setstate(before[1])
    same_numpy, same_python = _same_state(before, after)
    for same, module in ((same_numpy, "numpy's global random state (np.random.*)"),
                         (same_python, "the random module's global state")):
        if not same:
            raise AssertionError(f"policy {_name(policy)} changed {module} in {what}; a policy draws no random numbers "
                                 "(the simulator draws them all from its rng), and never global ones")
    return result


def _read_only(array: NDArray[Any]) -> NDArray[Any]:
    array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


def _checked(policy: Any, assignment: Any, n: int, n_skills: int, step: int) -> tuple[NDArray[Any], ...]:
    """The assignment's skill, support and quality arrays, checked against the protocol."""
    where = f"policy {_name(policy)}'s assignment at step {step} of the probe"
    skill = np.asarray(getattr(assignment, "skill", None))
    if skill.shape != (n,) or skill.dtype.kind not in "iu":
        _fail(f"{where} must hold an integer skill array of shape ({n},); got {skill.dtype} of shape {skill.shape}")
    bad = np.flatnonzero((skill < -1) | (skill >= n_skills))
    if bad.size:
        _fail(f"{where} gives learner {int(bad[0])} column {int(skill[bad[0]])}; columns run from 0 to "
              f"{n_skills - 1} (-1 for no task)")
    arrays: list[NDArray[Any]] = [skill.astype(np.intp)]
    for name, high in (("support", 1.0), ("quality", np.inf)):
        raw = getattr(assignment, name, None)
        if raw is None and name == "quality":
            arrays.append(np.ones(n))
            continue
        try:
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            _fail(f"{where} must hold a float {name} array of shape ({n},); got {raw!r:.80}")
        if value.shape != (n,):
            _fail(f"{where} must hold a {name} array of shape ({n},); got shape {value.shape}")
        bad = np.flatnonzero(~((value >= 0.0) & (value <= high)))
        if bad.size:
            _fail(f"{where} gives learner {int(bad[0])} {name} {float(value[bad[0]])!r}; {name} must lie in "
                  f"[0, {high}]" + (" and be finite" if name == "quality" else ""))
        arrays.append(value.copy())
    return tuple(arrays)


def _probe(policy: Any, graph: CompiledGraph, goal: int | None, max_steps: int) -> list[tuple[NDArray[Any], ...]]:
    """Run the policy on a probe class who answer every question right; fail if a learner's goal is lowered.

    Learners showed a prefix of the teaching order on the pretest, from none
    to half of it, three learners of each in each of two classes. The goal
    is ``goal``, or the last skill of the teaching sequence.
    """
    n_skills = graph.n_skills
    order = _topological(graph)
    sequence = order
    if goal is not None:
        taught_cols = np.zeros(n_skills, dtype=np.bool_)
        taught_cols[sorted(_ancestors(graph, [goal]) | {goal})] = True
        sequence = order[taught_cols[order]]
    prefix = np.repeat(np.arange((n_skills + 1) // 2 + 1), 6)
    n = prefix.size
    rank = np.empty(n_skills, dtype=np.intp)
    rank[order] = np.arange(n_skills)
    pretest = rank[None, :] < prefix[:, None]
    known = pretest[:, sequence].sum(axis=1).astype(np.intp)
    class_of = (np.arange(n) % 2).astype(np.intp)
    setting = PolicySetting(graph, _read_only(sequence), goal, _read_only(pretest), _read_only(known),
                            _read_only(class_of), 2)
    target = int(sequence[-1]) if goal is None else goal
    taught = pretest[:, target].copy()
    run = policy.start(setting)
    for method in ("assign", "observe"):
        if not callable(getattr(run, method, None)):
            _fail(f"policy {_name(policy)}'s start(setting) must return a run with assign(step) and "
                  f"observe(assignment, practice, exit_question); got {run!r:.80} without {method}")
    trace: list[tuple[NDArray[Any], ...]] = []
    for step in range(max_steps):
        assignment = run.assign(step)
        skill, support, quality = _checked(policy, assignment, n, n_skills, step)
        trace.append((skill, support, quality))
        idle = np.flatnonzero((skill < 0) & ~taught)
        if idle.size:
            i = int(idle[0])
            _fail(f"policy {_name(policy)} lowers a learner's goal: at step {step} of the probe (every answer "
                  f"right) it gave learner {i} (class {int(class_of[i])}, who showed {int(known[i])} of the "
                  f"{sequence.size} skills of the teaching sequence on the pretest) no task, before teaching the "
                  f"goal {graph.skill_ids[target]!r} ({idle.size} learner(s) in all at that step). The goal is the "
                  "same for every learner: vary the support and the route, never the destination, as TieredTasks "
                  "with a ceiling below 1 does (it is kept for comparison only)")
        taught |= skill == target
        answers = _read_only(skill >= 0)
        run.observe(assignment, answers, answers)
        if taught.all():
            break
    return trace


_RESULT_FIELDS = ("attainment", "goal_reached", "practice_correct", "practice_attempts", "final_state")


def check_policy(
    policy: Any,
    *,
    rng: Any = 0,
    graph: CompiledGraph | None = None,
    n_learners: int = 45,
    n_steps: int = 20,
    class_size: int = 15,
    probe_steps: int | None = None,
) -> None:
    """Raise AssertionError unless ``policy`` follows the :class:`~personalise.Policy` protocol and the library's rules.

    The checks, in order:

    1. **Protocol.** ``policy`` has a non-empty string ``name``, and its
       ``start(setting)`` returns a run with ``assign`` and ``observe``; it runs in
       :func:`~personalise.simulate` on a small cohort of several classes
       (the last one partial), and every :class:`~personalise.Assignment`
       has integer skill columns (-1 for no task), support in [0, 1] and a
       finite, non-negative quality, one per learner. The setting's arrays
       and the answers a run observes are read-only.
    2. **Reproducible.** Two runs with the same ``rng`` give bit-identical
       results, and two runs of the probe class below give identical
       assignments: a policy draws no random numbers (the simulator draws
       them all) and keeps its state in the run, not in the policy. A
       different ``rng`` may give different results; that is not checked.
    3. **No global random state.** Neither ``np.random``'s nor ``random``'s
       global state changes (it is restored either way).
    4. **Goals are never lowered.** On a probe class who answer every
       question right, no learner is left without a task (skill -1) before
       being taught the goal (the common goal, or the last skill of the
       teaching sequence). This is the library's rule that the goal is the
       same for everyone (see :class:`~personalise.TieredTasks`, kept only
       for comparison, whose ``ceiling`` breaks it). The probe runs with no
       goal and with the goal that has the most prerequisites.

    Parameters
    ----------
    policy : Policy
        The policy to check.
    rng : None, int, SeedSequence or Generator, default 0
        The seed of both simulation runs (a Generator gives one draw, used twice).
    graph : CompiledGraph, optional
        The unit to teach (at least one skill); default :data:`PROBE_EDGES`.
    n_learners, n_steps, class_size : int, default 45, 20 and 15
        The simulated cohort: at most 10**8 learners, 10**6 steps and
        classes of 1024, as for :func:`~personalise.simulate`.
    probe_steps : int, optional
        Most steps of each probe run (default ``40 * (n_skills + 1)``, at
        most 10**6); a run stops early once every learner has been
        taught the goal.

    Raises
    ------
    AssertionError
        Naming the policy and the rule it broke (the policy's own exception,
        if it raised one, is chained).
    InvalidParameterError
        If ``policy`` is not a policy at all (a class, or an object without
        a ``start`` method), ``graph`` is not a CompiledGraph with skills,
        or a size or ``rng`` is not valid.

    Examples
    --------
    >>> import personalise as pl
    >>> from personalise.testing import check_policy
    >>> check_policy(pl.FadingScaffolds())
    >>> check_policy(pl.TieredTasks())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: policy 'tiered-tasks' lowers a learner's goal: at step ... no task, before teaching the goal ...
    """
    if isinstance(policy, type):
        raise InvalidParameterError(f"policy must be a policy instance, not the class {policy.__name__}; e.g. "
                                    f"{policy.__name__}()", value=policy)
    if not callable(getattr(policy, "start", None)):
        raise InvalidParameterError(f"policy must be a Policy (an object with a name and a start(setting) method); "
                                    f"got {type(policy).__name__} {policy!r:.60}", value=policy)
    name = getattr(policy, "name", None)
    if not isinstance(name, str) or not name.strip():
        _fail(f"a policy must have a non-empty string name; {type(policy).__name__} has name {name!r:.80}")
    unit = compile_graph(PROBE_EDGES) if graph is None else graph
    if not isinstance(unit, CompiledGraph) or unit.n_skills == 0:
        raise InvalidParameterError(f"graph must be a CompiledGraph with at least one skill; got {graph!r:.80}",
                                    value=graph)
    size = check_int(n_learners, "n_learners", minimum=1, maximum=MAX_LEARNERS)
    steps = check_int(n_steps, "n_steps", minimum=1, maximum=MAX_STEPS)
    classes = check_int(class_size, "class_size", minimum=1, maximum=RNG_BLOCK)
    limit = (40 * (unit.n_skills + 1) if probe_steps is None
             else check_int(probe_steps, "probe_steps", minimum=1, maximum=MAX_STEPS))
    seed = root_entropy(rng)
    what = f"simulate(graph, policy, rng={seed}, n_learners={n_learners}, n_steps={n_steps}, class_size={class_size})"

    def run() -> Any:
        return simulate(unit, policy, rng=seed, n_learners=size, n_steps=steps, class_size=classes)

    first, second = _guarded(policy, what, run), _guarded(policy, what, run)
    for field in _RESULT_FIELDS:
        if not np.array_equal(getattr(first, field), getattr(second, field)):
            _fail(f"policy {name!r} is not reproducible: two runs of {what} differ in {field}; a policy must draw "
                  "no random numbers of its own and keep its mutable state in the run, not in the policy")
    deepest = max(range(unit.n_skills), key=lambda j: (len(_ancestors(unit, [j])), j))
    for goal in (None, deepest):
        label = "the probe class" + ("" if goal is None else f" with goal {unit.skill_ids[goal]!r}")
        traces = [_guarded(policy, label, functools.partial(_probe, policy, unit, goal, limit)) for _ in range(2)]
        for step, (a, b) in enumerate(zip(*traces)):
            if not all(np.array_equal(x, y) for x, y in zip(a, b)):
                _fail(f"policy {name!r} is not reproducible: two runs of {label}, with the same setting and the "
                      f"same answers, assign differently at step {step}")
        if len(traces[0]) != len(traces[1]):
            _fail(f"policy {name!r} is not reproducible: two runs of {label} taught the goal in "
                  f"{len(traces[0])} and {len(traces[1])} steps")
