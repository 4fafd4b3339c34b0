"""Numerical differentiation and gradient descent (chapter 4.3 and 4.4; notebooks 02, 03 and 04).

The book's three functions, each after a one-line check of its arguments. Where the book's code
is a trap, these do the right thing: integer arrays are refused instead of differentiated into
garbage, ``init_x`` is never modified, and values of ``f`` that have no derivative are named.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .checks import count, float_array, nudgeable, number

#: The book's step for numerical differentiation: small, but not so small that float64 rounding
#: swamps the difference (notebook 02's error-versus-h figure).
H = 1e-4


def _value(value, where: str) -> float:
    """What ``f`` returned (or a difference quotient), as a finite float; anything else is named."""
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: f must return one real number (the loss), got {value!r:.80}.")
    number = float(array.reshape(()))
    if not math.isfinite(number):
        raise ValueError(f"{where}: got {number}, but a derivative needs finite values of f and of the quotient.")
    return number


def numerical_diff(f: Callable[[float], float], x: float, h: float = H) -> float:
    """Derivative of ``f`` at ``x`` by the central difference (f(x+h) - f(x-h)) / 2h (수치 미분).

    ``x`` a finite real number, ``h`` > 0 (the book's 1e-4); ``f`` gets float64 numbers and must
    return finite ones. For f(x) = 0.01x² + 0.1x at 5 this is 0.1999999999990898 (exactly: 0.2).
    Where h is below the float spacing at x, x ± h rounds back to x and the result is 0: that is
    notebook 02's lesson about rounding, so it is returned, not refused.
    """
    x, h = number(x, "x", "numerical_diff"), number(h, "h", "numerical_diff", positive=True)
    with np.errstate(over="ignore"):  # an overflow of f, or of the quotient, is named below
        upper = _value(f(np.float64(x) + h), "numerical_diff (at x + h)")
        lower = _value(f(np.float64(x) - h), "numerical_diff (at x - h)")
    return _value((upper - lower) / (2 * h), "numerical_diff (the quotient)")


def _gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float, where: str) -> np.ndarray:
    """The book's loop on a checked float ``x``: nudge one entry by ±h in place, evaluate f, restore."""
    before, grad, limit = x.copy(), np.zeros_like(x), float(np.finfo(x.dtype).max)
    try:
        for index in np.ndindex(x.shape):  # also walks a non-contiguous view, so f sees every nudge
            values = []
            for step in (h, -h):
                x[index] = before[index] + step
                nudged = x[index]
                values.append(_value(f(x), where))
                x[index], changed = before[index], x[index] != nudged
                if changed or not np.array_equal(x, before):
                    raise ValueError(f"{where}: f changed its argument in place; work on a copy in f (x = x.copy()).")
            quotient = _value((values[0] - values[1]) / (2 * h), where)
            if abs(quotient) > limit:
                raise ValueError(f"{where}: a difference quotient overflows {x.dtype}; rescale f or use float64.")
            grad[index] = quotient
    finally:
        x[...] = before  # the caller's x as it was, also when f raised or changed it
    return grad


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """Gradient of a scalar function ``f`` at the array ``x``, one central difference per entry (기울기).

    ``x`` must be a writable float32/float64 ndarray of any shape, finite: it is nudged **in place**
    one entry at a time and restored afterwards, also when ``f`` raises. That is why the book's
    ``numerical_gradient(lambda W: net.loss(x, t), net.W)`` works: the lambda ignores its argument,
    but ``net.W`` *is* the array being nudged. Integer arrays are refused (the book's loop returns
    [25000 35000] for [3, 4]: x + 1e-4 is truncated back to x), and so is float16 (x ± 1e-4 rounds
    back to x for |x| >= 0.25). An ``f`` that changes its argument is refused (ValueError) and ``x``
    restored. Returns an array shaped like ``x`` and of its dtype, finite.
    """
    h = nudgeable(x, h, "numerical_gradient")  # x: a writable float32/float64 array, finite; h > 0
    return _gradient(f, x, h, "numerical_gradient")


def _descend(f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float, step_num: int, where: str):
    """Yield the start, then x after each of ``step_num`` steps x ← x − lr·∇f(x), on a float64 copy of init_x."""
    lr, step_num = number(lr, "lr", where, positive=True), count(step_num, "step_num", where)
    x = float_array(init_x, "init_x", where).astype(np.float64)  # a copy: init_x is never modified
    yield x.copy()
    for step in range(1, step_num + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # a descent that leaves the floats is named below
            x -= lr * _gradient(f, x, H, f"{where} (step {step}, lr={lr:g}; if x grew, lower lr)")
        if not np.isfinite(x).all():
            raise ValueError(f"{where}: diverged at step {step} with lr={lr:g} (x is no longer finite); lower lr.")
        yield x.copy()


def gradient_descent(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Minimise ``f`` by ``step_num`` steps x ← x − lr·∇f(x) (경사 하강법); returns the final x (float64).

    ``init_x``: real numbers, finite, **never modified** (the book's version updates it in place, so
    a second call silently starts where the first ended). ``lr`` > 0, ``step_num`` >= 0 an int. For
    f = x0² + x1² from (-3, 4) with lr=0.1: about [-6.1e-10, 8.1e-10]. A descent that leaves the
    float range raises ValueError naming the step (with lr=10 the book's run stops growing near 2.6e13,
    where x ± h rounds back to x: notebook 04 shows why, so that is returned).
    """
    return deque(_descend(f, init_x, lr, step_num, "gradient_descent"), maxlen=1).pop()  # only the last point kept


def gradient_descent_path(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Every point :func:`gradient_descent` visits: shape (step_num + 1, *init_x.shape), start first."""
    return np.array(list(_descend(f, init_x, lr, step_num, "gradient_descent_path")))
