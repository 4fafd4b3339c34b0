"""The chapter's two networks: SimpleNet (4.4.2) and TwoLayerNet (4.5); notebooks 05 and 06.

Both are the book's classes: their methods call each other as the book's do (``loss`` calls
``predict``, ``numerical_gradient`` calls ``loss``), so a subclass that redefines one method is
used consistently. Labels may be integers or one-hot rows everywhere.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .checks import count, finite_parameters, float_array, labels, number, real_array
from .fast_gradient import fast_numerical_gradient
from .functions import cross_entropy_error, sigmoid, softmax
from .gradient import H, numerical_gradient

KEYS = ("W1", "b1", "W2", "b2")


class SimpleNet:
    """One 2×3 weight matrix ``W`` followed by softmax: the book's smallest network.

    ``seed`` (int, Generator or None) seeds the standard normal draw of ``W``; or pass the weights
    ``W`` themselves (real, finite, shape (2, 3); copied), e.g. the book's printed ones.
    """

    def __init__(self, seed: int | np.random.Generator | None = None, W: ArrayLike | None = None) -> None:
        if W is None:
            self.W = np.random.default_rng(seed).standard_normal((2, 3))
        else:
            self.W = float_array(W, "W", "SimpleNet").astype(np.float64)
            if self.W.shape != (2, 3):
                raise ValueError(f"SimpleNet: W must have shape (2, 3), got {self.W.shape}.")

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Scores x @ W: shape (3,) for x of shape (2,), (N, 3) for (N, 2); finite float64."""
        x = float_array(x, "x", "SimpleNet.predict")
        if x.shape[-1:] != (2,):
            raise ValueError(f"SimpleNet.predict: x must have 2 features (shape (2,) or (N, 2)), got shape {x.shape}.")
        finite_parameters({"W": self.W}, "SimpleNet.predict")
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.dot(x, self.W)
        if not np.isfinite(z).all():
            raise ValueError("SimpleNet.predict: the scores overflow float64; scale the inputs.")
        return z

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross entropy of softmax(predict(x)) against ``t`` (one-hot of length 3, or a label 0..2)."""
        return cross_entropy_error(softmax(self.predict(x)), t)


class Gradients(dict):
    """The gradient of every parameter, keyed like ``params``; ``loss`` is the loss of its forward pass."""

    loss: float = math.nan


class TwoLayerNet:
    """Input → affine → sigmoid → affine → softmax, with the book's interface (2층 신경망).

    Parameters
    ----------
    input_size, hidden_size, output_size : int >= 1
        Layer widths; the book's MNIST net is 784-50-10.
    weight_init_std : float > 0, default 0.01
        Standard deviation of the normal draw of W1 and W2; the biases start at zero.
    seed : int, numpy Generator or None
        Seeds the weight draw: two nets built with the same seed are identical.
    dtype : np.float32 or np.float64, default float64
        float64 like the book (numerical gradients need it); float32 trains about twice as fast.

    ``params`` holds 'W1' (input, hidden), 'b1' (hidden,), 'W2' (hidden, output), 'b2' (output,).
    Every method takes ``x`` of shape (N, input_size) or one sample (input_size,), and targets ``t``
    as integer labels (N,) or one-hot rows (N, output_size). Every method returns finite numbers or
    raises ValueError: NaN/inf inputs, inputs too large for the net's dtype, and parameters holding
    NaN or inf (say, after a diverged run) are named.
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
        sizes = {"input_size": input_size, "hidden_size": hidden_size, "output_size": output_size}
        self.input_size, self.hidden_size, self.output_size = (count(v, k, "TwoLayerNet", 1) for k, v in sizes.items())
        std = number(weight_init_std, "weight_init_std", "TwoLayerNet", positive=True)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"TwoLayerNet: dtype must be np.float32 or np.float64, got {np.dtype(dtype)}.")
        rng = np.random.default_rng(seed)
        with np.errstate(over="ignore"):  # named below
            W1 = (std * rng.standard_normal((self.input_size, self.hidden_size))).astype(dtype)
            W2 = (std * rng.standard_normal((self.hidden_size, self.output_size))).astype(dtype)
        if not (np.isfinite(W1).all() and np.isfinite(W2).all()):
            raise ValueError(f"TwoLayerNet: weight_init_std={std:g} makes weights that overflow {np.dtype(dtype)}.")
        b1, b2 = np.zeros(self.hidden_size, dtype), np.zeros(self.output_size, dtype)
        self.params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def __repr__(self) -> str:
        return f"TwoLayerNet({self.input_size}-{self.hidden_size}-{self.output_size}, {self.params['W1'].dtype})"

    # -- the checks, once per call ---------------------------------------------------------
    def _inputs(self, x: ArrayLike, where: str) -> np.ndarray:
        """``x`` as rows (N, input_size) in the net's dtype: real numbers of the right width.

        NaN and inf are looked for in the forward pass's results (N × hidden numbers, not N × input).
        """
        x = real_array(x, "x", where, bools=False, finite=False)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{where}: x must have shape (N, {self.input_size}) or ({self.input_size},), got {x.shape}. "
                "Flatten images first: load_mnist(flatten=True), or x.reshape(len(x), -1)."
            )
        with np.errstate(over="ignore"):  # float64 inputs beyond float32's 3.4e38 become inf: named by _forward
            return x.reshape(-1, self.input_size).astype(self.params["W1"].dtype, copy=False)

    def _labels(self, x: ArrayLike, t: ArrayLike, n: int, where: str) -> np.ndarray:
        """Integer labels for ``n`` >= 1 rows; one sample ``x`` may come with a scalar label or a one-hot row."""
        if n == 0:
            raise ValueError(f"{where}: the batch is empty; pass at least one row.")
        if np.ndim(x) == 1 and np.ndim(t) <= 1:
            t = np.reshape(t, (1, -1) if np.size(t) == self.output_size > 1 else -1)
        return labels(t, n, self.output_size, where)

    def _forward(self, x: np.ndarray, where: str) -> tuple[np.ndarray, np.ndarray]:
        """The forward pass of rows from :meth:`_inputs`: the hidden outputs z1 and the scores a2, finite.

        A NaN or inf in a row of x makes its a1 row NaN or inf, so checking a1 and a2 is enough;
        when they are not finite, the cause is named: the inputs, a parameter, or an overflow.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            a1 = x @ self.params["W1"] + self.params["b1"]
            finite = np.isfinite(a1).all()
            z1 = sigmoid(a1) if finite else a1
            a2 = z1 @ self.params["W2"] + self.params["b2"]
        if not (finite and np.isfinite(a2).all()):
            if not np.isfinite(x).all():
                raise ValueError(f"{where}: x holds NaN or inf (or values too large for the net's {x.dtype}).")
            finite_parameters(self.params, where)
            raise ValueError(f"{where}: the network's values overflow {x.dtype}; scale the inputs (pixels: 0..1).")
        return z1, a2

    # -- the book's methods ------------------------------------------------------------------
    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class probabilities in the net's dtype: shape (N, output_size), or (output_size,) for one sample."""
        y = softmax(self._forward(self._inputs(x, "TwoLayerNet.predict"), "TwoLayerNet.predict")[1])
        return y.reshape(self.output_size) if np.ndim(x) == 1 else y

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross entropy of ``predict(x)`` against ``t`` (with the book's delta 1e-7)."""
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of rows whose most probable class is the target class, in [0, 1]."""
        y = self.predict(x).reshape(-1, self.output_size)
        return float(np.mean(y.argmax(axis=1) == self._labels(x, t, len(y), "TwoLayerNet.accuracy")))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The book's gradient: a central difference of ``loss`` for every parameter, nudged in place.

        Slow on purpose (2 forward passes per parameter: 79,520 for 784-50-10); see
        :meth:`fast_numerical_gradient` for the same numbers, fast. Needs float64 for meaningful digits.
        """
        where = "TwoLayerNet.numerical_gradient"
        self._labels(x, t, len(self._inputs(x, where)), where)  # a clear error now, not 79,520 times later
        finite_parameters(self.params, where)  # inf ± h is inf: its difference would be a silent 0
        return {key: numerical_gradient(lambda _: self.loss(x, t), self.params[key]) for key in KEYS}

    def fast_numerical_gradient(
        self, x: ArrayLike, t: ArrayLike, *, h: float = H, chunk: int | None = None, series: bool = True
    ) -> dict[str, np.ndarray]:
        """The same central differences as :meth:`numerical_gradient`, hundreds of times faster.

        Only the per-sample losses a nudge can change are evaluated (notebook 07 and
        :func:`dlfs.fast_gradient.fast_numerical_gradient`, which gets ``h``, ``chunk`` and
        ``series``). Exact (within 1e-9 of the loop) for TwoLayerNet's own loss: a subclass that
        changes ``predict`` or ``loss`` should override this method too, or set it to None.
        Needs a float64 net (TypeError otherwise).
        """
        where = "TwoLayerNet.fast_numerical_gradient"
        rows = self._inputs(x, where)
        return fast_numerical_gradient(self.params, rows, self._labels(x, t, len(rows), where), h, chunk, series)

    def gradient(self, x: ArrayLike, t: ArrayLike) -> Gradients:
        """The same gradient by backpropagation (chapter 5): one forward and one backward pass.

        Returns the gradients shaped like ``params``, in their dtype; ``.loss`` is the loss of
        the forward pass, at the parameters before any update (``train`` records it).
        """
        where = "TwoLayerNet.gradient"
        rows = self._inputs(x, where)
        t = self._labels(x, t, len(rows), where)
        z1, a2 = self._forward(rows, where)
        y = softmax(a2)
        loss = cross_entropy_error(y, t)
        dy = y  # the gradient of the mean loss with respect to a2: (y - onehot(t)) / N
        dy[np.arange(len(t)), t] -= 1
        dy /= len(t)
        with np.errstate(over="ignore", invalid="ignore"):  # named below
            da1 = (1 - z1) * z1 * (dy @ self.params["W2"].T)  # sigmoid'(a1) from its output z1, as the book
            grads = Gradients(W1=rows.T @ da1, b1=da1.sum(axis=0), W2=z1.T @ dy, b2=dy.sum(axis=0))
            if not math.isfinite(sum(float(g.sum()) for g in grads.values())):  # NaN and inf reach the sums
                raise ValueError(f"{where}: the gradient overflows {rows.dtype}; scale the inputs or the weights.")
        grads.loss = loss
        return grads
