"""The command line: ``python -m dlfs fetch-mnist`` and ``python -m dlfs train``.

It sits on top of everything else: it checks every argument before any data is loaded
or any training starts, runs :func:`dlfs.datasets.fetch_mnist` or :func:`dlfs.train.train`,
and writes the figures of a run. Exit codes: 0 done; 1 training diverged, or MNIST could
not be obtained; 2 bad arguments; 3 training finished but the network did not learn;
130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from . import datasets
from .nets import TwoLayerNet
from .train import GRADIENTS, TrainHistory, TrainingDiverged, TrainingStalled, train

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DID_NOT_LEARN = 3
EXIT_INTERRUPTED = 130


# ---------------------------------------------------------------------------
# argument types: each names the bad value
# ---------------------------------------------------------------------------
def whole_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def output_dir(text: str) -> Path:
    """An argparse type: a directory that exists or can be created, and can be written to.

    Checked (and created) before training, so a long run never ends in a traceback that
    loses its results.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("the output directory is empty; pass a path such as --out runs/book")
    path = Path(text)
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.is_dir():
            raise argparse.ArgumentTypeError(f"{parent} is a file, not a directory; choose another --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as e:
        raise argparse.ArgumentTypeError(f"cannot write to {path}: {e.strerror or e}") from None
    return path


# ---------------------------------------------------------------------------
# fetch-mnist
# ---------------------------------------------------------------------------
def add_fetch_command(subparsers) -> None:
    parser = subparsers.add_parser(
        "fetch-mnist",
        help="download and verify MNIST (or check the cached copy)",
        description="Make sure a verified copy of MNIST is cached and print where it is. "
        "Fast when the cache is already there: it only checks its SHA-256 digests.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where to cache it (default: $DLFS_DATA_DIR, else data/ of the checkout, else ~/.cache/dlfs)",
    )
    parser.add_argument("--force", action="store_true", help="fetch again even if the cache verifies")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the cache path, or the error")
    parser.set_defaults(func=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    try:
        path = datasets.fetch_mnist(args.data_dir, force=args.force, verbose=not args.quiet)
    except datasets.MNISTError as e:
        print(e, file=sys.stderr)
        return EXIT_FAILED
    print(path if args.quiet else f"MNIST verified (SHA-256 of all four arrays): {path}")
    return 0


# ---------------------------------------------------------------------------
# train
# ---------------------------------------------------------------------------
def add_train_command(subparsers) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a TwoLayerNet on MNIST by mini-batch SGD (the book's train_neuralnet.py)",
        description=(
            "Train TwoLayerNet(784, HIDDEN, 10) on MNIST with mini-batch SGD, print progress and the "
            "final train/test accuracy. Defaults are the book's: 10000 iterations, batch 100, lr 0.1, hidden 50."
        ),
    )
    p.add_argument("--iters", type=whole_at_least(1), default=10_000, help="number of updates (default 10000)")
    p.add_argument("--batch-size", type=whole_at_least(1), default=100, help="mini-batch size (default 100)")
    p.add_argument("--lr", type=positive_float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--hidden", type=whole_at_least(1), default=50, help="hidden units (default 50)")
    p.add_argument(
        "--weight-init-std", type=positive_float, default=0.01, help="std of the initial weights (default 0.01)"
    )
    p.add_argument(
        "--gradient", choices=GRADIENTS, default="backprop", help="how to compute the gradient (default backprop)"
    )
    p.add_argument(
        "--seed", type=whole_at_least(0), default=0, help="seeds the weights and the mini-batch draws (default 0)"
    )
    p.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default=None,
        help="parameter dtype (default float32 for backprop, float64 for numerical)",
    )
    p.add_argument(
        "--blas-threads",
        type=whole_at_least(0),
        default=1,
        metavar="N",
        help="OpenBLAS threads while training (default 1, fastest for this small net; 0 = leave numpy's default)",
    )
    p.add_argument(
        "--out", metavar="DIR", type=output_dir, default=None, help="write history.json, loss.png and accuracy.png here"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_train)


def load_data():
    """MNIST as the training command uses it: normalized, flattened, integer labels."""
    return datasets.load_mnist(normalize=True, flatten=True, one_hot_label=False)


def write_outputs(history: TrainHistory, out_dir: str | os.PathLike) -> list[Path]:
    """Write history.json, loss.png and accuracy.png into ``out_dir`` (created if needed).

    Returns the paths written. Each file is written to a temporary name and renamed, so an
    interrupted run never leaves a truncated file behind.
    """
    from .files import write_atomically
    from .plots.two_layer_net import plot_accuracy, plot_loss

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "history.json"]
    history.to_json(written[0])
    for name, plot in (("loss.png", plot_loss), ("accuracy.png", plot_accuracy)):
        fig = plot(history)
        written.append(out_dir / name)
        write_atomically(written[-1], lambda f, fig=fig: fig.savefig(f, format="png", dpi=100, facecolor="white"))
    return written


def run_train(args: argparse.Namespace) -> int:
    dtype = np.dtype(args.dtype or ("float32" if args.gradient == "backprop" else "float64"))
    if args.gradient == "numerical" and dtype != np.float64:
        print("error: numerical gradients need --dtype float64 (h = 1e-4 is lost in float32 rounding)", file=sys.stderr)
        return EXIT_USAGE
    try:  # before the data: a bad size or weight scale fails at once
        net = TwoLayerNet(784, args.hidden, 10, weight_init_std=args.weight_init_std, seed=args.seed, dtype=dtype)
    except (ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    (x_train, t_train), (x_test, t_test) = load_data()
    print(
        f"TwoLayerNet 784-{args.hidden}-10 ({dtype}), {args.gradient} gradient, {args.iters} iterations, "
        f"batch {args.batch_size}, lr {args.lr:g}, seed {args.seed}",
        file=sys.stderr,
    )
    try:
        with warnings.catch_warnings():  # the command prints history.problem itself
            warnings.simplefilter("ignore", TrainingStalled)
            history = train(
                net,
                x_train,
                t_train,
                x_test,
                t_test,
                iters_num=args.iters,
                batch_size=args.batch_size,
                learning_rate=args.lr,
                gradient=args.gradient,
                seed=args.seed,
                progress=not args.no_progress,
                blas_threads=args.blas_threads or None,
            )
    except TrainingDiverged as err:
        print(f"error: {err}", file=sys.stderr)
        if args.out:  # keep the partial history for a look at the curve before the blow-up
            path = args.out / "history.json"
            err.history.to_json(path)
            print(f"wrote the partial history to {path}", file=sys.stderr)
        return EXIT_FAILED
    except (ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{args.iters} iterations in {history.elapsed:.1f} s; evaluated {len(history.epoch_iters)} times",
        file=sys.stderr,
    )
    if args.out:
        for path in write_outputs(history, args.out):
            print(f"wrote {path}", file=sys.stderr)
    updates = history.epoch_iters[-1] + 1
    print(f"train acc {history.train_acc[-1]:.4f}, test acc {history.test_acc[-1]:.4f} after {updates} iterations")
    if history.problem:
        print(f"error: {history.problem}", file=sys.stderr)
        return EXIT_DID_NOT_LEARN
    return 0


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlfs", description="Deep Learning from Scratch, chapter 4.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_fetch_command(sub)
    add_train_command(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted (Ctrl-C); nothing half-written was left behind", file=sys.stderr)
        return EXIT_INTERRUPTED
