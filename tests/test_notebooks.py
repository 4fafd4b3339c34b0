"""Checks on the committed notebooks that nbval itself does not make.

nbval re-runs every notebook and compares outputs, but it silently skips comparing a
code cell that was committed unexecuted, and it ignores a `# NBVAL_IGNORE_OUTPUT` marker
that has other text on its line. These tests catch both, keep the series linked, and check
that notebooks 01-06 end with checked exercises. They cover both editions: notebooks/ and
the Korean notebooks/ko/.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"en": ROOT / "notebooks", "ko": ROOT / "notebooks" / "ko"}
SERIES = {lang: sorted(folder.glob("[0-9][0-9]_*.ipynb")) for lang, folder in EDITIONS.items()}
NOTEBOOKS = SERIES["en"] + SERIES["ko"]
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]
README = {"en": ROOT / "README.md", "ko": ROOT / "README.ko.md"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def test_there_are_notebooks():
    for lang, series in SERIES.items():
        assert series, f"no notebooks found in {EDITIONS[lang]}"
        assert series[0].name == "00_index.ipynb"


def series_of(path: Path) -> list[Path]:
    return SERIES["ko"] if path.parent == EDITIONS["ko"] else SERIES["en"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_executed_top_to_bottom(path):
    counts = [c["execution_count"] for c in code_cells(load(path)) if source(c).strip()]
    assert None not in counts, f"{path.name}: code cell {counts.index(None) + 1} was committed unexecuted"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; re-run it top to bottom in a fresh kernel "
        "(jupyter nbconvert --to notebook --execute --inplace)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_error_outputs_committed(path):
    for i, cell in enumerate(code_cells(load(path)), 1):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: code cell {i} was committed with an error"
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                text = "".join(out["text"])
                assert "Traceback" not in text and "Warning" not in text, f"{path.name}: cell {i} stderr: {text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbval_markers_are_alone_on_their_line_and_followed_by_a_check(path):
    cells = code_cells(load(path))
    for i, cell in enumerate(cells):
        text = source(cell)
        for line in text.splitlines():
            if "NBVAL_" in line:
                assert line.strip() in {"# NBVAL_IGNORE_OUTPUT", "# NBVAL_RAISES_EXCEPTION"}, (
                    f"{path.name}: code cell {i + 1}: nbval ignores a marker with other text on its line: {line!r}"
                )
        if "# NBVAL_IGNORE_OUTPUT" in text.splitlines():
            later = [source(c) for c in cells[i + 1 : i + 3]]
            assert any(re.search(r"^\s*assert\b", s, re.M) for s in [text] + later), (
                f"{path.name}: code cell {i + 1} ignores its output but neither it nor the next cells assert anything"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_ends_with_links_to_index_and_neighbours(path):
    nb = load(path)
    last = source(nb["cells"][-1])
    assert nb["cells"][-1]["cell_type"] == "markdown", f"{path.name} must end with a navigation cell"
    series = series_of(path)
    i = series.index(path)
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", last)
    assert all("/" not in link for link in links), f"{path}: the navigation links leave its edition's folder: {links}"
    if path.name != "00_index.ipynb":
        assert "00_index.ipynb" in links, f"{path.name}: last cell does not link back to the index"
    if i > 0:
        assert series[i - 1].name in links, f"{path.name}: last cell does not link to {series[i - 1].name}"
    if i + 1 < len(series):
        assert series[i + 1].name in links, f"{path.name}: last cell does not link to {series[i + 1].name}"


@pytest.mark.parametrize("lang", sorted(EDITIONS))
def test_index_and_readme_list_every_notebook(lang):
    index = json.dumps(load(EDITIONS[lang] / "00_index.ipynb"), ensure_ascii=False)
    readme = README[lang].read_text(encoding="utf-8")
    for path in SERIES[lang][1:]:
        assert path.name in index, f"{lang} 00_index.ipynb does not link {path.name}"
        assert path.name in readme, f"{README[lang].name}'s notebook table does not list {path.name}"


# -- exercises (notebooks 01-06) ----------------------------------------------------------------
EXERCISE_NOTEBOOKS = [p for p in NOTEBOOKS if "01" <= p.name[:2] <= "06"]


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
def test_notebook_ends_with_checked_exercises(path):
    from dlfs.exercises import EXERCISES

    cells = load(path)["cells"]
    headings = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and re.match(r"## (Exercises \(연습 문제\)|연습 문제 \(Exercises\))", source(c))
    ]
    assert len(headings) == 1, f"{path.name}: needs one '## Exercises (연습 문제)' section"
    code = [c for c in cells[headings[0] :] if c["cell_type"] == "code"]
    checked = [c for c in code if re.search(r"\bcheck\(\s*[\"']\d\d\.\w+", source(c))]
    stubs = [c for c in checked if not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    solutions = [c for c in checked if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    ids = [re.search(r"\bcheck\(\s*[\"'](\d\d\.\w+)", source(c)).group(1) for c in stubs]
    assert len(set(ids)) >= 2, f"{path.name}: at least two checked exercises, found {ids}"
    kinds = {EXERCISES[i].kind for i in ids}
    assert "bug hunt" in kinds, f"{path.name}: its exercises need a bug hunt among them ({kinds})"
    for ex_id in ids:
        assert EXERCISES[ex_id].notebook == path.name, f"{path.name}: {ex_id} belongs to {EXERCISES[ex_id].notebook}"
    for stub in stubs:
        after = code[code.index(stub) + 1]
        ex_id = re.search(r"\bcheck\(\s*[\"'](\d\d\.\w+)", source(stub)).group(1)
        assert after in solutions and ex_id in re.findall(r"\bcheck\(\s*[\"'](\d\d\.\w+)", source(after)), (
            f"{path.name}: the stub of {ex_id} is not followed by its hidden-source solution cell"
        )
        assert re.match(r"# (Solution|풀이)", source(after)), f"{path.name}: {ex_id}'s solution cell must say so first"
        assert re.search(r"not yet|아직입니다", outputs_text(stub)), f"{path.name}: {ex_id}'s stub must print 'not yet'"
        assert re.search(r"right!|정답입니다", outputs_text(after)), f"{path.name}: {ex_id}'s solution must pass"


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
        assert "sys.path" not in path.read_text(encoding="utf-8"), (
            f"{path.name} edits sys.path; import from dlfs instead"
        )
