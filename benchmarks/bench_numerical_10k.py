"""Benchmark: the book's full training with numerical gradients (10,000 iterations), timed.

    python benchmarks/bench_numerical_10k.py [--rounds 3] [--quick --results-dir DIR]

Runs, as whole processes and alternately (numerical, backprop, backprop, numerical, ...),

    python -m dlfs train --iters 10000 --batch-size 100 --lr 0.1 --hidden 50 \\
        --gradient numerical --seed 0 --dtype float64 --no-progress --out DIR

(the 39,760 central differences of every iteration come from ``fast_numerical_gradient``)
and the same command with ``--gradient backprop``, each into a temporary DIR. The
``history.json``, ``loss.png`` and ``accuracy.png`` of the first run of each side are kept
in ``results/numerical_10k`` and ``numerical_10k/backprop``; the later runs must repeat
the first exactly (same losses, same accuracies). Records in ``results/numerical_10k.json`` every wall
time, CPU time and peak memory, the loop's own time, the final accuracies, and where
the numerical and the backprop runs differ (accuracies in whole images at each
evaluation, the largest gap between the loss curves). Prints the ratio.

About 15 minutes on a quiet 2-core machine (3 numerical runs of about 4-5 minutes each,
3 backprop runs of about 20 s).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import benchlib
import numpy as np

from dlfs import TrainHistory

SIDES = ("numerical", "backprop")


def command(gradient: str, iters: int, hidden: int, out: Path) -> list[str]:
    options = (
        f"--iters {iters} --batch-size 100 --lr 0.1 --hidden {hidden} --gradient {gradient} --seed 0 "
        "--dtype float64 --no-progress"
    )
    return [sys.executable, "-m", "dlfs", "train", *options.split(), "--out", str(out)]


def same_run(a: TrainHistory, b: TrainHistory) -> bool:
    """Two runs of one command did the same arithmetic: identical losses and accuracies."""
    return (a.loss, a.epoch_iters, a.train_acc, a.test_acc) == (b.loss, b.epoch_iters, b.train_acc, b.test_acc)


def compare(numerical: TrainHistory, backprop: TrainHistory) -> dict:
    """Where the numerical run and the backprop run differ: images per evaluation, the loss gap."""
    n_train, n_test = numerical.config["train_size"], numerical.config["test_size"]
    differ = []
    for i, (tr_n, tr_b, te_n, te_b) in enumerate(
        zip(numerical.train_acc, backprop.train_acc, numerical.test_acc, backprop.test_acc, strict=True)
    ):
        train_images = round(tr_n * n_train) - round(tr_b * n_train)
        test_images = round(te_n * n_test) - round(te_b * n_test)
        if train_images or test_images:
            differ.append(
                {"iteration": numerical.epoch_iters[i], "train_images": train_images, "test_images": test_images}
            )
    loss_gap = np.abs(np.array(numerical.loss) - np.array(backprop.loss))
    return {
        "evaluations": len(numerical.epoch_iters),
        "evaluations_that_differ": differ,
        "max_abs_loss_gap": float(loss_gap.max()),
        "iteration_of_max_loss_gap": int(loss_gap.argmax()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_arguments(parser, rounds=3)
    parser.add_argument("--iters", type=int, default=10_000, help="iterations (default 10000, the book's)")
    args = parser.parse_args(argv)
    out_dir = benchlib.results_dir(args, parser)
    hidden = 50
    if args.quick:  # a smoke test: a few iterations of a tiny net (the evaluations still see all of MNIST)
        args.iters, hidden = 20, 5

    kept = {"numerical": out_dir / "numerical_10k", "backprop": out_dir / "numerical_10k" / "backprop"}
    runs: dict[str, list[dict]] = {name: [] for name in SIDES}
    order = benchlib.alternating(list(SIDES), args.rounds)
    print(f"{args.iters} iterations per run; {len(order)} processes in this order: {', '.join(order)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp, benchlib.LoadMonitor(args.max_wait) as load:
        for k, name in enumerate(order):
            out = Path(tmp) / f"{name}-{k}"  # a directory of its own: --out replaces it as a whole
            cmd = command(name, args.iters, hidden, out)
            run = benchlib.run_process(cmd)
            run["history"] = TrainHistory.from_json(out / "history.json")
            if not runs[name]:  # the first run of each side is kept, next to the README and the other side
                kept[name].mkdir(parents=True, exist_ok=True)
                for file in ("history.json", "loss.png", "accuracy.png"):
                    shutil.copyfile(out / file, kept[name] / file)
            run["command"] = shlex.join(["python", *cmd[1:]])
            runs[name].append(run)
            h = run["history"]
            print(
                f"  {name:9} {run['wall_s']:8.1f} s wall ({h.elapsed:.1f} s in the loop), {run['cpu_s']:8.1f} s CPU; "
                f"train acc {h.train_acc[-1]:.4f}, test acc {h.test_acc[-1]:.4f} after {h.epoch_iters[-1] + 1} "
                "iterations",
                flush=True,
            )

    sides, final = {}, {}
    for name, rs in runs.items():
        first = rs[0]["history"]
        sides[name] = benchlib.side(
            f"python -m dlfs train --gradient {name} --dtype float64 (whole process)",
            [r["wall_s"] for r in rs],
            command=rs[0]["command"],
            loop_s=[r["history"].elapsed for r in rs],
            cpu_s=[r["cpu_s"] for r in rs],
            max_rss_bytes=[r["max_rss_bytes"] for r in rs],
        )
        final[name] = {
            "train_acc": first.train_acc[-1],
            "test_acc": first.test_acc[-1],
            "after_iterations": first.epoch_iters[-1] + 1,
            "evaluations": len(first.epoch_iters),
            "gradient_method": first.config["gradient_method"],
            "history": str(kept[name].relative_to(out_dir) / "history.json"),
            "repeatable": all(same_run(first, r["history"]) for r in rs[1:]),
        }
    ratios = {"numerical / backprop": benchlib.ratio(sides, "numerical", "backprop")}
    config = {
        "net": f"784-{hidden}-10",
        "dtype": "float64",
        "iterations": args.iters,
        "batch_size": 100,
        "learning_rate": 0.1,
        "seed": 0,
    }
    results = {
        "final": final,
        "numerical_vs_backprop": compare(runs["numerical"][0]["history"], runs["backprop"][0]["history"]),
    }
    record = benchlib.make_record("numerical_10k", args, load, order, sides, ratios, config, results)
    path = benchlib.write_record(record, out_dir)
    benchlib.print_summary(record)
    num = sides["numerical"]
    print(
        f"numerical-gradient training: median {num['median']:.1f} s ({num['median'] / 60:.1f} min) for the whole "
        f"process, {ratios['numerical / backprop']['of_medians']:.1f}x the backprop run"
    )
    cmp = results["numerical_vs_backprop"]
    print(
        f"numerical vs backprop: {len(cmp['evaluations_that_differ'])} of {cmp['evaluations']} evaluations differ "
        f"({cmp['evaluations_that_differ']}); largest loss gap {cmp['max_abs_loss_gap']:.1e}"
    )
    print(f"wrote {path}")
    if not all(f["repeatable"] for f in final.values()):
        print("FAILED: a run did not repeat the first run of its command exactly", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
