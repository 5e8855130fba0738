"""A gallery of the documentation's figures, drawn by the library on every build.

``docs/gallery.md`` holds a ``gallery`` directive; this extension renders it
as a grid of thumbnails, each linking to the section its figure comes from.
The entries are the list ``ENTRIES`` below, one line each::

    Entry(title, caption, target, source)

``target`` is where the thumbnail links to, checked by the build (an unknown
one is a warning, so an error under ``-W``):

- a document, ``"tutorials/simulate-cohorts"``;
- a section of a document, ``"tutorials/simulate-cohorts#who-gains"``: after
  the ``#``, the section's id (the anchor of its heading's link on the built
  page) or its MyST heading slug (``"5-who-gains"``);
- a label defined with ``(label)=`` or ``.. _label:``, ``"api"``.

``source`` is what the thumbnail shows:

- a function that draws on a matplotlib Axes, ``source(ax)``: it is called on
  a fresh Axes of thumbnail size;
- a function of no argument that returns a matplotlib Figure (or an Axes);
- an image file (PNG, JPEG) that exists once the HTML pages are written: a
  ``pathlib.Path`` or a string, relative to the docs source folder, in which
  ``{outdir}`` stands for the build's output folder, for example
  ``"{outdir}/_static/lesson-plan.png"``. A file taller than a thumbnail is
  cropped to its top.

Every thumbnail is written to ``_static/gallery/`` in the output folder at the
end of each HTML build (after the pages and the other extensions' files, so
an image made during the build can be shown), as a PNG of
``THUMBNAIL_SIZE`` pixels: nothing is committed and nothing goes stale.
"""

from __future__ import annotations

import inspect
import io
import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

import gallery_figures as fig

logger = logging.getLogger(__name__)


class Entry(NamedTuple):
    """One thumbnail of the gallery."""

    title: str
    caption: str
    target: str
    source: Callable[..., Any] | str | os.PathLike[str]


FADING = "tutorials/fading-scaffolds"
#: The screenshot of the bundled class's printable lesson page, written by :func:`_lesson_page` during the build.
LESSON_PAGE = "{outdir}/_static/lesson-plan.png"
SIMULATE = "tutorials/simulate-cohorts"

# fmt: off
ENTRIES: list[Entry] = [
    Entry("Six fading rules", "One learner, the same answers: how support comes down under each rule.", f"{FADING}#every-rule-on-the-same-run-of-answers", fig.fading_rules),
    Entry("Contingent support", "Wood's rule: four successes fade the help, a failure brings back a little.", f"{FADING}#contingent-support-comes-back-after-a-failure", fig.contingent_support),
    Entry("Support across a class", "200 learners under the contingent rule: each one's support and the median.", f"{FADING}#a-class-of-200-learners", fig.class_support),
    Entry("Policies compared", "The same learners under three policies: mean attainment and interquartile band.", f"{SIMULATE}#several-policies-the-same-learners-the-same-time", fig.policies_compared),
    Entry("Practice is not learning", "The policies with the most right answers in practice are not those that teach most.", f"{SIMULATE}#performance-during-practice-is-not-learning", fig.practice_is_not_learning),
    Entry("A school's self-review", "Five components graded A (fully established) to D (not yet on the agenda).", "explanation/self-review", fig.self_review_grades),
    Entry("The printable lesson page", "The bundled class's lesson plan as a teacher prints it, rendered in headless Chromium.", "how-to/plan-from-exit-question#the-printable-page", LESSON_PAGE),
    Entry("Switch a mechanism off", "Fading beats permanent support only while support can create dependency.", f"{SIMULATE}#an-ablation-switch-the-mechanism-off", fig.dependency_ablation),
]
# fmt: on

#: Width and height of every thumbnail, in pixels (about twice the size shown on the page).
THUMBNAIL_SIZE = (660, 462)
THUMBNAIL_DPI = 165  # with THUMBNAIL_SIZE, a 4 x 2.8 inch figure for the drawing functions: text large enough
OUTPUT_FOLDER = "_static/gallery"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "figure"


# -- The directive and its nodes ----------------------------------------------


class gallery_grid(nodes.General, nodes.Element):  # noqa: N801 - docutils' naming
    """The grid of cards."""


class gallery_card(nodes.General, nodes.Element):  # noqa: N801 - docutils' naming
    """One card: attributes title, caption, target, image; refuri once resolved."""


class GalleryDirective(SphinxDirective):
    """``gallery``: the grid of every entry of ``ENTRIES``, in order."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # the page is rebuilt when the entries or the figures change
        self.env.note_dependency(__file__)
        self.env.note_dependency(fig.__file__)
        grid = gallery_grid(classes=["pl-gallery"])
        self.set_source_info(grid)
        seen: set[str] = set()
        for entry in ENTRIES:
            image = _slug(entry.title)
            if image in seen:
                logger.warning("gallery: two entries are titled %r", entry.title, location=grid)
            seen.add(image)
            card = gallery_card(title=entry.title, caption=entry.caption, target=entry.target, image=f"{image}.png")
            self.set_source_info(card)
            grid += card
        return [grid]


def _anchors(env: Any, docname: str) -> tuple[dict[str, str], set[str]]:
    """The MyST slugs (slug -> id) and every id of a document."""
    slugs = {slug: value[1] for slug, value in env.metadata[docname].get("myst_slugs", {}).items()}
    ids = {node_id for node in env.get_doctree(docname).findall(nodes.Element) for node_id in node["ids"]}
    return slugs, ids


def _resolve(app: Any, target: str) -> tuple[str, str] | None:
    """(docname, anchor) of a target, or None when there is no such document, section or label."""
    env = app.env
    docname, _, anchor = target.partition("#")
    docname = re.sub(r"\.(md|rst|ipynb)$", "", docname.strip("/"))
    if docname in env.all_docs:
        if not anchor:
            return docname, ""
        slugs, ids = _anchors(env, docname)
        if anchor in slugs:
            return docname, slugs[anchor]
        if anchor in ids:
            return docname, anchor
        return None
    labels = env.get_domain("std").labels
    if not anchor and target in labels:
        label_doc, label_id, _ = labels[target]
        return label_doc, label_id
    return None


def _resolve_cards(app: Any, doctree: nodes.document, fromdocname: str) -> None:
    for card in doctree.findall(gallery_card):
        found = _resolve(app, card["target"])
        if found is None:
            logger.warning(
                "gallery: the entry %r links to %r, which is no document, section or label",
                card["title"],
                card["target"],
                location=card,
            )
            card["refuri"] = ""
            continue
        docname, anchor = found
        uri = app.builder.get_relative_uri(fromdocname, docname)
        card["refuri"] = f"{uri}#{anchor}" if anchor else uri


# -- HTML ---------------------------------------------------------------------


def _visit_grid_html(self: Any, node: gallery_grid) -> None:
    self.body.append(self.starttag(node, "div", CLASS="pl-gallery"))


def _depart_grid_html(self: Any, node: gallery_grid) -> None:
    self.body.append("</div>\n")


def _visit_card_html(self: Any, node: gallery_card) -> None:
    page = self.builder.get_target_uri(self.builder.current_docname)
    src = relative_uri(page, f"{OUTPUT_FOLDER}/{node['image']}")
    width, height = THUMBNAIL_SIZE
    text = (
        f'<img src="{self.attval(src)}" alt="" width="{width}" height="{height}" loading="lazy">'
        f'<figcaption><span class="pl-gallery-title">{self.encode(node["title"])}</span>'
        f'<span class="pl-gallery-caption">{self.encode(node["caption"])}</span></figcaption>'
    )
    if node.get("refuri"):
        text = f'<a class="pl-gallery-link" href="{self.attval(node["refuri"])}">{text}</a>'
    self.body.append(f'<figure class="pl-gallery-card">{text}</figure>\n')
    raise nodes.SkipNode


def _skip(self: Any, node: nodes.Node) -> None:
    """Formats other than HTML leave the gallery out."""
    raise nodes.SkipNode


# -- Thumbnails ---------------------------------------------------------------


def _figure_png(source: Callable[..., Any]) -> bytes:
    """Call a drawing function and return its figure as PNG bytes."""
    import matplotlib.figure
    import matplotlib.pyplot as plt

    width, height = THUMBNAIL_SIZE
    needs_axes = any(
        parameter.default is inspect.Parameter.empty
        and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        for parameter in inspect.signature(source).parameters.values()
    )
    with plt.rc_context({"figure.dpi": THUMBNAIL_DPI, "savefig.dpi": THUMBNAIL_DPI, "font.size": 9}):
        if needs_axes:
            figure, ax = plt.subplots(figsize=(width / THUMBNAIL_DPI, height / THUMBNAIL_DPI), layout="constrained")
            source(ax)
            tight = False
        else:
            result = source()
            figure = result if isinstance(result, matplotlib.figure.Figure) else getattr(result, "figure", None)
            if not isinstance(figure, matplotlib.figure.Figure):
                plt.close("all")
                raise TypeError(f"a function of no argument must return a matplotlib Figure or Axes; got {result!r}")
            tight = True
        buffer = io.BytesIO()
        try:
            figure.savefig(buffer, format="png", facecolor="white", bbox_inches="tight" if tight else None)
        finally:
            plt.close(figure)
    return buffer.getvalue()


def _thumbnail(image: Any, *, crop_tall: bool) -> Any:
    """Fit an image into THUMBNAIL_SIZE: crop a tall one to its top (if asked), pad the rest."""
    from PIL import Image, ImageOps

    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    image = image.convert("RGB")
    width, height = THUMBNAIL_SIZE
    if image.size == THUMBNAIL_SIZE:
        return image
    if crop_tall and image.height * width > height * image.width:
        image = image.crop((0, 0, image.width, round(image.width * height / width)))
    return ImageOps.pad(image, THUMBNAIL_SIZE, method=Image.Resampling.LANCZOS, color=image.getpixel((0, 0)))


def _write_thumbnails(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from PIL import Image

    folder = Path(app.outdir) / OUTPUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for entry in ENTRIES:
        path = folder / f"{_slug(entry.title)}.png"
        try:
            if callable(entry.source):
                image = _thumbnail(Image.open(io.BytesIO(_figure_png(entry.source))), crop_tall=False)
            else:
                file = Path(str(entry.source).format(outdir=app.outdir))
                file = file if file.is_absolute() else Path(app.srcdir) / file
                if not file.is_file():
                    logger.warning("gallery: the entry %r shows %s, which does not exist", entry.title, file)
                    continue
                with Image.open(file) as opened:
                    image = _thumbnail(opened, crop_tall=True)
            image.save(path, optimize=True)
        except Exception:  # noqa: BLE001 - reported as a build warning, an error under -W
            logger.warning("gallery: the entry %r could not be drawn:\n%s", entry.title, traceback.format_exc())


def _lesson_page(app: Any, exception: Exception | None) -> None:
    """The bundled class's printable lesson page, and its screenshot in headless Chromium, in ``_static``."""
    if exception is not None or app.builder.format != "html":
        return
    from personalise.cli.demo import example_lesson_plan
    from personalise.io import _browser

    folder = Path(app.outdir) / "_static"
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "lesson-plan.html"
    page.write_text(example_lesson_plan().to_html(title="Lesson plan: Year 4, fractions (bundled example class)"),
                    encoding="utf-8")
    browser = _browser.find_browser()
    if browser is None:
        logger.warning("gallery: no Chromium-family browser for the screenshot of the lesson page "
                       "(Debian: apt-get install chromium)")
        return
    try:
        _browser.screenshot(browser, page, folder / "lesson-plan.png", width=820, height=2600)
    except (OSError, RuntimeError) as err:
        logger.warning("gallery: the lesson page could not be rendered: %s", err)


def setup(app: Any) -> dict[str, Any]:
    others = dict.fromkeys(("latex", "text", "man", "texinfo"), (_skip, None))
    app.add_node(gallery_grid, html=(_visit_grid_html, _depart_grid_html), **others)
    app.add_node(gallery_card, html=(_visit_card_html, None), **others)
    app.add_directive("gallery", GalleryDirective)
    app.connect("doctree-resolved", _resolve_cards)
    app.connect("build-finished", _lesson_page, priority=800)  # before the thumbnails, which show it
    app.connect("build-finished", _write_thumbnails, priority=900)  # after the other extensions' files
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
