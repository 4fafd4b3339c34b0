"""The chapter's two networks: SimpleNet (4.4.2) and TwoLayerNet (4.5).

Taught in notebooks/05_simple_net.ipynb and notebooks/06_two_layer_net_mnist.ipynb.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .checks import as_labels, positive_number, real_array, whole_number, within_budget
from .fast_gradient import fast_numerical_gradient
from .functions import cross_entropy_error, mean_cross_entropy, sigmoid_inplace, softmax, softmax_inplace
from .gradient import numerical_gradient

#: Rows per chunk when TwoLayerNet scores a whole data set: 10,000×50 hidden
#: activations stay small enough for the CPU caches and memory of a laptop.
EVAL_CHUNK = 10_000


class SimpleNet:
    """A single 2×3 weight matrix followed by softmax: the book's smallest network.

    Parameters
    ----------
    seed : int, numpy Generator or None
        Seeds the standard normal draw of ``W``. None draws fresh randomness.
    W : array_like of shape (2, 3), real and finite, optional
        Use these weights instead of drawing them (e.g. the book's printed ones); copied.

    Attributes
    ----------
    W : ndarray, shape (2, 3), float64

    NaN and infinity: refused in ``W`` and in the inputs; scores that overflow float64
    (inputs near 1e308) are refused too, instead of becoming inf or NaN.
    """

    def __init__(self, seed: int | np.random.Generator | None = None, W: ArrayLike | None = None) -> None:
        if W is None:
            self.W = np.random.default_rng(seed).standard_normal((2, 3))
        else:
            W = real_array(W, "W", "SimpleNet").astype(np.float64)  # a copy
            if W.shape != (2, 3):
                raise ValueError(f"SimpleNet: W must have shape (2, 3), got {W.shape}.")
            self.W = W

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Scores x @ W: float64 of shape (3,) for x of shape (2,), or (N, 3) for (N, 2); finite.

        Raises ValueError for a wrong width, NaN/inf in ``x`` or ``W``, or scores that
        overflow; TypeError for inputs that are not real numbers.
        """
        x = real_array(x, "x", "SimpleNet.predict").astype(np.float64)
        if x.shape[-1:] != (2,):
            raise ValueError(
                f"SimpleNet takes inputs with 2 features, got shape {x.shape}. Pass e.g. np.array([0.6, 0.9])."
            )
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, with the cause
            z = x @ self.W
        if not np.isfinite(z).all():
            cause = (
                "W holds NaN or inf"
                if not np.isfinite(self.W).all()
                else f"inputs as large as {float(np.max(np.abs(x))):.3g} overflow float64"
            )
            raise ValueError(f"SimpleNet.predict: the scores are not finite: {cause}.")
        return z

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross entropy of softmax(predict(x)) against ``t`` (one-hot of length 3, or a label 0..2): a finite float."""
        z = self.predict(x)
        t = np.asarray(t)
        if z.ndim == 1 and t.ndim == 1 and t.shape != (3,):
            raise ValueError(
                f"SimpleNet.loss: the target must be one-hot of length 3 (or a label 0..2), got shape {t.shape}. "
                "Pass e.g. np.array([0, 0, 1])."
            )
        return cross_entropy_error(softmax(z), t)


# -- the TwoLayerNet kernels --------------------------------------------------------------
#
# One forward and one backward pass of TwoLayerNet, without checks. TwoLayerNet's methods
# check their inputs and then call these; the training loop (dlfs.train) checks its data
# once and calls them every iteration. The book-style version, one readable line per step,
# is written out in notebooks/06_two_layer_net_mnist.ipynb.


def two_layer_scores(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward pass up to the class scores: returns ``(z1, a2)``.

    ``z1 = sigmoid(x @ W1 + b1)`` (N, hidden) and ``a2 = z1 @ W2 + b2`` (N, output).
    Both are new arrays; ``x`` (N, input) and ``params`` are only read.
    """
    z1 = x @ params["W1"]
    z1 += params["b1"]
    sigmoid_inplace(z1)  # a1 -> z1 in place
    a2 = z1 @ params["W2"]
    a2 += params["b2"]
    return z1, a2


def two_layer_loss_and_gradient(
    params: dict[str, np.ndarray], x: np.ndarray, labels: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean cross entropy and its backprop gradient, from one forward and one backward pass.

    ``x`` (N, input) should have the parameters' dtype; ``labels`` (N,) integer classes.
    Returns ``(loss, grads)`` with grads shaped like ``params``.
    """
    n = x.shape[0]
    z1, y = two_layer_scores(params, x)
    softmax_inplace(y)  # a2 -> y in place
    loss = mean_cross_entropy(y, labels)
    dy = y  # reuse: d(loss)/d(a2) for softmax + cross entropy is (y - onehot) / n
    dy[np.arange(n), labels] -= 1
    dy /= n
    da1 = dy @ params["W2"].T
    da1 *= z1 * (1 - z1)  # sigmoid'(a1), from the sigmoid's output z1
    grads = {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}
    return loss, grads


def two_layer_correct(params: dict[str, np.ndarray], x: np.ndarray, labels: np.ndarray, chunk: int = EVAL_CHUNK) -> int:
    """How many rows of ``x`` the net classifies as ``labels``, scored ``chunk`` rows at a time.

    softmax is monotonic, so the most probable class is the one with the largest score
    ``a2``: the softmax is skipped. This kernel runs only for evaluations (once per epoch
    in training), so it affords one check: scores that are not finite raise ValueError,
    since argmax would silently count a NaN row as class 0.
    """
    correct = 0
    dtype = params["W1"].dtype
    for start in range(0, x.shape[0], chunk):
        rows = x[start : start + chunk].astype(dtype, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, with the cause
            _, a2 = two_layer_scores(params, rows)
        if not np.isfinite(a2).all():
            raise non_finite_scores(params, rows, "TwoLayerNet.accuracy")
        correct += int(np.count_nonzero(a2.argmax(axis=1) == labels[start : start + chunk]))
    return correct


def non_finite_parameter(params: dict[str, np.ndarray], where: str) -> ValueError | None:
    """The error for parameters holding NaN or inf (say, after a diverged update), or None."""
    for key, value in params.items():
        if not np.isfinite(value).all():
            return ValueError(
                f"{where}: params['{key}'] holds NaN or inf, so the network's outputs are not numbers. "
                "Rebuild the net (or lower the learning rate that blew it up)."
            )
    return None


def non_finite_scores(params: dict[str, np.ndarray], x: np.ndarray, where: str) -> ValueError:
    """The error for a forward pass whose scores (or gradient) are not finite, with its cause."""
    error = non_finite_parameter(params, where)
    if error is not None:
        return error
    largest = float(np.max(np.abs(x))) if x.size else 0.0
    return ValueError(
        f"{where}: the network's values overflow {params['W1'].dtype} for inputs as large as {largest:.3g} "
        "with these weights. Scale the inputs (MNIST pixels are in [0, 1]) or use smaller weights."
    )


class TwoLayerNet:
    """Input → affine → sigmoid → affine → softmax, with the book's interface (2층 신경망).

    Parameters
    ----------
    input_size, hidden_size, output_size : int > 0
        Layer widths; the book's MNIST net is 784-50-10.
    weight_init_std : float > 0, default 0.01
        Standard deviation of the normal draw of W1 and W2; biases start at zero.
    seed : int, numpy Generator or None
        Seeds the weight draw, so two nets built with the same seed are identical.
    dtype : np.float32 or np.float64, default float64
        float64 like the book (needed for numerical gradients); float32 trains
        about twice as fast with the same accuracy.

    Attributes
    ----------
    params : dict of ndarray
        'W1' (input, hidden), 'b1' (hidden,), 'W2' (hidden, output), 'b2' (output,).

    Every method takes ``x`` of shape (N, input_size) (or one sample of shape
    (input_size,)) and targets ``t`` as integer labels (N,) or one-hot rows (N, output_size).

    NaN and infinity: refused in ``x`` and in ``weight_init_std``. Every method returns
    finite numbers or raises ValueError: inputs that do not fit the net's dtype, or so
    large that the forward pass overflows, and parameters holding NaN or inf (say, after
    a diverged run) that would make the result NaN are reported, naming the parameter.
    (An infinite weight that only saturates a sigmoid gives its finite limit.)

    Taught in notebooks/06_two_layer_net_mnist.ipynb, which writes the class out line by line.
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
        self.input_size = whole_number(input_size, "input_size", minimum=1, where="TwoLayerNet")
        self.hidden_size = whole_number(hidden_size, "hidden_size", minimum=1, where="TwoLayerNet")
        self.output_size = whole_number(output_size, "output_size", minimum=1, where="TwoLayerNet")
        std = positive_number(weight_init_std, "weight_init_std", where="TwoLayerNet", hint="The book uses 0.01.")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"TwoLayerNet: dtype must be np.float32 or np.float64, got {dtype}.")
        within_budget(  # the weights are drawn in float64, then converted
            (self.input_size + self.output_size) * self.hidden_size * 8,
            f"the weights of a {self.input_size}-{self.hidden_size}-{self.output_size} net",
            "TwoLayerNet",
            "The book's MNIST net is 784-50-10; use smaller layers.",
        )
        rng = np.random.default_rng(seed)
        with np.errstate(over="ignore"):  # an overflow is reported below, with its cause
            W1 = (std * rng.standard_normal((self.input_size, self.hidden_size))).astype(dtype)
            W2 = (std * rng.standard_normal((self.hidden_size, self.output_size))).astype(dtype)
        if not (np.isfinite(W1).all() and np.isfinite(W2).all()):
            raise ValueError(
                f"TwoLayerNet: weight_init_std={weight_init_std!r} makes weights that overflow {dtype}. "
                "Use a small standard deviation; the book uses 0.01."
            )
        self.params = {
            "W1": W1,
            "b1": np.zeros(self.hidden_size, dtype=dtype),
            "W2": W2,
            "b2": np.zeros(self.output_size, dtype=dtype),
        }

    def __repr__(self) -> str:
        return f"TwoLayerNet({self.input_size}-{self.hidden_size}-{self.output_size}, {self.params['W1'].dtype})"

    # -- input checks ---------------------------------------------------------
    def check_inputs(self, x: ArrayLike) -> np.ndarray:
        """``x`` as an array of shape (N, input_size) (one sample becomes N = 1), checked.

        Raises ValueError for a wrong width or NaN/inf values, TypeError for values
        that are not real numbers (bools, complex numbers, objects, text).
        """
        x = real_array(x, "x", "TwoLayerNet", bools=False, finite=False)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"TwoLayerNet expects inputs of width {self.input_size} (shape (N, {self.input_size})), "
                f"got shape {x.shape}. Flatten images first, e.g. load_mnist(flatten=True) or x.reshape(len(x), -1)."
            )
        real_array(x, "x", "TwoLayerNet")  # NaN/inf, after the shape: a wrong shape is the likelier mistake
        return x.reshape(-1, self.input_size)

    def check_targets(self, x: np.ndarray, t: ArrayLike, where: str) -> np.ndarray:
        """Integer labels (N,) for the N rows of the checked ``x``, from labels or one-hot rows."""
        t = np.asarray(t)
        n = x.shape[0]
        if n == 1 and t.ndim <= 1 and t.size in (1, self.output_size):
            t = t.reshape(1, -1) if t.size == self.output_size and self.output_size > 1 else t.reshape(1)
        rows = t.shape[0] if t.ndim else 1
        if rows != n:
            raise ValueError(
                f"TwoLayerNet.{where}: {n} inputs but {rows} targets. Pass exactly one target per input row."
            )
        if n == 0:
            raise ValueError(f"TwoLayerNet.{where}: the batch is empty; pass at least one input row.")
        return as_labels(t, n, self.output_size, f"TwoLayerNet.{where}")

    def _dtype_inputs(self, x: np.ndarray) -> np.ndarray:
        """The checked ``x`` in the net's dtype; inputs beyond float32's range (3.4e38) are refused.

        Parameters holding NaN or inf are not checked here: that would cost a pass over the
        weights on every call of the book's numerical-gradient loop; the methods check
        their results instead, and :func:`non_finite_scores` names such a parameter.
        """
        dtype = self.params["W1"].dtype
        with np.errstate(over="ignore"):  # reported below
            converted = np.ascontiguousarray(x, dtype=dtype)
        # only float64 → float32 can overflow (integers stay below 1e20, float16 below 65505)
        if x.dtype.itemsize > dtype.itemsize and x.dtype.kind == "f" and not np.isfinite(converted).all():
            raise ValueError(
                f"TwoLayerNet: inputs as large as {float(np.max(np.abs(x))):.3g} do not fit the net's {dtype}. "
                "Scale the inputs (MNIST pixels are in [0, 1])."
            )
        return converted

    def _scores(self, x: np.ndarray, where: str) -> np.ndarray:
        """The class scores a2 (N, output_size) of the checked ``x``, finite, or ValueError."""
        x = self._dtype_inputs(x)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, with the cause
            _, a2 = two_layer_scores(self.params, x)
        if not np.isfinite(a2).all():
            raise non_finite_scores(self.params, x, where)
        return a2

    # -- the book's methods ---------------------------------------------------
    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class probabilities in the net's dtype: shape (N, output_size), or (output_size,) for one sample."""
        checked = self.check_inputs(x)
        one_sample = np.ndim(x) == 1
        y = softmax_inplace(self._scores(checked, "TwoLayerNet.predict"))
        return y.reshape(self.output_size) if one_sample else y

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross entropy of ``predict(x)`` against ``t`` (the book's delta 1e-7 included)."""
        x = self.check_inputs(x)
        labels = self.check_targets(x, t, "loss")
        return mean_cross_entropy(softmax_inplace(self._scores(x, "TwoLayerNet.loss")), labels)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of rows whose most probable class is the target class, a float in [0, 1]."""
        x = self.check_inputs(x)
        labels = self.check_targets(x, t, "accuracy")
        return two_layer_correct(self.params, self._dtype_inputs(x), labels) / len(labels)

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The book's gradient: a central difference for every single parameter.

        Slow on purpose (2 forward passes per parameter: 79,520 for 784-50-10); see
        notebook 07 for an exact shortcut. Needs a float64 net for meaningful digits.
        """
        x = self.check_inputs(x)
        labels = self.check_targets(x, t, "numerical_gradient")
        error = non_finite_parameter(self.params, "TwoLayerNet.numerical_gradient")
        if error is not None:  # nudging inf or NaN by ±h has no difference to take
            raise error

        def loss_w(_):  # ignores its argument: the parameter array itself is nudged in place
            return self.loss(x, labels)

        return {key: numerical_gradient(loss_w, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def fast_numerical_gradient(
        self, x: ArrayLike, t: ArrayLike, *, h: float = 1e-4, chunk: int | None = None, series: bool = True
    ) -> dict[str, np.ndarray]:
        """The same central differences as :meth:`numerical_gradient`, hundreds of times faster.

        Every entry is (L(θ + h·e_i) − L(θ − h·e_i)) / 2h with h = 1e-4, in float64, but
        only the per-sample losses a nudge can change are evaluated (a W1 nudge touches
        one hidden unit and only samples whose pixel is not zero). Agrees with the loop
        within 1e-9; see :func:`dlfs.fast_gradient.fast_numerical_gradient` (``h``,
        ``chunk`` and ``series`` are passed on) and notebooks/07_fast_numerical_gradient.ipynb.

        Returns
        -------
        dict with 'W1', 'b1', 'W2', 'b2': float64 arrays shaped like ``params``.
        Raises TypeError for a float32 net.
        """
        x = self.check_inputs(x)
        labels = self.check_targets(x, t, "fast_numerical_gradient")
        options = {"h": h, "series": series} if chunk is None else {"h": h, "series": series, "chunk": chunk}
        return fast_numerical_gradient(self.params, x, labels, **options)

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """The same gradient by backpropagation (chapter 5), in one forward and one backward pass."""
        return self.loss_and_gradient(x, t)[1]

    def loss_and_gradient(self, x: ArrayLike, t: ArrayLike) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and backprop gradient from a single forward pass (what a training loop needs).

        Returns
        -------
        (float, dict): the loss at the current parameters, and 'W1', 'b1', 'W2', 'b2'
        gradients shaped like ``params``, in the parameters' dtype.
        """
        x = self.check_inputs(x)
        labels = self.check_targets(x, t, "gradient")
        x = self._dtype_inputs(x)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, with the cause
            loss, grads = two_layer_loss_and_gradient(self.params, x, labels)
        if not (math.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())):
            raise non_finite_scores(self.params, x, "TwoLayerNet.gradient")
        return loss, grads
