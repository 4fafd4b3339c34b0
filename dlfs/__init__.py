"""dlfs: chapter 4 of *Deep Learning from Scratch* as a small, tested numpy package.

Every name a reader of the book types is importable from here::

    from dlfs import softmax, cross_entropy_error, numerical_gradient, TwoLayerNet, load_mnist

The notebooks in ``notebooks/`` teach each of them; every docstring names its notebook.
How the modules depend on each other (each only on those above it)::

    checks, files, language       the argument checks, atomic writes, the language of feedback
    functions                      activations and losses
    gradient                       numerical differentiation, gradient descent
    fast_gradient, nets            the networks, and the fast numerical gradient
    train, datasets                mini-batch SGD, MNIST
    exercises, cli                 check/hint/solution; python -m dlfs
"""

from importlib.metadata import PackageNotFoundError, version

from .datasets import load_mnist
from .functions import cross_entropy_error, sigmoid, sigmoid_grad, softmax, sum_squares_error
from .gradient import gradient_descent, gradient_descent_path, numerical_diff, numerical_gradient
from .language import set_language
from .nets import SimpleNet, TwoLayerNet

# the module dlfs.train stays reachable as such (its function is dlfs.train.train)
from .train import TrainHistory, TrainingDiverged, TrainingStalled

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
    "TrainingStalled",
    "set_language",
]

try:  # one source of the version: pyproject.toml, as installed
    __version__ = version("dlfs")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
