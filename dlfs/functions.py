"""Activation and loss functions of chapters 3 and 4 (notebooks 01, 05 and 06).

Each is the book's formula after a one-line check of its arguments (:mod:`dlfs.checks`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .checks import float_array, labels, real_array

#: The book's guard against log(0) in cross_entropy_error.
CROSS_ENTROPY_DELTA = 1e-7


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), element-wise (시그모이드 함수).

    ``x``: real numbers of any shape (integers become float64); ±inf gives the limits 0 and 1,
    NaN is refused (ValueError). Returns a new array shaped like ``x``, values in [0, 1].
    """
    x = float_array(x, "x", "sigmoid", inf_ok=True)
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709, and 1 / inf = 0 is the right limit
        return 1 / (1 + np.exp(-x))


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of :func:`sigmoid` at ``x`` (its input, as in the book): (1 - sigmoid(x)) * sigmoid(x)."""
    s = sigmoid(x)
    return (1 - s) * s


def softmax(x: ArrayLike) -> np.ndarray:
    """Softmax along the last axis, exp(x) / sum(exp(x)) (소프트맥스 함수), overflow-safe.

    ``x``: scores of shape (C,) or (N, C), finite (an inf score has no probability). Returns a new
    array shaped like ``x`` whose rows are >= 0 and sum to 1; [1010, 1000, 990] works.
    """
    x = float_array(x, "x", "softmax")
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"softmax: x needs at least one score per row, shape (C,) or (N, C); got shape {x.shape}.")
    with np.errstate(over="ignore"):  # scores a float range apart: x - max = -inf, and exp(-inf) = 0 is right
        e = np.exp(x - x.max(axis=-1, keepdims=True))  # subtracting the maximum changes nothing but the overflow
    return e / e.sum(axis=-1, keepdims=True)


def sum_squares_error(y: ArrayLike, t: ArrayLike) -> float:
    """Sum of squares error 0.5 * sum((y - t)**2) (오차제곱합), over every element, as a float.

    ``y`` and ``t`` must have the same shape: numpy would broadcast (10,) against (10, 1) into a
    10×10 array and return a confident, meaningless number. NaN/inf, and an error beyond the
    float range, are refused (ValueError).
    """
    y, t = real_array(y, "y", "sum_squares_error"), real_array(t, "t", "sum_squares_error")
    if y.shape != t.shape:
        raise ValueError(f"sum_squares_error: y and t must have the same shape, got {y.shape} and {t.shape}.")
    with np.errstate(over="ignore"):
        error = float(0.5 * np.sum((y.astype(np.float64) - t) ** 2))
    if not math.isfinite(error):
        raise ValueError("sum_squares_error: the error overflows float64; y and t should be in [0, 1].")
    return error


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Cross entropy error -sum(t * log(y + 1e-7)), averaged over a batch (교차 엔트로피 오차).

    ``y``: probabilities in [0, 1] (rows of a softmax), shape (C,) or (N, C), N >= 1; scores passed
    instead of softmax(scores) are refused. ``t``: one-hot rows shaped like ``y``, or integer labels
    (a scalar or shape (1,) for 1-D ``y``, (N,) for a batch), checked to be in 0..C-1. The book's
    delta 1e-7 makes a probability of exactly 0 cost -log(1e-7) ≈ 16.1 instead of inf.
    """
    y = real_array(y, "y", "cross_entropy_error").astype(np.float64)  # float16 cannot hold 1 + 1e-7
    if y.ndim == 1:
        y, t = y.reshape(1, -1), np.reshape(t, (1, -1) if np.ndim(t) == 1 and np.size(t) > 1 else -1)
    if y.ndim != 2 or y.size == 0:
        raise ValueError(f"cross_entropy_error: y must have shape (C,) or (N, C) with N, C >= 1; got {y.shape}.")
    if y.min() < 0 or y.max() > 1:
        raise ValueError("cross_entropy_error: y must hold probabilities in [0, 1]; pass softmax(scores).")
    t = labels(t, y.shape[0], y.shape[1], "cross_entropy_error")
    return float(-np.sum(np.log(y[np.arange(len(t)), t] + CROSS_ENTROPY_DELTA)) / len(t))
