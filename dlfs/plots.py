"""The chapter's figures, as functions that build and return a matplotlib Figure.

Taught in notebooks/01_loss_functions.ipynb … notebooks/04_gradient_descent.ipynb;
each function's docstring names its notebook.

Why ``matplotlib.figure.Figure`` and not ``pyplot``: a Figure built directly is never
registered with pyplot, so calling these functions leaves no open figures behind
(``plt.get_fignums()`` stays empty), a slider callback can build a new figure on
every release without piling them up, and tests can call everything under any
backend. In a notebook, a returned figure displays itself as the cell's value.

The ``*_view`` functions are the pure halves of the slider explorers in
:mod:`dlfs.widgets`: given the slider values they return ``(figure, text)``, the
picture and the sentence the explorer prints under it.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .functions import CROSS_ENTROPY_DELTA, cross_entropy_error, sigmoid, sum_squares_error
from .gradient import gradient_descent_path, numerical_gradient

# Figures get an opaque white background so they stay readable in JupyterLab's dark theme.
FACECOLOR = "white"

#: The explorer in notebook 04 calls a run diverged once |x| passes this (the start
#: points it offers lie within |x| <= 5.7, so this is a growth of more than 100x).
DIVERGENCE_LIMIT = 1e3


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), facecolor=FACECOLOR, layout="constrained")


# ----------------------------------------------------------------------------------------
# The book's example functions
# ----------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------
# Notebook 01: loss functions
# ----------------------------------------------------------------------------------------

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


def accuracy_vs_loss_figure(w_min: float = -3.0, w_max: float = 3.0, seed: int = 0) -> Figure:
    """Sweep the one weight of a tiny classifier; plot accuracy (a staircase) beside the loss (smooth).

    Notebook 01. The point of the figure: accuracy changes only when a data point
    crosses the decision boundary, so its slope is zero almost everywhere and tells
    gradient descent nothing; the loss has a useful slope at every w.
    """
    x, t = tiny_model_data(seed)
    ws = np.linspace(w_min, w_max, 1201)
    acc = np.array([tiny_model_accuracy(w, x, t) for w in ws])
    loss = np.array([tiny_model_loss(w, x, t) for w in ws])

    fig = _figure(11, 4)
    ax_acc, ax_loss = fig.subplots(1, 2, sharex=True)
    ax_acc.plot(ws, acc, color="tab:red", drawstyle="steps-mid")
    ax_acc.set_title("accuracy: a staircase, slope 0 almost everywhere")
    ax_acc.set_xlabel("weight w")
    ax_acc.set_ylabel("accuracy on the 20 points")
    ax_acc.set_ylim(0, 1.05)
    ax_acc.grid(alpha=0.3)
    ax_loss.plot(ws, loss, color="tab:blue")
    ax_loss.set_title("cross entropy loss: smooth, a slope everywhere")
    ax_loss.set_xlabel("weight w")
    ax_loss.set_ylabel("mean cross entropy")
    ax_loss.grid(alpha=0.3)
    best = ws[np.argmin(loss)]
    ax_loss.axvline(best, color="gray", ls=":", lw=1)
    ax_loss.annotate(f"lowest loss at w ≈ {best:.2f}", (best, loss.min()), xytext=(10, 30),
                     textcoords="offset points", arrowprops={"arrowstyle": "->"})
    fig.suptitle(f"One weight w of the model P(class 1) = sigmoid(w·x + {TINY_BIAS}), swept over [{w_min}, {w_max}]")
    return fig


def neg_log_figure() -> Figure:
    """The curve −log y on (0, 1], with the book's two examples marked (notebook 01).

    Cross entropy with a one-hot target is −log of the probability given to the
    correct class: 0.6 costs 0.51, 0.1 costs 2.30, and 0 would cost infinity without
    the 1e-7 delta.
    """
    y = np.linspace(1e-4, 1.0, 2000)
    fig = _figure(6.5, 4.2)
    ax = fig.subplots()
    ax.plot(y, -np.log(y), color="tab:blue", label="−log y")
    for p in (0.6, 0.1):
        ax.plot([p], [-np.log(p)], "o", color="tab:red")
        ax.annotate(f"y = {p}: −log y = {-np.log(p):.4f}", (p, -np.log(p)), xytext=(12, 12), textcoords="offset points")
    ax.annotate(f"y → 0: −log y → ∞\n(with the delta: −log(0 + 1e-7) = {-np.log(CROSS_ENTROPY_DELTA):.1f})",
                (0.01, 4.6), xytext=(0.15, 4.2), arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 5)
    ax.set_xlabel("y, the probability given to the correct class")
    ax.set_ylabel("cross entropy −log y")
    ax.set_title("Cross entropy of one sample is −log y")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def _check_probability(p: float) -> float:
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"p is a probability and must lie in [0, 1], got {p}.")
    return p


def probability_prediction(p: float, correct: int = 2, classes: int = 10) -> np.ndarray:
    """A prediction of shape (classes,), float64, giving ``p`` to class ``correct`` and (1 − p) equally to the rest (notebook 01)."""
    p = _check_probability(p)
    y = np.full(classes, (1.0 - p) / (classes - 1))
    y[correct] = p
    return y


def loss_probability_view(p: float, correct: int = 2, classes: int = 10) -> tuple[Figure, str]:
    """Both losses for a prediction that gives probability ``p`` to the correct class (notebook 01).

    Parameters
    ----------
    p : float in [0, 1]
        Probability of the correct class (class 2, as in the book's example); the
        other nine classes share 1 − p equally.

    Returns
    -------
    (Figure, str): the prediction as bars and the two loss curves with the current
    point marked; the text gives both loss values.
    """
    y = probability_prediction(p, correct, classes)
    t = np.zeros(classes)
    t[correct] = 1.0
    sse = sum_squares_error(y, t)
    cee = cross_entropy_error(y, t)

    ps = np.linspace(0.0, 1.0, 501)
    sse_curve = np.array([sum_squares_error(probability_prediction(q, correct, classes), t) for q in ps])
    cee_curve = -np.log(ps + CROSS_ENTROPY_DELTA)

    fig = _figure(11, 4)
    ax_y, ax_l = fig.subplots(1, 2, width_ratios=[1, 1.3])
    colors = ["tab:gray"] * classes
    colors[correct] = "tab:green"
    ax_y.bar(np.arange(classes), y, color=colors)
    ax_y.set_xticks(np.arange(classes))
    ax_y.set_ylim(0, 1)
    ax_y.set_xlabel(f"class (green: the correct class {correct})")
    ax_y.set_ylabel("predicted probability y")
    ax_y.set_title(f"prediction y with y[{correct}] = {p:.2f}")

    ax_l.plot(ps, sse_curve, color="tab:orange", label="sum of squares")
    ax_l.plot(ps, cee_curve, color="tab:blue", label="cross entropy")
    ax_l.plot([p], [sse], "o", color="tab:orange")
    ax_l.plot([p], [min(cee, 4.9)], "o", color="tab:blue")
    if cee > 5:
        ax_l.annotate(f"{cee:.1f} (off the chart)", (p, 4.9), xytext=(10, -20), textcoords="offset points")
    ax_l.axvline(p, color="gray", ls=":", lw=1)
    ax_l.set_xlim(0, 1)
    ax_l.set_ylim(0, 5)
    ax_l.set_xlabel("probability of the correct class p")
    ax_l.set_ylabel("loss")
    ax_l.set_title("both losses fall as p rises")
    ax_l.grid(alpha=0.3)
    ax_l.legend()
    # round first, then add 0.0, so that -1e-7 (p = 1) prints as 0.0000 rather than -0.0000
    text = f"p = {p:.2f}: sum of squares = {round(sse, 4) + 0.0:.4f}, cross entropy = {round(cee, 4) + 0.0:.4f}"
    if p == 0.0:
        text += " (that is −log(1e-7): the delta keeps it finite)"
    elif p == 1.0:
        text += " (exactly −log(1 + 1e-7) ≈ −1e-7: the delta shifts it a hair below 0)"
    return fig, text


def mini_batch_figure(x_batch: np.ndarray, t_batch: np.ndarray) -> Figure:
    """The images of an MNIST mini-batch with their labels (notebook 01).

    Parameters
    ----------
    x_batch : ndarray, shape (N, 784) or (N, 1, 28, 28), float or uint8
    t_batch : ndarray, labels of shape (N,) or one-hot rows of shape (N, 10)
    """
    x_batch = np.asarray(x_batch)
    t_batch = np.asarray(t_batch)
    n = x_batch.shape[0]
    if x_batch.size != n * 784:
        raise ValueError(f"mini_batch_figure needs MNIST images of 784 pixels each, got shape {x_batch.shape}.")
    labels = t_batch.argmax(axis=1) if t_batch.ndim == 2 else t_batch
    if labels.shape != (n,):
        raise ValueError(f"mini_batch_figure: {n} images but targets of shape {t_batch.shape}.")
    fig = _figure(1.3 * n, 1.9)
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, image, label in zip(axes, x_batch.reshape(n, 28, 28), labels):
        ax.imshow(image, cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"label {int(label)}")
    fig.suptitle(f"a mini-batch of {n} training images")
    return fig


# ----------------------------------------------------------------------------------------
# Notebook 02: numerical differentiation
# ----------------------------------------------------------------------------------------


def forward_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) − f(x)) / h: the book's first, "bad" numerical_diff (notebook 02)."""
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) − f(x − h)) / 2h, as in dlfs.numerical_diff but with any h (notebook 02)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def difference_errors(
    f: Callable[[float], float], dfdx: float, x: float, hs: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Absolute errors of the forward and the central difference at ``x`` for every h in ``hs`` (notebook 02).

    Returns two float64 arrays of the shape of ``hs``. An error of exactly 0 is
    possible (the central difference is exact on parabolas) and kept as 0.
    """
    fwd = np.array([abs(forward_difference(f, x, h) - dfdx) for h in hs])
    cen = np.array([abs(central_difference(f, x, h) - dfdx) for h in hs])
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
    fig = _figure(12, 4.5)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (f, dfdx, x, title) in zip(axes, cases):
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
                ax.annotate(f"best {name} h ≈ {hs[k]:.0e}", (hs[k], err[k]), xytext=(-140, -35),
                            textcoords="offset points", arrowprops={"arrowstyle": "->"})
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
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    ax.plot(xs, function_1(xs), color="black", label="f(x) = 0.01x² + 0.1x")
    for x, color in zip(points, ["tab:blue", "tab:red", "tab:green", "tab:purple"]):
        slope = central_difference(function_1, float(x), h)
        fx = function_1(float(x))
        ax.plot(xs, _tangent_line(slope, x, fx, xs), color=color, ls="--", label=f"tangent at x = {x:g}, slope {slope:.4f}")
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
    cen = central_difference(function_1, x, h)
    fwd = forward_difference(function_1, x, h)
    fx = function_1(x)

    xs = np.linspace(0.0, 20.0, 201)
    fig = _figure(7.5, 4.5)
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
        ax.text(10, 5.5, "x + h == x: both estimates are 0", ha="center", color="tab:red", fontsize=13,
                bbox={"facecolor": "white", "edgecolor": "tab:red"})
        lines.append(
            f"x + h == x in float64 (h is below the gap between floats near x, {np.spacing(x):.1e}), "
            "so f(x + h) − f(x) = 0 and both estimates are 0: rounding error"
        )
    return fig, "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Notebook 03: gradients
# ----------------------------------------------------------------------------------------


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
    fig = _figure(6.5, 5.5)
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
    fig = _figure(6, 6)
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

    fig = _figure(13, 5.8)
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
    for start, color in zip(starts, ["tab:blue", "tab:red"]):
        path = gradient_descent_path(tilted_double_well, start, lr=lr, step_num=step_num)
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=3,
                label=f"descent from {start} ends at ({path[-1, 0]:.2f}, {path[-1, 1]:.2f})")
    offsets = {"global minimum": (-60, -38), "saddle": (-25, 14), "local minimum": (-20, -38)}
    for name, marker in [("global minimum", "*"), ("local minimum", "*"), ("saddle", "X")]:
        p = crit[name]
        ax.plot([p[0]], [p[1]], marker, color="black", ms=13 if marker == "*" else 9)
        ax.annotate(f"{name}\nf = {tilted_double_well(p):.2f}", (p[0], p[1]), xytext=offsets[name],
                    textcoords="offset points", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.75, 1.75)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title(f"direction of −∇f, and gradient descent (lr = {lr}, {step_num} steps)")
    ax.legend(loc="upper center", fontsize=9, bbox_to_anchor=(0.5, -0.12))
    return fig


# ----------------------------------------------------------------------------------------
# Notebook 04: gradient descent
# ----------------------------------------------------------------------------------------


def _bowl_axes(ax, xlim=(-3.5, 3.5), ylim=(-4.5, 4.5)) -> None:
    # contour circles of x0² + x1² and the book's dashed axes
    g0 = np.linspace(xlim[0], xlim[1], 141)
    g1 = np.linspace(ylim[0], ylim[1], 181)
    X, Y = np.meshgrid(g0, g1)
    ax.contour(X, Y, X**2 + Y**2, levels=[0.25, 1, 2.25, 4, 6.25, 9, 12.25, 16, 20.25, 25], colors="lightgray",
               linewidths=0.8)
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
    fig = _figure(5.5, 6.5)
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
    fig = _figure(13, 9.5)
    axes = fig.subplots(2, 3).ravel()
    ax_norm = axes[-1]
    colors = ["tab:purple", "tab:green", "tab:orange", "tab:brown", "tab:red"]
    for ax, lr, color in zip(axes, lrs, colors):
        path = gradient_descent_path(function_2, init_x, lr=lr, step_num=step_num)
        _bowl_axes(ax, xlim=(-5, 5), ylim=(-5, 5))
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=4, lw=1)
        ax.plot(path[:1, 0], path[:1, 1], "s", color="black", ms=7)
        _number_first_points(ax, path, color)
        norms = np.linalg.norm(path, axis=1)
        outside = np.nonzero(np.abs(path).max(axis=1) > 5)[0]
        if outside.size:
            ax.text(0, -4.2, f"left the window after {outside[0]} steps", ha="center", color="tab:red",
                    bbox={"facecolor": "white", "edgecolor": "tab:red"})
        else:
            ax.text(0, -4.2, f"|x| after {step_num} steps: {norms[-1]:.2g}", ha="center",
                    bbox={"facecolor": "white", "edgecolor": "gray"})
        ax.set_title(f"lr = {lr}: {lr_regime(lr)}\n(x × {1 - 2 * lr:.2f} per step)")
        # lr and 1 - lr give the same |1 - 2·lr| (0.1 and 0.9): dashed lines keep both visible
        ax_norm.semilogy(np.arange(step_num + 1), norms, "o-" if lr <= 0.5 else "x--", color=color, ms=4,
                         label=f"lr = {lr}, |1 − 2·lr| = {abs(1 - 2 * lr):.2f}")
    for ax in axes[len(lrs):-1]:
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
        raise ValueError(f"the start point ({x0}, {x1}) lies beyond |x| = {DIVERGENCE_LIMIT:g}, where a run counts "
                         "as diverged; start closer to the minimum, e.g. at (-3, 4).")
    path = gradient_descent_path(function_2, [float(x0), float(x1)], lr=lr, step_num=step_num)
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.linalg.norm(path, axis=1)
    bad = np.nonzero(~np.isfinite(norms) | (norms > DIVERGENCE_LIMIT))[0]
    diverged = bad.size > 0
    n = len(path) - 1

    fig = _figure(6.5, 6.5)
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
        ax.text(0, 0, f"DIVERGED after {k} steps\n|x| exceeded {DIVERGENCE_LIMIT:g}\nthe path left the plot",
                ha="center", va="center", fontsize=16, color="tab:red",
                bbox={"facecolor": "white", "edgecolor": "tab:red", "boxstyle": "round"})
        ax.set_title(f"lr = {lr:.3g}: diverged")
    else:
        x_final = path[-1]
        f_final = function_2(x_final)
        text = f"after {n} steps: x = {_fmt_point(x_final)}, f(x) = {f_final:.9g}\n{factor}"
        ax.plot([x_final[0]], [x_final[1]], "*", color="tab:red", ms=14, label=f"after {n} steps, f = {f_final:.3g}")
        ax.set_title(f"lr = {lr:.3g}, {n} steps: f(x) = {f_final:.3g}")
    ax.legend(loc="upper right", fontsize=8)
    return fig, text
