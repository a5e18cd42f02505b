"""Writing files so that a crash or a full disk never leaves half a file behind.

Write to a temporary file in the same folder, flush and fsync it, then rename
it over the target.  Files are private (0600) on POSIX.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sg_assess.errors import ExportError, SgError, UsageError

_REPLACE_RETRIES = 10  # Windows: antivirus or OneDrive may hold the file for a moment
# Our temporary files: "." + up to 40 characters of the target's name + "." + mkstemp's 8 random characters + ".tmp"
_TEMP_NAME = re.compile(r"^\..{1,40}\.[a-z0-9_]{8}\.tmp$", re.DOTALL)
STALE_AFTER_SECONDS = 300  # a temporary file untouched this long belongs to no running copy (writers touch it all along)
_cleaned: set[Path] = set()


def _kind(mode: int) -> str | None:
    """What a special file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def special_kind(path: Path, *, folder_ok: bool = False) -> str | None:
    """"a pipe (FIFO)", "a device", ... for a path that is not a regular file (nor a folder, if
    ``folder_ok``); "missing" if nothing is there; None if it may be used (or cannot be looked at:
    the read or write that follows reports that in its own words)."""
    try:
        mode = os.stat(path).st_mode  # stat never blocks, even on a FIFO
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except (OSError, ValueError):
        return None
    if folder_ok and stat.S_ISDIR(mode):
        return None
    return _kind(mode)


def require_regular(path: Path, what: str, *, folder_ok: bool = False, must_exist: bool = False,
                    error: type[SgError] = UsageError) -> None:
    """Refuse a path that exists as anything but a regular file (or a folder, if ``folder_ok``).

    Devices, pipes and sockets are never read (a FIFO would hang) nor replaced (as root, ``/dev/null``
    would become a file).  ``what`` names the path for the message ("the export target", "the database").
    """
    kind = special_kind(path, folder_ok=folder_ok)
    if kind == "missing":
        if must_exist:
            raise error(f"{what} {path} does not exist") from None
        return
    if kind is None:
        return
    needed = "a file or a folder" if folder_ok else "a regular file"
    raise error(f"{what} {path} is {kind}, not {needed}; nothing was read or written")


def names_a_folder(text: str | os.PathLike[str]) -> bool:
    """A path typed with a trailing separator ("out/") means a folder, even if it does not exist yet."""
    value = os.fspath(text)
    return value.endswith("/") or (os.name == "nt" and value.endswith("\\"))


def output_path(text: str | os.PathLike[str], what: str, *, error: type[SgError] = UsageError) -> Path:
    """Where to write, from what the user typed: an existing folder, a folder asked for with a trailing
    separator (created, private), or a file (absent or regular).  Special files are refused."""
    path = Path(os.fspath(text)).expanduser()
    if names_a_folder(text):
        require_regular(path, what, folder_ok=True, error=error)
        if path.exists() and not path.is_dir():
            raise error(f"{what} {path} is a file, but a folder was asked for (the path ends with a separator)")
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise error(f"cannot create the folder {path}: {exc.strerror or exc}") from None
        return path
    require_regular(path, what, folder_ok=True, error=error)
    return path


def clean_stale_temps(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove temporary files of ours that a killed export or backup left behind in ``folder``.

    Only our own naming pattern, only regular files owned by us, and only those untouched for
    ``STALE_AFTER_SECONDS`` before this operation began (a running copy keeps touching its file).
    """
    limit = (time.time() if now is None else now) - STALE_AFTER_SECONDS
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= limit:
                continue
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically."""
    path = Path(path)
    require_regular(path, "the target", error=ExportError)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent not in _cleaned:  # once per folder and run: the first write cleans what a kill left
            _cleaned.add(path.parent)
            clean_stale_temps(path.parent)
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
