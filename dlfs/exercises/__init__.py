"""Exercises (연습 문제) with instant feedback: the learner writes the chapter's code and is told what is wrong.

Each notebook from 01 to 06 ends with exercises. Run the stub cell, write your answer in it,
and call::

    from dlfs.exercises import check
    check("01.cross_entropy", cross_entropy_error)

``check`` prints whether the answer is right and, if not, what is wrong in the chapter's
words (a missing 1e-7, a sum instead of a batch mean, a mutated ``init_x``, ...), and returns
True or False. ``EXERCISES`` lists every exercise by id. The checkers live in one module per
notebook, named like the notebook (e.g. :mod:`dlfs.exercises.loss_functions`).
"""

# importing a notebook's module registers its exercises
from . import (  # noqa: F401
    gradient_descent,
    gradients,
    loss_functions,
    numerical_differentiation,
    simple_net,
    two_layer_net,
)
from .core import EXERCISES, Exercise, check

__all__ = ["EXERCISES", "Exercise", "check"]
