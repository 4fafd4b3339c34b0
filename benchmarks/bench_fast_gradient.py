"""Benchmark: the book's numerical_gradient loop against fast_numerical_gradient.

Both run on the same TwoLayerNet parameters and the same mini-batch of real MNIST, in
one process, alternately (fast, loop, fast), so that a busy shared machine slows both
alike. Prints both times, their ratio and the largest absolute difference per parameter;
records the peak memory of the fast method; writes everything to a JSON file that
notebooks/07_fast_numerical_gradient.ipynb reads.

Run from the repository root (takes about a minute: the loop runs once per state):

    .venv/bin/python benchmarks/bench_fast_gradient.py

Two parameter states are measured: the freshly initialised net of the book (weight std
0.01) and the same net after some backprop SGD steps, whose larger weights make every
nudge move the output more (a harder case for exactness).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from dlfs import TwoLayerNet, load_mnist
from dlfs.fast_gradient import fast_numerical_gradient

KEYS = ("W1", "b1", "W2", "b2")
ROOT = Path(__file__).resolve().parents[1]


def measure(net: TwoLayerNet, x: np.ndarray, t: np.ndarray, fast_repeats: int) -> dict:
    """Time the loop once between two rounds of fast calls; compare the results."""
    fast_times = []

    def fast_round():
        for _ in range(fast_repeats):
            start = time.perf_counter()
            out = fast_numerical_gradient(net, x, t)
            fast_times.append(time.perf_counter() - start)
        return out

    fast_numerical_gradient(net, x, t)  # warm-up (first-call allocations)
    fast = fast_round()
    start = time.perf_counter()
    loop = net.numerical_gradient(x, t)
    loop_time = time.perf_counter() - start
    fast_round()

    tracemalloc.start()  # numpy reports its array allocations to tracemalloc
    fast_numerical_gradient(net, x, t)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    backprop = net.gradient(x, t)
    fast_median = statistics.median(fast_times)
    return {
        "loop_seconds": loop_time,
        "fast_seconds_median": fast_median,
        "fast_seconds_min": min(fast_times),
        "fast_calls": len(fast_times),
        "speedup": loop_time / fast_median,
        "max_abs_diff": {k: float(np.max(np.abs(fast[k] - loop[k]))) for k in KEYS},
        "max_abs_gradient": {k: float(np.max(np.abs(loop[k]))) for k in KEYS},
        "max_abs_diff_to_backprop": {k: float(np.max(np.abs(backprop[k] - loop[k]))) for k in KEYS},
        "fast_peak_traced_bytes": int(peak),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the batch (default 0)")
    parser.add_argument("--fast-repeats", type=int, default=10, help="fast calls before and after the loop")
    parser.add_argument(
        "--trained-iters", type=int, default=1000, help="backprop SGD steps (lr 0.1) for the second state; 0 skips it"
    )
    parser.add_argument(
        "--json",
        default=str(ROOT / "benchmarks" / "results" / "fast_gradient.json"),
        help="where to write the results ('' for nowhere)",
    )
    args = parser.parse_args(argv)

    (x_train, t_train), _ = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    rng = np.random.default_rng(args.seed)
    batch = rng.choice(len(x_train), size=args.batch_size, replace=False)
    x, t = x_train[batch].astype(np.float64), t_train[batch]
    net = TwoLayerNet(784, args.hidden, 10, seed=args.seed)  # float64, weight std 0.01: the book's

    load_before = os.getloadavg()
    results = {"initial weights": measure(net, x, t, args.fast_repeats)}
    if args.trained_iters:
        for _ in range(args.trained_iters):  # plain backprop SGD, to get realistic weights
            idx = rng.integers(0, len(x_train), size=args.batch_size)
            grads = net.gradient(x_train[idx], t_train[idx])
            for k in KEYS:
                net.params[k] -= 0.1 * grads[k]
        results[f"after {args.trained_iters} SGD steps"] = measure(net, x, t, args.fast_repeats)
    load_after = os.getloadavg()

    record = {
        "command": "python benchmarks/bench_fast_gradient.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "config": {
            "net": f"784-{args.hidden}-10, float64, weight_init_std 0.01, seed {args.seed}",
            "batch": f"{args.batch_size} MNIST training images drawn with default_rng({args.seed}).choice",
            "nonzero_pixel_fraction": float(np.mean(x != 0)),
            "parameters": int(sum(p.size for p in net.params.values())),
            "h": 1e-4,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1min_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
            "python": platform.python_version(),
            "numpy": np.__version__,
            "processor": platform.processor() or platform.machine(),
            # OpenBLAS's threads fight over shared cores: the loop's 79,520 small matrix
            # products suffer most, so a fair comparison pins both to one thread
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        },
        "results": results,
        "process_peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "date": time.strftime("%Y-%m-%d"),
    }

    print(
        f"TwoLayerNet {record['config']['net']}; batch of {args.batch_size} MNIST images "
        f"({record['config']['nonzero_pixel_fraction']:.1%} of pixels nonzero); "
        f"{record['config']['parameters']:,} parameters, 2 forward passes each in the loop"
    )
    print(
        f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs; "
        f"OPENBLAS_NUM_THREADS={record['machine']['OPENBLAS_NUM_THREADS']}\n"
    )
    print("| parameters | loop (s) | fast, median (s) | speed-up | max abs diff W1 | b1 | W2 | b2 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        d = r["max_abs_diff"]
        print(
            f"| {name} | {r['loop_seconds']:.2f} | {r['fast_seconds_median']:.4f} | {r['speedup']:.0f}× | "
            + " | ".join(f"{d[k]:.1e}" for k in KEYS)
            + " |"
        )
    peak = max(r["fast_peak_traced_bytes"] for r in results.values())
    print(
        f"\npeak memory of one fast call (tracemalloc): {peak / 2**20:.1f} MiB; "
        f"whole process peak RSS (MNIST loaded): {record['process_peak_rss_bytes'] / 2**20:.0f} MiB"
    )
    worst = max(max(r["max_abs_diff"].values()) for r in results.values())
    print(f"largest |fast - loop| over every entry: {worst:.2e}")

    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    ok = worst <= 1e-9 and min(r["speedup"] for r in results.values()) >= 100 and peak < 2**30
    if not ok:
        print("FAILED: needs every |fast - loop| <= 1e-9, a speed-up >= 100x and peak memory < 1 GiB", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
