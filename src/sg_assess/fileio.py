"""Writing files so that a crash or a full disk never leaves half a file behind.

Write to a temporary file in the same folder, flush and fsync it, then rename
it over the target.  Files are private (0600) on POSIX.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sg_assess.errors import ExportError

_REPLACE_RETRIES = 10  # Windows: antivirus or OneDrive may hold the file for a moment


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"cannot write in {path.parent}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        if os.name != "nt":
            os.chmod(tmp, 0o600)
        _fsync_path(tmp)
        _replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> Path:
    with atomic_target(path) as tmp:
        with tmp.open("wb") as fh:
            fh.write(data)
    return Path(path)


def _fsync_path(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder to fsync it; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(tmp: Path, target: Path) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


# Windows also reads the superscripts ¹ ² ³ as digits in COM and LPT device names.
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in "123456789\u00b9\u00b2\u00b3"),
                     *(f"LPT{i}" for i in "123456789\u00b9\u00b2\u00b3")}
_MAX_NAME_BYTES = 200  # ext4 and APFS allow 255 bytes of UTF-8 per name: room for the fallback and the suffix
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')


def safe_filename(name: str, *, suffix: str = "", fallback: str = "assessment", max_len: int = 80) -> str:
    """A file name made from ``name`` that is valid on Windows, macOS and Linux.

    No path separators or reserved characters, not a reserved Windows device
    name, no leading dot or trailing dot/space, never empty.  The part taken
    from ``name`` is at most ``max_len`` characters and 200 UTF-8 bytes.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn"))
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"-{2,}", "-", text).strip(".-_ ")
    text = text[:max_len].encode("utf-8")[:_MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(".-_ ")
    if not text or text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"{fallback}-{text}" if text else fallback
    return text + suffix
