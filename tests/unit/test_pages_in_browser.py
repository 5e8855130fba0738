"""The printable pages as a reader sees them: rendered in headless Chromium, screenshot, layout and print.

Locally the tests skip with one line when no Chromium-family browser is
installed; with ``PERSONALISE_REQUIRE_CHROMIUM=1`` (set by CI) a missing
browser is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import personalise as pl
from personalise.cli.demo import example_lesson_plan
from personalise.io import _browser

Image = pytest.importorskip("PIL.Image")

A4_WIDTH = 794  # CSS pixels: 210 mm at 96 dpi


@pytest.fixture(scope="module")
def browser() -> str:
    found = _browser.find_browser()
    if found is None:
        if os.environ.get("PERSONALISE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("PERSONALISE_REQUIRE_CHROMIUM=1 but no Chromium-family browser is installed")
        pytest.skip("no Chromium-family browser installed (Debian: apt-get install chromium)")
    return found


def _look(browser: str, page: str, folder: Path, selector: str) -> tuple[dict[str, Any], Any]:
    """The layout of ``selector``'s elements and a screenshot of the whole page (RGB array)."""
    info = _browser.layout(browser, page, selector, width=A4_WIDTH, height=1123)
    path = folder / "page.html"
    path.write_text(page, encoding="utf-8")
    height = int(info["scrollHeight"]) + 40
    png = _browser.screenshot(browser, path, folder / "page.png", width=A4_WIDTH, height=height)
    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
    return info, pixels


def _ink(pixels: Any, box: dict[str, float]) -> float:
    """The share of dark pixels (text) inside a layout box of the screenshot."""
    top, left = int(box["top"]), int(box["left"])
    part = pixels[top : top + int(box["height"]), left : left + int(box["width"])]
    return float((part.max(axis=2) < 120).mean()) if part.size else 0.0


def _assert_not_blank(pixels: Any) -> None:
    background = np.median(pixels.reshape(-1, 3), axis=0)
    differs = np.abs(pixels - background).max(axis=2) > 40
    assert differs.mean() > 0.03, "the screenshot is (nearly) blank"
    assert len(np.unique(pixels.reshape(-1, 3)[::97], axis=0)) > 20, "the screenshot has almost no colours"


def _assert_fits(info: dict[str, Any]) -> None:
    assert info["scrollWidth"] <= A4_WIDTH, f"the page is wider than the window: {info['scrollWidth']} px"
    for box in info["boxes"]:
        assert box["width"] > 0 and box["height"] > 0, f"not laid out: {box['text'][:60]!r}"
        assert box["left"] >= 0 and box["left"] + box["width"] <= A4_WIDTH + 0.5, f"cut off: {box['text'][:60]!r}"


def test_the_bundled_lesson_page_shows_every_phase_and_every_group(browser: str, tmp_path: Path) -> None:
    plan = example_lesson_plan()
    page = plan.to_html(title="Lesson plan: Year 4, fractions")
    info, pixels = _look(browser, page, tmp_path, "section.phase h2, table.groups tbody tr")
    _assert_not_blank(pixels)
    _assert_fits(info)
    headings = [box for box in info["boxes"] if re.match(r"^\d", box["text"])]
    assert [re.sub(r"^\d+\s*", "", h["text"]).split("principle")[0].strip() for h in headings] == [
        phase.title for phase in plan.phases
    ]
    rows = [box for box in info["boxes"] if box not in headings]
    items = [item for phase in plan.phases for item in phase.items]
    assert len(rows) == len(items) > 20
    for item, row in zip(items, rows):
        text = " ".join(row["text"].split())
        assert " ".join(item.what.split()) in text
        if "everyone" not in text:
            assert all(str(learner) in text for learner in item.learners), item.what
        assert _ink(pixels, row) > 0.005, f"nothing drawn in the row {item.what!r}"
    # every reason is on the page (a reason shared by a run of rows is written once, spanning them)
    dom = " ".join(" ".join(row["text"].split()) for row in rows)
    for item in items:
        assert " ".join(item.reason.split()) in dom, item.reason
    for heading in headings:
        assert _ink(pixels, heading) > 0.01


def test_the_lesson_page_prints_on_a4(browser: str, tmp_path: Path) -> None:
    path = tmp_path / "lesson.html"
    path.write_text(example_lesson_plan().to_html(), encoding="utf-8")
    pdf = _browser.print_pdf(browser, path, tmp_path / "lesson.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = {tuple(round(float(v)) for v in m.groups()) for m in
             re.finditer(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)}
    assert boxes and all(abs(w - 595) <= 2 and abs(h - 842) <= 2 for w, h in boxes), boxes  # A4 in points
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 8


def test_the_recommendations_page_groups_and_lists_every_learner(browser: str, tmp_path: Path) -> None:
    graph = pl.load_example_curriculum()
    ids, mastery = pl.load_example_class(graph)
    recs = pl.recommend_next(graph, mastery, k=3)
    page = recs.to_html(ids)
    info, pixels = _look(browser, page, tmp_path, "table.groups tbody tr, table.learners tbody tr")
    _assert_not_blank(pixels)
    _assert_fits(info)
    records = recs.to_records(ids, names=str)  # the page names skills as plain text
    firsts = {r["skill_id"] for r in records if r["rank"] == 1}
    group_rows = [b for b in info["boxes"] if not re.search(r"ready:|review:|nothing ready", b["text"])]
    assert len(group_rows) == len(firsts)
    step_rows = [b for b in info["boxes"] if b not in group_rows]
    assert len(step_rows) == len(records)
    for record, row in zip(records, step_rows):
        assert str(record["skill_id"]) in row["text"] and " ".join(record["reason"].split()) in " ".join(
            row["text"].split())
        assert _ink(pixels, row) > 0.005


def test_hostile_ids_are_text_not_markup(browser: str, tmp_path: Path) -> None:
    graph = pl.compile_graph([("<b>count</b>", "add & take")])
    learners = ["<script>alert(1)</script>", "bo \"quoted\""]
    plan = pl.plan_lesson(graph, np.array([[0.99, 0.2], [0.1, 0.0]]), learner_ids=learners)
    page = plan.to_html(title="<i>class</i>")
    assert "<script" not in page and "<b>count" not in page and "<i>class" not in page
    info, _ = _look(browser, page, tmp_path, "table.groups tbody tr, h1")
    texts = " ".join(box["text"] for box in info["boxes"])
    assert "<script>alert(1)</script>" in texts and "<b>count</b>" in texts and "<i>class</i>" in texts
