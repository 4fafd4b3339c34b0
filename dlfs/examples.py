"""The chapter's example functions, and a tiny model for notebook 01. Pure numpy, no checks.

The 2-D functions take ``x`` of shape (2,) or (2, ...): ``x[0]`` and ``x[1]`` may be grids (for
contour plots); they return a float for one point, an array of the grid's shape otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .functions import cross_entropy_error, sigmoid


def function_1(x: ArrayLike) -> np.ndarray | float:
    """The book's 1-D example 0.01x² + 0.1x (notebook 02), element-wise; its derivative is 0.02x + 0.1."""
    return 0.01 * x**2 + 0.1 * x


def function_2(x: ArrayLike) -> float:
    """The book's 2-D example x0² + x1² (notebooks 03 and 04): the sum of all squares, as a float."""
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))


def function_2_curvatures(x: ArrayLike | None = None) -> np.ndarray:
    """The second derivatives (∂²f/∂x0², ∂²f/∂x1²) of :func:`function_2`: (2, 2) everywhere."""
    return np.array([2.0, 2.0])


#: The coefficients (a0, a1) of :func:`elongated_bowl`, a0·x0² + a1·x1²: along x1 the bowl is 20 times
#: more curved than along x0, so one learning rate cannot suit both directions.
ELONGATED_BOWL_COEFFICIENTS = (0.05, 1.0)


def _scalar_or_grid(value):
    return float(value) if np.ndim(value) == 0 else value


def elongated_bowl(x: ArrayLike) -> float | np.ndarray:
    """A long, narrow bowl 0.05·x0² + x1² (notebook 04): gradient descent zig-zags across it."""
    x = np.asarray(x, dtype=np.float64)
    a0, a1 = ELONGATED_BOWL_COEFFICIENTS
    return _scalar_or_grid(a0 * x[0] ** 2 + a1 * x[1] ** 2)


def elongated_bowl_curvatures(x: ArrayLike | None = None) -> np.ndarray:
    """The second derivatives of :func:`elongated_bowl`, (0.1, 2) everywhere.

    Each step of gradient descent multiplies x_i by 1 − lr·(its curvature), so x1 diverges once
    lr > 1 while x0 would allow lr < 20.
    """
    return 2.0 * np.array(ELONGATED_BOWL_COEFFICIENTS, dtype=np.float64)


#: The tilt of :func:`tilted_double_well`: it makes the left well deeper than the right one.
TILT = 0.3


def tilted_double_well(x: ArrayLike) -> float | np.ndarray:
    """Two minima and a saddle: x0⁴ − 2x0² + 0.3x0 + x1² (notebook 03).

    The global minimum is near (−1.04, 0) with f ≈ −1.31, a shallower one near (0.96, 0) with
    f ≈ −0.71, and a saddle near (0.075, 0) between them.
    """
    x = np.asarray(x, dtype=np.float64)
    return _scalar_or_grid(x[0] ** 4 - 2 * x[0] ** 2 + TILT * x[0] + x[1] ** 2)


def tilted_double_well_critical_points() -> dict[str, np.ndarray]:
    """The minima and the saddle of :func:`tilted_double_well`, where 4x0³ − 4x0 + 0.3 = 0 and x1 = 0."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, TILT]).real)
    names = ("global minimum", "saddle", "local minimum")
    return {name: np.array([root, 0.0]) for name, root in zip(names, roots, strict=True)}


def tilted_double_well_curvatures(x: ArrayLike) -> np.ndarray:
    """The second derivatives (12·x0² − 4, 2) of :func:`tilted_double_well` at ``x``, shape (2,).

    Unlike a bowl's they change from place to place: about 8.87 at the global minimum, −3.93 at the
    saddle, 104 at x0 = ±3. (The off-diagonal entries of the Hessian are 0.)
    """
    x = np.asarray(x, dtype=np.float64)
    return np.array([12.0 * x[0] ** 2 - 4.0, 2.0])


#: Fixed bias of the one-weight model in notebook 01's accuracy-versus-loss figure.
TINY_BIAS = 0.5


def tiny_model_data(seed: int = 0, n_per_class: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D, two-class toy data set: x (2n,) drawn around −1 (class 0) and +1 (class 1), labels t (2n,)."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(-1.0, 1.0, n_per_class), rng.normal(1.0, 1.0, n_per_class)])
    return x, np.repeat([0, 1], n_per_class)


def tiny_model_accuracy(w: float, x: np.ndarray, t: np.ndarray, b: float = TINY_BIAS) -> float:
    """Accuracy (정확도) of "class 1 if w·x + b > 0" on ``(x, t)``, in [0, 1]."""
    return float(np.mean((w * x + b > 0).astype(int) == t))


def tiny_model_loss(w: float, x: np.ndarray, t: np.ndarray, b: float = TINY_BIAS) -> float:
    """Mean cross entropy of the model P(class 1) = sigmoid(w·x + b) on ``(x, t)``."""
    p1 = sigmoid(w * x + b)
    return cross_entropy_error(np.stack([1.0 - p1, p1], axis=1), t)
