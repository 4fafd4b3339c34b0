"""What every benchmark script shares: the record it writes, the machine, the load, timing helpers.

Each ``bench_*.py`` writes one JSON record under ``benchmarks/results/`` (``report.py`` turns
the records into the Markdown tables, ``tests/test_benchmarks.py`` checks them). A record:

``schema``      :data:`SCHEMA`; files without it come from the scripts before this one.
``benchmark``   the script's name (``fast_gradient``, ``train``, ``load_mnist``, ``numerical_10k``).
``command``     the command line that produced it; ``quick`` is true for a ``--quick`` smoke run.
``date``, ``git``   when, and at which commit (with ``dirty`` if the checkout had edits).
``machine``     CPU count and model, Python, numpy, its BLAS and BLAS thread count.
``load``        1/5/15-minute load averages before and after, the highest 1-minute value
                sampled during the run, and the verdict ``quiet`` with the rule it used.
``order``       the sides in the order they actually ran (alternating: ABBA...).
``sides``       for each side: what it runs, every individual time (``times``), ``min``, ``median``.
``ratios``      each ratio the script prints: numerator and denominator side, of medians, of minima.
``config``, ``results``   what the script measured besides time (accuracies, differences, memory).

Imported by the scripts in this directory as ``benchlib`` (Python puts a script's own
directory first on the import path).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info

from dlfs.files import write_atomically

SCHEMA = "dlfs-benchmark/1"
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

#: The least number of timed runs of every side in a record.
MIN_RUNS = 3

#: A run counts as quiet when the 1-minute load average was below this before it started ...
QUIET_LOAD_BEFORE = 0.5
#: ... and never above the number of CPUs while it ran: more runnable threads than cores
#: means the benchmark shared a core with something (ratios then drift several-fold).
QUIET_RULE = (
    f"1-minute load average below {QUIET_LOAD_BEFORE} before the run, and at most the number of CPUs "
    "before, during (sampled) and after it"
)


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
def add_common_arguments(parser: argparse.ArgumentParser, rounds: int) -> None:
    """--rounds, --quick and --results-dir, the options every script has."""
    parser.add_argument(
        "--rounds",
        type=int,
        default=rounds,
        help=f"alternating rounds; every side runs once per round (default {rounds}, at least {MIN_RUNS})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes: a smoke test of the script that finishes in seconds, not a measurement",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=600,
        metavar="SECONDS",
        help="wait up to this long for the 1-minute load average to fall below "
        f"{QUIET_LOAD_BEFORE} before measuring (default 600; 0 starts at once, as --quick does)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help="where to write the JSON record (default benchmarks/results; required with --quick)",
    )


def results_dir(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Path:
    """The directory for the record; refuses a --quick run that would overwrite the committed results."""
    if args.rounds < MIN_RUNS:
        parser.error(f"--rounds must be at least {MIN_RUNS} (every side is timed at least {MIN_RUNS} times)")
    if args.quick:
        args.max_wait = 0
    if args.results_dir is None:
        if args.quick:
            parser.error("--quick needs --results-dir DIR, so that a smoke run never overwrites benchmarks/results/")
        return RESULTS
    return args.results_dir


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command as a reader would type it from the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_text = str(script.relative_to(ROOT))
    except ValueError:
        script_text = str(script)
    args = list(sys.argv[1:] if argv is None else argv)
    return shlex.join(["python", script_text, *args])


# ---------------------------------------------------------------------------
# the machine and its load
# ---------------------------------------------------------------------------
def blas_info() -> dict[str, Any]:
    """numpy's BLAS as numpy reports it, and how many threads OpenBLAS uses right now."""
    info: dict[str, Any] = {}
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]  # numpy >= 1.26
        blas = deps.get("blas", {})
        info = {k: blas.get(k) for k in ("name", "version", "openblas configuration") if blas.get(k) is not None}
    except (TypeError, KeyError):
        info = {"name": "unknown (numpy too old to report it)"}
    info["threads"] = max((lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"), default=None)
    info["OPENBLAS_NUM_THREADS"] = os.environ.get("OPENBLAS_NUM_THREADS")
    return info


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
    }


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def load_average() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}


class LoadMonitor:
    """Records the load average before and after a block, and samples the 1-minute value during it.

    A benchmark that was disturbed says so: the record keeps the numbers, and ``quiet`` is
    the verdict of :data:`QUIET_RULE` on them.
    """

    def __init__(self, max_wait: float = 0.0, interval: float = 2.0) -> None:
        self.max_wait = max_wait
        self.waited = 0.0
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(round(os.getloadavg()[0], 2))

    def wait_for_quiet(self) -> None:
        """Wait (up to ``max_wait`` seconds) until the 1-minute load average is below the quiet limit.

        Running the scripts one after another leaves the load of the previous one in the
        1-minute average for a few minutes; this waits for it to decay instead of
        measuring next to it.
        """
        start = time.monotonic()
        while os.getloadavg()[0] >= QUIET_LOAD_BEFORE and time.monotonic() - start < self.max_wait:
            if not self.waited:
                print(
                    f"waiting up to {self.max_wait:.0f} s for the 1-minute load average ({os.getloadavg()[0]:.2f}) "
                    f"to fall below {QUIET_LOAD_BEFORE} ...",
                    flush=True,
                )
            time.sleep(min(10.0, self.max_wait))
            self.waited = time.monotonic() - start

    def __enter__(self) -> LoadMonitor:
        self.wait_for_quiet()
        self.before = load_average()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.after = load_average()

    def record(self) -> dict[str, Any]:
        cpus = os.cpu_count() or 1
        highest = max([self.before["1min"], self.after["1min"], *self.samples])
        return {
            "before": self.before,
            "after": self.after,
            "max_1min_during": max(self.samples) if self.samples else None,
            "samples_during": len(self.samples),
            "waited_for_quiet_s": round(self.waited, 1),
            "sample_interval_s": self.interval,
            "quiet": self.before["1min"] < QUIET_LOAD_BEFORE and highest <= cpus,
            "quiet_max_load_before": QUIET_LOAD_BEFORE,
            "quiet_rule": QUIET_RULE,
        }


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------
def alternating(names: Sequence[str], rounds: int) -> list[str]:
    """The order in which the sides run: A B, B A, A B, ... (ABBA), so a drift in load hits all alike."""
    order: list[str] = []
    for r in range(rounds):
        order.extend(names if r % 2 == 0 else reversed(names))
    return order


def side(description: str, times: Sequence[float], **extra: Any) -> dict[str, Any]:
    """One side of a comparison: what it runs, every time, the minimum and median (seconds)."""
    times = [float(t) for t in times]
    return {
        "description": description,
        "times": times,
        "runs": len(times),
        "min": min(times),
        "median": statistics.median(times),
        **extra,
    }


def ratio(sides: dict[str, dict], numerator: str, denominator: str) -> dict[str, Any]:
    """How many times longer ``numerator`` takes than ``denominator``, of medians and of minima."""
    num, den = sides[numerator], sides[denominator]
    return {
        "numerator": numerator,
        "denominator": denominator,
        "of_medians": num["median"] / den["median"],
        "of_mins": num["min"] / den["min"],
    }


def run_process(cmd: Sequence[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` from the repository root; wall time, CPU time and peak memory of that process alone.

    ``os.wait4`` returns the child's own resource usage, so the CPU time and the maximum
    resident set size are that process's, not a sum over earlier children.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed with exit code {proc.returncode}:\n{stderr}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports kilobytes
        "stdout": stdout,
        "stderr": stderr,
    }


# ---------------------------------------------------------------------------
# the record
# ---------------------------------------------------------------------------
def make_record(
    benchmark: str,
    args: argparse.Namespace,
    load: LoadMonitor,
    order: Sequence[str],
    sides: dict[str, dict],
    ratios: dict[str, dict],
    config: dict[str, Any],
    results: dict[str, Any],
) -> dict[str, Any]:
    for name, s in sides.items():
        if s["runs"] < MIN_RUNS:
            raise ValueError(f"side {name!r} ran {s['runs']} times; a record needs at least {MIN_RUNS}")
    return {
        "schema": SCHEMA,
        "benchmark": benchmark,
        "command": command_line(),
        "quick": bool(args.quick),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": machine(),
        "load": load.record(),
        "order": list(order),
        "sides": sides,
        "ratios": ratios,
        "config": config,
        "results": results,
    }


def write_record(record: dict[str, Any], directory: Path) -> Path:
    """Write ``<directory>/<benchmark>.json`` atomically (a half-written record is never left behind)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record['benchmark']}.json"
    text = json.dumps(record, indent=2) + "\n"
    write_atomically(path, lambda f: f.write(text.encode("utf-8")))
    return path


def print_summary(record: dict[str, Any]) -> None:
    """The load, every side's times and every ratio, as the script's closing lines."""
    load = record["load"]
    b, a = load["before"], load["after"]
    print(
        f"load average before {b['1min']} / {b['5min']} / {b['15min']}, after {a['1min']} / {a['5min']} / "
        f"{a['15min']} (1/5/15 min), highest 1-min sample during {load['max_1min_during']}, "
        f"on {record['machine']['cpus']} CPUs: {'quiet' if load['quiet'] else 'UNDER LOAD'}"
    )
    for name, s in record["sides"].items():
        times = ", ".join(f"{t:.4g}" for t in s["times"])
        print(f"  {name:32} min {s['min']:.4g} s, median {s['median']:.4g} s   ({times})")
    for name, r in record["ratios"].items():
        print(f"ratio {name}: {r['of_medians']:.3g}x (medians), {r['of_mins']:.3g}x (minima)")
