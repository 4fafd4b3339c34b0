"""Figures of notebooks/01_loss_functions.ipynb: loss functions (손실 함수).

``loss_probability_view`` is the pure half of the notebook's probability explorer
(:func:`dlfs.widgets.loss_probability_explorer`): given the control values it returns
``(figure, text)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

from ..examples import TINY_BIAS, tiny_model_accuracy, tiny_model_data, tiny_model_loss
from ..functions import CROSS_ENTROPY_DELTA, cross_entropy_error, sigmoid, sigmoid_grad, sum_squares_error
from .style import new_figure

#: Fill colours of the data-driven learning figure: a step a person designs, and a step learned from data.
DESIGNED_BY_A_PERSON = "#fde9c9"
LEARNED_FROM_DATA = "#c8c8c8"


def _box(ax: Axes, x0: float, x1: float, y: float, text: str, color: str, height: float = 1.3) -> None:
    """A rounded box from x0 to x1 centred on y, with centred text (data coordinates)."""
    ax.add_patch(
        FancyBboxPatch(
            (x0, y - height / 2),
            x1 - x0,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.15",
            facecolor=color,
            edgecolor="0.3",
        )
    )
    ax.text((x0 + x1) / 2, y, text, ha="center", va="center", fontsize=10)


def _arrow(ax: Axes, x0: float, x1: float, y: float) -> None:
    ax.annotate("", (x1, y), xytext=(x0, y), arrowprops={"arrowstyle": "-|>", "color": "0.25", "lw": 1.3})


def learning_approaches_figure(image: np.ndarray | None = None, label: int = 5) -> Figure:
    """The three ways to recognise a handwritten digit of the book's section 4.1.1 (its Figure 4-2), redrawn.

    Notebook 01. Row 1: an algorithm a person designs; row 2: features a person designs
    (SIFT, HOG, ...) turned into an answer by machine learning (SVM, KNN, ...); row 3: a
    neural network that learns everything from the raw pixels — end-to-end machine
    learning (종단간 기계학습). Grey boxes are learned from data, light orange ones are
    designed by a person.

    Parameters
    ----------
    image : ndarray of 784 (or 28 × 28) pixels, float or uint8, optional
        The input drawn at the left of each row (e.g. an MNIST image of a 5); without
        it the input is a box saying "image of a {label}".
    label : int
        The digit the image shows; the answer at the right of each row.
    """
    if image is not None:
        image = np.asarray(image, dtype=np.float64)
        if image.size != 784:
            raise ValueError(
                f"learning_approaches_figure: image must hold the 784 pixels of an MNIST image, got shape "
                f"{image.shape}. Pass one row of x_train, e.g. x_train[0]."
            )
        image = image.reshape(28, 28)
    fig = new_figure(11, 5.2)
    ax = fig.subplots()
    rows = [
        (8.2, "1. a hand-made algorithm", [(2.2, 8.8, "an algorithm designed by a person", DESIGNED_BY_A_PERSON)]),
        (
            5.0,
            "2. hand-made features + machine learning",
            [
                (2.2, 5.1, "features designed by a person\n(SIFT, HOG, ...)", DESIGNED_BY_A_PERSON),
                (5.9, 8.8, "machine learning\n(SVM, KNN, ...)", LEARNED_FROM_DATA),
            ],
        ),
        (1.8, "3. deep learning: end to end, from raw pixels", [(2.2, 8.8, "neural network", LEARNED_FROM_DATA)]),
    ]
    for y, title, boxes in rows:
        ax.text(0.3, y + 1.05, title, ha="left", va="bottom", fontsize=11, fontweight="bold")
        if image is None:
            _box(ax, 0.3, 1.5, y, f"image\nof a {label}", "white")
        else:
            ax.imshow(image, cmap="gray_r", extent=(0.3, 1.5, y - 0.65, y + 0.65), aspect="auto", zorder=2)
            ax.add_patch(FancyBboxPatch((0.3, y - 0.65), 1.2, 1.3, boxstyle="square,pad=0", fill=False, ec="0.3"))
        _arrow(ax, 1.55, boxes[0][0] - 0.05, y)
        for (x0, x1, text, color), following in zip(boxes, boxes[1:] + [(9.6, 0, "", "")], strict=True):
            _box(ax, x0, x1, y, text, color)
            _arrow(ax, x1 + 0.05, following[0] - 0.05, y)
        _box(ax, 9.6, 11.0, y, f"answer:\n{label}", "white")
    ax.set_xlim(0, 11.2)
    ax.set_ylim(0.6, 10.0)
    ax.axis("off")
    ax.legend(
        handles=[
            Patch(facecolor=DESIGNED_BY_A_PERSON, edgecolor="0.3", label="designed by a person"),
            Patch(facecolor=LEARNED_FROM_DATA, edgecolor="0.3", label="learned from data"),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, -0.06),
        ncols=2,
        frameon=False,
    )
    fig.suptitle("From rules written by people to rules learned from data (after the book's Figure 4-2)")
    return fig


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


def step_function(x: np.ndarray) -> np.ndarray:
    """The step function of the book's chapter 3 (계단 함수): 1.0 where x > 0, else 0.0; same shape as x."""
    return (np.asarray(x) > 0).astype(np.float64)


def step_model_loss(w: float, x: np.ndarray, t: np.ndarray) -> float:
    """Mean cross entropy of the tiny model of notebook 01 with a step instead of its sigmoid.

    The model then says "class 1" with probability exactly 1 or 0, so a right point costs
    −log(1 + 1e-7) ≈ 0 and a wrong one −log(0 + 1e-7) ≈ 16.1: the loss is 16.1 × (1 − accuracy),
    a staircase like the accuracy itself. Computed from
    :func:`dlfs.examples.tiny_model_accuracy`, so the two can never disagree.
    """
    accuracy = tiny_model_accuracy(w, x, t)
    return float(-(accuracy * np.log(1.0 + CROSS_ENTROPY_DELTA) + (1.0 - accuracy) * np.log(CROSS_ENTROPY_DELTA)))


def step_vs_sigmoid_figure(seed: int = 0) -> Figure:
    """Why the book does not use a step activation (section 4.2.5), in three panels (notebook 01).

    Left: the step function and the sigmoid. Middle: their slopes — the step's is 0
    everywhere except at the jump x = 0, where it has none; the sigmoid's,
    σ(x)(1 − σ(x)), is positive everywhere. Right: the tiny model of
    :func:`accuracy_vs_loss_figure` swept over w, with its sigmoid and with a step in its
    place: with the step even the cross entropy becomes a staircase (16.1 × the error rate).
    """
    xs = np.linspace(-6, 6, 1201)
    fig = new_figure(13, 3.9)
    ax_h, ax_slope, ax_loss = fig.subplots(1, 3)

    ax_h.plot(xs, step_function(xs), color="tab:red", drawstyle="steps-mid", label="step function")
    ax_h.plot(xs, sigmoid(xs), color="tab:blue", label="sigmoid")
    ax_h.set_title("activation h(x)")
    ax_h.set_xlabel("x")
    ax_h.set_ylabel("h(x)")
    ax_h.set_ylim(-0.1, 1.15)
    ax_h.legend(loc="upper left")

    left, right = xs[xs < 0], xs[xs > 0]
    ax_slope.plot(left, np.zeros_like(left), color="tab:red", label="step: 0 (none at x = 0)")
    ax_slope.plot(right, np.zeros_like(right), color="tab:red")
    ax_slope.plot([0], [0], "o", mfc="white", color="tab:red")
    ax_slope.plot(xs, sigmoid_grad(xs), color="tab:blue", label="sigmoid: σ(x)(1 − σ(x))")
    ax_slope.set_title("slope h'(x)")
    ax_slope.set_xlabel("x")
    ax_slope.set_ylabel("h'(x)")
    ax_slope.set_ylim(-0.03, 0.3)
    ax_slope.legend(loc="upper left")

    x, t = tiny_model_data(seed)
    ws = np.linspace(-3, 3, 1201)
    ax_loss.plot(
        ws, [step_model_loss(w, x, t) for w in ws], color="tab:red", drawstyle="steps-mid", label="with a step"
    )
    ax_loss.plot(ws, [tiny_model_loss(w, x, t) for w in ws], color="tab:blue", label="with the sigmoid")
    ax_loss.set_title("loss of the tiny model above")
    ax_loss.set_xlabel("weight w")
    ax_loss.set_ylabel("mean cross entropy")
    ax_loss.set_ylim(0, None)
    ax_loss.legend(loc="upper right")
    for ax in (ax_h, ax_slope, ax_loss):
        ax.grid(alpha=0.3)
    fig.suptitle("A step has no useful slope: gradient descent would get no signal through it")
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


#: Where the prediction of the probability explorer puts the rest, 1 − p: the two values of its ``rest`` control.
RESTS = ("evenly", "on one wrong class")


def _check_probability(p: float) -> float:
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"p is a probability and must lie in [0, 1], got {p}.")
    return p


def probability_prediction(
    p: float, correct: int = 2, classes: int = 10, rest: str = "evenly", wrong: int = 7
) -> np.ndarray:
    """A prediction (classes,), float64, that gives probability ``p`` to class ``correct`` (notebook 01).

    The rest, 1 − p, is shared equally by the other classes (``rest="evenly"``) or goes
    entirely to class ``wrong`` (``rest="on one wrong class"``; class 7, as in the book's wrong guess).
    """
    p = _check_probability(p)
    if not isinstance(rest, str):
        raise TypeError(f"probability_prediction: rest is one of the words {RESTS}, got {rest!r}.")
    if rest not in RESTS:
        raise ValueError(f"probability_prediction: rest must be one of {RESTS}, got {rest!r}.")
    if rest == "evenly":
        y = np.full(classes, (1.0 - p) / (classes - 1))
    else:
        if wrong == correct:
            raise ValueError(f"wrong must be another class than correct, got wrong = correct = {correct}.")
        y = np.zeros(classes)
        y[wrong] = 1.0 - p
    y[correct] = p
    return y


def loss_probability_view(
    p: float, rest: str = "evenly", correct: int = 2, classes: int = 10, wrong: int = 7
) -> tuple[Figure, str]:
    """Both losses for a prediction that gives probability ``p`` to the correct class (notebook 01).

    Parameters
    ----------
    p : float in [0, 1]
        Probability of the correct class (class 2, as in the book's example).
    rest : "evenly" or "on one wrong class"
        Where the rest, 1 − p, goes: shared equally by the other nine classes, or all to
        class ``wrong`` (7, the book's wrong guess). The cross entropy does not care —
        it only reads the correct class — but the sum of squares does.

    Returns
    -------
    (Figure, str): the prediction as bars, and the loss curves against p with the
    current point marked (the sum of squares for both ways of sharing the rest, the
    current one solid); the text gives both loss values and begins "p = 0.60:".
    """
    y = probability_prediction(p, correct, classes, rest, wrong)
    t = np.zeros(classes)
    t[correct] = 1.0
    sse = sum_squares_error(y, t)
    cee = cross_entropy_error(y, t)

    ps = np.linspace(0.0, 1.0, 501)
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

    names = {
        "evenly": f"sum of squares, rest shared by {classes - 1}",
        "on one wrong class": f"sum of squares, rest on {wrong}",
    }
    ps_sse = ps[::4]  # 126 points are plenty for these gentle curves, and keep a slider move quick
    for way in RESTS:
        curve = [sum_squares_error(probability_prediction(q, correct, classes, way, wrong), t) for q in ps_sse]
        current = way == rest
        ax_l.plot(
            ps_sse,
            curve,
            color="tab:orange",
            ls="-" if current else "--",
            alpha=1.0 if current else 0.45,
            label=names[way],
        )
    ax_l.plot(ps, cee_curve, color="tab:blue", label="cross entropy (either way)")
    # markers may sit on the frame at p = 0 or 1: draw them whole
    ax_l.plot([p], [sse], "o", color="tab:orange", clip_on=False, zorder=3)
    ax_l.plot([p], [min(cee, 4.9)], "o", color="tab:blue", clip_on=False, zorder=3)
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
