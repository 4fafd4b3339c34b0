"""Writing files and directories so that nothing half-written is ever left behind.

:func:`write_atomically` writes one file (the MNIST cache, a history.json); :func:`replace_directory`
a set of files (``python -m dlfs train --out``); :func:`temporaries_in` removes the temporaries
that a killed process left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no leftovers are removed (see temporaries_in)
    fcntl = None


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file beside it (``.<name>.<random>.part``), renamed into place once complete.

    ``write`` gets a binary file object and writes the whole content. On any failure (Ctrl-C
    included) the temporary file is removed and ``path`` keeps its old content, or stays absent.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; nothing written here is secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_directory(path: str | os.PathLike, names: Iterable[str], fill: Callable[[Path], object]) -> None:
    """Make ``path`` a directory of the files ``names`` that ``fill(directory)`` writes there: all of them, or none.

    ``fill`` writes into a new directory beside ``path`` (``.<name>.<random>.tmp``); when it has
    returned and its files are on disk, an existing ``path`` is renamed aside (``.<name>.<random>.old``),
    the new directory renamed into place and the old one deleted, with SIGINT and SIGTERM held back
    between the two renames. So an interrupt, a full disk or an error in ``fill`` leaves ``path`` as it
    was and no temporaries; two calls at once leave one complete set (the last to finish wins). A
    process killed outright (SIGKILL) leaves its temporaries to the next call, which removes them,
    or puts back an earlier set it finds moved aside with nothing in its place. A ``path`` holding
    anything but ``names`` is never replaced (FileExistsError): this deletes only what it wrote.
    """
    path, names = Path(path).absolute(), set(names)
    path.parent.mkdir(parents=True, exist_ok=True)
    _restore_aside(path)
    with temporaries_in(path.parent, [f".{path.name}.*.tmp", f".{path.name}.*.old"]):
        stage = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
        try:
            fill(stage)
            for name in [*os.listdir(stage), "."]:  # on disk before the swap: a full disk shows up here
                fd = os.open(stage / name, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            os.chmod(stage, 0o755)  # mkdtemp makes it 0700
            _swap(stage, path, names)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # nothing left after a swap


def _swap(stage: Path, path: Path, names: set[str]) -> None:
    """Rename ``stage`` to ``path``, moving a ``path`` that exists aside first, and delete what was there."""
    for _ in range(100):  # another run may put its set in place between our two renames: then again
        aside, done = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old")), False
        try:
            with _signals_held():
                with contextlib.suppress(FileNotFoundError):
                    os.rename(path, aside)
                if not set(os.listdir(aside)) <= names:
                    os.rename(aside, path)
                    raise FileExistsError(errno.EEXIST, f"{path} holds files other than {', '.join(sorted(names))}")
                try:
                    os.rename(stage, path)
                    done = True
                except OSError as error:
                    if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                        with contextlib.suppress(OSError):
                            os.rename(aside, path)  # put the earlier set back
                        raise
        finally:
            with contextlib.suppress(FileNotFoundError):  # (it is back in place)
                if set(os.listdir(aside)) <= names:  # only ever delete a set like the one written here
                    shutil.rmtree(aside, ignore_errors=True)
        if done:
            return
    raise OSError(errno.EBUSY, f"other processes keep replacing {path}")


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block (delivered right after it), where the platform can."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _restore_aside(path: Path) -> None:
    """Where ``path`` is missing but a killed run left an earlier set moved aside, put the newest back."""
    if path.exists():
        return
    for aside in sorted(path.parent.glob(f".{path.name}.*.old"), key=lambda p: p.stat().st_mtime, reverse=True):
        with contextlib.suppress(OSError):
            if any(aside.iterdir()):
                os.rename(aside, path)
                return


@contextlib.contextmanager
def temporaries_in(directory: str | os.PathLike, patterns: list[str]) -> Iterator[list[Path]]:
    """Hold a shared lock on ``directory`` for the block, after removing the temporaries that killed runs left.

    Every process making temporaries there holds a shared flock(2) on the directory while they exist,
    and the kernel drops a dead process's locks however it died. So when an exclusive lock can be had,
    nobody is making temporaries there, and the files and directories matching the glob ``patterns``
    were left by the dead: they are removed, and listed as the block's value. (Where there are no such
    locks, as on Windows, they are left.)
    """
    directory, fd, removed = Path(directory), None, []
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if fd is not None:
            with contextlib.suppress(OSError):  # BlockingIOError: another run is writing here; leave all
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                for path in sorted(p for pattern in patterns for p in directory.glob(pattern)):
                    with contextlib.suppress(OSError):
                        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
                        removed.append(path)
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while another run removes leftovers
        yield removed
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock
