"""Figures of notebooks/07_fast_numerical_gradient.ipynb: where the book's numerical-gradient loop
wastes its work, and the book's 10,000-iteration training done numerically beside backprop.

The notebook computes what a nudge changes (its own ``forward`` and ``per_sample_loss``, in view);
these functions only draw it. The training histories come from ``train`` or from the committed
records in ``benchmarks/results/numerical_10k/``.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.typing import ArrayLike

from ..train import TrainHistory
from .style import new_figure
from .two_layer_net import epochs_of, running_mean


def _batch(x: ArrayLike) -> np.ndarray:
    """A batch of flattened MNIST images as a 2-D array (N, 784), or ValueError."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != 784 or len(x) == 0:
        raise ValueError(f"x_batch must be MNIST images of shape (N, 784) with N >= 1, got shape {x.shape}.")
    return x


def nonzero_pixels_figure(x_batch: ArrayLike) -> Figure:
    """Which pixels of a batch are not zero: per image (left) and per pixel position (right).

    Parameters
    ----------
    x_batch : array_like, shape (N, 784)
        Flattened MNIST images, any real dtype.

    Returns
    -------
    Figure
        Left: the (N, 784) mask, black where a pixel is not zero. Right: in how many of the
        N images each pixel is not zero, as a 28 × 28 image with its colour bar.
    """
    x = _batch(x_batch)
    nonzero = x != 0
    lit = nonzero.sum(axis=0)
    fig = new_figure(11, 3.8)
    ax0, ax1 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.4, 1]})
    ax0.imshow(nonzero, aspect="auto", cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    ax0.set_xlabel("pixel i (0..783)")
    ax0.set_ylabel("image n in the batch")
    ax0.set_title(f"Nonzero pixels of a batch of {len(x)} (black): {nonzero.mean():.1%}")
    ax0.yaxis.set_major_locator(MaxNLocator(integer=True))
    im = ax1.imshow(lit.reshape(28, 28), cmap="viridis", vmin=0, vmax=len(x))
    ax1.set_title(f"In how many of the {len(x)} images\nis each pixel nonzero?")
    ax1.set_xlabel("column")
    ax1.set_ylabel("row")
    bar = fig.colorbar(im, ax=ax1, shrink=0.9)
    bar.set_label("images")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return fig


def _difference_panel(fig: Figure, ax: Axes, d: np.ndarray, title: str, xlabel: str) -> None:
    """One array of differences on a symmetric red-blue scale, with its colour bar.

    Entries that are exactly zero are masked and drawn pure white, so "unchanged" is told apart
    from "changed a little" (the colour map's own middle is a light grey).
    """
    m = float(np.max(np.abs(d))) if d.size else 0.0
    m = m if m > 0 else 1.0  # all zero: any symmetric scale will do, every entry is masked
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="white")
    im = ax.imshow(np.ma.masked_equal(d, 0.0), aspect="auto", cmap=cmap, vmin=-m, vmax=m, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    bar = fig.colorbar(im, ax=ax, shrink=0.9, pad=0.02)
    # ticks in units of 10^k, named in the bar's label: an offset text "1e-7" above a narrow bar
    # would run into the panel's title
    k = int(np.floor(np.log10(m)))
    bar.formatter = FuncFormatter(lambda v, _pos: f"{v / 10.0**k:g}")
    bar.set_label(f"× 1e{k}" if k else "")
    bar.update_ticks()


def nudge_figure(d_a1: ArrayLike, d_a2: ArrayLike, d_loss: ArrayLike, i: int, j: int, h: float = 1e-4) -> Figure:
    """What nudging one first-layer weight W1[i, j] by ``h`` changes, layer by layer.

    Parameters
    ----------
    d_a1 : array_like, shape (N, H)
        a1(nudged) − a1 for a batch of N images and H hidden units.
    d_a2 : array_like, shape (N, K)
        a2(nudged) − a2, the change of the K class scores.
    d_loss : array_like, shape (N,)
        The change of each image's loss ℓ_n.
    i, j : int
        The nudged weight W1[i, j] (pixel i, hidden unit j), for the title.
    h : float
        The nudge, for the title.

    Returns
    -------
    Figure
        Three panels on red-blue scales centred on zero (red up, blue down, white exactly
        zero), each with its own colour bar: the three changes differ by orders of magnitude.
    """
    d_a1, d_a2 = np.atleast_2d(np.asarray(d_a1, dtype=np.float64)), np.atleast_2d(np.asarray(d_a2, dtype=np.float64))
    d_loss = np.asarray(d_loss, dtype=np.float64).reshape(-1, 1)
    if not len(d_a1) == len(d_a2) == len(d_loss):
        raise ValueError(
            f"d_a1, d_a2 and d_loss must have one row per image; got {len(d_a1)}, {len(d_a2)} and {len(d_loss)} rows."
        )
    fig = new_figure(12, 4.2)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [5, 1.4, 0.7]})
    n, n_hidden = d_a1.shape
    _difference_panel(fig, axes[0], d_a1, f"Δa1 ({n} images × {n_hidden} hidden units)", "hidden unit")
    _difference_panel(fig, axes[1], d_a2, f"Δa2 (× {d_a2.shape[1]} classes)", "class")
    _difference_panel(fig, axes[2], d_loss, "Δℓ", "loss")
    axes[2].set_xticks([])
    axes[0].set_ylabel("image n")
    for ax in axes[1:]:
        ax.set_ylabel("image n")
    fig.suptitle(f"What a nudge of W1[{i}, {j}] by h = {h:.0e} changes (red up, blue down, white: exactly zero)")
    return fig


def _check_pair(numerical: TrainHistory, backprop: TrainHistory) -> None:
    if len(numerical.loss) != len(backprop.loss) or not numerical.loss:
        raise ValueError(
            "numerical and backprop must be histories of runs of the same length, with at least one iteration; "
            f"got {len(numerical.loss)} and {len(backprop.loss)} losses."
        )


def full_run_figure(numerical: TrainHistory, backprop: TrainHistory, window: int = 100) -> Figure:
    """Two runs from the same start and mini-batches: loss, the loss gap, and the accuracies.

    Parameters
    ----------
    numerical, backprop : TrainHistory
        Histories of the same length (the book's run: 10,000 iterations each).
    window : int
        Iterations per running mean of the loss (the mini-batch losses are noisy).

    Returns
    -------
    Figure
        Left: the running means of both losses. Middle: |loss numerical − loss backprop| at
        every iteration on a log scale (where it is not exactly 0). Right: train and test
        accuracy at every evaluation, in epochs (the book's figure 4-12), both runs.
    """
    _check_pair(numerical, backprop)
    fig = new_figure(15, 4.3)
    ax0, ax1, ax2 = fig.subplots(1, 3)
    styles = {"backprop": ("tab:orange", "-", 3.0), "numerical": ("black", "--", 1.2)}
    for name, hist in (("backprop", backprop), ("numerical", numerical)):
        color, ls, lw = styles[name]
        w = min(window, len(hist.loss))
        ax0.plot(*running_mean(hist.loss, w), color=color, ls=ls, lw=lw, label=f"{name} (mean of {w} iterations)")
        epochs = epochs_of(hist)
        ax2.plot(epochs, hist.train_acc, marker="o", ms=5, color=color, ls=ls, lw=lw * 0.6, label=f"train acc, {name}")
        if hist.test_acc:
            ax2.plot(
                epochs,
                hist.test_acc,
                marker="s",
                ms=4,
                mfc="none",
                color=color,
                ls=ls,
                lw=lw * 0.4,
                alpha=0.7,
                label=f"test acc, {name}",
            )
    ax0.set_xlabel("iteration")
    ax0.set_ylabel("mini-batch loss")
    ax0.set_title("The loss: the two curves lie on top of each other")
    ax0.set_ylim(bottom=0)
    ax0.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax0.grid(alpha=0.3)
    ax0.legend(loc="best")
    gap = np.abs(np.asarray(numerical.loss, dtype=np.float64) - np.asarray(backprop.loss, dtype=np.float64))
    # an exactly equal pair of losses (always iteration 0: the same start) has no place on a log
    # scale; drawn at a floor it would stretch the axis over ten empty decades, so it is left out
    ax1.semilogy(np.where(gap > 0, gap, np.nan), lw=0.5, color="tab:red")
    if not np.any(gap > 0):
        ax1.text(0.5, 0.5, "the two losses are equal at every iteration", transform=ax1.transAxes, ha="center")
    ax1.set_xlabel("iteration")
    ax1.set_ylabel("|loss numerical − loss backprop|")
    ax1.set_title(f"Their difference (log scale; 0 not drawn): at most {float(gap.max()):.1e}")
    ax1.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.grid(alpha=0.3)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy")
    ax2.set_ylim(0, 1)
    # at least one epoch wide, so a short run shows how short it is, on whole-number ticks
    right = max(1.0, float(max(epochs_of(numerical).max(initial=0.0), epochs_of(backprop).max(initial=0.0))))
    ax2.set_xlim(-0.03 * right, 1.03 * right)
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_title("Accuracy at every evaluation")
    ax2.grid(alpha=0.3)
    ax2.legend(loc="lower right", fontsize=8)
    return fig
