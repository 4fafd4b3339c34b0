"""Activation and loss functions of chapters 3 and 4.

Taught in notebooks/01_loss_functions.ipynb (losses) and used by the networks in
notebooks/05_simple_net.ipynb and notebooks/06_two_layer_net_mnist.ipynb.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .checks import as_labels, real_array

#: The book's guard against log(0) in cross_entropy_error.
CROSS_ENTROPY_DELTA = 1e-7


def _float_array(x: ArrayLike, where: str, *, inf_ok: bool = False) -> np.ndarray:
    """``x`` checked by :func:`dlfs.checks.real_array`, as floats (integers and bools become float64)."""
    x = real_array(x, "x", where, inf_ok=inf_ok)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid_inplace(a: np.ndarray) -> np.ndarray:
    """The sigmoid formula 1 / (1 + exp(-a)), computed in place in the float array ``a``; returns ``a``.

    No checks: this is the step that :func:`sigmoid` and the networks' forward passes
    share. For a < -709 (float64; -88 in float32) exp(-a) overflows to inf and
    1 / inf = 0 is the right limit, so that overflow warning is silenced.
    """
    with np.errstate(over="ignore"):
        np.negative(a, out=a)
        np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), element-wise (시그모이드 함수).

    Parameters
    ----------
    x : array_like, any shape, real numbers (integers become float64)

    Returns
    -------
    ndarray, same shape as ``x``, float, values in [0, 1]. ``x`` is not modified.

    NaN and infinity: ±inf is accepted and gives the limits 0 and 1 (exactly what
    large finite inputs give); NaN is refused.

    Raises
    ------
    TypeError
        Complex or non-numeric input.
    ValueError
        NaN in ``x`` (it has no sigmoid; the book's code would pass it on silently).
    """
    x = _float_array(x, "sigmoid", inf_ok=True)
    return sigmoid_inplace(np.array(x, copy=True))


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of :func:`sigmoid` at ``x``: sigmoid(x) * (1 - sigmoid(x)).

    Note that the argument is the *input* of the sigmoid, as in the book's
    ``sigmoid_grad(a1)``, not its output.

    Returns an array shaped like ``x``, float, values in [0, 0.25]; ±inf gives 0 and NaN
    is refused, as in :func:`sigmoid`.
    """
    s = sigmoid(x)
    s *= 1.0 - s  # in place, so a 0-d input gives a 0-d array like sigmoid's, not a numpy scalar
    return s


def softmax_inplace(a: np.ndarray) -> np.ndarray:
    """The softmax formula exp(a) / sum(exp(a)) along the last axis, in place in ``a``; returns ``a``.

    No checks: the step that :func:`softmax` and the networks' forward passes share.
    The row maximum is subtracted first. That changes nothing mathematically
    (softmax(a + c) = softmax(a)) but keeps ``exp`` from overflowing.
    """
    a -= a.max(axis=-1, keepdims=True)
    np.exp(a, out=a)
    a /= a.sum(axis=-1, keepdims=True)
    return a


def softmax(x: ArrayLike) -> np.ndarray:
    """Softmax along the last axis: exp(x) / sum(exp(x)) (소프트맥스 함수).

    Parameters
    ----------
    x : array_like, shape (C,) or (N, C) (any leading shape works), real numbers
        Scores ("logits") of C classes, one row per sample.

    Returns
    -------
    ndarray, same shape as ``x``; every row is non-negative and sums to 1. Overflow-safe:
    logits like [1010, 1000, 990] work. ``x`` is not modified.

    NaN and infinity: refused. A score of +inf has no probability to give (inf − inf);
    a NaN means something upstream already went wrong. Huge finite scores are fine.

    Raises
    ------
    TypeError
        Complex or non-numeric input (complex scores are refused, not cut to their real part).
    ValueError
        A scalar or an empty last axis (no classes), or NaN/inf among the scores.
    """
    x = _float_array(x, "softmax")
    if x.ndim == 0:
        raise ValueError("softmax needs at least one score; got a scalar. Pass an array of shape (C,) or (N, C).")
    if x.shape[-1] == 0:
        raise ValueError(f"softmax needs at least one class; got shape {x.shape}.")
    # Scores a whole float range apart (1e308 and -1e308) overflow to -inf when the row
    # maximum is subtracted; exp(-inf) = 0 is the right probability, so no warning.
    with np.errstate(over="ignore"):
        return softmax_inplace(np.array(x, copy=True))


def sum_squares_error(y: ArrayLike, t: ArrayLike) -> float:
    """Sum of squares error 0.5 * sum((y - t)**2) (오차제곱합 in the Korean edition).

    Parameters
    ----------
    y : array_like, shape (C,) or (N, C)
        Network outputs.
    t : array_like, same shape as ``y``
        One-hot targets.

    Returns
    -------
    float, computed in float64. Like the book, the sum runs over every element (it is
    not averaged over a batch); for empty arrays it is 0.0 (a sum of nothing).

    NaN and infinity: refused in ``y`` and ``t``; so is a finite error too large for
    float64 (inputs near 1e154), instead of returning inf.

    Raises
    ------
    ValueError
        If the shapes differ. NumPy would broadcast (10,) against (10, 1) into a
        10×10 array and return a confident, meaningless number. Also NaN/inf in the
        inputs, or an error that overflows.
    TypeError
        Complex or non-numeric input.
    """
    # the kinds of both first (TypeError), then the shapes, then the values (ValueError)
    y = real_array(y, "y", "sum_squares_error", finite=False)
    t = real_array(t, "t", "sum_squares_error", finite=False)
    if y.shape != t.shape:
        raise ValueError(
            f"sum_squares_error needs y and t of the same shape, got y {y.shape} and t {t.shape}. "
            "Pass one-hot targets shaped like the outputs (reshape or np.eye(classes)[labels])."
        )
    y = real_array(y, "y", "sum_squares_error").astype(np.float64)
    t = real_array(t, "t", "sum_squares_error").astype(np.float64)
    with np.errstate(over="ignore"):  # reported below with its cause
        diff = y - t
        error = float(0.5 * np.sum(diff**2))
    if not math.isfinite(error):
        raise ValueError(
            "sum_squares_error: the error overflows float64 (the largest |y - t| is "
            f"{float(np.max(np.abs(diff))):.3g}); y and t should be probabilities and one-hot targets in [0, 1]."
        )
    return error


def mean_cross_entropy(y: np.ndarray, labels: np.ndarray) -> float:
    """The cross entropy formula -(1/N) Σ_n log(y[n, t_n] + 1e-7), without checks.

    ``y`` (N, C) holds probabilities and ``labels`` (N,) integer classes; this is the step
    that :func:`cross_entropy_error` and the networks share.
    """
    n = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(n), labels] + CROSS_ENTROPY_DELTA)) / n)


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Cross entropy error -sum(t * log(y + 1e-7)), averaged over a batch (교차 엔트로피 오차).

    Parameters
    ----------
    y : array_like, shape (C,) or (N, C)
        Predicted probabilities (rows of a softmax).
    t : array_like
        Targets: one-hot, shape like ``y``; or integer labels, a scalar/shape (1,)
        for 1-D ``y`` and shape (N,) for a batch.

    Returns
    -------
    float: the loss of one sample, or the mean over the N samples of a batch.

    The book's delta 1e-7 is added inside the log so that a predicted probability
    of exactly 0 gives a large but finite loss (-log 1e-7 ≈ 16.1) instead of inf.

    NaN and infinity: ``y`` must hold probabilities, so NaN, ±inf and any value outside
    [0, 1] are refused (a negative y makes the log NaN; scores passed instead of
    softmax(scores) would give a confident wrong number). An empty batch is refused:
    the mean over no samples is not a number.

    Raises
    ------
    ValueError
        An empty batch or no classes; values of ``y`` outside [0, 1]; different numbers
        of predictions and targets; a label outside 0..C-1 (negative labels included);
        2-D targets that are not one-hot.
    TypeError
        Complex or non-numeric predictions; non-integer labels such as 2.5.
    """
    y = real_array(y, "y", "cross_entropy_error")
    if y.dtype.itemsize < 4 or y.dtype.kind != "f":  # float16 cannot even hold the delta 1e-7 well
        y = y.astype(np.float64)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.shape[1] and t.size > 1 else t.reshape(-1)
    if y.ndim != 2:
        raise ValueError(f"cross_entropy_error: predictions must have shape (C,) or (N, C), got {y.shape}.")
    if y.shape[0] == 0 or y.shape[1] == 0:
        raise ValueError(
            f"cross_entropy_error: predictions of shape {y.shape} hold no samples or no classes; the mean loss "
            "over them is not a number. Pass at least one row of at least one class probability."
        )
    if y.min() < 0 or y.max() > 1:
        bad = float(y.min()) if y.min() < 0 else float(y.max())
        raise ValueError(
            f"cross_entropy_error: y must hold probabilities in [0, 1], got {bad!r}. "
            "Pass softmax(scores), not the scores themselves."
        )
    labels = as_labels(t, y.shape[0], y.shape[1], "cross_entropy_error")
    return mean_cross_entropy(y, labels)
