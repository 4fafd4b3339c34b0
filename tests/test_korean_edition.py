"""The Korean edition (notebooks/ko/) is complete and in step with the English notebooks.

- Every English notebook has a Korean twin and no Korean notebook lacks an English one.
- The twins run the same code: every code cell is the English cell's code, compared without
  comments (they may be translated); the only other difference allowed is the language
  switch ``set_language("ko")`` in the first code cell, where the English says "en".
- Every Markdown cell is translated and up to date (notebooks/sync_ko.py marks cells whose
  English changed) and is written in Korean.
- The twins link to each other at the top.

Fix a failure with ``make sync-ko`` (code), then translate what it marks.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KO = ROOT / "notebooks" / "ko"
HANGUL = re.compile(r"[\uac00-\ud7a3]")

_spec = importlib.util.spec_from_file_location("sync_ko", ROOT / "notebooks" / "sync_ko.py")
sync_ko = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_ko)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return sync_ko.source(cell)


def prose(text: str) -> str:
    """Markdown without code, math, links' targets, HTML and URLs: what a reader reads as words."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return text


def test_every_notebook_has_a_korean_twin_and_no_twin_is_orphaned():
    assert KO.is_dir(), "notebooks/ko/ is missing: run make sync-ko and translate"
    english = {p.name for p in NOTEBOOKS}
    korean = {p.name for p in KO.glob("*.ipynb")}
    assert english - korean == set(), f"no Korean twin for {sorted(english - korean)}"
    assert korean - english == set(), f"Korean notebooks without an English twin: {sorted(korean - english)}"


@pytest.mark.parametrize("en_path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_twins_run_the_same_code(en_path):
    en, ko = load(en_path), load(KO / en_path.name)
    en_code = [c for c in en["cells"] if c["cell_type"] == "code"]
    ko_code = [c for c in ko["cells"] if c["cell_type"] == "code"]
    counts = f"{len(en_code)} code cells in English, {len(ko_code)} in Korean"
    assert len(ko_code) == len(en_code), f"{en_path.name}: {counts}"
    for i, (a, b) in enumerate(zip(en_code, ko_code, strict=True)):
        assert a.get("id") == b.get("id"), f"{en_path.name}: code cell {i + 1} is out of order (ids differ)"
        assert sync_ko.same_code(source(a), source(b)), (
            f"{en_path.name}: code cell {i + 1} differs from the English one beyond comments; run make sync-ko"
        )
        switch = sync_ko.LANGUAGE_LINE["ko"] in source(b)
        assert switch == (i == 0 and sync_ko.LANGUAGE_LINE["en"] in source(a)), (
            f'{en_path.name}: code cell {i + 1}: set_language("ko") belongs in the first code cell only, '
            'where the English notebook says set_language("en")'
        )
    assert [c["cell_type"] for c in ko["cells"]] == [c["cell_type"] for c in en["cells"]], (
        f"{en_path.name}: the twins' cells are not in the same order"
    )


@pytest.mark.parametrize("en_path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_markdown_cell_is_translated_and_up_to_date(en_path):
    en = {c.get("id"): c for c in load(en_path)["cells"]}
    for cell in load(KO / en_path.name)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        mark = cell.get("metadata", {}).get("dlfs", {})
        assert not mark.get("untranslated"), f"{en_path.name}: markdown cell {cell.get('id')} is not translated yet"
        assert not mark.get("outdated"), (
            f"{en_path.name}: markdown cell {cell.get('id')}: its English text changed since it was translated; "
            "update the translation and run notebooks/sync_ko.py --done"
        )
        assert mark.get("english") == sync_ko.digest(source(en[cell["id"]])), (
            f"{en_path.name}: markdown cell {cell.get('id')} does not record the English text it translates; "
            "run notebooks/sync_ko.py"
        )
        words = prose(source(cell))
        latin = len(re.findall(r"[A-Za-z]{3,}", words))
        hangul = len(HANGUL.findall(words))
        if latin > 3:  # a cell of formulas, code or links alone has no prose to translate
            assert hangul > 2 * latin, (
                f"{en_path.name}: markdown cell {cell.get('id')} reads as English "
                f"({latin} English words, {hangul} Hangul letters): {source(cell)[:120]!r}"
            )


@pytest.mark.parametrize("en_path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_twins_link_to_each_other_at_the_top(en_path):
    first_en = source(load(en_path)["cells"][0])
    first_ko = source(load(KO / en_path.name)["cells"][0])
    assert f"(ko/{en_path.name})" in first_en, f"{en_path.name} does not link its Korean twin at the top"
    assert f"(../{en_path.name})" in first_ko, f"ko/{en_path.name} does not link its English twin at the top"


def test_the_korean_edition_is_korean_throughout():
    hangul = latin = 0
    for path in KO.glob("*.ipynb"):
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "markdown":
                words = prose(source(cell))
                hangul += len(HANGUL.findall(words))
                latin += sum(len(w) for w in re.findall(r"[A-Za-z]+", words))
    assert hangul > 2 * latin, f"the Korean notebooks' prose has {hangul} Hangul letters against {latin} Latin letters"


def test_a_figure_with_korean_text_is_caught():
    """The figure tests refuse Korean text in any figure (tests/figure_checks.py): the check itself can fail."""
    from figure_checks import no_korean_text
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().set_title("loss 손실 함수")
    with pytest.raises(AssertionError, match="Korean text in a figure"):
        no_korean_text(fig, "example")
    fig.axes[0].set_title("loss function")
    no_korean_text(fig, "example")
