"""Keep the Korean edition (notebooks/ko/) in step with the English notebooks.

Usage (from the top folder; ``make sync-ko`` runs the first form)::

    .venv/bin/python scripts/sync_ko.py                        # update notebooks/ko/ from notebooks/
    .venv/bin/python scripts/sync_ko.py --check                # report only; exit 1 if anything differs
    .venv/bin/python scripts/sync_ko.py 03_gradients.ipynb     # one notebook only
    .venv/bin/python scripts/sync_ko.py --done 03_gradients.ipynb   # after translating it
    .venv/bin/python scripts/sync_ko.py --prune 03_gradients.ipynb  # also drop Korean cells with no English twin

Cells are paired by cell id. For every English cell, in the English order, the Korean notebook gets:

* a code cell: the English code. A Korean cell with the same code up to comments (so translated comments
  stay) is kept with its outputs; otherwise the English code replaces it and its outputs are cleared
  (re-execute the Korean notebook afterwards). In the first code cell the strings may differ too (its help
  message is in the notebook's language) and ``set_language("ko")`` stands where the English has "en".
* a Markdown cell: the Korean cell with the same id, untouched. An English cell with no Korean twin is copied
  in English and marked ``"dlfs": {"untranslated": true}``. Each Korean cell records a digest of the English
  text it translates (``"dlfs": {"english": …}``); when the English changes, the Korean cell is marked
  ``"outdated": true`` with the new English beside it (``"english_text"``). ``--done`` clears the marks.

Nothing is ever lost silently: a translated Korean cell whose id no longer exists in English (its English
cell was re-created or deleted) stops the run with its id and first line, and nothing is written; move the
translation to the new cell (give it the new id) or pass ``--prune`` to drop such cells. Notebooks whose
cells have no ids (nbformat < 4.5), duplicate ids, unreadable JSON or unknown names are refused (exit 2).
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

from dlfs.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "notebooks"
KO = EN / "ko"
LANGUAGE_LINE = {"en": 'set_language("en")', "ko": 'set_language("ko")'}
# string tokens (Python 3.12 splits an f-string into parts; 3.11 keeps it one STRING)
STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


class SyncError(Exception):
    """A notebook the tool cannot pair safely; the message says which and what to do."""


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def digest(text: str) -> str:
    """A short fingerprint of an English Markdown cell's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def code_tokens(code: str, strings: bool = True) -> list[tuple[int, str]]:
    """The code's tokens without comments and layout (and without string values if not ``strings``)."""
    lines = []
    for line in code.splitlines():
        stripped = line.strip()
        if stripped.startswith(("%", "!")):  # IPython magics are not Python: compare them as text
            lines.append(f"__magic__({stripped!r})")
        else:
            lines.append(line.replace(LANGUAGE_LINE["ko"], LANGUAGE_LINE["en"]))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    text = "\n".join(lines) + "\n"
    try:
        tokens = [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [(0, text)]
    return [(k, s if strings or k not in STRINGS else "") for k, s in tokens if k not in skip]


def same_code(en: str, ko: str, first: bool = False) -> bool:
    """True when ``ko`` is ``en`` up to comments, layout, the language line and, in the first cell, strings."""
    return code_tokens(en, strings=not first) == code_tokens(ko, strings=not first)


def read(path: Path) -> dict:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        ids = [cell["id"] for cell in nb["cells"]]
        if not all(isinstance(source(cell), str) and cell["cell_type"] for cell in nb["cells"]):
            raise TypeError("a cell's source is not text")
    except FileNotFoundError:
        raise SyncError(f"{path}: no such notebook") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SyncError(f"{path}: not a notebook (unreadable JSON: {e})") from None
    except (KeyError, TypeError) as e:
        if str(e) == "'id'":
            raise SyncError(
                f"{path}: its cells have no ids (nbformat < 4.5), so the editions cannot be paired. "
                "Open and save it in JupyterLab 4, or run `jupyter nbconvert --to notebook --inplace` on it, "
                "then pair any Korean translations by hand."
            ) from None
        raise SyncError(f"{path}: not a notebook (missing {e})") from None
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SyncError(f"{path}: cell ids {duplicates} occur more than once; give each cell its own id")
    return nb


def _mark(cell: dict) -> dict:
    return cell.setdefault("metadata", {}).setdefault("dlfs", {})


def sync_notebook(en: dict, ko: dict | None, prune: bool = False) -> tuple[dict, list[str]]:
    """The updated Korean notebook and the list of what changed; SyncError if a translation would be lost."""
    changes = [] if ko is not None else ["created"]
    twins = {c["id"]: c for c in (ko or {"cells": []})["cells"]}
    cells, first_code = [], True
    for cell in en["cells"]:
        twin = twins.pop(cell["id"], None)
        if twin is not None and twin["cell_type"] != cell["cell_type"]:
            raise SyncError(f"cell {cell['id']} is {cell['cell_type']} in English but {twin['cell_type']} in Korean")
        if cell["cell_type"] == "code":
            if twin is not None and same_code(source(cell), source(twin), first=first_code):
                cells.append(twin)
            else:
                new = copy.deepcopy(cell)
                new["source"] = source(cell).replace(LANGUAGE_LINE["en"], LANGUAGE_LINE["ko"])
                new["outputs"], new["execution_count"] = [], None
                cells.append(new)
                changes.append(f"code cell {cell['id']} copied from English (re-execute; translate its comments)")
            first_code = False
        elif twin is not None and not _mark(twin).get("untranslated"):
            mark = _mark(twin)
            if mark.get("english") != digest(source(cell)) and mark.get("english_text") != source(cell):
                changes.append(f"markdown cell {cell['id']}: the English text changed; marked outdated")
                mark["outdated"], mark["english_text"] = True, source(cell)
            cells.append(twin)
        else:  # not translated yet: (re)copy the current English text
            new = copy.deepcopy(cell)
            _mark(new).update(untranslated=True, english=digest(source(cell)))
            cells.append(new)
            if twin is None or source(twin) != source(cell):
                changes.append(f"{cell['cell_type']} cell {cell['id']}: copied in English, marked untranslated")
    lost = [c for c in twins.values() if c["cell_type"] == "markdown" and not _mark(c).get("untranslated")]
    if lost and not prune:
        listed = "; ".join(
            f"{c['id']} ({source(c).strip().splitlines()[0][:60] if source(c).strip() else ''!r})" for c in lost
        )
        raise SyncError(
            f"translated Korean cell(s) with no English twin: {listed}. Their English cell was deleted or "
            "re-created with a new id: give the translation the new id, or run again with --prune to drop them"
        )
    changes += [f"dropped Korean {c['cell_type']} cell {c['id']} (no English twin)" for c in twins.values()]
    result = copy.deepcopy(ko if ko is not None else en)
    result["cells"] = cells
    result["metadata"] = copy.deepcopy(en["metadata"])
    result["nbformat"], result["nbformat_minor"] = en["nbformat"], en["nbformat_minor"]
    return result, changes


def mark_done(en: dict, ko: dict) -> list[str]:
    """Mark every Markdown cell of the Korean notebook translated and up to date with its English twin."""
    english = {c["id"]: c for c in en["cells"]}
    done = []
    for cell in ko["cells"]:
        if cell["cell_type"] == "markdown" and cell["id"] in english:
            mark = _mark(cell)
            if mark.pop("untranslated", None) or mark.pop("outdated", None):
                done.append(cell["id"])
            mark.pop("english_text", None)
            mark["english"] = digest(source(english[cell["id"]]))
    return done


def write(nb: dict, path: Path) -> None:
    """Write the notebook whole or not at all (dlfs's temporary-file-and-rename)."""
    write_atomically(path, lambda f: f.write((json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")))


def chosen_notebooks(names: list[str]) -> list[Path]:
    series = sorted(EN.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return series
    known = {p.name: p for p in series}
    unknown = [n for n in names if Path(n).name not in known]
    if unknown:
        raise SyncError(f"no English notebook named {unknown}; the notebooks are {sorted(known)}")
    return [known[Path(n).name] for n in names]


def run(args: argparse.Namespace) -> int:
    if args.done:
        (path,) = chosen_notebooks([args.done])
        ko_path = KO / path.name
        ko = read(ko_path)
        done = mark_done(read(path), ko)
        write(ko, ko_path)
        print(f"notebooks/ko/{path.name}: {len(done)} cell(s) marked translated and up to date")
        return 0
    dirty = False
    for path in chosen_notebooks(args.notebooks):
        ko_path = KO / path.name
        try:
            nb, changes = sync_notebook(read(path), read(ko_path) if ko_path.exists() else None, args.prune)
        except SyncError as e:
            raise SyncError(f"notebooks/ko/{path.name}: {e}") from None
        for change in changes:
            print(f"notebooks/ko/{path.name}: {change}")
        dirty |= bool(changes)
        if changes and not args.check:
            write(nb, ko_path)
    orphans = [p.name for p in KO.glob("*.ipynb") if not (EN / p.name).exists()]
    for name in orphans if not args.notebooks else []:
        print(f"notebooks/ko/{name}: has no English twin")
        dirty = True
    return 1 if dirty and args.check else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report differences only; exit 1 if there are any")
    parser.add_argument("--done", metavar="NOTEBOOK", help="mark a translated notebook's Markdown cells up to date")
    parser.add_argument("--prune", action="store_true", help="drop translated Korean cells with no English twin")
    parser.add_argument("notebooks", nargs="*", help="only these notebooks (file names), e.g. 01_loss_functions.ipynb")
    try:
        return run(parser.parse_args(argv))
    except SyncError as e:
        print(f"sync_ko: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
