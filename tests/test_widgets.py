"""The Explorer machinery of dlfs.widgets: sliders redraw on release, errors are shown, not swallowed."""

import ipywidgets
import pytest
from figure_checks import no_leaked_figures  # noqa: F401

from dlfs import widgets

pytestmark = pytest.mark.filterwarnings("error")

EXPLORERS = {
    "loss_probability": widgets.loss_probability_explorer,
    "tangent": widgets.tangent_explorer,
    "gradient_descent": widgets.gradient_descent_explorer,
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_sliders_update_on_release_and_say_what_they_are(name, capsys):
    box = EXPLORERS[name]()
    assert isinstance(box, ipywidgets.VBox) and box.output in box.children
    for control in box.controls.values():
        assert control.continuous_update is False
        assert len(control.description) >= 5 or control.description.startswith("x"), control.description
    assert box.text and not box.text.startswith("could not draw")


def test_explorer_shows_an_error_as_text_instead_of_swallowing_it(capsys):
    def broken_view(a):
        raise ValueError("a must be positive")

    box = widgets.Explorer(broken_view, {"a": ipywidgets.FloatSlider(value=-1.0, description="a value")}, [["a"]])
    assert box.text == "could not draw this: ValueError: a must be positive"
    assert "a must be positive" in capsys.readouterr().out
