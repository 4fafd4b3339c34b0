"""Writing files so that nothing half-written is ever left behind.

:func:`write_atomically` is used by the MNIST cache (:mod:`dlfs.datasets`) and by the
training outputs of the command line (:mod:`dlfs.cli`); :func:`temporaries_in` lets the
MNIST fetch remove what an earlier, killed fetch left behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: temporaries are then recognised by age (see temporaries_in)
    fcntl = None


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in the same directory, renamed into place once complete.

    Parameters
    ----------
    path : path of the file to (re)place
    write : callable taking a binary file object; it writes the whole content

    The temporary file is named ``.<name>.<random>.part``; on any failure (Ctrl-C
    included) it is removed and ``path`` keeps its old content, or stays absent.
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


# -- temporaries that a killed process left behind ------------------------------------------------
#
# A process killed outright (SIGKILL, a kernel restart, a power cut) runs no clean-up: its
# temporary files stay. They are recognised by their names, and told apart from those of a
# process still running by a lock: every process that makes temporaries in a directory
# holds a shared flock(2) on that directory for as long as they exist, and the kernel drops
# a dead process's locks whatever killed it. So "nobody holds the lock" means "nobody is
# making temporaries here", without guessing from pids (which are reused, and differ between
# containers sharing a directory) or from ages (a slow download looks old). Where there are
# no such locks (Windows, some network file systems), age is the fallback: a temporary
# untouched for STALE_AFTER seconds is far older than any fetch may take.

#: Seconds after which, where no lock can tell, an untouched temporary counts as left behind.
STALE_AFTER = 24 * 3600.0


@contextmanager
def temporaries_in(
    directory: str | os.PathLike, patterns: Iterable[str], stale_after: float = STALE_AFTER
) -> Iterator[list[Path]]:
    """Make temporaries in ``directory`` safely from other processes; first remove those left behind.

    Parameters
    ----------
    directory : path of an existing directory
    patterns : glob patterns (``".dlfs-fetch-*"``) of the temporaries' names, files or directories
    stale_after : seconds; used only where the directory cannot be locked (see below)

    Yields
    ------
    list of Path
        The temporaries removed on entry: those matching ``patterns`` that no running process
        owns. Inside the ``with`` block, the caller's own temporaries are safe from the same
        clean-up run by other processes.

    While inside, this process holds a shared lock on ``directory``. On entry, if no other
    process holds one (an exclusive lock can be taken), every matching temporary belongs to
    a process that died, and is removed. If another process holds one, nothing is removed:
    that is left to a later call. Where locking is not available, a matching temporary is
    removed when nothing in it has changed for ``stale_after`` seconds. Only regular files
    and directories are removed, never symbolic links; what cannot be removed is left.
    """
    directory = Path(directory)
    fd = _open_directory(directory)
    alone = False
    if fd is not None:
        try:
            alone = _try_flock(fd, fcntl.LOCK_EX)
        except OSError:  # no locks on this file system (e.g. ENOLCK over NFS): fall back to age
            os.close(fd)
            fd = None
    try:
        if fd is None:
            removed = _remove_matching(directory, patterns, older_than=stale_after)
        elif alone:
            # Nobody else makes temporaries here now: whatever matches was left by the dead.
            removed = _remove_matching(directory, patterns, older_than=None)
            fcntl.flock(fd, fcntl.LOCK_SH)
        else:
            removed = []  # another process is fetching: its temporaries look the same as stale ones
            # Blocks only while another process removes stale temporaries (its exclusive lock).
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield removed
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _open_directory(directory: Path) -> int | None:
    """A descriptor of ``directory`` to flock(2), or None where flock is not available."""
    if fcntl is None:
        return None
    try:
        return os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


def _try_flock(fd: int, operation: int) -> bool:
    """Take the lock if no other process prevents it; False if one does."""
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _remove_matching(directory: Path, patterns: Iterable[str], older_than: float | None) -> list[Path]:
    removed = []
    for pattern in patterns:
        for path in sorted(directory.glob(pattern)):
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
                continue  # gone already, or not ours to remove (permissions): leave it
            removed.append(path)
    return removed


def _last_change(path: Path) -> float:
    """The newest modification time in ``path`` (a file, or a directory and everything in it)."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                try:
                    newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
                except OSError:
                    pass
    return newest
