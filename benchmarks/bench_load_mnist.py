"""Benchmark: how fast ``load_mnist`` reads MNIST from the cache, and where the time goes.

    python benchmarks/bench_load_mnist.py [--rounds 11] [--quick --results-dir DIR]

Needs the cache (``python -m dlfs fetch-mnist``). Every ``load_mnist`` call reads the
uncompressed .npz and checks all four SHA-256 digests, as it always does. The sides, each
timed once per round after one untimed warm-up call (so the 55 MB file is in the page
cache, as for every load after the first of a session), in alternating order:

* the four ``load_mnist`` flag combinations the notebooks and the book use;
* its parts: ``np.load`` of the four uint8 arrays, ``verify_mnist`` (the hashing), and
  the normalisation of train + test done the book's way (``astype(np.float32)`` then
  ``/= 255.0``, two passes) and dlfs's way (one ``np.divide`` with ``dtype=np.float32``;
  checked here to give the same bits as ``load_mnist``);
* what the design rejected: ``np.load`` of the same arrays saved with
  ``np.savez_compressed`` (skipped with --quick: compressing takes seconds);
* ``python -m dlfs fetch-mnist --quiet`` with the cache present (what ``make data`` runs
  before every ``make test`` and ``make lab``), as a whole process.

Writes ``results/load_mnist.json``; prints the median against the 0.5 s target of issue 3
and the ratios. About 30 seconds on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import numpy as np

from dlfs import datasets, load_mnist

TARGET_S = 0.5
TARGET_CALL = "load_mnist(normalize=True, one_hot_label=True)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_arguments(parser, rounds=11)
    args = parser.parse_args(argv)
    out_dir = benchlib.results_dir(args, parser)
    if args.quick:
        args.rounds = benchlib.MIN_RUNS

    cache = datasets.default_data_dir() / datasets.CACHE_NAME
    if not cache.is_file():
        sys.exit(f"No MNIST cache at {cache}: run `python -m dlfs fetch-mnist` first.")

    arrays: dict[str, np.ndarray] = {}

    def read() -> None:
        with np.load(cache, allow_pickle=False) as npz:
            arrays.update({key: npz[key] for key in datasets.KEYS})

    def normalize_book() -> list[np.ndarray]:
        out = []
        for key in ("train_img", "test_img"):
            x = arrays[key].astype(np.float32)
            x /= 255.0
            out.append(x)
        return out

    def normalize_one_pass() -> list[np.ndarray]:
        return [np.divide(arrays[key], np.float32(255), dtype=np.float32) for key in ("train_img", "test_img")]

    calls = {
        TARGET_CALL: lambda: load_mnist(normalize=True, one_hot_label=True),
        "load_mnist(normalize=True)": lambda: load_mnist(normalize=True),
        "load_mnist(normalize=False)": lambda: load_mnist(normalize=False),
        "load_mnist(normalize=True, flatten=False, one_hot_label=True)": lambda: load_mnist(
            normalize=True, flatten=False, one_hot_label=True
        ),
        "np.load of the four uint8 arrays": read,
        "verify_mnist: SHA-256 of the four arrays": lambda: datasets.verify_mnist(arrays),
        "normalize train + test, the book's two passes": normalize_book,
        "normalize train + test, one pass (dlfs)": normalize_one_pass,
        "python -m dlfs fetch-mnist --quiet (cached)": lambda: benchlib.run_process(
            [sys.executable, "-m", "dlfs", "fetch-mnist", "--quiet"]
        ),
    }
    read()
    (x_train, _), (x_test, _) = load_mnist(normalize=True)
    same_bits = all(np.array_equal(a, b) for a, b in zip(normalize_one_pass(), (x_train, x_test), strict=True))
    same_bits = same_bits and all(
        np.array_equal(a, b) for a, b in zip(normalize_book(), (x_train, x_test), strict=True)
    )

    with tempfile.TemporaryDirectory() as tmp:
        sizes = {"cache_bytes": cache.stat().st_size}
        if not args.quick:
            compressed = Path(tmp) / "mnist.npz"
            np.savez_compressed(compressed, **arrays)
            sizes["compressed_bytes"] = compressed.stat().st_size

            def read_compressed() -> None:
                with np.load(compressed, allow_pickle=False) as npz:
                    [npz[key] for key in datasets.KEYS]

            calls["np.load of the same arrays, np.savez_compressed"] = read_compressed

        times: dict[str, list[float]] = {name: [] for name in calls}
        order = benchlib.alternating(list(calls), args.rounds)
        with benchlib.LoadMonitor(args.max_wait) as load:
            for fn in calls.values():
                fn()  # warm-up
            for name in order:
                start = time.perf_counter()
                calls[name]()
                times[name].append(time.perf_counter() - start)

    sides = {name: benchlib.side(name, t) for name, t in times.items()}
    ratios = {
        "book's normalize / one pass": benchlib.ratio(
            sides, "normalize train + test, the book's two passes", "normalize train + test, one pass (dlfs)"
        ),
    }
    if "np.load of the same arrays, np.savez_compressed" in sides:
        ratios["compressed / uncompressed np.load"] = benchlib.ratio(
            sides, "np.load of the same arrays, np.savez_compressed", "np.load of the four uint8 arrays"
        )
    target = sides[TARGET_CALL]
    results = {
        "target_call": TARGET_CALL,
        "target_s": TARGET_S,
        "meets_target": target["median"] < TARGET_S,
        "one_pass_normalize_same_bits": bool(same_bits),
        **sizes,
    }
    config = {"cache": str(cache.relative_to(benchlib.ROOT) if cache.is_relative_to(benchlib.ROOT) else cache)}
    record = benchlib.make_record("load_mnist", args, load, order, sides, ratios, config, results)
    path = benchlib.write_record(record, out_dir)
    benchlib.print_summary(record)
    print(
        f"{TARGET_CALL}: median {target['median']:.3f} s, {TARGET_S / target['median']:.1f}x under "
        f"the {TARGET_S} s target"
    )
    print(f"wrote {path}")
    if not same_bits:
        print("FAILED: the normalisations do not give load_mnist's bits", file=sys.stderr)
        return 1
    if not args.quick and not results["meets_target"]:
        print(f"FAILED: the median is not under the {TARGET_S} s target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
