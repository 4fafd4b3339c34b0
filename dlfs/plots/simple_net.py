"""Figures of notebooks/05_simple_net.ipynb: SimpleNet learning by gradient descent (경사 하강법).

Two sets of training examples (:data:`EXAMPLES`), both on the book's input x = (0.6, 0.9):
the book's one example, whose loss has no bottom at any finite W, so that every learning
rate works; and two examples that disagree about its class, whose loss has a floor of
ln 2, so that a learning rate above 2/L ≈ 3.42 jumps across the bottom (L the steepest
curvature there; tests/test_plots_simple_net.py measures it). :func:`simple_net_lr_view`
is the pure half of the notebook's explorer (:func:`dlfs.widgets.simple_net_lr_explorer`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..checks import positive_number, whole_number
from ..functions import CROSS_ENTROPY_DELTA, softmax
from ..gradient import numerical_gradient
from ..nets import SimpleNet
from .style import new_figure

#: The training examples the notebook and its explorer offer, name -> (x, t). Both share the
#: book's input x = (0.6, 0.9): the book's one example says "class 2"; the pair says "class 2"
#: and "class 0" for the same input, as two people might label one blurry digit differently.
EXAMPLES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "the book's one example": (np.array([0.6, 0.9]), np.array([0, 0, 1])),
    "two that disagree": (np.array([[0.6, 0.9], [0.6, 0.9]]), np.array([[0, 0, 1], [1, 0, 0]])),
}

#: The stops of the explorer's learning-rate slider: the book's 0.1 and 0.01 and up to 100, with
#: most stops near 2/L ≈ 3.42, where the pair's descent stops settling on its floor.
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 3.3, 3.4, 3.5, 3.7, 4.0, 5.0, 10.0, 30.0, 100.0)

#: A loss this close to its floor counts as settled.
SETTLED = 0.01


def examples(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Copies of the training examples ``(x, t)`` called ``name`` in :data:`EXAMPLES`.

    Raises
    ------
    ValueError
        ``name`` is not a key of :data:`EXAMPLES`.
    """
    if name not in EXAMPLES:
        raise ValueError(f"examples: there are no examples called {name!r}; choose one of {sorted(EXAMPLES)}.")
    x, t = EXAMPLES[name]
    return x.copy(), t.copy()


def _target_classes(t: ArrayLike) -> list[int]:
    """The correct class of each example, for t one-hot of shape (3,) or (N, 3), or labels (a scalar or (N,))."""
    t = np.asarray(t)
    if t.ndim >= 1 and t.shape[-1] == 3:
        return [int(c) for c in t.reshape(-1, 3).argmax(axis=1)]
    return [int(c) for c in t.reshape(-1)]


def lowest_loss(t: ArrayLike) -> float:
    """The floor of the mean cross entropy over examples that all share one input x.

    Examples with the same x get the same prediction y whatever W is, so the best a network can
    do is to predict the frequencies f of their classes; the mean loss is then
    −Σ_c f_c·log(f_c + 1e-7). One example: −log(1 + 1e-7) ≈ −1e-7 (reached only as W grows without
    bound); two that disagree: −log(1/2 + 1e-7) ≈ ln 2 ≈ 0.6931.

    Parameters
    ----------
    t : array_like, one-hot (3,) or (N, 3), or labels (N,)

    Returns
    -------
    float
    """
    classes = _target_classes(t)
    f = np.bincount(classes, minlength=3) / len(classes)
    f = f[f > 0]
    return float(-np.sum(f * np.log(f + CROSS_ENTROPY_DELTA)))


def simple_net_descent(
    W: ArrayLike, x: ArrayLike, t: ArrayLike, learning_rate: float = 0.1, step_num: int = 300
) -> dict[str, np.ndarray]:
    """Gradient descent on a SimpleNet's W with the book's numerical gradient and the book's lambda.

    Parameters
    ----------
    W : array_like (2, 3), the starting weights (copied, never modified)
    x : array_like (2,) or (N, 2); t : one-hot (3,) or (N, 3), or labels
    learning_rate : float > 0; step_num : int >= 0

    Returns
    -------
    dict of float64 arrays, row k after k updates:
    'loss' (step_num + 1,); 'probs' (step_num + 1, 3), the softmax prediction for x (for its first
    row if x is a batch); 'W' (step_num + 1, 2, 3); 'grad_norm' (step_num + 1,), the size
    sqrt(Σ dW²) of the gradient at that W (the one the next update uses).
    """
    learning_rate = positive_number(learning_rate, "learning_rate", where="simple_net_descent")
    step_num = whole_number(step_num, "step_num", where="simple_net_descent")
    net = SimpleNet(W=W)
    x = np.asarray(x, dtype=np.float64)
    first = x if x.ndim == 1 else x[0]
    losses = np.empty(step_num + 1)
    probs = np.empty((step_num + 1, 3))
    Ws = np.empty((step_num + 1, 2, 3))
    grad_norm = np.empty(step_num + 1)
    f = lambda _: net.loss(x, t)  # noqa: E731 - the book's lambda; net.W is nudged in place
    for k in range(step_num + 1):
        losses[k] = net.loss(x, t)
        probs[k] = softmax(net.predict(first))
        Ws[k] = net.W
        grad = numerical_gradient(f, net.W)
        grad_norm[k] = np.sqrt(np.sum(grad**2))
        if k < step_num:
            net.W -= learning_rate * grad
    return {"loss": losses, "probs": probs, "W": Ws, "grad_norm": grad_norm}


def first_rise(loss: np.ndarray) -> int | None:
    """The first update k after which the loss is higher than before it (loss[k] > loss[k-1]), or None."""
    # 1e-12 of slack: a loss that stopped moving may wobble in its last digits
    rises = np.flatnonzero(np.diff(loss) > 1e-12 * np.maximum(1.0, np.abs(loss[:-1])))
    return int(rises[0]) + 1 if rises.size else None


def descent_summary(path: dict[str, np.ndarray], t: ArrayLike, learning_rate: float) -> tuple[str, str]:
    """What a run of :func:`simple_net_descent` with targets ``t`` did: ``(headline, sentence)``.

    The headline is one of "the loss fell at every update", "the loss rose at update k, then
    settled" (within :data:`SETTLED` of the floor, :func:`lowest_loss`), "stuck on a plateau" (far
    above the floor with a gradient below a thousandth of its first size: a correct class's
    probability fell far below the 1e-7 inside the log, where −log(y + 1e-7) is flat) and "the
    steps jump across the bottom". The sentence starts with the headline and gives the numbers.
    """
    loss, grad = path["loss"], path["grad_norm"]
    floor = lowest_loss(t)
    n = len(loss) - 1
    start, end = float(loss[0]), float(loss[-1])
    rise = first_rise(loss)
    moves = f"loss {start:.4f} → {end:.4g} after {n} updates (floor {floor:.4g})"
    shrink = f"gradient size {float(grad[0]):.3g} → {float(grad[-1]):.3g}"
    if rise is None:
        headline = "the loss fell at every update"
        details = f"{moves}; {shrink}"
    elif end - floor < SETTLED:
        headline = f"the loss rose at update {rise}, then settled"
        details = f"{moves}; {shrink}"
    elif grad[-1] < 1e-3 * grad[0]:
        classes = sorted(set(_target_classes(t)))
        worst = min(classes, key=lambda c: path["probs"][-1, c])
        size = "exactly 0" if grad[-1] == 0 else f"only {float(grad[-1]):.2g}"
        headline = "stuck on a plateau"
        details = (
            f"{moves}; the gradient is {size}: p(class {worst}) = {float(path['probs'][-1, worst]):.2g}, "
            "far below the 1e-7 inside the log, where −log(y + 1e-7) is flat"
        )
    else:
        headline = f"the steps jump across the bottom (the loss first rose at update {rise})"
        details = f"{moves}; {shrink}"
    return headline, f"lr = {learning_rate:g}: {headline}: {details}"


def plot_simple_net_descent(
    path: dict[str, np.ndarray], t: ArrayLike, learning_rate: float | None = None, floor: float | None = None
) -> Figure:
    """Three panels of one descent: the loss, the predicted probabilities, the gradient's size, against the update.

    Parameters
    ----------
    path : dict from :func:`simple_net_descent`
    t : the targets of the run (one-hot (3,) or (N, 3), or labels): their classes are drawn solid
    learning_rate : float, shown in the first title
    floor : float, the lowest possible loss (:func:`lowest_loss`), drawn dashed
    """
    targets = _target_classes(t)
    steps = np.arange(len(path["loss"]))
    fig = new_figure(12.5, 3.7)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    ax1.plot(steps, path["loss"], color="tab:blue", label="loss")
    if floor is not None:
        ax1.axhline(floor, color="gray", ls="--", lw=1, label=f"floor {floor:.4g}")
        ax1.legend(loc="best")
    top = float(np.max(path["loss"]))
    ax1.set_ylim(min(0.0, float(np.min(path["loss"]))), 1.08 * top if top > 0 else 1.0)
    ax1.set_xlabel("update (step)")
    ax1.set_ylabel("loss (cross entropy)")
    ax1.set_title("SimpleNet loss" + (f", lr = {learning_rate:g}" if learning_rate is not None else ""))
    ax1.grid(alpha=0.3)
    for c, color in zip(range(3), ("tab:orange", "tab:green", "tab:purple"), strict=True):
        if c in targets:
            which = [i + 1 for i, k in enumerate(targets) if k == c]
            role = " = target" if len(targets) == 1 else f" = target of example {', '.join(map(str, which))}"
            ax2.plot(steps, path["probs"][:, c], "-", color=color, lw=2, label=f"p(class {c}){role}")
        else:
            ax2.plot(steps, path["probs"][:, c], "--", color=color, label=f"p(class {c})")
    # headroom above 1 for the legend, so that it never covers a probability near 1
    ax2.set_ylim(-0.02, 1.42)
    ax2.set_yticks(np.linspace(0, 1, 6))
    ax2.set_xlabel("update (step)")
    ax2.set_ylabel("softmax probability")
    ax2.set_title("The prediction for x = (0.6, 0.9)")
    ax2.grid(alpha=0.3)
    ax2.legend(loc="upper center", fontsize=8)
    grad = path["grad_norm"]
    positive = grad > 0
    # a gradient of exactly 0 has no place on a log scale: leave a gap and say so
    # markers when only a few points are left: a single point draws no line
    marker = "o" if positive.sum() <= 5 else None
    ax3.semilogy(steps, np.where(positive, grad, np.nan), color="tab:red", marker=marker, ms=4)
    if not positive.all():
        zero_from = int(np.flatnonzero(~positive)[0])
        ax3.text(
            0.97,
            0.95,
            f"exactly 0 from update {zero_from}\n(not drawn on a log scale)",
            transform=ax3.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "gray"},
        )
    ax3.set_xlim(ax1.get_xlim())
    ax3.set_xlabel("update (step)")
    ax3.set_ylabel("gradient size √(Σ dW²) (log scale)")
    ax3.set_title("The gradient the next update uses")
    ax3.grid(alpha=0.3, which="both")
    return fig


def learning_rate_figure(
    W: ArrayLike, learning_rates: Sequence[float] = (0.1, 1.0, 3.0, 4.0, 10.0), step_num: int = 300
) -> Figure:
    """How far the loss stays above its floor, for several learning rates: one example beside two that disagree.

    Both panels show loss − floor (:func:`lowest_loss`) on a log scale, so that settling on the
    floor is a falling line and bouncing is a level one. Left: the book's one example (floor
    −1e-7, so this is the loss itself to 7 digits); every learning rate lowers the loss at every
    update. Right: two examples that disagree (floor ln 2); above 2/L ≈ 3.42 the steps jump
    across the bottom and the loss stays up.
    """
    fig = new_figure(12.5, 4.2)
    axes = fig.subplots(1, 2, sharey=True)
    colors = ("tab:blue", "tab:green", "tab:orange", "tab:red", "tab:purple", "tab:brown", "tab:gray")
    for ax, name in zip(axes, EXAMPLES, strict=True):
        x, t = examples(name)
        floor = lowest_loss(t)
        for i, lr in enumerate(learning_rates):
            run = simple_net_descent(W, x, t, learning_rate=lr, step_num=step_num)
            above = run["loss"] - floor
            # a loss exactly on its floor has no place on a log scale: leave a gap
            ax.semilogy(np.where(above > 0, above, np.nan), color=colors[i % len(colors)], label=f"{lr:g}")
        ax.set_xlabel("update (step)")
        ax.set_ylabel("loss − floor (log scale)")
        ax.grid(alpha=0.3, which="both")
        labels = " and ".join(f"class {c}" for c in _target_classes(t))
        ax.set_title(f"{name}: x labelled {labels}\nfloor = {floor:.4g}")
    # one legend for both panels, beside them: inside, it would cover some line in one panel or the other
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", title="learning rate")
    fig.suptitle(f"SimpleNet: {step_num} updates from the book's W")
    return fig


def simple_net_lr_view(
    W: ArrayLike, examples_name: str, learning_rate: float, step_num: int = 300
) -> tuple[Figure, str]:
    """One run for the notebook 05 explorer: the descent's figure and a sentence on what it did.

    Parameters
    ----------
    W : array_like (2, 3), the starting weights (the book's)
    examples_name : a key of :data:`EXAMPLES`
    learning_rate : float > 0
    step_num : int >= 0

    Returns
    -------
    (Figure, str): the three panels of :func:`plot_simple_net_descent`, titled with the sentence
    of :func:`descent_summary` ("fell at every update", "rose …, then settled", "jump across the
    bottom", "stuck on a plateau"), which is also the text.
    """
    x, t = examples(examples_name)
    path = simple_net_descent(W, x, t, learning_rate, step_num)
    floor = lowest_loss(t)
    headline, sentence = descent_summary(path, t, learning_rate)
    fig = plot_simple_net_descent(path, t, learning_rate, floor=floor)
    fig.suptitle(f"{examples_name}, lr = {learning_rate:g}: {headline}")
    return fig, f"{examples_name}, {sentence}"
