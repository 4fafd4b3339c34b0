"""Numerical differentiation and gradient descent (chapter 4.3 and 4.4).

Taught in notebooks/02_numerical_differentiation.ipynb, notebooks/03_gradients.ipynb
and notebooks/04_gradient_descent.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .checks import positive_number, real_array, within_budget

#: The book's step for numerical differentiation: small, but not so small that
#: float64 rounding swamps the difference (see notebook 02's error-versus-h plot).
H = 1e-4


def _number(value, name: str, where: str) -> float:
    """``value`` (a real number: int, float, numpy scalar or 0-d array) as a Python float."""
    v = np.asarray(value) if not isinstance(value, (int, float)) else value
    if isinstance(v, np.ndarray):
        if v.ndim != 0 or v.dtype.kind not in "iuf":
            raise TypeError(
                f"{where}: {name} must be a single real number, got {type(value).__name__} "
                f"of shape {v.shape} and dtype {v.dtype}."
            )
        v = v.item()
    if isinstance(v, bool):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}.")
    try:
        number = float(v)
    except OverflowError:  # a Python int beyond 1.8e308
        raise ValueError(f"{where}: {name} = {value} is too large for a float (above 1.8e308).") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}: {name} must be a finite number, got {number}.")
    return number


def _value_of_f(value, where: str, at: str, hint: str = "Check f there, or start somewhere it is finite.") -> float:
    """What ``f`` returned, as a finite Python float: the loss of a single point."""
    if isinstance(value, float) and math.isfinite(value):  # the usual case (np.float64 included), quickly
        return float(value)
    v = np.asarray(value)
    if v.size != 1:
        raise ValueError(
            f"{where}: f must return a single number (the loss), but it returned an array of shape {v.shape}. "
            "Reduce it to a scalar, e.g. with np.sum(...)."
        )
    if v.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: f must return a real number, but it returned {value!r} (dtype {v.dtype}). "
            "Return a float, e.g. float(...) of the loss (take .real of a complex one only if that is what you mean)."
        )
    number = float(v.reshape(()))
    if not math.isfinite(number):
        raise ValueError(
            f"{where}: f returned {number} at {at}; a derivative needs finite values on both sides. {hint}"
        )
    return number


def numerical_diff(f: Callable[[float], float], x: float, h: float = H) -> float:
    """Derivative of ``f`` at ``x`` by the central difference (f(x+h) - f(x-h)) / 2h (수치 미분).

    Parameters
    ----------
    f : callable taking and returning a float
    x : float (or int, numpy real scalar, 0-d array), finite
        ``f`` is called with the float64 numbers x + h and x - h.
    h : float > 0, default 1e-4 (the book's choice)

    Returns
    -------
    float, finite. For f(x) = 0.01x² + 0.1x at x = 5 this is 0.1999999999990898 (exact: 0.2).
    When h is below the float spacing at x, x ± h rounds back to x and the result is 0:
    that rounding error is the lesson of notebook 02's error-versus-h figure, so it is
    returned, not refused.

    NaN and infinity: refused in ``x`` and ``h``, and as values of ``f`` (a derivative
    needs finite values on both sides); so is a quotient that overflows.

    Raises
    ------
    TypeError
        ``x`` or ``h`` not a real number (an array, complex, text); ``f`` returning
        something that is not a real number.
    ValueError
        NaN or inf in ``x``, ``h``, x ± h or f's values; ``h`` <= 0; ``f`` returning
        more than one number.
    """
    x = _number(x, "x", "numerical_diff")
    h = positive_number(h, "h", where="numerical_diff", hint="The book uses h = 1e-4.")
    if not (math.isfinite(x + h) and math.isfinite(x - h)):
        raise ValueError(f"numerical_diff: x ± h overflows (x = {x!r}, h = {h!r}); pass a smaller x or h.")
    # f sees numpy floats, so a learner's x**2 overflows to inf (reported below) instead of
    # raising Python's OverflowError; the arithmetic is the same IEEE float64 either way
    upper = _value_of_f(f(np.float64(x + h)), "numerical_diff", f"x + h = {x + h!r}")
    lower = _value_of_f(f(np.float64(x - h)), "numerical_diff", f"x - h = {x - h!r}")
    slope = (upper - lower) / (2 * h)
    if not math.isfinite(slope):
        raise ValueError(
            f"numerical_diff: (f(x+h) - f(x-h)) / 2h overflows at x = {x!r} with h = {h!r} "
            f"(f(x+h) = {upper!r}, f(x-h) = {lower!r}); use a larger h."
        )
    return slope


def _check_float_array(x, where: str) -> None:
    """The array numerical_gradient nudges in place: a writable numpy array of float32/64, finite."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{where} needs a numpy array of floats to nudge in place, got {type(x).__name__}. "
            "Pass np.array([...], dtype=float)."
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"{where} needs a float array, got dtype {x.dtype}: adding h=1e-4 to an integer "
            "array is truncated away and the result is garbage. Pass floats, e.g. np.array([3.0, 4.0]) "
            "or x.astype(float)."
        )
    if x.dtype.itemsize < 4:
        raise TypeError(
            f"{where} needs float32 or float64, got {x.dtype}: float16 keeps about 3 digits, so x + 1e-4 "
            "rounds back to x for every |x| >= 0.25 and the gradient comes out 0, as with integers. "
            "Pass x.astype(np.float64)."
        )
    if not x.flags.writeable:
        raise ValueError(
            f"{where} nudges x in place (and restores it), but x is read-only. Pass a writable copy, x.copy()."
        )
    if not np.isfinite(x).all():
        raise ValueError(
            f"{where}: x contains NaN or inf; there is no gradient there (x ± h stays NaN or inf). "
            "Find where it came from (np.isfinite(x).all())."
        )


def _central_differences(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float, where: str, hint: str = ""
) -> np.ndarray:
    """The loop of :func:`numerical_gradient` on a checked ``x``: nudge, evaluate, restore.

    ``hint`` replaces the advice of the messages about non-finite values.
    """
    hints = {"hint": hint} if hint else {}
    limit = float(np.finfo(x.dtype).max)  # a quotient beyond it would be stored as inf
    grad = np.zeros_like(x)
    # np.ndindex walks any array, also a non-contiguous view, so the nudges always land
    # in x itself (never in a copy that f would not see).
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            fxh1 = _value_of_f(f(x), where, f"x{list(index)} + h", **hints)
            x[index] = original - h
            fxh2 = _value_of_f(f(x), where, f"x{list(index)} - h", **hints)
        finally:
            x[index] = original
        quotient = (fxh1 - fxh2) / (2 * h)
        if not abs(quotient) <= limit:  # inf, or too large for float32
            raise ValueError(
                f"{where}: the difference quotient for x{list(index)} overflows {x.dtype} "
                f"(f(x+h) = {fxh1!r}, f(x-h) = {fxh2!r}). {hint or 'Rescale f, or use a larger h.'}"
            )
        grad[index] = quotient
    return grad


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """Gradient of a scalar function ``f`` at the array ``x``, one central difference per entry (기울기).

    Parameters
    ----------
    f : callable taking an array shaped like ``x`` and returning a scalar
    x : ndarray, any shape (0-d, empty and non-contiguous views included), float32 or float64
        Perturbed **in place** one entry at a time and restored exactly afterwards,
        also when ``f`` raises. That in-place nudge is why the book's
        ``numerical_gradient(lambda W: net.loss(x, t), net.W)`` works: the lambda
        ignores its argument, but ``net.W`` *is* the array being nudged.
    h : float > 0, default 1e-4

    Returns
    -------
    ndarray of the same shape and dtype as ``x``, finite. An empty ``x`` has an empty
    gradient (``f`` is not called). Where |x| is so large that x ± h rounds back to x
    (|x| above about 1e12 in float64) the entry is 0: notebook 04 shows that rounding
    stopping the book's lr=10 descent, so it is returned, not refused. float32 keeps
    only about 3 digits of each difference; use float64 for meaningful gradients.

    NaN and infinity: refused in ``x`` and as values of ``f``; so is a difference
    quotient that overflows x's dtype.

    Raises
    ------
    TypeError
        If ``x`` is not a float32/float64 array. On integers, x + 1e-4 is truncated back
        to x and the book's version returns garbage such as [25000 35000] for [3, 4];
        float16 rounds x ± 1e-4 back to x for |x| >= 0.25 and returns [0, 0] for (3, 4).
        Also if ``f`` returns something that is not a real number.
    ValueError
        If ``x`` is read-only or holds NaN/inf, ``h`` is not a positive finite number
        (or so large that x ± h overflows), or ``f`` does not return a single finite number.
    """
    _check_float_array(x, "numerical_gradient")
    h = positive_number(h, "h", where="numerical_gradient", hint="The book uses h = 1e-4.")
    largest = float(np.max(np.abs(x))) if x.size else 0.0
    if largest + h > float(np.finfo(x.dtype).max):
        raise ValueError(
            f"numerical_gradient: x ± h overflows {x.dtype} (largest |x| = {largest:.3g}, h = {h:.3g}); "
            "use a smaller h (the book uses 1e-4)."
        )
    return _central_differences(f, x, h, "numerical_gradient")


def _descent(f: Callable[[np.ndarray], float], x: np.ndarray, lr: float, step_num: int, where: str):
    """Yield ``x`` (updated in place) after each of ``step_num`` steps x ← x − lr·∇f(x)."""
    for k in range(1, step_num + 1):
        # f's own errors pass unchanged; the messages about non-finite values say where
        # in the descent they happened, since a growing x is the usual cause
        grad = _central_differences(
            f,
            x,
            H,
            f"{where} (step {k} of {step_num}, lr={lr:g}, x = {x})",
            "If x has been growing, the descent diverged: lower the learning rate.",
        )
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, with its cause
            x -= lr * grad
        if not np.isfinite(x).all():
            raise ValueError(
                f"{where} diverged: after step {k} of {step_num} with lr={lr:g}, x = {x} is no longer finite. "
                "Lower the learning rate (the book's example uses 0.1)."
            )
        yield x


def _start(init_x: ArrayLike, lr, step_num, where: str) -> tuple[np.ndarray, float, int]:
    """The checked arguments of the two descents: a float64 copy of ``init_x``, lr and step_num."""
    step_num = _check_steps(step_num)
    lr = positive_number(lr, "lr (the learning rate)", where=where, hint="The book uses 0.01 (its default) or 0.1.")
    x = real_array(init_x, "init_x", where).astype(np.float64)  # a copy: the caller's array is never touched
    return x, lr, step_num


def gradient_descent_path(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Every point visited by gradient descent, start included.

    Parameters
    ----------
    f, init_x, lr, step_num : as in :func:`gradient_descent`.

    Returns
    -------
    ndarray of shape (step_num + 1, *init_x.shape), float64, finite: row 0 is ``init_x``,
    row k the point after k steps. See notebook 04 for how the explorer reports divergence.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_descent`; and ValueError when the whole path would take more
        than :data:`dlfs.checks.MEMORY_BUDGET` bytes (1 GiB): use :func:`gradient_descent`,
        which keeps only the current point, or fewer steps.
    """
    x, lr, step_num = _start(init_x, lr, step_num, "gradient_descent_path")
    within_budget(
        (step_num + 1) * x.size * x.itemsize,
        f"a path of {step_num} steps of {x.size} coordinates",
        "gradient_descent_path",
        "Use gradient_descent for the end point (it keeps only the current x), or take fewer steps.",
    )
    path = np.empty((step_num + 1,) + x.shape)
    path[0] = x
    for k, point in enumerate(_descent(f, x, lr, step_num, "gradient_descent_path"), start=1):
        path[k] = point
    return path


def gradient_descent(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Minimise ``f`` by ``step_num`` steps x ← x − lr·∇f(x) (경사 하강법).

    Parameters
    ----------
    f : callable taking an array and returning a scalar
    init_x : array_like of real numbers, any shape, finite; the starting point,
        **never modified** (the book's version updates it in place, so a second call
        silently starts where the first ended)
    lr : float > 0, finite; the learning rate (학습률), default 0.01
    step_num : int >= 0, default 100

    Returns
    -------
    ndarray (float64, shape of ``init_x``), finite: the final point. For f = x0² + x1²
    from (-3, 4) with lr=0.1 and 100 steps: about [-6.1e-10, 8.1e-10]. Only the current
    point is kept, so any ``step_num`` fits in memory.

    NaN and infinity: refused in ``init_x`` and ``lr``. A descent whose x or f(x)
    overflows (too large a learning rate) stops with a ValueError naming the step,
    instead of returning NaN. (With lr=10 on x0² + x1² the book's run stops growing
    near 2.6e13, where x ± h rounds back to x: notebook 04 shows why; that is returned.)

    Raises
    ------
    TypeError
        ``step_num`` not a whole number; ``lr`` not a real number; ``init_x`` not real numbers.
    ValueError
        ``step_num`` negative; ``lr`` zero, negative, NaN or infinite; ``init_x`` with
        NaN or inf; a descent that leaves the float range (diverges).
    """
    x, lr, step_num = _start(init_x, lr, step_num, "gradient_descent")
    for _ in _descent(f, x, lr, step_num, "gradient_descent"):
        pass
    return x


def _check_steps(step_num) -> int:
    if isinstance(step_num, bool) or not isinstance(step_num, (int, np.integer)):
        raise TypeError(f"gradient_descent: step_num must be a whole number of steps, got {step_num!r}.")
    if step_num < 0:
        raise ValueError(
            f"gradient_descent: step_num must be 0 or more, got {step_num}. "
            "It counts the updates to make; pass e.g. step_num=100."
        )
    return int(step_num)
