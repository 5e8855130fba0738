"""Bad-input cases: the evidence store (SQLite in a fresh temporary folder per call)."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import personalise as pl
from personalise import store as stores
from tests.meta.battery import Case

EDGES = [("count", "add"), ("add", "multiply")]
SKILLS = ("count", "add", "multiply")
TIMES = ["2026-09-01T09:00Z", "2026-09-02T09:00Z", "2026-09-03T09:00Z", "2026-09-03T10:00Z"]


def graph() -> pl.CompiledGraph:
    return pl.compile_graph(EDGES)


def params() -> pl.BKTParams:
    return pl.BKTParams.constant(graph(), prior=0.3, learn=0.15, guess=0.2, slip=0.1)


def evidence() -> pl.Evidence:
    return pl.Evidence(["ann", "ann", "bo", "bo"], ["count", "add", "count", "count"], [1.0, 0.0, 1.0, 1.0], TIMES,
                       ["q1", "q2", "q3", "q4"])


#: The folders made for the cases, removed when the test process ends.
FOLDERS: list[str] = []


def folder() -> str:
    made = tempfile.mkdtemp(prefix="personalise-meta-")
    FOLDERS.append(made)
    return made


@atexit.register
def _remove_folders() -> None:
    for made in FOLDERS:
        shutil.rmtree(made, ignore_errors=True)


def store() -> pl.EvidenceStore:
    """A store on a new SQLite file holding a little evidence, a roster and a scaffold."""
    opened = pl.open_store(os.path.join(folder(), "store.sqlite"))
    opened.add(evidence())
    opened.set_roster({"4M": ["ann", "bo"]})
    opened.open_scaffold("ann", pl.Scaffold("add", pl.linear_fading(4)), at="2026-09-01T08:00Z")
    return opened


def exported() -> str:
    path = os.path.join(folder(), "export.json")
    with store() as source:
        source.export(path)
    return path


def in_folder(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` run with a new temporary folder as the working directory (relative paths land there)."""

    def call(**kwargs: Any) -> Any:
        with contextlib.chdir(folder()):
            result = function(**kwargs)
        if isinstance(result, pl.EvidenceStore):
            result.close()
        return result

    return call


def method(name: str, *arguments: str) -> Callable[..., Any]:
    """Call ``store.<name>`` with ``arguments`` positionally and the rest as keywords."""

    def call(store: pl.EvidenceStore, **kwargs: Any) -> Any:
        positional = [kwargs.pop(argument) for argument in arguments]
        try:
            return getattr(store, name)(*positional, **kwargs)
        finally:
            store.close()

    return in_folder(call)


def on_store(**valid: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"store": store(), **{key: make() for key, make in valid.items()}}


def user(*names: str) -> tuple[str, ...]:
    return names


CASES = [
    Case(("open_store",), in_folder(stores.open_store), lambda: {"target": os.path.join(folder(), "s.sqlite")}),
    Case(("import_store",), in_folder(stores.import_store),
         lambda: {"source": exported(), "target": os.path.join(folder(), "copy.sqlite")},
         names={"source": ("store export",)}),
    Case(("AddReport",), stores.AddReport,
         lambda: {"added": ("q1",), "duplicates": ("q2",), "conflicts": (("q3", "score differs"),),
                  "rejected": (("q4", "voided"),)}),
    Case(("EvidenceStore",), in_folder(stores.EvidenceStore), lambda: {"db": store().db}),
    Case(("EvidenceStore",), method("add", "evidence"), on_store(evidence=evidence), perturb=user("evidence"),
         label="EvidenceStore.add"),
    Case(("EvidenceStore",), method("void", "evidence_ids"), on_store(evidence_ids=lambda: ["q1"]),
         perturb=user("evidence_ids"), label="EvidenceStore.void"),
    Case(("EvidenceStore",), method("evidence"),
         on_store(learner_ids=lambda: ["ann"], skills=lambda: ["count"], since=lambda: "2026-09-01T00:00Z",
                  until=lambda: "2026-09-30T00:00Z"),
         perturb=user("learner_ids", "skills", "since", "until"), label="EvidenceStore.evidence"),
    Case(("EvidenceStore",), method("set_roster", "roster"), on_store(roster=lambda: {"5B": ["cy", "di"]}),
         perturb=user("roster"), label="EvidenceStore.set_roster"),
    Case(("EvidenceStore",), method("class_learners", "class_id"), on_store(class_id=lambda: "4M"),
         perturb=user("class_id"), label="EvidenceStore.class_learners"),
    Case(("EvidenceStore",), method("mastery", "params"),
         on_store(params=params, learner_ids=lambda: ["ann", "bo"], at=lambda: "2026-09-30T00:00Z",
                  pass_mark=lambda: 0.5),
         perturb=user("params", "learner_ids", "at", "pass_mark"), label="EvidenceStore.mastery"),
    Case(("EvidenceStore",), method("mastery", "params"), on_store(params=params, class_id=lambda: "4M"),
         perturb=user("class_id"), label="EvidenceStore.mastery-class"),
    Case(("EvidenceStore",), method("last_practice", "learner_ids", "skills"),
         on_store(learner_ids=lambda: ["ann", "bo"], skills=lambda: list(SKILLS)),
         perturb=user("learner_ids", "skills"), label="EvidenceStore.last_practice"),
    Case(("EvidenceStore",), method("open_scaffold", "learner_id", "scaffold"),
         on_store(learner_id=lambda: "bo", scaffold=lambda: pl.Scaffold("count", pl.linear_fading(4)),
                  at=lambda: "2026-09-02T08:00Z"),
         perturb=user("learner_id", "scaffold", "at"), names={"learner_id": ("learner ids",)},
         label="EvidenceStore.open_scaffold"),
    Case(("EvidenceStore",), method("scaffolds"),
         on_store(learner_ids=lambda: ["ann"], pass_mark=lambda: 0.5, params=params),
         perturb=user("learner_ids", "pass_mark", "params"), label="EvidenceStore.scaffolds"),
    Case(("EvidenceStore",), method("recommend", "graph", "params"),
         on_store(graph=graph, params=params, learner_ids=lambda: ["ann", "bo"], now=lambda: "2026-12-01T09:00Z",
                  half_life_days=lambda: 30.0, pass_mark=lambda: 0.5, k=lambda: 1),
         perturb=user("graph", "params", "learner_ids", "now", "half_life_days", "pass_mark", "k"),
         label="EvidenceStore.recommend", nan_allowed=("result.scores", "result.predicted_success", "result.recall")),
    Case(("EvidenceStore",), method("plan_lesson", "graph", "params"),
         on_store(graph=graph, params=params, class_id=lambda: "4M", now=lambda: "2026-12-01T09:00Z",
                  half_life_days=lambda: 30.0, pass_mark=lambda: 0.5),
         perturb=user("graph", "params", "class_id", "now", "half_life_days", "pass_mark"),
         label="EvidenceStore.plan_lesson"),
    Case(("EvidenceStore",), method("export", "path"), on_store(path=lambda: os.path.join(folder(), "out.json")),
         perturb=user("path"), label="EvidenceStore.export"),
    Case(("EvidenceStore",), method("forget_learner", "learner_id"), on_store(learner_id=lambda: "bo"),
         perturb=user("learner_id"), names={"learner_id": ("learner ids",)},
         label="EvidenceStore.forget_learner"),
]

EXEMPT: dict[str, str] = {}
