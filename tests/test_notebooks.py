"""Checks on the committed notebooks that nbval itself does not make, in both editions.

nbval re-runs every notebook and compares outputs, but it silently skips a code cell committed
unexecuted. These tests catch that, and hold the series to its conventions (shared/DESIGN.md):
a main line that fits one sitting, figures and sliders drawn in view, exercises that never show
an answer until asked, no test scaffolding in the learner's way, a first cell that helps anywhere.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"en": ROOT / "notebooks", "ko": ROOT / "notebooks" / "ko"}
SERIES = {lang: sorted(folder.glob("[0-9][0-9]_*.ipynb")) for lang, folder in EDITIONS.items()}
NOTEBOOKS = SERIES["en"] + SERIES["ko"]
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]
README = {"en": ROOT / "README.md", "ko": ROOT / "README.ko.md"}
# main-line words (Markdown outside Deep dives and exercises): the chapter's own length, in one sitting a notebook
BUDGET = {"00": 800, "06": 1800}
BUDGET_DEFAULT, BUDGET_SERIES = 1400, 10_000
DEEP_DIVE = re.compile(r"#{1,2} (Deep dive|심화):")
EXERCISES = re.compile(r"#{1,2} (Exercises|연습 문제)")
NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "nbval-raises-exception", "nbval-check-output"}
DRAWS = re.compile(r"\b(plt|ax|axes|fig|ax\d|ax_\w+)\.\w+\(")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def hidden(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def regions(nb: dict) -> list[tuple[str, dict]]:
    """Each cell with where it stands: "main", "deep" (inside a Deep dive) or "exercises"."""
    region, out = "main", []
    for cell in nb["cells"]:
        heading = re.match(r"#{1,2} ", source(cell).lstrip()) if cell["cell_type"] == "markdown" else None
        if heading:
            text = source(cell).lstrip()
            region = "deep" if DEEP_DIVE.match(text) else "exercises" if EXERCISES.match(text) else region
            if region == "deep" and not DEEP_DIVE.match(text):
                region = "main"
        out.append((region, cell))
    return out


def main_line_words(nb: dict) -> int:
    texts = [source(c) for region, c in regions(nb) if region == "main" and c["cell_type"] == "markdown"]
    return sum(len(re.sub(r"\$\$.*?\$\$", " ", t, flags=re.S).split()) for t in texts)


def test_there_are_notebooks():
    for lang, series in SERIES.items():
        assert series, f"no notebooks found in {EDITIONS[lang]}"
        assert series[0].name == "00_index.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_executed_top_to_bottom_without_errors(path):
    cells = [c for c in code_cells(load(path)) if source(c).strip()]
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, f"{path.name}: code cell {counts.index(None) + 1} was committed unexecuted"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; re-run it top to bottom in a fresh kernel "
        "(jupyter nbconvert --to notebook --execute --inplace)"
    )
    for i, cell in enumerate(cells, 1):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: code cell {i} was committed with an error"
            if out.get("name") == "stderr":
                text = "".join(out["text"])
                assert "Traceback" not in text and "Warning" not in text, f"{path.name}: cell {i} stderr: {text[:200]}"


@pytest.mark.parametrize("path", SERIES["en"], ids=[p.name for p in SERIES["en"]])
def test_the_main_line_fits_one_sitting(path):
    words, budget = main_line_words(load(path)), BUDGET.get(path.name[:2], BUDGET_DEFAULT)
    assert words <= budget, (
        f"{path.name}: {words} words of main-line prose, over its {budget}: cut, or move what goes beyond the "
        "chapter under a collapsed '## Deep dive: ...' heading"
    )


def test_the_series_is_about_as_long_as_the_chapter():
    words = {p.name: main_line_words(load(p)) for p in SERIES["en"]}
    assert sum(words.values()) <= BUDGET_SERIES, f"{sum(words.values())} main-line words in all: {words}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_deep_dives_are_collapsed(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown" and DEEP_DIVE.match(source(cell).lstrip()):
            assert cell.get("metadata", {}).get("jp-MarkdownHeadingCollapsed") is True, (
                f"{path.name}: cell {cell['id']}: a Deep dive heading must be collapsed "
                '(cell metadata "jp-MarkdownHeadingCollapsed": true)'
            )
            assert len(source(cell).strip().splitlines()) == 1, (
                f"{path.name}: cell {cell['id']}: a Deep dive heading cell must hold only its heading; "
                "collapsing hides the cells after it, not the rest of its own cell"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_test_scaffolding_in_view(path):
    """nbval markers are cell tags, never comments; no bare assert in a cell the learner sees and edits."""
    for i, cell in enumerate(code_cells(load(path)), 1):
        text = source(cell)
        assert "NBVAL" not in text.upper(), f"{path.name}: code cell {i}: use the nbval-... cell tag, not a comment"
        tags = {t for t in cell.get("metadata", {}).get("tags", []) if t.startswith("nbval")}
        assert tags <= NBVAL_TAGS, f"{path.name}: code cell {i}: unknown nbval tags {tags - NBVAL_TAGS}"
        if not hidden(cell):
            assert not re.search(r"^\s*assert\b", text, re.M), (
                f"{path.name}: code cell {i} asserts in view: a learner who edits a setting gets an AssertionError; "
                "check it in tests/ or in a hidden cell that says what changed"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_and_sliders_are_drawn_in_view(path):
    """The code of a figure is in its cell, or in a function the notebook defines; no dlfs.plots, no dlfs.widgets."""
    cells = code_cells(load(path))
    everything = "\n".join(source(c) for c in cells)
    assert not re.search(r"dlfs\.(plots|widgets)|from dlfs import .*\b(plots|widgets)\b", everything), (
        f"{path.name}: draws with dlfs.plots or dlfs.widgets; draw in the notebook"
    )
    defined = set(re.findall(r"^def (\w+)\(", everything, re.M))
    figures = [c for c in cells if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    in_view = [c for c in figures if DRAWS.search(source(c)) or any(re.search(rf"\b{f}\(", source(c)) for f in defined)]
    assert len(in_view) >= 0.8 * len(figures), (
        f"{path.name}: only {len(in_view)} of {len(figures)} figure cells draw in view or call a function defined here"
    )
    widgets = [
        c
        for c in cells
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.get("outputs", []))
    ]
    for cell in widgets:
        if re.search(r"Slider\(|interact", source(cell)) is None:
            continue
        assert re.search(r"\binteract(ive|_manual)?\b", everything), f"{path.name}: sliders must be built with interact"


# -- exercises (notebooks 01-06): a stub with its check, then hint and solution commented out; no answer in view --
EXERCISE_NOTEBOOKS = [p for p in NOTEBOOKS if "01" <= p.name[:2] <= "06"]
CHECK = re.compile(r"^check\(\s*[\"'](\d\d\.\w+)[\"']", re.M)


def outputs_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append("".join(out["text"]))
        elif "text/plain" in out.get("data", {}):
            parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "path", EXERCISE_NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in EXERCISE_NOTEBOOKS]
)
def test_exercises_hint_and_never_spoil(path):
    from dlfs.exercises import EXERCISES as KNOWN

    located = regions(load(path))
    assert sum(EXERCISES.match(source(c).lstrip()) is not None for _, c in located) == 1, (
        f"{path.name}: needs one '## Exercises' section"
    )
    code = [c for region, c in located if region == "exercises" and c["cell_type"] == "code"]
    stubs = [c for c in code if CHECK.search(source(c))]
    ids = [CHECK.search(source(c)).group(1) for c in stubs]
    assert len(set(ids)) >= 2, f"{path.name}: at least two checked exercises, found {ids}"
    assert {KNOWN[i].notebook for i in ids} == {path.name}, f"{path.name}: exercises of other notebooks: {ids}"
    assert "bug hunt" in {KNOWN[i].kind for i in ids}, f"{path.name}: its exercises need a bug hunt among them"
    for stub, ex_id in zip(stubs, ids, strict=True):
        after = code[code.index(stub) + 1]
        assert re.fullmatch(rf'# hint\("{ex_id}"\).*\n# solution\("{ex_id}"\).*\n?', source(after)), (
            f'{path.name}: {ex_id}: the stub must be followed by a cell with # hint("{ex_id}") and '
            f'# solution("{ex_id}"), commented out'
        )
        assert re.search(r"not yet|아직", outputs_text(stub)), f"{path.name}: {ex_id}'s stub must say 'not yet'"
    for cell in code:
        assert not hidden(cell), f"{path.name}: a hidden cell among the exercises (a solution in view after Run All?)"
        assert not re.search(r"^\s*(hint|solution)\(", source(cell), re.M), (
            f"{path.name}: hint()/solution() called in a committed cell; leave them commented out"
        )
        assert not re.search(r"right!|정답입니다|✓", outputs_text(cell)), f"{path.name}: an answer shows in an output"


# -- the first code cell helps anywhere -----------------------------------------------------------------------------
FIRST_CELL_RUNNER = """
import importlib.abc, json, sys
class Missing(importlib.abc.MetaPathFinder):  # as if this Python had no dlfs, or PyPI's unrelated dlfs
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "dlfs":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
from IPython.terminal.interactiveshell import TerminalInteractiveShell
shell = TerminalInteractiveShell.instance(colors="nocolor")
for cell in json.load(sys.stdin):  # every notebook's first cell, one after another, each followed by a marker
    shell.run_cell(cell)
    print("@@@ end of cell @@@", flush=True)
"""


@pytest.fixture(scope="module")
def first_cells_without_dlfs() -> dict[Path, str]:
    """What each notebook's first code cell prints in IPython when dlfs cannot be imported (one process for all)."""
    cells = [source(code_cells(load(path))[0]) for path in NOTEBOOKS]
    run = subprocess.run(
        [sys.executable, "-c", FIRST_CELL_RUNNER], input=json.dumps(cells), capture_output=True, text=True, timeout=300
    )
    said = run.stdout.split("@@@ end of cell @@@")
    assert len(said) == len(NOTEBOOKS) + 1, f"the runner stopped early:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    return dict(zip(NOTEBOOKS, said, strict=False))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_first_code_cell_says_what_to_do_when_dlfs_is_missing(path, first_cells_without_dlfs):
    said = first_cells_without_dlfs[path]
    assert "Error" not in said and "Traceback" not in said and "make lab" in said and "pip install -e ." in said, (
        f"{path.name}: without dlfs the first cell printed:\n{said}"
    )
    assert "No module named 'dlfs" in said and "pip install dlfs" in said


# -- the series hangs together --------------------------------------------------------------------------------------
def series_of(path: Path) -> list[Path]:
    return SERIES["ko"] if path.parent == EDITIONS["ko"] else SERIES["en"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_ends_with_links_to_index_and_neighbours(path):
    nb = load(path)
    last = source(nb["cells"][-1])
    assert nb["cells"][-1]["cell_type"] == "markdown", f"{path.name} must end with a navigation cell"
    series = series_of(path)
    i = series.index(path)
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", last)
    assert all("/" not in link for link in links), f"{path}: the navigation links leave its edition's folder: {links}"
    expected = {"00_index.ipynb"} - {path.name} | {p.name for p in series[max(i - 1, 0) : i + 2]} - {path.name}
    assert expected <= set(links), f"{path.name}: the last cell does not link {sorted(expected - set(links))}"


@pytest.mark.parametrize("lang", sorted(EDITIONS))
def test_index_and_readme_list_every_notebook(lang):
    index = json.dumps(load(EDITIONS[lang] / "00_index.ipynb"), ensure_ascii=False)
    readme = README[lang].read_text(encoding="utf-8")
    for path in SERIES[lang][1:]:
        assert path.name in index, f"{lang} 00_index.ipynb does not link {path.name}"
        assert path.name in readme, f"{README[lang].name}'s notebook table does not list {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_bold_and_emphasis_in_markdown_cells_render(path):
    """``**손실 함수(loss function)**을`` shows its asterisks: a closing ** after ")" and before Hangul does not close.

    Rendered with cmark-gfm (GitHub's renderer; JupyterLab's follows the same CommonMark rule).
    """
    import cmarkgfm

    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        html = cmarkgfm.github_flavored_markdown_to_html(source(cell))
        text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.S)
        text = re.sub(r"\$[^$]*\$", "", text)  # mathematics (e.g. x**2 inside $...$) is not Markdown
        assert "**" not in text, (
            f"{path.name}: cell {cell.get('id')}: bold that does not render: {source(cell)[:160]!r}"
        )


def test_no_sys_path_hacks():
    files = list((ROOT / "dlfs").rglob("*.py")) + NOTEBOOKS + list((ROOT / "benchmarks").glob("*.py"))
    for path in files:
        assert "sys.path" not in path.read_text(encoding="utf-8"), f"{path.name} edits sys.path; import from dlfs"
