"""Figures and explorer of notebooks/06_two_layer_net_mnist.ipynb under Agg, and the training callback at extremes."""

import matplotlib
from figure_checks import labelled

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlfs import (  # noqa: E402
    TwoLayerNet,
    widgets,  # noqa: E402
)
from dlfs.plots import two_layer_net as net_plots  # noqa: E402
from dlfs.train import train  # noqa: E402

BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    """Fake MNIST: 1,200 images of 784 pixels in [0, 1] around 10 class templates."""
    rng = np.random.default_rng(0)
    templates = rng.random((10, 784))
    t = rng.integers(0, 10, 1200)
    x = np.clip(templates[t] + 0.3 * rng.normal(size=(1200, 784)), 0, 1).astype(np.float32)
    return x[:1000], t[:1000], x[1000:], t[1000:]


@pytest.fixture(scope="module")
def history(digits):
    x, t, xt, tt = digits
    net = TwoLayerNet(784, 20, 10, seed=0, dtype=np.float32)
    return train(net, x, t, xt, tt, iters_num=120, batch_size=50, learning_rate=0.5, progress=False), net


def test_loss_and_accuracy_figures(history):
    h, _ = history
    labelled(net_plots.plot_loss(h))
    fig = net_plots.plot_loss(h, zoom=30)
    labelled(fig)
    assert fig.axes[0].get_xlim()[1] == 29 and "first 30" in fig.axes[0].get_title()
    fig = net_plots.plot_accuracy(h)
    labelled(fig)
    # x axis in epochs: 1000 rows / batch 50 = 20 iterations per epoch
    # the epoch boundaries, then the final evaluation after the last update (119 / 20 = 5.95)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), [0, 1, 2, 3, 4, 5, 5.95])


def test_digit_grid_and_its_errors(digits):
    x, t, _, _ = digits
    fig = net_plots.plot_digit_grid(x[:23], t[:23], ncols=10)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 23
    assert fig.axes[3].get_title() == str(t[3])
    fig.canvas.draw()
    net_plots.plot_digit_grid(x[:2].reshape(2, 1, 28, 28), ["a", "b"])
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        net_plots.plot_digit_grid(x[:3], t[:2])
    with pytest.raises(ValueError, match="shape"):
        net_plots.plot_digit_grid(x[:3, :100], t[:3])
    with pytest.raises(ValueError, match="no images"):
        net_plots.plot_digit_grid(x[:0], t[:0])


def test_confusion_matrix_counts():
    cm = net_plots.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=3)
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
    assert cm.dtype == np.int64
    with pytest.raises(ValueError, match="5 labels but 4 predictions"):
        net_plots.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2])
    with pytest.raises(ValueError, match="integers 0..2"):
        net_plots.confusion_matrix([0, 3], [0, 1], n_classes=3)
    with pytest.raises(ValueError, match="integers 0..9"):
        net_plots.confusion_matrix([0.5], [1])
    fig = net_plots.plot_confusion_matrix(net_plots.confusion_matrix(np.arange(10), np.arange(10)[::-1]))
    labelled(fig)
    assert {tx.get_text() for tx in fig.axes[0].texts} == {"0", "1"}


def test_first_layer_weights_and_mistakes(history, digits):
    h, net = history
    _, _, xt, tt = digits
    fig = net_plots.plot_first_layer_weights(net.params["W1"], n=12, ncols=6)
    assert sum(bool(ax.images) for ax in fig.axes) == 12
    fig.canvas.draw()
    with pytest.raises(ValueError, match=r"\(784, hidden\)"):
        net_plots.plot_first_layer_weights(np.zeros((10, 5)))
    predicted, prob = net_plots.predictions(net, xt, chunk=64)
    assert predicted.shape == prob.shape == (200,) and np.all((prob > 0) & (prob <= 1))
    assert np.mean(predicted == tt) == net.accuracy(xt, tt)
    wrong = predicted.copy()
    wrong[:5] = (tt[:5] + 1) % 10  # make sure there are mistakes to show
    fig = net_plots.plot_misclassified(xt, tt, wrong, prob, max_n=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 4 and titles[0].startswith(f"{tt[0]}→{wrong[0]}")
    fig = net_plots.plot_misclassified(xt, tt, tt)
    assert fig.axes[0].texts[0].get_text() == "no mistakes"


@pytest.mark.parametrize(
    "lr, batch, hidden",
    [(0.001, 1, 2), (10**1.5, 1000, 200), (0.1, 100, 50), (1.0, 10, 5)],
)
def test_training_callback_at_slider_extremes(digits, lr, batch, hidden):
    x, t, xt, tt = digits
    fig, h, summary = net_plots.draw_training_run(x, t, xt, tt, lr, batch, hidden, iters_num=60)
    fig.canvas.draw()
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert all(np.isfinite(h.loss))
    if "diverged" in summary:
        assert len(h.loss) < 60
    else:
        assert len(h.loss) == 60 and summary.startswith("after 60 iterations: train acc")


def test_training_callback_reports_divergence_instead_of_nan(digits):
    x, t, xt, tt = digits
    fig, h, summary = net_plots.draw_training_run(x, t, xt, tt, learning_rate=1000, iters_num=300)
    assert summary.startswith("diverged at iteration")
    assert fig._suptitle.get_text() == summary


def test_training_explorer_builds(digits):
    x, t, xt, tt = digits
    box = widgets.training_explorer(x, t, xt, tt, iters_num=5)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["learning rate", "batch size", "hidden units"]
    assert all(not s.continuous_update for s in sliders)
