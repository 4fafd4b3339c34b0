"""Figures of notebooks/06_two_layer_net_mnist.ipynb (and the ``train --out`` command): training
curves, the book's loop next to ``train``, MNIST digits, first-layer weights, the confusion matrix,
the digits the net gets wrong, and short training runs for the learning-rate figure and explorer.

``training_run`` trains one short run and measures it; ``draw_training_run`` draws it and is the
pure half of the notebook's training explorer (:func:`dlfs.widgets.training_explorer`).
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from ..nets import TwoLayerNet, two_layer_scores
from ..train import TrainHistory, TrainingDiverged, TrainingStalled, train
from .style import figure_and_axes, new_figure

#: A hidden unit's output z1 counts as saturated below this or above 1 minus this: there the
#: sigmoid's slope z1 (1 - z1) is under 0.01, so almost no gradient passes back through it.
SATURATED = 0.01

#: Test images whose hidden outputs the training explorer shows.
PROBE_IMAGES = 1000


def running_mean(values: ArrayLike, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred running mean of ``values`` over ``window`` points: ``(positions, means)``, float64.

    The positions are the centres of the windows, so the smoothed curve does not lag
    behind the raw one. Fewer than ``window`` values give empty arrays.
    """
    values = np.asarray(values, dtype=np.float64)
    window = max(int(window), 1)
    if len(values) < window:
        return np.empty(0), np.empty(0)
    means = np.convolve(values, np.ones(window) / window, mode="valid")
    return np.arange(len(means)) + (window - 1) / 2, means


def plot_loss(history: TrainHistory, ax=None, zoom: int | None = None, title: str | None = None) -> Figure:
    """The book's loss curve: mini-batch loss against iteration, with its running mean.

    Parameters
    ----------
    history : TrainHistory
    ax : matplotlib Axes, optional (a new figure otherwise)
    zoom : int, optional
        Show only the first ``zoom`` iterations (where the loss falls fastest).
    title : str, optional
    """
    fig, ax = figure_and_axes(ax, (7, 4))
    loss = np.asarray(history.loss, dtype=np.float64)
    n = len(loss) if zoom is None else min(int(zoom), len(loss))
    ax.plot(np.arange(n), loss[:n], lw=0.6, color="tab:blue", label="mini-batch loss")
    if n >= 50:
        # a running mean shows the trend through the batch-to-batch noise
        w = max(n // 50, 5)
        ax.plot(*running_mean(loss[:n], w), lw=1.6, color="tab:orange", label=f"mean of {w} iterations")
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
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    return fig


def plot_loss_curves(history: TrainHistory, zoom: int = 1000) -> Figure:
    """Two panels: the whole loss curve (the book's figure) and its first ``zoom`` iterations enlarged."""
    fig = new_figure(13, 4)
    ax1, ax2 = fig.subplots(1, 2)
    plot_loss(history, ax=ax1, title=f"Mini-batch loss, {len(history.loss):,} iterations")
    plot_loss(history, ax=ax2, zoom=zoom, title=f"The first {min(zoom, len(history.loss)):,} iterations")
    return fig


def epochs_of(history: TrainHistory) -> np.ndarray:
    """The evaluation points of ``history`` in epochs (iteration / iterations per epoch), float64."""
    ipe = history.config.get("iter_per_epoch") or 1
    return np.asarray(history.epoch_iters, dtype=np.float64) / ipe


def plot_accuracy(history: TrainHistory, ax=None, title: str | None = None) -> Figure:
    """The book's accuracy figure: train and test accuracy at every evaluation, against epochs.

    The epoch axis has whole-number ticks; the last point may sit at a fraction of an epoch
    (``train`` also evaluates after the last update, e.g. 9,999 / 600 = 16.67).
    """
    fig, ax = figure_and_axes(ax, (7, 4))
    epochs = epochs_of(history)
    ax.plot(epochs, history.train_acc, "o-", label="train acc", color="tab:blue")
    if history.test_acc:
        ax.plot(epochs, history.test_acc, "s--", label="test acc", color="tab:red")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.0)
    # at least one whole epoch wide, so a run shorter than an epoch shows how short it is, on whole-number ticks
    right = max(1.0, float(epochs.max()) if epochs.size else 1.0)
    ax.set_xlim(-0.03 * right, 1.03 * right)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or "Accuracy on the whole training and test sets, every epoch and after the last update")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return fig


def plot_loop_and_train(
    train_loss_list: Sequence[float],
    train_acc_list: Sequence[float],
    test_acc_list: Sequence[float],
    iter_per_epoch: float,
    history: TrainHistory,
    window: int = 100,
) -> Figure:
    """The book's loop (its three lists) next to ``train``'s history of the same run.

    Left: the running means of both loss curves (the book records the loss of batch i after
    update i, ``train`` before it). Right: the accuracies; the book evaluates when
    ``i % iter_per_epoch == 0``, ``train`` at the same iterations and once more after the last update.
    """
    fig = new_figure(13, 4)
    ax1, ax2 = fig.subplots(1, 2)
    book_label = "book's loop, every iteration"
    ax1.plot(np.arange(len(train_loss_list)), train_loss_list, lw=0.4, color="0.75", label=book_label)
    ax1.plot(*running_mean(train_loss_list, window), lw=2.5, color="tab:blue", label=f"book's loop, mean of {window}")
    ax1.plot(*running_mean(history.loss, window), "--", lw=1.5, color="tab:orange", label=f"train(), mean of {window}")
    ax1.set_xlabel("iteration")
    ax1.set_ylabel("mini-batch loss")
    ax1.set_ylim(bottom=0)
    ax1.set_title("The loss: the book's loop and train() on the same batches")
    ax1.grid(alpha=0.3)
    ax1.legend(loc="upper right")
    book_epochs = np.arange(len(train_acc_list), dtype=np.float64)  # i = 0, 600, 1200, ... in epochs
    ax2.plot(book_epochs, train_acc_list, "o", ms=9, mfc="none", color="tab:blue", label="book's loop: train acc")
    ax2.plot(book_epochs, test_acc_list, "s", ms=9, mfc="none", color="tab:red", label="book's loop: test acc")
    epochs = np.asarray(history.epoch_iters, dtype=np.float64) / iter_per_epoch
    ax2.plot(epochs, history.train_acc, "+-", color="tab:blue", lw=1, label="train(): train acc")
    ax2.plot(epochs, history.test_acc, "x--", color="tab:red", lw=1, label="train(): test acc")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy")
    ax2.set_ylim(0, 1)
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_title("Accuracy: the same numbers at every epoch")
    ax2.grid(alpha=0.3)
    ax2.legend(loc="lower right")
    return fig


def plot_numerical_vs_backprop(numerical: TrainHistory, backprop: TrainHistory) -> Figure:
    """Two runs from the same start and batches: their losses on top of each other, and the difference."""
    fig = new_figure(12, 3.8)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(numerical.loss, "o", ms=4, color="tab:orange", label="numerical gradient")
    ax1.plot(backprop.loss, "-", color="tab:blue", label="backprop")
    ax1.set_xlabel("iteration")
    ax1.set_ylabel("mini-batch loss")
    ax1.set_title("Same seed, same mini-batches: the same losses")
    ax1.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.legend(loc="upper right")
    ax1.grid(alpha=0.3)
    gap = np.abs(np.asarray(numerical.loss) - np.asarray(backprop.loss))
    ax2.semilogy(np.maximum(gap, 1e-17), color="tab:red")
    ax2.set_xlabel("iteration")
    ax2.set_ylabel("|loss numerical − loss backprop|")
    ax2.set_title("Their difference (log scale)")
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.grid(alpha=0.3)
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
    """Counts of (true class, predicted class) pairs (혼동 행렬).

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
            weight = "bold" if i == j else "normal"
            ax.text(j, i, str(int(cm[i, j])), ha="center", va="center", fontsize=8, fontweight=weight)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(title)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label("log10(1 + mistakes)")
    return fig


def plot_first_layer_weights(W1: ArrayLike, n: int | None = None, ncols: int = 10) -> Figure:
    """Each hidden unit's incoming weights (a column of W1) as a 28×28 image, with one colour bar.

    Red pixels push the unit's input up, blue pixels push it down. All units share one
    colour scale, symmetric around zero (white = 0) and spanning the largest |weight| shown,
    so the colours of different units can be compared and read off the colour bar.
    """
    W1 = np.asarray(W1, dtype=np.float64)
    if W1.ndim != 2 or W1.shape[0] != 784:
        raise ValueError(f"plot_first_layer_weights: W1 must have shape (784, hidden), got {W1.shape}.")
    n = W1.shape[1] if n is None else min(int(n), W1.shape[1])
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    m = float(np.abs(W1[:, :n]).max()) or 1.0
    fig = new_figure(1.1 * ncols + 0.9, 1.15 * nrows + 0.5)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    image = None
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            image = ax.imshow(W1[:, k].reshape(28, 28), cmap="bwr", vmin=-m, vmax=m)
            ax.set_title(f"unit {k}", fontsize=7)
    cbar = fig.colorbar(image, ax=axes, shrink=min(0.9, 0.35 + 0.12 * nrows), aspect=30)
    cbar.set_label("weight")
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
# short training runs: the learning-rate figure and the explorer (notebook 06)
# ---------------------------------------------------------------------------
@dataclass
class TrainingRun:
    """One short training run of a fresh float32 TwoLayerNet, measured.

    Attributes
    ----------
    learning_rate, batch_size, hidden_size, iters_num : the settings of the run
    train_size : int, rows of the training data
    history : TrainHistory, complete or (after a blow-up) up to the blow-up
    hidden : ndarray (PROBE_IMAGES, hidden_size) float64, or None
        The trained net's hidden outputs z1 = sigmoid(x W1 + b1) for the first test images;
        None when the parameters are no longer finite.
    diverged : str or None
        train's TrainingDiverged message when the run blew up.
    """

    learning_rate: float
    batch_size: int
    hidden_size: int
    iters_num: int
    train_size: int
    history: TrainHistory
    hidden: np.ndarray | None
    diverged: str | None = None

    @property
    def images_seen(self) -> int:
        """Training images drawn in all: iterations run × batch size."""
        return len(self.history.loss) * self.batch_size

    @property
    def saturated(self) -> float | None:
        """Share of hidden outputs below SATURATED or above 1 − SATURATED (None without ``hidden``)."""
        if self.hidden is None or self.hidden.size == 0:
            return None
        return float(np.mean((self.hidden < SATURATED) | (self.hidden > 1 - SATURATED)))

    @property
    def problem(self) -> str | None:
        """Why the run did not learn (train's TrainingStalled or TrainingDiverged text), or None."""
        return self.diverged or self.history.problem

    def summary(self) -> str:
        """One line: settings, images seen, wall time, the final accuracies or the blow-up."""
        h = self.history
        epochs = self.images_seen / self.train_size
        epochs_text = f"{epochs:,.0f}" if epochs >= 10 else f"{epochs:.2g}"  # 120, 5, 0.05: never 1.2e+02
        seen = (
            f"{len(h.loss):,} iterations × batch {self.batch_size:,} = {self.images_seen:,} images seen "
            f"({epochs_text} epochs) in {h.elapsed:.1f} s"
        )
        settings = f"lr {self.learning_rate:.3g}, {self.hidden_size} hidden units: "
        if self.diverged:
            return settings + f"diverged after {seen}"
        return settings + f"{seen}; train acc {h.train_acc[-1]:.3f}, test acc {h.test_acc[-1]:.3f}"

    def text(self) -> str:
        """The summary, then the problem in words and the measured saturation when the run did not learn."""
        lines = [self.summary()]
        if not self.problem:
            return lines[0]
        lines.append(self.problem[0].upper() + self.problem[1:])
        if self.saturated is None:
            return "\n".join(lines)
        measured = (
            f"Measured: {self.saturated:.0%} of the hidden outputs on {len(self.hidden):,} test images are "
            f"saturated (below {SATURATED} or above {1 - SATURATED})"
        )
        if self.saturated >= 0.5:
            measured += (
                ": there the sigmoid's slope z1 (1 − z1) is almost 0, so almost no gradient reaches W1 and b1 "
                "and the hidden layer stops learning."
            )
        lines.append(measured + ("" if self.saturated >= 0.5 else "."))
        return "\n".join(lines)


def training_run(
    x_train: ArrayLike,
    t_train: ArrayLike,
    x_test: ArrayLike,
    t_test: ArrayLike,
    learning_rate: float = 0.1,
    batch_size: int = 100,
    hidden_size: int = 50,
    iters_num: int = 500,
    seed: int = 0,
) -> TrainingRun:
    """Train a fresh float32 TwoLayerNet (seeded) with :func:`dlfs.train.train` and measure it.

    A run that does not learn is not an error here: train's ``TrainingStalled`` warning is
    kept as ``run.problem`` instead of being printed, and a ``TrainingDiverged`` run is
    returned with its history up to the blow-up.
    """
    x_train = np.asarray(x_train)
    net = TwoLayerNet(x_train.shape[1], hidden_size, 10, seed=seed, dtype=np.float32)
    diverged = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingStalled)  # its text is history.problem, shown by the figure
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
        except TrainingDiverged as err:
            history, diverged = err.history, str(err)
    probe = np.asarray(x_test)[:PROBE_IMAGES].astype(np.float32)
    with np.errstate(all="ignore"):
        z1, _ = two_layer_scores(net.params, probe)
    hidden = z1.astype(np.float64) if np.isfinite(z1).all() else None
    return TrainingRun(learning_rate, batch_size, hidden_size, iters_num, len(x_train), history, hidden, diverged)


def plot_hidden_outputs(run: TrainingRun, ax=None) -> Figure:
    """Histogram of the hidden outputs z1 on the probe images: spread out when learning, piled at 0 and 1 when stuck."""
    fig, ax = figure_and_axes(ax, (4.5, 3.8))
    ax.set_xlabel("hidden output z1 = sigmoid(a1)")
    ax.set_ylabel("share of all outputs")
    ax.set_xlim(0, 1)
    if run.hidden is None:
        ax.set_title("hidden outputs: not finite")
        ax.text(0.5, 0.5, "the parameters are inf or NaN", ha="center", va="center", transform=ax.transAxes)
        return fig
    values = run.hidden.ravel()
    ax.hist(values, bins=np.linspace(0, 1, 51), weights=np.full(values.size, 1 / values.size), color="tab:purple")
    for lo, hi in ((0, SATURATED), (1 - SATURATED, 1)):
        ax.axvspan(lo, hi, color="tab:red", alpha=0.25, lw=0)
    ax.set_ylim(0, 1)
    ax.set_title(f"hidden outputs on {len(run.hidden):,} test images: {run.saturated:.0%} saturated", fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def plot_training_run(run: TrainingRun) -> Figure:
    """Loss, accuracy per epoch and the hidden outputs of one run; the summary on top, any problem below."""
    fig = new_figure(14, 4.4 if run.problem else 3.9)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    h = run.history
    if h.loss:
        plot_loss(h, ax=ax1, title=f"loss, lr={run.learning_rate:.3g}, batch {run.batch_size}")
    else:
        ax1.set_xlabel("iteration")
        ax1.set_ylabel("loss (cross entropy)")
        ax1.set_title("loss")
    if h.epoch_iters:
        plot_accuracy(h, ax=ax2, title="accuracy (after the last update too)")
    else:
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("accuracy")
        ax2.set_title("accuracy")
    plot_hidden_outputs(run, ax=ax3)
    fig.suptitle(run.summary(), color="tab:red" if run.problem else "black")
    if run.problem:
        fig.supxlabel(textwrap.fill(run.text().split("\n", 1)[1], 190), color="tab:red", fontsize=9)
    return fig


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
    """Train a short run (:func:`training_run`) and draw it (:func:`plot_training_run`).

    Returns
    -------
    (Figure, TrainHistory, str): the figure, the (possibly partial) history and the text for
    the explorer: the summary line, then, for a run that did not learn, why (saturated
    sigmoids, too small a learning rate, a blow-up) and the measured saturation.
    """
    run = training_run(x_train, t_train, x_test, t_test, learning_rate, batch_size, hidden_size, iters_num, seed)
    return plot_training_run(run), run.history, run.text()


def plot_learning_rates(runs: Sequence[TrainingRun], window: int = 20) -> Figure:
    """Several runs that differ in the learning rate: loss, test accuracy, saturated hidden outputs.

    One legend for all three panels sits outside them, so it covers no curve.
    """
    fig = new_figure(14, 4)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    colors = ["tab:gray", "tab:blue", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for k, run in enumerate(runs):
        color = colors[k % len(colors)]
        label = f"η = {run.learning_rate:g}"
        ax1.plot(*running_mean(run.history.loss, window), color=color, lw=1.8, label=label)
        if run.history.test_acc:
            ax2.plot(epochs_of(run.history), run.history.test_acc, "o-", color=color, ms=4)
        ax3.bar(k, 0 if run.saturated is None else run.saturated, color=color)
    ax1.set_xlabel("iteration")
    ax1.set_ylabel(f"mini-batch loss (mean of {window})")
    ax1.set_ylim(bottom=0)
    ax1.set_title("loss")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy")
    ax2.set_ylim(0, 1)
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_title("test accuracy per epoch")
    ax3.set_xticks(range(len(runs)), [f"η = {run.learning_rate:g}" for run in runs])
    ax3.set_xlabel("learning rate")
    ax3.set_ylabel(f"share below {SATURATED} or above {1 - SATURATED}")
    ax3.set_ylim(0, 1)
    ax3.set_title("saturated hidden outputs after training")
    for ax in (ax1, ax2, ax3):
        ax.grid(alpha=0.3)
    fig.legend(loc="outside right upper")
    return fig
