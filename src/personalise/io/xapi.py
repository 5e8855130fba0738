"""Evidence from xAPI statements: a Learning Record Store's export, read by the rules of xAPI 1.0.3.

:func:`read_xapi` turns statements (Experience API, ADL / IEEE 9274.1.1) into
:class:`~personalise.evidence.Evidence`: one row per statement about a learner
and an activity that carries an outcome. Statements that break a MUST of the
specification are refused with an :class:`~personalise.exceptions.EvidenceError`
that names the statement; valid statements that are not evidence (voided,
sent twice, about a group, without a result...) are listed in ``.skipped``
with the reason.
"""

from __future__ import annotations

import json
import math
import os
import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    check_sequence,
    check_threshold,
    parse_json,
    parse_timestamp,
    parse_timestamps,
    read_text,
)
from personalise.evidence import Evidence
from personalise.exceptions import EvidenceError, InvalidParameterError

__all__ = ["read_xapi"]

#: The reserved verb of xAPI 1.0.3 section 2.3.2: its statement voids the statement it refers to.
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
#: Namespace of the ids derived for statements that arrive without one (uuid5 of their content).
DERIVED_ID_NAMESPACE = uuid.UUID("7d3c1a52-5f1e-4b8e-9a41-0c6f2d9e8b17")

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:.")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}\Z")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_IGNORED_IN_COMPARISON = ("id", "authority", "stored", "version", "attachments")


class _Bad(Exception):
    """A statement breaks a rule; the caller adds the file and the statement to the message."""


def _null(owner: Mapping[str, Any], key: str, path: str) -> None:
    if key in owner:
        raise _Bad(f"{path} is null; xAPI allows no null values outside extensions")


_KNOWN_IRIS: set[str] = set()  # IRIs already checked: an export repeats a few verbs, activities and home pages


def _iri(value: Any, path: str) -> str:
    if type(value) is str and value in _KNOWN_IRIS:
        return value
    if type(value) is not str or not _SCHEME.match(value):
        raise _Bad(f"{path} must be an IRI with a scheme (such as 'https://...'); got {value!r}")
    if len(_KNOWN_IRIS) > 50_000:
        _KNOWN_IRIS.clear()
    _KNOWN_IRIS.add(value)
    return value


def _number(score: Mapping[str, Any], key: str) -> float | None:
    value = score.get(key)
    if value is None:
        _null(score, key, f"result.score.{key}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"result.score.{key} must be a finite number; got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        raise _Bad(f"result.score.{key} must be a finite number; got {value!r:.40}")
    return number


def _agent_key(agent: Any) -> str | None:
    """The learner key of an Agent (``None`` for a Group); see :func:`read_xapi` for the forms."""
    if type(agent) is not dict:
        raise _Bad(f"actor must be an object; got {agent!r}")
    kind = agent.get("objectType", "Agent")
    if kind == "Group":
        return None
    if kind != "Agent":
        raise _Bad(f"actor.objectType must be 'Agent' or 'Group' (exact case); got {kind!r}")
    if ("account" in agent) + ("mbox" in agent) + ("mbox_sha1sum" in agent) + ("openid" in agent) != 1:
        found = [key for key in _IFIS if key in agent]
        shown = ", ".join(found) if found else "none"
        raise _Bad(f"an Agent must have exactly one identifier of mbox, mbox_sha1sum, openid and account; has {shown}")
    key = ("account" if "account" in agent else "mbox" if "mbox" in agent
           else "mbox_sha1sum" if "mbox_sha1sum" in agent else "openid")
    value = agent[key]
    if key == "account":
        if type(value) is not dict:
            raise _Bad(f"actor.account must be an object with homePage and name; got {value!r}")
        _iri(value.get("homePage"), "actor.account.homePage")
        name = value.get("name")
        if type(name) is not str or not name:
            raise _Bad(f"actor.account.name must be a non-empty string; got {name!r}")
        return name
    if type(value) is not str:
        raise _Bad(f"actor.{key} must be a string; got {value!r}")
    if key == "mbox":
        local, at, domain = value.removeprefix("mailto:").rpartition("@")
        if not value.startswith("mailto:") or not at or not local or not domain:
            raise _Bad(f"actor.mbox must be a mailto IRI such as 'mailto:ann@school.example'; got {value!r}")
        return value
    if key == "mbox_sha1sum":
        if not _SHA1.match(value):
            raise _Bad(f"actor.mbox_sha1sum must be 40 hexadecimal digits; got {value!r}")
        return value
    return _iri(value, "actor.openid")


def _outcome(statement: Mapping[str, Any]) -> tuple[float, str | None]:
    """``(score in [0, 1], None)`` from a statement's result, or ``(nan, why it has none)``."""
    result = statement.get("result")
    if result is None:
        _null(statement, "result", "result")
        return math.nan, "it has no result (no score and no success), so it is not evidence of learning"
    if type(result) is not dict:
        raise _Bad(f"result must be an object; got {result!r}")
    success = result.get("success")
    if success is None:
        _null(result, "success", "result.success")
    elif type(success) is not bool:
        raise _Bad(f"result.success must be true or false; got {success!r}")
    completion = result.get("completion")
    if completion is None:
        _null(result, "completion", "result.completion")
    elif type(completion) is not bool:
        raise _Bad(f"result.completion must be true or false; got {completion!r}")
    score = result.get("score")
    if score is None:
        _null(result, "score", "result.score")
    else:
        if type(score) is not dict:
            raise _Bad(f"result.score must be an object; got {score!r}")
        scaled, raw = _number(score, "scaled"), _number(score, "raw")
        low, high = _number(score, "min"), _number(score, "max")
        if scaled is not None and not -1.0 <= scaled <= 1.0:
            raise _Bad(f"result.score.scaled must lie in [-1, 1]; got {score['scaled']!r}")
        if low is not None and high is not None and not low < high:
            raise _Bad(f"result.score.min must be less than result.score.max; got min {score['min']!r} and "
                       f"max {score['max']!r}")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            raise _Bad(f"result.score.raw must lie between min and max; got raw {score['raw']!r} with min "
                       f"{score.get('min')!r} and max {score.get('max')!r}")
        if scaled is not None:
            return max(scaled, 0.0), None
        if raw is not None and low is not None and high is not None:
            return (raw - low) / (high - low), None
        if success is None and raw is not None:
            return math.nan, (f"its score has raw {score['raw']!r} but no scaled score and no min and max, so it "
                              "cannot be read as a fraction; ask the activity's supplier to send score.scaled or "
                              "score.min and score.max")
    if success is not None:
        return (1.0 if success else 0.0), None
    if completion is not None:
        return math.nan, "its result has completion but no score and no success: finishing is not evidence of mastery"
    return math.nan, "its result has no score and no success, so it is not evidence of learning"


def _moment(statement: Mapping[str, Any]) -> str | None:
    """The ISO 8601 text of when the experience happened: ``timestamp``, else ``stored``."""
    value = statement.get("timestamp")
    if type(value) is str:  # the common case
        return value
    for key in ("timestamp", "stored"):
        value = statement.get(key)
        if value is None:
            _null(statement, key, key)
            continue
        if type(value) is not str:
            raise _Bad(f"{key} must be an ISO 8601 string; got {value!r}")
        return value
    return None


class _Parts(NamedTuple):
    """What :func:`_check` read from one valid statement."""

    statement_id: str | None  # lower case; None when the statement has no id
    verb_id: str
    learner: str  # the learner key ("" for a Group)
    activity: str  # the Activity's id ("" when the object is not an Activity)
    moment: str | None  # the ISO 8601 text of its time
    voids: str | None  # the id of the statement it voids, for a voiding statement
    not_evidence: str | None  # why a valid statement is not evidence (its object or actor)


_NOT_AN_ACTIVITY = {
    "Agent": "its object is an Agent (such as mentoring someone), not an activity",
    "Group": "its object is a Group, not an activity",
    "SubStatement": "its object is a SubStatement (a plan or an expectation, not something that happened)",
    "StatementRef": "its object is another statement (a comment or a grade on it); it is not credited to that "
                    "statement's actor",
}


def _check(statement: Any) -> _Parts:
    """Check one statement against the rules of :func:`read_xapi` (raising :class:`_Bad`) and take its parts."""
    if type(statement) is not dict:
        raise _Bad(f"a statement must be a JSON object; got {statement!r:.80}")
    raw_id = statement.get("id")
    if raw_id is None:
        _null(statement, "id", "id")
        statement_id = None
    elif type(raw_id) is not str or not _UUID.match(raw_id):
        raise _Bad(f"id must be a UUID such as '6a1f3c2e-8b4d-4e7a-9c15-2f0b7d9e4a31'; got {raw_id!r}")
    else:
        statement_id = raw_id.lower()
    actor, verb, obj = statement.get("actor"), statement.get("verb"), statement.get("object")
    if actor is None or verb is None or obj is None:
        for prop, value in (("actor", actor), ("verb", verb), ("object", obj)):
            if value is None:
                _null(statement, prop, prop)
                raise _Bad(f"a statement must have {prop!r} (xAPI 2.2)")
    version = statement.get("version")
    if version is None:
        _null(statement, "version", "version")
    elif type(version) is not str or not version.startswith(("1.0.", "2.0.")):
        raise _Bad(f"version must start with '1.0.' (or '2.0.' for xAPI 2.0); got {version!r}")
    if type(verb) is not dict:
        raise _Bad(f"verb must be an object with an 'id'; got {verb!r}")
    verb_id = _iri(verb.get("id"), "verb.id")
    if type(obj) is not dict:
        raise _Bad(f"object must be an object; got {obj!r}")
    kind = obj.get("objectType", "Activity")
    learner = _agent_key(actor)
    moment = _moment(statement)
    if verb_id == VOIDED:
        if kind != "StatementRef":
            raise _Bad(f"a voiding statement's object must have objectType 'StatementRef'; got {kind!r}")
        target = obj.get("id")
        if type(target) is not str or not _UUID.match(target):
            raise _Bad(f"a voiding statement's object.id must be the UUID of a statement; got {target!r}")
        return _Parts(statement_id, verb_id, learner or "", "", moment, target.lower(), None)
    activity = ""
    reason = None
    if kind == "Activity":
        activity = _iri(obj.get("id"), "object.id")
    elif type(kind) is str and kind in _NOT_AN_ACTIVITY:
        reason = _NOT_AN_ACTIVITY[kind]
    else:
        raise _Bad("object.objectType must be one of 'Activity', 'Agent', 'Group', 'SubStatement' and "
                   f"'StatementRef' (exact case); got {kind!r}")
    if reason is None and learner is None:
        reason = "its actor is a Group: personalise keeps evidence per learner and does not credit a group's work to " \
                 "its members"
    return _Parts(statement_id, verb_id, learner or "", activity, moment, None, reason)


def _comparable(statement: Any) -> Any:
    """A statement without the parts xAPI's statement comparison ignores (section 2.3.1)."""
    if type(statement) is not dict:
        return statement
    out = {k: v for k, v in statement.items() if k not in _IGNORED_IN_COMPARISON}
    if type(out.get("timestamp")) is str:
        try:
            out["timestamp"] = int(parse_timestamp(out["timestamp"], "").astype(np.int64))  # the moment, in us
        except EvidenceError:
            pass
    if type(out.get("verb")) is dict:
        out["verb"] = {k: v for k, v in out["verb"].items() if k != "display"}
    if type(out.get("actor")) is dict:
        out["actor"] = _comparable_agent(out["actor"])
    obj = out.get("object")
    if type(obj) is dict:
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = {"id": obj.get("id")}
        elif kind == "SubStatement":
            out["object"] = _comparable(obj)
        elif kind in ("Agent", "Group"):
            out["object"] = _comparable_agent(obj)
    context = out.get("context")
    if type(context) is dict and type(context.get("contextActivities")) is dict:
        activities = {}
        for kind, value in context["contextActivities"].items():
            items = value if type(value) is list else [value]
            activities[kind] = [item.get("id") if type(item) is dict else item for item in items]
        out["context"] = {**context, "contextActivities": activities}
    return out


def _comparable_agent(agent: dict[str, Any]) -> Any:
    out = {k: v for k, v in agent.items() if not (k == "objectType" and v == "Agent")}
    mbox = out.get("mbox")
    if type(mbox) is str and "@" in mbox:  # the domain of an e-mail address is case-insensitive
        local, _, domain = mbox.rpartition("@")
        out["mbox"] = f"{local}@{domain.lower()}"
    if type(out.get("member")) is list:  # an unordered list (2.4.2.2)
        try:
            out["member"] = sorted(json.dumps(_comparable_agent(m) if type(m) is dict else m, sort_keys=True,
                                              default=str) for m in out["member"])
        except (TypeError, ValueError):  # parsed input that is not JSON: compare the members in their order
            pass
    return out


def _first_difference(a: Any, b: Any) -> str:
    if type(a) is dict and type(b) is dict:
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return str(key)
    return "its content"


def _derived_id(statement: Mapping[str, Any]) -> str:
    """The id of a statement sent without one: a uuid5 of its JSON text with sorted keys."""
    try:
        text = json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):  # keys of mixed types, or a circular structure (parsed input only)
        raise _Bad("it has no id and its content cannot be written as JSON to derive one") from None
    return str(uuid.uuid5(DERIVED_ID_NAMESPACE, text))


def _target(value: Any, name: str, key: str) -> Hashable:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, int, np.integer)) or value == "":
        raise InvalidParameterError(f"{name} must give a non-empty string or an integer id for {key!r} (or None "
                                    f"to leave it out); got {value!r}", value=value)
    return value if isinstance(value, str) else int(value)


def _resolver(value: Any, name: str, what: str) -> Callable[[str], Hashable | None] | None:
    """``key -> id or None`` from a mapping or a callable (called once per distinct key)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        table = {}
        for key, target in value.items():
            if not isinstance(key, str) or not key:
                raise InvalidParameterError(f"{name} keys must be non-empty strings ({what}); got {key!r}", value=key)
            table[key] = _target(target, f"{name}[{key!r}]", key)
        return table.get
    if not callable(value):
        raise InvalidParameterError(f"{name} must be a mapping or a function of {what}; got {type(value).__name__}",
                                    value=value)
    cache: dict[str, Hashable | None] = {}

    def resolve(key: str) -> Hashable | None:
        if key not in cache:
            try:
                target = value(key)
            except Exception as err:  # the caller's function failed: say for which key
                raise InvalidParameterError(f"{name}({key!r}) raised {type(err).__name__}: {err}", value=key) from err
            cache[key] = None if target is None else _target(target, f"{name}({key!r})", key)
        return cache[key]

    return resolve


def _verb_set(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"verbs must be a collection of verb IRIs, not {value!r}", value=value)
    verbs = []
    for verb in check_sequence(value, "verbs") or ():
        if not isinstance(verb, str) or not _SCHEME.match(verb):
            raise InvalidParameterError(f"verbs must hold verb IRIs such as "
                                        f"'http://adlnet.gov/expapi/verbs/answered'; got {verb!r}", value=verb)
        verbs.append(verb)
    return frozenset(verbs)


def _statements(source: Any) -> tuple[list[Any], list[int] | None, str, str, str | None]:
    """``(statements, line numbers or None, name in messages, source label, the 'more' IRL)``."""
    if isinstance(source, (list, tuple)):
        return list(source), None, "the statements", "xapi", None
    if isinstance(source, Mapping):
        data: Any = source
        name, label = "the statements", "xapi"
    else:
        text, name = read_text(source, "xAPI statements", inline=lambda s: s.lstrip("\ufeff \t\r\n")[:1] in ("[", "{"))
        if isinstance(source, (str, os.PathLike)) and not name.startswith("the "):
            label = os.path.basename(os.fspath(source))
        elif hasattr(source, "read") and isinstance(getattr(source, "name", None), str):
            label = os.path.basename(source.name)
        else:
            label = "xapi"
        try:
            data = parse_json(text, name)
        except EvidenceError:
            statements, lines = _json_lines(text, name)
            if lines is None:
                raise
            return statements, lines, name, label, None
    if isinstance(data, list):
        return data, None, name, label, None
    if isinstance(data, Mapping):
        if "statements" in data:
            statements, more = data["statements"], data.get("more")
            if not isinstance(statements, list):
                raise EvidenceError(f"{name}: 'statements' of a StatementResult must be an array; got "
                                    f"{type(statements).__name__}", value=statements)
            if more is not None and not isinstance(more, str):
                raise EvidenceError(f"{name}: 'more' of a StatementResult must be a string (an IRL); got {more!r}",
                                    value=more)
            return statements, None, name, label, more or None
        if "actor" in data or "verb" in data or "object" in data:
            return [data], None, name, label, None
        raise EvidenceError(f"{name} is neither a statement, an array of statements nor a StatementResult "
                            f"('statements' and 'more'); its keys are {sorted(map(str, data))[:8]}", value=sorted(map(str, data))[:8])
    raise EvidenceError(f"{name} must hold an array of xAPI statements; got the JSON value {data!r:.80}", value=data)


def _json_lines(text: str, name: str) -> tuple[list[Any], list[int] | None]:
    """Statements one a line (JSON Lines), or ``(..., None)`` when the text is not JSON Lines at all."""
    rows = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    first = rows[0][1].strip() if rows else ""
    if len(rows) < 2 or not (first.startswith("{") and first.endswith("}")):
        return [], None  # a whole document that is broken, not one object a line
    statements = [parse_json(line, name, line_offset=number - 1) for number, line in rows]
    return statements, [number for number, _ in rows]


def read_xapi(
    source: Any,
    *,
    skill_of: Mapping[str, Hashable] | Callable[[str], Hashable | None],
    learner_of: Mapping[str, Hashable] | Callable[[str], Hashable | None] | None = None,
    pass_mark: float | None = None,
    verbs: Iterable[str] | None = None,
) -> Evidence:
    """Read xAPI statements (an LRS export) as evidence: who scored what on which activity, when.

    Each statement whose actor is an Agent, whose object is an Activity that
    ``skill_of`` maps to a skill, and whose result has a score or a success
    becomes one row: the learner is the Agent (``account.name``, else the
    ``mbox``, ``mbox_sha1sum`` or ``openid`` value as written), the skill is
    what ``skill_of`` gives for the Activity's id, the score is the result,
    the time is the statement's ``timestamp`` in UTC and the evidence id is
    the statement id. Every other statement is listed in ``.skipped`` with
    the reason.

    Parameters
    ----------
    source : path, open file, bytes, str or parsed JSON
        A JSON array of statements, a StatementResult (``{"statements": [...],
        "more": ...}``, what ``GET /statements`` returns), one statement, or
        JSON Lines (one statement a line). A path (``str`` or
        ``os.PathLike``), an open text or binary file, UTF-8 bytes, the JSON
        text itself (a string starting with ``[`` or ``{``), or the already
        parsed list or dict.
    skill_of : mapping or callable
        Activity id (``object.id``, an IRI) -> skill id (a string or an
        integer), as a mapping or a function; an activity it does not map (a
        missing key, or the function returns None) is skipped with the reason.
    learner_of : mapping or callable, optional
        Learner id as read (see above) -> the learner id to use, e.g. from
        e-mail addresses to MIS ids; a learner it does not map is skipped. By
        default the id read is the learner id.
    pass_mark : float in (0, 1], optional
        When given, each score becomes 1 (at least ``pass_mark``) or 0; by
        default scores are kept as fractions.
    verbs : collection of str, optional
        Only statements with one of these verb IRIs count; by default every
        verb does. Voiding statements apply whatever the filter.

    Returns
    -------
    Evidence
        Rows in the order of the statements; ``sources`` is the file name
        (``"xapi"`` for text or parsed input); ``skipped`` holds
        ``(statement id, reason)`` pairs (``"statement 3"`` or ``"line 3"``
        when a statement has no id) in file order, and ``("more", ...)`` when
        the file is one page of a longer StatementResult.

    Raises
    ------
    EvidenceError
        If the file is missing or not UTF-8, the JSON is malformed, or a
        statement breaks one of the rules below; the message names the file,
        the statement (its position and id), the property, the rule and the
        value.
    InvalidParameterError
        If ``source`` is of an unsupported type, ``skill_of`` or
        ``learner_of`` is malformed or gives an id that is not a non-empty
        string or an integer (a function that raises is reported with the key
        it was given), ``pass_mark`` is outside (0, 1], or ``verbs`` is
        malformed.

    See Also
    --------
    personalise.evidence.Evidence : the rows returned, with ``.select``, ``.sorted`` and ``.to_pybkt``.

    Notes
    -----
    Rules, from the xAPI 1.0.3 data specification (part two, section
    numbers below). Statements marked ``version`` ``2.0.x`` (IEEE 9274.1.1)
    are read by the same rules, and what that version adds (such as
    ``context.contextAgents``) is ignored. A broken MUST is an error, never
    a guess:

    * a statement is a JSON object with ``actor``, ``verb`` and ``object``
      (2.2); no property read here may be ``null`` (2.2);
    * ``id`` is a UUID in standard string form, compared without regard to
      case and returned in lower case (2.4.1, 4.4); any UUID variant is
      accepted, because variant 2 is only recommended (4.4);
    * an Agent has exactly one inverse functional identifier (2.4.2.1);
      ``mbox`` is a ``mailto:`` IRI, ``mbox_sha1sum`` 40 hex digits, an
      ``account`` has an IRL ``homePage`` and a ``name`` (2.4.2.3-4);
    * ``verb.id`` and an Activity's ``id`` are IRIs with a scheme (2.4.3,
      2.4.4.1); an object without ``objectType`` is an Activity (2.4.4);
      enumerated values (``objectType``) must match in case (2.2);
    * ``result.score.scaled`` lies in [-1, 1], ``min < max`` and ``raw``
      lies between them; ``success`` and ``completion`` are booleans;
      numbers are never strings (2.4.5, 2.2);
    * ``timestamp`` (else ``stored``, the value an LRS gives a statement
      sent without one, 2.4.7) is ISO 8601 with a time zone;
    * ``version``, if given, starts with ``1.0.`` (2.4.10) or ``2.0.``;
    * a statement with the verb ``http://adlnet.gov/expapi/verbs/voided``
      has a ``StatementRef`` object; the statement it refers to is dropped,
      unless that is itself a voiding statement, which cannot be voided
      (2.3.2);
    * a statement id that repeats is the same statement sent twice when the
      two agree after ignoring what xAPI's statement comparison ignores
      (``authority``, ``stored``, ``version``, ``attachments``, the
      serialisation of ``timestamp``, the verb's ``display``, Activity
      definitions, the order of group members, the case of an e-mail
      domain, 2.3.1), and the copy is skipped; otherwise it is an error.

    The score is ``scaled`` when given (a negative scaled score, which xAPI
    allows, counts as 0), else ``(raw - min) / (max - min)``, else 1 or 0
    for ``success``. Learner ids are taken as written: two accounts with the
    same ``name`` on different ``homePage`` systems are one learner, and
    ``mailto:Ann@School.example`` and ``mailto:ann@school.example`` are two
    (map them with ``learner_of`` when your exports mix systems). A statement without an id gets a uuid5 of its content
    (:data:`DERIVED_ID_NAMESPACE`), so an identical copy is recognised.

    Where the specification and a convenience disagree it follows the
    specification: statements about a Group are not credited to its
    members (the Group, not each member, is the actor, 2.4.2.2); a
    statement grading or commenting on another one (a ``StatementRef``
    object) is not credited to the other statement's actor; the verb's
    ``display`` text is never read (2.4.3: meaning comes from the IRI), nor
    is an outcome inferred from a verb such as ``passed`` without a result;
    any verb with a score counts, since the score is "the score of the
    Agent" whatever the verb (2.4.5.1). It is stricter than the
    specification in one place: a timestamp without a time zone (which
    xAPI 1.0.3 only advises against, 4.5) is refused, because guessing the
    school's local time would misorder evidence. Unknown properties are
    ignored, and a property given twice keeps its last value (as the
    specification expects of JSON parsers, 2.2). Voids apply only within
    the statements read together: join several exports into one list to
    void across them. A Group actor is recognised by its ``objectType``
    and skipped without checking its members.

    One pass over the statements, O(n); UTC (``Z``) times are parsed in one
    vectorised pass and other offsets one by one.

    Examples
    --------
    >>> from personalise.io.xapi import read_xapi
    >>> text = '''{"statements": [
    ...  {"id": "6a1f3c2e-8b4d-4e7a-9c15-2f0b7d9e4a31",
    ...   "actor": {"account": {"homePage": "https://lms.school.example", "name": "ann"}},
    ...   "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
    ...   "object": {"id": "https://maths.school.example/fractions/add"},
    ...   "result": {"score": {"raw": 7, "min": 0, "max": 10}},
    ...   "timestamp": "2026-09-01T09:00:00+01:00"},
    ...  {"id": "0c9e7b15-3d2a-4f68-b1e4-7a5d9c3f2e80",
    ...   "actor": {"account": {"homePage": "https://lms.school.example", "name": "ann"}},
    ...   "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
    ...   "object": {"id": "https://maths.school.example/fractions/add"},
    ...   "timestamp": "2026-09-01T08:55:00Z"}], "more": ""}'''
    >>> ev = read_xapi(text, skill_of={"https://maths.school.example/fractions/add": "add_fractions"})
    >>> ev
    Evidence(1 row, 1 learner, 1 skill, 2026-09-01T08:00:00Z to 2026-09-01T08:00:00Z, 1 skipped)
    >>> ev.learner_ids.tolist(), ev.skill_ids.tolist(), ev.scores.tolist(), ev.evidence_ids.tolist()
    (['ann'], ['add_fractions'], [0.7], ['6a1f3c2e-8b4d-4e7a-9c15-2f0b7d9e4a31'])
    >>> read_xapi(text, skill_of={"https://maths.school.example/fractions/add": "add_fractions"},
    ...           pass_mark=0.8).scores.tolist()
    [0.0]
    >>> ev.skipped[0][1]
    'it has no result (no score and no success), so it is not evidence of learning'
    """
    resolve_skill = _resolver(skill_of, "skill_of", "activity ids")
    if resolve_skill is None:
        raise InvalidParameterError("skill_of is required: a mapping or function from activity ids to skill ids",
                                    value=None)
    resolve_learner = _resolver(learner_of, "learner_of", "learner ids")
    mark = None if pass_mark is None else check_threshold(pass_mark, "pass_mark")
    evidence = _read(source, resolve_skill, resolve_learner, _verb_set(verbs))
    if mark is None:
        return evidence
    return Evidence(evidence.learner_ids, evidence.skill_ids, (evidence.scores >= mark).astype(np.float64),
                    evidence.timestamps, evidence.evidence_ids, sources=evidence.sources, skipped=evidence.skipped)


def _read(
    source: Any,
    skill_of: Callable[[str], Hashable | None],
    learner_of: Callable[[str], Hashable | None] | None,
    wanted: frozenset[str] | None,
) -> Evidence:
    """The body of :func:`read_xapi`, once its options are checked."""
    statements, lines, name, label, more = _statements(source)

    def where(position: int, statement_id: str | None = None) -> str:
        place = f"line {lines[position]}" if lines is not None else f"statement {position + 1}"
        return f"{place} (id {statement_id})" if statement_id else place

    learner_ids: list[Hashable] = []
    skill_ids: list[Hashable] = []
    scores: list[float] = []
    evidence_ids: list[str] = []
    row_positions: list[int] = []
    moments: list[str] = []  # the time text of every statement that has one, in order
    moment_positions: list[int] = []
    skipped: dict[int, tuple[str, str]] = {}  # position -> (key, reason)
    first_at: dict[str, int] = {}  # statement id -> position of its first occurrence
    voids: list[tuple[int, str, str, str]] = []  # (position, voiding statement id, its key, target id)

    for position, statement in enumerate(statements):
        try:
            given_id, verb_id, learner, activity, moment, target, reason = _check(statement)
            statement_id = given_id or _derived_id(statement)
            key = given_id or where(position)
            if moment is not None:
                moments.append(moment)
                moment_positions.append(position)
            if statement_id in first_at:
                first = first_at[statement_id]
                before, now = _comparable(statements[first]), _comparable(statement)
                if before != now:
                    raise _Bad(f"its id was already used by {where(first)} for a different statement "
                               f"({_first_difference(before, now)!r} differs); xAPI statements are immutable, so "
                               "one of the two is wrong")
                skipped[position] = (key, f"sent twice: the same statement as {where(first)}, which is kept")
                continue
            first_at[statement_id] = position
            if target is not None:
                voids.append((position, statement_id, key, target))
                continue
            score, no_score = _outcome(statement)
        except _Bad as bad:
            shown = _id_text(statement)
            raise EvidenceError(f"{name}, {where(position, shown)}: {bad}", value=shown or position) from None
        except RecursionError:
            shown = _id_text(statement)
            raise EvidenceError(f"{name}, {where(position, shown)}: nested too deeply to be a statement",
                                value=shown or position) from None
        if reason is None and wanted is not None and verb_id not in wanted:
            reason = f"its verb {verb_id!r} is not one of the verbs asked for"
        if reason is None:
            reason = no_score
        if reason is None and moment is None:
            reason = "it has neither a timestamp nor a stored time, so it cannot be placed in time"
        learner_id: Hashable | None = learner
        if reason is None and learner_of is not None:
            learner_id = learner_of(learner)
            if learner_id is None:
                reason = f"learner {learner!r} is not mapped by learner_of (not on this roster)"
        skill_id: Hashable | None = None
        if reason is None:
            skill_id = skill_of(activity)
            if skill_id is None:
                reason = f"activity {activity!r} is not mapped to a skill by skill_of"
        if reason is not None:
            skipped[position] = (key, reason)
            continue
        learner_ids.append(learner_id)
        skill_ids.append(skill_id)
        scores.append(score)
        evidence_ids.append(statement_id)
        row_positions.append(position)

    def moment_place(i: int) -> str:
        statement = statements[moment_positions[i]]
        prop = "timestamp" if statement.get("timestamp") is not None else "stored"
        return f"in {name}, {where(moment_positions[i], _id_text(statement))}, property {prop!r}"

    stamps = parse_timestamps(moments, moment_place)
    stamp_of = {position: i for i, position in enumerate(moment_positions)}

    keep = np.ones(len(row_positions), dtype=bool)
    row_of = {position: row for row, position in enumerate(row_positions)}
    voiding = {void_id for _, void_id, _, _ in voids}
    for position, void_id, void_key, target in voids:
        if target in voiding:
            reason = (f"it voids statement {target}, which is itself a voiding statement and cannot be voided "
                      "(xAPI 2.3.2), so it has no effect")
        elif target in first_at:
            reason = f"it voids statement {target}, which is left out"
            target_position = first_at[target]
            if target_position in row_of:
                keep[row_of[target_position]] = False
            target_key = skipped[target_position][0] if target_position in skipped else target
            skipped[target_position] = (target_key, f"voided by statement {void_id}")
        else:
            reason = (f"it voids statement {target}, which is not among the statements read; if that statement is "
                      "in another export, read the exports together (one list of statements) so that the void "
                      "applies")
        skipped[position] = (void_key, reason)

    rows = np.flatnonzero(keep)
    listed: list[tuple[Hashable, str]] = [skipped[p] for p in sorted(skipped)]
    if more:
        listed.append(("more", f"the file is one page of a longer answer from the LRS; fetch {more!r} (and any "
                               "further pages) and read them too"))
    at = np.array([stamp_of[p] for p in row_positions], dtype=np.intp)
    return Evidence(
        np.array(learner_ids, dtype=object)[rows],
        np.array(skill_ids, dtype=object)[rows],
        np.array(scores, dtype=np.float64)[rows],
        stamps[at[rows]],
        _column(evidence_ids)[rows],
        sources=label,
        skipped=listed,
    )


def _column(ids: list[Any]) -> NDArray[Any]:
    """Ids as one array: ``str_`` for strings, ``int64`` for integers (a mapping gives one kind only)."""
    if ids and type(ids[0]) is not str:
        return np.array(ids, dtype=np.int64)
    return np.array(ids, dtype=np.str_)


def _id_text(statement: Any) -> str | None:
    raw = statement.get("id") if type(statement) is dict else None
    return raw.lower() if type(raw) is str else None
