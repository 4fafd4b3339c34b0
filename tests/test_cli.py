"""Tests for the command line (dlfs.cli): python -m dlfs train and fetch-mnist.

MNIST is replaced by small synthetic data, so these run in seconds with no download.
"""

import re
import subprocess
import sys

import numpy as np
import pytest

from dlfs import TrainHistory, cli
from dlfs.cli import main


def blobs(n=600, d=20, c=3, seed=1, spread=1.0):
    """n points in d dimensions around c random centres; labels 0..c-1 (int64)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.5, size=(c, d))
    t = rng.integers(0, c, size=n)
    x = centres[t] + spread * rng.normal(size=(n, d))
    return x.astype(np.float32), t


# ---------------------------------------------------------------------------
# python -m dlfs train
# ---------------------------------------------------------------------------
@pytest.fixture
def fake_mnist(monkeypatch):
    """Replace MNIST by 784-wide blobs with 10 classes, so the CLI test needs no download."""
    x, t = blobs(1200, d=784, c=10, seed=2, spread=2.0)
    x = np.clip(x / 8 + 0.5, 0, 1).astype(np.float32)
    monkeypatch.setattr(cli, "load_data", lambda: ((x[:1000], t[:1000]), (x[1000:], t[1000:])))


def test_cli_trains_prints_the_final_line_and_writes_outputs(fake_mnist, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "train",
            "--iters",
            "25",
            "--batch-size",
            "50",
            "--lr",
            "0.5",
            "--hidden",
            "8",
            "--seed",
            "1",
            "--no-progress",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert re.fullmatch(r"train acc \d\.\d{4}, test acc \d\.\d{4} after 25 iterations\n", captured.out)
    assert "784-8-10 (float32)" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["accuracy.png", "history.json", "loss.png"]
    for name in ("accuracy.png", "loss.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    h = TrainHistory.from_json(out / "history.json")
    assert len(h.loss) == 25 and h.config["batch_size"] == 50 and h.config["dtype"] == "float32"
    assert h.epoch_iters == [0, 20, 24]  # the epochs, and the net that training returned
    assert captured.out.strip() == f"train acc {h.train_acc[-1]:.4f}, test acc {h.test_acc[-1]:.4f} after 25 iterations"


def test_cli_numerical_defaults_to_float64(fake_mnist, capsys, monkeypatch):
    # the exact numerical gradient of 784-2-10 is quick enough for 2 iterations of batch 2
    assert (
        main(
            ["train", "--iters", "2", "--batch-size", "2", "--hidden", "2", "--gradient", "numerical", "--no-progress"]
        )
        == 0
    )
    assert "(float64), numerical gradient" in capsys.readouterr().err


def test_cli_reports_divergence_and_exits_non_zero(fake_mnist, tmp_path, capsys):
    code = main(["train", "--iters", "3000", "--lr", "1000", "--no-progress", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"error: training diverged at iteration \d+", err)
    partial = TrainHistory.from_json(tmp_path / "history.json")
    assert 0 < len(partial.loss) < 3000


@pytest.mark.parametrize(
    "args, message",
    [
        (["--iters", "0"], "must be at least 1"),
        (["--batch-size", "-5"], "must be at least 1"),
        (["--lr", "0"], "must be a finite number > 0"),
        (["--lr", "nan"], "must be a finite number > 0"),
        (["--gradient", "adam"], "invalid choice"),
        (["--dtype", "float16"], "invalid choice"),
        (["--seed", "-1"], "must be at least 0"),
    ],
)
def test_cli_rejects_bad_arguments(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_float32_numerical_is_refused(fake_mnist, capsys):
    assert main(["train", "--gradient", "numerical", "--dtype", "float32", "--iters", "1", "--no-progress"]) == 2
    assert "float64" in capsys.readouterr().err


@pytest.fixture
def no_data(monkeypatch):
    """Fail the test if the command gets as far as loading data."""

    def refuse():
        raise AssertionError("the command loaded data before checking its arguments")

    monkeypatch.setattr(cli, "load_data", refuse)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--blas-threads", "-1"], "must be at least 0"),
        (["--out", ""], "the output directory is empty"),
        (["--weight-init-std", "inf"], "must be a finite number > 0"),
    ],
)
def test_more_bad_arguments_are_refused_before_any_data(args, message, capsys, no_data):
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_out_that_is_a_file_or_under_a_file_is_refused_before_training(tmp_path, capsys, no_data):
    a_file = tmp_path / "results.txt"
    a_file.write_text("not a directory")
    for out in (a_file, a_file / "run"):
        with pytest.raises(SystemExit) as info:
            main(["train", "--out", str(out)])
        assert info.value.code == 2
        assert f"{a_file} is a file, not a directory" in capsys.readouterr().err


def test_out_that_cannot_be_created_is_refused_before_training(capsys, no_data):
    with pytest.raises(SystemExit) as info:
        main(["train", "--out", "/proc/self/dlfs-run"])  # not writable even for root
    assert info.value.code == 2
    assert "cannot write to /proc/self/dlfs-run" in capsys.readouterr().err


def test_weights_too_large_for_the_dtype_are_refused_before_any_data(capsys, no_data):
    assert main(["train", "--weight-init-std", "1e308"]) == 2
    assert "weight_init_std=1e+308 makes weights that overflow float32" in capsys.readouterr().err


def test_a_huge_learning_rate_in_a_short_run_is_reported_as_diverged(fake_mnist, capsys):
    # fewer iterations than the divergence window: checked at the end of the run
    assert main(["train", "--iters", "49", "--lr", "1000", "--no-progress"]) == 1
    assert re.search(
        r"error: training diverged at iteration 48: the mean loss of the last 49 iterations", capsys.readouterr().err
    )


@pytest.fixture
def unlearnable(monkeypatch):
    """Labels that are noise: no network can beat guessing on them."""
    x, _ = blobs(1200, d=784, c=10, seed=3)
    t = np.random.default_rng(4).integers(0, 10, size=1200)
    monkeypatch.setattr(cli, "load_data", lambda: ((x[:1000], t[:1000]), (x[1000:], t[1000:])))


def test_a_run_that_does_not_learn_says_so_and_exits_3(unlearnable, tmp_path, capsys):
    code = main(["train", "--iters", "150", "--hidden", "2", "--lr", "0.01", "--no-progress", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 3
    assert "error: the network did not learn: after 150 iterations its training accuracy" in captured.err
    assert "is no better than guessing" in captured.err
    assert TrainHistory.from_json(tmp_path / "history.json").problem.startswith("the network did not learn")


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_data", interrupted)
    assert main(["train", "--no-progress"]) == 130
    err = capsys.readouterr().err
    assert "interrupted (Ctrl-C)" in err and "Traceback" not in err


def test_python_m_dlfs_runs_the_same_main():
    out = subprocess.run([sys.executable, "-m", "dlfs", "train", "--lr", "0"], capture_output=True, text=True)
    assert out.returncode == 2 and "must be a finite number > 0" in out.stderr
