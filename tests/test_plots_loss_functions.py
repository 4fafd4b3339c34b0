"""Figures and explorer of notebooks/01_loss_functions.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401

from dlfs import examples, numerical_diff, widgets
from dlfs.plots import loss_functions as loss_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "accuracy_vs_loss": loss_plots.accuracy_vs_loss_figure,
    "step_vs_sigmoid": loss_plots.step_vs_sigmoid_figure,
    "neg_log": loss_plots.neg_log_figure,
    "loss_probability": lambda: loss_plots.loss_probability_view(0.6)[0],
    "loss_probability_rest_on_7": lambda: loss_plots.loss_probability_view(0.6, "on one wrong class")[0],
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


def test_accuracy_is_a_staircase_and_the_loss_is_not():
    x, t = examples.tiny_model_data()
    ws = np.linspace(-3, 3, 61)[1:-1]
    acc_slopes = np.array([numerical_diff(lambda w: examples.tiny_model_accuracy(w, x, t), w) for w in ws])
    loss_slopes = np.array([numerical_diff(lambda w: examples.tiny_model_loss(w, x, t), w) for w in ws])
    # at almost every w the accuracy does not change under a nudge of 1e-4: no signal
    assert np.mean(acc_slopes == 0) > 0.9
    assert np.all(np.abs(loss_slopes[ws < 1.5]) > 1e-3)
    # and the accuracy really changes somewhere in the sweep (it is a staircase, not a constant)
    accs = {examples.tiny_model_accuracy(w, x, t) for w in np.linspace(-3, 3, 601)}
    assert len(accs) > 5


@pytest.mark.parametrize(
    "p, sse, cee",
    [
        (0.6, 0.5 * (0.4**2 + 9 * (0.4 / 9) ** 2), 0.510825457099338),
        (0.1, 0.45, 2.302584092994546),  # the open experiment of the notebook starts here
        (0.0, 0.5 * (1 + 9 / 81), 16.11809565095832),
        (1.0, 0.0, -np.log(1 + 1e-7)),
    ],
)
def test_loss_probability_view_reports_both_losses(p, sse, cee):
    fig, text = loss_plots.loss_probability_view(p)
    assert f"sum of squares = {round(sse, 4) + 0.0:.4f}" in text
    assert f"cross entropy = {round(cee, 4) + 0.0:.4f}" in text
    assert "-0.0000" not in text
    bars = [patch.get_height() for patch in fig.axes[0].patches]
    assert len(bars) == 10 and bars[2] == pytest.approx(p) and sum(bars) == pytest.approx(1.0)


def test_loss_probability_view_at_zero_mentions_the_delta():
    assert "delta" in loss_plots.loss_probability_view(0.0)[1]


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_loss_probability_view_rejects_non_probabilities(p):
    with pytest.raises(ValueError, match="probability"):
        loss_plots.loss_probability_view(p)


def test_loss_probability_explorer_at_its_extremes(capsys):
    box = widgets.loss_probability_explorer()
    assert "cross entropy = 0.5108" in box.text
    box.controls["p"].value = 0.0
    assert "sum of squares = 0.5556, cross entropy = 16.1181" in box.text
    box.controls["rest"].value = "on one wrong class"
    assert "sum of squares = 1.0000, cross entropy = 16.1181" in box.text
    box.controls["p"].value = 1.0
    assert "sum of squares = 0.0000, cross entropy = 0.0000" in box.text
    assert not box.text.startswith("could not draw")


@pytest.mark.parametrize("p", [0.0, 0.1, 0.6, 1.0])
def test_where_the_rest_goes_changes_the_sum_of_squares_but_not_the_cross_entropy(p):
    evenly = loss_plots.probability_prediction(p)
    on_seven = loss_plots.probability_prediction(p, rest="on one wrong class")
    for y in (evenly, on_seven):
        assert y.sum() == pytest.approx(1.0) and y[2] == p
    assert on_seven[7] == pytest.approx(1 - p) and np.count_nonzero(on_seven) == (p > 0) + (p < 1)
    text_evenly = loss_plots.loss_probability_view(p, "evenly")[1]
    text_on_seven = loss_plots.loss_probability_view(p, "on one wrong class")[1]
    assert text_evenly.split("cross entropy")[1] == text_on_seven.split("cross entropy")[1]
    # sum of squares, rest on class 7: 0.5 * ((1 - p)² + (1 - p)²) = (1 - p)²
    assert f"sum of squares = {round((1 - p) ** 2, 4) + 0.0:.4f}" in text_on_seven
    if p < 1:
        assert text_evenly.split("cross entropy")[0] != text_on_seven.split("cross entropy")[0]


def test_the_loss_panel_draws_both_ways_of_sharing_the_rest_the_current_one_solid():
    fig, _ = loss_plots.loss_probability_view(0.6, "on one wrong class")
    sse_lines = {ln.get_label(): ln for ln in fig.axes[1].get_lines() if ln.get_label().startswith("sum of squares")}
    assert set(sse_lines) == {"sum of squares, rest shared by 9", "sum of squares, rest on 7"}
    assert sse_lines["sum of squares, rest on 7"].get_linestyle() == "-"
    assert sse_lines["sum of squares, rest shared by 9"].get_linestyle() == "--"


@pytest.mark.parametrize("rest, error", [("on class 7", ValueError), (7, TypeError)])
def test_an_unknown_rest_is_refused_with_the_choices(rest, error):
    with pytest.raises(error, match="rest"):
        loss_plots.loss_probability_view(0.5, rest)


def test_the_learning_approaches_figure_names_the_three_approaches():
    rng = np.random.default_rng(0)
    for image in (None, rng.random(784), rng.random((28, 28))):
        fig = loss_plots.learning_approaches_figure(image, label=5)
        texts = "\n".join(t.get_text() for t in fig.axes[0].texts)
        for words in ("hand-made algorithm", "hand-made features + machine learning", "end to end", "answer:\n5"):
            assert words in texts
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend == ["designed by a person", "learned from data"]
        assert fig._suptitle is not None and "Figure 4-2" in fig._suptitle.get_text()
        assert len(fig.axes[0].images) == (0 if image is None else 3)
        check_png(fig)
    with pytest.raises(ValueError, match="784 pixels"):
        loss_plots.learning_approaches_figure(rng.random(100))


def check_png(fig):
    import io

    fig.savefig(io.BytesIO(), format="png")  # renders without a warning (warnings are errors here)


def test_a_step_has_slope_zero_wherever_it_has_one_and_the_sigmoid_never_does():
    xs = np.linspace(-6, 6, 121)
    xs = xs[np.abs(xs) > 1e-3]  # the jump at 0 has no slope
    step_slopes = np.array([numerical_diff(lambda v: float(loss_plots.step_function(v)), x) for x in xs])
    assert np.all(step_slopes == 0.0)
    fig = loss_plots.step_vs_sigmoid_figure()
    sigmoid_slope = line(fig, "sigmoid: σ(x)(1 − σ(x))")
    assert np.all(np.asarray(sigmoid_slope.get_ydata()) > 0)
    assert max(sigmoid_slope.get_ydata()) == pytest.approx(0.25, abs=1e-4)


def test_with_a_step_the_tiny_models_loss_is_its_error_rate_times_16():
    x, t = examples.tiny_model_data()
    ws = np.linspace(-3, 3, 61)[1:-1]
    for w in ws:
        accuracy = examples.tiny_model_accuracy(w, x, t)
        assert loss_plots.step_model_loss(w, x, t) == pytest.approx(16.1181 * (1 - accuracy), abs=1e-3)
    slopes = np.array([numerical_diff(lambda w: loss_plots.step_model_loss(w, x, t), w) for w in ws])
    assert np.mean(slopes == 0) > 0.9  # a staircase, like the accuracy


def test_mini_batch_figure_titles_each_image_with_its_label():
    rng = np.random.default_rng(0)
    x = rng.random((4, 784))
    labels = np.array([3, 1, 4, 1])
    for t in (labels, np.eye(10)[labels]):
        fig = loss_plots.mini_batch_figure(x, t)
        assert [ax.get_title() for ax in fig.axes] == ["label 3", "label 1", "label 4", "label 1"]
        assert fig._suptitle is not None and "4 training images" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="784 pixels"):
        loss_plots.mini_batch_figure(rng.random((4, 100)), labels)
    with pytest.raises(ValueError, match="4 images but targets"):
        loss_plots.mini_batch_figure(x, labels[:3])
