"""Benchmark: `python -m dlfs train` against the book's training loop, as whole processes.

Both run the book's configuration (TwoLayerNet 784-50-10, 10,000 iterations, batch 100,
lr 0.1, 17 evaluations on all 60,000 + 10,000 images) from the same seed:

* book  — benchmarks/book_loop.py: float64, net.gradient then a second forward pass
          net.loss for the loss curve, net.accuracy on one-hot labels (the book's script);
* book1 — the same book loop with OPENBLAS_NUM_THREADS=1, to show how much of the gain is
          only the thread count (dlfs trains with one BLAS thread by default);
* dlfs  — python -m dlfs train --no-progress: float32, the loss from the gradient's own
          forward pass, evaluation in chunks, inputs converted once, one BLAS thread.

The CPU is shared, so the two alternate (book, dlfs, book, dlfs, ...) and the medians
are compared. Wall time covers the whole process: interpreter start, imports, loading
MNIST from data/ and training.

Run from the repository root (MNIST must be fetched: python -m dlfs fetch-mnist):

    .venv/bin/python benchmarks/bench_train.py [--rounds 2] [--iters 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FINAL = re.compile(r"train acc (\d\.\d+), test acc (\d\.\d+)")


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run one training process; return (wall seconds, train acc, test acc)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    match = FINAL.search(proc.stdout)
    if not match:
        raise SystemExit(f"no final accuracy line in the output of {' '.join(cmd)}:\n{proc.stdout}")
    return wall, float(match.group(1)), float(match.group(2))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    ap.add_argument("--iters", type=int, default=10_000, help="iterations per run (default 10000)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    py = sys.executable
    book = [py, "benchmarks/book_loop.py", "--iters", str(args.iters), "--seed", str(args.seed)]
    commands = {
        "book": (book, {}),
        "book1": (book, {"OPENBLAS_NUM_THREADS": "1"}),
        "dlfs": (
            [py, "-m", "dlfs", "train", "--iters", str(args.iters), "--seed", str(args.seed), "--no-progress"],
            {},
        ),
    }
    print(f"{os.cpu_count()} CPUs, load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"numpy BLAS threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    accs: dict[str, tuple[float, float]] = {}
    for r in range(1, args.rounds + 1):
        for name, (cmd, env) in commands.items():
            wall, train_acc, test_acc = run(cmd, env)
            times[name].append(wall)
            accs[name] = (train_acc, test_acc)
            print(f"round {r} {name:5}: {wall:6.1f} s   train acc {train_acc:.4f}, test acc {test_acc:.4f}", flush=True)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    med = {name: statistics.median(v) for name, v in times.items()}
    print(
        f"median book loop {med['book']:.1f} s, book loop with 1 BLAS thread {med['book1']:.1f} s, "
        f"dlfs train {med['dlfs']:.1f} s"
    )
    print(
        f"dlfs is {med['book'] / med['dlfs']:.2f}x faster than the book loop "
        f"({med['book1'] / med['dlfs']:.2f}x faster than the book loop with 1 BLAS thread)"
    )
    print(f"final test acc: book {accs['book'][1]:.4f}, book1 {accs['book1'][1]:.4f}, dlfs {accs['dlfs'][1]:.4f}")
    if args.iters == 10_000 and accs["dlfs"][1] < 0.94:
        print("FAIL: dlfs test accuracy below 0.94", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
