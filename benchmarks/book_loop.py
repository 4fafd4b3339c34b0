"""The book's train_neuralnet.py loop (4.5.2-4.5.3), as the baseline of bench_train.py.

It keeps what makes the book's script slow, on purpose: float64 weights, one-hot labels,
``network.gradient`` for the update and then a *second* forward pass ``network.loss``
on the same batch for the loss curve, and full-precision ``network.accuracy`` on all
60,000 + 10,000 images once per epoch. Only the randomness is changed: a seeded
``np.random.default_rng`` instead of the global ``np.random.choice``.

Run: .venv/bin/python benchmarks/book_loop.py [--iters 10000] [--seed 0]
Prints ``train acc A, test acc B`` as its last line, like ``python -m dlfs train``.
"""

import argparse
import sys
import time

import numpy as np

from dlfs import TwoLayerNet, load_mnist


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=args.seed)  # float64

    iters_num = args.iters
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    rng = np.random.default_rng(args.seed)

    train_loss_list = []
    train_acc_list = []
    test_acc_list = []
    iter_per_epoch = max(train_size / batch_size, 1)

    start = time.perf_counter()
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)  # the book's second forward pass
        train_loss_list.append(loss)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
    elapsed = time.perf_counter() - start
    print(f"{iters_num} iterations in {elapsed:.1f} s; evaluated {len(train_acc_list)} times", file=sys.stderr)
    print(f"train acc {train_acc_list[-1]:.4f}, test acc {test_acc_list[-1]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
