"""The Korean edition (notebooks/ko/) is complete and in step with the English notebooks.

- Every English notebook has a Korean twin and no Korean notebook lacks an English one.
- The twins run the same code: every code cell is the English cell's code, compared without
  comments (they may be translated); the only other differences allowed are in the first code cell:
  the language switch ``set_language("ko")`` where the English says "en", and its strings (the help
  printed when dlfs is missing is in the notebook's language).
- Every Markdown cell is translated and up to date (scripts/sync_ko.py marks cells whose
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

_spec = importlib.util.spec_from_file_location("sync_ko", ROOT / "scripts" / "sync_ko.py")
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
        assert sync_ko.same_code(source(a), source(b), first=i == 0), (
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
            "update the translation and run scripts/sync_ko.py --done"
        )
        assert mark.get("english") == sync_ko.digest(source(en[cell["id"]])), (
            f"{en_path.name}: markdown cell {cell.get('id')} does not record the English text it translates; "
            "run scripts/sync_ko.py"
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


# -- scripts/sync_ko.py never loses a translation -----------------------------------------------


def notebook(*cells: tuple[str, str, str]) -> dict:
    """A minimal nbformat 4.5 notebook from (id, cell_type, source) triples."""
    made = []
    for cell_id, kind, text in cells:
        cell = {"id": cell_id, "cell_type": kind, "metadata": {}, "source": text}
        if kind == "code":
            cell |= {"outputs": [], "execution_count": None}
        made.append(cell)
    return {"cells": made, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def translated(en: dict) -> dict:
    """A Korean twin of ``en`` with every Markdown cell translated and recorded as such."""
    ko, _ = sync_ko.sync_notebook(en, None)
    for cell in ko["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = "번역: " + source(cell)
    sync_ko.mark_done(en, ko)
    return ko


EN = notebook(
    ("t", "markdown", "# Title"), ("c", "code", 'x = 1  # one\nset_language("en")'), ("m", "markdown", "Text")
)


def test_sync_keeps_translations_and_translated_comments_and_marks_changed_english_outdated():
    ko = translated(EN)
    ko["cells"][1]["source"] = 'x = 1  # 하나\nset_language("ko")'
    again, changes = sync_ko.sync_notebook(EN, ko)
    assert changes == [] and again["cells"] == ko["cells"]
    en2 = notebook(("t", "markdown", "# Title"), ("c", "code", 'x = 2\nset_language("en")'), ("m", "markdown", "New"))
    updated, changes = sync_ko.sync_notebook(en2, ko)
    assert source(updated["cells"][0]) == "번역: # Title"
    assert source(updated["cells"][1]) == 'x = 2\nset_language("ko")', "changed code comes from English"
    assert source(updated["cells"][2]) == "번역: Text" and updated["cells"][2]["metadata"]["dlfs"]["outdated"]
    assert len(changes) == 2


def test_the_first_code_cell_may_differ_in_its_strings_only():
    assert sync_ko.same_code('raise E("missing")', 'raise E("없음")  # 주석', first=True)
    assert not sync_ko.same_code('raise E("missing")', 'raise E("없음")')
    assert not sync_ko.same_code('raise E("missing")', 'raise F("없음")', first=True)


def test_a_translation_whose_english_cell_got_a_new_id_is_never_dropped_silently():
    ko = translated(EN)
    renamed = notebook(
        ("t", "markdown", "# Title"), ("c", "code", 'x = 1\nset_language("en")'), ("m2", "markdown", "Text")
    )
    with pytest.raises(sync_ko.SyncError, match="m .*--prune"):
        sync_ko.sync_notebook(renamed, ko)
    pruned, changes = sync_ko.sync_notebook(renamed, ko, prune=True)
    assert [c["id"] for c in pruned["cells"]] == ["t", "c", "m2"] and "dropped Korean markdown cell m" in changes[-1]


@pytest.fixture
def editions(tmp_path, monkeypatch):
    en_dir = tmp_path / "notebooks"
    (en_dir / "ko").mkdir(parents=True)
    monkeypatch.setattr(sync_ko, "EN", en_dir)
    monkeypatch.setattr(sync_ko, "KO", en_dir / "ko")
    (en_dir / "01_a.ipynb").write_text(json.dumps(EN), encoding="utf-8")
    (en_dir / "ko" / "01_a.ipynb").write_text(json.dumps(translated(EN), ensure_ascii=False), encoding="utf-8")
    return en_dir


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda nb: [c.pop("id") for c in nb["cells"]], "no ids"),
        (lambda nb: nb["cells"][2].update(id="t"), "more than once"),
        (lambda nb: nb.pop("cells"), "not a notebook"),
    ],
)
def test_a_notebook_that_cannot_be_paired_is_refused_and_nothing_is_written(editions, capsys, damage, message):
    nb = json.loads((editions / "01_a.ipynb").read_text())
    damage(nb)
    (editions / "01_a.ipynb").write_text(json.dumps(nb))
    before = (editions / "ko" / "01_a.ipynb").read_bytes()
    assert sync_ko.main([]) == 2
    assert message in capsys.readouterr().err
    assert (editions / "ko" / "01_a.ipynb").read_bytes() == before


def test_unreadable_json_and_unknown_names_are_refused(editions, capsys):
    assert sync_ko.main(["--check", "01_b.ipynb"]) == 2
    assert "no English notebook named ['01_b.ipynb']" in capsys.readouterr().err
    (editions / "01_a.ipynb").write_text("{not json")
    assert sync_ko.main(["--check"]) == 2
    assert "unreadable JSON" in capsys.readouterr().err


def test_check_reports_and_writes_nothing_then_sync_writes(editions, capsys):
    (editions / "01_a.ipynb").write_text(
        json.dumps(notebook(*[(c["id"], c["cell_type"], "changed") for c in EN["cells"]]))
    )
    before = (editions / "ko" / "01_a.ipynb").read_bytes()
    assert sync_ko.main(["--check"]) == 1
    assert (editions / "ko" / "01_a.ipynb").read_bytes() == before
    assert sync_ko.main([]) == 0 and sync_ko.main(["--check"]) == 0
    assert "marked outdated" in capsys.readouterr().out
