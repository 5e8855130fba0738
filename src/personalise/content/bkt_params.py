"""Per-skill parameters of Bayesian Knowledge Tracing."""

from __future__ import annotations

import json
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from personalise._validation import (
    as_array,
    check_id,
    check_ids,
    check_json_ids,
    check_number,
    load_json_document,
    require_fields,
    writable_id,
)
from personalise.exceptions import InvalidParameterError, ShapeError, UnknownSkillError
from personalise.graph import CompiledGraph

__all__ = ["PARAMETERS", "BKTParams"]

#: The parameter names, in the order used everywhere.
PARAMETERS = ("prior", "learn", "guess", "slip", "forget")
SCHEMA = "personalise.bkt_params/1"
_PYBKT = {"learn": "learns", "guess": "guesses", "slip": "slips", "forget": "forgets"}

Float = NDArray[np.float64]


def _ids(value: CompiledGraph | Iterable[Hashable]) -> tuple[Hashable, ...]:
    return skill_ids_of(value, "skill_ids")  # type: ignore[arg-type]


def _values(value: Any, name: str = "parameter") -> Float:
    """A read-only float64 copy (0-d for a scalar, broadcast to every skill after init)."""
    array = np.array(as_array(value, name, kinds="iuf", ndim=(0, 1)), dtype=np.float64)
    array.flags.writeable = False
    return array


def _prior(value: Any) -> Float:
    return _values(value, "prior")


def _learn(value: Any) -> Float:
    return _values(value, "learn")


def _guess(value: Any) -> Float:
    return _values(value, "guess")


def _slip(value: Any) -> Float:
    return _values(value, "slip")


def _forget(value: Any) -> Float:
    return _values(value, "forget")


def skill_ids_of(skills: CompiledGraph | Sequence[Hashable], name: str = "skills") -> tuple[Hashable, ...]:
    """The skill ids of a graph, or the given sequence of ids (checked, see ``check_ids``) as a tuple."""
    if isinstance(skills, CompiledGraph):
        return skills.skill_ids
    if isinstance(skills, (str, bytes)):
        raise InvalidParameterError(f"{name} must be a CompiledGraph or a sequence of skill ids; got {skills!r:.80}",
                                    value=skills)
    return check_ids(skills, name)


@attrs.frozen
class BKTParams:
    """Per-skill parameters of Bayesian Knowledge Tracing (BKT).

    Each skill is a two-state hidden Markov model: the learner knows it or
    not. ``prior`` is P(known) before any answer, ``learn`` P(unknown ->
    known) after each opportunity, ``forget`` P(known -> unknown), ``guess``
    P(right | unknown) and ``slip`` P(wrong | known).

    Parameters
    ----------
    skill_ids : sequence of hashable
        Unique skill ids; parameter ``j`` belongs to ``skill_ids[j]``.
    prior, learn, guess, slip, forget : array_like, shape (n_skills,)
        Probabilities in [0, 1] (a scalar applies to every skill). Stored as
        read-only float64 arrays.

    Raises
    ------
    InvalidParameterError
        On NaN, values outside [0, 1], duplicate ids, or a degenerate skill
        with ``guess + slip >= 1`` (a right answer would then lower P(known)).
    ShapeError
        If a parameter does not have one value per skill.

    Examples
    --------
    >>> import personalise as pl
    >>> params = pl.BKTParams(["add", "sub"], prior=0.3, learn=0.15, guess=0.2, slip=0.1, forget=0.0)
    >>> params.learn
    array([0.15, 0.15])
    >>> params.index_of("sub")
    1
    >>> pl.BKTParams.from_json(params.to_json()) == params
    True
    """

    skill_ids: tuple[Hashable, ...] = attrs.field(converter=_ids)
    prior: Float = attrs.field(converter=_prior, eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    learn: Float = attrs.field(converter=_learn, eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    guess: Float = attrs.field(converter=_guess, eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    slip: Float = attrs.field(converter=_slip, eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    forget: Float = attrs.field(converter=_forget, eq=attrs.cmp_using(eq=np.array_equal), hash=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.skill_ids)
        if len(set(self.skill_ids)) != n:
            seen: set[Hashable] = set()
            duplicate = next(s for s in self.skill_ids if s in seen or seen.add(s))  # type: ignore[func-returns-value]
            raise InvalidParameterError(f"skill_ids must be unique; {duplicate!r} appears twice", value=duplicate)
        for name in PARAMETERS:
            values = getattr(self, name)
            if values.ndim == 0:  # a scalar applies to every skill
                object.__setattr__(self, name, _values(np.full(n, float(values))))
                values = getattr(self, name)
            if values.shape != (n,):
                raise ShapeError(f"{name} must have one value per skill of skill_ids ({n}); got shape {values.shape}",
                                 value=values.shape)
            bad = np.flatnonzero(~((values >= 0.0) & (values <= 1.0)))
            if bad.size:
                j = int(bad[0])
                raise InvalidParameterError(
                    f"{name} must lie in [0, 1]; got {float(values[j])!r} for skill {self.skill_ids[j]!r}", value=float(values[j])
                )
        degenerate = np.flatnonzero(self.guess + self.slip >= 1.0)
        if degenerate.size:
            j = int(degenerate[0])
            raise InvalidParameterError(
                f"degenerate parameters for skill {self.skill_ids[j]!r}: guess + slip = "
                f"{float(self.guess[j] + self.slip[j])!r} >= 1, so a right answer would lower P(known)",
                value=self.skill_ids[j],
            )

    @property
    def n_skills(self) -> int:
        """Number of skills."""
        return len(self.skill_ids)

    def index_of(self, skill_id: Hashable) -> int:
        """Position of ``skill_id`` in :attr:`skill_ids`.

        Raises
        ------
        UnknownSkillError
            If the parameters have no such skill.

        Examples
        --------
        >>> import personalise as pl
        >>> pl.BKTParams.constant(["a", "b"], prior=0.3, learn=0.1, guess=0.2, slip=0.1).index_of("b")
        1
        """
        check_id(skill_id, "skill_id")
        try:
            return self.skill_ids.index(skill_id)
        except ValueError:
            raise UnknownSkillError(f"unknown skill_id {skill_id!r}: the parameters have no such skill",
                                    value=skill_id) from None

    def as_dict(self) -> dict[str, Float]:
        """The five parameter arrays by name."""
        return {name: getattr(self, name) for name in PARAMETERS}

    @classmethod
    def constant(
        cls,
        skill_ids: CompiledGraph | Sequence[Hashable],
        *,
        prior: float,
        learn: float,
        guess: float,
        slip: float,
        forget: float = 0.0,
    ) -> BKTParams:
        """The same parameters for every skill (of a graph or a list of ids).

        Examples
        --------
        >>> import personalise as pl
        >>> g = pl.compile_graph([("count", "add")])
        >>> pl.BKTParams.constant(g, prior=0.3, learn=0.15, guess=0.2, slip=0.1).skill_ids
        ('count', 'add')
        """
        ids = skill_ids_of(skill_ids, "skill_ids")
        values = {name: check_number(value, name, 0.0, 1.0) for name, value in
                  zip(PARAMETERS, (prior, learn, guess, slip, forget), strict=True)}
        return cls(ids, *(np.full(len(ids), values[name]) for name in PARAMETERS))

    def aligned(self, skills: CompiledGraph | Sequence[Hashable]) -> BKTParams:
        """The parameters reordered to the skills of a graph (or a list of ids).

        Raises
        ------
        UnknownSkillError
            If a skill of ``skills`` has no parameters here.

        Examples
        --------
        >>> import personalise as pl
        >>> p = pl.BKTParams(["a", "b"], prior=[0.1, 0.2], learn=0.1, guess=0.2, slip=0.1, forget=0)
        >>> p.aligned(["b", "a"]).prior
        array([0.2, 0.1])
        """
        ids = skill_ids_of(skills, "skills")
        if ids == self.skill_ids:
            return self
        position = {skill: j for j, skill in enumerate(self.skill_ids)}
        index = []
        for at, skill in enumerate(ids):
            if skill not in position:
                raise UnknownSkillError(f"skills has {skill!r:.80} at position {at}, a skill the parameters lack",
                                        value=skill)
            index.append(position[skill])
        return BKTParams(ids, *(getattr(self, name)[index] for name in PARAMETERS))

    # ---------------------------------------------------------------- JSON
    def to_json(self) -> str:
        """The parameters as a JSON document with a ``"schema"`` field.

        Skill ids must be strings or integers.
        """
        data: dict[str, Any] = {"schema": SCHEMA, "skill_ids": [writable_id(skill) for skill in self.skill_ids]}
        data.update({name: getattr(self, name).tolist() for name in PARAMETERS})
        return json.dumps(data)

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> BKTParams:
        """Rebuild parameters from :meth:`to_json` output (text or the parsed dict).

        Raises
        ------
        InvalidParameterError
            If the document is not JSON, has another schema, or lacks a field.
        """
        data = load_json_document(document, SCHEMA)
        require_fields(data, ("skill_ids", *PARAMETERS), "BKT parameter")
        for field in ("skill_ids", *PARAMETERS):
            if not isinstance(data[field], list):
                raise InvalidParameterError(f"field {field!r} must be a list; got {data[field]!r}", value=field)
        for name in PARAMETERS:
            for value in data[name]:
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise InvalidParameterError(f"field {name!r} must hold numbers; got {value!r}", value=value)
        return cls(check_json_ids(data["skill_ids"], "field 'skill_ids'"), *(data[name] for name in PARAMETERS))

    # -------------------------------------------------------------- pyBKT
    @classmethod
    def from_pybkt(cls, coef: Mapping[Hashable, Mapping[str, Any]]) -> BKTParams:
        """Parameters from a fitted pyBKT model's ``coef_`` dict.

        ``coef`` maps each skill to ``{"prior": p, "learns": [T], "guesses":
        [G], "slips": [S], "forgets": [F]}``; models with several learn rates,
        guesses or slips per skill (pyBKT's multilearn / multigs variants) are
        rejected.

        Examples
        --------
        >>> import personalise as pl
        >>> coef = {"add": {"prior": 0.3, "learns": [0.15], "guesses": [0.2], "slips": [0.1], "forgets": [0.0]}}
        >>> pl.BKTParams.from_pybkt(coef).to_pybkt()["add"]["learns"]
        [0.15]
        """
        if not isinstance(coef, Mapping):
            raise InvalidParameterError(f"coef must be a pyBKT coef_ dict (skill -> parameters); got {coef!r:.80}",
                                        value=coef)
        ids = list(coef)
        columns: dict[str, list[float]] = {name: [] for name in PARAMETERS}
        for skill in ids:
            entry = coef[skill]
            if not isinstance(entry, Mapping):
                raise InvalidParameterError(f"pyBKT coef for skill {skill!r} must be a dict; got {entry!r:.80}",
                                            value=skill)
            for name in PARAMETERS:
                key = _PYBKT.get(name, name)
                if key not in entry:
                    raise InvalidParameterError(f"pyBKT coef for skill {skill!r} has no {key!r}", value=skill)
                values = as_array(entry[key], f"coef[{skill!r}][{key!r}]", kinds="iuf", dtype=np.float64).reshape(-1)
                if values.size != 1:
                    raise InvalidParameterError(
                        f"pyBKT coef for skill {skill!r} has {values.size} values of {key!r}; "
                        "only one per skill can be converted",
                        value=skill,
                    )
                columns[name].append(float(values[0]))
        return cls(ids, *(columns[name] for name in PARAMETERS))

    def to_pybkt(self) -> dict[Hashable, dict[str, Any]]:
        """The parameters in pyBKT's ``coef_`` layout (lists instead of arrays)."""
        return {
            skill: {
                "prior": float(self.prior[j]),
                **{_PYBKT[name]: [float(getattr(self, name)[j])] for name in ("learn", "guess", "slip", "forget")},
            }
            for j, skill in enumerate(self.skill_ids)
        }
