"""Mini-batch SGD (확률적 경사 하강법) for TwoLayerNet: the book's ``train_neuralnet.py`` as a function.

Taught in notebooks/06_two_layer_net_mnist.ipynb; ``python -m dlfs train`` runs it from a terminal.
Each iteration is the book's (4.5.2-4.5.3): draw a mini-batch (미니배치) of row indices with
replacement (the book's ``np.random.choice``, seeded); ask the net for the gradient (기울기) of its
loss; update every parameter, ``params[key] -= learning_rate * grad[key]``; record the loss, and once
per epoch (에폭) the accuracy (정확도) on the whole training and test sets. Only the net's own methods
are called, so a subclass's are the ones used.

Three differences from the book's script: ``history.loss[i]`` is the loss of batch ``i`` *before*
update ``i``, from the gradient's own forward pass when the gradient carries it (``TwoLayerNet``'s
does; otherwise ``net.loss`` is called), not from a second forward pass after the update; the
accuracies are measured once more after the last update (the last ones describe the net ``train``
returns); the mini-batch steps run with one BLAS thread. A run that ends no better than guessing is
reported (:class:`TrainingStalled`), one whose loss blows up is stopped (:class:`TrainingDiverged`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from threadpoolctl import ThreadpoolController

from .checks import bad_parameter, count, finite_parameters, flag, labels, number, real_array
from .files import write_atomically
from .nets import TwoLayerNet

GRADIENTS = ("backprop", "numerical")

#: Iterations averaged by the divergence check: long enough to ride out an unlucky batch.
DIVERGE_WINDOW = 50

#: A finished run "did not learn" when it ran at least STALL_MIN_ITERS iterations and its final
#: training accuracy is within STALL_MARGIN of guessing (always answering the most frequent class).
STALL_MIN_ITERS = 100
STALL_MARGIN = 0.05


class TrainingDiverged(FloatingPointError):
    """The loss blew up: the learning rate (or the initial weights) are too large.

    Raised when a mini-batch loss or a parameter becomes inf or NaN, or when the mean loss of the
    last ``DIVERGE_WINDOW`` iterations exceeds ``diverge_factor`` times the first loss. ``iteration``
    (0-based) says when, ``loss`` the loss that crossed the limit, and ``history`` holds everything
    recorded before (so the curve up to the blow-up can still be drawn).
    """

    def __init__(self, iteration: int, history: TrainHistory, loss: float, reason: str, advice: str = "") -> None:
        self.iteration, self.history, self.loss = iteration, history, loss
        advice = advice or "Lower the learning rate; the book uses 0.1."
        lr = history.config.get("learning_rate")
        super().__init__(f"training diverged at iteration {iteration} (learning_rate={lr:g}): {reason}. {advice}")


class TrainingStalled(UserWarning):
    """Training finished, but the network is no better than guessing (see ``TrainHistory.problem``)."""


@dataclass
class TrainHistory:
    """What a training run recorded.

    ``loss``: the mini-batch loss of every iteration, before its update. ``epoch_iters``: the
    iterations after whose update the accuracies were measured (every epoch boundary, and the last
    update); ``train_acc`` and ``test_acc`` (empty without test data): the accuracies there.
    ``elapsed``: seconds of the loop. ``config``: the run's settings. ``problem``: why the run did
    not learn (the :class:`TrainingStalled` warning's text), or None.
    """

    loss: list[float] = field(default_factory=list)
    epoch_iters: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        """The history as JSON text; with ``path``, also written there (atomically)."""
        text = json.dumps(asdict(self), indent=1)
        if path is not None:
            write_atomically(path, lambda f: f.write(text.encode()))
        return text

    @classmethod
    def from_json(cls, source: str | os.PathLike) -> TrainHistory:
        """A history from JSON text (a ``str``) or from a file (a ``pathlib.Path`` or other path object)."""
        if isinstance(source, os.PathLike):
            source = Path(source).read_text(encoding="utf-8")
        elif not isinstance(source, str):
            raise TypeError(f"TrainHistory.from_json: pass JSON text (str) or a Path, got {type(source).__name__}.")
        try:
            return cls(**json.loads(source))
        except json.JSONDecodeError as error:
            raise ValueError(
                f"TrainHistory.from_json: a str is read as JSON text, and this one is not ({error}); "
                "for a file, pass Path(...)."
            ) from None


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
    diverge_factor: float | None = 1.5,
    blas_threads: int | None = 1,
) -> TrainHistory:
    """Train ``net`` in place by mini-batch SGD, as the book's ``train_neuralnet.py`` (see the module).

    ``net`` is a TwoLayerNet (or any object with ``params``, ``loss``, ``accuracy`` and ``gradient``
    or ``numerical_gradient``); build it with a seed to make the run reproducible. ``x_train``: real
    numbers, shape (N, input_size); ``t_train``: integer labels (N,) or one-hot rows; ``x_test`` and
    ``t_test`` alike, optional. ``iters_num`` >= 1 updates of ``batch_size`` rows (1..N, drawn with
    replacement from ``seed``) with step ``learning_rate`` > 0. ``gradient``: "backprop" or
    "numerical" (which needs a float64 net). ``progress``: show a tqdm bar. ``diverge_factor`` > 1
    (or None to turn the check off): stop when the mean loss of the last 50 iterations exceeds this
    multiple of the first loss (on MNIST learning rates up to 10 stay below 1.05×). ``blas_threads``:
    OpenBLAS threads for the mini-batch steps (None: numpy's setting); one is fastest for matrices
    this small, and the evaluations keep numpy's setting.

    Returns the :class:`TrainHistory`; its ``problem`` says why the run did not learn, if it did
    not (a :class:`TrainingStalled` warning says the same). Raises :class:`TrainingDiverged` when the
    loss or a parameter blows up (the net keeps its last parameters), and ValueError or TypeError,
    before any training, for settings or data that make no sense (NaN or inf in the inputs, inputs
    too large for the net's dtype, labels out of range, a net whose parameters hold NaN or inf).
    """
    config = _check_settings(iters_num, batch_size, learning_rate, gradient, seed, diverge_factor, blas_threads)
    progress = flag(progress, "progress", "train")
    data = {"train": _check_data(net, x_train, t_train, "x_train", "t_train")}
    if (x_test is None) != (t_test is None):
        raise ValueError("train: pass both x_test and t_test, or neither.")
    if x_test is not None:
        data["test"] = _check_data(net, x_test, t_test, "x_test", "t_test")
    step, method = _gradient_step(net, gradient)
    train_size = len(data["train"][1])
    if batch_size > train_size:
        raise ValueError(f"train: batch_size {batch_size} is larger than the training set ({train_size} rows).")
    test_size = len(data["test"][1]) if "test" in data else 0
    config |= {"gradient_method": method, "train_size": train_size, "test_size": test_size, "net": repr(net)}
    config |= {"iter_per_epoch": max(train_size / batch_size, 1), "dtype": str(_dtype(net))}
    history = TrainHistory(config=config)
    _run(history, net, step, data, np.random.default_rng(seed), progress)
    history.problem = _learning_problem(history, data["train"][1])
    if history.problem:
        warnings.warn(history.problem, TrainingStalled, stacklevel=2)
    return history


def _check_settings(iters_num, batch_size, learning_rate, gradient, seed, diverge_factor, blas_threads) -> dict:
    """The run's settings, checked, as ``TrainHistory.config`` records them."""
    config = {
        "iters_num": count(iters_num, "iters_num", "train", 1),
        "batch_size": count(batch_size, "batch_size", "train", 1),
        "learning_rate": number(learning_rate, "learning_rate", "train", positive=True),
        "gradient": gradient,
        "seed": int(seed) if isinstance(seed, (int, np.integer)) else (None if seed is None else "Generator"),
        "diverge_factor": None if diverge_factor is None else number(diverge_factor, "diverge_factor", "train"),
        "blas_threads": None if blas_threads is None else count(blas_threads, "blas_threads", "train", 1),
    }
    if gradient not in GRADIENTS:
        raise ValueError(f"train: gradient must be 'backprop' or 'numerical', got {gradient!r:.80}.")
    if diverge_factor is not None and config["diverge_factor"] <= 1:
        raise ValueError(f"train: diverge_factor must be a number > 1 or None, got {diverge_factor!r}.")
    return config


def _dtype(net) -> np.dtype:
    """The dtype of the net's parameters (refusing a net without float parameters, or with NaN or inf in them)."""
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or not params:
        raise TypeError(f"train: net must have a dict of parameter arrays in .params, like TwoLayerNet: {net!r:.60}.")
    for key, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(f"train: params[{key!r}] must be a float array, got {type(value).__name__}.")
    finite_parameters(params, "train")
    return next(iter(params.values())).dtype


def _check_data(net, x, t, x_name: str, t_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Inputs as rows (N, features) in the net's dtype, converted once, and integer labels (N,)."""
    x, dtype = real_array(x, x_name, "train", bools=False), _dtype(net)
    width = getattr(net, "input_size", x.shape[-1] if x.ndim else 0)
    if x.ndim != 2 or x.shape[1] != width or len(x) == 0:
        raise ValueError(f"train: {x_name} must have shape (N, {width}) with N >= 1, got {x.shape}; flatten images.")
    with np.errstate(over="ignore"):  # float64 inputs beyond float32's range: named below
        rows = np.ascontiguousarray(x, dtype=dtype)
    if not np.isfinite(rows).all():
        raise ValueError(f"train: {x_name} holds values too large for the net's {dtype}; scale them (pixels: 0..1).")
    t = np.asarray(t)
    classes = getattr(net, "output_size", None) or (t.shape[1] if t.ndim == 2 else int(t.max(initial=0)) + 1)
    return rows, labels(t, len(rows), classes, f"train ({t_name})")


def _gradient_step(net, gradient: str):
    """A function (x_batch, t_batch) -> (loss, grads) calling the net's own methods, and its method's name."""
    if gradient == "numerical":
        if _dtype(net) != np.float64:
            raise ValueError("train: numerical gradients need a float64 net (h=1e-4 is lost in float32 rounding).")
        method = getattr(net, "fast_numerical_gradient", None) or getattr(net, "numerical_gradient", None)
    else:
        method = getattr(net, "gradient", None)
    if not callable(method):
        raise TypeError(f"train: gradient={gradient!r} needs a net with that gradient method; {net!r:.60} has none.")

    def step(x_batch: np.ndarray, t_batch: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        grads = method(x_batch, t_batch)
        loss = getattr(grads, "loss", None)  # the loss of the gradient's own forward pass, if it carries one
        return float(net.loss(x_batch, t_batch) if loss is None else loss), grads

    return step, "backprop" if gradient == "backprop" else method.__name__


def _run(history: TrainHistory, net, step, data: dict, rng: np.random.Generator, progress: bool) -> None:
    """The loop: draw, gradient, record, update; evaluate once per epoch and after the last update."""
    cfg = history.config
    x, t = data["train"]
    blas = ThreadpoolController().select(user_api="blas")
    default_threads = max((lib.num_threads for lib in blas.lib_controllers), default=None)
    limit = blas.limit(limits=cfg["blas_threads"]) if cfg["blas_threads"] else contextlib.nullcontext()
    bar = _progress_bar(cfg) if progress else None
    next_epoch, start = 0, time.perf_counter()
    try:
        with limit, np.errstate(over="ignore", invalid="ignore"):  # a blow-up is named by TrainingDiverged
            for i in range(cfg["iters_num"]):
                batch = rng.integers(0, len(t), size=cfg["batch_size"])  # = np.random.choice, seeded
                try:
                    loss, grads = step(x[batch], t[batch])
                except ValueError as error:  # the data were checked: what goes wrong now is the parameters
                    raise TrainingDiverged(i, history, math.nan, str(error)) from None
                _record_loss(history, i, loss)
                for key, grad in grads.items():
                    net.params[key] -= cfg["learning_rate"] * grad  # in place: the caller's net learns
                # the book tests i % iter_per_epoch == 0; this is the first i past each epoch, also a fractional one
                new_epoch = i >= next_epoch * cfg["iter_per_epoch"] - 1e-9
                next_epoch += new_epoch
                if new_epoch or i == cfg["iters_num"] - 1:
                    with blas.limit(limits=default_threads) if default_threads else contextlib.nullcontext():
                        _evaluate(history, i, net, data)  # big products: several threads pay off here
                    if bar is not None:
                        bar.set_postfix(loss=f"{loss:.3f}", train_acc=f"{history.train_acc[-1]:.4f}", refresh=False)
                if bar is not None:
                    bar.update(1)
    finally:
        history.elapsed = time.perf_counter() - start
        if bar is not None:
            bar.close()


def _progress_bar(cfg: dict):
    from tqdm.auto import tqdm  # imported here: it costs more than the rest of dlfs

    return tqdm(total=cfg["iters_num"], desc=f"SGD lr={cfg['learning_rate']:g}", unit="it", mininterval=0.5)


def _record_loss(history: TrainHistory, i: int, loss: float) -> None:
    """Append the loss of iteration ``i``; stop a run whose loss is not finite or has blown up."""
    if not math.isfinite(loss):
        if i == 0:
            advice = "The initial weights are too large: lower weight_init_std (the book uses 0.01)."
            raise TrainingDiverged(i, history, loss, f"the loss of the untrained net is {loss}", advice)
        raise TrainingDiverged(i, history, loss, f"the mini-batch loss became {loss}")
    history.loss.append(loss)
    factor, window = history.config["diverge_factor"], min(DIVERGE_WINDOW, i + 1)
    last = i + 1 == history.config["iters_num"]  # a run shorter than the window is checked at its end
    if factor is None or window < 10 or (window < DIVERGE_WINDOW and not last):
        return
    mean = sum(history.loss[-window:]) / window
    if mean > factor * history.loss[0]:
        reason = f"the mean loss of the last {window} iterations, {mean:.3g}, is over {factor:g}× the first loss"
        raise TrainingDiverged(i, history, mean, f"{reason} {history.loss[0]:.3g}")


def _evaluate(history: TrainHistory, i: int, net, data: dict) -> None:
    """Measure the accuracies after update ``i`` (after checking that the update left the parameters finite)."""
    key = bad_parameter(net.params)
    try:
        if key is not None:
            raise ValueError(f"params['{key}'] holds inf or NaN")
        accuracies = [float(net.accuracy(*data[name])) for name in ("train", "test") if name in data]
    except ValueError as error:
        raise TrainingDiverged(i, history, math.nan, str(error)) from None
    history.epoch_iters.append(i)
    history.train_acc.append(accuracies[0])
    history.test_acc += accuracies[1:]


def _learning_problem(history: TrainHistory, t_train: np.ndarray) -> str | None:
    """Why a finished run did not learn, in words; None if it did (or ran too briefly to tell).

    "Did not learn": at least STALL_MIN_ITERS iterations and a final training accuracy within
    STALL_MARGIN of always answering the most frequent class.
    """
    n, counts = len(history.loss), np.bincount(t_train)
    guess = counts.max() / counts.sum()
    if n < STALL_MIN_ITERS or not history.train_acc or history.train_acc[-1] > guess + STALL_MARGIN:
        return None
    lr, first = history.config["learning_rate"], float(np.mean(history.loss[:10]))
    last = float(np.mean(history.loss[-DIVERGE_WINDOW:]))
    # the loss of guessing the class frequencies (ln 10 for balanced digits); a too large step can make the
    # first losses spike above it, so "falling" means falling below the guessing loss, not below the spike
    frequencies = counts[counts > 0] / counts.sum()
    if last < 0.9 * min(first, float(-np.sum(frequencies * np.log(frequencies)))):
        cause = "The loss is falling, so it has only started: train longer, or raise the learning rate."
    elif lr > 1:
        cause = f"With learning rate {lr:g} the sigmoids saturate and the gradient vanishes: lower it (the book: 0.1)."
    else:
        cause = f"With learning rate {lr:g} it learns too slowly to be seen yet: raise it, or train longer."
    return (
        f"the network did not learn: after {n} iterations its training accuracy {history.train_acc[-1]:.3f} is no "
        f"better than guessing ({guess:.3f}), and the mean loss went from {first:.3g} to {last:.3g}. {cause}"
    )
