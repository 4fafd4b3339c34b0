"""How many threads numpy's matrix library (OpenBLAS) uses, set for the length of a block.

Used by :func:`dlfs.train.train`; measured in benchmarks/train.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools


@functools.lru_cache(maxsize=1)
def openblas_thread_controls():
    """(set, get) ctypes functions of the OpenBLAS numpy loaded, or None where they cannot be found.

    Looks through the shared libraries mapped into this process (Linux /proc/self/maps) for
    OpenBLAS and its ``*set_num_threads*`` symbols, as threadpoolctl does, without the dependency.
    """
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (
            ("scipy_openblas", "64_"),
            ("scipy_openblas", ""),
            ("openblas", "64_"),
            ("openblas", ""),
        ):
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return setter, getter
    return None


@contextlib.contextmanager
def blas_thread_limit(n: int | None):
    """Run the block with ``n`` OpenBLAS threads, restoring the previous number afterwards.

    ``None`` (or a BLAS other than OpenBLAS, or a platform without /proc) changes nothing.
    Why this exists: TwoLayerNet's products are small (100×784 by 784×50), and with
    several threads OpenBLAS spends more time waking and waiting for its threads than
    computing, above all on a busy machine (benchmarks/train.md measures the book's loop
    with one thread and with numpy's default). The arithmetic is the same either way.
    """
    controls = openblas_thread_controls() if n is not None else None
    if controls is None:
        yield
        return
    setter, getter = controls
    previous = getter()
    setter(int(n))
    try:
        yield
    finally:
        setter(previous)
