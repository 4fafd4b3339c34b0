"""The chapter's example functions, and a tiny model for notebook 01.

Pure numpy, no plotting: the figures of :mod:`dlfs.plots` and the exercises use them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .functions import cross_entropy_error, sigmoid


def function_1(x: ArrayLike) -> np.ndarray | float:
    """The book's 1-D example f(x) = 0.01x² + 0.1x (notebook 02).

    Works element-wise on floats or arrays; its exact derivative is 0.02x + 0.1.
    """
    return 0.01 * x**2 + 0.1 * x


def function_2(x: ArrayLike) -> float:
    """The book's 2-D example f(x0, x1) = x0² + x1² (notebooks 03 and 04).

    Parameters
    ----------
    x : array_like of shape (2,) (any shape works: the sum of all squares)

    Returns
    -------
    float. Its gradient is (2x0, 2x1); its only minimum is f(0, 0) = 0.
    """
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))


def function_2_curvatures(x: ArrayLike | None = None) -> np.ndarray:
    """The second derivatives (∂²f/∂x0², ∂²f/∂x1²) of :func:`function_2`: (2, 2) everywhere (notebook 04).

    ``x`` is accepted, and ignored, so every example has the same ``*_curvatures(x)`` form.
    Returns an ndarray of shape (2,), float64.
    """
    return np.array([2.0, 2.0])


#: The coefficients (a0, a1) of :func:`elongated_bowl`, a0·x0² + a1·x1²: along x1 the bowl is
#: 20 times more curved than along x0, so one learning rate cannot suit both directions.
ELONGATED_BOWL_COEFFICIENTS = (0.05, 1.0)


def elongated_bowl(x: ArrayLike) -> float | np.ndarray:
    """A long, narrow bowl 0.05·x0² + x1² (notebook 04): gradient descent zig-zags across it.

    Parameters
    ----------
    x : array_like of shape (2,) or (2, ...)
        ``x[0]`` and ``x[1]`` may be grids (for contour plots).

    Returns
    -------
    float for a single point, ndarray of the grid shape otherwise. The only minimum is
    f(0, 0) = 0; the curvatures are given by :func:`elongated_bowl_curvatures`.
    """
    x = np.asarray(x, dtype=np.float64)
    a0, a1 = ELONGATED_BOWL_COEFFICIENTS
    value = a0 * x[0] ** 2 + a1 * x[1] ** 2
    return float(value) if np.ndim(value) == 0 else value


def elongated_bowl_curvatures(x: ArrayLike | None = None) -> np.ndarray:
    """The second derivatives of :func:`elongated_bowl`: (0.1, 2) everywhere, shape (2,) (notebook 04).

    On a bowl each step of gradient descent multiplies x_i by 1 − lr·(its curvature), so x1
    (curvature 2) diverges once lr > 2/2 = 1 while x0 (curvature 0.1) would allow lr < 20.
    ``x`` is ignored: a quadratic's curvature is the same everywhere.
    """
    return 2.0 * np.array(ELONGATED_BOWL_COEFFICIENTS, dtype=np.float64)


#: The tilt of :func:`tilted_double_well`: it makes the left well deeper than the right one.
TILT = 0.3


def tilted_double_well(x: ArrayLike) -> float | np.ndarray:
    """A 2-D function with two minima and a saddle: x0⁴ − 2x0² + 0.3x0 + x1² (notebook 03).

    Parameters
    ----------
    x : array_like of shape (2,) or (2, ...)
        ``x[0]`` and ``x[1]`` may be grids (for contour plots).

    Returns
    -------
    float for a single point, ndarray of the grid shape otherwise.

    The global minimum is near (−1.04, 0) with f ≈ −1.31, a second, shallower
    minimum near (0.96, 0) with f ≈ −0.71, and between them a saddle near (0.075, 0).
    """
    x = np.asarray(x, dtype=np.float64)
    x0, x1 = x[0], x[1]
    value = x0**4 - 2 * x0**2 + TILT * x0 + x1**2
    return float(value) if np.ndim(value) == 0 else value


def tilted_double_well_critical_points() -> dict[str, np.ndarray]:
    """The minima and the saddle of :func:`tilted_double_well`, shape (2,) each (notebook 03).

    They sit on x1 = 0 where 4x0³ − 4x0 + 0.3 = 0; numpy's polynomial roots give them.
    """
    roots = np.sort(np.roots([4.0, 0.0, -4.0, TILT]).real)
    return {
        "global minimum": np.array([roots[0], 0.0]),
        "saddle": np.array([roots[1], 0.0]),
        "local minimum": np.array([roots[2], 0.0]),
    }


def tilted_double_well_curvatures(x: ArrayLike) -> np.ndarray:
    """The second derivatives (12·x0² − 4, 2) of :func:`tilted_double_well` at ``x`` (notebook 04).

    Parameters
    ----------
    x : array_like of shape (2,)

    Returns
    -------
    ndarray of shape (2,), float64. Unlike a bowl's, the curvature along x0 changes from
    place to place: about 8.87 at the global minimum, 7.06 at the local one, negative
    (−3.93) at the saddle, and 104 at x0 = ±3, where a learning rate that settles into a
    valley makes the first steps overshoot. (The function is a sum of a term in x0 and one
    in x1, so these two numbers are the whole Hessian: its off-diagonal entries are 0.)
    """
    x = np.asarray(x, dtype=np.float64)
    return np.array([12.0 * x[0] ** 2 - 4.0, 2.0])


#: Fixed bias of the one-weight model in notebook 01's accuracy-versus-loss figure.
TINY_BIAS = 0.5


def tiny_model_data(seed: int = 0, n_per_class: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D, two-class toy data set for notebook 01: x of shape (2n,), labels t of shape (2n,).

    Class 0 is drawn around −1, class 1 around +1 (standard deviation 1), so the
    classes overlap and no threshold gets every point right.
    """
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(-1.0, 1.0, n_per_class), rng.normal(1.0, 1.0, n_per_class)])
    t = np.repeat([0, 1], n_per_class)
    return x, t


def tiny_model_accuracy(w: float, x: np.ndarray, t: np.ndarray, b: float = TINY_BIAS) -> float:
    """Accuracy (정확도) of the model "class 1 if w·x + b > 0" on ``(x, t)``, a float in [0, 1] (notebook 01)."""
    return float(np.mean((w * x + b > 0).astype(int) == t))


def tiny_model_loss(w: float, x: np.ndarray, t: np.ndarray, b: float = TINY_BIAS) -> float:
    """Mean cross entropy of the model P(class 1) = sigmoid(w·x + b) on ``(x, t)`` (notebook 01)."""
    p1 = sigmoid(w * x + b)
    y = np.stack([1.0 - p1, p1], axis=1)
    return cross_entropy_error(y, t)
