"""The Level enum, the bundled evidence catalogue and the EEF months <-> effect size lookup."""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

from personalise import levels as L
from personalise.exceptions import InvalidParameterError, PersonaliseError
from personalise.levels import STRATEGIES, EvidenceEntry, Level, effect_size_range, evidence, months_of_progress

#: DOMAIN.md section 1.1: months -> (low, high) effect size band.
EEF_TABLE = {
    0: (-0.01, 0.01),
    1: (0.02, 0.09),
    2: (0.10, 0.18),
    3: (0.19, 0.26),
    4: (0.27, 0.35),
    5: (0.36, 0.44),
    6: (0.45, 0.52),
    7: (0.53, 0.61),
    8: (0.62, 0.69),
    9: (0.70, 0.78),
    10: (0.79, 0.87),
    11: (0.88, 0.95),
    12: (0.96, 1.00),
}


def _raw_catalogue() -> dict[str, Any]:
    text = resources.files("personalise.data").joinpath("evidence.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def _one(entry_id: str) -> EvidenceEntry:
    (entry,) = [e for e in evidence() if e.id == entry_id]
    return entry


# ------------------------------------------------------------------ Level
def test_levels_are_ordered_by_closeness_to_learning() -> None:
    assert Level.EXPERIENCE < Level.CONTENT < Level.TEACHING
    assert sorted([Level.TEACHING, Level.EXPERIENCE, Level.CONTENT]) == list(Level)
    assert [level.label for level in Level] == ["experience", "content", "teaching"]


def test_every_level_has_a_description_and_evidence() -> None:
    for level in Level:
        assert level.description.startswith("Personalising the " + level.label)
        assert level.evidence, level
        assert all(entry.level is level for entry in level.evidence)
        assert level.strategies and all(STRATEGIES[s] is level for s in level.strategies)
        assert level.summary().splitlines()[0] == level.description
        assert len(level.summary().splitlines()) == 1 + len(level.evidence)


def test_summary_marks_unverified_entries() -> None:
    assert "[unverified]" in Level.CONTENT.summary()
    assert "[unverified]" not in Level.TEACHING.summary()


def test_level_from_name() -> None:
    assert Level.from_name(" teaching ") is Level.TEACHING
    assert Level.from_name(Level.CONTENT) is Level.CONTENT
    with pytest.raises(InvalidParameterError, match="'tutoring'"):
        Level.from_name("tutoring")
    with pytest.raises(InvalidParameterError, match="got 2"):
        Level.from_name(2)  # type: ignore[arg-type]


# -------------------------------------------------------------- catalogue
def test_catalogue_file_is_valid_json_with_all_fields() -> None:
    data = _raw_catalogue()
    assert data["schema"] == "personalise.evidence/1"
    required = {"id", "level", "strategy", "value", "unit", "source", "edition", "population", "caveat", "verified"}
    ids = [raw["id"] for raw in data["entries"]]
    assert len(ids) == len(set(ids))
    for raw in data["entries"]:
        assert required <= set(raw), raw["id"]
        assert raw["level"] in {"experience", "content", "teaching"}
        assert isinstance(raw["verified"], bool)
        assert data["strategies"][raw["strategy"]] == raw["level"]
    assert len(evidence()) == len(data["entries"])


def test_every_entry_has_source_level_and_context() -> None:
    for entry in evidence():
        assert isinstance(entry.level, Level)
        for field in (entry.source, entry.unit, entry.edition, entry.population, entry.caveat, entry.finding):
            assert field.strip(), entry.id
        assert STRATEGIES[entry.strategy] is entry.level


def test_entries_are_frozen_and_strategies_read_only() -> None:
    entry = evidence()[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.value = 99.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        STRATEGIES["feedback"] = Level.EXPERIENCE  # type: ignore[index]
    assert evidence() == evidence()


def test_eef_feedback_has_both_editions() -> None:
    months = {e.edition: e.value for e in evidence(strategy="feedback") if e.unit.startswith("months")}
    assert months == {"current Toolkit page": 6.0, "2013-2020 editions": 8.0}
    assert all(e.level is Level.TEACHING for e in evidence(strategy="feedback"))


def test_metacognition_both_editions() -> None:
    values = {e.edition: e.value for e in evidence(strategy="metacognition and self-regulation")}
    assert values == {"2020/21": 7.0, "later update (after 2020/21)": 8.0}


@pytest.mark.parametrize(
    ("entry_id", "level", "value", "verified"),
    [
        ("eef-digital-technology", Level.CONTENT, 4.0, True),
        ("black-wiliam-1998", Level.TEACHING, (0.4, 0.7), True),
        ("kingston-nash-2011", Level.TEACHING, 0.20, True),
        ("kluger-denisi-1996", Level.TEACHING, 0.41, True),
        ("eef-setting-streaming", Level.EXPERIENCE, -1.0, True),
        ("eef-within-class-grouping", Level.TEACHING, 3.0, True),
        ("patall-cooper-robinson-2008", Level.EXPERIENCE, None, True),
        ("eef-mastery-learning", Level.CONTENT, 5.0, False),
        ("bloom-1984-tutoring", Level.CONTENT, 2.0, True),
        ("vanlehn-2011-human-tutoring", Level.CONTENT, 0.79, True),
        ("vanlehn-2011-step-based-its", Level.CONTENT, 0.76, True),
        ("kulik-kulik-bangert-drowns-1990", Level.CONTENT, 0.5, False),
    ],
)
def test_headline_figures(entry_id: str, level: Level, value: object, verified: bool) -> None:
    entry = _one(entry_id)
    assert (entry.level, entry.value, entry.verified) == (level, value, verified)


def test_caveats_that_must_travel_with_the_figures() -> None:
    assert "0.25" in _one("kingston-nash-2011").finding and "42" in _one("kingston-nash-2011").finding
    assert "Kingston" in _one("black-wiliam-1998").caveat
    assert "third" in _one("kluger-denisi-1996").caveat
    setting = _one("eef-setting-streaming")
    assert "unlikely to boost learning for all pupils" in setting.finding
    assert setting.edition == "2013-2018 editions" and "organisational choice" in setting.caveat
    assert _one("eef-within-class-grouping").edition == "2018 strand"
    assert "2-4" in _one("patall-cooper-robinson-2008").caveat
    assert "VanLehn" in _one("bloom-1984-tutoring").caveat


def test_figure_text() -> None:
    assert _one("eef-feedback-current").figure == "+6 months of additional progress"
    assert _one("eef-setting-streaming").figure == "-1 months of additional progress"
    assert _one("black-wiliam-1998").figure.startswith("0.4 to 0.7 ")
    assert _one("kluger-denisi-1996").figure == "0.41 effect size d (mean)"


def test_evidence_filters() -> None:
    teaching = evidence(level=Level.TEACHING)
    assert teaching == evidence(level="teaching") == Level.TEACHING.evidence
    assert {e.level for e in teaching} == {Level.TEACHING}
    assert {e.level for e in evidence()} == set(Level)
    assert evidence(level="content", strategy="feedback") == ()
    assert evidence(strategy="pathways") == ()  # a tagged feature without entries yet
    assert [e.id for e in evidence(level="experience", strategy="choice")] == ["patall-cooper-robinson-2008"]


def test_evidence_rejects_unknown_names() -> None:
    with pytest.raises(InvalidParameterError, match="'learning pyramids'"):
        evidence(strategy="learning pyramids")
    with pytest.raises(InvalidParameterError, match="'pathway'") as info:
        evidence(level="pathway")
    assert info.value.value == "pathway"


def test_strategies_tag_setting_as_experience_and_grouping_as_teaching() -> None:
    assert STRATEGIES["setting or streaming"] is Level.EXPERIENCE
    assert STRATEGIES["within-class attainment grouping"] is Level.TEACHING
    assert STRATEGIES["choice"] is STRATEGIES["pathways"] is Level.EXPERIENCE
    assert STRATEGIES["tutoring"] is STRATEGIES["mastery learning"] is Level.CONTENT


# --------------------------------------------------------- malformed data
def _document(**changes: Any) -> dict[str, Any]:
    entry = {
        "id": "x",
        "level": "content",
        "strategy": "tutoring",
        "value": 1,
        "unit": "u",
        "source": "s",
        "edition": "e",
        "population": "p",
        "caveat": "c",
        "verified": True,
    }
    entry.update(changes)
    return {"entries": [entry]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"verified": "yes"}, "'verified' must be true or false; got 'yes'"),
        ({"source": ""}, "field 'source' must be a non-empty string"),
        ({"level": "teaching"}, "strategy 'tutoring' is tagged"),
        ({"value": [0.7, 0.4]}, r"\[low, high\]; got \[0.7, 0.4\]"),
        ({"value": "big"}, "got 'big'"),
        ({"value": math.nan}, "got nan"),
        ({"level": "school"}, "got 'school'"),
    ],
)
def test_malformed_entries_are_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        L._parse_entries(_document(**changes), STRATEGIES)


def test_missing_fields_and_duplicate_ids_are_rejected() -> None:
    doc = _document()
    del doc["entries"][0]["caveat"]
    with pytest.raises(InvalidParameterError, match=r"lacks the fields \['caveat'\]"):
        L._parse_entries(doc, STRATEGIES)
    doc = _document()
    doc["entries"].append(dict(doc["entries"][0]))
    with pytest.raises(InvalidParameterError, match="'x' appears twice"):
        L._parse_entries(doc, STRATEGIES)
    with pytest.raises(InvalidParameterError, match="months bands"):
        L._parse_bands({"months_of_progress": {"bands": [{"months": 1, "low": 0, "high": 1, "label": "x"}]}})


# ----------------------------------------------------------- months table
@pytest.mark.parametrize(("months", "band"), sorted(EEF_TABLE.items()))
def test_months_table_matches_domain(months: int, band: tuple[float, float]) -> None:
    low, high = band
    assert effect_size_range(months) == pytest.approx(band)
    assert months_of_progress((low + high) / 2) == months
    assert months_of_progress(high) == months
    if months:
        assert months_of_progress(low) == months
        assert months_of_progress(-low) == -months
        assert effect_size_range(-months) == pytest.approx((-high, -low))
    assert months_of_progress(-high) == -months


def test_months_is_a_symmetric_step_function() -> None:
    grid = [i / 1000 for i in range(-1200, 1201)]
    months = [months_of_progress(d) for d in grid]
    assert all(b >= a for a, b in zip(months, months[1:]))  # non-decreasing steps
    assert all(months_of_progress(-d) == -m for d, m in zip(grid, months))
    assert set(months) == set(range(-12, 13))


def test_months_between_bands_and_beyond_the_table() -> None:
    assert months_of_progress(0.015) == 0  # between the 0 and 1 month bands: the lower band
    assert months_of_progress(0.095) == 1
    assert months_of_progress(1.5) == 12
    assert months_of_progress(-3) == -12
    assert months_of_progress(0) == 0 and months_of_progress(-0.0) == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "0.5", None, True])
def test_months_rejects_non_finite(bad: Any) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(repr(bad))):
        months_of_progress(bad)


@pytest.mark.parametrize("bad", [13, -13, 1.5, "6", True, None])
def test_effect_size_range_rejects_bad_months(bad: Any) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(repr(bad))) as info:
        effect_size_range(bad)
    assert isinstance(info.value, PersonaliseError) and info.value.value == bad


# ------------------------------------------------------ data, not constants
def test_no_evidence_figure_is_a_constant_in_the_code() -> None:
    source = Path(L.__file__).read_text(encoding="utf-8")
    figures = ["0.79", "0.76", "0.41", "0.20", "0.25", "0.52", "0.45", "0.96", "+4", "+5", "+6", "+7", "+8", "-1 month"]
    figures += ["2 sigma", "two sigma", "= 0.4", "0.4,", "0.7)"]
    found = [figure for figure in figures if figure in source]
    assert not found, f"evidence figures written into levels.py: {found}"
    assert "evidence.json" in source


def test_catalogue_is_package_data() -> None:
    path = resources.files("personalise.data").joinpath("evidence.json")
    assert path.is_file()
    assert Path(str(path)).parent == Path(L.__file__).parent / "data"
