"""Atomic file output: readers see the old file or the complete new one, never a partial write.

The new content goes to a hidden temporary file in the same folder (same file system, so the
final `os.replace` is atomic), is flushed to disk, and only then takes the target's name. If
anything fails or the process is interrupted before that, the target is untouched and the
temporary file is removed (a `kill -9` can leave a `.NAME.*.tmp` behind, never a broken NAME).
Only the target and its own temporary file are ever touched: nothing else in the folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextlib.contextmanager
def atomic_writer(path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a file for writing that replaces `path` only when the `with` block completes.

    The file gets ordinary permissions (0666 less the umask, like `open`), not the 0600 of
    `tempfile.mkstemp`, and keeps an existing target's permissions.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_writer mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            fh = os.fdopen(fd, "w", encoding=encoding or "utf-8", newline="") if mode == "w" else os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        if os.chmod in os.supports_fd:
            with contextlib.suppress(OSError):
                os.chmod(fh.fileno(), os.stat(path).st_mode & 0o7777)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path, data: bytes) -> None:
    with atomic_writer(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
