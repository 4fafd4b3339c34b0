"""Figures of notebooks/02_numerical_differentiation.ipynb: numerical differentiation (수치 미분).

``tangent_view`` is the pure half of the notebook's x/h sliders
(:func:`dlfs.widgets.tangent_explorer`): the tangent (접선) at x, and beside it where the
step h sits on the curve of the error against h.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..examples import function_1
from ..gradient import H, numerical_diff
from .style import new_figure

#: The steps of the error-against-h curves: every 0.1 decade over the h slider's range.
STEPS = np.logspace(-20, 1, 211)

#: Errors are drawn on a log axis down to this floor; an error of exactly 0 sits on it.
ERROR_FLOOR = 1e-17


class Example(NamedTuple):
    """A function of the explorer with its exact (analytic) derivative and how to draw it."""

    f: Callable[[float], float]
    dfdx: Callable[[float], float]
    name: str  # as written in labels, e.g. "0.01x² + 0.1x"
    exact_name: str  # its analytic derivative, e.g. "0.02x + 0.1"
    ylim: tuple[float, float]
    legend: dict  # where the tangent panel's legend leaves the curve visible


#: The explorer's functions: the book's parabola, and sin, whose central difference has a truncation error.
EXAMPLES = {
    "book": Example(
        function_1, lambda x: 0.02 * x + 0.1, "0.01x² + 0.1x", "0.02x + 0.1", (-1.0, 7.0), {"loc": "upper left"}
    ),
    "sin": Example(np.sin, np.cos, "sin x", "cos x", (-2.2, 2.2), {"loc": "upper center", "ncols": 2}),
}


def forward_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) − f(x)) / h: the forward difference (전방 차분) of the book's first numerical_diff (notebook 02)."""
    return (f(x + h) - f(x)) / h


def difference_errors(
    f: Callable[[float], float], dfdx: float, x: float, hs: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Absolute errors of the forward and the central difference at ``x`` for every h in ``hs`` (notebook 02).

    Returns two float64 arrays of the shape of ``hs``. An error of exactly 0 is
    possible (the central difference is exact on parabolas) and kept as 0.
    """
    fwd = np.array([abs(forward_difference(f, x, h) - dfdx) for h in hs])
    cen = np.array([abs(numerical_diff(f, x, h) - dfdx) for h in hs])
    return fwd, cen


def _positive_on_log(values: np.ndarray) -> np.ndarray:
    # a log axis cannot show 0; those points are left out instead of drawn at a fake value
    return np.where(values > 0, values, np.nan)


def _on_log(error: float) -> float:
    # where a single error is marked: an exact 0 sits on the floor of the axis (with a note)
    return max(error, ERROR_FLOOR)


def difference_error_figure(h_min_exp: float = -20, h_max_exp: float = 0) -> Figure:
    """Log–log error against h for the forward and the central difference (notebook 02).

    Left: sin at x = 1 (derivative cos 1). The error falls with h (truncation error:
    ∝ h forward, ∝ h² central) until rounding error ∝ eps/h takes over; the central
    difference is best near h = 1e-5, the forward one near 1e-8. Below h ≈ 1e-16,
    x + h == x and both differences are 0, an error of 100%. The central error at the
    book's h = 1e-4 is marked, so it can be compared with the best one.
    Right: the book's 0.01x² + 0.1x at x = 5, where the central difference has no
    truncation error at all, so all that is left is rounding error.
    """
    hs = np.logspace(h_min_exp, h_max_exp, int(round((h_max_exp - h_min_exp) * 10)) + 1)
    cases = [
        (np.sin, float(np.cos(1.0)), 1.0, "f(x) = sin x at x = 1"),
        (function_1, 0.02 * 5 + 0.1, 5.0, "f(x) = 0.01x² + 0.1x at x = 5 (the book's)"),
    ]
    fig = new_figure(12, 4.8)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (f, dfdx, x, title) in zip(axes, cases, strict=True):
        fwd, cen = difference_errors(f, dfdx, x, hs)
        ax.loglog(hs, _positive_on_log(fwd), color="tab:red", label="forward (f(x+h) − f(x)) / h")
        ax.loglog(hs, _positive_on_log(cen), color="tab:blue", label="central (f(x+h) − f(x−h)) / 2h")
        ax.axvline(H, color="gray", ls="--", lw=1)
        ax.text(
            0.8 * H, 0.97, "book's h = 1e-4", color="gray", ha="right", va="top", transform=ax.get_xaxis_transform()
        )
        ax.set_xlabel("step h")
        ax.set_ylabel("absolute error of the derivative")
        ax.set_title(title)
        ax.grid(alpha=0.3, which="major")
        ax.set_ylim(ERROR_FLOOR, 10)
    _mark_best_and_book_steps(axes[0], hs, np.sin, float(np.cos(1.0)), 1.0)
    axes[1].legend(*axes[0].get_legend_handles_labels(), loc="lower left")
    axes[0].text(1e-19, 1e-6, "rounding error\n(∝ 1/h)", color="dimgray")
    # right-aligned inside the axes: left-aligned at 3e-3 it ran past h = 1 and was clipped
    axes[0].text(0.6, 1e-13, "truncation\nerror\n(∝ h, h²)", color="dimgray", ha="right", ma="center")
    fig.suptitle("Error of numerical differentiation against the step h (points with error exactly 0 are not drawn)")
    return fig


def _mark_best_and_book_steps(ax: Axes, hs: np.ndarray, f: Callable, dfdx: float, x: float) -> None:
    # the smallest error of each difference on the grid, and the central error at the book's h
    fwd, cen = difference_errors(f, dfdx, x, hs)
    i = int(np.nanargmin(_positive_on_log(cen)))
    j = int(np.nanargmin(_positive_on_log(fwd)))
    for k, err, color, name in [(i, cen, "tab:blue", "central"), (j, fwd, "tab:red", "forward")]:
        ax.plot([hs[k]], [err[k]], "o", color=color)
        ax.annotate(
            f"best {name} h ≈ {hs[k]:.0e}",
            (hs[k], err[k]),
            xytext=(-140, -35),
            textcoords="offset points",
            arrowprops={"arrowstyle": "->"},
        )
    # the central error at the book's h, written under the "book's h" label (the space there is empty)
    book = abs(numerical_diff(f, x) - dfdx)
    ax.plot([H], [book], "s", color="tab:blue", mfc="white")
    ax.text(
        0.8 * H,
        0.89,
        f"central error {book:.0e}",
        color="tab:blue",
        ha="right",
        va="top",
        transform=ax.get_xaxis_transform(),
    )


def _tangent_line(slope: float, x: float, fx: float, xs: np.ndarray) -> np.ndarray:
    # the line through (x, f(x)) with the given slope, as the book's tangent_line builds it
    return slope * (xs - x) + fx


def tangent_figure(points: Sequence[float] = (5.0, 10.0), h: float = H) -> Figure:
    """The book's 0.01x² + 0.1x on [0, 20] with tangents (접선) at ``points`` from central differences (notebook 02)."""
    xs = np.arange(0.0, 20.0, 0.1)
    fig = new_figure(7, 4.5)
    ax = fig.subplots()
    ax.plot(xs, function_1(xs), color="black", label="f(x) = 0.01x² + 0.1x")
    for x, color in zip(points, ["tab:blue", "tab:red", "tab:green", "tab:purple"], strict=False):
        slope = numerical_diff(function_1, float(x), h)
        fx = function_1(float(x))
        ax.plot(
            xs, _tangent_line(slope, x, fx, xs), color=color, ls="--", label=f"tangent at x = {x:g}, slope {slope:.4f}"
        )
        ax.plot([x], [fx], "o", color=color)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title("Tangents from the numerical derivative touch the curve")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def _draw_tangents(ax: Axes, ex: Example, x: float, cen: float, fwd: float, h: float) -> None:
    # left panel: the curve, the exact tangent and the two estimated ones, all through (x, f(x))
    xs = np.linspace(0.0, 20.0, 401)
    fx = float(ex.f(x))
    ax.plot(xs, ex.f(xs), color="black", label=f"f(x) = {ex.name}")
    ax.plot(xs, _tangent_line(float(ex.dfdx(x)), x, fx, xs), color="gray", lw=4, alpha=0.4, label="exact tangent")
    ax.plot(xs, _tangent_line(cen, x, fx, xs), color="tab:blue", ls="--", label="central difference")
    ax.plot(xs, _tangent_line(fwd, x, fx, xs), color="tab:red", ls=":", label="forward difference")
    ax.plot([x], [fx], "o", color="black")
    ax.set_xlim(0, 20)
    ax.set_ylim(*ex.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title(f"tangent at x = {x:g} with h = {h:.0e}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, **ex.legend)


def _draw_error_curve(ax: Axes, ex: Example, x: float, h: float, errors: tuple[float, float]) -> None:
    # right panel: the error of both differences against h at this x, and where the slider's h sits on it
    exact = float(ex.dfdx(x))
    fwd, cen = difference_errors(ex.f, exact, x, STEPS)
    # labelled "... error": the tangent panel's lines are the "... difference"
    ax.loglog(STEPS, _positive_on_log(fwd), color="tab:red", lw=1, label="forward error")
    ax.loglog(STEPS, _positive_on_log(cen), color="tab:blue", lw=1, label="central error")
    ax.axvline(H, color="gray", ls="--", lw=1)
    # at the bottom: the top belongs to the legend, and errors there are never as small as 1e-17
    ax.text(0.8 * H, 0.02, "book's h", color="gray", ha="right", va="bottom", transform=ax.get_xaxis_transform())
    ax.axvline(h, color="black", lw=1)
    for err, color, name in [(errors[0], "tab:red", "forward"), (errors[1], "tab:blue", "central")]:
        # an exact 0 cannot sit on a log axis: a downward triangle on the floor stands for it
        ax.plot([h], [_on_log(err)], "v" if err == 0 else "o", color=color, ms=9, mec="black", label=f"{name} at h")
    if 0 in errors:
        right = h < 1e-2  # the note goes beside the marker, on the side with room
        ax.annotate(
            "error exactly 0",
            (h, ERROR_FLOOR),
            xytext=(10 if right else -10, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(STEPS[0] / 2, STEPS[-1] * 2)  # room for a whole marker at the slider's ends
    # the floor at 1e-17 shows a whole marker; above 1e1 no error ever reaches, so the legend goes there
    ax.set_ylim(ERROR_FLOOR / 10, 1e6)
    ax.set_xlabel("step h")
    ax.set_ylabel("absolute error of the derivative")
    ax.set_title(f"where h = {h:.0e} sits on the error curve at x = {x:g}")
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="upper right", fontsize=9, ncols=2)


def tangent_view(x: float, h: float, function: str = "book") -> tuple[Figure, str]:
    """Tangent at ``x`` estimated with step ``h``, and where ``h`` sits on the error curve (notebook 02).

    Parameters
    ----------
    x : float, the point of tangency
    h : float > 0, the step of the differences (h = 1e-50 shows the rounding failure)
    function : "book" (the book's 0.01x² + 0.1x, default) or "sin" (sin x), a key of :data:`EXAMPLES`

    Returns
    -------
    (Figure, str). The figure's left axes draw the curve, the exact tangent, the
    central difference's line (label "central difference") and the forward
    difference's line (label "forward difference"), each through (x, f(x)); its right
    axes draw the error of both differences against h at this x on log–log axes, with
    markers labelled "forward at h" and "central at h" at the current h (an error of
    exactly 0 on the axis' floor, 1e-17). The text gives both estimates, the exact
    (analytic) slope and the errors.
    """
    x, h = float(x), float(h)
    if function not in EXAMPLES:
        raise ValueError(f"function must be one of {sorted(EXAMPLES)}, got {function!r}.")
    if not np.isfinite(x):
        raise ValueError(f"x must be a finite number, got {x}.")
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"the step h must be a positive finite number, got {h}. Try the book's h = 1e-4.")
    ex = EXAMPLES[function]
    exact = float(ex.dfdx(x))
    cen = float(numerical_diff(ex.f, x, h))
    fwd = float(forward_difference(ex.f, x, h))

    fig = new_figure(12.5, 4.6)
    left, right = fig.subplots(1, 2)
    _draw_tangents(left, ex, x, cen, fwd, h)
    _draw_error_curve(right, ex, x, h, (abs(fwd - exact), abs(cen - exact)))

    lines = [
        f"x = {x:g}, h = {h:.1e}",
        f"central difference: {cen!r:<22}  error {abs(cen - exact):.1e}",
        f"forward difference: {fwd!r:<22}  error {abs(fwd - exact):.1e}",
        f"{'exact ' + ex.exact_name + ':':<20}{exact!r}",
    ]
    if x + h == x:
        left.text(
            0.97,
            0.04,
            "x + h == x: both estimates are 0",
            ha="right",
            va="bottom",
            transform=left.transAxes,  # the lower right stays clear of the curves and the legend
            color="tab:red",
            fontsize=13,
            bbox={"facecolor": "white", "edgecolor": "tab:red"},
        )
        lines.append(
            f"x + h == x in float64 (h is below the gap between floats near x, {np.spacing(x):.1e}), "
            "so f(x + h) − f(x) = 0 and both estimates are 0: rounding error"
        )
    return fig, "\n".join(lines)
