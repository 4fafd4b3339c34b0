"""The static site (make site) as a reader without internet sees it, in Debian's Chromium.

site/_build/html is served from 127.0.0.1; every other request is recorded and refused. For a few pages of
each edition the tests check what the page shows against the notebook it was built from: the math typeset,
every picture loaded, every internal link (the twin page's too) answering, the Deep dives collapsed, a line
in place of each slider, no test scaffolding, and nothing asked of any other host.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site" / "_build" / "html"
PAGES = [f"{edition}{name}" for edition in ("", "ko/") for name in ("00_index", "03_gradients", "04_gradient_descent")]
SLIDER_NOTE = {"": "Interactive: run this notebook in JupyterLab", "ko/": "대화형: 슬라이더를 움직이려면"}
TWIN_TEXT = {"": "한국어판 →", "ko/": "English →"}
DEEP_DIVE = re.compile(r"^## (Deep dive|심화):")
# what a widget looks like where it could not render: its repr, or the widget manager's messages
WIDGET_TEXT = re.compile(r"\w+\(children=|Loading widget|Error displaying widget")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(browser):
    """(base URL, a browser context that refuses every request not to that URL, the hosts it refused)."""
    if not (SITE / "index.html").exists():
        reason = f"the site is not built ({SITE} has no index.html); build it with `make site`"
        if os.environ.get("DLFS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=SITE))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    outside: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_site)
    yield base, context, outside
    context.close()
    server.shutdown()
    server.server_close()


@functools.cache
def notebook(name: str) -> dict:
    """What the page should show, from the notebook: cells as the site keeps them (hidden ones dropped)."""
    cells = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    shown = [c for c in cells if not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    outputs = [o for c in shown for o in c.get("outputs", [])]
    markdown = ["".join(c["source"]) for c in shown if c["cell_type"] == "markdown"]
    return {
        "code_cells": sum(c["cell_type"] == "code" and bool("".join(c["source"]).strip()) for c in shown),
        "hidden_cells": len(cells) - len(shown),
        "pictures": sum("image/png" in o.get("data", {}) for o in outputs),
        "sliders": sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs),
        "deep_dives": sum(bool(DEEP_DIVE.match(m)) for m in markdown),
        "has_math": any("$" in m for m in markdown),
    }


_visits: dict[str, dict] = {}


@pytest.fixture
def visit(site):
    """Function name -> what the page of notebook `name` shows (each page is loaded once per module)."""
    base, context, outside = site

    def load(name: str) -> dict:
        if name not in _visits:
            try:
                _visits[name] = read(name)
            except Exception as error:  # a page that failed to load fails its other tests at once, not after a wait
                _visits[name] = error
        if isinstance(_visits[name], Exception):
            raise _visits[name]
        return _visits[name]

    def read(name: str) -> dict:
        page = context.new_page()
        broken: list[str] = []
        page.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: r.url.startswith(base) and broken.append(f"failed {r.url}"))
        outside.clear()
        url = urllib.parse.urljoin(base, f"{name}.html")
        page.goto(url, wait_until="load")
        # MathJax (a deferred script: it has run by "load") typesets, then resolves this promise; it is
        # undefined where MathJax did not load (the tests then find the TeX untypeset)
        page.evaluate("() => window.MathJax?.startup?.promise")
        page.wait_for_load_state("networkidle")  # the fonts MathJax asked for
        facts = page.evaluate(
            """() => {
              const article = document.querySelector('article');
              const math = [...document.querySelectorAll('article .math')];
              return {
                text: article.innerText,
                math: math.length,
                untypeset: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
                images: [...document.images].map(i => ({src: i.currentSrc, ok: i.complete && i.naturalWidth > 0})),
                pictures: document.querySelectorAll('article .cell_output img').length,
                links: [...document.querySelectorAll('a[href]')].map(a => ({href: a.href, text: a.textContent.trim()})),
                code_cells: document.querySelectorAll('article div.cell').length,
                deep_dives: [...document.querySelectorAll('article details.deep-dive')].map(d => ({
                  title: d.querySelector(':scope > summary').innerText,
                  open: d.open,
                  content_visible: [...d.children].some(c => c.tagName !== 'SUMMARY' && c.checkVisibility()),
                })),
                headings: [...article.querySelectorAll('h1, h2, h3')].map(h => h.innerText),
                widgets: document.querySelectorAll(
                  'script[type="application/vnd.jupyter.widget-view+json"], .jupyter-widgets').length,
              };
            }"""
        )
        facts.update(url=url, broken=broken, outside=list(outside))
        page.close()
        return facts

    return load


def edition(name: str) -> str:
    return "ko/" if name.startswith("ko/") else ""


@pytest.mark.parametrize("name", PAGES)
def test_math_is_typeset(visit, name):
    shown = visit(name)
    assert not shown["untypeset"], f"{name}: math left as TeX (MathJax did not typeset it): {shown['untypeset']}"
    if notebook(name)["has_math"]:
        assert shown["math"] > 0, f"{name}: the notebook has $...$ math, the page none"
    assert "$$" not in shown["text"] and not re.search(r"\$\\|\\\(|\\\[", shown["text"]), f"{name}: raw TeX shown"


@pytest.mark.parametrize("name", PAGES)
def test_every_picture_and_file_loads(visit, name):
    shown = visit(name)
    assert not shown["broken"], f"{name}: requests that failed: {shown['broken']}"
    assert [i["src"] for i in shown["images"] if not i["ok"]] == [], f"{name}: pictures that did not load"
    assert shown["pictures"] == notebook(name)["pictures"], f"{name}: not every figure of the notebook is on the page"


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_resolves_and_the_twin_page_is_linked(visit, name, site):
    base = site[0]
    shown = visit(name)
    twin = urllib.parse.urljoin(base, f"{name.removeprefix('ko/') if edition(name) else 'ko/' + name}.html")
    assert [a["href"] for a in shown["links"] if a["text"] == TWIN_TEXT[edition(name)]] == [twin], (
        f"{name}: the link {TWIN_TEXT[edition(name)]!r} should lead to {twin}"
    )
    internal = {a["href"] for a in shown["links"] if a["href"].startswith(base)}
    assert len(internal) > 10, f"{name}: only {len(internal)} internal links (no navigation?)"
    bad = []
    for href in sorted(internal):
        target, _, anchor = href.partition("#")
        html = page_text(target)
        if html is None:
            bad.append(f"{href}: no page")
        elif anchor and f'id="{urllib.parse.unquote(anchor)}"' not in html:
            bad.append(f"{href}: no element with id {anchor!r}")
    assert not bad, f"{name}: links that lead nowhere:\n" + "\n".join(bad)


@functools.cache
def page_text(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", errors="replace") if response.status == 200 else None
    except urllib.error.HTTPError:
        return None


@pytest.mark.parametrize("name", PAGES)
def test_deep_dives_are_collapsed(visit, name):
    dives = visit(name)["deep_dives"]
    assert len(dives) == notebook(name)["deep_dives"], f"{name}: {len(dives)} collapsed Deep dives on the page"
    for dive in dives:
        assert not dive["open"] and not dive["content_visible"], f"{name}: Deep dive shown open: {dive['title']}"
    shown_as_heading = [h for h in visit(name)["headings"] if re.match(r"(Deep dive|심화):", h)]
    assert not shown_as_heading, f"{name}: Deep dives shown as plain headings: {shown_as_heading}"


@pytest.mark.parametrize("name", PAGES)
def test_a_line_on_how_to_run_each_slider_and_no_broken_widget(visit, name):
    shown = visit(name)
    assert shown["widgets"] == 0, f"{name}: a widget view (it cannot work without a kernel) is on the page"
    assert not WIDGET_TEXT.findall(shown["text"]), (
        f"{name}: widget placeholder text: {WIDGET_TEXT.findall(shown['text'])}"
    )
    notes = shown["text"].count(SLIDER_NOTE[edition(name)])
    assert notes == notebook(name)["sliders"], f"{name}: {notes} lines on how to run the sliders, expected one a slider"


@pytest.mark.parametrize("name", PAGES)
def test_no_test_scaffolding(visit, name):
    shown, expected = visit(name), notebook(name)
    assert shown["code_cells"] == expected["code_cells"], (
        f"{name}: {shown['code_cells']} code cells on the page; the notebook shows {expected['code_cells']} "
        f"(its {expected['hidden_cells']} hidden guard cells must not be on the page)"
    )
    markers = re.findall(r".*nbval.*", shown["text"], re.I)
    assert not markers, f"{name}: nbval markers shown on the page (make them cell tags): {markers}"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_requested_from_outside(visit, name):
    assert visit(name)["outside"] == [], f"{name}: the page asked other hosts (refused): {visit(name)['outside']}"


def test_the_landing_page_links_both_editions(site):
    base = site[0]
    html = page_text(urllib.parse.urljoin(base, "index.html"))
    assert html is not None, "site/_build/html/index.html does not answer"
    for edition_index in ("00_index.html", "ko/00_index.html"):
        assert f'href="{edition_index}"' in html, f"index.html does not link {edition_index}"
        assert page_text(urllib.parse.urljoin(base, edition_index)) is not None, f"{edition_index} does not answer"
