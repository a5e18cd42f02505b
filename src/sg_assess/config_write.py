"""Saving one setting in the user's config file, keeping everything else exactly as it was.

The file is edited with tomlkit, which keeps comments, the order of keys,
blank lines and every other setting (numbers such as ``backups_keep`` too);
only the one value changes.  A file that is not valid TOML is never rewritten.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from sg_assess import paths
from sg_assess.errors import SgError
from sg_assess.fileio import atomic_write

HEADER = "sg-assess settings (see the README for every key)"


def save_setting(key: str, value: str | list[str], path: Path | None = None) -> Path:
    """Set ``key`` in the config file (created if missing); other settings and comments are kept."""
    path = path or paths.config_file()
    try:
        text = path.read_bytes().decode("utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise SgError(f"{path}: cannot update the config file ({exc}); fix or delete it") from None
    if text is None:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
    else:
        try:
            doc = tomlkit.parse(text)
        except TOMLKitError as exc:
            raise SgError(f"{path}: cannot update the config file, it is not valid TOML ({exc}); fix or delete it") from None
    doc[key] = value  # an existing key is replaced where it stands; a new one is added at the end
    out = tomlkit.dumps(doc)
    if not out.endswith("\n"):
        out += "\n"
    return atomic_write(path, out.encode("utf-8"))
