"""Keep the Korean edition (notebooks/ko/) in step with the English notebooks.

Usage (from the top folder; ``make sync-ko`` runs it)::

    .venv/bin/python notebooks/sync_ko.py            # update notebooks/ko/ from notebooks/
    .venv/bin/python notebooks/sync_ko.py --check    # only report what differs; exit 1 if anything does
    .venv/bin/python notebooks/sync_ko.py 03_gradients.ipynb        # one notebook only
    .venv/bin/python notebooks/sync_ko.py --done 03_gradients.ipynb # after translating it

The two editions share their code: every code cell of ``notebooks/ko/NN_name.ipynb`` is the code
of the same cell of ``notebooks/NN_name.ipynb``. Cells are paired by their cell ids. For every
English cell, in the English order, the Korean notebook gets:

* a code cell: the English code. If the Korean cell already holds the same code — compared
  without comments, so translated comments stay — it is kept with its outputs; otherwise it is
  replaced and its outputs cleared (re-execute the Korean notebook afterwards). The one line
  that may differ is the language switch ``set_language("en")`` / ``set_language("ko")``.
* a Markdown cell: the Korean cell with the same id, untouched. An English Markdown cell with no
  Korean twin yet is copied in English and marked ``"dlfs": {"untranslated": true}`` in its
  metadata. Every Korean Markdown cell records the English text it translates as a digest,
  ``"dlfs": {"english": "<sha256 prefix>"}``; when the English cell changes later, the Korean
  cell is marked ``"outdated": true`` (and the new English text is stored beside it, under
  ``"dlfs": {"english_text": ...}``, for the translator). After translating or updating a cell,
  remove ``untranslated``/``outdated`` (``--done NN_name.ipynb`` does it for a whole notebook and
  refreshes the digests). tests/test_korean_edition.py fails while any cell is untranslated or
  outdated.

Korean cells whose English twin is gone are dropped (their ids are printed).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import sys
import tokenize
from pathlib import Path

HERE = Path(__file__).resolve().parent
KO = HERE / "ko"
LANGUAGE_LINE = {"en": 'set_language("en")', "ko": 'set_language("ko")'}


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def code_tokens(code: str) -> list[tuple[int, str]]:
    """The code's tokens without comments and layout, so translated comments compare equal.

    IPython magics (``%matplotlib inline``) are not Python; they are compared as text.
    """
    lines = []
    for line in code.splitlines():
        stripped = line.strip()
        if stripped.startswith("%") or stripped.startswith("!"):
            lines.append(f"__magic__({stripped!r})")
        else:
            lines.append(line.replace(LANGUAGE_LINE["ko"], LANGUAGE_LINE["en"]))
    text = "\n".join(lines) + "\n"
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    try:
        return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in skip]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [(0, text)]


def same_code(en: str, ko: str) -> bool:
    """True when ``ko`` is ``en`` up to comments, layout and the language line."""
    return code_tokens(en) == code_tokens(ko)


def digest(text: str) -> str:
    """A short fingerprint of an English Markdown cell's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def korean_code(en: str) -> str:
    """The English code with its language switch set to Korean."""
    return en.replace(LANGUAGE_LINE["en"], LANGUAGE_LINE["ko"])


def sync_notebook(en_path: Path, ko_path: Path) -> tuple[dict, list[str]]:
    """The updated Korean notebook and a list of what changed."""
    en = json.loads(en_path.read_text(encoding="utf-8"))
    ko = json.loads(ko_path.read_text(encoding="utf-8")) if ko_path.exists() else None
    changes = [] if ko is not None else ["created"]
    ko_cells = {c.get("id"): c for c in (ko or {"cells": []})["cells"]}
    cells = []
    for cell in en["cells"]:
        twin = ko_cells.pop(cell.get("id"), None)
        if cell["cell_type"] == "code":
            if twin is not None and twin["cell_type"] == "code" and same_code(source(cell), source(twin)):
                cells.append(twin)
                continue
            new = copy.deepcopy(cell)
            new["source"] = korean_code(source(cell)).splitlines(keepends=True)
            new["outputs"], new["execution_count"] = [], None
            cells.append(new)
            changes.append(f"code cell {cell.get('id')} copied from English (re-execute)")
        elif twin is not None and twin["cell_type"] == cell["cell_type"] and not _untranslated(twin):
            mark = twin.setdefault("metadata", {}).setdefault("dlfs", {})
            if mark.get("english") != digest(source(cell)) and not mark.get("untranslated"):
                if not mark.get("outdated") or mark.get("english_text") != source(cell):
                    changes.append(f"markdown cell {cell.get('id')}: the English text changed; marked outdated")
                mark["outdated"], mark["english_text"] = True, source(cell)
            cells.append(twin)
        else:  # not translated yet: (re)copy the current English text
            new = copy.deepcopy(cell)
            new.setdefault("metadata", {})["dlfs"] = {"untranslated": True, "english": digest(source(cell))}
            cells.append(new)
            if twin is None or source(twin) != source(cell):
                changes.append(f"{cell['cell_type']} cell {cell.get('id')}: copied in English, marked untranslated")
    changes += [f"dropped Korean cell {cell_id} (no English twin)" for cell_id in ko_cells]
    result = copy.deepcopy(ko) if ko is not None else copy.deepcopy(en)
    result["cells"] = cells
    result["metadata"] = copy.deepcopy(en["metadata"]) | {"language_info": en["metadata"].get("language_info", {})}
    return result, changes


def mark_done(en_path: Path, ko_path: Path) -> list[str]:
    """Mark every Markdown cell of the Korean notebook translated and up to date with its English twin."""
    en = {c.get("id"): c for c in json.loads(en_path.read_text(encoding="utf-8"))["cells"]}
    ko = json.loads(ko_path.read_text(encoding="utf-8"))
    done = []
    for cell in ko["cells"]:
        if cell["cell_type"] != "markdown" or cell.get("id") not in en:
            continue
        mark = cell.setdefault("metadata", {}).setdefault("dlfs", {})
        if mark.pop("untranslated", None) or mark.pop("outdated", None):
            done.append(cell.get("id"))
        mark.pop("english_text", None)
        mark["english"] = digest(source(en[cell["id"]]))
    write(ko, ko_path)
    return done


def _untranslated(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("dlfs", {}).get("untranslated"))


def write(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report differences only; exit 1 if there are any")
    parser.add_argument("--done", metavar="NOTEBOOK", help="mark a translated notebook's Markdown cells up to date")
    parser.add_argument("notebooks", nargs="*", help="only these notebooks (file names), e.g. 01_loss_functions.ipynb")
    args = parser.parse_args(argv)
    if args.done:
        name = Path(args.done).name
        done = mark_done(HERE / name, KO / name)
        print(f"notebooks/ko/{name}: {len(done)} cell(s) marked translated and up to date")
        return 0
    dirty = False
    chosen = {Path(n).name for n in args.notebooks}
    for en_path in sorted(HERE.glob("[0-9][0-9]_*.ipynb")):
        if chosen and en_path.name not in chosen:
            continue
        ko_path = KO / en_path.name
        nb, changes = sync_notebook(en_path, ko_path)
        if changes:
            dirty = True
            for change in changes:
                print(f"{ko_path.relative_to(HERE.parent)}: {change}")
            if not args.check:
                write(nb, ko_path)
    for ko_path in sorted(KO.glob("*.ipynb")):
        if not chosen and not (HERE / ko_path.name).exists():
            dirty = True
            print(f"{ko_path.relative_to(HERE.parent)}: has no English twin")
    return 1 if (dirty and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
