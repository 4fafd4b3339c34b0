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
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: temporaries are then recognised by age (see temporaries_in)
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


# A process killed outright (SIGKILL, a kernel restart, a power cut) runs no clean-up: its temporaries
# stay. They are recognised by their names, and told apart from those of a process still running by a
# lock: every process making temporaries in a directory holds a shared flock(2) on it while they exist,
# and the kernel drops a dead process's locks whatever killed it. So "nobody holds the lock" means
# "nobody is making temporaries here", without guessing from pids or ages. Where there are no such
# locks (Windows, some network file systems), a temporary untouched for STALE_AFTER seconds counts as
# left behind.

#: Seconds after which, where no lock can tell, an untouched temporary counts as left behind.
STALE_AFTER = 24 * 3600.0


@contextlib.contextmanager
def temporaries_in(
    directory: str | os.PathLike, patterns: Iterable[str], stale_after: float = STALE_AFTER
) -> Iterator[list[Path]]:
    """Make temporaries in ``directory`` safely from other processes; first remove those left behind.

    On entry, the files and directories matching the glob ``patterns`` that no running process owns
    are removed (never symbolic links; what cannot be removed is left), and the list of them is
    yielded. Inside the block this process holds a shared lock on ``directory``, which keeps its own
    temporaries safe from the same clean-up run by others.
    """
    directory = Path(directory)
    fd = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if fd is None:
            removed = _remove_matching(directory, patterns, older_than=stale_after)
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                alone = True
            except BlockingIOError:
                alone = False  # another process is making temporaries: they look the same as stale ones
            except OSError:  # no locks on this file system (e.g. ENOLCK over NFS): fall back to age
                os.close(fd)
                fd, alone = None, False
            if alone:  # nobody else makes temporaries here now: whatever matches was left by the dead
                removed = _remove_matching(directory, patterns, older_than=None)
            else:
                removed = [] if fd is not None else _remove_matching(directory, patterns, older_than=stale_after)
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)  # blocks only while another process removes stale temporaries
        yield removed
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _remove_matching(directory: Path, patterns: Iterable[str], older_than: float | None) -> list[Path]:
    removed = []
    for path in sorted(p for pattern in patterns for p in directory.glob(pattern)):
        try:
            mode = path.lstat().st_mode
            if older_than is not None and time.time() - _last_change(path) < older_than:
                continue
            if stat.S_ISDIR(mode):
                shutil.rmtree(path)
            elif stat.S_ISREG(mode):
                path.unlink()
            else:
                continue  # a symbolic link or a device: not something we make
        except OSError:
            continue  # gone already, or not ours to remove: leave it
        removed.append(path)
    return removed


def _last_change(path: Path) -> float:
    """The newest modification time in ``path`` (a file, or a directory and everything in it)."""
    times = [path.lstat().st_mtime]
    if stat.S_ISDIR(path.lstat().st_mode):
        for root, dirs, files in os.walk(path):
            times += [os.lstat(os.path.join(root, name)).st_mtime for name in dirs + files]
    return max(times)
