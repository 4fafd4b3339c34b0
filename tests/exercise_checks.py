"""Shared by the exercise tests (tests/test_exercises*.py; pytest puts tests/ on sys.path).

Import both names: ``english`` is an autouse fixture and takes effect only where it is imported.
"""

import pytest

from dlfs import set_language
from dlfs.exercises import check


@pytest.fixture(autouse=True)
def english():
    """Feedback in English for every test, and English again afterwards."""
    set_language("en")
    yield
    set_language("en")


def verdict(capsys, exercise_id, answer):
    """check()'s result and the feedback it printed."""
    ok = check(exercise_id, answer)
    return ok, capsys.readouterr().out
