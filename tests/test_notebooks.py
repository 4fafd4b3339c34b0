"""Checks on the committed notebooks that nbval itself does not make.

nbval re-runs every notebook and compares outputs, but it silently skips comparing a
code cell that was committed unexecuted, and it ignores a `# NBVAL_IGNORE_OUTPUT` marker
that has other text on its line. These tests catch both, and keep the series linked.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert NOTEBOOKS[0].name == "00_index.ipynb"


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
    i = NOTEBOOKS.index(path)
    if path.name != "00_index.ipynb":
        assert "00_index.ipynb" in last, f"{path.name}: last cell does not link back to the index"
    if i > 0:
        assert NOTEBOOKS[i - 1].name in last, f"{path.name}: last cell does not link to {NOTEBOOKS[i - 1].name}"
    if i + 1 < len(NOTEBOOKS):
        assert NOTEBOOKS[i + 1].name in last, f"{path.name}: last cell does not link to {NOTEBOOKS[i + 1].name}"


def test_index_and_readme_list_every_notebook():
    index = json.dumps(load(ROOT / "notebooks" / "00_index.ipynb"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS[1:]:
        assert path.name in index, f"00_index.ipynb does not link {path.name}"
        assert path.name in readme, f"README.md's notebook table does not list {path.name}"


def test_no_sys_path_hacks():
    files = list((ROOT / "dlfs").glob("*.py")) + NOTEBOOKS + list((ROOT / "benchmarks").glob("*.py"))
    for path in files:
        assert "sys.path" not in path.read_text(encoding="utf-8"), (
            f"{path.name} edits sys.path; import from dlfs instead"
        )
