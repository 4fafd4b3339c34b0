"""Figures and explorer of notebooks/06_two_layer_net_mnist.ipynb under Agg, and the training callback at extremes."""

import warnings

import matplotlib
from figure_checks import labelled

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from dlfs import TwoLayerNet, widgets  # noqa: E402
from dlfs.plots import two_layer_net as net_plots  # noqa: E402
from dlfs.train import train  # noqa: E402


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


def whole_number_ticks(ax) -> bool:
    ticks = [tick for tick in ax.get_xticks() if ax.get_xlim()[0] <= tick <= ax.get_xlim()[1]]
    return bool(ticks) and all(float(tick).is_integer() for tick in ticks)


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
    assert whole_number_ticks(fig.axes[0]), fig.axes[0].get_xticks()


def test_loss_curves_show_the_whole_run_and_its_start(history):
    h, _ = history
    fig = net_plots.plot_loss_curves(h, zoom=40)
    labelled(fig)
    full, zoom = fig.axes
    assert full.get_xlim()[1] == 119 and zoom.get_xlim()[1] == 39
    assert whole_number_ticks(full) and whole_number_ticks(zoom)


def test_running_mean_is_centred():
    positions, means = net_plots.running_mean([0, 0, 3, 3, 6], 3)
    np.testing.assert_allclose(positions, [1, 2, 3])
    np.testing.assert_allclose(means, [1, 2, 4])
    assert net_plots.running_mean([1.0], 5)[0].size == 0


def test_loop_and_train_figure(history):
    h, _ = history
    # a made-up book loop with the same evaluations at epoch boundaries (every 20 iterations)
    book_loss = list(np.asarray(h.loss) * 0.99)
    n_book = len(h.epoch_iters) - 1
    fig = net_plots.plot_loop_and_train(book_loss, h.train_acc[:n_book], h.test_acc[:n_book], 20, h, window=10)
    labelled(fig)
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 3 and len(acc_ax.lines) == 4
    # the book's markers sit at whole epochs; train's last point after the last update
    np.testing.assert_allclose(acc_ax.lines[0].get_xdata(), np.arange(n_book))
    assert acc_ax.lines[2].get_xdata()[-1] == pytest.approx(119 / 20)
    assert whole_number_ticks(acc_ax)


def test_numerical_vs_backprop_figure(history):
    h, _ = history
    other = type(h)(loss=list(np.asarray(h.loss) + 1e-9), config=h.config)
    fig = net_plots.plot_numerical_vs_backprop(other, h)
    labelled(fig)
    gap = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(gap, 1e-9, rtol=1e-3)


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


def test_first_layer_weights_share_one_symmetric_colour_bar(history):
    _, net = history
    W1 = net.params["W1"]
    fig = net_plots.plot_first_layer_weights(W1, n=12, ncols=6)
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == 12
    colorbars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "weight"
    m = float(np.abs(W1[:, :12]).max())
    for im in images:  # one scale for all units, symmetric around zero: white is 0
        assert im.get_clim() == pytest.approx((-m, m))
    fig.canvas.draw()
    with pytest.raises(ValueError, match=r"\(784, hidden\)"):
        net_plots.plot_first_layer_weights(np.zeros((10, 5)))


def test_predictions_and_mistakes(history, digits):
    _, net = history
    _, _, xt, tt = digits
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


# -- short runs: the learning-rate figure and the explorer's callback ------------------------------
@pytest.mark.parametrize(
    "lr, batch, hidden",
    [
        (0.001, 1, 2),
        (10**1.5, 1000, 200),
        (0.1, 100, 50),
        (1.0, 10, 5),
        (0.001, 1000, 2),
        (10**1.5, 1, 200),
        (0.5, 50, 20),
    ],
)
def test_training_callback_at_slider_extremes(digits, lr, batch, hidden):
    x, t, xt, tt = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stalled run is reported in the figure, not as a warning
        fig, h, text = net_plots.draw_training_run(x, t, xt, tt, lr, batch, hidden, iters_num=60)
    fig.canvas.draw()
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert all(np.isfinite(h.loss))
    assert whole_number_ticks(fig.axes[1]), fig.axes[1].get_xticks()  # epochs: 0, 1, 2, never 0.5
    summary = text.split("\n")[0]
    assert fig.get_suptitle() == summary
    assert f"lr {lr:.3g}, {hidden} hidden units: " in summary
    assert f"× batch {batch:,} = {len(h.loss) * batch:,} images seen" in summary and " s" in summary
    if "diverged" in summary:
        assert len(h.loss) < 60 and "Training diverged at iteration" in text
    else:
        assert len(h.loss) == 60 and h.epoch_iters[-1] == 59  # the last point is the final network
        assert f"; train acc {h.train_acc[-1]:.3f}, test acc {h.test_acc[-1]:.3f}" in summary


def test_a_run_that_learns_has_no_problem_text(digits):
    x, t, xt, tt = digits
    run = net_plots.training_run(x, t, xt, tt, learning_rate=1.0, batch_size=50, hidden_size=20, iters_num=120)
    assert run.problem is None and run.text() == run.summary()
    assert run.history.test_acc[-1] > 0.9
    assert run.images_seen == 6000 and "(6 epochs)" in run.summary()


def test_a_stalled_run_shows_trains_problem_and_the_saturated_sigmoids(digits):
    """η = 10 on the fake digits: every hidden output sticks at 0 or 1 and the net answers like a guess."""
    x, t, xt, tt = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # train's TrainingStalled warning becomes run.problem, not stderr noise
        run = net_plots.training_run(x, t, xt, tt, learning_rate=10.0, batch_size=50, hidden_size=20, iters_num=120)
    assert run.history.problem and run.diverged is None
    assert run.saturated == 1.0
    text = run.text()
    assert run.history.problem[1:] in text  # train's TrainingStalled message, shown plainly
    assert "Measured: 100% of the hidden outputs on 200 test images are saturated" in text
    assert "almost no gradient reaches W1 and b1" in text
    fig = net_plots.plot_training_run(run)
    labelled(fig)
    assert fig.get_suptitle() == run.summary() and fig._suptitle.get_color() == "tab:red"
    assert "almost no gradient reaches W1" in fig.get_supxlabel().replace("\n", " ")
    assert "100% saturated" in fig.axes[2].get_title()


def test_training_callback_reports_divergence_instead_of_nan(digits):
    x, t, xt, tt = digits
    fig, h, text = net_plots.draw_training_run(x, t, xt, tt, learning_rate=1000, iters_num=300)
    assert "diverged after 50 iterations × batch 100" in text and "Training diverged at iteration 49" in text
    assert fig.get_suptitle() == text.split("\n")[0]


def test_hidden_outputs_of_a_net_that_blew_up_are_not_drawn(digits):
    x, t, xt, tt = digits
    run = net_plots.training_run(x, t, xt, tt, iters_num=5)
    run.hidden = None
    fig = net_plots.plot_hidden_outputs(run)
    assert "not finite" in fig.axes[0].get_title() and run.saturated is None


def test_learning_rate_figure_keeps_its_legend_off_the_curves(digits):
    x, t, xt, tt = digits
    runs = [
        net_plots.training_run(x, t, xt, tt, learning_rate=lr, batch_size=50, hidden_size=20, iters_num=120)
        for lr in (0.001, 1.0, 10.0)
    ]
    fig = net_plots.plot_learning_rates(runs)
    labelled(fig)
    loss_ax, acc_ax, bar_ax = fig.axes
    assert [ln.get_label() for ln in loss_ax.lines] == ["η = 0.001", "η = 1", "η = 10"]
    assert [p.get_height() for p in bar_ax.patches] == pytest.approx([run.saturated for run in runs])
    assert whole_number_ticks(acc_ax)
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend_box = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend_box.overlaps(ax.get_window_extent(renderer)), "the legend covers a panel"


# -- the explorer ---------------------------------------------------------------------------------
def test_training_explorer_builds_and_redraws_at_its_extremes(digits):
    x, t, xt, tt = digits
    box = widgets.training_explorer(x, t, xt, tt, iters_num=120)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["learning rate", "batch size", "hidden units"]
    assert all(not s.continuous_update for s in sliders)
    lr = box.controls["learning_rate"]
    assert (lr.min, lr.max, lr.step, lr.value) == (-3, 1.5, 0.125, 0.1)
    assert box.text.startswith("lr 0.1, 50 hidden units: 120 iterations × batch 100 = 12,000 images seen")
    lr.value = 10.0  # where the sigmoids saturate
    assert "saturated" in box.text and "did not learn" in box.text
    lr.value = 10**1.5
    assert "diverged" in box.text
    lr.value = 0.1
    box.controls["hidden_size"].value = 2
    assert box.text.startswith("lr 0.1, 2 hidden units:")
    box.controls["batch_size"].value = 1000
    assert "× batch 1,000 = 120,000 images seen (120 epochs)" in box.text
