"""The ``store`` command: keep a class's evidence in an evidence store, and read next steps from it.

``personalise store add STORE FILE --format xapi|oneroster|marks`` reads a
school export with the library's readers and adds it to the store at
``STORE`` (a SQLite file, created when missing, or a ``postgresql://`` URL);
``store next`` prints each learner's next steps for a class's roster;
``store forget`` erases a learner; ``store export`` writes the whole store as
JSON Lines (:func:`personalise.import_store` reads it back).

:func:`read_batch` and :func:`apply_batch` are what ``store add`` does, in two
steps (read a file, then write what it holds); the ``demo --term`` command
uses them too. Every error is a :class:`~personalise.PersonaliseError` whose
one-line message names the file, the option or the id.
"""

from __future__ import annotations

import argparse
import io
import math
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final, TextIO

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import check_timestamps, parse_json, read_text
from personalise.cli.text import fill as _fill
from personalise.cli.text import plural as _plural
from personalise.content.bkt_params import BKTParams
from personalise.content.recommendations import Recommendations
from personalise.evidence import Evidence
from personalise.exceptions import (
    InvalidParameterError,
    PersonaliseError,
    StoreError,
    UnknownLearnerError,
    UnknownSkillError,
)
from personalise.graph import CompiledGraph
from personalise.io import load_example_curriculum, read_edge_csv
from personalise.io.case import read_case
from personalise.io.example import _example_skill_table
from personalise.io.marks import read_marks
from personalise.io.oneroster import OneRosterBundle, read_oneroster
from personalise.io.xapi import VOIDED, _statements, read_xapi
from personalise.store import AddReport, EvidenceStore, open_store

__all__ = [
    "EXAMPLE_GRAPH",
    "INPUT_FORMATS",
    "TYPICAL_PARAMS",
    "Applied",
    "Batch",
    "StoreGraph",
    "apply_batch",
    "configure",
    "load_params",
    "load_store_graph",
    "read_batch",
    "read_skill_map",
    "render_applied",
    "render_next",
    "typical_params",
]

#: What ``store add --format`` reads.
INPUT_FORMATS: Final = ("xapi", "oneroster", "marks")
#: The word for the bundled curriculum in ``store next --graph``.
EXAMPLE_GRAPH: Final = "example"
#: BKT parameters ``store next`` gives every skill unless ``--params`` says otherwise.
TYPICAL_PARAMS: Final = {"prior": 0.2, "learn": 0.15, "guess": 0.2, "slip": 0.1}

Names = Callable[[Hashable], str]


def _count(n: int, word: str) -> str:
    """``1 row``, ``2,561 rows``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# ------------------------------------------------------------------ reading files
@attrs.frozen
class Batch:
    """What one school export holds for the store.

    Parameters
    ----------
    name : str
        The file, as named on the command line.
    format : str
        One of :data:`INPUT_FORMATS`.
    evidence : Evidence
        The rows to add (with the reader's ``.skipped``).
    voids : tuple of (str, str)
        ``(voiding statement id, voided statement id)`` for every xAPI voiding
        statement of the file: the voided ids leave the ledger.
    bundle : OneRosterBundle or None
        The OneRoster bundle, whose class rosters the store takes.
    """

    name: str
    format: str
    evidence: Evidence
    voids: tuple[tuple[str, str], ...] = ()
    bundle: OneRosterBundle | None = None


def read_skill_map(path: str) -> dict[str, Hashable]:
    """The ``--skill-of`` file: a JSON object from activity ids, line item ids or objectives to skill ids.

    Raises
    ------
    InvalidParameterError
        If the file is missing, not JSON, not an object, or maps a key to
        something other than a non-empty string or an integer.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "map.json")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write('{"li-q1": "place_value_thousands"}')
    >>> read_skill_map(path)
    {'li-q1': 'place_value_thousands'}
    """
    where = f"--skill-of {path!r}"
    text, _ = read_text(path, "skill map", error=InvalidParameterError)
    data = parse_json(text, where, error=InvalidParameterError)
    if not isinstance(data, dict):
        raise InvalidParameterError(f"{where} must hold a JSON object from ids to skill ids; got "
                                    f"{type(data).__name__}", value=path)
    for key, value in data.items():
        good = (isinstance(value, str) and value) or (isinstance(value, int) and not isinstance(value, bool))
        if not key or not good:
            raise InvalidParameterError(f"{where}: {key!r} must map to a skill id (a non-empty string or an "
                                        f"integer); got {value!r}", value=key)
    return dict(data)


def _last_segment(activity: str) -> str | None:
    """The default skill of an xAPI activity: the last segment of its IRI (``.../skills/add`` -> ``add``)."""
    tail = activity.rstrip("/").rsplit("/", 1)[-1]
    return tail or None


def _voids(path: str) -> tuple[tuple[str, str], ...]:
    """``(voiding statement id, target id)`` of a file's voiding statements (read_xapi has checked them)."""
    statements = _statements(path)[0]
    pairs: list[tuple[str, str]] = []
    for statement in statements:
        verb = statement.get("verb") if isinstance(statement, dict) else None
        if not isinstance(verb, dict) or verb.get("id") != VOIDED:
            continue
        target = statement["object"].get("id") if isinstance(statement.get("object"), dict) else None
        if isinstance(target, str):
            given = statement.get("id")
            pairs.append((given.lower() if isinstance(given, str) else "", target.lower()))
    voiding = {own for own, _ in pairs}
    return tuple((own, target) for own, target in pairs if target not in voiding)


def read_batch(path: str, fmt: str, *, skill_of: Mapping[str, Hashable] | None = None) -> Batch:
    """Read one school export for the store.

    Parameters
    ----------
    path : str
        An xAPI file (JSON array, StatementResult or JSON Lines), a OneRoster
        1.2 CSV bundle (folder or zip), or a marks CSV.
    fmt : {"xapi", "oneroster", "marks"}
        How to read it (:func:`~personalise.read_xapi`,
        :func:`~personalise.read_oneroster`, :func:`~personalise.read_marks`).
    skill_of : mapping, optional
        For xAPI, activity id -> skill id (an activity it lacks is skipped;
        by default the skill is the last segment of the activity IRI); for
        OneRoster, line item ``sourcedId`` -> skill id, as text (the others
        keep their learning objective); for marks, the skill column's values -> skill id
        (the others stay as written).

    Raises
    ------
    EvidenceError
        If the file breaks its format's rules (the reader's message names the
        file, the line or statement and the value).
    InvalidParameterError
        On an unknown format.

    Examples
    --------
    >>> from importlib.resources import files
    >>> term = files("personalise.data") / "school" / "term"
    >>> batch = read_batch(str(term / "week5-practice.jsonl"), "xapi")
    >>> len(batch.evidence), len(batch.voids)
    (27, 1)
    """
    if fmt == "xapi":
        mapping = skill_of
        resolve: Mapping[str, Hashable] | Callable[[str], Hashable | None] = (
            _last_segment if mapping is None else mapping)
        evidence = read_xapi(path, skill_of=resolve)
        return Batch(path, fmt, evidence, voids=_voids(path))
    if fmt == "oneroster":
        lines = None if skill_of is None else {str(k): str(v) for k, v in skill_of.items()}
        bundle = read_oneroster(path, skill_of=lines)
        return Batch(path, fmt, bundle.evidence, bundle=bundle)
    if fmt == "marks":
        evidence = read_marks(path)
        if skill_of:
            renamed = np.array([skill_of.get(str(skill), skill) for skill in evidence.skill_ids.tolist()], dtype=object)
            try:
                evidence = Evidence(evidence.learner_ids, renamed if len(renamed) else evidence.skill_ids,
                                    evidence.scores, evidence.timestamps, evidence.evidence_ids,
                                    sources=evidence.sources, skipped=evidence.skipped)
            except PersonaliseError as error:
                raise InvalidParameterError(f"{path!r} with --skill-of: {error}", value=path) from None
        return Batch(path, fmt, evidence)
    raise InvalidParameterError(f"--format must be one of {', '.join(INPUT_FORMATS)}; got {fmt!r}", value=fmt)


@attrs.frozen
class Applied:
    """What :func:`apply_batch` did: the add report, the voids, the rosters set."""

    batch: Batch
    report: AddReport
    removed: tuple[str, ...] = ()
    classes: tuple[tuple[str, int], ...] = ()


def apply_batch(store: EvidenceStore, batch: Batch) -> Applied:
    """Write a batch to the store: voids first, then the roster (OneRoster), then the evidence.

    A voided id leaves the ledger (or, when the ledger never had it, is kept
    as a tombstone so that the statement cannot arrive later); the evidence
    is one :meth:`~personalise.EvidenceStore.add` call, wholly applied or not
    at all.

    Examples
    --------
    >>> import personalise as pl
    >>> from importlib.resources import files
    >>> term = files("personalise.data") / "school" / "term"
    >>> store = pl.open_store()
    >>> applied = apply_batch(store, read_batch(str(term / "week1.csv"), "marks"))
    >>> applied.report
    AddReport(added=140, duplicates=0, conflicts=0, rejected=0)
    """
    removed: tuple[Hashable, ...] = ()
    if batch.voids:
        removed = store.void([target for _, target in batch.voids])
    classes: list[tuple[str, int]] = []
    if batch.bundle is not None:
        store.set_roster(batch.bundle)
        classes = [(class_id, len(batch.bundle.class_learners(class_id))) for class_id in batch.bundle.classes]
    report = store.add(batch.evidence)
    return Applied(batch, report, tuple(str(r) for r in removed), tuple(classes))


def render_applied(applied: Applied, store: EvidenceStore) -> str:
    """``store add``'s output: the counts, then one line per void, skipped row, conflict and rejection."""
    batch, report = applied.batch, applied.report
    voiding = {own for own, _ in batch.voids}
    skipped = [(key, reason) for key, reason in batch.evidence.skipped if str(key) not in voiding]
    voids = f", {_count(len(batch.voids), 'void')}" if batch.voids else ""
    lines = [
        f"{batch.name} ({batch.format}) -> {store.where}: {len(report.added):,} added, "
        f"{_count(len(report.duplicates), 'duplicate')}, {_count(len(report.conflicts), 'conflict')}, "
        f"{len(report.rejected):,} rejected, {len(skipped):,} skipped by the reader{voids}"
    ]
    removed = set(applied.removed)
    for own, target in batch.voids:
        how = ("removed from the ledger" if target in removed
               else "not in the ledger; its id is kept as a tombstone, so it cannot be added later")
        lines.append(f"voided {target}: {how} (statement {own or 'without an id'} voids it)")
    for key, reason in skipped:
        where = f"line {key}" if batch.format == "marks" and isinstance(key, int) else key
        lines.append(f"skipped {where}: {reason}")
    for key, reason in report.conflicts:
        lines.append(f"conflict {key}: {reason}; not applied (void the old row first if the new one is right)")
    for key, reason in report.rejected:
        lines.append(f"rejected {key}: {reason}")
    for class_id, size in applied.classes:
        lines.append(f"roster {class_id}: {_count(size, 'learner')}")
    lines.append(f"{store.where} now holds {_count(len(store), 'evidence row')}.")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ graphs and params
@attrs.frozen
class StoreGraph:
    """The graph ``store next`` ranks on, with readable skill names and a description."""

    graph: CompiledGraph
    names: Names | None
    description: str


def _example_names() -> Names:
    table = _example_skill_table()

    def name(skill: Hashable) -> str:
        entry = table.get(str(skill))
        return entry[0] if entry else str(skill)

    return name


def load_store_graph(source: str) -> StoreGraph:
    """The graph ``--graph`` names: ``"example"``, an edge CSV, a CompiledGraph JSON or a CASE package JSON.

    A file is JSON when its name ends in ``.json`` or its text starts with
    ``{``: a CASE ``CFPackage`` (it has ``CFDocument`` or ``CFItems``) is read
    with :func:`~personalise.read_case` and its skills are named by their
    human coding and statement; any other JSON is a
    :meth:`CompiledGraph.to_json <personalise.CompiledGraph.to_json>` document.
    Other files are ``prerequisite,skill`` CSV.

    Raises
    ------
    InvalidParameterError
        If the file is missing, unreadable or malformed, or has no skills
        (the message names it).

    Examples
    --------
    >>> load_store_graph("example").graph.n_skills
    44
    """
    if source == EXAMPLE_GRAPH:
        return StoreGraph(load_example_curriculum(), _example_names(), "the bundled example curriculum")
    where = f"--graph {source!r}"
    text, _ = read_text(source, "graph", error=InvalidParameterError)
    as_json = os.path.splitext(source)[1].lower() == ".json" or text.lstrip().startswith("{")
    try:
        if as_json:
            document = parse_json(text, where, error=InvalidParameterError)
            if isinstance(document, dict) and ("CFDocument" in document or "CFItems" in document):
                kind = "read as a CASE package"
                framework = read_case(document)
                result = StoreGraph(framework.graph, framework.label,
                                    f"the CASE framework {framework.document.title!r}")
            else:
                kind = "read as CompiledGraph JSON"
                result = StoreGraph(CompiledGraph.from_json(document), None, source)
        else:
            kind = "read as a prerequisite,skill edge CSV"
            result = StoreGraph(read_edge_csv(io.StringIO(text)), None, source)
    except InvalidParameterError as error:
        if str(error).startswith(where):
            raise
        raise InvalidParameterError(f"{where} ({kind}): {' '.join(str(error).split())}", value=source) from None
    except PersonaliseError as error:
        raise InvalidParameterError(f"{where} ({kind}): {' '.join(str(error).split())}", value=source) from None
    if result.graph.n_skills == 0:
        raise InvalidParameterError(f"{where} has no skills", value=source)
    return result


def typical_params(graph: CompiledGraph) -> BKTParams:
    """The same typical BKT parameters for every skill of ``graph`` (:data:`TYPICAL_PARAMS`).

    Examples
    --------
    >>> typical_params(load_example_curriculum()).n_skills
    44
    """
    return BKTParams.constant(graph, **TYPICAL_PARAMS)


def load_params(path: str, graph: CompiledGraph) -> BKTParams:
    """The ``--params`` file: a :meth:`BKTParams.to_json <personalise.BKTParams.to_json>` document for the graph.

    Raises
    ------
    InvalidParameterError
        If the file is missing or malformed, or its skills are not the graph's.
    """
    where = f"--params {path!r}"
    text, _ = read_text(path, "BKT parameters", error=InvalidParameterError)
    try:
        params = BKTParams.from_json(text)
    except PersonaliseError as error:
        raise InvalidParameterError(f"{where}: {' '.join(str(error).split())}", value=path) from None
    have = set(params.skill_ids)
    missing = [skill for skill in graph.skill_ids if skill not in have]
    if missing:
        raise InvalidParameterError(f"{where} has no parameters for skill {missing[0]!r} of the graph "
                                    f"({len(missing)} missing)", value=missing[0])
    wanted = set(graph.skill_ids)
    extra = [skill for skill in params.skill_ids if skill not in wanted]
    if extra:
        raise InvalidParameterError(f"{where} has parameters for skill {extra[0]!r}, which the graph lacks",
                                    value=extra[0])
    return params


# ------------------------------------------------------------------ next steps
def render_next(
    recommendations: Recommendations,
    *,
    class_id: str,
    store: EvidenceStore,
    graph: StoreGraph,
    params_text: str,
    no_evidence: Sequence[bool],
    review: str = "",
) -> str:
    """``store next``'s output: a header, then each learner's next steps with the reason for each."""
    learners = recommendations.learner_ids
    assert learners is not None
    header = (f"Next steps for class {class_id}: {_count(len(learners), 'learner')}, from "
              f"{_count(len(store), 'evidence row')} in {store.where}. Skills: {graph.description} "
              f"({graph.graph.n_skills} skills); mastered at P(mastery) >= {recommendations.threshold:g}; "
              f"{params_text}.{review}")
    lines = [_fill(header), ""]
    records: dict[Hashable, list[dict[str, Any]]] = {learner: [] for learner in learners}
    for record in recommendations.to_records(names=graph.names):
        records[record["learner_id"]].append(record)
    width = max([len(str(learner)) for learner in learners] + [1])
    for learner, empty in zip(learners, no_evidence):
        left = f"{str(learner):<{width}}  "
        pad = " " * len(left)
        mine = records[learner]
        if not mine:
            lines.append(left + "(nothing ready: every skill of the graph is mastered)")
            continue
        for record in mine:
            name = record.get("skill_name", repr(record["skill_id"]))
            first = left if record["rank"] == 1 else pad
            lines.append(f"{first}{record['rank']}. {name}")
            lines.append(_fill(record["reason"], indent=pad + "   "))
        if empty:
            lines.append(pad + "   (no evidence yet: these follow from the prior alone)")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the command line
def _is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _open_existing(target: str) -> EvidenceStore:
    """Open a store that must already exist (a mistyped path must not create an empty one)."""
    if not _is_url(target) and not os.path.exists(target):
        raise StoreError(f"no evidence store at {target!r} (store add creates one)", value=target)
    if not _is_url(target) and os.path.isdir(target):
        raise StoreError(f"{target!r} is a folder, not an evidence store", value=target)
    return open_store(target)


def _run_add(args: argparse.Namespace, stdout: TextIO) -> None:
    skill_of = None if args.skill_of is None else read_skill_map(args.skill_of)
    if not _is_url(args.store) and os.path.isdir(args.store):
        raise StoreError(f"{args.store!r} is a folder, not an evidence store", value=args.store)
    batch = read_batch(args.file, args.format, skill_of=skill_of)
    with open_store(args.store) as store:
        applied = apply_batch(store, batch)
        stdout.write(render_applied(applied, store))


def _learner_key(store: EvidenceStore, text: str) -> Hashable:
    """The learner id as the store keeps it (a store of integer ids gets an integer)."""
    try:
        store.evidence(learner_ids=[text], until="1970-01-01T00:00Z")
        return text
    except InvalidParameterError:
        try:
            return int(text)
        except ValueError:
            raise InvalidParameterError(f"this store keeps learner ids as integers; got {text!r}",
                                        value=text) from None


def _run_next(args: argparse.Namespace, stdout: TextIO) -> None:
    if args.now is not None and args.half_life is None:
        raise InvalidParameterError("--now is the moment the review term counts days to; give --half-life too",
                                    value=args.now)
    if args.now is not None:
        try:
            check_timestamps([args.now], "--now")
        except PersonaliseError:
            raise InvalidParameterError(f"--now {args.now!r} is not a time with an offset, such as "
                                        "2026-10-16T09:00Z", value=args.now) from None
    if args.k < 1:
        raise InvalidParameterError(f"--k must be at least 1; got {args.k}", value=args.k)
    if args.half_life is not None and not (math.isfinite(args.half_life) and args.half_life > 0):
        raise InvalidParameterError(f"--half-life must be a positive number of days; got {args.half_life:g}",
                                    value=args.half_life)
    graph = load_store_graph(args.graph)
    if args.params is None:
        params = typical_params(graph.graph)
        params_text = ("BKT with typical parameters for every skill (prior 0.2, learn 0.15, guess 0.2, "
                       "slip 0.1)")
    else:
        params = load_params(args.params, graph.graph)
        params_text = f"BKT parameters from {args.params}"
    with _open_existing(args.store) as store:
        try:
            recommendations = store.recommend(graph.graph, params, class_id=args.klass, k=args.k, now=args.now,
                                              half_life_days=args.half_life)
        except UnknownSkillError as error:
            raise UnknownSkillError(f"{error}: give the --graph (and --params) that cover every skill of "
                                    f"{store.where}", value=error.value) from None
        learners = list(recommendations.learner_ids or ())
        last = store.last_practice(learners, graph.graph.skill_ids)
        never: NDArray[np.bool_] = np.asarray(np.isnat(last).all(axis=1), dtype=bool)
        review = ""
        if args.half_life is not None:
            moment = args.now or "now"
            review = f" Review: skills last practised long ago come back (half-life {args.half_life:g} days, to {moment})."
        stdout.write(render_next(recommendations, class_id=args.klass, store=store, graph=graph,
                                 params_text=params_text, no_evidence=[bool(v) for v in never],
                                 review=review))


def _run_forget(args: argparse.Namespace, stdout: TextIO) -> None:
    with _open_existing(args.store) as store:
        learner = _learner_key(store, args.learner)
        rows = len(store.evidence(learner_ids=[learner]))
        classes = [c for c in store.classes() if learner in store.class_learners(c)]
        try:
            held = store.scaffolds([learner]).n_scaffolds
        except InvalidParameterError:  # a scaffold that fades with mastery needs params to be shown: there are some
            held = -1
        removed = store.forget_learner(learner)
        if not (rows or classes or held):
            raise UnknownLearnerError(f"{store.where} had no evidence, roster place or scaffold for learner "
                                      f"{args.learner!r} (ids are case-sensitive)", value=args.learner)
        where = f", their places on {_plural(len(classes), 'roster')} ({', '.join(classes)})" if classes else ""
        scaffolds = ", their scaffolds" if held < 0 else f", {_plural(held, 'scaffold')}" if held else ""
        stdout.write(f"Forgot learner {args.learner!r} in {store.where}: {_count(removed, 'evidence row')}"
                     f"{where}{scaffolds}, and every tombstone and cached state about them.\n")


def _run_export(args: argparse.Namespace, stdout: TextIO) -> None:
    if not _is_url(args.store) and os.path.exists(args.out) and os.path.exists(args.store) \
            and os.path.samefile(args.out, args.store):
        raise InvalidParameterError(f"OUT {args.out!r} is the store itself; export to another file", value=args.out)
    with _open_existing(args.store) as store:
        written = store.export(args.out)
        stdout.write(f"Wrote {_count(written, 'record')} (evidence, tombstones, rosters, scaffolds) of "
                     f"{store.where} to {args.out}; personalise.import_store rebuilds the store from it.\n")


def configure(parser: argparse.ArgumentParser, *, parser_class: type[argparse.ArgumentParser],
              streams: Mapping[str, Any]) -> None:
    """Add the ``add``, ``next``, ``forget`` and ``export`` subcommands to the ``store`` parser."""
    commands = parser.add_subparsers(dest="store_command", title="store commands", metavar="COMMAND",
                                     parser_class=parser_class)
    store_help = "a SQLite file (add creates it) or a postgresql:// URL"
    add = commands.add_parser(
        "add", help="add a school export (xAPI, OneRoster, marks) to the store",
        description=("Read a school export and add its evidence to the store: one transaction, so the whole file "
                     "is added or none of it. Rows sent before are duplicates; a row whose id the ledger holds "
                     "with other content is a conflict (listed, not applied); a voided id is rejected. xAPI "
                     "voiding statements remove the statements they void; a OneRoster bundle also sets the "
                     "class rosters."),
        **streams,
    )
    add.add_argument("store", metavar="STORE", help=store_help)
    add.add_argument("file", metavar="FILE", help="the export: an xAPI file, a OneRoster bundle (folder or zip) "
                                                  "or a marks CSV")
    add.add_argument("--format", required=True, choices=INPUT_FORMATS, help="how to read FILE")
    add.add_argument("--skill-of", default=None, metavar="MAP.json",
                     help=("a JSON object mapping xAPI activity ids, OneRoster line item ids or the marks' skill "
                           "column to skill ids (xAPI default: the activity IRI's last segment)"))
    add.set_defaults(handler=_run_add, label="store add")

    nxt = commands.add_parser(
        "next", help="print each learner's next steps for a class",
        description=("Estimate each learner's mastery from the store's ledger (Bayesian Knowledge Tracing) and "
                     "print their next steps, with the reason for each, for every learner on the class's "
                     "roster."),
        **streams,
    )
    nxt.add_argument("store", metavar="STORE", help="the store (a SQLite file or a postgresql:// URL)")
    nxt.add_argument("--class", dest="klass", required=True, metavar="CLASS", help="the class id of a roster")
    nxt.add_argument("--graph", default=EXAMPLE_GRAPH, metavar="FILE",
                     help=("a prerequisite,skill edge CSV, a CompiledGraph JSON file, a CASE package JSON or "
                           "'example', the bundled curriculum (default)"))
    nxt.add_argument("--k", type=int, default=3, metavar="N", help="next steps per learner (default: 3)")
    nxt.add_argument("--params", default=None, metavar="FILE",
                     help="a BKTParams JSON file (default: typical parameters for every skill)")
    nxt.add_argument("--half-life", type=float, default=None, metavar="DAYS",
                     help="turn on review: recall halves every DAYS days since the last practice")
    nxt.add_argument("--now", default=None, metavar="TIME",
                     help="with --half-life, count days to this time (ISO 8601 with an offset; default: now)")
    nxt.set_defaults(handler=_run_next, label="store next")

    forget = commands.add_parser(
        "forget", help="erase a learner from the store",
        description=("Erase every row about a learner: evidence, tombstones, cached state, scaffolds and roster "
                     "places; no byte of the id remains in a SQLite store's files afterwards."),
        **streams,
    )
    forget.add_argument("store", metavar="STORE", help="the store (a SQLite file or a postgresql:// URL)")
    forget.add_argument("learner", metavar="LEARNER", help="the learner id")
    forget.set_defaults(handler=_run_forget, label="store forget")

    export = commands.add_parser(
        "export", help="write the whole store as JSON Lines",
        description=("Write the ledger (evidence and tombstones), the rosters and the scaffolds as JSON Lines; "
                     "personalise.import_store rebuilds an identical store from the file."),
        **streams,
    )
    export.add_argument("store", metavar="STORE", help="the store (a SQLite file or a postgresql:// URL)")
    export.add_argument("out", metavar="OUT.jsonl", help="the file to write (replaced if it exists)")
    export.set_defaults(handler=_run_export, label="store export")
