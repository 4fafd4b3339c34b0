"""How fast does ``load_mnist`` read MNIST from the cache?

    python benchmarks/bench_load_mnist.py [--repeats 11]

Needs the cache (``python -m dlfs fetch-mnist``). Every call reads the .npz and checks
all four SHA-256 digests, as ``load_mnist`` always does. Prints the median and range of
``--repeats`` timed calls after one warm-up call (so the file is in the page cache, as it
is from the second load of a session on), then where the time goes, what a compressed
cache would cost, and the cached ``python -m dlfs fetch-mnist`` that ``make data`` runs.
The target of the issue: under 0.5 s for ``load_mnist(normalize=True, one_hot_label=True)``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dlfs import datasets, load_mnist


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:62} median {statistics.median(times):6.3f} s   (min {min(times):.3f}, max {max(times):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()

    cache = datasets.default_data_dir() / datasets.CACHE_NAME
    if not cache.is_file():
        sys.exit(f"No MNIST cache at {cache}: run `python -m dlfs fetch-mnist` first.")
    print(f"cache: {cache} ({cache.stat().st_size / 1e6:.1f} MB)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{args.repeats} repeats after one warm-up\n")

    for flags in (
        dict(normalize=True, one_hot_label=True),
        dict(normalize=True),
        dict(normalize=False),
        dict(normalize=True, flatten=False, one_hot_label=True),
    ):
        call = ", ".join(f"{k}={v}" for k, v in flags.items())
        report(f"load_mnist({call})", timed(lambda flags=flags: load_mnist(**flags), args.repeats))

    print("\nwhere the time goes:")
    arrays = {}

    def read():
        with np.load(cache, allow_pickle=False) as npz:
            arrays.update({key: npz[key] for key in datasets.KEYS})

    report("  np.load of the four uint8 arrays (allow_pickle=False)", timed(read, args.repeats))
    report("  verify_mnist: SHA-256 of all four payloads", timed(lambda: datasets.verify_mnist(arrays), args.repeats))
    report(
        "  normalize: uint8 -> float32 / 255, train + test",
        timed(lambda: [datasets._normalize(arrays[k]) for k in ("train_img", "test_img")], args.repeats),
    )

    with tempfile.TemporaryDirectory() as tmp:
        compressed = Path(tmp) / "mnist.npz"
        np.savez_compressed(compressed, **arrays)

        def read_compressed():
            with np.load(compressed, allow_pickle=False) as npz:
                return [npz[key] for key in datasets.KEYS]

        report(
            f"  for comparison: np.load of np.savez_compressed ({compressed.stat().st_size / 1e6:.1f} MB)",
            timed(read_compressed, args.repeats),
        )

    print()
    command = [sys.executable, "-m", "dlfs", "fetch-mnist", "--quiet"]
    report(
        "python -m dlfs fetch-mnist (cached; what `make data` runs)",
        timed(lambda: subprocess.run(command, check=True, capture_output=True), max(3, args.repeats // 2)),
    )


if __name__ == "__main__":
    main()
