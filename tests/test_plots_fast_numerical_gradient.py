"""Figures of notebooks/07_fast_numerical_gradient.ipynb at their extremes, and a claim of its section 6.

The notebook has no slider; its figures draw what the notebook computes (a batch, the changes a
nudge makes, two training histories), so they are tested here on edge cases a learner's
changes could produce: an empty or fully lit batch, a nudge that changes nothing, runs of one
iteration.
"""

import matplotlib
from figure_checks import check_figure, labelled

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dlfs.fast_gradient  # noqa: E402
from dlfs import TwoLayerNet  # noqa: E402
from dlfs.plots import fast_numerical_gradient as plots  # noqa: E402
from dlfs.train import TrainHistory, train  # noqa: E402


def colorbars(fig):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def sparse_digits(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Fake MNIST: (n, 784) float64 images in [0, 1], about 80 % of pixels exactly zero, 10 classes."""
    rng = np.random.default_rng(seed)
    templates = rng.random((10, 784)) * (rng.random((10, 784)) < 0.2)
    t = rng.integers(0, 10, n)
    x = np.clip(templates[t] + 0.3 * rng.normal(size=(n, 784)) * (templates[t] > 0), 0, 1)
    return x, t


# -- section 2: the batch's zero pixels -----------------------------------------------------------
@pytest.mark.parametrize("fill", ["digits", "all zero", "all one", "one image"])
def test_nonzero_pixels_figure_at_the_extremes(fill):
    x, _ = sparse_digits(100)
    x = {"digits": x, "all zero": np.zeros((100, 784)), "all one": np.ones((100, 784)), "one image": x[:1]}[fill]
    fig = plots.nonzero_pixels_figure(x)
    check_figure(fig, fill)
    mask_ax, count_ax = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert f"{(x != 0).mean():.1%}" in mask_ax.get_title()
    # the mask is black exactly where a pixel is lit, on a fixed 0..1 scale (an all-zero batch stays white)
    mask = mask_ax.images[0]
    assert mask.get_clim() == (0, 1)
    np.testing.assert_array_equal(mask.get_array(), x != 0)
    # the counts reach from 0 to the batch size, with their colour bar on whole numbers of images
    counts = count_ax.images[0]
    np.testing.assert_array_equal(counts.get_array(), (x != 0).sum(axis=0).reshape(28, 28))
    assert counts.get_clim() == (0, len(x))
    (bar,) = colorbars(fig)
    ticks = [t for t in bar.get_yticks() if 0 <= t <= len(x)]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize("shape", [(100, 28, 28), (0, 784), (10, 783)])
def test_nonzero_pixels_figure_refuses_what_is_not_a_batch_of_flat_images(shape):
    with pytest.raises(ValueError, match=r"shape \(N, 784\)"):
        plots.nonzero_pixels_figure(np.zeros(shape))


# -- section 2: what a nudge changes ----------------------------------------------------------------
def nudge_differences(x: np.ndarray, t: np.ndarray, i: int, j: int, h: float = 1e-4):
    """The notebook's computation: the changes of a1, a2 and each loss after W1[i, j] += h."""
    net = TwoLayerNet(784, 50, 10, seed=0)
    nudged = TwoLayerNet(784, 50, 10, seed=0)
    nudged.params["W1"][i, j] += h

    def layers(n):
        a1 = x @ n.params["W1"] + n.params["b1"]
        a2 = 1 / (1 + np.exp(-a1)) @ n.params["W2"] + n.params["b2"]
        y = np.exp(a2 - a2.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        return a1, a2, -np.log(y[np.arange(len(t)), t] + 1e-7)

    return [after - before for before, after in zip(layers(net), layers(nudged), strict=True)]


def test_nudge_figure_has_one_symmetric_colour_bar_per_panel():
    x, t = sparse_digits(100)
    i = int(np.argmax((x != 0).sum(axis=0)))  # a pixel lit in many images
    d_a1, d_a2, d_loss = nudge_differences(x, t, i, 7)
    fig = plots.nudge_figure(d_a1, d_a2, d_loss, i, 7)
    labelled(fig)
    assert len(colorbars(fig)) == 3
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    for ax, d in zip(panels, (d_a1, d_a2, d_loss), strict=True):
        low, high = ax.images[0].get_clim()
        assert low == -high == -np.abs(d).max() < 0  # symmetric: red up, blue down
        # exactly zero is masked (drawn pure white), every change is coloured
        np.testing.assert_array_equal(np.ma.getmaskarray(ax.images[0].get_array()), d.reshape(len(d), -1) == 0)
    # the colour bars name their scale in their label, not in an offset text above a narrow bar
    labels = [bar.get_ylabel() for bar in colorbars(fig)]
    assert labels == [f"× 1e{int(np.floor(np.log10(np.abs(d).max())))}" for d in (d_a1, d_a2, d_loss)], labels
    assert f"W1[{i}, 7]" in fig._suptitle.get_text()
    # the three changes differ by orders of magnitude: that is why each panel has its own scale
    assert np.abs(d_a1).max() > 10 * np.abs(d_a2).max() > 10 * np.abs(d_loss).max() > 0


def test_nudge_figure_of_a_nudge_that_changes_nothing_is_white():
    """A pixel that is zero in every image (section 2): every difference is exactly 0."""
    x, t = sparse_digits(100)
    x[:, 0] = 0.0
    d_a1, d_a2, d_loss = nudge_differences(x, t, 0, 7)
    assert not np.any(d_a1) and not np.any(d_a2) and not np.any(d_loss)
    fig = plots.nudge_figure(d_a1, d_a2, d_loss, 0, 7)
    labelled(fig)
    for ax in fig.axes:
        if ax.get_label() != "<colorbar>":
            assert ax.images[0].get_clim() == (-1.0, 1.0)  # a valid scale on which 0 is white


def test_nudge_figure_refuses_differences_of_different_batches():
    with pytest.raises(ValueError, match="one row per image"):
        plots.nudge_figure(np.zeros((5, 3)), np.zeros((5, 4)), np.zeros(4), 0, 0)


# -- sections 6 and 7: numerical against backprop ---------------------------------------------------
def history(loss, evals=(0,), acc=0.5, ipe=2.0) -> TrainHistory:
    return TrainHistory(
        loss=list(loss),
        epoch_iters=list(evals),
        train_acc=[acc] * len(evals),
        test_acc=[acc - 0.01] * len(evals),
        config={"iter_per_epoch": ipe},
    )


@pytest.mark.parametrize("n", [1, 7, 300])
def test_full_run_figure_for_runs_of_any_length(n):
    rng = np.random.default_rng(n)
    loss = 2.3 - np.linspace(0, 1, n) + 0.05 * rng.random(n)
    evals = sorted({0, n // 2, n - 1})
    fig = plots.full_run_figure(history(loss + 1e-6, evals), history(loss, evals), window=100)
    labelled(fig)
    assert "at most 1.0e-06" in fig.axes[1].get_title()
    # the smoothing window never exceeds the run, so even one iteration draws a curve
    assert all(len(line.get_xdata()) >= 1 for line in fig.axes[0].get_lines())
    assert any(f"mean of {min(100, n)} iterations" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    right = [ax for ax in fig.axes if ax.get_xlabel() == "epoch"][0]
    ticks = [t for t in right.get_xticks() if right.get_xlim()[0] <= t <= right.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_full_run_figure_leaves_out_equal_losses_and_says_so_when_all_are_equal():
    loss = np.linspace(2.3, 0.3, 50)
    fig = plots.full_run_figure(history(loss + np.r_[0.0, np.full(49, 1e-9)]), history(loss))
    labelled(fig)
    drawn = fig.axes[1].get_lines()[0].get_ydata()
    assert np.isnan(drawn[0]) and np.allclose(drawn[1:], 1e-9, rtol=1e-6)  # iteration 0 (a gap of 0) is left out
    assert fig.axes[1].get_ylim()[0] > 1e-11  # not stretched down to a floor
    fig = plots.full_run_figure(history(loss), history(loss))
    labelled(fig)
    assert np.isnan(fig.axes[1].get_lines()[0].get_ydata()).all()
    assert "equal at every iteration" in "".join(t.get_text() for t in fig.axes[1].texts)


def test_full_run_figure_refuses_runs_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        plots.full_run_figure(history([2.3, 2.2]), history([2.3]))


# -- section 6's claim -------------------------------------------------------------------------------
def test_the_gap_between_numerical_and_backprop_training_is_the_books_delta(monkeypatch):
    """Notebook 07 section 6: the numerical and backprop loss curves differ by about 1e-6 because
    the numerical gradient differentiates -log(y + 1e-7) and backprop -log y (notebooks 05, 06 and
    07 section 4) — not because of the central difference's h**2 error. Take the 1e-7 out of
    fast_numerical_gradient and the gap falls by more than a thousandfold, to the central
    difference's own size."""
    x, t = sparse_digits(1000)

    def losses(gradient):
        net = TwoLayerNet(784, 20, 10, seed=0)
        run = train(
            net, x, t, iters_num=60, batch_size=50, learning_rate=0.5, gradient=gradient, seed=0, progress=False
        )
        return np.array(run.loss)

    backprop = losses("backprop")
    assert backprop[-1] < backprop[0] - 1.0  # it learned: the runs are not stuck on equal losses
    with_delta = np.abs(losses("numerical") - backprop).max()
    monkeypatch.setattr(dlfs.fast_gradient, "CROSS_ENTROPY_DELTA", 0.0)
    without_delta = np.abs(losses("numerical") - backprop).max()
    assert 1e-7 < with_delta < 1e-5
    assert without_delta < 1e-8
    assert without_delta < with_delta / 1000
