"""Benchmark: the book's numerical_gradient loop against TwoLayerNet.fast_numerical_gradient.

    python benchmarks/bench_fast_gradient.py [--rounds 3] [--quick --results-dir DIR]

Both compute the central difference (L(θ + h·e_i) − L(θ − h·e_i)) / 2h, h = 1e-4, for
every parameter of a 784-50-10 TwoLayerNet (float64) on one batch of 100 real MNIST
training images, from the same parameters:

* loop — ``book_loop.TwoLayerNet.numerical_gradient``: the book's class and its nditer
  loop, two forward passes per parameter (79,520 for 784-50-10);
* fast — ``dlfs.TwoLayerNet.fast_numerical_gradient`` (checks its inputs, then the exact
  shortcut of ``dlfs/fast_gradient.py``), on a dlfs net holding copies of the same weights.

Two parameter states: the book's fresh net (weight std 0.01) and the same net after some
backprop SGD steps (larger weights: a harder case for exactness). For each state the
sides alternate (fast, loop, loop, fast, ...), ``--rounds`` times each; every fast turn
times ``--fast-calls`` calls. Both run with ``--blas-threads`` OpenBLAS threads (default
1: the loop's tiny products only lose from more). Records every time, the largest
difference per parameter array, the peak memory of one fast call (tracemalloc) and the
process's peak RSS in ``results/fast_gradient.json``; prints the ratio. Exits with
status 1 unless every entry agrees within 1e-9, the speed-up (of medians) is at least
100× and one fast call needs less than 1 GiB (the speed-up is not checked with --quick).

About 2 minutes on a quiet 2-core machine (the loop takes about 16 s per call).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import benchlib
import book_loop
import numpy as np
from threadpoolctl import threadpool_limits

from dlfs import TwoLayerNet, load_mnist

KEYS = ("W1", "b1", "W2", "b2")
TOLERANCE = 1e-9
MIN_SPEEDUP = 100
MAX_PEAK_BYTES = 2**30


def max_abs(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    return {k: float(np.max(np.abs(a[k] - b[k]))) for k in KEYS}


def measure_state(book: book_loop.TwoLayerNet, x, t, args) -> tuple[list[str], dict, dict]:
    """Alternate the two sides on the book net's current parameters; (order, times, results)."""
    net = TwoLayerNet(784, args.hidden, 10)  # float64; its weights are replaced by the book net's
    net.params = {k: v.copy() for k, v in book.params.items()}
    net.fast_numerical_gradient(x, t)  # warm-up: first-call allocations are not what is measured
    times: dict[str, list[float]] = {"fast": [], "loop": []}
    outputs: dict[str, list] = {"fast": [], "loop": []}
    order = benchlib.alternating(["fast", "loop"], args.rounds)
    for name in order:
        for _ in range(args.fast_calls if name == "fast" else 1):
            start = time.perf_counter()
            out = net.fast_numerical_gradient(x, t) if name == "fast" else book.numerical_gradient(x, t)
            times[name].append(time.perf_counter() - start)
            if len(outputs[name]) < 2:
                outputs[name].append(out)

    tracemalloc.start()  # numpy reports its array allocations to tracemalloc
    net.fast_numerical_gradient(x, t)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    fast, loop = outputs["fast"][0], outputs["loop"][0]
    results = {
        "max_abs_diff": max_abs(fast, loop),
        "max_abs_gradient": {k: float(np.max(np.abs(loop[k]))) for k in KEYS},
        "max_abs_diff_to_backprop": max_abs(book.gradient(x, t), loop),
        # each side repeats itself exactly: the parameters are restored after every nudge
        "repeat_max_abs_diff": {name: max(max_abs(o[0], o[-1]).values()) for name, o in outputs.items()},
        "fast_peak_traced_bytes": int(peak),
    }
    return order, times, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_arguments(parser, rounds=3)
    parser.add_argument("--batch-size", type=int, default=100, help="MNIST training images in the batch (default 100)")
    parser.add_argument("--hidden", type=int, default=50, help="hidden units (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the batch (default 0)")
    parser.add_argument("--fast-calls", type=int, default=5, help="timed fast calls per fast turn (default 5)")
    parser.add_argument(
        "--trained-iters", type=int, default=1000, help="backprop SGD steps before the second state (default 1000)"
    )
    parser.add_argument(
        "--blas-threads", type=int, default=1, help="OpenBLAS threads for both sides (default 1; 0: numpy's default)"
    )
    args = parser.parse_args(argv)
    out_dir = benchlib.results_dir(args, parser)
    if args.quick:  # a smoke test: about 2,000 parameters on 10 images
        args.batch_size, args.hidden, args.trained_iters, args.fast_calls = 10, 2, 20, 2

    (x_train, t_train), _ = load_mnist(normalize=True, flatten=True, one_hot_label=True)
    batch = np.random.default_rng(args.seed).choice(len(x_train), size=args.batch_size, replace=False)
    x, t = x_train[batch], t_train[batch]  # float32 pixels, float64 one-hot rows: the book's dtypes
    np.random.seed(args.seed)
    book = book_loop.TwoLayerNet(784, args.hidden, 10)  # float64, weight std 0.01
    n_params = sum(p.size for p in book.params.values())
    print(
        f"TwoLayerNet 784-{args.hidden}-10 (float64, {n_params:,} parameters), batch of {args.batch_size} MNIST "
        f"images ({np.mean(x != 0):.1%} of pixels nonzero); {args.rounds} rounds, OpenBLAS threads "
        f"{args.blas_threads or 'default'}",
        flush=True,
    )

    states = ["initial weights"] + ([f"after {args.trained_iters} SGD steps"] if args.trained_iters else [])
    order, sides, ratios, results = [], {}, {}, {}
    with benchlib.LoadMonitor(args.max_wait) as load, threadpool_limits(args.blas_threads or None, user_api="blas"):
        for state in states:
            if state != states[0]:  # the book's SGD with backprop, for realistic weights
                for _ in range(args.trained_iters):
                    idx = np.random.choice(len(x_train), args.batch_size)
                    grads = book.gradient(x_train[idx], t_train[idx])
                    for k in KEYS:
                        book.params[k] -= 0.1 * grads[k]
            state_order, times, results[state] = measure_state(book, x, t, args)
            order += [f"{name}, {state}" for name in state_order]
            sides[f"loop, {state}"] = benchlib.side(
                "book_loop.TwoLayerNet.numerical_gradient: the book's nditer loop", times["loop"]
            )
            sides[f"fast, {state}"] = benchlib.side(
                "dlfs TwoLayerNet.fast_numerical_gradient (inputs checked)", times["fast"]
            )
            ratios[f"loop / fast, {state}"] = benchlib.ratio(sides, f"loop, {state}", f"fast, {state}")
            r = ratios[f"loop / fast, {state}"]
            print(
                f"{state}: loop median {sides[f'loop, {state}']['median']:.2f} s, fast median "
                f"{sides[f'fast, {state}']['median']:.4f} s: fast is {r['of_medians']:.0f}x faster; "
                f"largest |fast - loop| {max(results[state]['max_abs_diff'].values()):.1e}",
                flush=True,
            )

    config = {
        "net": f"784-{args.hidden}-10",
        "dtype": "float64",
        "weight_init_std": 0.01,
        "parameters": int(n_params),
        "batch_size": args.batch_size,
        "batch": f"MNIST training images drawn with np.random.default_rng({args.seed}).choice, without replacement",
        "nonzero_pixel_fraction": float(np.mean(x != 0)),
        "seed": args.seed,
        "h": 1e-4,
        "fast_calls_per_turn": args.fast_calls,
        "trained_iters": args.trained_iters,
        "blas_threads": args.blas_threads or None,
        "tolerance": TOLERANCE,
        "min_speedup": MIN_SPEEDUP,
        "max_peak_bytes": MAX_PEAK_BYTES,
    }
    results = {
        "states": results,
        "largest_abs_diff": max(max(r["max_abs_diff"].values()) for r in results.values()),
        "fast_peak_traced_bytes": max(r["fast_peak_traced_bytes"] for r in results.values()),
        "process_peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    record = benchlib.make_record("fast_gradient", args, load, order, sides, ratios, config, results)
    path = benchlib.write_record(record, out_dir)
    benchlib.print_summary(record)
    print(
        f"peak memory of one fast call (tracemalloc): {results['fast_peak_traced_bytes'] / 2**20:.1f} MiB; "
        f"process peak RSS (MNIST loaded): {results['process_peak_rss_bytes'] / 2**20:.0f} MiB"
    )
    print(f"wrote {path}")

    problems = []
    if results["largest_abs_diff"] > TOLERANCE:
        problems.append(f"|fast - loop| reaches {results['largest_abs_diff']:.1e} > {TOLERANCE:g}")
    slowest = min(r["of_medians"] for r in ratios.values())
    if not args.quick and slowest < MIN_SPEEDUP:
        problems.append(f"the speed-up is only {slowest:.0f}x < {MIN_SPEEDUP}x")
    if results["fast_peak_traced_bytes"] >= MAX_PEAK_BYTES:
        problems.append(f"one fast call peaks at {results['fast_peak_traced_bytes'] / 2**30:.2f} GiB")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
