"""personalise.testing: its strategies draw valid objects, and its checks pass good code and fail broken code."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import personalise as pl
from personalise import testing as kit
from tests.strategies import examples

GRAPH = pl.compile_graph([("count", "add"), ("add", "multiply"), ("count", "compare"), ("compare", "order")])


def _table_cases(**options: Any) -> st.SearchStrategy[tuple[pl.CompiledGraph, pl.MasteryTable]]:
    return kit.compiled_graphs(max_skills=7).flatmap(lambda g: kit.mastery_tables(g, **options).map(lambda t: (g, t)))


# --------------------------------------------------------------- strategies
@examples(40)
@given(kit.graphs(min_skills=2, max_skills=7))
def test_graphs_are_prerequisite_dags_of_one_id_kind(G: nx.DiGraph) -> None:
    assert isinstance(G, nx.DiGraph) and 2 <= len(G) <= 7
    assert nx.is_directed_acyclic_graph(G) and nx.number_of_selfloops(G) == 0
    assert len({type(node) for node in G}) == 1
    assert pl.compile_graph(G).n_skills == len(G)


@examples(40)
@given(kit.graphs(max_skills=6, acyclic=False))
def test_graphs_with_cycles_are_refused_exactly_when_cyclic(G: nx.DiGraph) -> None:
    assert nx.number_of_selfloops(G) == 0
    if nx.is_directed_acyclic_graph(G):
        pl.compile_graph(G)
    else:
        with pytest.raises(pl.CyclicPrerequisiteError):
            pl.compile_graph(G)


def test_graphs_without_acyclic_do_draw_cycles() -> None:
    G = find(kit.graphs(max_skills=5, acyclic=False), lambda g: not nx.is_directed_acyclic_graph(g))
    assert len(nx.find_cycle(G)) >= 2


@examples(30)
@given(kit.compiled_graphs(max_skills=8, id_kinds=["int"]))
def test_compiled_graphs_round_trip_through_json(graph: pl.CompiledGraph) -> None:
    assert all(isinstance(s, int) for s in graph.skill_ids)
    assert pl.CompiledGraph.from_json(graph.to_json()) == graph


@examples(40)
@given(kit.mastery_arrays(n_skills=GRAPH.n_skills, threshold=0.8))
def test_mastery_arrays_are_read_only_probabilities(mastery: np.ndarray) -> None:
    assert mastery.dtype in (np.float32, np.float64) and mastery.shape[1] == GRAPH.n_skills
    assert not mastery.flags.writeable
    assert ((mastery >= 0) & (mastery <= 1)).all()
    assert pl.readiness(GRAPH, mastery, threshold=0.8).shape == mastery.shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mastery_arrays_hit_the_threshold_in_their_dtype(dtype: Any) -> None:
    limit = dtype(0.95)
    for value in (limit, np.nextafter(limit, dtype(0)), dtype(0), dtype(1)):
        arrays = kit.mastery_arrays(dtypes=dtype, n_learners=3, n_skills=3)
        found = find(arrays, lambda a, v=value: bool((a == v).any()))
        assert found.dtype == dtype


@examples(40)
@given(_table_cases(max_learners=6))
def test_mastery_tables_fit_their_graph(case: tuple[pl.CompiledGraph, pl.MasteryTable]) -> None:
    graph, table = case
    assert sorted(map(str, table.skill_ids)) == sorted(map(str, graph.skill_ids))
    assert len(set(table.learner_ids)) == table.n_learners <= 6
    assert pl.readiness(graph, table).shape == (table.n_learners, graph.n_skills)
    assert pl.MasteryTable.from_json(table.to_json()) == table


@examples(40)
@given(kit.evidence(skill_ids=GRAPH.skill_ids, duplicates=True, late=True, voided=True, max_rows=10))
def test_evidence_has_duplicates_late_rows_and_voids(ev: pl.Evidence) -> None:
    rows = list(zip(ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist(), ev.timestamps.tolist()))
    assert len(set(rows)) < len(rows), "no observation recorded twice"
    assert (np.diff(ev.timestamps) < np.timedelta64(0)).any(), "no row arrives late"
    voided = [key for key, reason in ev.skipped if reason.startswith("voided by statement")]
    assert voided and not set(voided) & set(ev.evidence_ids.tolist())
    assert set(ev.skill_ids.tolist()) <= set(GRAPH.skill_ids)
    assert pl.Evidence.from_json(ev.to_json()) == ev
    params = pl.BKTParams.constant(GRAPH.skill_ids, prior=0.2, learn=0.2, guess=0.2, slip=0.1)
    assert pl.estimate_mastery(params, ev).n_learners == len(set(ev.learner_ids.tolist()))


@examples(30)
@given(kit.evidence(evidence_id_kind="int", max_rows=8))
def test_plain_evidence_is_in_time_order_without_skips(ev: pl.Evidence) -> None:
    assert ev.skipped == () and len(ev) <= 8
    assert (np.diff(ev.timestamps) >= np.timedelta64(0)).all()
    assert len(set(ev.evidence_ids.tolist())) == len(ev)


@examples(40)
@given(kit.scaffolds(skill_ids=["add", 7]))
def test_scaffolds_are_reachable_states_that_round_trip(scaffold: pl.Scaffold) -> None:
    assert scaffold.skill in ("add", 7) and 0.0 <= scaffold.support <= 1.0
    assert scaffold.successes + scaffold.failures == scaffold.opportunities
    assert pl.Scaffold.from_json(scaffold.to_json()) == scaffold


@examples(30)
@given(kit.fading_rules())
def test_fading_rules_round_trip(rule: Any) -> None:
    from personalise.scaffolds.fading import rule_from_dict

    assert rule_from_dict(rule.to_dict()) == rule


@examples(12)
@given(kit.policies(), st.integers(0, 2**32 - 1))
def test_drawn_policies_round_trip_and_pass_check_policy(policy: Any, seed: int) -> None:
    assert type(policy) in pl.POLICIES.values()
    assert pl.policy_from_dict(policy.to_dict()) == policy
    kit.check_policy(policy, rng=seed, n_learners=20, n_steps=8)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: kit.graphs(min_skills=3, max_skills=2), "max_skills"),
        (lambda: kit.graphs(id_kinds=["uuid"]), "id_kinds"),
        (lambda: kit.graphs(acyclic="yes"), "acyclic"),
        (lambda: kit.mastery_arrays(dtypes=np.int64), "dtypes"),
        (lambda: kit.mastery_arrays(threshold=0.0), "threshold"),
        (lambda: kit.mastery_tables("not a graph"), "graph"),
        (lambda: kit.evidence(skill_ids=["add", "add"]), "skill_ids"),
        (lambda: kit.evidence(late=1), "late"),
        (lambda: kit.evidence(evidence_id_kind="uuid"), "evidence_id_kind"),
        (lambda: kit.fading_rules(kinds=["sudden"]), "kinds"),
        (lambda: kit.scaffolds(rules=[pl.linear_fading(3)]), "rules"),
        (lambda: kit.policies(names=["tracking"]), "names"),
        (lambda: kit.policies(names=None, lowered_goals=1), "lowered_goals"),
        (lambda: kit.graphs(max_skills=10**6), "max_skills"),
        (lambda: kit.graphs(min_skills=10**20), "min_skills"),
        (lambda: kit.graphs(id_kinds=None), "id_kinds"),
        (lambda: kit.compiled_graphs(any_column_order="sometimes"), "any_column_order"),
        (lambda: kit.mastery_arrays(n_learners=10**20), "n_learners"),
        (lambda: kit.mastery_arrays(dtypes=None), "dtypes"),
        (lambda: kit.mastery_arrays(dtypes=[None]), "dtypes"),
        (lambda: kit.mastery_arrays(read_only=np.ones(3)), "read_only"),
        (lambda: kit.evidence(learner_ids=["ann", 7]), "learner_ids"),
        (lambda: kit.evidence(skill_ids=[True]), "skill_ids"),
        (lambda: kit.evidence(max_rows=10**6), "max_rows"),
        (lambda: kit.evidence(evidence_id_kind=np.zeros((2, 2))), "evidence_id_kind"),
        (lambda: kit.fading_rules(kinds=None), "kinds"),
        (lambda: kit.scaffolds(max_history=10**20), "max_history"),
    ],
)
def test_bad_strategy_options_are_refused(build: Any, message: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=message):
        build()


@examples(30)
@given(kit.graphs(min_skills=2, max_skills=6, acyclic=False, max_edges=3))
def test_max_edges_counts_the_ring_of_a_cyclic_graph(G: nx.DiGraph) -> None:
    assert G.number_of_edges() <= 3 and nx.number_of_selfloops(G) == 0


def test_a_size_strategy_that_draws_a_bad_size_is_refused_by_name() -> None:
    with pytest.raises(pl.InvalidParameterError, match="n_skills"):
        find(kit.mastery_arrays(n_skills=st.just(-1)), lambda a: True)


def test_graphs_of_the_largest_size_can_be_drawn() -> None:
    # no shrinking: a found example of 1,000 unique ids would be shrunk id by id, for minutes
    once = settings(max_examples=1, phases=[Phase.generate], database=None)
    G = find(kit.graphs(min_skills=1000, max_skills=1000, max_edges=0), lambda g: True, settings=once)
    assert len(G) == 1000 and G.number_of_edges() == 0


# ----------------------------------------------------- recommendations check
@examples(40)
@given(_table_cases(max_learners=8), st.integers(1, 4), st.data())
def test_recommend_next_output_passes(case: tuple[pl.CompiledGraph, pl.MasteryTable], k: int, data: Any) -> None:
    graph, table = case
    goals = data.draw(st.one_of(st.none(), st.sampled_from(list(graph.skill_ids))))
    recs = pl.recommend_next(graph, table, k=k, goals=goals)
    kit.assert_recommendations_valid(graph, table, recs)
    kit.assert_recommendations_valid(graph, table.values_for(graph.skill_ids), attrs.evolve(recs, learner_ids=None))


@examples(25)
@given(kit.mastery_arrays(n_skills=GRAPH.n_skills, n_learners=st.integers(1, 6), threshold=0.8), st.data())
def test_recommend_next_with_band_and_reviews_passes(mastery: np.ndarray, data: Any) -> None:
    params = pl.BKTParams.constant(GRAPH.skill_ids, prior=0.2, learn=0.2, guess=0.2, slip=0.1)
    days = data.draw(st.lists(st.floats(0, 60), min_size=mastery.size, max_size=mastery.size))
    recs = pl.recommend_next(GRAPH, mastery, k=3, threshold=0.8, params=params, goals=data.draw(st.sampled_from(
        [None, "order"])), elapsed_days=np.reshape(days, mastery.shape), half_life_days=10.0, max_reviews=2)
    kit.assert_recommendations_valid(GRAPH, mastery, recs, threshold=0.8)


# count, add, compare, multiply, order: learner 0 knows count only; learner 1 knows count and add.
MASTERY = np.array([[0.99, 0.10, 0.20, 0.00, 0.00], [0.99, 0.97, 0.20, 0.30, 0.00]])
RECS = pl.recommend_next(GRAPH, MASTERY, k=3)


class _NoReasons(pl.Recommendations):
    @property
    def reasons(self) -> tuple[tuple[str, ...], ...]:
        return tuple(row[:-1] for row in super().reasons)


class _Stand:
    """A plugin's own recommendations object: the attributes of a Recommendations and no checks of its own.

    (A Recommendations refuses much of what is broken here when it is made, so
    broken output reaches the check the way a plugin's own type would bring it.)
    """

    def __init__(self, recs: Any, **changes: Any) -> None:
        for field in attrs.fields(pl.Recommendations):
            setattr(self, field.name, changes.pop(field.name, getattr(recs, field.name)))
        rows = np.asarray(self.indices).tolist()
        made = tuple(tuple(f"column {j} is ready" for j in row if j >= 0) for row in rows)
        self.reasons = changes.pop("reasons", made)
        assert not changes, f"not a field of Recommendations: {sorted(changes)}"


def _corrupted(**changes: Any) -> Any:
    return _Stand(RECS, **changes)


BAND = pl.recommend_next(GRAPH, MASTERY, k=3, params=pl.BKTParams.constant(GRAPH.skill_ids, prior=0.2, learn=0.2,
                                                                          guess=0.2, slip=0.1))


CORRUPTIONS = {
    "not ready": (lambda: _corrupted(indices=np.array([[3, 1, 2], [2, 3, -1]])), "not ready: its prerequisite 'add'"),
    "mastered": (lambda: _corrupted(indices=np.array([[0, 1, 2], [2, 3, -1]])), "already mastered"),
    "padding inside": (lambda: _corrupted(indices=np.array([[1, -1, 2], [2, 3, -1]])), "padding"),
    "twice": (lambda: _corrupted(indices=np.array([[1, 1, -1], [2, 3, -1]])), "twice"),
    "no such column": (lambda: _corrupted(indices=np.array([[1, 2, 9], [2, 3, -1]])), "not a skill"),
    "order": (lambda: _corrupted(indices=RECS.indices[:, [1, 0, 2]], scores=RECS.scores[:, [1, 0, 2]]), "ranked below"),
    "score": (lambda: _corrupted(scores=np.where(np.isnan(RECS.scores), np.nan, RECS.scores + 1)), "got score"),
    "missing ready skill": (lambda: _corrupted(indices=np.array([[1, 2, -1], [2, -1, -1]]),
                                               scores=np.array([[1.0, 1.0, np.nan], [1.0, np.nan, np.nan]])),
                            "ready skill 'multiply' is missing"),
    "review not mastered": (lambda: _corrupted(terms=np.array([[4, 0, 0], [0, 0, 0]], dtype=np.int8)),
                            "offered for review but is not mastered"),
    "reasons": (lambda: _NoReasons(**{f.name: getattr(RECS, f.name) for f in attrs.fields(pl.Recommendations)}),
                "reasons"),
    "other graph": (lambda: attrs.evolve(RECS, graph=pl.compile_graph([("a", "b"), ("b", "c"), ("c", "d"),
                                                                       ("d", "e")])), "skill ids"),
    "rows": (lambda: pl.recommend_next(GRAPH, MASTERY[:1], k=3), "shape"),
    "band term without a band": (lambda: _corrupted(terms=np.where(RECS.indices >= 0, 2, 0).astype(np.int8)),
                                 "target_success is None"),
    "goal term without a goal": (lambda: _corrupted(terms=np.where(RECS.indices >= 0, 1, 0).astype(np.int8)),
                                 "for a learner without a goal"),
    "band term flipped": (lambda: _Stand(BAND, terms=np.where(BAND.terms == 2, 3, np.where(BAND.terms == 3, 2, 0))
                                         .astype(np.int8)), "the target band"),
    "band term lost": (lambda: _Stand(BAND, terms=np.zeros_like(BAND.terms)), "with a target band every"),
    "reasons that raise": (lambda: _Stand(RECS, reasons=_Raises()), "reasons could not be built"),
    "empty reason": (lambda: _Stand(RECS, reasons=tuple(("",) * len(row) for row in RECS.reasons)), "no reason"),
}


class _Raises:
    def __iter__(self) -> Any:
        raise RuntimeError("the reasons' templates are missing")


def test_hand_built_recommendations_pass() -> None:
    kit.assert_recommendations_valid(GRAPH, MASTERY, RECS)
    kit.assert_recommendations_valid(GRAPH, MASTERY, BAND)
    assert set(BAND.terms[BAND.indices >= 0].tolist()) <= {2, 3}
    kit.assert_recommendations_valid(GRAPH, MASTERY, _Stand(RECS))  # a stand-in with the same values passes too


@pytest.mark.parametrize("mode", list(CORRUPTIONS))
def test_corrupted_recommendations_fail(mode: str) -> None:
    build, message = CORRUPTIONS[mode]
    with pytest.raises(AssertionError, match=message):
        kit.assert_recommendations_valid(GRAPH, MASTERY, build())


def test_goal_and_ids_failures() -> None:
    recs = pl.recommend_next(GRAPH, MASTERY, k=2, goals="multiply")
    kit.assert_recommendations_valid(GRAPH, MASTERY, recs)
    off_goal = _Stand(recs, indices=np.array([[1, 2], [3, -1]]), scores=np.array([[-1.0, -1.0], [0.0, np.nan]]),
                      steps_to_goal=np.array([[1, 1], [0, -1]]), terms=np.array([[1, 1], [1, 0]], dtype=np.int8))
    with pytest.raises(AssertionError, match="'compare' does not lead to the goal"):
        kit.assert_recommendations_valid(GRAPH, MASTERY, off_goal)
    table = pl.MasteryTable(["ann", "bo"], GRAPH.skill_ids, MASTERY)
    with pytest.raises(AssertionError, match="learner_ids"):
        kit.assert_recommendations_valid(GRAPH, table, attrs.evolve(pl.recommend_next(GRAPH, table), learner_ids=None))
    with pytest.raises(AssertionError, match="threshold"):
        kit.assert_recommendations_valid(GRAPH, MASTERY, RECS, threshold=0.9)


@pytest.mark.parametrize(
    ("graph", "mastery", "recs", "error", "name"),
    [("G", MASTERY, RECS, pl.InvalidParameterError, "graph"), (GRAPH, MASTERY[:, :2], RECS, pl.ShapeError, "mastery"),
     (GRAPH, MASTERY + 1, RECS, pl.InvalidParameterError, "mastery"),
     (GRAPH, MASTERY, [[1, 2]], pl.InvalidParameterError, "recs"),
     (GRAPH, MASTERY, RECS.indices, pl.InvalidParameterError, "recs"),
     (GRAPH, MASTERY, None, pl.InvalidParameterError, "recs")],
)
def test_bad_arguments_to_the_recommendations_check_are_refused(graph: Any, mastery: Any, recs: Any, error: type,
                                                                 name: str) -> None:
    with pytest.raises(error, match=name):
        kit.assert_recommendations_valid(graph, mastery, recs)
    with pytest.raises(pl.InvalidParameterError, match="threshold"):
        kit.assert_recommendations_valid(GRAPH, MASTERY, RECS, threshold=1.5)


# ------------------------------------------------------------- policy check
@pytest.mark.parametrize("name", sorted(set(pl.POLICIES) - {"tiered-tasks"}))
def test_every_built_in_policy_passes(name: str) -> None:
    kit.check_policy(pl.POLICIES[name]())


def test_tiered_tasks_with_a_ceiling_lower_goals_and_fail() -> None:
    with pytest.raises(AssertionError, match="'tiered-tasks' lowers a learner's goal"):
        kit.check_policy(pl.TieredTasks(ceiling=0.8))
    kit.check_policy(pl.TieredTasks(ceiling=None, lower_support=pl.contingent_fading(levels=4, start=2)))


class _Run:
    """Every learner on their first unknown skill of the sequence, moving on after a right exit question."""

    def __init__(self, policy: Any, setting: pl.PolicySetting) -> None:
        self.policy, self.setting = policy, setting
        self.position = setting.known.copy()

    def skills(self) -> np.ndarray:
        sequence = self.setting.sequence
        return np.where(self.position < sequence.size, sequence[np.minimum(self.position, sequence.size - 1)], -1)

    def assign(self, step: int) -> pl.Assignment:
        return pl.Assignment(self.skills().astype(np.intp), np.zeros(self.setting.n_learners))

    def observe(self, assignment: Any, practice: np.ndarray, exit_question: np.ndarray) -> None:
        self.position += exit_question & (assignment.skill >= 0)


@attrs.define
class Broken:
    """A third-party policy whose ``fault`` breaks one rule (or none)."""

    fault: str = "none"
    calls: int = 0
    name: str = "broken"

    def start(self, setting: pl.PolicySetting) -> Any:
        self.calls += 1
        run = _Run(self, setting)
        fault, calls = self.fault, self.calls
        plain = run.assign

        def assign(step: int) -> pl.Assignment:
            a = plain(step)
            n = setting.n_learners
            if fault == "own randomness":
                return pl.Assignment(a.skill, np.random.default_rng().random(n))
            if fault == "numpy global":
                np.random.random()
            if fault == "random global":
                random.random()
            if fault == "state in the policy":
                return pl.Assignment(a.skill, np.full(n, 1.0 / calls))
            if fault == "skill shape":
                return pl.Assignment(np.append(a.skill, 0), np.zeros(n + 1))
            if fault == "support shape":
                return pl.Assignment(a.skill, np.zeros(n + 1))
            if fault == "support range":
                return pl.Assignment(a.skill, np.full(n, 1.5))
            if fault == "quality":
                return pl.Assignment(a.skill, np.zeros(n), np.full(n, np.nan))
            if fault == "writes the setting":
                setting.known[:] = 0
            if fault == "gives up":
                return pl.Assignment(np.where(setting.known > 0, -1, a.skill).astype(np.intp), np.zeros(n))
            return a

        run.assign = assign  # type: ignore[method-assign]
        return run


def test_a_well_behaved_third_party_policy_passes() -> None:
    kit.check_policy(Broken(), rng=np.random.default_rng(3), graph=GRAPH, probe_steps=50)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("own randomness", "not reproducible"),
        ("numpy global", "changed numpy's global random state"),
        ("random global", "changed the random module's global state"),
        ("state in the policy", "not reproducible"),
        ("skill shape", "integer skill array of shape"),
        ("support shape", "support.* must have shape"),
        ("support range", "support must lie in"),
        ("quality", "quality must lie in"),
        ("writes the setting", "read-only"),
        ("gives up", "lowers a learner's goal"),
    ],
)
def test_broken_policies_fail_naming_the_rule(fault: str, message: str) -> None:
    numpy_state, python_state = np.random.get_state(), random.getstate()
    with pytest.raises(AssertionError, match=message):
        kit.check_policy(Broken(fault))
    after = np.random.get_state()
    assert np.array_equal(after[1], numpy_state[1]) and after[2] == numpy_state[2]
    assert random.getstate() == python_state, "the check must restore global random state"


def test_not_a_policy() -> None:
    with pytest.raises(pl.InvalidParameterError, match="policy must be a policy instance"):
        kit.check_policy(pl.FadingScaffolds)
    for thing in (None, "fading-scaffolds", object(), {"name": "x", "start": None}):
        with pytest.raises(pl.InvalidParameterError, match="policy must be a Policy"):
            kit.check_policy(thing)
    with pytest.raises(AssertionError, match="name"):  # a policy (it has start) that breaks the protocol
        kit.check_policy(Broken(name=""))
    with pytest.raises(pl.InvalidParameterError, match="class_size"):  # simulate's own limit, named, not wrapped
        kit.check_policy(pl.FadingScaffolds(), class_size=2000)
    with pytest.raises(pl.InvalidParameterError, match="probe_steps"):
        kit.check_policy(pl.FadingScaffolds(), probe_steps=10**7)
    with pytest.raises(pl.InvalidParameterError, match="n_learners"):
        kit.check_policy(pl.FadingScaffolds(), n_learners=0)
    with pytest.raises(pl.InvalidParameterError, match="graph"):
        kit.check_policy(pl.FadingScaffolds(), graph="fractions")


# ------------------------------------------------------------------ imports
def test_all_is_sorted_and_the_package_stays_out_of_import_personalise() -> None:
    assert kit.__all__ == sorted(kit.__all__)
    code = "import sys, personalise; print([m for m in ('personalise.testing', 'hypothesis') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_hypothesis_the_import_error_says_what_to_install() -> None:
    code = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "hypothesis" or name.startswith("hypothesis."):
                    raise ImportError("No module named 'hypothesis'")
        sys.meta_path.insert(0, Block())
        import personalise
        try:
            import personalise.testing
        except ImportError as error:
            print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "pip install hypothesis" in result.stdout and "personalise[test]" in result.stdout
