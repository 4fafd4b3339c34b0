"""The machinery behind ``check(exercise_id, answer)``: the registry, safe calls, feedback.

A checker is a function ``checker(answer) -> str`` registered with :func:`exercise`. It runs
the learner's answer on fixed cases through :func:`call` (which turns any exception inside
the learner's code into feedback naming the case, the exception and the learner's line),
and raises :class:`NotYet` with a message at the first problem it finds — naming the
chapter's trap when the wrong result matches one. When everything passes it returns one
sentence of praise. :func:`check` prints the outcome and returns True or False; it never
raises because of the learner's code.
"""

from __future__ import annotations

import dis
import linecache
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..language import say

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


class NotYet(Exception):
    """Raised by a checker: the answer is not right yet; the message says why."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks, and the function that checks an answer.

    Attributes
    ----------
    id : str, e.g. "01.cross_entropy" (notebook number, then a name)
    notebook : str, the notebook file it closes, e.g. "01_loss_functions.ipynb"
    kind : "write" (write a chapter function), "bug hunt" (fix given code), "predict" (a number)
    title : str, a few words
    task : str, what is asked, in a sentence or two
    checker : callable(answer) -> str, raising NotYet
    """

    id: str
    notebook: str
    kind: str
    title: str
    task: str
    checker: Callable[[Any], str]


EXERCISES: dict[str, Exercise] = {}
KINDS = ("write", "bug hunt", "predict")


def exercise(exercise_id: str, notebook: str, kind: str, title: str, task: str):
    """Register the decorated function as the checker of ``exercise_id``."""
    if kind not in KINDS:
        raise ValueError(f"exercise kind must be one of {KINDS}, got {kind!r}")

    def register(checker: Callable[[Any], str]) -> Callable[[Any], str]:
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(exercise_id, notebook, kind, title, task, checker)
        return checker

    return register


def check(exercise_id: str, answer: Any) -> bool:
    """Check ``answer`` for exercise ``exercise_id``, print feedback, return True if it is right.

    Parameters
    ----------
    exercise_id : str
        One of ``EXERCISES`` (e.g. "01.cross_entropy"); each notebook names its own.
    answer : function or number
        What the exercise asks for: your function, or your predicted number.

    Returns
    -------
    bool. Never raises because of your code: an exception inside it becomes feedback.

    Raises
    ------
    ValueError
        An unknown exercise id; the message lists the ids there are.
    """
    if exercise_id not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"check: no exercise {exercise_id!r}. The exercises are: {known}.")
    ex = EXERCISES[exercise_id]
    try:
        praise = ex.checker(answer)
    except NotYet as not_yet:
        print(say("✗ {id} — not yet. {why}", "✗ {id} — 아직입니다. {why}", id=exercise_id, why=not_yet))
        return False
    print(say("✓ {id} — right! {praise}", "✓ {id} — 정답입니다! {praise}", id=exercise_id, praise=praise))
    return True


# ---------------------------------------------------------------------------------------------
# helpers for checkers
# ---------------------------------------------------------------------------------------------
_EMPTY_BODY = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP"}


def is_stub(answer: Any) -> bool:
    """True for the notebooks' starting point: ``...`` itself, or a function whose body is only ``...``.

    Such a body (with or without a docstring or ``pass``) compiles to "return None" and nothing else.
    """
    if answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    if code is None:
        return False
    return (
        all(
            ins.opname in _EMPTY_BODY and (ins.opname not in ("LOAD_CONST", "RETURN_CONST") or ins.argval is None)
            for ins in dis.get_instructions(code)
        )
        and not code.co_names
    )


def require_function(answer: Any) -> None:
    """NotYet unless ``answer`` is a function with a body."""
    if is_stub(answer):
        raise NotYet(
            say(
                "Write the function's body in place of `...`, run the cell, then check again.",
                "`...` 자리에 함수 본문을 작성하고 셀을 실행한 다음 다시 확인하세요.",
            )
        )
    if not callable(answer):
        raise NotYet(
            say(
                "Pass your function itself (its name without parentheses), not {kind}.",
                "함수 자체(괄호 없이 이름만)를 넘기세요. 지금 넘긴 것은 {kind} 값입니다.",
                kind=type(answer).__name__,
            )
        )


def require_number(answer: Any) -> float:
    """``answer`` as a float, or NotYet for ``...`` and non-numbers."""
    if answer is Ellipsis:
        raise NotYet(say("Replace `...` with your prediction (a number).", "`...`를 여러분의 예측값(수)으로 바꾸세요."))
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise NotYet(
            say(
                "The answer is a number; got {got!r}.",
                "답은 수여야 하는데 지금 답은 {got!r}입니다.",
                got=answer,
            )
        )
    return float(answer)


def call(function: Callable, *args: Any, case: str) -> Any:
    """Run the learner's ``function(*args)``; an exception becomes NotYet naming the case and line.

    numpy warnings are silenced during the call: a wrong result is reported by the checker, in
    the chapter's words, rather than as a warning.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args)
    except NotYet:
        raise
    except Exception as error:  # anything the learner's code raises is feedback, not a crash
        raise NotYet(
            say(
                "Case {case}: your code raised {name}: {error}{where}",
                "{case}에서 여러분의 코드가 {name} 예외를 일으켰습니다: {error}{where}",
                case=case,
                name=type(error).__name__,
                error=error,
                where=learner_line(error),
            )
        ) from None


def learner_line(error: BaseException) -> str:
    """ " (line N of your code: `text`)" for the innermost frame of the learner's own code, or ""."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if _is_learner_file(f.filename)]
    if not mine:
        return ""
    frame = mine[-1]
    text = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    if not text:
        return say(" (line {n} of your code)", " (여러분 코드의 {n}번째 줄)", n=frame.lineno)
    return say(
        " (line {n} of your code: `{text}`)",
        " (여러분 코드의 {n}번째 줄: `{text}`)",
        n=frame.lineno,
        text=text,
    )


def _is_learner_file(filename: str) -> bool:
    path = os.path.abspath(filename)
    if path.startswith(_PACKAGE_DIR + os.sep) or filename.startswith("<frozen"):
        return False
    return not any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def as_float(result: Any, case: str) -> float:
    """``result`` as a float, or NotYet naming what came back instead (None, an array, text)."""
    if result is None:
        raise NotYet(
            say(
                "Case {case}: your function returned None — did you forget `return`?",
                "{case}에서 함수가 None을 반환했습니다. `return`을 빠뜨리지 않았나요?",
                case=case,
            )
        )
    value = np.asarray(result)
    if value.size != 1 or not np.issubdtype(value.dtype, np.number):
        raise NotYet(
            say(
                "Case {case}: expected one number, got {what}.",
                "{case}에서 수 하나가 나와야 하는데 결과는 {what}입니다.",
                case=case,
                what=describe(result),
            )
        )
    return float(value.reshape(()))


def as_array(result: Any, shape: tuple[int, ...], case: str) -> np.ndarray:
    """``result`` as a float array of ``shape``, or NotYet naming what came back instead."""
    if result is None:
        raise NotYet(
            say(
                "Case {case}: your function returned None — did you forget `return`?",
                "{case}에서 함수가 None을 반환했습니다. `return`을 빠뜨리지 않았나요?",
                case=case,
            )
        )
    value = np.asarray(result)
    if not np.issubdtype(value.dtype, np.number) or value.shape != shape:
        raise NotYet(
            say(
                "Case {case}: expected an array of shape {shape}, got {what}.",
                "{case}에서 형상이 {shape}인 배열이 나와야 하는데 결과는 {what}입니다.",
                case=case,
                shape=shape,
                what=describe(result),
            )
        )
    return value.astype(np.float64)


def describe(value: Any) -> str:
    """A few words for what a learner's function returned: "an array of shape (2, 3)", "a str"."""
    if isinstance(value, np.ndarray):
        return say(
            "an array of shape {shape} ({dtype})", "형상이 {shape}인 {dtype} 배열", shape=value.shape, dtype=value.dtype
        )
    if isinstance(value, (tuple, list)):
        return say("a {kind} of {n} items", "항목 {n}개짜리 {kind}", kind=type(value).__name__, n=len(value))
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return say("a {kind} ({text})", "{kind} 값({text})", kind=type(value).__name__, text=text)
