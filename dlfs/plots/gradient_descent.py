"""Figures of notebooks/04_gradient_descent.ipynb: gradient descent (경사 하강법) and the learning rate.

Three functions (:data:`LANDSCAPES`): the book's round bowl x0² + x1², a long, narrow bowl
0.05·x0² + x1² on which the path zig-zags, and notebook 03's two valleys. One function,
:func:`lr_regime`, says what a learning rate does on a bowl; the figure titles and the
explorer's text both use it. ``gradient_descent_view`` is the pure half of the notebook's
explorer (:func:`dlfs.widgets.gradient_descent_explorer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..checks import positive_number, whole_number
from ..examples import (
    elongated_bowl,
    elongated_bowl_curvatures,
    function_2,
    function_2_curvatures,
    tilted_double_well,
    tilted_double_well_critical_points,
    tilted_double_well_curvatures,
)
from ..gradient import gradient_descent_path
from .style import new_figure

#: A run counts as diverged once |x| passes this (the start points the explorer offers
#: lie within |x| <= 5.7, so this is a growth of more than 100x).
DIVERGENCE_LIMIT = 1e3

#: The stops of the explorer's learning-rate slider. Most of them lie between 0.05 and 1.1,
#: where the paths change character (zig-zag from lr = 1/L, divergence from lr = 2/L: L = 2
#: for both bowls, about 8.9 and 7.1 in the two valleys); the ends are the book's 1e-10 and 10.
LEARNING_RATES = (
    1e-10,
    1e-4,
    1e-3,
    0.01,
    0.02,
    0.05,
    0.1,
    0.15,
    0.2,
    0.22,
    0.25,
    0.28,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    1.0,
    1.05,
    1.1,
    1.5,
    2.0,
    10.0,
)


@dataclass(frozen=True)
class Landscape:
    """One of the functions the notebook descends, with what its figures need.

    Attributes
    ----------
    name : str, the key in :data:`LANDSCAPES` ("round bowl", ...)
    formula : str, f written out, e.g. "x0² + x1²"
    f : callable, an array of shape (2,) or (2, ...) grids -> float or grid
    curvatures : callable, x of shape (2,) -> ndarray (2,), the second derivatives ∂²f/∂x0², ∂²f/∂x1²
        at x (all three functions are a term in x0 plus a term in x1, so this is the whole Hessian)
    minima : dict[str, ndarray (2,)], name -> position
    half_width : float, the plot window is [-half_width, half_width]² (widened to show the start)
    levels : tuple of float, the contour levels
    on_grid : callable, (X, Y) grids -> grid of f's values, for the contour lines
    """

    name: str
    formula: str
    f: Callable
    curvatures: Callable[[np.ndarray], np.ndarray]
    minima: dict[str, np.ndarray]
    half_width: float
    levels: tuple[float, ...]
    on_grid: Callable[[np.ndarray, np.ndarray], np.ndarray]

    @property
    def is_bowl(self) -> bool:
        """A quadratic: the same curvatures everywhere, one minimum at the origin."""
        return self.name != "two valleys"


_CIRCLES = tuple(float(r) ** 2 for r in np.arange(0.5, 5.01, 0.5))  # level sets of radius 0.5 … 5 on x1
_VALLEYS = tilted_double_well_critical_points()

#: The functions of notebook 04's figures and explorer, by name.
LANDSCAPES: dict[str, Landscape] = {
    "round bowl": Landscape(
        "round bowl",
        "x0² + x1²",
        function_2,
        function_2_curvatures,
        {"minimum": np.zeros(2)},
        5.0,
        _CIRCLES,
        lambda X, Y: X**2 + Y**2,  # function_2 is the book's: it sums the whole array, so not on a grid
    ),
    "elongated bowl": Landscape(
        "elongated bowl",
        "0.05·x0² + x1²",
        elongated_bowl,
        elongated_bowl_curvatures,
        {"minimum": np.zeros(2)},
        5.0,
        _CIRCLES,
        lambda X, Y: elongated_bowl(np.stack([X, Y])),
    ),
    "two valleys": Landscape(
        "two valleys",
        "x0⁴ − 2x0² + 0.3x0 + x1²",
        tilted_double_well,
        tilted_double_well_curvatures,
        {"global minimum": _VALLEYS["global minimum"], "local minimum": _VALLEYS["local minimum"]},
        2.0,
        (-1.25, -1.0, -0.75, -0.5, -0.25, 0.0, 0.5, 1.0, 2.0, 3.0, 4.5, 6.5, 9.0, 12.0, 20.0, 40.0, 80.0, 160.0),
        lambda X, Y: tilted_double_well(np.stack([X, Y])),
    ),
}


def landscape(function: str) -> Landscape:
    """The :class:`Landscape` called ``function``; a ValueError lists the names there are."""
    if function not in LANDSCAPES:
        raise ValueError(f"function must be one of {sorted(LANDSCAPES)}, got {function!r}.")
    return LANDSCAPES[function]


# ---------------------------------------------------------------------------------------------
# what a learning rate does: one classification for titles and explorer text
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Regime:
    """What gradient descent with one learning rate does on a bowl with given curvatures.

    Attributes
    ----------
    label : str, a few words for a figure title ("zig-zags, converges", "diverges", ...)
    factors : ndarray (n,), float64, the factor 1 − lr·curvature that each step multiplies x_i by
    limit : float, 2/L with L the largest curvature: the learning rates below it converge
    explanation : str, one or two sentences for the explorer: the factors and what they mean
    """

    label: str
    factors: np.ndarray
    limit: float
    explanation: str


def _axes_phrase(indices: Sequence[int], n: int) -> str:
    # "x" when every coordinate behaves alike, else "x1" or "x0 and x1"
    if len(indices) == n and n > 1:
        return "x"
    return " and ".join(f"x{i}" for i in indices)


def lr_regime(lr: float, curvatures: Sequence[float] = (2.0, 2.0), step_num: int = 20) -> Regime:
    """What gradient descent with learning rate ``lr`` does on a bowl with these curvatures (notebook 04).

    On a bowl f = Σ a_i·x_i² (minimum at 0) the gradient is 2a_i·x_i, so each step
    x_i ← x_i − lr·c_i·x_i multiplies x_i by the factor r_i = 1 − lr·c_i, with c_i = 2a_i the
    curvature (second derivative) along x_i; after k steps x_i = r_iᵏ·x_i(start). Near a
    minimum every smooth function looks like such a bowl, so this also says what happens
    close to each valley of the two-valley function.

    Parameters
    ----------
    lr : float > 0, the learning rate (학습률)
    curvatures : sequence of float > 0, the curvature along each coordinate; (2, 2) is x0² + x1²
    step_num : int >= 0, the number of steps, to tell "converges" from "too small: crawls"

    Returns
    -------
    Regime. The label is, in order of precedence: "diverges" (some |r_i| > 1, i.e.
    lr > 2/L with L the largest curvature), "bounces forever" (some r_i = −1, lr = 2/L),
    "one step to the minimum" (every r_i = 0), "zig-zags and crawls", "zig-zags, converges"
    (some r_i < 0: x_i flips sign every step), "too small: crawls" (after ``step_num``
    steps some x_i still has more than a tenth of its start distance to go), "good: converges".
    """
    lr = positive_number(lr, "lr (the learning rate)", where="lr_regime", hint="Try lr = 0.1.")
    c = np.asarray(curvatures, dtype=np.float64).reshape(-1)
    if c.size == 0 or not np.all(np.isfinite(c) & (c > 0)):
        raise ValueError(
            f"lr_regime: curvatures must be positive numbers (a bowl), got {list(map(float, c))}; "
            "x0² + x1² has curvatures (2, 2)."
        )
    step_num = whole_number(step_num, "step_num", where="lr_regime")
    r = 1.0 - lr * c
    n = len(c)
    biggest = float(c.max())
    limit = 2.0 / biggest
    if np.all(c == c[0]):
        multiply = f"each step multiplies {'x' if n > 1 else 'x0'} by 1 − {c[0]:g}·lr = {r[0]:.10g}"
        which = "the curvature"
    else:
        parts = [f"x{i} by 1 − {ci:g}·lr = {ri:.10g}" for i, (ci, ri) in enumerate(zip(c, r, strict=True))]
        multiply = "each step multiplies " + " and ".join(parts)
        which = "the largest curvature"
    bound = f"it converges only for lr < 2/L = {limit:.3g} (L = {biggest:g}, {which})"

    grows = [i for i in range(n) if abs(r[i]) > 1]
    bounces = [i for i in range(n) if r[i] == -1]
    if grows:
        who = _axes_phrase(grows, n)
        label = "diverges"
        why = f"|{who}| grows every step, so gradient descent diverges: {bound}"
    elif bounces:
        who = _axes_phrase(bounces, n)
        label = "bounces forever"
        why = f"{who} jumps between two values forever and never converges: lr = 2/L exactly, the limit"
    elif np.all(r == 0):
        label = "one step to the minimum"
        why = "the first step lands exactly on the minimum (up to rounding)"
    else:
        zig = [i for i in range(n) if r[i] < 0]
        left = np.abs(r) ** step_num
        slow = [i for i in range(n) if step_num > 0 and left[i] > 0.1]
        says = []
        if zig:
            says.append(f"{_axes_phrase(zig, n)} flips sign every step (zig-zag) while shrinking")
        if slow:
            worst = max(slow, key=lambda i: left[i])
            who = "x" if len(slow) == n and n > 1 and np.all(c == c[0]) else f"x{worst}"
            says.append(
                f"in {step_num} steps {who} covers only {1 - left[worst]:.3g} of its way to the minimum: "
                "the learning rate is too small for it"
            )
        if zig and slow:
            label = "zig-zags and crawls"
        elif zig:
            label = "zig-zags, converges"
        elif slow:
            label = "too small: crawls"
        else:
            label = "good: converges"
            says.append(f"{_axes_phrase(range(n), n)} shrinks quickly toward the minimum")
        why = "; ".join(says)
    return Regime(label, r, limit, f"{multiply}: {why}.")


def _valley_lines(lr: float, step_num: int) -> list[str]:
    # one line per valley of the two-valley function: near its bottom it is a bowl
    lines = []
    for name, point in LANDSCAPES["two valleys"].minima.items():
        c = tilted_double_well_curvatures(point)
        regime = lr_regime(lr, c, step_num)
        # a "diverging" bowl near a valley's bottom means the descent cannot stay in that valley
        what = {"diverges": "cannot settle there", "bounces forever": "bounces there forever"}.get(
            regime.label, f"{regime.label} there"
        )
        lines.append(
            f"near the {name} ({point[0]:+.2f}, 0) the curvatures are {c[0]:.3g} and {c[1]:g}: "
            f"x0 × (1 − {c[0]:.3g}·lr) = {regime.factors[0]:.3g} per step, {what} (needs lr < {regime.limit:.3g})"
        )
    return lines


# ---------------------------------------------------------------------------------------------
# running a descent for a picture
# ---------------------------------------------------------------------------------------------
def descent_until_diverged(
    f: Callable, init_x: Sequence[float], lr: float, step_num: int, limit: float = DIVERGENCE_LIMIT
) -> tuple[np.ndarray, int | None]:
    """The path of gradient descent, stopped at the first point with |x| > ``limit``.

    Each step is one call of :func:`dlfs.gradient_descent_path` (the library's update), so a
    diverging run stops long before its numbers overflow.

    Returns
    -------
    (path, diverged_at): path of shape (k + 1, 2), float64, with row j the point after j
    steps; diverged_at is the step at which |x| first exceeded ``limit``, or None when all
    ``step_num`` steps stayed within it (then k = step_num).
    """
    step_num = whole_number(step_num, "step_num", where="gradient descent")
    points = [np.array(init_x, dtype=np.float64)]
    for k in range(1, step_num + 1):
        points.append(gradient_descent_path(f, points[-1], lr=lr, step_num=1)[-1])
        if not np.linalg.norm(points[-1]) <= limit:
            return np.array(points), k
    return np.array(points), None


# ---------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------
def _contour_axes(ax, land: Landscape, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    # gray contour lines of f, the book's dashed axes, and the minima
    g0 = np.linspace(xlim[0], xlim[1], 161)
    g1 = np.linspace(ylim[0], ylim[1], 161)
    X, Y = np.meshgrid(g0, g1)
    ax.contour(
        X,
        Y,
        land.on_grid(X, Y),
        levels=list(land.levels),
        colors="lightgray",
        linewidths=0.8,
        negative_linestyles="solid",
    )
    ax.plot([-50, 50], [0, 0], "--b", lw=0.8)
    ax.plot([0, 0], [-50, 50], "--b", lw=0.8)
    if not land.is_bowl:
        for point in land.minima.values():
            ax.plot([point[0]], [point[1]], "*", color="black", ms=11, zorder=3)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")


def gradient_descent_figure(init_x: Sequence[float] = (-3.0, 4.0), lr: float = 0.1, step_num: int = 20) -> Figure:
    """The book's figure 4-10: gradient descent on x0² + x1² from (−3, 4), lr = 0.1, 20 steps (notebook 04).

    The points come from dlfs.gradient_descent_path; gray circles are contour lines of f.
    """
    path = gradient_descent_path(function_2, init_x, lr=lr, step_num=step_num)
    fig = new_figure(5.5, 6.5)
    ax = fig.subplots()
    _contour_axes(ax, LANDSCAPES["round bowl"], (-3.5, 3.5), (-4.5, 4.5))
    ax.plot(path[:, 0], path[:, 1], "o", color="tab:blue", label=f"x after 0 … {step_num} steps")
    ax.plot(path[:1, 0], path[:1, 1], "s", color="tab:red", ms=9, label=f"start {tuple(float(v) for v in init_x)}")
    ax.set_title(f"Gradient descent on x0² + x1²\nlr = {lr}, {step_num} steps")
    ax.legend(loc="lower right")
    return fig


def _number_first_points(ax, path: np.ndarray, color: str, window: float, count: int = 4) -> None:
    # number the first points so a zig-zag can be followed; points that (nearly) coincide share a label
    labels: list[tuple[np.ndarray, list[str]]] = []
    for k in range(min(count, len(path))):
        if np.abs(path[k]).max() > 0.96 * window:
            continue
        for where, names in labels:
            if np.linalg.norm(where - path[k]) < 0.08 * window:
                names.append(str(k))
                break
        else:
            labels.append((path[k], [str(k)]))
    for where, names in labels:
        ax.annotate(", ".join(names), where, xytext=(7, 3), textcoords="offset points", fontsize=9, color=color)


def _factor_note(regime: Regime) -> str:
    r = regime.factors
    if np.all(r == r[0]):
        return f"x × {r[0]:.2f} per step"
    return ", ".join(f"x{i} × {v:.3g}" for i, v in enumerate(r)) + " per step"


def learning_rate_grid_figure(
    lrs: Sequence[float] = (0.01, 0.1, 0.9, 1.0, 1.1),
    init_x: Sequence[float] = (-3.0, 4.0),
    step_num: int = 20,
    function: str = "round bowl",
) -> Figure:
    """Small multiples: the same ``step_num`` steps on a bowl for several learning rates (notebook 04).

    One panel per learning rate (up to five), titled by :func:`lr_regime`, plus a last panel
    of the distance from the minimum against the step k on a log scale, where a factor
    r = 1 − lr·curvature per step shows as a straight line: |x_k| on the round bowl (both
    coordinates share one factor), |x0_k| and |x1_k| separately on the elongated bowl.
    """
    land = landscape(function)
    if not land.is_bowl:
        raise ValueError(f"learning_rate_grid_figure draws a bowl, got {function!r}; use two_valleys_figure.")
    if not 1 <= len(lrs) <= 5:
        raise ValueError(f"learning_rate_grid_figure draws 1 to 5 learning rates, got {len(lrs)}.")
    window = land.half_width
    curv = land.curvatures(np.zeros(2))
    round_bowl = bool(curv[0] == curv[1])
    fig = new_figure(13, 9.5)
    axes = fig.subplots(2, 3).ravel()
    ax_dist = axes[-1]
    colors = ["tab:purple", "tab:green", "tab:orange", "tab:brown", "tab:red"]
    for ax, lr, color in zip(axes, lrs, colors, strict=False):
        path = gradient_descent_path(land.f, init_x, lr=lr, step_num=step_num)
        regime = lr_regime(lr, curv, step_num)
        _contour_axes(ax, land, (-window, window), (-window, window))
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=4, lw=1)
        ax.plot(path[:1, 0], path[:1, 1], "s", color="black", ms=7)
        _number_first_points(ax, path, color, window)
        outside = np.nonzero(np.abs(path).max(axis=1) > window)[0]
        if outside.size:
            note, edge = f"left the window after {outside[0]} steps", "tab:red"
        else:
            note, edge = f"|x| after {step_num} steps: {np.linalg.norm(path[-1]):.2g}", "gray"
        ax.text(0, -0.84 * window, note, ha="center", color=edge, bbox={"facecolor": "white", "edgecolor": edge})
        ax.set_title(f"lr = {lr}: {regime.label}\n({_factor_note(regime)})")
        steps = np.arange(step_num + 1)
        # lr and 1 − lr give the same |1 − 2·lr| on the round bowl (0.1 and 0.9): dashes keep both visible
        style = "o-" if lr <= 0.5 else "x--"
        if round_bowl:
            ax_dist.semilogy(steps, np.linalg.norm(path, axis=1), style, color=color, ms=4, label=f"lr = {lr}")
        else:
            ax_dist.semilogy(steps, np.abs(path[:, 0]), ":", color=color, lw=2, label=f"lr = {lr}: |x0_k|")
            ax_dist.semilogy(steps, np.abs(path[:, 1]), style, color=color, ms=3, lw=1, label=f"lr = {lr}: |x1_k|")
    for ax in axes[len(lrs) : -1]:
        ax.set_visible(False)
    ax_dist.set_xlabel("step k")
    ax_dist.set_ylabel("distance from the minimum (log scale)")
    # below 1e-3 only rounding noise is left (lr = 0.5 lands on x1 = 0 up to 1e-13): keep the factors readable
    shown = [y for ln in ax_dist.get_lines() for y in np.asarray(ln.get_ydata(), dtype=float) if y > 0]
    ax_dist.set_ylim(bottom=max(1e-3, 0.5 * min(shown, default=1.0)))
    ax_dist.grid(alpha=0.3)
    if round_bowl:
        ax_dist.set_title("|x_k| = |1 − 2·lr|ᵏ · |x_0|")
        ax_dist.legend(fontsize=8)
    else:
        ax_dist.set_title("each coordinate: |x_i after k steps|\n= |1 − lr·c_i|ᵏ · |x_i at the start|")
        handles = [Line2D([], [], color=c, lw=2, label=f"lr = {lr}") for lr, c in zip(lrs, colors, strict=False)]
        handles += [
            Line2D([], [], color="black", ls=":", lw=2, label=f"x0 (c = {curv[0]:g})"),
            Line2D([], [], color="black", ls="-", lw=1, label=f"x1 (c = {curv[1]:g}): solid, dashed"),
        ]
        ax_dist.legend(handles=handles, fontsize=8, ncol=2, loc="lower left")
    start = tuple(float(v) for v in init_x)
    fig.suptitle(f"Gradient descent on {land.formula} from {start}, {step_num} steps per panel")
    return fig


def two_valleys_figure(
    lrs: Sequence[float] = (0.1, 0.25, 0.3), init_x: Sequence[float] = (-1.5, 1.0), step_num: int = 40
) -> Figure:
    """Gradient descent on notebook 03's two valleys from one start with several learning rates (notebook 04).

    Left: the paths on the contour plot (stars: the two minima). Right: x0 against the step
    k, with the two minima dashed, so a run that settles, one that changes valley and one
    that bounces between two points for ever can be told apart.
    """
    land = LANDSCAPES["two valleys"]
    if not 1 <= len(lrs) <= 4:
        raise ValueError(f"two_valleys_figure draws 1 to 4 learning rates, got {len(lrs)}.")
    fig = new_figure(13, 5.2)
    ax, ax_x0 = fig.subplots(1, 2, width_ratios=[1, 1.25])
    _contour_axes(ax, land, (-2, 2), (-1.6, 1.6))
    colors = ["tab:blue", "tab:orange", "tab:red", "tab:purple"]
    for lr, color in zip(lrs, colors, strict=False):
        path, diverged = descent_until_diverged(land.f, init_x, lr, step_num)
        end = path[-1]
        if diverged is not None:
            where = f"diverged after {diverged} steps"
        elif np.linalg.norm(path[-1] - path[-2]) > 1e-3:
            where = f"still jumping: x0 = {path[-2, 0]:.2f}, {end[0]:.2f}"
        else:
            name = min(land.minima, key=lambda m: np.linalg.norm(end - land.minima[m]))
            where = f"settles in the {name} ({end[0]:+.2f}, 0)"
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=3, lw=0.8, alpha=0.8)
        ax_x0.plot(np.arange(len(path)), path[:, 0], "o-", color=color, ms=3, lw=1, label=f"lr = {lr}: {where}")
    ax.plot([init_x[0]], [init_x[1]], "s", color="black", ms=8)
    ax.set_title(f"f = {land.formula}\nfrom {tuple(float(v) for v in init_x)}, {step_num} steps")
    for name, point in land.minima.items():
        ax_x0.axhline(point[0], color="gray", ls="--", lw=1, label=f"{name}: x0 = {point[0]:+.2f}")
    ax_x0.set_xlabel("step k")
    ax_x0.set_ylabel("x0 after k steps")
    ax_x0.set_ylim(-2, 2)
    ax_x0.set_title("x0 along the way: which valley, and does it settle?")
    ax_x0.grid(alpha=0.3)
    ax_x0.legend(loc="center right", fontsize=9)
    return fig


def _fmt_point(x: np.ndarray) -> str:
    return "[" + ", ".join(f"{float(v):.9g}" for v in x) + "]"


def _measured_line(land: Landscape, path: np.ndarray, diverged: int | None) -> str:
    # the first line of the explorer's text: what this run did
    if diverged is not None:
        size = np.linalg.norm(path[-1])
        return f"diverged after {diverged} steps: |x| = {size:.3g} exceeded {DIVERGENCE_LIMIT:g}"
    n = len(path) - 1
    end = path[-1]
    text = f"after {n} steps: x = {_fmt_point(end)}, f(x) = {land.f(end):.9g}"
    if not land.is_bowl and n > 0:
        moved = float(np.linalg.norm(end - path[-2]))
        name = min(land.minima, key=lambda m: np.linalg.norm(end - land.minima[m]))
        text += f" (nearest: the {name}; the last step moved x by {moved:.2g})"
    return text


def _explanation(land: Landscape, lr: float, step_num: int, start: np.ndarray, diverged: int | None) -> str:
    # the explorer's lines below the result: the factors of lr_regime, on this function
    if land.is_bowl:
        return f"on {land.formula}, " + lr_regime(lr, land.curvatures(start), step_num).explanation
    lines = _valley_lines(lr, step_num)
    c_start = float(land.curvatures(start)[0])
    if diverged is not None and c_start > 0:
        lines.append(
            f"far from the valleys the curvature 12·x0² − 4 is larger: {c_start:.3g} at the start, "
            f"where lr must stay below 2/{c_start:.3g} = {2 / c_start:.3g}"
        )
    return "\n".join(lines)


def gradient_descent_view(
    lr: float, step_num: int, x0: float, x1: float, function: str = "round bowl"
) -> tuple[Figure, str]:
    """One run of gradient descent: the path on the contour plot and a result text (notebook 04).

    Parameters
    ----------
    lr : float > 0, the learning rate
    step_num : int >= 0
    x0, x1 : float, the start point
    function : str, a key of :data:`LANDSCAPES` ("round bowl", "elongated bowl", "two valleys")

    Returns
    -------
    (Figure, str). The text starts with ``"after N steps: x = [...], f(x) = ..."``, or
    with ``"diverged after k steps: ..."`` as soon as |x| exceeds :data:`DIVERGENCE_LIMIT`;
    a diverged run is drawn only up to that point, with a message on the plot, so the
    figure stays readable. The next lines explain the run with :func:`lr_regime`: the
    factor 1 − lr·curvature per step along each coordinate (near each valley's bottom
    for the two valleys).
    """
    land = landscape(function)
    lr = positive_number(lr, "the learning rate", where="gradient_descent_view", hint="Try lr = 0.1.")
    if not np.hypot(x0, x1) <= DIVERGENCE_LIMIT:
        raise ValueError(
            f"the start point ({x0}, {x1}) lies beyond |x| = {DIVERGENCE_LIMIT:g}, where a run counts "
            "as diverged; start closer to the minimum, e.g. at (-3, 4)."
        )
    start = np.array([float(x0), float(x1)])
    path, diverged = descent_until_diverged(land.f, start, lr, step_num)
    step_num = int(step_num)

    fig = new_figure(6.5, 6.5)
    ax = fig.subplots()
    half = max(land.half_width, float(np.abs(start).max()) + 0.5)
    _contour_axes(ax, land, (-half, half), (-half, half))
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:blue", ms=4, lw=1, label="path")
    ax.plot(path[:1, 0], path[:1, 1], "s", color="black", ms=8, label=f"start ({float(x0):g}, {float(x1):g})")
    _number_first_points(ax, path, "tab:blue", half)
    if diverged is not None:
        ax.text(
            0,
            0,
            f"DIVERGED after {diverged} steps\n|x| exceeded {DIVERGENCE_LIMIT:g}\nthe path left the plot",
            ha="center",
            va="center",
            fontsize=16,
            color="tab:red",
            bbox={"facecolor": "white", "edgecolor": "tab:red", "boxstyle": "round"},
        )
        outcome = "diverged"
    else:
        end = path[-1]
        f_end = land.f(end)
        ax.plot([end[0]], [end[1]], "*", color="tab:red", ms=14, label=f"after {step_num} steps, f = {f_end:.3g}")
        outcome = f"{step_num} steps, f(x) = {f_end:.3g}"
    if land.is_bowl:
        outcome += f"\n{lr_regime(lr, land.curvatures(start), step_num).label}"
    ax.set_title(f"{land.formula}, lr = {lr:g}: {outcome}")
    ax.legend(loc="upper right", fontsize=8)
    text = _measured_line(land, path, diverged) + "\n" + _explanation(land, lr, step_num, start, diverged)
    return fig, text
