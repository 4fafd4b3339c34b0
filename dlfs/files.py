"""Writing files so that nothing half-written is ever left behind.

Used by the MNIST cache (:mod:`dlfs.datasets`) and by the training outputs of the
command line (:mod:`dlfs.cli`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


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
