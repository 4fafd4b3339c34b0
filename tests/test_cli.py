"""The command line (dlfs.cli): python -m dlfs train and fetch-mnist, end to end, and its outputs written whole.

MNIST is replaced by small synthetic data, so these run in seconds with no download.
"""

import errno
import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlfs import TrainHistory, cli, datasets, files
from dlfs.cli import main

OUTPUTS = ["accuracy.png", "history.json", "loss.png"]


def digits(n=1200, seed=2, noise=False):
    """784-wide blobs with 10 classes (or, with ``noise``, labels no network can learn)."""
    rng = np.random.default_rng(seed)
    centres, t = rng.normal(0, 1.5, size=(10, 784)), rng.integers(0, 10, size=n)
    x = np.clip((centres[t] + 2.0 * rng.normal(size=(n, 784))) / 8 + 0.5, 0, 1).astype(np.float32)
    t = rng.integers(0, 10, size=n) if noise else t
    return (x[:1000], t[:1000]), (x[1000:], t[1000:])


@pytest.fixture
def fake_mnist(monkeypatch):
    monkeypatch.setattr(cli, "load_data", lambda: digits())


@pytest.fixture
def no_data(monkeypatch):
    """Fail the test if the command gets as far as loading data."""

    def refuse():
        raise AssertionError("the command loaded data before checking its arguments")

    monkeypatch.setattr(cli, "load_data", refuse)


def run(*args):
    return main(["train", "--iters", "25", "--batch-size", "50", "--hidden", "8", "--no-progress", *args])


def litter(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_train_prints_the_final_line_and_writes_the_set(fake_mnist, tmp_path, capsys):
    out = tmp_path / "runs" / "book"  # parents are made, at the end
    assert run("--lr", "0.5", "--seed", "1", "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert "784-8-10 (float32)" in captured.err
    h = TrainHistory.from_json(out / "history.json")
    assert len(h.loss) == 25 and h.config["batch_size"] == 50 and h.epoch_iters == [0, 20, 24]
    assert captured.out == f"train acc {h.train_acc[-1]:.4f}, test acc {h.test_acc[-1]:.4f} after 25 iterations\n"
    assert sorted(os.listdir(out)) == OUTPUTS and litter(out.parent) == []
    for name in ("accuracy.png", "loss.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("--lr", "0.5", "--seed", "2", "--out", str(out)) == 0  # a second run replaces the set
    assert TrainHistory.from_json(out / "history.json").config["seed"] == 2 and sorted(os.listdir(out)) == OUTPUTS


def test_numerical_training_defaults_to_float64(fake_mnist, capsys):
    assert (
        main(
            ["train", "--iters", "2", "--batch-size", "2", "--hidden", "2", "--gradient", "numerical", "--no-progress"]
        )
        == 0
    )
    assert "(float64), numerical gradient" in capsys.readouterr().err
    assert main(["train", "--gradient", "numerical", "--dtype", "float32", "--no-progress"]) == 2


def test_divergence_exits_1_and_keeps_the_curve_up_to_it(fake_mnist, tmp_path, capsys):
    assert run("--iters", "3000", "--lr", "1000", "--out", str(tmp_path / "run")) == 1
    assert re.search(r"error: training diverged at iteration \d+", capsys.readouterr().err)
    assert 0 < len(TrainHistory.from_json(tmp_path / "run" / "history.json").loss) < 3000
    assert sorted(os.listdir(tmp_path / "run")) == OUTPUTS


def test_a_run_that_does_not_learn_exits_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "load_data", lambda: digits(seed=3, noise=True))
    assert run("--iters", "150", "--hidden", "2", "--lr", "0.01", "--out", str(tmp_path / "run")) == 3
    assert "error: the network did not learn" in capsys.readouterr().err
    assert TrainHistory.from_json(tmp_path / "run" / "history.json").problem.startswith("the network did not learn")


@pytest.mark.parametrize(
    "args",
    [
        ["--iters", "0"],
        ["--batch-size", "-5"],
        ["--lr", "0"],
        ["--lr", "nan"],
        ["--lr", "fast"],
        ["--gradient", "adam"],
        ["--dtype", "float16"],
        ["--seed", "-1"],
        ["--blas-threads", "-1"],
        ["--weight-init-std", "inf"],
        ["--out", ""],
        ["--out", "x" * 300],  # ENAMETOOLONG is a bad argument too
        ["--out", "runs/" + "x" * 250],  # too long for the temporary name beside it
    ],
)
def test_bad_arguments_exit_2_before_any_data_and_create_nothing(args, tmp_path, monkeypatch, capsys, no_data):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["train", *args, "--out", "runs/new"] if "--out" not in args else ["train", *args])
    assert info.value.code == 2 and "Traceback" not in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_refused_after_parsing_creates_nothing_either(tmp_path, capsys, no_data):
    out = tmp_path / "new"
    assert main(["train", "--weight-init-std", "1e308", "--out", str(out)]) == 2  # weights overflow float32
    assert "overflow" in capsys.readouterr().err and os.listdir(tmp_path) == []


def test_an_out_that_is_a_file_holds_other_files_or_cannot_be_written_is_refused(tmp_path, capsys, no_data):
    a_file = tmp_path / "results.txt"
    a_file.write_text("not a directory")
    for out in (a_file, a_file / "run", tmp_path, "/proc/self/dlfs-run"):  # tmp_path holds results.txt
        with pytest.raises(SystemExit) as info:
            main(["train", "--out", str(out)])
        assert info.value.code == 2
    assert "is a file, not a directory" in capsys.readouterr().err and a_file.read_text() == "not a directory"


def test_a_directory_that_holds_other_files_is_never_replaced(tmp_path):
    # --out refuses it before training; should one appear meanwhile, the swap refuses it too
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        files.replace_directory(out, ["history.json"], lambda d: (d / "history.json").write_text("{}"))
    assert os.listdir(out) == ["notes.txt"] and litter(tmp_path) == []


def test_a_full_disk_leaves_the_earlier_set_and_no_temporaries(fake_mnist, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    assert run("--seed", "1", "--out", str(out)) == 0
    before = {name: (out / name).read_bytes() for name in OUTPUTS}

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Figure, "savefig", full)
    assert run("--seed", "2", "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "error" in line] == [
        line for line in err.splitlines() if "no space left" in line
    ]
    assert "no space left" in err and "Traceback" not in err
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before and litter(tmp_path) == []


def test_mnist_unavailable_is_one_message_without_a_traceback(monkeypatch, tmp_path, capsys):
    def unavailable(*args, **kwargs):
        raise datasets.MNISTError("no source worked: mirror 1: HTTP 404; mirror 2: timed out. Fetch it by hand.")

    monkeypatch.setattr(cli, "load_data", unavailable)
    monkeypatch.setattr(datasets, "fetch_mnist", unavailable)
    assert main(["train", "--no-progress", "--out", str(tmp_path / "run")]) == 1
    assert main(["fetch-mnist"]) == 1
    err = capsys.readouterr().err
    assert err.count("mirror 2: timed out") == 2 and "Traceback" not in err and os.listdir(tmp_path) == []


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_data", interrupted)
    assert main(["train", "--no-progress"]) == 130
    assert "interrupted" in capsys.readouterr().err


# -- outputs written whole, by real processes ------------------------------------------------------
SCRIPT = """
import sys, time
from dlfs import cli
rng = __import__("numpy").random.default_rng(0)
x, t = rng.random((300, 784)).astype("float32"), rng.integers(0, 10, 300)
cli.load_data = lambda: ((x, t), (x[:50], t[:50]))
figures = cli.figures
def slow_figures(history):  # history.json is written already: slow down the rest of the set
    print("writing", flush=True)
    time.sleep(float(sys.argv[1]))
    return figures(history)
cli.figures = slow_figures
sys.exit(cli.main(["train", "--iters", "5", "--hidden", "4", "--no-progress", *sys.argv[2:]]))
"""


def start(seconds, *args):
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(seconds), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until_writing(process):
    assert process.stdout.readline() == "writing\n", process.communicate()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_writing_leaves_the_earlier_set_and_no_temporaries(tmp_path, sig):
    out = tmp_path / "run"
    first = start(0, "--seed", "1", "--out", str(out))
    assert first.wait(timeout=120) == 0, first.communicate()
    second = start(60, "--seed", "2", "--out", str(out))
    wait_until_writing(second)
    second.send_signal(sig)
    assert second.wait(timeout=60) == 130
    assert "interrupted" in second.stderr.read()
    assert TrainHistory.from_json(out / "history.json").config["seed"] == 1 and sorted(os.listdir(out)) == OUTPUTS
    assert litter(tmp_path) == []


def test_a_killed_run_leaves_temporaries_that_the_next_run_removes(tmp_path):
    out = tmp_path / "run"
    killed = start(60, "--seed", "1", "--out", str(out))
    wait_until_writing(killed)
    killed.kill()  # SIGKILL: no clean-up at all
    killed.wait(timeout=60)
    assert not out.exists() and len(litter(tmp_path)) == 1
    assert start(0, "--seed", "2", "--out", str(out)).wait(timeout=120) == 0
    assert litter(tmp_path) == [] and sorted(os.listdir(out)) == OUTPUTS


def test_two_runs_writing_the_same_directory_leave_one_whole_set(tmp_path):
    out = tmp_path / "run"
    runs = [start(2, "--seed", str(seed), "--out", str(out)) for seed in (1, 2)]
    for process in runs:
        wait_until_writing(process)
    assert [process.wait(timeout=120) for process in runs] == [0, 0]
    h = TrainHistory.from_json(out / "history.json")
    assert h.config["seed"] in (1, 2) and sorted(os.listdir(out)) == OUTPUTS and litter(tmp_path) == []


def test_a_run_that_puts_its_set_in_place_between_our_two_renames(tmp_path, monkeypatch):
    # the race the retry in files._swap handles: after our first rename another run's set takes the place
    out = tmp_path / "run"
    files.replace_directory(out, ["who"], lambda d: (d / "who").write_text("first"))
    rename, raced = os.rename, []

    def rename_then_race(src, dst):
        rename(src, dst)
        if str(src) == str(out) and not raced:
            raced.append(1)
            out.mkdir()
            (out / "who").write_text("other run")

    monkeypatch.setattr(files.os, "rename", rename_then_race)
    files.replace_directory(out, ["who"], lambda d: (d / "who").write_text("ours"))
    assert (out / "who").read_text() == "ours" and raced and litter(tmp_path) == []


def test_an_earlier_set_moved_aside_by_a_killed_run_is_put_back(tmp_path):
    aside = tmp_path / ".run.abcd1234.old"  # killed between its two renames
    aside.mkdir()
    (aside / "history.json").write_text(json.dumps({"loss": [1.0]}))

    def fail(directory):
        raise OSError(errno.ENOSPC, "full")

    with pytest.raises(OSError):
        files.replace_directory(tmp_path / "run", ["history.json"], fail)
    assert json.loads((tmp_path / "run" / "history.json").read_text()) == {"loss": [1.0]} and litter(tmp_path) == []


def test_python_m_dlfs_runs_the_same_main():
    out = subprocess.run([sys.executable, "-m", "dlfs", "train", "--lr", "0"], capture_output=True, text=True)
    assert out.returncode == 2 and "must be a finite number > 0" in out.stderr
