"""The simulator: cohorts of learners under a policy, block by block."""

from __future__ import annotations

import heapq
import importlib
import sys
from collections.abc import Callable, Hashable
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._random import RNG_BLOCK, block_generator, root_entropy
from personalise._validation import check_int
from personalise.content._partitions import check_client
from personalise.exceptions import GraphError, InvalidParameterError, UnknownSkillError
from personalise.experience._graph import _ancestors
from personalise.graph import CompiledGraph
from personalise.simulation.model import (
    INDEPENDENT,
    LearnerModel,
    forget,
    initial_learners,
    practise,
)
from personalise.simulation.protocol import _STEP, MAX_QUALITY, Assignment, Policy, PolicySetting
from personalise.simulation.result import SimulationResult

__all__ = ["simulate"]

Int = NDArray[np.intp]
Progress = Callable[[int, int], object]


@attrs.frozen(eq=False)
class _Task:
    """Everything one block needs (picklable, so that dask workers can run it)."""

    graph: CompiledGraph
    policy: Any
    model: LearnerModel
    order: Int
    sequence: Int
    goal: int | None
    entropy: int
    first_block: int
    n_learners: int
    n_steps: int
    class_size: int
    trajectories: bool


@attrs.frozen(eq=False)
class _Output:
    attainment: NDArray[np.int16]
    goal_reached: NDArray[np.bool_]
    correct: NDArray[np.int64]
    attempts: NDArray[np.int64]
    state: NDArray[np.int8]
    trajectories: NDArray[np.int8] | None


def _topological(graph: CompiledGraph) -> Int:
    """Columns in topological order, lowest column first among the ready ones."""
    n = graph.n_skills
    indegree = np.diff(graph.pred_indptr).tolist()
    ready = [j for j in range(n) if indegree[j] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    succ_ptr, succ = graph.succ_indptr, graph.succ_indices
    while ready:
        j = heapq.heappop(ready)
        order.append(j)
        for v in succ[succ_ptr[j] : succ_ptr[j + 1]].tolist():
            indegree[v] -= 1
            if indegree[v] == 0:
                heapq.heappush(ready, v)
    return np.array(order, dtype=np.intp)


def _run_block(task: _Task, progress: Progress | None = None, done: int = 0, total: int = 0) -> _Output:
    """Simulate one block of learners (whole random-stream blocks) for every step."""
    graph, model = task.graph, task.model
    n, k, steps = task.n_learners, graph.n_skills, task.n_steps
    sizes = [min(RNG_BLOCK, n - start) for start in range(0, n, RNG_BLOCK)]
    streams = [block_generator(task.entropy, task.first_block + b) for b in range(len(sizes))]
    normals = np.concatenate([g.standard_normal((2, m)) for g, m in zip(streams, sizes, strict=True)], axis=1)
    rate, known_all = initial_learners(model, normals.reshape(2, n), k)
    state = np.zeros((n, k), dtype=np.int8)
    state[:, task.order] = np.where(np.arange(k) < known_all[:, None], INDEPENDENT, 0).astype(np.int8)
    pretest = state == INDEPENDENT
    in_sequence = np.zeros(k, dtype=np.bool_)
    in_sequence[task.sequence] = True
    count = pretest[:, task.sequence].sum(axis=1).astype(np.intp)
    # classes never straddle random-stream blocks
    local = np.concatenate([np.arange(m) for m in sizes]) if n else np.zeros(0, np.intp)
    per_block = -(-RNG_BLOCK // task.class_size)
    block_of = np.repeat(np.arange(len(sizes)), sizes)
    class_of = (block_of * per_block + local // task.class_size).astype(np.intp)
    used, class_of = np.unique(class_of, return_inverse=True)
    setting = PolicySetting(graph, task.sequence, task.goal, pretest, count.copy(), class_of.reshape(-1), int(used.size))
    run = task.policy.start(setting)

    attainment = np.empty((steps + 1, n), dtype=np.int16)
    reached = np.empty((steps + 1, n), dtype=np.bool_)
    correct_total = np.zeros(steps, dtype=np.int64)
    attempts_total = np.zeros(steps, dtype=np.int64)
    trajectories = np.empty((steps + 1, n, k), dtype=np.int8) if task.trajectories else None
    n_sequence = task.sequence.shape[0]

    def record(t: int) -> None:
        attainment[t] = count
        reached[t] = state[:, task.goal] == INDEPENDENT if task.goal is not None else count == n_sequence
        if trajectories is not None:
            trajectories[t] = state

    record(0)
    quality_one = np.ones(n)
    for t in range(steps):
        token = _STEP.set(t)  # an invalid Assignment built by the policy names the step
        try:
            assignment = run.assign(t)
        finally:
            _STEP.reset(token)
        skill = _checked_skill(assignment, n, k, t)
        if isinstance(assignment, Assignment):  # its support and quality were checked when it was made
            support, quality = assignment.support, assignment.quality
        else:
            support = _checked_floats(assignment, "support", n, t, 1.0)
            quality = quality_one if getattr(assignment, "quality", None) is None else _checked_floats(
                assignment, "quality", n, t, MAX_QUALITY)
        uniforms = np.concatenate([g.random((3, m)) for g, m in zip(streams, sizes, strict=True)], axis=1)
        practice, exit_question, gained = practise(
            model, state, rate, skill, support, quality, uniforms.reshape(3, n), graph.pred_indptr, graph.pred_indices
        )
        active = skill >= 0
        count += gained & in_sequence[np.where(active, skill, 0)]
        if model.forget > 0.0:
            draws = np.concatenate([g.random((m, k)) for g, m in zip(streams, sizes, strict=True)], axis=0)
            lost = forget(model, state, skill, draws.reshape(n, k))
            count -= lost[:, task.sequence].sum(axis=1)
        run.observe(assignment, practice, exit_question)
        correct_total[t] = int(np.count_nonzero(practice))
        attempts_total[t] = int(np.count_nonzero(active))
        record(t + 1)
        if progress is not None:
            progress(done + n * (t + 1), total)
    return _Output(attainment, reached, correct_total, attempts_total, state, trajectories)


def _checked_skill(assignment: Any, n: int, k: int, step: int) -> Int:
    skill = np.asarray(getattr(assignment, "skill", None))
    if skill.shape != (n,) or skill.dtype.kind not in "iu":
        raise InvalidParameterError(
            f"policy's assignment at step {step} must hold an integer skill array of shape ({n},); "
            f"got {skill.dtype} of shape {skill.shape}",
            value=skill.shape,
        )
    bad = np.flatnonzero((skill < -1) | (skill >= k))
    if bad.size:
        raise InvalidParameterError(
            f"policy assigned skill column {int(skill[bad[0]])} to learner {int(bad[0])} at step {step}; "
            f"columns run from 0 to {k - 1} (-1 for no task)",
            value=int(skill[bad[0]]),
        )
    return skill.astype(np.intp, copy=False)


def _checked_floats(assignment: Any, name: str, n: int, step: int, high: float) -> NDArray[np.float64]:
    """A duck-typed assignment's ``support`` or ``quality``: real numbers in [0, high], shape (n,)."""
    values = np.asarray(getattr(assignment, name, None))
    if values.shape != (n,) or values.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"policy's {name} at step {step} must be an array of numbers of shape ({n},); "
            f"got {values.dtype} of shape {values.shape}",
            value=values.shape,
        )
    values = values.astype(np.float64, copy=False)
    bad = np.flatnonzero(~((values >= 0.0) & (values <= high)))
    if bad.size:
        raise InvalidParameterError(
            f"policy gave {name} {float(values[bad[0]])!r} to learner {int(bad[0])} at step {step}; "
            f"{name} must lie in [0, {high:g}]",
            value=float(values[bad[0]]),
        )
    return values


def _progress_reporter(progress: object, total: int) -> tuple[Progress | None, Callable[[], None]]:
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            last = [-1]

            def text(done: int, total: int) -> None:
                percent = 100 * done // max(total, 1)
                if percent != last[0]:
                    last[0] = percent
                    print(f"\rsimulate: {percent:3d}%", end="" if done < total else "\n", file=sys.stderr, flush=True)

            return text, lambda: None
        bar = tqdm(total=total, unit="learner-step", unit_scale=True, desc="simulate")

        def update(done: int, total: int) -> None:
            bar.update(done - bar.n)

        return update, bar.close
    if callable(progress):
        return progress, lambda: None
    raise InvalidParameterError(
        f"progress must be None, True or a callable progress(done, total); got {progress!r}", value=progress
    )


#: Largest cohort :func:`simulate` accepts (its per-step outcomes alone take ``3 * (n_steps + 1) * n_learners`` bytes).
MAX_LEARNERS = 10**8
#: Largest number of steps :func:`simulate` accepts.
MAX_STEPS = 10**6


def simulate(
    graph: CompiledGraph,
    policy: Policy,
    *,
    n_learners: int,
    n_steps: int,
    rng: object = None,
    model: LearnerModel | None = None,
    goal: Hashable | None = None,
    class_size: int = 30,
    trajectories: bool = False,
    block_size: int = 8 * RNG_BLOCK,
    client: Any = None,
    progress: object = None,
) -> SimulationResult:
    """Simulate a cohort of learners taught under ``policy`` on a prerequisite graph.

    Each step gives every learner one learning opportunity: the policy
    assigns a skill and a support level, the learner answers a practice
    task, may learn (:class:`LearnerModel`), and answers an unaided exit
    question; the policy sees only the answers. Every condition gets the same
    number of steps (equal time).

    Parameters
    ----------
    graph : CompiledGraph
        The curriculum (at least one skill).
    policy : Policy
        A built-in policy (:class:`FadingScaffolds`, ...) or any object
        following the :class:`Policy` protocol.
    n_learners, n_steps : int
        Cohort size (0 to :data:`MAX_LEARNERS`) and number of steps (0 to
        :data:`MAX_STEPS`).
    rng : None, int, SeedSequence or Generator
        Seed. The same int gives bit-identical results, whatever
        ``block_size`` or ``client``; the entropy used is
        :attr:`SimulationResult.entropy`.
    model : LearnerModel, optional
        The learner model (default ``LearnerModel()``).
    goal : hashable, optional
        The common goal skill: only it and its prerequisites are taught, in
        topological order. Default: the whole curriculum.
    class_size : int, default 30
        Learners per class for class-based policies (1 to 1,024; classes
        never straddle the 1,024-learner blocks of random streams).
    trajectories : bool, default False
        Keep every step's latent states, shape (n_steps + 1, n_learners,
        n_skills), int8 (they get big).
    block_size : int, default 8192
        Learners simulated together (a multiple of 1,024). Affects speed and
        memory only, never results.
    client : dask.distributed.Client, optional
        Run blocks on a dask cluster (the ``dask`` extra); results are
        identical to the single-process run.
    progress : None, True or callable, optional
        Off by default. True shows a tqdm bar when tqdm is installed (a
        percentage on stderr otherwise); a callable is called as
        ``progress(done, total)`` in learner-steps.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InvalidParameterError
        If a size is negative, above its maximum or not an int, ``rng``, ``block_size``,
        ``class_size``, ``progress`` or ``client`` is not valid, the policy
        does not follow the protocol, or it assigns an invalid task.
    GraphError
        If ``graph`` has no skills.
    UnknownSkillError
        If ``goal`` is not a skill of the graph.

    Notes
    -----
    Learners are simulated in blocks of 1,024, each with its own random
    stream spawned from the root seed (``SeedSequence(entropy,
    spawn_key=(block,))``), so results do not depend on how blocks are
    batched or which process runs them. Memory is about ``block_size *
    n_skills`` bytes of state per running block plus what the policy keeps
    (the BKT-based policies keep a float64 estimate per learner and skill),
    plus ``3 * (n_steps + 1) * n_learners`` bytes of per-step outcomes.

    Examples
    --------
    >>> import personalise as pl
    >>> g = pl.load_example_curriculum()
    >>> r = pl.simulate(g, pl.ResponsiveTeaching(), n_learners=90, n_steps=30, rng=2)
    >>> r.final_mastery.shape
    (90, 44)
    >>> r == pl.simulate(g, pl.ResponsiveTeaching(), n_learners=90, n_steps=30, rng=2)
    True
    """
    if not isinstance(graph, CompiledGraph):
        raise InvalidParameterError(
            f"graph must be a CompiledGraph (see compile_graph); got {type(graph).__name__}", value=graph
        )
    if graph.n_skills == 0:
        raise GraphError("cannot simulate on a graph with no skills", value=graph)
    if isinstance(policy, type) or not (callable(getattr(policy, "start", None)) and isinstance(getattr(policy, "name", None), str)):
        raise InvalidParameterError(
            f"policy must follow the Policy protocol (a name and start(setting)); got {policy!r}", value=policy
        )
    n = check_int(n_learners, "n_learners", minimum=0, maximum=MAX_LEARNERS)
    steps = check_int(n_steps, "n_steps", minimum=0, maximum=MAX_STEPS)
    size = check_int(class_size, "class_size", minimum=1)
    if size > RNG_BLOCK:
        raise InvalidParameterError(f"class_size must be at most {RNG_BLOCK}; got {size}", value=size)
    chunk = check_int(block_size, "block_size", minimum=RNG_BLOCK)
    if chunk % RNG_BLOCK:
        raise InvalidParameterError(f"block_size must be a multiple of {RNG_BLOCK}; got {chunk}", value=chunk)
    if model is None:
        model = LearnerModel()
    elif not isinstance(model, LearnerModel):
        raise InvalidParameterError(f"model must be a LearnerModel; got {model!r}", value=model)
    if not isinstance(trajectories, (bool, np.bool_)):
        raise InvalidParameterError(f"trajectories must be True or False; got {trajectories!r}", value=trajectories)
    dask = None if client is None else check_client(client)
    try:
        goal_index = None if goal is None else graph.index_of(goal)
    except UnknownSkillError:
        raise UnknownSkillError(f"goal must be a skill of the graph; got {goal!r:.80}", value=goal) from None
    order = _topological(graph)
    sequence = order
    if goal_index is not None:  # the goal and its prerequisites, still in topological order
        taught = np.zeros(graph.n_skills, dtype=np.bool_)
        taught[sorted(_ancestors(graph, [goal_index]) | {goal_index})] = True
        sequence = order[taught[order]]
    if sequence.shape[0] > np.iinfo(np.int16).max:
        raise InvalidParameterError(f"at most 32767 skills can be taught; got {sequence.shape[0]}", value=sequence.shape[0])
    entropy = root_entropy(rng)

    tasks = [
        _Task(
            graph, policy, model, order, sequence, goal_index, entropy, start // RNG_BLOCK,
            min(chunk, n - start), steps, size, bool(trajectories),
        )
        for start in range(0, n, chunk)
    ]
    total = n * steps
    report, close = _progress_reporter(progress, total)
    try:
        if dask is not None:
            outputs = _run_on_dask(dask, tasks, report, total)
        else:
            outputs = []
            done = 0
            for task in tasks:
                outputs.append(_run_block(task, report, done, total))
                done += task.n_learners * steps
    finally:
        close()
    return _assemble(graph, policy, model, sequence, goal, entropy, size, steps, outputs, bool(trajectories))


def _run_on_dask(client: Any, tasks: list[_Task], report: Progress | None, total: int) -> list[_Output]:
    as_completed: Any = importlib.import_module("distributed").as_completed  # typed or not, whichever is installed

    futures = client.map(_run_block, tasks, pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    outputs: list[_Output | None] = [None] * len(tasks)
    done = 0
    for future in as_completed(futures):
        i = index[future.key]
        outputs[i] = future.result()
        done += tasks[i].n_learners * tasks[i].n_steps
        if report is not None:
            report(done, total)
    return [out for out in outputs if out is not None]


def _assemble(
    graph: CompiledGraph,
    policy: Any,
    model: LearnerModel,
    sequence: Int,
    goal: Hashable | None,
    entropy: int,
    class_size: int,
    steps: int,
    outputs: list[_Output],
    keep: bool,
) -> SimulationResult:
    k = graph.n_skills
    if outputs:
        attainment = np.concatenate([o.attainment for o in outputs], axis=1)
        reached = np.concatenate([o.goal_reached for o in outputs], axis=1)
        correct = np.sum([o.correct for o in outputs], axis=0)
        attempts = np.sum([o.attempts for o in outputs], axis=0)
        state = np.concatenate([o.state for o in outputs], axis=0)
        paths = np.concatenate([o.trajectories for o in outputs if o.trajectories is not None], axis=1) if keep else None
    else:
        attainment = np.zeros((steps + 1, 0), np.int16)
        reached = np.zeros((steps + 1, 0), np.bool_)
        correct = attempts = np.zeros(steps, np.int64)
        state = np.zeros((0, k), np.int8)
        paths = np.zeros((steps + 1, 0, k), np.int8) if keep else None
    ids = graph.skill_ids
    return SimulationResult._trusted(  # built here from checked parts: no second validation, no copy
        skill_ids=ids,
        sequence=tuple(ids[j] for j in sequence.tolist()),
        goal=goal,
        policy=policy,
        model=model,
        entropy=entropy,
        class_size=class_size,
        attainment=attainment,
        goal_reached=reached,
        practice_correct=correct,
        practice_attempts=attempts,
        final_state=state,
        trajectories=paths,
    )
