"""One test per kind of bad input: the documented error class, a message naming the offender, and ``.value``.

DESIGN.md: "Messages name the argument, the rule, and the offending value".
"""

from __future__ import annotations

import io
import json
import math
import re

import networkx as nx
import numpy as np
import pytest

import personalise as pl

EDGES = [("count", "add"), ("add", "multiply")]
GRAPH_SCHEMA = "personalise.compiled_graph/1"
REPORT_SCHEMA = "personalise.repair_report/1"


@pytest.fixture
def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)  # columns: count, add, multiply


def zeros(n_learners: int = 2, n_skills: int = 3) -> np.ndarray:
    return np.zeros((n_learners, n_skills))


# ---------------------------------------------------------------------- graphs
def test_cyclic_graph() -> None:
    with pytest.raises(pl.CyclicPrerequisiteError, match=re.escape("'a' -> 'b' -> 'c' -> 'a'")) as info:
        pl.compile_graph([("a", "b"), ("b", "c"), ("c", "a")])
    assert info.value.cycle == ("a", "b", "c")
    assert info.value.value == ("a", "b", "c")
    assert isinstance(info.value, pl.GraphError)
    assert isinstance(info.value, ValueError)


def test_cycle_behind_a_tail_names_only_the_cycle() -> None:
    G = nx.DiGraph([("root", "x"), ("x", "y"), ("y", "z"), ("z", "x"), ("z", "leaf")])
    with pytest.raises(pl.CyclicPrerequisiteError, match=re.escape("'x' -> 'y' -> 'z' -> 'x'")) as info:
        pl.compile_graph(G)
    assert info.value.cycle == ("x", "y", "z")


def test_two_cycle() -> None:
    with pytest.raises(pl.CyclicPrerequisiteError, match=re.escape("'a' -> 'b' -> 'a'")) as info:
        pl.compile_graph([("b", "a"), ("a", "b")])
    assert info.value.cycle == ("a", "b")


def test_self_loop() -> None:
    with pytest.raises(pl.GraphError, match="self-loop.*'a'") as info:
        pl.compile_graph([("x", "y"), ("a", "a")])
    assert info.value.value == "a"
    assert not isinstance(info.value, pl.CyclicPrerequisiteError)


def test_self_loop_in_networkx_graph() -> None:
    G = nx.DiGraph([("x", "y")])
    G.add_edge("y", "y")
    with pytest.raises(pl.GraphError, match="self-loop.*'y'") as info:
        pl.compile_graph(G)
    assert info.value.value == "y"


@pytest.mark.parametrize("cls", [nx.Graph, nx.MultiGraph])
def test_undirected_networkx_graph(cls: type) -> None:
    with pytest.raises(pl.GraphError, match="directed") as info:
        pl.compile_graph(cls([("a", "b")]))
    assert info.value.value == cls.__name__


@pytest.mark.parametrize(
    "edge",
    [("a", "b", "c"), ("a",), "ab", 7],
    ids=["triple", "single", "string", "int"],
)
def test_non_pair_edge(edge: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(repr(edge))) as info:
        pl.compile_graph([("x", "y"), edge])
    assert info.value.value == edge


@pytest.mark.parametrize("graph_arg", ["a->b", 5, {"a": "b"}], ids=["str", "int", "dict"])
def test_graph_of_the_wrong_type(graph_arg: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="DiGraph or an iterable"):
        pl.compile_graph(graph_arg)


def test_none_id() -> None:
    with pytest.raises(pl.GraphError, match="None") as info:
        pl.compile_graph([("a", None)])
    assert info.value.value is None


def test_none_id_as_isolated_skill() -> None:
    with pytest.raises(pl.GraphError, match="None"):
        pl.compile_graph([("a", "b")], skills=[None])


def test_unhashable_id() -> None:
    with pytest.raises(pl.GraphError, match=re.escape("hashable; got ['x']")) as info:
        pl.compile_graph([("a", ["x"])])
    assert info.value.value == ["x"]


def test_nan_id() -> None:
    with pytest.raises(pl.GraphError, match="NaN") as info:
        pl.compile_graph([("a", float("nan"))])
    assert math.isnan(info.value.value)


# ---------------------------------------------------------------- skill_order
def test_skill_order_missing_a_skill() -> None:
    with pytest.raises(pl.InvalidParameterError, match="'multiply' is missing") as info:
        pl.compile_graph(EDGES, skill_order=["count", "add"])
    assert info.value.value == "multiply"


def test_skill_order_with_a_duplicate() -> None:
    with pytest.raises(pl.InvalidParameterError, match="'add' more than once") as info:
        pl.compile_graph(EDGES, skill_order=["count", "add", "add", "multiply"])
    assert info.value.value == "add"


def test_skill_order_with_an_unknown_skill() -> None:
    with pytest.raises(pl.UnknownSkillError, match="'divide'") as info:
        pl.compile_graph(EDGES, skill_order=["count", "add", "multiply", "divide"])
    assert info.value.value == "divide"
    assert isinstance(info.value, LookupError)


def test_skill_order_as_a_string() -> None:
    with pytest.raises(pl.InvalidParameterError, match="skill_order"):
        pl.compile_graph([("a", "b")], skill_order="ab")


# ------------------------------------------------------------- unknown skills
def test_index_of_unknown_skill(graph: pl.CompiledGraph) -> None:
    with pytest.raises(pl.UnknownSkillError, match="'divide'") as info:
        graph.index_of("divide")
    assert info.value.value == "divide"
    assert info.value.skill == "divide"
    with pytest.raises(LookupError):
        graph.index_of("divide")
    # the message is plain, not quoted as KeyError would quote it, and names the argument
    assert str(info.value) == "unknown skill_id 'divide': not in the compiled graph"


def test_index_of_unhashable(graph: pl.CompiledGraph) -> None:
    with pytest.raises(pl.UnknownSkillError, match=re.escape("['add']")):
        graph.index_of(["add"])


@pytest.mark.parametrize(
    "method", ["prerequisites_of", "successors_of", "indices_of"], ids=["prerequisites", "successors", "indices"]
)
def test_other_lookups_of_unknown_skill(graph: pl.CompiledGraph, method: str) -> None:
    argument = ["divide"] if method == "indices_of" else "divide"
    with pytest.raises(pl.UnknownSkillError, match="'divide'"):
        getattr(graph, method)(argument)


@pytest.mark.parametrize(
    "goals",
    ["divide", {"add", "divide"}, frozenset(["divide"]), ["add", "divide"], [None, {"divide"}]],
    ids=["shared", "shared-set", "frozenset", "per-learner", "per-learner-set"],
)
def test_unknown_skill_in_goals(graph: pl.CompiledGraph, goals: object) -> None:
    with pytest.raises(pl.UnknownSkillError, match="'divide'") as info:
        pl.recommend_next(graph, zeros(), goals=goals)
    assert info.value.value == "divide"
    assert isinstance(info.value, LookupError)


def test_empty_goal_set(graph: pl.CompiledGraph) -> None:
    with pytest.raises(pl.InvalidParameterError, match="goal set must not be empty"):
        pl.recommend_next(graph, zeros(), goals=set())


def test_per_learner_goals_of_wrong_length(graph: pl.CompiledGraph) -> None:
    with pytest.raises(pl.InvalidParameterError, match=r"one entry per learner \(2\); got 3") as info:
        pl.recommend_next(graph, zeros(), goals=["add", "add", "add"])
    assert info.value.value == 3


# -------------------------------------------------------------------- mastery
@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe, pl.recommend_next])
def test_mastery_with_wrong_number_of_columns(graph: pl.CompiledGraph, function: object) -> None:
    with pytest.raises(pl.ShapeError, match=re.escape("one column per skill (3); got shape (2, 4)")) as info:
        function(graph, zeros(2, 4))  # type: ignore[operator]
    assert info.value.value == (2, 4)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 1), ()], ids=["1-D", "3-D", "0-D"])
def test_mastery_with_wrong_ndim(graph: pl.CompiledGraph, shape: tuple[int, ...]) -> None:
    with pytest.raises(pl.ShapeError, match=re.escape(f"2-D (n_learners, n_skills); got shape {shape}")) as info:
        pl.readiness(graph, np.zeros(shape))
    assert info.value.value == shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe, pl.recommend_next])
def test_nan_mastery_names_its_position(graph: pl.CompiledGraph, function: object, dtype: type) -> None:
    mastery = np.zeros((5, 3), dtype=dtype)
    mastery[3, 2] = np.nan
    mastery[4, 0] = np.nan
    mastery.flags.writeable = False
    with pytest.raises(pl.InvalidParameterError, match=re.escape("mastery must lie in [0, 1]; got nan at (3, 2)")) as info:
        function(graph, mastery)  # type: ignore[operator]
    assert math.isnan(info.value.value)


def test_nan_mastery_at_the_design_doc_position() -> None:
    graph = pl.compile_graph([], skills=[f"s{j}" for j in range(10)])
    mastery = np.full((5, 10), 0.5)
    mastery[3, 7] = np.nan
    with pytest.raises(pl.InvalidParameterError, match=re.escape("got nan at (3, 7)")):
        pl.readiness(graph, mastery)


@pytest.mark.parametrize(("value", "text"), [(1.5, "1.5"), (-0.25, "-0.25"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_mastery_outside_unit_interval(graph: pl.CompiledGraph, value: float, text: str) -> None:
    mastery = np.full((4, 3), 0.5)
    mastery[2, 1] = value
    mastery[3, 0] = 7.0  # later in row-major order: not the one reported
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"got {text} at (2, 1)")) as info:
        pl.recommend_next(graph, mastery)
    assert info.value.value == value


def test_first_bad_position_is_row_major(graph: pl.CompiledGraph) -> None:
    mastery = np.full((4, 3), 0.5)
    mastery[1, 2] = 2.0
    mastery[2, 0] = np.nan
    with pytest.raises(pl.InvalidParameterError, match=re.escape("got 2.0 at (1, 2)")):
        pl.inner_fringe(graph, np.asfortranarray(mastery))


@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe, pl.recommend_next])
def test_bad_mastery_in_a_later_block(graph: pl.CompiledGraph, small_blocks: int, function: object) -> None:
    """The position is counted in the caller's array, not within the block."""
    n = 3 * small_blocks + 5
    mastery = np.full((n, 3), 0.5)
    row = 2 * small_blocks + 3
    mastery[row, 1] = np.nan
    mastery.flags.writeable = False
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"got nan at ({row}, 1)")):
        function(graph, mastery)  # type: ignore[operator]


@pytest.mark.parametrize(
    "threshold",
    [0, 0.0, -0.1, 1.5, float("nan"), float("inf"), True, False, "0.9", None, 1 + 1e-12],
    ids=["0", "0.0", "-0.1", "1.5", "nan", "inf", "True", "False", "str", "None", "just-above-1"],
)
@pytest.mark.parametrize("function", [pl.readiness, pl.inner_fringe, pl.recommend_next])
def test_threshold_outside_zero_one(graph: pl.CompiledGraph, function: object, threshold: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=r"threshold must .*\(0, 1\]; got " + re.escape(repr(threshold))) as info:
        function(graph, zeros(), threshold=threshold)  # type: ignore[operator]
    if isinstance(threshold, float) and math.isnan(threshold):
        assert math.isnan(info.value.value)
    else:
        assert info.value.value == threshold
        assert type(info.value.value) is type(threshold)


@pytest.mark.parametrize("k", [0, -1, -100], ids=["0", "-1", "-100"])
def test_k_below_one(graph: pl.CompiledGraph, k: int) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"k must be an integer >= 1; got {k}")) as info:
        pl.recommend_next(graph, zeros(), k=k)
    assert info.value.value == k


@pytest.mark.parametrize("k", [2.5, 3.0, True, "3", None, np.float64(2.0)], ids=["2.5", "3.0", "True", "str", "None", "np-float"])
def test_non_integer_k(graph: pl.CompiledGraph, k: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"k must be an integer >= 1; got {k!r}")) as info:
        pl.recommend_next(graph, zeros(), k=k)
    assert info.value.value is k
    with pytest.raises(TypeError):  # InvalidParameterError is also a TypeError
        pl.recommend_next(graph, zeros(), k=k)


def test_k_above_the_documented_maximum(graph: pl.CompiledGraph) -> None:
    """recommend_next's docstring: k is at most the number of skills or 1,024, whichever is larger."""
    assert pl.recommend_next(graph, zeros(), k=1024).k == 1024  # a small graph: padding up to 1,024
    with pytest.raises(pl.InvalidParameterError, match=re.escape(
            "k must be at most the number of skills or 1,024, whichever is larger (1,024); got 1025")) as info:
        pl.recommend_next(graph, zeros(), k=1025)
    assert info.value.value == 1025
    big = pl.compile_graph([], skills=[f"s{j:04d}" for j in range(1100)])  # more skills than 1,024: k up to n_skills
    assert pl.recommend_next(big, np.zeros((1, 1100)), k=1100).k == 1100
    with pytest.raises(pl.InvalidParameterError, match=re.escape("whichever is larger (1,100); got 1101")):
        pl.recommend_next(big, np.zeros((1, 1100)), k=1101)


def test_numpy_integer_k_is_accepted(graph: pl.CompiledGraph) -> None:
    assert pl.recommend_next(graph, zeros(), k=np.int64(2)).k == 2


@pytest.mark.parametrize("dtype", ["U4", "S4", object, complex], ids=["str", "bytes", "object", "complex"])
def test_non_real_mastery_dtype(graph: pl.CompiledGraph, dtype: object) -> None:
    mastery = np.zeros((2, 3)).astype(dtype)
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"dtype {mastery.dtype}")) as info:
        pl.readiness(graph, mastery)
    assert info.value.value == mastery.dtype


def test_string_mastery_from_lists(graph: pl.CompiledGraph) -> None:
    with pytest.raises(pl.InvalidParameterError, match="real numbers"):
        pl.recommend_next(graph, [["0.1", "0.2", "0.3"]])


def test_compiled_argument_of_wrong_type() -> None:
    with pytest.raises(pl.InvalidParameterError, match="CompiledGraph.*got DiGraph"):
        pl.readiness(nx.DiGraph([("a", "b")]), zeros(2, 2))


# ------------------------------------------------------------------ DataFrames
def test_dataframe_mastery_with_unknown_column(graph: pl.CompiledGraph) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(zeros(1, 4), columns=["count", "add", "multiply", "divide"])
    with pytest.raises(pl.UnknownSkillError, match="'divide'") as info:
        pl.readiness(graph, frame)
    assert info.value.value == "divide"


def test_dataframe_mastery_with_missing_column(graph: pl.CompiledGraph) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(zeros(1, 2), columns=["multiply", "count"])
    with pytest.raises(pl.ShapeError, match="no column for skill 'add'") as info:
        pl.inner_fringe(graph, frame)
    assert info.value.value == "add"


def test_dataframe_mastery_with_duplicate_column(graph: pl.CompiledGraph) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(zeros(1, 4), columns=["count", "add", "multiply", "add"])
    with pytest.raises(pl.ShapeError, match="'add' more than once"):
        pl.recommend_next(graph, frame)


def test_dataframe_mastery_with_nan_names_the_reordered_position(graph: pl.CompiledGraph) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([[0.5, 0.5, 0.5], [0.5, np.nan, 0.5]], columns=["multiply", "count", "add"])
    # 'count' is column 0 of the graph
    with pytest.raises(pl.InvalidParameterError, match=re.escape("got nan at (1, 0)")):
        pl.readiness(graph, frame)


# --------------------------------------------------------------- learner ids
@pytest.fixture
def recs(graph: pl.CompiledGraph) -> pl.Recommendations:
    return pl.recommend_next(graph, zeros(3, 3))


def test_duplicate_learner_ids(recs: pl.Recommendations) -> None:
    with pytest.raises(pl.InvalidParameterError, match="unique.*'bo'.*position 2") as info:
        recs.to_records(["ann", "bo", "bo"])
    assert info.value.value == "bo"


def test_duplicate_learner_ids_in_to_frame(recs: pl.Recommendations) -> None:
    pytest.importorskip("pandas")
    with pytest.raises(pl.InvalidParameterError, match="unique.*'ann'"):
        recs.to_frame(["ann", "ann", "cy"])


@pytest.mark.parametrize("ids", [["ann"], ["a", "b", "c", "d"], []], ids=["short", "long", "empty"])
def test_learner_ids_of_wrong_length(recs: pl.Recommendations, ids: list[str]) -> None:
    with pytest.raises(pl.ShapeError, match=re.escape(f"one id per learner (3); got {len(ids)}")) as info:
        recs.to_records(ids)
    assert info.value.value == len(ids)


def test_learner_ids_as_a_single_string(recs: pl.Recommendations) -> None:
    with pytest.raises(pl.InvalidParameterError, match="single string; got 'abc'"):
        recs.to_records("abc")


def test_unhashable_learner_id(recs: pl.Recommendations) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape("hashable; got ['x'] at position 1")):
        recs.to_records(["a", ["x"], "c"])


# ------------------------------------------------------------------ JSON input
def graph_doc(**changes: object) -> str:
    data: dict[str, object] = {"schema": GRAPH_SCHEMA, "skill_ids": ["a", "b"], "edges": [["a", "b"]]}
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not ...})


def test_graph_json_of_another_schema() -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"expected schema {GRAPH_SCHEMA!r}; got 'other/1'")) as info:
        pl.CompiledGraph.from_json(graph_doc(schema="other/1"))
    assert info.value.value == "other/1"


def test_graph_json_of_the_repair_report_schema() -> None:
    report_text = pl.RepairReport().to_json()
    with pytest.raises(pl.InvalidParameterError, match=re.escape(repr(REPORT_SCHEMA))):
        pl.CompiledGraph.from_json(report_text)


def test_graph_json_without_schema() -> None:
    with pytest.raises(pl.InvalidParameterError, match="got None"):
        pl.CompiledGraph.from_json(graph_doc(schema=...))


@pytest.mark.parametrize("field", ["skill_ids", "edges"])
def test_graph_json_missing_field(field: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=f"missing the field '{field}'") as info:
        pl.CompiledGraph.from_json(graph_doc(**{field: ...}))
    assert info.value.value == field


@pytest.mark.parametrize("text", ["not json", "{", "", b"\xff\xfe"], ids=["words", "truncated", "empty", "bytes"])
def test_graph_json_that_is_not_json(text: str | bytes) -> None:
    with pytest.raises(pl.InvalidParameterError, match="not a JSON document"):
        pl.CompiledGraph.from_json(text)


@pytest.mark.parametrize("text", ["[1, 2]", '"a"', "3", "null"])
def test_graph_json_that_is_not_an_object(text: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match="must be a JSON object"):
        pl.CompiledGraph.from_json(text)


@pytest.mark.parametrize("edge", [["a"], ["a", "b", "c"], "ab", {"a": "b"}, None], ids=["short", "long", "str", "dict", "null"])
def test_graph_json_bad_edge_entry(edge: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"got {edge!r}")) as info:
        pl.CompiledGraph.from_json(graph_doc(edges=[["a", "b"], edge]))
    assert info.value.value == edge


@pytest.mark.parametrize("edges", [5, None], ids=["int", "null"])
def test_graph_json_edges_not_a_list(edges: object) -> None:
    """A malformed document is bad input: InvalidParameterError naming the field, never a bare TypeError."""
    with pytest.raises(pl.InvalidParameterError, match="edge"):
        pl.CompiledGraph.from_json(graph_doc(edges=edges))


@pytest.mark.parametrize("edges", ["ab", {"a": "b"}], ids=["str", "dict"])
def test_graph_json_edges_an_iterable_of_non_pairs(edges: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="edge"):
        pl.CompiledGraph.from_json(graph_doc(edges=edges))


@pytest.mark.parametrize("skill_ids", ["ab", 5, {"a": 1}, None], ids=["str", "int", "dict", "null"])
def test_graph_json_skill_ids_not_a_list(skill_ids: object) -> None:
    with pytest.raises(pl.InvalidParameterError, match="skill_ids"):
        pl.CompiledGraph.from_json(graph_doc(skill_ids=skill_ids))


def test_graph_json_edge_with_unknown_skill() -> None:
    """from_json documents GraphError for an edge naming a skill that is not in skill_ids."""
    with pytest.raises(pl.GraphError, match="'c'"):
        pl.CompiledGraph.from_json(graph_doc(edges=[["a", "b"], ["a", "c"]]))


def test_graph_json_with_a_cycle() -> None:
    with pytest.raises(pl.CyclicPrerequisiteError, match=re.escape("'a' -> 'b' -> 'a'")):
        pl.CompiledGraph.from_json(graph_doc(edges=[["a", "b"], ["b", "a"]]))


def test_graph_json_with_a_self_loop() -> None:
    with pytest.raises(pl.GraphError, match="self-loop.*'b'"):
        pl.CompiledGraph.from_json(graph_doc(edges=[["b", "b"]]))


def test_graph_json_with_duplicate_skill_ids() -> None:
    with pytest.raises(pl.PersonaliseError, match="'a'"):
        pl.CompiledGraph.from_json(graph_doc(skill_ids=["a", "b", "a"]))


def test_graph_json_with_null_skill_id() -> None:
    with pytest.raises(pl.GraphError, match="None"):
        pl.CompiledGraph.from_json(graph_doc(skill_ids=["a", "b", None]))


def report_doc(**changes: object) -> str:
    data = json.loads(pl.RepairReport(self_loops=("a",), dropped_edges=[("a", "a")]).to_json())
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not ...})


def test_report_json_of_another_schema() -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(f"expected schema {REPORT_SCHEMA!r}; got 'x/1'")) as info:
        pl.RepairReport.from_json(report_doc(schema="x/1"))
    assert info.value.value == "x/1"


def test_report_json_of_the_graph_schema() -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape(repr(GRAPH_SCHEMA))):
        pl.RepairReport.from_json(pl.compile_graph([("a", "b")]).to_json())


@pytest.mark.parametrize(
    "field", ["duplicate_rows", "repeated_prerequisites", "self_loops", "unknown_prerequisites", "cycles", "dropped_edges"]
)
def test_report_json_missing_field(field: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match=f"missing the field '{field}'") as info:
        pl.RepairReport.from_json(report_doc(**{field: ...}))
    assert info.value.value == field


@pytest.mark.parametrize("text", ["nope", "{", ""], ids=["words", "truncated", "empty"])
def test_report_json_that_is_not_json(text: str) -> None:
    with pytest.raises(pl.InvalidParameterError, match="not a JSON document"):
        pl.RepairReport.from_json(text)


def test_report_json_that_is_not_an_object() -> None:
    with pytest.raises(pl.InvalidParameterError, match=re.escape("got [1]")):
        pl.RepairReport.from_json("[1]")


@pytest.mark.parametrize(
    "bad",
    [5, None, [7], [None], [["a", "b", "c"]], [["a"]]],
    ids=["int", "null", "int-entry", "null-entry", "triple", "single"],
)
def test_report_json_bad_edge_entries(bad: object) -> None:
    """dropped_edges holds (prerequisite, name) pairs; anything else is rejected as bad input."""
    with pytest.raises(pl.InvalidParameterError, match="dropped_edges"):
        pl.RepairReport.from_json(report_doc(dropped_edges=bad))


# ------------------------------------------------------------------ edge CSVs
def test_edge_csv_that_cannot_be_opened(tmp_path: object) -> None:
    missing = f"{tmp_path}/nope.csv"
    with pytest.raises(pl.InvalidParameterError, match=re.escape(repr(missing))) as info:
        pl.read_edge_csv(missing)
    assert info.value.value == missing


def test_edge_csv_missing_column() -> None:
    with pytest.raises(pl.EvidenceError, match="no column 'prerequisite'") as info:
        pl.read_edge_csv(io.StringIO("prereq,skill\na,b\n"))
    assert info.value.value == "prerequisite"
