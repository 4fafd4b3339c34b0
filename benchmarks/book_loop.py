"""The book's chapter-4 code, written out as the baseline that dlfs is measured against.

"Faster than the book" must mean faster than the book's own algorithm, not than dlfs's
validating classes. So this module restates, in the project's own words, what the book
(밑바닥부터 시작하는 딥러닝, 4.2-4.5) runs:

* ``sigmoid``, ``sigmoid_grad``, ``softmax`` and ``cross_entropy_error`` as in the book's
  ``common/functions.py`` (one-hot targets are turned into labels by ``argmax``; the 1e-7 delta);
* ``numerical_gradient``: the central difference with h = 1e-4 over an ``np.nditer`` walk of
  the array, nudging each entry in place (``common/gradient.py``);
* ``TwoLayerNet``: float64 weights ``weight_init_std * np.random.randn(...)``, zero biases,
  ``predict``/``loss``/``accuracy`` (``argmax`` of predictions against ``argmax`` of one-hot
  labels), ``numerical_gradient`` (a ``lambda W: self.loss(x, t)`` per parameter array) and
  ``gradient`` by backprop with ``sigmoid_grad(a1)`` (the chapter-5 formulas the book's
  ``two_layer_net.py`` borrows);
* ``train_neuralnet``: the loop of ``train_neuralnet.py`` (4.5.2-4.5.3): ``np.random.choice``
  mini-batches, ``gradient``, the update, a *second* forward pass ``loss`` for the loss curve,
  and train/test accuracy on the whole data sets whenever ``i % iter_per_epoch == 0``.

Nothing here is optimised or checked; that is the point. The only changes: the global
``np.random`` state is seeded (``np.random.seed(seed)``) so runs repeat, and the data come
from ``dlfs.load_mnist`` (same shapes and dtypes as the book's loader: float32 pixels in
[0, 1], float64 one-hot labels), because loading is not what is being compared.

Run as a script it is one side of ``bench_train.py``::

    python benchmarks/book_loop.py [--iters 10000] [--seed 0] [--hidden 50] [--batch-size 100] [--lr 0.1]

and prints ``train acc A, test acc B after N iterations`` as its last line, like
``python -m dlfs train``; N counts the updates before the last evaluation (9,601 for the
book's 10,000 iterations: its last evaluation is at i = 9,600).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info

from dlfs import load_mnist


# ---------------------------------------------------------------------------
# common/functions.py
# ---------------------------------------------------------------------------
def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), elementwise, as the book writes it (no overflow guard)."""
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """The sigmoid's derivative at ``x``; computes the sigmoid twice, as the book does."""
    return (1.0 - sigmoid(x)) * sigmoid(x)


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the row maximum against overflow."""
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> float:
    """Mean over the batch of -log(y[label] + 1e-7); one-hot ``t`` becomes labels by argmax."""
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot rows
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


# ---------------------------------------------------------------------------
# common/gradient.py
# ---------------------------------------------------------------------------
def numerical_gradient(f, x: np.ndarray) -> np.ndarray:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h, h = 1e-4, for every entry of ``x``.

    ``x`` is nudged in place and restored entry by entry; ``f`` is called 2 * x.size times.
    """
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


# ---------------------------------------------------------------------------
# ch04/two_layer_net.py
# ---------------------------------------------------------------------------
class TwoLayerNet:
    """affine -> sigmoid -> affine -> softmax, float64, the book's class (4.5.1).

    The weights are drawn from the global ``np.random`` state: call ``np.random.seed``
    first for a repeatable net. Targets ``t`` are one-hot rows, as in the book.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, weight_init_std: float = 0.01) -> None:
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x: np.ndarray) -> np.ndarray:
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return softmax(a2)

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        y = np.argmax(self.predict(x), axis=1)
        t = np.argmax(t, axis=1)  # the book's accuracy takes one-hot labels only
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        # W is ignored: numerical_gradient nudges the parameter array itself, in place
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 (the book's own lambda, kept as it is taught)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        # forward
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        # backward
        dy = (y - t) / batch_num
        grads = {"W2": np.dot(z1.T, dy), "b2": np.sum(dy, axis=0)}
        da1 = np.dot(dy, W2.T)
        dz1 = sigmoid_grad(a1) * da1
        grads["W1"] = np.dot(x.T, dz1)
        grads["b1"] = np.sum(dz1, axis=0)
        return grads


# ---------------------------------------------------------------------------
# ch04/train_neuralnet.py
# ---------------------------------------------------------------------------
def train_neuralnet(
    network: TwoLayerNet,
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    iters_num: int = 10000,
    batch_size: int = 100,
    learning_rate: float = 0.1,
) -> dict[str, list]:
    """The book's mini-batch SGD loop; returns its lists (loss, train_acc, test_acc, eval_iters).

    ``t_train`` and ``t_test`` are one-hot rows (N, 10), float64. Mini-batches come from
    the global ``np.random`` state, with replacement (``np.random.choice``).
    """
    train_size = x_train.shape[0]
    train_loss_list, train_acc_list, test_acc_list, eval_iters = [], [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)

    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)  # the second forward pass, for the loss curve
        train_loss_list.append(loss)

        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
            eval_iters.append(i)
    return {"loss": train_loss_list, "train_acc": train_acc_list, "test_acc": test_acc_list, "eval_iters": eval_iters}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="The book's train_neuralnet.py on MNIST (the baseline of bench_train.py).")
    ap.add_argument("--iters", type=int, default=10000, help="iterations (default 10000, the book's)")
    ap.add_argument("--seed", type=int, default=0, help="np.random.seed before the weights are drawn (default 0)")
    ap.add_argument("--hidden", type=int, default=50, help="hidden units (default 50)")
    ap.add_argument("--batch-size", type=int, default=100, help="mini-batch size (default 100)")
    ap.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    args = ap.parse_args(argv)

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    np.random.seed(args.seed)
    network = TwoLayerNet(input_size=784, hidden_size=args.hidden, output_size=10)
    threads = max((lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"), default="unknown")

    start = time.perf_counter()
    lists = train_neuralnet(network, x_train, t_train, x_test, t_test, args.iters, args.batch_size, args.lr)
    elapsed = time.perf_counter() - start
    print(
        f"{args.iters} iterations in {elapsed:.1f} s; evaluated {len(lists['eval_iters'])} times; "
        f"OpenBLAS threads: {threads}",
        file=sys.stderr,
    )
    updates = lists["eval_iters"][-1] + 1
    print(f"train acc {lists['train_acc'][-1]:.4f}, test acc {lists['test_acc'][-1]:.4f} after {updates} iterations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
