"""Sphinx configuration for the personalise documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The build needs no network access: no intersphinx, and the theme
(pydata-sphinx-theme) ships its fonts and scripts. The tutorial notebooks are
executed on every build (myst-nb, with the local ``python3`` Jupyter kernel
from ipykernel), and an error in any cell fails the build; add ``-T`` to print
the failing cell and its traceback. The gallery page's thumbnails are drawn by
the library at the end of every build (the local extension ``_ext/gallery.py``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import personalise

sys.path.insert(0, str(Path(__file__).with_name("_ext")))  # local extensions: gallery, benchmark tables

# -- Project -----------------------------------------------------------------
project = "personalise"
author = "The personalise developers"
copyright = "The personalise developers"  # noqa: A001 - Sphinx's name
release = personalise.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",  # loads myst_parser for the .md pages and executes the notebooks
    "gallery",  # _ext/gallery.py: the gallery page, its thumbnails drawn by the library at build time
    "benchmark_tables",  # _ext/benchmark_tables.py: the performance page's tables, from benchmarks/results.json
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = False
language = "en"

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Notebooks (myst-nb) -----------------------------------------------------
# Plain .md pages stay plain MyST pages; a .md page with a ``kernelspec`` in its
# front matter (``file_format: mystnb``) is a text notebook and is executed.
nb_execution_mode = "force"  # run every notebook on every build: outputs always match the code
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_timeout = 120  # seconds per cell
nb_execution_in_temp = True  # notebooks cannot read or litter the docs folder
nb_merge_streams = True
nb_output_stderr = "warn"  # anything on stderr (a warning from a cell) is a build warning, an error under -W

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # types are in the numpydoc "Parameters" sections
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
toc_object_entries_show_parents = "hide"  # "On this page" of a class lists n_learners, not SimulationResult.n_learners
numpydoc_show_class_members = False  # members are documented by the class template
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"personalise {release}"
html_short_title = "personalise"
html_static_path = ["_static"]
html_css_files = ["personalise.css"]  # wide code, tables and outputs scroll in their box; the gallery grid
html_show_sourcelink = False
html_context = {"default_mode": "auto"}  # light or dark as the reader's system prefers; the switcher overrides
html_theme_options = {
    # the navbar: the title (html_title), search and the light/dark switcher; no links elsewhere
    "logo": {"text": html_title},
    "navbar_start": ["navbar-logo"],
    "navbar_center": [],
    "navbar_end": ["theme-switcher"],
    "navbar_persistent": ["search-button-field"],
    # the left sidebar: every page, grouped as in the toctrees of index.md (_templates/sidebar-nav-all.html)
    "navigation_depth": 2,
    "show_nav_level": 1,
    "collapse_navigation": False,
    # the right sidebar, "On this page": sections and subsections
    "secondary_sidebar_items": ["page-toc"],
    "show_toc_level": 2,
    "show_prev_next": True,
    "back_to_top_button": True,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"**": ["sidebar-nav-all"]}


# -- Keep the API reference complete -----------------------------------------
def _check_api_page(app: object) -> None:
    """Warn (an error under -W) when a public name is missing from its API page.

    ``personalise.__all__`` is listed in docs/api/index.rst and
    ``personalise.testing.__all__`` in docs/api/testing.rst; a page that
    lists a name its module does not export is an error too.
    """
    import importlib

    from sphinx.util import logging

    logger = logging.getLogger("personalise.docs")
    for module_name, page_name in (("personalise", "index"), ("personalise.testing", "testing")):
        module = importlib.import_module(module_name)
        page = Path(__file__).with_name("api") / f"{page_name}.rst"
        listed = set(re.findall(r"^\s{3,}~?(?:\w+\.)*(\w+)\s*$", page.read_text(encoding="utf-8"), re.M))
        public = {name for name in module.__all__ if name != "__version__"}
        for name in sorted(public - listed):
            logger.warning(
                "%s.%s is in %s.__all__ but not listed in docs/api/%s.rst; add it to an autosummary group there",
                module_name, name, module_name, page_name, location=f"api/{page_name}",
            )
        for name in sorted(listed - public):
            logger.warning(
                "docs/api/%s.rst lists %s, which is not in %s.__all__", page_name, name, module_name,
                location=f"api/{page_name}",
            )


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("builder-inited", _check_api_page)
    return {"parallel_read_safe": True}
