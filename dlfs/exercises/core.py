"""The machinery of ``check``, ``hint`` and ``solution``: message catalogs, a time limit, safe calls, verdicts.

A checker runs the answer through :func:`call` and raises :class:`NotYet` with a message key at the first
problem, or returns the key of its praise; :func:`verdict` runs it under a time limit and never raises.
The texts are data: ``messages/<language>.toml``, one table per exercise, per notebook and ``common``.
"""

from __future__ import annotations

import ctypes
import dis
import os
import re
import sys
import threading
import tomllib
import traceback
import warnings
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..language import get_language

TIME_LIMIT = 5.0  # seconds for one check(): the book's functions take milliseconds
_MESSAGES = Path(__file__).resolve().parent / "messages"
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
_NUMPY = {name: obj for name, obj in vars(np).items() if callable(obj)}  # numpy as imported, to spot patches


class NotYet(Exception):
    """Not right yet: ``key`` names the message, ``values`` fill it in, ``error`` is the learner's exception."""

    def __init__(self, key: str, error: BaseException | None = None, **values: Any) -> None:
        super().__init__(key)
        self.key, self.error, self.values = key, error, values


class TimeUp(BaseException):
    """Raised in the learner's code at the time limit (a BaseException: `except Exception` does not catch it)."""


Verdict = namedtuple("Verdict", "ok key text")  # key: the message's, for tests; text: what check() prints
Exercise = namedtuple("Exercise", "id notebook kind checker")  # kind: "write", "bug hunt" or "predict"
EXERCISES: dict[str, Exercise] = {}  # by id: "03.numerical_gradient" is notebook 03's
NOTEBOOKS = ["01_loss_functions", "02_numerical_differentiation", "03_gradients", "04_gradient_descent"]
NOTEBOOKS += ["05_simple_net", "06_two_layer_net_mnist"]


def exercise(exercise_id: str, kind: str) -> Callable:
    """Register the decorated function as the checker of ``exercise_id`` (its notebook is named by its number)."""
    notebook = next(f"{name}.ipynb" for name in NOTEBOOKS if name[:2] == exercise_id[:2])
    return lambda checker: EXERCISES.setdefault(exercise_id, Exercise(exercise_id, notebook, kind, checker)).checker


@cache
def catalog(language: str) -> dict[str, dict[str, Any]]:
    with open(_MESSAGES / f"{language}.toml", "rb") as file:
        return tomllib.load(file)


def text(section: str, key: str, **values: Any) -> str:
    """Message ``key`` of an exercise's table, else of its notebook's ("03"), else of "common", filled in."""
    tables = catalog(get_language())  # a key no table has (a bug the tests catch) prints as itself, not a traceback
    found = (t[key] for t in (tables.get(section, {}), tables.get(section[:2], {}), tables["common"]) if key in t)
    return next(found, key).format(**values)


def num(value: Any) -> str:
    """A number as typed: 10.00001 stays 10.00001 (no rounding that would change it)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def describe(value: Any) -> str:
    """A few words for a value: "an array of shape (2, 3) (float64)", "a tuple of 2 items", "a str ('2.3')"."""
    if isinstance(value, np.ndarray):
        return text("common", "an_array", shape=value.shape, dtype=value.dtype)
    if isinstance(value, (tuple, list, dict)):
        return text("common", "a_collection", kind=type(value).__name__, n=len(value))
    return text("common", "a_value", kind=type(value).__name__, text=repr(value)[:40])


def learner_line(error: BaseException | None) -> tuple[int, str] | None:
    """(number, text) of the innermost line of the learner's own code (a notebook cell) in ``error``'s traceback."""

    def mine(filename: str) -> bool:
        path = os.path.abspath(filename)
        outside = path.startswith(_PACKAGE_DIR + os.sep) or "site-packages" in path or filename.endswith(".pyx")
        return not outside and not any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)

    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    lines = [(f.lineno or 0, f.line.strip()) for f in frames if mine(f.filename) and (f.line or "").strip()]
    return lines[-1] if lines else None


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeUp in this thread once ``seconds`` have passed, wherever the learner's loop is.

    A watchdog thread raises it through PyThreadState_SetAsyncExc, which Python delivers between two
    bytecodes: in a Jupyter cell (the kernel's main thread) and in any other thread, on Linux, macOS and
    Windows alike. It cannot stop one long call into C (a single huge numpy operation), which ends first.
    """
    target, done, lock = ctypes.c_ulong(threading.get_ident()), threading.Event(), threading.Lock()

    def watchdog() -> None:
        if not done.wait(seconds):
            with lock:
                if not done.is_set():
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(TimeUp))

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()  # first: from now on the watchdog raises nothing
        with lock:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # and a TimeUp not yet delivered is dropped
        thread.join()


def restore_numpy() -> list[str]:
    """Put back every numpy function that code replaced (``np.log = ...``); their names."""
    changed = [name for name, obj in _NUMPY.items() if vars(np).get(name) is not obj]
    for name in changed:
        setattr(np, name, _NUMPY[name])
    return changed


def call(function: Callable, *args: Any, case: str = "") -> Any:
    """The learner's ``function(*args)``: its exceptions and a replaced numpy function become NotYet.

    numpy warnings are silenced: the checker names a wrong result in the chapter's words.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = function(*args)
    except NotYet:
        raise
    except Exception as error:  # anything the learner's code raises is feedback, not a crash
        raise NotYet("raised", error, case=case, name=type(error).__name__, message=str(error)[:300]) from None
    if patched := restore_numpy():  # so that every reference is computed with numpy's own functions
        raise NotYet("numpy_patched", names=", ".join(f"np.{n}" for n in patched))
    return result


def require_function(answer: Any) -> None:
    """NotYet unless ``answer`` is a function with a body (not ``...``, nor a body that is only ``...`` or ``pass``)."""
    code = getattr(answer, "__code__", None)  # a body that does something loads a name or a constant other than None
    acts = [i for i in dis.get_instructions(code) if i.argval is not None and i.opname != "RESUME"] if code else [0]
    if answer is Ellipsis or not (acts or code.co_names):
        raise NotYet("stub")
    if not callable(answer):
        raise NotYet("not_a_function", kind=type(answer).__name__)


def numbers(value: Any, case: str = "", shape: tuple[int, ...] | None = None) -> Any:
    """``value`` as a real numeric array (its own dtype); with ``shape``, a float64 array of that shape, or
    one float for ``shape=()`` (a float, a numpy scalar, a one-element array). Else NotYet naming what it is."""
    if value is None:
        raise NotYet("returned_none", case=case)
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise NotYet("not_numbers", case=case, got=describe(value))
    try:
        array = np.asarray(value)
    except ValueError as error:  # a ragged tuple such as (grad, f(x))
        raise NotYet("ragged", case=case, got=describe(value)) from error
    except Exception as error:  # the learner's own object whose __array__ raises
        raise NotYet("unreadable", error, case=case, name=type(error).__name__, message=str(error)[:300]) from None
    if array.dtype.kind == "c":
        raise NotYet("complex", case=case)
    try:
        array = array.astype(np.float64) if array.dtype.kind == "O" else array
    except OverflowError:
        raise NotYet("huge", case=case) from None
    except (TypeError, ValueError):
        raise NotYet("not_numbers", case=case, got=describe(value)) from None
    if array.dtype.kind not in "iuf":
        raise NotYet("not_numbers", case=case, got=describe(value))
    if shape == () and array.size != 1:
        raise NotYet("one_number", case=case, got=describe(value))
    if shape and array.shape != shape:
        raise NotYet("shape", case=case, got=describe(value), want=shape)
    return array if shape is None else float(array.reshape(())) if shape == () else array.astype(np.float64)


def agree(a: Any, b: Any, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """The same shape and values, to the tolerance (inf equals inf, nan equals nan)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def known_slip(slips: dict[str, Callable], cases: list, results: list, *tolerance: float) -> str:
    """The first slip that gives the learner's result on every case run so far, or ""."""
    for key, slip in slips.items():
        try:
            with np.errstate(all="ignore"):
                if all(agree(result, slip(*case), *tolerance) for case, result in zip(cases, results, strict=True)):
                    return key
        except (ArithmeticError, ValueError, IndexError, TypeError):  # a slip that does not apply to a case
            continue
    return ""


def compare(
    exercise_id: str, kind: str, cases: list, reference, slips: dict, result_of, otherwise=None, tol=(1e-9, 1e-12)
):
    """Register a checker that compares ``result_of(answer, case, *args)`` with ``reference(*args)`` for each
    (case, *args), to ``tol`` (rtol, atol). At the first wrong result it names the slip that explains every
    result so far, else ``otherwise(answer, result, *args)``."""

    def checker(answer: Any) -> str:
        require_function(answer)
        done, results = [], []
        for case, *args in cases:
            with np.errstate(all="ignore"):
                expected = reference(*args)
            done.append(args)
            results.append(result_of(answer, case, *args))
            if not agree(results[-1], expected, *tol):
                key = known_slip(slips, done, results, *tol) or (otherwise or (lambda *_: "recipe"))(
                    answer, results[-1], *args
                )
                raise NotYet(key, case=case, got=num(results[-1]) if np.size(results[-1]) == 1 else "")
        return "right"

    exercise(exercise_id, kind)(checker)


def by_line(not_yet: NotYet, patterns: dict[str, str]) -> NotYet:
    """The learner's exception named by the first pattern found in its line and message (pattern -> key)."""
    found = "\n".join(((learner_line(not_yet.error) or (0, ""))[1], str(not_yet.error)))
    key = next((key for pattern, key in patterns.items() if re.search(pattern, found)), "")
    return NotYet(key, not_yet.error, **not_yet.values) if key and not_yet.error else not_yet


def number_of(answer: Any, case: str, *args: Any) -> float:
    """The learner's ``answer(*args)`` as one number (each array argument is a fresh copy)."""
    return numbers(call(answer, *(a.copy() if isinstance(a, np.ndarray) else a for a in args), case=case), case, ())


def _failure(exercise_id: str, answer: Any, outcome: BaseException) -> tuple[str, str]:
    """(key, message) for whatever stopped the checker."""
    if isinstance(outcome, NotYet):
        key, values, error = outcome.key, dict(outcome.values), outcome.error
    elif isinstance(outcome, TimeUp):
        names = getattr(getattr(answer, "__code__", None), "co_names", ())
        loops = "finished" in names and "iternext" not in names  # `while not it.finished:` that never moves on
        key, values, error = ("timeout_nditer" if loops else "timeout"), {"seconds": num(TIME_LIMIT)}, outcome
    else:  # KeyboardInterrupt, SystemExit, or an exception outside call() (e.g. the learner's __float__)
        mine = "raised" if learner_line(outcome) else "checker_failed"  # a bug of the checker's, not the learner's
        key = {KeyboardInterrupt: "interrupted", SystemExit: "system_exit"}.get(type(outcome), mine)
        values, error = {"name": type(outcome).__name__, "message": str(outcome)[:300]}, outcome
    case, why = values.pop("case", ""), text(exercise_id, key, **values)
    why = text("common", "in_case", case=text(exercise_id, case), why=why) if case else why[:1].upper() + why[1:]
    line = learner_line(error)
    return key, why + (text("common", "at_line", n=line[0], line=line[1]) if line else "")


def verdict(exercise_id: str, answer: Any) -> Verdict:
    """(ok, message key, feedback) for ``answer``. Never raises because of the answer; gives up after TIME_LIMIT."""
    if exercise_id not in EXERCISES:
        ids = ", ".join(sorted(EXERCISES))
        return Verdict(False, "unknown_id", text("common", "unknown_id", id=exercise_id, ids=ids))
    try:
        if patched := restore_numpy():
            raise NotYet("numpy_patched", names=", ".join(f"np.{n}" for n in patched))
        with time_limit(TIME_LIMIT):
            praise = EXERCISES[exercise_id].checker(answer)
    except BaseException as outcome:  # noqa: BLE001 - whatever the learner's code does is feedback
        key, why = _failure(exercise_id, answer, outcome)
        return Verdict(False, key, text("common", "not_yet", id=exercise_id, why=why))
    finally:
        restore_numpy()  # also after an answer that replaced a numpy function and then raised
    return Verdict(True, praise, text("common", "right", id=exercise_id, praise=text(exercise_id, praise)))


def check(exercise_id: str, answer: Any) -> None:
    """Print whether ``answer`` is right and, if not, what is wrong. Returns None: nothing is echoed."""
    print(verdict(exercise_id, answer).text)


_hints_shown: dict[str, int] = {}


def hint(exercise_id: str) -> None:
    """Print the next hint: each call says more; the last nearly gives the answer, and then it repeats."""
    if exercise_id not in EXERCISES:
        return check(exercise_id, None)
    hints, shown = catalog(get_language())[exercise_id]["hints"], _hints_shown.get(exercise_id, 0)
    _hints_shown[exercise_id] = shown + 1
    k, last = min(shown, len(hints) - 1), text("common", "hint_last", id=exercise_id) if shown >= len(hints) else ""
    print(text("common", "hint", id=exercise_id, k=k + 1, n=len(hints)) + hints[k] + last)


def solution(exercise_id: str) -> None:
    """Print an answer (the code or the number) and why it is right."""
    if exercise_id not in EXERCISES:
        return check(exercise_id, None)
    print(text("common", "solution", id=exercise_id) + catalog(get_language())[exercise_id]["solution"])
