"""Tests of benchmarks/: honest records, figures quoted from them, a faithful baseline, scripts that run.

Every speed figure of the project is quoted from a JSON record that a script in benchmarks/ wrote
(benchmarks/README.md): each record ran every side at least 3 times, alternately, with its load average;
report.py generates the benchmark tables from the records and README.md quotes them; the book baseline
computes what dlfs computes; every script runs end to end with ``--quick`` (which needs the MNIST cache,
``python -m dlfs fetch-mnist``).
"""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dlfs import TrainHistory, TwoLayerNet
from dlfs.datasets import CACHE_NAME, default_data_dir

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
SCRIPTS = {
    "fast_gradient": "bench_fast_gradient.py",
    "train": "bench_train.py",
    "load_mnist": "bench_load_mnist.py",
    "numerical_10k": "bench_numerical_10k.py",
}
needs_mnist = pytest.mark.skipif(
    not (default_data_dir() / CACHE_NAME).is_file(), reason="MNIST not cached: run python -m dlfs fetch-mnist"
)


def load_module(name: str):
    """A module of benchmarks/ by its file (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCHEMA = load_module("benchlib").SCHEMA


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def histories(bench: Path) -> dict[str, TrainHistory]:
    d = bench / "results" / "numerical_10k"
    return {
        "numerical": TrainHistory.from_json(d / "history.json"),
        "backprop": TrainHistory.from_json(d / "backprop" / "history.json"),
    }


# ---------------------------------------------------------------------------
# what a record must hold
# ---------------------------------------------------------------------------
def check_record(rec: dict) -> None:
    """A current record: its machine, its load average, ≥3 alternating runs per side, consistent summaries."""
    assert rec["schema"] == SCHEMA
    assert rec["command"].startswith("python benchmarks/bench_")
    m = rec["machine"]
    assert m["cpus"] >= 1 and m["numpy"] and m["blas"]["name"], m
    load = rec["load"]
    for when in ("before", "after"):
        assert set(load[when]) == {"1min", "5min", "15min"}, load
        assert all(isinstance(v, float) and v >= 0 for v in load[when].values()), load
    assert isinstance(load["quiet"], bool)
    sides, order = rec["sides"], rec["order"]
    assert len(sides) >= 2, "a comparison needs two sides"
    for name, s in sides.items():
        assert s["runs"] == len(s["times"]) >= 3, f"{name}: {s['runs']} runs; every side needs at least 3"
        assert order.count(name) >= 3, f"{name} took fewer than 3 turns in {order}"
        assert s["min"] == min(s["times"]) and s["median"] == statistics.median(s["times"]), name
        assert all(t > 0 for t in s["times"]), name
    assert set(order) == set(sides)
    assert rec["ratios"], "a benchmark prints and records at least one ratio"
    for name, r in rec["ratios"].items():
        num, den = sides[r["numerator"]], sides[r["denominator"]]
        assert math.isclose(r["of_medians"], num["median"] / den["median"]), name
        assert math.isclose(r["of_mins"], num["min"] / den["min"]), name
        # alternated: each side of a ratio runs between the first and the last turn of the other
        for a, b in ((r["numerator"], r["denominator"]), (r["denominator"], r["numerator"])):
            turns = [i for i, n in enumerate(order) if n == a]
            assert any(turns[0] < i < turns[-1] for i, n in enumerate(order) if n == b), (
                f"{a} ran all its turns without {b} in between: {order}"
            )


def synthetic_record(order: list[str], times: dict[str, list[float]]) -> dict:
    load = {"1min": 0.1, "5min": 0.1, "15min": 0.1}
    sides = {n: {"times": t, "runs": len(t), "min": min(t), "median": statistics.median(t)} for n, t in times.items()}
    return {
        "schema": SCHEMA,
        "command": "python benchmarks/bench_x.py",
        "machine": {"cpus": 2, "numpy": "2", "blas": {"name": "openblas"}},
        "load": {"before": load, "after": load, "quiet": True},
        "order": order,
        "sides": sides,
        "ratios": {"a / b": {"numerator": "a", "denominator": "b", "of_medians": 2.0, "of_mins": 2.0}},
    }


@pytest.mark.parametrize("name", sorted(p.stem for p in (BENCH / "results").glob("*.json")))
def test_every_record_has_three_alternating_runs_per_side_and_its_load_average(name):
    """DESIGN.md's rule for a figure: both sides in one run, alternating, ≥3 times each, min and median, the load."""
    rec = read_json(BENCH / "results" / f"{name}.json")
    check_record(rec)
    assert not rec["quick"], f"results/{name}.json comes from a --quick run: a smoke test, not a measurement"


def test_the_record_check_refuses_too_few_runs_and_unalternated_sides():
    """Guards check_record itself: it accepts ABBAAB with 3 runs each and a right ratio, and
    refuses 2 runs, the sides run one after the other (AAABBB), or a miscomputed ratio."""
    good = synthetic_record(list("abbaab"), {"a": [2.0, 2.0, 2.0], "b": [1.0, 1.0, 1.0]})
    check_record(good)
    with pytest.raises(AssertionError, match="at least 3"):
        check_record(synthetic_record(list("abba"), {"a": [2.0, 2.0], "b": [1.0, 1.0]}))
    with pytest.raises(AssertionError, match="without"):
        check_record(synthetic_record(list("aaabbb"), {"a": [2.0, 2.0, 2.0], "b": [1.0, 1.0, 1.0]}))
    with pytest.raises(AssertionError):
        check_record(synthetic_record(list("abbaab"), {"a": [2.0, 2.0, 2.0], "b": [1.0, 1.0, 0.5]}))


def test_generated_markdown_is_up_to_date():
    """Guards that the generated tables are what report.py makes of the committed records,
    so re-measuring and regenerating is one command and nobody edits a table by hand."""
    proc = subprocess.run([sys.executable, str(BENCH / "report.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def fast_gradient_states(rec: dict) -> list[tuple[str, float, float]]:
    """(state, speed-up, largest |fast - loop|) per parameter state."""
    return [
        (s, rec["ratios"][f"loop / fast, {s}"]["of_medians"], max(r["max_abs_diff"].values()))
        for s, r in rec["results"]["states"].items()
    ]


def test_committed_fast_gradient_record_is_exact_and_at_least_a_hundredfold():
    """Guards what notebook 07 section 5 shows from results/fast_gradient.json (its assertion
    cell could not fail under nbval): on 784-50-10 with a batch of 100 MNIST images, the fast
    method agrees with the book's loop within 1e-9 everywhere and is at least 100× faster,
    for both parameter states."""
    rec = read_json(BENCH / "results" / "fast_gradient.json")
    states = fast_gradient_states(rec)
    assert len(states) == 2
    for state, speedup, diff in states:
        assert diff <= 1e-9, state
        assert speedup >= 100, state
    config = rec["config"]
    assert config["parameters"] == 39_760
    assert "784-50-10" in config["net"]


def test_committed_numerical_10k_run_is_the_books_and_finished_in_minutes():
    """Guards what notebook 07 section 7 shows from results/numerical_10k/ (its assertion cell
    could not fail under nbval): the numerical run did the book's 10,000 iterations through
    fast_numerical_gradient in float64, reached test accuracy 0.94, took less than half an
    hour, and ends within 0.01 of the backprop run from the same seed."""
    hist = histories(BENCH)
    num, bp = hist["numerical"], hist["backprop"]
    assert len(num.loss) == len(bp.loss) == 10_000
    assert num.config["gradient_method"] == "fast_numerical_gradient"
    assert bp.config["gradient"] == "backprop"
    for key in ("seed", "learning_rate", "batch_size", "dtype", "train_size"):
        assert num.config[key] == bp.config[key], key
    assert num.config["dtype"] == "float64"
    assert num.test_acc[-1] >= 0.94
    assert num.elapsed <= 30 * 60
    assert abs(num.test_acc[-1] - bp.test_acc[-1]) < 0.01


# ---------------------------------------------------------------------------
# the book baseline
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def book_loop():
    return load_module("book_loop")


def test_book_loop_computes_what_dlfs_computes_on_the_same_weights(book_loop):
    """Guards the baseline's fidelity: the book's class, written out in book_loop.py, gives
    dlfs's loss, accuracy, backprop gradient and numerical gradient on the same float64
    weights and one-hot labels (so a speed-up over it is over the same arithmetic)."""
    rng = np.random.default_rng(3)
    x = rng.random((7, 12))
    labels = rng.integers(0, 4, size=7)
    t = np.eye(4)[labels]
    np.random.seed(0)
    book = book_loop.TwoLayerNet(12, 5, 4, weight_init_std=0.5)
    assert all(p.dtype == np.float64 for p in book.params.values())
    net = TwoLayerNet(12, 5, 4)
    net.params = {k: v.copy() for k, v in book.params.items()}
    assert math.isclose(book.loss(x, t), net.loss(x, labels), rel_tol=1e-13)
    assert book.accuracy(x, t) == net.accuracy(x, labels)
    for name, want in (("gradient", net.gradient(x, labels)), ("numerical_gradient", net.numerical_gradient(x, t))):
        got = getattr(book, name)(x, t)
        for k in ("W1", "b1", "W2", "b2"):
            np.testing.assert_allclose(got[k], want[k], rtol=0, atol=1e-10, err_msg=f"{name} {k}")
    # the nditer loop restores every parameter exactly after nudging it
    before = {k: v.copy() for k, v in book.params.items()}
    book.numerical_gradient(x, t)
    assert all(np.array_equal(before[k], book.params[k]) for k in before)


def test_book_loop_runs_the_books_schedule(book_loop):
    """Guards the baseline's loop: one loss per iteration from the second forward pass after
    the update, accuracies exactly when i % iter_per_epoch == 0, batches from the seeded
    global np.random (so two runs repeat)."""
    rng = np.random.default_rng(0)
    x = rng.random((250, 6))
    t = np.eye(3)[rng.integers(0, 3, size=250)]

    def run():
        np.random.seed(1)
        net = book_loop.TwoLayerNet(6, 4, 3)
        return book_loop.train_neuralnet(net, x, t, x[:50], t[:50], iters_num=12, batch_size=100)

    lists = run()
    assert len(lists["loss"]) == 12
    assert lists["eval_iters"] == [0, 5, 10]  # iter_per_epoch = 250 / 100 = 2.5: i % 2.5 == 0
    assert len(lists["train_acc"]) == len(lists["test_acc"]) == 3
    assert run() == lists


# ---------------------------------------------------------------------------
# every script in --quick mode, and report.py on what they wrote
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """Run every script with --quick into a temporary benchmarks/ copy; regenerate its Markdown."""
    if not (default_data_dir() / CACHE_NAME).is_file():
        pytest.skip("MNIST not cached: run python -m dlfs fetch-mnist")
    bench = tmp_path_factory.mktemp("quick") / "benchmarks"
    outputs = {}
    for name, script in SCRIPTS.items():
        proc = subprocess.run(
            [sys.executable, str(BENCH / script), "--quick", "--results-dir", str(bench / "results")],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        outputs[name] = proc
    return bench, outputs


@needs_mnist
@pytest.mark.parametrize("name", SCRIPTS)
def test_quick_run_writes_a_well_formed_record_and_prints_the_ratio(quick, name):
    """Guards each script end to end: it runs, prints its ratio, and writes a record with the
    command, the machine, the load average and ≥3 alternating runs per side."""
    bench, outputs = quick
    proc = outputs[name]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rec = read_json(bench / "results" / f"{name}.json")
    check_record(rec)
    assert rec["quick"] is True and "--quick" in rec["command"]
    for r in rec["ratios"].values():
        assert f"{r['of_medians']:.3g}x" in proc.stdout, "the script must print the ratio it measured"


@pytest.mark.parametrize("script", SCRIPTS.values())
def test_quick_without_a_results_dir_is_refused(script):
    """Guards the committed records: a --quick smoke run must never overwrite them."""
    before = {p: p.read_bytes() for p in (BENCH / "results").glob("*.json")}
    proc = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "--results-dir" in proc.stderr
    assert {p: p.read_bytes() for p in (BENCH / "results").glob("*.json")} == before


def test_the_readme_quotes_the_speed_records():
    """Every speed figure in README.md is the one in benchmarks/results/*.json, as it would print it.

    Re-measuring changes the records; this test then names each README figure to update.
    """
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    fast, train, numerical = (
        read_json(BENCH / "results" / f"{name}.json") for name in ("fast_gradient", "train", "numerical_10k")
    )
    loop = fast["sides"]["loop, initial weights"]["median"]
    final = numerical["results"]["final"]["numerical"]
    seconds = numerical["sides"]["numerical"]["median"]
    expected = [
        f"{loop:.1f} s per gradient",
        f"about {loop * 10_000 / 3600:.0f} hours",
        f"within {fast['results']['largest_abs_diff']:.1e} for every entry",
        f"{fast['ratios']['loop / fast, initial weights']['of_medians']:,.0f}× faster at the initial weights",
        f"{fast['ratios']['loop / fast, after 1000 SGD steps']['of_medians']:,.0f}× after 1,000 training steps",
        f"{fast['results']['fast_peak_traced_bytes'] / 2**20:.1f} MiB per call",
        f"in {seconds:.0f} s ({seconds / 60:.1f} minutes)",
        f"accuracy {final['train_acc']:.4f} / {final['test_acc']:.4f}",
        f"{train['sides']['dlfs']['median']:.1f} s against {train['sides']['book']['median']:.1f} s",
        f"({train['ratios']['book / dlfs']['of_medians']:.2f}×",
    ]
    missing = [text for text in expected if text not in readme]
    assert not missing, f"README.md does not quote the benchmark records as they are now: {missing}"
