"""Numerical differentiation and gradient descent (chapter 4.3 and 4.4).

Taught in notebooks/02_numerical_differentiation.ipynb, notebooks/03_gradients.ipynb
and notebooks/04_gradient_descent.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

#: The book's step for numerical differentiation: small, but not so small that
#: float64 rounding swamps the difference (see notebook 02's error-versus-h plot).
H = 1e-4


def numerical_diff(f: Callable[[float], float], x: float, h: float = H) -> float:
    """Derivative of ``f`` at ``x`` by the central difference (f(x+h) - f(x-h)) / 2h.

    Parameters
    ----------
    f : callable taking and returning a float
    x : float
    h : float, default 1e-4 (the book's choice)

    Returns
    -------
    float. For f(x) = 0.01x² + 0.1x at x = 5 this is 0.1999999999990898 (exact: 0.2).
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def _scalar(value, where: str) -> float:
    v = np.asarray(value)
    if v.size != 1:
        raise ValueError(
            f"{where}: f must return a single number (the loss), but it returned an array of shape {v.shape}. "
            "Reduce it to a scalar, e.g. with np.sum(...)."
        )
    return float(v.reshape(()))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """Gradient of a scalar function ``f`` at the array ``x``, one central difference per entry.

    Parameters
    ----------
    f : callable taking an array shaped like ``x`` and returning a scalar
    x : ndarray, any shape, float dtype
        Perturbed **in place** one entry at a time and restored exactly afterwards,
        also when ``f`` raises. That in-place nudge is why the book's
        ``numerical_gradient(lambda W: net.loss(x, t), net.W)`` works: the lambda
        ignores its argument, but ``net.W`` *is* the array being nudged.
    h : float, default 1e-4

    Returns
    -------
    ndarray of the same shape and dtype as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a float array. On integers, x + 1e-4 is truncated back to x
        and the book's version returns garbage such as [25000 35000] for [3, 4].
    ValueError
        If ``f`` does not return a single number.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"numerical_gradient needs a numpy array of floats to nudge in place, got {type(x).__name__}. "
            "Pass np.array([...], dtype=float)."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"numerical_gradient needs a float array, got dtype {x.dtype}: adding h=1e-4 to an integer "
            "array is truncated away and the result is garbage. Pass floats, e.g. np.array([3.0, 4.0]) "
            "or x.astype(float)."
        )
    grad = np.zeros_like(x)
    flat = x.reshape(-1)  # a view, so nudging `flat` nudges `x`
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs a contiguous array; pass np.ascontiguousarray(x).")
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        try:
            flat[i] = original + h
            fxh1 = _scalar(f(x), "numerical_gradient")
            flat[i] = original - h
            fxh2 = _scalar(f(x), "numerical_gradient")
        finally:
            flat[i] = original
        gflat[i] = (fxh1 - fxh2) / (2 * h)
    return grad


def gradient_descent_path(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Every point visited by gradient descent, start included.

    Parameters
    ----------
    f, init_x, lr, step_num : as in :func:`gradient_descent`.

    Returns
    -------
    ndarray of shape (step_num + 1, *init_x.shape), float64: row 0 is ``init_x``,
    row k the point after k steps. Once a coordinate overflows to inf or nan the
    remaining rows are nan-filled by numpy; see notebook 04 for how the explorer
    reports divergence.
    """
    step_num = _check_steps(step_num)
    x = np.array(init_x, dtype=np.float64)  # a copy: the caller's array is never touched
    path = np.empty((step_num + 1,) + x.shape)
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, step_num + 1):
            x -= lr * numerical_gradient(f, x)
            path[k] = x
    return path


def gradient_descent(
    f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """Minimise ``f`` by ``step_num`` steps x ← x − lr·∇f(x) (경사 하강법).

    Parameters
    ----------
    f : callable taking an array and returning a scalar
    init_x : array_like, the starting point; **never modified** (the book's version
        updates it in place, so a second call silently starts where the first ended)
    lr : float, the learning rate (학습률), default 0.01
    step_num : int >= 0, default 100

    Returns
    -------
    ndarray (float64, shape of ``init_x``): the final point. For f = x0² + x1² from
    (-3, 4) with lr=0.1 and 100 steps: about [-6.1e-10, 8.1e-10].

    Raises
    ------
    ValueError
        If ``step_num`` is negative.
    """
    return gradient_descent_path(f, init_x, lr=lr, step_num=step_num)[-1].copy()


def _check_steps(step_num) -> int:
    if isinstance(step_num, bool) or not isinstance(step_num, (int, np.integer)):
        raise TypeError(f"gradient_descent: step_num must be a whole number of steps, got {step_num!r}.")
    if step_num < 0:
        raise ValueError(
            f"gradient_descent: step_num must be 0 or more, got {step_num}. "
            "It counts the updates to make; pass e.g. step_num=100."
        )
    return int(step_num)
