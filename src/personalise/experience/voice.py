"""Learner-voice vocabularies: small enums for tagging, never inferred from data.

Hart's ladder of children's participation and the four-stage participation
ladder are ways for teachers and learners to describe and review who decides.
The library stores them as labels on records (for example who made a choice,
see :class:`~personalise.ChoiceRecord`); nothing in it guesses a rung from
clickstream or answers.
"""

from __future__ import annotations

import enum
from typing import cast

from personalise._validation import StrictEnumType, refuse_member

__all__ = ["HartRung", "ParticipationStage"]


class HartRung(enum.IntEnum, metaclass=StrictEnumType):
    """Hart's Ladder of Children's Participation (Hart 1992, UNICEF), rungs 1-8.

    A vocabulary for labelling activities and choice records during review,
    never inferred from data. Rungs 1-3 are *non-participation*. The rungs
    are not a required sequence, nor a score to maximise in every activity;
    Hart (2008) stressed that the top rung is *shared* decision-making, not
    "children in charge".

    Raises
    ------
    InvalidParameterError
        ``HartRung(value)`` for a value outside 1-8 (a ``ValueError`` too).

    Examples
    --------
    >>> from personalise.experience.voice import HartRung
    >>> HartRung.TOKENISM.label, HartRung.TOKENISM.is_participation
    ('Tokenism', False)
    >>> HartRung(8).label
    'Child-initiated, shared decisions with adults'
    """

    MANIPULATION = 1
    DECORATION = 2
    TOKENISM = 3
    ASSIGNED_BUT_INFORMED = 4
    CONSULTED_AND_INFORMED = 5
    ADULT_INITIATED_SHARED_DECISIONS = 6
    CHILD_INITIATED_AND_DIRECTED = 7
    CHILD_INITIATED_SHARED_DECISIONS = 8

    @classmethod
    def _missing_(cls, value: object) -> HartRung:
        """``HartRung(value)`` for a value outside 1-8: an InvalidParameterError naming it."""
        return cast(HartRung, refuse_member(cls, value, "rung"))

    @property
    def label(self) -> str:
        """The rung's label as Hart gives it.

        Examples
        --------
        >>> from personalise.experience.voice import HartRung
        >>> HartRung.ADULT_INITIATED_SHARED_DECISIONS.label
        'Adult-initiated, shared decisions with children'
        """
        return _HART_LABELS[self.value - 1]

    @property
    def is_participation(self) -> bool:
        """False for the three lowest rungs (manipulation, decoration, tokenism).

        Examples
        --------
        >>> from personalise.experience.voice import HartRung
        >>> HartRung.ASSIGNED_BUT_INFORMED.is_participation
        True
        """
        return self.value > 3

    @property
    def source(self) -> str:
        """The reference for the ladder.

        Examples
        --------
        >>> from personalise.experience.voice import HartRung
        >>> "Hart" in HartRung.DECORATION.source
        True
        """
        return (
            "Hart, R. A. (1992). Children's participation: from tokenism to citizenship. "
            "Innocenti Essays No. 4, UNICEF International Child Development Centre"
        )

    @property
    def verified(self) -> bool:
        """True: the rung labels were checked against the source.

        Examples
        --------
        >>> from personalise.experience.voice import HartRung
        >>> HartRung.MANIPULATION.verified
        True
        """
        return True


_HART_LABELS = (
    "Manipulation",
    "Decoration",
    "Tokenism",
    "Assigned but informed",
    "Consulted and informed",
    "Adult-initiated, shared decisions with children",
    "Child-initiated and directed",
    "Child-initiated, shared decisions with adults",
)


class ParticipationStage(enum.IntEnum, metaclass=StrictEnumType):
    """A four-stage scale of pupil participation ("TLRP 4 stages"). **Unverified.**

    The scale commonly used in the literature of the ESRC Teaching and
    Learning Research Programme network "Consulting Pupils about Teaching and
    Learning" (Rudduck, 2000-2003), after Fielding (2001). The labels have
    not been checked against the primary text (``verified`` is False); Flutter
    and Rudduck (2004) give a closely related ladder with a "level 0: not
    consulted". A labelling vocabulary only: never inferred from data.

    Raises
    ------
    InvalidParameterError
        ``ParticipationStage(value)`` for a value outside 1-4 (a ``ValueError`` too).

    Examples
    --------
    >>> from personalise.experience.voice import ParticipationStage
    >>> [stage.label for stage in ParticipationStage][:2]
    ['Students as data source', 'Students as active respondents']
    >>> ParticipationStage.RESEARCHERS.verified
    False
    """

    DATA_SOURCE = 1
    ACTIVE_RESPONDENTS = 2
    CO_RESEARCHERS = 3
    RESEARCHERS = 4

    @classmethod
    def _missing_(cls, value: object) -> ParticipationStage:
        """``ParticipationStage(value)`` for a value outside 1-4: an InvalidParameterError naming it."""
        return cast(ParticipationStage, refuse_member(cls, value, "stage"))

    @property
    def label(self) -> str:
        """The stage's label.

        Examples
        --------
        >>> from personalise.experience.voice import ParticipationStage
        >>> ParticipationStage.CO_RESEARCHERS.label
        'Students as co-researchers'
        """
        return _STAGE_LABELS[self.value - 1]

    @property
    def source(self) -> str:
        """Where the scale comes from (secondary attribution).

        Examples
        --------
        >>> from personalise.experience.voice import ParticipationStage
        >>> "Fielding" in ParticipationStage.DATA_SOURCE.source
        True
        """
        return (
            "Fielding (2001), as used in the ESRC TLRP network 'Consulting Pupils about Teaching "
            "and Learning' (Rudduck, 2000-2003); unverified against the primary text"
        )

    @property
    def verified(self) -> bool:
        """False: verify the labels against the primary text before shipping them to users.

        Examples
        --------
        >>> from personalise.experience.voice import ParticipationStage
        >>> ParticipationStage.DATA_SOURCE.verified
        False
        """
        return False


_STAGE_LABELS = (
    "Students as data source",
    "Students as active respondents",
    "Students as co-researchers",
    "Students as researchers",
)
