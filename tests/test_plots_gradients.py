"""Figures and explorer of notebooks/03_gradients.ipynb, at the sliders' extreme values.

nbval only ever runs a slider's default value; here the view functions and the explorer are
called at the ends of their sliders under the Agg backend, with warnings turned into errors.
"""

import numpy as np
import pytest
from figure_checks import all_texts, check_figure, line, no_leaked_figures, slope_and_intercept  # noqa: F401
from matplotlib.quiver import Quiver

from dlfs import examples, numerical_gradient
from dlfs.plots import gradients as grad_plots

pytestmark = pytest.mark.filterwarnings("error")

FIGURES = {
    "surface": grad_plots.surface_figure,
    "quiver": grad_plots.quiver_figure,
    "second_function": grad_plots.second_function_figure,
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_white_titled_and_labelled(name):
    check_figure(FIGURES[name](), name)


def test_quiver_uses_the_book_grid_and_every_arrow_points_to_the_minimum():
    fig = grad_plots.quiver_figure()
    ax = fig.axes[0]
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    X, Y = quiver.X.reshape(-1), quiver.Y.reshape(-1)
    U, V = np.asarray(quiver.U).reshape(-1), np.asarray(quiver.V).reshape(-1)
    assert np.allclose(np.unique(X), np.arange(-2, 2.5, 0.25)) and len(X) == 18 * 18
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-2, 2)
    away = (X != 0) | (Y != 0)
    # −∇f = (−2x0, −2x1) points straight at the origin: parallel to −(X, Y), twice as long
    assert np.allclose(U[away], -2 * X[away], atol=1e-6) and np.allclose(V[away], -2 * Y[away], atol=1e-6)
    assert np.all(U[away] * X[away] + V[away] * Y[away] < 0)


def test_double_well_critical_points_have_zero_gradient_and_descents_end_in_different_minima():
    crit = examples.tilted_double_well_critical_points()
    for point in crit.values():
        assert np.allclose(numerical_gradient(examples.tilted_double_well, point.copy()), 0, atol=1e-6)
    assert examples.tilted_double_well(crit["global minimum"]) < examples.tilted_double_well(crit["local minimum"])
    fig = grad_plots.second_function_figure()
    ends = [
        np.array([ln.get_xdata()[-1], ln.get_ydata()[-1]])
        for ln in fig.axes[-1].get_lines()
        if ln.get_label().startswith("descent from")
    ]
    assert len(ends) == 2
    assert np.allclose(ends[0], crit["global minimum"], atol=1e-3)
    assert np.allclose(ends[1], crit["local minimum"], atol=1e-3)
