"""Exercises of notebooks/04_gradient_descent.ipynb: gradient descent (경사 하강법) and the learning rate.

- "04.gradient_descent" (write): the chapter's ``gradient_descent(f, init_x, lr, step_num)``,
  without changing the caller's ``init_x``.
- "04.descent_history" (bug hunt): the book's version that also records the path (the one
  behind its figure 4-10) changes ``init_x``, so a second call starts where the first ended.
- "04.largest_lr" (predict): the largest learning rate at which gradient descent on the
  elongated bowl 0.05·x0² + x1² still converges.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..examples import elongated_bowl, elongated_bowl_curvatures, function_2
from ..gradient import H, gradient_descent_path, numerical_gradient
from ..language import say
from .core import NotYet, as_array, call, describe, exercise, require_function, require_number

NOTEBOOK = "04_gradient_descent.ipynb"


def _bowl_3(x: np.ndarray) -> float:
    # a three-variable bowl: the learner's loop must not assume two coordinates
    return float(np.sum(np.array([1.0, 2.0, 3.0]) * np.asarray(x, dtype=np.float64) ** 2))


def _cases() -> list[tuple[str, Callable, np.ndarray, float, int]]:
    """(name, f, init_x, lr, step_num): the book's example, a zig-zag, no steps at all, three variables."""
    return [
        (
            say(
                "“the book's example: x0² + x1² from (-3, 4), lr = 0.1, 100 steps”",
                "“책의 예제: x0² + x1², 초깃값 (-3, 4), lr = 0.1, 100번 갱신”",
            ),
            function_2,
            np.array([-3.0, 4.0]),
            0.1,
            100,
        ),
        (
            say(
                "“0.05·x0² + x1² from (-3, 4), lr = 0.9, 7 steps”",
                "“0.05·x0² + x1², 초깃값 (-3, 4), lr = 0.9, 7번 갱신”",
            ),
            elongated_bowl,
            np.array([-3.0, 4.0]),
            0.9,
            7,
        ),
        (
            say(
                "“step_num = 0: the start itself”",
                "“step_num = 0: 갱신 없이 초깃값 그대로”",
            ),
            function_2,
            np.array([1.5, -2.0]),
            0.1,
            0,
        ),
        (
            say(
                "“x0² + 2x1² + 3x2² from (1, -2, 0.5), lr = 0.2, 5 steps”",
                "“x0² + 2x1² + 3x2², 초깃값 (1, -2, 0.5), lr = 0.2, 5번 갱신”",
            ),
            _bowl_3,
            np.array([1.0, -2.0, 0.5]),
            0.2,
            5,
        ),
    ]


def _path(f: Callable, init_x: np.ndarray, lr: float, step_num: int, ascent: bool = False, forward: bool = False):
    """Every point of a descent (or of a known-wrong variant of it), shape (step_num + 1, n).

    The right path is :func:`dlfs.gradient_descent_path`; the variants are the learners' slips:
    ``ascent`` adds lr·grad instead of subtracting it, ``forward`` uses (f(x+h) − f(x)) / h.
    """
    if not (ascent or forward):
        return gradient_descent_path(f, init_x, lr=lr, step_num=step_num)
    x = np.array(init_x, dtype=np.float64)
    points = [x.copy()]
    with np.errstate(all="ignore"):
        for _ in range(step_num):
            if forward:
                grad = np.array([(f(x + H * e) - f(x)) / H for e in np.eye(x.size)])
            else:
                grad = numerical_gradient(f, x)
            x = x + lr * grad if ascent else x - lr * grad
            points.append(x.copy())
    return np.array(points)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def _fmt(x: np.ndarray) -> str:
    return np.array2string(np.asarray(x, dtype=np.float64), precision=6, separator=", ")


def _mutated_hint() -> str:
    return say(
        "Your function changed the caller's init_x. `x = init_x` does not copy the array: x and init_x are "
        "two names for the same array, so `x -= lr * grad` writes into the caller's init_x, and the next "
        "call starts where this one ended. Start with x = init_x.copy().",
        "함수가 호출한 쪽의 init_x를 바꿔 버린 것입니다. `x = init_x`는 배열을 복사하지 않습니다. x와 init_x는 "
        "같은 배열을 가리키는 두 이름일 뿐이라서 `x -= lr * grad`가 호출한 쪽의 init_x를 직접 고치고, 그래서 "
        "다음 호출은 이번 호출이 끝난 곳에서 시작합니다. x = init_x.copy()로 시작하세요.",
    )


def _wrong_result_hint(result: np.ndarray, f: Callable, init_x: np.ndarray, lr: float, step_num: int) -> str:
    """The known slip that explains ``result``, in the chapter's words, or a general hint."""
    if step_num > 0 and _close(result, init_x):
        return say(
            "That is the start point: x never moved. Update x inside the loop: x -= lr * grad.",
            "초깃값 그대로입니다. x가 한 번도 움직이지 않았습니다. 반복문 안에서 x -= lr * grad로 x를 갱신하세요.",
        )
    if step_num > 0 and _close(result, _path(f, init_x, lr, step_num, ascent=True)[-1]):
        return say(
            "The sign is flipped: x += lr * grad climbs uphill — that is gradient ascent (경사 상승법), which "
            "looks for a maximum. Gradient descent steps against the gradient: x -= lr * grad.",
            "부호가 반대입니다. x += lr * grad는 오르막을 오르는 경사 상승법으로, 최댓값을 찾는 방법입니다. "
            "경사 하강법은 기울기의 반대 방향으로 내려갑니다: x -= lr * grad.",
        )
    steps = _path(f, init_x, lr, step_num + 1)
    for k, slip in ((step_num + 1, "one step too many"), (step_num - 1, "one step too few")):
        if 0 <= k and _close(result, steps[k]):
            slip_ko = "한 번 더" if k > step_num else "한 번 덜"
            return say(
                "That is the point after {k} steps, {slip}: step_num counts the updates, so the loop runs "
                "exactly step_num times — for i in range(step_num).",
                "{k}번 갱신한 뒤의 점입니다. {slip_ko} 갱신했습니다. step_num은 갱신 횟수이므로 반복문은 정확히 "
                "step_num번 돌아야 합니다: for i in range(step_num).",
                k=k,
                slip=slip,
                slip_ko=slip_ko,
            )
    if step_num > 0 and _close(result, _path(f, init_x, lr, step_num, forward=True)[-1]):
        return say(
            "That is what a forward difference (f(x+h) - f(x)) / h gives: its error of about h shifts every "
            "step. Use numerical_gradient, the central difference (f(x+h) - f(x-h)) / 2h.",
            "전방 차분 (f(x+h) - f(x)) / h로 계산한 결과입니다. 전방 차분에는 h 정도의 오차가 있어서 갱신할 "
            "때마다 x가 조금씩 어긋납니다. 중심 차분 (f(x+h) - f(x-h)) / 2h로 계산하는 numerical_gradient를 "
            "사용하세요.",
        )
    return say(
        "Each step is x -= lr * numerical_gradient(f, x), repeated step_num times from a copy of init_x.",
        "한 번의 갱신은 x -= lr * numerical_gradient(f, x)입니다. init_x의 복사본에서 시작해 이것을 step_num번 "
        "반복하세요.",
    )


@exercise(
    "04.gradient_descent",
    NOTEBOOK,
    "write",
    "gradient_descent that leaves init_x alone",
    "Write gradient_descent(f, init_x, lr, step_num): repeat x ← x − lr·∇f(x) step_num times, starting from "
    "a copy of init_x, and return the final x. The caller's init_x must not change.",
)
def check_gradient_descent(answer) -> str:
    require_function(answer)
    for name, f, init_x, lr, step_num in _cases():
        given = init_x.copy()  # the learner's caller holds this array
        raw = call(answer, f, given, lr, step_num, case=name)
        if isinstance(raw, tuple):
            raise NotYet(
                say(
                    "Case {case}: your function returned a tuple ({what}); return only the final x (the book's "
                    "gradient_method.py also returns x_history, this exercise does not).",
                    "{case}에서 함수가 튜플을 반환했습니다(반환된 값: {what}). 마지막 x만 반환하세요(책의 "
                    "gradient_method.py는 x_history도 반환하지만 이 문제에서는 반환하지 않습니다).",
                    case=name,
                    what=describe(raw),
                )
            )
        result = as_array(raw, init_x.shape, name)
        expected = gradient_descent_path(f, init_x, lr=lr, step_num=step_num)[-1]
        if not _close(result, expected):
            raise NotYet(
                say(
                    "Case {case}: expected x = {expected}, got {result}. {hint}",
                    "{case}에서 기댓값은 x = {expected}인데 결과는 {result}입니다. {hint}",
                    case=name,
                    expected=_fmt(expected),
                    result=_fmt(result),
                    hint=_wrong_result_hint(result, f, init_x, lr, step_num),
                )
            )
        if not np.array_equal(given, init_x):
            raise NotYet(
                say(
                    "Case {case}: the result is right, but afterwards the caller's init_x is {now} instead of "
                    "{before}. {hint}",
                    "{case}에서 결과는 맞지만 호출한 쪽의 init_x가 바뀌었습니다(호출 전 {before}, 호출 뒤 {now}). "
                    "{hint}",
                    case=name,
                    now=_fmt(given),
                    before=_fmt(init_x),
                    hint=_mutated_hint(),
                )
            )
    return say(
        "It gives the book's [-6.1e-10, 8.1e-10] from (-3, 4), counts its steps exactly, works for any number "
        "of variables, and leaves init_x as it found it.",
        "(-3, 4)에서 시작해 책과 같은 [-6.1e-10, 8.1e-10]에 도착하고, 갱신 횟수를 정확히 지키며, 변수가 몇 개든 "
        "동작하고, 호출한 쪽의 init_x는 그대로 둡니다.",
    )


# -- the bug hunt: the book's descent that records its path -----------------------------------
def _history_case() -> tuple[str, np.ndarray, float, int]:
    name = say(
        "“x0² + x1² from (-3, 4), lr = 0.1, 20 steps, as in figure 4-10”",
        "“그림 4-10처럼 x0² + x1², 초깃값 (-3, 4), lr = 0.1, 20번 갱신”",
    )
    return name, np.array([-3.0, 4.0]), 0.1, 20


def _unpack_history(raw, n: int, step_num: int, case: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, x_history) from what the learner's function returned, or NotYet saying what came back."""
    if not (isinstance(raw, tuple) and len(raw) == 2):
        raise NotYet(
            say(
                "Case {case}: expected the pair (x, x_history) as the book returns it, got {what}.",
                "{case}에서 책처럼 (x, x_history) 두 값을 반환해야 하는데 반환된 값은 {what}입니다.",
                case=case,
                what=describe(raw),
            )
        )
    x, history = raw
    if np.shape(history) == (step_num + 1, n):
        raise NotYet(
            say(
                "Case {case}: x_history has {rows} rows; the book's has {step_num}: it records x *before* "
                "each step (the start included, the final x not — that one is returned as x). Keep the loop "
                "as it was; only the bug needs fixing.",
                "{case}에서 x_history의 행이 {rows}개입니다. 책의 x_history는 행이 {step_num}개입니다. 각 갱신 "
                "*직전*의 x를 기록하기 때문입니다(초깃값은 들어가고, 마지막 x는 x로 따로 반환하므로 들어가지 "
                "않습니다). 반복문은 그대로 두고 버그만 고치세요.",
                case=case,
                rows=step_num + 1,
                step_num=step_num,
            )
        )
    return as_array(x, (n,), case), as_array(history, (step_num, n), case)


@exercise(
    "04.descent_history",
    NOTEBOOK,
    "bug hunt",
    "the path that starts where the last one ended",
    "The book's gradient_descent that also returns x_history (the points of figure 4-10) gives the right "
    "path once, but a second call with the same init_x starts where the first ended. Fix it; keep the rest.",
)
def check_descent_history(answer) -> str:
    require_function(answer)
    name, init_x, lr, step_num = _history_case()
    expected = gradient_descent_path(function_2, init_x, lr=lr, step_num=step_num)
    given = init_x.copy()  # the learner's caller holds this array and passes it twice, as the notebook does
    for attempt in (1, 2):
        raw = call(answer, function_2, given, lr, step_num, case=name)
        x, history = _unpack_history(raw, init_x.size, step_num, name)
        if attempt == 2 and not _close(history[0], init_x):
            raise NotYet(
                say(
                    "Case {case}: the second call with the same init_x started at {start}, where the first "
                    "ended, instead of at {init}. {hint}",
                    "{case}에서 같은 init_x로 두 번째 호출한 경로가 초깃값 {init} 대신 첫 호출이 끝난 점 {start}에서 "
                    "시작했습니다. {hint}",
                    case=name,
                    start=_fmt(history[0]),
                    init=_fmt(init_x),
                    hint=_mutated_hint(),
                )
            )
        if step_num > 1 and np.all(history == history[-1]) and _close(history[-1], x):
            raise NotYet(
                say(
                    "Case {case}: every row of x_history is the final x {x}: `x_history.append(x)` stores the "
                    "array itself, and `x -= ...` keeps changing that one array. Append a snapshot: "
                    "x_history.append(x.copy()), as the book does.",
                    "{case}에서 x_history의 모든 행이 마지막 x와 같은 {x}입니다. `x_history.append(x)`는 복사본이 "
                    "아니라 배열 자체를 저장하고, `x -= ...`는 그 배열 하나를 계속 고칩니다. 책처럼 "
                    "x_history.append(x.copy())로 그 순간의 복사본을 저장하세요.",
                    case=name,
                    x=_fmt(x),
                )
            )
        if not (_close(x, expected[-1]) and _close(history, expected[:-1])):
            raise NotYet(
                say(
                    "Case {case}: expected x = {expected} and x_history from {first} to {last}; got x = {x} and "
                    "x_history from {got_first} to {got_last}. The loop itself was right: fix only what "
                    "changes init_x.",
                    "{case}에서 x = {expected}, x_history는 {first}부터 {last}까지여야 하는데 x = {x}, "
                    "x_history는 {got_first}부터 {got_last}까지입니다. 반복문은 원래 맞았으니 init_x를 바꾸는 "
                    "부분만 고치세요.",
                    case=name,
                    expected=_fmt(expected[-1]),
                    first=_fmt(expected[0]),
                    last=_fmt(expected[-2]),
                    x=_fmt(x),
                    got_first=_fmt(history[0]),
                    got_last=_fmt(history[-1]),
                )
            )
    if not np.array_equal(given, init_x):
        raise NotYet(
            say(
                "Case {case}: both paths are right, but afterwards the caller's init_x is {now} instead of "
                "{before}. {hint}",
                "{case}에서 두 경로는 모두 맞지만 호출한 쪽의 init_x가 바뀌었습니다(호출 전 {before}, 호출 뒤 "
                "{now}). {hint}",
                case=name,
                now=_fmt(given),
                before=_fmt(init_x),
                hint=_mutated_hint(),
            )
        )
    return say(
        "Two calls with the same init_x now draw the same path from (-3, 4), and init_x stays (-3, 4).",
        "이제 같은 init_x로 두 번 호출해도 두 경로 모두 (-3, 4)에서 시작해 똑같이 그려지고, init_x도 (-3, 4) "
        "그대로입니다.",
    )


# -- predict, then check: the largest learning rate on the elongated bowl ---------------------
def _x1_after(lr: float, steps: int = 20) -> float:
    # |x1| after `steps` steps from x1 = 4: each step multiplies it by 1 − 2·lr
    with np.errstate(over="ignore"):  # an absurd lr gives inf, which is still the right message
        return float(abs(4.0 * (1.0 - elongated_bowl_curvatures()[1] * lr) ** steps))


def _known_slips(c0: float, c1: float) -> list[tuple[float, str]]:
    """(a wrong answer, what it is) for the predictions a learner is likely to make on the elongated bowl."""
    return [
        (
            2.0 / c0,
            say(
                "20 = 2/0.1 is the limit of x0 alone (curvature 0.1). x1 is 20 times steeper and diverges first: "
                "the steepest direction sets the limit.",
                "20 = 2/0.1은 x0 방향(곡률 0.1)만 볼 때의 한계입니다. x1 방향이 20배 가파르므로 x1이 먼저 "
                "발산합니다. 한계는 가장 가파른 방향이 정합니다.",
            ),
        ),
        (
            2.0 / (c0 / 2),  # 2 over the coefficient 0.05 of x0²
            say(
                "40 = 2/0.05 uses the coefficient 0.05 as if it were the curvature; the curvature of 0.05·x0² "
                "is its second derivative 0.1 — and anyway the steeper x1 diverges first.",
                "40 = 2/0.05는 계수 0.05를 곡률로 착각한 값입니다. 0.05·x0²의 곡률은 이계도함수인 0.1입니다. "
                "게다가 어차피 더 가파른 x1이 먼저 발산합니다.",
            ),
        ),
        (
            1.0 / c0,
            say(
                "10 = 1/0.1 is where x0 would land on 0 in one step; x1 (curvature 2) diverges long before that.",
                "10 = 1/0.1은 x0이 한 번 만에 0에 도착하는 학습률입니다. x1(곡률 2)은 그보다 훨씬 작은 학습률에서 "
                "이미 발산합니다.",
            ),
        ),
        (
            2.0,
            say(
                "2 = 2/1 takes the coefficient of x1² (1) as its curvature; the curvature is the second "
                "derivative of x1², which is 2.",
                "2 = 2/1은 x1²의 계수 1을 곡률로 착각한 값입니다. 곡률은 x1²의 이계도함수인 2입니다.",
            ),
        ),
        (
            1.0 / c1,
            say(
                "0.5 = 1/2 is where x1 lands on 0 in one step (factor 1 − 2·lr = 0). Above it the path zig-zags "
                "across the valley — but zig-zagging still converges while the factor stays above -1.",
                "0.5 = 1/2는 x1이 한 번 만에 0에 도착하는 학습률입니다(배율 1 − 2·lr = 0). 그보다 크면 경로가 "
                "골짜기를 가로질러 지그재그로 움직이지만, 배율이 -1보다 큰 동안은 지그재그로 움직이면서도 수렴합니다.",
            ),
        ),
        (
            2.0 / (c0 + c1),
            say(
                "About 0.95 = 2/(0.1 + 2) is the *fastest* learning rate (both factors equally small in size); "
                "larger ones still converge, only more slowly.",
                "약 0.95 = 2/(0.1 + 2)는 *가장 빠른* 학습률입니다(두 배율의 절댓값이 같아지는 곳). 그보다 큰 "
                "학습률도 더 느릴 뿐 수렴합니다.",
            ),
        ),
    ]


@exercise(
    "04.largest_lr",
    NOTEBOOK,
    "predict",
    "the largest learning rate on 0.05·x0² + x1²",
    "Predict the largest learning rate at which gradient descent on 0.05·x0² + x1² still converges "
    "(from any start other than the minimum).",
)
def check_largest_lr(answer) -> str:
    lr = require_number(answer)
    c0, c1 = (float(c) for c in elongated_bowl_curvatures())  # 0.1 and 2
    limit = 2.0 / max(c0, c1)  # 1.0
    if limit - 0.01 <= lr <= limit:
        return say(
            "The limit is 2/L = 2/2 = 1 with L = 2, the curvature (second derivative) of x1², the steepest "
            "direction. Each step multiplies x0 by 1 − 0.1·lr and x1 by 1 − 2·lr; below lr = 1 both factors "
            "are smaller than 1 in size, so it converges (zig-zagging along x1 above lr = 0.5). At exactly "
            "lr = 1 the x1 factor is -1: x1 jumps between 4 and -4 forever, the edge of convergence; above 1 "
            "it grows every step and diverges.",
            "한계는 2/L = 2/2 = 1입니다. L = 2는 가장 가파른 방향인 x1²의 곡률(이계도함수)입니다. 한 번 갱신할 "
            "때마다 x0에는 1 − 0.1·lr, x1에는 1 − 2·lr이 곱해집니다. lr < 1이면 두 배율의 절댓값이 모두 1보다 "
            "작으므로 수렴합니다(lr > 0.5부터는 x1 방향으로 지그재그). 정확히 lr = 1이면 x1의 배율이 -1이라서 "
            "x1이 4와 -4 사이를 영원히 오갑니다. 수렴하느냐 마느냐의 경계입니다. 1보다 크면 x1이 갱신할 때마다 "
            "커져서 발산합니다.",
        )
    if lr <= 0:
        raise NotYet(
            say(
                "A learning rate is positive: lr = {lr:g} steps uphill or not at all.",
                "학습률은 양수여야 합니다(지금은 lr = {lr:g}). 음수면 오르막으로 올라가고, 0이면 전혀 움직이지 "
                "않습니다.",
                lr=lr,
            )
        )
    known = [hint for value, hint in _known_slips(c0, c1) if math.isclose(lr, value, rel_tol=0.01)]
    if known:
        hint = known[0]
    elif lr > limit:
        hint = say(
            "At lr = {lr:g} each step multiplies x1 by 1 − 2·lr = {r:.3g}, larger than 1 in size: x1 grows "
            "every step (from x1 = 4, |x1| is {size:.3g} after 20 steps). It diverges.",
            "lr = {lr:g}이면 한 번 갱신할 때마다 x1에 곱해지는 배율 1 − 2·lr = {r:.3g}의 절댓값이 1보다 큽니다. "
            "그래서 x1이 갱신할 때마다 커지고(x1 = 4에서 시작하면 20번 뒤 |x1| = {size:.3g}) 결국 발산합니다.",
            lr=lr,
            r=1.0 - c1 * lr,
            size=_x1_after(lr),
        )
    else:
        hint = say(
            "lr = {lr:g} converges (x0 × {r0:.3g} and x1 × {r1:.3g} per step, both smaller than 1 in size), "
            "but a larger learning rate converges too. As lr grows, which factor reaches -1 first?",
            "lr = {lr:g}이면 수렴합니다(한 번 갱신할 때마다 x0 × {r0:.3g}, x1 × {r1:.3g}로 두 배율의 절댓값이 "
            "모두 1보다 작음). 하지만 더 큰 학습률도 수렴합니다. lr을 키우면 어느 배율이 먼저 -1에 닿을까요?",
            lr=lr,
            r0=1.0 - c0 * lr,
            r1=1.0 - c1 * lr,
        )
    raise NotYet(
        say(
            "Your answer: lr = {lr:g}. {hint}",
            "예측한 값은 lr = {lr:g}입니다. {hint}",
            lr=lr,
            hint=hint,
        )
    )
