"""Activation and loss functions of chapters 3 and 4.

Taught in notebooks/01_loss_functions.ipynb (losses) and used by the networks in
notebooks/05_simple_net.ipynb and notebooks/06_two_layer_net_mnist.ipynb.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: The book's guard against log(0) in cross_entropy_error.
CROSS_ENTROPY_DELTA = 1e-7


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), element-wise.

    Parameters
    ----------
    x : array_like, any shape, float

    Returns
    -------
    ndarray, same shape as ``x``, values in [0, 1].

    Written so that no ``exp`` overflows (the book's ``1 / (1 + np.exp(-x))`` warns
    for x < -709): for negative x it uses the equal form exp(x) / (1 + exp(x)).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """Derivative of :func:`sigmoid` at ``x``: sigmoid(x) * (1 - sigmoid(x)).

    Note that the argument is the *input* of the sigmoid, as in the book's
    ``sigmoid_grad(a1)``, not its output.
    """
    s = sigmoid(x)
    return (1.0 - s) * s


def softmax(x: ArrayLike) -> np.ndarray:
    """Softmax along the last axis: exp(x) / sum(exp(x)).

    Parameters
    ----------
    x : array_like, shape (C,) or (N, C) (any leading shape works), float
        Scores ("logits") of C classes, one row per sample.

    Returns
    -------
    ndarray, same shape as ``x``; every row is non-negative and sums to 1.

    The row maximum is subtracted first. That changes nothing mathematically
    (softmax(x + c) = softmax(x)) but keeps ``exp`` from overflowing: logits like
    [1010, 1000, 990] work.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("softmax needs at least one score; got a scalar. Pass an array of shape (C,) or (N, C).")
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


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
    float. Like the book, the sum runs over every element (it is not averaged over a
    batch).

    Raises
    ------
    ValueError
        If the shapes differ. NumPy would broadcast (10,) against (10, 1) into a
        10×10 array and return a confident, meaningless number.
    """
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if y.shape != t.shape:
        raise ValueError(
            f"sum_squares_error needs y and t of the same shape, got y {y.shape} and t {t.shape}. "
            "Pass one-hot targets shaped like the outputs (reshape or np.eye(classes)[labels])."
        )
    return float(0.5 * np.sum((y - t) ** 2))


def _label_targets(t: np.ndarray, n_rows: int, n_classes: int, where: str) -> np.ndarray:
    """Return integer class labels of shape (n_rows,), from labels or one-hot rows."""
    if t.ndim == 2 and t.shape[1] == n_classes and t.shape[0] == n_rows:
        if not np.all((t == 0) | (t == 1)) or not np.all(t.sum(axis=1) == 1):
            raise ValueError(
                f"{where}: 2-D targets must be one-hot rows (a single 1 and zeros). "
                "Pass integer labels of shape (N,) or one-hot rows of shape (N, classes)."
            )
        return t.argmax(axis=1)
    if t.ndim == 2:
        raise ValueError(
            f"{where}: one-hot targets of shape {t.shape} do not match predictions with "
            f"{n_rows} rows of {n_classes} classes. Pass targets of shape ({n_rows}, {n_classes}) or labels of shape ({n_rows},)."
        )
    if t.ndim != 1:
        raise ValueError(
            f"{where}: targets must be labels of shape (N,) or one-hot rows of shape (N, classes); got shape {t.shape}."
        )
    if t.shape[0] != n_rows:
        raise ValueError(
            f"{where}: {n_rows} predictions but {t.shape[0]} targets. Pass exactly one target per prediction row."
        )
    if t.dtype == bool or not (np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.floating)):
        raise TypeError(f"{where}: labels must be integers 0..{n_classes - 1}, got dtype {t.dtype}.")
    if np.issubdtype(t.dtype, np.floating):
        if not np.all(np.isfinite(t)) or not np.all(t == np.round(t)):
            raise TypeError(
                f"{where}: labels must be whole numbers 0..{n_classes - 1}, got non-integer values "
                f"such as {t[t != np.round(t)][:1]}. Pass integer class labels (t.astype(int)) or one-hot rows."
            )
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t[(t < 0) | (t >= n_classes)][0]
        raise ValueError(
            f"{where}: label {bad} is outside 0..{n_classes - 1} for {n_classes} classes "
            "(numpy would silently wrap a negative label to the last class). Pass labels in 0..classes-1."
        )
    return t.astype(np.intp)


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

    Raises
    ------
    ValueError
        Different numbers of predictions and targets; a label outside 0..C-1
        (negative labels included); 2-D targets that are not one-hot.
    TypeError
        Non-integer labels such as 2.5.
    """
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.floating):
        y = y.astype(np.float64)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.shape[1] and t.size > 1 else t.reshape(-1)
    if y.ndim != 2:
        raise ValueError(f"cross_entropy_error: predictions must have shape (C,) or (N, C), got {y.shape}.")
    labels = _label_targets(t, y.shape[0], y.shape[1], "cross_entropy_error")
    n = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(n), labels] + CROSS_ENTROPY_DELTA)) / n)
