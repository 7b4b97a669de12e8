"""Atomic file output: a file is either the old one or the complete new one, never half-written.

Every file the command line writes (``qnnsym verify --json``, ``qnnsym docs``, ``qnnsym
figures``) goes through :func:`atomic_path`: the content is written to a temporary file in the
same folder (so :func:`os.replace` is a rename within one file system, atomic on POSIX and
Windows) and renamed over the target only once it is complete.  When writing fails or is
interrupted (Ctrl-C), the temporary file is deleted and the target is untouched.

>>> import pathlib, tempfile
>>> from qnnsym.atomic import atomic_write_text
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> sorted(p.name for p in folder.iterdir())
['a.txt']
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "atomic_write_text", "atomic_write_bytes"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix); on success rename it to ``path``.

    On any exception, :class:`KeyboardInterrupt` included, the temporary file is removed and
    ``path`` keeps its previous content (or stays absent).
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``Path(path)``."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (``encoding``, no newline translation)."""
    return atomic_write_bytes(path, text.encode(encoding))
