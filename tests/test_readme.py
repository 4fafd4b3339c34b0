"""README.md and README.ko.md as GitHub shows them, and the versions README.md says were tested.

GitHub renders Markdown with cmark-gfm; cmarkgfm is that C library's Python binding, so a
table that falls apart here falls apart on the project's front page (an HTML comment between
two rows, for example, ends the table and shows the later rows as raw pipes).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from test_packaging import lock_python, lock_versions, pyproject_packages

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# each README and the notebooks its table must list: the English one the English edition, the Korean one
# the Korean edition
READMES = {
    "README.md": {f"notebooks/{p.name}" for p in NOTEBOOKS},
    "README.ko.md": {f"notebooks/ko/{p.name}" for p in NOTEBOOKS},
}

# how the README names each tested package, and its name in the lock
TESTED = {"numpy": "numpy", "matplotlib": "matplotlib", "JupyterLab": "jupyterlab", "ipywidgets": "ipywidgets"}
FLOORED = {"numpy": "numpy", "matplotlib": "matplotlib", "tqdm": "tqdm", "ipywidgets": "ipywidgets"}


def render(markdown: str) -> str:
    # GitHub keeps raw HTML (and sanitizes it afterwards); UNSAFE keeps it here too instead of replacing it
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


class Page(HTMLParser):
    """The tables of a rendered page (rows of cells, each cell its text and link targets) and its paragraphs."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[list[list[dict]]] = []
        self.paragraphs: list[str] = []
        self._cell: dict | None = None
        self._paragraph: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = {"text": "", "links": []}
            self.tables[-1][-1].append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(dict(attrs).get("href", ""))
        elif tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append("".join(self._paragraph))
            self._paragraph = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        if self._paragraph is not None:
            self._paragraph.append(data)


def notebook_links(row: list[dict]) -> set[str]:
    return {link for cell in row for link in cell["links"] if link.endswith(".ipynb")}


def stray_rows(page: Page) -> list[str]:
    """Paragraphs that are table rows which fell out of their table (shown on GitHub as raw pipes)."""
    return [p for p in page.paragraphs if p.lstrip().startswith("|")]


def readme_text() -> str:
    # one line: the sentences below may wrap anywhere in the Markdown source
    return " ".join(README.read_text(encoding="utf-8").split())


def test_the_check_sees_a_table_broken_by_an_html_comment():
    # the failure this file guards against, on a tiny table: rendered, the third row is a paragraph of pipes
    broken = Page(render("| a | b |\n|---|---|\n| 1 | 2 |\n<!-- rows -->\n| 3 | 4 |\n"))
    assert len(broken.tables) == 1 and len(broken.tables[0]) == 2
    assert stray_rows(broken) == ["| 3 | 4 |"]
    whole = Page(render("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"))
    assert len(whole.tables[0]) == 3 and not stray_rows(whole)


@pytest.mark.parametrize("name", sorted(READMES))
def test_the_notebook_table_is_one_table_with_a_row_for_every_notebook(name):
    page = Page(render((ROOT / name).read_text(encoding="utf-8")))
    assert not stray_rows(page), f"{name}: table rows that GitHub shows as raw text: {stray_rows(page)}"
    wanted = READMES[name]
    tables = [t for t in page.tables if any(notebook_links(row) & wanted for row in t)]
    assert len(tables) == 1, f"{name}: the notebooks are listed in {len(tables)} tables; keep them in one"
    rows = [notebook_links(row) & wanted for row in tables[0]]
    listed = set().union(*rows)
    assert listed == wanted, f"{name}'s notebook table has no row for {sorted(wanted - listed)}"
    assert all(len(r) <= 1 for r in rows), f"{name}: one row per notebook"


@pytest.mark.parametrize("name", sorted(READMES))
def test_bold_and_emphasis_render(name):
    """A closing ** after ")" and before Hangul does not close (CommonMark's flanking rule): no stray asterisks."""
    html = render((ROOT / name).read_text(encoding="utf-8"))
    text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.S)
    assert "**" not in text, f"{name}: bold that does not render: ...{text[text.index('**') - 40 :][:80]}..."


def test_the_two_readmes_link_each_other():
    assert "README.ko.md" in README.read_text(encoding="utf-8")
    assert "README.md" in (ROOT / "README.ko.md").read_text(encoding="utf-8").replace("README.ko.md", "")


def test_the_readme_states_the_locked_versions():
    text = readme_text()
    m = re.search(r"Tested with (.*?);", text)
    assert m, "README.md must say 'Tested with Python …, numpy …, matplotlib …, JupyterLab … and ipywidgets …;'"
    stated = dict(re.findall(r"(Python|numpy|matplotlib|JupyterLab|ipywidgets) (\d+(?:\.\d+)*)", m.group(1)))
    locked = lock_versions()
    expected = {"Python": lock_python()} | {shown: locked[name] for shown, name in TESTED.items()}
    assert stated == expected, f"README.md says it was tested with {stated}; requirements/lock.txt has {expected}"
    assert "requirements/lock.txt" in text, "README.md must point to the lock file"


def test_the_readme_states_the_lower_bounds_that_make_test_oldest_tests():
    text = readme_text()
    m = re.search(r"oldest versions it allows \((.*?)\)", text)
    assert m, "README.md must say 'the oldest versions it allows (numpy …, matplotlib …, tqdm … and ipywidgets …)'"
    stated = dict(re.findall(r"(numpy|matplotlib|tqdm|ipywidgets) (\d+(?:\.\d+)*)", m.group(1)))
    specs = pyproject_packages()
    expected = {shown: re.search(r">=([^,]+)", specs[name]).group(1) for shown, name in FLOORED.items()}
    assert stated == expected, f"README.md gives the lower bounds {stated}; pyproject.toml has {expected}"
