"""Figures of notebooks/05_simple_net.ipynb: SimpleNet learning by gradient descent.

``draw_simple_net_descent`` is the pure half of the notebook's learning-rate slider
(:func:`dlfs.widgets.simple_net_lr_explorer`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..checks import positive_number, whole_number
from ..functions import softmax
from ..gradient import numerical_gradient
from ..nets import SimpleNet
from .style import new_figure


def simple_net_descent(
    W: ArrayLike, x: ArrayLike, t: ArrayLike, learning_rate: float = 0.1, step_num: int = 300
) -> dict[str, np.ndarray]:
    """Gradient descent on a SimpleNet's W with the book's numerical gradient.

    Parameters
    ----------
    W : array_like (2, 3), the starting weights (copied, never modified)
    x : array_like (2,), t : one-hot (3,) or a label
    learning_rate : float > 0; step_num : int >= 0

    Returns
    -------
    dict with 'loss' (step_num + 1,), 'probs' (step_num + 1, 3) and 'W' (step_num + 1, 2, 3),
    all float64, row k after k updates. Rows after a non-finite loss are NaN.
    """
    learning_rate = positive_number(learning_rate, "learning_rate", where="simple_net_descent")
    step_num = whole_number(step_num, "step_num", where="simple_net_descent")
    net = SimpleNet(W=W)
    x = np.asarray(x, dtype=np.float64)
    losses = np.full(step_num + 1, np.nan)
    probs = np.full((step_num + 1, 3), np.nan)
    Ws = np.full((step_num + 1, 2, 3), np.nan)
    f = lambda _: net.loss(x, t)  # noqa: E731 - the book's lambda; net.W is nudged in place
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(step_num + 1):
            losses[k] = net.loss(x, t)
            probs[k] = softmax(net.predict(x))
            Ws[k] = net.W
            if not np.isfinite(losses[k]) or k == step_num:
                break
            net.W -= learning_rate * numerical_gradient(f, net.W)
    return {"loss": losses, "probs": probs, "W": Ws}


def plot_simple_net_descent(path: dict[str, np.ndarray], t: ArrayLike, learning_rate: float | None = None) -> Figure:
    """Loss against step, and the three predicted probabilities moving toward the target."""
    t = np.asarray(t)
    target = int(t.argmax()) if t.ndim == 1 and t.size == 3 else int(t)
    steps = np.arange(len(path["loss"]))
    fig = new_figure(11, 3.8)
    (ax1, ax2) = fig.subplots(1, 2)
    ax1.plot(steps, path["loss"], color="tab:blue")
    ax1.set_xlabel("update (step)")
    ax1.set_ylabel("loss (cross entropy)")
    ax1.set_ylim(bottom=0)
    ax1.set_title("SimpleNet loss" + (f", lr={learning_rate:g}" if learning_rate is not None else ""))
    ax1.grid(alpha=0.3)
    for c, color in zip(range(3), ("tab:orange", "tab:green", "tab:purple"), strict=True):
        style = "-" if c == target else "--"
        ax2.plot(
            steps, path["probs"][:, c], style, color=color, label=f"p(class {c})" + (" = target" if c == target else "")
        )
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("update (step)")
    ax2.set_ylabel("softmax probability")
    ax2.set_title("Predicted probabilities move toward the target")
    ax2.grid(alpha=0.3)
    ax2.legend(loc="center right")
    return fig


def draw_simple_net_descent(W, x, t, learning_rate: float = 0.1, step_num: int = 300) -> tuple[Figure, str]:
    """Callback of the notebook 05 slider: run :func:`simple_net_descent` and draw it."""
    path = simple_net_descent(W, x, t, learning_rate, step_num)
    fig = plot_simple_net_descent(path, t, learning_rate)
    finite = np.isfinite(path["loss"])
    last = int(np.flatnonzero(finite)[-1])
    t_arr = np.asarray(t)
    target = int(t_arr.argmax()) if t_arr.size == 3 else int(t_arr)
    if last < step_num:
        summary = f"lr={learning_rate:g}: diverged, the loss became non-finite after {last + 1} updates"
    else:
        summary = (
            f"lr={learning_rate:g}: loss {path['loss'][0]:.4f} → {path['loss'][last]:.4f} after {last} updates, "
            f"p(target) {path['probs'][0][target]:.3f} → {path['probs'][last][target]:.3f}"
        )
    fig.suptitle(summary)
    return fig, summary
