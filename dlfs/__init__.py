"""dlfs: chapter 4 of *Deep Learning from Scratch* as a small, tested numpy package.

Every name a reader of the book types is importable from here::

    from dlfs import softmax, cross_entropy_error, numerical_gradient, TwoLayerNet, load_mnist

The notebooks in ``notebooks/`` teach each of them; every docstring names its notebook.
"""

from .functions import cross_entropy_error, sigmoid, sigmoid_grad, softmax, sum_squares_error
from .gradient import gradient_descent, gradient_descent_path, numerical_diff, numerical_gradient
from .nets import SimpleNet, TwoLayerNet
from .datasets import load_mnist
# the module dlfs.train stays reachable as such (its function is dlfs.train.train)
from .train import TrainHistory, TrainingDiverged

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "sum_squares_error",
    "cross_entropy_error",
    "numerical_diff",
    "numerical_gradient",
    "gradient_descent",
    "gradient_descent_path",
    "SimpleNet",
    "TwoLayerNet",
    "load_mnist",
    "TrainHistory",
    "TrainingDiverged",
]
__version__ = "0.1.0"
