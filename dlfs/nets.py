"""The chapter's two networks: SimpleNet (4.4.2) and TwoLayerNet (4.5).

Taught in notebooks/05_simple_net.ipynb and notebooks/06_two_layer_net_mnist.ipynb.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .functions import CROSS_ENTROPY_DELTA, _label_targets, cross_entropy_error, sigmoid, sigmoid_grad, softmax
from .gradient import numerical_gradient



class SimpleNet:
    """A single 2×3 weight matrix followed by softmax: the book's smallest network.

    Parameters
    ----------
    seed : int, numpy Generator or None
        Seeds the standard normal draw of ``W``. None draws fresh randomness.
    W : array_like of shape (2, 3), optional
        Use these weights instead of drawing them (e.g. the book's printed ones).

    Attributes
    ----------
    W : ndarray, shape (2, 3), float64
    """

    def __init__(self, seed: int | np.random.Generator | None = None, W: ArrayLike | None = None) -> None:
        if W is None:
            self.W = np.random.default_rng(seed).standard_normal((2, 3))
        else:
            W = np.array(W, dtype=np.float64)
            if W.shape != (2, 3):
                raise ValueError(f"SimpleNet: W must have shape (2, 3), got {W.shape}.")
            self.W = W

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Scores x @ W: shape (3,) for x of shape (2,), or (N, 3) for (N, 2)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[-1:] != (2,):
            raise ValueError(f"SimpleNet takes inputs with 2 features, got shape {x.shape}. Pass e.g. np.array([0.6, 0.9]).")
        return x @ self.W

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross entropy of softmax(predict(x)) against ``t`` (one-hot of length 3, or a label 0..2)."""
        z = self.predict(x)
        t = np.asarray(t)
        if z.ndim == 1 and t.ndim == 1 and t.shape != (3,):
            raise ValueError(
                f"SimpleNet.loss: the target must be one-hot of length 3 (or a label 0..2), got shape {t.shape}. "
                "Pass e.g. np.array([0, 0, 1])."
            )
        return cross_entropy_error(softmax(z), t)


def _positive_size(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"TwoLayerNet: {name} must be a positive whole number of units, got {value!r}.")
    return int(value)


class TwoLayerNet:
    """Input → affine → sigmoid → affine → softmax, with the book's interface.

    Parameters
    ----------
    input_size, hidden_size, output_size : int > 0
        Layer widths; the book's MNIST net is 784-50-10.
    weight_init_std : float, default 0.01
        Standard deviation of the normal draw of W1 and W2; biases start at zero.
    seed : int, numpy Generator or None
        Seeds the weight draw, so two nets built with the same seed are identical.
    dtype : numpy float dtype, default float64
        float64 like the book (needed for numerical gradients); float32 trains
        about twice as fast with the same accuracy.

    Attributes
    ----------
    params : dict of ndarray
        'W1' (input, hidden), 'b1' (hidden,), 'W2' (hidden, output), 'b2' (output,).

    Every method takes ``x`` of shape (N, input_size) (or one sample of shape
    (input_size,)) and targets ``t`` as integer labels (N,) or one-hot rows (N, output_size).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        seed: int | np.random.Generator | None = None,
        dtype: type = np.float64,
    ) -> None:
        self.input_size = _positive_size(input_size, "input_size")
        self.hidden_size = _positive_size(hidden_size, "hidden_size")
        self.output_size = _positive_size(output_size, "output_size")
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"TwoLayerNet: dtype must be a float type such as np.float64, got {dtype}.")
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": (weight_init_std * rng.standard_normal((self.input_size, self.hidden_size))).astype(dtype),
            "b1": np.zeros(self.hidden_size, dtype=dtype),
            "W2": (weight_init_std * rng.standard_normal((self.hidden_size, self.output_size))).astype(dtype),
            "b2": np.zeros(self.output_size, dtype=dtype),
        }

    def __repr__(self) -> str:
        return f"TwoLayerNet({self.input_size}-{self.hidden_size}-{self.output_size}, {self.params['W1'].dtype})"

    # -- input checks ---------------------------------------------------------
    def _inputs(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"TwoLayerNet expects inputs of width {self.input_size} (shape (N, {self.input_size})), "
                f"got shape {x.shape}. Flatten images first, e.g. load_mnist(flatten=True) or x.reshape(len(x), -1)."
            )
        return x

    def _labels(self, x: np.ndarray, t: ArrayLike, where: str) -> np.ndarray:
        t = np.asarray(t)
        n = 1 if x.ndim == 1 else x.shape[0]
        if x.ndim == 1 and t.ndim <= 1 and t.size in (1, self.output_size):
            t = t.reshape(1, -1) if t.size == self.output_size and self.output_size > 1 else t.reshape(1)
        rows = t.shape[0] if t.ndim else 1
        if rows != n:
            raise ValueError(
                f"TwoLayerNet.{where}: {n} inputs but {rows} targets. Pass exactly one target per input row."
            )
        return _label_targets(t, n, self.output_size, f"TwoLayerNet.{where}")

    # -- the book's methods ---------------------------------------------------
    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class probabilities: shape (N, output_size), or (output_size,) for one sample."""
        x = self._inputs(x)
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        z1 = sigmoid(a1)
        a2 = z1 @ p["W2"] + p["b2"]
        return softmax(a2)

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross entropy of ``predict(x)`` against ``t``."""
        x = self._inputs(x)
        labels = self._labels(x, t, "loss")
        return cross_entropy_error(self.predict(x).reshape(len(labels), -1), labels)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of rows whose most probable class is the target class, a float in [0, 1]."""
        x = self._inputs(x)
        labels = self._labels(x, t, "accuracy")
        predicted = self.predict(x).reshape(len(labels), -1).argmax(axis=1)
        return float(np.mean(predicted == labels))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The book's gradient: a central difference for every single parameter.

        Slow on purpose (2 forward passes per parameter: 79,520 for 784-50-10); see
        notebook 07 for an exact shortcut. Needs a float64 net for meaningful digits.
        """
        x = self._inputs(x)
        labels = self._labels(x, t, "numerical_gradient")

        def loss_w(_):  # ignores its argument: the parameter array itself is nudged in place
            return self.loss(x, labels)

        return {key: numerical_gradient(loss_w, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def fast_numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The same central differences as :meth:`numerical_gradient`, hundreds of times faster.

        Every entry is (L(θ + h·e_i) − L(θ − h·e_i)) / 2h with h = 1e-4, in float64, but
        only the per-sample losses a nudge can change are evaluated (a W1 nudge touches
        one hidden unit and only samples whose pixel is not zero). Agrees with the loop
        within 1e-9; see dlfs.fast_gradient and notebook 07_fast_numerical_gradient.ipynb.

        Returns
        -------
        dict with 'W1', 'b1', 'W2', 'b2': float64 arrays shaped like ``params``.
        Raises TypeError for a float32 net.
        """
        from .fast_gradient import fast_numerical_gradient  # here, so fast_gradient may import nets

        x = self._inputs(x)
        labels = self._labels(x, t, "fast_numerical_gradient")
        return fast_numerical_gradient(self, x, labels)

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The same gradient by backpropagation (chapter 5), in one forward and one backward pass."""
        return self.loss_and_gradient(x, t)[1]

    def loss_and_gradient(self, x: ArrayLike, t: ArrayLike) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and backprop gradient from a single forward pass (what a training loop needs).

        Returns
        -------
        (float, dict): the loss at the current parameters, and 'W1', 'b1', 'W2', 'b2'
        gradients shaped like ``params``.
        """
        x = self._inputs(x)
        labels = self._labels(x, t, "gradient")
        x = x.reshape(len(labels), -1)
        p = self.params
        n = x.shape[0]
        a1 = x @ p["W1"] + p["b1"]
        z1 = sigmoid(a1)
        y = softmax(z1 @ p["W2"] + p["b2"])
        rows = np.arange(n)
        loss = float(-np.sum(np.log(y[rows, labels] + CROSS_ENTROPY_DELTA)) / n)
        # d(loss)/d(a2) for softmax + cross entropy is (y - onehot) / n
        dy = y.copy()
        dy[rows, labels] -= 1
        dy /= n
        da1 = (dy @ p["W2"].T) * sigmoid_grad(a1)
        grads = {
            "W1": x.T @ da1,
            "b1": da1.sum(axis=0),
            "W2": z1.T @ dy,
            "b2": dy.sum(axis=0),
        }
        return loss, {k: g.astype(p[k].dtype, copy=False) for k, g in grads.items()}
