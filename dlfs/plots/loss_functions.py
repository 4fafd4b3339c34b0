"""Figures of notebooks/01_loss_functions.ipynb: loss functions (손실 함수).

``loss_probability_view`` is the pure half of the notebook's probability slider
(:func:`dlfs.widgets.loss_probability_explorer`): given the slider value it returns
``(figure, text)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..examples import TINY_BIAS, tiny_model_accuracy, tiny_model_data, tiny_model_loss
from ..functions import CROSS_ENTROPY_DELTA, cross_entropy_error, sum_squares_error
from .style import new_figure


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

    fig = new_figure(11, 4)
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
    ax_loss.annotate(
        f"lowest loss at w ≈ {best:.2f}",
        (best, loss.min()),
        xytext=(10, 30),
        textcoords="offset points",
        arrowprops={"arrowstyle": "->"},
    )
    fig.suptitle(f"One weight w of the model P(class 1) = sigmoid(w·x + {TINY_BIAS}), swept over [{w_min}, {w_max}]")
    return fig


def neg_log_figure() -> Figure:
    """The curve −log y on (0, 1], with the book's two examples marked (notebook 01).

    Cross entropy with a one-hot target is −log of the probability given to the
    correct class: 0.6 costs 0.51, 0.1 costs 2.30, and 0 would cost infinity without
    the 1e-7 delta.
    """
    y = np.linspace(1e-4, 1.0, 2000)
    fig = new_figure(6.5, 4.2)
    ax = fig.subplots()
    ax.plot(y, -np.log(y), color="tab:blue", label="−log y")
    for p in (0.6, 0.1):
        ax.plot([p], [-np.log(p)], "o", color="tab:red")
        ax.annotate(f"y = {p}: −log y = {-np.log(p):.4f}", (p, -np.log(p)), xytext=(12, 12), textcoords="offset points")
    ax.annotate(
        f"y → 0: −log y → ∞\n(with the delta: −log(0 + 1e-7) = {-np.log(CROSS_ENTROPY_DELTA):.1f})",
        (0.01, 4.6),
        xytext=(0.15, 4.2),
        arrowprops={"arrowstyle": "->"},
    )
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
    """A prediction (classes,), float64: ``p`` for class ``correct``, 1 − p shared by the rest (notebook 01)."""
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

    fig = new_figure(11, 4)
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
    fig = new_figure(1.3 * n, 1.9)
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, image, label in zip(axes, x_batch.reshape(n, 28, 28), labels, strict=True):
        ax.imshow(image, cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"label {int(label)}")
    fig.suptitle(f"a mini-batch of {n} training images")
    return fig
