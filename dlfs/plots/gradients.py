"""Figures of notebooks/03_gradients.ipynb: gradients (기울기), the surface and the arrow plot."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure

from ..examples import function_2, tilted_double_well, tilted_double_well_critical_points
from ..gradient import gradient_descent_path, numerical_gradient
from .style import new_figure


def gradient_on_grid(f: Callable[[np.ndarray], float], X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dlfs.numerical_gradient of ``f`` at every grid point; two float64 arrays shaped like ``X`` (notebook 03)."""
    points = np.stack([X.ravel(), Y.ravel()], axis=1).astype(np.float64)
    grads = np.array([numerical_gradient(f, p) for p in points])
    return grads[:, 0].reshape(X.shape), grads[:, 1].reshape(X.shape)


def book_quiver_grid() -> tuple[np.ndarray, np.ndarray]:
    """The book's quiver grid: x0 and x1 in np.arange(-2, 2.5, 0.25), two (18, 18) arrays (notebook 03)."""
    x0 = np.arange(-2, 2.5, 0.25)
    x1 = np.arange(-2, 2.5, 0.25)
    return np.meshgrid(x0, x1)


def surface_figure() -> Figure:
    """3-D surface of f(x0, x1) = x0² + x1² on [−3, 3]² (notebook 03)."""
    g = np.linspace(-3, 3, 61)
    X, Y = np.meshgrid(g, g)
    fig = new_figure(6.5, 5.5)
    ax = fig.add_subplot(projection="3d")
    # 31 x 31 facets look smooth and keep the PNG (stored in the notebook) small
    ax.plot_surface(X, Y, X**2 + Y**2, cmap="viridis", linewidth=0, rcount=31, ccount=31, antialiased=False)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_zlabel("f(x0, x1)")
    ax.set_title("f(x0, x1) = x0² + x1²")
    return fig


def quiver_figure() -> Figure:
    """The book's figure 4-9: arrows of −∇f for f = x0² + x1² on the grid −2 … 2.25 step 0.25 (notebook 03).

    The gradients come from dlfs.numerical_gradient at each of the 18 × 18 grid
    points; every arrow points toward the minimum at the origin and is longer the
    farther the point is from it.
    """
    X, Y = book_quiver_grid()
    gx, gy = gradient_on_grid(function_2, X, Y)
    fig = new_figure(6, 6)
    ax = fig.subplots()
    ax.quiver(X, Y, -gx, -gy, angles="xy", color="#666666")
    ax.plot([0], [0], "*", color="tab:red", ms=14, label="minimum (0, 0)")
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title("−∇f for f = x0² + x1²: every arrow points downhill, to (0, 0)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    return fig


def second_function_figure(lr: float = 0.05, step_num: int = 100) -> Figure:
    """:func:`tilted_double_well` as a surface, and its −∇f arrows with two descents (notebook 03).

    Two gradient descent runs that start either side of the saddle end in different
    minima: the gradient points downhill *here*, not toward the global minimum. The
    arrows are scaled to equal length (the gradient grows like x0³ toward the edges
    and would dwarf everything else); only their direction is drawn.
    """
    g = np.linspace(-1.75, 1.75, 141)
    X, Y = np.meshgrid(g, g)
    Z = tilted_double_well(np.stack([X, Y]))
    crit = tilted_double_well_critical_points()

    fig = new_figure(13, 5.8)
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    ax3.plot_surface(X, Y, Z, cmap="viridis", linewidth=0, rcount=36, ccount=36, antialiased=False)
    ax3.set_xlabel("x0")
    ax3.set_ylabel("x1")
    ax3.set_zlabel("f(x0, x1)")
    ax3.set_title("f = x0⁴ − 2x0² + 0.3x0 + x1²: two valleys")
    ax3.view_init(elev=35, azim=-70)

    ax = fig.add_subplot(1, 2, 2)
    ax.contour(X, Y, Z, levels=np.linspace(-1.2, 4, 14), cmap="viridis", linewidths=0.8)
    q = np.arange(-1.75, 2.0, 0.25)
    QX, QY = np.meshgrid(q, q)
    gx, gy = gradient_on_grid(tilted_double_well, QX, QY)
    length = np.hypot(gx, gy)
    length[length == 0] = 1.0
    ax.quiver(QX, QY, -gx / length, -gy / length, angles="xy", color="#888888")
    starts = [(-0.4, 1.5), (0.5, 1.5)]
    for start, color in zip(starts, ["tab:blue", "tab:red"], strict=True):
        path = gradient_descent_path(tilted_double_well, start, lr=lr, step_num=step_num)
        ax.plot(
            path[:, 0],
            path[:, 1],
            "o-",
            color=color,
            ms=3,
            label=f"descent from {start} ends at ({path[-1, 0]:.2f}, {path[-1, 1]:.2f})",
        )
    offsets = {"global minimum": (-60, -38), "saddle": (-25, 14), "local minimum": (-20, -38)}
    for name, marker in [("global minimum", "*"), ("local minimum", "*"), ("saddle", "X")]:
        p = crit[name]
        ax.plot([p[0]], [p[1]], marker, color="black", ms=13 if marker == "*" else 9)
        ax.annotate(
            f"{name}\nf = {tilted_double_well(p):.2f}",
            (p[0], p[1]),
            xytext=offsets[name],
            textcoords="offset points",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.75, 1.75)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title(f"direction of −∇f, and gradient descent (lr = {lr}, {step_num} steps)")
    ax.legend(loc="upper center", fontsize=9, bbox_to_anchor=(0.5, -0.12))
    return fig
