"""Figures of notebooks/03_gradients.ipynb: gradients (기울기), the surface, the arrow plot, two valleys, a plateau.

- :func:`surface_figure` and :func:`quiver_figure`: the book's x0² + x1² and its figure 4-9.
- :func:`second_function_figure`: a function with a global minimum (전역 최솟값), a local
  minimum (극솟값) and a saddle point (안장점) between them, with two descents.
- :func:`plateau_figure`: a plateau (고원), where the gradient is almost zero, and how long
  gradient descent stays on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..checks import positive_number, real_array, whole_number
from ..examples import function_2, tilted_double_well, tilted_double_well_critical_points
from ..gradient import gradient_descent_path, numerical_gradient
from .style import new_figure

#: The two arrow styles of :func:`second_function_figure`.
ARROW_STYLES = ("direction", "gradient")

#: The two descents of :func:`second_function_figure`: a short distance apart, either side of the saddle.
DOUBLE_WELL_STARTS = ((-0.4, 1.5), (0.5, 1.5))

#: The starts of :func:`plateau_figure`: one on the slope of the well, one a unit farther out, on the plateau.
PLATEAU_STARTS = ((2.0, 0.0), (3.0, 0.0))

#: :func:`plateau_figure` counts the steps until f falls below this: 1 % of the plateau's height.
PLATEAU_ARRIVED = 0.01

_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown")


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
    fig = new_figure(6, 6.4)
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
    # below the axes: the arrows fill the whole square, so a legend inside would cover some
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    return fig


def _starts(starts: Sequence[ArrayLike], where: str) -> list[np.ndarray]:
    """``starts`` as a list of 1 to 6 float64 points of shape (2,), checked."""
    try:
        starts = list(starts)
    except TypeError:
        raise TypeError(f"{where}: starts must be a list of points (x0, x1), got {starts!r}.") from None
    points = [real_array(s, "each start", where).astype(np.float64) for s in starts]
    if not 1 <= len(points) <= len(_COLORS):
        raise ValueError(f"{where}: starts must hold 1 to {len(_COLORS)} points, got {len(points)}.")
    for p in points:
        if p.shape != (2,):
            raise ValueError(f"{where}: each start is a point (x0, x1), got shape {p.shape}. Pass e.g. (0.5, 1.5).")
    return points


def _double_well_arrows(ax, arrows: str) -> None:
    """−∇f of the double well on a 0.25 grid: scaled to one length ("direction") or as they are ("gradient")."""
    q = np.arange(-1.75, 2.0, 0.25)
    QX, QY = np.meshgrid(q, q)
    gx, gy = gradient_on_grid(tilted_double_well, QX, QY)
    if arrows == "direction":
        # the gradient grows like 4·x0³ toward the edges and would dwarf everything else
        length = np.hypot(gx, gy)
        length[length == 0] = 1.0
        ax.quiver(QX, QY, -gx / length, -gy / length, angles="xy", color="#888888")
    else:
        # true lengths, one scale for all: 1 unit of gradient is drawn 0.06 long
        ax.quiver(QX, QY, -gx, -gy, angles="xy", scale_units="xy", scale=1 / 0.06, color="#888888", width=0.004)


def _mark_critical_points(ax) -> None:
    crit = tilted_double_well_critical_points()
    offsets = {"global minimum": (-62, -40), "saddle": (-25, 14), "local minimum": (-20, -40)}
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


def second_function_figure(
    lr: float = 0.05,
    step_num: int = 100,
    starts: Sequence[ArrayLike] = DOUBLE_WELL_STARTS,
    arrows: str = "direction",
) -> Figure:
    """:func:`tilted_double_well` as a surface, and its −∇f arrows with gradient descents (notebook 03).

    Two gradient descent runs that start either side of the saddle end in different
    minima: the gradient points downhill *here*, not toward the global minimum.

    Parameters
    ----------
    lr : float > 0, the learning rate of the descents
    step_num : int >= 0, their number of steps
    starts : 1 to 6 points (x0, x1), the start of each descent
    arrows : "direction" (default) draws every arrow at one length, so only the direction
        of −∇f shows; "gradient" draws −∇f at its true length (one scale for all), so the
        arrows vanish where the gradient does — near the minima and the saddle.

    Returns
    -------
    Figure with a 3-D surface and a contour plot with arrows, paths and the critical points.

    Raises
    ------
    TypeError, ValueError
        A wrong kind of value, or one out of range (the checks of dlfs.gradient_descent_path included).
    """
    if not isinstance(arrows, str):
        raise TypeError(f"second_function_figure: arrows must be one of {ARROW_STYLES}, got {arrows!r}.")
    if arrows not in ARROW_STYLES:
        raise ValueError(f"second_function_figure: arrows must be one of {ARROW_STYLES}, got {arrows!r}.")
    lr = positive_number(lr, "lr", where="second_function_figure", hint="The notebook uses 0.05.")
    step_num = whole_number(step_num, "step_num", where="second_function_figure")
    points = _starts(starts, "second_function_figure")
    g = np.linspace(-1.75, 1.75, 141)
    X, Y = np.meshgrid(g, g)
    Z = tilted_double_well(np.stack([X, Y]))

    fig = new_figure(13, 5.8)
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    ax3.plot_surface(X, Y, Z, cmap="viridis", linewidth=0, rcount=36, ccount=36, antialiased=False)
    # whole-number ticks: the automatic half steps (−2.0, −1.5, …) ran into each other along x0
    for axis in (ax3.xaxis, ax3.yaxis):
        axis.set_ticks([-1, 0, 1])
    ax3.set_xlabel("x0")
    ax3.set_ylabel("x1")
    ax3.set_zlabel("f(x0, x1)")
    ax3.set_title("f = x0⁴ − 2x0² + 0.3x0 + x1²: two valleys")
    ax3.view_init(elev=35, azim=-70)

    ax = fig.add_subplot(1, 2, 2)
    ax.contour(X, Y, Z, levels=np.linspace(-1.2, 4, 14), cmap="viridis", linewidths=0.8)
    _double_well_arrows(ax, arrows)
    for start, color in zip(points, _COLORS, strict=False):
        path = gradient_descent_path(tilted_double_well, start, lr=lr, step_num=step_num)
        ax.plot(
            path[:, 0],
            path[:, 1],
            "o-",
            color=color,
            ms=3,
            label=f"descent from ({start[0]:g}, {start[1]:g}) ends at ({path[-1, 0]:.2f}, {path[-1, 1]:.2f})",
        )
    _mark_critical_points(ax)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.75, 1.75)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    what = "direction of −∇f" if arrows == "direction" else "−∇f at its true length"
    ax.set_title(f"{what}, and gradient descent (lr = {lr:g}, {step_num} steps)")
    ax.legend(loc="upper center", fontsize=9, bbox_to_anchor=(0.5, -0.12))
    return fig


def plateau_well(x: ArrayLike) -> float | np.ndarray:
    """f(x0, x1) = 1 − exp(−(x0² + x1²)): a round well in the middle of a plateau (고원) (notebook 03).

    Parameters
    ----------
    x : array_like of shape (2,) or (2, ...); ``x[0]`` and ``x[1]`` may be grids

    Returns
    -------
    float for a single point, ndarray of the grid shape otherwise, in [0, 1). The only
    minimum is f(0, 0) = 0. Its gradient 2·x·exp(−|x|²) is largest on the ring |x| = 0.71
    (length 0.86) and almost zero far out: 0.073 at |x| = 2, 7.4e-4 at |x| = 3, where f is
    within 1.3e-4 of its plateau value 1.
    """
    x = np.asarray(x, dtype=np.float64)
    value = 1.0 - np.exp(-(x[0] ** 2 + x[1] ** 2))
    return float(value) if np.ndim(value) == 0 else value


def plateau_descent(start: ArrayLike, lr: float = 0.1, step_num: int = 3000) -> np.ndarray:
    """f at every point of gradient descent on :func:`plateau_well` from ``start``, start included.

    Returns an ndarray of shape (step_num + 1,), float64 (notebook 03).
    """
    path = gradient_descent_path(plateau_well, start, lr=lr, step_num=step_num)
    return plateau_well(path.T)


def steps_to_arrive(f_values: np.ndarray, level: float = PLATEAU_ARRIVED) -> int | None:
    """The first step k at which ``f_values[k]`` is below ``level``, or None if it never is."""
    below = np.flatnonzero(np.asarray(f_values) < level)
    return int(below[0]) if below.size else None


def plateau_figure(lr: float = 0.1, step_num: int = 3000, starts: Sequence[ArrayLike] = PLATEAU_STARTS) -> Figure:
    """The plateau of :func:`plateau_well` and gradient descents that start on and off it (notebook 03).

    Left: f along the x0 axis, with the start points and the length of the gradient
    there (f is round, so a start off the axis is drawn at its distance from the origin).
    Right: f(x) after each step of gradient descent from each start; the step at which f
    falls below 0.01 is marked. From (2, 0) with lr = 0.1 that takes 60 steps;
    from (3, 0), where the gradient is 100 times smaller, 2608 — almost all of them on the plateau.

    Raises
    ------
    TypeError, ValueError
        A wrong kind of value, or one out of range.
    """
    lr = positive_number(lr, "lr", where="plateau_figure", hint="The notebook uses 0.1.")
    step_num = whole_number(step_num, "step_num", minimum=1, where="plateau_figure")
    points = _starts(starts, "plateau_figure")
    fig = new_figure(12, 4.6)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])

    reach = max(4.0, 1.1 * max(float(np.hypot(*p)) for p in points))
    x0 = np.linspace(-reach, reach, 401)
    left.plot(x0, plateau_well(np.stack([x0, np.zeros_like(x0)])), color="black", lw=1.5)
    for p, color in zip(points, _COLORS, strict=False):
        slope = float(np.linalg.norm(numerical_gradient(plateau_well, p.copy())))
        left.plot(
            [np.hypot(*p)],
            [plateau_well(p)],
            "o",
            color=color,
            ms=8,
            label=f"start ({p[0]:g}, {p[1]:g}): |∇f| = {slope:.1e}",
        )
        f_values = plateau_descent(p, lr=lr, step_num=step_num)
        arrived = steps_to_arrive(f_values)
        when = (
            f"below {PLATEAU_ARRIVED:g} after {arrived} steps"
            if arrived is not None
            else f"never below {PLATEAU_ARRIVED:g}"
        )
        right.plot(np.arange(step_num + 1), f_values, color=color, lw=2, label=f"from ({p[0]:g}, {p[1]:g}): {when}")
        if arrived is not None:
            right.axvline(arrived, color=color, ls=":", lw=1)
    left.set_ylim(-0.05, 1.25)
    left.set_xlabel("x0 (with x1 = 0)")
    left.set_ylabel("f(x0, 0)")
    left.set_title("f = 1 − exp(−(x0² + x1²)): a well in a plateau")
    left.legend(loc="upper center", fontsize=9)
    left.grid(alpha=0.3)
    right.set_ylim(-0.05, 1.25)
    right.set_xlim(0, step_num)
    right.set_xlabel("steps of gradient descent, k")
    right.set_ylabel("f(x) after k steps")
    right.set_title(f"gradient descent on it, lr = {lr:g}")
    right.legend(loc="upper center", fontsize=9)
    right.grid(alpha=0.3)
    return fig
