"""Figures of notebooks/04_gradient_descent.ipynb: gradient descent (경사 하강법) and the learning rate.

``gradient_descent_view`` is the pure half of the notebook's explorer
(:func:`dlfs.widgets.gradient_descent_explorer`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..examples import function_2
from ..gradient import gradient_descent_path
from .style import new_figure

#: The explorer in notebook 04 calls a run diverged once |x| passes this (the start
#: points it offers lie within |x| <= 5.7, so this is a growth of more than 100x).
DIVERGENCE_LIMIT = 1e3


def _bowl_axes(ax, xlim=(-3.5, 3.5), ylim=(-4.5, 4.5)) -> None:
    # contour circles of x0² + x1² and the book's dashed axes
    g0 = np.linspace(xlim[0], xlim[1], 141)
    g1 = np.linspace(ylim[0], ylim[1], 181)
    X, Y = np.meshgrid(g0, g1)
    ax.contour(
        X, Y, X**2 + Y**2, levels=[0.25, 1, 2.25, 4, 6.25, 9, 12.25, 16, 20.25, 25], colors="lightgray", linewidths=0.8
    )
    ax.plot([-5, 5], [0, 0], "--b", lw=0.8)
    ax.plot([0, 0], [-5, 5], "--b", lw=0.8)
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
    _bowl_axes(ax)
    ax.plot(path[:, 0], path[:, 1], "o", color="tab:blue", label=f"x after 0 … {step_num} steps")
    ax.plot(path[:1, 0], path[:1, 1], "s", color="tab:red", ms=9, label=f"start {tuple(float(v) for v in init_x)}")
    ax.set_title(f"Gradient descent on x0² + x1²\nlr = {lr}, {step_num} steps")
    ax.legend(loc="lower right")
    return fig


def lr_regime(lr: float) -> str:
    """What gradient descent on x0² + x1² does with learning rate ``lr`` (notebook 04).

    Each step x ← x − lr·2x multiplies x by r = 1 − 2·lr, so x after k steps is
    rᵏ·x_start: it shrinks only when |r| < 1, that is 0 < lr < 1.
    """
    r = 1.0 - 2.0 * lr
    if abs(r) > 1:
        return "diverges"
    if r == -1:
        return "bounces forever"
    if r < 0:
        return "oscillates, converges"
    if r**20 > 0.1:  # after 20 steps still more than a tenth of the way from the minimum
        return "too small: crawls"
    return "good: converges"


def _number_first_points(ax, path: np.ndarray, color: str, count: int = 4) -> None:
    # number the first points so a zig-zag can be followed; points that (nearly) coincide share a label
    labels: list[tuple[np.ndarray, list[str]]] = []
    for k in range(min(count, len(path))):
        if np.abs(path[k]).max() > 4.8:
            continue
        for where, names in labels:
            if np.linalg.norm(where - path[k]) < 0.4:
                names.append(str(k))
                break
        else:
            labels.append((path[k], [str(k)]))
    for where, names in labels:
        ax.annotate(", ".join(names), where, xytext=(7, 3), textcoords="offset points", fontsize=9, color=color)


def learning_rate_grid_figure(
    lrs: Sequence[float] = (0.01, 0.1, 0.9, 1.0, 1.1), init_x: Sequence[float] = (-3.0, 4.0), step_num: int = 20
) -> Figure:
    """Small multiples: the same 20 steps on x0² + x1² for several learning rates (notebook 04).

    One panel per learning rate (up to five) plus a last panel of |x_k| against k on
    a log scale, where the factor r = 1 − 2·lr per step shows as a straight line.
    """
    if not 1 <= len(lrs) <= 5:
        raise ValueError(f"learning_rate_grid_figure draws 1 to 5 learning rates, got {len(lrs)}.")
    fig = new_figure(13, 9.5)
    axes = fig.subplots(2, 3).ravel()
    ax_norm = axes[-1]
    colors = ["tab:purple", "tab:green", "tab:orange", "tab:brown", "tab:red"]
    for ax, lr, color in zip(axes, lrs, colors, strict=False):
        path = gradient_descent_path(function_2, init_x, lr=lr, step_num=step_num)
        _bowl_axes(ax, xlim=(-5, 5), ylim=(-5, 5))
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=4, lw=1)
        ax.plot(path[:1, 0], path[:1, 1], "s", color="black", ms=7)
        _number_first_points(ax, path, color)
        norms = np.linalg.norm(path, axis=1)
        outside = np.nonzero(np.abs(path).max(axis=1) > 5)[0]
        if outside.size:
            ax.text(
                0,
                -4.2,
                f"left the window after {outside[0]} steps",
                ha="center",
                color="tab:red",
                bbox={"facecolor": "white", "edgecolor": "tab:red"},
            )
        else:
            ax.text(
                0,
                -4.2,
                f"|x| after {step_num} steps: {norms[-1]:.2g}",
                ha="center",
                bbox={"facecolor": "white", "edgecolor": "gray"},
            )
        ax.set_title(f"lr = {lr}: {lr_regime(lr)}\n(x × {1 - 2 * lr:.2f} per step)")
        # lr and 1 - lr give the same |1 - 2·lr| (0.1 and 0.9): dashed lines keep both visible
        ax_norm.semilogy(
            np.arange(step_num + 1),
            norms,
            "o-" if lr <= 0.5 else "x--",
            color=color,
            ms=4,
            label=f"lr = {lr}, |1 − 2·lr| = {abs(1 - 2 * lr):.2f}",
        )
    for ax in axes[len(lrs) : -1]:
        ax.set_visible(False)
    ax_norm.set_xlabel("step k")
    ax_norm.set_ylabel("distance from the minimum |x_k|")
    ax_norm.set_title("|x_k| = |1 − 2·lr|ᵏ · |x_0|")
    ax_norm.grid(alpha=0.3)
    ax_norm.legend(fontsize=8)
    fig.suptitle(f"Gradient descent on x0² + x1² from {tuple(float(v) for v in init_x)}, {step_num} steps per panel")
    return fig


def _fmt_point(x: np.ndarray) -> str:
    return "[" + ", ".join(f"{float(v):.9g}" for v in x) + "]"


def gradient_descent_view(lr: float, step_num: int, x0: float, x1: float) -> tuple[Figure, str]:
    """One run of gradient descent on x0² + x1²: the path on the contour plot and a result line (notebook 04).

    Parameters
    ----------
    lr : float > 0, the learning rate
    step_num : int >= 0
    x0, x1 : float, the start point

    Returns
    -------
    (Figure, str). The text starts with ``"after N steps: x = [...], f(x) = ..."``,
    or with ``"diverged after k steps: ..."`` as soon as |x| exceeds
    :data:`DIVERGENCE_LIMIT` (or overflows); a diverged run is drawn only up to the
    point where it leaves the window, with the message on the plot, so the figure
    stays readable. A second line explains the factor 1 − 2·lr.
    """
    lr = float(lr)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a positive number, got {lr}. Try lr = 0.1.")
    if not np.hypot(x0, x1) <= DIVERGENCE_LIMIT:
        raise ValueError(
            f"the start point ({x0}, {x1}) lies beyond |x| = {DIVERGENCE_LIMIT:g}, where a run counts "
            "as diverged; start closer to the minimum, e.g. at (-3, 4)."
        )
    path = gradient_descent_path(function_2, [float(x0), float(x1)], lr=lr, step_num=step_num)
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.linalg.norm(path, axis=1)
    bad = np.nonzero(~np.isfinite(norms) | (norms > DIVERGENCE_LIMIT))[0]
    diverged = bad.size > 0
    n = len(path) - 1

    fig = new_figure(6.5, 6.5)
    ax = fig.subplots()
    _bowl_axes(ax, xlim=(-5, 5), ylim=(-5, 5))
    shown = path[: bad[0] + 1] if diverged else path
    ax.plot(shown[:, 0], shown[:, 1], "o-", color="tab:blue", ms=4, lw=1, label="path")
    ax.plot(path[:1, 0], path[:1, 1], "s", color="black", ms=8, label=f"start ({float(x0):g}, {float(x1):g})")

    r = 1.0 - 2.0 * lr
    if 0.95 <= r < 1:
        why = "just below 1, so x creeps toward the minimum (0, 0): the learning rate is too small"
    elif r == 0:
        why = "0: the first step lands exactly on the minimum (0, 0), up to rounding"
    elif 0 < r < 0.95:
        why = "|1 − 2·lr| < 1, so x shrinks toward the minimum (0, 0)"
    elif -1 < r < 0:
        why = "negative with |1 − 2·lr| < 1, so x flips sign every step (oscillates) while it shrinks toward (0, 0)"
    elif r == -1:
        why = "that is −1: x jumps between two points forever and never converges"
    else:
        why = "|1 − 2·lr| > 1, so |x| grows every step: gradient descent diverges"
    factor = f"for x0² + x1² each step multiplies x by 1 − 2·lr = {r:.12g}: {why}"

    if diverged:
        k = int(bad[0])
        size = f"{norms[k]:.3g}" if np.isfinite(norms[k]) else "overflow"
        text = f"diverged after {k} steps: |x| = {size} exceeded {DIVERGENCE_LIMIT:g}\n{factor}"
        ax.text(
            0,
            0,
            f"DIVERGED after {k} steps\n|x| exceeded {DIVERGENCE_LIMIT:g}\nthe path left the plot",
            ha="center",
            va="center",
            fontsize=16,
            color="tab:red",
            bbox={"facecolor": "white", "edgecolor": "tab:red", "boxstyle": "round"},
        )
        ax.set_title(f"lr = {lr:.3g}: diverged")
    else:
        x_final = path[-1]
        f_final = function_2(x_final)
        text = f"after {n} steps: x = {_fmt_point(x_final)}, f(x) = {f_final:.9g}\n{factor}"
        ax.plot([x_final[0]], [x_final[1]], "*", color="tab:red", ms=14, label=f"after {n} steps, f = {f_final:.3g}")
        ax.set_title(f"lr = {lr:.3g}, {n} steps: f(x) = {f_final:.3g}")
    ax.legend(loc="upper right", fontsize=8)
    return fig, text
