"""Exercises of notebooks/01_loss_functions.ipynb."""

from __future__ import annotations

import math

import numpy as np

from ..functions import CROSS_ENTROPY_DELTA, softmax
from ..language import say
from .core import NotYet, as_float, call, exercise, require_function

NOTEBOOK = "01_loss_functions.ipynb"

_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # the book's prediction of a "2"
_T = np.eye(10)[2]
_Y_ZERO = np.eye(10)[7]  # all probability on 7: the correct class 2 gets exactly 0


def _cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, y, t) for the cross entropy exercise: single samples, batches, labels and one-hot."""
    rng = np.random.default_rng(1)
    y5 = softmax(rng.standard_normal((5, 10)) * 2)
    labels5 = rng.integers(0, 10, size=5)
    return [
        (say("“the book's y and one-hot t”", "“책의 y와 원-핫 t”"), _Y, _T),
        (say("“the book's y and the label t = 2”", "“책의 y와 레이블 t = 2”"), _Y, np.array(2)),
        (say("“a batch of 5 with one-hot rows”", "“원-핫 행으로 된 배치 5개”"), y5, np.eye(10)[labels5]),
        (say("“a batch of 5 with labels”", "“레이블로 된 배치 5개”"), y5, labels5),
        (say("“the correct class got probability exactly 0”", "“정답 클래스의 확률이 정확히 0”"), _Y_ZERO, _T),
    ]


def _reference(y: np.ndarray, t: np.ndarray, delta: float = CROSS_ENTROPY_DELTA) -> float:
    y2 = y.reshape(-1, y.shape[-1])
    labels = t.reshape(-1) if t.size == len(y2) else t.reshape(len(y2), -1).argmax(axis=1)
    return float(-np.sum(np.log(y2[np.arange(len(y2)), labels] + delta)) / len(y2))


@exercise(
    "01.cross_entropy",
    NOTEBOOK,
    "write",
    "cross_entropy_error for batches",
    "Write cross_entropy_error(y, t): the mean over the batch of -log(y[correct class] + 1e-7), "
    "for y of shape (10,) or (N, 10) and t as integer labels or one-hot rows.",
)
def check_cross_entropy(answer) -> str:
    require_function(answer)
    for name, y, t in _cases():
        result = as_float(call(answer, y.copy(), t.copy(), case=name), name)
        expected = _reference(y, t)
        if math.isclose(result, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        n = len(y.reshape(-1, 10))
        if not math.isfinite(result):
            hint = say(
                "log(0) is -inf: add the book's delta 1e-7 inside the log, np.log(y + 1e-7).",
                "log(0)은 -inf입니다. 책처럼 로그 안에 작은 값 1e-7을 더하세요: np.log(y + 1e-7).",
            )
        elif math.isclose(result, _reference(y, t, delta=0.0), rel_tol=1e-12):
            hint = say(
                "That is the loss without the book's delta: use np.log(y + 1e-7).",
                "책의 delta(1e-7)를 빼고 계산한 값입니다. np.log(y + 1e-7)을 쓰세요.",
            )
        elif math.isclose(result, -expected, rel_tol=1e-9):
            hint = say(
                "The sign is flipped: the loss is minus the log.",
                "부호가 반대입니다. 손실은 로그에 마이너스를 붙인 값입니다.",
            )
        elif n > 1 and math.isclose(result, n * expected, rel_tol=1e-9):
            hint = say(
                "That is {n} times the answer: you summed over the batch; divide by the batch size for the mean.",
                "정답의 {n}배입니다. 배치 전체를 더하기만 했으니 배치 크기로 나눠 평균을 내세요.",
                n=n,
            )
        elif n == 1 and math.isclose(result, expected / 10, rel_tol=1e-9):
            hint = say(
                "That is a tenth of the answer: for a single sample (y of shape (10,)) the batch size is 1, "
                "not y.shape[0] — reshape y to (1, 10) first, as the book does.",
                "정답의 1/10입니다. 데이터 하나(y의 형상이 (10,))일 때 배치 크기는 y.shape[0]이 아니라 1입니다. "
                "책처럼 먼저 y를 (1, 10)으로 reshape하세요.",
            )
        elif t.size == n:
            hint = say(
                "Here t holds labels, not one-hot rows: when t.size equals the batch size, the loss uses "
                "y[np.arange(batch_size), t], the probability of each sample's correct class.",
                "여기서 t는 원-핫이 아니라 레이블입니다. t.size가 배치 크기와 같으면 각 데이터의 정답 클래스 확률 "
                "y[np.arange(batch_size), t]로 손실을 계산합니다.",
            )
        else:
            hint = say(
                "Here t holds one-hot rows: the correct class of each row is t.argmax(axis=1).",
                "여기서 t는 원-핫 행입니다. 각 행의 정답 클래스는 t.argmax(axis=1)입니다.",
            )
        raise NotYet(
            say(
                "Case {case}: expected {expected:.10g}, got {result:.10g}. {hint}",
                "경우 {case}: {expected:.10g}이(가) 나와야 하는데 {result:.10g}이(가) 나왔습니다. {hint}",
                case=name,
                expected=expected,
                result=result,
                hint=hint,
            )
        )
    return say(
        "It gives the book's 0.5108 and handles single samples, batches, labels, one-hot rows and a zero probability.",
        "책의 0.5108을 내고, 데이터 하나와 배치, 레이블과 원-핫, 확률 0까지 모두 처리합니다.",
    )
