"""Exercises (연습 문제) with instant feedback, hints and solutions on demand.

Notebooks 01 to 06 end with exercises. Write your answer in the exercise's cell and run::

    from dlfs.exercises import check, hint, solution
    check("03.numerical_gradient", my_numerical_gradient)  # what is right or not yet, and why
    hint("03.numerical_gradient")      # each call says a little more
    solution("03.numerical_gradient")  # an answer, and why

``check`` runs your code under a time limit and never raises: an error, a loop that never ends or
a wrong result becomes feedback in the language chosen with ``dlfs.set_language``. The messages,
hints and solutions are data, one file per language in ``dlfs/exercises/messages/``. ``EXERCISES``
lists every exercise by id; ``verdict(id, answer)`` returns (ok, message key, text) for tests.
"""

from . import notebooks_01_03, notebooks_04_06, predict  # noqa: F401 - importing them registers their exercises
from .core import EXERCISES, Exercise, Verdict, check, hint, solution, verdict

__all__ = ["EXERCISES", "Exercise", "Verdict", "check", "hint", "solution", "verdict"]
