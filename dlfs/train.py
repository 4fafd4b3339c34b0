"""Mini-batch SGD (확률적 경사 하강법) for TwoLayerNet: the book's ``train_neuralnet.py`` as a function.

Taught in notebooks/06_two_layer_net_mnist.ipynb; ``python -m dlfs train`` runs it from a
terminal. The loop is the book's (4.5.2-4.5.3):

1. draw a mini-batch (미니배치) of ``batch_size`` row indices, with replacement, like the
   book's ``np.random.choice(train_size, batch_size)`` but from a seeded generator;
2. compute the gradient (기울기) of the loss on that batch, by backprop or numerically;
3. update every parameter: ``params[key] -= learning_rate * grad[key]``;
4. record the loss every iteration, and train/test accuracy (정확도) once per epoch (에폭):
   at iterations 0, iter_per_epoch, 2·iter_per_epoch, ... with
   ``iter_per_epoch = max(train_size / batch_size, 1)`` (600 for MNIST and batch 100, so
   10,000 iterations give 17 evaluations).

Two differences from the book's script, both documented where they happen:

* ``history.loss[i]`` is the loss of batch ``i`` computed by the forward pass that the
  gradient needs anyway, i.e. *before* update ``i``. The book runs a second forward pass
  after the update; that costs a third of the training time and tells the same story.
* For a ``TwoLayerNet`` with backprop the loop runs a lean copy of the forward and backward
  pass (inputs converted once to the net's dtype, no input validation per iteration,
  evaluation in chunks without the softmax). It is the same SGD on the same network: the
  tests check it against ``net.loss_and_gradient`` to float64 rounding.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .datasets import _write_atomically
from .functions import CROSS_ENTROPY_DELTA, _label_targets
from .nets import TwoLayerNet

GRADIENTS = ("backprop", "numerical")

#: Rows per chunk when measuring accuracy on a whole data set: 10,000×50 hidden
#: activations stay small enough for the CPU caches and memory of a laptop.
EVAL_CHUNK = 10_000

#: Iterations averaged by the divergence check: long enough to ride out an unlucky batch.
DIVERGE_WINDOW = 50


class TrainingDiverged(FloatingPointError):
    """The loss blew up: the learning rate is too large.

    Raised when a mini-batch loss is inf or NaN, or when the mean loss of the last
    ``DIVERGE_WINDOW`` iterations exceeds ``diverge_factor`` times the first loss (with
    dlfs's overflow-safe softmax and the 1e-7 inside the log the loss of TwoLayerNet
    cannot overflow; a too-large step instead sends it up to 10-16 and keeps it there).

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

    def __init__(self, iteration: int, history: "TrainHistory", loss: float, reason: str) -> None:
        self.iteration = iteration
        self.history = history
        self.loss = loss
        lr = history.config.get("learning_rate")
        super().__init__(
            f"training diverged at iteration {iteration}: {reason} (learning_rate={lr:g}). "
            "Lower the learning rate; the book uses 0.1."
        )


@dataclass
class TrainHistory:
    """What a training run recorded.

    Attributes
    ----------
    loss : list of float
        Mini-batch loss (손실 함수 value) of every iteration, computed before that
        iteration's update. Length ``iters_num`` after a complete run.
    epoch_iters : list of int
        The iterations ``i`` after whose update the accuracies were measured
        (0, 600, 1200, ... for MNIST with batch 100).
    train_acc, test_acc : list of float
        Accuracy on the whole training set and on the whole test set at each of
        ``epoch_iters`` (``test_acc`` stays empty when no test data was given).
    elapsed : float
        Wall-clock seconds of the loop, evaluations included.
    config : dict
        The hyperparameters (하이퍼파라미터) and options of the run.
    """

    loss: list[float] = field(default_factory=list)
    epoch_iters: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        """The history as a JSON string; with ``path``, also written there atomically."""
        data = asdict(self)
        text = json.dumps(data, indent=1)
        if path is not None:
            _write_atomically(Path(path), lambda f: f.write(text.encode()))
        return text

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike) -> "TrainHistory":
        """Read a history written by :meth:`to_json` (a JSON string or a file path)."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            with open(text_or_path, encoding="utf-8") as f:
                text = f.read()
        data = json.loads(text)
        return cls(**data)


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
def _whole(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"train: {name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"train: {name} must be at least {minimum}, got {value}.")
    return int(value)


def _check_lr(learning_rate) -> float:
    try:
        lr = float(learning_rate)
    except (TypeError, ValueError):
        raise TypeError(f"train: learning_rate must be a number, got {learning_rate!r}.") from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(
            f"train: learning_rate must be a finite number > 0, got {learning_rate!r}. The book uses 0.1."
        )
    return lr


def _check_data(net, x, t, name: str) -> tuple[np.ndarray, np.ndarray]:
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
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise TypeError(f"train: {name} inputs must be real numbers, got dtype {x.dtype}.")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError(f"train: the {name} inputs contain NaN or inf; clean them first (np.isfinite(x).all()).")
    n_classes = getattr(net, "output_size", None)
    t = np.asarray(t)
    if n_classes is None:
        n_classes = t.shape[1] if t.ndim == 2 else int(t.max()) + 1
    # integer labels once, up front: one-hot targets become labels, bad labels fail here
    labels = _label_targets(t, x.shape[0], n_classes, f"train ({name} targets)")
    return x, labels


# ---------------------------------------------------------------------------
# the lean TwoLayerNet path
# ---------------------------------------------------------------------------
def _sigmoid_fast(a: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-a)) in place. exp overflows to inf for a < -88 (float32) or -709
    # (float64); 1 / inf = 0 is then the right limit, so the overflow warning is silenced.
    with np.errstate(over="ignore"):
        np.negative(a, out=a)
        np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def _fast_loss_and_gradient(p: dict[str, np.ndarray], x: np.ndarray, labels: np.ndarray):
    """TwoLayerNet.loss_and_gradient without the checks: x (N, D) in the params' dtype."""
    n = x.shape[0]
    z1 = x @ p["W1"]
    z1 += p["b1"]
    _sigmoid_fast(z1)  # a1 -> z1 in place
    a2 = z1 @ p["W2"]
    a2 += p["b2"]
    # softmax, row maximum subtracted (overflow-safe)
    a2 -= a2.max(axis=1, keepdims=True)
    np.exp(a2, out=a2)
    a2 /= a2.sum(axis=1, keepdims=True)
    y = a2
    rows = np.arange(n)
    loss = float(-np.sum(np.log(y[rows, labels] + CROSS_ENTROPY_DELTA)) / n)
    dy = y  # reuse: d(loss)/d(a2) = (y - onehot) / n
    dy[rows, labels] -= 1
    dy /= n
    da1 = dy @ p["W2"].T
    da1 *= z1 * (1 - z1)  # sigmoid'(a1) from the sigmoid's output
    grads = {"W2": z1.T @ dy, "b2": dy.sum(axis=0), "W1": x.T @ da1, "b1": da1.sum(axis=0)}
    return loss, grads


def _fast_accuracy(p: dict[str, np.ndarray], x: np.ndarray, labels: np.ndarray) -> float:
    # softmax is monotonic, so argmax of the scores a2 is argmax of the probabilities
    correct = 0
    dtype = p["W1"].dtype
    for start in range(0, x.shape[0], EVAL_CHUNK):
        xb = x[start : start + EVAL_CHUNK]
        z1 = xb.astype(dtype, copy=False) @ p["W1"]
        z1 += p["b1"]
        _sigmoid_fast(z1)
        a2 = z1 @ p["W2"]
        a2 += p["b2"]
        correct += int(np.count_nonzero(a2.argmax(axis=1) == labels[start : start + EVAL_CHUNK]))
    return correct / x.shape[0]


@functools.lru_cache(maxsize=1)
def _openblas_thread_controls():
    """(set, get) ctypes functions of the OpenBLAS numpy loaded, or None where they cannot be found.

    Looks through the shared libraries mapped into this process (Linux /proc/self/maps) for
    OpenBLAS and its ``*set_num_threads*`` symbols, as threadpoolctl does, without the dependency.
    """
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", "")):
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return setter, getter
    return None


@contextlib.contextmanager
def blas_thread_limit(n: int | None):
    """Run the block with ``n`` OpenBLAS threads, restoring the previous number afterwards.

    ``None`` (or a BLAS other than OpenBLAS, or a platform without /proc) changes nothing.
    Why this exists: TwoLayerNet's products are small (100×784 by 784×50), and with
    several threads OpenBLAS spends more time waking and waiting for its threads than
    computing; on a loaded machine one thread trained 2.5-6× faster here
    (benchmarks/train.md). The arithmetic is the same either way.
    """
    controls = _openblas_thread_controls() if n is not None else None
    if controls is None:
        yield
        return
    setter, getter = controls
    previous = getter()
    setter(int(n))
    try:
        yield
    finally:
        setter(previous)


def _is_fast_net(net) -> bool:
    return type(net) is TwoLayerNet


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
    x_train : array_like, shape (N, input_size), float
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
        "backprop" (오차역전파법) uses ``net.gradient``; "numerical" calls
        ``net.fast_numerical_gradient(x, t)`` when the net has it, else the book's
        ``net.numerical_gradient(x, t)`` (hours per epoch; see notebook 06). Numerical
        gradients need a float64 net.
    seed : int, Generator or None, default 0
        Seeds the mini-batch draws (``np.random.default_rng(seed)``).
    progress : bool, default True
        Show a tqdm bar (a widget in Jupyter, text in a terminal).
    fast : bool, default True
        For a ``TwoLayerNet`` with backprop, use the lean loop described in the
        module docstring. ``fast=False`` calls the net's own methods every
        iteration (slower; same result up to rounding).
    diverge_factor : float > 1 or None, default 1.5
        Stop with :class:`TrainingDiverged` when the mean loss of the last 50
        iterations exceeds this multiple of the first iteration's loss. On MNIST
        learning rates up to 10 stay below 1.05× and lr=30 reaches 2.5×. None turns
        the check off (non-finite losses still stop the run).
    blas_threads : int >= 1 or None, default 1
        OpenBLAS threads during the run (restored afterwards). One thread is fastest for
        matrices this small and is far more robust on a busy machine; None leaves numpy's
        setting alone. See :func:`blas_thread_limit`.

    Returns
    -------
    TrainHistory

    Raises
    ------
    TrainingDiverged
        When a mini-batch loss is inf or NaN, or the loss blows up (see
        ``diverge_factor``; e.g. learning_rate=100); the partial history is attached
        as ``.history`` and the net keeps its last parameters.
    ValueError, TypeError
        For hyperparameters or data that make no sense, naming the problem.
    """
    iters_num = _whole(iters_num, "iters_num")
    batch_size = _whole(batch_size, "batch_size")
    learning_rate = _check_lr(learning_rate)
    if diverge_factor is not None and not (isinstance(diverge_factor, (int, float)) and diverge_factor > 1):
        raise ValueError(f"train: diverge_factor must be a number > 1 or None, got {diverge_factor!r}.")
    if blas_threads is not None:
        blas_threads = _whole(blas_threads, "blas_threads")
    if gradient not in GRADIENTS:
        raise ValueError(f"train: gradient must be 'backprop' or 'numerical', got {gradient!r}.")
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or not params:
        raise TypeError(f"train: net must have a dict of parameter arrays in .params (like TwoLayerNet), got {net!r}.")
    x_train, t_train = _check_data(net, x_train, t_train, "training")
    if (x_test is None) != (t_test is None):
        raise ValueError("train: pass both x_test and t_test, or neither.")
    if x_test is not None:
        x_test, t_test = _check_data(net, x_test, t_test, "test")
    train_size = x_train.shape[0]
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

    rng = np.random.default_rng(seed)
    iter_per_epoch = max(train_size / batch_size, 1)
    use_fast = fast and gradient == "backprop" and _is_fast_net(net)
    if use_fast:
        # convert once instead of per batch: float32 input to float32 weights
        x_train = np.ascontiguousarray(x_train, dtype=dtype)
        if x_test is not None:
            x_test = np.ascontiguousarray(x_test, dtype=dtype)
    numerical = getattr(net, "fast_numerical_gradient", None) or getattr(net, "numerical_gradient", None)
    if gradient == "numerical" and numerical is None:
        raise TypeError(f"train: gradient='numerical' needs a net with a numerical_gradient(x, t) method; {net!r} has none.")

    history = TrainHistory(
        config={
            "iters_num": iters_num,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "gradient": gradient,
            "gradient_method": "backprop" if gradient == "backprop" else getattr(numerical, "__name__", "numerical"),
            "seed": int(seed) if isinstance(seed, (int, np.integer)) else (None if seed is None else "Generator"),
            "train_size": train_size,
            "test_size": 0 if x_test is None else int(x_test.shape[0]),
            "iter_per_epoch": iter_per_epoch,
            "dtype": str(dtype),
            "net": repr(net),
            "fast": use_fast,
            "diverge_factor": diverge_factor,
            "blas_threads": blas_threads,
        }
    )

    # The whole-data-set products of an evaluation (60,000×784 by 784×50) are big enough for
    # several BLAS threads to pay off, unlike the mini-batch ones: evaluate with numpy's own setting.
    controls = _openblas_thread_controls() if blas_threads is not None else None
    eval_threads = controls[1]() if controls is not None else None

    def evaluate(i: int) -> None:
        history.epoch_iters.append(i)
        with blas_thread_limit(eval_threads):
            if use_fast:
                history.train_acc.append(_fast_accuracy(params, x_train, t_train))
                if x_test is not None:
                    history.test_acc.append(_fast_accuracy(params, x_test, t_test))
            else:
                history.train_acc.append(float(net.accuracy(x_train, t_train)))
                if x_test is not None:
                    history.test_acc.append(float(net.accuracy(x_test, t_test)))

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=iters_num, desc=f"SGD lr={learning_rate:g}", unit="it", mininterval=0.5, smoothing=0.1)

    # The book evaluates when i % iter_per_epoch == 0; for a fractional iter_per_epoch
    # that test is almost never true, so evaluate at the first i past each whole epoch.
    next_eval_epoch = 0
    next_eval_iter = 0
    loss_log = history.loss
    window_sum = 0.0  # running sum of the last DIVERGE_WINDOW losses
    threads = contextlib.ExitStack()
    threads.enter_context(blas_thread_limit(blas_threads))  # undone in the finally below
    start = time.perf_counter()
    try:
        for i in range(iters_num):
            batch_mask = rng.integers(0, train_size, size=batch_size)  # = np.random.choice, seeded
            if use_fast:
                x_batch = x_train.take(batch_mask, axis=0)
                loss, grads = _fast_loss_and_gradient(params, x_batch, t_train[batch_mask])
            else:
                x_batch = x_train[batch_mask]
                t_batch = t_train[batch_mask]
                if gradient == "backprop":
                    if hasattr(net, "loss_and_gradient"):
                        loss, grads = net.loss_and_gradient(x_batch, t_batch)
                    else:
                        loss, grads = net.loss(x_batch, t_batch), net.gradient(x_batch, t_batch)
                else:
                    loss = net.loss(x_batch, t_batch)
                    grads = numerical(x_batch, t_batch)
            if not math.isfinite(loss):
                history.elapsed = time.perf_counter() - start
                raise TrainingDiverged(i, history, float(loss), f"the mini-batch loss became {loss}")
            loss_log.append(float(loss))
            window_sum += loss
            if i >= DIVERGE_WINDOW:
                window_sum -= loss_log[i - DIVERGE_WINDOW]
            if diverge_factor is not None and i + 1 >= DIVERGE_WINDOW:
                mean = window_sum / DIVERGE_WINDOW
                if mean > diverge_factor * loss_log[0]:
                    history.elapsed = time.perf_counter() - start
                    raise TrainingDiverged(
                        i, history, mean,
                        f"the mean loss of the last {DIVERGE_WINDOW} iterations is {mean:.3g}, more than "
                        f"{diverge_factor:g}× the first loss {loss_log[0]:.3g}",
                    )
            for key, g in grads.items():
                # in place, so the caller's net (and any view of its arrays) learns
                params[key] -= learning_rate * g
            if i == next_eval_iter:
                evaluate(i)
                if bar is not None:
                    post = {"loss": f"{loss:.3f}", "train": f"{history.train_acc[-1]:.4f}"}
                    if history.test_acc:
                        post["test"] = f"{history.test_acc[-1]:.4f}"
                    bar.set_postfix(post, refresh=False)
                next_eval_epoch += 1
                next_eval_iter = math.ceil(next_eval_epoch * iter_per_epoch - 1e-9)
            if bar is not None:
                bar.update(1)
    finally:
        threads.close()
        if bar is not None:
            bar.close()
    history.elapsed = time.perf_counter() - start
    return history


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
def _save_figure(fig, path: str | os.PathLike) -> None:
    _write_atomically(Path(path), lambda f: fig.savefig(f, format="png", dpi=100, facecolor="white"))


def write_outputs(history: TrainHistory, out_dir: str | os.PathLike) -> list[str]:
    """Write history.json, loss.png and accuracy.png into ``out_dir`` (created if needed).

    Returns the paths written. Each file is written to a temporary name and renamed, so
    an interrupted run never leaves a truncated file behind.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # a terminal run needs no display
    import matplotlib.pyplot as plt

    from .mnist_viz import plot_accuracy, plot_loss

    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    written = [os.path.join(out_dir, "history.json")]
    history.to_json(written[0])
    for name, plot in (("loss.png", plot_loss), ("accuracy.png", plot_accuracy)):
        fig = plot(history)
        path = os.path.join(out_dir, name)
        _save_figure(fig, path)
        plt.close(fig)
        written.append(path)
    return written


def _load_data():
    from .datasets import load_mnist

    return load_mnist(normalize=True, flatten=True, one_hot_label=False)


def _run(args: argparse.Namespace) -> int:
    dtype = args.dtype or ("float32" if args.gradient == "backprop" else "float64")
    (x_train, t_train), (x_test, t_test) = _load_data()
    net = TwoLayerNet(784, args.hidden, 10, weight_init_std=args.weight_init_std, seed=args.seed, dtype=np.dtype(dtype))
    print(
        f"TwoLayerNet 784-{args.hidden}-10 ({dtype}), {args.gradient} gradient, {args.iters} iterations, "
        f"batch {args.batch_size}, lr {args.lr:g}, seed {args.seed}",
        file=sys.stderr,
    )
    try:
        history = train(
            net, x_train, t_train, x_test, t_test,
            iters_num=args.iters, batch_size=args.batch_size, learning_rate=args.lr,
            gradient=args.gradient, seed=args.seed, progress=not args.no_progress,
            blas_threads=args.blas_threads or None,
        )
    except TrainingDiverged as err:
        print(f"error: {err}", file=sys.stderr)
        if args.out:  # keep the partial history for a look at the curve before the blow-up
            os.makedirs(args.out, exist_ok=True)
            path = os.path.join(args.out, "history.json")
            err.history.to_json(path)
            print(f"wrote the partial history to {path}", file=sys.stderr)
        return 1
    except (ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(
        f"{args.iters} iterations in {history.elapsed:.1f} s; evaluated {len(history.epoch_iters)} times",
        file=sys.stderr,
    )
    if args.out:
        for path in write_outputs(history, args.out):
            print(f"wrote {path}", file=sys.stderr)
    print(f"train acc {history.train_acc[-1]:.4f}, test acc {history.test_acc[-1]:.4f}")
    return 0


def _whole_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``, with a message naming the bad value."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_positive_int = _whole_at_least(1)
_seed = _whole_at_least(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value



def add_train_command(subparsers) -> argparse.ArgumentParser:
    """Add ``train`` (the book's train_neuralnet.py) to the ``python -m dlfs`` command line."""
    p = subparsers.add_parser(
        "train",
        help="train a TwoLayerNet on MNIST by mini-batch SGD (the book's train_neuralnet.py)",
        description=(
            "Train TwoLayerNet(784, HIDDEN, 10) on MNIST with mini-batch SGD, print progress and the "
            "final train/test accuracy. Defaults are the book's: 10000 iterations, batch 100, lr 0.1, hidden 50."
        ),
    )
    p.add_argument("--iters", type=_positive_int, default=10_000, help="number of updates (default 10000)")
    p.add_argument("--batch-size", type=_positive_int, default=100, help="mini-batch size (default 100)")
    p.add_argument("--lr", type=_positive_float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--hidden", type=_positive_int, default=50, help="hidden units (default 50)")
    p.add_argument("--weight-init-std", type=_positive_float, default=0.01, help="std of the initial weights (default 0.01)")
    p.add_argument("--gradient", choices=GRADIENTS, default="backprop", help="how to compute the gradient (default backprop)")
    p.add_argument("--seed", type=_seed, default=0, help="seeds the weights and the mini-batch draws (default 0)")
    p.add_argument(
        "--dtype", choices=("float32", "float64"), default=None,
        help="parameter dtype (default float32 for backprop, float64 for numerical)",
    )
    p.add_argument(
        "--blas-threads", type=int, default=1, metavar="N",
        help="OpenBLAS threads while training (default 1, fastest for this small net; 0 = leave numpy's default)",
    )
    p.add_argument("--out", metavar="DIR", default=None, help="write history.json, loss.png and accuracy.png here")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)
    return p
