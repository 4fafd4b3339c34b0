"""Figures and explorer of notebooks/05_simple_net.ipynb, at the slider's extreme values."""

import matplotlib
from figure_checks import labelled

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlfs import SimpleNet, widgets  # noqa: E402
from dlfs.plots import simple_net as simple_net_plots  # noqa: E402

BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_simple_net_descent_learns_and_leaves_W_alone():
    W = np.array(BOOK_W)
    path = simple_net_plots.simple_net_descent(W, X, T, learning_rate=0.1, step_num=300)
    np.testing.assert_array_equal(W, BOOK_W)
    assert path["loss"].shape == (301,) and path["probs"].shape == (301, 3) and path["W"].shape == (301, 2, 3)
    assert abs(path["loss"][0] - SimpleNet(W=BOOK_W).loss(X, T)) < 1e-15
    assert np.all(np.diff(path["loss"]) < 0)  # one-sample gradient descent with a small step: monotone
    assert path["probs"][-1, 2] > 0.8 > path["probs"][0, 2]
    np.testing.assert_allclose(path["probs"].sum(axis=1), 1)


@pytest.mark.parametrize("lr", [1e-3, 0.1, 100.0])
def test_simple_net_slider_callback_at_extremes(lr):
    fig, summary = simple_net_plots.draw_simple_net_descent(BOOK_W, X, T, learning_rate=lr, step_num=50)
    fig.canvas.draw()
    labelled(fig)
    assert summary.startswith(f"lr={lr:g}: loss 0.9281 → ")


def test_simple_net_descent_rejects_bad_input():
    with pytest.raises(ValueError, match="learning_rate"):
        simple_net_plots.simple_net_descent(BOOK_W, X, T, learning_rate=0)
    with pytest.raises(ValueError, match="step_num"):
        simple_net_plots.simple_net_descent(BOOK_W, X, T, step_num=-1)
    box = widgets.simple_net_lr_explorer(BOOK_W, X, T, step_num=3)
    assert box.children[0].description == "learning rate" and not box.children[0].continuous_update
