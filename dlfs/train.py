"""Mini-batch SGD (확률적 경사 하강법) for TwoLayerNet: the book's ``train_neuralnet.py`` as a function.

Taught in notebooks/06_two_layer_net_mnist.ipynb, which first writes the loop out cell by
cell; ``python -m dlfs train`` runs it from a terminal. The loop is the book's (4.5.2-4.5.3):

1. draw a mini-batch (미니배치) of ``batch_size`` row indices, with replacement, like the
   book's ``np.random.choice(train_size, batch_size)`` but from a seeded generator;
2. compute the gradient (기울기) of the loss on that batch, by backprop or numerically;
3. update every parameter: ``params[key] -= learning_rate * grad[key]``;
4. record the loss every iteration, and train/test accuracy (정확도) once per epoch (에폭):
   after updates 0, iter_per_epoch, 2·iter_per_epoch, ... with
   ``iter_per_epoch = max(train_size / batch_size, 1)`` (600 for MNIST and batch 100).

Three differences from the book's script, each documented where it happens:

* ``history.loss[i]`` is the loss of batch ``i`` computed by the forward pass that the
  gradient needs anyway, i.e. *before* update ``i``. The book runs a second forward pass
  after the update; that costs a third of the training time and tells the same story.
* After the last update the accuracies are measured once more (unless the last epoch
  boundary was the last update), so the final numbers describe the network that ``train``
  returns. For the book's 10,000 iterations that is an 18th evaluation after update 9,999;
  the book's last one is after update 9,600.
* For a ``TwoLayerNet`` with backprop the loop calls the net's kernels
  (:func:`dlfs.nets.two_layer_loss_and_gradient`) on data converted once to the net's dtype,
  instead of re-checking every mini-batch. It is the same SGD on the same network.

A run that ends no better than guessing is reported (:class:`TrainingStalled`), and one
whose loss blows up is stopped (:class:`TrainingDiverged`).
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .blas import blas_thread_limit, openblas_thread_controls
from .checks import as_labels, positive_number, real_array, whole_number
from .files import write_atomically
from .nets import TwoLayerNet, two_layer_correct, two_layer_loss_and_gradient

GRADIENTS = ("backprop", "numerical")

#: Iterations averaged by the divergence check: long enough to ride out an unlucky batch.
DIVERGE_WINDOW = 50

#: A finished run "did not learn" when it ran at least this many iterations and its final
#: training accuracy is within STALL_MARGIN of guessing (the most frequent class).
STALL_MIN_ITERS = 100
STALL_MARGIN = 0.05

#: The methods whose TwoLayerNet versions the kernels reproduce; a subclass that overrides
#: any of them is trained through its own methods.
KERNEL_METHODS = ("predict", "loss", "accuracy", "gradient", "loss_and_gradient")


class TrainingDiverged(FloatingPointError):
    """The loss blew up: the learning rate (or the initial weights) are too large.

    Raised when a mini-batch loss or a parameter becomes inf or NaN, or when the mean loss
    of the last ``DIVERGE_WINDOW`` iterations (fewer in a shorter run) exceeds
    ``diverge_factor`` times the first loss.

    Attributes
    ----------
    iteration : int
        The 0-based iteration at which the blow-up was detected.
    loss : float
        The non-finite loss, or the windowed mean loss that crossed the limit.
    history : TrainHistory
        Everything recorded up to that iteration, so the curve up to the blow-up can
        still be drawn (a non-finite loss itself is not recorded).
    """

    def __init__(self, iteration: int, history: TrainHistory, loss: float, reason: str, advice: str = "") -> None:
        self.iteration = iteration
        self.history = history
        self.loss = loss
        lr = history.config.get("learning_rate")
        lr_text = f" (learning_rate={lr:g})" if isinstance(lr, (int, float)) else ""
        advice = advice or "Lower the learning rate; the book uses 0.1."
        super().__init__(f"training diverged at iteration {iteration}: {reason}{lr_text}. {advice}")


class TrainingStalled(UserWarning):
    """Training finished, but the network is no better than guessing (see ``TrainHistory.problem``)."""


@dataclass
class TrainHistory:
    """What a training run recorded.

    Attributes
    ----------
    loss : list of float
        Mini-batch loss (손실 함수 value) of every iteration, computed before that
        iteration's update. Length ``iters_num`` after a complete run.
    epoch_iters : list of int
        The iterations ``i`` after whose update the accuracies were measured: every
        epoch boundary (0, 600, 1200, ... for MNIST with batch 100) and the last update.
    train_acc, test_acc : list of float
        Accuracy on the whole training set and on the whole test set at each of
        ``epoch_iters`` (``test_acc`` stays empty when no test data was given). The last
        entries describe the network as ``train`` returned it.
    elapsed : float
        Wall-clock seconds of the loop, evaluations included.
    config : dict
        The hyperparameters (하이퍼파라미터) and options of the run.
    problem : str or None
        Why the run did not learn (the text of the :class:`TrainingStalled` warning), or None.
    """

    loss: list[float] = field(default_factory=list)
    epoch_iters: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        """The history as a JSON string; with ``path``, also written there atomically."""
        text = json.dumps(asdict(self), indent=1)
        if path is not None:
            write_atomically(path, lambda f: f.write(text.encode()))
        return text

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike) -> TrainHistory:
        """Read a history written by :meth:`to_json` (a JSON string or a file path)."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            with open(text_or_path, encoding="utf-8") as f:
                text = f.read()
        return cls(**json.loads(text))


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------
def check_data(net, x, t, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Training or test data as (x of shape (N, features), integer labels (N,)), checked against ``net``."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(
            f"train: {name} inputs must be a 2-D array (N, features), got shape {x.shape}. "
            "Use load_mnist(flatten=True) or x.reshape(len(x), -1)."
        )
    width = getattr(net, "input_size", x.shape[1])
    if x.shape[1] != width:
        raise ValueError(f"train: the net takes {width} inputs per row but {name} rows have {x.shape[1]}.")
    if x.shape[0] == 0:
        raise ValueError(f"train: the {name} set is empty.")
    real_array(x, "x_train" if name == "training" else "x_test", "train", bools=False)  # TypeError; NaN/inf: ValueError
    params = getattr(net, "params", None)
    dtype = next(iter(params.values())).dtype if isinstance(params, dict) and params else None
    if dtype is not None and dtype.kind == "f" and x.dtype.kind == "f":
        largest = float(np.max(np.abs(x)))
        if largest > float(np.finfo(dtype).max):  # would become inf when converted to the net's dtype
            raise ValueError(
                f"train: {name} inputs as large as {largest:.3g} do not fit the net's {dtype}. "
                "Scale the inputs (MNIST pixels are in [0, 1])."
            )
    t = np.asarray(t)
    n_classes = getattr(net, "output_size", None)
    if n_classes is None:
        n_classes = t.shape[1] if t.ndim == 2 else int(t.max()) + 1
    # integer labels once, up front: one-hot targets become labels, bad labels fail here
    return x, as_labels(t, x.shape[0], n_classes, f"train ({name} targets)")


def _check_net(net) -> dict[str, np.ndarray]:
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or not params:
        raise TypeError(f"train: net must have a dict of parameter arrays in .params (like TwoLayerNet), got {net!r}.")
    for key, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(f"train: params[{key!r}] must be a float array, got {type(value).__name__} {value!r:.60}.")
        if not np.isfinite(value).all():  # SGD would only carry the NaN on
            raise ValueError(
                f"train: params[{key!r}] holds NaN or inf before training (a diverged earlier run?). "
                "Build a new net to train."
            )
    return params


def uses_kernels(net) -> bool:
    """True for a TwoLayerNet whose methods are TwoLayerNet's own: the kernels compute what they would.

    A subclass that overrides one of :data:`KERNEL_METHODS` (say, a learner's own
    ``gradient``) is trained through its methods, so the override is what gets used.
    """
    cls = type(net)
    return isinstance(net, TwoLayerNet) and all(getattr(cls, m) is getattr(TwoLayerNet, m) for m in KERNEL_METHODS)


def numerical_method(net) -> Callable | None:
    """The numerical-gradient method ``train(gradient="numerical")`` calls, or None if the net has none.

    ``fast_numerical_gradient`` (the same central differences, notebook 07) when the net has
    it, unless the net's class rewrites ``numerical_gradient`` but inherits TwoLayerNet's
    ``fast_numerical_gradient``: then its own ``numerical_gradient`` is what it means.
    """
    fast = getattr(net, "fast_numerical_gradient", None)
    slow = getattr(net, "numerical_gradient", None)
    if isinstance(net, TwoLayerNet):
        cls = type(net)
        rewritten = cls.numerical_gradient is not TwoLayerNet.numerical_gradient
        if rewritten and getattr(cls, "fast_numerical_gradient", None) is TwoLayerNet.fast_numerical_gradient:
            fast = None
    if callable(fast):
        return fast
    return slow if callable(slow) else None


# ---------------------------------------------------------------------------
# the steps of a run
# ---------------------------------------------------------------------------
def _gradient_step(net, gradient: str, kernels: bool) -> Callable:
    """A function (x_batch, t_batch) -> (loss, grads) for one iteration."""
    if kernels:
        return lambda xb, tb: two_layer_loss_and_gradient(net.params, xb, tb)
    if gradient == "numerical":
        numerical = numerical_method(net)
        return lambda xb, tb: (float(net.loss(xb, tb)), numerical(xb, tb))
    if hasattr(net, "loss_and_gradient"):
        return net.loss_and_gradient
    return lambda xb, tb: (float(net.loss(xb, tb)), net.gradient(xb, tb))


def _accuracy_function(net, kernels: bool) -> Callable[[np.ndarray, np.ndarray], float]:
    if kernels:
        return lambda x, t: two_layer_correct(net.params, x, t) / len(t)
    return lambda x, t: float(net.accuracy(x, t))


def _evaluate(history: TrainHistory, i: int, accuracy, data, eval_threads) -> None:
    """Measure train (and test) accuracy after update ``i``, with numpy's own number of BLAS threads.

    The whole-data-set products (60,000×784 by 784×50) are big enough for several threads
    to pay off, unlike the mini-batch ones.
    """
    history.epoch_iters.append(i)
    with blas_thread_limit(eval_threads):
        history.train_acc.append(accuracy(*data["train"]))
        if "test" in data:
            history.test_acc.append(accuracy(*data["test"]))


def _non_finite_loss(history: TrainHistory, i: int, loss: float) -> TrainingDiverged:
    if i == 0:
        return TrainingDiverged(
            i,
            history,
            float(loss),
            f"the loss of the untrained net is {loss}",
            "The initial weights are too large: lower weight_init_std (the book uses 0.01).",
        )
    return TrainingDiverged(i, history, float(loss), f"the mini-batch loss became {loss}")


def _check_window(history: TrainHistory, i: int, window_sum: float, diverge_factor: float | None) -> None:
    """Stop when the mean of the last DIVERGE_WINDOW losses exceeds diverge_factor × the first loss.

    ``window_sum`` is the sum of the last ``min(DIVERGE_WINDOW, i + 1)`` losses. A run shorter
    than the window is checked at its last iteration over all its losses (from 10 on), so
    ``iters_num=49`` with a huge learning rate cannot slip through.
    """
    window = min(DIVERGE_WINDOW, i + 1)
    last = i + 1 == history.config["iters_num"]
    if diverge_factor is None or window < 10 or (window < DIVERGE_WINDOW and not last):
        return
    first = history.loss[0]
    mean = window_sum / window
    if mean > diverge_factor * first:
        raise TrainingDiverged(
            i,
            history,
            mean,
            f"the mean loss of the last {window} iterations is {mean:.3g}, more than "
            f"{diverge_factor:g}× the first loss {first:.3g}",
        )


def _check_parameters(history: TrainHistory, params: dict[str, np.ndarray], i: int) -> None:
    for key, value in params.items():
        if not np.isfinite(value).all():
            raise TrainingDiverged(i, history, float("nan"), f"params['{key}'] holds inf or NaN")


def learning_problem(history: TrainHistory, t_train: np.ndarray) -> str | None:
    """Why a finished run did not learn, in words, or None if it did (or ran too briefly to tell).

    "Did not learn": at least ``STALL_MIN_ITERS`` iterations, and a final training accuracy
    within ``STALL_MARGIN`` of always answering the most frequent class.
    """
    n = len(history.loss)
    if n < STALL_MIN_ITERS or not history.train_acc:
        return None
    counts = np.bincount(t_train)
    guess = max(counts.max() / counts.sum(), 1 / max(len(counts), 1))
    acc = history.train_acc[-1]
    if acc > guess + STALL_MARGIN:
        return None
    lr = history.config["learning_rate"]
    first = float(np.mean(history.loss[: min(10, n)]))
    last = float(np.mean(history.loss[-min(DIVERGE_WINDOW, n) :]))
    # The loss of guessing the class frequencies (ln 10 for balanced digits). A too large step can make the
    # first losses spike far above it, so "falling" means falling below the guessing loss, not below the spike.
    frequencies = counts[counts > 0] / counts.sum()
    guess_loss = float(-np.sum(frequencies * np.log(frequencies)))
    if last < 0.9 * min(first, guess_loss):
        cause = "The loss is falling, so it has only started: train longer, or raise the learning rate."
    elif lr > 1:
        cause = (
            f"With learning rate {lr:g} the steps are so large that the sigmoids saturate (their outputs stick "
            "at 0 or 1) and the gradient vanishes: lower the learning rate; the book uses 0.1."
        )
    else:
        cause = f"With learning rate {lr:g} it learns too slowly to be seen yet: raise it, or train longer."
    return (
        f"the network did not learn: after {n} iterations its training accuracy {acc:.3f} is no better than "
        f"guessing ({guess:.3f}), and the mean loss went from {first:.3g} to {last:.3g}. {cause}"
    )


# ---------------------------------------------------------------------------
# the training function
# ---------------------------------------------------------------------------
def train(
    net: TwoLayerNet,
    x_train: ArrayLike,
    t_train: ArrayLike,
    x_test: ArrayLike | None = None,
    t_test: ArrayLike | None = None,
    *,
    iters_num: int = 10_000,
    batch_size: int = 100,
    learning_rate: float = 0.1,
    gradient: str = "backprop",
    seed: int | np.random.Generator | None = 0,
    progress: bool = True,
    fast: bool = True,
    diverge_factor: float | None = 1.5,
    blas_threads: int | None = 1,
) -> TrainHistory:
    """Train ``net`` in place by mini-batch SGD, as the book's ``train_neuralnet.py``.

    Parameters
    ----------
    net : TwoLayerNet (or any object with ``params``, ``loss``, ``accuracy`` and
        ``gradient``/``numerical_gradient``)
        Updated in place; build it with a seed to make the whole run reproducible.
    x_train : array_like, shape (N, input_size), real numbers
    t_train : array_like, integer labels (N,) or one-hot rows (N, output_size)
    x_test, t_test : like the training data, optional
        Evaluated once per epoch next to the training data.
    iters_num : int >= 1, default 10,000
        Number of updates.
    batch_size : int, 1 <= batch_size <= N, default 100
        Rows per mini-batch, drawn **with replacement** like the book's
        ``np.random.choice(train_size, batch_size)`` (a batch may repeat a row).
    learning_rate : float > 0, default 0.1
        The step size (학습률).
    gradient : {"backprop", "numerical"}
        "backprop" (오차역전파법) uses the net's ``gradient``; "numerical" the method that
        :func:`numerical_method` picks (``fast_numerical_gradient`` for a TwoLayerNet, the
        same numbers as the book's ``numerical_gradient``). Numerical gradients need float64.
    seed : int, Generator or None, default 0
        Seeds the mini-batch draws (``np.random.default_rng(seed)``).
    progress : bool, default True
        Show a tqdm bar (a widget in Jupyter, text in a terminal).
    fast : bool, default True
        For a TwoLayerNet with backprop, call the kernels (see the module docstring).
        ``fast=False`` calls the net's own methods every iteration (slower; same result up
        to rounding).
    diverge_factor : float > 1 or None, default 1.5
        Stop with :class:`TrainingDiverged` when the mean loss of the last 50 iterations
        exceeds this multiple of the first iteration's loss. On MNIST learning rates up to
        10 stay below 1.05× and lr=30 reaches 2.5×. None turns the check off (non-finite
        losses and parameters still stop the run).
    blas_threads : int >= 1 or None, default 1
        OpenBLAS threads during the mini-batch steps (restored afterwards). One thread is
        fastest for matrices this small and far more robust on a busy machine; None leaves
        numpy's setting alone. See :func:`dlfs.blas.blas_thread_limit`.

    Returns
    -------
    TrainHistory
        Its ``problem`` says why the run did not learn, if it did not; a
        :class:`TrainingStalled` warning says the same.

    Raises
    ------
    TrainingDiverged
        When a mini-batch loss or a parameter becomes inf or NaN, or the loss blows up
        (see ``diverge_factor``; e.g. learning_rate=100); the partial history is attached
        as ``.history`` and the net keeps its last parameters.
    ValueError, TypeError
        For hyperparameters or data that make no sense, naming the problem, before any
        training: NaN or inf in the inputs or the learning rate, inputs too large for the
        net's dtype, and a net whose parameters already hold NaN or inf are refused.
    """
    iters_num = whole_number(iters_num, "iters_num", minimum=1, where="train")
    batch_size = whole_number(batch_size, "batch_size", minimum=1, where="train")
    learning_rate = positive_number(learning_rate, "learning_rate", where="train", hint="The book uses 0.1.")
    if diverge_factor is not None and not (isinstance(diverge_factor, (int, float)) and diverge_factor > 1):
        raise ValueError(f"train: diverge_factor must be a number > 1 or None, got {diverge_factor!r}.")
    if blas_threads is not None:
        blas_threads = whole_number(blas_threads, "blas_threads", minimum=1, where="train")
    if gradient not in GRADIENTS:
        raise ValueError(f"train: gradient must be 'backprop' or 'numerical', got {gradient!r}.")
    params = _check_net(net)
    data = {"train": check_data(net, x_train, t_train, "training")}
    if (x_test is None) != (t_test is None):
        raise ValueError("train: pass both x_test and t_test, or neither.")
    if x_test is not None:
        data["test"] = check_data(net, x_test, t_test, "test")
    train_size = len(data["train"][1])
    if batch_size > train_size:
        raise ValueError(
            f"train: batch_size {batch_size} is larger than the training set ({train_size} rows). "
            f"Pass batch_size <= {train_size}."
        )
    dtype = next(iter(params.values())).dtype
    if gradient == "numerical" and dtype != np.float64:
        raise ValueError(
            f"train: numerical gradients need a float64 net (h=1e-4 is lost in {dtype} rounding); "
            "build it with TwoLayerNet(..., dtype=np.float64)."
        )
    if gradient == "numerical" and numerical_method(net) is None:
        raise TypeError(
            f"train: gradient='numerical' needs a net with a numerical_gradient(x, t) method; {net!r} has none."
        )
    kernels = fast and gradient == "backprop" and uses_kernels(net)
    if kernels:  # convert once instead of per batch: float32 input to float32 weights
        data = {k: (np.ascontiguousarray(x, dtype=dtype), t) for k, (x, t) in data.items()}

    step = _gradient_step(net, gradient, kernels)
    history = TrainHistory(
        config={
            "iters_num": iters_num,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "gradient": gradient,
            "gradient_method": "backprop" if gradient == "backprop" else numerical_method(net).__name__,
            "seed": int(seed) if isinstance(seed, (int, np.integer)) else (None if seed is None else "Generator"),
            "train_size": train_size,
            "test_size": len(data["test"][1]) if "test" in data else 0,
            "iter_per_epoch": max(train_size / batch_size, 1),
            "dtype": str(dtype),
            "net": repr(net),
            "fast": kernels,
            "diverge_factor": diverge_factor,
            "blas_threads": blas_threads,
        }
    )
    _run(history, params, step, _accuracy_function(net, kernels), data, np.random.default_rng(seed), progress)
    history.problem = learning_problem(history, data["train"][1])
    if history.problem:
        warnings.warn(history.problem, TrainingStalled, stacklevel=2)
    return history


def _run(history: TrainHistory, params, step, accuracy, data, rng, progress: bool) -> None:
    """The SGD loop itself: draw, gradient, check, update, evaluate; then the final evaluation."""
    cfg = history.config
    iters_num, batch_size, lr = cfg["iters_num"], cfg["batch_size"], cfg["learning_rate"]
    x_train, t_train = data["train"]
    controls = openblas_thread_controls() if cfg["blas_threads"] is not None else None
    eval_threads = controls[1]() if controls is not None else None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=iters_num, desc=f"SGD lr={lr:g}", unit="it", mininterval=0.5, smoothing=0.1)
    # The book evaluates when i % iter_per_epoch == 0; for a fractional iter_per_epoch that
    # test is almost never true, so evaluate at the first i past each whole epoch.
    next_epoch, next_eval = 0, 0
    window_sum = 0.0  # running sum of the last DIVERGE_WINDOW losses
    start = time.perf_counter()
    try:
        # a blow-up is reported by TrainingDiverged with its cause, not by numpy's warnings on the way
        with blas_thread_limit(cfg["blas_threads"]), np.errstate(over="ignore", invalid="ignore"):
            for i in range(iters_num):
                batch_mask = rng.integers(0, len(t_train), size=batch_size)  # = np.random.choice, seeded
                loss, grads = step(x_train.take(batch_mask, axis=0), t_train[batch_mask])
                if not math.isfinite(loss):  # a non-finite loss is not recorded
                    raise _non_finite_loss(history, i, loss)
                history.loss.append(float(loss))
                window_sum += loss
                if i >= DIVERGE_WINDOW:
                    window_sum -= history.loss[i - DIVERGE_WINDOW]
                _check_window(history, i, window_sum, cfg["diverge_factor"])
                for key, g in grads.items():
                    params[key] -= lr * g  # in place, so the caller's net (and any view of its arrays) learns
                if i == next_eval or i == iters_num - 1:
                    _check_parameters(history, params, i)
                    _evaluate(history, i, accuracy, data, eval_threads)
                    if i == next_eval:
                        next_epoch += 1
                        next_eval = math.ceil(next_epoch * cfg["iter_per_epoch"] - 1e-9)
                    if bar is not None:
                        bar.set_postfix(_bar_text(history, loss), refresh=False)
                if bar is not None:
                    bar.update(1)
    except TrainingDiverged:
        history.elapsed = time.perf_counter() - start
        raise
    finally:
        if bar is not None:
            bar.close()
    history.elapsed = time.perf_counter() - start


def _bar_text(history: TrainHistory, loss: float) -> dict[str, str]:
    text = {"loss": f"{loss:.3f}", "train": f"{history.train_acc[-1]:.4f}"}
    if history.test_acc:
        text["test"] = f"{history.test_acc[-1]:.4f}"
    return text
