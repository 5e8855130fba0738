"""Level 3, teaching: the assessment-for-learning cycle (elicit, interpret, adjust, verify).

A :class:`HingeQuestion` *elicits* evidence from every learner at once: each
wrong option maps to one misconception. :func:`diagnose` *interprets* the
class's answers (share correct, a guess-corrected estimate of how many know
the skill, who holds which misconception). :func:`decide` and
:func:`flexible_groups` *adjust* teaching: move on, regroup by misconception
for a while, or reteach. :func:`verify` checks with a *different* but
equivalent question whether the adjustment worked, and
:func:`audit_grouping` looks for the anti-pattern of groups that never
change (fixed ability groups, tracking).

Groups are temporary: they are computed from the latest evidence on every
call and never stored on a learner.

A :class:`SelfReview` is a school's own review of personalised learning: five
components (West-Burnham 2007, or the DfES 2004), each graded A to D by the
school, with :meth:`SelfReview.evidence` listing beside each grade what the
library records for it.

The thresholds here (:data:`PROCEED_AT`, :data:`REGROUP_AT`,
:data:`MIN_ANSWERED`) are design defaults, not research findings (DOMAIN.md
section 3.2).

Examples
--------
>>> from personalise.teaching import HingeQuestion, decide, diagnose
>>> q = HingeQuestion("add fractions", ("A", "B", "C", "D"), "C",
...                   {"A": "adds denominators", "B": "adds denominators", "D": "none-plausible"})
>>> d = diagnose(q, {"ann": "C", "bo": "A", "cy": "C", "di": "C", "ed": "B", "fay": None})
>>> d
Diagnosis(skill='add fractions', answered=5/6, correct=0.60, p_know=0.47, misconceptions={'adds denominators': 2})
>>> decide(d).action
'regroup'
"""


from personalise.teaching.diagnosis import (
    ACTIONS,
    GROUP_KINDS,
    MIN_ANSWERED,
    NONE_PLAUSIBLE,
    PROCEED_AT,
    REGROUP_AT,
    Diagnosis,
    HingeQuestion,
    diagnose,
    guess_corrected,
)
from personalise.teaching.grouping import (
    Decision,
    Group,
    GroupingFinding,
    audit_grouping,
    decide,
    flexible_groups,
)
from personalise.teaching.principles import PHASES, PhaseSpec, Principle, principles_of_instruction
from personalise.teaching.review_evidence import ComponentEvidence
from personalise.teaching.review_vocabulary import (
    ReviewComponent,
    ReviewFramework,
    ReviewScale,
    review_frameworks,
    review_scale,
)
from personalise.teaching.self_review import SelfReview
from personalise.teaching.verification import Verification, verify

__all__ = [
    "ACTIONS",
    "ComponentEvidence",
    "Decision",
    "Diagnosis",
    "GROUP_KINDS",
    "Group",
    "GroupingFinding",
    "HingeQuestion",
    "MIN_ANSWERED",
    "NONE_PLAUSIBLE",
    "PHASES",
    "PROCEED_AT",
    "PhaseSpec",
    "Principle",
    "REGROUP_AT",
    "ReviewComponent",
    "ReviewFramework",
    "ReviewScale",
    "SelfReview",
    "Verification",
    "audit_grouping",
    "decide",
    "diagnose",
    "flexible_groups",
    "guess_corrected",
    "principles_of_instruction",
    "review_frameworks",
    "review_scale",
    "verify",
]
