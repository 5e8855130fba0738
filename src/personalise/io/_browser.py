"""Render an HTML page in a headless Chromium-family browser (for the test suite and the docs build).

The library never needs a browser; its pages are plain HTML. The tests and
the documentation use this to look at a page as a reader would: a
screenshot, the layout boxes of chosen elements, and a print to PDF.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from personalise._validation import parse_json

__all__ = ["BROWSERS", "find_browser", "layout", "print_pdf", "screenshot"]

#: Executable names tried, in order (Debian's package installs ``chromium``).
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--font-render-hinting=none",
          "--force-device-scale-factor=1")


def find_browser() -> str | None:
    """The path of a Chromium-family browser (``PERSONALISE_CHROMIUM`` first), or None."""
    given = os.environ.get("PERSONALISE_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else shutil.which(given)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, arguments: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="personalise-browser-") as profile:
        command = [browser, *_FLAGS, f"--user-data-dir={profile}", *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{os.path.basename(browser)} exited with {done.returncode}: {' | '.join(tail)}")
    return done


def screenshot(browser: str, page: Path, png: Path, *, width: int, height: int, timeout: float = 60) -> Path:
    """A PNG of ``page`` in a ``width`` x ``height`` window (the part of the page that fits)."""
    _run(browser, [f"--window-size={width},{height}", f"--screenshot={png}", page.resolve().as_uri()],
         timeout=timeout)
    if not png.exists():
        raise RuntimeError(f"{os.path.basename(browser)} wrote no screenshot to {png}")
    return png


def print_pdf(browser: str, page: Path, pdf: Path, *, timeout: float = 60) -> Path:
    """``page`` printed to PDF, as the browser's print dialogue would (the page's own ``@page`` size)."""
    _run(browser, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()], timeout=timeout)
    if not pdf.exists():
        raise RuntimeError(f"{os.path.basename(browser)} wrote no PDF to {pdf}")
    return pdf


_PROBE = """<script>
addEventListener("load", () => {
  const boxes = [...document.querySelectorAll(%s)].map(e => {
    const r = e.getBoundingClientRect();
    return {text: e.innerText, left: r.left + scrollX, top: r.top + scrollY, width: r.width, height: r.height};
  });
  const out = document.createElement("pre");
  out.id = "personalise-layout";
  out.textContent = JSON.stringify({boxes, scrollWidth: document.documentElement.scrollWidth,
                                    scrollHeight: document.documentElement.scrollHeight});
  document.body.appendChild(out);
});
</script>"""


def layout(browser: str, html: str, selector: str, *, width: int, height: int, timeout: float = 60) -> dict[str, Any]:
    """The laid-out boxes of the elements matching ``selector``, in CSS pixels of a ``width`` window.

    A copy of the page gets a small script (the page itself has none) that
    measures each element after load; the browser's serialised DOM carries
    the result back. Returns ``{"boxes": [{text, left, top, width, height}],
    "scrollWidth": ..., "scrollHeight": ...}``.
    """
    probe = _PROBE % json.dumps(selector)
    instrumented = html.replace("</body>", probe + "</body>", 1)
    with tempfile.TemporaryDirectory(prefix="personalise-layout-") as folder:
        path = Path(folder) / "page.html"
        path.write_text(instrumented, encoding="utf-8")
        done = _run(browser, [f"--window-size={width},{height}", "--virtual-time-budget=5000", "--dump-dom",
                              path.as_uri()], timeout=timeout)
    start = done.stdout.find('<pre id="personalise-layout">')
    if start < 0:
        raise RuntimeError("the browser's DOM has no layout probe: the page did not load")
    body = done.stdout[start + len('<pre id="personalise-layout">'):]
    import html as entities

    return dict(parse_json(entities.unescape(body[: body.index("</pre>")]), "the browser's layout probe"))
