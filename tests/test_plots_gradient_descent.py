"""Figures and explorer of notebooks/04_gradient_descent.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
The one classification of learning rates (lr_regime) is checked against what the runs do.
"""

import re

import ipywidgets
import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures  # noqa: F401

from dlfs import widgets
from dlfs.examples import tilted_double_well_critical_points, tilted_double_well_curvatures
from dlfs.plots import gradient_descent as descent_plots
from dlfs.plots.gradient_descent import LANDSCAPES, LEARNING_RATES, descent_until_diverged, lr_regime

pytestmark = pytest.mark.filterwarnings("error")

ELONGATED = (0.1, 2.0)  # the curvatures of 0.05·x0² + x1²

FIGURES = {
    "gradient_descent": descent_plots.gradient_descent_figure,
    "learning_rate_grid": descent_plots.learning_rate_grid_figure,
    "learning_rate_grid_elongated": lambda: descent_plots.learning_rate_grid_figure(
        lrs=(0.1, 0.5, 0.9, 1.0, 1.05), function="elongated bowl"
    ),
    "two_valleys": descent_plots.two_valleys_figure,
    **{
        f"view_{name}": (lambda name=name: descent_plots.gradient_descent_view(0.1, 20, -1.5, 1.0, name)[0])
        for name in LANDSCAPES
    },
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


def test_gradient_descent_figure_is_the_books_path():
    fig = descent_plots.gradient_descent_figure()
    path = line(fig, "x after 0 … 20 steps")
    xs, ys = path.get_xdata(), path.get_ydata()
    assert len(xs) == 21 and (xs[0], ys[0]) == (-3.0, 4.0)
    assert np.allclose([xs[1], ys[1]], [-2.4, 3.2])  # one step multiplies by 1 − 2·0.1 = 0.8
    assert fig.axes[0].get_xlim() == (-3.5, 3.5) and fig.axes[0].get_ylim() == (-4.5, 4.5)


# -- one classification: lr_regime ------------------------------------------------------------
@pytest.mark.parametrize(
    "lr, regime",
    [
        (1e-10, "too small"),
        (0.01, "too small"),
        (0.1, "good"),
        (0.5, "one step to the minimum"),
        (0.9, "zig-zags, converges"),
        (1.0, "bounces"),
        (1.1, "diverges"),
        (10, "diverges"),
    ],
)
def test_lr_regime_on_the_round_bowl(lr, regime):
    assert regime in lr_regime(lr).label


@pytest.mark.parametrize(
    "lr, steps, regime",
    [
        (0.1, 20, "too small: crawls"),  # x0 × 0.99 per step
        (0.9, 20, "zig-zags and crawls"),  # x1 × −0.8, x0 × 0.91
        (0.95, 100, "zig-zags, converges"),
        (1.0, 20, "bounces forever"),  # x1 × −1
        (1.05, 20, "diverges"),  # x1 × −1.1 although x0 × 0.895 converges
    ],
)
def test_lr_regime_on_the_elongated_bowl(lr, steps, regime):
    result = lr_regime(lr, ELONGATED, steps)
    assert result.label == regime
    assert result.limit == 1.0  # 2/L with L = 2, the steepest direction
    assert np.allclose(result.factors, [1 - 0.1 * lr, 1 - 2 * lr])


def test_lr_regime_explains_the_steep_direction_and_the_limit():
    text = lr_regime(1.05, ELONGATED).explanation
    assert "x0 by 1 − 0.1·lr = 0.895 and x1 by 1 − 2·lr = -1.1" in text
    assert "|x1| grows every step" in text and "lr < 2/L = 1 (L = 2, the largest curvature)" in text


@pytest.mark.parametrize("name", ["round bowl", "elongated bowl"])
@pytest.mark.parametrize("lr", LEARNING_RATES)
def test_lr_regime_says_what_the_run_does(name, lr):
    """For every stop of the slider, the label agrees with 100 real steps from (−3, 4)."""
    land = LANDSCAPES[name]
    regime = lr_regime(lr, land.curvatures(np.zeros(2)), 100)
    path, diverged = descent_until_diverged(land.f, (-3.0, 4.0), lr, 100)
    assert (regime.label == "diverges") == (diverged is not None)
    if regime.label == "bounces forever":
        assert np.allclose(np.abs(path[-1, 1]), 4.0)
    if "zig-zags" in regime.label:
        x1 = path[:6, 1]
        assert np.all(np.sign(x1[1:]) == -np.sign(x1[:-1]))  # x1 flips sign every step
    if regime.label in ("good: converges", "zig-zags, converges", "one step to the minimum"):
        assert np.linalg.norm(path[-1]) < 0.1 * 5.0
    if "crawls" in regime.label:
        assert np.linalg.norm(path[-1]) > 0.1 * min(3.0, 4.0)


@pytest.mark.parametrize(
    "lr, curvatures, match",
    [
        (0.0, (2.0, 2.0), "learning rate"),
        (float("nan"), (2.0, 2.0), "learning rate"),
        (0.1, (2.0, -4.0), "curvatures must be positive"),
        (0.1, (), "curvatures must be positive"),
    ],
)
def test_lr_regime_rejects_what_is_not_a_bowl_or_a_learning_rate(lr, curvatures, match):
    with pytest.raises(ValueError, match=match):
        lr_regime(lr, curvatures)


def test_the_valleys_limits_come_from_their_curvatures():
    crit = tilted_double_well_critical_points()
    deep = lr_regime(0.25, tilted_double_well_curvatures(crit["global minimum"]))
    shallow = lr_regime(0.25, tilted_double_well_curvatures(crit["local minimum"]))
    assert deep.limit == pytest.approx(0.2255, abs=1e-4) and deep.label == "diverges"
    assert shallow.limit == pytest.approx(0.2832, abs=1e-4) and shallow.label.startswith("zig-zags")


# -- the learning-rate slider's stops ---------------------------------------------------------
def test_the_learning_rate_stops_spend_most_of_the_travel_where_the_paths_change():
    stops = np.array(LEARNING_RATES)
    assert np.all(np.diff(stops) > 0)
    assert {1e-10, 0.01, 0.1, 10.0} <= set(LEARNING_RATES)  # the book's values
    assert {0.5, 1.0} <= set(LEARNING_RATES)  # both bowls: zig-zag from 1/L, the limit 2/L
    assert np.mean((stops >= 0.05) & (stops <= 1.1)) > 0.6
    # the valleys' limits 2/8.87 and 2/7.06 each have a stop on either side
    for limit in (0.2255, 0.2832):
        assert np.any((stops < limit) & (stops > limit - 0.03)) and np.any((stops > limit) & (stops < limit + 0.03))


# -- the explorer's view ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "lr, steps, expected",
    [
        (0.1, 100, "[-6.11110793e-10, 8.14814391e-10]"),
        (1e-10, 100, "[-2.99999994, 3.99999992]"),
        (0.01, 100, "[-0.397858668, 0.530478224]"),
    ],
)
def test_gradient_descent_view_prints_the_books_results(lr, steps, expected):
    fig, text = descent_plots.gradient_descent_view(lr, steps, -3.0, 4.0)
    assert text.startswith(f"after {steps} steps: x = {expected}, f(x) = ")
    assert "DIVERGED" not in all_texts(fig)


def test_gradient_descent_view_lr_10_says_diverged_and_keeps_a_readable_plot():
    fig, text = descent_plots.gradient_descent_view(10.0, 100, -3.0, 4.0)
    assert re.match(r"diverged after 2 steps: \|x\| = 1\.8\de\+03 exceeded 1000", text)
    assert "1 − 2·lr = -19" in text
    assert "DIVERGED after 2 steps" in all_texts(fig)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-5, 5) and ax.get_ylim() == (-5, 5)  # the window did not zoom out to 1e13
    path = line(fig, "path")
    assert len(path.get_xdata()) == 3  # drawn up to the first point beyond the limit, not the overflowed rest


def test_gradient_descent_view_zero_steps_is_the_start():
    fig, text = descent_plots.gradient_descent_view(0.1, 0, -3.0, 4.0)
    assert text.startswith("after 0 steps: x = [-3, 4], f(x) = 25\n")


def test_gradient_descent_view_lr_1_bounces_without_diverging():
    fig, text = descent_plots.gradient_descent_view(1.0, 21, -3.0, 4.0)
    assert text.startswith("after 21 steps: x = [3, -4], f(x) = 25\n")
    assert "never converges" in text


@pytest.mark.parametrize("function, curvatures", [("round bowl", (2.0, 2.0)), ("elongated bowl", ELONGATED)])
@pytest.mark.parametrize("lr", [1e-10, 0.1, 0.9, 1.0, 1.05, 10.0])
def test_view_title_and_text_use_the_one_classification(function, curvatures, lr):
    fig, text = descent_plots.gradient_descent_view(lr, 20, -3.0, 4.0, function)
    regime = lr_regime(lr, curvatures, 20)
    assert text.splitlines()[1] == f"on {LANDSCAPES[function].formula}, {regime.explanation}"
    assert fig.axes[0].get_title().endswith(regime.label)


def test_the_grid_titles_use_the_one_classification():
    fig = descent_plots.learning_rate_grid_figure(lrs=(0.1, 0.9, 1.05), function="elongated bowl")
    titles = [ax.get_title() for ax in fig.axes[:3]]
    assert titles[0].startswith("lr = 0.1: too small: crawls\n(x0 × 0.99, x1 × 0.8 per step)")
    assert titles[1].startswith("lr = 0.9: zig-zags and crawls")
    assert titles[2].startswith("lr = 1.05: diverges")


def test_the_elongated_bowl_zig_zags_across_and_crawls_along():
    fig, text = descent_plots.gradient_descent_view(0.9, 20, -3.0, 4.0, "elongated bowl")
    xs, ys = (np.asarray(v) for v in line(fig, "path").get_data())
    assert np.all(np.sign(ys[1:6]) == -np.sign(ys[:5]))  # x1 flips side every step
    assert np.all(np.diff(xs) > 0) and xs[-1] < -0.4  # x0 creeps toward 0 from the same side
    assert "x1 flips sign every step (zig-zag)" in text


def test_the_two_valleys_view_names_the_valleys_and_the_far_curvature():
    fig, text = descent_plots.gradient_descent_view(0.25, 40, -1.5, 1.0, "two valleys")
    assert "(nearest: the local minimum" in text.splitlines()[0]
    assert "near the global minimum (-1.04, 0)" in text and "cannot settle there (needs lr < 0.226)" in text
    fig, text = descent_plots.gradient_descent_view(0.1, 20, -3.0, 4.0, "two valleys")
    assert text.startswith("diverged after 3 steps")
    assert "104 at the start, where lr must stay below 2/104 = 0.0192" in text
    assert fig.axes[0].get_xlim() == (-4.5, 4.5)  # the window (±2) grew to show the start (-3, 4)


def test_two_valleys_figure_tells_settling_switching_and_bouncing_apart():
    fig = descent_plots.two_valleys_figure()
    labels = [ln.get_label() for ln in fig.axes[1].get_lines()]
    assert "lr = 0.1: settles in the global minimum (-1.04, 0)" in labels
    assert "lr = 0.25: settles in the local minimum (+0.96, 0)" in labels
    assert any(label.startswith("lr = 0.3: still jumping") for label in labels)


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_gradient_descent_view_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        descent_plots.gradient_descent_view(lr, 20, -3.0, 4.0)


def test_gradient_descent_view_rejects_a_start_beyond_the_divergence_limit():
    with pytest.raises(ValueError, match="start point"):
        descent_plots.gradient_descent_view(0.1, 20, 2000.0, 0.0)


def test_gradient_descent_view_rejects_negative_steps():
    with pytest.raises(ValueError, match="step_num"):
        descent_plots.gradient_descent_view(0.1, -1, -3.0, 4.0)


def test_gradient_descent_view_rejects_an_unknown_function():
    with pytest.raises(ValueError, match="elongated bowl"):
        descent_plots.gradient_descent_view(0.1, 20, -3.0, 4.0, "saddle")


# -- the explorer -----------------------------------------------------------------------------
def test_gradient_descent_explorer_at_its_extremes(capsys):
    box = widgets.gradient_descent_explorer()
    lr = box.controls["lr"]
    assert isinstance(lr, ipywidgets.SelectionSlider)
    assert tuple(v for _, v in lr.options) == LEARNING_RATES and lr.label == "0.1"
    assert box.controls["function"].value == "elongated bowl"
    assert box.text.startswith("after 20 steps: x = [-2.45372081, 0.0461168602]")  # x0 crawls: 0.99 per step
    lr.value = 10.0
    assert box.text.startswith("diverged after 2 steps")
    assert "diverged after 2 steps" in capsys.readouterr().out  # printed into the output area
    box.controls["function"].value = "round bowl"
    lr.value = 1e-10
    box.controls["step_num"].value = 100
    assert box.text.startswith("after 100 steps: x = [-2.99999994, 3.99999992]")
    box.controls["step_num"].value = 0
    box.controls["x0"].value = 2.0
    assert box.text.startswith("after 0 steps: x = [2, 4], f(x) = 20\n")
    box.controls["function"].value = "two valleys"
    box.controls["x0"].value = -4.0
    box.controls["x1"].value = -4.0
    box.controls["step_num"].value = 100
    assert box.text.startswith("after 100 steps: x = [")  # lr = 1e-10 barely moves, even here
    lr.value = 10.0
    assert box.text.startswith("diverged after 1 steps")


@pytest.mark.parametrize("kwargs, match", [({"lr": 0.123}, "slider's stops"), ({"function": "bowl"}, "function")])
def test_gradient_descent_explorer_rejects_what_it_cannot_show(kwargs, match):
    with pytest.raises(ValueError, match=match):
        widgets.gradient_descent_explorer(**kwargs)
