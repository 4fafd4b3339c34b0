"""Exercises of notebooks/03_gradients.ipynb: the gradient (기울기) of a function of an array.

- "03.numerical_gradient" (write): the chapter's ``numerical_gradient(f, x)`` for float arrays of
  any shape (its ``np.nditer`` version), which nudges ``x`` in place and leaves it as it found it.
- "03.integer_array" (bug hunt): the book's three points typed as integer arrays,
  ``np.array([3, 4])``: the book's function answers [25000 35000] without a word.
- "03.call_count" (predict): how many times ``numerical_gradient`` calls ``f`` for a 2×3 array.

The function exercises run the learner's code on fixed arrays (nothing random). When a result is
wrong, the checker recomputes the known wrong formulas on that case and names the one it matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..examples import function_2
from ..functions import cross_entropy_error, softmax
from ..gradient import H, numerical_gradient
from ..language import say
from .core import NotYet, as_array, call, exercise, learner_line, require_function, require_number

NOTEBOOK = "03_gradients.ipynb"

#: The book's SimpleNet example (4.4.2): its printed weights, its sample x and its one-hot target t.
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X = np.array([0.6, 0.9])
BOOK_T = np.array([0, 0, 1])

#: A result counts as the central difference with h = 1e-4 within these tolerances: they forgive
#: another order of the same operations (about 1e-12 here) and catch a forward difference (about 1e-5).
RTOL, ATOL = 1e-8, 1e-10


def simple_net_loss(W: np.ndarray) -> float:
    """The loss of the book's SimpleNet example as a function of its weights W, shape (2, 3): a float."""
    return float(cross_entropy_error(softmax(np.dot(BOOK_X, W)), BOOK_T))


def _tangled(x: np.ndarray) -> float:
    # three variables that depend on each other: a loop that skips, repeats or mixes up entries shows
    return float(x[0] ** 2 * x[1] + np.sin(x[1] * x[2]) + np.exp(0.5 * x[2]))


@dataclass(frozen=True)
class _Case:
    """One array to differentiate: ``f`` of the array, the point ``x``, and how the learner's f reads it."""

    name: str
    f: Callable[[np.ndarray], float]
    x: np.ndarray
    reads_array: bool = False  # True: the learner gets the book's `lambda w: net.loss(x, t)`, which ignores w

    def given(self) -> tuple[Callable[[np.ndarray], float], np.ndarray]:
        """(f, x) as the learner's function receives them; x is a fresh copy the caller keeps."""
        x = self.x.copy()
        if self.reads_array:
            # like net.loss(x, t): it never looks at its argument, it reads the weights that are nudged
            return (lambda w: self.f(x)), x
        return self.f, x


def _cases() -> list[_Case]:
    return [
        _Case(
            say("“the book's function_2 at (3, 4)”", "“책의 function_2, 점 (3, 4)”"), function_2, np.array([3.0, 4.0])
        ),
        _Case(
            say(
                "“x0²·x1 + sin(x1·x2) + exp(x2/2) at (0.1, -0.7, 0.3)”",
                "“x0²·x1 + sin(x1·x2) + exp(x2/2), 점 (0.1, -0.7, 0.3)”",
            ),
            _tangled,
            np.array([0.1, -0.7, 0.3]),
        ),
        _Case(
            say(
                "“SimpleNet's loss as a function of the book's 2×3 W”",
                "“SimpleNet의 손실(책의 2×3 W에 대한 함수)”",
            ),
            simple_net_loss,
            BOOK_W,
        ),
        _Case(
            say(
                "“the book's f = lambda w: net.loss(x, t), which ignores w, on the 2×3 net.W”",
                "“w를 쓰지 않는 책의 f = lambda w: net.loss(x, t), 2×3 net.W”",
            ),
            simple_net_loss,
            BOOK_W,
            reads_array=True,
        ),
    ]


def _differences(f: Callable[[np.ndarray], float], x: np.ndarray, kind: str) -> np.ndarray:
    """A known-wrong variant of the central difference on every entry of a copy of ``x``."""
    x = x.copy()
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + H
        up = f(x)
        x[idx] = original - H
        down = f(x)
        x[idx] = original
        here = f(x)
        grad[idx] = {
            "forward": (up - here) / H,
            "backward": (here - down) / H,
            "no 2": (up - down) / H,
            "/ 2*h": (up - down) / 2 * H,
        }[kind]
    return grad


_TRAPS = {
    "forward": (
        "That is the forward difference (f(x + h) − f(x)) / h. The book uses the central difference "
        "(f(x + h) − f(x − h)) / (2*h) for every entry.",
        "전방 차분 (f(x + h) − f(x)) / h로 계산한 값입니다. "
        "책은 모든 원소에 중심 차분을 씁니다: (f(x + h) − f(x − h)) / (2*h).",
    ),
    "backward": (
        "That is the backward difference (f(x) − f(x − h)) / h. The book uses the central difference "
        "(f(x + h) − f(x − h)) / (2*h).",
        "후방 차분 (f(x) − f(x − h)) / h로 계산한 값입니다. 책은 중심 차분을 씁니다: (f(x + h) − f(x − h)) / (2*h).",
    ),
    "no 2": (
        "That is twice the answer: the 2 is missing from the denominator. From x − h to x + h is a step of 2h.",
        "정답의 두 배입니다. 분모의 2가 빠졌습니다. x − h에서 x + h까지의 간격은 2h입니다.",
    ),
    "/ 2*h": (
        "Python reads `... / 2*h` as `(... / 2) * h`. Write `/ (2*h)` with the parentheses.",
        "파이썬은 `... / 2*h`를 `(... / 2) * h`로 읽습니다. 괄호를 넣어 `/ (2*h)`로 쓰세요.",
    ),
}


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _fmt(x: np.ndarray) -> str:
    return np.array2string(np.asarray(x, dtype=np.float64), precision=8, separator=", ")


def _without_one_d_loop(answer: Callable, case: str) -> Callable:
    """``answer``, with an IndexError on a 2-D array explained as the 1-D loop it almost always is."""

    def run(f, x):
        try:
            return answer(f, x)
        except IndexError as error:
            raise NotYet(
                say(
                    "Case {case}: your code raised IndexError: {error}{where}. That is the 1-D loop "
                    "`for idx in range(x.size)`: on a 2×3 array x[idx] with one number is a whole row, and there "
                    "are only 2 rows. Visit every entry by its index tuple: it = np.nditer(x, "
                    "flags=['multi_index'], op_flags=['readwrite']) and idx = it.multi_index, e.g. (0, 2).",
                    "{case}에서 여러분의 코드가 IndexError 예외를 일으켰습니다: {error}{where}. 1차원 배열용 반복문 "
                    "`for idx in range(x.size)` 때문입니다. 2×3 배열에서 숫자 하나로 인덱싱한 x[idx]는 행 전체이고, "
                    "행은 2개뿐입니다. 원소 하나하나를 인덱스 튜플로 찾아가세요. "
                    "it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])로 반복자를 만들고 "
                    "idx = it.multi_index(예: (0, 2))를 쓰면 됩니다.",
                    case=case,
                    error=error,
                    where=learner_line(error),
                )
            ) from None

    return run


def _check_x_left_alone(x: np.ndarray, before: np.ndarray, case: str) -> None:
    """NotYet when the learner's function left the caller's array changed, naming how."""
    if np.array_equal(x, before):
        return
    if np.array_equal(x, before - H):
        raise NotYet(
            say(
                "Case {case}: afterwards every entry of x is h = 1e-4 lower than before ({before} became {now}). "
                "The last thing written to each entry was x[idx] = tmp_val - h: put the saved value back, "
                "x[idx] = tmp_val, before moving to the next entry. Otherwise every later partial derivative is "
                "taken at a shifted point, and the caller's weights move by -h at each call.",
                "{case}에서 호출이 끝난 뒤 x의 모든 원소가 h = 1e-4만큼 작아졌습니다(호출 전 {before}, 호출 뒤 "
                "{now}). 원소마다 마지막으로 써 넣은 값이 x[idx] = tmp_val - h이기 때문입니다. 다음 원소로 넘어가기 "
                "전에 저장해 둔 값을 x[idx] = tmp_val로 복원하세요. 그러지 않으면 그 뒤의 편미분은 모두 이미 움직인 "
                "점에서 계산되고, 호출할 때마다 호출한 쪽의 가중치가 h씩 줄어듭니다.",
                case=case,
                before=_fmt(before),
                now=_fmt(x),
            )
        )
    gap = float(np.max(np.abs(x - before)))
    if gap <= 1e-12 * max(1.0, float(np.max(np.abs(before)))):
        raise NotYet(
            say(
                "Case {case}: afterwards x is back only to within {gap:.1e}. Adding h and taking it away again "
                "does not always give back exactly the same float (rounding error). Save the entry first, "
                "tmp_val = x[idx], and restore it by assignment, x[idx] = tmp_val, as the book does.",
                "{case}에서 호출이 끝난 뒤 x가 원래 값으로 정확히 돌아오지 않았습니다(차이 {gap:.1e}). 부동소수점 "
                "수는 h를 더했다가 다시 빼도 원래 값이 정확히 나오지 않을 때가 있습니다(반올림 오차). 책처럼 먼저 "
                "tmp_val = x[idx]로 저장해 두고, x[idx] = tmp_val로 대입해서 복원하세요.",
                case=case,
                gap=gap,
            )
        )
    raise NotYet(
        say(
            "Case {case}: your function changed x: {before} became {now}. numerical_gradient may nudge x "
            "while it works, but must put every entry back: the caller's x is often a network's weights.",
            "{case}에서 함수가 x를 바꿨습니다(호출 전 {before}, 호출 뒤 {now}). numerical_gradient는 계산하는 "
            "동안 x를 살짝 움직여도 되지만, 끝나면 모든 원소를 원래대로 되돌려 놓아야 합니다. 호출한 쪽의 x는 "
            "대개 신경망의 가중치입니다.",
            case=case,
            before=_fmt(before),
            now=_fmt(x),
        )
    )


def _result_array(raw, x: np.ndarray, case: str) -> np.ndarray:
    """The learner's gradient as a float array of x's shape, or NotYet (with a hint for a flattened one)."""
    shape = np.shape(raw) if isinstance(raw, np.ndarray) else None
    if x.ndim > 1 and shape == (x.size,):
        raise NotYet(
            say(
                "Case {case}: the gradient has shape {got}, x has shape {want}. Make grad = np.zeros_like(x), "
                "which has x's shape, and fill grad[idx] with the same index tuple as x[idx].",
                "{case}에서 기울기의 형상은 {got}인데 x의 형상은 {want}입니다. x와 형상이 같은 "
                "grad = np.zeros_like(x)를 만들고, x[idx]와 같은 인덱스 튜플로 grad[idx]를 채우세요.",
                case=case,
                got=shape,
                want=x.shape,
            )
        )
    return as_array(raw, x.shape, case)


def _zero_gradient_hint(case: _Case) -> str:
    """Why a gradient comes out (practically) all zeros: f never felt a nudge."""
    if case.reads_array:
        return say(
            "Every entry is 0: f never saw the nudges. numerical_gradient must nudge the array it was given, in "
            "place (x[idx] = tmp_val + h, then f(x)). A copy — x.copy(), x.astype(float), np.array(x), "
            "x.flatten(), x + h — is a new array: here f is the book's lambda w: net.loss(x, t), which ignores "
            "its argument and reads net.W, the very array passed as x, so only changes made to that array reach it.",
            "모든 원소가 0입니다. f가 값의 움직임을 한 번도 보지 못했습니다. numerical_gradient는 받은 배열 "
            "자체를 제자리에서 움직여야 합니다(x[idx] = tmp_val + h로 바꾸고 f(x) 호출). x.copy(), x.astype(float), "
            "np.array(x), x.flatten(), x + h는 모두 새 배열입니다. 여기서 f는 책의 lambda w: net.loss(x, t)입니다. "
            "이 함수는 인수를 쓰지 않고 net.W를 읽는데, x로 넘어온 배열이 바로 그 net.W이므로 그 배열을 직접 "
            "바꿔야만 f에 변화가 전달됩니다.",
        )
    if case.x.ndim > 1:
        return say(
            "Every entry is 0: f never felt a nudge. Either the nudges went into a copy of x while f got the "
            "original, or a whole row was nudged at once — on a 2-D array x[i] with one number is a row, and "
            "adding h to a whole row of W raises all three scores by the same amount, which softmax ignores. "
            "Nudge one entry at a time, in x itself: x[idx] with idx = it.multi_index from np.nditer.",
            "모든 원소가 0입니다. f가 값의 움직임을 전혀 느끼지 못했습니다. 복사본을 움직이고 f에는 원래 배열을 "
            "넘겼거나, 행 전체를 한꺼번에 움직였거나 둘 중 하나입니다. 2차원 배열에서 숫자 하나로 인덱싱한 x[i]는 "
            "행 전체이고, W의 한 행 전체에 h를 더하면 세 점수가 똑같이 커지므로 소프트맥스 함수는 그 변화를 "
            "무시합니다. np.nditer의 idx = it.multi_index로 x 자체의 원소를 하나씩 움직이세요.",
        )
    return say(
        "Every entry is 0: f never saw the nudges. Nudge the entries of x itself, in place, and call f(x) on "
        "that same array; a copy (x.copy(), x.astype(float), np.array(x)) that f is never given changes nothing.",
        "모든 원소가 0입니다. f가 값의 움직임을 한 번도 보지 못했습니다. x 자체의 원소를 제자리에서 움직이고, "
        "바로 그 배열로 f(x)를 호출하세요. f에 넘기지 않는 복사본(x.copy(), x.astype(float), np.array(x))을 "
        "움직여서는 아무것도 달라지지 않습니다.",
    )


def _wrong_gradient_hint(case: _Case, result: np.ndarray, expected: np.ndarray) -> str:
    """The known slip that explains ``result`` on this case, in the chapter's words."""
    scale = float(np.max(np.abs(expected)))
    if scale > 0 and float(np.max(np.abs(result))) <= 1e-9 * scale:
        return _zero_gradient_hint(case)
    for kind, (en, ko) in _TRAPS.items():
        if _close(result, _differences(case.f, case.x, kind)):
            return say(en, ko)
    if case.x.ndim > 1:
        return say(
            "On a 2-D array, x[i] with one number is a whole row: nudge one entry at a time with its index "
            "tuple, x[idx] with idx = it.multi_index from np.nditer (e.g. (0, 2)), and store grad[idx] the same way.",
            "2차원 배열에서 숫자 하나로 인덱싱한 x[i]는 행 전체입니다. np.nditer의 it.multi_index로 얻은 인덱스 "
            "튜플(예: (0, 2))로 원소를 하나씩 움직이고, grad[idx]도 같은 인덱스로 저장하세요.",
        )
    return say(
        "For each entry in turn: save it, set it to tmp_val + h and call f, set it to tmp_val - h and call f, "
        "store (fxh1 - fxh2) / (2*h), and put tmp_val back.",
        "원소마다 차례로 이렇게 하세요. 값을 tmp_val에 저장하고, tmp_val + h로 바꿔 f를 호출하고, tmp_val - h로 "
        "바꿔 f를 다시 호출한 다음, (fxh1 - fxh2) / (2*h)를 grad에 저장하고, tmp_val을 되돌려 놓습니다.",
    )


@exercise(
    "03.numerical_gradient",
    NOTEBOOK,
    "write",
    "numerical_gradient for arrays of any shape",
    "Write numerical_gradient(f, x): the central difference with h = 1e-4 for every entry of a float array x "
    "of any shape (1-D and 2-D are tested), nudging x in place and putting every entry back.",
)
def check_numerical_gradient(answer) -> str:
    require_function(answer)
    for case in _cases():
        f, x = case.given()
        before = x.copy()
        runner = _without_one_d_loop(answer, case.name) if x.ndim > 1 else answer
        raw = call(runner, f, x, case=case.name)
        _check_x_left_alone(x, before, case.name)
        result = _result_array(raw, x, case.name)
        expected = numerical_gradient(case.f, case.x.copy())
        if not _close(result, expected):
            raise NotYet(
                say(
                    "Case {case}: expected {expected}, got {result}. {hint}",
                    "{case}에서 기댓값은 {expected}인데 결과는 {result}입니다. {hint}",
                    case=case.name,
                    expected=_fmt(expected),
                    result=_fmt(result),
                    hint=_wrong_gradient_hint(case, result, expected),
                )
            )
    return say(
        "It gives the book's [6. 8.] at (3, 4), works for 1-D and 2-D arrays (the book's 2×3 W included), "
        "reaches f through the book's lambda w: net.loss(x, t), and leaves x exactly as it found it.",
        "(3, 4)에서 책과 같은 [6. 8.]이 나오고, 1차원 배열과 2차원 배열(책의 2×3 W 포함)에서 모두 동작하며, "
        "책의 lambda w: net.loss(x, t)로도 f에 변화가 전달되고, x를 받은 그대로 되돌려 놓습니다.",
    )


# ---------------------------------------------------------------------------------------------
# 03.integer_array — a bug hunt: np.array([3, 4]) passed to the book's numerical_gradient
# ---------------------------------------------------------------------------------------------
#: The book's three points of 4.4 and their gradients [6. 8.], [0. 4.], [6. 0.].
BOOK_POINTS = ((3.0, 4.0), (0.0, 2.0), (3.0, 0.0))


def unguarded_numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """The book's algorithm as the book's code runs it: np.nditer, in place, and no check of x's dtype.

    ``dlfs.numerical_gradient`` refuses an integer array; this one, like the book's, quietly
    computes with it (x + 1e-4 is cut back to a whole number), so the bug hunt stays silent.
    Returns an array of x's shape and dtype.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = float(saved) + H
        up = f(x)
        x[idx] = saved - H
        down = f(x)
        grad[idx] = (up - down) / (2 * H)
        x[idx] = saved
        it.iternext()
    return grad


def _point_name(p: tuple[float, float]) -> str:
    return say("“the book's point ({a:g}, {b:g})”", "“책의 점 ({a:g}, {b:g})”", a=p[0], b=p[1])


def _integer_hint(value: np.ndarray, garbage: np.ndarray, converted_late: bool) -> str:
    if converted_late:
        return say(
            "The gradient is a float array now, but still the same wrong numbers: converting the result is too "
            "late. The damage is done inside, when x[idx] = 3 + 1e-4 is written into an integer array and cut "
            "back to 3. Make the points floats before the call: np.array([3.0, 4.0]) or np.array([3, 4], dtype=float).",
            "기울기는 실수 배열이 되었지만 값은 그대로 틀립니다. 결과를 변환해서는 이미 늦습니다. 값은 함수 안에서, "
            "x[idx] = 3 + 1e-4를 정수 배열에 써 넣어 3으로 잘리는 순간에 망가집니다. 호출하기 전에 점을 실수 "
            "배열로 만드세요: np.array([3.0, 4.0]) 또는 np.array([3, 4], dtype=float).",
        )
    if not value.any():
        return say(
            "All zeros: float16 keeps only about 3 significant digits, so 3 + 0.0001 rounds back to 3 and every "
            "difference is 0. Use float64, the default of np.array([3.0, 4.0]).",
            "모두 0입니다. float16은 유효숫자가 3자리 정도뿐이라 3 + 0.0001이 반올림되어 다시 3이 되고, 차이가 "
            "모두 0이 됩니다. np.array([3.0, 4.0])의 기본 자료형인 float64를 쓰세요.",
        )
    if np.array_equal(value, garbage):
        # the committed notebook shows this for the untouched code: a nudge, not the answer
        return say(
            "Whole numbers, thousands of times too large, and no error message. numerical_gradient is the book's "
            "own and right for the arrays it was written for; look at what it is given: print(p.dtype).",
            "값이 정수인 데다 수천 배나 크고, 오류 메시지도 없습니다. numerical_gradient는 책의 함수 그대로이며, "
            "이 함수가 염두에 둔 배열에서는 올바르게 동작합니다. 함수에 무엇을 넘기는지 살펴보세요: print(p.dtype).",
        )
    return say(
        "The gradient of x0² + x1² is (2·x0, 2·x1). Pass each point as a float array and return the three "
        "gradients in the book's order.",
        "x0² + x1²의 기울기는 (2·x0, 2·x1)입니다. 각 점을 실수 배열로 넘기고, 기울기 세 개를 책의 순서대로 반환하세요.",
    )


@exercise(
    "03.integer_array",
    NOTEBOOK,
    "bug hunt",
    "[25000 35000] instead of [6. 8.]",
    "A learner's function computes the gradients of function_2 at the book's points (3, 4), (0, 2) and (3, 0) "
    "with the book's numerical_gradient, gets huge whole numbers and no error. Fix the call.",
)
def check_integer_array(answer) -> str:
    require_function(answer)
    case = say("“the book's three points”", "“책의 세 점”")
    raw = call(answer, unguarded_numerical_gradient, case=case)
    try:
        values = np.asarray(raw)
    except ValueError:  # a ragged list: as_array below says what came back
        values = np.asarray(None)
    integer_result = values.dtype.kind in "iub"
    result = as_array(raw, (len(BOOK_POINTS), 2), case)
    for k, point in enumerate(BOOK_POINTS):
        expected = numerical_gradient(function_2, np.array(point))
        if _close(result[k], expected):
            continue
        garbage = unguarded_numerical_gradient(function_2, np.array(point, dtype=np.int64)).astype(np.float64)
        converted_late = not integer_result and np.array_equal(result[k], garbage)
        raise NotYet(
            say(
                "Case {case}: expected {expected}, got {got}. {hint}",
                "{case}에서 기댓값은 {expected}인데 결과는 {got}입니다. {hint}",
                case=_point_name(point),
                expected=np.round(expected, 6) + 0.0,
                got=values[k] if integer_result else np.round(result[k], 6) + 0.0,
                hint=_integer_hint(result[k], garbage, converted_late),
            )
        )
    return say(
        "[6. 8.], [0. 4.] and [6. 0.], as in the book. An integer array cannot hold 3.0001: the book's "
        "x[idx] = float(tmp_val) + h computes 3.0001 and then stores 3. dlfs's numerical_gradient refuses "
        "integer arrays with a TypeError for that reason.",
        "책과 같은 [6. 8.], [0. 4.], [6. 0.]입니다. 정수 배열에는 3.0001을 담을 수 없습니다. 책의 "
        "x[idx] = float(tmp_val) + h는 3.0001을 계산하지만 저장되는 값은 3입니다. 그래서 dlfs의 "
        "numerical_gradient는 정수 배열을 TypeError로 거부합니다.",
    )


# ---------------------------------------------------------------------------------------------
# 03.call_count — predict, then check
# ---------------------------------------------------------------------------------------------
#: The shape of the array in 03.call_count: the book's SimpleNet weights.
CALL_COUNT_SHAPE = (2, 3)


def _call_count_traps() -> dict[float, str]:
    return {
        6: say(
            "6 is one call per entry. The central difference needs two values of f for each entry: "
            "f(x + h) and f(x − h).",
            "6은 원소마다 한 번씩 호출한 횟수입니다. 중심 차분에는 원소마다 f(x + h)와 f(x − h), 두 값이 필요합니다.",
        ),
        7: say(
            "7 = 1 + 6 is what a forward difference needs (f(x) once, then f(x + h) per entry). The book's central "
            "difference calls f twice per entry, and never at x itself.",
            "7 = 1 + 6은 전방 차분에 필요한 횟수입니다(f(x) 한 번, 그리고 원소마다 f(x + h)). 책의 중심 차분은 "
            "원소마다 f를 두 번 호출하고, x 자체에서는 호출하지 않습니다.",
        ),
        13: say(
            "13 = 12 + 1, but numerical_gradient never calls f at x itself: only at x ± h, entry by entry.",
            "13 = 12 + 1이지만, numerical_gradient는 x 자체에서는 f를 호출하지 않습니다. 원소마다 x ± h에서만 "
            "호출합니다.",
        ),
        4: say(
            "4 is two calls per row. numerical_gradient nudges every single entry, not whole rows: a 2×3 array "
            "has 6 entries.",
            "4는 행마다 두 번씩 호출한 횟수입니다. numerical_gradient는 행 전체가 아니라 원소를 하나씩 움직입니다. "
            "2×3 배열의 원소는 6개입니다.",
        ),
        5: say(
            "5 = 2 + 3 adds the sides of the array; a 2×3 array has 2 × 3 = 6 entries.",
            "5 = 2 + 3은 행 수와 열 수를 더한 값입니다. 2×3 배열의 원소는 2 × 3 = 6개입니다.",
        ),
        10: say(
            "10 = 2 × (2 + 3) adds the sides of the array; a 2×3 array has 2 × 3 = 6 entries.",
            "10 = 2 × (2 + 3)은 행 수와 열 수를 더한 값에 2를 곱한 것입니다. 2×3 배열의 원소는 2 × 3 = 6개입니다.",
        ),
        2: say(
            "2 would nudge the whole array up once and down once. numerical_gradient nudges one entry at a time, "
            "so that each partial derivative gets its own two calls.",
            "2는 배열 전체를 한꺼번에 한 번 올리고 한 번 내렸을 때의 횟수입니다. numerical_gradient는 원소를 "
            "하나씩 움직이므로, 편미분마다 f를 따로 두 번 호출합니다.",
        ),
        36: say(
            "36 = 6 × 6: the entries are nudged one after another, so the calls add up (2 for each entry); they do "
            "not multiply.",
            "36 = 6 × 6입니다. 원소는 하나씩 차례로 움직이므로 호출 횟수는 곱해지지 않고 더해집니다(원소마다 2번).",
        ),
    }


@exercise(
    "03.call_count",
    NOTEBOOK,
    "predict",
    "how often numerical_gradient calls f",
    "Predict how many times numerical_gradient calls f to compute the gradient of a 2×3 array (the shape of "
    "SimpleNet's W).",
)
def check_call_count(answer) -> str:
    count = require_number(answer)
    entries = int(np.prod(CALL_COUNT_SHAPE))
    if count == 2 * entries:
        return say(
            "Two calls, f(x + h) and f(x − h), for each of the 2 × 3 = 6 entries: 12. The count grows with the "
            "number of parameters, and every call is a whole forward pass of the network — notebook 06 asks the "
            "same question for the book's TwoLayerNet.",
            "원소 2 × 3 = 6개마다 f(x + h)와 f(x − h)를 한 번씩, 모두 12번입니다. 호출 횟수는 매개변수 수에 "
            "비례해 늘어나고, 호출 한 번 한 번이 신경망 전체의 순전파입니다. 06번 노트북에서 책의 TwoLayerNet에 "
            "대해 같은 질문을 던집니다.",
        )
    hint = _call_count_traps().get(
        count,
        say(
            "Count the entries of a 2×3 array, then how many times the central difference calls f for each.",
            "2×3 배열의 원소 개수를 세고, 중심 차분이 원소마다 f를 몇 번 호출하는지 생각해 보세요.",
        ),
    )
    raise NotYet(say("Your answer: {count:g}. {hint}", "예측한 값은 {count:g}입니다. {hint}", count=count, hint=hint))
