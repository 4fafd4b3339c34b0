"""Benchmark: ``python -m dlfs train`` against the book's training loop, as whole processes.

    python benchmarks/bench_train.py [--rounds 3] [--iters 10000] [--quick --results-dir DIR]

Both train a 784-50-10 TwoLayerNet on MNIST for the same number of iterations (the book's
10,000), batch 100, learning rate 0.1, and report their final train and test accuracy on
all 60,000 + 10,000 images:

* book — ``benchmarks/book_loop.py``: the book's functions, class and loop (float64,
  ``gradient`` then a second ``loss`` pass per iteration, ``accuracy`` with ``argmax`` on
  one-hot labels once per epoch: 17 evaluations, the last after update 9,601), numpy's
  default OpenBLAS threads, the global ``np.random`` seeded;
* book, 1 BLAS thread — the same with ``OPENBLAS_NUM_THREADS=1``, to show how much of the
  difference is only the thread count (dlfs trains with one thread by default);
* dlfs — ``python -m dlfs train --no-progress``: float32, the loss taken from the gradient's
  own forward pass, one BLAS thread for the mini-batch steps, 18 evaluations (one more after
  the last update).

The two draw their weights and mini-batches from different generators (the book's global
``np.random``, dlfs's ``default_rng``), so their accuracies agree only to within the spread
of seeds. Wall time covers each whole process (interpreter start, imports, loading MNIST
from data/, training); the sides alternate (ABC CBA ABC ...). Records every time, CPU time,
peak memory and the accuracies in ``results/train.json`` and prints the ratio.

About 4 minutes on a quiet 2-core machine (3 rounds of about 35 s + 40 s + 12 s).
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys

import benchlib

FINAL = re.compile(r"train acc (\d\.\d+), test acc (\d\.\d+) after (\d+) iterations")
LOOP = re.compile(r"(\d+) iterations in ([\d.]+) s; evaluated (\d+) times")
THREADS = re.compile(r"OpenBLAS threads: (\S+)")
#: The largest difference in final test accuracy the comparison accepts (the two sides
#: train from different random draws).
MAX_GAP = 0.01
#: dlfs's final test accuracy must reach this (the book's run reaches about 0.945).
MIN_TEST_ACC = 0.94


def parse(name: str, run: dict) -> dict:
    """The final accuracies and the in-process loop time from a training process's output."""
    final, loop = FINAL.search(run["stdout"]), LOOP.search(run["stderr"])
    if not final or not loop:
        raise SystemExit(
            f"{name}: no final accuracy line or no timing line in its output:\n{run['stdout']}{run['stderr']}"
        )
    threads = THREADS.search(run["stderr"])
    return {
        "train_acc": float(final.group(1)),
        "test_acc": float(final.group(2)),
        "after_iterations": int(final.group(3)),
        "evaluations": int(loop.group(3)),
        "loop_s": float(loop.group(2)),
        "blas_threads": threads.group(1) if threads else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_arguments(parser, rounds=3)
    parser.add_argument("--iters", type=int, default=10_000, help="iterations per run (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of both sides (default 0)")
    args = parser.parse_args(argv)
    out_dir = benchlib.results_dir(args, parser)
    hidden = 50
    if args.quick:  # a smoke test: a few iterations of a tiny net (the evaluations still see all of MNIST)
        args.iters, hidden = 20, 5

    py = sys.executable
    common = ["--iters", str(args.iters), "--seed", str(args.seed), "--hidden", str(hidden)]
    book = [py, "benchmarks/book_loop.py", *common]
    commands = {
        "book": (book, {}),
        "book, 1 BLAS thread": (book, {"OPENBLAS_NUM_THREADS": "1"}),
        "dlfs": ([py, "-m", "dlfs", "train", *common, "--no-progress"], {}),
    }
    descriptions = {
        "book": "python benchmarks/book_loop.py: the book's loop, float64, numpy's default BLAS threads",
        "book, 1 BLAS thread": "the same with OPENBLAS_NUM_THREADS=1",
        "dlfs": "python -m dlfs train --no-progress: float32, one BLAS thread for the mini-batch steps",
    }
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    order = benchlib.alternating(list(commands), args.rounds)
    print(f"{args.iters} iterations per run; {len(order)} processes in this order: {', '.join(order)}", flush=True)
    with benchlib.LoadMonitor(args.max_wait) as load:
        for name in order:
            cmd, env = commands[name]
            run = benchlib.run_process(cmd, env)
            run.update(parse(name, run))
            runs[name].append(run)
            print(
                f"  {name:20} {run['wall_s']:7.2f} s wall, {run['cpu_s']:7.2f} s CPU; "
                f"train acc {run['train_acc']:.4f}, test acc {run['test_acc']:.4f} "
                f"after {run['after_iterations']} iterations",
                flush=True,
            )

    sides = {}
    for name, rs in runs.items():
        keep = ("cpu_s", "max_rss_bytes", "loop_s")
        sides[name] = benchlib.side(
            descriptions[name],
            [r["wall_s"] for r in rs],
            command=shlex.join(["python", *commands[name][0][1:]]),
            env=commands[name][1],
            **{key: [r[key] for r in rs] for key in keep},
        )
    ratios = {
        "book / dlfs": benchlib.ratio(sides, "book", "dlfs"),
        "book, 1 BLAS thread / dlfs": benchlib.ratio(sides, "book, 1 BLAS thread", "dlfs"),
    }
    reported = ("train_acc", "test_acc", "after_iterations", "evaluations", "blas_threads")
    accuracy = {name: {key: rs[0][key] for key in reported} for name, rs in runs.items()}
    # a training run is deterministic: every run of a side must report the same accuracies
    repeatable = {
        name: all(r["train_acc"] == rs[0]["train_acc"] and r["test_acc"] == rs[0]["test_acc"] for r in rs)
        for name, rs in runs.items()
    }
    config = {
        "net": f"784-{hidden}-10",
        "iterations": args.iters,
        "batch_size": 100,
        "learning_rate": 0.1,
        "seed": args.seed,
    }
    # different random draws: the accuracies agree only to within the spread of seeds
    gap = abs(accuracy["book"]["test_acc"] - accuracy["dlfs"]["test_acc"])
    results = {"final": accuracy, "repeatable": repeatable, "test_acc_gap": gap}
    results.update(max_test_acc_gap=MAX_GAP, min_test_acc=MIN_TEST_ACC)
    record = benchlib.make_record("train", args, load, order, sides, ratios, config, results)
    path = benchlib.write_record(record, out_dir)
    benchlib.print_summary(record)
    for name, acc in accuracy.items():
        print(
            f"{name:20} train acc {acc['train_acc']:.4f}, test acc {acc['test_acc']:.4f} "
            f"after {acc['after_iterations']} iterations"
        )
    r = ratios["book / dlfs"]
    print(f"dlfs train is {r['of_medians']:.2f}x faster than the book's loop (medians of whole processes)")
    print(f"wrote {path}")
    if not all(repeatable.values()):
        print(f"FAILED: a side reported different accuracies in different runs: {repeatable}", file=sys.stderr)
        return 1
    if not args.quick and (accuracy["dlfs"]["test_acc"] < MIN_TEST_ACC or gap > MAX_GAP):
        print(
            f"FAILED: dlfs test accuracy below {MIN_TEST_ACC}, or more than {MAX_GAP} from the book's", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
