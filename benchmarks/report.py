"""Regenerate the benchmark Markdown from the JSON records in ``benchmarks/results/``.

    python benchmarks/report.py            # rewrite the generated blocks
    python benchmarks/report.py --check    # exit 1 (and show the diff) if a block is out of date

The Markdown files (``benchmarks/*.md`` and ``results/numerical_10k/README.md``) hold
prose written by hand and blocks written by this script::

    <!-- BEGIN report.py NAME ... -->
    ... generated from results/NAME.json (the index block ``index`` from all records) ...
    <!-- END report.py NAME -->

Every number in a block comes from a record, with the load average the record holds; a
record from a ``--quick`` run or taken under load says so in its block. A record that is
missing, or comes from the scripts before ``benchlib`` (no ``schema``), gives a block
that says so and names the command to run.

Sections between ``<!-- BEGIN legacy NAME ... -->`` and ``<!-- END legacy NAME -->`` hold
figures from before ``benchlib`` (taken under load, labelled so); they are deleted once
``results/NAME.json`` comes from the current script, because their numbers will no
longer be in any committed JSON.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import sys
from pathlib import Path

from benchlib import SCHEMA

HERE = Path(__file__).resolve().parent

#: name -> (script, what it measures, expected duration on a quiet 2-core machine)
BENCHMARKS = {
    "fast_gradient": (
        "bench_fast_gradient.py",
        "`TwoLayerNet.fast_numerical_gradient` against the book's `numerical_gradient` loop "
        "(784-50-10, float64, a batch of 100 MNIST images, same parameters)",
        "about 2 minutes",
    ),
    "train": (
        "bench_train.py",
        "`python -m dlfs train` against the book's training loop (`book_loop.py`): whole processes, "
        "10,000 iterations, batch 100, lr 0.1",
        "about 4-5 minutes",
    ),
    "load_mnist": (
        "bench_load_mnist.py",
        "`load_mnist(normalize=True, one_hot_label=True)` from the cache, all four SHA-256 digests verified",
        "under a minute",
    ),
    "numerical_10k": (
        "bench_numerical_10k.py",
        "the book's full 10,000-iteration training with numerical gradients (`python -m dlfs train "
        "--gradient numerical`), against the same run with backprop",
        "about 15 minutes",
    ),
}
DETAILS = {
    "fast_gradient": "fast_gradient.md",
    "train": "train.md",
    "load_mnist": "load_mnist.md",
    "numerical_10k": "results/numerical_10k/README.md",
}

BLOCK = re.compile(r"(<!-- BEGIN report\.py (\w+)[^\n]*-->\n)(.*?)(<!-- END report\.py \2 -->)", re.DOTALL)
LEGACY = re.compile(r"<!-- BEGIN legacy (\w+)[^\n]*-->\n.*?<!-- END legacy \1 -->\n?", re.DOTALL)


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------
def times_x(r: float) -> str:
    """A ratio as the tables print it: 412×, 12.3×, 2.87×."""
    return f"{r:,.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def sec(t: float) -> str:
    """Seconds with three significant digits or more: 16.4 s, 0.0401 s, 1,234 s; below 0.01 s in ms."""
    if t >= 100:
        return f"{t:,.0f} s"
    return f"{t:.3g} s" if t >= 0.01 else f"{t * 1e3:.3g} ms"


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def current(record: dict | None) -> bool:
    return record is not None and record.get("schema") == SCHEMA


def rerun(name: str) -> str:
    return f"`.venv/bin/python benchmarks/{BENCHMARKS[name][0]}`"


def conditions(record: dict) -> str:
    """Where and when, and how loaded the machine was: the first lines of every block."""
    m, load, git = record["machine"], record["load"], record["git"]
    b, a = load["before"], load["after"]
    during = f", up to {load['max_1min_during']:.2f} during the run" if load["max_1min_during"] is not None else ""
    loads = (
        f"1-minute load average {b['1min']:.2f} before and {a['1min']:.2f} after{during} "
        f"(5-minute {b['5min']:.2f} → {a['5min']:.2f}, 15-minute {b['15min']:.2f} → {a['15min']:.2f})"
    )
    blas = m["blas"]
    commit = (git["commit"] or "unknown")[:10] + (" with uncommitted edits" if git["dirty"] else "")
    lines = [
        f"`{record['command']}`, {record['date']}, commit {commit}.",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, numpy {m['numpy']}, "
        f"BLAS {blas.get('name')} {blas.get('version', '')} ({blas.get('threads')} threads by default).",
        "",
    ]
    if record["quick"]:
        lines.append(
            f"**Quick mode (`--quick`): tiny sizes, a smoke test of the script, not a measurement.** Load: {loads}."
        )
    elif load["quiet"]:
        lines.append(f"Quiet machine: {loads}, on {m['cpus']} CPUs.")
    else:
        lines.append(
            f"**Taken under load:** {loads}, on {m['cpus']} CPUs. Other jobs shared the cores, which can distort "
            "these times and ratios several-fold; re-run on a quiet machine."
        )
    lines.append("")
    return "\n".join(lines)


def missing(name: str, record: dict | None) -> str:
    why = "is from the scripts before `benchlib.py`" if record is not None else "does not exist"
    return (
        f"**No record from the current script is committed yet** (`results/{name}.json` {why}). "
        f"Run {rerun(name)} on a quiet machine ({BENCHMARKS[name][2]}), then `.venv/bin/python benchmarks/report.py`.\n"
    )


def minutes(t: float) -> str:
    return f" ({t / 60:.1f} min)" if t >= 60 else ""


def median_min(s: dict) -> str:
    return f"{sec(s['median'])} ({sec(s['min'])})"


# ---------------------------------------------------------------------------
# the blocks
# ---------------------------------------------------------------------------
def render_fast_gradient(rec: dict) -> str:
    res, cfg = rec["results"], rec["config"]
    rows = [
        "| parameters | loop: median (min) | fast: median (min) | speed-up: medians (minima) "
        "| max \\|fast − loop\\| W1 | b1 | W2 | b2 | runs loop / fast |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for state, r in res["states"].items():
        loop, fast = rec["sides"][f"loop, {state}"], rec["sides"][f"fast, {state}"]
        ratio = rec["ratios"][f"loop / fast, {state}"]
        d = r["max_abs_diff"]
        rows.append(
            f"| {state} | {median_min(loop)} | {median_min(fast)} | **{times_x(ratio['of_medians'])}** "
            f"({times_x(ratio['of_mins'])}) | "
            + " | ".join(f"{d[k]:.1e}" for k in ("W1", "b1", "W2", "b2"))
            + f" | {loop['runs']} / {fast['runs']} |"
        )
    blas = cfg["blas_threads"] or "numpy's default"
    return "\n".join(
        [
            conditions(rec),
            f"TwoLayerNet {cfg['net']} ({cfg['parameters']:,} parameters, float64), a batch of {cfg['batch_size']} "
            f"MNIST training images, OpenBLAS threads: {blas}.",
            "",
            *rows,
            "",
            f"- Largest difference over every entry: {res['largest_abs_diff']:.1e} (required: at most "
            f"{cfg['tolerance']:.0e}).",
            f"- Peak memory of one fast call (tracemalloc): {mib(res['fast_peak_traced_bytes'])}; the whole "
            f"benchmark process, MNIST loaded: {mib(res['process_peak_rss_bytes'])} peak RSS.",
            "- Every individual time is in `results/fast_gradient.json`.",
            "",
        ]
    )


def render_train(rec: dict) -> str:
    final = rec["results"]["final"]
    rows = [
        "| side | wall time: median (min) | CPU time, median | peak RSS, largest | final train acc | final test acc "
        "| updates before it |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in rec["sides"].items():
        f = final[name]
        rows.append(
            f"| {name} | {median_min(s)} | {sec(statistics.median(s['cpu_s']))} | {mib(max(s['max_rss_bytes']))} "
            f"| {f['train_acc']:.4f} | {f['test_acc']:.4f} | {f['after_iterations']:,} |"
        )
    r, r1 = rec["ratios"]["book / dlfs"], rec["ratios"]["book, 1 BLAS thread / dlfs"]
    same = "yes" if all(rec["results"]["repeatable"].values()) else "**no**"
    return "\n".join(
        [
            conditions(rec),
            f"{rec['config']['iterations']:,} iterations of TwoLayerNet {rec['config']['net']}, "
            f"{min(s['runs'] for s in rec['sides'].values())} runs of each side.",
            "",
            *rows,
            "",
            f"- The book's loop takes **{times_x(r['of_medians'])}** as long as `dlfs train` (medians; "
            f"{times_x(r['of_mins'])} of the minima); with one BLAS thread, {times_x(r1['of_medians'])}.",
            f"- Final test accuracy: book {final['book']['test_acc']:.4f}, dlfs {final['dlfs']['test_acc']:.4f} "
            "(different random draws, see above). Every run of a side reported the same accuracies: "
            f"{same}.",
            "",
        ]
    )


def render_load_mnist(rec: dict) -> str:
    res = rec["results"]
    rows = ["| what | median | min | max | runs |", "|---|---:|---:|---:|---:|"]
    for name, s in rec["sides"].items():
        rows.append(f"| `{name}` | {sec(s['median'])} | {sec(s['min'])} | {sec(max(s['times']))} | {s['runs']} |")
    target = rec["sides"][res["target_call"]]
    met = "met" if res["meets_target"] else "**not met**"
    lines = [
        conditions(rec),
        *rows,
        "",
        f"- `{res['target_call']}`: median **{sec(target['median'])}** against the {sec(res['target_s'])} target "
        f"({met}).",
        f"- The cache file: {res['cache_bytes'] / 1e6:.1f} MB.",
    ]
    for name, r in rec["ratios"].items():
        lines.append(f"- {name}: {times_x(r['of_medians'])} (medians).")
    if "compressed_bytes" in res:
        lines.append(f"- The same arrays with `np.savez_compressed`: {res['compressed_bytes'] / 1e6:.1f} MB.")
    same = "yes" if res["one_pass_normalize_same_bits"] else "**no**"
    lines += [f"- The one-pass normalisation gives `load_mnist`'s bits: {same}.", ""]
    return "\n".join(lines)


def agreement(cmp: dict) -> str:
    """Where the numerical and the backprop runs' accuracies differ, in whole images."""
    n, differ = cmp["evaluations"], cmp["evaluations_that_differ"]
    if not differ:
        return f"The numerical and the backprop runs report the same train and test accuracy at all {n} evaluations."

    def images(k: int, which: str) -> str:
        return f"{abs(k)} {which} image{'s' if abs(k) != 1 else ''} ({'more' if k > 0 else 'fewer'} for numerical)"

    parts = []
    for d in differ:
        what = [images(d[k], w) for k, w in (("train_images", "training"), ("test_images", "test")) if d[k]]
        parts.append(f"at iteration {d['iteration']:,}: {' and '.join(what)}")
    return (
        f"The numerical and the backprop runs report the same accuracies at {n - len(differ)} of the {n} "
        f"evaluations; they differ at {len(differ)}: " + "; ".join(parts) + "."
    )


def render_numerical_10k(rec: dict) -> str:
    final, cmp = rec["results"]["final"], rec["results"]["numerical_vs_backprop"]
    rows = [
        "| gradient | whole process: median (min) | training loop, median | CPU time, median | peak RSS "
        "| final train acc | final test acc | updates before it |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in rec["sides"].items():
        f = final[name]
        rows.append(
            f"| {name} | {median_min(s)}{minutes(s['median'])} | {sec(statistics.median(s['loop_s']))} "
            f"| {sec(statistics.median(s['cpu_s']))} "
            f"| {mib(max(s['max_rss_bytes']))} | {f['train_acc']:.4f} | {f['test_acc']:.4f} "
            f"| {f['after_iterations']:,} |"
        )
    r = rec["ratios"]["numerical / backprop"]
    same = "yes" if all(f["repeatable"] for f in final.values()) else "**no**"
    return "\n".join(
        [
            conditions(rec),
            *rows,
            "",
            f"- Numerical gradients take {times_x(r['of_medians'])} the time of backprop (medians of whole processes).",
            f"- {agreement(cmp)}",
            f"- The two loss curves differ by at most {cmp['max_abs_loss_gap']:.1e} (iteration "
            f"{cmp['iteration_of_max_loss_gap']:,}), carried through training from a gradient gap of relative "
            "size δ/y, where δ is the book's delta inside the log: the numerical gradient differentiates "
            "-log(y + δ), backprop -log y (notebook 07 measures it with and without δ; the central difference's "
            "own error is far smaller).",
            f"- Every run repeated the first run of its command exactly (losses and accuracies): {same}.",
            "",
        ]
    )


def render_index(records: dict[str, dict | None]) -> str:
    rows = ["| what | result | conditions | rerun | details |", "|---|---|---|---|---|"]
    for name, (_, what, duration) in BENCHMARKS.items():
        rec = records.get(name)
        if not current(rec):
            result, cond = "no record from the current script yet", "—"
        else:
            result = headline(name, rec)
            load = rec["load"]
            state = "quick mode" if rec["quick"] else "quiet" if load["quiet"] else "**under load**"
            cond = f"{state}: load {load['before']['1min']:.2f} → {load['after']['1min']:.2f}, {rec['date'][:10]}"
        rows.append(f"| {what} | {result} | {cond} | {rerun(name)} ({duration}) | [{DETAILS[name]}]({DETAILS[name]}) |")
    return "\n".join(rows) + "\n"


def headline(name: str, rec: dict) -> str:
    ratios, res = rec["ratios"], rec["results"]
    if name == "fast_gradient":
        speedups = [r["of_medians"] for r in ratios.values()]
        return (
            f"**{times_x(min(speedups))}–{times_x(max(speedups))}** faster (medians), largest difference "
            f"{res['largest_abs_diff']:.1e}, {mib(res['fast_peak_traced_bytes'])} per call"
        )
    if name == "train":
        s, f = rec["sides"], res["final"]
        return (
            f"{sec(s['dlfs']['median'])} against {sec(s['book']['median'])}: "
            f"**{times_x(ratios['book / dlfs']['of_medians'])}**; "
            f"test acc {f['dlfs']['test_acc']:.4f} (dlfs), {f['book']['test_acc']:.4f} (book)"
        )
    if name == "load_mnist":
        return f"{sec(rec['sides'][res['target_call']]['median'])} median (target {sec(res['target_s'])})"
    s, f = rec["sides"]["numerical"], res["final"]["numerical"]
    return (
        f"{sec(s['median'])}{minutes(s['median'])} (median of {s['runs']}), train/test acc {f['train_acc']:.4f} / "
        f"{f['test_acc']:.4f}"
    )


RENDER = {
    "fast_gradient": render_fast_gradient,
    "train": render_train,
    "load_mnist": render_load_mnist,
    "numerical_10k": render_numerical_10k,
}


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------
def load_records(results: Path) -> dict[str, dict | None]:
    records: dict[str, dict | None] = {}
    for name in BENCHMARKS:
        path = results / f"{name}.json"
        records[name] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return records


def markdown_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.md")) + sorted((directory / "results").glob("*/README.md"))


def regenerate(text: str, records: dict[str, dict | None]) -> str:
    """``text`` with every generated block redrawn and the superseded legacy sections removed."""

    def block(match: re.Match) -> str:
        name = match.group(2)
        if name == "index":
            body = render_index(records)
        elif name in RENDER:
            rec = records.get(name)
            body = RENDER[name](rec) if current(rec) else missing(name, rec)
        else:
            raise SystemExit(f"unknown report.py block {name!r}")
        return match.group(1) + body + match.group(4)

    text = LEGACY.sub(lambda m: m.group(0) if not current(records.get(m.group(1))) else "", text)
    return BLOCK.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    parser.add_argument(
        "--dir",
        type=Path,
        default=HERE,
        help="the benchmarks directory: its *.md, results/*/README.md and results/*.json (default: this script's)",
    )
    args = parser.parse_args(argv)
    records = load_records(args.dir / "results")
    stale = []
    for path in markdown_files(args.dir):
        old = path.read_text(encoding="utf-8")
        new = regenerate(old, records)
        if new == old:
            continue
        stale.append(path)
        if args.check:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), str(path), "new"))
        else:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path}")
    if args.check and stale:
        print(f"out of date: {', '.join(map(str, stale))}; run python benchmarks/report.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
