"""Figures of notebooks/06_two_layer_net_mnist.ipynb (and the ``train --out`` command): training
curves, MNIST digits, first-layer weights, the confusion matrix, the digits the net gets wrong.

``draw_training_run`` is the pure half of the notebook's training explorer
(:func:`dlfs.widgets.training_explorer`): it trains a short run and draws it.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..nets import TwoLayerNet
from ..train import TrainHistory, TrainingDiverged, train
from .style import figure_and_axes, new_figure


def plot_loss(history: TrainHistory, ax=None, zoom: int | None = None, title: str | None = None) -> Figure:
    """The book's loss curve: mini-batch loss against iteration.

    Parameters
    ----------
    history : TrainHistory
    ax : matplotlib Axes, optional (a new figure otherwise)
    zoom : int, optional
        Show only the first ``zoom`` iterations (where the loss falls fastest).
    """
    fig, ax = figure_and_axes(ax, (7, 4))
    loss = np.asarray(history.loss, dtype=np.float64)
    n = len(loss) if zoom is None else min(int(zoom), len(loss))
    it = np.arange(n)
    ax.plot(it, loss[:n], lw=0.6, color="tab:blue", label="mini-batch loss")
    if n >= 50:
        # a running mean shows the trend through the batch-to-batch noise
        w = max(n // 50, 5)
        smooth = np.convolve(loss[:n], np.ones(w) / w, mode="valid")
        # centred, so the smoothed curve does not lag behind the raw one
        ax.plot(
            np.arange(len(smooth)) + (w - 1) / 2, smooth, lw=1.6, color="tab:orange", label=f"mean of {w} iterations"
        )
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (cross entropy)")
    cfg = history.config
    ax.set_title(
        title
        or (
            f"Loss, {cfg.get('gradient', '')} SGD, lr={cfg.get('learning_rate', '?')}, "
            f"batch {cfg.get('batch_size', '?')}" + (f" (first {n} iterations)" if zoom is not None else "")
        )
    )
    ax.set_xlim(0, max(n - 1, 1))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    return fig


def plot_accuracy(history: TrainHistory, ax=None, title: str | None = None) -> Figure:
    """The book's accuracy figure: train and test accuracy once per epoch."""
    fig, ax = figure_and_axes(ax, (7, 4))
    ipe = history.config.get("iter_per_epoch") or 1
    epochs = np.asarray(history.epoch_iters, dtype=np.float64) / ipe
    ax.plot(epochs, history.train_acc, "o-", label="train acc", color="tab:blue")
    if history.test_acc:
        ax.plot(epochs, history.test_acc, "s--", label="test acc", color="tab:red")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.0)
    ax.set_title(title or "Accuracy on the whole training and test sets, once per epoch")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return fig


# ---------------------------------------------------------------------------
# looking at digits and at what the net learned (notebook 06)
# ---------------------------------------------------------------------------
def _images(x: ArrayLike) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == 784:
        return x.reshape(-1, 28, 28)
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        return x
    if x.ndim == 4 and x.shape[1:] == (1, 28, 28):
        return x[:, 0]
    raise ValueError(f"expected MNIST images of shape (N, 784), (N, 28, 28) or (N, 1, 28, 28), got {x.shape}.")


def plot_digit_grid(
    x: ArrayLike, labels: ArrayLike, ncols: int = 10, title: str = "MNIST digits and their labels"
) -> Figure:
    """A grid of digits with their labels above them.

    Parameters
    ----------
    x : array_like, shape (N, 784), (N, 28, 28) or (N, 1, 28, 28); any scale
    labels : array_like of N labels (integers or strings)
    """
    images = _images(x)
    labels = list(np.asarray(labels).reshape(-1))
    if len(labels) != len(images):
        raise ValueError(f"plot_digit_grid: {len(images)} images but {len(labels)} labels.")
    if len(images) == 0:
        raise ValueError("plot_digit_grid: no images to show.")
    ncols = max(1, min(ncols, len(images)))
    nrows = math.ceil(len(images) / ncols)
    fig = new_figure(1.1 * ncols, 1.3 * nrows + 0.4)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(images):
            ax.imshow(images[k], cmap="gray_r")
            ax.set_title(str(labels[k]), fontsize=10)
    fig.suptitle(title)
    return fig


def confusion_matrix(labels: ArrayLike, predicted: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Returns
    -------
    ndarray of shape (n_classes, n_classes), int64: row = true label, column =
    predicted label; the diagonal holds the correct answers.
    """
    labels = np.asarray(labels).reshape(-1)
    predicted = np.asarray(predicted).reshape(-1)
    if labels.shape != predicted.shape:
        raise ValueError(f"confusion_matrix: {labels.size} labels but {predicted.size} predictions.")
    for name, a in (("labels", labels), ("predicted", predicted)):
        if a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0 or a.max() >= n_classes):
            raise ValueError(f"confusion_matrix: {name} must be integers 0..{n_classes - 1}.")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (labels, predicted), 1)
    return cm


def plot_confusion_matrix(cm: ArrayLike, title: str = "Confusion matrix on the test set") -> Figure:
    """Draw a confusion matrix; off-diagonal cells (the mistakes) are coloured on a log scale."""
    cm = np.asarray(cm)
    n = cm.shape[0]
    fig = new_figure(6.4, 5.6)
    ax = fig.subplots()
    # colour the mistakes only: the diagonal (~1000 per class) would wash everything else out
    off = np.where(np.eye(n, dtype=bool), np.nan, cm.astype(float))
    im = ax.imshow(np.log10(1 + off), cmap="Reds", vmin=0)
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(int(cm[i, j])),
                ha="center",
                va="center",
                fontsize=8,
                fontweight="bold" if i == j else "normal",
            )
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(title)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label("log10(1 + mistakes)")
    return fig


def plot_first_layer_weights(W1: ArrayLike, n: int | None = None, ncols: int = 10) -> Figure:
    """Each hidden unit's incoming weights (a column of W1) as a 28×28 image.

    Red pixels push the unit's input up, blue pixels push it down; the colour scale is
    symmetric around zero, per unit.
    """
    W1 = np.asarray(W1, dtype=np.float64)
    if W1.ndim != 2 or W1.shape[0] != 784:
        raise ValueError(f"plot_first_layer_weights: W1 must have shape (784, hidden), got {W1.shape}.")
    n = W1.shape[1] if n is None else min(int(n), W1.shape[1])
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = new_figure(1.1 * ncols, 1.15 * nrows + 0.5)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            w = W1[:, k].reshape(28, 28)
            m = np.abs(w).max() or 1.0
            ax.imshow(w, cmap="bwr", vmin=-m, vmax=m)
            ax.set_title(f"unit {k}", fontsize=7)
    fig.suptitle("First-layer weights W1[:, unit] as 28×28 images (red +, blue −)")
    return fig


def predictions(net: TwoLayerNet, x: ArrayLike, chunk: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Predicted labels (N,) int and their probabilities (N,) float64, in chunks."""
    x = np.asarray(x)
    labels, probs = [], []
    for start in range(0, len(x), chunk):
        y = net.predict(x[start : start + chunk])
        labels.append(y.argmax(axis=1))
        probs.append(y.max(axis=1).astype(np.float64))
    return np.concatenate(labels), np.concatenate(probs)


def plot_misclassified(
    x: ArrayLike, t: ArrayLike, predicted: ArrayLike, prob: ArrayLike | None = None, max_n: int = 30, ncols: int = 10
) -> Figure:
    """The first ``max_n`` digits whose prediction is wrong, titled "true→predicted (p)"."""
    t = np.asarray(t).reshape(-1)
    predicted = np.asarray(predicted).reshape(-1)
    wrong = np.flatnonzero(t != predicted)[:max_n]
    if wrong.size == 0:
        fig = new_figure(4, 1.5)
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        return fig
    titles = [f"{t[i]}→{predicted[i]}" + ("" if prob is None else f" {float(np.asarray(prob)[i]):.2f}") for i in wrong]
    fig = plot_digit_grid(
        _images(x)[wrong],
        titles,
        ncols=ncols,
        title="Misclassified test digits: true→predicted (probability of the prediction)",
    )
    for ax in fig.axes:
        ax.title.set_color("tab:red")
    return fig


# ---------------------------------------------------------------------------
# retraining explorer (notebook 06)
# ---------------------------------------------------------------------------
def draw_training_run(
    x_train: ArrayLike,
    t_train: ArrayLike,
    x_test: ArrayLike,
    t_test: ArrayLike,
    learning_rate: float = 0.1,
    batch_size: int = 100,
    hidden_size: int = 50,
    iters_num: int = 500,
    seed: int = 0,
) -> tuple[Figure, TrainHistory, str]:
    """Train a fresh float32 TwoLayerNet for a short run and draw loss and accuracy side by side.

    Returns
    -------
    (Figure, TrainHistory, str): the figure, the (possibly partial) history and a one-line
    summary. A diverged run is drawn up to the blow-up and says so instead of NaN curves.
    """
    net = TwoLayerNet(np.asarray(x_train).shape[1], hidden_size, 10, seed=seed, dtype=np.float32)
    try:
        history = train(
            net,
            x_train,
            t_train,
            x_test,
            t_test,
            iters_num=iters_num,
            batch_size=batch_size,
            learning_rate=learning_rate,
            seed=seed,
            progress=False,
        )
        summary = (
            f"after {iters_num} iterations: train acc {history.train_acc[-1]:.3f}, test acc {history.test_acc[-1]:.3f}"
        )
    except TrainingDiverged as err:
        history = err.history
        summary = f"diverged at iteration {err.iteration}: the loss became {err.loss}"
    fig = new_figure(11, 3.8)
    (ax1, ax2) = fig.subplots(1, 2)
    if history.loss:
        plot_loss(history, ax=ax1, title=f"loss, lr={learning_rate:g}, batch {batch_size}, hidden {hidden_size}")
    else:
        ax1.set_xlabel("iteration")
        ax1.set_ylabel("loss (cross entropy)")
        ax1.set_title("loss")
    if history.epoch_iters:
        plot_accuracy(history, ax=ax2, title="accuracy per epoch")
    else:
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("accuracy")
        ax2.set_title("accuracy per epoch")
    fig.suptitle(summary, color="tab:red" if "diverged" in summary else "black")
    return fig, history, summary
