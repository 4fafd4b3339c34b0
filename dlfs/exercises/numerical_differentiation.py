"""Exercises of notebooks/02_numerical_differentiation.ipynb: numerical differentiation (수치 미분).

- "02.numerical_diff" (write): the book's central difference with h = 1e-4.
- "02.fix_numerical_diff" (bug hunt): a retyped numerical_diff with two silent slips,
  ``h = 10e-4`` (that is 1e-3) and ``/ 2*h`` (Python reads it as ``(... / 2) * h``).
- "02.forward_slope" (predict): the forward difference of the book's parabola with a big step.
- "02.partial_derivative" (predict): a partial derivative (편미분) with the other variable held fixed.

Both function exercises run the learner's code on the same fixed cases (nothing random); when
a result is wrong, :func:`_diagnose` recomputes the known wrong formulas on that case and
names the one the result matches.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..examples import function_1
from ..gradient import H, numerical_diff
from ..language import say
from .core import NotYet, as_float, call, exercise, require_function, require_number

NOTEBOOK = "02_numerical_differentiation.ipynb"

#: A result counts as the book's central difference within this relative tolerance. It
#: forgives a different but equivalent order of operations (rounding, ~1e-12 here) and
#: still tells h = 1e-5 or 1e-3 apart from 1e-4 on the cubic case (8e-10 and 8e-8 off).
RTOL = 1e-10


def cube(x: float) -> float:
    """x³: unlike the book's parabola, its central difference depends on h (error exactly h²)."""
    return x**3


def _cases() -> list[tuple[str, Callable[[float], float], float]]:
    """(name, f, x): the book's two points, then functions on which the step h shows."""
    return [
        (say("“the book's function_1 at x = 5”", "“책의 function_1, x = 5”"), function_1, 5.0),
        (say("“the book's function_1 at x = 10”", "“책의 function_1, x = 10”"), function_1, 10.0),
        (say("“f(x) = x³ at x = 2”", "“f(x) = x³, x = 2”"), cube, 2.0),
        (say("“f(x) = exp(x) at x = -1”", "“f(x) = exp(x), x = -1”"), np.exp, -1.0),
    ]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-15)


def _diagnose(f: Callable[[float], float], x: float, result: float) -> str:
    """The chapter's trap that ``result`` matches on this case, in a sentence, or ""."""
    central_3 = (f(x + 1e-3) - f(x - 1e-3)) / (2 * 1e-3)
    if result == 0.0:
        return say(
            "0 is what a step that is too small gives: with h = 1e-50 (or the book's first try, 10e-50), "
            "x + h rounds back to x, so f(x + h) − f(x) = 0 (rounding error, 반올림 오차). Use the book's h = 1e-4.",
            "h가 너무 작으면 0이 나옵니다. h = 1e-50(책의 첫 시도 10e-50도 마찬가지)이면 x + h가 반올림되어 다시 x가 "
            "되므로 f(x + h) − f(x) = 0입니다(반올림 오차). 책처럼 h = 1e-4를 쓰세요.",
        )
    traps = [
        (
            (f(x + H) - f(x)) / H,
            say(
                "That is the forward difference (f(x + h) − f(x)) / h. The book uses the central difference "
                "(f(x + h) − f(x − h)) / (2*h), centred on x.",
                "이 값은 전방 차분 (f(x + h) − f(x)) / h의 결과입니다. 책이 쓰는 것은 x를 가운데에 둔 중심 차분 "
                "(f(x + h) − f(x − h)) / (2*h)입니다.",
            ),
        ),
        (
            (f(x) - f(x - H)) / H,
            say(
                "That is the backward difference (f(x) − f(x − h)) / h. The book uses the central difference "
                "(f(x + h) − f(x − h)) / (2*h).",
                "이 값은 후방 차분 (f(x) − f(x − h)) / h의 결과입니다. 책이 쓰는 것은 중심 차분 "
                "(f(x + h) − f(x − h)) / (2*h)입니다.",
            ),
        ),
        (
            (f(x + H) - f(x - H)) / H,
            say(
                "That is twice the answer: the 2 is missing from the denominator. From x − h to x + h is a "
                "step of 2h, so divide by (2*h).",
                "정답의 딱 두 배입니다. 분모에서 2가 빠졌습니다. "
                "x − h에서 x + h까지의 간격은 2h이므로 (2*h)로 나누어야 합니다.",
            ),
        ),
        (
            (f(x + H) - f(x - H)) / 2 * H,
            say(
                "Python reads `... / 2*h` as `(... / 2) * h`: it divides by 2 and then multiplies by h. "
                "Write `/ (2*h)` with the parentheses.",
                "파이썬은 `... / 2*h`를 `(... / 2) * h`로 읽습니다. 2로 나눈 다음 h를 곱하는 셈입니다. "
                "괄호를 넣어 `/ (2*h)`로 쓰세요.",
            ),
        ),
        (
            (f(x + 1e-3) - f(x - 1e-3)) / 2 * 1e-3,
            say(
                "Two slips at once: `/ 2*h` is read as `(... / 2) * h` (write `/ (2*h)`), and check how h "
                "is written — compare it with the book's `h = 1e-4  # 0.0001`.",
                "실수 두 개가 겹쳤습니다. 첫째, `/ 2*h`는 `(... / 2) * h`로 읽힙니다(`/ (2*h)`로 쓰세요). "
                "둘째, h를 적은 방식을 책의 `h = 1e-4  # 0.0001`과 비교해 보세요.",
            ),
        ),
        (
            central_3,
            say(
                "That is the central difference with h = 0.001, not 1e-4: `10e-4` means 10 × 10⁻⁴ = 0.001. "
                "Write the book's h as `1e-4` (0.0001).",
                "이 값은 h = 1e-4가 아니라 h = 0.001로 계산한 중심 차분입니다. `10e-4`는 10 × 10⁻⁴ = 0.001이라는 "
                "뜻입니다. 책의 h는 `1e-4`(0.0001)로 적습니다.",
            ),
        ),
        (
            numerical_diff(function_1, x),
            say(
                "That is the derivative of the book's function_1, whatever f you were given: call the f "
                "that is passed in, f(x + h), not function_1(x + h).",
                "주어진 f와 상관없이 책의 function_1을 미분한 값이 나왔습니다. function_1(x + h)가 아니라, "
                "인수로 받은 f를 f(x + h)처럼 호출하세요.",
            ),
        ),
    ]
    for value, hint in traps:
        if _close(result, value):
            return hint
    return ""


def _check_central_difference(answer: Callable, praise: str) -> str:
    """Run ``answer(f, x)`` on every case; NotYet at the first result that is not the book's."""
    require_function(answer)
    for name, f, x in _cases():
        result = as_float(call(answer, f, x, case=name), name)
        expected = numerical_diff(f, x)
        if _close(result, expected):
            continue
        hint = _diagnose(f, x, result)
        if not hint:
            hint = say(
                "Use the book's central difference (f(x + h) − f(x − h)) / (2*h) with h = 1e-4: a smaller h "
                "adds rounding error, a bigger one truncation error, so the result changes with h.",
                "책처럼 h = 1e-4로 중심 차분을 계산하세요: (f(x + h) − f(x − h)) / (2*h). h가 이보다 작으면 "
                "반올림 오차가, 크면 절단 오차가 커지므로 결과가 h에 따라 달라집니다.",
            )
        raise NotYet(
            say(
                "Case {case}: expected {expected!r}, got {result!r}. {hint}",
                "{case}에서 기댓값은 {expected!r}인데 결과는 {result!r}입니다. {hint}",
                case=name,
                expected=expected,
                result=result,
                hint=hint,
            )
        )
    return praise


@exercise(
    "02.numerical_diff",
    NOTEBOOK,
    "write",
    "numerical_diff, the central difference",
    "Write numerical_diff(f, x): the derivative of f at x by the central difference "
    "(f(x + h) − f(x − h)) / (2h) with the book's h = 1e-4, returned as a number.",
)
def check_numerical_diff(answer) -> str:
    return _check_central_difference(
        answer,
        say(
            "It gives the book's 0.1999999999990898 and 0.2999999999986347, and the central difference with "
            "h = 1e-4 on a cubic and an exponential too.",
            "책과 같은 0.1999999999990898과 0.2999999999986347이 나오고, 3차 함수와 지수 함수에서도 "
            "h = 1e-4로 계산한 중심 차분과 같은 값이 나옵니다.",
        ),
    )


def _bug_hunt_first_hint(answer: Callable) -> None:
    # The untouched code gets a nudge, not the answer: the committed notebook shows this output
    # before the learner has looked for the slips themselves.
    name, f, x = _cases()[0]
    result = call(answer, f, x, case=name)
    try:
        value = float(result)
    except (TypeError, ValueError):
        return
    if _close(value, (f(x + 1e-3) - f(x - 1e-3)) / 2 * 1e-3):
        raise NotYet(
            say(
                "Case {case}: expected {expected!r}, got {result!r}, a million times too small. There are two "
                "slips: one in how Python reads the last line, one in how h is written.",
                "{case}에서 기댓값은 {expected!r}인데 결과는 {result!r}입니다. 백만 배나 작습니다. "
                "실수는 두 개입니다. 하나는 파이썬이 마지막 줄을 읽는 방식에, 다른 하나는 h를 적은 방식에 있습니다.",
                case=name,
                expected=numerical_diff(f, x),
                result=value,
            )
        )


@exercise(
    "02.fix_numerical_diff",
    NOTEBOOK,
    "bug hunt",
    "two silent slips in a retyped numerical_diff",
    "A retyped copy of the book's numerical_diff runs without an error but gives wrong numbers. "
    "Find and fix both slips.",
)
def check_fix_numerical_diff(answer) -> str:
    require_function(answer)
    _bug_hunt_first_hint(answer)
    return _check_central_difference(
        answer,
        say(
            "Both slips are fixed: h = 1e-4 (not 10e-4 = 0.001) and `/ (2*h)` (not `/ 2*h`).",
            "두 실수를 모두 고쳤습니다. h는 1e-4이고(10e-4 = 0.001이 아니라), "
            "분모는 `/ (2*h)`입니다(`/ 2*h`가 아니라).",
        ),
    )


#: 02.forward_slope: the forward difference of 0.01x² + 0.1x at x = 10 with h = 1.
FORWARD_X, FORWARD_H = 10.0, 1.0


@exercise(
    "02.forward_slope",
    NOTEBOOK,
    "predict",
    "the forward difference with a big step",
    "Predict (f(x + h) − f(x)) / h for the book's f(x) = 0.01x² + 0.1x at x = 10 with h = 1.",
)
def check_forward_slope(answer) -> str:
    value = require_number(answer)
    x, h = FORWARD_X, FORWARD_H
    actual = (function_1(x + h) - function_1(x)) / h  # 0.31: the slope at x + h/2 = 10.5
    if math.isclose(value, actual, abs_tol=1e-6):
        return say(
            "(f(11) − f(10)) / 1 = 2.31 − 2 = 0.31, which is the exact slope 0.02x + 0.1 at x = 10.5, the middle "
            "of the step — not at x = 10.",
            "(f(11) − f(10)) / 1 = 2.31 − 2 = 0.31입니다. 이는 x = 10이 아니라 구간의 가운데인 x = 10.5에서의 "
            "정확한 기울기(0.02x + 0.1)입니다.",
        )
    hints = {
        0.3: say(
            "0.3 is the exact derivative at x = 10 (해석적 미분). The forward difference is not centred on x: "
            "it measures the slope between x and x + h.",
            "0.3은 x = 10에서의 정확한 미분값(해석적 미분으로 구한 값)입니다. 전방 차분은 x를 가운데에 두지 않고, "
            "x와 x + h 사이의 기울기를 잽니다.",
        ),
        0.32: say(
            "0.32 is the slope at x + h = 11. The line through (10, f(10)) and (11, f(11)) is as steep as the "
            "tangent halfway between them.",
            "0.32는 x + h = 11에서의 기울기입니다. (10, f(10))과 (11, f(11))을 잇는 직선의 기울기는 두 점의 "
            "한가운데에서 그은 접선의 기울기와 같습니다.",
        ),
    }
    hint = next(
        (text for wrong, text in hints.items() if math.isclose(value, wrong, abs_tol=1e-6)),
        say(
            "Work it out: f(11) − f(10), divided by h = 1. Or use what the notebook showed at x = 5: on a parabola "
            "the forward difference is the exact slope at x + h/2.",
            "직접 계산해 보세요. f(11) − f(10)을 h = 1로 나누면 됩니다. 아니면 노트북에서 x = 5일 때 확인한 사실을 "
            "이용하세요. 포물선에서 전방 차분은 x + h/2에서의 정확한 기울기입니다.",
        ),
    )
    raise NotYet(
        say(
            "You predicted {value:g}. {hint}",
            "예측한 값은 {value:g}입니다. {hint}",
            value=value,
            hint=hint,
        )
    )


def partial_function(x0: float, x1: float) -> float:
    """f(x0, x1) = x0² + x0·x1, the function of 02.partial_derivative."""
    return x0**2 + x0 * x1


@exercise(
    "02.partial_derivative",
    NOTEBOOK,
    "predict",
    "a partial derivative",
    "Predict ∂f/∂x0 of f(x0, x1) = x0² + x0·x1 at (x0, x1) = (3, 4).",
)
def check_partial_derivative(answer) -> str:
    value = require_number(answer)
    actual = numerical_diff(lambda x0: partial_function(x0, 4.0), 3.0)  # 2·x0 + x1 = 10
    if math.isclose(value, actual, abs_tol=1e-6):
        return say(
            "With x1 held at 4, f is x0² + 4·x0, whose slope at x0 = 3 is 2·3 + 4 = 10 (numerically {n!r}).",
            "x1을 4로 고정하면 f는 x0² + 4·x0이고, x0 = 3에서의 기울기는 2·3 + 4 = 10입니다(수치 미분으로는 {n!r}).",
            n=actual,
        )
    hints = {
        6.0: say(
            "6 is the slope of x0² alone. The term x0·x1 moves too when x0 moves: with x1 held at 4 it is 4·x0, "
            "which adds a slope of 4.",
            "6은 x0²만의 기울기입니다. x0이 움직이면 x0·x1 항도 변합니다. x1을 4로 고정하면 이 항은 4·x0이므로 "
            "기울기 4가 더해집니다.",
        ),
        3.0: say(
            "3 is ∂f/∂x1 (the slope when only x1 moves). The question asks for the slope along x0, with x1 fixed.",
            "3은 ∂f/∂x1(x1만 움직일 때의 기울기)입니다. 문제는 x1을 고정하고 x0 방향으로 잰 기울기를 묻습니다.",
        ),
        21.0: say(
            "21 is the value f(3, 4) = 9 + 12, not its slope.",
            "21은 기울기가 아니라 함숫값 f(3, 4) = 9 + 12입니다.",
        ),
    }
    hint = next(
        (text for wrong, text in hints.items() if math.isclose(value, wrong, abs_tol=1e-6)),
        say(
            "Hold x1 fixed at 4, as the book's function_tmp1 does, and take the slope of what is left along x0.",
            "책의 function_tmp1처럼 x1을 4로 고정한 다음, 남은 함수의 x0 방향 기울기를 구하세요.",
        ),
    )
    raise NotYet(say("You predicted {value:g}. {hint}", "예측한 값은 {value:g}입니다. {hint}", value=value, hint=hint))
