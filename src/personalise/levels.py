"""The three levels of personalisation and the evidence behind each.

Personalisation is not one thing. The library tags every feature with one of
three levels, ordered by how close each is to the act of learning:

1. :attr:`Level.EXPERIENCE`: how schooling is structured (pathways, choice,
   learner agency). Furthest from learning; it shapes the conditions.
2. :attr:`Level.CONTENT`: content, pace and sequence adjusted from a learner's
   responses (knowledge tracing, next steps, mastery gating).
3. :attr:`Level.TEACHING`: instruction that responds to what learners
   understand now (assessment for learning, flexible grouping, scaffolds).
   Closest to learning, and where the evidence is strongest.

Evidence figures are **data, not constants**: they live in the bundled file
``personalise/data/evidence.json`` with their source, edition, population and
caveat, because they change between editions (the EEF feedback strand and the
metacognition strand both changed). :func:`evidence` reads that catalogue;
entries not checked against a primary source carry ``verified=False`` and
must be checked before they appear in user-facing output.

The same file holds the EEF conversion between effect sizes and "months of
additional progress" used by :func:`months_of_progress` and
:func:`effect_size_range`.

Examples
--------
>>> from personalise.levels import Level, evidence
>>> Level.EXPERIENCE < Level.CONTENT < Level.TEACHING
True
>>> sorted({entry.strategy for entry in evidence(level="teaching")})[:2]
['feedback', 'formative assessment']
"""

from __future__ import annotations

import enum
import functools
import math
import numbers
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

import attrs

from personalise._validation import StrictEnumType, is_flag, is_text, parse_json, refuse_member
from personalise.exceptions import InvalidParameterError

__all__ = [
    "STRATEGIES",
    "EvidenceEntry",
    "Level",
    "effect_size_range",
    "evidence",
    "months_of_progress",
]

_DATA_PACKAGE = "personalise.data"
_CATALOGUE_FILE = "evidence.json"
_SCHEMA = "personalise.evidence/1"
_FIELDS = ("id", "level", "strategy", "value", "unit", "source", "edition", "population", "caveat", "verified")


class Level(enum.IntEnum, metaclass=StrictEnumType):
    """The three levels of personalisation, ordered by closeness to the act of learning.

    ``Level.EXPERIENCE < Level.CONTENT < Level.TEACHING``: the closer a level is
    to the teaching interaction, the stronger its evidence tends to be. Each
    member has a short :attr:`description` and its :attr:`evidence` (the
    catalogue entries tagged with that level).

    Raises
    ------
    InvalidParameterError
        ``Level(value)`` for a value other than 1, 2 or 3 (the error is a
        ``ValueError`` too, as for any Enum).

    Examples
    --------
    >>> from personalise.levels import Level
    >>> max(Level)
    <Level.TEACHING: 3>
    >>> Level.from_name("Content") is Level.CONTENT
    True
    >>> Level.EXPERIENCE.description
    'Personalising the experience: pathways, subject and course choice, learner agency.'
    >>> all(entry.level is Level.TEACHING for entry in Level.TEACHING.evidence)
    True
    """

    EXPERIENCE = 1
    CONTENT = 2
    TEACHING = 3

    @classmethod
    def _missing_(cls, value: object) -> Level:
        """``Level(value)`` for a value that is not 1, 2 or 3: an InvalidParameterError naming it."""
        return cast(Level, refuse_member(cls, value, "level"))

    @property
    def label(self) -> str:
        """The lower-case name used in data files (``"experience"``...).

        Examples
        --------
        >>> from personalise.levels import Level
        >>> Level.TEACHING.label
        'teaching'
        """
        return self.name.lower()

    @property
    def description(self) -> str:
        """A one-sentence description of what this level personalises.

        Examples
        --------
        >>> from personalise.levels import Level
        >>> Level.CONTENT.description.split(":")[0]
        'Personalising the content'
        """
        return _DESCRIPTIONS[self]

    @property
    def evidence(self) -> tuple[EvidenceEntry, ...]:
        """The catalogue entries tagged with this level (see :func:`evidence`).

        Examples
        --------
        >>> from personalise.levels import Level
        >>> "eef-digital-technology" in [e.id for e in Level.CONTENT.evidence]
        True
        """
        return evidence(level=self)

    @property
    def strategies(self) -> tuple[str, ...]:
        """The strategies tagged with this level in :data:`STRATEGIES`, sorted.

        Examples
        --------
        >>> from personalise.levels import Level
        >>> "choice" in Level.EXPERIENCE.strategies
        True
        """
        return tuple(sorted(name for name, level in STRATEGIES.items() if level is self))

    def summary(self) -> str:
        """A readable summary: the description, then one line per evidence entry.

        Each line gives the strategy, the figure with its unit, the source and
        the edition; unverified entries are marked ``[unverified]``.

        Examples
        --------
        >>> from personalise.levels import Level
        >>> print(Level.EXPERIENCE.summary().splitlines()[0])
        Personalising the experience: pathways, subject and course choice, learner agency.
        """
        lines = [self.description]
        for entry in self.evidence:
            mark = "" if entry.verified else " [unverified]"
            lines.append(f"- {entry.strategy}: {entry.figure} ({entry.source}; {entry.edition}){mark}")
        return "\n".join(lines)

    @classmethod
    def from_name(cls, name: Level | str) -> Level:
        """Return the level named ``name`` (case-insensitive), or ``name`` if it is a Level.

        Raises
        ------
        InvalidParameterError
            If ``name`` names no level.

        Examples
        --------
        >>> from personalise.levels import Level
        >>> Level.from_name("TEACHING")
        <Level.TEACHING: 3>
        """
        if isinstance(name, Level):
            return name
        if isinstance(name, str):
            try:
                return cls[name.strip().upper()]
            except KeyError:
                pass
        raise InvalidParameterError(
            f"level must be one of 'experience', 'content', 'teaching' or a Level; got {name!r}", value=name
        )


_DESCRIPTIONS: Mapping[Level, str] = MappingProxyType(
    {
        Level.EXPERIENCE: "Personalising the experience: pathways, subject and course choice, learner agency.",
        Level.CONTENT: "Personalising the content: difficulty, pace and sequence adjusted from learner responses.",
        Level.TEACHING: (
            "Personalising the teaching: instruction that responds to what learners understand now "
            "(assessment for learning, flexible grouping, scaffolds that fade)."
        ),
    }
)


Value = float | tuple[float, float] | None


def _level(value: Level | str) -> Level:
    return Level.from_name(value)


def _value(raw: Any) -> Value:
    if raw is None:
        return None
    if isinstance(raw, (list, tuple)):
        if len(raw) != 2 or not all(_is_number(v) for v in raw) or float(raw[0]) > float(raw[1]):
            raise InvalidParameterError(
                f"value must be a finite range (low <= high) given as [low, high]; got {raw!r:.80}", value=raw)
        return (float(raw[0]), float(raw[1]))
    if not _is_number(raw):
        raise InvalidParameterError(f"value must be a finite number, a [low, high] pair or None; got {raw!r:.80}",
                                    value=raw)
    return float(raw)


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return math.isfinite(float(value))


@attrs.frozen
class EvidenceEntry:
    """One research figure with the context it must travel with.

    Parameters
    ----------
    id : str
        Stable identifier, e.g. ``"eef-feedback-current"``.
    level : Level
        The personalisation level the strategy belongs to.
    strategy : str
        The strategy the figure is about (a key of :data:`STRATEGIES`).
    value : float, (float, float) or None
        The figure: a number, a ``(low, high)`` range, or None for a
        qualitative finding.
    unit : str
        What the number measures ("months of additional progress", "effect size d"...).
    source : str
        The reference.
    edition : str
        Edition or date: figures change between editions.
    population : str
        Who the figure is about.
    caveat : str
        What must be said alongside the number.
    verified : bool
        False when the figure comes from a secondary source and must be
        checked against the primary source before user-facing use.
    finding : str, optional
        The finding in one sentence.
    strength : str or None, optional
        The source's own evidence-strength or impact rating, when it gives one.

    Raises
    ------
    InvalidParameterError
        If a text field is not a string (or is blank, for all but ``finding``
        and ``strength``), ``verified`` is not a bool, ``level`` names no
        level, or ``value`` is not a finite number, a ``(low, high)`` pair
        with ``low <= high``, or None.

    Examples
    --------
    >>> from personalise.levels import evidence
    >>> entry = evidence(strategy="digital technology")[0]
    >>> entry.level, entry.unit
    (<Level.CONTENT: 2>, 'months of additional progress')
    >>> entry.verified
    True
    """

    id: str = attrs.field(validator=is_text(empty=False))
    level: Level = attrs.field(converter=_level)
    strategy: str = attrs.field(validator=is_text(empty=False))
    value: Value = attrs.field(converter=_value)
    unit: str = attrs.field(validator=is_text(empty=False))
    source: str = attrs.field(validator=is_text(empty=False))
    edition: str = attrs.field(validator=is_text(empty=False))
    population: str = attrs.field(validator=is_text(empty=False))
    caveat: str = attrs.field(validator=is_text(empty=False))
    verified: bool = attrs.field(validator=is_flag)
    finding: str = attrs.field(default="", validator=is_text())
    strength: str | None = attrs.field(default=None, validator=is_text(optional=True))

    @property
    def figure(self) -> str:
        """The value and unit as text, e.g. ``"0.4 to 0.7 effect size ..."``.

        Examples
        --------
        >>> from personalise.levels import evidence
        >>> evidence(strategy="choice")[0].figure
        'qualitative (direction and moderators)'
        """
        if self.value is None:
            return self.unit
        if isinstance(self.value, tuple):
            return f"{self.value[0]:g} to {self.value[1]:g} {self.unit}"
        sign = "+" if self.value > 0 and self.unit.startswith("months") else ""
        return f"{sign}{self.value:g} {self.unit}"


# ------------------------------------------------------------------ catalogue
def _read_bundled() -> Mapping[str, Any]:
    text = resources.files(_DATA_PACKAGE).joinpath(_CATALOGUE_FILE).read_text(encoding="utf-8")
    data = parse_json(text, f"the bundled {_CATALOGUE_FILE}", error=InvalidParameterError)
    if not isinstance(data, dict) or data.get("schema") != _SCHEMA:
        raise InvalidParameterError(f"the evidence catalogue must have schema {_SCHEMA!r}", value=data)
    return data


def _parse_entries(data: Mapping[str, Any], strategies: Mapping[str, Level]) -> tuple[EvidenceEntry, ...]:
    entries = []
    seen: set[str] = set()
    for raw in data.get("entries", ()):
        missing = [field for field in _FIELDS if field not in raw]
        if missing:
            raise InvalidParameterError(f"evidence entry {raw.get('id')!r} lacks the fields {missing}", value=raw)
        for field in ("id", "strategy", "unit", "source", "edition", "population", "caveat"):
            if not isinstance(raw[field], str) or not raw[field].strip():
                raise InvalidParameterError(
                    f"evidence entry {raw['id']!r}: field {field!r} must be a non-empty string; got {raw[field]!r}",
                    value=raw[field],
                )
        if not isinstance(raw["verified"], bool):
            raise InvalidParameterError(
                f"evidence entry {raw['id']!r}: 'verified' must be true or false; got {raw['verified']!r}",
                value=raw["verified"],
            )
        if raw["id"] in seen:
            raise InvalidParameterError(f"evidence entry ids must be unique; {raw['id']!r} appears twice", value=raw["id"])
        seen.add(raw["id"])
        entry = EvidenceEntry(**{key: raw[key] for key in (*_FIELDS, "finding", "strength") if key in raw})
        if strategies.get(entry.strategy) is not entry.level:
            raise InvalidParameterError(
                f"evidence entry {entry.id!r}: strategy {entry.strategy!r} is tagged "
                f"{strategies.get(entry.strategy)!r} in 'strategies' but the entry says {entry.level!r}",
                value=entry.strategy,
            )
        entries.append(entry)
    return tuple(entries)


def _parse_strategies(data: Mapping[str, Any]) -> Mapping[str, Level]:
    raw = data.get("strategies")
    if not isinstance(raw, dict):
        raise InvalidParameterError("the evidence catalogue must map 'strategies' to levels", value=raw)
    return MappingProxyType({str(name): Level.from_name(level) for name, level in raw.items()})


@attrs.frozen
class _Band:
    months: int
    low: float
    high: float
    label: str


def _parse_bands(data: Mapping[str, Any]) -> tuple[_Band, ...]:
    table = data.get("months_of_progress")
    if not isinstance(table, dict) or not isinstance(table.get("bands"), list):
        raise InvalidParameterError("the evidence catalogue lacks the 'months_of_progress' bands", value=table)
    bands = tuple(_Band(int(b["months"]), float(b["low"]), float(b["high"]), str(b["label"])) for b in table["bands"])
    months = [band.months for band in bands]
    if months != list(range(len(bands))) or any(a.high >= b.low for a, b in zip(bands, bands[1:])):
        raise InvalidParameterError("the months bands must run 0, 1, 2... with increasing, disjoint ranges", value=months)
    return bands


@functools.cache
def _catalogue() -> tuple[Mapping[str, Level], tuple[EvidenceEntry, ...], tuple[_Band, ...]]:
    data = _read_bundled()
    strategies = _parse_strategies(data)
    return strategies, _parse_entries(data, strategies), _parse_bands(data)


#: Strategy name -> the :class:`Level` it belongs to (read-only, from the bundled catalogue).
#: Grouping pupils into sets or streams is an organisational choice, so it is
#: tagged :attr:`Level.EXPERIENCE`; grouping within a class by current need
#: changes the teaching, so it is tagged :attr:`Level.TEACHING`.
STRATEGIES: Mapping[str, Level] = _catalogue()[0]


def evidence(*, level: Level | str | None = None, strategy: str | None = None) -> tuple[EvidenceEntry, ...]:
    """Return the evidence catalogue entries, optionally for one level and/or strategy.

    Parameters
    ----------
    level : Level or str, optional
        Keep only entries of this level (a :class:`Level` or its name).
    strategy : str, optional
        Keep only entries about this strategy (a key of :data:`STRATEGIES`).

    Returns
    -------
    tuple of EvidenceEntry
        In catalogue order. Empty when a known strategy has no entries yet.

    Raises
    ------
    InvalidParameterError
        If ``level`` names no level or ``strategy`` is not in :data:`STRATEGIES`.

    Notes
    -----
    The catalogue is read once from ``personalise/data/evidence.json`` and
    cached; entries are frozen, so callers cannot change it.

    Examples
    --------
    >>> from personalise.levels import evidence
    >>> [e.edition for e in evidence(strategy="feedback") if e.unit.startswith("months")]
    ['current Toolkit page', '2013-2020 editions']
    >>> {e.level.label for e in evidence(strategy="setting or streaming")}
    {'experience'}
    >>> [e.id for e in evidence() if not e.verified][:1]
    ['eef-mastery-learning']
    """
    strategies, entries, _ = _catalogue()
    chosen = None if level is None else Level.from_name(level)
    if strategy is not None and (not isinstance(strategy, str) or strategy not in strategies):
        raise InvalidParameterError(
            f"strategy must be one of {sorted(strategies)}; got {strategy!r}", value=strategy
        )
    return tuple(
        entry
        for entry in entries
        if (chosen is None or entry.level is chosen) and (strategy is None or entry.strategy == strategy)
    )


def months_of_progress(effect_size: float) -> int:
    """Convert an effect size to EEF "months of additional progress".

    The EEF Toolkit conversion is a step function: each whole number of
    months covers a band of effect sizes (bundled as data). An effect size
    belongs to the highest band whose lower bound it reaches, so values
    between two printed bands fall to the lower one; effect sizes beyond the
    top band give the top band's months. Negative effect sizes map
    symmetrically: ``months_of_progress(-d) == -months_of_progress(d)``.

    Parameters
    ----------
    effect_size : float
        A standardised mean difference (finite).

    Returns
    -------
    int

    Raises
    ------
    InvalidParameterError
        If ``effect_size`` is not a finite real number.

    See Also
    --------
    effect_size_range : the inverse (the band of a number of months).

    Notes
    -----
    EEF project reports use a slightly different conversion, and months
    cannot be added across interventions: effects are not additive.

    Examples
    --------
    >>> from personalise.levels import months_of_progress
    >>> months_of_progress(0.5), months_of_progress(-0.5), months_of_progress(0.0)
    (6, -6, 0)
    """
    raw: object = effect_size
    if not _is_number(raw) or not isinstance(raw, numbers.Real):
        raise InvalidParameterError(f"effect_size must be a finite number; got {effect_size!r}", value=effect_size)
    d = float(raw)
    size = abs(d)
    months = 0
    for band in _catalogue()[2][1:]:
        if size >= band.low:
            months = band.months
    return -months if d < 0 else months


def effect_size_range(months: int) -> tuple[float, float]:
    """Return the band ``(low, high)`` of effect sizes the EEF maps to ``months``.

    Negative months give the mirrored band: ``effect_size_range(-m) ==
    (-high, -low)`` for ``(low, high) = effect_size_range(m)``.

    Parameters
    ----------
    months : int
        Whole months of additional progress, between minus and plus the
        top of the table.

    Returns
    -------
    tuple of float

    Raises
    ------
    InvalidParameterError
        If ``months`` is not an integer within the table.

    Examples
    --------
    >>> from personalise.levels import effect_size_range, months_of_progress
    >>> low, high = effect_size_range(6)
    >>> low <= 0.5 <= high and months_of_progress(low) == months_of_progress(high) == 6
    True
    >>> effect_size_range(-6) == (-high, -low)
    True
    """
    bands = _catalogue()[2]
    top = bands[-1].months
    raw: object = months
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral) or not -top <= int(raw) <= top:
        raise InvalidParameterError(f"months must be an integer in [-{top}, {top}]; got {months!r}", value=months)
    band = bands[abs(int(raw))]
    if int(raw) < 0:
        return (-band.high, -band.low)
    return (band.low, band.high)
