"""Figures of notebooks/02_numerical_differentiation.ipynb: numerical differentiation (수치 미분).

``tangent_view`` is the pure half of the notebook's x/h sliders
(:func:`dlfs.widgets.tangent_explorer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..examples import function_1
from ..gradient import numerical_diff
from .style import new_figure


def forward_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) − f(x)) / h: the book's first, "bad" numerical_diff (notebook 02)."""
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


def difference_error_figure(h_min_exp: float = -20, h_max_exp: float = 0) -> Figure:
    """Log–log error against h for the forward and the central difference (notebook 02).

    Left: sin at x = 1 (derivative cos 1). The error falls with h (truncation error:
    ∝ h forward, ∝ h² central) until rounding error ∝ eps/h takes over; the central
    difference is best near h = 1e-5, the forward one near 1e-8. Below h ≈ 1e-16,
    x + h == x and both differences are 0, an error of 100%.
    Right: the book's 0.01x² + 0.1x at x = 5, where the central difference has no
    truncation error at all, so all that is left is rounding error.
    """
    hs = np.logspace(h_min_exp, h_max_exp, int(round((h_max_exp - h_min_exp) * 10)) + 1)
    cases = [
        (np.sin, float(np.cos(1.0)), 1.0, "f(x) = sin x at x = 1"),
        (function_1, 0.02 * 5 + 0.1, 5.0, "f(x) = 0.01x² + 0.1x at x = 5 (the book's)"),
    ]
    fig = new_figure(12, 4.5)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (f, dfdx, x, title) in zip(axes, cases, strict=True):
        fwd, cen = difference_errors(f, dfdx, x, hs)
        ax.loglog(hs, _positive_on_log(fwd), color="tab:red", label="forward (f(x+h) − f(x)) / h")
        ax.loglog(hs, _positive_on_log(cen), color="tab:blue", label="central (f(x+h) − f(x−h)) / 2h")
        ax.axvline(1e-4, color="gray", ls="--", lw=1)
        ax.text(0.8e-4, 0.97, "book's h = 1e-4", color="gray", ha="right", va="top", transform=ax.get_xaxis_transform())
        if f is np.sin:
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
        ax.set_xlabel("step h")
        ax.set_ylabel("absolute error of the derivative")
        ax.set_title(title)
        ax.grid(alpha=0.3, which="major")
        ax.set_ylim(1e-17, 10)
    axes[1].legend(*axes[0].get_legend_handles_labels(), loc="lower left")
    axes[0].text(1e-19, 1e-6, "rounding error\n(∝ 1/h)", color="dimgray")
    axes[0].text(3e-3, 1e-11, "truncation\nerror (∝ h, h²)", color="dimgray")
    fig.suptitle("Error of numerical differentiation against the step h (points with error exactly 0 are not drawn)")
    return fig


def _tangent_line(slope: float, x: float, fx: float, xs: np.ndarray) -> np.ndarray:
    # the line through (x, f(x)) with the given slope, as the book's tangent_line builds it
    return slope * (xs - x) + fx


def tangent_figure(points: Sequence[float] = (5.0, 10.0), h: float = 1e-4) -> Figure:
    """The book's 0.01x² + 0.1x on [0, 20] with tangents at ``points`` from central differences (notebook 02)."""
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


def tangent_view(x: float, h: float) -> tuple[Figure, str]:
    """Tangent of 0.01x² + 0.1x at ``x`` estimated with step ``h``: figure and text (notebook 02).

    Parameters
    ----------
    x : float, the point of tangency
    h : float > 0, the step of the differences (h = 1e-50 shows the rounding failure)

    Returns
    -------
    (Figure, str). The figure draws the curve, the exact tangent, the central
    difference's line (label "central difference") and the forward difference's
    line (label "forward difference"), each through (x, f(x)); the text gives both
    estimates, the exact slope 0.02x + 0.1 and the errors.
    """
    x, h = float(x), float(h)
    if not np.isfinite(x):
        raise ValueError(f"x must be a finite number, got {x}.")
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"the step h must be a positive finite number, got {h}. Try the book's h = 1e-4.")
    exact = 0.02 * x + 0.1
    cen = numerical_diff(function_1, x, h)
    fwd = forward_difference(function_1, x, h)
    fx = function_1(x)

    xs = np.linspace(0.0, 20.0, 201)
    fig = new_figure(7.5, 4.5)
    ax = fig.subplots()
    ax.plot(xs, function_1(xs), color="black", label="f(x) = 0.01x² + 0.1x")
    ax.plot(xs, _tangent_line(exact, x, fx, xs), color="gray", lw=4, alpha=0.4, label="exact tangent")
    ax.plot(xs, _tangent_line(cen, x, fx, xs), color="tab:blue", ls="--", label="central difference")
    ax.plot(xs, _tangent_line(fwd, x, fx, xs), color="tab:red", ls=":", label="forward difference")
    ax.plot([x], [fx], "o", color="black")
    ax.set_xlim(0, 20)
    ax.set_ylim(-1, 7)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title(f"tangent at x = {x:g} with h = {h:.0e}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")

    lines = [
        f"x = {x:g}, h = {h:.1e}",
        f"central difference: {cen!r:<22}  error {abs(cen - exact):.1e}",
        f"forward difference: {fwd!r:<22}  error {abs(fwd - exact):.1e}",
        f"exact 0.02x + 0.1:  {exact!r}",
    ]
    if x + h == x:
        ax.text(
            10,
            5.5,
            "x + h == x: both estimates are 0",
            ha="center",
            color="tab:red",
            fontsize=13,
            bbox={"facecolor": "white", "edgecolor": "tab:red"},
        )
        lines.append(
            f"x + h == x in float64 (h is below the gap between floats near x, {np.spacing(x):.1e}), "
            "so f(x + h) − f(x) = 0 and both estimates are 0: rounding error"
        )
    return fig, "\n".join(lines)
