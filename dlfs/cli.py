"""The command line: ``python -m dlfs fetch-mnist`` and ``python -m dlfs train``.

Every argument is checked before any data is loaded (nothing is created on disk for a refused
one). Exit codes: 0 done; 1 training diverged, MNIST could not be obtained, or the outputs could
not be written (a full disk, say); 2 bad arguments (an over-long ``--out`` name included); 3
training finished but the network did not learn; 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from . import datasets
from .checks import count, number
from .files import replace_directory
from .nets import TwoLayerNet
from .train import GRADIENTS, TrainHistory, TrainingDiverged, TrainingStalled, train

EXIT_FAILED, EXIT_USAGE, EXIT_DID_NOT_LEARN, EXIT_INTERRUPTED = 1, 2, 3, 130
OUTPUTS = ("history.json", "loss.png", "accuracy.png")


def argument(convert: type, check, **options):
    """An argparse type: the text as ``convert`` (int or float), then checked as the Python API checks it."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            kind = "a whole number" if convert is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        try:
            return check(value, "the value", "", **options)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(": ")) from None

    return parse


AT_LEAST_0, AT_LEAST_1 = argument(int, count, minimum=0), argument(int, count, minimum=1)
POSITIVE = argument(float, number, positive=True)


def output_dir(text: str) -> Path:
    """An argparse type: a directory that can be made or replaced, checked without creating anything.

    Checked before training, so a long run does not end in an error that loses its results.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("the output directory is empty; pass a path such as --out runs/book")
    path = Path(text).absolute()
    try:
        existing = next(p for p in [path, *path.parents] if p.exists())
    except OSError as error:  # a name too long to look up
        raise argparse.ArgumentTypeError(f"cannot use {text!r:.60}: {error.strerror}") from None
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"{existing} is a file, not a directory; choose another --out")
    if existing == path and not set(os.listdir(path)) <= set(OUTPUTS):  # it is replaced as a whole
        raise argparse.ArgumentTypeError(f"{path} holds other files; pass a new directory, or one a run wrote")
    name_max, path_max = os.pathconf(existing, "PC_NAME_MAX"), os.pathconf(existing, "PC_PATH_MAX")
    names = [*path.relative_to(existing).parts, f".{path.name}.12345678.old"]  # to create; the aside's name
    if max(len(os.fsencode(n)) for n in names) > name_max or len(os.fsencode(str(path))) + 40 > path_max:
        raise argparse.ArgumentTypeError(f"the name is too long here ({os.strerror(errno.ENAMETOOLONG)})")
    where = path.parent if existing == path else existing  # where the new set is written
    try:
        with tempfile.TemporaryFile(dir=where):  # an unnamed file where the system allows: nothing to see
            pass
    except OSError as error:
        raise argparse.ArgumentTypeError(f"cannot write to {where}: {error.strerror or error}") from None
    return path


def load_data():
    """MNIST as the training command uses it: normalized, flattened, integer labels."""
    return datasets.load_mnist(normalize=True, flatten=True, one_hot_label=False)


def figures(history: TrainHistory) -> dict:
    """The run's two figures, ``loss.png`` and ``accuracy.png``, as matplotlib Figures."""
    from matplotlib.figure import Figure  # imported here: it costs more than the rest of dlfs

    loss, accuracy = Figure(figsize=(7, 4), layout="constrained"), Figure(figsize=(7, 4), layout="constrained")
    ax, n = loss.subplots(), len(history.loss)
    ax.plot(history.loss, lw=0.6, color="tab:blue", alpha=0.6, label="mini-batch loss")
    w = max(n // 50, 5)  # a running mean shows the trend through the batch-to-batch noise
    mean = np.convolve(history.loss, np.ones(w) / w, "valid") if n >= w else []
    ax.plot(np.arange(len(mean)) + (w - 1) / 2, mean, "tab:orange", label=f"mean of {w}")  # centred: no lag
    cfg = history.config
    title = f"{cfg.get('gradient')} SGD, lr={cfg.get('learning_rate')}, batch {cfg.get('batch_size')}"
    ax.set(xlabel="iteration", ylabel="loss (cross entropy)", ylim=(0, None), title=title)
    ax = accuracy.subplots()
    epochs = np.array(history.epoch_iters) / cfg.get("iter_per_epoch", 1)
    ax.plot(epochs, history.train_acc, "o-", label="train acc")
    if history.test_acc:
        ax.plot(epochs, history.test_acc, "s--", label="test acc")
    ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1), title="accuracy on the whole training and test sets")
    for ax in (*loss.axes, *accuracy.axes):
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
    return dict(zip(OUTPUTS[1:], (loss, accuracy), strict=True))


def write_outputs(history: TrainHistory, out: str | os.PathLike) -> None:
    """Make ``out`` a directory of history.json, loss.png and accuracy.png, written as one set (replace_directory)."""

    def fill(directory: Path) -> None:
        (directory / "history.json").write_text(history.to_json(), encoding="utf-8")
        for name, figure in figures(history).items():
            figure.savefig(directory / name, dpi=100, facecolor="white")

    replace_directory(out, OUTPUTS, fill)


def save(history: TrainHistory, out: Path | None) -> bool:
    """:func:`write_outputs`, with a one-line message for an error of the disk; False if it failed."""
    if out is None:
        return True
    try:
        write_outputs(history, out)
    except OSError as error:  # a full disk above all; the earlier set there (if any) is unchanged
        problem = "no space left on the device" if error.errno == errno.ENOSPC else error.strerror or str(error)
        print(f"error: could not write {out}: {problem}; any earlier results there are unchanged.", file=sys.stderr)
        return False
    print(f"wrote {', '.join(OUTPUTS)} in {out}", file=sys.stderr)
    return True


def run_fetch(args: argparse.Namespace) -> int:
    try:
        path = datasets.fetch_mnist(args.data_dir, force=args.force, verbose=not args.quiet)
    except datasets.MNISTError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    print(path if args.quiet else f"MNIST verified: {path}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    dtype = np.dtype(args.dtype or ("float32" if args.gradient == "backprop" else "float64"))
    if args.gradient == "numerical" and dtype != np.float64:
        print("error: numerical gradients need --dtype float64 (h = 1e-4 is lost in float32 rounding)", file=sys.stderr)
        return EXIT_USAGE
    try:  # before the data: a bad size or weight scale fails at once
        net = TwoLayerNet(784, args.hidden, 10, weight_init_std=args.weight_init_std, seed=args.seed, dtype=dtype)
    except (ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        (x_train, t_train), (x_test, t_test) = load_data()
    except datasets.MNISTError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    what = f"{args.gradient} gradient, {args.iters} iterations, batch {args.batch_size}, lr {args.lr:g}"
    print(f"TwoLayerNet 784-{args.hidden}-10 ({dtype}), {what}, seed {args.seed}", file=sys.stderr)
    settings = {"iters_num": args.iters, "batch_size": args.batch_size, "learning_rate": args.lr, "seed": args.seed}
    settings |= {"gradient": args.gradient, "progress": not args.no_progress, "blas_threads": args.blas_threads or None}
    try:
        with warnings.catch_warnings():  # the command prints history.problem itself
            warnings.simplefilter("ignore", TrainingStalled)
            history = train(net, x_train, t_train, x_test, t_test, **settings)
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        save(error.history, args.out)  # the curve up to the blow-up
        return EXIT_FAILED
    except (ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{args.iters} iterations in {history.elapsed:.1f} s; evaluated {len(history.epoch_iters)} times",
        file=sys.stderr,
    )
    if not save(history, args.out):
        return EXIT_FAILED
    updates = history.epoch_iters[-1] + 1
    print(f"train acc {history.train_acc[-1]:.4f}, test acc {history.test_acc[-1]:.4f} after {updates} iterations")
    if history.problem:
        print(f"error: {history.problem}", file=sys.stderr)
        return EXIT_DID_NOT_LEARN
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line's arguments; their types check them before anything runs."""
    main_parser = argparse.ArgumentParser(prog="python -m dlfs", description="Deep Learning from Scratch, chapter 4.")
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("fetch-mnist", help="download and verify MNIST (or check the cached copy)")
    p.add_argument("--data-dir", type=Path, help="where to cache it (default: $DLFS_DATA_DIR, else data/)")
    p.add_argument("--force", action="store_true", help="fetch again even if the cache verifies")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the cache path, or the error")
    p.set_defaults(func=run_fetch)
    p = sub.add_parser("train", help="train a TwoLayerNet on MNIST by mini-batch SGD (the book's train_neuralnet.py)")
    p.add_argument("--iters", type=AT_LEAST_1, default=10_000, help="number of updates (default 10000)")
    p.add_argument("--batch-size", type=AT_LEAST_1, default=100, help="mini-batch size (default 100)")
    p.add_argument("--lr", type=POSITIVE, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--hidden", type=AT_LEAST_1, default=50, help="hidden units (default 50)")
    p.add_argument("--weight-init-std", type=POSITIVE, default=0.01, help="std of the initial weights")
    p.add_argument("--gradient", choices=GRADIENTS, default="backprop", help="how to compute the gradient")
    p.add_argument("--seed", type=AT_LEAST_0, default=0, help="seeds the weights and the mini-batches")
    p.add_argument("--dtype", choices=("float32", "float64"), help="default float32 (backprop), float64 (numerical)")
    p.add_argument("--blas-threads", type=AT_LEAST_0, default=1, metavar="N", help="0: numpy's default")
    p.add_argument("--out", metavar="DIR", type=output_dir, help="write history.json, loss.png, accuracy.png here")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_train)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:  # SIGTERM like Ctrl-C, so that an interrupted write cleans up after itself
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:  # not the main thread: signals stay as they are
        previous = None
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted; nothing half-written was left behind", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
